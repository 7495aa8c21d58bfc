/*
 * test_tls13.c: the real binary's TLS 1.3 client (src/tls13*.c)
 * against the scripted server of srv13.c and against openssl s_server.
 *
 * The scripted rows are one table, each row a server (correct, or
 * with one mutation) and what ufetch must do: its exit status and
 * message, the alert it sends (RFC 8446 6.2; read and, once keys are
 * on, decrypted by the server), what the server saw of it (its
 * Finished, its empty Certificate, its KeyUpdates, the cookie echoed),
 * and that it finished well before its timeout.
 *
 * Rows of several URLs make as many connections (the server says
 * Connection: close): there the tickets of one connection are offered
 * on the next, and each row says which ticket each ClientHello offered
 * and which connections were resumed.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aead.h"
#include "srv.h"
#include "srv13.h"
#include "tls13msg.h"

#define ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OK200(rest)	"HTTP/1.1 200 OK\r\nContent-Length: " rest
/* ... and then a new connection for the next URL. */
#define HELLO_CLOSE	"HTTP/1.1 200 OK\r\nConnection: close\r\n" \
			"Content-Length: 6\r\n\r\nhello\n"
/* ufetch's -t in the table: far above what any row may take. */
#define T_SECS		"10"
#define CT_ALERT	21
/* The most plaintext a record may carry (RFC 8446 5.1). */
#define PLAIN_MAX	16384

static struct run	r;

/*
 * Post-handshake scripts.
 */

static const struct srv13_step	st_cut[] = {
	R_READ, R_SEND(OK200("100\r\n\r\n0123456789")), R_END
};
static const struct srv13_step	st_cut_notify[] = {
	R_READ, R_SEND(OK200("100\r\n\r\n0123456789")), R_NOTIFY
};
static const struct srv13_step	st_eof_body[] = {
	R_READ, R_SEND("HTTP/1.1 200 OK\r\n\r\nabc"), R_END
};
static const struct srv13_step	st_eof_body_notify[] = {
	R_READ, R_SEND("HTTP/1.1 200 OK\r\n\r\nabc"), R_NOTIFY
};
static const struct srv13_step	st_length_close[] = {
	R_READ, R_SEND(OK200("3\r\n\r\nabc")), R_END
};
static const struct srv13_step	st_tamper[] = {
	R_READ, R_SEND(OK200("100\r\n\r\n0123456789")), R_TAMPER,
	R_SEND("more"), R_END
};
static const struct srv13_step	st_alert[] = {
	R_READ, R_SEND(OK200("100\r\n\r\n0123456789")),
	R_ALERT(UF_ALERT_INTERNAL_ERROR)
};
static const struct srv13_step	st_big[] = {
	R_READ, R_BIG(PLAIN_MAX + 1), R_END
};
static const struct srv13_step	st_biggest[] = {
	R_READ, R_BIG(PLAIN_MAX), R_NOTIFY
};
static const struct srv13_step	st_zero[] = {
	R_READ, R_ZERO(8), R_END
};
static const struct srv13_step	st_ccs[] = {
	R_READ, R_CCS, R_END
};
/* A CertificateRequest: empty context, signature_algorithms. */
static const struct srv13_step	st_post_cr[] = {
	R_READ, R_HS("\x0d\0\0\x0b\0\0\x08\0\x0d\0\x04\0\x02\x04\x03"), R_END
};
static const struct srv13_step	st_ku_bad[] = {
	R_READ, R_HS("\x18\0\0\x01\x02"), R_END
};
static const struct srv13_step	st_ku_more[] = {
	R_READ, R_KU_MORE("\x18\0\0\x01\x00"), R_END
};
/* A NewSessionTicket with an empty ticket. */
static const struct srv13_step	st_nst_bad[] = {
	R_READ, R_HS("\x04\0\0\x0d\0\0\0\x01\0\0\0\x01\x01\x00\0\0\0\0"),
	R_END
};
static const struct srv13_step	st_nst[] = {
	R_READ, R_NST(100, 0), R_SEND(OK200("6\r\n\r\nhello\n")), R_NOTIFY
};
/* Over UF_TLS13_PHS_MAX: skipped unread, in one record or several. */
static const struct srv13_step	st_nst_big[] = {
	R_READ, R_NST(3000, 0), R_NST(200, 0),
	R_SEND(OK200("6\r\n\r\nhello\n")), R_NOTIFY
};
static const struct srv13_step	st_nst_big_split[] = {
	R_READ, R_NST(3000, 700), R_SEND(OK200("6\r\n\r\nhello\n")), R_NOTIFY
};
static const struct srv13_step	st_nst_bytewise[] = {
	R_READ, R_NST(100, 1), R_SEND(OK200("6\r\n\r\nhello\n")), R_NOTIFY
};
static const struct srv13_step	st_ku[] = {
	R_READ, R_SEND(OK200("13\r\n\r\nbefore ")), R_KU(0),
	R_SEND("after\n"), R_NOTIFY
};
/* Alerts as records: a fragment, warning levels, an unknown one. */
static const struct srv13_step	st_alert_short[] = {
	R_READ, R_REC(CT_ALERT, "\x02"), R_END
};
static const struct srv13_step	st_alert_warning[] = {
	R_READ, R_REC(CT_ALERT, "\x01\x50"), R_END
};
static const struct srv13_step	st_alert_unknown[] = {
	R_READ, R_REC(CT_ALERT, "\x02\xff"), R_END
};
/* After close_notify, nothing counts (RFC 8446 6.1). */
static const struct srv13_step	st_after_notify[] = {
	R_READ, R_SEND("HTTP/1.1 200 OK\r\n\r\nabc"),
	R_REC(CT_ALERT, "\x01\x00"), R_SEND("ignored"), R_END
};
static const struct srv13_step	st_empty_app[] = {
	R_READ, R_SEND(""), R_SEND(OK200("6\r\n\r\nhel")), R_SEND(""),
	R_SEND("lo\n"), R_NOTIFY
};
/* Its KeyUpdate answered; the second request under the new keys. */
static const struct srv13_step	st_ku_request[] = {
	R_READ, R_KU(1), R_SEND(OK200("4\r\n\r\none\n")), R_READ,
	R_SEND(OK200("4\r\n\r\ntwo\n")), R_NOTIFY
};
/*
 * A NewSessionTicket whose ticket runs past the message; then one with
 * a byte after its extensions.
 */
static const struct srv13_step	st_nst_short[] = {
	R_READ, R_HS("\x04\0\0\x0f\0\0\x0e\x10\x12\x34\x56\x78\x01\x00"
	    "\0\x05" "abc"), R_END
};
static const struct srv13_step	st_nst_trailing[] = {
	R_READ, R_HS("\x04\0\0\x12\0\0\x0e\x10\x12\x34\x56\x78\x01\x00"
	    "\0\x03" "abc" "\0\0" "x"), R_END
};

/*
 * The closure alert user_canceled at warning level is followed by
 * close_notify (RFC 8446 6.1): the body is then cut, not failed.
 */
static const struct srv13_step	st_cancel[] = {
	R_READ, R_SEND(OK200("100\r\n\r\n0123456789")),
	R_REC(CT_ALERT, "\x01\x5a"), R_NOTIFY
};
/* After ufetch's Finished, its empty Certificate refused (4.4.2.4). */
static const struct srv13_step	st_cert_required[] = {
	R_ALERT(UF_ALERT_CERTIFICATE_REQUIRED)
};

/* Resumption: one answer a connection, with tickets or without. */
static const struct srv13_step	st_close[] = {
	R_READ, R_SEND(HELLO_CLOSE), R_NOTIFY
};
static const struct srv13_step	st_nst_close[] = {
	R_READ, R_NST(100, 0), R_SEND(HELLO_CLOSE), R_NOTIFY
};
static const struct srv13_step	st_nst_two[] = {
	R_READ, R_NST(100, 0), R_NST(60, 0), R_SEND(HELLO_CLOSE), R_NOTIFY
};
/* Lifetime 0: "discarded immediately" (RFC 8446 4.6.1). */
static const struct srv13_step	st_nst_dead[] = {
	R_READ, R_NST_LIFE(100, 0), R_SEND(HELLO_CLOSE), R_NOTIFY
};
static const struct srv13_step	st_nst_then_dead[] = {
	R_READ, R_NST(100, 0), R_NST_LIFE(100, 0), R_SEND(HELLO_CLOSE),
	R_NOTIFY
};
/* A ticket of one second, a second and a bit old when offered. */
static const struct srv13_step	st_nst_expired[] = {
	R_READ, R_NST_LIFE(100, 1), R_SLEEP(1100), R_SEND(HELLO_CLOSE),
	R_NOTIFY
};
/* UF_TICKET_MAX (512): the longest ticket kept. */
static const struct srv13_step	st_nst_512[] = {
	R_READ, R_NST(512, 0), R_SEND(HELLO_CLOSE), R_NOTIFY
};
static const struct srv13_step	st_nst_513[] = {
	R_READ, R_NST(513, 0), R_SEND(HELLO_CLOSE), R_NOTIFY
};
/* The ticket's age at the next ClientHello: over AGE_MS. */
#define AGE_MS		600
static const struct srv13_step	st_nst_aged[] = {
	R_READ, R_NST(100, 0), R_SLEEP(AGE_MS), R_SEND(HELLO_CLOSE), R_NOTIFY
};

/*
 * The table.
 */

struct row {
	const char		*name;
	struct srv13_conf	conf;
	int			code;
	const char		*msg;	/* in stderr; NULL: stderr empty */
	unsigned		alert;	/* ufetch's alert; 0: none */
	int			plain;	/* ... sent before it had keys */
	const char		*out;	/* stdout; NULL: "hello\n" when
					   code is 0, else nothing */
	size_t			out_x;	/* or so many 'x' */
	int			after;	/* fails after the handshake */
	int			hrr;	/* HelloRetryRequests */
	int			ku;	/* KeyUpdates ufetch sent */
	int			twice;	/* the URL twice (keep-alive) */
	int			tls12;	/* M_TLS12 relayed to TLS 1.2 */
	const char		*host;	/* NULL: localhost */
	const char		*opt;	/* one more option */
	int			urls;	/* so many URLs (0: one) */
	const char		*hosts[SRV13_CONNS]; /* URL n's (NULL: host) */
	int			tk[SRV13_CONNS];  /* the ticket connection n
						     offered, 0: none */
	int			tk2[SRV13_CONNS]; /* ... after an HRR */
	unsigned		resumed;  /* connections resumed: 1 << n */
	unsigned		slept;	/* ms the server sleeps on purpose */
};

#define TLS_ERR		6
#define CERT_ERR	5
#define CUT		4
#define P256		UF_GROUP_SECP256R1
#define P384		UF_GROUP_SECP384R1

#define ILLEGAL		UF_ALERT_ILLEGAL_PARAMETER
#define UNEXPECTED	UF_ALERT_UNEXPECTED_MESSAGE
#define UNSUPPORTED	UF_ALERT_UNSUPPORTED_EXTENSION
#define DECRYPT		UF_ALERT_DECRYPT_ERROR
#define OVERFLOW	UF_ALERT_RECORD_OVERFLOW
#define BAD_MAC		UF_ALERT_BAD_RECORD_MAC
#define DECODE		UF_ALERT_DECODE_ERROR

static const char	not_offered[] = "an extension ufetch did not offer";
static const char	bad_cv[] = "a CertificateVerify signature that does "
			    "not verify";
static const char	out_of_order[] = "a handshake message out of order";
static const char	too_long[] = "a record longer than TLS allows";

static const struct row	rows[] = {
	/* Correct servers. */
	{ .name = "plain", .conf = { 0 } },
	{ .name = "TLS_AES_128_GCM_SHA256",
	  .conf = { .suite = UF_TLS_AES_128_GCM_SHA256 } },
	{ .name = "TLS_AES_256_GCM_SHA384",
	  .conf = { .suite = UF_TLS_AES_256_GCM_SHA384 } },
	{ .name = "TLS_CHACHA20_POLY1305_SHA256",
	  .conf = { .suite = UF_TLS_CHACHA20_POLY1305_SHA256 } },
	{ .name = "HelloRetryRequest for P-256", .conf = { .group = P256 },
	  .hrr = 1 },
	{ .name = "HelloRetryRequest for P-384, SHA-384",
	  .conf = { .group = P384, .suite = UF_TLS_AES_256_GCM_SHA384 },
	  .hrr = 1 },
	{ .name = "HelloRetryRequest with a cookie only",
	  .conf = { .cookie = 1 }, .hrr = 1 },
	{ .name = "HelloRetryRequest for P-256 with a cookie",
	  .conf = { .group = P256, .cookie = 1 }, .hrr = 1 },
	{ .name = "CertificateRequest: an empty Certificate",
	  .conf = { .cr = 1 } },
	{ .name = "records split byte by byte", .conf = { .frag = 1 } },
	{ .name = "byte by byte, HRR with a cookie, P-384",
	  .conf = { .frag = 1, .group = P384, .cookie = 1 }, .hrr = 1 },
	{ .name = "records of 7 bytes, CertificateRequest",
	  .conf = { .frag = 7, .cr = 1 } },
	{ .name = "EE to Finished coalesced in one record",
	  .conf = { .coalesce = 1 } },
	{ .name = "records padded with 300 zeros",
	  .conf = { .pad = 300, .cr = 1, .steps = st_ku } ,
	  .out = "before after\n" },
	{ .name = "empty application data records",
	  .conf = { .steps = st_empty_app } },
	{ .name = "data after close_notify is ignored",
	  .conf = { .steps = st_after_notify }, .out = "abc" },
	{ .name = "IP address: no SNI, IP SAN", .conf = { 0 },
	  .host = "127.0.0.1" },
	{ .name = "-k takes a self-signed certificate",
	  .conf = { .chain = { "selfsigned.der" },
	  .key = "selfsigned.key.der" }, .opt = "-k" },
	{ .name = "NewSessionTicket", .conf = { .steps = st_nst } },
	{ .name = "NewSessionTicket larger than ufetch keeps",
	  .conf = { .steps = st_nst_big } },
	{ .name = "... split across records",
	  .conf = { .steps = st_nst_big_split } },
	{ .name = "NewSessionTicket byte by byte",
	  .conf = { .steps = st_nst_bytewise } },
	{ .name = "KeyUpdate mid-body", .conf = { .steps = st_ku },
	  .out = "before after\n" },
	{ .name = "KeyUpdate requested: ufetch's own, then its request",
	  .conf = { .steps = st_ku_request }, .out = "one\ntwo\n", .ku = 1,
	  .twice = 1 },
	{ .name = "a record of 2^14 bytes", .conf = { .steps = st_biggest },
	  .out_x = PLAIN_MAX - 42 },
	{ .name = "TLS 1.2 server: connect again with TLS 1.2",
	  .conf = { .mut = M_TLS12 }, .tls12 = 1 },
	{ .name = "length-framed body, closed without close_notify",
	  .conf = { .steps = st_length_close }, .out = "abc" },
	{ .name = "close-framed body with close_notify",
	  .conf = { .steps = st_eof_body_notify }, .out = "abc" },

	/* ServerHello and HelloRetryRequest. */
	{ .name = "a suite never offered",
	  .conf = { .mut = M_SUITE_UNOFFERED }, .code = TLS_ERR,
	  .msg = "a cipher suite ufetch did not offer", .alert = ILLEGAL,
	  .plain = 1 },
	{ .name = "a key share for a group never offered",
	  .conf = { .mut = M_GROUP_UNOFFERED }, .code = TLS_ERR,
	  .msg = "a key share for a group ufetch sent none for",
	  .alert = ILLEGAL, .plain = 1 },
	{ .name = "a P-256 key share without HelloRetryRequest",
	  .conf = { .mut = M_GROUP_NO_SHARE }, .code = TLS_ERR,
	  .msg = "a key share for a group ufetch sent none for",
	  .alert = ILLEGAL, .plain = 1 },
	{ .name = "ServerHello for a group other than the HRR's",
	  .conf = { .mut = M_GROUP_AFTER_HRR, .group = P256 },
	  .code = TLS_ERR, .msg = "a key share for a group ufetch sent none "
	  "for", .alert = ILLEGAL, .plain = 1, .hrr = 1 },
	{ .name = "ServerHello for a suite other than the HRR's",
	  .conf = { .mut = M_SUITE_AFTER_HRR, .group = P256 },
	  .code = TLS_ERR, .msg = "a cipher suite other than its "
	  "HelloRetryRequest's", .alert = ILLEGAL, .plain = 1, .hrr = 1 },
	{ .name = "HelloRetryRequest for a group never offered",
	  .conf = { .mut = M_HRR_UNOFFERED }, .code = TLS_ERR,
	  .msg = "a HelloRetryRequest for a group ufetch did not offer",
	  .alert = ILLEGAL, .plain = 1, .hrr = 1 },
	{ .name = "HelloRetryRequest for the group already sent",
	  .conf = { .mut = M_HRR_SAME }, .code = TLS_ERR,
	  .msg = "a HelloRetryRequest for the group ufetch already sent",
	  .alert = ILLEGAL, .plain = 1, .hrr = 1 },
	{ .name = "HelloRetryRequest that would change nothing",
	  .conf = { .mut = M_HRR_EMPTY }, .code = TLS_ERR,
	  .msg = "a HelloRetryRequest that asks for nothing",
	  .alert = ILLEGAL, .plain = 1, .hrr = 1 },
	{ .name = "HelloRetryRequest with a session ID not ours",
	  .conf = { .mut = M_HRR_SID, .group = P256 }, .code = TLS_ERR,
	  .msg = "a legacy_session_id that is not ours", .alert = ILLEGAL,
	  .plain = 1, .hrr = 1 },
	{ .name = "an unknown extension in a HelloRetryRequest",
	  .conf = { .mut = M_HRR_UNKNOWN_EXT, .group = P256 },
	  .code = TLS_ERR, .msg = not_offered, .alert = UNSUPPORTED,
	  .plain = 1, .hrr = 1 },
	{ .name = "HelloRetryRequest with compression method 1",
	  .conf = { .mut = M_HRR_COMPRESSION, .group = P256 },
	  .code = TLS_ERR, .msg = "a compression method other than none",
	  .alert = ILLEGAL, .plain = 1, .hrr = 1 },
	{ .name = "HelloRetryRequest for a suite never offered",
	  .conf = { .mut = M_HRR_SUITE, .group = P256 }, .code = TLS_ERR,
	  .msg = "a cipher suite ufetch did not offer", .alert = ILLEGAL,
	  .plain = 1, .hrr = 1 },
	{ .name = "ServerHello selecting TLS 1.2 after the HRR's 1.3",
	  .conf = { .mut = M_SV_12, .group = P256 }, .code = TLS_ERR,
	  .msg = "a version other than TLS 1.3 in supported_versions",
	  .alert = ILLEGAL, .plain = 1, .hrr = 1 },
	{ .name = "a second HelloRetryRequest",
	  .conf = { .mut = M_HRR_TWICE, .group = P256 }, .code = TLS_ERR,
	  .msg = "a second HelloRetryRequest", .alert = UNEXPECTED,
	  .plain = 1, .hrr = 2 },
	{ .name = "TLS 1.2 ServerHello after a HelloRetryRequest",
	  .conf = { .mut = M_TLS12_AFTER_HRR, .group = P256 },
	  .code = TLS_ERR, .msg = "a TLS 1.2 ServerHello after a "
	  "HelloRetryRequest", .alert = ILLEGAL, .plain = 1, .hrr = 1 },
	{ .name = "1.3 key share without supported_versions",
	  .conf = { .mut = M_NO_SV }, .code = TLS_ERR,
	  .msg = "a TLS 1.3 key share without supported_versions",
	  .alert = ILLEGAL, .plain = 1 },
	{ .name = "supported_versions selecting TLS 1.2",
	  .conf = { .mut = M_SV_12 }, .code = TLS_ERR,
	  .msg = "a version other than TLS 1.3 in supported_versions",
	  .alert = ILLEGAL, .plain = 1 },
	{ .name = "a legacy_session_id that is not ours",
	  .conf = { .mut = M_SID }, .code = TLS_ERR,
	  .msg = "a legacy_session_id that is not ours", .alert = ILLEGAL,
	  .plain = 1 },
	{ .name = "compression method 1",
	  .conf = { .mut = M_COMPRESSION }, .code = TLS_ERR,
	  .msg = "a compression method other than none", .alert = ILLEGAL,
	  .plain = 1 },
	{ .name = "pre_shared_key in a ServerHello, none offered",
	  .conf = { .mut = M_SH_PSK }, .code = TLS_ERR, .msg = not_offered,
	  .alert = UNSUPPORTED, .plain = 1 },
	{ .name = "key_share twice in the ServerHello",
	  .conf = { .mut = M_DUP_SH }, .code = TLS_ERR,
	  .msg = "the same extension twice", .alert = ILLEGAL, .plain = 1 },
	{ .name = "an unknown extension in the ServerHello",
	  .conf = { .mut = M_SH_UNKNOWN_EXT }, .code = TLS_ERR,
	  .msg = not_offered, .alert = UNSUPPORTED, .plain = 1 },
	{ .name = "ServerHello not at the end of its record",
	  .conf = { .mut = M_SH_MORE }, .code = TLS_ERR,
	  .msg = "more in the record of its ServerHello",
	  .alert = UNEXPECTED },
	{ .name = "an all-zero X25519 key share",
	  .conf = { .mut = M_ZERO_SHARE }, .code = TLS_ERR,
	  .msg = "a key share that is not a valid public key",
	  .alert = ILLEGAL, .plain = 1 },
	{ .name = "a P-256 key share off the curve",
	  .conf = { .mut = M_BAD_POINT, .group = P256 }, .code = TLS_ERR,
	  .msg = "a key share that is not a valid public key",
	  .alert = ILLEGAL, .plain = 1, .hrr = 1 },
	{ .name = "a ChangeCipherSpec of 2",
	  .conf = { .mut = M_CCS_BAD }, .code = TLS_ERR,
	  .msg = "an unexpected ChangeCipherSpec", .alert = UNEXPECTED },
	{ .name = "a plaintext record over 2^14 bytes",
	  .conf = { .mut = M_BIG_PLAIN }, .code = TLS_ERR, .msg = too_long,
	  .alert = OVERFLOW, .plain = 1 },
	{ .name = "a record over 2^14 + 256 bytes",
	  .conf = { .mut = M_BIG_CIPHER }, .code = TLS_ERR, .msg = too_long,
	  .alert = OVERFLOW },
	{ .name = "a record of an unknown content type",
	  .conf = { .mut = M_UNKNOWN_TYPE }, .code = TLS_ERR,
	  .msg = "a record of an unknown type", .alert = UNEXPECTED },
	{ .name = "a protected record before the ServerHello",
	  .conf = { .mut = M_PROTECTED_FIRST }, .code = TLS_ERR,
	  .msg = "a protected record before the keys were agreed",
	  .alert = UNEXPECTED, .plain = 1 },
	{ .name = "a handshake_failure alert",
	  .conf = { .mut = M_ALERT_HS }, .code = TLS_ERR,
	  .msg = "no cipher suite, curve or signature algorithm in common" },
	{ .name = "an unrecognized_name alert",
	  .conf = { .mut = M_ALERT_NAME }, .code = TLS_ERR,
	  .msg = "the server does not know the name localhost "
	  "(unrecognized_name alert)" },
	{ .name = "user_canceled, then close_notify, for a ServerHello",
	  .conf = { .mut = M_CANCEL_HS }, .code = TLS_ERR,
	  .msg = "the server closed the TLS session during the handshake" },

	/* TLS 1.2 and older answers. */
	{ .name = "the downgrade sentinel in a TLS 1.2 ServerHello",
	  .conf = { .mut = M_TLS12_SENTINEL }, .code = TLS_ERR,
	  .msg = "TLS downgrade detected: localhost answered with TLS 1.2 "
	  "and the sign of a TLS 1.3 server", .alert = ILLEGAL, .plain = 1 },
	{ .name = "the TLS 1.1 downgrade sentinel",
	  .conf = { .mut = M_TLS11_SENTINEL }, .code = TLS_ERR,
	  .msg = "TLS downgrade detected: localhost answered with TLS 1.1 "
	  "or older", .alert = ILLEGAL, .plain = 1 },
	{ .name = "legacy_version 0x0304 without supported_versions",
	  .conf = { .mut = M_V0304 }, .code = TLS_ERR,
	  .msg = "a ServerHello version above TLS 1.2 without "
	  "supported_versions", .alert = UF_ALERT_PROTOCOL_VERSION,
	  .plain = 1 },
	{ .name = "a TLS 1.2 suite never offered",
	  .conf = { .mut = M_TLS12_SUITE }, .code = TLS_ERR,
	  .msg = "a cipher suite ufetch did not offer", .alert = ILLEGAL,
	  .plain = 1 },
	{ .name = "a TLS 1.1 ServerHello", .conf = { .mut = M_TLS11 },
	  .code = TLS_ERR, .msg = "the server speaks only TLS 1.1 or older",
	  .alert = UF_ALERT_PROTOCOL_VERSION, .plain = 1 },

	/* The encrypted flight. */
	{ .name = "EncryptedExtensions in plaintext",
	  .conf = { .mut = M_PLAIN_EE }, .code = TLS_ERR,
	  .msg = "a plaintext handshake record after the keys changed",
	  .alert = UNEXPECTED },
	{ .name = "application data before the server's Finished",
	  .conf = { .mut = M_APP_BEFORE_FIN }, .code = TLS_ERR,
	  .msg = "application data before its Finished",
	  .alert = UNEXPECTED },
	{ .name = "a tampered record tag in the handshake",
	  .conf = { .mut = M_TAG_EE }, .code = TLS_ERR,
	  .msg = "(bad record MAC)", .alert = BAD_MAC },
	{ .name = "a protected record over 2^14 bytes",
	  .conf = { .mut = M_BIG_EE }, .code = TLS_ERR, .msg = too_long,
	  .alert = OVERFLOW },
	{ .name = "a record without a content type",
	  .conf = { .mut = M_ZERO_INNER }, .code = TLS_ERR,
	  .msg = "a record without a content type", .alert = UNEXPECTED },
	{ .name = "an empty protected handshake record",
	  .conf = { .mut = M_EMPTY_HS }, .code = TLS_ERR,
	  .msg = "an empty record", .alert = UNEXPECTED },
	{ .name = "a KeyUpdate before the server's Finished",
	  .conf = { .mut = M_KU_IN_HS }, .code = TLS_ERR,
	  .msg = out_of_order, .alert = UNEXPECTED },
	{ .name = "a protected ChangeCipherSpec",
	  .conf = { .mut = M_CCS_PROTECTED }, .code = TLS_ERR,
	  .msg = "a record of a type not allowed there",
	  .alert = UNEXPECTED },
	{ .name = "ALPN in EncryptedExtensions, never offered",
	  .conf = { .mut = M_EE_ALPN }, .code = TLS_ERR, .msg = not_offered,
	  .alert = UNSUPPORTED },
	{ .name = "key_share in EncryptedExtensions",
	  .conf = { .mut = M_EE_KEY_SHARE }, .code = TLS_ERR,
	  .msg = "an extension in a message where it does not belong",
	  .alert = ILLEGAL },
	{ .name = "an unknown extension in EncryptedExtensions",
	  .conf = { .mut = M_EE_UNKNOWN }, .code = TLS_ERR,
	  .msg = not_offered, .alert = UNSUPPORTED },
	{ .name = "supported_groups twice in EncryptedExtensions",
	  .conf = { .mut = M_EE_DUP }, .code = TLS_ERR,
	  .msg = "the same extension twice", .alert = ILLEGAL },
	{ .name = "server_name in EE when none was sent",
	  .conf = { .mut = M_EE_SNI }, .code = TLS_ERR, .msg = not_offered,
	  .alert = UNSUPPORTED, .host = "127.0.0.1" },
	{ .name = "no EncryptedExtensions", .conf = { .mut = M_NO_EE },
	  .code = TLS_ERR, .msg = out_of_order, .alert = UNEXPECTED },
	{ .name = "an empty Certificate", .conf = { .mut = M_CERT_EMPTY },
	  .code = CERT_ERR, .msg = "sent no certificate", .alert = DECODE },
	{ .name = "a certificate_request_context in Certificate",
	  .conf = { .mut = M_CERT_CONTEXT }, .code = TLS_ERR,
	  .msg = "a certificate request context in the server's "
	  "Certificate", .alert = ILLEGAL },
	{ .name = "an extension in a CertificateEntry",
	  .conf = { .mut = M_CERT_EXT }, .code = TLS_ERR,
	  .msg = not_offered, .alert = UNSUPPORTED },
	{ .name = "CertificateVerify by another key",
	  .conf = { .mut = M_CV_ROGUE }, .code = TLS_ERR, .msg = bad_cv,
	  .alert = DECRYPT },
	{ .name = "CertificateVerify over the wrong transcript",
	  .conf = { .mut = M_CV_TRANSCRIPT }, .code = TLS_ERR, .msg = bad_cv,
	  .alert = DECRYPT },
	{ .name = "CertificateVerify with the client's context string",
	  .conf = { .mut = M_CV_CONTEXT }, .code = TLS_ERR, .msg = bad_cv,
	  .alert = DECRYPT },
	{ .name = "CertificateVerify scheme rsa_pkcs1_sha256",
	  .conf = { .mut = M_CV_PKCS1 }, .code = TLS_ERR,
	  .msg = "a CertificateVerify scheme ufetch did not offer",
	  .alert = ILLEGAL },
	{ .name = "CertificateVerify scheme for another curve",
	  .conf = { .mut = M_CV_CURVE }, .code = TLS_ERR,
	  .msg = "a CertificateVerify scheme ufetch did not offer",
	  .alert = ILLEGAL },
	{ .name = "no CertificateVerify", .conf = { .mut = M_NO_CV },
	  .code = TLS_ERR, .msg = out_of_order, .alert = UNEXPECTED },
	{ .name = "-k does not skip the CertificateVerify",
	  .conf = { .mut = M_CV_ROGUE }, .code = TLS_ERR, .msg = bad_cv,
	  .alert = DECRYPT, .opt = "-k" },
	{ .name = "a tampered Finished", .conf = { .mut = M_FIN_TAMPER },
	  .code = TLS_ERR, .msg = "a Finished that does not verify",
	  .alert = DECRYPT },
	{ .name = "Finished not at the end of its record",
	  .conf = { .mut = M_FIN_MORE }, .code = TLS_ERR,
	  .msg = "more in the record of its Finished", .alert = UNEXPECTED },

	/* Certificates: exit 5, the TLS 1.2 messages. */
	{ .name = "an expired certificate",
	  .conf = { .chain = { "expired.der", "int.der" },
	  .key = "expired.key.der" }, .code = CERT_ERR,
	  .msg = "server certificate 'localhost' has expired (notAfter "
	  "2021-01-01, clock ", .alert = UF_ALERT_CERTIFICATE_EXPIRED },
	{ .name = "a certificate for another name",
	  .conf = { .chain = { "wrongname.der", "int.der" },
	  .key = "wrongname.key.der" }, .code = CERT_ERR,
	  .msg = "certificate is not valid for localhost (it names "
	  "wrong.example)", .alert = UF_ALERT_BAD_CERTIFICATE },
	{ .name = "a self-signed certificate",
	  .conf = { .chain = { "selfsigned.der" },
	  .key = "selfsigned.key.der" }, .code = CERT_ERR,
	  .msg = "self-signed certificate 'localhost' is not trusted",
	  .alert = UF_ALERT_UNKNOWN_CA },
	{ .name = "a certificate of an unknown CA",
	  .conf = { .chain = { "rogue-leaf.der", "rogue-root.der" },
	  .key = "rogue-leaf.key.der" }, .code = CERT_ERR,
	  .msg = "a CA that is not trusted (unknown CA",
	  .alert = UF_ALERT_UNKNOWN_CA },

	/* After the handshake. */
	{ .name = "a tampered record tag mid-body",
	  .conf = { .steps = st_tamper }, .code = TLS_ERR,
	  .msg = "TLS 1.3 error: the server sent a record that does not "
	  "authenticate", .alert = BAD_MAC, .out = "0123456789",
	  .after = 1 },
	{ .name = "a record over 2^14 bytes mid-body",
	  .conf = { .steps = st_big }, .code = TLS_ERR, .msg = too_long,
	  .alert = OVERFLOW, .after = 1 },
	{ .name = "an alert mid-body", .conf = { .steps = st_alert },
	  .code = TLS_ERR, .msg = "the server ended the TLS session with "
	  "alert 80", .out = "0123456789", .after = 1 },
	{ .name = "an alert of one byte", .conf = { .steps = st_alert_short },
	  .code = TLS_ERR, .msg = "a malformed alert", .alert = DECODE,
	  .after = 1 },
	{ .name = "an error alert at warning level",
	  .conf = { .steps = st_alert_warning }, .code = TLS_ERR,
	  .msg = "the server ended the TLS session with alert 80",
	  .after = 1 },
	{ .name = "certificate_required after ufetch's Finished",
	  .conf = { .cr = 1, .steps = st_cert_required }, .code = TLS_ERR,
	  .msg = "the server requires a client certificate (alert 116)",
	  .after = 1 },
	{ .name = "user_canceled, then close_notify, mid-body",
	  .conf = { .steps = st_cancel }, .code = CUT,
	  .msg = "connection closed after 10 of 100 body bytes",
	  .out = "0123456789", .after = 1 },
	{ .name = "an unknown alert",
	  .conf = { .steps = st_alert_unknown }, .code = TLS_ERR,
	  .msg = "the server ended the TLS session with alert 255",
	  .after = 1 },
	{ .name = "a record without a content type after the handshake",
	  .conf = { .steps = st_zero }, .code = TLS_ERR,
	  .msg = "a record without a content type", .alert = UNEXPECTED,
	  .after = 1 },
	{ .name = "a ChangeCipherSpec after the handshake",
	  .conf = { .steps = st_ccs }, .code = TLS_ERR,
	  .msg = "an unexpected ChangeCipherSpec", .alert = UNEXPECTED,
	  .after = 1 },
	{ .name = "a CertificateRequest after the handshake",
	  .conf = { .steps = st_post_cr }, .code = TLS_ERR,
	  .msg = "a handshake message ufetch does not take after the "
	  "handshake", .alert = UNEXPECTED, .after = 1 },
	{ .name = "a KeyUpdate asking neither way",
	  .conf = { .steps = st_ku_bad }, .code = TLS_ERR,
	  .msg = "a KeyUpdate that is neither requested nor not",
	  .alert = ILLEGAL, .after = 1 },
	{ .name = "KeyUpdate not at the end of its record",
	  .conf = { .steps = st_ku_more }, .code = TLS_ERR,
	  .msg = "more in the record of its KeyUpdate", .alert = UNEXPECTED,
	  .after = 1 },
	{ .name = "a NewSessionTicket without a ticket",
	  .conf = { .steps = st_nst_bad }, .code = TLS_ERR,
	  .msg = "a malformed NewSessionTicket", .alert = DECODE,
	  .after = 1 },
	{ .name = "a NewSessionTicket cut inside its ticket",
	  .conf = { .steps = st_nst_short }, .code = TLS_ERR,
	  .msg = "TLS 1.3 error: the server sent a malformed "
	  "NewSessionTicket", .alert = DECODE, .after = 1 },
	{ .name = "a NewSessionTicket with a byte after its extensions",
	  .conf = { .steps = st_nst_trailing }, .code = TLS_ERR,
	  .msg = "TLS 1.3 error: the server sent a malformed "
	  "NewSessionTicket", .alert = DECODE, .after = 1 },
	{ .name = "a body cut without close_notify",
	  .conf = { .steps = st_cut }, .code = CUT,
	  .msg = "connection closed after 10 of 100 body bytes",
	  .out = "0123456789", .after = 1 },
	{ .name = "a body cut with close_notify",
	  .conf = { .steps = st_cut_notify }, .code = CUT,
	  .msg = "connection closed after 10 of 100 body bytes",
	  .out = "0123456789", .after = 1 },
	{ .name = "a close-framed body without close_notify",
	  .conf = { .steps = st_eof_body }, .code = CUT,
	  .msg = "without TLS close_notify", .out = "abc", .after = 1 },

	/*
	 * Resumption (RFC 8446 2.2, 4.2.11, 4.6.1): a connection's ticket
	 * offered on the next. The server checks each binder (4.2.11.2),
	 * and takes the PSK into the key schedule (7.1), and its tickets
	 * come from the resumption_master_secret of the connection (4.6.1,
	 * 7.1), resumed or not; run_row() checks every ticket's age.
	 */
	{ .name = "resumed with the first connection's ticket",
	  .conf = { .steps = st_nst_close }, .opt = "-v",
	  .msg = ", session resumed", .urls = 2, .tk = { 0, 1 },
	  .resumed = 2 },
	{ .name = "a resumed connection's ticket resumes the next",
	  .conf = { .steps = st_nst_close }, .opt = "-v",
	  .msg = ", session resumed", .urls = 3, .tk = { 0, 1, 2 },
	  .resumed = 6 },
	{ .name = "a ticket is used once",
	  .conf = { .steps = st_nst_close, .psk_steps = st_close },
	  .opt = "-v", .msg = ", session resumed", .urls = 3,
	  .tk = { 0, 1, 0 }, .resumed = 2 },
	{ .name = "the last of two tickets is offered",
	  .conf = { .steps = st_nst_two, .psk_steps = st_close },
	  .opt = "-v", .msg = ", session resumed", .urls = 2,
	  .tk = { 0, 2 }, .resumed = 2 },
	{ .name = "a SHA-384 ticket, TLS_AES_256_GCM_SHA384",
	  .conf = { .steps = st_nst_close,
	  .suite = UF_TLS_AES_256_GCM_SHA384 }, .opt = "-v",
	  .msg = ", session resumed", .urls = 2, .tk = { 0, 1 },
	  .resumed = 2 },
	{ .name = "resumed after a HelloRetryRequest for P-256",
	  .conf = { .steps = st_nst_close, .group = P256 }, .opt = "-v",
	  .msg = ", session resumed", .urls = 2, .tk = { 0, 1 },
	  .tk2 = { 0, 1 }, .resumed = 2, .hrr = 2 },
	{ .name = "resumed after an HRR with a cookie, P-384, SHA-384",
	  .conf = { .steps = st_nst_close, .group = P384, .cookie = 1,
	  .suite = UF_TLS_AES_256_GCM_SHA384 }, .opt = "-v",
	  .msg = ", session resumed", .urls = 2, .tk = { 0, 1 },
	  .tk2 = { 0, 1 }, .resumed = 2, .hrr = 2 },
	{ .name = "obfuscated_ticket_age: milliseconds plus age_add",
	  .conf = { .steps = st_nst_aged }, .urls = 2, .tk = { 0, 1 },
	  .resumed = 2, .slept = AGE_MS },
	/* Kept by the URL's host name: an IP address has its own. */
	{ .name = "a ticket is not offered to another host name",
	  .conf = { .steps = st_nst_close }, .urls = 4,
	  .hosts = { NULL, "127.0.0.1", NULL, "127.0.0.1" },
	  .tk = { 0, 0, 1, 2 }, .resumed = 12 },
	{ .name = "a ticket of lifetime 0 is not kept",
	  .conf = { .steps = st_nst_dead }, .urls = 2 },
	{ .name = "... nor does it replace the one before",
	  .conf = { .steps = st_nst_then_dead }, .urls = 2,
	  .tk = { 0, 1 }, .resumed = 2 },
	{ .name = "a ticket past its lifetime is not offered",
	  .conf = { .steps = st_nst_expired }, .urls = 2, .slept = 1100 },
	{ .name = "a ticket of 512 bytes is kept",
	  .conf = { .steps = st_nst_512 }, .urls = 2, .tk = { 0, 1 },
	  .resumed = 2 },
	{ .name = "a ticket of 513 bytes is not",
	  .conf = { .steps = st_nst_513 }, .urls = 2 },
	/*
	 * The server's to choose: no PSK, or in its HelloRetryRequest a
	 * suite of another hash, when the PSK SHOULD NOT be offered again
	 * (4.2.11).
	 */
	{ .name = "a PSK declined: a full handshake",
	  .conf = { .steps = st_nst_close, .mut = M_PSK_DECLINE },
	  .urls = 3, .tk = { 0, 1, 2 } },
	{ .name = "HRR for another hash: the PSK is not offered again",
	  .conf = { .steps = st_nst_close, .mut = M_PSK_HRR_HASH },
	  .urls = 2, .tk = { 0, 1 }, .hrr = 1 },
	/* What the client MUST check of the server's answer (4.2.11). */
	{ .name = "selected_identity 1 of one offered",
	  .conf = { .steps = st_nst_close, .mut = M_PSK_IDENTITY },
	  .urls = 2, .tk = { 0, 1 }, .resumed = 2, .code = TLS_ERR,
	  .out = "hello\n", .msg = "TLS 1.3 handshake failed: the server "
	  "sent a pre-shared key ufetch did not offer", .alert = ILLEGAL,
	  .plain = 1 },
	{ .name = "a SHA-256 PSK with TLS_AES_256_GCM_SHA384",
	  .conf = { .steps = st_nst_close, .mut = M_PSK_HASH },
	  .urls = 2, .tk = { 0, 1 }, .resumed = 2, .code = TLS_ERR,
	  .out = "hello\n", .msg = "TLS 1.3 handshake failed: the server "
	  "sent a pre-shared key ufetch did not offer, or with another "
	  "hash", .alert = ILLEGAL, .plain = 1 },
	{ .name = "a PSK taken without a key share (psk_dhe_ke offered)",
	  .conf = { .steps = st_nst_close, .mut = M_PSK_NO_SHARE },
	  .urls = 2, .tk = { 0, 1 }, .resumed = 2, .code = TLS_ERR,
	  .out = "hello\n", .msg = "TLS 1.3 handshake failed: the server "
	  "sent a pre-shared key without a key share", .alert = ILLEGAL,
	  .plain = 1 },
	/* Known, and not for that message (4.2). */
	{ .name = "pre_shared_key in a HelloRetryRequest",
	  .conf = { .steps = st_nst_close, .mut = M_PSK_IN_HRR },
	  .urls = 2, .tk = { 0, 1 }, .hrr = 1, .code = TLS_ERR,
	  .out = "hello\n", .msg = "TLS 1.3 handshake failed: the server "
	  "sent an extension in a message where it does not belong",
	  .alert = ILLEGAL, .plain = 1 },
	{ .name = "pre_shared_key in EncryptedExtensions",
	  .conf = { .steps = st_nst_close, .mut = M_PSK_IN_EE },
	  .urls = 2, .tk = { 0, 1 }, .resumed = 2, .code = TLS_ERR,
	  .out = "hello\n", .msg = "TLS 1.3 handshake failed: the server "
	  "sent an extension in a message where it does not belong",
	  .alert = ILLEGAL },
	/* No certificate with a PSK (4.3.2, 4.4.2). */
	{ .name = "a Certificate with a PSK taken",
	  .conf = { .steps = st_nst_close, .mut = M_PSK_CERT },
	  .urls = 2, .tk = { 0, 1 }, .resumed = 2, .code = TLS_ERR,
	  .out = "hello\n", .msg = "TLS 1.3 handshake failed: the server "
	  "sent a handshake message out of order", .alert = UNEXPECTED },
	{ .name = "a CertificateRequest with a PSK taken",
	  .conf = { .steps = st_nst_close, .mut = M_PSK_CR },
	  .urls = 2, .tk = { 0, 1 }, .resumed = 2, .code = TLS_ERR,
	  .out = "hello\n", .msg = "TLS 1.3 handshake failed: the server "
	  "sent a handshake message out of order", .alert = UNEXPECTED },
};

#define NROWS	(sizeof rows / sizeof rows[0])

/*
 * Criterion passes each test a copy of its parameter, in a process of
 * its own where the table's pointers may not hold: so, the row's index.
 */
ParameterizedTestParameters(tls13, scripted)
{
	static size_t	idx[NROWS];
	size_t		i;

	for (i = 0; i < NROWS; i++) {
		idx[i] = i;
	}
	return cr_make_param_array(size_t, idx, NROWS);
}

static const char *
ca(void)
{
	static char	cafile[4200];

	return pki(cafile, sizeof cafile, "ca.pem");
}

static const struct srv_tls	tls12_ec = {
	{ "leaf-ec.der", "int.der" }, "leaf-ec.key.der", NULL, 0
};
static const struct srv_step	hello12[] = {
	S_READ, S_SEND(OK200("6\r\n\r\nhello\n")), S_END
};

/* How many lines of s hold what. */
static int
count_lines(const char *s, const char *what)
{
	const char	*nl;
	int		n = 0;

	for (; *s != '\0'; s = *nl != '\0' ? nl + 1 : nl) {
		nl = s + strcspn(s, "\n");
		n += memmem(s, (size_t)(nl - s), what, strlen(what)) != NULL;
	}
	return n;
}

/*
 * What the server saw of the tickets on connection k (struct srv13_psk)
 * against what the row wants. A ticket's age, as the client says, is
 * at most the server's measure (it got the ticket after we sent it),
 * and not much less.
 */
static void
check_psk(const struct row *w, const struct srv13 *s, size_t k)
{
	const struct srv13_psk	*p = &s->psk[k];
	long			tol = (long)(slack() * 1000);

	cr_expect_eq(p->tk, w->tk[k], "%s: connection %zu offered ticket %d, "
	    "want %d", w->name, k + 1, p->tk, w->tk[k]);
	cr_expect_eq(p->tk2, w->tk2[k], "%s: connection %zu offered ticket "
	    "%d after the HRR, want %d", w->name, k + 1, p->tk2, w->tk2[k]);
	cr_expect_eq(p->resumed, (w->resumed >> k) & 1, "%s: connection %zu "
	    "%s", w->name, k + 1, p->resumed ? "resumed" : "not resumed");
	cr_expect_eq(p->binders, (w->tk[k] > 0) + (w->tk2[k] > 0), "%s: "
	    "connection %zu: %d binders verified (server: %s)", w->name,
	    k + 1, p->binders, s->why);
	if (p->binders > 0) {
		cr_expect(p->age <= p->held + 1 && p->age + tol >= p->held,
		    "%s: connection %zu: ticket age %ld ms, the server held "
		    "it %ld ms", w->name, k + 1, p->age, p->held);
	}
}

/* Run one row: the server, ufetch against it, and every check. */
static void
run_row(const struct row *w)
{
	struct srv13	s;
	struct srv	s12;
	const char	*args[16], *host = NULL;
	char		url[SRV13_CONNS][256], hellos[SRV13_CONNS * 6 + 1];
	size_t		n = 0, i, k, urls = w->urls > 0 ? (size_t)w->urls : 1;
	int		alert = w->alert != 0 ? (int)w->alert : -1;
	int		resumed = 0;

	memset(&s, 0, sizeof s);
	if (w->tls12) {
		cr_assert_eq(srv_start_tls(&s12, hello12, &tls12_ec), 0);
		s.relay_port = s12.port;
	}
	cr_assert_eq(srv13_start(&s, &w->conf), 0);
	for (k = 0; k < urls; k++) {
		host = w->hosts[k] != NULL ? w->hosts[k] : w->host;
		snprintf(url[k], sizeof url[k], "https://%s:%u/", host != NULL
		    ? host : "localhost", s.port);
	}
	args[n++] = "-t";
	args[n++] = T_SECS;
	args[n++] = "--cacert";
	args[n++] = ca();
	if (w->opt != NULL) {
		args[n++] = w->opt;
	}
	for (k = 0; k < urls; k++) {
		args[n++] = url[k];
	}
	if (w->twice) {
		args[n++] = url[0];
	}
	args[n] = NULL;
	run_ufetch(&r, NULL, args);
	srv13_stop(&s);
	if (w->tls12) {
		srv_stop(&s12);
	}

	cr_expect_eq(r.code, w->code, "%s: exit %d (signal %d), want %d; "
	    "stderr: %s", w->name, r.code, r.sig, w->code, r.err);
	if (w->msg == NULL) {
		cr_expect_str_eq(r.err, "", "%s: stderr: %s", w->name, r.err);
	} else {
		cr_expect(strstr(r.err, w->msg) != NULL, "%s: stderr \"%s\" "
		    "lacks \"%s\"", w->name, r.err, w->msg);
	}
	if (w->out_x > 0) {
		for (i = 0; i < r.out_len && r.out[i] == 'x'; i++) {
			continue;
		}
		cr_expect(r.out_len == w->out_x && i == r.out_len, "%s: %zu "
		    "bytes out, want %zu 'x'", w->name, r.out_len, w->out_x);
	} else {
		const char	*want = w->out != NULL ? w->out
				    : w->code == 0 ? hellos : "";

		for (k = 0; k < urls; k++) {
			memcpy(hellos + 6 * k, "hello\n", 6);
		}
		hellos[6 * urls] = '\0';
		cr_expect(r.out_len == strlen(want)
		    && memcmp(r.out, want, r.out_len) == 0, "%s: stdout "
		    "\"%.*s\", want \"%s\"", w->name, (int)(r.out_len < 200
		    ? r.out_len : 200), r.out, want);
	}
	/* No hang: far below -t, even under valgrind. */
	cr_expect_lt(r.secs, 2 + w->slept / 1000.0 + slack(), "%s: took "
	    "%.2f s", w->name, r.secs);

	cr_expect_eq(s.alert, alert, "%s: ufetch sent alert %d, want %d "
	    "(server: %s)", w->name, s.alert, alert, s.why);
	/* RFC 8446 6.1: a client that closes says so first. */
	if (w->code == 0 && !w->tls12) {
		cr_expect(s.close_notify, "%s: no close_notify from ufetch",
		    w->name);
	}
	if (alert >= 0) {
		cr_expect_eq(s.alert_level, 2, "%s: alert level %d", w->name,
		    s.alert_level);
		cr_expect_eq(s.alert_protected, !w->plain, "%s: alert %s, "
		    "want it %s", w->name, s.alert_protected ? "protected"
		    : "in plaintext", w->plain ? "in plaintext"
		    : "protected");
	}
	cr_expect_eq(s.fin_ok, (w->code == 0 && !w->tls12) || w->after,
	    "%s: the server "
	    "%s ufetch's Finished (server: %s)", w->name, s.fin_ok
	    ? "verified" : "did not verify", s.why);
	cr_expect_eq(s.hrr, w->hrr, "%s: %d HelloRetryRequests, want %d",
	    w->name, s.hrr, w->hrr);
	cr_expect_eq(s.ku, w->ku, "%s: ufetch sent %d KeyUpdates, want %d",
	    w->name, s.ku, w->ku);
	cr_expect_eq(s.nconn, w->tls12 ? 2 : (int)urls, "%s: %d connections",
	    w->name, s.nconn);
	/* The last connection's. */
	cr_expect_eq(s.sni, host == NULL, "%s: SNI %s", w->name, s.sni
	    ? "sent" : "not sent");
	for (k = 0; k < urls; k++) {
		check_psk(w, &s, k);
		resumed += (w->resumed >> k) & 1;
	}
	/* -v says which were resumed: no certificate was checked there. */
	if (w->code == 0 && w->opt != NULL && strcmp(w->opt, "-v") == 0) {
		cr_expect_eq(count_lines(r.err, "* TLS 1.3, "), (int)urls,
		    "%s: %s", w->name, r.err);
		cr_expect_eq(count_lines(r.err, ", session resumed"), resumed,
		    "%s: %s", w->name, r.err);
	}
	if (w->code == 0) {
		cr_expect_eq(s.cookie_ok, w->conf.cookie, "%s: cookie %s",
		    w->name, s.cookie_ok ? "echoed" : "not echoed");
		cr_expect_eq(s.ch2_same, w->hrr > 0, "%s: the second "
		    "ClientHello %s the first but for key_share and cookie",
		    w->name, s.ch2_same ? "is" : "is not");
		cr_expect_eq(s.empty_cert, w->conf.cr, "%s: empty Certificate "
		    "%s", w->name, s.empty_cert ? "sent" : "not sent");
		cr_expect_eq(w->tls12 ? s12.nreq : s.nreq, w->twice ? 2
		    : (int)urls,
		    "%s: %d requests", w->name, w->tls12 ? s12.nreq : s.nreq);
	}
	if (w->tls12) {
		cr_expect(s.ch13 == 1 && s.ch12 == 1, "%s: %d ClientHellos "
		    "with TLS 1.3, %d without, want one each", w->name, s.ch13,
		    s.ch12);
	}
}

ParameterizedTest(size_t *i, tls13, scripted, .timeout = 60)
{
	run_row(&rows[*i]);
}

/*
 * Time (CONTRACT section 4): the handshake has T in all, each read
 * after it T of idle time.
 */
static void
stall(const struct srv13_conf *conf, const char *msg)
{
	struct srv13	s;
	char		url[256];

	memset(&s, 0, sizeof s);
	cr_assert_eq(srv13_start(&s, conf), 0);
	snprintf(url, sizeof url, "https://localhost:%u/", s.port);
	run_ufetch(&r, NULL, ARGS("-t", "0.5", "--cacert", ca(), url));
	srv13_stop(&s);
	expect_exit(9, msg);
	expect_secs(0.5);
	cr_expect_eq(s.alert, -1, "alert %d on a timeout", s.alert);
}

Test(tls13, silent_after_the_server_hello)
{
	static const struct srv13_conf	conf = { .mut = M_STALL };

	stall(&conf, "timed out during the TLS handshake");
}

Test(tls13, silent_mid_body)
{
	static const struct srv13_step	steps[] = {
		R_READ, R_SEND(OK200("100\r\n\r\n0123456789")), R_STALL
	};
	static const struct srv13_conf	conf = { .steps = steps };

	stall(&conf, "timed out reading the body");
	expect_out("0123456789");
}

/*
 * Records that carry nothing, sent without end (srv13's flood()): a
 * ChangeCipherSpec, which RFC 8446 5 says to drop however many come,
 * in the handshake; empty application-data records after it. One every
 * 50 ms, and back to back, so that ufetch always has the next record
 * to read and never waits: the deadline is checked before every record
 * all the same (uf_tls13_read()). The server floods for
 * SRV13_FLOOD_SECS at most, so a client that does not stop it is seen
 * to take that long rather than hang the test. opt[]: ufetch's limits.
 */
static void
flood_run(const struct srv13_conf *conf, const char *const *opt)
{
	struct srv13	s;
	const char	*argv[8];
	char		url[64];
	size_t		n = 0;

	memset(&s, 0, sizeof s);
	cr_assert_eq(srv13_start(&s, conf), 0);
	snprintf(url, sizeof url, "https://localhost:%u/", s.port);
	for (; *opt != NULL; opt++) {
		argv[n++] = *opt;
	}
	argv[n++] = "--cacert";
	argv[n++] = ca();
	argv[n++] = url;
	argv[n] = NULL;
	run_ufetch(&r, NULL, argv);
	srv13_stop(&s);
	cr_expect_eq(s.alert, -1, "alert %d on a timeout", s.alert);
}

/* The handshake has one deadline of T (man/ufetch.1 TIMEOUTS). */
Test(tls13, change_cipher_specs_every_50ms_meet_the_handshake_deadline)
{
	static const struct srv13_conf	conf = { .mut = M_CCS_FLOOD };

	flood_run(&conf, ARGS("-t", "0.5"));
	expect_exit(9, "timed out during the TLS handshake");
	expect_secs(0.5);
}

Test(tls13, change_cipher_specs_back_to_back_meet_the_handshake_deadline)
{
	static const struct srv13_conf	conf = { .mut = M_CCS_BURST };

	flood_run(&conf, ARGS("-t", "0.5"));
	expect_exit(9, "timed out during the TLS handshake");
	expect_secs(0.5);
}

/*
 * After the handshake, -t is idle time that starts again whenever
 * bytes of a record arrive (man/ufetch.1 TIMEOUTS), empty records'
 * too: a second of them every 50 ms does not trip -t 0.5. What bounds
 * a body is -m.
 */
Test(tls13, empty_records_mid_body_restart_the_idle_time)
{
	static const struct srv13_step	steps[] = {
		R_READ, R_SEND(OK200("12\r\n\r\nbefore")), R_FLOOD(50, 1000),
		R_SEND(" after"), R_NOTIFY
	};
	static const struct srv13_conf	conf = { .steps = steps };

	flood_run(&conf, ARGS("-t", "0.5"));
	expect_exit(0, NULL);
	expect_out("before after");
	cr_expect_gt(r.secs, 1.0, "took %.3f s", r.secs);
}

/* Mid-body, empty records every so many ms (0: back to back) meet -m. */
static void
flood_mid_body(const struct srv13_step *steps)
{
	struct srv13_conf	conf = { .steps = steps };

	flood_run(&conf, ARGS("-t", T_SECS, "-m", "1"));
	expect_exit(9, "timed out reading the body (max time reached)");
	expect_secs(1.0);
	expect_out("0123456789");
}

Test(tls13, empty_records_every_50ms_meet_max_time_mid_body)
{
	static const struct srv13_step	steps[] = {
		R_READ, R_SEND(OK200("100\r\n\r\n0123456789")),
		R_FLOOD(50, 0), R_END
	};

	flood_mid_body(steps);
}

Test(tls13, empty_records_back_to_back_meet_max_time_mid_body)
{
	static const struct srv13_step	steps[] = {
		R_READ, R_SEND(OK200("100\r\n\r\n0123456789")),
		R_FLOOD(0, 0), R_END
	};

	flood_mid_body(steps);
}

/*
 * A ticket is kept per host name and port: one from localhost:P1 is not
 * offered to localhost:P2 (whose own ticket it would not be), and is
 * still there for P1 after it.
 */
Test(tls13, tickets_are_per_port)
{
	static const struct srv13_conf	conf = { .steps = st_nst_close };
	struct srv13			s1, s2;
	char				url1[64], url2[64];

	memset(&s1, 0, sizeof s1);
	memset(&s2, 0, sizeof s2);
	cr_assert_eq(srv13_start(&s1, &conf), 0);
	cr_assert_eq(srv13_start(&s2, &conf), 0);
	snprintf(url1, sizeof url1, "https://localhost:%u/", s1.port);
	snprintf(url2, sizeof url2, "https://localhost:%u/", s2.port);
	run_ufetch(&r, NULL, ARGS("-t", T_SECS, "--cacert", ca(), url1, url2,
	    url1));
	srv13_stop(&s1);
	srv13_stop(&s2);
	expect_exit(0, NULL);
	expect_out("hello\nhello\nhello\n");
	cr_expect(s1.nconn == 2 && s2.nconn == 1, "%d and %d connections",
	    s1.nconn, s2.nconn);
	cr_expect_eq(s2.psk[0].tk, 0, "the second port was offered a ticket "
	    "(%d)", s2.psk[0].tk);
	cr_expect(s1.psk[0].tk == 0 && s1.psk[1].tk == 1
	    && s1.psk[1].resumed, "the first port: tickets %d then %d, %s",
	    s1.psk[0].tk, s1.psk[1].tk, s1.psk[1].resumed ? "resumed"
	    : "not resumed");
}

/*
 * A ticket is used for at most 7 days (RFC 8446 4.6.1), whatever its
 * lifetime says. ufetch's clock (CLOCK_MONOTONIC, whence uf_now()) is
 * libfaketime's, read from a file on every call, so only a binary that
 * takes LD_PRELOAD (the dynamic one) can be tested: the server sends a
 * ticket of 8 days' lifetime; ufetch reads its URLs from a FIFO, and
 * only once the first URL is over (the ticket taken in: it came before
 * the body) is the clock moved on and the second URL written, whose new
 * connection (Connection: close) may offer the ticket or not. Moving
 * the clock from the server, right after the ticket, raced with ufetch
 * taking the ticket in (age 0). -t 0: no deadline is crossed.
 */

/* Where Debian's faketime package puts the library (as test_small.c). */
#define FAKETIME_LIB	"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
#define DAY_MS		(24L * 3600 * 1000)

static char		ft_file[64], ft_fifo[64], ft_url[64];
static const char	*ft_jump;
static volatile int	ft_served;	/* the first URL's answer went */

/* ft_file holds spec (a FAKETIME offset), replaced whole. */
static void
ft_set(const char *spec)
{
	char	tmp[80];
	FILE	*fp;

	snprintf(tmp, sizeof tmp, "%s.new", ft_file);
	fp = fopen(tmp, "w");
	if (fp == NULL || fprintf(fp, "%s\n", spec) < 0 || fclose(fp) != 0
	    || rename(tmp, ft_file) != 0) {
		abort();
	}
}

static void
ft_hook(void)
{
	ft_served = 1;
}

/* The URL list: the URL; once it is over, the jump, the URL again. */
static void *
ft_writer(void *arg)
{
	char	line[80];
	int	fd, i, n;

	(void)arg;
	fd = open(ft_fifo, O_WRONLY);
	if (fd < 0) {
		return NULL;
	}
	n = snprintf(line, sizeof line, "%s\n", ft_url);
	if (write(fd, line, (size_t)n) != n) {
		close(fd);
		return NULL;
	}
	for (i = 0; i < 1000 && !ft_served; i++) {
		usleep(10000);
	}
	/* The rest of the answer, then close_notify: read by then. */
	usleep((useconds_t)(300000 + slack() * 1000000));
	ft_set(ft_jump);
	if (write(fd, line, (size_t)n) != n) {
		abort();
	}
	close(fd);
	return NULL;
}

/* Two URLs; after sending the first one's ticket, the clock goes on by
   jump. */
static void
aged_ticket(struct srv13 *s, const char *jump)
{
	static const struct srv13_step	steps[] = {
		R_READ, R_NST_LIFE(100, 8 * 86400), R_HOOK, R_SEND(HELLO_CLOSE),
		R_NOTIFY, R_END
	};
	static const struct srv13_conf	conf = {
		.steps = steps, .hook = ft_hook
	};
	char				list[80], env[128];
	pthread_t			th;
	int				fd;

	in_tmpdir();
	snprintf(ft_file, sizeof ft_file, "/tmp/ufetch-ft-XXXXXX");
	fd = mkstemp(ft_file);
	cr_assert_geq(fd, 0);
	close(fd);
	ft_set("+0");
	ft_jump = jump;
	ft_served = 0;
	snprintf(ft_fifo, sizeof ft_fifo, "urls");
	unlink(ft_fifo);
	cr_assert_eq(mkfifo(ft_fifo, 0600), 0);
	memset(s, 0, sizeof *s);
	cr_assert_eq(srv13_start(s, &conf), 0);
	snprintf(ft_url, sizeof ft_url, "https://localhost:%u/", s->port);
	snprintf(list, sizeof list, "@%s", ft_fifo);
	cr_assert_eq(pthread_create(&th, NULL, ft_writer, NULL), 0);
	snprintf(env, sizeof env, "FAKETIME_TIMESTAMP_FILE=%s", ft_file);
	/* ASan (make check SANITIZE=1) wants to be loaded first. */
	run_ufetch_env(&r, NULL, ARGS("LD_PRELOAD=" FAKETIME_LIB, env,
	    "FAKETIME_NO_CACHE=1", "ASAN_OPTIONS=verify_asan_link_order=0"),
	    ARGS("-t", "0", "--cacert", ca(), list));
	pthread_join(th, NULL);
	srv13_stop(s);
	unlink(ft_file);
	expect_exit(0, NULL);
	expect_out("hello\nhello\n");
	cr_expect_eq(s->nconn, 2, "%s: %d connections", jump, s->nconn);
}

Test(tls13, a_ticket_is_not_used_after_7_days, .timeout = 60)
{
	struct srv13	s;

	if (access(FAKETIME_LIB, R_OK) != 0) {
		cr_skip_test("no %s (Debian package faketime)", FAKETIME_LIB);
	}
	/*
	 * 6 days on: offered, with the faked clock's age (a binary that
	 * does not take LD_PRELOAD says a few ms).
	 */
	aged_ticket(&s, "+144h");
	if (s.psk[1].tk == 1 && s.psk[1].age < DAY_MS) {
		cr_skip_test("the binary does not take LD_PRELOAD (static?)");
	}
	cr_expect(s.psk[1].tk == 1 && s.psk[1].age >= 6 * DAY_MS,
	    "6 days on: ticket %d, age %ld ms", s.psk[1].tk, s.psk[1].age);
	/* 7.5 days on: past the 7 days, within the lifetime of 8. */
	aged_ticket(&s, "+180h");
	cr_expect_eq(s.psk[1].tk, 0, "7.5 days on: ticket %d offered, age %ld "
	    "ms", s.psk[1].tk, s.psk[1].age);
}

/*
 * Request bodies (-d) over TLS 1.3, as tests/test_body.c and
 * test_redirect.c check them over plain HTTP: byte-exact, however
 * many records they take.
 */

/* body[0..len) of bytes with NULs, CRs and LFs, also as ./body. */
static void
body_file(char *body, size_t len)
{
	FILE	*fp;
	size_t	i;

	for (i = 0; i < len; i++) {
		body[i] = (char)(i * 13 + (i >> 9));
	}
	in_tmpdir();
	fp = fopen("body", "wb");
	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(body, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
}

/* Run ufetch with args and url appended, against srv13 playing conf. */
static void
run13(struct srv13 *s, const struct srv13_conf *conf,
    const char *const *args)
{
	const char	*argv[16];
	char		url[64];
	size_t		n = 0;

	memset(s, 0, sizeof *s);
	cr_assert_eq(srv13_start(s, conf), 0);
	snprintf(url, sizeof url, "https://localhost:%u/", s->port);
	argv[n++] = "-t";
	argv[n++] = T_SECS;
	argv[n++] = "--cacert";
	argv[n++] = ca();
	for (; *args != NULL && n < 14; args++) {
		argv[n++] = *args;
	}
	argv[n++] = url;
	argv[n] = NULL;
	run_ufetch(&r, NULL, argv);
	srv13_stop(s);
}

/* 300 KB: nineteen records of at most 2^14 bytes. */
#define BODY_LEN	300000

Test(tls13, a_file_body_arrives_byte_exact)
{
	static const struct srv13_conf	conf = { .steps = NULL };
	static char			body[BODY_LEN];
	struct srv13			s;

	body_file(body, sizeof body);
	run13(&s, &conf, ARGS("-d", "@body"));
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect(strncmp(s.req, "POST / HTTP/1.1\r\n", 17) == 0, "%s",
	    s.req);
	cr_expect_not_null(strstr(s.req, "\r\nContent-Length: 300000\r\n"),
	    "%s", s.req);
	cr_expect_eq(s.body_len, sizeof body);
	cr_expect_eq(s.body_hash, srv_hash(body, sizeof body));
}

Test(tls13, a_data_body_arrives_byte_exact)
{
	static const struct srv13_conf	conf = { .steps = NULL };
	static char			data[20000];
	struct srv13			s;
	size_t				i;

	/* More than a record, in an argument: no NULs. */
	for (i = 0; i < sizeof data - 1; i++) {
		data[i] = (char)('a' + i * 7 % 26);
	}
	run13(&s, &conf, ARGS("-d", data));
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect_not_null(strstr(s.req, "\r\nContent-Length: 19999\r\n"),
	    "%s", s.req);
	cr_expect_eq(s.body_len, sizeof data - 1);
	cr_expect_eq(s.body_hash, srv_hash(data, sizeof data - 1));
}

/*
 * man/ufetch.1: a 307 sends the same method and body again. ufetch
 * asks for one URL with Connection: close, so the redirect is a second
 * connection; the server plays the 307 on the first and gives it a
 * ticket, and on the second, which resumes with it, the 200.
 */
Test(tls13, a_file_body_is_resent_whole_after_307)
{
	static const struct srv13_step	steps[] = {
		R_READ, R_NST(100, 0),
		R_SEND("HTTP/1.1 307 Temporary Redirect\r\nLocation: /r1\r\n"
		    "Content-Length: 0\r\n\r\n"),
		R_NOTIFY, R_END
	};
	static const struct srv13_step	resumed[] = {
		R_READ, R_SEND(OK200("6\r\n\r\nhello\n")), R_NOTIFY, R_END
	};
	static const struct srv13_conf	conf = {
		.steps = steps, .psk_steps = resumed
	};
	static char			body[BODY_LEN];
	struct srv13			s;

	body_file(body, sizeof body);
	run13(&s, &conf, ARGS("-X", "PUT", "-d", "@body"));
	expect_exit(0, NULL);
	expect_out("hello\n");
	cr_expect(s.nconn == 2 && s.psk[1].resumed, "%d connections, the "
	    "second %s", s.nconn, s.psk[1].resumed ? "resumed" : "not resumed");
	cr_expect_eq(s.nreq, 2);
	cr_expect(strncmp(s.first_req, "PUT / HTTP/1.1\r\n", 16) == 0, "%s",
	    s.first_req);
	cr_expect(strncmp(s.req, "PUT /r1 HTTP/1.1\r\n", 18) == 0, "%s",
	    s.req);
	cr_expect_not_null(strstr(s.req, "\r\nContent-Length: 300000\r\n"),
	    "%s", s.req);
	cr_expect_eq(s.body_len, sizeof body);
	cr_expect_eq(s.body_hash, srv_hash(body, sizeof body));
	cr_expect_eq(s.body_total, 2 * sizeof body);
}

/*
 * Interop: openssl s_server -tls1_3 on 127.0.0.1 with the test PKI
 * (its DER keys converted to PEM into a directory of our own), serving
 * files from that directory with -WWW.
 */

#define BIG_LEN		(3u << 20)

struct ossl {
	pid_t		pid;
	int		in;		/* its stdin; -1: /dev/null */
	int		out;		/* its stdout */
	char		seen[1 << 16];	/* what it printed so far */
	size_t		seen_len;
	unsigned short	port;
};

static struct ossl	ossl = { .pid = -1, .in = -1, .out = -1 };
static char		tmpdir[64];

/* Is there an openssl in PATH? */
static int
have_openssl(void)
{
	const char	*path = getenv("PATH");
	char		dir[4096], file[4200];
	size_t		n;

	while (path != NULL && *path != '\0') {
		n = strcspn(path, ":");
		snprintf(dir, sizeof dir, "%.*s", (int)n, path);
		snprintf(file, sizeof file, "%s/openssl", n > 0 ? dir : ".");
		if (access(file, X_OK) == 0) {
			return 1;
		}
		path += n + (path[n] == ':');
	}
	return 0;
}

/* Run argv (argv[0] found in PATH) in dir; its exit status. */
static int
run_in(const char *dir, const char *const *argv)
{
	pid_t	pid = fork();
	int	st, null;

	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (chdir(dir) != 0) {
			_exit(126);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* tmpdir/name.key.pem from tests/pki/name.key.der. */
static void
pem_key(const char *name)
{
	char	der[4200], pem[128];

	snprintf(pem, sizeof pem, "%s.key.der", name);
	pki(der, sizeof der, pem);
	snprintf(pem, sizeof pem, "%s.key.pem", name);
	cr_assert_eq(run_in(tmpdir, ARGS("openssl", "pkey", "-inform", "DER",
	    "-in", der, "-out", pem)), 0, "openssl pkey cannot convert %s",
	    der);
}

static void
put_bytes(const char *name, size_t len)
{
	static unsigned char	buf[65536];
	char			path[128];
	size_t			i, j, k;
	int			fd;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	for (i = 0; i < len; i += k) {
		k = len - i < sizeof buf ? len - i : sizeof buf;
		for (j = 0; j < k; j++) {
			buf[j] = srv_pattern(i + j);
		}
		cr_assert_eq(write(fd, buf, k), (ssize_t)k);
	}
	close(fd);
}

/* Connections s_server takes before it ends. */
static const char	*ossl_naccept = "1";

/*
 * Skip without openssl; else make tmpdir with hello.txt ("hello\n"),
 * big.bin (BIG_LEN bytes of srv_pattern()) and the keys in PEM.
 */
static void
ossl_setup(void)
{
	char	hello[128];

	if (!have_openssl()) {
		cr_skip_test("openssl is not installed: the TLS 1.3 interop "
		    "tests need openssl s_server");
	}
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ufetch-ossl-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	put_bytes("big.bin", BIG_LEN);
	snprintf(hello, sizeof hello, "%s/hello.txt", tmpdir);
	put_file(hello, "hello\n");
	pem_key("leaf-ec");
	pem_key("leaf-rsa");
}

/* Stop the server, if any, and remove tmpdir: after every test. */
static void
ossl_teardown(void)
{
	char	path[4200];
	DIR	*d;
	struct dirent	*e;

	if (ossl.pid > 0) {
		kill(ossl.pid, SIGKILL);
		waitpid(ossl.pid, NULL, 0);
		ossl.pid = -1;
	}
	if (ossl.in >= 0) {
		close(ossl.in);
		ossl.in = -1;
	}
	if (ossl.out >= 0) {
		close(ossl.out);
		ossl.out = -1;
	}
	if (tmpdir[0] == '\0' || (d = opendir(tmpdir)) == NULL) {
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
			unlink(path);
		}
	}
	closedir(d);
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}

/*
 * Wait up to 10 s for s_server to print what (counted from its output's
 * offset from); returns where it is, or NULL.
 */
static const char *
ossl_wait(size_t from, const char *what)
{
	struct pollfd	pfd = { ossl.out, POLLIN, 0 };
	double		end = now_secs() + 10;
	const char	*at;
	ssize_t		n;

	for (;;) {
		ossl.seen[ossl.seen_len] = '\0';
		at = strstr(ossl.seen + from, what);
		if (at != NULL || now_secs() > end
		    || ossl.seen_len == sizeof ossl.seen - 1) {
			return at;
		}
		if (poll(&pfd, 1, 100) <= 0) {
			continue;
		}
		n = read(ossl.out, ossl.seen + ossl.seen_len,
		    sizeof ossl.seen - 1 - ossl.seen_len);
		if (n <= 0) {
			return NULL;
		}
		ossl.seen_len += (size_t)n;
	}
}

/*
 * Start s_server -tls1_3 (all versions if tls12 is set) with leaf
 * (NAME.crt and NAME.key.pem; chain: int.crt after it), the options
 * opt (NULL-terminated), in tmpdir, serving files (www) or talking on
 * a pipe to its stdin; wait for its port.
 */
static void
ossl_start(const char *leaf, int chain, const char *const *opt, int www,
    int tls12)
{
	char		cert[4200], key[128], inter[4200], name[128];
	const char	*argv[40], *p;
	int		po[2], pi[2] = { -1, -1 };
	size_t		n = 0, i;

	snprintf(name, sizeof name, "%s.crt", leaf);
	pki(cert, sizeof cert, name);
	snprintf(key, sizeof key, "%s.key.pem", leaf);
	pki(inter, sizeof inter, "int.crt");
	argv[n++] = "openssl";
	argv[n++] = "s_server";
	argv[n++] = "-accept";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = "-naccept";
	argv[n++] = ossl_naccept;
	if (!tls12) {
		argv[n++] = "-tls1_3";
	}
	argv[n++] = "-cert";
	argv[n++] = cert;
	argv[n++] = "-key";
	argv[n++] = key;
	if (chain) {
		argv[n++] = "-cert_chain";
		argv[n++] = inter;
	}
	argv[n++] = www ? "-WWW" : "-msg";
	for (i = 0; opt != NULL && opt[i] != NULL; i++) {
		argv[n++] = opt[i];
	}
	argv[n] = NULL;
	cr_assert_eq(pipe2(po, O_CLOEXEC), 0);
	cr_assert(www || pipe2(pi, O_CLOEXEC) == 0);
	ossl.seen_len = 0;
	ossl.pid = fork();
	if (ossl.pid == 0) {
		/* Never outlive the test, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(www ? open("/dev/null", O_RDONLY) : pi[0], 0);
		dup2(po[1], 1);
		dup2(po[1], 2);
		if (chdir(tmpdir) != 0) {
			_exit(126);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	cr_assert_gt(ossl.pid, 0);
	close(po[1]);
	ossl.out = po[0];
	if (!www) {
		close(pi[0]);
		ossl.in = pi[1];
	}
	p = ossl_wait(0, "ACCEPT 127.0.0.1:");
	cr_assert_not_null(p, "openssl s_server did not start: %s",
	    ossl.seen);
	ossl.port = (unsigned short)strtoul(p + strlen("ACCEPT 127.0.0.1:"),
	    NULL, 10);
	cr_assert_gt(ossl.port, 0);
}

/* Does tmpdir/out.bin hold exactly BIG_LEN bytes of srv_pattern()? */
static int
big_ok(void)
{
	static unsigned char	buf[65536];
	char			path[128];
	size_t			at = 0, i;
	ssize_t			n;
	int			fd, ok = 1;

	snprintf(path, sizeof path, "%s/out.bin", tmpdir);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		return 0;
	}
	while (ok && (n = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < (size_t)n; i++) {
			ok &= buf[i] == srv_pattern(at + i);
		}
		at += (size_t)n;
	}
	close(fd);
	return ok && at == BIG_LEN;
}

struct orow {
	const char	*name;
	const char	*leaf;		/* tests/pki NAME.crt, NAME.key.der */
	int		chain;		/* int.crt after it */
	const char	*opt[4];	/* s_server options */
	int		big;		/* big.bin, checked byte by byte */
	int		code;
	const char	*msg;		/* in stderr (ufetch -v) */
	const char	*cacert;	/* tests/pki; NULL: ca.pem */
};

#define SUITE(s)	{ "-ciphersuites", (s) }
#define GROUP(g)	{ "-groups", (g) }
#define SIGALG(s)	{ "-sigalgs", (s) }
#define NOTE(s, g)	"* TLS 1.3, " s ", key share " g "\n"
#define AES128		"TLS_AES_128_GCM_SHA256"
#define HRR		" (after a HelloRetryRequest)"

static const struct orow	orows[] = {
	{ "TLS_AES_128_GCM_SHA256", "leaf-ec", 1, SUITE(AES128), 0, 0,
	  NOTE(AES128, "x25519"), NULL },
	{ "TLS_AES_256_GCM_SHA384", "leaf-ec", 1,
	  SUITE("TLS_AES_256_GCM_SHA384"), 1, 0,
	  NOTE("TLS_AES_256_GCM_SHA384", "x25519"), NULL },
	{ "TLS_CHACHA20_POLY1305_SHA256", "leaf-ec", 1,
	  SUITE("TLS_CHACHA20_POLY1305_SHA256"), 1, 0,
	  NOTE("TLS_CHACHA20_POLY1305_SHA256", "x25519"), NULL },
	{ "X25519", "leaf-ec", 1, GROUP("X25519"), 0, 0,
	  NOTE(AES128, "x25519"), NULL },
	{ "P-256, after a HelloRetryRequest", "leaf-ec", 1, GROUP("P-256"),
	  0, 0, NOTE(AES128, "P-256" HRR), NULL },
	{ "P-384, after a HelloRetryRequest", "leaf-ec", 1, GROUP("P-384"),
	  0, 0, NOTE(AES128, "P-384" HRR), NULL },
	{ "ecdsa_secp256r1_sha256", "leaf-ec", 1,
	  SIGALG("ecdsa_secp256r1_sha256"), 0, 0, NOTE(AES128, "x25519"),
	  NULL },
	{ "ecdsa_secp384r1_sha384", "leaf-p384", 1,
	  SIGALG("ecdsa_secp384r1_sha384"), 0, 0, NOTE(AES128, "x25519"),
	  NULL },
	/* Under a root of its own (see make-pki.sh). */
	{ "ecdsa_secp521r1_sha512", "leaf-p521", 0,
	  SIGALG("ecdsa_secp521r1_sha512"), 0, 0, NOTE(AES128, "x25519"),
	  "p521-ca.crt" },
	{ "rsa_pss_rsae_sha256", "leaf-rsa", 1,
	  SIGALG("rsa_pss_rsae_sha256"), 0, 0, NOTE(AES128, "x25519"), NULL },
	{ "rsa_pss_rsae_sha384", "leaf-rsa", 1,
	  SIGALG("rsa_pss_rsae_sha384"), 0, 0, NOTE(AES128, "x25519"), NULL },
	{ "rsa_pss_rsae_sha512", "leaf-rsa", 1,
	  SIGALG("rsa_pss_rsae_sha512"), 0, 0, NOTE(AES128, "x25519"), NULL },
	{ "records of 512 bytes", "leaf-ec", 1, { "-max_send_frag", "512" },
	  1, 0, NOTE(AES128, "x25519"), NULL },
	{ "3 MiB byte-exact", "leaf-rsa", 1, { NULL }, 1, 0,
	  NOTE(AES128, "x25519"), NULL },
	{ "an expired certificate", "expired", 1, { NULL }, 0, CERT_ERR,
	  "server certificate 'localhost' has expired (notAfter 2021-01-01, "
	  "clock ", NULL },
	{ "a certificate for another name", "wrongname", 1, { NULL }, 0,
	  CERT_ERR, "certificate is not valid for localhost (it names "
	  "wrong.example)", NULL },
	{ "a self-signed certificate", "selfsigned", 0, { NULL }, 0,
	  CERT_ERR, "self-signed certificate 'localhost' is not trusted",
	  NULL },
};

#define NOROWS	(sizeof orows / sizeof orows[0])

ParameterizedTestParameters(tls13_interop, openssl)
{
	static size_t	idx[NOROWS];
	size_t		i;

	for (i = 0; i < NOROWS; i++) {
		idx[i] = i;
	}
	return cr_make_param_array(size_t, idx, NOROWS);
}

/* Run one row against s_server -WWW. */
static void
run_orow(const struct orow *w)
{
	char		url[256], name[128], file[4200], out[128];
	char		trust[4200];
	struct stat	st;

	/* Skipped before there is anything to clean up. */
	snprintf(name, sizeof name, "%s.key.der", w->leaf);
	if (stat(pki(file, sizeof file, name), &st) != 0) {
		cr_skip_test("%s: tests/pki/%s.* is not there yet", w->name,
		    w->leaf);
	}
	ossl_setup();
	if (strcmp(w->leaf, "leaf-ec") != 0
	    && strcmp(w->leaf, "leaf-rsa") != 0) {
		pem_key(w->leaf);
	}
	ossl_start(w->leaf, w->chain, w->opt, 1, 0);
	snprintf(url, sizeof url, "https://localhost:%u/%s", ossl.port,
	    w->big ? "big.bin" : "hello.txt");
	snprintf(out, sizeof out, "%s/out.bin", tmpdir);
	snprintf(trust, sizeof trust, "%s", w->cacert != NULL
	    ? pki(file, sizeof file, w->cacert) : ca());
	run_ufetch(&r, NULL, w->big ? ARGS("-v", "-t", T_SECS, "--cacert",
	    trust, "-o", out, url) : ARGS("-v", "-t", T_SECS, "--cacert",
	    trust, url));
	cr_expect_eq(r.code, w->code, "%s: exit %d (signal %d), want %d; "
	    "stderr: %s", w->name, r.code, r.sig, w->code, r.err);
	cr_expect(strstr(r.err, w->msg) != NULL, "%s: stderr \"%s\" lacks "
	    "\"%s\"", w->name, r.err, w->msg);
	if (w->code != 0) {
		cr_expect_eq(r.out_len, 0, "%s: %zu bytes out", w->name,
		    r.out_len);
	} else if (w->big) {
		cr_expect(big_ok(), "%s: %s is not big.bin", w->name, out);
	} else {
		cr_expect(r.out_len == 6 && memcmp(r.out, "hello\n", 6) == 0,
		    "%s: stdout \"%.*s\"", w->name, (int)r.out_len, r.out);
	}
}

ParameterizedTest(size_t *i, tls13_interop, openssl, .timeout = 60,
    .fini = ossl_teardown)
{
	run_orow(&orows[*i]);
}

/*
 * Resumption: s_server -WWW answers HTTP/1.0 and closes, so each URL of
 * a run is a new connection; the first's ticket lets the second (and
 * its ticket the third) resume, with each of the suites' hashes and
 * through a HelloRetryRequest (whose binder covers the new transcript).
 */
Test(tls13_interop, sessions_resume_with_tickets, .timeout = 60,
    .fini = ossl_teardown)
{
	static const char *const	opts[][2] = {
		{ NULL, NULL },
		{ "-ciphersuites", "TLS_AES_256_GCM_SHA384" },
		{ "-groups", "P-256" },
	};
	const char	*opt[4] = { NULL };
	char		url[256];
	size_t		i;

	for (i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		ossl_setup();
		opt[0] = opts[i][0];
		opt[1] = opts[i][1];
		ossl_naccept = "3";
		ossl_start("leaf-ec", 1, opt, 1, 0);
		ossl_naccept = "1";
		snprintf(url, sizeof url, "https://localhost:%u/hello.txt",
		    ossl.port);
		run_ufetch(&r, NULL, ARGS("-v", "-t", T_SECS, "--cacert",
		    ca(), url, url, url));
		cr_expect_eq(r.code, 0, "exit %d: %s", r.code, r.err);
		expect_out("hello\nhello\nhello\n");
		cr_expect_eq(count_lines(r.err, "* TLS 1.3, "), 3, "%s",
		    r.err);
		/* The first a full handshake, then each with a ticket. */
		cr_expect_eq(count_lines(r.err, "session resumed"), 2,
		    "%s: stderr %s", opt[1] != NULL ? opt[1] : "default",
		    r.err);
		cr_expect(strstr(r.err, "indexed") != NULL
		    && strstr(strstr(r.err, "indexed") + 1, "indexed")
		    == NULL, "only the first checks a certificate: %s", r.err);
		ossl_teardown();
	}
}

/*
 * KeyUpdate: s_server (commands on its stdin, -msg on its stdout) asks
 * for one before the first response; ufetch must answer with its own
 * KeyUpdate, and its second request (keep-alive) must decrypt under
 * its new keys.
 */
Test(tls13_interop, key_update_requested, .timeout = 60,
    .fini = ossl_teardown)
{
	static const char	resp1[] = OK200("4\r\n\r\none\n");
	static const char	resp2[] = OK200("4\r\n\r\ntwo\n");
	const char		*get1, *ku, *get2;
	char			url[256];
	int			po[2], st;
	pid_t			pid;

	ossl_setup();
	ossl_start("leaf-ec", 1, NULL, 0, 0);
	snprintf(url, sizeof url, "https://localhost:%u/", ossl.port);
	cr_assert_eq(pipe2(po, O_CLOEXEC), 0);
	pid = spawn_ufetch(po[1], -1, ARGS("-t", T_SECS, "--cacert", ca(),
	    url, url));
	close(po[1]);
	get1 = ossl_wait(0, "GET / HTTP/1.1");
	cr_assert_not_null(get1, "no request: %s", ossl.seen);
	cr_assert_eq(write(ossl.in, "K\n", 2), 2);
	/* Its KeyUpdate went out: only then the response (stdin reads). */
	cr_assert_not_null(ossl_wait(0, ">>> TLS 1.3, Handshake [length "
	    "0005], KeyUpdate"), "s_server sent no KeyUpdate: %s", ossl.seen);
	cr_assert_eq(write(ossl.in, resp1, sizeof resp1 - 1),
	    (ssize_t)sizeof resp1 - 1);
	ku = ossl_wait(0, "<<< TLS 1.3, Handshake [length 0005], KeyUpdate");
	get2 = ossl_wait((size_t)(get1 - ossl.seen) + 1, "GET / HTTP/1.1");
	cr_expect_not_null(ku, "ufetch sent no KeyUpdate: %s", ossl.seen);
	cr_expect(get2 != NULL && ku != NULL && ku < get2, "no second "
	    "request after ufetch's KeyUpdate: %s", ossl.seen);
	if (get2 != NULL) {
		cr_assert_eq(write(ossl.in, resp2, sizeof resp2 - 1),
		    (ssize_t)sizeof resp2 - 1);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ufetch: status "
	    "%#x", st);
	r.out_len = (size_t)read(po[0], r.out, sizeof r.out);
	close(po[0]);
	cr_expect(r.out_len == 8 && memcmp(r.out, "one\ntwo\n", 8) == 0,
	    "stdout \"%.*s\"", (int)r.out_len, r.out);
}

/*
 * The downgrade sentinel on the fallback connection: the first
 * connection gets a TLS 1.2 ServerHello (srv13, as an attacker would
 * send), the second is relayed to s_server, which speaks TLS 1.3 and
 * so puts the sentinel into its TLS 1.2 ServerHello's random.
 */
Test(tls13_interop, sentinel_on_the_fallback_connection, .timeout = 60,
    .fini = ossl_teardown)
{
	static const struct srv13_conf	conf = { .mut = M_TLS12 };
	struct srv13			s;
	char				url[256];

	ossl_setup();
	ossl_start("leaf-ec", 1, NULL, 1, 1);
	memset(&s, 0, sizeof s);
	s.relay_port = ossl.port;
	cr_assert_eq(srv13_start(&s, &conf), 0);
	snprintf(url, sizeof url, "https://localhost:%u/hello.txt", s.port);
	run_ufetch(&r, NULL, ARGS("-t", T_SECS, "--cacert", ca(), url));
	srv13_stop(&s);
	expect_exit(6, "TLS downgrade detected: localhost answered with TLS "
	    "1.2 and the sign of a TLS 1.3 server (RFC 8446 sentinel)");
	expect_out("");
	cr_expect_eq(s.nconn, 2, "%d connections", s.nconn);
	cr_expect(s.ch13 == 1 && s.ch12 == 1, "ClientHellos: %d with TLS 1.3, "
	    "%d without", s.ch13, s.ch12);
}

/*
 * ... and it comes first: the relayed server's certificate is not
 * trusted (no --cacert), which the downgrade explains (an attacker in
 * between has no trusted certificate): 6 and the sentinel, not 5.
 */
Test(tls13_interop, sentinel_before_the_certificate_on_the_fallback,
    .timeout = 60, .fini = ossl_teardown)
{
	static const struct srv13_conf	conf = { .mut = M_TLS12 };
	struct srv13			s;
	char				url[256], other[4200];

	ossl_setup();
	ossl_start("leaf-ec", 1, NULL, 1, 1);
	memset(&s, 0, sizeof s);
	s.relay_port = ossl.port;
	cr_assert_eq(srv13_start(&s, &conf), 0);
	snprintf(url, sizeof url, "https://localhost:%u/hello.txt", s.port);
	/* Another CA's anchor: the chain alone would be exit 5. */
	run_ufetch(&r, NULL, ARGS("-t", T_SECS, "--cacert", pki(other,
	    sizeof other, "nc-ca.crt"), url));
	srv13_stop(&s);
	expect_exit(6, "TLS downgrade detected: localhost answered with TLS "
	    "1.2 and the sign of a TLS 1.3 server (RFC 8446 sentinel)");
	cr_expect_eq(s.nconn, 2, "%d connections", s.nconn);
}
