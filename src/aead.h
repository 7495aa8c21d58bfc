/*
 * aead.h: TLS 1.3 record protection (RFC 8446 5.2 and 5.3) for one
 * direction of one traffic secret: AES-128-GCM, AES-256-GCM or
 * ChaCha20-Poly1305 with the per-record nonce (the write IV XOR the
 * 64-bit sequence number) and the 16-byte tag.
 *
 * The context holds the expanded key and MUST NOT be moved once set up
 * (the GCM context points into it). Data is processed in place, in one
 * pass of the cipher and one of the authenticator. Nothing is
 * allocated. The caller reads seq to know when to stop (RFC 8446 5.5:
 * a new key long before it wraps); the tests set it to reach far
 * sequence numbers.
 */
#ifndef UF_AEAD_H
#define UF_AEAD_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#define UF_AEAD_TAG	16
#define UF_AEAD_IV	12
#define UF_AEAD_KEY_MAX	32

/* The three TLS 1.3 cipher suites (RFC 8446 B.4). */
#define UF_TLS_AES_128_GCM_SHA256	0x1301
#define UF_TLS_AES_256_GCM_SHA384	0x1302
#define UF_TLS_CHACHA20_POLY1305_SHA256	0x1303

struct uf_aead {
	unsigned		suite;
	uint64_t		seq;		/* of the next record */
	unsigned char		iv[UF_AEAD_IV];
	unsigned char		key[UF_AEAD_KEY_MAX];	/* ChaCha20 */
	br_aes_gen_ctr_keys	aes;
	br_gcm_context		gcm;
};

/*
 * How AES-GCM stands on this CPU: UF_AES_FAST with AES instructions
 * (and, on x86-64, PCLMULQDQ for GHASH); UF_AES_SLOW with BearSSL's
 * constant-time code, several times slower than ChaCha20; UF_AES_NONE
 * on x86-64 CPUs without those instructions (from before 2010, and a
 * few small ones since), where ufetch links no software AES at all
 * (5.8 KB of the static binary) and speaks ChaCha20-Poly1305 only.
 * Asked once a run: CPUID traps to the hypervisor in a VM.
 */
enum {
	UF_AES_NONE,
	UF_AES_SLOW,
	UF_AES_FAST
};
int	uf_aead_aes(void);

/* The key length of suite (16 or 32), or 0 when it is not one of ours. */
size_t	uf_aead_key_len(unsigned suite);

/*
 * Set a up for suite with key (uf_aead_key_len(suite) bytes) and iv
 * (UF_AEAD_IV bytes); the sequence number starts at 0. suite MUST be
 * one of the three above.
 */
void	uf_aead_init(struct uf_aead *a, unsigned suite,
	    const unsigned char *key, const unsigned char *iv);

/*
 * Encrypt data[0..len) in place with the next sequence number,
 * authenticating aad[0..aad_len) too (the record header), and write
 * the tag to tag[0..UF_AEAD_TAG).
 */
void	uf_aead_seal(struct uf_aead *a, const unsigned char *aad,
	    size_t aad_len, unsigned char *data, size_t len,
	    unsigned char *tag);

/*
 * Decrypt data[0..len) in place with the next sequence number and check
 * tag (constant time) over it and aad. Returns 1 when the record is
 * authentic; 0 otherwise, and data is then garbage that MUST NOT be
 * used. The sequence number moves on either way.
 */
int	uf_aead_open(struct uf_aead *a, const unsigned char *aad,
	    size_t aad_len, unsigned char *data, size_t len,
	    const unsigned char *tag);

#endif
