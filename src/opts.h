/*
 * opts.h: the command line, read once, before the first URL, into
 * struct uf_run_opts, which nothing changes after that. Busybox wget's
 * command line (wget.c, when ufetch runs as "wget") is read into the
 * same struct.
 */
#ifndef UF_OPTS_H
#define UF_OPTS_H

#include "fetch.h"
#include "trust.h"

/* Most -H options; each is a pointer into argv. */
#define UF_MAX_HEADERS	64

/*
 * -P at most: each slot is a process of its own (parallel.h), and the
 * scheduler holds a few descriptors for each URL in flight or waiting
 * for its turn, well below the usual limit of 1024.
 */
#define UF_PARALLEL_MAX	64

/* --parallel-host by default: the connections browsers open per host. */
#define UF_PARALLEL_HOST	6

struct uf_run_opts {
	struct uf_opts	fo;		/* what every fetch gets */
	const char	*output;	/* -o FILE; NULL: none */
	int		remote_name;	/* -O */
	const char	*dir;		/* wget -P: where -O files go */
	int		silent;		/* -s */
	int		quiet;		/* -q */
	int		verbose;	/* -v */
	const char	*hdrs[UF_MAX_HEADERS];
	const char	*cacert, *capath;
	struct uf_trust	trust;
	struct uf_body	body;		/* -d */
	int		body_stdin;	/* -d @- */
	unsigned	parallel;	/* -P: URLs in flight; 1: serial */
	unsigned	parallel_host;	/* --parallel-host */
	unsigned	shard, shards;	/* --shard I/N, 1 <= I <= N; 0/0: all */
	int		nurls;		/* the URL arguments */
	char		**urls;
};

/*
 * Read argv into o, check what depends on several options, and choose
 * the trust stores (nothing is read yet). Returns -1 to go on with the
 * URLs, or the exit status to end with now: 0 after -h or -V, 2 after
 * a usage error (its message printed, even under -s).
 */
int	uf_opts_parse(struct uf_run_opts *o, int argc, char **argv);

/*
 * A usage error: fmt with arg (sanitized) as its one %s, printed even
 * under -s, and where help is. Returns 2 (UF_E_USAGE).
 */
int	uf_opts_bad(const char *fmt, const char *arg);

#endif
