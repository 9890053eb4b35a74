#!/usr/bin/env bash
# Every intercepted call, once: exact trace lines, the same results as an untraced run,
# and the same calls, descriptors, returns and errno as strace saw.
. "$(dirname "$0")/../lib/tap.sh"

timeout 20 "$BIN/calls" > "$TMP/untraced.txt"
ok $? "calls runs untraced"
timeout 20 env SOCKLENS_OUT="$TMP/calls.jsonl" LD_PRELOAD="$PRELOAD" "$BIN/calls" > "$TMP/traced.txt"
ok $? "calls runs traced"
is_file "$TMP/traced.txt" "$TMP/untraced.txt" "same return values, errno and descriptor numbers as untraced"

calls_of "$TMP/calls.jsonl" > "$TMP/calls.txt"
is_file "$TMP/calls.txt" "$TESTS_DIR/shim/expected/calls.txt" "trace lines are exactly the expected ones"

"$BIN/checktrace" "$TMP/calls.jsonl" > "$TMP/check.txt"
ok $? "every line parses with jansson and has the required keys"
grep -q 'connects 1 accepts 1 matched 1 ' "$TMP/check.txt"
ok $? "the connect and the accept name the same two addresses"

# strace is the reference for what the kernel saw: compare call, fd, return and errno.
if ! command -v strace > /dev/null; then
	skip_all "strace is not installed"
fi
strace -qq -o "$TMP/strace.txt" -e trace=socket,socketpair,setsockopt,getsockopt,bind,connect,listen,accept,accept4,sendto,recvfrom,sendmsg,recvmsg,shutdown,fcntl,ioctl,dup,dup2,dup3,close,read,write,readv,writev,sendfile \
	"$BIN/calls" > /dev/null
ok $? "calls runs under strace"
# From strace: name fd ret errno, for what happens from the first socket() on; the calls the
# program makes on its non-socket descriptors (stdout, the temp file) are left out as the
# shim leaves them out. The untraced helper calls (getsockname…) are not in either list.
perl -ne '
	$on = 1 if /^socket\(/;
	next unless $on;
	next unless /^(\w+)\((.*)\) += (-?\w+)(?: ([A-Z0-9]+))?/;
	my ($name, $args, $ret, $err) = ($1, $2, $3, $4 // "");
	$ret = hex($ret) if $ret =~ /^0x/;
	my $fd = $args =~ /^(-?\d+)/ ? $1 : -1;
	$fd = $ret if $name eq "socket";
	$fd = $1 if $name eq "socketpair" && $args =~ /\[(\d+),/;
	next if $name =~ /^(close|read|write|ioctl|fcntl)$/ && $fd <= 2;
	print "$name $fd $ret $err\n";
' "$TMP/strace.txt" > "$TMP/strace-calls.txt"
# From the shim: the same, with glibc's function names mapped to the system calls.
jq -r 'select(.type == "call") | "\(.call) \(.fd) \(.ret) \(.errno // "")"' "$TMP/calls.jsonl" |
	sed -E 's/^send /sendto /; s/^recv /recvfrom /' > "$TMP/shim-calls.txt"
# The probe socket calls.c makes untraced-by-name (socket/bind/close to find a closed port)
# are traced by both, so both lists hold them.
is_file "$TMP/shim-calls.txt" "$TMP/strace-calls.txt" "the shim saw what strace saw (call, fd, ret, errno)"
done_testing
