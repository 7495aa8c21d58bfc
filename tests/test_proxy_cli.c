/*
 * test_proxy_cli.c: the real binary through a proxy in this process
 * (proxy_srv.c) to scripted origins on 127.0.0.1 (CONTRACT section 8),
 * and against scripted servers playing a broken proxy.
 *
 * CONNECT timeouts follow urlopen-semantics.md row p9 with T = 0.3 s.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "proxy_srv.h"
#include "srv.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define ENV(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OK200(body)	"HTTP/1.1 200 OK\r\nContent-Length: " body

static struct run	r;
static struct srv	s;
static struct psrv	px;
static char		url[256], purl[256], pvar[300], nvar[300], want[512];
static char		cafile[4096 + 64];

static const struct srv_step	hello[] = {
	S_READ, S_SEND(OK200("6\r\n\r\nhello\n")), S_END
};

static const struct srv_tls	tls_ec = {
	{ "leaf-ec.der", "int.der" }, "leaf-ec.key.der", NULL, 0 };
static const struct srv_tls	tls_wrongname = {
	{ "wrongname.der", "int.der" }, "wrongname.key.der", NULL, 0 };

static const char *
ca(void)
{
	return pki(cafile, sizeof cafile, "ca.pem");
}

/* The origin s (plain, or TLS with tls) and the proxy px in mode. */
static void
start(const struct srv_tls *tls, enum psrv_mode mode)
{
	if (tls != NULL) {
		cr_assert_eq(srv_start_tls(&s, hello, tls), 0);
	} else {
		cr_assert_eq(srv_start(&s, hello), 0);
	}
	cr_assert_eq(psrv_start(&px, mode), 0);
}

static void
stop(void)
{
	psrv_stop(&px);
	srv_stop(&s);
}

static const char *
https(const char *host, unsigned port, const char *path)
{
	snprintf(url, sizeof url, "https://%s:%u%s", host, port, path);
	return url;
}

/*
 * https://localhost:PORT/path of the origin through -x, trusting the
 * test root, with per-step timeout t (and -m when max is not NULL).
 */
static void
fetch_via_x(const char *t, const char *max, const char *path)
{
	char	p[256];

	psrv_url(p, sizeof p, &px, NULL);
	https("localhost", s.port, path);
	if (max != NULL) {
		run_ufetch(&r, NULL, ARGS("-t", t, "-m", max, "--cacert", ca(),
		    "-x", p, url));
	} else {
		run_ufetch(&r, NULL, ARGS("-t", t, "--cacert", ca(), "-x", p,
		    url));
	}
}

/* "NAME=" and the proxy's URL (with userinfo, if any), in buf. */
static const char *
proxy_var(char *buf, size_t cap, const char *name, const char *userinfo)
{
	char	u[256];

	snprintf(buf, cap, "%s=%s", name, psrv_url(u, sizeof u, &px,
	    userinfo));
	return buf;
}

/* The proxy saw exactly n requests, each with this request line. */
static void
expect_lines(const char *fmt, unsigned port, int n)
{
	char	line[512];
	int	i;

	snprintf(line, sizeof line, fmt, port);
	cr_expect_eq(px.nreq, n, "proxy saw %d requests", px.nreq);
	for (i = 0; i < n && i < px.nreq; i++) {
		cr_expect_str_eq(px.line[i], line);
	}
}

/* The proxy saw exactly one request, with this request line. */
static void
expect_line(const char *fmt, unsigned port)
{
	expect_lines(fmt, port, 1);
}

/*
 * A tunnel to our TLS test server, BearSSL's, which has no TLS 1.3:
 * ufetch's TLS 1.3 offer is declined on the first tunnel, and the TLS
 * 1.2 handshake goes through a second one.
 */
static void
expect_tunnels(unsigned port)
{
	expect_lines("CONNECT localhost:%u HTTP/1.1", port, 2);
}

/* Went directly: the proxy saw no connection, the origin one request. */
static void
expect_direct(void)
{
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect_eq(px.nconn, 0, "the proxy was used");
	cr_expect_eq(s.nreq, 1);
}

/*
 * Plain http: absolute form to the proxy.
 */

Test(proxy, http_with_x_sends_absolute_form)
{
	start(NULL, PSRV_RELAY);
	run_ufetch(&r, NULL, ARGS("-x", psrv_url(purl, sizeof purl, &px,
	    NULL), srv_url(url, sizeof url, &s, "/a/b?c=1#frag")));
	stop();
	expect_exit(0, NULL);
	expect_out("hello\n");
	expect_line("GET http://127.0.0.1:%u/a/b?c=1 HTTP/1.1", s.port);
	cr_expect_str_eq(px.auth, "");
	snprintf(want, sizeof want, "GET /a/b?c=1 HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%u\r\n", s.port);
	cr_expect(strncmp(s.req, want, strlen(want)) == 0, "origin saw %s",
	    s.req);
}

Test(proxy, http_proxy_from_the_environment)
{
	start(NULL, PSRV_RELAY);
	run_ufetch_env(&r, NULL, ENV(proxy_var(pvar, sizeof pvar,
	    "http_proxy", NULL)), ARGS(srv_url(url, sizeof url, &s, "/x")));
	stop();
	expect_exit(0, NULL);
	expect_out("hello\n");
	expect_line("GET http://127.0.0.1:%u/x HTTP/1.1", s.port);
}

Test(proxy, proxy_without_scheme_is_http)
{
	start(NULL, PSRV_RELAY);
	snprintf(purl, sizeof purl, "127.0.0.1:%u", px.port);
	run_ufetch(&r, NULL, ARGS("-x", purl, srv_url(url, sizeof url, &s,
	    "/")));
	stop();
	expect_exit(0, NULL);
	expect_line("GET http://127.0.0.1:%u/ HTTP/1.1", s.port);
}

Test(proxy, upper_case_http_proxy_used_unless_cgi)
{
	start(NULL, PSRV_RELAY);
	run_ufetch_env(&r, NULL, ENV(proxy_var(pvar, sizeof pvar,
	    "HTTP_PROXY", NULL)), ARGS(srv_url(url, sizeof url, &s, "/")));
	cr_expect_eq(px.nreq, 1, "HTTP_PROXY was not used");
	run_ufetch_env(&r, NULL, ENV(pvar, "REQUEST_METHOD=GET"),
	    ARGS(url));
	stop();
	expect_exit(0, NULL);
	cr_expect_eq(px.nreq, 1, "HTTP_PROXY was used under CGI");
	cr_expect_eq(s.nreq, 2);
}

Test(proxy, lower_case_wins_and_all_proxy_is_the_fallback)
{
	start(NULL, PSRV_RELAY);
	snprintf(nvar, sizeof nvar, "HTTP_PROXY=http://127.0.0.1:%u",
	    srv_refused_port());
	run_ufetch_env(&r, NULL, ENV(proxy_var(pvar, sizeof pvar,
	    "http_proxy", NULL), nvar), ARGS(srv_url(url, sizeof url, &s,
	    "/")));
	expect_exit(0, NULL);
	cr_expect_eq(px.nreq, 1);
	run_ufetch_env(&r, NULL, ENV(proxy_var(pvar, sizeof pvar,
	    "all_proxy", NULL)), ARGS(url));
	stop();
	expect_exit(0, NULL);
	cr_expect_eq(px.nreq, 2, "all_proxy was not used");
}

Test(proxy, x_overrides_the_environment_and_empty_x_means_none)
{
	start(NULL, PSRV_RELAY);
	snprintf(pvar, sizeof pvar, "http_proxy=http://127.0.0.1:%u",
	    srv_refused_port());
	run_ufetch_env(&r, NULL, ENV(pvar), ARGS("-x", psrv_url(purl,
	    sizeof purl, &px, NULL), srv_url(url, sizeof url, &s, "/")));
	expect_exit(0, NULL);
	cr_expect_eq(px.nreq, 1);
	run_ufetch_env(&r, NULL, ENV(pvar), ARGS("-x", "", url));
	stop();
	expect_exit(0, NULL);
	cr_expect_eq(px.nreq, 1);
	cr_expect_eq(s.nreq, 2);
}

Test(proxy, credentials_go_to_the_proxy_decoded)
{
	start(NULL, PSRV_RELAY);
	run_ufetch(&r, NULL, ARGS("-x", psrv_url(purl, sizeof purl, &px,
	    "us%40r:p%3Ass"), srv_url(url, sizeof url, &s, "/")));
	stop();
	expect_exit(0, NULL);
	/* urlopen's measured example: us@r:p:ss. */
	cr_expect_str_eq(px.auth, "Basic dXNAcjpwOnNz");
}

/*
 * no_proxy and --noproxy.
 */

Test(proxy, no_proxy_ip_literal_goes_direct_without_credentials)
{
	start(NULL, PSRV_RELAY);
	run_ufetch_env(&r, NULL, ENV(proxy_var(pvar, sizeof pvar,
	    "http_proxy", "u:p"), "no_proxy=example.com, 127.0.0.1"),
	    ARGS(srv_url(url, sizeof url, &s, "/")));
	stop();
	expect_direct();
	cr_expect(strstr(s.req, "Proxy-Authorization") == NULL,
	    "origin saw %s", s.req);
}

Test(proxy, no_proxy_star_and_upper_case)
{
	start(NULL, PSRV_RELAY);
	run_ufetch_env(&r, NULL, ENV(proxy_var(pvar, sizeof pvar,
	    "http_proxy", NULL), "NO_PROXY=*"), ARGS(srv_url(url,
	    sizeof url, &s, "/")));
	stop();
	expect_direct();
}

Test(proxy, no_proxy_matches_on_label_boundaries)
{
	start(NULL, PSRV_RELAY);
	snprintf(url, sizeof url, "http://localhost:%u/", s.port);
	/* "calhost" is not a domain that holds "localhost". */
	run_ufetch_env(&r, NULL, ENV(proxy_var(pvar, sizeof pvar,
	    "http_proxy", NULL), "no_proxy=calhost,127.0.0.1:1"),
	    ARGS(url));
	expect_exit(0, NULL);
	cr_expect_eq(px.nreq, 1, "no_proxy matched inside a label");
	run_ufetch_env(&r, NULL, ENV(pvar, "no_proxy=.LocalHost"),
	    ARGS(url));
	stop();
	expect_exit(0, NULL);
	cr_expect_eq(px.nreq, 1, ".localhost did not match");
	cr_expect_eq(s.nreq, 2);
}

Test(proxy, noproxy_option_overrides_no_proxy)
{
	start(NULL, PSRV_RELAY);
	run_ufetch_env(&r, NULL, ENV(proxy_var(pvar, sizeof pvar,
	    "http_proxy", NULL), "no_proxy=127.0.0.1"), ARGS("--noproxy",
	    "", srv_url(url, sizeof url, &s, "/")));
	expect_exit(0, NULL);
	cr_expect_eq(px.nreq, 1, "no_proxy was used under --noproxy ''");
	run_ufetch(&r, NULL, ARGS("-x", psrv_url(purl, sizeof purl, &px,
	    NULL), "--noproxy", "localhost, 127.0.0.1", url));
	stop();
	expect_exit(0, NULL);
	cr_expect_eq(px.nreq, 1, "--noproxy was not used");
	cr_expect_eq(s.nreq, 2);
}

/*
 * https: CONNECT, then TLS checked against the origin.
 */

Test(proxy, https_through_connect_checks_the_origin)
{
	start(&tls_ec, PSRV_RELAY);
	fetch_via_x("2", NULL, "/p?q");
	stop();
	expect_exit(0, NULL);
	expect_out("hello\n");
	expect_tunnels(s.port);
	cr_expect_str_eq(s.sni, "localhost");
	snprintf(want, sizeof want, "GET /p?q HTTP/1.1\r\n"
	    "Host: localhost:%u\r\n", s.port);
	cr_expect(strncmp(s.req, want, strlen(want)) == 0, "origin saw %s",
	    s.req);
}

Test(proxy, https_proxy_credentials_stay_on_the_proxy_hop)
{
	start(&tls_ec, PSRV_RELAY);
	run_ufetch_env(&r, NULL, ENV(proxy_var(pvar, sizeof pvar,
	    "https_proxy", "u:p")), ARGS("-t", "2", "--cacert", ca(),
	    https("localhost", s.port, "/")));
	stop();
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect_str_eq(px.auth, "Basic dTpw");
	cr_expect(s.nreq == 1 && strstr(s.req, "Proxy-Authorization")
	    == NULL, "origin saw %s", s.req);
}

Test(proxy, http_proxy_does_not_apply_to_https)
{
	start(&tls_ec, PSRV_RELAY);
	run_ufetch_env(&r, NULL, ENV(proxy_var(pvar, sizeof pvar,
	    "http_proxy", NULL)), ARGS("-t", "2", "--cacert", ca(),
	    https("localhost", s.port, "/")));
	stop();
	expect_direct();
}

Test(proxy, wrong_name_through_the_tunnel_is_a_certificate_error)
{
	start(&tls_wrongname, PSRV_RELAY);
	fetch_via_x("2", NULL, "/");
	stop();
	expect_exit(5, "localhost");
	expect_tunnels(s.port);
	cr_expect_eq(s.nreq, 0);
}

Test(proxy, connect_never_answered_times_out_at_T)
{
	start(&tls_ec, PSRV_HOLD);
	fetch_via_x("0.3", NULL, "/");
	stop();
	expect_exit(9, "timed out waiting for the proxy");
	expect_secs(0.3);
	expect_line("CONNECT localhost:%u HTTP/1.1", s.port);
}

Test(proxy, connect_never_answered_stops_at_max_time)
{
	start(&tls_ec, PSRV_HOLD);
	fetch_via_x("5", "0.4", "/");
	stop();
	expect_exit(9, "waiting for the proxy (max time reached)");
	expect_secs(0.4);
}

Test(proxy, connect_refused_by_the_proxy)
{
	start(&tls_ec, PSRV_DENY);
	fetch_via_x("2", NULL, "/");
	stop();
	expect_exit(4, "proxy refused CONNECT: 403 Forbidden");
	cr_expect_eq(s.nconn, 0);
}

Test(proxy, proxy_refusing_connections_is_a_network_error)
{
	cr_assert_eq(srv_start(&s, hello), 0);
	snprintf(purl, sizeof purl, "http://127.0.0.1:%u",
	    srv_refused_port());
	run_ufetch(&r, NULL, ARGS("-x", purl, srv_url(url, sizeof url, &s,
	    "/")));
	srv_stop(&s);
	expect_exit(4, "proxy http://127.0.0.1:");
	cr_expect_eq(s.nconn, 0);
}

/*
 * Scripted servers playing a proxy: the exact CONNECT request, and
 * answers a real proxy should not give.
 */

/* Run an https fetch through the scripted "proxy" s playing steps. */
static void
via_script(const struct srv_step *steps, const char *host)
{
	cr_assert_eq(srv_start(&s, steps), 0);
	snprintf(purl, sizeof purl, "http://u:p@127.0.0.1:%u", s.port);
	run_ufetch(&r, NULL, ARGS("-t", "0.3", "--cacert", ca(), "-x", purl,
	    https(host, 1, "/")));
	srv_stop(&s);
}

Test(proxy, connect_request_on_the_wire)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 407 Proxy Authentication Required"
		    "\r\nContent-Length: 0\r\n\r\n"), S_END
	};

	via_script(steps, "[::1]");
	expect_exit(4, "proxy refused CONNECT: 407 Proxy Authentication "
	    "Required");
	cr_expect_str_eq(s.req, "CONNECT [::1]:1 HTTP/1.1\r\n"
	    "Host: [::1]:1\r\nUser-Agent: ufetch/0.1.0\r\n"
	    "Proxy-Authorization: Basic dTpw\r\n\r\n");
}

Test(proxy, bytes_after_the_connect_answer_are_refused)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\n\r\n\x16\x03\x03"), S_HOLD,
		S_END
	};

	via_script(steps, "localhost");
	expect_exit(7, "3 bytes after its answer to CONNECT");
}

Test(proxy, proxy_closing_before_answering_connect)
{
	static const struct srv_step	steps[] = { S_READ, S_END };

	via_script(steps, "localhost");
	expect_exit(4, "closed the connection before answering CONNECT");
}

Test(proxy, malformed_connect_answer)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/9.9 200 OK\r\n\r\n"), S_HOLD, S_END
	};

	via_script(steps, "localhost");
	expect_exit(7, "bad answer from the proxy");
}

Test(proxy, status_407_for_plain_http_is_an_http_error)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 407 Proxy Authentication Required"
		    "\r\nContent-Length: 0\r\n\r\n"), S_END
	};

	cr_assert_eq(srv_start(&s, steps), 0);
	snprintf(purl, sizeof purl, "127.0.0.1:%u", s.port);
	run_ufetch(&r, NULL, ARGS("-x", purl, "http://origin.test/x"));
	srv_stop(&s);
	expect_exit(8, "HTTP Error 407: Proxy Authentication Required");
	cr_expect(strncmp(s.req, "GET http://origin.test/x HTTP/1.1\r\n"
	    "Host: origin.test\r\n", 53) == 0, "proxy saw %s", s.req);
}

/*
 * Proxy URLs that are refused before anything is sent.
 */

Test(proxy, unsupported_proxy_schemes_are_usage_errors)
{
	run_ufetch(&r, NULL, ARGS("-x", "socks5://127.0.0.1:1",
	    "http://127.0.0.1:1/"));
	expect_exit(2, "unsupported proxy scheme 'socks5'");
	run_ufetch(&r, NULL, ARGS("-x", "https://127.0.0.1:1",
	    "http://127.0.0.1:1/"));
	expect_exit(2, "unsupported proxy scheme 'https'");
	run_ufetch_env(&r, NULL, ENV("https_proxy=socks5h://127.0.0.1:1"),
	    ARGS("https://127.0.0.1:1/"));
	expect_exit(2, "proxy from https_proxy: unsupported proxy scheme");
	run_ufetch(&r, NULL, ARGS("-x", "http://u:%zz@127.0.0.1:1",
	    "http://127.0.0.1:1/"));
	expect_exit(2, "bad credentials in the proxy URL");
}

/*
 * The proxy is chosen for each hop of a redirect: a target that
 * no_proxy names is reached directly, the proxy sees only the first.
 */
Test(proxy, a_redirect_to_a_no_proxy_host_goes_direct)
{
	static const struct srv_step	end[] = {
		S_READ, S_SEND(OK200("4\r\n\r\ndone")), S_END
	};
	struct srv_step			hop[] = {
		S_READ, S_REDIRECT(302, 1, NULL), S_END
	};
	struct srv			s2;
	char				to[256];

	cr_assert_eq(srv_start(&s2, end), 0);
	snprintf(to, sizeof to, "http://localhost:%u/there", s2.port);
	hop[1].data = to;
	cr_assert_eq(srv_start(&s, hop), 0);
	cr_assert_eq(psrv_start(&px, PSRV_RELAY), 0);
	run_ufetch_env(&r, NULL, ENV("no_proxy=localhost"), ARGS("-x",
	    psrv_url(purl, sizeof purl, &px, NULL), srv_url(url, sizeof url,
	    &s, "/first")));
	psrv_stop(&px);
	srv_stop(&s);
	srv_stop(&s2);
	expect_exit(0, NULL);
	expect_out("done");
	cr_expect_eq(px.nreq, 1);
	expect_line("GET http://127.0.0.1:%u/first HTTP/1.1", s.port);
	cr_expect_eq(s2.nreq, 1);
	cr_expect(strncmp(s2.req, "GET /there HTTP/1.1\r\n", 21) == 0, "%s",
	    s2.req);
}
