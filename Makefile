# iracer: build, test and install. `make` builds; `make check` is the test command.
VERSION = 0.1.0

PREFIX ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/iracer
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla
ALL_CPPFLAGS = -D_GNU_SOURCE -DIRACER_VERSION='"$(VERSION)"' $(CPPFLAGS)
ALL_CFLAGS = $(WARNINGS) $(CFLAGS)

# `make SAN=1` builds the AddressSanitizer + UBSan variant beside the normal one.
ifeq ($(SAN),1)
OUT ?= bin/asan
OBJ ?= build/asan
ALL_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LDFLAGS = -fsanitize=address,undefined
else
OUT ?= bin
OBJ ?= build/obj
endif

# A program is src/iracer-*.c or src/ws-bridge.c; every other src/*.c is a shared module.
PROGS = $(sort $(basename $(notdir $(wildcard src/iracer-*.c src/ws-bridge.c))))
MAINS = $(addprefix src/,$(addsuffix .c,$(PROGS)))
MODULES = $(filter-out $(MAINS),$(wildcard src/*.c))
# ws-bridge's wrappers of libc and OpenSSL functions (recv, SSL_read, poll,
# close): linked into ws-bridge alone, never into the archive, from which any
# program that calls poll(2) would pull them.
WRAPPERS = src/wsguard.c src/wspoll.c
WRAPPER_OBJS = $(patsubst src/%.c,$(OBJ)/%.o,$(WRAPPERS))
MODULE_OBJS = $(patsubst src/%.c,$(OBJ)/%.o,$(filter-out $(WRAPPERS),$(MODULES)))
SCRIPTS = $(filter-out %.jq %.md,$(wildcard scripts/iracer-*))
# What `make fmt` formats and `make lint` checks.
FMT_FILES = $(wildcard src/*.c src/*.h tests/fuzz/*.c)

LIBS_iracer-send = -lbluetooth
LIBS_iracer-sim = -lbluetooth
LIBS_ws-bridge = -lwebsockets -lssl -lcrypto
OBJS_ws-bridge = $(WRAPPER_OBJS)

# Debian packages, by what needs them (tools/install-deps installs the missing ones).
DEPS_BUILD = gcc make pkg-config libc6-dev libbluetooth-dev libwebsockets-dev
DEPS_TEST = bats bats-assert bats-support jq socat python3 python3-websockets mandoc nodejs \
	shellcheck libxml2-utils openssl procps psmisc util-linux curl valgrind clang-format \
	qrencode zbar-tools strace iproute2
DEPS_DEMO = jq
DEPS_FUZZ = clang libclang-rt-14-dev
DEPS_BENCH = websocketd python3-websockets procps util-linux jq
# The browser test needs these commands; they are installed only when missing (by
# command, not package: a node from elsewhere, e.g. NodeSource, already has npm).
DEPS_E2E = chromium nodejs npm nginx
# The Bluetooth VM test (tests/vm): QEMU, initramfs tools, BlueZ's btvirt.
DEPS_VM = qemu-system-x86 busybox-static cpio kmod xz-utils bluez bluez-test-tools bluez-tools dbus

BATS = tools/run-bats

# Every target that names no file. Only the deps* targets install packages; the
# others depend on the one they need.
.PHONY: all check test deps lint install uninstall clean fmt demo check-vm deps-vm valgrind \
	bench deps-bench deps-demo hooks
# keep object files between builds (they are intermediate in the pattern chain)
.SECONDARY:

all: $(addprefix $(OUT)/,$(PROGS)) $(OUT)/test-policy $(OUT)/test-wsring

# Unit tests of the pure modules (tests/unit/test-NAME.c), run from bats.
$(OUT)/test-%: tests/unit/test-%.c tests/unit/check.h $(OBJ)/libiracer.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Isrc $(ALL_CFLAGS) $(LDFLAGS) $(SAN_LDFLAGS) -o $@ $< $(OBJ)/libiracer.a -lm

$(OBJ)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(OBJ)/libiracer.a: $(MODULE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(OUT)/ws-bridge: $(WRAPPER_OBJS)
$(OUT)/%: $(OBJ)/%.o $(OBJ)/libiracer.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(SAN_LDFLAGS) -o $@ $< $(OBJS_$*) $(OBJ)/libiracer.a $(LIBS_$*) -lm

-include $(wildcard $(OBJ)/*.d)

deps:
	@tools/install-deps $(DEPS_BUILD) $(DEPS_TEST)

# The test command: install what is missing, build with warnings as errors, lint,
# run the suite, then run the same suite again on the sanitizer build.
check: deps
	$(MAKE) all
	$(MAKE) lint
	IRACER_BIN=$(CURDIR)/bin $(BATS) tests
	$(MAKE) SAN=1 all
	IRACER_BIN=$(CURDIR)/bin/asan \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86 \
	$(BATS) tests
	$(MAKE) e2e
	@if [ -n "$${CI:-}" ] || $(MAKE) -s deps-vm; then $(MAKE) check-vm; \
	else echo "check: skipping check-vm: cannot install $(DEPS_VM)"; fi
	@if [ -n "$${CI:-}" ] || $(MAKE) -s deps-deb; then $(MAKE) check-deb; \
	else echo "check: skipping check-deb: cannot install $(DEPS_DEB)"; fi

# Real RFCOMM: boot Debian's kernel under QEMU with two btvirt controllers (tests/vm).
check-vm: deps-vm
	$(MAKE) all
	tests/vm/build $(CURDIR)/bin
	$(BATS) tests/vm/vm.bats tests/vm/pair.bats

deps-vm:
	@tools/install-deps $(DEPS_VM)

test: all
	IRACER_BIN=$(CURDIR)/bin $(BATS) tests

# memcheck over the suite's core cases (also part of `make check`, normal build only)
valgrind: deps all
	IRACER_BIN=$(CURDIR)/bin $(BATS) tests/80-valgrind.bats

# every benchmark in one go, one Markdown table with the machine described
bench: deps-bench all e2e-deps
	IRACER_BIN=$(CURDIR)/bin bench/run

deps-bench:
	@tools/install-deps $(DEPS_BUILD) $(DEPS_BENCH)

# The fast checks, also run by the pre-commit hook (make hooks): man pages, shell,
# C formatting (`make fmt` fixes it), and nothing stray in the tree.
lint:
	@for m in $(wildcard man/*.[1-9]); do mandoc -Tlint -W warning "$$m" || exit 1; done
	shellcheck -x $(SCRIPTS) tools/install-deps tools/run-fuzz tools/run-bats tools/check-tree \
		tools/pre-commit .ci/run $(wildcard tests/*.bash) \
		$(wildcard bench/run bench/web-stop bench/ws-bridge bench/phone bench/lockout) \
		tests/vm/build tests/vm/boot tests/vm/init tests/vm/service-build tests/vm/service-test \
		tools/cross-sysroot debian/iracer.postrm
	clang-format --dry-run -Werror $(FMT_FILES)
	tools/check-tree

# Install tools/pre-commit as this clone's git pre-commit hook.
hooks:
	ln -sf "$(CURDIR)/tools/pre-commit" "$$(git rev-parse --git-path hooks)/pre-commit"

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man7 \
		$(DESTDIR)$(DATADIR)
	for p in $(PROGS); do install -m 755 bin/$$p $(DESTDIR)$(PREFIX)/bin/$$p; done
	for s in $(SCRIPTS); do sed 's/@VERSION@/$(VERSION)/' $$s >$(DESTDIR)$(PREFIX)/bin/$${s##*/} && \
		chmod 755 $(DESTDIR)$(PREFIX)/bin/$${s##*/}; done
	for m in man/*.1; do install -m 644 $$m $(DESTDIR)$(MANPREFIX)/man1/; done
	for m in man/*.7; do install -m 644 $$m $(DESTDIR)$(MANPREFIX)/man7/; done
	if [ -f scripts/json2cmd.jq ]; then install -m 644 scripts/json2cmd.jq $(DESTDIR)$(DATADIR)/; fi
	if [ -d scripts/routes ]; then mkdir -p $(DESTDIR)$(DATADIR)/routes && \
		install -m 755 scripts/routes/* $(DESTDIR)$(DATADIR)/routes/; fi
	if [ -d www ] && [ -n "$$(ls www)" ]; then mkdir -p $(DESTDIR)$(DATADIR)/www && \
		cp -R www/. $(DESTDIR)$(DATADIR)/www/; fi

uninstall:
	for p in $(PROGS) $(notdir $(SCRIPTS)); do rm -f $(DESTDIR)$(PREFIX)/bin/$$p; done
	for m in man/*.[1-9]; do rm -f $(DESTDIR)$(MANPREFIX)/man$${m##*.}/$$(basename $$m); done
	rm -rf $(DESTDIR)$(DATADIR)

fmt:
	clang-format -i $(FMT_FILES)

# The README's first command: what is missing gets installed, the programs built,
# and the web controller started on the simulator (DEMO_ARGS="-p 9000" and so on).
DEMO_ARGS ?=
demo: deps-demo
	$(MAKE) all
	@echo "make demo: open the URL below in a browser; Ctrl-C stops the car and quits"
	scripts/iracer-drive $(DEMO_ARGS) $(if $(CAR),$(CAR),--sim)

deps-demo:
	@tools/install-deps $(DEPS_BUILD) $(DEPS_DEMO)

# The browser test: headless Debian chromium driven by playwright-core from npm,
# against iracer-drive --sim. Screenshots go to tests/out/shots.
.PHONY: e2e e2e-deps
e2e-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	[ -z "$$missing" ] || tools/install-deps $$missing
	@[ -d tests/e2e/node_modules/playwright-core ] || \
		(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)

e2e: all e2e-deps
	cd tests/e2e && node --test logic.test.mjs
	cd tests/e2e && IRACER_BIN=$(CURDIR)/bin node drive.test.mjs --shots $(CURDIR)/tests/out/shots
	cd tests/e2e && IRACER_BIN=$(CURDIR)/bin node record.test.mjs --shots $(CURDIR)/tests/out/shots
	cd tests/e2e && IRACER_BIN=$(CURDIR)/bin node phone.test.mjs --shots $(CURDIR)/tests/out/shots
	cd tests/e2e && IRACER_BIN=$(CURDIR)/bin node security.test.mjs

clean:
	rm -rf bin build

# Fuzzing: every tests/fuzz/fuzz-NAME.c is a libFuzzer harness over the shared modules,
# seeded from tests/fuzz/corpus/NAME/. `make fuzz FUZZ_SECONDS=600` for a long run.
FUZZERS = $(basename $(notdir $(wildcard tests/fuzz/fuzz-*.c)))
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

.PHONY: fuzz fuzz-build deps-fuzz
fuzz-build: deps-fuzz $(addprefix build/fuzz/,$(FUZZERS))

deps-fuzz:
	@tools/install-deps $(DEPS_FUZZ)

# (not wspoll.c, ws-bridge's poll(2) and close(2), which no harness calls)
FUZZ_MODULES = $(filter-out src/wspoll.c,$(MODULES))
build/fuzz/%: tests/fuzz/%.c $(FUZZ_MODULES) $(wildcard src/*.h)
	@mkdir -p $(@D)
	clang $(ALL_CPPFLAGS) -Isrc $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_MODULES) -lbluetooth -lwebsockets -lssl -lcrypto -lm

# then the network-level fuzz of ws-bridge (tests/fuzz/ws-netfuzz) on the ASan build
fuzz: fuzz-build
	tools/run-fuzz $(FUZZ_SECONDS) $(FUZZERS)
	$(MAKE) SAN=1 all
	tests/fuzz/ws-netfuzz --bin bin/asan --seconds $(FUZZ_SECONDS)

# ---- Debian package (debian/) ----
# `make deb` builds build/iracer_VERSION_ARCH.deb with dpkg-buildpackage from a copy of
# the tree (dpkg-buildpackage writes beside the source directory); `make deb ARCH=arm64`
# cross-builds (armhf works the same way), with the target's -dev headers from
# tools/cross-sysroot.
# `make check-deb` installs the package and tests it (tests/85-deb.bats, root only), boots
# it in a Debian 12 VM under systemd to test the service (tests/vm/service.bats), then
# cross-builds CROSS_ARCH (arm64) and runs those binaries under qemu-user
# (tests/86-deb-cross.bats).
HOST_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
ARCH ?= $(HOST_ARCH)
CROSS_ARCH ?= arm64
DEPS_DEB = debhelper lintian dpkg-dev fakeroot file curl
# The service under a real systemd (tests/vm/service.bats): a Debian 12 root by mmdebstrap.
DEPS_SERVICE = mmdebstrap $(DEPS_VM)
DEB_FILE = build/iracer_$(VERSION)_$(ARCH).deb
DEB_SRC = build/deb-$(ARCH)/iracer-$(VERSION)
.PHONY: deb check-deb deps-deb
deps-deb:
	@tools/install-deps $(DEPS_DEB) $(DEPS_BUILD)

deb: deps-deb
	rm -rf build/deb-$(ARCH)
	mkdir -p $(DEB_SRC)
	@# the files git knows or would add (not build/, bin/, node_modules); all but those without git
	if git rev-parse --git-dir >/dev/null 2>&1; then \
		(git ls-files --cached --others --exclude-standard; git ls-files --deleted) | \
			sort | uniq -u | tar -c -T - | tar -x -C $(DEB_SRC); \
	else \
		tar -c --exclude=./build --exclude=./bin --exclude=./tests/vm/work \
			--exclude=./tests/e2e/node_modules . | tar -x -C $(DEB_SRC); \
	fi
ifeq ($(ARCH),$(HOST_ARCH))
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
else
	tools/cross-sysroot $(ARCH) build/sysroot-$(ARCH)
	cd $(DEB_SRC) && IRACER_SYSROOT=$(CURDIR)/build/sysroot-$(ARCH) DEB_BUILD_OPTIONS=nocheck \
		CC=$(shell dpkg-architecture -a$(ARCH) -qDEB_HOST_GNU_TYPE 2>/dev/null)-gcc \
		dpkg-buildpackage -b -us -uc -a$(ARCH) -d
endif
	mv build/deb-$(ARCH)/iracer_$(VERSION)_$(ARCH).deb $(DEB_FILE)
	lintian --fail-on error $(DEB_FILE)
	@echo "deb: $(DEB_FILE)"
# The host's package is installed (root only: the test skips otherwise); the cross part
# needs root too (tools/cross-sysroot adds the architecture and its runtime libraries).
check-deb: deps-deb
	$(MAKE) all
	$(MAKE) deb ARCH=$(HOST_ARCH)
	IRACER_DEB=$(CURDIR)/build/iracer_$(VERSION)_$(HOST_ARCH).deb $(BATS) tests/85-deb.bats
	@if [ "$$(id -u)" -ne 0 ]; then \
		echo "check-deb: skipping the service VM: mmdebstrap needs root"; \
	elif tools/install-deps $(DEPS_SERVICE); then \
		{ [ -f tests/vm/work/vmlinuz ] || tests/vm/build $(CURDIR)/bin; } && \
		tests/vm/service-build build/iracer_$(VERSION)_$(HOST_ARCH).deb && \
		$(BATS) tests/vm/service.bats; \
	else \
		echo "check-deb: skipping the service VM: cannot install $(DEPS_SERVICE)"; \
	fi
	@if [ "$$(id -u)" -ne 0 ]; then \
		echo "check-deb: skipping the $(CROSS_ARCH) cross-build: tools/cross-sysroot needs root"; \
	else \
		$(MAKE) deb ARCH=$(CROSS_ARCH) && \
		IRACER_DEB_CROSS=$(CURDIR)/build/iracer_$(VERSION)_$(CROSS_ARCH).deb \
		$(BATS) tests/86-deb-cross.bats; \
	fi
