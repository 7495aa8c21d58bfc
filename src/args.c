/*
 * args.c: the words of a command line (see args.h). Our own reader:
 * getopt_long() takes any unambiguous prefix of a long name, which
 * made "--user alice:pw" an abbreviation of "--user-agent" (and sent
 * the password to the server's log), and with the multibyte helpers it
 * brings it was 4 KB of the static binary.
 */
#include <string.h>

#include "args.h"
#include "fmt.h"

/* The value of the option just found in the cluster or the next word. */
static int
value(struct uf_args *g, const struct uf_optdef *d, const char *attached)
{
	g->cluster = NULL;
	if (attached != NULL && *attached != '\0') {
		g->val = attached;
	} else if (d->kind == UF_ARG_VALUE && g->i < g->argc) {
		g->val = g->argv[g->i++];
	} else if (d->kind == UF_ARG_VALUE) {
		return UF_ARGS_NOVALUE;
	}
	return d->id;
}

/* A long option, w after its "--". */
static int
long_opt(struct uf_args *g, const struct uf_optdef *tab, size_t n,
    const char *w)
{
	const char	*eq = strchr(w, '=');
	size_t		len = eq != NULL ? (size_t)(eq - w) : strlen(w);
	size_t		i;

	/* Never the value: it may be a password. */
	uf_snprintf(g->opt, sizeof g->opt, "--%.*s", (int)len, w);
	for (i = 0; i < n; i++) {
		if (tab[i].name != NULL && strncmp(tab[i].name, w, len) == 0
		    && tab[i].name[len] == '\0') {
			if (tab[i].kind != UF_ARG_VALUE) {
				return eq != NULL ? UF_ARGS_NOTFLAG
				    : tab[i].id;
			}
			if (eq != NULL) {
				g->val = eq + 1;
				return tab[i].id;
			}
			return value(g, &tab[i], NULL);
		}
	}
	return UF_ARGS_UNKNOWN;
}

/* see args.h */
int
uf_args_next(struct uf_args *g, const struct uf_optdef *tab, size_t n)
{
	const char	*w;
	size_t		i;
	char		c;

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
			return long_opt(g, tab, n, w + 2);
		}
	}
	c = *g->cluster++;
	uf_snprintf(g->opt, sizeof g->opt, "-%c", c);
	for (i = 0; i < n; i++) {
		if (tab[i].letter == c) {
			if (tab[i].kind == UF_ARG_FLAG) {
				return tab[i].id;
			}
			return value(g, &tab[i], g->cluster);
		}
	}
	return UF_ARGS_UNKNOWN;
}
