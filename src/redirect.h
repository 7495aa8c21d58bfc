/*
 * redirect.h: redirect policy (RFC 9110 15.4 with urlopen's limits):
 * which responses are followed, where to, with which method, and how
 * often.
 */
#ifndef UF_REDIRECT_H
#define UF_REDIRECT_H

#include <stdint.h>

#include "arena.h"
#include "http.h"
#include "ufetch.h"
#include "url.h"

/*
 * Longest Location value kept for a redirect, and longest URL a
 * redirect may lead to (the base and the reference together).
 */
#define UF_LOC_MAX	8192

/*
 * The same URL at most UF_REPEATS times in one chain (as urlopen),
 * remembered over the last UF_SEEN_MAX hops; a body of a followed 3xx
 * up to UF_DRAIN_MAX bytes is read so that the connection can carry
 * the next hop, a longer one closes it.
 */
#define UF_REPEATS	4
#define UF_SEEN_MAX	64
#define UF_DRAIN_MAX	65536

/* The redirects of one chain so far; zeroed before the first. */
struct uf_redirects {
	unsigned	hops;
	uint64_t	seen[UF_SEEN_MAX];	/* hashes of targets, a ring */
};

/* Is status a redirect we follow (with a Location)? */
int	uf_redirect_is(int status);

/*
 * The redirect r from url: its target, absolute, in *to (from a). It
 * must be the only Location and not too long, lead to http or https,
 * come within max redirects, and not be a URL this chain has reached
 * UF_REPEATS times; it is then counted in rr. Returns UF_OK, or
 * UF_E_PROTO with the message recorded.
 */
enum uf_err	uf_redirect_target(struct uf_redirects *rr, struct uf_arena *a,
		    const struct uf_http_resp *r, const struct uf_url *url,
		    unsigned max, char **to);

/*
 * The method after a redirect of status from *method: a 303 (but to a
 * HEAD) and a 301 or 302 after a POST become a GET. Returns 1 when
 * the request body is dropped, else 0 (307 and 308 keep both).
 */
int	uf_redirect_method(int status, const char **method);

#endif
