/*
 * tls13rec.h: the TLS 1.3 record layer (RFC 8446 section 5) under our
 * client (tls13.c): records read with deadlines and deprotected in
 * place, records protected and written, alerts, and the handshake
 * message stream gathered from records.
 *
 * struct tls13 is the whole connection; it lives in the connection's
 * arena and MUST NOT move (the record protection points into itself).
 * Only tls13.c and tls13rec.c look inside it.
 */
#ifndef UF_TLS13REC_H
#define UF_TLS13REC_H

#include <stddef.h>
#include <stdint.h>

#include "aead.h"
#include "hkdf.h"
#include "net.h"
#include "tls13.h"

/* Record header: type, legacy version, 16-bit length. */
#define UF_REC_HEADER		5
/* Most plaintext in a record, and most ciphertext (RFC 8446 5.1, 5.2). */
#define UF_REC_PLAIN_MAX	16384
#define UF_REC_CIPHER_MAX	(UF_REC_PLAIN_MAX + 256)

/* Content types. */
#define UF_CT_CCS		20
#define UF_CT_ALERT		21
#define UF_CT_HANDSHAKE		22
#define UF_CT_APP		23

struct tls13 {
	const struct uf_io_class	*vtable;
	struct uf_sock			*sock;
	const struct uf_tls_peer	*peer;

	/* Once the ServerHello chose them. */
	unsigned			suite;
	const br_hash_class		*hash;
	size_t				hlen;

	/* Record protection each way; *_on once keys are set. */
	struct uf_aead			rd, wr;
	int				rd_on, wr_on;
	unsigned char			rsecret[UF_HASH_MAX];
	unsigned char			wsecret[UF_HASH_MAX];
	unsigned char			res[UF_HASH_MAX]; /* resumption
							   master secret */

	/*
	 * The record being read: header and body in rbuf, 'have' bytes
	 * of it so far; up to a header's worth of the next record read
	 * ahead in 'ahead'. After deprotection, application data not yet
	 * handed out is rbuf[app_off .. app_off + app_len).
	 */
	unsigned char			*rbuf;
	size_t				have;
	unsigned char			ahead[UF_REC_HEADER];
	size_t				ahead_off, ahead_len;
	size_t				app_off, app_len;

	/* One record being written. */
	unsigned char			*sbuf;

	/*
	 * Handshake bytes received and not yet taken, hs_cap at most:
	 * the URL arena's UF_TLS13_HS_MAX bytes during the handshake,
	 * phs after it. hs_skip counts down a message too big for phs.
	 */
	unsigned char			*hs;
	size_t				hs_cap, hs_len, hs_skip;
	unsigned char			phs[UF_TLS13_PHS_MAX];

	int				shaken;		/* server Finished seen */
	int				ccs_sent;
	int				alerted;	/* an alert went out */
	int				eof;		/* TCP end, no close_notify */
	int				clean;		/* close_notify */
	uint64_t			dl;		/* the step's deadline */
	int				idle;		/* dl restarts on bytes */
	const char			*what;		/* the step, for timeouts */
};

/*
 * A protocol error the server made: send alert (best effort) and
 * record "...: the server sent why" (UF_E_TLS).
 */
enum uf_err	uf_tls13_bad(struct tls13 *t, unsigned alert, const char *why);

/*
 * Send alert (fatal, or close_notify), best effort: nothing is waited
 * for; after the first, nothing more is sent.
 */
void		uf_tls13_send_alert(struct tls13 *t, unsigned alert);

/*
 * Set the record protection of one direction from a traffic secret
 * (which is kept, for KeyUpdate): read when rd is set, else write.
 */
void		uf_tls13_set_keys(struct tls13 *t, int rd,
		    const unsigned char *secret);

/*
 * Write data[0..len) as records of content type type, protected when
 * the write keys are set, within t->dl. A ClientHello is sent with
 * legacy_record_version 0x0301 when first is set.
 */
enum uf_err	uf_tls13_write(struct tls13 *t, unsigned type,
		    const unsigned char *data, size_t len, int first);

/*
 * Read the next record (within t->dl, restarted on each byte when
 * t->idle) and deprotect it in place. A ChangeCipherSpec before the
 * handshake ends is dropped here. On success *type is the (inner)
 * content type and rbuf[*off .. *off + *len) its content; at the end
 * of the stream t->eof is set and *type is 0.
 */
enum uf_err	uf_tls13_read(struct tls13 *t, unsigned *type, size_t *off,
		    size_t *len);

/*
 * An alert record's two bytes: close_notify sets t->clean, a
 * user_canceled is ignored (a close_notify follows), anything else is
 * the failure it names (UF_E_TLS, recorded).
 */
enum uf_err	uf_tls13_alert(struct tls13 *t, const unsigned char *p,
		    size_t len);

/*
 * The next whole handshake message in t->hs, reading records as
 * needed: *type, and its body at t->hs + UF_HS_HEADER, *len bytes.
 * uf_tls13_hs_take() drops it once used. Application data here is an
 * unexpected message; the stream ending is an error.
 */
enum uf_err	uf_tls13_hs_next(struct tls13 *t, unsigned *type,
		    size_t *len);
void		uf_tls13_hs_take(struct tls13 *t, size_t len);

#endif
