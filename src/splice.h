/*
 * splice.h: a plain body moved from the socket to the output inside
 * the kernel, with splice(2): straight into a pipe, or through a pipe
 * of our own into a file. No byte goes through user space.
 *
 * Only for what the HTTP parser can count without seeing the bytes: a
 * body framed by Content-Length or by the close, on plain TCP.
 */
#ifndef UF_SPLICE_H
#define UF_SPLICE_H

#include <stdint.h>

#include "http.h"
#include "out.h"
#include "ufetch.h"

/* How a uf_splice() ended, in *how. */
enum {
	UF_SPLICE_DONE,		/* the body is complete */
	UF_SPLICE_EOF,		/* the connection ended */
	UF_SPLICE_NOT		/* splice cannot go on: read and write */
};

/*
 * Move up to left bytes of r's body (UINT64_MAX: to the close) from
 * sock to out, telling r (uf_http_body_moved()) and out
 * (uf_out_count()) of every move. Waits are idle time of T (lim), as
 * for reads; a reader that stalls a pipe is waited for up to -m only;
 * -m is checked before every move. *noted is set once the move was
 * noted under -v. Returns UF_OK with *how, or the error recorded.
 */
enum uf_err	uf_splice(struct uf_out *out, int sock,
		    const struct uf_limits *lim, struct uf_http_resp *r,
		    uint64_t left, int *how, int *noted);

#endif
