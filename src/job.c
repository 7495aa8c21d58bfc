/*
 * job.c: the URLs of a run, one at a time (see job.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "fmt.h"
#include "job.h"
#include "msg.h"
#include "url.h"
#include "writeout.h"

/*
 * Progress only on a terminal, and not with -q, -s or -v (its notes
 * would break the line), nor when the body itself goes to the
 * terminal, as with curl: the two would garble each other. -I has no
 * body, so it never starts.
 */
static int
progress_wanted(const struct uf_run_opts *o)
{
	int	to_stdout = o->output != NULL ? strcmp(o->output, "-") == 0
		    : !o->remote_name;

	return !o->quiet && !o->silent && !o->verbose
	    && isatty(2) && !(to_stdout && isatty(1));
}

/*
 * A URL's outcome; kept: it failed, but its body went to the output
 * all the same (--fail-with-body), so -o FILE is whole.
 */
static void
record(struct uf_jobs *j, enum uf_err err, int kept)
{
	if (err == UF_E_PIPE) {
		j->pipe_closed = 1;
	} else if (err != UF_OK) {
		if (j->status == 0) {
			j->status = (int)err;
		}
		j->broken |= !kept;
	}
}

/* see job.h */
void
uf_jobs_record(struct uf_jobs *j, enum uf_err err)
{
	record(j, err, 0);
}

/* Parse a URL argument; like curl and wget, no scheme means http. */
static enum uf_err
parse_arg(struct uf_arena *a, const char *arg, struct uf_url *u)
{
	const char	*s = uf_url_default_http(a, arg);

	/* No room for the copy: the arena's own message. */
	return uf_url_parse(a, s != NULL ? s : arg, u);
}

/* The hash of u's origin (see job.h). */
static uint64_t
origin_hash(const struct uf_url *u)
{
	char	buf[UF_HOST_MAX + 32];
	int	i, n;

	n = uf_snprintf(buf, sizeof buf, "http%s://%s:%u",
	    u->scheme == UF_HTTPS ? "s" : "", u->host, u->port);
	for (i = 0; i < n; i++) {
		if (buf[i] >= 'A' && buf[i] <= 'Z') {
			buf[i] += 'a' - 'A';
		}
	}
	return uf_fnv1a(buf, (size_t)n);
}

/* see job.h */
uint64_t
uf_jobs_origin(struct uf_jobs *j, const char *arg, uint64_t *name)
{
	struct uf_url	u;
	const char	*f;
	size_t		len;
	uint64_t	h = 0;

	*name = 0;
	if (parse_arg(j->a, arg, &u) == UF_OK) {
		h = origin_hash(&u) | 1;
		if (j->o->remote_name) {
			f = uf_url_filename(&u, &len);
			*name = uf_fnv1a(f, len) | 1;
		}
	}
	uf_arena_reset(j->a, j->mark);
	uf_err_clear();
	return h;
}

/* see job.h */
void
uf_jobs_worker(struct uf_jobs *j)
{
	j->worker = 1;
	j->prog_on = 0;
	uf_progress_init(&j->prog, 2);	/* the parent's may be under way */
}

/* see job.h */
struct uf_out *
uf_jobs_sink(struct uf_jobs *j)
{
	if (j->o->output != NULL) {
		return &j->out_file;
	}
	uf_out_init(&j->out_url, NULL);
	return &j->out_url;
}

/* see job.h */
struct uf_progress *
uf_jobs_progress(struct uf_jobs *j)
{
	return j->prog_on ? &j->prog : NULL;
}

/* The URL's output: the run's -o FILE, its own -O FILE, or stdout. */
static enum uf_err
job_output(struct uf_jobs *j, struct uf_job *jb)
{
	const struct uf_run_opts	*o = j->o;
	char				path[PATH_MAX];
	const char			*name;
	size_t				len, dlen = 0;
	enum uf_err			err;

	/* A worker's bodies all go to stdout, the scheduler's. */
	if (o->output != NULL && !j->worker) {
		jb->out = &j->out_file;
		jb->base = uf_out_size(jb->out);
		return UF_OK;
	}
	jb->out = &j->out_url;
	if (!o->remote_name) {
		return uf_out_init(jb->out, NULL);
	}
	name = uf_url_filename(&jb->u, &len);
	if (o->dir != NULL) {		/* wget -P */
		dlen = (size_t)uf_snprintf(path, sizeof path, "%s/", o->dir);
	}
	if (dlen + len >= sizeof path) {
		return uf_fail(UF_E_OUTPUT, "file name too long");
	}
	memcpy(path + dlen, name, len);
	path[dlen + len] = '\0';
	err = uf_out_init(jb->out, path);
	jb->out->in_place = o->in_place ? UF_IN_PLACE_MAY : UF_IN_PLACE_NO;
	return err;
}

/*
 * --netrc, --netrc-file: the credentials for the URL's host, when
 * neither -u nor the URL has any. No prompting: an entry without its
 * password is a mistake.
 */
static enum uf_err
netrc_auth(struct uf_jobs *j, struct uf_job *jb)
{
	struct uf_netrc	e;
	char		up[2 * UF_NETRC_WORD + 2];
	int		rc;

	rc = uf_netrc_find(j->o->netrc_text, j->o->netrc_len, jb->u.host,
	    &e);
	if (rc == UF_NETRC_NONE) {
		return UF_OK;
	}
	uf_snprintf(up, sizeof up, "%s:%s", e.login, e.password);
	if (rc == UF_NETRC_BAD || !e.has_password
	    || strchr(e.login, ':') != NULL
	    || uf_basic_auth_raw(jb->auth, sizeof jb->auth, up) == 0) {
		return uf_fail(UF_E_USAGE, "%s: no usable password for %s",
		    j->o->netrc, jb->u.host);
	}
	jb->x.auth = jb->auth;
	return UF_OK;
}

/* What the requests carry: credentials, If-Modified-Since. */
static enum uf_err
job_request(struct uf_jobs *j, struct uf_job *jb)
{
	const struct uf_run_opts	*o = j->o;
	struct stat			st;

	jb->x.auth = o->auth;
	jb->x.ims = o->ims;
	/* wget -N: newer than the file we have, if we have it. */
	if (o->ims_output && jb->out->to_file
	    && stat(jb->out->path, &st) == 0) {
		uf_date_format(jb->ims, st.st_mtim.tv_sec);
		jb->x.ims = jb->ims;
	}
	if (o->auth == NULL && o->netrc != NULL && jb->u.userinfo == NULL) {
		return netrc_auth(j, jb);
	}
	return UF_OK;
}

/*
 * A retry follows: what does it do with the bytes this URL has
 * written? With a validator (a strong ETag, else Last-Modified) it
 * asks for the rest, If-Range that validator: a 206 continues them, a
 * 200 starts a file over and fails a stream. Without one, a file
 * starts over now (with -c, the rest is asked for as -c does), and a
 * stream is not retried: no byte is ever written twice. Returns 1 when
 * the retry can go ahead.
 */
static int
carry_over(struct uf_jobs *j, struct uf_job *jb)
{
	const struct uf_http_resp	*r = jb->x.resp;
	uint64_t			have;
	int				rewind;

	rewind = uf_out_retry(jb->out, jb->base, &have);
	jb->x.have = 0;
	jb->x.if_range = NULL;
	jb->x.stream = !rewind;
	if (have == 0) {
		return 1;
	}
	/* The validator of the response the bytes came from. */
	if (r != NULL && (r->status == 200 || r->status == 206)) {
		jb->validator[0] = '\0';
		if (r->etag[0] == '"') {
			memcpy(jb->validator, r->etag, sizeof r->etag);
		} else if (r->flags & UF_RESP_LASTMOD) {
			uf_date_format(jb->validator, r->last_modified);
		}
	}
	if (!j->o->fo.include && !j->o->fo.head && (jb->validator[0] != '\0'
	    || (rewind && j->o->fo.resume))) {
		jb->x.have = have;
		jb->x.if_range = jb->validator[0] != '\0' ? jb->validator
		    : NULL;
		return 1;
	}
	return rewind && uf_out_restart(jb->out) == UF_OK;
}

/* Wait ns nanoseconds, through signals (SIGWINCH). */
static void
pause_ns(uint64_t ns)
{
	struct timespec	ts;
	uint64_t	end = uf_now() + ns, now;

	while ((now = uf_now()) < end) {
		ts.tv_sec = (time_t)((end - now) / 1000000000u);
		ts.tv_nsec = (long)((end - now) % 1000000000u);
		(void)ppoll(NULL, 0, &ts, NULL);
	}
}

/*
 * The attempts at the URL: one, and as many more as --retry allows
 * for transient failures, each a line on stderr. Returns the last
 * attempt's outcome; its response and error stay for job_end().
 */
static enum uf_err
job_attempts(struct uf_jobs *j, struct uf_job *jb, int keep)
{
	const struct uf_run_opts	*o = j->o;
	size_t		mark = uf_arena_mark(j->a);
	uint64_t	wait;
	enum uf_err	err;
	char		line[768];

	uf_retry_start(&jb->retry, &o->retry);
	j->nfetched++;
	jb->out->prog = j->prog_on ? &j->prog : NULL;
	for (;;) {
		jb->x.may_retry = jb->retry.done < o->retry.max;
		err = uf_fetch(j->a, &j->conn, &jb->u, &o->fo, jb->out, keep,
		    &jb->x);
		if (jb->x.resp != NULL) {
			jb->size += jb->x.resp->body_seen;
		}
		if (err == UF_OK || err == UF_E_PIPE
		    || !uf_retry_next(&jb->retry, &o->retry, err, jb->x.resp,
		    jb->x.sent, o->fo.body != NULL, &wait)
		    || !carry_over(j, jb)) {
			return err;
		}
		uf_snprintf(line, sizeof line, "%s; retry %u of %u in "
		    "%llu.%u s", uf_err_msg(), jb->retry.done, o->retry.max,
		    (unsigned long long)(wait / 1000000000u),
		    (unsigned)(wait / 100000000u % 10));
		uf_msg_note(jb->arg, line);
		pause_ns(wait);
		uf_arena_reset(j->a, mark);
		uf_err_clear();
	}
}

/* -w: the URL's line on stdout. */
static void
write_out(struct uf_jobs *j, struct uf_job *jb, enum uf_err err)
{
	const struct uf_http_resp	*r = jb->x.resp;
	struct uf_wo			v;
	char				url[UF_LOC_MAX], type[UF_VAL_MAX + 1];

	uf_msg_url(url, sizeof url, jb->x.url != NULL ? jb->x.url : jb->arg);
	type[0] = '\0';
	if (r != NULL) {
		uf_sanitize(type, sizeof type, r->ctype, strlen(r->ctype));
	}
	v.http_code = r != NULL ? r->status : 0;
	v.url = url;
	v.size = jb->size;
	v.ns = uf_now() - jb->t0;
	v.redirects = jb->x.redirects;
	v.content_type = type;
	v.exitcode = err == UF_E_PIPE ? 0 : (int)err;
	v.errormsg = err == UF_OK ? "" : uf_err_msg();
	if (uf_writeout(1, j->o->write_out, &v) != 0 && errno == EPIPE) {
		uf_jobs_record(j, UF_E_PIPE);
	}
}

/*
 * The URL is over: its output committed, kept for the end of the run
 * (-o FILE) or aborted; a 304 never replaces a file. Then its line on
 * stderr, -w's on stdout, and its status.
 */
static void
job_end(struct uf_jobs *j, struct uf_job *jb, enum uf_err err,
    struct uf_outcome *oc)
{
	const struct uf_run_opts	*o = j->o;
	const struct uf_http_resp	*r = jb->x.resp;
	struct uf_out			*out = jb->out;
	enum uf_err			e;
	int				ok, fresh;

	/* --fail-with-body: the error's body is the output. */
	ok = err == UF_OK || (err == UF_E_HTTP && o->fo.fail_body);
	fresh = ok && r != NULL && r->status != 304;
	if (fresh && o->remote_time && (r->flags & UF_RESP_LASTMOD)) {
		uf_out_set_mtime(out, r->last_modified);
	}
	if (out == &j->out_url) {
		if (fresh) {
			e = uf_out_commit(out);
			err = err == UF_OK ? e : err;
		} else {
			/* A transfer cut short is kept for -c to resume. */
			uf_out_abort(out, err == UF_E_NET
			    || err == UF_E_TIMEOUT || o->fo.resume);
		}
	}
	if (out != NULL) {
		uf_progress_end(&j->prog, err == UF_OK);
	}
	if (err != UF_OK && err != UF_E_PIPE) {
		uf_msg(jb->arg, "%s", uf_err_msg());
	}
	if (o->write_out != NULL) {
		write_out(j, jb, err);
	}
	oc->err = err;
	oc->kept = ok;
	oc->fresh = fresh;
	oc->bytes = jb->size;
	/* As the scheduler records a worker's (-P): one way for both. */
	uf_jobs_tally(j, oc);
}

/* see job.h */
void
uf_jobs_tally(struct uf_jobs *j, const struct uf_outcome *oc)
{
	j->filled |= oc->fresh;
	record(j, oc->err, oc->kept);
}

/* see job.h */
void
uf_jobs_run(struct uf_jobs *j, const char *arg, const char *next,
    struct uf_outcome *oc)
{
	struct uf_arena		*a = j->a;
	struct uf_job		jb;
	struct uf_url		nu;
	enum uf_err		err;
	size_t			nmark;
	int			keep = 0;

	memset(&jb, 0, sizeof jb);
	jb.arg = arg;
	jb.t0 = uf_now();
	uf_arena_reset(a, j->mark);
	uf_err_clear();
	err = parse_arg(a, arg, &jb.u);
	if (err == UF_OK && j->o->shards != 0
	    && origin_hash(&jb.u) % j->o->shards != j->o->shard - 1) {
		memset(oc, 0, sizeof *oc);	/* another shard's */
		return;
	}
	if (err == UF_OK) {
		/* The next URL's parse is given back at once. */
		nmark = uf_arena_mark(a);
		keep = next != NULL && parse_arg(a, next, &nu) == UF_OK
		    && uf_url_origin_is(&nu, jb.u.scheme, jb.u.host,
		    jb.u.port);
		uf_arena_reset(a, nmark);
		uf_err_clear();
		err = job_output(j, &jb);
	}
	if (err == UF_OK) {
		err = job_request(j, &jb);
	}
	if (err == UF_OK) {
		err = job_attempts(j, &jb, keep);
	}
	job_end(j, &jb, err, oc);
}

/* A bad -x is a usage error before any URL is tried. */
static enum uf_err
check_proxy(const struct uf_run_opts *o, struct uf_arena *a, size_t mark)
{
	struct uf_proxy	p;
	enum uf_err	err = UF_OK;

	if (o->fo.proxy.proxy != NULL && o->fo.proxy.proxy[0] != '\0') {
		err = uf_proxy_parse(a, o->fo.proxy.proxy, "-x", &p);
		uf_arena_reset(a, mark);
	}
	return err;
}

/* see job.h */
enum uf_err
uf_jobs_init(struct uf_jobs *j, const struct uf_run_opts *o,
    struct uf_arena *a)
{
	void	*mem;

	memset(j, 0, sizeof *j);
	j->o = o;
	j->a = a;
	if (o->output != NULL && uf_out_init(&j->out_file, o->output)
	    != UF_OK) {
		return UF_E_USAGE;
	}
	j->out_file.in_place = o->in_place ? UF_IN_PLACE_MAY
	    : UF_IN_PLACE_NO;
	/* The connection's memory lies below the mark, for all URLs. */
	mem = uf_arena_alloc(a, UF_CONN_MEM);
	if (mem == NULL) {
		return uf_fail(UF_E_INTERNAL, "no room for the connection");
	}
	uf_conn_init(&j->conn, mem, UF_CONN_MEM);
	j->mark = uf_arena_mark(a);
	uf_progress_init(&j->prog, 2);
	j->prog_on = progress_wanted(o);
	return check_proxy(o, a, j->mark);
}

/* see job.h */
int
uf_jobs_finish(struct uf_jobs *j)
{
	enum uf_err	err;

	uf_conn_close(&j->conn);
	if (j->o->output == NULL) {
		return j->status;
	}
	if (j->filled && !j->broken && !j->pipe_closed) {
		uf_err_clear();
		err = uf_out_commit(&j->out_file);
		if (err != UF_OK) {
			uf_msg(j->o->output, "%s", uf_err_msg());
			uf_jobs_record(j, err);
		}
	} else {
		/* Only one body's part can be resumed with -c. */
		uf_out_abort(&j->out_file, j->nfetched == 1
		    && (j->status == UF_E_NET || j->status == UF_E_TIMEOUT
		    || j->o->fo.resume));
	}
	return j->status;
}
