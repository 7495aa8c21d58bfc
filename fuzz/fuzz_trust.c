/*
 * fuzz_trust.c: the trust anchor index over an arbitrary "bundle".
 *
 * The input is written to a file and used as the CA bundle; we then
 * look up the subject of every certificate found in it (and one name
 * that is in none). Anchors returned must carry the name asked for.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "der.h"
#include "trust.h"

static unsigned char	mem[98304] __attribute__((aligned(16)));

static void
look_up(struct uf_trust *t, struct uf_arena *a, const unsigned char *dn,
    size_t len)
{
	br_x509_trust_anchor	tas[8];
	size_t			n = 0, i, mark = uf_arena_mark(a);

	uf_err_clear();
	(void)uf_trust_find(t, a, dn, len, tas, &n, 8);
	for (i = 0; i < n; i++) {
		if (tas[i].dn.len != len
		    || memcmp(tas[i].dn.data, dn, len) != 0) {
			abort();
		}
	}
	uf_arena_reset(a, mark);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	fd = -1;
	static char	path[64];
	struct uf_arena	a;
	struct uf_trust	t;
	unsigned char	der[4096];
	const uint8_t	*p, *e;
	long		n;

	if (fd < 0) {
		fd = memfd_create("bundle", 0);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0)
	    != (ssize_t)size) {
		return 0;
	}
	uf_arena_init(&a, mem, sizeof mem);
	if (uf_trust_init(&t, path, NULL) != UF_OK) {
		return 0;
	}
	look_up(&t, &a, (const unsigned char *)"\x30\x00", 2);
	/* Each PEM block's subject, decoded the same simple way. */
	for (p = data; (p = memmem(p, size - (size_t)(p - data),
	    "CERTIFICATE-----", 16)) != NULL; p = e) {
		struct uf_cert	c;

		p += 16;
		e = memmem(p, size - (size_t)(p - data), "-----END", 8);
		if (e == NULL || (size_t)(e - p) > sizeof der) {
			break;
		}
		n = uf_trust_base64((const char *)p, (size_t)(e - p), der);
		if (n > 0 && uf_der_cert(der, (size_t)n, &c) == 0) {
			look_up(&t, &a, c.subject.p, c.subject.len);
		}
	}
	return 0;
}
