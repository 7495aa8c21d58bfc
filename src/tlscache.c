/*
 * tlscache.c: servers remembered for the run (see tlscache.h).
 */
#include <string.h>

#include "fmt.h"
#include "ufetch.h"
#include "tlscache.h"

/*
 * A session is 86 bytes; a resumed handshake skips the key exchange
 * and the certificate checks (done when the session was made).
 */
static struct entry {
	char				name[256];
	unsigned			port;
	int				tls12;	/* no TLS 1.3 */
	br_ssl_session_parameters	sp;
	struct uf_ticket		tk;
} cache[UF_TLS_CACHE];
static unsigned	next_entry;

static struct entry *
find(const char *name, unsigned port)
{
	size_t	i;

	for (i = 0; i < UF_TLS_CACHE; i++) {
		if (cache[i].port == port && strcmp(cache[i].name, name) == 0) {
			return &cache[i];
		}
	}
	return NULL;
}

/* see tlscache.h */
const br_ssl_session_parameters *
uf_tlscache_session(const char *name, unsigned port)
{
	struct entry	*e = find(name, port);

	return e != NULL && e->sp.session_id_len > 0 ? &e->sp : NULL;
}

/* The entry of name:port, made (replacing the oldest) if need be. */
static struct entry *
get(const char *name, unsigned port)
{
	struct entry	*e = find(name, port);

	if (e == NULL) {
		e = &cache[next_entry++ % UF_TLS_CACHE];
		memset(e, 0, sizeof *e);
		uf_snprintf(e->name, sizeof e->name, "%s", name);
		e->port = port;
	}
	return e;
}

/* see tlscache.h */
void
uf_tlscache_keep_session(const char *name, unsigned port,
    const br_ssl_session_parameters *sp)
{
	if (sp->session_id_len > 0) {
		get(name, port)->sp = *sp;
	}
}

/* see tlscache.h */
void
uf_tlscache_set_tls12(const char *name, unsigned port)
{
	get(name, port)->tls12 = 1;
}

/* see tlscache.h */
int
uf_tlscache_tls12(const char *name, unsigned port)
{
	struct entry	*e = find(name, port);

	return e != NULL && e->tls12;
}

/* see tlscache.h */
void
uf_tlscache_keep_ticket(const char *name, unsigned port,
    const struct uf_ticket *tk)
{
	get(name, port)->tk = *tk;
}

/* see tlscache.h */
int
uf_tlscache_take_ticket(const char *name, unsigned port,
    struct uf_ticket *tk)
{
	struct entry	*e = find(name, port);

	if (e == NULL || e->tk.len == 0) {
		return -1;
	}
	*tk = e->tk;
	e->tk.len = 0;
	return uf_now() < tk->until ? 0 : -1;
}
