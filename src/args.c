/*
 * args.c: the words of a command line (see args.h). Our own reader:
 * getopt_long() takes any unambiguous prefix of a long name, which
 * made "--user alice:pw" an abbreviation of "--user-agent" (and sent
 * the password to the server's log), and with the multibyte helpers it
 * brings it was 4 KB of the static binary.
 */
#include <string.h>

#include "args.h"

/* see args.h */
int
uf_args_next(struct uf_args *g, const struct uf_optdef *tab, size_t n)
{
	const struct uf_optdef	*d;
	const char		*w = g->cluster, *eq = NULL;
	size_t			len = 1, k;
	int			lng;

	g->val = NULL;
	if (g->i == 0) {
		g->i = 1;
	}
	while (g->cluster == NULL || *g->cluster == '\0') {
		g->cluster = NULL;
		if (g->i >= g->argc) {
			return UF_ARGS_END;
		}
		w = g->argv[g->i++];
		if (g->ended || w[0] != '-' || w[1] == '\0') {
			/* Never ahead of the reading: i > 1 + nfree. */
			g->argv[1 + g->nfree++] = (char *)w;
		} else if (w[1] != '-') {
			g->cluster = w + 1;
		} else if (w[2] == '\0') {
			g->ended = 1;
		} else {
			w += 2;
			eq = strchr(w, '=');
			len = eq != NULL ? (size_t)(eq - w) : strlen(w);
			break;
		}
	}
	lng = g->cluster == NULL;
	if (!lng) {
		w = g->cluster++;
	}
	/* The option as given, never its value: it may be a password. */
	k = len < sizeof g->opt - 3 ? len : sizeof g->opt - 3;
	memset(g->opt, '-', 2);
	memcpy(g->opt + 1 + lng, w, k);
	g->opt[1 + lng + k] = '\0';
	for (d = tab; d < tab + n; d++) {
		if (lng ? d->name != NULL && strncmp(d->name, w, len) == 0
		    && d->name[len] == '\0' : d->letter == *w) {
			break;
		}
	}
	if (d == tab + n) {
		return UF_ARGS_UNKNOWN;
	}
	if (eq != NULL) {
		g->val = eq + 1;
		return d->kind == UF_ARG_VALUE ? d->id : UF_ARGS_NOTFLAG;
	}
	if (d->kind == UF_ARG_FLAG) {
		return d->id;
	}
	/* A value attached to a short option, else the next word. */
	if (!lng && *g->cluster != '\0') {
		g->val = g->cluster;
		g->cluster = NULL;
	} else if (d->kind == UF_ARG_VALUE && g->i < g->argc) {
		g->val = g->argv[g->i++];
	} else if (d->kind == UF_ARG_VALUE) {
		return UF_ARGS_NOVALUE;
	}
	return d->id;
}
