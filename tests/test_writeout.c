/*
 * test_writeout.c: -w formats, each written to a pipe and read back.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "writeout.h"

static const struct uf_wo	vals = {
	422, "http://h/x?y", 1234567, 2500000000ull, 3, "text/plain", 8,
	"HTTP Error 422: Nope"
};

/* What fmt comes to with v. */
static const char *
written(const char *fmt, const struct uf_wo *v)
{
	static char	buf[4096];
	int		p[2];
	ssize_t		n;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(uf_writeout(p[1], fmt, v), 0);
	close(p[1]);
	n = read(p[0], buf, sizeof buf - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

Test(writeout, table)
{
	static const struct {
		const char	*fmt, *want;
	} rows[] = {
		{ "%{http_code}\\n", "422\n" },
		{ "%{response_code}", "422" },
		{ "%{url_effective}", "http://h/x?y" },
		{ "%{size_download} %{num_redirects} %{exitcode}",
		    "1234567 3 8" },
		{ "%{time_total}", "2.500000" },
		{ "%{content_type}|%{errormsg}",
		    "text/plain|HTTP Error 422: Nope" },
		{ "100%% \\t\\\\\\r", "100% \t\\\r" },
		{ "% %x \\q \\", "% %x \\q \\" },
		{ "", "" },
		{ "%{http_code}%{http_code}", "422422" },
	};
	size_t	i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		cr_expect_null(uf_writeout_check(rows[i].fmt), "%s",
		    rows[i].fmt);
		cr_expect_str_eq(written(rows[i].fmt, &vals), rows[i].want,
		    "%s", rows[i].fmt);
	}
}

/* No response: 000; microseconds; values that run past the buffer. */
Test(writeout, edges)
{
	static char	fmt[2100], want[3000];
	struct uf_wo	v = vals;
	size_t		i;

	v.http_code = 0;
	v.ns = 1999;
	cr_expect_str_eq(written("%{http_code} %{time_total}", &v),
	    "000 0.000001");
	for (i = 0; i + 16 < sizeof fmt; i += 16) {
		memcpy(fmt + i, "%{http_code}abcd", 16);
		memcpy(want + i / 16 * 7, "000abcd", 7);
	}
	cr_expect_str_eq(written(fmt, &v), want);
}

Test(writeout, check_names_the_bad_variable)
{
	static const char	*const bad[] = {
		"%{bogus}", "a %{http_code} %{Http_code}", "%{http_code",
		"%{http_code }", "%{}",
	};
	static const char	*const at[] = {
		"%{bogus}", "%{Http_code}", "%{http_code", "%{http_code }",
		"%{}",
	};
	size_t	i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_expect_str_eq(uf_writeout_check(bad[i]), at[i], "%s",
		    bad[i]);
	}
}
