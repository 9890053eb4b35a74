#!/usr/bin/env bash
# The fuzz target (fuzz_viewer.c): every regression and every seed replays clean, then a short
# bounded round of fuzzing (FUZZ_CI_RUNS inputs from seed FUZZ_CI_SEED) finds nothing new.
. "$(dirname "$0")/../lib/tap.sh"
FUZZ=$TOP_DIR/build/fuzz/fuzz-viewer
command -v clang >/dev/null || skip_all "clang not installed (make test-deps installs clang and libclang-rt-14-dev)"
[ -x "$FUZZ" ] || skip_all "no fuzz target at $FUZZ: clang could not link -fsanitize=fuzzer (libclang-rt-14-dev missing?)"
cd "$TOP_DIR" || exit 1
# The target builds its own ASan+UBSan binary: the suite's preload settings are not for it.
unset ASAN_OPTIONS UBSAN_OPTIONS LD_PRELOAD

replay() { # replay FILE: runs the target once on FILE; the log is in $TMP/replay.log
	SOCKLENS_FUZZ_ALL=1 "$FUZZ" -close_fd_mask=3 "$1" > "$TMP/replay.log" 2>&1
}

for f in tests/fuzz/regressions/*; do
	[ -f "$f" ] || continue
	replay "$f"
	ok $? "regression $(basename "$f") replays clean" || diag "$(grep -v '^INFO' "$TMP/replay.log" | head -30)"
done

n=0 bad=0
for f in tests/viewer/cases/*/*.jsonl tests/shim/expected/* tests/fuzz/corpus/* tests/stress/*.jsonl; do
	n=$((n + 1))
	replay "$f" || { bad=$((bad + 1)); diag "$f:" "$(grep -v '^INFO' "$TMP/replay.log" | head -30)"; }
done
is "$bad" 0 "all $n seeds (the viewer's fixtures, the shim's expected lines, the examples' traces, stress fixtures) replay clean"

case $SOCKLENS_BUILD in
*-san)
	echo "ok $((_tap_n += 1)) # SKIP the fuzzing round runs in the plain suite (the target is sanitized already)"
	done_testing
	exit
	;;
esac

# A short round from the seeds, the same every time: a fixed seed and a fixed number of
# inputs (with a time cap), so that CI explores the same inputs on every run and a finding
# is one the change under test made; `make fuzz` explores freely. A crash is kept in
# build/fuzz/ci-crash-* to become a regression; sanitizer reports (the target's own stderr is
# captured) go to $TMP/san.*.
runs=${FUZZ_CI_RUNS:-4000}
secs=${FUZZ_CI_SECONDS:-120}
mkdir "$TMP/corpus"
for f in tests/viewer/cases/*/*.jsonl tests/shim/expected/* tests/fuzz/corpus/* \
	tests/fuzz/regressions/* tests/stress/*.jsonl; do
	cp "$f" "$TMP/corpus/$(echo "$f" | tr / _)"
done
ASAN_OPTIONS=log_path=$TMP/san UBSAN_OPTIONS=log_path=$TMP/san:print_stacktrace=1 \
	"$FUZZ" -seed="${FUZZ_CI_SEED:-1}" -runs="$runs" -max_total_time="$secs" -timeout=20 \
	-max_len=8192 -close_fd_mask=3 -dict=tests/fuzz/trace.dict \
	-artifact_prefix="$TOP_DIR/build/fuzz/ci-" -print_final_stats=1 "$TMP/corpus" \
	> "$TMP/fuzz.log" 2>&1
st=$?
ok $st "$runs inputs of fuzzing (seed ${FUZZ_CI_SEED:-1}) find no crash, leak, sanitizer report or broken promise" ||
	diag "$(cat "$TMP"/san.* 2> /dev/null | head -20)" "$(grep -v '^#\|^INFO' "$TMP/fuzz.log" | tail -40)" \
		"the input is in $TOP_DIR/build/fuzz/ci-*; add it to tests/fuzz/regressions/ with the fix"
grep -q '^stat::number_of_executed_units' "$TMP/fuzz.log"
ok $? "the round ran to its end ($(sed -n 's/^stat::number_of_executed_units: *//p' "$TMP/fuzz.log") inputs)"
done_testing
