/*
 * test_aead.c: TLS 1.3 record protection. The records of RFC 8448
 * section 3 (AES-128-GCM) open, in the order each direction sent them,
 * to the trace's messages and inner content types, and sealing those
 * gives the records byte for byte; a flipped bit anywhere in a record
 * (header, ciphertext, tag), a record out of order, under the other
 * direction's key, are refused. RFC 8448 has no AES-256-GCM or
 * ChaCha20-Poly1305 record: those suites (and AES-128-GCM again) are
 * checked against known answers computed with Python's cryptography
 * (OpenSSL underneath), records of 1 to 16385 bytes at sequence numbers
 * 0 to 3 and one far away, and against the published vectors of the
 * GCM spec (test case 16) and RFC 8439 (2.8.2) at sequence 0.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "aead.h"
#include "hex.h"
#include "rfc8448.h"

#define HEADER		5	/* opaque_type, legacy_record_version, length */
#define MAX_RECORD	(HEADER + (1 << 14) + 256)
#define CT_HANDSHAKE	22
#define CT_ALERT	21
#define CT_APPDATA	23

struct rec {
	const char	*record;	/* as sent */
	const char	*content;	/* TLSInnerPlaintext.content */
	unsigned char	type;		/* and its type */
};

/* The records of one traffic key, in their order. */
struct stream {
	const char	*what;
	const char	*key, *iv;
	struct rec	rec[3];
};

/* close_notify, a warning (RFC 8446 6.1), as the trace sends it. */
#define CLOSE_NOTIFY	"0100"

static const struct stream	streams[] = {
	{ "server handshake", RFC8448_S_HS_KEY, RFC8448_S_HS_IV, {
	    { RFC8448_SERVER_FLIGHT_RECORD, RFC8448_ENCRYPTED_EXTENSIONS
		RFC8448_CERTIFICATE RFC8448_CERTIFICATE_VERIFY
		RFC8448_SERVER_FINISHED, CT_HANDSHAKE } } },
	{ "client handshake", RFC8448_C_HS_KEY, RFC8448_C_HS_IV, {
	    { RFC8448_CLIENT_FINISHED_RECORD, RFC8448_CLIENT_FINISHED,
		CT_HANDSHAKE } } },
	{ "server application", RFC8448_S_AP_KEY, RFC8448_S_AP_IV, {
	    { RFC8448_NEW_SESSION_TICKET_RECORD, RFC8448_NEW_SESSION_TICKET,
		CT_HANDSHAKE },
	    { RFC8448_SERVER_APP_RECORD, RFC8448_APP_PAYLOAD, CT_APPDATA },
	    { RFC8448_SERVER_ALERT_RECORD, CLOSE_NOTIFY, CT_ALERT } } },
	{ "client application", RFC8448_C_AP_KEY, RFC8448_C_AP_IV, {
	    { RFC8448_CLIENT_APP_RECORD, RFC8448_APP_PAYLOAD, CT_APPDATA },
	    { RFC8448_CLIENT_ALERT_RECORD, CLOSE_NOTIFY, CT_ALERT } } },
};

#define N_STREAMS	(sizeof streams / sizeof streams[0])
#define N_REC		(sizeof streams[0].rec / sizeof streams[0].rec[0])

static const struct stream *
stream(const char *what)
{
	size_t	i;

	for (i = 0; i < N_STREAMS; i++) {
		if (strcmp(streams[i].what, what) == 0) {
			return &streams[i];
		}
	}
	cr_assert_fail("no stream %s", what);
	return NULL;
}

static void
init_stream(struct uf_aead *a, const struct stream *s)
{
	unsigned char	key[UF_AEAD_KEY_MAX], iv[UF_AEAD_IV];

	cr_assert_eq(unhex(key, sizeof key, s->key), 16);
	cr_assert_eq(unhex(iv, sizeof iv, s->iv), UF_AEAD_IV);
	uf_aead_init(a, UF_TLS_AES_128_GCM_SHA256, key, iv);
}

/* The record and its inner plaintext (content || type). */
static void
load(const struct rec *r, unsigned char *rec, size_t *rec_len,
    unsigned char *inner, size_t *inner_len)
{
	*rec_len = unhex(rec, MAX_RECORD, r->record);
	*inner_len = unhex(inner, MAX_RECORD, r->content);
	inner[(*inner_len)++] = r->type;
	cr_assert_eq(*rec_len, HEADER + *inner_len + UF_AEAD_TAG);
	cr_assert_eq(rec[0], CT_APPDATA, "opaque_type");
	cr_assert_eq((size_t)(rec[3] << 8 | rec[4]), *rec_len - HEADER);
}

/* Open rec in place with a; 1 when authentic. */
static int
open_rec(struct uf_aead *a, unsigned char *rec, size_t len)
{
	return uf_aead_open(a, rec, HEADER, rec + HEADER,
	    len - HEADER - UF_AEAD_TAG, rec + len - UF_AEAD_TAG);
}

Test(aead, key_len)
{
	cr_expect_eq(uf_aead_key_len(UF_TLS_AES_128_GCM_SHA256), 16);
	cr_expect_eq(uf_aead_key_len(UF_TLS_AES_256_GCM_SHA384), 32);
	cr_expect_eq(uf_aead_key_len(UF_TLS_CHACHA20_POLY1305_SHA256), 32);
	/* TLS_AES_128_CCM_SHA256 is TLS 1.3's, but not ours. */
	cr_expect_eq(uf_aead_key_len(0x1304), 0);
	cr_expect_eq(uf_aead_key_len(0), 0);
}

Test(aead, rfc8448_open)
{
	static unsigned char	rec[MAX_RECORD], inner[MAX_RECORD];
	struct uf_aead		a;
	size_t			i, j, len, inner_len;

	for (i = 0; i < N_STREAMS; i++) {
		init_stream(&a, &streams[i]);
		for (j = 0; j < N_REC && streams[i].rec[j].record; j++) {
			load(&streams[i].rec[j], rec, &len, inner, &inner_len);
			cr_expect_eq(open_rec(&a, rec, len), 1,
			    "%s, record %zu", streams[i].what, j);
			cr_expect_eq(memcmp(rec + HEADER, inner, inner_len), 0,
			    "%s, record %zu", streams[i].what, j);
			cr_expect_eq(a.seq, j + 1);
		}
	}
}

Test(aead, rfc8448_seal)
{
	static unsigned char	rec[MAX_RECORD], out[MAX_RECORD];
	struct uf_aead		a;
	size_t			i, j, len, inner_len;

	for (i = 0; i < N_STREAMS; i++) {
		init_stream(&a, &streams[i]);
		for (j = 0; j < N_REC && streams[i].rec[j].record; j++) {
			load(&streams[i].rec[j], rec, &len, out + HEADER,
			    &inner_len);
			memcpy(out, rec, HEADER);
			uf_aead_seal(&a, out, HEADER, out + HEADER, inner_len,
			    out + HEADER + inner_len);
			cr_expect_eq(memcmp(out, rec, len), 0, "%s, record %zu",
			    streams[i].what, j);
		}
	}
}

/* Every byte of every record, one bit flipped, at its own sequence. */
Test(aead, rfc8448_flipped_bit)
{
	static unsigned char	rec[MAX_RECORD], inner[MAX_RECORD];
	static unsigned char	prev[MAX_RECORD];
	struct uf_aead		a;
	size_t			i, j, p, k, len, inner_len, plen;

	for (i = 0; i < N_STREAMS; i++) {
		for (j = 0; j < N_REC && streams[i].rec[j].record; j++) {
			load(&streams[i].rec[j], rec, &len, inner, &inner_len);
			for (p = 0; p < len; p++) {
				init_stream(&a, &streams[i]);
				for (k = 0; k < j; k++) {
					load(&streams[i].rec[k], prev, &plen,
					    inner, &inner_len);
					cr_assert(open_rec(&a, prev, plen));
				}
				load(&streams[i].rec[j], rec, &len, inner,
				    &inner_len);
				rec[p] ^= (unsigned char)(1 << (p % 8));
				cr_expect_eq(open_rec(&a, rec, len), 0,
				    "%s, record %zu, byte %zu",
				    streams[i].what, j, p);
			}
		}
	}
}

/*
 * A record opened at another sequence number is refused, and the
 * number moves on anyway (aead.h): the server's application data,
 * sent second, fails first and then opens.
 */
Test(aead, rfc8448_wrong_sequence)
{
	static unsigned char	rec[MAX_RECORD], inner[MAX_RECORD];
	const struct stream	*s = stream("server application");
	struct uf_aead		a;
	size_t			len, inner_len;

	init_stream(&a, s);
	load(&s->rec[1], rec, &len, inner, &inner_len);
	cr_expect_eq(open_rec(&a, rec, len), 0);
	load(&s->rec[1], rec, &len, inner, &inner_len);
	cr_expect_eq(open_rec(&a, rec, len), 1);
	cr_expect_eq(memcmp(rec + HEADER, inner, inner_len), 0);
	/* The ticket, sent first, now comes too late. */
	load(&s->rec[0], rec, &len, inner, &inner_len);
	cr_expect_eq(open_rec(&a, rec, len), 0);
}

/* The client's records under the server's key of the same epoch. */
Test(aead, rfc8448_wrong_key)
{
	static unsigned char	rec[MAX_RECORD], inner[MAX_RECORD];
	struct uf_aead		a;
	size_t			len, inner_len;

	init_stream(&a, stream("server application"));
	load(&stream("client application")->rec[0], rec, &len, inner,
	    &inner_len);
	cr_expect_eq(open_rec(&a, rec, len), 0);
	init_stream(&a, stream("server handshake"));
	load(&stream("client handshake")->rec[0], rec, &len, inner,
	    &inner_len);
	cr_expect_eq(open_rec(&a, rec, len), 0);
}

/* A pattern both this file and the generator of the table know. */
static void
fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		p[i] = (unsigned char)(i * 31 + seed * 7 + 1);
	}
}

static void
header(unsigned char *h, size_t len)
{
	h[0] = CT_APPDATA;
	h[1] = 3;
	h[2] = 3;
	h[3] = (unsigned char)((len + UF_AEAD_TAG) >> 8);
	h[4] = (unsigned char)(len + UF_AEAD_TAG);
}

#define KEY_128	"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
#define KEY_256	\
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
#define KAT_IV	"101112131415161718191a1b"
/* Every byte of the sequence number in its own place of the nonce. */
#define FAR_SEQ	0x0102030405060708u

/*
 * Computed with Python's cryptography (AESGCM, ChaCha20Poly1305):
 * the record of fill(len, seq & 0xff) under KAT_IV and the suite's key
 * at that sequence, the header of header() as additional data; the
 * SHA-256 of the ciphertext and the tag. Rows of one suite run in
 * order on one context.
 */
static const struct kat {
	unsigned	suite;
	uint64_t	seq;
	size_t		len;
	const char	*ct_sha256, *tag;
} kats[] = {
	{ UF_TLS_AES_128_GCM_SHA256, 0, 1,
	    "ca41841c5c98e34f4a3ae83d9220940395301a9616f69d6672b04ea322f28eb0",
	    "c9b57be356b97d9cce84032970f3cbac" },
	{ UF_TLS_AES_128_GCM_SHA256, 1, 17,
	    "c3aa4494d253e85477400da02476ba95d566cbd6d2877f01b3866b143f89cedf",
	    "5a1a236f7a29ba7e35ae49002bf7250b" },
	{ UF_TLS_AES_128_GCM_SHA256, 2, 300,
	    "a1d8416d9bb757e93e5b5433538c72e0aaa21d0f06960e2393836fa656c67bb8",
	    "1c45499e18740506ca6b1f85c17bf162" },
	{ UF_TLS_AES_128_GCM_SHA256, 3, 16385,
	    "92ee80faf64a28f7644a9e8de90d1a13d3c11781b8a283ca59725d7aa5c0ac16",
	    "47910b5baa3918e8e2c3ac8c1fbf7d93" },
	{ UF_TLS_AES_128_GCM_SHA256, FAR_SEQ, 33,
	    "a8a720371856224e1f8b9a4e5145fc075c470c388f2488b061a1e6cdbf338093",
	    "b8ecf41c5268594a60aae3f2f1c5a659" },
	{ UF_TLS_AES_256_GCM_SHA384, 0, 1,
	    "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
	    "69d3805fdfa0135743c785cf107e2c8e" },
	{ UF_TLS_AES_256_GCM_SHA384, 1, 17,
	    "3695626b13baee61089425583ac32f64a1074d0ebdc31cca82f38ea068b08725",
	    "23a10b59bb03eda96481e74d58fa487f" },
	{ UF_TLS_AES_256_GCM_SHA384, 2, 300,
	    "05ad1d4b64718c7d6cf5b18b81fb4339e31d0818a1e00038a9b50bcd991793c8",
	    "d017416e5b1659f7ee913e78c0213599" },
	{ UF_TLS_AES_256_GCM_SHA384, 3, 16385,
	    "ee57dffffb3df8c0b594a379f64365cc725c0c111ca7d73e675b56cf3a58a226",
	    "4e095a595743b04dfc62e3367acbd2c3" },
	{ UF_TLS_AES_256_GCM_SHA384, FAR_SEQ, 33,
	    "b572287164b4417515e0cf41d0b4cf2ba0a79ac12b649599f9db85e7626e8b50",
	    "74de60b802ead77e761c3e1824d7a6f5" },
	{ UF_TLS_CHACHA20_POLY1305_SHA256, 0, 1,
	    "7cb7c4547cf2653590d7a9ace60cc623d25148adfbc88a89aeb0ef88da7839ba",
	    "21c13e223547754b95d161906b8248fe" },
	{ UF_TLS_CHACHA20_POLY1305_SHA256, 1, 17,
	    "b89cc8edffa8b56ebf82702c466c26bcb748fa6d7b44879a730fea53f896ddfb",
	    "78f23b1e3c29e02c31739b1f2b89285d" },
	{ UF_TLS_CHACHA20_POLY1305_SHA256, 2, 300,
	    "2a320852ea81bb69be7ad0296d4b406baf27093b2781868281c928a7dc14bc9b",
	    "4dfe4e033fe62b063a597d88fa14c572" },
	{ UF_TLS_CHACHA20_POLY1305_SHA256, 3, 16385,
	    "5046b23b0ec2d7e899bb5b5cfe25b41f1c5630fd9c81b968bb206b59e73bb0fa",
	    "93c7a54899b7f748c524c2ff822e148c" },
	{ UF_TLS_CHACHA20_POLY1305_SHA256, FAR_SEQ, 33,
	    "8ecf5550fd1214a5eb44b6750f620bdc8cf2a3295b231750e2f87182278867b1",
	    "1e978b5b6bac14bba14e18f07faddadb" },
};

#define N_KATS	(sizeof kats / sizeof kats[0])

static const unsigned	suites[] = {
	UF_TLS_AES_128_GCM_SHA256, UF_TLS_AES_256_GCM_SHA384,
	UF_TLS_CHACHA20_POLY1305_SHA256,
};

#define N_SUITES	(sizeof suites / sizeof suites[0])

static void
init_kat(struct uf_aead *a, unsigned suite)
{
	unsigned char	key[UF_AEAD_KEY_MAX], iv[UF_AEAD_IV];
	size_t		len;

	len = unhex(key, sizeof key, suite == UF_TLS_AES_128_GCM_SHA256
	    ? KEY_128 : KEY_256);
	cr_assert_eq(len, uf_aead_key_len(suite));
	unhex(iv, sizeof iv, KAT_IV);
	uf_aead_init(a, suite, key, iv);
}

static void
sha256(const unsigned char *p, size_t len, unsigned char *out)
{
	br_sha256_context	sc;

	br_sha256_init(&sc);
	br_sha256_update(&sc, p, len);
	br_sha256_out(&sc, out);
}

Test(aead, known_answers)
{
	static unsigned char	data[MAX_RECORD], want[MAX_RECORD];
	unsigned char		hdr[HEADER], tag[UF_AEAD_TAG], h[32], w[32];
	struct uf_aead		seal, open;
	size_t			i, s;

	for (s = 0; s < N_SUITES; s++) {
		init_kat(&seal, suites[s]);
		init_kat(&open, suites[s]);
		for (i = 0; i < N_KATS; i++) {
			const struct kat	*k = &kats[i];

			if (k->suite != suites[s]) {
				continue;
			}
			cr_assert(seal.seq == k->seq || k->seq == FAR_SEQ);
			seal.seq = open.seq = k->seq;
			fill(data, k->len, (unsigned)(k->seq & 0xff));
			memcpy(want, data, k->len);
			header(hdr, k->len);
			uf_aead_seal(&seal, hdr, HEADER, data, k->len, tag);
			sha256(data, k->len, h);
			unhex(w, sizeof w, k->ct_sha256);
			cr_expect_eq(memcmp(h, w, 32), 0, "%04x, seq %llx",
			    suites[s], (unsigned long long)k->seq);
			unhex(w, sizeof w, k->tag);
			cr_expect_eq(memcmp(tag, w, UF_AEAD_TAG), 0,
			    "%04x, seq %llx: tag", suites[s],
			    (unsigned long long)k->seq);

			cr_expect_eq(uf_aead_open(&open, hdr, HEADER, data,
			    k->len, tag), 1);
			cr_expect_eq(memcmp(data, want, k->len), 0);
		}
	}
}

/*
 * Published vectors at sequence 0, where the nonce is the IV: the GCM
 * spec's test case 16 (AES-256, 60 bytes, 20 bytes of additional data)
 * and RFC 8439 2.8.2 (ChaCha20-Poly1305).
 */
static const struct {
	const char	*what;
	unsigned	suite;
	const char	*key, *iv, *aad, *plain, *cipher, *tag;
} published[] = {
	{ "GCM test case 16", UF_TLS_AES_256_GCM_SHA384,
	    "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	    "cafebabefacedbaddecaf888",
	    "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	    "76fc6ece0f4e1768cddf8853bb2d551b" },
	{ "RFC 8439 2.8.2", UF_TLS_CHACHA20_POLY1305_SHA256,
	    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
	    "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
	    /* "Ladies and Gentlemen of the class of '99: ..." */
	    "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
	    "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
	    "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
	    "637265656e20776f756c642062652069742e",
	    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	    "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	    "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	    "3ff4def08e4b7a9de576d26586cec64b6116",
	    "1ae10b594f09e26a7e902ecbd0600691" },
};

Test(aead, published_vectors)
{
	unsigned char	key[UF_AEAD_KEY_MAX], iv[UF_AEAD_IV], aad[64];
	unsigned char	plain[256], data[256], want[256], tag[UF_AEAD_TAG];
	struct uf_aead	a;
	size_t		i, aad_len, len;

	for (i = 0; i < sizeof published / sizeof published[0]; i++) {
		unhex(key, sizeof key, published[i].key);
		unhex(iv, sizeof iv, published[i].iv);
		aad_len = unhex(aad, sizeof aad, published[i].aad);
		len = unhex(plain, sizeof plain, published[i].plain);
		cr_assert_eq(unhex(want, sizeof want, published[i].cipher),
		    len);
		memcpy(data, plain, len);
		uf_aead_init(&a, published[i].suite, key, iv);
		uf_aead_seal(&a, aad, aad_len, data, len, tag);
		cr_expect_eq(memcmp(data, want, len), 0, "%s",
		    published[i].what);
		unhex(want, sizeof want, published[i].tag);
		cr_expect_eq(memcmp(tag, want, UF_AEAD_TAG), 0, "%s: tag",
		    published[i].what);
		uf_aead_init(&a, published[i].suite, key, iv);
		cr_expect_eq(uf_aead_open(&a, aad, aad_len, data, len, tag), 1,
		    "%s", published[i].what);
		cr_expect_eq(memcmp(data, plain, len), 0, "%s",
		    published[i].what);
	}
}

/*
 * Every length to 300 and the longest record, each suite: what is
 * sealed opens to itself, and not with a flipped bit of the tag or of
 * the last byte (the partial block's path).
 */
Test(aead, round_trip_lengths)
{
	static unsigned char	data[MAX_RECORD], want[MAX_RECORD];
	static unsigned char	ct[MAX_RECORD];
	unsigned char		hdr[HEADER], tag[UF_AEAD_TAG];
	struct uf_aead		seal, open;
	uint64_t		seq;
	size_t			s, len;

	for (s = 0; s < N_SUITES; s++) {
		init_kat(&seal, suites[s]);
		init_kat(&open, suites[s]);
		for (len = 0; len <= (1 << 14) + 1; len++) {
			if (len == 301) {
				len = (1 << 14) + 1;
			}
			fill(want, len, (unsigned)len);
			memcpy(data, want, len);
			header(hdr, len);
			seq = seal.seq;
			uf_aead_seal(&seal, hdr, HEADER, data, len, tag);
			cr_expect(len == 0 || memcmp(data, want, len) != 0);
			memcpy(ct, data, len);

			tag[len % UF_AEAD_TAG] ^= 0x40;
			open.seq = seq;
			cr_expect_eq(uf_aead_open(&open, hdr, HEADER, data,
			    len, tag), 0, "%04x, %zu: tag", suites[s], len);
			tag[len % UF_AEAD_TAG] ^= 0x40;
			if (len > 0) {
				memcpy(data, ct, len);
				data[len - 1] ^= 0x01;
				open.seq = seq;
				cr_expect_eq(uf_aead_open(&open, hdr, HEADER,
				    data, len, tag), 0, "%04x, %zu: data",
				    suites[s], len);
			}
			memcpy(data, ct, len);
			open.seq = seq;
			cr_expect_eq(uf_aead_open(&open, hdr, HEADER, data,
			    len, tag), 1, "%04x, %zu", suites[s], len);
			cr_expect_eq(memcmp(data, want, len), 0, "%04x, %zu",
			    suites[s], len);
		}
	}
}
