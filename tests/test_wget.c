/*
 * test_wget.c: the busybox wget personality, the real binary run
 * through a link named "wget" against scripted servers on 127.0.0.1
 * (and the in-process TLS server with the test PKI).
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srv.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define ENV(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OK200(body)	"HTTP/1.1 200 OK\r\nContent-Length: " body
#define has(s, sub)	(strstr((s), (sub)) != NULL)

static struct run	r;
static char		url[256], url2[256], link_path[PATH_MAX];

static const struct srv_step	hello[] = {
	S_READ, S_SEND(OK200("6\r\n\r\nhello\n")), S_END
};
static const struct srv_step	missing[] = {
	S_READ, S_SEND("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\n"
	    "gone"), S_END
};

/*
 * A new directory holding a link named "wget" to the binary, which
 * later runs start (under UFETCH_WRAP, as every run).
 */
static void
wget_link(void)
{
	char	dir[4096 + 32];

	(void)pki(dir, sizeof dir, "");	/* resolved before the chdir */
	in_tmpdir();
	cr_assert_eq(symlink(binary(), "wget"), 0);
	cr_assert_not_null(getcwd(link_path, sizeof link_path - 8));
	strcat(link_path, "/wget");
	run_as(link_path);
}

/* How many entries the current directory has, the link included. */
static int
entries(void)
{
	DIR		*d = opendir(".");
	struct dirent	*e;
	int		n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		n += strcmp(e->d_name, ".") != 0
		    && strcmp(e->d_name, "..") != 0;
	}
	closedir(d);
	return n;
}

/* Does the file at path (its first 4 KiB) contain sub? */
static int
file_has(const char *path, const char *sub)
{
	char	buf[4096];
	FILE	*fp = fopen(path, "r");
	size_t	n;

	if (fp == NULL) {
		return 0;
	}
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return strstr(buf, sub) != NULL;
}

/*
 * The four command lines of the issue.
 */

Test(wget, qO_dash_writes_the_body_to_stdout)
{
	struct srv	s;

	wget_link();
	run_srv(&r, &s, hello, ARGS("-qO-"), "/x.txt");
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect(strncmp(s.req, "GET /x.txt HTTP/1.1\r\n", 21) == 0, "%s",
	    s.req);
	cr_expect_eq(entries(), 1, "nothing saved beside the link");
}

Test(wget, O_file_writes_the_file_atomically)
{
	struct srv	s;

	wget_link();
	run_srv(&r, &s, hello, ARGS("-O", "f"), "/x.txt");
	expect_exit(0, NULL);
	expect_out("");
	cr_expect(file_is("f", "hello\n"));
	cr_expect_neq(access("f.part", F_OK), 0);
	cr_expect_neq(access("x.txt", F_OK), 0);
}

Test(wget, spider_sends_HEAD_and_saves_nothing)
{
	static const struct srv_step	head[] = {
		S_READ, S_SEND(OK200("6\r\n\r\n")), S_END
	};
	struct srv			s;

	wget_link();
	run_srv(&r, &s, head, ARGS("--spider"), "/x.txt");
	expect_exit(0, NULL);
	expect_out("");
	cr_expect(strncmp(s.req, "HEAD /x.txt HTTP/1.1\r\n", 22) == 0, "%s",
	    s.req);
	cr_expect_eq(entries(), 1, "nothing saved beside the link");
}

Test(wget, spider_of_a_missing_url_is_an_http_error)
{
	struct srv	s;

	wget_link();
	run_srv(&r, &s, missing, ARGS("--spider"), "/nope");
	expect_exit(8, "HTTP Error 404: Not Found");
	expect_out("");
	cr_expect_eq(entries(), 1);
}

Test(wget, T_and_header_reach_the_wire_and_time_out, .timeout = 15)
{
	static const struct srv_step	silent[] = { S_READ, S_HOLD, S_END };
	struct srv			s;

	wget_link();
	run_srv(&r, &s, silent, ARGS("-T", "0.3", "--header", "X: y"), "/");
	expect_exit(9, "timed out waiting for the response");
	expect_secs(0.3);
	cr_expect(has(s.req, "\r\nX: y\r\n"), "%s", s.req);
	cr_expect_eq(entries(), 1, "no index.html, no .part");
}

/*
 * Output: the file named after the URL, -P, several URLs.
 */

Test(wget, without_O_the_file_is_named_after_the_url)
{
	struct srv	s;

	wget_link();
	run_srv(&r, &s, hello, ARGS("-q"), "/dir/name.txt?q=1");
	expect_exit(0, NULL);
	expect_out("");
	cr_expect(file_is("name.txt", "hello\n"));
	run_srv(&r, &s, hello, NULL, "/");
	expect_exit(0, NULL);
	cr_expect(file_is("index.html", "hello\n"));
	cr_expect_eq(entries(), 3);
}

Test(wget, P_saves_into_the_directory_but_not_with_O)
{
	struct srv	s;

	wget_link();
	cr_assert_eq(mkdir("d", 0700), 0);
	run_srv(&r, &s, hello, ARGS("-P", "d"), "/a.txt");
	expect_exit(0, NULL);
	cr_expect(file_is("d/a.txt", "hello\n"));
	cr_expect_neq(access("a.txt", F_OK), 0);
	/* busybox: "-P DIR is considered only if there was no -O FILE" */
	run_srv(&r, &s, hello, ARGS("--directory-prefix=d", "-O", "b.txt"),
	    "/a.txt");
	expect_exit(0, NULL);
	cr_expect(file_is("b.txt", "hello\n"));
	cr_expect_neq(access("d/b.txt", F_OK), 0);
}

Test(wget, each_url_goes_to_its_own_file)
{
	struct srv	s;

	wget_link();
	cr_assert_eq(srv_start(&s, hello), 0);
	run_ufetch(&r, NULL, ARGS(srv_url(url, sizeof url, &s, "/a"),
	    srv_url(url2, sizeof url2, &s, "/b")));
	srv_stop(&s);
	expect_exit(0, NULL);
	cr_expect(file_is("a", "hello\n"));
	cr_expect(file_is("b", "hello\n"));
}

/*
 * Request options.
 */

Test(wget, post_data_is_sent_literally)
{
	struct srv	s;

	wget_link();
	run_srv(&r, &s, hello, ARGS("-qO-", "--post-data", "@a=1"), "/form");
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect(strncmp(s.req, "POST /form HTTP/1.1\r\n", 21) == 0, "%s",
	    s.req);
	cr_expect(has(s.req, "\r\nContent-Length: 4\r\n"), "%s", s.req);
	cr_expect(has(s.req, "\r\nContent-Type: application/"
	    "x-www-form-urlencoded\r\n"), "%s", s.req);
	cr_expect_eq(s.body_len, 4);
	cr_expect(strncmp(s.body, "@a=1", 4) == 0);
}

Test(wget, post_file_sends_the_file)
{
	struct srv	s;

	wget_link();
	put_file("p.txt", "x=1&y=2");
	run_srv(&r, &s, hello, ARGS("-O", "-", "--post-file=p.txt"), "/form");
	expect_exit(0, NULL);
	cr_expect(strncmp(s.req, "POST /form HTTP/1.1\r\n", 21) == 0, "%s",
	    s.req);
	cr_expect_eq(s.body_len, 7);
	cr_expect(strncmp(s.body, "x=1&y=2", 7) == 0);
}

Test(wget, post_data_and_post_file_together_are_refused)
{
	wget_link();
	run_ufetch(&r, NULL, ARGS("--post-data", "a", "--post-file", "p",
	    "http://127.0.0.1:9/"));
	expect_exit(2, "only one --post-data or --post-file");
}

Test(wget, U_sets_the_user_agent)
{
	struct srv	s;

	wget_link();
	run_srv(&r, &s, hello, ARGS("-qO-", "-U", "Agent/1"), "/");
	expect_exit(0, NULL);
	cr_expect(has(s.req, "\r\nUser-Agent: Agent/1\r\n"), "%s", s.req);
	run_srv(&r, &s, hello, ARGS("-qO-", "--user-agent=B 2"), "/");
	cr_expect(has(s.req, "\r\nUser-Agent: B 2\r\n"), "%s", s.req);
}

/* Does the file at path hold the first n bytes of srv_pattern()? */
static int
is_pattern(const char *path, size_t n)
{
	static unsigned char	buf[65536];
	struct stat		st;
	size_t			i;
	int			fd;

	if (stat(path, &st) != 0 || (size_t)st.st_size != n
	    || n > sizeof buf) {
		return 0;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, buf, n) != (ssize_t)n) {
		return 0;
	}
	close(fd);
	for (i = 0; i < n && buf[i] == srv_pattern(i); i++) {
		continue;
	}
	return i == n;
}

Test(wget, c_continues_the_part_of_an_interrupted_download)
{
	static const struct srv_step	cut[] = {
		S_READ, S_PATTERN(50000, 20000), S_END
	};
	static const struct srv_step	all[] = {
		S_READ, S_PATTERN(50000, 0), S_END
	};
	struct srv			s;

	wget_link();
	run_srv(&r, &s, cut, ARGS("-q"), "/f.bin");
	expect_exit(4, "connection closed after 20000 of 50000");
	cr_expect_neq(access("f.bin", F_OK), 0);
	cr_expect(is_pattern("f.bin.part", 20000));
	run_srv(&r, &s, all, ARGS("-c", "-q"), "/f.bin");
	expect_exit(0, NULL);
	cr_expect(has(s.req, "\r\nRange: bytes=20000-\r\n"), "%s", s.req);
	cr_expect(is_pattern("f.bin", 50000));
	cr_expect_neq(access("f.bin.part", F_OK), 0);
}

Test(wget, S_shows_the_response_head_on_stderr)
{
	struct srv	s;

	wget_link();
	run_srv(&r, &s, hello, ARGS("-S", "-O", "-"), "/");
	cr_expect_eq(r.code, 0);
	expect_out("hello\n");
	cr_expect_str_eq(r.err, "  HTTP/1.1 200 OK\n  Content-Length: 6\n"
	    "  \n");
}

Test(wget, o_logs_messages_to_a_file)
{
	struct srv	s;

	wget_link();
	run_srv(&r, &s, missing, ARGS("-o", "log", "-O", "f"), "/nope");
	expect_exit(8, NULL);
	cr_expect_eq(r.err_len, 0);
	cr_expect_neq(access("f", F_OK), 0);
	cr_expect_eq(access("log", F_OK), 0);
	cr_expect(file_has("log", "HTTP Error 404: Not Found\n"));
}

Test(wget, Y_off_ignores_http_proxy)
{
	char		pvar[64];
	struct srv	s;

	wget_link();
	snprintf(pvar, sizeof pvar, "http_proxy=http://127.0.0.1:%u",
	    srv_refused_port());
	cr_assert_eq(srv_start(&s, hello), 0);
	run_ufetch_env(&r, NULL, ENV(pvar), ARGS("-qO-", "-Y", "off",
	    srv_url(url, sizeof url, &s, "/")));
	expect_exit(0, NULL);
	expect_out("hello\n");
	run_ufetch_env(&r, NULL, ENV(pvar), ARGS("-qO-", "--proxy=on",
	    srv_url(url, sizeof url, &s, "/")));
	expect_exit(4, "refused");
	srv_stop(&s);
	cr_expect_eq(s.nreq, 1, "only the -Y off run reached the server");
	run_ufetch(&r, NULL, ARGS("-Y", "maybe", "http://127.0.0.1:9/"));
	expect_exit(2, "bad -Y 'maybe'");
}

Test(wget, default_timeout_is_busybox_900s_not_3s, .timeout = 20)
{
	static const struct srv_step	late[] = {
		S_READ, S_SLEEP(3500), S_SEND(OK200("6\r\n\r\nhello\n")),
		S_END
	};
	struct srv			s;

	wget_link();
	run_srv(&r, &s, late, ARGS("-qO-"), "/");
	expect_exit(0, NULL);
	expect_out("hello\n");
}

/*
 * HTTPS: verified, as ufetch always is.
 */

static const struct srv_tls	tls_ec = {
	{ "leaf-ec.der", "int.der" }, "leaf-ec.key.der", NULL, 0 };
static const struct srv_tls	tls_wrongname = {
	{ "wrongname.der", "int.der" }, "wrongname.key.der", NULL, 0 };

/* Fetch / from a TLS server with tls, with SSL_CERT_FILE the test CA. */
static void
wget_tls(const struct srv_tls *tls, const char *opt, struct srv *s)
{
	static char	env[4096 + 64];
	char		ca[4096 + 32];

	snprintf(env, sizeof env, "SSL_CERT_FILE=%s",
	    pki(ca, sizeof ca, "ca.pem"));
	cr_assert_eq(srv_start_tls(s, hello, tls), 0);
	snprintf(url, sizeof url, "https://localhost:%u/", s->port);
	if (opt != NULL) {
		run_ufetch_env(&r, NULL, ENV(env), ARGS("-qO-", opt, url));
	} else {
		run_ufetch_env(&r, NULL, ENV(env), ARGS("-qO-", url));
	}
	srv_stop(s);
}

Test(wget, https_is_verified_by_default)
{
	struct srv	s;

	wget_link();
	wget_tls(&tls_ec, NULL, &s);
	expect_exit(0, NULL);
	expect_out("hello\n");
	wget_tls(&tls_wrongname, NULL, &s);
	expect_exit(5, "localhost");
	expect_out("");
	cr_expect_eq(entries(), 1);
}

Test(wget, no_check_certificate_skips_the_checks)
{
	struct srv	s;

	wget_link();
	wget_tls(&tls_wrongname, "--no-check-certificate", &s);
	expect_exit(0, NULL);
	expect_out("hello\n");
}

/*
 * The command line itself.
 */

Test(wget, unknown_options_are_usage_errors_naming_them)
{
	wget_link();
	run_ufetch(&r, NULL, ARGS("--bogus", "http://127.0.0.1:9/"));
	expect_exit(2, "unknown option --bogus");
	run_ufetch(&r, NULL, ARGS("-Z", "http://127.0.0.1:9/"));
	expect_exit(2, "unknown option -Z");
	run_ufetch(&r, NULL, ARGS("http://127.0.0.1:9/", "-O"));
	expect_exit(2, "option -O needs a value");
	run_ufetch(&r, NULL, ARGS("-q"));
	expect_exit(2, "no URL given");
}

Test(wget, ignored_busybox_options_take_no_argument_away)
{
	struct srv	s;

	wget_link();
	/* A bare -n before the URL must not take it as its value. */
	run_srv(&r, &s, hello, ARGS("-nv", "-t", "3", "--no-cache",
	    "--no-verbose", "--tries=2", "-qO-", "-n"), "/");
	expect_exit(0, NULL);
	expect_out("hello\n");
}

Test(wget, help_shows_the_wget_usage)
{
	wget_link();
	run_ufetch(&r, NULL, ARGS("--help"));
	cr_expect_eq(r.code, 0);
	cr_expect(strncmp(r.out, "usage: wget ", 12) == 0, "%s", r.out);
}

Test(wget, other_names_keep_ufetch_options)
{
	struct srv	s;

	in_tmpdir();
	cr_assert_eq(symlink(binary(), "wgetx"), 0);
	cr_assert_not_null(getcwd(link_path, sizeof link_path - 8));
	strcat(link_path, "/wgetx");
	run_as(link_path);
	run_ufetch(&r, NULL, ARGS("-T", "5", "http://127.0.0.1:9/"));
	expect_exit(2, "unknown option -T");
	run_as(NULL);
	run_ufetch(&r, NULL, ARGS("--spider", "http://127.0.0.1:9/"));
	expect_exit(2, "unknown option --spider");
	/* ufetch's -O takes no value: it names the file after the URL. */
	run_srv(&r, &s, hello, ARGS("-O"), "/u.txt");
	expect_exit(0, NULL);
	cr_expect(file_is("u.txt", "hello\n"));
	/* and without -O, the body goes to stdout */
	run_srv(&r, &s, hello, NULL, "/v.txt");
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect_neq(access("v.txt", F_OK), 0);
}
