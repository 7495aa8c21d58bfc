/*
 * main.c: options, the URL loop, exit status and messages.
 *
 * Each URL is fetched with the arena reset to the mark taken at start,
 * so one URL's memory never outlives it. Messages are printed here and
 * nowhere else; the exit status is that of the first URL that failed.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "fetch.h"
#include "fmt.h"
#include "http.h"
#include "net.h"
#include "out.h"
#include "progress.h"
#include "tls.h"
#include "trust.h"
#include "url.h"
#include "urls.h"
#include "wget.h"

/* --noproxy has no short form. */
#define OPT_NOPROXY	256

/* Most -H options; each is a pointer into argv. */
#define MAX_HEADERS	64

static struct {
	struct uf_opts	fo;
	const char	*output;	/* -o */
	int		remote_name;	/* -O */
	int		silent;
	int		quiet;
	const char	*hdrs[MAX_HEADERS];
	const char	*cacert, *capath;
	struct uf_trust	trust;
	struct uf_body	body;		/* -d */
	int		body_stdin;	/* -d @- */
} opt;

static struct uf_out	out_file;	/* -o FILE: one for the whole run */
static struct uf_out	out_url;	/* stdout or -O: one per URL */
static int		status;		/* exit status of the first failure */
static int		pipe_closed;
static unsigned long	nfetched;	/* URLs tried so far */
static struct uf_conn	conn;		/* kept between URLs of one origin */
static struct uf_urls	urls;
static struct uf_item	items[2];	/* the current URL and the next */
static struct uf_progress	prog;	/* the progress line, per URL */
static int		prog_on;

static void
usage(int fd)
{
	static const char	text[] =
	    "usage: ufetch [options] URL...\n"
	    "Fetch each URL over HTTP/1.1 or HTTPS and write the bodies to "
	    "standard "
	    "output.\n"
	    "A URL '-' reads URLs from standard input, '@FILE' from FILE.\n"
	    "\n"
	    "  -o FILE          write to FILE (atomically; - is stdout)\n"
	    "  -O               write to a file named after the URL\n"
	    "  -t, --timeout SECS\n"
	    "                   per-step timeout (default 3; 0: none)\n"
	    "  -m, --max-time SECS\n"
	    "                   total time per URL (default: none)\n"
	    "  -H 'Name: value' add or replace a request header "
	    "('Name:' removes)\n"
	    "  -d DATA, -d @FILE, -d @-\n"
	    "                   send DATA, FILE or standard input with POST\n"
	    "  -X METHOD        request method\n"
	    "  --max-redirs N   follow at most N redirects (default 10; 0: "
	    "none)\n"
	    "  -c, --continue   resume the .part file of -o or -O\n"
	    "  -A, --user-agent UA\n"
	    "  -I, --head       HEAD request; print the response head\n"
	    "  -i, --include    print the response head before the body\n"
	    "  -k, --insecure   do not check the server's certificate\n"
	    "  --cacert FILE    trust the CA certificates in FILE\n"
	    "  --capath DIR     trust the CA certificates in DIR (hashed)\n"
	    "  -4, -6           IPv4 or IPv6 addresses only\n"
	    "  -x, --proxy URL  use this HTTP proxy ('': none; default: "
	    "$http_proxy,\n"
	    "                   $https_proxy, $all_proxy)\n"
	    "  --noproxy LIST   hosts reached directly (default: $no_proxy)\n"
	    "  -q, --quiet      no progress display\n"
	    "  -s, --silent     nothing on standard error\n"
	    "  -v, --verbose    request and response heads on standard "
	    "error\n"
	    "  -h, --help       this text\n"
	    "  -V, --version    version and build features\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 3 output, 4 network, 5 certificate,"
	    "\n"
	    "6 TLS handshake, 7 protocol, 8 HTTP error (>= 400), 9 timeout.\n";

	(void)uf_write_all(fd, text, sizeof text - 1);
}

static void
message(const char *url, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * url for a message, in dst (cap bytes), with the password of its user
 * info, if any, shown as "***": stderr ends up in logs (wget hides it
 * the same way).
 */
static void
hide_password(char *dst, size_t cap, const char *url)
{
	const char	*p = uf_url_scheme_sep(url), *end, *at, *colon;

	uf_snprintf(dst, cap, "%s", url);
	if (p == NULL) {
		p = url;	/* no scheme: http is assumed */
	} else {
		p += 3;
	}
	end = p + strcspn(p, "/?#");
	for (at = end; at > p && at[-1] != '@'; at--) {
		continue;
	}
	colon = memchr(p, ':', (size_t)(at - p));
	if (at > p && colon != NULL) {
		uf_snprintf(dst, cap, "%.*s***%s", (int)(colon + 1 - url), url,
		    at - 1);
	}
}

/* One line on stderr: "ufetch: URL: reason" (url may be NULL). */
static void
message(const char *url, const char *fmt, ...)
{
	char	buf[1024], clean[256], shown[1024];
	va_list	ap;
	int	n = 0;

	if (opt.silent) {
		return;
	}
	uf_progress_break(&prog);
	if (url != NULL) {
		hide_password(shown, sizeof shown, url);
		uf_sanitize(clean, sizeof clean, shown, strlen(shown));
		n = uf_snprintf(buf, sizeof buf, "ufetch: %s: ", clean);
	} else {
		n = uf_snprintf(buf, sizeof buf, "ufetch: ");
	}
	va_start(ap, fmt);
	n += uf_vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if ((size_t)n > sizeof buf - 2) {
		n = (int)sizeof buf - 2;
	}
	buf[n++] = '\n';
	(void)uf_write_all(2, buf, (size_t)n);
}

static void
record(enum uf_err err)
{
	if (err == UF_E_PIPE) {
		pipe_closed = 1;
	} else if (status == 0 && err != UF_OK) {
		status = (int)err;
	}
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

/* Parse a URL argument; like curl and wget, no scheme means http. */
static enum uf_err
parse_arg(struct uf_arena *a, const char *arg, struct uf_url *u)
{
	const char	*s = uf_url_default_http(a, arg);

	/* No room for the copy: the arena's own message. */
	return uf_url_parse(a, s != NULL ? s : arg, u);
}

/*
 * Fetch one URL string: parse, pick the output, fetch, finish the
 * output, print the failure. next is the URL after it, when known
 * without waiting: the connection is kept if it has the same origin.
 */
static void
fetch_url(struct uf_arena *a, size_t mark, const char *arg, const char *next)
{
	struct uf_url		u, nu;
	struct uf_out		*out;
	const char		*name;
	enum uf_err		err;
	size_t			len, nmark;
	int			keep;

	uf_arena_reset(a, mark);
	uf_err_clear();
	err = parse_arg(a, arg, &u);
	if (err != UF_OK) {
		message(arg, "%s", uf_err_msg());
		record(err);
		return;
	}
	/* The next URL's parse is given back at once: it costs us nothing. */
	nmark = uf_arena_mark(a);
	keep = next != NULL && parse_arg(a, next, &nu) == UF_OK
	    && uf_url_origin_is(&nu, u.scheme, u.host, u.port);
	uf_arena_reset(a, nmark);
	uf_err_clear();
	if (opt.output != NULL) {
		out = &out_file;
	} else {
		out = &out_url;
		if (opt.remote_name) {
			char		path[PATH_MAX];
			const char	*dir = uf_wget_dir();	/* wget -P */
			size_t		dlen = 0;

			name = uf_url_filename(&u, &len);
			if (dir != NULL) {
				dlen = (size_t)uf_snprintf(path, sizeof path,
				    "%s/", dir);
			}
			if (dlen + len >= sizeof path) {
				message(arg, "file name too long");
				record(UF_E_OUTPUT);
				return;
			}
			memcpy(path + dlen, name, len);
			path[dlen + len] = '\0';
			err = uf_out_init(out, path);
		} else {
			err = uf_out_init(out, NULL);
		}
		if (err != UF_OK) {
			message(arg, "%s", uf_err_msg());
			record(err);
			return;
		}
	}
	nfetched++;
	out->prog = prog_on ? &prog : NULL;
	err = uf_fetch(a, &conn, &u, &opt.fo, out, keep);
	if (err == UF_OK && out == &out_url) {
		err = uf_out_commit(out);
	}
	uf_progress_end(&prog, err == UF_OK);
	if (err != UF_OK) {
		if (out == &out_url) {
			/* A transfer cut short is kept for -c to resume. */
			uf_out_abort(out, err == UF_E_NET
			    || err == UF_E_TIMEOUT || opt.fo.resume);
		}
		if (err != UF_E_PIPE) {
			message(arg, "%s", uf_err_msg());
		}
	}
	record(err);
}

/*
 * Progress only on a terminal, and not with -q, -s or -v (its notes
 * would break the line), nor when the body itself goes to the
 * terminal, as with curl: the two would garble each other. -I has no
 * body, so it never starts.
 */
static int
progress_wanted(int verbose)
{
	int	to_stdout = opt.output != NULL ? strcmp(opt.output, "-") == 0
		    : !opt.remote_name;

	return !opt.quiet && !opt.silent && !verbose
	    && isatty(2) && !(to_stdout && isatty(1));
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
	    "tls: %s\n"
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

/* A usage error: the message with arg sanitized, and where help is. */
static int
bad_usage(const char *fmt, const char *arg)
{
	static const char	hint[] = "Try 'ufetch -h' for help.\n";
	char			clean[256];

	uf_sanitize(clean, sizeof clean, arg, strlen(arg));
	message(NULL, fmt, clean);
	if (!opt.silent) {
		(void)uf_write_all(2, hint, sizeof hint - 1);
	}
	return UF_E_USAGE;
}

/*
 * The bytes of a non-seekable body (a pipe, a terminal) go to an
 * unnamed temporary file first: its length is known before the
 * request, and a 307 can send it again. Returns the file or -1.
 */
static int
spool(int from)
{
	const char	*dir = getenv("TMPDIR");
	char		path[PATH_MAX], buf[16384];
	ssize_t		n;
	int		fd;

	if (dir == NULL || *dir == '\0') {
		dir = "/tmp";
	}
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* No O_TMPFILE here: a named file, unlinked at once. */
		uf_snprintf(path, sizeof path, "%s/ufetch-XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd < 0) {
			return -1;
		}
		unlink(path);
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

/* -d DATA, -d @FILE, -d @-: set opt.body up, or say why not. */
static int
body_init(const char *arg)
{
	struct uf_body	*b = &opt.body;
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
		opt.body_stdin = 1;
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
	return bad_usage("%s", why);
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
 * The option getopt_long() just refused. Where optind points after an
 * error differs between C libraries (musl leaves it past argv's end
 * for a missing value), so a short option is named from optopt.
 */
static const char *
option_name(int argc, char **argv)
{
	static char	name[3] = "-?";

	if (optopt != 0) {
		name[1] = (char)optopt;
		return name;
	}
	if (optind >= 1 && optind - 1 < argc && argv[optind - 1] != NULL) {
		return argv[optind - 1];
	}
	return "(unknown)";
}

/* A bad -x is a usage error before any URL is tried. */
static enum uf_err
check_proxy(struct uf_arena *a, size_t mark)
{
	struct uf_proxy	p;
	enum uf_err	err = UF_OK;

	if (opt.fo.proxy.proxy != NULL && opt.fo.proxy.proxy[0] != '\0') {
		err = uf_proxy_parse(a, opt.fo.proxy.proxy, "-x", &p);
		uf_arena_reset(a, mark);
	}
	return err;
}

int
main(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "output",	required_argument,	NULL, 'o' },
		{ "remote-name", no_argument,		NULL, 'O' },
		{ "timeout",	required_argument,	NULL, 't' },
		{ "max-time",	required_argument,	NULL, 'm' },
		{ "header",	required_argument,	NULL, 'H' },
		{ "data",	required_argument,	NULL, 'd' },
		{ "request",	required_argument,	NULL, 'X' },
		{ "max-redirs",	required_argument,	NULL, 'R' },
		{ "continue",	no_argument,		NULL, 'c' },
		{ "user-agent",	required_argument,	NULL, 'A' },
		{ "head",	no_argument,		NULL, 'I' },
		{ "include",	no_argument,		NULL, 'i' },
		{ "ipv4",	no_argument,		NULL, '4' },
		{ "ipv6",	no_argument,		NULL, '6' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "silent",	no_argument,		NULL, 's' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "insecure",	no_argument,		NULL, 'k' },
		{ "cacert",	required_argument,	NULL, 'C' },
		{ "capath",	required_argument,	NULL, 'P' },
		{ "proxy",	required_argument,	NULL, 'x' },
		{ "noproxy",	required_argument,	NULL,
		    OPT_NOPROXY },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct uf_arena	*a;
	struct uf_item	*cur, *nxt;
	size_t		mark;
	void		*mem;
	int		c, i, verbose = 0, have_next;
	int		wget = uf_wget_is(argv[0]);
	enum uf_err	err;

	/*
	 * A closed 0, 1 or 2 would be handed to the first socket we open,
	 * and the body written to the server. Occupy them; stdout read-only,
	 * so that writing the body fails instead of vanishing.
	 */
	for (i = 0; i < 3; i++) {
		if (fcntl(i, F_GETFD) == -1 && errno == EBADF
		    && open("/dev/null", i == 1 ? O_RDONLY : O_RDWR) != i) {
			return UF_E_INTERNAL;
		}
	}
	/* Socket writes use MSG_NOSIGNAL; stdout's EPIPE is handled. */
	signal(SIGPIPE, SIG_IGN);
	/* Over RLIMIT_FSIZE, write() fails with EFBIG and we clean up. */
	signal(SIGXFSZ, SIG_IGN);

	opt.fo.timeout = wget ? UF_WGET_TIMEOUT : 3000000000u;
	opt.fo.family = AF_UNSPEC;
	opt.fo.hdrs = opt.hdrs;
	opt.fo.user_agent = "ufetch/" UFETCH_VERSION;
	opt.fo.max_redirs = 10;
	opt.body.fd = -1;

	opterr = 0;
	while ((c = wget ? uf_wget_getopt(argc, argv)
	    : getopt_long(argc, argv, ":o:Ot:m:H:d:X:cA:Iik46qsvhVx:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			/* Else FILE.part would be ".part" in the directory. */
			if (optarg[0] == '\0') {
				return bad_usage("%s", "empty output file name");
			}
			opt.output = optarg;
			break;
		case 'O':
			opt.remote_name = 1;
			break;
		case 't':
			if (parse_secs(optarg, &opt.fo.timeout) != 0) {
				return bad_usage("bad timeout '%s'", optarg);
			}
			break;
		case 'm':
			if (parse_secs(optarg, &opt.fo.max_time) != 0) {
				return bad_usage("bad max time '%s'", optarg);
			}
			break;
		case 'H':
			if (uf_http_check_header(optarg) != 0) {
				return bad_usage("bad header '%s' (want "
				    "'Name: value')", optarg);
			}
			if (opt.fo.nhdrs == MAX_HEADERS) {
				return bad_usage("more than %s -H options",
				    "64");
			}
			opt.hdrs[opt.fo.nhdrs++] = optarg;
			break;
		case 'd':
			if (opt.fo.body != NULL) {
				return bad_usage("%s", "only one -d");
			}
			if (body_init(optarg) != 0) {
				return UF_E_USAGE;
			}
			opt.fo.body = &opt.body;
			break;
		case UF_WGET_DATA:	/* --post-data: even a leading '@' */
			opt.body.data = optarg;
			opt.body.len = strlen(optarg);
			opt.fo.body = &opt.body;
			break;
		case UF_WGET_ERR:
			return bad_usage("%s", uf_err_msg());
		case 'X':
			if (!good_method(optarg)) {
				return bad_usage("bad method '%s'", optarg);
			}
			opt.fo.method = optarg;
			break;
		case 'R':
			if (parse_count(optarg, &opt.fo.max_redirs) != 0) {
				return bad_usage("bad --max-redirs '%s'",
				    optarg);
			}
			break;
		case 'c':
			opt.fo.resume = 1;
			break;
		case 'A':
			for (i = 0; optarg[i] != '\0'; i++) {
				unsigned char	ch = (unsigned char)optarg[i];

				if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
					return bad_usage("bad user agent '%s'",
					    optarg);
				}
			}
			/* As with curl, -A '' sends no User-Agent at all. */
			opt.fo.user_agent = optarg[0] != '\0' ? optarg : NULL;
			break;
		case 'I':
			opt.fo.head = 1;
			break;
		case 'i':
			opt.fo.include = 1;
			break;
		case 'k':
			opt.fo.tls.insecure = 1;
			break;
		case 'C':
			opt.cacert = optarg;
			break;
		case 'P':
			opt.capath = optarg;
			break;
		case 'x':
			opt.fo.proxy.proxy = optarg;
			break;
		case OPT_NOPROXY:
			opt.fo.proxy.noproxy = optarg;
			break;
		case '4':
			opt.fo.family = AF_INET;
			break;
		case '6':
			opt.fo.family = AF_INET6;
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 's':
			opt.silent = 1;
			break;
		case 'v':
			verbose = 1;
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
		case ':':
			return bad_usage("option %s needs a value",
			    option_name(argc, argv));
		default:
			return bad_usage("unknown option %s",
			    option_name(argc, argv));
		}
	}
	uf_verbose = verbose && !opt.silent;
	uf_progress_init(&prog, 2);
	prog_on = progress_wanted(verbose);
	if (optind == argc) {
		return bad_usage("%s", "no URL given");
	}
	if (opt.output != NULL && opt.remote_name) {
		return bad_usage("%s", "-o and -O cannot be used together");
	}
	if (opt.fo.head && (opt.fo.body != NULL || opt.fo.method != NULL)) {
		return bad_usage("%s", "-I cannot be used with -d or -X");
	}
	if (opt.fo.resume && opt.output == NULL && !opt.remote_name) {
		return bad_usage("%s", "-c needs -o FILE or -O");
	}
	for (i = optind; opt.body_stdin && i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			return bad_usage("%s", "-d @- and the URL list '-' both "
			    "want standard input");
		}
	}
	/* Uploads over TLS need the two-way record buffer. */
	opt.fo.tls.bidi = opt.fo.body != NULL;
	if (opt.output != NULL && uf_out_init(&out_file, opt.output)
	    != UF_OK) {
		return bad_usage("%s", uf_err_msg());
	}
	/* Only names are chosen here; nothing is read before a chain. */
	if (uf_trust_init(&opt.trust, opt.cacert, opt.capath) != UF_OK) {
		return bad_usage("%s", uf_err_msg());
	}
	opt.fo.tls.trust = &opt.trust;

	a = uf_arena_main();
	/* The connection's memory lies below the mark, for all URLs. */
	mem = uf_arena_alloc(a, UF_CONN_MEM);
	if (mem == NULL) {
		return UF_E_INTERNAL;
	}
	uf_conn_init(&conn, mem, UF_CONN_MEM);
	mark = uf_arena_mark(a);
	if (check_proxy(a, mark) != UF_OK) {
		return bad_usage("%s", uf_err_msg());
	}
	uf_proxy_cfg_env(&opt.fo.proxy);
	uf_urls_init(&urls, argc - optind, argv + optind);
	cur = &items[0];
	uf_urls_next(&urls, cur, 0);
	while (cur->kind != UF_ITEM_END && !pipe_closed) {
		nxt = cur == &items[0] ? &items[1] : &items[0];
		/* Peek at the next URL, but never wait for a slow list. */
		have_next = uf_urls_next(&urls, nxt, 1);
		if (cur->kind == UF_ITEM_ERROR) {
			message(cur->where, "%s", cur->msg);
			record(UF_E_USAGE);
		} else {
			fetch_url(a, mark, cur->url, have_next
			    && nxt->kind == UF_ITEM_URL ? nxt->url : NULL);
		}
		if (!have_next) {
			uf_urls_next(&urls, nxt, 0);
		}
		cur = nxt;
	}
	uf_conn_close(&conn);

	if (opt.output != NULL) {
		if (status == 0 && !pipe_closed) {
			uf_err_clear();
			err = uf_out_commit(&out_file);
			if (err != UF_OK) {
				message(opt.output, "%s", uf_err_msg());
				record(err);
			}
		} else {
			/* Only one body's part can be resumed with -c. */
			uf_out_abort(&out_file, nfetched == 1
			    && (status == UF_E_NET || status == UF_E_TIMEOUT
			    || opt.fo.resume));
		}
	}
	if (pipe_closed) {
		/*
		 * End as any filter does when its reader goes away, whatever
		 * happened to earlier URLs: the shell sees 141.
		 */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	return status;
}
