/*
 * test_reuse.c: keeping a connection for the next URL of the same
 * origin, TLS session resumption, and never waiting on a slow list.
 */
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "srv.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OK(b)		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n" b

static struct run	r;
static char		u1[128], u2[128], u3[128];

static const struct srv_tls	tls_ec = {
	{ "leaf-ec.der", "int.der" }, "leaf-ec.key.der", NULL, 0 };

/* Exit status 0, whatever stderr says, and stdout exactly out. */
static void
expect_ok(const char *out)
{
	expect_exit(0, "");
	expect_out(out);
}

/* Two URLs of a server playing steps take two connections. */
static void
expect_two_connections(const struct srv_step *steps)
{
	struct srv	s;

	cr_assert_eq(srv_start(&s, steps), 0);
	run_ufetch(&r, NULL, ARGS(srv_url(u1, sizeof u1, &s, "/1"),
	    srv_url(u2, sizeof u2, &s, "/2")));
	srv_stop(&s);
	expect_ok("okok");
	cr_expect_eq(s.nconn, 2);
}

Test(reuse, same_origin_shares_one_connection)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK("a1")), S_READ, S_SEND(OK("b2")), S_READ,
		S_SEND(OK("c3")), S_HOLD, S_END
	};
	struct srv	s;

	cr_assert_eq(srv_start(&s, steps), 0);
	run_ufetch(&r, NULL, ARGS(srv_url(u1, sizeof u1, &s, "/1"),
	    srv_url(u2, sizeof u2, &s, "/2"), srv_url(u3, sizeof u3, &s,
	    "/3")));
	expect_ok("a1b2c3");
	cr_expect_eq(s.nconn, 1);
	cr_expect_eq(s.nreq, 3);
	cr_expect(strstr(s.req, "Connection") == NULL,
	    "the first request keeps the connection: %s", s.req);
	cr_expect(strstr(s.last_req, "GET /3 ") != NULL
	    && strstr(s.last_req, "Connection: close\r\n") != NULL,
	    "the last request closes it: %s", s.last_req);
	srv_stop(&s);
}

Test(reuse, other_origin_closes)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK("ok")), S_END
	};
	struct srv	a, b;

	cr_assert_eq(srv_start(&a, steps), 0);
	cr_assert_eq(srv_start(&b, steps), 0);
	run_ufetch(&r, NULL, ARGS(srv_url(u1, sizeof u1, &a, "/"),
	    srv_url(u2, sizeof u2, &b, "/")));
	expect_ok("okok");
	cr_expect(strstr(a.req, "Connection: close\r\n") != NULL, "%s",
	    a.req);
	srv_stop(&a);
	srv_stop(&b);
}

Test(reuse, server_saying_close_gets_a_new_connection)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nConnection: close\r\n"
		    "Content-Length: 2\r\n\r\nok"), S_HOLD, S_END
	};

	expect_two_connections(steps);
}

Test(reuse, http10_without_keep_alive_is_not_kept)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"),
		S_HOLD, S_END
	};

	expect_two_connections(steps);
}

Test(reuse, idle_close_by_the_server_is_retried_once)
{
	/* The server ends each connection after one response. */
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK("ok")), S_END
	};
	struct srv	s;

	cr_assert_eq(srv_start(&s, steps), 0);
	run_ufetch(&r, NULL, ARGS("-v", srv_url(u1, sizeof u1, &s, "/1"),
	    srv_url(u2, sizeof u2, &s, "/2")));
	expect_ok("okok");
	cr_expect(strstr(r.err, "connecting again") != NULL, "%s", r.err);
	cr_expect_eq(s.nconn, 2);
	srv_stop(&s);
}

/*
 * RFC 9110 9.2.2: after a kept connection closed unanswered, only an
 * idempotent method is sent again; any other might then act twice.
 * Methods are case-sensitive: "get" is not GET.
 */
Test(reuse, only_idempotent_methods_are_resent)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK("ok")), S_END
	};
	static const struct srv_step	head[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"),
		S_END
	};
	static const struct {
		const char	*method;
		int		resent;
	} rows[] = {
		{ "GET", 1 }, { "HEAD", 1 }, { "OPTIONS", 1 }, { "TRACE", 1 },
		{ "PUT", 1 }, { "DELETE", 1 }, { "POST", 0 }, { "PATCH", 0 },
		{ "LOCK", 0 }, { "CUSTOM", 0 }, { "get", 0 }
	};
	struct srv	s;
	size_t		i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		cr_assert_eq(srv_start(&s, strcmp(rows[i].method, "HEAD") == 0
		    ? head : steps), 0);
		run_ufetch(&r, NULL, ARGS("-v", "-X", rows[i].method,
		    srv_url(u1, sizeof u1, &s, "/1"),
		    srv_url(u2, sizeof u2, &s, "/2")));
		srv_stop(&s);
		cr_expect_eq(r.code, rows[i].resent ? 0 : 4, "%s: exit %d: %s",
		    rows[i].method, r.code, r.err);
		cr_expect_eq(s.nconn, rows[i].resent ? 2 : 1, "%s: %d "
		    "connections", rows[i].method, s.nconn);
		cr_expect_eq(strstr(r.err, "connecting again") != NULL,
		    rows[i].resent, "%s: %s", rows[i].method, r.err);
	}
}

/* Once a byte of the answer came, the request is not sent again. */
Test(reuse, a_partly_answered_request_is_not_resent)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK("ok")), S_READ, S_SEND("HTTP/1.1 2"), S_END
	};
	struct srv	s;

	cr_assert_eq(srv_start(&s, steps), 0);
	run_ufetch(&r, NULL, ARGS(srv_url(u1, sizeof u1, &s, "/1"),
	    srv_url(u2, sizeof u2, &s, "/2")));
	srv_stop(&s);
	expect_exit(4, "closed the connection inside the response head");
	expect_out("ok");
	cr_expect_eq(s.nconn, 1);
}

Test(reuse, tls_connection_and_session)
{
	static const struct srv_step	keep[] = {
		S_READ, S_SEND(OK("a1")), S_READ, S_SEND(OK("b2")), S_HOLD,
		S_END
	};
	static const struct srv_step	closing[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nConnection: close\r\n"
		    "Content-Length: 2\r\n\r\nok"), S_NOTIFY, S_END
	};
	struct srv	s;
	char		ca[4200];

	pki(ca, sizeof ca, "ca.pem");
	cr_assert_eq(srv_start_tls(&s, keep, &tls_ec), 0);
	snprintf(u1, sizeof u1, "https://localhost:%u/1", s.port);
	snprintf(u2, sizeof u2, "https://localhost:%u/2", s.port);
	run_ufetch(&r, NULL, ARGS("--cacert", ca, u1, u2));
	expect_ok("a1b2");
	/*
	 * BearSSL's server has no TLS 1.3: it declines ufetch's offer on
	 * a first connection; one TLS 1.2 connection then carries both.
	 */
	cr_expect_eq(s.nconn, 2);
	cr_expect_eq(s.handshakes, 1);
	srv_stop(&s);

	cr_assert_eq(srv_start_tls(&s, closing, &tls_ec), 0);
	snprintf(u1, sizeof u1, "https://localhost:%u/1", s.port);
	snprintf(u2, sizeof u2, "https://localhost:%u/2", s.port);
	run_ufetch(&r, NULL, ARGS("-v", "--cacert", ca, u1, u2));
	cr_expect_eq(r.code, 0, "%s", r.err);
	/* The declined offer, then one TLS 1.2 connection per URL. */
	cr_expect_eq(s.nconn, 3);
	cr_expect(strstr(r.err, "session resumed") != NULL,
	    "the second connection resumes: %s", r.err);
	srv_stop(&s);
}

Test(reuse, a_slow_list_is_not_waited_for)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(OK("ok")), S_END
	};
	struct srv	s;
	struct pollfd	pfd;
	int		in[2], out[2], st;
	char		line[160], buf[16];
	pid_t		pid;

	cr_assert_eq(srv_start(&s, steps), 0);
	(void)binary();
	cr_assert_eq(pipe2(in, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0, "fork failed");
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		exec_ufetch((const char *const []){ "-", NULL });
	}
	close(in[0]);
	close(out[1]);
	snprintf(line, sizeof line, "%s\n", srv_url(u1, sizeof u1, &s, "/1"));
	cr_assert_eq(write(in[1], line, strlen(line)), (ssize_t)strlen(line));
	/* The second URL has not been written: the first must not wait. */
	pfd.fd = out[0];
	pfd.events = POLLIN;
	cr_expect_eq(poll(&pfd, 1, (int)(2000 + 1000 * slack())), 1,
	    "first body while the list is still open");
	cr_expect_eq(read(out[0], buf, sizeof buf), 2);
	cr_assert_eq(write(in[1], line, strlen(line)), (ssize_t)strlen(line));
	close(in[1]);
	cr_expect_eq(read(out[0], buf, sizeof buf), 2);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(out[0]);
	srv_stop(&s);
}
