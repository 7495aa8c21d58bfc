/*
 * http.c: request heads and the incremental response parser (see
 * http.h).
 *
 * IMPLEMENTATION NOTES
 *
 * The parser takes one byte at a time in every state except body data,
 * which it hands back as spans of the caller's buffer (no copy). The
 * states, in the order a response walks them:
 *
 *   S_START .. S_STATUS_LF	status line; empty lines before it are
 *				skipped (at most 4)
 *   S_LINE .. S_END_LF		field lines, then the blank line
 *   S_BODY			head done, framing is not chunked
 *   C_*			chunk-size line, extensions, data, data end
 *   T_*			trailer section after the last chunk
 *   S_DONE			body complete
 *   S_FAIL			an error; 'sub' holds its code, every
 *				later call returns it again
 *
 * A field's value is interpreted when the next line starts with
 * something other than whitespace (or the head ends), because an
 * obs-fold continuation line may still extend it; 'pending' marks
 * that. We interpret only the fields of 'known' below; the others are
 * checked for syntax and forgotten.
 *
 * Strictness follows RFC 9112 with the leniencies it allows a user
 * agent: a bare LF ends a line, an obs-fold is read as a space, and
 * whitespace-led lines before the first field are skipped. A bare CR,
 * a NUL or another control byte, a field without a colon or with a
 * space in its name, any Transfer-Encoding but a single "chunked", a
 * Content-Length beside a Transfer-Encoding, and differing
 * Content-Length values are all rejected: a client that guesses here
 * is the other half of a request-smuggling attack.
 */
#include <string.h>

#include "date.h"
#include "fmt.h"
#include "http.h"

enum {
	S_START, S_START_LF, S_PROTO, S_MAJOR, S_DOT, S_MINOR, S_SP,
	S_CODE, S_AFTER_CODE, S_REASON, S_STATUS_LF,
	S_LINE, S_NAME, S_VALUE, S_VALUE_LF, S_SKIP, S_SKIP_LF, S_END_LF,
	S_BODY,
	C_SIZE0, C_SIZE, C_SIZE_WS, C_EXT_NAME0, C_EXT_NAME, C_EXT_NAME_WS,
	C_EXT_VAL0, C_EXT_TOKEN, C_EXT_QUOTED, C_EXT_ESC, C_EXT_AFTER_Q,
	C_EXT_VAL_WS, C_SIZE_LF, C_DATA, C_DATA_END, C_DATA_LF,
	T_LINE, T_NAME, T_VALUE, T_VALUE_LF, T_END_LF,
	S_DONE, S_FAIL
};

enum {
	H_OTHER, H_LENGTH, H_CODING, H_CONNECTION, H_LOCATION, H_RANGE,
	H_ETAG, H_LASTMOD, H_RETRY, H_CTYPE
};

static const struct {
	const char	*name;
	int		field;
} known[] = {
	{ "content-length", H_LENGTH },
	{ "transfer-encoding", H_CODING },
	{ "connection", H_CONNECTION },
	{ "location", H_LOCATION },
	{ "content-range", H_RANGE },
	{ "etag", H_ETAG },
	{ "last-modified", H_LASTMOD },
	{ "retry-after", H_RETRY },
	{ "content-type", H_CTYPE },
};

/* Largest body or chunk length we accept: 2^63 - 1. */
#define LEN_MAX	((uint64_t)INT64_MAX)

static int
is_tchar(unsigned c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9')) {
		return 1;
	}
	return c != 0 && strchr("!#$%&'*+-.^_`|~", (int)c) != NULL;
}

/* field-vchar, SP and HTAB: what a field value may hold. */
static int
is_vchar(unsigned c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int
is_ows(unsigned c)
{
	return c == ' ' || c == '\t';
}

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int
fail(struct uf_http_resp *r, int code)
{
	r->state = S_FAIL;
	r->sub = (unsigned)-code;
	return code;
}

/* Case-insensitive comparison of p[0..n) with the lower-case word w. */
static int
eq_word(const unsigned char *p, size_t n, const char *w)
{
	size_t	i;

	if (strlen(w) != n) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (lower(p[i]) != w[i]) {
			return 0;
		}
	}
	return 1;
}

/*
 * Call fn on each element of the comma-separated list in r->val, with
 * surrounding whitespace trimmed; empty elements are passed too.
 */
static int
each_elem(struct uf_http_resp *r,
    int (*fn)(struct uf_http_resp *, const unsigned char *, size_t))
{
	size_t	i = 0, s, e;
	int	rc;

	for (;;) {
		s = i;
		while (i < r->val_len && r->val[i] != ',') {
			i++;
		}
		e = i;
		while (s < e && is_ows(r->val[s])) {
			s++;
		}
		while (e > s && is_ows(r->val[e - 1])) {
			e--;
		}
		rc = fn(r, r->val + s, e - s);
		if (rc != 0) {
			return rc;
		}
		if (i == r->val_len) {
			return 0;
		}
		i++;
	}
}

static int
length_elem(struct uf_http_resp *r, const unsigned char *p, size_t n)
{
	uint64_t	v = 0;
	size_t		i;

	if (n == 0) {
		return UF_HTTP_E_LENGTH;
	}
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9') {
			return UF_HTTP_E_LENGTH;
		}
		if (v > (LEN_MAX - (p[i] - '0')) / 10) {
			return UF_HTTP_E_LENGTH;
		}
		v = v * 10 + (p[i] - '0');
	}
	/* "6, 6" is one length said twice (RFC 9110 8.6); "6, 7" is not. */
	if (r->cl_seen && v != r->length) {
		return UF_HTTP_E_LENGTH;
	}
	r->cl_seen = 1;
	r->length = v;
	return 0;
}

static int
coding_elem(struct uf_http_resp *r, const unsigned char *p, size_t n)
{
	if (n == 0) {
		return 0;
	}
	r->te_count++;
	r->te_chunked = eq_word(p, n, "chunked");
	return 0;
}

static int
connection_elem(struct uf_http_resp *r, const unsigned char *p, size_t n)
{
	if (eq_word(p, n, "close")) {
		r->flags |= UF_RESP_CLOSE;
	} else if (eq_word(p, n, "keep-alive")) {
		r->flags |= UF_RESP_KEEPALIVE;
	}
	return 0;
}

/*
 * A decimal number at p[*i..n) up to LEN_MAX; advances *i. Returns -1
 * when there is no digit or it overflows.
 */
static int
num_at(const unsigned char *p, size_t n, size_t *i, uint64_t *v)
{
	size_t	s = *i;

	*v = 0;
	while (*i < n && p[*i] >= '0' && p[*i] <= '9') {
		if (*v > (LEN_MAX - (p[*i] - '0')) / 10) {
			return -1;
		}
		*v = *v * 10 + (p[(*i)++] - '0');
	}
	return *i > s ? 0 : -1;
}

/*
 * Content-Range (RFC 9110 14.4): "bytes FIRST-LAST/TOTAL" in a 206
 * (TOTAL may be a star: unknown), and in a 416 a star in place of
 * FIRST-LAST. Only a well-formed value sets UF_RESP_RANGE: resuming is
 * refused without one, never guessed.
 */
static void
parse_range(struct uf_http_resp *r)
{
	const unsigned char	*p = r->val;
	size_t			n = r->val_len, i;
	uint64_t		first = UINT64_MAX, last = UINT64_MAX, total;

	while (n > 0 && is_ows(*p)) {
		p++;
		n--;
	}
	while (n > 0 && is_ows(p[n - 1])) {
		n--;
	}
	if (r->val_long || n < 8 || !eq_word(p, 6, "bytes ")) {
		return;
	}
	i = 6;
	if (p[i] == '*') {
		i++;
	} else if (num_at(p, n, &i, &first) != 0 || i >= n || p[i++] != '-'
	    || num_at(p, n, &i, &last) != 0 || last < first) {
		return;
	}
	if (i >= n || p[i++] != '/') {
		return;
	}
	if (i < n && p[i] == '*' && i + 1 == n && first != UINT64_MAX) {
		total = UINT64_MAX;
	} else if (num_at(p, n, &i, &total) != 0 || i != n
	    || (first != UINT64_MAX && last >= total)) {
		return;
	}
	r->range_first = first;
	r->range_last = last;
	r->range_total = total;
	r->flags |= UF_RESP_RANGE;
}

/* The length of the value just read without trailing whitespace; 0
 * when it was too long to keep. */
static size_t
value_len(const struct uf_http_resp *r)
{
	size_t	n = r->val_long ? 0 : r->val_len;

	while (n > 0 && is_ows(r->val[n - 1])) {
		n--;
	}
	return n;
}

/*
 * ETag (RFC 9110 8.8.3), kept only when well-formed: a validator
 * If-Range can send back; Content-Type, as it came.
 */
static void
keep_value(struct uf_http_resp *r, char *dst)
{
	size_t	n = value_len(r), w;

	w = n >= 2 && r->val[0] == 'W' && r->val[1] == '/' ? 2 : 0;
	if (dst == r->etag && (n < w + 2 || r->val[w] != '"'
	    || r->val[n - 1] != '"')) {
		return;
	}
	memcpy(dst, r->val, n);
	dst[n] = '\0';
}

/* Last-Modified, and Retry-After (RFC 9110 10.2.3): seconds or a date. */
static void
parse_time(struct uf_http_resp *r, int64_t *t, unsigned flag)
{
	const char	*v = (const char *)r->val;
	size_t		n = value_len(r), i = 0;
	uint64_t	secs;

	if (flag == UF_RESP_RETRY && num_at(r->val, n, &i, &secs) == 0
	    && i == n) {
		*t = secs < INT32_MAX ? (int64_t)secs : INT32_MAX;
	} else if (uf_date_parse(v, n, t) == 0) {
		flag |= flag == UF_RESP_RETRY ? UF_RESP_RETRY_DATE : 0;
	} else {
		return;
	}
	r->flags |= flag;
}

/* Interpret the field that just ended, if we care about it. */
static int
finish_field(struct uf_http_resp *r)
{
	int	rc = 0;

	if (!r->pending) {
		return 0;
	}
	r->pending = 0;
	switch (r->field) {
	case H_LENGTH:
		rc = r->val_long ? UF_HTTP_E_LENGTH
		    : each_elem(r, length_elem);
		break;
	case H_CODING:
		r->te_seen = 1;
		rc = r->val_long ? UF_HTTP_E_CODING
		    : each_elem(r, coding_elem);
		break;
	case H_CONNECTION:
		rc = each_elem(r, connection_elem);
		break;
	case H_RANGE:
		parse_range(r);
		break;
	case H_CTYPE:
		keep_value(r, r->ctype);
		break;
	case H_ETAG:
		keep_value(r, r->etag);
		break;
	case H_LASTMOD:
		parse_time(r, &r->last_modified, UF_RESP_LASTMOD);
		break;
	case H_RETRY:
		parse_time(r, &r->retry_after, UF_RESP_RETRY);
		break;
	case H_LOCATION:
		while (r->loc_len > 0 && is_ows((unsigned char)
		    r->loc[r->loc_len - 1])) {
			r->loc_len--;
		}
		r->loc[r->loc_len] = '\0';
		break;
	}
	return rc;
}

static void
start_field(struct uf_http_resp *r)
{
	size_t	i;

	r->field = H_OTHER;
	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strlen(known[i].name) == r->name_len
		    && memcmp(known[i].name, r->name, r->name_len) == 0) {
			r->field = known[i].field;
		}
	}
	if (r->field == H_LOCATION) {
		if (r->loc == NULL || r->loc_cap == 0) {
			r->field = H_OTHER;
		} else if (r->loc_seen) {
			r->flags |= UF_RESP_LOC_MANY;
			r->field = H_OTHER;
		} else {
			r->loc_seen = 1;
		}
	}
	r->val_len = 0;
	r->val_long = 0;
	r->pending = 1;
}

static void
add_value(struct uf_http_resp *r, unsigned c)
{
	if (r->field == H_OTHER) {
		return;
	}
	if (r->field == H_LOCATION) {
		if (r->loc_len == 0 && is_ows(c)) {
			return;
		}
		if (r->loc_len + 1 < r->loc_cap) {
			r->loc[r->loc_len++] = (char)c;
		} else {
			r->flags |= UF_RESP_LOC_LONG;
		}
		return;
	}
	if (r->val_len < sizeof r->val) {
		r->val[r->val_len++] = (unsigned char)c;
	} else {
		r->val_long = 1;
	}
}

static void
new_head(struct uf_http_resp *r)
{
	r->any_field = 0;
	r->pending = 0;
	r->cl_seen = 0;
	r->te_seen = 0;
	r->te_count = 0;
	r->te_chunked = 0;
	r->flags = 0;
	r->length = 0;
	r->loc_len = 0;
	r->loc_seen = 0;
	r->etag[0] = '\0';
	r->ctype[0] = '\0';
	if (r->loc != NULL && r->loc_cap > 0) {
		r->loc[0] = '\0';
	}
}

static int
head_done(struct uf_http_resp *r)
{
	int	rc;

	rc = finish_field(r);
	if (rc != 0) {
		return fail(r, rc);
	}
	if (r->status < 200) {
		if (r->status == 101) {
			return fail(r, UF_HTTP_E_SWITCH);
		}
		if (++r->interim > UF_INTERIM_MAX) {
			return fail(r, UF_HTTP_E_INTERIM);
		}
		r->state = S_START;
		r->sub = 0;
		r->head_bytes = 0;
		r->line_len = 0;
		new_head(r);
		return UF_HTTP_INTERIM;
	}
	if (r->head_request || r->status == 204 || r->status == 304) {
		r->framing = UF_BODY_NONE;
		r->state = S_DONE;
	} else if (r->te_seen) {
		if (r->cl_seen) {
			return fail(r, UF_HTTP_E_AMBIG);
		}
		if (r->te_count != 1 || !r->te_chunked) {
			return fail(r, UF_HTTP_E_CODING);
		}
		r->framing = UF_BODY_CHUNKED;
		r->state = C_SIZE0;
		r->line_bytes = 0;
	} else if (r->cl_seen) {
		r->framing = UF_BODY_LENGTH;
		r->remain = r->length;
		r->state = r->length == 0 ? S_DONE : S_BODY;
	} else {
		r->framing = UF_BODY_CLOSE;
		r->state = S_BODY;
	}
	return UF_HTTP_HEAD;
}

static int
put_line(struct uf_http_resp *r, unsigned c)
{
	if (r->line_len == sizeof r->line) {
		return fail(r, UF_HTTP_E_BIG);
	}
	r->line[r->line_len++] = (char)c;
	return UF_HTTP_MORE;
}

static int
status_done(struct uf_http_resp *r)
{
	r->state = S_LINE;
	new_head(r);
	return UF_HTTP_STATUS;
}

/* One byte of the status line. */
static int
status_byte(struct uf_http_resp *r, unsigned c)
{
	if (r->state != S_START && r->state != S_START_LF
	    && put_line(r, c) != UF_HTTP_MORE) {
		return UF_HTTP_E_BIG;
	}
	switch (r->state) {
	case S_START:
		if (c == 'H') {
			r->line_len = 0;
			put_line(r, c);
			r->state = S_PROTO;
			r->sub = 1;
		} else if (c == '\r') {
			r->state = S_START_LF;
		} else if (c == '\n') {
			if (++r->sub > 4) {
				return fail(r, UF_HTTP_E_STATUS);
			}
		} else {
			return fail(r, UF_HTTP_E_STATUS);
		}
		return UF_HTTP_MORE;
	case S_START_LF:
		if (c != '\n') {
			return fail(r, UF_HTTP_E_CR);
		}
		r->state = S_START;
		if (++r->sub > 4) {
			return fail(r, UF_HTTP_E_STATUS);
		}
		return UF_HTTP_MORE;
	case S_PROTO:
		if (c != (unsigned char)"HTTP/"[r->sub]) {
			return fail(r, UF_HTTP_E_STATUS);
		}
		if (++r->sub == 5) {
			r->state = S_MAJOR;
		}
		return UF_HTTP_MORE;
	case S_MAJOR:
		if (c < '0' || c > '9') {
			return fail(r, UF_HTTP_E_STATUS);
		}
		r->sub = c - '0';
		r->state = S_DOT;
		return UF_HTTP_MORE;
	case S_DOT:
		if (c != '.') {
			return fail(r, UF_HTTP_E_STATUS);
		}
		r->state = S_MINOR;
		return UF_HTTP_MORE;
	case S_MINOR:
		if (c < '0' || c > '9') {
			return fail(r, UF_HTTP_E_STATUS);
		}
		r->minor = (int)(c - '0');
		r->state = S_SP;
		return UF_HTTP_MORE;
	case S_SP:
		if (c != ' ') {
			return fail(r, UF_HTTP_E_STATUS);
		}
		if (r->sub != 1 || r->minor > 1) {
			return fail(r, UF_HTTP_E_VERSION);
		}
		r->status = 0;
		r->sub = 0;
		r->state = S_CODE;
		return UF_HTTP_MORE;
	case S_CODE:
		if (c < '0' || c > '9') {
			return fail(r, UF_HTTP_E_STATUS);
		}
		r->status = r->status * 10 + (int)(c - '0');
		if (++r->sub == 3) {
			if (r->status < 100) {
				return fail(r, UF_HTTP_E_STATUS);
			}
			r->state = S_AFTER_CODE;
		}
		return UF_HTTP_MORE;
	case S_AFTER_CODE:
		if (c == ' ') {
			r->state = S_REASON;
			return UF_HTTP_MORE;
		}
		/* FALLTHROUGH */
	case S_REASON:
		if (c == '\r') {
			r->state = S_STATUS_LF;
			return UF_HTTP_MORE;
		}
		if (c == '\n') {
			return status_done(r);
		}
		if (r->state == S_AFTER_CODE || !is_vchar(c)) {
			return fail(r, UF_HTTP_E_STATUS);
		}
		return UF_HTTP_MORE;
	case S_STATUS_LF:
		if (c != '\n') {
			return fail(r, UF_HTTP_E_CR);
		}
		return status_done(r);
	}
	return fail(r, UF_HTTP_E_STATUS);
}

/* One byte of a field line or of the blank line ending the head. */
static int
field_byte(struct uf_http_resp *r, unsigned c)
{
	int	rc;

	switch (r->state) {
	case S_LINE:
		if (is_ows(c)) {
			if (!r->any_field) {
				r->state = S_SKIP;	/* RFC 9112 2.2 */
			} else {
				add_value(r, ' ');	/* obs-fold */
				r->state = S_VALUE;
			}
			return UF_HTTP_MORE;
		}
		rc = finish_field(r);
		if (rc != 0) {
			return fail(r, rc);
		}
		if (c == '\r') {
			r->state = S_END_LF;
			return UF_HTTP_MORE;
		}
		if (c == '\n') {
			return head_done(r);
		}
		if (!is_tchar(c)) {
			return fail(r, UF_HTTP_E_FIELD);
		}
		r->any_field = 1;
		r->name[0] = (char)lower((int)c);
		r->name_len = 1;
		r->state = S_NAME;
		return UF_HTTP_MORE;
	case S_NAME:
		if (c == ':') {
			start_field(r);
			r->state = S_VALUE;
		} else if (!is_tchar(c)) {
			return fail(r, UF_HTTP_E_FIELD);
		} else if (r->name_len < sizeof r->name) {
			/* A name that fills the buffer matches nothing. */
			r->name[r->name_len++] = (char)lower((int)c);
		}
		return UF_HTTP_MORE;
	case S_VALUE:
		if (c == '\r') {
			r->state = S_VALUE_LF;
		} else if (c == '\n') {
			r->state = S_LINE;
		} else if (is_vchar(c)) {
			if (r->val_len > 0 || r->field == H_LOCATION
			    || !is_ows(c)) {
				add_value(r, c);
			}
		} else {
			return fail(r, UF_HTTP_E_FIELD);
		}
		return UF_HTTP_MORE;
	case S_SKIP:
		if (c == '\r') {
			r->state = S_SKIP_LF;
		} else if (c == '\n') {
			r->state = S_LINE;
		} else if (!is_vchar(c)) {
			return fail(r, UF_HTTP_E_FIELD);
		}
		return UF_HTTP_MORE;
	case S_VALUE_LF:
	case S_SKIP_LF:
		if (c != '\n') {
			return fail(r, UF_HTTP_E_CR);
		}
		r->state = S_LINE;
		return UF_HTTP_MORE;
	case S_END_LF:
		if (c != '\n') {
			return fail(r, UF_HTTP_E_CR);
		}
		return head_done(r);
	}
	return fail(r, UF_HTTP_E_FIELD);
}

/* see http.h */
int
uf_http_head(struct uf_http_resp *r, const unsigned char *buf, size_t len,
    size_t *used)
{
	size_t	i;
	int	rc;

	*used = 0;
	if (r->state == S_FAIL) {
		return -(int)r->sub;
	}
	if (r->state >= S_BODY) {
		return UF_HTTP_HEAD;
	}
	for (i = 0; i < len; i++) {
		r->any_byte = 1;
		if (++r->head_bytes > UF_HEAD_MAX) {
			return fail(r, UF_HTTP_E_BIG);
		}
		rc = r->state < S_LINE ? status_byte(r, buf[i])
		    : field_byte(r, buf[i]);
		if (rc != UF_HTTP_MORE) {
			*used = i + 1;
			return rc;
		}
	}
	*used = len;
	return UF_HTTP_MORE;
}

static int
size_done(struct uf_http_resp *r)
{
	r->line_bytes = 0;
	if (r->remain == 0) {
		r->state = T_LINE;
		r->any_field = 0;
	} else {
		r->state = C_DATA;
	}
	return UF_HTTP_MORE;
}

/* One byte of a chunk-size line, a chunk's line end, or a trailer. */
static int
chunk_byte(struct uf_http_resp *r, unsigned c)
{
	int	h;

	if (++r->line_bytes > (r->state >= T_LINE ? (size_t)UF_HEAD_MAX
	    : (size_t)UF_CHUNK_LINE_MAX)) {
		return fail(r, UF_HTTP_E_BIG);
	}
	switch (r->state) {
	case C_SIZE0:
		h = uf_hexval(c);
		if (h < 0) {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		r->remain = (uint64_t)h;
		r->state = C_SIZE;
		return UF_HTTP_MORE;
	case C_SIZE:
		h = uf_hexval(c);
		if (h >= 0) {
			if (r->remain > (LEN_MAX >> 4)) {
				return fail(r, UF_HTTP_E_CHUNK);
			}
			r->remain = (r->remain << 4) | (uint64_t)h;
			return UF_HTTP_MORE;
		}
		if (c == ';') {
			r->state = C_EXT_NAME0;
		} else if (is_ows(c)) {
			r->state = C_SIZE_WS;
		} else if (c == '\r') {
			r->state = C_SIZE_LF;
		} else if (c == '\n') {
			return size_done(r);
		} else {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return UF_HTTP_MORE;
	case C_SIZE_WS:
		/* BWS is allowed only before a ';' (RFC 9112 7.1.1). */
		if (c == ';') {
			r->state = C_EXT_NAME0;
		} else if (!is_ows(c)) {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return UF_HTTP_MORE;
	case C_EXT_NAME0:
		if (is_tchar(c)) {
			r->state = C_EXT_NAME;
		} else if (!is_ows(c)) {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return UF_HTTP_MORE;
	case C_EXT_NAME:
	case C_EXT_NAME_WS:
		if (is_tchar(c) && r->state == C_EXT_NAME) {
			return UF_HTTP_MORE;
		}
		if (is_ows(c)) {
			r->state = C_EXT_NAME_WS;
		} else if (c == '=') {
			r->state = C_EXT_VAL0;
		} else if (c == ';') {
			r->state = C_EXT_NAME0;
		} else if (c == '\r' && r->state == C_EXT_NAME) {
			r->state = C_SIZE_LF;
		} else if (c == '\n' && r->state == C_EXT_NAME) {
			return size_done(r);
		} else {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return UF_HTTP_MORE;
	case C_EXT_VAL0:
		if (c == '"') {
			r->state = C_EXT_QUOTED;
		} else if (is_tchar(c)) {
			r->state = C_EXT_TOKEN;
		} else if (!is_ows(c)) {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return UF_HTTP_MORE;
	case C_EXT_TOKEN:
	case C_EXT_AFTER_Q:
		if (is_tchar(c) && r->state == C_EXT_TOKEN) {
			return UF_HTTP_MORE;
		}
		if (c == '\r') {
			r->state = C_SIZE_LF;
			return UF_HTTP_MORE;
		}
		if (c == '\n') {
			return size_done(r);
		}
		/* FALLTHROUGH */
	case C_EXT_VAL_WS:
		if (c == ';') {
			r->state = C_EXT_NAME0;
		} else if (is_ows(c)) {
			r->state = C_EXT_VAL_WS;
		} else {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return UF_HTTP_MORE;
	case C_EXT_QUOTED:
		if (c == '"') {
			r->state = C_EXT_AFTER_Q;
		} else if (c == '\\') {
			r->state = C_EXT_ESC;
		} else if (!is_vchar(c)) {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return UF_HTTP_MORE;
	case C_EXT_ESC:
		if (!is_vchar(c)) {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		r->state = C_EXT_QUOTED;
		return UF_HTTP_MORE;
	case C_SIZE_LF:
		if (c != '\n') {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return size_done(r);
	case C_DATA_END:
		if (c == '\r') {
			r->state = C_DATA_LF;
			return UF_HTTP_MORE;
		}
		/* FALLTHROUGH */
	case C_DATA_LF:
		if (c != '\n') {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		r->state = C_SIZE0;
		r->line_bytes = 0;
		return UF_HTTP_MORE;
	case T_LINE:
		if (c == '\r') {
			r->state = T_END_LF;
		} else if (c == '\n') {
			r->state = S_DONE;
			return UF_HTTP_DONE;
		} else if (is_tchar(c)) {
			r->any_field = 1;
			r->state = T_NAME;
		} else if (is_ows(c) && r->any_field) {
			r->state = T_VALUE;	/* obs-fold */
		} else {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return UF_HTTP_MORE;
	case T_NAME:
		if (c == ':') {
			r->state = T_VALUE;
		} else if (!is_tchar(c)) {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return UF_HTTP_MORE;
	case T_VALUE:
		if (c == '\r') {
			r->state = T_VALUE_LF;
		} else if (c == '\n') {
			r->state = T_LINE;
		} else if (!is_vchar(c)) {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		return UF_HTTP_MORE;
	case T_VALUE_LF:
		if (c != '\n') {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		r->state = T_LINE;
		return UF_HTTP_MORE;
	case T_END_LF:
		if (c != '\n') {
			return fail(r, UF_HTTP_E_CHUNK);
		}
		r->state = S_DONE;
		return UF_HTTP_DONE;
	}
	return fail(r, UF_HTTP_E_CHUNK);
}

/* see http.h */
int
uf_http_body(struct uf_http_resp *r, const unsigned char *buf, size_t len,
    size_t *used, size_t *doff, size_t *dlen)
{
	size_t	i, n;
	int	rc;

	*used = 0;
	*doff = 0;
	*dlen = 0;
	if (r->state == S_FAIL) {
		return -(int)r->sub;
	}
	if (r->state == S_DONE) {
		return UF_HTTP_DONE;
	}
	if (r->state == S_BODY) {
		n = len;
		if (r->framing == UF_BODY_LENGTH && r->remain < n) {
			n = (size_t)r->remain;
		}
		*used = n;
		*dlen = n;
		return uf_http_body_moved(r, n);
	}
	for (i = 0; i < len; ) {
		if (r->state == C_DATA) {
			n = len - i;
			if (r->remain < n) {
				n = (size_t)r->remain;
			}
			*doff = i;
			*dlen = n;
			*used = i + n;
			r->remain -= n;
			r->body_seen += n;
			if (r->remain == 0) {
				r->state = C_DATA_END;
			}
			return UF_HTTP_MORE;
		}
		rc = chunk_byte(r, buf[i++]);
		if (rc != UF_HTTP_MORE) {
			*used = i;
			return rc;
		}
	}
	*used = len;
	return UF_HTTP_MORE;
}

/* see http.h */
int
uf_http_body_plain(const struct uf_http_resp *r, uint64_t *left)
{
	if (r->state != S_BODY) {
		return 0;
	}
	*left = r->framing == UF_BODY_LENGTH ? r->remain : UINT64_MAX;
	return 1;
}

/* see http.h */
int
uf_http_body_moved(struct uf_http_resp *r, uint64_t n)
{
	r->body_seen += n;
	if (r->framing == UF_BODY_LENGTH) {
		r->remain -= n;
		if (r->remain == 0) {
			r->state = S_DONE;
			return UF_HTTP_DONE;
		}
	}
	return UF_HTTP_MORE;
}

/* see http.h */
int
uf_http_persistent(const struct uf_http_resp *r)
{
	if (r->framing == UF_BODY_CLOSE || (r->flags & UF_RESP_CLOSE)) {
		return 0;
	}
	return r->minor > 0 || (r->flags & UF_RESP_KEEPALIVE) != 0;
}

/* see http.h */
int
uf_http_eof(struct uf_http_resp *r)
{
	if (r->state == S_FAIL) {
		return -(int)r->sub;
	}
	if (r->state == S_DONE) {
		return UF_HTTP_DONE;
	}
	if (r->state < S_BODY) {
		return r->any_byte ? fail(r, UF_HTTP_E_TRUNC_HEAD)
		    : fail(r, UF_HTTP_E_EMPTY);
	}
	if (r->state == S_BODY && r->framing == UF_BODY_CLOSE) {
		r->state = S_DONE;
		return UF_HTTP_DONE;
	}
	return fail(r, UF_HTTP_E_TRUNC_BODY);
}

/* see http.h */
const char *
uf_http_strerror(int code)
{
	static const char *const msg[] = {
		"malformed status line",
		"unsupported HTTP version",
		"malformed header line",
		"CR not followed by LF in the response",
		"bad or conflicting Content-Length",
		"unsupported Transfer-Encoding (only chunked)",
		"both Content-Length and Transfer-Encoding",
		"malformed chunked body",
		"response head, line or chunk over the size limit",
		"unexpected 101 Switching Protocols",
		"too many interim (1xx) responses",
		"server closed the connection without a response",
		"server closed the connection inside the response head",
		"server closed the connection before the end of the body",
	};

	if (code >= 0 || (size_t)-code > sizeof msg / sizeof msg[0]) {
		return "unknown parser error";
	}
	return msg[-code - 1];
}

/* see http.h */
const char *
uf_http_reason(const struct uf_http_resp *r, size_t *len)
{
	size_t	e = r->line_len;

	/* "HTTP/1.x NNN" is 12 bytes; the reason follows one space. */
	while (e > 0 && (r->line[e - 1] == '\n' || r->line[e - 1] == '\r')) {
		e--;
	}
	if (e <= 13) {
		*len = 0;
		return r->line + e;
	}
	*len = e - 13;
	return r->line + 13;
}

/*
 * Request heads.
 */

/* Headers we may send ourselves, in this order; see uf_http_request(). */
enum {
	D_HOST, D_AGENT, D_ENCODING, D_CONNECTION, D_AUTH, D_RANGE,
	D_IF_RANGE, D_IMS, D_TYPE, D_LENGTH, NDEFAULTS
};

static const char *const defaults[NDEFAULTS] = {
	[D_HOST] = "Host",
	[D_AGENT] = "User-Agent",
	[D_ENCODING] = "Accept-Encoding",
	[D_CONNECTION] = "Connection",
	[D_AUTH] = "Authorization",
	[D_RANGE] = "Range",
	[D_IF_RANGE] = "If-Range",
	[D_IMS] = "If-Modified-Since",
	[D_TYPE] = "Content-Type",
	[D_LENGTH] = "Content-Length"
};

/* Length of the name of -H argument h (up to ':' or ';'). */
static size_t
hdr_name_len(const char *h)
{
	return strcspn(h, ":;");
}

static int
hdr_is(const char *h, const char *name)
{
	size_t	n = hdr_name_len(h);

	return strlen(name) == n && strncasecmp(h, name, n) == 0;
}

/* The value of h, trimmed, as p[0..*len); NULL for the ';' form. */
static const char *
hdr_value(const char *h, size_t *len)
{
	const char	*p = h + hdr_name_len(h);
	size_t		n;

	if (*p != ':') {
		*len = 0;
		return NULL;
	}
	p++;
	while (is_ows((unsigned char)*p)) {
		p++;
	}
	n = strlen(p);
	while (n > 0 && is_ows((unsigned char)p[n - 1])) {
		n--;
	}
	*len = n;
	return p;
}

/* see http.h */
int
uf_http_check_header(const char *h)
{
	size_t		n = hdr_name_len(h), i;
	const char	*p;

	if (n == 0 || h[n] == '\0') {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!is_tchar((unsigned char)h[i])) {
			return -1;
		}
	}
	for (p = h + n + 1; *p != '\0'; p++) {
		if (!is_vchar((unsigned char)*p)) {
			return -1;
		}
		if (h[n] == ';' && !is_ows((unsigned char)*p)) {
			return -1;
		}
	}
	return 0;
}

struct out {
	char	*buf;
	size_t	cap;
	size_t	len;
};

static void
emit(struct out *o, const char *s, size_t n)
{
	if (o->buf != NULL && o->len < o->cap) {
		memcpy(o->buf + o->len, s,
		    n < o->cap - o->len ? n : o->cap - o->len);
	}
	o->len += n;
}

static void
emits(struct out *o, const char *s)
{
	emit(o, s, strlen(s));
}

static void
emit_field(struct out *o, const char *name, size_t nlen, const char *val,
    size_t vlen)
{
	emit(o, name, nlen);
	if (val == NULL) {
		emits(o, ":\r\n");
		return;
	}
	emits(o, ": ");
	emit(o, val, vlen);
	emits(o, "\r\n");
}

/* Emit a user header unless it is a removal ("Name:" with no value). */
static void
emit_user(struct out *o, const char *h)
{
	const char	*v;
	size_t		vlen;

	v = hdr_value(h, &vlen);
	if (v != NULL && vlen == 0) {
		return;
	}
	emit_field(o, h, hdr_name_len(h), v, vlen);
}

/*
 * Is the -H argument h one that rq leaves out? Credentials typed for
 * one origin stay with it, and headers that described a body go when
 * the body does.
 */
static int
user_dropped(const struct uf_req *rq, const char *h)
{
	if (rq->other_origin && (hdr_is(h, "Authorization")
	    || hdr_is(h, "Cookie"))) {
		return 1;
	}
	return rq->body_dropped && (hdr_is(h, "Content-Type")
	    || hdr_is(h, "Content-Length"));
}

/* Does a -H of rq name the header name? */
static int
user_has(const struct uf_req *rq, const char *name)
{
	size_t	j;

	for (j = 0; j < rq->nhdrs; j++) {
		if (hdr_is(rq->hdrs[j], name)) {
			return 1;
		}
	}
	return 0;
}

/* see http.h */
size_t
uf_http_request(char *buf, size_t cap, const struct uf_req *rq)
{
	struct out	o = { buf, cap, 0 };
	const char	*dval[NDEFAULTS];
	const char	*h;
	char		range[48], clen[24];
	size_t		i, j;

	memset(dval, 0, sizeof dval);
	dval[D_HOST] = rq->url->authority;
	dval[D_AGENT] = rq->user_agent;
	dval[D_ENCODING] = "identity";
	dval[D_CONNECTION] = rq->keep_alive ? NULL : "close";
	dval[D_AUTH] = rq->auth;
	if (rq->range_from > 0) {
		uf_snprintf(range, sizeof range, "bytes=%llu-",
		    (unsigned long long)rq->range_from);
		dval[D_RANGE] = range;
		dval[D_IF_RANGE] = rq->if_range;
	}
	dval[D_IMS] = rq->ims;
	if (rq->has_body) {
		dval[D_TYPE] = "application/x-www-form-urlencoded";
		uf_snprintf(clen, sizeof clen, "%llu",
		    (unsigned long long)rq->body_len);
		dval[D_LENGTH] = clen;
	}
	emits(&o, rq->method);
	emits(&o, " ");
	emits(&o, rq->target != NULL ? rq->target : rq->url->target);
	emits(&o, " HTTP/1.1\r\n");
	for (i = 0; i < NDEFAULTS; i++) {
		/*
		 * The last -H of a default's name replaces it; the length
		 * of a body we send is ours alone.
		 */
		h = NULL;
		for (j = 0; j < rq->nhdrs; j++) {
			if (hdr_is(rq->hdrs[j], defaults[i])
			    && !user_dropped(rq, rq->hdrs[j])) {
				h = rq->hdrs[j];
			}
		}
		if (i == D_LENGTH && rq->has_body) {
			h = NULL;
		}
		if (h != NULL) {
			emit_user(&o, h);
		} else if (dval[i] != NULL) {
			emit_field(&o, defaults[i], strlen(defaults[i]),
			    dval[i], strlen(dval[i]));
		}
	}
	if (rq->proxy_auth != NULL && !user_has(rq, "Proxy-Authorization")) {
		emits(&o, "Proxy-Authorization: ");
		emits(&o, rq->proxy_auth);
		emits(&o, "\r\n");
	}
	for (j = 0; j < rq->nhdrs; j++) {
		for (i = 0; i < NDEFAULTS; i++) {
			if (hdr_is(rq->hdrs[j], defaults[i])) {
				break;
			}
		}
		if (i == NDEFAULTS && !user_dropped(rq, rq->hdrs[j])) {
			emit_user(&o, rq->hdrs[j]);
		}
	}
	emits(&o, "\r\n");
	return o.len;
}
