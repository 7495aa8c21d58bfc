/*
 * test_der.c: the DER reader (src/der.c) over the test PKI and over
 * hand-made values: what a certificate's fields and extensions say,
 * and that malformed ones fail instead of being half read.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "der.h"
#include "srv.h"

static size_t
read_pki(const char *name, unsigned char *buf, size_t cap)
{
	char	path[4200];
	FILE	*f = fopen(pki(path, sizeof path, name), "rb");
	size_t	n;

	cr_assert_not_null(f, "%s", path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/* Certificate name.der of the test PKI, parsed into *c (buf holds it). */
static void
load(const char *name, unsigned char *buf, size_t cap, struct uf_cert *c)
{
	char	file[128];
	size_t	n;

	snprintf(file, sizeof file, "%s.der", name);
	n = read_pki(file, buf, cap);
	cr_assert_eq(uf_der_cert(buf, n, c), 0, "%s", name);
}

static int
span_is(struct uf_der d, const char *s)
{
	return d.len == strlen(s) && memcmp(d.p, s, d.len) == 0;
}

/* A span over a literal byte string. */
#define SPAN(...)	((struct uf_der){ (const unsigned char []){ __VA_ARGS__ }, \
	sizeof((const unsigned char []){ __VA_ARGS__ }) })

Test(der, certificate_fields)
{
	static const unsigned char	lo4[] = { 127, 0, 0, 1 };
	static const unsigned char	lo6[16] = { [15] = 1 };
	static const unsigned char	other[] = { 127, 0, 0, 2 };
	unsigned char			buf[4096];
	struct uf_cert			c;
	struct uf_der			cn, dns;

	load("leaf-ec", buf, sizeof buf, &c);
	cr_assert_eq(uf_der_name_cn(c.subject, &cn), 0);
	cr_expect(span_is(cn, "localhost"));
	cr_assert_eq(uf_der_name_cn(c.issuer, &cn), 0);
	cr_expect(span_is(cn, "ufetch test intermediate CA"));
	cr_expect(c.has_san);
	cr_expect(uf_der_san_ip(&c, lo4, 4));
	cr_expect(uf_der_san_ip(&c, lo6, 16));
	cr_expect(!uf_der_san_ip(&c, other, 4));
	cr_expect(!uf_der_san_ip(&c, lo4, 3), "lengths must match too");
	cr_assert_eq(uf_der_san_dns(&c, 0, &dns), 0);
	cr_expect(span_is(dns, "localhost"));
	cr_expect_eq(uf_der_san_dns(&c, 1, &dns), -1);
	cr_assert_eq(uf_der_san_name(&c, UF_GN_IP, 1, &dns), 0);
	cr_expect_eq(dns.len, 16);
	cr_expect_eq(uf_der_san_name(&c, UF_GN_IP, 2, &dns), -1);
	cr_expect_null(c.nc.p);
	cr_expect_not_null(c.eku.p);

	load("nc-cn", buf, sizeof buf, &c);
	cr_expect(!c.has_san);
	cr_expect_eq(uf_der_san_dns(&c, 0, &dns), -1);
}

Test(der, truncated_or_garbage_input_fails_cleanly)
{
	unsigned char	buf[4096];
	struct uf_cert	c;
	size_t		n, k;

	n = read_pki("leaf-rsa.der", buf, sizeof buf);
	for (k = 0; k < n; k++) {
		/* Every truncation either fails or stays inside k bytes. */
		if (uf_der_cert(buf, k, &c) == 0) {
			cr_expect(c.subject.p + c.subject.len <= buf + k);
			cr_expect(c.spki.p + c.spki.len <= buf + k);
		}
	}
	memset(buf, 0xff, 64);
	cr_expect_eq(uf_der_cert(buf, 64, &c), -1);
	buf[0] = 0x30;
	buf[1] = 0x80;	/* indefinite length: BER, not DER */
	cr_expect_eq(uf_der_cert(buf, 64, &c), -1);
}

Test(der, public_keys)
{
	static const struct {
		const char		*cert;
		enum uf_key_type	type;
		unsigned		bits;
		const char		*curve;
	} keys[] = {
		{ "leaf-ec", UF_KEY_EC, 256, "P-256" },
		{ "leaf-p384", UF_KEY_EC, 384, "P-384" },
		{ "leaf-p224", UF_KEY_EC, 224, "P-224" },
		{ "leaf-rsa", UF_KEY_RSA, 2048, NULL },
		{ "rsa1024", UF_KEY_RSA, 1024, NULL },
		{ "weak-root", UF_KEY_RSA, 1024, NULL },
		{ "other-1", UF_KEY_RSA, 2048, NULL },
	};
	unsigned char	buf[4096];
	struct uf_cert	c;
	struct uf_key	k;
	size_t		i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		load(keys[i].cert, buf, sizeof buf, &c);
		cr_assert_eq(uf_der_key(&c, &k), 0, "%s", keys[i].cert);
		cr_expect_eq(k.type, keys[i].type, "%s", keys[i].cert);
		cr_expect_eq(k.bits, keys[i].bits, "%s: %u bits",
		    keys[i].cert, k.bits);
		if (keys[i].curve != NULL) {
			cr_expect_str_eq(k.curve, keys[i].curve);
		} else {
			cr_expect_null(k.curve);
		}
	}
}

Test(der, public_keys_made_by_hand)
{
	struct uf_cert	c;
	struct uf_key	k;

	memset(&c, 0, sizeof c);
	/* Ed25519 (1.3.101.112): a type we do not know. */
	c.spki = SPAN(0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
	    0x03, 0x02, 0x00, 0x01);
	cr_expect_eq(uf_der_key(&c, &k), 0);
	cr_expect_eq(k.type, UF_KEY_OTHER);
	/* EC on secp256k1 (1.3.132.0.10): a curve we do not know. */
	c.spki = SPAN(0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	    0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a,
	    0x03, 0x02, 0x00, 0x04);
	cr_expect_eq(uf_der_key(&c, &k), 0);
	cr_expect_eq(k.type, UF_KEY_EC);
	cr_expect_eq(k.bits, 0);
	cr_expect_null(k.curve);
	/* RSA, modulus 0x01ff: 9 bits; exponent 3. */
	c.spki = SPAN(0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
	    0x0d, 0x01, 0x01, 0x01, 0x03, 0x0a, 0x00, 0x30, 0x07, 0x02, 0x02,
	    0x01, 0xff, 0x02, 0x01, 0x03);
	cr_expect_eq(uf_der_key(&c, &k), 0);
	cr_expect_eq(k.type, UF_KEY_RSA);
	cr_expect_eq(k.bits, 9);
	/* A negative modulus; then bits left unused in the BIT STRING. */
	c.spki = SPAN(0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
	    0x0d, 0x01, 0x01, 0x01, 0x03, 0x0a, 0x00, 0x30, 0x07, 0x02, 0x02,
	    0x81, 0xff, 0x02, 0x01, 0x03);
	cr_expect_eq(uf_der_key(&c, &k), -1);
	c.spki = SPAN(0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
	    0x0d, 0x01, 0x01, 0x01, 0x03, 0x0a, 0x01, 0x30, 0x07, 0x02, 0x02,
	    0x01, 0xff, 0x02, 0x01, 0x03);
	cr_expect_eq(uf_der_key(&c, &k), -1);
	c.spki = SPAN(0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
	    0x0d, 0x01, 0x01, 0x01);
	cr_expect_eq(uf_der_key(&c, &k), -1, "no key at all");
	cr_expect_eq(uf_der_bits((const unsigned char *)"\0\0\x80", 3), 8);
	cr_expect_eq(uf_der_bits((const unsigned char *)"\0", 1), 0);
}

Test(der, basic_constraints)
{
	static const struct {
		const char	*cert;
		int		ca;
		long		pathlen;
	} bcs[] = {
		{ "root", 1, -1 }, { "int", 1, 0 }, { "int2", 1, 0 },
		{ "nc-ca", 1, -1 }, { "leaf-ec", 0, -1 },
	};
	unsigned char	buf[4096];
	struct uf_cert	c;
	size_t		i;
	long		pathlen;
	int		ca;

	for (i = 0; i < sizeof bcs / sizeof bcs[0]; i++) {
		load(bcs[i].cert, buf, sizeof buf, &c);
		cr_assert_eq(uf_der_basic(&c, &ca, &pathlen), 0);
		cr_expect_eq(ca, bcs[i].ca, "%s", bcs[i].cert);
		cr_expect_eq(pathlen, bcs[i].pathlen, "%s", bcs[i].cert);
	}
	memset(&c, 0, sizeof c);
	cr_expect_eq(uf_der_basic(&c, &ca, &pathlen), 0, "none at all");
	cr_expect(ca == 0 && pathlen == -1);
	c.bc = SPAN(0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x05);
	cr_expect_eq(uf_der_basic(&c, &ca, &pathlen), 0);
	cr_expect(ca == 1 && pathlen == 5);
	c.bc = SPAN(0x30, 0x03, 0x02, 0x01, 0xff);
	cr_expect_eq(uf_der_basic(&c, &ca, &pathlen), -1, "negative");
	c.bc = SPAN(0x30, 0x07, 0x02, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00);
	cr_expect_eq(uf_der_basic(&c, &ca, &pathlen), -1, "2^32");
	c.bc = SPAN(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01);
	cr_expect_eq(uf_der_basic(&c, &ca, &pathlen), -1, "extra element");
	c.bc = SPAN(0x30, 0x00, 0x00);
	cr_expect_eq(uf_der_basic(&c, &ca, &pathlen), -1, "trailing byte");
}

Test(der, key_usage)
{
	static const struct {
		const char	*cert;
		unsigned	bits;
	} kus[] = {
		/* digitalSignature 0, keyEncipherment 2, keyAgreement 4,
		   keyCertSign 5, cRLSign 6 */
		{ "leaf-ec", 0x05 }, { "ku-nosig", 0x10 }, { "root", 0x60 },
		{ "nc-cn", 0x01 }, { "selfsigned", UF_KU_ANY },
	};
	unsigned char	buf[4096];
	struct uf_cert	c;
	unsigned	bits;
	size_t		i;

	for (i = 0; i < sizeof kus / sizeof kus[0]; i++) {
		load(kus[i].cert, buf, sizeof buf, &c);
		cr_assert_eq(uf_der_key_usage(&c, &bits), 0);
		cr_expect_eq(bits, kus[i].bits, "%s: %#x", kus[i].cert, bits);
	}
	memset(&c, 0, sizeof c);
	c.ku = SPAN(0x03, 0x03, 0x07, 0x80, 0x80);	/* bits 0 and 8 */
	cr_expect_eq(uf_der_key_usage(&c, &bits), 0);
	cr_expect_eq(bits, 0x101);
	c.ku = SPAN(0x03, 0x01, 0x00);
	cr_expect_eq(uf_der_key_usage(&c, &bits), 0, "no bits at all");
	cr_expect_eq(bits, 0);
	c.ku = SPAN(0x03, 0x02, 0x08, 0x80);
	cr_expect_eq(uf_der_key_usage(&c, &bits), -1, "8 unused bits");
	c.ku = SPAN(0x03, 0x01, 0x01);
	cr_expect_eq(uf_der_key_usage(&c, &bits), -1, "unused of nothing");
	c.ku = SPAN(0x04, 0x02, 0x07, 0x80);
	cr_expect_eq(uf_der_key_usage(&c, &bits), -1, "not a BIT STRING");
	c.ku = SPAN(0x03, 0x02, 0x07, 0x80, 0x00);
	cr_expect_eq(uf_der_key_usage(&c, &bits), -1, "trailing byte");
}

Test(der, extended_key_usage)
{
	static const struct {
		const char	*cert;
		int		server;
	} ekus[] = {
		{ "leaf-ec", 1 }, { "eku-client", 0 }, { "eku-any", 1 },
		{ "int", 1 },
	};
	unsigned char	buf[4096];
	struct uf_cert	c;
	size_t		i;

	for (i = 0; i < sizeof ekus / sizeof ekus[0]; i++) {
		load(ekus[i].cert, buf, sizeof buf, &c);
		cr_expect_eq(uf_der_eku_server(&c), ekus[i].server, "%s",
		    ekus[i].cert);
	}
	memset(&c, 0, sizeof c);
	c.eku = SPAN(0x30, 0x00);
	cr_expect_eq(uf_der_eku_server(&c), 0, "an empty list allows none");
	c.eku = SPAN(0x30, 0x03, 0x04, 0x01, 0x00);
	cr_expect_eq(uf_der_eku_server(&c), -1, "not an OID");
	c.eku = SPAN(0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05,
	    0x07, 0x03, 0x01, 0x00);
	cr_expect_eq(uf_der_eku_server(&c), -1, "trailing byte");
}

Test(der, name_constraints)
{
	static const unsigned char	lo8[] = {
		127, 0, 0, 0, 255, 0, 0, 0
	};
	unsigned char		buf[4096];
	struct uf_cert		c;
	struct uf_subtree	st;

	load("nc-ca", buf, sizeof buf, &c);
	cr_expect(!c.nc_critical);
	cr_assert_eq(uf_der_subtree(&c, 0, &st), 1);
	cr_expect(!st.excluded && st.tag == UF_GN_DNS
	    && span_is(st.base, ".example.org"));
	cr_assert_eq(uf_der_subtree(&c, 1, &st), 1);
	cr_expect(!st.excluded && st.tag == UF_GN_IP && st.base.len == 8
	    && memcmp(st.base.p, lo8, 8) == 0);
	cr_assert_eq(uf_der_subtree(&c, 2, &st), 1);
	cr_expect(st.excluded && st.tag == UF_GN_DNS
	    && span_is(st.base, "bad.example.org"));
	cr_expect_eq(uf_der_subtree(&c, 3, &st), 0);

	load("ncc-ca", buf, sizeof buf, &c);
	cr_expect(c.nc_critical);
	cr_expect_eq(uf_der_subtree(&c, 0, &st), 1);
	load("ncd-ca", buf, sizeof buf, &c);
	cr_assert_eq(uf_der_subtree(&c, 0, &st), 1);
	cr_expect_eq(st.tag, 0xa4, "directoryName");
	load("int", buf, sizeof buf, &c);
	cr_expect_null(c.nc.p);
	cr_expect_eq(uf_der_subtree(&c, 0, &st), 0);

	memset(&c, 0, sizeof c);
	/* permitted { dNSName "a.b" with minimum 0 written out } */
	c.nc = SPAN(0x30, 0x0c, 0xa0, 0x0a, 0x30, 0x08, 0x82, 0x03, 'a', '.',
	    'b', 0x80, 0x01, 0x00);
	cr_expect_eq(uf_der_subtree(&c, 0, &st), -1, "a minimum");
	c.nc = SPAN(0x30, 0x09, 0xa1, 0x07, 0x30, 0x05, 0x87, 0x03, 1, 2, 3);
	cr_expect_eq(uf_der_subtree(&c, 0, &st), -1, "a 3-byte IP base");
	c.nc = SPAN(0x30, 0x04, 0xa2, 0x02, 0x30, 0x00);
	cr_expect_eq(uf_der_subtree(&c, 0, &st), -1, "neither [0] nor [1]");
	c.nc = SPAN(0x30, 0x07, 0xa0, 0x05, 0x30, 0x03, 0x82, 0x01, 'a',
	    0x30, 0x00);
	cr_expect_eq(uf_der_subtree(&c, 0, &st), -1, "trailing bytes");
	/* An excluded subtree after a good one is still read. */
	c.nc = SPAN(0x30, 0x0e, 0xa0, 0x05, 0x30, 0x03, 0x82, 0x01, 'a',
	    0xa1, 0x05, 0x30, 0x03, 0x82, 0x01, 'b');
	cr_expect_eq(uf_der_subtree(&c, 1, &st), 1);
	cr_expect(st.excluded && span_is(st.base, "b"));
}

/*
 * A certificate made by hand with the extensions exts[0..len): empty
 * names, an Ed25519-shaped key, no signature worth the name.
 */
static size_t
cert_with(unsigned char *out, const unsigned char *exts, size_t len)
{
	static const unsigned char	head[] = {
		0xa0, 0x03, 0x02, 0x01, 0x02,		/* v3 */
		0x02, 0x01, 0x01,			/* serial */
		0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, /* algorithm */
		0x30, 0x00, 0x30, 0x00, 0x30, 0x00,	/* names, dates */
		0x30, 0x0a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
		0x03, 0x01, 0x00			/* key */
	};
	unsigned char	tbs[256];
	size_t		n = 0, t;

	memcpy(tbs, head, sizeof head);
	t = sizeof head;
	tbs[t++] = 0xa3;
	tbs[t++] = (unsigned char)(len + 2);
	tbs[t++] = 0x30;
	tbs[t++] = (unsigned char)len;
	memcpy(tbs + t, exts, len);
	t += len;
	out[n++] = 0x30;
	out[n++] = 0x81;
	out[n++] = (unsigned char)(t + 2 + 9);
	out[n++] = 0x30;
	out[n++] = (unsigned char)t;
	memcpy(out + n, tbs, t);
	n += t;
	/* signatureAlgorithm, signature */
	memcpy(out + n, "\x30\x05\x06\x03\x2b\x65\x70\x03\x01\x00", 10);
	n += 10;
	out[2] = (unsigned char)(n - 3);
	return n;
}

Test(der, one_extension_twice_is_malformed)
{
	/* keyUsage digitalSignature, and basicConstraints CA:FALSE */
	static const unsigned char	ku[] = {
		0x30, 0x0b, 0x06, 0x03, 0x55, 0x1d, 0x0f,
		0x04, 0x04, 0x03, 0x02, 0x07, 0x80
	};
	static const unsigned char	bc[] = {
		0x30, 0x0c, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff,
		0x04, 0x02, 0x30, 0x00
	};
	unsigned char	exts[64], cert[256];
	struct uf_cert	c;
	unsigned	bits;
	size_t		n;

	memcpy(exts, ku, sizeof ku);
	memcpy(exts + sizeof ku, bc, sizeof bc);
	n = cert_with(cert, exts, sizeof ku + sizeof bc);
	cr_assert_eq(uf_der_cert(cert, n, &c), 0);
	cr_expect_eq(uf_der_key_usage(&c, &bits), 0);
	cr_expect_eq(bits, UF_KU_DIGITAL_SIGNATURE);
	cr_expect_not_null(c.bc.p);
	cr_expect(!c.has_san);

	memcpy(exts + sizeof ku, ku, sizeof ku);
	n = cert_with(cert, exts, 2 * sizeof ku);
	cr_expect_eq(uf_der_cert(cert, n, &c), -1);
}
