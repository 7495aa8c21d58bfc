/*
 * hkdf.h: HKDF (RFC 5869) and the labelled forms TLS 1.3 derives its
 * keys with (RFC 8446 section 7.1), over BearSSL's HMAC.
 *
 * BearSSL 0.6's br_hkdf runs extract and expand as one flow and never
 * hands out the PRK; TLS 1.3's key schedule needs the two apart. Every
 * function takes the hash as a BearSSL class (br_sha256_vtable,
 * br_sha384_vtable); a secret or PRK is always one hash output long.
 * Nothing is allocated; outputs MUST NOT overlap inputs.
 */
#ifndef UF_HKDF_H
#define UF_HKDF_H

#include <stddef.h>

#include <bearssl.h>

/* The longest hash output we use (SHA-384). */
#define UF_HASH_MAX	48

/* The output length of h in bytes. */
size_t	uf_hash_len(const br_hash_class *h);

/*
 * HKDF-Extract(salt, IKM) into prk (uf_hash_len(h) bytes). An empty
 * salt (salt_len 0) means a string of hash-length zeros (RFC 5869 2.2).
 */
void	uf_hkdf_extract(const br_hash_class *h, const void *salt,
	    size_t salt_len, const void *ikm, size_t ikm_len,
	    unsigned char *prk);

/*
 * HKDF-Expand(PRK, info, L) into out[0..out_len); out_len MUST NOT
 * exceed 255 times the hash length.
 */
void	uf_hkdf_expand(const br_hash_class *h, const unsigned char *prk,
	    const void *info, size_t info_len, unsigned char *out,
	    size_t out_len);

/*
 * HKDF-Expand-Label(Secret, Label, Context, Length): label is given
 * without the "tls13 " prefix ("key", "iv", "finished", "c hs traffic");
 * its prefixed length MUST NOT exceed 255 bytes, ctx_len 255 (breaking
 * that gives a wrong key, never an overflow). out_len is Length: it
 * MUST NOT exceed 255 times the hash length.
 */
void	uf_hkdf_expand_label(const br_hash_class *h,
	    const unsigned char *secret, const char *label, const void *ctx,
	    size_t ctx_len, unsigned char *out, size_t out_len);

/*
 * Derive-Secret(Secret, Label, Messages), given the transcript hash of
 * Messages (thash, one hash output): out is one hash output.
 */
void	uf_hkdf_derive_secret(const br_hash_class *h,
	    const unsigned char *secret, const char *label,
	    const unsigned char *thash, unsigned char *out);

#endif
