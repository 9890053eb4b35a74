# Helpers for the tour tests: run an example plain and under the shim, then ask jq
# whether the lesson is in the trace.  Sourced after ../lib/tap.sh.
EXAMPLES_DIR="$SOCKLENS_BUILD/examples"

# An instrumented build (SANITIZE=1) preloads an ASan-linked shim ahead of libasan.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# jq definitions every assertion may use.  The trace is slurped: . is the array of lines.
JQ_DEFS='
def calls: map(select(.type == "call"));
def calls(name): calls | map(select(.call == name));
def main_pid: map(select(.type == "proc" and (has("fork_of") | not)))[0].pid;
def of_pid(p): map(select(.pid == p));
def children: map(select(.type == "proc" and has("fork_of")));
def flags: if type == "string" then split("|") else [] end;
def has_flag(f): flags | index([f]) != null;
def same_addr(a; b): a.family == b.family and a.ip == b.ip and a.port == b.port;
'

# need_example NAME: skips the whole file unless the example has been built.
need_example() {
	EXAMPLE="$EXAMPLES_DIR/$1"
	[ -x "$EXAMPLE" ] || skip_all "$EXAMPLE not built (make examples)"
	command -v jq >/dev/null || skip_all "jq not installed (make test-deps)"
}

# run_plain: the example on its own, no shim, must exit 0; its output in $TMP/plain.out.
run_plain() {
	"$EXAMPLE" > "$TMP/plain.out" 2> "$TMP/plain.err"
	local st=$?
	is "$st" 0 "$(basename "$EXAMPLE") exits 0 untraced"
	[ "$st" -eq 0 ] || diag "$(cat "$TMP/plain.err")"
}

# run_traced: the example under the shim into $TRACE, output in $OUT.  Returns 1 (and
# reports a skip) when there is no shim yet, so the caller can leave its assertions out.
run_traced() {
	TRACE="$TMP/trace.jsonl"
	OUT="$TMP/traced.out"
	if [ ! -f "$SHIM" ]; then
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP no shim at $SHIM"
		return 1
	fi
	rm -f "$TRACE"
	SOCKLENS_OUT="$TRACE" SOCKLENS_DATA=64 LD_PRELOAD="$SHIM" "$EXAMPLE" "$@" \
		> "$OUT" 2> "$TMP/traced.err"
	local st=$?
	is "$st" 0 "$(basename "$EXAMPLE") exits 0 under the shim"
	[ "$st" -eq 0 ] || diag "$(cat "$TMP/traced.err")"
	trace_is_sound
	return 0
}

# jq_ok DESCRIPTION FILTER: passes when FILTER, over the slurped trace, yields true.
jq_ok() {
	local got
	got=$(jq -s "$JQ_DEFS $2" "$TRACE" 2>&1)
	if [ "$got" = true ]; then
		pass "$1"
	else
		fail "$1"
		diag "filter: $2" "gave: $(printf '%s' "$got" | head -c 600)"
	fi
}

# jq_val FILTER: prints what FILTER gives (raw), for values a test compares itself.
jq_val() {
	jq -rs "$JQ_DEFS $1" "$TRACE"
}

# The framing the contract promises for every trace, checked on each example's.
trace_is_sound() {
	jq_ok "every line is a v1 object with type, pid, tid, seq, ts_ns" \
		'length > 0 and all(.[]; type == "object" and .v == 1 and
			(.type | type) == "string" and (.pid | type) == "number" and
			(.tid | type) == "number" and (.seq | type) == "number" and
			(.ts_ns | type) == "number")'
	jq_ok "each process's seq runs 0,1,2,... with no gap" \
		'group_by(.pid) | all(.[]; (map(.seq) | sort) == [range(0; length)])'
	jq_ok "each process has one proc line" \
		'group_by(.pid) | all(.[]; map(select(.type == "proc")) | length == 1)'
	jq_ok "errno is present exactly on the calls that returned -1" \
		'calls | all(.[]; has("errno") == (.ret == -1))'
}
