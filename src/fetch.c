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
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fetch.h"
#include "http.h"
#include "net.h"
#include "tunnel.h"

struct fetch {
	struct uf_arena			*a;
	const struct uf_opts		*o;
	struct uf_out			*out;
	const struct uf_url		*url;
	struct uf_proxy			*proxy;	/* NULL: direct */
	struct uf_conn			*c;	/* its io, tls, lim */
	struct uf_http_resp		resp;
	int				keep;	/* ask to keep the connection */
	int				splice;	/* may try splice(2) */
	int				spliced; /* noted under -v */
	int				echo;	/* head bytes go to out */
	int				vbol;	/* -v echo at line start */
};

/*
 * -v: copy p[0..n) to stderr with prefix at each line start, CRs
 * dropped and other unprintable bytes shown as '?'.
 */
static void
verbose_echo(const char *prefix, const unsigned char *p, size_t n, int *bol)
{
	char	buf[1024];
	size_t	len = 0, i;

	if (!uf_verbose) {
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
fetch_send(struct fetch *f)
{
	const struct uf_io_class	**io = f->c->io;
	struct uf_req	rq;
	char		*buf;
	size_t		len;
	int		bol = 1;

	memset(&rq, 0, sizeof rq);
	rq.method = f->o->head ? "HEAD" : "GET";
	rq.url = f->url;
	rq.user_agent = f->o->user_agent;
	rq.hdrs = f->o->hdrs;
	rq.nhdrs = f->o->nhdrs;
	rq.keep_alive = f->keep;
	/* Plain http only: through a tunnel the request is the direct one. */
	if (f->proxy != NULL && f->url->scheme == UF_HTTP) {
		rq.target = uf_proxy_target(f->a, f->url);
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
	verbose_echo(">", (const unsigned char *)buf, len, &bol);
	return (*io)->write(io, buf, len, "sending the request");
}

static enum uf_err
no_arena(const struct uf_arena *a)
{
	return uf_fail(UF_E_PROTO, "out of arena memory (%zu bytes)",
	    a->cap + a->kept);
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
		verbose_echo("<", p, used, &f->vbol);
		if (rc < 0) {
			return parse_fail(f, rc);
		}
		/* The status line itself is written from r->line below. */
		if (f->echo && rc != UF_HTTP_STATUS) {
			err = uf_out_write(f->out, p, used);
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
			/* -i shows the final head of a successful fetch. */
			f->echo = (f->o->include || f->o->head)
			    && r->status >= 200 && r->status < 400;
			if (f->echo) {
				err = uf_out_write(f->out, r->line,
				    r->line_len);
				if (err != UF_OK) {
					return err;
				}
			}
			break;
		case UF_HTTP_INTERIM:
			f->echo = 0;
			break;
		case UF_HTTP_HEAD:
			return UF_OK;
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
 * socket to the output inside the kernel: straight into a pipe, or
 * through a pipe of our own into a file. Waits are idle time of T, as
 * for reads; -m is checked before every move. *how says how it ended.
 */
static enum uf_err
fetch_splice(struct fetch *f, uint64_t left, int *how)
{
	const struct uf_limits	*lim = &f->c->lim;
	int		sock = f->c->sock.fd, out, is_pipe, p[2] = { -1, -1 };
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

static enum uf_err
fetch_body(struct fetch *f)
{
	struct uf_http_resp	*r = &f->resp;
	const unsigned char	*p;
	enum uf_err		err;
	size_t			n, off, used, doff, dlen;
	uint64_t		left;
	int			rc, how = SPLICE_NOT;

	/* A body may be complete without a byte (HEAD, 204, length 0). */
	if (uf_http_body(r, NULL, 0, &used, &doff, &dlen) == UF_HTTP_DONE) {
		return UF_OK;
	}
	for (;;) {
		/* Whole plain bodies skip user space when they can. */
		if (f->c->tls == NULL && f->splice && f->c->sock.rx_off
		    == f->c->sock.rx_len && uf_http_body_plain(r, &left)) {
			err = fetch_splice(f, left, &how);
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
			if (f->c->tls != NULL
			    && !uf_tls_closed_cleanly(f->c->tls)) {
				return uf_fail(UF_E_NET, "connection closed "
				    "without TLS close_notify: the body may be "
				    "truncated");
			}
			return UF_OK;
		}
		off = 0;
		do {
			rc = uf_http_body(r, p + off, n - off, &used, &doff,
			    &dlen);
			if (dlen > 0) {
				err = uf_out_write(f->out, p + off + doff,
				    dlen);
				if (err != UF_OK) {
					return err;
				}
			}
			off += used;
			if (rc < 0) {
				return parse_fail(f, rc);
			}
		} while (rc != UF_HTTP_DONE && off < n);
		(*f->c->io)->recv_ack(f->c->io, off);
		if (rc == UF_HTTP_DONE) {
			return UF_OK;
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
	c->tls = NULL;
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

	uf_conn_close(c);
	uf_arena_reset(&c->a, 0);
	if (f->proxy != NULL) {
		to = &f->proxy->url;
		uf_note("using proxy %s", f->proxy->name);
	}
	err = uf_net_connect(&c->sock, to->host, to->port_str, f->o->family,
	    &c->lim);
	if (err != UF_OK) {
		return f->proxy != NULL ? uf_proxy_fail(f->proxy, err) : err;
	}
	if (f->proxy != NULL && u->scheme == UF_HTTPS) {
		err = uf_tunnel(f->a, &c->sock, f->proxy, u,
		    f->o->user_agent);
		if (err != UF_OK) {
			uf_conn_close(c);
			return err;
		}
	}
	if (u->scheme == UF_HTTPS) {
		err = uf_tls_open(&c->a, f->a, &c->sock, u, &f->o->tls,
		    &c->tls);
		if (err != UF_OK) {
			uf_conn_close(c);
			return err;
		}
		c->io = uf_tls_io(c->tls);
	} else {
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
	snprintf(c->host, sizeof c->host, "%s", u->host);
	snprintf(c->proxy_host, sizeof c->proxy_host, "%s",
	    f->proxy != NULL ? f->proxy->url.host : "");
	c->proxy_port = f->proxy != NULL ? f->proxy->url.port : 0;
	return UF_OK;
}

/*
 * Is c open to u's origin, by the same way (directly, or through the
 * same proxy)?
 */
static int
same_origin(const struct uf_conn *c, const struct fetch *f)
{
	const struct uf_proxy	*p = f->proxy;

	if (c->io == NULL || !uf_url_origin_is(f->url, c->scheme, c->host,
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
	const struct uf_conn	*c = f->c;

	if (!f->keep || !uf_http_persistent(&f->resp)) {
		return 0;
	}
	if (c->tls != NULL) {
		return !uf_tls_pending(c->tls) && !uf_tls_closed_cleanly(c->tls);
	}
	return c->sock.rx_off == c->sock.rx_len;
}

/* Send the request and read the response head, parser state afresh. */
static enum uf_err
exchange(struct fetch *f)
{
	enum uf_err	err;

	memset(&f->resp, 0, sizeof f->resp);
	f->resp.head_request = f->o->head;
	f->echo = 0;
	f->vbol = 1;
	err = fetch_send(f);
	if (err == UF_OK) {
		err = fetch_head(f);
	}
	return err;
}

/* see fetch.h */
enum uf_err
uf_fetch(struct uf_arena *a, struct uf_conn *c, const struct uf_url *u,
    const struct uf_opts *o, struct uf_out *out, int keep,
    struct uf_result *res)
{
	struct fetch	*f;
	enum uf_err	err;
	int		reused;

	f = uf_arena_zalloc(a, sizeof *f);
	if (f == NULL) {
		return no_arena(a);
	}
	f->a = a;
	f->c = c;
	f->o = o;
	f->out = out;
	f->url = u;
	f->keep = keep;
	f->splice = 1;
	c->lim.step = o->timeout;
	c->lim.end = o->max_time != 0 ? uf_now() + o->max_time : 0;

	err = uf_proxy_for(a, &o->proxy, u, &f->proxy);
	if (err != UF_OK) {
		goto out;
	}
	reused = same_origin(c, f);
	if (reused) {
		uf_note("reusing the connection to %s", c->sock.peer);
	} else {
		err = conn_open(f);
		if (err != UF_OK) {
			goto out;
		}
	}
	err = exchange(f);
	/*
	 * A kept connection may have been closed by the server while it
	 * sat idle; a request that got no byte back is sent once more, on
	 * a new connection (GET and HEAD are safe to repeat).
	 */
	if (reused && err == UF_E_NET && !f->resp.any_byte) {
		uf_note("the kept connection was closed; connecting again");
		uf_err_clear();
		err = conn_open(f);
		if (err == UF_OK) {
			err = exchange(f);
		}
	}
	if (err != UF_OK) {
		goto out;
	}
	err = check_status(f);
	if (err != UF_OK) {
		goto out;
	}
	err = fetch_body(f);
out:
	if (err != UF_OK || !reusable(f)) {
		uf_conn_close(c);
	}
	uf_note("arena: %zu of %zu bytes used at the peak", a->peak,
	    a->cap + a->kept);
	if (res != NULL) {
		res->status = f->resp.status;
		res->body_bytes = f->resp.body_seen;
	}
	return err;
}
