#!/usr/bin/env bash
# Tour 7: O_NONBLOCK through fcntl, EAGAIN from accept and recv, EINPROGRESS, poll.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 07-nonblock

run_plain
if run_traced; then
	jq_ok "listener: F_GETFL without O_NONBLOCK, then F_SETFL adding it" \
		'(calls("listen")[0].fd) as $l | calls("fcntl") | map(select(.fd == $l)) |
		 length == 2 and .[0].args.cmd == "F_GETFL" and
		 (.[0].args.ret_flags | has_flag("O_NONBLOCK") | not) and
		 .[1].args.cmd == "F_SETFL" and (.[1].args.arg | has_flag("O_NONBLOCK")) and
		 .[1].ret == 0'
	jq_ok "accept with nobody connecting fails with EAGAIN" \
		'calls("accept")[0] | .ret == -1 and .errno == "EAGAIN"'
	jq_ok "the client is made non-blocking before its connect" \
		'(calls("connect")[0]) as $k | calls("fcntl") |
		 map(select(.fd == $k.fd and .args.cmd == "F_SETFL" and .seq < $k.seq and
		  (.args.arg | has_flag("O_NONBLOCK")))) | length == 1'
	jq_ok "the non-blocking connect fails with EINPROGRESS, local already bound" \
		'calls("connect") | length == 1 and .[0].ret == -1 and .[0].errno == "EINPROGRESS"
		 and .[0].args.local.ip == "127.0.0.1" and .[0].args.local.port > 0'
	jq_ok "the second accept returns the new descriptor" \
		'(calls("accept")[1]) as $a | (calls("fcntl") | map(select(.fd == $a.ret))) as $f |
		 $a.ret >= 0 and $a.ret != $a.fd and ($f | length) == 2'
	jq_ok "the accepted socket did not inherit O_NONBLOCK (Linux)" \
		'(calls("accept")[1].ret) as $s | calls("fcntl") |
		 map(select(.fd == $s and .args.cmd == "F_GETFL"))[0].args.ret_flags |
		 has_flag("O_NONBLOCK") | not'
	jq_ok "recv before any data fails with EAGAIN, after the send it gets \"ping\"" \
		'(calls("accept")[1].ret) as $s | (calls("send")[0]) as $snd |
		 calls("recv") | map(select(.fd == $s)) | length == 2 and
		 .[0].errno == "EAGAIN" and .[0].seq < $snd.seq and
		 .[1].ret == 4 and .[1].args.data == "ping" and .[1].seq > $snd.seq'
fi
done_testing
