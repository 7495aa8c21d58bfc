/*
 * url.c: http/https URL parsing and RFC 3986 reference resolution
 * (see url.h).
 *
 * We check the whole URL before anything is sent: a URL that reaches
 * the wire must not be able to smuggle a CR, LF, NUL or space into the
 * request line, and a bad port or host is a usage error (exit 2), not
 * a network error.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "fmt.h"
#include "url.h"

static const struct {
	const char	*name;
	enum uf_scheme	scheme;
	const char	*port;
} schemes[] = {
	{ "http", UF_HTTP, "80" },
	{ "https", UF_HTTPS, "443" },
};

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* RFC 3986 unreserved and sub-delims, the bytes of a userinfo. */
static int
is_userinfo_char(int c)
{
	return is_alpha(c) || is_digit(c) || (c != '\0'
	    && strchr("-._~!$&'()*+,;=:%", c) != NULL);
}

/* Host names as the resolver takes them; no %-encoding. */
static int
is_host_char(int c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_';
}

/*
 * Bytes we %-encode in the request-target: what RFC 3986 does not
 * allow in a path or query and servers are known to choke on. Other
 * bytes go out as written (a stray '%' included), as curl does.
 */
static int
needs_encoding(unsigned char c)
{
	return c >= 0x80 || (c != '\0' && strchr("\"<>\\^`{|}", c) != NULL);
}

/*
 * A failure, in the words and with the code of whoever gave the URL
 * (url.h: from; NULL: the user).
 */
static enum uf_err
bad(const struct uf_url_from *from, const char *why)
{
	if (from == NULL) {
		return uf_fail(UF_E_USAGE, "malformed URL: %s", why);
	}
	return uf_fail(from->code, "%s: malformed URL: %s", from->what, why);
}

static enum uf_err
no_room(void)
{
	return uf_fail(UF_E_PROTO, "URL does not fit in the arena");
}

static int
valid_ipv4(const char *s, size_t len)
{
	char		buf[16];
	struct in_addr	in;

	if (len >= sizeof buf) {
		return 0;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &in) == 1;
}

/*
 * Parse "[v6]" or "[v6%25zone]" at s[0..len). Sets u->host (zone as
 * "%zone") and leaves the authority to the caller.
 */
static enum uf_err
parse_ipv6(struct uf_arena *a, const char *s, size_t len, struct uf_url *u,
    size_t *addr_len, const struct uf_url_from *from)
{
	char		buf[64];
	struct in6_addr	in6;
	const char	*pct, *zone;
	size_t		alen, zlen, i;

	pct = memchr(s, '%', len);
	alen = pct != NULL ? (size_t)(pct - s) : len;
	if (alen == 0 || alen >= sizeof buf) {
		return bad(from, "bad IPv6 address");
	}
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET6, buf, &in6) != 1) {
		return bad(from, "bad IPv6 address");
	}
	*addr_len = alen;
	if (pct == NULL) {
		u->host = uf_arena_strndup(a, s, len);
		return u->host != NULL ? UF_OK : no_room();
	}
	/* RFC 6874 spells the zone "%25zone"; users often write "%zone". */
	zone = pct + 1;
	zlen = len - alen - 1;
	if (zlen >= 2 && zone[0] == '2' && zone[1] == '5') {
		zone += 2;
		zlen -= 2;
	}
	if (zlen == 0) {
		return bad(from, "empty IPv6 zone");
	}
	for (i = 0; i < zlen; i++) {
		if (!is_host_char((unsigned char)zone[i]) && zone[i] != '~') {
			return bad(from, "bad IPv6 zone");
		}
	}
	u->host = uf_arena_alloc(a, alen + 1 + zlen + 1);
	if (u->host == NULL) {
		return no_room();
	}
	memcpy(u->host, s, alen);
	u->host[alen] = '%';
	memcpy(u->host + alen + 1, zone, zlen);
	u->host[alen + 1 + zlen] = '\0';
	return UF_OK;
}

static enum uf_err
parse_port(struct uf_arena *a, const char *s, size_t len,
    const char *dflt, struct uf_url *u, const struct uf_url_from *from)
{
	unsigned long	v = 0;
	size_t		i;

	if (len == 0) {
		s = dflt;
		len = strlen(dflt);
	}
	if (len > 5) {
		return bad(from, "bad port");
	}
	for (i = 0; i < len; i++) {
		if (!is_digit((unsigned char)s[i])) {
			return bad(from, "bad port");
		}
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535) {
		return bad(from, "port out of range");
	}
	u->port = (unsigned)v;
	u->port_str = uf_arena_strndup(a, s, len);
	return u->port_str != NULL ? UF_OK : no_room();
}

/* Split authority s[0..len) into userinfo, host and port. */
static enum uf_err
parse_authority(struct uf_arena *a, const char *s, size_t len,
    const char *dflt_port, struct uf_url *u, const struct uf_url_from *from)
{
	const char	*at, *h, *colon, *end = s + len;
	size_t		i, n, hlen, alen = 0;
	enum uf_err	err;

	at = NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '@') {
			at = s + i;
		}
	}
	u->userinfo = NULL;
	if (at != NULL) {
		for (h = s; h < at; h++) {
			if (!is_userinfo_char((unsigned char)*h)) {
				return bad(from, "bad character in user info");
			}
		}
		u->userinfo = uf_arena_strndup(a, s, (size_t)(at - s));
		if (u->userinfo == NULL) {
			return no_room();
		}
		h = at + 1;
	} else {
		h = s;
	}
	if (h == end) {
		return bad(from, "no host");
	}
	if (*h == '[') {
		const char	*rb = memchr(h, ']', (size_t)(end - h));

		if (rb == NULL) {
			return bad(from, "unterminated IPv6 address");
		}
		err = parse_ipv6(a, h + 1, (size_t)(rb - h - 1), u, &alen,
		    from);
		if (err != UF_OK) {
			return err;
		}
		u->host_kind = UF_HOST_IPV6;
		colon = rb + 1;
		if (colon != end && *colon != ':') {
			return bad(from, "junk after IPv6 address");
		}
		/* The Host header carries the address without its zone. */
		u->authority = uf_arena_alloc(a, alen + 2 + (size_t)(end - colon)
		    + 1);
		if (u->authority == NULL) {
			return no_room();
		}
		u->authority[0] = '[';
		memcpy(u->authority + 1, h + 1, alen);
		u->authority[alen + 1] = ']';
		memcpy(u->authority + alen + 2, colon, (size_t)(end - colon));
		u->authority[alen + 2 + (size_t)(end - colon)] = '\0';
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		if (colon == NULL) {
			colon = end;
		}
		hlen = (size_t)(colon - h);
		if (hlen == 0) {
			return bad(from, "no host");
		}
		for (i = 0, n = 0; i < hlen; i++) {
			unsigned char	c = (unsigned char)h[i];

			if (c >= 0x80) {
				return bad(from, "non-ASCII host name (use its "
				    "xn-- form)");
			}
			if (!is_host_char(c)) {
				return bad(from, "bad character in host name");
			}
			n = c == '.' ? 0 : n + 1;
			if (n > UF_LABEL_MAX) {
				return bad(from, "a label of the host name is "
				    "longer than 63 bytes");
			}
		}
		/* One final dot is the root, not part of the name. */
		if (hlen - (h[hlen - 1] == '.') > UF_HOST_MAX) {
			return bad(from, "host name longer than 253 bytes");
		}
		u->host_kind = UF_HOST_NAME;
		for (i = 0; i < hlen; i++) {
			if (!is_digit((unsigned char)h[i]) && h[i] != '.') {
				break;
			}
		}
		if (i == hlen) {
			/* All digits and dots: it must be a real address. */
			if (!valid_ipv4(h, hlen)) {
				return bad(from, "bad IPv4 address");
			}
			u->host_kind = UF_HOST_IPV4;
		}
		u->host = uf_arena_strndup(a, h, hlen);
		u->authority = uf_arena_strndup(a, h, (size_t)(end - h));
		if (u->host == NULL || u->authority == NULL) {
			return no_room();
		}
	}
	if (colon == end) {
		return parse_port(a, "", 0, dflt_port, u, from);
	}
	return parse_port(a, colon + 1, (size_t)(end - colon - 1), dflt_port,
	    u, from);
}

/* see url.h */
enum uf_err
uf_url_parse(struct uf_arena *a, const char *s, struct uf_url *u)
{
	return uf_url_parse_from(a, s, u, NULL);
}

/* see url.h */
enum uf_err
uf_url_parse_from(struct uf_arena *a, const char *s, struct uf_url *u,
    const struct uf_url_from *from)
{
	const char	*p, *auth, *path, *end;
	size_t		i, n, slen;
	enum uf_err	err;
	char		*t;

	slen = strlen(s);
	for (i = 0; i < slen; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c == ' ') {
			return bad(from, "contains a space");
		}
		if (c < 0x20 || c == 0x7f) {
			return bad(from, "contains a control character");
		}
	}
	for (p = s; is_alpha((unsigned char)*p) || is_digit((unsigned char)*p)
	    || *p == '+' || *p == '-' || *p == '.'; p++) {
		continue;
	}
	if (p == s || *p != ':' || !is_alpha((unsigned char)*s)) {
		return bad(from, "no http:// or https:// scheme");
	}
	n = (size_t)(p - s);
	for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
		if (strlen(schemes[i].name) == n
		    && strncasecmp(s, schemes[i].name, n) == 0) {
			break;
		}
	}
	if (i == sizeof schemes / sizeof schemes[0]) {
		char	name[32];

		uf_sanitize(name, sizeof name, s, n);
		if (from != NULL) {
			return uf_fail(from->code, "%s: unsupported scheme "
			    "'%s' (only http and https)", from->what, name);
		}
		return uf_fail(UF_E_USAGE, "unsupported scheme '%s' (only "
		    "http and https)", name);
	}
	u->scheme = schemes[i].scheme;
	if (p[1] != '/' || p[2] != '/') {
		return bad(from, "no // after the scheme");
	}
	auth = p + 3;
	end = auth + strcspn(auth, "#");
	path = auth + strcspn(auth, "/?#");
	err = parse_authority(a, auth, (size_t)(path - auth), schemes[i].port,
	    u, from);
	if (err != UF_OK) {
		return err;
	}
	/* Only -O needs the path apart, and its last segment will do. */
	n = strcspn(path, "?#");
	for (i = n; i > 0 && path[i - 1] != '/'; i--) {
		continue;
	}
	u->last = path + i;
	u->last_len = n - i;
	/* A leading '/' when the path is empty, and %XX for some bytes. */
	slen = 2;
	for (p = path; p < end; p++) {
		slen += needs_encoding((unsigned char)*p) ? 3 : 1;
	}
	t = uf_arena_alloc(a, slen);
	if (t == NULL) {
		return no_room();
	}
	u->target = t;
	if (n == 0) {
		*t++ = '/';
	}
	for (p = path; p < end; p++) {
		unsigned char	c = (unsigned char)*p;

		if (needs_encoding(c)) {
			*t++ = '%';
			*t++ = "0123456789ABCDEF"[c >> 4];
			*t++ = "0123456789ABCDEF"[c & 15];
		} else {
			*t++ = (char)c;
		}
	}
	*t = '\0';
	return UF_OK;
}

/*
 * The five components of a URI reference (RFC 3986 appendix B). A
 * component that is absent has def == 0; present but empty has def
 * == 1 and len == 0.
 */
struct part {
	const char	*p;
	size_t		len;
	int		def;
};

struct parts {
	struct part	scheme, auth, path, query;
};

static void
split(const char *s, struct parts *r)
{
	const char	*p;
	size_t		n;

	memset(r, 0, sizeof *r);
	n = strcspn(s, ":/?#");
	if (n > 0 && s[n] == ':') {
		r->scheme = (struct part){ s, n, 1 };
		s += n + 1;
	}
	if (s[0] == '/' && s[1] == '/') {
		s += 2;
		n = strcspn(s, "/?#");
		r->auth = (struct part){ s, n, 1 };
		s += n;
	}
	n = strcspn(s, "?#");
	r->path = (struct part){ s, n, 1 };
	s += n;
	if (*s == '?') {
		p = s + 1;
		n = strcspn(p, "#");
		r->query = (struct part){ p, n, 1 };
	}
}

/*
 * RFC 3986 section 5.2.4, in place on buf[0..len); returns the new
 * length. Output never outgrows input, so one buffer does.
 */
static size_t
remove_dots(char *buf, size_t len)
{
	size_t	in = 0, out = 0, seg;

	while (in < len) {
		const char	*s = buf + in;
		size_t		rest = len - in;

		if (rest >= 3 && memcmp(s, "../", 3) == 0) {
			in += 3;
		} else if (rest >= 2 && memcmp(s, "./", 2) == 0) {
			in += 2;
		} else if (rest >= 3 && memcmp(s, "/./", 3) == 0) {
			in += 2;
		} else if (rest == 2 && memcmp(s, "/.", 2) == 0) {
			buf[++in] = '/';
		} else if ((rest >= 4 && memcmp(s, "/../", 4) == 0)
		    || (rest == 3 && memcmp(s, "/..", 3) == 0)) {
			in += 3;
			if (rest == 3) {
				buf[--in] = '/';
			}
			while (out > 0 && buf[out - 1] != '/') {
				out--;
			}
			if (out > 0) {
				out--;
			}
		} else if ((rest == 1 && s[0] == '.')
		    || (rest == 2 && memcmp(s, "..", 2) == 0)) {
			in = len;
		} else {
			seg = 1;
			while (seg < rest && s[seg] != '/') {
				seg++;
			}
			memmove(buf + out, s, seg);
			out += seg;
			in += seg;
		}
	}
	return out;
}

static char *
put(char *o, const char *s, size_t len)
{
	memcpy(o, s, len);
	return o + len;
}

/* see url.h */
char *
uf_url_resolve(struct uf_arena *a, const char *base, const char *ref)
{
	struct parts	b, r;
	struct part	scheme, auth, query;
	char		*out, *o, *pth;
	size_t		cap, plen;
	const char	*slash;

	split(base, &b);
	split(ref, &r);
	cap = strlen(base) + strlen(ref) + 8;
	out = uf_arena_alloc(a, cap);
	pth = uf_arena_alloc(a, cap);
	if (out == NULL || pth == NULL) {
		return NULL;
	}
	if (r.scheme.def) {
		scheme = r.scheme;
		auth = r.auth;
		query = r.query;
		memcpy(pth, r.path.p, r.path.len);
		plen = remove_dots(pth, r.path.len);
	} else {
		scheme = b.scheme;
		if (r.auth.def) {
			auth = r.auth;
			query = r.query;
			memcpy(pth, r.path.p, r.path.len);
			plen = remove_dots(pth, r.path.len);
		} else {
			auth = b.auth;
			if (r.path.len == 0) {
				memcpy(pth, b.path.p, b.path.len);
				plen = b.path.len;
				query = r.query.def ? r.query : b.query;
			} else {
				query = r.query;
				if (r.path.p[0] == '/') {
					plen = 0;
				} else if (b.auth.def && b.path.len == 0) {
					pth[0] = '/';
					plen = 1;
				} else {
					/* Merge: base path up to its last '/'. */
					slash = NULL;
					for (plen = 0; plen < b.path.len;
					    plen++) {
						if (b.path.p[plen] == '/') {
							slash = b.path.p + plen;
						}
					}
					plen = slash == NULL ? 0
					    : (size_t)(slash - b.path.p) + 1;
					memcpy(pth, b.path.p, plen);
				}
				memcpy(pth + plen, r.path.p, r.path.len);
				plen = remove_dots(pth, plen + r.path.len);
			}
		}
	}
	o = out;
	if (scheme.def) {
		o = put(o, scheme.p, scheme.len);
		*o++ = ':';
	}
	if (auth.def) {
		o = put(o, "//", 2);
		o = put(o, auth.p, auth.len);
	}
	o = put(o, pth, plen);
	if (query.def) {
		*o++ = '?';
		o = put(o, query.p, query.len);
	}
	*o = '\0';
	return out;
}

/* see url.h */
const char *
uf_url_filename(const struct uf_url *u, size_t *len)
{
	const char	*p = u->last;
	size_t		n = u->last_len;

	if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.'
	    && p[1] == '.')) {
		p = "index.html";
		n = strlen(p);
	}
	*len = n;
	return p;
}

/* see url.h */
char *
uf_url_absolute(struct uf_arena *a, const struct uf_url *u)
{
	const char	*scheme = u->scheme == UF_HTTPS ? "https" : "http";
	size_t		n;
	char		*t;

	n = strlen(scheme) + 3 + strlen(u->authority) + strlen(u->target) + 1;
	t = uf_arena_alloc(a, n);
	if (t != NULL) {
		uf_snprintf(t, n, "%s://%s%s", scheme, u->authority, u->target);
	}
	return t;
}

/* see url.h */
int
uf_url_origin_is(const struct uf_url *u, enum uf_scheme scheme,
    const char *host, unsigned port)
{
	return u->scheme == scheme && u->port == port
	    && strcasecmp(u->host, host) == 0;
}

/* see url.h */
const char *
uf_url_scheme_sep(const char *s)
{
	return uf_find(s, strlen(s), "://", 3);
}

/* see url.h */
const char *
uf_url_default_http(struct uf_arena *a, const char *s)
{
	size_t	len = strlen(s);
	char	*t;

	if (uf_url_scheme_sep(s) != NULL) {
		return s;
	}
	t = uf_arena_alloc(a, len + 8);
	if (t != NULL) {
		memcpy(t, "http://", 7);
		memcpy(t + 7, s, len + 1);
	}
	return t;
}
