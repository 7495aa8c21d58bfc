#!/bin/bash
# bench/busybox_wget.sh: the command lines scripts use with busybox wget,
# run literally through a link named "wget" to ufetch, against nginx on
# loopback over HTTPS with the test PKI trusted through SSL_CERT_FILE
# (busybox scripts pass no --cacert).  Each line's result is checked; a
# server whose certificate names another host must be refused (status
# 5).  When busybox is installed, the same lines run through its wget
# too, for comparison (its rows are reported, not required; Debian 12's
# busybox 1.35 is built without FEATURE_WGET_TIMEOUT and crashes on -T,
# see docker-easyconnect/docker-easyconnect#369).  Prints
# PASS/FAIL per row and exits non-zero if a ufetch row fails.
# Environment: UFETCH (binary, default REPO/ufetch), BUSYBOX (default:
# busybox on PATH), KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
pki=$repo/tests/pki
[ -x "$uf" ] || make -C "$repo" ufetch >&2
need busybox_wget.sh nginx openssl curl python3

bench_tmp ufetch-bbw
read -r -a P < <(free_ports 3)
p_ok=${P[0]} p_wn=${P[1]} p_rsa=${P[2]}

mkdir -p "$tmp/k" "$tmp/uf" "$tmp/bb"
for k in leaf-ec wrongname; do
	openssl ec -inform DER -in "$pki/$k.key.der" -out "$tmp/k/$k.key" \
	    2>/dev/null
done
cat "$pki/leaf-ec.crt" "$pki/int.crt" > "$tmp/k/ok.pem"
cat "$pki/wrongname.crt" "$pki/int.crt" > "$tmp/k/wn.pem"
# busybox's own TLS cannot talk to the EC test leaves, nor to nginx's
# default ciphers: an RSA certificate, self-signed, for another name,
# on a server with every TLS 1.2 cipher.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=wrong.example \
    -addext subjectAltName=DNS:wrong.example -keyout "$tmp/k/rsa.key" \
    -out "$tmp/k/rsa.pem" 2>/dev/null
printf 'hello from busybox_wget.sh\n' > "$tmp/www/small.txt"
chmod -R a+rX "$tmp"	# nginx workers run as nobody when we are root

srv() {	# srv PORT CHAIN KEY [EXTRA]
	cat <<EOF
    server {
        listen 127.0.0.1:$1 ssl; root $tmp/www; ${4:-}
        ssl_certificate $tmp/k/$2.pem; ssl_certificate_key $tmp/k/$3.key;
        location = /hdr { return 200 "X=\$http_x\n"; }
    }
EOF
}
nginx_start 64 < <(
	echo "    access_log off; default_type text/plain;"
	srv "$p_ok" ok leaf-ec
	srv "$p_wn" wn wrongname
	srv "$p_rsa" rsa rsa "ssl_protocols TLSv1.2; ssl_ciphers ALL:@SECLEVEL=0;"
)
retry curl -sf --cacert "$pki/ca.pem" -o /dev/null \
    "https://localhost:$p_ok/small.txt"

ln -s "$uf" "$tmp/uf/wget"
bb=${BUSYBOX:-$(command -v busybox || true)}
[ -z "$bb" ] || ln -s "$bb" "$tmp/bb/wget"

U=https://localhost:$p_ok
W=https://localhost:$p_wn
R=https://localhost:$p_rsa
fails=0

# row WHO WHAT CHECK: print PASS or FAIL for the last command's check.
row() {
	local who=$1 what=$2
	shift 2
	if "$@"; then
		printf 'PASS  %-7s %s\n' "$who" "$what"
	else
		printf 'FAIL  %-7s %s\n' "$who" "$what"
		[ "$who" != ufetch ] || fails=$((fails + 1))
	fi
}

# lines WHO DIR: the four lines of the issue, and the wrong name, run in
# a fresh directory with DIR first on PATH.
lines() {
	local who=$1 d=$tmp/run-$1 rc out
	rm -rf "$d"
	mkdir -p "$d"
	cd "$d"
	export PATH="$2:$PATH" SSL_CERT_FILE="$pki/ca.pem"

	out=$(wget -qO- "$U/small.txt" 2>err1) && rc=0 || rc=$?
	row "$who" "wget -qO- URL (rc $rc)" \
	    test "$rc" = 0 -a "$out" = "hello from busybox_wget.sh"

	wget -O f "$U/small.txt" 2>err2 && rc=0 || rc=$?
	row "$who" "wget -O f URL (rc $rc)" cmp -s f "$tmp/www/small.txt"

	wget --spider "$U/small.txt" 2>err3 && rc=0 || rc=$?
	row "$who" "wget --spider URL (rc $rc)" test "$rc" = 0
	wget --spider "$U/missing" 2>err4 && rc=0 || rc=$?
	row "$who" "wget --spider URL-404 (rc $rc)" test "$rc" != 0

	wget -T 5 --header 'X: y' "$U/hdr" 2>err5 && rc=0 || rc=$?
	row "$who" "wget -T 5 --header 'X: y' URL (rc $rc)" \
	    grep -qx 'X=y' hdr

	out=$(wget -qO- "$W/small.txt" 2>err6) && rc=0 || rc=$?
	row "$who" "wget -qO- URL-wrong-name refused (rc $rc)" \
	    test "$rc" != 0 -a -z "$out"
	[ "$who" != ufetch ] || row "$who" "  ... with status 5" \
	    test "$rc" = 5
	echo "        stderr: $(head -c 300 err6 | tr '\n' ' ')"
	# A self-signed RSA certificate for another name; busybox with no
	# openssl to exec falls back to its own TLS, which checks nothing.
	out=$(env PATH="$2" wget -qO- "$R/small.txt" 2>err7) && rc=0 || rc=$?
	row "$who" "wget -qO- URL-self-signed-other-name, no openssl on PATH: refused (rc $rc)" \
	    test "$rc" != 0 -a -z "$out"
	echo "        stderr: $(head -c 300 err7 | tr '\n' ' ')"
	[ "$fails" = 0 ]
}

# Each in a subshell: its PATH and directory stay its own.
ok=0
(lines ufetch "$tmp/uf") || ok=1
if [ -n "$bb" ]; then
	echo "--- the same lines through $("$bb" | head -1)"
	(lines busybox "$tmp/bb") || true
fi
[ "$ok" = 0 ] && echo "ufetch: all PASS" || echo "ufetch: FAIL"
exit "$ok"
