/*
 * fuzz_netrc.c: .netrc files of any bytes. The entry found MUST be
 * NUL-terminated words of at most UF_NETRC_WORD bytes, nothing may be
 * read past the input, and a BAD file yields no credentials at all.
 *
 * Input: byte 0 picks the host looked for, the rest is the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netrc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const	hosts[] = {
		"example.com", "h", "", "machine", "default"
	};
	struct uf_netrc			e;
	char				*copy;
	int				rc;

	if (size == 0) {
		return 0;
	}
	/* A copy of exactly the file: ASan sees any read past it. */
	copy = malloc(size - 1);
	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data + 1, size - 1);
	memset(&e, 0x55, sizeof e);
	rc = uf_netrc_find(copy, size - 1, hosts[data[0] % 5], &e);
	if (rc != UF_NETRC_NONE && rc != UF_NETRC_FOUND && rc != UF_NETRC_BAD) {
		abort();
	}
	if (memchr(e.login, '\0', sizeof e.login) == NULL
	    || memchr(e.password, '\0', sizeof e.password) == NULL) {
		abort();
	}
	if (rc != UF_NETRC_FOUND && (e.has_login || e.has_password)) {
		abort();
	}
	free(copy);
	return 0;
}
