/*
 * auth.c: Basic credentials (see auth.h).
 */
#include <string.h>

#include "auth.h"
#include "ufetch.h"

/*
 * Decode s[0..len) into dst (at most len bytes); raw: taken as is, no
 * %-escapes. colon_ok says whether a decoded ':' is allowed. Returns
 * the decoded length, or -1.
 */
static long
decode(unsigned char *dst, const char *s, size_t len, int colon_ok, int raw)
{
	size_t	i, n = 0;
	int	hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%' && !raw) {
			if (i + 2 >= len) {
				return -1;
			}
			hi = uf_hexval((unsigned char)s[i + 1]);
			lo = hi < 0 ? -1 : uf_hexval((unsigned char)s[i + 2]);
			if (lo < 0) {
				return -1;
			}
			c = hi << 4 | lo;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || (c == ':' && !colon_ok)) {
			return -1;
		}
		dst[n++] = (unsigned char)c;
	}
	return (long)n;
}

/* Base64 of src[0..len) into dst, which has room for it. */
static size_t
base64(char *dst, const unsigned char *src, size_t len)
{
	static const char	b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t		i, n = 0;
	unsigned long	v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned long)src[i] << 16 | (unsigned long)src[i + 1] << 8
		    | src[i + 2];
		dst[n++] = b64[v >> 18 & 63];
		dst[n++] = b64[v >> 12 & 63];
		dst[n++] = b64[v >> 6 & 63];
		dst[n++] = b64[v & 63];
	}
	if (i < len) {
		v = (unsigned long)src[i] << 16;
		if (i + 1 < len) {
			v |= (unsigned long)src[i + 1] << 8;
		}
		dst[n++] = b64[v >> 18 & 63];
		dst[n++] = b64[v >> 12 & 63];
		dst[n++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		dst[n++] = '=';
	}
	return n;
}

/* uf_basic_auth() and, with raw, uf_basic_auth_raw(). */
static size_t
basic(char *dst, size_t cap, const char *userinfo, int raw)
{
	/* Decoding never lengthens. */
	unsigned char	plain[UF_USERINFO_MAX + 1];
	const char	*colon;
	size_t		len = strlen(userinfo), ulen, need;
	long		u, p = 0;

	if (len >= sizeof plain) {
		return 0;
	}
	colon = strchr(userinfo, ':');
	ulen = colon != NULL ? (size_t)(colon - userinfo) : len;
	u = decode(plain, userinfo, ulen, 0, raw);
	if (u < 0) {
		return 0;
	}
	plain[u] = ':';
	if (colon != NULL) {
		p = decode(plain + u + 1, colon + 1, len - ulen - 1, 1, raw);
		if (p < 0) {
			return 0;
		}
	}
	len = (size_t)(u + 1 + p);
	need = 6 + (len + 2) / 3 * 4;
	if (need + 1 > cap) {
		return 0;
	}
	memcpy(dst, "Basic ", 6);
	base64(dst + 6, plain, len);
	dst[need] = '\0';
	return need;
}

/* see auth.h */
size_t
uf_basic_auth(char *dst, size_t cap, const char *userinfo)
{
	return basic(dst, cap, userinfo, 0);
}

/* see auth.h */
size_t
uf_basic_auth_raw(char *dst, size_t cap, const char *user_pass)
{
	return basic(dst, cap, user_pass, 1);
}
