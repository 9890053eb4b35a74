# viewer: the `socklens` command (record, view, stats, export) and its man page.
VIEWER_SRCS := $(wildcard viewer/*.c)
VIEWER_OBJS := $(VIEWER_SRCS:viewer/%.c=$(BUILD)/viewer/%.o)
SOCKLENS_LIBEXEC ?= $(LIBDIR)/socklens
VIEWER_CFLAGS = -D_GNU_SOURCE -pthread $(JANSSON_CFLAGS) -DSOCKLENS_SHIM_INSTALLED='"$(SOCKLENS_LIBEXEC)/libsocklens.so"'

$(BUILD)/viewer/%.o: viewer/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(VIEWER_CFLAGS) -c -o $@ $<

# The page's script is a file of its own, assembled into the binary with .incbin.
$(BUILD)/viewer/render_html_app.o: viewer/render_html_app.html
$(BUILD)/viewer/render_html_app.o: VIEWER_CFLAGS += -DSOCKLENS_HTML_APP='"$(abspath viewer/render_html_app.html)"'

$(BUILD)/socklens: $(VIEWER_OBJS)
	$(CC) $(LDFLAGS) -pthread -o $@ $(VIEWER_OBJS) $(JANSSON_LIBS)

# A generator of synthetic traces, for the benchmark and the performance tests.
$(BUILD)/socklens-gen-trace: viewer/gen/gen-trace.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

ALL_TARGETS += $(BUILD)/socklens $(BUILD)/socklens-gen-trace
TEST_DEPS += $(BUILD)/socklens $(BUILD)/socklens-gen-trace
TEST_DIRS += tests/viewer
INSTALL_RULES += install-viewer

.PHONY: install-viewer uninstall-viewer
install-viewer: $(BUILD)/socklens
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/socklens $(DESTDIR)$(BINDIR)/socklens
	install -m 644 viewer/socklens.1 $(DESTDIR)$(MANDIR)/man1/socklens.1

uninstall-viewer:
	rm -f $(DESTDIR)$(BINDIR)/socklens $(DESTDIR)$(MANDIR)/man1/socklens.1
uninstall: uninstall-viewer
