/*
 * pss.h: RSASSA-PSS signature verification (RFC 8017 8.1.2), which
 * BearSSL 0.6 lacks and TLS 1.3 requires for RSA keys (rsa_pss_rsae_*
 * in CertificateVerify, RFC 8446 4.2.3).
 */
#ifndef UF_PSS_H
#define UF_PSS_H

#include <stddef.h>

#include <bearssl.h>

/*
 * Is sig[0..siglen) a valid RSASSA-PSS signature by pk over the hash
 * value hv (one output of h), with MGF1 over the same hash and a salt
 * as long as the hash output (the only form RFC 8446 4.2.3 allows)?
 * Returns 1 or 0; only public data is involved, so nothing needs to be
 * constant-time. Anything malformed is 0, never a read out of bounds:
 * a siglen other than the modulus' length (leading zeros of pk->n,
 * which BearSSL allows, not counted), a signature not below n, a
 * modulus over 4096 bits (BearSSL's limit too) or too short for the
 * hash. pk and sig are not modified.
 */
int	uf_pss_verify(const br_rsa_public_key *pk, const br_hash_class *h,
	    const unsigned char *hv, const unsigned char *sig, size_t siglen);

#endif
