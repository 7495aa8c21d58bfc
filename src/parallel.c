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
 * come in one per message (a byte saying whether to keep the
 * connection, the text), its lines and each URL's outcome (a message
 * starting with a NUL byte, which no line does) go out. Its stdout is
 * a pipe. A worker gets its next URL only after the parent has read
 * the last one's outcome, and the outcome is sent after the URL's last
 * byte was written, so once the parent has drained the pipe after an
 * outcome, everything in it belonged to that URL: bytes need no
 * framing, and whatever a URL writes to stdout (a body, -i's head) is
 * carried alike.
 *
 * The parent reads the list into a window of 4 N entries, and gives a
 * free worker the URL whose turn it is, else the next one of the origin
 * it keeps a connection to (reuse), else the first whose origin has
 * fewer than --parallel-host connections (a worker counts for the
 * origin of its URL and, until its next outcome, of the connection it
 * kept), forking workers as needed up to N. It asks to keep the
 * connection when another URL of the origin waits in the window. The
 * bytes of the URL whose turn it is go straight to stdout; those of
 * the others to an unnamed temporary file each, written out when
 * their turn comes. What cannot be kept or written (no temporary file,
 * a full disk under -o FILE) stops the run, as a closed stdout does.
 *
 * TLS sessions are per worker: each worker's tlscache offers its own
 * sessions (TLS 1.2; ufetch has no TLS 1.3 resumption yet), and URLs
 * of one origin mostly go to the workers connected to it.
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

/* Entries of the window per slot: URLs read ahead or waiting. */
#define WINDOW_PER_SLOT	4
#define WINDOW		(WINDOW_PER_SLOT * UF_PARALLEL_MAX)

/* The texts of the window's URLs; the longest line always fits. */
#define RING		(4 * (UF_LIST_LINE_MAX + 1))

/* A URL's outcome: a NUL, its enum uf_err, the bytes it wrote. */
#define RESULT_LEN	(2 + sizeof(uint64_t))

/* A URL's two outputs, kept apart until its turn. */
enum { CH_OUT, CH_ERR, NCH };

enum { QUEUED = 1, RUNNING, DONE };

struct entry {
	int		state;
	int		err;		/* enum uf_err: its outcome */
	int		fd[NCH];	/* temporary files; -1: none */
	uint64_t	origin, name;	/* uf_jobs_origin(); 0: none */
	const char	*where;		/* a list's problem: the list */
	size_t		off;		/* its text (or problem) in ring */
};

struct slot {
	pid_t		pid;
	int		ctl;		/* its stderr: URLs out, lines in */
	int		out;		/* its stdout, a pipe */
	int		busy, keep;
	unsigned long	cur;		/* its URL's place in the list */
	uint64_t	run, conn;	/* origins: its URL's, the kept one's */
};

static struct uf_jobs	*jobs;
static struct uf_urls	*urls;
static struct uf_out	*sink;
static struct uf_progress *prog;
static struct entry	ent[WINDOW];
static struct slot	slot[UF_PARALLEL_MAX];
static unsigned		nslot;
static unsigned long	first, last;	/* the window: [first, last) */
static char		ring[RING];
static size_t		head;		/* where the next text goes */
static struct uf_item	item;
static int		pending, ended, stop;
static char		io[16384];	/* bytes on their way out */
static char		msg[UF_LIST_LINE_MAX + 2]; /* a URL to a worker */
static uint64_t		nbytes;
static unsigned long	ndone;
static char		label[UF_PROGRESS_LABEL + 1];

static struct entry *
at(unsigned long i)
{
	return &ent[i % WINDOW];
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

/*
 * Room in ring for len bytes: texts come and go in list order, so the
 * free space is after head and before the first entry's text.
 */
static int
ring_put(const char *s, size_t len, size_t *off)
{
	size_t	tail = first != last ? at(first)->off : 0;

	if (first == last) {
		head = 0;
	}
	if (head >= tail && RING - head >= len) {
		*off = head;
	} else if (head >= tail && tail > len) {
		*off = 0;
	} else if (head < tail && tail - head > len) {
		*off = head;
	} else {
		return -1;
	}
	memcpy(ring + *off, s, len);
	head = *off + len;
	return 0;
}

/*
 * Fill the window from the list; without waiting when nowait is set.
 * Returns 1 when the list would block.
 */
static int
read_list(int nowait)
{
	struct entry	*e;
	const char	*text;

	while (!ended && last - first < WINDOW_PER_SLOT * jobs->o->parallel) {
		if (!pending && !uf_urls_next(urls, &item, nowait)) {
			return 1;
		}
		pending = 1;
		ended = item.kind == UF_ITEM_END;
		e = at(last);
		memset(e, 0, sizeof *e);
		text = item.kind == UF_ITEM_URL ? item.url : item.msg;
		if (ended || ring_put(text, strlen(text) + 1, &e->off) != 0) {
			break;
		}
		pending = 0;
		e->fd[CH_OUT] = e->fd[CH_ERR] = -1;
		e->state = QUEUED;
		if (item.kind == UF_ITEM_ERROR) {
			e->state = DONE;
			e->err = UF_E_USAGE;
			e->where = item.where;
		} else {
			e->origin = uf_jobs_origin(jobs, text, &e->name);
		}
		last++;
		nowait = 1;
	}
	return 0;
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

/* Is the -O file of the URL at i still an earlier URL's to write? */
static int
name_busy(unsigned long i)
{
	unsigned long	k;

	for (k = first; k != i && at(i)->name != 0; k++) {
		if (at(k)->name == at(i)->name && at(k)->state != DONE) {
			return 1;
		}
	}
	return 0;
}

/*
 * The URL for a worker whose kept connection is to conn (0: none): the
 * one whose turn it is, else one of conn, else the first whose origin
 * has room; -1: none. Two URLs of one -O name go one after the other,
 * in list order, as in a serial run.
 */
static long
pick(uint64_t conn)
{
	unsigned long	i;
	long		any = -1;
	struct entry	*e;

	for (i = first; i != last; i++) {
		e = at(i);
		if (e->state != QUEUED || name_busy(i)) {
			continue;
		}
		if (conn != 0 && e->origin == conn) {
			return (long)i;
		}
		if (any < 0 && (e->origin == 0
		    || conns(e->origin) < jobs->o->parallel_host)) {
			any = (long)i;
			if (i == first) {
				break;
			}
		}
	}
	return any;
}

/* The worker: URLs in, outcomes out, until the parent closes. */
static void
worker(void)
{
	unsigned char	r[RESULT_LEN];
	uint64_t	before;
	ssize_t		n;

	uf_jobs_worker(jobs);
	while ((n = recv(2, msg, sizeof msg - 1, 0)) > 0) {
		msg[n] = '\0';
		before = jobs->bytes;
		r[0] = 0;
		r[1] = (unsigned char)uf_jobs_run(jobs, msg + 1,
		    msg[0] ? msg + 1 : NULL);
		before = jobs->bytes - before;
		memcpy(r + 2, &before, sizeof before);
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
	nslot++;
	return 0;
}

/* Give worker w the URL at i. */
static void
give(struct slot *w, unsigned long i)
{
	struct entry	*e = at(i);
	const char	*text = ring + e->off;
	size_t		len = strlen(text);
	unsigned long	k;

	w->keep = 0;
	for (k = i + 1; k != last && e->origin != 0; k++) {
		w->keep |= at(k)->state == QUEUED && at(k)->origin == e->origin;
	}
	msg[0] = (char)w->keep;
	memcpy(msg + 1, text, len);
	if (send(w->ctl, msg, len + 1, MSG_NOSIGNAL) < 0) {
		halt(UF_E_INTERNAL, NULL, "a worker process died");
	}
	e->state = RUNNING;
	w->busy = 1;
	w->cur = i;
	w->run = e->origin;
}

/* Give every free worker a URL, forking workers as needed up to -P. */
static void
dispatch(void)
{
	unsigned	i;
	long		k;

	for (i = 0; i < jobs->o->parallel && i <= nslot && !stop; i++) {
		if (i < nslot ? !slot[i].busy && (k = pick(slot[i].conn)) >= 0
		    : (k = pick(0)) >= 0 && spawn() == 0) {
			give(&slot[i], (unsigned long)k);
		}
	}
}

/* Bytes of the URL at i, from channel ch. */
static void
deliver(unsigned long i, int ch, const char *buf, size_t n)
{
	struct entry	*e = at(i);
	enum uf_err	err;

	if (i != first) {
		if (e->fd[ch] < 0) {
			e->fd[ch] = uf_out_tmpfile();
		}
		if (e->fd[ch] < 0 || uf_write_all(e->fd[ch], buf, n) != 0) {
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
			halt(err, ring + e->off, err != UF_E_PIPE ? uf_err_msg()
			    : NULL);
		}
	}
}

/* What the URL at i wrote before its turn: out now, in order. */
static void
flush(unsigned long i)
{
	struct entry	*e = at(i);
	ssize_t		n;
	int		ch, fd;

	for (ch = 0; ch < NCH; ch++) {
		fd = e->fd[ch];
		if (fd < 0) {
			continue;
		}
		e->fd[ch] = -1;
		lseek(fd, 0, SEEK_SET);
		while (!stop && (n = read(fd, io, sizeof io)) > 0) {
			deliver(i, ch, io, (size_t)n);
		}
		close(fd);
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
		if (e->state != DONE) {
			break;
		}
		if (e->where != NULL) {
			uf_msg(e->where, "%s", ring + e->off);
		}
		uf_jobs_record(jobs, (enum uf_err)e->err);
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
			halt(UF_E_INTERNAL, NULL, "a worker process died");
		}
	} while (drain && n > 0 && !stop);
}

/* A message from worker w: a line of its stderr, or its outcome. */
static void
hear(struct slot *w)
{
	uint64_t	bytes;
	ssize_t		n;
	int		err;

	n = recv(w->ctl, io, sizeof io, 0);
	if (n <= 0) {
		halt(UF_E_INTERNAL, NULL, "a worker process died");
	} else if (io[0] != '\0' || (size_t)n != RESULT_LEN) {
		deliver(w->cur, CH_ERR, io, (size_t)n);
	} else {
		err = io[1];
		memcpy(&bytes, io + 2, sizeof bytes);
		/* The outcome comes after the URL's last byte. */
		pump(w, 1);
		at(w->cur)->state = DONE;
		at(w->cur)->err = err;
		w->busy = 0;
		w->conn = w->keep && err == UF_OK ? w->run : 0;
		w->run = 0;
		nbytes += bytes;
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
	sink = uf_jobs_sink(j);
	prog = uf_jobs_progress(j);
	if (prog != NULL) {
		prog->label = label;
		uf_progress_start(prog, 0, UF_PROGRESS_UNKNOWN, 0);
	}
	for (;;) {
		/* Wait for the list only when nothing else can happen. */
		blocked = read_list(first != last);
		dispatch();
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
	/* Closed, a worker ends; stopped early, it is killed. */
	for (i = 0; i < nslot; i++) {
		if (stop) {
			kill(slot[i].pid, SIGKILL);
		}
		close(slot[i].ctl);
		close(slot[i].out);
		waitpid(slot[i].pid, NULL, 0);
	}
}
