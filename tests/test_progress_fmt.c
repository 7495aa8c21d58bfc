/*
 * test_progress_fmt.c: the progress line's numbers and layout, and
 * when it draws (src/progress.c).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"

static char	buf[UF_PROGRESS_COLS + 1];

#define SIZE_IS(n, want)	do {					\
	size_t	len_ = uf_progress_size(buf, sizeof buf, (n));		\
	cr_expect_str_eq(buf, (want));					\
	cr_expect_eq(len_, strlen(want));				\
} while (0)

#define TIME_IS(secs, want)	do {					\
	uf_progress_time(buf, sizeof buf, (secs));			\
	cr_expect_str_eq(buf, (want));					\
} while (0)

Test(progress_fmt, binary_units_rounded_down)
{
	SIZE_IS(0, "0 B");
	SIZE_IS(1023, "1023 B");
	SIZE_IS(1024, "1.0 KiB");
	SIZE_IS(1536, "1.5 KiB");
	SIZE_IS(1048575, "1023.9 KiB");
	SIZE_IS(1048576, "1.0 MiB");
	SIZE_IS((uint64_t)5 << 30, "5.0 GiB");
	SIZE_IS((uint64_t)3 << 40, "3.0 TiB");
	SIZE_IS(UINT64_MAX, "15.9 EiB");
}

Test(progress_fmt, times)
{
	TIME_IS(0, "0:00");
	TIME_IS(65, "1:05");
	TIME_IS(3599, "59:59");
	TIME_IS(3600, "1:00:00");
	TIME_IS(359999, "99:59:59");
	TIME_IS(360000, "--:--");
	TIME_IS(UF_PROGRESS_UNKNOWN, "--:--");
}

Test(progress_fmt, lines)
{
	uf_progress_line(buf, sizeof buf, 512, 1024, 256, 2, 0);
	cr_expect_str_eq(buf, " 50% 512 B of 1.0 KiB  256 B/s  ETA 0:02");
	uf_progress_line(buf, sizeof buf, 1024, 1024, 300 << 10, 4, 1);
	cr_expect_str_eq(buf, "100% 1.0 KiB of 1.0 KiB  300.0 KiB/s  in 0:04");
	uf_progress_line(buf, sizeof buf, 0, 1024, UF_PROGRESS_UNKNOWN,
	    UF_PROGRESS_UNKNOWN, 0);
	cr_expect_str_eq(buf, "  0% 0 B of 1.0 KiB  -- B/s  ETA --:--");
	uf_progress_line(buf, sizeof buf, 0, 0, UF_PROGRESS_UNKNOWN, 0, 1);
	cr_expect_str_eq(buf, "100% 0 B of 0 B  -- B/s  in 0:00");
	uf_progress_line(buf, sizeof buf, 3 << 20, UF_PROGRESS_UNKNOWN, 1000,
	    UF_PROGRESS_UNKNOWN, 0);
	cr_expect_str_eq(buf, "3.0 MiB  1000 B/s");
	uf_progress_line(buf, sizeof buf, 3 << 20, UF_PROGRESS_UNKNOWN, 1000,
	    7, 1);
	cr_expect_str_eq(buf, "3.0 MiB  1000 B/s  in 0:07");
}

Test(progress_fmt, huge_values_fit_79_columns)
{
	size_t	n;

	n = uf_progress_line(buf, sizeof buf, UINT64_MAX / 2, UINT64_MAX - 1,
	    (uint64_t)1023 << 50, 359999, 0);
	cr_expect_str_eq(buf, " 50% 7.9 EiB of 15.9 EiB  1023.0 PiB/s  "
	    "ETA 99:59:59");
	cr_expect_leq(n, UF_PROGRESS_COLS);
	n = uf_progress_line(buf, sizeof buf, ((uint64_t)1 << 60) - 1,
	    ((uint64_t)1 << 60) - 1, ((uint64_t)1 << 60) - 1, 359999, 0);
	cr_expect_leq(n, UF_PROGRESS_COLS, "%s", buf);
	cr_expect_eq(n, strlen(buf));
}

/* Everything p drew so far into fd[0], as a string. */
static const char *
drawn(int fd)
{
	static char	got[512];
	ssize_t		n;

	n = read(fd, got, sizeof got - 1);
	got[n > 0 ? n : 0] = '\0';
	return got;
}

Test(progress_fmt, draws_only_after_a_tick_and_ends_the_line)
{
	struct uf_progress	p;
	int			fd[2];

	cr_assert_eq(pipe2(fd, O_NONBLOCK), 0);
	uf_progress_init(&p, fd[1]);
	/* Nothing before start, nothing from break with no line. */
	uf_progress_update(&p, 5);
	uf_progress_break(&p);
	uf_progress_end(&p, 1);
	cr_expect_str_eq(drawn(fd[0]), "");
	/* The output held 7 bytes already (-o with several URLs). */
	uf_progress_start(&p, 0, 100, 7);
	uf_progress_update(&p, 57);
	cr_expect_str_eq(drawn(fd[0]), "", "no redraw within a tick");
	uf_progress_end(&p, 0);
	cr_expect_str_eq(drawn(fd[0]), "\r 50% 50 B of 100 B  -- B/s  "
	    "in 0:00\n");
	uf_progress_end(&p, 0);
	cr_expect_str_eq(drawn(fd[0]), "", "ended once");
	/* A resumed body: 40 bytes were there, 60 more come. */
	uf_progress_start(&p, 40, 60, 0);
	usleep(UF_PROGRESS_TICK / 1000 + 10000);
	uf_progress_update(&p, 30);
	cr_expect(strncmp(drawn(fd[0]), "\r 70% 70 B of 100 B  ", 21) == 0);
	uf_progress_break(&p);
	cr_expect_str_eq(drawn(fd[0]), "\n");
	close(fd[0]);
	close(fd[1]);
}

/* A narrow terminal gets the whole fields that fit. */
Test(progress_fmt, fit_cuts_at_field_ends)
{
	static const char	line[] = " 42% 1.2 MiB of 2.9 MiB  310.0 KiB/s"
	    "  ETA 0:05";
	size_t			n = sizeof line - 1;

	cr_expect_eq(uf_progress_fit(line, n, 79), n);
	cr_expect_eq(uf_progress_fit(line, n, n), n);
	cr_expect_eq(uf_progress_fit(line, n, n - 1), 36);
	cr_expect_eq(uf_progress_fit(line, n, 36), 36);
	cr_expect_eq(uf_progress_fit(line, n, 35), 23);
	cr_expect_eq(uf_progress_fit(line, n, 29), 23);
	cr_expect_eq(uf_progress_fit(line, n, 23), 23);
	/* Not even the first field: what fits of it. */
	cr_expect_eq(uf_progress_fit(line, n, 22), 22);
	cr_expect_eq(uf_progress_fit(line, n, 5), 5);
}
