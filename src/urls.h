/*
 * urls.h: the URLs of a run, in order: command-line arguments, and the
 * lines of the URL lists named by '-' (standard input) and '@FILE'.
 *
 * Items come out one at a time. A caller may ask for the next item
 * without blocking (to learn whether the next URL has the same origin
 * and the connection is worth keeping); a list on a slow pipe then
 * says "not yet" instead of holding up the current URL. Problems with
 * a list (unreadable, a line too long, a NUL byte) are items too, so
 * that they are reported in their place in the run.
 */
#ifndef UF_URLS_H
#define UF_URLS_H

#include <stddef.h>

#include "ufetch.h"

/* Longest line of a URL list, newline excluded. */
#define UF_LIST_LINE_MAX	8191

enum uf_item_kind {
	UF_ITEM_END,
	UF_ITEM_URL,
	UF_ITEM_ERROR
};

struct uf_item {
	enum uf_item_kind	kind;
	const char		*url;	/* URL: an argument, or text */
	const char		*where;	/* ERROR: the list's name */
	char			msg[96];
	char			text[UF_LIST_LINE_MAX + 1];
};

struct uf_urls {
	char		**argv;
	int		argc, argi;
	int		fd;		/* the open list, or -1 */
	const char	*name;
	int		skipping;	/* inside an over-long line */
	size_t		pos, len;
	char		buf[16384];
};

/* Start at argv[0..argc) (the URL arguments only). */
void	uf_urls_init(struct uf_urls *s, int argc, char **argv);

/*
 * Fill *it with the next item (UF_ITEM_END when there is none) and
 * return 1. With nowait set, return 0 instead when getting it would
 * block; nothing is lost and the next call resumes.
 */
int	uf_urls_next(struct uf_urls *s, struct uf_item *it, int nowait);

/*
 * The list being read, for poll() after uf_urls_next() said it would
 * block; -1 when none is open.
 */
int	uf_urls_fd(const struct uf_urls *s);

#endif
