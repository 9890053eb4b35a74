#!/usr/bin/env bash
# view --html in a real browser: headless Chromium loads the page, its script draws the lanes
# and marks the body data-socklens="ok"; no script error, no network resource, and the
# trace's hostile strings stay text.
. "$(dirname "$0")/../lib/tap.sh"
S="$SOCKLENS_BUILD/socklens"
[ -x "$S" ] || skip_all "socklens not built"
CHROMIUM=$(command -v chromium || command -v chromium-browser)
[ -n "$CHROMIUM" ] || skip_all "chromium not installed"
CASES="$TESTS_DIR/viewer/cases"

# A trace whose strings try to break out of the page.
cat >"$TMP/hostile.jsonl" <<'TRACE'
{"v":1,"type":"proc","pid":9,"tid":9,"seq":0,"ts_ns":1000000,"ppid":1,"exe":"</script><script>document.body.dataset.socklens='pwned'</script>","argv":["<img src=x onerror=alert(1)>"]}
{"v":1,"type":"call","pid":9,"tid":9,"seq":1,"ts_ns":2000000,"call":"socket","fd":3,"ret":3,"dur_ns":10,"args":{"domain":"AF_UNIX","type":"SOCK_STREAM","protocol":0}}
{"v":1,"type":"call","pid":9,"tid":9,"seq":2,"ts_ns":3000000,"call":"connect","fd":3,"ret":0,"dur_ns":10,"args":{"addr":{"family":"AF_UNIX","path":"<b id=\"injected\">x</b>\u2028"}}}
{"v":1,"type":"call","pid":9,"tid":9,"seq":3,"ts_ns":4000000,"call":"send","fd":3,"ret":5,"dur_ns":10,"args":{"len":5,"data":"</script>"}}
TRACE

browse() { # browse PAGE: the DOM after the scripts ran, in $TMP/dom; console output in $TMP/log
	local profile
	profile=$(mktemp -d "$TMP/chromium.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --enable-logging=stderr --v=0 --virtual-time-budget=5000 \
		--dump-dom "file://$1" >"$TMP/dom" 2>"$TMP/log"
}

for c in server-client:7 bad-input:1 lifetimes:9 hostile:1; do
	name=${c%:*} lanes=${c#*:}
	input="$CASES/$name/input.jsonl"
	[ "$name" = hostile ] && input="$TMP/hostile.jsonl"
	"$S" view --html "$TMP/$name.html" "$input" 2>/dev/null
	grep -Eo '(src|href)="?[a-z]+://' "$TMP/$name.html" >"$TMP/urls"
	is "$(cat "$TMP/urls")" "" "$name: the page loads nothing from anywhere"
	browse "$TMP/$name.html"
	grep -q 'data-socklens="ok"' "$TMP/dom"; ok $? "$name: the page's script ran to the end"
	is "$(grep -o 'data-lanes="[0-9]*"' "$TMP/dom")" "data-lanes=\"$lanes\"" "$name: $lanes lanes in the data"
	is "$(grep -o '<g class="lane"' "$TMP/dom" | wc -l)" "$lanes" "$name: $lanes lanes drawn"
	grep -Ei 'Uncaught|SyntaxError|TypeError|ReferenceError' "$TMP/log" >"$TMP/errs"
	is "$(cat "$TMP/errs")" "" "$name: no script errors"
done
# The page reacts: clicking a call shows its details and keeps it selected, zooming moves the axis.
browse "$TMP/server-client.html#selftest"
grep -q 'data-selftest="ok"' "$TMP/dom"; ok $? "server-client: a click shows a call's details, zoom changes the range"
browse "$TMP/hostile.html"
grep -q '<b id="injected"' "$TMP/dom"; ok $((! $?)) "hostile: markup in a path stays text"
grep -q '&lt;b id="injected"&gt;' "$TMP/dom"; ok $? "hostile: ... and is shown as such"
grep -q '<img' "$TMP/dom"; ok $((! $?)) "hostile: markup in argv stays text"
grep -q 'pwned' "$TMP/dom"; ok $((! $?)) "hostile: </script> in a string does not end the script"
done_testing
