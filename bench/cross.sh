#!/bin/bash
# bench/cross.sh: the cross-built static binaries (make static CROSS=...)
# run under qemu-user against nginx on loopback, over HTTP and HTTPS
# (test PKI, --cacert tests/pki/ca.pem, host localhost), bodies compared
# byte for byte with the served files; the native dynamic and static
# builds run the same rows for comparison, and so does the native
# static build under qemu-x86_64 -cpu qemu64, an x86-64 CPU without
# AES-NI and PCLMULQDQ (ufetch then speaks ChaCha20-Poly1305 only, over
# TLS 1.3 and 1.2). Each cross binary must also be at most 250,000 bytes. Prints sizes and one PASS/FAIL line per row,
# exits non-zero if any row fails (2: a tool or toolchain is missing).
# Not part of make check: it needs the cross toolchains (README, Cross
# builds). Environment: CROSS (prefixes, default "aarch64-linux-gnu-
# arm-linux-gnueabihf-"), MAX_BYTES (250000), KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
pki=$repo/tests/pki
cross=${CROSS-aarch64-linux-gnu- arm-linux-gnueabihf-}
max=${MAX_BYTES:-250000}
need cross.sh nginx openssl curl python3 cmp file musl-gcc

# name, binary, runner: the builds to try, made (or brought up to date)
# first.
names=() bins=() runs=()
make -s -C "$repo" ufetch static >&2
names+=(native-dynamic) bins+=("$repo/ufetch") runs+=("")
names+=(native-static) bins+=("$repo/build/static/ufetch") runs+=("")
need cross.sh qemu-x86_64-static
names+=(x86-64-no-aes) bins+=("$repo/build/static/ufetch")
runs+=("qemu-x86_64-static -cpu qemu64")
for c in $cross; do
	t=${c%-}
	t=${t##*/}
	need cross.sh "${c}gcc" "qemu-${t%%-*}-static"
	make -s -C "$repo" static CROSS="$c" >&2
	names+=("$t") bins+=("$repo/build/static-$t/ufetch")
	runs+=("qemu-${t%%-*}-static")
done

bench_tmp ufetch-cross
read -r p_http p_https p_https12 < <(free_ports 3)
tls_pem
head -c 100 /dev/urandom > "$tmp/www/small.bin"
head -c 3M /dev/urandom > "$tmp/www/big.bin"
: > "$tmp/www/empty.bin"
chmod -R a+rX "$tmp"          # nginx workers run as nobody when we are root
nginx_start 64 <<EOF
    access_log off; default_type application/octet-stream;
    server { listen 127.0.0.1:$p_http; root $tmp/www; }
    server {
        listen 127.0.0.1:$p_https ssl; root $tmp/www;
        ssl_certificate $tmp/chain.pem; ssl_certificate_key $tmp/leaf-ec.key;
    }
    server {
        listen 127.0.0.1:$p_https12 ssl; root $tmp/www; ssl_protocols TLSv1.2;
        ssl_certificate $tmp/chain.pem; ssl_certificate_key $tmp/leaf-ec.key;
    }
EOF
nginx_wait curl -sf --cacert "$pki/ca.pem" -o /dev/null \
	"https://localhost:$p_https/small.bin"

H=http://localhost:$p_http S=https://localhost:$p_https
S12=https://localhost:$p_https12
nfail=0 nrows=0
# row NAME EXPECTED-FILE... -- UFETCH-ARGS: standard output must be the
# concatenation of the expected files, and the exit status 0.
row() {
	local name=$1 exp=() rc=0 t0 t1 res=PASS
	shift
	while [ "$1" != -- ]; do exp+=("$tmp/www/$1"); shift; done
	shift
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086   # $run is words, or empty
	$run "$bin" -q -t 30 --cacert "$pki/ca.pem" "$@" > "$tmp/out" \
		2> "$tmp/err" || rc=$?
	t1=$(date +%s.%N)
	cat "${exp[@]}" /dev/null > "$tmp/exp"
	[ "$rc" = 0 ] && cmp -s "$tmp/exp" "$tmp/out" || res=FAIL
	printf '%-4s %-20s %-34s exit %s, %s of %s bytes, %.2f s\n' "$res" \
		"$label" "$name" "$rc" "$(stat -c %s "$tmp/out")" \
		"$(stat -c %s "$tmp/exp")" "$(awk "BEGIN { print $t1 - $t0 }")"
	[ "$res" = PASS ] || { nfail=$((nfail + 1)); sed 's/^/     /' "$tmp/err"; }
	nrows=$((nrows + 1))
}

echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $(qemu-aarch64-static --version 2>/dev/null | head -1 || true)"
echo
for i in "${!names[@]}"; do
	label=${names[$i]} bin=${bins[$i]} run=${runs[$i]}
	size=$(stat -c %s "$bin")
	echo "$label: $(file -b "$bin" | cut -d, -f1-2,4), $size bytes${run:+, under $run}"
	# shellcheck disable=SC2086
	echo "  $($run "$bin" -V | sed -n 3p)"
	if [ "$label" = x86-64-no-aes ]; then
		res=PASS
		# shellcheck disable=SC2086
		$run "$bin" -V | grep -q 'ChaCha20-Poly1305 only' ||
			{ res=FAIL; nfail=$((nfail + 1)); }
		nrows=$((nrows + 1))
		printf '%-4s %-20s %-34s\n' "$res" "$label" "-V: ChaCha20-Poly1305 only"
	fi
	if [ -n "$run" ] && [ "$label" != x86-64-no-aes ]; then
		res=PASS
		[ "$size" -le "$max" ] || { res=FAIL; nfail=$((nfail + 1)); }
		nrows=$((nrows + 1))
		printf '%-4s %-20s %-34s %s bytes\n' "$res" "$label" "size <= $max" "$size"
	fi
	row "http 100 B" small.bin -- "$H/small.bin"
	row "http 3 MiB" big.bin -- "$H/big.bin"
	row "http 0 B" empty.bin -- "$H/empty.bin"
	row "https 100 B" small.bin -- "$S/small.bin"
	row "https 3 MiB" big.bin -- "$S/big.bin"
	row "https 0 B" empty.bin -- "$S/empty.bin"
	row "https TLS 1.2 only, 3 MiB" big.bin -- "$S12/big.bin"
	row "https 3 URLs, one connection" small.bin big.bin small.bin -- \
		"$S/small.bin" "$S/big.bin" "$S/small.bin"
	row "http -o FILE 3 MiB" -- -o "$tmp/file.out" "$H/big.bin"
	res=PASS
	cmp -s "$tmp/file.out" "$tmp/www/big.bin" || { res=FAIL; nfail=$((nfail + 1)); }
	nrows=$((nrows + 1))
	printf '%-4s %-20s %-34s\n' "$res" "$label" "  ... the file is byte-exact"
	rm -f "$tmp/file.out"
	echo
done
echo "$((nrows - nfail))/$nrows rows passed"
[ "$nfail" = 0 ]
