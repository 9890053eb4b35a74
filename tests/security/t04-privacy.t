#!/usr/bin/env bash
# Payload previews: 64 bytes by default, none at all with SOCKLENS_DATA=0 — not a byte of
# what the program sent or received is in the trace then, in any call.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../stress/lib.sh"
mkdir "$TMP/d"

SOCKLENS_OUT="$TMP/default.jsonl" LD_PRELOAD="$PRELOAD" "$STRESS/evil" "$TMP/d"
ok $? "the program runs traced with the default configuration"
is "$(grep -c 'pwned' "$TMP/default.jsonl")" 2 "by default its payload is previewed (send and recv)"
is "$(jq -r 'select(.args.data) | [.call, .args.len, .args.data_trunc] | @tsv' "$TMP/default.jsonl" | sort | uniq -c | awk '{print $1, $2, $3, $4}' | tr '\n' ' ')" \
	"2 recv 256 true 1 send 117 true 1 send 256 true " \
	"each preview is cut, and says so"
# The preview of the 256 bytes 0..255 holds their first 64, escaped.
is "$(jq -r 'select(.call == "send" and .args.len == 256) | .args.data' "$TMP/default.jsonl" | cut -c1-24)" \
	'\x00\x01\x02\x03\x04\x05' "the first 64 bytes, escaped reversibly"

SOCKLENS_OUT="$TMP/off.jsonl" SOCKLENS_DATA=0 LD_PRELOAD="$PRELOAD" "$STRESS/evil" "$TMP/d"
ok $? "the program runs traced with SOCKLENS_DATA=0"
is "$(jq -c 'select(.type == "call") | .call' "$TMP/off.jsonl" | wc -l)" \
	"$(jq -c 'select(.type == "call") | .call' "$TMP/default.jsonl" | wc -l)" "every call is still recorded"
is "$(grep -c -e pwned -e alert -e 'x1b\]0' "$TMP/off.jsonl")" 0 "not a byte of the payload is in the trace"
is "$(jq -r 'select(.args | has("data") or has("data_trunc")) | .call' "$TMP/off.jsonl" | wc -l)" 0 \
	"no call has a data or data_trunc key"
done_testing
