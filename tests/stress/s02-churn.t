#!/usr/bin/env bash
# Thousands of short-lived TCP connections on 127.0.0.1: each one recorded from both ends.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
T=$TMP/churn.jsonl
N=2000

timeout 120 env SOCKLENS_OUT="$T" LD_PRELOAD="$PRELOAD" "$STRESS/churn" $N 4
ok $? "churn: $N connections from 4 client threads to one accepting thread run traced"
"$BIN/checktrace" "$T" > "$TMP/check.txt"
ok $? "every line parses, seq gapless" || diag "$(cat "$TMP/check.txt")"
# 9 calls per connection (socket connect send recv close; accept recv send close), the
# listener's socket bind listen close, and the proc and exit lines.
is "$(tail -1 "$TMP/check.txt")" \
	"lines $((N * 9 + 6)) processes 1 connects $N accepts $N matched $N problems 0" \
	"every connection matched from both ends, by its two addresses"
fields "$T" > "$TMP/f.tsv"
is "$(awk -F'\t' '$4 == "call" { print $5 }' "$TMP/f.tsv" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" \
	"accept=$N bind=1 close=$((2 * N + 1)) connect=$N listen=1 recv=$((2 * N)) send=$((2 * N)) socket=$((N + 1)) " \
	"each call counted once"
if [ -x "$SOCKLENS" ]; then
	"$SOCKLENS" stats --top 0 "$T" > "$TMP/stats.txt" 2> "$TMP/stats.err"
	is "$?" 0 "socklens stats reads it without a bad line" || diag "$(cat "$TMP/stats.err")"
	is "$(grep -c '127\.0\.0\.1:[0-9]* → 127\.0\.0\.1:' "$TMP/stats.txt")" $N \
		"and lists the $N client ends"
	"$SOCKLENS" view --width 100 "$T" > "$TMP/view.txt" 2> "$TMP/view.err"
	is "$?" 0 "socklens view draws it" || diag "$(cat "$TMP/view.err")"
	is "$(head -1 "$TMP/view.txt" | grep -o "$N connections paired")" "$N connections paired" \
		"pairing both ends of every connection"
fi
done_testing
