#!/usr/bin/env bash
# Golden tests: each cases/NAME/*.cmd holds socklens arguments (run inside cases/NAME); the
# exact stdout is in .out, stderr in .err (when present), the exit status in .rc (default 0).
# Every case runs twice, with the jsmn fast path and with jansson alone: both must match.
# SOCKLENS_UPDATE_GOLDEN=1 rewrites the expected files instead (review the diff!).
. "$(dirname "$0")/../lib/tap.sh"
SOCKLENS="$SOCKLENS_BUILD/socklens"
[ -x "$SOCKLENS" ] || skip_all "socklens not built"
export NO_COLOR=1 LC_ALL=C TZ=UTC
for cmd in "$TESTS_DIR"/viewer/cases/*/*.cmd; do
	dir=$(dirname "$cmd")
	name=$(basename "$dir")/$(basename "$cmd" .cmd)
	base=${cmd%.cmd}
	for parser in auto jansson; do
		(cd "$dir" && SOCKLENS_PARSER=$parser eval "\"\$SOCKLENS\" $(cat "$cmd")") \
			>"$TMP/out" 2>"$TMP/err"
		rc=$?
		if [ -n "${SOCKLENS_UPDATE_GOLDEN:-}" ] && [ $parser = auto ]; then
			cp "$TMP/out" "$base.out"
			if [ -s "$TMP/err" ]; then cp "$TMP/err" "$base.err"; else rm -f "$base.err"; fi
			if [ $rc -ne 0 ]; then echo $rc >"$base.rc"; else rm -f "$base.rc"; fi
		fi
		want_rc=0
		[ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
		is "$rc" "$want_rc" "$name ($parser): exit status"
		is_file "$TMP/out" "$base.out" "$name ($parser): stdout"
		if [ -f "$base.err" ]; then
			is_file "$TMP/err" "$base.err" "$name ($parser): stderr"
		else
			is_file "$TMP/err" /dev/null "$name ($parser): nothing on stderr"
		fi
	done
done
done_testing
