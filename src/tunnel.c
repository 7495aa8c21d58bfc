/*
 * tunnel.c: CONNECT through an HTTP proxy (see tunnel.h).
 */
#include <string.h>

#include "http.h"
#include "tunnel.h"

/* The proxy's answer is a short head; longer ones are read in parts. */
#define TUNNEL_RX	4096

#define WAITING		"waiting for the proxy"

/* Read the answer to CONNECT into r, up to the end of its head. */
static enum uf_err
read_answer(struct uf_sock *s, struct uf_http_resp *r)
{
	const struct uf_io_class	**io = &s->vtable;
	const unsigned char		*p;
	enum uf_err			err;
	size_t				n, used;
	int				rc;

	for (;;) {
		err = uf_check_end(s->lim, WAITING);
		if (err == UF_OK) {
			err = (*io)->recv_buf(io, &p, &n, WAITING);
		}
		if (err != UF_OK) {
			return err;
		}
		if (n == 0) {
			return uf_fail(UF_E_NET, "the proxy closed the "
			    "connection before answering CONNECT");
		}
		rc = uf_http_head(r, p, n, &used);
		(*io)->recv_ack(io, used);
		if (rc < 0) {
			return uf_fail(UF_E_PROTO, "bad answer from the proxy: "
			    "%s", uf_http_strerror(rc));
		}
		if (rc == UF_HTTP_HEAD) {
			return UF_OK;
		}
	}
}

/* Was the answer in r a 2xx with nothing after it? */
static enum uf_err
check_answer(const struct uf_sock *s, const struct uf_http_resp *r)
{
	const char	*reason;
	char		clean[128];
	size_t		len;

	reason = uf_http_reason(r, &len);
	uf_sanitize(clean, sizeof clean, reason, len);
	uf_note("proxy: %d %s", r->status, clean);
	if (r->status < 200 || r->status > 299) {
		/* curl's choice too: the network path failed (its 56). */
		return uf_fail(UF_E_NET, "proxy refused CONNECT: %d %s",
		    r->status, clean);
	}
	if (s->rx_off != s->rx_len) {
		return uf_fail(UF_E_PROTO, "the proxy sent %zu bytes after "
		    "its answer to CONNECT", s->rx_len - s->rx_off);
	}
	return UF_OK;
}

/* see tunnel.h */
enum uf_err
uf_tunnel(struct uf_arena *a, struct uf_sock *s, const struct uf_proxy *p,
    const struct uf_url *u, const char *ua)
{
	const struct uf_io_class	**io = &s->vtable;
	struct uf_http_resp		*r;
	size_t				mark = uf_arena_mark(a), len;
	char				*req;
	enum uf_err			err;

	len = uf_proxy_connect_req(NULL, 0, u, ua, p->auth);
	req = uf_arena_alloc(a, len + 1);
	r = uf_arena_zalloc(a, sizeof *r);
	s->rx = uf_arena_alloc(a, TUNNEL_RX);
	s->rx_cap = TUNNEL_RX;
	s->rx_off = s->rx_len = 0;
	if (req == NULL || r == NULL || s->rx == NULL) {
		err = uf_fail(UF_E_PROTO, "out of arena memory (CONNECT)");
		goto out;
	}
	uf_proxy_connect_req(req, len + 1, u, ua, p->auth);
	uf_note("%.*s", (int)strcspn(req, "\r"), req);
	/* A 2xx answer has no body (RFC 9110 9.3.6); others end it all. */
	r->head_request = 1;
	err = (*io)->write(io, req, len, "sending CONNECT to the proxy");
	if (err == UF_OK) {
		err = read_answer(s, r);
	}
	if (err == UF_OK) {
		err = check_answer(s, r);
	}
out:
	/* TLS reads the socket itself; the buffer goes with the arena. */
	s->rx = NULL;
	s->rx_cap = s->rx_off = s->rx_len = 0;
	uf_arena_reset(a, mark);
	return err;
}
