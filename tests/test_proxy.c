/*
 * test_proxy.c: choosing a proxy (environment, -x, no_proxy), the
 * requests only a proxy sees, and Basic credentials.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "http.h"
#include "proxy.h"
#include "url.h"

static unsigned char	mem[16384] __attribute__((aligned(16)));
static struct uf_arena	a;

static const char *const	vars[] = {
	"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
	"all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", "REQUEST_METHOD"
};

/* Each test runs in its own process: the environment is its own. */
static void
clean_env(void)
{
	size_t	i;

	for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		unsetenv(vars[i]);
	}
	uf_arena_init(&a, mem, sizeof mem);
	uf_err_clear();
}

static struct uf_url
url(const char *s)
{
	struct uf_url	u;

	cr_assert_eq(uf_url_parse(&a, s, &u), UF_OK, "%s", s);
	return u;
}

/*
 * no_proxy matching.
 */

static const struct {
	const char	*list, *url;
	int		match;
} ncases[] = {
	{ "example.com", "http://example.com/", 1 },
	{ "example.com", "http://www.example.com/", 1 },
	{ "example.com", "http://a.b.example.com:8080/", 1 },
	{ "example.com", "http://badexample.com/", 0 },
	{ "example.com", "http://example.com.evil/", 0 },
	{ "example.com", "http://example.co/", 0 },
	{ "www.example.com", "http://example.com/", 0 },
	{ ".example.com", "http://example.com/", 1 },
	{ ".example.com", "http://sub.example.com/", 1 },
	{ ".example.com", "http://badexample.com/", 0 },
	{ "..example.com", "http://sub.example.com/", 1 },
	{ "example.com.", "http://sub.example.com/", 1 },
	{ "example.com", "http://sub.example.com./", 1 },
	{ "EXAMPLE.Com", "http://Sub.example.COM/", 1 },
	{ "*", "http://anything.test/", 1 },
	{ "*", "https://[::1]/", 1 },
	{ " a.test , * ", "http://b.test/", 1 },
	{ "*.example.com", "http://www.example.com/", 0 },
	{ "a.test,,  ,example.com", "http://x.example.com/", 1 },
	{ " a.test ,\texample.com\t", "http://example.com/", 1 },
	{ "a.test,b.test", "http://c.test/", 0 },
	{ "", "http://example.com/", 0 },
	{ ",", "http://example.com/", 0 },
	{ ".", "http://example.com/", 0 },
	{ "com", "http://example.com/", 1 },
	{ "127.0.0.1", "http://127.0.0.1:8080/", 1 },
	{ "127.0.0.1", "http://127.0.0.2/", 0 },
	{ "0.0.1", "http://127.0.0.1/", 0 },
	{ ".0.0.1", "http://127.0.0.1/", 0 },
	{ "127.0.0.1", "http://localhost/", 0 },
	{ "localhost", "http://127.0.0.1/", 0 },
	{ "::1", "http://[::1]/", 1 },
	{ "[::1]", "http://[::1]:8080/", 1 },
	{ "0:0::1", "http://[::1]/", 1 },
	{ "::1", "http://127.0.0.1/", 0 },
	{ "::2", "http://[::1]/", 0 },
	{ "::1", "http://[fe80::1%25eth0]/", 0 },
	{ "fe80::1", "http://[fe80::1%25eth0]/", 1 },
	{ "[::1", "http://[::1]/", 0 },
	{ "example.com:8080", "http://www.example.com:8080/", 1 },
	{ "example.com:8080", "http://www.example.com/", 0 },
	{ "example.com:80", "http://www.example.com/", 1 },
	{ "example.com:443", "https://example.com/", 1 },
	{ "example.com:", "http://example.com/", 0 },
	{ "example.com:x", "http://example.com/", 0 },
	{ "127.0.0.1:8080", "http://127.0.0.1:8080/", 1 },
	{ "127.0.0.1:8080", "http://127.0.0.1:8081/", 0 },
	{ "[::1]:8080", "http://[::1]:8080/", 1 },
	{ "[::1]:8080", "http://[::1]:80/", 0 },
	{ "[::1]x", "http://[::1]/", 0 },
};

Test(proxy, noproxy_table)
{
	struct uf_url	u;
	size_t		i;

	for (i = 0; i < sizeof ncases / sizeof ncases[0]; i++) {
		clean_env();
		u = url(ncases[i].url);
		cr_expect_eq(uf_noproxy_match(ncases[i].list, &u),
		    ncases[i].match, "no_proxy \"%s\" for %s", ncases[i].list,
		    ncases[i].url);
	}
}

/*
 * Choosing from the environment and the options: each case sets some
 * variables ("NAME=value", NULL-terminated) and expects the proxy's
 * name, or NULL for a direct connection.
 */

#define E(...)	{ __VA_ARGS__, NULL }

static const struct {
	const char	*env[6];
	const char	*x, *noproxy, *url, *want;
} ecases[] = {
	{ E("http_proxy=p1:1"), NULL, NULL, "http://h.test/",
	    "http://p1:1" },
	{ E("http_proxy=p1:1"), NULL, NULL, "https://h.test/", NULL },
	{ E("https_proxy=p2:2"), NULL, NULL, "https://h.test/",
	    "http://p2:2" },
	{ E("https_proxy=p2:2"), NULL, NULL, "http://h.test/", NULL },
	{ E("HTTPS_PROXY=p2:2"), NULL, NULL, "https://h.test/",
	    "http://p2:2" },
	{ E("HTTP_PROXY=p1:1"), NULL, NULL, "http://h.test/",
	    "http://p1:1" },
	{ E("HTTP_PROXY=p1:1", "REQUEST_METHOD=GET"), NULL, NULL,
	    "http://h.test/", NULL },
	{ E("http_proxy=p1:1", "REQUEST_METHOD=GET"), NULL, NULL,
	    "http://h.test/", "http://p1:1" },
	{ E("HTTPS_PROXY=p2:2", "REQUEST_METHOD=GET"), NULL, NULL,
	    "https://h.test/", "http://p2:2" },
	{ E("http_proxy=p1:1", "HTTP_PROXY=p9:9"), NULL, NULL,
	    "http://h.test/", "http://p1:1" },
	{ E("https_proxy=p2:2", "HTTPS_PROXY=p9:9"), NULL, NULL,
	    "https://h.test/", "http://p2:2" },
	/* An empty lower-case value hides the upper-case one. */
	{ E("http_proxy=", "HTTP_PROXY=p9:9"), NULL, NULL,
	    "http://h.test/", NULL },
	{ E("all_proxy=p3:3"), NULL, NULL, "http://h.test/",
	    "http://p3:3" },
	{ E("ALL_PROXY=p3:3"), NULL, NULL, "https://h.test/",
	    "http://p3:3" },
	{ E("all_proxy=p3:3", "ALL_PROXY=p9:9"), NULL, NULL,
	    "https://h.test/", "http://p3:3" },
	{ E("all_proxy=p3:3", "http_proxy=p1:1"), NULL, NULL,
	    "http://h.test/", "http://p1:1" },
	{ E("all_proxy=p3:3", "http_proxy="), NULL, NULL,
	    "http://h.test/", "http://p3:3" },
	{ E("http_proxy="), NULL, NULL, "http://h.test/", NULL },
	{ E("http_proxy=http://u:p@p1"), NULL, NULL, "http://h.test/",
	    "http://p1" },
	{ E("http_proxy=HTTP://p1:1/ignored/path"), NULL, NULL,
	    "http://h.test/", "http://p1:1" },
	/* -x overrides the environment; -x '' means no proxy. */
	{ E("http_proxy=p1:1"), "px:7", NULL, "http://h.test/",
	    "http://px:7" },
	{ E(NULL), "px:7", NULL, "https://h.test/", "http://px:7" },
	{ E("http_proxy=p1:1"), "", NULL, "http://h.test/", NULL },
	/* no_proxy, NO_PROXY and --noproxy. */
	{ E("http_proxy=p1:1", "no_proxy=h.test"), NULL, NULL,
	    "http://h.test/", NULL },
	{ E("http_proxy=p1:1", "NO_PROXY=h.test"), NULL, NULL,
	    "http://h.test/", NULL },
	{ E("http_proxy=p1:1", "no_proxy=", "NO_PROXY=h.test"), NULL,
	    NULL, "http://h.test/", "http://p1:1" },
	{ E("http_proxy=p1:1", "no_proxy=x.test", "NO_PROXY=h.test"), NULL,
	    NULL, "http://h.test/", "http://p1:1" },
	{ E("no_proxy=h.test"), "px:7", NULL, "http://h.test/", NULL },
	{ E("http_proxy=p1:1", "no_proxy=h.test"), NULL, "", "http://h.test/",
	    "http://p1:1" },
	{ E("http_proxy=p1:1", "no_proxy=x.test"), NULL, "h.test",
	    "http://h.test/", NULL },
	{ E("http_proxy=p1:1"), NULL, "*", "http://h.test/", NULL },
};

Test(proxy, choice_table)
{
	struct uf_proxy_cfg	cfg;
	struct uf_proxy		*p;
	struct uf_url		u;
	size_t			i, j;
	enum uf_err		err;

	for (i = 0; i < sizeof ecases / sizeof ecases[0]; i++) {
		clean_env();
		for (j = 0; ecases[i].env[j] != NULL; j++) {
			cr_assert_eq(putenv((char *)ecases[i].env[j]), 0);
		}
		cfg.proxy = ecases[i].x;
		cfg.noproxy = ecases[i].noproxy;
		uf_proxy_cfg_env(&cfg);
		u = url(ecases[i].url);
		err = uf_proxy_for(&a, &cfg, &u, &p);
		cr_expect_eq(err, UF_OK, "case %zu: %s", i, uf_err_msg());
		if (ecases[i].want == NULL) {
			cr_expect_null(p, "case %zu: proxy %s", i,
			    p != NULL ? p->name : "");
		} else if (p == NULL) {
			cr_expect_not_null(p, "case %zu: no proxy", i);
		} else {
			cr_expect_str_eq(p->name, ecases[i].want, "case %zu",
			    i);
		}
	}
}

Test(proxy, proxy_url_errors_name_their_source)
{
	struct uf_proxy_cfg	cfg = { 0 };
	struct uf_proxy		*p;
	struct uf_url		u;

	clean_env();
	setenv("https_proxy", "socks5://p:1080", 1);
	uf_proxy_cfg_env(&cfg);
	u = url("https://h.test/");
	cr_expect_eq(uf_proxy_for(&a, &cfg, &u, &p), UF_E_USAGE);
	cr_expect_str_eq(uf_err_msg(), "proxy from https_proxy: unsupported "
	    "proxy scheme 'socks5': only http:// proxies are supported");
	clean_env();
	cfg.proxy = "http://p:99999";
	u = url("https://h.test/");
	cr_expect_eq(uf_proxy_for(&a, &cfg, &u, &p), UF_E_USAGE);
	cr_expect(strncmp(uf_err_msg(), "proxy from -x: bad proxy URL: ",
	    30) == 0, "%s", uf_err_msg());
}

Test(proxy, parse)
{
	static const struct {
		const char	*in, *name, *auth, *host;
		unsigned	port;
		enum uf_err	err;
	} cases[] = {
		{ "p.test", "http://p.test", NULL, "p.test", 80, UF_OK },
		{ "p.test:3128", "http://p.test:3128", NULL, "p.test", 3128,
		    UF_OK },
		{ "http://u:p@[::1]:8/x", "http://[::1]:8", "Basic dTpw",
		    "::1", 8, UF_OK },
		{ "HtTp://u@p.test", "http://p.test", "Basic dTo=", "p.test",
		    80, UF_OK },
		{ "https://p.test", NULL, NULL, NULL, 0, UF_E_USAGE },
		{ "socks5h://p.test", NULL, NULL, NULL, 0, UF_E_USAGE },
		{ "ftp://p.test", NULL, NULL, NULL, 0, UF_E_USAGE },
		{ "p.test:0", NULL, NULL, NULL, 0, UF_E_USAGE },
		{ "http://", NULL, NULL, NULL, 0, UF_E_USAGE },
		{ "http://u:%4@p.test", NULL, NULL, NULL, 0, UF_E_USAGE },
	};
	struct uf_proxy	p;
	size_t		i;
	enum uf_err	err;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		clean_env();
		err = uf_proxy_parse(&a, cases[i].in, "-x", &p);
		cr_expect_eq(err, cases[i].err, "%s: %s", cases[i].in,
		    uf_err_msg());
		if (err != UF_OK || cases[i].err != UF_OK) {
			continue;
		}
		cr_expect_str_eq(p.name, cases[i].name, "%s", cases[i].in);
		cr_expect_str_eq(p.url.host, cases[i].host, "%s", cases[i].in);
		cr_expect_eq(p.url.port, cases[i].port, "%s", cases[i].in);
		if (cases[i].auth == NULL) {
			cr_expect_null(p.auth, "%s", cases[i].in);
		} else {
			cr_expect_str_eq(p.auth, cases[i].auth, "%s",
			    cases[i].in);
		}
	}
}

/*
 * What only a proxy is sent.
 */

Test(proxy, absolute_form_target)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "http://h.test", "http://h.test/" },
		{ "http://u:p@h.test:8080/a/b?c#f",
		    "http://h.test:8080/a/b?c" },
		{ "http://[::1]:81/x", "http://[::1]:81/x" },
		{ "http://[fe80::1%25eth0]/", "http://[fe80::1]/" },
		{ "http://H.Test/a%20b", "http://H.Test/a%20b" },
	};
	struct uf_url	u;
	size_t		i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		clean_env();
		u = url(cases[i].in);
		cr_expect_str_eq(uf_url_absolute(&a, &u), cases[i].want, "%s",
		    cases[i].in);
	}
}

Test(proxy, connect_request)
{
	static const struct {
		const char	*url, *ua, *auth, *want;
	} cases[] = {
		{ "https://h.test/", "ua/1", NULL,
		    "CONNECT h.test:443 HTTP/1.1\r\nHost: h.test:443\r\n"
		    "User-Agent: ua/1\r\n\r\n" },
		{ "https://u:p@h.test:8443/x?y", NULL, "Basic eDp5",
		    "CONNECT h.test:8443 HTTP/1.1\r\nHost: h.test:8443\r\n"
		    "Proxy-Authorization: Basic eDp5\r\n\r\n" },
		{ "https://[fe80::1%25eth0]:9/", NULL, NULL,
		    "CONNECT [fe80::1]:9 HTTP/1.1\r\nHost: [fe80::1]:9\r\n"
		    "\r\n" },
		{ "https://127.0.0.1/", "a", "b",
		    "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n"
		    "User-Agent: a\r\nProxy-Authorization: b\r\n\r\n" },
	};
	struct uf_url	u;
	char		buf[512];
	size_t		i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		clean_env();
		u = url(cases[i].url);
		n = uf_proxy_connect_req(NULL, 0, &u, cases[i].ua,
		    cases[i].auth);
		cr_expect_eq(n, strlen(cases[i].want), "%s", cases[i].url);
		cr_assert_lt(n, sizeof buf);
		cr_expect_eq(uf_proxy_connect_req(buf, n + 1, &u, cases[i].ua,
		    cases[i].auth), n);
		cr_expect_str_eq(buf, cases[i].want, "%s", cases[i].url);
	}
}

Test(proxy, request_head_through_a_proxy)
{
	const char *const	hdrs[] = { "X-A: 1" };
	const char *const	over[] = { "proxy-authorization: mine" };
	struct uf_req		rq;
	struct uf_url		u;
	char			buf[512];
	size_t			n;

	clean_env();
	u = url("http://u:p@h.test/a?b");
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = &u;
	rq.hdrs = hdrs;
	rq.nhdrs = 1;
	rq.target = "http://h.test/a?b";
	rq.proxy_auth = "Basic cDpx";
	n = uf_http_request(buf, sizeof buf - 1, &rq);
	buf[n] = '\0';
	cr_expect_str_eq(buf, "GET http://h.test/a?b HTTP/1.1\r\n"
	    "Host: h.test\r\nAccept-Encoding: identity\r\n"
	    "Connection: close\r\nProxy-Authorization: Basic cDpx\r\n"
	    "X-A: 1\r\n\r\n");
	/* A -H of that name replaces ours. */
	rq.hdrs = over;
	n = uf_http_request(buf, sizeof buf - 1, &rq);
	buf[n] = '\0';
	cr_expect_str_eq(buf, "GET http://h.test/a?b HTTP/1.1\r\n"
	    "Host: h.test\r\nAccept-Encoding: identity\r\n"
	    "Connection: close\r\nproxy-authorization: mine\r\n\r\n");
}

/*
 * Basic credentials (RFC 7617).
 */

Test(auth, basic_table)
{
	static const struct {
		const char	*in, *want;	/* want NULL: refused */
	} cases[] = {
		{ "Aladdin:open%20sesame",
		    "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==" },
		{ "Aladdin:open sesame", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==" },
		{ "u:p", "Basic dTpw" },
		{ "u:", "Basic dTo=" },
		{ "u", "Basic dTo=" },
		{ ":p", "Basic OnA=" },
		{ "", "Basic Og==" },
		{ "us%40r:p%3Ass", "Basic dXNAcjpwOnNz" },
		{ "u:a:b", "Basic dTphOmI=" },
		{ "%75%2f:%7E", "Basic dS86fg==" },
		{ "ab:cd", "Basic YWI6Y2Q=" },
		{ "abc:de", "Basic YWJjOmRl" },
		{ "%C3%A9:x", "Basic w6k6eA==" },
		/* Refused: a colon in the user, control bytes, bad escapes. */
		{ "u%3Ax:p", NULL },
		{ "u%3ax:p", NULL },
		{ "u%00:p", NULL },
		{ "u:p%00", NULL },
		{ "u:p%0A", NULL },
		{ "u:p%7f", NULL },
		{ "u:%", NULL },
		{ "u:%4", NULL },
		{ "u%:p", NULL },
		{ "u:%G1", NULL },
		{ "u:%1G", NULL },
		{ "u:p%", NULL },
	};
	char	buf[128];
	size_t	i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(buf, 'Z', sizeof buf);
		n = uf_basic_auth(buf, sizeof buf, cases[i].in);
		if (cases[i].want == NULL) {
			cr_expect_eq(n, 0, "\"%s\" gave \"%s\"", cases[i].in,
			    buf);
			continue;
		}
		cr_expect_eq(n, strlen(cases[i].want), "\"%s\"", cases[i].in);
		cr_expect_str_eq(buf, cases[i].want, "\"%s\"", cases[i].in);
	}
}

Test(auth, basic_buffer_bounds)
{
	char	buf[16];

	/* "Basic dTpw" is 10 bytes and its NUL one more. */
	cr_expect_eq(uf_basic_auth(buf, 11, "u:p"), 10);
	cr_expect_str_eq(buf, "Basic dTpw");
	memset(buf, 'Z', sizeof buf);
	cr_expect_eq(uf_basic_auth(buf, 10, "u:p"), 0);
	cr_expect_eq(buf[0], 'Z', "wrote into a buffer too small");
	cr_expect_eq(uf_basic_auth(buf, 0, "u:p"), 0);
}
