/*
 * fuzz_der.c: the DER reader over arbitrary bytes: the certificate
 * fields and extensions, the key, every subjectAltName entry and
 * name-constraint subtree, and the name matchers over what they
 * return. Every span must lie inside the input; nothing may crash.
 */
#include <stdint.h>
#include <stdlib.h>

#include "der.h"
#include "trust.h"
#include "x509.h"

static const uint8_t	*in_p;
static size_t		in_len;

static void
inside(struct uf_der d)
{
	if (d.len > 0 && (d.p < in_p || d.p + d.len > in_p + in_len)) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char	ip4[4] = { 127, 0, 0, 1 };
	static const unsigned char	ip6[16] = { [15] = 1 };
	struct uf_cert			c;
	struct uf_subtree		st;
	struct uf_key			k;
	struct uf_der			d;
	uint32_t			h;
	unsigned			bits;
	long				pathlen;
	size_t				i;
	int				ca;

	in_p = data;
	in_len = size;
	(void)uf_trust_name_hash(data, size, &h);
	if (uf_der_cert(data, size, &c) != 0) {
		return 0;
	}
	inside(c.issuer);
	inside(c.subject);
	inside(c.spki);
	inside(c.san);
	inside(c.bc);
	inside(c.ku);
	inside(c.eku);
	inside(c.nc);
	(void)uf_der_san_ip(&c, ip4, sizeof ip4);
	(void)uf_der_san_ip(&c, ip6, sizeof ip6);
	for (i = 0; uf_der_san_dns(&c, i, &d) == 0; i++) {
		inside(d);
		(void)uf_x509_name_match(d.p, d.len, "www.example.com");
	}
	for (i = 0; uf_der_san_name(&c, UF_GN_IP, i, &d) == 0; i++) {
		inside(d);
	}
	if (uf_der_name_cn(c.subject, &d) == 0) {
		inside(d);
	}
	if (uf_der_key(&c, &k) == 0 && k.type == UF_KEY_EC
	    && (k.bits == 0) != (k.curve == NULL)) {
		abort();
	}
	(void)uf_der_basic(&c, &ca, &pathlen);
	(void)uf_der_key_usage(&c, &bits);
	(void)uf_der_eku_server(&c);
	for (i = 0; uf_der_subtree(&c, i, &st) == 1; i++) {
		inside(st.base);
		if (st.tag == UF_GN_DNS) {
			(void)uf_x509_dns_within((const unsigned char *)
			    "www.example.org", 15, st.base.p, st.base.len);
		} else if (st.tag == UF_GN_IP) {
			(void)uf_x509_ip_within(ip4, sizeof ip4, st.base.p,
			    st.base.len);
			(void)uf_x509_ip_within(ip6, sizeof ip6, st.base.p,
			    st.base.len);
		}
	}
	(void)uf_trust_name_hash(c.subject.p, c.subject.len, &h);
	return 0;
}
