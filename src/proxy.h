/*
 * proxy.h: which HTTP proxy a URL goes through (CONTRACT section 8),
 * and the two things only a proxy is sent: the absolute-form target of
 * a plain http request, and the CONNECT request that opens a tunnel
 * for https.
 *
 * No I/O: the environment is read once a run, by uf_proxy_cfg_env(),
 * and what is chosen for a URL lives in that URL's arena. The rules:
 *   - -x URL (uf_proxy_cfg.proxy) overrides the environment; -x ''
 *     means no proxy at all.
 *   - Otherwise http URLs use http_proxy, https URLs https_proxy, and
 *     both fall back to all_proxy. Each name is looked up in lower
 *     case first; the upper-case form counts only when the lower-case
 *     one is not set at all, and HTTP_PROXY never counts when
 *     REQUEST_METHOD is set (a CGI program, where a client's "Proxy:"
 *     header arrives as HTTP_PROXY: CVE-2016-1000110). An empty value
 *     is no proxy.
 *   - --noproxy LIST (uf_proxy_cfg.noproxy) overrides no_proxy, which
 *     overrides NO_PROXY. See uf_noproxy_match() for the list.
 *   - A proxy URL without a scheme is http://; no other scheme is
 *     taken (an https or SOCKS proxy is a usage error that names it).
 *     Its port defaults to 80, as for urlopen. Its user info becomes
 *     the Proxy-Authorization sent to the proxy and nowhere else.
 */
#ifndef UF_PROXY_H
#define UF_PROXY_H

#include "arena.h"
#include "ufetch.h"
#include "url.h"

struct uf_proxy_cfg {
	const char	*proxy;		/* -x URL; NULL: environment */
	const char	*noproxy;	/* --noproxy; NULL: environment */
	/* From the environment for http [0] and https [1] URLs: the
	 * proxy URL (NULL: none) and the variable it came from. */
	const char	*env[2];
	const char	*env_var[2];
};

/* A proxy chosen for one URL; everything in that URL's arena. */
struct uf_proxy {
	struct uf_url	url;
	const char	*name;	/* "http://host:port", no credentials */
	const char	*auth;	/* Proxy-Authorization value, or NULL */
};

/*
 * Fill cfg's env fields, and its noproxy when --noproxy did not set it,
 * from the environment (see above). Called once, before any URL: the
 * environment does not change during a run.
 */
void		uf_proxy_cfg_env(struct uf_proxy_cfg *cfg);

/*
 * Does the no_proxy list send u directly? The list is comma-separated;
 * blanks around entries are ignored, and so are empty entries. "*"
 * matches every host. A name matches a host name that equals it or
 * ends with "." and the name, case ignored ("example.com" matches
 * "www.example.com" but not "badexample.com"); leading dots and one
 * trailing dot are ignored. An IP address (IPv6 with or without
 * brackets) matches the same address only, never a range. An entry
 * may end in ":PORT" ("[::1]:8080" for IPv6) and then matches that
 * port only. Returns 1 or 0.
 */
int		uf_noproxy_match(const char *list, const struct uf_url *u);

/*
 * Parse the proxy URL s, which came from whence ("-x", "https_proxy"),
 * into *p. Returns UF_OK, or UF_E_USAGE with the reason recorded as
 * "proxy from WHENCE: ..." (a scheme other than http, a malformed URL
 * or %-escape in the credentials), or UF_E_PROTO when the arena is full.
 */
enum uf_err	uf_proxy_parse(struct uf_arena *a, const char *s,
		    const char *whence, struct uf_proxy *p);

/*
 * The proxy for u under cfg (after uf_proxy_cfg_env()): *pp is NULL
 * when u goes directly. Errors as for uf_proxy_parse(), the message naming
 * where the proxy URL came from.
 */
enum uf_err	uf_proxy_for(struct uf_arena *a,
		    const struct uf_proxy_cfg *cfg, const struct uf_url *u,
		    struct uf_proxy **pp);

/*
 * Write the CONNECT request for u's origin into buf[0..cap) like
 * snprintf (returns the full length; buf may be NULL; the request is
 * NUL-terminated, so cap must be one more than the length):
 * "CONNECT host:port HTTP/1.1" with Host (IPv6 in brackets, without
 * a zone), User-Agent when ua is not NULL, Proxy-Authorization when
 * auth is not NULL. Nothing of the origin request goes in it.
 */
size_t		uf_proxy_connect_req(char *buf, size_t cap,
		    const struct uf_url *u, const char *ua, const char *auth);

#endif
