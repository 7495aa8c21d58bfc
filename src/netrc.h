/*
 * netrc.h: the credentials of a .netrc file (--netrc, --netrc-file), as
 * ftp(1), curl and wget read them.
 *
 * The file is words separated by whitespace; a word may be quoted
 * ("..." with \ before a quote, a backslash or any other character:
 * \n is n, as curl reads it). "machine NAME" starts an entry,
 * "default" an entry for every machine; "login" and "password" take a
 * word each (other words, such as "account" and its value, are
 * skipped); "macdef NAME"
 * starts a macro whose lines run to an empty line (skipped). An entry
 * matches when its NAME is the host, up to case; the first entry that
 * matches is the one (so "default" should come last, as ftp(1) says).
 *
 * Nothing is allocated: the caller holds the file's bytes and the
 * result.
 */
#ifndef UF_NETRC_H
#define UF_NETRC_H

#include <stddef.h>

/* The longest word kept: a login or password longer is an error. */
#define UF_NETRC_WORD	255

/* The largest file read (bytes): a .netrc is a few lines. */
#define UF_NETRC_FILE_MAX	65536

struct uf_netrc {
	char	login[UF_NETRC_WORD + 1];
	char	password[UF_NETRC_WORD + 1];
	int	has_login, has_password;
};

/* What uf_netrc_find() found. */
enum {
	UF_NETRC_NONE,		/* no entry for host */
	UF_NETRC_FOUND,		/* *e is its entry */
	UF_NETRC_BAD		/* a word over UF_NETRC_WORD, an open quote */
};

/*
 * The entry for host in the netrc text buf[0..len) (any bytes; a NUL
 * is whitespace), into *e: what it has of login and password, each
 * NUL-terminated.
 */
int	uf_netrc_find(const char *buf, size_t len, const char *host,
	    struct uf_netrc *e);

#endif
