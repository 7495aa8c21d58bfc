/*
 * test_url.c: URL parsing, reference resolution (RFC 3986 5.4), -O
 * names.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "arena.h"
#include "url.h"

static unsigned char	mem[16384] __attribute__((aligned(16)));

struct pcase {
	const char	*in;
	int		ok;
	const char	*host, *authority, *target, *userinfo;
	unsigned	port;
	int		https, kind;
};

#define P(in, h, a, t, u, p, s, k)	{ in, 1, h, a, t, u, p, s, k }
#define E(in)				{ in, 0, 0, 0, 0, 0, 0, 0, 0 }

static const struct pcase pcases[] = {
	P("http://example.com", "example.com", "example.com", "/", NULL, 80,
	    0, UF_HOST_NAME),
	P("http://example.com:8080/a/b?x=1#frag", "example.com",
	    "example.com:8080", "/a/b?x=1", NULL, 8080, 0, UF_HOST_NAME),
	P("HTTPS://Example.COM/", "Example.COM", "Example.COM", "/", NULL,
	    443, 1, UF_HOST_NAME),
	P("https://h:443/", "h", "h:443", "/", NULL, 443, 1, UF_HOST_NAME),
	P("http://u:p%40x@h/", "h", "h", "/", "u:p%40x", 80, 0, UF_HOST_NAME),
	P("http://[::1]:8080/x", "::1", "[::1]:8080", "/x", NULL, 8080, 0,
	    UF_HOST_IPV6),
	P("http://[fe80::1%25eth0]/", "fe80::1%eth0", "[fe80::1]", "/", NULL,
	    80, 0, UF_HOST_IPV6),
	P("http://[fe80::1%eth0]:81/", "fe80::1%eth0", "[fe80::1]:81", "/",
	    NULL, 81, 0, UF_HOST_IPV6),
	P("http://127.0.0.1/", "127.0.0.1", "127.0.0.1", "/", NULL, 80, 0,
	    UF_HOST_IPV4),
	P("http://h:/", "h", "h:", "/", NULL, 80, 0, UF_HOST_NAME),
	P("http://h?q", "h", "h", "/?q", NULL, 80, 0, UF_HOST_NAME),
	P("http://h#f", "h", "h", "/", NULL, 80, 0, UF_HOST_NAME),
	P("http://h./x", "h.", "h.", "/x", NULL, 80, 0, UF_HOST_NAME),
	P("http://h/\xc3\xa9?q=<\"x\">", "h", "h", "/%C3%A9?q=%3C%22x%22%3E",
	    NULL, 80, 0, UF_HOST_NAME),
	P("http://h/a%20b", "h", "h", "/a%20b", NULL, 80, 0, UF_HOST_NAME),
	P("http://h:65535/", "h", "h:65535", "/", NULL, 65535, 0,
	    UF_HOST_NAME),
	E("http://h/a b"),
	E("http://h/a\tb"),
	E("http://h/\x7f"),
	E("http://h/a\r\nX: y"),
	E("http:///x"),
	E("http://"),
	E("http://u@/"),
	E("http://h:0/"),
	E("http://h:65536/"),
	E("http://h:8x/"),
	E("http://h:123456/"),
	E("http://h:-1/"),
	E("ftp://h/"),
	E("file:///etc/passwd"),
	E("gopher://h/"),
	E("mailto:x@y"),
	E("http:/x"),
	E("http:x"),
	E("//h/x"),
	E("h/x"),
	E("http://[::1/"),
	E("http://[zz]/"),
	E("http://[::1]x/"),
	E("http://[]/"),
	E("http://[fe80::1%25]/"),
	E("http://1.2.3/"),
	E("http://256.1.1.1/"),
	E("http://h\xc3\xa9/"),
	E("http://h%41/"),
	E("http://a b/"),
	E("http://h:80:80/"),
	E("http://u p@h/"),
};

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

/* RFC 3986 section 5.4, base "http://a/b/c/d;p?q". */
static const char *const rcases[][2] = {
	{ "g:h", "g:h" },
	{ "g", "http://a/b/c/g" },
	{ "./g", "http://a/b/c/g" },
	{ "g/", "http://a/b/c/g/" },
	{ "/g", "http://a/g" },
	{ "//g", "http://g" },
	{ "?y", "http://a/b/c/d;p?y" },
	{ "g?y", "http://a/b/c/g?y" },
	{ "#s", "http://a/b/c/d;p?q" },
	{ "g#s", "http://a/b/c/g" },
	{ "g?y#s", "http://a/b/c/g?y" },
	{ ";x", "http://a/b/c/;x" },
	{ "g;x", "http://a/b/c/g;x" },
	{ "g;x?y#s", "http://a/b/c/g;x?y" },
	{ "", "http://a/b/c/d;p?q" },
	{ ".", "http://a/b/c/" },
	{ "./", "http://a/b/c/" },
	{ "..", "http://a/b/" },
	{ "../", "http://a/b/" },
	{ "../g", "http://a/b/g" },
	{ "../..", "http://a/" },
	{ "../../", "http://a/" },
	{ "../../g", "http://a/g" },
	/* abnormal examples */
	{ "../../../g", "http://a/g" },
	{ "../../../../g", "http://a/g" },
	{ "/./g", "http://a/g" },
	{ "/../g", "http://a/g" },
	{ "g.", "http://a/b/c/g." },
	{ ".g", "http://a/b/c/.g" },
	{ "g..", "http://a/b/c/g.." },
	{ "..g", "http://a/b/c/..g" },
	{ "./../g", "http://a/b/g" },
	{ "./g/.", "http://a/b/c/g/" },
	{ "g/./h", "http://a/b/c/g/h" },
	{ "g/../h", "http://a/b/c/h" },
	{ "g;x=1/./y", "http://a/b/c/g;x=1/y" },
	{ "g;x=1/../y", "http://a/b/c/y" },
	{ "g?y/./x", "http://a/b/c/g?y/./x" },
	{ "g?y/../x", "http://a/b/c/g?y/../x" },
	{ "g#s/./x", "http://a/b/c/g" },
	{ "g#s/../x", "http://a/b/c/g" },
	{ "http:g", "http:g" },
	/* what redirects send */
	{ "https://other:8443/x?y", "https://other:8443/x?y" },
	{ "//cdn.example/x", "http://cdn.example/x" },
};

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
