/*
 * parallel.c: -P N (see parallel.h).
 *
 * DESIGN NOTES
 *
 * Worker processes, not an event loop and not threads. An event loop
 * over N slots would need every step (connect, both TLS engines'
 * drivers, the HTTP parser's callers, splice) rewritten as non-blocking
 * state machines: ufetch again. Threads would need every module's
 * globals made per thread (the error slot, tlscache, the trust index
 * kept in the arena, progress, msg) and would break net.c's bounded
 * resolver, which forks, and fork in a threaded process is unsafe with
 * musl's getaddrinfo. A worker is a fork of this process after the
 * command line is read: today's serial code over its own copy of the
 * static arena, untouched. Its text and the pages it never writes are
 * shared with the parent; what it writes (its arena, its connection)
 * is its slot.
 *
 * Each worker has a SOCK_SEQPACKET socket, which is its stderr: URLs
 * come in, one per message, its lines and each URL's outcome (a message
 * starting with a NUL byte, which no line does) go out. Its stdout is
 * a pipe. A worker gets its next URL only after the parent has read
 * the last one's outcome, and the outcome is sent after the URL's last
 * byte was written, so once the parent has drained the pipe after an
 * outcome, everything in it belonged to that URL: bytes need no
 * framing, and whatever a URL writes to stdout (a body, -i's head) is
 * carried alike.
 *
 * The parent gives the URLs to workers in list order: each to a free
 * worker that keeps a connection to its origin, else to a new worker
 * (up to N), else to any free one; but only while its origin has fewer
 * than --parallel-host connections (a worker counts for the origin of
 * its URL and, until its next outcome, for that of the connection it
 * keeps) and no earlier URL of its -O name is still being fetched (so
 * -O ends as in a serial run). Otherwise the URL waits, and the ones
 * after it: there is no look-ahead, and so no copy of URLs to hold.
 * Workers always ask to keep the connection: what comes next is not
 * known, and a kept connection costs the server an idle socket at
 * most. At most 4 N URLs are in flight or waiting for their turn (the
 * window). The bytes of the URL whose turn it is go straight to
 * stdout; those of the others are appended to their worker's unnamed
 * temporary file (one per worker: making one costs far more than
 * writing it, 300 us on ext4 here) and read back at their turn; past
 * 1 MiB what was read goes back to the file system (a hole punched),
 * and the file starts afresh once read out. What cannot be kept or
 * written (no temporary file, a full disk under -o FILE) stops the
 * run, as a closed stdout does. A problem with the list is said once
 * everything before it was written.
 *
 * TLS sessions are per worker: each worker's tlscache offers its own
 * sessions (TLS 1.2 session IDs, TLS 1.3 tickets), and URLs of one
 * origin mostly go to the workers connected to it.
 *
 * A worker dies with the parent (PR_SET_PDEATHSIG): SIGINT or SIGTERM
 * kill the parent, the workers follow, and .part files stay for -c.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "msg.h"
#include "out.h"
#include "progress.h"
#include "parallel.h"

/* URLs in flight or waiting for their turn, per slot. */
#define WINDOW_PER_SLOT	4
#define WINDOW		(WINDOW_PER_SLOT * UF_PARALLEL_MAX)

/* A worker's temporary file is emptied past this size (see flush()). */
#define SPOOL_RESET	(1 << 20)

/* A URL's outcome: a NUL, then its struct uf_outcome. */
#define RESULT_LEN	(1 + sizeof(struct uf_outcome))

/* Said when a worker is gone: killed, or a bug. */
#define DIED		"a worker process died"

/* A URL's two outputs, kept apart until its turn. */
enum { CH_OUT, CH_ERR, NCH };

struct slot {
	pid_t		pid;
	int		ctl;		/* its stderr: URLs out, lines in */
	int		out;		/* its stdout, a pipe */
	int		busy;
	unsigned long	cur;		/* its URL's place in the list */
	uint64_t	run, conn;	/* origins: its URL's, the kept one's */
	/*
	 * What its URLs wrote before their turn, one after the other: a
	 * temporary file (-1: none yet), its length, and how many URLs
	 * still have bytes in it.
	 */
	int		spool[NCH];
	off_t		len[NCH];
	unsigned	held[NCH];
};

struct entry {
	int		done;
	struct uf_outcome oc;		/* its outcome */
	struct slot	*w;		/* its worker */
	off_t		from[NCH];	/* its bytes in its worker's spool */
	off_t		kept[NCH];	/*   and how many */
	uint64_t	origin, name;	/* uf_jobs_origin(); 0: none */
};

static struct uf_jobs	*jobs;
static struct uf_urls	*urls;
static struct uf_out	*sink;
static struct uf_progress *prog;
static struct entry	ent[WINDOW];
static struct slot	slot[UF_PARALLEL_MAX];
static unsigned		nslot, nwin;	/* nwin: 4 N */
static unsigned long	first, last;	/* the window: [first, last) */
static struct uf_item	item;		/* the next URL of the list */
static int		pending, ended, stop;
static char		io[65536];	/* bytes on their way out */
static char		msg[UF_LIST_LINE_MAX + 1]; /* a worker's URL */
static uint64_t		nbytes;
static unsigned long	ndone;
static char		label[UF_PROGRESS_LABEL + 1];

/* Not inlined: one division by nwin in the binary, not one per use. */
static struct entry * __attribute__((noinline))
at(unsigned long i)
{
	return &ent[i % nwin];
}

/* Stop the run once: err recorded, and "what: why" said unless NULL. */
static void
halt(enum uf_err err, const char *what, const char *why)
{
	if (!stop && why != NULL) {
		uf_msg(what, "%s", why);
	}
	if (!stop) {
		uf_jobs_record(jobs, err);
	}
	stop = 1;
}

/* Connections to origin h, made or kept by the workers. */
static unsigned
conns(uint64_t h)
{
	unsigned	i, n = 0;

	for (i = 0; i < nslot; i++) {
		n += slot[i].run == h || slot[i].conn == h;
	}
	return n;
}

/* The worker: URLs in, outcomes out, until the parent closes. */
static void
worker(void)
{
	unsigned char		r[RESULT_LEN];
	struct uf_outcome	oc;
	ssize_t			n;

	uf_jobs_worker(jobs);
	while ((n = recv(2, msg, sizeof msg - 1, 0)) > 0) {
		msg[n] = '\0';
		/* Sent whole: its padding too. */
		memset(&oc, 0, sizeof oc);
		/* Kept for the next URL of the origin, if it comes here. */
		uf_jobs_run(jobs, msg, msg, &oc);
		r[0] = 0;
		memcpy(r + 1, &oc, sizeof oc);
		if (send(2, r, sizeof r, MSG_NOSIGNAL) < 0) {
			break;
		}
	}
	_exit(0);
}

/* Fork worker nslot. Returns 0, or -1 (said) when it cannot be had. */
static int
spawn(void)
{
	struct slot	*w = &slot[nslot];
	pid_t		parent = getpid();
	int		sv[2], p[2];
	unsigned	i;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0
	    || pipe2(p, O_CLOEXEC) != 0 || (w->pid = fork()) < 0) {
		/* What was made is closed at exit, soon. */
		halt(UF_E_INTERNAL, "cannot start a worker process",
		    strerror(errno));
		return -1;
	}
	if (w->pid == 0) {
		/* The parent's ends must close when it closes them. */
		for (i = 0; i < nslot; i++) {
			close(slot[i].ctl);
			close(slot[i].out);
		}
		close(p[0]);
		close(sv[0]);
		dup2(p[1], 1);
		dup2(sv[1], 2);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0
		    || getppid() != parent) {
			_exit(1);
		}
		worker();
	}
	close(sv[1]);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	w->ctl = sv[0];
	w->out = p[0];
	w->spool[CH_OUT] = w->spool[CH_ERR] = -1;
	nslot++;
	return 0;
}

/*
 * The worker for the URL e: a free one keeping a connection to its
 * origin, else a new one, else any free one, if the origin has room for
 * one more connection; NULL: not yet.
 */
static struct slot *
choose(const struct entry *e)
{
	struct slot	*any = NULL;
	unsigned	i;

	for (i = 0; i < nslot; i++) {
		if (!slot[i].busy && e->origin != 0
		    && slot[i].conn == e->origin) {
			return &slot[i];
		}
		if (!slot[i].busy) {
			any = &slot[i];
		}
	}
	if (e->origin != 0 && conns(e->origin) >= jobs->o->parallel_host) {
		return NULL;
	}
	if (nslot < jobs->o->parallel && spawn() == 0) {
		return &slot[nslot - 1];
	}
	return any;
}

/*
 * Read the list and give each URL, in list order, to a worker. Stops
 * when the window is full, or the next URL must wait: for a worker, for
 * room on its origin, or for an earlier URL of its -O name to be done.
 * A problem with the list is said when everything before it was.
 * Returns 1 when the list would block (without waiting when nowait).
 */
static int
feed(int nowait)
{
	struct entry	*e = at(last);
	struct slot	*w;
	unsigned long	k;

	while (!stop && !ended && last - first < nwin) {
		if (!pending) {
			if (!uf_urls_next(urls, &item, nowait)) {
				return 1;
			}
			pending = 1;
			memset(e, 0, sizeof *e);
			if (item.kind == UF_ITEM_URL) {
				e->origin = uf_jobs_origin(jobs, item.url,
				    &e->name);
			}
		}
		ended = item.kind == UF_ITEM_END;
		if (item.kind == UF_ITEM_ERROR) {
			if (first != last) {
				break;
			}
			uf_msg(item.where, "%s", item.msg);
			uf_jobs_record(jobs, UF_E_USAGE);
		} else if (!ended) {
			for (k = first; k != last && e->name != 0; k++) {
				if (at(k)->name == e->name && !at(k)->done) {
					return 0;
				}
			}
			if ((w = choose(e)) == NULL) {
				break;
			}
			/* With its NUL: an empty message would read as EOF. */
			if (send(w->ctl, item.url, strlen(item.url) + 1,
			    MSG_NOSIGNAL) < 0) {
				halt(UF_E_INTERNAL, NULL, DIED);
			}
			w->busy = 1;
			w->cur = last++;
			w->run = e->origin;
			e->w = w;
			e = at(last);
		}
		pending = 0;
		nowait = 1;
	}
	return 0;
}

/* Bytes of the URL at i, from channel ch. */
static void
deliver(unsigned long i, int ch, const char *buf, size_t n)
{
	struct entry	*e = at(i);
	struct slot	*w = e->w;
	enum uf_err	err;

	if (i != first) {
		if (w->spool[ch] < 0) {
			w->spool[ch] = uf_out_tmpfile();
		}
		if (e->kept[ch] == 0) {
			e->from[ch] = w->len[ch];
			w->held[ch]++;
		}
		e->kept[ch] += (off_t)n;
		w->len[ch] += (off_t)n;
		if (w->spool[ch] < 0 || uf_write_all(w->spool[ch], buf, n)
		    != 0) {
			halt(UF_E_OUTPUT, "cannot write a temporary file",
			    strerror(errno));
		}
	} else if (ch == CH_ERR) {
		if (prog != NULL) {
			uf_progress_break(prog);
		}
		(void)uf_write_all(2, buf, n);
	} else {
		uf_err_clear();
		err = uf_out_write(sink, buf, n);
		if (err != UF_OK) {
			halt(err, NULL, err != UF_E_PIPE ? uf_err_msg() : NULL);
		}
	}
}

/* What the URL at i wrote before its turn: out now, in order. */
static void
flush(unsigned long i)
{
	struct entry	*e = at(i);
	struct slot	*w = e->w;
	off_t		off, end;
	ssize_t		n;
	int		ch;

	for (ch = 0; ch < NCH; ch++) {
		if (e->kept[ch] == 0) {
			continue;
		}
		end = e->from[ch] + e->kept[ch];
		e->kept[ch] = 0;
		for (off = e->from[ch]; !stop && off < end
		    && (n = pread(w->spool[ch], io, end - off < (off_t)sizeof io
		    ? (size_t)(end - off) : sizeof io, off)) > 0; off += n) {
			deliver(i, ch, io, (size_t)n);
		}
		/*
		 * Past 1 MiB, the file is written (O_APPEND) from its start
		 * again once read out; until then the blocks of what was
		 * read go back, so that it never holds more than the
		 * window's bytes, however long the list.
		 */
		if (--w->held[ch] == 0 && w->len[ch] > SPOOL_RESET) {
			w->len[ch] = 0;
			ftruncate(w->spool[ch], 0);
		} else if (w->len[ch] > SPOOL_RESET) {
			fallocate(w->spool[ch], FALLOC_FL_PUNCH_HOLE
			    | FALLOC_FL_KEEP_SIZE, e->from[ch], end - e->from[ch]);
		}
	}
}

/* Write out the URLs whose turn came, and record their outcomes. */
static void
advance(void)
{
	struct entry	*e;

	while (first != last && !stop) {
		flush(first);
		e = at(first);
		if (!e->done) {
			break;
		}
		uf_jobs_tally(jobs, &e->oc);
		first++;
	}
}

/* Read what worker w wrote to its stdout; all of it with drain set. */
static void
pump(struct slot *w, int drain)
{
	ssize_t	n;

	do {
		n = read(w->out, io, sizeof io);
		if (n > 0) {
			deliver(w->cur, CH_OUT, io, (size_t)n);
		} else if (n == 0 || errno != EAGAIN) {
			halt(UF_E_INTERNAL, NULL, DIED);
		}
	} while (drain && n > 0 && !stop);
}

/* A message from worker w: a line of its stderr, or its outcome. */
static void
hear(struct slot *w)
{
	struct entry	*e;
	ssize_t		n;

	n = recv(w->ctl, io, sizeof io, 0);
	if (n <= 0) {
		halt(UF_E_INTERNAL, NULL, DIED);
	} else if (io[0] != '\0' || (size_t)n != RESULT_LEN) {
		deliver(w->cur, CH_ERR, io, (size_t)n);
	} else {
		/* Copied first: pump() reads into io. */
		e = at(w->cur);
		memcpy(&e->oc, io + 1, sizeof e->oc);
		/* The outcome comes after the URL's last byte. */
		pump(w, 1);
		e->done = 1;
		w->busy = 0;
		w->conn = e->oc.err == UF_OK ? w->run : 0;
		w->run = 0;
		nbytes += e->oc.bytes;
		ndone++;
		if (prog != NULL) {
			uf_snprintf(label, sizeof label, "%lu/%lu%s URLs  ",
			    ndone, last, ended ? "" : "+");
			uf_progress_update(prog, nbytes);
		}
	}
}

/* see parallel.h */
void
uf_parallel_run(struct uf_jobs *j, struct uf_urls *s)
{
	struct pollfd	pfd[2 * UF_PARALLEL_MAX + 1];
	unsigned long	done;
	unsigned	i, n;
	int		blocked;

	jobs = j;
	urls = s;
	nwin = WINDOW_PER_SLOT * j->o->parallel;
	sink = uf_jobs_sink(j);
	prog = uf_jobs_progress(j);
	if (prog != NULL) {
		prog->label = label;
		uf_progress_start(prog, 0, UF_PROGRESS_UNKNOWN, 0);
	}
	for (;;) {
		/* Wait for the list only when nothing else can happen. */
		blocked = feed(first != last);
		done = first;
		advance();
		if (stop || (ended && first == last)) {
			break;
		}
		if (first != done) {
			continue;	/* the window has room again */
		}
		for (i = n = 0; i < nslot; i++) {
			pfd[n].fd = slot[i].ctl;
			pfd[n++].events = POLLIN;
			pfd[n].fd = slot[i].out;
			pfd[n++].events = POLLIN;
		}
		pfd[n].fd = blocked ? uf_urls_fd(s) : -1;
		pfd[n].events = POLLIN;
		if (poll(pfd, n + 1, -1) < 0) {
			continue;	/* EINTR */
		}
		for (i = 0; i < nslot && !stop; i++) {
			if (pfd[2 * i + 1].revents != 0) {
				pump(&slot[i], 0);
			}
			if (pfd[2 * i].revents != 0 && !stop) {
				hear(&slot[i]);
			}
		}
	}
	if (prog != NULL) {
		uf_progress_end(prog, !stop);
	}
	/*
	 * Closed, a worker ends; stopped early, it is killed. All first,
	 * then waited for: they end side by side.
	 */
	for (i = 0; i < nslot; i++) {
		if (stop) {
			kill(slot[i].pid, SIGKILL);
		}
		close(slot[i].ctl);
		close(slot[i].out);
	}
	for (i = 0; i < nslot; i++) {
		waitpid(slot[i].pid, NULL, 0);
	}
}
