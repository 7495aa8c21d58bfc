/*
 * tls13rec.c: the TLS 1.3 record layer (see tls13rec.h).
 *
 * Reading: a record's header, then its body, go into rbuf; each
 * readv() also takes up to a header's worth of what follows into
 * t->ahead, so that a stream of full records costs one system call per
 * record (as tls12.c does for BearSSL's engine). Deprotection is in
 * place; what an application-data record holds is handed out from
 * rbuf itself.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "tls13msg.h"
#include "tls13rec.h"

/* What our alert record holds: level "fatal" and the description. */
#define ALERT_FATAL	2
#define ALERT_WARNING	1
#define ALERT_LEN	2

/* see tls13rec.h */
enum uf_err
uf_tls13_bad(struct tls13 *t, unsigned alert, const char *why)
{
	uf_tls13_send_alert(t, alert);
	return uf_fail(UF_E_TLS, "%s: the server sent %s",
	    t->shaken ? "TLS 1.3 error" : "TLS 1.3 handshake failed", why);
}

/*
 * Protect (when the keys are set) and frame data[0..len) as one record
 * of type in t->sbuf; returns the record's whole length.
 */
static size_t
seal(struct tls13 *t, unsigned type, const unsigned char *data, size_t len,
    int first)
{
	unsigned char	*r = t->sbuf, *body = t->sbuf + UF_REC_HEADER;
	size_t		n = len;

	memmove(body, data, len);
	r[0] = (unsigned char)type;
	r[1] = 0x03;
	/* 0x0301 in a first ClientHello, for old middleboxes (5.1). */
	r[2] = first ? 0x01 : 0x03;
	/* The compatibility ChangeCipherSpec is never protected. */
	if (t->wr_on && type != UF_CT_CCS) {
		r[0] = UF_CT_APP;
		body[n++] = (unsigned char)type;
		r[3] = (unsigned char)((n + UF_AEAD_TAG) >> 8);
		r[4] = (unsigned char)(n + UF_AEAD_TAG);
		uf_aead_seal(&t->wr, r, UF_REC_HEADER, body, n, body + n);
		n += UF_AEAD_TAG;
	} else {
		r[3] = (unsigned char)(n >> 8);
		r[4] = (unsigned char)n;
	}
	return UF_REC_HEADER + n;
}

/* see tls13rec.h */
void
uf_tls13_send_alert(struct tls13 *t, unsigned alert)
{
	unsigned char	a[ALERT_LEN] = { ALERT_FATAL, (unsigned char)alert };
	size_t		n;

	if (t->sbuf == NULL || t->sock->fd < 0 || t->alerted) {
		return;
	}
	/* close_notify is the one closure alert we send (6.1). */
	if (alert == UF_ALERT_CLOSE_NOTIFY) {
		a[0] = ALERT_WARNING;
	}
	t->alerted = 1;
	n = seal(t, UF_CT_ALERT, a, sizeof a, 0);
	(void)send(t->sock->fd, t->sbuf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* see tls13rec.h */
void
uf_tls13_set_keys(struct tls13 *t, int rd, const unsigned char *secret)
{
	unsigned char	key[UF_AEAD_KEY_MAX], iv[UF_AEAD_IV];

	uf_hkdf_expand_label(t->hash, secret, "key", NULL, 0, key,
	    uf_aead_key_len(t->suite));
	uf_hkdf_expand_label(t->hash, secret, "iv", NULL, 0, iv, sizeof iv);
	if (rd) {
		memmove(t->rsecret, secret, t->hlen);
		uf_aead_init(&t->rd, t->suite, key, iv);
		t->rd_on = 1;
	} else {
		memmove(t->wsecret, secret, t->hlen);
		uf_aead_init(&t->wr, t->suite, key, iv);
		t->wr_on = 1;
	}
	memset(key, 0, sizeof key);
}

/* see tls13rec.h */
enum uf_err
uf_tls13_write(struct tls13 *t, unsigned type, const unsigned char *data,
    size_t len, int first)
{
	enum uf_err	err;
	size_t		k;

	do {
		k = len < UF_REC_PLAIN_MAX ? len : UF_REC_PLAIN_MAX;
		err = uf_net_send_all(t->sock, t->sbuf, seal(t, type, data, k,
		    first), t->dl, t->what, t->shaken ? UF_E_NET : UF_E_TLS);
		data += k;
		len -= k;
	} while (err == UF_OK && len > 0);
	return err;
}

/*
 * Read until rbuf holds want bytes of the current record (or the
 * stream ends: then t->have < want).
 */
static enum uf_err
fill(struct tls13 *t, size_t want)
{
	struct iovec	iov[2];
	enum uf_err	err;
	ssize_t		n;
	size_t		k;

	while (t->have < want) {
		if (t->ahead_len > 0) {
			k = want - t->have < t->ahead_len ? want - t->have
			    : t->ahead_len;
			memcpy(t->rbuf + t->have, t->ahead + t->ahead_off, k);
			t->ahead_off += k;
			t->ahead_len -= k;
			t->have += k;
			continue;
		}
		iov[0].iov_base = t->rbuf + t->have;
		iov[0].iov_len = want - t->have;
		iov[1].iov_base = t->ahead;
		iov[1].iov_len = sizeof t->ahead;
		n = readv(t->sock->fd, iov, 2);
		if (n > 0) {
			k = (size_t)n;
			if (k > want - t->have) {
				t->ahead_off = 0;
				t->ahead_len = k - (want - t->have);
				k = want - t->have;
			}
			t->have += k;
			if (t->idle) {
				t->dl = uf_deadline(t->sock->lim);
			}
			continue;
		}
		if (n == 0) {
			return UF_OK;
		}
		if (errno == EINTR) {
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			err = uf_net_await(t->sock->fd, POLLIN, t->sock->lim,
			    t->dl, t->what);
			if (err != UF_OK) {
				return err;
			}
			continue;
		}
		return uf_fail(t->shaken ? UF_E_NET : UF_E_TLS, "error %s: %s",
		    t->what, strerror(errno));
	}
	return UF_OK;
}

/* see tls13rec.h */
enum uf_err
uf_tls13_read(struct tls13 *t, unsigned *type, size_t *off, size_t *len)
{
	unsigned char	*body = t->rbuf + UF_REC_HEADER;
	unsigned	ct;
	size_t		rlen, plen;
	enum uf_err	err;

	for (;;) {
		/*
		 * Records that carry nothing for the caller (dropped
		 * ChangeCipherSpecs) never wait, so a stream of them would
		 * never meet the deadline: it is checked for each record.
		 */
		err = uf_check_end(t->sock->lim, t->what);
		if (err == UF_OK && !t->idle && t->dl != 0
		    && uf_now() >= t->dl) {
			err = uf_fail_timeout(t->sock->lim, t->dl, t->what);
		}
		if (err != UF_OK) {
			return err;
		}
		*type = 0;
		t->have = 0;
		/* The stream ending anywhere is no close_notify: t->eof. */
		err = fill(t, UF_REC_HEADER);
		if (err != UF_OK || t->have < UF_REC_HEADER) {
			t->eof = err == UF_OK;
			return err;
		}
		rlen = (size_t)t->rbuf[3] << 8 | t->rbuf[4];
		if (rlen > UF_REC_CIPHER_MAX) {
			return uf_tls13_bad(t, UF_ALERT_RECORD_OVERFLOW,
			    "a record longer than TLS allows");
		}
		err = fill(t, UF_REC_HEADER + rlen);
		if (err != UF_OK || t->have < UF_REC_HEADER + rlen) {
			t->eof = err == UF_OK;
			return err;
		}
		ct = t->rbuf[0];
		*off = UF_REC_HEADER;
		*len = rlen;
		switch (ct) {
		case UF_CT_CCS:
			/* Middlebox compatibility: dropped (RFC 8446 5). */
			if (t->shaken || rlen != 1 || body[0] != 1) {
				return uf_tls13_bad(t,
				    UF_ALERT_UNEXPECTED_MESSAGE,
				    "an unexpected ChangeCipherSpec");
			}
			continue;
		case UF_CT_ALERT:
		case UF_CT_HANDSHAKE:
			/* A plaintext alert can only make us fail: taken. */
			if (ct == UF_CT_HANDSHAKE && t->rd_on) {
				return uf_tls13_bad(t,
				    UF_ALERT_UNEXPECTED_MESSAGE,
				    "a plaintext handshake record after the "
				    "keys changed");
			}
			if (rlen > UF_REC_PLAIN_MAX) {
				return uf_tls13_bad(t, UF_ALERT_RECORD_OVERFLOW,
				    "a record longer than TLS allows");
			}
			if (rlen == 0) {
				return uf_tls13_bad(t,
				    UF_ALERT_UNEXPECTED_MESSAGE,
				    "an empty record");
			}
			*type = ct;
			return UF_OK;
		case UF_CT_APP:
			if (!t->rd_on) {
				return uf_tls13_bad(t,
				    UF_ALERT_UNEXPECTED_MESSAGE,
				    "a protected record before the keys were "
				    "agreed");
			}
			if (rlen < UF_AEAD_TAG + 1) {
				return uf_tls13_bad(t, UF_ALERT_DECODE_ERROR,
				    "a record too short to be protected");
			}
			plen = rlen - UF_AEAD_TAG;
			if (!uf_aead_open(&t->rd, t->rbuf, UF_REC_HEADER, body,
			    plen, body + plen)) {
				return uf_tls13_bad(t, UF_ALERT_BAD_RECORD_MAC,
				    "a record that does not authenticate (bad "
				    "record MAC)");
			}
			if (plen > UF_REC_PLAIN_MAX + 1) {
				return uf_tls13_bad(t, UF_ALERT_RECORD_OVERFLOW,
				    "a record longer than TLS allows");
			}
			ct = uf_tls13_unpad(body, &plen);
			*len = plen;
			if (ct == UF_CT_APP) {
				*type = ct;
				return UF_OK;
			}
			if ((ct == UF_CT_HANDSHAKE || ct == UF_CT_ALERT)
			    && plen > 0) {
				*type = ct;
				return UF_OK;
			}
			return uf_tls13_bad(t, UF_ALERT_UNEXPECTED_MESSAGE,
			    ct == 0 ? "a record without a content type"
			    : plen == 0 ? "an empty record"
			    : "a record of a type not allowed there");
		}
		return uf_tls13_bad(t, UF_ALERT_UNEXPECTED_MESSAGE,
		    "a record of an unknown type");
	}
}

/* see tls13rec.h */
enum uf_err
uf_tls13_alert(struct tls13 *t, const unsigned char *p, size_t len)
{
	if (len != ALERT_LEN) {
		return uf_tls13_bad(t, UF_ALERT_DECODE_ERROR,
		    "a malformed alert");
	}
	if (p[1] == UF_ALERT_CLOSE_NOTIFY) {
		t->clean = 1;
		return UF_OK;
	}
	/* Every other alert ends the connection (RFC 8446 6). */
	if (p[1] == UF_ALERT_USER_CANCELED && p[0] == ALERT_WARNING) {
		return UF_OK;
	}
	return uf_tls_alert_fail(t->peer, p[1]);
}

/* see tls13rec.h */
enum uf_err
uf_tls13_hs_next(struct tls13 *t, unsigned *type, size_t *len)
{
	unsigned	ct;
	size_t		n, off, plen;
	enum uf_err	err;

	for (;;) {
		if (t->hs_len >= UF_HS_HEADER) {
			n = (size_t)t->hs[1] << 16 | (size_t)t->hs[2] << 8
			    | t->hs[3];
			if (n > t->hs_cap - UF_HS_HEADER) {
				return uf_tls13_bad(t,
				    UF_ALERT_HANDSHAKE_FAILURE, "a handshake "
				    "message larger than ufetch takes");
			}
			if (t->hs_len >= UF_HS_HEADER + n) {
				*type = t->hs[0];
				*len = n;
				return UF_OK;
			}
		}
		err = uf_tls13_read(t, &ct, &off, &plen);
		if (err != UF_OK) {
			return err;
		}
		switch (ct) {
		case 0:
			return uf_fail(UF_E_TLS, "the server closed the "
			    "connection during the TLS handshake");
		case UF_CT_ALERT:
			err = uf_tls13_alert(t, t->rbuf + off, plen);
			if (err == UF_OK && t->clean) {
				err = uf_fail(UF_E_TLS, "the server closed the "
				    "TLS session during the handshake");
			}
			if (err != UF_OK) {
				return err;
			}
			continue;
		case UF_CT_HANDSHAKE:
			if (plen > t->hs_cap - t->hs_len) {
				return uf_tls13_bad(t,
				    UF_ALERT_HANDSHAKE_FAILURE, "a handshake "
				    "message larger than ufetch takes");
			}
			memcpy(t->hs + t->hs_len, t->rbuf + off, plen);
			t->hs_len += plen;
			continue;
		}
		return uf_tls13_bad(t, UF_ALERT_UNEXPECTED_MESSAGE,
		    "application data before its Finished");
	}
}

/* see tls13rec.h */
void
uf_tls13_hs_take(struct tls13 *t, size_t len)
{
	size_t	n = UF_HS_HEADER + len;

	memmove(t->hs, t->hs + n, t->hs_len - n);
	t->hs_len -= n;
}
