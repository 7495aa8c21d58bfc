/*
 * tls13.h: our TLS 1.3 client (RFC 8446), on BearSSL 0.6's primitives,
 * as a transport.
 *
 * What it does. A handshake with (EC)DHE: an X25519 key share
 * first; X25519, P-256 and P-384 supported, so that a server may ask
 * for another with a HelloRetryRequest (with or without a cookie).
 * Cipher suites TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 and
 * TLS_CHACHA20_POLY1305_SHA256 (AES-GCM first where the CPU has AES
 * instructions). The server signs with ecdsa_secp256r1_sha256,
 * ecdsa_secp384r1_sha384, ecdsa_secp521r1_sha512 or rsa_pss_rsae_
 * sha256/384/512. A ticket an earlier connection of the run got for
 * the same host and port (tlscache.h) is offered once, psk_dhe_ke
 * only: the PSK and a fresh (EC)DHE share, no Certificate then. No
 * 0-RTT, no psk_ke, no client certificate (a CertificateRequest gets an
 * empty Certificate).
 * Middlebox compatibility mode (a session ID of ours, one dummy
 * ChangeCipherSpec). After the handshake: KeyUpdate (answered when
 * asked), NewSessionTicket (checked, and kept for the next
 * connection), close_notify.
 *
 * The fallback rule. Our ClientHello also offers TLS 1.2 and BearSSL's
 * ECDHE suites, so a server without TLS 1.3 answers with a TLS 1.2
 * ServerHello. Only that case sets *fallback: the ServerHello is then
 * checked for the downgrade sentinel first (RFC 8446 4.1.3: if a TLS
 * 1.3 server put it there, an attacker stripped our offer, and the
 * handshake fails with UF_E_TLS), and the caller is to connect again
 * and use BearSSL's TLS 1.2 engine. Anything else a server does wrong,
 * before or after it selected TLS 1.3, is an error and never a reason
 * to fall back.
 *
 * Limits. Records up to 2^14 bytes of plaintext (2^14 + 256 of
 * ciphertext); a handshake message during the handshake up to
 * UF_TLS13_HS_MAX bytes (a Certificate message with UF_CHAIN_MAX bytes
 * of certificates); after it up to UF_TLS13_PHS_MAX (a larger
 * NewSessionTicket is skipped unread).
 *
 * Memory. The transport (record buffers of 16.3 KiB each way, the
 * record protection, the traffic secrets) lives in the connection's
 * arena ca, about 40 KiB, and MUST NOT move. Handshake state (the
 * message buffer, the transcript, key shares, the X.509 context and
 * its anchors) comes from the URL's arena a and is given back before
 * uf_tls13_open() returns.
 *
 * Time. The handshake has one deadline of T in all; after it, each
 * recv_buf() waits at most T of idle time and each write() has one
 * deadline of T (CONTRACT section 4).
 */
#ifndef UF_TLS13_H
#define UF_TLS13_H

#include "arena.h"
#include "net.h"
#include "tls_inner.h"
#include "x509.h"

/* Most bytes of one handshake message during the handshake. */
#define UF_TLS13_HS_MAX		(UF_CHAIN_MAX + 1024)
/* ... and after it (KeyUpdate, NewSessionTicket). */
#define UF_TLS13_PHS_MAX	1024

/*
 * Handshake over the connected socket s with peer p (which MUST outlive
 * the connection). On success *io is the transport. Returns UF_OK,
 * UF_E_CERT, UF_E_TLS, UF_E_NET, UF_E_TIMEOUT or UF_E_PROTO (arena),
 * recorded. *fallback is set, with UF_OK returned and *io left alone,
 * when the server selected TLS 1.2 (see above): the socket is then of
 * no further use.
 */
enum uf_err	uf_tls13_open(struct uf_arena *ca, struct uf_arena *a,
		    struct uf_sock *s, const struct uf_tls_peer *p,
		    const struct uf_tls_opts *o,
		    const struct uf_io_class ***io, int *fallback);

#endif
