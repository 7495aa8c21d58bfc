/*
 * date.h: HTTP dates (RFC 9110 5.6.7) and calendar days, without the
 * C library's time zone code (gmtime, strftime, timegm: 5 KB of the
 * static binary for what is arithmetic on UTC).
 *
 * Times are seconds since 1970-01-01 00:00:00 UTC; days are days
 * since 1970-01-01 (negative before it), in the proleptic Gregorian
 * calendar.
 */
#ifndef UF_DATE_H
#define UF_DATE_H

#include <stddef.h>
#include <stdint.h>

/* "Sun, 06 Nov 1994 08:49:37 GMT": 29 bytes, and the NUL. */
#define UF_DATE_LEN	29

/*
 * Parse s[0..len) as an HTTP date in any of its three formats:
 * IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday,
 * 06-Nov-94 08:49:37 GMT"; a two-digit year below 70 is 20YY) and
 * asctime ("Sun Nov  6 08:49:37 1994"), leniently: the day's name is
 * not checked, and whitespace around the date is allowed. Returns 0
 * with *t set, or -1 (a field missing, out of range or unknown).
 */
int	uf_date_parse(const char *s, size_t len, int64_t *t);

/* t as an IMF-fixdate in buf (UF_DATE_LEN + 1 bytes). */
void	uf_date_format(char *buf, int64_t t);

/* The day y-m-d (m 1-12, d 1-31) and back. */
int64_t	uf_days_from_civil(int64_t y, unsigned m, unsigned d);
void	uf_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
