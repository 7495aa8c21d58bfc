/*
 * opts.c: the command line (see opts.h), --help and --version.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "http.h"
#include "msg.h"
#include "opts.h"
#include "out.h"
#include "wget.h"

/* Long options without a short form. */
#define OPT_NOPROXY	256
#define OPT_CAPATH	257
#define OPT_PARALLEL_HOST 258
#define OPT_SHARD	259

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
	    "  -P, --parallel N up to N URLs at a time (1-64), output in list "
	    "order;\n"
	    "                   memory about 400 KiB + 125 KiB per URL in "
	    "flight\n"
	    "  --parallel-host M\n"
	    "                   at most M connections to one origin (default "
	    "6)\n"
	    "  --shard I/N      only the URLs whose origin is in shard I of N\n"
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

/* see opts.h */
int
uf_opts_parse(struct uf_run_opts *o, int argc, char **argv)
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
		{ "capath",	required_argument,	NULL, OPT_CAPATH },
		{ "proxy",	required_argument,	NULL, 'x' },
		{ "noproxy",	required_argument,	NULL,
		    OPT_NOPROXY },
		{ "parallel",	required_argument,	NULL, 'P' },
		{ "parallel-host", required_argument,	NULL,
		    OPT_PARALLEL_HOST },
		{ "shard",	required_argument,	NULL, OPT_SHARD },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	int		c, i;
	int		wget = uf_wget_is(argv[0]);
	char		*slash;
	unsigned	*n;
	int		bad;

	o->fo.timeout = wget ? UF_WGET_TIMEOUT : 3000000000u;
	o->fo.family = AF_UNSPEC;
	o->fo.hdrs = o->hdrs;
	o->fo.user_agent = "ufetch/" UFETCH_VERSION;
	o->fo.max_redirs = 10;
	o->body.fd = -1;
	o->parallel = 1;
	o->parallel_host = UF_PARALLEL_HOST;

	opterr = 0;
	while ((c = wget ? uf_wget_getopt(argc, argv)
	    : getopt_long(argc, argv, ":o:Ot:m:H:d:X:cA:Iik46qsvhVx:P:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			/* Else FILE.part would be ".part" in the directory. */
			if (optarg[0] == '\0') {
				return uf_opts_bad("%s", "empty output file name");
			}
			o->output = optarg;
			break;
		case 'O':
			o->remote_name = 1;
			break;
		case 't':
			if (parse_secs(optarg, &o->fo.timeout) != 0) {
				return uf_opts_bad("bad timeout '%s'", optarg);
			}
			break;
		case 'm':
			if (parse_secs(optarg, &o->fo.max_time) != 0) {
				return uf_opts_bad("bad max time '%s'", optarg);
			}
			break;
		case 'H':
			if (uf_http_check_header(optarg) != 0) {
				return uf_opts_bad("bad header '%s' (want "
				    "'Name: value')", optarg);
			}
			if (o->fo.nhdrs == UF_MAX_HEADERS) {
				return uf_opts_bad("more than %s -H options",
				    "64");
			}
			o->hdrs[o->fo.nhdrs++] = optarg;
			break;
		case 'd':
			if (o->fo.body != NULL) {
				return uf_opts_bad("%s", "only one -d");
			}
			if (body_init(o, optarg) != 0) {
				return UF_E_USAGE;
			}
			o->fo.body = &o->body;
			break;
		case UF_WGET_DATA:	/* --post-data: even a leading '@' */
			o->body.data = optarg;
			o->body.len = strlen(optarg);
			o->fo.body = &o->body;
			break;
		case UF_WGET_ERR:
			return uf_opts_bad("%s", uf_err_msg());
		case 'X':
			if (!good_method(optarg)) {
				return uf_opts_bad("bad method '%s'", optarg);
			}
			o->fo.method = optarg;
			break;
		case 'R':
			if (parse_count(optarg, &o->fo.max_redirs) != 0) {
				return uf_opts_bad("bad --max-redirs '%s'",
				    optarg);
			}
			break;
		case 'c':
			o->fo.resume = 1;
			break;
		case 'A':
			for (i = 0; optarg[i] != '\0'; i++) {
				unsigned char	ch = (unsigned char)optarg[i];

				if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
					return uf_opts_bad("bad user agent '%s'",
					    optarg);
				}
			}
			/* As with curl, -A '' sends no User-Agent at all. */
			o->fo.user_agent = optarg[0] != '\0' ? optarg : NULL;
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
		case 'C':
			o->cacert = optarg;
			break;
		case OPT_CAPATH:
			o->capath = optarg;
			break;
		case 'x':
			o->fo.proxy.proxy = optarg;
			break;
		case OPT_NOPROXY:
			o->fo.proxy.noproxy = optarg;
			break;
		case 'P':
		case OPT_PARALLEL_HOST:
			n = c == 'P' ? &o->parallel : &o->parallel_host;
			if (parse_count(optarg, n) != 0 || *n == 0
			    || *n > UF_PARALLEL_MAX) {
				return uf_opts_bad("bad -P or --parallel-host "
				    "'%s'", optarg);
			}
			break;
		case OPT_SHARD:
			/* I/N; the '/' is put back for the message. */
			slash = strchr(optarg, '/');
			bad = slash == NULL;
			if (!bad) {
				*slash = '\0';
				bad = parse_count(optarg, &o->shard) != 0
				    || parse_count(slash + 1, &o->shards) != 0;
				*slash = '/';
			}
			/* Unsigned: I = 0 wraps above N too. */
			if (bad || o->shard - 1 >= o->shards) {
				return uf_opts_bad("bad --shard '%s' (want "
				    "I/N)", optarg);
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
		case 'v':
			o->verbose = 1;
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
			return uf_opts_bad("option %s needs a value",
			    option_name(argc, argv));
		default:
			return uf_opts_bad("unknown option %s",
			    option_name(argc, argv));
		}
	}
	if (optind == argc) {
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
	/* -c continues one body of -o FILE: one URL after the other. */
	if (o->fo.resume && o->output != NULL) {
		o->parallel = 1;
	}
	for (i = optind; o->body_stdin && i < argc; i++) {
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
	o->nurls = argc - optind;
	o->urls = argv + optind;
	return -1;
}

