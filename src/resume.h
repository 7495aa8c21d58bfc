/*
 * resume.h: -c, and a retry that continues what an attempt wrote. A
 * request that asked for the bytes from 'have' on (a Range request)
 * gets a final response; this says what it means for the bytes the
 * output already holds, and holds a 206 to exactly the rest of the
 * file.
 */
#ifndef UF_RESUME_H
#define UF_RESUME_H

#include <stdint.h>

#include "http.h"
#include "out.h"
#include "ufetch.h"

struct uf_resume {
	uint64_t	have;	/* bytes already there; 0: not resuming */
	int		stream;	/* they cannot be taken back (stdout) */
	int		ranged;	/* a 206 not framed by Content-Length: */
	uint64_t	left;	/*   at most 'left' more bytes of it */
};

/*
 * The final response r. A 206 must start where the bytes we have end,
 * reach the end of the file, and (framed by Content-Length) hold just
 * its range; that it is of the version If-Range named, when one was
 * sent, is the server's word (it sends the whole body for another). A
 * 200 sends everything again, so out starts over (a stream cannot:
 * UF_E_NET, rather than a byte written twice); a 416 says there is
 * nothing more (*skip: the body is not written). Every check is made
 * before a byte is written. Returns UF_OK or the error recorded
 * (UF_E_PROTO, UF_E_OUTPUT, UF_E_NET).
 */
enum uf_err	uf_resume_check(struct uf_resume *rs,
		    const struct uf_http_resp *r, struct uf_out *out,
		    int *skip);

/*
 * rs->ranged: n more body bytes are about to be written; not one past
 * the range may be. Returns UF_OK or UF_E_PROTO.
 */
enum uf_err	uf_resume_take(struct uf_resume *rs,
		    const struct uf_http_resp *r, size_t n);

/*
 * The body ended: all of the range must have come. Returns UF_OK, or
 * UF_E_NET (cut with the connection: -c again), or UF_E_PROTO.
 */
enum uf_err	uf_resume_end(const struct uf_resume *rs,
		    const struct uf_http_resp *r);

#endif
