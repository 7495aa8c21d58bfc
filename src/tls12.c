/*
 * tls12.c: TLS 1.2 with BearSSL's client engine, as a transport (see
 * tls_inner.h).
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
 * Renegotiation is refused (BR_OPT_NO_RENEGOTIATION: the engine
 * answers a HelloRequest with a no_renegotiation warning and goes on),
 * and the X.509 context takes no chain after the handshake: a second
 * handshake could only hand it a chain it has no buffer for. A server
 * may take the refusal as fatal (BearSSL's does, and closes; OpenSSL's
 * sends handshake_failure): 'reneg' remembers that it asked, so that
 * the message says why the session ended instead of blaming the
 * response or the cipher suites.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <string.h>

#include <bearssl.h>

#include "aead.h"
#include "ghash.h"
#include "tls_inner.h"
#include "tlscache.h"

struct tls12 {
	const struct uf_io_class	*vtable;
	br_ssl_client_context		cc;
	struct uf_x509			x;
	struct uf_sock			*sock;
	const struct uf_tls_peer	*peer;
	int				shaken;		/* handshake done */
	int				reneg;		/* it asked for another */
	int				eof;
	int				clean;
	unsigned char			ahead[5];	/* see tls_recv() */
	size_t				ahead_off;
	size_t				ahead_len;
};

/* BearSSL's engine errors (bearssl_ssl.h), as words for a message. */
static const struct {
	int		err;
	const char	*what;
} engine_errors[] = {
	{ BR_ERR_BAD_PARAM,		"bad parameter" },
	{ BR_ERR_BAD_STATE,		"bad state" },
	{ BR_ERR_UNSUPPORTED_VERSION,	"unsupported version" },
	{ BR_ERR_BAD_VERSION,		"bad version" },
	{ BR_ERR_BAD_LENGTH,		"bad record length" },
	{ BR_ERR_TOO_LARGE,		"record too large" },
	{ BR_ERR_BAD_MAC,		"bad record MAC" },
	{ BR_ERR_NO_RANDOM,		"no random source" },
	{ BR_ERR_UNKNOWN_TYPE,		"unknown record type" },
	{ BR_ERR_UNEXPECTED,		"unexpected message" },
	{ BR_ERR_BAD_CCS,		"bad ChangeCipherSpec" },
	{ BR_ERR_BAD_ALERT,		"bad alert" },
	{ BR_ERR_BAD_HANDSHAKE,		"bad handshake message" },
	{ BR_ERR_OVERSIZED_ID,		"oversized session ID" },
	{ BR_ERR_BAD_CIPHER_SUITE,	"bad cipher suite" },
	{ BR_ERR_BAD_COMPRESSION,	"bad compression" },
	{ BR_ERR_BAD_FRAGLEN,		"bad fragment length" },
	{ BR_ERR_BAD_SECRENEG,		"bad secure renegotiation" },
	{ BR_ERR_EXTRA_EXTENSION,	"extra extension" },
	{ BR_ERR_BAD_SNI,		"bad SNI" },
	{ BR_ERR_BAD_HELLO_DONE,	"bad ServerHelloDone" },
	{ BR_ERR_LIMIT_EXCEEDED,	"limit exceeded" },
	{ BR_ERR_BAD_FINISHED,		"bad Finished" },
	{ BR_ERR_RESUME_MISMATCH,	"session resumption mismatch" },
	{ BR_ERR_INVALID_ALGORITHM,	"invalid algorithm" },
	{ BR_ERR_BAD_SIGNATURE,		"bad signature" },
	{ BR_ERR_WRONG_KEY_USAGE,	"wrong key usage" },
	{ BR_ERR_NO_CLIENT_AUTH,	"no client authentication" },
	{ BR_ERR_IO,			"I/O error" },
};

/* TLS record content type (RFC 5246 6.2.1) BearSSL keeps private. */
#define UF_REC_HANDSHAKE	22

/*
 * We offered TLS 1.3 on an earlier connection and this server did not
 * take it: if it is a TLS 1.3 server after all, someone in between
 * made it look otherwise (RFC 8446 4.1.3). BearSSL's engine has no
 * hook at the ServerHello, so the sentinel is looked for when the
 * handshake ends, well or not, before anything else it found (a
 * certificate an attacker could not get trusted, say): only handshake
 * messages have been sent by then.
 */
static int
downgraded(struct tls12 *t)
{
	return !t->shaken && uf_tls13_downgraded(t->cc.eng.server_random);
}

/* Map BearSSL's last error to the contract's codes and messages. */
static enum uf_err
tls_error(struct tls12 *t, int err)
{
	size_t	i;

	if (downgraded(t)) {
		return uf_tls_downgrade_fail(t->peer, "1.2");
	}
	if (err >= BR_ERR_SEND_FATAL_ALERT) {
		return uf_fail(UF_E_TLS, "TLS failed: sent alert %d",
		    err - BR_ERR_SEND_FATAL_ALERT);
	}
	if (err >= BR_ERR_RECV_FATAL_ALERT && t->reneg) {
		return uf_fail(UF_E_TLS, "the server ended the TLS session "
		    "with alert %d when ufetch refused to renegotiate",
		    err - BR_ERR_RECV_FATAL_ALERT);
	}
	if (err >= BR_ERR_RECV_FATAL_ALERT) {
		return uf_tls_alert_fail(t->peer,
		    (unsigned)(err - BR_ERR_RECV_FATAL_ALERT));
	}
	if (uf_x509_is_cert_error(err)) {
		return uf_x509_fail(&t->x, err);
	}
	if (err == BR_ERR_UNSUPPORTED_VERSION && !t->shaken) {
		return uf_fail(UF_E_TLS, "the server does not speak TLS 1.2");
	}
	if (t->shaken && (err == BR_ERR_UNSUPPORTED_VERSION
	    || err == BR_ERR_BAD_VERSION || err == BR_ERR_BAD_LENGTH
	    || err == BR_ERR_TOO_LARGE || err == BR_ERR_BAD_MAC
	    || err == BR_ERR_UNKNOWN_TYPE)) {
		return uf_fail(UF_E_TLS, "bad TLS record from the server (%s)",
		    err == BR_ERR_BAD_MAC ? "it does not authenticate"
		    : "malformed");
	}
	for (i = 0; i < sizeof engine_errors / sizeof engine_errors[0]; i++) {
		if (engine_errors[i].err == err) {
			return uf_fail(UF_E_TLS, "TLS error: %s",
			    engine_errors[i].what);
		}
	}
	return uf_fail(UF_E_TLS, "TLS error %d", err);
}

/*
 * recv() for the engine. BearSSL asks for a record's 5-byte header,
 * then for exactly its body: two system calls per 16 KiB record, half
 * of them for 5 bytes. Reading the body together with whatever of the
 * next header has arrived (into t->ahead) makes it one; the header is
 * then handed over from t->ahead without a system call.
 */
static ssize_t
tls_recv(struct tls12 *t, unsigned char *buf, size_t len)
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
run(struct tls12 *t, unsigned want, uint64_t dl, int idle, const char *what)
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
				/*
				 * After the handshake a server's handshake
				 * record can only be a HelloRequest, which
				 * the engine refuses.
				 */
				if (t->shaken && !t->reneg
				    && eng->record_type_in
				    == UF_REC_HANDSHAKE) {
					t->reneg = 1;
					uf_note("the server asks to "
					    "renegotiate: refused");
				}
				continue;
			}
			if (n == 0) {
				if (!t->shaken) {
					return uf_fail(UF_E_TLS, "the server "
					    "closed the connection during the "
					    "TLS handshake");
				}
				if (t->reneg) {
					return uf_fail(UF_E_TLS, "the server "
					    "closed the connection when ufetch "
					    "refused to renegotiate");
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

static struct tls12 *
of(const struct uf_io_class *const *ctx)
{
	return (struct tls12 *)(void *)ctx;
}

static enum uf_err
tls_write(const struct uf_io_class **ctx, const void *buf, size_t len,
    const char *what)
{
	struct tls12		*t = of(ctx);
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
	struct tls12	*t = of(ctx);
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
	struct tls12	*t = of(ctx);

	if (n > 0) {
		br_ssl_engine_recvapp_ack(&t->cc.eng, n);
	}
}

static int
tls_pending(const struct uf_io_class *const *ctx)
{
	struct tls12	*t = of(ctx);

	return (br_ssl_engine_current_state(&t->cc.eng) & BR_SSL_RECVAPP)
	    != 0 || t->ahead_len > 0;
}

static int
tls_ended(const struct uf_io_class *const *ctx)
{
	struct tls12	*t = of(ctx);

	return t->clean ? UF_IO_CLEAN : t->eof ? UF_IO_CUT : UF_IO_OPEN;
}

static int
tls_splice_fd(const struct uf_io_class *const *ctx)
{
	(void)ctx;
	return -1;
}

/* close_notify, if the engine can still send it, without waiting. */
static void
tls_close(const struct uf_io_class **ctx)
{
	struct tls12		*t = of(ctx);
	br_ssl_engine_context	*eng = &t->cc.eng;
	unsigned char		*buf;
	size_t			len;
	ssize_t			n;

	if (br_ssl_engine_current_state(eng) & BR_SSL_CLOSED) {
		return;
	}
	br_ssl_engine_close(eng);
	while ((buf = br_ssl_engine_sendrec_buf(eng, &len)) != NULL
	    && (n = send(t->sock->fd, buf, len, MSG_NOSIGNAL
	    | MSG_DONTWAIT)) > 0) {
		br_ssl_engine_sendrec_ack(eng, (size_t)n);
	}
}

static const struct uf_io_class	tls_class = {
	tls_write, tls_recv_buf, tls_recv_ack, tls_pending, tls_ended,
	tls_splice_fd, tls_close
};

/* BearSSL's engine as we use it: suites, hashes, AEADs, no renegotiation. */
static void
setup(br_ssl_engine_context *eng)
{
	const uint16_t	*suites;
	size_t		n;

	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	n = uf_tls_suites(0, &suites);
	br_ssl_engine_set_suites(eng, suites, n);
	br_ssl_engine_add_flags(eng, BR_OPT_NO_RENEGOTIATION);
	br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(eng, br_sha512_ID, &br_sha512_vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_rsavrfy(eng, &br_rsa_i31_pkcs1_vrfy);
	br_ssl_engine_set_default_ecdsa(eng);
#if defined(__x86_64__)
	/*
	 * AES-GCM with AES-NI and our GHASH only; a CPU without them gets
	 * no AES suite offered (aead.h), and no software AES is linked.
	 */
	if (uf_aead_aes() == UF_AES_FAST) {
		br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable,
		    &br_sslrec_out_gcm_vtable);
		br_ssl_engine_set_aes_ctr(eng, br_aes_x86ni_ctr_get_vtable());
		br_ssl_engine_set_ghash(eng, uf_ghash_get());
	}
	/*
	 * SSE2 is always there: the portable ChaCha20 that
	 * set_default_chapol would also link could never run. Poly1305 is
	 * ctmul, not ctmulq: as fast here (ChaCha20 is most of the cost)
	 * and 2.1 KB smaller; both are constant-time.
	 */
	br_ssl_engine_set_chapol(eng, &br_sslrec_in_chapol_vtable,
	    &br_sslrec_out_chapol_vtable);
	br_ssl_engine_set_chacha20(eng, &br_chacha20_sse2_run);
	br_ssl_engine_set_poly1305(eng, &br_poly1305_ctmul_run);
#else
	br_ssl_engine_set_default_aes_gcm(eng);
	if (uf_ghash_get() != 0) {
		br_ssl_engine_set_ghash(eng, uf_ghash_get());
	}
	br_ssl_engine_set_default_chapol(eng);
#endif
}

/* see tls_inner.h */
enum uf_err
uf_tls12_open(struct uf_arena *ca, struct uf_arena *a, struct uf_sock *s,
    const struct uf_tls_peer *p, const struct uf_tls_opts *o,
    const struct uf_io_class ***io)
{
	struct tls12		*t;
	br_ssl_engine_context	*eng;
	br_ssl_session_parameters sp;
	const br_ssl_session_parameters *old;
	unsigned char		*iobuf, rnd[32];
	size_t			iolen, mark;
	enum uf_err		err;

	/* Sending a body while the server may answer needs both halves. */
	iolen = o->bidi ? BR_SSL_BUFSIZE_BIDI : BR_SSL_BUFSIZE_MONO;
	t = uf_arena_zalloc(ca, sizeof *t);
	iobuf = uf_arena_alloc(ca, iolen);
	if (t == NULL || iobuf == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory for TLS");
	}
	t->vtable = &tls_class;
	t->sock = s;
	t->peer = p;
	uf_x509_init(&t->x, &p->x, o->trust, o->insecure);
	/*
	 * The chain copy, and the anchors and scratch that checking it
	 * takes, are needed during the handshake only: we give that space
	 * back once it is done. Even -k keeps the chain, for the key.
	 */
	mark = uf_arena_mark(a);
	err = uf_x509_begin(&t->x, a);
	if (err != UF_OK) {
		return err;
	}

	eng = &t->cc.eng;
	br_ssl_client_zero(&t->cc);
	setup(eng);
	br_ssl_engine_set_x509(eng, uf_x509_class(&t->x));
	br_ssl_engine_set_buffer(eng, iobuf, iolen, o->bidi);
	/* BearSSL 0.6 trusts RDRAND alone where it exists; add ours. */
	if (uf_tls_seed(rnd, sizeof rnd) != 0) {
		return uf_fail(UF_E_INTERNAL, "no random source (getrandom, "
		    "/dev/urandom)");
	}
	br_ssl_engine_inject_entropy(eng, rnd, sizeof rnd);
	old = uf_tlscache_session(p->name, p->port);
	if (old != NULL) {
		br_ssl_engine_set_session_parameters(eng, old);
	}
	/* No SNI for an IP address (the X.509 context checks it). */
	if (!br_ssl_client_reset(&t->cc, p->iplen > 0 ? NULL : p->name,
	    old != NULL)) {
		return tls_error(t, br_ssl_engine_last_error(eng));
	}
	uf_note("TLS handshake with %s", p->name);
	/* No ServerHello yet: no sentinel (the context is reused). */
	memset(eng->server_random, 0, sizeof eng->server_random);
	err = run(t, BR_SSL_SENDAPP, uf_deadline(s->lim), 0,
	    "during the TLS handshake");
	if (err == UF_OK && downgraded(t)) {
		return uf_tls_downgrade_fail(t->peer, "1.2");
	}
	if (err == UF_OK && (t->eof || t->clean)) {
		err = uf_fail(UF_E_TLS, "the server closed the connection "
		    "during the TLS handshake");
	}
	if (err != UF_OK) {
		return err;
	}
	t->shaken = 1;
	uf_note("arena: %zu bytes at the peak of the handshake", a->peak);
	uf_x509_end(&t->x);
	uf_arena_reset(a, mark);
	br_ssl_engine_get_session_parameters(eng, &sp);
	uf_note("TLS 1.2, cipher suite 0x%04x%s%s", sp.cipher_suite,
	    old != NULL && old->session_id_len == sp.session_id_len
	    && memcmp(old->session_id, sp.session_id, sp.session_id_len) == 0
	    ? ", session resumed" : "",
	    o->insecure ? ", certificate NOT checked (-k)" : "");
	uf_tlscache_keep_session(p->name, p->port, &sp);
	*io = &t->vtable;
	return UF_OK;
}
