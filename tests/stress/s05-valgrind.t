#!/usr/bin/env bash
# valgrind memcheck on the viewer over the fixtures: view, view --lane, stats, export and
# view --html read the viewer's test cases and a recorded trace (with backtraces) with
# no memory error and no leak (definite or indirect). valgrind's own exit status is 99, so
# that socklens's 1 (bad lines skipped, as in the bad-input case) stays its own.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
command -v valgrind > /dev/null || skip_all "valgrind not installed (make test-deps)"
[ -x "$SOCKLENS" ] || skip_all "socklens not built"
case $SOCKLENS_BUILD in
*-san) skip_all "valgrind cannot run the ASan build; the plain suite runs this test" ;;
esac
export NO_COLOR=1

memcheck() { # memcheck WANT-STATUS NAME ARGS…: socklens ARGS under memcheck
	local want=$1 name=$2; shift 2
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--log-file="$TMP/vg.log" "$SOCKLENS" "$@" > /dev/null 2> "$TMP/err"
	local st=$?
	is "$st" "$want" "$name: socklens $1 exits $want, memcheck finds nothing" ||
		diag "$(grep -v '^==[0-9]*== *$' "$TMP/vg.log" | head -40)"
}

C=$TESTS_DIR/viewer/cases
memcheck 0 empty stats "$C/empty/empty.jsonl"
for input in "bad-input:$C/bad-input/input.jsonl" "lifetimes:$C/lifetimes/input.jsonl" \
	"merge:$C/merge/client.jsonl $C/merge/server.jsonl" "server-client:$C/server-client/input.jsonl" \
	"03-echo:$TESTS_DIR/fuzz/corpus/03-echo.jsonl"; do
	name=${input%%:*}
	read -r -a files <<< "${input#*:}"
	want=0
	[ "$name" = bad-input ] && want=1
	memcheck $want "$name" view --width 100 "${files[@]}"
	memcheck $want "$name" view --lane 1 --lane 2 --lane 3 "${files[@]}"
	memcheck $want "$name" stats "${files[@]}"
	memcheck $want "$name" export --format chrome -o "$TMP/chrome.json" "${files[@]}"
	memcheck $want "$name" view --html "$TMP/page.html" "${files[@]}"
done
# The reference parser on the damaged input.
memcheck 1 "bad-input (jansson)" view --parser jansson --width 100 "$C/bad-input/input.jsonl"
memcheck 1 "bad-input (jansson)" stats --parser jansson "$C/bad-input/input.jsonl"
done_testing
