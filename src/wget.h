/*
 * wget.h: the busybox wget personality. When ufetch runs under the
 * name "wget" (a link, as busybox applets are), the options are read
 * with busybox wget's meanings and handed to opts.c's option switch
 * as the ufetch options they stand for; what ufetch does not have
 * (-P, --spider, -S, -o LOGFILE) is kept or done here. Everything else
 * (verified TLS, atomic output, exit codes) stays ufetch's.
 */
#ifndef UF_WGET_H
#define UF_WGET_H

/*
 * Busybox's default -T: without one, a slow server is waited for as
 * busybox (and GNU wget) would.
 */
#define UF_WGET_TIMEOUT	(900 * 1000000000ull)

/* Ids uf_wget_next() returns beside ufetch's (opts.h). */
#define UF_WGET_DATA	0x200	/* --post-data: the value is the body,
				   taken literally (no '@' files) */
#define UF_WGET_ERR	0x201	/* a bad value: message in the slot */

struct uf_args;

/* Is argv0 (may be NULL) a path whose last component is "wget"? */
int		uf_wget_is(const char *argv0);

/*
 * As uf_args_next() over ufetch's options, for a busybox wget command
 * line: returns the id of the ufetch option that the next wget option
 * means, with args->val set ('o' for -O FILE, 't' for -T, 'A' for -U,
 * 'H' for --header, 'd' "@FILE" for --post-file, 'x' "" for -Y off,
 * UF_OPT_NEWER for -N, 'k', 'c', 'q', 'h'), UF_WGET_DATA, UF_WGET_ERR,
 * or a UF_ARGS_* code. After the options, the ones wget implies: 'u'
 * "USER:PASSWORD" for --user and --password, 'I' and 'o' "/dev/null"
 * for --spider, 'O' when there was no -O. Then UF_ARGS_END.
 */
int		uf_wget_next(struct uf_args *args);

/* -P DIR: where files named after their URL go; NULL: here. */
const char	*uf_wget_dir(void);

/* The usage text of the personality, on fd. */
void		uf_wget_usage(int fd);

#endif
