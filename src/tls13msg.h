/*
 * tls13msg.h: TLS 1.3 handshake messages (RFC 8446 section 4) as
 * bytes: the ClientHello we build, and the server's messages parsed.
 *
 * These are pure functions over caller-owned buffers: no I/O, no
 * state, no allocation, so that the fuzzer and the unit tests drive
 * them directly. A message is given whole, with its 4-byte header
 * (type, 24-bit length) already checked and stripped: msg[0..len) is
 * the body. Parsed fields that are spans point into msg, which MUST
 * stay in place while they are used.
 *
 * Every parser returns 0, or the alert to send (RFC 8446 6.2) with
 * *why set to a static phrase for the user's message. A parser never
 * reads outside msg[0..len), whatever the bytes.
 */
#ifndef UF_TLS13MSG_H
#define UF_TLS13MSG_H

#include <stddef.h>
#include <stdint.h>

/* Handshake message types (RFC 8446 4). */
#define UF_HS_CLIENT_HELLO		1
#define UF_HS_SERVER_HELLO		2
#define UF_HS_NEW_SESSION_TICKET	4
#define UF_HS_ENCRYPTED_EXTENSIONS	8
#define UF_HS_CERTIFICATE		11
#define UF_HS_CERTIFICATE_REQUEST	13
#define UF_HS_CERTIFICATE_VERIFY	15
#define UF_HS_FINISHED			20
#define UF_HS_KEY_UPDATE		24
#define UF_HS_MESSAGE_HASH		254

/* A handshake message's header: type and 24-bit length. */
#define UF_HS_HEADER		4

/* Extensions we send or answer to (RFC 8446 4.2). */
#define UF_EXT_SERVER_NAME		0
#define UF_EXT_SUPPORTED_GROUPS		10
#define UF_EXT_SIGNATURE_ALGORITHMS	13
#define UF_EXT_PRE_SHARED_KEY		41
#define UF_EXT_SUPPORTED_VERSIONS	43
#define UF_EXT_COOKIE			44
#define UF_EXT_PSK_KEY_EXCHANGE_MODES	45
#define UF_EXT_KEY_SHARE		51

/* psk_key_exchange_modes: only with (EC)DHE (RFC 8446 4.2.9). */
#define UF_PSK_DHE_KE			1

/* Named groups (RFC 8446 4.2.7). */
#define UF_GROUP_SECP256R1	0x0017
#define UF_GROUP_SECP384R1	0x0018
#define UF_GROUP_X25519		0x001d

/* Signature schemes (RFC 8446 4.2.3). */
#define UF_SIG_RSA_PKCS1_SHA256		0x0401
#define UF_SIG_RSA_PKCS1_SHA384		0x0501
#define UF_SIG_RSA_PKCS1_SHA512		0x0601
#define UF_SIG_ECDSA_SECP256R1_SHA256	0x0403
#define UF_SIG_ECDSA_SECP384R1_SHA384	0x0503
#define UF_SIG_ECDSA_SECP521R1_SHA512	0x0603
#define UF_SIG_RSA_PSS_RSAE_SHA256	0x0804
#define UF_SIG_RSA_PSS_RSAE_SHA384	0x0805
#define UF_SIG_RSA_PSS_RSAE_SHA512	0x0806

/* Versions on the wire. */
#define UF_TLS12_VERSION	0x0303
#define UF_TLS13_VERSION	0x0304

/* Alerts (RFC 8446 6). */
#define UF_ALERT_CLOSE_NOTIFY		0
#define UF_ALERT_UNEXPECTED_MESSAGE	10
#define UF_ALERT_BAD_RECORD_MAC		20
#define UF_ALERT_RECORD_OVERFLOW	22
#define UF_ALERT_HANDSHAKE_FAILURE	40
#define UF_ALERT_BAD_CERTIFICATE	42
#define UF_ALERT_CERTIFICATE_EXPIRED	45
#define UF_ALERT_ILLEGAL_PARAMETER	47
#define UF_ALERT_UNKNOWN_CA		48
#define UF_ALERT_DECODE_ERROR		50
#define UF_ALERT_DECRYPT_ERROR		51
#define UF_ALERT_PROTOCOL_VERSION	70
#define UF_ALERT_INTERNAL_ERROR		80
#define UF_ALERT_USER_CANCELED		90
#define UF_ALERT_MISSING_EXTENSION	109
#define UF_ALERT_UNSUPPORTED_EXTENSION	110
#define UF_ALERT_UNRECOGNIZED_NAME	112
#define UF_ALERT_CERTIFICATE_REQUIRED	116

/* Sizes of fixed fields. */
#define UF_TLS_RANDOM		32
#define UF_TLS_SESSION_ID	32
/* The longest key share we send or take: an uncompressed P-384 point. */
#define UF_SHARE_MAX		97

/*
 * What our ClientHello says. sni is NULL for an IP address. The key
 * share is for group; cookie is NULL except after a HelloRetryRequest
 * that sent one. suites are the TLS 1.3 cipher suites to offer, best
 * first; suites12 the TLS 1.2 ones (those BearSSL's engine makes), so
 * that a TLS 1.2 server can answer.
 */
struct uf_tls13_ch {
	unsigned char		random[UF_TLS_RANDOM];
	unsigned char		sid[UF_TLS_SESSION_ID];
	const char		*sni;
	unsigned		group;
	const unsigned char	*share;
	size_t			share_len;
	const unsigned char	*cookie;
	size_t			cookie_len;
	const uint16_t		*suites;
	size_t			nsuites;
	const uint16_t		*suites12;
	size_t			nsuites12;
	const unsigned char	*ticket;	/* NULL: no PSK offered */
	size_t			ticket_len;
	uint32_t		ticket_age;	/* obfuscated */
	size_t			binder_len;	/* the PSK's hash length */
};

/*
 * Write the ClientHello of ch, header included, into buf (cap bytes).
 * It offers TLS 1.3 and, so that a TLS 1.2 server can still answer
 * (we then connect again with BearSSL's engine), TLS 1.2 and the suites
 * of ch->suites12; psk_key_exchange_modes (psk_dhe_ke) always, so that
 * servers send tickets. With a ticket, pre_shared_key comes last, with
 * one identity and a binder of binder_len zero bytes: *binders is then
 * where its binders list starts (the ClientHello up to there is what
 * the binder signs, RFC 8446 4.2.11.2), and the binder itself is at
 * buf + *binders + UF_BINDER_AT. Returns the message length, or 0 when
 * it does not fit.
 */
#define UF_BINDER_AT	3	/* the list's length, the binder's length */
size_t	uf_tls13_client_hello(unsigned char *buf, size_t cap,
	    const struct uf_tls13_ch *ch, size_t *binders);

/*
 * A ServerHello or HelloRetryRequest (RFC 8446 4.1.3, 4.1.4).
 * version is the one supported_versions selected, or legacy_version
 * when that extension is absent (a server that did not select TLS
 * 1.3); group and share are the key_share (a HelloRetryRequest has the
 * group only); cookie is the HelloRetryRequest's, if any.
 */
struct uf_tls13_sh {
	int			hrr;
	int			tls13;		/* supported_versions present */
	unsigned		legacy_version;
	unsigned		version;
	const unsigned char	*random;	/* UF_TLS_RANDOM bytes */
	const unsigned char	*sid;
	size_t			sid_len;
	unsigned		suite;
	unsigned		compression;
	unsigned		group;		/* 0: no key_share */
	const unsigned char	*share;
	size_t			share_len;
	const unsigned char	*cookie;	/* NULL: none */
	size_t			cookie_len;
	int			psk;		/* pre_shared_key present */
	unsigned		psk_identity;	/* ... the one selected */
};

/*
 * Parse a ServerHello body. Only the framing and the extensions' form
 * are checked here (extensions we did not offer, duplicates, a
 * HelloRetryRequest's own rules); the caller checks the values
 * against what it sent. With tls13 unset, extensions are not looked
 * at beyond their framing: the server answered as TLS 1.2 or lower.
 * pre_shared_key is allowed in a ServerHello when offered_psk is set.
 */
unsigned	uf_tls13_parse_sh(const unsigned char *msg, size_t len,
		    int offered_psk, struct uf_tls13_sh *sh, const char **why);

/*
 * Does random[0..UF_TLS_RANDOM) end with the RFC 8446 4.1.3 downgrade
 * sentinel ("DOWNGRD" and 00 or 01)? A TLS 1.3 server sets it when it
 * answers a client that did not offer TLS 1.3.
 */
int	uf_tls13_downgraded(const unsigned char *random);

/*
 * EncryptedExtensions: only server_name (empty) and supported_groups
 * may be there, since those are all we offered that belong there.
 */
unsigned	uf_tls13_parse_ee(const unsigned char *msg, size_t len,
		    int sent_sni, const char **why);

/* A CertificateRequest: its context, which our empty answer echoes. */
unsigned	uf_tls13_parse_cr(const unsigned char *msg, size_t len,
		    const unsigned char **ctx, size_t *ctx_len,
		    const char **why);

/*
 * Certificate: the certificate_list as spans of DER, leaf first; *n
 * counts them all, but only the first max are stored (the certificate
 * checks refuse a longer chain, with their own words). The context
 * MUST be empty, and no entry may carry an extension (we asked for
 * none). An empty list (*n 0) is returned as success, for the same
 * reason.
 */
unsigned	uf_tls13_parse_cert(const unsigned char *msg, size_t len,
		    const unsigned char **der, size_t *der_len, size_t max,
		    size_t *n, const char **why);

/* CertificateVerify: the scheme and the signature. */
unsigned	uf_tls13_parse_cv(const unsigned char *msg, size_t len,
		    unsigned *scheme, const unsigned char **sig,
		    size_t *sig_len, const char **why);

/* KeyUpdate: *request is its request_update (0 or 1). */
unsigned	uf_tls13_parse_ku(const unsigned char *msg, size_t len,
		    unsigned *request, const char **why);

/* A NewSessionTicket (RFC 8446 4.6.1); spans into the message. */
struct uf_tls13_nst {
	uint32_t		lifetime;	/* seconds */
	uint32_t		age_add;
	const unsigned char	*nonce;
	size_t			nonce_len;
	const unsigned char	*ticket;
	size_t			ticket_len;
};

/* NewSessionTicket; its extensions are not looked at (4.6.1). */
unsigned	uf_tls13_parse_nst(const unsigned char *msg, size_t len,
		    struct uf_tls13_nst *nst, const char **why);

/*
 * TLSInnerPlaintext (RFC 8446 5.2): the content type is the last
 * non-zero byte of rec[0..len); *len becomes the content's length.
 * Returns the type, or 0 when every byte is zero (no type at all).
 */
unsigned	uf_tls13_unpad(const unsigned char *rec, size_t *len);

#endif
