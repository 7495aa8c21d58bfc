/*
 * test_net.c: connect and I/O deadlines with real sockets on
 * 127.0.0.1 (CONTRACT section 4). Times are checked to +-0.25 s.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "net.h"
#include "srv.h"

#define T	300000000u	/* 0.3 s in ns */
#define SLACK	0.25

struct addrs {
	struct addrinfo		ai[3];
	struct sockaddr_in	sin[3];
};

/* An address list of up to three loopback ports, in order. */
static const struct addrinfo *
addrs(struct addrs *l, int n, const unsigned short *ports)
{
	int	i;

	memset(l, 0, sizeof *l);
	for (i = 0; i < n; i++) {
		l->sin[i].sin_family = AF_INET;
		l->sin[i].sin_port = htons(ports[i]);
		l->sin[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		l->ai[i].ai_family = AF_INET;
		l->ai[i].ai_socktype = SOCK_STREAM;
		l->ai[i].ai_protocol = IPPROTO_TCP;
		l->ai[i].ai_addr = (struct sockaddr *)&l->sin[i];
		l->ai[i].ai_addrlen = sizeof l->sin[i];
		l->ai[i].ai_next = i + 1 < n ? &l->ai[i + 1] : NULL;
	}
	return l->ai;
}

static const struct srv_step	hold_steps[] = { S_HOLD, S_END };
static unsigned char		rxbuf[4096];

/*
 * Connect to port p1, then p2 unless it is 0, with T; returns the error
 * and the time.
 */
static enum uf_err
connect_ports(unsigned short p1, unsigned short p2, uint64_t end_in,
    double *secs, struct uf_sock *s)
{
	static struct uf_limits	lim;
	const unsigned short	ports[2] = { p1, p2 };
	struct addrs		l;
	enum uf_err		err;
	double			t0;

	lim.step = T;
	lim.end = end_in != 0 ? uf_now() + end_in : 0;
	uf_err_clear();
	t0 = now_secs();
	err = uf_net_connect_list(s, addrs(&l, p2 != 0 ? 2 : 1, ports), &lim);
	*secs = now_secs() - t0;
	return err;
}

/* secs is want: 10 ms early for the clock at most, SLACK late. */
static void
expect_took(double secs, double want)
{
	cr_expect(secs > want - 0.01 && secs < want + SLACK,
	    "took %.3f s, want %.2f s", secs, want);
}

/* Connect to two hanging ports with end_in; returns the error. */
static enum uf_err
connect_two_hangs(uint64_t end_in, double *secs)
{
	struct srv	h1, h2;
	struct uf_sock	s;
	enum uf_err	err;

	cr_assert_eq(srv_hang(&h1), 0);
	cr_assert_eq(srv_hang(&h2), 0);
	err = connect_ports(h1.port, h2.port, end_in, secs, &s);
	srv_stop(&h1);
	srv_stop(&h2);
	return err;
}

Test(net, refused)
{
	struct uf_sock	s;
	double		secs;

	cr_expect_eq(connect_ports(srv_refused_port(), 0, 0, &secs, &s),
	    UF_E_NET);
	cr_expect_lt(secs, 0.1);
	cr_expect(strstr(uf_err_msg(), "refused") != NULL, "%s",
	    uf_err_msg());
}

Test(net, hang_times_out_at_T)
{
	struct srv	hang;
	struct uf_sock	s;
	double		secs;

	cr_assert_eq(srv_hang(&hang), 0);
	cr_expect_eq(connect_ports(hang.port, 0, 0, &secs, &s), UF_E_TIMEOUT);
	expect_took(secs, 0.3);
	cr_expect(strstr(uf_err_msg(), "timed out connecting to 127.0.0.1")
	    != NULL, "%s", uf_err_msg());
	srv_stop(&hang);
}

Test(net, hang_then_good_succeeds_after_T)
{
	struct srv	hang, good;
	struct uf_sock	s;
	double		secs;

	cr_assert_eq(srv_hang(&hang), 0);
	cr_assert_eq(srv_start(&good, hold_steps), 0);
	cr_expect_eq(connect_ports(hang.port, good.port, 0, &secs, &s), UF_OK);
	expect_took(secs, 0.3);
	uf_net_close(&s);
	srv_stop(&good);
	srv_stop(&hang);
}

Test(net, two_hangs_take_2T)
{
	double	secs;

	cr_expect_eq(connect_two_hangs(0, &secs), UF_E_TIMEOUT);
	expect_took(secs, 0.6);
}

Test(net, refused_then_hang_reports_the_last_error)
{
	struct srv	hang;
	struct uf_sock	s;
	double		secs;
	char		want[64];

	cr_assert_eq(srv_hang(&hang), 0);
	cr_expect_eq(connect_ports(srv_refused_port(), hang.port, 0, &secs,
	    &s), UF_E_TIMEOUT);
	expect_took(secs, 0.3);
	snprintf(want, sizeof want, "port %u", hang.port);
	cr_expect(strstr(uf_err_msg(), want) != NULL, "%s", uf_err_msg());
	srv_stop(&hang);
}

Test(net, refused_then_good_succeeds_at_once)
{
	struct srv	good;
	struct uf_sock	s;
	double		secs;

	cr_assert_eq(srv_start(&good, hold_steps), 0);
	cr_expect_eq(connect_ports(srv_refused_port(), good.port, 0, &secs,
	    &s), UF_OK);
	cr_expect_lt(secs, 0.1);
	uf_net_close(&s);
	srv_stop(&good);
}

Test(net, max_time_cuts_the_second_address)
{
	double	secs;

	cr_expect_eq(connect_two_hangs(450000000u, &secs), UF_E_TIMEOUT);
	expect_took(secs, 0.45);
	cr_expect(strstr(uf_err_msg(), "max time") != NULL, "%s",
	    uf_err_msg());
}

/* Copy out up to cap received bytes through recv_buf/recv_ack. */
static enum uf_err
rd(const struct uf_io_class **io, char *buf, size_t cap, size_t *got,
    const char *what)
{
	const unsigned char	*p;
	enum uf_err		err;
	size_t			n;

	err = (*io)->recv_buf(io, &p, &n, what);
	if (err != UF_OK) {
		return err;
	}
	if (n > cap) {
		n = cap;
	}
	memcpy(buf, p, n);
	(*io)->recv_ack(io, n);
	*got = n;
	return UF_OK;
}

/* Connect to a server playing steps; returns the transport. */
static const struct uf_io_class **
open_to(struct srv *srv, const struct srv_step *steps, struct uf_sock *s)
{
	double	secs;

	cr_assert_eq(srv_start(srv, steps), 0);
	cr_assert_eq(connect_ports(srv->port, 0, 0, &secs, s), UF_OK);
	s->rx = rxbuf;
	s->rx_cap = sizeof rxbuf;
	return &s->vtable;
}

Test(net, read_times_out_when_idle_for_T)
{
	static const struct srv_step	steps[] = { S_HOLD, S_END };
	struct srv			srv;
	struct uf_sock			s;
	const struct uf_io_class	**io = open_to(&srv, steps, &s);
	char				buf[16];
	size_t				got;
	double				t0 = now_secs(), secs;

	cr_expect_eq(rd(io, buf, sizeof buf, &got, "waiting"),
	    UF_E_TIMEOUT);
	secs = now_secs() - t0;
	expect_took(secs, 0.3);
	cr_expect_str_eq(uf_err_msg(), "timed out waiting");
	uf_net_close(&s);
	srv_stop(&srv);
}

Test(net, drip_slower_than_nothing_never_times_out)
{
	static const struct srv_step	steps[] = {
		S_DRIP("abcde", 200), S_END
	};
	struct srv			srv;
	struct uf_sock			s;
	const struct uf_io_class	**io = open_to(&srv, steps, &s);
	char				buf[16], all[16];
	size_t				got, n = 0;

	do {
		cr_assert_eq(rd(io, buf, sizeof buf, &got, "x"),
		    UF_OK, "%s", uf_err_msg());
		memcpy(all + n, buf, got);
		n += got;
	} while (got > 0);
	cr_expect(n == 5 && memcmp(all, "abcde", 5) == 0);
	uf_net_close(&s);
	srv_stop(&srv);
}

Test(net, write_has_one_deadline_even_with_progress)
{
	/* The reader takes 16 KiB every 20 ms: progress, but slow. */
	static const struct srv_step	steps[] = {
		S_SLOWREAD(16384, 20), S_END
	};
	static char			big[16 << 20];
	struct srv			srv;
	struct uf_sock			s;
	const struct uf_io_class	**io = open_to(&srv, steps, &s);
	double				t0 = now_secs(), secs;

	cr_expect_eq((*io)->write(io, big, sizeof big, "sending"),
	    UF_E_TIMEOUT);
	secs = now_secs() - t0;
	expect_took(secs, 0.3);
	uf_net_close(&s);
	srv_stop(&srv);
}

Test(net, read_sees_end_of_stream)
{
	static const struct srv_step	steps[] = { S_SEND("hi"), S_END };
	struct srv			srv;
	struct uf_sock			s;
	const struct uf_io_class	**io = open_to(&srv, steps, &s);
	char				buf[16];
	size_t				got, n = 0;

	do {
		cr_assert_eq(rd(io, buf + n, sizeof buf - n, &got, "x"), UF_OK);
		n += got;
	} while (got > 0);
	cr_expect_eq(n, 2);
	uf_net_close(&s);
	cr_expect_eq(s.fd, -1);
	srv_stop(&srv);
}

Test(net, reset_is_a_network_error)
{
	static const struct srv_step	steps[] = {
		S_SEND("x"), S_RESET, S_END
	};
	struct srv			srv;
	struct uf_sock			s;
	const struct uf_io_class	**io = open_to(&srv, steps, &s);
	char				buf[16];
	size_t				got;
	enum uf_err			err;

	do {
		err = rd(io, buf, sizeof buf, &got, "reading");
	} while (err == UF_OK && got > 0);
	cr_expect_eq(err, UF_E_NET, "err %d: %s", err, uf_err_msg());
	cr_expect(strstr(uf_err_msg(), "reset") != NULL, "%s", uf_err_msg());
	uf_net_close(&s);
	srv_stop(&srv);
}

Test(net, resolver_failure_is_a_network_error)
{
	static struct uf_limits	lim = { T, 0 };
	struct uf_sock		s;

	uf_err_clear();
	cr_expect_eq(uf_net_connect(&s, "nonexistent.invalid", "80",
	    AF_UNSPEC, &lim, NULL), UF_E_NET);
	cr_expect(strstr(uf_err_msg(), "cannot resolve") != NULL);
}
