/*
 * x509msg.c: one clear line for each reason a chain was refused (see
 * uf_x509_fail() in x509.h), naming the certificate and the reason, the
 * same over TLS 1.2 and 1.3.
 */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "der.h"
#include "fmt.h"
#include "x509.h"

/* BearSSL's X.509 error codes lie in [BR_ERR_X509_OK, UF_X509_ERR_END). */
#define UF_X509_ERR_END	64

/* Certificate i of the last chain, parsed. */
static int
chain_cert(const struct uf_x509 *x, size_t i, struct uf_cert *c)
{
	return uf_der_cert(x->cert[i], x->clen[i], c);
}

/* "CN" of a name, sanitized, or a stand-in. */
static void
name_of(struct uf_der name, char *buf, size_t cap)
{
	struct uf_der	cn;

	if (uf_der_name_cn(name, &cn) == 0 && cn.len > 0) {
		uf_sanitize(buf, cap, (const char *)cn.p, cn.len);
	} else {
		uf_snprintf(buf, cap, "(no common name)");
	}
}

/*
 * BearSSL's day count (days since 0000-01-01) as YYYY-MM-DD, by the
 * civil-from-days algorithm: gmtime and strftime would bring the C
 * library's time zone code into the static binary (5 KB) for this.
 */
static void
format_day(char *buf, size_t cap, uint32_t days)
{
	int64_t		z = (int64_t)days - 719528 + 719468;
	int64_t		era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned	doe = (unsigned)(z - era * 146097);
	unsigned	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096)
			    / 365;
	unsigned	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned	mp = (5 * doy + 2) / 153;
	unsigned	d = doy - (153 * mp + 2) / 5 + 1;
	unsigned	m = mp < 10 ? mp + 3 : mp - 9;
	int64_t		y = (int64_t)yoe + era * 400 + (m <= 2);

	uf_snprintf(buf, cap, "%04d-%02u-%02u", (int)y, (unsigned char)m,
	    (unsigned char)d);
}

/*
 * 2026-11-01 in BearSSL's day count: no clock that is right can be
 * earlier than the day this version was written. Routers without a
 * battery-backed clock boot in 1970, and every certificate then looks
 * "not yet valid"; saying so beats a puzzling certificate error.
 */
#define UF_CLOCK_FLOOR	740286u

static enum uf_err
expired(const struct uf_x509 *x)
{
	br_x509_decoder_context	dc;
	struct uf_cert		c;
	char			when[24], clock[24], who[96];
	time_t			now = time(NULL);
	uint32_t		days = (uint32_t)(now / 86400 + 719528);
	uint32_t		secs = (uint32_t)(now % 86400);
	size_t			i;

	format_day(clock, sizeof clock, days);
	for (i = 0; i < x->ncert; i++) {
		br_x509_decoder_init(&dc, NULL, NULL);
		br_x509_decoder_push(&dc, x->cert[i], x->clen[i]);
		if (chain_cert(x, i, &c) != 0) {
			continue;
		}
		name_of(c.subject, who, sizeof who);
		if (days < dc.notbefore_days || (days == dc.notbefore_days
		    && secs < dc.notbefore_seconds)) {
			format_day(when, sizeof when, dc.notbefore_days);
			if (days < UF_CLOCK_FLOOR) {
				return uf_fail(UF_E_CERT, "the system clock "
				    "looks wrong (%s, before this ufetch was "
				    "made): certificate '%s' is not yet valid "
				    "(notBefore %s); set the clock (NTP, date) "
				    "and try again", clock, who, when);
			}
			return uf_fail(UF_E_CERT, "%s certificate '%s' is not "
			    "yet valid (notBefore %s, clock %s; is the clock "
			    "right?)", i == 0 ? "server" : "chain", who, when,
			    clock);
		}
		if (days > dc.notafter_days || (days == dc.notafter_days
		    && secs > dc.notafter_seconds)) {
			format_day(when, sizeof when, dc.notafter_days);
			return uf_fail(UF_E_CERT, "%s certificate '%s' has "
			    "expired (notAfter %s, clock %s)",
			    i == 0 ? "server" : "chain", who, when, clock);
		}
	}
	return uf_fail(UF_E_CERT, "certificate expired or not yet valid "
	    "(clock %s)", clock);
}

static enum uf_err
untrusted(const struct uf_x509 *x)
{
	struct uf_cert	top;
	char		who[96];
	int		self;

	if (x->ncert == 0 || chain_cert(x, x->ncert - 1, &top) != 0) {
		return uf_fail(UF_E_CERT, "certificate is not trusted");
	}
	self = top.issuer.len == top.subject.len
	    && memcmp(top.issuer.p, top.subject.p, top.issuer.len) == 0;
	if (self && x->ncert == 1) {
		name_of(top.subject, who, sizeof who);
		return uf_fail(UF_E_CERT, "self-signed certificate '%s' is "
		    "not trusted", who);
	}
	if (self) {
		name_of(top.subject, who, sizeof who);
		return uf_fail(UF_E_CERT, "certificate chain ends at '%s', a "
		    "CA that is not trusted (unknown CA)", who);
	}
	name_of(top.issuer, who, sizeof who);
	if (x->ncert == 1) {
		return uf_fail(UF_E_CERT, "the server sent no intermediate "
		    "certificate, and its certificate's issuer '%s' is not a "
		    "trusted CA (missing intermediate certificate)", who);
	}
	return uf_fail(UF_E_CERT, "certificate issuer '%s' is not a trusted "
	    "CA (unknown CA, or a missing intermediate certificate)", who);
}

static enum uf_err
wrong_name(const struct uf_x509 *x)
{
	struct uf_cert	c;
	struct uf_der	dns;
	char		names[160], one[64], host[INET6_ADDRSTRLEN + 16];
	size_t		i, len = 0;

	names[0] = '\0';
	if (x->ncert > 0 && chain_cert(x, 0, &c) == 0) {
		for (i = 0; i < 3 && uf_der_san_dns(&c, i, &dns) == 0; i++) {
			uf_sanitize(one, sizeof one, (const char *)dns.p,
			    dns.len);
			len += (size_t)uf_snprintf(names + len,
			    sizeof names - len, "%s%s", i > 0 ? ", " : "",
			    one);
			if (len >= sizeof names) {
				break;
			}
		}
		if (i == 0) {
			name_of(c.subject, names, sizeof names);
		}
	}
	if (x->peer->ip != NULL) {
		uf_ntop(x->peer->iplen == 4 ? AF_INET : AF_INET6, x->peer->ip,
		    host, sizeof host);
		return uf_fail(UF_E_CERT, "certificate is not valid for the IP "
		    "address %s (it names %s)", host, names);
	}
	return uf_fail(UF_E_CERT, "certificate is not valid for %s (it names "
	    "%s)", x->peer->name, names);
}

/* see x509.h */
int
uf_x509_is_cert_error(int err)
{
	return err >= BR_ERR_X509_OK && err < UF_X509_ERR_END;
}

/* see x509.h */
enum uf_err
uf_x509_fail(struct uf_x509 *x, int err)
{
	switch (x->why) {
	case UF_X509_WHY_STORE:
		/* trust.c has already recorded why, with its own code. */
		return x->store_err;
	case UF_X509_WHY_CHAIN_BIG:
		return uf_fail(UF_E_CERT, "certificate chain longer than %d "
		    "bytes or %d certificates", UF_CHAIN_MAX, UF_CHAIN_CERTS);
	case UF_X509_WHY_NO_ROOM:
		return uf_fail(UF_E_PROTO, "out of arena memory for the "
		    "certificate chain");
	case UF_X509_WHY_LATE:
		return uf_fail(UF_E_TLS, "the server sent a certificate after "
		    "the handshake (renegotiation), which ufetch refuses");
	}
	switch (err) {
	case BR_ERR_X509_EXPIRED:
		return expired(x);
	case BR_ERR_X509_NOT_TRUSTED:
		return untrusted(x);
	case BR_ERR_X509_BAD_SERVER_NAME:
		return wrong_name(x);
	case BR_ERR_X509_EMPTY_CHAIN:
		return uf_fail(UF_E_CERT, "the server sent no certificate");
	case BR_ERR_X509_CRITICAL_EXTENSION:
	case BR_ERR_X509_UNSUPPORTED:
		return uf_fail(UF_E_CERT, "the certificate chain uses something "
		    "BearSSL does not support (such as a SHA-1 signature or "
		    "name constraints)");
	case BR_ERR_X509_NOT_CA:
		return uf_fail(UF_E_CERT, "a certificate in the chain signs "
		    "others but is not a CA");
	case BR_ERR_X509_DN_MISMATCH:
		return uf_fail(UF_E_CERT, "the server sent a malformed or "
		    "misordered certificate chain");
	case BR_ERR_X509_BAD_SIGNATURE:
		return uf_fail(UF_E_CERT, "bad signature in the certificate "
		    "chain");
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		return uf_fail(UF_E_CERT, "the certificate's key is too weak");
	}
	return uf_fail(UF_E_CERT, "certificate rejected (BearSSL X.509 error "
	    "%d)", err);
}
