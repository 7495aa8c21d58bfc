/*
 * der.c: a DER reader for the few certificate fields we need (see
 * der.h).
 */
#include <string.h>

#include "der.h"

#define TAG_BOOLEAN	0x01
#define TAG_INTEGER	0x02
#define TAG_BITS	0x03
#define TAG_OCTETS	0x04
#define TAG_OID		0x06
#define TAG_SEQUENCE	0x30
#define TAG_SET		0x31
#define TAG_VERSION	0xa0	/* [0] EXPLICIT */
#define TAG_EXTENSIONS	0xa3	/* [3] EXPLICIT */
#define TAG_PERMITTED	0xa0	/* [0] IMPLICIT GeneralSubtrees */
#define TAG_EXCLUDED	0xa1	/* [1] IMPLICIT GeneralSubtrees */

/* Extensions we read: id-ce (2.5.29) and their last arc. */
#define ID_CE_0		0x55
#define ID_CE_1		0x1d
#define EXT_KU		15
#define EXT_SAN		17
#define EXT_BC		19
#define EXT_NC		30
#define EXT_EKU		37

static const unsigned char	oid_cn[] = { 0x55, 0x04, 0x03 };
static const unsigned char	oid_rsa[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01
};
static const unsigned char	oid_ec[] = {
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01
};
static const unsigned char	oid_server_auth[] = {
	0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01
};
static const unsigned char	oid_any_eku[] = { 0x55, 0x1d, 0x25, 0x00 };

/* Named curves, to say which one a key is on and how big it is. */
static const struct {
	unsigned char	oid[8];
	unsigned char	len;
	unsigned short	bits;
	char		name[6];
} curves[] = {
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01 }, 8, 192, "P-192" },
	{ { 0x2b, 0x81, 0x04, 0x00, 0x21 }, 5, 224, "P-224" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 }, 8, 256, "P-256" },
	{ { 0x2b, 0x81, 0x04, 0x00, 0x22 }, 5, 384, "P-384" },
	{ { 0x2b, 0x81, 0x04, 0x00, 0x23 }, 5, 521, "P-521" },
};

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

/*
 * Note the extensions we read from the contents of [3] extensions.
 * Returns 0, or -1 on a malformed list or one of ours twice.
 */
static int
read_exts(struct uf_der exts, struct uf_cert *c)
{
	struct uf_der	seq, ext, oid, val, san = { NULL, 0 }, *slot;
	unsigned	tag;
	int		critical;

	if (expect(&exts, TAG_SEQUENCE, &seq, NULL) != 0) {
		return -1;
	}
	while (seq.len > 0) {
		if (expect(&seq, TAG_SEQUENCE, &ext, NULL) != 0
		    || expect(&ext, TAG_OID, &oid, NULL) != 0
		    || uf_der_next(&ext, &tag, &val, NULL) != 0) {
			return -1;
		}
		critical = 0;
		if (tag == TAG_BOOLEAN) {
			critical = val.len == 1 && val.p[0] != 0;
			if (uf_der_next(&ext, &tag, &val, NULL) != 0) {
				return -1;
			}
		}
		if (tag != TAG_OCTETS) {
			return -1;
		}
		if (oid.len != 3 || oid.p[0] != ID_CE_0 || oid.p[1] != ID_CE_1) {
			continue;
		}
		switch (oid.p[2]) {
		case EXT_KU:
			slot = &c->ku;
			break;
		case EXT_SAN:
			slot = &san;
			break;
		case EXT_BC:
			slot = &c->bc;
			break;
		case EXT_NC:
			slot = &c->nc;
			c->nc_critical = critical;
			break;
		case EXT_EKU:
			slot = &c->eku;
			break;
		default:
			continue;
		}
		if (slot->p != NULL) {
			return -1;
		}
		*slot = val;
	}
	/* A SAN we cannot read names nothing. */
	if (san.p != NULL) {
		c->has_san = 1;
		if (expect(&san, TAG_SEQUENCE, &c->san, NULL) != 0) {
			c->san.len = 0;
		}
	}
	return 0;
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
	    || expect(&tbs, TAG_SEQUENCE, &c->spki, NULL) != 0) {
		return -1;
	}
	/* Unique IDs ([1], [2]) may come before [3] extensions. */
	while (tbs.len > 0) {
		if (uf_der_next(&tbs, &tag, &skip, NULL) != 0) {
			return -1;
		}
		if (tag == TAG_EXTENSIONS && read_exts(skip, c) != 0) {
			return -1;
		}
	}
	return 0;
}

/* see der.h */
int
uf_der_key(const struct uf_cert *c, struct uf_key *k)
{
	struct uf_der	in = c->spki, alg, oid, bits, rsa, n;
	size_t		i;

	memset(k, 0, sizeof *k);
	if (expect(&in, TAG_SEQUENCE, &alg, NULL) != 0
	    || expect(&alg, TAG_OID, &oid, NULL) != 0
	    || expect(&in, TAG_BITS, &bits, NULL) != 0) {
		return -1;
	}
	if (oid_is(oid, oid_rsa, sizeof oid_rsa)) {
		/* No unused bits, then SEQUENCE { modulus, exponent }. */
		if (bits.len < 1 || bits.p[0] != 0) {
			return -1;
		}
		bits.p++;
		bits.len--;
		if (expect(&bits, TAG_SEQUENCE, &rsa, NULL) != 0
		    || expect(&rsa, TAG_INTEGER, &n, NULL) != 0
		    || n.len == 0 || (n.p[0] & 0x80) != 0) {
			return -1;
		}
		k->type = UF_KEY_RSA;
		k->bits = uf_der_bits(n.p, n.len);
		return 0;
	}
	if (!oid_is(oid, oid_ec, sizeof oid_ec)) {
		k->type = UF_KEY_OTHER;
		return 0;
	}
	/* A named curve; explicit parameters are a curve we do not know. */
	k->type = UF_KEY_EC;
	if (expect(&alg, TAG_OID, &oid, NULL) == 0) {
		for (i = 0; i < sizeof curves / sizeof curves[0]; i++) {
			if (oid_is(oid, curves[i].oid, curves[i].len)) {
				k->bits = curves[i].bits;
				k->curve = curves[i].name;
			}
		}
	}
	return 0;
}

/* see der.h */
unsigned
uf_der_bits(const unsigned char *p, size_t len)
{
	unsigned	bits, b;

	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	if (len == 0) {
		return 0;
	}
	bits = (unsigned)(8 * (len - 1));
	for (b = *p; b != 0; b >>= 1) {
		bits++;
	}
	return bits;
}

/* see der.h */
int
uf_der_basic(const struct uf_cert *c, int *ca, long *pathlen)
{
	struct uf_der	in = c->bc, seq, v;
	size_t		i;

	*ca = 0;
	*pathlen = -1;
	if (c->bc.p == NULL) {
		return 0;
	}
	if (expect(&in, TAG_SEQUENCE, &seq, NULL) != 0 || in.len != 0) {
		return -1;
	}
	if (seq.len > 0 && seq.p[0] == TAG_BOOLEAN) {
		if (uf_der_next(&seq, NULL, &v, NULL) != 0 || v.len != 1) {
			return -1;
		}
		*ca = v.p[0] != 0;
	}
	if (seq.len > 0) {
		/* A non-negative INTEGER; more than 2^31 makes no sense. */
		if (expect(&seq, TAG_INTEGER, &v, NULL) != 0 || seq.len != 0
		    || v.len == 0 || v.len > 4 || (v.p[0] & 0x80) != 0) {
			return -1;
		}
		*pathlen = 0;
		for (i = 0; i < v.len; i++) {
			*pathlen = *pathlen << 8 | v.p[i];
		}
	}
	return 0;
}

/* see der.h */
int
uf_der_key_usage(const struct uf_cert *c, unsigned *bits)
{
	struct uf_der	in = c->ku, v;
	size_t		i;

	*bits = UF_KU_ANY;
	if (c->ku.p == NULL) {
		return 0;
	}
	/* A BIT STRING: the count of unused bits, then the bits. */
	if (expect(&in, TAG_BITS, &v, NULL) != 0 || in.len != 0 || v.len == 0
	    || v.p[0] > 7 || (v.len == 1 && v.p[0] != 0)) {
		return -1;
	}
	*bits = 0;
	for (i = 0; i < 9 && i < (v.len - 1) * 8; i++) {
		if (v.p[1 + i / 8] & (0x80 >> (i % 8))) {
			*bits |= 1u << i;
		}
	}
	return 0;
}

/* see der.h */
int
uf_der_eku_server(const struct uf_cert *c)
{
	struct uf_der	in = c->eku, seq, oid;
	int		ok = 0;

	if (c->eku.p == NULL) {
		return 1;
	}
	if (expect(&in, TAG_SEQUENCE, &seq, NULL) != 0 || in.len != 0) {
		return -1;
	}
	while (seq.len > 0) {
		if (expect(&seq, TAG_OID, &oid, NULL) != 0) {
			return -1;
		}
		if (oid_is(oid, oid_server_auth, sizeof oid_server_auth)
		    || oid_is(oid, oid_any_eku, sizeof oid_any_eku)) {
			ok = 1;
		}
	}
	return ok;
}

/* see der.h */
int
uf_der_subtree(const struct uf_cert *c, size_t i, struct uf_subtree *st)
{
	struct uf_der	in = c->nc, seq, trees, sub;
	unsigned	tag;

	if (c->nc.p == NULL) {
		return 0;
	}
	if (expect(&in, TAG_SEQUENCE, &seq, NULL) != 0 || in.len != 0) {
		return -1;
	}
	while (seq.len > 0) {
		if (uf_der_next(&seq, &tag, &trees, NULL) != 0
		    || (tag != TAG_PERMITTED && tag != TAG_EXCLUDED)) {
			return -1;
		}
		while (trees.len > 0) {
			/* Anything after the base is a minimum or maximum. */
			if (expect(&trees, TAG_SEQUENCE, &sub, NULL) != 0
			    || uf_der_next(&sub, &st->tag, &st->base, NULL)
			    != 0 || sub.len != 0 || (st->tag == UF_GN_IP
			    && st->base.len != 8 && st->base.len != 32)) {
				return -1;
			}
			if (i-- == 0) {
				st->excluded = tag == TAG_EXCLUDED;
				return 1;
			}
		}
	}
	return 0;
}

/* see der.h */
int
uf_der_san_name(const struct uf_cert *c, unsigned want, size_t i,
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

	for (i = 0; uf_der_san_name(c, UF_GN_IP, i, &name) == 0; i++) {
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
	return uf_der_san_name(c, UF_GN_DNS, i, name);
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
