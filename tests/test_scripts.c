/*
 * test_scripts.c: what curl and wget users type in scripts (issue 13),
 * the real binary against scripted servers on 127.0.0.1: curl's
 * -sSfL, exact long options, credentials, --fail-with-body, -w,
 * --retry, timestamps, and a bare root without /dev.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srv.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OK200(body)	"HTTP/1.1 200 OK\r\nContent-Length: " body
#define has(s, sub)	(strstr((s), (sub)) != NULL)

static struct run	r;
static char		link_path[PATH_MAX];

static const struct srv_step	hello[] = {
	S_READ, S_SEND(OK200("6\r\n\r\nhello\n")), S_END
};
static const struct srv_step	missing[] = {
	S_READ, S_SEND("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\n"
	    "gone"), S_END
};

/* Later runs go through a link named "wget" in a new directory. */
static void
wget_link(void)
{
	in_tmpdir();
	cr_assert_eq(symlink(binary(), "wget"), 0);
	cr_assert_not_null(getcwd(link_path, sizeof link_path - 8));
	strcat(link_path, "/wget");
	run_as(link_path);
}

/*
 * Section 1: the traps.
 */

/* curl's install idiom: ufetch -sSfL URL | sh. */
Test(scripts, sSfL_fetches_and_shows_only_errors)
{
	struct srv	s;

	run_srv(&r, &s, hello, ARGS("-sSfL"), "/");
	expect_exit(0, NULL);
	expect_out("hello\n");
	run_srv(&r, &s, missing, ARGS("-sSfL"), "/");
	expect_exit(8, "HTTP Error 404: Not Found");
	expect_out("");
	/* -s alone: the same status, not a word. */
	run_srv(&r, &s, missing, ARGS("-s", "--fail", "--location"), "/");
	expect_exit(8, NULL);
	run_srv(&r, &s, missing, ARGS("-s", "--show-error"), "/");
	expect_exit(8, "HTTP Error 404");
}

Test(scripts, usage_errors_are_printed_even_under_s)
{
	run_ufetch(&r, NULL, ARGS("-s", "--bogus", "http://127.0.0.1:9/"));
	expect_exit(2, "unknown option --bogus");
	cr_expect(has(r.err, "Try 'ufetch -h'"), "%s", r.err);
	run_ufetch(&r, NULL, ARGS("-s", "-t", "x", "http://127.0.0.1:9/"));
	expect_exit(2, "bad timeout 'x'");
	run_ufetch(&r, NULL, ARGS("-s"));
	expect_exit(2, "no URL given");
}

/*
 * getopt_long() took any unambiguous prefix: "--user" was
 * "--user-agent", and the password went out as the User-Agent.
 */
Test(scripts, long_options_are_never_abbreviated)
{
	struct srv	s;

	run_srv(&r, &s, hello, ARGS("--user-a", "alice:s3cret"), "/");
	expect_exit(2, "unknown option --user-a");
	cr_expect_eq(s.nconn, 0);
	run_srv(&r, &s, hello, ARGS("--insec"), "/");
	expect_exit(2, "unknown option --insec");
	run_srv(&r, &s, hello, ARGS("--max-time=", "--out=f"), "/");
	expect_exit(2, "bad max time ''");
	/* Never the value: it may be a password. */
	run_srv(&r, &s, hello, ARGS("--usr=alice:s3cret"), "/");
	expect_exit(2, "unknown option --usr");
	cr_expect(!has(r.err, "s3cret"), "%s", r.err);
	run_srv(&r, &s, hello, ARGS("--insecure=yes"), "/");
	expect_exit(2, "option --insecure takes no value");
	/* Spelled in full, every form works, wherever it stands. */
	run_srv(&r, &s, hello, ARGS("--user-agent=a b", "--max-time", "5",
	    "-qkA", "c d", "-t5"), "/");
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect(has(s.req, "\r\nUser-Agent: c d\r\n"), "%s", s.req);
}

Test(scripts, wget_long_options_are_never_abbreviated)
{
	struct srv	s;

	wget_link();
	run_srv(&r, &s, hello, ARGS("--output-doc=f"), "/");
	expect_exit(2, "unknown option --output-doc");
	run_srv(&r, &s, hello, ARGS("--user-ag", "x"), "/");
	expect_exit(2, "unknown option --user-ag");
	run_srv(&r, &s, hello, ARGS("--spid"), "/");
	expect_exit(2, "unknown option --spid");
	cr_expect_eq(s.nconn, 0);
	run_srv(&r, &s, hello, ARGS("--output-document=f", "-q"), "/");
	expect_exit(0, NULL);
	cr_expect(file_is("f", "hello\n"));
}

/*
 * A bare root, as on a router: no /dev at all, and the standard
 * descriptors closed. The static binary runs chrooted in a directory
 * that holds nothing but itself; a dynamic link, which needs its
 * loader and libraries, runs with an empty /dev instead. In the child:
 * returns 0, or -1 when the namespace cannot be made.
 */
static int
enter_bare_root(const char *dir, int dynamic)
{
	if (unshare(CLONE_NEWNS) != 0
	    || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		return -1;
	}
	if (dynamic) {
		return mount("none", "/dev", "tmpfs", 0, NULL);
	}
	return chroot(dir) == 0 && chdir("/") == 0 ? 0 : -1;
}

/* Copy the binary under test to dir/ufetch. */
static void
copy_binary(const char *dir)
{
	char	path[PATH_MAX], buf[65536];
	ssize_t	n;
	int	in, out;

	snprintf(path, sizeof path, "%s/ufetch", dir);
	in = open(binary(), O_RDONLY);
	out = open(path, O_WRONLY | O_CREAT | O_EXCL, 0755);
	cr_assert(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof buf)) > 0) {
		cr_assert_eq(write(out, buf, (size_t)n), n);
	}
	close(in);
	close(out);
}

Test(scripts, bare_root_without_dev_and_closed_descriptors, .timeout = 30)
{
	struct srv	s;
	char		dir[] = "/tmp/ufetch-root-XXXXXX", u[256], out[64];
	int		dyn = elf_has_interp(binary()), p[2], st, closed;
	size_t		len;
	ssize_t		n;
	pid_t		pid;

	/* A wrapper (valgrind) writes to the descriptors this closes. */
	if (getenv("UFETCH_WRAP") != NULL) {
		cr_skip_test("closed standard descriptors, under a wrapper");
	}
	cr_assert_eq(srv_start(&s, hello), 0);
	srv_url(u, sizeof u, &s, "/");
	cr_assert_not_null(mkdtemp(dir));
	if (!dyn) {
		copy_binary(dir);
	}
	/* stdin and stderr closed; then stdout too. */
	for (closed = 0; closed < 2; closed++) {
		cr_assert_eq(pipe(p), 0);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			close(p[0]);
			if (enter_bare_root(dir, dyn) != 0) {
				_exit(77);
			}
			dup2(p[1], 1);
			close(p[1]);
			close(0);
			close(2);
			if (closed) {
				close(1);
			}
			if (dyn) {
				exec_ufetch(ARGS(u));
			}
			execl("/ufetch", "ufetch", u, (char *)NULL);
			_exit(127);
		}
		close(p[1]);
		len = 0;
		while ((n = read(p[0], out + len, sizeof out - 1 - len)) > 0) {
			len += (size_t)n;
		}
		out[len] = '\0';
		close(p[0]);
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
			cr_skip_test("no permission for a mount namespace");
		}
		cr_assert(WIFEXITED(st), "status %x", st);
		if (!closed) {
			cr_expect_eq(WEXITSTATUS(st), 0);
			cr_expect_str_eq(out, "hello\n");
		} else {
			/* The body cannot be written: as on a full disk. */
			cr_expect_eq(WEXITSTATUS(st), 3);
		}
	}
	cr_expect_eq(s.nconn, 2, "both runs reached the server");
	srv_stop(&s);
	if (!dyn) {
		snprintf(out, sizeof out, "%s/ufetch", dir);
		unlink(out);
	}
	rmdir(dir);
}

/* A 1000-byte pattern body: does buf[0..len) hold its first len bytes? */
static int
is_pattern(const char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)buf[i] != srv_pattern(i)) {
			return 0;
		}
	}
	return 1;
}

/* The file at path: is it exactly the first len bytes of the pattern? */
static int
file_is_pattern(const char *path, size_t len)
{
	char		buf[8192];
	struct stat	st;
	int		fd = open(path, O_RDONLY);
	ssize_t		n;

	if (fd < 0 || fstat(fd, &st) != 0 || (size_t)st.st_size != len
	    || len > sizeof buf) {
		if (fd >= 0) {
			close(fd);
		}
		return 0;
	}
	n = read(fd, buf, len);
	close(fd);
	return n == (ssize_t)len && is_pattern(buf, len);
}

/* Write the first len bytes of the pattern to path. */
static void
put_pattern(const char *path, size_t len)
{
	char	buf[8192];
	size_t	i;
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	cr_assert(fd >= 0 && len <= sizeof buf);
	for (i = 0; i < len; i++) {
		buf[i] = (char)srv_pattern(i);
	}
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static time_t
mtime_of(const char *path)
{
	struct stat	st;

	cr_assert_eq(stat(path, &st), 0, "%s", path);
	return st.st_mtime;
}

static void
set_mtime(const char *path, time_t t)
{
	struct timespec	ts[2] = { { t, 0 }, { t, 0 } };

	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* 784111777 is PATTERN_DATE, Sun, 06 Nov 1994 08:49:37 GMT. */
#define PATTERN_TIME	784111777

static const struct srv_step	not_modified[] = {
	S_READ, S_SEND("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"),
	S_END
};

/* A conditional GET answered 304 used to empty FILE and exit 0. */
Test(scripts, a_304_never_touches_the_file)
{
	struct srv	s;

	in_tmpdir();
	put_file("f", "old");
	run_srv(&r, &s, not_modified, ARGS("-o", "f", "-H",
	    "If-Modified-Since: " PATTERN_DATE), "/");
	expect_exit(0, NULL);
	cr_expect(file_is("f", "old"));
	cr_expect_neq(access("f.part", F_OK), 0);
	/* -O, and a FILE that is not there: none made. */
	run_srv(&r, &s, not_modified, ARGS("-O", "-i"), "/g");
	expect_exit(0, NULL);
	cr_expect_neq(access("g", F_OK), 0);
	cr_expect_neq(access("g.part", F_OK), 0);
}

/*
 * Section 2: credentials.
 */

/* "alice:s3cret" in Base64. */
#define ALICE	"Authorization: Basic YWxpY2U6czNjcmV0\r\n"

/* -u goes to the URL's origin, and not past a redirect elsewhere. */
Test(scripts, user_goes_only_to_the_origin)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	static char			there[128];
	static struct srv_step		away[] = {
		S_READ, { OP_SEND, there, 0, 0 }, S_END
	};
	struct srv	s1, s2;
	char		u[256];

	run_srv(&r, &s1, ok, ARGS("-u", "alice:s3cret"), "/");
	expect_exit(0, NULL);
	cr_expect(has(s1.req, ALICE), "%s", s1.req);
	/* the trap of the issue: --user was --user-agent */
	run_srv(&r, &s1, ok, ARGS("--user", "alice:s3cret"), "/");
	expect_exit(0, NULL);
	cr_expect(has(s1.req, ALICE), "%s", s1.req);
	cr_expect(!has(s1.req, "User-Agent: alice"), "%s", s1.req);
	/* it wins over the URL's own user info, as with curl */
	cr_assert_eq(srv_start(&s1, ok), 0);
	snprintf(u, sizeof u, "http://bob:pw@127.0.0.1:%u/", s1.port);
	run_ufetch(&r, NULL, ARGS("-u", "alice:s3cret", u));
	srv_stop(&s1);
	expect_exit(0, NULL);
	cr_expect(has(s1.req, ALICE), "%s", s1.req);
	/* a redirect to another origin: none there */
	cr_assert_eq(srv_start(&s2, ok), 0);
	away[1].len = (size_t)snprintf(there, sizeof there, "HTTP/1.1 302 "
	    "Found\r\nLocation: http://127.0.0.1:%u/x\r\nContent-Length: "
	    "0\r\n\r\n", s2.port);
	run_srv(&r, &s1, away, ARGS("-u", "alice:s3cret"), "/");
	srv_stop(&s2);
	expect_exit(0, NULL);
	expect_out("ok");
	cr_expect(has(s1.req, ALICE), "%s", s1.req);
	cr_expect_eq(s2.nreq, 1);
	cr_expect(!has(s2.req, "Authorization"), "%s", s2.req);
}

Test(scripts, user_without_password_and_passwords_never_shown)
{
	struct srv	s;
	char		u[128];

	run_srv(&r, &s, hello, ARGS("-u", "alice"), "/");
	expect_exit(2, "-u needs USER:PASSWORD");
	cr_expect_eq(s.nconn, 0);
	/* a failure's line and -w: no password, the URL's hidden */
	snprintf(u, sizeof u, "http://bob:pw@127.0.0.1:%u/",
	    srv_refused_port());
	run_ufetch(&r, NULL, ARGS("-u", "alice:s3cret", "-w",
	    "%{url_effective}", u));
	expect_exit(4, "Connection refused");
	cr_expect(!has(r.err, "s3cret") && !has(r.err, ":pw@"), "%s", r.err);
	cr_expect(has(r.out, "http://bob:***@127.0.0.1:"), "%s", r.out);
	cr_expect(!has(r.out, "s3cret") && !has(r.out, ":pw@"), "%s", r.out);
}

Test(scripts, netrc_file_and_home_netrc)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;
	char		u[128], home[PATH_MAX + 8], env[PATH_MAX + 16];

	in_tmpdir();
	cr_assert_not_null(getcwd(home, PATH_MAX));
	put_file("n", "machine other login x password y\n"
	    "machine 127.0.0.1\n  login alice\n  password \"s3cret\"\n");
	run_srv(&r, &s, ok, ARGS("--netrc-file", "n"), "/");
	expect_exit(0, NULL);
	cr_expect(has(s.req, ALICE), "%s", s.req);
	/* the URL's own user info wins */
	cr_assert_eq(srv_start(&s, ok), 0);
	snprintf(u, sizeof u, "http://bob:pw@127.0.0.1:%u/", s.port);
	run_ufetch(&r, NULL, ARGS("--netrc-file", "n", u));
	srv_stop(&s);
	cr_expect(has(s.req, "Authorization: Basic Ym9iOnB3\r\n"), "%s",
	    s.req);
	/* --netrc reads $HOME/.netrc; without one, no credentials */
	snprintf(env, sizeof env, "HOME=%s", home);
	cr_assert_eq(srv_start(&s, ok), 0);
	srv_url(u, sizeof u, &s, "/");
	run_ufetch_env(&r, NULL, (const char *const []){ env, NULL },
	    ARGS("--netrc", u));
	expect_exit(0, NULL);
	cr_expect(!has(s.req, "Authorization"), "%s", s.req);
	put_file(".netrc", "default login alice password s3cret\n");
	run_ufetch_env(&r, NULL, (const char *const []){ env, NULL },
	    ARGS("--netrc", u));
	srv_stop(&s);
	expect_exit(0, NULL);
	cr_expect(has(s.last_req, ALICE), "%s", s.last_req);
	/* a --netrc-file that is not there; an entry without password */
	run_srv(&r, &s, ok, ARGS("--netrc-file", "none"), "/");
	expect_exit(2, "cannot read the netrc file none");
	put_file("n", "machine 127.0.0.1 login alice\n");
	run_srv(&r, &s, ok, ARGS("--netrc-file", "n"), "/");
	expect_exit(2, "no usable password for 127.0.0.1");
	cr_expect_eq(s.nconn, 0);
}

/*
 * --fail-with-body and -w.
 */

Test(scripts, fail_with_body_writes_the_body_and_exits_8)
{
	struct srv	s;

	in_tmpdir();
	run_srv(&r, &s, missing, ARGS("--fail-with-body"), "/");
	expect_exit(8, "HTTP Error 404: Not Found");
	expect_out("gone");
	put_file("f", "old");
	run_srv(&r, &s, missing, ARGS("--fail-with-body", "-o", "f"), "/");
	expect_exit(8, "HTTP Error 404");
	cr_expect(file_is("f", "gone"));
	/* without it, nothing is written */
	run_srv(&r, &s, missing, ARGS("-o", "f", "-O"), "/");
	run_srv(&r, &s, missing, NULL, "/");
	expect_exit(8, "HTTP Error 404");
	expect_out("");
}

Test(scripts, write_out_the_status_of_a_422)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 422 Unprocessable\r\nContent-Length: "
		    "2\r\n\r\nno"), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-w", "%{http_code}\\n", "-o",
	    "/dev/null"), "/");
	expect_exit(8, "HTTP Error 422");
	expect_out("422\n");
}

Test(scripts, write_out_every_variable)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 302 Found\r\nLocation: /b\r\n"
		    "Content-Length: 0\r\n\r\n"), S_FROM(2), S_READ,
		S_SEND("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
		    "Content-Length: 6\r\n\r\nhello\n"), S_END
	};
	struct srv	s;
	char		want[256];
	const char	*t;

	run_srv(&r, &s, steps, ARGS("-w", "[%{http_code} %{response_code} "
	    "%{num_redirects} %{size_download} %{content_type} %{exitcode} "
	    "<%{errormsg}> %{url_effective}]\\t%%\\\\\\n%{time_total}"), "/a");
	expect_exit(0, NULL);
	snprintf(want, sizeof want, "hello\n[200 200 1 6 text/plain 0 <> "
	    "http://127.0.0.1:%u/b]\t%%\\\n", s.port);
	cr_assert(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
	t = r.out + strlen(want);
	cr_expect(strspn(t, "0123456789") >= 1 && strchr(t, '.') != NULL
	    && strlen(strchr(t, '.')) == 7, "%s", t);
}

Test(scripts, write_out_when_nothing_came)
{
	char	u[128];

	snprintf(u, sizeof u, "http://127.0.0.1:%u/", srv_refused_port());
	run_ufetch(&r, NULL, ARGS("-s", "-w", "%{http_code} %{exitcode} "
	    "%{errormsg}\\n", u, "http://a b/"));
	expect_exit(4, NULL);
	cr_expect(strncmp(r.out, "000 4 cannot connect to 127.0.0.1 port ",
	    39) == 0, "%s", r.out);
	cr_expect(has(r.out, "Connection refused\n000 2 malformed URL"),
	    "%s", r.out);
	run_ufetch(&r, NULL, ARGS("-w", "%{http_code} %{bogus}", u));
	expect_exit(2, "unknown -w variable in '%{bogus}'");
	expect_out("");
	run_ufetch(&r, NULL, ARGS("-w", "%{http_code", u));
	expect_exit(2, "unknown -w variable");
}

/*
 * --retry.
 */

/* Cut at 600 on the first connection; whole (or its range) after. */
static const struct srv_step	cut600[] = {
	S_READ, S_PATTERN(1000, 600), S_FROM(2), S_READ, S_PATTERN(1000, 0),
	S_END
};

/* How many lines of s contain sub. */
static int
lines_with(const char *s, const char *sub)
{
	int	n = 0;

	while ((s = strstr(s, sub)) != NULL) {
		n++;
		s++;
	}
	return n;
}

Test(scripts, retry_resumes_a_cut_download_with_range_and_if_range)
{
	struct srv	s;

	in_tmpdir();
	run_srv(&r, &s, cut600, ARGS("--retry", "2", "--retry-delay", "0.1",
	    "-o", "f"), "/");
	expect_exit(0, "; retry 1 of 2 in 0.1 s");
	cr_expect(file_is_pattern("f", 1000));
	cr_expect_neq(access("f.part", F_OK), 0);
	cr_expect_eq(s.nreq, 2);
	cr_expect(!has(s.req, "Range:"), "%s", s.req);
	cr_expect(has(s.last_req, "\r\nRange: bytes=600-\r\nIf-Range: \"v1\""
	    "\r\n"), "%s", s.last_req);
	/* one line for the one retry, with the reason */
	cr_expect_eq(lines_with(r.err, "ufetch: "), 1, "%s", r.err);
	cr_expect(has(r.err, "connection closed after 600 of 1000 body bytes; "
	    "retry 1 of 2 in 0.1 s"), "%s", r.err);
	/* To stdout: the 206 continues the stream. */
	run_srv(&r, &s, cut600, ARGS("--retry", "1", "--retry-delay", "0.05"),
	    "/");
	expect_exit(0, "retry 1 of 1");
	cr_expect(r.out_len == 1000 && is_pattern(r.out, 1000));
}

/* If-Range: a changed resource is fetched again from byte 0. */
Test(scripts, retry_after_a_change_starts_over_or_fails_a_stream)
{
	struct srv	s;

	in_tmpdir();
	cr_assert_eq(srv_start(&s, cut600), 0);
	s.pattern_v2_from = 2;
	run_ufetch(&r, NULL, ARGS("--retry", "1", "--retry-delay", "0.05",
	    "-o", "f", srv_url(link_path, sizeof link_path, &s, "/")));
	srv_stop(&s);
	expect_exit(0, "retry 1 of 1");
	cr_expect(file_is_pattern("f", 1000));
	cr_expect(has(s.last_req, "If-Range: \"v1\""), "%s", s.last_req);
	/* Standard output cannot take its 600 bytes back: it fails. */
	cr_assert_eq(srv_start(&s, cut600), 0);
	s.pattern_v2_from = 2;
	run_ufetch(&r, NULL, ARGS("--retry", "1", "--retry-delay", "0.05",
	    srv_url(link_path, sizeof link_path, &s, "/")));
	srv_stop(&s);
	expect_exit(4, "cannot continue after 600 bytes: the server sent the "
	    "whole body again");
	cr_expect(r.out_len == 600 && is_pattern(r.out, 600));
}

/* Without a validator: a file starts over, a stream is not retried. */
Test(scripts, retry_without_a_validator)
{
	struct srv	s;

	in_tmpdir();
	cr_assert_eq(srv_start(&s, cut600), 0);
	s.pattern_bare = 1;
	run_ufetch(&r, NULL, ARGS("--retry", "1", "--retry-delay", "0.05",
	    "-o", "f", srv_url(link_path, sizeof link_path, &s, "/")));
	srv_stop(&s);
	expect_exit(0, "retry 1 of 1");
	cr_expect(file_is_pattern("f", 1000));
	cr_expect(!has(s.last_req, "Range:"), "%s", s.last_req);
	cr_assert_eq(srv_start(&s, cut600), 0);
	s.pattern_bare = 1;
	run_ufetch(&r, NULL, ARGS("--retry", "1", "--retry-delay", "0.05",
	    srv_url(link_path, sizeof link_path, &s, "/")));
	srv_stop(&s);
	expect_exit(4, "connection closed after 600 of 1000 body bytes");
	cr_expect_eq(s.nconn, 1);
	cr_expect(r.out_len == 600 && is_pattern(r.out, 600));
}

Test(scripts, retry_after_in_seconds_and_as_a_date)
{
	static const struct srv_step	busy[] = {
		S_READ, S_SEND("HTTP/1.1 503 Busy\r\nRetry-After: 2\r\n"
		    "Content-Length: 4\r\n\r\nbusy"), S_FROM(2),
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	static char			when[160];
	static struct srv_step		busy_until[] = {
		S_READ, { OP_SEND, when, 0, 0 }, S_FROM(2),
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;
	struct tm	tm;
	time_t		t;

	run_srv(&r, &s, busy, ARGS("--retry", "3", "--fail-with-body"), "/");
	/* 2 s, not the back-off's first second */
	expect_exit(0, "HTTP Error 503: Busy; retry 1 of 3 in 2.0 s");
	/* The 503's body is not written: another attempt followed. */
	expect_out("ok");
	cr_expect_geq(r.secs, 2.0);
	t = time(NULL) + 3;
	gmtime_r(&t, &tm);
	busy_until[1].len = strftime(when, sizeof when, "HTTP/1.1 429 Slow "
	    "down\r\nRetry-After: %a, %d %b %Y %H:%M:%S GMT\r\n"
	    "Content-Length: 0\r\n\r\n", &tm);
	run_srv(&r, &s, busy_until, ARGS("--retry", "1"), "/");
	expect_exit(0, "HTTP Error 429: Slow down; retry 1 of 1 in ");
	expect_out("ok");
	cr_expect_geq(r.secs, 1.9);
	cr_expect_leq(r.secs, 3.0 + slack());
	/* Past --retry-max-time: no retry, the 503 stands. */
	run_srv(&r, &s, busy, ARGS("--retry", "3", "--retry-max-time",
	    "1.5"), "/");
	expect_exit(8, "HTTP Error 503: Busy");
	cr_expect_eq(s.nreq, 1);
	cr_expect_lt(r.secs, 0.5 + slack());
}

Test(scripts, retry_backs_off_and_ends_with_the_last_status, .timeout = 30)
{
	static const struct srv_step	worse[] = {
		S_READ, S_SEND("HTTP/1.1 500 Oops\r\nContent-Length: 0"
		    "\r\n\r\n"),
		S_FROM(2),
		S_READ, S_SEND("HTTP/1.1 502 Bad\r\nContent-Length: 0"
		    "\r\n\r\n"),
		S_FROM(3),
		S_READ, S_SEND("HTTP/1.1 404 Gone\r\nContent-Length: 0"
		    "\r\n\r\n"), S_END
	};
	struct srv	s;
	char		u[128];

	/* 1 s, then 2 s: the back-off without --retry-delay */
	snprintf(u, sizeof u, "http://127.0.0.1:%u/", srv_refused_port());
	run_ufetch(&r, NULL, ARGS("--retry", "2", u));
	expect_exit(4, "Connection refused");
	cr_expect_geq(r.secs, 3.0);
	cr_expect_leq(r.secs, 3.0 + slack());
	cr_expect(has(r.err, "retry 1 of 2 in 1.0 s") && has(r.err,
	    "retry 2 of 2 in 2.0 s"), "%s", r.err);
	cr_expect_eq(lines_with(r.err, "ufetch: "), 3, "%s", r.err);
	/* 500, 502, then a 404, which is not retried: its status */
	run_srv(&r, &s, worse, ARGS("--retry", "5", "--retry-delay", "0.05"),
	    "/");
	expect_exit(8, "HTTP Error 404: Gone");
	cr_expect_eq(s.nreq, 3);
	/* -s: not a line; -sS: only the failure's */
	run_srv(&r, &s, worse, ARGS("-s", "--retry", "5", "--retry-delay",
	    "0.05"), "/");
	expect_exit(8, NULL);
	run_srv(&r, &s, worse, ARGS("-sS", "--retry", "5", "--retry-delay",
	    "0.05"), "/");
	expect_exit(8, "HTTP Error 404");
	cr_expect_eq(lines_with(r.err, "ufetch: "), 1, "%s", r.err);
}

/*
 * A timed-out attempt, a 408 and a 504 are retried through the binary;
 * -m bounds each attempt, not all of them: the run outlasts -m and
 * succeeds.
 */
Test(scripts, retry_after_a_timeout_408_and_504_with_m_per_attempt)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SLEEP(900),
		S_FROM(2),
		S_READ, S_SEND("HTTP/1.1 408 Request Timeout\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n"),
		S_FROM(3),
		S_READ, S_SEND("HTTP/1.1 504 Gateway Timeout\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n"),
		S_FROM(4),
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-m", "0.6", "--retry", "3",
	    "--retry-delay", "0.05"), "/");
	expect_exit(0, "timed out waiting for the response (max time "
	    "reached); retry 1 of 3");
	expect_out("ok");
	cr_expect(has(r.err, "HTTP Error 408: Request Timeout; retry 2 of 3")
	    && has(r.err, "HTTP Error 504: Gateway Timeout; retry 3 of 3"),
	    "%s", r.err);
	cr_expect_eq(s.nconn, 4);
	/* Longer than one -m: each attempt had its own. */
	cr_expect_gt(r.secs, 0.6);
}

/* A request with a body is retried only when it cannot have acted. */
Test(scripts, a_post_is_retried_only_when_not_processed)
{
	static const struct srv_step	oops[] = {
		S_READ, S_SEND("HTTP/1.1 500 Oops\r\n"
		    "Content-Length: 0\r\n\r\n"),
		S_FROM(2), S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	static const struct srv_step	unavailable[] = {
		S_READ, S_SEND("HTTP/1.1 503 Later\r\n"
		    "Content-Length: 0\r\n\r\n"),
		S_FROM(2), S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	static const struct srv_step	reset[] = {
		S_READ, S_RESET, S_FROM(2),
		S_READ, S_SEND(OK200("2\r\n\r\nok")),
		S_END
	};
	struct srv	s;

	run_srv(&r, &s, oops, ARGS("--retry", "2", "--retry-delay", "0.05",
	    "-d", "x=1"), "/");
	expect_exit(8, "HTTP Error 500");
	cr_expect_eq(s.nreq, 1);
	run_srv(&r, &s, unavailable, ARGS("--retry", "2", "--retry-delay",
	    "0.05", "-d", "x=1"), "/");
	expect_exit(0, "HTTP Error 503: Later; retry 1 of 2");
	cr_expect_eq(s.nreq, 2);
	run_srv(&r, &s, reset, ARGS("--retry", "2", "--retry-delay", "0.05",
	    "-d", "x=1"), "/");
	expect_exit(4, "Connection reset by peer");
	cr_expect(!has(r.err, "retry"), "%s", r.err);
	cr_expect_eq(s.nconn, 1);
	/* the same reset, for a GET: retried */
	run_srv(&r, &s, reset, ARGS("--retry", "2", "--retry-delay", "0.05"),
	    "/");
	expect_exit(0, "Connection reset by peer; retry 1 of 2");
	expect_out("ok");
	cr_expect_eq(s.nconn, 2);
}

/*
 * Timestamps: -z, -R.
 */

Test(scripts, time_cond_from_a_file_or_a_date)
{
	struct srv	s;

	in_tmpdir();
	put_file("f", "old");
	set_mtime("f", PATTERN_TIME);
	run_srv(&r, &s, not_modified, ARGS("-z", "f", "-o", "f"), "/");
	expect_exit(0, NULL);
	cr_expect(has(s.req, "\r\nIf-Modified-Since: " PATTERN_DATE "\r\n"),
	    "%s", s.req);
	cr_expect(file_is("f", "old"));
	cr_expect_eq(mtime_of("f"), PATTERN_TIME);
	run_srv(&r, &s, not_modified, ARGS("--time-cond",
	    "Sunday, 06-Nov-94 08:49:37 GMT"), "/");
	expect_exit(0, NULL);
	cr_expect(has(s.req, "\r\nIf-Modified-Since: " PATTERN_DATE "\r\n"),
	    "%s", s.req);
	/* No such file yet (a first run): no condition. */
	run_srv(&r, &s, hello, ARGS("-z", "g", "-o", "g"), "/");
	expect_exit(0, NULL);
	cr_expect(!has(s.req, "If-Modified-Since"), "%s", s.req);
	cr_expect(file_is("g", "hello\n"));
	run_srv(&r, &s, hello, ARGS("-z", "Sun, 32 Nov 1994"), "/");
	expect_exit(2, "bad -z date 'Sun, 32 Nov 1994'");
	cr_expect_eq(s.nconn, 0);
}

Test(scripts, remote_time_keeps_last_modified)
{
	static const struct srv_step	whole[] = {
		S_READ, S_PATTERN(1000, 0), S_END
	};
	struct srv	s;

	in_tmpdir();
	run_srv(&r, &s, whole, ARGS("-R", "-o", "f"), "/");
	expect_exit(0, NULL);
	cr_expect(file_is_pattern("f", 1000));
	cr_expect_eq(mtime_of("f"), PATTERN_TIME);
	run_srv(&r, &s, whole, ARGS("--remote-time", "-O"), "/g");
	cr_expect_eq(mtime_of("g"), PATTERN_TIME);
	run_srv(&r, &s, whole, ARGS("-O"), "/h");
	cr_expect_gt(mtime_of("h"), PATTERN_TIME + 86400 * 365);
}

/*
 * The wget personality: --user/--password, -N, -c on FILE itself.
 */

Test(scripts, wget_user_and_password)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;

	wget_link();
	run_srv(&r, &s, ok, ARGS("-qO-", "--user", "alice", "--password",
	    "s3cret"), "/");
	expect_exit(0, NULL);
	cr_expect(has(s.req, ALICE), "%s", s.req);
	run_srv(&r, &s, ok, ARGS("-qO-", "--http-user=alice",
	    "--http-password=s3cret"), "/");
	expect_exit(0, NULL);
	cr_expect(has(s.req, ALICE), "%s", s.req);
	run_srv(&r, &s, ok, ARGS("-qO-", "--user", "alice"), "/");
	expect_exit(2, "--user needs --password");
	cr_expect_eq(s.nconn, 0);
}

Test(scripts, wget_N_fetches_only_what_is_newer)
{
	static const struct srv_step	whole[] = {
		S_READ, S_PATTERN(1000, 0), S_END
	};
	struct srv	s;

	wget_link();
	put_file("f", "old");
	set_mtime("f", PATTERN_TIME);
	run_srv(&r, &s, not_modified, ARGS("-N"), "/f");
	expect_exit(0, NULL);
	cr_expect(has(s.req, "\r\nIf-Modified-Since: " PATTERN_DATE "\r\n"),
	    "%s", s.req);
	cr_expect(file_is("f", "old"));
	/* Newer: fetched, with the server's time. */
	set_mtime("f", PATTERN_TIME - 3600);
	run_srv(&r, &s, whole, ARGS("-N"), "/f");
	expect_exit(0, NULL);
	cr_expect(has(s.req, "\r\nIf-Modified-Since: Sun, 06 Nov 1994 "
	    "07:49:37 GMT\r\n"), "%s", s.req);
	cr_expect(file_is_pattern("f", 1000));
	cr_expect_eq(mtime_of("f"), PATTERN_TIME);
}

/*
 * GNU and busybox wget leave a partial FILE, not FILE.part: wget -c
 * continues it in place, and never leaves it shorter.
 */
Test(scripts, wget_c_continues_a_partial_file_in_place)
{
	static const struct srv_step	whole[] = {
		S_READ, S_PATTERN(1000, 0), S_END
	};
	static const struct srv_step	cut[] = {
		S_READ, S_PATTERN(1000, 200), S_END
	};
	static const struct srv_step	ignores[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
		    "abc"), S_END
	};
	struct srv	s;
	time_t		t;

	wget_link();
	put_pattern("f", 600);
	run_srv(&r, &s, whole, ARGS("-c", "-O", "f"), "/");
	expect_exit(0, NULL);
	cr_expect(has(s.req, "\r\nRange: bytes=600-\r\n"), "%s", s.req);
	cr_expect(file_is_pattern("f", 1000));
	cr_expect_neq(access("f.part", F_OK), 0);
	/* the same without -O: the file named after the URL */
	put_pattern("g", 600);
	run_srv(&r, &s, whole, ARGS("-c"), "/g");
	expect_exit(0, NULL);
	cr_expect(has(s.req, "\r\nRange: bytes=600-\r\n"), "%s", s.req);
	cr_expect(file_is_pattern("g", 1000));
	/* complete: a 416, and f is not touched */
	set_mtime("f", PATTERN_TIME);
	run_srv(&r, &s, whole, ARGS("-c", "-O", "f"), "/");
	expect_exit(0, NULL);
	cr_expect(has(s.req, "\r\nRange: bytes=1000-\r\n"), "%s", s.req);
	cr_expect(file_is_pattern("f", 1000));
	cr_expect_eq(mtime_of("f"), PATTERN_TIME);
	/* cut again: f keeps what came, never less than it had */
	put_pattern("f", 600);
	run_srv(&r, &s, cut, ARGS("-c", "-O", "f"), "/");
	expect_exit(4, "connection closed after 200 of 400 body bytes");
	cr_expect(file_is_pattern("f", 800));
	/* a server that ignores the range: f stays whole until a new one is */
	t = mtime_of("f");
	run_srv(&r, &s, ignores, ARGS("-c", "-O", "f"), "/");
	expect_exit(4, "connection closed after 3 of 1000 body bytes");
	cr_expect(file_is_pattern("f", 800));
	cr_expect_eq(mtime_of("f"), t);
}
