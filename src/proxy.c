/*
 * proxy.c: choosing a proxy and the requests only it sees (see
 * proxy.h).
 */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "fmt.h"
#include "proxy.h"

/* The proxy URL of the environment for scheme, or NULL; *var names the
 * variable it came from (the rules are in proxy.h). */
static const char *
proxy_env(enum uf_scheme scheme, const char **var)
{
	static const char *const	names[2][2] = {
		{ "http_proxy", "HTTP_PROXY" },
		{ "https_proxy", "HTTPS_PROXY" }
	};
	const char *const	*n = names[scheme == UF_HTTPS];
	const char		*v;

	*var = n[0];
	v = getenv(n[0]);
	/* httpoxy: in CGI, HTTP_PROXY may be a client's "Proxy:" header. */
	if (v == NULL && (scheme == UF_HTTPS
	    || getenv("REQUEST_METHOD") == NULL)) {
		*var = n[1];
		v = getenv(n[1]);
	}
	if (v != NULL && v[0] != '\0') {
		return v;
	}
	*var = "all_proxy";
	v = getenv("all_proxy");
	if (v == NULL) {
		*var = "ALL_PROXY";
		v = getenv("ALL_PROXY");
	}
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/*
 * Is the entry host e[0..len) the address of the IP-literal URL u?
 * Compared as addresses, so that "::1" and "0::1" are the same.
 */
static int
ip_match(const char *e, size_t len, const struct uf_url *u)
{
	unsigned char	a[16], b[16];
	char		eh[64], uh[64];
	size_t		ulen = strcspn(u->host, "%");
	int		af = AF_INET;

	if (u->host_kind == UF_HOST_IPV6) {
		af = AF_INET6;
	}
	if (len >= sizeof eh || ulen >= sizeof uh) {
		return 0;
	}
	memcpy(eh, e, len);
	eh[len] = '\0';
	memcpy(uh, u->host, ulen);
	uh[ulen] = '\0';
	return inet_pton(af, eh, a) == 1 && inet_pton(af, uh, b) == 1
	    && memcmp(a, b, af == AF_INET6 ? 16 : 4) == 0;
}

/* Is the host name u->host equal to e[0..len) or inside that domain? */
static int
name_match(const char *e, size_t len, const struct uf_url *u)
{
	const char	*h = u->host;
	size_t		hlen = strlen(h);

	if (hlen > 0 && h[hlen - 1] == '.') {
		hlen--;
	}
	if (len == 0 || hlen < len
	    || strncasecmp(h + hlen - len, e, len) != 0) {
		return 0;
	}
	/* The label boundary: "example.com" is not in "badexample.com". */
	return hlen == len || h[hlen - len - 1] == '.';
}

/*
 * Split the entry e[0..len) into its host and its port (*port NULL
 * when it has none). Returns 0 when it is malformed.
 */
static int
split_entry(const char *e, size_t len, const char **host, size_t *hlen,
    const char **port, size_t *plen)
{
	const char	*end = e + len, *p, *c;

	*port = NULL;
	*plen = 0;
	if (e[0] == '[') {
		p = memchr(e, ']', len);
		if (p == NULL) {
			return 0;
		}
		*host = e + 1;
		*hlen = (size_t)(p - e - 1);
		c = p + 1;
		if (c == end) {
			return 1;
		}
		if (*c != ':') {
			return 0;
		}
	} else {
		*host = e;
		*hlen = len;
		c = memchr(e, ':', len);
		/* Two colons or more: IPv6 without brackets, no port. */
		if (c == NULL || memchr(c + 1, ':', (size_t)(end - c - 1))
		    != NULL) {
			return 1;
		}
		*hlen = (size_t)(c - e);
	}
	*port = c + 1;
	*plen = (size_t)(end - c - 1);
	return 1;
}

static int
port_match(const char *p, size_t len, unsigned port)
{
	unsigned long	v = 0;
	size_t		i;

	if (len == 0 || len > 5) {
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9') {
			return 0;
		}
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	return v == port;
}

/* One entry e[0..len), blanks trimmed, not empty. */
static int
entry_match(const char *e, size_t len, const struct uf_url *u)
{
	const char	*h, *port;
	size_t		hlen, plen;

	if (len == 1 && e[0] == '*') {
		return 1;
	}
	if (!split_entry(e, len, &h, &hlen, &port, &plen)
	    || (port != NULL && !port_match(port, plen, u->port))) {
		return 0;
	}
	if (u->host_kind != UF_HOST_NAME) {
		return ip_match(h, hlen, u);
	}
	while (hlen > 0 && h[0] == '.') {
		h++;
		hlen--;
	}
	if (hlen > 0 && h[hlen - 1] == '.') {
		hlen--;
	}
	return name_match(h, hlen, u);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* see proxy.h */
int
uf_noproxy_match(const char *list, const struct uf_url *u)
{
	const char	*e = list, *end;
	size_t		len;

	while (*e != '\0') {
		end = e + strcspn(e, ",");
		len = (size_t)(end - e);
		while (len > 0 && is_blank(*e)) {
			e++;
			len--;
		}
		while (len > 0 && is_blank(e[len - 1])) {
			len--;
		}
		if (len > 0 && entry_match(e, len, u)) {
			return 1;
		}
		e = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* see proxy.h */
enum uf_err
uf_proxy_parse(struct uf_arena *a, const char *s, const char *whence,
    struct uf_proxy *p)
{
	const char	*sep = uf_url_scheme_sep(s);
	struct uf_url_from	from;
	char		*t, clean[128], what[96];
	size_t		n;
	enum uf_err	err;

	uf_snprintf(what, sizeof what, "proxy from %s: bad proxy URL",
	    whence);
	from.code = UF_E_USAGE;
	from.what = what;

	if (sep == NULL) {
		s = uf_url_default_http(a, s);
		if (s == NULL) {
			return uf_fail(UF_E_PROTO, "out of arena memory");
		}
	} else if (sep - s != 4 || strncasecmp(s, "http", 4) != 0) {
		uf_sanitize(clean, sizeof clean, s, (size_t)(sep - s));
		return uf_fail(UF_E_USAGE, "proxy from %s: unsupported proxy "
		    "scheme '%s': only http:// proxies are supported", whence,
		    clean);
	}
	err = uf_url_parse_from(a, s, &p->url, &from);
	if (err != UF_OK) {
		return err;
	}
	n = strlen(p->url.authority) + 8;
	t = uf_arena_alloc(a, n);
	if (t == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory");
	}
	uf_snprintf(t, n, "http://%s", p->url.authority);
	p->name = t;
	p->auth = NULL;
	if (p->url.userinfo == NULL) {
		return UF_OK;
	}
	n = strlen(p->url.userinfo);
	if (n > UF_USERINFO_MAX) {
		return uf_fail(UF_E_USAGE, "proxy from %s: credentials in the "
		    "proxy URL are %zu bytes, over the limit of %d", whence, n,
		    UF_USERINFO_MAX);
	}
	n = UF_BASIC_AUTH_CAP(n);
	t = uf_arena_alloc(a, n);
	if (t == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory");
	}
	if (uf_basic_auth(t, n, p->url.userinfo) == 0) {
		return uf_fail(UF_E_USAGE, "proxy from %s: bad credentials in "
		    "the proxy URL (a malformed %%-escape, a control "
		    "character, or a colon in the user name)", whence);
	}
	p->auth = t;
	return UF_OK;
}

/* see proxy.h */
void
uf_proxy_cfg_env(struct uf_proxy_cfg *cfg)
{
	cfg->env[0] = proxy_env(UF_HTTP, &cfg->env_var[0]);
	cfg->env[1] = proxy_env(UF_HTTPS, &cfg->env_var[1]);
	if (cfg->noproxy == NULL) {
		cfg->noproxy = getenv("no_proxy");
	}
	if (cfg->noproxy == NULL) {
		cfg->noproxy = getenv("NO_PROXY");
	}
}

/* see proxy.h */
enum uf_err
uf_proxy_for(struct uf_arena *a, const struct uf_proxy_cfg *cfg,
    const struct uf_url *u, struct uf_proxy **pp)
{
	const char	*s = cfg->proxy, *var = "-x";

	*pp = NULL;
	if (s == NULL) {
		s = cfg->env[u->scheme == UF_HTTPS];
		var = cfg->env_var[u->scheme == UF_HTTPS];
	}
	if (s == NULL || s[0] == '\0') {
		return UF_OK;
	}
	if (cfg->noproxy != NULL && uf_noproxy_match(cfg->noproxy, u)) {
		return UF_OK;
	}
	*pp = uf_arena_alloc(a, sizeof **pp);
	if (*pp == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory");
	}
	return uf_proxy_parse(a, s, var, *pp);
}

/* see proxy.h */
size_t
uf_proxy_connect_req(char *buf, size_t cap, const struct uf_url *u,
    const char *ua, const char *auth)
{
	const char	*lb = "", *rb = "";
	int		hlen = (int)strcspn(u->host, "%"), n;

	/* IPv6 in brackets; its zone only means something here. */
	if (u->host_kind == UF_HOST_IPV6) {
		lb = "[";
		rb = "]";
	}
	n = uf_snprintf(buf, cap, "CONNECT %s%.*s%s:%u HTTP/1.1\r\n"
	    "Host: %s%.*s%s:%u\r\n%s%s%s%s%s%s\r\n",
	    lb, hlen, u->host, rb, u->port, lb, hlen, u->host, rb, u->port,
	    ua != NULL ? "User-Agent: " : "", ua != NULL ? ua : "",
	    ua != NULL ? "\r\n" : "",
	    auth != NULL ? "Proxy-Authorization: " : "",
	    auth != NULL ? auth : "", auth != NULL ? "\r\n" : "");
	return n < 0 ? 0 : (size_t)n;
}
