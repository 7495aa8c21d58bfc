/*
 * test_parallel.c: -P N, --parallel-host and --shard, with the real
 * binary against loopback servers that serve each connection in a
 * thread of its own (SRV_CONCURRENT) and count them: list order and
 * bytes as in a serial run, the exit status and messages in list
 * order, connections per origin, signals and a closed stdout with no
 * process left behind.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "srv.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })

static const struct srv_step	echo_steps[] = { S_ECHO, S_END };

static struct run	r, r1;
static char		list[1 << 16], want[1 << 20];
static size_t		want_len;

static void
start_echo(struct srv *s)
{
	cr_assert_eq(srv_start_tls_flags(s, echo_steps, NULL, SRV_CONCURRENT),
	    0);
}

/* Add s's URL for path to the list, and its body to what stdout wants. */
static void
add(const struct srv *s, const char *path)
{
	size_t	n = strlen(list);

	snprintf(list + n, sizeof list - n, "http://127.0.0.1:%u%s\n",
	    s->port, path);
	if (strstr(path, "/404") == NULL) {
		want_len += srv_echo_body(want + want_len,
		    sizeof want - want_len, path);
	}
}

static void
clear(void)
{
	list[0] = '\0';
	want_len = 0;
}

static void
expect_want(const struct run *x)
{
	cr_expect(x->out_len == want_len && memcmp(x->out, want,
	    want_len) == 0, "stdout: %zu bytes, want %zu", x->out_len,
	    want_len);
}

/*
 * This process adopts orphans (PR_SET_CHILD_SUBREAPER), so that a
 * worker that outlives its parent comes back to us: after a run, wait
 * until we have no child left, reaping any; 0 when none was still
 * alive after 2 s.
 */
static void
adopt_orphans(void)
{
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
}

static int
no_child_left(void)
{
	double	t0 = now_secs();
	pid_t	p;

	while (now_secs() - t0 < 2) {
		p = waitpid(-1, NULL, WNOHANG);
		if (p < 0 && errno == ECHILD) {
			return 1;
		}
		if (p == 0) {
			struct timespec	ts = { 0, 10000000 };

			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

Test(parallel, order_and_bytes_are_those_of_a_serial_run)
{
	struct srv	a, b;
	char		path[64];
	unsigned	seed = (unsigned)time(NULL), i;

	start_echo(&a);
	start_echo(&b);
	srand(seed);
	clear();
	for (i = 0; i < 40; i++) {
		/* Bodies over a pipe's 64 KiB wait in files for their turn. */
		snprintf(path, sizeof path, "/i%u/d%d%s", i, rand() % 40,
		    i % 9 == 4 ? "/k100" : "");
		add(i % 3 == 0 ? &b : &a, path);
	}
	run_ufetch(&r, list, ARGS("-P", "8", "-"));
	run_ufetch(&r1, list, ARGS("-"));
	srv_stop(&a);
	srv_stop(&b);
	cr_expect_eq(r.code, 0, "seed %u: %s", seed, r.err);
	expect_want(&r);
	expect_want(&r1);
	cr_expect_str_eq(r.err, "");
	cr_expect_gt(a.max_active + b.max_active, 2, "URLs were in flight "
	    "at once (%d, %d)", a.max_active, b.max_active);
}

Test(parallel, p1_is_the_serial_run)
{
	struct srv	s;
	int		conns;

	start_echo(&s);
	clear();
	add(&s, "/1");
	add(&s, "/2/404");
	add(&s, "/3");
	run_ufetch(&r, list, ARGS("-"));
	conns = s.nconn;
	run_ufetch(&r1, list, ARGS("-P", "1", "-"));
	srv_stop(&s);
	cr_expect_eq(r.code, 8);
	cr_expect_eq(r1.code, r.code);
	cr_expect_str_eq(r1.err, r.err);
	expect_want(&r1);
	/* One kept connection, then a new one after the 404, each time. */
	cr_expect_eq(conns, 2);
	cr_expect_eq(s.nconn, 2 * conns);
}

Test(parallel, the_first_failure_in_list_order_is_the_status)
{
	struct srv	s;
	char		refused[64];
	const char	*nl;

	start_echo(&s);
	clear();
	add(&s, "/d400/404");	/* fails last, exit status 8 */
	add(&s, "/2");
	snprintf(refused, sizeof refused, "http://127.0.0.1:%u/x\n",
	    srv_refused_port());	/* fails first, 4 */
	strcat(list, refused);
	run_ufetch(&r, list, ARGS("-P", "3", "-"));
	srv_stop(&s);
	cr_expect_eq(r.code, 8, "%s", r.err);
	expect_want(&r);
	nl = strchr(r.err, '\n');
	cr_assert_not_null(nl, "%s", r.err);
	cr_expect(strstr(r.err, "404") != NULL && strstr(r.err, "404") < nl,
	    "the 404 first: %s", r.err);
	cr_expect(strstr(nl, "refused") != NULL, "then refused: %s", r.err);
}

/* 12 URLs of one origin, each 150 ms late: at most how many at once? */
static int
most_at_once(const char *const *opts)
{
	struct srv	s;
	const char	*args[8];
	char		path[32];
	size_t		n = 0;
	int		i;

	start_echo(&s);
	clear();
	for (i = 0; i < 12; i++) {
		snprintf(path, sizeof path, "/d150/%d", i);
		add(&s, path);
	}
	while (opts[n] != NULL) {
		args[n] = opts[n];
		n++;
	}
	args[n++] = "-";
	args[n] = NULL;
	run_ufetch(&r, list, args);
	srv_stop(&s);
	cr_expect_eq(r.code, 0, "%s", r.err);
	expect_want(&r);
	return s.max_active;
}

Test(parallel, parallel_host_bounds_the_connections_to_an_origin)
{
	int	n;

	n = most_at_once(ARGS("-P", "8", "--parallel-host", "2"));
	cr_expect_eq(n, 2, "--parallel-host 2: %d at once", n);
	n = most_at_once(ARGS("-P", "8"));
	cr_expect_eq(n, 6, "the default, 6: %d at once", n);
	n = most_at_once(ARGS("-P", "8", "--parallel-host", "8"));
	cr_expect_eq(n, 8, "--parallel-host 8: %d at once", n);
}

Test(parallel, a_bad_url_is_one_line_in_its_place)
{
	struct srv	s;
	const char	*nl;
	char		u[64];

	start_echo(&s);
	clear();
	add(&s, "/1");
	strcat(list, "http://exa mple/\n");
	add(&s, "/d200/404");
	run_ufetch(&r, list, ARGS("-P", "4", "-"));
	cr_expect_eq(r.code, 2, "%s", r.err);
	expect_want(&r);
	nl = strchr(r.err, '\n');
	cr_assert_not_null(nl, "%s", r.err);
	cr_expect(strstr(r.err, "exa mple") != NULL
	    && strstr(r.err, "exa mple") < nl, "%s", r.err);
	cr_expect(strstr(nl + 1, "404") != NULL, "%s", r.err);
	cr_expect_eq(strchr(nl + 1, '\n'), r.err + strlen(r.err) - 1,
	    "two lines: %s", r.err);

	/* An empty one too (an empty message must not end a worker). */
	run_ufetch(&r, NULL, ARGS("-P", "2", "", srv_url(u, sizeof u, &s,
	    "/1")));
	cr_expect_eq(r.code, 2, "%s", r.err);
	cr_expect(r.out_len == 3 && memcmp(r.out, "/1\n", 3) == 0);
	cr_expect(strstr(r.err, "malformed URL") != NULL, "%s", r.err);

	/* After a slow failure, it comes second, and 8 is the status. */
	clear();
	add(&s, "/d300/404");
	strcat(list, "http://exa mple/\n");
	run_ufetch(&r, list, ARGS("-P", "4", "-"));
	srv_stop(&s);
	cr_expect_eq(r.code, 8, "%s", r.err);
	nl = strchr(r.err, '\n');
	cr_assert_not_null(nl, "%s", r.err);
	cr_expect(strstr(nl, "exa mple") != NULL, "%s", r.err);
}

Test(parallel, a_bad_list_line_is_said_in_its_place)
{
	struct srv	s;
	static char	in[1 << 16];
	size_t		n;

	start_echo(&s);
	clear();
	add(&s, "/d200/404");
	n = strlen(list);
	memcpy(in, list, n);
	memset(in + n, 'x', 9000);
	n += 9000;
	in[n++] = '\n';
	clear();
	add(&s, "/2");
	memcpy(in + n, list, strlen(list) + 1);
	run_ufetch(&r, in, ARGS("-P", "4", "-"));
	srv_stop(&s);
	cr_expect_eq(r.code, 8, "%s", r.err);
	expect_want(&r);
	cr_expect(strstr(r.err, "404") != NULL && strstr(r.err, "too long")
	    > strstr(r.err, "404"), "%s", r.err);
}

Test(parallel, o_file_gets_the_bodies_in_order)
{
	struct srv	s;
	char		path[32], got[4096];
	int		i, fd;
	ssize_t		n;

	in_tmpdir();
	start_echo(&s);
	clear();
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof path, "/d%d/%d", (8 - i) * 20, i);
		add(&s, path);
	}
	run_ufetch(&r, list, ARGS("-P", "4", "-o", "all", "-"));
	expect_exit(0, NULL);
	cr_expect_eq(r.out_len, 0);
	fd = open("all", O_RDONLY);
	cr_assert_geq(fd, 0);
	n = read(fd, got, sizeof got);
	close(fd);
	cr_expect(n == (ssize_t)want_len && memcmp(got, want, want_len) == 0,
	    "all: %zd bytes", n);

	/* A failure: no file under the name, as in a serial run. */
	add(&s, "/404");
	run_ufetch(&r, list, ARGS("-P", "4", "-o", "none", "-"));
	srv_stop(&s);
	cr_expect_eq(r.code, 8);
	cr_expect_neq(access("none", F_OK), 0);
	cr_expect_neq(access("none.part", F_OK), 0);
}

Test(parallel, remote_names_of_one_name_end_as_in_a_serial_run)
{
	struct srv	s;
	char		body[256];

	in_tmpdir();
	start_echo(&s);
	clear();
	/* The first is slow: in a serial run the second writes last. */
	add(&s, "/a/d300/x");
	add(&s, "/b/x");
	add(&s, "/c/y");
	run_ufetch(&r, list, ARGS("-P", "3", "-O", "-"));
	srv_stop(&s);
	expect_exit(0, NULL);
	srv_echo_body(body, sizeof body, "/b/x");
	body[strlen("/b/x\n")] = '\0';
	cr_expect(file_is("x", body), "x holds /b/x's body");
	srv_echo_body(body, sizeof body, "/c/y");
	body[strlen("/c/y\n")] = '\0';
	cr_expect(file_is("y", body));
}

Test(parallel, shards_split_the_list_by_origin)
{
	struct srv	s[4];
	char		url[64], name[64], outs[3][8192];
	unsigned	i, k, port[4];
	int		n;

	for (i = 0; i < 4; i++) {
		start_echo(&s[i]);
		port[i] = s[i].port;
	}
	clear();
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 4; i++) {
			snprintf(url, sizeof url, "/%u/%u", i, k);
			add(&s[i], url);
		}
	}
	for (k = 0; k < 3; k++) {
		snprintf(name, sizeof name, "%u/3", k + 1);
		run_ufetch(&r, list, ARGS("--shard", name, "-P", "2", "-"));
		cr_expect_eq(r.code, 0, "%s", r.err);
		memcpy(outs[k], r.out, r.out_len);
		outs[k][r.out_len] = '\0';
	}
	/* Each URL in the shard of FNV-1a("http://host:port") mod 3. */
	for (i = 0; i < 4; i++) {
		n = snprintf(name, sizeof name, "http://127.0.0.1:%u", port[i]);
		k = (unsigned)(srv_hash(name, (size_t)n) % 3);
		for (n = 0; n < 3; n++) {
			snprintf(url, sizeof url, "/%u/%d\n", i, n);
			cr_expect(strstr(outs[k], url) != NULL,
			    "%s in shard %u", url, k + 1);
			cr_expect(strstr(outs[(k + 1) % 3], url) == NULL
			    && strstr(outs[(k + 2) % 3], url) == NULL,
			    "%s in shard %u only", url, k + 1);
		}
	}
	for (i = 0; i < 4; i++) {
		srv_stop(&s[i]);
	}
	/* The origin compares without case; one shard tries both. */
	snprintf(list, sizeof list, "HTTP://LOCALHOST:%u/a\n"
	    "http://localhost:%u/b\n", port[0], port[0]);
	for (k = n = 0; k < 3; k++) {
		snprintf(name, sizeof name, "%u/3", k + 1);
		run_ufetch(&r, list, ARGS("--shard", name, "-"));
		n += r.code != 0;
		cr_expect(r.code == 0 || (strstr(r.err, "/a") != NULL
		    && strstr(r.err, "/b") != NULL), "%s", r.err);
	}
	cr_expect_eq(n, 1, "one shard has them");
}

Test(parallel, usage_errors)
{
	static const char *const	bad[][2] = {
		{ "-P", "0" }, { "-P", "65" }, { "-P", "x" },
		{ "--parallel-host", "0" }, { "--shard", "0/3" },
		{ "--shard", "4/3" }, { "--shard", "3" }, { "--shard", "1/" },
		{ "--shard", "/3" },
	};
	size_t	i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		run_ufetch(&r, NULL, ARGS(bad[i][0], bad[i][1],
		    "http://127.0.0.1:1/"));
		cr_expect_eq(r.code, 2, "%s %s: %d", bad[i][0], bad[i][1],
		    r.code);
		cr_expect(strstr(r.err, bad[i][1]) != NULL, "%s", r.err);
	}
}

Test(parallel, no_worker_outlives_a_run)
{
	struct srv	s;

	adopt_orphans();
	start_echo(&s);
	clear();
	add(&s, "/1");
	add(&s, "/d50/2");
	add(&s, "/404");
	run_ufetch(&r, list, ARGS("-P", "3", "-"));
	srv_stop(&s);
	cr_expect_eq(r.code, 8);
	cr_expect(no_child_left(), "a process outlived the run");
}

/* A signal in the middle: everything stops, and .part files stay. */
static void
interrupted(int sig)
{
	static const struct srv_step	part[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
		    "12345"), S_HOLD, S_END
	};
	struct srv	s, slow;
	char		u1[64], u2[64];
	pid_t		pid;
	int		st, i;

	adopt_orphans();
	in_tmpdir();
	cr_assert_eq(srv_start(&s, part), 0);
	start_echo(&slow);
	/* Both workers busy: one mid-body, one waiting for a response. */
	pid = spawn_ufetch(-1, -1, ARGS("-P", "2", "-t", "10", "-O",
	    srv_url(u1, sizeof u1, &s, "/a"), srv_url(u2, sizeof u2, &slow,
	    "/d5000/b")));
	for (i = 0; i < 200 && !file_is("a.part", "12345"); i++) {
		struct timespec	ts = { 0, 10000000 };

		nanosleep(&ts, NULL);
	}
	cr_expect(file_is("a.part", "12345"), "a body under way");
	kill(pid, sig);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == sig);
	cr_expect(no_child_left(), "a worker outlived its parent");
	cr_expect(file_is("a.part", "12345"), "kept for -c");
	cr_expect_neq(access("a", F_OK), 0);
	srv_stop(&s);
	srv_stop(&slow);
}

Test(parallel, sigterm_stops_everything)
{
	interrupted(SIGTERM);
}

Test(parallel, sigint_stops_everything)
{
	interrupted(SIGINT);
}

Test(parallel, a_closed_stdout_ends_the_run)
{
	struct srv	s;
	char		path[32], c;
	int		p[2], st, i;
	pid_t		pid;

	adopt_orphans();
	start_echo(&s);
	clear();
	for (i = 0; i < 30; i++) {
		snprintf(path, sizeof path, "/%d/k64", i);
		add(&s, path);
	}
	in_tmpdir();
	put_file("list", list);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid = spawn_ufetch(p[1], -1, ARGS("-P", "4", "@list"));
	close(p[1]);
	cr_expect_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE,
	    "status %#x", st);
	cr_expect(no_child_left(), "a worker outlived its parent");
	srv_stop(&s);
}

Test(parallel, https_in_workers)
{
	static const struct srv_tls	tls_ec = {
		{ "leaf-ec.der", "int.der" }, "leaf-ec.key.der", NULL, 0 };
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nConnection: close\r\n"
		    "Content-Length: 2\r\n\r\nok"), S_NOTIFY, S_END
	};
	struct srv	s;
	char		ca[4200], u[4][64];
	int		i;

	pki(ca, sizeof ca, "ca.pem");
	cr_assert_eq(srv_start_tls(&s, steps, &tls_ec), 0);
	for (i = 0; i < 4; i++) {
		snprintf(u[i], sizeof u[i], "https://localhost:%u/%d", s.port,
		    i);
	}
	run_ufetch(&r, NULL, ARGS("-P", "2", "--cacert", ca, u[0], u[1], u[2],
	    u[3]));
	srv_stop(&s);
	expect_exit(0, NULL);
	expect_out("okokokok");
}

/* A URL of a list still being written goes out at once, not in bulk. */
Test(parallel, a_slow_list_is_not_waited_for)
{
	struct srv	s;
	struct pollfd	pfd;
	int		in[2], out[2], st;
	char		line[160], buf[16];
	pid_t		pid;

	start_echo(&s);
	(void)binary();
	cr_assert_eq(pipe2(in, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0, "fork failed");
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		exec_ufetch((const char *const []){ "-P", "4", "-", NULL });
	}
	close(in[0]);
	close(out[1]);
	snprintf(line, sizeof line, "http://127.0.0.1:%u/1\n", s.port);
	cr_assert_eq(write(in[1], line, strlen(line)), (ssize_t)strlen(line));
	pfd.fd = out[0];
	pfd.events = POLLIN;
	cr_expect_eq(poll(&pfd, 1, (int)(2000 + 1000 * slack())), 1,
	    "first body while the list is still open");
	cr_expect_eq(read(out[0], buf, sizeof buf), 3);
	cr_assert_eq(write(in[1], line, strlen(line)), (ssize_t)strlen(line));
	close(in[1]);
	cr_expect_eq(read(out[0], buf, sizeof buf), 3);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(out[0]);
	srv_stop(&s);
}

/* -c with -o FILE continues one body: the run is serial, as documented. */
Test(parallel, continue_with_o_file_runs_serially)
{
	static const struct srv_step	steps[] = {
		S_READ, S_PATTERN(100, 0), S_END
	};
	struct srv	s;
	char		u[64];

	in_tmpdir();
	put_file("f.part", "0123456789");
	cr_assert_eq(srv_start(&s, steps), 0);
	run_ufetch(&r, NULL, ARGS("-P", "4", "-c", "-o", "f",
	    srv_url(u, sizeof u, &s, "/")));
	srv_stop(&s);
	expect_exit(0, NULL);
	cr_expect_not_null(strstr(s.req, "Range: bytes=10-"), "%s", s.req);
	cr_expect_neq(access("f.part", F_OK), 0);
}

/*
 * Bodies that wait for a slow first URL fill a worker's temporary file
 * past 1 MiB (where read ranges are given back): all come out whole.
 */
Test(parallel, more_than_a_mebibyte_waits_and_comes_out_whole)
{
	struct srv	s;
	char		path[32], *got, *exp;
	size_t		n = 0, len = 0;
	ssize_t		k;
	int		i, fd;

	in_tmpdir();
	start_echo(&s);
	clear();
	add(&s, "/d400/a");
	exp = malloc(4 << 20);
	got = malloc(4 << 20);
	cr_assert(exp != NULL && got != NULL);
	n = srv_echo_body(exp, 4 << 20, "/d400/a");
	for (i = 0; i < 7; i++) {
		snprintf(path, sizeof path, "/%d/k180", i);
		add(&s, path);
		n += srv_echo_body(exp + n, (4 << 20) - n, path);
	}
	run_ufetch(&r, list, ARGS("-P", "2", "-o", "all", "-"));
	srv_stop(&s);
	expect_exit(0, NULL);
	fd = open("all", O_RDONLY);
	cr_assert_geq(fd, 0);
	while ((k = read(fd, got + len, (4 << 20) - len)) > 0) {
		len += (size_t)k;
	}
	close(fd);
	cr_expect(len == n && memcmp(got, exp, n) == 0, "%zu bytes, want %zu",
	    len, n);
	free(got);
	free(exp);
}

/*
 * -w and --fail-with-body in workers: each URL's -w line follows its
 * bytes, and an error's body keeps its place, on stdout as in a serial
 * run; with -o FILE the error's body is in FILE, kept (exit 8).
 */
Test(parallel, write_out_and_fail_with_body_as_in_a_serial_run)
{
	static const char	fmt[] = "%{http_code} %{url_effective}\\n";
	struct srv		s;
	char			got[4096], serial[4096];
	ssize_t			n, m;
	int			fd;

	in_tmpdir();
	start_echo(&s);
	clear();
	add(&s, "/d300/a");
	add(&s, "/d100/404");
	add(&s, "/b");
	run_ufetch(&r, list, ARGS("-P", "3", "-w", fmt, "--fail-with-body",
	    "-"));
	run_ufetch(&r1, list, ARGS("-w", fmt, "--fail-with-body", "-"));
	cr_expect_eq(r.code, 8, "%s", r.err);
	cr_expect_eq(r1.code, 8, "%s", r1.err);
	cr_expect(r.out_len == r1.out_len && memcmp(r.out, r1.out,
	    r.out_len) == 0, "-P: \"%.*s\"; serial: \"%.*s\"",
	    (int)r.out_len, r.out, (int)r1.out_len, r1.out);
	cr_expect_not_null(strstr(r.out, "\n404 http://"), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "/d300/a\n200 http://"), "%s",
	    r.out);

	run_ufetch(&r, list, ARGS("-P", "3", "--fail-with-body", "-o",
	    "all", "-"));
	run_ufetch(&r1, list, ARGS("--fail-with-body", "-o", "one", "-"));
	srv_stop(&s);
	cr_expect_eq(r.code, 8, "%s", r.err);
	cr_expect_eq(r1.code, 8, "%s", r1.err);
	fd = open("all", O_RDONLY);
	cr_assert_geq(fd, 0, "-P -o all with --fail-with-body: no file");
	n = read(fd, got, sizeof got);
	close(fd);
	fd = open("one", O_RDONLY);
	cr_assert_geq(fd, 0);
	m = read(fd, serial, sizeof serial);
	close(fd);
	cr_expect(n > 0 && n == m && memcmp(got, serial, (size_t)n) == 0,
	    "all: %zd bytes, serial: %zd", n, m);
}

/*
 * --retry in a worker: a 503 on the first URL is retried there while
 * the later URLs come in; the output is what a serial run writes, and
 * the retry's line is in its place.
 */
Test(parallel, retry_in_a_worker)
{
	static const struct srv_step	busy[] = {
		S_READ, S_SEND("HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\n"
		    "busy"), S_FROM(2),
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"
		    "ok\n"), S_END
	};
	struct srv	a, b;
	char		u[64];

	cr_assert_eq(srv_start(&a, busy), 0);
	start_echo(&b);
	clear();
	snprintf(list, sizeof list, "%s\n", srv_url(u, sizeof u, &a, "/"));
	memcpy(want, "ok\n", 3);
	want_len = 3;
	add(&b, "/d50/1");
	add(&b, "/2");
	run_ufetch(&r, list, ARGS("-P", "3", "--retry", "2", "--retry-delay",
	    "0.2", "-"));
	srv_stop(&a);
	srv_stop(&b);
	cr_expect_eq(r.code, 0, "%s", r.err);
	expect_want(&r);
	cr_expect_not_null(strstr(r.err, "HTTP Error 503: Busy; retry 1 of 2 "
	    "in 0.2 s"), "%s", r.err);
	cr_expect_eq(a.nconn, 2);
}
