/*
 * fuzz_url.c: URL parsing and reference resolution.
 *
 * Input: "BASE\nREF" resolves REF against BASE and parses the result;
 * input without a newline is parsed as a URL. Whatever parses must be
 * safe to put on the wire: no CR, LF, NUL, space or control byte in
 * the request-target or the Host value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

static unsigned char	mem[1 << 18] __attribute__((aligned(16)));
static char		in[1 << 16];

static void
check_clean(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || *s == 0x7f) {
			abort();
		}
	}
}

static void
parse(struct uf_arena *a, const char *s)
{
	struct uf_url	u;
	size_t		len;
	const char	*name;

	uf_err_clear();
	if (uf_url_parse(a, s, &u) != UF_OK) {
		if (uf_err_msg()[0] == '\0') {
			abort();	/* every failure says why */
		}
		return;
	}
	check_clean(u.target);
	check_clean(u.authority);
	if (u.host[0] == '\0' || u.port == 0 || u.target[0] != '/') {
		abort();
	}
	name = uf_url_filename(&u, &len);
	if (len == 0 || memchr(name, '/', len) != NULL) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uf_arena	a;
	char		*nl, *r;

	if (size >= sizeof in) {
		return 0;
	}
	memcpy(in, data, size);
	in[size] = '\0';
	uf_arena_init(&a, mem, sizeof mem);
	nl = strchr(in, '\n');
	if (nl == NULL) {
		parse(&a, in);
		return 0;
	}
	*nl = '\0';
	r = uf_url_resolve(&a, in, nl + 1);
	if (r != NULL) {
		parse(&a, r);
	}
	return 0;
}
