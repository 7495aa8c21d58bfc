/*
 * hkdf.c: HKDF and TLS 1.3's labelled forms over br_hmac; the contract
 * is in hkdf.h.
 */
#include <string.h>

#include "hkdf.h"

/* RFC 8446 7.1: every TLS 1.3 label is sent with this prefix. */
#define LABEL_PREFIX	"tls13 "
#define LABEL_PREFIX_LEN	(sizeof LABEL_PREFIX - 1)

/* The one-octet length fields of HkdfLabel bound label and context. */
#define OPAQUE8_MAX	255

/* The longest output br_hmac_out can write (SHA-512's). */
#define HMAC_OUT_MAX	br_sha512_SIZE

/* see hkdf.h */
size_t
uf_hash_len(const br_hash_class *h)
{
	return (size_t)(h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

/* see hkdf.h */
void
uf_hkdf_extract(const br_hash_class *h, const void *salt, size_t salt_len,
    const void *ikm, size_t ikm_len, unsigned char *prk)
{
	br_hmac_key_context	kc;
	br_hmac_context		hc;

	/*
	 * HMAC pads its key with zeros to the block length, so the empty
	 * key is the string of hash-length zeros RFC 5869 asks for.
	 */
	br_hmac_key_init(&kc, h, salt, salt_len);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, ikm, ikm_len);
	br_hmac_out(&hc, prk);
}

/* see hkdf.h */
void
uf_hkdf_expand(const br_hash_class *h, const unsigned char *prk,
    const void *info, size_t info_len, unsigned char *out, size_t out_len)
{
	br_hmac_key_context	kc;
	br_hmac_context		hc;
	unsigned char		t[HMAC_OUT_MAX];
	size_t			hlen = uf_hash_len(h), tlen = 0, n;
	unsigned char		i;

	br_hmac_key_init(&kc, h, prk, hlen);
	/* T(i) = HMAC(PRK, T(i-1) | info | i), i from 1; T(0) is empty. */
	for (i = 1; out_len > 0; i++) {
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, t, tlen);
		br_hmac_update(&hc, info, info_len);
		br_hmac_update(&hc, &i, 1);
		tlen = br_hmac_out(&hc, t);
		n = out_len < tlen ? out_len : tlen;
		memcpy(out, t, n);
		out += n;
		out_len -= n;
	}
}

/* see hkdf.h */
void
uf_hkdf_expand_label(const br_hash_class *h, const unsigned char *secret,
    const char *label, const void *ctx, size_t ctx_len, unsigned char *out,
    size_t out_len)
{
	/* struct HkdfLabel { uint16 length; opaque label<7..255>;
	 *     opaque context<0..255>; } */
	unsigned char	info[2 + 1 + OPAQUE8_MAX + 1 + OPAQUE8_MAX];
	size_t		llen = strlen(label), n = 0;

	/* Breaking the MUSTs of hkdf.h gives a wrong key, never an
	 * overflow. */
	if (llen > OPAQUE8_MAX - LABEL_PREFIX_LEN) {
		llen = OPAQUE8_MAX - LABEL_PREFIX_LEN;
	}
	if (ctx_len > OPAQUE8_MAX) {
		ctx_len = OPAQUE8_MAX;
	}
	info[n++] = (unsigned char)(out_len >> 8);
	info[n++] = (unsigned char)out_len;
	info[n++] = (unsigned char)(LABEL_PREFIX_LEN + llen);
	memcpy(info + n, LABEL_PREFIX, LABEL_PREFIX_LEN);
	n += LABEL_PREFIX_LEN;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = (unsigned char)ctx_len;
	if (ctx_len > 0) {
		memcpy(info + n, ctx, ctx_len);
		n += ctx_len;
	}
	uf_hkdf_expand(h, secret, info, n, out, out_len);
}

/* see hkdf.h */
void
uf_hkdf_derive_secret(const br_hash_class *h, const unsigned char *secret,
    const char *label, const unsigned char *thash, unsigned char *out)
{
	size_t	hlen = uf_hash_len(h);

	uf_hkdf_expand_label(h, secret, label, thash, hlen, out, hlen);
}
