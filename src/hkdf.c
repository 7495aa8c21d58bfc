/* TEMPORARY local stand-in until the crypto13 branch lands. */
#include <string.h>
#include "hkdf.h"
size_t uf_hash_len(const br_hash_class *h) { return (h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK; }
void uf_hkdf_extract(const br_hash_class *h, const void *salt, size_t salt_len, const void *ikm, size_t ikm_len, unsigned char *prk)
{
	unsigned char z[UF_HASH_MAX]; br_hmac_key_context kc; br_hmac_context hc;
	if (salt_len == 0) { memset(z, 0, sizeof z); salt = z; salt_len = uf_hash_len(h); }
	br_hmac_key_init(&kc, h, salt, salt_len); br_hmac_init(&hc, &kc, 0); br_hmac_update(&hc, ikm, ikm_len); br_hmac_out(&hc, prk);
}
void uf_hkdf_expand(const br_hash_class *h, const unsigned char *prk, const void *info, size_t info_len, unsigned char *out, size_t out_len)
{
	br_hmac_key_context kc; br_hmac_context hc; unsigned char t[UF_HASH_MAX]; size_t hl = uf_hash_len(h), tl = 0, k; unsigned char c = 1;
	br_hmac_key_init(&kc, h, prk, hl);
	while (out_len > 0) { br_hmac_init(&hc, &kc, 0); br_hmac_update(&hc, t, tl); br_hmac_update(&hc, info, info_len); br_hmac_update(&hc, &c, 1); br_hmac_out(&hc, t); tl = hl; k = out_len < hl ? out_len : hl; memcpy(out, t, k); out += k; out_len -= k; c++; }
}
void uf_hkdf_expand_label(const br_hash_class *h, const unsigned char *secret, const char *label, const void *ctx, size_t ctx_len, unsigned char *out, size_t out_len)
{
	unsigned char info[2 + 1 + 255 + 1 + 255]; size_t n = 0, ll = strlen(label);
	info[n++] = (unsigned char)(out_len >> 8); info[n++] = (unsigned char)out_len; info[n++] = (unsigned char)(6 + ll);
	memcpy(info + n, "tls13 ", 6); n += 6; memcpy(info + n, label, ll); n += ll; info[n++] = (unsigned char)ctx_len; if (ctx_len) memcpy(info + n, ctx, ctx_len); n += ctx_len;
	uf_hkdf_expand(h, secret, info, n, out, out_len);
}
void uf_hkdf_derive_secret(const br_hash_class *h, const unsigned char *secret, const char *label, const unsigned char *thash, unsigned char *out)
{ uf_hkdf_expand_label(h, secret, label, thash, uf_hash_len(h), out, uf_hash_len(h)); }
