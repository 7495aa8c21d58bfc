/*
 * fetch.c: one URL from the first request to the last body byte, over
 * the hops of its redirects (see fetch.h).
 *
 * The steps are fetch_send(), fetch_head() and fetch_body(), each with
 * its own timeout wording; uf_fetch() owns the connection's fate and
 * closes it on every path that cannot keep it. What is not this job
 * lives beside it: the connection (conn.c), moving a body inside the
 * kernel (splice.c), redirect policy (redirect.c), the checks of -c
 * (resume.c).
 *
 * IMPLEMENTATION NOTES
 *
 * Arena lifetimes. uf_fetch() takes struct fetch and f->next (the
 * next hop's URL, UF_LOC_MAX bytes) from the URL's arena, then the
 * hop mark. Everything of one hop comes after the mark: the hop's
 * parsed URL, its proxy, the request head, the Location buffer, the
 * -i head being held, and (during a handshake) the TLS scratch. A
 * followed redirect, in follow():
 *  1. resolves and checks the target (after the mark) and copies it
 *     into f->next (below it), parsing it once to fail early;
 *  2. reads past the 3xx body, or closes the connection;
 *  3. resets the arena to the mark: every byte of the hop is released;
 *  4. moves the -i heads held so far to the start of the released
 *     space (arena.h: a reset leaves the bytes where they were, so the
 *     held ones and this hop's, both after the mark, are still there
 *     and memmove() may overlap), and allocates them again;
 *  5. parses f->next anew, after them.
 * So a chain of ten redirects costs what one hop costs, plus the heads
 * that -i holds.
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
#include "redirect.h"
#include "resume.h"
#include "retry.h"
#include "splice.h"

struct fetch {
	struct uf_arena			*a;
	const struct uf_opts		*o;
	struct uf_xfer			*x;
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
	struct uf_resume		rs;	/* -c */
	struct uf_redirects		rr;	/* redirects followed */
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
 * The Basic credentials of this hop: on the origin of the URL asked
 * for, those of -u or a .netrc (f->x->auth), else the user info of the
 * hop's own URL or of the URL asked for; elsewhere only the hop's own.
 * Never to another origin after a redirect (CONTRACT 2). Sets
 * f->auth, NULL when there are none; called once per hop.
 */
static enum uf_err
hop_auth(struct fetch *f)
{
	const struct uf_url	*u = f->url;
	enum uf_err		code;
	char			*t;
	size_t			n;

	f->auth = NULL;
	if (on_first_origin(f, u)) {
		if (f->x->auth != NULL) {
			f->auth = f->x->auth;
			return UF_OK;
		}
		if (u->userinfo == NULL) {
			u = f->first;
		}
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
	rq.range_from = f->rs.have;
	rq.if_range = f->x->if_range;
	rq.ims = f->x->ims;
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
	f->x->sent = 1;
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
	    || (r->status >= 400 && !f->o->fail_body)) {
		return UF_OK;
	}
	if (uf_redirect_is(r->status) && f->o->max_redirs > 0) {
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

static enum uf_err
fetch_body(struct fetch *f)
{
	const struct uf_io_class	**io = f->c->io;
	struct uf_http_resp	*r = &f->resp;
	const unsigned char	*p;
	enum uf_err		err;
	size_t			n, off, used, doff, dlen;
	uint64_t		left;
	int			rc, sock, how = UF_SPLICE_NOT;

	/* A body may be complete without a byte (HEAD, 204, length 0). */
	if (uf_http_body(r, NULL, 0, &used, &doff, &dlen) == UF_HTTP_DONE) {
		return UF_OK;
	}
	for (;;) {
		/* Whole plain bodies skip user space when they can. */
		if (f->splice && !f->discard
		    && (sock = (*io)->splice_fd(io)) >= 0
		    && uf_http_body_plain(r, &left)) {
			err = uf_splice(f->out, sock, &f->c->lim, r, left, &how,
			    &f->spliced);
			if (err != UF_OK || how == UF_SPLICE_DONE) {
				return err;
			}
			if (how == UF_SPLICE_NOT) {
				f->splice = 0;
			}
		}
		if (how == UF_SPLICE_EOF) {
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
			return uf_resume_end(&f->rs, r);
		}
		off = 0;
		do {
			rc = uf_http_body(r, p + off, n - off, &used, &doff,
			    &dlen);
			if (dlen > 0 && !f->discard) {
				err = uf_resume_take(&f->rs, r, dlen);
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
			return uf_resume_end(&f->rs, r);
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

/*
 * May the connection carry the next request? Only when we asked to
 * keep it, HTTP allows it, and the connection itself can.
 */
static int
reusable(const struct fetch *f)
{
	return f->keep && uf_http_persistent(&f->resp)
	    && uf_conn_reusable(f->c);
}

/* Connect for this hop (see conn.h). */
static enum uf_err
conn_open(struct fetch *f)
{
	struct uf_conn_opts	co;

	co.family = f->o->family;
	co.user_agent = f->o->user_agent;
	co.tls = &f->o->tls;
	return uf_conn_open(f->c, f->a, f->url, f->proxy, &co);
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
	struct uf_url_from	from;
	struct uf_proxy		*np;
	char			clean[256], why[300], *to = NULL;
	enum uf_err		err;

	/* to is set when it returns UF_OK (gcc -flto cannot tell). */
	err = uf_redirect_target(&f->rr, f->a, r, f->url, f->o->max_redirs,
	    &to);
	if (err != UF_OK) {
		return err;
	}
	uf_sanitize(clean, sizeof clean, to, strlen(to));
	uf_note("%d: following the redirect to %s", r->status, clean);
	/* The method and body of the next request. */
	if (uf_redirect_method(r->status, &f->method)) {
		f->body_dropped |= f->send_body;
		f->send_body = 0;
	}

	uf_snprintf(f->next, UF_LOC_MAX, "%s", to);
	nu = uf_arena_alloc(f->a, sizeof *nu);
	if (nu == NULL) {
		return no_arena(f->a);
	}
	/* The server's URL: a bad one is the server's fault (7). */
	uf_snprintf(why, sizeof why, "bad redirect target %s", clean);
	from.code = UF_E_PROTO;
	from.what = why;
	err = uf_url_parse_from(f->a, f->next, nu, &from);
	if (err != UF_OK) {
		return err;
	}
	err = uf_proxy_for(f->a, &f->o->proxy, nu, &np);
	if (err != UF_OK) {
		return err;
	}
	/* Read past a short body to keep the connection, if we may. */
	if (uf_conn_is_to(f->c, nu, np) && reusable(f)
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
	reused = uf_conn_is_to(c, f->url, f->proxy);
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
 * --fail-with-body: is the body of this error status written? Not
 * when the status is transient and another attempt will follow.
 */
static int
error_body(const struct fetch *f)
{
	/* Never after bytes of an earlier attempt or run (-c). */
	return f->o->fail_body && f->rs.have == 0 && !(f->x->may_retry
	    && uf_retry_status(f->resp.status, f->o->body != NULL));
}

/* see fetch.h */
enum uf_err
uf_fetch(struct uf_arena *a, struct uf_conn *c, const struct uf_url *u,
    const struct uf_opts *o, struct uf_out *out, int keep,
    struct uf_xfer *x)
{
	struct fetch	*f;
	enum uf_err	err;
	size_t		mark;
	int		skip = 0;

	x->resp = NULL;
	x->url = NULL;
	x->redirects = 0;
	x->sent = 0;
	f = uf_arena_zalloc(a, sizeof *f);
	/* Not zeroed: its pages are touched only when a redirect comes. */
	if (f == NULL || (f->next = uf_arena_alloc(a, UF_LOC_MAX)) == NULL) {
		return no_arena(a);
	}
	mark = uf_arena_mark(a);
	x->resp = &f->resp;
	f->a = a;
	f->c = c;
	f->o = o;
	f->x = x;
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
	f->rs.have = x->have;
	f->rs.stream = x->stream;
	if (o->resume && x->have == 0) {
		err = uf_out_resume(out, &f->rs.have);
		if (err != UF_OK) {
			goto out;
		}
	}
	for (;;) {
		err = hop(f);
		if (err != UF_OK || !uf_redirect_is(f->resp.status)
		    || f->resp.loc_len == 0 || o->max_redirs == 0) {
			break;
		}
		err = follow(f, mark);
		if (err != UF_OK) {
			break;
		}
	}
	if (err == UF_OK) {
		err = uf_resume_check(&f->rs, &f->resp, out, &skip);
		/* splice(2) would move a close-framed 206 unchecked. */
		f->splice &= !f->rs.ranged;
	}
	if (err == UF_OK && !skip && !error_body(f)) {
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
		if (err == UF_E_PROTO && f->rs.ranged) {
			uf_out_rollback(out);
		}
		/* --fail-with-body: the error, once the body is out. */
		if (err == UF_OK) {
			err = check_status(f);
		}
	}
out:
	x->redirects = f->rr.hops;
	x->url = f->rr.hops > 0 ? f->next : NULL;
	if (err != UF_OK || skip || !reusable(f)) {
		uf_conn_close(c);
	}
	uf_note("arena: %zu of %zu bytes used at the peak", a->peak,
	    a->cap + a->kept);
	return err;
}
