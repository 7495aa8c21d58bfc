/*
 * ghash.c: GHASH with PCLMULQDQ and VPCLMULQDQ; the contract is in
 * ghash.h.
 *
 * The arithmetic is the one of Intel's white paper on carry-less
 * multiplication for GCM (Gueron and Kounavis): operands in the byte
 * order reversed from the GCM spec, a 256-bit product shifted left one
 * bit (GCM numbers bits from the top of each byte, so the product of
 * such operands comes out one place short), then reduced modulo
 * x^128 + x^7 + x^2 + x + 1 in two shift-and-xor phases. Reduction is
 * linear, so the products of a run of blocks with H^n..H^1 are summed
 * first and reduced once.
 */
#include <string.h>

#include "ghash.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <cpuid.h>
#include <immintrin.h>

#define CLMUL	__attribute__((target("pclmul,ssse3")))

/* The byte order of the spec to the one the multiply works in, and back. */
CLMUL static inline __m128i
swap(__m128i x)
{
	return _mm_shuffle_epi8(x, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7,
	    8, 9, 10, 11, 12, 13, 14, 15));
}

CLMUL static inline __m128i
load(const unsigned char *p)
{
	return swap(_mm_loadu_si128((const __m128i *)(const void *)p));
}

/* a * b, unreduced, added to the sum lo + mid * x^64 + hi * x^128. */
CLMUL static inline void
mul_add(__m128i a, __m128i b, __m128i *lo, __m128i *mid, __m128i *hi)
{
	*lo = _mm_xor_si128(*lo, _mm_clmulepi64_si128(a, b, 0x00));
	*hi = _mm_xor_si128(*hi, _mm_clmulepi64_si128(a, b, 0x11));
	*mid = _mm_xor_si128(*mid, _mm_xor_si128(
	    _mm_clmulepi64_si128(a, b, 0x01),
	    _mm_clmulepi64_si128(a, b, 0x10)));
}

/* The sum of mul_add(), shifted left one bit and reduced. */
CLMUL static inline __m128i
reduce(__m128i lo, __m128i mid, __m128i hi)
{
	__m128i	a, b, c;

	lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
	hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));

	/* hi:lo <<= 1, the bits crossing 32-bit lanes carried by hand. */
	a = _mm_srli_epi32(lo, 31);
	b = _mm_srli_epi32(hi, 31);
	c = _mm_srli_si128(a, 12);
	lo = _mm_or_si128(_mm_slli_epi32(lo, 1), _mm_slli_si128(a, 4));
	hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi32(hi, 1),
	    _mm_slli_si128(b, 4)), c);

	/* First phase: fold lo's low bits by x^63, x^62, x^57. */
	a = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi32(lo, 31),
	    _mm_slli_epi32(lo, 30)), _mm_slli_epi32(lo, 25));
	b = _mm_srli_si128(a, 4);
	lo = _mm_xor_si128(lo, _mm_slli_si128(a, 12));

	/* Second phase: x^1, x^2, x^7 of the polynomial. */
	c = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi32(lo, 1),
	    _mm_srli_epi32(lo, 2)), _mm_srli_epi32(lo, 7));
	lo = _mm_xor_si128(lo, _mm_xor_si128(c, b));
	return _mm_xor_si128(hi, lo);
}

CLMUL static inline __m128i
mul(__m128i a, __m128i b)
{
	__m128i	lo = _mm_setzero_si128(), mid = lo, hi = lo;

	mul_add(a, b, &lo, &mid, &hi);
	return reduce(lo, mid, hi);
}

/* pw[0..n-1] = H^n..H^1, made per call: n - 1 multiplies, where a
 * 16 KiB record has 1,024 blocks. */
CLMUL static void
powers(__m128i *pw, __m128i h, int n)
{
	int	i;

	pw[n - 1] = h;
	for (i = n - 2; i >= 0; i--) {
		pw[i] = mul(pw[i + 1], h);
	}
}

/* The blocks of d[0..len) one at a time, a last partial one padded. */
CLMUL static __m128i
blocks(__m128i yv, __m128i h, const unsigned char *d, size_t len)
{
	unsigned char	tail[16];

	for (; len >= 16; d += 16, len -= 16) {
		yv = mul(_mm_xor_si128(yv, load(d)), h);
	}
	if (len > 0) {
		memset(tail, 0, sizeof tail);
		memcpy(tail, d, len);
		yv = mul(_mm_xor_si128(yv, load(tail)), h);
	}
	return yv;
}

CLMUL static void
ghash_clmul(void *y, const void *h, const void *data, size_t len)
{
	const unsigned char	*d = data;
	__m128i			pw[8], yv, hv, lo, mid, hi;
	int			i;

	yv = load(y);
	hv = load(h);
	if (len >= 128) {
		powers(pw, hv, 8);
		for (; len >= 128; d += 128, len -= 128) {
			lo = mid = hi = _mm_setzero_si128();
			mul_add(_mm_xor_si128(yv, load(d)), pw[0], &lo, &mid,
			    &hi);
			for (i = 1; i < 8; i++) {
				mul_add(load(d + 16 * i), pw[i], &lo, &mid,
				    &hi);
			}
			yv = reduce(lo, mid, hi);
		}
	}
	yv = blocks(yv, hv, d, len);
	_mm_storeu_si128((__m128i *)y, swap(yv));
}

/*
 * Sixteen blocks at a time with VPCLMULQDQ on 512-bit vectors, four
 * blocks per instruction; the four 128-bit lanes of each partial
 * product are folded together before the one reduction. y enters
 * through a 128-bit multiply by H^16 of its own, so that only that
 * multiply and the reduction wait for the previous round.
 */
#define VCLMUL	__attribute__((target("avx512f,avx512bw,avx2,vpclmulqdq," \
		    "pclmul,ssse3")))

VCLMUL static inline __m128i
fold(__m512i v)
{
	__m256i	t = _mm256_xor_si256(_mm512_castsi512_si256(v),
		    _mm512_extracti64x4_epi64(v, 1));

	return _mm_xor_si128(_mm256_castsi256_si128(t),
	    _mm256_extracti128_si256(t, 1));
}

VCLMUL static void
ghash_vclmul(void *y, const void *h, const void *data, size_t len)
{
	const unsigned char	*d = data;
	__m128i			pw[16], yv, hv, l, m, u;
	__m512i			bswap, p[4], x, lo, mid, hi;
	int			i;

	yv = load(y);
	hv = load(h);
	if (len >= 256) {
		powers(pw, hv, 16);
		for (i = 0; i < 4; i++) {
			p[i] = _mm512_loadu_si512((const void *)&pw[4 * i]);
		}
		bswap = _mm512_broadcast_i32x4(_mm_set_epi8(0, 1, 2, 3, 4, 5,
		    6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
		for (; len >= 256; d += 256, len -= 256) {
			lo = mid = hi = _mm512_setzero_si512();
			for (i = 0; i < 4; i++) {
				x = _mm512_shuffle_epi8(_mm512_loadu_si512(
				    (const void *)(d + 64 * i)), bswap);
				lo = _mm512_xor_si512(lo,
				    _mm512_clmulepi64_epi128(x, p[i], 0x00));
				hi = _mm512_xor_si512(hi,
				    _mm512_clmulepi64_epi128(x, p[i], 0x11));
				mid = _mm512_xor_si512(mid, _mm512_xor_si512(
				    _mm512_clmulepi64_epi128(x, p[i], 0x01),
				    _mm512_clmulepi64_epi128(x, p[i], 0x10)));
			}
			l = fold(lo);
			m = fold(mid);
			u = fold(hi);
			mul_add(yv, pw[0], &l, &m, &u);
			yv = reduce(l, m, u);
		}
	}
	yv = blocks(yv, hv, d, len);
	_mm_storeu_si128((__m128i *)y, swap(yv));
	/* BearSSL's AES-NI code that runs next is SSE: with the upper
	 * halves left dirty it took twice its time (perf, 1 GiB), and gcc
	 * did not clear them on its own here. */
	_mm256_zeroupper();
}

/*
 * Whether the CPU has PCLMULQDQ and SSSE3: the test of BearSSL's
 * br_ghash_pclmul_get(), which would also link its 1.9 KB GHASH.
 */
static int
has_clmul(void)
{
	unsigned	a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_PCLMUL)
	    && (c & bit_SSSE3);
}

/*
 * Whether the CPU has AVX-512 (F, BW) and VPCLMULQDQ, and the kernel
 * saves the 512-bit registers (XCR0: SSE, AVX, opmask, ZMM state).
 * valgrind, which cannot run AVX-512, hides it here.
 */
static int
has_vclmul(void)
{
	unsigned	a, b, c, d, xlo, xhi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE)) {
		return 0;
	}
	__asm__ volatile ("xgetbv" : "=a" (xlo), "=d" (xhi) : "c" (0));
	(void)xhi;
	if ((xlo & 0xe6) != 0xe6
	    || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		return 0;
	}
	return (b & bit_AVX512F) && (b & bit_AVX512BW) && (b & bit_AVX2)
	    && (c & bit_VPCLMULQDQ);
}

/* see ghash.h */
br_ghash
uf_ghash_clmul_get(void)
{
	return has_clmul() ? &ghash_clmul : 0;
}

/* see ghash.h */
br_ghash
uf_ghash_vclmul_get(void)
{
	return has_clmul() && has_vclmul() ? &ghash_vclmul : 0;
}

#else

/* see ghash.h */
br_ghash
uf_ghash_clmul_get(void)
{
	return 0;
}

/* see ghash.h */
br_ghash
uf_ghash_vclmul_get(void)
{
	return 0;
}

#endif

/* see ghash.h */
br_ghash
uf_ghash_get(void)
{
	/* Chosen once a run: CPUID traps to the hypervisor in a VM, and
	 * every new TLS connection asks. */
	static int	chosen;
	static br_ghash	g;

	if (!chosen) {
		g = uf_ghash_vclmul_get();
		if (g == 0) {
			g = uf_ghash_clmul_get();
		}
		chosen = 1;
	}
	return g;
}
