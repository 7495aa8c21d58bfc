/*
 * netrc.c: a .netrc file's entry for a host (see netrc.h).
 */
#include <string.h>
#include <strings.h>

#include "netrc.h"

/* The rest of the file, and the word just read. */
struct words {
	const char	*p, *end;
	char		w[UF_NETRC_WORD + 1];
	int		bad;
};

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
	    || c == '\v' || c == '\0';
}

/* The next word into ws->w; 0 at the end (or after an error). */
static int
word(struct words *ws)
{
	size_t	n = 0;
	int	quoted;

	while (ws->p < ws->end && space(*ws->p)) {
		ws->p++;
	}
	if (ws->p == ws->end || ws->bad) {
		return 0;
	}
	quoted = *ws->p == '"';
	ws->p += quoted;
	while (ws->p < ws->end && (quoted ? *ws->p != '"' : !space(*ws->p))) {
		if (quoted && *ws->p == '\\' && ++ws->p == ws->end) {
			break;
		}
		if (n == UF_NETRC_WORD) {
			ws->bad = 1;
			return 0;
		}
		ws->w[n++] = *ws->p++;
	}
	if (quoted) {
		if (ws->p == ws->end) {
			ws->bad = 1;	/* no closing quote */
			return 0;
		}
		ws->p++;
	}
	ws->w[n] = '\0';
	return 1;
}

/* Skip a macdef's lines, up to and including an empty line. */
static void
skip_macro(struct words *ws)
{
	const char	*nl;

	while ((nl = memchr(ws->p, '\n', (size_t)(ws->end - ws->p)))
	    != NULL) {
		ws->p = nl + 1;
		if (ws->p < ws->end && (*ws->p == '\n' || (*ws->p == '\r'
		    && ws->p + 1 < ws->end && ws->p[1] == '\n'))) {
			return;
		}
	}
	ws->p = ws->end;
}

/* see netrc.h */
int
uf_netrc_find(const char *buf, size_t len, const char *host,
    struct uf_netrc *e)
{
	struct words	ws;
	int		in = 0, found = 0;	/* in: the entry matches */
	char		*to;

	memset(e, 0, sizeof *e);
	ws.p = buf;
	ws.end = buf + len;
	ws.bad = 0;
	while (word(&ws)) {
		if (strcmp(ws.w, "machine") == 0 || strcmp(ws.w, "default")
		    == 0) {
			if (found) {
				break;	/* the first entry that matched */
			}
			in = ws.w[0] == 'd' || (word(&ws)
			    && strcasecmp(ws.w, host) == 0);
			found = in;
		} else if (strcmp(ws.w, "login") == 0
		    || strcmp(ws.w, "password") == 0) {
			to = ws.w[0] == 'l' ? e->login : e->password;
			if (!word(&ws)) {
				break;
			}
			if (in) {
				memcpy(to, ws.w, sizeof ws.w);
				*(to == e->login ? &e->has_login
				    : &e->has_password) = 1;
			}
		} else if (strcmp(ws.w, "macdef") == 0) {
			(void)word(&ws);
			skip_macro(&ws);
		}
	}
	if (ws.bad) {
		memset(e, 0, sizeof *e);
		return UF_NETRC_BAD;
	}
	return found ? UF_NETRC_FOUND : UF_NETRC_NONE;
}
