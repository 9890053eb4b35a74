#!/usr/bin/env bash
# The socklens command line: help, version, usage errors and their exit statuses, colour rules,
# terminal safety, width, standard input, and the two parsers agreeing on mangled input.
. "$(dirname "$0")/../lib/tap.sh"
S="$SOCKLENS_BUILD/socklens"
GEN="$SOCKLENS_BUILD/socklens-gen-trace"
[ -x "$S" ] || skip_all "socklens not built"
CASES="$TESTS_DIR/viewer/cases"
SC="$CASES/server-client/input.jsonl"
BAD="$CASES/bad-input/input.jsonl"
unset NO_COLOR

"$S" --help >"$TMP/o" 2>&1
is "$?" 0 "--help exits 0"
grep -q '^usage: socklens COMMAND' "$TMP/o"; ok $? "--help prints the usage"
for c in record view stats export; do
	"$S" $c --help >"$TMP/o" 2>"$TMP/e"
	is "$?" 0 "$c --help exits 0"
	grep -q "^usage: socklens $c" "$TMP/o"; ok $? "$c --help prints its usage"
done
is "$("$S" --version)" "socklens 0.1 (trace format 1)" "--version"

"$S" >/dev/null 2>&1; is "$?" 2 "no command: exit 2"
"$S" frobnicate 2>"$TMP/e"; is "$?" 2 "unknown command: exit 2"
"$S" $'\e[31mevil' 2>"$TMP/e"
grep -q "unknown command '\\\\x1b\[31mevil'" "$TMP/e"; ok $? "an unknown command's name is escaped"
"$S" view 2>"$TMP/e"; is "$?" 2 "view without a file: exit 2"
grep -q "no trace file given" "$TMP/e"; ok $? "view without a file says so"
"$S" stats "$TMP/nope.jsonl" 2>"$TMP/e"; is "$?" 2 "a missing file: exit 2"
is "$(cat "$TMP/e")" "socklens: $TMP/nope.jsonl: No such file or directory" "a missing file is named"
"$S" view "$TMP" 2>"$TMP/e"; is "$?" 2 "a directory: exit 2"
"$S" view --width 10 "$SC" 2>/dev/null; is "$?" 2 "--width below 40: exit 2"
"$S" view --bogus "$SC" 2>/dev/null; is "$?" 2 "an unknown option: exit 2"
"$S" export "$SC" 2>"$TMP/e"; is "$?" 2 "export without --format: exit 2"
"$S" export --format svg "$SC" 2>/dev/null; is "$?" 2 "export --format svg: exit 2"
"$S" view --from soon "$SC" 2>/dev/null; is "$?" 2 "--from with a bad time: exit 2"
"$S" view --lane x:y "$SC" 2>/dev/null; is "$?" 2 "--lane with a bad lane: exit 2"

# Colour: never when piped, always when asked, on a terminal unless NO_COLOR is set.
esc=$'\e'
"$S" view --width 80 "$SC" >"$TMP/o"
grep -q "$esc" "$TMP/o"; ok $((! $?)) "no colour when piped"
"$S" view --width 80 --color always "$SC" >"$TMP/o"
grep -q "$esc\[1;31m!" "$TMP/o"; ok $? "--color always paints failures red"
if command -v script >/dev/null; then
	script -qec "$S view --width 80 $SC" /dev/null >"$TMP/o" 2>&1
	grep -q "$esc\[" "$TMP/o"; ok $? "colour on a terminal"
	NO_COLOR=1 script -qec "$S view --width 80 $SC" /dev/null >"$TMP/o" 2>&1
	grep -q "$esc\[" "$TMP/o"; ok $((! $?)) "no colour on a terminal with NO_COLOR"
fi

# Whatever the trace holds, no control byte but newline reaches the terminal.
for args in "view --width 90" "view --lane 1" "stats" "view --width 60 --max-lanes 0"; do
	"$S" $args "$BAD" >"$TMP/o" 2>"$TMP/e"
	LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$TMP/o" "$TMP/e"
	ok $((! $?)) "$args: no control bytes in the output"
done

# Every line fits the width asked for.
for w in 40 73 120; do
	"$S" view --width $w "$SC" >"$TMP/o"
	long=$(perl -CSD -ne 'chomp; $n++ if length > '$w'; END { print $n + 0 }' "$TMP/o")
	is "$long" 0 "--width $w: no line is wider"
done

# Standard input is read like a file (spooled for the second pass).
"$S" view --width 100 - <"$SC" >"$TMP/stdin.out"
"$S" view --width 100 "$SC" >"$TMP/file.out"
is_file "$TMP/stdin.out" "$TMP/file.out" "view - reads standard input"
cat "$SC" | "$S" stats - >"$TMP/o"; is "$?" 0 "stats from a pipe"

# A line over 16 MiB is reported and skipped; the lines around it are read.
{
	head -2 "$SC"
	perl -e 'print "{\"v\":1,\"pad\":\"", "x" x (17 << 20), "\"}\n"'
	sed -n '3,$p' "$SC"
} >"$TMP/long.jsonl"
"$S" stats "$TMP/long.jsonl" >"$TMP/o" 2>"$TMP/e"
is "$?" 1 "a 17 MiB line: exit 1"
is "$(head -1 "$TMP/e")" "$TMP/long.jsonl:3: line longer than 16 MiB" "a 17 MiB line is named"
grep -q ' 19 calls (4 failed)' "$TMP/o"; ok $? "the lines around it are all read"

# The chrome export is valid JSON with one complete event per call and a name per lane.
"$S" export --format chrome -o "$TMP/c.json" "$SC"
is "$(jq '[.traceEvents[] | select(.ph == "X")] | length' "$TMP/c.json")" 19 "export: one X event per call"
is "$(jq '[.traceEvents[] | select(.name == "thread_name" and .tid > 0)] | length' "$TMP/c.json")" 7 "export: a track name per lane"
is "$(jq -r '[.traceEvents[] | select(.ph == "X" and .name == "connect")][0].args.args.addr.port' "$TMP/c.json")" 8080 "export: a call's arguments come along"
"$S" export --format chrome "$BAD" 2>/dev/null | jq -e . >/dev/null; ok $? "export of the bad input is valid JSON"

# Mangled lines: the fast path and jansson must take and refuse exactly the same ones.
perl -e '
	srand(7);
	my @lines = <>;
	for my $n (1 .. 3000) {
		my $l = $lines[rand @lines]; chomp $l;
		my $op = int rand 5;
		if ($op == 0) { $l = substr($l, 0, int rand length $l) }
		elsif ($op == 1) { substr($l, int rand length $l, 1) = chr(int rand 128) }
		elsif ($op == 2) { substr($l, int rand length $l, 0) = (",", "}", "]", "\"", "\\", "1e5", "-", " ", "\\u0041", "\\ud83d")[int rand 10] }
		elsif ($op == 3) { my $p = int rand length $l; substr($l, $p, 1) = "" }
		else { $l =~ s/(\d+)/$1 x (1 + int rand 3)/e }
		print "$l\n";
	}' "$SC" "$CASES/lifetimes/input.jsonl" >"$TMP/fuzz.jsonl"
for args in "stats" "view --width 100 --max-lanes 0" "export --format chrome" "view --lane 1 --lane 2"; do
	SOCKLENS_PARSER=auto "$S" $args "$TMP/fuzz.jsonl" >"$TMP/a.out" 2>"$TMP/a.err"; a=$?
	SOCKLENS_PARSER=jansson "$S" $args "$TMP/fuzz.jsonl" >"$TMP/j.out" 2>"$TMP/j.err"; j=$?
	is "$a" "$j" "fuzzed $args: same exit status from both parsers"
	is_file "$TMP/a.out" "$TMP/j.out" "fuzzed $args: same output from both parsers"
	is_file "$TMP/a.err" "$TMP/j.err" "fuzzed $args: same reports from both parsers"
done

# A generated trace: read without a bad line, and the same by both parsers.
if [ -x "$GEN" ]; then
	"$GEN" -n 20000 -s 3 -o "$TMP/gen.jsonl"
	"$S" stats "$TMP/gen.jsonl" >"$TMP/a.out" 2>"$TMP/a.err"
	is "$?" 0 "generated trace: stats exits 0"
	calls=$(grep -c '"type":"call"' "$TMP/gen.jsonl")
	grep -q " $calls calls (" "$TMP/a.out"; ok $? "generated trace: every call counted"
	SOCKLENS_PARSER=jansson "$S" stats "$TMP/gen.jsonl" >"$TMP/j.out" 2>"$TMP/j.err"
	is_file "$TMP/a.out" "$TMP/j.out" "generated trace: both parsers agree"
	for args in "stats" "view --width 100" "export --format chrome"; do
		SOCKLENS_THREADS=1 "$S" $args "$TMP/gen.jsonl" "$TMP/fuzz.jsonl" >"$TMP/t1.out" 2>"$TMP/t1.err"
		SOCKLENS_THREADS=0 "$S" $args "$TMP/gen.jsonl" "$TMP/fuzz.jsonl" >"$TMP/t0.out" 2>"$TMP/t0.err"
		is_file "$TMP/t1.out" "$TMP/t0.out" "$args: the same with and without a reading thread"
		is_file "$TMP/t1.err" "$TMP/t0.err" "$args: the same reports with and without a reading thread"
	done
	"$S" view --width 100 --max-lanes 20 "$TMP/gen.jsonl" >"$TMP/o"
	grep -q '^(.* more lanes and .* more processes not drawn' "$TMP/o"; ok $? "view says what --max-lanes left out"
	grep -q 'connections paired' "$TMP/o"; ok $? "generated trace: connections paired"
fi
done_testing
