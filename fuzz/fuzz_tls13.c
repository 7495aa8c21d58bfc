/*
 * fuzz_tls13.c: the TLS 1.3 message parsers and the record unpadding
 * (src/tls13msg.h) over arbitrary bytes. The first byte picks the
 * parser (enum below), the rest is the message body. Each parser must
 * return 0 or an alert with a reason, and everything it hands back must
 * be consistent and lie inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls13msg.h"
#include "x509.h"

#include "fuzz_tls13.h"

static void
inside(const uint8_t *data, size_t size, const unsigned char *p, size_t len)
{
	if (len > 0 && (p == NULL || p < data || p + len > data + size)) {
		abort();
	}
}

/* A refusal names a one-byte alert and says why. */
static void
refused(unsigned alert, const char *why)
{
	if (alert > 255 || why == NULL || why[0] == '\0') {
		abort();
	}
}

static void
server_hello(const uint8_t *p, size_t n)
{
	struct uf_tls13_sh	sh;
	const char		*why = NULL;
	/* Either way: with pre_shared_key offered, and without. */
	unsigned		alert = uf_tls13_parse_sh(p, n, n & 1, &sh,
				    &why);

	if (alert != 0) {
		refused(alert, why);
		return;
	}
	inside(p, n, sh.random, UF_TLS_RANDOM);
	inside(p, n, sh.sid, sh.sid_len);
	inside(p, n, sh.share, sh.share_len);
	inside(p, n, sh.cookie, sh.cookie_len);
	if (sh.sid_len > UF_TLS_SESSION_ID
	    || (!sh.tls13 && (sh.hrr || sh.group != 0))
	    || (sh.tls13 && !sh.hrr && (sh.group == 0 || sh.share_len == 0))
	    || (sh.hrr && sh.share != NULL)
	    || (sh.cookie != NULL && (!sh.hrr || sh.cookie_len == 0))) {
		abort();
	}
}

static void
certificate(const uint8_t *p, size_t n)
{
	const unsigned char	*der[UF_CHAIN_CERTS];
	size_t			len[UF_CHAIN_CERTS], k, i;
	const char		*why = NULL;
	unsigned		alert;

	alert = uf_tls13_parse_cert(p, n, der, len, UF_CHAIN_CERTS, &k, &why);
	if (alert != 0) {
		refused(alert, why);
		return;
	}
	for (i = 0; i < k && i < UF_CHAIN_CERTS; i++) {
		if (len[i] == 0) {
			abort();
		}
		inside(p, n, der[i], len[i]);
	}
}

static void
unpad(const uint8_t *p, size_t n)
{
	size_t		len = n, i;
	unsigned	type = uf_tls13_unpad(p, &len);

	if (type == 0) {
		len = 0;
	} else if (len >= n || p[len] != type) {
		abort();
	} else {
		len++;
	}
	for (i = len; i < n; i++) {
		if (p[i] != 0) {
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char	*q;
	const char		*why = NULL;
	const uint8_t		*p = data + 1;
	size_t			n = size - 1, len;
	unsigned		alert = 0, v;
	struct uf_tls13_nst	nst;

	if (size == 0) {
		return 0;
	}
	switch (data[0] % FUZZ13_N) {
	case FUZZ13_SH:
		server_hello(p, n);
		return 0;
	case FUZZ13_EE:
	case FUZZ13_EE_SNI:
		alert = uf_tls13_parse_ee(p, n, data[0] % FUZZ13_N
		    == FUZZ13_EE_SNI, &why);
		break;
	case FUZZ13_CR:
		alert = uf_tls13_parse_cr(p, n, &q, &len, &why);
		if (alert == 0 && len > 255) {
			abort();
		}
		if (alert == 0) {
			inside(p, n, q, len);
		}
		break;
	case FUZZ13_CERT:
		certificate(p, n);
		return 0;
	case FUZZ13_CV:
		alert = uf_tls13_parse_cv(p, n, &v, &q, &len, &why);
		if (alert == 0 && (len == 0 || v > 0xffff)) {
			abort();
		}
		if (alert == 0) {
			inside(p, n, q, len);
		}
		break;
	case FUZZ13_KU:
		alert = uf_tls13_parse_ku(p, n, &v, &why);
		if (alert == 0 && v > 1) {
			abort();
		}
		break;
	case FUZZ13_NST:
		alert = uf_tls13_parse_nst(p, n, &nst, &why);
		if (alert == 0) {
			inside(p, n, nst.nonce, nst.nonce_len);
			inside(p, n, nst.ticket, nst.ticket_len);
		}
		break;
	case FUZZ13_UNPAD:
		unpad(p, n);
		return 0;
	}
	if (alert != 0) {
		refused(alert, why);
	}
	return 0;
}
