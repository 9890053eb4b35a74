# examples/: the guided tour of the socket API (issue 5, docs/tour.md), one program per lesson.
# Each NN-name.c builds to $(BUILD)/examples/NN-name; tour.h is shared (tracked by -MMD).
EXAMPLES_SRC := $(sort $(wildcard examples/[0-9]*.c))
EXAMPLES     := $(patsubst examples/%.c,$(BUILD)/examples/%,$(EXAMPLES_SRC))

examples: $(EXAMPLES)

$(BUILD)/examples/%: examples/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)

TEST_DEPS += $(EXAMPLES)
TEST_DIRS += tests/examples

# The README's first command: the echo server and its clients, recorded, then shown.
DEMO_TRACE := $(BUILD)/demo.jsonl
demo: all examples
	rm -f $(DEMO_TRACE)
	$(BUILD)/socklens record -o $(DEMO_TRACE) -- $(BUILD)/examples/03-echo
	$(BUILD)/socklens view $(DEMO_TRACE)
