/*
 * test_ghash.c: both GHASH implementations of src/ghash.c against the
 * GCM spec's test case 2 and against BearSSL's portable
 * br_ghash_ctmul64 for every length up to 600 bytes, a 16 KiB record,
 * and split calls. One this CPU cannot run is skipped, and says so.
 */
#include <bearssl.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ghash.h"

static br_ghash
impl(int wide)
{
	br_ghash	g = wide ? uf_ghash_vclmul_get() : uf_ghash_clmul_get();

	if (g == 0) {
		cr_skip_test("%s: not on this CPU", wide ? "AVX-512 VPCLMULQDQ"
		    : "PCLMULQDQ");
	}
	return g;
}

static void
hex(unsigned char *out, const char *s)
{
	unsigned	v;

	for (; sscanf(s, "%2x", &v) == 1; s += 2) {
		*out++ = (unsigned char)v;
	}
}

/* McGrew and Viega, "The Galois/Counter Mode of Operation", case 2. */
static void
spec_case_2(int wide)
{
	br_ghash	g = impl(wide);
	unsigned char	h[16], c[16], lens[16], want[16], y[16] = { 0 };

	hex(h, "66e94bd4ef8a2c3b884cfa59ca342b2e");
	hex(c, "0388dace60b6a392f328c2b971b2fe78");
	hex(lens, "00000000000000000000000000000080");
	hex(want, "f38cbb1ad69223dcc3457ae5b6b0f885");
	g(y, h, c, 16);
	g(y, h, lens, 16);
	cr_expect_eq(memcmp(y, want, 16), 0);
}

/* A fixed pseudo-random stream, so that a failure can be replayed. */
static void
fill(unsigned char *p, size_t n, uint32_t seed)
{
	while (n-- > 0) {
		seed = seed * 1103515245u + 12345u;
		*p++ = (unsigned char)(seed >> 16);
	}
}

static void
matches_ctmul64(int wide)
{
	static unsigned char	data[16384 + 48];
	br_ghash		g = impl(wide);
	unsigned char		h[16], y0[16], y1[16];
	size_t			len, lens[] = { 16384, 16384 + 13, 4096 + 7 };
	size_t			i;

	fill(data, sizeof data, 7);
	for (len = 0; len <= 600; len++) {
		fill(h, 16, (uint32_t)len);
		fill(y0, 16, (uint32_t)len + 1000);
		memcpy(y1, y0, 16);
		g(y0, h, data, len);
		br_ghash_ctmul64(y1, h, data, len);
		cr_expect_eq(memcmp(y0, y1, 16), 0, "length %zu", len);
	}
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		fill(h, 16, 99);
		memset(y0, 0, 16);
		memset(y1, 0, 16);
		g(y0, h, data, lens[i]);
		br_ghash_ctmul64(y1, h, data, lens[i]);
		cr_expect_eq(memcmp(y0, y1, 16), 0, "length %zu", lens[i]);
	}
}

/* As the record layer calls it: header, body in pieces, lengths. */
static void
split_calls(int wide)
{
	static unsigned char	data[1000];
	br_ghash		g = impl(wide);
	unsigned char		h[16], y0[16] = { 0 }, y1[16] = { 0 };

	fill(data, sizeof data, 3);
	fill(h, 16, 4);
	g(y0, h, data, 13);
	g(y0, h, data + 16, 512);
	g(y0, h, data + 528, 144);
	br_ghash_ctmul64(y1, h, data, 13);
	br_ghash_ctmul64(y1, h, data + 16, 656);
	cr_expect_eq(memcmp(y0, y1, 16), 0);
}

Test(ghash, clmul_spec_case_2) { spec_case_2(0); }
Test(ghash, clmul_matches_ctmul64) { matches_ctmul64(0); }
Test(ghash, clmul_split_calls) { split_calls(0); }
Test(ghash, vclmul_spec_case_2) { spec_case_2(1); }
Test(ghash, vclmul_matches_ctmul64) { matches_ctmul64(1); }
Test(ghash, vclmul_split_calls) { split_calls(1); }

/* What the engine gets is one of the two. */
Test(ghash, get_prefers_vclmul)
{
	br_ghash	v = uf_ghash_vclmul_get();

	cr_expect(uf_ghash_get() == (v != 0 ? v : uf_ghash_clmul_get()));
}
