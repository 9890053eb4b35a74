#!/usr/bin/env bash
# The trace file: 0600 whatever the umask, never created through a planted symlink (a
# dangling one included: tests/shim/t07-config.t has the one to an existing file), and the
# mapped sink's side file in /dev/shm neither followed when planted as a symlink nor used
# when another user made it.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../stress/lib.sh"

run() { # run TRACE [VAR=VALUE…]: the churn program (a few connections) traced into TRACE
	local out=$1; shift
	env SOCKLENS_OUT="$out" LD_PRELOAD="$PRELOAD" "$@" "$STRESS/churn" 5 1
}

(umask 000 && run "$TMP/u0.jsonl")
ok $? "a traced run under umask 000"
is "$(stat -c '%a %U' "$TMP/u0.jsonl")" "600 $(id -un)" "the trace file is created 0600, owned by the user"
"$BIN/checktrace" "$TMP/u0.jsonl" > /dev/null
ok $? "and it is a good trace"

ln -s "$TMP/not-yet" "$TMP/dangling.jsonl"
run "$TMP/dangling.jsonl" 2> "$TMP/err.txt"
ok $? "with a dangling symlink planted at the trace path, the program runs normally"
ok "$([ ! -e "$TMP/not-yet" ]; echo $?)" "the symlink's target is not created"
is "$(cat "$TMP/err.txt")" "socklens: cannot open trace file $TMP/dangling.jsonl: Too many levels of symbolic links; not tracing" \
	"and the refusal is one line on stderr"

# While a traced program runs, the mapped sink's side file is private too.
mkfifo "$TMP/ready"
SOCKLENS_OUT="$TMP/running.jsonl" LD_PRELOAD="$PRELOAD" "$STRESS/storm" 0 1 0 > "$TMP/ready" &
pid=$!
read -r -t 60 said < "$TMP/ready"
side=$(side_file "$TMP/running.jsonl")
is "$said:$(stat -c '%a %U' "$side" 2>&1)" "running:600 $(id -un)" \
	"while it runs, the side file in /dev/shm is 0600, owned by the user"
kill -KILL $pid
{ wait $pid; } 2> /dev/null
rm -f "$side"

# The side file is named by the trace file's device and inode: plant things there first.
: > "$TMP/side-link.jsonl"
chmod 600 "$TMP/side-link.jsonl"
side=$(side_file "$TMP/side-link.jsonl")
rm -f "$side"
echo precious > "$TMP/victim"
ln -s "$TMP/victim" "$side"
run "$TMP/side-link.jsonl" 2> "$TMP/err.txt"
ok $? "with a symlink planted at the side file's path, the program runs normally"
is "$(cat "$TMP/victim")" precious "the symlink is not followed"
"$BIN/checktrace" "$TMP/side-link.jsonl" > "$TMP/check.txt"
ok $? "and the trace is still written, whole" || diag "$(cat "$TMP/check.txt")" "$(cat "$TMP/err.txt")"
rm -f "$side"

if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
	: > "$TMP/side-other.jsonl"
	chmod 600 "$TMP/side-other.jsonl"
	side=$(side_file "$TMP/side-other.jsonl")
	rm -f "$side"
	# Another user's side file, its cursor 1 TiB past the end, as an attacker would make it.
	{ printf 'ocklenv1\0\0\0\0\0\1\0\0\0\0\0\0\0\1\0\0'; head -c 4072 /dev/zero; } > "$side"
	chown nobody "$side"
	run "$TMP/side-other.jsonl" 2> "$TMP/err.txt"
	ok $? "with another user's file at the side file's path, the program runs normally"
	"$BIN/checktrace" "$TMP/side-other.jsonl" > "$TMP/check.txt"
	ok $? "and the trace is written, whole, from the start of the file" ||
		diag "$(cat "$TMP/check.txt")" "$(cat "$TMP/err.txt")"
	is "$(head -c 1 "$TMP/side-other.jsonl")" "{" "the file starts with the first line"
	ok $(($(stat -c %s "$TMP/side-other.jsonl") > 64 << 20)) "and is not grown to where that cursor pointed"
	is "$(stat -c %s "$side")" 4096 "the other user's file is left as it was"
	rm -f "$side"
else
	echo "ok $((_tap_n += 1)) # SKIP another user's side file needs root and a nobody user"
fi
done_testing
