#!/usr/bin/env bash
# A process killed with SIGKILL while 8 threads are writing long lines: whatever is in the
# file is whole lines (but perhaps the last), nothing doubled, at most one line per thread
# missing (the call each thread was inside), and the viewer reads it all. Three kills.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
mkfifo "$TMP/ready"

for round in 1 2 3; do
	T=$TMP/killed$round.jsonl
	SOCKLENS_OUT="$T" SOCKLENS_DATA=1024 LD_PRELOAD="$PRELOAD" "$STRESS/storm" 0 8 0 > "$TMP/ready" &
	pid=$!
	# storm says "running" once each thread has made 100 rounds, and goes on until killed.
	read -r -t 60 said < "$TMP/ready"
	kill -KILL $pid
	{ wait $pid; } 2> /dev/null
	is "$?:$said" "137:running" "round $round: killed with SIGKILL while its 8 threads were writing"

	# Lines are whole: every one parses (the shim's mmap sink may leave NUL padding
	# where a killed writer had reserved room; readers skip NUL bytes). The kill can cut
	# the write() a thread was inside (the kernel stops a write at a page boundary when a
	# fatal signal is pending): the last line may be torn, which readers must take.
	tr -d '\0' < "$T" > "$TMP/clean.jsonl"
	torn=0
	[ "$(tail -c 1 "$TMP/clean.jsonl" | od -An -c | tr -d ' ')" == '\n' ] || torn=1
	head -n -$torn "$TMP/clean.jsonl" > "$TMP/whole.jsonl"
	fields "$TMP/whole.jsonl" > "$TMP/f.tsv" 2> "$TMP/jq.err"
	ok $? "round $round: every line but the last is a whole JSON object" ||
		diag "$(head -c 300 "$TMP/jq.err")" "$(grep -v '^{.*}$' "$TMP/whole.jsonl" | head -2 | cut -c1-300)"
	is_todo $torn 0 "round $round: the last line is whole too" \
		"shim: a line write()n as SIGKILL arrives can be cut short (reported to the lead)"
	is "$(cut -f1,2 "$TMP/f.tsv" | sort | uniq -d | wc -l)" 0 "round $round: no line twice"
	read -r n max <<< "$(awk -F'\t' '{ n++; if ($2 > m) m = $2 } END { print n, m }' "$TMP/f.tsv")"
	missing=$((max + 1 - n))
	ok $((missing < 0 || missing > 8)) "round $round: $missing of $((max + 1)) lines missing, at most one per thread"
	calls=$(awk -F'\t' '$4 == "call"' "$TMP/f.tsv" | wc -l)
	ok $((calls < 5600)) "round $round: the $calls calls made before the kill are there (at least 8 × 100 rounds × 7)"
	if [ -x "$SOCKLENS" ]; then
		"$SOCKLENS" stats "$T" > "$TMP/stats.txt" 2> "$TMP/stats.err"
		st=$?
		if [ $torn = 0 ]; then
			is "$st" 0 "round $round: socklens stats reads the killed trace without a bad line" ||
				diag "$(head -5 "$TMP/stats.err")"
		else
			is "$st:$(grep -c 'incomplete last line' "$TMP/stats.err")" "1:1" \
				"round $round: socklens stats reads it and names the torn last line (exit 1)" ||
				diag "$(head -5 "$TMP/stats.err")"
		fi
	fi
done
done_testing
