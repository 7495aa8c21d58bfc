/*
 * mkseeds.c: write the fuzzers' seed corpora from the unit-test
 * tables: mkseeds DIR makes DIR/url, DIR/http (tests/http_cases.h,
 * tests/url_cases.h). DER and PEM seeds are copied from tests/pki by
 * the Makefile.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "http_cases.h"
#include "url_cases.h"

static void
put(const char *dir, const char *kind, int i, const void *p, size_t len,
    const char *prefix)
{
	char	path[4096];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s/seed-%03d", dir, kind, i);
	f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		return;
	}
	fputs(prefix, f);
	fwrite(p, 1, len, f);
	fclose(f);
}

int
main(int argc, char **argv)
{
	char	path[4096];
	size_t	i;

	if (argc != 2) {
		return 2;
	}
	snprintf(path, sizeof path, "%s/url", argv[1]);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/http", argv[1]);
	mkdir(path, 0755);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		put(argv[1], "http", (int)i, cases[i].in, cases[i].len,
		    cases[i].head ? "\x07\x01" : "\x07\x00");
	}
	for (i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
		put(argv[1], "url", (int)i, pcases[i].in,
		    strlen(pcases[i].in), "");
	}
	for (i = 0; i < sizeof rcases / sizeof rcases[0]; i++) {
		char	s[512];

		snprintf(s, sizeof s, "http://a/b/c/d;p?q\n%s", rcases[i][0]);
		put(argv[1], "url", (int)(1000 + i), s, strlen(s), "");
	}
	return 0;
}
