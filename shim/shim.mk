# The preloaded library: build/libsocklens.so. Only the interposed calls are exported.
SHIM_SRCS := $(wildcard shim/*.c)
SHIM_OBJS := $(SHIM_SRCS:shim/%.c=$(BUILD)/shim/%.o)
SHIM_LIB  := $(BUILD)/libsocklens.so

ALL_TARGETS   += $(SHIM_LIB)
INSTALL_RULES += install-shim

$(BUILD)/shim/%.o: shim/%.c | $(BUILD)/shim
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden $(UNWIND_CFLAGS) -c -o $@ $<

$(SHIM_LIB): $(SHIM_OBJS)
	$(CC) -shared -o $@ $^ $(LDFLAGS) -Wl,-z,now -Wl,--no-undefined $(UNWIND_LIBS) -ldl -lpthread

$(BUILD)/shim:
	mkdir -p $@

install-shim: $(SHIM_LIB)
	install -d $(DESTDIR)$(LIBDIR)/socklens
	install -m 0644 $(SHIM_LIB) $(DESTDIR)$(LIBDIR)/socklens/libsocklens.so
