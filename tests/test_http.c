/*
 * test_http.c: the response parser and the request builder.
 *
 * Every row of the table is parsed three ways (whole, one byte at a
 * time, and split in two at every offset) with each piece ending at a
 * guard page, and must give the same outcome each time. Rows marked
 * EXACT end exactly where the response ends, so every proper prefix of
 * them must ask for more input.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "http.h"

#include "http_cases.h"

#define NCASES	(sizeof cases / sizeof cases[0])

struct outcome {
	int		rc;
	int		status;
	char		body[256];
	size_t		blen;
};

/*
 * Feed in[0..len) in pieces of 'piece' bytes, except that with split
 * > 0 the pieces are [0, split) and [split, len). Each piece is copied
 * to a guard page. With eof set, the end of the input is the end of
 * the connection.
 */
static void
parse(const struct hcase *c, size_t len, size_t piece, size_t split,
    int eof, struct outcome *o)
{
	struct uf_http_resp	r;
	const unsigned char	*p;
	size_t			start = 0, end, off, used, doff, dlen;
	int			rc = UF_HTTP_MORE, body = 0;

	memset(&r, 0, sizeof r);
	memset(o, 0, sizeof *o);
	r.head_request = c->head;
	while (start < len && rc == UF_HTTP_MORE) {
		end = split > 0 ? (start < split ? split : len)
		    : (len - start > piece ? start + piece : len);
		p = guard_copy(c->in + start, end - start);
		off = 0;
		while (!body) {
			rc = uf_http_head(&r, p + off, end - start - off,
			    &used);
			off += used;
			if (rc == UF_HTTP_HEAD) {
				body = 1;
				rc = UF_HTTP_MORE;
			} else if (rc < 0 || off == end - start) {
				break;
			}
		}
		while (body && rc == UF_HTTP_MORE) {
			rc = uf_http_body(&r, p + off, end - start - off,
			    &used, &doff, &dlen);
			if (dlen > 0 && o->blen + dlen <= sizeof o->body) {
				memcpy(o->body + o->blen, p + off + doff, dlen);
			}
			o->blen += dlen;
			off += used;
			if (off == end - start) {
				break;
			}
		}
		if (rc > 0 && rc != UF_HTTP_DONE) {
			rc = UF_HTTP_MORE;
		}
		start = end;
	}
	if (rc == UF_HTTP_MORE && eof) {
		if (body) {
			/* A body may be complete without more bytes. */
			rc = uf_http_body(&r, NULL, 0, &used, &doff, &dlen);
		}
		if (rc == UF_HTTP_MORE) {
			rc = uf_http_eof(&r);
		}
	}
	o->rc = rc;
	o->status = r.status;
}

static void
expect_case(const struct hcase *c, const struct outcome *o, const char *how)
{
	cr_expect_eq(o->rc, c->rc, "%s (%s): rc %d, want %d", c->name, how,
	    o->rc, c->rc);
	if (c->rc != DONE || o->rc != DONE) {
		return;
	}
	cr_expect_eq(o->status, c->status, "%s (%s): status %d, want %d",
	    c->name, how, o->status, c->status);
	cr_expect(o->blen == c->blen && memcmp(o->body, c->body, o->blen) == 0,
	    "%s (%s): body of %zu bytes differs", c->name, how, o->blen);
}

Test(http, table_whole)
{
	struct outcome	o;
	size_t		i;

	for (i = 0; i < NCASES; i++) {
		parse(&cases[i], cases[i].len, cases[i].len + 1, 0, 1, &o);
		expect_case(&cases[i], &o, "whole");
	}
}

Test(http, table_byte_by_byte)
{
	struct outcome	o;
	size_t		i;

	for (i = 0; i < NCASES; i++) {
		parse(&cases[i], cases[i].len, 1, 0, 1, &o);
		expect_case(&cases[i], &o, "byte by byte");
	}
}

Test(http, table_every_split)
{
	struct outcome	o;
	char		how[32];
	size_t		i, k;

	for (i = 0; i < NCASES; i++) {
		for (k = 1; k < cases[i].len; k++) {
			parse(&cases[i], cases[i].len, 0, k, 1, &o);
			snprintf(how, sizeof how, "split at %zu", k);
			expect_case(&cases[i], &o, how);
		}
	}
}

Test(http, every_prefix_wants_more)
{
	struct outcome	o;
	size_t		i, k;

	for (i = 0; i < NCASES; i++) {
		if (!cases[i].exact) {
			continue;
		}
		for (k = 0; k < cases[i].len; k++) {
			parse(&cases[i], k, 1, 0, 0, &o);
			cr_expect_eq(o.rc, UF_HTTP_MORE, "%s: prefix of %zu "
			    "bytes gave %d", cases[i].name, k, o.rc);
		}
	}
}

/* Parse a whole head from s; returns the last event or error. */
static int
head_of(struct uf_http_resp *r, const char *s, size_t len)
{
	size_t	off = 0, used;
	int	rc;

	do {
		rc = uf_http_head(r, (const unsigned char *)s + off,
		    len - off, &used);
		off += used;
	} while (rc > 0 && rc != UF_HTTP_HEAD && off < len);
	return rc;
}

/* head_of() on a new response. */
static int
new_head(const char *s, size_t len)
{
	struct uf_http_resp	r;

	memset(&r, 0, sizeof r);
	return head_of(&r, s, len);
}

Test(http, location_and_connection)
{
	static const char	resp[] = "HTTP/1.1 301 Moved Permanently\r\n"
	    "Location:  /a/b?c \r\nConnection: keep-alive, Close\r\n\r\n";
	struct uf_http_resp	r;
	char			loc[64];
	const char		*reason;
	size_t			len;

	memset(&r, 0, sizeof r);
	r.loc = loc;
	r.loc_cap = sizeof loc;
	cr_assert_eq(head_of(&r, resp, sizeof resp - 1), UF_HTTP_HEAD);
	cr_expect_str_eq(loc, "/a/b?c");
	cr_expect_eq(r.loc_len, 6);
	cr_expect(r.flags & UF_RESP_CLOSE);
	cr_expect(r.flags & UF_RESP_KEEPALIVE);
	cr_expect_eq(r.framing, UF_BODY_CLOSE);
	reason = uf_http_reason(&r, &len);
	cr_expect(len == 17 && memcmp(reason, "Moved Permanently", 17) == 0);
	cr_expect(r.line_len == 32 && memcmp(r.line, resp, 32) == 0,
	    "status line kept with its CRLF");
}

/* Whether the connection may carry the next request (RFC 9112 9.3). */
Test(http, persistence)
{
	static const struct {
		const char	*head;
		int		persistent;
	} rows[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1 },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
		    1 },
		{ "HTTP/1.1 204 No Content\r\n\r\n", 1 },
		{ "HTTP/1.1 200 OK\r\n\r\n", 0 },	/* to the close */
		{ "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n", 0 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
		    "Connection: keep-alive, Close\r\n\r\n", 0 },
		{ "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0 },
		{ "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n"
		    "Connection: Keep-Alive\r\n\r\n", 1 },
		{ "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n",
		    0 },	/* no length: to the close */
	};
	struct uf_http_resp	r;
	size_t			i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		memset(&r, 0, sizeof r);
		cr_assert_eq(head_of(&r, rows[i].head, strlen(rows[i].head)),
		    UF_HTTP_HEAD, "row %zu", i);
		cr_expect_eq(uf_http_persistent(&r), rows[i].persistent,
		    "row %zu: %s", i, rows[i].head);
	}
}

/* Content-Range, which -c trusts only when well-formed. */
Test(http, content_range)
{
	static const struct {
		const char	*val;
		int		ok;
		uint64_t	first, last, total;
	} rows[] = {
		{ "bytes 0-4/5", 1, 0, 4, 5 },
		{ "  Bytes 100-199/1000 ", 1, 100, 199, 1000 },
		{ "bytes 100-199/*", 1, 100, 199, UINT64_MAX },
		{ "bytes */1000", 1, UINT64_MAX, UINT64_MAX, 1000 },
		{ "bytes 5-4/10", 0, 0, 0, 0 },		/* last < first */
		{ "bytes 0-10/10", 0, 0, 0, 0 },	/* past the total */
		{ "bytes */*", 0, 0, 0, 0 },
		{ "bytes 0-4", 0, 0, 0, 0 },
		{ "bytes -4/5", 0, 0, 0, 0 },
		{ "items 0-4/5", 0, 0, 0, 0 },
		{ "bytes 0-4/5x", 0, 0, 0, 0 },
		{ "bytes 0-4/99999999999999999999", 0, 0, 0, 0 },
	};
	struct uf_http_resp	r;
	char			head[256];
	size_t			i;
	int			n;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		n = snprintf(head, sizeof head, "HTTP/1.1 206 Partial\r\n"
		    "Content-Range:%s\r\nContent-Length: 0\r\n\r\n",
		    rows[i].val);
		memset(&r, 0, sizeof r);
		cr_assert_eq(head_of(&r, head, (size_t)n), UF_HTTP_HEAD);
		cr_expect_eq((r.flags & UF_RESP_RANGE) != 0, rows[i].ok,
		    "row %zu: %s", i, rows[i].val);
		if (rows[i].ok) {
			cr_expect(r.range_first == rows[i].first
			    && r.range_last == rows[i].last
			    && r.range_total == rows[i].total, "row %zu", i);
		}
	}
}

/*
 * The fields a retry and -w need: ETag (well-formed only), Content-Type
 * (as sent, trailing space trimmed), Last-Modified and Retry-After
 * (seconds or a date). Every head is also parsed split at every offset.
 */
Test(http, validators_type_and_retry_after)
{
	static const struct {
		const char	*fields;
		const char	*etag, *ctype;
		unsigned	flags;
		int64_t		lastmod, retry;
	} rows[] = {
		{ "ETag: \"abc\"\r\n", "\"abc\"", "", 0, 0, 0 },
		{ "ETag:  W/\"x y\"  \r\n", "W/\"x y\"", "", 0, 0, 0 },
		{ "ETag: abc\r\n", "", "", 0, 0, 0 },
		{ "ETag: \"abc\r\n", "", "", 0, 0, 0 },
		{ "ETag: W/\r\n", "", "", 0, 0, 0 },
		{ "ETag: \"\"\r\n", "\"\"", "", 0, 0, 0 },
		{ "Content-Type: text/html; charset=utf-8 \r\n", "",
		    "text/html; charset=utf-8", 0, 0, 0 },
		{ "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n", "", "",
		    UF_RESP_LASTMOD, 784111777, 0 },
		{ "Last-Modified: Sunday, 06-Nov-94 08:49:37 GMT\r\n", "", "",
		    UF_RESP_LASTMOD, 784111777, 0 },
		{ "Last-Modified: Sun Nov  6 08:49:37 1994\r\n", "", "",
		    UF_RESP_LASTMOD, 784111777, 0 },
		{ "Last-Modified: yesterday\r\n", "", "", 0, 0, 0 },
		{ "Retry-After: 120\r\n", "", "", UF_RESP_RETRY, 0, 120 },
		{ "Retry-After: 0\r\n", "", "", UF_RESP_RETRY, 0, 0 },
		{ "Retry-After: 99999999999999999999\r\n", "", "", 0, 0, 0 },
		{ "Retry-After: 12s\r\n", "", "", 0, 0, 0 },
		{ "Retry-After: -1\r\n", "", "", 0, 0, 0 },
		{ "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n", "", "",
		    UF_RESP_RETRY | UF_RESP_RETRY_DATE, 0, 1445412480 },
		{ "ETag: \"a\"\r\nContent-Type: a/b\r\nRetry-After: 5\r\n"
		    "Last-Modified: Thu, 01 Jan 1970 00:00:00 GMT\r\n",
		    "\"a\"", "a/b", UF_RESP_RETRY | UF_RESP_LASTMOD, 0, 5 },
	};
	static const unsigned	mask = UF_RESP_LASTMOD | UF_RESP_RETRY
				    | UF_RESP_RETRY_DATE;
	struct uf_http_resp	r;
	char			head[512];
	size_t			i, k, n;
	int			rc;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		n = (size_t)snprintf(head, sizeof head, "HTTP/1.1 503 No\r\n"
		    "%sContent-Length: 0\r\n\r\n", rows[i].fields);
		for (k = 0; k < n; k++) {
			memset(&r, 0, sizeof r);
			rc = head_of(&r, head, k);
			if (rc != UF_HTTP_HEAD) {
				rc = head_of(&r, head + k, n - k);
			}
			cr_assert_eq(rc, UF_HTTP_HEAD, "row %zu split %zu", i,
			    k);
			cr_expect_str_eq(r.etag, rows[i].etag, "row %zu", i);
			cr_expect_str_eq(r.ctype, rows[i].ctype, "row %zu", i);
			cr_expect_eq(r.flags & mask, rows[i].flags, "row %zu",
			    i);
			if (rows[i].flags & UF_RESP_LASTMOD) {
				cr_expect_eq(r.last_modified, rows[i].lastmod,
				    "row %zu", i);
			}
			if (rows[i].flags & UF_RESP_RETRY) {
				cr_expect_eq(r.retry_after, rows[i].retry,
				    "row %zu", i);
			}
		}
	}
}

/* An interim head's fields are not the final one's. */
Test(http, interim_fields_are_forgotten)
{
	static const char	resp[] = "HTTP/1.1 103 Early Hints\r\n"
	    "ETag: \"early\"\r\nContent-Type: a/b\r\n\r\n"
	    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	struct uf_http_resp	r;

	memset(&r, 0, sizeof r);
	cr_assert_eq(head_of(&r, resp, sizeof resp - 1), UF_HTTP_HEAD);
	cr_expect_eq(r.status, 200);
	cr_expect_str_eq(r.etag, "");
	cr_expect_str_eq(r.ctype, "");
}

Test(http, location_too_long_or_twice)
{
	static const char	twice[] = "HTTP/1.1 302 Found\r\nLocation: /a"
	    "\r\nLocation: /b\r\n\r\n";
	static const char	lng[] = "HTTP/1.1 302 Found\r\nLocation: "
	    "/0123456789\r\n\r\n";
	struct uf_http_resp	r;
	char			loc[8];

	memset(&r, 0, sizeof r);
	r.loc = loc;
	r.loc_cap = sizeof loc;
	cr_assert_eq(head_of(&r, twice, sizeof twice - 1), UF_HTTP_HEAD);
	cr_expect(r.flags & UF_RESP_LOC_MANY);
	cr_expect_str_eq(loc, "/a");

	memset(&r, 0, sizeof r);
	r.loc = loc;
	r.loc_cap = sizeof loc;
	cr_assert_eq(head_of(&r, lng, sizeof lng - 1), UF_HTTP_HEAD);
	cr_expect(r.flags & UF_RESP_LOC_LONG);
}

/*
 * new_head() of a head of exactly n bytes: status line, short fields
 * if many_lines, one big field, blank line.
 */
static int
sized_head(size_t n, int many_lines)
{
	static char		buf[1 << 20];
	static const char	st[] = "HTTP/1.1 200 OK\r\n";
	size_t			len = sizeof st - 1, i;

	cr_assert_leq(n, sizeof buf);
	memcpy(buf, st, len);
	if (many_lines) {
		while (len + 6 + 2 <= n) {
			memcpy(buf + len, "X: y\r\n", 6);
			len += 6;
		}
	}
	memcpy(buf + len, "X: ", 3);
	len += 3;
	for (i = len; i < n - 4; i++) {
		buf[i] = 'v';
	}
	memcpy(buf + n - 4, "\r\n\r\n", 4);
	return new_head(buf, n);
}

Test(http, head_size_limit)
{
	cr_expect_eq(sized_head(UF_HEAD_MAX, 0), UF_HTTP_HEAD,
	    "a head of exactly UF_HEAD_MAX bytes is accepted");
	cr_expect_eq(sized_head(UF_HEAD_MAX + 1, 0), UF_HTTP_E_BIG);
	cr_expect_eq(sized_head(1 << 20, 0), UF_HTTP_E_BIG,
	    "a single 1 MiB header line");
	cr_expect_eq(sized_head(60006, 1), UF_HTTP_HEAD,
	    "10,000 short header lines within the byte limit");
	cr_expect_eq(sized_head(UF_HEAD_MAX + 1000, 1), UF_HTTP_E_BIG);
}

Test(http, status_line_limit)
{
	static char	buf[2048];

	memset(buf, 'r', sizeof buf);
	memcpy(buf, "HTTP/1.1 200 ", 13);
	memcpy(buf + UF_STATUS_MAX - 2, "\r\n\r\n", 4);
	cr_expect_eq(new_head(buf, UF_STATUS_MAX + 2), UF_HTTP_HEAD);

	memcpy(buf + UF_STATUS_MAX - 2, "rr\r\n\r\n", 6);
	cr_expect_eq(new_head(buf, UF_STATUS_MAX + 4), UF_HTTP_E_BIG);
}

Test(http, interim_limit)
{
	static char		buf[4096];
	struct uf_http_resp	r;
	size_t			len = 0;
	int			i;

	for (i = 0; i < UF_INTERIM_MAX + 1; i++) {
		memcpy(buf + len, "HTTP/1.1 100 Continue\r\n\r\n", 25);
		len += 25;
	}
	memset(&r, 0, sizeof r);
	for (i = 0; i < UF_INTERIM_MAX; i++) {
		cr_assert_eq(head_of(&r, buf + 25 * i, 25), UF_HTTP_INTERIM);
	}
	cr_expect_eq(head_of(&r, buf + 25 * i, 25), UF_HTTP_E_INTERIM);
}

Test(http, chunk_line_limit)
{
	static char		buf[8192];
	struct uf_http_resp	r;
	size_t			len, used, doff, dlen;
	int			rc;

	len = (size_t)snprintf(buf, sizeof buf, "%s", CHK "1;x=");
	memset(buf + len, 'a', UF_CHUNK_LINE_MAX);
	len += UF_CHUNK_LINE_MAX;
	memset(&r, 0, sizeof r);
	cr_assert_eq(head_of(&r, buf, sizeof CHK - 1), UF_HTTP_HEAD);
	rc = uf_http_body(&r, (unsigned char *)buf + sizeof CHK - 1,
	    len - (sizeof CHK - 1), &used, &doff, &dlen);
	cr_expect_eq(rc, UF_HTTP_E_BIG);
}

Test(http, errors_are_sticky)
{
	struct uf_http_resp	r;
	size_t			used;

	memset(&r, 0, sizeof r);
	cr_assert_eq(head_of(&r, "FOO", 3), UF_HTTP_E_STATUS);
	cr_expect_eq(uf_http_head(&r, (const unsigned char *)H11, 17, &used),
	    UF_HTTP_E_STATUS);
	cr_expect_eq(used, 0);
	cr_expect_eq(uf_http_eof(&r), UF_HTTP_E_STATUS);
	cr_expect_str_neq(uf_http_strerror(UF_HTTP_E_STATUS), "");
}

/*
 * Request heads.
 */

static struct uf_url	req_url = {
	.scheme = UF_HTTP, .host = "h", .authority = "h:8080",
	.port_str = "8080", .port = 8080, .target = "/p?q=1", .last = "p"
};

struct rcase {
	const char	*name;
	const char	*hdrs[4];
	const char	*want;
	int		body;		/* 7 bytes of body */
	const char	*auth;
	uint64_t	range;
	int		dropped, other;
	const char	*if_range, *ims;
};

#define RLINE	"GET /p?q=1 HTTP/1.1\r\n"

static const struct rcase rcases[] = {
	{ "defaults", { NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n\r\n",
	    0, NULL, 0, 0, 0, NULL, NULL },
	{ "add", { "X-Foo: bar", NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "X-Foo: bar\r\n\r\n", 0, NULL, 0, 0, 0, NULL, NULL },
	{ "replace keeps the place", { "user-agent:  me  ", NULL },
	    RLINE "Host: h:8080\r\nuser-agent: me\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n\r\n",
	    0, NULL, 0, 0, 0, NULL, NULL },
	{ "last of a default wins", { "Host: a", "Host: b", NULL },
	    RLINE "Host: b\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n\r\n",
	    0, NULL, 0, 0, 0, NULL, NULL },
	{ "remove", { "Accept-Encoding:", "Connection: ", NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n\r\n",
	    0, NULL, 0, 0, 0, NULL, NULL },
	{ "empty value", { "X-Empty;", NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "X-Empty:\r\n\r\n", 0, NULL, 0, 0, 0, NULL, NULL },
	{ "repeats of other headers all go", { "X: 1", "X: 2", NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "X: 1\r\nX: 2\r\n\r\n", 0, NULL, 0, 0, 0, NULL, NULL },
	{ "body: type and length", { NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 7\r\n\r\n", 1, NULL, 0, 0, 0, NULL, NULL },
	{ "body: our length wins, type replaced",
	    { "content-length: 99", "Content-Type: a/b", NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "Content-Type: a/b\r\nContent-Length: 7\r\n\r\n", 1, NULL, 0,
	    0, 0, NULL, NULL },
	{ "no body: a length from -H goes", { "Content-Length: 0", NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "Content-Length: 0\r\n\r\n", 0, NULL, 0, 0, 0, NULL, NULL },
	{ "authorization and range", { NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "Authorization: Basic dTpw\r\nRange: bytes=1000-\r\n\r\n", 0,
	    "Basic dTpw", 1000, 0, 0, NULL, NULL },
	{ "a dropped body drops its headers",
	    { "Content-Type: a/b", "Content-Length: 7", "X: 1", NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "X: 1\r\n\r\n", 0, NULL, 0, 1, 0, NULL, NULL },
	{ "another origin gets no credentials",
	    { "Authorization: x", "cookie: y", "X: 1", NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "X: 1\r\n\r\n", 0, NULL, 0, 0, 1, NULL, NULL },
	{ "a range with its validator", { NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "Range: bytes=600-\r\nIf-Range: \"v1\"\r\n\r\n", 0, NULL, 600,
	    0, 0, "\"v1\"", NULL },
	{ "no If-Range without a range", { NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n\r\n", 0,
	    NULL, 0, 0, 0, "\"v1\"", NULL },
	{ "if-modified-since", { NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n", 0,
	    NULL, 0, 0, 0, NULL, "Sun, 06 Nov 1994 08:49:37 GMT" },
	{ "-H replaces if-modified-since", { "if-modified-since: x", NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "if-modified-since: x\r\n\r\n", 0, NULL, 0, 0, 0, NULL, "y" },
	{ "-H removes if-range", { "If-Range:", NULL },
	    RLINE "Host: h:8080\r\nUser-Agent: ua/1\r\n"
	    "Accept-Encoding: identity\r\nConnection: close\r\n"
	    "Range: bytes=1-\r\n\r\n", 0, NULL, 1, 0, 0, "\"v1\"", NULL },
};

Test(http, request_heads)
{
	struct uf_req	rq;
	char		buf[512];
	size_t		i, n, len;

	for (i = 0; i < sizeof rcases / sizeof rcases[0]; i++) {
		memset(&rq, 0, sizeof rq);
		rq.method = "GET";
		rq.url = &req_url;
		rq.user_agent = "ua/1";
		rq.hdrs = rcases[i].hdrs;
		for (n = 0; rcases[i].hdrs[n] != NULL; n++) {
			continue;
		}
		rq.nhdrs = n;
		rq.has_body = rcases[i].body;
		rq.body_len = rcases[i].body ? 7 : 0;
		rq.auth = rcases[i].auth;
		rq.range_from = rcases[i].range;
		rq.body_dropped = rcases[i].dropped;
		rq.other_origin = rcases[i].other;
		rq.if_range = rcases[i].if_range;
		rq.ims = rcases[i].ims;
		len = uf_http_request(NULL, 0, &rq);
		cr_assert_lt(len, sizeof buf);
		cr_expect_eq(uf_http_request(buf, sizeof buf, &rq), len);
		buf[len] = '\0';
		cr_expect_str_eq(buf, rcases[i].want, "%s", rcases[i].name);
	}
}

Test(http, request_does_not_overrun)
{
	struct uf_req	rq;
	char		buf[32];
	size_t		len;

	memset(&rq, 0, sizeof rq);
	rq.method = "HEAD";
	rq.url = &req_url;
	rq.user_agent = "ua/1";
	memset(buf, '#', sizeof buf);
	len = uf_http_request(buf, 16, &rq);
	cr_expect_gt(len, 16);
	cr_expect_eq(buf[16], '#');
	cr_expect(memcmp(buf, "HEAD /p?q=1 HTTP", 16) == 0);
}

Test(http, check_header)
{
	static const char *const good[] = {
		"X: y", "X:y", "X:", "X;", "X: a\tb", "User-Agent: a b c",
	};
	static const char *const bad[] = {
		"", ": y", "X", "X y: z", "X: a\r\nY: b", "X: a\nb", "X: \x01",
		"X; y", "Bad@Name: y",
	};
	size_t	i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		cr_expect_eq(uf_http_check_header(good[i]), 0, "%s", good[i]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_expect_eq(uf_http_check_header(bad[i]), -1, "%s", bad[i]);
	}
}
