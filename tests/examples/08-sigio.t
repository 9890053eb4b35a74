#!/usr/bin/env bash
# Tour 8: SIGIO on data arrival, set up with fcntl and again with ioctl.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 08-sigio

run_plain
is "$(grep -c 'SIGIO received' "$TMP/plain.out")" 2 "SIGIO arrives once for each way of asking"

if run_traced; then
	is "$(grep -c 'SIGIO received' "$OUT")" 2 "and under the shim as well"
	jq_ok "fcntl(F_SETOWN) names this very process as the owner" \
		'calls("fcntl") | map(select(.args.cmd == "F_SETOWN")) | length == 1 and
		 .[0].ret == 0 and .[0].args.arg == .[0].pid'
	jq_ok "fcntl(F_SETFL) turns on O_ASYNC (and O_NONBLOCK) on the same socket" \
		'(calls("fcntl") | map(select(.args.cmd == "F_SETOWN"))[0]) as $o |
		 calls("fcntl") | map(select(.args.cmd == "F_SETFL")) | length == 1 and
		 .[0].fd == $o.fd and .[0].seq > $o.seq and .[0].ret == 0 and
		 (.[0].args.arg | has_flag("O_ASYNC") and has_flag("O_NONBLOCK"))'
	jq_ok "ioctl(FIOSETOWN) names this process, on a second socket" \
		'(calls("fcntl") | map(select(.args.cmd == "F_SETOWN"))[0].seq) as $first |
		 calls("ioctl") | map(select(.args.req == "FIOSETOWN")) | length == 1 and
		 .[0].ret == 0 and .[0].args.arg == .[0].pid and .[0].seq > $first'
	jq_ok "ioctl(FIOASYNC) with 1 turns signal-driven I/O on" \
		'(calls("ioctl") | map(select(.args.req == "FIOSETOWN"))[0]) as $o |
		 calls("ioctl") | map(select(.args.req == "FIOASYNC")) | length == 1 and
		 .[0].fd == $o.fd and .[0].args.arg == 1 and .[0].ret == 0'
	jq_ok "each socket gets one datagram and is drained until EAGAIN" \
		'calls("sendto") | length == 2 and (map(.args.data) == ["fcntl", "ioctl"])'
	jq_ok "each drain: a recv with the datagram, then EAGAIN" \
		'calls("recv") | map(.ret, .errno) ==
		 [5, null, -1, "EAGAIN", 5, null, -1, "EAGAIN"]'
fi
done_testing
