/*
 * retry.c: what is transient, and how long to wait (see retry.h).
 */
#include <time.h>

#include "retry.h"

#define NS	1000000000ull

/* see retry.h */
void
uf_retry_start(struct uf_retry *r, const struct uf_retry_opts *o)
{
	r->done = 0;
	r->backoff = NS;
	r->end = o->max_time != 0 ? uf_now() + o->max_time : 0;
}

/* see retry.h */
int
uf_retry_status(int status, int has_body)
{
	switch (status) {
	case 408:	/* Request Timeout: it was not processed */
	case 429:	/* Too Many Requests: nor this */
	case 503:	/* Service Unavailable: nor this */
		return 1;
	case 500:
	case 502:
	case 504:
		return !has_body;
	}
	return 0;
}

/* see retry.h */
int
uf_retry_next(struct uf_retry *r, const struct uf_retry_opts *o,
    enum uf_err err, const struct uf_http_resp *resp, int sent,
    int has_body, uint64_t *wait)
{
	int	status = resp != NULL ? resp->status : 0;
	int64_t	secs;

	if (r->done >= o->max) {
		return 0;
	}
	if (err == UF_E_HTTP) {
		if (!uf_retry_status(status, has_body)) {
			return 0;
		}
	} else if ((err != UF_E_NET && err != UF_E_TIMEOUT)
	    || (has_body && sent)) {
		return 0;
	}
	if (err == UF_E_HTTP && (resp->flags & UF_RESP_RETRY)) {
		secs = resp->retry_after;
		if (resp->flags & UF_RESP_RETRY_DATE) {
			secs -= (int64_t)time(NULL);
		}
		*wait = secs <= 0 ? 0 : (uint64_t)secs * NS;
	} else if (o->delay != 0) {
		*wait = o->delay;
	} else {
		*wait = r->backoff;
		r->backoff = r->backoff * 2 < UF_RETRY_BACKOFF_MAX
		    ? r->backoff * 2 : UF_RETRY_BACKOFF_MAX;
	}
	/* A retry that would start past --retry-max-time is none. */
	if (r->end != 0 && uf_now() + *wait >= r->end) {
		return 0;
	}
	r->done++;
	return 1;
}
