/*
 * auth.h: the Basic credentials of RFC 7617, from the user info of a
 * URL ("user:pass@" of an origin or a proxy URL), from -u or a .netrc.
 *
 * One function, no state: the caller owns the buffer and decides which
 * header the value goes in (Authorization or Proxy-Authorization).
 */
#ifndef UF_AUTH_H
#define UF_AUTH_H

#include <stddef.h>

/*
 * The longest user info taken, as written in the URL (still
 * %-encoded): far beyond real credentials, and the request head must
 * hold it. UF_BASIC_AUTH_CAP(n) is room enough for the value made from
 * n bytes of user info, NUL included (decoding never lengthens them;
 * one byte more for the ':' added when there is no password).
 */
#define UF_USERINFO_MAX		1023
#define UF_BASIC_AUTH_CAP(n)	(6 + ((n) + 3) / 3 * 4 + 1)

/*
 * userinfo is as written in a URL, still %-encoded: "user:pass", or
 * "user" alone (an empty password). User and password are decoded
 * separately and "Basic " + base64("user:pass") is written to dst
 * (cap bytes), NUL-terminated. Returns its length, or 0 when it does
 * not fit, userinfo is longer than UF_USERINFO_MAX (callers check that
 * first, to say so), an escape is malformed, or a decoded part holds
 * what RFC 7617 forbids there (a control character, or a colon in the
 * user, which the receiver could not tell from the separator).
 */
size_t	uf_basic_auth(char *dst, size_t cap, const char *userinfo);

/*
 * The same for "user:password" as typed (-u, a .netrc's login and
 * password): no %-escapes, everything after the first colon is the
 * password.
 */
size_t	uf_basic_auth_raw(char *dst, size_t cap, const char *user_pass);

#endif
