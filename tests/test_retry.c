/*
 * test_retry.c: which failures --retry tries again, and the waits.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "retry.h"

#define S	1000000000ull

static struct uf_http_resp *
resp(int status, unsigned flags, int64_t after)
{
	static struct uf_http_resp	r;

	memset(&r, 0, sizeof r);
	r.status = status;
	r.flags = flags;
	r.retry_after = after;
	return &r;
}

Test(retry, what_is_transient)
{
	static const struct {
		enum uf_err	err;
		int		status, sent, body, again;
	} rows[] = {
		{ UF_E_NET, 0, 0, 0, 1 },	/* refused */
		{ UF_E_NET, 0, 1, 0, 1 },	/* reset, cut */
		{ UF_E_TIMEOUT, 0, 1, 0, 1 },
		{ UF_E_NET, 0, 0, 1, 1 },	/* a POST never sent */
		{ UF_E_TIMEOUT, 0, 0, 1, 1 },
		{ UF_E_NET, 0, 1, 1, 0 },	/* a POST maybe acted on */
		{ UF_E_TIMEOUT, 200, 1, 1, 0 },
		{ UF_E_HTTP, 408, 1, 0, 1 }, { UF_E_HTTP, 429, 1, 0, 1 },
		{ UF_E_HTTP, 500, 1, 0, 1 }, { UF_E_HTTP, 502, 1, 0, 1 },
		{ UF_E_HTTP, 503, 1, 0, 1 }, { UF_E_HTTP, 504, 1, 0, 1 },
		{ UF_E_HTTP, 408, 1, 1, 1 }, { UF_E_HTTP, 429, 1, 1, 1 },
		{ UF_E_HTTP, 503, 1, 1, 1 },
		{ UF_E_HTTP, 500, 1, 1, 0 }, { UF_E_HTTP, 502, 1, 1, 0 },
		{ UF_E_HTTP, 504, 1, 1, 0 },
		{ UF_E_HTTP, 404, 1, 0, 0 }, { UF_E_HTTP, 501, 1, 0, 0 },
		{ UF_E_HTTP, 401, 1, 0, 0 },
		{ UF_E_CERT, 0, 0, 0, 0 }, { UF_E_TLS, 0, 0, 0, 0 },
		{ UF_E_PROTO, 0, 1, 0, 0 }, { UF_E_OUTPUT, 200, 1, 0, 0 },
		{ UF_E_USAGE, 0, 0, 0, 0 },
	};
	struct uf_retry_opts	o = { 5, 0, 0 };
	struct uf_retry		r;
	uint64_t		wait;
	size_t			i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		uf_retry_start(&r, &o);
		cr_expect_eq(uf_retry_next(&r, &o, rows[i].err,
		    resp(rows[i].status, 0, 0), rows[i].sent, rows[i].body,
		    &wait), rows[i].again, "row %zu", i);
	}
}

Test(retry, back_off_delay_and_count)
{
	struct uf_retry_opts	o = { 11, 0, 0 };
	struct uf_retry		r;
	uint64_t		wait, want = S;
	int			i;

	/* 1, 2, 4 ... 512 seconds, then 600 */
	uf_retry_start(&r, &o);
	for (i = 0; i < 11; i++) {
		cr_assert(uf_retry_next(&r, &o, UF_E_NET, NULL, 0, 0, &wait));
		cr_expect_eq(wait, want, "retry %d", i);
		want = want * 2 > UF_RETRY_BACKOFF_MAX ? UF_RETRY_BACKOFF_MAX
		    : want * 2;
	}
	cr_expect_eq(wait, UF_RETRY_BACKOFF_MAX);
	cr_expect_not(uf_retry_next(&r, &o, UF_E_NET, NULL, 0, 0, &wait));
	o.delay = S / 4;
	o.max = 2;
	uf_retry_start(&r, &o);
	cr_assert(uf_retry_next(&r, &o, UF_E_TIMEOUT, NULL, 1, 0, &wait));
	cr_expect_eq(wait, S / 4);
	cr_assert(uf_retry_next(&r, &o, UF_E_TIMEOUT, NULL, 1, 0, &wait));
	cr_expect_not(uf_retry_next(&r, &o, UF_E_TIMEOUT, NULL, 1, 0,
	    &wait));
	o.max = 0;
	uf_retry_start(&r, &o);
	cr_expect_not(uf_retry_next(&r, &o, UF_E_NET, NULL, 0, 0, &wait));
}

Test(retry, retry_after_and_max_time)
{
	struct uf_retry_opts	o = { 3, S / 10, 0 };
	struct uf_retry		r;
	uint64_t		wait;

	uf_retry_start(&r, &o);
	cr_assert(uf_retry_next(&r, &o, UF_E_HTTP, resp(503, UF_RESP_RETRY,
	    7), 1, 0, &wait));
	cr_expect_eq(wait, 7 * S, "Retry-After wins over --retry-delay");
	cr_assert(uf_retry_next(&r, &o, UF_E_HTTP, resp(429, UF_RESP_RETRY
	    | UF_RESP_RETRY_DATE, (int64_t)time(NULL) + 100), 1, 0, &wait));
	cr_expect(wait >= 98 * S && wait <= 100 * S, "%llu",
	    (unsigned long long)wait);
	cr_assert(uf_retry_next(&r, &o, UF_E_HTTP, resp(429, UF_RESP_RETRY
	    | UF_RESP_RETRY_DATE, 1000), 1, 0, &wait));
	cr_expect_eq(wait, 0, "a date past: at once");
	/* a wait that would end past --retry-max-time: no retry */
	o.max_time = 5 * S;
	uf_retry_start(&r, &o);
	cr_expect_not(uf_retry_next(&r, &o, UF_E_HTTP, resp(503,
	    UF_RESP_RETRY, 6), 1, 0, &wait));
	cr_expect(uf_retry_next(&r, &o, UF_E_HTTP, resp(503, UF_RESP_RETRY,
	    4), 1, 0, &wait));
	cr_expect_eq(r.done, 1);
}
