/*
 * fuzz_tls13rec.c: the TLS 1.3 record layer (src/tls13rec.c) and the
 * reading side of our TLS 1.3 transport (src/tls13.c: recv_buf,
 * post-handshake messages, KeyUpdate, NewSessionTicket, alerts) over a
 * stream of records the input describes (fuzz_tls13rec.h).
 *
 * The harness plays the server. It knows the traffic secrets (RFC
 * 8448's for the SHA-256 suites, fixed ones for SHA-384), so it seals
 * the records the input asks for with the server's write key, and the
 * client gets past the tag into unpadding, content types, handshake
 * reassembly and what follows; raw bytes and flipped bits reach the
 * header, length and tag checks. The stream goes through a socketpair,
 * written whole and shut down before the client reads, so the client
 * reads it with readv() as it reads a server (no wait: it ends in
 * EOF).
 *
 * The client is driven as uf_tls13_open() and fetch.c drive it: from
 * the ServerHello or from the handshake keys, messages are gathered
 * with uf_tls13_hs_next() (a ServerHello and a Finished must end their
 * record, then the keys change as in handshake() and finish()); after
 * the Finished, or from the start, the transport's recv_buf()/
 * recv_ack() read application data, and close() ends it. The
 * handshake's own checks (transcript, certificates, Finished MAC) are
 * not the record layer's and are skipped; fuzz_tls13 has the parsers.
 *
 * What MUST hold: every failure is recorded with a message; handshake
 * messages handed out are whole and lie in the buffer; the application
 * data handed out lies in the record buffer and is, byte for byte, a
 * prefix of the data the server sealed in its application records (a
 * record that was tampered with, or sent under a key the client does
 * not hold, never delivers anything). What the client sent back (a
 * request written when the transport is ready, KeyUpdate answers, one
 * alert at most, last) opens under the client's keys, which change
 * after each KeyUpdate it sent.
 *
 * FUZZREC_TRACE=1 in the environment prints how each run ended. To
 * reach the transport's static functions, this file includes
 * src/tls13.c; the Makefile links it without that file.
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tls13.c"

#include "fuzz_tls13rec.h"
#include "hex.h"
#include "rfc8448.h"

/* Bounds of one input's stream: it must fit the socket's buffer. */
#define WIRE_MAX	(64 * 1024)
#define RECORDS_MAX	128
#define RBUF_LEN	(UF_REC_HEADER + UF_REC_CIPHER_MAX)
#define SBUF_LEN	(UF_REC_HEADER + UF_REC_PLAIN_MAX + 1 + UF_AEAD_TAG)
/* A generous step timeout; the client never waits (the stream ends). */
#define STEP_NS		(5ull * 1000000000u)

/* The traffic secrets each way and phase, per hash length. */
enum {
	SEC_S_HS,
	SEC_C_HS,
	SEC_S_AP,
	SEC_C_AP,
	SEC_N
};

/* What the client is doing, which the server follows. */
enum {
	PH_HELLO,
	PH_HS,
	PH_APP
};

/* Exactly the sizes tls13.c allocates, so ASan sees any overflow. */
static unsigned char		rbuf[RBUF_LEN];
static unsigned char		sbuf[SBUF_LEN];
static unsigned char		hsbuf[UF_TLS13_HS_MAX];

static struct tls13		cl;	/* the client under test */
static struct tls13		sv;	/* the server's write side */
static struct tls13		cw;	/* the client's, to open what it
					   sent */
static struct uf_sock		sock;
static struct uf_tls_peer	peer = { .name = "fuzz.example",
				    .port = 443 };
static const struct uf_limits	lim = { STEP_NS, 0 };

static unsigned char		sec256[SEC_N][32];
static unsigned char		sec384[SEC_N][48];

/* The stream being built, and the handshake messages queued for it. */
static unsigned char		wire[WIRE_MAX];
static size_t			wlen, nrec;
static unsigned char		hsq[WIRE_MAX];
static size_t			hsq_len;
static int			sv_phase;

/* What the client writes once the transport is ready. */
static const char		request[] = "GET / HTTP/1.1\r\n"
				    "Host: fuzz.example\r\n\r\n";
/* The KeyUpdate it answers with: update_not_requested. */
static const unsigned char	ku_answer[] = { UF_HS_KEY_UPDATE, 0, 0, 1,
				    0 };
static int			wrote;

/* What the client sent, read back. */
static unsigned char		back[WIRE_MAX];

/* The application data sealed, in order, and how much was read. */
static unsigned char		sealed[WIRE_MAX];
static size_t			sealed_len, got;

/* The input, read field by field. */
struct in {
	const uint8_t	*p;
	size_t		n;
};

static unsigned
take(struct in *in, size_t bytes)
{
	unsigned	v = 0;

	while (bytes-- > 0) {
		v <<= 8;
		if (in->n > 0) {
			v |= *in->p++;
			in->n--;
		}
	}
	return v;
}

/* n payload bytes from the input into out, FUZZREC_FILL past its end. */
static void
payload(struct in *in, unsigned char *out, size_t n)
{
	size_t	k = n < in->n ? n : in->n;

	memcpy(out, in->p, k);
	memset(out + k, FUZZREC_FILL, n - k);
	in->p += k;
	in->n -= k;
}

static void
init_secrets(void)
{
	static const char *const	rfc[SEC_N] = {
		[SEC_S_HS] = RFC8448_S_HS_TRAFFIC,
		[SEC_C_HS] = RFC8448_C_HS_TRAFFIC,
		[SEC_S_AP] = RFC8448_S_AP_TRAFFIC,
		[SEC_C_AP] = RFC8448_C_AP_TRAFFIC,
	};
	size_t				i, j;

	for (i = 0; i < SEC_N; i++) {
		if (unhex(sec256[i], sizeof sec256[i], rfc[i])
		    != sizeof sec256[i]) {
			abort();
		}
		/* RFC 8448 has no SHA-384 run: any fixed secret will do. */
		for (j = 0; j < sizeof sec384[i]; j++) {
			sec384[i][j] = sec256[i][j % sizeof sec256[i]]
			    ^ (unsigned char)j;
		}
	}
}

static const unsigned char *
secret(const struct tls13 *t, unsigned which)
{
	return t->hlen == sizeof sec384[0] ? sec384[which] : sec256[which];
}

static void
set_suite(struct tls13 *t, unsigned suite)
{
	t->suite = suite;
	t->hash = suite_hash(suite);
	t->hlen = uf_hash_len(t->hash);
}

/* Room for a record of body length n (and one more record)? */
static unsigned char *
record(unsigned type, size_t n)
{
	unsigned char	*r = wire + wlen;

	if (nrec >= RECORDS_MAX || n > 0xffff
	    || UF_REC_HEADER + n > sizeof wire - wlen) {
		return NULL;
	}
	r[0] = (unsigned char)type;
	r[1] = 0x03;
	r[2] = 0x03;
	r[3] = (unsigned char)(n >> 8);
	r[4] = (unsigned char)n;
	nrec++;
	return r;
}

/*
 * A record holding the n bytes at r + UF_REC_HEADER already: sealed
 * as inner type with pad zeros when the server has keys, else plain.
 * Returns its length, 0 when it does not fit.
 */
static size_t
seal_record(unsigned char *r, unsigned type, size_t n, size_t pad)
{
	size_t	plen = n + 1 + pad;

	if (!sv.wr_on) {
		r[0] = (unsigned char)type;
		return UF_REC_HEADER + n;
	}
	if (plen + UF_AEAD_TAG > 0xffff
	    || UF_REC_HEADER + plen + UF_AEAD_TAG > sizeof wire - wlen) {
		return 0;
	}
	r[0] = UF_CT_APP;
	r[3] = (unsigned char)((plen + UF_AEAD_TAG) >> 8);
	r[4] = (unsigned char)(plen + UF_AEAD_TAG);
	r[UF_REC_HEADER + n] = (unsigned char)type;
	memset(r + UF_REC_HEADER + n + 1, 0, pad);
	uf_aead_seal(&sv.wr, r, UF_REC_HEADER, r + UF_REC_HEADER, plen,
	    r + UF_REC_HEADER + plen);
	return UF_REC_HEADER + plen + UF_AEAD_TAG;
}

/*
 * The content a sealed record holds: its type is the last non-zero
 * byte of payload, inner type and padding (RFC 8446 5.4).
 */
static unsigned
content(const unsigned char *p, size_t n, unsigned inner, size_t *len)
{
	*len = n;
	if (inner != 0) {
		return inner;
	}
	while (*len > 0 && p[*len - 1] == 0) {
		(*len)--;
	}
	if (*len == 0) {
		return 0;
	}
	(*len)--;
	return p[*len];
}

static int
op_rec(struct in *in, unsigned op)
{
	/* The most a record's 16-bit length can frame, sealed. */
	const size_t	most = 0xffff - UF_AEAD_TAG - 1;
	unsigned	inner = take(in, 1), flip = 0, ct = 0;
	size_t		n = take(in, 2), pad = take(in, 2), len = 0, rlen;
	unsigned char	*r;
	int		tamper = (op & FUZZREC_FLIP) != 0;

	if (tamper) {
		flip = take(in, 2);
	}
	n = n < most ? n : most;
	pad = pad < most - n ? pad : most - n;
	r = record(UF_CT_APP, n);
	if (r == NULL) {
		return -1;
	}
	payload(in, r + UF_REC_HEADER, n);
	if (sv.wr_on) {
		ct = content(r + UF_REC_HEADER, n, inner, &len);
	}
	/* What the client may hand out, if it reads this record at all. */
	if (ct == UF_CT_APP && !tamper && sv_phase == PH_APP) {
		memcpy(sealed + sealed_len, r + UF_REC_HEADER, len);
	}
	rlen = seal_record(r, inner, n, pad);
	if (rlen == 0) {
		return -1;
	}
	if (ct == UF_CT_APP && !tamper && sv_phase == PH_APP) {
		sealed_len += len;
	}
	if (tamper) {
		r[flip / 8 % rlen] ^= (unsigned char)(1u << flip % 8);
	}
	wlen += rlen;
	return 0;
}

/* The next generation of t's write key (RFC 8446 7.2). */
static void
next_key(struct tls13 *t)
{
	unsigned char	next[UF_HASH_MAX];

	uf_hkdf_expand_label(t->hash, t->wsecret, "traffic upd", NULL, 0,
	    next, t->hlen);
	uf_tls13_set_keys(t, 0, next);
}

/* After a whole handshake message: the server's keys change as ours. */
static void
sv_next_keys(const unsigned char *m, size_t len)
{
	if (sv_phase == PH_HELLO) {
		uf_tls13_set_keys(&sv, 0, secret(&sv, SEC_S_HS));
		sv_phase = PH_HS;
	} else if (sv_phase == PH_HS && m[0] == UF_HS_FINISHED) {
		uf_tls13_set_keys(&sv, 0, secret(&sv, SEC_S_AP));
		sv_phase = PH_APP;
	} else if (sv_phase == PH_APP && m[0] == UF_HS_KEY_UPDATE && len == 1
	    && m[UF_HS_HEADER] <= 1) {
		next_key(&sv);
	}
}

static int
op_hs(struct in *in, unsigned op)
{
	unsigned	type = take(in, 1);
	size_t		n = take(in, 2), split = take(in, 1), off, k, rlen;
	unsigned char	*m = hsq + hsq_len, *r;

	if (UF_HS_HEADER + n > sizeof hsq - hsq_len) {
		return -1;
	}
	m[0] = (unsigned char)type;
	m[1] = 0;
	m[2] = (unsigned char)(n >> 8);
	m[3] = (unsigned char)n;
	payload(in, m + UF_HS_HEADER, n);
	hsq_len += UF_HS_HEADER + n;
	if (op & FUZZREC_HOLD) {
		return 0;
	}
	if (split == 0 || split > UF_REC_PLAIN_MAX) {
		split = UF_REC_PLAIN_MAX;
	}
	for (off = 0; off < hsq_len; off += k) {
		k = hsq_len - off < split ? hsq_len - off : split;
		r = record(UF_CT_HANDSHAKE, k);
		if (r == NULL) {
			return -1;
		}
		memcpy(r + UF_REC_HEADER, hsq + off, k);
		rlen = seal_record(r, UF_CT_HANDSHAKE, k, 0);
		if (rlen == 0) {
			return -1;
		}
		wlen += rlen;
	}
	hsq_len = 0;
	sv_next_keys(m, n);
	return 0;
}

static int
op_raw(struct in *in)
{
	size_t	n = take(in, 2);

	if (n > sizeof wire - wlen) {
		return -1;
	}
	payload(in, wire + wlen, n);
	wlen += n;
	return 0;
}

static int
op_ccs(void)
{
	unsigned char	*r = record(UF_CT_CCS, 1);

	if (r == NULL) {
		return -1;
	}
	r[UF_REC_HEADER] = 1;
	wlen += UF_REC_HEADER + 1;
	return 0;
}

/* The stream the input describes, into wire[0..wlen). */
static void
build(struct in *in)
{
	unsigned	op;
	int		rc = 0;

	while (in->n > 0 && rc == 0) {
		op = take(in, 1);
		switch (op & FUZZREC_KIND_MASK) {
		case FUZZREC_REC:
			rc = op_rec(in, op);
			break;
		case FUZZREC_HS:
			rc = op_hs(in, op);
			break;
		case FUZZREC_RAW:
			rc = op_raw(in);
			break;
		case FUZZREC_CCS:
			rc = op_ccs();
			break;
		}
	}
}

/* A failure must be recorded, with a message. */
static void
failed(enum uf_err err)
{
	if (err == UF_OK || uf_err_code() == UF_OK || uf_err_msg()[0] == '\0') {
		abort();
	}
}

/* Both directions' keys of the client, as handshake()/finish() set them. */
static void
cl_keys(unsigned s, unsigned c)
{
	uf_tls13_set_keys(&cl, 1, secret(&cl, s));
	uf_tls13_set_keys(&cl, 0, secret(&cl, c));
	uf_tls13_set_keys(&cw, 0, secret(&cw, c));
}

/*
 * The handshake from phase on, as handshake() reads it: returns 0 when
 * the Finished came and the transport is ready, -1 when it failed.
 */
static int
handshake_phase(int phase)
{
	unsigned	type;
	size_t		len;
	enum uf_err	err;

	for (;;) {
		err = uf_tls13_hs_next(&cl, &type, &len);
		if (err != UF_OK) {
			failed(err);
			return -1;
		}
		if (len > cl.hs_cap - UF_HS_HEADER
		    || cl.hs_len < UF_HS_HEADER + len || cl.hs[0] != type) {
			abort();
		}
		uf_tls13_hs_take(&cl, len);
		if (phase == PH_HS && type != UF_HS_FINISHED) {
			continue;
		}
		if (cl.hs_len != 0) {
			failed(uf_tls13_bad(&cl, UF_ALERT_UNEXPECTED_MESSAGE,
			    "more in the record of its message"));
			return -1;
		}
		if (phase == PH_HELLO) {
			cl_keys(SEC_S_HS, SEC_C_HS);
			phase = PH_HS;
			continue;
		}
		cl_keys(SEC_S_AP, SEC_C_AP);
		return 0;
	}
}

/* Application data, as fetch.c reads it, until the end or a failure. */
static void
app_phase(uint32_t st)
{
	const struct uf_io_class	**io = &cl.vtable;
	const unsigned char		*buf;
	size_t				len, k;
	enum uf_err			err;

	/* fetch.c writes its request first. */
	err = (*io)->write(io, request, sizeof request - 1,
	    "sending the request");
	if (err != UF_OK) {
		failed(err);
		return;
	}
	wrote = 1;
	for (;;) {
		err = (*io)->recv_buf(io, &buf, &len, "reading the response");
		if (err != UF_OK) {
			failed(err);
			break;
		}
		if (len == 0) {
			if ((*io)->ended(io) == UF_IO_OPEN) {
				abort();
			}
			break;
		}
		if (buf < rbuf || len > UF_REC_PLAIN_MAX
		    || len > (size_t)(rbuf + sizeof rbuf - buf)
		    || len > sealed_len - got
		    || memcmp(buf, sealed + got, len) != 0) {
			abort();
		}
		k = len;
		if (st != 0) {
			st = st * 1103515245u + 12345u;
			k = 1 + (st >> 16) % len;
		}
		got += k;
		(*io)->recv_ack(io, k);
	}
	(*io)->close(io);
}

/*
 * Everything the client sent, in fd: records that open under its keys
 * (plaintext before it had any), holding the request (first), our
 * KeyUpdate answer, or an alert (last).
 */
static void
check_sent(int fd)
{
	unsigned char	*r;
	size_t		n = 0, off, rlen, plen;
	unsigned	ct;
	ssize_t		k;
	int		request_seen = 0, alert_seen = 0;

	while ((k = recv(fd, back + n, sizeof back - n, MSG_DONTWAIT)) > 0) {
		n += (size_t)k;
	}
	for (off = 0; off < n; off += UF_REC_HEADER + rlen) {
		r = back + off;
		if (n - off < UF_REC_HEADER || alert_seen) {
			abort();
		}
		rlen = (size_t)r[3] << 8 | r[4];
		if (rlen > n - off - UF_REC_HEADER || r[1] != 3 || r[2] != 3) {
			abort();
		}
		if (!cw.wr_on) {
			ct = r[0];
			plen = rlen;
		} else {
			if (r[0] != UF_CT_APP || rlen < UF_AEAD_TAG + 1) {
				abort();
			}
			plen = rlen - UF_AEAD_TAG;
			if (!uf_aead_open(&cw.wr, r, UF_REC_HEADER,
			    r + UF_REC_HEADER, plen, r + UF_REC_HEADER + plen)) {
				abort();
			}
			ct = uf_tls13_unpad(r + UF_REC_HEADER, &plen);
		}
		r += UF_REC_HEADER;
		switch (ct) {
		case UF_CT_APP:
			if (!wrote || request_seen || plen != sizeof request - 1
			    || memcmp(r, request, plen) != 0) {
				abort();
			}
			request_seen = 1;
			break;
		case UF_CT_HANDSHAKE:
			if (!request_seen || plen != sizeof ku_answer
			    || memcmp(r, ku_answer, plen) != 0) {
				abort();
			}
			next_key(&cw);
			break;
		case UF_CT_ALERT:
			if (plen != 2 || r[0] < 1 || r[0] > 2) {
				abort();
			}
			alert_seen = 1;
			break;
		default:
			abort();
		}
	}
	if (wrote != request_seen || cl.alerted != alert_seen) {
		abort();
	}
}

/* With FUZZREC_TRACE set: how the run ended, to check the seeds. */
static void
trace(int phase)
{
	static const char *const	at[] = { "hello", "handshake",
					    "application" };

	if (getenv("FUZZREC_TRACE") == NULL) {
		return;
	}
	fprintf(stderr, "fuzz_tls13rec: %zu bytes in %zu records, from %s: "
	    "%zu of %zu bytes of data read; %s\n", wlen, nrec, at[phase], got,
	    sealed_len, uf_err_code() != UF_OK ? uf_err_msg()
	    : cl.clean ? "close_notify" : cl.eof ? "end of stream"
	    : "no end");
}

static void
run(int fd, unsigned suite, int phase, uint32_t ack_seed)
{
	memset(&cl, 0, sizeof cl);
	memset(&cw, 0, sizeof cw);
	set_suite(&cw, suite);
	wrote = 0;
	cl.vtable = &t13_class;
	cl.sock = &sock;
	cl.peer = &peer;
	cl.rbuf = rbuf;
	cl.sbuf = sbuf;
	set_suite(&cl, suite);
	sock.fd = fd;
	sock.lim = &lim;
	uf_err_clear();

	if (phase != PH_APP) {
		/* As uf_tls13_open() sets up the handshake. */
		cl.hs = hsbuf;
		cl.hs_cap = sizeof hsbuf;
		cl.dl = uf_deadline(&lim);
		cl.idle = 0;
		cl.what = "during the TLS handshake";
		if (phase == PH_HS) {
			cl_keys(SEC_S_HS, SEC_C_HS);
		}
		if (handshake_phase(phase) != 0) {
			trace(phase);
			return;
		}
	} else {
		cl_keys(SEC_S_AP, SEC_C_AP);
	}
	/* As uf_tls13_open() leaves the transport. */
	cl.hs = cl.phs;
	cl.hs_cap = sizeof cl.phs;
	cl.hs_len = 0;
	cl.shaken = 1;
	app_phase(ack_seed);
	trace(phase);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	ready;
	struct in	in = { data, size };
	unsigned	cfg, suite;
	int		sp[2], phase, bufsz = 4 * WIRE_MAX;
	size_t		off;
	ssize_t		n;

	if (!ready) {
		init_secrets();
		ready = 1;
	}
	if (size == 0) {
		return 0;
	}
	cfg = take(&in, 1);
	switch (cfg & FUZZREC_SUITE_MASK) {
	case FUZZREC_SUITE_AES128:
		suite = UF_TLS_AES_128_GCM_SHA256;
		break;
	case FUZZREC_SUITE_AES256:
		suite = UF_TLS_AES_256_GCM_SHA384;
		break;
	default:
		suite = UF_TLS_CHACHA20_POLY1305_SHA256;
	}
	/* Where no AES is linked, no AES suite is offered (aead.h). */
	if (uf_aead_aes() == UF_AES_NONE) {
		suite = UF_TLS_CHACHA20_POLY1305_SHA256;
	}
	phase = (int)(cfg >> FUZZREC_AT_SHIFT & FUZZREC_AT_MASK);
	if (phase > PH_APP) {
		phase = PH_APP;
	}

	memset(&sv, 0, sizeof sv);
	set_suite(&sv, suite);
	sv_phase = phase;
	if (phase == PH_HS) {
		uf_tls13_set_keys(&sv, 0, secret(&sv, SEC_S_HS));
	} else if (phase == PH_APP) {
		uf_tls13_set_keys(&sv, 0, secret(&sv, SEC_S_AP));
	}
	wlen = nrec = hsq_len = sealed_len = got = 0;
	build(&in);

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
		abort();
	}
	/* The whole stream, and all the client answers, must fit. */
	(void)setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof bufsz);
	(void)setsockopt(sp[1], SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof bufsz);
	for (off = 0; off < wlen; off += (size_t)n) {
		n = write(sp[1], wire + off, wlen - off);
		if (n <= 0) {
			abort();
		}
	}
	shutdown(sp[1], SHUT_WR);
	if (fcntl(sp[0], F_SETFL, O_NONBLOCK) != 0) {
		abort();
	}
	run(sp[0], suite, phase, cfg >> FUZZREC_ACK_SHIFT);
	check_sent(sp[1]);
	close(sp[0]);
	close(sp[1]);
	return 0;
}
