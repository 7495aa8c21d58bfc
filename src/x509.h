/*
 * x509.h: the server's certificate chain, checked for one handshake.
 *
 * struct uf_x509 checks a chain against the trust anchors trust.c
 * decodes on demand (only the anchors the chain's issuers name), with
 * BearSSL's br_x509_minimal for signatures, dates and the CA and
 * critical-extension rules, and with our own checks for what it lacks
 * or gets wrong: host names and IP addresses, extendedKeyUsage, the
 * leaf's keyUsage, key sizes (of the anchor too), non-critical name
 * constraints. It serves both TLS engines:
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
#include "der.h"
#include "trust.h"
#include "ufetch.h"

/* Largest certificate chain we accept, and most certificates in it. */
#define UF_CHAIN_MAX		16384
#define UF_CHAIN_CERTS		10
/* Most trust anchors gathered for one chain. */
#define UF_CHAIN_ANCHORS	8
/* The weakest keys we accept, anywhere in a chain or as an anchor. */
#define UF_RSA_MIN_BITS		2048
#define UF_EC_MIN_BITS		256

/* Whom the certificate must name; owned by the caller. */
struct uf_x509_peer {
	const char		*name;	/* DNS name, or the IP as text */
	const unsigned char	*ip;	/* 4 or 16 bytes; NULL: a name */
	size_t			iplen;
};

/*
 * Why our own checks refused a chain (x->why), to word the message;
 * x->bad is the certificate concerned. A weak anchor dropped (its DN
 * in x->what, its size in x->bits) is told when the chain is then not
 * trusted.
 */
enum {
	UF_X509_WHY_NONE,
	UF_X509_WHY_CHAIN_BIG,	/* over UF_CHAIN_MAX bytes or _CERTS */
	UF_X509_WHY_IP,		/* the IP address is not in the leaf */
	UF_X509_WHY_STORE,	/* no store could be read: trust.c said */
	UF_X509_WHY_LATE,	/* a chain outside any handshake */
	UF_X509_WHY_NO_ROOM,	/* the arena cannot hold the chain */
	UF_X509_WHY_PARSE,	/* a certificate we cannot read */
	UF_X509_WHY_WILDCARD,	/* x->what: a wildcard over one label */
	UF_X509_WHY_EKU,	/* extendedKeyUsage without serverAuth */
	UF_X509_WHY_KU,		/* keyUsage without digitalSignature */
	UF_X509_WHY_KEY,	/* a key too small, or of a kind refused */
	UF_X509_WHY_NC,		/* x->what (x->what_tag) outside the
				   constraints, x->excluded: excluded */
	UF_X509_WHY_NC_KIND	/* constraints on other kinds of names,
				   or malformed */
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
	size_t				at;	/* where BearSSL stopped:
						   anchor found or error */
	size_t				bad;	/* see UF_X509_WHY_* */
	struct uf_der			what;	/* a name, or a DN */
	unsigned			what_tag; /* UF_GN_* of what */
	int				excluded;
	unsigned			bits;	/* weak anchor's key */
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
 * Does the certificate's DNS name pat[0..plen) (a subjectAltName
 * dNSName, or a CN) name host (no trailing dot)? Letters compare
 * without regard to case; a leading "*." stands for exactly one
 * non-empty label and needs at least two labels after it; any other
 * '*', and an empty label, never match. Returns 1 or 0, or -1 for a
 * wildcard over a single label ("*.com") that would otherwise match.
 */
int	uf_x509_name_match(const unsigned char *pat, size_t plen,
	    const char *host);

/*
 * Is the DNS name n[0..nlen) within the nameConstraints subtree
 * base[0..blen) (RFC 5280 4.2.1.10): the base itself, or the base
 * with labels added on its left; a base starting with '.' only what is
 * below it? Letters compare without regard to case. Returns 1 or 0.
 */
int	uf_x509_dns_within(const unsigned char *n, size_t nlen,
	    const unsigned char *base, size_t blen);

/*
 * Is the IP address ip[0..iplen) (4 or 16 bytes) within the subtree
 * base[0..2 * iplen) (address, then mask)? Returns 1 or 0 (0 for the
 * other address family).
 */
int	uf_x509_ip_within(const unsigned char *ip, size_t iplen,
	    const unsigned char *base, size_t blen);

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
