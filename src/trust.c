/*
 * trust.c: trust anchor stores, indexed once and decoded lazily (see
 * trust.h).
 *
 * We do not use br_pem_decoder: its constant-time base64 is slow on a
 * 150-certificate bundle, and in BearSSL 0.6 it loses every
 * certificate of a CRLF file and the last one of a file without a
 * final newline (notes/bearssl.md 2.1). CA certificates are public, so
 * a table-driven decoder is fine.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "der.h"
#include "fmt.h"
#include "trust.h"

struct uf_ta_entry {
	uint32_t	hash;	/* FNV-1a of the subject Name TLV */
	uint32_t	off;	/* first byte of the base64 body */
	uint32_t	len;	/* bytes up to the END line */
	uint32_t	pad;
};

/* CONTRACT section 7, in order; the directory comes last. */
static const char *const default_files[] = {
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/ssl/cert.pem",
};
static const char	default_dir[] = "/etc/ssl/certs";

/* Files tried per hash in a hashed directory (NAME.0, NAME.1, ...). */
#define DIR_SLOTS	16
/* Largest file read from a hashed directory (one PEM certificate). */
#define DIR_FILE_MAX	12288

static const char	*nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* see trust.h */
enum uf_err
uf_trust_init(struct uf_trust *t, const char *cacert, const char *capath)
{
	struct stat	st;

	memset(t, 0, sizeof *t);
	if (cacert != NULL && access(cacert, R_OK) != 0) {
		return uf_fail(UF_E_USAGE, "cannot read --cacert %s: %s",
		    cacert, strerror(errno));
	}
	if (capath != NULL && (stat(capath, &st) != 0
	    || !S_ISDIR(st.st_mode))) {
		return uf_fail(UF_E_USAGE, "--capath %s is not a directory",
		    capath);
	}
	t->file = cacert != NULL ? cacert : nonempty(getenv("SSL_CERT_FILE"));
	t->dir = capath != NULL ? capath : nonempty(getenv("SSL_CERT_DIR"));
	t->resolved = t->file != NULL || t->dir != NULL;
	return UF_OK;
}

static void
resolve_defaults(struct uf_trust *t)
{
	struct stat	st;
	size_t		i;

	t->resolved = 1;
	for (i = 0; i < sizeof default_files / sizeof default_files[0]; i++) {
		if (access(default_files[i], R_OK) == 0) {
			t->file = default_files[i];
			return;
		}
	}
	if (stat(default_dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		t->dir = default_dir;
	}
}

/*
 * base64
 */

/* 0..63 for a digit, 64 for '=', 65 to skip, 66 for anything else. */
static unsigned char	b64tab[256];

static void
b64_init(void)
{
	static const char	digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned		i;

	memset(b64tab, 66, sizeof b64tab);
	for (i = 0; i < 64; i++) {
		b64tab[(unsigned char)digits[i]] = (unsigned char)i;
	}
	b64tab['='] = 64;
	b64tab[' '] = b64tab['\t'] = b64tab['\r'] = b64tab['\n'] = 65;
}

/* see trust.h */
long
uf_trust_base64(const char *in, size_t len, unsigned char *out)
{
	const unsigned char	*p = (const unsigned char *)in;
	uint32_t		acc = 0;
	unsigned		n = 0, pad = 0, v;
	size_t			i, o = 0;

	if (b64tab[0] == 0) {
		b64_init();
	}
	/* In place is fine: the output never overtakes the input. */
	for (i = 0; i < len; i++) {
		v = b64tab[p[i]];
		if (v < 64 && pad == 0) {
			acc = (acc << 6) | v;
			if (++n == 4) {
				out[o++] = (unsigned char)(acc >> 16);
				out[o++] = (unsigned char)(acc >> 8);
				out[o++] = (unsigned char)acc;
				acc = 0;
				n = 0;
			}
		} else if (v == 64) {
			pad++;
		} else if (v != 65) {
			return -1;	/* a bad byte, or data after '=' */
		}
	}
	if (n == 1 || pad > 2) {
		return -1;
	}
	if (n == 2) {
		out[o++] = (unsigned char)(acc >> 4);
	} else if (n == 3) {
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	return (long)o;
}

/*
 * Indexing a bundle: the file goes through a window of WINDOW bytes;
 * markers are found with uf_find() and each certificate's body is
 * decoded in one tight loop. (A byte-at-a-time scanner took 1.4 ms for
 * Debian's 144 certificates, most of a small fetch's own time.)
 */

#define WINDOW	16384

static int
begin_line(const char *p, size_t len)
{
	while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' '
	    || p[len - 1] == '\t')) {
		len--;
	}
	return (len == 27 && memcmp(p, "-----BEGIN CERTIFICATE-----", 27) == 0)
	    || (len == 32 && memcmp(p, "-----BEGIN X509 CERTIFICATE-----",
	    32) == 0);
}

/* Index the certificate whose base64 body is body[0..len) at off. */
static int
add_entry(struct uf_trust *t, struct uf_arena *a, const char *body,
    size_t len, uint64_t off, unsigned char *der)
{
	struct uf_ta_entry	*e;
	struct uf_cert		c;
	long			n;

	if (len > UF_TA_DER_MAX * 4 / 3 + UF_TA_DER_MAX / 16
	    || off > UINT32_MAX
	    || (n = uf_trust_base64(body, len, der)) <= 0
	    || uf_der_cert(der, (size_t)n, &c) != 0) {
		t->nskipped++;
		return 0;
	}
	e = uf_arena_keep(a, sizeof *e);
	if (e == NULL) {
		return -1;
	}
	/* Kept blocks of one size are contiguous, each below the last. */
	e->hash = (uint32_t)uf_fnv1a(c.subject.p, c.subject.len);
	e->off = (uint32_t)off;
	e->len = (uint32_t)len;
	e->pad = 0;
	t->idx = e;
	t->nidx++;
	return 0;
}

enum {
	PEM_CERT,	/* a certificate body was found */
	PEM_MORE,	/* the rest needs more input */
	PEM_END,	/* no more certificates */
	PEM_CUT		/* the input ends inside a certificate */
};

/*
 * Find the next certificate in buf[*pos..len): on PEM_CERT its base64
 * body is buf[*body .. *body + *blen) and *pos is past its END marker;
 * on PEM_MORE *pos is where to resume once more bytes follow. With eof
 * the buffer ends the input. Bundles and directory files both go
 * through here, so they accept the same PEM.
 */
static int
pem_next(const char *buf, size_t len, int eof, size_t *pos, size_t *body,
    size_t *blen)
{
	const char	*p, *nl, *e, *end = buf + len;

	for (;;) {
		p = uf_find(buf + *pos, len - *pos, "-----BEGIN", 10);
		if (p == NULL) {
			/* Keep a tail that may hold half a marker. */
			if (eof) {
				*pos = len;
				return PEM_END;
			}
			if (len - *pos > 16) {
				*pos = len - 16;
			}
			return PEM_MORE;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL && !eof) {
			*pos = (size_t)(p - buf);
			return PEM_MORE;
		}
		if (nl == NULL || !begin_line(p, (size_t)(nl - p))) {
			*pos = (size_t)(p - buf) + 10;
			continue;
		}
		e = uf_find(nl + 1, (size_t)(end - (nl + 1)), "-----END", 8);
		if (e == NULL) {
			*pos = eof ? len : (size_t)(p - buf);
			return eof ? PEM_CUT : PEM_MORE;
		}
		*body = (size_t)(nl + 1 - buf);
		*blen = (size_t)(e - (nl + 1));
		*pos = (size_t)(e - buf) + 8;
		return PEM_CERT;
	}
}

/*
 * Index every complete certificate in buf[*pos..len) (file offset of
 * buf[0] is base) and move *pos past them. With eof, the buffer ends
 * the file. Returns -1 when the kept region is full.
 */
static int
scan(struct uf_trust *t, struct uf_arena *a, const char *buf, size_t len,
    int eof, uint64_t base, size_t *pos, unsigned char *der)
{
	size_t	body, blen;
	int	rc;

	while ((rc = pem_next(buf, len, eof, pos, &body, &blen)) == PEM_CERT) {
		if (add_entry(t, a, buf + body, blen, base + body, der) != 0) {
			return -1;
		}
	}
	if (rc == PEM_CUT) {
		t->nskipped++;
	}
	return 0;
}

static enum uf_err
build_index(struct uf_trust *t, struct uf_arena *a)
{
	char		buf[WINDOW];
	unsigned char	*der;
	size_t		mark = uf_arena_mark(a), len = 0, pos = 0;
	uint64_t	base = 0;
	ssize_t		n;
	int		fd, eof = 0;

	t->indexed = -1;
	fd = open(t->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return uf_fail(UF_E_CERT, "cannot read CA file %s: %s",
		    t->file, strerror(errno));
	}
	der = uf_arena_alloc(a, UF_TA_DER_MAX);
	if (der == NULL) {
		/* This URL's arena is short; the next URL tries again. */
		close(fd);
		t->indexed = 0;
		return uf_fail(UF_E_PROTO, "no arena room to index CA file");
	}
	for (;;) {
		if (pos > 0) {
			memmove(buf, buf + pos, len - pos);
			base += pos;
			len -= pos;
			pos = 0;
		}
		while (!eof && len < sizeof buf) {
			n = read(fd, buf + len, sizeof buf - len);
			if (n < 0 && errno == EINTR) {
				continue;
			}
			if (n < 0) {
				close(fd);
				uf_arena_reset(a, mark);
				return uf_fail(UF_E_CERT, "cannot read CA file "
				    "%s: %s", t->file, strerror(errno));
			}
			if (n == 0) {
				eof = 1;
			}
			len += (size_t)n;
		}
		if (scan(t, a, buf, len, eof, base, &pos, der) != 0) {
			close(fd);
			uf_arena_reset(a, mark);
			return uf_fail(UF_E_CERT, "CA file %s: more "
			    "certificates than the arena can index (%zu)",
			    t->file, t->nidx);
		}
		if (eof && pos >= len) {
			break;
		}
		if (pos == 0 && len == sizeof buf) {
			/* One block longer than the window: not a CA. */
			t->nskipped++;
			pos = 10;
		}
	}
	close(fd);
	uf_arena_reset(a, mark);
	t->indexed = 1;
	uf_note("indexed %zu CA certificates in %s (%u skipped)", t->nidx,
	    t->file, t->nskipped);
	return UF_OK;
}

/*
 * Turning a certificate into an anchor.
 */

struct sink {
	br_x509_trust_anchor	*tas;
	size_t			*n, max;
	unsigned char		*buf;
	size_t			len, cap;
	int			full;	/* the arena ran out */
};

static unsigned char *
sink_copy(struct sink *k, const void *p, size_t len)
{
	unsigned char	*d;

	if (len > k->cap - k->len) {
		return NULL;
	}
	d = k->buf + k->len;
	memcpy(d, p, len);
	k->len += len;
	return d;
}

static int
same_bytes(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/*
 * Is this name and key already an anchor? The same CA often sits in a
 * bundle and a directory, or twice in one bundle.
 */
static int
known_key(const struct sink *k, const unsigned char *dn, size_t dnlen,
    const br_x509_pkey *pk)
{
	const br_x509_trust_anchor	*ta;
	size_t				i;

	for (i = 0; i < *k->n; i++) {
		ta = &k->tas[i];
		if (!same_bytes(ta->dn.data, ta->dn.len, dn, dnlen)
		    || ta->pkey.key_type != pk->key_type) {
			continue;
		}
		if (pk->key_type == BR_KEYTYPE_RSA
		    ? same_bytes(ta->pkey.key.rsa.n, ta->pkey.key.rsa.nlen,
		    pk->key.rsa.n, pk->key.rsa.nlen)
		    : same_bytes(ta->pkey.key.ec.q, ta->pkey.key.ec.qlen,
		    pk->key.ec.q, pk->key.ec.qlen)) {
			return 1;
		}
	}
	return 0;
}

/*
 * If der[0..len) is a certificate whose subject is dn, add its key as
 * an anchor. Anything we cannot decode is skipped.
 */
static void
add_anchor(struct sink *k, const unsigned char *der, size_t len,
    const unsigned char *dn, size_t dnlen)
{
	br_x509_decoder_context	dc;
	const br_x509_pkey	*pk;
	br_x509_trust_anchor	*ta;
	struct uf_cert		c;
	size_t			save = k->len;

	if (*k->n >= k->max || uf_der_cert(der, len, &c) != 0
	    || c.subject.len != dnlen
	    || memcmp(c.subject.p, dn, dnlen) != 0) {
		return;
	}
	br_x509_decoder_init(&dc, NULL, NULL);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (pk == NULL || br_x509_decoder_last_error(&dc) != 0
	    || known_key(k, dn, dnlen, pk)) {
		return;
	}
	ta = &k->tas[*k->n];
	memset(ta, 0, sizeof *ta);
	/* Every certificate in a CA store is meant to be a CA. */
	ta->flags = BR_X509_TA_CA;
	ta->dn.data = sink_copy(k, dn, dnlen);
	ta->dn.len = dnlen;
	ta->pkey = *pk;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = sink_copy(k, pk->key.rsa.n,
		    pk->key.rsa.nlen);
		ta->pkey.key.rsa.e = sink_copy(k, pk->key.rsa.e,
		    pk->key.rsa.elen);
		if (ta->pkey.key.rsa.n == NULL || ta->pkey.key.rsa.e == NULL) {
			ta->dn.data = NULL;
		}
	} else {
		ta->pkey.key.ec.q = sink_copy(k, pk->key.ec.q,
		    pk->key.ec.qlen);
		if (ta->pkey.key.ec.q == NULL) {
			ta->dn.data = NULL;
		}
	}
	if (ta->dn.data == NULL) {
		k->len = save;
		return;
	}
	(*k->n)++;
}

/* Decode the base64 body at e of the bundle open as fd, and add it. */
static void
load_entry(int fd, struct uf_arena *a, const struct uf_ta_entry *e,
    struct sink *k, const unsigned char *dn, size_t dnlen)
{
	size_t		mark = uf_arena_mark(a);
	unsigned char	*buf;
	long		n;

	if (e->len > UF_TA_DER_MAX * 2) {
		return;
	}
	buf = uf_arena_alloc(a, e->len);
	if (buf == NULL) {
		k->full = 1;
		return;
	}
	if (pread(fd, buf, e->len, (off_t)e->off) == (ssize_t)e->len) {
		n = uf_trust_base64((const char *)buf, e->len, buf);
		if (n > 0) {
			add_anchor(k, buf, (size_t)n, dn, dnlen);
		}
	}
	uf_arena_reset(a, mark);
}

/* Add every certificate of a PEM text p[0..len) that matches dn. */
static void
load_pem_text(unsigned char *p, size_t len, struct sink *k,
    const unsigned char *dn, size_t dnlen)
{
	size_t	pos = 0, body, blen;
	long	n;

	while (pem_next((const char *)p, len, 1, &pos, &body, &blen)
	    == PEM_CERT) {
		/* Decoded in place: the body is not looked at again. */
		n = uf_trust_base64((const char *)p + body, blen, p + body);
		if (n > 0) {
			add_anchor(k, p + body, (size_t)n, dn, dnlen);
		}
	}
}

/* Look dn up in a hashed directory: HASH.0, HASH.1, ... */
static void
find_in_dir(struct uf_trust *t, struct uf_arena *a, struct sink *k,
    const unsigned char *dn, size_t dnlen)
{
	char		path[4096];
	unsigned char	*buf;
	size_t		mark = uf_arena_mark(a), len;
	uint32_t	h;
	ssize_t		n;
	int		fd, i;

	if (uf_trust_name_hash(dn, dnlen, &h) != 0) {
		return;
	}
	buf = uf_arena_alloc(a, DIR_FILE_MAX);
	if (buf == NULL) {
		k->full = 1;
		return;
	}
	for (i = 0; i < DIR_SLOTS; i++) {
		if ((size_t)uf_snprintf(path, sizeof path, "%s/%08x.%d", t->dir,
		    (unsigned)h, i) >= sizeof path) {
			break;
		}
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			break;
		}
		len = 0;
		while (len < DIR_FILE_MAX && (n = read(fd, buf + len,
		    DIR_FILE_MAX - len)) > 0) {
			len += (size_t)n;
		}
		close(fd);
		load_pem_text(buf, len, k, dn, dnlen);
	}
	uf_arena_reset(a, mark);
}

/* see trust.h */
enum uf_err
uf_trust_find(struct uf_trust *t, struct uf_arena *a, const unsigned char *dn,
    size_t len, br_x509_trust_anchor *tas, size_t *n, size_t max)
{
	struct sink	k;
	enum uf_err	err;
	uint32_t	h;
	size_t		i, room;
	int		fd = -1;

	if (!t->resolved) {
		resolve_defaults(t);
	}
	if (t->file == NULL && t->dir == NULL) {
		return uf_fail(UF_E_CERT, "no CA certificates found in the "
		    "usual places (such as %s); give some with --cacert FILE "
		    "or SSL_CERT_FILE", default_files[0]);
	}
	if (t->file != NULL && t->indexed == 0) {
		err = build_index(t, a);
		if (err != UF_OK) {
			uf_snprintf(t->why, sizeof t->why, "%s", uf_err_msg());
			if (t->dir == NULL) {
				return err;
			}
			/* The directory may still do; say why once. */
			uf_err_clear();
			uf_note("%s; using %s only", t->why, t->dir);
		}
	}
	if (t->file != NULL && t->indexed < 0 && t->dir == NULL) {
		return uf_fail(UF_E_CERT, "%s", t->why);
	}
	/*
	 * Anchor data goes below the scratch space that lookups use: room
	 * for four anchors with 4096-bit RSA keys under this name; more
	 * than that (several distinct keys for one CA name) are dropped,
	 * not an error.
	 */
	room = 4 * (len + 520 + 8);
	memset(&k, 0, sizeof k);
	k.tas = tas;
	k.n = n;
	k.max = max;
	k.buf = uf_arena_alloc(a, room);
	k.cap = k.buf != NULL ? room : 0;
	k.full = k.buf == NULL;
	if (t->file != NULL && t->indexed > 0) {
		h = (uint32_t)uf_fnv1a(dn, len);
		for (i = 0; i < t->nidx; i++) {
			if (t->idx[i].hash != h) {
				continue;
			}
			/* Opened on the first match, once per lookup. */
			if (fd < 0 && (fd = open(t->file, O_RDONLY
			    | O_CLOEXEC)) < 0) {
				break;
			}
			load_entry(fd, a, &t->idx[i], &k, dn, len);
		}
		if (fd >= 0) {
			close(fd);
		}
	}
	if (t->dir != NULL) {
		find_in_dir(t, a, &k, dn, len);
	}
	if (k.full) {
		return uf_fail(UF_E_PROTO, "out of arena memory while looking "
		    "up trust anchors");
	}
	return UF_OK;
}

/*
 * OpenSSL's subject-name hash.
 */

#define CANON_MAX	1024	/* canonical bytes of one RDN */

static int
c_isspace(unsigned c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static size_t
put_len(unsigned char *p, size_t len)
{
	if (len < 0x80) {
		p[0] = (unsigned char)len;
		return 1;
	}
	if (len < 0x100) {
		p[0] = 0x81;
		p[1] = (unsigned char)len;
		return 2;
	}
	p[0] = 0x82;
	p[1] = (unsigned char)(len >> 8);
	p[2] = (unsigned char)len;
	return 3;
}

static size_t
put_utf8(unsigned char *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (unsigned char)(0xc0 | (cp >> 6));
		p[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (unsigned char)(0xe0 | (cp >> 12));
		p[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (unsigned char)(0xf0 | (cp >> 18));
	p[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	p[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	p[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The canonical value of a string of type tag (OpenSSL's
 * asn1_string_canon): as UTF-8, without leading or trailing
 * whitespace, inner runs of whitespace as one space, ASCII lower-case.
 * Writes the UTF8String TLV to out (room cap). Returns its length, 0
 * when the type is not a string type, or (size_t)-1 on overflow.
 */
static size_t
canon_value(unsigned tag, struct uf_der v, unsigned char *out, size_t cap)
{
	unsigned char	u[CANON_MAX], *o;
	size_t		ulen = 0, i, w, s, e;
	uint32_t	cp;

	switch (tag) {
	case 0x0c:	/* UTF8String: already UTF-8 */
		if (v.len > sizeof u) {
			return (size_t)-1;
		}
		memcpy(u, v.p, v.len);
		ulen = v.len;
		break;
	case 0x1e:	/* BMPString: UCS-2 big-endian */
	case 0x1c:	/* UniversalString: UCS-4 big-endian */
		w = tag == 0x1e ? 2 : 4;
		if (v.len % w != 0) {
			return (size_t)-1;
		}
		for (i = 0; i < v.len; i += w) {
			cp = w == 2 ? (uint32_t)v.p[i] << 8 | v.p[i + 1]
			    : (uint32_t)v.p[i] << 24 | (uint32_t)v.p[i + 1]
			    << 16 | (uint32_t)v.p[i + 2] << 8 | v.p[i + 3];
			if (cp > 0x10ffff || ulen + 4 > sizeof u) {
				return (size_t)-1;
			}
			ulen += put_utf8(u + ulen, cp);
		}
		break;
	case 0x13:	/* PrintableString */
	case 0x14:	/* T61String, taken as Latin-1 as OpenSSL does */
	case 0x16:	/* IA5String */
	case 0x1a:	/* VisibleString */
		for (i = 0; i < v.len; i++) {
			if (ulen + 2 > sizeof u) {
				return (size_t)-1;
			}
			ulen += put_utf8(u + ulen, v.p[i]);
		}
		break;
	default:
		return 0;
	}
	s = 0;
	e = ulen;
	while (s < e && c_isspace(u[s])) {
		s++;
	}
	while (e > s && c_isspace(u[e - 1])) {
		e--;
	}
	if (e - s + 4 > cap) {
		return (size_t)-1;
	}
	o = out + 4;	/* room for the longest header, moved down below */
	for (i = s; i < e; ) {
		if (c_isspace(u[i])) {
			*o++ = ' ';
			while (c_isspace(u[i])) {
				i++;
			}
		} else {
			*o++ = (unsigned char)((u[i] >= 'A' && u[i] <= 'Z')
			    ? u[i] + 32 : u[i]);
			i++;
		}
	}
	w = (size_t)(o - (out + 4));
	out[0] = 0x0c;
	i = 1 + put_len(out + 1, w);
	memmove(out + i, out + 4, w);
	return i + w;
}

/* Compare two DER encodings as SET OF orders them (X.690 11.6). */
static int
der_cmp(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	size_t	n = alen < blen ? alen : blen;
	int	c = memcmp(a, b, n);

	if (c != 0 || alen == blen) {
		return c;
	}
	return alen < blen ? -1 : 1;
}

/* see trust.h */
int
uf_trust_name_hash(const unsigned char *dn, size_t len, uint32_t *h)
{
	struct uf_der		in = { dn, len }, seq, rdn, atv, oid, val, w;
	unsigned char		enc[8][CANON_MAX / 2], hdr[4], md[20];
	size_t			elen[8], natv, i, j, total, vl;
	br_sha1_context		sc;
	unsigned		tag;

	if (uf_der_next(&in, &tag, &seq, NULL) != 0 || tag != 0x30) {
		return -1;
	}
	br_sha1_init(&sc);
	while (seq.len > 0) {
		if (uf_der_next(&seq, &tag, &rdn, NULL) != 0 || tag != 0x31) {
			return -1;
		}
		for (natv = 0; rdn.len > 0; natv++) {
			unsigned char	*e;
			size_t		n;

			if (natv == 8 || uf_der_next(&rdn, &tag, &atv, NULL)
			    != 0 || tag != 0x30
			    || uf_der_next(&atv, &tag, NULL, &oid) != 0
			    || tag != 0x06
			    || uf_der_next(&atv, &tag, &val, &w) != 0) {
				return -1;
			}
			/* SEQUENCE { OID, canonical value } */
			e = enc[natv];
			n = 4;
			if (oid.len > sizeof enc[0] - n) {
				return -1;
			}
			memcpy(e + n, oid.p, oid.len);
			n += oid.len;
			vl = canon_value(tag, val, e + n, sizeof enc[0] - n);
			if (vl == (size_t)-1) {
				return -1;
			}
			if (vl == 0) {
				if (w.len > sizeof enc[0] - n) {
					return -1;
				}
				memcpy(e + n, w.p, w.len);
				vl = w.len;
			}
			n += vl;
			e[0] = 0x30;
			i = 1 + put_len(e + 1, n - 4);
			memmove(e + i, e + 4, n - 4);
			elen[natv] = i + n - 4;
		}
		/* DER orders the members of a SET OF; usually just one. */
		for (i = 1; i < natv; i++) {
			for (j = i; j > 0 && der_cmp(enc[j - 1], elen[j - 1],
			    enc[j], elen[j]) > 0; j--) {
				unsigned char	tmp[sizeof enc[0]];
				size_t		tl = elen[j];

				memcpy(tmp, enc[j], tl);
				memcpy(enc[j], enc[j - 1], elen[j - 1]);
				elen[j] = elen[j - 1];
				memcpy(enc[j - 1], tmp, tl);
				elen[j - 1] = tl;
			}
		}
		for (total = 0, i = 0; i < natv; i++) {
			total += elen[i];
		}
		hdr[0] = 0x31;
		br_sha1_update(&sc, hdr, 1 + put_len(hdr + 1, total));
		for (i = 0; i < natv; i++) {
			br_sha1_update(&sc, enc[i], elen[i]);
		}
	}
	br_sha1_out(&sc, md);
	*h = (uint32_t)md[0] | (uint32_t)md[1] << 8 | (uint32_t)md[2] << 16
	    | (uint32_t)md[3] << 24;
	return 0;
}
