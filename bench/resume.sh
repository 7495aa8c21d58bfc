#!/bin/bash
# bench/resume.sh: -c continues an interrupted download to a byte-exact
# file. A private nginx on loopback serves 100 MiB of random bytes, slowly
# (limit_rate) under /slow/ so that a download can be interrupted part way:
#   1. killed mid-body with SIGTERM, then SIGKILL (not SIGINT: a script's
#      background jobs ignore it): FILE never appears, FILE.part holds a
#      prefix;
#   2. ufetch -c -o FILE over HTTP and over HTTPS: a 206 from where the
#      part ends, and FILE equals the source (cmp);
#   3. -c again on the finished file's part (renamed back): nginx answers
#      416, which means complete: FILE is renamed into place unchanged.
# Exits non-zero on any failure. Environment: UFETCH, KEEP=1.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
[ -x "$uf" ] || make -C "$repo" ufetch >&2
need resume.sh nginx openssl cmp curl

bench_tmp ufetch-resume
pki=$repo/tests/pki
tls_pem
read -r port tport < <(free_ports 2)
mkdir -p "$tmp/www/slow"
head -c $((100 << 20)) /dev/urandom > "$tmp/www/big"
ln "$tmp/www/big" "$tmp/www/slow/big"
chmod -R a+rX "$tmp"
nginx_start 64 <<EOF
    access_log off; sendfile on;
    server {
        listen 127.0.0.1:$port;
        listen 127.0.0.1:$tport ssl;
        ssl_certificate $tmp/chain.pem; ssl_certificate_key $tmp/leaf-ec.key;
        root $tmp/www;
        location /slow/ { limit_rate 20m; }
    }
EOF
nginx_wait curl -sf -o /dev/null "http://127.0.0.1:$port/big"

fail=0
ok() { echo "PASS $*"; }
bad() { echo "FAIL $*"; fail=1; }
size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# interrupt SIG URL FILE: start a download, send SIG after 1.5 s.
interrupt() {
	local pid
	"$uf" --cacert "$pki/ca.pem" -o "$3" "$2" 2>/dev/null &
	pid=$!
	sleep 1.5
	kill "-$1" "$pid"
	wait "$pid" 2>/dev/null || true
}

cd "$tmp"
for scheme in http https; do
	p=$([ "$scheme" = http ] && echo "$port" || echo "$tport")
	for sig in TERM KILL; do
		f=$scheme-$sig.bin
		interrupt "$sig" "$scheme://localhost:$p/slow/big" "$f"
		have=$(size "$f.part")
		if [ -e "$f" ] || [ "$have" -eq 0 ] ||
		    [ "$have" -ge $((100 << 20)) ]; then
			bad "$scheme SIG$sig: $f exists or $f.part has $have" \
			    "bytes"
			continue
		fi
		if ! cmp -s -n "$have" "$f.part" www/big; then
			bad "$scheme SIG$sig: $f.part is not a prefix"
			continue
		fi
		t0=$(date +%s.%N)
		if ! "$uf" -v --cacert "$pki/ca.pem" -c -o "$f" \
		    "$scheme://localhost:$p/big" 2> "$f.log"; then
			bad "$scheme SIG$sig: -c failed: $(tail -1 "$f.log")"
			continue
		fi
		t=$(echo "$(date +%s.%N) - $t0" | bc -l)
		if cmp -s "$f" www/big && [ ! -e "$f.part" ] &&
		    grep -q "resuming at byte $have" "$f.log"; then
			ok "$scheme SIG$sig: interrupted at $have bytes," \
			    "resumed with -c to 104857600 byte-exact" \
			    "($(printf %.2f "$t") s)"
		else
			bad "$scheme SIG$sig: resumed file differs or no 206"
		fi
	done
	# A part that is already whole: 416, renamed as it is.
	f=$scheme-TERM.bin
	if [ -e "$f" ]; then
		mv "$f" "$f.part"
		if "$uf" -v --cacert "$pki/ca.pem" -c -o "$f" \
		    "$scheme://localhost:$p/big" 2> "$f.log" &&
		    cmp -s "$f" www/big && grep -q "already complete" "$f.log"
		then
			ok "$scheme: a complete part got 416 and was renamed"
		else
			bad "$scheme: 416 on a complete part: $(tail -1 "$f.log")"
		fi
	fi
done
exit "$fail"
