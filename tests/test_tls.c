/*
 * test_tls.c: the real binary against BearSSL servers in this process,
 * with the test PKI of tests/pki (see make-pki.sh there).
 *
 * Timeouts follow urlopen-semantics.md rows x, x6, x7, x8 and x9 with
 * T = 0.3 s (0.5 s for the dribbled handshake); times are checked to
 * +-0.3 s.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "proxy_srv.h"
#include "srv.h"
#include "srv13.h"

#define SLACK	slack()
#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OK200(body)	"HTTP/1.1 200 OK\r\nContent-Length: " body

static struct run	r;
static char		url[256], cafile[4096 + 64];

static const struct srv_tls	tls_ec = {
	{ "leaf-ec.der", "int.der" }, "leaf-ec.key.der", NULL, 0 };
static const struct srv_tls	tls_rsa = {
	{ "leaf-rsa.der", "int.der" }, "leaf-rsa.key.der", NULL, 0 };
static const struct srv_tls	tls_self = {
	{ "selfsigned.der" }, "selfsigned.key.der", NULL, 0 };

static const struct srv_step	hello[] = {
	S_READ, S_SEND(OK200("6\r\n\r\nhello\n")), S_END
};

static const char *
https(const struct srv *s, const char *host, const char *path)
{
	snprintf(url, sizeof url, "https://%s:%u%s", host, s->port, path);
	return url;
}

static const char *
ca(void)
{
	return pki(cafile, sizeof cafile, "ca.pem");
}

/*
 * Fetch / by host from a TLS server with tls, trusting the test root,
 * and stop the server (its record stays for the checks).
 */
static void
fetch_tls(const struct srv_tls *tls, const struct srv_step *steps,
    const char *host, struct srv *s)
{
	cr_assert_eq(srv_start_tls(s, steps, tls), 0);
	run_ufetch(&r, NULL, ARGS("-t", "0.3", "--cacert", ca(),
	    https(s, host, "/")));
	srv_stop(s);
}

/*
 * Fetch with -t 0.5 from a TLS server playing steps through a relay
 * that drips its bytes (S_RELAY), at full speed for the first fast_ms.
 */
static void
fetch_relayed(const struct srv_step *steps, const struct srv_step *relay,
    unsigned fast_ms)
{
	struct srv	tlss, slow;

	cr_assert_eq(srv_start_tls(&tlss, steps, &tls_ec), 0);
	cr_assert_eq(srv_start(&slow, relay), 0);
	slow.relay_port = tlss.port;
	slow.relay_fast_ms = fast_ms;
	run_ufetch(&r, NULL, ARGS("-t", "0.5", "--cacert", ca(),
	    https(&slow, "localhost", "/")));
	srv_stop(&slow);
	srv_stop(&tlss);
}

/*
 * Good certificates.
 */

Test(tls, ecdsa_leaf_by_name_with_sni)
{
	struct srv	s;

	fetch_tls(&tls_ec, hello, "localhost", &s);
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect_str_eq(s.sni, "localhost");
	cr_expect(strncmp(s.req, "GET / HTTP/1.1\r\nHost: localhost:", 32)
	    == 0, "%s", s.req);
}

Test(tls, rsa_leaf)
{
	struct srv	s;

	fetch_tls(&tls_rsa, hello, "localhost", &s);
	expect_exit(0, NULL);
	expect_out("hello\n");
}

Test(tls, ip_literal_checked_against_ip_addresses_without_sni)
{
	struct srv	s;

	fetch_tls(&tls_ec, hello, "127.0.0.1", &s);
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect_eq(s.handshakes, 1);
	cr_expect_str_eq(s.sni, "", "no SNI for an IP address");
}

/*
 * Certificates: one table, each row a chain and key for the server,
 * the host in the URL, the CA file trusted (NULL: ca.pem), and what
 * ufetch must do: exit status and a fragment of its message (for 0,
 * the body arrives). Files are base names under tests/pki: NAME.der,
 * NAME.key.der. Hosts other than localhost and IP addresses are
 * reached through the test proxy, for which every name is 127.0.0.1.
 */
struct cert_case {
	const char	*name;
	const char	*chain[SRV_CHAIN_MAX];
	const char	*key;
	const char	*host;
	const char	*cacert;
	int		code;
	const char	*msg;
};

/* The usual chain: leaf, then the intermediate; the leaf's key. */
#define EC_INT(leaf)	{ leaf, "int" }, leaf

static const struct cert_case	cert_cases[] = {
	{ "ECDSA P-256", EC_INT("leaf-ec"), "localhost", NULL, 0, NULL },
	{ "RSA-2048", EC_INT("leaf-rsa"), "localhost", NULL, 0, NULL },
	{ "ECDSA P-384", EC_INT("leaf-p384"), "localhost", NULL, 0,
	  NULL },
	/* Under a root of its own (see make-pki.sh). */
	{ "ECDSA P-521", { "leaf-p521" }, "leaf-p521", "localhost",
	  "p521-ca.crt", 0, NULL },
	{ "IP address", EC_INT("leaf-ec"), "127.0.0.1", NULL, 0, NULL },
	{ "wildcard", EC_INT("wild-ok"), "www.example.com", NULL, 0,
	  NULL },
	{ "wildcard over two labels", EC_INT("wild-ok"),
	  "a.b.example.com", NULL, 5,
	  "certificate is not valid for a.b.example.com (it names "
	  "*.example.com)" },
	{ "wildcard over no label", EC_INT("wild-ok"), "example.com",
	  NULL, 5, "certificate is not valid for example.com" },
	{ "wildcard over one label", EC_INT("wild-com"), "foo.com", NULL,
	  5, "server certificate '*.com' is not valid for foo.com ('*.com' "
	  "is a wildcard over one label)" },
	{ "expired", EC_INT("expired"), "localhost", NULL, 5,
	  "server certificate 'localhost' has expired (notAfter 2021-01-01, "
	  "clock " },
	{ "not yet valid", EC_INT("notyet"), "localhost", NULL, 5,
	  "is not yet valid (notBefore 2090-01-01, clock " },
	{ "wrong name", EC_INT("wrongname"), "localhost", NULL, 5,
	  "certificate is not valid for localhost (it names wrong.example)" },
	{ "IP address not in it", EC_INT("wrongname"), "127.0.0.1", NULL,
	  5, "not valid for the IP address 127.0.0.1 (it names "
	  "wrong.example)" },
	{ "self-signed", { "selfsigned" }, "selfsigned", "localhost",
	  NULL, 5, "self-signed certificate 'localhost' is not trusted" },
	{ "unknown CA", { "rogue-leaf", "rogue-root" }, "rogue-leaf",
	  "localhost", NULL, 5, "certificate chain ends at 'ufetch rogue CA', "
	  "a CA that is not trusted (unknown CA; for a private CA, use "
	  "--cacert or --capath)" },
	{ "private CA, root not sent", { "rogue-leaf" }, "rogue-leaf",
	  "localhost", NULL, 5, "certificate issuer 'ufetch rogue CA' is not "
	  "a trusted CA (for a private CA, use --cacert or --capath; or a "
	  "missing intermediate certificate: the server sent none)" },
	{ "missing intermediate", { "leaf-ec" }, "leaf-ec", "localhost",
	  NULL, 5, "certificate issuer 'ufetch test intermediate CA' is not a "
	  "trusted CA (for a private CA, use --cacert or --capath; or a "
	  "missing intermediate certificate: the server sent none)" },
	{ "name constraints kept", { "nc-good", "nc-ca" }, "nc-good",
	  "www.example.org", NULL, 0, NULL },
	{ "name constraints kept, IP", { "nc-good", "nc-ca" }, "nc-good",
	  "127.0.0.1", NULL, 0, NULL },
	{ "name outside permitted DNS", { "nc-bad", "nc-ca" }, "nc-bad",
	  "www.example.com", NULL, 5, "server certificate 'www.example.com': "
	  "www.example.com is outside the name constraints of chain "
	  "certificate 'ufetch constrained CA'" },
	{ "name in excluded DNS", { "nc-excl", "nc-ca" }, "nc-excl",
	  "bad.example.org", NULL, 5, "bad.example.org is excluded by the "
	  "name constraints of chain certificate 'ufetch constrained CA'" },
	{ "IP outside permitted IP", { "nc-ip", "nc-ca" }, "nc-ip",
	  "127.0.0.1", NULL, 5, "server certificate 'www.example.org': "
	  "10.1.2.3 is outside the name constraints" },
	{ "CN outside permitted DNS", { "nc-cn", "nc-ca" }, "nc-cn",
	  "www.example.com", NULL, 5, "www.example.com is outside the name "
	  "constraints" },
	{ "critical name constraints", { "ncc-leaf", "ncc-ca" },
	  "ncc-leaf", "www.example.org", NULL, 5, "chain certificate "
	  "'ufetch critically constrained CA' has critical name constraints, "
	  "which BearSSL cannot check" },
	{ "directoryName constraints", { "ncd-leaf", "ncd-ca" },
	  "ncd-leaf", "localhost", NULL, 5, "chain certificate 'ufetch "
	  "directory-constrained CA' has name constraints ufetch cannot "
	  "check (not only on DNS names and IP addresses)" },
	{ "clientAuth only", EC_INT("eku-client"), "localhost", NULL, 5,
	  "server certificate 'localhost' is not for TLS servers "
	  "(extendedKeyUsage without serverAuth)" },
	{ "anyExtendedKeyUsage", EC_INT("eku-any"), "localhost", NULL, 0,
	  NULL },
	{ "keyUsage without digitalSignature", EC_INT("ku-nosig"),
	  "localhost", NULL, 5, "server certificate 'localhost' may not sign "
	  "(keyUsage without digitalSignature)" },
	{ "RSA-1024 leaf", EC_INT("rsa1024"), "localhost", NULL, 5,
	  "server certificate 'localhost' has a 1024-bit RSA key (under 2048 "
	  "bits)" },
	{ "RSA-1024 intermediate", { "weak-int-leaf", "weak-int" },
	  "weak-int-leaf", "localhost", NULL, 5, "chain certificate "
	  "'ufetch weak intermediate CA' has a 1024-bit RSA key (under 2048 "
	  "bits)" },
	{ "RSA-1024 root", { "weak-root-leaf" }, "weak-root-leaf",
	  "localhost", "weak-root.crt", 5, "trusted CA 'ufetch weak root CA' "
	  "has a 1024-bit RSA key (under 2048 bits), which ufetch does not "
	  "use" },
	{ "P-224 leaf", EC_INT("leaf-p224"), "localhost", NULL, 5,
	  "server certificate 'localhost' has an EC key on P-224 (under 256 "
	  "bits)" },
	{ "pathLenConstraint", { "pathlen-leaf", "int2", "int" },
	  "pathlen-leaf", "localhost", NULL, 5, "chain certificate "
	  "'ufetch test intermediate CA' allows 0 CA certificates below it "
	  "(pathLenConstraint), and the chain has 1" },
	{ "signed by a non-CA", { "notca-leaf", "leaf-ec", "int" },
	  "notca-leaf", "localhost", NULL, 5, "chain certificate "
	  "'localhost' signs another certificate but is not a CA" },
	/* RFC 8446 4.4.2.4: SHA-1 signatures are not to be validated. */
	{ "SHA-1 signature", EC_INT("sha1-leaf"), "localhost", NULL, 5,
	  "SHA-1 signature" },
};

/*
 * The servers the table runs against: start one on 127.0.0.1 that
 * sends chain and holds key (base names, as in the table) and answers
 * a GET with "hello\n"; *port is its port. Returns a handle for stop,
 * or NULL. stop checks what the server saw of row c, if it can.
 */
typedef void	*cert_server_start(const char *const *chain, const char *key,
		    unsigned short *port);
typedef void	cert_server_stop(void *server, const struct cert_case *c);

/*
 * BearSSL's server. It cannot load a key on a curve it lacks (P-224):
 * such a chain is sent with leaf-ec's key, which is never used, since
 * ufetch refuses the certificate before any key is.
 */
static void *
bearssl_start(const char *const *chain, const char *key,
    unsigned short *port)
{
	static char		names[SRV_CHAIN_MAX + 1][64];
	static struct srv_tls	tls;
	static struct srv	s;
	size_t			i;

	memset(&tls, 0, sizeof tls);
	for (i = 0; i < SRV_CHAIN_MAX && chain[i] != NULL; i++) {
		snprintf(names[i], sizeof names[i], "%s.der", chain[i]);
		tls.chain[i] = names[i];
	}
	snprintf(names[i], sizeof names[i], "%s.key.der", key);
	tls.key = names[i];
	if (srv_start_tls(&s, hello, &tls) != 0) {
		tls.key = "leaf-ec.key.der";
		if (srv_start_tls(&s, hello, &tls) != 0) {
			return NULL;
		}
	}
	*port = s.port;
	return &s;
}

static void
bearssl_stop(void *server, const struct cert_case *c)
{
	(void)c;
	srv_stop(server);
}

/*
 * Our TLS 1.3 server (srv13.c), with the same chain and key. ufetch
 * checks the chain when the Certificate message comes, before the
 * CertificateVerify: a key srv13 cannot sign with (P-224, which
 * BearSSL lacks) is replaced by leaf-ec's, whose signature is never
 * looked at, as in bearssl_start().
 */
static void *
srv13_cert_start(const char *const *chain, const char *key,
    unsigned short *port)
{
	static char			names[SRV13_CHAIN + 1][64];
	static struct srv13_conf	conf;
	static struct srv13		s;
	size_t				i;

	memset(&conf, 0, sizeof conf);
	for (i = 0; i < SRV13_CHAIN && chain[i] != NULL; i++) {
		snprintf(names[i], sizeof names[i], "%s.der", chain[i]);
		conf.chain[i] = names[i];
	}
	snprintf(names[i], sizeof names[i], "%s.key.der", key);
	conf.key = srv13_can_sign(names[i]) ? names[i] : "leaf-ec.key.der";
	if (srv13_start(&s, &conf) != 0) {
		return NULL;
	}
	*port = s.port;
	return &s;
}

/*
 * The handshake was TLS 1.3 on one connection (no fallback): ufetch
 * finished it for a good chain, and for a bad one answered the
 * Certificate with a certificate alert (RFC 8446 6.2) and no Finished.
 */
static void
srv13_cert_stop(void *server, const struct cert_case *c)
{
	struct srv13	*s = server;

	srv13_stop(s);
	cr_expect_eq(s->nconn, 1, "%s: %d connections", c->name, s->nconn);
	if (c->code == 0) {
		cr_expect(s->fin_ok, "%s: no Finished (%s)", c->name, s->why);
		return;
	}
	cr_expect(!s->fin_ok, "%s: a Finished", c->name);
	cr_expect(s->alert == 42 || s->alert == 45 || s->alert == 48,
	    "%s: alert %d, not bad_certificate, certificate_expired or "
	    "unknown_ca", c->name, s->alert);
}

/* Run every row of cert_cases against servers from start. */
static void
run_cert_cases(cert_server_start *start, cert_server_stop *stop)
{
	const struct cert_case	*c;
	struct psrv		p;
	char			purl[64], file[4200];
	unsigned short		port;
	void			*server;
	size_t			i;
	int			proxied;

	for (i = 0; i < sizeof cert_cases / sizeof cert_cases[0]; i++) {
		c = &cert_cases[i];
		server = start(c->chain, c->key, &port);
		cr_assert_not_null(server, "%s: no server", c->name);
		proxied = strcmp(c->host, "localhost") != 0
		    && strcmp(c->host, "127.0.0.1") != 0;
		if (proxied) {
			cr_assert_eq(psrv_start(&p, PSRV_RELAY), 0);
			psrv_url(purl, sizeof purl, &p, NULL);
		}
		snprintf(url, sizeof url, "https://%s:%u/", c->host, port);
		pki(file, sizeof file, c->cacert != NULL ? c->cacert
		    : "ca.pem");
		run_ufetch(&r, NULL, proxied ? ARGS("-t", "2", "--cacert", file,
		    "-x", purl, url) : ARGS("-t", "2", "--cacert", file, url));
		if (proxied) {
			psrv_stop(&p);
		}
		stop(server, c);
		cr_expect_eq(r.code, c->code, "%s: exit %d, want %d: %s",
		    c->name, r.code, c->code, r.err);
		if (c->code == 0) {
			cr_expect(r.out_len == 6 && memcmp(r.out, "hello\n", 6)
			    == 0, "%s: body", c->name);
		} else {
			cr_expect(strstr(r.err, c->msg) != NULL,
			    "%s: stderr \"%s\" lacks \"%s\"", c->name, r.err,
			    c->msg);
			cr_expect_eq(r.out_len, 0, "%s: body", c->name);
		}
	}
}

Test(tls, certificate_cases)
{
	run_cert_cases(bearssl_start, bearssl_stop);
}

/* The same table over TLS 1.3: the same status, the same message. */
Test(tls, certificate_cases_tls13)
{
	run_cert_cases(srv13_cert_start, srv13_cert_stop);
}

Test(tls, insecure_skips_every_check)
{
	struct srv	s;

	cr_assert_eq(srv_start_tls(&s, hello, &tls_self), 0);
	run_ufetch(&r, NULL, ARGS("-k", https(&s, "localhost", "/")));
	expect_exit(0, NULL);
	expect_out("hello\n");
	srv_stop(&s);
}

/*
 * Renegotiation. The server asks for it (HelloRequest) after the
 * request, with and without a session cache (without one, its new
 * handshake would be a full one with a second Certificate message,
 * which ufetch before BR_OPT_NO_RENEGOTIATION copied through a NULL
 * chain pointer: SIGSEGV), with and without -k. ufetch refuses with a
 * no_renegotiation warning. A server that tolerates that sends the
 * response; BearSSL's own server takes it as fatal and hangs up, which
 * is exit status 6 and says so.
 */
static void
renegotiating_server(unsigned flags, int insecure, int tolerant)
{
	static const struct srv_step	tolerates[] = {
		S_READ, S_RENEG_TOLERANT, S_SEND(OK200("6\r\n\r\nhello\n")),
		S_END
	};
	static const struct srv_step	hangs_up[] = {
		S_READ, S_RENEG, S_SEND(OK200("6\r\n\r\nhello\n")), S_END
	};
	struct srv	s;

	cr_assert_eq(srv_start_tls_flags(&s, tolerant ? tolerates : hangs_up,
	    &tls_ec, flags), 0);
	if (insecure) {
		run_ufetch(&r, NULL, ARGS("-t", "2", "-k",
		    https(&s, "localhost", "/")));
	} else {
		run_ufetch(&r, NULL, ARGS("-t", "2", "--cacert", ca(),
		    https(&s, "localhost", "/")));
	}
	srv_stop(&s);
	cr_expect_eq(r.sig, 0, "flags %u, -k %d: killed by signal %d", flags,
	    insecure, r.sig);
	if (tolerant) {
		expect_exit(0, NULL);
		expect_out("hello\n");
	} else {
		expect_exit(6, "the server closed the connection when ufetch "
		    "refused to renegotiate");
		expect_out("");
	}
	cr_expect_eq(s.reneg_refused, 1, "flags %u, -k %d", flags, insecure);
	cr_expect_eq(s.renegs, 0, "flags %u, -k %d", flags, insecure);
}

Test(tls, renegotiation_refused_without_session_cache)
{
	renegotiating_server(SRV_NO_CACHE, 0, 1);
	renegotiating_server(SRV_NO_CACHE, 1, 1);
	renegotiating_server(SRV_NO_CACHE, 0, 0);
	renegotiating_server(SRV_NO_CACHE, 1, 0);
}

Test(tls, renegotiation_refused_with_session_cache)
{
	renegotiating_server(0, 0, 1);
	renegotiating_server(0, 1, 1);
	renegotiating_server(0, 0, 0);
	renegotiating_server(0, 1, 0);
}

/*
 * Trust stores.
 */

static void
with_env(const char *var, const char *file, int code)
{
	static char	env[4200];
	struct srv	s;
	char		path[4200];

	cr_assert_eq(srv_start_tls(&s, hello, &tls_ec), 0);
	snprintf(env, sizeof env, "%s=%s", var, pki(path, sizeof path,
	    file));
	run_ufetch_env(&r, NULL, ARGS(env), ARGS(https(&s, "localhost",
	    "/")));
	cr_expect_eq(r.code, code, "%s: exit %d: %s", env, r.code, r.err);
	srv_stop(&s);
}

Test(tls, stores_from_the_environment)
{
	with_env("SSL_CERT_FILE", "ca.pem", 0);
	with_env("SSL_CERT_FILE", "bundle.pem", 0);
	with_env("SSL_CERT_FILE", "bundle-crlf.pem", 0);
	with_env("SSL_CERT_FILE", "bundle-nonl.pem", 0);
	with_env("SSL_CERT_FILE", "bundle-bad.pem", 0);
	with_env("SSL_CERT_DIR", "certdir", 0);
	with_env("SSL_CERT_FILE", "other-1.crt", 5);
	with_env("SSL_CERT_FILE", "no-such-file", 5);
	cr_expect(strstr(r.err, "cannot read CA file") != NULL, "%s", r.err);
}

Test(tls, stores_from_options)
{
	static char	dir[4200];
	struct srv	s;

	cr_assert_eq(srv_start_tls(&s, hello, &tls_ec), 0);
	pki(dir, sizeof dir, "certdir");
	run_ufetch(&r, NULL, ARGS("--capath", dir, https(&s, "localhost",
	    "/")));
	expect_exit(0, NULL);
	run_ufetch(&r, NULL, ARGS("--cacert=/no/such/file", url));
	expect_exit(2, "cannot read --cacert /no/such/file");
	run_ufetch(&r, NULL, ARGS("--capath", "/no/such/dir", url));
	expect_exit(2, "is not a directory");
	/* The first run's two: TLS 1.3 declined, then TLS 1.2. */
	cr_expect_eq(s.nconn, 2, "usage errors send nothing");
	srv_stop(&s);
}

Test(tls, bundle_is_indexed_once_per_run)
{
	static const struct srv_step	three[] = {
		S_READ, S_SEND(OK200("1\r\n\r\nx")), S_END
	};
	struct srv	s;
	const char	*p;
	int		n = 0;

	cr_assert_eq(srv_start_tls(&s, three, &tls_ec), 0);
	https(&s, "localhost", "/");
	run_ufetch(&r, NULL, ARGS("-v", "--cacert", ca(), url, url, url));
	cr_expect_eq(r.code, 0, "%s", r.err);
	expect_out("xxx");
	for (p = r.err; (p = strstr(p, "* indexed ")) != NULL; p++) {
		n++;
	}
	cr_expect_eq(n, 1, "one index for three URLs: %s", r.err);
	srv_stop(&s);
}

/*
 * Handshake failures: exit status 6.
 */

Test(tls, server_refusing_our_versions_says_so)
{
	/* A server that takes neither TLS 1.3 nor 1.2 (only older). */
	static const struct srv_step	steps[] = {
		S_READ1, S_SEND("\x15\x03\x03\x00\x02\x02\x46"), S_END
	};
	struct srv	s;

	cr_assert_eq(srv_start(&s, steps), 0);
	run_ufetch(&r, NULL, ARGS(https(&s, "localhost", "/")));
	expect_exit(6, "the server speaks neither TLS 1.3 nor TLS 1.2 "
	    "(protocol_version alert)");
	cr_expect_eq(s.nconn, 1, "an alert is no reason to fall back");
	srv_stop(&s);
}

Test(tls, no_cipher_suite_in_common)
{
	static const uint16_t		rsa_kex[] = {
		BR_TLS_RSA_WITH_AES_128_GCM_SHA256
	};
	static const struct srv_tls	old = {
		{ "leaf-rsa.der", "int.der" }, "leaf-rsa.key.der", rsa_kex, 1
	};
	struct srv	s;

	fetch_tls(&old, hello, "localhost", &s);
	expect_exit(6, "no cipher suite");
}

Test(tls, closed_during_the_handshake)
{
	static const struct srv_step	steps[] = { S_READ1, S_END };
	struct srv	s;

	cr_assert_eq(srv_start(&s, steps), 0);
	run_ufetch(&r, NULL, ARGS(https(&s, "localhost", "/")));
	expect_exit(6, "closed the connection during the TLS handshake");
	srv_stop(&s);
}

/*
 * Timeouts.
 */

Test(tls, silent_server_times_out_in_the_handshake)
{
	static const struct srv_step	steps[] = { S_HOLD, S_END };
	struct srv	s;

	cr_assert_eq(srv_start(&s, steps), 0);
	run_ufetch(&r, NULL, ARGS("-t", "0.3", https(&s, "localhost", "/")));
	expect_exit(9, "timed out during the TLS handshake");
	expect_secs(0.3);
	srv_stop(&s);
}

Test(tls, dribbled_handshake_has_one_deadline)
{
	/* 64 bytes every 0.1 s: each wait is short, the whole is not. */
	static const struct srv_step	relay[] = { S_RELAY(64, 100), S_END };

	fetch_relayed(hello, relay, 0);
	expect_exit(9, "timed out during the TLS handshake");
	expect_secs(0.5);
}

Test(tls, dribbled_handshake_within_T_succeeds)
{
	static const struct srv_step	relay[] = { S_RELAY(4096, 20), S_END };

	fetch_relayed(hello, relay, 0);
	expect_exit(0, NULL);
	expect_out("hello\n");
}

Test(tls, record_dribbled_byte_by_byte_is_idle_time, .timeout = 15)
{
	/*
	 * The response is one TLS record of ~100 bytes, relayed a byte
	 * every 20 ms after a fast handshake: 2 s in all, never 0.5 s
	 * without a byte.
	 */
	static const struct srv_step	relay[] = { S_RELAY(1, 20), S_END };
	static const struct srv_step	late[] = {
		S_READ, S_SLEEP(400), S_SEND(OK200("6\r\n\r\nhello\n")),
		S_HOLD, S_END
	};

	if (getenv("UFETCH_SLOW") != NULL) {
		/* Start-up under valgrind outlasts the fast window. */
		cr_skip_test("timing-only test, skipped under valgrind");
	}
	fetch_relayed(late, relay, 300);
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect_gt(r.secs, 1.0, "the record really was dribbled");
}

/*
 * Bytes that are no TLS record, in the middle of a body: a bad record,
 * not "the server does not speak TLS 1.2" (issue 12, item 5).
 */
Test(tls, garbage_inside_the_body_is_a_bad_record)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
		    "0123456789"), S_RAW("GET / HTTP/1.1\r\n\r\n"), S_HOLD,
		S_END
	};
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(6, "bad TLS record from the server");
	cr_expect(strstr(r.err, "speak TLS") == NULL, "%s", r.err);
	/* What came before it was streamed, as any body is. */
	expect_out("0123456789");
}

/* A client that closes a TLS 1.2 connection says so first (RFC 5246 7.2.1). */
Test(tls, closes_with_close_notify)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhi\n"),
		S_HOLD, S_END
	};
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(0, NULL);
	expect_out("hi\n");
	cr_expect(s.close_notify, "ufetch closed without close_notify");
}

Test(tls, silent_after_the_handshake)
{
	static const struct srv_step	steps[] = { S_READ, S_HOLD, S_END };
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(9, "timed out waiting for the response");
	expect_secs(0.3);
}

Test(tls, body_stall)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("100\r\n\r\n0123456789")), S_HOLD, S_END
	};
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(9, "timed out reading the body");
	expect_secs(0.3);
	expect_out("0123456789");
}

Test(tls, body_drip_never_times_out)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("5\r\n\r\n")), S_DRIP("hello", 200),
		S_HOLD, S_END
	};
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(0, NULL);
	expect_out("hello");
	expect_secs(0.8);
}

/*
 * The end of the stream: close_notify and HTTP framing.
 */

Test(tls, truncated_length_without_close_notify)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("100\r\n\r\n0123456789")), S_END
	};
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(4, "connection closed after 10 of 100 body bytes");
}

Test(tls, truncated_length_with_close_notify)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("100\r\n\r\n0123456789")), S_NOTIFY, S_END
	};
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(4, "connection closed after 10 of 100 body bytes");
}

Test(tls, complete_length_needs_no_close_notify)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("3\r\n\r\nabc")), S_END
	};
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(0, NULL);
	expect_out("abc");
}

Test(tls, close_delimited_body_with_close_notify)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\n\r\nabc"), S_NOTIFY, S_END
	};
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(0, NULL);
	expect_out("abc");
}

Test(tls, close_delimited_body_without_close_notify_is_truncated)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\n\r\nabc"), S_END
	};
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(4, "without TLS close_notify");
}

Test(tls, keep_alive_server_is_not_waited_for)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("5\r\n\r\nhello")), S_HOLD, S_END
	};
	struct srv	s;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(0, NULL);
	expect_out("hello");
	cr_expect_lt(r.secs, SLACK);
}

Test(tls, large_body_byte_exact)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("1000000\r\n\r\n")), S_FILL(1000000), S_END
	};
	struct srv	s;
	size_t		i;

	fetch_tls(&tls_ec, steps, "localhost", &s);
	expect_exit(0, NULL);
	cr_expect_eq(r.out_len, 1000000);
	for (i = 0; i < r.out_len && r.out[i] == 'x'; i++) {
		continue;
	}
	cr_expect_eq(i, r.out_len);
}

/*
 * Each suite ufetch offers, the server held to that one: a request
 * body up (ufetch encrypts) and 1 MB down (ufetch decrypts), both
 * through our GHASH (src/ghash.c) for AES-GCM and through the SSE2
 * ChaCha20 and the Poly1305 (ctmul) that tls12.c picks on x86-64. A wrong
 * tag on either side ends the connection, not with exit 0.
 */
Test(tls, every_suite_offered_carries_bodies_both_ways)
{
	static const uint16_t	suites[] = {
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	};
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("1000000\r\n\r\n")), S_FILL(1000000), S_END
	};
	static char	data[5000];
	struct srv_tls	tls;
	struct srv	s;
	size_t		i, k;

	for (i = 0; i < sizeof data - 1; i++) {
		data[i] = (char)('a' + i * 7 % 26);
	}
	for (i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		tls = i < 3 ? tls_ec : tls_rsa;
		tls.suites = &suites[i];
		tls.nsuites = 1;
		cr_assert_eq(srv_start_tls(&s, steps, &tls), 0);
		run_ufetch(&r, NULL, ARGS("--cacert", ca(), "-d", data,
		    https(&s, "localhost", "/")));
		srv_stop(&s);
		expect_exit(0, NULL);
		cr_expect_eq(s.body_len, sizeof data - 1, "suite %zu", i);
		cr_expect_eq(s.body_hash, srv_hash(data, sizeof data - 1),
		    "suite %zu", i);
		for (k = 0; k < r.out_len && r.out[k] == 'x'; k++) {
			continue;
		}
		cr_expect_eq(r.out_len, 1000000, "suite %zu", i);
		cr_expect_eq(k, r.out_len, "suite %zu", i);
	}
}

Test(tls, a_long_next_url_costs_the_current_one_nothing)
{
	static char	next[14000];
	struct srv	s;
	size_t		n;

	cr_assert_eq(srv_start_tls(&s, hello, &tls_ec), 0);
	/*
	 * Same origin, so it is parsed for the keep-alive decision; its
	 * parse must not take the room the handshake of this one needs.
	 */
	https(&s, "localhost", "/");
	n = strlen(url);
	memcpy(next, url, n);
	memset(next + n, 'a', sizeof next - n - 1);
	run_ufetch(&r, NULL, ARGS("--cacert", ca(), url, next));
	cr_expect(r.out_len >= 6 && memcmp(r.out, "hello\n", 6) == 0,
	    "first body; stderr: %s", r.err);
	srv_stop(&s);
}
