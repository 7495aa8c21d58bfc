/*
 * retry.h: --retry. Which failures are transient, and how long to
 * wait before the next attempt: Retry-After when the server sent one,
 * else --retry-delay, else 1, 2, 4 ... seconds (at most
 * UF_RETRY_BACKOFF_MAX). The caller (job.c) makes the attempts, and
 * decides what the output can carry over from one to the next.
 *
 * Transient: the network (refused, reset, unreachable, a name not
 * found, a cut transfer: UF_E_NET), a timeout (UF_E_TIMEOUT), and the
 * statuses 408, 429, 500, 502, 503 and 504. A request with a body is
 * retried only when the server cannot have acted on it: nothing was
 * sent, or it answered 408, 429 or 503.
 */
#ifndef UF_RETRY_H
#define UF_RETRY_H

#include <stdint.h>

#include "http.h"
#include "ufetch.h"

/* The longest wait of the back-off (as curl's): 10 minutes. */
#define UF_RETRY_BACKOFF_MAX	(600 * 1000000000ull)

/* The options; owned by the caller. */
struct uf_retry_opts {
	unsigned	max;		/* --retry: retries after the first */
	uint64_t	delay;		/* --retry-delay in ns; 0: back off */
	uint64_t	max_time;	/* --retry-max-time in ns; 0: none */
};

/* One URL's retries so far; uf_retry_start() before its first attempt. */
struct uf_retry {
	unsigned	done;		/* retries made */
	uint64_t	end;		/* no retry starts after (uf_now()) */
	uint64_t	backoff;	/* the next back-off wait, ns */
};

void	uf_retry_start(struct uf_retry *r, const struct uf_retry_opts *o);

/* Is a final status transient, for a request with or without a body? */
int	uf_retry_status(int status, int has_body);

/*
 * An attempt failed with err; resp is its final response (status 0:
 * none came), sent whether any of the request went out, has_body
 * whether it had one. Returns 1 with *wait (ns) when it is to be tried
 * again, else 0: not transient, no retry left, or a wait that would
 * end past --retry-max-time.
 */
int	uf_retry_next(struct uf_retry *r, const struct uf_retry_opts *o,
	    enum uf_err err, const struct uf_http_resp *resp, int sent,
	    int has_body, uint64_t *wait);

#endif
