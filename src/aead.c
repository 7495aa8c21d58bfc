/*
 * aead.c: TLS 1.3 record protection over BearSSL's AES-GCM and
 * ChaCha20-Poly1305; the contract is in aead.h.
 *
 * The implementations are the ones the TLS 1.2 engine links (src/
 * tls12.c), so that TLS 1.3 costs no second AES or GHASH: AES-NI and
 * our GHASH (src/ghash.c, PCLMULQDQ) on x86-64; elsewhere AES
 * instructions where the CPU has them, else BearSSL's constant-time
 * bitsliced AES and multiply (see uf_aead_aes()). A record is one br_gcm_run (or one Poly1305
 * run) over the data in place: no copy, no split.
 */
#include <stdint.h>
#include <string.h>

#include "aead.h"
#include "ghash.h"

#define AES128_KEY	16
#define AES256_KEY	32
#define CHACHA20_KEY	32
#define SEQ_BYTES	8	/* the sequence number's share of the nonce */

/* The ChaCha20 and Poly1305 of src/tls12.c (see its note). */
#if defined(__x86_64__)
#define CHACHA20_RUN	br_chacha20_sse2_run
#else
#define CHACHA20_RUN	br_chacha20_ct_run
#endif
#define POLY1305_RUN	br_poly1305_ctmul_run

/*
 * The AES-CTR and GHASH to use, chosen once a run. On x86-64 only the
 * CPU's instructions (uf_aead_aes() says UF_AES_NONE without them, and
 * no AES suite is offered); elsewhere what br_ssl_engine_set_default_
 * aes_gcm picks for a CPU without AES instructions, for 64 or 32 bits.
 */
static const br_block_ctr_class	*aes_vt;
static br_ghash			aes_gh;
static int			aes_level = -1;

/* see aead.h */
int
uf_aead_aes(void)
{
	if (aes_level >= 0) {
		return aes_level;
	}
	aes_vt = br_aes_x86ni_ctr_get_vtable();
	aes_gh = uf_ghash_get();
#if defined(__x86_64__)
	aes_level = aes_vt != NULL && aes_gh != 0 ? UF_AES_FAST : UF_AES_NONE;
#else
	if (aes_vt == NULL) {
		aes_vt = br_aes_pwr8_ctr_get_vtable();
	}
	aes_level = aes_vt != NULL ? UF_AES_FAST : UF_AES_SLOW;
#if UINTPTR_MAX > 0xffffffffu
	if (aes_vt == NULL) {
		aes_vt = &br_aes_ct64_ctr_vtable;
	}
	if (aes_gh == 0) {
		aes_gh = &br_ghash_ctmul64;
	}
#else
	if (aes_vt == NULL) {
		aes_vt = &br_aes_ct_ctr_vtable;
	}
	if (aes_gh == 0) {
		aes_gh = &br_ghash_ctmul;
	}
#endif
#endif
	return aes_level;
}

/* see aead.h */
size_t
uf_aead_key_len(unsigned suite)
{
	switch (suite) {
	case UF_TLS_AES_128_GCM_SHA256:
		return AES128_KEY;
	case UF_TLS_AES_256_GCM_SHA384:
		return AES256_KEY;
	case UF_TLS_CHACHA20_POLY1305_SHA256:
		return CHACHA20_KEY;
	default:
		return 0;
	}
}

/* see aead.h */
void
uf_aead_init(struct uf_aead *a, unsigned suite, const unsigned char *key,
    const unsigned char *iv)
{
	a->suite = suite;
	a->seq = 0;
	memcpy(a->iv, iv, UF_AEAD_IV);
	if (suite == UF_TLS_CHACHA20_POLY1305_SHA256) {
		memcpy(a->key, key, CHACHA20_KEY);
		return;
	}
	/* Only an offered suite comes here: uf_aead_aes() said so. */
	(void)uf_aead_aes();
	aes_vt->init(&a->aes.vtable, key, uf_aead_key_len(suite));
	br_gcm_init(&a->gcm, &a->aes.vtable, aes_gh);
}

/* RFC 8446 5.3: the IV XOR the sequence number, left-padded with zeros
 * to the IV's length, big-endian; then the sequence number moves on. */
static void
next_nonce(struct uf_aead *a, unsigned char *nonce)
{
	uint64_t	seq = a->seq++;
	int		i;

	memcpy(nonce, a->iv, UF_AEAD_IV);
	for (i = 0; i < SEQ_BYTES; i++) {
		nonce[UF_AEAD_IV - 1 - i] ^= (unsigned char)(seq >> (8 * i));
	}
}

/* see aead.h */
void
uf_aead_seal(struct uf_aead *a, const unsigned char *aad, size_t aad_len,
    unsigned char *data, size_t len, unsigned char *tag)
{
	unsigned char	nonce[UF_AEAD_IV];

	next_nonce(a, nonce);
	if (a->suite == UF_TLS_CHACHA20_POLY1305_SHA256) {
		POLY1305_RUN(a->key, nonce, data, len, aad, aad_len, tag,
		    &CHACHA20_RUN, 1);
		return;
	}
	br_gcm_reset(&a->gcm, nonce, sizeof nonce);
	br_gcm_aad_inject(&a->gcm, aad, aad_len);
	br_gcm_flip(&a->gcm);
	br_gcm_run(&a->gcm, 1, data, len);
	br_gcm_get_tag(&a->gcm, tag);
}

/* see aead.h */
int
uf_aead_open(struct uf_aead *a, const unsigned char *aad, size_t aad_len,
    unsigned char *data, size_t len, const unsigned char *tag)
{
	unsigned char	nonce[UF_AEAD_IV], t[UF_AEAD_TAG];
	unsigned	diff = 0;
	size_t		i;

	next_nonce(a, nonce);
	if (a->suite == UF_TLS_CHACHA20_POLY1305_SHA256) {
		/* Poly1305 runs over the ciphertext before it decrypts. */
		POLY1305_RUN(a->key, nonce, data, len, aad, aad_len, t,
		    &CHACHA20_RUN, 0);
		for (i = 0; i < UF_AEAD_TAG; i++) {
			diff |= t[i] ^ tag[i];
		}
		return diff == 0;
	}
	br_gcm_reset(&a->gcm, nonce, sizeof nonce);
	br_gcm_aad_inject(&a->gcm, aad, aad_len);
	br_gcm_flip(&a->gcm);
	br_gcm_run(&a->gcm, 0, data, len);
	return (int)br_gcm_check_tag(&a->gcm, tag);
}
