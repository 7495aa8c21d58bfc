/*
 * tunnel.h: the CONNECT exchange that turns a connection to an HTTP
 * proxy into a tunnel to an https origin (RFC 9110 section 9.3.6).
 *
 * It runs between the TCP connect and the TLS handshake, on the plain
 * socket, as steps of their own under CONTRACT section 4: the request
 * is written within T, each wait for the proxy's answer lasts at most
 * T, and -m bounds it all. Only a 2xx answer opens the tunnel; its
 * head is read to the blank line and no further, and bytes after it
 * (which a proxy has no reason to send before our ClientHello) are a
 * protocol error, never handed to TLS.
 */
#ifndef UF_TUNNEL_H
#define UF_TUNNEL_H

#include "arena.h"
#include "net.h"
#include "proxy.h"
#include "url.h"

/*
 * Ask the proxy p, connected on s, for a tunnel to u's origin; ua is
 * the User-Agent (NULL: none). The buffers come from a and are given
 * back. Returns UF_OK with s ready for the TLS handshake, else
 * UF_E_NET (closed, or refused: "proxy refused CONNECT: 403
 * Forbidden"), UF_E_PROTO (a malformed answer, bytes after it),
 * UF_E_TIMEOUT, with the message recorded.
 */
enum uf_err	uf_tunnel(struct uf_arena *a, struct uf_sock *s,
		    const struct uf_proxy *p, const struct uf_url *u,
		    const char *ua);

#endif
