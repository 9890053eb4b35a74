# tests/fuzz: libFuzzer target for the trace reader and the renderers (issue 7).
# The viewer's sources are compiled again with clang, ASan, UBSan and fuzzer coverage into
# build/fuzz (its own sanitized build, the same for SANITIZE=0 and 1); main.c's main becomes
# socklens_main, which the target calls. `make fuzz` fuzzes for FUZZ_SECONDS; tests/fuzz/*.t
# replays the regressions and the seeds, then fuzzes for a short round.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 300
FUZZ_DIR     := build/fuzz
FUZZ_BIN     := $(FUZZ_DIR)/fuzz-viewer
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS   = -g -O1 -std=gnu11 $(WARN) -MMD -MP $(FUZZ_SAN) -fsanitize=fuzzer-no-link
# Seeds: the viewer's fixtures, the shim's expected lines, traces of the examples, the
# regressions and the stress fixtures.
FUZZ_SEEDS    = $(wildcard tests/viewer/cases/*/*.jsonl tests/shim/expected/* tests/fuzz/corpus/* \
		tests/fuzz/regressions/* tests/stress/*.jsonl)
FUZZ_FLAGS   ?=

# Whether clang links a fuzzer here (Debian: clang and libclang-rt-14-dev); asked only when
# a goal needs it. Without it the fuzz test skips itself and says why.
ifneq ($(filter test fuzz fuzz-build,$(MAKECMDGOALS)),)
FUZZ_OK := $(shell printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' \
	| $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1 && echo yes)
endif
ifeq ($(FUZZ_OK),yes)
TEST_DEPS += $(FUZZ_BIN)
endif
TEST_DIRS += tests/fuzz

# The viewer's objects come from its own rules (viewer.mk, with any per-file flags it sets),
# run by a second make into build/fuzz with the fuzz flags; main.c is compiled here.
FUZZ_VIEWER_OBJS := $(filter-out %/main.o,$(VIEWER_SRCS:viewer/%.c=$(FUZZ_DIR)/viewer/%.o))
.PHONY: fuzz-viewer-objs
fuzz-viewer-objs:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_DIR) SANITIZE= CC=$(FUZZ_CC) \
		CFLAGS='$(FUZZ_CFLAGS)' $(FUZZ_VIEWER_OBJS)

$(FUZZ_DIR)/main.o: viewer/main.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(VIEWER_CFLAGS) -Dmain=socklens_main -Wno-missing-prototypes \
		-c -o $@ $<

$(FUZZ_DIR)/fuzz_viewer.o: tests/fuzz/fuzz_viewer.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(JANSSON_CFLAGS) -c -o $@ $<

$(FUZZ_BIN): fuzz-viewer-objs $(FUZZ_DIR)/main.o $(FUZZ_DIR)/fuzz_viewer.o
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $(FUZZ_VIEWER_OBJS) $(FUZZ_DIR)/main.o \
		$(FUZZ_DIR)/fuzz_viewer.o $(JANSSON_LIBS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN)

# The working corpus in build/fuzz/corpus grows from run to run; crashes land in build/fuzz.
# A crash found here belongs in tests/fuzz/regressions/ with its fix.
fuzz: test-deps $(FUZZ_BIN)
	@mkdir -p $(FUZZ_DIR)/corpus
	for f in $(FUZZ_SEEDS); do cp "$$f" "$(FUZZ_DIR)/corpus/$$(echo "$$f" | tr / _)"; done
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -timeout=20 -max_len=8192 -close_fd_mask=3 \
		-dict=tests/fuzz/trace.dict -artifact_prefix=$(FUZZ_DIR)/ -print_final_stats=1 \
		$(FUZZ_FLAGS) $(FUZZ_DIR)/corpus
