/*
 * guard.c: see guard.h.
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"

unsigned char *
guard_copy(const void *p, size_t len)
{
	static unsigned char	*region;
	size_t			pg = (size_t)sysconf(_SC_PAGESIZE);

	if (region == NULL) {
		region = mmap(NULL, GUARD_MAX + pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (region == MAP_FAILED
		    || mprotect(region + GUARD_MAX, pg, PROT_NONE) != 0) {
			abort();
		}
	}
	if (len > GUARD_MAX) {
		abort();
	}
	memcpy(region + GUARD_MAX - len, p, len);
	return region + GUARD_MAX - len;
}
