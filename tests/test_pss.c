/*
 * test_pss.c: uf_pss_verify against signatures by OpenSSL
 * (tests/pss/vectors.h: keys of 2048, 3072, 4096, 2049 and 3071 bits,
 * SHA-256/384/512, and signatures with other salt lengths, MGF1 over
 * SHA-1 and PKCS #1 v1.5 that must be refused), the CertificateVerify of
 * RFC 8448 section 3, and encoded messages made here with the public
 * exponent 1 (tests/emsa_pss.h), each broken in one place. Every valid
 * signature is also tried tampered, one byte short, one byte long, over
 * another hash value, with another key and with another hash function.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "emsa_pss.h"
#include "hex.h"
#include "pss.h"
#include "pss/vectors.h"
#include "rfc8448.h"

#define MOD_MAX		(4096 / 8)
#define SIG_MAX		(MOD_MAX + 1)
#define TRAILER		0xbc

struct key {
	br_rsa_public_key	pk;
	unsigned char		n[MOD_MAX + 1], e[3];
};

static void
key_from(struct key *k, const char *n_hex, const char *e_hex)
{
	k->pk.n = k->n;
	k->pk.nlen = unhex(k->n, sizeof k->n, n_hex);
	k->pk.e = k->e;
	k->pk.elen = unhex(k->e, sizeof k->e, e_hex);
}

/* The key of that many bits in vectors.h. */
static void
table_key(struct key *k, unsigned bits)
{
	size_t	i;

	for (i = 0; i < sizeof pss_keys / sizeof pss_keys[0]; i++) {
		if (pss_keys[i].bits == bits) {
			key_from(k, pss_keys[i].n, PSS_E);
			return;
		}
	}
	cr_assert_fail("no %u-bit key", bits);
}

static const struct {
	const char		*name;
	const br_hash_class	*h;
} hashes[] = {
	{ "sha256", &br_sha256_vtable },
	{ "sha384", &br_sha384_vtable },
	{ "sha512", &br_sha512_vtable },
};

#define N_HASHES	(sizeof hashes / sizeof hashes[0])

static const br_hash_class *
hash_named(const char *name)
{
	size_t	i;

	for (i = 0; i < N_HASHES; i++) {
		if (strcmp(hashes[i].name, name) == 0) {
			return hashes[i].h;
		}
	}
	cr_assert_fail("no hash %s", name);
	return NULL;
}

/* hv = h(PSS_MESSAGE) */
static void
digest(const br_hash_class *h, unsigned char *hv)
{
	br_hash_compat_context	hc;

	h->init(&hc.vtable);
	h->update(&hc.vtable, PSS_MESSAGE, strlen(PSS_MESSAGE));
	h->out(&hc.vtable, hv);
}

/* The keys are the sizes their names say: 2049 and 3071 matter. */
Test(pss, key_sizes)
{
	struct key	k;
	size_t		i;

	for (i = 0; i < sizeof pss_keys / sizeof pss_keys[0]; i++) {
		table_key(&k, pss_keys[i].bits);
		cr_expect_eq(emsa_bits(k.pk.n, k.pk.nlen), pss_keys[i].bits);
	}
}

Test(pss, openssl_vectors)
{
	unsigned char	sig[SIG_MAX], hv[EMSA_HASH_MAX];
	struct key	k;
	size_t		i, len;

	for (i = 0; i < sizeof pss_sigs / sizeof pss_sigs[0]; i++) {
		const struct pss_sig	*s = &pss_sigs[i];
		const br_hash_class	*h = hash_named(s->hash);

		table_key(&k, s->bits);
		len = unhex(sig, sizeof sig, s->sig);
		digest(h, hv);
		cr_expect_eq(uf_pss_verify(&k.pk, h, hv, sig, len), s->valid,
		    "%u bits, %s, %s", s->bits, s->hash, s->how);
	}
}

/* Each valid signature, broken every way the caller could break it. */
Test(pss, tampered)
{
	unsigned char	sig[SIG_MAX + 1], hv[EMSA_HASH_MAX];
	struct key	k, other;
	size_t		i, j, len, hlen, pos[3];

	for (i = 0; i < sizeof pss_sigs / sizeof pss_sigs[0]; i++) {
		const struct pss_sig	*s = &pss_sigs[i];
		const br_hash_class	*h = hash_named(s->hash);

		if (!s->valid) {
			continue;
		}
		table_key(&k, s->bits);
		len = unhex(sig, sizeof sig, s->sig);
		hlen = emsa_hash_len(h);
		digest(h, hv);
		cr_assert_eq(uf_pss_verify(&k.pk, h, hv, sig, len), 1);

		/* A bit of the signature: first, middle, last byte. */
		pos[0] = 0;
		pos[1] = len / 2;
		pos[2] = len - 1;
		for (j = 0; j < 3; j++) {
			sig[pos[j]] ^= 0x10;
			cr_expect_eq(uf_pss_verify(&k.pk, h, hv, sig, len), 0,
			    "%u/%s: byte %zu", s->bits, s->hash, pos[j]);
			sig[pos[j]] ^= 0x10;
		}

		/* A bit of the hash value, first and last byte. */
		hv[0] ^= 1;
		cr_expect_eq(uf_pss_verify(&k.pk, h, hv, sig, len), 0);
		hv[0] ^= 1;
		hv[hlen - 1] ^= 0x80;
		cr_expect_eq(uf_pss_verify(&k.pk, h, hv, sig, len), 0);
		hv[hlen - 1] ^= 0x80;

		/* One byte short, either end; one byte long, either end (a
		 * leading zero: the same number). */
		cr_expect_eq(uf_pss_verify(&k.pk, h, hv, sig, len - 1), 0);
		cr_expect_eq(uf_pss_verify(&k.pk, h, hv, sig + 1, len - 1),
		    0);
		sig[len] = 0;
		cr_expect_eq(uf_pss_verify(&k.pk, h, hv, sig, len + 1), 0);
		memmove(sig + 1, sig, len);
		sig[0] = 0;
		cr_expect_eq(uf_pss_verify(&k.pk, h, hv, sig, len + 1), 0);
		memmove(sig, sig + 1, len);

		/* Every other key (3071 and 3072 bits: the same length). */
		for (j = 0; j < sizeof pss_keys / sizeof pss_keys[0]; j++) {
			if (pss_keys[j].bits == s->bits) {
				continue;
			}
			table_key(&other, pss_keys[j].bits);
			cr_expect_eq(uf_pss_verify(&other.pk, h, hv, sig, len),
			    0, "%u/%s: the %u-bit key", s->bits, s->hash,
			    pss_keys[j].bits);
		}

		/* Every other hash, over the same message. */
		for (j = 0; j < N_HASHES; j++) {
			if (hashes[j].h == h) {
				continue;
			}
			digest(hashes[j].h, hv);
			cr_expect_eq(uf_pss_verify(&k.pk, hashes[j].h, hv, sig,
			    len), 0, "%u/%s: as %s", s->bits, s->hash,
			    hashes[j].name);
		}
	}
}

/* The signature of vectors.h by that key, with that hash, made so. */
static size_t
table_sig(unsigned bits, const char *hash, const char *how,
    unsigned char *sig)
{
	size_t	i;

	for (i = 0; i < sizeof pss_sigs / sizeof pss_sigs[0]; i++) {
		if (pss_sigs[i].bits == bits
		    && strcmp(pss_sigs[i].hash, hash) == 0
		    && strcmp(pss_sigs[i].how, how) == 0) {
			return unhex(sig, SIG_MAX, pss_sigs[i].sig);
		}
	}
	cr_assert_fail("no signature %u/%s/%s", bits, hash, how);
	return 0;
}

/* BearSSL allows leading zeros in n (bearssl_rsa.h). */
Test(pss, modulus_with_leading_zeros)
{
	unsigned char	sig[SIG_MAX], hv[EMSA_HASH_MAX];
	struct key	k;
	size_t		len;

	len = table_sig(2049, "sha256", "saltlen:digest", sig);
	table_key(&k, 2049);
	memmove(k.n + 1, k.n, k.pk.nlen);
	k.n[0] = 0;
	k.pk.nlen++;
	digest(&br_sha256_vtable, hv);
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha256_vtable, hv, sig, len),
	    1);
	/* The length is the modulus' own, not its representation's. */
	memmove(sig + 1, sig, len);
	sig[0] = 0;
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha256_vtable, hv, sig,
	    len + 1), 0);
}

/* RFC 8446 4.4.3: 64 spaces, the context string, 0, the hash. */
static void
cv_hash(const char *context, unsigned char *hv)
{
	br_sha256_context	sc;
	unsigned char		pad[64], th[32];

	memset(pad, ' ', sizeof pad);
	unhex(th, sizeof th, RFC8448_CERTIFICATE_HASH);
	br_sha256_init(&sc);
	br_sha256_update(&sc, pad, sizeof pad);
	br_sha256_update(&sc, context, strlen(context) + 1);
	br_sha256_update(&sc, th, sizeof th);
	br_sha256_out(&sc, hv);
}

/* The server's CertificateVerify of RFC 8448 section 3 (1024 bits). */
Test(pss, rfc8448_certificate_verify)
{
	/* type, length (3), scheme (2), signature length (2) */
	enum { CV_HEADER = 4 + 2 + 2 };
	unsigned char	cv[256], hv[32];
	struct key	k;
	size_t		len;

	key_from(&k, RFC8448_SERVER_RSA_N, PSS_E);
	len = unhex(cv, sizeof cv, RFC8448_CERTIFICATE_VERIFY);
	cr_assert_eq(len, CV_HEADER + k.pk.nlen);
	cr_assert(cv[4] == 0x08 && cv[5] == 0x04, "rsa_pss_rsae_sha256");
	cv_hash("TLS 1.3, server CertificateVerify", hv);
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha256_vtable, hv,
	    cv + CV_HEADER, len - CV_HEADER), 1);
	cv_hash("TLS 1.3, client CertificateVerify", hv);
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha256_vtable, hv,
	    cv + CV_HEADER, len - CV_HEADER), 0);
}

/*
 * n = 2^bits - 1 (odd, as RSA wants) and e = 1: every encoded message
 * is below n and its own signature, so what refuses a broken one is
 * uf_pss_verify's own checks, not the RSA operation.
 */
static void
ones_key(struct key *k, size_t bits)
{
	size_t	len = (bits + 7) / 8;

	cr_assert_leq(len, sizeof k->n);
	memset(k->n, 0xff, len);
	k->n[0] = (unsigned char)(0xff >> (8 * len - bits));
	k->pk.n = k->n;
	k->pk.nlen = len;
	k->e[0] = 1;
	k->pk.e = k->e;
	k->pk.elen = 1;
}

/*
 * Encoded messages built here for such a modulus, each broken in one
 * place. The offsets are from the end of EM: DB is emLen-hLen-1
 * bytes, H hLen, then the trailer; the salt ends DB.
 */
enum flaw {
	NONE,
	TRAILER_BYTE,		/* 0xbc -> 0xbd */
	TOP_BIT,		/* a bit above emBits set */
	LEADING_OCTET,		/* the zero octet before EM, if any */
	SEPARATOR,		/* DB's 0x01 -> 0x00 */
	PADDING,		/* a padding byte not zero */
	SALT_BYTE,		/* the salt, so H' differs */
	H_BYTE,			/* H, so the mask and H' differ */
	SALT_SHORTER,		/* encoded with a salt of hLen - 1 bytes */
	SALT_LONGER,		/* hLen + 1 */
	SALT_EMPTY,		/* 0 */
	SHORT_SIG,		/* siglen k - 1 */
};

static const struct {
	enum flaw	flaw;
	const char	*what;
	int		valid;
} flaws[] = {
	{ NONE, "well-formed", 1 },
	{ TRAILER_BYTE, "trailer", 0 },
	{ TOP_BIT, "bit above emBits", 0 },
	{ LEADING_OCTET, "octet before EM", 0 },
	{ SEPARATOR, "separator", 0 },
	{ PADDING, "padding", 0 },
	{ SALT_BYTE, "salt", 0 },
	{ H_BYTE, "H", 0 },
	{ SALT_SHORTER, "salt of hLen - 1", 0 },
	{ SALT_LONGER, "salt of hLen + 1", 0 },
	{ SALT_EMPTY, "no salt", 0 },
	{ SHORT_SIG, "one byte short", 0 },
};

/* Build the signature with flaw f; 0 when f does not apply to it. */
static int
flawed(enum flaw f, const br_hash_class *h, const struct key *k,
    const unsigned char *hv, unsigned char *sig, size_t *len)
{
	static const unsigned char	salt[EMSA_HASH_MAX + 1] = "salt";
	size_t				hlen = emsa_hash_len(h), slen = hlen;
	size_t				bits = emsa_bits(k->pk.n, k->pk.nlen);
	size_t				em_len = (bits - 1 + 7) / 8, top;
	unsigned char			*em, *end;

	*len = (bits + 7) / 8;
	top = 8 * em_len - (bits - 1);	/* bits above emBits */
	if (f == SALT_SHORTER) {
		slen = hlen - 1;
	} else if (f == SALT_LONGER) {
		slen = hlen + 1;
	} else if (f == SALT_EMPTY) {
		slen = 0;
	}
	cr_assert(emsa_pss_encode(h, hv, salt, slen, bits, sig));
	em = sig + *len - em_len;
	end = sig + *len;
	switch (f) {
	case TRAILER_BYTE:
		end[-1] ^= 0x01;
		break;
	case TOP_BIT:
		if (top == 0) {
			return 0;
		}
		/* The lowest of them: the highest bit of the modulus. */
		em[0] |= (unsigned char)(0x80 >> (top - 1));
		break;
	case LEADING_OCTET:
		if (em == sig) {
			return 0;
		}
		sig[0] = 1;
		break;
	case SEPARATOR:
		/* The mask is XORed on: flipping EM flips DB. */
		end[-1 - (long)hlen - (long)hlen - 1] ^= 0x01;
		break;
	case PADDING:
		em[1] ^= 0x04;
		break;
	case SALT_BYTE:
		end[-1 - (long)hlen - 1] ^= 0x20;
		break;
	case H_BYTE:
		end[-2] ^= 0x02;
		break;
	case SHORT_SIG:
		(*len)--;
		break;
	default:
		break;
	}
	return 1;
}

Test(pss, malformed_encodings)
{
	static const unsigned	sizes[] = { 2048, 2049, 3071, 4096 };
	unsigned char		sig[SIG_MAX], hv[EMSA_HASH_MAX];
	struct key		k;
	size_t			i, j, f, len;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		ones_key(&k, sizes[i]);
		for (j = 0; j < N_HASHES; j++) {
			digest(hashes[j].h, hv);
			for (f = 0; f < sizeof flaws / sizeof flaws[0]; f++) {
				if (!flawed(flaws[f].flaw, hashes[j].h, &k, hv,
				    sig, &len)) {
					continue;
				}
				cr_expect_eq(uf_pss_verify(&k.pk, hashes[j].h,
				    hv, sig, len), flaws[f].valid,
				    "%u bits, %s: %s", sizes[i],
				    hashes[j].name, flaws[f].what);
			}
		}
	}
}

/* emLen = 2 hLen + 2 is the smallest that holds SHA-512's. */
Test(pss, smallest_modulus)
{
	unsigned char	sig[SIG_MAX], hv[EMSA_HASH_MAX], salt[EMSA_HASH_MAX];
	struct key	k;
	size_t		len = 2 * br_sha512_SIZE + 2;

	digest(&br_sha512_vtable, hv);
	memset(salt, 0x5a, sizeof salt);
	ones_key(&k, 8 * len);
	cr_assert(emsa_pss_encode(&br_sha512_vtable, hv, salt,
	    br_sha512_SIZE, 8 * len, sig));
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha512_vtable, hv, sig, len),
	    1);
	/* A byte less cannot hold it: refused, nothing read outside. */
	ones_key(&k, 8 * (len - 1));
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha512_vtable, hv, sig + 1,
	    len - 1), 0);
	ones_key(&k, 8);
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha512_vtable, hv, sig, 1), 0);
}

Test(pss, degenerate_input)
{
	unsigned char	sig[SIG_MAX], hv[EMSA_HASH_MAX];
	struct key	k;
	size_t		len;

	digest(&br_sha256_vtable, hv);
	table_key(&k, 2048);
	len = k.pk.nlen;
	/* s = n and s all ones: not below n. */
	memcpy(sig, k.n, len);
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha256_vtable, hv, sig, len),
	    0);
	memset(sig, 0xff, len);
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha256_vtable, hv, sig, len),
	    0);
	memset(sig, 0, len);
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha256_vtable, hv, sig, len),
	    0);
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha256_vtable, hv, sig, 0), 0);
	/* A modulus of zeros, and one over 4096 bits. */
	memset(k.n, 0, len);
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha256_vtable, hv, sig, len),
	    0);
	ones_key(&k, 8 * (MOD_MAX + 1));
	k.e[0] = 3;
	cr_expect_eq(uf_pss_verify(&k.pk, &br_sha256_vtable, hv, sig,
	    MOD_MAX + 1), 0);
}
