/*
 * netrc_cases.h: .netrc texts and what uf_netrc_find() makes of them
 * for the host "example.com", shared by test_netrc.c and the fuzzer's
 * seed corpus (fuzz/mkseeds.c).
 */
#ifndef TEST_NETRC_CASES_H
#define TEST_NETRC_CASES_H

#include "netrc.h"

struct ncase {
	const char	*name;
	const char	*in;
	size_t		len;
	int		rc;		/* UF_NETRC_* */
	const char	*login;		/* NULL: none */
	const char	*password;	/* NULL: none */
};

#define N(name, in, rc, login, pw) \
	{ name, in, sizeof(in) - 1, rc, login, pw }

static const struct ncase ncases[] = {
	N("one line", "machine example.com login alice password s3cret\n",
	    UF_NETRC_FOUND, "alice", "s3cret"),
	N("one word a line", "machine\nexample.com\nlogin\nalice\npassword\n"
	    "s3cret", UF_NETRC_FOUND, "alice", "s3cret"),
	N("host up to case", "machine EXAMPLE.com login a password b",
	    UF_NETRC_FOUND, "a", "b"),
	N("the first match wins", "machine example.com login a password b\n"
	    "machine example.com login c password d\n", UF_NETRC_FOUND, "a",
	    "b"),
	N("other machines skipped", "machine other.com login x password y\n"
	    "machine example.com login a password b\n", UF_NETRC_FOUND, "a",
	    "b"),
	N("no prefix match", "machine example.co login x password y\n"
	    "machine xexample.com login x password y\n", UF_NETRC_NONE, NULL,
	    NULL),
	N("default when nothing matched", "machine other login x password y"
	    "\ndefault login d password e\n", UF_NETRC_FOUND, "d", "e"),
	N("a match before default", "machine example.com login a password b"
	    "\ndefault login d password e\n", UF_NETRC_FOUND, "a", "b"),
	N("tabs, CRLF, account", "machine\texample.com\r\n\taccount acct"
	    "\r\n\tlogin a\r\n\tpassword b\r\n", UF_NETRC_FOUND, "a", "b"),
	N("quoted words", "machine example.com login \"a b\" password "
	    "\"p\\\"q\\\\r\\n\"", UF_NETRC_FOUND, "a b", "p\"q\\rn"),
	N("empty quoted password", "machine example.com login a password "
	    "\"\"", UF_NETRC_FOUND, "a", ""),
	N("login only", "machine example.com login a\n", UF_NETRC_FOUND, "a",
	    NULL),
	N("password only", "machine example.com password b\n",
	    UF_NETRC_FOUND, NULL, "b"),
	N("macdef skipped", "macdef init\nmachine example.com login m "
	    "password n\n\nmachine example.com login a password b\n",
	    UF_NETRC_FOUND, "a", "b"),
	N("macdef to the end", "macdef init\nmachine example.com login m\n",
	    UF_NETRC_NONE, NULL, NULL),
	N("words outside an entry", "login x password y\nmachine "
	    "example.com\n", UF_NETRC_FOUND, NULL, NULL),
	N("empty", "", UF_NETRC_NONE, NULL, NULL),
	N("machine without a name", "machine", UF_NETRC_NONE, NULL, NULL),
	N("value missing at the end", "machine example.com login",
	    UF_NETRC_FOUND, NULL, NULL),
	N("open quote", "machine example.com login \"a", UF_NETRC_BAD, NULL,
	    NULL),
	N("backslash at the end", "machine example.com login \"a\\",
	    UF_NETRC_BAD, NULL, NULL),
	N("a NUL is a space", "machine example.com\0login a password b",
	    UF_NETRC_FOUND, "a", "b"),
};

#endif
