/*
 * fuzz_tls13rec.h: the input language of fuzz_tls13rec, shared with
 * the seed writer, mkseeds.c. Numbers are big-endian; a field the
 * input ends inside reads as zeros, and payload bytes past the end of
 * the input are FUZZREC_FILL, so that a short input can still ask for
 * a 16 KiB record.
 *
 *   config byte: bits 0-1 the cipher suite (FUZZREC_SUITE_*), bits 2-3
 *     where the client starts (FUZZREC_AT_*), bits 4-7 a seed for how
 *     much of each span of application data the reader takes at a
 *     time (0: all of it)
 *   then operations, each an opcode byte (the kind in bits 0-1, flags
 *   above) and its fields:
 *
 *   FUZZREC_REC  inner type (1), length n (2), padding (2), [bit to
 *     flip (2) with FUZZREC_FLIP], n payload bytes: one record, sealed
 *     with the server's current write key as TLSInnerPlaintext
 *     (payload, inner type, padding zeros); before the server has keys,
 *     a plaintext record of that type holding the payload. With
 *     FUZZREC_FLIP one bit of the finished record (header, ciphertext
 *     or tag) is flipped.
 *   FUZZREC_HS  message type (1), body length n (2), split (1), n body
 *     bytes: a handshake message with its 4-byte header, queued; unless
 *     FUZZREC_HOLD, everything queued is sent in records of 'split'
 *     bytes (0: as few as fit), each sealed as inner type handshake.
 *     The server changes its write key after such a message as the
 *     client will: to the handshake key after the first one (a
 *     ServerHello), to the application key after a Finished, to the
 *     next generation after a well-formed KeyUpdate.
 *   FUZZREC_RAW  length n (2), n bytes: sent as they are.
 *   FUZZREC_CCS  a ChangeCipherSpec record (14 03 03 00 01 01).
 */
#ifndef FUZZ_TLS13REC_H
#define FUZZ_TLS13REC_H

/* Config byte. */
#define FUZZREC_SUITE_MASK	0x03
#define FUZZREC_SUITE_AES128	0x00	/* TLS_AES_128_GCM_SHA256 */
#define FUZZREC_SUITE_AES256	0x01	/* TLS_AES_256_GCM_SHA384 */
#define FUZZREC_SUITE_CHACHA	0x02	/* TLS_CHACHA20_POLY1305_SHA256 */
#define FUZZREC_AT_SHIFT	2
#define FUZZREC_AT_MASK		0x03
enum {
	FUZZREC_AT_HELLO,	/* waiting for the ServerHello, no keys */
	FUZZREC_AT_HS,		/* handshake keys, waiting for messages */
	FUZZREC_AT_APP		/* after the handshake: reading data */
};
#define FUZZREC_ACK_SHIFT	4

/* Opcodes: the kind, and flags. */
#define FUZZREC_KIND_MASK	0x03
enum {
	FUZZREC_REC,
	FUZZREC_HS,
	FUZZREC_RAW,
	FUZZREC_CCS
};
#define FUZZREC_FLIP		0x80	/* REC: flip a bit */
#define FUZZREC_HOLD		0x80	/* HS: queue, do not send yet */

/* What pads a payload past the end of the input. */
#define FUZZREC_FILL		'x'

#endif
