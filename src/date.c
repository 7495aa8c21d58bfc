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

/*
 * see date.h. Lenient, as RFC 9110 asks of recipients: a month's name
 * and five numbers, whatever separates them; the day's name and "GMT"
 * are skipped. The numbers are the day, then the year and the time
 * (IMF-fixdate, RFC 850), or the time and the year (asctime, whose
 * year is its last number and has four digits).
 */
int
uf_date_parse(const char *s, size_t len, int64_t *t)
{
	const char	*p = s, *end = s + len, *w;
	unsigned	n[5] = { 0 }, nd[5] = { 0 }, k = 0, m = 0, i, y;

	while (p < end) {
		if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') {
			for (w = p; p < end && (*p | 0x20) >= 'a'
			    && (*p | 0x20) <= 'z'; p++) {
				continue;
			}
			for (i = 0; p - w == 3 && i < 12; i++) {
				if (memcmp(w, months + 3 * i, 3) == 0) {
					m = i + 1;
				}
			}
		} else if (*p >= '0' && *p <= '9' && k < 5) {
			for (n[k] = nd[k] = 0; p < end && *p >= '0'
			    && *p <= '9' && nd[k] < 9; nd[k]++) {
				n[k] = n[k] * 10 + (unsigned)(*p++ - '0');
			}
			k++;
		} else if (*p == ' ' || *p == '\t' || *p == ',' || *p == '-'
		    || *p == ':') {
			p++;
		} else {
			return -1;
		}
	}
	i = k == 5 && nd[4] == 4 ? 1 : 2;	/* where the time starts */
	y = n[i == 1 ? 4 : 1];
	if (k != 5 || m == 0 || nd[0] > 2 || n[0] < 1 || n[0] > 31
	    || nd[i] != 2 || nd[i + 1] != 2 || nd[i + 2] != 2 || n[i] > 23
	    || n[i + 1] > 59 || n[i + 2] > 60
	    || (nd[i == 1 ? 4 : 1] != 4 && nd[i == 1 ? 4 : 1] != 2)) {
		return -1;
	}
	/* RFC 850's two digits: the most recent such year. */
	y += nd[i == 1 ? 4 : 1] == 4 ? 0 : y < 70 ? 2000 : 1900;
	*t = uf_days_from_civil(y, m, n[0]) * 86400 + n[i] * 3600
	    + n[i + 1] * 60 + n[i + 2];
	return 0;
}
