/*
 * fortify_shim.c: Debian's libbearssl.a is built with _FORTIFY_SOURCE
 * and calls glibc's checked string functions, which musl lacks. These
 * do what glibc's do: abort on an overflow the compiler could see,
 * else the plain function.
 */
#include <stdlib.h>
#include <string.h>

void *
__memcpy_chk(void *d, const void *s, size_t n, size_t dlen)
{
	if (n > dlen) {
		abort();
	}
	return memcpy(d, s, n);
}

void *
__memmove_chk(void *d, const void *s, size_t n, size_t dlen)
{
	if (n > dlen) {
		abort();
	}
	return memmove(d, s, n);
}

void *
__memset_chk(void *d, int c, size_t n, size_t dlen)
{
	if (n > dlen) {
		abort();
	}
	return memset(d, c, n);
}
