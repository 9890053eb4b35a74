# Helpers for the stress and security tests; sourced after ../lib/tap.sh.
SOCKLENS="$SOCKLENS_BUILD/socklens"
STRESS=$BIN/stress
[ -x "$STRESS/storm" ] || skip_all "stress programs not built in $STRESS (make test builds them)"
command -v jq >/dev/null || skip_all "jq not installed (make test-deps)"

# is_todo GOT EXPECTED DESCRIPTION REASON: like `is`, for a known bug that is not fixed yet
# (TAP TODO: reported, does not fail the suite; prove says so once it passes).
is_todo() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" == "$2" ]; then
		echo "ok $_tap_n - $3 # TODO $4"
	else
		echo "not ok $_tap_n - $3 # TODO $4"
		diag "got:      $1" "expected: $2"
	fi
}

# fields TRACE: one tab-separated row per line — pid seq tid type call args.len
# args.data_trunc (length of args.data) — so that each check is an awk over one jq pass.
fields() {
	jq -r '[.pid, .seq, .tid, .type, (.call // "-"), (.args.len // -1),
		(.args.data_trunc // false), ((.args.data // "") | length)] | @tsv' "$1"
}

# killed_status CMD…: runs CMD, prints the signal that ended it (0 if none), without a shell
# reporting the kill on the terminal.
killed_status() {
	perl -e 'system(@ARGV); print $? & 127' "$@"
}

# side_file TRACE: the mapped sink's side file for TRACE (/dev/shm/socklens-DEV-INO, hex),
# which a killed last writer leaves behind: tests that kill remove it.
side_file() {
	printf '/dev/shm/socklens-%x-%x' "$(stat -c %d "$1")" "$(stat -c %i "$1")"
}
