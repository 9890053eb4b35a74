#!/usr/bin/env bash
# A daemon that double-forks, chdirs to / and closes every descriptor is still traced, and
# never receives trace bytes, even after a dup2 onto the number the shim used.
. "$(dirname "$0")/../lib/tap.sh"

# Waits (bounded) for the daemon's report to appear.
wait_for() {
	for _ in $(seq 1 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

for mode in loop closefrom; do
	(ulimit -n 1024 && "$BIN/daemon" "$TMP/untraced-$mode.txt" $mode)
	wait_for "$TMP/untraced-$mode.txt"
	ok $? "$mode: the daemon runs untraced"
	(ulimit -n 1024 && cd "$TMP" && SOCKLENS_OUT=rel-$mode.jsonl LD_PRELOAD="$PRELOAD" "$BIN/daemon" "$TMP/traced-$mode.txt" $mode)
	wait_for "$TMP/traced-$mode.txt"
	ok $? "$mode: the daemon runs traced"
	is_file "$TMP/traced-$mode.txt" "$TMP/untraced-$mode.txt" \
		"$mode: same closes, descriptors and results as untraced; its file holds only its own bytes"
	trace=$TMP/rel-$mode.jsonl
	"$BIN/checktrace" "$trace" > "$TMP/check.txt"
	ok $? "$mode: every line whole and valid" || diag "$(cat "$TMP/check.txt")"
	daemon_pid=$(jq -r 'select(.call == "accept") | .pid' "$trace")
	is "$(jq -r "select(.pid == ${daemon_pid:-0} and .type == \"call\") | .call" "$trace" | grep -v close | tr '\n' ' ')" \
		"socket bind listen socket connect accept send recv " \
		"$mode: the daemon's calls after closing everything are all there"
	is "$(jq -r 'select(.call == "accept") | [.fd, .ret] | @tsv' "$trace")" "$(printf '3\t5')" \
		"$mode: the daemon got descriptors 3 and 5, as untraced"
done
is "$(stat -c %a "$TMP/rel-loop.jsonl")" 600 "the trace file is created with mode 0600"
done_testing
