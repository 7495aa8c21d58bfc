/*
 * mkseeds.c: write the fuzzers' seed corpora from the unit-test
 * tables: mkseeds DIR makes DIR/url, DIR/http (tests/http_cases.h,
 * tests/url_cases.h), DIR/netrc (tests/netrc_cases.h, for each of
 * fuzz_netrc.c's hosts) and DIR/pss (tests/pss/vectors.h: its valid
 * signatures in fuzz_pss.c's RAW mode, and each key and hash in its
 * ENCODE mode) and DIR/tls13 (the messages of RFC 8448 section 3,
 * tests/rfc8448_msgs.h, and a few of our own) and DIR/tls13rec
 * (streams of records in fuzz_tls13rec.h's language: handshakes from
 * each starting point, data, tickets, key updates, alerts, and records
 * at and past the limits). DER and PEM seeds are copied from
 * tests/pki by the Makefile.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "fuzz_tls13.h"
#include "fuzz_tls13rec.h"
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

/* A fuzz_tls13rec input being written. */
struct rin {
	unsigned char	b[4096];
	size_t		n;
};

static void
r_bytes(struct rin *r, const void *p, size_t len)
{
	if (len > sizeof r->b - r->n) {
		len = sizeof r->b - r->n;
	}
	memcpy(r->b + r->n, p, len);
	r->n += len;
}

static void
r_u8(struct rin *r, unsigned v)
{
	unsigned char	c = (unsigned char)v;

	r_bytes(r, &c, 1);
}

static void
r_u16(struct rin *r, size_t v)
{
	r_u8(r, (unsigned)(v >> 8 & 0xff));
	r_u8(r, (unsigned)(v & 0xff));
}

static void
r_start(struct rin *r, unsigned suite, unsigned at, unsigned ack)
{
	r->n = 0;
	r_u8(r, suite | at << FUZZREC_AT_SHIFT | ack << FUZZREC_ACK_SHIFT);
}

/* A record of inner type: len bytes of p (NULL: the fill, last op). */
static void
r_rec(struct rin *r, unsigned inner, const void *p, size_t len, size_t pad)
{
	r_u8(r, FUZZREC_REC);
	r_u8(r, inner);
	r_u16(r, len);
	r_u16(r, pad);
	if (p != NULL) {
		r_bytes(r, p, len);
	}
}

static void
r_flip(struct rin *r, unsigned inner, const void *p, size_t len,
    unsigned bit)
{
	r_u8(r, FUZZREC_REC | FUZZREC_FLIP);
	r_u8(r, inner);
	r_u16(r, len);
	r_u16(r, 0);
	r_u16(r, bit);
	r_bytes(r, p, len);
}

/* A handshake message body (NULL: the fill, last op). */
static void
r_hs(struct rin *r, unsigned type, const void *body, size_t len,
    unsigned split, int hold)
{
	r_u8(r, FUZZREC_HS | (hold ? FUZZREC_HOLD : 0));
	r_u8(r, type);
	r_u16(r, len);
	r_u8(r, split);
	if (body != NULL) {
		r_bytes(r, body, len);
	}
}

/* An RFC 8448 message, which has its 4-byte header. */
static void
r_msg(struct rin *r, const unsigned char *m, size_t len, unsigned split)
{
	r_hs(r, m[0], m + 4, len - 4, split, 0);
}

static void
r_raw(struct rin *r, const void *p, size_t len)
{
	r_u8(r, FUZZREC_RAW);
	r_u16(r, len);
	r_bytes(r, p, len);
}

static void
r_put(const char *dir, int *k, const struct rin *r)
{
	put(dir, "tls13rec", (*k)++, r->b, r->n, "");
}

/* fuzz_tls13rec's streams. */
static void
tls13rec_seeds(const char *dir)
{
	static const char	resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 5"
				    "\r\n\r\nhello";
	static const unsigned char	close_notify[] = { 1, 0 },
					canceled[] = { 1, 90 },
					fatal[] = { 2, 40 },
					ku_req[] = { 1 }, ku_no[] = { 0 },
					padded[] = { 'h', 'i', 23, 0, 0, 0 },
					plain_alert[] = { 21, 3, 3, 0, 2, 2,
					    40 },
					too_long[] = { 23, 3, 3, 0x41, 0x01 },
					cut[] = { 23, 3, 3, 0, 32, 1, 2, 3 };
	static const unsigned	suites[] = { FUZZREC_SUITE_AES128,
				    FUZZREC_SUITE_AES256,
				    FUZZREC_SUITE_CHACHA };
	unsigned char	fin[32], nst[4 + 4 + 1 + 2 + 2000 + 2], part[2000];
	struct rin	r;
	size_t		i;
	int		k = 0;

	memset(fin, 0x5a, sizeof fin);
	/* A ticket too big for the buffer after the handshake. */
	memset(nst, 0, sizeof nst);
	nst[3] = 60;
	nst[9] = 2000 >> 8;
	nst[10] = 2000 & 0xff;
	memset(nst + 11, 't', 2000);

	for (i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		/* A response and close_notify, after the handshake. */
		r_start(&r, suites[i], FUZZREC_AT_APP, 0);
		r_rec(&r, 23, resp, sizeof resp - 1, 0);
		r_rec(&r, 21, close_notify, 2, 0);
		r_put(dir, &k, &r);
		/* The whole handshake from the ServerHello on. */
		r_start(&r, suites[i], FUZZREC_AT_HELLO, 0);
		r_u8(&r, FUZZREC_CCS);
		r_msg(&r, rfc8448_server_hello, sizeof rfc8448_server_hello,
		    0);
		r_u8(&r, FUZZREC_CCS);
		r_msg(&r, rfc8448_encrypted_extensions,
		    sizeof rfc8448_encrypted_extensions, 0);
		r_msg(&r, rfc8448_certificate, sizeof rfc8448_certificate,
		    100);
		r_msg(&r, rfc8448_certificate_verify,
		    sizeof rfc8448_certificate_verify, 0);
		r_hs(&r, 20, fin, i == 1 ? 48 : 32, 0, 0);
		r_msg(&r, rfc8448_new_session_ticket,
		    sizeof rfc8448_new_session_ticket, 0);
		r_rec(&r, 23, resp, sizeof resp - 1, 7);
		r_rec(&r, 21, close_notify, 2, 0);
		r_put(dir, &k, &r);
	}
	/* From the handshake keys: messages held into one record. */
	r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_HS, 0);
	r_hs(&r, rfc8448_encrypted_extensions[0],
	    rfc8448_encrypted_extensions + 4,
	    sizeof rfc8448_encrypted_extensions - 4, 0, 1);
	r_hs(&r, rfc8448_certificate[0], rfc8448_certificate + 4,
	    sizeof rfc8448_certificate - 4, 0, 1);
	r_hs(&r, rfc8448_certificate_verify[0],
	    rfc8448_certificate_verify + 4,
	    sizeof rfc8448_certificate_verify - 4, 0, 1);
	r_hs(&r, 20, fin, 32, 0, 0);
	r_rec(&r, 23, resp, sizeof resp - 1, 0);
	r_put(dir, &k, &r);
	/* A user_canceled during the handshake is let pass. */
	r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_HS, 0);
	r_rec(&r, 21, canceled, 2, 0);
	r_hs(&r, 20, fin, 32, 0, 0);
	r_rec(&r, 23, resp, sizeof resp - 1, 0);
	r_put(dir, &k, &r);
	/* Records bringing more than the message buffer holds. */
	r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_HS, 0);
	/* A Certificate of 17392 bytes, 2000 in the first record. */
	memset(part, 0, sizeof part);
	part[0] = 11;
	part[2] = 0x43;
	part[3] = 0xf0;
	r_rec(&r, 22, part, sizeof part, 0);
	r_rec(&r, 22, NULL, 16384, 0);
	r_put(dir, &k, &r);
	/* Tickets, key updates both ways, alerts, partial reads. */
	r_start(&r, FUZZREC_SUITE_CHACHA, FUZZREC_AT_APP, 5);
	r_msg(&r, rfc8448_new_session_ticket,
	    sizeof rfc8448_new_session_ticket, 9);
	r_rec(&r, 23, resp, sizeof resp - 1, 32);
	r_hs(&r, 24, ku_req, 1, 0, 0);
	r_rec(&r, 23, resp, 10, 0);
	r_rec(&r, 23, "", 0, 0);
	r_hs(&r, 24, ku_no, 1, 0, 0);
	r_rec(&r, 0, padded, sizeof padded, 3);
	r_rec(&r, 21, canceled, 2, 0);
	r_rec(&r, 21, close_notify, 2, 0);
	r_put(dir, &k, &r);
	/* Two tickets in one record; one too big, in pieces. */
	r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_APP, 0);
	r_hs(&r, rfc8448_new_session_ticket[0],
	    rfc8448_new_session_ticket + 4,
	    sizeof rfc8448_new_session_ticket - 4, 0, 1);
	r_msg(&r, rfc8448_new_session_ticket,
	    sizeof rfc8448_new_session_ticket, 0);
	r_hs(&r, 4, nst, sizeof nst, 255, 0);
	r_rec(&r, 23, resp, sizeof resp - 1, 0);
	r_put(dir, &k, &r);
	/* A KeyUpdate not alone in its record; a fatal alert. */
	r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_APP, 0);
	r_hs(&r, 24, ku_req, 1, 0, 1);
	r_msg(&r, rfc8448_new_session_ticket,
	    sizeof rfc8448_new_session_ticket, 0);
	r_put(dir, &k, &r);
	r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_APP, 0);
	r_rec(&r, 21, fatal, 2, 0);
	r_put(dir, &k, &r);
	r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_APP, 0);
	r_raw(&r, plain_alert, sizeof plain_alert);
	r_put(dir, &k, &r);
	/* Tampering, framing and size limits. */
	r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_APP, 0);
	r_rec(&r, 23, resp, 5, 0);
	r_flip(&r, 23, resp, sizeof resp - 1, 8 * 10);
	r_put(dir, &k, &r);
	r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_APP, 0);
	r_raw(&r, too_long, sizeof too_long);
	r_put(dir, &k, &r);
	r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_APP, 0);
	r_rec(&r, 23, resp, 5, 0);
	r_raw(&r, cut, sizeof cut);
	r_put(dir, &k, &r);
	for (i = 0; i < 2; i++) {
		/* The largest record, and one byte more. */
		r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_APP, 0);
		r_rec(&r, 23, NULL, 16384 + i, 0);
		r_put(dir, &k, &r);
		r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_APP, 0);
		/* ... the padding counting in (RFC 8446 5.4). */
		r_rec(&r, 23, resp, 5, 16384 - 5 + i);
		r_put(dir, &k, &r);
		/* The largest handshake message, and one byte more. */
		r_start(&r, FUZZREC_SUITE_AES128, FUZZREC_AT_HS, 0);
		r_hs(&r, 11, NULL, 16384 + 1024 - 4 + i, 0, 0);
		r_put(dir, &k, &r);
	}
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
	snprintf(path, sizeof path, "%s/tls13rec", argv[1]);
	mkdir(path, 0755);
	tls13rec_seeds(argv[1]);
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
