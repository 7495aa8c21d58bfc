/*
 * test_hkdf.c: HKDF-Extract and -Expand against RFC 5869 A.1-A.3
 * (SHA-256) and the same inputs with SHA-384; Expand-Label and
 * Derive-Secret against the key schedule of RFC 8448 section 3, from
 * the ECDHE secret to the traffic keys, IVs and Finished values. Every
 * step is also run with a flipped bit in its secret and in its label,
 * which must change the output.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hex.h"
#include "hkdf.h"
#include "rfc8448.h"

#define BUF	8192

/* RFC 5869 appendix A: one test case of HKDF. */
struct hkdf_case {
	const char		*what;
	const br_hash_class	*hash;
	const char		*ikm, *salt, *info;
	size_t			len;
	const char		*prk, *okm;
};

#define A1_IKM	"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
#define A1_SALT	"000102030405060708090a0b0c"
#define A1_INFO	"f0f1f2f3f4f5f6f7f8f9"
#define A1_PRK	\
	"077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"
#define A1_OKM	\
	"3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf" \
	"34007208d5b887185865"

/*
 * A.1-A.3 are RFC 5869's own; the SHA-384 rows take the same inputs
 * and were computed with Python's hmac and hashlib (HMAC-SHA384
 * following RFC 5869 2.2 and 2.3 step by step).
 */
static const struct hkdf_case	hkdf_cases[] = {
	{ "RFC 5869 A.1", &br_sha256_vtable, A1_IKM, A1_SALT, A1_INFO, 42,
	    A1_PRK, A1_OKM },
	{ "RFC 5869 A.2", &br_sha256_vtable,
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	    "404142434445464748494a4b4c4d4e4f",
	    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
	    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
	    "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", 82,
	    "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
	    "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
	    "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
	    "cc30c58179ec3e87c14c01d5c1f3434f1d87" },
	{ "RFC 5869 A.3 (no salt, no info)", &br_sha256_vtable,
	    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
	    "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
	    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	    "9d201395faa4b61a96c8" },
	{ "A.1's inputs, SHA-384", &br_sha384_vtable, A1_IKM, A1_SALT,
	    A1_INFO, 42,
	    "704b39990779ce1dc548052c7dc39f303570dd13fb39f7acc564680bef80e8de"
	    "c70ee9a7e1f3e293ef68eceb072a5ade",
	    "9b5097a86038b805309076a44b3a9f38063e25b516dcbf369f394cfab43685f7"
	    "48b6457763e4f0204fc5" },
	{ "A.2's inputs, SHA-384", &br_sha384_vtable,
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	    "404142434445464748494a4b4c4d4e4f",
	    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
	    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
	    "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", 82,
	    "b319f6831dff9314efb643baa29263b30e4a8d779fe31e9c901efd7de737c85b"
	    "62e676d4dc87b0895c6a7dc97b52cebb",
	    "484ca052b8cc724fd1c4ec64d57b4e818c7e25a8e0f4569ed72a6a05fe0649ee"
	    "bf69f8d5c832856bf4e4fbc17967d54975324a94987f7f41835817d8994fdbd6"
	    "f4c09c5500dca24a56222fea53d8967a8b2e" },
	{ "A.3's inputs, SHA-384", &br_sha384_vtable,
	    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
	    "10e40cf072a4c5626e43dd22c1cf727d4bb140975c9ad0cbc8e45b40068f8f0b"
	    "a57cdb598af9dfa6963a96899af047e5",
	    "c8c96e710f89b0d7990bca68bcdec8cf854062e54c73a7abc743fade9b242daa"
	    "cc1cea5670415b52849c" },
};

#define N_HKDF	(sizeof hkdf_cases / sizeof hkdf_cases[0])

Test(hkdf, hash_len)
{
	cr_expect_eq(uf_hash_len(&br_sha256_vtable), 32);
	cr_expect_eq(uf_hash_len(&br_sha384_vtable), UF_HASH_MAX);
}

Test(hkdf, rfc5869)
{
	unsigned char	ikm[BUF], salt[BUF], info[BUF], want[BUF];
	unsigned char	prk[UF_HASH_MAX], okm[BUF];
	size_t		i, ikm_len, salt_len, info_len, hlen, len;

	for (i = 0; i < N_HKDF; i++) {
		const struct hkdf_case	*c = &hkdf_cases[i];

		ikm_len = unhex(ikm, sizeof ikm, c->ikm);
		salt_len = unhex(salt, sizeof salt, c->salt);
		info_len = unhex(info, sizeof info, c->info);
		hlen = uf_hash_len(c->hash);

		uf_hkdf_extract(c->hash, salt, salt_len, ikm, ikm_len, prk);
		cr_assert_eq(unhex(want, sizeof want, c->prk), hlen);
		cr_expect_eq(memcmp(prk, want, hlen), 0, "%s: PRK", c->what);

		cr_assert_eq(unhex(want, sizeof want, c->okm), c->len);
		/* Every shorter output is a prefix: partial last blocks. */
		for (len = 0; len <= c->len; len++) {
			memset(okm, 0xa5, sizeof okm);
			uf_hkdf_expand(c->hash, prk, info, info_len, okm, len);
			cr_expect_eq(memcmp(okm, want, len), 0, "%s: OKM[%zu]",
			    c->what, len);
			cr_expect_eq(okm[len], 0xa5, "%s: wrote past %zu",
			    c->what, len);
		}

		/* A flipped bit of the IKM, salt or info changes the OKM. */
		ikm[0] ^= 1;
		uf_hkdf_extract(c->hash, salt, salt_len, ikm, ikm_len, prk);
		uf_hkdf_expand(c->hash, prk, info, info_len, okm, c->len);
		cr_expect_neq(memcmp(okm, want, c->len), 0, "%s: IKM",
		    c->what);
		ikm[0] ^= 1;
		if (salt_len > 0) {
			salt[salt_len - 1] ^= 0x80;
			uf_hkdf_extract(c->hash, salt, salt_len, ikm, ikm_len,
			    prk);
			uf_hkdf_expand(c->hash, prk, info, info_len, okm,
			    c->len);
			cr_expect_neq(memcmp(okm, want, c->len), 0, "%s: salt",
			    c->what);
			salt[salt_len - 1] ^= 0x80;
		}
		if (info_len > 0) {
			uf_hkdf_extract(c->hash, salt, salt_len, ikm, ikm_len,
			    prk);
			info[info_len / 2] ^= 4;
			uf_hkdf_expand(c->hash, prk, info, info_len, okm,
			    c->len);
			cr_expect_neq(memcmp(okm, want, c->len), 0, "%s: info",
			    c->what);
		}
	}
}

/* An empty salt is hash-length zeros (RFC 5869 2.2). */
Test(hkdf, empty_salt_is_zeros)
{
	static const unsigned char	zeros[UF_HASH_MAX];
	static const unsigned char	ikm[] = "input keying material";
	unsigned char			a[UF_HASH_MAX], b[UF_HASH_MAX];

	uf_hkdf_extract(&br_sha256_vtable, NULL, 0, ikm, sizeof ikm, a);
	uf_hkdf_extract(&br_sha256_vtable, zeros, 32, ikm, sizeof ikm, b);
	cr_expect_eq(memcmp(a, b, 32), 0);
	uf_hkdf_extract(&br_sha384_vtable, NULL, 0, ikm, sizeof ikm, a);
	uf_hkdf_extract(&br_sha384_vtable, zeros, 48, ikm, sizeof ikm, b);
	cr_expect_eq(memcmp(a, b, 48), 0);
}

/* The longest output, 255 blocks: the counter runs to 255. */
Test(hkdf, longest_expand)
{
	static unsigned char	okm[255 * 32 + 1];
	unsigned char		prk[32], info[10], want[42];
	size_t			info_len;

	unhex(prk, sizeof prk, A1_PRK);
	info_len = unhex(info, sizeof info, A1_INFO);
	unhex(want, sizeof want, A1_OKM);
	okm[255 * 32] = 0x5a;
	uf_hkdf_expand(&br_sha256_vtable, prk, info, info_len, okm,
	    255 * 32);
	cr_expect_eq(memcmp(okm, want, sizeof want), 0);
	cr_expect_eq(okm[255 * 32], 0x5a);
	cr_expect_neq(memcmp(okm + 254 * 32, okm + 253 * 32, 32), 0);
}

/* One step of TLS 1.3's key schedule (RFC 8446 7.1 and 7.3). */
enum op {
	EXTRACT,	/* HKDF-Extract(salt = in, IKM = arg) */
	DERIVE,		/* Derive-Secret(in, label, transcript hash arg) */
	LABEL		/* HKDF-Expand-Label(in, label, context arg, len) */
};

struct step {
	const char		*what;
	const br_hash_class	*hash;
	enum op			op;
	const char		*in;
	const char		*label;
	const char		*arg;
	size_t			len;
	const char		*want;
};

#define ZEROS32	\
	"0000000000000000000000000000000000000000000000000000000000000000"
#define ZEROS48	ZEROS32 "00000000000000000000000000000000"

/*
 * RFC 8448 section 3 from the top. The rows marked Python and the
 * SHA-384 ones (the schedule of TLS_AES_256_GCM_SHA384, which RFC 8448
 * has no trace of) were computed with Python's hmac and hashlib.
 */
static const struct step	steps[] = {
	{ "early secret", &br_sha256_vtable, EXTRACT, "", NULL, ZEROS32, 0,
	    RFC8448_EARLY_SECRET },
	{ "derived (early)", &br_sha256_vtable, DERIVE, RFC8448_EARLY_SECRET,
	    "derived", RFC8448_EMPTY_HASH, 0, RFC8448_DERIVED_EARLY },
	{ "handshake secret", &br_sha256_vtable, EXTRACT,
	    RFC8448_DERIVED_EARLY, NULL, RFC8448_ECDHE, 0,
	    RFC8448_HANDSHAKE_SECRET },
	{ "c hs traffic", &br_sha256_vtable, DERIVE, RFC8448_HANDSHAKE_SECRET,
	    "c hs traffic", RFC8448_HELLO_HASH, 0, RFC8448_C_HS_TRAFFIC },
	{ "s hs traffic", &br_sha256_vtable, DERIVE, RFC8448_HANDSHAKE_SECRET,
	    "s hs traffic", RFC8448_HELLO_HASH, 0, RFC8448_S_HS_TRAFFIC },
	{ "derived (handshake)", &br_sha256_vtable, DERIVE,
	    RFC8448_HANDSHAKE_SECRET, "derived", RFC8448_EMPTY_HASH, 0,
	    RFC8448_DERIVED_HANDSHAKE },
	{ "master secret", &br_sha256_vtable, EXTRACT,
	    RFC8448_DERIVED_HANDSHAKE, NULL, ZEROS32, 0,
	    RFC8448_MASTER_SECRET },
	{ "c ap traffic", &br_sha256_vtable, DERIVE, RFC8448_MASTER_SECRET,
	    "c ap traffic", RFC8448_SERVER_FINISHED_HASH, 0,
	    RFC8448_C_AP_TRAFFIC },
	{ "s ap traffic", &br_sha256_vtable, DERIVE, RFC8448_MASTER_SECRET,
	    "s ap traffic", RFC8448_SERVER_FINISHED_HASH, 0,
	    RFC8448_S_AP_TRAFFIC },
	{ "exp master", &br_sha256_vtable, DERIVE, RFC8448_MASTER_SECRET,
	    "exp master", RFC8448_SERVER_FINISHED_HASH, 0,
	    RFC8448_EXP_MASTER },
	{ "res master", &br_sha256_vtable, DERIVE, RFC8448_MASTER_SECRET,
	    "res master", RFC8448_CLIENT_FINISHED_HASH, 0,
	    RFC8448_RES_MASTER },
	{ "server handshake key", &br_sha256_vtable, LABEL,
	    RFC8448_S_HS_TRAFFIC, "key", "", 16, RFC8448_S_HS_KEY },
	{ "server handshake iv", &br_sha256_vtable, LABEL,
	    RFC8448_S_HS_TRAFFIC, "iv", "", 12, RFC8448_S_HS_IV },
	{ "client handshake key", &br_sha256_vtable, LABEL,
	    RFC8448_C_HS_TRAFFIC, "key", "", 16, RFC8448_C_HS_KEY },
	{ "client handshake iv", &br_sha256_vtable, LABEL,
	    RFC8448_C_HS_TRAFFIC, "iv", "", 12, RFC8448_C_HS_IV },
	{ "server application key", &br_sha256_vtable, LABEL,
	    RFC8448_S_AP_TRAFFIC, "key", "", 16, RFC8448_S_AP_KEY },
	{ "server application iv", &br_sha256_vtable, LABEL,
	    RFC8448_S_AP_TRAFFIC, "iv", "", 12, RFC8448_S_AP_IV },
	{ "client application key", &br_sha256_vtable, LABEL,
	    RFC8448_C_AP_TRAFFIC, "key", "", 16, RFC8448_C_AP_KEY },
	{ "client application iv", &br_sha256_vtable, LABEL,
	    RFC8448_C_AP_TRAFFIC, "iv", "", 12, RFC8448_C_AP_IV },
	{ "server finished key", &br_sha256_vtable, LABEL,
	    RFC8448_S_HS_TRAFFIC, "finished", "", 32, RFC8448_S_FINISHED_KEY },
	{ "client finished key", &br_sha256_vtable, LABEL,
	    RFC8448_C_HS_TRAFFIC, "finished", "", 32, RFC8448_C_FINISHED_KEY },
	{ "300 bytes (the length's high byte), Python", &br_sha256_vtable,
	    LABEL, RFC8448_MASTER_SECRET, "long", "", 300,
	    "4a0a6ef96e260bdb382f33814ac4f8302153cf30502bb491e516af31cfd69727"
	    "18b18f4e7c96c597c08486749072e739da8a154c4a628f5ff48b973f69de7a19"
	    "94633fcd30601cc9c18e70f629dc2671a50cb21b1f3d93ef9c5224075a19703b"
	    "5a93987dc76c7719d06b2a2ae5301678e1fa8714f739ec4dfbcd86dd9939cc98"
	    "ecc94bf723c33d3338677b44cc40f6d982cbb497d349335c8136080fbbe9e262"
	    "d04698b624a1f3b647fc3cace41f8e990c3be53865ef83e71116386a68a72401"
	    "a6af7bf784a650047124d0548cfd616bda267efe9a6ee48e016181672853c8b3"
	    "a19f00e6b901a681e4ea7447c7c97e85b2360d7bf17e330bcbe590f15c74bf47"
	    "1f171f1798d671da1a3b4bb736707933dffe4b27b4c93b795320f56f58d84997"
	    "ebaf830d075a1fdcd5c3319b" },
	{ "early secret, SHA-384", &br_sha384_vtable, EXTRACT, "", NULL,
	    ZEROS48, 0,
	    "7ee8206f5570023e6dc7519eb1073bc4e791ad37b5c382aa10ba18e2357e7169"
	    "71f9362f2c2fe2a76bfd78dfec4ea9b5" },
	{ "derived (early), SHA-384", &br_sha384_vtable, DERIVE,
	    "7ee8206f5570023e6dc7519eb1073bc4e791ad37b5c382aa10ba18e2357e7169"
	    "71f9362f2c2fe2a76bfd78dfec4ea9b5", "derived",
	    "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
	    "274edebfe76f65fbd51ad2f14898b95b", 0,
	    "1591dac5cbbf0330a4a84de9c753330e92d01f0a88214b4464972fd668049e93"
	    "e52f2b16fad922fdc0584478428f282b" },
	{ "AES-256 key, SHA-384", &br_sha384_vtable, LABEL,
	    "1591dac5cbbf0330a4a84de9c753330e92d01f0a88214b4464972fd668049e93"
	    "e52f2b16fad922fdc0584478428f282b", "key", "", 32,
	    "6f9ba9cd492bbbdd7adc49c726f736b11b5fd46efc71b929f0aa2c19e98d4b84"
	},
	{ "iv, SHA-384", &br_sha384_vtable, LABEL,
	    "1591dac5cbbf0330a4a84de9c753330e92d01f0a88214b4464972fd668049e93"
	    "e52f2b16fad922fdc0584478428f282b", "iv", "", 12,
	    "0159e8dce065587017ea5a82" },
	{ "finished key, SHA-384", &br_sha384_vtable, LABEL,
	    "1591dac5cbbf0330a4a84de9c753330e92d01f0a88214b4464972fd668049e93"
	    "e52f2b16fad922fdc0584478428f282b", "finished", "", 48,
	    "bc6339a4c08823425655d68a0af68ed89600632f8c008bdd9324b726bddcd6c9"
	    "5b80f4e33a098b7346707099a21adc5b" },
};

#define N_STEPS	(sizeof steps / sizeof steps[0])

/* Run s with in and label as given; out gets the output's length. */
static size_t
run_step(const struct step *s, const unsigned char *in, size_t in_len,
    const char *label, unsigned char *out)
{
	unsigned char	arg[BUF];
	size_t		arg_len = unhex(arg, sizeof arg, s->arg);
	size_t		hlen = uf_hash_len(s->hash);

	switch (s->op) {
	case EXTRACT:
		uf_hkdf_extract(s->hash, in, in_len, arg, arg_len, out);
		return hlen;
	case DERIVE:
		cr_assert_eq(arg_len, hlen, "%s: hash length", s->what);
		uf_hkdf_derive_secret(s->hash, in, label, arg, out);
		return hlen;
	case LABEL:
		uf_hkdf_expand_label(s->hash, in, label, arg, arg_len, out,
		    s->len);
		return s->len;
	}
	cr_assert_fail("%s: no such op", s->what);
	return 0;
}

Test(hkdf, tls13_key_schedule)
{
	unsigned char	in[BUF], out[BUF], want[BUF];
	char		label[64];
	size_t		i, in_len, n;

	for (i = 0; i < N_STEPS; i++) {
		const struct step	*s = &steps[i];

		in_len = unhex(in, sizeof in, s->in);
		n = run_step(s, in, in_len, s->label, out);
		cr_assert_eq(unhex(want, sizeof want, s->want), n, "%s",
		    s->what);
		cr_expect_eq(memcmp(out, want, n), 0, "%s", s->what);

		/* Another secret, another output. */
		if (in_len > 0) {
			in[in_len - 1] ^= 1;
			run_step(s, in, in_len, s->label, out);
			cr_expect_neq(memcmp(out, want, n), 0, "%s: secret",
			    s->what);
			in[in_len - 1] ^= 1;
		}
		/* Another label ("key" and "keY"), another output. */
		if (s->label != NULL) {
			cr_assert_lt(strlen(s->label), sizeof label);
			strcpy(label, s->label);
			label[strlen(label) - 1] ^= 0x20;
			run_step(s, in, in_len, label, out);
			cr_expect_neq(memcmp(out, want, n), 0, "%s: label",
			    s->what);
		}
	}
}

/* The transcript hashes of rfc8448.h are those of its messages. */
Test(hkdf, rfc8448_transcript_hashes)
{
	/* Each message, and the hash after it when rfc8448.h has it. */
	static const struct {
		const char	*msg, *after;
	} t[] = {
		{ RFC8448_CLIENT_HELLO, NULL },
		{ RFC8448_SERVER_HELLO, RFC8448_HELLO_HASH },
		{ RFC8448_ENCRYPTED_EXTENSIONS, NULL },
		{ RFC8448_CERTIFICATE, RFC8448_CERTIFICATE_HASH },
		{ RFC8448_CERTIFICATE_VERIFY, RFC8448_CERTIFICATE_VERIFY_HASH },
		{ RFC8448_SERVER_FINISHED, RFC8448_SERVER_FINISHED_HASH },
		{ RFC8448_CLIENT_FINISHED, RFC8448_CLIENT_FINISHED_HASH },
	};
	br_sha256_context	sc;
	unsigned char		m[BUF], h[32], want[32];
	size_t			i, n;

	br_sha256_init(&sc);
	br_sha256_out(&sc, h);
	unhex(want, sizeof want, RFC8448_EMPTY_HASH);
	cr_expect_eq(memcmp(h, want, 32), 0, "empty");
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		n = unhex(m, sizeof m, t[i].msg);
		br_sha256_update(&sc, m, n);
		if (t[i].after == NULL) {
			continue;
		}
		br_sha256_out(&sc, h);
		unhex(want, sizeof want, t[i].after);
		cr_expect_eq(memcmp(h, want, 32), 0, "after message %zu", i);
	}
}

/*
 * Finished (RFC 8446 4.4.4): HMAC(finished_key, transcript hash) is
 * the verify_data of both Finished messages of the trace.
 */
Test(hkdf, rfc8448_finished)
{
	static const struct {
		const char	*key, *thash, *msg;
	} fin[] = {
		{ RFC8448_S_FINISHED_KEY, RFC8448_CERTIFICATE_VERIFY_HASH,
		    RFC8448_SERVER_FINISHED },
		{ RFC8448_C_FINISHED_KEY, RFC8448_SERVER_FINISHED_HASH,
		    RFC8448_CLIENT_FINISHED },
	};
	br_hmac_key_context	kc;
	br_hmac_context		hc;
	unsigned char		key[32], th[32], msg[36], mac[32];
	size_t			i;

	for (i = 0; i < sizeof fin / sizeof fin[0]; i++) {
		unhex(key, sizeof key, fin[i].key);
		unhex(th, sizeof th, fin[i].thash);
		cr_assert_eq(unhex(msg, sizeof msg, fin[i].msg), sizeof msg);
		br_hmac_key_init(&kc, &br_sha256_vtable, key, sizeof key);
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, th, sizeof th);
		br_hmac_out(&hc, mac);
		cr_expect_eq(memcmp(mac, msg + 4, 32), 0, "Finished %zu", i);
	}
}
