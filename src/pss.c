/*
 * pss.c: EMSA-PSS verification (RFC 8017 8.1.2 and 9.1.2) over
 * BearSSL's RSA public operation; the contract is in pss.h.
 *
 * The signature, raised to e modulo n, is k bytes (k the modulus length
 * without leading zeros). The encoded message EM has emBits = modBits-1
 * bits in emLen = ceil(emBits / 8) bytes: when modBits-1 is a multiple
 * of 8, emLen is k-1 and the first byte of the k must be zero; else
 * emLen is k and the 8*emLen-emBits top bits of EM must be zero.
 *
 *   EM = maskedDB || H || 0xbc, DB = maskedDB xor MGF1(H, emLen-hLen-1)
 *   DB = 0x00 .. 0x00 || 0x01 || salt (sLen = hLen bytes)
 *   H  = Hash(0x00 * 8 || mHash || salt)
 */
#include <string.h>

#include "hkdf.h"
#include "pss.h"

/* BearSSL 0.6's RSA code and br_x509_minimal stop at 4096 bits. */
#define MOD_MAX		(4096 / 8)
#define HASH_OUT_MAX	br_sha512_SIZE
#define EM_TRAILER	0xbc
#define DB_SEPARATOR	0x01
#define PREFIX_ZEROS	8	/* M' = (0x)00 00 00 00 00 00 00 00 || ... */

/* db[0..len) ^= MGF1(seed, len) with h (RFC 8017 B.2.1). */
static void
mgf1_xor(const br_hash_class *h, const unsigned char *seed, size_t hlen,
    unsigned char *db, size_t len)
{
	br_hash_compat_context	hc;
	unsigned char		t[HASH_OUT_MAX], c[4];
	uint32_t		counter;
	size_t			i, n;

	for (counter = 0; len > 0; counter++) {
		c[0] = (unsigned char)(counter >> 24);
		c[1] = (unsigned char)(counter >> 16);
		c[2] = (unsigned char)(counter >> 8);
		c[3] = (unsigned char)counter;
		h->init(&hc.vtable);
		h->update(&hc.vtable, seed, hlen);
		h->update(&hc.vtable, c, sizeof c);
		h->out(&hc.vtable, t);
		n = len < hlen ? len : hlen;
		for (i = 0; i < n; i++) {
			db[i] ^= t[i];
		}
		db += n;
		len -= n;
	}
}

/* see pss.h */
int
uf_pss_verify(const br_rsa_public_key *pk, const br_hash_class *h,
    const unsigned char *hv, const unsigned char *sig, size_t siglen)
{
	static const unsigned char	zeros[PREFIX_ZEROS];
	br_rsa_public_key		key = *pk;
	br_hash_compat_context		hc;
	unsigned char			buf[MOD_MAX], hh[HASH_OUT_MAX];
	unsigned char			*em, *db, *salt, top;
	size_t				hlen, k, embits, emlen, dblen, i;

	hlen = uf_hash_len(h);
	if (hlen > HASH_OUT_MAX) {
		return 0;
	}
	/* BearSSL allows leading zeros in n; its public operation wants
	 * exactly the modulus' own length. */
	while (key.nlen > 0 && key.n[0] == 0) {
		key.n++;
		key.nlen--;
	}
	k = key.nlen;
	if (k == 0 || k > MOD_MAX || siglen != k) {
		return 0;
	}
	memcpy(buf, sig, k);
	/* Fails for a signature not below n (RFC 8017 5.2.2 step 1). */
	if (!br_rsa_i31_public(buf, k, &key)) {
		return 0;
	}

	for (top = key.n[0], embits = 8 * (k - 1); top != 0; top >>= 1) {
		embits++;
	}
	embits--;			/* modBits - 1 */
	emlen = (embits + 7) / 8;
	em = buf;
	if (emlen < k) {
		if (em[0] != 0) {
			return 0;
		}
		em++;
	}
	/* The top 8*emLen-emBits bits of EM are not part of it. */
	top = (unsigned char)(0xff >> (8 * emlen - embits));
	if (emlen < 2 * hlen + 2 || em[emlen - 1] != EM_TRAILER
	    || (em[0] & ~top) != 0) {
		return 0;
	}

	db = em;
	dblen = emlen - hlen - 1;
	mgf1_xor(h, em + dblen, hlen, db, dblen);
	db[0] &= top;
	for (i = 0; i < dblen - hlen - 1; i++) {
		if (db[i] != 0) {
			return 0;
		}
	}
	if (db[i] != DB_SEPARATOR) {
		return 0;
	}
	salt = db + i + 1;

	h->init(&hc.vtable);
	h->update(&hc.vtable, zeros, sizeof zeros);
	h->update(&hc.vtable, hv, hlen);
	h->update(&hc.vtable, salt, hlen);
	h->out(&hc.vtable, hh);
	return memcmp(hh, em + dblen, hlen) == 0;
}
