/*
 * resume.c: -c, the response to a Range request checked against the
 * bytes we have (see resume.h).
 */
#include "resume.h"

/* see resume.h */
enum uf_err
uf_resume_check(struct uf_resume *rs, const struct uf_http_resp *r,
    struct uf_out *out, int *skip)
{
	uint64_t	span;

	*skip = 0;
	rs->ranged = 0;
	if (rs->have == 0) {
		return UF_OK;
	}
	if (r->status == 206) {
		if (!(r->flags & UF_RESP_RANGE)
		    || r->range_first != rs->have) {
			return uf_fail(UF_E_PROTO, "cannot resume: asked for "
			    "bytes from %llu, the 206 has no matching "
			    "Content-Range", (unsigned long long)rs->have);
		}
		/*
		 * We asked for all from have: a range that stops before the
		 * end would make FILE look complete, and a body that is not
		 * the range would run past it or stop short. Checked before
		 * a byte is written; a body without Content-Length is held
		 * to the range as it comes (uf_resume_take()).
		 */
		span = r->range_last - r->range_first + 1;
		if (r->range_total != UINT64_MAX
		    && r->range_last + 1 != r->range_total) {
			return uf_fail(UF_E_PROTO, "cannot resume: the 206 "
			    "stops at byte %llu of %llu",
			    (unsigned long long)r->range_last,
			    (unsigned long long)r->range_total);
		}
		if (r->framing == UF_BODY_LENGTH && r->length != span) {
			return uf_fail(UF_E_PROTO, "cannot resume: the 206 "
			    "has %llu body bytes for its Content-Range bytes "
			    "%llu-%llu", (unsigned long long)r->length,
			    (unsigned long long)r->range_first,
			    (unsigned long long)r->range_last);
		}
		rs->ranged = r->framing != UF_BODY_LENGTH;
		rs->left = span;
		uf_note("resuming at byte %llu", (unsigned long long)rs->have);
		return UF_OK;
	}
	if (r->status == 416) {
		if ((r->flags & UF_RESP_RANGE) && r->range_total != rs->have) {
			return uf_fail(UF_E_PROTO, "cannot resume: the server "
			    "has %llu bytes, %s holds %llu",
			    (unsigned long long)r->range_total, out->tmp,
			    (unsigned long long)rs->have);
		}
		uf_note("%s is already complete", out->tmp);
		*skip = 1;
		return UF_OK;
	}
	if (r->status >= 200 && r->status < 300) {
		if (rs->stream) {
			return uf_fail(UF_E_NET, "cannot continue after %llu "
			    "bytes: the server sent the whole body again",
			    (unsigned long long)rs->have);
		}
		uf_note("the server sent the whole body: starting over");
		return uf_out_restart(out);
	}
	return UF_OK;
}

/* see resume.h */
enum uf_err
uf_resume_take(struct uf_resume *rs, const struct uf_http_resp *r, size_t n)
{
	if (!rs->ranged) {
		return UF_OK;
	}
	if (n > rs->left) {
		return uf_fail(UF_E_PROTO, "bad response: the 206 sends more "
		    "than its Content-Range bytes %llu-%llu",
		    (unsigned long long)r->range_first,
		    (unsigned long long)r->range_last);
	}
	rs->left -= n;
	return UF_OK;
}

/* see resume.h */
enum uf_err
uf_resume_end(const struct uf_resume *rs, const struct uf_http_resp *r)
{
	if (!rs->ranged || rs->left == 0) {
		return UF_OK;
	}
	/* A close-framed body cut short is a cut connection: -c again. */
	return uf_fail(r->framing == UF_BODY_CLOSE ? UF_E_NET : UF_E_PROTO,
	    "the 206 ended %llu bytes short of its Content-Range bytes "
	    "%llu-%llu", (unsigned long long)rs->left,
	    (unsigned long long)r->range_first,
	    (unsigned long long)r->range_last);
}

