/*
 * test_redirect.c: redirects, against scripted servers on 127.0.0.1.
 *
 * The rows r, r11, rloop, r308, rP307, rP302/303, rfile and rdata of
 * notes/urlopen-semantics.md section 9, with the request bytes of each
 * follow-up; where CONTRACT section 5 differs from urlopen (307 and 308
 * resend a POST's body) the contract's behaviour is tested.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "srv.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OK200(body)	"HTTP/1.1 200 OK\r\nContent-Length: " body

/* Does s start with prefix? */
#define starts(s, prefix)	(strncmp((s), (prefix), strlen(prefix)) == 0)

static struct run	r;
static char		url[256], url2[256], want[1024];

/* Redirects for the first n requests, each to a new "/rN", then "done". */
#define CHAIN(code, n)	{ S_READ, S_REDIRECT((code), (n), NULL), \
			  S_SEND(OK200("4\r\n\r\ndone")), S_END }

Test(redirect, ten_redirects_are_followed)
{
	static const struct srv_step	steps[] = CHAIN(302, 10);
	struct srv			s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(0, NULL);
	expect_out("done");
	cr_expect_eq(s.nreq, 11);
	cr_expect(starts(s.last_req, "GET /r10 HTTP/1.1\r\n"),
	    "%s", s.last_req);
}

Test(redirect, the_eleventh_fails_with_7_after_11_requests)
{
	static const struct srv_step	steps[] = CHAIN(302, 11);
	struct srv			s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(7, "too many redirects (10)");
	expect_out("");
	cr_expect_eq(s.nreq, 11);
}

/*
 * Chains that end in exit 7 with nothing written: a URL that comes back
 * a fifth time (urlopen's rloop: 5 requests), a scheme other than http
 * and https (rfile, rdata), a target that is not a URL.
 */
Test(redirect, refused_targets_end_with_7)
{
	static const struct {
		unsigned	times;	/* the server redirects this often */
		const char	*to, *path, *msg;
		int		nreq;
	} rows[] = {
		{ 1000, "/self", "/self", "redirect loop", 5 },
		{ 1, "file:///etc/passwd", "/",
		    "redirect to file:///etc/passwd refused", 1 },
		{ 1, "data:,hello", "/", "redirect to data:,hello refused", 1 },
		{ 1, "/a b", "/", "bad redirect target", 1 },
	};
	struct srv_step	steps[] = {
		S_READ, S_REDIRECT(302, 0, NULL), S_END
	};
	struct srv	s;
	size_t		i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		steps[1].len = rows[i].times;
		steps[1].data = rows[i].to;
		run_srv(&r, &s, steps, NULL, rows[i].path);
		expect_exit(7, rows[i].msg);
		expect_out("");
		cr_expect_eq(s.nreq, rows[i].nreq, "%s", rows[i].to);
	}
}

/*
 * A host name TLS cannot carry, named by the server in a redirect, is
 * the server's error (7), also through a proxy: there the CONNECT
 * tunnel once opened and TLS then called it a usage error (2). The
 * "proxy" answers the first request with the redirect and CONNECT with
 * 200. Given by the user, the same URL is a usage error.
 */
Test(redirect, a_host_name_too_long_is_7_from_a_server_and_2_from_us)
{
	static char	to[400];
	struct srv_step	steps[] = {
		S_READ, S_REDIRECT(302, 1, to),
		S_SEND("HTTP/1.1 200 Connection established\r\n\r\n"),
		S_HOLD, S_END
	};
	struct srv	s;
	char		proxy[64];
	int		i;

	memcpy(to, "https://", 8);
	for (i = 0; i < 5; i++) {
		memset(to + 8 + i * 61, 'a', 60);
		to[8 + i * 61 + 60] = '.';
	}
	memcpy(to + 8 + 5 * 61, "example/", 9);
	cr_assert_eq(srv_start(&s, steps), 0);
	snprintf(proxy, sizeof proxy, "http://127.0.0.1:%u", s.port);
	run_ufetch(&r, NULL, ARGS("-x", proxy, "http://origin.test/"));
	srv_stop(&s);
	expect_exit(7, "bad redirect target https://aaa");
	cr_expect(strstr(r.err, "host name longer than 253 bytes") != NULL,
	    "%s", r.err);
	cr_expect_eq(s.nconn, 1, "no CONNECT");

	run_ufetch(&r, NULL, ARGS("-x", proxy, to));
	expect_exit(2, "host name longer than 253 bytes");
}

Test(redirect, max_redirs_0_returns_the_3xx_itself)
{
	static const struct srv_step	steps[] = CHAIN(301, 1);
	struct srv			s;

	run_srv(&r, &s, steps, ARGS("--max-redirs", "0"), "/");
	expect_exit(0, NULL);
	expect_out("moved");
	cr_expect_eq(s.nreq, 1);
}

Test(redirect, max_redirs_counts_hops)
{
	static const struct srv_step	steps[] = CHAIN(307, 3);
	struct srv			s;

	run_srv(&r, &s, steps, ARGS("--max-redirs=2"), "/");
	expect_exit(7, "too many redirects (2)");
	cr_expect_eq(s.nreq, 3);
	run_srv(&r, &s, steps, ARGS("--max-redirs=3"), "/");
	expect_exit(0, NULL);
	expect_out("done");
}

Test(redirect, relative_targets_are_resolved)
{
	static const struct srv_step	steps[] = {
		S_READ, S_REDIRECT(301, 1, "../x/./y?q=1#frag"),
		S_SEND(OK200("4\r\n\r\ndone")), S_END
	};
	struct srv			s;

	run_srv(&r, &s, steps, NULL, "/a/b/c");
	expect_exit(0, NULL);
	snprintf(want, sizeof want, "GET /a/x/y?q=1 HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%u\r\n", s.port);
	cr_expect(starts(s.last_req, want), "%s",
	    s.last_req);
}

Test(redirect, a_3xx_without_location_is_the_final_response)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 302 Found\r\nContent-Length: 2\r\n\r\n"
		    "hi"), S_END
	};
	struct srv			s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(0, NULL);
	expect_out("hi");
}

/*
 * A POST of "a=1&b=2" answered with code: the follow-up request starts
 * with line, has Content-* headers or not, and a body of body2 bytes.
 */
static void
post_then(int code, const char *line, int content, size_t body2)
{
	static const struct srv_step	p301[] = CHAIN(301, 1);
	static const struct srv_step	p302[] = CHAIN(302, 1);
	static const struct srv_step	p303[] = CHAIN(303, 1);
	static const struct srv_step	p307[] = CHAIN(307, 1);
	static const struct srv_step	p308[] = CHAIN(308, 1);
	const struct srv_step		*steps = code == 301 ? p301
	    : code == 302 ? p302 : code == 303 ? p303 : code == 307 ? p307
	    : p308;
	struct srv			s;

	run_srv(&r, &s, steps, ARGS("-d", "a=1&b=2", "-H",
	    "Content-Type: text/plain"), "/f");
	expect_exit(0, NULL);
	expect_out("done");
	cr_expect_eq(s.nreq, 2);
	cr_expect(starts(s.req, "POST /f HTTP/1.1\r\n"));
	cr_expect(starts(s.last_req, line), "%d: %s",
	    code, s.last_req);
	cr_expect_eq(strstr(s.last_req, "\r\nContent-Type: text/plain\r\n")
	    != NULL, content, "%d: %s", code, s.last_req);
	cr_expect_eq(strstr(s.last_req, "\r\nContent-Length: 7\r\n")
	    != NULL, content, "%d: %s", code, s.last_req);
	cr_expect_eq(s.body_len, body2, "%d", code);
	if (body2 > 0) {
		cr_expect(memcmp(s.body, "a=1&b=2", 7) == 0);
	}
}

Test(redirect, post_becomes_get_without_body_after_301_302_303)
{
	post_then(301, "GET /r1 HTTP/1.1\r\n", 0, 0);
	post_then(302, "GET /r1 HTTP/1.1\r\n", 0, 0);
	post_then(303, "GET /r1 HTTP/1.1\r\n", 0, 0);
}

Test(redirect, post_is_resent_with_its_body_after_307_308)
{
	post_then(307, "POST /r1 HTTP/1.1\r\n", 1, 7);
	post_then(308, "POST /r1 HTTP/1.1\r\n", 1, 7);
}

Test(redirect, a_file_body_is_resent_whole_after_307)
{
	static const struct srv_step	steps[] = CHAIN(307, 1);
	static char			buf[300000];
	struct srv			s;
	size_t				i;
	FILE				*fp;

	for (i = 0; i < sizeof buf; i++) {
		buf[i] = (char)(i * 13 + (i >> 9));	/* NULs, CRs, LFs */
	}
	in_tmpdir();
	fp = fopen("body", "wb");
	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(buf, 1, sizeof buf, fp), sizeof buf);
	fclose(fp);
	run_srv(&r, &s, steps, ARGS("-X", "PUT", "-d", "@body"), "/");
	expect_exit(0, NULL);
	cr_expect_eq(s.nreq, 2);
	cr_expect(starts(s.last_req, "PUT /r1 HTTP/1.1\r\n"));
	cr_expect_eq(s.body_len, sizeof buf);
	cr_expect_eq(s.body_hash, srv_hash(buf, sizeof buf));
}

Test(redirect, head_stays_head_after_303_and_heads_are_printed)
{
	static const struct srv_step	steps[] = {
		S_READ, S_REDIRECT(303, 1, NULL),
		S_SEND("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"),
		S_END
	};
	struct srv			s;

	run_srv(&r, &s, steps, ARGS("-I"), "/");
	expect_exit(0, NULL);
	cr_expect(starts(s.last_req, "HEAD /r1 HTTP/1.1\r\n"));
	cr_expect_str_eq(r.out, "HTTP/1.1 303 Moved\r\nLocation: /r1\r\n"
	    "Content-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\n"
	    "Content-Length: 4\r\n\r\n");
}

/*
 * -i writes the heads of the whole chain, as curl -iL, but only when
 * the fetch succeeds: with a final 404 nothing at all, not even the
 * 302's head (the manual: nothing on an HTTP error). A 302 without
 * Location is the final response, and its head is written.
 */
Test(redirect, include_writes_the_chain_only_when_it_succeeds)
{
	static const struct srv_step	ok[] = {
		S_READ, S_REDIRECT(301, 2, NULL),
		S_SEND(OK200("4\r\n\r\ndone")), S_END
	};
	static const struct srv_step	nf[] = {
		S_READ, S_REDIRECT(302, 1, NULL),
		S_SEND("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\n"
		    "gone"), S_END
	};
	static const struct srv_step	final[] = {
		S_READ, S_SEND("HTTP/1.1 302 Found\r\nX-A: 1\r\n"
		    "Content-Length: 2\r\n\r\nhi"), S_END
	};
	struct srv			s;

	run_srv(&r, &s, ok, ARGS("-i"), "/");
	expect_exit(0, NULL);
	expect_out("HTTP/1.1 301 Moved\r\nLocation: /r1\r\n"
	    "Content-Length: 5\r\n\r\nHTTP/1.1 301 Moved\r\n"
	    "Location: /r2\r\nContent-Length: 5\r\n\r\n"
	    "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");

	run_srv(&r, &s, nf, ARGS("-i"), "/");
	expect_exit(8, "HTTP Error 404");
	expect_out("");
	run_srv(&r, &s, nf, ARGS("-I"), "/");
	expect_exit(8, "HTTP Error 404");
	expect_out("");
	in_tmpdir();
	run_srv(&r, &s, nf, ARGS("-i", "-o", "f"), "/");
	expect_exit(8, "HTTP Error 404");
	cr_expect_neq(access("f", F_OK), 0);
	cr_expect_neq(access("f.part", F_OK), 0);

	run_srv(&r, &s, ok, ARGS("-i", "--max-redirs", "1"), "/");
	expect_exit(7, "too many redirects (1)");
	expect_out("");

	run_srv(&r, &s, final, ARGS("-i"), "/");
	expect_exit(0, NULL);
	expect_out("HTTP/1.1 302 Found\r\nX-A: 1\r\nContent-Length: 2\r\n"
	    "\r\nhi");
}

/*
 * A redirect's head of n bytes (an X-Big field of 'x') to the server
 * next, in buf; its step in *st.
 */
static void
big_redirect(char *buf, size_t cap, size_t n, const struct srv *next,
    struct srv_step *st)
{
	char	to[64];
	int	len;

	len = snprintf(buf, cap, "HTTP/1.1 302 Found\r\nLocation: %s\r\n"
	    "Content-Length: 0\r\nX-Big: ", srv_url(to, sizeof to, next, "/"));
	cr_assert_lt((size_t)len + n + 4, cap);
	memset(buf + len, 'x', n);
	memcpy(buf + len + n, "\r\n\r\n", 4);
	*st = (struct srv_step){ OP_SEND, buf, (size_t)len + n + 4, 0 };
}

/*
 * The heads held for -i live in the arena: two redirects with heads of
 * 10 KB fit, and are written; two of a third of the arena each do not,
 * which is exit 7 with a message and nothing written.
 */
Test(redirect, include_holds_the_heads_in_the_arena)
{
	static char			h1[65536], h2[65536];
	static const struct srv_step	done[] = {
		S_READ, S_SEND(OK200("4\r\n\r\ndone")), S_END
	};
	struct srv_step	s1[] = { S_READ, S_END, S_END };
	struct srv_step	s2[] = { S_READ, S_END, S_END };
	struct srv	a, b, c;
	size_t		size[] = { 10000, UFETCH_ARENA_SIZE / 3 }, i;

	for (i = 0; i < 2; i++) {
		cr_assert_eq(srv_start(&c, done), 0);
		big_redirect(h2, sizeof h2, size[i], &c, &s2[1]);
		cr_assert_eq(srv_start(&b, s2), 0);
		big_redirect(h1, sizeof h1, size[i], &b, &s1[1]);
		run_srv(&r, &a, s1, ARGS("-i"), "/");
		srv_stop(&b);
		srv_stop(&c);
		if (i == 0) {
			expect_exit(0, NULL);
			cr_expect_eq(r.out_len, s1[1].len + s2[1].len + 42,
			    "%zu bytes", r.out_len);
			cr_expect(memcmp(r.out, h1, s1[1].len) == 0
			    && memcmp(r.out + s1[1].len, h2, s2[1].len) == 0);
			cr_expect(r.out_len > 4 && memcmp(r.out + r.out_len - 4,
			    "done", 4) == 0);
		} else {
			expect_exit(7, "the response heads of the redirects "
			    "do not fit in the arena");
			expect_out("");
		}
	}
}

/*
 * Credentials typed for one origin stay there: -H Authorization and
 * Cookie are not sent to another port; other headers are.
 */
Test(redirect, credentials_stay_with_their_origin)
{
	static const struct srv_step	end[] = {
		S_READ, S_SEND(OK200("4\r\n\r\ndone")), S_END
	};
	struct srv_step			hop[] = {
		S_READ, S_REDIRECT(302, 1, NULL), S_END
	};
	struct srv			s, s2;

	cr_assert_eq(srv_start(&s2, end), 0);
	hop[1].data = srv_url(url2, sizeof url2, &s2, "/there");
	cr_assert_eq(srv_start(&s, hop), 0);
	run_ufetch(&r, NULL, ARGS("-H", "Authorization: Bearer t", "-H",
	    "Cookie: c=1", "-H", "X-Other: y", srv_url(url, sizeof url, &s,
	    "/")));
	srv_stop(&s);
	srv_stop(&s2);
	expect_exit(0, NULL);
	expect_out("done");
	cr_expect_not_null(strstr(s.req, "\r\nAuthorization: Bearer t\r\n"));
	cr_expect_not_null(strstr(s.req, "\r\nCookie: c=1\r\n"));
	cr_expect(starts(s2.req, "GET /there HTTP/1.1\r\n"));
	cr_expect_not_null(strstr(s2.req, "\r\nX-Other: y\r\n"));
	cr_expect_null(strstr(s2.req, "Authorization"), "%s", s2.req);
	cr_expect_null(strstr(s2.req, "Cookie"), "%s", s2.req);
}

/* Each hop gets T afresh; -m bounds the whole chain. */
Test(redirect, max_time_spans_the_chain)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SLEEP(200), S_REDIRECT(302, 10, NULL),
		S_SEND(OK200("4\r\n\r\ndone")), S_END
	};
	struct srv			s;

	run_srv(&r, &s, steps, ARGS("-t", "0.3"), "/");
	expect_exit(0, NULL);
	expect_out("done");
	run_srv(&r, &s, steps, ARGS("-t", "0.3", "-m", "0.7"), "/");
	expect_exit(9, "timed out");
	expect_secs(0.7);
}

/*
 * Basic credentials from the URL (CONTRACT 2): percent-decoded, sent
 * on the origin of the URL asked for, never after a redirect to another.
 */
Test(redirect, url_credentials_go_to_their_origin_only)
{
	static const struct srv_step	end[] = {
		S_READ, S_SEND(OK200("4\r\n\r\ndone")), S_END
	};
	struct srv_step			hop[] = {
		S_READ, S_REDIRECT(302, 1, "/same"), S_REDIRECT(302, 2, NULL),
		S_END
	};
	struct srv			s, s2;

	cr_assert_eq(srv_start(&s2, end), 0);
	hop[2].data = srv_url(url2, sizeof url2, &s2, "/there");
	cr_assert_eq(srv_start(&s, hop), 0);
	snprintf(url, sizeof url, "http://us%%40er:p%%3Ass@127.0.0.1:%u/",
	    s.port);
	run_ufetch(&r, NULL, ARGS(url));
	srv_stop(&s);
	srv_stop(&s2);
	expect_exit(0, NULL);
	expect_out("done");
	/* base64("us@er:p:ss") */
	cr_expect_not_null(strstr(s.req, "\r\nAuthorization: Basic "
	    "dXNAZXI6cDpzcw==\r\n"), "%s", s.req);
	cr_expect(starts(s.last_req, "GET /same HTTP/1.1\r\n"));
	cr_expect_not_null(strstr(s.last_req, "Authorization: Basic "
	    "dXNAZXI6cDpzcw=="), "kept on the same origin: %s", s.last_req);
	cr_expect(starts(s2.req, "GET /there HTTP/1.1\r\n"));
	cr_expect_null(strstr(s2.req, "Authorization"), "%s", s2.req);
}

Test(redirect, a_header_replaces_url_credentials)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv			s;

	cr_assert_eq(srv_start(&s, ok), 0);
	snprintf(url, sizeof url, "http://u:p@127.0.0.1:%u/", s.port);
	run_ufetch(&r, NULL, ARGS("-H", "Authorization: Bearer t", url));
	srv_stop(&s);
	expect_exit(0, NULL);
	cr_expect_not_null(strstr(s.req, "\r\nAuthorization: Bearer t\r\n"));
	cr_expect_null(strstr(s.req, "Basic"));
}

Test(redirect, bad_credentials_are_refused_and_passwords_hidden)
{
	unsigned short	port = srv_refused_port();

	snprintf(url, sizeof url, "http://u%%0a:p@127.0.0.1:%u/", port);
	run_ufetch(&r, NULL, ARGS(url));
	expect_exit(2, "bad user name or password");
	snprintf(url, sizeof url, "http://user:s3cret@127.0.0.1:%u/", port);
	run_ufetch(&r, NULL, ARGS(url));
	expect_exit(4, "http://user:***@127.0.0.1:");
	cr_expect_null(strstr(r.err, "s3cret"), "%s", r.err);
}

/*
 * User info is taken up to 1023 bytes as written; a longer one (a
 * 2000-byte password) is refused for its length, and says so.
 */
Test(redirect, credentials_over_the_length_limit_say_so)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	static char	u[3000];
	struct srv	s;
	int		n;

	cr_assert_eq(srv_start(&s, steps), 0);
	n = snprintf(u, sizeof u, "http://u:");
	memset(u + n, 'p', 1021);
	snprintf(u + n + 1021, sizeof u - (size_t)n - 1021, "@127.0.0.1:%u/",
	    s.port);
	run_ufetch(&r, NULL, ARGS(u));
	expect_exit(0, NULL);
	cr_expect_not_null(strstr(s.req, "\r\nAuthorization: Basic dTpwcH"),
	    "%s", s.req);
	srv_stop(&s);

	memset(u + n, 'p', 2000);
	snprintf(u + n + 2000, sizeof u - (size_t)n - 2000, "@127.0.0.1:%u/",
	    srv_refused_port());
	run_ufetch(&r, NULL, ARGS(u));
	expect_exit(2, "user name and password in the URL are 2002 bytes, "
	    "over the limit of 1023");
	run_ufetch(&r, NULL, ARGS("-x", u, "http://127.0.0.1:1/"));
	expect_exit(2, "credentials in the proxy URL are 2002 bytes, over "
	    "the limit of 1023");
}

/* An https URL that redirects to plain http is followed, with a note. */
Test(redirect, a_downgrade_to_http_is_followed_and_noted)
{
	static const struct srv_tls	tls = {
		{ "leaf-ec.der", "int.der" }, "leaf-ec.key.der", NULL, 0 };
	static const struct srv_step	end[] = {
		S_READ, S_SEND(OK200("4\r\n\r\ndone")), S_END
	};
	struct srv_step			hop[] = {
		S_READ, S_REDIRECT(302, 1, NULL), S_END
	};
	struct srv			s, s2;
	char				ca[4096 + 64];

	pki(ca, sizeof ca, "ca.pem");
	cr_assert_eq(srv_start(&s2, end), 0);
	hop[1].data = srv_url(url2, sizeof url2, &s2, "/plain");
	cr_assert_eq(srv_start_tls(&s, hop, &tls), 0);
	snprintf(url, sizeof url, "https://localhost:%u/", s.port);
	run_ufetch(&r, NULL, ARGS("-v", "--cacert", ca, url));
	srv_stop(&s);
	srv_stop(&s2);
	cr_expect_eq(r.code, 0, "%s", r.err);
	expect_out("done");
	cr_expect_not_null(strstr(r.err, "* warning: redirected from https "
	    "to plain http"), "%s", r.err);
	cr_expect_eq(s2.nreq, 1);
}
