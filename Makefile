# ufetch: see README for the two commands that matter (build, test).
#
#   make               ./ufetch
#   make check         unit and integration tests (warnings are errors)
#   make check SANITIZE=1
#                      everything rebuilt with ASan and UBSan in build/san
#   make memcheck      the integration tests with ufetch under valgrind
#   make fuzz [FUZZ_SECONDS=N]
#                      every libFuzzer target for N seconds (clang)

VERSION	= 0.1.0

CC	?= cc
CFLAGS	?= -O2 -g
WARN	= -Wall -Wextra
WERROR	= -Werror
CPPFLAGS += -D_GNU_SOURCE
LDLIBS	+= -lbearssl

# Each configuration builds into its own directory, so that objects of
# the sanitized build never mix with the normal ones.
ifeq ($(SANITIZE),1)
B	= build/san
SAN	= -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer
BIN	= $(B)/ufetch
else
B	= build
SAN	=
BIN	= ufetch
endif

UF_CFLAGS = -std=c11 $(WARN) $(WERROR) $(CPPFLAGS) $(CFLAGS) $(SAN)

LIB_SRC	= src/arena.c src/err.c src/url.c src/http.c src/net.c src/out.c \
	  src/der.c src/trust.c src/tls.c src/fetch.c src/urls.c \
	  src/progress.c src/auth.c src/proxy.c src/tunnel.c src/wget.c
LIB_OBJ	= $(LIB_SRC:src/%.c=$(B)/%.o)
HDRS	= $(wildcard src/*.h)

UNIT_SRC = tests/test_arena.c tests/test_url.c tests/test_http.c \
	   tests/test_net.c tests/test_trust.c tests/test_progress_fmt.c \
	   tests/test_proxy.c tests/guard.c tests/srv.c
CLI_SRC	 = tests/test_cli.c tests/test_tls.c tests/test_fault.c \
	   tests/test_reuse.c tests/test_redirect.c tests/test_body.c \
	   tests/test_progress.c tests/test_proxy_cli.c tests/proxy_srv.c \
	   tests/test_wget.c tests/srv.c
TEST_LIBS = -lbearssl -lcriterion -lpthread

all: $(BIN)

$(BIN): $(LIB_OBJ) $(B)/main.o
	$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $(LIB_OBJ) $(B)/main.o \
	    $(LDLIBS)

$(B)/%.o: src/%.c $(HDRS)
	@mkdir -p $(B)
	$(CC) $(UF_CFLAGS) -c -o $@ $<

$(B)/unit: $(UNIT_SRC) $(LIB_OBJ) tests/*.h $(HDRS)
	$(CC) $(UF_CFLAGS) -Isrc -o $@ $(UNIT_SRC) $(LIB_OBJ) $(TEST_LIBS)

$(B)/cli: $(CLI_SRC) tests/*.h
	$(CC) $(UF_CFLAGS) -Isrc -o $@ $(CLI_SRC) $(TEST_LIBS)

# Warnings are errors for both compilers we support; the second one
# only needs to parse.
warnings:
	@other=$$( $(CC) --version 2>/dev/null | grep -q clang && echo gcc \
	    || echo clang ); \
	if command -v $$other >/dev/null 2>&1; then \
		echo "$$other -fsyntax-only"; \
		$$other -fsyntax-only -std=c11 $(WARN) -Werror $(CPPFLAGS) \
		    -Isrc -Itests src/*.c tests/*.c fuzz/*.c || exit 1; \
	else \
		echo "warnings: $$other not installed, skipped"; \
	fi

manlint:
	@if command -v mandoc >/dev/null 2>&1; then \
		mandoc -T lint -W warning man/ufetch.1; \
	else \
		groff -man -ww -z man/ufetch.1; \
	fi

check: $(BIN) $(B)/unit $(B)/cli warnings manlint
	$(B)/unit
	UFETCH=$(CURDIR)/$(BIN) $(B)/cli

# The integration tests against the static musl binary: another C
# library, another resolver and getopt (it found a crash glibc hid).
check-static: build/static/ufetch build/cli
	UFETCH=$(CURDIR)/build/static/ufetch build/cli

# The integration tests with every ufetch run under valgrind; a
# valgrind error is exit status 99, which no test expects. Timing
# checks get valgrind's start-up time as slack (UFETCH_SLOW).
memcheck: ufetch build/cli
	UFETCH=$(CURDIR)/ufetch UFETCH_SLOW=1 \
	UFETCH_WRAP="valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect" build/cli

# libFuzzer targets (clang, Debian's libclang-rt-14-dev), seeded from
# the unit-test tables and the test PKI.
FUZZ_SECONDS	?= 10
FUZZ_TARGETS	= url http der trust
FUZZ_CC		?= clang
FUZZ_CFLAGS	= -g -O1 -fsanitize=fuzzer,address,undefined \
		  -fno-sanitize-recover=all -D_GNU_SOURCE -Isrc -Itests

build/fuzz/fuzz_%: fuzz/fuzz_%.c $(LIB_SRC) $(HDRS)
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) -lbearssl

build/fuzz/mkseeds: fuzz/mkseeds.c tests/http_cases.h tests/url_cases.h
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
MUSL_CC		?= musl-gcc
BEARSSL_A	?= $(firstword $(wildcard /usr/lib/*/libbearssl.a) \
		   /usr/lib/libbearssl.a)
STATIC_CFLAGS	= -std=c11 $(WARN) -Werror -D_GNU_SOURCE -Os \
		  -ffunction-sections -fdata-sections -I/usr/include/bearssl \
		  -fno-asynchronous-unwind-tables -fno-unwind-tables

static: build/static/ufetch

build/static/ufetch: $(LIB_SRC) src/main.c $(HDRS) static/fortify_shim.c
	@mkdir -p build/static
	$(MUSL_CC) $(STATIC_CFLAGS) -static -Wl,--gc-sections \
	    -Wl,-z,noseparate-code -s -o $@ \
	    $(LIB_SRC) src/main.c static/fortify_shim.c $(BEARSSL_A)
	@# C without exceptions never unwinds: the tables are dead weight.
	objcopy -R .eh_frame -R .eh_frame_hdr $@
	@echo "static: $@ is $$(wc -c < $@) bytes"

bench: ufetch static
	bench/run.sh

clean:
	rm -rf ufetch build

.PHONY: check-static static all check clean warnings manlint memcheck fuzz fuzz-seeds bench
