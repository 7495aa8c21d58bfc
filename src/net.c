/*
 * net.c: resolve, connect and plain-socket I/O with deadlines (see
 * net.h).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "net.h"

/* see net.h */
int
uf_net_wait(int fd, short events, uint64_t dl)
{
	struct pollfd	pfd;
	struct timespec	ts, *tp;
	uint64_t	now;
	int		rc;

	for (;;) {
		tp = NULL;
		if (dl != 0) {
			now = uf_now();
			if (now >= dl) {
				return 0;
			}
			ts.tv_sec = (time_t)((dl - now) / 1000000000u);
			ts.tv_nsec = (long)((dl - now) % 1000000000u);
			tp = &ts;
		}
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = ppoll(&pfd, 1, tp, NULL);
		if (rc > 0) {
			return 1;
		}
		if (rc < 0 && errno != EINTR) {
			return -1;
		}
	}
}

/* see net.h */
enum uf_err
uf_net_await(int fd, short events, const struct uf_limits *lim, uint64_t dl,
    const char *what)
{
	switch (uf_net_wait(fd, events, dl)) {
	case 0:
		return uf_fail_timeout(lim, dl, what);
	case -1:
		return uf_fail(UF_E_NET, "poll: %s", strerror(errno));
	}
	return UF_OK;
}

/*
 * Record a failure to resolve or connect for s, naming the proxy when
 * s goes through one: the message is then not about the origin.
 */
static enum uf_err
sock_fail(const struct uf_sock *s, enum uf_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum uf_err
sock_fail(const struct uf_sock *s, enum uf_err e, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	uf_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (s->proxy == NULL) {
		return uf_fail(e, "%s", msg);
	}
	return uf_fail(e, "proxy %s: %s", s->proxy, msg);
}

/* A step of s's connect timed out at dl (see uf_fail_timeout()). */
static enum uf_err
sock_timeout(const struct uf_sock *s, const struct uf_limits *lim,
    uint64_t dl, const char *what)
{
	return sock_fail(s, UF_E_TIMEOUT, "timed out %s%s", what,
	    lim->end != 0 && dl == lim->end ? " (max time reached)" : "");
}

/*
 * "ADDR port N": the numeric form is all we want (getnameinfo would
 * cost the static binary 2 KB, inet_ntop the printf engine).
 */
static void
format_peer(char *buf, size_t cap, const struct addrinfo *ai)
{
	const struct sockaddr_in	*v4 = (const void *)ai->ai_addr;
	const struct sockaddr_in6	*v6 = (const void *)ai->ai_addr;
	char				host[INET6_ADDRSTRLEN];

	if (ai->ai_family == AF_INET) {
		uf_snprintf(buf, cap, "%s port %u", uf_ntop(AF_INET,
		    &v4->sin_addr, host, sizeof host), ntohs(v4->sin_port));
	} else if (ai->ai_family == AF_INET6) {
		uf_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
		if (v6->sin6_scope_id != 0) {
			uf_snprintf(buf, cap, "%s%%%u port %u", host,
			    (unsigned)v6->sin6_scope_id,
			    ntohs(v6->sin6_port));
		} else {
			uf_snprintf(buf, cap, "%s port %u", host,
			    ntohs(v6->sin6_port));
		}
	} else {
		uf_snprintf(buf, cap, "(unknown address)");
	}
}

/*
 * Try one address. Returns the socket, or -1 with *err set to an errno
 * value, or to 0 when the deadline passed.
 */
static int
try_connect(const struct addrinfo *ai, uint64_t dl, int *err)
{
	int		fd, one = 1, soerr;
	socklen_t	len = sizeof soerr;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK
	    | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS) {
			*err = errno;
			close(fd);
			return -1;
		}
		switch (uf_net_wait(fd, POLLOUT, dl)) {
		case 0:
			*err = 0;
			close(fd);
			return -1;
		case -1:
			*err = errno;
			close(fd);
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) {
			soerr = errno;
		}
		if (soerr != 0) {
			*err = soerr;
			close(fd);
			return -1;
		}
	}
	/* Without it a small request waits on the peer's delayed ACK. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static enum uf_err	sock_write(const struct uf_io_class **ctx,
			    const void *buf, size_t len, const char *what);
static enum uf_err	sock_recv_buf(const struct uf_io_class **ctx,
			    const unsigned char **buf, size_t *len,
			    const char *what);
static void		sock_recv_ack(const struct uf_io_class **ctx,
			    size_t n);
static int		sock_pending(const struct uf_io_class *const *ctx);
static int		sock_ended(const struct uf_io_class *const *ctx);
static int		sock_splice_fd(const struct uf_io_class *const *ctx);
static void		sock_close(const struct uf_io_class **ctx);

static const struct uf_io_class	sock_class = {
	sock_write, sock_recv_buf, sock_recv_ack, sock_pending, sock_ended,
	sock_splice_fd, sock_close
};

/* The connect loop, with s->proxy set for messages. */
static enum uf_err
connect_list(struct uf_sock *s, const struct addrinfo *list,
    const struct uf_limits *lim)
{
	const struct addrinfo	*ai;
	uint64_t		dl = 0;
	int			fd = -1, err = 0;

	s->vtable = &sock_class;
	s->fd = -1;
	s->lim = lim;
	s->rx_off = s->rx_len = 0;
	s->eof = 0;
	s->peer[0] = '\0';
	for (ai = list; ai != NULL; ai = ai->ai_next) {
		format_peer(s->peer, sizeof s->peer, ai);
		uf_note("connecting to %s", s->peer);
		dl = uf_deadline(lim);
		fd = try_connect(ai, dl, &err);
		if (fd >= 0) {
			break;
		}
		uf_note("%s: %s", s->peer, err == 0 ? "timed out"
		    : strerror(err));
		/* Past -m there is no time left for the next address. */
		if (lim->end != 0 && uf_now() >= lim->end) {
			dl = lim->end;
			err = 0;
			break;
		}
	}
	if (fd < 0) {
		if (err == 0) {
			char	what[96];

			uf_snprintf(what, sizeof what, "connecting to %s",
			    s->peer);
			return sock_timeout(s, lim, dl, what);
		}
		return sock_fail(s, UF_E_NET, "cannot connect to %s: %s",
		    s->peer, strerror(err));
	}
	s->fd = fd;
	uf_note("connected to %s", s->peer);
	return UF_OK;
}

/*
 * What a resolver child sends back: the getaddrinfo result code and
 * errno, then up to UF_MAX_ADDRS addresses.
 */
struct wire_addr {
	int			family, socktype, protocol;
	socklen_t		len;
	struct sockaddr_storage	ss;
};

struct wire {
	int			rc, err;
	unsigned		n;
	struct wire_addr	a[UF_MAX_ADDRS];
};

static void
child_resolve(int fd, const char *host, const char *port,
    const struct addrinfo *hints)
{
	static struct wire	w;
	struct addrinfo		*res, *ai;
	const char		*p = (const char *)&w;
	size_t			left = sizeof w;
	ssize_t			n;

	w.rc = getaddrinfo(host, port, hints, &res);
	w.err = errno;
	if (w.rc == 0) {
		for (ai = res; ai != NULL && w.n < UF_MAX_ADDRS;
		    ai = ai->ai_next) {
			if (ai->ai_addrlen > sizeof w.a[0].ss) {
				continue;
			}
			w.a[w.n].family = ai->ai_family;
			w.a[w.n].socktype = ai->ai_socktype;
			w.a[w.n].protocol = ai->ai_protocol;
			w.a[w.n].len = ai->ai_addrlen;
			memcpy(&w.a[w.n].ss, ai->ai_addr, ai->ai_addrlen);
			w.n++;
		}
	}
	while (left > 0 && (n = write(fd, p, left)) > 0) {
		p += n;
		left -= (size_t)n;
	}
	_exit(0);
}

/*
 * getaddrinfo() within the -m deadline. The system resolver has no
 * timeout we can set, so it runs in a child process that we kill when
 * the deadline passes: nothing is left behind, unlike a thread we
 * could only abandon. The result comes back over a pipe into *w.
 */
static enum uf_err
resolve_bounded(const struct uf_sock *s, const char *host, const char *port,
    const struct addrinfo *hints, const struct uf_limits *lim,
    struct wire *w)
{
	char		*p = (char *)w;
	size_t		got = 0;
	ssize_t		n;
	pid_t		pid;
	int		fds[2], st;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		return uf_fail(UF_E_NET, "pipe: %s", strerror(errno));
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return uf_fail(UF_E_NET, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		child_resolve(fds[1], host, port, hints);
	}
	close(fds[1]);
	while (got < sizeof *w) {
		if (uf_net_wait(fds[0], POLLIN, lim->end) == 0) {
			kill(pid, SIGKILL);
			break;
		}
		n = read(fds[0], p + got, sizeof *w - got);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		got += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
		continue;
	}
	if (got < sizeof *w) {
		if (lim->end != 0 && uf_now() >= lim->end) {
			return sock_timeout(s, lim, lim->end, "resolving");
		}
		return sock_fail(s, UF_E_NET, "cannot resolve host name %s: "
		    "the resolver process failed", host);
	}
	return UF_OK;
}

/* getaddrinfo() said rc (and errno e, for EAI_SYSTEM) about host. */
static enum uf_err
resolve_fail(const struct uf_sock *s, const char *host, int rc, int e)
{
	return sock_fail(s, UF_E_NET, "cannot resolve host name %s: %s",
	    host, rc == EAI_SYSTEM ? strerror(e) : gai_strerror(rc));
}

/* see net.h */
enum uf_err
uf_net_connect(struct uf_sock *s, const char *host, const char *port,
    int family, const struct uf_limits *lim, const char *proxy)
{
	struct addrinfo	hints, *res, list[UF_MAX_ADDRS];
	struct wire	w;
	enum uf_err	err;
	unsigned	i;
	int		rc;

	s->fd = -1;
	s->proxy = proxy;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	uf_note("resolving %s", host);
	/*
	 * An address needs no resolver; without -m the resolver is called
	 * as is and takes as long as it takes, as urlopen's does.
	 */
	hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST;
	rc = getaddrinfo(host, port, &hints, &res);
	hints.ai_flags = AI_NUMERICSERV;
	if (rc == EAI_NONAME && lim->end == 0) {
		rc = getaddrinfo(host, port, &hints, &res);
	}
	if (rc == 0) {
		err = connect_list(s, res, lim);
		freeaddrinfo(res);
		return err;
	}
	if (rc != EAI_NONAME || lim->end == 0) {
		return resolve_fail(s, host, rc, errno);
	}
	err = resolve_bounded(s, host, port, &hints, lim, &w);
	if (err != UF_OK) {
		return err;
	}
	if (w.rc != 0) {
		return resolve_fail(s, host, w.rc, w.err);
	}
	if (w.n == 0) {
		return sock_fail(s, UF_E_NET, "cannot resolve host name %s: "
		    "no addresses", host);
	}
	memset(list, 0, sizeof list);
	for (i = 0; i < w.n; i++) {
		list[i].ai_family = w.a[i].family;
		list[i].ai_socktype = w.a[i].socktype;
		list[i].ai_protocol = w.a[i].protocol;
		list[i].ai_addrlen = w.a[i].len;
		list[i].ai_addr = (struct sockaddr *)&w.a[i].ss;
		list[i].ai_next = i + 1 < w.n ? &list[i + 1] : NULL;
	}
	return connect_list(s, list, lim);
}

/* see net.h */
enum uf_err
uf_net_connect_list(struct uf_sock *s, const struct addrinfo *list,
    const struct uf_limits *lim)
{
	s->proxy = NULL;
	return connect_list(s, list, lim);
}

/* see net.h */
void
uf_net_close(struct uf_sock *s)
{
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}

/* see net.h */
enum uf_err
uf_net_send_all(const struct uf_sock *s, const void *buf, size_t len,
    uint64_t dl, const char *what, enum uf_err code)
{
	const unsigned char	*p = buf;
	enum uf_err		err;
	ssize_t			n;

	while (len > 0) {
		n = send(s->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			err = uf_net_await(s->fd, POLLOUT, s->lim, dl, what);
			if (err != UF_OK) {
				return err;
			}
			continue;
		}
		return uf_fail(code, "error %s: %s", what,
		    n < 0 ? strerror(errno) : "nothing sent");
	}
	return UF_OK;
}

static enum uf_err
sock_write(const struct uf_io_class **ctx, const void *buf, size_t len,
    const char *what)
{
	struct uf_sock	*s = (struct uf_sock *)(void *)ctx;

	return uf_net_send_all(s, buf, len, uf_deadline(s->lim), what,
	    UF_E_NET);
}

static enum uf_err
sock_recv_buf(const struct uf_io_class **ctx, const unsigned char **buf,
    size_t *len, const char *what)
{
	struct uf_sock	*s = (struct uf_sock *)(void *)ctx;
	enum uf_err	err;
	uint64_t	dl;
	ssize_t		n;

	*buf = s->rx + s->rx_off;
	*len = s->rx_len - s->rx_off;
	if (*len > 0) {
		return UF_OK;
	}
	s->rx_off = s->rx_len = 0;
	*buf = s->rx;
	dl = uf_deadline(s->lim);
	for (;;) {
		n = recv(s->fd, s->rx, s->rx_cap, 0);
		if (n >= 0) {
			s->rx_len = (size_t)n;
			*len = (size_t)n;
			s->eof = n == 0;
			return UF_OK;
		}
		if (errno == EINTR) {
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			return uf_fail(UF_E_NET, "error %s: %s", what,
			    strerror(errno));
		}
		err = uf_net_await(s->fd, POLLIN, s->lim, dl, what);
		if (err != UF_OK) {
			return err;
		}
	}
}

static void
sock_recv_ack(const struct uf_io_class **ctx, size_t n)
{
	struct uf_sock	*s = (struct uf_sock *)(void *)ctx;

	s->rx_off += n;
}

static int
sock_pending(const struct uf_io_class *const *ctx)
{
	const struct uf_sock	*s = (const struct uf_sock *)(const void *)ctx;

	return s->rx_off != s->rx_len;
}

static int
sock_ended(const struct uf_io_class *const *ctx)
{
	const struct uf_sock	*s = (const struct uf_sock *)(const void *)ctx;

	return s->eof ? UF_IO_CLEAN : UF_IO_OPEN;
}

static int
sock_splice_fd(const struct uf_io_class *const *ctx)
{
	const struct uf_sock	*s = (const struct uf_sock *)(const void *)ctx;

	return s->rx_off == s->rx_len && !s->eof ? s->fd : -1;
}

/* Plain TCP says nothing before its FIN. */
static void
sock_close(const struct uf_io_class **ctx)
{
	(void)ctx;
}
