/*
 * ghash.h: GHASH, the authenticator of AES-GCM, with the CPU's
 * carry-less multiply, for BearSSL's engine (br_ssl_engine_set_ghash).
 *
 * BearSSL's own br_ghash_pclmul reduces after every four blocks, and
 * GHASH took 36% of the client CPU of a 1 GiB HTTPS download, more than
 * AES. Here a run of blocks is multiplied by H^n..H^1 and reduced once:
 * eight blocks with PCLMULQDQ, sixteen with AVX-512's VPCLMULQDQ (four
 * blocks per instruction); the same download then spends about 11% in
 * GHASH. Each function has BearSSL's br_ghash contract: y (16 bytes)
 * is updated with the blocks of data[0..len), a last partial block
 * padded with zeros; h is the 16-byte key. Nothing is kept between
 * calls and nothing is allocated.
 */
#ifndef UF_GHASH_H
#define UF_GHASH_H

#include <bearssl.h>

/*
 * The GHASH to give the engine: the 16-block one where the CPU and the
 * kernel allow AVX-512, else the 8-block one where the CPU has
 * PCLMULQDQ and SSSE3 (BearSSL's br_ghash_pclmul_get() test), else 0,
 * and then the engine keeps what br_ssl_engine_set_default_aes_gcm()
 * chose.
 */
br_ghash	uf_ghash_get(void);

/* Each implementation on its own (0 where it cannot run), for tests. */
br_ghash	uf_ghash_clmul_get(void);
br_ghash	uf_ghash_vclmul_get(void);

#endif
