/*
 * arena.c: bump allocation over one fixed buffer (see arena.h).
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"

static unsigned char	main_buf[UFETCH_ARENA_SIZE]
			    __attribute__((aligned(UF_ARENA_ALIGN)));
static struct uf_arena	main_arena;

/* see arena.h */
void
uf_arena_init(struct uf_arena *a, void *buf, size_t cap)
{
	uintptr_t	p = (uintptr_t)buf;
	size_t		skip;

	skip = (UF_ARENA_ALIGN - (p % UF_ARENA_ALIGN)) % UF_ARENA_ALIGN;
	if (skip > cap) {
		skip = cap;
	}
	a->base = (unsigned char *)buf + skip;
	a->cap = cap - skip;
	a->cap -= a->cap % UF_ARENA_ALIGN;
	a->used = 0;
	a->peak = 0;
	a->kept = 0;
}

/* see arena.h */
struct uf_arena *
uf_arena_main(void)
{
	if (main_arena.base == NULL) {
		uf_arena_init(&main_arena, main_buf, sizeof main_buf);
	}
	return &main_arena;
}

/* see arena.h */
void *
uf_arena_alloc(struct uf_arena *a, size_t n)
{
	size_t	start, room;
	void	*p;

	/* 'used' is kept aligned, so only the size needs rounding. */
	start = a->used;
	room = a->cap - start;
	if (n > room) {
		return NULL;
	}
	p = a->base + start;
	/* cap is a multiple of the alignment, so rounding stays inside. */
	a->used = start + ((n + UF_ARENA_ALIGN - 1)
	    & ~(size_t)(UF_ARENA_ALIGN - 1));
	if (a->used > a->peak) {
		a->peak = a->used;
	}
	return p;
}

/* see arena.h */
void *
uf_arena_keep(struct uf_arena *a, size_t n)
{
	size_t	r;

	if (n > a->cap - a->used) {
		return NULL;
	}
	r = (n + UF_ARENA_ALIGN - 1) & ~(size_t)(UF_ARENA_ALIGN - 1);
	if (r > a->cap - a->used) {
		return NULL;
	}
	/* The per-URL space ends where the kept region now starts. */
	a->cap -= r;
	a->kept += r;
	return a->base + a->cap;
}

/* see arena.h */
void *
uf_arena_zalloc(struct uf_arena *a, size_t n)
{
	void	*p;

	p = uf_arena_alloc(a, n);
	if (p != NULL) {
		memset(p, 0, n);
	}
	return p;
}

/* see arena.h */
char *
uf_arena_strndup(struct uf_arena *a, const char *s, size_t len)
{
	char	*p;

	if (len == (size_t)-1) {
		return NULL;
	}
	p = uf_arena_alloc(a, len + 1);
	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* see arena.h */
size_t
uf_arena_avail(const struct uf_arena *a)
{
	return a->cap - a->used;
}

/* see arena.h */
size_t
uf_arena_mark(const struct uf_arena *a)
{
	return a->used;
}

/* see arena.h */
void
uf_arena_reset(struct uf_arena *a, size_t mark)
{
	if (mark <= a->used) {
		a->used = mark;
	}
}
