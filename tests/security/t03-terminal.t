#!/usr/bin/env bash
# Nothing from a trace reaches a terminal raw: a program with ESC, CSI, OSC, BEL, C1 and
# invalid UTF-8 in its name, argv, socket path and payloads, plus hand-written lines with the
# same in every string field and broken lines full of them, read by view, view --lane, stats
# (both parsers, with and without colour): the output is UTF-8 with no control character but
# newline (and tab), no DEL, no C1, and colour only as SGR. The HTML page escapes it all.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../stress/lib.sh"
[ -x "$SOCKLENS" ] || skip_all "socklens not built"
unset NO_COLOR

# tty_safe FILE [sgr]: valid UTF-8 without C0 (but \n, \t), DEL or C1; "sgr" first drops
# colour sequences ESC [ digits ; m.
tty_safe() {
	perl -MEncode -e '
		local $/; my $b = <STDIN>;
		$b =~ s/\e\[[0-9;]*m//g if $ARGV[0];
		my $s = eval { Encode::decode("UTF-8", $b, Encode::FB_CROAK) };
		if (!defined $s) { print "not UTF-8\n"; exit 1 }
		if ($s =~ /([\x00-\x08\x0b-\x1f\x7f-\x9f])/) { printf "U+%04X at %d\n", ord($1), $-[0]; exit 1 }
		exit 0' "${2:-}" < "$1"
}

# The program, under a name that is itself an attack.
mkdir "$TMP/d"
name=$(printf 'e\033]0;t\007\233\377v<i>l')
cp "$STRESS/evil" "$TMP/d/$name"
T=$TMP/evil.jsonl
SOCKLENS_OUT="$T" SOCKLENS_DATA=256 LD_PRELOAD="$PRELOAD" "$TMP/d/$name" "$TMP/d" \
	"$(printf 'arg\033[2J\302\233\233\377<script>alert(3)</script>\033]8;;http://x\a')"
ok $? "the program runs traced"
grep -q '\\u001b\]0;t' "$T"
ok $? "and its trace does hold the escape sequences (as JSON escapes)"

# Hand-written lines: control characters (as JSON escapes) in every string the viewer shows,
# and lines that are not JSON at all, with raw ESC, C1 and invalid UTF-8 in them.
E='\u001b]0;x\u0007\u001b[2J\u009b1m\u007f\u0085'
cat > "$TMP/forged.jsonl" <<JSON
{"v":1,"type":"proc","pid":9,"tid":9,"seq":0,"ts_ns":1000,"ppid":1,"exe":"/bin/$E","argv":["$E","<script>alert(4)</script>"]}
{"v":1,"type":"call","pid":9,"tid":9,"seq":1,"ts_ns":2000,"call":"socket","fd":3,"ret":3,"dur_ns":5,"args":{"domain":"AF_$E","type":"SOCK_$E","protocol":0}}
{"v":1,"type":"call","pid":9,"tid":9,"seq":2,"ts_ns":3000,"call":"connect","fd":3,"ret":-1,"errno":"E$E","dur_ns":5,"args":{"addr":{"family":"AF_INET","ip":"1.2.3.4$E","port":80}}}
{"v":1,"type":"call","pid":9,"tid":9,"seq":3,"ts_ns":4000,"call":"connect","fd":3,"ret":0,"dur_ns":5,"args":{"addr":{"family":"AF_UNIX","path":"/$E<b>"}}}
{"v":1,"type":"call","pid":9,"tid":9,"seq":4,"ts_ns":5000,"call":"send","fd":3,"ret":4,"dur_ns":5,"args":{"len":4,"flags":"MSG_$E","data":"\\\\x1b[2J$E"}}
{"v":1,"type":"call","pid":9,"tid":9,"seq":5,"ts_ns":6000,"call":"x$E","fd":3,"ret":0,"dur_ns":5,"args":{"$E":"$E"}}
{"v":1,"type":"call","pid":9,"tid":9,"seq":6,"ts_ns":7000,"call":"close","fd":3,"ret":0,"dur_ns":5,"args":{},"bt":[{"ip":"0x1","sym":"$E","obj":"/lib/$E"}]}
JSON
printf '{"v":1,"type":"call","pid":9,"tid":9,"seq":7,"ts_ns":8000,"call":"\033]0;raw\007\233\377"}\n' >> "$TMP/forged.jsonl"
printf '\033[2J\033]0;garbage\007\302\233\377\376 not json\n' >> "$TMP/forged.jsonl"
printf '{"v":1,"type":"exit","pid":9,"tid":9,"seq":8,"ts_ns":9000,"status":0,"\033[5m":1}\n' >> "$TMP/forged.jsonl"

# Every lane of the program's trace in detail, then each command with each parser.
lanes=$("$SOCKLENS" stats --top 0 "$T" | awk '$2 ~ /^[0-9]+:[0-9]+$/ { printf "--lane %s ", $1 }')
is "$(echo "$lanes" | wc -w)" 8 "the program's trace has its 4 lanes"
for f in "$T" "$TMP/forged.jsonl"; do
	fname=$(basename "$f")
	for parser in auto jansson; do
		for cmd in "view --color never --width 100" "view --color always --width 100" \
			"view --color never $lanes" "view --color always $lanes" \
			"view --color never --lane 1 --lane 9:3" "stats --top 0"; do
			# shellcheck disable=SC2086
			SOCKLENS_PARSER=$parser "$SOCKLENS" $cmd "$f" > "$TMP/out" 2> "$TMP/err"
			st=$?
			sgr=
			case $cmd in *always*) sgr=sgr ;; esac
			why=$(tty_safe "$TMP/out" $sgr)
			ok $? "$fname, $parser: socklens $cmd: stdout is terminal-safe" || diag "$why"
			why=$(tty_safe "$TMP/err")
			ok $? "$fname, $parser: socklens $cmd: stderr is terminal-safe" || diag "$why"
			want=0
			[ "$fname" = forged.jsonl ] && want=1
			is "$st" $want "$fname, $parser: socklens $cmd: exit $want"
		done
	done
done

# The HTML page: nothing from the trace becomes markup. It has as many <script elements as
# the page of a harmless trace, and no tag or attribute from the trace appears as such.
"$SOCKLENS" view --html "$TMP/plain.html" "$TESTS_DIR/viewer/cases/server-client/input.jsonl" 2> /dev/null
"$SOCKLENS" view --html "$TMP/evil.html" "$T" "$TMP/forged.jsonl" 2> "$TMP/err"
is "$?" 1 "view --html writes the page of both traces (exit 1: the forged file's bad lines)"
is "$(grep -o '<script' "$TMP/evil.html" | wc -l)" "$(grep -o '<script' "$TMP/plain.html" | wc -l)" \
	"the page has exactly the <script> elements of a harmless trace's page"
n=$(grep -o -e 'alert(' "$TMP/evil.html" | wc -l)
ok $((n == 0)) "the trace's strings are in the page ($n alert( of them), as text"
is "$(grep -o -i -e '<script>alert' -e '<img src' -e '<b>' -e '<i>l' -e 'onerror=alert' "$TMP/evil.html" | grep -v -e '^onerror=alert$' | sort -u | tr '\n' ' ')" "" \
	"none of the trace's tags appears unescaped"
why=$(tty_safe "$TMP/evil.html")
ok $? "the page holds no raw control character either" || diag "$why"
why=$(tty_safe "$TMP/err")
ok $? "view --html's messages are terminal-safe" || diag "$why"

# Export is JSON whatever the strings were.
"$SOCKLENS" export --format chrome -o "$TMP/chrome.json" "$T" "$TMP/forged.jsonl" 2> /dev/null
jq -e '.traceEvents | length > 0' "$TMP/chrome.json" > /dev/null
ok $? "export --format chrome writes valid JSON from both traces"

# An abstract name that ends in NUL bytes (addrlen = sizeof(struct sockaddr_un)) is common;
# the shim writes the NUL as \u0000, the viewer reads it and shows it escaped.
NUL=1 SOCKLENS_OUT="$TMP/nul.jsonl" LD_PRELOAD="$PRELOAD" "$TMP/d/$name" "$TMP/d"
"$SOCKLENS" stats --top 0 "$TMP/nul.jsonl" > "$TMP/out" 2> "$TMP/err"
is "$?:$(cat "$TMP/err")" "0:" "a connect to an abstract name holding a NUL byte is read"
is "$(grep -c -F 'UNIX → @\x1b]2;x\x07\xef\xbf\xbd\x00' "$TMP/out")" 1 "and shown with its NUL, escaped"
why=$(tty_safe "$TMP/out")
ok $? "terminal-safe" || diag "$why"
done_testing
