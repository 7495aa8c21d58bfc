#!/bin/bash
# bench/tls_interop.sh: ufetch's HTTPS against nginx and openssl s_server on
# loopback, with the test PKI in tests/pki.  Positive rows compare the
# sha256 of the body with the served file (a small text file, 10 MB of
# random bytes); negative rows need their exit status (6: TLS 1.3 only,
# 5: a bad certificate) and a message of their own.  Prints a table and
# exits non-zero if any row fails.  Environment: UFETCH (binary, default
# REPO/ufetch), KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
pki=$repo/tests/pki
[ -x "$uf" ] || make -C "$repo" ufetch >&2
need tls_interop.sh nginx openssl curl python3 sha256sum

bench_tmp ufetch-tlsi

# Free ports, on ::1 too when the IPv6 loopback is usable.
v6=0
have_v6 && v6=1
read -r -a P < <(free_ports 13 "$v6")
p_ec=${P[0]} p_rsa=${P[1]} p_13=${P[2]} p_exp=${P[3]} p_nyv=${P[4]} p_wn=${P[5]}
p_ss=${P[6]} p_rog=${P[7]} p_mis=${P[8]} p_sec=${P[9]} p_s13=${P[10]}
p_cha=${P[11]} p_256=${P[12]}

# Keys (the PKI commits DER only), chains (leaf first), files to serve.
mkdir -p "$tmp/k"
for k in leaf-ec expired notyet wrongname selfsigned rogue-leaf; do
	openssl ec -inform DER -in "$pki/$k.key.der" -out "$tmp/k/$k.key" 2>/dev/null
done
openssl rsa -inform DER -in "$pki/leaf-rsa.key.der" -out "$tmp/k/leaf-rsa.key" 2>/dev/null
chain() { local n=$1; shift; cat "$@" > "$tmp/k/$n.pem"; }
chain ec "$pki/leaf-ec.crt" "$pki/int.crt"
chain rsa "$pki/leaf-rsa.crt" "$pki/int.crt"
chain expired "$pki/expired.crt" "$pki/int.crt"
chain notyet "$pki/notyet.crt" "$pki/int.crt"
chain wrongname "$pki/wrongname.crt" "$pki/int.crt"
chain selfsigned "$pki/selfsigned.crt"
chain rogue "$pki/rogue-leaf.crt" "$pki/rogue-root.crt"
chain missing "$pki/leaf-ec.crt"
cat /etc/ssl/certs/ca-certificates.crt "$pki/root.crt" > "$tmp/bundle.pem"
printf 'hello from ufetch tls_interop\nsecond line\n' > "$tmp/www/small.txt"
head -c 10M /dev/urandom > "$tmp/www/random.bin"
chmod -R a+rX "$tmp"          # nginx workers run as nobody when we are root

srv() {	# srv PORT CHAIN KEY PROTOCOLS: one nginx server block
	local l6=
	[ "$v6" = 0 ] || l6="listen [::1]:$1 ssl;"
	cat <<EOF
    server {
        listen 127.0.0.1:$1 ssl; $l6
        ssl_certificate $tmp/k/$2.pem; ssl_certificate_key $tmp/k/$3.key;
        ssl_protocols $4; root $tmp/www;
    }
EOF
}
nginx_start 256 < <(
	echo "    access_log off; default_type application/octet-stream;"
	srv "$p_ec" ec leaf-ec "TLSv1.2 TLSv1.3"
	srv "$p_rsa" rsa leaf-rsa "TLSv1.2 TLSv1.3"
	srv "$p_13" ec leaf-ec "TLSv1.3"
	srv "$p_exp" expired expired "TLSv1.2 TLSv1.3"
	srv "$p_nyv" notyet notyet "TLSv1.2 TLSv1.3"
	srv "$p_wn" wrongname wrongname "TLSv1.2 TLSv1.3"
	srv "$p_ss" selfsigned selfsigned "TLSv1.2 TLSv1.3"
	srv "$p_rog" rogue rogue-leaf "TLSv1.2 TLSv1.3"
	srv "$p_mis" missing leaf-ec "TLSv1.2 TLSv1.3"
)
# s_server -WWW serves files relative to its working directory.
sserver() {	# sserver PORT EXTRA...
	local port=$1; shift
	(cd "$tmp/www" && exec openssl s_server -quiet -WWW -accept "127.0.0.1:$port" \
		-cert "$pki/leaf-ec.crt" -cert_chain "$pki/int.crt" \
		-key "$tmp/k/leaf-ec.key" "$@" < /dev/null > "$tmp/logs/s_server-$port.log" 2>&1) &
	pids+=($!)
}
sserver "$p_sec"
sserver "$p_s13" -tls1_3
# One TLS 1.2 suite each: what ufetch does not put first still works.
sserver "$p_cha" -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305
sserver "$p_256" -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384
for port in "$p_sec" "$p_s13" "$p_cha" "$p_256"; do
	retry python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" \
		2>/dev/null || true
done
nginx_wait curl -sf --cacert "$pki/ca.pem" -o /dev/null "https://localhost:$p_ec/small.txt"

declare -A sha
for f in small.txt random.bin; do sha[$f]=$(sha256sum < "$tmp/www/$f" | cut -d' ' -f1); done
sanitize() { tr '\n\t' '  ' | sed 's/ *$//'; }

# row NAME SERVER TRUST EXPECT [ENV=VAL...] -- UFETCH-ARGS...
# TRUST is a label; EXPECT is "sha FILE" or "exit CODE [REGEX]".
nrows=0 nfail=0 rows=() cert_msgs=()
row() {
	local name=$1 server=$2 trust=$3 expect=$4 envs=() rc=0 got res=PASS msg
	shift 4
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env -u SSL_CERT_FILE -u SSL_CERT_DIR "${envs[@]}" "$uf" -q -t 10 "$@" \
		> "$tmp/out" 2> "$tmp/err" || rc=$?
	msg=$(tail -n 1 "$tmp/err" | sed 's/^ufetch: [^ ]*: //' | sanitize)
	case $expect in
	sha\ *)
		local f=${expect#sha } s
		s=$(sha256sum < "$tmp/out" | cut -d' ' -f1)
		if [ "$rc" = 0 ] && [ "$s" = "${sha[$f]}" ]; then
			got="exit 0, sha ok ($(stat -c %s "$tmp/out") B)"
		else
			res=FAIL
			got="exit $rc, sha $([ "$s" = "${sha[$f]}" ] && echo ok || echo mismatch)"
			got="$got ($(stat -c %s "$tmp/out") B)${msg:+: $msg}"
		fi
		expect="sha256 of $f" ;;
	exit\ *)
		local code re
		read -r _ code re <<< "$expect"
		got="exit $rc: ${msg:-(no message)}"
		[ "$rc" = "$code" ] || res=FAIL
		[ -z "$re" ] || grep -Eq -- "$re" <<< "$msg" || res=FAIL
		expect="exit $code${re:+, /$re/}"
		[ "$code" != 5 ] || cert_msgs+=("$msg") ;;
	esac
	nrows=$((nrows + 1))
	[ "$res" = PASS ] || nfail=$((nfail + 1))
	rows+=("$name"$'\t'"$server"$'\t'"$trust"$'\t'"$expect"$'\t'"$got"$'\t'"$res")
}
CA=(--cacert "$pki/ca.pem")

# a. nginx, TLS 1.2 + 1.3, ECDSA and RSA leaves, three host forms.
for kind in ec rsa; do
	port=$p_ec
	[ "$kind" = ec ] || port=$p_rsa
	for host in localhost 127.0.0.1 '[::1]'; do
		for f in small.txt random.bin; do
			if [ "$host" = '[::1]' ] && [ "$v6" = 0 ]; then
				rows+=("a $kind $host $f"$'\t'"nginx"$'\t'"-"$'\t'"-"$'\t'"skipped: no IPv6 loopback"$'\t'"SKIP")
				continue
			fi
			row "a $kind $host $f" "nginx 1.2+1.3 $kind" "--cacert ca.pem" \
				"sha $f" -- "${CA[@]}" "https://$host:$port/$f"
		done
	done
done
# b. openssl s_server -WWW, ECDSA chain.
for host in localhost 127.0.0.1; do
	for f in small.txt random.bin; do
		row "b s_server $host $f" "s_server -WWW ec" "--cacert ca.pem" \
			"sha $f" -- "${CA[@]}" "https://$host:$p_sec/$f"
	done
done
row "b s_server ChaCha20 only" "s_server -tls1_2 -cipher CHACHA20" "--cacert ca.pem" \
	"sha random.bin" -- "${CA[@]}" "https://localhost:$p_cha/random.bin"
row "b s_server AES-256 only" "s_server -tls1_2 -cipher AES256-GCM" "--cacert ca.pem" \
	"sha random.bin" -- "${CA[@]}" "https://localhost:$p_256/random.bin"
# c. Trust sources (nginx, ECDSA leaf).
u=https://localhost:$p_ec/small.txt
row "c --cacert" "nginx ec" "--cacert ca.pem" "sha small.txt" -- "${CA[@]}" "$u"
row "c SSL_CERT_FILE" "nginx ec" "SSL_CERT_FILE=ca.pem" "sha small.txt" \
	SSL_CERT_FILE="$pki/ca.pem" -- "$u"
row "c SSL_CERT_DIR" "nginx ec" "SSL_CERT_DIR=certdir" "sha small.txt" \
	SSL_CERT_DIR="$pki/certdir" -- "$u"
row "c --capath" "nginx ec" "--capath certdir" "sha small.txt" -- \
	--capath "$pki/certdir" "$u"
row "c debian bundle+root" "nginx ec" "--cacert debian+root ($(grep -c BEGIN "$tmp/bundle.pem"))" \
	"sha small.txt" -- --cacert "$tmp/bundle.pem" "$u"
row "c debian bundle+root" "nginx rsa" "SSL_CERT_FILE=debian+root" "sha random.bin" \
	SSL_CERT_FILE="$tmp/bundle.pem" -- "https://127.0.0.1:$p_rsa/random.bin"
# d. Negative rows.
row "d TLS 1.3 only" "nginx TLSv1.3" "--cacert ca.pem" "exit 6 TLS 1\\.3" -- \
	"${CA[@]}" "https://localhost:$p_13/small.txt"
row "d TLS 1.3 only" "s_server -tls1_3" "--cacert ca.pem" "exit 6 TLS 1\\.3" -- \
	"${CA[@]}" "https://localhost:$p_s13/small.txt"
for c in "expired:$p_exp" "notyet:$p_nyv" "wrongname:$p_wn" "selfsigned:$p_ss" \
    "rogue:$p_rog" "missing intermediate:$p_mis"; do
	row "d ${c%:*}" "nginx" "--cacert ca.pem" "exit 5" -- "${CA[@]}" \
		"https://localhost:${c##*:}/small.txt"
done
# The six certificate messages must differ from each other.
ndistinct=$(printf '%s\n' "${cert_msgs[@]}" | sort -u | wc -l)
res=PASS
[ "$ndistinct" = "${#cert_msgs[@]}" ] || { res=FAIL; nfail=$((nfail + 1)); }
nrows=$((nrows + 1))
rows+=("d messages distinct"$'\t'"-"$'\t'"-"$'\t'"${#cert_msgs[@]} distinct"$'\t'"$ndistinct distinct"$'\t'"$res")

echo "ufetch: $("$uf" -V | sed -n 3p | sed 's/^tls: //') ($uf)"
echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $(openssl version | cut -d' ' -f1-2); ports ${P[*]}"
echo
{
	printf 'row\tserver\ttrust\texpected\tgot\tresult\n'
	printf '%s\n' "${rows[@]}"
} | python3 -c '
import sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
w = [max(len(r[i]) for r in rows) for i in range(6)]
for r in rows:
    print("  ".join(r[i].ljust(w[i]) for i in range(6)).rstrip())
'
echo
echo "$((nrows - nfail))/$nrows rows passed$([ "$v6" = 1 ] || echo ", IPv6 rows skipped")"
[ "$nfail" = 0 ]
