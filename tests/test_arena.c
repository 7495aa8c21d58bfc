/*
 * test_arena.c: bump allocation, alignment, exhaustion, mark/reset.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

static unsigned char	buf[1024] __attribute__((aligned(16)));

Test(arena, aligned_allocations)
{
	struct uf_arena	a;
	size_t		n;
	void		*p;

	uf_arena_init(&a, buf, sizeof buf);
	for (n = 1; n <= 32; n++) {
		p = uf_arena_alloc(&a, n);
		cr_assert_not_null(p);
		cr_expect_eq((uintptr_t)p % UF_ARENA_ALIGN, 0);
	}
}

Test(arena, unaligned_buffer_is_aligned_first)
{
	struct uf_arena	a;
	void		*p;

	uf_arena_init(&a, buf + 3, sizeof buf - 3);
	p = uf_arena_alloc(&a, 1);
	cr_assert_not_null(p);
	cr_expect_eq((uintptr_t)p % UF_ARENA_ALIGN, 0);
	cr_expect_leq(a.cap, sizeof buf - 3);
}

Test(arena, fills_to_the_last_byte_then_fails)
{
	struct uf_arena	a;
	unsigned char	*p;

	uf_arena_init(&a, buf, sizeof buf);
	p = uf_arena_alloc(&a, sizeof buf - 1);
	cr_assert_not_null(p);
	p[sizeof buf - 2] = 1;
	cr_expect_eq(uf_arena_avail(&a), 0, "rounding leaves no usable byte");
	cr_expect_null(uf_arena_alloc(&a, 1));

	uf_arena_init(&a, buf, sizeof buf);
	p = uf_arena_alloc(&a, sizeof buf);
	cr_assert_not_null(p, "exactly the capacity fits");
	p[sizeof buf - 1] = 1;
	cr_expect_null(uf_arena_alloc(&a, 1));
	cr_expect_not_null(uf_arena_alloc(&a, 0), "zero bytes always fit");
	cr_expect_null(uf_arena_alloc(&a, SIZE_MAX), "no wrap-around");
}

Test(arena, failed_allocation_changes_nothing)
{
	struct uf_arena	a;
	size_t		used;

	uf_arena_init(&a, buf, sizeof buf);
	uf_arena_alloc(&a, 100);
	used = a.used;
	cr_expect_null(uf_arena_alloc(&a, sizeof buf));
	cr_expect_eq(a.used, used);
}

Test(arena, mark_and_reset)
{
	struct uf_arena	a;
	size_t		mark;
	void		*keep, *p1, *p2;

	uf_arena_init(&a, buf, sizeof buf);
	keep = uf_arena_alloc(&a, 40);
	mark = uf_arena_mark(&a);
	p1 = uf_arena_alloc(&a, 500);
	uf_arena_reset(&a, mark);
	p2 = uf_arena_alloc(&a, 500);
	cr_expect_eq(p1, p2, "reset gives the same memory back");
	cr_expect_lt((unsigned char *)keep, (unsigned char *)p2,
	    "state below the mark survives");
	cr_expect_eq(a.peak, mark + 512);
	uf_arena_reset(&a, a.used + 100);
	cr_expect_eq(a.used, mark + 512, "a mark above the fill is ignored");
}

Test(arena, many_cycles_never_grow)
{
	struct uf_arena	a;
	size_t		mark, i;

	uf_arena_init(&a, buf, sizeof buf);
	mark = uf_arena_mark(&a);
	for (i = 0; i < 100000; i++) {
		uf_arena_reset(&a, mark);
		cr_assert_not_null(uf_arena_alloc(&a, 1000));
	}
	cr_expect_eq(a.peak, 1008);
}

Test(arena, zalloc_and_strndup)
{
	struct uf_arena	a;
	unsigned char	*z;
	char		*s;

	memset(buf, 0xAA, sizeof buf);
	uf_arena_init(&a, buf, sizeof buf);
	z = uf_arena_zalloc(&a, 33);
	cr_assert_not_null(z);
	cr_expect(z[0] == 0 && z[32] == 0);
	s = uf_arena_strndup(&a, "hello world", 5);
	cr_assert_not_null(s);
	cr_expect_str_eq(s, "hello");
}

Test(arena, main_arena_has_the_build_size)
{
	struct uf_arena	*a = uf_arena_main();

	cr_expect_eq(a->cap, UFETCH_ARENA_SIZE);
	cr_expect_eq(a, uf_arena_main());
}

Test(arena, keep_region_survives_resets)
{
	struct uf_arena	a;
	size_t		mark;
	unsigned char	*k1, *k2, *p;

	uf_arena_init(&a, buf, sizeof buf);
	mark = uf_arena_mark(&a);
	p = uf_arena_alloc(&a, 100);
	k1 = uf_arena_keep(&a, 20);
	cr_assert_not_null(k1);
	cr_expect_eq(k1, buf + sizeof buf - 32, "taken from the top");
	cr_expect_eq((uintptr_t)k1 % UF_ARENA_ALIGN, 0);
	k2 = uf_arena_keep(&a, 16);
	cr_expect_eq(k2, k1 - 16, "the kept region grows down");
	uf_arena_reset(&a, mark);
	cr_expect_eq(a.kept, 48);
	cr_expect_eq(uf_arena_avail(&a), sizeof buf - 48,
	    "per-URL space ends where the kept region starts");
	cr_expect_null(uf_arena_alloc(&a, sizeof buf - 47));
	p = uf_arena_alloc(&a, sizeof buf - 48);
	cr_expect_not_null(p);
	cr_expect_null(uf_arena_keep(&a, 1), "keep cannot take used space");
}
