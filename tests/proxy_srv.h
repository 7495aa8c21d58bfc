/*
 * proxy_srv.h: a forward HTTP proxy in the test process, on 127.0.0.1,
 * that only ever connects to 127.0.0.1, for which every host name
 * stands (CONNECT www.example.com:PORT reaches 127.0.0.1:PORT).
 *
 * It serves one connection at a time in its own thread. An
 * absolute-form request ("GET http://127.0.0.1:PORT/p HTTP/1.1") is
 * sent on to the origin in origin form, without Proxy-Authorization,
 * and the bytes are relayed both ways until either side closes; a
 * CONNECT is answered as the mode says, and in PSRV_RELAY mode becomes
 * a tunnel. What it was sent is recorded for the checks.
 */
#ifndef TEST_PROXY_SRV_H
#define TEST_PROXY_SRV_H

#include <pthread.h>
#include <stddef.h>

enum psrv_mode {
	PSRV_RELAY,	/* relay requests, open tunnels */
	PSRV_HOLD,	/* never answer a CONNECT */
	PSRV_DENY	/* answer CONNECT with 403 Forbidden */
};

#define PSRV_LINES	8

struct psrv {
	enum psrv_mode	mode;
	int		fd;
	unsigned short	port;
	pthread_t	th;
	volatile int	stop;
	volatile int	nconn;		/* connections accepted */
	volatile int	nreq;		/* request heads read */
	char		line[PSRV_LINES][512];	/* their request lines */
	char		auth[512];	/* last Proxy-Authorization or "" */
};

/* Start a proxy in mode. Returns 0. */
int	psrv_start(struct psrv *p, enum psrv_mode mode);

/* Stop it (a tunnel or hold in progress ends). */
void	psrv_stop(struct psrv *p);

/* "http://[userinfo@]127.0.0.1:PORT" in buf (userinfo may be NULL). */
const char	*psrv_url(char *buf, size_t cap, const struct psrv *p,
		    const char *userinfo);

#endif
