/*
 * parallel.h: -P N, up to N URLs of the run in flight at once, each in a
 * worker process of its own that runs job.c as a serial run does,
 * their output put out in list order.
 *
 * What holds, as in a serial run: standard output (or -o FILE) gets
 * each URL's bytes whole and in list order, byte for byte what the
 * serial run writes; stderr gets each URL's lines in list order, after
 * its bytes; the run's status is that of the first URL in list order
 * that failed. A URL's bytes that come before its turn wait in an
 * unnamed temporary file, never in memory.
 *
 * What is kept: nothing that grows with the list. The parent holds a
 * window of at most 4 N URLs (in flight, or done and waiting for their
 * turn) and the next URL of the list; each worker is one static arena
 * and one connection, as a serial run.
 */
#ifndef UF_PARALLEL_H
#define UF_PARALLEL_H

#include "job.h"
#include "urls.h"

/*
 * Fetch every URL of s with j's options, j->o->parallel at a time, at
 * most j->o->parallel_host of them connected to one origin. Returns
 * once every URL is done and written, its status recorded in j
 * (uf_jobs_finish() ends the run as after a serial one), or early:
 * when standard output has no reader (j's pipe_closed set) or when a
 * worker died (UF_E_INTERNAL, said). No worker outlives the call.
 */
void	uf_parallel_run(struct uf_jobs *j, struct uf_urls *s);

#endif
