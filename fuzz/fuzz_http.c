/*
 * fuzz_http.c: the response parser, fed the same bytes whole and in
 * pieces whose sizes come from the input itself. Both ways MUST give
 * the same result, status and body: the parser is incremental, so a
 * split must never change what it decides. Body spans must lie inside
 * the piece they were found in.
 *
 * Input: byte 0 is a seed for the piece sizes, byte 1 bit 0 says HEAD,
 * the rest is the response.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

struct result {
	int		rc;
	int		status;
	uint64_t	sum;	/* of the body, position-weighted */
	uint64_t	len;
};

static size_t
next_piece(uint32_t *st, size_t left)
{
	size_t	n;

	*st = *st * 1103515245u + 12345u;
	n = 1 + (*st >> 16) % 64;
	return n < left ? n : left;
}

static void
parse(const uint8_t *in, size_t len, int head, uint32_t seed,
    struct result *res)
{
	struct uf_http_resp	r;
	size_t			start = 0, end, off, used, doff, dlen, i;
	int			rc = UF_HTTP_MORE, body = 0;
	uint32_t		st = seed;
	char			loc[64];

	memset(&r, 0, sizeof r);
	memset(res, 0, sizeof *res);
	r.head_request = head;
	r.loc = loc;
	r.loc_cap = sizeof loc;
	while (start < len && rc == UF_HTTP_MORE) {
		end = seed == 0 ? len : start + next_piece(&st, len - start);
		off = 0;
		while (!body) {
			rc = uf_http_head(&r, in + start + off,
			    end - start - off, &used);
			if (used > end - start - off) {
				abort();
			}
			off += used;
			if (rc == UF_HTTP_HEAD) {
				body = 1;
				rc = UF_HTTP_MORE;
			} else if (rc < 0 || off == end - start) {
				break;
			}
		}
		while (body && rc == UF_HTTP_MORE) {
			rc = uf_http_body(&r, in + start + off,
			    end - start - off, &used, &doff, &dlen);
			if (used > end - start - off || doff + dlen > used) {
				abort();
			}
			for (i = 0; i < dlen; i++) {
				res->sum += (res->len + i + 1)
				    * in[start + off + doff + i];
			}
			res->len += dlen;
			off += used;
			if (off == end - start) {
				break;
			}
		}
		if (r.loc_len >= sizeof loc) {
			abort();
		}
		if (rc > 0 && rc != UF_HTTP_DONE) {
			rc = UF_HTTP_MORE;
		}
		start = end;
	}
	if (rc == UF_HTTP_MORE) {
		if (body) {
			rc = uf_http_body(&r, NULL, 0, &used, &doff, &dlen);
		}
		if (rc == UF_HTTP_MORE) {
			rc = uf_http_eof(&r);
		}
	}
	res->rc = rc;
	res->status = r.status;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result	whole, split;

	if (size < 2) {
		return 0;
	}
	parse(data + 2, size - 2, data[1] & 1, 0, &whole);
	parse(data + 2, size - 2, data[1] & 1, data[0] | 0x100u, &split);
	if (whole.rc != split.rc || whole.status != split.status
	    || whole.len != split.len || whole.sum != split.sum) {
		abort();
	}
	return 0;
}
