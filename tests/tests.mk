# Test programs for the shim's tests (tests/shim/progs/*.c → $(BUILD)/tests/).
SHIM_TEST_SRCS := $(wildcard tests/shim/progs/*.c)
SHIM_TEST_BINS := $(SHIM_TEST_SRCS:tests/shim/progs/%.c=$(BUILD)/tests/%)

TEST_DEPS += $(SHIM_TEST_BINS)
TEST_DIRS += tests/shim

$(BUILD)/tests/checktrace: tests/shim/progs/checktrace.c | $(BUILD)/tests
	$(CC) $(CFLAGS) $(JANSSON_CFLAGS) -o $@ $< $(LDFLAGS) $(JANSSON_LIBS)

# Built fortified, so that glibc's __recv_chk and __read_chk are what it calls.
$(BUILD)/tests/fortified: tests/shim/progs/fortified.c | $(BUILD)/tests
	$(CC) $(CFLAGS) -O2 -D_FORTIFY_SOURCE=2 -D_FILE_OFFSET_BITS=64 -o $@ $< $(LDFLAGS)

$(BUILD)/tests/%: tests/shim/progs/%.c | $(BUILD)/tests
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lpthread

$(BUILD)/tests:
	mkdir -p $@
