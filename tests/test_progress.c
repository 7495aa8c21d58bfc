/*
 * test_progress.c: the progress line, with the real binary's stderr on
 * a pseudo-terminal (raw, so that what it writes arrives unchanged)
 * and stdout on a pipe, against scripted servers on 127.0.0.1.
 */
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "srv.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })

#define HEAD20	"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n"
#define BODY20	"0123456789abcdefghij"

/* 20 bytes a byte at a time: slow enough for a progress line to be due. */
static const struct srv_step	drip20[] = {
	S_READ, S_SEND(HEAD20), S_DRIP(BODY20, 20), S_END
};

/* What one run left: exit status, stdout, and all the terminal got. */
struct prun {
	int	code;
	char	out[4096];
	size_t	out_len;
	char	tty[16384];
	size_t	tty_len;
};

static struct prun	pr;
static char		url[256], url2[256];

/* Read what fd has into buf (cap), at *len; 0 at its end. */
static int
slurp(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t	n;

	n = read(fd, buf + *len, cap - 1 - *len);
	if (n < 0 && errno == EINTR) {
		return 1;
	}
	if (n <= 0) {
		return 0;	/* EIO: the terminal's last user left */
	}
	*len += (size_t)n;
	buf[*len] = '\0';
	return *len < cap - 1;
}

/*
 * Run the binary with stderr on a new pseudo-terminal, stdout on a
 * pipe (or on the terminal too with body_to_tty), and wait for it.
 */
/*
 * run_pty() on a terminal of cols columns (0: the size unknown); after
 * resize_ms, the terminal becomes new_cols wide and the binary gets
 * the SIGWINCH the kernel sends a terminal's foreground group.
 */
static void
run_pty_sized(struct prun *p, int body_to_tty, unsigned short cols,
    int resize_ms, unsigned short new_cols, const char *const *args)
{
	struct winsize	ws = { 24, cols, 0, 0 };
	struct termios	t;
	struct pollfd	pfd[2];
	int		m, s, po[2], st, rc, open_fds = 2;
	double		resize_at = now_secs() + resize_ms / 1000.0;
	pid_t		pid;

	memset(p, 0, sizeof *p);
	cr_assert_eq(openpty(&m, &s, NULL, NULL, &ws), 0);
	cr_assert_eq(tcgetattr(s, &t), 0);
	cfmakeraw(&t);
	cr_assert_eq(tcsetattr(s, TCSANOW, &t), 0);
	(void)fcntl(m, F_SETFD, FD_CLOEXEC);
	(void)fcntl(s, F_SETFD, FD_CLOEXEC);
	cr_assert_eq(pipe2(po, O_CLOEXEC), 0);
	pid = spawn_ufetch(body_to_tty ? s : po[1], s, args);
	cr_assert_gt(pid, 0);
	close(po[1]);
	close(s);
	pfd[0].fd = po[0];
	pfd[1].fd = m;
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		rc = poll(pfd, 2, resize_ms > 0 ? 10 : 10000);
		if (rc < 0 || (rc == 0 && resize_ms == 0)) {
			break;
		}
		if (resize_ms > 0 && now_secs() >= resize_at) {
			ws.ws_col = new_cols;
			cr_assert_eq(ioctl(m, TIOCSWINSZ, &ws), 0);
			kill(pid, SIGWINCH);
			resize_ms = 0;
		}
		if (pfd[0].revents && !slurp(po[0], p->out, sizeof p->out,
		    &p->out_len)) {
			pfd[0].fd = -1;
			open_fds--;
		}
		if (pfd[1].revents && !slurp(m, p->tty, sizeof p->tty,
		    &p->tty_len)) {
			pfd[1].fd = -1;
			open_fds--;
		}
	}
	close(po[0]);
	close(m);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	p->code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
run_pty(struct prun *p, int body_to_tty, const char *const *args)
{
	run_pty_sized(p, body_to_tty, 0, 0, 0, args);
}

static void
start(struct srv *s, const struct srv_step *steps)
{
	cr_assert_eq(srv_start(s, steps), 0);
	srv_url(url, sizeof url, s, "/");
}

static size_t
count(const char *s, const char *what)
{
	size_t	n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s++;
	}
	return n;
}

/* No line drawn between '\r's and '\n's is wider than 79 columns. */
static void
expect_narrow(const char *s)
{
	size_t	w;

	while (*s != '\0') {
		w = strcspn(s, "\r\n");
		cr_expect_leq(w, 79, "line of %zu columns in \"%s\"", w, s);
		s += w + (s[w] != '\0');
	}
}

Test(progress, known_length_redraws_and_ends_with_newline)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(HEAD20), S_DRIP(BODY20, 30), S_END
	};
	struct srv	s;

	start(&s, steps);
	run_pty(&pr, 0, ARGS(url));
	srv_stop(&s);
	cr_expect_eq(pr.code, 0, "exit %d; tty: %s", pr.code, pr.tty);
	cr_expect(pr.out_len == 20 && memcmp(pr.out, BODY20, 20) == 0,
	    "stdout \"%s\"", pr.out);
	/* 0.6 s of body: redraws with an ETA, then the final line. */
	cr_expect_geq(count(pr.tty, "\r"), 2, "tty: \"%s\"", pr.tty);
	cr_expect_geq(count(pr.tty, "ETA "), 1, "tty: \"%s\"", pr.tty);
	cr_expect(strstr(pr.tty, "\r100% 20 B of 20 B  ") != NULL,
	    "tty: \"%s\"", pr.tty);
	cr_expect(strstr(pr.tty, "B/s  in 0:0") != NULL, "tty: \"%s\"",
	    pr.tty);
	cr_expect(pr.tty_len > 0 && pr.tty[pr.tty_len - 1] == '\n',
	    "tty: \"%s\"", pr.tty);
	cr_expect_eq(count(pr.tty, "\n"), 1, "tty: \"%s\"", pr.tty);
	expect_narrow(pr.tty);
}

Test(progress, quiet_and_silent_draw_nothing)
{
	struct srv	s;

	start(&s, drip20);
	run_pty(&pr, 0, ARGS("-q", url));
	cr_expect_eq(pr.code, 0);
	cr_expect_eq(pr.out_len, 20);
	cr_expect_eq(pr.tty_len, 0, "-q: tty \"%s\"", pr.tty);
	run_pty(&pr, 0, ARGS("--silent", url));
	cr_expect_eq(pr.code, 0);
	cr_expect_eq(pr.out_len, 20);
	cr_expect_eq(pr.tty_len, 0, "-s: tty \"%s\"", pr.tty);
	srv_stop(&s);
}

Test(progress, not_on_a_pipe)
{
	static struct run	r;
	struct srv		s;

	run_srv(&r, &s, drip20, NULL, "/");
	expect_exit(0, NULL);
	expect_out(BODY20);
}

Test(progress, not_when_the_body_goes_to_the_terminal)
{
	struct srv	s;

	start(&s, drip20);
	run_pty(&pr, 1, ARGS(url));
	srv_stop(&s);
	cr_expect_eq(pr.code, 0);
	cr_expect_str_eq(pr.tty, BODY20);
}

Test(progress, not_for_head_or_verbose)
{
	struct srv	s;

	start(&s, drip20);
	run_pty(&pr, 0, ARGS("-v", url));
	cr_expect_eq(pr.code, 0);
	cr_expect_eq(pr.out_len, 20);
	cr_expect(strstr(pr.tty, "< HTTP/1.1 200 OK") != NULL, "-v: \"%s\"",
	    pr.tty);
	cr_expect(strchr(pr.tty, '\r') == NULL && strstr(pr.tty, "B/s")
	    == NULL, "-v: \"%s\"", pr.tty);
	run_pty(&pr, 0, ARGS("-I", url));
	cr_expect_eq(pr.code, 0);
	cr_expect_eq(pr.tty_len, 0, "-I: \"%s\"", pr.tty);
	srv_stop(&s);
}

Test(progress, no_body_no_line)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 204 No Content\r\n\r\n"), S_END
	};
	struct srv	s;

	start(&s, steps);
	run_pty(&pr, 0, ARGS(url));
	srv_stop(&s);
	cr_expect_eq(pr.code, 0);
	cr_expect_eq(pr.tty_len, 0, "tty \"%s\"", pr.tty);
}

/* Bytes and a rate, but no percentage and no ETA. */
static void
expect_unknown_length(void)
{
	cr_expect_eq(pr.code, 0, "exit %d; tty: %s", pr.code, pr.tty);
	cr_expect(pr.out_len == 20 && memcmp(pr.out, BODY20, 20) == 0,
	    "stdout \"%s\"", pr.out);
	cr_expect_geq(count(pr.tty, "\r"), 2, "tty: \"%s\"", pr.tty);
	cr_expect(strstr(pr.tty, "\r20 B  ") != NULL, "tty: \"%s\"", pr.tty);
	cr_expect(strchr(pr.tty, '%') == NULL && strstr(pr.tty, "ETA")
	    == NULL, "tty: \"%s\"", pr.tty);
	cr_expect(pr.tty_len > 0 && pr.tty[pr.tty_len - 1] == '\n',
	    "tty: \"%s\"", pr.tty);
}

Test(progress, chunked_shows_bytes_without_percentage)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nTransfer-Encoding: "
		    "chunked\r\n\r\n14\r\n"), S_DRIP(BODY20, 30),
		S_SEND("\r\n0\r\n\r\n"), S_END
	};
	struct srv	s;

	start(&s, steps);
	run_pty(&pr, 0, ARGS(url));
	srv_stop(&s);
	expect_unknown_length();
}

Test(progress, close_delimited_shows_bytes_without_percentage)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"),
		S_DRIP(BODY20, 30), S_END
	};
	struct srv	s;

	start(&s, steps);
	run_pty(&pr, 0, ARGS(url));
	srv_stop(&s);
	expect_unknown_length();
}

Test(progress, error_mid_body_starts_on_its_own_line)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nContent-Length: 100"
		    "\r\n\r\n"),
		S_DRIP(BODY20, 30), S_RESET, S_END
	};
	struct srv	s;
	const char	*msg;

	start(&s, steps);
	run_pty(&pr, 0, ARGS(url));
	srv_stop(&s);
	cr_expect_eq(pr.code, 4, "exit %d; tty: %s", pr.code, pr.tty);
	cr_expect(strstr(pr.tty, " 20% 20 B of 100 B  ") != NULL,
	    "tty: \"%s\"", pr.tty);
	msg = strstr(pr.tty, "ufetch: ");
	cr_assert(msg != NULL, "tty: \"%s\"", pr.tty);
	cr_expect(msg > pr.tty && msg[-1] == '\n', "tty: \"%s\"", pr.tty);
	cr_expect(strchr(msg, '\r') == NULL, "tty: \"%s\"", pr.tty);
	cr_expect_eq(pr.tty[pr.tty_len - 1], '\n', "tty: \"%s\"", pr.tty);
}

Test(progress, one_line_per_url_into_one_file)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND(HEAD20), S_DRIP(BODY20, 15), S_END
	};
	struct srv	s;
	char		buf[64];
	FILE		*f;
	size_t		n;

	in_tmpdir();
	start(&s, steps);
	srv_url(url2, sizeof url2, &s, "/2");
	run_pty(&pr, 0, ARGS("-o", "f", url, url2));
	srv_stop(&s);
	cr_expect_eq(pr.code, 0, "exit %d; tty: %s", pr.code, pr.tty);
	/* Each URL counts from zero, though the file holds both. */
	cr_expect_eq(count(pr.tty, "\r100% 20 B of 20 B  "), 2, "tty: \"%s\"",
	    pr.tty);
	cr_expect_eq(count(pr.tty, "\n"), 2, "tty: \"%s\"", pr.tty);
	f = fopen("f", "r");
	cr_assert(f != NULL);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	cr_expect(n == 40 && memcmp(buf, BODY20 BODY20, 40) == 0);
}

/* A resumed body counts from the bytes already in the .part file. */
Test(progress, a_resumed_body_counts_from_what_was_there)
{
	static const struct srv_step	steps[] = {
		S_READ, S_PATTERN(100, 0), S_END
	};
	struct srv	s;

	in_tmpdir();
	put_file("f.part", "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789");
	start(&s, steps);
	run_pty(&pr, 0, ARGS("-c", "-o", "f", url));
	srv_stop(&s);
	cr_expect_eq(pr.code, 0, "exit %d; tty: %s", pr.code, pr.tty);
	cr_expect_not_null(strstr(s.req, "Range: bytes=80-"));
	cr_expect(strstr(pr.tty, "\r100% 100 B of 100 B  ") != NULL,
	    "tty: \"%s\"", pr.tty);
}

/* The widest line drawn between '\r's and '\n's. */
static size_t
widest(const char *s)
{
	size_t	w, max = 0;

	while (*s != '\0') {
		w = strcspn(s, "\r\n");
		max = w > max ? w : max;
		s += w + (s[w] != '\0');
	}
	return max;
}

/*
 * In a 30-column pane a line of 47 columns wrapped, and every redraw
 * scrolled: the line keeps to 29 columns, the fields that fit.
 */
/* 3 MB in three parts 0.3 s apart: lines of 46 columns. */
static const struct srv_step	mb3[] = {
	S_READ, S_SEND("HTTP/1.1 200 OK\r\nContent-Length: 3000000\r\n\r\n"),
	S_FILL(1000000), S_SLEEP(300), S_FILL(1000000), S_SLEEP(300),
	S_FILL(1000000), S_END
};

Test(progress, fits_a_narrow_terminal)
{
	struct srv	s;

	start(&s, mb3);
	run_pty_sized(&pr, 0, 30, 0, 0, ARGS("-o", "/dev/null", url));
	srv_stop(&s);
	cr_expect_eq(pr.code, 0, "exit %d; tty: %s", pr.code, pr.tty);
	cr_expect_geq(count(pr.tty, "\r"), 2, "tty: \"%s\"", pr.tty);
	cr_expect_leq(widest(pr.tty), 29, "tty: \"%s\"", pr.tty);
	/* Whole fields: the byte counts, not a cut rate. */
	cr_expect(strstr(pr.tty, "\r100% 2.8 MiB of 2.8 MiB\n") != NULL,
	    "tty: \"%s\"", pr.tty);
}

/*
 * A pane resized while the body arrives: after SIGWINCH every line
 * keeps to the new width, the final one included.
 */
Test(progress, follows_a_resize)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SEND("HTTP/1.1 200 OK\r\nContent-Length: 6000000"
		    "\r\n\r\n"), S_FILL(1000000), S_SLEEP(300),
		S_FILL(1000000), S_SLEEP(300), S_FILL(1000000), S_SLEEP(300),
		S_FILL(1000000), S_SLEEP(300), S_FILL(1000000), S_SLEEP(300),
		S_FILL(1000000), S_END
	};
	struct srv	s;
	const char	*p;
	size_t		w;
	int		wide = 0, narrow = 0;

	if (getenv("UFETCH_SLOW") != NULL) {
		cr_skip_test("timing-only: under valgrind start-up outlasts "
		    "the resize at 0.8 s");
	}
	start(&s, steps);
	run_pty_sized(&pr, 0, 80, 800, 30, ARGS("-o", "/dev/null", url));
	srv_stop(&s);
	cr_expect_eq(pr.code, 0, "exit %d; tty: %s", pr.code, pr.tty);
	for (p = pr.tty; *p != '\0'; p += w + (p[w] != '\0')) {
		w = strcspn(p, "\r\n");
		if (w == 0) {
			continue;
		}
		cr_expect(w <= 29 || narrow == 0, "a wide line after a narrow "
		    "one: \"%s\"", pr.tty);
		wide += w > 40;
		narrow += w <= 29;
	}
	cr_expect_gt(wide, 0, "tty: \"%s\"", pr.tty);
	cr_expect_geq(narrow, 2, "tty: \"%s\"", pr.tty);
	cr_expect(strstr(pr.tty, "\r100% 5.7 MiB of 5.7 MiB\n") != NULL,
	    "tty: \"%s\"", pr.tty);
}

/*
 * -P: one line for the run: URLs done of those started ("+" while the
 * list goes on), then bytes.
 */
Test(progress, parallel_draws_one_line_for_the_run)
{
	static const struct srv_step	steps[] = {
		S_READ, S_SLEEP(300), S_SEND(HEAD20 BODY20), S_END
	};
	struct srv	s;

	start(&s, steps);
	srv_url(url2, sizeof url2, &s, "/2");
	run_pty(&pr, 0, ARGS("-P", "2", url, url2, url));
	srv_stop(&s);
	cr_expect_eq(pr.code, 0, "exit %d; tty: %s", pr.code, pr.tty);
	cr_expect_eq(pr.out_len, 60);
	cr_expect(strstr(pr.tty, "\r1/2+ URLs  20 B  ") != NULL, "tty: \"%s\"",
	    pr.tty);
	cr_expect(strstr(pr.tty, "\r3/3 URLs  60 B  ") != NULL, "tty: \"%s\"",
	    pr.tty);
	cr_expect(strstr(pr.tty, "B/s  in 0:0") != NULL, "tty: \"%s\"",
	    pr.tty);
	cr_expect_eq(count(pr.tty, "\n"), 1, "tty: \"%s\"", pr.tty);
	expect_narrow(pr.tty);
}
