/*
 * test_url.c: URL parsing, reference resolution (RFC 3986 5.4), -O
 * names.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "arena.h"
#include "url.h"

static unsigned char	mem[16384] __attribute__((aligned(16)));

#include "url_cases.h"

Test(url, parse_table)
{
	struct uf_arena	a;
	struct uf_url	u;
	size_t		i;
	enum uf_err	err;

	for (i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
		const struct pcase	*c = &pcases[i];

		uf_arena_init(&a, mem, sizeof mem);
		uf_err_clear();
		err = uf_url_parse(&a, c->in, &u);
		if (!c->ok) {
			cr_expect_eq(err, UF_E_USAGE, "%s: accepted", c->in);
			cr_expect_str_neq(uf_err_msg(), "", "%s: no message",
			    c->in);
			continue;
		}
		cr_expect_eq(err, UF_OK, "%s: %s", c->in, uf_err_msg());
		if (err != UF_OK) {
			continue;
		}
		cr_expect_str_eq(u.host, c->host, "%s: host", c->in);
		cr_expect_str_eq(u.authority, c->authority, "%s: authority",
		    c->in);
		cr_expect_str_eq(u.target, c->target, "%s: target", c->in);
		cr_expect_eq(u.port, c->port, "%s: port", c->in);
		cr_expect_eq(u.scheme, c->https ? UF_HTTPS : UF_HTTP, "%s",
		    c->in);
		cr_expect_eq((int)u.host_kind, c->kind, "%s: kind", c->in);
		if (c->userinfo == NULL) {
			cr_expect_null(u.userinfo, "%s: userinfo", c->in);
		} else {
			cr_expect_str_eq(u.userinfo, c->userinfo, "%s", c->in);
		}
	}
}

Test(url, arena_exhaustion_is_an_error)
{
	struct uf_arena	a;
	struct uf_url	u;
	static unsigned char	tiny[32] __attribute__((aligned(16)));

	uf_arena_init(&a, tiny, sizeof tiny);
	uf_err_clear();
	cr_expect_eq(uf_url_parse(&a, "http://example.com/a/long/path",
	    &u), UF_E_PROTO);
}

Test(url, resolve_rfc3986_examples)
{
	struct uf_arena	a;
	char		*r;
	size_t		i;

	for (i = 0; i < sizeof rcases / sizeof rcases[0]; i++) {
		uf_arena_init(&a, mem, sizeof mem);
		r = uf_url_resolve(&a, "http://a/b/c/d;p?q", rcases[i][0]);
		cr_assert_not_null(r);
		cr_expect_str_eq(r, rcases[i][1], "ref \"%s\"", rcases[i][0]);
	}
}

Test(url, resolve_against_empty_path)
{
	struct uf_arena	a;

	uf_arena_init(&a, mem, sizeof mem);
	cr_expect_str_eq(uf_url_resolve(&a, "http://h", "x"), "http://h/x");
	cr_expect_str_eq(uf_url_resolve(&a, "http://h?q", "?r"),
	    "http://h?r");
}

Test(url, filenames_for_O)
{
	static const char *const fcases[][2] = {
		{ "http://h/", "index.html" },
		{ "http://h", "index.html" },
		{ "http://h/a/b.txt?x=1#f", "b.txt" },
		{ "http://h/a/", "index.html" },
		{ "http://h/a/..", "index.html" },
		{ "http://h/a/.", "index.html" },
		{ "http://h/%41", "%41" },
	};
	struct uf_arena	a;
	struct uf_url	u;
	const char	*name;
	size_t		i, len;

	for (i = 0; i < sizeof fcases / sizeof fcases[0]; i++) {
		uf_arena_init(&a, mem, sizeof mem);
		cr_assert_eq(uf_url_parse(&a, fcases[i][0], &u), UF_OK);
		name = uf_url_filename(&u, &len);
		cr_expect(len == strlen(fcases[i][1])
		    && memcmp(name, fcases[i][1], len) == 0, "%s",
		    fcases[i][0]);
	}
}

Test(url, injected_redirect_targets_never_parse)
{
	/* What a Location could try; resolved, then parsed as a redirect
	 * will be. None of it may become a request line. */
	static const char *const refs[] = {
		"/a\r\nX-Injected: 1", "/a\nGET /b HTTP/1.1", "/a b",
		"http://h/\x01", "//h\r/", "/\x7f",
	};
	struct uf_arena	a;
	struct uf_url	u;
	char		*t;
	size_t		i;

	for (i = 0; i < sizeof refs / sizeof refs[0]; i++) {
		uf_arena_init(&a, mem, sizeof mem);
		uf_err_clear();
		t = uf_url_resolve(&a, "http://h/x", refs[i]);
		cr_assert_not_null(t);
		cr_expect_eq(uf_url_parse(&a, t, &u), UF_E_USAGE, "%zu", i);
	}
	/* A percent-encoded CR stays encoded: three harmless bytes. */
	uf_arena_init(&a, mem, sizeof mem);
	t = uf_url_resolve(&a, "http://h/x", "/a%0D%0Ab");
	cr_assert_eq(uf_url_parse(&a, t, &u), UF_OK);
	cr_expect_str_eq(u.target, "/a%0D%0Ab");
}

/* A kept connection is reused only within its origin. */
Test(url, origins)
{
	static const struct {
		const char	*a, *b;
		int		same;
	} rows[] = {
		{ "http://Example.COM/x", "http://example.com/y?z", 1 },
		{ "http://example.com/", "http://example.com:80/", 1 },
		{ "https://example.com/", "https://example.com:443/a", 1 },
		{ "http://example.com/", "https://example.com/", 0 },
		{ "http://example.com/", "http://example.com:8080/", 0 },
		{ "http://example.com/", "http://example.org/", 0 },
		{ "http://[::1]:8080/", "http://[::1]:8080/b", 1 },
		{ "http://127.0.0.1/", "http://[::1]/", 0 },
	};
	struct uf_arena	a;
	struct uf_url	ua, ub;
	size_t		i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		uf_arena_init(&a, mem, sizeof mem);
		cr_assert_eq(uf_url_parse(&a, rows[i].a, &ua), UF_OK);
		cr_assert_eq(uf_url_parse(&a, rows[i].b, &ub), UF_OK);
		cr_expect_eq(uf_url_origin_is(&ua, ub.scheme, ub.host,
		    ub.port), rows[i].same, "%s vs %s", rows[i].a, rows[i].b);
	}
}
