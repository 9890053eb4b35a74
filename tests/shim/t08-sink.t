#!/usr/bin/env bash
# The mapped sink (shim/sl_sink.c): unrelated programs share one file; a clean exit leaves plain
# JSON Lines and no side file; a killed last writer leaves blank lines, which the next run
# writes over; a FIFO, or SOCKLENS_SINK=write, goes through write().
. "$(dirname "$0")/../lib/tap.sh"

side_file() { printf '/dev/shm/socklens-%x-%x' "$(stat -c %d "$1")" "$(stat -c %i "$1")"; }
blank_lines() { grep -c '^$' "$1"; }
pairs() { grep -c '"call":"send"\|"call":"recv"' "$1"; }

T=$TMP/shared.jsonl
pids=
for i in 1 2 3 4; do
	timeout 120 env SOCKLENS_OUT="$T" LD_PRELOAD="$PRELOAD" "$BIN/threads" 8 2000 &
	pids="$pids $!"
done
st=0
for p in $pids; do wait "$p" || st=1; done
ok $st "four unrelated programs of 8 threads each write to one file at once"
"$BIN/checktrace" "$T" > "$TMP/check.txt"
ok $? "every line whole and valid, seq gapless in each" || diag "$(cat "$TMP/check.txt")"
is "$(pairs "$T")" 64000 "64,000 send/recv lines, one per call"
is "$(blank_lines "$T")" 0 "after a clean exit: no blank line left"
is "$(tail -c 1 "$T" | od -An -c | tr -d ' ')" '\n' "the file ends with its last line's newline"
[ ! -e "$(side_file "$T")" ]
ok $? "and the side file in /dev/shm is gone"

K=$TMP/killed.jsonl
{ env SOCKLENS_OUT="$K" LD_PRELOAD="$PRELOAD" "$BIN/killed"; } 2> /dev/null
is "$?" 137 "a program killed with SIGKILL as the only writer"
is "$(jq -c 'select(.call == "send") | .ret' "$K")" 10 "its last call is there, and jq reads the file"
[ "$(blank_lines "$K")" -gt 0 ]
ok $? "it left blank lines (the newlines written ahead), which readers skip"
is "$(tr -dc '\000' < "$K" | wc -c)" 0 "and no NUL byte"
timeout 60 env SOCKLENS_OUT="$K" LD_PRELOAD="$PRELOAD" "$BIN/threads" 2 100
ok $? "the next program appends to the same file"
is "$(blank_lines "$K")" 0 "its lines replaced the blank lines, and its clean exit cut the rest"
is "$(pairs "$K")" 201 "the killed program's send and the 200 new calls"
"$BIN/checktrace" "$K" > "$TMP/check.txt"
ok $? "every line whole and valid" || diag "$(cat "$TMP/check.txt")"
[ ! -e "$(side_file "$K")" ]
ok $? "the side file the killed program left is gone"

F=$TMP/fifo
mkfifo "$F"
cat "$F" > "$TMP/from-fifo.jsonl" &
reader=$!
timeout 60 env SOCKLENS_OUT="$F" LD_PRELOAD="$PRELOAD" "$BIN/threads" 2 100
ok $? "a FIFO as the trace file"
wait "$reader"
is "$(pairs "$TMP/from-fifo.jsonl")" 200 "its lines arrive through write()"

W=$TMP/write.jsonl
timeout 60 env SOCKLENS_SINK=write SOCKLENS_OUT="$W" LD_PRELOAD="$PRELOAD" "$BIN/threads" 4 1000
ok $? "SOCKLENS_SINK=write"
is "$(pairs "$W")" 4000 "one line per call"
"$BIN/checktrace" "$W" > "$TMP/check.txt"
ok $? "every line whole and valid" || diag "$(cat "$TMP/check.txt")"
[ ! -e "$(side_file "$W")" ]
ok $? "no side file"
done_testing
