/*
 * conn.c: opening, reusing and closing the connection (see conn.h).
 */
#include <string.h>
#include <strings.h>

#include "conn.h"
#include "fmt.h"
#include "tunnel.h"

/* see conn.h */
void
uf_conn_init(struct uf_conn *c, void *mem, size_t len)
{
	memset(c, 0, sizeof *c);
	uf_arena_init(&c->a, mem, len);
	c->sock.fd = -1;
	c->sock.lim = &c->lim;
}

/* see conn.h */
void
uf_conn_close(struct uf_conn *c)
{
	if (c->io != NULL) {
		(*c->io)->close(c->io);
	}
	uf_net_close(&c->sock);
	c->io = NULL;
}

/* see conn.h */
enum uf_err
uf_conn_open(struct uf_conn *c, struct uf_arena *a, const struct uf_url *u,
    const struct uf_proxy *p, const struct uf_conn_opts *o)
{
	const struct uf_url	*to = u;
	enum uf_err		err;
	int			again = 0;

	if (p != NULL) {
		to = &p->url;
		uf_note("using proxy %s", p->name);
	}
	/* A server without TLS 1.3 makes us connect once more (tls.h). */
	do {
		uf_conn_close(c);
		uf_arena_reset(&c->a, 0);
		/* Failures to reach a proxy name it (net.h). */
		err = uf_net_connect(&c->sock, to->host, to->port_str,
		    o->family, &c->lim, p != NULL ? p->name : NULL);
		if (err != UF_OK) {
			return err;
		}
		if (p != NULL && u->scheme == UF_HTTPS) {
			err = uf_tunnel(a, &c->sock, p, u, o->user_agent);
		}
		if (err == UF_OK && u->scheme == UF_HTTPS) {
			err = uf_tls_open(&c->a, a, &c->sock, u, o->tls,
			    &c->io, &again);
		}
		if (err != UF_OK) {
			uf_conn_close(c);
			return err;
		}
	} while (again);
	if (u->scheme != UF_HTTPS) {
		/* TLS has its own buffers; plain sockets need one. */
		c->sock.rx = uf_arena_alloc(&c->a, UF_RXBUF);
		c->sock.rx_cap = UF_RXBUF;
		if (c->sock.rx == NULL) {
			uf_conn_close(c);
			return uf_fail(UF_E_PROTO, "out of arena memory for "
			    "the connection (%zu bytes)", c->a.cap);
		}
		c->io = &c->sock.vtable;
	}
	c->scheme = u->scheme;
	c->port = u->port;
	uf_snprintf(c->host, sizeof c->host, "%s", u->host);
	uf_snprintf(c->proxy_host, sizeof c->proxy_host, "%s",
	    p != NULL ? p->url.host : "");
	c->proxy_port = p != NULL ? p->url.port : 0;
	return UF_OK;
}

/* see conn.h */
int
uf_conn_is_to(const struct uf_conn *c, const struct uf_url *u,
    const struct uf_proxy *p)
{
	if (c->io == NULL || !uf_url_origin_is(u, c->scheme, c->host,
	    c->port)) {
		return 0;
	}
	if (p == NULL) {
		return c->proxy_host[0] == '\0';
	}
	return c->proxy_port == p->url.port
	    && strcasecmp(c->proxy_host, p->url.host) == 0;
}

/* see conn.h */
int
uf_conn_reusable(const struct uf_conn *c)
{
	const struct uf_io_class	**io = c->io;

	return io != NULL && !(*io)->pending(io)
	    && (*io)->ended(io) == UF_IO_OPEN;
}
