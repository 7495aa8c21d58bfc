/*
 * progress.c: the progress line on standard error (see progress.h).
 *
 * Integers only. The line is redrawn in place with "\r" and padded
 * with spaces over a longer previous line, rather than erased with an
 * escape sequence, so that it also works on terminals without them.
 */
#include <sys/ioctl.h>

#include <signal.h>
#include <string.h>

#include "fmt.h"
#include "progress.h"
#include "ufetch.h"

#define NS	1000000000u
#define MS	1000000u

/* A rate over less time than this is noise: not shown. */
#define MIN_SPAN	(100 * MS)

/* see progress.h */
size_t
uf_progress_size(char *buf, size_t cap, uint64_t n)
{
	static const char	*const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	uint64_t		unit = 1024;
	unsigned		i = 0;
	int			len;

	if (n < 1024) {
		len = uf_snprintf(buf, cap, "%u B", (unsigned)n);
		return len > 0 ? (size_t)len : 0;
	}
	while (i < 5 && n / unit >= 1024) {
		unit *= 1024;
		i++;
	}
	/* Tenths, rounded down: "1023.9" never becomes "1024.0". */
	len = uf_snprintf(buf, cap, "%llu.%u %s", (unsigned long long)(n / unit),
	    (unsigned)((n % unit) * 10 / unit), units[i]);
	return len > 0 ? (size_t)len : 0;
}

/* see progress.h */
size_t
uf_progress_time(char *buf, size_t cap, uint64_t secs)
{
	int	len;

	if (secs == UF_PROGRESS_UNKNOWN || secs >= 100 * 3600) {
		len = uf_snprintf(buf, cap, "--:--");
	} else if (secs < 3600) {
		len = uf_snprintf(buf, cap, "%u:%02u", (unsigned)(secs / 60),
		    (unsigned)(secs % 60));
	} else {
		len = uf_snprintf(buf, cap, "%u:%02u:%02u",
		    (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
		    (unsigned)(secs % 60));
	}
	return len > 0 ? (size_t)len : 0;
}

/* done as a percentage of total, at most 100, without overflow. */
static unsigned
percent(uint64_t done, uint64_t total)
{
	uint64_t	pct;

	if (done >= total) {
		return 100;
	}
	pct = total <= UINT64_MAX / 100 ? done * 100 / total
	    : done / (total / 100);
	return pct > 100 ? 100 : (unsigned)pct;
}

/* see progress.h */
size_t
uf_progress_line(char *buf, size_t cap, uint64_t done, uint64_t total,
    uint64_t rate, uint64_t secs, int fin)
{
	size_t	n = 0;

	if (total != UF_PROGRESS_UNKNOWN) {
		n += (size_t)uf_snprintf(buf, cap, "%3u%% ", percent(done, total));
	}
	n += uf_progress_size(buf + n, cap - n, done);
	if (total != UF_PROGRESS_UNKNOWN) {
		n += (size_t)uf_snprintf(buf + n, cap - n, " of ");
		n += uf_progress_size(buf + n, cap - n, total);
	}
	n += (size_t)uf_snprintf(buf + n, cap - n, "  ");
	if (rate == UF_PROGRESS_UNKNOWN) {
		n += (size_t)uf_snprintf(buf + n, cap - n, "-- B/s");
	} else {
		n += uf_progress_size(buf + n, cap - n, rate);
		n += (size_t)uf_snprintf(buf + n, cap - n, "/s");
	}
	if (fin) {
		n += (size_t)uf_snprintf(buf + n, cap - n, "  in ");
		n += uf_progress_time(buf + n, cap - n, secs);
	} else if (total != UF_PROGRESS_UNKNOWN) {
		n += (size_t)uf_snprintf(buf + n, cap - n, "  ETA ");
		n += uf_progress_time(buf + n, cap - n, secs);
	}
	return n;
}

/* bytes over ns nanoseconds, per second (ns >= 1 ms). */
static uint64_t
per_sec(uint64_t bytes, uint64_t ns)
{
	uint64_t	ms = ns / MS;

	return bytes <= UINT64_MAX / 1000 ? bytes * 1000 / ms
	    : bytes / ms * 1000;
}

/* see progress.h */
size_t
uf_progress_fit(const char *line, size_t n, size_t width)
{
	size_t	k;

	if (n <= width) {
		return n;
	}
	for (k = width; k > 0; k--) {
		if (k + 1 < n && line[k] == ' ' && line[k + 1] == ' ') {
			return k;
		}
	}
	return width;
}

/* The terminal was resized: its width is asked again before a draw. */
static volatile sig_atomic_t	resized;

static void
on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

/* see progress.h */
void
uf_progress_init(struct uf_progress *p, int fd)
{
	memset(p, 0, sizeof *p);
	p->fd = fd;
}

static void
push(struct uf_progress *p, uint64_t t)
{
	p->win[p->iwin].t = t;
	p->win[p->iwin].bytes = p->done;
	p->iwin = (p->iwin + 1) % UF_PROGRESS_WINDOW;
	if (p->nwin < UF_PROGRESS_WINDOW) {
		p->nwin++;
	}
}

/* see progress.h */
void
uf_progress_start(struct uf_progress *p, uint64_t have, uint64_t length,
    uint64_t written)
{
	if (p->cols == 0) {
		/* musl's and glibc's signal(): SA_RESTART semantics. */
		(void)signal(SIGWINCH, on_winch);
		resized = 1;
	}
	p->active = 1;
	p->have = have;
	p->total = length == UF_PROGRESS_UNKNOWN || have > UINT64_MAX - length
	    ? UF_PROGRESS_UNKNOWN : have + length;
	p->base = written;
	p->done = have;
	p->t0 = p->last = uf_now();
	p->nwin = p->iwin = 0;
	push(p, p->t0);
}

/* Replace the line on screen with buf[0..n). */
static void
draw(struct uf_progress *p, const char *line, size_t n)
{
	char		buf[2 * UF_PROGRESS_COLS + 2];
	struct winsize	ws;
	size_t		len = 0;

	if (resized) {
		resized = 0;
		p->cols = ioctl(p->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1
		    && ws.ws_col <= UF_PROGRESS_COLS ? ws.ws_col - 1u
		    : UF_PROGRESS_COLS;
	}
	n = uf_progress_fit(line, n, p->cols);
	buf[len++] = '\r';
	memcpy(buf + len, line, n);
	len += n;
	/* Spaces over the rest of a longer line drawn before. */
	while (len - 1 < p->width && len - 1 < p->cols) {
		buf[len++] = ' ';
	}
	p->width = n;
	p->shown = 1;
	(void)uf_write_all(p->fd, buf, len);
}

/* Draw the line: the label, then the numbers. */
static void
labelled(struct uf_progress *p, uint64_t rate, uint64_t secs, int fin)
{
	char	line[UF_PROGRESS_LABEL + UF_PROGRESS_COLS + 1];
	size_t	n = 0;

	if (p->label != NULL) {
		n = (size_t)uf_snprintf(line, UF_PROGRESS_LABEL + 1, "%s",
		    p->label);
		n = n > UF_PROGRESS_LABEL ? UF_PROGRESS_LABEL : n;
	}
	draw(p, line, n + uf_progress_line(line + n, sizeof line - n, p->done,
	    p->total, rate, secs, fin));
}

/* see progress.h */
void
uf_progress_update(struct uf_progress *p, uint64_t written)
{
	const struct uf_progress_sample	*old;
	uint64_t	now, rate = UF_PROGRESS_UNKNOWN;
	uint64_t	eta = UF_PROGRESS_UNKNOWN;

	if (!p->active) {
		return;
	}
	p->done = p->have + (written - p->base);
	now = uf_now();
	if (now - p->last < UF_PROGRESS_TICK) {
		return;
	}
	p->last = now;
	/* The oldest sample of the window: the rate of the last seconds. */
	old = &p->win[p->nwin < UF_PROGRESS_WINDOW ? 0 : p->iwin];
	if (now - old->t >= MIN_SPAN) {
		rate = per_sec(p->done - old->bytes, now - old->t);
	}
	push(p, now);
	if (p->total != UF_PROGRESS_UNKNOWN && rate != UF_PROGRESS_UNKNOWN
	    && rate > 0 && p->done <= p->total) {
		eta = (p->total - p->done) / rate
		    + ((p->total - p->done) % rate != 0);
	}
	labelled(p, rate, eta, 0);
}

/* see progress.h */
void
uf_progress_end(struct uf_progress *p, int ok)
{
	uint64_t	took, rate = UF_PROGRESS_UNKNOWN;

	(void)ok;	/* a failure's line shows how far it got, no more */
	if (!p->active) {
		return;
	}
	p->active = 0;
	took = uf_now() - p->t0;
	if (took >= MIN_SPAN) {
		rate = per_sec(p->done - p->have, took);
	}
	labelled(p, rate, (took + NS / 2) / NS, 1);
	uf_progress_break(p);
}

/* see progress.h */
void
uf_progress_break(struct uf_progress *p)
{
	if (p->shown) {
		(void)uf_write_all(p->fd, "\n", 1);
		p->shown = 0;
		p->width = 0;
	}
}
