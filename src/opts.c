/*
 * opts.c: the command line (see opts.h), --help and --version.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "fmt.h"
#include "http.h"
#include "msg.h"
#include "opts.h"
#include "out.h"
#include "wget.h"
#include "writeout.h"

static void
usage(int fd)
{
	static const char	text[] =
	    "usage: ufetch [options] URL...\n"
	    "Fetch each URL over HTTP/1.1 or HTTPS; the bodies go to standard "
	    "output.\n"
	    "A URL '-' reads URLs from standard input, '@FILE' from FILE.\n\n"
	    "  -o FILE             write to FILE, atomically ('-': stdout)\n"
	    "  -O                  write to a file named after the URL\n"
	    "  -c, --continue      resume the .part file of -o or -O\n"
	    "  -t, --timeout SECS  per-step timeout (default 3; 0: none)\n"
	    "  -m, --max-time SECS total time per URL (default: none)\n"
	    "  -H 'Name: value'    add or replace a header ('Name:' removes)\n"
	    "  -d DATA|@FILE|@-    send DATA, FILE or standard input (POST)\n"
	    "  -X METHOD           request method\n"
	    "  -I, --head          HEAD request; print the response head\n"
	    "  -i, --include       print the response head before the body\n"
	    "  -A, --user-agent UA User-Agent ('': none)\n"
	    "  --max-redirs N      follow at most N redirects (default 10)\n"
	    "  -u, --user USER:PASSWORD  credentials for the URL's origin\n"
	    "  --netrc, --netrc-file FILE  the same from ~/.netrc, or FILE\n"
	    "  -z, --time-cond FILE|DATE only if newer (If-Modified-Since)\n"
	    "  -R, --remote-time   the file gets the server's Last-Modified\n"
	    "  --retry N           retry transient failures (resuming -o)\n"
	    "  --retry-delay SECS  between retries (default 1, 2, 4 ...)\n"
	    "  --retry-max-time SECS  no retry after SECS\n"
	    "  --fail-with-body    write an HTTP error's body (still 8)\n"
	    "  -w, --write-out FMT after each URL: %{http_code} ...\n"
	    "  -P, --parallel N    N URLs at a time (1-64), output in order;\n"
	    "                      about 400 KiB + 150 KiB per URL in flight\n"
	    "  --parallel-host M   at most M connections per origin (default 6)\n"
	    "  --shard I/N         the URLs whose origin is in shard I of N\n"
	    "  -k, --insecure      do not check the server's certificate\n"
	    "  --cacert FILE       trust the CA certificates in FILE\n"
	    "  --capath DIR        trust those in DIR (hashed names)\n"
	    "  -4, -6              IPv4 or IPv6 addresses only\n"
	    "  -x, --proxy URL     HTTP proxy ('': none; default $http_proxy)\n"
	    "  --noproxy LIST      hosts reached directly (default $no_proxy)\n"
	    "  -q, --quiet         no progress display\n"
	    "  -s, --silent        nothing on stderr (-S, --show-error: but "
	    "errors)\n"
	    "  -v, --verbose       request and response heads on stderr\n"
	    "  -f, -L              accepted: ufetch fails and follows anyway\n"
	    "  -h, --help; -V, --version\n\n"
	    "Exit status: 0 ok, 2 usage, 3 output, 4 network, 5 certificate,"
	    "\n"
	    "6 TLS handshake, 7 protocol, 8 HTTP error (>= 400), 9 timeout.\n";

	(void)uf_write_all(fd, text, sizeof text - 1);
}

/*
 * The C library, for -V: the Makefile names musl for its static build;
 * musl has no macro of its own.
 */
#ifndef UF_LIBC
#ifdef __GLIBC__
#define UF_STR(x)	#x
#define UF_XSTR(x)	UF_STR(x)
#define UF_LIBC		"glibc " UF_XSTR(__GLIBC__) "." UF_XSTR(__GLIBC_MINOR__)
#else
#define UF_LIBC		"the system's C library"
#endif
#endif

/* Defined by the linker in a dynamically linked (or PIE) program only. */
extern const char	_DYNAMIC[] __attribute__((weak));

static void
version(void)
{
	char	buf[512];
	int	n;

	n = uf_snprintf(buf, sizeof buf, "ufetch %s\n"
	    "protocols: http https\n"
	    "tls: TLS 1.3 (ufetch's own) and TLS 1.2 (BearSSL), %s\n"
	    "features: keep-alive, TLS session resumption, splice, "
	    "bounded DNS with -m,\n"
	    "  redirects, streamed uploads, resume (-c), Basic auth, "
	    "progress,\n"
	    "  HTTP proxies (CONNECT for https, no_proxy)\n"
	    "arena: %d bytes (%d for the connection)\n"
	    "build: %s, %s\n", UFETCH_VERSION,
	    uf_tls_describe(), UFETCH_ARENA_SIZE, UF_CONN_MEM,
	    _DYNAMIC != NULL ? "dynamic" : "static", UF_LIBC);
	(void)uf_write_all(1, buf, (size_t)n);
}

/* see opts.h */
int
uf_opts_bad(const char *fmt, const char *arg)
{
	static const char	hint[] = "Try 'ufetch -h' for help.\n";
	char			clean[256];

	uf_sanitize(clean, sizeof clean, arg, strlen(arg));
	/* Printed even under -s: a mistake in the command line. */
	uf_msg(NULL, fmt, clean);
	(void)uf_write_all(2, hint, sizeof hint - 1);
	return UF_E_USAGE;
}

/*
 * Parse seconds with an optional fraction ("3", "0.3", ".5") into
 * nanoseconds. Digits past the ninth decimal are dropped, but a value
 * above 0 stays at least 1 ns: 0 would mean no limit at all. Returns
 * -1 on a malformed or huge value.
 */
static int
parse_secs(const char *s, uint64_t *ns)
{
	uint64_t	whole = 0, frac = 0, scale = 100000000;
	const char	*p = s;
	int		nonzero = 0;

	if (*p == '\0') {
		return -1;
	}
	while (*p >= '0' && *p <= '9') {
		whole = whole * 10 + (uint64_t)(*p++ - '0');
		if (whole > 1000000000) {
			return -1;
		}
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			nonzero |= *p != '0';
			frac += (uint64_t)(*p++ - '0') * scale;
			scale /= 10;
		}
	}
	if (*p != '\0' || (p == s + 1 && s[0] == '.')) {
		return -1;
	}
	*ns = whole * 1000000000u + frac;
	if (*ns == 0 && nonzero) {
		*ns = 1;
	}
	return 0;
}

/* A count from 0 to 1000000. Returns -1 when malformed. */
static int
parse_count(const char *s, unsigned *v)
{
	unsigned long	n = 0;
	const char	*p = s;

	while (*p >= '0' && *p <= '9' && n <= 1000000) {
		n = n * 10 + (unsigned long)(*p++ - '0');
	}
	if (p == s || *p != '\0' || n > 1000000) {
		return -1;
	}
	*v = (unsigned)n;
	return 0;
}

/*
 * The bytes of a non-seekable body (a pipe, a terminal) go to an
 * unnamed temporary file first: its length is known before the
 * request, and a 307 can send it again. Returns the file or -1.
 */
static int
spool(int from)
{
	char		buf[16384];
	ssize_t		n;
	int		fd = uf_out_tmpfile();

	if (fd < 0) {
		return -1;
	}
	for (;;) {
		n = read(from, buf, sizeof buf);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0 || uf_write_all(fd, buf, (size_t)n) != 0) {
			break;
		}
	}
	if (n != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* -d DATA, -d @FILE, -d @-: set o->body up, or say why not. */
static int
body_init(struct uf_run_opts *o, const char *arg)
{
	struct uf_body	*b = &o->body;
	struct stat	st;
	char		why[PATH_MAX + 64];
	int		fd;

	if (arg[0] != '@') {
		b->data = arg;
		b->len = strlen(arg);
		return 0;
	}
	b->name = arg + 1;
	if (strcmp(b->name, "-") == 0) {
		b->name = "standard input";
		o->body_stdin = 1;
		fd = 0;
	} else {
		fd = open(b->name, O_RDONLY | O_CLOEXEC);
	}
	if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)
	    && !S_ISDIR(st.st_mode)) {
		fd = spool(fd);
	} else if (fd == 0 && lseek(0, 0, SEEK_CUR) != 0) {
		fd = spool(fd);	/* read from where stdin stands */
	}
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		b->fd = fd;
		b->len = (uint64_t)st.st_size;
		return 0;
	}
	uf_snprintf(why, sizeof why, "cannot read %s: %s", b->name,
	    fd >= 0 && S_ISDIR(st.st_mode) ? "Is a directory"
	    : strerror(errno));
	return uf_opts_bad("%s", why);
}

/* -X: a method is a token (RFC 9110 9.1). */
static int
good_method(const char *m)
{
	size_t	n = strlen(m);

	return n > 0 && n <= 32 && strspn(m, "!#$%&'*+-.^_`|~0123456789"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == n;
}

/*
 * -u USER:PASSWORD, as typed (no %-escapes), into o->auth; without
 * the password a usage error, as ufetch never prompts. The value is
 * never repeated in a message.
 */
static int
user(struct uf_run_opts *o, const char *v)
{
	/* No prompting; no control characters; at most 1023 bytes. */
	if (strchr(v, ':') == NULL || strlen(v) > UF_USERINFO_MAX
	    || uf_basic_auth_raw(o->auth_buf, sizeof o->auth_buf, v) == 0) {
		return uf_opts_bad("%s", "-u needs USER:PASSWORD (ufetch never "
		    "prompts), printable, at most 1023 bytes");
	}
	o->auth = o->auth_buf;
	return -1;
}

/*
 * -z FILE|DATE: If-Modified-Since FILE's time, or DATE's. A FILE not
 * there yet (the first run of "-z f -o f") means no condition; what is
 * neither a file nor a date but has a space was meant as a date.
 */
static int
time_cond(struct uf_run_opts *o, const char *v)
{
	struct stat	st;
	int64_t		t;

	if (stat(v, &st) == 0) {
		t = st.st_mtim.tv_sec;
	} else if (uf_date_parse(v, strlen(v), &t) != 0) {
		return strchr(v, ' ') == NULL ? -1 : uf_opts_bad("bad -z date "
		    "'%s' (want an HTTP date, or a file)", v);
	}
	uf_date_format(o->ims_buf, t);
	o->ims = o->ims_buf;
	return -1;
}

/*
 * --netrc (path NULL: ~/.netrc, if there is one) or --netrc-file path
 * (it must be there), read once, before any URL. Returns -1, or 2
 * after the usage error.
 */
static int
netrc(struct uf_run_opts *o, const char *path)
{
	const char	*home = getenv("HOME");
	ssize_t		n;
	int		fd;

	if (path == NULL) {
		if (home == NULL) {
			return -1;
		}
		uf_snprintf(o->netrc_buf, sizeof o->netrc_buf, "%s/.netrc",
		    home);
	}
	o->netrc = path != NULL ? path : o->netrc_buf;
	o->netrc_len = 0;
	fd = open(o->netrc, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && path == NULL && errno == ENOENT) {
		o->netrc = NULL;
		return -1;
	}
	/* Up to its end: it may be a pipe, --netrc-file <(pass ...). */
	n = fd < 0 ? -1 : 0;
	while (n >= 0 && o->netrc_len < sizeof o->netrc_text
	    && (n = read(fd, o->netrc_text + o->netrc_len,
	    sizeof o->netrc_text - o->netrc_len)) > 0) {
		o->netrc_len += (size_t)n;
	}
	if (fd >= 0) {
		close(fd);
	}
	if (n < 0 || o->netrc_len == sizeof o->netrc_text) {
		return uf_opts_bad("cannot read the netrc file %s (or over "
		    "64 KiB)", o->netrc);
	}
	return -1;
}

/* ufetch's options; the wget personality has its own (wget.c). */
static const struct uf_optdef	options[] = {
	{ "output",		'o', UF_ARG_VALUE, 'o' },
	{ "remote-name",	'O', UF_ARG_FLAG, 'O' },
	{ "timeout",		't', UF_ARG_VALUE, 't' },
	{ "max-time",		'm', UF_ARG_VALUE, 'm' },
	{ "header",		'H', UF_ARG_VALUE, 'H' },
	{ "data",		'd', UF_ARG_VALUE, 'd' },
	{ "request",		'X', UF_ARG_VALUE, 'X' },
	{ "max-redirs",		0,   UF_ARG_VALUE, UF_OPT_MAX_REDIRS },
	{ "continue",		'c', UF_ARG_FLAG, 'c' },
	{ "user-agent",		'A', UF_ARG_VALUE, 'A' },
	{ "head",		'I', UF_ARG_FLAG, 'I' },
	{ "include",		'i', UF_ARG_FLAG, 'i' },
	{ "ipv4",		'4', UF_ARG_FLAG, '4' },
	{ "ipv6",		'6', UF_ARG_FLAG, '6' },
	{ "quiet",		'q', UF_ARG_FLAG, 'q' },
	{ "silent",		's', UF_ARG_FLAG, 's' },
	{ "show-error",		'S', UF_ARG_FLAG, 'S' },
	{ "verbose",		'v', UF_ARG_FLAG, 'v' },
	{ "insecure",		'k', UF_ARG_FLAG, 'k' },
	{ "cacert",		0,   UF_ARG_VALUE, UF_OPT_CACERT },
	{ "capath",		0,   UF_ARG_VALUE, UF_OPT_CAPATH },
	{ "proxy",		'x', UF_ARG_VALUE, 'x' },
	{ "noproxy",		0,   UF_ARG_VALUE, UF_OPT_NOPROXY },
	{ "user",		'u', UF_ARG_VALUE, 'u' },
	{ "netrc",		0,   UF_ARG_FLAG, UF_OPT_NETRC },
	{ "netrc-file",		0,   UF_ARG_VALUE, UF_OPT_NETRC_FILE },
	{ "fail-with-body",	0,   UF_ARG_FLAG, UF_OPT_FAIL_BODY },
	{ "write-out",		'w', UF_ARG_VALUE, 'w' },
	{ "retry",		0,   UF_ARG_VALUE, UF_OPT_RETRY },
	{ "retry-delay",	0,   UF_ARG_VALUE, UF_OPT_RETRY_DELAY },
	{ "retry-max-time",	0,   UF_ARG_VALUE, UF_OPT_RETRY_MAX_TIME },
	{ "time-cond",		'z', UF_ARG_VALUE, 'z' },
	{ "remote-time",	'R', UF_ARG_FLAG, 'R' },
	{ "parallel",		'P', UF_ARG_VALUE, 'P' },
	{ "parallel-host",	0,   UF_ARG_VALUE, UF_OPT_PARALLEL_HOST },
	{ "shard",		0,   UF_ARG_VALUE, UF_OPT_SHARD },
	/* curl's habits that are ufetch's defaults: accepted, no-ops. */
	{ "fail",		'f', UF_ARG_FLAG, 'f' },
	{ "location",		'L', UF_ARG_FLAG, 'L' },
	{ "help",		'h', UF_ARG_FLAG, 'h' },
	{ "version",		'V', UF_ARG_FLAG, 'V' }
};

/* see opts.h */
int
uf_opts_parse(struct uf_run_opts *o, int argc, char **argv)
{
	struct uf_args	g;
	const char	*val;
	char		fmt[sizeof g.opt + 8];
	int		c, i, rc, bad = 0;
	char		*slash;
	unsigned	*n;
	int		wget = uf_wget_is(argv[0]);

	o->fo.timeout = wget ? UF_WGET_TIMEOUT : 3000000000u;
	o->fo.family = AF_UNSPEC;
	o->fo.hdrs = o->hdrs;
	o->fo.user_agent = "ufetch/" UFETCH_VERSION;
	o->fo.max_redirs = 10;
	o->body.fd = -1;
	o->parallel = 1;
	o->parallel_host = UF_PARALLEL_HOST;

	memset(&g, 0, sizeof g);
	g.argc = argc;
	g.argv = argv;
	while ((c = wget ? uf_wget_next(&g) : uf_args_next(&g, options,
	    sizeof options / sizeof options[0])) != UF_ARGS_END) {
		val = g.val;
		switch (c) {
		case 'o':
			/* Else FILE.part would be ".part" in the directory. */
			if (val[0] == '\0') {
				return uf_opts_bad("%s", "empty output file name");
			}
			o->output = val;
			break;
		case 'O':
			o->remote_name = 1;
			break;
		case 't':
			if (parse_secs(val, &o->fo.timeout) != 0) {
				return uf_opts_bad("bad timeout '%s'", val);
			}
			break;
		case 'm':
			if (parse_secs(val, &o->fo.max_time) != 0) {
				return uf_opts_bad("bad max time '%s'", val);
			}
			break;
		case 'H':
			if (uf_http_check_header(val) != 0) {
				return uf_opts_bad("bad header '%s' (want "
				    "'Name: value')", val);
			}
			if (o->fo.nhdrs == UF_MAX_HEADERS) {
				return uf_opts_bad("more than %s -H options",
				    "64");
			}
			o->hdrs[o->fo.nhdrs++] = val;
			break;
		case 'd':
			if (o->fo.body != NULL) {
				return uf_opts_bad("%s", "only one -d");
			}
			if (body_init(o, val) != 0) {
				return UF_E_USAGE;
			}
			o->fo.body = &o->body;
			break;
		case UF_WGET_DATA:	/* --post-data: even a leading '@' */
			o->body.data = val;
			o->body.len = strlen(val);
			o->fo.body = &o->body;
			break;
		case UF_WGET_ERR:
			return uf_opts_bad("%s", uf_err_msg());
		case 'X':
			if (!good_method(val)) {
				return uf_opts_bad("bad method '%s'", val);
			}
			o->fo.method = val;
			break;
		case UF_OPT_MAX_REDIRS:
			bad = parse_count(val, &o->fo.max_redirs);
			break;
		case 'c':
			o->fo.resume = 1;
			o->in_place = wget;	/* wget continues FILE itself */
			break;
		case 'A':
			for (i = 0; val[i] != '\0'; i++) {
				unsigned char	ch = (unsigned char)val[i];

				if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
					return uf_opts_bad("bad user agent '%s'",
					    val);
				}
			}
			/* As with curl, -A '' sends no User-Agent at all. */
			o->fo.user_agent = val[0] != '\0' ? val : NULL;
			break;
		case 'I':
			o->fo.head = 1;
			break;
		case 'i':
			o->fo.include = 1;
			break;
		case 'k':
			o->fo.tls.insecure = 1;
			break;
		case UF_OPT_CACERT:
			o->cacert = val;
			break;
		case UF_OPT_CAPATH:
			o->capath = val;
			break;
		case 'x':
			o->fo.proxy.proxy = val;
			break;
		case UF_OPT_NOPROXY:
			o->fo.proxy.noproxy = val;
			break;
		case 'P':
		case UF_OPT_PARALLEL_HOST:
			n = c == 'P' ? &o->parallel : &o->parallel_host;
			if (parse_count(val, n) != 0 || *n == 0
			    || *n > UF_PARALLEL_MAX) {
				return uf_opts_bad("bad -P or --parallel-host "
				    "'%s'", val);
			}
			break;
		case UF_OPT_SHARD:
			/* I/N: within val, a word of argv, written back. */
			slash = strchr(val, '/');
			rc = slash == NULL;
			if (!rc) {
				*slash = '\0';
				rc = parse_count(val, &o->shard) != 0
				    || parse_count(slash + 1, &o->shards) != 0;
				*slash = '/';
			}
			/* Unsigned: I = 0 wraps above N too. */
			if (rc || o->shard - 1 >= o->shards) {
				return uf_opts_bad("bad --shard '%s' (want "
				    "I/N)", val);
			}
			break;
		case '4':
			o->fo.family = AF_INET;
			break;
		case '6':
			o->fo.family = AF_INET6;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 's':
			o->silent = 1;
			break;
		case 'S':
			o->show_error = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'f':
		case 'L':
			break;
		case 'u':
			if ((rc = user(o, val)) >= 0) {
				return rc;
			}
			break;
		case UF_OPT_NETRC:
		case UF_OPT_NETRC_FILE:
			if ((rc = netrc(o, val)) >= 0) {
				return rc;
			}
			break;
		case UF_OPT_FAIL_BODY:
			o->fo.fail_body = 1;
			break;
		case 'w':
			o->write_out = val;
			if ((val = uf_writeout_check(val)) != NULL) {
				return uf_opts_bad("unknown -w variable in "
				    "'%s'", val);
			}
			break;
		case UF_OPT_RETRY:
			bad = parse_count(val, &o->retry.max);
			break;
		case UF_OPT_RETRY_DELAY:
			bad = parse_secs(val, &o->retry.delay);
			break;
		case UF_OPT_RETRY_MAX_TIME:
			bad = parse_secs(val, &o->retry.max_time);
			break;
		case 'z':
			if ((rc = time_cond(o, val)) >= 0) {
				return rc;
			}
			break;
		case 'R':
			o->remote_time = 1;
			break;
		case UF_OPT_NEWER:
			o->ims_output = 1;
			o->remote_time = 1;
			break;
		case 'h':
			if (wget) {
				uf_wget_usage(1);
			} else {
				usage(1);
			}
			return 0;
		case 'V':
			version();
			return 0;
		case UF_ARGS_NOVALUE:
			return uf_opts_bad("option %s needs a value", g.opt);
		case UF_ARGS_NOTFLAG:
			return uf_opts_bad("option %s takes no value", g.opt);
		default:
			return uf_opts_bad("unknown option %s", g.opt);
		}
		/* A number that is not one: "bad --retry 'x'". */
		if (bad) {
			uf_snprintf(fmt, sizeof fmt, "bad %s '%%s'", g.opt);
			return uf_opts_bad(fmt, val);
		}
	}
	if (g.nfree == 0) {
		return uf_opts_bad("%s", "no URL given");
	}
	if (o->output != NULL && o->remote_name) {
		return uf_opts_bad("%s", "-o and -O cannot be used together");
	}
	if (o->fo.head && (o->fo.body != NULL || o->fo.method != NULL)) {
		return uf_opts_bad("%s", "-I cannot be used with -d or -X");
	}
	if (o->fo.resume && o->output == NULL && !o->remote_name) {
		return uf_opts_bad("%s", "-c needs -o FILE or -O");
	}
	/*
	 * -c continues one body of -o FILE, and -w's lines go to stdout
	 * apart from -o FILE: one URL after the other.
	 */
	if (o->output != NULL && (o->fo.resume || (o->write_out != NULL
	    && strcmp(o->output, "-") != 0))) {
		o->parallel = 1;
	}
	for (i = 1; o->body_stdin && i <= g.nfree; i++) {
		if (strcmp(argv[i], "-") == 0) {
			return uf_opts_bad("%s", "-d @- and the URL list '-' both "
			    "want standard input");
		}
	}
	/* Uploads over TLS need the two-way record buffer. */
	o->fo.tls.bidi = o->fo.body != NULL;
	/* Only names are chosen here; nothing is read before a chain. */
	if (uf_trust_init(&o->trust, o->cacert, o->capath) != UF_OK) {
		return uf_opts_bad("%s", uf_err_msg());
	}
	o->fo.tls.trust = &o->trust;
	o->dir = uf_wget_dir();
	o->nurls = g.nfree;
	o->urls = argv + 1;
	return -1;
}

