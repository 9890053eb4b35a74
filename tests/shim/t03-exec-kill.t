#!/usr/bin/env bash
# An exec chain keeps one gapless sequence per pid; a SIGKILLed process keeps its last line.
. "$(dirname "$0")/../lib/tap.sh"

cp "$BIN/execchain" "$TMP/execchain"
PATH=$TMP:$PATH timeout 20 env SOCKLENS_OUT="$TMP/exec.jsonl" LD_PRELOAD="$PRELOAD" execchain 8
ok $? "a program that execs itself 8 times (execve, execv, execvp, execl) runs traced"
"$BIN/checktrace" "$TMP/exec.jsonl" > "$TMP/check.txt"
ok $? "seq runs on across every exec without gap" || diag "$(cat "$TMP/check.txt")"
is "$(jq -r 'select(.type == "proc") | .pid' "$TMP/exec.jsonl" | sort -u | wc -l)" 1 "one pid"
is "$(jq -r 'select(.type == "proc") | .seq' "$TMP/exec.jsonl" | tr '\n' ' ')" "0 3 6 9 12 15 18 21 24 " \
	"a proc line for each of the 9 images, at the right places in the sequence"
is "$(jq -r 'select(.call == "socket") | .ret' "$TMP/exec.jsonl" | sort -u)" 3 \
	"the same descriptor number in every image (the trace descriptor is close-on-exec)"
is "$(env SOCKLENS_OUT="$TMP/env.jsonl" LD_PRELOAD="$PRELOAD" sh -c 'exec env' | grep -c SOCKLENS_SEQ)" 0 \
	"SOCKLENS_SEQ does not stay in the environment of the new image"

# Its status is taken by perl, so that no shell reports the kill on the terminal.
st=$(SOCKLENS_OUT="$TMP/killed.jsonl" LD_PRELOAD="$PRELOAD" perl -e 'system(@ARGV); print $? & 127' "$BIN/killed")
is "$st" 9 "the process is killed with SIGKILL right after its call"
is "$(jq -c 'select(.call == "send") | [.ret, .args.data]' "$TMP/killed.jsonl")" '[10,"last words"]' \
	"the call made just before SIGKILL is in the trace"
done_testing
