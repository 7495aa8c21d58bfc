/*
 * writeout.c: -w FORMAT (see writeout.h).
 */
#include <string.h>

#include "fmt.h"
#include "ufetch.h"
#include "writeout.h"

enum {
	W_CODE, W_URL, W_SIZE, W_TIME, W_REDIRECTS, W_TYPE, W_EXIT, W_ERROR
};

static const struct {
	const char	*name;
	int		what;
} vars[] = {
	{ "http_code", W_CODE },
	{ "response_code", W_CODE },
	{ "url_effective", W_URL },
	{ "size_download", W_SIZE },
	{ "time_total", W_TIME },
	{ "num_redirects", W_REDIRECTS },
	{ "content_type", W_TYPE },
	{ "exitcode", W_EXIT },
	{ "errormsg", W_ERROR },
};

/* The variable whose name starts at p (after "%{"), or -1. */
static int
lookup(const char *p, size_t *len)
{
	const char	*end = strchr(p, '}');
	size_t		i, n;

	*len = 2;	/* "%{" alone, should it come to that */
	if (end == NULL) {
		return -1;
	}
	n = (size_t)(end - p);
	for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		if (strncmp(vars[i].name, p, n) == 0
		    && vars[i].name[n] == '\0') {
			*len = n + 3;	/* with "%{" and "}" */
			return vars[i].what;
		}
	}
	return -1;
}

/* see writeout.h */
const char *
uf_writeout_check(const char *fmt)
{
	size_t	len;

	for (; *fmt != '\0'; fmt++) {
		if (fmt[0] == '%' && fmt[1] == '{') {
			if (lookup(fmt + 2, &len) < 0) {
				return fmt;
			}
			fmt += len - 1;
		}
	}
	return NULL;
}

/* What "\\c" stands for, or 0. */
static char
escape(char c)
{
	switch (c) {
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	case '\\':
		return '\\';
	}
	return 0;
}

/* Bytes on their way to fd. */
struct wbuf {
	int	fd;
	size_t	len;
	int	err;
	char	buf[512];
};

static void
put(struct wbuf *w, const char *s, size_t n)
{
	size_t	k;

	while (n > 0) {
		if (w->len == sizeof w->buf) {
			w->err |= uf_write_all(w->fd, w->buf, w->len);
			w->len = 0;
		}
		k = sizeof w->buf - w->len < n ? sizeof w->buf - w->len : n;
		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
	}
}

/* see writeout.h */
int
uf_writeout(int fd, const char *fmt, const struct uf_wo *v)
{
	struct wbuf		w;
	const char		*s, *nf;
	char			num[48], e;
	unsigned long long	n, n2;
	size_t			len;

	w.fd = fd;
	w.len = 0;
	w.err = 0;
	for (; *fmt != '\0'; fmt++) {
		if (fmt[0] == '%' && fmt[1] == '{') {
			s = NULL;
			nf = "%llu";
			n = n2 = 0;
			switch (lookup(fmt + 2, &len)) {
			case W_CODE:
				n = (unsigned)v->http_code;
				nf = "%03llu";
				break;
			case W_SIZE:
				n = v->size;
				break;
			case W_TIME:
				n = v->ns / 1000000000u;
				n2 = v->ns / 1000 % 1000000;
				nf = "%llu.%06llu";
				break;
			case W_REDIRECTS:
				n = v->redirects;
				break;
			case W_EXIT:
				n = (unsigned)v->exitcode;
				break;
			case W_URL:
				s = v->url;
				break;
			case W_TYPE:
				s = v->content_type;
				break;
			default:	/* W_ERROR; the others are refused by
					   uf_writeout_check() */
				s = v->errormsg;
				break;
			}
			if (s == NULL) {
				uf_snprintf(num, sizeof num, nf, n, n2);
				s = num;
			}
			put(&w, s, strlen(s));
			fmt += len - 1;
		} else if (fmt[0] == '%' && fmt[1] == '%') {
			put(&w, fmt++, 1);
		} else if (fmt[0] == '\\' && (e = escape(fmt[1])) != 0) {
			put(&w, &e, 1);
			fmt++;
		} else {
			put(&w, fmt, 1);
		}
	}
	w.err |= uf_write_all(fd, w.buf, w.len);
	return w.err;
}
