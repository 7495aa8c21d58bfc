# ufetch: see README for the two commands that matter (build, test).
#
#   make               ./ufetch: the static musl build where musl-gcc is
#                      found, else (or with DYNAMIC=1) the dynamic link
#   make check         unit and integration tests (warnings are errors),
#                      the latter against ./ufetch and the dynamic link
#   make check-dynamic the integration tests against build/dynamic/ufetch,
#                      the dynamic link against the system's C library
#   make check SANITIZE=1
#                      everything rebuilt with ASan and UBSan in build/san
#   make memcheck      the integration tests with the dynamic link under
#                      valgrind
#   make fuzz [FUZZ_SECONDS=N]
#                      every libFuzzer target for N seconds (clang)
#   make install [DESTDIR=...] [PREFIX=/usr/local] [BINDIR=...]
#                [MANDIR=...] [WGET_LINK=1]
#   make uninstall     the same variables
#   make dist          ufetch-VERSION.tar.gz; make distcheck builds and
#                      tests what it holds
#
# CC, CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS may be set on the command
# line or in the environment; what the build itself needs is added
# separately, and the user's flags come last, in the static build too.
# Warnings are errors only in make check's warnings pass, never in a
# build users make. Out of tree: mkdir b && cd b && make -f ../Makefile
# check

# The source tree is where this Makefile is; outputs go to the current
# directory.
S	:= $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
# Only sources are looked for there: a target found in the source tree
# would count as built here.
vpath %.c $(S)

VERSION	:= $(shell sed -n 's/^\#define UFETCH_VERSION[^"]*"\(.*\)"/\1/p' \
	   $(S)/src/ufetch.h)

CC	?= cc
# The static build takes only the user's CFLAGS, not the dynamic
# build's default -O2 -g, which would undo its -Oz.
USER_CFLAGS := $(if $(filter command environment override, \
	       $(firstword $(origin CFLAGS))),$(CFLAGS))
CFLAGS	?= -O2 -g
WARN	= -Wall -Wextra
UF_CPPFLAGS = -D_GNU_SOURCE -I$(S)/src

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
INSTALL	?= install

# Each configuration builds into its own directory, so that objects of
# the sanitized build never mix with the normal ones. DYN is the
# dynamic link against the system's C library; BIN is what make check
# tests: ./ufetch, or the sanitized dynamic link.
ifeq ($(SANITIZE),1)
B	= build/san
SAN	= -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer
BIN	= $(B)/ufetch
DYN	= $(BIN)
else
B	= build
SAN	=
BIN	= ufetch
DYN	= $(B)/dynamic/ufetch
endif

UF_CFLAGS = -std=c11 $(WARN) $(UF_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) $(SAN)

# Paths relative to the source tree ($(S)), found there through VPATH.
LIB_SRC	= src/arena.c src/err.c src/fmt.c src/date.c src/url.c src/http.c \
	  src/net.c \
	  src/out.c src/der.c src/trust.c src/ghash.c src/x509.c src/x509msg.c \
	  src/tlscache.c src/tls12.c src/hkdf.c src/pss.c src/aead.c \
	  src/tls13msg.c src/tls13rec.c src/tls13.c src/tls.c src/conn.c \
	  src/splice.c src/resume.c src/redirect.c src/fetch.c \
	  src/urls.c src/progress.c src/auth.c src/netrc.c src/proxy.c \
	  src/tunnel.c \
	  src/wget.c src/msg.c src/args.c src/opts.c src/retry.c \
	  src/writeout.c src/job.c src/parallel.c
LIB_OBJ	= $(LIB_SRC:src/%.c=$(B)/%.o)
HDRS	= $(wildcard $(S)/src/*.h)
TEST_HDRS = $(wildcard $(S)/tests/*.h)

UNIT_SRC = tests/test_arena.c tests/test_fmt.c tests/test_ghash.c \
	   tests/test_hkdf.c tests/test_pss.c tests/test_aead.c tests/test_date.c \
	   tests/test_der.c tests/test_x509.c \
	   tests/test_url.c tests/test_http.c tests/test_net.c \
	   tests/test_trust.c tests/test_progress_fmt.c \
	   tests/test_proxy.c tests/test_tls13msg.c tests/test_netrc.c \
	   tests/test_writeout.c tests/test_retry.c tests/guard.c tests/srv.c
CLI_SRC	 = tests/test_cli.c tests/test_tls.c tests/test_fault.c \
	   tests/test_reuse.c tests/test_redirect.c tests/test_body.c \
	   tests/test_progress.c tests/test_proxy_cli.c tests/proxy_srv.c \
	   tests/test_small.c tests/test_wget.c tests/test_out.c \
	   tests/test_tls13.c tests/test_scripts.c tests/test_parallel.c \
	   tests/srv.c tests/srv13.c
# The TLS 1.3 test server (srv13.c) uses our key schedule and record
# protection.
CLI_OBJ	 = $(B)/hkdf.o $(B)/aead.o $(B)/ghash.o
TEST_LIBS = -lbearssl -lcriterion -lpthread
# The tests find the test PKI in the source tree, wherever they run.
TEST_CFLAGS = -DUF_SRCDIR='"$(S)"'

all: $(BIN)

$(DYN): $(LIB_OBJ) $(B)/main.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $(LIB_OBJ) $(B)/main.o \
	    $(LDLIBS) -lbearssl

$(B)/%.o: src/%.c $(HDRS)
	@mkdir -p $(B)
	$(CC) $(UF_CFLAGS) -c -o $@ $<

$(B)/unit: $(UNIT_SRC) $(LIB_OBJ) $(TEST_HDRS) $(HDRS)
	$(CC) $(UF_CFLAGS) $(TEST_CFLAGS) -o $@ $(filter %.c,$^) \
	    $(LIB_OBJ) $(TEST_LIBS)

$(B)/cli: $(CLI_SRC) $(CLI_OBJ) $(TEST_HDRS) $(HDRS)
	$(CC) $(UF_CFLAGS) $(TEST_CFLAGS) -o $@ $(filter %.c,$^) \
	    $(CLI_OBJ) $(TEST_LIBS)

# Warnings are errors for both compilers we support, here and only
# here: a build users make never fails on a new compiler's new warning.
warnings:
	@other=$$( $(CC) --version 2>/dev/null | grep -q clang && echo gcc \
	    || echo clang ); \
	for cc in $(CC) $$other; do \
		if command -v $$cc >/dev/null 2>&1; then \
			echo "$$cc -fsyntax-only -Werror"; \
			$$cc -fsyntax-only -std=c11 $(WARN) -Werror \
			    $(UF_CPPFLAGS) $(CPPFLAGS) -I$(S)/tests \
			    $(S)/src/*.c $(S)/tests/*.c $(S)/fuzz/*.c \
			    || exit 1; \
		else \
			echo "warnings: $$cc not installed, skipped"; \
		fi; \
	done

manlint:
	@if command -v mandoc >/dev/null 2>&1; then \
		mandoc -T lint $(S)/man/ufetch.1; \
	else \
		groff -man -ww -z $(S)/man/ufetch.1; \
	fi

# The shell scripts (bench/, tests/, fuzz/, CI) stay shellcheck-clean;
# skipped, and said, where shellcheck is not installed (CI installs it).
shlint:
	@if command -v shellcheck >/dev/null 2>&1; then \
		cd $(S) && shellcheck bench/*.sh tests/*.sh tests/pki/*.sh \
		    tests/pss/*.sh fuzz/*.sh .ci/run; \
	else \
		echo "shlint: no shellcheck, skipped"; \
	fi

# The integration tests run against ./ufetch and, when that is the
# static musl build, against the dynamic link too: another C library,
# resolver and getopt (musl found a crash glibc hid), and the one
# LD_PRELOAD (faketime) can reach, so every test runs.
check: $(BIN) $(DYN) $(B)/unit $(B)/cli warnings manlint shlint
	$(B)/unit
	UFETCH=$(CURDIR)/$(BIN) $(B)/cli
	cmp -s $(BIN) $(DYN) || UFETCH=$(CURDIR)/$(DYN) $(B)/cli
	$(S)/tests/install.sh "$(MAKE)" $(S)
	$(S)/tests/flags.sh "$(MAKE)" $(S)

check-dynamic: $(DYN) $(B)/cli
	UFETCH=$(CURDIR)/$(DYN) $(B)/cli

# The integration tests with every ufetch run under valgrind; a
# valgrind error is exit status 99, which no test expects. Timing
# checks get valgrind's start-up time as slack (UFETCH_SLOW).
memcheck: $(DYN) build/cli
	UFETCH=$(CURDIR)/$(DYN) UFETCH_SLOW=1 \
	UFETCH_WRAP="valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect" build/cli

# libFuzzer targets (clang, Debian's libclang-rt-14-dev), seeded from
# the unit-test tables and the test PKI.
FUZZ_SECONDS	?= 10
FUZZ_TARGETS	= url http der trust pss tls13 tls13rec netrc
FUZZ_CC		?= clang
FUZZ_CFLAGS	= -g -O1 -fsanitize=fuzzer,address,undefined \
		  -fno-sanitize-recover=all -D_GNU_SOURCE -Isrc -Itests

build/fuzz/fuzz_%: fuzz/fuzz_%.c $(LIB_SRC) $(HDRS) $(wildcard fuzz/*.h)
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) -lbearssl

# fuzz_tls13rec drives the transport's static functions: it includes
# src/tls13.c, so it is linked without it.
build/fuzz/fuzz_tls13rec: fuzz/fuzz_tls13rec.c $(LIB_SRC) $(HDRS) \
    $(wildcard fuzz/*.h) tests/hex.h tests/rfc8448.h
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< \
	    $(filter-out src/tls13.c,$(LIB_SRC)) -lbearssl

build/fuzz/mkseeds: fuzz/mkseeds.c fuzz/fuzz_tls13.h fuzz/fuzz_tls13rec.h \
    tests/http_cases.h \
    tests/url_cases.h tests/netrc_cases.h tests/hex.h tests/pss/vectors.h \
    tests/rfc8448_msgs.h
	@mkdir -p build/fuzz
	$(CC) -std=c11 $(WARN) -Werror -D_GNU_SOURCE -Isrc -Itests -o $@ \
	    fuzz/mkseeds.c

fuzz-seeds: build/fuzz/mkseeds
	@mkdir -p build/fuzz/corpus/der build/fuzz/corpus/trust
	build/fuzz/mkseeds build/fuzz/corpus
	cp tests/pki/*.der build/fuzz/corpus/der/
	cp tests/pki/*.pem tests/pki/certdir/* build/fuzz/corpus/trust/

fuzz: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%) fuzz-seeds
	fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# A stripped static binary with musl. Debian's libbearssl.a needs the
# fortify shim, and musl-gcc's -nostdinc hides /usr/include/bearssl.h.
# CROSS=aarch64-linux-gnu- (or arm-linux-gnueabihf-, ...) builds one for
# that architecture into build/static-TRIPLET/, with the cross gcc and
# Debian's musl-dev:ARCH and libbearssl-dev:ARCH (README, Cross builds).
# The archive is the one of the compiler's own triplet: with several
# architectures installed, /usr/lib/*/libbearssl.a matches them all.
CROSS		?=
# -z norelro: aarch64's 64 KiB page alignment of the RELRO end padded
# the file by 42 KB, for a segment a static musl binary never protects.
ifeq ($(CROSS),)
MUSL_CC		?= musl-gcc
STATIC_DIR	= build/static
STATIC_LDFLAGS	=
else
STATIC_MUSL	= $(subst -gnu,-musl,$(notdir $(CROSS:%-=%)))
MUSL_CC		?= $(CROSS)gcc -specs /usr/lib/$(STATIC_MUSL)/musl-gcc.specs
STATIC_DIR	= build/static-$(notdir $(CROSS:%-=%))
STATIC_LDFLAGS	= -Wl,-z,norelro
endif
STATIC_OBJCOPY	?= $(CROSS)objcopy
BEARSSL_A	?= $(firstword $(wildcard /usr/lib/$(shell $(MUSL_CC) \
		   -dumpmachine)/libbearssl.a) /usr/lib/libbearssl.a)
# -Oz: 1.5 KB less code than -Os with TLS 1.3 in, and the same client
# CPU on 512 MiB over TLS 1.3 (the hot loops are BearSSL's and
# ghash.c's intrinsics). -fno-pie: the link is a fixed-address
# executable (-static, not -static-pie) all the same, so position-
# independent code bought nothing: absolute addresses are shorter
# (1.3 KB on x86-64), and constant pointer tables go to .rodata.
# -flto with one partition: the whole program is one unit (0.5 KB).
# -fno-caller-saves, -fno-thread-jumps, -fno-tree-dominator-opts: what
# -Oz leaves on that copies code for speed (0.5, 1.0 and 0.4 KB); the
# hot loops are BearSSL's, built apart, and ghash.c's straight-line
# intrinsics (the same 256 MiB download CPU, bench/README, Sizes).
# -malign-data=abi: arrays at the ABI's alignment, not 32 bytes (0.3
# KB of padding); the link sorts sections by alignment (0.1 KB more).
STATIC_CFLAGS	= -std=c11 $(WARN) -D_GNU_SOURCE -DUF_LIBC='"musl"' \
		  -Oz -ffunction-sections -fdata-sections -I/usr/include/bearssl \
		  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-pie \
		  -flto -flto-partition=one -fno-caller-saves -fno-thread-jumps \
		  -fno-tree-dominator-opts -malign-data=abi

static: $(STATIC_DIR)/ufetch

$(STATIC_DIR)/ufetch: $(LIB_SRC) src/main.c static/fortify_shim.c $(HDRS)
	@mkdir -p $(STATIC_DIR)
	$(MUSL_CC) $(STATIC_CFLAGS) -I$(S)/src $(CPPFLAGS) $(USER_CFLAGS) \
	    -static -Wl,--gc-sections -Wl,-z,noseparate-code \
	    -Wl,--sort-section=alignment \
	    $(STATIC_LDFLAGS) $(LDFLAGS) -s -o $@ $(filter %.c,$^) \
	    $(BEARSSL_A)
	@# C without exceptions never unwinds: the tables are dead weight;
	@# so are the compilers' version strings (.comment).
	$(STATIC_OBJCOPY) -R .eh_frame -R .eh_frame_hdr -R .comment $@
	@echo "static: $@ is $$(wc -c < $@) bytes"

# ./ufetch, the binary make builds and installs, is the static musl
# build wherever musl-gcc is found (CONTRACT 1: one small static
# binary). With glibc, the dynamic loader and the C library's pages
# alone hold 1.1 MB resident for an empty program on this kernel,
# more than all of static ufetch (bench/results.md). DYNAMIC=1, or no
# musl-gcc, makes it the dynamic link.
ifeq ($(CROSS)$(DYNAMIC),)
HAVE_MUSL := $(shell command -v $(firstword $(MUSL_CC)) >/dev/null 2>&1 \
	     && echo 1)
NO_MUSL	= (no $(firstword $(MUSL_CC)): install musl-tools for the static one)
endif
ifneq ($(SANITIZE),1)
UFETCH_FROM = $(if $(HAVE_MUSL),build/static/ufetch,$(DYN))
# Which build ./ufetch is a copy of; rewritten only when that changes,
# so that make DYNAMIC=1 after make (or back) copies again.
build/ufetch-from: FORCE
	@mkdir -p build
	@echo $(UFETCH_FROM) | cmp -s - $@ || echo $(UFETCH_FROM) > $@

ufetch: $(UFETCH_FROM) build/ufetch-from
	cp $< $@
	@echo "ufetch: $(strip $(if $(HAVE_MUSL),the static musl build,the dynamic link $(NO_MUSL)))"
endif

FORCE:

bench: ufetch static $(DYN)
	$(S)/bench/run.sh

# Exactly the binary and the manual; with WGET_LINK=1 also a "wget"
# link, which makes ufetch take busybox wget's options. The binary is
# the one make builds in this configuration, $(BIN): ./ufetch, or with
# SANITIZE=1 (as make check runs tests/install.sh) the sanitized one,
# since that configuration has no ./ufetch target.
install: $(BIN)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(BINDIR)/ufetch
	$(INSTALL) -m 644 $(S)/man/ufetch.1 $(DESTDIR)$(MANDIR)/man1/ufetch.1
	if [ "$(WGET_LINK)" = 1 ]; then \
		ln -sf ufetch $(DESTDIR)$(BINDIR)/wget; \
	fi

# A "wget" is removed only when it is our link.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ufetch $(DESTDIR)$(MANDIR)/man1/ufetch.1
	if [ "$$(readlink $(DESTDIR)$(BINDIR)/wget)" = ufetch ]; then \
		rm -f $(DESTDIR)$(BINDIR)/wget; \
	fi

# The committed tree (git archive of HEAD), so that what is shipped is
# what was reviewed; distcheck builds and tests it in a fresh directory.
DIST	= ufetch-$(VERSION)

dist:
	git -C $(S) archive --format=tar --prefix=$(DIST)/ HEAD \
	    | gzip -9n > $(DIST).tar.gz
	@echo "dist: $(DIST).tar.gz"

distcheck: dist
	rm -rf distcheck.tmp && mkdir distcheck.tmp
	tar -xzf $(DIST).tar.gz -C distcheck.tmp
	$(MAKE) -C distcheck.tmp/$(DIST)
	$(MAKE) -C distcheck.tmp/$(DIST) check
	rm -rf distcheck.tmp
	@echo "distcheck: $(DIST).tar.gz builds and passes make check"

clean:
	rm -rf ufetch build

.PHONY: check-dynamic static all check clean warnings manlint shlint FORCE \
	memcheck fuzz fuzz-seeds bench install uninstall dist distcheck
