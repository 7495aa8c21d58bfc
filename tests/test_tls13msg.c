/*
 * test_tls13msg.c: TLS 1.3 messages as bytes (src/tls13msg.c).
 *
 * Our ClientHello is built and read back by a parser of this file's
 * own, field by field, and must fail cleanly into every buffer too
 * small for it. The server's messages are parsed from the RFC 8448
 * trace and from a table of cases; every case that parses is also cut
 * short at every length, ending at a guard page, and must then be
 * refused without reading past its end.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "aead.h"
#include "guard.h"
#include "rfc8448_msgs.h"
#include "tls13msg.h"
#include "tlscache.h"

#include <bearssl.h>

/*
 * The ClientHello, read back.
 */

struct ch {
	unsigned		version;
	const unsigned char	*random, *sid;
	size_t			sid_len;
	unsigned		suites[32];
	size_t			nsuites;
	size_t			ncomp;
	unsigned		comp;
	unsigned		ext[16];	/* extension types, in order */
	size_t			next;
	const unsigned char	*host;
	size_t			host_len;
	unsigned		versions[8], groups[8], sigalgs[16];
	size_t			nversions, ngroups, nsigalgs;
	size_t			nshares;
	unsigned		share_group;
	const unsigned char	*share, *cookie;
	size_t			share_len, cookie_len;
	unsigned		psk_modes[4];
	size_t			npsk_modes;
	const unsigned char	*identity, *binder;
	size_t			identity_len, binder_len;
	unsigned long		age;
	size_t			binders;	/* offset of the list */
};

/* A cursor for this parser: every overrun fails the test. */
struct cur {
	const unsigned char	*p;
	size_t			left;
};

static const unsigned char *
take(struct cur *c, size_t n)
{
	const unsigned char	*p = c->p;

	cr_assert_leq(n, c->left, "ClientHello: %zu bytes wanted, %zu left",
	    n, c->left);
	c->p += n;
	c->left -= n;
	return p;
}

static unsigned
num(struct cur *c, size_t n)
{
	const unsigned char	*p = take(c, n);
	unsigned		v = 0;

	while (n-- > 0) {
		v = v << 8 | *p++;
	}
	return v;
}

static struct cur
sub(struct cur *c, size_t lenlen)
{
	struct cur	s;

	s.left = num(c, lenlen);
	s.p = take(c, s.left);
	return s;
}

static void
list16(struct cur v, unsigned *out, size_t *n, size_t max)
{
	cr_assert_eq(v.left % 2, 0);
	for (*n = 0; v.left > 0; (*n)++) {
		cr_assert_lt(*n, max);
		out[*n] = num(&v, 2);
	}
}

static void
read_ch(const unsigned char *msg, size_t len, struct ch *h)
{
	struct cur	c = { msg, len }, b, e, v, s;
	size_t		i;
	unsigned	type;

	memset(h, 0, sizeof *h);
	cr_assert_eq(num(&c, 1), UF_HS_CLIENT_HELLO);
	b = sub(&c, 3);
	cr_assert_eq(c.left, 0, "bytes after the ClientHello");
	h->version = num(&b, 2);
	h->random = take(&b, UF_TLS_RANDOM);
	s = sub(&b, 1);
	h->sid = s.p;
	h->sid_len = s.left;
	list16(sub(&b, 2), h->suites, &h->nsuites, 32);
	s = sub(&b, 1);
	h->ncomp = s.left;
	h->comp = h->ncomp > 0 ? s.p[0] : 256;
	e = sub(&b, 2);
	cr_assert_eq(b.left, 0, "bytes after the extensions");
	while (e.left > 0) {
		type = num(&e, 2);
		v = sub(&e, 2);
		for (i = 0; i < h->next; i++) {
			cr_assert_neq(h->ext[i], type, "extension %u twice",
			    type);
		}
		cr_assert_lt(h->next, 16);
		h->ext[h->next++] = type;
		switch (type) {
		case UF_EXT_SERVER_NAME:
			s = sub(&v, 2);
			cr_assert_eq(v.left, 0);
			cr_assert_eq(num(&s, 1), 0, "host_name");
			v = sub(&s, 2);
			h->host = v.p;
			h->host_len = v.left;
			cr_assert_eq(s.left, 0, "one name");
			continue;
		case UF_EXT_SUPPORTED_VERSIONS:
			s = sub(&v, 1);
			list16(s, h->versions, &h->nversions, 8);
			break;
		case UF_EXT_SUPPORTED_GROUPS:
			list16(sub(&v, 2), h->groups, &h->ngroups, 8);
			break;
		case UF_EXT_SIGNATURE_ALGORITHMS:
			list16(sub(&v, 2), h->sigalgs, &h->nsigalgs, 16);
			break;
		case UF_EXT_KEY_SHARE:
			s = sub(&v, 2);
			while (s.left > 0) {
				h->share_group = num(&s, 2);
				b = sub(&s, 2);
				h->share = b.p;
				h->share_len = b.left;
				h->nshares++;
			}
			break;
		case UF_EXT_COOKIE:
			s = sub(&v, 2);
			h->cookie = s.p;
			h->cookie_len = s.left;
			break;
		case UF_EXT_PSK_KEY_EXCHANGE_MODES:
			s = sub(&v, 1);
			while (s.left > 0 && h->npsk_modes < 4) {
				h->psk_modes[h->npsk_modes++] = num(&s, 1);
			}
			cr_assert_eq(s.left, 0);
			break;
		case UF_EXT_PRE_SHARED_KEY:
			/* The last extension (RFC 8446 4.2.11). */
			cr_assert_eq(e.left, 0, "pre_shared_key not last");
			s = sub(&v, 2);
			b = sub(&s, 2);
			h->identity = b.p;
			h->identity_len = b.left;
			h->age = (unsigned long)num(&s, 2) << 16;
			h->age |= num(&s, 2);
			cr_assert_eq(s.left, 0, "one identity");
			h->binders = (size_t)(v.p - msg);
			s = sub(&v, 2);
			b = sub(&s, 1);
			h->binder = b.p;
			h->binder_len = b.left;
			cr_assert_eq(s.left, 0, "one binder");
			break;
		default:
			/* ec_point_formats, for a TLS 1.2 server. */
			cr_assert_eq(type, 11, "extension %u", type);
			s = sub(&v, 1);
			cr_assert(s.left == 1 && s.p[0] == 0);
			break;
		}
		cr_assert_eq(v.left, 0, "extension %u: bytes after it", type);
	}
}

static int
has(const unsigned *v, size_t n, unsigned x)
{
	while (n-- > 0) {
		if (v[n] == x) {
			return 1;
		}
	}
	return 0;
}

static void
check_ch(const struct uf_tls13_ch *in)
{
	static unsigned char	buf[4096];
	struct ch		h;
	size_t			len, cap, i, binders = 0, b2;
	unsigned char		*g;

	len = uf_tls13_client_hello(buf, sizeof buf, in, &binders);
	cr_assert_gt(len, 0);
	read_ch(buf, len, &h);
	cr_expect_eq(h.version, UF_TLS12_VERSION, "legacy_version");
	cr_expect_eq(memcmp(h.random, in->random, UF_TLS_RANDOM), 0);
	cr_expect(h.sid_len == UF_TLS_SESSION_ID
	    && memcmp(h.sid, in->sid, UF_TLS_SESSION_ID) == 0, "session ID");
	/* TLS 1.3's suites first, in the given order; then TLS 1.2's. */
	cr_assert_eq(h.nsuites, in->nsuites + in->nsuites12);
	for (i = 0; i < h.nsuites; i++) {
		cr_expect_eq(h.suites[i], i < in->nsuites ? in->suites[i]
		    : in->suites12[i - in->nsuites], "suite %zu", i);
	}
	cr_expect(h.ncomp == 1 && h.comp == 0, "compression: null only");
	if (in->sni != NULL) {
		cr_expect(h.host_len == strlen(in->sni)
		    && memcmp(h.host, in->sni, h.host_len) == 0, "SNI");
	} else {
		cr_expect(!has(h.ext, h.next, UF_EXT_SERVER_NAME), "no SNI");
	}
	cr_expect(h.nversions == 2 && h.versions[0] == UF_TLS13_VERSION
	    && h.versions[1] == UF_TLS12_VERSION, "supported_versions");
	cr_expect(h.ngroups == 3 && h.groups[0] == UF_GROUP_X25519
	    && has(h.groups, 3, UF_GROUP_SECP256R1)
	    && has(h.groups, 3, UF_GROUP_SECP384R1), "supported_groups");
	cr_expect(has(h.sigalgs, h.nsigalgs, UF_SIG_ECDSA_SECP256R1_SHA256)
	    && has(h.sigalgs, h.nsigalgs, UF_SIG_ECDSA_SECP384R1_SHA384)
	    && has(h.sigalgs, h.nsigalgs, UF_SIG_RSA_PSS_RSAE_SHA256)
	    && has(h.sigalgs, h.nsigalgs, UF_SIG_RSA_PSS_RSAE_SHA384)
	    && has(h.sigalgs, h.nsigalgs, UF_SIG_RSA_PSS_RSAE_SHA512),
	    "signature_algorithms");
	cr_expect(h.nshares == 1 && h.share_group == in->group
	    && h.share_len == in->share_len
	    && memcmp(h.share, in->share, h.share_len) == 0, "key_share");
	if (in->cookie != NULL) {
		cr_expect(h.cookie_len == in->cookie_len
		    && memcmp(h.cookie, in->cookie, h.cookie_len) == 0,
		    "cookie");
	} else {
		cr_expect(!has(h.ext, h.next, UF_EXT_COOKIE), "no cookie");
	}
	/* Always psk_dhe_ke, so that servers send tickets (4.2.9). */
	cr_expect(h.npsk_modes == 1 && h.psk_modes[0] == UF_PSK_DHE_KE,
	    "psk_key_exchange_modes");
	if (in->ticket != NULL) {
		cr_expect(h.identity_len == in->ticket_len
		    && memcmp(h.identity, in->ticket, h.identity_len) == 0,
		    "the ticket");
		cr_expect_eq(h.age, in->ticket_age, "obfuscated_ticket_age");
		cr_expect_eq(h.binders, binders, "where the binders are");
		cr_expect_eq(h.binder, buf + binders + UF_BINDER_AT);
		cr_expect_eq(h.binder_len, in->binder_len, "binder length");
	} else {
		cr_expect(!has(h.ext, h.next, UF_EXT_PRE_SHARED_KEY),
		    "no pre_shared_key");
	}
	/* Too small a buffer: 0, and not a byte written past it. */
	for (cap = 0; cap < len; cap++) {
		g = guard_copy(buf, cap);
		cr_expect_eq(uf_tls13_client_hello(g, cap, in, &b2), 0,
		    "cap %zu", cap);
	}
	g = guard_copy(buf, len);
	cr_expect_eq(uf_tls13_client_hello(g, len, in, &b2), len);
}

static void
fill(unsigned char *p, size_t n, unsigned seed)
{
	while (n-- > 0) {
		p[n] = (unsigned char)(seed + n * 31);
	}
}

Test(tls13msg, client_hello_round_trip)
{
	/* A cookie is at most 2^16 - 1 bytes; ours hold 300. */
	static unsigned char	share[UF_SHARE_MAX], cookie[300];
	static unsigned char	ticket[UF_TICKET_MAX];
	static char		host[254];
	static const uint16_t	s13[] = { 0x1303, 0x1301, 0x1302 };
	static const uint16_t	s12[] = { 0xc02b, 0xc02f, 0xc02c, 0xc030,
				    0xcca9, 0xcca8 };
	struct uf_tls13_ch	ch;

	memset(&ch, 0, sizeof ch);
	fill(ch.random, sizeof ch.random, 1);
	fill(ch.sid, sizeof ch.sid, 2);
	fill(share, sizeof share, 3);
	fill(cookie, sizeof cookie, 4);
	fill(ticket, sizeof ticket, 5);
	ch.sni = "localhost";
	ch.group = UF_GROUP_X25519;
	ch.share = share;
	ch.share_len = 32;
	ch.suites = s13;
	ch.nsuites = 3;
	ch.suites12 = s12;
	ch.nsuites12 = 6;
	check_ch(&ch);

	/* After a HelloRetryRequest: P-256, a cookie; an IP: no SNI. */
	ch.sni = NULL;
	ch.group = UF_GROUP_SECP256R1;
	ch.share_len = 65;
	ch.cookie = cookie;
	ch.cookie_len = 40;
	/* ChaCha20 only: one TLS 1.3 suite, two TLS 1.2 ones. */
	ch.nsuites = 1;
	ch.suites12 = s12 + 4;
	ch.nsuites12 = 2;
	check_ch(&ch);

	/* A ticket: pre_shared_key, last, with a SHA-256 binder. */
	ch.ticket = ticket;
	ch.ticket_len = 200;
	ch.ticket_age = 0x89abcdefu;
	ch.binder_len = 32;
	check_ch(&ch);

	/* The longest of everything. */
	memset(host, 'a', sizeof host - 1);
	ch.sni = host;
	ch.group = UF_GROUP_SECP384R1;
	ch.share_len = UF_SHARE_MAX;
	ch.cookie_len = sizeof cookie;
	ch.ticket_len = sizeof ticket;
	ch.binder_len = 48;
	check_ch(&ch);
}

/*
 * The server's messages.
 */

/* SH_PSK: a ServerHello to a ClientHello that offered a PSK. */
enum parser { SH, SH_PSK, EE, EE_SNI, CR, CERT, CV, KU, NST };

struct pcase {
	const char		*name;
	enum parser		parser;
	const unsigned char	*in;	/* the body, without its header */
	size_t			len;
	unsigned		alert;
};

/* Most certificates a Certificate case holds. */
#define CHAIN_MAX	4
#define BODY(m)		((m) + UF_HS_HEADER), (sizeof(m) - UF_HS_HEADER)
#define S(s)		((const unsigned char *)(s)), (sizeof(s) - 1)

/* A HelloRetryRequest for P-256 with a 4-byte cookie. */
static const unsigned char	hrr[] = {
	0x03, 0x03, 0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2,
	0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2,
	0xc8, 0xa8, 0x33, 0x9c, 0x00, 0x13, 0x01, 0x00, 0x00, 0x16,
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02,
	0x00, 0x17, 0x00, 0x2c, 0x00, 0x06, 0x00, 0x04, 0x63, 0x6f,
	0x6f, 0x6b
};
/* ... with pre_shared_key, which a HelloRetryRequest never has. */
static const unsigned char	hrr_psk[] = {
	0x03, 0x03, 0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2,
	0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2,
	0xc8, 0xa8, 0x33, 0x9c, 0x00, 0x13, 0x01, 0x00, 0x00, 0x1c,
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02,
	0x00, 0x17, 0x00, 0x2c, 0x00, 0x06, 0x00, 0x04, 0x63, 0x6f,
	0x6f, 0x6b, 0x00, 0x29, 0x00, 0x02, 0x00, 0x00
};
/* The fixed part of a ServerHello with an empty session ID. */
#define SH_FIXED	(2 + UF_TLS_RANDOM + 1 + 2 + 1)
/* A TLS 1.2 ServerHello (no extensions at all); then with a key share. */
static const unsigned char	sh12[SH_FIXED] = {
	0x03, 0x03, [SH_FIXED - 4] = 0x00, 0xc0, 0x2b, 0x00
};
static const unsigned char	sh12_share[SH_FIXED + 10] = {
	0x03, 0x03, [SH_FIXED - 4] = 0x00, 0xc0, 0x2b, 0x00, 0x00, 0x08,
	0x00, 0x33, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x00
};
/* TLS 1.3, pre_shared_key (identity 0), an X25519 share of zeros. */
static const unsigned char	sh_psk[SH_FIXED + 2 + 52] = {
	0x03, 0x03, [SH_FIXED - 4] = 0x00, 0x13, 0x01, 0x00, 0x00, 0x34,
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x29, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20
};
/* The same without its key_share. */
static const unsigned char	sh_psk_noshare[SH_FIXED + 2 + 12] = {
	0x03, 0x03, [SH_FIXED - 4] = 0x00, 0x13, 0x01, 0x00, 0x00, 0x0c,
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x29, 0x00, 0x02,
	0x00, 0x00
};

static const struct pcase	pcases[] = {
	{ "RFC 8448 ServerHello", SH, BODY(rfc8448_server_hello), 0 },
	{ "HelloRetryRequest with a cookie", SH, hrr, sizeof hrr, 0 },
	{ "pre_shared_key answered", SH_PSK, sh_psk, sizeof sh_psk, 0 },
	{ "pre_shared_key not offered", SH, sh_psk, sizeof sh_psk,
	  UF_ALERT_UNSUPPORTED_EXTENSION },
	/* psk_dhe_ke was asked for: a key share MUST come (4.2.11). */
	{ "pre_shared_key without key_share", SH_PSK, sh_psk_noshare,
	  sizeof sh_psk_noshare, UF_ALERT_ILLEGAL_PARAMETER },
	/* Known, and not for that message: illegal (RFC 8446 4.2). */
	{ "HelloRetryRequest with pre_shared_key", SH, hrr_psk,
	  sizeof hrr_psk, UF_ALERT_ILLEGAL_PARAMETER },
	{ "TLS 1.2 ServerHello", SH, sh12, sizeof sh12, 0 },
	{ "TLS 1.2 ServerHello with a key share", SH, sh12_share,
	  sizeof sh12_share, UF_ALERT_ILLEGAL_PARAMETER },
	/* Its record_size_limit: ufetch offered none. */
	{ "RFC 8448 EncryptedExtensions", EE_SNI,
	  BODY(rfc8448_encrypted_extensions),
	  UF_ALERT_UNSUPPORTED_EXTENSION },
	{ "empty EncryptedExtensions", EE, S("\0\0"), 0 },
	{ "server_name answered", EE_SNI, S("\0\x04\0\0\0\0"), 0 },
	{ "server_name not asked for", EE, S("\0\x04\0\0\0\0"),
	  UF_ALERT_UNSUPPORTED_EXTENSION },
	{ "supported_groups", EE, S("\0\x08\0\x0a\0\x04\0\x02\0\x17"), 0 },
	{ "pre_shared_key", EE, S("\0\x06\0\x29\0\x02\0\0"),
	  UF_ALERT_ILLEGAL_PARAMETER },
	{ "supported_groups of an odd length", EE,
	  S("\0\x07\0\x0a\0\x03\0\x01\0"), UF_ALERT_DECODE_ERROR },
	{ "CertificateRequest", CR, S("\0\0\x08\0\x0d\0\x04\0\x02\x04\x03"),
	  0 },
	{ "CertificateRequest with a context", CR, S("\x02xy\0\0"), 0 },
	{ "RFC 8448 Certificate", CERT, BODY(rfc8448_certificate), 0 },
	{ "an empty certificate_list", CERT, S("\0\0\0\0"), 0 },
	{ "a certificate_request_context", CERT, S("\x01x\0\0\0"),
	  UF_ALERT_ILLEGAL_PARAMETER },
	{ "an empty certificate", CERT, S("\0\0\0\x05\0\0\0\0\0"),
	  UF_ALERT_DECODE_ERROR },
	{ "a CertificateEntry extension", CERT,
	  S("\0\0\0\x0a\0\0\x01x\0\x04\0\x12\0\0"),
	  UF_ALERT_UNSUPPORTED_EXTENSION },
	{ "RFC 8448 CertificateVerify", CV, BODY(rfc8448_certificate_verify),
	  0 },
	{ "an empty signature", CV, S("\x04\x03\0\0"),
	  UF_ALERT_DECODE_ERROR },
	{ "update_not_requested", KU, S("\0"), 0 },
	{ "update_requested", KU, S("\x01"), 0 },
	{ "request_update 2", KU, S("\x02"), UF_ALERT_ILLEGAL_PARAMETER },
	{ "a KeyUpdate of 2 bytes", KU, S("\0\0"), UF_ALERT_DECODE_ERROR },
	{ "RFC 8448 NewSessionTicket", NST, BODY(rfc8448_new_session_ticket),
	  0 },
	{ "a NewSessionTicket without a ticket", NST,
	  S("\0\0\0\x01\0\0\0\x01\x01\x00\0\0\0\0"), UF_ALERT_DECODE_ERROR },
};

/* What a parser says of in[0..len) (the ServerHello's in *sh). */
static unsigned
parse(const struct pcase *c, const unsigned char *in, size_t len,
    struct uf_tls13_sh *sh)
{
	const unsigned char	*der[CHAIN_MAX], *p;
	size_t			dlen[CHAIN_MAX], n;
	const char		*why = NULL;
	unsigned		alert = 0, v;
	struct uf_tls13_nst	nst;

	switch (c->parser) {
	case SH:
	case SH_PSK:
		alert = uf_tls13_parse_sh(in, len, c->parser == SH_PSK, sh,
		    &why);
		break;
	case EE:
	case EE_SNI:
		alert = uf_tls13_parse_ee(in, len, c->parser == EE_SNI, &why);
		break;
	case CR:
		alert = uf_tls13_parse_cr(in, len, &p, &n, &why);
		break;
	case CERT:
		alert = uf_tls13_parse_cert(in, len, der, dlen,
		    CHAIN_MAX, &n, &why);
		break;
	case CV:
		alert = uf_tls13_parse_cv(in, len, &v, &p, &n, &why);
		break;
	case KU:
		alert = uf_tls13_parse_ku(in, len, &v, &why);
		break;
	case NST:
		alert = uf_tls13_parse_nst(in, len, &nst, &why);
		break;
	}
	cr_expect(alert == 0 || (why != NULL && why[0] != '\0'), "%s: "
	    "alert %u without a reason", c->name, alert);
	return alert;
}

Test(tls13msg, parsers_table)
{
	struct uf_tls13_sh	sh;
	unsigned		alert;
	size_t			i;

	for (i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
		alert = parse(&pcases[i], guard_copy(pcases[i].in,
		    pcases[i].len), pcases[i].len, &sh);
		cr_expect_eq(alert, pcases[i].alert, "%s: alert %u, want %u",
		    pcases[i].name, alert, pcases[i].alert);
	}
}

Test(tls13msg, every_prefix_is_refused)
{
	const struct pcase	*c;
	struct uf_tls13_sh	sh;
	size_t			i, k;

	for (i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
		c = &pcases[i];
		if (c->alert != 0) {
			continue;
		}
		for (k = 0; k < c->len; k++) {
			/* A ServerHello may end where TLS 1.2's may. */
			if (parse(c, guard_copy(c->in, k), k, &sh) == 0) {
				cr_expect((c->parser == SH
				    || c->parser == SH_PSK) && k == SH_FIXED
				    + (size_t)c->in[2 + UF_TLS_RANDOM]
				    && !sh.tls13,
				    "%s: its first %zu bytes parse", c->name,
				    k);
			}
		}
	}
}

Test(tls13msg, rfc8448_fields)
{
	const unsigned char	*der[2], *sig;
	const unsigned char	*sh_body = rfc8448_server_hello
				    + UF_HS_HEADER;
	const unsigned char	*cv_body = rfc8448_certificate_verify
				    + UF_HS_HEADER;
	struct uf_tls13_sh	sh;
	const char		*why;
	size_t			dlen[2], n, sig_len;
	unsigned		scheme;

	cr_assert_eq(uf_tls13_parse_sh(BODY(rfc8448_server_hello), 0, &sh,
	    &why), 0);
	cr_expect(sh.tls13 && !sh.hrr && sh.version == UF_TLS13_VERSION);
	cr_expect_eq(sh.random, sh_body + 2);
	cr_expect_eq(sh.sid_len, 0);
	cr_expect_eq(sh.suite, UF_TLS_AES_128_GCM_SHA256);
	cr_expect_eq(sh.compression, 0);
	cr_expect_eq(sh.group, UF_GROUP_X25519);
	/* The server's public key of the trace ("c9 82 88 76 ..."). */
	cr_expect(sh.share_len == 32 && sh.share[0] == 0xc9
	    && sh.share[31] == 0x0f);
	cr_expect_null(sh.cookie);

	cr_assert_eq(uf_tls13_parse_sh(hrr, sizeof hrr, 0, &sh, &why), 0);
	cr_expect(sh.hrr && sh.tls13 && sh.group == UF_GROUP_SECP256R1);
	cr_expect(sh.cookie_len == 4 && memcmp(sh.cookie, "cook", 4) == 0);
	cr_expect_null(sh.share);

	cr_assert_eq(uf_tls13_parse_sh(sh12, sizeof sh12, 0, &sh, &why), 0);
	cr_expect(!sh.tls13 && sh.legacy_version == UF_TLS12_VERSION
	    && sh.suite == 0xc02b);

	cr_assert_eq(uf_tls13_parse_cert(BODY(rfc8448_certificate), der, dlen,
	    2, &n, &why), 0);
	cr_expect(n == 1 && dlen[0] == 0x1b0 && der[0][0] == 0x30);

	cr_assert_eq(uf_tls13_parse_cv(BODY(rfc8448_certificate_verify),
	    &scheme, &sig, &sig_len, &why), 0);
	cr_expect(scheme == UF_SIG_RSA_PSS_RSAE_SHA256 && sig_len == 128
	    && sig == cv_body + 4);
}

Test(tls13msg, unpad)
{
	static const struct {
		const char	*in;
		size_t		len, want_len;
		unsigned	type;
	} u[] = {
		{ "\x17", 1, 0, 23 },
		{ "abc\x16\0\0\0", 7, 3, 22 },
		{ "a\0b\x15\0", 5, 3, 21 },
		{ "\0\0\0", 3, 0, 0 },
		{ "", 0, 0, 0 },
	};
	size_t		i, len;
	unsigned	type;

	for (i = 0; i < sizeof u / sizeof u[0]; i++) {
		len = u[i].len;
		type = uf_tls13_unpad(guard_copy(u[i].in, len), &len);
		cr_expect_eq(type, u[i].type, "case %zu: type %u", i, type);
		if (type != 0) {
			cr_expect_eq(len, u[i].want_len, "case %zu: %zu bytes",
			    i, len);
		}
	}
	/* The Finished of RFC 8448 as a record's inner plaintext. */
	{
		unsigned char	rec[sizeof rfc8448_server_finished + 9];

		memset(rec, 0, sizeof rec);
		memcpy(rec, rfc8448_server_finished,
		    sizeof rfc8448_server_finished);
		rec[sizeof rfc8448_server_finished] = 22;
		len = sizeof rec;
		cr_expect_eq(uf_tls13_unpad(guard_copy(rec, len), &len), 22);
		cr_expect_eq(len, sizeof rfc8448_server_finished);
	}
}

Test(tls13msg, downgrade_sentinels)
{
	unsigned char	r[UF_TLS_RANDOM];

	memset(r, 0x5a, sizeof r);
	cr_expect(!uf_tls13_downgraded(r));
	memcpy(r + 24, "DOWNGRD\x01", 8);
	cr_expect(uf_tls13_downgraded(r), "TLS 1.2");
	r[31] = 0;
	cr_expect(uf_tls13_downgraded(r), "TLS 1.1 and older");
	r[31] = 2;
	cr_expect(!uf_tls13_downgraded(r));
	memcpy(r, "DOWNGRD\x01", 8);
	r[31] = 0x5a;
	cr_expect(!uf_tls13_downgraded(r), "only at the end");
}
