/*
 * tls.c: the BearSSL client engine as a transport (see tls.h).
 *
 * IMPLEMENTATION NOTES
 *
 * run() is the engine loop, in the shape of BearSSL's own run_until()
 * in ssl_io.c: records waiting to be sent go first; then, if the
 * engine is in a wanted state, we return; then we receive; otherwise
 * we flush (a half-duplex buffer holding unsent application data
 * cannot receive). Every wait is a poll with the caller's deadline.
 * The engine's state decides everything; we keep only two flags:
 * 'eof' (TCP closed without close_notify) and 'clean' (close_notify).
 *
 * Certificates go through struct vx, a br_x509_class that copies the
 * chain into the arena, asks trust.c for the anchors each certificate's
 * issuer needs, and only then runs br_x509_minimal over the copy. So a
 * fetch decodes one or two anchors, not the whole system bundle.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>

#include "der.h"
#include "fmt.h"
#include "ghash.h"
#include "tls.h"

/* Why our own checks failed, to word the message. */
enum {
	WHY_NONE,
	WHY_CHAIN_BIG,		/* chain over UF_CHAIN_MAX / _CERTS */
	WHY_IP,			/* IP address not in the certificate */
	WHY_STORE		/* no store could be read */
};

struct vx {
	const br_x509_class	*vtable;
	br_x509_minimal_context	inner;
	br_x509_decoder_context	ee;		/* -k: the server's key */
	struct uf_tls		*t;
	const char		*name;
	unsigned char		*chain;
	size_t			len;
	size_t			off[UF_CHAIN_CERTS], clen[UF_CHAIN_CERTS];
	size_t			ncert;
	int			over;
	int			why;
	br_x509_trust_anchor	tas[UF_CHAIN_ANCHORS];
	size_t			nta;
};

struct uf_tls {
	const struct uf_io_class	*vtable;
	br_ssl_client_context		cc;
	struct vx			x;
	struct uf_sock			*sock;
	struct uf_arena			*a;
	const struct uf_tls_opts	*o;
	unsigned char			ip[16];
	size_t				iplen;		/* 0: a DNS name */
	char				name[256];
	int				shaken;		/* handshake done */
	int				eof;
	int				clean;
	unsigned char			ahead[5];	/* see tls_recv() */
	size_t				ahead_off;
	size_t				ahead_len;
};

static const uint16_t	suites_aes[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};

static const uint16_t	suites_chacha[] = {
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

/*
 * BearSSL's AES-GCM matches OpenSSL where the CPU has AES instructions;
 * without them its constant-time AES is several times slower than its
 * ChaCha20 (notes/bearssl.md 4.2).
 */
static int
aes_first(void)
{
	return br_aes_x86ni_ctr_get_vtable() != NULL
	    || br_aes_pwr8_ctr_get_vtable() != NULL;
}

/* see tls.h */
const char *
uf_tls_describe(void)
{
	return aes_first() ? "TLS 1.2 (BearSSL), AES-GCM first"
	    : "TLS 1.2 (BearSSL), ChaCha20-Poly1305 first";
}

/*
 * The X.509 wrapper.
 */

static void
vx_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct vx	*x = (struct vx *)(void *)ctx;

	x->name = server_name;
	x->len = 0;
	x->ncert = 0;
	x->over = 0;
	x->nta = 0;
}

static void
vx_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct vx	*x = (struct vx *)(void *)ctx;

	if (x->over || x->ncert == UF_CHAIN_CERTS
	    || length > UF_CHAIN_MAX - x->len) {
		x->over = 1;
		return;
	}
	x->off[x->ncert] = x->len;
	x->clen[x->ncert] = 0;
}

static void
vx_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct vx	*x = (struct vx *)(void *)ctx;

	/* BearSSL guarantees the chunks add up to start_cert's length. */
	if (!x->over) {
		memcpy(x->chain + x->len, buf, len);
		x->len += len;
		x->clen[x->ncert] += len;
	}
}

static void
vx_end_cert(const br_x509_class **ctx)
{
	struct vx	*x = (struct vx *)(void *)ctx;

	if (!x->over) {
		x->ncert++;
	}
}

/* Certificate i of the chain, parsed. */
static int
chain_cert(const struct vx *x, size_t i, struct uf_cert *c)
{
	return uf_der_cert(x->chain + x->off[i], x->clen[i], c);
}

static unsigned
vx_end_chain(const br_x509_class **ctx)
{
	struct vx		*x = (struct vx *)(void *)ctx;
	struct uf_tls		*t = x->t;
	br_ssl_engine_context	*eng = &t->cc.eng;
	const br_x509_class	**in = &x->inner.vtable;
	struct uf_cert		c;
	unsigned		err;
	size_t			i;

	if (x->over) {
		x->why = WHY_CHAIN_BIG;
		return BR_ERR_X509_LIMIT_EXCEEDED;
	}
	if (x->ncert == 0) {
		return BR_ERR_X509_EMPTY_CHAIN;
	}
	if (t->o->insecure) {
		br_x509_decoder_init(&x->ee, NULL, NULL);
		br_x509_decoder_push(&x->ee, x->chain, x->clen[0]);
		return (unsigned)br_x509_decoder_last_error(&x->ee);
	}
	/* The anchors the chain can need: one per issuer name. */
	for (i = 0; i < x->ncert; i++) {
		if (chain_cert(x, i, &c) != 0) {
			return BR_ERR_X509_INVALID_VALUE;
		}
		if (uf_trust_find(t->o->trust, t->a, c.issuer.p, c.issuer.len,
		    x->tas, &x->nta, UF_CHAIN_ANCHORS) != UF_OK) {
			/* trust.c recorded why; tls_error() keeps it. */
			x->why = WHY_STORE;
			return BR_ERR_X509_NOT_TRUSTED;
		}
	}
	br_x509_minimal_init(&x->inner, &br_sha256_vtable, x->tas, x->nta);
	br_x509_minimal_set_hash(&x->inner, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(&x->inner, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(&x->inner, br_sha512_ID, &br_sha512_vtable);
	br_x509_minimal_set_rsa(&x->inner, br_ssl_engine_get_rsavrfy(eng));
	br_x509_minimal_set_ecdsa(&x->inner, br_ssl_engine_get_ec(eng),
	    br_ssl_engine_get_ecdsa(eng));
	(*in)->start_chain(in, x->name);
	for (i = 0; i < x->ncert; i++) {
		(*in)->start_cert(in, (uint32_t)x->clen[i]);
		if (x->clen[i] > 0) {
			(*in)->append(in, x->chain + x->off[i], x->clen[i]);
		}
		(*in)->end_cert(in);
	}
	err = (*in)->end_chain(in);
	/* BearSSL checks names only; IP addresses are ours to check. */
	if (err == 0 && t->iplen > 0 && (chain_cert(x, 0, &c) != 0
	    || !uf_der_san_ip(&c, t->ip, t->iplen))) {
		x->why = WHY_IP;
		err = BR_ERR_X509_BAD_SERVER_NAME;
	}
	return err;
}

static const br_x509_pkey *
vx_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	struct vx	*x = (struct vx *)(void *)ctx;

	if (x->t->o->insecure) {
		if (usages != NULL) {
			*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
		}
		return br_x509_decoder_get_pkey(&x->ee);
	}
	return x->inner.vtable->get_pkey(&x->inner.vtable, usages);
}

static const br_x509_class	vx_class = {
	sizeof(struct vx),
	vx_start_chain, vx_start_cert, vx_append, vx_end_cert, vx_end_chain,
	vx_get_pkey
};

/*
 * Messages.
 */

/* "CN" of a name, sanitized, or a stand-in. */
static void
name_of(struct uf_der name, char *buf, size_t cap)
{
	struct uf_der	cn;

	if (uf_der_name_cn(name, &cn) == 0 && cn.len > 0) {
		uf_sanitize(buf, cap, (const char *)cn.p, cn.len);
	} else {
		uf_snprintf(buf, cap, "(no common name)");
	}
}

/*
 * BearSSL's day count (days since 0000-01-01) as YYYY-MM-DD, by the
 * civil-from-days algorithm: gmtime and strftime would bring the C
 * library's time zone code into the static binary (5 KB) for this.
 */
static void
format_day(char *buf, size_t cap, uint32_t days)
{
	int64_t		z = (int64_t)days - 719528 + 719468;
	int64_t		era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned	doe = (unsigned)(z - era * 146097);
	unsigned	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096)
			    / 365;
	unsigned	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned	mp = (5 * doy + 2) / 153;
	unsigned	d = doy - (153 * mp + 2) / 5 + 1;
	unsigned	m = mp < 10 ? mp + 3 : mp - 9;
	int64_t		y = (int64_t)yoe + era * 400 + (m <= 2);

	uf_snprintf(buf, cap, "%04d-%02u-%02u", (int)y, (unsigned char)m,
	    (unsigned char)d);
}

/*
 * 2026-11-01 in BearSSL's day count: no clock that is right can be
 * earlier than the day this version was written. Routers without a
 * battery-backed clock boot in 1970, and every certificate then looks
 * "not yet valid"; saying so beats a puzzling certificate error.
 */
#define UF_CLOCK_FLOOR	740286u

static enum uf_err
expired(struct uf_tls *t)
{
	struct vx		*x = &t->x;
	br_x509_decoder_context	dc;
	struct uf_cert		c;
	char			when[24], clock[24], who[96];
	time_t			now = time(NULL);
	uint32_t		days = (uint32_t)(now / 86400 + 719528);
	uint32_t		secs = (uint32_t)(now % 86400);
	size_t			i;

	format_day(clock, sizeof clock, days);
	for (i = 0; i < x->ncert; i++) {
		br_x509_decoder_init(&dc, NULL, NULL);
		br_x509_decoder_push(&dc, x->chain + x->off[i], x->clen[i]);
		if (chain_cert(x, i, &c) != 0) {
			continue;
		}
		name_of(c.subject, who, sizeof who);
		if (days < dc.notbefore_days || (days == dc.notbefore_days
		    && secs < dc.notbefore_seconds)) {
			format_day(when, sizeof when, dc.notbefore_days);
			if (days < UF_CLOCK_FLOOR) {
				return uf_fail(UF_E_CERT, "the system clock "
				    "looks wrong (%s, before this ufetch was "
				    "made): certificate '%s' is not yet valid "
				    "(notBefore %s); set the clock (NTP, date) "
				    "and try again", clock, who, when);
			}
			return uf_fail(UF_E_CERT, "%s certificate '%s' is not "
			    "yet valid (notBefore %s, clock %s; is the clock "
			    "right?)", i == 0 ? "server" : "chain", who, when,
			    clock);
		}
		if (days > dc.notafter_days || (days == dc.notafter_days
		    && secs > dc.notafter_seconds)) {
			format_day(when, sizeof when, dc.notafter_days);
			return uf_fail(UF_E_CERT, "%s certificate '%s' has "
			    "expired (notAfter %s, clock %s)",
			    i == 0 ? "server" : "chain", who, when, clock);
		}
	}
	return uf_fail(UF_E_CERT, "certificate expired or not yet valid "
	    "(clock %s)", clock);
}

static enum uf_err
untrusted(struct uf_tls *t)
{
	struct vx	*x = &t->x;
	struct uf_cert	top;
	char		who[96];
	int		self;

	if (chain_cert(x, x->ncert - 1, &top) != 0) {
		return uf_fail(UF_E_CERT, "certificate is not trusted");
	}
	self = top.issuer.len == top.subject.len
	    && memcmp(top.issuer.p, top.subject.p, top.issuer.len) == 0;
	if (self && x->ncert == 1) {
		name_of(top.subject, who, sizeof who);
		return uf_fail(UF_E_CERT, "self-signed certificate '%s' is "
		    "not trusted", who);
	}
	if (self) {
		name_of(top.subject, who, sizeof who);
		return uf_fail(UF_E_CERT, "certificate chain ends at '%s', a "
		    "CA that is not trusted (unknown CA)", who);
	}
	name_of(top.issuer, who, sizeof who);
	if (x->ncert == 1) {
		return uf_fail(UF_E_CERT, "the server sent no intermediate "
		    "certificate, and its certificate's issuer '%s' is not a "
		    "trusted CA (missing intermediate certificate)", who);
	}
	return uf_fail(UF_E_CERT, "certificate issuer '%s' is not a trusted "
	    "CA (unknown CA, or a missing intermediate certificate)", who);
}

static enum uf_err
wrong_name(struct uf_tls *t)
{
	struct uf_cert	c;
	struct uf_der	dns;
	char		names[160], one[64], host[INET6_ADDRSTRLEN + 16];
	size_t		i, len = 0;

	names[0] = '\0';
	if (chain_cert(&t->x, 0, &c) == 0) {
		for (i = 0; i < 3 && uf_der_san_dns(&c, i, &dns) == 0; i++) {
			uf_sanitize(one, sizeof one, (const char *)dns.p,
			    dns.len);
			len += (size_t)uf_snprintf(names + len, sizeof names - len,
			    "%s%s", i > 0 ? ", " : "", one);
			if (len >= sizeof names) {
				break;
			}
		}
		if (i == 0) {
			name_of(c.subject, names, sizeof names);
		}
	}
	if (t->iplen > 0) {
		uf_ntop(t->iplen == 4 ? AF_INET : AF_INET6, t->ip, host,
		    sizeof host);
		return uf_fail(UF_E_CERT, "certificate is not valid for the IP "
		    "address %s (it names %s)", host, names);
	}
	return uf_fail(UF_E_CERT, "certificate is not valid for %s (it names "
	    "%s)", t->name, names);
}

static const char *const ssl_errors[] = {
	"ok", "bad parameter", "bad state", "unsupported version",
	"bad version", "bad length", "record too large", "bad record MAC",
	"no random source", "unknown record type", "unexpected message",
	"11", "bad ChangeCipherSpec", "bad alert", "bad handshake message",
	"oversized session ID", "bad cipher suite", "bad compression",
	"bad fragment length", "bad secure renegotiation", "extra extension",
	"bad SNI", "bad ServerHelloDone", "limit exceeded", "bad Finished",
	"session resumption mismatch", "invalid algorithm",
	"bad signature", "wrong key usage", "no client authentication",
	"30", "I/O error",
};

/* Map BearSSL's last error to the contract's codes and messages. */
static enum uf_err
tls_error(struct uf_tls *t, int err)
{
	int	alert;

	if (t->x.why == WHY_STORE) {
		/* trust.c has already recorded why, with its own code. */
		return uf_err_code() != UF_OK ? uf_err_code()
		    : uf_fail(UF_E_CERT, "cannot read the CA certificates");
	}
	if (err >= BR_ERR_SEND_FATAL_ALERT) {
		return uf_fail(UF_E_TLS, "TLS failed: sent alert %d",
		    err - BR_ERR_SEND_FATAL_ALERT);
	}
	if (err >= BR_ERR_RECV_FATAL_ALERT) {
		alert = err - BR_ERR_RECV_FATAL_ALERT;
		switch (alert) {
		case BR_ALERT_PROTOCOL_VERSION:
			return uf_fail(UF_E_TLS, "the server requires TLS 1.3 "
			    "(or another version ufetch does not speak); "
			    "ufetch's TLS (BearSSL) stops at TLS 1.2");
		case BR_ALERT_HANDSHAKE_FAILURE:
		case BR_ALERT_INSUFFICIENT_SECURITY:
			return uf_fail(UF_E_TLS, "TLS handshake failed: no "
			    "cipher suite, curve or signature algorithm in "
			    "common with the server (alert %d)", alert);
		case 112:
			return uf_fail(UF_E_TLS, "the server does not know the "
			    "name %s (unrecognized_name alert)", t->name);
		case BR_ALERT_BAD_CERTIFICATE:
		case 116:
			return uf_fail(UF_E_TLS, "the server requires a client "
			    "certificate (alert %d)", alert);
		}
		return uf_fail(UF_E_TLS, "the server ended the TLS session "
		    "with alert %d", alert);
	}
	switch (err) {
	case BR_ERR_X509_EXPIRED:
		return expired(t);
	case BR_ERR_X509_NOT_TRUSTED:
		return untrusted(t);
	case BR_ERR_X509_BAD_SERVER_NAME:
		return wrong_name(t);
	case BR_ERR_X509_LIMIT_EXCEEDED:
		if (t->x.why == WHY_CHAIN_BIG) {
			return uf_fail(UF_E_CERT, "certificate chain longer "
			    "than %d bytes or %d certificates", UF_CHAIN_MAX,
			    UF_CHAIN_CERTS);
		}
		break;
	case BR_ERR_X509_CRITICAL_EXTENSION:
	case BR_ERR_X509_UNSUPPORTED:
		return uf_fail(UF_E_CERT, "the certificate chain uses something "
		    "BearSSL does not support (such as a SHA-1 signature or "
		    "name constraints)");
	case BR_ERR_X509_NOT_CA:
		return uf_fail(UF_E_CERT, "a certificate in the chain signs "
		    "others but is not a CA");
	case BR_ERR_X509_DN_MISMATCH:
		return uf_fail(UF_E_CERT, "the server sent a malformed or "
		    "misordered certificate chain");
	case BR_ERR_X509_BAD_SIGNATURE:
		return uf_fail(UF_E_CERT, "bad signature in the certificate "
		    "chain");
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		return uf_fail(UF_E_CERT, "the certificate's key is too weak");
	case BR_ERR_UNSUPPORTED_VERSION:
		return uf_fail(UF_E_TLS, "the server does not speak TLS 1.2");
	}
	if (err >= 32 && err < 64) {
		return uf_fail(UF_E_CERT, "certificate rejected (BearSSL X.509 "
		    "error %d)", err);
	}
	if (err >= 0 && (size_t)err < sizeof ssl_errors
	    / sizeof ssl_errors[0]) {
		return uf_fail(UF_E_TLS, "TLS error: %s", ssl_errors[err]);
	}
	return uf_fail(UF_E_TLS, "TLS error %d", err);
}

/*
 * The engine loop.
 */

/*
 * recv() for the engine. BearSSL asks for a record's 5-byte header,
 * then for exactly its body: two system calls per 16 KiB record, half
 * of them for 5 bytes. Reading the body together with whatever of the
 * next header has arrived (into t->ahead) makes it one; the header is
 * then handed over from t->ahead without a system call.
 */
static ssize_t
tls_recv(struct uf_tls *t, unsigned char *buf, size_t len)
{
	struct iovec	iov[2];
	ssize_t		n;
	size_t		k;

	if (t->ahead_len > 0) {
		k = len < t->ahead_len ? len : t->ahead_len;
		memcpy(buf, t->ahead + t->ahead_off, k);
		t->ahead_off += k;
		t->ahead_len -= k;
		return (ssize_t)k;
	}
	iov[0].iov_base = buf;
	iov[0].iov_len = len;
	iov[1].iov_base = t->ahead;
	iov[1].iov_len = sizeof t->ahead;
	n = readv(t->sock->fd, iov, 2);
	if (n > (ssize_t)len) {
		t->ahead_off = 0;
		t->ahead_len = (size_t)n - len;
		n = (ssize_t)len;
	}
	return n;
}

/*
 * Drive the engine until its state has a bit of want, or the stream
 * ends (then t->eof or t->clean is set and UF_OK returned). dl is the
 * deadline for the whole call; with idle set it starts again whenever
 * bytes arrive, so that a record dribbled in slowly is never timed out
 * while it keeps coming (CONTRACT 4: receiving is idle time).
 */
static enum uf_err
run(struct uf_tls *t, unsigned want, uint64_t dl, int idle, const char *what)
{
	br_ssl_engine_context	*eng = &t->cc.eng;
	unsigned char		*buf;
	unsigned		st;
	size_t			len;
	ssize_t			n;
	enum uf_err		err;

	for (;;) {
		st = br_ssl_engine_current_state(eng);
		if (st & BR_SSL_CLOSED) {
			if (br_ssl_engine_last_error(eng) != BR_ERR_OK) {
				return tls_error(t,
				    br_ssl_engine_last_error(eng));
			}
			if (!t->shaken) {
				return uf_fail(UF_E_TLS, "the server closed the "
				    "TLS session during the handshake");
			}
			t->clean = 1;
			return UF_OK;
		}
		/* Records to send take precedence over everything. */
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(eng, &len);
			n = send(t->sock->fd, buf, len, MSG_NOSIGNAL);
			if (n > 0) {
				br_ssl_engine_sendrec_ack(eng, (size_t)n);
				continue;
			}
			if (n < 0 && errno == EINTR) {
				continue;
			}
			if (n < 0 && (errno == EAGAIN
			    || errno == EWOULDBLOCK)) {
				err = uf_net_await(t->sock->fd, POLLOUT,
				    t->sock->lim, dl, what);
				if (err != UF_OK) {
					return err;
				}
				continue;
			}
			return uf_fail(t->shaken ? UF_E_NET : UF_E_TLS,
			    "error %s: %s", what, strerror(errno));
		}
		if (st & want) {
			return UF_OK;
		}
		if (st & BR_SSL_RECVREC) {
			buf = br_ssl_engine_recvrec_buf(eng, &len);
			n = tls_recv(t, buf, len);
			if (n > 0) {
				br_ssl_engine_recvrec_ack(eng, (size_t)n);
				if (idle) {
					dl = uf_deadline(t->sock->lim);
				}
				continue;
			}
			if (n == 0) {
				if (!t->shaken) {
					return uf_fail(UF_E_TLS, "the server "
					    "closed the connection during the "
					    "TLS handshake");
				}
				t->eof = 1;
				return UF_OK;
			}
			if (errno == EINTR) {
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				err = uf_net_await(t->sock->fd, POLLIN,
				    t->sock->lim, dl, what);
				if (err != UF_OK) {
					return err;
				}
				continue;
			}
			return uf_fail(t->shaken ? UF_E_NET : UF_E_TLS,
			    "error %s: %s", what, strerror(errno));
		}
		/* A half-duplex buffer must be emptied to receive. */
		br_ssl_engine_flush(eng, 0);
		if (br_ssl_engine_current_state(eng) == st) {
			return uf_fail(UF_E_INTERNAL, "TLS engine stalled "
			    "(state %u)", st);
		}
	}
}

static enum uf_err
tls_write(const struct uf_io_class **ctx, const void *buf, size_t len,
    const char *what)
{
	struct uf_tls		*t = (struct uf_tls *)(void *)ctx;
	br_ssl_engine_context	*eng = &t->cc.eng;
	const unsigned char	*p = buf;
	unsigned char		*d;
	uint64_t		dl = uf_deadline(t->sock->lim);
	size_t			room;
	enum uf_err		err;

	for (;;) {
		err = run(t, BR_SSL_SENDAPP, dl, 0, what);
		if (err != UF_OK) {
			return err;
		}
		if (t->eof || t->clean) {
			return uf_fail(UF_E_NET, "connection closed while %s",
			    what);
		}
		if (len == 0) {
			return UF_OK;
		}
		d = br_ssl_engine_sendapp_buf(eng, &room);
		if (room > len) {
			room = len;
		}
		memcpy(d, p, room);
		br_ssl_engine_sendapp_ack(eng, room);
		p += room;
		len -= room;
		if (len == 0) {
			/* The next run() sends the records out. */
			br_ssl_engine_flush(eng, 0);
		}
	}
}

static enum uf_err
tls_recv_buf(const struct uf_io_class **ctx, const unsigned char **buf,
    size_t *len, const char *what)
{
	struct uf_tls	*t = (struct uf_tls *)(void *)ctx;
	enum uf_err	err;

	*len = 0;
	*buf = NULL;
	if (!t->eof && !t->clean) {
		err = run(t, BR_SSL_RECVAPP, uf_deadline(t->sock->lim), 1,
		    what);
		if (err != UF_OK) {
			return err;
		}
	}
	if (t->eof || t->clean) {
		return UF_OK;
	}
	*buf = br_ssl_engine_recvapp_buf(&t->cc.eng, len);
	return UF_OK;
}

static void
tls_recv_ack(const struct uf_io_class **ctx, size_t n)
{
	struct uf_tls	*t = (struct uf_tls *)(void *)ctx;

	if (n > 0) {
		br_ssl_engine_recvapp_ack(&t->cc.eng, n);
	}
}

static const struct uf_io_class	tls_class = {
	tls_write, tls_recv_buf, tls_recv_ack
};

/* 32 bytes from the kernel; /dev/urandom where getrandom is missing. */
static int
seed(unsigned char *buf, size_t len)
{
	ssize_t	n;
	int	fd;

	if (getrandom(buf, len, 0) == (ssize_t)len) {
		return 0;
	}
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	n = read(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* The name to send and check, or the IP address to check. */
static enum uf_err
target(struct uf_tls *t, const struct uf_url *u)
{
	char	addr[64];
	size_t	len;

	if (u->host_kind == UF_HOST_NAME) {
		len = strlen(u->host);
		/* "example.com." is example.com to a certificate. */
		while (len > 0 && u->host[len - 1] == '.') {
			len--;
		}
		if (len == 0 || len >= sizeof t->name) {
			return uf_fail(UF_E_USAGE, "host name too long for TLS");
		}
		memcpy(t->name, u->host, len);
		t->name[len] = '\0';
		return UF_OK;
	}
	len = strcspn(u->host, "%");
	if (len >= sizeof addr) {
		return uf_fail(UF_E_USAGE, "bad IP address");
	}
	memcpy(addr, u->host, len);
	addr[len] = '\0';
	uf_snprintf(t->name, sizeof t->name, "%s", addr);
	t->iplen = u->host_kind == UF_HOST_IPV4 ? 4 : 16;
	if (inet_pton(t->iplen == 4 ? AF_INET : AF_INET6, addr, t->ip) != 1) {
		return uf_fail(UF_E_USAGE, "bad IP address");
	}
	return UF_OK;
}

/*
 * Sessions to resume, per host and port: a few, replaced in turn. A
 * session is 86 bytes; a resumed handshake skips the key exchange and
 * the certificate checks (done when the session was made).
 */
#define SESSIONS	4

static struct {
	char				name[256];
	unsigned			port;
	br_ssl_session_parameters	sp;
} sessions[SESSIONS];
static unsigned	next_session;

static br_ssl_session_parameters *
find_session(const struct uf_tls *t, unsigned port)
{
	size_t	i;

	for (i = 0; i < SESSIONS; i++) {
		if (sessions[i].port == port
		    && strcmp(sessions[i].name, t->name) == 0) {
			return &sessions[i].sp;
		}
	}
	return NULL;
}

static void
keep_session(const struct uf_tls *t, unsigned port,
    const br_ssl_session_parameters *sp)
{
	br_ssl_session_parameters	*old;
	size_t				i;

	if (sp->session_id_len == 0) {
		return;
	}
	old = find_session(t, port);
	if (old == NULL) {
		i = next_session++ % SESSIONS;
		uf_snprintf(sessions[i].name, sizeof sessions[i].name, "%s",
		    t->name);
		sessions[i].port = port;
		old = &sessions[i].sp;
	}
	*old = *sp;
}

/* see tls.h */
int
uf_tls_pending(const struct uf_tls *t)
{
	return (br_ssl_engine_current_state(&t->cc.eng) & BR_SSL_RECVAPP)
	    != 0 || t->ahead_len > 0;
}

/* see tls.h */
enum uf_err
uf_tls_open(struct uf_arena *ca, struct uf_arena *a, struct uf_sock *s,
    const struct uf_url *u, const struct uf_tls_opts *o, struct uf_tls **tp)
{
	struct uf_tls		*t;
	br_ssl_engine_context	*eng;
	br_ssl_session_parameters sp, *old;
	unsigned char		*iobuf, rnd[32];
	size_t			iolen, chain_mark;
	br_ghash		gh;
	enum uf_err		err;

	/* Sending a body while the server may answer needs both halves. */
	iolen = o->bidi ? BR_SSL_BUFSIZE_BIDI : BR_SSL_BUFSIZE_MONO;
	t = uf_arena_zalloc(ca, sizeof *t);
	iobuf = uf_arena_alloc(ca, iolen);
	if (t == NULL || iobuf == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory for TLS");
	}
	/*
	 * The chain copy, and the anchors and scratch that checking it
	 * takes, are needed during the handshake only: we give that space
	 * back once it is done. Even -k keeps the chain, for the key.
	 */
	chain_mark = uf_arena_mark(a);
	t->x.chain = uf_arena_alloc(a, UF_CHAIN_MAX);
	if (t->x.chain == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory for TLS");
	}
	t->vtable = &tls_class;
	t->sock = s;
	t->a = a;
	t->o = o;
	t->x.vtable = &vx_class;
	t->x.t = t;
	err = target(t, u);
	if (err != UF_OK) {
		return err;
	}

	eng = &t->cc.eng;
	br_ssl_client_zero(&t->cc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	if (aes_first()) {
		br_ssl_engine_set_suites(eng, suites_aes,
		    sizeof suites_aes / sizeof suites_aes[0]);
	} else {
		br_ssl_engine_set_suites(eng, suites_chacha,
		    sizeof suites_chacha / sizeof suites_chacha[0]);
	}
	br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(eng, br_sha512_ID, &br_sha512_vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_rsavrfy(eng);
	br_ssl_engine_set_default_ecdsa(eng);
	br_ssl_engine_set_default_aes_gcm(eng);
	if ((gh = uf_ghash_get()) != 0) {
		br_ssl_engine_set_ghash(eng, gh);
	}
#if defined(__x86_64__)
	/*
	 * SSE2 and 64-bit multiplies are always there: the portable
	 * ChaCha20 and Poly1305 that set_default_chapol would also link
	 * could never run (2.2 KB of the static binary).
	 */
	br_ssl_engine_set_chapol(eng, &br_sslrec_in_chapol_vtable,
	    &br_sslrec_out_chapol_vtable);
	br_ssl_engine_set_chacha20(eng, &br_chacha20_sse2_run);
	br_ssl_engine_set_poly1305(eng, &br_poly1305_ctmulq_run);
#else
	br_ssl_engine_set_default_chapol(eng);
#endif
	br_ssl_engine_set_x509(eng, &t->x.vtable);
	br_ssl_engine_set_buffer(eng, iobuf, iolen, o->bidi);
	/* BearSSL 0.6 trusts RDRAND alone where it exists; add ours. */
	if (seed(rnd, sizeof rnd) != 0) {
		return uf_fail(UF_E_INTERNAL, "no random source (getrandom, "
		    "/dev/urandom)");
	}
	br_ssl_engine_inject_entropy(eng, rnd, sizeof rnd);
	old = find_session(t, u->port);
	if (old != NULL) {
		br_ssl_engine_set_session_parameters(eng, old);
	}
	/* No SNI and no BearSSL name check for an IP address. */
	if (!br_ssl_client_reset(&t->cc, t->iplen > 0 ? NULL : t->name,
	    old != NULL)) {
		return tls_error(t, br_ssl_engine_last_error(eng));
	}
	uf_note("TLS handshake with %s", t->name);
	err = run(t, BR_SSL_SENDAPP, uf_deadline(s->lim), 0,
	    "during the TLS handshake");
	if (err != UF_OK) {
		return err;
	}
	if (t->eof || t->clean) {
		return uf_fail(UF_E_TLS, "the server closed the connection "
		    "during the TLS handshake");
	}
	t->shaken = 1;
	uf_note("arena: %zu bytes at the peak of the handshake", a->peak);
	uf_arena_reset(a, chain_mark);
	t->x.chain = NULL;
	br_ssl_engine_get_session_parameters(eng, &sp);
	uf_note("TLS 1.2, cipher suite 0x%04x%s%s", sp.cipher_suite,
	    old != NULL && old->session_id_len == sp.session_id_len
	    && memcmp(old->session_id, sp.session_id, sp.session_id_len) == 0
	    ? ", session resumed" : "",
	    o->insecure ? ", certificate NOT checked (-k)" : "");
	keep_session(t, u->port, &sp);
	*tp = t;
	return UF_OK;
}

/* see tls.h */
const struct uf_io_class **
uf_tls_io(struct uf_tls *t)
{
	return &t->vtable;
}

/* see tls.h */
int
uf_tls_closed_cleanly(const struct uf_tls *t)
{
	return t->clean;
}
