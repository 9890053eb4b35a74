#!/usr/bin/env bash
# Tour 5: UNIX-domain sockets on a path, on an abstract name, and socketpair.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 05-unix

run_plain
is "$(grep -c 'server received "hi"' "$TMP/plain.out")" 2 "both servers receive the client's line"

if run_traced; then
	jq_ok "a stream server bound to a path in a temporary directory" \
		'calls("bind") | map(select(.args.addr.family == "AF_UNIX" and
		 (.args.addr.abstract | not))) | length == 1 and .[0].ret == 0 and
		 (.[0].args.addr.path | test("^/tmp/socklens-tour\\.[^/]+/echo\\.sock$"))'
	jq_ok "a stream server bound to the abstract name socklens-tour-PID" \
		'main_pid as $m | calls("bind") | map(select(.args.addr.abstract == true)) |
		 length == 1 and .[0].ret == 0 and .[0].args.addr.family == "AF_UNIX" and
		 .[0].args.addr.path == "socklens-tour-\($m)"'
	jq_ok "the clients connect to those very addresses" \
		'[calls("bind")[].args.addr] == [calls("connect")[].args.addr]'
	jq_ok "each accepted peer is unnamed: the client never bound" \
		'calls("accept") | length == 2 and
		 all(.[]; .ret >= 0 and .args.peer.family == "AF_UNIX" and
		  .args.peer.unnamed == true)'
	jq_ok "socketpair returns both descriptors in sv, fd being the first" \
		'calls("socketpair") | length == 1 and .[0].ret == 0 and
		 .[0].args.domain == "AF_UNIX" and (.[0].args.sv | length) == 2 and
		 .[0].fd == .[0].args.sv[0]'
	jq_ok "the child closes sv[0] and talks on sv[1]; the parent the other way round" \
		'main_pid as $m | (calls("socketpair")[0]) as $p | $p.args.sv as $sv |
		 (children[0].pid) as $k | (of_pid($k) | calls) as $kc |
		 (of_pid($m) | calls | map(select(.seq > $p.seq))) as $mc |
		 ($kc[0].call == "close" and $kc[0].fd == $sv[0]) and
		 ($kc | map(select(.call == "recv"))[0] | .fd == $sv[1] and
		  .args.data == "hello child") and
		 ($mc | map(select(.call == "close" and .fd == $sv[1])) | length == 1) and
		 ($mc | map(select(.call == "recv" and .fd == $sv[0]))[0].args.data ==
		  "hello parent")'
	path=$(jq_val 'calls("bind") | map(select(.args.addr.abstract | not))[0].args.addr.path')
	[ -n "$path" ] && [ "$path" != null ] && [ ! -e "$path" ] && [ ! -e "${path%/*}" ]
	ok $? "the socket file and its directory are gone after the run"
fi
done_testing
