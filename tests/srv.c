/*
 * srv.c: scripted loopback servers and the binary runner (see srv.h).
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "srv.h"

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

static int
listen_on(int backlog, unsigned short *port)
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

static int
send_all(int fd, const void *buf, size_t len)
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

static void
read_req(struct srv *s, int fd)
{
	char		buf[4096];
	ssize_t		n;
	struct pollfd	pfd = { fd, POLLIN, 0 };
	size_t		len = 0;

	while (len < sizeof buf - 1) {
		if (poll(&pfd, 1, 2000) <= 0) {
			break;
		}
		n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL) {
			break;
		}
	}
	if (s->req_len == 0 && len < sizeof s->req) {
		memcpy(s->req, buf, len);
		s->req[len] = '\0';
		s->req_len = len;
	}
}

/* Wait until the client closes (or the server is stopped). */
static void
hold(struct srv *s, int fd)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	char		buf[4096];

	while (!s->stop) {
		if (poll(&pfd, 1, 50) > 0) {
			if (recv(fd, buf, sizeof buf, 0) <= 0) {
				return;
			}
		}
	}
}

/* Read at most chunk bytes every ms until the client closes. */
static void
slow_read(struct srv *s, int fd, size_t chunk, unsigned ms)
{
	char	buf[65536];
	ssize_t	n;

	if (chunk > sizeof buf) {
		chunk = sizeof buf;
	}
	while (!s->stop) {
		n = recv(fd, buf, chunk, 0);
		if (n <= 0) {
			return;
		}
		sleep_ms(ms);
	}
}

static void
play(struct srv *s, int fd)
{
	const struct srv_step	*st;
	static const char	xs[4096] = { [0 ... 4095] = 'x' };
	size_t			i, n;
	struct linger		lg = { 1, 0 };

	for (st = s->steps; st->op != OP_END && !s->stop; st++) {
		switch (st->op) {
		case OP_READ_REQ:
			read_req(s, fd);
			break;
		case OP_SEND:
			if (send_all(fd, st->data, st->len) != 0) {
				return;
			}
			break;
		case OP_DRIP:
			for (i = 0; i < st->len && !s->stop; i++) {
				if (send_all(fd, st->data + i, 1) != 0) {
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
				if (send_all(fd, xs, n) != 0) {
					return;
				}
			}
			break;
		case OP_SLEEP:
			sleep_ms(st->ms);
			break;
		case OP_HOLD:
			hold(s, fd);
			return;
		case OP_RESET:
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
			return;
		case OP_SLOWREAD:
			slow_read(s, fd, st->len, st->ms);
			return;
		case OP_END:
			break;
		}
	}
}

static void *
serve(void *arg)
{
	struct srv	*s = arg;
	struct pollfd	pfd = { s->fd, POLLIN, 0 };
	int		c;

	while (!s->stop) {
		if (poll(&pfd, 1, 50) <= 0) {
			continue;
		}
		c = accept(s->fd, NULL, NULL);
		if (c < 0) {
			continue;
		}
		s->nconn++;
		play(s, c);
		close(c);
	}
	return NULL;
}

int
srv_start(struct srv *s, const struct srv_step *steps)
{
	memset(s, 0, sizeof *s);
	s->hang_fds[0] = s->hang_fds[1] = -1;
	s->steps = steps;
	s->fd = listen_on(16, &s->port);
	if (s->fd < 0) {
		return -1;
	}
	return pthread_create(&s->th, NULL, serve, s) == 0 ? 0 : -1;
}

int
srv_hang(struct srv *s)
{
	struct sockaddr_in	sin;
	int			i;

	memset(s, 0, sizeof *s);
	s->hang_fds[0] = s->hang_fds[1] = -1;
	s->fd = listen_on(0, &s->port);
	if (s->fd < 0) {
		return -1;
	}
	/* With listen(0) one queued connection fills the queue. */
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(s->port);
	for (i = 0; i < 1; i++) {
		s->hang_fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
		    0);
		if (connect(s->hang_fds[i], (struct sockaddr *)&sin,
		    sizeof sin) != 0) {
			return -1;
		}
	}
	return 0;
}

unsigned short
srv_refused_port(void)
{
	unsigned short	port = 0;
	int		fd;

	/* Bound but not listening: connect() gets RST at once. */
	fd = listen_on(1, &port);
	if (fd >= 0) {
		close(fd);
	}
	return port;
}

void
srv_stop(struct srv *s)
{
	int	i;

	s->stop = 1;
	if (s->steps != NULL) {
		pthread_join(s->th, NULL);
	}
	for (i = 0; i < 2; i++) {
		if (s->hang_fds[i] >= 0) {
			close(s->hang_fds[i]);
		}
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

static void
exec_ufetch(const char *const *args)
{
	const char	*argv[64];
	size_t		i;

	argv[0] = binary();
	for (i = 0; args[i] != NULL && i < 62; i++) {
		argv[i + 1] = args[i];
	}
	argv[i + 1] = NULL;
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

int
run_ufetch(struct run *r, const char *in, const char *const *args)
{
	int		po[2], pe[2], pi[2];
	pid_t		pid;
	struct pollfd	pfd[2];
	size_t		inlen = in != NULL ? strlen(in) : 0;
	double		t0;
	int		st, open_fds = 2;
	char		buf[65536];
	ssize_t		n;

	memset(r, 0, sizeof *r);
	(void)binary();
	if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0
	    || pipe2(pi, O_CLOEXEC) != 0) {
		return -1;
	}
	t0 = now_secs();
	pid = fork();
	if (pid == 0) {
		dup2(pi[0], 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		exec_ufetch(args);
	}
	close(po[1]);
	close(pe[1]);
	close(pi[0]);
	if (inlen > 0) {
		if (write(pi[1], in, inlen) != (ssize_t)inlen) {
			return -1;
		}
	}
	close(pi[1]);
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR) {
				continue;
			}
			break;
		}
		if (pfd[0].revents) {
			n = read(po[0], buf, sizeof buf);
			if (n <= 0) {
				pfd[0].fd = -1;
				open_fds--;
			} else {
				size_t	room = sizeof r->out - r->out_len;

				if (r->out_len < sizeof r->out) {
					memcpy(r->out + r->out_len, buf,
					    (size_t)n < room ? (size_t)n
					    : room);
				}
				r->out_len += (size_t)n;
			}
		}
		if (pfd[1].revents) {
			n = read(pe[0], buf, sizeof buf);
			if (n <= 0) {
				pfd[1].fd = -1;
				open_fds--;
			} else {
				size_t	room = sizeof r->err - 1 - r->err_len;

				if ((size_t)n > room) {
					n = (ssize_t)room;
				}
				memcpy(r->err + r->err_len, buf, (size_t)n);
				r->err_len += (size_t)n;
			}
		}
	}
	close(po[0]);
	close(pe[0]);
	waitpid(pid, &st, 0);
	r->secs = now_secs() - t0;
	r->err[r->err_len] = '\0';
	if (WIFEXITED(st)) {
		r->code = WEXITSTATUS(st);
	} else {
		r->code = -1;
		r->sig = WTERMSIG(st);
	}
	return 0;
}

pid_t
spawn_ufetch(int outfd, int errfd, const char *const *args)
{
	pid_t	pid;
	int	null;

	(void)binary();
	pid = fork();
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(outfd >= 0 ? outfd : null, 1);
		dup2(errfd >= 0 ? errfd : null, 2);
		exec_ufetch(args);
	}
	return pid;
}
