/*
 * x509msg.c: one clear line for each reason a chain was refused (see
 * uf_x509_fail() in x509.h), naming the certificate and the reason, the
 * same over TLS 1.2 and 1.3.
 */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "date.h"
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

/* "server certificate 'CN'" (i == 0) or "chain certificate 'CN'". */
static void
who_is(const struct uf_x509 *x, size_t i, char *buf, size_t cap)
{
	struct uf_cert	c;
	char		cn[96];

	/* A certificate we cannot read has no name (c is zeroed). */
	memset(&c, 0, sizeof c);
	if (i < x->ncert) {
		(void)chain_cert(x, i, &c);
	}
	name_of(c.subject, cn, sizeof cn);
	uf_snprintf(buf, cap, "%s certificate '%s'", i == 0 ? "server"
	    : "chain", cn);
}

/*
 * BearSSL's day count (days since 0000-01-01) as YYYY-MM-DD, by the
 * civil-from-days algorithm: gmtime and strftime would bring the C
 * library's time zone code into the static binary (5 KB) for this.
 */
static void
format_day(char *buf, size_t cap, uint32_t days)
{
	int64_t		y;
	unsigned	m, d;

	uf_civil_from_days((int64_t)days - 719528, &y, &m, &d);
	uf_snprintf(buf, cap, "%04d-%02u-%02u", (int)y, m, d);
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

	if (x->what.p != NULL) {
		name_of(x->what, who, sizeof who);
		return uf_fail(UF_E_CERT, "trusted CA '%s' has a %u-bit RSA "
		    "key (under %d bits), which ufetch does not use", who,
		    x->bits, UF_RSA_MIN_BITS);
	}
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
		    "CA that is not trusted (unknown CA; for a private CA, "
		    "use --cacert or --capath)", who);
	}
	/*
	 * The issuer may be a root we lack (a private CA) or an
	 * intermediate the server did not send: both are common.
	 */
	name_of(top.issuer, who, sizeof who);
	return uf_fail(UF_E_CERT, "certificate issuer '%s' is not a trusted "
	    "CA (for a private CA, use --cacert or --capath; or a missing "
	    "intermediate certificate%s)", who, x->ncert == 1
	    ? ": the server sent none" : "");
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

/*
 * The key of certificate i, if that is what is wrong with it (too
 * small, or of a curve or type BearSSL lacks): the message, else
 * UF_OK with nothing recorded.
 */
static enum uf_err
bad_key(const struct uf_x509 *x, size_t i)
{
	struct uf_cert	c;
	struct uf_key	k;
	char		who[128];

	if (i >= x->ncert || chain_cert(x, i, &c) != 0
	    || uf_der_key(&c, &k) != 0) {
		return UF_OK;
	}
	who_is(x, i, who, sizeof who);
	if (k.type == UF_KEY_RSA && k.bits < UF_RSA_MIN_BITS) {
		return uf_fail(UF_E_CERT, "%s has a %u-bit RSA key (under %d "
		    "bits)", who, k.bits, UF_RSA_MIN_BITS);
	}
	if (k.type == UF_KEY_EC && k.curve != NULL
	    && k.bits < UF_EC_MIN_BITS) {
		return uf_fail(UF_E_CERT, "%s has an EC key on %s (under %d "
		    "bits)", who, k.curve, UF_EC_MIN_BITS);
	}
	if (k.type != UF_KEY_RSA && k.curve == NULL) {
		return uf_fail(UF_E_CERT, "%s has a %s BearSSL does not "
		    "support", who, k.type == UF_KEY_EC ? "curve"
		    : "key type");
	}
	return UF_OK;
}

/* BearSSL's NOT_CA at certificate i: its pathLenConstraint, or not a CA. */
static enum uf_err
not_ca(const struct uf_x509 *x, size_t i)
{
	struct uf_cert	c;
	char		who[128];
	long		pathlen;
	int		ca;

	who_is(x, i, who, sizeof who);
	/* i - 1 CA certificates lie between it and the server's. */
	if (i < x->ncert && i > 0 && chain_cert(x, i, &c) == 0
	    && uf_der_basic(&c, &ca, &pathlen) == 0 && ca && pathlen >= 0
	    && (size_t)pathlen < i - 1) {
		return uf_fail(UF_E_CERT, "%s allows %ld CA certificates "
		    "below it (pathLenConstraint), and the chain has %u",
		    who, pathlen, (unsigned)i - 1);
	}
	return uf_fail(UF_E_CERT, "%s signs another certificate but is not a "
	    "CA", who);
}

/* WHY_NC: which name, which CA. */
static enum uf_err
outside(const struct uf_x509 *x)
{
	char	ca[128], leaf[128], name[INET6_ADDRSTRLEN + 64];

	who_is(x, x->bad, ca, sizeof ca);
	who_is(x, 0, leaf, sizeof leaf);
	if (x->what_tag == UF_GN_IP && (x->what.len == 4
	    || x->what.len == 16)) {
		uf_ntop(x->what.len == 4 ? AF_INET : AF_INET6, x->what.p,
		    name, sizeof name);
	} else {
		uf_sanitize(name, sizeof name, (const char *)x->what.p,
		    x->what.len);
	}
	return uf_fail(UF_E_CERT, "%s: %s is %s the name constraints of %s",
	    leaf, name, x->excluded ? "excluded by" : "outside", ca);
}

/* The messages of our own checks (x->why), the rest left to BearSSL's. */
static enum uf_err
ours(const struct uf_x509 *x)
{
	char	who[128], name[96];

	who_is(x, x->bad, who, sizeof who);
	switch (x->why) {
	case UF_X509_WHY_PARSE:
		return uf_fail(UF_E_CERT, "certificate %u of the chain cannot "
		    "be parsed", (unsigned)x->bad + 1);
	case UF_X509_WHY_WILDCARD:
		uf_sanitize(name, sizeof name, (const char *)x->what.p,
		    x->what.len);
		return uf_fail(UF_E_CERT, "%s is not valid for %s ('%s' is a "
		    "wildcard over one label)", who, x->peer->name, name);
	case UF_X509_WHY_EKU:
		return uf_fail(UF_E_CERT, "%s is not for TLS servers "
		    "(extendedKeyUsage without serverAuth)", who);
	case UF_X509_WHY_KU:
		return uf_fail(UF_E_CERT, "%s may not sign%s", who,
		    " (keyUsage without digitalSignature)");
	case UF_X509_WHY_KEY:
		return bad_key(x, x->bad);
	case UF_X509_WHY_NC:
		return outside(x);
	case UF_X509_WHY_NC_KIND:
		return uf_fail(UF_E_CERT, "%s has name constraints ufetch "
		    "cannot check (not only on DNS names and IP addresses)",
		    who);
	}
	return UF_OK;
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
	struct uf_cert	c;
	enum uf_err	e;
	char		who[128];

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
	e = ours(x);
	if (e != UF_OK) {
		return e;
	}
	/* BearSSL stopped at certificate x->at: say what is wrong there. */
	who_is(x, x->at, who, sizeof who);
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
		if (x->at < x->ncert && chain_cert(x, x->at, &c) == 0
		    && c.nc_critical) {
			return uf_fail(UF_E_CERT, "%s has critical name "
			    "constraints, which BearSSL cannot check", who);
		}
		return uf_fail(UF_E_CERT, "%s has a critical extension BearSSL "
		    "does not support", who);
	case BR_ERR_X509_UNSUPPORTED:
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		e = bad_key(x, x->at);
		if (e != UF_OK) {
			return e;
		}
		return uf_fail(UF_E_CERT, "%s uses something BearSSL does not "
		    "support (such as a SHA-1 signature)", who);
	case BR_ERR_X509_NOT_CA:
		return not_ca(x, x->at);
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		/* A CA's, or the server's empty keyUsage. */
		return uf_fail(UF_E_CERT, "%s may not sign%s", who, x->at > 0
		    ? " certificates (keyUsage without keyCertSign)"
		    : " (keyUsage without digitalSignature)");
	case BR_ERR_X509_DN_MISMATCH:
		return uf_fail(UF_E_CERT, "the server sent a malformed or "
		    "misordered certificate chain");
	case BR_ERR_X509_BAD_SIGNATURE:
		return uf_fail(UF_E_CERT, "bad signature in the certificate "
		    "chain");
	}
	return uf_fail(UF_E_CERT, "certificate rejected (BearSSL X.509 error "
	    "%d)", err);
}
