#!/usr/bin/env bash
# Programs of every kind: no sockets at all, sockets from a constructor, fortified glibc
# entry points, sockets inherited on stdin/stdout.
. "$(dirname "$0")/../lib/tap.sh"

printf 'b\na\nc\n' > "$TMP/in.txt"
untraced=$(sort "$TMP/in.txt"; echo "status $?")
traced=$(SOCKLENS_OUT="$TMP/sort.jsonl" LD_PRELOAD="$PRELOAD" sort "$TMP/in.txt"; echo "status $?")
is "$traced" "$untraced" "a program without sockets runs unchanged"
is "$(jq -r '.type' "$TMP/sort.jsonl" | tr '\n' ' ')" "proc exit " "and its trace holds only proc and exit"

is "$(traced "$TMP/ctor.jsonl" "$BIN/ctor")" "$("$BIN/ctor")" "socket() from a constructor gets the same fd"
is "$(jq -r 'select(.type == "call") | .call' "$TMP/ctor.jsonl" | tr '\n' ' ')" "socket close " \
	"the constructor's socket call is traced"

is "$(traced "$TMP/fort.jsonl" "$BIN/fortified")" "3 3 5 4" "a fortified program runs traced"
is "$(jq -r 'select(.type == "call") | .call' "$TMP/fort.jsonl" | tr '\n' ' ')" \
	"socketpair fcntl send send send recv recvfrom read sendfile " \
	"__recv_chk, __recvfrom_chk, __read_chk, fcntl64, sendfile64 reported as recv, recvfrom, read, fcntl, sendfile"

is "$("$BIN/inherit" "$TMP/inetd.jsonl" cat)" "hello inetd" "an inetd-style program with a socket on stdin/stdout"
is "$(jq -c 'select(.type == "call" and (.call == "read" or .call == "write")) | [.call, .fd, .ret]' "$TMP/inetd.jsonl" | tr '\n' ' ')" \
	'["read",0,12] ["write",1,12] ["read",0,0] ' "inherited sockets recognised: its reads and writes are traced"
is "$(traced "$TMP/fdopen.jsonl" "$BIN/fdopen")" "3 3 8" "a socket closed with fclose, then a file on its number"
is "$(jq -r 'select(.type == "call") | .call' "$TMP/fdopen.jsonl" | tr '\n' ' ')" "socketpair " \
	"the file's read on the old socket number is not taken for a socket read"
done_testing
