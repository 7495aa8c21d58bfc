/*
 * conn.h: the connection a URL's requests go over: TCP to the origin
 * or to a proxy (a CONNECT tunnel for https), TLS for https, and the
 * transport (net.h's uf_io_class) fetch.c reads and writes through.
 *
 * A connection may outlive its URL: it stays open for the next URL
 * when that URL has the same origin, the response was read to its end
 * and the server allows it. Its memory is its own small arena (the
 * plain receive buffer, or the TLS contexts and record buffers), carved
 * once from the main arena below the per-URL mark and reset whenever a
 * new connection is made: kept or not, it never grows.
 */
#ifndef UF_CONN_H
#define UF_CONN_H

#include "arena.h"
#include "net.h"
#include "proxy.h"
#include "tls.h"
#include "ufetch.h"
#include "url.h"

/*
 * The plain-HTTP receive buffer. 32 KiB, measured: with the CPU
 * contended, a 1 GiB body took 0.825 s with 16 KiB reads, 0.733 s with
 * 32 KiB and 0.716 s with 64 KiB (bench/throughput.sh). TLS reads from
 * its own record buffer instead.
 */
#define UF_RXBUF	32768

/*
 * UF_CONN_MEM: for TLS 1.3, two record buffers of 16.3 KiB and the
 * record protection (35 KiB in all); for TLS 1.2, BearSSL's client
 * context and X.509 wrapper (about 10 KiB) and room for a two-way
 * record buffer (33 KiB), which request bodies need (GET and HEAD use
 * the one-way 16.3 KiB buffer); for plain HTTP, the 32 KiB receive
 * buffer.
 */
#define UF_CONN_MEM	(44 * 1024)

struct uf_conn {
	struct uf_arena			a;
	struct uf_limits		lim;	/* the URL's; its fetch sets it */
	struct uf_sock			sock;
	const struct uf_io_class	**io;	/* NULL: closed */
	enum uf_scheme			scheme;
	char				host[256];
	unsigned			port;
	char				proxy_host[256]; /* "": direct */
	unsigned			proxy_port;
};

/* How to connect: what every URL of a run shares. Owned by the caller. */
struct uf_conn_opts {
	int				family;	/* AF_UNSPEC, -4, -6 */
	const char			*user_agent; /* for CONNECT */
	const struct uf_tls_opts	*tls;
};

/* Set c up over mem[0..len) (UF_CONN_MEM bytes), closed. */
void	uf_conn_init(struct uf_conn *c, void *mem, size_t len);

/* Close c if it is open. */
void	uf_conn_close(struct uf_conn *c);

/*
 * Connect c to u's origin, or to the proxy p (through a CONNECT tunnel
 * for https; NULL: directly), with TLS for https; whatever c had open
 * is closed first. Scratch comes from a and is given back. Returns
 * UF_OK with c->io set, or the error recorded (c closed).
 */
enum uf_err	uf_conn_open(struct uf_conn *c, struct uf_arena *a,
		    const struct uf_url *u, const struct uf_proxy *p,
		    const struct uf_conn_opts *o);

/*
 * Is c open to u's origin, by the same way (directly, or through the
 * same proxy p)?
 */
int	uf_conn_is_to(const struct uf_conn *c, const struct uf_url *u,
	    const struct uf_proxy *p);

/*
 * May c carry another request after a response that allows it (the
 * caller asked to keep it and HTTP agrees)? Only if nothing unasked-for
 * waits in its buffers and the peer has not ended the stream.
 */
int	uf_conn_reusable(const struct uf_conn *c);

#endif
