/*
 * fuzz_tls13.h: what the first byte of a fuzz_tls13 input picks (the
 * byte modulo FUZZ13_N), shared with the seed writer, mkseeds.c.
 */
#ifndef FUZZ_TLS13_H
#define FUZZ_TLS13_H

enum {
	FUZZ13_SH,	/* uf_tls13_parse_sh */
	FUZZ13_EE,	/* uf_tls13_parse_ee, no SNI sent */
	FUZZ13_EE_SNI,	/* ... SNI sent */
	FUZZ13_CR,	/* uf_tls13_parse_cr */
	FUZZ13_CERT,	/* uf_tls13_parse_cert */
	FUZZ13_CV,	/* uf_tls13_parse_cv */
	FUZZ13_KU,	/* uf_tls13_parse_ku */
	FUZZ13_NST,	/* uf_tls13_parse_nst */
	FUZZ13_UNPAD,	/* uf_tls13_unpad */
	FUZZ13_N
};

#endif
