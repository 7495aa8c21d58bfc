/*
 * auth.h: the Basic credentials of RFC 7617, from the user info of a
 * URL ("user:pass@" of an origin or a proxy URL).
 *
 * One function, no state: the caller owns the buffer and decides which
 * header the value goes in (Authorization or Proxy-Authorization).
 */
#ifndef UF_AUTH_H
#define UF_AUTH_H

#include <stddef.h>

/*
 * userinfo is as written in a URL, still %-encoded: "user:pass", or
 * "user" alone (an empty password). User and password are decoded
 * separately and "Basic " + base64("user:pass") is written to dst
 * (cap bytes), NUL-terminated. Returns its length, or 0 when it does
 * not fit, an escape is malformed, or a decoded part holds what RFC
 * 7617 forbids there (a control character, or a colon in the user,
 * which the receiver could not tell from the separator).
 */
size_t	uf_basic_auth(char *dst, size_t cap, const char *userinfo);

#endif
