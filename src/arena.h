/*
 * arena.h: the bump allocator that holds everything one URL needs.
 *
 * An arena is a caller-owned buffer, a fill pointer and a high-water
 * mark. Allocation bumps the fill pointer; nothing is freed one by one.
 * uf_arena_mark() records the fill pointer and uf_arena_reset() goes
 * back to a recorded mark, releasing everything allocated since. State
 * that must outlive a URL is either allocated before the mark is taken,
 * or, when it is only known to be needed in the middle of a URL (the
 * trust anchor index), taken with uf_arena_keep() from the top end of
 * the buffer, which grows down and which no reset releases.
 *
 * ufetch itself uses one arena over a static buffer of
 * UFETCH_ARENA_SIZE bytes (uf_arena_main()); tests make small ones.
 */
#ifndef UF_ARENA_H
#define UF_ARENA_H

#include <stddef.h>

/*
 * 128 KiB, measured. The connection takes 44 KiB below the mark (the
 * TLS 1.3 record buffers and protection, 35 KiB; or TLS 1.2's contexts
 * and two-way record buffer; or the 32 KiB plain receive buffer). Per
 * URL, an HTTPS handshake needs up to 17 KiB for the server's messages
 * or the chain copy and up to 12 KiB of anchor lookup scratch besides
 * small state: peaks measured with -v, connection included, are 55 KiB
 * for plain HTTP, 87 KiB for TLS 1.2 and 95 KiB for TLS 1.3 (with the
 * system bundle's index). Pages never touched cost nothing.
 */
#ifndef UFETCH_ARENA_SIZE
#define UFETCH_ARENA_SIZE	131072
#endif

/* Every allocation is aligned for any object (max_align_t). */
#define UF_ARENA_ALIGN		16

struct uf_arena {
	unsigned char	*base;
	size_t		cap;	/* end of the per-URL space (keep starts here) */
	size_t		used;
	size_t		peak;	/* highest 'used' ever seen */
	size_t		kept;	/* bytes taken by uf_arena_keep() */
};

/*
 * Make an arena over buf[0..cap). buf stays owned by the caller and
 * MUST outlive the arena; it should be aligned to UF_ARENA_ALIGN
 * (otherwise the first bytes are skipped to reach alignment).
 */
void	uf_arena_init(struct uf_arena *a, void *buf, size_t cap);

/*
 * The process-wide arena over the static UFETCH_ARENA_SIZE buffer.
 * It is initialised on first use.
 */
struct uf_arena	*uf_arena_main(void);

/*
 * Return n bytes aligned to UF_ARENA_ALIGN, or NULL when the arena
 * cannot hold them (the arena is left unchanged). n == 0 is allowed
 * and returns a valid pointer to zero bytes. Memory is not zeroed.
 */
void	*uf_arena_alloc(struct uf_arena *a, size_t n);

/* As uf_arena_alloc(), and the n bytes are zeroed. */
void	*uf_arena_zalloc(struct uf_arena *a, size_t n);

/* Copy s[0..len) and a terminating NUL; NULL when it does not fit. */
char	*uf_arena_strndup(struct uf_arena *a, const char *s, size_t len);

/*
 * Return n bytes, aligned as uf_arena_alloc() does, from the top of the
 * arena, never released by uf_arena_reset(); NULL when they do not fit
 * between the fill pointer and the kept region.
 */
void	*uf_arena_keep(struct uf_arena *a, size_t n);

/* Bytes still available for one allocation made now. */
size_t	uf_arena_avail(const struct uf_arena *a);

/* The current fill level, to hand back to uf_arena_reset(). */
size_t	uf_arena_mark(const struct uf_arena *a);

/*
 * Release everything allocated after mark. mark MUST come from
 * uf_arena_mark() on this arena and MUST NOT be above the current
 * fill level. The released bytes are not touched: until something is
 * allocated and written there, they stay as they were, so that
 * uf_arena_alloc(a, n) at once after uf_arena_reset(a, m) returns the
 * n bytes at m unchanged. fetch.c relies on it to give back the unused
 * end of a buffer, and to move bytes it keeps down to a mark.
 */
void	uf_arena_reset(struct uf_arena *a, size_t mark);

#endif
