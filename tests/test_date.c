/*
 * test_date.c: HTTP dates, both ways, and the day count under them.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "date.h"

Test(date, the_three_formats_and_what_is_refused)
{
	static const struct {
		const char	*in;
		int		ok;
		int64_t		t;
	} rows[] = {
		{ "Sun, 06 Nov 1994 08:49:37 GMT", 1, 784111777 },
		{ "Sunday, 06-Nov-94 08:49:37 GMT", 1, 784111777 },
		{ "Sun Nov  6 08:49:37 1994", 1, 784111777 },
		{ "Sun Nov 16 08:49:37 1994", 1, 784111777 + 10 * 86400 },
		{ "  Thu, 01 Jan 1970 00:00:00 GMT\t", 1, 0 },
		{ "Wed, 31 Dec 1969 23:59:59 GMT", 1, -1 },
		{ "Tue, 29 Feb 2000 12:00:00 GMT", 1, 951825600 },
		{ "Thursday, 01-Jan-32 00:00:00 GMT", 1, 1956528000 },
		{ "Fri, 31 Dec 9999 23:59:59 GMT", 1, 253402300799 },
		{ "", 0, 0 },
		{ "Sun, 06 Nov 1994", 0, 0 },		/* no time */
		{ "Sun, 06 Xyz 1994 08:49:37 GMT", 0, 0 },
		{ "Sun, 32 Nov 1994 08:49:37 GMT", 0, 0 },
		{ "Sun, 00 Nov 1994 08:49:37 GMT", 0, 0 },
		{ "Sun, 06 Nov 1994 24:00:00 GMT", 0, 0 },
		{ "Sun, 06 Nov 1994 08:60:00 GMT", 0, 0 },
		{ "Sun, 06 Nov 1994 8:49:37 GMT", 0, 0 },
		{ "Sun, 06 Nov 199 08:49:37 GMT", 0, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 +0000", 0, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT 5", 0, 0 },
		{ "1994-11-06T08:49:37Z", 0, 0 },
		{ "120", 0, 0 },
	};
	size_t	i;
	int64_t	t;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		t = 42;
		cr_expect_eq(uf_date_parse(rows[i].in, strlen(rows[i].in), &t)
		    == 0, rows[i].ok, "%s", rows[i].in);
		if (rows[i].ok) {
			cr_expect_eq(t, rows[i].t, "%s: %lld", rows[i].in,
			    (long long)t);
		}
	}
}

/* Only the given bytes are read: the rest may be anything. */
Test(date, the_length_is_the_end)
{
	static const char	s[] = "Sun, 06 Nov 1994 08:49:37 GMTxxx";
	int64_t			t;

	cr_expect_eq(uf_date_parse(s, sizeof s - 4, &t), 0);
	cr_expect_eq(t, 784111777);
	cr_expect_eq(uf_date_parse(s, sizeof s - 5, &t), 0, "GM: a word");
	cr_expect_neq(uf_date_parse(s, 20, &t), 0);
}

/* IMF-fixdate out, as gmtime() and strftime() would write it. */
Test(date, format_agrees_with_gmtime)
{
	static const int64_t	ts[] = {
		0, 784111777, 951782400, 951868800, 1445412480, 2147483647,
		4102444800, -86400, -1,
	};
	char		buf[UF_DATE_LEN + 1], want[64];
	struct tm	tm;
	time_t		tt;
	size_t		i;
	int64_t		back;

	for (i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		tt = (time_t)ts[i];
		gmtime_r(&tt, &tm);
		strftime(want, sizeof want, "%a, %d %b %Y %H:%M:%S GMT", &tm);
		memset(buf, '#', sizeof buf);
		uf_date_format(buf, ts[i]);
		cr_expect_str_eq(buf, want);
		cr_expect_eq(strlen(buf), UF_DATE_LEN);
		cr_expect_eq(uf_date_parse(buf, UF_DATE_LEN, &back), 0);
		cr_expect_eq(back, ts[i]);
	}
}

/* Every day from 1600 to 2400, against the C library. */
Test(date, days_both_ways)
{
	struct tm	tm;
	time_t		tt;
	int64_t		z, y;
	unsigned	m, d;

	for (z = -135140; z < 157054; z++) {
		tt = (time_t)(z * 86400);
		gmtime_r(&tt, &tm);
		uf_civil_from_days(z, &y, &m, &d);
		cr_assert(y == tm.tm_year + 1900 && m == (unsigned)tm.tm_mon + 1
		    && d == (unsigned)tm.tm_mday, "day %lld", (long long)z);
		cr_assert_eq(uf_days_from_civil(y, m, d), z);
	}
}
