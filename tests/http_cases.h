/*
 * http_cases.h: the response parser's table of cases, shared by
 * test_http.c and the fuzzers' seed corpus (fuzz/mkseeds.c). Each row:
 * name, input, HEAD request or not, expected result, status, body, and
 * whether the response ends exactly where the input does.
 */
#ifndef TEST_HTTP_CASES_H
#define TEST_HTTP_CASES_H

#include <stddef.h>

#include "http.h"

#define DONE	UF_HTTP_DONE
#define EXACT	1

struct hcase {
	const char	*name;
	const char	*in;
	size_t		len;
	int		head;	/* HEAD request */
	int		rc;	/* DONE or UF_HTTP_E_* */
	int		status;
	const char	*body;
	size_t		blen;
	int		exact;
};

#define OK(n, s, st, b, x)	{ n, s, sizeof(s) - 1, 0, DONE, st, b, \
				  sizeof(b) - 1, x }
#define OKH(n, s, st)		{ n, s, sizeof(s) - 1, 1, DONE, st, "", 0, 0 }
#define BAD(n, s, e)		{ n, s, sizeof(s) - 1, 0, e, -1, NULL, 0, 0 }

#define H11	"HTTP/1.1 200 OK\r\n"
#define CHK	H11 "Transfer-Encoding: chunked\r\n\r\n"

static const struct hcase cases[] = {
	/* framing */
	OK("content-length", H11 "Content-Length: 5\r\n\r\nhello", 200,
	    "hello", EXACT),
	OK("content-length zero", H11 "Content-Length: 0\r\n\r\n", 200, "",
	    EXACT),
	OK("close-delimited", "HTTP/1.0 200 OK\r\n\r\nabc", 200, "abc", 0),
	OK("close-delimited empty", H11 "\r\n", 200, "", 0),
	OK("chunked", CHK "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 200,
	    "hello world", EXACT),
	OK("chunked hex upper and lower", CHK "A\r\n0123456789\r\na\r\n"
	    "abcdefghij\r\n0\r\n\r\n", 200, "0123456789abcdefghij", EXACT),
	OK("chunked leading zeros", CHK "0005\r\nhello\r\n000\r\n\r\n", 200,
	    "hello", EXACT),
	OK("chunk extensions", CHK "5;a=b;c=\"x;y\\\"z\";d\r\nhello\r\n"
	    "0;e\r\n\r\n", 200, "hello", EXACT),
	OK("chunk extension after BWS", CHK "5 ; a = b\r\nhello\r\n0\r\n\r\n",
	    200, "hello", EXACT),
	OK("trailers", CHK "2\r\nhi\r\n0\r\nX: 1\r\nY-Z: two words\r\n\r\n",
	    200, "hi", EXACT),
	OK("chunked coding name any case", H11 "Transfer-Encoding: ChUnKeD"
	    "\r\n\r\n2\r\nhi\r\n0\r\n\r\n", 200, "hi", EXACT),
	OK("binary chunk data", CHK "3\r\n\0\r\n\r\n0\r\n\r\n", 200, "\0\r\n",
	    EXACT),
	OK("trailing bytes ignored", H11 "Content-Length: 2\r\n\r\nhiEXTRA",
	    200, "hi", 0),
	OK("bytes after last chunk ignored", CHK "0\r\n\r\nHTTP/1.1 200",
	    200, "", 0),

	/* leniencies RFC 9112 allows a user agent */
	OK("bare LF head", "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", 200,
	    "hi", EXACT),
	OK("bare LF chunked", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked"
	    "\n\n2\nhi\n0\n\n", 200, "hi", EXACT),
	OK("obs-fold", H11 "X: a\r\n b\r\n\tc\r\nContent-Length: 1\r\n\r\nz",
	    200, "z", EXACT),
	OK("folded Content-Length", H11 "Content-Length:\r\n 1\r\n\r\nz",
	    200, "z", EXACT),
	OK("whitespace-led first line skipped", H11 " junk\r\n"
	    "Content-Length: 1\r\n\r\nz", 200, "z", EXACT),
	OK("empty line before status", "\r\n\n" H11 "Content-Length: 0"
	    "\r\n\r\n", 200, "", EXACT),

	/* status lines */
	OK("no reason", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 200, "",
	    EXACT),
	OK("empty reason", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 200,
	    "", EXACT),
	OK("reason with spaces and obs-text", "HTTP/1.1 500 Ori\xc3\xab  x y"
	    "\r\nContent-Length: 0\r\n\r\n", 500, "", EXACT),
	OK("HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nz", 200,
	    "z", EXACT),
	OK("status 999", "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n",
	    999, "", EXACT),

	/* interim responses */
	OK("100 then 200", "HTTP/1.1 100 Continue\r\n\r\n" H11
	    "Content-Length: 2\r\n\r\nok", 200, "ok", EXACT),
	OK("102 and 103 then 200", "HTTP/1.1 102 Processing\r\n\r\n"
	    "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" H11
	    "Content-Length: 2\r\n\r\nok", 200, "ok", EXACT),
	OK("framing of 1xx ignored", "HTTP/1.1 100 Continue\r\n"
	    "Content-Length: 9\r\n\r\n" H11 "Content-Length: 2\r\n\r\nok", 200,
	    "ok", EXACT),

	/* no body */
	OK("204", "HTTP/1.1 204 No Content\r\n\r\nignored", 204, "", 0),
	OK("304 with length", "HTTP/1.1 304 Not Modified\r\n"
	    "Content-Length: 10\r\n\r\n", 304, "", EXACT),
	OKH("HEAD with length", H11 "Content-Length: 10\r\n\r\n", 200),
	OKH("HEAD with chunked", CHK, 200),

	/* Content-Length forms */
	OK("length list of one value", H11 "Content-Length: 2, 02,2\r\n\r\nhi",
	    200, "hi", EXACT),
	OK("length twice, same value", H11 "Content-Length: 2\r\n"
	    "content-length: 2\r\n\r\nhi", 200, "hi", EXACT),
	OK("length with whitespace", H11 "Content-Length: \t2 \t\r\n\r\nhi",
	    200, "hi", EXACT),

	/* field syntax that is fine */
	OK("tab and obs-text in value", H11 "X: a\tb\xff\r\nContent-Length: 0"
	    "\r\n\r\n", 200, "", EXACT),
	OK("empty value", H11 "X:\r\nContent-Length: 0\r\n\r\n", 200, "",
	    EXACT),
	OK("long unknown name", H11 "X-A-Very-Long-Header-Name-Indeed: 1"
	    "\r\nContent-Length: 0\r\n\r\n", 200, "", EXACT),
	OK("name like content-length", H11 "Content-Length-X: 9\r\n"
	    "Content-Length: 0\r\n\r\n", 200, "", EXACT),

	/* truncation */
	BAD("empty", "", UF_HTTP_E_EMPTY),
	BAD("status line cut", "HTTP/1.1 200", UF_HTTP_E_TRUNC_HEAD),
	BAD("head cut", H11 "A: 1\r\n", UF_HTTP_E_TRUNC_HEAD),
	BAD("head cut after CR", H11 "\r", UF_HTTP_E_TRUNC_HEAD),
	BAD("after interim", "HTTP/1.1 100 Continue\r\n\r\n",
	    UF_HTTP_E_TRUNC_HEAD),
	BAD("length cut", H11 "Content-Length: 5\r\n\r\nhel",
	    UF_HTTP_E_TRUNC_BODY),
	BAD("huge length cut", H11 "Content-Length: 9223372036854775807\r\n"
	    "\r\nx", UF_HTTP_E_TRUNC_BODY),
	BAD("chunk cut", CHK "5\r\nhel", UF_HTTP_E_TRUNC_BODY),
	BAD("no last chunk", CHK "2\r\nhi\r\n", UF_HTTP_E_TRUNC_BODY),
	BAD("no final CRLF", CHK "2\r\nhi\r\n0\r\n", UF_HTTP_E_TRUNC_BODY),
	BAD("trailer cut", CHK "0\r\nX: 1\r\n", UF_HTTP_E_TRUNC_BODY),

	/* status line */
	BAD("HTTP/0.9 reply", "hello world\n", UF_HTTP_E_STATUS),
	BAD("not HTTP", "FOO BAR\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("HTP", "HTP/1.1 200 OK\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("lower-case http", "http/1.1 200 OK\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("HTTP/1.2", "HTTP/1.2 200 OK\r\n\r\n", UF_HTTP_E_VERSION),
	BAD("HTTP/2.0", "HTTP/2.0 200 OK\r\n\r\n", UF_HTTP_E_VERSION),
	BAD("HTTP/0.9", "HTTP/0.9 200 OK\r\n\r\n", UF_HTTP_E_VERSION),
	BAD("two-digit major", "HTTP/01.1 200 OK\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("two-digit minor", "HTTP/1.01 200 OK\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("no minor", "HTTP/1. 200 OK\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("tab after version", "HTTP/1.1\t200 OK\r\n\r\n",
	    UF_HTTP_E_STATUS),
	BAD("two spaces after version", "HTTP/1.1  200 OK\r\n\r\n",
	    UF_HTTP_E_STATUS),
	BAD("letters for status", "HTTP/1.1 abc OK\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("one-digit status", "HTTP/1.1 2 OK\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("four-digit status", "HTTP/1.1 2000 OK\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("status below 100", "HTTP/1.1 099 Low\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("garbage after status", "HTTP/1.1 200X\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("NUL in reason", "HTTP/1.1 200 O\0K\r\n\r\n", UF_HTTP_E_STATUS),
	BAD("bare CR in status line", "HTTP/1.1 200 OK\rX: 1\r\n\r\n",
	    UF_HTTP_E_CR),
	BAD("five empty lines first", "\r\n\r\n\r\n\r\n\r\n" H11 "\r\n",
	    UF_HTTP_E_STATUS),
	BAD("101", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
	    UF_HTTP_E_SWITCH),

	/* fields */
	BAD("no colon", H11 "Server test\r\n\r\n", UF_HTTP_E_FIELD),
	BAD("space in name", H11 "en-US Content-Type: x\r\n\r\n",
	    UF_HTTP_E_FIELD),
	BAD("space before colon", H11 "Foo : bar\r\n\r\n", UF_HTTP_E_FIELD),
	BAD("empty name", H11 ": bar\r\n\r\n", UF_HTTP_E_FIELD),
	BAD("bad name byte", H11 "Fo@: x\r\n\r\n", UF_HTTP_E_FIELD),
	BAD("control byte in value", H11 "Foo: a\x01\r\n\r\n",
	    UF_HTTP_E_FIELD),
	BAD("NUL in value", H11 "Foo: a\0b\r\n\r\n", UF_HTTP_E_FIELD),
	BAD("DEL in value", H11 "Foo: a\x7f\r\n\r\n", UF_HTTP_E_FIELD),
	BAD("bare CR in value", H11 "Foo: 1\rBar: 2\r\n\r\n", UF_HTTP_E_CR),
	BAD("bare CR ends head", H11 "Foo: 1\r\n\rX", UF_HTTP_E_CR),

	/* framing conflicts */
	BAD("length garbage", H11 "Content-Length: 6x\r\n\r\n",
	    UF_HTTP_E_LENGTH),
	BAD("length negative", H11 "Content-Length: -6\r\n\r\n",
	    UF_HTTP_E_LENGTH),
	BAD("length empty", H11 "Content-Length: \r\n\r\n", UF_HTTP_E_LENGTH),
	BAD("length 2^63", H11 "Content-Length: 9223372036854775808\r\n\r\n",
	    UF_HTTP_E_LENGTH),
	BAD("length 2^64", H11 "Content-Length: 18446744073709551616\r\n\r\n",
	    UF_HTTP_E_LENGTH),
	BAD("lengths differ", H11 "Content-Length: 44\r\nContent-Length: 6"
	    "\r\n\r\n", UF_HTTP_E_LENGTH),
	BAD("lengths differ in a list", H11 "Content-Length: 6, 7\r\n\r\n",
	    UF_HTTP_E_LENGTH),
	BAD("empty element in length list", H11 "Content-Length: 6,,6\r\n\r\n",
	    UF_HTTP_E_LENGTH),
	BAD("length and chunked", H11 "Content-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", UF_HTTP_E_AMBIG),
	BAD("unknown coding", H11 "Transfer-Encoding: gzip\r\n\r\n",
	    UF_HTTP_E_CODING),
	BAD("chunked twice", H11 "Transfer-Encoding: chunked, chunked\r\n\r\n",
	    UF_HTTP_E_CODING),
	BAD("chunked in two fields", H11 "Transfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", UF_HTTP_E_CODING),
	BAD("gzip then chunked", H11 "Transfer-Encoding: gzip, chunked\r\n"
	    "\r\n", UF_HTTP_E_CODING),
	BAD("chunked then identity", H11 "Transfer-Encoding: chunked, "
	    "identity\r\n\r\n", UF_HTTP_E_CODING),
	BAD("chunkedchunked", H11 "Transfer-Encoding: chunkedchunked\r\n\r\n",
	    UF_HTTP_E_CODING),
	BAD("empty coding", H11 "Transfer-Encoding:\r\n\r\n",
	    UF_HTTP_E_CODING),

	/* chunked framing */
	BAD("bad chunk size", CHK "z\r\n", UF_HTTP_E_CHUNK),
	BAD("chunk size then junk", CHK "1x\r\na\r\n0\r\n\r\n",
	    UF_HTTP_E_CHUNK),
	BAD("trailing space after size", CHK "5  \r\nhello\r\n0\r\n\r\n",
	    UF_HTTP_E_CHUNK),
	BAD("extension without name", CHK "2;\r\nhi\r\n0\r\n\r\n",
	    UF_HTTP_E_CHUNK),
	BAD("extension without semicolon", CHK "2 ext\r\nhi\r\n0\r\n\r\n",
	    UF_HTTP_E_CHUNK),
	BAD("control byte in quoted extension", CHK "2;a=\"\x01\"\r\nhi\r\n"
	    "0\r\n\r\n", UF_HTTP_E_CHUNK),
	BAD("chunk size 2^64", CHK "10000000000000000\r\n", UF_HTTP_E_CHUNK),
	BAD("chunk size 2^63", CHK "8000000000000000\r\n", UF_HTTP_E_CHUNK),
	BAD("data longer than size", CHK "2\r\nhiX\r\n0\r\n\r\n",
	    UF_HTTP_E_CHUNK),
	BAD("bare CR after size", CHK "2\rhi\r\n", UF_HTTP_E_CHUNK),
	BAD("NUL in trailer", CHK "0\r\nX: a\0b\r\n\r\n", UF_HTTP_E_CHUNK),
	BAD("trailer without colon", CHK "0\r\nX\r\n\r\n", UF_HTTP_E_CHUNK),
};

#endif
