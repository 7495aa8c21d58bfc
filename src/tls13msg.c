/*
 * tls13msg.c: TLS 1.3 handshake messages as bytes (see tls13msg.h).
 *
 * Reading goes through struct rd, a cursor that turns every overrun
 * into a sticky 'bad' flag: a parser reads its fields in order, then
 * looks at the flag once. Writing goes through struct wr the same way.
 */
#include <string.h>

#include "tls13msg.h"

/*
 * The random of a HelloRetryRequest: SHA-256 of "HelloRetryRequest"
 * (RFC 8446 4.1.3).
 */
static const unsigned char	hrr_random[UF_TLS_RANDOM] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};

/* The downgrade sentinel's first seven bytes, "DOWNGRD" (RFC 8446 4.1.3). */
static const unsigned char	downgrade[7] = {
	0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44
};

static const uint16_t	groups[] = {
	UF_GROUP_X25519, UF_GROUP_SECP256R1, UF_GROUP_SECP384R1
};

/*
 * What we verify: ECDSA and RSA-PSS in CertificateVerify; PKCS#1 v1.5
 * only in certificates (RFC 8446 4.2.3) and in TLS 1.2.
 */
static const uint16_t	sigalgs[] = {
	UF_SIG_ECDSA_SECP256R1_SHA256, UF_SIG_ECDSA_SECP384R1_SHA384,
	UF_SIG_ECDSA_SECP521R1_SHA512, UF_SIG_RSA_PSS_RSAE_SHA256,
	UF_SIG_RSA_PSS_RSAE_SHA384, UF_SIG_RSA_PSS_RSAE_SHA512,
	UF_SIG_RSA_PKCS1_SHA256, UF_SIG_RSA_PKCS1_SHA384,
	UF_SIG_RSA_PKCS1_SHA512
};

/* ec_point_formats, for a TLS 1.2 server (RFC 8422 5.1.2). */
#define EXT_EC_POINT_FORMATS	11

/*
 * Writing.
 */

struct wr {
	unsigned char	*p;
	size_t		cap, len;
	int		bad;
};

static void
put(struct wr *w, const void *src, size_t n)
{
	if (w->bad || n > w->cap - w->len) {
		w->bad = 1;
		return;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void
put8(struct wr *w, unsigned v)
{
	unsigned char	b = (unsigned char)v;

	put(w, &b, 1);
}

static void
put16(struct wr *w, unsigned v)
{
	put8(w, v >> 8);
	put8(w, v);
}

/* Open a length field of n bytes; close_len() fills it in. */
static size_t
open_len(struct wr *w, size_t n)
{
	size_t	at = w->len;

	while (n-- > 0) {
		put8(w, 0);
	}
	return at;
}

static void
close_len(struct wr *w, size_t at, size_t n)
{
	size_t	v, i;

	if (w->bad) {
		return;
	}
	v = w->len - at - n;
	for (i = n; i > 0; i--) {
		w->p[at + i - 1] = (unsigned char)v;
		v >>= 8;
	}
}

static void
put_list16(struct wr *w, const uint16_t *v, size_t n, size_t lenlen)
{
	size_t	at = open_len(w, lenlen), i;

	for (i = 0; i < n; i++) {
		put16(w, v[i]);
	}
	close_len(w, at, lenlen);
}

/* see tls13msg.h */
size_t
uf_tls13_client_hello(unsigned char *buf, size_t cap,
    const struct uf_tls13_ch *ch, size_t *binders)
{
	struct wr	w = { buf, cap, 0, 0 };
	size_t		body, suites, exts, ext, list, i;

	put8(&w, UF_HS_CLIENT_HELLO);
	body = open_len(&w, 3);
	put16(&w, UF_TLS12_VERSION);
	put(&w, ch->random, UF_TLS_RANDOM);
	/* A session ID of ours: middlebox compatibility (RFC 8446 D.4). */
	put8(&w, UF_TLS_SESSION_ID);
	put(&w, ch->sid, UF_TLS_SESSION_ID);
	suites = open_len(&w, 2);
	put_list16(&w, ch->suites, ch->nsuites, 0);
	put_list16(&w, ch->suites12, ch->nsuites12, 0);
	close_len(&w, suites, 2);
	put8(&w, 1);		/* compression methods: null only */
	put8(&w, 0);
	exts = open_len(&w, 2);
	if (ch->sni != NULL) {
		put16(&w, UF_EXT_SERVER_NAME);
		ext = open_len(&w, 2);
		list = open_len(&w, 2);
		put8(&w, 0);	/* host_name */
		put16(&w, (unsigned)strlen(ch->sni));
		put(&w, ch->sni, strlen(ch->sni));
		close_len(&w, list, 2);
		close_len(&w, ext, 2);
	}
	put16(&w, UF_EXT_SUPPORTED_VERSIONS);
	put16(&w, 5);
	put8(&w, 4);
	put16(&w, UF_TLS13_VERSION);
	put16(&w, UF_TLS12_VERSION);
	put16(&w, UF_EXT_SUPPORTED_GROUPS);
	ext = open_len(&w, 2);
	put_list16(&w, groups, sizeof groups / sizeof groups[0], 2);
	close_len(&w, ext, 2);
	put16(&w, UF_EXT_SIGNATURE_ALGORITHMS);
	ext = open_len(&w, 2);
	put_list16(&w, sigalgs, sizeof sigalgs / sizeof sigalgs[0], 2);
	close_len(&w, ext, 2);
	put16(&w, EXT_EC_POINT_FORMATS);
	put16(&w, 2);
	put8(&w, 1);
	put8(&w, 0);		/* uncompressed */
	put16(&w, UF_EXT_KEY_SHARE);
	ext = open_len(&w, 2);
	list = open_len(&w, 2);
	put16(&w, ch->group);
	put16(&w, (unsigned)ch->share_len);
	put(&w, ch->share, ch->share_len);
	close_len(&w, list, 2);
	close_len(&w, ext, 2);
	if (ch->cookie != NULL) {
		put16(&w, UF_EXT_COOKIE);
		ext = open_len(&w, 2);
		put16(&w, (unsigned)ch->cookie_len);
		put(&w, ch->cookie, ch->cookie_len);
		close_len(&w, ext, 2);
	}
	put16(&w, UF_EXT_PSK_KEY_EXCHANGE_MODES);
	put16(&w, 2);
	put8(&w, 1);
	put8(&w, UF_PSK_DHE_KE);
	/* pre_shared_key MUST be the last extension (4.2.11). */
	if (ch->ticket != NULL) {
		put16(&w, UF_EXT_PRE_SHARED_KEY);
		ext = open_len(&w, 2);
		list = open_len(&w, 2);
		put16(&w, (unsigned)ch->ticket_len);
		put(&w, ch->ticket, ch->ticket_len);
		put16(&w, ch->ticket_age >> 16);
		put16(&w, ch->ticket_age & 0xffff);
		close_len(&w, list, 2);
		*binders = w.len;
		list = open_len(&w, 2);
		put8(&w, (unsigned)ch->binder_len);
		for (i = 0; i < ch->binder_len; i++) {
			put8(&w, 0);
		}
		close_len(&w, list, 2);
		close_len(&w, ext, 2);
	}
	close_len(&w, exts, 2);
	close_len(&w, body, 3);
	return w.bad ? 0 : w.len;
}

/*
 * Reading.
 */

struct rd {
	const unsigned char	*p;
	size_t			left;
	int			bad;
};

static const unsigned char *
take(struct rd *r, size_t n)
{
	const unsigned char	*p = r->p;

	if (r->bad || n > r->left) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return p;
}

static unsigned
get(struct rd *r, size_t n)
{
	const unsigned char	*p = take(r, n);
	unsigned		v = 0;

	while (p != NULL && n-- > 0) {
		v = (v << 8) | *p++;
	}
	return v;
}

/* A vector with a length field of lenlen bytes, as a reader of its own. */
static struct rd
vec(struct rd *r, size_t lenlen)
{
	struct rd	v;
	size_t		n = get(r, lenlen);

	v.p = take(r, n);
	v.left = v.p != NULL ? n : 0;
	v.bad = v.p == NULL;
	return v;
}

/* Bits for the extensions a message may carry, to refuse duplicates. */
static unsigned
ext_bit(unsigned type)
{
	switch (type) {
	case UF_EXT_SERVER_NAME:
		return 1u << 0;
	case UF_EXT_SUPPORTED_GROUPS:
		return 1u << 1;
	case UF_EXT_SUPPORTED_VERSIONS:
		return 1u << 2;
	case UF_EXT_KEY_SHARE:
		return 1u << 3;
	case UF_EXT_COOKIE:
		return 1u << 4;
	case UF_EXT_PRE_SHARED_KEY:
		return 1u << 5;
	}
	return 0;
}

/*
 * An extension the server sent where allowed (a mask of ext_bit()s)
 * says it may be. Not allowed here but one we offer (it belongs in
 * another message; pre_shared_key in a ServerHello only, whether
 * offered this time or not): illegal_parameter; never offered:
 * unsupported_extension (RFC 8446 4.2). A second copy of one:
 * illegal_parameter.
 */
static unsigned
check_ext(unsigned type, unsigned allowed, unsigned *seen, const char **why)
{
	unsigned	bit = ext_bit(type);

	if ((bit & allowed) == 0) {
		switch (type) {
		case UF_EXT_SERVER_NAME:
		case UF_EXT_SUPPORTED_GROUPS:
		case UF_EXT_SIGNATURE_ALGORITHMS:
		case UF_EXT_SUPPORTED_VERSIONS:
		case UF_EXT_KEY_SHARE:
		case UF_EXT_COOKIE:
		case UF_EXT_PSK_KEY_EXCHANGE_MODES:
		case UF_EXT_PRE_SHARED_KEY:
		case EXT_EC_POINT_FORMATS:
			*why = "an extension in a message where it does not "
			    "belong";
			return UF_ALERT_ILLEGAL_PARAMETER;
		}
		*why = "an extension ufetch did not offer";
		return UF_ALERT_UNSUPPORTED_EXTENSION;
	}
	if (*seen & bit) {
		*why = "the same extension twice";
		return UF_ALERT_ILLEGAL_PARAMETER;
	}
	*seen |= bit;
	return 0;
}

static unsigned
malformed(const char **why, const char *what)
{
	*why = what;
	return UF_ALERT_DECODE_ERROR;
}

/* see tls13msg.h */
int
uf_tls13_downgraded(const unsigned char *random)
{
	const unsigned char	*tail = random + UF_TLS_RANDOM - 8;

	return memcmp(tail, downgrade, sizeof downgrade) == 0
	    && (tail[7] == 0 || tail[7] == 1);
}

/* The extensions of a 1.3 ServerHello or HelloRetryRequest. */
static unsigned
sh_extensions(struct rd *exts, int offered_psk, struct uf_tls13_sh *sh,
    const char **why)
{
	unsigned	seen = 0, type, alert, allowed;
	struct rd	e, v;

	allowed = ext_bit(UF_EXT_SUPPORTED_VERSIONS)
	    | ext_bit(UF_EXT_KEY_SHARE)
	    | (sh->hrr ? ext_bit(UF_EXT_COOKIE)
	    : ext_bit(UF_EXT_PRE_SHARED_KEY));
	while (exts->left > 0) {
		type = get(exts, 2);
		e = vec(exts, 2);
		if (exts->bad) {
			return malformed(why, "a malformed extension");
		}
		alert = check_ext(type, allowed, &seen, why);
		/* A ServerHello's answer to what we may not have asked. */
		if (alert == 0 && type == UF_EXT_PRE_SHARED_KEY
		    && !offered_psk) {
			*why = "an extension ufetch did not offer";
			alert = UF_ALERT_UNSUPPORTED_EXTENSION;
		}
		if (alert != 0) {
			return alert;
		}
		switch (type) {
		case UF_EXT_SUPPORTED_VERSIONS:
			sh->version = get(&e, 2);
			break;
		case UF_EXT_KEY_SHARE:
			sh->group = get(&e, 2);
			if (!sh->hrr) {
				v = vec(&e, 2);
				sh->share = v.p;
				sh->share_len = v.left;
				if (v.left == 0) {
					e.bad = 1;
				}
			}
			break;
		case UF_EXT_COOKIE:
			v = vec(&e, 2);
			sh->cookie = v.p;
			sh->cookie_len = v.left;
			if (v.left == 0) {
				e.bad = 1;
			}
			break;
		case UF_EXT_PRE_SHARED_KEY:
			sh->psk = 1;
			sh->psk_identity = get(&e, 2);
			break;
		}
		if (e.bad || e.left != 0) {
			return malformed(why, "a malformed extension");
		}
	}
	/* With a PSK, we offered psk_dhe_ke only (RFC 8446 4.2.11). */
	if (sh->group == 0 && !sh->hrr) {
		*why = sh->psk ? "a pre-shared key without a key share"
		    : "no key share";
		return sh->psk ? UF_ALERT_ILLEGAL_PARAMETER
		    : UF_ALERT_MISSING_EXTENSION;
	}
	return 0;
}

/* see tls13msg.h */
unsigned
uf_tls13_parse_sh(const unsigned char *msg, size_t len, int offered_psk,
    struct uf_tls13_sh *sh, const char **why)
{
	struct rd	r = { msg, len, 0 }, exts, sid;
	unsigned	type;

	memset(sh, 0, sizeof *sh);
	sh->legacy_version = get(&r, 2);
	sh->version = sh->legacy_version;
	sh->random = take(&r, UF_TLS_RANDOM);
	sid = vec(&r, 1);
	sh->sid = sid.p;
	sh->sid_len = sid.left;
	sh->suite = get(&r, 2);
	sh->compression = get(&r, 1);
	if (r.bad || sid.left > UF_TLS_SESSION_ID) {
		return malformed(why, "a malformed ServerHello");
	}
	sh->hrr = memcmp(sh->random, hrr_random, UF_TLS_RANDOM) == 0;
	/* A TLS 1.2 ServerHello may end here, without extensions. */
	exts.p = r.p;
	exts.left = 0;
	exts.bad = 0;
	if (r.left > 0) {
		exts = vec(&r, 2);
		if (r.bad || r.left != 0) {
			return malformed(why, "a malformed ServerHello");
		}
	}
	/* Is there a supported_versions? Only then is it TLS 1.3. */
	r = exts;
	while (r.left > 0) {
		type = get(&r, 2);
		(void)vec(&r, 2);
		if (r.bad) {
			return malformed(why, "a malformed extension");
		}
		sh->tls13 |= type == UF_EXT_SUPPORTED_VERSIONS;
		if (type == UF_EXT_KEY_SHARE) {
			sh->group = 1;	/* looked at again below */
		}
	}
	if (!sh->tls13) {
		if (sh->group != 0 || sh->hrr) {
			*why = "a TLS 1.3 key share without supported_versions";
			return UF_ALERT_ILLEGAL_PARAMETER;
		}
		return 0;
	}
	sh->group = 0;
	return sh_extensions(&exts, offered_psk, sh, why);
}

/* see tls13msg.h */
unsigned
uf_tls13_parse_ee(const unsigned char *msg, size_t len, int sent_sni,
    const char **why)
{
	struct rd	r = { msg, len, 0 }, exts, e, g;
	unsigned	seen = 0, type, alert, allowed;

	allowed = ext_bit(UF_EXT_SUPPORTED_GROUPS)
	    | (sent_sni ? ext_bit(UF_EXT_SERVER_NAME) : 0);
	exts = vec(&r, 2);
	if (r.bad || r.left != 0) {
		return malformed(why, "malformed EncryptedExtensions");
	}
	while (exts.left > 0) {
		type = get(&exts, 2);
		e = vec(&exts, 2);
		if (exts.bad) {
			return malformed(why, "a malformed extension");
		}
		if (type == UF_EXT_SERVER_NAME && !sent_sni) {
			*why = "an extension ufetch did not offer";
			return UF_ALERT_UNSUPPORTED_EXTENSION;
		}
		alert = check_ext(type, allowed, &seen, why);
		if (alert != 0) {
			return alert;
		}
		if (type == UF_EXT_SUPPORTED_GROUPS) {
			/* The server's preference: noted by nobody. */
			g = vec(&e, 2);
			if (g.left == 0 || g.left % 2 != 0) {
				e.bad = 1;
			}
		}
		/* server_name is empty in an answer (RFC 6066 3). */
		if (e.bad || e.left != 0) {
			return malformed(why, "a malformed extension");
		}
	}
	return 0;
}

/* see tls13msg.h */
unsigned
uf_tls13_parse_cr(const unsigned char *msg, size_t len,
    const unsigned char **ctx, size_t *ctx_len, const char **why)
{
	struct rd	r = { msg, len, 0 }, c, exts;

	c = vec(&r, 1);
	exts = vec(&r, 2);
	(void)exts;
	if (r.bad || r.left != 0) {
		return malformed(why, "a malformed CertificateRequest");
	}
	*ctx = c.p;
	*ctx_len = c.left;
	return 0;
}

/* see tls13msg.h */
unsigned
uf_tls13_parse_cert(const unsigned char *msg, size_t len,
    const unsigned char **der, size_t *der_len, size_t max, size_t *n,
    const char **why)
{
	struct rd	r = { msg, len, 0 }, c, list, d, exts;

	*n = 0;
	c = vec(&r, 1);
	list = vec(&r, 3);
	if (r.bad || r.left != 0) {
		return malformed(why, "a malformed Certificate message");
	}
	if (c.left != 0) {
		*why = "a certificate request context in the server's "
		    "Certificate";
		return UF_ALERT_ILLEGAL_PARAMETER;
	}
	while (list.left > 0) {
		d = vec(&list, 3);
		exts = vec(&list, 2);
		if (list.bad || d.left == 0) {
			return malformed(why, "a malformed Certificate message");
		}
		if (exts.left != 0) {
			/* We asked for no OCSP status and no SCTs. */
			*why = "an extension ufetch did not offer";
			return UF_ALERT_UNSUPPORTED_EXTENSION;
		}
		if (*n < max) {
			der[*n] = d.p;
			der_len[*n] = d.left;
		}
		(*n)++;
	}
	return 0;
}

/* see tls13msg.h */
unsigned
uf_tls13_parse_cv(const unsigned char *msg, size_t len, unsigned *scheme,
    const unsigned char **sig, size_t *sig_len, const char **why)
{
	struct rd	r = { msg, len, 0 }, s;

	*scheme = get(&r, 2);
	s = vec(&r, 2);
	if (r.bad || r.left != 0 || s.left == 0) {
		return malformed(why, "a malformed CertificateVerify");
	}
	*sig = s.p;
	*sig_len = s.left;
	return 0;
}

/* see tls13msg.h */
unsigned
uf_tls13_parse_ku(const unsigned char *msg, size_t len, unsigned *request,
    const char **why)
{
	if (len != 1) {
		return malformed(why, "a malformed KeyUpdate");
	}
	if (msg[0] > 1) {
		*why = "a KeyUpdate that is neither requested nor not";
		return UF_ALERT_ILLEGAL_PARAMETER;
	}
	*request = msg[0];
	return 0;
}

/* see tls13msg.h */
unsigned
uf_tls13_parse_nst(const unsigned char *msg, size_t len,
    struct uf_tls13_nst *nst, const char **why)
{
	struct rd	r = { msg, len, 0 }, nonce, ticket;

	nst->lifetime = (uint32_t)get(&r, 2) << 16;
	nst->lifetime |= get(&r, 2);
	nst->age_add = (uint32_t)get(&r, 2) << 16;
	nst->age_add |= get(&r, 2);
	nonce = vec(&r, 1);
	ticket = vec(&r, 2);
	(void)vec(&r, 2);	/* extensions */
	if (r.bad || r.left != 0 || ticket.left == 0) {
		return malformed(why, "a malformed NewSessionTicket");
	}
	nst->nonce = nonce.p;
	nst->nonce_len = nonce.left;
	nst->ticket = ticket.p;
	nst->ticket_len = ticket.left;
	return 0;
}

/* see tls13msg.h */
unsigned
uf_tls13_unpad(const unsigned char *rec, size_t *len)
{
	size_t	n = *len;

	while (n > 0 && rec[n - 1] == 0) {
		n--;
	}
	if (n == 0) {
		return 0;
	}
	*len = n - 1;
	return rec[n - 1];
}
