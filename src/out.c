/*
 * out.c: standard output, or a file made atomically (see out.h).
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "out.h"
#include "progress.h"

/* see out.h */
enum uf_err
uf_out_init(struct uf_out *o, const char *path)
{
	o->fd = -1;
	o->written = 0;
	o->resumed = 0;
	o->prog = NULL;
	o->direct = 0;
	o->in_place = UF_IN_PLACE_NO;
	o->has_mtime = 0;
	o->path[0] = '\0';
	o->tmp[0] = '\0';
	if (path == NULL || strcmp(path, "-") == 0) {
		o->to_file = 0;
		o->fd = 1;
		return UF_OK;
	}
	o->to_file = 1;
	if (strlen(path) >= sizeof o->path) {
		return uf_fail(UF_E_USAGE, "output path too long");
	}
	uf_snprintf(o->path, sizeof o->path, "%s", path);
	uf_snprintf(o->tmp, sizeof o->tmp, "%s%s", path, UF_PART_SUFFIX);
	return UF_OK;
}

static enum uf_err
busy(const struct uf_out *o)
{
	return uf_fail(UF_E_OUTPUT, "another ufetch is writing %s", o->path);
}

static enum uf_err
cannot(const char *what, const char *path)
{
	return uf_fail(UF_E_OUTPUT, "cannot %s %s: %s", what, path,
	    strerror(errno));
}

/*
 * FILE through symbolic links, as curl and wget write, but only along
 * links owned by us or by the owner of the directory that holds them
 * (the kernel's fs.protected_symlinks rule, whatever the sysctl says):
 * a link another user planted in /tmp is refused, never followed. On
 * return o->path is the end of the chain, not a link; o->tmp is its
 * FILE.part.
 */
static enum uf_err
resolve(struct uf_out *o)
{
	struct stat	ls, ds;
	const char	*slash;
	char		c;
	size_t		dlen;
	ssize_t		n;
	int		hops;

	for (hops = 0; lstat(o->path, &ls) == 0 && S_ISLNK(ls.st_mode);
	    hops++) {
		if (hops == UF_LINKS_MAX) {
			errno = ELOOP;
			return cannot("write", o->path);
		}
		slash = strrchr(o->path, '/');
		dlen = slash != NULL ? (size_t)(slash - o->path) + 1 : 0;
		c = o->path[dlen];
		o->path[dlen] = '\0';
		if (stat(dlen > 0 ? o->path : ".", &ds) != 0) {
			ds.st_uid = ls.st_uid + 1;	/* no owner matches */
		}
		o->path[dlen] = c;
		if (ls.st_uid != geteuid() && ls.st_uid != ds.st_uid) {
			return uf_fail(UF_E_OUTPUT, "refusing to follow the "
			    "symbolic link %s: owned by uid %u, neither us nor "
			    "the directory's owner", o->path,
			    (unsigned)ls.st_uid);
		}
		/* o->tmp is scratch until the chain ends. */
		n = readlink(o->path, o->tmp, PATH_MAX);
		if (n < 0) {
			return cannot("write", o->path);
		}
		/* A relative target is relative to the link's directory. */
		if (o->tmp[0] == '/') {
			dlen = 0;
		}
		if (n == PATH_MAX || dlen + (size_t)n >= sizeof o->path) {
			errno = ENAMETOOLONG;
			return cannot("write", o->path);
		}
		memcpy(o->path + dlen, o->tmp, (size_t)n);
		o->path[dlen + (size_t)n] = '\0';
	}
	uf_snprintf(o->tmp, sizeof o->tmp, "%s%s", o->path, UF_PART_SUFFIX);
	return UF_OK;
}

/*
 * Is st, of path, a file we may write? A regular file of our own
 * with one link: never one another user planted, nor a hard link to
 * some other file, nor a FIFO or device (whose open could block).
 */
static enum uf_err
ours(const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode)) {
		return uf_fail(UF_E_OUTPUT, "refusing to write %s: not a "
		    "regular file", path);
	}
	if (st->st_uid != geteuid()) {
		return uf_fail(UF_E_OUTPUT, "refusing to write %s: owned by "
		    "uid %u, not by us (uid %u)", path, (unsigned)st->st_uid,
		    (unsigned)geteuid());
	}
	if (st->st_nlink > 1) {
		return uf_fail(UF_E_OUTPUT, "refusing to write %s: it has %u "
		    "hard links", path, (unsigned)st->st_nlink);
	}
	return UF_OK;
}

/*
 * Make fd, opened under the name path (o->tmp, or FILE continued in
 * place), ours to write: ours() again (the name may have changed since
 * it was looked at), locked, and still the file under that name once
 * locked: another ufetch may have renamed or removed it in between. No
 * ufetch renames or removes a FILE.part without holding its lock, so
 * the name stays ours for as long as we hold it.
 */
static enum uf_err
claim(struct uf_out *o, int fd, const char *path)
{
	struct stat	st, at;
	enum uf_err	err;

	if (fstat(fd, &st) != 0) {
		return cannot("open", path);
	}
	err = ours(path, &st);
	if (err != UF_OK) {
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		return errno == EWOULDBLOCK ? busy(o) : cannot("lock", path);
	}
	if (fstat(fd, &st) != 0 || lstat(path, &at) != 0
	    || st.st_nlink != 1 || at.st_dev != st.st_dev
	    || at.st_ino != st.st_ino) {
		return busy(o);
	}
	return UF_OK;
}

/*
 * Open path (o->tmp; or for wget -c, FILE itself) for writing with mode
 * (umask applied), claimed (see claim()). A file that is there and
 * ours is continued with keep (-c), else removed and made afresh: a
 * new file, which no one else can hold open from an earlier life of
 * the name. FILE itself is only ever continued, its mode as it is.
 * Nothing here can block: a FIFO is refused before it is opened, and
 * opened O_NONBLOCK if one is slipped in after the check. With keep and
 * no file, o->fd stays -1.
 */
static enum uf_err
open_part(struct uf_out *o, const char *path, mode_t mode, int keep)
{
	struct stat	st;
	mode_t		mask = umask(0);
	enum uf_err	err;
	off_t		end;
	int		fd;

	umask(mask);
	mode &= ~mask;
	if (lstat(path, &st) == 0) {
		/* Not even opened unless it looks ours. */
		err = ours(path, &st);
		if (err != UF_OK) {
			return err;
		}
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT) {
			return cannot("open", path);
		}
		if (fd >= 0) {
			err = claim(o, fd, path);
			if (err == UF_OK && keep) {
				/* Not O_APPEND: splice(2) refuses it. */
				end = lseek(fd, 0, SEEK_END);
				if (end < 0 || (path == o->tmp
				    && fchmod(fd, mode) != 0)) {
					err = cannot("resume", path);
				} else {
					o->fd = fd;
					o->resumed = (uint64_t)end;
					return UF_OK;
				}
			}
			/* Removed while locked, never after. */
			if (err == UF_OK) {
				unlink(path);
			}
			close(fd);
			if (err != UF_OK) {
				return err;
			}
		}
	} else if (errno != ENOENT) {
		return cannot("create", path);
	}
	if (keep) {
		return UF_OK;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		return errno == EEXIST ? busy(o) : cannot("create", path);
	}
	err = claim(o, fd, path);
	if (err != UF_OK) {
		close(fd);
		return err;
	}
	o->fd = fd;
	return UF_OK;
}

/*
 * Where FILE leads, and what it is: a directory is an error; a device
 * or FIFO cannot be replaced by a rename and is written directly
 * (o->direct); otherwise *mode is what the new file gets: the old
 * file's permission bits, or 0666 for a new one (umask applied later).
 */
static enum uf_err
prepare(struct uf_out *o, mode_t *mode)
{
	struct stat	st;
	enum uf_err	err;

	err = resolve(o);
	if (err != UF_OK) {
		return err;
	}
	*mode = 0666;
	if (stat(o->path, &st) != 0) {
		return UF_OK;
	}
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return cannot("write", o->path);
	}
	/* Never wider than the old file: a private file stays private. */
	*mode = st.st_mode & 0777;
	o->direct = !S_ISREG(st.st_mode);
	return UF_OK;
}

static enum uf_err
open_file(struct uf_out *o)
{
	enum uf_err	err;
	mode_t		mode;

	err = prepare(o, &mode);
	if (err != UF_OK || !o->direct) {
		return err != UF_OK ? err : open_part(o, o->tmp, mode, 0);
	}
	o->fd = open(o->path, O_WRONLY | O_CLOEXEC);
	if (o->fd < 0) {
		return cannot("open", o->path);
	}
	return UF_OK;
}

/* see out.h */
enum uf_err
uf_out_write(struct uf_out *o, const void *buf, size_t len)
{
	enum uf_err	err;

	if (o->fd < 0) {
		err = open_file(o);
		if (err != UF_OK) {
			return err;
		}
	}
	if (uf_write_all(o->fd, buf, len) != 0) {
		return uf_out_error(o, errno);
	}
	o->written += len;
	if (o->prog != NULL) {
		uf_progress_update(o->prog, o->written);
	}
	return UF_OK;
}

/* see out.h */
enum uf_err
uf_out_error(struct uf_out *o, int e)
{
	if (!o->to_file && e == EPIPE) {
		return UF_E_PIPE;
	}
	return uf_fail(UF_E_OUTPUT, "cannot write %s: %s",
	    !o->to_file ? "standard output" : o->direct
	    || o->in_place == UF_IN_PLACE_YES ? o->path : o->tmp,
	    strerror(e));
}

/* see out.h */
int
uf_out_fd(struct uf_out *o, int *is_pipe, enum uf_err *err)
{
	struct stat	st;

	*err = UF_OK;
	if (o->fd < 0) {
		*err = open_file(o);
		if (*err != UF_OK) {
			return -1;
		}
	}
	*is_pipe = fstat(o->fd, &st) == 0 && S_ISFIFO(st.st_mode);
	return o->fd;
}

/* see out.h */
void
uf_out_count(struct uf_out *o, uint64_t n)
{
	o->written += n;
	if (o->prog != NULL) {
		uf_progress_update(o->prog, o->written);
	}
}

/* see out.h */
enum uf_err
uf_out_commit(struct uf_out *o)
{
	enum uf_err	err;
	int		fd;

	if (!o->to_file) {
		return UF_OK;
	}
	if (o->fd < 0) {
		err = open_file(o);
		if (err != UF_OK) {
			return err;
		}
	}
	fd = o->fd;
	o->fd = -1;
	if (o->direct) {
		close(fd);
		return UF_OK;
	}
	if (o->has_mtime) {
		struct timespec	ts[2] = {
			{ 0, UTIME_OMIT }, { (time_t)o->mtime, 0 }
		};

		/* futimens(), without musl's fallback for old kernels. */
		(void)syscall(SYS_utimensat, fd, NULL, ts, 0);
	}
	/*
	 * The data must be on disk before the name points at it; fsync
	 * reports what close would. The rename is made with the lock held
	 * (see claim()): another ufetch could otherwise take the name.
	 */
	err = UF_OK;
	if (fsync(fd) != 0 && errno != EINVAL) {
		err = cannot("write", o->in_place == UF_IN_PLACE_YES ? o->path
		    : o->tmp);
	} else if (o->in_place == UF_IN_PLACE_YES) {
		/* FILE itself, complete now: nothing to rename. */
	} else if (rename(o->tmp, o->path) != 0) {
		err = uf_fail(UF_E_OUTPUT, "cannot rename %s to %s: %s",
		    o->tmp, o->path, strerror(errno));
	}
	if (err != UF_OK && o->in_place != UF_IN_PLACE_YES) {
		unlink(o->tmp);
	}
	close(fd);
	return err;
}

/* see out.h */
void
uf_out_abort(struct uf_out *o, int keep)
{
	if (!o->to_file || o->fd < 0) {
		return;
	}
	/*
	 * Removed while we hold the lock, never after (see claim()); FILE
	 * continued in place keeps what it got, as with wget.
	 */
	if (!o->direct && o->in_place != UF_IN_PLACE_YES
	    && !(keep && o->resumed + o->written > 0)) {
		unlink(o->tmp);
	}
	close(o->fd);
	o->fd = -1;
}

/* see out.h */
enum uf_err
uf_out_resume(struct uf_out *o, uint64_t *have)
{
	enum uf_err	err;
	mode_t		mode;

	*have = 0;
	if (!o->to_file || o->fd >= 0 || o->written > 0) {
		return UF_OK;
	}
	err = prepare(o, &mode);
	if (err != UF_OK || o->direct) {
		return err;	/* written in place: nothing to resume */
	}
	err = open_part(o, o->tmp, mode, 1);
	if (err == UF_OK && o->fd < 0 && o->in_place == UF_IN_PLACE_MAY) {
		/* wget -c without a FILE.part: FILE itself, if there. */
		err = open_part(o, o->path, mode, 1);
		o->in_place = o->fd >= 0 ? UF_IN_PLACE_YES : UF_IN_PLACE_MAY;
	}
	*have = o->resumed;
	return err;
}

/* see out.h */
enum uf_err
uf_out_restart(struct uf_out *o)
{
	struct stat	st;

	if (o->fd < 0 || o->resumed == 0) {
		return UF_OK;
	}
	if (o->in_place == UF_IN_PLACE_YES) {
		/* FILE stays whole until the new one is: a FILE.part. */
		st.st_mode = 0666;
		(void)fstat(o->fd, &st);
		close(o->fd);
		o->fd = -1;
		o->resumed = 0;
		o->in_place = UF_IN_PLACE_NO;
		return open_part(o, o->tmp, st.st_mode & 0777, 0);
	}
	if (ftruncate(o->fd, 0) != 0 || lseek(o->fd, 0, SEEK_SET) != 0) {
		return uf_fail(UF_E_OUTPUT, "cannot truncate %s: %s", o->tmp,
		    strerror(errno));
	}
	o->resumed = 0;
	return UF_OK;
}

/* see out.h */
void
uf_out_rollback(struct uf_out *o)
{
	if (o->fd < 0 || !o->to_file || o->direct) {
		return;
	}
	if (ftruncate(o->fd, (off_t)o->resumed) == 0
	    && lseek(o->fd, (off_t)o->resumed, SEEK_SET) >= 0) {
		o->written = 0;
	}
}

/* see out.h */
uint64_t
uf_out_size(const struct uf_out *o)
{
	return o->resumed + o->written;
}

/* see out.h */
int
uf_out_retry(struct uf_out *o, uint64_t base, uint64_t *have)
{
	*have = uf_out_size(o) - base;
	if (!o->to_file || o->direct || o->fd < 0 || base != 0) {
		return 0;
	}
	o->resumed += o->written;
	o->written = 0;
	return 1;
}

/* see out.h */
void
uf_out_set_mtime(struct uf_out *o, int64_t t)
{
	o->mtime = t;
	o->has_mtime = 1;
}

/* see out.h */
int
uf_out_tmpfile(void)
{
	const char	*dir = getenv("TMPDIR");
	char		path[PATH_MAX];
	int		fd;

	if (dir == NULL || *dir == '\0') {
		dir = "/tmp";
	}
	fd = open(dir, O_TMPFILE | O_RDWR | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* No O_TMPFILE here: a named file, unlinked at once. */
		uf_snprintf(path, sizeof path, "%s/ufetch-XXXXXX", dir);
		fd = mkostemp(path, O_APPEND | O_CLOEXEC);
		if (fd >= 0) {
			unlink(path);
		}
	}
	return fd;
}
