#!/usr/bin/env bash
# Tour 3: the TCP echo server and its three forked clients.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 03-echo

run_plain
is "$(grep -c '^client [0-9]: got back "hello from client [0-9]"$' "$TMP/plain.out")" 3 \
	"every client gets its line echoed"

if run_traced; then
	jq_ok "three clients, each a forked child of the server" \
		'main_pid as $m | children | length == 3 and all(.[]; .fork_of == $m)'
	jq_ok "the server listens with a backlog of 3" \
		'main_pid as $m | of_pid($m) | calls("listen") |
		 length == 1 and .[0].args.backlog == 3 and .[0].ret == 0'
	jq_ok "the server accepts three times, each time a new descriptor (not the listener)" \
		'main_pid as $m | of_pid($m) | calls("accept") |
		 length == 3 and all(.[]; .ret >= 0 and .ret != .fd and (has("errno") | not))'
	jq_ok "the descriptor accept returned is the one the server then recvs and sends on" \
		'main_pid as $m | of_pid($m) as $s | ($s | calls("accept")) | all(.[];
		 . as $a | ($s | calls | map(select(.seq > $a.seq and .fd == $a.ret))) as $after |
		 ($after | map(.call) | index("recv")) != null and
		 ($after | map(.call) | index("send")) != null)'
	jq_ok "accept's peer (when given) is a client's connect local" \
		'main_pid as $m | (map(select(.pid != $m)) | calls("connect") |
		 map(.args.local)) as $locals | of_pid($m) | calls("accept") |
		 map(select(.args.peer)) | length >= 2 and
		 all(.[]; .args.peer as $p | any($locals[]; same_addr(.; $p)))'
	jq_ok "each client connects, sends its line, then shutdown(SHUT_WR) on that fd" \
		'main_pid as $m | map(select(.pid != $m)) | group_by(.pid) | length == 3 and
		 all(.[]; calls as $c | ($c | map(select(.call == "connect"))[0]) as $k |
		  ($c | map(select(.call == "send"))[0]) as $snd |
		  ($c | map(select(.call == "shutdown"))[0]) as $sh |
		  $k.ret == 0 and $snd.fd == $k.fd and
		  ($snd.args.data | startswith("hello from client ")) and
		  $sh.fd == $k.fd and $sh.args.how == "SHUT_WR" and $sh.ret == 0 and
		  $sh.seq > $snd.seq)'
	jq_ok "each client closes its inherited listening socket first" \
		'main_pid as $m | (of_pid($m) | calls("listen")[0].fd) as $l |
		 map(select(.pid != $m)) | group_by(.pid) |
		 all(.[]; calls[0] | .call == "close" and .fd == $l)'
	# The heart of it: the client's SHUT_WR shows up at the server as recv returning 0.
	jq_ok "on each connection the server's last recv returns 0, after data" \
		'main_pid as $m | of_pid($m) as $s | ($s | calls("accept")) | all(.[];
		 . as $a | ($s | calls | map(select(.seq > $a.seq and .fd == $a.ret))) as $after |
		 ($after | map(select(.call == "close"))[0].seq) as $stop |
		 ($after | map(select(.call == "recv" and .seq < $stop))) as $r |
		 ($r | length) >= 2 and $r[-1].ret == 0 and $r[0].ret > 0)'
	jq_ok "that recv returning 0 ends after the matching client's shutdown(SHUT_WR)" \
		'main_pid as $m | of_pid($m) as $s | map(select(.pid != $m)) as $kids |
		 ($s | calls("accept") | map(select(.args.peer))) | length >= 2 and all(.[];
		 . as $a |
		 ($kids | calls("connect") | map(select(same_addr(.args.local; $a.args.peer)))[0]
		  .pid) as $kid |
		 ($kids | of_pid($kid) | calls("shutdown")[0]) as $sh |
		 ($s | calls("recv") |
		  map(select(.seq > $a.seq and .fd == $a.ret and .ret == 0))[0]) as $eof |
		 $sh.args.how == "SHUT_WR" and $eof.ts_ns + $eof.dur_ns >= $sh.ts_ns)'
	jq_ok "the echo sent back is the line received" \
		'main_pid as $m | of_pid($m) | calls |
		 [.[] | select(.call == "recv" and .ret > 0)] as $in |
		 [.[] | select(.call == "send")] as $out |
		 ($in | length) == ($out | length) and ($in | length) >= 3 and
		 ([$in[].args.data] | sort) == ([$out[].args.data] | sort)'
	jq_ok "each client's own last recv returns 0 when the server closes" \
		'main_pid as $m | map(select(.pid != $m)) | group_by(.pid) |
		 all(.[]; calls("recv") | length >= 2 and .[-1].ret == 0 and .[0].ret > 0)'
	jq_ok "all four processes exit with status 0" \
		'map(select(.type == "exit")) | length == 4 and all(.[]; .status == 0)'
fi
done_testing
