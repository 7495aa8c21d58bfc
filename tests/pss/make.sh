#!/bin/sh
# tests/pss/make.sh: writes tests/pss/vectors.h, the RSASSA-PSS vectors
# of tests/test_pss.c and fuzz/fuzz_pss.c, with OpenSSL (1.1.1 or
# later): one key each of 2048, 3072 and 4096 bits, and two whose size
# is not a multiple of 8 (2049 bits: the encoded message is a byte
# shorter than the modulus; 3071 bits: its top bit is masked off). Each
# key signs PSS_MESSAGE with SHA-256, SHA-384 and SHA-512, MGF1 over the
# same hash and a salt as long as the hash (RFC 8446's rsa_pss_rsae_*);
# the 2048-bit and 3071-bit keys also make signatures uf_pss_verify must
# refuse (other salt lengths, MGF1 over SHA-1, PKCS #1 v1.5). Every
# signature is checked with openssl before it is written. The private
# keys are thrown away: only the moduli (e = 65537) and the signatures
# are kept.
#
#   sh tests/pss/make.sh        (from anywhere; rewrites vectors.h)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=$here/vectors.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
msg="ufetch RSA-PSS test vector"
printf '%s' "$msg" >"$tmp/msg"

# Hex digits on standard input as C string literals of 64 digits a line,
# and the end of the table row.
literal() {
	fold -w 64 | sed 's/.*/	    "&"/'
	printf '\t},\n'
}

# A file's bytes in hex, on one line.
hex() {
	od -An -v -tx1 "$1" | tr -d ' \n'
	echo
}

# sign KEYBITS HASH VALID HOW OPENSSL-SIGOPTS...: one table row.
sign() {
	bits=$1 hash=$2 valid=$3 how=$4
	shift 4
	sig=$tmp/sig
	openssl dgst "-$hash" -sign "$tmp/$bits.pem" "$@" -out "$sig" \
	    "$tmp/msg"
	openssl dgst "-$hash" -verify "$tmp/$bits.pub" "$@" \
	    -signature "$sig" "$tmp/msg" >/dev/null
	printf '\t{ %s, "%s", "%s", %s,\n' "$bits" "$hash" "$how" "$valid"
	hex "$sig" | literal
}

pss="-sigopt rsa_padding_mode:pss"
{
	cat <<HDR
/*
 * vectors.h: RSASSA-PSS signatures by OpenSSL, written by
 * tests/pss/make.sh ($(openssl version | cut -d' ' -f1-2)); see there.
 * Do not edit: run the script again.
 */
#ifndef UF_TEST_PSS_VECTORS_H
#define UF_TEST_PSS_VECTORS_H

#define PSS_MESSAGE	"$msg"
#define PSS_E		"010001"

struct pss_key {
	unsigned	bits;		/* the modulus' exact size */
	const char	*n;		/* hex, big-endian */
};

struct pss_sig {
	unsigned	bits;		/* the key that made it */
	const char	*hash;		/* of PSS_MESSAGE, openssl's name */
	const char	*how;		/* openssl's padding options */
	int		valid;		/* for RFC 8446's rsa_pss_rsae_* */
	const char	*sig;		/* hex */
};

static const struct pss_key	pss_keys[] = {
HDR
	for bits in 2048 3072 4096 2049 3071; do
		# OpenSSL makes two primes of half the size each: an odd
		# size comes out a bit short, so those get three primes.
		# The verifier sees n and e only.
		primes=$((bits % 2 + 2))
		openssl genpkey -algorithm RSA \
		    -pkeyopt "rsa_keygen_bits:$bits" \
		    -pkeyopt "rsa_keygen_primes:$primes" \
		    -out "$tmp/$bits.pem" 2>/dev/null
		got=$(openssl rsa -in "$tmp/$bits.pem" -text -noout \
		    | sed -n '1s/^Private-Key: (\([0-9]*\) bit.*/\1/p')
		if [ "$got" != "$bits" ]; then
			echo "make.sh: asked for $bits bits, got '$got'" >&2
			exit 1
		fi
		openssl rsa -in "$tmp/$bits.pem" -pubout -out "$tmp/$bits.pub" \
		    2>/dev/null
		# The modulus as bytes (OpenSSL prints no leading zero).
		n=$(openssl rsa -in "$tmp/$bits.pem" -modulus -noout \
		    | sed 's/^Modulus=//' | tr 'A-F' 'a-f')
		[ $((${#n} % 2)) -eq 0 ] || n=0$n
		printf '\t{ %s,\n' "$bits"
		echo "$n" | literal
	done
	echo '};'
	echo
	echo 'static const struct pss_sig	pss_sigs[] = {'
	for bits in 2048 3072 4096 2049 3071; do
		for hash in sha256 sha384 sha512; do
			# shellcheck disable=SC2086
			sign "$bits" "$hash" 1 "saltlen:digest" $pss \
			    -sigopt rsa_pss_saltlen:digest
		done
	done
	for bits in 2048 3071; do
		# shellcheck disable=SC2086
		sign "$bits" sha256 0 "saltlen:0" $pss -sigopt rsa_pss_saltlen:0
		# shellcheck disable=SC2086
		sign "$bits" sha256 0 "saltlen:20" $pss \
		    -sigopt rsa_pss_saltlen:20
		# shellcheck disable=SC2086
		sign "$bits" sha256 0 "saltlen:max" $pss \
		    -sigopt rsa_pss_saltlen:max
		# shellcheck disable=SC2086
		sign "$bits" sha256 0 "mgf1:sha1" $pss \
		    -sigopt rsa_pss_saltlen:digest -sigopt rsa_mgf1_md:sha1
		sign "$bits" sha256 0 "pkcs1" -sigopt rsa_padding_mode:pkcs1
	done
	echo '};'
	echo
	echo '#endif'
} >"$tmp/vectors.h"
mv "$tmp/vectors.h" "$out"
echo "make.sh: wrote $out"
