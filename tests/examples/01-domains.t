#!/usr/bin/env bash
# Tour 1: a socket per domain and type; the trace shows each answer, SOCK_RAW included.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
need_example 01-domains

run_plain
if run_traced; then
	for d in AF_INET AF_INET6 AF_UNIX; do
		for t in SOCK_STREAM SOCK_DGRAM SOCK_SEQPACKET SOCK_RAW; do
			jq_ok "socket($d, $t) is traced, with fd and ret the same" \
				"calls(\"socket\") | map(select(.args.domain == \"$d\" and
					.args.type == \"$t\")) |
				 length == 1 and .[0].fd == .[0].ret"
		done
	done
	jq_ok "AF_UNIX stream, datagram and seqpacket sockets all succeed" \
		'calls("socket") | map(select(.args.domain == "AF_UNIX" and
			.args.type != "SOCK_RAW")) | length == 3 and all(.[]; .ret >= 0)'
	jq_ok "SOCK_SEQPACKET over IP is refused with a type/protocol errno, or works (SCTP)" \
		'calls("socket") | map(select(.args.domain != "AF_UNIX" and
			.args.type == "SOCK_SEQPACKET")) | length == 2 and all(.[];
			.ret >= 0 or .errno == "ESOCKTNOSUPPORT" or .errno == "EPROTONOSUPPORT")'
	# The lesson holds for root and for everyone else: the program prints what it got.
	if [ "$(id -u)" = 0 ]; then want='.ret >= 0'; else want='.errno == "EPERM"'; fi
	jq_ok "SOCK_RAW over IP as uid $(id -u): $want" \
		"calls(\"socket\") | map(select(.args.domain != \"AF_UNIX\" and
			.args.type == \"SOCK_RAW\")) | length == 2 and all(.[]; $want)"
	jq_ok "descriptors are reused: every successful socket got the same lowest fd" \
		'calls("socket") | map(select(.ret >= 0) | .fd) | unique | length == 1'
	jq_ok "type flags are decoded: SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC" \
		'calls("socket") | map(select(.args.type | has_flag("SOCK_NONBLOCK") and
			has_flag("SOCK_CLOEXEC") and has_flag("SOCK_STREAM"))) | length == 1'
	jq_ok "every socket is closed again" \
		'(calls("socket") | map(select(.ret >= 0)) | length) ==
		 (calls("close") | length)'
	grep -q 'AF_INET  SOCK_RAW .*-> ' "$OUT"
	ok $? "the program prints what SOCK_RAW answered"
fi

# As root, also show the unprivileged answer: run once more as nobody.
if [ "$(id -u)" = 0 ] && [ -f "$SHIM" ] && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$EXAMPLE" -a -r "$SHIM"; then
	mkdir -m 777 "$TMP/nobody" && chmod 711 "$TMP"
	# env runs as nobody too, so the trace file is nobody's own from the start.
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		env SOCKLENS_OUT="$TMP/nobody/trace.jsonl" LD_PRELOAD="$SHIM" "$EXAMPLE" \
		> "$TMP/nobody/out" 2>&1
	is "$?" 0 "01-domains exits 0 as an unprivileged user"
	TRACE="$TMP/nobody/trace.jsonl"
	jq_ok "SOCK_RAW over IP as an unprivileged user fails with EPERM" \
		'calls("socket") | map(select(.args.domain != "AF_UNIX" and
			.args.type == "SOCK_RAW")) | length == 2 and all(.[]; .errno == "EPERM")'
	grep -q 'AF_INET  SOCK_RAW .*EPERM' "$TMP/nobody/out"
	ok $? "and says so on its output"
else
	_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP not root, no setpriv, or no shim"
fi
done_testing
