#!/usr/bin/env bash
# Nothing lost, torn or duplicated: 32 threads × 10,000 calls, and a server forking a child
# per connection, all into one file.
. "$(dirname "$0")/../lib/tap.sh"

timeout 120 env SOCKLENS_OUT="$TMP/threads.jsonl" LD_PRELOAD="$PRELOAD" "$BIN/threads" 32 10000
ok $? "32 threads × 10,000 calls run traced"
"$BIN/checktrace" "$TMP/threads.jsonl" > "$TMP/check.txt"
ok $? "every line whole and valid, seq gapless" || diag "$(cat "$TMP/check.txt")"
is "$(jq -r 'select(.call == "send" or .call == "recv") | .call' "$TMP/threads.jsonl" | wc -l)" 320000 \
	"320,000 send/recv lines, one per call"
is "$(jq -r '.seq' "$TMP/threads.jsonl" | sort -n | uniq -d | wc -l)" 0 "no sequence number twice"
is "$(jq -r 'select(.call) | .tid' "$TMP/threads.jsonl" | sort -u | wc -l)" 32 "lines from 32 threads"

timeout 60 env SOCKLENS_OUT="$TMP/fork.jsonl" LD_PRELOAD="$PRELOAD" "$BIN/forkserver" 50
ok $? "forking server with 50 connections runs traced"
"$BIN/checktrace" "$TMP/fork.jsonl" > "$TMP/check.txt"
ok $? "every line whole and valid, seq gapless in each of the processes" || diag "$(cat "$TMP/check.txt")"
grep -q 'processes 52 connects 50 accepts 50 matched 50 ' "$TMP/check.txt"
ok $? "52 processes, and each of the 50 connections matched from both ends" || diag "$(cat "$TMP/check.txt")"
is "$(jq -r 'select(.type == "proc" and .fork_of) | .pid' "$TMP/fork.jsonl" | wc -l)" 51 \
	"a proc line with fork_of in each forked child"
is "$(jq -r 'select(.call == "send") | .pid' "$TMP/fork.jsonl" | sort -u | wc -l)" 51 \
	"each connection's child (and the client) recorded its send"
done_testing
