#!/usr/bin/env bash
# Tour 4: UDP, unconnected (sendto/recvfrom) then connected (send/recv).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 04-udp

run_plain
grep -q '^client: recv got "pong again"' "$TMP/plain.out"
ok $? "the connected client receives the server's answer"

if run_traced; then
	port=$(sed -n 's/^server: bound to 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$OUT")
	[ -n "$port" ] || port=-1
	jq_ok "two datagram sockets" \
		'calls("socket") | length == 2 and all(.[]; .args.type == "SOCK_DGRAM")'
	jq_ok "the server binds 127.0.0.1 port 0; the client never binds" \
		'calls("bind") | length == 1 and .[0].args.addr.ip == "127.0.0.1" and
		 .[0].args.addr.port == 0'
	jq_ok "the client sendto's \"one\" and \"two\" to the server's port ($port)" \
		"calls(\"sendto\") | map(select(.args.addr.port == $port)) |
		 map(.args.data) == [\"one\", \"two\"]"
	jq_ok "two recvfrom of 3 bytes each: datagram boundaries are kept" \
		'calls("recvfrom") | map(select(.ret == 3)) | map(.args.data) == ["one", "two"]'
	jq_ok "recvfrom names the client's implicit ephemeral port" \
		"calls(\"recvfrom\")[0].args.addr | .ip == \"127.0.0.1\" and .port > 0 and
		 .port != $port"
	jq_ok "the server answers to exactly the address recvfrom gave" \
		'(calls("recvfrom")[0].args.addr) as $c |
		 calls("sendto") | map(select(.args.data == "pong")) |
		 length == 1 and same_addr(.[0].args.addr; $c)'
	jq_ok "connect on the UDP socket succeeds, its local the same ephemeral port" \
		"(calls(\"recvfrom\")[0].args.addr) as \$c | calls(\"connect\") | length == 1 and
		 .[0].ret == 0 and .[0].args.addr.port == $port and same_addr(.[0].args.local; \$c)"
	jq_ok "then send and recv on the connected socket, with no address" \
		'(calls("connect")[0]) as $k |
		 (calls("send") | map(select(.fd == $k.fd))) as $s |
		 (calls("recv") | map(select(.fd == $k.fd))) as $r |
		 ($s | length) == 1 and $s[0].args.data == "ping" and
		 ($s[0].args | has("addr") | not) and $s[0].seq > $k.seq and
		 ($r | length) == 1 and $r[0].ret == 10 and $r[0].args.data == "pong again"'
fi
done_testing
