/*
 * srv.c: scripted loopback servers and the binary runner (see srv.h).
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>
#include <criterion/criterion.h>

#include "srv.h"

/* One accepted connection, plain or TLS. */
struct conn {
	struct srv		*s;
	int			n;	/* the server's n-th connection */
	int			fd;
	br_sslio_context	*io;	/* NULL: plain */
	br_ssl_engine_context	*eng;
	int			shaken;
};

double
now_secs(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
		continue;
	}
}

/* see srv.h */
int
srv_listen(int backlog, unsigned short *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0
	    || listen(fd, backlog) != 0
	    || getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* see srv.h */
int
srv_connect(unsigned short port)
{
	struct sockaddr_in	sin;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* see srv.h */
int
srv_send_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
c_write(struct conn *c, const void *buf, size_t len)
{
	if (c->io == NULL) {
		return srv_send_all(c->fd, buf, len);
	}
	if (br_sslio_write_all(c->io, buf, len) != 0) {
		return -1;
	}
	return br_sslio_flush(c->io);
}

static ssize_t
c_read(struct conn *c, void *buf, size_t len)
{
	struct pollfd	pfd = { c->fd, POLLIN, 0 };
	int		n;

	if (c->io != NULL) {
		n = br_sslio_read(c->io, buf, len);
		if (n > 0 && !c->shaken) {
			const char	*sni;

			c->shaken = 1;
			c->s->handshakes++;
			sni = br_ssl_engine_get_server_name(c->eng);
			snprintf(c->s->sni, sizeof c->s->sni, "%s",
			    sni != NULL ? sni : "");
		}
		return n < 0 ? 0 : n;
	}
	while (!c->s->stop) {
		if (poll(&pfd, 1, 50) > 0) {
			return recv(c->fd, buf, len, 0);
		}
	}
	return 0;
}

/* The value of header name in the head h, as a number (0: none). */
static unsigned long long
head_num(const char *h, const char *name)
{
	const char	*p = h;
	size_t		n = strlen(name);

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			return strtoull(p + n + 1, NULL, 10);
		}
	}
	return 0;
}

/* FNV-1a, to compare bodies too long to keep. */
static uint64_t
fnv(uint64_t h, const void *buf, size_t len)
{
	const unsigned char	*p = buf;

	while (len-- > 0) {
		h = (h ^ *p++) * 1099511628211u;
	}
	return h;
}

/*
 * Read a request: the head, and a body of its Content-Length, whose
 * length, hash and first bytes are kept.
 */
/* Read a request head; returns 0 when nothing came. */
static int
read_req(struct conn *c)
{
	struct srv		*s = c->s;
	char			buf[sizeof s->req], body[65536];
	char			*end = NULL;
	ssize_t			n;
	size_t			len = 0, have, m;
	unsigned long long	want;
	double			stop = now_secs() + 2;
	uint64_t		h = 14695981039346656037u;

	while (len < sizeof buf - 1 && now_secs() < stop) {
		n = c_read(c, buf + len, sizeof buf - 1 - len);
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL) {
			break;
		}
	}
	if (len == 0) {
		return 0;
	}
	/* NUL-terminated, and req and last_req are as large. */
	if (s->nreq == 0) {
		memcpy(s->req, buf, len + 1);
	}
	memcpy(s->last_req, buf, len + 1);
	s->body_len = 0;
	if (end != NULL) {
		end += 4;
		have = len - (size_t)(end - buf);
		want = head_num(buf, "Content-Length");
		m = have < sizeof s->body ? have : sizeof s->body;
		memcpy(s->body, end, m);
		h = fnv(h, end, have);
		s->last_req[end - buf] = '\0';
		if (s->nreq == 0) {
			s->req[end - buf] = '\0';
		}
		while (have < want && !s->stop) {
			n = c_read(c, body, want - have < sizeof body
			    ? want - have : sizeof body);
			if (n <= 0) {
				break;
			}
			if (have < sizeof s->body) {
				m = sizeof s->body - have < (size_t)n
				    ? sizeof s->body - have : (size_t)n;
				memcpy(s->body + have, body, m);
			}
			h = fnv(h, body, (size_t)n);
			have += (size_t)n;
		}
		s->body_len = have;
	}
	s->body_hash = h;
	s->nreq++;
	return 1;
}

/*
 * Did this connection's TLS handshake fail? Then nothing the script
 * does next can reach the client: ufetch offered TLS 1.3, our server
 * answered TLS 1.2, and ufetch went to connect again.
 */
static int
tls_failed(const struct conn *c)
{
	return c->eng != NULL && br_ssl_engine_current_state(c->eng)
	    == BR_SSL_CLOSED;
}

/* see srv.h */
uint64_t
srv_hash(const void *buf, size_t len)
{
	return fnv(14695981039346656037u, buf, len);
}

/* see srv.h */
uint64_t
srv_hash_more(uint64_t h, const void *buf, size_t len)
{
	return fnv(h, buf, len);
}

/* see srv.h */
unsigned char
srv_pattern(uint64_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

/*
 * OP_PATTERN: a body of len bytes that honours "Range: bytes=N-" (and
 * If-Range: a validator that is not the current one gets the whole
 * body), cut (connection closed) after cut body bytes when cut is not
 * 0. Its validators: ETag "v1" ("v2" from the connection
 * s->pattern_v2_from on) and a Last-Modified, or none with
 * s->pattern_bare.
 */
static void
pattern(struct conn *c, uint64_t len, uint64_t cut)
{
	char		head[512], buf[65536], val[64];
	const char	*r = strstr(c->s->last_req, "\nRange: bytes=");
	const char	*ir = strstr(c->s->last_req, "\nIf-Range: ");
	const char	*etag = c->s->pattern_v2_from != 0
			    && c->n >= c->s->pattern_v2_from ? "\"v2\""
			    : "\"v1\"";
	uint64_t	from = 0, i, n, sent = 0;
	size_t		h;

	if (c->s->pattern_bare) {
		val[0] = '\0';
	} else {
		snprintf(val, sizeof val, "ETag: %s\r\n", etag);
	}
	if (ir != NULL && (strncmp(ir + 11, etag, strlen(etag)) != 0
	    || ir[11 + strlen(etag)] != '\r')
	    && strncmp(ir + 11, PATTERN_DATE "\r", sizeof PATTERN_DATE) != 0) {
		r = NULL;	/* another version: all of it */
	}
	if (r != NULL) {
		from = strtoull(r + strlen("\nRange: bytes="), NULL, 10);
	}
	if (r != NULL && from >= len) {
		snprintf(head, sizeof head, "HTTP/1.1 416 Range Not "
		    "Satisfiable\r\nContent-Range: bytes */%llu\r\n"
		    "Content-Length: 0\r\n\r\n", (unsigned long long)len);
		(void)c_write(c, head, strlen(head));
		return;
	}
	if (r != NULL) {
		h = (size_t)snprintf(head, sizeof head, "HTTP/1.1 206 Partial "
		    "Content\r\nContent-Range: bytes %llu-%llu/%llu\r\n"
		    "Content-Length: %llu\r\n", (unsigned long long)from,
		    (unsigned long long)len - 1, (unsigned long long)len,
		    (unsigned long long)(len - from));
	} else {
		h = (size_t)snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\n"
		    "Content-Length: %llu\r\n", (unsigned long long)len);
	}
	snprintf(head + h, sizeof head - h, "%s%s\r\n", val,
	    c->s->pattern_bare ? "" : "Last-Modified: " PATTERN_DATE "\r\n");
	if (c_write(c, head, strlen(head)) != 0) {
		return;
	}
	for (i = from; i < len && (cut == 0 || sent < cut); i += n) {
		n = len - i < sizeof buf ? len - i : sizeof buf;
		if (cut != 0 && n > cut - sent) {
			n = cut - sent;
		}
		for (uint64_t k = 0; k < n; k++) {
			buf[k] = (char)srv_pattern(i + k);
		}
		if (c_write(c, buf, (size_t)n) != 0) {
			return;
		}
		sent += n;
	}
}

/* OP_REDIRECT: a 3xx to data, or to "/rN" (N: requests so far). */
static void
redirect(struct conn *c, unsigned code, const char *to)
{
	char	head[512], path[32];

	if (to == NULL) {
		snprintf(path, sizeof path, "/r%d", c->s->nreq);
		to = path;
	}
	snprintf(head, sizeof head, "HTTP/1.1 %u Moved\r\nLocation: %s\r\n"
	    "Content-Length: 5\r\n\r\nmoved", code, to);
	(void)c_write(c, head, strlen(head));
}

/* TLS record content types (RFC 5246 6.2.1); BearSSL's names are private. */
#define REC_ALERT	21
#define REC_APP_DATA	23

/*
 * Wait until fd has n bytes to read, peeking them into buf. Returns 0,
 * or -1 when the client closed first or the server is stopped.
 */
static int
peek(struct conn *c, unsigned char *buf, size_t n)
{
	struct pollfd	pfd = { c->fd, POLLIN, 0 };
	ssize_t		k;

	while (!c->s->stop) {
		if (poll(&pfd, 1, 50) <= 0) {
			continue;
		}
		k = recv(c->fd, buf, n, MSG_PEEK);
		if (k <= 0) {
			return -1;
		}
		if ((size_t)k == n) {
			return 0;
		}
		sleep_ms(5);
	}
	return -1;
}

/*
 * OP_RENEGOTIATE: send HelloRequest, then drive the engine by hand until
 * the client's new handshake is done (application data flows again) or
 * the client answers with an alert: no_renegotiation (encrypted, but an
 * alert record is all a refusal can be here). BearSSL's server takes
 * that alert as fatal and ends the connection. A tolerant server
 * (OP_RENEG_TOLERANT) ignores it: we drop the record unread and put the
 * engine back into the application-data state, as BearSSL does when it
 * refuses a renegotiation itself (ssl_hs_server.t0, main); the engine's
 * count of received records is then one short, so the script may send
 * but not read after that. Returns 0, or -1 when the connection ended.
 */
static int
renegotiate(struct conn *c, int tolerant)
{
	br_ssl_engine_context	*eng = c->eng;
	unsigned char		*buf, hdr[5], junk[512];
	size_t			len, left = 0;
	ssize_t			n;
	unsigned		st;
	int			alert = 0;

	if (eng == NULL || !br_ssl_engine_renegotiate(eng)) {
		return -1;
	}
	for (;;) {
		st = br_ssl_engine_current_state(eng);
		if (st & BR_SSL_CLOSED) {
			return -1;
		}
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(eng, &len);
			n = send(c->fd, buf, len, MSG_NOSIGNAL);
			if (n <= 0) {
				return -1;
			}
			br_ssl_engine_sendrec_ack(eng, (size_t)n);
			continue;
		}
		if (st & BR_SSL_SENDAPP) {
			c->s->renegs++;
			return 0;
		}
		if (!(st & BR_SSL_RECVREC)) {
			return -1;
		}
		/* At a record's start, see what it is. */
		if (left == 0) {
			if (peek(c, hdr, sizeof hdr) != 0) {
				return -1;
			}
			alert = hdr[0] == REC_ALERT;
			left = sizeof hdr + ((size_t)hdr[3] << 8 | hdr[4]);
			if (alert) {
				c->s->reneg_refused++;
			}
		}
		if (alert && tolerant) {
			n = recv(c->fd, junk, left < sizeof junk ? left
			    : sizeof junk, 0);
			if (n <= 0) {
				return -1;
			}
			left -= (size_t)n;
			if (left == 0) {
				eng->application_data = 1;
				eng->record_type_out = REC_APP_DATA;
				return 0;
			}
			continue;
		}
		buf = br_ssl_engine_recvrec_buf(eng, &len);
		n = recv(c->fd, buf, len < left ? len : left, 0);
		if (n <= 0) {
			return -1;
		}
		br_ssl_engine_recvrec_ack(eng, (size_t)n);
		left -= (size_t)n;
	}
}

/* Wait until the client closes (or the server is stopped). */
static void
hold(struct conn *c)
{
	char	buf[4096];

	while (!c->s->stop && c_read(c, buf, sizeof buf) > 0) {
		continue;
	}
	/*
	 * Did the client end with close_notify? (Our reply to it may then
	 * fail.) The test may have stopped us before we read it, the
	 * client being gone: it is in the socket, and c_read() takes it.
	 */
	if (c->eng != NULL) {
		while (c_read(c, buf, sizeof buf) > 0) {
			continue;
		}
		c->s->close_notify = c->eng->shutdown_recv;
	}
}

/* Read at most chunk bytes every ms until the client closes. */
static void
slow_read(struct conn *c, size_t chunk, unsigned ms)
{
	char	buf[65536];

	if (chunk > sizeof buf) {
		chunk = sizeof buf;
	}
	while (!c->s->stop && c_read(c, buf, chunk) > 0) {
		sleep_ms(ms);
	}
}

/* Relay to the relay port; its bytes go back chunk at a time. */
static void
relay(struct conn *c, size_t chunk, unsigned ms)
{
	struct pollfd		pfd[2];
	char			buf[65536];
	ssize_t			n;
	int			up;
	double			t0 = now_secs();

	up = srv_connect(c->s->relay_port);
	if (up < 0) {
		return;
	}
	if (chunk > sizeof buf) {
		chunk = sizeof buf;
	}
	pfd[0].fd = c->fd;
	pfd[1].fd = up;
	pfd[0].events = pfd[1].events = POLLIN;
	while (!c->s->stop) {
		if (poll(pfd, 2, 50) <= 0) {
			continue;
		}
		if (pfd[0].revents) {
			n = recv(c->fd, buf, sizeof buf, 0);
			if (n <= 0 || srv_send_all(up, buf, (size_t)n) != 0) {
				break;
			}
		}
		if (pfd[1].revents) {
			int	fast = now_secs() < t0 + c->s->relay_fast_ms
			    / 1000.0;

			n = recv(up, buf, fast ? sizeof buf : chunk, 0);
			if (n <= 0 || srv_send_all(c->fd, buf, (size_t)n) != 0) {
				break;
			}
			if (!fast) {
				sleep_ms(ms);
			}
		}
	}
	close(up);
}

/* see srv.h */
size_t
srv_echo_body(char *buf, size_t cap, const char *path)
{
	const char	*k = strstr(path, "/k");
	size_t		n = (size_t)snprintf(buf, cap, "%s\n", path);
	size_t		want = k != NULL ? strtoul(k + 2, NULL, 10) * 1024 : 0;

	while (n < want && n < cap) {
		buf[n] = (char)('a' + n % 26);
		n++;
	}
	return n < cap ? n : cap;
}

/* OP_ECHO: answer requests until the client closes (see srv.h). */
static void
echo(struct conn *c)
{
	char		req[4096], path[1024], head[256], *body;
	const char	*d;
	size_t		len, n;
	ssize_t		got;
	int		close_after, ok;

	for (;;) {
		len = 0;
		req[0] = '\0';
		while (strstr(req, "\r\n\r\n") == NULL) {
			got = c_read(c, req + len, sizeof req - 1 - len);
			if (got <= 0 || len + (size_t)got >= sizeof req - 1) {
				return;
			}
			len += (size_t)got;
			req[len] = '\0';
		}
		__atomic_add_fetch(&c->s->nreq, 1, __ATOMIC_SEQ_CST);
		if (sscanf(req, "%*s %1023s", path) != 1) {
			return;
		}
		d = strstr(path, "/d");
		/* In steps, so that srv_stop() need not wait for it. */
		for (n = d != NULL ? strtoul(d + 2, NULL, 10) : 0;
		    n > 0 && !c->s->stop; n -= n < 10 ? n : 10) {
			sleep_ms(n < 10 ? (unsigned)n : 10);
		}
		close_after = strstr(req, "\nConnection: close") != NULL;
		if (strstr(path, "/404") != NULL) {
			snprintf(head, sizeof head, "HTTP/1.1 404 Not Found\r\n"
			    "Content-Length: 3\r\n\r\nno\n");
			if (c_write(c, head, strlen(head)) != 0) {
				return;
			}
		} else {
			body = malloc(1 << 20);
			cr_assert_not_null(body);
			n = srv_echo_body(body, 1 << 20, path);
			snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\n"
			    "Content-Length: %zu\r\n\r\n", n);
			ok = c_write(c, head, strlen(head)) == 0
			    && c_write(c, body, n) == 0;
			free(body);
			if (!ok) {
				return;
			}
		}
		if (close_after) {
			return;
		}
	}
}

static void
play(struct conn *c)
{
	const struct srv_step	*st, *first;
	static const char	xs[4096] = { [0 ... 4095] = 'x' };
	struct srv		*s = c->s;
	char			buf[4096];
	size_t			i, n;
	struct linger		lg = { 1, 0 };

	/* Connections from the n-th on start after OP_FROM(n). */
	for (st = s->steps, first = s->steps; st->op != OP_END; st++) {
		if (st->op == OP_FROM && c->n >= (int)st->len) {
			first = st + 1;
		}
	}
	for (st = first; st->op != OP_END && st->op != OP_FROM; st++) {
		/*
		 * Stopped: the test saw the client finish. A HOLD still
		 * reads what it left in the socket (close_notify, say),
		 * which a busy machine may not have let us reach yet.
		 */
		if (s->stop && st->op != OP_HOLD) {
			return;
		}
		switch (st->op) {
		case OP_READ_REQ:
			if (!read_req(c) && tls_failed(c)) {
				return;
			}
			break;
		case OP_READ1:
			(void)c_read(c, buf, sizeof buf);
			break;
		case OP_SEND:
			if (c_write(c, st->data, st->len) != 0) {
				return;
			}
			break;
		case OP_RAW:
			if (srv_send_all(c->fd, st->data, st->len) != 0) {
				return;
			}
			break;
		case OP_DRIP:
			for (i = 0; i < st->len && !s->stop; i++) {
				if (c_write(c, st->data + i, 1) != 0) {
					return;
				}
				if (i + 1 < st->len) {
					sleep_ms(st->ms);
				}
			}
			break;
		case OP_FILL:
			for (i = 0; i < st->len; i += n) {
				n = st->len - i < sizeof xs ? st->len - i
				    : sizeof xs;
				if (c_write(c, xs, n) != 0) {
					return;
				}
			}
			break;
		case OP_SLEEP:
			sleep_ms(st->ms);
			break;
		case OP_HOLD:
			hold(c);
			return;
		case OP_RESET:
			setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg,
			    sizeof lg);
			return;
		case OP_SLOWREAD:
			slow_read(c, st->len, st->ms);
			return;
		case OP_CLOSE_NOTIFY:
			if (c->io != NULL) {
				br_sslio_close(c->io);
			}
			return;
		case OP_RELAY:
			relay(c, st->len, st->ms);
			return;
		case OP_PATTERN:
			pattern(c, st->len, st->ms);
			return;
		case OP_RENEGOTIATE:
		case OP_RENEG_TOLERANT:
			if (renegotiate(c, st->op == OP_RENEG_TOLERANT) != 0) {
				return;
			}
			break;
		case OP_ECHO:
			echo(c);
			return;
		case OP_REDIRECT:
			/* The first len requests; the rest go on. */
			if ((size_t)s->nreq <= st->len) {
				redirect(c, st->ms, st->data);
				return;
			}
			break;
		case OP_END:
		case OP_FROM:
			break;
		}
	}
}

/*
 * TLS for the test server.
 */

static int
load_file(const char *name, unsigned char *buf, size_t cap, size_t *len)
{
	char	path[4200];
	int	fd = open(pki(path, sizeof path, name), O_RDONLY);
	ssize_t	n;

	if (fd < 0) {
		return -1;
	}
	n = read(fd, buf, cap);
	close(fd);
	if (n <= 0 || (size_t)n == cap) {
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

struct tls_material {
	unsigned char		der[SRV_CHAIN_MAX][4096];
	br_x509_certificate	chain[SRV_CHAIN_MAX];
	size_t			nchain;
	unsigned char		keyder[4096];
	br_skey_decoder_context	key;
};

static int
sock_rd(void *ctx, unsigned char *buf, size_t len)
{
	struct conn	*c = ctx;
	struct pollfd	pfd = { c->fd, POLLIN, 0 };
	ssize_t		n;

	while (!c->s->stop) {
		if (poll(&pfd, 1, 50) > 0) {
			n = recv(c->fd, buf, len, 0);
			return n > 0 ? (int)n : -1;
		}
	}
	/*
	 * Stopped: the client is gone (the test waited for it), but what
	 * it sent last may still be in the socket: close_notify, say.
	 */
	n = recv(c->fd, buf, len, MSG_DONTWAIT);
	return n > 0 ? (int)n : -1;
}

static int
sock_wr(void *ctx, const unsigned char *buf, size_t len)
{
	struct conn	*c = ctx;
	ssize_t		n;

	n = send(c->fd, buf, len, MSG_NOSIGNAL);
	return n > 0 ? (int)n : -1;
}

static void
play_tls(struct conn *c, const struct tls_material *m)
{
	unsigned char			iobuf[BR_SSL_BUFSIZE_BIDI];
	br_ssl_server_context		sc;
	br_sslio_context		io;

	if (br_skey_decoder_key_type(&m->key) == BR_KEYTYPE_RSA) {
		br_ssl_server_init_full_rsa(&sc, m->chain, m->nchain,
		    br_skey_decoder_get_rsa(&m->key));
	} else {
		br_ssl_server_init_full_ec(&sc, m->chain, m->nchain,
		    BR_KEYTYPE_EC, br_skey_decoder_get_ec(&m->key));
	}
	if (c->s->tls->suites != NULL) {
		br_ssl_engine_set_suites(&sc.eng, c->s->tls->suites,
		    c->s->tls->nsuites);
	}
	br_ssl_engine_set_buffer(&sc.eng, iobuf, sizeof iobuf, 1);
	/* A session cache, so that clients can resume. */
	if (c->s->lru != NULL) {
		br_ssl_server_set_cache(&sc, &c->s->lru->vtable);
	}
	br_ssl_server_reset(&sc);
	br_sslio_init(&io, &sc.eng, sock_rd, c, sock_wr, c);
	c->io = &io;
	c->eng = &sc.eng;
	/* The handshake runs inside the first read of the script. */
	play(c);
}

/* Read the chain and key of tls into m. Returns 0 or -1. */
static int
load_material(const struct srv_tls *tls, struct tls_material *m)
{
	size_t	i, len;

	for (i = 0; i < SRV_CHAIN_MAX && tls->chain[i] != NULL; i++) {
		if (load_file(tls->chain[i], m->der[i], sizeof m->der[i],
		    &m->chain[i].data_len) != 0) {
			return -1;
		}
		m->chain[i].data = m->der[i];
	}
	m->nchain = i;
	if (load_file(tls->key, m->keyder, sizeof m->keyder, &len) != 0) {
		return -1;
	}
	br_skey_decoder_init(&m->key);
	br_skey_decoder_push(&m->key, m->keyder, len);
	return br_skey_decoder_last_error(&m->key) == 0 ? 0 : -1;
}

/* SRV_CONCURRENT: one connection, in a thread of its own. */
static void *
serve_one(void *arg)
{
	struct conn	*c = arg;
	struct srv	*s = c->s;
	int		now, max;

	now = __atomic_add_fetch(&s->active, 1, __ATOMIC_SEQ_CST);
	max = __atomic_load_n(&s->max_active, __ATOMIC_SEQ_CST);
	while (now > max && !__atomic_compare_exchange_n(&s->max_active,
	    &max, now, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		continue;
	}
	play(c);
	/* Counted as closed before the client can see it closed. */
	__atomic_sub_fetch(&s->active, 1, __ATOMIC_SEQ_CST);
	close(c->fd);
	free(c);
	__atomic_sub_fetch(&s->threads, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *
serve(void *arg)
{
	struct srv	*s = arg;
	struct pollfd	pfd = { s->fd, POLLIN, 0 };
	struct conn	c, *cp;
	pthread_t	th;
	int		fd;

	while (!s->stop) {
		if (poll(&pfd, 1, 50) <= 0) {
			continue;
		}
		fd = accept(s->fd, NULL, NULL);
		if (fd < 0) {
			continue;
		}
		__atomic_add_fetch(&s->nconn, 1, __ATOMIC_SEQ_CST);
		if (s->concurrent) {
			cp = calloc(1, sizeof *cp);
			cr_assert_not_null(cp);
			cp->s = s;
			cp->fd = fd;
			__atomic_add_fetch(&s->threads, 1, __ATOMIC_SEQ_CST);
			cr_assert_eq(pthread_create(&th, NULL, serve_one, cp),
			    0);
			pthread_detach(th);
			continue;
		}
		memset(&c, 0, sizeof c);
		c.s = s;
		c.n = s->nconn;
		c.fd = fd;
		if (s->mat != NULL) {
			play_tls(&c, s->mat);
		} else {
			play(&c);
		}
		close(fd);
	}
	return NULL;
}

int
srv_start(struct srv *s, const struct srv_step *steps)
{
	return srv_start_tls(s, steps, NULL);
}

int
srv_start_tls(struct srv *s, const struct srv_step *steps,
    const struct srv_tls *tls)
{
	return srv_start_tls_flags(s, steps, tls, 0);
}

int
srv_start_tls_flags(struct srv *s, const struct srv_step *steps,
    const struct srv_tls *tls, unsigned flags)
{
	static struct tls_material	mat[2];
	static br_ssl_session_cache_lru	lru[2];
	static unsigned char		lru_mem[2][4096];
	static int			next;

	memset(s, 0, sizeof *s);
	s->hang_fd = -1;
	s->steps = steps;
	s->tls = tls;
	s->concurrent = (flags & SRV_CONCURRENT) != 0;
	if (tls != NULL) {
		/* A test has at most two TLS servers, each with its own. */
		s->mat = &mat[next % 2];
		if (!(flags & SRV_NO_CACHE)) {
			s->lru = &lru[next % 2];
			br_ssl_session_cache_lru_init(s->lru,
			    lru_mem[next % 2], sizeof lru_mem[0]);
		}
		next++;
		if (load_material(tls, s->mat) != 0) {
			return -1;
		}
	}
	s->fd = srv_listen(16, &s->port);
	if (s->fd < 0) {
		return -1;
	}
	return pthread_create(&s->th, NULL, serve, s) == 0 ? 0 : -1;
}

int
srv_hang(struct srv *s)
{
	memset(s, 0, sizeof *s);
	s->fd = srv_listen(0, &s->port);
	if (s->fd < 0) {
		s->hang_fd = -1;
		return -1;
	}
	/* With listen(0) one queued connection fills the queue. */
	s->hang_fd = srv_connect(s->port);
	return s->hang_fd >= 0 ? 0 : -1;
}

unsigned short
srv_refused_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd;

	/*
	 * Bound but not listening: connect() gets RST at once. The socket
	 * stays open until the test process ends, and without SO_REUSEADDR,
	 * so no server can take the port meanwhile: a port merely closed
	 * was once taken by a test server running in parallel, which then
	 * saw a request meant to be refused.
	 */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0
	    || getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		return 0;
	}
	return ntohs(sin.sin_port);
}

void
srv_stop(struct srv *s)
{
	double	t0 = now_secs();

	s->stop = 1;
	if (s->steps != NULL) {
		pthread_join(s->th, NULL);
	}
	/* Connection threads see stop within a poll interval. */
	while (__atomic_load_n(&s->threads, __ATOMIC_SEQ_CST) > 0
	    && now_secs() - t0 < 5) {
		sleep_ms(10);
	}
	if (s->hang_fd >= 0) {
		close(s->hang_fd);
	}
	if (s->fd >= 0) {
		close(s->fd);
	}
}

const char *
srv_url(char *buf, size_t cap, const struct srv *s, const char *path)
{
	snprintf(buf, cap, "http://127.0.0.1:%u%s", s->port, path);
	return buf;
}

/* see srv.h */
const char *
binary(void)
{
	static char	path[4096];
	const char	*p;

	if (path[0] == '\0') {
		p = getenv("UFETCH");
		if (realpath(p != NULL ? p : "./ufetch", path) == NULL) {
			snprintf(path, sizeof path, "%s",
			    p != NULL ? p : "./ufetch");
		}
	}
	return path;
}

/* The directories in_tmpdir() made in this test's process. */
static char	tmpdirs[4][32];
static int	ntmpdirs;

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/*
 * Criterion runs each test in a process of its own, which exits
 * normally after a failed assertion too: its directories go then.
 */
static void
rm_tmpdirs(void)
{
	if (chdir("/") != 0) {
		return;
	}
	while (ntmpdirs > 0) {
		(void)nftw(tmpdirs[--ntmpdirs], rm_entry, 16,
		    FTW_DEPTH | FTW_PHYS);
	}
}

/* see srv.h */
void
in_tmpdir(void)
{
	char	*dir;

	(void)binary();
	cr_assert_lt(ntmpdirs, 4, "more than 4 in_tmpdir() in one test");
	dir = tmpdirs[ntmpdirs];
	snprintf(dir, sizeof tmpdirs[0], "/tmp/ufetch-test-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	if (ntmpdirs++ == 0) {
		atexit(rm_tmpdirs);
	}
	cr_assert_eq(chdir(dir), 0);
}

/* see srv.h */
const char *
pki(char *buf, size_t cap, const char *name)
{
	static char	dir[4096];

#ifdef UF_SRCDIR
	/* Built by the Makefile: the source tree, wherever we run. */
	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "%s/tests/pki", UF_SRCDIR);
	}
#endif
	if (dir[0] == '\0' && realpath("tests/pki", dir) == NULL) {
		snprintf(dir, sizeof dir, "tests/pki");
	}
	snprintf(buf, cap, "%s/%s", dir, name);
	return buf;
}

static void
exec_ufetch_env(const char *const *env, const char *const *args)
{
	static const char *const	clear[] = {
		"SSL_CERT_FILE", "SSL_CERT_DIR", "http_proxy", "HTTP_PROXY",
		"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
		"no_proxy", "NO_PROXY",
	};
	size_t	i;

	for (i = 0; i < sizeof clear / sizeof clear[0]; i++) {
		unsetenv(clear[i]);
	}
	for (i = 0; env != NULL && env[i] != NULL; i++) {
		putenv((char *)env[i]);
	}
	exec_ufetch(args);
}

static const char	*run_path;	/* see run_as() */

/* see srv.h */
void
run_as(const char *path)
{
	run_path = path;
}

/*
 * Run the binary, under $UFETCH_WRAP when set (a command line split at
 * spaces, such as "valgrind -q --error-exitcode=99").
 */
void
exec_ufetch(const char *const *args)
{
	static char	wrap[1024];
	const char	*argv[96], *w = getenv("UFETCH_WRAP");
	size_t		i, n = 0;
	char		*p, *save;

	if (w != NULL && strlen(w) < sizeof wrap) {
		strcpy(wrap, w);
		for (p = strtok_r(wrap, " ", &save); p != NULL && n < 30;
		    p = strtok_r(NULL, " ", &save)) {
			argv[n++] = p;
		}
	}
	argv[n++] = run_path != NULL ? run_path : binary();
	for (i = 0; args[i] != NULL && n < 94; i++) {
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

double
slack(void)
{
	/* Under valgrind, start-up alone takes a second or two. */
	if (getenv("UFETCH_SLOW") != NULL) {
		return 4.0;
	}
#ifdef __SANITIZE_ADDRESS__
	/* make check SANITIZE=1: ufetch and the servers run 2-3x slower. */
	return 0.9;
#else
	return 0.3;
#endif
}

static long	fsize_limit = -1;

void
run_limit_fsize(long bytes)
{
	fsize_limit = bytes;
}

void
run_ufetch(struct run *r, const char *in, const char *const *args)
{
	run_ufetch_env(r, in, NULL, args);
}

/*
 * The longest a run may take before it is killed: no test waits that
 * long for anything, so a hang fails its test instead of stalling the
 * suite. Under valgrind (UFETCH_SLOW) start-up alone takes seconds.
 */
static double
run_limit(void)
{
	return getenv("UFETCH_SLOW") != NULL ? 300 : 60;
}

/* Copy n bytes of buf into r's stdout or stderr, keeping the count. */
static void
collect(struct run *r, int is_err, const char *buf, size_t n)
{
	size_t	room;

	if (is_err) {
		room = sizeof r->err - 1 - r->err_len;
		n = n < room ? n : room;
		memcpy(r->err + r->err_len, buf, n);
		r->err_len += n;
		return;
	}
	if (r->out_len < sizeof r->out) {
		room = sizeof r->out - r->out_len;
		memcpy(r->out + r->out_len, buf, n < room ? n : room);
	}
	r->out_len += n;
}

/*
 * Every way of failing to run the binary fails the test: a test that
 * could not run ufetch must not pass on the zeroed struct run.
 */
void
run_ufetch_env(struct run *r, const char *in, const char *const *env,
    const char *const *args)
{
	int		po[2], pe[2], pi[2];
	pid_t		pid;
	struct pollfd	pfd[2];
	size_t		inlen = in != NULL ? strlen(in) : 0, i;
	double		t0;
	int		st, open_fds = 2, n;
	char		buf[65536];
	ssize_t		got;

	memset(r, 0, sizeof *r);
	(void)binary();
	/* A child that exits before reading stdin must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe2(po, O_CLOEXEC), 0, "pipe: %s", strerror(errno));
	cr_assert_eq(pipe2(pe, O_CLOEXEC), 0, "pipe: %s", strerror(errno));
	cr_assert_eq(pipe2(pi, O_CLOEXEC), 0, "pipe: %s", strerror(errno));
	t0 = now_secs();
	pid = fork();
	cr_assert_geq(pid, 0, "cannot start ufetch: fork: %s",
	    strerror(errno));
	if (pid == 0) {
		dup2(pi[0], 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		if (fsize_limit >= 0) {
			struct rlimit	rl = { (rlim_t)fsize_limit,
			    (rlim_t)fsize_limit };

			setrlimit(RLIMIT_FSIZE, &rl);
		}
		exec_ufetch_env(env, args);
	}
	close(po[1]);
	close(pe[1]);
	close(pi[0]);
	/* EPIPE: ufetch is gone before reading it all; its status says. */
	if (inlen > 0 && write(pi[1], in, inlen) != (ssize_t)inlen) {
		cr_expect_eq(errno, EPIPE, "writing ufetch's stdin: %s",
		    strerror(errno));
	}
	close(pi[1]);
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		if (now_secs() - t0 > run_limit()) {
			kill(pid, SIGKILL);
			cr_expect_fail("ufetch still ran after %.0f s: killed",
			    run_limit());
			break;
		}
		n = poll(pfd, 2, 1000);
		if (n < 0 && errno != EINTR) {
			kill(pid, SIGKILL);
			cr_expect_fail("poll: %s", strerror(errno));
			break;
		}
		for (i = 0; n > 0 && i < 2; i++) {
			if (pfd[i].revents == 0) {
				continue;
			}
			got = read(pfd[i].fd, buf, sizeof buf);
			if (got <= 0) {
				pfd[i].fd = -1;
				open_fds--;
			} else {
				collect(r, i == 1, buf, (size_t)got);
			}
		}
	}
	close(po[0]);
	close(pe[0]);
	while (waitpid(pid, &st, 0) != pid) {
		cr_assert_eq(errno, EINTR, "waitpid: %s", strerror(errno));
	}
	r->secs = now_secs() - t0;
	r->err[r->err_len] = '\0';
	if (WIFEXITED(st)) {
		r->code = WEXITSTATUS(st);
	} else {
		r->code = -1;
		r->sig = WTERMSIG(st);
	}
}

/* see srv.h */
void
run_srv(struct run *r, struct srv *s, const struct srv_step *steps,
    const char *const *opts, const char *path)
{
	const char	*args[32];
	char		url[256];
	size_t		n;

	for (n = 0; opts != NULL && opts[n] != NULL; n++) {
		cr_assert_lt(n, sizeof args / sizeof args[0] - 2);
		args[n] = opts[n];
	}
	cr_assert_eq(srv_start(s, steps), 0);
	args[n++] = srv_url(url, sizeof url, s, path);
	args[n] = NULL;
	run_ufetch(r, NULL, args);
	srv_stop(s);
}

pid_t
spawn_ufetch(int outfd, int errfd, const char *const *args)
{
	pid_t	pid;
	int	null;

	(void)binary();
	pid = fork();
	/* Callers kill(pid): -1 would be every process we may signal. */
	cr_assert_geq(pid, 0, "cannot start ufetch: fork: %s",
	    strerror(errno));
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		if (outfd == -2) {
			close(1);
		} else {
			dup2(outfd >= 0 ? outfd : null, 1);
		}
		dup2(errfd >= 0 ? errfd : null, 2);
		exec_ufetch_env(NULL, args);
	}
	return pid;
}

/* see srv.h */
void
run_expect_exit(const struct run *r, int code, const char *msg)
{
	cr_expect_eq(r->code, code, "exit %d (signal %d), want %d; stderr: %s",
	    r->code, r->sig, code, r->err);
	if (msg == NULL) {
		cr_expect_str_eq(r->err, "", "stderr: %s", r->err);
	} else {
		cr_expect(strstr(r->err, msg) != NULL, "stderr \"%s\" lacks "
		    "\"%s\"", r->err, msg);
	}
}

/* see srv.h */
void
run_expect_secs(const struct run *r, double want)
{
	cr_expect(r->secs > want - 0.02 && r->secs < want + slack(),
	    "took %.3f s, want %.2f s", r->secs, want);
}

/* see srv.h */
void
run_expect_out(const struct run *r, const char *want)
{
	size_t	n = strlen(want);

	cr_expect(r->out_len == n && memcmp(r->out, want, n) == 0,
	    "stdout (%zu bytes) \"%.*s\", want \"%s\"", r->out_len,
	    (int)(r->out_len < 200 ? r->out_len : 200), r->out, want);
}

/* see srv.h */
int
file_is(const char *path, const char *want)
{
	char	buf[4096];
	int	fd;
	ssize_t	n;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		return 0;
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	return n == (ssize_t)strlen(want) && memcmp(buf, want, (size_t)n) == 0;
}

/* see srv.h */
void
put_file(const char *path, const char *s)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

/* see srv.h */
int
elf_has_interp(const char *path)
{
	unsigned char	h[64], ph[56];
	uint64_t	off;
	unsigned	n, size, i;
	int		fd = open(path, O_RDONLY), is64, yes = -1;

	cr_assert(fd >= 0, "%s", path);
	if (pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h
	    && memcmp(h, ELFMAG, SELFMAG) == 0 && h[EI_DATA] == ELFDATA2LSB) {
		is64 = h[EI_CLASS] == ELFCLASS64;
		off = is64 ? h[32] | (uint64_t)h[33] << 8 | (uint64_t)h[34] << 16
		    | (uint64_t)h[35] << 24 : h[28] | (uint64_t)h[29] << 8
		    | (uint64_t)h[30] << 16 | (uint64_t)h[31] << 24;
		size = is64 ? h[54] | h[55] << 8 : h[42] | h[43] << 8;
		n = is64 ? h[56] | h[57] << 8 : h[44] | h[45] << 8;
		yes = 0;
		for (i = 0; i < n && size <= sizeof ph; i++) {
			if (pread(fd, ph, size, (off_t)(off + i * size))
			    == (ssize_t)size && (ph[0] | ph[1] << 8) == PT_INTERP) {
				yes = 1;
			}
		}
	}
	close(fd);
	cr_assert(yes >= 0, "%s is not a little-endian ELF file", path);
	return yes;
}
