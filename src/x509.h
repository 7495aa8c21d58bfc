/*
 * x509.h: the server's certificate chain, checked for one handshake.
 *
 * struct uf_x509 checks a chain against the trust anchors trust.c
 * decodes on demand (only the anchors the chain's issuers name), with
 * BearSSL's br_x509_minimal for signatures, dates, constraints and DNS
 * names, and with our own checks for what it lacks (IP addresses). It
 * serves both TLS engines:
 *
 *  - BearSSL's TLS 1.2 engine drives it as a br_x509_class
 *    (uf_x509_class()): the chain is copied, as it arrives, into a
 *    buffer of UF_CHAIN_MAX bytes;
 *  - our TLS 1.3 client hands over spans of the Certificate message it
 *    holds (uf_x509_check()): nothing is copied.
 *
 * Lifetime. The context lives as long as the connection (BearSSL's
 * engine keeps a pointer to it) and MUST NOT move. The chain buffer,
 * the anchors and their scratch are needed during the handshake only:
 * they come from the arena given to uf_x509_begin() and MUST NOT be
 * used after uf_x509_end(). From then on every chain is refused (a
 * renegotiation, were it ever let through, fails instead of writing
 * through a stale pointer).
 */
#ifndef UF_X509_H
#define UF_X509_H

#include <stddef.h>

#include <bearssl.h>

#include "arena.h"
#include "trust.h"
#include "ufetch.h"

/* Largest certificate chain we accept, and most certificates in it. */
#define UF_CHAIN_MAX		16384
#define UF_CHAIN_CERTS		10
/* Most trust anchors gathered for one chain. */
#define UF_CHAIN_ANCHORS	8

/* Whom the certificate must name; owned by the caller. */
struct uf_x509_peer {
	const char		*name;	/* DNS name, or the IP as text */
	const unsigned char	*ip;	/* 4 or 16 bytes; NULL: a name */
	size_t			iplen;
};

/* Why our own checks refused a chain (x->why), to word the message. */
enum {
	UF_X509_WHY_NONE,
	UF_X509_WHY_CHAIN_BIG,	/* over UF_CHAIN_MAX bytes or _CERTS */
	UF_X509_WHY_IP,		/* the IP address is not in the leaf */
	UF_X509_WHY_STORE,	/* no store could be read: trust.c said */
	UF_X509_WHY_LATE,	/* a chain outside any handshake */
	UF_X509_WHY_NO_ROOM	/* the arena cannot hold the chain */
};

struct uf_x509 {
	const br_x509_class		*vtable;
	br_x509_minimal_context		inner;
	br_x509_decoder_context		ee;	/* -k: the server's key */
	const struct uf_x509_peer	*peer;
	struct uf_trust			*trust;
	int				insecure;
	struct uf_arena			*a;	/* NULL: outside a handshake */
	unsigned char			*buf;	/* the engine's chain copy */
	size_t				len;
	const unsigned char		*cert[UF_CHAIN_CERTS];
	size_t				clen[UF_CHAIN_CERTS];
	size_t				ncert;
	int				over;
	int				why;		/* UF_X509_WHY_* */
	enum uf_err			store_err;	/* with _WHY_STORE */
	br_x509_trust_anchor		tas[UF_CHAIN_ANCHORS];
	size_t				nta;
};

/*
 * Set x up for peer (which MUST outlive x). trust may be NULL only
 * with insecure set (-k: the chain is not checked, only the server's
 * key is taken from the first certificate).
 */
void	uf_x509_init(struct uf_x509 *x, const struct uf_x509_peer *peer,
	    struct uf_trust *trust, int insecure);

/* The br_x509_class face for BearSSL's engine. */
const br_x509_class	**uf_x509_class(struct uf_x509 *x);

/*
 * A handshake starts: chain copies (UF_CHAIN_MAX bytes, taken when the
 * engine's first certificate comes), anchors and scratch come from a
 * until uf_x509_end(). Returns UF_OK, or UF_E_PROTO (recorded) when a
 * has no room for the chain buffer.
 */
enum uf_err	uf_x509_begin(struct uf_x509 *x, struct uf_arena *a);

/* The handshake is over: no chain is accepted any more. */
void	uf_x509_end(struct uf_x509 *x);

/*
 * Check the chain certs[0..n) (DER, leaf first, each clen[i] bytes),
 * which MUST stay in place until uf_x509_fail() was called or the
 * handshake ends. n may exceed UF_CHAIN_CERTS (the arrays are then not
 * read at all): the chain is refused as too long, as is one of more
 * than UF_CHAIN_MAX bytes. Returns 0 when it is acceptable, or a
 * BearSSL X.509 error code (BR_ERR_X509_*) for uf_x509_fail().
 */
unsigned	uf_x509_check(struct uf_x509 *x,
		    const unsigned char *const *certs, const size_t *clen,
		    size_t n);

/*
 * The server's key once a chain was accepted (NULL before), and what it
 * may be used for (BR_KEYTYPE_SIGN, BR_KEYTYPE_KEYX) in *usages when
 * usages is not NULL.
 */
const br_x509_pkey	*uf_x509_pkey(const struct uf_x509 *x,
			    unsigned *usages);

/*
 * Is err (a BearSSL error code) about the certificate chain, and so a
 * matter for uf_x509_fail() and exit status 5?
 */
int	uf_x509_is_cert_error(int err);

/*
 * Record the message for the X.509 error err of the last chain (exit
 * status 5, or what trust.c already recorded when no store could be
 * read) and return the code.
 */
enum uf_err	uf_x509_fail(struct uf_x509 *x, int err);

#endif
