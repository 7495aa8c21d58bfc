/*
 * test_trust.c: base64, OpenSSL's subject hash, and trust stores
 * built from the test PKI (tests/pki). The DER reader is test_der.c's.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "der.h"
#include "srv.h"
#include "trust.h"

static unsigned char	mem[98304] __attribute__((aligned(16)));

static size_t
read_pki(const char *name, unsigned char *buf, size_t cap)
{
	char	path[4200];
	FILE	*f = fopen(pki(path, sizeof path, name), "rb");
	size_t	n;

	cr_assert_not_null(f, "%s", path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/* The test root's subject: the name the stores are asked for. */
static struct uf_der
root_subject(void)
{
	static unsigned char	buf[4096];
	struct uf_cert		c;
	size_t			len = read_pki("root.der", buf, sizeof buf);

	cr_assert_eq(uf_der_cert(buf, len, &c), 0);
	return c.subject;
}

/* A name that no store has. */
static const unsigned char	no_name[] = { 0x30, 0x00 };

Test(trust, openssl_subject_hashes)
{
	char		line[256], name[128];
	unsigned char	buf[4096];
	unsigned	want;
	uint32_t	h;
	struct uf_cert	c;
	FILE		*f;
	char		path[4200];
	size_t		n, count = 0;

	f = fopen(pki(path, sizeof path, "hashes.txt"), "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		cr_assert_eq(sscanf(line, "%x %127s", &want, name), 2);
		n = read_pki(name, buf, sizeof buf);
		cr_assert_eq(uf_der_cert(buf, n, &c), 0);
		cr_assert_eq(uf_trust_name_hash(c.subject.p, c.subject.len,
		    &h), 0);
		cr_expect_eq(h, want, "%s: %08x, openssl says %08x", name, h,
		    want);
		count++;
	}
	fclose(f);
	cr_expect_geq(count, 9);
}

Test(trust, canonical_names_hash_alike)
{
	/* CN=" Foo   BAR " as PrintableString and CN="foo bar" as UTF8. */
	static const unsigned char	a[] = {
		0x30, 0x16, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04,
		0x03, 0x13, 0x0b, ' ', 'F', 'o', 'o', ' ', ' ', ' ', 'B', 'A',
		'R', ' '
	};
	static const unsigned char	b[] = {
		0x30, 0x12, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04,
		0x03, 0x0c, 0x07, 'f', 'o', 'o', ' ', 'b', 'a', 'r'
	};
	uint32_t	ha, hb;

	cr_assert_eq(uf_trust_name_hash(a, sizeof a, &ha), 0);
	cr_assert_eq(uf_trust_name_hash(b, sizeof b, &hb), 0);
	cr_expect_eq(ha, hb);
}

Test(trust, base64)
{
	unsigned char	out[16];

	cr_expect_eq(uf_trust_base64("aGVsbG8=", 8, out), 5);
	cr_expect(memcmp(out, "hello", 5) == 0);
	cr_expect_eq(uf_trust_base64("aGVs\r\nbG8h", 10, out), 6);
	cr_expect(memcmp(out, "hello!", 6) == 0);
	cr_expect_eq(uf_trust_base64("aGk=", 4, out), 2);
	cr_expect_eq(uf_trust_base64("aGVsbG8=x", 9, out), -1,
	    "data after padding");
	cr_expect_eq(uf_trust_base64("a#b=", 4, out), -1);
	cr_expect_eq(uf_trust_base64("a", 1, out), -1);
}

/* How many anchors a store gives for the test root's name. */
static size_t
anchors_for_root(const char *file, const char *dir, enum uf_err *err)
{
	struct uf_der		root = root_subject();
	struct uf_arena		a;
	struct uf_trust		t;
	br_x509_trust_anchor	tas[8];
	char			fpath[4200], dpath[4200];
	size_t			n = 0;

	uf_arena_init(&a, mem, sizeof mem);
	unsetenv("SSL_CERT_FILE");
	unsetenv("SSL_CERT_DIR");
	uf_err_clear();
	cr_assert_eq(uf_trust_init(&t, file != NULL ? pki(fpath,
	    sizeof fpath, file) : NULL, dir != NULL ? pki(dpath, sizeof dpath,
	    dir) : NULL), UF_OK);
	*err = uf_trust_find(&t, &a, root.p, root.len, tas, &n, 8);
	if (n > 0) {
		cr_expect_eq(tas[0].dn.len, root.len);
		cr_expect_eq(tas[0].pkey.key_type, BR_KEYTYPE_EC);
		cr_expect(tas[0].flags & BR_X509_TA_CA);
	}
	cr_expect_eq(a.kept, file != NULL ? 16 * t.nidx : 0,
	    "the index lives in the kept region");
	return n;
}

Test(trust, every_bundle_shape_finds_the_root)
{
	static const char *const	files[] = {
		"ca.pem", "bundle.pem", "bundle-crlf.pem", "bundle-nonl.pem",
		"bundle-bad.pem",
	};
	enum uf_err	err;
	size_t		i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		cr_expect_eq(anchors_for_root(files[i], NULL, &err), 1, "%s",
		    files[i]);
		cr_expect_eq(err, UF_OK, "%s: %s", files[i], uf_err_msg());
	}
	cr_expect_eq(anchors_for_root(NULL, "certdir", &err), 1);
	cr_expect_eq(anchors_for_root("other-1.crt", NULL, &err), 0);
	cr_expect_eq(err, UF_OK, "no match is not an error");
}

Test(trust, index_counts_and_skips)
{
	struct uf_der		root = root_subject();
	struct uf_arena		a;
	struct uf_trust		t;
	br_x509_trust_anchor	tas[8];
	char			path[4200];
	size_t			n = 0;

	uf_arena_init(&a, mem, sizeof mem);
	cr_assert_eq(uf_trust_init(&t, pki(path, sizeof path,
	    "bundle-bad.pem"), NULL), UF_OK);
	cr_assert_eq(uf_trust_find(&t, &a, root.p, root.len, tas, &n, 8),
	    UF_OK);
	/* other-1, ed-ca (indexed, undecodable later), root; 2 bad blocks */
	cr_expect_eq(t.nidx, 3);
	cr_expect_eq(t.nskipped, 2);
	cr_expect_eq(n, 1);
}

Test(trust, unreadable_env_file_is_a_certificate_error)
{
	struct uf_arena		a;
	struct uf_trust		t;
	br_x509_trust_anchor	tas[1];
	size_t			n = 0;

	setenv("SSL_CERT_FILE", "/no/such/bundle", 1);
	unsetenv("SSL_CERT_DIR");
	uf_arena_init(&a, mem, sizeof mem);
	uf_err_clear();
	cr_assert_eq(uf_trust_init(&t, NULL, NULL), UF_OK);
	cr_expect_eq(uf_trust_find(&t, &a, no_name, sizeof no_name, tas, &n,
	    1), UF_E_CERT);
	cr_expect(strstr(uf_err_msg(), "/no/such/bundle") != NULL);
	cr_expect_eq(uf_trust_init(&t, "/no/such/bundle", NULL), UF_E_USAGE,
	    "but --cacert naming nothing is a usage error");
}

Test(trust, unreadable_file_falls_back_to_the_directory)
{
	struct uf_der		root = root_subject();
	struct uf_arena		a;
	struct uf_trust		t;
	br_x509_trust_anchor	tas[8];
	char			dir[4200];
	size_t			n = 0;

	setenv("SSL_CERT_FILE", "/no/such/bundle", 1);
	setenv("SSL_CERT_DIR", pki(dir, sizeof dir, "certdir"), 1);
	uf_arena_init(&a, mem, sizeof mem);
	uf_err_clear();
	cr_assert_eq(uf_trust_init(&t, NULL, NULL), UF_OK);
	cr_expect_eq(uf_trust_find(&t, &a, root.p, root.len, tas, &n, 8),
	    UF_OK, "%s", uf_err_msg());
	cr_expect_eq(n, 1);
	cr_expect(strstr(t.why, "/no/such/bundle") != NULL, "%s", t.why);
}

Test(trust, the_same_anchor_twice_is_one)
{
	struct uf_der		root = root_subject();
	struct uf_arena		a;
	struct uf_trust		t;
	br_x509_trust_anchor	tas[8];
	char			file[4200], dir[4200];
	char			twice[] = "/tmp/ufetch-twice-XXXXXX";
	FILE			*f;
	size_t			n = 0, i;
	int			fd;

	/* Three copies of the root in the bundle, one in the directory. */
	fd = mkstemp(twice);
	f = fdopen(fd, "w");
	for (i = 0; i < 3; i++) {
		FILE	*in = fopen(pki(file, sizeof file, "ca.pem"), "r");
		char	b[4096];
		size_t	m = fread(b, 1, sizeof b, in);

		fclose(in);
		fwrite(b, 1, m, f);
	}
	fclose(f);
	uf_arena_init(&a, mem, sizeof mem);
	uf_err_clear();
	cr_assert_eq(uf_trust_init(&t, twice, pki(dir, sizeof dir,
	    "certdir")), UF_OK);
	cr_expect_eq(uf_trust_find(&t, &a, root.p, root.len, tas, &n, 8),
	    UF_OK, "%s", uf_err_msg());
	cr_expect_eq(n, 1);
	cr_expect_eq(t.nidx, 3);
	unlink(twice);
}

Test(trust, a_short_arena_is_not_remembered)
{
	static unsigned char	small[4096] __attribute__((aligned(16)));
	struct uf_arena		a;
	struct uf_trust		t;
	br_x509_trust_anchor	tas[8];
	char			file[4200];
	size_t			n = 0;

	unsetenv("SSL_CERT_DIR");
	cr_assert_eq(uf_trust_init(&t, pki(file, sizeof file, "bundle.pem"),
	    NULL), UF_OK);
	uf_arena_init(&a, small, sizeof small);
	uf_err_clear();
	cr_expect_eq(uf_trust_find(&t, &a, no_name, sizeof no_name, tas, &n,
	    8), UF_E_PROTO, "no room to index in 4 KiB");
	uf_arena_init(&a, mem, sizeof mem);
	uf_err_clear();
	cr_expect_eq(uf_trust_find(&t, &a, no_name, sizeof no_name, tas, &n,
	    8), UF_OK, "the next URL indexes: %s", uf_err_msg());
	cr_expect_eq(t.nidx, 5);
}
