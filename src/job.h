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
	int				worker;	/* see uf_jobs_worker() */
};

/*
 * Set j up for the options o, over the arena a: the connection's memory
 * comes from a, below the mark every URL starts from. Returns UF_OK,
 * or the error recorded (UF_E_USAGE: a bad -o FILE or -x; UF_E_INTERNAL:
 * no room).
 */
enum uf_err	uf_jobs_init(struct uf_jobs *j, const struct uf_run_opts *o,
		    struct uf_arena *a);

/* A URL's outcome, as a worker reports it to the scheduler (-P). */
struct uf_outcome {
	enum uf_err	err;
	int		kept;	/* its body went whole to the output (also
				   on failure: --fail-with-body) */
	int		fresh;	/* kept, and not a 304's */
	uint64_t	bytes;	/* body bytes, all its attempts */
};

/*
 * Fetch the URL string arg (next: the URL after it, when known without
 * waiting, to keep the connection for it when it has the same origin),
 * record its outcome and set *oc to it. With --shard, a URL of another
 * shard is skipped: UF_OK, nothing written.
 */
void	uf_jobs_run(struct uf_jobs *j, const char *arg, const char *next,
	    struct uf_outcome *oc);

/* -P: record the outcome a worker reported, in list order. */
void	uf_jobs_tally(struct uf_jobs *j, const struct uf_outcome *oc);

/*
 * What the scheduler needs to know of the URL string arg, hashed: its
 * origin, and with -O the name of its file (*name; 0 without -O). Both
 * are 0 when arg does not parse, never 0 otherwise. --shard takes the
 * origin's FNV-1a of "scheme://host:port" (host in lower case, port
 * always written) modulo N.
 */
uint64_t	uf_jobs_origin(struct uf_jobs *j, const char *arg,
		    uint64_t *name);

/*
 * -P (parallel.h): this process is a worker. Every body goes to standard
 * output, even with -o FILE (the scheduler puts them there in list
 * order), and it draws no progress (the scheduler draws the run's).
 */
void	uf_jobs_worker(struct uf_jobs *j);

/*
 * -P: where the scheduler writes the bodies in list order: -o FILE's
 * output (committed by uf_jobs_finish()), or standard output; and the
 * run's progress line, NULL when none is drawn.
 */
struct uf_out	*uf_jobs_sink(struct uf_jobs *j);
struct uf_progress *uf_jobs_progress(struct uf_jobs *j);

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
