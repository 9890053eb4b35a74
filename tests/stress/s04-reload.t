#!/usr/bin/env bash
# A server reloaded with exec, as nginx does: it re-executes itself 4 times keeping its
# listening socket, and serves 20 connections in each of its 5 images. One pid, one
# gapless seq across the images, every connection matched, and the viewer keeps the
# listening socket's lane through the execs.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
T=$TMP/reload.jsonl
GENS=5 CONNS=20 N=$((5 * 20))

timeout 60 env SOCKLENS_OUT="$T" LD_PRELOAD="$PRELOAD" "$STRESS/reloader" $GENS $CONNS
ok $? "reloader: $GENS images × $CONNS connections, each reply from the image due"
"$BIN/checktrace" "$T" > "$TMP/check.txt"
ok $? "every line parses, seq gapless across the execs" || diag "$(cat "$TMP/check.txt")"
# 7 calls per connection (socket connect recv close; accept send close); the listener's
# socket bind listen, closed in both processes; a proc line per image; two exit lines.
is "$(tail -1 "$TMP/check.txt")" "lines $((N * 7 + 5 + GENS + 1 + 2)) processes 2 connects $N accepts $N matched $N problems 0" \
	"the server and its client, every connection matched from both ends"
server=$(jq -r 'select(.type == "proc" and (has("fork_of") | not)) | .pid' "$T" | sort -u)
is "$(jq -r "select(.pid == $server and .type == \"proc\") | .seq" "$T" | tr '\n' ' ')" \
	"0 $((4 + CONNS * 3)) $((4 + CONNS * 3 + (CONNS * 3 + 1))) $((4 + CONNS * 3 + 2 * (CONNS * 3 + 1))) $((4 + CONNS * 3 + 3 * (CONNS * 3 + 1))) " \
	"one proc line per image of the server's one pid, seq running on"
is "$(jq -r "select(.pid == $server and .call == \"accept\") | .fd" "$T" | sort | uniq -c | awk '{print $1, $2}')" \
	"$N 3" "all $N accepts on the same listening descriptor, 3"
is "$(jq -r "select(.pid == $server and .type == \"proc\") | .argv | length" "$T" | tr '\n' ' ')" \
	"3 6 6 6 6 " "the first image's argv, then the re-executed ones'"
if [ -x "$SOCKLENS" ]; then
	NO_COLOR=1 "$SOCKLENS" view --width 100 "$T" > "$TMP/view.txt" 2> "$TMP/view.err"
	is "$?" 0 "socklens view draws it" || diag "$(cat "$TMP/view.err")"
	head -1 "$TMP/view.txt" > "$TMP/head.txt"
	is "$(grep -c 'lost' "$TMP/head.txt")" 0 "no line counted as lost: seq runs on across exec" ||
		diag "$(cat "$TMP/head.txt")"
	is "$(grep -o "$N connections paired" "$TMP/head.txt")" "$N connections paired" "every connection paired"
	is "$(grep -c "$((GENS - 1)) execs" "$TMP/view.txt")" 1 "the server is shown with its $((GENS - 1)) execs"
	is "$(grep -c "listening, $N accepted" "$TMP/view.txt")" 1 \
		"one lane for the listening socket, through every exec, with all $N accepts"
fi
done_testing
