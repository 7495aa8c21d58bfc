/*
 * url.h: http and https URLs, and relative references (RFC 3986).
 *
 * uf_url_parse() checks a URL completely before anything is sent and
 * splits it into the parts a fetch needs; every string it returns is a
 * NUL-terminated copy in the arena, valid until the arena is reset
 * below the point where it was parsed, except 'last', which points
 * into the string parsed and is valid as long as that is: a copy would
 * make a URL with a long path take a third more of the arena. uf_url_resolve() turns a
 * reference (a redirect's Location) into an absolute URL string.
 */
#ifndef UF_URL_H
#define UF_URL_H

#include "arena.h"
#include "ufetch.h"

/*
 * A host name is at most 253 bytes (without a final dot), each label
 * at most 63 (RFC 1035 2.3.4): no resolver takes a longer one, and TLS
 * (SNI, RFC 6066) cannot carry it.
 */
#define UF_HOST_MAX	253
#define UF_LABEL_MAX	63

enum uf_scheme {
	UF_HTTP,
	UF_HTTPS
};

enum uf_host_kind {
	UF_HOST_NAME,
	UF_HOST_IPV4,
	UF_HOST_IPV6
};

struct uf_url {
	enum uf_scheme		scheme;
	enum uf_host_kind	host_kind;
	char		*userinfo;	/* as written (still %-encoded), or NULL */
	char		*host;		/* for the resolver: no brackets; an IPv6
					   zone id follows a '%' */
	char		*authority;	/* host[:port] for the Host header, as
					   written, without userinfo or zone */
	char		*port_str;	/* decimal port, default filled in */
	unsigned	port;
	char		*target;	/* request-target: path and query, "/"
					   when the path is empty, bytes that
					   may not go on the wire %-encoded */
	const char	*last;		/* the path's last segment as written,
					   last_len bytes (0 allowed), for -O:
					   NOT a copy, see below */
	size_t		last_len;
};

/*
 * Parse the absolute URL s (NUL-terminated). The fragment is dropped.
 * Returns UF_OK, or UF_E_USAGE with the reason recorded by uf_fail()
 * (bad scheme, space or control character, empty host, host name or
 * label over UF_HOST_MAX or UF_LABEL_MAX, bad port, bad IP literal),
 * or UF_E_PROTO when the arena is exhausted. On error *u
 * is unspecified and arena space may have been used.
 */
enum uf_err	uf_url_parse(struct uf_arena *a, const char *s,
		    struct uf_url *u);

/*
 * Whose URL it is, for the words and code of a failure: the user's
 * (from NULL: UF_E_USAGE, "malformed URL: ..."), or, say, a server's
 * redirect: then code (UF_E_PROTO) with what ("bad redirect target
 * T") before the reason.
 */
struct uf_url_from {
	enum uf_err	code;
	const char	*what;
};

/*
 * Where s's "://" is, or NULL when it has no scheme; with one, s given
 * as is, without, "http://" + s in a (NULL when a is full): curl and
 * wget take a URL without a scheme for http.
 */
const char	*uf_url_scheme_sep(const char *s);
const char	*uf_url_default_http(struct uf_arena *a, const char *s);

/* uf_url_parse() for a URL from from (see above). */
enum uf_err	uf_url_parse_from(struct uf_arena *a, const char *s,
		    struct uf_url *u, const struct uf_url_from *from);

/*
 * Resolve the reference ref against the absolute URI base as in
 * RFC 3986 section 5.2 (strict: a reference with a scheme is taken as
 * absolute), remove dot segments and recompose the result (section
 * 5.3), without the fragment. The result is a NUL-terminated string in
 * the arena, or NULL when the arena is exhausted. It is not validated:
 * pass it to uf_url_parse().
 */
char		*uf_url_resolve(struct uf_arena *a, const char *base,
		    const char *ref);

/*
 * u as an absolute URL without user info or fragment
 * ("scheme://authority/path?query"): the base a redirect's Location is
 * resolved against, and the request-target a proxy is sent. A string
 * in the arena, or NULL when it is full.
 */
char		*uf_url_absolute(struct uf_arena *a, const struct uf_url *u);

/*
 * Is u's origin the one given: same scheme and port, and the same host
 * up to case? A kept connection serves only URLs of its origin.
 * Returns 1 or 0.
 */
int		uf_url_origin_is(const struct uf_url *u, enum uf_scheme scheme,
		    const char *host, unsigned port);

/*
 * The name of the file -O writes for u: the last path segment as
 * written (not %-decoded), or "index.html" when it is empty, "." or
 * "..". It never holds a '/'. Returns a pointer into u->last (not
 * NUL-terminated) or to a static string, and its length in *len.
 */
const char	*uf_url_filename(const struct uf_url *u, size_t *len);

#endif
