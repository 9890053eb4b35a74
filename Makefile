# socklens — top-level Makefile. Each part keeps its rules in its own .mk file.
CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
MANDIR  ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config

# SANITIZE=1 builds everything with ASan+UBSan into a separate tree.
ifeq ($(SANITIZE),1)
BUILD   ?= build-san
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   ?= build
SAN_FLAGS =
endif

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 $(WARN) $(SAN_FLAGS) -MMD -MP
LDFLAGS += $(SAN_FLAGS)

JANSSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)
JANSSON_LIBS   := $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null)
UNWIND_CFLAGS  := $(shell $(PKG_CONFIG) --cflags libunwind 2>/dev/null)
UNWIND_LIBS    := $(shell $(PKG_CONFIG) --libs libunwind 2>/dev/null)

# Parts append to these.
ALL_TARGETS   :=
TEST_DEPS     :=
TEST_DIRS     :=
INSTALL_RULES :=

.PHONY: all test install uninstall clean deps test-deps demo examples bench fuzz
all: deps

include shim/shim.mk
-include viewer/viewer.mk
-include examples/examples.mk
-include tests/tests.mk
-include bench/bench.mk
-include tests/fuzz/fuzz.mk
-include tests/stress/stress.mk

all: $(ALL_TARGETS)

# Missing build packages are installed when running as root, otherwise the exact command is printed.
deps:
	@sh .ci/deps build

test-deps:
	@sh .ci/deps test

# `make test` runs the whole suite on the plain build, then again on the ASan+UBSan build.
# SANITIZE=1 runs only the sanitized suite, SANITIZE=0 only the plain one.
PROVE ?= prove
test: all test-deps $(TEST_DEPS)
	SOCKLENS_BUILD=$(abspath $(BUILD)) $(PROVE) $(PROVE_FLAGS) $(TEST_DIRS)
ifeq ($(SANITIZE),)
	$(MAKE) --no-print-directory SANITIZE=1 test
endif

install: all $(INSTALL_RULES)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/socklens $(DESTDIR)$(LIBDIR)/socklens/libsocklens.so \
		$(DESTDIR)$(MANDIR)/man1/socklens.1
	-rmdir $(DESTDIR)$(LIBDIR)/socklens 2>/dev/null

clean:
	rm -rf build build-san build-clang

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
