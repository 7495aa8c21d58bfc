/*
 * test_fmt.c: uf_snprintf() and uf_ntop() (src/fmt.c). A table of
 * formats with the text C's snprintf gives, then the C library itself
 * as the oracle over many values and every buffer size.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fmt.h"

static char	got[256], want[256];

/* The same format and arguments through both; the texts and the
 * returned lengths must be equal. */
#define SAME(...)	do {						\
	int	n_ = uf_snprintf(got, sizeof got, __VA_ARGS__);		\
	int	m_ = snprintf(want, sizeof want, __VA_ARGS__);		\
	cr_expect_str_eq(got, want);					\
	cr_expect_eq(n_, m_, "%s: %d, libc %d", want, n_, m_);		\
} while (0)

#define IS(text, ...)	do {						\
	int	n_ = uf_snprintf(got, sizeof got, __VA_ARGS__);		\
	cr_expect_str_eq(got, (text));					\
	cr_expect_eq(n_, (int)strlen(text));				\
} while (0)

Test(fmt, table)
{
	const char *volatile	nul = NULL;	/* out of the compiler's sight */

	IS("", "%s", "");
	IS("plain text", "plain text");
	IS("100% sure", "100%% sure");
	IS("a=x b=yz", "a=%s b=%s", "x", "yz");
	IS("abc", "%.*s", 3, "abcdef");
	IS("ab", "%.*s", 5, "ab");
	IS("", "%.*s", 0, "abc");
	IS("-42 42 0", "%d %u %d", -42, 42u, 0);
	IS("-2147483648", "%d", (int)-2147483647 - 1);
	IS("4294967295", "%u", 4294967295u);
	IS("18446744073709551615", "%llu", 18446744073709551615ULL);
	IS("-9223372036854775808", "%lld", (long long)-9223372036854775807LL - 1);
	IS("12345", "%zu", (size_t)12345);
	IS("2026-01-05", "%04d-%02u-%02u", 2026, 1u, 5u);
	IS("-001", "%04d", -1);
	IS("  7%", "%3u%%", 7u);
	IS("100%", "%3u%%", 100u);
	IS("0000beef BEEF", "%08x %X", 0xbeefu, 0xbeefu);
	IS("00ff", "%04x", 255u);
	IS("x  |  x", "%-3s|%3s", "x", "x");
	IS("ab", "%c%c", 'a', 'b');
	IS("[   42]", "[%*d]", 5, 42);
	IS("[42   ]", "[%-*d]", 5, 42);
	IS("[-42  ]", "[%-5d]", -42);
	IS("[  007]", "[%5.3d]", 7);
	IS("[]", "[%.0u]", 0u);
	IS("(null)", "%s", nul);
	IS("h:300 hh:44", "h:%hu hh:%hhu", (unsigned short)300,
	    (unsigned char)44);
}

/* What fmt.h promises for a conversion it does not know. */
Test(fmt, foreign_conversion_is_shown)
{
	char	buf[32];

	/* Built at run time so that the format check lets it through;
	 * the unused argument keeps -Wformat-security quiet. */
	strcpy(buf, "a%qb %");
	cr_expect_eq(uf_snprintf(got, sizeof got, buf, 0), 6);
	cr_expect_str_eq(got, "a%qb %");
}

Test(fmt, libc_agrees)
{
	static const long long	vals[] = {
		0, 1, -1, 9, 10, 99, 100, 255, 256, 65535, 65536, 1000000,
		2147483647, -2147483647 - 1, 4294967295LL, 1LL << 40,
		9223372036854775807LL, -9223372036854775807LL - 1
	};
	size_t	i;

	for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		long long	v = vals[i];

		SAME("%d|%u|%x|%X", (int)v, (unsigned)v, (unsigned)v,
		    (unsigned)v);
		SAME("%lld|%llu|%llx", v, (unsigned long long)v,
		    (unsigned long long)v);
		SAME("%ld|%lu|%zu", (long)v, (unsigned long)v, (size_t)v);
		SAME("%08x|%-8u|%8d|%02u|%012lld|%-3d|", (unsigned)v,
		    (unsigned)v, (int)v, (unsigned)v, v, (int)v);
		SAME("%.3d|%6.4d|%-6.4d|%.0d|", (int)v, (int)v, (int)v,
		    (int)v);
	}
}

/* Every capacity from 0 up: the same prefix, always terminated, the
 * same return, and not a byte written past cap. */
Test(fmt, truncation)
{
	char	a[64], b[64];
	size_t	cap;
	int	n, m;

	for (cap = 0; cap < 40; cap++) {
		memset(a, '#', sizeof a);
		memset(b, '#', sizeof b);
		n = uf_snprintf(a, cap, "%s=%05d:%.*s|%x", "name", -12, 4,
		    "valueXX", 0xabcu);
		m = snprintf(b, cap, "%s=%05d:%.*s|%x", "name", -12, 4,
		    "valueXX", 0xabcu);
		cr_expect_eq(n, m);
		cr_expect_eq(memcmp(a, b, sizeof a), 0, "cap %zu", cap);
	}
}

static void
ntop_same(int af, const unsigned char *addr)
{
	char	ours[64], libc[64];

	uf_ntop(af, addr, ours, sizeof ours);
	cr_assert_not_null(inet_ntop(af, addr, libc, sizeof libc));
	cr_expect_str_eq(ours, libc);
}

Test(fmt, ntop_table)
{
	unsigned char	a[16];

	inet_pton(AF_INET, "192.0.2.255", a);
	cr_expect_str_eq(uf_ntop(AF_INET, a, got, sizeof got), "192.0.2.255");
	inet_pton(AF_INET, "0.0.0.0", a);
	cr_expect_str_eq(uf_ntop(AF_INET, a, got, sizeof got), "0.0.0.0");

	static const struct {
		const char	*in, *out;
	} v6[] = {
		{ "::", "::" },
		{ "::1", "::1" },
		{ "1::", "1::" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },  /* first run */
		{ "2001:db8:0:0:0:1:0:0", "2001:db8::1:0:0" },    /* longest */
		{ "2001:db8:0:1:2:3:4:5", "2001:db8:0:1:2:3:4:5" }, /* one 0 */
		{ "fe80::ab:cd", "fe80::ab:cd" },
		{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
		{ "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8" },
		{ "0:0:1::", "0:0:1::" },
	};
	size_t	i;

	for (i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
		cr_assert_eq(inet_pton(AF_INET6, v6[i].in, a), 1);
		cr_expect_str_eq(uf_ntop(AF_INET6, a, got, sizeof got),
		    v6[i].out);
	}
}

/* Addresses built from zero and non-zero groups in every pattern, so
 * that each placement of zero runs is met, against inet_ntop. The
 * IPv4-compatible ::a.b.c.d (six zero groups first) is left out: glibc
 * writes it dotted, musl and uf_ntop in hex. */
Test(fmt, ntop_libc_agrees)
{
	unsigned char	a[16];
	unsigned	mask, g;

	for (mask = 0; mask < 256; mask++) {
		for (g = 0; g < 8; g++) {
			unsigned	w = mask & (1u << g) ? 0x10 * g + 1 : 0;

			a[2 * g] = (unsigned char)(w >> 8 | (g == 3 ? 0xab : 0)
			    * (w != 0));
			a[2 * g + 1] = (unsigned char)w;
		}
		if ((mask & 0x3f) == 0 && (mask & 0x40) != 0) {
			continue;
		}
		ntop_same(AF_INET6, a);
	}
	for (mask = 0; mask < 1024; mask++) {
		a[0] = (unsigned char)(mask * 7);
		a[1] = (unsigned char)(mask >> 2);
		a[2] = (unsigned char)(mask * 13);
		a[3] = (unsigned char)mask;
		ntop_same(AF_INET, a);
	}
}
