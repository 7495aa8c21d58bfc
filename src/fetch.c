/*
 * fetch.c: one URL from connect to the last body byte (see fetch.h).
 *
 * The steps are fetch_send(), fetch_head() and fetch_body(), each with
 * its own timeout wording; uf_fetch() owns the socket and closes it on
 * every path.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth.h"
#include "fetch.h"
#include "fmt.h"
#include "http.h"
#include "net.h"
#include "progress.h"
#include "tunnel.h"

struct fetch {
	struct uf_arena			*a;
	const struct uf_opts		*o;
	struct uf_out			*out;
	const struct uf_url		*first;	/* the URL asked for */
	const struct uf_url		*url;	/* this hop's */
	struct uf_proxy			*proxy;	/* this hop's; NULL: direct */
	struct uf_conn			*c;	/* its io and lim */
	struct uf_http_resp		resp;
	const char			*method;
	const char			*auth;	/* this hop's Authorization */
	int				send_body; /* o->body on this hop */
	int				body_dropped; /* a 303 made a GET */
	uint64_t			have;	/* -c: bytes already there */
	int				ranged;	/* a chunked or close-framed
						   206: at most range_left */
	uint64_t			range_left; /* bytes more */
	unsigned			hops;	/* redirects followed */
	uint64_t			seen[UF_SEEN_MAX]; /* hashes of their
						   targets, a ring */
	char				*next;	/* UF_LOC_MAX: the next hop */
	int				discard; /* a 3xx body read to reuse */
	int				keep;	/* ask to keep the connection */
	int				splice;	/* may try splice(2) */
	int				spliced; /* noted under -v */
	int				echo;	/* ECHO_*: where head bytes go */
	char				*cur;	/* ECHO_HOLD: this head, */
	size_t				cur_len, cur_cap, cur_mark;
	char				*held;	/* -i: the heads of the */
	size_t				held_len; /* redirects followed,
						   at the hops' mark */
	int				vbol;	/* -v echo at line start */
};

/*
 * -v (and wget -S): copy p[0..n) to stderr when on, with prefix at
 * each line start, CRs dropped and other unprintable bytes shown as
 * '?'.
 */
static void
verbose_echo(int on, const char *prefix, const unsigned char *p, size_t n,
    int *bol)
{
	char	buf[1024];
	size_t	len = 0, i;

	if (!on) {
		return;
	}
	for (i = 0; i < n; i++) {
		if (len + 4 > sizeof buf) {
			(void)uf_write_all(2, buf, len);
			len = 0;
		}
		if (*bol) {
			buf[len++] = prefix[0];
			buf[len++] = ' ';
			*bol = 0;
		}
		if (p[i] == '\n') {
			buf[len++] = '\n';
			*bol = 1;
		} else if (p[i] == '\t' || (p[i] >= 0x20 && p[i] < 0x7f)) {
			buf[len++] = (char)p[i];
		} else if (p[i] != '\r') {
			buf[len++] = '?';
		}
	}
	(void)uf_write_all(2, buf, len);
}

static enum uf_err
no_arena(const struct uf_arena *a)
{
	return uf_fail(UF_E_PROTO, "out of arena memory (%zu bytes)",
	    a->cap + a->kept);
}

/*
 * The body after the head, with its own deadline of T (CONTRACT 4):
 * bytes in memory in one write, as urlopen's one sendall(); a file in
 * blocks of 16 KiB, each with T, as urlopen sends file bodies.
 */
static enum uf_err
send_body(struct fetch *f)
{
	const struct uf_io_class	**io = f->c->io;
	const struct uf_body		*b = f->o->body;
	char		buf[16384];
	uint64_t	off = 0;
	ssize_t		n;
	enum uf_err	err;

	if (b->data != NULL) {
		return (*io)->write(io, b->data, (size_t)b->len,
		    "sending the body");
	}
	while (off < b->len) {
		n = pread(b->fd, buf, b->len - off < sizeof buf
		    ? (size_t)(b->len - off) : sizeof buf, (off_t)off);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			/* The length was sent: a short body cannot be. */
			return uf_fail(UF_E_USAGE, "cannot read %s: %s",
			    b->name, n < 0 ? strerror(errno)
			    : "it shrank while being sent");
		}
		err = uf_check_end(&f->c->lim, "sending the body");
		if (err == UF_OK) {
			err = (*io)->write(io, buf, (size_t)n,
			    "sending the body");
		}
		if (err != UF_OK) {
			return err;
		}
		off += (uint64_t)n;
	}
	return UF_OK;
}

/* Is u on the origin of the URL asked for? */
static int
on_first_origin(const struct fetch *f, const struct uf_url *u)
{
	return uf_url_origin_is(u, f->first->scheme, f->first->host,
	    f->first->port);
}

/*
 * The Basic credentials of this hop: from the user info of its own
 * URL or, on the origin of the URL asked for, of that URL; never to
 * another origin after a redirect (CONTRACT 2). Sets f->auth, NULL
 * when there are none; called once per hop.
 */
static enum uf_err
hop_auth(struct fetch *f)
{
	const struct uf_url	*u = f->url;
	enum uf_err		code;
	char			*t;
	size_t			n;

	f->auth = NULL;
	if (u->userinfo == NULL && on_first_origin(f, u)) {
		u = f->first;
	}
	if (u->userinfo == NULL) {
		return UF_OK;
	}
	/* A redirect's target is the server's doing, not a usage. */
	code = u == f->first ? UF_E_USAGE : UF_E_PROTO;
	n = strlen(u->userinfo);
	if (n > UF_USERINFO_MAX) {
		return uf_fail(code, "user name and password in the URL are "
		    "%zu bytes, over the limit of %d", n, UF_USERINFO_MAX);
	}
	n = UF_BASIC_AUTH_CAP(n);
	t = uf_arena_alloc(f->a, n);
	if (t == NULL) {
		return no_arena(f->a);
	}
	if (uf_basic_auth(t, n, u->userinfo) == 0) {
		return uf_fail(code, "bad user name or password in the URL (a "
		    "bad %%-escape, a control character, or a colon in the "
		    "user name)");
	}
	f->auth = t;
	return UF_OK;
}

static enum uf_err
fetch_send(struct fetch *f)
{
	const struct uf_io_class	**io = f->c->io;
	struct uf_req	rq;
	char		*buf;
	size_t		len;
	enum uf_err	err;
	int		bol = 1;

	memset(&rq, 0, sizeof rq);
	rq.auth = f->auth;
	rq.method = f->method;
	rq.url = f->url;
	rq.user_agent = f->o->user_agent;
	rq.hdrs = f->o->hdrs;
	rq.nhdrs = f->o->nhdrs;
	rq.keep_alive = f->keep;
	rq.range_from = f->have;
	rq.has_body = f->send_body;
	rq.body_len = f->send_body ? f->o->body->len : 0;
	rq.body_dropped = f->body_dropped;
	rq.other_origin = !on_first_origin(f, f->url);
	/* Plain http only: through a tunnel the request is the direct one. */
	if (f->proxy != NULL && f->url->scheme == UF_HTTP) {
		rq.target = uf_url_absolute(f->a, f->url);
		rq.proxy_auth = f->proxy->auth;
		if (rq.target == NULL) {
			return uf_fail(UF_E_PROTO, "request target does not "
			    "fit in the arena");
		}
	}
	len = uf_http_request(NULL, 0, &rq);
	buf = uf_arena_alloc(f->a, len);
	if (buf == NULL) {
		return uf_fail(UF_E_PROTO, "request head of %zu bytes does not "
		    "fit in the arena", len);
	}
	uf_http_request(buf, len, &rq);
	verbose_echo(uf_verbose, ">", (const unsigned char *)buf, len, &bol);
	err = (*io)->write(io, buf, len, "sending the request");
	if (err == UF_OK && f->send_body) {
		uf_note("sending a body of %llu bytes",
		    (unsigned long long)f->o->body->len);
		err = send_body(f);
	}
	return err;
}

/* Map a parser error to the contract's codes and a message. */
static enum uf_err
parse_fail(struct fetch *f, int rc)
{
	const struct uf_http_resp	*r = &f->resp;

	switch (rc) {
	case UF_HTTP_E_EMPTY:
	case UF_HTTP_E_TRUNC_HEAD:
		return uf_fail(UF_E_NET, "%s", uf_http_strerror(rc));
	case UF_HTTP_E_TRUNC_BODY:
		if (r->framing == UF_BODY_LENGTH) {
			return uf_fail(UF_E_NET, "connection closed after %llu "
			    "of %llu body bytes",
			    (unsigned long long)r->body_seen,
			    (unsigned long long)r->length);
		}
		return uf_fail(UF_E_NET, "connection closed inside the "
		    "chunked body after %llu bytes",
		    (unsigned long long)r->body_seen);
	}
	return uf_fail(UF_E_PROTO, "bad response: %s", uf_http_strerror(rc));
}

/*
 * The next span of received bytes (*n == 0 at the end of the stream).
 * -m is checked before every span: a server that keeps sending would
 * otherwise run past it.
 */
static enum uf_err
next_span(struct fetch *f, const char *what, const unsigned char **p,
    size_t *n)
{
	enum uf_err	err;

	err = uf_check_end(&f->c->lim, what);
	if (err != UF_OK) {
		return err;
	}
	return (*f->c->io)->recv_buf(f->c->io, p, n, what);
}

/* Is status a redirect we follow (RFC 9110 15.4)? */
static int
is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303
	    || status == 307 || status == 308;
}

/*
 * -i and -I write the heads of a successful fetch, those of the
 * redirects followed included (as curl -iL), and nothing at all when
 * the final status is an error. A head that may be a redirect's is
 * therefore held in the arena (ECHO_HOLD) until the fetch knows: a
 * followed one joins f->held, which follow() keeps below the next
 * hop's memory, and all are written before the head of a final
 * response below 400.
 */
enum {
	ECHO_NONE,
	ECHO_OUT,	/* to the output */
	ECHO_HOLD	/* to f->cur */
};

/* The held heads go out, before a final head that is a success. */
static enum uf_err
flush_held(struct fetch *f)
{
	enum uf_err	err;

	if (f->held_len == 0) {
		return UF_OK;
	}
	err = uf_out_write(f->out, f->held, f->held_len);
	f->held_len = 0;
	return err;
}

/* Head bytes p[0..n) go where f->echo says. */
static enum uf_err
echo(struct fetch *f, const void *p, size_t n)
{
	if (f->echo == ECHO_OUT) {
		return uf_out_write(f->out, p, n);
	}
	if (f->echo == ECHO_HOLD) {
		if (n > f->cur_cap - f->cur_len) {
			return uf_fail(UF_E_PROTO, "the response heads of the "
			    "redirects do not fit in the arena (%zu bytes) "
			    "for -i", f->a->cap + f->a->kept);
		}
		memcpy(f->cur + f->cur_len, p, n);
		f->cur_len += n;
	}
	return UF_OK;
}

/*
 * A status line for -i or -I: a redirect we may follow is held, with
 * room for a head of any size the arena has; anything else flushes
 * what is held and goes out.
 */
static enum uf_err
echo_start(struct fetch *f)
{
	const struct uf_http_resp	*r = &f->resp;
	enum uf_err			err;

	f->echo = ECHO_NONE;
	if (!(f->o->include || f->o->head) || r->status < 200
	    || r->status >= 400) {
		return UF_OK;
	}
	if (is_redirect(r->status) && f->o->max_redirs > 0) {
		f->cur_mark = uf_arena_mark(f->a);
		f->cur_cap = uf_arena_avail(f->a);
		if (f->cur_cap > UF_HEAD_MAX) {
			f->cur_cap = UF_HEAD_MAX;
		}
		f->cur = uf_arena_alloc(f->a, f->cur_cap);
		f->cur_len = 0;
		f->echo = ECHO_HOLD;
	} else {
		err = flush_held(f);
		if (err != UF_OK) {
			return err;
		}
		f->echo = ECHO_OUT;
	}
	return echo(f, r->line, r->line_len);
}

/*
 * The held head is whole: give back the room it did not use (arena.h:
 * the bytes stay where they were). Without a Location it is the final
 * response's, and goes out now.
 */
static enum uf_err
echo_end(struct fetch *f)
{
	enum uf_err	err;

	if (f->echo != ECHO_HOLD) {
		return UF_OK;
	}
	uf_arena_reset(f->a, f->cur_mark);
	f->cur = uf_arena_alloc(f->a, f->cur_len);
	if (f->resp.loc_len > 0) {
		return UF_OK;
	}
	err = flush_held(f);
	if (err == UF_OK) {
		err = uf_out_write(f->out, f->cur, f->cur_len);
	}
	f->cur_len = 0;
	return err;
}

static enum uf_err
fetch_head(struct fetch *f)
{
	struct uf_http_resp	*r = &f->resp;
	const unsigned char	*p;
	enum uf_err		err;
	size_t			n, used;
	int			rc;

	for (;;) {
		err = next_span(f, "waiting for the response", &p, &n);
		if (err != UF_OK) {
			return err;
		}
		if (n == 0) {
			return parse_fail(f, uf_http_eof(r));
		}
		rc = uf_http_head(r, p, n, &used);
		(*f->c->io)->recv_ack(f->c->io, used);
		/* -S shows the heads as busybox wget does: "  " before each. */
		verbose_echo(uf_verbose || uf_show_response,
		    uf_verbose ? "<" : " ", p, used, &f->vbol);
		if (rc < 0) {
			return parse_fail(f, rc);
		}
		/* The status line itself is written from r->line below. */
		if (rc != UF_HTTP_STATUS) {
			err = echo(f, p, used);
			if (err != UF_OK) {
				return err;
			}
		}
		switch (rc) {
		case UF_HTTP_STATUS:
			/* Only a redirect needs its Location kept. */
			if (r->status >= 300 && r->status < 400
			    && r->loc == NULL) {
				r->loc = uf_arena_alloc(f->a, UF_LOC_MAX);
				r->loc_cap = r->loc != NULL ? UF_LOC_MAX : 0;
			}
			err = echo_start(f);
			if (err != UF_OK) {
				return err;
			}
			break;
		case UF_HTTP_INTERIM:
			f->echo = ECHO_NONE;
			break;
		case UF_HTTP_HEAD:
			return echo_end(f);
		}
	}
}

/* Can a write to the pipe fd go ahead now? */
static int
pipe_room(int fd)
{
	struct pollfd	pfd = { fd, POLLOUT, 0 };

	return poll(&pfd, 1, 0) > 0;
}

/* Copy n bytes from our pipe to the output with read and write. */
static enum uf_err
drain(struct fetch *f, int from, int out, size_t n)
{
	char	buf[4096];
	ssize_t	r;

	while (n > 0) {
		r = read(from, buf, n < sizeof buf ? n : sizeof buf);
		if (r <= 0) {
			return uf_fail(UF_E_INTERNAL, "lost bytes in our own "
			    "pipe");
		}
		if (uf_write_all(out, buf, (size_t)r) != 0) {
			return uf_out_error(f->out, errno);
		}
		n -= (size_t)r;
	}
	return UF_OK;
}

enum {
	SPLICE_DONE,		/* the body is complete */
	SPLICE_EOF,		/* the connection ended */
	SPLICE_NOT		/* splice cannot do it: read and write */
};

/*
 * Move a plain body (framed by Content-Length or the close) from the
 * socket sock to the output inside the kernel: straight into a pipe, or
 * through a pipe of our own into a file. Waits are idle time of T, as
 * for reads; -m is checked before every move. *how says how it ended.
 */
static enum uf_err
fetch_splice(struct fetch *f, int sock, uint64_t left, int *how)
{
	const struct uf_limits	*lim = &f->c->lim;
	int		out, is_pipe, p[2] = { -1, -1 };
	int		dst, moved = 0;
	enum uf_err	err = UF_OK;
	ssize_t		n, m, off;
	size_t		want;

	*how = SPLICE_NOT;
	out = uf_out_fd(f->out, &is_pipe, &err);
	if (out < 0) {
		return err;
	}
	/*
	 * A 64 KiB pipe makes us and the reader wake each other 16 times
	 * a megabyte; 1 MiB (or what the system allows) lets both batch.
	 * For the reader a bigger pipe changes nothing else.
	 */
	if (!is_pipe) {
		if (pipe2(p, O_CLOEXEC) != 0) {
			return UF_OK;
		}
		(void)fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	} else if (fcntl(out, F_GETPIPE_SZ) < (1 << 20)
	    && fcntl(out, F_SETPIPE_SZ, 1 << 20) < 0) {
		(void)fcntl(out, F_SETPIPE_SZ, 1 << 18);
	}
	dst = is_pipe ? out : p[1];
	if (!f->spliced) {
		uf_note("moving the body with splice(2)%s",
		    is_pipe ? "" : " through a pipe");
		f->spliced = 1;
	}
	for (;;) {
		err = uf_check_end(lim, "reading the body");
		if (err != UF_OK) {
			break;
		}
		want = left < (1u << 20) ? (size_t)left : 1u << 20;
		/*
		 * Non-blocking on both sides, so that a reader that stalls
		 * the pipe cannot hold us past -m.
		 */
		n = splice(sock, NULL, dst, NULL, want, SPLICE_F_MOVE
		    | SPLICE_F_NONBLOCK);
		if (n > 0) {
			for (off = 0; !is_pipe && off < n; off += m) {
				m = splice(p[0], NULL, out, NULL,
				    (size_t)(n - off), SPLICE_F_MOVE);
				if (m < 0 && errno == EINVAL) {
					/* The output refuses splice (a file
					 * opened with O_APPEND, >>): copy what
					 * is in our pipe, then stop. */
					err = drain(f, p[0], out,
					    (size_t)(n - off));
					f->splice = 0;
					break;
				}
				if (m <= 0) {
					err = uf_out_error(f->out, m < 0 ? errno
					    : EIO);
					goto done;
				}
			}
			if (err != UF_OK) {
				goto done;
			}
			moved = 1;
			uf_out_count(f->out, (uint64_t)n);
			if (uf_http_body_moved(&f->resp, (uint64_t)n)
			    == UF_HTTP_DONE) {
				*how = SPLICE_DONE;
				break;
			}
			if (left != UINT64_MAX) {
				left -= (uint64_t)n;
			}
			if (!f->splice) {
				break;	/* SPLICE_NOT: the rest by read/write */
			}
			continue;
		}
		if (n == 0) {
			*how = SPLICE_EOF;
			break;
		}
		if (errno == EINTR) {
			continue;
		}
		if (errno == EAGAIN && is_pipe && !pipe_room(out)) {
			/* The reader is behind: only -m bounds that wait. */
			err = uf_net_await(out, POLLOUT, lim, lim->end,
			    "writing the body");
			if (err != UF_OK) {
				goto done;
			}
			continue;
		}
		if (errno == EAGAIN) {
			err = uf_net_await(sock, POLLIN, lim, uf_deadline(lim),
			    "reading the body");
			if (err != UF_OK) {
				goto done;
			}
			continue;
		}
		if (!moved && (errno == EINVAL || errno == ENOSYS)) {
			break;		/* SPLICE_NOT: read and write instead */
		}
		if (errno == ECONNRESET || errno == ENOTCONN
		    || errno == ETIMEDOUT) {
			err = uf_fail(UF_E_NET, "error reading the body: %s",
			    strerror(errno));
		} else {
			err = uf_out_error(f->out, errno);
		}
		break;
	}
done:
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
	return err;
}

/*
 * -c, a 206 without Content-Length: n more body bytes are about to be
 * written. Not a byte past the Content-Range is.
 */
static enum uf_err
range_take(struct fetch *f, size_t n)
{
	if (!f->ranged) {
		return UF_OK;
	}
	if (n > f->range_left) {
		return uf_fail(UF_E_PROTO, "bad response: the 206 sends more "
		    "than its Content-Range bytes %llu-%llu",
		    (unsigned long long)f->resp.range_first,
		    (unsigned long long)f->resp.range_last);
	}
	f->range_left -= n;
	return UF_OK;
}

/* The body ended: all of the range must have come. */
static enum uf_err
range_end(struct fetch *f)
{
	if (!f->ranged || f->range_left == 0) {
		return UF_OK;
	}
	/* A close-framed body cut short is a cut connection: -c again. */
	return uf_fail(f->resp.framing == UF_BODY_CLOSE ? UF_E_NET
	    : UF_E_PROTO, "the 206 ended %llu bytes short of its "
	    "Content-Range bytes %llu-%llu",
	    (unsigned long long)f->range_left,
	    (unsigned long long)f->resp.range_first,
	    (unsigned long long)f->resp.range_last);
}

static enum uf_err
fetch_body(struct fetch *f)
{
	const struct uf_io_class	**io = f->c->io;
	struct uf_http_resp	*r = &f->resp;
	const unsigned char	*p;
	enum uf_err		err;
	size_t			n, off, used, doff, dlen;
	uint64_t		left;
	int			rc, sock, how = SPLICE_NOT;

	/* A body may be complete without a byte (HEAD, 204, length 0). */
	if (uf_http_body(r, NULL, 0, &used, &doff, &dlen) == UF_HTTP_DONE) {
		return UF_OK;
	}
	for (;;) {
		/* Whole plain bodies skip user space when they can. */
		if (f->splice && !f->discard
		    && (sock = (*io)->splice_fd(io)) >= 0
		    && uf_http_body_plain(r, &left)) {
			err = fetch_splice(f, sock, left, &how);
			if (err != UF_OK || how == SPLICE_DONE) {
				return err;
			}
			if (how == SPLICE_NOT) {
				f->splice = 0;
			}
		}
		if (how == SPLICE_EOF) {
			n = 0;
		} else {
			err = next_span(f, "reading the body", &p, &n);
			if (err != UF_OK) {
				return err;
			}
		}
		if (n == 0) {
			rc = uf_http_eof(r);
			if (rc != UF_HTTP_DONE) {
				return parse_fail(f, rc);
			}
			/*
			 * Only close_notify proves that a body which ends
			 * with the connection was not cut by someone else.
			 */
			if ((*io)->ended(io) == UF_IO_CUT) {
				return uf_fail(UF_E_NET, "connection closed "
				    "without TLS close_notify: the body may be "
				    "truncated");
			}
			return range_end(f);
		}
		off = 0;
		do {
			rc = uf_http_body(r, p + off, n - off, &used, &doff,
			    &dlen);
			if (dlen > 0 && !f->discard) {
				err = range_take(f, dlen);
				if (err == UF_OK) {
					err = uf_out_write(f->out,
					    p + off + doff, dlen);
				}
				if (err != UF_OK) {
					return err;
				}
			}
			off += used;
			if (rc < 0) {
				return parse_fail(f, rc);
			}
		} while (rc != UF_HTTP_DONE && off < n);
		(*io)->recv_ack(io, off);
		if (rc == UF_HTTP_DONE) {
			return range_end(f);
		}
	}
}

static enum uf_err
check_status(struct fetch *f)
{
	const struct uf_http_resp	*r = &f->resp;
	const char			*reason;
	char				clean[128];
	size_t				len;

	if (r->status < 400) {
		return UF_OK;
	}
	reason = uf_http_reason(r, &len);
	uf_sanitize(clean, sizeof clean, reason, len);
	/* urllib's wording, which scripts already grep for. */
	return uf_fail(UF_E_HTTP, "HTTP Error %d: %s", r->status, clean);
}

/* see fetch.h */
void
uf_conn_init(struct uf_conn *c, void *mem, size_t len)
{
	memset(c, 0, sizeof *c);
	uf_arena_init(&c->a, mem, len);
	c->sock.fd = -1;
	c->sock.lim = &c->lim;
}

/* see fetch.h */
void
uf_conn_close(struct uf_conn *c)
{
	uf_net_close(&c->sock);
	c->io = NULL;
}

/*
 * Connect c to u's origin, or to the proxy (through a CONNECT tunnel
 * for https), with TLS for https.
 */
static enum uf_err
conn_open(struct fetch *f)
{
	struct uf_conn		*c = f->c;
	const struct uf_url	*u = f->url, *to = u;
	enum uf_err		err;
	int			again = 0;

	if (f->proxy != NULL) {
		to = &f->proxy->url;
		uf_note("using proxy %s", f->proxy->name);
	}
	/* A server without TLS 1.3 makes us connect once more (tls.h). */
	do {
		uf_conn_close(c);
		uf_arena_reset(&c->a, 0);
		err = uf_net_connect(&c->sock, to->host, to->port_str,
		    f->o->family, &c->lim);
		if (err != UF_OK) {
			return f->proxy != NULL ? uf_proxy_fail(f->proxy, err)
			    : err;
		}
		if (f->proxy != NULL && u->scheme == UF_HTTPS) {
			err = uf_tunnel(f->a, &c->sock, f->proxy, u,
			    f->o->user_agent);
		}
		if (err == UF_OK && u->scheme == UF_HTTPS) {
			err = uf_tls_open(&c->a, f->a, &c->sock, u, &f->o->tls,
			    &c->io, &again);
		}
		if (err != UF_OK) {
			uf_conn_close(c);
			return err;
		}
	} while (again);
	if (u->scheme != UF_HTTPS) {
		/* TLS has its own buffer; plain sockets need one. */
		c->sock.rx = uf_arena_alloc(&c->a, UF_RXBUF);
		c->sock.rx_cap = UF_RXBUF;
		if (c->sock.rx == NULL) {
			uf_conn_close(c);
			return no_arena(&c->a);
		}
		c->io = &c->sock.vtable;
	}
	c->scheme = u->scheme;
	c->port = u->port;
	uf_snprintf(c->host, sizeof c->host, "%s", u->host);
	uf_snprintf(c->proxy_host, sizeof c->proxy_host, "%s",
	    f->proxy != NULL ? f->proxy->url.host : "");
	c->proxy_port = f->proxy != NULL ? f->proxy->url.port : 0;
	return UF_OK;
}

/*
 * Is c open to u's origin, by the same way (directly, or through the
 * same proxy p)?
 */
static int
same_origin(const struct uf_conn *c, const struct uf_url *u,
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

/*
 * May the connection carry the next request? Only when we asked to
 * keep it, HTTP allows it, and nothing unasked-for is waiting in the
 * buffers.
 */
static int
reusable(const struct fetch *f)
{
	const struct uf_io_class	**io = f->c->io;

	return f->keep && uf_http_persistent(&f->resp) && io != NULL
	    && !(*io)->pending(io) && (*io)->ended(io) == UF_IO_OPEN;
}

/* Send the request and read the response head, parser state afresh. */
static enum uf_err
exchange(struct fetch *f)
{
	enum uf_err	err;

	memset(&f->resp, 0, sizeof f->resp);
	f->resp.head_request = strcmp(f->method, "HEAD") == 0;
	f->echo = ECHO_NONE;
	f->vbol = 1;
	err = fetch_send(f);
	if (err == UF_OK) {
		err = fetch_head(f);
	}
	return err;
}

/* FNV-1a: the redirect targets of one chain, to count repeats. */
static uint64_t
hash_str(const char *s)
{
	uint64_t	h = 14695981039346656037u;

	while (*s != '\0') {
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	}
	return h;
}

/*
 * The response is a redirect to follow: check the target and the
 * limits, then make it this fetch's URL, with the method and body it
 * gets (RFC 9110 15.4), and every byte of the previous hop given back
 * to the arena, mark. The connection is kept for the next hop only
 * when it goes to the same origin and the 3xx body is short enough to
 * read past; otherwise it is closed.
 */
static enum uf_err
follow(struct fetch *f, size_t mark)
{
	struct uf_http_resp	*r = &f->resp;
	struct uf_url		*nu;
	struct uf_proxy		*np;
	char			clean[256], *base, *to;
	uint64_t		h;
	unsigned		i, n, times;
	size_t			len;
	enum uf_err		err;

	if (r->flags & UF_RESP_LOC_MANY) {
		return uf_fail(UF_E_PROTO, "bad response: %d with two "
		    "Location fields", r->status);
	}
	if (r->flags & UF_RESP_LOC_LONG) {
		return uf_fail(UF_E_PROTO, "redirect target longer than %d "
		    "bytes", UF_LOC_MAX);
	}
	if (f->hops == f->o->max_redirs) {
		return uf_fail(UF_E_PROTO, "too many redirects (%u); the "
		    "last was %d", f->hops, r->status);
	}
	base = uf_url_absolute(f->a, f->url);
	to = base != NULL ? uf_url_resolve(f->a, base, r->loc) : NULL;
	if (to == NULL) {
		return no_arena(f->a);
	}
	len = strlen(to);
	uf_sanitize(clean, sizeof clean, to, len);
	if (strncasecmp(to, "http://", 7) != 0
	    && strncasecmp(to, "https://", 8) != 0) {
		return uf_fail(UF_E_PROTO, "redirect to %s refused: only "
		    "http and https are followed", clean);
	}
	if (len >= UF_LOC_MAX) {
		return uf_fail(UF_E_PROTO, "redirect target longer than %d "
		    "bytes", UF_LOC_MAX);
	}
	h = hash_str(to);
	n = f->hops < UF_SEEN_MAX ? f->hops : UF_SEEN_MAX;
	for (i = 0, times = 0; i < n; i++) {
		times += f->seen[i] == h;
	}
	if (times >= UF_REPEATS) {
		return uf_fail(UF_E_PROTO, "redirect loop: %s again after %u "
		    "redirects", clean, f->hops);
	}
	f->seen[f->hops % UF_SEEN_MAX] = h;
	uf_note("%d: following the redirect to %s", r->status, clean);

	/* The method and body of the next request. */
	if ((r->status == 303 && strcmp(f->method, "HEAD") != 0)
	    || ((r->status == 301 || r->status == 302)
	    && strcmp(f->method, "POST") == 0)) {
		f->method = "GET";
		f->body_dropped |= f->send_body;
		f->send_body = 0;
	}

	uf_snprintf(f->next, UF_LOC_MAX, "%s", to);
	nu = uf_arena_alloc(f->a, sizeof *nu);
	if (nu == NULL) {
		return no_arena(f->a);
	}
	if (uf_url_parse(f->a, f->next, nu) != UF_OK) {
		char	why[256];

		uf_snprintf(why, sizeof why, "%s", uf_err_msg());
		uf_err_clear();
		return uf_fail(UF_E_PROTO, "bad redirect target %s: %s", clean,
		    why);
	}
	err = uf_proxy_for(f->a, &f->o->proxy, nu, &np);
	if (err != UF_OK) {
		return err;
	}
	/* Read past a short body to keep the connection, if we may. */
	if (same_origin(f->c, nu, np) && reusable(f)
	    && (r->framing == UF_BODY_NONE || (r->framing == UF_BODY_LENGTH
	    && r->length <= UF_DRAIN_MAX))) {
		f->discard = 1;
		err = fetch_body(f);
		f->discard = 0;
	}
	if (err != UF_OK || !reusable(f)) {
		uf_conn_close(f->c);
	}
	if (err != UF_OK) {
		return err;
	}
	if (f->url->scheme == UF_HTTPS && nu->scheme == UF_HTTP) {
		uf_note("warning: redirected from https to plain http");
	}
	/*
	 * Everything of the last hop goes; the next URL is parsed anew.
	 * -i: the heads held stay at the mark, this one's joins them
	 * (arena.h: released bytes stay where they were until written).
	 */
	uf_arena_reset(f->a, mark);
	if (f->held_len + f->cur_len > 0) {
		f->held = uf_arena_alloc(f->a, f->held_len + f->cur_len);
		if (f->held == NULL) {
			return no_arena(f->a);
		}
		memmove(f->held + f->held_len, f->cur, f->cur_len);
		f->held_len += f->cur_len;
		f->cur_len = 0;
	}
	nu = uf_arena_alloc(f->a, sizeof *nu);
	if (nu == NULL || uf_url_parse(f->a, f->next, nu) != UF_OK) {
		return no_arena(f->a);
	}
	f->url = nu;
	f->hops++;
	return hop_auth(f);
}

/*
 * May a request with method m be sent again when its connection died
 * before any answer? Only when repeating it cannot do more than doing
 * it once: the idempotent methods of RFC 9110 9.2.2. Anything else
 * (POST, PATCH, a custom method) may have been acted on already.
 */
static int
may_resend(const char *m)
{
	static const char *const	safe[] = {
		"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"
	};
	size_t	i;

	for (i = 0; i < sizeof safe / sizeof safe[0]; i++) {
		if (strcmp(m, safe[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

/*
 * One request and response head on c, connecting first unless c is
 * open to this hop's origin.
 */
static enum uf_err
hop(struct fetch *f)
{
	struct uf_conn	*c = f->c;
	enum uf_err	err;
	int		reused;

	/* Each hop has its own proxy, or none (no_proxy). */
	err = uf_proxy_for(f->a, &f->o->proxy, f->url, &f->proxy);
	if (err != UF_OK) {
		return err;
	}
	reused = same_origin(c, f->url, f->proxy);
	if (reused) {
		uf_note("reusing the connection to %s", c->sock.peer);
	} else {
		err = conn_open(f);
		if (err != UF_OK) {
			return err;
		}
	}
	err = exchange(f);
	/*
	 * A kept connection may have been closed by the server while it
	 * sat idle; a request that got no byte back is sent once more, on
	 * a new connection, if its method allows.
	 */
	if (reused && err == UF_E_NET && !f->resp.any_byte
	    && may_resend(f->method)) {
		uf_note("the kept connection was closed; connecting again");
		uf_err_clear();
		err = conn_open(f);
		if (err == UF_OK) {
			err = exchange(f);
		}
	}
	return err;
}

/*
 * -c: what the final response means for the bytes we have. A 206 must
 * start where they end; a 200 sends everything again, so we start
 * over; a 416 says there is nothing more: done. *skip is set when the
 * body is not to be written.
 */
static enum uf_err
check_resume(struct fetch *f, int *skip)
{
	const struct uf_http_resp	*r = &f->resp;
	uint64_t			span;

	*skip = 0;
	if (f->have == 0) {
		return UF_OK;
	}
	if (r->status == 206) {
		if (!(r->flags & UF_RESP_RANGE)
		    || r->range_first != f->have) {
			return uf_fail(UF_E_PROTO, "cannot resume: asked for "
			    "bytes from %llu, the 206 has no matching "
			    "Content-Range", (unsigned long long)f->have);
		}
		/*
		 * We asked for all from have: a range that stops before the
		 * end would make FILE look complete, and a body that is not
		 * the range would run past it or stop short. Checked before
		 * a byte is written; a body without Content-Length is held
		 * to the range as it comes (range_take()).
		 */
		span = r->range_last - r->range_first + 1;
		if (r->range_total != UINT64_MAX
		    && r->range_last + 1 != r->range_total) {
			return uf_fail(UF_E_PROTO, "cannot resume: the 206 "
			    "stops at byte %llu of %llu",
			    (unsigned long long)r->range_last,
			    (unsigned long long)r->range_total);
		}
		if (r->framing == UF_BODY_LENGTH && r->length != span) {
			return uf_fail(UF_E_PROTO, "cannot resume: the 206 "
			    "has %llu body bytes for its Content-Range bytes "
			    "%llu-%llu", (unsigned long long)r->length,
			    (unsigned long long)r->range_first,
			    (unsigned long long)r->range_last);
		}
		f->ranged = r->framing != UF_BODY_LENGTH;
		f->range_left = span;
		/* splice(2) would move a close-framed body unchecked. */
		f->splice &= !f->ranged;
		uf_note("resuming at byte %llu", (unsigned long long)f->have);
		return UF_OK;
	}
	if (r->status == 416) {
		if ((r->flags & UF_RESP_RANGE) && r->range_total != f->have) {
			return uf_fail(UF_E_PROTO, "cannot resume: the server "
			    "has %llu bytes, %s holds %llu",
			    (unsigned long long)r->range_total, f->out->tmp,
			    (unsigned long long)f->have);
		}
		uf_note("%s is already complete", f->out->tmp);
		*skip = 1;
		return UF_OK;
	}
	if (r->status >= 200 && r->status < 300) {
		uf_note("the server sent the whole body: starting over");
		return uf_out_restart(f->out);
	}
	return UF_OK;
}

/* see fetch.h */
enum uf_err
uf_fetch(struct uf_arena *a, struct uf_conn *c, const struct uf_url *u,
    const struct uf_opts *o, struct uf_out *out, int keep)
{
	struct fetch	*f;
	enum uf_err	err;
	size_t		mark;
	int		skip = 0;

	f = uf_arena_zalloc(a, sizeof *f);
	/* Not zeroed: its pages are touched only when a redirect comes. */
	if (f == NULL || (f->next = uf_arena_alloc(a, UF_LOC_MAX)) == NULL) {
		return no_arena(a);
	}
	mark = uf_arena_mark(a);
	f->a = a;
	f->c = c;
	f->o = o;
	f->out = out;
	f->first = u;
	f->url = u;
	f->keep = keep;
	f->splice = 1;
	f->send_body = o->body != NULL;
	f->method = o->method != NULL ? o->method : o->head ? "HEAD"
	    : o->body != NULL ? "POST" : "GET";
	c->lim.step = o->timeout;
	c->lim.end = o->max_time != 0 ? uf_now() + o->max_time : 0;

	/* Bad credentials in the URL are found before anything is sent. */
	err = hop_auth(f);
	if (err != UF_OK) {
		goto out;
	}
	if (o->resume) {
		err = uf_out_resume(out, &f->have);
		if (err != UF_OK) {
			goto out;
		}
	}
	for (;;) {
		err = hop(f);
		if (err != UF_OK || !is_redirect(f->resp.status)
		    || f->resp.loc_len == 0 || o->max_redirs == 0) {
			break;
		}
		err = follow(f, mark);
		if (err != UF_OK) {
			break;
		}
	}
	if (err == UF_OK) {
		err = check_resume(f, &skip);
	}
	if (err == UF_OK && !skip) {
		err = check_status(f);
	}
	if (err == UF_OK && !skip) {
		/* A resumed body counts from the bytes already there. */
		if (out->prog != NULL && f->resp.framing != UF_BODY_NONE) {
			uf_progress_start(out->prog, out->resumed,
			    f->resp.framing == UF_BODY_LENGTH ? f->resp.length
			    : UF_PROGRESS_UNKNOWN, out->written);
		}
		err = fetch_body(f);
		/* What a 206 that broke its range sent is not kept. */
		if (err == UF_E_PROTO && f->ranged) {
			uf_out_rollback(out);
		}
	}
out:
	if (err != UF_OK || skip || !reusable(f)) {
		uf_conn_close(c);
	}
	uf_note("arena: %zu of %zu bytes used at the peak", a->peak,
	    a->cap + a->kept);
	return err;
}
