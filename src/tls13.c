/*
 * tls13.c: our TLS 1.3 client: the handshake, and the connection as a
 * transport (see tls13.h).
 *
 * IMPLEMENTATION NOTES
 *
 * The client's side of RFC 8446's state machine (appendix A.1) is
 * straight-line code in handshake(), one step per state:
 *
 *   START      send ClientHello (X25519 share)
 *   WAIT_SH    HelloRetryRequest, once: send ChangeCipherSpec and a
 *              new ClientHello (the asked-for share, the cookie), and
 *              wait for the ServerHello again; a TLS 1.2 ServerHello:
 *              sentinel check, then *fallback; a TLS 1.3 one: the
 *              handshake keys
 *   WAIT_EE    EncryptedExtensions
 *   WAIT_CERT_CR  CertificateRequest (then WAIT_CERT), or Certificate
 *   WAIT_CV    CertificateVerify over the transcript to Certificate
 *   WAIT_FINISHED  the server's Finished; the application keys
 *   CONNECTED  send [ChangeCipherSpec] [empty Certificate] Finished
 *
 * Each step asks uf_tls13_hs_next() for the next message and refuses
 * any other type with unexpected_message, so out-of-order messages
 * cannot reach a parser. A message is added to the transcript after
 * it was checked (CertificateVerify and Finished sign the transcript
 * before themselves), then dropped from the buffer. Messages before a
 * key change (ServerHello, Finished, KeyUpdate) must end their record:
 * the record layer hands over whole records, so "nothing left in the
 * buffer" is exactly that check.
 *
 * Lifetimes. struct tls13 (connection arena) outlives the handshake;
 * struct hs (URL arena) does not: the transcript, the key shares, the
 * handshake secrets, the X.509 context and the message buffer (the
 * Certificate's DER is checked in place there) all go when
 * uf_tls13_open() returns. After it, post-handshake messages use the
 * small buffer t->phs.
 */
#include <string.h>

#include <bearssl.h>

#include "hkdf.h"
#include "pss.h"
#include "tls13.h"
#include "tls13msg.h"
#include "tls13rec.h"
#include "tlscache.h"

/* The context string of the server's CertificateVerify (RFC 8446 4.4.3). */
static const char	cv_context[] = "TLS 1.3, server CertificateVerify";
#define CV_PAD		64

/* The largest ClientHello without SNI and cookie, with room to spare. */
#define CH_BASE		512

/* Ticket times: ages in milliseconds, lifetimes in seconds (4.6.1). */
#define NS_PER_MS	1000000u
#define NS_PER_S	1000000000u
/* The longest a ticket may be used (7 days, RFC 8446 4.6.1). */
#define TICKET_MAX_LIFETIME	604800u

struct hs {
	struct uf_x509		x;
	br_hash_compat_context	th;		/* the transcript */
	struct uf_tls13_ch	ch;
	unsigned char		*chbuf;		/* our last ClientHello */
	size_t			chlen;
	unsigned		group;		/* of the share we sent */
	int			curve;
	unsigned char		priv[UF_HASH_MAX];
	size_t			priv_len;
	unsigned char		share[UF_SHARE_MAX];
	unsigned		hrr_suite;	/* 0: no HelloRetryRequest */
	unsigned char		secret[UF_HASH_MAX]; /* handshake secret */
	unsigned char		c_hs[UF_HASH_MAX], s_hs[UF_HASH_MAX];
	int			cr;		/* a CertificateRequest came */
	unsigned char		cr_ctx[255];
	size_t			cr_ctx_len;
	struct uf_ticket	tk;		/* offered when ch.ticket */
	int			resumed;	/* the server took it */
};

static const br_hash_class *
suite_hash(unsigned suite)
{
	switch (suite) {
	case UF_TLS_AES_128_GCM_SHA256:
	case UF_TLS_CHACHA20_POLY1305_SHA256:
		return &br_sha256_vtable;
	case UF_TLS_AES_256_GCM_SHA384:
		return &br_sha384_vtable;
	}
	return NULL;
}

static const char *
suite_name(unsigned suite)
{
	switch (suite) {
	case UF_TLS_AES_128_GCM_SHA256:
		return "TLS_AES_128_GCM_SHA256";
	case UF_TLS_AES_256_GCM_SHA384:
		return "TLS_AES_256_GCM_SHA384";
	}
	return "TLS_CHACHA20_POLY1305_SHA256";
}

/* BearSSL's curve for a group we offer, or 0. */
static int
group_curve(unsigned group)
{
	switch (group) {
	case UF_GROUP_X25519:
		return BR_EC_curve25519;
	case UF_GROUP_SECP256R1:
		return BR_EC_secp256r1;
	case UF_GROUP_SECP384R1:
		return BR_EC_secp384r1;
	}
	return 0;
}

static const char *
group_name(unsigned group)
{
	switch (group) {
	case UF_GROUP_X25519:
		return "x25519";
	case UF_GROUP_SECP256R1:
		return "P-256";
	}
	return "P-384";
}

/* Is k[0..len) a valid private scalar: not zero, below the order? */
static int
scalar_ok(const unsigned char *k, const unsigned char *order, size_t len)
{
	size_t	i;
	int	zero = 1;

	for (i = 0; i < len; i++) {
		zero &= k[i] == 0;
	}
	return !zero && memcmp(k, order, len) < 0;
}

/* A new key pair for group, its public half in h->share. */
static enum uf_err
make_share(struct hs *h, unsigned group)
{
	const br_ec_impl	*ec = br_ec_get_default();
	const unsigned char	*order;
	size_t			olen;

	h->group = group;
	h->curve = group_curve(group);
	order = ec->order(h->curve, &olen);
	h->priv_len = h->curve == BR_EC_curve25519 ? 32 : olen;
	do {
		if (uf_tls_seed(h->priv, h->priv_len) != 0) {
			return uf_fail(UF_E_INTERNAL, "no random source "
			    "(getrandom, /dev/urandom)");
		}
	} while (h->curve != BR_EC_curve25519
	    && !scalar_ok(h->priv, order, olen));
	h->ch.group = group;
	h->ch.share = h->share;
	h->ch.share_len = ec->mulgen(h->share, h->priv, h->priv_len,
	    h->curve);
	if (h->ch.share_len == 0) {
		return uf_fail(UF_E_INTERNAL, "cannot make a %s key share",
		    group_name(group));
	}
	return UF_OK;
}

/*
 * The (EC)DHE shared secret with the server's share, in out: its
 * length, or 0 when the share is not a valid point (or, for X25519, a
 * point of small order: the all-zero result, RFC 8446 7.4.2).
 */
static size_t
ecdh(struct hs *h, const unsigned char *peer, size_t len, unsigned char *out)
{
	const br_ec_impl	*ec = br_ec_get_default();
	unsigned char		pt[UF_SHARE_MAX], any = 0;
	size_t			xoff, xlen, i;

	if (len != h->ch.share_len
	    || (h->curve != BR_EC_curve25519 && peer[0] != 0x04)) {
		return 0;
	}
	memcpy(pt, peer, len);
	if (!ec->mul(pt, len, h->priv, h->priv_len, h->curve)) {
		return 0;
	}
	xoff = ec->xoff(h->curve, &xlen);
	memcpy(out, pt + xoff, xlen);
	for (i = 0; i < xlen; i++) {
		any |= out[i];
	}
	return any != 0 ? xlen : 0;
}

static void
th_add(struct hs *h, const unsigned char *p, size_t len)
{
	h->th.vtable->update(&h->th.vtable, p, len);
}

static void
th_out(struct hs *h, unsigned char *out)
{
	h->th.vtable->out(&h->th.vtable, out);
}

/* The message in t->hs, header included, to the transcript. */
static void
th_msg(struct tls13 *t, struct hs *h, size_t len)
{
	th_add(h, t->hs, UF_HS_HEADER + len);
}

/* Hash of data[0..len) with t's hash. */
static void
hash_of(const br_hash_class *hc, const void *data, size_t len,
    unsigned char *out)
{
	br_hash_compat_context	c;

	hc->init(&c.vtable);
	hc->update(&c.vtable, data, len);
	hc->out(&c.vtable, out);
}

/* HMAC(Expand-Label(base, "finished"), thash): a Finished's content. */
static void
finished(struct tls13 *t, const unsigned char *base,
    const unsigned char *thash, unsigned char *out)
{
	unsigned char		fk[UF_HASH_MAX];
	br_hmac_key_context	kc;
	br_hmac_context		hc;

	uf_hkdf_expand_label(t->hash, base, "finished", NULL, 0, fk, t->hlen);
	br_hmac_key_init(&kc, t->hash, fk, t->hlen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, thash, t->hlen);
	br_hmac_out(&hc, out);
}

/* The early secret of psk[0..len) (zeros without one) under hc. */
static void
early_secret(const br_hash_class *hc, const unsigned char *psk, size_t len,
    unsigned char *out)
{
	unsigned char	zero[UF_HASH_MAX];

	memset(zero, 0, sizeof zero);
	uf_hkdf_extract(hc, NULL, 0, psk != NULL ? psk : zero,
	    psk != NULL ? len : uf_hash_len(hc), out);
}

/*
 * The PSK binder (RFC 8446 4.2.11.2) of our ClientHello in h->chbuf:
 * an HMAC, with the finished key of the binder key, of the transcript
 * up to the binders list: the ClientHello's part alone, or after a
 * HelloRetryRequest the transcript so far (in h->th, under the same
 * hash) and then that part.
 */
static void
put_binder(struct hs *h, size_t binders, int after_hrr)
{
	const br_hash_class	*hc = suite_hash(h->tk.suite);
	br_hash_compat_context	c;
	br_hmac_key_context	kc;
	br_hmac_context		mc;
	unsigned char		early[UF_HASH_MAX], bk[UF_HASH_MAX];
	unsigned char		fk[UF_HASH_MAX], th[UF_HASH_MAX];
	unsigned char		empty[UF_HASH_MAX];
	size_t			hl = uf_hash_len(hc);

	if (after_hrr) {
		c = h->th;
	} else {
		hc->init(&c.vtable);
	}
	c.vtable->update(&c.vtable, h->chbuf, binders);
	c.vtable->out(&c.vtable, th);
	hash_of(hc, NULL, 0, empty);
	early_secret(hc, h->tk.psk, h->tk.psk_len, early);
	uf_hkdf_derive_secret(hc, early, "res binder", empty, bk);
	uf_hkdf_expand_label(hc, bk, "finished", NULL, 0, fk, hl);
	br_hmac_key_init(&kc, hc, fk, hl);
	br_hmac_init(&mc, &kc, 0);
	br_hmac_update(&mc, th, hl);
	br_hmac_out(&mc, h->chbuf + binders + UF_BINDER_AT);
}

/* Send our ClientHello in h->ch (the first one when first is set). */
static enum uf_err
send_hello(struct tls13 *t, struct uf_arena *a, struct hs *h, int first)
{
	size_t	cap = CH_BASE + (h->ch.sni != NULL ? strlen(h->ch.sni) : 0)
		    + h->ch.cookie_len + h->ch.ticket_len, binders = 0;

	h->chbuf = uf_arena_alloc(a, cap);
	if (h->chbuf == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory for TLS");
	}
	h->chlen = uf_tls13_client_hello(h->chbuf, cap, &h->ch, &binders);
	if (h->chlen == 0) {
		return uf_fail(UF_E_INTERNAL, "ClientHello does not fit");
	}
	if (h->ch.ticket != NULL) {
		put_binder(h, binders, !first);
	}
	return uf_tls13_write(t, UF_CT_HANDSHAKE, h->chbuf, h->chlen, first);
}

/* Is suite in list[0..n)? */
static int
offered(const uint16_t *list, size_t n, unsigned suite)
{
	while (n-- > 0) {
		if (list[n] == suite) {
			return 1;
		}
	}
	return 0;
}

/*
 * Checks a ServerHello and a HelloRetryRequest share: the version,
 * the session ID, the compression and the suite.
 */
static enum uf_err
check_hello(struct tls13 *t, struct hs *h, const struct uf_tls13_sh *sh)
{
	if (sh->version != UF_TLS13_VERSION
	    || sh->legacy_version != UF_TLS12_VERSION) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a version other than TLS 1.3 in supported_versions");
	}
	if (sh->sid_len != UF_TLS_SESSION_ID
	    || memcmp(sh->sid, h->ch.sid, UF_TLS_SESSION_ID) != 0) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a legacy_session_id that is not ours");
	}
	if (sh->compression != 0) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a compression method other than none");
	}
	if (!offered(h->ch.suites, h->ch.nsuites, sh->suite)) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a cipher suite ufetch did not offer");
	}
	if (h->hrr_suite != 0 && sh->suite != h->hrr_suite) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a cipher suite other than its HelloRetryRequest's");
	}
	return UF_OK;
}

/* The server selected TLS 1.2 or lower. */
static enum uf_err
tls12_answer(struct tls13 *t, const struct hs *h,
    const struct uf_tls13_sh *sh, int *fallback)
{
	/* Before anything else (RFC 8446 4.1.3). */
	if (uf_tls13_downgraded(sh->random)) {
		uf_tls13_send_alert(t, UF_ALERT_ILLEGAL_PARAMETER);
		return uf_tls_downgrade_fail(t->peer,
		    sh->random[UF_TLS_RANDOM - 1] == 1 ? "1.2"
		    : "1.1 or older");
	}
	if (sh->legacy_version > UF_TLS12_VERSION) {
		return uf_tls13_bad(t, UF_ALERT_PROTOCOL_VERSION, "a ServerHello "
		    "version above TLS 1.2 without supported_versions");
	}
	if (sh->legacy_version != UF_TLS12_VERSION) {
		uf_tls13_send_alert(t, UF_ALERT_PROTOCOL_VERSION);
		return uf_fail(UF_E_TLS, "the server speaks only TLS 1.1 or "
		    "older; ufetch speaks TLS 1.2 and 1.3");
	}
	if (!offered(h->ch.suites12, h->ch.nsuites12, sh->suite)) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a cipher suite ufetch did not offer");
	}
	uf_note("%s does not speak TLS 1.3; connecting again for TLS 1.2",
	    t->peer->name);
	*fallback = 1;
	return UF_OK;
}

/* A HelloRetryRequest: answer it with a second ClientHello. */
static enum uf_err
hello_retry(struct tls13 *t, struct uf_arena *a, struct hs *h,
    const struct uf_tls13_sh *sh, size_t len)
{
	unsigned char	mh[UF_HS_HEADER + UF_HASH_MAX];
	static const unsigned char	ccs[] = { 1 };
	enum uf_err	err;

	err = check_hello(t, h, sh);
	if (err != UF_OK) {
		return err;
	}
	if (sh->group != 0 && group_curve(sh->group) == 0) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a HelloRetryRequest for a group ufetch did not offer");
	}
	if (sh->group == h->group) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a HelloRetryRequest for the group ufetch already sent");
	}
	if (sh->group == 0 && sh->cookie == NULL) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a HelloRetryRequest that asks for nothing");
	}
	h->hrr_suite = sh->suite;
	t->suite = sh->suite;
	t->hash = suite_hash(sh->suite);
	t->hlen = uf_hash_len(t->hash);
	/* ClientHello1 becomes message_hash(Hash(ClientHello1)) (4.4.1). */
	mh[0] = UF_HS_MESSAGE_HASH;
	mh[1] = 0;
	mh[2] = 0;
	mh[3] = (unsigned char)t->hlen;
	hash_of(t->hash, h->chbuf, h->chlen, mh + UF_HS_HEADER);
	t->hash->init(&h->th.vtable);
	th_add(h, mh, UF_HS_HEADER + t->hlen);
	th_msg(t, h, len);
	if (sh->group != 0) {
		err = make_share(h, sh->group);
		if (err != UF_OK) {
			return err;
		}
	}
	h->ch.cookie = sh->cookie;
	h->ch.cookie_len = sh->cookie_len;
	/* A PSK of another hash than the suite's is no longer offered. */
	if (h->ch.ticket != NULL && suite_hash(h->tk.suite) != t->hash) {
		h->ch.ticket = NULL;
		h->ch.ticket_len = 0;
	}
	/* Middlebox compatibility: one ChangeCipherSpec, before it. */
	err = uf_tls13_write(t, UF_CT_CCS, ccs, sizeof ccs, 0);
	t->ccs_sent = 1;
	if (err == UF_OK) {
		err = send_hello(t, a, h, 0);
	}
	if (err == UF_OK) {
		th_add(h, h->chbuf, h->chlen);
	}
	return err;
}

/* A TLS 1.3 ServerHello: the shared secret and the handshake keys. */
static enum uf_err
server_hello(struct tls13 *t, struct hs *h, const struct uf_tls13_sh *sh,
    size_t len)
{
	unsigned char	dh[UF_HASH_MAX], zero[UF_HASH_MAX], empty[UF_HASH_MAX];
	unsigned char	early[UF_HASH_MAX], derived[UF_HASH_MAX];
	unsigned char	thash[UF_HASH_MAX];
	size_t		dhlen;
	enum uf_err	err;

	err = check_hello(t, h, sh);
	if (err != UF_OK) {
		return err;
	}
	if (sh->group != h->group) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a key share for a group ufetch sent none for");
	}
	/* We offer one PSK, and only with a suite of its hash (4.2.11). */
	if (sh->psk && (sh->psk_identity != 0 || h->ch.ticket == NULL
	    || suite_hash(sh->suite) != suite_hash(h->tk.suite))) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a pre-shared key ufetch did not offer, or with another "
		    "hash");
	}
	h->resumed = sh->psk;
	dhlen = ecdh(h, sh->share, sh->share_len, dh);
	if (dhlen == 0) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a key share that is not a valid public key");
	}
	if (h->hrr_suite == 0) {
		t->suite = sh->suite;
		t->hash = suite_hash(sh->suite);
		t->hlen = uf_hash_len(t->hash);
		t->hash->init(&h->th.vtable);
		th_add(h, h->chbuf, h->chlen);
	}
	th_msg(t, h, len);
	th_out(h, thash);

	/* The key schedule up to the handshake secret (RFC 8446 7.1). */
	memset(zero, 0, sizeof zero);
	hash_of(t->hash, NULL, 0, empty);
	early_secret(t->hash, h->resumed ? h->tk.psk : NULL, h->tk.psk_len,
	    early);
	uf_hkdf_derive_secret(t->hash, early, "derived", empty, derived);
	uf_hkdf_extract(t->hash, derived, t->hlen, dh, dhlen, h->secret);
	uf_hkdf_derive_secret(t->hash, h->secret, "c hs traffic", thash,
	    h->c_hs);
	uf_hkdf_derive_secret(t->hash, h->secret, "s hs traffic", thash,
	    h->s_hs);
	uf_tls13_set_keys(t, 1, h->s_hs);
	uf_tls13_set_keys(t, 0, h->c_hs);
	memset(dh, 0, sizeof dh);
	memset(h->priv, 0, sizeof h->priv);
	return UF_OK;
}

/* The next handshake message, which must be of type want. */
static enum uf_err
expect(struct tls13 *t, unsigned want, size_t *len)
{
	unsigned	type;
	enum uf_err	err;

	err = uf_tls13_hs_next(t, &type, len);
	if (err == UF_OK && type != want) {
		err = uf_tls13_bad(t, UF_ALERT_UNEXPECTED_MESSAGE,
		    "a handshake message out of order");
	}
	return err;
}

/* The alert that tells the server why its chain was refused. */
static unsigned
cert_alert(int err)
{
	switch (err) {
	case BR_ERR_X509_EXPIRED:
		return UF_ALERT_CERTIFICATE_EXPIRED;
	case BR_ERR_X509_NOT_TRUSTED:
		return UF_ALERT_UNKNOWN_CA;
	case BR_ERR_X509_EMPTY_CHAIN:
		return UF_ALERT_DECODE_ERROR;
	}
	return UF_ALERT_BAD_CERTIFICATE;
}

static enum uf_err
certificate(struct tls13 *t, struct hs *h, size_t len)
{
	const unsigned char	*der[UF_CHAIN_CERTS];
	size_t			dlen[UF_CHAIN_CERTS], n;
	const char		*why;
	unsigned		alert, rc, usages;

	alert = uf_tls13_parse_cert(t->hs + UF_HS_HEADER, len, der, dlen,
	    UF_CHAIN_CERTS, &n, &why);
	if (alert != 0) {
		return uf_tls13_bad(t, alert, why);
	}
	rc = uf_x509_check(&h->x, der, dlen, n);
	if (rc != 0) {
		uf_tls13_send_alert(t, cert_alert((int)rc));
		return uf_x509_fail(&h->x, (int)rc);
	}
	if (uf_x509_pkey(&h->x, &usages) == NULL
	    || (usages & BR_KEYTYPE_SIGN) == 0) {
		uf_tls13_send_alert(t, UF_ALERT_BAD_CERTIFICATE);
		return uf_fail(UF_E_CERT, "the server's certificate does not "
		    "allow signing (keyUsage), which TLS 1.3 needs");
	}
	th_msg(t, h, len);
	return UF_OK;
}

/*
 * The hash a CertificateVerify scheme signs with, when it is one we
 * offered and fits the key (ECDSA on the curve its name says, RSA-PSS
 * with an RSA key), else NULL.
 */
static const br_hash_class *
cv_hash(unsigned scheme, const br_x509_pkey *pk)
{
	int	ec = pk->key_type == BR_KEYTYPE_EC;
	int	rsa = pk->key_type == BR_KEYTYPE_RSA;

	switch (scheme) {
	case UF_SIG_ECDSA_SECP256R1_SHA256:
		return ec && pk->key.ec.curve == BR_EC_secp256r1
		    ? &br_sha256_vtable : NULL;
	case UF_SIG_ECDSA_SECP384R1_SHA384:
		return ec && pk->key.ec.curve == BR_EC_secp384r1
		    ? &br_sha384_vtable : NULL;
	case UF_SIG_ECDSA_SECP521R1_SHA512:
		return ec && pk->key.ec.curve == BR_EC_secp521r1
		    ? &br_sha512_vtable : NULL;
	case UF_SIG_RSA_PSS_RSAE_SHA256:
		return rsa ? &br_sha256_vtable : NULL;
	case UF_SIG_RSA_PSS_RSAE_SHA384:
		return rsa ? &br_sha384_vtable : NULL;
	case UF_SIG_RSA_PSS_RSAE_SHA512:
		return rsa ? &br_sha512_vtable : NULL;
	}
	return NULL;
}

/* The modulus length of an RSA key in bytes, without leading zeros. */
static size_t
modulus_len(const br_rsa_public_key *k)
{
	size_t	n = k->nlen;
	const unsigned char	*p = k->n;

	while (n > 0 && *p == 0) {
		p++;
		n--;
	}
	return n;
}

static enum uf_err
certificate_verify(struct tls13 *t, struct hs *h, size_t len)
{
	const br_x509_pkey	*pk = uf_x509_pkey(&h->x, NULL);
	const br_hash_class	*hc;
	const unsigned char	*sig;
	unsigned char		content[CV_PAD + sizeof cv_context
				    + UF_HASH_MAX];
	unsigned char		hv[64];
	br_hash_compat_context	c;
	const char		*why;
	unsigned		alert, scheme;
	size_t			sig_len, hvlen;
	int			ok;

	alert = uf_tls13_parse_cv(t->hs + UF_HS_HEADER, len, &scheme, &sig,
	    &sig_len, &why);
	if (alert != 0) {
		return uf_tls13_bad(t, alert, why);
	}
	hc = cv_hash(scheme, pk);
	if (hc == NULL) {
		return uf_tls13_bad(t, UF_ALERT_ILLEGAL_PARAMETER,
		    "a CertificateVerify scheme ufetch did not offer, or one "
		    "that does not fit the certificate's key");
	}
	/* 64 spaces, the context string and its NUL, the transcript. */
	memset(content, ' ', CV_PAD);
	memcpy(content + CV_PAD, cv_context, sizeof cv_context);
	th_out(h, content + CV_PAD + sizeof cv_context);
	hc->init(&c.vtable);
	hc->update(&c.vtable, content, CV_PAD + sizeof cv_context + t->hlen);
	hc->out(&c.vtable, hv);
	hvlen = uf_hash_len(hc);
	if (pk->key_type == BR_KEYTYPE_EC) {
		ok = br_ecdsa_vrfy_asn1_get_default()(br_ec_get_default(), hv,
		    hvlen, &pk->key.ec, sig, sig_len) == 1;
	} else {
		ok = sig_len == modulus_len(&pk->key.rsa)
		    && uf_pss_verify(&pk->key.rsa, hc, hv, sig, sig_len);
	}
	if (!ok) {
		return uf_tls13_bad(t, UF_ALERT_DECRYPT_ERROR,
		    "a CertificateVerify signature that does not verify");
	}
	th_msg(t, h, len);
	return UF_OK;
}

/* Constant-time comparison of two secrets. */
static int
same(const unsigned char *a, const unsigned char *b, size_t len)
{
	unsigned	d = 0;
	size_t		i;

	for (i = 0; i < len; i++) {
		d |= (unsigned)(a[i] ^ b[i]);
	}
	return d == 0;
}

/*
 * The server's Finished; then the application secrets, our flight, and
 * the switch to the application keys.
 */
static enum uf_err
finish(struct tls13 *t, struct hs *h, size_t len)
{
	static const unsigned char	ccs[] = { 1 };
	unsigned char	thash[UF_HASH_MAX], want[UF_HASH_MAX];
	unsigned char	zero[UF_HASH_MAX], empty[UF_HASH_MAX];
	unsigned char	derived[UF_HASH_MAX], master[UF_HASH_MAX];
	unsigned char	c_ap[UF_HASH_MAX], s_ap[UF_HASH_MAX];
	unsigned char	msg[UF_HS_HEADER + UF_HASH_MAX + 255 + 4];
	size_t		n;
	enum uf_err	err;

	th_out(h, thash);
	finished(t, h->s_hs, thash, want);
	if (len != t->hlen || !same(want, t->hs + UF_HS_HEADER, t->hlen)) {
		return uf_tls13_bad(t, UF_ALERT_DECRYPT_ERROR,
		    "a Finished that does not verify");
	}
	th_msg(t, h, len);
	uf_tls13_hs_take(t, len);
	if (t->hs_len != 0) {
		return uf_tls13_bad(t, UF_ALERT_UNEXPECTED_MESSAGE,
		    "more in the record of its Finished");
	}
	th_out(h, thash);
	memset(zero, 0, sizeof zero);
	hash_of(t->hash, NULL, 0, empty);
	uf_hkdf_derive_secret(t->hash, h->secret, "derived", empty, derived);
	uf_hkdf_extract(t->hash, derived, t->hlen, zero, t->hlen, master);
	uf_hkdf_derive_secret(t->hash, master, "c ap traffic", thash, c_ap);
	uf_hkdf_derive_secret(t->hash, master, "s ap traffic", thash, s_ap);

	err = UF_OK;
	if (!t->ccs_sent) {
		err = uf_tls13_write(t, UF_CT_CCS, ccs, sizeof ccs, 0);
		t->ccs_sent = 1;
	}
	if (err == UF_OK && h->cr) {
		/* We have no certificate: an empty list (4.4.2). */
		n = 0;
		msg[n++] = UF_HS_CERTIFICATE;
		msg[n++] = 0;
		msg[n++] = 0;
		msg[n++] = (unsigned char)(1 + h->cr_ctx_len + 3);
		msg[n++] = (unsigned char)h->cr_ctx_len;
		memcpy(msg + n, h->cr_ctx, h->cr_ctx_len);
		n += h->cr_ctx_len;
		msg[n++] = 0;
		msg[n++] = 0;
		msg[n++] = 0;
		th_add(h, msg, n);
		err = uf_tls13_write(t, UF_CT_HANDSHAKE, msg, n, 0);
	}
	if (err == UF_OK) {
		th_out(h, thash);
		msg[0] = UF_HS_FINISHED;
		msg[1] = 0;
		msg[2] = 0;
		msg[3] = (unsigned char)t->hlen;
		finished(t, h->c_hs, thash, msg + UF_HS_HEADER);
		err = uf_tls13_write(t, UF_CT_HANDSHAKE, msg,
		    UF_HS_HEADER + t->hlen, 0);
		/* Tickets to come are keyed from this transcript (7.1). */
		th_add(h, msg, UF_HS_HEADER + t->hlen);
		th_out(h, thash);
		uf_hkdf_derive_secret(t->hash, master, "res master", thash,
		    t->res);
	}
	uf_tls13_set_keys(t, 1, s_ap);
	uf_tls13_set_keys(t, 0, c_ap);
	memset(master, 0, sizeof master);
	return err;
}

/*
 * The server proves who it is: [CertificateRequest] Certificate
 * CertificateVerify.
 */
static enum uf_err
authenticate(struct tls13 *t, struct hs *h)
{
	const char	*why;
	unsigned	alert, type;
	size_t		len;
	enum uf_err	err;

	err = uf_tls13_hs_next(t, &type, &len);
	if (err == UF_OK && type == UF_HS_CERTIFICATE_REQUEST) {
		const unsigned char	*ctx;

		alert = uf_tls13_parse_cr(t->hs + UF_HS_HEADER, len, &ctx,
		    &h->cr_ctx_len, &why);
		if (alert != 0) {
			return uf_tls13_bad(t, alert, why);
		}
		memcpy(h->cr_ctx, ctx, h->cr_ctx_len);
		h->cr = 1;
		th_msg(t, h, len);
		uf_tls13_hs_take(t, len);
		err = uf_tls13_hs_next(t, &type, &len);
	}
	if (err == UF_OK && type != UF_HS_CERTIFICATE) {
		err = uf_tls13_bad(t, UF_ALERT_UNEXPECTED_MESSAGE,
		    "a handshake message out of order");
	}
	if (err == UF_OK) {
		err = certificate(t, h, len);
	}
	if (err != UF_OK) {
		return err;
	}
	uf_tls13_hs_take(t, len);

	err = expect(t, UF_HS_CERTIFICATE_VERIFY, &len);
	if (err == UF_OK) {
		err = certificate_verify(t, h, len);
	}
	if (err != UF_OK) {
		return err;
	}
	uf_tls13_hs_take(t, len);

	return UF_OK;
}

static enum uf_err
handshake(struct tls13 *t, struct uf_arena *a, struct hs *h,
    const struct uf_tls_opts *o, int *fallback)
{
	struct uf_tls13_sh	sh;
	const char		*why;
	unsigned		alert;
	size_t			len;
	enum uf_err		err;

	if (uf_tls_seed(h->ch.random, sizeof h->ch.random) != 0
	    || uf_tls_seed(h->ch.sid, sizeof h->ch.sid) != 0) {
		return uf_fail(UF_E_INTERNAL, "no random source (getrandom, "
		    "/dev/urandom)");
	}
	h->ch.sni = t->peer->iplen > 0 ? NULL : t->peer->name;
	h->ch.nsuites = uf_tls_suites(1, &h->ch.suites);
	h->ch.nsuites12 = uf_tls_suites(0, &h->ch.suites12);
	/* A ticket from an earlier connection of the run: offered once. */
	if (uf_tlscache_take_ticket(t->peer->name, t->peer->port, &h->tk)
	    == 0) {
		h->ch.ticket = h->tk.ticket;
		h->ch.ticket_len = h->tk.len;
		h->ch.ticket_age = (uint32_t)((uf_now() - h->tk.got)
		    / NS_PER_MS) + h->tk.age_add;
		h->ch.binder_len = uf_hash_len(suite_hash(h->tk.suite));
	}
	err = make_share(h, UF_GROUP_X25519);
	if (err == UF_OK) {
		err = send_hello(t, a, h, 1);
	}
	if (err == UF_OK) {
		err = expect(t, UF_HS_SERVER_HELLO, &len);
	}
	if (err != UF_OK) {
		return err;
	}
	alert = uf_tls13_parse_sh(t->hs + UF_HS_HEADER, len,
	    h->ch.ticket != NULL, &sh, &why);
	if (alert != 0) {
		return uf_tls13_bad(t, alert, why);
	}
	if (!sh.tls13) {
		return tls12_answer(t, h, &sh, fallback);
	}
	if (sh.hrr) {
		err = hello_retry(t, a, h, &sh, len);
		if (err != UF_OK) {
			return err;
		}
		uf_tls13_hs_take(t, len);
		err = expect(t, UF_HS_SERVER_HELLO, &len);
		if (err != UF_OK) {
			return err;
		}
		alert = uf_tls13_parse_sh(t->hs + UF_HS_HEADER, len,
		    h->ch.ticket != NULL, &sh, &why);
		if (alert == 0 && !sh.tls13) {
			alert = UF_ALERT_ILLEGAL_PARAMETER;
			why = "a TLS 1.2 ServerHello after a HelloRetryRequest";
		}
		if (alert == 0 && sh.hrr) {
			alert = UF_ALERT_UNEXPECTED_MESSAGE;
			why = "a second HelloRetryRequest";
		}
		if (alert != 0) {
			return uf_tls13_bad(t, alert, why);
		}
	}
	err = server_hello(t, h, &sh, len);
	if (err != UF_OK) {
		return err;
	}
	uf_tls13_hs_take(t, len);
	if (t->hs_len != 0) {
		return uf_tls13_bad(t, UF_ALERT_UNEXPECTED_MESSAGE,
		    "more in the record of its ServerHello");
	}

	err = expect(t, UF_HS_ENCRYPTED_EXTENSIONS, &len);
	if (err != UF_OK) {
		return err;
	}
	alert = uf_tls13_parse_ee(t->hs + UF_HS_HEADER, len, h->ch.sni != NULL,
	    &why);
	if (alert != 0) {
		return uf_tls13_bad(t, alert, why);
	}
	th_msg(t, h, len);
	uf_tls13_hs_take(t, len);

	/* A resumed session was authenticated when its ticket came. */
	if (!h->resumed) {
		err = authenticate(t, h);
		if (err != UF_OK) {
			return err;
		}
	}

	err = expect(t, UF_HS_FINISHED, &len);
	if (err == UF_OK) {
		err = finish(t, h, len);
	}
	if (err == UF_OK) {
		uf_note("TLS 1.3, %s, key share %s%s%s%s",
		    suite_name(t->suite), group_name(h->group),
		    h->hrr_suite != 0 ? " (after a HelloRetryRequest)" : "",
		    h->resumed ? ", session resumed" : "",
		    o->insecure ? ", certificate NOT checked (-k)" : "");
	}
	return err;
}

/*
 * The transport.
 */

static struct tls13 *
of(const struct uf_io_class *const *ctx)
{
	return (struct tls13 *)(void *)ctx;
}

/* A KeyUpdate from the server: new read keys; ours too if it asks. */
static enum uf_err
key_update(struct tls13 *t, size_t len, int last)
{
	static const unsigned char	ku[] = {
		UF_HS_KEY_UPDATE, 0, 0, 1, 0	/* update_not_requested */
	};
	unsigned char	next[UF_HASH_MAX];
	const char	*why;
	unsigned	alert, request = 0;	/* for gcc -flto's sake */
	enum uf_err	err = UF_OK;

	alert = uf_tls13_parse_ku(t->hs + UF_HS_HEADER, len, &request, &why);
	if (alert == 0 && !last) {
		alert = UF_ALERT_UNEXPECTED_MESSAGE;
		why = "more in the record of its KeyUpdate";
	}
	if (alert != 0) {
		return uf_tls13_bad(t, alert, why);
	}
	uf_hkdf_expand_label(t->hash, t->rsecret, "traffic upd", NULL, 0,
	    next, t->hlen);
	uf_tls13_set_keys(t, 1, next);
	if (request) {
		err = uf_tls13_write(t, UF_CT_HANDSHAKE, ku, sizeof ku, 0);
		uf_hkdf_expand_label(t->hash, t->wsecret, "traffic upd", NULL,
		    0, next, t->hlen);
		uf_tls13_set_keys(t, 0, next);
	}
	return err;
}

/*
 * A NewSessionTicket: kept for the next connection to this server, if
 * it is short enough and lives at all (tlscache.h).
 */
static enum uf_err
new_ticket(struct tls13 *t, size_t len)
{
	struct uf_tls13_nst	nst;
	struct uf_ticket	tk;
	const char		*why;
	unsigned		alert;

	alert = uf_tls13_parse_nst(t->hs + UF_HS_HEADER, len, &nst, &why);
	if (alert != 0) {
		return uf_tls13_bad(t, alert, why);
	}
	if (nst.lifetime == 0 || nst.ticket_len > UF_TICKET_MAX) {
		return UF_OK;
	}
	tk.suite = t->suite;
	tk.age_add = nst.age_add;
	tk.got = uf_now();
	tk.until = tk.got + (uint64_t)(nst.lifetime < TICKET_MAX_LIFETIME
	    ? nst.lifetime : TICKET_MAX_LIFETIME) * NS_PER_S;
	tk.psk_len = t->hlen;
	uf_hkdf_expand_label(t->hash, t->res, "resumption", nst.nonce,
	    nst.nonce_len, tk.psk, t->hlen);
	memcpy(tk.ticket, nst.ticket, nst.ticket_len);
	tk.len = nst.ticket_len;
	uf_tlscache_keep_ticket(t->peer->name, t->peer->port, &tk);
	return UF_OK;
}

/*
 * Handshake bytes after the handshake, p[0..n), the whole rest of
 * their record: gathered in t->phs and acted on message by message.
 * A NewSessionTicket too big for it is skipped unread.
 */
static enum uf_err
post_handshake(struct tls13 *t, const unsigned char *p, size_t n)
{
	size_t		k, len;
	enum uf_err	err;

	while (n > 0) {
		if (t->hs_skip > 0) {
			k = n < t->hs_skip ? n : t->hs_skip;
			t->hs_skip -= k;
			p += k;
			n -= k;
			continue;
		}
		k = n < t->hs_cap - t->hs_len ? n : t->hs_cap - t->hs_len;
		memcpy(t->hs + t->hs_len, p, k);
		t->hs_len += k;
		p += k;
		n -= k;
		while (t->hs_len >= UF_HS_HEADER) {
			len = (size_t)t->hs[1] << 16 | (size_t)t->hs[2] << 8
			    | t->hs[3];
			if (UF_HS_HEADER + len > t->hs_cap) {
				if (t->hs[0] != UF_HS_NEW_SESSION_TICKET) {
					return uf_tls13_bad(t,
					    UF_ALERT_UNEXPECTED_MESSAGE, "a "
					    "handshake message larger than "
					    "ufetch takes after the handshake");
				}
				t->hs_skip = UF_HS_HEADER + len - t->hs_len;
				t->hs_len = 0;
				break;
			}
			if (t->hs_len < UF_HS_HEADER + len) {
				break;
			}
			switch (t->hs[0]) {
			case UF_HS_NEW_SESSION_TICKET:
				err = new_ticket(t, len);
				break;
			case UF_HS_KEY_UPDATE:
				err = key_update(t, len, n == 0
				    && t->hs_len == UF_HS_HEADER + len);
				break;
			default:
				err = uf_tls13_bad(t,
				    UF_ALERT_UNEXPECTED_MESSAGE,
				    "a handshake message ufetch does not take "
				    "after the handshake");
			}
			if (err != UF_OK) {
				return err;
			}
			uf_tls13_hs_take(t, len);
		}
	}
	return UF_OK;
}

static enum uf_err
t13_write(const struct uf_io_class **ctx, const void *buf, size_t len,
    const char *what)
{
	struct tls13	*t = of(ctx);

	if (t->eof || t->clean) {
		return uf_fail(UF_E_NET, "connection closed while %s", what);
	}
	t->dl = uf_deadline(t->sock->lim);
	t->idle = 0;
	t->what = what;
	if (len == 0) {
		return UF_OK;
	}
	return uf_tls13_write(t, UF_CT_APP, buf, len, 0);
}

static enum uf_err
t13_recv_buf(const struct uf_io_class **ctx, const unsigned char **buf,
    size_t *len, const char *what)
{
	struct tls13	*t = of(ctx);
	unsigned	type;
	size_t		off, n;
	enum uf_err	err;

	t->dl = uf_deadline(t->sock->lim);
	t->idle = 1;
	t->what = what;
	/* Empty records, tickets, updates: uf_tls13_read() checks -m. */
	while (t->app_len == 0 && !t->eof && !t->clean) {
		err = uf_tls13_read(t, &type, &off, &n);
		if (err != UF_OK) {
			return err;
		}
		switch (type) {
		case UF_CT_APP:
			t->app_off = off;
			t->app_len = n;
			break;
		case UF_CT_ALERT:
			err = uf_tls13_alert(t, t->rbuf + off, n);
			break;
		case UF_CT_HANDSHAKE:
			err = post_handshake(t, t->rbuf + off, n);
			break;
		}
		if (err != UF_OK) {
			return err;
		}
	}
	*buf = t->rbuf + t->app_off;
	*len = t->app_len;
	return UF_OK;
}

static void
t13_recv_ack(const struct uf_io_class **ctx, size_t n)
{
	struct tls13	*t = of(ctx);

	t->app_off += n;
	t->app_len -= n;
}

static int
t13_pending(const struct uf_io_class *const *ctx)
{
	struct tls13	*t = of(ctx);

	return t->app_len > 0 || t->ahead_len > 0;
}

static int
t13_ended(const struct uf_io_class *const *ctx)
{
	struct tls13	*t = of(ctx);

	return t->clean ? UF_IO_CLEAN : t->eof ? UF_IO_CUT : UF_IO_OPEN;
}

static int
t13_splice_fd(const struct uf_io_class *const *ctx)
{
	(void)ctx;
	return -1;
}

static void
t13_close(const struct uf_io_class **ctx)
{
	uf_tls13_send_alert(of(ctx), UF_ALERT_CLOSE_NOTIFY);
}

static const struct uf_io_class	t13_class = {
	t13_write, t13_recv_buf, t13_recv_ack, t13_pending, t13_ended,
	t13_splice_fd, t13_close
};

/* see tls13.h */
enum uf_err
uf_tls13_open(struct uf_arena *ca, struct uf_arena *a, struct uf_sock *s,
    const struct uf_tls_peer *p, const struct uf_tls_opts *o,
    const struct uf_io_class ***io, int *fallback)
{
	struct tls13	*t;
	struct hs	*h;
	size_t		mark;
	enum uf_err	err;

	*fallback = 0;
	t = uf_arena_zalloc(ca, sizeof *t);
	if (t == NULL || (t->rbuf = uf_arena_alloc(ca, UF_REC_HEADER
	    + UF_REC_CIPHER_MAX)) == NULL || (t->sbuf = uf_arena_alloc(ca,
	    UF_REC_HEADER + UF_REC_PLAIN_MAX + 1 + UF_AEAD_TAG)) == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory for TLS");
	}
	t->vtable = &t13_class;
	t->sock = s;
	t->peer = p;
	mark = uf_arena_mark(a);
	h = uf_arena_zalloc(a, sizeof *h);
	t->hs = uf_arena_alloc(a, UF_TLS13_HS_MAX);
	if (h == NULL || t->hs == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory for TLS");
	}
	t->hs_cap = UF_TLS13_HS_MAX;
	uf_x509_init(&h->x, &p->x, o->trust, o->insecure);
	err = uf_x509_begin(&h->x, a);
	if (err == UF_OK) {
		uf_note("TLS handshake with %s", p->name);
		t->dl = uf_deadline(s->lim);
		t->idle = 0;
		t->what = "during the TLS handshake";
		err = handshake(t, a, h, o, fallback);
	}
	uf_note("arena: %zu bytes at the peak of the handshake", a->peak);
	uf_x509_end(&h->x);
	uf_arena_reset(a, mark);
	t->hs = t->phs;
	t->hs_cap = sizeof t->phs;
	t->hs_len = 0;
	t->shaken = 1;
	if (err == UF_OK && !*fallback) {
		*io = &t->vtable;
	}
	return err;
}
