/*
 * der.h: just enough DER to read the parts of an X.509 certificate
 * that BearSSL does not hand out: the issuer and subject names (to
 * find trust anchors), the subjectAltName entries (to check names and
 * IP addresses), a name's Common Name (for the CN fallback and for
 * messages), the public key's type and size, and the extensions our
 * own checks read: basicConstraints, keyUsage, extendedKeyUsage and
 * nameConstraints.
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

/* GeneralName tags (RFC 5280 4.2.1.6) that we match. */
#define UF_GN_DNS	0x82	/* [2] IMPLICIT IA5String */
#define UF_GN_IP	0x87	/* [7] IMPLICIT OCTET STRING */

/*
 * The parts of a certificate we read. An extension's span is its
 * extnValue contents (inside the OCTET STRING), with p NULL when the
 * certificate does not have it.
 */
struct uf_cert {
	struct uf_der	issuer;		/* Name TLV, whole */
	struct uf_der	subject;	/* Name TLV, whole */
	struct uf_der	spki;		/* SubjectPublicKeyInfo contents */
	struct uf_der	san;		/* GeneralNames contents, or empty */
	int		has_san;	/* a subjectAltName extension */
	struct uf_der	bc;		/* basicConstraints */
	struct uf_der	ku;		/* keyUsage */
	struct uf_der	eku;		/* extendedKeyUsage */
	struct uf_der	nc;		/* nameConstraints */
	int		nc_critical;
};

/*
 * Find the parts above in der[0..len). Returns 0, or -1 when it is not
 * a certificate as far as we read it, or has one of the extensions we
 * read twice (RFC 5280 4.2: MUST NOT).
 */
int	uf_der_cert(const unsigned char *der, size_t len, struct uf_cert *c);

/* A public key, as far as the size checks need it. */
enum uf_key_type {
	UF_KEY_OTHER,		/* neither RSA nor EC (Ed25519, DSA, ...) */
	UF_KEY_RSA,
	UF_KEY_EC
};

struct uf_key {
	enum uf_key_type	type;
	unsigned		bits;	/* RSA: the modulus'; EC: the curve's,
					   0 for a curve we do not know */
	const char		*curve;	/* EC: "P-256" etc., or NULL */
};

/* c's public key in *k. Returns 0, or -1 when it is malformed. */
int	uf_der_key(const struct uf_cert *c, struct uf_key *k);

/* The size in bits of the unsigned big-endian integer p[0..len). */
unsigned	uf_der_bits(const unsigned char *p, size_t len);

/*
 * c's basicConstraints: *ca, and the pathLenConstraint in *pathlen (-1
 * when there is none). Without the extension, *ca is 0 and *pathlen
 * -1. Returns 0, or -1 when it is malformed.
 */
int	uf_der_basic(const struct uf_cert *c, int *ca, long *pathlen);

/*
 * keyUsage bits (RFC 5280 4.2.1.3): bit n of *bits is KeyUsage bit n.
 * Without the extension every usage is allowed (UF_KU_ANY). Returns 0,
 * or -1 when it is malformed.
 */
#define UF_KU_DIGITAL_SIGNATURE	0x001u
#define UF_KU_KEY_CERT_SIGN	0x020u
#define UF_KU_ANY		0x1ffu
int	uf_der_key_usage(const struct uf_cert *c, unsigned *bits);

/*
 * May c serve TLS: does its extendedKeyUsage list serverAuth or
 * anyExtendedKeyUsage, or does it have none? Returns 1 or 0, or -1
 * when the extension is malformed.
 */
int	uf_der_eku_server(const struct uf_cert *c);

/* One subtree of a nameConstraints extension (RFC 5280 4.2.1.10). */
struct uf_subtree {
	int		excluded;	/* 0: permitted */
	unsigned	tag;		/* the base's GeneralName tag */
	struct uf_der	base;		/* its contents */
};

/*
 * The i-th subtree of c's nameConstraints (permitted ones first) in
 * *st. Returns 1, 0 when there is no such subtree (or no extension),
 * or -1 when the extension is malformed, a subtree has a minimum or a
 * maximum (which RFC 5280 forbids), or an iPAddress base is not an
 * address and a mask (8 or 32 bytes).
 */
int	uf_der_subtree(const struct uf_cert *c, size_t i,
	    struct uf_subtree *st);

/*
 * The i-th subjectAltName entry of c with the GeneralName tag tag, its
 * contents in *name. Returns 0, or -1 when there is no such entry.
 */
int	uf_der_san_name(const struct uf_cert *c, unsigned tag, size_t i,
	    struct uf_der *name);

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
