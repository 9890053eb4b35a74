# tests/stress and tests/security: the programs they run (tests/stress/progs/*.c →
# $(BUILD)/tests/stress/), built like the shim's test programs, with the build's flags.
STRESS_SRCS := $(wildcard tests/stress/progs/*.c)
STRESS_BINS := $(STRESS_SRCS:tests/stress/progs/%.c=$(BUILD)/tests/stress/%)

TEST_DEPS += $(STRESS_BINS)
TEST_DIRS += tests/stress tests/security

$(BUILD)/tests/stress/%: tests/stress/progs/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lpthread
