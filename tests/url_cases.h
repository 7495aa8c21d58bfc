/*
 * url_cases.h: URL parsing and reference resolution cases, shared by
 * test_url.c and the fuzzers' seed corpus (fuzz/mkseeds.c).
 */
#ifndef TEST_URL_CASES_H
#define TEST_URL_CASES_H

#include "url.h"

struct pcase {
	const char	*in;
	int		ok;
	const char	*host, *authority, *target, *userinfo;
	unsigned	port;
	int		https, kind;
};

/* Host names at the limits: labels of 63 bytes, names of 253. */
#define L10	"aaaaaaaaaa"
#define L60	L10 L10 L10 L10 L10 L10
#define L63	L60 "aaa"
#define H253	L63 "." L63 "." L63 "." L60 "a"

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
	P("http://" H253 "/", H253, H253, "/", NULL, 80, 0, UF_HOST_NAME),
	P("http://" H253 "./", H253 ".", H253 ".", "/", NULL, 80, 0,
	    UF_HOST_NAME),
	P("https://" L63 ".example/", L63 ".example", L63 ".example", "/",
	    NULL, 443, 1, UF_HOST_NAME),
	E("http://" H253 "a/"),
	E("http://" H253 "../"),
	E("https://" L63 "a.example/"),
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

#endif
