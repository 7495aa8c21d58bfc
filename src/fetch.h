/*
 * fetch.h: one URL's life: connect, send the request, read the
 * response head, write the body.
 *
 * Everything uf_fetch() needs it takes from the arena it is given, and
 * it leaves nothing behind but what it wrote to the output and, when
 * the next URL has the same origin, an open connection (struct
 * uf_conn, which has memory of its own): the caller resets the arena
 * before the next URL.
 */
#ifndef UF_FETCH_H
#define UF_FETCH_H

#include "arena.h"
#include "out.h"
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
 * Longest Location value kept for a redirect, and longest URL a
 * redirect may lead to (the base and the reference together).
 */
#define UF_LOC_MAX	8192

/*
 * Redirects: the same URL at most UF_REPEATS times in one chain (as
 * urlopen), remembered over the last UF_SEEN_MAX hops; a body of a
 * followed 3xx up to UF_DRAIN_MAX bytes is read so that the connection
 * can carry the next hop, a longer one closes it.
 */
#define UF_REPEATS	4
#define UF_SEEN_MAX	64
#define UF_DRAIN_MAX	65536

/*
 * A request body (-d): bytes in memory, or a file read with pread()
 * from offset 0, so that a 307 or 308 can send it again and it never
 * sits in memory whole. Owned by the caller.
 */
struct uf_body {
	const char	*data;		/* NULL: read fd */
	int		fd;
	uint64_t	len;
	const char	*name;		/* the file, for messages */
};

/* Options for every URL of a run; owned by the caller. */
struct uf_opts {
	uint64_t		timeout;	/* -t in ns; 0: none */
	uint64_t		max_time;	/* -m in ns; 0: none */
	const char *const	*hdrs;		/* -H arguments */
	size_t			nhdrs;
	const char		*user_agent;
	const char		*method;	/* -X; NULL: GET, HEAD or POST */
	const struct uf_body	*body;		/* -d; NULL: none */
	unsigned		max_redirs;	/* --max-redirs */
	int			resume;		/* -c */
	int			head;		/* -I */
	int			include;	/* -i */
	int			family;		/* AF_UNSPEC, -4, -6 */
	struct uf_tls_opts	tls;		/* -k, trust stores */
	struct uf_proxy_cfg	proxy;		/* -x, --noproxy */
};

/*
 * A connection that may outlive its URL: it stays open for the next
 * URL when that URL has the same origin, the response was read to its
 * end and the server allows it. Its memory is its own small arena (the
 * plain receive buffer, or the TLS contexts and record buffer), carved
 * once from the main arena below the per-URL mark and reset whenever a
 * new connection is made: kept or not, it never grows.
 *
 * UF_CONN_MEM: the TLS client context and X.509 wrapper (about 10 KiB)
 * and room for a two-way record buffer (33 KiB), which request bodies
 * will need; GET and HEAD use the one-way 16.3 KiB buffer. The plain
 * receive buffer is 32 KiB.
 */
#define UF_CONN_MEM	(44 * 1024)

struct uf_conn {
	struct uf_arena			a;
	struct uf_limits		lim;
	struct uf_sock			sock;
	const struct uf_io_class	**io;	/* NULL: closed */
	enum uf_scheme			scheme;
	char				host[256];
	unsigned			port;
	char				proxy_host[256]; /* "": direct */
	unsigned			proxy_port;
};

/* Set c up over mem[0..len) (UF_CONN_MEM bytes), closed. */
void	uf_conn_init(struct uf_conn *c, void *mem, size_t len);

/* Close c if it is open. */
void	uf_conn_close(struct uf_conn *c);

/*
 * Fetch u over c (reusing it when it is open to u's origin, otherwise
 * opening it), following redirects, and write the final response body
 * (preceded by the heads for -i, or only the heads for -I) to out.
 * Every hop's memory is given back before the next. With -c, out's
 * temporary file is continued when it holds bytes. With keep set, the next URL has
 * the same origin: the request asks to keep the connection, and c is
 * left open if the response allows. Returns UF_OK, or the error whose
 * message is in the error slot; UF_E_PIPE when out is a closed pipe.
 * On a failure, out may hold part of the body: the caller decides what
 * to do with it (uf_out_abort()).
 */
enum uf_err	uf_fetch(struct uf_arena *a, struct uf_conn *c,
		    const struct uf_url *u, const struct uf_opts *o,
		    struct uf_out *out, int keep);

#endif
