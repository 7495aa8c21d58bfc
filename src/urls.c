/*
 * urls.c: the URLs of a run, from arguments and lists (see urls.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "urls.h"

/* see urls.h */
void
uf_urls_init(struct uf_urls *s, int argc, char **argv)
{
	memset(s, 0, sizeof *s);
	s->argv = argv;
	s->argc = argc;
	s->fd = -1;
}

static int
error_item(struct uf_item *it, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
error_item(struct uf_item *it, const char *where, const char *fmt, ...)
{
	va_list	ap;

	it->kind = UF_ITEM_ERROR;
	it->where = where;
	va_start(ap, fmt);
	uf_vsnprintf(it->msg, sizeof it->msg, fmt, ap);
	va_end(ap);
	return 1;
}

static void
end_list(struct uf_urls *s)
{
	if (s->fd > 0) {
		close(s->fd);
	}
	s->fd = -1;
	s->pos = s->len = 0;
	s->skipping = 0;
}

/*
 * One line of the list in buf[0..n): an item, or 0 for a line to skip
 * (blank, a comment, the end of an over-long line).
 */
static int
line_item(struct uf_urls *s, char *p, size_t n, struct uf_item *it)
{
	size_t	b = 0;

	if (s->skipping) {
		s->skipping = 0;
		return 0;
	}
	if (memchr(p, '\0', n) != NULL) {
		/* A NUL would cut the URL short without a word. */
		return error_item(it, s->name, "URL list line with a NUL "
		    "byte");
	}
	if (n > UF_LIST_LINE_MAX) {
		return error_item(it, s->name, "URL list line too long");
	}
	while (b < n && (p[b] == ' ' || p[b] == '\t')) {
		b++;
	}
	while (n > b && (p[n - 1] == ' ' || p[n - 1] == '\t'
	    || p[n - 1] == '\r')) {
		n--;
	}
	if (n == b || p[b] == '#') {
		return 0;
	}
	memcpy(it->text, p + b, n - b);
	it->text[n - b] = '\0';
	it->kind = UF_ITEM_URL;
	it->url = it->text;
	return 1;
}

/* The next item of the open list; -1 at its end, 0 if it would block. */
static int
list_next(struct uf_urls *s, struct uf_item *it, int nowait)
{
	struct pollfd	pfd;
	char		*nl;
	ssize_t		r;

	for (;;) {
		nl = memchr(s->buf + s->pos, '\n', s->len - s->pos);
		if (nl != NULL) {
			char	*p = s->buf + s->pos;

			s->pos = (size_t)(nl - s->buf) + 1;
			if (line_item(s, p, (size_t)(nl - p), it)) {
				return 1;
			}
			continue;
		}
		if (s->pos > 0) {
			memmove(s->buf, s->buf + s->pos, s->len - s->pos);
			s->len -= s->pos;
			s->pos = 0;
		}
		if (s->len == sizeof s->buf) {
			/* No newline in 16 KiB: drop it up to the next. */
			s->len = 0;
			if (!s->skipping) {
				s->skipping = 1;
				return error_item(it, s->name, "URL list line "
				    "too long");
			}
			continue;
		}
		if (nowait) {
			pfd.fd = s->fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 0) == 0) {
				return 0;
			}
		}
		r = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0) {
			error_item(it, s->name, "cannot read URL list: %s",
			    strerror(errno));
			end_list(s);
			return 1;
		}
		if (r == 0) {
			/* The last line may lack its newline. */
			if (s->len > 0) {
				s->buf[s->len++] = '\n';
				continue;
			}
			end_list(s);
			return -1;
		}
		s->len += (size_t)r;
	}
}

/* see urls.h */
int
uf_urls_next(struct uf_urls *s, struct uf_item *it, int nowait)
{
	const char	*arg;
	int		rc;

	for (;;) {
		if (s->fd >= 0) {
			rc = list_next(s, it, nowait);
			if (rc >= 0) {
				return rc;
			}
		}
		if (s->argi == s->argc) {
			it->kind = UF_ITEM_END;
			return 1;
		}
		arg = s->argv[s->argi++];
		if (strcmp(arg, "-") == 0) {
			s->fd = 0;
			s->name = "(standard input)";
		} else if (arg[0] == '@') {
			s->name = arg + 1;
			s->fd = open(arg + 1, O_RDONLY | O_CLOEXEC);
			if (s->fd < 0) {
				return error_item(it, arg + 1, "cannot read "
				    "URL list: %s", strerror(errno));
			}
		} else {
			it->kind = UF_ITEM_URL;
			it->url = arg;
			return 1;
		}
	}
}

/* see urls.h */
int
uf_urls_fd(const struct uf_urls *s)
{
	return s->fd;
}
