/*
 * out.c: standard output, or a file made atomically (see out.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
open_file(struct uf_out *o)
{
	struct stat	st;

	if (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			return uf_fail(UF_E_OUTPUT, "cannot write %s: Is a "
			    "directory", o->path);
		}
		/* Devices and FIFOs cannot be replaced by a rename. */
		o->direct = 1;
		o->fd = open(o->path, O_WRONLY | O_CLOEXEC);
		if (o->fd < 0) {
			return uf_fail(UF_E_OUTPUT, "cannot open %s: %s",
			    o->path, strerror(errno));
		}
		return UF_OK;
	}
	/* Never follow a link someone planted under the .part name. */
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
	    | O_NOFOLLOW, 0666);
	if (o->fd < 0) {
		return uf_fail(UF_E_OUTPUT, "cannot create %s: %s", o->tmp,
		    strerror(errno));
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
	    o->to_file ? (o->direct ? o->path : o->tmp) : "standard output",
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
	/* The data must be on disk before the name points at it. */
	if (fsync(fd) != 0 && errno != EINVAL) {
		err = uf_fail(UF_E_OUTPUT, "cannot write %s: %s", o->tmp,
		    strerror(errno));
		close(fd);
		unlink(o->tmp);
		return err;
	}
	if (close(fd) != 0) {
		err = uf_fail(UF_E_OUTPUT, "cannot write %s: %s", o->tmp,
		    strerror(errno));
		unlink(o->tmp);
		return err;
	}
	if (rename(o->tmp, o->path) != 0) {
		err = uf_fail(UF_E_OUTPUT, "cannot rename %s to %s: %s",
		    o->tmp, o->path, strerror(errno));
		unlink(o->tmp);
		return err;
	}
	return UF_OK;
}

/* see out.h */
void
uf_out_abort(struct uf_out *o, int keep)
{
	if (!o->to_file || o->fd < 0) {
		return;
	}
	close(o->fd);
	o->fd = -1;
	if (!o->direct && !(keep && o->resumed + o->written > 0)) {
		unlink(o->tmp);
	}
}

/* see out.h */
enum uf_err
uf_out_resume(struct uf_out *o, uint64_t *have)
{
	struct stat	st;
	off_t		end;

	*have = 0;
	if (!o->to_file || o->fd >= 0 || o->written > 0) {
		return UF_OK;
	}
	if (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		return UF_OK;	/* written in place: nothing to resume */
	}
	o->fd = open(o->tmp, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (o->fd < 0) {
		if (errno == ENOENT) {
			return UF_OK;
		}
		return uf_fail(UF_E_OUTPUT, "cannot open %s: %s", o->tmp,
		    strerror(errno));
	}
	/* Not O_APPEND: splice(2) refuses files opened with it. */
	end = lseek(o->fd, 0, SEEK_END);
	if (end < 0 || fstat(o->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(o->fd);
		o->fd = -1;
		return uf_fail(UF_E_OUTPUT, "cannot resume %s: not a regular "
		    "file", o->tmp);
	}
	o->resumed = (uint64_t)end;
	*have = o->resumed;
	return UF_OK;
}

/* see out.h */
enum uf_err
uf_out_restart(struct uf_out *o)
{
	if (o->fd < 0 || o->resumed == 0) {
		return UF_OK;
	}
	if (ftruncate(o->fd, 0) != 0 || lseek(o->fd, 0, SEEK_SET) != 0) {
		return uf_fail(UF_E_OUTPUT, "cannot truncate %s: %s", o->tmp,
		    strerror(errno));
	}
	o->resumed = 0;
	return UF_OK;
}
