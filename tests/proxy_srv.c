/*
 * proxy_srv.c: the test proxy (see proxy_srv.h).
 */
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "proxy_srv.h"
#include "srv.h"

/* A request head in, with what came after it. */
struct head {
	char	buf[8192];
	size_t	len, end;	/* bytes read; end of the head */
};

/* Wait for fd to be readable, checking stop every 50 ms. */
static int
wait_in(struct psrv *p, int fd)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	int		rc;

	while (!p->stop) {
		rc = poll(&pfd, 1, 50);
		if (rc != 0) {
			return rc > 0 ? 0 : -1;
		}
	}
	return -1;
}

/* Read up to the blank line. Returns 0, or -1 (closed, too long). */
static int
read_head(struct psrv *p, int fd, struct head *h)
{
	char	*e;
	ssize_t	n;

	h->len = 0;
	for (;;) {
		if (wait_in(p, fd) != 0) {
			return -1;
		}
		n = recv(fd, h->buf + h->len, sizeof h->buf - 1 - h->len, 0);
		if (n <= 0) {
			return -1;
		}
		h->len += (size_t)n;
		h->buf[h->len] = '\0';
		e = strstr(h->buf, "\r\n\r\n");
		if (e != NULL) {
			h->end = (size_t)(e - h->buf) + 4;
			return 0;
		}
		if (h->len == sizeof h->buf - 1) {
			return -1;
		}
	}
}

/* Record the request line and Proxy-Authorization of h. */
static void
record(struct psrv *p, const struct head *h)
{
	const char	*a;
	size_t		n = strcspn(h->buf, "\r\n");
	int		i = p->nreq;

	if (i < PSRV_LINES) {
		snprintf(p->line[i], sizeof p->line[i], "%.*s", (int)n, h->buf);
	}
	p->auth[0] = '\0';
	a = strcasestr(h->buf, "\r\nProxy-Authorization: ");
	if (a != NULL && a < h->buf + h->end) {
		a += 23;
		snprintf(p->auth, sizeof p->auth, "%.*s",
		    (int)strcspn(a, "\r\n"), a);
	}
	p->nreq = i + 1;
}

/*
 * The port of "HOST:PORT" at s (up to the first of stop) when HOST is
 * 127.0.0.1 or a name; 0 otherwise. Every name stands for 127.0.0.1,
 * so that tests can reach a loopback server under names that do not
 * resolve there (www.example.com): we never leave the loopback.
 */
static unsigned short
loop_port(const char *s, const char *stop)
{
	const char	*c;
	size_t		n = strcspn(s, stop);
	long		v;

	c = memchr(s, ':', n);
	if (c == NULL || !((c - s == 9 && strncmp(s, "127.0.0.1", 9) == 0)
	    || isalpha((unsigned char)*s))) {
		return 0;
	}
	v = strtol(c + 1, NULL, 10);
	return v > 0 && v < 65536 ? (unsigned short)v : 0;
}

/* Move bytes both ways until either side closes or we are stopped. */
static void
relay(struct psrv *p, int a, int b)
{
	struct pollfd	pfd[2] = { { a, POLLIN, 0 }, { b, POLLIN, 0 } };
	char		buf[16384];
	ssize_t		n;
	int		i, rc;

	while (!p->stop) {
		rc = poll(pfd, 2, 50);
		if (rc < 0 && errno != EINTR) {
			return;
		}
		for (i = 0; rc > 0 && i < 2; i++) {
			if (pfd[i].revents == 0) {
				continue;
			}
			n = recv(pfd[i].fd, buf, sizeof buf, 0);
			if (n <= 0 || srv_send_all(pfd[1 - i].fd, buf, (size_t)n)
			    != 0) {
				return;
			}
		}
	}
}

/* "GET http://127.0.0.1:PORT/path HTTP/1.1": on in origin form. */
static void
forward(struct psrv *p, int fd, struct head *h)
{
	static const char	bad[] = "HTTP/1.1 502 Bad Gateway\r\n"
	    "Content-Length: 0\r\n\r\n";
	char		out[8192], *sp, *path, *a, *e;
	unsigned short	port;
	int		o;
	size_t		n;

	sp = strchr(h->buf, ' ');
	if (sp == NULL || strncasecmp(sp + 1, "http://", 7) != 0
	    || (port = loop_port(sp + 8, "/ ")) == 0
	    || (o = srv_connect(port)) < 0) {
		srv_send_all(fd, bad, sizeof bad - 1);
		return;
	}
	path = sp + 8 + strcspn(sp + 8, "/ ");
	n = (size_t)(sp + 1 - h->buf);
	memcpy(out, h->buf, n);
	if (*path == ' ') {
		out[n++] = '/';
	}
	/* The rest of the head, minus our own hop's header. */
	a = strcasestr(path, "\r\nProxy-Authorization:");
	e = a != NULL ? strstr(a + 2, "\r\n") : NULL;
	if (a != NULL && e != NULL && a < h->buf + h->end) {
		memcpy(out + n, path, (size_t)(a - path));
		n += (size_t)(a - path);
		path = e;
	}
	memcpy(out + n, path, h->len - (size_t)(path - h->buf));
	n += h->len - (size_t)(path - h->buf);
	if (srv_send_all(o, out, n) == 0) {
		relay(p, fd, o);
	}
	close(o);
}

static void
tunnel(struct psrv *p, int fd, struct head *h)
{
	static const char	ok[] = "HTTP/1.1 200 Connection established"
	    "\r\n\r\n";
	static const char	no[] = "HTTP/1.1 403 Forbidden\r\n"
	    "Content-Length: 0\r\n\r\n";
	unsigned short		port;
	int			o;

	if (p->mode == PSRV_HOLD) {
		while (wait_in(p, fd) == 0 && recv(fd, h->buf, 1, 0) > 0) {
			continue;
		}
		return;
	}
	port = loop_port(h->buf + 8, " ");
	if (p->mode == PSRV_DENY || port == 0 || (o = srv_connect(port)) < 0) {
		srv_send_all(fd, no, sizeof no - 1);
		return;
	}
	if (srv_send_all(fd, ok, sizeof ok - 1) == 0) {
		relay(p, fd, o);
	}
	close(o);
}

static void *
serve(void *arg)
{
	struct psrv	*p = arg;
	struct head	*h = malloc(sizeof *h);
	int		fd;

	while (h != NULL && wait_in(p, p->fd) == 0) {
		fd = accept4(p->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			continue;
		}
		p->nconn++;
		if (read_head(p, fd, h) == 0) {
			record(p, h);
			if (strncmp(h->buf, "CONNECT ", 8) == 0) {
				tunnel(p, fd, h);
			} else {
				forward(p, fd, h);
			}
		}
		close(fd);
	}
	free(h);
	return NULL;
}

/* see proxy_srv.h */
int
psrv_start(struct psrv *p, enum psrv_mode mode)
{
	memset(p, 0, sizeof *p);
	p->mode = mode;
	p->fd = srv_listen(16, &p->port);
	if (p->fd < 0) {
		return -1;
	}
	return pthread_create(&p->th, NULL, serve, p) == 0 ? 0 : -1;
}

/* see proxy_srv.h */
void
psrv_stop(struct psrv *p)
{
	p->stop = 1;
	pthread_join(p->th, NULL);
	close(p->fd);
}

/* see proxy_srv.h */
const char *
psrv_url(char *buf, size_t cap, const struct psrv *p, const char *userinfo)
{
	snprintf(buf, cap, "http://%s%s127.0.0.1:%u",
	    userinfo != NULL ? userinfo : "", userinfo != NULL ? "@" : "",
	    p->port);
	return buf;
}
