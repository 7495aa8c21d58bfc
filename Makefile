# ufetch: see README for the two commands that matter (build, test).

VERSION	= 0.1.0

CC	?= cc
CFLAGS	?= -O2 -g
WARN	= -Wall -Wextra
WERROR	= -Werror
CPPFLAGS += -D_GNU_SOURCE
LDLIBS	+= -lbearssl
UF_CFLAGS = -std=c11 $(WARN) $(WERROR) $(CPPFLAGS) $(CFLAGS)

LIB_SRC	= src/arena.c src/err.c src/url.c src/http.c src/net.c src/out.c \
	  src/der.c src/trust.c src/tls.c src/fetch.c
LIB_OBJ	= $(LIB_SRC:.c=.o)
HDRS	= $(wildcard src/*.h)

UNIT_SRC = tests/test_arena.c tests/test_url.c tests/test_http.c \
	   tests/test_net.c tests/test_trust.c tests/guard.c tests/srv.c
CLI_SRC	 = tests/test_cli.c tests/test_tls.c tests/srv.c
TEST_LIBS = -lcriterion -lpthread

all: ufetch

ufetch: $(LIB_OBJ) src/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(LIB_OBJ) src/main.o $(LDLIBS)

src/%.o: src/%.c $(HDRS)
	$(CC) $(UF_CFLAGS) -c -o $@ $<

tests/unit: $(UNIT_SRC) $(LIB_OBJ) tests/*.h $(HDRS)
	$(CC) $(UF_CFLAGS) -Isrc -o $@ $(UNIT_SRC) $(LIB_OBJ) $(LDLIBS) \
	    $(TEST_LIBS)

tests/cli: $(CLI_SRC) tests/*.h
	$(CC) $(UF_CFLAGS) -Isrc -o $@ $(CLI_SRC) -lbearssl $(TEST_LIBS)

# Warnings are errors for both compilers we support; the second one
# only needs to parse.
warnings:
	@other=$$( $(CC) --version 2>/dev/null | grep -q clang && echo gcc \
	    || echo clang ); \
	if command -v $$other >/dev/null 2>&1; then \
		echo "$$other -fsyntax-only"; \
		$$other -fsyntax-only -std=c11 $(WARN) -Werror $(CPPFLAGS) \
		    -Isrc src/*.c tests/*.c || exit 1; \
	else \
		echo "warnings: $$other not installed, skipped"; \
	fi

manlint:
	@if command -v mandoc >/dev/null 2>&1; then \
		mandoc -T lint -W warning man/ufetch.1; \
	else \
		groff -man -ww -z man/ufetch.1; \
	fi

check: ufetch tests/unit tests/cli warnings manlint
	./tests/unit
	UFETCH=$(CURDIR)/ufetch ./tests/cli

clean:
	rm -f ufetch src/*.o tests/unit tests/cli

.PHONY: all check clean warnings manlint
