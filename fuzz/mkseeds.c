/*
 * mkseeds.c: write the fuzzers' seed corpora from the unit-test
 * tables: mkseeds DIR makes DIR/url, DIR/http (tests/http_cases.h,
 * tests/url_cases.h), DIR/netrc (tests/netrc_cases.h, for each of
 * fuzz_netrc.c's hosts) and DIR/pss (tests/pss/vectors.h: its valid
 * signatures in fuzz_pss.c's RAW mode, and each key and hash in its
 * ENCODE mode). DER and PEM seeds are copied
 * from tests/pki by the Makefile.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "http_cases.h"
#include "netrc_cases.h"
#include "pss/vectors.h"
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

/*
 * fuzz_pss.c's input: the mode (RAW 0, ENCODE 2), key, hash (in its
 * order), then a signature (RAW) or a hash value and a salt, no bit
 * flipped (ENCODE).
 */
static void
pss_seeds(const char *dir)
{
	static const char *const	hashes[] = { "sha256", "sha384",
					    "sha512" };
	static const size_t		hash_len[] = { 32, 48, 64 };
	unsigned char			in[3 + 4096 / 8];
	size_t				i, k, h;

	for (i = 0; i < sizeof pss_sigs / sizeof pss_sigs[0]; i++) {
		if (!pss_sigs[i].valid) {
			continue;
		}
		in[0] = 0;
		for (k = 0; pss_keys[k].bits != pss_sigs[i].bits; k++) {
		}
		for (h = 0; strcmp(hashes[h], pss_sigs[i].hash) != 0; h++) {
		}
		in[1] = (unsigned char)k;
		in[2] = (unsigned char)h;
		put(dir, "pss", (int)i, in, 3 + unhex(in + 3, sizeof in - 3,
		    pss_sigs[i].sig), "");
	}
	memset(in, 0, sizeof in);
	in[0] = 2;
	for (k = 0; k < sizeof pss_keys / sizeof pss_keys[0]; k++) {
		for (h = 0; h < sizeof hashes / sizeof hashes[0]; h++) {
			in[1] = (unsigned char)k;
			in[2] = (unsigned char)h;
			put(dir, "pss", (int)(100 + 10 * k + h), in,
			    3 + 2 * hash_len[h], "");
		}
	}
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
	snprintf(path, sizeof path, "%s/pss", argv[1]);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/netrc", argv[1]);
	mkdir(path, 0755);
	for (i = 0; i < sizeof ncases / sizeof ncases[0]; i++) {
		put(argv[1], "netrc", (int)i, ncases[i].in, ncases[i].len,
		    "\x00");
		put(argv[1], "netrc", (int)(100 + i), ncases[i].in,
		    ncases[i].len, "\x01");
	}
	pss_seeds(argv[1]);
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
