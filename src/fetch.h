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
#include "conn.h"
#include "out.h"
#include "proxy.h"
#include "redirect.h"
#include "tls.h"
#include "ufetch.h"
#include "url.h"

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
	int			fail_body;	/* --fail-with-body */
	int			head;		/* -I */
	int			include;	/* -i */
	int			family;		/* AF_UNSPEC, -4, -6 */
	struct uf_tls_opts	tls;		/* -k, trust stores */
	struct uf_proxy_cfg	proxy;		/* -x, --noproxy */
};

/*
 * One attempt at a URL: what its requests carry beyond the run's
 * options (set by the caller, who owns the strings), and what the
 * attempt tells back (valid until the arena is reset below where
 * uf_fetch() began). Zero it before the first attempt.
 */
struct uf_xfer {
	/* in */
	const char	*auth;		/* Authorization for the origin of the
					   URL asked for (-u, .netrc): wins over
					   user info; NULL: none */
	const char	*ims;		/* If-Modified-Since (-z), or NULL */
	uint64_t	have;		/* body bytes an earlier attempt wrote:
					   the rest is asked for (Range) */
	const char	*if_range;	/* with have: their validator */
	int		stream;		/* with have: they cannot be taken
					   back, only a 206 may follow them */
	int		may_retry;	/* a transient error status will be
					   tried again: its body is not kept
					   for --fail-with-body */
	/* out */
	const struct uf_http_resp *resp; /* the final response (status 0:
					   none came); NULL: nothing began */
	const char	*url;		/* where the last redirect led; NULL:
					   none was followed */
	unsigned	redirects;
	int		sent;		/* some of a request went out */
};

/*
 * Fetch u over c (reusing it when it is open to u's origin, otherwise
 * opening it), following redirects, and write the final response body
 * (preceded by the heads for -i, or only the heads for -I) to out.
 * Every hop's memory is given back before the next. With -c, out's
 * temporary file is continued when it holds bytes; with x->have, the
 * bytes of an earlier attempt are. With keep set, the next URL has the
 * same origin: the request asks to keep the connection, and c is left
 * open if the response allows. x is the attempt (see struct uf_xfer).
 * Returns UF_OK, or the error whose message is in the error slot;
 * UF_E_PIPE when out is a closed pipe. A final status of 400 or above
 * is UF_E_HTTP, its body written with --fail-with-body. On a failure,
 * out may hold part of the body: the caller decides what to do with it
 * (uf_out_abort()).
 */
enum uf_err	uf_fetch(struct uf_arena *a, struct uf_conn *c,
		    const struct uf_url *u, const struct uf_opts *o,
		    struct uf_out *out, int keep, struct uf_xfer *x);

#endif
