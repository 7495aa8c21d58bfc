/*
 * test_small.c: what a small system lacks, against the real binary and
 * an in-process TLS server on 127.0.0.1: no /etc/ssl at all, no
 * /dev/urandom, a clock stuck in 1970.
 *
 * The first two run in a child process with a private mount namespace
 * (root only; skipped with the reason otherwise); the clock uses
 * libfaketime, so it needs the dynamic binary and the faketime package
 * (skipped with the reason otherwise).
 */
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srv.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define ENV(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OK200(body)	"HTTP/1.1 200 OK\r\nContent-Length: " body

static struct run	r;
static struct srv	s;
static char		url[256], ca[4096 + 64], var[4096 + 80];

static const struct srv_tls	tls_ec = {
	{ "leaf-ec.der", "int.der" }, "leaf-ec.key.der", NULL, 0 };
static const struct srv_step	hello[] = {
	S_READ, S_SEND(OK200("6\r\n\r\nhello\n")), S_END
};

static void
start(void)
{
	(void)binary();
	pki(ca, sizeof ca, "ca.pem");
	cr_assert_eq(srv_start_tls(&s, hello, &tls_ec), 0);
	snprintf(url, sizeof url, "https://localhost:%u/", s.port);
}

/* A private mount namespace in which dir is an empty tmpfs. */
static int
hide_dir(const char *dir)
{
	struct stat	st;

	if (stat(dir, &st) != 0) {
		return 0;	/* already not there */
	}
	return mount("none", dir, "tmpfs", 0, "size=64k");
}

static int
private_mounts(void)
{
	return unshare(CLONE_NEWNS) != 0
	    || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ? -1 : 0;
}

/* Wait for the child; 77 means it could not set its namespace up. */
static void
expect_child(pid_t pid)
{
	int	st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	srv_stop(&s);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		cr_skip_test("no permission for a mount namespace");
	}
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %x", st);
}

Test(small, no_etc_ssl_names_cacert_and_cacert_still_works)
{
	pid_t	pid;

	start();
	pid = fork();
	cr_assert_geq(pid, 0, "fork failed");
	if (pid == 0) {
		if (private_mounts() != 0 || hide_dir("/etc/ssl") != 0
		    || hide_dir("/etc/pki") != 0) {
			_exit(77);
		}
		run_ufetch(&r, NULL, ARGS(url));
		if (r.code != 5 || strstr(r.err, "no CA certificates found "
		    "in the usual places") == NULL || strstr(r.err,
		    "give some with --cacert FILE or SSL_CERT_FILE") == NULL) {
			fprintf(stderr, "exit %d: %s", r.code, r.err);
			_exit(1);
		}
		run_ufetch(&r, NULL, ARGS("--cacert", ca, url));
		if (r.code != 0 || strcmp(r.out, "hello\n") != 0) {
			fprintf(stderr, "with --cacert: exit %d: %s", r.code,
			    r.err);
			_exit(2);
		}
		snprintf(var, sizeof var, "SSL_CERT_FILE=%s", ca);
		run_ufetch_env(&r, NULL, ENV(var), ARGS(url));
		_exit(r.code == 0 ? 0 : 3);
	}
	expect_child(pid);
}

/*
 * No /dev/urandom (a /dev that holds only null): getrandom(2) seeds
 * BearSSL. /dev/null is made again (1, 3) for the runner and valgrind.
 */
Test(small, no_dev_urandom_is_fine)
{
	pid_t	pid;

	start();
	pid = fork();
	cr_assert_geq(pid, 0, "fork failed");
	if (pid == 0) {
		if (private_mounts() != 0 || hide_dir("/dev") != 0
		    || mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3))
		    != 0) {
			_exit(77);
		}
		if (access("/dev/urandom", F_OK) == 0) {
			_exit(4);
		}
		run_ufetch(&r, NULL, ARGS("--cacert", ca, url));
		if (r.code != 0 || strcmp(r.out, "hello\n") != 0) {
			fprintf(stderr, "exit %d: %s", r.code, r.err);
			_exit(1);
		}
		_exit(0);
	}
	expect_child(pid);
}

/* Where Debian's faketime package puts the library. */
#define FAKETIME_LIB	"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

Test(small, a_clock_in_1970_is_called_wrong)
{
	start();
	if (access(FAKETIME_LIB, R_OK) != 0) {
		srv_stop(&s);
		cr_skip_test("no %s (Debian package faketime)", FAKETIME_LIB);
	}
	/* ASan (make check SANITIZE=1) wants to be loaded first. */
	run_ufetch_env(&r, NULL, ENV("LD_PRELOAD=" FAKETIME_LIB,
	    "FAKETIME=@1970-01-02 00:00:00", "DONT_FAKE_MONOTONIC=1",
	    "ASAN_OPTIONS=verify_asan_link_order=0"),
	    ARGS("--cacert", ca, url));
	srv_stop(&s);
	if (r.code == 0) {
		cr_skip_test("the binary does not take LD_PRELOAD (static?)");
	}
	expect_exit(5, "the system clock looks wrong (1970-01-02, before "
	    "this ufetch was made): certificate '");
	cr_expect_not_null(strstr(r.err, "' is not yet valid (notBefore "),
	    "%s", r.err);
	cr_expect_not_null(strstr(r.err, "set the clock (NTP, date) and "
	    "try again"), "%s", r.err);
}
