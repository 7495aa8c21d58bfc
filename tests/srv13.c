/*
 * srv13.c: a scripted TLS 1.3 server for the tests (see srv13.h).
 *
 * One connection is one call of conn(): read the ClientHello, maybe
 * send a HelloRetryRequest and read the second one, send the
 * ServerHello and the encrypted flight (each message built by its own
 * function, which applies the mutations that concern it), check the
 * client's flight, then play the post-handshake steps. Whenever the
 * client stops playing along (an alert, the end of the stream, a
 * record we cannot read), the connection is drained: everything the
 * client still sends is read, its alert recorded, until it closes.
 *
 * A ClientHello that offers one of our tickets is checked as a server
 * MUST (check_psk()), whether or not we then take it; taken, its PSK
 * replaces the zeros of the early secret, and the flight has no
 * Certificate and no CertificateVerify (unless a mutation says so).
 */
#include <sys/random.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bearssl.h>

#include "aead.h"
#include "emsa_pss.h"
#include "hkdf.h"
#include "srv.h"
#include "srv13.h"
#include "tls13msg.h"

#define REC_HEADER	5
#define PLAIN_MAX	16384
#define CIPHER_MAX	(PLAIN_MAX + 256)

#define CT_CCS		20
#define CT_ALERT	21
#define CT_HS		22
#define CT_APP		23

#define ALERT_WARNING	1
#define ALERT_FATAL	2

/* Types nobody defined: an extension and a record content type. */
#define EXT_UNKNOWN	0x4a4a
#define CT_UNKNOWN	24
#define EXT_ALPN	16
#define EXT_SCT		18
#define GROUP_X448	0x001e
/* TLS_AES_128_CCM_SHA256: a TLS 1.3 suite ufetch does not offer. */
#define SUITE_CCM	0x1304
#define SUITE12_OK	0xc02b	/* ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
#define SUITE12_RSA	0x009c	/* RSA_WITH_AES_128_GCM_SHA256 */
#define TLS11_VERSION	0x0302

/* Our tickets: an hour, and ticket_age_add near 2^32 (so it wraps). */
#define TICKET_LIFETIME	3600
#define TICKET_AGE_ADD	0xfffffe00u

#define FLIGHT_MAX	20000
#define MSG_MAX		8192
#define SHARES_MAX	4

static const unsigned char	hrr_random[UF_TLS_RANDOM] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};
static const char	cookie[] = "srv13 cookie: echo me back";
static const char	s_context[] = "TLS 1.3, server CertificateVerify";
static const char	c_context[] = "TLS 1.3, client CertificateVerify";

/* One direction's record protection. */
struct dir {
	struct uf_aead	a;
	unsigned char	secret[UF_HASH_MAX];
	int		on;
};

/* What the ClientHello said. */
struct hello {
	int			tls13;
	int			sni;
	const unsigned char	*sid;
	size_t			sid_len;
	unsigned		suite13;	/* its first TLS 1.3 suite */
	unsigned		group[SHARES_MAX];
	const unsigned char	*share[SHARES_MAX];
	size_t			share_len[SHARES_MAX];
	size_t			nshare;
	const unsigned char	*cookie;
	size_t			cookie_len;
	int			modes;		/* psk_key_exchange_modes */
	int			dhe_ke;		/* ... with psk_dhe_ke */
	int			psk;		/* pre_shared_key */
	int			psk_last;	/* ... the last extension */
	size_t			nid, nbinder;	/* ... identities, binders */
	const unsigned char	*id;		/* ... the first identity */
	size_t			id_len;
	uint32_t		obf_age;	/* ... and its age */
	const unsigned char	*binder;	/* ... the first binder */
	size_t			binder_len;
	size_t			binders_at;	/* where the binders list
						   starts in the message */
};

/* A private key of the test PKI. */
struct key {
	unsigned char		der[4096];
	br_skey_decoder_context	dc;
};

struct conn {
	struct srv13		*s;
	const struct srv13_conf	*cf;
	enum srv13_mut		mut;
	int			fd;

	unsigned		suite;
	const br_hash_class	*hash;
	size_t			hlen;
	br_hash_compat_context	th;
	struct dir		wr, rd;
	int			tamper;		/* the next record's tag */
	int			hold;		/* stall: no end of stream */
	struct srv13_psk	*ps;		/* this connection's record */
	const struct srv13_ticket *tk;		/* ours, offered */
	int			psk_on;		/* ... and taken */
	int			cr_sent;	/* a CertificateRequest */

	unsigned char		rbuf[REC_HEADER + CIPHER_MAX];
	unsigned char		hs[MSG_MAX * 2];	/* client messages */
	size_t			hs_len;
	unsigned char		ch[MSG_MAX];		/* a ClientHello */
	struct hello		h;			/* its fields */
	int			hrr;			/* one was sent */

	/* The flight being built: messages, and where each ends. */
	unsigned char		fl[FLIGHT_MAX];
	size_t			fl_len;
	size_t			cut[16];
	size_t			ncut;

	unsigned		group;
	unsigned char		priv[BR_EC_KBUF_PRIV_MAX_SIZE];
	size_t			priv_len;
	unsigned char		pub[BR_EC_KBUF_PUB_MAX_SIZE];
	size_t			pub_len;
	unsigned char		dh[UF_SHARE_MAX];
	size_t			dh_len;
	unsigned char		secret[UF_HASH_MAX];	/* handshake */
	unsigned char		c_hs[UF_HASH_MAX], s_hs[UF_HASH_MAX];
	unsigned char		c_ap[UF_HASH_MAX], s_ap[UF_HASH_MAX];
	unsigned char		master[UF_HASH_MAX];
	unsigned char		res[UF_HASH_MAX];	/* resumption
							   master secret */
	unsigned char		th_ee[UF_HASH_MAX];	/* to EE */
};

/* The server gives up on this connection: why, for the test. */
static int
give_up(struct conn *c, const char *fmt, ...)
{
	va_list	ap;

	if (c->s->why[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(c->s->why, sizeof c->s->why, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Building messages: a cursor that aborts the test process on overflow
 * (a bug in this file, never the client's doing).
 */
struct b {
	unsigned char	*p;
	size_t		cap, len;
};

static void
put(struct b *b, const void *src, size_t n)
{
	if (n > b->cap - b->len) {
		abort();
	}
	if (n == 0) {
		return;
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void
put8(struct b *b, unsigned v)
{
	unsigned char	x = (unsigned char)v;

	put(b, &x, 1);
}

static void
put16(struct b *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static size_t
open_len(struct b *b, size_t n)
{
	size_t	at = b->len;

	while (n-- > 0) {
		put8(b, 0);
	}
	return at;
}

static void
close_len(struct b *b, size_t at, size_t n)
{
	size_t	v = b->len - at - n, i;

	for (i = n; i > 0; i--) {
		b->p[at + i - 1] = (unsigned char)v;
		v >>= 8;
	}
}

/*
 * Reading the client's messages: a cursor whose overruns set 'bad'.
 */
struct r {
	const unsigned char	*p;
	size_t			left;
	int			bad;
};

static const unsigned char *
take(struct r *r, size_t n)
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
get(struct r *r, size_t n)
{
	const unsigned char	*p = take(r, n);
	unsigned		v = 0;

	while (p != NULL && n-- > 0) {
		v = v << 8 | *p++;
	}
	return v;
}

static struct r
vec(struct r *r, size_t lenlen)
{
	struct r	v = { NULL, 0, 0 };
	size_t		n = get(r, lenlen);

	v.p = take(r, n);
	v.left = v.p != NULL ? n : 0;
	v.bad = v.p == NULL;
	return v;
}

/*
 * Keys and hashes.
 */

static void
hash_of(const br_hash_class *hc, const void *p, size_t len,
    unsigned char *out)
{
	br_hash_compat_context	h;

	hc->init(&h.vtable);
	hc->update(&h.vtable, p, len);
	hc->out(&h.vtable, out);
}

static void
th_add(struct conn *c, const void *p, size_t len)
{
	c->th.vtable->update(&c->th.vtable, p, len);
}

static void
th_out(struct conn *c, unsigned char *out)
{
	c->th.vtable->out(&c->th.vtable, out);
}

static void
set_keys(struct conn *c, struct dir *d, const unsigned char *secret)
{
	unsigned char	key[UF_AEAD_KEY_MAX], iv[UF_AEAD_IV];

	uf_hkdf_expand_label(c->hash, secret, "key", NULL, 0, key,
	    uf_aead_key_len(c->suite));
	uf_hkdf_expand_label(c->hash, secret, "iv", NULL, 0, iv, sizeof iv);
	memmove(d->secret, secret, c->hlen);
	uf_aead_init(&d->a, c->suite, key, iv);
	d->on = 1;
}

/* The next traffic secret of d (RFC 8446 7.2). */
static void
update_keys(struct conn *c, struct dir *d)
{
	unsigned char	next[UF_HASH_MAX];

	uf_hkdf_expand_label(c->hash, d->secret, "traffic upd", NULL, 0,
	    next, c->hlen);
	set_keys(c, d, next);
}

/*
 * HMAC(finished_key(base), thash) under hc into out (RFC 8446 4.4.4):
 * a Finished, or a PSK binder (4.2.11.2).
 */
static void
mac(const br_hash_class *hc, const unsigned char *base,
    const unsigned char *thash, unsigned char *out)
{
	unsigned char		fk[UF_HASH_MAX];
	br_hmac_key_context	kc;
	br_hmac_context		mc;
	size_t			hl = uf_hash_len(hc);

	uf_hkdf_expand_label(hc, base, "finished", NULL, 0, fk, hl);
	br_hmac_key_init(&kc, hc, fk, hl);
	br_hmac_init(&mc, &kc, 0);
	br_hmac_update(&mc, thash, hl);
	br_hmac_out(&mc, out);
}

static void
finished_mac(struct conn *c, const unsigned char *base,
    const unsigned char *thash, unsigned char *out)
{
	mac(c->hash, base, thash, out);
}

static const br_hash_class *
suite_hash(unsigned suite)
{
	return suite == UF_TLS_AES_256_GCM_SHA384 ? &br_sha384_vtable
	    : &br_sha256_vtable;
}

static int
group_curve(unsigned group)
{
	switch (group) {
	case UF_GROUP_SECP256R1:
		return BR_EC_secp256r1;
	case UF_GROUP_SECP384R1:
		return BR_EC_secp384r1;
	}
	return BR_EC_curve25519;
}

/* A new key pair for group: c->priv, c->pub. */
static void
keygen(struct conn *c, unsigned group)
{
	const br_ec_impl	*ec = br_ec_get_default();
	br_hmac_drbg_context	rng;
	br_ec_private_key	sk;
	unsigned char		seed[32];

	if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
		abort();
	}
	br_hmac_drbg_init(&rng, &br_sha256_vtable, seed, sizeof seed);
	c->group = group;
	c->priv_len = br_ec_keygen(&rng.vtable, ec, &sk, c->priv,
	    group_curve(group));
	c->pub_len = br_ec_compute_pub(ec, NULL, c->pub, &sk);
	if (c->priv_len == 0 || c->pub_len == 0) {
		abort();
	}
}

/* The shared secret with the client's share for c->group; 0 if none. */
static int
ecdh(struct conn *c)
{
	const br_ec_impl	*ec = br_ec_get_default();
	unsigned char		pt[BR_EC_KBUF_PUB_MAX_SIZE];
	size_t			i, xoff, xlen;
	int			curve = group_curve(c->group);

	for (i = 0; i < c->h.nshare; i++) {
		if (c->h.group[i] == c->group
		    && c->h.share_len[i] <= sizeof pt) {
			break;
		}
	}
	if (i == c->h.nshare) {
		return -1;
	}
	memcpy(pt, c->h.share[i], c->h.share_len[i]);
	if (!ec->mul(pt, c->h.share_len[i], c->priv, c->priv_len, curve)) {
		return -1;
	}
	xoff = ec->xoff(curve, &xlen);
	memcpy(c->dh, pt + xoff, xlen);
	c->dh_len = xlen;
	return 0;
}

/* Load a tests/pki file into buf; its length, or 0. */
static size_t
load(const char *name, unsigned char *buf, size_t cap)
{
	char	path[4200];
	int	fd = open(pki(path, sizeof path, name), O_RDONLY);
	ssize_t	n;

	if (fd < 0) {
		return 0;
	}
	n = read(fd, buf, cap);
	close(fd);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static int
load_key(struct key *k, const char *name)
{
	size_t	n = load(name, k->der, sizeof k->der);
	int	type;

	br_skey_decoder_init(&k->dc);
	br_skey_decoder_push(&k->dc, k->der, n);
	type = br_skey_decoder_key_type(&k->dc);
	return n > 0 && (type == BR_KEYTYPE_EC || type == BR_KEYTYPE_RSA)
	    ? 0 : -1;
}

/*
 * The CertificateVerify scheme for key k and its hash: ECDSA on the
 * key's curve, RSA-PSS with SHA-256 for RSA; 0 for a key BearSSL
 * cannot sign with (an EC key on a curve it lacks, such as P-224).
 */
static unsigned
key_scheme(const struct key *k, const br_hash_class **hc)
{
	const br_ec_private_key	*ec;

	if (br_skey_decoder_key_type(&k->dc) == BR_KEYTYPE_RSA) {
		*hc = &br_sha256_vtable;
		return UF_SIG_RSA_PSS_RSAE_SHA256;
	}
	ec = br_skey_decoder_get_ec(&k->dc);
	if (!(br_ec_get_default()->supported_curves >> ec->curve & 1)) {
		return 0;
	}
	switch (ec->curve) {
	case BR_EC_secp256r1:
		*hc = &br_sha256_vtable;
		return UF_SIG_ECDSA_SECP256R1_SHA256;
	case BR_EC_secp384r1:
		*hc = &br_sha384_vtable;
		return UF_SIG_ECDSA_SECP384R1_SHA384;
	case BR_EC_secp521r1:
		*hc = &br_sha512_vtable;
		return UF_SIG_ECDSA_SECP521R1_SHA512;
	}
	return 0;
}

/* see srv13.h */
int
srv13_can_sign(const char *key)
{
	static __thread struct key	k;
	const br_hash_class		*hc;

	return load_key(&k, key) == 0 && key_scheme(&k, &hc) != 0;
}

/*
 * Sign hv (an output of hc) with k: ECDSA (ASN.1), or RSA-PSS with a
 * salt as long as the hash (RFC 8446 4.2.3). Returns the signature's
 * length in sig[0..cap), or 0.
 */
static size_t
key_sign(const struct key *k, const br_hash_class *hc,
    const unsigned char *hv, unsigned char *sig, size_t cap)
{
	const br_rsa_private_key	*sk;
	unsigned char			salt[64];
	size_t				hlen, len;

	if (br_skey_decoder_key_type(&k->dc) == BR_KEYTYPE_EC) {
		return br_ecdsa_i31_sign_asn1(br_ec_get_default(), hc, hv,
		    br_skey_decoder_get_ec(&k->dc), sig);
	}
	sk = br_skey_decoder_get_rsa(&k->dc);
	hlen = emsa_hash_len(hc);
	len = (sk->n_bitlen + 7) / 8;
	if (len > cap || getrandom(salt, hlen, 0) != (ssize_t)hlen
	    || !emsa_pss_encode(hc, hv, salt, hlen, sk->n_bitlen, sig)
	    || !br_rsa_i31_private(sig, sk)) {
		return 0;
	}
	return len;
}

/*
 * Records.
 */

/*
 * Wait for fd to be readable until the server is stopped. What the
 * client sent before it exited (and the test stopped us) is still
 * read: its alert often comes while we are busy sending.
 */
static int
readable(struct conn *c)
{
	struct pollfd	pfd = { c->fd, POLLIN, 0 };

	for (;;) {
		if (poll(&pfd, 1, 50) > 0) {
			return 0;
		}
		if (c->s->stop) {
			return -1;
		}
	}
}

static int
recv_full(struct conn *c, unsigned char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if (readable(c) != 0) {
			return -1;
		}
		n = recv(c->fd, buf, len, 0);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return give_up(c, "recv: %s", strerror(errno));
		}
		if (n == 0) {
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Frame data[0..len) as one record of type into out (room for it, its
 * content type, pad and tag): protected when protect is set (its content
 * then followed by pad zeros), else in plaintext. Returns its length.
 */
static size_t
rec_frame(struct conn *c, unsigned type, const void *data, size_t len,
    size_t pad, int protect, unsigned char *out)
{
	unsigned char	*body = out + REC_HEADER;
	size_t		n = len;

	if (len + 1 + pad + UF_AEAD_TAG > CIPHER_MAX + 64) {
		abort();
	}
	if (len > 0) {
		memcpy(body, data, len);
	}
	out[0] = (unsigned char)type;
	out[1] = 3;
	out[2] = 3;
	if (protect) {
		body[n++] = (unsigned char)type;
		memset(body + n, 0, pad);
		n += pad;
		out[0] = CT_APP;
		out[3] = (unsigned char)((n + UF_AEAD_TAG) >> 8);
		out[4] = (unsigned char)(n + UF_AEAD_TAG);
		uf_aead_seal(&c->wr.a, out, REC_HEADER, body, n, body + n);
		n += UF_AEAD_TAG;
		if (c->tamper) {
			body[n - 1] ^= 0x80;
			c->tamper = 0;
		}
	} else {
		out[3] = (unsigned char)(n >> 8);
		out[4] = (unsigned char)n;
	}
	return REC_HEADER + n;
}

/* ... and send it. */
static int
rec_out(struct conn *c, unsigned type, const void *data, size_t len,
    size_t pad, int protect)
{
	static __thread unsigned char	out[REC_HEADER + CIPHER_MAX + 64];

	return srv_send_all(c->fd, out, rec_frame(c, type, data, len, pad,
	    protect, out));
}

/* ... protected once the write keys are on, except ChangeCipherSpec. */
static int
rec_pad(struct conn *c, unsigned type, const void *data, size_t len,
    size_t pad)
{
	return rec_out(c, type, data, len, pad + c->cf->pad,
	    c->wr.on && type != CT_CCS);
}

static int
rec(struct conn *c, unsigned type, const void *data, size_t len)
{
	return rec_pad(c, type, data, len, 0);
}

static int
send_alert(struct conn *c, unsigned level, unsigned desc)
{
	unsigned char	a[2] = { (unsigned char)level, (unsigned char)desc };

	return rec(c, CT_ALERT, a, sizeof a);
}

static int
send_ccs(struct conn *c, unsigned value)
{
	unsigned char	v = (unsigned char)value;

	return rec(c, CT_CCS, &v, 1);
}

/* Records a batch of a back-to-back flood holds. */
#define FLOOD_BATCH	512
#define FLOOD_REC	(REC_HEADER + 1 + UF_AEAD_TAG)

/*
 * A flood of records that carry nothing: valid ChangeCipherSpecs in
 * plaintext (ccs set), else empty protected application-data records;
 * one every ms milliseconds, or (ms 0) back to back in batches, so
 * that the client always has the next one to read. It lasts total ms
 * (0: SRV13_FLOOD_SECS), or until the client goes or the server is
 * stopped. Returns 0 when it lasted, else -1.
 */
static int
flood(struct conn *c, int ccs, unsigned ms, unsigned total)
{
	static __thread unsigned char	buf[FLOOD_BATCH * FLOOD_REC];
	struct pollfd	pfd = { c->fd, POLLOUT, 0 };
	double		end = now_secs() + (total != 0 ? total / 1000.0
			    : SRV13_FLOOD_SECS);
	size_t		n, at, i;
	ssize_t		k;

	while (now_secs() < end) {
		for (n = 0, i = 0; i < (ms == 0 ? FLOOD_BATCH : 1); i++) {
			n += ccs ? rec_frame(c, CT_CCS, "\1", 1, 0, 0, buf + n)
			    : rec_frame(c, CT_APP, NULL, 0, 0, 1, buf + n);
		}
		for (at = 0; at < n; at += (size_t)k) {
			k = 0;
			if (c->s->stop || now_secs() >= end) {
				return c->s->stop ? -1 : 0;
			}
			if (poll(&pfd, 1, 50) <= 0) {
				continue;
			}
			k = send(c->fd, buf + at, n - at,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
				k = 0;
			} else if (k < 0) {
				return -1;	/* the client is gone */
			}
		}
		if (ms > 0) {
			usleep((useconds_t)ms * 1000);
		}
	}
	return 0;
}

/*
 * Read one record: its (inner) type, and its content at *p, *len bytes.
 * An alert is recorded here. Returns 0, or -1 at the end of the stream
 * or on a record we cannot read.
 */
static int
rec_read(struct conn *c, unsigned *type, unsigned char **p, size_t *len)
{
	unsigned char	*body = c->rbuf + REC_HEADER;
	size_t		n;
	int		prot = 0;

	if (recv_full(c, c->rbuf, REC_HEADER) != 0) {
		return -1;
	}
	n = (size_t)c->rbuf[3] << 8 | c->rbuf[4];
	if (n > CIPHER_MAX) {
		return give_up(c, "a client record of %zu bytes", n);
	}
	if (recv_full(c, body, n) != 0) {
		return -1;
	}
	*type = c->rbuf[0];
	if (*type == CT_APP && c->rd.on) {
		if (n < UF_AEAD_TAG + 1 || !uf_aead_open(&c->rd.a, c->rbuf,
		    REC_HEADER, body, n - UF_AEAD_TAG,
		    body + n - UF_AEAD_TAG)) {
			return give_up(c, "a client record that does not "
			    "authenticate");
		}
		n -= UF_AEAD_TAG;
		while (n > 0 && body[n - 1] == 0) {
			n--;
		}
		if (n == 0) {
			return give_up(c, "a client record without a type");
		}
		*type = body[--n];
		prot = 1;
	}
	if (*type == CT_ALERT && n == 2 && body[1] == UF_ALERT_CLOSE_NOTIFY) {
		c->s->close_notify = prot;
	}
	/* The first alert that is not close_notify. */
	if (*type == CT_ALERT && n == 2 && body[1] != UF_ALERT_CLOSE_NOTIFY
	    && c->s->alert < 0) {
		c->s->alert_level = body[0];
		c->s->alert = body[1];
		c->s->alert_protected = prot;
	}
	*p = body;
	*len = n;
	return 0;
}

/* The client's KeyUpdate, body p[0..len): new read keys. */
static int
client_ku(struct conn *c, const unsigned char *p, size_t len)
{
	if (len != UF_HS_HEADER + 1 || p[UF_HS_HEADER] != 0) {
		return give_up(c, "a client KeyUpdate that is not "
		    "update_not_requested");
	}
	c->s->ku++;
	update_keys(c, &c->rd);
	return 0;
}

/*
 * The next handshake message from the client, header included, at
 * c->hs, *len bytes in all; ChangeCipherSpec records are skipped.
 * hs_take() drops it.
 */
static int
hs_next(struct conn *c, unsigned *type, size_t *len)
{
	unsigned char	*p;
	unsigned	ct;
	size_t		n, m;

	for (;;) {
		if (c->hs_len >= UF_HS_HEADER) {
			m = (size_t)c->hs[1] << 16 | (size_t)c->hs[2] << 8
			    | c->hs[3];
			if (m > MSG_MAX) {
				return give_up(c, "a client handshake message "
				    "of %zu bytes", m);
			}
			if (c->hs_len >= UF_HS_HEADER + m) {
				*type = c->hs[0];
				*len = UF_HS_HEADER + m;
				return 0;
			}
		}
		if (rec_read(c, &ct, &p, &n) != 0) {
			return -1;
		}
		if (ct == CT_CCS) {
			continue;
		}
		if (ct != CT_HS) {
			return give_up(c, "a client record of type %u during "
			    "the handshake", ct);
		}
		if (n > sizeof c->hs - c->hs_len) {
			return give_up(c, "too many client handshake bytes");
		}
		memcpy(c->hs + c->hs_len, p, n);
		c->hs_len += n;
	}
}

static void
hs_take(struct conn *c, size_t len)
{
	memmove(c->hs, c->hs + len, c->hs_len - len);
	c->hs_len -= len;
}

/* Everything the client still sends, until it closes. */
static void
drain(struct conn *c)
{
	unsigned char	*p;
	unsigned	type;
	size_t		n;

	while (rec_read(c, &type, &p, &n) == 0) {
		if (type == CT_HS && c->rd.on && n >= UF_HS_HEADER
		    && p[0] == UF_HS_KEY_UPDATE && client_ku(c, p, n) != 0) {
			return;
		}
	}
}

/*
 * Flights: messages gathered, then framed into records as the
 * configuration says: one message a record, or at most frag bytes a
 * record across message boundaries, or all in one record.
 */

static void
fl_add(struct conn *c, const unsigned char *msg, size_t len, int transcript)
{
	if (len > sizeof c->fl - c->fl_len || c->ncut == 16) {
		abort();
	}
	memcpy(c->fl + c->fl_len, msg, len);
	c->fl_len += len;
	c->cut[c->ncut++] = c->fl_len;
	if (transcript) {
		th_add(c, msg, len);
	}
}

static int
fl_send(struct conn *c, int coalesce)
{
	size_t	at = 0, k, end, i = 0;
	int	rc = 0;

	while (rc == 0 && at < c->fl_len) {
		if (c->cf->frag > 0) {
			end = at + c->cf->frag;
		} else if (coalesce) {
			end = at + PLAIN_MAX;
		} else {
			end = c->cut[i++];
		}
		k = (end < c->fl_len ? end : c->fl_len) - at;
		rc = rec(c, CT_HS, c->fl + at, k);
		at += k;
	}
	c->fl_len = 0;
	c->ncut = 0;
	return rc;
}

/*
 * The ClientHello.
 */

/* pre_shared_key, e, of the ClientHello msg (RFC 8446 4.2.11). */
static void
parse_psk(struct hello *h, struct r *e, const unsigned char *msg)
{
	struct r	ids = vec(e, 2), bs, id, b;

	h->psk = 1;
	while (!ids.bad && ids.left > 0) {
		id = vec(&ids, 2);
		if (h->nid++ == 0) {
			h->id = id.p;
			h->id_len = id.left;
			h->obf_age = (uint32_t)get(&ids, 4);
		} else {
			(void)get(&ids, 4);
		}
	}
	h->binders_at = (size_t)(e->p - msg);
	bs = vec(e, 2);
	while (!bs.bad && bs.left > 0) {
		b = vec(&bs, 1);
		if (h->nbinder++ == 0) {
			h->binder = b.p;
			h->binder_len = b.left;
		}
	}
	if (ids.bad || bs.bad || e->bad || e->left != 0) {
		h->nid = 0;	/* malformed: refused as such */
	}
}

static int
parse_ch(struct conn *c, const unsigned char *msg, size_t len)
{
	struct r	r = { msg + UF_HS_HEADER, len - UF_HS_HEADER, 0 };
	struct r	sid, suites, exts, e, v, ks, k;
	struct hello	*h = &c->h;
	unsigned	type, s, g;

	memset(h, 0, sizeof *h);
	(void)get(&r, 2);
	(void)take(&r, UF_TLS_RANDOM);
	sid = vec(&r, 1);
	suites = vec(&r, 2);
	(void)vec(&r, 1);
	exts = vec(&r, 2);
	h->sid = sid.p;
	h->sid_len = sid.left;
	while (!suites.bad && suites.left >= 2) {
		s = get(&suites, 2);
		if (h->suite13 == 0 && (s == UF_TLS_AES_128_GCM_SHA256
		    || s == UF_TLS_AES_256_GCM_SHA384
		    || s == UF_TLS_CHACHA20_POLY1305_SHA256)) {
			h->suite13 = s;
		}
	}
	while (!r.bad && !exts.bad && exts.left > 0) {
		type = get(&exts, 2);
		e = vec(&exts, 2);
		switch (type) {
		case UF_EXT_SERVER_NAME:
			h->sni = 1;
			break;
		case UF_EXT_SUPPORTED_VERSIONS:
			v = vec(&e, 1);
			while (!v.bad && v.left >= 2) {
				h->tls13 |= get(&v, 2) == UF_TLS13_VERSION;
			}
			break;
		case UF_EXT_KEY_SHARE:
			ks = vec(&e, 2);
			while (!ks.bad && ks.left > 0
			    && h->nshare < SHARES_MAX) {
				g = get(&ks, 2);
				k = vec(&ks, 2);
				if (ks.bad) {
					break;
				}
				h->group[h->nshare] = g;
				h->share[h->nshare] = k.p;
				h->share_len[h->nshare++] = k.left;
			}
			break;
		case UF_EXT_COOKIE:
			v = vec(&e, 2);
			h->cookie = v.p;
			h->cookie_len = v.left;
			break;
		case UF_EXT_PSK_KEY_EXCHANGE_MODES:
			h->modes = 1;
			v = vec(&e, 1);
			while (!v.bad && v.left > 0) {
				h->dhe_ke |= get(&v, 1) == UF_PSK_DHE_KE;
			}
			break;
		case UF_EXT_PRE_SHARED_KEY:
			parse_psk(h, &e, msg);
			h->psk_last = exts.left == 0;
			break;
		}
	}
	if (r.bad || exts.bad) {
		return give_up(c, "a malformed ClientHello");
	}
	return 0;
}

/* Read a ClientHello into c->ch and parse it; its length in *len. */
static int
read_ch(struct conn *c, size_t *len)
{
	unsigned	type;

	if (hs_next(c, &type, len) != 0) {
		return -1;
	}
	if (type != UF_HS_CLIENT_HELLO || *len > sizeof c->ch) {
		return give_up(c, "handshake message %u (%zu bytes), not a "
		    "ClientHello", type, *len);
	}
	memcpy(c->ch, c->hs, *len);
	hs_take(c, *len);
	return parse_ch(c, c->ch, *len);
}

/*
 * Resumption.
 */

/*
 * Our ticket whose identity is id[0..len), and its number in *n; or
 * NULL (*n -1). The nth ticket's identity is n, then bytes 1, 2, ...
 * (put_nst()).
 */
static const struct srv13_ticket *
find_ticket(const struct srv13 *s, const unsigned char *id, size_t len,
    int *n)
{
	const struct srv13_ticket	*tk;
	size_t				i;
	int				k = len > 0 ? id[0] : 0;

	*n = -1;
	if (k < 1 || k > s->ntickets || k > SRV13_TICKETS) {
		return NULL;
	}
	tk = &s->tickets[k - 1];
	if (tk->len != len) {
		return NULL;
	}
	for (i = 1; i < len; i++) {
		if (id[i] != (unsigned char)i) {
			return NULL;
		}
	}
	*n = k;
	return tk;
}

/*
 * Does the binder of the ClientHello in c->ch verify for tk? It is the
 * MAC, with the finished key of the binder key, of the transcript up to
 * the binders list: that part of the ClientHello alone, or after base
 * (the transcript before it, after a HelloRetryRequest).
 */
static int
binder_ok(struct conn *c, const struct srv13_ticket *tk,
    const br_hash_compat_context *base)
{
	const br_hash_class	*hc = suite_hash(tk->suite);
	br_hash_compat_context	th;
	unsigned char		thash[UF_HASH_MAX], early[UF_HASH_MAX];
	unsigned char		empty[UF_HASH_MAX], bk[UF_HASH_MAX];
	unsigned char		want[UF_HASH_MAX];
	size_t			hl = uf_hash_len(hc);

	if (c->h.binder_len != hl) {
		return 0;
	}
	if (base != NULL) {
		th = *base;
	} else {
		hc->init(&th.vtable);
	}
	th.vtable->update(&th.vtable, c->ch, c->h.binders_at);
	th.vtable->out(&th.vtable, thash);
	uf_hkdf_extract(hc, NULL, 0, tk->psk, hl, early);
	hash_of(hc, NULL, 0, empty);
	uf_hkdf_derive_secret(hc, early, "res binder", empty, bk);
	mac(hc, bk, thash, want);
	return memcmp(want, c->h.binder, hl) == 0;
}

/*
 * The PSK offer of the ClientHello in c->ch, with base the transcript
 * before it (NULL: none; else its hash is the suite's): checked as a
 * server MUST (RFC 8446 4.2.9, 4.2.11), its binder too when the ticket
 * is ours, and noted in *n (see struct srv13_psk). c->tk is the ticket
 * we may take, or NULL. Returns 0, or -1 (its alert sent) when the
 * client got something wrong.
 */
static int
check_psk(struct conn *c, const br_hash_compat_context *base, int *n)
{
	const struct hello	*h = &c->h;
	const char		*why = NULL;
	unsigned		alert = UF_ALERT_ILLEGAL_PARAMETER;

	c->tk = NULL;
	*n = 0;
	if (!h->psk) {
		return 0;
	}
	if (!h->psk_last) {
		why = "pre_shared_key is not the last extension";
	} else if (!h->modes) {
		alert = UF_ALERT_MISSING_EXTENSION;
		why = "pre_shared_key without psk_key_exchange_modes";
	} else if (h->nid == 0 || h->nid != h->nbinder) {
		why = "a malformed pre_shared_key, or not a binder an "
		    "identity";
	}
	if (why != NULL) {
		(void)send_alert(c, ALERT_FATAL, alert);
		return give_up(c, "%s", why);
	}
	c->tk = find_ticket(c->s, h->id, h->id_len, n);
	/* A ticket of another hash than the suite's is not for us. */
	if (c->tk == NULL || (base != NULL
	    && base->vtable != suite_hash(c->tk->suite))) {
		c->tk = NULL;
		return 0;
	}
	if (!binder_ok(c, c->tk, base)) {
		(void)send_alert(c, ALERT_FATAL, UF_ALERT_DECRYPT_ERROR);
		return give_up(c, "the binder of ticket %d does not verify",
		    *n);
	}
	c->ps->binders++;
	c->ps->age = (long)(uint32_t)(h->obf_age - c->tk->age_add);
	c->ps->held = (long)((now_secs() - c->tk->sent) * 1000);
	return 0;
}

/*
 * The server's messages.
 */

static size_t
msg_open(struct b *b, unsigned type)
{
	put8(b, type);
	return open_len(b, 3);
}

/* A TLS 1.2 ServerHello, as a server without TLS 1.3 sends one. */
static int
send_sh12(struct conn *c)
{
	unsigned char	buf[256];
	struct b	b = { buf, sizeof buf, 0 };
	unsigned char	random[UF_TLS_RANDOM];
	size_t		at, exts;

	if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random) {
		abort();
	}
	if (c->mut == M_TLS12_SENTINEL || c->mut == M_TLS11_SENTINEL) {
		memcpy(random + 24, "DOWNGRD", 7);
		random[31] = c->mut == M_TLS12_SENTINEL ? 1 : 0;
	}
	at = msg_open(&b, UF_HS_SERVER_HELLO);
	put16(&b, c->mut == M_TLS11 ? TLS11_VERSION : c->mut == M_V0304
	    ? UF_TLS13_VERSION : UF_TLS12_VERSION);
	put(&b, random, sizeof random);
	put8(&b, c->h.sid_len);
	put(&b, c->h.sid, c->h.sid_len);
	put16(&b, c->mut == M_TLS12_SUITE ? SUITE12_RSA : SUITE12_OK);
	put8(&b, 0);
	exts = open_len(&b, 2);
	put16(&b, 11);		/* ec_point_formats: uncompressed */
	put16(&b, 2);
	put8(&b, 1);
	put8(&b, 0);
	close_len(&b, exts, 2);
	close_len(&b, at, 3);
	fl_add(c, buf, b.len, 0);
	return fl_send(c, 0);
}

/*
 * A ServerHello or (hrr set) HelloRetryRequest selecting group (0: no
 * key_share), added to the flight and the transcript.
 */
static void
add_sh(struct conn *c, int hrr, unsigned group)
{
	unsigned char	buf[512];
	struct b	b = { buf, sizeof buf, 0 };
	unsigned char	random[UF_TLS_RANDOM];
	size_t		at, exts, i, n = 1;

	if (hrr) {
		memcpy(random, hrr_random, sizeof random);
	} else if (getrandom(random, sizeof random, 0)
	    != (ssize_t)sizeof random) {
		abort();
	}
	at = msg_open(&b, UF_HS_SERVER_HELLO);
	put16(&b, UF_TLS12_VERSION);
	put(&b, random, sizeof random);
	put8(&b, c->h.sid_len);
	put(&b, c->h.sid, c->h.sid_len);
	if (c->mut == (hrr ? M_HRR_SID : M_SID)) {
		buf[b.len - 1] ^= 1;
	}
	put16(&b, c->mut == (hrr ? M_HRR_SUITE : M_SUITE_UNOFFERED)
	    ? SUITE_CCM : c->suite);
	put8(&b, c->mut == (hrr ? M_HRR_COMPRESSION : M_COMPRESSION) ? 1
	    : 0);
	exts = open_len(&b, 2);
	if (c->mut != M_NO_SV || hrr) {
		put16(&b, UF_EXT_SUPPORTED_VERSIONS);
		put16(&b, 2);
		put16(&b, c->mut == M_SV_12 && !hrr ? UF_TLS12_VERSION
		    : UF_TLS13_VERSION);
	}
	if (c->mut == M_DUP_SH && !hrr) {
		n = 2;
	}
	if (c->psk_on && c->mut == M_PSK_NO_SHARE && !hrr) {
		n = 0;
	}
	if (hrr ? c->tk != NULL && c->mut == M_PSK_IN_HRR
	    : c->psk_on || c->mut == M_SH_PSK) {
		put16(&b, UF_EXT_PRE_SHARED_KEY);
		put16(&b, 2);
		/* selected_identity: one was offered */
		put16(&b, c->mut == M_PSK_IDENTITY ? 1 : 0);
	}
	for (i = 0; i < n && group != 0; i++) {
		put16(&b, UF_EXT_KEY_SHARE);
		if (hrr) {
			put16(&b, 2);
			put16(&b, group);
			continue;
		}
		put16(&b, 4 + c->pub_len);
		put16(&b, group);
		put16(&b, c->pub_len);
		if (c->mut == M_ZERO_SHARE) {
			memset(c->pub, 0, c->pub_len);
		}
		if (c->mut == M_BAD_POINT) {
			c->pub[c->pub_len - 1] ^= 1;
		}
		put(&b, c->pub, c->pub_len);
	}
	if (hrr && c->cf->cookie) {
		put16(&b, UF_EXT_COOKIE);
		put16(&b, 2 + sizeof cookie - 1);
		put16(&b, sizeof cookie - 1);
		put(&b, cookie, sizeof cookie - 1);
	}
	if (c->mut == (hrr ? M_HRR_UNKNOWN_EXT : M_SH_UNKNOWN_EXT)) {
		put16(&b, EXT_UNKNOWN);
		put16(&b, 0);
	}
	close_len(&b, exts, 2);
	close_len(&b, at, 3);
	fl_add(c, buf, b.len, 1);
}

static void
add_ee(struct conn *c, int transcript)
{
	unsigned char	buf[256];
	struct b	b = { buf, sizeof buf, 0 };
	size_t		at, exts, i, ngroups;

	at = msg_open(&b, UF_HS_ENCRYPTED_EXTENSIONS);
	exts = open_len(&b, 2);
	if (c->h.sni || c->mut == M_EE_SNI) {
		put16(&b, UF_EXT_SERVER_NAME);	/* empty: "I used it" */
		put16(&b, 0);
	}
	ngroups = c->mut == M_EE_DUP ? 2 : 1;
	for (i = 0; i < ngroups; i++) {
		put16(&b, UF_EXT_SUPPORTED_GROUPS);
		put16(&b, 2 + 2 * 3);
		put16(&b, 2 * 3);
		put16(&b, UF_GROUP_SECP256R1);
		put16(&b, UF_GROUP_X25519);
		put16(&b, UF_GROUP_SECP384R1);
	}
	switch (c->mut) {
	case M_EE_ALPN:
		put16(&b, EXT_ALPN);
		put16(&b, 2 + 1 + 8);
		put16(&b, 1 + 8);
		put8(&b, 8);
		put(&b, "http/1.1", 8);
		break;
	case M_EE_KEY_SHARE:
		put16(&b, UF_EXT_KEY_SHARE);
		put16(&b, 2);
		put16(&b, UF_GROUP_X25519);
		break;
	case M_EE_UNKNOWN:
		put16(&b, EXT_UNKNOWN);
		put16(&b, 0);
		break;
	case M_PSK_IN_EE:
		if (c->psk_on) {
			put16(&b, UF_EXT_PRE_SHARED_KEY);
			put16(&b, 2);
			put16(&b, 0);
		}
		break;
	default:
		break;
	}
	close_len(&b, exts, 2);
	close_len(&b, at, 3);
	fl_add(c, buf, b.len, transcript);
}

static void
add_cr(struct conn *c)
{
	unsigned char	buf[64];
	struct b	b = { buf, sizeof buf, 0 };
	size_t		at, exts;

	at = msg_open(&b, UF_HS_CERTIFICATE_REQUEST);
	put8(&b, 0);		/* empty in the handshake (4.3.2) */
	exts = open_len(&b, 2);
	put16(&b, UF_EXT_SIGNATURE_ALGORITHMS);
	put16(&b, 2 + 4);
	put16(&b, 4);
	put16(&b, UF_SIG_ECDSA_SECP256R1_SHA256);
	put16(&b, UF_SIG_RSA_PSS_RSAE_SHA256);
	/* "Clients MUST ignore unrecognized extensions" (4.3.2). */
	put16(&b, EXT_UNKNOWN);
	put16(&b, 1);
	put8(&b, 0);
	close_len(&b, exts, 2);
	close_len(&b, at, 3);
	fl_add(c, buf, b.len, 1);
}

static int
add_cert(struct conn *c)
{
	static const char	*dflt[SRV13_CHAIN] = {
		"leaf-ec.der", "int.der"
	};
	const char *const	*chain = c->cf->chain[0] != NULL
				    ? c->cf->chain : dflt;
	unsigned char		buf[MSG_MAX], der[4096];
	struct b		b = { buf, sizeof buf, 0 };
	size_t			at, list, cert, i, n;

	at = msg_open(&b, UF_HS_CERTIFICATE);
	if (c->mut == M_CERT_CONTEXT) {
		put8(&b, 1);
		put8(&b, 0);
	} else {
		put8(&b, 0);
	}
	list = open_len(&b, 3);
	for (i = 0; i < SRV13_CHAIN && chain[i] != NULL
	    && c->mut != M_CERT_EMPTY;
	    i++) {
		n = load(chain[i], der, sizeof der);
		if (n == 0) {
			return give_up(c, "cannot read tests/pki/%s",
			    chain[i]);
		}
		cert = open_len(&b, 3);
		put(&b, der, n);
		close_len(&b, cert, 3);
		if (c->mut == M_CERT_EXT && i == 0) {
			put16(&b, 4);
			put16(&b, EXT_SCT);
			put16(&b, 0);
		} else {
			put16(&b, 0);
		}
	}
	close_len(&b, list, 3);
	close_len(&b, at, 3);
	fl_add(c, buf, b.len, 1);
	return 0;
}

static int
add_cv(struct conn *c)
{
	unsigned char	buf[1024], content[64 + 34 + UF_HASH_MAX];
	unsigned char	hv[UF_HASH_MAX], sig[512];
	struct b	b = { buf, sizeof buf, 0 };
	struct key	k;
	const br_hash_class	*hc;
	const char	*ctx = c->mut == M_CV_CONTEXT ? c_context : s_context;
	const char	*name = c->mut == M_CV_ROGUE ? "rogue-leaf.key.der"
			    : c->cf->key != NULL ? c->cf->key
			    : "leaf-ec.key.der";
	unsigned	scheme;
	size_t		at, n;

	if (load_key(&k, name) != 0) {
		return give_up(c, "cannot read the key tests/pki/%s", name);
	}
	scheme = key_scheme(&k, &hc);
	if (scheme == 0) {
		return give_up(c, "cannot sign with tests/pki/%s", name);
	}
	memset(content, ' ', 64);
	memcpy(content + 64, ctx, sizeof s_context);
	if (c->mut == M_CV_TRANSCRIPT) {
		memcpy(content + 64 + sizeof s_context, c->th_ee, c->hlen);
	} else {
		th_out(c, content + 64 + sizeof s_context);
	}
	hash_of(hc, content, 64 + sizeof s_context + c->hlen, hv);
	n = key_sign(&k, hc, hv, sig, sizeof sig);
	if (n == 0) {
		return give_up(c, "signing with tests/pki/%s failed", name);
	}
	if (c->mut == M_CV_PKCS1) {
		scheme = UF_SIG_RSA_PKCS1_SHA256;
	} else if (c->mut == M_CV_CURVE) {
		scheme = UF_SIG_ECDSA_SECP384R1_SHA384;
	}
	at = msg_open(&b, UF_HS_CERTIFICATE_VERIFY);
	put16(&b, scheme);
	put16(&b, n);
	put(&b, sig, n);
	close_len(&b, at, 3);
	fl_add(c, buf, b.len, 1);
	return 0;
}

static void
add_fin(struct conn *c)
{
	unsigned char	buf[UF_HS_HEADER + UF_HASH_MAX], thash[UF_HASH_MAX];

	th_out(c, thash);
	buf[0] = UF_HS_FINISHED;
	buf[1] = 0;
	buf[2] = 0;
	buf[3] = (unsigned char)c->hlen;
	finished_mac(c, c->s_hs, thash, buf + UF_HS_HEADER);
	if (c->mut == M_FIN_TAMPER) {
		buf[UF_HS_HEADER] ^= 1;
	}
	fl_add(c, buf, UF_HS_HEADER + c->hlen, 1);
}

/*
 * A NewSessionTicket of lifetime seconds, its ticket of len bytes, into
 * b; remembered with its PSK (RFC 8446 4.6.1), to be taken back.
 */
static void
put_nst(struct conn *c, struct b *b, size_t len, uint32_t lifetime)
{
	struct srv13		*s = c->s;
	struct srv13_ticket	tk;
	unsigned char		nonce;
	size_t			at = msg_open(b, UF_HS_NEW_SESSION_TICKET), i;

	s->ntickets++;
	nonce = (unsigned char)s->ntickets;
	tk.len = len;
	tk.suite = c->suite;
	tk.age_add = TICKET_AGE_ADD + (uint32_t)s->ntickets;
	memset(tk.psk, 0, sizeof tk.psk);
	uf_hkdf_expand_label(c->hash, c->res, "resumption", &nonce, 1, tk.psk,
	    c->hlen);
	put16(b, lifetime >> 16);
	put16(b, lifetime & 0xffff);
	put16(b, tk.age_add >> 16);
	put16(b, tk.age_add & 0xffff);
	put8(b, 1);
	put8(b, nonce);
	put16(b, len);
	for (i = 0; i < len; i++) {
		put8(b, i == 0 ? nonce : i);
	}
	put16(b, 0);			/* no extensions */
	close_len(b, at, 3);
	tk.sent = now_secs();
	if (s->ntickets <= SRV13_TICKETS) {
		s->tickets[s->ntickets - 1] = tk;
	}
}

/*
 * The handshake, server side.
 */

/* The key schedule to the handshake traffic secrets; keys on. */
static void
handshake_keys(struct conn *c)
{
	unsigned char	zero[UF_HASH_MAX], empty[UF_HASH_MAX];
	unsigned char	early[UF_HASH_MAX], derived[UF_HASH_MAX];
	unsigned char	thash[UF_HASH_MAX];

	memset(zero, 0, sizeof zero);
	hash_of(c->hash, NULL, 0, empty);
	/* Its own hash's length (M_PSK_HASH uses it with another). */
	uf_hkdf_extract(c->hash, NULL, 0, c->psk_on ? c->tk->psk : zero,
	    c->psk_on ? uf_hash_len(suite_hash(c->tk->suite)) : c->hlen,
	    early);
	uf_hkdf_derive_secret(c->hash, early, "derived", empty, derived);
	uf_hkdf_extract(c->hash, derived, c->hlen, c->dh, c->dh_len,
	    c->secret);
	th_out(c, thash);
	uf_hkdf_derive_secret(c->hash, c->secret, "c hs traffic", thash,
	    c->c_hs);
	uf_hkdf_derive_secret(c->hash, c->secret, "s hs traffic", thash,
	    c->s_hs);
	set_keys(c, &c->wr, c->s_hs);
	set_keys(c, &c->rd, c->c_hs);
}

/* ... and to the application traffic secrets (keys not yet on). */
static void
app_secrets(struct conn *c)
{
	unsigned char	zero[UF_HASH_MAX], empty[UF_HASH_MAX];
	unsigned char	derived[UF_HASH_MAX], thash[UF_HASH_MAX];

	memset(zero, 0, sizeof zero);
	hash_of(c->hash, NULL, 0, empty);
	uf_hkdf_derive_secret(c->hash, c->secret, "derived", empty, derived);
	uf_hkdf_extract(c->hash, derived, c->hlen, zero, c->hlen, c->master);
	th_out(c, thash);
	uf_hkdf_derive_secret(c->hash, c->master, "c ap traffic", thash,
	    c->c_ap);
	uf_hkdf_derive_secret(c->hash, c->master, "s ap traffic", thash,
	    c->s_ap);
}

/*
 * ClientHello ch[0..len) without its lengths of message and extension
 * block, without its cookie, its pre_shared_key (whose age and binder
 * change, and which may go) and (unless keep_share) its key_share,
 * into out (MSG_MAX bytes): what RFC 8446 4.1.2 says the second
 * ClientHello keeps of the first. Returns its length.
 */
static size_t
ch_kept(const unsigned char *ch, size_t len, int keep_share,
    unsigned char *out)
{
	struct r	r = { ch + UF_HS_HEADER, len - UF_HS_HEADER, 0 }, exts;
	struct b	b = { out, MSG_MAX, 0 };
	const unsigned char	*start = r.p, *e;
	unsigned	type;
	size_t		n;

	(void)take(&r, 2 + UF_TLS_RANDOM);
	(void)vec(&r, 1);
	(void)vec(&r, 2);
	(void)vec(&r, 1);
	put(&b, start, (size_t)(r.p - start));
	exts = vec(&r, 2);
	while (!exts.bad && exts.left > 0) {
		e = exts.p;
		type = get(&exts, 2);
		n = vec(&exts, 2).left;
		if ((keep_share || type != UF_EXT_KEY_SHARE)
		    && type != UF_EXT_COOKIE && type != UF_EXT_PRE_SHARED_KEY
		    && !exts.bad) {
			put(&b, e, 4 + n);
		}
	}
	return b.len;
}

/*
 * The HelloRetryRequest exchange, when the configuration or the
 * mutation asks for one: the transcript restarts with message_hash
 * (RFC 8446 4.4.1), the second ClientHello replaces the first.
 * Returns 0, or -1 when the connection is over.
 */
static int
retry(struct conn *c, size_t ch_len)
{
	unsigned char	mh[UF_HS_HEADER + UF_HASH_MAX];
	unsigned char	kept1[MSG_MAX], kept2[MSG_MAX];
	unsigned	group = c->group;
	size_t		len, n1;

	switch (c->mut) {
	case M_HRR_UNOFFERED:
		group = GROUP_X448;
		break;
	case M_HRR_SAME:
		group = UF_GROUP_X25519;
		break;
	case M_HRR_EMPTY:
		group = 0;
		break;
	default:
		/* A cookie alone when the share is already right. */
		if (ecdh(c) == 0) {
			group = 0;
		}
	}
	mh[0] = UF_HS_MESSAGE_HASH;
	mh[1] = 0;
	mh[2] = 0;
	mh[3] = (unsigned char)c->hlen;
	hash_of(c->hash, c->ch, ch_len, mh + UF_HS_HEADER);
	n1 = ch_kept(c->ch, ch_len, group == 0, kept1);
	c->hash->init(&c->th.vtable);
	th_add(c, mh, UF_HS_HEADER + c->hlen);
	add_sh(c, 1, group);
	c->hrr = 1;
	c->s->hrr++;
	if (fl_send(c, 0) != 0 || send_ccs(c, 1) != 0) {
		return -1;
	}
	if (read_ch(c, &len) != 0 || check_psk(c, &c->th, &c->ps->tk2) != 0) {
		return -1;
	}
	if (c->cf->cookie) {
		c->s->cookie_ok = c->h.cookie_len == sizeof cookie - 1
		    && memcmp(c->h.cookie, cookie, sizeof cookie - 1) == 0;
	}
	c->s->ch2_same = n1 == ch_kept(c->ch, len, group == 0, kept2)
	    && memcmp(kept1, kept2, n1) == 0 && c->h.nshare == 1
	    && (group == 0 || c->h.group[0] == group);
	th_add(c, c->ch, len);
	if (c->mut == M_HRR_TWICE) {
		add_sh(c, 1, UF_GROUP_SECP384R1);
		c->s->hrr++;
		(void)fl_send(c, 0);
		return -1;
	}
	if (c->mut == M_TLS12_AFTER_HRR) {
		(void)send_sh12(c);
		return -1;
	}
	return 0;
}

/* The client's flight: [Certificate] Finished, checked. */
static int
client_flight(struct conn *c)
{
	unsigned char	thash[UF_HASH_MAX], want[UF_HASH_MAX];
	unsigned	type;
	size_t		len;

	if (c->cr_sent) {
		if (hs_next(c, &type, &len) != 0) {
			return -1;
		}
		/* An empty context echoed, an empty list (4.4.2). */
		if (type != UF_HS_CERTIFICATE || len != UF_HS_HEADER + 4
		    || memcmp(c->hs + UF_HS_HEADER, "\0\0\0\0", 4) != 0) {
			return give_up(c, "not an empty client Certificate");
		}
		c->s->empty_cert = 1;
		th_add(c, c->hs, len);
		hs_take(c, len);
	}
	if (hs_next(c, &type, &len) != 0) {
		return -1;
	}
	th_out(c, thash);
	finished_mac(c, c->c_hs, thash, want);
	if (type != UF_HS_FINISHED || len != UF_HS_HEADER + c->hlen
	    || memcmp(c->hs + UF_HS_HEADER, want, c->hlen) != 0) {
		return give_up(c, "the client's Finished does not verify");
	}
	/* Tickets are keyed from the transcript to here (RFC 8446 7.1). */
	th_add(c, c->hs, len);
	th_out(c, thash);
	uf_hkdf_derive_secret(c->hash, c->master, "res master", thash,
	    c->res);
	hs_take(c, len);
	c->s->fin_ok = 1;
	return 0;
}

/* The encrypted flight, each mutation of it where it belongs. */
static int
server_flight(struct conn *c)
{
	static const char	early[] = "too early";
	static const unsigned char	zeros[8];
	unsigned char		buf[1024];
	struct b		b = { buf, sizeof buf, 0 };
	int			coalesce = c->cf->coalesce;

	switch (c->mut) {
	case M_APP_BEFORE_FIN:
		(void)rec(c, CT_APP, early, sizeof early - 1);
		break;
	case M_ZERO_INNER:
		(void)rec_pad(c, 0, zeros, 0, sizeof zeros);
		break;
	case M_EMPTY_HS:
		(void)rec(c, CT_HS, NULL, 0);
		break;
	case M_KU_IN_HS:
		(void)rec(c, CT_HS, "\x18\0\0\x01\0", 5);
		break;
	case M_CCS_PROTECTED:
		(void)rec_out(c, CT_CCS, "\1", 1, 0, 1);
		break;
	case M_TAG_EE:
		c->tamper = 1;
		break;
	case M_BIG_CIPHER:
		memset(c->rbuf, 0, sizeof c->rbuf);
		c->rbuf[0] = CT_APP;
		c->rbuf[1] = 3;
		c->rbuf[2] = 3;
		c->rbuf[3] = (CIPHER_MAX + 1) >> 8;
		c->rbuf[4] = (unsigned char)(CIPHER_MAX + 1);
		(void)srv_send_all(c->fd, c->rbuf, REC_HEADER);
		return -1;
	case M_UNKNOWN_TYPE:
		(void)rec_out(c, CT_UNKNOWN, "x", 1, 0, 0);
		return -1;
	default:
		break;
	}
	if (c->mut != M_NO_EE) {
		add_ee(c, 1);
		th_out(c, c->th_ee);
	}
	if (c->mut == M_PLAIN_EE || c->mut == M_BIG_EE) {
		(void)rec_out(c, CT_HS, c->fl, c->fl_len, c->mut == M_BIG_EE
		    ? PLAIN_MAX + 1 - c->fl_len : 0, c->mut == M_BIG_EE);
		return -1;
	}
	/* Not with a PSK (RFC 8446 4.3.2, 4.4.2). */
	if (c->psk_on ? c->mut == M_PSK_CR : c->cf->cr) {
		add_cr(c);
		c->cr_sent = 1;
	}
	if (!c->psk_on || c->mut == M_PSK_CERT) {
		if (add_cert(c) != 0) {
			return -1;
		}
		if (c->mut != M_NO_CV && add_cv(c) != 0) {
			return -1;
		}
	}
	add_fin(c);
	if (c->mut == M_FIN_MORE) {
		put_nst(c, &b, 16, TICKET_LIFETIME);
		fl_add(c, buf, b.len, 0);
		coalesce = 1;
	}
	return fl_send(c, coalesce);
}

static int
handshake(struct conn *c)
{
	unsigned	group;
	size_t		len;

	if (read_ch(c, &len) != 0) {
		return -1;
	}
	if (c->h.tls13) {
		c->s->ch13++;
	} else {
		c->s->ch12++;
	}
	switch (c->mut) {
	case M_TLS12:
	case M_TLS12_SENTINEL:
	case M_TLS11_SENTINEL:
	case M_TLS12_SUITE:
	case M_TLS11:
	case M_V0304:
		(void)send_sh12(c);
		return -1;
	case M_ALERT_HS:
		(void)send_alert(c, ALERT_FATAL, UF_ALERT_HANDSHAKE_FAILURE);
		return -1;
	case M_ALERT_NAME:
		(void)send_alert(c, ALERT_FATAL, UF_ALERT_UNRECOGNIZED_NAME);
		return -1;
	case M_CANCEL_HS:
		/* "followed by a close_notify" (RFC 8446 6.1) */
		(void)send_alert(c, ALERT_WARNING, UF_ALERT_USER_CANCELED);
		(void)send_alert(c, ALERT_WARNING, UF_ALERT_CLOSE_NOTIFY);
		return -1;
	case M_PROTECTED_FIRST:
		memset(c->rbuf, 0, REC_HEADER + 32);
		c->rbuf[0] = CT_APP;
		c->rbuf[1] = 3;
		c->rbuf[2] = 3;
		c->rbuf[4] = 32;
		(void)srv_send_all(c->fd, c->rbuf, REC_HEADER + 32);
		return -1;
	case M_BIG_PLAIN:
		memset(c->rbuf, 0, sizeof c->rbuf);
		c->rbuf[REC_HEADER] = UF_HS_SERVER_HELLO;
		(void)rec(c, CT_HS, c->rbuf + REC_HEADER, PLAIN_MAX + 1);
		return -1;
	default:
		break;
	}
	c->suite = c->cf->suite != 0 ? c->cf->suite : c->h.suite13;
	if (c->suite == 0) {
		return give_up(c, "no TLS 1.3 suite in the ClientHello");
	}
	if (check_psk(c, NULL, &c->ps->tk) != 0) {
		return -1;
	}
	group = c->cf->group != 0 ? c->cf->group : UF_GROUP_X25519;
	if (c->tk != NULL) {
		switch (c->mut) {
		case M_PSK_HASH:
			c->suite = UF_TLS_AES_256_GCM_SHA384;
			break;
		case M_PSK_HRR_HASH:
			c->suite = UF_TLS_AES_256_GCM_SHA384;
			group = UF_GROUP_SECP256R1;
			break;
		case M_PSK_IN_HRR:
			group = UF_GROUP_SECP256R1;
			break;
		default:
			break;
		}
	}
	c->hash = suite_hash(c->suite);
	c->hlen = uf_hash_len(c->hash);
	keygen(c, group);
	c->hash->init(&c->th.vtable);
	if (ecdh(c) != 0 || c->cf->cookie || c->mut == M_HRR_UNOFFERED
	    || c->mut == M_HRR_SAME || c->mut == M_HRR_EMPTY) {
		if (retry(c, len) != 0) {
			return -1;
		}
	} else {
		th_add(c, c->ch, len);
	}
	/* A PSK of the suite's hash, with a key share (psk_dhe_ke). */
	c->psk_on = c->tk != NULL && c->h.dhe_ke && c->mut != M_PSK_DECLINE
	    && (suite_hash(c->tk->suite) == c->hash || c->mut == M_PSK_HASH);
	c->ps->resumed = c->psk_on;
	switch (c->mut) {
	case M_GROUP_UNOFFERED:
		c->group = GROUP_X448;
		break;
	case M_GROUP_NO_SHARE:
		keygen(c, UF_GROUP_SECP256R1);
		break;
	case M_GROUP_AFTER_HRR:
		keygen(c, UF_GROUP_X25519);
		break;
	case M_SUITE_AFTER_HRR:
		c->suite = c->suite == UF_TLS_AES_128_GCM_SHA256
		    ? UF_TLS_CHACHA20_POLY1305_SHA256
		    : UF_TLS_AES_128_GCM_SHA256;
		break;
	default:
		break;
	}
	if (ecdh(c) != 0) {
		/* The client will refuse the ServerHello: no secret. */
		memset(c->dh, 0, sizeof c->dh);
		c->dh_len = 32;
	}
	add_sh(c, 0, c->group);
	if (c->mut == M_SH_MORE) {
		add_ee(c, 0);
		if (fl_send(c, 1) != 0) {
			return -1;
		}
	} else if (fl_send(c, 0) != 0) {
		return -1;
	}
	if (!c->hrr && send_ccs(c, c->mut == M_CCS_BAD ? 2 : 1) != 0) {
		return -1;
	}
	if (c->mut == M_STALL) {
		c->hold = 1;
		return -1;
	}
	if (c->mut == M_CCS_FLOOD || c->mut == M_CCS_BURST) {
		(void)flood(c, 1, c->mut == M_CCS_FLOOD ? 50 : 0, 0);
		return -1;
	}
	handshake_keys(c);
	if (server_flight(c) != 0) {
		return -1;
	}
	app_secrets(c);
	if (client_flight(c) != 0) {
		return -1;
	}
	set_keys(c, &c->wr, c->s_ap);
	set_keys(c, &c->rd, c->c_ap);
	return 0;
}

/*
 * After the handshake.
 */

/*
 * Read a request (KeyUpdates are taken on the way): its head into
 * s->req, then as many bytes of body as its Content-Length says (0
 * without one), hashed as they come; they may share a record with the
 * head, and run over many.
 */
static int
read_req(struct conn *c)
{
	struct srv13	*s = c->s;
	unsigned char	*p;
	unsigned	type;
	size_t		n, take, have = 0, head = 0, want = 0, got = 0;
	const char	*cl;
	uint64_t	h = srv_hash(NULL, 0);

	s->req[0] = '\0';
	while (head == 0 || got < want) {
		if (rec_read(c, &type, &p, &n) != 0) {
			return -1;
		}
		if (type == CT_HS && n >= UF_HS_HEADER
		    && p[0] == UF_HS_KEY_UPDATE) {
			if (client_ku(c, p, n) != 0) {
				return -1;
			}
			continue;
		}
		if (type != CT_APP) {
			return give_up(c, "a client record of type %u instead "
			    "of a request", type);
		}
		if (head == 0) {
			take = n < sizeof s->req - 1 - have ? n
			    : sizeof s->req - 1 - have;
			memcpy(s->req + have, p, take);
			s->req[have + take] = '\0';
			cl = strstr(s->req, "\r\n\r\n");
			if (cl == NULL) {
				have += take;
				if (have == sizeof s->req - 1) {
					return give_up(c, "a request head of "
					    "more than %zu bytes", have);
				}
				continue;
			}
			head = (size_t)(cl - s->req) + 4;
			s->req[head] = '\0';
			/* The rest of this record is body. */
			p += head - have;
			n -= head - have;
			cl = strstr(s->req, "\r\nContent-Length: ");
			want = cl != NULL ? strtoul(cl + 18, NULL, 10) : 0;
		}
		h = srv_hash_more(h, p, n);
		got += n;
	}
	if (got > want) {
		return give_up(c, "%zu bytes of body, not %zu", got, want);
	}
	if (s->nreq == 0) {
		memcpy(s->first_req, s->req, sizeof s->req);
	}
	s->body_len = got;
	s->body_hash = h;
	s->body_total += got;
	s->nreq++;
	return 0;
}

/* A record of len bytes: a head, then 'x' to fill it. */
static int
big(struct conn *c, size_t len)
{
	static __thread char	buf[PLAIN_MAX + 64];
	int			n;

	if (len > sizeof buf) {
		abort();
	}
	n = snprintf(buf, sizeof buf, "HTTP/1.1 200 OK\r\nContent-Length: "
	    "%5zu\r\n\r\n", len - 42);
	if (n != 42) {
		abort();
	}
	memset(buf + n, 'x', len - (size_t)n);
	return rec(c, CT_APP, buf, len);
}

static void
play(struct conn *c)
{
	static const struct srv13_step	dflt[] = {
		R_READ,
		R_SEND("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello\n"),
		R_NOTIFY, R_END
	};
	const struct srv13_step	*st = c->psk_on && c->cf->psk_steps != NULL
				    ? c->cf->psk_steps : c->cf->steps != NULL
				    ? c->cf->steps : dflt;
	unsigned char		buf[MSG_MAX];
	struct b		b = { buf, sizeof buf, 0 };
	size_t			at, step;
	int			rc = 0;

	for (; st->op != P_END && rc == 0; st++) {
		b.len = 0;
		switch (st->op) {
		case P_READ:
			rc = read_req(c);
			break;
		case P_APP:
			rc = rec(c, CT_APP, st->data, st->len);
			break;
		case P_NOTIFY:
			(void)send_alert(c, ALERT_WARNING,
			    UF_ALERT_CLOSE_NOTIFY);
			return;
		case P_ALERT:
			(void)send_alert(c, ALERT_FATAL, st->arg);
			return;
		case P_NST:
		case P_NST_LIFE:
			put_nst(c, &b, st->len, st->op == P_NST
			    ? TICKET_LIFETIME : st->arg);
			step = st->op == P_NST && st->arg != 0 ? st->arg
			    : b.len;
			for (at = 0; rc == 0 && at < b.len; at += step) {
				rc = rec(c, CT_HS, buf + at, b.len - at < step
				    ? b.len - at : step);
			}
			break;
		case P_SLEEP:
			usleep((useconds_t)st->len * 1000);
			break;
		case P_KU:
		case P_KU_MORE:
			at = msg_open(&b, UF_HS_KEY_UPDATE);
			put8(&b, st->arg);
			close_len(&b, at, 3);
			put(&b, st->data, st->len);
			rc = rec(c, CT_HS, buf, b.len);
			update_keys(c, &c->wr);
			break;
		case P_HS:
			rc = rec(c, CT_HS, st->data, st->len);
			break;
		case P_TAMPER:
			c->tamper = 1;
			break;
		case P_BIG:
			rc = big(c, st->len);
			break;
		case P_CCS:
			rc = send_ccs(c, 1);
			break;
		case P_ZERO:
			rc = rec_pad(c, 0, NULL, 0, st->len);
			break;
		case P_REC:
			rc = rec(c, st->arg, st->data, st->len);
			break;
		case P_STALL:
			c->hold = 1;
			return;
		case P_FLOOD:
			rc = flood(c, 0, (unsigned)st->len, st->arg);
			break;
		case P_HOOK:
			c->cf->hook();
			break;
		case P_END:
			break;
		}
	}
}

/*
 * Connections after a TLS 1.2 answer (M_TLS12): relayed, whole, to
 * relay_port, after a look at the ClientHello.
 */
static void
relay(struct conn *c)
{
	struct pollfd	pfd[2];
	unsigned char	buf[16384];
	size_t		n;
	ssize_t		k;
	int		up;

	if (recv_full(c, c->rbuf, REC_HEADER) != 0) {
		return;
	}
	n = (size_t)c->rbuf[3] << 8 | c->rbuf[4];
	if (recv_full(c, c->rbuf + REC_HEADER, n) != 0) {
		return;
	}
	if (n >= UF_HS_HEADER && parse_ch(c, c->rbuf + REC_HEADER, n) == 0) {
		if (c->h.tls13) {
			c->s->ch13++;
		} else {
			c->s->ch12++;
		}
	}
	up = srv_connect(c->s->relay_port);
	if (up < 0 || srv_send_all(up, c->rbuf, REC_HEADER + n) != 0) {
		if (up >= 0) {
			close(up);
		}
		return;
	}
	pfd[0].fd = c->fd;
	pfd[1].fd = up;
	pfd[0].events = pfd[1].events = POLLIN;
	while (!c->s->stop) {
		if (poll(pfd, 2, 50) <= 0) {
			continue;
		}
		if (pfd[0].revents) {
			k = recv(c->fd, buf, sizeof buf, 0);
			if (k <= 0 || srv_send_all(up, buf, (size_t)k) != 0) {
				break;
			}
		}
		if (pfd[1].revents) {
			k = recv(up, buf, sizeof buf, 0);
			if (k <= 0 || srv_send_all(c->fd, buf, (size_t)k)
			    != 0) {
				break;
			}
		}
	}
	close(up);
}

static void
serve_conn(struct srv13 *s, int fd)
{
	static __thread struct conn	c;
	static __thread struct srv13_psk	spare;

	memset(&c, 0, sizeof c);
	c.ps = s->nconn <= SRV13_CONNS ? &s->psk[s->nconn - 1] : &spare;
	c.s = s;
	c.cf = s->conf;
	c.mut = s->conf->mut;
	c.fd = fd;
	if (s->nconn > 1 && s->conf->mut == M_TLS12 && s->relay_port != 0) {
		relay(&c);
		return;
	}
	s->alert = -1;
	s->fin_ok = 0;
	s->why[0] = '\0';
	if (handshake(&c) == 0) {
		play(&c);
	}
	s->sni = c.h.sni;
	/* The end of our side; the client's alert may still come. */
	if (!c.hold) {
		shutdown(fd, SHUT_WR);
	}
	drain(&c);
}

static void *
serve(void *arg)
{
	struct srv13	*s = arg;
	struct pollfd	pfd = { s->fd, POLLIN, 0 };
	int		fd;

	while (!s->stop) {
		if (poll(&pfd, 1, 50) <= 0) {
			continue;
		}
		fd = accept(s->fd, NULL, NULL);
		if (fd < 0) {
			continue;
		}
		s->nconn++;
		serve_conn(s, fd);
		close(fd);
	}
	return NULL;
}

/* see srv13.h */
int
srv13_start(struct srv13 *s, const struct srv13_conf *conf)
{
	unsigned short	relay_port = s->relay_port;

	memset(s, 0, sizeof *s);
	s->conf = conf;
	s->relay_port = relay_port;
	s->alert = -1;
	s->fd = srv_listen(16, &s->port);
	if (s->fd < 0) {
		return -1;
	}
	return pthread_create(&s->th, NULL, serve, s) == 0 ? 0 : -1;
}

/* see srv13.h */
void
srv13_stop(struct srv13 *s)
{
	s->stop = 1;
	pthread_join(s->th, NULL);
	close(s->fd);
}
