/*
 * out.h: where the bytes of a response go.
 *
 * Standard output, or a file. A regular file is never written in
 * place: bytes go to "FILE.part" beside it, and only uf_out_commit()
 * renames that onto FILE, after the whole body arrived and reached the
 * disk. A failed or killed fetch therefore never leaves a partial FILE
 * and never clobbers a good one. A FILE that exists and is not a
 * regular file (/dev/null, a FIFO) is written directly.
 *
 * What is written into must be ours. FILE.part is used only when it is
 * a regular file of the running user with one link, and it is locked
 * (flock) from when it is opened until it is renamed or removed, so
 * two runs never share it: the second fails ("another ufetch is
 * writing FILE"). Without -c it is made afresh (O_EXCL). It gets
 * FILE's permission bits when FILE exists (0666 otherwise), less the
 * umask. A FILE that is a symbolic link is written through: FILE.part
 * goes beside where the links lead and is renamed onto that, along
 * links owned by us or by their directory's owner only. Opening never
 * blocks (a FIFO under the .part name is refused), so -m bounds it.
 *
 * The struct holds its own copies of both paths, so it does not live
 * in the per-URL arena and can span several URLs (-o FILE with many
 * URLs concatenates their bodies, committed once at the end).
 */
#ifndef UF_OUT_H
#define UF_OUT_H

#include <limits.h>
#include <stdint.h>

#include "ufetch.h"

#define UF_PART_SUFFIX	".part"

/* Symbolic links followed from FILE at most, as Linux's MAXSYMLINKS. */
#define UF_LINKS_MAX	40

struct uf_progress;

/* struct uf_out's in_place: -c on FILE itself (busybox and GNU wget). */
enum {
	UF_IN_PLACE_NO,
	UF_IN_PLACE_MAY,	/* without FILE.part, -c continues FILE */
	UF_IN_PLACE_YES		/* it does: bytes are appended to FILE */
};

struct uf_out {
	int		fd;		/* -1 until opened */
	int		to_file;	/* 0: standard output */
	int		direct;		/* file written in place (not regular) */
	int		in_place;	/* UF_IN_PLACE_*; set after init */
	uint64_t	written;	/* bytes written since uf_out_init */
	uint64_t	resumed;	/* bytes the file held before (-c) */
	int64_t		mtime;		/* -R: FILE's time once committed */
	int		has_mtime;
	struct uf_progress *prog;	/* told of each write; NULL: none */
	char		path[PATH_MAX];	/* FILE; once opened, where its
					   symbolic links lead */
	char		tmp[PATH_MAX + sizeof UF_PART_SUFFIX];
};

/*
 * Prepare o for path, or for standard output when path is NULL or "-".
 * Nothing is opened yet. Returns UF_OK, or UF_E_USAGE when the path is
 * too long.
 */
enum uf_err	uf_out_init(struct uf_out *o, const char *path);

/*
 * Write buf[0..len), opening the file first if needed. Returns UF_OK,
 * UF_E_OUTPUT (message recorded: also for a FILE.part or link that is
 * refused, or held by another ufetch), or UF_E_PIPE when standard
 * output is a pipe with no reader.
 */
enum uf_err	uf_out_write(struct uf_out *o, const void *buf, size_t len);

/*
 * The file descriptor bytes go to, opening the file first if needed
 * (-1 with the error recorded in *err if that fails), for a caller
 * that writes without uf_out_write() (splice); it MUST then call
 * uf_out_count(). *is_pipe tells whether it is a pipe.
 */
int		uf_out_fd(struct uf_out *o, int *is_pipe, enum uf_err *err);
void		uf_out_count(struct uf_out *o, uint64_t n);

/*
 * A write to o failed with errno e: UF_E_PIPE for standard output with
 * no reader left, else UF_E_OUTPUT with the message recorded.
 */
enum uf_err	uf_out_error(struct uf_out *o, int e);

/*
 * Everything arrived: make a file's contents durable and rename the
 * temporary file onto the final name (creating an empty file if
 * nothing was written). A no-op for standard output. Returns UF_OK or
 * UF_E_OUTPUT.
 */
enum uf_err	uf_out_commit(struct uf_out *o);

/*
 * The fetch failed: remove the temporary file unless keep is set and
 * it holds bytes (so that -c can resume it), and close it.
 */
void		uf_out_abort(struct uf_out *o, int keep);

/*
 * -c: before anything is written, open and lock the temporary file of
 * an earlier run to continue it, and set *have to the bytes it holds
 * (0 when there is none, or the output is standard output or written
 * in place: the whole body is fetched). Without a FILE.part, with
 * in_place UF_IN_PLACE_MAY, FILE itself is continued (if it is a
 * regular file of ours with one link, as FILE.part must be): bytes are
 * appended to it, and a failure leaves it as long as it was or longer.
 * Returns UF_OK or UF_E_OUTPUT (a file that is not ours to continue,
 * or held by another run).
 */
enum uf_err	uf_out_resume(struct uf_out *o, uint64_t *have);

/*
 * The server sent the whole body instead of the rest: empty the
 * resumed temporary file and write it from the start (FILE continued
 * in place is left as it is: the body goes to a new FILE.part). A
 * no-op when nothing was resumed. Returns UF_OK or UF_E_OUTPUT.
 */
enum uf_err	uf_out_restart(struct uf_out *o);

/*
 * A resumed fetch failed with a protocol error: drop what it wrote, so
 * that the temporary file holds what it held before (the bytes of a
 * server that broke its word are not kept for the next -c). A no-op
 * for standard output and files written in place.
 */
void		uf_out_rollback(struct uf_out *o);

/* The bytes in the output: resumed and written. */
uint64_t	uf_out_size(const struct uf_out *o);

/*
 * Another attempt at a URL whose bytes began at base (uf_out_size()
 * when it started) is about to be made; *have is set to its bytes so
 * far. When o is a temporary file holding nothing but them, they
 * become the part being resumed, as with -c (a 206 continues it,
 * uf_out_restart() starts it over), and 1 is returned. Otherwise
 * (standard output, a file written in place, one that holds earlier
 * URLs' bodies) they cannot be taken back: 0.
 */
int		uf_out_retry(struct uf_out *o, uint64_t base, uint64_t *have);

/* -R: give FILE the time t (seconds since the epoch) when committed. */
void		uf_out_set_mtime(struct uf_out *o, int64_t t);

/*
 * An unnamed temporary file in $TMPDIR (default /tmp), open for
 * reading and appending (O_APPEND: emptied with ftruncate(), it is
 * written from its start again): O_TMPFILE, or where that is missing a
 * named file removed at once. Returns its descriptor or -1 (errno set).
 */
int		uf_out_tmpfile(void);

#endif
