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
