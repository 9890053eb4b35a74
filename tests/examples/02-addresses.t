#!/usr/bin/env bash
# Tour 2: address conversions, and the sockaddr each bind, connect and accept shows.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 02-addresses

run_plain
grep -q '"2001:db8::1"' "$TMP/plain.out"
ok $? "inet_ntop gives the canonical spelling back"
grep -q 'inet_pton(AF_INET, "256.1.1.1") = 0' "$TMP/plain.out"
ok $? "inet_pton rejects a non-address with 0"

if run_traced; then
	jq_ok "inet_pton/inet_ntop are library functions: not in the trace" \
		'calls | all(.[]; .call | test("^inet_") | not)'
	for fam in AF_INET:127.0.0.1 AF_INET6:::1; do
		f=${fam%%:*} ip=${fam#*:}
		# A machine without IPv6 says so at bind; the example goes on, and so do we.
		if grep -q "^bind(\[\{0,1\}$ip\]\{0,1\}:0): .*skipping" "$OUT"; then
			_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP no $f loopback here"
			continue
		fi
		port=$(sed -n "s/^listening on *\[\{0,1\}${ip}\]\{0,1\}:\([0-9]*\)$/\1/p" "$OUT")
		[ -n "$port" ] || port=-1
		jq_ok "$f: bind's addr is $ip port 0" \
			"calls(\"bind\") | map(select(.args.addr.family == \"$f\")) |
			 length == 1 and .[0].ret == 0 and .[0].args.addr.ip == \"$ip\" and
			 .[0].args.addr.port == 0"
		jq_ok "$f: connect's addr is the port the kernel chose ($port)" \
			"calls(\"connect\") | map(select(.args.addr.family == \"$f\")) |
			 length == 1 and .[0].ret == 0 and .[0].args.addr.ip == \"$ip\" and
			 .[0].args.addr.port == $port"
		jq_ok "$f: connect's local is an ephemeral port on $ip" \
			"calls(\"connect\") | map(select(.args.addr.family == \"$f\")) |
			 .[0].args.local | .ip == \"$ip\" and .port > 0 and .port != $port"
		jq_ok "$f: accept's peer is exactly the client's local, its local the listener" \
			"(calls(\"connect\") | map(select(.args.addr.family == \"$f\"))[0].args)
			  as \$c |
			 calls(\"accept\") | map(select(.args.peer.family == \"$f\")) |
			 length == 1 and .[0].ret >= 0 and same_addr(.[0].args.peer; \$c.local) and
			 same_addr(.[0].args.local; \$c.addr)"
	done
fi
done_testing
