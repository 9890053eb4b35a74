#!/usr/bin/env bash
# Every line the shim writes takes the viewer's fast scanner: jansson reads only what is
# unusual (\u escapes, non-ASCII, reals…). A scanner that silently left every line to jansson
# would still give the right output, ten times slower; SOCKLENS_PARSER=fast reports any line
# it leaves, so that this cannot go unnoticed.
. "$(dirname "$0")/../lib/tap.sh"
S="$SOCKLENS_BUILD/socklens"
GEN="$SOCKLENS_BUILD/socklens-gen-trace"
[ -x "$S" ] && [ -x "$GEN" ] || skip_all "socklens not built"

fast() { # fast TRACE DESCRIPTION: stats reads TRACE with the scanner alone, and reports nothing
	[ "$(wc -l < "$1")" -gt 3 ] || diag "$2: only $(wc -l < "$1") lines in $1"
	SOCKLENS_PARSER=fast "$S" stats "$1" > /dev/null 2> "$TMP/err"
	ok $? "$2: exit status 0" || diag "$(head -5 "$TMP/err")"
	is "$(wc -l < "$TMP/err")" 0 "$2: no line left to jansson"
}

"$GEN" -n 20000 -o "$TMP/gen.jsonl"
fast "$TMP/gen.jsonl" "the benchmark's generated trace"

for t in "$TESTS_DIR"/viewer/cases/recorded/*.jsonl; do
	fast "$t" "recorded fixture $(basename "$t")"
done

# Fresh lines from the shim under test: every intercepted call, and two lessons of the tour.
traced "$TMP/calls.jsonl" "$BIN/calls" > /dev/null
fast "$TMP/calls.jsonl" "the shim's trace of every intercepted call"
for ex in 03-echo 04-udp; do
	traced "$TMP/$ex.jsonl" "$SOCKLENS_BUILD/examples/$ex" > /dev/null 2>&1
	fast "$TMP/$ex.jsonl" "the shim's trace of examples/$ex"
done

# And the scanner does leave what it should: a \u escape goes to jansson, and is reported.
printf '{"v":1,"type":"exit","pid":1,"tid":1,"seq":0,"ts_ns":1,"status":0,"x":"\\u00e9"}\n' > "$TMP/u.jsonl"
SOCKLENS_PARSER=fast "$S" stats "$TMP/u.jsonl" > /dev/null 2> "$TMP/err"
grep -q 'u.jsonl:1: .*the fast scanner leaves this line to jansson' "$TMP/err"
ok $? "a line with a \\u escape is reported with its file and line number" || diag "$(cat "$TMP/err")"
SOCKLENS_PARSER=auto "$S" stats "$TMP/u.jsonl" > /dev/null 2> "$TMP/err"
is "$?:$(wc -l < "$TMP/err")" "0:0" "and read without complaint by the usual path"
done_testing
