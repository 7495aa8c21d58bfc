/*
 * splice.c: bodies moved inside the kernel (see splice.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "splice.h"

/* Can a write to the pipe fd go ahead now? */
static int
pipe_room(int fd)
{
	struct pollfd	pfd = { fd, POLLOUT, 0 };

	return poll(&pfd, 1, 0) > 0;
}

/* Copy n bytes from our pipe to the output with read and write. */
static enum uf_err
drain(struct uf_out *o, int from, int out, size_t n)
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
			return uf_out_error(o, errno);
		}
		n -= (size_t)r;
	}
	return UF_OK;
}

/* see splice.h */
enum uf_err
uf_splice(struct uf_out *o, int sock, const struct uf_limits *lim,
    struct uf_http_resp *r, uint64_t left, int *how, int *noted)
{
	int		out, is_pipe, p[2] = { -1, -1 };
	int		dst, moved = 0, stop = 0;
	enum uf_err	err = UF_OK;
	ssize_t		n, m, off;
	size_t		want;

	*how = UF_SPLICE_NOT;
	out = uf_out_fd(o, &is_pipe, &err);
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
	if (!*noted) {
		uf_note("moving the body with splice(2)%s",
		    is_pipe ? "" : " through a pipe");
		*noted = 1;
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
					err = drain(o, p[0], out,
					    (size_t)(n - off));
					stop = 1;
					break;
				}
				if (m <= 0) {
					err = uf_out_error(o, m < 0 ? errno
					    : EIO);
					goto done;
				}
			}
			if (err != UF_OK) {
				goto done;
			}
			moved = 1;
			uf_out_count(o, (uint64_t)n);
			if (uf_http_body_moved(r, (uint64_t)n)
			    == UF_HTTP_DONE) {
				*how = UF_SPLICE_DONE;
				break;
			}
			if (left != UINT64_MAX) {
				left -= (uint64_t)n;
			}
			if (stop) {
				break;	/* _NOT: the rest by read and write */
			}
			continue;
		}
		if (n == 0) {
			*how = UF_SPLICE_EOF;
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
			break;		/* _NOT: read and write instead */
		}
		if (errno == ECONNRESET || errno == ENOTCONN
		    || errno == ETIMEDOUT) {
			err = uf_fail(UF_E_NET, "error reading the body: %s",
			    strerror(errno));
		} else {
			err = uf_out_error(o, errno);
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

