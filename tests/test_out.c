/*
 * test_out.c: what -o and -O write into (src/out.c): FILE.part only
 * when it is ours, one run per name, FILE's mode kept, symbolic links
 * written through only when they are to be trusted.
 *
 * The tests run as root (the suite does), so that a file can be given
 * to another user (uid 65534, nobody) as that user would plant it;
 * without root they are skipped.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "srv.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OK200(body)	"HTTP/1.1 200 OK\r\nContent-Length: " body

/* Another user, as a file planted by them is owned. */
#define OTHER_UID	65534

static struct run	r;
static char		url[256];

static const struct srv_step	ok[] = {
	S_READ, S_SEND(OK200("4\r\n\r\nbody")), S_END
};

/* Give path to OTHER_UID, or skip the test where we cannot. */
static void
give_away(const char *path)
{
	if (lchown(path, OTHER_UID, OTHER_UID) != 0) {
		cr_skip_test("cannot chown (not root?)");
	}
}

static mode_t
mode_of(const char *path)
{
	struct stat	st;

	cr_assert_eq(lstat(path, &st), 0, "%s is missing", path);
	return st.st_mode & 07777;
}

static int
is_link(const char *path)
{
	struct stat	st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static uid_t
owner_of(const char *path)
{
	struct stat	st;

	cr_assert_eq(lstat(path, &st), 0, "%s is missing", path);
	return st.st_uid;
}

static ino_t
inode_of(const char *path)
{
	struct stat	st;

	cr_assert_eq(lstat(path, &st), 0, "%s is missing", path);
	return st.st_ino;
}

/* A file of another user's under FILE.part: never written or renamed. */
static void
expect_planted_part_refused(const char *const *opts)
{
	struct srv	s;

	put_file("f", "old");
	cr_assert_eq(chmod("f", 0600), 0);
	put_file("f.part", "theirs");
	cr_assert_eq(chmod("f.part", 0666), 0);
	give_away("f.part");
	run_srv(&r, &s, ok, opts, "/");
	expect_exit(3, "refusing to write f.part: owned by uid 65534, not "
	    "by us");
	cr_expect(file_is("f.part", "theirs"), "the planted file is intact");
	cr_expect_eq(owner_of("f.part"), OTHER_UID);
	cr_expect_eq(mode_of("f.part"), 0666);
	cr_expect(file_is("f", "old"));
	cr_expect_eq(owner_of("f"), 0, "FILE is still ours");
	cr_expect_eq(mode_of("f"), 0600, "and private");
}

Test(out, part_file_of_another_user_is_refused)
{
	in_tmpdir();
	expect_planted_part_refused(ARGS("-o", "f"));
	expect_planted_part_refused(ARGS("-c", "-o", "f"));
}

/* As in /tmp, where anyone may plant a name. */
Test(out, part_file_planted_in_a_sticky_directory_is_refused)
{
	in_tmpdir();
	cr_assert_eq(chmod(".", 01777), 0);
	expect_planted_part_refused(ARGS("-o", "f"));
	expect_planted_part_refused(ARGS("-c", "-o", "f"));
}

Test(out, part_file_that_is_a_hard_link_is_refused)
{
	struct srv	s;

	in_tmpdir();
	put_file("victim", "precious");
	cr_assert_eq(link("victim", "f.part"), 0);
	run_srv(&r, &s, ok, ARGS("-o", "f"), "/");
	expect_exit(3, "refusing to write f.part: it has 2 hard links");
	cr_expect(file_is("victim", "precious"), "the linked file is intact");
	cr_expect_neq(access("f", F_OK), 0);
	run_srv(&r, &s, ok, ARGS("-c", "-o", "f"), "/");
	expect_exit(3, "it has 2 hard links");
	cr_expect(file_is("victim", "precious"));
}

/* open(2) of a FIFO blocks until a reader comes: it is never opened. */
Test(out, part_file_that_is_a_fifo_is_refused_at_once)
{
	struct srv	s;
	struct stat	st;

	in_tmpdir();
	cr_assert_eq(mkfifo("f.part", 0600), 0);
	run_srv(&r, &s, ok, ARGS("-m", "5", "-o", "f"), "/");
	expect_exit(3, "refusing to write f.part: not a regular file");
	cr_expect_lt(r.secs, slack(), "took %.2f s", r.secs);
	run_srv(&r, &s, ok, ARGS("-m", "5", "-c", "-o", "f"), "/");
	expect_exit(3, "refusing to write f.part: not a regular file");
	cr_expect_lt(r.secs, slack(), "took %.2f s", r.secs);
	cr_expect(stat("f.part", &st) == 0 && S_ISFIFO(st.st_mode));
	cr_expect_neq(access("f", F_OK), 0);
}

/* Whether path exists within 2 s (and slack() more, 4 under valgrind). */
static int
appears(const char *path)
{
	int	i;

	for (i = 0; i < 200 + 100 * slack(); i++) {
		if (access(path, F_OK) == 0) {
			return 1;
		}
		usleep(10000);
	}
	return 0;
}

/*
 * Two runs on one name (two -O of URLs with the same last segment,
 * under xargs -P): the second fails while the first writes, and FILE
 * is the first's whole body.
 */
Test(out, two_runs_on_one_name_never_mix)
{
	/* The first body is under way for as long as the second run takes. */
	struct srv_step			slow[] = {
		S_READ, S_SEND(OK200("10\r\n\r\nAAAAA")), S_SLEEP(0),
		S_SEND("AAAAA"), S_END
	};
	static const struct srv_step	fast[] = {
		S_READ, S_SEND(OK200("10\r\n\r\nBBBBBBBBBB")), S_END
	};
	struct srv	a, b;
	pid_t		pid;
	int		st;

	in_tmpdir();
	slow[2].ms = (unsigned)(1000 + 2000 * slack());
	cr_assert_eq(srv_start(&a, slow), 0);
	pid = spawn_ufetch(-1, -1, ARGS("-t", "30", "-o", "f",
	    srv_url(url, sizeof url, &a, "/")));
	cr_assert(appears("f.part"), "the first run is writing");
	run_srv(&r, &b, fast, ARGS("-o", "f"), "/");
	expect_exit(3, "another ufetch is writing f");
	run_srv(&r, &b, fast, ARGS("-c", "-o", "f"), "/");
	expect_exit(3, "another ufetch is writing f");
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %x", st);
	cr_expect(file_is("f", "AAAAAAAAAA"), "one whole body");
	cr_expect_neq(access("f.part", F_OK), 0);
	srv_stop(&a);

	/* Once the first is done, the name is free again. */
	run_srv(&r, &b, fast, ARGS("-o", "f"), "/");
	expect_exit(0, NULL);
	cr_expect(file_is("f", "BBBBBBBBBB"));
}

/*
 * A FILE.part of ours left by an earlier run is replaced by a new file
 * without -c, not written into: whoever still holds the old one open
 * sees none of the new body.
 */
Test(out, a_stale_part_file_is_made_afresh)
{
	struct srv	s;
	char		buf[16];
	ino_t		old;
	int		fd;

	in_tmpdir();
	put_file("f.part", "stale");
	cr_assert_eq(chmod("f.part", 0666), 0);
	old = inode_of("f.part");
	fd = open("f.part", O_RDONLY);
	cr_assert_geq(fd, 0);
	run_srv(&r, &s, ok, ARGS("-o", "f"), "/");
	expect_exit(0, NULL);
	cr_expect(file_is("f", "body"));
	cr_expect_neq(inode_of("f"), old, "a new file");
	cr_expect_eq(pread(fd, buf, sizeof buf, 0), 5, "the old one as it was");
	close(fd);
}

/*
 * Modes: FILE's permission bits, never wider than the old file and
 * never wider than the umask allows; 0666 less the umask for a new one.
 */
static void
expect_mode(const char *path, mode_t old, mode_t mask, mode_t want,
    const char *const *opts)
{
	struct srv	s;
	mode_t		saved;

	if (old != 0) {
		put_file(path, "old");
		cr_assert_eq(chmod(path, old), 0);
	}
	saved = umask(mask);
	run_srv(&r, &s, ok, opts, "/");
	umask(saved);
	expect_exit(0, NULL);
	cr_expect(file_is(path, "body"));
	cr_expect_eq(mode_of(path), want, "%s was %o, umask %03o: %o, want %o",
	    path, old, mask, mode_of(path), want);
}

Test(out, the_new_file_keeps_the_old_mode)
{
	in_tmpdir();
	expect_mode("token", 0600, 022, 0600, ARGS("-o", "token"));
	expect_mode("shared", 0664, 022, 0644, ARGS("-o", "shared"));
	expect_mode("run.sh", 0755, 022, 0755, ARGS("-o", "run.sh"));
	expect_mode("group", 0640, 077, 0600, ARGS("-o", "group"));
	expect_mode("new", 0, 022, 0644, ARGS("-o", "new"));
	expect_mode("new2", 0, 027, 0640, ARGS("-o", "new2"));
	expect_mode("index.html", 0600, 022, 0600, ARGS("-O"));
}

Test(out, a_resumed_part_file_gets_the_old_mode)
{
	static const struct srv_step	rest[] = {
		S_READ, S_PATTERN(10, 0), S_END
	};
	struct srv	s;
	char		head[4];
	int		i, fd;

	in_tmpdir();
	put_file("f", "old");
	cr_assert_eq(chmod("f", 0600), 0);
	for (i = 0; i < 4; i++) {
		head[i] = (char)srv_pattern((uint64_t)i);
	}
	fd = open("f.part", O_WRONLY | O_CREAT | O_EXCL, 0644);
	cr_assert_eq(write(fd, head, sizeof head), (ssize_t)sizeof head);
	close(fd);
	run_srv(&r, &s, rest, ARGS("-c", "-o", "f"), "/");
	expect_exit(0, NULL);
	cr_expect(strstr(s.last_req, "Range: bytes=4-") != NULL);
	cr_expect_eq(mode_of("f"), 0600);
}

/*
 * Symbolic links: written through, as curl and wget do, but atomically
 * (the target is replaced by a new file; the link stays).
 */
Test(out, a_symbolic_link_of_ours_is_written_through)
{
	struct srv	s;
	ino_t		old;

	in_tmpdir();
	cr_assert_eq(mkdir("d", 0700), 0);
	put_file("real", "old");
	cr_assert_eq(chmod("real", 0640), 0);
	old = inode_of("real");
	cr_assert_eq(symlink("real", "lnk"), 0);
	run_srv(&r, &s, ok, ARGS("-o", "lnk"), "/");
	expect_exit(0, NULL);
	cr_expect(file_is("real", "body"));
	cr_expect_neq(inode_of("real"), old, "replaced, not written in place");
	cr_expect_eq(mode_of("real"), 0640);
	cr_expect(is_link("lnk"), "the link stays");
	cr_expect_neq(access("real.part", F_OK), 0);
	cr_expect_neq(access("lnk.part", F_OK), 0);

	/* Relative to the link's directory, through a chain of two. */
	cr_assert_eq(symlink("../lnk", "d/up"), 0);
	run_srv(&r, &s, (struct srv_step []){ S_READ,
	    S_SEND(OK200("3\r\n\r\ntwo")), S_END }, ARGS("-o", "d/up"), "/");
	expect_exit(0, NULL);
	cr_expect(file_is("real", "two"));

	/* A link to nothing yet makes its target. */
	cr_assert_eq(symlink("made", "dangling"), 0);
	run_srv(&r, &s, ok, ARGS("-o", "dangling"), "/");
	expect_exit(0, NULL);
	cr_expect(file_is("made", "body"));
	cr_expect(is_link("dangling"));
}

/*
 * fs.protected_symlinks: a link is followed only when it is ours or
 * its directory's owner's, so that a link another user plants in /tmp
 * cannot point our download at a file of ours.
 */
Test(out, a_symbolic_link_of_another_user_is_refused)
{
	struct srv	s;

	in_tmpdir();
	cr_assert_eq(chmod(".", 01777), 0);
	put_file("mine", "precious");
	cr_assert_eq(symlink("mine", "f"), 0);
	give_away("f");
	run_srv(&r, &s, ok, ARGS("-o", "f"), "/");
	expect_exit(3, "refusing to follow the symbolic link f: owned by "
	    "uid 65534");
	cr_expect(file_is("mine", "precious"));
	cr_expect_neq(access("mine.part", F_OK), 0);
	cr_expect_eq(owner_of("f"), OTHER_UID, "the link is left alone");

	/* In a directory of that user's own, their link is followed. */
	cr_assert_eq(mkdir("theirs", 0755), 0);
	cr_assert_eq(symlink("../mine", "theirs/f"), 0);
	give_away("theirs/f");
	give_away("theirs");
	run_srv(&r, &s, ok, ARGS("-o", "theirs/f"), "/");
	expect_exit(0, NULL);
	cr_expect(file_is("mine", "body"));
}

Test(out, an_empty_output_name_is_a_usage_error)
{
	struct srv	s;

	in_tmpdir();
	run_srv(&r, &s, ok, ARGS("-o", ""), "/");
	expect_exit(2, "empty output file name");
	cr_expect_eq(s.nreq, 0, "nothing was fetched");
	cr_expect_neq(access(".part", F_OK), 0);
}
