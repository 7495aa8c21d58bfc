/*
 * progress.h: the progress line on standard error.
 *
 * It owns one line of the terminal while a body arrives: bytes so
 * far, rate and, when the length is known, percentage and ETA. The
 * caller decides whether it is wanted at all (stderr a terminal, no
 * -q or -s) by handing a struct uf_progress to the output (struct
 * uf_out's prog) or not; when it is not, nothing here runs.
 *
 * Life of one URL: uf_progress_start() when the final response head
 * is known, uf_progress_update() from the output after each write
 * (redraws at most every UF_PROGRESS_TICK), uf_progress_end() when the
 * URL is over: the last state is drawn and the line ended with a
 * newline, so the line stays as a record, as with wget and curl.
 * Anything else written to stderr while a line is on screen must call
 * uf_progress_break() first, so that it starts at column 0.
 *
 * Never prints anything a server sent (no names): only numbers.
 */
#ifndef UF_PROGRESS_H
#define UF_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/* Redraw at most this often (ns): 4 times a second. */
#define UF_PROGRESS_TICK	250000000u

/* A length, rate or time that is not known. */
#define UF_PROGRESS_UNKNOWN	UINT64_MAX

/* The rate is measured over the last UF_PROGRESS_WINDOW redraws. */
#define UF_PROGRESS_WINDOW	16

/*
 * Longest line drawn; stays within 79 columns. A narrower terminal
 * (TIOCGWINSZ, asked again after each SIGWINCH) gets the fields that
 * fit in one column less than its width: a line that reached the last
 * column would wrap, and every redraw would scroll.
 */
#define UF_PROGRESS_COLS	79

struct uf_progress_sample {
	uint64_t	t;		/* uf_now() */
	uint64_t	bytes;		/* done at t */
};

struct uf_progress {
	int		fd;		/* where to draw (2) */
	int		active;		/* between start and end */
	int		shown;		/* a line is on screen, not ended */
	size_t		width;		/* of the line on screen */
	size_t		cols;		/* the terminal's; 0: ask it */
	uint64_t	have;		/* bytes there before (resume) */
	uint64_t	total;		/* have + length, or UNKNOWN */
	uint64_t	base;		/* out->written at start */
	uint64_t	done;		/* have + bytes written since */
	uint64_t	t0, last;	/* start, last redraw */
	struct uf_progress_sample	win[UF_PROGRESS_WINDOW];
	unsigned	nwin, iwin;	/* samples held, next slot */
	const char	*label;		/* drawn first; NULL: none */
};

/*
 * The longest label drawn (-P: URLs done and started); with it, a
 * line without a total still fits in UF_PROGRESS_COLS.
 */
#define UF_PROGRESS_LABEL	32

/* Set p up to draw on fd, inactive. */
void	uf_progress_init(struct uf_progress *p, int fd);

/*
 * A body starts: have bytes are already there (a resumed download;
 * 0 otherwise), length more are coming (UF_PROGRESS_UNKNOWN when the
 * response does not say), and the output's byte count is now written.
 * Draws nothing yet: a body done within a tick shows only its end.
 */
void	uf_progress_start(struct uf_progress *p, uint64_t have,
	    uint64_t length, uint64_t written);

/* The output's byte count is now written; redraw if a tick passed. */
void	uf_progress_update(struct uf_progress *p, uint64_t written);

/*
 * The URL is over (ok: the whole body arrived). If a body was started,
 * draw the final state (average rate and time taken) and end the line.
 */
void	uf_progress_end(struct uf_progress *p, int ok);

/* End a line on screen with a newline, so the next write is clean. */
void	uf_progress_break(struct uf_progress *p);

/*
 * Formatting, for the above and the unit tests. uf_progress_size()
 * writes n bytes in binary units ("999 B", "1.5 KiB", "12.0 MiB");
 * uf_progress_time() writes seconds as "m:ss" or "h:mm:ss" ("--:--"
 * when unknown or over 99 hours). uf_progress_line() writes one line:
 * with total known, " 42% 1.2 MiB of 2.9 MiB  310.0 KiB/s  ETA 0:05",
 * else "1.2 MiB  310.0 KiB/s"; rate in bytes per second; secs is the
 * ETA, or with fin set the time taken ("in 0:08"). All return the
 * length written; cap must be at least UF_PROGRESS_COLS + 1.
 */
size_t	uf_progress_size(char *buf, size_t cap, uint64_t n);
size_t	uf_progress_time(char *buf, size_t cap, uint64_t secs);
size_t	uf_progress_line(char *buf, size_t cap, uint64_t done,
	    uint64_t total, uint64_t rate, uint64_t secs, int fin);

/*
 * How much of line[0..n) to draw in width columns: all of it when it
 * fits, else up to the last field (fields end at two spaces) that
 * fits, else width.
 */
size_t	uf_progress_fit(const char *line, size_t n, size_t width);

#endif
