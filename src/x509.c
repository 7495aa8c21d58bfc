/*
 * x509.c: checking the server's chain (see x509.h).
 *
 * IMPLEMENTATION NOTES
 *
 * The chain is gathered first (copied as BearSSL's engine hands it
 * over, or given as spans by the TLS 1.3 client), then checked in one
 * go: only when all of it is there do we know which issuers it names,
 * and so which anchors trust.c must decode. Anchors with keys we deem
 * too weak are dropped there, so BearSSL never chains to them.
 *
 * br_x509_minimal then runs over the gathered chain as if it came
 * straight from the engine, but with no server name: names are ours to
 * check (its check lets "*.com" match "foo.com"). We feed it one
 * certificate at a time and look at its error slot after each: it is
 * set at the first certificate that fails, or (to BR_ERR_X509_OK) at
 * the first whose issuer is an anchor that verifies it, after which
 * BearSSL ignores the rest. So x->at is where it stopped: the path it
 * validated is cert[0..at], and it is over that path, not over
 * whatever else the server sent, that our own checks run (policy()),
 * and at cert[at] that x509msg.c looks for why BearSSL failed.
 */
#include <string.h>

#include "x509.h"

static struct uf_x509 *
of(const br_x509_class *const *ctx)
{
	return (struct uf_x509 *)(void *)ctx;
}

/*
 * A new chain: nothing of the last one counts. Returns 0, or -1 (the
 * chain refused, with why) outside a handshake.
 */
static int
new_chain(struct uf_x509 *x)
{
	x->len = 0;
	x->ncert = 0;
	x->nta = 0;
	x->why = UF_X509_WHY_NONE;
	x->what.p = NULL;
	x->excluded = 0;
	x->over = x->a == NULL;
	if (x->over) {
		x->why = UF_X509_WHY_LATE;
		return -1;
	}
	return 0;
}

static void
vx_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct uf_x509	*x = of(ctx);

	(void)server_name;	/* we check x->peer, which it came from */
	if (new_chain(x) != 0) {
		return;
	}
	/* Only the engine's path copies; TLS 1.3 hands over spans. */
	if (x->buf == NULL) {
		x->buf = uf_arena_alloc(x->a, UF_CHAIN_MAX);
		if (x->buf == NULL) {
			x->why = UF_X509_WHY_NO_ROOM;
			x->over = 1;
		}
	}
}

static void
vx_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct uf_x509	*x = of(ctx);

	if (x->over || x->ncert == UF_CHAIN_CERTS
	    || length > UF_CHAIN_MAX - x->len) {
		if (!x->over) {
			x->why = UF_X509_WHY_CHAIN_BIG;
		}
		x->over = 1;
		return;
	}
	x->cert[x->ncert] = x->buf + x->len;
	x->clen[x->ncert] = 0;
}

static void
vx_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct uf_x509	*x = of(ctx);

	/* BearSSL guarantees the chunks add up to start_cert's length. */
	if (!x->over) {
		memcpy(x->buf + x->len, buf, len);
		x->len += len;
		x->clen[x->ncert] += len;
	}
}

static void
vx_end_cert(const br_x509_class **ctx)
{
	struct uf_x509	*x = of(ctx);

	if (!x->over) {
		x->ncert++;
	}
}

/* a[0..n) and b[0..n) equal, ASCII letters without regard to case? */
static int
eq_nocase(const unsigned char *a, const unsigned char *b, size_t n)
{
	unsigned	ca, cb;

	while (n-- > 0) {
		ca = *a++;
		cb = *b++;
		ca += ca - 'A' < 26 ? 'a' - 'A' : 0;
		cb += cb - 'A' < 26 ? 'a' - 'A' : 0;
		if (ca != cb) {
			return 0;
		}
	}
	return 1;
}

/* see x509.h */
int
uf_x509_name_match(const unsigned char *pat, size_t plen, const char *host)
{
	const char	*rest;
	size_t		i, off, dots = 0;

	off = plen >= 2 && pat[0] == '*' && pat[1] == '.' ? 2 : 0;
	if (plen == off) {
		return 0;
	}
	for (i = off; i < plen; i++) {
		if (pat[i] == '*') {
			return 0;
		}
		if (pat[i] == '.') {
			if (i == off || i + 1 == plen || pat[i - 1] == '.') {
				return 0;
			}
			dots++;
		}
	}
	if (off == 0) {
		return plen == strlen(host)
		    && eq_nocase(pat, (const unsigned char *)host, plen);
	}
	/* The star is the host's first label, which must not be empty. */
	rest = strchr(host, '.');
	if (rest == NULL || rest == host || strlen(rest + 1) != plen - 2
	    || !eq_nocase(pat + 2, (const unsigned char *)rest + 1,
	    plen - 2)) {
		return 0;
	}
	return dots > 0 ? 1 : -1;
}

/* see x509.h */
int
uf_x509_dns_within(const unsigned char *n, size_t nlen,
    const unsigned char *base, size_t blen)
{
	if (blen == 0) {
		return 1;
	}
	if (nlen < blen || !eq_nocase(n + nlen - blen, base, blen)) {
		return 0;
	}
	return nlen == blen || base[0] == '.' || n[nlen - blen - 1] == '.';
}

/* see x509.h */
int
uf_x509_ip_within(const unsigned char *ip, size_t iplen,
    const unsigned char *base, size_t blen)
{
	size_t	i;

	if (blen != 2 * iplen) {
		return 0;
	}
	for (i = 0; i < iplen; i++) {
		if ((ip[i] ^ base[i]) & base[iplen + i]) {
			return 0;
		}
	}
	return 1;
}

/* Refuse with why about certificate i; returns err. */
static unsigned
refuse(struct uf_x509 *x, int why, size_t i, unsigned err)
{
	x->why = why;
	x->bad = i;
	return err;
}

/* Is k a key we accept (RSA of 2048 bits or more, EC of 256 or more)? */
static int
key_ok(const struct uf_key *k)
{
	return k->type == UF_KEY_RSA ? k->bits >= UF_RSA_MIN_BITS
	    : k->type == UF_KEY_EC && k->bits >= UF_EC_MIN_BITS;
}

/*
 * Drop the anchors with RSA keys under UF_RSA_MIN_BITS, remembering
 * the first for the message should the chain then not be trusted (EC
 * anchors are on P-256 or larger: BearSSL decodes no other curve).
 */
static void
drop_weak_anchors(struct uf_x509 *x)
{
	const br_x509_trust_anchor	*ta;
	size_t				i, k = 0;
	unsigned			bits;

	for (i = 0; i < x->nta; i++) {
		ta = &x->tas[i];
		bits = ta->pkey.key_type != BR_KEYTYPE_RSA ? UF_RSA_MIN_BITS
		    : uf_der_bits(ta->pkey.key.rsa.n, ta->pkey.key.rsa.nlen);
		if (bits >= UF_RSA_MIN_BITS) {
			x->tas[k++] = *ta;
		} else if (x->what.p == NULL) {
			x->what.p = ta->dn.data;
			x->what.len = ta->dn.len;
			x->bits = bits;
		}
	}
	x->nta = k;
}

/*
 * One of the leaf's names, n of GeneralName kind tag, against the
 * subtrees of ca of that kind. Returns 0, or -1 (x->what set).
 */
static int
nc_name(struct uf_x509 *x, const struct uf_cert *ca, unsigned tag,
    struct uf_der n)
{
	struct uf_subtree	st;
	size_t			i;
	int			in, permitted = 0, inside = 0;

	for (i = 0; uf_der_subtree(ca, i, &st) == 1; i++) {
		if (st.tag != tag) {
			continue;
		}
		in = tag == UF_GN_DNS ? uf_x509_dns_within(n.p, n.len,
		    st.base.p, st.base.len) : uf_x509_ip_within(n.p, n.len,
		    st.base.p, st.base.len);
		x->excluded = st.excluded && in;
		if (x->excluded) {
			break;
		}
		permitted |= !st.excluded;
		inside |= in;
	}
	if (x->excluded || (permitted && !inside)) {
		x->what = n;
		x->what_tag = tag;
		return -1;
	}
	return 0;
}

/*
 * The name constraints of CA certificate i, ca, over the leaf's names
 * (RFC 5280 4.2.1.10): DNS names and IP addresses, which is how we
 * know a server. Constraints on any other kind of name, or malformed
 * ones, we cannot check, so they refuse the chain. Returns 0, or a
 * refusal.
 */
static unsigned
check_nc(struct uf_x509 *x, size_t i, const struct uf_cert *ca,
    const struct uf_cert *leaf)
{
	struct uf_subtree	st;
	struct uf_der		in = leaf->san, n;
	unsigned		tag;
	size_t			k;
	int			rc;

	for (k = 0; (rc = uf_der_subtree(ca, k, &st)) == 1; k++) {
		if (st.tag != UF_GN_DNS && st.tag != UF_GN_IP) {
			break;
		}
	}
	if (rc != 0) {
		return refuse(x, UF_X509_WHY_NC_KIND, i,
		    BR_ERR_X509_UNSUPPORTED);
	}
	/*
	 * Every name of the leaf: its subjectAltName entries (kinds
	 * without subtrees pass), its CN when it has no subjectAltName,
	 * and the host asked for, which a wildcard may have matched.
	 */
	while (uf_der_next(&in, &tag, &n, NULL) == 0) {
		if (nc_name(x, ca, tag, n) != 0) {
			goto out;
		}
	}
	if (!leaf->has_san && uf_der_name_cn(leaf->subject, &n) == 0
	    && nc_name(x, ca, UF_GN_DNS, n) != 0) {
		goto out;
	}
	n.p = (const unsigned char *)x->peer->name;
	n.len = strlen(x->peer->name);
	if (x->peer->ip == NULL && nc_name(x, ca, UF_GN_DNS, n) != 0) {
		goto out;
	}
	return 0;
out:
	return refuse(x, UF_X509_WHY_NC, i, BR_ERR_X509_BAD_SERVER_NAME);
}

/* Does the leaf name the peer? 0, or a refusal. */
static unsigned
check_name(struct uf_x509 *x, const struct uf_cert *leaf)
{
	struct uf_der	n;
	size_t		i;
	int		m, broad = 0;

	/* BearSSL checks no IP address; the CN never stands for one. */
	if (x->peer->ip != NULL) {
		return uf_der_san_ip(leaf, x->peer->ip, x->peer->iplen) ? 0
		    : refuse(x, UF_X509_WHY_IP, 0,
		    BR_ERR_X509_BAD_SERVER_NAME);
	}
	for (i = 0; uf_der_san_name(leaf, UF_GN_DNS, i, &n) == 0
	    || (i == 0 && !leaf->has_san
	    && uf_der_name_cn(leaf->subject, &n) == 0); i++) {
		m = uf_x509_name_match(n.p, n.len, x->peer->name);
		if (m > 0) {
			return 0;
		}
		if (m < 0 && !broad) {
			broad = 1;
			x->what = n;
		}
	}
	return refuse(x, broad ? UF_X509_WHY_WILDCARD : UF_X509_WHY_NONE, 0,
	    BR_ERR_X509_BAD_SERVER_NAME);
}

/*
 * Our checks over the path BearSSL validated, cert[0..x->at]: the
 * name, what the leaf may be used for, every key, and the name
 * constraints of every CA. Returns 0, or a refusal.
 */
static unsigned
policy(struct uf_x509 *x)
{
	struct uf_cert	leaf, c;
	struct uf_key	k;
	unsigned	ku, rc;
	size_t		i;

	/* check_gathered() parsed each of them already. */
	(void)uf_der_cert(x->cert[0], x->clen[0], &leaf);
	rc = check_name(x, &leaf);
	if (rc != 0) {
		return rc;
	}
	/* A malformed extension allows nothing. */
	if (uf_der_eku_server(&leaf) <= 0) {
		return refuse(x, UF_X509_WHY_EKU, 0,
		    BR_ERR_X509_FORBIDDEN_KEY_USAGE);
	}
	/* ECDHE (1.2) and CertificateVerify (1.3) both sign. */
	if (uf_der_key_usage(&leaf, &ku) != 0
	    || !(ku & UF_KU_DIGITAL_SIGNATURE)) {
		return refuse(x, UF_X509_WHY_KU, 0,
		    BR_ERR_X509_FORBIDDEN_KEY_USAGE);
	}
	for (i = 0; i <= x->at && i < x->ncert; i++) {
		(void)uf_der_cert(x->cert[i], x->clen[i], &c);
		if (uf_der_key(&c, &k) != 0 || !key_ok(&k)) {
			return refuse(x, UF_X509_WHY_KEY, i,
			    BR_ERR_X509_WEAK_PUBLIC_KEY);
		}
		if (i > 0 && (rc = check_nc(x, i, &c, &leaf)) != 0) {
			return rc;
		}
	}
	return 0;
}

/* Run the checks over x->cert[0..ncert). */
static unsigned
check_gathered(struct uf_x509 *x)
{
	const br_x509_class	**in = &x->inner.vtable;
	struct uf_cert		c;
	enum uf_err		err;
	unsigned		rc;
	size_t			i;

	if (x->over) {
		return BR_ERR_X509_LIMIT_EXCEEDED;
	}
	if (x->ncert == 0) {
		return BR_ERR_X509_EMPTY_CHAIN;
	}
	if (x->insecure) {
		br_x509_decoder_init(&x->ee, NULL, NULL);
		br_x509_decoder_push(&x->ee, x->cert[0], x->clen[0]);
		return (unsigned)br_x509_decoder_last_error(&x->ee);
	}
	/* The anchors the chain can need: one per issuer name. */
	for (i = 0; i < x->ncert; i++) {
		if (uf_der_cert(x->cert[i], x->clen[i], &c) != 0) {
			return refuse(x, UF_X509_WHY_PARSE, i,
			    BR_ERR_X509_INVALID_VALUE);
		}
		err = uf_trust_find(x->trust, x->a, c.issuer.p, c.issuer.len,
		    x->tas, &x->nta, UF_CHAIN_ANCHORS);
		if (err != UF_OK) {
			/* trust.c recorded why; uf_x509_fail() keeps it. */
			x->why = UF_X509_WHY_STORE;
			x->store_err = err;
			return BR_ERR_X509_NOT_TRUSTED;
		}
	}
	drop_weak_anchors(x);
	br_x509_minimal_init(&x->inner, &br_sha256_vtable, x->tas, x->nta);
	br_x509_minimal_set_hash(&x->inner, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(&x->inner, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(&x->inner, br_sha512_ID, &br_sha512_vtable);
	br_x509_minimal_set_rsa(&x->inner, &br_rsa_i31_pkcs1_vrfy);
	br_x509_minimal_set_ecdsa(&x->inner, br_ec_get_default(),
	    br_ecdsa_vrfy_asn1_get_default());
	(*in)->start_chain(in, NULL);
	for (i = 0; i < x->ncert; i++) {
		(*in)->start_cert(in, (uint32_t)x->clen[i]);
		if (x->clen[i] > 0) {
			(*in)->append(in, x->cert[i], x->clen[i]);
		}
		(*in)->end_cert(in);
		/* BearSSL's error slot (see IMPLEMENTATION NOTES). */
		if (x->inner.err != 0) {
			break;
		}
	}
	x->at = i;
	rc = (*in)->end_chain(in);
	return rc != 0 ? rc : policy(x);
}

static unsigned
vx_end_chain(const br_x509_class **ctx)
{
	return check_gathered(of(ctx));
}

static const br_x509_pkey *
vx_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	return uf_x509_pkey(of(ctx), usages);
}

static const br_x509_class	vx_class = {
	sizeof(struct uf_x509),
	vx_start_chain, vx_start_cert, vx_append, vx_end_cert, vx_end_chain,
	vx_get_pkey
};

/* see x509.h */
void
uf_x509_init(struct uf_x509 *x, const struct uf_x509_peer *peer,
    struct uf_trust *trust, int insecure)
{
	memset(x, 0, sizeof *x);
	x->vtable = &vx_class;
	x->peer = peer;
	x->trust = trust;
	x->insecure = insecure;
}

/* see x509.h */
const br_x509_class **
uf_x509_class(struct uf_x509 *x)
{
	return &x->vtable;
}

/* see x509.h */
enum uf_err
uf_x509_begin(struct uf_x509 *x, struct uf_arena *a)
{
	x->a = a;
	x->buf = NULL;
	/* The engine's copy is made when a chain comes (vx_start_chain). */
	if (uf_arena_avail(a) < UF_CHAIN_MAX) {
		x->a = NULL;
		return uf_fail(UF_E_PROTO, "out of arena memory for the "
		    "certificate chain");
	}
	return UF_OK;
}

/* see x509.h */
void
uf_x509_end(struct uf_x509 *x)
{
	x->a = NULL;
	x->buf = NULL;
	x->ncert = 0;
}

/* see x509.h */
unsigned
uf_x509_check(struct uf_x509 *x, const unsigned char *const *certs,
    const size_t *clen, size_t n)
{
	size_t	i;

	if (new_chain(x) != 0) {
		return BR_ERR_X509_LIMIT_EXCEEDED;
	}
	if (n > UF_CHAIN_CERTS) {
		x->why = UF_X509_WHY_CHAIN_BIG;
		return BR_ERR_X509_LIMIT_EXCEEDED;
	}
	for (i = 0; i < n; i++) {
		x->cert[i] = certs[i];
		x->clen[i] = clen[i];
		x->len += clen[i];
	}
	/* The same bound as for the engine's copy. */
	if (x->len > UF_CHAIN_MAX) {
		x->why = UF_X509_WHY_CHAIN_BIG;
		return BR_ERR_X509_LIMIT_EXCEEDED;
	}
	x->ncert = n;
	return check_gathered(x);
}

/* see x509.h */
const br_x509_pkey *
uf_x509_pkey(const struct uf_x509 *x, unsigned *usages)
{
	if (x->insecure) {
		if (usages != NULL) {
			*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
		}
		return br_x509_decoder_get_pkey(
		    (br_x509_decoder_context *)&x->ee);
	}
	return x->inner.vtable->get_pkey(&x->inner.vtable, usages);
}
