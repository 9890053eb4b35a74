#!/usr/bin/env bash
# Tour 9: TCP's urgent byte: send(MSG_OOB), SIOCATMARK, recv(MSG_OOB).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 09-oob

run_plain
grep -q "^server: at the mark; recv(MSG_OOB) got '!'$" "$TMP/plain.out"
ok $? "the urgent byte is read out of band"

if run_traced; then
	jq_ok "the client sends abc, then ! with MSG_OOB, then def" \
		'calls("send") | map([.args.data, .args.flags]) ==
		 [["abc", 0], ["!", "MSG_OOB"], ["def", 0]]'
	jq_ok "the server's socket is given an owner for SIGURG" \
		'(calls("accept")[0].ret) as $s | calls("fcntl") |
		 map(select(.fd == $s and .args.cmd == "F_SETOWN")) |
		 length == 1 and .[0].args.arg == .[0].pid'
	jq_ok "the ordinary recvs stop at the mark: \"abc\", then \"def\", then 0" \
		'calls("recv") | map(select(.args.flags == 0) | [.ret, .args.data]) ==
		 [[3, "abc"], [3, "def"], [0, null]]'
	jq_ok "SIOCATMARK answers 1 just before recv(MSG_OOB), which gets the 1 byte \"!\"" \
		'calls | map(select(.call == "ioctl" or .call == "recv")) as $c |
		 ($c | map(.args.flags) | index("MSG_OOB")) as $i |
		 $i != null and $c[$i].ret == 1 and $c[$i].args.data == "!" and
		 $c[$i - 1].call == "ioctl" and $c[$i - 1].args.req == "SIOCATMARK" and
		 $c[$i - 1].args.arg == 1'
	jq_ok "before the first recv the mark has not been reached" \
		'calls("ioctl")[0].args | .req == "SIOCATMARK" and .arg == 0'
fi
done_testing
