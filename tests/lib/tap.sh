# TAP helpers for the shell-driven tests (run by prove).
# Source it, call the assertions, end with `done_testing`.
: "${SOCKLENS_BUILD:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}"
export SOCKLENS_BUILD
SHIM="$SOCKLENS_BUILD/libsocklens.so"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOP_DIR=$(cd "$TESTS_DIR/.." && pwd)
# Descriptors the caller left open (make's jobserver pipes, a CI runner's log) would shift every
# descriptor number the tests expect, so each test starts from 0, 1 and 2 alone. Bash keeps
# the script itself on 255, close-on-exec; that one stays.
for _tap_fd in /proc/$$/fd/*; do
	_tap_fd=${_tap_fd##*/}
	if [ "$_tap_fd" -gt 2 ] && [ "$_tap_fd" -lt 255 ]; then eval "exec $_tap_fd>&-"; fi
done
unset _tap_fd
_tap_n=0
_tap_failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/socklens-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() { # ok CONDITION-EXIT-STATUS DESCRIPTION
	local st=$1; shift
	_tap_n=$((_tap_n + 1))
	if [ "$st" -eq 0 ]; then echo "ok $_tap_n - $*"; else echo "not ok $_tap_n - $*"; _tap_failed=$((_tap_failed + 1)); fi
	return "$st"
}
pass() { ok 0 "$@"; }
fail() { ok 1 "$@"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /' >&2; }
is() { # is GOT EXPECTED DESCRIPTION
	if [ "$1" == "$2" ]; then pass "$3"; else fail "$3"; diag "got:      $1" "expected: $2"; fi
}
# is_file GOT_FILE EXPECTED_FILE DESCRIPTION: compares two files, shows a diff on failure.
is_file() {
	if diff -u "$2" "$1" > "$TMP/.diff" 2>&1; then pass "$3"; else fail "$3"; diag "$(head -40 "$TMP/.diff")"; fi
}
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" -eq 0 ]; }

# The preload list for traced runs. A sanitized shim needs the ASan runtime loaded first.
PRELOAD=$SHIM
case $SOCKLENS_BUILD in
*-san)
	PRELOAD="$(${CC:-gcc} -print-file-name=libasan.so) $SHIM"
	export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
	;;
esac
export PRELOAD
BIN=$SOCKLENS_BUILD/tests

# traced TRACE CMD…: runs CMD with the shim, writing TRACE.
traced() {
	local out=$1; shift
	SOCKLENS_OUT=$out LD_PRELOAD=$PRELOAD "$@"
}

# A trace's call lines without what changes from run to run (times, ids, port numbers).
calls_of() {
	jq -c 'select(.type == "call") | del(.v, .type, .pid, .tid, .seq, .ts_ns, .dur_ns)
		| walk(if type == "object" and (.port? // 0) != 0 then .port = "P" else . end)' "$@"
}
