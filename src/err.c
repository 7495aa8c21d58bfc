/*
 * err.c: the sticky error slot, the clock and the deadline helpers
 * declared in ufetch.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "ufetch.h"

int			uf_verbose;
int			uf_show_response;
static enum uf_err	slot_err;
static char		slot_msg[512];

/* see ufetch.h */
void
uf_err_clear(void)
{
	slot_err = UF_OK;
	slot_msg[0] = '\0';
}

/* see ufetch.h */
enum uf_err
uf_fail(enum uf_err err, const char *fmt, ...)
{
	va_list	ap;

	if (slot_err != UF_OK || err == UF_OK) {
		return err;
	}
	slot_err = err;
	va_start(ap, fmt);
	uf_vsnprintf(slot_msg, sizeof slot_msg, fmt, ap);
	va_end(ap);
	return err;
}

/* see ufetch.h */
enum uf_err
uf_err_code(void)
{
	return slot_err;
}

/* see ufetch.h */
const char *
uf_err_msg(void)
{
	return slot_msg;
}

/* see ufetch.h */
uint64_t
uf_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* see ufetch.h */
uint64_t
uf_deadline(const struct uf_limits *lim)
{
	uint64_t	dl;

	if (lim->step == 0) {
		return lim->end;
	}
	dl = uf_now() + lim->step;
	if (lim->end != 0 && lim->end < dl) {
		dl = lim->end;
	}
	return dl;
}

/* see ufetch.h */
enum uf_err
uf_fail_timeout(const struct uf_limits *lim, uint64_t dl, const char *what)
{
	if (lim->end != 0 && dl == lim->end) {
		return uf_fail(UF_E_TIMEOUT,
		    "timed out %s (max time reached)", what);
	}
	return uf_fail(UF_E_TIMEOUT, "timed out %s", what);
}

/* see ufetch.h */
enum uf_err
uf_check_end(const struct uf_limits *lim, const char *what)
{
	if (lim->end != 0 && uf_now() >= lim->end) {
		return uf_fail_timeout(lim, lim->end, what);
	}
	return UF_OK;
}

/* see ufetch.h */
int
uf_hexval(unsigned c)
{
	if (c >= '0' && c <= '9') {
		return (int)(c - '0');
	}
	if (c >= 'a' && c <= 'f') {
		return (int)(c - 'a' + 10);
	}
	if (c >= 'A' && c <= 'F') {
		return (int)(c - 'A' + 10);
	}
	return -1;
}

/* see ufetch.h */
void
uf_sanitize(char *dst, size_t cap, const char *src, size_t len)
{
	size_t	i;

	if (len > cap - 1) {
		len = cap - 1;
	}
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)src[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[len] = '\0';
}

/* see ufetch.h */
int
uf_write_all(int fd, const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	ssize_t			n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* see ufetch.h */
void
uf_note(const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;
	int	n;

	if (!uf_verbose) {
		return;
	}
	buf[0] = '*';
	buf[1] = ' ';
	va_start(ap, fmt);
	n = uf_vsnprintf(buf + 2, sizeof buf - 3, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	n += 2;
	if ((size_t)n > sizeof buf - 2) {
		n = (int)sizeof buf - 2;
	}
	buf[n++] = '\n';
	(void)uf_write_all(2, buf, (size_t)n);
}

/* see ufetch.h */
uint64_t
uf_fnv1a(const void *p, size_t len)
{
	const unsigned char	*b = p;
	uint64_t		h = 14695981039346656037u;

	while (len-- > 0) {
		h = (h ^ *b++) * 1099511628211u;
	}
	return h;
}

/* see ufetch.h */
const char *
uf_find(const void *h, size_t hlen, const char *n, size_t nlen)
{
	const char	*p = h, *end = p + hlen;

	while (nlen <= (size_t)(end - p)
	    && (p = memchr(p, n[0], (size_t)(end - p) - nlen + 1)) != NULL) {
		if (memcmp(p, n, nlen) == 0) {
			return p;
		}
		p++;
	}
	return NULL;
}
