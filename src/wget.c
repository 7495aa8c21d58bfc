/*
 * wget.c: busybox wget's command line, read as ufetch options (see
 * wget.h). The option table is busybox 1.35's, long names included,
 * with the options it accepts and ignores.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "ufetch.h"
#include "wget.h"

/* Long options without a short form. */
enum {
	W_HEADER = 0x100,
	W_POST_DATA,
	W_POST_FILE,
	W_SPIDER,
	W_NO_CHECK,
	W_IGNORED,
	W_HELP
};

static struct {
	int		named;		/* -O seen */
	int		body;		/* --post-data or --post-file seen */
	int		spider;
	int		done;		/* getopt_long() said -1 */
	int		step;		/* implied options handed out */
	const char	*dir;		/* -P */
	char		post_file[PATH_MAX + 2];	/* "@FILE" */
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
proxy_flag(const char *v)
{
	static char	none[1];

	if (strcmp(v, "on") == 0) {
		return 0;
	}
	if (strcmp(v, "off") != 0) {
		uf_fail(UF_E_USAGE, "bad -Y '%s' (want on or off)", v);
		return UF_WGET_ERR;
	}
	optarg = none;
	return 'x';
}

/* --post-data and --post-file: one body, as ufetch has. */
static int
post(int c)
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
	if (strlen(optarg) + 2 > sizeof w.post_file) {
		uf_fail(UF_E_USAGE, "%s", "--post-file: name too long");
		return UF_WGET_ERR;
	}
	uf_snprintf(w.post_file, sizeof w.post_file, "@%s", optarg);
	optarg = w.post_file;
	return 'd';
}

/*
 * After the options, those a wget command line implies: --spider is
 * a HEAD request (a POST, with a body) whose answer is thrown away;
 * without -O, each body goes to a file named after its URL.
 */
static int
implied(void)
{
	static char	devnull[] = "/dev/null";

	for (;;) {
		switch (w.step++) {
		case 0:
			if (w.spider && !w.body) {
				return 'I';
			}
			break;
		case 1:
			if (w.spider) {
				optarg = devnull;
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
translate(int c)
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
		return log_to(optarg) == 0 ? 0 : UF_WGET_ERR;
	case 'P':
		w.dir = optarg;
		return 0;
	case 'Y':
		return proxy_flag(optarg);
	case 'U':
		return 'A';
	case 'T':
		return 't';
	case W_HEADER:
		return 'H';
	case W_POST_DATA:
	case W_POST_FILE:
		return post(c);
	case W_SPIDER:
		w.spider = 1;
		return 0;
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
		return c;	/* '?' or ':' */
	}
}

/* see wget.h */
int
uf_wget_getopt(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "continue",		no_argument,	   NULL, 'c' },
		{ "quiet",		no_argument,	   NULL, 'q' },
		{ "server-response",	no_argument,	   NULL, 'S' },
		{ "output-document",	required_argument, NULL, 'O' },
		{ "output-file",	required_argument, NULL, 'o' },
		{ "directory-prefix",	required_argument, NULL, 'P' },
		{ "proxy",		required_argument, NULL, 'Y' },
		{ "user-agent",		required_argument, NULL, 'U' },
		{ "timeout",		required_argument, NULL, 'T' },
		{ "tries",		required_argument, NULL, 't' },
		{ "header",		required_argument, NULL, W_HEADER },
		{ "post-data",		required_argument, NULL, W_POST_DATA },
		{ "post-file",		required_argument, NULL, W_POST_FILE },
		{ "spider",		no_argument,	   NULL, W_SPIDER },
		{ "no-check-certificate", no_argument,	   NULL, W_NO_CHECK },
		{ "passive-ftp",	no_argument,	   NULL, W_IGNORED },
		{ "no-cache",		no_argument,	   NULL, W_IGNORED },
		{ "no-verbose",		no_argument,	   NULL, W_IGNORED },
		{ "no-clobber",		no_argument,	   NULL, W_IGNORED },
		{ "no-host-directories", no_argument,	   NULL, W_IGNORED },
		{ "no-parent",		no_argument,	   NULL, W_IGNORED },
		{ "help",		no_argument,	   NULL, W_HELP },
		{ NULL,			0,		   NULL, 0 }
	};
	int	c;

	while (!w.done) {
		/* "n::": -nv must not take the next argument as a value. */
		c = getopt_long(argc, argv, ":cqSO:o:P:Y:U:T:t:n::h",
		    longopts, NULL);
		if (c == -1) {
			w.done = 1;
		} else if ((c = translate(c)) != 0) {
			return c;
		}
	}
	return implied();
}

/* see wget.h */
void
uf_wget_usage(int fd)
{
	static const char	text[] =
	    "usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] "
	    "[--header STR]\n"
	    "            [--post-data STR | --post-file FILE] [-Y on/off]\n"
	    "            [--no-check-certificate] [-P DIR] [-U AGENT] "
	    "[-T SEC] URL...\n"
	    "ufetch as busybox wget: certificates are checked, files are "
	    "written\n"
	    "atomically, and the exit status is ufetch's (see ufetch(1)).\n"
	    "\n"
	    "  --spider         only check that the URL exists (HEAD)\n"
	    "  --header STR     add STR ('Name: value') to the request\n"
	    "  --post-data STR  send STR with POST\n"
	    "  --post-file FILE send FILE with POST\n"
	    "  --no-check-certificate\n"
	    "                   do not check the server's certificate\n"
	    "  -c               continue the .part file of an aborted "
	    "transfer\n"
	    "  -q               quiet\n"
	    "  -P DIR           save to DIR (default .)\n"
	    "  -S               show the server's response heads\n"
	    "  -T SEC           per-step timeout (default 900)\n"
	    "  -O FILE          save to FILE ('-' for stdout)\n"
	    "  -o LOGFILE       write messages to LOGFILE\n"
	    "  -U STR           use STR as the User-Agent\n"
	    "  -Y on/off        use the proxy of the environment or not\n";

	(void)uf_write_all(fd, text, sizeof text - 1);
}
