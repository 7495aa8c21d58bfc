/*
 * fuzz_der.c: the DER reader and the IP-SAN matcher over arbitrary
 * bytes: every span it returns must lie inside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "der.h"
#include "trust.h"

static void
inside(const uint8_t *data, size_t size, struct uf_der d)
{
	if (d.len > 0 && (d.p < data || d.p + d.len > data + size)) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char	ip4[4] = { 127, 0, 0, 1 };
	static const unsigned char	ip6[16] = { [15] = 1 };
	struct uf_cert			c;
	struct uf_der			d;
	uint32_t			h;
	size_t				i;

	(void)uf_trust_name_hash(data, size, &h);
	if (uf_der_cert(data, size, &c) != 0) {
		return 0;
	}
	inside(data, size, c.issuer);
	inside(data, size, c.subject);
	inside(data, size, c.san);
	(void)uf_der_san_ip(&c, ip4, sizeof ip4);
	(void)uf_der_san_ip(&c, ip6, sizeof ip6);
	for (i = 0; uf_der_san_dns(&c, i, &d) == 0; i++) {
		inside(data, size, d);
	}
	if (uf_der_name_cn(c.subject, &d) == 0) {
		inside(data, size, d);
	}
	(void)uf_trust_name_hash(c.subject.p, c.subject.len, &h);
	return 0;
}
