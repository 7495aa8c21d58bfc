/*
 * fuzz_pss.c: uf_pss_verify over arbitrary signatures for the keys of
 * tests/pss/vectors.h (2048 to 4096 bits, 2049 and 3071 among them).
 *
 * Input: MODE KEY HASH, then the rest.
 *   RAW:    the rest is the signature (any length), checked against
 *           HASH(PSS_MESSAGE) with e = 65537: length, the RSA operation.
 *   EM:     e = 1, so the signature is the encoded message itself: the
 *           rest is one hash value, then EM (cut or padded to the
 *           modulus' length, below n): every check of the decoding.
 *   ENCODE: e = 1; the rest is a hash value, a salt, then two bytes
 *           naming one bit to flip in a well-formed EM of them
 *           (tests/emsa_pss.h). It must verify exactly when no bit was
 *           flipped (fewer than two bytes): every bit of EM counts.
 * Nothing may read or write out of bounds (ASan, UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emsa_pss.h"
#include "hex.h"
#include "pss.h"
#include "pss/vectors.h"

#define MOD_MAX		(4096 / 8)
#define N_KEYS		(sizeof pss_keys / sizeof pss_keys[0])

enum { RAW, EM, ENCODE, N_MODES };

static const br_hash_class *const	hashes[] = {
	&br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable,
};

#define N_HASHES	(sizeof hashes / sizeof hashes[0])

static unsigned char	n[N_KEYS][MOD_MAX];
static size_t		nlen[N_KEYS];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char	e65537[] = { 1, 0, 1 }, e1[] = { 1 };
	unsigned char			sig[MOD_MAX + 64], em[MOD_MAX];
	unsigned char			hv[EMSA_HASH_MAX];
	br_hash_compat_context		hc;
	br_rsa_public_key		pk;
	const br_hash_class		*h;
	size_t				i, k, hlen, bit;
	int				mode, ok;

	if (nlen[0] == 0) {
		for (i = 0; i < N_KEYS; i++) {
			nlen[i] = unhex(n[i], MOD_MAX, pss_keys[i].n);
		}
	}
	if (size < 3) {
		return 0;
	}
	mode = data[0] % N_MODES;
	i = data[1] % N_KEYS;
	h = hashes[data[2] % N_HASHES];
	data += 3;
	size -= 3;
	hlen = emsa_hash_len(h);
	pk.n = n[i];
	pk.nlen = k = nlen[i];
	pk.e = (unsigned char *)(mode == RAW ? e65537 : e1);
	pk.elen = mode == RAW ? sizeof e65537 : sizeof e1;

	if (mode == RAW) {
		h->init(&hc.vtable);
		h->update(&hc.vtable, PSS_MESSAGE, strlen(PSS_MESSAGE));
		h->out(&hc.vtable, hv);
		if (size > sizeof sig) {
			size = sizeof sig;
		}
		memcpy(sig, data, size);
		(void)uf_pss_verify(&pk, h, hv, sig, size);
		return 0;
	}

	memset(hv, 0, sizeof hv);
	memcpy(hv, data, size < hlen ? size : hlen);
	data += size < hlen ? size : hlen;
	size -= size < hlen ? size : hlen;
	if (mode == EM) {
		memset(sig, 0, k);
		memcpy(sig, data, size < k ? size : k);
		sig[0] %= n[i][0];		/* below n */
		(void)uf_pss_verify(&pk, h, hv, sig, k);
		return 0;
	}

	/* ENCODE: the salt, then the changes. */
	memset(sig, 0, hlen);
	memcpy(sig, data, size < hlen ? size : hlen);
	data += size < hlen ? size : hlen;
	size -= size < hlen ? size : hlen;
	if (!emsa_pss_encode(h, hv, sig, hlen, emsa_bits(n[i], k), em)) {
		abort();			/* every key holds SHA-512's */
	}
	memcpy(sig, em, k);
	if (size >= 2) {
		bit = (size_t)(data[0] << 8 | data[1]) % (8 * k);
		sig[bit / 8] ^= (unsigned char)(1 << bit % 8);
	}
	ok = uf_pss_verify(&pk, h, hv, sig, k);
	if (ok != (memcmp(sig, em, k) == 0)) {
		abort();
	}
	return 0;
}
