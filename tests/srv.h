/*
 * srv.h: scripted loopback servers and a runner for the real binary,
 * shared by the tests.
 *
 * A server listens on 127.0.0.1 (port chosen by the kernel) in its own
 * thread and plays a script of steps on each connection it accepts:
 * read the request head, send bytes, drip them, sleep, hold the
 * connection open, close or reset.
 */
#ifndef TEST_SRV_H
#define TEST_SRV_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <bearssl.h>

enum srv_op {
	OP_END,
	OP_READ_REQ,	/* read the request head (up to the blank line) */
	OP_SEND,	/* send data[0..len) */
	OP_DRIP,	/* send data one byte at a time, ms apart */
	OP_FILL,	/* send len bytes of 'x' */
	OP_SLEEP,	/* sleep ms */
	OP_HOLD,	/* keep the connection until the client closes it */
	OP_RESET,	/* close with RST */
	OP_SLOWREAD,	/* read len bytes every ms until the client closes */
	OP_READ1,	/* read once, whatever arrives (a ClientHello) */
	OP_CLOSE_NOTIFY, /* TLS: send close_notify, then close */
	OP_RELAY,	/* relay to srv.relay_port, dripping its replies */
	OP_PATTERN,	/* srv_pattern() body of len bytes, honouring a
			   Range request (and If-Range: see srv.c);
			   cut after ms bytes unless 0 */
	OP_REDIRECT,	/* up to the len-th request: a 3xx (ms) to data,
			   or to "/rN", and end; later ones go on */
	OP_RENEGOTIATE,	/* TLS: HelloRequest, then wait for the client's
			   new handshake (srv.renegs) and go on, or for
			   its refusal (srv.reneg_refused), which
			   BearSSL's server takes as fatal */
	OP_RENEG_TOLERANT, /* the same, but a refusal is ignored: the
			   script goes on, and may send but not read */
	OP_RAW,		/* send data[0..len) on the socket, past TLS */
	OP_FROM,	/* the len-th connection and those after it play
			   the steps after this one; earlier ones end here */
	OP_ECHO		/* answer every request on the connection (keep-
			   alive) with a body made of its path; see
			   srv_echo_body() */
};

struct srv_step {
	enum srv_op	op;
	const char	*data;
	size_t		len;
	unsigned	ms;
};

#define S_READ		{ OP_READ_REQ, NULL, 0, 0 }
#define S_SEND(s)	{ OP_SEND, (s), sizeof(s) - 1, 0 }
#define S_SENDN(p, n)	{ OP_SEND, (p), (n), 0 }
#define S_DRIP(s, ms)	{ OP_DRIP, (s), sizeof(s) - 1, (ms) }
#define S_FILL(n)	{ OP_FILL, NULL, (n), 0 }
#define S_SLEEP(ms)	{ OP_SLEEP, NULL, 0, (ms) }
#define S_HOLD		{ OP_HOLD, NULL, 0, 0 }
#define S_RESET		{ OP_RESET, NULL, 0, 0 }
#define S_SLOWREAD(n, ms) { OP_SLOWREAD, NULL, (n), (ms) }
#define S_READ1		{ OP_READ1, NULL, 0, 0 }
#define S_NOTIFY	{ OP_CLOSE_NOTIFY, NULL, 0, 0 }
#define S_RELAY(n, ms)	{ OP_RELAY, NULL, (n), (ms) }
#define S_PATTERN(n, cut) { OP_PATTERN, NULL, (n), (cut) }
#define S_REDIRECT(code, n, to) { OP_REDIRECT, (to), (n), (code) }
#define S_RENEG		{ OP_RENEGOTIATE, NULL, 0, 0 }
#define S_RENEG_TOLERANT { OP_RENEG_TOLERANT, NULL, 0, 0 }
#define S_RAW(s)	{ OP_RAW, (s), sizeof(s) - 1, 0 }
#define S_FROM(n)	{ OP_FROM, NULL, (n), 0 }
#define S_ECHO		{ OP_ECHO, NULL, 0, 0 }
#define S_END		{ OP_END, NULL, 0, 0 }

/* OP_PATTERN's Last-Modified. */
#define PATTERN_DATE	"Sun, 06 Nov 1994 08:49:37 GMT"

/*
 * TLS for a server: DER files under tests/pki, leaf first; the key is
 * an EC (SEC1) or RSA (PKCS#1) private key. suites may limit what the
 * server accepts (NULL: BearSSL's full server profile).
 */
#define SRV_CHAIN_MAX	4
struct srv_tls {
	const char	*chain[SRV_CHAIN_MAX];
	const char	*key;
	const uint16_t	*suites;
	size_t		nsuites;
};

struct tls_material;

struct srv {
	const struct srv_step	*steps;
	const struct srv_tls	*tls;		/* NULL: plain TCP */
	struct tls_material	*mat;		/* loaded by srv_start_tls */
	char			sni[256];	/* what the client sent */
	volatile int		handshakes;	/* completed */
	volatile int		renegs;		/* renegotiations completed */
	volatile int		reneg_refused;	/* answered by an alert */
	unsigned short		relay_port;	/* for OP_RELAY */
	unsigned		relay_fast_ms;	/* relay at full speed first */
	int			fd;
	unsigned short		port;
	pthread_t		th;
	volatile int		stop;
	volatile int		nconn;		/* connections accepted */
	char			req[4096];	/* first request head */
	char			last_req[4096];	/* and the last one */
	volatile int		nreq;		/* request heads read */
	size_t			body_len;	/* the last request's body: */
	uint64_t		body_hash;	/*   srv_hash() of it, */
	char			body[4096];	/*   its first bytes */
	br_ssl_session_cache_lru	*lru;		/* NULL: none */
	int			pattern_v2_from; /* OP_PATTERN: ETag "v2"
						    from this connection on */
	int			pattern_bare;	/* OP_PATTERN: no validators */
	int			hang_fd;	/* see srv_hang() */
	volatile int		close_notify;	/* TLS: the client's, seen
						   at S_HOLD */
	int			concurrent;	/* SRV_CONCURRENT */
	volatile int		active;		/* connections open now */
	volatile int		max_active;	/*   and at most */
	volatile int		threads;	/* serving connections */
};

/*
 * OP_ECHO's answer to a request for path: a path with "/dN" in it is
 * answered N ms late, one with "/404" by a 404 (a 3-byte body), one
 * with "/kN" with a body of N KiB; the body is path, a newline, and
 * for /kN letters up to N KiB. Written into buf (cap bytes); returns
 * its length. The tests compute what they expect with it.
 */
size_t	srv_echo_body(char *buf, size_t cap, const char *path);

/* The byte at offset i of an S_PATTERN body. */
unsigned char	srv_pattern(uint64_t i);

/* The hash srv.body_hash holds, of buf[0..len). */
uint64_t	srv_hash(const void *buf, size_t len);

/* The hash of what h was of, then buf[0..len): srv_hash(a b) is
   srv_hash_more(srv_hash(a), b). */
uint64_t	srv_hash_more(uint64_t h, const void *buf, size_t len);

/*
 * Sockets on 127.0.0.1 for test servers: a listener on a port the
 * kernel picks (stored in *port), a connection to port, and a send of
 * all of buf[0..len). Each returns the socket or 0, or -1 on failure.
 */
int	srv_listen(int backlog, unsigned short *port);
int	srv_connect(unsigned short port);
int	srv_send_all(int fd, const void *buf, size_t len);

/* Start a server playing steps on every connection. Returns 0. */
int	srv_start(struct srv *s, const struct srv_step *steps);

/*
 * The same over TLS with the certificates of tls (NULL: none). The
 * server keeps a session cache, so that clients can resume.
 */
int	srv_start_tls(struct srv *s, const struct srv_step *steps,
	    const struct srv_tls *tls);

/*
 * srv_start_tls() with flags: SRV_NO_CACHE, a server without a cache;
 * SRV_CONCURRENT, plain TCP only: each connection is served in a thread
 * of its own, and active and max_active count them (OP_ECHO is the one
 * step that keeps per-connection state apart; others share srv's
 * request fields).
 */
#define SRV_NO_CACHE	1u
#define SRV_CONCURRENT	2u
int	srv_start_tls_flags(struct srv *s, const struct srv_step *steps,
	    const struct srv_tls *tls, unsigned flags);

/*
 * A listener whose accept queue is full, so that a new connect()
 * hangs (its SYN is dropped), as a black-holed address does.
 */
int	srv_hang(struct srv *s);

/* A port on 127.0.0.1 where nothing listens (connect is refused),
 * held for the rest of the test process so nobody else takes it. */
unsigned short	srv_refused_port(void);

void	srv_stop(struct srv *s);

/* The result of one run of the binary. */
struct run {
	int	code;		/* exit status, or -1 if killed */
	int	sig;		/* the signal that killed it, or 0 */
	double	secs;		/* wall time */
	char	out[1 << 20];	/* stdout (first 1 MiB) */
	size_t	out_len;	/* total stdout bytes */
	char	err[8192];	/* stderr, NUL-terminated */
	size_t	err_len;
};

/*
 * Run $UFETCH (default ./ufetch) with args (NULL-terminated, without
 * argv[0]), feeding in (may be NULL) on stdin, and wait for it. The
 * binary runs without the proxy and SSL_CERT_* variables of our
 * environment. When it cannot be started (pipe, fork) the test fails
 * there (cr_assert); a run still going after 60 s (300 s under
 * UFETCH_SLOW) is killed and fails the test.
 */
void	run_ufetch(struct run *r, const char *in, const char *const *args);

/* As run_ufetch(), with env ("NAME=value", NULL-terminated) set. */
void	run_ufetch_env(struct run *r, const char *in, const char *const *env,
	    const char *const *args);

/*
 * The absolute path of a file under tests/pki, in buf (cap bytes);
 * returns buf. Thread-safe once called from the test's main thread.
 */
const char	*pki(char *buf, size_t cap, const char *name);

/*
 * The usual test: start s playing steps, run the binary with opts
 * (NULL-terminated; NULL: none) and then s's URL for path, and stop
 * s. What s recorded (req, nconn, ...) stays for the checks.
 */
void	run_srv(struct run *r, struct srv *s, const struct srv_step *steps,
	    const char *const *opts, const char *path);

/* Later runs get RLIMIT_FSIZE of bytes (-1: none). */
void	run_limit_fsize(long bytes);

/*
 * Start $UFETCH with stdout to outfd and stderr to errfd (-1: to
 * /dev/null; outfd -2: stdout closed); returns its pid (the test fails
 * there when fork() does).
 */
pid_t	spawn_ufetch(int outfd, int errfd, const char *const *args);

/*
 * In a child process: exec the binary with args (NULL-terminated,
 * without argv[0]) under $UFETCH_WRAP when set; _exit(127) if that
 * fails. For tests that set up the child's descriptors themselves.
 */
void	exec_ufetch(const char *const *args) __attribute__((noreturn));

/*
 * The binary under test ($UFETCH, default ./ufetch) as an absolute
 * path, resolved on first call: call it before a test changes
 * directory.
 */
const char	*binary(void);

/*
 * Change to a new directory under /tmp (after resolving binary()); it
 * is removed with all it holds when the test's process exits.
 */
void	in_tmpdir(void);

/*
 * Later runs start path (a link to the binary, such as one named
 * "wget") instead of binary(); NULL: binary() again. UFETCH_WRAP
 * still applies.
 */
void	run_as(const char *path);

/* "http://127.0.0.1:PORT" followed by path, in buf. */
const char	*srv_url(char *buf, size_t cap, const struct srv *s,
		    const char *path);

/*
 * How late a timed step may end: 0.3 s, or 4 s when UFETCH_SLOW is set
 * (make memcheck). Nothing may end early.
 */
double	slack(void);

/*
 * Criterion checks of a run: exit status code and a message containing
 * msg (NULL: stderr empty); a duration of want seconds, never less and
 * at most slack() more; stdout exactly want.
 */
void	run_expect_exit(const struct run *r, int code, const char *msg);
void	run_expect_secs(const struct run *r, double want);
void	run_expect_out(const struct run *r, const char *want);

#define expect_exit(code, msg)	run_expect_exit(&r, (code), (msg))
#define expect_secs(want)	run_expect_secs(&r, (want))
#define expect_out(want)	run_expect_out(&r, (want))

/* Does the file at path hold exactly want (up to 4 KiB)? */
int	file_is(const char *path, const char *want);

/* Create or replace the file at path with s (asserts on failure). */
void	put_file(const char *path, const char *s);

/*
 * Does the ELF file at path ask for a program interpreter (a dynamic
 * link)? The test fails when it is no little-endian ELF file.
 */
int	elf_has_interp(const char *path);

/* Seconds since an arbitrary point (monotonic). */
double	now_secs(void);

#endif
