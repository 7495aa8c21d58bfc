/*
 * tls.h: HTTPS as a transport: TLS 1.3 with our own client (tls13.c)
 * and TLS 1.2 with BearSSL's engine (tls12.c), each driven over the
 * non-blocking socket.
 *
 * The handshake has one deadline of T in all; each recv_buf() call
 * waits at most T; each write() has one deadline of T (CONTRACT
 * section 4). (EC)DHE with AES-GCM or ChaCha20-Poly1305. Certificates
 * are checked (x509.c) against trust anchors that trust.c decodes on
 * demand, by the same code and with the same messages over both
 * versions; IP-literal URLs against the certificate's IP addresses (no
 * SNI is sent for them).
 *
 * The contexts and the record buffer live in the connection's arena
 * (they last as long as the connection); the copy of the certificate
 * chain and the anchor lookups use the URL's arena during the
 * handshake only. Nothing may be moved: BearSSL contexts hold pointers
 * into themselves.
 *
 * TLS 1.2 sessions are remembered per host (a few, in static memory)
 * so that a new connection to a host seen before in the run resumes
 * its session instead of a full handshake, where the server allows it.
 */
#ifndef UF_TLS_H
#define UF_TLS_H

#include "arena.h"
#include "net.h"
#include "trust.h"
#include "url.h"
#include "x509.h"

struct uf_tls_opts {
	int		insecure;	/* -k: no certificate checks */
	int		bidi;		/* requests have bodies: a two-way
					   record buffer (16 KiB more) */
	struct uf_trust	*trust;
};

/*
 * Handshake over the connected socket s for URL u. Contexts come from
 * ca (the connection's arena), handshake scratch from a (the URL's,
 * given back before returning). On success *io is the transport.
 * Returns UF_OK, UF_E_CERT, UF_E_TLS, UF_E_NET or UF_E_TIMEOUT with the
 * message recorded, or UF_E_PROTO when an arena is too small.
 *
 * TLS 1.3 is tried first. When the server answers with TLS 1.2, UF_OK
 * is returned with *again set and *io unset: the caller MUST close s,
 * reset ca, connect again (the same way: directly or through the same
 * proxy) and call uf_tls_open() once more, which then makes a TLS 1.2
 * handshake; the server is remembered for the rest of the run.
 */
enum uf_err	uf_tls_open(struct uf_arena *ca, struct uf_arena *a,
		    struct uf_sock *s, const struct uf_url *u,
		    const struct uf_tls_opts *o,
		    const struct uf_io_class ***io, int *again);

/* The cipher suites' order, "AES-GCM first" and the like, for -V. */
const char	*uf_tls_describe(void);

#endif
