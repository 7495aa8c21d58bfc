/*
 * writeout.h: -w FORMAT, the line a script reads after each URL, as
 * curl's --write-out writes it: FORMAT with %{name} replaced by the
 * URL's value, "%%" by '%', and the escapes \n, \r, \t and \\.
 *
 * Variables: http_code (000 when no response came; response_code is
 * the same), url_effective, size_download, time_total, num_redirects,
 * content_type, exitcode, errormsg. A name outside that list is a
 * usage error, found before anything is fetched.
 */
#ifndef UF_WRITEOUT_H
#define UF_WRITEOUT_H

#include <stdint.h>

/* One URL's values; owned by the caller. */
struct uf_wo {
	int		http_code;	/* 0: none */
	const char	*url;		/* effective, password hidden */
	uint64_t	size;		/* body bytes received */
	uint64_t	ns;		/* time taken, all attempts */
	unsigned	redirects;
	const char	*content_type;	/* "" when none */
	int		exitcode;
	const char	*errormsg;	/* "" on success */
};

/* NULL when fmt is good, else where its first bad variable starts. */
const char	*uf_writeout_check(const char *fmt);

/* Write fmt with v's values to fd. Returns 0, or -1 with errno set. */
int		uf_writeout(int fd, const char *fmt, const struct uf_wo *v);

#endif
