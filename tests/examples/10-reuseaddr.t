#!/usr/bin/env bash
# Tour 10: SO_REUSEADDR lets a restarted server bind past its own TIME_WAIT.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 10-reuseaddr

run_plain
if run_traced; then
	jq_ok "the server closes the connection first, then the client sees recv return 0" \
		'(calls("accept")[0]) as $a | (calls("connect")[0]) as $k |
		 (calls("close") | map(select(.fd == $a.ret))[0].seq) as $sc |
		 calls("recv") | length == 1 and .[0].fd == $k.fd and .[0].ret == 0 and
		 .[0].seq > $sc'
	jq_ok "the restart's bind without SO_REUSEADDR fails with EADDRINUSE" \
		'(calls("connect")[0].args.addr) as $srv | calls("bind") |
		 map(select(.errno)) | length == 1 and .[0].errno == "EADDRINUSE" and
		 same_addr(.[0].args.addr; $srv)'
	jq_ok "SO_REUSEADDR set on that socket, then the same bind succeeds, and it listens" \
		'(calls("bind") | map(select(.errno))[0]) as $failed | calls |
		 map(select(.seq > $failed.seq and .fd == $failed.fd)) as $after |
		 $after[0].call == "setsockopt" and $after[0].args.optname == "SO_REUSEADDR" and
		 $after[0].args.val == 1 and
		 $after[1].call == "bind" and $after[1].ret == 0 and
		 $after[1].args.addr == $failed.args.addr and
		 $after[2].call == "listen" and $after[2].ret == 0'
fi
done_testing
