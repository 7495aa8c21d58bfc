/*
 * http.h: HTTP/1.1 request heads and an incremental response parser.
 *
 * The parser is a byte-at-a-time state machine over caller-owned
 * buffers: it never allocates, never looks back at bytes it has
 * consumed, and does not keep header lines. It keeps only what framing
 * and the next steps need: the status line (for -i and for messages),
 * the body framing, the Connection tokens, the validators (ETag,
 * Last-Modified), Retry-After, Content-Type, Content-Range, and the
 * Location value (copied into a buffer the caller provides). Any split of the input
 * gives the same result, one byte at a time included.
 *
 * A response is read in two phases:
 *   1. uf_http_head() until it returns UF_HTTP_HEAD (the final head;
 *      interim 1xx heads are reported and skipped);
 *   2. uf_http_body() until it returns UF_HTTP_DONE, or, when the
 *      connection ends first, uf_http_eof() decides whether the body
 *      was complete (close-delimited) or truncated.
 */
#ifndef UF_HTTP_H
#define UF_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "url.h"

/*
 * Limits, each with its reason:
 * UF_HEAD_MAX: bytes in one response head (status line and fields) or
 *   in a chunked trailer section; beyond it the server is broken or
 *   hostile, and without a bound a drip could run on for ever under -t.
 * UF_STATUS_MAX: the status line is kept whole (for -i and messages).
 * UF_VAL_MAX: longest Content-Length, Transfer-Encoding or Connection
 *   value we interpret; real ones are a few bytes.
 * UF_CHUNK_LINE_MAX: longest chunk-size line with extensions.
 * UF_INTERIM_MAX: interim (1xx) responses before the final one.
 */
#define UF_HEAD_MAX		65536
#define UF_STATUS_MAX		1024
#define UF_VAL_MAX		256
#define UF_CHUNK_LINE_MAX	4096
#define UF_INTERIM_MAX		16

/* Results of uf_http_head(), uf_http_body() and uf_http_eof(). */
enum {
	UF_HTTP_MORE = 0,	/* all input used, need more */
	UF_HTTP_STATUS = 1,	/* a status line just ended */
	UF_HTTP_INTERIM = 2,	/* an interim (1xx) head just ended */
	UF_HTTP_HEAD = 3,	/* the final head just ended */
	UF_HTTP_DONE = 4,	/* the body is complete */

	UF_HTTP_E_STATUS = -1,	/* malformed status line */
	UF_HTTP_E_VERSION = -2,	/* not HTTP/1.0 or HTTP/1.1 */
	UF_HTTP_E_FIELD = -3,	/* malformed header line */
	UF_HTTP_E_CR = -4,	/* CR not followed by LF */
	UF_HTTP_E_LENGTH = -5,	/* bad or conflicting Content-Length */
	UF_HTTP_E_CODING = -6,	/* Transfer-Encoding other than chunked */
	UF_HTTP_E_AMBIG = -7,	/* Content-Length with Transfer-Encoding */
	UF_HTTP_E_CHUNK = -8,	/* malformed chunked framing */
	UF_HTTP_E_BIG = -9,	/* a head, line or chunk over its limit */
	UF_HTTP_E_SWITCH = -10,	/* 101 Switching Protocols, never asked */
	UF_HTTP_E_INTERIM = -11, /* more than UF_INTERIM_MAX 1xx heads */
	UF_HTTP_E_EMPTY = -12,	/* closed before any byte */
	UF_HTTP_E_TRUNC_HEAD = -13, /* closed inside the head */
	UF_HTTP_E_TRUNC_BODY = -14  /* closed before the body ended */
};

enum uf_framing {
	UF_BODY_NONE,		/* HEAD, 204, 304 */
	UF_BODY_LENGTH,		/* Content-Length */
	UF_BODY_CHUNKED,
	UF_BODY_CLOSE		/* until the connection closes */
};

/* Flags in uf_http_resp.flags. */
#define UF_RESP_CLOSE		0x01	/* Connection: close */
#define UF_RESP_KEEPALIVE	0x02	/* Connection: keep-alive */
#define UF_RESP_LOC_LONG	0x04	/* Location did not fit loc_cap */
#define UF_RESP_LOC_MANY	0x08	/* more than one Location */
#define UF_RESP_RANGE		0x10	/* a well-formed Content-Range */
#define UF_RESP_LASTMOD		0x20	/* a Last-Modified date */
#define UF_RESP_RETRY		0x40	/* a Retry-After, in seconds */
#define UF_RESP_RETRY_DATE	0x80	/*   or as a date */

/*
 * One response. Before the first call the caller MUST zero it and may
 * then set 'head_request' (the request was HEAD: no body follows) and
 * 'loc'/'loc_cap' (a buffer, owned by the caller, that receives the
 * Location value NUL-terminated; loc NULL means Location is ignored).
 * Everything else is output or private state.
 */
struct uf_http_resp {
	/* set by the caller */
	int		head_request;
	char		*loc;
	size_t		loc_cap;

	/* outputs, valid once the named event was returned */
	int		status;		/* UF_HTTP_STATUS */
	int		minor;		/* UF_HTTP_STATUS: HTTP/1.minor */
	char		line[UF_STATUS_MAX]; /* UF_HTTP_STATUS: status line
					   as received, with its CRLF/LF */
	size_t		line_len;
	enum uf_framing	framing;	/* UF_HTTP_HEAD */
	uint64_t	length;		/* UF_HTTP_HEAD, UF_BODY_LENGTH */
	unsigned	flags;		/* UF_HTTP_HEAD */
	size_t		loc_len;	/* UF_HTTP_HEAD */
	uint64_t	range_first;	/* UF_HTTP_HEAD with UF_RESP_RANGE: */
	uint64_t	range_last;	/*   Content-Range; UINT64_MAX where */
	uint64_t	range_total;	/*   the value had a star */
	char		etag[UF_VAL_MAX + 1]; /* UF_HTTP_HEAD: the ETag, a
					   well-formed one only; "": none */
	char		ctype[UF_VAL_MAX + 1]; /* UF_HTTP_HEAD: Content-Type,
					   "" when none or too long */
	int64_t		last_modified;	/* UF_RESP_LASTMOD: the time */
	int64_t		retry_after;	/* UF_RESP_RETRY: seconds (or
					   with _DATE the time) to come
					   back at */
	uint64_t	body_seen;	/* body bytes delivered so far */
	unsigned	interim;	/* interim heads skipped */

	/* private */
	unsigned	state;
	unsigned	sub;		/* state-local counter */
	size_t		head_bytes;	/* bytes of the current head */
	int		field;		/* kind of the current field */
	int		pending;	/* a field awaits interpretation */
	int		any_field;	/* a field line was seen */
	char		name[24];	/* lower-cased start of the name */
	size_t		name_len;
	unsigned char	val[UF_VAL_MAX];
	size_t		val_len;
	int		val_long;
	int		cl_seen, te_count, te_chunked, te_seen;
	int		loc_seen;
	uint64_t	remain;		/* body bytes left (length, chunk) */
	size_t		line_bytes;	/* chunk-size line / trailer bytes */
	int		any_byte;
};

/*
 * Feed head bytes buf[0..len). Stops after each event, so *used (bytes
 * consumed) may be less than len; call again with the rest.
 * Returns UF_HTTP_MORE (all of buf used), UF_HTTP_STATUS, UF_HTTP_INTERIM,
 * UF_HTTP_HEAD (buf[*used..] is body or beyond), or a UF_HTTP_E_* code;
 * errors are final.
 */
int	uf_http_head(struct uf_http_resp *r, const unsigned char *buf,
	    size_t len, size_t *used);

/*
 * Feed body bytes buf[0..len), after UF_HTTP_HEAD. Consumes framing up
 * to and including at most one span of body data, which it reports as
 * buf[*doff .. *doff + *dlen) (*dlen may be 0); *used is the number of
 * bytes consumed, data included. Returns UF_HTTP_MORE (call again with
 * the rest, or with more input once all is used), UF_HTTP_DONE (body
 * complete; buf[*used..] is not part of this response) or a
 * UF_HTTP_E_* code. For UF_BODY_NONE it returns UF_HTTP_DONE at once.
 */
int	uf_http_body(struct uf_http_resp *r, const unsigned char *buf,
	    size_t len, size_t *used, size_t *doff, size_t *dlen);

/*
 * For a body framed by Content-Length or by the end of the connection
 * and begun but not complete: set *left to the bytes still to come
 * (UINT64_MAX: until the connection ends) and return 1, so that the
 * caller may move them without parsing (splice). Otherwise return 0.
 */
int	uf_http_body_plain(const struct uf_http_resp *r, uint64_t *left);

/*
 * n body bytes of a plain body (see uf_http_body_plain()) were moved
 * by the caller; n MUST NOT exceed *left. Returns UF_HTTP_DONE when
 * that completed the body, UF_HTTP_MORE otherwise.
 */
int	uf_http_body_moved(struct uf_http_resp *r, uint64_t n);

/*
 * After UF_HTTP_HEAD: may the connection carry another request once
 * this body has ended (RFC 9112 section 9.3)? Not when the body runs
 * to the close, the server sent "Connection: close", or an HTTP/1.0
 * server did not send "Connection: keep-alive". Returns 1 or 0.
 */
int	uf_http_persistent(const struct uf_http_resp *r);

/*
 * The connection ended. Returns UF_HTTP_DONE when the response is
 * complete (its body was close-delimited, or already done), otherwise
 * UF_HTTP_E_EMPTY, UF_HTTP_E_TRUNC_HEAD or UF_HTTP_E_TRUNC_BODY.
 */
int	uf_http_eof(struct uf_http_resp *r);

/* A message for a UF_HTTP_E_* code (static text). */
const char	*uf_http_strerror(int code);

/*
 * The reason phrase of the parsed status line: a pointer into r->line
 * and its length (without the line end).
 */
const char	*uf_http_reason(const struct uf_http_resp *r, size_t *len);

/*
 * A request head. hdrs are -H arguments as given by the user, checked
 * by uf_http_check_header(): "Name: value" adds a header or replaces a
 * default one of that name, "Name:" removes a default one, "Name;"
 * sends the header with an empty value. The defaults, in order: Host,
 * User-Agent, Accept-Encoding, Connection, Authorization, Range,
 * If-Range, If-Modified-Since, Content-Type and Content-Length, each
 * sent only when it has a value.
 * With a body, Content-Length is always ours: a wrong one from -H would
 * cut the body or make the server wait for bytes that never come.
 */
struct uf_req {
	const char		*method;
	const struct uf_url	*url;
	const char		*user_agent;
	const char *const	*hdrs;
	size_t			nhdrs;
	int			keep_alive;	/* omit Connection: close */
	const char		*auth;		/* Authorization value, or NULL */
	uint64_t		range_from;	/* > 0: Range: bytes=N- */
	const char		*if_range;	/* with range_from: If-Range */
	const char		*ims;		/* If-Modified-Since, or NULL */
	int			has_body;	/* body_len bytes follow */
	uint64_t		body_len;
	int			body_dropped;	/* a redirect turned it into a GET:
						   no user Content-Type/-Length */
	int			other_origin;	/* a redirect left the first
						   origin: no user Authorization
						   or Cookie */
	/* NULL: url->target; a proxy gets the absolute form */
	const char		*target;
	/* Proxy-Authorization value (unless -H sets one), or NULL */
	const char		*proxy_auth;
};

/*
 * Check one -H argument. Returns 0 when it is usable, -1 when it has no
 * colon, a bad name, or a CR, LF or other control byte in the value.
 */
int	uf_http_check_header(const char *h);

/*
 * Write the request head for rq into buf[0..cap), like snprintf:
 * returns the full length whether or not it fit, and writes nothing
 * when buf is NULL. The head is not NUL-terminated.
 */
size_t	uf_http_request(char *buf, size_t cap, const struct uf_req *rq);

#endif
