# make bench: what tracing costs, untraced vs socklens vs strace, in one bounded run.
# The workloads are small C programs built into $(BUILD)/bench; bench/run.sh drives them and
# the servers (redis, nginx) and writes bench/results/YYYY-MM-DD.md.
BENCH_PROGS := pingpong udp churn rusage
BENCH_BINS  := $(BENCH_PROGS:%=$(BUILD)/bench/%)
BENCH_ROUNDS ?= 5

$(BUILD)/bench/%: bench/%.c bench/bench.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

.PHONY: bench bench-deps bench-progs
bench-progs: $(BENCH_BINS)

bench-deps:
	@sh .ci/deps bench

# The viewer and its trace generator are measured when they build; the table says when not.
bench: bench-deps $(SHIM_LIB) $(BENCH_BINS)
	-@$(MAKE) --no-print-directory $(BUILD)/socklens $(BUILD)/socklens-gen-trace >/dev/null 2>&1
	BUILD=$(abspath $(BUILD)) ROUNDS=$(BENCH_ROUNDS) bash bench/run.sh
