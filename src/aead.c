/* TEMPORARY local stand-in until the crypto13 branch lands. */
#include <string.h>
#include "aead.h"
#include "ghash.h"
size_t uf_aead_key_len(unsigned suite) { return suite == UF_TLS_AES_128_GCM_SHA256 ? 16 : suite == UF_TLS_AES_256_GCM_SHA384 || suite == UF_TLS_CHACHA20_POLY1305_SHA256 ? 32 : 0; }
void uf_aead_init(struct uf_aead *a, unsigned suite, const unsigned char *key, const unsigned char *iv)
{
	const br_block_ctr_class *c = br_aes_x86ni_ctr_get_vtable(); br_ghash gh = uf_ghash_get();
	memset(a, 0, sizeof *a); a->suite = suite; memcpy(a->iv, iv, 12);
	if (suite == UF_TLS_CHACHA20_POLY1305_SHA256) { memcpy(a->key, key, 32); return; }
	if (c == NULL) c = &br_aes_ct64_ctr_vtable;
	if (gh == 0) { gh = br_ghash_pclmul_get(); }
	if (gh == 0) { gh = br_ghash_ctmul64; }
	c->init(&a->aes.vtable, key, uf_aead_key_len(suite));
	br_gcm_init(&a->gcm, &a->aes.vtable, gh);
}
static void nonce(struct uf_aead *a, unsigned char *n) { int i; memcpy(n, a->iv, 12); for (i = 0; i < 8; i++) n[11 - i] ^= (unsigned char)(a->seq >> (8 * i)); a->seq++; }
void uf_aead_seal(struct uf_aead *a, const unsigned char *aad, size_t aad_len, unsigned char *data, size_t len, unsigned char *tag)
{
	unsigned char n[12]; nonce(a, n);
	if (a->suite == UF_TLS_CHACHA20_POLY1305_SHA256) { br_poly1305_ctmulq_run(a->key, n, data, len, aad, aad_len, tag, br_chacha20_sse2_run, 1); return; }
	br_gcm_reset(&a->gcm, n, 12); br_gcm_aad_inject(&a->gcm, aad, aad_len); br_gcm_flip(&a->gcm); br_gcm_run(&a->gcm, 1, data, len); br_gcm_get_tag(&a->gcm, tag);
}
int uf_aead_open(struct uf_aead *a, const unsigned char *aad, size_t aad_len, unsigned char *data, size_t len, const unsigned char *tag)
{
	unsigned char n[12], t[16]; unsigned d = 0; int i; nonce(a, n);
	if (a->suite == UF_TLS_CHACHA20_POLY1305_SHA256) { br_poly1305_ctmulq_run(a->key, n, data, len, aad, aad_len, t, br_chacha20_sse2_run, 0); for (i = 0; i < 16; i++) d |= t[i] ^ tag[i]; return d == 0; }
	br_gcm_reset(&a->gcm, n, 12); br_gcm_aad_inject(&a->gcm, aad, aad_len); br_gcm_flip(&a->gcm); br_gcm_run(&a->gcm, 0, data, len); return br_gcm_check_tag(&a->gcm, tag) == 1;
}
