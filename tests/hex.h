/*
 * hex.h: the hex strings of test vectors (tests/rfc8448.h,
 * tests/pss/vectors.h) to bytes.
 */
#ifndef UF_TEST_HEX_H
#define UF_TEST_HEX_H

#include <stddef.h>
#include <stdlib.h>

static inline int
hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/*
 * Decode s, pairs of hex digits with any spaces between pairs, into
 * out[0..cap) and return the number of bytes. A vector that does not
 * decode or does not fit is a bug of the test: abort.
 */
static inline size_t
unhex(unsigned char *out, size_t cap, const char *s)
{
	size_t	n = 0;
	int	hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == ' ') {
			continue;
		}
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0 || n == cap) {
			abort();
		}
		out[n++] = (unsigned char)(hi << 4 | lo);
		s++;
	}
	return n;
}

#endif
