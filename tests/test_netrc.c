/*
 * test_netrc.c: .netrc files, from the table in netrc_cases.h, each
 * text also cut short at every length (never a crash, never a read
 * past the end: each copy ends at a guard page).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "netrc.h"

#include "netrc_cases.h"

static void
expect_entry(const struct ncase *c, const struct uf_netrc *e, int rc)
{
	cr_expect_eq(rc, c->rc, "%s: %d", c->name, rc);
	cr_expect_eq(e->has_login, c->login != NULL, "%s", c->name);
	cr_expect_eq(e->has_password, c->password != NULL, "%s", c->name);
	if (c->login != NULL && e->has_login) {
		cr_expect_str_eq(e->login, c->login, "%s", c->name);
	}
	if (c->password != NULL && e->has_password) {
		cr_expect_str_eq(e->password, c->password, "%s", c->name);
	}
}

Test(netrc, table)
{
	struct uf_netrc	e;
	size_t		i, k;
	int		rc;

	for (i = 0; i < sizeof ncases / sizeof ncases[0]; i++) {
		rc = uf_netrc_find((const char *)guard_copy(ncases[i].in,
		    ncases[i].len),
		    ncases[i].len, "example.com", &e);
		expect_entry(&ncases[i], &e, rc);
		for (k = 0; k < ncases[i].len; k++) {
			rc = uf_netrc_find((const char *)guard_copy(
			    ncases[i].in, k), k,
			    "example.com", &e);
			cr_expect(rc != UF_NETRC_FOUND || (strlen(e.login)
			    <= UF_NETRC_WORD && strlen(e.password)
			    <= UF_NETRC_WORD), "%s", ncases[i].name);
		}
	}
}

/* A word of UF_NETRC_WORD bytes is kept, one more is an error. */
Test(netrc, longest_word)
{
	static char	text[64 + 2 * (UF_NETRC_WORD + 1)];
	struct uf_netrc	e;
	size_t		n;

	n = (size_t)sprintf(text, "machine example.com password ");
	memset(text + n, 'p', UF_NETRC_WORD);
	n += UF_NETRC_WORD;
	cr_expect_eq(uf_netrc_find(text, n, "example.com", &e),
	    UF_NETRC_FOUND);
	cr_expect_eq(strlen(e.password), UF_NETRC_WORD);
	text[n++] = 'p';
	cr_expect_eq(uf_netrc_find(text, n, "example.com", &e),
	    UF_NETRC_BAD);
	cr_expect_eq(e.has_password, 0);
}
