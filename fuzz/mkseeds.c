/*
 * mkseeds.c: write the fuzzers' seed corpora from the unit-test
 * tables: mkseeds DIR makes DIR/url, DIR/http (tests/http_cases.h,
 * tests/url_cases.h), DIR/netrc (tests/netrc_cases.h, for each of
 * fuzz_netrc.c's hosts) and DIR/pss (tests/pss/vectors.h: its valid
 * signatures in fuzz_pss.c's RAW mode, and each key and hash in its
 * ENCODE mode) and DIR/tls13 (the messages of RFC 8448 section 3,
 * tests/rfc8448_msgs.h, and a few of our own). DER and PEM seeds are
 * copied from tests/pki by the Makefile.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "fuzz_tls13.h"
#include "hex.h"
#include "http_cases.h"
#include "netrc_cases.h"
#include "pss/vectors.h"
#include "rfc8448_msgs.h"
#include "url_cases.h"

static void
put(const char *dir, const char *kind, int i, const void *p, size_t len,
    const char *prefix)
{
	char	path[4096];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s/seed-%03d", dir, kind, i);
	f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		return;
	}
	fputs(prefix, f);
	fwrite(p, 1, len, f);
	fclose(f);
}

/*
 * fuzz_pss.c's input: the mode (RAW 0, ENCODE 2), key, hash (in its
 * order), then a signature (RAW) or a hash value and a salt, no bit
 * flipped (ENCODE).
 */
static void
pss_seeds(const char *dir)
{
	static const char *const	hashes[] = { "sha256", "sha384",
					    "sha512" };
	static const size_t		hash_len[] = { 32, 48, 64 };
	unsigned char			in[3 + 4096 / 8];
	size_t				i, k, h;

	for (i = 0; i < sizeof pss_sigs / sizeof pss_sigs[0]; i++) {
		if (!pss_sigs[i].valid) {
			continue;
		}
		in[0] = 0;
		for (k = 0; pss_keys[k].bits != pss_sigs[i].bits; k++) {
		}
		for (h = 0; strcmp(hashes[h], pss_sigs[i].hash) != 0; h++) {
		}
		in[1] = (unsigned char)k;
		in[2] = (unsigned char)h;
		put(dir, "pss", (int)i, in, 3 + unhex(in + 3, sizeof in - 3,
		    pss_sigs[i].sig), "");
	}
	memset(in, 0, sizeof in);
	in[0] = 2;
	for (k = 0; k < sizeof pss_keys / sizeof pss_keys[0]; k++) {
		for (h = 0; h < sizeof hashes / sizeof hashes[0]; h++) {
			in[1] = (unsigned char)k;
			in[2] = (unsigned char)h;
			put(dir, "pss", (int)(100 + 10 * k + h), in,
			    3 + 2 * hash_len[h], "");
		}
	}
}

/* The content type of a handshake record (RFC 8446 5.1). */
#define CT_HANDSHAKE	22

/* A tls13 seed: the selector byte, then a message body. */
static void
put13(const char *dir, int i, unsigned sel, const void *body, size_t len)
{
	unsigned char	buf[1024];

	if (len >= sizeof buf) {
		return;
	}
	buf[0] = (unsigned char)sel;
	memcpy(buf + 1, body, len);
	put(dir, "tls13", i, buf, len + 1, "");
}

/* The RFC 8448 messages, our own HelloRetryRequest and others. */
static void
tls13_seeds(const char *dir)
{
	/* A HelloRetryRequest for P-256 with a cookie. */
	static const unsigned char	hrr[] = {
		0x03, 0x03, 0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
		0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2,
		0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2,
		0xc8, 0xa8, 0x33, 0x9c, 0x00, 0x13, 0x01, 0x00, 0x00, 0x16,
		0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02,
		0x00, 0x17, 0x00, 0x2c, 0x00, 0x06, 0x00, 0x04, 0x63, 0x6f,
		0x6f, 0x6b
	};
	/* A CertificateRequest: empty context, signature_algorithms. */
	static const unsigned char	cr[] = {
		0x00, 0x00, 0x08, 0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04,
		0x03
	};
	static const struct {
		unsigned		sel;
		const unsigned char	*msg;
		size_t			len;
	} m[] = {
		{ FUZZ13_SH, rfc8448_server_hello,
		  sizeof rfc8448_server_hello },
		{ FUZZ13_EE, rfc8448_encrypted_extensions,
		  sizeof rfc8448_encrypted_extensions },
		{ FUZZ13_EE_SNI, rfc8448_encrypted_extensions,
		  sizeof rfc8448_encrypted_extensions },
		{ FUZZ13_CERT, rfc8448_certificate,
		  sizeof rfc8448_certificate },
		{ FUZZ13_CV, rfc8448_certificate_verify,
		  sizeof rfc8448_certificate_verify },
		{ FUZZ13_NST, rfc8448_new_session_ticket,
		  sizeof rfc8448_new_session_ticket },
	};
	unsigned char	rec[64];
	size_t		i, n = sizeof rfc8448_server_finished;
	int		k = 0;

	for (i = 0; i < sizeof m / sizeof m[0]; i++) {
		/* A parser takes the body: without the 4-byte header. */
		put13(dir, k++, m[i].sel, m[i].msg + 4, m[i].len - 4);
	}
	put13(dir, k++, FUZZ13_SH, hrr, sizeof hrr);
	put13(dir, k++, FUZZ13_CR, cr, sizeof cr);
	put13(dir, k++, FUZZ13_KU, "\x00", 1);
	put13(dir, k++, FUZZ13_KU, "\x01", 1);
	/* A record's inner plaintext: Finished, its type, padding. */
	memcpy(rec, rfc8448_server_finished, n);
	rec[n] = CT_HANDSHAKE;
	memset(rec + n + 1, 0, 8);
	put13(dir, k++, FUZZ13_UNPAD, rec, n + 9);
}

int
main(int argc, char **argv)
{
	char	path[4096];
	size_t	i;

	if (argc != 2) {
		return 2;
	}
	snprintf(path, sizeof path, "%s/url", argv[1]);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/http", argv[1]);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/pss", argv[1]);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/netrc", argv[1]);
	mkdir(path, 0755);
	for (i = 0; i < sizeof ncases / sizeof ncases[0]; i++) {
		put(argv[1], "netrc", (int)i, ncases[i].in, ncases[i].len,
		    "\x00");
		put(argv[1], "netrc", (int)(100 + i), ncases[i].in,
		    ncases[i].len, "\x01");
	}
	pss_seeds(argv[1]);
	snprintf(path, sizeof path, "%s/tls13", argv[1]);
	mkdir(path, 0755);
	tls13_seeds(argv[1]);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		put(argv[1], "http", (int)i, cases[i].in, cases[i].len,
		    cases[i].head ? "\x07\x01" : "\x07\x00");
	}
	for (i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
		put(argv[1], "url", (int)i, pcases[i].in,
		    strlen(pcases[i].in), "");
	}
	for (i = 0; i < sizeof rcases / sizeof rcases[0]; i++) {
		char	s[512];

		snprintf(s, sizeof s, "http://a/b/c/d;p?q\n%s", rcases[i][0]);
		put(argv[1], "url", (int)(1000 + i), s, strlen(s), "");
	}
	return 0;
}
