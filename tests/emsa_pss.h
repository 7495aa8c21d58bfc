/*
 * emsa_pss.h: EMSA-PSS-ENCODE (RFC 8017 9.1.1), the signer's half, for
 * tests/test_pss.c and fuzz/fuzz_pss.c. With the public exponent 1 the
 * RSA operation is the identity, so an encoded message is its own
 * signature: the tests make well-formed and malformed ones at will,
 * without a private key.
 */
#ifndef UF_TEST_EMSA_PSS_H
#define UF_TEST_EMSA_PSS_H

#include <stddef.h>
#include <string.h>

#include <bearssl.h>

#define EMSA_HASH_MAX	br_sha512_SIZE

static inline size_t
emsa_hash_len(const br_hash_class *h)
{
	return (size_t)(h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

/* The modulus' size in bits, of n[0..len) big-endian. */
static inline size_t
emsa_bits(const unsigned char *n, size_t len)
{
	size_t		bits = 8 * len;
	unsigned char	top;

	for (; len > 0 && *n == 0; n++, len--) {
		bits -= 8;
	}
	for (top = len > 0 ? *n : 1; top < 0x80; top <<= 1) {
		bits--;
	}
	return len > 0 ? bits : 0;
}

/*
 * Encode hv (one output of h) with salt (salt_len bytes) for a modulus
 * of mod_bits bits into em[0..k), k = (mod_bits + 7) / 8, a leading
 * zero byte included when emLen is k - 1. MGF1 uses h too. Returns 0
 * when the modulus is too small for it.
 */
static inline int
emsa_pss_encode(const br_hash_class *h, const unsigned char *hv,
    const unsigned char *salt, size_t salt_len, size_t mod_bits,
    unsigned char *em)
{
	br_hash_compat_context	hc;
	unsigned char		hh[EMSA_HASH_MAX], t[EMSA_HASH_MAX], c[4];
	size_t			hlen = emsa_hash_len(h), k, em_bits, em_len;
	size_t			db_len, i, j;
	uint32_t		counter;

	k = (mod_bits + 7) / 8;
	em_bits = mod_bits - 1;
	em_len = (em_bits + 7) / 8;
	if (em_len < hlen + salt_len + 2) {
		return 0;
	}
	memset(em, 0, k);
	em += k - em_len;
	db_len = em_len - hlen - 1;

	/* H = Hash(00 x 8 || mHash || salt), after DB. */
	h->init(&hc.vtable);
	memset(t, 0, 8);
	h->update(&hc.vtable, t, 8);
	h->update(&hc.vtable, hv, hlen);
	h->update(&hc.vtable, salt, salt_len);
	h->out(&hc.vtable, hh);
	memcpy(em + db_len, hh, hlen);
	em[em_len - 1] = 0xbc;

	/* DB = PS || 01 || salt, masked with MGF1(H). */
	em[db_len - salt_len - 1] = 0x01;
	memcpy(em + db_len - salt_len, salt, salt_len);
	for (i = 0, counter = 0; i < db_len; counter++) {
		c[0] = (unsigned char)(counter >> 24);
		c[1] = (unsigned char)(counter >> 16);
		c[2] = (unsigned char)(counter >> 8);
		c[3] = (unsigned char)counter;
		h->init(&hc.vtable);
		h->update(&hc.vtable, hh, hlen);
		h->update(&hc.vtable, c, 4);
		h->out(&hc.vtable, t);
		for (j = 0; j < hlen && i < db_len; j++, i++) {
			em[i] ^= t[j];
		}
	}
	em[0] &= (unsigned char)(0xff >> (8 * em_len - em_bits));
	return 1;
}

#endif
