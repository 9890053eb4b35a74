#!/usr/bin/env bash
# Tour 6: ECONNREFUSED, EADDRINUSE and EMSGSIZE, each provoked on purpose.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 06-errors

run_plain
if run_traced; then
	jq_ok "connect to a bound but not listening port fails with ECONNREFUSED, no local" \
		'calls("connect") | length == 1 and .[0].ret == -1 and
		 .[0].errno == "ECONNREFUSED" and (.[0].args | has("local") | not) and
		 .[0].args.addr.ip == "127.0.0.1" and .[0].args.addr.port > 0'
	jq_ok "bind to that same port, now listened on, fails with EADDRINUSE" \
		'(calls("connect")[0].args.addr) as $a | calls("bind") |
		 map(select(.errno == "EADDRINUSE")) |
		 length == 1 and same_addr(.[0].args.addr; $a)'
	jq_ok "the listen comes between the refused connect and the failed bind" \
		'(calls("connect")[0].seq) as $c | (calls("listen")[0].seq) as $l |
		 (calls("bind") | map(select(.errno))[0].seq) as $b | $c < $l and $l < $b'
	jq_ok "sendto of 65507 bytes, the most IPv4 carries, succeeds whole" \
		'calls("sendto") | map(select(.args.len == 65507)) | length == 1 and
		 .[0].ret == 65507'
	jq_ok "its recvfrom gets all 65507 bytes; the preview is cut and says so" \
		'calls("recvfrom") | length == 1 and .[0].ret == 65507 and
		 .[0].args.data_trunc == true and (.[0].args.data | length) > 0'
	jq_ok "sendto of 65508 bytes fails with EMSGSIZE" \
		'calls("sendto") | map(select(.args.len == 65508)) | length == 1 and
		 .[0].ret == -1 and .[0].errno == "EMSGSIZE"'
	jq_ok "exactly three calls failed, the three of the lesson" \
		'calls | map(select(.errno) | .errno) | sort ==
		 ["EADDRINUSE", "ECONNREFUSED", "EMSGSIZE"]'
fi
done_testing
