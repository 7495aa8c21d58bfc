/*
 * ufetch.h: what every module shares: the error enum (one value per
 * exit status of CONTRACT section 3), the sticky error slot that holds
 * the one-line message for the current URL, the clock, and the limits
 * that bound one URL's work.
 */
#ifndef UFETCH_H
#define UFETCH_H

#include <stddef.h>
#include <stdint.h>

#define UFETCH_VERSION	"0.1.0"

/*
 * The value of each error is the exit status it maps to; UF_E_PIPE is
 * the one exception (stdout was closed under us, the run ends quietly).
 */
enum uf_err {
	UF_OK = 0,
	UF_E_INTERNAL = 1,	/* a bug */
	UF_E_USAGE = 2,		/* bad option, malformed URL */
	UF_E_OUTPUT = 3,	/* cannot write or rename the output */
	UF_E_NET = 4,		/* resolve, connect, reset, truncated */
	UF_E_CERT = 5,		/* certificate not acceptable */
	UF_E_TLS = 6,		/* handshake failed */
	UF_E_PROTO = 7,		/* malformed response, limits, arena */
	UF_E_HTTP = 8,		/* final status >= 400 */
	UF_E_TIMEOUT = 9,	/* -t or -m */
	UF_E_PIPE = 10		/* EPIPE on stdout: stop quietly */
};

/*
 * The error slot keeps the first error recorded since uf_err_clear()
 * and ignores later ones, as BearSSL's engine does: the first failure
 * is the cause, what follows is fallout. uf_fail() returns its err
 * argument so that callers can write "return uf_fail(...)".
 */
void		uf_err_clear(void);
enum uf_err	uf_fail(enum uf_err err, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
enum uf_err	uf_err_code(void);
const char	*uf_err_msg(void);

/* Monotonic time in nanoseconds. */
uint64_t	uf_now(void);

/*
 * Timeouts of one URL (CONTRACT section 4). step is T in nanoseconds
 * (0: none) and bounds each blocking step; end is the absolute -m
 * deadline (0: none). uf_deadline() starts a step now and returns its
 * absolute deadline, 0 when neither limit applies.
 */
struct uf_limits {
	uint64_t	step;
	uint64_t	end;
};

uint64_t	uf_deadline(const struct uf_limits *lim);

/*
 * Record a timeout of the step named by what ("connecting to ...",
 * "waiting for the response"), saying whether -m or -t tripped.
 */
enum uf_err	uf_fail_timeout(const struct uf_limits *lim, uint64_t dl,
		    const char *what);

/*
 * A step that finds its bytes waiting never waits, so it never sees
 * the -m deadline: a loop of such steps checks it with this. Returns
 * UF_OK while -m has not passed, else the timeout of what, recorded.
 */
enum uf_err	uf_check_end(const struct uf_limits *lim, const char *what);

/*
 * Copy src[0..len) into dst (capacity cap > 0) for a message, with
 * every byte outside printable ASCII replaced by '?', so that nothing
 * a server sends can drive the user's terminal. Always terminates dst.
 */
void		uf_sanitize(char *dst, size_t cap, const char *src,
		    size_t len);

/* The value of the hex digit c (either case), or -1. */
int		uf_hexval(unsigned c);

/* FNV-1a (64-bit) of p[0..len): a hash for lookups, not for secrets. */
uint64_t	uf_fnv1a(const void *p, size_t len);

/*
 * The first n[0..nlen) in h[0..hlen), or NULL: memmem() for the short
 * needles we look for ("://", PEM markers), without the C library's
 * two-way search (2.5 KB of the static binary for strstr and memmem).
 */
const char	*uf_find(const void *h, size_t hlen, const char *n,
		    size_t nlen);

/* -v: notes ("* ...") on stderr when uf_verbose is set. */
extern int	uf_verbose;

/* wget -S: each response head on stderr, lines after two spaces. */
extern int	uf_show_response;
void		uf_note(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/*
 * Write all of buf[0..len) to fd, retrying after EINTR and short
 * writes. Returns 0, or -1 with errno set.
 */
int		uf_write_all(int fd, const void *buf, size_t len);

#endif
