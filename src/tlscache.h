/*
 * tlscache.h: what one run remembers of the TLS servers it met, in
 * static memory of fixed size: a few servers (host name and port),
 * replaced in turn, each with whether it speaks TLS 1.3, its TLS 1.2
 * session to resume, and a TLS 1.3 ticket (a pre-shared key) to resume
 * with once.
 *
 * Nothing here is per URL and nothing grows: UF_TLS_CACHE entries of a
 * few hundred bytes, for the whole run.
 */
#ifndef UF_TLSCACHE_H
#define UF_TLSCACHE_H

#include <stdint.h>

#include <bearssl.h>

#include "hkdf.h"

/*
 * The longest ticket kept (servers' are a few hundred bytes; a longer
 * one is not kept, and the next connection makes a full handshake).
 */
#define UF_TICKET_MAX	512

/* A TLS 1.3 ticket: what resuming with it takes (RFC 8446 4.6.1). */
struct uf_ticket {
	unsigned	suite;		/* of the session; its hash the PSK's */
	uint32_t	age_add;
	uint64_t	got;		/* uf_now() when it came */
	uint64_t	until;		/* uf_now() past which it is void */
	size_t		psk_len;
	unsigned char	psk[UF_HASH_MAX];
	size_t		len;		/* 0: none */
	unsigned char	ticket[UF_TICKET_MAX];
};

/* Servers remembered; a fifth replaces the oldest. */
#define UF_TLS_CACHE	4

/*
 * The TLS 1.2 session last made with name:port, or NULL. Valid until
 * the next call of uf_tlscache_keep_session().
 */
const br_ssl_session_parameters	*uf_tlscache_session(const char *name,
				    unsigned port);

/* Remember sp (which has a session ID) for name:port. */
void	uf_tlscache_keep_session(const char *name, unsigned port,
	    const br_ssl_session_parameters *sp);

/*
 * name:port answered our TLS 1.3 ClientHello with TLS 1.2: the rest of
 * the run goes to it with TLS 1.2 straight away.
 */
void	uf_tlscache_set_tls12(const char *name, unsigned port);
int	uf_tlscache_tls12(const char *name, unsigned port);

/*
 * Keep tk (a copy) as name:port's ticket, in place of the one before;
 * take it out again to offer it: a ticket is used once (RFC 8446 C.4),
 * so it is removed. Returns 0 with *tk filled, or -1 when there is none
 * still valid.
 */
void	uf_tlscache_keep_ticket(const char *name, unsigned port,
	    const struct uf_ticket *tk);
int	uf_tlscache_take_ticket(const char *name, unsigned port,
	    struct uf_ticket *tk);

#endif
