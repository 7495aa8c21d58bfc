/*
 * der.h: just enough DER to read the parts of an X.509 certificate
 * that BearSSL does not hand out: the issuer and subject names (to
 * find trust anchors), the subjectAltName entries (to check IP
 * addresses and to name what a certificate is valid for), and a
 * name's Common Name (for messages).
 *
 * Nothing is copied: every span points into the caller's certificate
 * bytes, which MUST stay in place while the spans are used. Malformed
 * input makes a function fail; it never reads outside the given bytes.
 */
#ifndef UF_DER_H
#define UF_DER_H

#include <stddef.h>

struct uf_der {
	const unsigned char	*p;
	size_t			len;
};

/*
 * Take one TLV from the front of *in. On success *tag is its tag byte,
 * *val its contents, *whole the entire TLV, and *in what follows.
 * Returns 0, or -1 on a malformed, indefinite or overlong TLV or a
 * multi-byte tag. val and whole may be NULL.
 */
int	uf_der_next(struct uf_der *in, unsigned *tag, struct uf_der *val,
	    struct uf_der *whole);

/* The parts of a certificate we read. */
struct uf_cert {
	struct uf_der	issuer;		/* Name TLV, whole */
	struct uf_der	subject;	/* Name TLV, whole */
	struct uf_der	san;		/* GeneralNames contents, or empty */
};

/* Find the issuer, subject and SAN of der[0..len). Returns 0 or -1. */
int	uf_der_cert(const unsigned char *der, size_t len, struct uf_cert *c);

/*
 * Is ip[0..iplen) (4 or 16 bytes, network order) one of c's iPAddress
 * subjectAltName entries? Returns 1 or 0.
 */
int	uf_der_san_ip(const struct uf_cert *c, const unsigned char *ip,
	    size_t iplen);

/*
 * The i-th dNSName subjectAltName entry of c in *name. Returns 0, or
 * -1 when there is no such entry.
 */
int	uf_der_san_dns(const struct uf_cert *c, size_t i, struct uf_der *name);

/*
 * The value of the first Common Name in the Name TLV name. Returns 0,
 * or -1 when it has none.
 */
int	uf_der_name_cn(struct uf_der name, struct uf_der *cn);

#endif
