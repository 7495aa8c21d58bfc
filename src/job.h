/*
 * job.h: the URLs of a run, one at a time: each from its string to its
 * exit status. A URL is parsed, gets its output (standard output, the
 * run's -o FILE, or its own -O FILE) and its credentials (-u, .netrc),
 * is fetched over the run's connection (again, for --retry, carrying
 * over what the output holds), and its output is committed or
 * aborted: a 304 never replaces a file. A failure is one line on
 * stderr and, if it is the run's first, its exit status; -w writes
 * its line after each URL.
 *
 * Every URL starts from the same arena mark, taken after the run's
 * connection memory: one URL's memory never outlives it. What one
 * URL's attempts share is a struct uf_job, never a global.
 */
#ifndef UF_JOB_H
#define UF_JOB_H

#include "auth.h"
#include "conn.h"
#include "date.h"
#include "fetch.h"
#include "netrc.h"
#include "opts.h"
#include "out.h"
#include "progress.h"
#include "retry.h"

/* One URL: what its attempts share. */
struct uf_job {
	const char	*arg;		/* the URL as given */
	struct uf_url	u;
	struct uf_out	*out;
	struct uf_xfer	x;
	struct uf_retry	retry;
	uint64_t	t0;		/* when it began (uf_now()) */
	uint64_t	base;		/* the output's size before it */
	uint64_t	size;		/* body bytes of all its attempts */
	char		auth[UF_BASIC_AUTH_CAP(2 * UF_NETRC_WORD + 1)];
	char		ims[UF_DATE_LEN + 1];	/* wget -N */
	char		validator[UF_VAL_MAX + 1];	/* for If-Range */
};

struct uf_jobs {
	const struct uf_run_opts	*o;
	struct uf_arena			*a;
	size_t				mark;	/* where each URL starts */
	struct uf_conn			conn;	/* kept between URLs */
	struct uf_out			out_file; /* -o FILE, for the run */
	struct uf_out			out_url;  /* stdout or -O, per URL */
	struct uf_progress		prog;
	int				prog_on;
	unsigned long			nfetched; /* URLs tried */
	int				status;	/* of the first failure */
	int				pipe_closed;
	int				filled;	/* -o FILE got a body */
	int				broken;	/* -o FILE missed one */
};

/*
 * Set j up for the options o, over the arena a: the connection's memory
 * comes from a, below the mark every URL starts from. Returns UF_OK,
 * or the error recorded (UF_E_USAGE: a bad -o FILE or -x; UF_E_INTERNAL:
 * no room).
 */
enum uf_err	uf_jobs_init(struct uf_jobs *j, const struct uf_run_opts *o,
		    struct uf_arena *a);

/*
 * Fetch the URL string arg (next: the URL after it, when known without
 * waiting, to keep the connection for it when it has the same origin)
 * and record its outcome.
 */
void	uf_jobs_run(struct uf_jobs *j, const char *arg, const char *next);

/* A failure that is no fetch (a bad line in a URL list): recorded. */
void	uf_jobs_record(struct uf_jobs *j, enum uf_err err);

/*
 * The run is over: close the connection, commit -o FILE if every URL
 * succeeded (or kept its error's body, --fail-with-body) and one was
 * not a 304, else abort it (keeping a part -c can resume). Returns the
 * run's exit status; j->pipe_closed says the run must end as a filter
 * whose reader went away (SIGPIPE).
 */
int	uf_jobs_finish(struct uf_jobs *j);

#endif
