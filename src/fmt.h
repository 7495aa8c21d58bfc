/*
 * fmt.h: snprintf for the conversions ufetch's messages use, so that
 * the C library's printf engine (floating point, wide characters,
 * positional arguments: 10 KB of a static musl binary, and the pages
 * of glibc it touches) is never linked or run.
 *
 * uf_snprintf() and uf_vsnprintf() behave as C's snprintf and
 * vsnprintf for:
 *   flags '-' and '0'; a width (digits or '*'); a precision (".N" or
 *   ".*"); length modifiers hh, h, l, ll, z; conversions d i u x X c
 *   s and %%.
 * They return the length the whole result would have, and when cap > 0
 * buf always ends in a NUL. A conversion outside that list is a bug in
 * ufetch: it is copied to the output as written, where a test sees it.
 * The caller owns buf; nothing else is written.
 */
#ifndef UF_FMT_H
#define UF_FMT_H

#include <stdarg.h>
#include <stddef.h>

int	uf_snprintf(char *buf, size_t cap, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	uf_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));

/*
 * The text of the address at src (AF_INET: 4 bytes, AF_INET6: 16) in
 * dst, as inet_ntop writes it (RFC 5952 for IPv6: lower-case hex, the
 * first longest run of two or more zero groups as "::", ::ffff:a.b.c.d
 * for a mapped IPv4 address, as musl does; glibc also writes ::a.b.c.d
 * for the deprecated IPv4-compatible form). It is here because musl's inet_ntop
 * formats with snprintf and so would bring the printf engine back.
 * cap >= 46 (INET6_ADDRSTRLEN) always suffices. Returns dst.
 */
char	*uf_ntop(int af, const void *src, char *dst, size_t cap);

#endif
