/*
 * net.h: name resolution, connecting with deadlines, and the transport
 * interface.
 *
 * A transport is anything with the uf_io_class methods; fetch.c reads
 * and writes through a 'const struct uf_io_class **' and does not know
 * whether TLS is underneath. struct uf_sock is the plain TCP transport.
 * Every blocking wait goes through uf_net_wait() with an absolute
 * deadline, so the timeout rules of CONTRACT section 4 live here:
 * a write call has one deadline of T for all of its bytes, a read call
 * waits at most T for its first byte.
 */
#ifndef UF_NET_H
#define UF_NET_H

#include <stddef.h>
#include <stdint.h>

#include "ufetch.h"

struct uf_io_class {
	/*
	 * Write all of buf[0..len) within one deadline of T (and -m).
	 * 'what' names the step for a timeout message.
	 */
	enum uf_err	(*write)(const struct uf_io_class **ctx,
			    const void *buf, size_t len, const char *what);
	/*
	 * Make received bytes available, waiting at most T (and -m) for
	 * them: *buf and *len are set to a span of the transport's own
	 * buffer holding at least one byte, or *len is 0 at the end of
	 * the stream (the peer closed cleanly). The span stays valid
	 * until the next call on the transport. Bytes not acknowledged
	 * with recv_ack() are returned again by the next call.
	 */
	enum uf_err	(*recv_buf)(const struct uf_io_class **ctx,
			    const unsigned char **buf, size_t *len,
			    const char *what);
	/* n bytes of the last span were used; n MUST NOT exceed it. */
	void		(*recv_ack)(const struct uf_io_class **ctx, size_t n);
	/*
	 * Are received bytes waiting that nobody has asked for (or, for
	 * TLS, bytes of a record read ahead)? A connection holding some
	 * cannot carry another request.
	 */
	int		(*pending)(const struct uf_io_class *const *ctx);
	/* How the stream stands: one of UF_IO_OPEN, _CLEAN, _CUT. */
	int		(*ended)(const struct uf_io_class *const *ctx);
	/*
	 * The socket the caller may splice(2) the next bytes from, or -1
	 * (TLS, or bytes are waiting in the transport's buffer). A caller
	 * that moves bytes this way takes them past the transport, which
	 * then knows nothing of them.
	 */
	int		(*splice_fd)(const struct uf_io_class *const *ctx);
	/*
	 * The connection is about to be closed: tell the peer, as TLS
	 * wants (close_notify, RFC 8446 6.1), unless an error alert was
	 * sent already. Best effort: nothing is waited for.
	 */
	void		(*close)(const struct uf_io_class **ctx);
};

/*
 * What ended() says. UF_IO_CLEAN: the stream ended and the transport
 * vouches that nothing was cut (TLS close_notify; plain TCP, where
 * only the HTTP framing can tell, always says so). UF_IO_CUT: it ended
 * without that proof (a TCP close under TLS), so a body framed by the
 * close may be truncated.
 */
enum {
	UF_IO_OPEN,
	UF_IO_CLEAN,
	UF_IO_CUT
};

/*
 * The plain TCP transport. rx is the receive buffer (caller-owned,
 * rx_cap bytes, MUST outlive the socket's use); the TLS transport
 * leaves it NULL and brings its own.
 */
struct uf_sock {
	const struct uf_io_class	*vtable;
	int				fd;
	const struct uf_limits		*lim;
	unsigned char			*rx;
	size_t				rx_cap, rx_off, rx_len;
	int				eof;	/* recv() returned 0 */
	const char			*proxy;	/* the proxy's name in
						   messages; NULL: direct */
	char				peer[80];	/* "addr port N" */
};

/* Most addresses of one name we try (a 512-byte DNS answer holds ~30). */
#define UF_MAX_ADDRS	16

/*
 * Resolve host and connect to its addresses in resolver order, each
 * within its own deadline of T; the first that accepts wins. family is
 * AF_UNSPEC, AF_INET or AF_INET6. On success s->fd is a non-blocking,
 * TCP_NODELAY socket and s is ready to use as a transport; lim MUST
 * outlive s. On failure the last address's error is recorded and s->fd
 * is -1. Returns UF_OK, UF_E_NET or UF_E_TIMEOUT. With a -m deadline
 * (lim->end), name resolution runs in a child process that is killed
 * when the deadline passes; without one it takes what the system
 * resolver takes, as urlopen's does. proxy, when not NULL, names the
 * proxy host is (it MUST outlive s): every failure then says so
 * ("proxy http://p:3128: cannot connect to ..."), so that it is not
 * taken for the origin's.
 */
enum uf_err	uf_net_connect(struct uf_sock *s, const char *host,
		    const char *port, int family, const struct uf_limits *lim,
		    const char *proxy);

/*
 * The connect loop of uf_net_connect() over an address list the caller
 * made (getaddrinfo's, or a test's). list is only read.
 */
struct addrinfo;
enum uf_err	uf_net_connect_list(struct uf_sock *s,
		    const struct addrinfo *list, const struct uf_limits *lim);

/*
 * Send all of buf[0..len) on s's socket before the absolute deadline dl
 * (0: none), waiting as needed. Returns UF_OK, the timeout of the step
 * named by what, or code with "error WHAT: reason" recorded.
 */
enum uf_err	uf_net_send_all(const struct uf_sock *s, const void *buf,
		    size_t len, uint64_t dl, const char *what, enum uf_err code);

/* Close the socket (if open); s->fd becomes -1. */
void		uf_net_close(struct uf_sock *s);

/*
 * Wait until fd is ready for events (POLLIN, POLLOUT) or the absolute
 * deadline dl passes (dl == 0: no deadline). Returns 1 when ready (or
 * in error: the next I/O call tells), 0 on timeout, -1 on a poll error
 * with errno set.
 */
int		uf_net_wait(int fd, short events, uint64_t dl);

/*
 * uf_net_wait() for an I/O step: UF_OK when fd is ready, else the
 * timeout of the step named by what (lim and dl as for
 * uf_fail_timeout()) or the poll error, recorded.
 */
enum uf_err	uf_net_await(int fd, short events, const struct uf_limits *lim,
		    uint64_t dl, const char *what);

#endif
