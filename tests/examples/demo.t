#!/usr/bin/env bash
# `make demo`: 03-echo recorded with `socklens record`, then drawn by `socklens view`.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 03-echo
SOCKLENS="$SOCKLENS_BUILD/socklens"
[ -x "$SOCKLENS" ] || skip_all "$SOCKLENS not built"

TRACE="$TMP/demo.jsonl"
"$SOCKLENS" record -q -o "$TRACE" -- "$EXAMPLE" > "$TMP/out" 2> "$TMP/err"
is "$?" 0 "socklens record passes on the echo example's exit status 0"
trace_is_sound
jq_ok "the recorded trace holds the whole demo: 4 processes, 3 accepts, 3 SHUT_WR" \
	'(map(.pid) | unique | length) == 4 and (calls("accept") | length) == 3 and
	 (calls("shutdown") | map(select(.args.how == "SHUT_WR")) | length) == 3'

"$SOCKLENS" view --color never --width 100 "$TRACE" > "$TMP/view" 2> "$TMP/err"
is "$?" 0 "socklens view draws it without complaint"
[ -s "$TMP/view" ] && ! [ -s "$TMP/err" ]
ok $? "with a timeline on stdout and nothing on stderr"
grep -q '03-echo' "$TMP/view"
ok $? "the timeline names the program"
done_testing
