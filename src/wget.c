/*
 * wget.c: busybox wget's command line, read as ufetch options (see
 * wget.h). The option table is busybox 1.35's, long names included,
 * with the options it accepts and ignores, and GNU wget's --user,
 * --password, --http-user, --http-password and -N.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "auth.h"
#include "fmt.h"
#include "opts.h"
#include "ufetch.h"
#include "wget.h"

/* Long options without a short form. */
enum {
	W_HEADER = 0x100,
	W_POST_DATA,
	W_POST_FILE,
	W_SPIDER,
	W_NO_CHECK,
	W_USER,
	W_PASSWORD,
	W_IGNORED,
	W_HELP
};

static struct {
	int		named;		/* -O seen */
	int		body;		/* --post-data or --post-file seen */
	int		spider;
	int		done;		/* all options read */
	int		step;		/* implied options handed out */
	const char	*dir;		/* -P */
	const char	*user, *password;
	char		post_file[PATH_MAX + 2];	/* "@FILE" */
	char		cred[UF_USERINFO_MAX + 2];	/* "USER:PASSWORD" */
} w;

/* see wget.h */
int
uf_wget_is(const char *argv0)
{
	const char	*slash;

	if (argv0 == NULL) {
		return 0;
	}
	slash = strrchr(argv0, '/');
	return strcmp(slash != NULL ? slash + 1 : argv0, "wget") == 0;
}

/* see wget.h */
const char *
uf_wget_dir(void)
{
	return w.dir;
}

/* -o LOGFILE: from here on, what would go to stderr goes there. */
static int
log_to(const char *path)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0666);

	if (fd < 0 || dup2(fd, 2) < 0) {
		uf_fail(UF_E_USAGE, "cannot open log file %s: %s", path,
		    strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	close(fd);
	return 0;
}

/* -Y on/off: off is ufetch's -x '' (no proxy); on changes nothing. */
static int
proxy_flag(struct uf_args *g)
{
	if (strcmp(g->val, "on") == 0) {
		return 0;
	}
	if (strcmp(g->val, "off") != 0) {
		uf_fail(UF_E_USAGE, "bad -Y '%s' (want on or off)", g->val);
		return UF_WGET_ERR;
	}
	g->val = "";
	return 'x';
}

/* --post-data and --post-file: one body, as ufetch has. */
static int
post(struct uf_args *g, int c)
{
	if (w.body) {
		uf_fail(UF_E_USAGE, "%s", "only one --post-data or "
		    "--post-file");
		return UF_WGET_ERR;
	}
	w.body = 1;
	if (c == W_POST_DATA) {
		return UF_WGET_DATA;
	}
	if (strlen(g->val) + 2 > sizeof w.post_file) {
		uf_fail(UF_E_USAGE, "%s", "--post-file: name too long");
		return UF_WGET_ERR;
	}
	uf_snprintf(w.post_file, sizeof w.post_file, "@%s", g->val);
	g->val = w.post_file;
	return 'd';
}

/* --user and --password: ufetch's -u USER:PASSWORD; never a prompt. */
static int
credentials(struct uf_args *g)
{
	if (w.user == NULL || w.password == NULL || strchr(w.user, ':')
	    != NULL || uf_snprintf(w.cred, sizeof w.cred, "%s:%s", w.user,
	    w.password) >= (int)sizeof w.cred) {
		uf_fail(UF_E_USAGE, "%s", "--user needs --password (ufetch "
		    "never prompts), and no colon");
		return UF_WGET_ERR;
	}
	g->val = w.cred;
	return 'u';
}

/*
 * After the options, those a wget command line implies: --spider is
 * a HEAD request (a POST, with a body) whose answer is thrown away;
 * without -O, each body goes to a file named after its URL; --user
 * and --password are one -u.
 */
static int
implied(struct uf_args *g)
{
	for (;;) {
		switch (w.step++) {
		case 0:
			if (w.user != NULL || w.password != NULL) {
				return credentials(g);
			}
			break;
		case 1:
			if (w.spider && !w.body) {
				return 'I';
			}
			break;
		case 2:
			if (w.spider) {
				g->val = "/dev/null";
				return 'o';
			}
			if (!w.named) {
				return 'O';
			}
			break;
		default:
			return -1;
		}
	}
}

/*
 * One wget option: its ufetch letter, or 0 when it was dealt with
 * here (or is one busybox ignores).
 */
static int
translate(struct uf_args *g, int c)
{
	switch (c) {
	case 'c':
	case 'q':
		return c;
	case 'S':
		uf_show_response = 1;
		return 0;
	case 'O':
		w.named = 1;
		return 'o';
	case 'o':
		return log_to(g->val) == 0 ? 0 : UF_WGET_ERR;
	case 'P':
		w.dir = g->val;
		return 0;
	case 'Y':
		return proxy_flag(g);
	case 'U':
		return 'A';
	case 'T':
		return 't';
	case W_HEADER:
		return 'H';
	case W_POST_DATA:
	case W_POST_FILE:
		return post(g, c);
	case W_SPIDER:
		w.spider = 1;
		return 0;
	case W_USER:
		w.user = g->val;
		return 0;
	case W_PASSWORD:
		w.password = g->val;
		return 0;
	case 'N':
		return UF_OPT_NEWER;
	case W_NO_CHECK:
		return 'k';
	case W_HELP:
	case 'h':
		return 'h';
	case 't':	/* -t TRIES: busybox tries once too */
	case 'n':	/* -nv, -nc, -nH, -np */
	case W_IGNORED:
		return 0;
	default:
		return c;	/* UF_ARGS_* */
	}
}

/* Busybox wget 1.35's options, long names included. */
static const struct uf_optdef	options[] = {
	{ "continue",		'c', UF_ARG_FLAG, 'c' },
	{ "quiet",		'q', UF_ARG_FLAG, 'q' },
	{ "server-response",	'S', UF_ARG_FLAG, 'S' },
	{ "output-document",	'O', UF_ARG_VALUE, 'O' },
	{ "output-file",	'o', UF_ARG_VALUE, 'o' },
	{ "directory-prefix",	'P', UF_ARG_VALUE, 'P' },
	{ "proxy",		'Y', UF_ARG_VALUE, 'Y' },
	{ "user-agent",		'U', UF_ARG_VALUE, 'U' },
	{ "timeout",		'T', UF_ARG_VALUE, 'T' },
	{ "tries",		't', UF_ARG_VALUE, 't' },
	{ "timestamping",	'N', UF_ARG_FLAG, 'N' },
	/* -nv, -nc, -nH, -np: never the next word as a value. */
	{ NULL,			'n', UF_ARG_JOINED, 'n' },
	{ "header",		0,   UF_ARG_VALUE, W_HEADER },
	{ "post-data",		0,   UF_ARG_VALUE, W_POST_DATA },
	{ "post-file",		0,   UF_ARG_VALUE, W_POST_FILE },
	{ "spider",		0,   UF_ARG_FLAG, W_SPIDER },
	{ "no-check-certificate", 0, UF_ARG_FLAG, W_NO_CHECK },
	{ "user",		0,   UF_ARG_VALUE, W_USER },
	{ "http-user",		0,   UF_ARG_VALUE, W_USER },
	{ "password",		0,   UF_ARG_VALUE, W_PASSWORD },
	{ "http-password",	0,   UF_ARG_VALUE, W_PASSWORD },
	{ "passive-ftp",	0,   UF_ARG_FLAG, W_IGNORED },
	{ "no-cache",		0,   UF_ARG_FLAG, W_IGNORED },
	{ "no-verbose",		0,   UF_ARG_FLAG, W_IGNORED },
	{ "no-clobber",		0,   UF_ARG_FLAG, W_IGNORED },
	{ "no-host-directories", 0,  UF_ARG_FLAG, W_IGNORED },
	{ "no-parent",		0,   UF_ARG_FLAG, W_IGNORED },
	{ "help",		'h', UF_ARG_FLAG, W_HELP }
};

/* see wget.h */
int
uf_wget_next(struct uf_args *g)
{
	int	c;

	while (!w.done) {
		c = uf_args_next(g, options,
		    sizeof options / sizeof options[0]);
		if (c == UF_ARGS_END) {
			w.done = 1;
		} else if ((c = translate(g, c)) != 0) {
			return c;
		}
	}
	return implied(g);
}

/* see wget.h */
void
uf_wget_usage(int fd)
{
	static const char	text[] =
	    "usage: wget [-cqSN] [-O FILE] [-o LOGFILE] [-P DIR] [-U AGENT] "
	    "[-T SEC]\n"
	    "  [--header STR] [--post-data STR | --post-file FILE] [--spider]"
	    "\n"
	    "  [--user USER --password PASS] [--no-check-certificate] "
	    "[-Y on/off] URL...\n"
	    "ufetch as busybox wget: certificates are checked, files written "
	    "atomically,\n"
	    "the exit status is ufetch's (see ufetch(1)).\n\n"
	    "  -O FILE      save to FILE ('-': stdout)\n"
	    "  -o LOGFILE   messages to LOGFILE\n"
	    "  -c           continue an aborted transfer (FILE.part or FILE)\n"
	    "  -N           only if newer than the file there\n"
	    "  -q           quiet\n"
	    "  -S           show the response heads\n"
	    "  -T SEC       per-step timeout (default 900)\n"
	    "  -P DIR       save into DIR\n"
	    "  -U STR       User-Agent\n"
	    "  -Y on/off    the environment's proxy or none\n"
	    "  --spider     only check that the URL exists (HEAD)\n"
	    "  --post-data STR, --post-file FILE: send them with POST\n"
	    "  --user, --password (--http-user, --http-password): Basic "
	    "credentials\n"
	    "  --no-check-certificate: do not check the certificate\n";

	(void)uf_write_all(fd, text, sizeof text - 1);
}
