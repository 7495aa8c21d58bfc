/*
 * test_cli.c: the real binary against scripted servers on 127.0.0.1.
 *
 * Each plain-HTTP scenario of notes/urlopen-semantics.md section 9 is
 * here with the outcome and timing urlopen(timeout=T) has, using
 * T = 0.3 s to keep the suite fast and 3 s (the default) once. Times
 * are checked to +-0.3 s.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srv.h"

#define SLACK	slack()

static struct run	r;
static char		url[256], url2[256];

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })

static void
start(struct srv *s, const struct srv_step *steps)
{
	cr_assert_eq(srv_start(s, steps), 0);
}

#define OK200(body)	"HTTP/1.1 200 OK\r\nContent-Length: " body

/*
 * Success paths and the request on the wire.
 */

Test(cli, body_to_stdout_and_exact_request)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("5\r\n\r\nhello")), S_END
	};
	struct srv	s;
	char		want[512];

	run_srv(&r, &s, steps, NULL, "/a/b?c=1#f");
	expect_exit(0, NULL);
	expect_out("hello");
	snprintf(want, sizeof want, "GET /a/b?c=1 HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%u\r\nUser-Agent: ufetch/0.1.0\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n\r\n", s.port);
	cr_expect_str_eq(s.req, want);
}

Test(cli, headers_added_replaced_removed)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("0\r\n\r\n")), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-H", "X-One: 1", "-A", "agent/2",
	    "-H", "Accept-Encoding:", "--header=Host: example.test"), "/");
	expect_exit(0, NULL);
	cr_expect_str_eq(s.req, "GET / HTTP/1.1\r\nHost: example.test\r\n"
	    "User-Agent: agent/2\r\nConnection: close\r\nX-One: 1\r\n\r\n");
}

Test(cli, header_with_newline_is_refused)
{
	run_ufetch(&r, NULL, ARGS("-H", "X: a\r\nEvil: 1", "http://127.0.0.1:1/"));
	expect_exit(2, "bad header");
}

Test(cli, chunked_body)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
		    "\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: 1\r\n\r\n"),
		S_HOLD, S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(0, NULL);
	expect_out("hello world");
	cr_expect_lt(r.secs, SLACK, "no wait for the close");
}

Test(cli, keep_alive_server_is_not_waited_for)
{
	/* t6: the server keeps the connection open after the body. */
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("5\r\nConnection: keep-alive\r\n\r\n"
		    "hello")), S_HOLD, S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(0, NULL);
	expect_out("hello");
	cr_expect_lt(r.secs, SLACK, "took %.3f s", r.secs);
}

Test(cli, continue_100_then_200)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 100 Continue\r\n\r\n"), S_SLEEP(50),
		S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-i"), "/");
	expect_exit(0, NULL);
	expect_out(OK200("2\r\n\r\nok"));
}

Test(cli, status_204_has_no_body)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 204 No Content\r\n\r\n"), S_HOLD, S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(0, NULL);
	expect_out("");
	cr_expect_lt(r.secs, SLACK);
	cr_expect_eq(s.nreq, 1, "the request was made");
}

Test(cli, head_request_prints_the_head)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("99\r\nX: y\r\n\r\n")), S_HOLD, S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-I"), "/h");
	expect_exit(0, NULL);
	expect_out(OK200("99\r\nX: y\r\n\r\n"));
	cr_expect(strncmp(s.req, "HEAD /h HTTP/1.1\r\n", 18) == 0, "%s",
	    s.req);
}

Test(cli, verbose_shows_both_heads_and_silent_shows_nothing)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 404 Not Found\r\nContent-Length: 0"
		    "\r\n\r\n"), S_END
	};
	struct srv	s;

	start(&s, steps);
	run_ufetch(&r, NULL, ARGS("-v", srv_url(url, sizeof url, &s, "/")));
	expect_exit(8, "> GET / HTTP/1.1\n");
	cr_expect(strstr(r.err, "< HTTP/1.1 404 Not Found\n") != NULL);
	run_ufetch(&r, NULL, ARGS("-s", "-v", url));
	expect_exit(8, NULL);
	srv_stop(&s);
}

Test(cli, url_without_scheme_is_http)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;

	start(&s, steps);
	snprintf(url, sizeof url, "127.0.0.1:%u/x", s.port);
	run_ufetch(&r, NULL, ARGS(url));
	expect_exit(0, NULL);
	expect_out("ok");
	srv_stop(&s);
}

/*
 * Timeouts (urlopen-semantics.md section 9: a, b, b2, b3, b4, c, c2,
 * c3, d).
 */

Test(cli, silent_server_times_out_at_T)
{
	static const struct srv_step	steps[] = { S_READ, S_HOLD, S_END };
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-t", "0.3"), "/");
	expect_exit(9, "timed out waiting for the response");
	expect_secs(0.3);
}

Test(cli, silent_server_times_out_at_the_default_3s, .timeout = 10)
{
	static const struct srv_step	steps[] = { S_READ, S_HOLD, S_END };
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(9, "timed out waiting for the response");
	expect_secs(3.0);
}

Test(cli, stall_inside_the_head)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nContent-Le"), S_HOLD, S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-t", "0.3"), "/");
	expect_exit(9, "timed out waiting for the response");
	expect_secs(0.3);
}

Test(cli, head_then_stall)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("100\r\n\r\n")), S_HOLD, S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-t", "0.3"), "/");
	expect_exit(9, "timed out reading the body");
	expect_secs(0.3);
}

Test(cli, body_stall_after_some_bytes)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("100\r\n\r\n0123456789")), S_HOLD, S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-t", "0.3"), "/");
	expect_exit(9, "timed out reading the body");
	expect_secs(0.3);
	expect_out("0123456789");
}

Test(cli, close_delimited_stall)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\n\r\nabc"), S_HOLD, S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-t", "0.3"), "/");
	expect_exit(9, "timed out reading the body");
	expect_secs(0.3);
	expect_out("abc");
}

Test(cli, body_drip_slower_than_T_in_total_succeeds)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("5\r\n\r\n")), S_DRIP("hello", 200),
		S_HOLD, S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-t", "0.3"), "/");
	expect_exit(0, NULL);
	expect_out("hello");
	expect_secs(0.8);
}

Test(cli, status_line_drip_succeeds)
{
	static const struct srv_step	steps[] = {
		S_READ, S_DRIP("HTTP/1", 200),
		S_SEND(".1 200 OK\r\nContent-Length: 2\r\n\r\nok"), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-t", "0.3"), "/");
	expect_exit(0, NULL);
	expect_out("ok");
	expect_secs(1.0);
}

Test(cli, close_delimited_drip_succeeds)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.0 200 OK\r\n\r\n"), S_DRIP("abcd", 200),
		S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-t", "0.3"), "/");
	expect_exit(0, NULL);
	expect_out("abcd");
	expect_secs(0.6);
}

Test(cli, connect_hang_times_out_at_T)
{
	struct srv	s;
	char		want[64];

	cr_assert_eq(srv_hang(&s), 0);
	run_ufetch(&r, NULL, ARGS("-t", "0.3",
	    srv_url(url, sizeof url, &s, "/")));
	snprintf(want, sizeof want, "timed out connecting to 127.0.0.1 port "
	    "%u", s.port);
	expect_exit(9, want);
	expect_secs(0.3);
	srv_stop(&s);
}

Test(cli, max_time_ends_an_endless_drip)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\n\r\n"),
		S_DRIP("................................", 100), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-t", "0.3", "-m", "0.7"), "/");
	expect_exit(9, "timed out reading the body (max time reached)");
	expect_secs(0.7);
	cr_expect_gt(r.out_len, 3);
}

/*
 * The answer comes after the default T of 3 s: a -t 0 that were
 * ignored, or read as the default, would time out.
 */
Test(cli, zero_timeout_means_none)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SLEEP(3400), S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, ARGS("-t", "0"), "/");
	expect_exit(0, NULL);
	expect_out("ok");
	cr_expect_geq(r.secs, 3.4, "the answer came after %.2f s", r.secs);
}

/* A positive -t or -m under a nanosecond is not 0, "none". */
Test(cli, tiny_timeouts_time_out_at_once)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SLEEP(1000), S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;

	/* Well before the server's answer, start-up under load aside. */
	run_srv(&r, &s, steps, ARGS("-t", "0.0000000001"), "/");
	expect_exit(9, "timed out");
	cr_expect_lt(r.secs, 0.6 + SLACK, "took %.2f s", r.secs);
	run_srv(&r, &s, steps, ARGS("-m", "0.0000000001"), "/");
	expect_exit(9, "(max time reached)");
	cr_expect_lt(r.secs, 0.6 + SLACK, "took %.2f s", r.secs);
}

/*
 * Failures: refused, truncated, HTTP errors, malformed responses.
 */

Test(cli, refused)
{
	snprintf(url, sizeof url, "http://127.0.0.1:%u/", srv_refused_port());
	run_ufetch(&r, NULL, ARGS(url));
	expect_exit(4, "Connection refused");
	cr_expect_lt(r.secs, SLACK);
}

Test(cli, truncated_content_length)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("100\r\n\r\n0123456789")), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(4, "connection closed after 10 of 100 body bytes");
	expect_out("0123456789");
}

Test(cli, truncated_chunked)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
		    "\r\n\r\n64\r\n0123456789"), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(4, "connection closed inside the chunked body");
}

Test(cli, reset_mid_body)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK200("100\r\n\r\n0123456789")), S_SLEEP(50),
		S_RESET, S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(4, "");
}

Test(cli, closed_before_any_byte)
{
	static const struct srv_step	steps[] = { S_READ, S_END };
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(4, "without a response");
}

Test(cli, closed_right_after_the_status_line)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\n"), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(4, "inside the response head");
}

Test(cli, http_404_is_code_8_without_body)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n"
		    "\r\nnot here!"), S_END
	};
	struct srv	s;
	char		want[512];

	run_srv(&r, &s, steps, ARGS("-i"), "/x");
	snprintf(want, sizeof want, "ufetch: http://127.0.0.1:%u/x: HTTP Error "
	    "404: Not Found\n", s.port);
	expect_exit(8, want);
	expect_out("");
}

Test(cli, http_500)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 500 Internal Server Error\r\n"
		    "Content-Length: 0\r\n\r\n"), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(8, "HTTP Error 500: Internal Server Error");
}

Test(cli, reason_phrase_cannot_drive_the_terminal)
{
	static const struct srv_step	steps[] = {
		/* 0x9b is CSI on some terminals; the parser allows it. */
		S_READ, S_SEND("HTTP/1.1 403 \x9b" "31mred\r\n\r\n"), S_END
	};
	struct srv	s;

	run_srv(&r, &s, steps, NULL, "/");
	expect_exit(8, "HTTP Error 403: ?31mred");
}

static const char *const bad_status[] = {
	"FOO BAR\r\n\r\n",			/* v */
	"hello world\n",			/* v2, HTTP/0.9 */
	"HTTP/1.1 abc OK\r\n\r\n",		/* v3 */
	"HTTP/2.0 200 OK\r\n\r\n",		/* v4 */
	("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked"
	    "\r\n\r\n"),
	"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
};

Test(cli, malformed_responses_are_code_7)
{
	struct srv_step	steps[] = {
		S_READ, { OP_SEND, NULL, 0, 0 }, S_END
	};
	struct srv	s;
	size_t		i;

	for (i = 0; i < sizeof bad_status / sizeof bad_status[0]; i++) {
		steps[1].data = bad_status[i];
		steps[1].len = strlen(bad_status[i]);
		run_srv(&r, &s, steps, NULL, "/");
		expect_exit(7, "bad response: ");
		expect_out("");
	}
}

/*
 * Usage errors: nothing is sent.
 */

Test(cli, malformed_url_sends_nothing)
{
	static const struct srv_step	steps[] = { S_READ, S_END };
	struct srv	s;

	start(&s, steps);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/a b", s.port);
	run_ufetch(&r, NULL, ARGS(url));
	expect_exit(2, "contains a space");
	snprintf(url, sizeof url, "http://127.0.0.1:%u/\x01", s.port);
	run_ufetch(&r, NULL, ARGS(url));
	expect_exit(2, "control character");
	run_ufetch(&r, NULL, ARGS("gopher://127.0.0.1/"));
	expect_exit(2, "unsupported scheme");
	run_ufetch(&r, NULL, ARGS("http://127.0.0.1:99999/"));
	expect_exit(2, "port");
	cr_expect_eq(s.nconn, 0);
	srv_stop(&s);
}

Test(cli, bad_options)
{
	run_ufetch(&r, NULL, ARGS("-Z", "http://127.0.0.1:1/"));
	expect_exit(2, "unknown option -Z");
	run_ufetch(&r, NULL, ARGS("-t", "abc", "http://127.0.0.1:1/"));
	expect_exit(2, "bad timeout");
	run_ufetch(&r, NULL, ARGS("-t"));
	expect_exit(2, "needs a value");
	run_ufetch(&r, NULL, ARGS("-q"));
	expect_exit(2, "no URL");
}

Test(cli, help_and_version)
{
	run_ufetch(&r, NULL, ARGS("-h"));
	expect_exit(0, NULL);
	cr_expect(strstr(r.out, "usage: ufetch") != NULL);
	run_ufetch(&r, NULL, ARGS("-V"));
	expect_exit(0, NULL);
	cr_expect(strstr(r.out, "arena: 131072 bytes") != NULL, "%s", r.out);
	/* The build line says how the binary under test is linked. */
	cr_expect(strstr(r.out, elf_has_interp(binary()) ? "build: dynamic, "
	    : "build: static, ") != NULL, "%s", r.out);
}

/*
 * Several URLs, URL lists.
 */

Test(cli, exit_status_is_the_first_failure)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("3\r\n\r\none")), S_END
	};
	static const struct srv_step	nf[] = {
		S_READ, S_SEND("HTTP/1.1 404 Not Found\r\n\r\n"), S_END
	};
	struct srv	s1, s2;
	char		refused[64];

	start(&s1, ok);
	start(&s2, nf);
	snprintf(refused, sizeof refused, "http://127.0.0.1:%u/",
	    srv_refused_port());
	run_ufetch(&r, NULL, ARGS(srv_url(url, sizeof url, &s2, "/"),
	    srv_url(url2, sizeof url2, &s1, "/"), refused));
	expect_exit(8, "HTTP Error 404");
	cr_expect(strstr(r.err, "Connection refused") != NULL, "%s", r.err);
	expect_out("one");
	srv_stop(&s1);
	srv_stop(&s2);
}

Test(cli, url_list_from_stdin_and_file)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;
	char		in[512], path[] = "/tmp/ufetch-list-XXXXXX";
	int		fd;

	start(&s, ok);
	snprintf(in, sizeof in, "# a comment\n\n  http://127.0.0.1:%u/1  \r\n"
	    "127.0.0.1:%u/2", s.port, s.port);
	run_ufetch(&r, in, ARGS("-"));
	expect_exit(0, NULL);
	expect_out("okok");
	cr_expect_eq(s.nconn, 2);

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, in, strlen(in)), (ssize_t)strlen(in));
	close(fd);
	snprintf(in, sizeof in, "@%s", path);
	run_ufetch(&r, NULL, ARGS(in));
	expect_exit(0, NULL);
	expect_out("okok");
	unlink(path);
	run_ufetch(&r, NULL, ARGS(in));
	expect_exit(2, "cannot read URL list");
	srv_stop(&s);
}

Test(cli, thousand_urls_in_one_run, .timeout = 60)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("1\r\n\r\nx")), S_END
	};
	static char	in[64 * 1000];
	struct srv	s;
	size_t		len = 0;
	int		i;

	start(&s, ok);
	for (i = 0; i < 1000; i++) {
		len += (size_t)snprintf(in + len, sizeof in - len,
		    "http://127.0.0.1:%u/%d\n", s.port, i);
	}
	run_ufetch(&r, in, ARGS("-"));
	expect_exit(0, NULL);
	cr_expect_eq(r.out_len, 1000);
	cr_expect_eq(s.nconn, 1000);
	srv_stop(&s);
}

/*
 * Output files.
 */

/* Whether path reaches size bytes within 2 s. */
static int
grows_to(const char *path, off_t size)
{
	struct stat	st;
	int		i;

	for (i = 0; i < 200; i++) {
		if (stat(path, &st) == 0 && st.st_size == size) {
			return 1;
		}
		usleep(10000);
	}
	return 0;
}

Test(cli, output_file_is_renamed_when_complete)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("3\r\n\r\nnew")), S_END
	};
	struct srv	s;

	in_tmpdir();
	put_file("f", "old");
	run_srv(&r, &s, ok, ARGS("-o", "f"), "/");
	expect_exit(0, NULL);
	expect_out("");
	cr_expect(file_is("f", "new"));
	cr_expect_neq(access("f.part", F_OK), 0);
}

Test(cli, output_file_untouched_on_http_error)
{
	static const struct srv_step	nf[] = {
		S_READ, S_SEND("HTTP/1.1 404 Not Found\r\nContent-Length: 3"
		    "\r\n\r\nbad"), S_END
	};
	struct srv	s;

	in_tmpdir();
	start(&s, nf);
	put_file("f", "old");
	run_ufetch(&r, NULL, ARGS("-o", "f", srv_url(url, sizeof url, &s,
	    "/")));
	expect_exit(8, "HTTP Error 404");
	cr_expect(file_is("f", "old"));
	cr_expect_neq(access("f.part", F_OK), 0);
	run_ufetch(&r, NULL, ARGS("-o", "g", url));
	cr_expect_neq(access("g", F_OK), 0, "no file for an HTTP error");
	srv_stop(&s);
}

Test(cli, truncated_output_keeps_the_old_file)
{
	static const struct srv_step	cut[] = {
		S_READ, S_SEND(OK200("100\r\n\r\npartial")), S_END
	};
	struct srv	s;

	in_tmpdir();
	put_file("f", "old");
	run_srv(&r, &s, cut, ARGS("-o", "f"), "/");
	expect_exit(4, "connection closed after 7 of 100");
	cr_expect(file_is("f", "old"));
	cr_expect(file_is("f.part", "partial"), "kept for -c");
}

Test(cli, killed_mid_body_leaves_no_file_under_the_final_name)
{
	static const struct srv_step	slow[] = {
		S_READ, S_SEND(OK200("1000000\r\n\r\n")), S_FILL(100000),
		S_HOLD, S_END
	};
	struct srv	s;
	pid_t		pid;
	int		status;

	in_tmpdir();
	start(&s, slow);
	put_file("kept", "old");
	pid = spawn_ufetch(-1, -1, ARGS("-o", "new", "-t", "10",
	    srv_url(url, sizeof url, &s, "/")));
	cr_expect(grows_to("new.part", 100000), "body under way");
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFSIGNALED(status));
	cr_expect_neq(access("new", F_OK), 0, "no file under the final name");

	pid = spawn_ufetch(-1, -1, ARGS("-o", "kept", "-t", "10", url));
	(void)grows_to("kept.part", 100000);
	kill(pid, SIGINT);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(file_is("kept", "old"), "the old file is intact");
	srv_stop(&s);
}

Test(cli, remote_name)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;

	in_tmpdir();
	start(&s, ok);
	run_ufetch(&r, NULL, ARGS("-O", srv_url(url, sizeof url, &s,
	    "/dir/name.txt?x=1")));
	expect_exit(0, NULL);
	cr_expect(file_is("name.txt", "ok"));
	run_ufetch(&r, NULL, ARGS("-O", srv_url(url, sizeof url, &s, "/")));
	expect_exit(0, NULL);
	cr_expect(file_is("index.html", "ok"));
	srv_stop(&s);
}

Test(cli, unwritable_output_is_code_3)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;

	run_srv(&r, &s, ok, ARGS("-o", "/nonexistent/dir/f"), "/");
	expect_exit(3, "cannot create /nonexistent/dir/f.part");
}

Test(cli, dev_null_is_written_not_replaced)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;
	struct stat	st;

	run_srv(&r, &s, ok, ARGS("-o", "/dev/null"), "/");
	expect_exit(0, NULL);
	cr_expect_eq(s.nreq, 1, "the request was made");
	cr_expect(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
	cr_expect_neq(access("/dev/null.part", F_OK), 0);
}

Test(cli, closed_pipe_ends_the_run_quietly)
{
	static const struct srv_step	big[] = {
		S_READ, S_SEND(OK200("10000000\r\n\r\n")), S_FILL(10000000),
		S_END
	};
	struct srv	s;
	int		out[2], err[2], status;
	char		c, ebuf[256];
	pid_t		pid;
	ssize_t		n;

	start(&s, big);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(err, O_CLOEXEC), 0);
	pid = spawn_ufetch(out[1], err[1], ARGS(srv_url(url, sizeof url, &s,
	    "/"), url));
	close(out[1]);
	close(err[1]);
	cr_assert_eq(read(out[0], &c, 1), 1);
	close(out[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	n = read(err[0], ebuf, sizeof ebuf);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	    "ended like a filter whose reader left");
	cr_expect_eq(n, 0, "nothing on stderr");
	cr_expect_eq(s.nconn, 1, "the second URL was not fetched");
	close(err[0]);
	srv_stop(&s);
}

/* 141 (SIGPIPE) whatever happened to earlier URLs, as the manual says. */
Test(cli, closed_pipe_after_a_failed_url_is_still_sigpipe)
{
	static const struct srv_step	nf[] = {
		S_READ, S_SEND("HTTP/1.1 404 Not Found\r\nContent-Length: 0"
		    "\r\n\r\n"), S_END
	};
	static const struct srv_step	big[] = {
		S_READ, S_SEND(OK200("10000000\r\n\r\n")), S_FILL(10000000),
		S_END
	};
	struct srv	a, b;
	int		out[2], err[2], status;
	char		c, ebuf[512];
	pid_t		pid;
	ssize_t		n;

	start(&a, nf);
	start(&b, big);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(err, O_CLOEXEC), 0);
	pid = spawn_ufetch(out[1], err[1], ARGS(srv_url(url, sizeof url, &a,
	    "/"), srv_url(url2, sizeof url2, &b, "/")));
	close(out[1]);
	close(err[1]);
	cr_assert_eq(read(out[0], &c, 1), 1);
	close(out[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	n = read(err[0], ebuf, sizeof ebuf - 1);
	ebuf[n > 0 ? n : 0] = '\0';
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	    "status %x, want SIGPIPE", status);
	cr_expect(strstr(ebuf, "HTTP Error 404") != NULL, "%s", ebuf);
	close(err[0]);
	srv_stop(&a);
	srv_stop(&b);
}

Test(cli, max_time_holds_when_bytes_never_stop)
{
	/* The server always has bytes ready; only our reader is slow. */
	static const struct srv_step	big[] = {
		S_READ, S_SEND(OK200("100000000\r\n\r\n")),
		S_FILL(100000000), S_END
	};
	struct srv	s;
	int		out[2], status;
	char		buf[65536];
	double		t0, ended = 0;
	pid_t		pid;

	start(&s, big);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	t0 = now_secs();
	pid = spawn_ufetch(out[1], -1, ARGS("-m", "0.5",
	    srv_url(url, sizeof url, &s, "/")));
	close(out[1]);
	/* Read slowly; note when ufetch ends, not when we have drained. */
	while (read(out[0], buf, sizeof buf) > 0) {
		if (ended == 0 && waitpid(pid, &status, WNOHANG) == pid) {
			ended = now_secs();
		}
		usleep(20000);
	}
	if (ended == 0) {
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		ended = now_secs();
	}
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 9,
	    "status %x", status);
	cr_expect_lt(ended - t0, 0.5 + SLACK, "ended after %.3f s",
	    ended - t0);
	close(out[0]);
	srv_stop(&s);
}

Test(cli, directory_and_planted_link_are_refused)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
	};
	struct srv	s;

	in_tmpdir();
	start(&s, ok);
	cr_assert_eq(mkdir("d", 0755), 0);
	run_ufetch(&r, NULL, ARGS("-o", "d", srv_url(url, sizeof url, &s,
	    "/")));
	expect_exit(3, "Is a directory");
	put_file("victim", "precious");
	cr_assert_eq(symlink("victim", "f.part"), 0);
	run_ufetch(&r, NULL, ARGS("-o", "f", url));
	expect_exit(3, "refusing to write f.part: not a regular file");
	cr_expect(file_is("victim", "precious"));
	srv_stop(&s);
}

Test(cli, empty_user_agent_sends_none)
{
	static const struct srv_step	ok[] = {
		S_READ, S_SEND(OK200("0\r\n\r\n")), S_END
	};
	struct srv	s;

	run_srv(&r, &s, ok, ARGS("-A", ""), "/");
	expect_exit(0, NULL);
	cr_expect_eq(s.nreq, 1, "the request was made");
	cr_expect(strstr(s.req, "User-Agent") == NULL, "%s", s.req);
}

Test(cli, plain_bodies_are_spliced_byte_exact)
{
	static const struct srv_step	big[] = {
		S_READ, S_SEND(OK200("3000000\r\n\r\n")), S_FILL(3000000),
		S_END
	};
	struct srv	s;
	struct stat	st;
	size_t		i;

	in_tmpdir();
	start(&s, big);
	run_ufetch(&r, NULL, ARGS("-v", srv_url(url, sizeof url, &s, "/")));
	cr_expect_eq(r.code, 0, "%s", r.err);
	cr_expect(strstr(r.err, "* moving the body with splice(2)\n") != NULL,
	    "%s", r.err);
	cr_expect_eq(r.out_len, 3000000);
	for (i = 0; i < sizeof r.out && r.out[i] == 'x'; i++) {
		continue;
	}
	cr_expect_eq(i, sizeof r.out);
	run_ufetch(&r, NULL, ARGS("-v", "-o", "f", url));
	cr_expect_eq(r.code, 0, "%s", r.err);
	cr_expect(strstr(r.err, "splice(2) through a pipe") != NULL, "%s",
	    r.err);
	cr_expect(stat("f", &st) == 0 && st.st_size == 3000000);
	srv_stop(&s);
}

Test(cli, max_time_holds_when_the_reader_stops)
{
	/* Nobody reads our stdout: the pipe fills and stays full. */
	static const struct srv_step	big[] = {
		S_READ, S_SEND(OK200("100000000\r\n\r\n")),
		S_FILL(100000000), S_END
	};
	struct srv	s;
	int		out[2], status = 0, i;
	double		t0;
	pid_t		pid;

	start(&s, big);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	t0 = now_secs();
	pid = spawn_ufetch(out[1], -1, ARGS("-m", "0.5",
	    srv_url(url, sizeof url, &s, "/")));
	close(out[1]);
	for (i = 0; i < 300 && waitpid(pid, &status, WNOHANG) != pid; i++) {
		usleep(10000);
	}
	if (i == 300) {
		kill(pid, SIGKILL);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
	}
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 9,
	    "status %x after %.3f s", status, now_secs() - t0);
	cr_expect_lt(now_secs() - t0, 0.5 + SLACK);
	close(out[0]);
	srv_stop(&s);
}

Test(cli, appending_stdout_gets_every_byte)
{
	/* Linux refuses to splice into O_APPEND files: ufetch >> log. */
	static const struct srv_step	big[] = {
		S_READ, S_SEND(OK200("200000\r\n\r\n")), S_FILL(200000), S_END
	};
	struct srv	s;
	struct stat	st;
	char		path[] = "/tmp/ufetch-append-XXXXXX";
	int		fd, status;
	pid_t		pid;

	start(&s, big);
	fd = mkstemp(path);
	cr_assert_eq(write(fd, "first\n", 6), 6);
	close(fd);
	fd = open(path, O_WRONLY | O_APPEND);
	pid = spawn_ufetch(fd, -1, ARGS(srv_url(url, sizeof url, &s, "/")));
	close(fd);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%x", status);
	cr_expect(stat(path, &st) == 0 && st.st_size == 200006, "%lld bytes",
	    (long long)st.st_size);
	unlink(path);
	srv_stop(&s);
}
