/*
 * guard.h: copy test input so that it ends exactly where a PROT_NONE
 * page begins, as picohttpparser's tests do: reading one byte past the
 * end crashes the test instead of passing by luck.
 */
#ifndef TEST_GUARD_H
#define TEST_GUARD_H

#include <stddef.h>

/* Largest input guard_copy() takes. */
#define GUARD_MAX	(2u << 20)

/* Returns a pointer to a copy of p[0..len) ending at the guard page. */
unsigned char	*guard_copy(const void *p, size_t len);

#endif
