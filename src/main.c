/*
 * main.c: a run of ufetch: the process set up, the command line read
 * (opts.c), the URL list walked (urls.c), each URL fetched (job.c), or
 * with -P many at once (parallel.c), and the run's exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "arena.h"
#include "job.h"
#include "msg.h"
#include "opts.h"
#include "parallel.h"
#include "urls.h"

static struct uf_run_opts	opt;
static struct uf_jobs		jobs;
static struct uf_urls		urls;
static struct uf_item		items[2];	/* the current URL and the next */

/*
 * A closed 0, 1 or 2 would be handed to the first socket we open, and
 * the body written to the server. Occupy them with the read end of a
 * pipe whose writer is gone: reading it is the end of the input, and
 * writing fails, so a body for a closed stdout fails (3) instead of
 * vanishing. No /dev/null: a bare root may have no /dev at all.
 */
static int
fill_std(void)
{
	int	p[2], i, rd = -1;

	for (i = 0; i < 3; i++) {
		if (fcntl(i, F_GETFD) != -1 || errno != EBADF) {
			continue;
		}
		if (rd < 0) {
			if (pipe(p) != 0) {
				return -1;
			}
			/* Above 2, so that both ends leave 0-2 free again. */
			rd = fcntl(p[0], F_DUPFD_CLOEXEC, 3);
			close(p[0]);
			close(p[1]);
		}
		if (rd < 0 || dup2(rd, i) != i) {
			return -1;
		}
	}
	if (rd >= 0) {
		close(rd);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct uf_item		*cur, *nxt;
	struct uf_outcome	oc;
	int			rc, have_next;

	if (fill_std() != 0) {
		return UF_E_INTERNAL;
	}
	/* Socket writes use MSG_NOSIGNAL; stdout's EPIPE is handled. */
	signal(SIGPIPE, SIG_IGN);
	/* Over RLIMIT_FSIZE, write() fails with EFBIG and we clean up. */
	signal(SIGXFSZ, SIG_IGN);

	rc = uf_opts_parse(&opt, argc, argv);
	if (rc >= 0) {
		return rc;
	}
	if (uf_jobs_init(&jobs, &opt, uf_arena_main()) != UF_OK) {
		/* A bad -o FILE or -x. */
		return uf_err_code() == UF_E_USAGE ? uf_opts_bad("%s",
		    uf_err_msg()) : (int)uf_err_code();
	}
	uf_verbose = opt.verbose && !opt.silent;
	uf_msg_init(opt.silent, opt.show_error, jobs.prog_on ? &jobs.prog
	    : NULL);
	uf_proxy_cfg_env(&opt.fo.proxy);
	uf_urls_init(&urls, opt.nurls, opt.urls);
	cur = &items[0];
	if (opt.parallel > 1) {
		uf_parallel_run(&jobs, &urls);
		cur->kind = UF_ITEM_END;	/* all done */
	} else {
		uf_urls_next(&urls, cur, 0);
	}
	while (cur->kind != UF_ITEM_END && !jobs.pipe_closed) {
		nxt = cur == &items[0] ? &items[1] : &items[0];
		/* Peek at the next URL, but never wait for a slow list. */
		have_next = uf_urls_next(&urls, nxt, 1);
		if (cur->kind == UF_ITEM_ERROR) {
			uf_msg(cur->where, "%s", cur->msg);
			uf_jobs_record(&jobs, UF_E_USAGE);
		} else {
			uf_jobs_run(&jobs, cur->url, have_next
			    && nxt->kind == UF_ITEM_URL ? nxt->url : NULL, &oc);
		}
		if (!have_next) {
			uf_urls_next(&urls, nxt, 0);
		}
		cur = nxt;
	}
	rc = uf_jobs_finish(&jobs);
	if (jobs.pipe_closed) {
		/*
		 * End as any filter does when its reader goes away, whatever
		 * happened to earlier URLs: the shell sees 141.
		 */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	return rc;
}
