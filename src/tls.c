/*
 * tls.c: HTTPS as a transport: whom the handshake is with, and which
 * engine makes it (see tls.h, tls_inner.h).
 */
#include <sys/random.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "aead.h"
#include "fmt.h"
#include "tls13.h"
#include "tls_inner.h"
#include "tlscache.h"

/*
 * The suites, AES-GCM first and ChaCha20-Poly1305 first; without AES,
 * the ChaCha20 ones of the second list alone (the first CHACHA_ONLY_*).
 */
static const uint16_t	suites13_aes[] = {
	UF_TLS_AES_128_GCM_SHA256, UF_TLS_AES_256_GCM_SHA384,
	UF_TLS_CHACHA20_POLY1305_SHA256
};
static const uint16_t	suites13_chacha[] = {
	UF_TLS_CHACHA20_POLY1305_SHA256, UF_TLS_AES_128_GCM_SHA256,
	UF_TLS_AES_256_GCM_SHA384
};
#define CHACHA_ONLY_13	1
static const uint16_t	suites12_aes[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
};
static const uint16_t	suites12_chacha[] = {
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
};
#define CHACHA_ONLY_12	2

/* see tls_inner.h */
size_t
uf_tls_suites(int v13, const uint16_t **s)
{
	switch (uf_aead_aes()) {
	case UF_AES_FAST:
		*s = v13 ? suites13_aes : suites12_aes;
		return v13 ? sizeof suites13_aes / sizeof suites13_aes[0]
		    : sizeof suites12_aes / sizeof suites12_aes[0];
	case UF_AES_SLOW:
		*s = v13 ? suites13_chacha : suites12_chacha;
		return v13 ? sizeof suites13_chacha / sizeof suites13_chacha[0]
		    : sizeof suites12_chacha / sizeof suites12_chacha[0];
	}
	*s = v13 ? suites13_chacha : suites12_chacha;
	return v13 ? CHACHA_ONLY_13 : CHACHA_ONLY_12;
}

/* see tls.h */
const char *
uf_tls_describe(void)
{
	switch (uf_aead_aes()) {
	case UF_AES_FAST:
		return "AES-GCM first";
	case UF_AES_SLOW:
		return "ChaCha20-Poly1305 first";
	}
	return "ChaCha20-Poly1305 only (no AES instructions)";
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
uf_tls_downgrade_fail(const struct uf_tls_peer *p, const char *version)
{
	return uf_fail(UF_E_TLS, "TLS downgrade detected: %s answered with "
	    "TLS %s and the sign of a TLS 1.3 server (RFC 8446 sentinel); "
	    "someone in between removed TLS 1.3 from ufetch's offer",
	    p->name, version);
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
