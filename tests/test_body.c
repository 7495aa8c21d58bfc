/*
 * test_body.c: request bodies (-d, -X) and resuming (-c), the real
 * binary against scripted servers on 127.0.0.1 (and one in-process
 * TLS server for an upload over HTTPS).
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srv.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OK200(body)	"HTTP/1.1 200 OK\r\nContent-Length: " body
#define starts(s, prefix)	(strncmp((s), (prefix), strlen(prefix)) == 0)

static struct run	r;
static char		url[256], want[1024];

static const struct srv_step	ok[] = {
	S_READ, S_SEND(OK200("2\r\n\r\nok")), S_END
};

/* A file of n bytes of every value (NUL, CR, LF included); its hash. */
static uint64_t
make_file(const char *path, size_t n)
{
	static char	buf[1 << 20];
	size_t		i;
	FILE		*fp;

	cr_assert_leq(n, sizeof buf);
	for (i = 0; i < n; i++) {
		buf[i] = (char)(i * 13 + (i >> 9));
	}
	fp = fopen(path, "wb");
	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(buf, 1, n, fp), n);
	fclose(fp);
	return srv_hash(buf, n);
}

Test(body, data_is_posted_with_type_and_length)
{
	struct srv	s;

	run_srv(&r, &s, ok, ARGS("-d", "a=1&b=2"), "/form");
	expect_exit(0, NULL);
	expect_out("ok");
	snprintf(want, sizeof want, "POST /form HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%u\r\nUser-Agent: ufetch/0.1.0\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 7\r\n\r\n", s.port);
	cr_expect_str_eq(s.req, want);
	cr_expect_eq(s.body_len, 7);
	cr_expect(memcmp(s.body, "a=1&b=2", 7) == 0);
}

Test(body, header_sets_the_type_but_never_the_length)
{
	struct srv	s;

	run_srv(&r, &s, ok, ARGS("-d", "{}", "-H", "Content-Type: "
	    "application/json", "-H", "Content-Length: 1"), "/");
	expect_exit(0, NULL);
	cr_expect_not_null(strstr(s.req, "\r\nContent-Type: application/json"
	    "\r\n"), "%s", s.req);
	cr_expect_null(strstr(s.req, "x-www-form-urlencoded"));
	cr_expect_not_null(strstr(s.req, "\r\nContent-Length: 2\r\n"));
	cr_expect_null(strstr(s.req, "Content-Length: 1"));
	cr_expect_eq(s.body_len, 2);
}

Test(body, a_binary_file_is_sent_byte_exact)
{
	struct srv	s;
	uint64_t	h;

	in_tmpdir();
	h = make_file("up", 1 << 20);
	run_srv(&r, &s, ok, ARGS("-d", "@up"), "/");
	expect_exit(0, NULL);
	cr_expect_not_null(strstr(s.req, "\r\nContent-Length: 1048576\r\n"));
	cr_expect_eq(s.body_len, 1 << 20);
	cr_expect_eq(s.body_hash, h);
}

Test(body, standard_input_from_a_pipe_is_spooled_and_sent)
{
	struct srv	s;

	cr_assert_eq(srv_start(&s, ok), 0);
	run_ufetch(&r, "piped\0body", ARGS("-d", "@-",
	    srv_url(url, sizeof url, &s, "/")));
	srv_stop(&s);
	expect_exit(0, NULL);
	cr_expect_not_null(strstr(s.req, "\r\nContent-Length: 5\r\n"), "%s",
	    s.req);
	cr_expect(memcmp(s.body, "piped", 5) == 0);
}

Test(body, method_from_X_with_and_without_a_body)
{
	struct srv	s;

	run_srv(&r, &s, ok, ARGS("-X", "DELETE"), "/x");
	expect_exit(0, NULL);
	cr_expect(starts(s.req, "DELETE /x HTTP/1.1\r\n"), "%s", s.req);
	cr_expect_null(strstr(s.req, "Content-"));
	run_srv(&r, &s, ok, ARGS("-X", "PUT", "-d", "v"), "/x");
	cr_expect(starts(s.req, "PUT /x HTTP/1.1\r\n"), "%s", s.req);
	cr_expect_eq(s.body_len, 1);
}

Test(body, bad_uses_are_usage_errors_before_anything_is_sent)
{
	struct srv	s;

	cr_assert_eq(srv_start(&s, ok), 0);
	srv_url(url, sizeof url, &s, "/");
	run_ufetch(&r, NULL, ARGS("-d", "@/nonexistent/file", url));
	expect_exit(2, "cannot read /nonexistent/file");
	run_ufetch(&r, NULL, ARGS("-d", "@/tmp", url));
	expect_exit(2, "Is a directory");
	run_ufetch(&r, NULL, ARGS("-X", "GET /x", url));
	expect_exit(2, "bad method");
	run_ufetch(&r, NULL, ARGS("-I", "-d", "x", url));
	expect_exit(2, "-I cannot be used with -d or -X");
	run_ufetch(&r, "", ARGS("-d", "@-", "-"));
	expect_exit(2, "both want standard input");
	run_ufetch(&r, NULL, ARGS("-c", url));
	expect_exit(2, "-c needs -o FILE or -O");
	srv_stop(&s);
	cr_expect_eq(s.nreq, 0);
}

/* A server that never reads the body: sending it times out at T. */
Test(body, a_server_that_stops_reading_times_out_at_T)
{
	static const struct srv_step	stall[] = {
		S_READ1, S_SLEEP(3000), S_END
	};
	struct srv			s;
	char				path[64];
	int				fd;

	in_tmpdir();
	/* Sparse: big enough to fill any socket buffer, no disk used. */
	snprintf(path, sizeof path, "big");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 256 << 20), 0);
	close(fd);
	run_srv(&r, &s, stall, ARGS("-t", "0.3", "-d", "@big"), "/");
	expect_exit(9, "sending the body");
	cr_expect_lt(r.secs, 2.5);
}

Test(body, an_upload_over_tls_arrives_whole)
{
	static const struct srv_tls	tls = {
		{ "leaf-ec.der", "int.der" }, "leaf-ec.key.der", NULL, 0 };
	struct srv	s;
	char		ca[4096 + 64];
	uint64_t	h;

	pki(ca, sizeof ca, "ca.pem");	/* before leaving the source tree */
	cr_assert_eq(srv_start_tls(&s, ok, &tls), 0);
	in_tmpdir();
	h = make_file("up", 1 << 20);
	snprintf(url, sizeof url, "https://localhost:%u/up", s.port);
	run_ufetch(&r, NULL, ARGS("--cacert", ca, "-d", "@up", url));
	srv_stop(&s);
	expect_exit(0, NULL);
	expect_out("ok");
	cr_expect_eq(s.body_len, 1 << 20);
	cr_expect_eq(s.body_hash, h);
}

/*
 * Resuming with -c.
 */

/* Does the file at path hold the first n bytes of srv_pattern()? */
static int
is_pattern(const char *path, uint64_t n)
{
	static unsigned char	buf[1 << 20];
	struct stat		st;
	uint64_t		i = 0;
	ssize_t			m, k;
	int			fd;

	if (stat(path, &st) != 0 || (uint64_t)st.st_size != n) {
		return 0;
	}
	fd = open(path, O_RDONLY);
	while ((m = read(fd, buf, sizeof buf)) > 0) {
		for (k = 0; k < m; k++, i++) {
			if (buf[k] != srv_pattern(i)) {
				close(fd);
				return 0;
			}
		}
	}
	close(fd);
	return i == n;
}

Test(resume, an_interrupted_download_is_continued_byte_exact)
{
	static const struct srv_step	cut[] = {
		S_READ, S_PATTERN(3 << 20, 1000000), S_END
	};
	static const struct srv_step	all[] = {
		S_READ, S_PATTERN(3 << 20, 0), S_END
	};
	struct srv			s;

	in_tmpdir();
	run_srv(&r, &s, cut, ARGS("-o", "f"), "/");
	expect_exit(4, "connection closed after 1000000 of 3145728");
	cr_expect_neq(access("f", F_OK), 0);
	cr_expect(is_pattern("f.part", 1000000));
	run_srv(&r, &s, all, ARGS("-c", "-o", "f"), "/");
	expect_exit(0, NULL);
	cr_expect_not_null(strstr(s.req, "\r\nRange: bytes=1000000-\r\n"),
	    "%s", s.req);
	cr_expect(is_pattern("f", 3 << 20));
	cr_expect_neq(access("f.part", F_OK), 0);
}

Test(resume, a_resumed_download_cut_again_keeps_growing)
{
	static const struct srv_step	cut[] = {
		S_READ, S_PATTERN(3 << 20, 1000000), S_END
	};
	struct srv			s;

	in_tmpdir();
	run_srv(&r, &s, cut, ARGS("-O"), "/file.bin");
	expect_exit(4, "connection closed after 1000000 of 3145728");
	run_srv(&r, &s, cut, ARGS("-c", "-O"), "/file.bin");
	expect_exit(4, "connection closed after 1000000 of 2145728");
	cr_expect(is_pattern("file.bin.part", 2000000));
	cr_expect_neq(access("file.bin", F_OK), 0);
}

Test(resume, a_complete_part_file_gets_416_and_is_renamed)
{
	static const struct srv_step	all[] = {
		S_READ, S_PATTERN(5000, 0), S_END
	};
	struct srv			s;

	in_tmpdir();
	run_srv(&r, &s, all, ARGS("-o", "f"), "/");
	expect_exit(0, NULL);
	cr_assert_eq(rename("f", "f.part"), 0);
	run_srv(&r, &s, all, ARGS("-c", "-o", "f"), "/");
	expect_exit(0, NULL);
	cr_expect_not_null(strstr(s.req, "\r\nRange: bytes=5000-\r\n"));
	cr_expect(is_pattern("f", 5000));
	cr_expect_neq(access("f.part", F_OK), 0);
}

Test(resume, a_server_ignoring_the_range_restarts_from_zero)
{
	static const struct srv_step	whole[] = {
		S_READ, S_SEND(OK200("5\r\n\r\nhello")), S_END
	};
	struct srv			s;

	in_tmpdir();
	put_file("f.part", "stale bytes that are longer");
	run_srv(&r, &s, whole, ARGS("-c", "-o", "f"), "/");
	expect_exit(0, NULL);
	cr_expect(file_is("f", "hello"));
	cr_expect_neq(access("f.part", F_OK), 0);
}

Test(resume, a_range_that_does_not_match_is_refused)
{
	static const struct srv_step	wrong[] = {
		S_READ, S_SEND("HTTP/1.1 206 Partial Content\r\nContent-Range: "
		    "bytes 0-4/5\r\nContent-Length: 5\r\n\r\nhello"), S_END
	};
	static const struct srv_step	small[] = {
		S_READ, S_PATTERN(10, 0), S_END
	};
	struct srv			s;

	in_tmpdir();
	put_file("f.part", "abc");
	run_srv(&r, &s, wrong, ARGS("-c", "-o", "f"), "/");
	expect_exit(7, "cannot resume");
	cr_expect(file_is("f.part", "abc"), "kept as it was");
	cr_expect_neq(access("f", F_OK), 0);
	put_file("f.part", "longer than ten bytes");
	run_srv(&r, &s, small, ARGS("-c", "-o", "f"), "/");
	expect_exit(7, "the server has 10 bytes");
	cr_expect(file_is("f.part", "longer than ten bytes"));
}

/* A .part of the first n bytes of srv_pattern(). */
static void
put_pattern(const char *path, uint64_t n)
{
	unsigned char	buf[4096];
	uint64_t	i;
	int		fd;

	cr_assert_leq(n, sizeof buf);
	for (i = 0; i < n; i++) {
		buf[i] = srv_pattern(i);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_eq(write(fd, buf, n), (ssize_t)n);
	close(fd);
}

/*
 * A 206 must be the rest we asked for, and its body exactly its range:
 * longer (issue 12: 100-199/200 with 150 bytes made a 250-byte file),
 * shorter, or a range that stops before the end is exit 7 with the
 * .part as it was. Without Content-Length that is known only as the
 * body comes: not a byte past the range is written, and what came is
 * taken back out.
 */
Test(resume, a_206_that_is_not_its_range_is_refused)
{
#define R206(range, framing)	"HTTP/1.1 206 Partial Content\r\n" \
	"Content-Range: bytes " range "\r\n" framing "\r\n"
	static char	body[300];
	static const struct {
		const char	*head;
		size_t		len;	/* body bytes sent */
		const char	*msg;
		uint64_t	part;	/* the .part's length after */
	} rows[] = {
		{ R206("100-199/200", "Content-Length: 150\r\n"), 150,
		    "the 206 has 150 body bytes for its Content-Range "
		    "bytes 100-199", 100 },
		{ R206("100-199/200", "Content-Length: 50\r\n"), 50,
		    "the 206 has 50 body bytes", 100 },
		{ R206("100-149/200", "Content-Length: 50\r\n"), 50,
		    "the 206 stops at byte 149 of 200", 100 },
		{ R206("100-199/*", "Content-Length: 150\r\n"), 150,
		    "the 206 has 150 body bytes", 100 },
		{ R206("100-199/200", "Transfer-Encoding: chunked\r\n"), 150,
		    "the 206 sends more than its Content-Range bytes "
		    "100-199", 100 },
		{ R206("100-199/200", ""), 150,
		    "the 206 sends more than its Content-Range", 100 },
	};
	/* The body in two sends, so that the excess comes in a later
	 * read than bytes already written. */
	struct srv_step	steps[] = {
		S_READ, S_SEND(""), S_SENDN(body, 0), S_SLEEP(50),
		S_SENDN(body, 0), S_END
	};
	char		one[200], two[200];
	struct srv	s;
	size_t		i, n, cut;

	for (i = 0; i < sizeof body; i++) {
		body[i] = (char)srv_pattern(100 + i);
	}
	in_tmpdir();
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		put_pattern("f.part", 100);
		cut = rows[i].len < 80 ? rows[i].len : 80;
		steps[1].data = rows[i].head;
		steps[1].len = strlen(rows[i].head);
		steps[2].data = body;
		steps[2].len = cut;
		steps[4].data = body + cut;
		steps[4].len = rows[i].len - cut;
		if (strstr(rows[i].head, "chunked") != NULL) {
			n = (size_t)snprintf(one, sizeof one, "%zx\r\n", cut);
			memcpy(one + n, body, cut);
			steps[2].data = one;
			steps[2].len = n + cut;
			n = (size_t)snprintf(two, sizeof two, "\r\n%zx\r\n",
			    rows[i].len - cut);
			memcpy(two + n, body + cut, rows[i].len - cut);
			n += rows[i].len - cut;
			n += (size_t)snprintf(two + n, sizeof two - n,
			    "\r\n0\r\n\r\n");
			steps[4].data = two;
			steps[4].len = n;
		}
		run_srv(&r, &s, steps, ARGS("-c", "-o", "f"), "/");
		expect_exit(7, rows[i].msg);
		cr_expect(is_pattern("f.part", rows[i].part), "row %zu: the "
		    ".part as it was", i);
		cr_expect_neq(access("f", F_OK), 0);
	}
#undef R206
}

/* A close-framed 206 cut before its range ends is a cut: -c again. */
Test(resume, a_206_cut_short_is_a_network_error)
{
	static char	head[] = "HTTP/1.1 206 Partial Content\r\n"
	    "Content-Range: bytes 100-199/200\r\n\r\n";
	static char	body[50];
	struct srv_step	steps[] = {
		S_READ, S_SEND(head), S_SENDN(body, sizeof body), S_END
	};
	struct srv	s;
	size_t		i;

	for (i = 0; i < sizeof body; i++) {
		body[i] = (char)srv_pattern(100 + i);
	}
	in_tmpdir();
	put_pattern("f.part", 100);
	run_srv(&r, &s, steps, ARGS("-c", "-o", "f"), "/");
	expect_exit(4, "the 206 ended 50 bytes short of its Content-Range");
	cr_expect(is_pattern("f.part", 150), "kept for -c");
	cr_expect_neq(access("f", F_OK), 0);
}

Test(resume, an_http_error_keeps_the_part_file)
{
	static const struct srv_step	busy[] = {
		S_READ, S_SEND("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"),
		S_END
	};
	struct srv			s;

	in_tmpdir();
	put_file("f.part", "abc");
	run_srv(&r, &s, busy, ARGS("-c", "-o", "f"), "/");
	expect_exit(8, "HTTP Error 503: Busy");
	cr_expect(file_is("f.part", "abc"));
}

Test(resume, without_a_part_file_the_whole_body_is_fetched)
{
	struct srv	s;

	in_tmpdir();
	run_srv(&r, &s, ok, ARGS("-c", "-o", "f"), "/");
	expect_exit(0, NULL);
	cr_expect_null(strstr(s.req, "Range"));
	cr_expect(file_is("f", "ok"));
}
