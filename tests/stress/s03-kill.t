#!/usr/bin/env bash
# A process killed with SIGKILL while 8 threads are writing long lines: no line torn; at
# most one line per thread unfinished (NUL-led: the shim writes a line's first byte last)
# or missing (the one each thread was inside), nothing doubled, everything before in the
# file, and the viewer reads all that is whole. Three kills.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
mkfifo "$TMP/ready"

# lines_of FILE: a trace's lines as "pid seq tid type call", with UNFINISHED for a line that
# starts with NUL (its writer was killed while copying it) and TORN for anything else that
# is not a JSON object. Blank lines (the mapped sink's room ahead) are skipped.
lines_of() {
	perl -ne 'print /^\0/ ? "\"UNFINISHED\"\n" : $_' "$1" | jq -R -r 'select(length > 0) |
		try (fromjson | if . == "UNFINISHED" then . else ([.pid, .seq, .tid, .type,
		(.call // "-")] | @tsv) end) catch "TORN"'
}

# stats_check WHAT WHOLE UNFINISHED: socklens stats on $T counts every whole line as an
# event, reports each unfinished line, and exits 1 when there is one.
stats_check() {
	"$SOCKLENS" stats "$T" > "$TMP/stats.txt" 2> "$TMP/stats.err"
	local st=$?
	is "$(head -1 "$TMP/stats.txt" | cut -d' ' -f1-2)" "$2 events," "$1: socklens stats reads all $2 whole lines"
	if [ "$3" = 0 ]; then
		is "$st:$(tail -1 "$TMP/stats.err")" "0:" "$1: no bad line reported"
	else
		is "$st" 1 "$1: exit 1 for the unfinished lines" || diag "$(head -5 "$TMP/stats.err")"
		is "$(grep -c 'unfinished line (its process was killed while writing it)' "$TMP/stats.err")" "$3" \
			"$1: each unfinished line reported as such"
	fi
}

for round in 1 2 3; do
	T=$TMP/killed$round.jsonl
	SOCKLENS_OUT="$T" SOCKLENS_DATA=1024 LD_PRELOAD="$PRELOAD" "$STRESS/storm" 0 8 0 > "$TMP/ready" &
	pid=$!
	# storm says "running" once each thread has made 100 rounds, and goes on until killed.
	read -r -t 60 said < "$TMP/ready"
	kill -KILL $pid
	{ wait $pid; } 2> /dev/null
	is "$?:$said" "137:running" "round $round: killed with SIGKILL while its 8 threads were writing"
	side=$(side_file "$T")

	# The kill stops each thread wherever it is, perhaps inside the copy of a line: that
	# line is left unfinished (NUL-led), never torn.
	lines_of "$T" > "$TMP/f.tsv"
	torn=$(grep -c '^TORN$' "$TMP/f.tsv")
	unfinished=$(grep -c '^UNFINISHED$' "$TMP/f.tsv")
	is "$torn" 0 "round $round: no line torn"
	ok $((unfinished > 8)) "round $round: $unfinished unfinished lines, at most one per thread"
	grep -v -e '^TORN$' -e '^UNFINISHED$' "$TMP/f.tsv" > "$TMP/whole.tsv"
	is "$(cut -f1,2 "$TMP/whole.tsv" | sort | uniq -d | wc -l)" 0 "round $round: no line twice"
	read -r n max <<< "$(awk -F'\t' '{ n++; if ($2 > m) m = $2 } END { print n, m }' "$TMP/whole.tsv")"
	missing=$((max + 1 - n))
	ok $((missing < 0 || missing > 8)) "round $round: $missing of $((max + 1)) lines missing or unfinished, at most one per thread"
	calls=$(awk -F'\t' '$4 == "call"' "$TMP/whole.tsv" | wc -l)
	ok $((calls < 5600)) "round $round: the $calls calls made before the kill are there (at least 8 × 100 rounds × 7)"
	if [ -x "$SOCKLENS" ]; then
		stats_check "round $round" "$(wc -l < "$TMP/whole.tsv")" "$unfinished"
	fi
	rm -f "$side" # left by the killed last writer of the mapped sink
done
# One process killed while another writes to the same file and then ends cleanly: the
# survivor's lines are all whole and gapless, whatever the killed one left half-written.
T=$TMP/shared.jsonl
mkfifo "$TMP/ready2"
SOCKLENS_OUT="$T" SOCKLENS_DATA=1024 LD_PRELOAD="$PRELOAD" "$STRESS/storm" 0 8 0 > "$TMP/ready" &
victim=$!
SOCKLENS_OUT="$T" SOCKLENS_DATA=1024 LD_PRELOAD="$PRELOAD" "$STRESS/storm" 0 8 0 > "$TMP/ready2" &
survivor=$!
read -r -t 60 said < "$TMP/ready"
read -r -t 60 said2 < "$TMP/ready2"
kill -KILL $victim
{ wait $victim; } 2> /dev/null
is "$?:$said" "137:running" "shared file: one process killed with SIGKILL while both write"
kill -TERM $survivor
# Bounded: should SIGTERM not end it within 30 s, it is killed, and the next check fails.
for _ in $(seq 300); do kill -0 $survivor 2> /dev/null || break; sleep 0.1; done
kill -KILL $survivor 2> /dev/null
{ wait $survivor; } 2> /dev/null
is "$?:$said2" "0:running" "the other one goes on, then ends cleanly on SIGTERM"
lines_of "$T" > "$TMP/f.tsv"
is "$(grep -c '^TORN$' "$TMP/f.tsv")" 0 "shared file: no line torn"
unfinished=$(grep -c '^UNFINISHED$' "$TMP/f.tsv")
ok $((unfinished > 8)) "shared file: $unfinished unfinished lines, at most one per thread of the killed process"
tr -d '\0' < "$T" | jq -R -c "try (fromjson | select(.pid == $survivor)) catch empty" > "$TMP/survivor.jsonl"
"$BIN/checktrace" "$TMP/survivor.jsonl" > "$TMP/check.txt"
ok $? "every line of the survivor is whole, seq gapless from its proc line to its exit line" ||
	diag "$(cat "$TMP/check.txt")"
is "$(jq -r 'select(.type == "exit") | .status' "$TMP/survivor.jsonl")" 0 "its exit line is there"
if [ -x "$SOCKLENS" ]; then
	stats_check "shared file" "$(grep -vc -e '^TORN$' -e '^UNFINISHED$' "$TMP/f.tsv")" "$unfinished"
fi
done_testing
