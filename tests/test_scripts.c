/*
 * test_scripts.c: what curl and wget users type in scripts (issue 13),
 * the real binary against scripted servers on 127.0.0.1: curl's
 * -sSfL, exact long options, credentials, --fail-with-body, -w,
 * --retry, timestamps, and a bare root without /dev.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
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
