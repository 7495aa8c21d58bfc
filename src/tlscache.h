/*
 * tlscache.h: what one run remembers of the TLS servers it met, in
 * static memory of fixed size: a few servers (host name and port),
 * replaced in turn, each with whether it speaks TLS 1.3 and its TLS
 * 1.2 session to resume.
 *
 * Nothing here is per URL and nothing grows: UF_TLS_CACHE entries of a
 * few hundred bytes, for the whole run.
 */
#ifndef UF_TLSCACHE_H
#define UF_TLSCACHE_H

#include <bearssl.h>

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

#endif
