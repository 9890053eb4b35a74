#!/usr/bin/env bash
# The man page renders without a warning, and make install / uninstall put socklens and
# socklens.1 where PREFIX and DESTDIR say.
. "$(dirname "$0")/../lib/tap.sh"
[ -x "$SOCKLENS_BUILD/socklens" ] || skip_all "socklens not built"
if command -v groff >/dev/null; then
	is "$(groff -man -ww -z "$TOP_DIR/viewer/socklens.1" 2>&1)" "" "socklens.1 renders without warnings"
fi
D="$TMP/root"
make -s -C "$TOP_DIR" BUILD="$SOCKLENS_BUILD" PREFIX=/usr DESTDIR="$D" install-viewer >"$TMP/log" 2>&1
is "$?" 0 "make install-viewer"
[ -x "$D/usr/bin/socklens" ]; ok $? "socklens in \$DESTDIR\$PREFIX/bin"
is "$(stat -c %a "$D/usr/share/man/man1/socklens.1" 2>/dev/null)" 644 "socklens.1 in man1, mode 644"
is "$("$D/usr/bin/socklens" --version)" "socklens 0.1 (trace format 1)" "the installed socklens runs"
make -s -C "$TOP_DIR" BUILD="$SOCKLENS_BUILD" PREFIX=/usr DESTDIR="$D" uninstall-viewer >>"$TMP/log" 2>&1
[ ! -e "$D/usr/bin/socklens" ] && [ ! -e "$D/usr/share/man/man1/socklens.1" ]; ok $? "make uninstall-viewer removes both"
done_testing
