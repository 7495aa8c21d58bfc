/*
 * x509.c: checking the server's chain (see x509.h).
 *
 * IMPLEMENTATION NOTES
 *
 * The chain is gathered first (copied as BearSSL's engine hands it
 * over, or given as spans by the TLS 1.3 client), then checked in one
 * go: only when all of it is there do we know which issuers it names,
 * and so which anchors trust.c must decode. br_x509_minimal then runs
 * over the gathered chain as if it came straight from the engine.
 */
#include <string.h>

#include "der.h"
#include "x509.h"

static struct uf_x509 *
of(const br_x509_class *const *ctx)
{
	return (struct uf_x509 *)(void *)ctx;
}

static void
vx_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct uf_x509	*x = of(ctx);

	(void)server_name;	/* we check x->peer, which it came from */
	x->len = 0;
	x->ncert = 0;
	x->nta = 0;
	x->why = UF_X509_WHY_NONE;
	x->over = 0;
	if (x->a == NULL) {
		x->why = UF_X509_WHY_LATE;
		x->over = 1;
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
			return BR_ERR_X509_INVALID_VALUE;
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
	br_x509_minimal_init(&x->inner, &br_sha256_vtable, x->tas, x->nta);
	br_x509_minimal_set_hash(&x->inner, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(&x->inner, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(&x->inner, br_sha512_ID, &br_sha512_vtable);
	br_x509_minimal_set_rsa(&x->inner, br_rsa_pkcs1_vrfy_get_default());
	br_x509_minimal_set_ecdsa(&x->inner, br_ec_get_default(),
	    br_ecdsa_vrfy_asn1_get_default());
	/* No SNI and no BearSSL name check for an IP address. */
	(*in)->start_chain(in, x->peer->ip != NULL ? NULL : x->peer->name);
	for (i = 0; i < x->ncert; i++) {
		(*in)->start_cert(in, (uint32_t)x->clen[i]);
		if (x->clen[i] > 0) {
			(*in)->append(in, x->cert[i], x->clen[i]);
		}
		(*in)->end_cert(in);
	}
	rc = (*in)->end_chain(in);
	/* BearSSL checks names only; IP addresses are ours to check. */
	if (rc == 0 && x->peer->ip != NULL && (uf_der_cert(x->cert[0],
	    x->clen[0], &c) != 0 || !uf_der_san_ip(&c, x->peer->ip,
	    x->peer->iplen))) {
		x->why = UF_X509_WHY_IP;
		rc = BR_ERR_X509_BAD_SERVER_NAME;
	}
	return rc;
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

	x->ncert = 0;
	x->nta = 0;
	x->len = 0;
	x->why = UF_X509_WHY_NONE;
	x->over = 0;
	if (x->a == NULL) {
		x->why = UF_X509_WHY_LATE;
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
