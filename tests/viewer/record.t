#!/usr/bin/env bash
# socklens record: exit statuses passed through, the shim's environment, the trace file it
# names, and record → view/stats/export end to end on a real program.
. "$(dirname "$0")/../lib/tap.sh"
S="$SOCKLENS_BUILD/socklens"
[ -x "$S" ] || skip_all "socklens not built"
[ -f "$SHIM" ] || skip_all "the shim ($SHIM) is not built yet"
cd "$TMP" || exit 1
# A sanitized shim needs the ASan runtime preloaded first; record keeps what is preloaded.
case $SOCKLENS_BUILD in
*-san) export LD_PRELOAD=$(${CC:-gcc} -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 ;;
esac

"$S" record -q -o t.jsonl -- sh -c 'exit 3'
is "$?" 3 "the program's exit status is passed through"
"$S" record -q -o t.jsonl -- sh -c 'kill -TERM $$'
is "$?" 143 "killed by SIGTERM: 128+15"
"$S" record -q -o t.jsonl -- "$TMP/no-such-program" 2>err
is "$?" 127 "a program that does not exist: 127"
grep -q "no-such-program: No such file or directory" err; ok $? "and it says so"
"$S" record -q -o t.jsonl -- "$TMP" 2>/dev/null
is "$?" 126 "a program that cannot be run: 126"
"$S" record -o t.jsonl 2>/dev/null
is "$?" 125 "no program: 125"
"$S" record --data lots -- true 2>/dev/null
is "$?" 125 "a bad option value: 125"
"$S" record --shim /nonexistent.so -- true 2>/dev/null
is "$?" 125 "a missing shim: 125"

# The options become the shim's environment; the trace path is absolute.
"$S" record -q -o env.jsonl --data 8 --bt 2 --calls connect,send --failed -- \
	sh -c 'printf "%s|%s|%s|%s|%s|%s\n" "$SOCKLENS_DATA" "$SOCKLENS_BT" "$SOCKLENS_CALLS" "$SOCKLENS_FAILED" "$SOCKLENS_OUT" "$LD_PRELOAD"' >env.out
is "$(cut -d'|' -f1-5 env.out)" "8|2|connect,send|1|$TMP/env.jsonl" "options reach the shim's environment"
case "$(cut -d'|' -f6 env.out)" in
*/libsocklens.so*) pass "LD_PRELOAD names the shim" ;;
*) fail "LD_PRELOAD names the shim" ;;
esac
# (libm: a harmless library to preload; libc before the shim would hide libc from it)
libc=$(ldconfig -p | awk '/libm\.so\.6 .*x86-64/ { print $NF; exit }')
[ -n "$libc" ] || libc=$(ldd /bin/sh | awk '/libc\.so/ { print $3 }')
LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD:}$libc "$S" record -q -o env.jsonl -- sh -c 'echo "$LD_PRELOAD"' >env.out
case "$(cat env.out)" in
*"$libc:"*/libsocklens.so) pass "an existing LD_PRELOAD is kept, before the shim" ;;
*) fail "an existing LD_PRELOAD is kept, before the shim"; diag "$(cat env.out)" ;;
esac

# The default name, the message, a fresh trace each time unless --append.
"$S" record -- sh -c 'exit 0' 2>msg
[ -f socklens-sh.jsonl ]; ok $? "default trace name: socklens-CMD.jsonl"
grep -q '^socklens: [0-9]* lines\? in socklens-sh.jsonl; see it with: socklens view socklens-sh.jsonl$' msg
ok $? "says where the trace went"
echo junk >>socklens-sh.jsonl
"$S" record -q -- sh -c 'exit 0'
grep -q junk socklens-sh.jsonl; ok $((! $?)) "record starts a fresh trace"
echo junk >>socklens-sh.jsonl
"$S" record -q -a -- sh -c 'exit 0'
grep -q junk socklens-sh.jsonl; ok $? "--append keeps what was there"

# End to end on a real program: a TCP echo server and three forked clients.
ECHO="$SOCKLENS_BUILD/examples/03-echo"
if [ -x "$ECHO" ]; then
	"$S" record -q -o echo.jsonl -- "$ECHO" >/dev/null
	is "$?" 0 "record 03-echo: exit 0"
	"$S" view --width 120 echo.jsonl >view.out 2>view.err
	is "$?" 0 "view of the recording: exit 0"
	is "$(cat view.err)" "" "view of the recording: no bad lines"
	grep -q '^4 processes, 10 lanes.*3 connections paired' view.out; ok $? "4 processes, 10 lanes, 3 connections paired"
	is "$(grep -c '← 127\.0\.0\.1:[0-9]*, accepted on fd 3' view.out)" 3 "three accepted lanes, labelled"
	is "$(grep -c 'TCP 127\.0\.0\.1:[0-9]* → 127\.0\.0\.1:[0-9]* · conn' view.out)" 3 "three client lanes, paired"
	grep -q 'TCP 127\.0\.0\.1:[1-9][0-9]* listening, 3 accepted' view.out; ok $? "the listener, with the port the kernel chose"
	"$S" stats echo.jsonl >stats.out
	grep -Eq ' 3 +accept$| 3 +accept4$' stats.out; ok $? "stats counts three accepts"
	"$S" export --format chrome echo.jsonl | jq -e '[.traceEvents[] | select(.ph == "X")] | length > 20' >/dev/null
	ok $? "export of the recording is valid JSON"
else
	diag "03-echo not built: end-to-end part skipped"
fi
done_testing
