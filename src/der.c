/*
 * der.c: a DER reader for the few certificate fields we need (see
 * der.h).
 */
#include <string.h>

#include "der.h"

#define TAG_SEQUENCE	0x30
#define TAG_SET		0x31
#define TAG_OID		0x06
#define TAG_OCTETS	0x04
#define TAG_BOOLEAN	0x01
#define TAG_VERSION	0xa0	/* [0] EXPLICIT */
#define TAG_EXTENSIONS	0xa3	/* [3] EXPLICIT */
#define GN_DNS		0x82	/* [2] IMPLICIT IA5String */
#define GN_IP		0x87	/* [7] IMPLICIT OCTET STRING */

static const unsigned char	oid_san[] = { 0x55, 0x1d, 0x11 };
static const unsigned char	oid_cn[] = { 0x55, 0x04, 0x03 };

/* see der.h */
int
uf_der_next(struct uf_der *in, unsigned *tag, struct uf_der *val,
    struct uf_der *whole)
{
	const unsigned char	*p = in->p;
	size_t			left = in->len, len, hdr, n, i;

	if (left < 2 || (p[0] & 0x1f) == 0x1f) {
		return -1;
	}
	len = p[1];
	hdr = 2;
	if (len & 0x80) {
		n = len & 0x7f;
		/* Indefinite (n == 0) is BER, not DER; 4 bytes is plenty. */
		if (n == 0 || n > 4 || left < 2 + n) {
			return -1;
		}
		len = 0;
		for (i = 0; i < n; i++) {
			len = (len << 8) | p[2 + i];
		}
		hdr += n;
	}
	if (len > left - hdr) {
		return -1;
	}
	if (tag != NULL) {
		*tag = p[0];
	}
	if (val != NULL) {
		val->p = p + hdr;
		val->len = len;
	}
	if (whole != NULL) {
		whole->p = p;
		whole->len = hdr + len;
	}
	in->p = p + hdr + len;
	in->len = left - hdr - len;
	return 0;
}

/* Take a TLV that must have tag want. */
static int
expect(struct uf_der *in, unsigned want, struct uf_der *val,
    struct uf_der *whole)
{
	unsigned	tag;

	return uf_der_next(in, &tag, val, whole) == 0 && tag == want ? 0 : -1;
}

static int
oid_is(struct uf_der oid, const unsigned char *want, size_t len)
{
	return oid.len == len && memcmp(oid.p, want, len) == 0;
}

/* Find the subjectAltName in the contents of [3] extensions. */
static void
find_san(struct uf_der exts, struct uf_der *san)
{
	struct uf_der	seq, ext, oid, val;
	unsigned	tag;

	if (expect(&exts, TAG_SEQUENCE, &seq, NULL) != 0) {
		return;
	}
	while (seq.len > 0) {
		if (expect(&seq, TAG_SEQUENCE, &ext, NULL) != 0
		    || expect(&ext, TAG_OID, &oid, NULL) != 0) {
			return;
		}
		if (!oid_is(oid, oid_san, sizeof oid_san)) {
			continue;
		}
		if (uf_der_next(&ext, &tag, &val, NULL) != 0) {
			return;
		}
		if (tag == TAG_BOOLEAN
		    && uf_der_next(&ext, &tag, &val, NULL) != 0) {
			return;
		}
		if (tag != TAG_OCTETS
		    || expect(&val, TAG_SEQUENCE, san, NULL) != 0) {
			san->len = 0;
		}
		return;
	}
}

/* see der.h */
int
uf_der_cert(const unsigned char *der, size_t len, struct uf_cert *c)
{
	struct uf_der	in = { der, len }, cert, tbs, skip;
	unsigned	tag;

	memset(c, 0, sizeof *c);
	if (expect(&in, TAG_SEQUENCE, &cert, NULL) != 0
	    || expect(&cert, TAG_SEQUENCE, &tbs, NULL) != 0) {
		return -1;
	}
	/* [0] version (optional), serial, signature algorithm */
	if (uf_der_next(&tbs, &tag, NULL, NULL) != 0) {
		return -1;
	}
	if (tag == TAG_VERSION && uf_der_next(&tbs, NULL, NULL, NULL) != 0) {
		return -1;
	}
	if (expect(&tbs, TAG_SEQUENCE, NULL, NULL) != 0
	    || expect(&tbs, TAG_SEQUENCE, NULL, &c->issuer) != 0
	    || expect(&tbs, TAG_SEQUENCE, NULL, NULL) != 0
	    || expect(&tbs, TAG_SEQUENCE, NULL, &c->subject) != 0
	    || expect(&tbs, TAG_SEQUENCE, NULL, NULL) != 0) {
		return -1;
	}
	/* Unique IDs ([1], [2]) may come before [3] extensions. */
	while (tbs.len > 0) {
		if (uf_der_next(&tbs, &tag, &skip, NULL) != 0) {
			return -1;
		}
		if (tag == TAG_EXTENSIONS) {
			find_san(skip, &c->san);
		}
	}
	return 0;
}

/* The i-th GeneralName of c->san with tag want. */
static int
nth_name(const struct uf_cert *c, unsigned want, size_t i,
    struct uf_der *name)
{
	struct uf_der	in = c->san;
	unsigned	tag;

	while (in.len > 0) {
		if (uf_der_next(&in, &tag, name, NULL) != 0) {
			return -1;
		}
		if (tag == want && i-- == 0) {
			return 0;
		}
	}
	return -1;
}

/* see der.h */
int
uf_der_san_ip(const struct uf_cert *c, const unsigned char *ip, size_t iplen)
{
	struct uf_der	name;
	size_t		i;

	for (i = 0; nth_name(c, GN_IP, i, &name) == 0; i++) {
		if (name.len == iplen && memcmp(name.p, ip, iplen) == 0) {
			return 1;
		}
	}
	return 0;
}

/* see der.h */
int
uf_der_san_dns(const struct uf_cert *c, size_t i, struct uf_der *name)
{
	return nth_name(c, GN_DNS, i, name);
}

/* see der.h */
int
uf_der_name_cn(struct uf_der name, struct uf_der *cn)
{
	struct uf_der	seq, rdn, atv, oid;

	if (expect(&name, TAG_SEQUENCE, &seq, NULL) != 0) {
		return -1;
	}
	while (seq.len > 0) {
		if (expect(&seq, TAG_SET, &rdn, NULL) != 0) {
			return -1;
		}
		while (rdn.len > 0) {
			if (expect(&rdn, TAG_SEQUENCE, &atv, NULL) != 0
			    || expect(&atv, TAG_OID, &oid, NULL) != 0) {
				return -1;
			}
			if (oid_is(oid, oid_cn, sizeof oid_cn)
			    && uf_der_next(&atv, NULL, cn, NULL) == 0) {
				return 0;
			}
		}
	}
	return -1;
}
