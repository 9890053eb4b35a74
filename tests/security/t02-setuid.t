#!/usr/bin/env bash
# A set-user-ID program is not traced: run as nobody, a set-user-ID-root copy of a test
# program gets AT_SECURE; the shim is loaded into it (ld.so preloads, in secure mode, only
# set-user-ID libraries from the standard directories, named without a slash: a copy of the
# shim is put there for the test and removed after) and writes nothing, wherever the
# environment says. The same copy without the set-user-ID bit is traced, as a control.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../stress/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (to make a set-user-ID-root program and install a library copy)"
command -v setpriv > /dev/null || skip_all "setpriv not installed (util-linux)"
id nobody > /dev/null 2>&1 && getent group nogroup > /dev/null || skip_all "no nobody user or nogroup group"
case $SOCKLENS_BUILD in
*-san) skip_all "the sanitized shim needs libasan preloaded by path, which secure mode ignores" ;;
esac
libdir=/usr/lib/$(${CC:-gcc} -print-multiarch 2> /dev/null)
[ -d "$libdir" ] || skip_all "no multiarch library directory ($libdir)"

dir=$(mktemp -d /tmp/socklens-suid.XXXXXX)
lib=libsocklens-test-$$.so
trap 'rm -f "$libdir/$lib"; rm -rf "$dir" "$TMP"' EXIT
chmod 755 "$dir"
install -m 755 "$STRESS/storm" "$dir/storm"
install -m 4755 -o root "$STRESS/storm" "$dir/storm-suid"
install -m 4755 -o root "$SHIM" "$libdir/$lib"
mkdir "$dir/out" && chown nobody "$dir/out" && chmod 700 "$dir/out"
as_nobody() { (cd "$dir/out" && exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"); }

as_nobody env LD_PRELOAD="$lib" SOCKLENS_OUT="$dir/out/plain.jsonl" "$dir/storm" 0 1 5 2> "$TMP/err"
ok $? "control: the program without the set-user-ID bit runs as nobody with the shim preloaded by name"
"$BIN/checktrace" "$dir/out/plain.jsonl" > "$TMP/check.txt" 2>&1
is "$(tail -1 "$TMP/check.txt")" "lines 37 processes 1 connects 0 accepts 0 matched 0 problems 0" \
	"and it is traced (5 rounds of 7 calls, proc and exit lines)"

mkfifo "$TMP/ready"
(cd "$dir/out" && exec setpriv --reuid=nobody --regid=nogroup --clear-groups env LD_PRELOAD="$lib" \
	SOCKLENS_OUT="$dir/out/suid.jsonl" SOCKLENS_BT=4 "$dir/storm-suid" 0 2 0) > "$TMP/ready" 2> "$TMP/err" &
pid=$!
read -r -t 60 said < "$TMP/ready"
is "$said" running "the set-user-ID copy runs as nobody, making socket calls"
is "$(awk '/^Uid:/ { print $2, $3 }' /proc/$pid/status)" "$(id -u nobody) 0" \
	"its real user is nobody, its effective user root"
grep -q "$lib" /proc/$pid/maps
ok $? "the shim is loaded in it"
# auxv: pairs of 8-byte words, type then value; AT_SECURE is 23.
is "$(od -An -v -tu8 -w16 /proc/$pid/auxv | awk '$1 == 23 { print $2 }')" 1 "and ld.so gave it AT_SECURE=1"
kill -KILL $pid
{ wait $pid; } 2> /dev/null
is "$(ls -A "$dir/out" | grep -v '^plain.jsonl$')" "" "no trace file written, neither SOCKLENS_OUT nor ./socklens.jsonl"
is "$(cat "$TMP/err")" "" "and not a word on stderr"
done_testing
