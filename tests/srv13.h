/*
 * srv13.h: a scripted TLS 1.3 server for the tests, in the test
 * process.
 *
 * It plays a real server handshake (RFC 8446) from BearSSL's
 * primitives and our own hkdf.c and aead.c: (EC)DHE on X25519, P-256
 * or P-384 (with a HelloRetryRequest when the client's share is for
 * another group), the key schedule, record protection, Encrypted-
 * Extensions, an optional CertificateRequest, Certificate, a
 * CertificateVerify with the test PKI's key (ECDSA on P-256, P-384 or
 * P-521 with the curve's hash; RSA-PSS with SHA-256), Finished; then it checks
 * the client's Finished (and its empty Certificate, when asked for
 * one) and plays a script of post-handshake steps: read the request,
 * answer, KeyUpdate, NewSessionTicket, alerts, close.
 *
 * Resumption (RFC 8446 2.2, 4.2.11, 4.6.1): the tickets it sends carry
 * a PSK derived from the connection's resumption_master_secret, and it
 * remembers them for the server's life, so that a later connection of
 * the same test (ufetch run with several URLs) may offer one. It then
 * does what a server MUST: pre_shared_key last, psk_key_exchange_modes
 * present, as many binders as identities, and each binder checked
 * (after a HelloRetryRequest too, over the new transcript), with a
 * decrypt_error when one does not verify; it takes the PSK into the
 * key schedule (with a fresh (EC)DHE share: psk_dhe_ke) and leaves out
 * Certificate and CertificateVerify.
 *
 * Every message it sends can be spoiled by one named mutation
 * (enum srv13_mut), so that each check the client makes is one row of
 * a test table. What the client sent back (its alert, decrypted when
 * it was protected; its Finished; its KeyUpdates) is recorded for the
 * test to check.
 */
#ifndef TEST_SRV13_H
#define TEST_SRV13_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "hkdf.h"

/* What one mutation spoils; M_NONE plays a correct server. */
enum srv13_mut {
	M_NONE,
	/* ServerHello and HelloRetryRequest */
	M_SUITE_UNOFFERED,	/* a suite the client did not offer */
	M_GROUP_UNOFFERED,	/* a key share for x448 */
	M_GROUP_NO_SHARE,	/* a P-256 share, no HelloRetryRequest */
	M_GROUP_AFTER_HRR,	/* a group other than the HRR's */
	M_SUITE_AFTER_HRR,	/* a suite other than the HRR's */
	M_HRR_UNOFFERED,	/* a HelloRetryRequest for x448 */
	M_HRR_SAME,		/* ... for X25519, whose share was sent */
	M_HRR_EMPTY,		/* ... that asks for nothing */
	M_HRR_TWICE,		/* a second HelloRetryRequest */
	M_HRR_SID,		/* ... with a session ID not ours */
	M_HRR_SUITE,		/* ... for a suite never offered */
	M_HRR_UNKNOWN_EXT,	/* ... with an extension type nobody
				   defined */
	M_HRR_COMPRESSION,	/* ... with compression method 1 */
	M_NO_SV,		/* no supported_versions, 1.3 otherwise */
	M_SV_12,		/* the ServerHello's supported_versions
				   selects TLS 1.2 */
	M_SID,			/* a legacy_session_id that is not ours */
	M_COMPRESSION,		/* compression method 1 */
	M_DUP_SH,		/* key_share twice */
	M_SH_PSK,		/* pre_shared_key, none offered */
	M_SH_UNKNOWN_EXT,	/* an extension type nobody defined */
	M_SH_MORE,		/* more handshake data in the SH's record */
	M_ZERO_SHARE,		/* an all-zero X25519 share (small order) */
	M_BAD_POINT,		/* a P-256 share that is not on the curve */
	M_CCS_BAD,		/* a ChangeCipherSpec of 2 */
	M_BIG_PLAIN,		/* a plaintext record over 2^14 bytes */
	M_BIG_CIPHER,		/* a record over 2^14 + 256 bytes */
	M_UNKNOWN_TYPE,		/* a record of content type 24 */
	M_ALERT_HS,		/* a handshake_failure alert instead */
	M_ALERT_NAME,		/* an unrecognized_name alert instead */
	M_CANCEL_HS,		/* user_canceled (warning), then
				   close_notify, instead */
	M_PROTECTED_FIRST,	/* a protected record before it */
	/* TLS 1.2 answers */
	M_TLS12,		/* a TLS 1.2 ServerHello; later connections
				   are relayed to relay_port */
	M_TLS12_SENTINEL,	/* ... with the downgrade sentinel (01) */
	M_TLS11_SENTINEL,	/* ... with the TLS 1.1 one (00) */
	M_TLS12_SUITE,		/* ... for a suite the client did not offer */
	M_TLS11,		/* legacy_version TLS 1.1 */
	M_V0304,		/* legacy_version 0x0304, and no
				   supported_versions */
	M_TLS12_AFTER_HRR,	/* a TLS 1.2 ServerHello after an HRR */
	/* The encrypted flight */
	M_PLAIN_EE,		/* EncryptedExtensions in plaintext */
	M_APP_BEFORE_FIN,	/* application data before Finished */
	M_TAG_EE,		/* the tag of EE's record spoiled */
	M_BIG_EE,		/* EE padded to a record over 2^14 bytes */
	M_ZERO_INNER,		/* a record with no content type */
	M_EMPTY_HS,		/* a protected handshake record of 0 bytes */
	M_KU_IN_HS,		/* a KeyUpdate before EE */
	M_CCS_PROTECTED,	/* a protected ChangeCipherSpec */
	M_EE_ALPN,		/* ALPN, which the client did not offer */
	M_EE_KEY_SHARE,		/* key_share, which is not for EE */
	M_EE_UNKNOWN,		/* an extension type nobody defined */
	M_EE_DUP,		/* supported_groups twice */
	M_EE_SNI,		/* server_name to a client that sent none */
	M_NO_EE,		/* no EncryptedExtensions */
	M_CERT_EMPTY,		/* an empty certificate_list */
	M_CERT_CONTEXT,		/* a certificate_request_context */
	M_CERT_EXT,		/* an extension in the leaf's entry */
	M_CV_ROGUE,		/* signed by rogue-leaf's key */
	M_CV_TRANSCRIPT,	/* over the transcript up to EE */
	M_CV_CONTEXT,		/* with the client's context string */
	M_CV_PKCS1,		/* scheme rsa_pkcs1_sha256 */
	M_CV_CURVE,		/* scheme ecdsa_secp384r1_sha384 */
	M_NO_CV,		/* no CertificateVerify */
	M_FIN_TAMPER,		/* a Finished that does not verify */
	M_FIN_MORE,		/* a NewSessionTicket in Finished's record */
	M_STALL,		/* nothing after the ServerHello */
	M_CCS_FLOOD,		/* ... but a ChangeCipherSpec every 50 ms */
	M_CCS_BURST,		/* ... ChangeCipherSpecs back to back */
	/* A connection that offers one of our tickets */
	M_PSK_DECLINE,		/* not taken: a full handshake */
	M_PSK_IDENTITY,		/* taken, selected_identity 1 */
	M_PSK_HASH,		/* taken with TLS_AES_256_GCM_SHA384 */
	M_PSK_NO_SHARE,		/* taken, no key_share (psk_ke) */
	M_PSK_IN_HRR,		/* a HelloRetryRequest for P-256 with
				   pre_shared_key */
	M_PSK_HRR_HASH,		/* a HelloRetryRequest for P-256 and
				   TLS_AES_256_GCM_SHA384 */
	M_PSK_IN_EE,		/* taken, pre_shared_key in EE too */
	M_PSK_CERT,		/* taken, Certificate and CertificateVerify
				   sent all the same */
	M_PSK_CR		/* taken, a CertificateRequest sent */
};

/* Post-handshake steps. */
enum srv13_op {
	P_END,		/* close without close_notify */
	P_READ,		/* read a request: its head and the body of
			   its Content-Length */
	P_APP,		/* data[0..len) as application data, one record */
	P_NOTIFY,	/* close_notify, then close */
	P_ALERT,	/* a fatal alert arg, then close */
	P_NST,		/* a NewSessionTicket with a ticket of len bytes,
			   in records of at most arg bytes (0: one) */
	P_NST_LIFE,	/* ... of lifetime arg seconds, one record */
	P_SLEEP,	/* wait len milliseconds */
	P_KU,		/* a KeyUpdate, request_update arg; new keys */
	P_KU_MORE,	/* a KeyUpdate with data[0..len) after it, in one
			   record */
	P_HS,		/* the handshake message data[0..len) */
	P_TAMPER,	/* the next record's tag is spoiled */
	P_BIG,		/* an application-data record of len bytes */
	P_CCS,		/* a ChangeCipherSpec record */
	P_ZERO,		/* a record of len zeros: no content type */
	P_REC,		/* data[0..len) as one record of content type arg */
	P_STALL,	/* send nothing more until the client closes */
	P_FLOOD,	/* empty application-data records, one every len
			   ms (0: back to back), for arg ms (0: until the
			   client goes, at most SRV13_FLOOD_SECS) */
	P_HOOK		/* call conf->hook() */
};

struct srv13_step {
	enum srv13_op	op;
	const char	*data;
	size_t		len;
	unsigned	arg;
};

#define R_READ		{ P_READ, NULL, 0, 0 }
#define R_SEND(s)	{ P_APP, (s), sizeof(s) - 1, 0 }
#define R_NOTIFY	{ P_NOTIFY, NULL, 0, 0 }
#define R_ALERT(a)	{ P_ALERT, NULL, 0, (a) }
#define R_NST(n, frag)	{ P_NST, NULL, (n), (frag) }
#define R_NST_LIFE(n, s) { P_NST_LIFE, NULL, (n), (s) }
#define R_SLEEP(ms)	{ P_SLEEP, NULL, (ms), 0 }
#define R_KU(req)	{ P_KU, NULL, 0, (req) }
#define R_KU_MORE(s)	{ P_KU_MORE, (s), sizeof(s) - 1, 0 }
#define R_HS(s)		{ P_HS, (s), sizeof(s) - 1, 0 }
#define R_TAMPER	{ P_TAMPER, NULL, 0, 0 }
#define R_BIG(n)	{ P_BIG, NULL, (n), 0 }
#define R_CCS		{ P_CCS, NULL, 0, 0 }
#define R_ZERO(n)	{ P_ZERO, NULL, (n), 0 }
#define R_REC(t, s)	{ P_REC, (s), sizeof(s) - 1, (t) }
#define R_STALL		{ P_STALL, NULL, 0, 0 }
#define R_FLOOD(every, total) { P_FLOOD, NULL, (every), (total) }
#define R_HOOK		{ P_HOOK, NULL, 0, 0 }
#define R_END		{ P_END, NULL, 0, 0 }

/* The longest a flood lasts (M_CCS_FLOOD, P_FLOOD): a client that
   does not stop it is seen to take this long, not hang the test. */
#define SRV13_FLOOD_SECS	5

/* Certificates a Certificate message carries at most. */
#define SRV13_CHAIN	4

struct srv13_conf {
	unsigned		suite;	/* 0: the client's first */
	unsigned		group;	/* 0: X25519; else an HRR */
	int			cookie;	/* an HRR with a cookie */
	int			cr;	/* send a CertificateRequest */
	size_t			frag;	/* most handshake bytes a record
					   (0: a message a record) */
	int			coalesce; /* EE..Finished in one record */
	size_t			pad;	/* zeros after each protected
					   record's content type */
	const char		*chain[SRV13_CHAIN]; /* tests/pki DER;
					   default leaf-ec and int */
	const char		*key;	/* its leaf's: NAME.key.der */
	enum srv13_mut		mut;
	const struct srv13_step	*steps;	/* NULL: read, "hello\n", notify */
	const struct srv13_step	*psk_steps; /* after a resumed handshake
					   (NULL: steps) */
	void			(*hook)(void); /* for P_HOOK: the test's
					   doing at that point */
};

/* Connections whose resumption is recorded; tickets remembered. */
#define SRV13_CONNS	4
#define SRV13_TICKETS	8

/*
 * What one connection's ClientHellos offered of the tickets we sent:
 * tk n is the nth ticket of the server's life, -1 an identity we never
 * sent (or one we sent more than SRV13_TICKETS before), 0 none.
 */
struct srv13_psk {
	int		tk;		/* the first ClientHello's */
	int		tk2;		/* the second's, after an HRR */
	int		binders;	/* binders that verified */
	int		resumed;	/* we took it: ServerHello with
					   pre_shared_key */
	long		age;		/* the ticket's age (ms) as the
					   client says: obfuscated_ticket_age
					   - ticket_age_add, mod 2^32 */
	long		held;		/* ... as we measure it: from our
					   sending it to its ClientHello */
};

/* A ticket we sent, to take it back (RFC 8446 4.6.1). */
struct srv13_ticket {
	size_t		len;		/* of its identity */
	unsigned	suite;
	unsigned char	psk[UF_HASH_MAX];
	uint32_t	age_add;
	double		sent;		/* now_secs() */
};

struct srv13 {
	const struct srv13_conf	*conf;
	int			fd;
	unsigned short		port;
	unsigned short		relay_port;	/* see M_TLS12 */
	pthread_t		th;
	volatile int		stop;

	/* What the client did, for the test (last connection's). */
	volatile int		nconn;
	int			alert;		/* its alert; -1: none */
	int			alert_level;
	int			alert_protected;
	int			close_notify;	/* a protected one came */
	int			fin_ok;		/* its Finished verified */
	int			empty_cert;	/* empty, with our context */
	int			cookie_ok;	/* echoed in ClientHello 2 */
	int			ch2_same;	/* ClientHello 2 is the first
						   but for key_share, cookie,
						   and its one share is for
						   the group asked for */
	int			hrr;		/* HRRs sent */
	int			ku;		/* KeyUpdates received */
	int			nreq;		/* requests read */
	size_t			body_len;	/* the last one's body: */
	uint64_t		body_hash;	/*   srv_hash() of it */
	size_t			body_total;	/* all bodies' bytes */
	int			ch13;		/* ClientHellos offering 1.3 */
	int			ch12;		/* ... TLS 1.2 only */
	int			sni;		/* it sent server_name */
	struct srv13_psk	psk[SRV13_CONNS]; /* by connection, first 0 */
	struct srv13_ticket	tickets[SRV13_TICKETS];
	int			ntickets;	/* sent in all */
	char			req[1024];	/* the last request head */
	char			first_req[1024]; /* ... and the first */
	char			why[160];	/* the server gave up: why */
};

/* Start s playing conf on every connection. Returns 0 or -1. */
int	srv13_start(struct srv13 *s, const struct srv13_conf *conf);

/*
 * Can the server sign a CertificateVerify with tests/pki/key (BearSSL
 * has no P-224, for one)? 1 or 0.
 */
int	srv13_can_sign(const char *key);

/* Stop s and wait for its thread; what it recorded stays. */
void	srv13_stop(struct srv13 *s);

#endif
