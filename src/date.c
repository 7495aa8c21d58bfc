/*
 * date.c: HTTP dates and calendar days (see date.h). The day count is
 * the days_from_civil / civil_from_days algorithm: years in eras of
 * 400, each starting on March 1st, so that February's leap day comes
 * last.
 */
#include <string.h>

#include "date.h"
#include "fmt.h"

static const char	months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
static const char	wdays[] = "ThuFriSatSunMonTueWed";	/* from 1970 */

/* see date.h */
int64_t
uf_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* see date.h */
void
uf_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t		era;
	unsigned	doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* see date.h */
void
uf_date_format(char *buf, int64_t t)
{
	int64_t		z = (t >= 0 ? t : t - 86399) / 86400, y;
	unsigned	m, d, s = (unsigned)(t - z * 86400);

	uf_civil_from_days(z, &y, &m, &d);
	uf_snprintf(buf, UF_DATE_LEN + 1, "%.3s, %02u %.3s %04d "
	    "%02u:%02u:%02u GMT", wdays + 3 * (unsigned)((z % 7 + 7) % 7),
	    d, months + 3 * (m - 1), (int)y, s / 3600, s / 60 % 60, s % 60);
}

/* The digits at *p (before end) into *v; returns how many. */
static unsigned
digits(const char **p, const char *end, unsigned *v)
{
	unsigned	n = 0;

	*v = 0;
	while (*p < end && **p >= '0' && **p <= '9' && n < 9) {
		*v = *v * 10 + (unsigned)(*(*p)++ - '0');
		n++;
	}
	return n;
}

/*
 * see date.h. Lenient, as RFC 9110 asks of recipients: each field is
 * known by its shape (a month's name, "HH:MM:SS", a day of one or two
 * digits, then a year of two or four), so the three formats are one
 * loop; words other than a month (the day's name, "GMT") are skipped.
 */
int
uf_date_parse(const char *s, size_t len, int64_t *t)
{
	const char	*p = s, *end = s + len, *w;
	unsigned	v, n, k, d = 0, m = 0, y = 0, mi, sec;
	int64_t		secs = -1;

	while (p < end) {
		if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') {
			for (w = p; p < end && (*p | 0x20) >= 'a'
			    && (*p | 0x20) <= 'z'; p++) {
				continue;
			}
			for (k = 0; p - w == 3 && k < 12; k++) {
				if (memcmp(w, months + 3 * k, 3) == 0) {
					m = k + 1;
				}
			}
		} else if ((n = digits(&p, end, &v)) == 0) {
			if (*p != ' ' && *p != '\t' && *p != ',' && *p != '-') {
				return -1;
			}
			p++;
		} else if (p < end && *p == ':') {
			p++;
			if (n != 2 || v > 23 || digits(&p, end, &mi) != 2
			    || mi > 59 || p == end || *p++ != ':'
			    || digits(&p, end, &sec) != 2 || sec > 60) {
				return -1;
			}
			secs = v * 3600 + mi * 60 + sec;
		} else if (d == 0 && n <= 2) {
			d = v;
		} else if (y == 0 && (n == 2 || n == 4)) {
			/* RFC 850's two digits: the most recent such year. */
			y = n == 4 ? v : v + (v < 70 ? 2000 : 1900);
		} else {
			return -1;
		}
	}
	if (d < 1 || d > 31 || m == 0 || y == 0 || secs < 0) {
		return -1;
	}
	*t = uf_days_from_civil(y, m, d) * 86400 + secs;
	return 0;
}
