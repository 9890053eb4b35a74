#!/usr/bin/env bash
# Configuration by environment, a trace file that cannot be opened, a planted symlink, and
# the library's export list.
. "$(dirname "$0")/../lib/tap.sh"

run() { # run TRACE VAR=VALUE…: the fortified test program with that configuration
	local out=$1; shift
	env SOCKLENS_OUT="$out" LD_PRELOAD="$PRELOAD" "$@" "$BIN/fortified" > /dev/null
}

run "$TMP/d0.jsonl" SOCKLENS_DATA=0
is "$(jq -c 'select(.call == "send") | .args' "$TMP/d0.jsonl" | head -1)" '{"len":3,"flags":0}' \
	"SOCKLENS_DATA=0 turns payload previews off"
run "$TMP/d4.jsonl" SOCKLENS_DATA=4
is "$(jq -c 'select(.call == "read") | .args' "$TMP/d4.jsonl")" '{"len":16,"data":"thre","data_trunc":true}' \
	"SOCKLENS_DATA=4 cuts previews at 4 bytes and says so"
run "$TMP/calls.jsonl" SOCKLENS_CALLS=send,read
is "$(jq -r 'select(.type == "call") | .call' "$TMP/calls.jsonl" | sort -u | tr '\n' ' ')" "read send " \
	"SOCKLENS_CALLS keeps only the calls named"
is "$(jq -r 'select(.type == "call") | .seq' "$TMP/calls.jsonl" | tr '\n' ' ')" "1 2 3 4 " \
	"filtered calls leave no gap in seq"

traced "$TMP/failed.jsonl" env SOCKLENS_FAILED=1 "$BIN/calls" > /dev/null
is "$(jq -r 'select(.type == "call") | .errno' "$TMP/failed.jsonl" | tr '\n' ' ')" \
	"EINPROGRESS ENOPROTOOPT EAGAIN EAGAIN EMSGSIZE ECONNREFUSED EADDRINUSE ENOTSOCK EBADF " \
	"SOCKLENS_FAILED=1 keeps only the failed calls"

run "$TMP/bt.jsonl" SOCKLENS_BT=3
# Innermost is main itself, or under ASan the sanitizer's interceptor that called the shim.
is "$(jq -r 'select(.call == "send") | [.bt[].sym] | map(select(startswith("sl_") or . == "send")) | length' "$TMP/bt.jsonl" | head -1)" 0 \
	"SOCKLENS_BT: the shim's own frames are left out"
is "$(jq -r 'select(.call == "send") | [.bt[].sym] | index("main") < 2' "$TMP/bt.jsonl" | head -1)" true \
	"the caller, main, is the innermost frame"
is "$(jq -r 'select(.call == "send") | .bt | length' "$TMP/bt.jsonl" | head -1)" 3 "SOCKLENS_BT=3 gives 3 frames"
is "$(jq -r 'select(.call == "send") | .bt[] | select(.sym == "main") | (.ip | test("^0x[0-9a-f]+$")) and (.obj | endswith("fortified"))' "$TMP/bt.jsonl" | head -1)" \
	true "frames carry ip and obj"

mkdir "$TMP/ro" && chmod 0500 "$TMP/ro"
out=$(env SOCKLENS_OUT=/nonexistent/dir/t.jsonl LD_PRELOAD="$PRELOAD" "$BIN/fortified" 2> "$TMP/err.txt")
is "$?:$out" "0:3 3 5 4" "a trace file that cannot be opened: the program runs normally"
is "$(cat "$TMP/err.txt")" "socklens: cannot open trace file /nonexistent/dir/t.jsonl: No such file or directory; not tracing" \
	"and one clear line on stderr"

echo "precious" > "$TMP/victim"
ln -s "$TMP/victim" "$TMP/planted.jsonl"
env SOCKLENS_OUT="$TMP/planted.jsonl" LD_PRELOAD="$PRELOAD" "$BIN/fortified" > /dev/null 2> "$TMP/err.txt"
is "$(cat "$TMP/victim")" "precious" "a symlink planted at the trace path is not followed"
grep -q "Too many levels of symbolic links; not tracing" "$TMP/err.txt"
ok $? "and the refusal is said on stderr"

expected="_Exit __read_chk __recv_chk __recvfrom_chk _exit accept accept4 bind close close_range closefrom connect dup dup2 dup3 execl execle execlp execv execve execvp execvpe fclose fcntl fcntl64 fexecve getsockopt ioctl listen read readv recv recvfrom recvmsg send sendfile sendfile64 sendmsg sendto setsockopt shutdown socket socketpair write writev "
is "$(nm -D --defined-only "$SHIM" | awk '{print $3}' | sort | tr '\n' ' ')" "$expected" \
	"the library exports the interposed calls and nothing else"
done_testing
