/*
 * tls.c: HTTPS as a transport: whom the handshake is with, and which
 * engine makes it (see tls.h, tls_inner.h).
 */
#include <sys/random.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "tls13.h"
#include "tls_inner.h"
#include "tlscache.h"

/* see tls.h */
const char *
uf_tls_describe(void)
{
	return uf_tls12_aes_first() ? "TLS 1.3 (ufetch's own) and TLS 1.2 "
	    "(BearSSL), AES-GCM first" : "TLS 1.3 (ufetch's own) and TLS 1.2 "
	    "(BearSSL), ChaCha20-Poly1305 first";
}

/* see tls_inner.h */
int
uf_tls_seed(unsigned char *buf, size_t len)
{
	ssize_t	n;
	int	fd;

	if (getrandom(buf, len, 0) == (ssize_t)len) {
		return 0;
	}
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	n = read(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* see tls_inner.h */
enum uf_err
uf_tls_target(struct uf_tls_peer *p, const struct uf_url *u)
{
	char	addr[64];
	size_t	len;

	memset(p, 0, sizeof *p);
	p->port = u->port;
	p->x.name = p->name;
	if (u->host_kind == UF_HOST_NAME) {
		len = strlen(u->host);
		/* "example.com." is example.com to a certificate. */
		while (len > 0 && u->host[len - 1] == '.') {
			len--;
		}
		if (len == 0 || len >= sizeof p->name) {
			return uf_fail(UF_E_USAGE, "host name too long for TLS");
		}
		memcpy(p->name, u->host, len);
		p->name[len] = '\0';
		return UF_OK;
	}
	len = strcspn(u->host, "%");
	if (len >= sizeof addr) {
		return uf_fail(UF_E_USAGE, "bad IP address");
	}
	memcpy(addr, u->host, len);
	addr[len] = '\0';
	uf_snprintf(p->name, sizeof p->name, "%s", addr);
	p->iplen = u->host_kind == UF_HOST_IPV4 ? 4 : 16;
	if (inet_pton(p->iplen == 4 ? AF_INET : AF_INET6, addr, p->ip) != 1) {
		return uf_fail(UF_E_USAGE, "bad IP address");
	}
	p->x.ip = p->ip;
	p->x.iplen = p->iplen;
	return UF_OK;
}

/* see tls_inner.h */
enum uf_err
uf_tls_alert_fail(const struct uf_tls_peer *p, unsigned alert)
{
	switch (alert) {
	case BR_ALERT_PROTOCOL_VERSION:
		return uf_fail(UF_E_TLS, "the server speaks neither TLS 1.3 "
		    "nor TLS 1.2 (protocol_version alert)");
	case BR_ALERT_HANDSHAKE_FAILURE:
	case BR_ALERT_INSUFFICIENT_SECURITY:
		return uf_fail(UF_E_TLS, "TLS handshake failed: no cipher "
		    "suite, curve or signature algorithm in common with the "
		    "server (alert %u)", alert);
	case UF_ALERT_UNRECOGNIZED_NAME:
		return uf_fail(UF_E_TLS, "the server does not know the name %s "
		    "(unrecognized_name alert)", p->name);
	case BR_ALERT_BAD_CERTIFICATE:
	case UF_ALERT_CERTIFICATE_REQUIRED:
		return uf_fail(UF_E_TLS, "the server requires a client "
		    "certificate (alert %u)", alert);
	}
	return uf_fail(UF_E_TLS, "the server ended the TLS session with alert "
	    "%u", alert);
}

/* see tls.h */
enum uf_err
uf_tls_open(struct uf_arena *ca, struct uf_arena *a, struct uf_sock *s,
    const struct uf_url *u, const struct uf_tls_opts *o,
    const struct uf_io_class ***io, int *again)
{
	struct uf_tls_peer	*p;
	enum uf_err		err;
	int			fallback;

	/* Messages and the X.509 context refer to it while c lasts. */
	p = uf_arena_alloc(ca, sizeof *p);
	if (p == NULL) {
		return uf_fail(UF_E_PROTO, "out of arena memory for TLS");
	}
	*again = 0;
	err = uf_tls_target(p, u);
	if (err != UF_OK) {
		return err;
	}
	/* TLS 1.3 first; TLS 1.2 only where a server did not take it. */
	if (!uf_tlscache_tls12(p->name, p->port)) {
		err = uf_tls13_open(ca, a, s, p, o, io, &fallback);
		if (err == UF_OK && fallback) {
			uf_tlscache_set_tls12(p->name, p->port);
			*again = 1;
		}
		return err;
	}
	return uf_tls12_open(ca, a, s, p, o, io);
}
