/*
 * opts.h: the command line, read once, before the first URL, into
 * struct uf_run_opts, which nothing changes after that. Busybox wget's
 * command line (wget.c, when ufetch runs as "wget") is read into the
 * same struct.
 */
#ifndef UF_OPTS_H
#define UF_OPTS_H

#include <limits.h>

#include "auth.h"
#include "date.h"
#include "fetch.h"
#include "netrc.h"
#include "retry.h"
#include "trust.h"

/* Most -H options; each is a pointer into argv. */
#define UF_MAX_HEADERS	64

/*
 * What an option does (struct uf_optdef's id): its short letter where
 * it has one, else one of these. The wget personality (wget.c) hands
 * back the same ids.
 */
enum {
	UF_OPT_MAX_REDIRS = 0x100,
	UF_OPT_CACERT,
	UF_OPT_CAPATH,
	UF_OPT_NOPROXY,
	UF_OPT_NETRC,
	UF_OPT_NETRC_FILE,
	UF_OPT_FAIL_BODY,
	UF_OPT_RETRY,
	UF_OPT_RETRY_DELAY,
	UF_OPT_RETRY_MAX_TIME,
	UF_OPT_NEWER,		/* wget -N: -z the output file, and -R */
	UF_OPT_PARALLEL_HOST,
	UF_OPT_SHARD
};

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
	int		show_error;	/* -S: the failure lines even with -s */
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
	const char	*auth;		/* -u as an Authorization value */
	const char	*netrc;		/* the .netrc read, for messages */
	size_t		netrc_len;	/* its bytes in netrc_text */
	const char	*write_out;	/* -w */
	struct uf_retry_opts retry;
	const char	*ims;		/* -z as If-Modified-Since */
	int		ims_output;	/* wget -N: the output file's time */
	int		remote_time;	/* -R */
	int		in_place;	/* wget -c: FILE itself */
	char		auth_buf[UF_BASIC_AUTH_CAP(UF_USERINFO_MAX)];
	char		netrc_buf[PATH_MAX];
	char		ims_buf[UF_DATE_LEN + 1];
	char		netrc_text[UF_NETRC_FILE_MAX + 1];
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
