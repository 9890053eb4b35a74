#!/usr/bin/env bash
# send/recv from a signal handler while the main thread is inside the shim, 10,000 times.
. "$(dirname "$0")/../lib/tap.sh"

out=$(SIGNALS=10000 timeout 120 env SOCKLENS_OUT="$TMP/sig.jsonl" LD_PRELOAD="$PRELOAD" "$BIN/sighandler")
ok $? "no deadlock: the program finishes (bounded by a 120 s timeout)"
is "$out" 10000 "the handler ran 10,000 times"
"$BIN/checktrace" "$TMP/sig.jsonl" > "$TMP/check.txt"
ok $? "no torn or corrupt line, seq gapless" || diag "$(cat "$TMP/check.txt")"
is "$(jq -r 'select(.fd == 5 and .call == "send") | .call' "$TMP/sig.jsonl" | wc -l)" 10000 \
	"10,000 sends from the handler recorded"
done_testing
