/*
 * fmt.c: uf_snprintf() and uf_vsnprintf(); the contract is in fmt.h.
 * One pass over the format: literal runs are copied, each conversion
 * is turned into digits or a string and then laid out in its field.
 */
#include <string.h>
#include <sys/socket.h>

#include "fmt.h"

/* Where the output goes: room for cap bytes before the NUL. */
struct sink {
	char	*p;
	size_t	cap;
	size_t	len;		/* the length of the whole result so far */
};

static void
put(struct sink *s, const char *b, size_t n)
{
	size_t	room;

	if (s->len < s->cap) {
		room = s->cap - s->len;
		memcpy(s->p + s->len, b, n < room ? n : room);
	}
	s->len += n;
}

static void
fill(struct sink *s, char c, size_t n)
{
	while (n-- > 0) {
		put(s, &c, 1);
	}
}

/* The digits of v in base 10 or 16, at the end of buf[24]. */
static size_t
digits(char *buf, unsigned long long v, unsigned base, int upper)
{
	const char	*set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t		n = 0;

	do {
		buf[23 - n++] = set[v % base];
		v /= base;
	} while (v != 0);
	return n;
}

/* Read a decimal field width or precision at *f. */
static int
number(const char **f)
{
	int	v = 0;

	while (**f >= '0' && **f <= '9' && v < 100000) {
		v = v * 10 + (*(*f)++ - '0');
	}
	return v;
}

/* see fmt.h */
int
uf_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct sink		s = { buf, cap > 0 ? cap - 1 : 0, 0 };
	const char		*f = fmt, *spec, *str;
	char			num[24], sign;
	int			left, zero, width, prec, lmod, v;
	unsigned long long	u;
	size_t			n, lead;

	while (*f != '\0') {
		if (*f != '%') {
			n = strcspn(f, "%");
			put(&s, f, n);
			f += n;
			continue;
		}
		spec = f++;
		left = zero = 0;
		for (;; f++) {
			if (*f == '-') {
				left = 1;
			} else if (*f == '0') {
				zero = 1;
			} else {
				break;
			}
		}
		if (*f == '*') {
			f++;
			if ((width = va_arg(ap, int)) < 0) {
				left = 1;
				width = -width;
			}
		} else {
			width = number(&f);
		}
		prec = -1;
		if (*f == '.') {
			f++;
			if (*f == '*') {
				f++;
				prec = va_arg(ap, int);
			} else {
				prec = number(&f);
			}
		}
		/* lmod: 'H' for hh, 'h', 'l', 'L' for ll, 'z', or 0. */
		lmod = 0;
		if (*f == 'h' || *f == 'l') {
			lmod = *f++;
			if (*f == lmod) {
				lmod = lmod == 'h' ? 'H' : 'L';
				f++;
			}
		} else if (*f == 'z') {
			lmod = *f++;
		}
		sign = 0;
		switch (*f) {
		case '%':
			put(&s, "%", 1);
			f++;
			continue;
		case 'c':
			num[0] = (char)va_arg(ap, int);
			str = num;
			n = 1;
			break;
		case 's':
			if ((str = va_arg(ap, const char *)) == NULL) {
				str = "(null)";
			}
			/* Only the first prec bytes are read (%.*s). */
			n = prec < 0 ? strlen(str) : strnlen(str, (size_t)prec);
			break;
		case 'd':
		case 'i':
			if (lmod == 'L') {
				long long	x = va_arg(ap, long long);

				u = x < 0 ? 0ULL - (unsigned long long)x
				    : (unsigned long long)x;
				sign = x < 0 ? '-' : 0;
			} else if (lmod == 'l' || lmod == 'z') {
				long	x = va_arg(ap, long);

				u = x < 0 ? 0UL - (unsigned long)x
				    : (unsigned long)x;
				sign = x < 0 ? '-' : 0;
			} else {
				v = va_arg(ap, int);
				v = lmod == 'H' ? (signed char)v
				    : lmod == 'h' ? (short)v : v;
				u = v < 0 ? 0U - (unsigned)v : (unsigned)v;
				sign = v < 0 ? '-' : 0;
			}
			goto integer;
		case 'u':
		case 'x':
		case 'X':
			if (lmod == 'L') {
				u = va_arg(ap, unsigned long long);
			} else if (lmod == 'l') {
				u = va_arg(ap, unsigned long);
			} else if (lmod == 'z') {
				u = va_arg(ap, size_t);
			} else {
				u = va_arg(ap, unsigned);
				u = lmod == 'H' ? (unsigned char)u
				    : lmod == 'h' ? (unsigned short)u : u;
			}
integer:
			n = digits(num, u, *f == 'u' || *f == 'd'
			    || *f == 'i' ? 10 : 16, *f == 'X');
			/* A precision is a minimum count of digits and
			 * turns the 0 flag off; ".0" prints 0 as nothing. */
			if (prec == 0 && u == 0) {
				n = 0;
			}
			lead = prec > 0 && (size_t)prec > n
			    ? (size_t)prec - n : 0;
			if (zero && !left && prec < 0
			    && (size_t)width > n + (sign != 0)) {
				lead = (size_t)width - n - (sign != 0);
			}
			n += lead + (sign != 0);
			if (!left && (size_t)width > n) {
				fill(&s, ' ', (size_t)width - n);
			}
			if (sign != 0) {
				put(&s, &sign, 1);
			}
			fill(&s, '0', lead);
			put(&s, num + 24 - (n - lead - (sign != 0)),
			    n - lead - (sign != 0));
			if (left && (size_t)width > n) {
				fill(&s, ' ', (size_t)width - n);
			}
			f++;
			continue;
		default:
			/* Not ours: show the spec as written (see fmt.h). */
			put(&s, spec, (size_t)(f - spec));
			continue;
		}
		/* %c and %s: a string in a field of spaces. */
		if (!left && (size_t)width > n) {
			fill(&s, ' ', (size_t)width - n);
		}
		put(&s, str, n);
		if (left && (size_t)width > n) {
			fill(&s, ' ', (size_t)width - n);
		}
		f++;
	}
	if (cap > 0) {
		buf[s.len < s.cap ? s.len : s.cap] = '\0';
	}
	return s.len > 0x7fffffff ? 0x7fffffff : (int)s.len;
}

/* see fmt.h */
int
uf_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = uf_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

/* see fmt.h */
char *
uf_ntop(int af, const void *src, char *dst, size_t cap)
{
	const unsigned char	*a = src;
	const char		*sep = "";
	size_t			n = 0;
	int			i, run, best = -1, blen = 1;

	if (af == AF_INET) {
		uf_snprintf(dst, cap, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return dst;
	}
	/* The longest run of zero groups; a lone one stays "0". */
	for (i = 0; i < 8; i += run > 0 ? run : 1) {
		for (run = 0; i + run < 8 && a[2 * (i + run)] == 0
		    && a[2 * (i + run) + 1] == 0; run++) {
		}
		if (run > blen) {
			best = i;
			blen = run;
		}
	}
	if (best == 0 && blen == 5 && a[10] == 0xff && a[11] == 0xff) {
		uf_snprintf(dst, cap, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14],
		    a[15]);
		return dst;
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			n += (size_t)uf_snprintf(dst + n, n < cap ? cap - n : 0,
			    "::");
			sep = "";
			i += blen - 1;
			continue;
		}
		n += (size_t)uf_snprintf(dst + n, n < cap ? cap - n : 0,
		    "%s%x", sep, (unsigned)(a[2 * i] << 8 | a[2 * i + 1]));
		sep = ":";
	}
	return dst;
}
