/*
 * trust.h: where trust anchors come from, decoded only when a
 * certificate chain asks for them.
 *
 * A store is a PEM bundle, an OpenSSL hashed directory, or both. The
 * bundle is not decoded up front: the first lookup scans it once and
 * keeps an index (subject-name hash, offset, length of each
 * certificate; 16 bytes each) in the arena's kept region, so later
 * URLs reuse it. A lookup then decodes only the certificates whose
 * subject is the name asked for. Certificates that cannot be parsed
 * (bad base64, a key type BearSSL lacks) are skipped; the rest of the
 * store still works. CRLF line ends and a missing final newline are
 * fine.
 */
#ifndef UF_TRUST_H
#define UF_TRUST_H

#include <stdint.h>

#include <bearssl.h>

#include "arena.h"
#include "ufetch.h"

/* Largest certificate we decode from a store (DER bytes). */
#define UF_TA_DER_MAX	8192

struct uf_ta_entry;

struct uf_trust {
	const char		*file;		/* bundle, or NULL */
	const char		*dir;		/* hashed directory, or NULL */
	int			resolved;	/* defaults looked up */
	int			indexed;	/* 1 done, -1 failed */
	const struct uf_ta_entry *idx;		/* in the kept region */
	size_t			nidx;
	unsigned		nskipped;	/* unparseable while indexing */
	char			why[160];	/* why the file failed */
};

/*
 * Choose the stores: cacert and capath (options, may be NULL) win over
 * SSL_CERT_FILE and SSL_CERT_DIR; when none of the four is set, the
 * first existing default of CONTRACT section 7 is used, found on first
 * lookup. An option naming something unreadable is a usage error
 * (UF_E_USAGE, message recorded); nothing else is read now.
 */
enum uf_err	uf_trust_init(struct uf_trust *t, const char *cacert,
		    const char *capath);

/*
 * Append to tas[*n .. max) every anchor whose subject is exactly the
 * Name TLV dn[0..len); anchor data is decoded into a (valid until the
 * arena is reset); the same name and key found twice is one anchor.
 * Returns UF_OK, even when nothing matched, or UF_E_CERT when no store
 * can be read (message recorded; a bundle that cannot be read while a
 * directory is also set only costs a -v note).
 */
enum uf_err	uf_trust_find(struct uf_trust *t, struct uf_arena *a,
		    const unsigned char *dn, size_t len,
		    br_x509_trust_anchor *tas, size_t *n, size_t max);

/*
 * OpenSSL's X509_NAME_hash of the Name TLV dn[0..len): SHA-1 of the
 * name's canonical form (string values as lower-cased UTF-8 with
 * whitespace trimmed and collapsed), first 4 bytes little-endian.
 * This is the file name stem in a hashed directory. Returns 0, or -1
 * for a name we cannot canonicalise.
 */
int		uf_trust_name_hash(const unsigned char *dn, size_t len,
		    uint32_t *h);

/*
 * Decode standard base64 in[0..len) into out (room for len * 3 / 4
 * bytes), skipping whitespace. Returns the byte count, or -1 on a bad
 * character or bad padding.
 */
long		uf_trust_base64(const char *in, size_t len,
		    unsigned char *out);

#endif
