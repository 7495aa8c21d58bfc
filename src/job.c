/*
 * job.c: the URLs of a run, one at a time (see job.h).
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"
#include "fmt.h"
#include "job.h"
#include "msg.h"
#include "url.h"

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

/* see job.h */
void
uf_jobs_record(struct uf_jobs *j, enum uf_err err)
{
	if (err == UF_E_PIPE) {
		j->pipe_closed = 1;
	} else if (j->status == 0 && err != UF_OK) {
		j->status = (int)err;
	}
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

/* see job.h */
enum uf_err
uf_jobs_run(struct uf_jobs *j, const char *arg, const char *next)
{
	const struct uf_run_opts	*o = j->o;
	struct uf_arena		*a = j->a;
	struct uf_url		u, nu;
	struct uf_out		*out;
	const char		*name;
	enum uf_err		err;
	size_t			len, nmark;
	uint64_t		before;
	int			keep;

	uf_arena_reset(a, j->mark);
	uf_err_clear();
	err = parse_arg(a, arg, &u);
	if (err != UF_OK) {
		uf_msg(arg, "%s", uf_err_msg());
		uf_jobs_record(j, err);
		return err;
	}
	if (o->shards != 0 && origin_hash(&u) % o->shards != o->shard - 1) {
		return UF_OK;
	}
	/* The next URL's parse is given back at once: it costs us nothing. */
	nmark = uf_arena_mark(a);
	keep = next != NULL && parse_arg(a, next, &nu) == UF_OK
	    && uf_url_origin_is(&nu, u.scheme, u.host, u.port);
	uf_arena_reset(a, nmark);
	uf_err_clear();
	if (o->output != NULL && !j->worker) {
		out = &j->out_file;
	} else {
		out = &j->out_url;
		if (o->remote_name) {
			char		path[PATH_MAX];
			const char	*dir = o->dir;	/* wget -P */
			size_t		dlen = 0;

			name = uf_url_filename(&u, &len);
			if (dir != NULL) {
				dlen = (size_t)uf_snprintf(path, sizeof path,
				    "%s/", dir);
			}
			if (dlen + len >= sizeof path) {
				uf_msg(arg, "file name too long");
				uf_jobs_record(j, UF_E_OUTPUT);
				return UF_E_OUTPUT;
			}
			memcpy(path + dlen, name, len);
			path[dlen + len] = '\0';
			err = uf_out_init(out, path);
		} else {
			err = uf_out_init(out, NULL);
		}
		if (err != UF_OK) {
			uf_msg(arg, "%s", uf_err_msg());
			uf_jobs_record(j, err);
			return err;
		}
	}
	j->nfetched++;
	out->prog = j->prog_on ? &j->prog : NULL;
	before = out->written;
	err = uf_fetch(a, &j->conn, &u, &o->fo, out, keep);
	j->bytes += out->written - before;
	if (err == UF_OK && out == &j->out_url) {
		err = uf_out_commit(out);
	}
	uf_progress_end(&j->prog, err == UF_OK);
	if (err != UF_OK) {
		if (out == &j->out_url) {
			/* A transfer cut short is kept for -c to resume. */
			uf_out_abort(out, err == UF_E_NET
			    || err == UF_E_TIMEOUT || o->fo.resume);
		}
		if (err != UF_E_PIPE) {
			uf_msg(arg, "%s", uf_err_msg());
		}
	}
	uf_jobs_record(j, err);
	return err;
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
	if (j->status == 0 && !j->pipe_closed) {
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
