/* TEMPORARY local stand-in until the crypto13 branch lands. */
#include <string.h>
#include "hkdf.h"
#include "pss.h"
int uf_pss_verify(const br_rsa_public_key *pk, const br_hash_class *h, const unsigned char *hv, const unsigned char *sig, size_t siglen)
{
	unsigned char em[512], db[512], m[8 + 64 + 64], hh[64], c[4], mask[64]; br_hash_compat_context hc;
	size_t hl = uf_hash_len(h), i, emlen, dblen, k; unsigned bits; const unsigned char *n = pk->n; size_t nlen = pk->nlen; unsigned char top;
	while (nlen > 0 && *n == 0) { n++; nlen--; }
	if (siglen != nlen || nlen > sizeof em) return 0;
	memcpy(em, sig, siglen); if (!br_rsa_public_get_default()(em, siglen, pk)) return 0;
	top = n[0]; bits = 0; while (top) { bits++; top >>= 1; } /* bits in top byte of n */
	/* emBits = modBits - 1 */
	{ size_t modbits = (nlen - 1) * 8 + bits, embits = modbits - 1; emlen = (embits + 7) / 8;
	  const unsigned char *e = em + (siglen - emlen); if (siglen - emlen == 1 && em[0] != 0) return 0;
	  if (emlen < hl + hl + 2 || e[emlen - 1] != 0xbc) return 0;
	  dblen = emlen - hl - 1; memcpy(db, e, dblen); memcpy(hh, e + dblen, hl);
	  if ((8 * emlen - embits) && (db[0] & (0xff << (8 - (8 * emlen - embits))) & 0xff)) return 0;
	  for (k = 0, i = 0; k < dblen; i++) { c[0]=(unsigned char)(i>>24);c[1]=(unsigned char)(i>>16);c[2]=(unsigned char)(i>>8);c[3]=(unsigned char)i; h->init(&hc.vtable); h->update(&hc.vtable, hh, hl); h->update(&hc.vtable, c, 4); h->out(&hc.vtable, mask); for (size_t j = 0; j < hl && k < dblen; j++, k++) db[k] ^= mask[j]; }
	  if (8 * emlen - embits) db[0] &= (unsigned char)(0xff >> (8 * emlen - embits));
	  for (i = 0; i < dblen - hl - 1; i++) if (db[i] != 0) return 0;
	  if (db[dblen - hl - 1] != 1) return 0;
	  memset(m, 0, 8); memcpy(m + 8, hv, hl); memcpy(m + 8 + hl, db + dblen - hl, hl);
	  h->init(&hc.vtable); h->update(&hc.vtable, m, 8 + 2 * hl); h->out(&hc.vtable, mask);
	  return memcmp(mask, hh, hl) == 0; }
}
