/*
 * redirect.c: which redirects are followed, and where (see redirect.h).
 */
#include <string.h>
#include <strings.h>

#include "redirect.h"

/* see redirect.h */
int
uf_redirect_is(int status)
{
	return status == 301 || status == 302 || status == 303
	    || status == 307 || status == 308;
}

/* see redirect.h */
enum uf_err
uf_redirect_target(struct uf_redirects *rr, struct uf_arena *a,
    const struct uf_http_resp *r, const struct uf_url *url, unsigned max,
    char **to)
{
	char		clean[256], *base;
	uint64_t	h;
	unsigned	i, n, times;
	size_t		len;

	if (r->flags & UF_RESP_LOC_MANY) {
		return uf_fail(UF_E_PROTO, "bad response: %d with two "
		    "Location fields", r->status);
	}
	if (r->flags & UF_RESP_LOC_LONG) {
		return uf_fail(UF_E_PROTO, "redirect target longer than %d "
		    "bytes", UF_LOC_MAX);
	}
	if (rr->hops == max) {
		return uf_fail(UF_E_PROTO, "too many redirects (%u); the "
		    "last was %d", rr->hops, r->status);
	}
	base = uf_url_absolute(a, url);
	*to = base != NULL ? uf_url_resolve(a, base, r->loc) : NULL;
	if (*to == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory (%zu bytes)",
		    a->cap + a->kept);
	}
	len = strlen(*to);
	uf_sanitize(clean, sizeof clean, *to, len);
	if (strncasecmp(*to, "http://", 7) != 0
	    && strncasecmp(*to, "https://", 8) != 0) {
		return uf_fail(UF_E_PROTO, "redirect to %s refused: only "
		    "http and https are followed", clean);
	}
	if (len >= UF_LOC_MAX) {
		return uf_fail(UF_E_PROTO, "redirect target longer than %d "
		    "bytes", UF_LOC_MAX);
	}
	h = uf_fnv1a(*to, len);
	n = rr->hops < UF_SEEN_MAX ? rr->hops : UF_SEEN_MAX;
	for (i = 0, times = 0; i < n; i++) {
		times += rr->seen[i] == h;
	}
	if (times >= UF_REPEATS) {
		return uf_fail(UF_E_PROTO, "redirect loop: %s again after %u "
		    "redirects", clean, rr->hops);
	}
	rr->seen[rr->hops % UF_SEEN_MAX] = h;
	rr->hops++;
	return UF_OK;
}

/* see redirect.h */
int
uf_redirect_method(int status, const char **method)
{
	if ((status == 303 && strcmp(*method, "HEAD") != 0)
	    || ((status == 301 || status == 302)
	    && strcmp(*method, "POST") == 0)) {
		*method = "GET";
		return 1;
	}
	return 0;
}
