/*
 * tls_inner.h: what the TLS modules share behind tls.h: whom we talk
 * to, the random seed, alert messages, and the two engines (BearSSL's
 * for TLS 1.2 in tls12.c, ours for TLS 1.3 in tls13.c), each of which
 * turns a connected socket into a uf_io_class transport.
 *
 * Both engines keep their contexts and record buffers in the
 * connection's arena ca (they last as long as the connection and MUST
 * NOT move: BearSSL contexts hold pointers into themselves) and take
 * handshake scratch (the chain, anchor lookups) from the URL's arena a,
 * given back before they return.
 */
#ifndef UF_TLS_INNER_H
#define UF_TLS_INNER_H

#include "arena.h"
#include "net.h"
#include "tls.h"
#include "tls13msg.h"
#include "url.h"
#include "x509.h"

/* The server as the handshake sees it; x509's view points into it. */
struct uf_tls_peer {
	char			name[256];	/* DNS name or IP text */
	unsigned char		ip[16];
	size_t			iplen;		/* 0: a DNS name */
	unsigned		port;
	struct uf_x509_peer	x;
};

/*
 * Fill p from u: the name to send (SNI) and check, without a trailing
 * dot, or the IP address to check. Returns UF_OK, or UF_E_USAGE when
 * u's host cannot be one (recorded).
 */
enum uf_err	uf_tls_target(struct uf_tls_peer *p, const struct uf_url *u);

/*
 * len bytes from the kernel's random source (getrandom, else
 * /dev/urandom). Returns 0, or -1 when there is none.
 */
int		uf_tls_seed(unsigned char *buf, size_t len);

/*
 * Record the message for a fatal alert the server sent (exit status
 * 6) and return UF_E_TLS.
 */
enum uf_err	uf_tls_alert_fail(const struct uf_tls_peer *p, unsigned alert);

/*
 * Record that p answered with TLS version ("1.2", ...) and the RFC
 * 8446 downgrade sentinel in its random, for either engine, and
 * return UF_E_TLS.
 */
enum uf_err	uf_tls_downgrade_fail(const struct uf_tls_peer *p,
		    const char *version);

/*
 * TLS 1.2 with BearSSL's engine over the connected socket s. On
 * success *io is the transport. Returns UF_OK, UF_E_CERT, UF_E_TLS,
 * UF_E_NET, UF_E_TIMEOUT or UF_E_PROTO (arena), recorded.
 */
enum uf_err	uf_tls12_open(struct uf_arena *ca, struct uf_arena *a,
		    struct uf_sock *s, const struct uf_tls_peer *p,
		    const struct uf_tls_opts *o,
		    const struct uf_io_class ***io);

/*
 * The cipher suites to offer over TLS 1.3 (v13 set) or TLS 1.2, best
 * first for this CPU (aead.h: uf_aead_aes()): AES-GCM first with AES
 * instructions, ChaCha20-Poly1305 first without, ChaCha20-Poly1305
 * only where no AES is linked. Returns their number, *s the list.
 */
size_t		uf_tls_suites(int v13, const uint16_t **s);

#endif
