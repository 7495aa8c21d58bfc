/*
 * test_x509.c: the pieces of src/x509.c that need no server: host-name
 * matching, name-constraint subtrees, and the refusal of a chain
 * outside a handshake. The chain checks themselves run against real
 * servers in test_tls.c.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "x509.h"

#define U(s)	((const unsigned char *)(s))

Test(x509, host_names)
{
	static const struct {
		const char	*pat;
		const char	*host;
		int		want;
	} names[] = {
		{ "localhost", "localhost", 1 },
		{ "LocalHost", "localhost", 1 },
		{ "localhost", "LOCALHOST", 1 },
		{ "localhost", "localhos", 0 },
		{ "localhos", "localhost", 0 },
		{ "example.com", "www.example.com", 0 },
		{ "*.example.com", "www.example.com", 1 },
		{ "*.Example.COM", "WWW.example.com", 1 },
		{ "*.example.com", "example.com", 0 },
		{ "*.example.com", "a.b.example.com", 0 },
		{ "*.example.com", ".example.com", 0 },
		{ "*.example.com", "wwwexample.com", 0 },
		{ "*.co.uk", "a.co.uk", 1 },	/* no public suffix list */
		{ "*.com", "foo.com", -1 },
		{ "*.localhost", "a.localhost", -1 },
		{ "*.com", "com", 0 },
		{ "*.com", "a.b.com", 0 },
		{ "w*.example.com", "www.example.com", 0 },
		{ "*w.example.com", "www.example.com", 0 },
		{ "*.*.example.com", "a.b.example.com", 0 },
		{ "www.*.com", "www.example.com", 0 },
		{ "*", "localhost", 0 },
		{ "*.", "a.", 0 },
		{ "*.", "a", 0 },
		{ "a..b", "a..b", 0 },
		{ ".example.com", ".example.com", 0 },
		{ "example.com.", "example.com.", 0 },
		{ "", "", 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		cr_expect_eq(uf_x509_name_match(U(names[i].pat),
		    strlen(names[i].pat), names[i].host), names[i].want,
		    "%s against %s", names[i].pat, names[i].host);
	}
	/* A NUL inside a name never lets its tail go unseen. */
	cr_expect_eq(uf_x509_name_match(U("www.example.com\0.evil.com"), 25,
	    "www.example.com"), 0);
}

Test(x509, dns_subtrees)
{
	static const struct {
		const char	*base;
		const char	*name;
		int		want;
	} subtrees[] = {
		{ "", "anything.at.all", 1 },
		{ ".example.org", "www.example.org", 1 },
		{ ".example.org", "a.b.example.org", 1 },
		{ ".example.org", "example.org", 0 },
		{ ".example.org", "wwwexample.org", 0 },
		{ ".example.org", "www.example.com", 0 },
		{ "example.org", "example.org", 1 },
		{ "example.org", "www.example.org", 1 },
		{ "example.org", "WWW.EXAMPLE.ORG", 1 },
		{ "example.org", "badexample.org", 0 },
		{ "example.org", "org", 0 },
		{ "bad.example.org", "bad.example.org", 1 },
		{ "bad.example.org", "notbad.example.org", 0 },
		{ "example.org", "*.example.org", 1 },
	};
	size_t	i;

	for (i = 0; i < sizeof subtrees / sizeof subtrees[0]; i++) {
		cr_expect_eq(uf_x509_dns_within(U(subtrees[i].name),
		    strlen(subtrees[i].name), U(subtrees[i].base),
		    strlen(subtrees[i].base)), subtrees[i].want,
		    "%s within %s", subtrees[i].name, subtrees[i].base);
	}
}

Test(x509, ip_subtrees)
{
	static const unsigned char	net8[] = {
		127, 0, 0, 0, 255, 0, 0, 0
	};
	static const unsigned char	any4[8] = { 0 };
	static const unsigned char	db8[32] = {
		0x20, 0x01, 0x0d, 0xb8, [16] = 0xff, 0xff, 0xff, 0xff
	};
	static const unsigned char	lo[] = { 127, 0, 0, 1 };
	static const unsigned char	ten[] = { 10, 1, 2, 3 };
	static const unsigned char	v6[16] = { 0x20, 0x01, 0x0d, 0xb8,
		[15] = 1 };
	static const unsigned char	v6lo[16] = { [15] = 1 };

	cr_expect(uf_x509_ip_within(lo, 4, net8, 8));
	cr_expect(!uf_x509_ip_within(ten, 4, net8, 8));
	cr_expect(uf_x509_ip_within(ten, 4, any4, 8));
	cr_expect(uf_x509_ip_within(v6, 16, db8, 32));
	cr_expect(!uf_x509_ip_within(v6lo, 16, db8, 32));
	cr_expect(!uf_x509_ip_within(v6lo, 16, net8, 8), "other family");
	cr_expect(!uf_x509_ip_within(lo, 4, db8, 32), "other family");
}

/*
 * Outside a handshake (before uf_x509_begin(), after uf_x509_end())
 * the context has no buffer: a chain handed to it, as a renegotiation
 * would, is refused without a byte written.
 */
Test(x509, no_chain_outside_a_handshake)
{
	static unsigned char		mem[32768] __attribute__((aligned(16)));
	static const unsigned char	junk[600] = { 0x30 };
	const unsigned char		*certs[1] = { junk };
	size_t				lens[1] = { sizeof junk };
	struct uf_x509_peer		peer = { "localhost", NULL, 0 };
	struct uf_x509			x;
	struct uf_arena			a;
	const br_x509_class		**vt;
	int				round;

	uf_arena_init(&a, mem, sizeof mem);
	uf_x509_init(&x, &peer, NULL, 1);
	vt = uf_x509_class(&x);
	for (round = 0; round < 2; round++) {
		if (round == 1) {
			cr_assert_eq(uf_x509_begin(&x, &a), UF_OK);
			uf_x509_end(&x);
		}
		(*vt)->start_chain(vt, "localhost");
		(*vt)->start_cert(vt, sizeof junk);
		(*vt)->append(vt, junk, sizeof junk);
		(*vt)->end_cert(vt);
		cr_expect_eq((*vt)->end_chain(vt),
		    BR_ERR_X509_LIMIT_EXCEEDED);
		uf_err_clear();
		cr_expect_eq(uf_x509_fail(&x, BR_ERR_X509_LIMIT_EXCEEDED),
		    UF_E_TLS);
		cr_expect(strstr(uf_err_msg(), "after the handshake "
		    "(renegotiation)") != NULL, "%s", uf_err_msg());
		cr_expect_eq(uf_x509_check(&x, certs, lens, 1),
		    BR_ERR_X509_LIMIT_EXCEEDED);
		cr_expect_null(uf_x509_pkey(&x, NULL),
		    "no key from a refused chain");
	}
}
