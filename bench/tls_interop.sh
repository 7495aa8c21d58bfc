#!/bin/bash
# bench/tls_interop.sh: ufetch's HTTPS against nginx, openssl s_server and
# gnutls-serv on loopback, with the test PKI in tests/pki, and curl's
# verdict on the same URL beside ours.  Positive rows compare the sha256
# of the body with the served file (a small text file, 10 MB of random
# bytes) and the TLS version ufetch says it used (-v); negative rows need
# their exit status (5: a bad certificate) and a message of their own.
# TLS 1.3 rows cover each suite, group (P-256 and P-384 through a
# HelloRetryRequest) and signature scheme ufetch offers, a server that
# sends 512-byte records, and the TLS 1.2 fallback.  Prints a table and
# exits non-zero if any row of ufetch's fails.  Environment: UFETCH
# (binary, default REPO/ufetch), KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
pki=$repo/tests/pki
[ -x "$uf" ] || make -C "$repo" ufetch >&2
need tls_interop.sh nginx openssl gnutls-serv curl python3 sha256sum

bench_tmp ufetch-tlsi

# Free ports, on ::1 too when the IPv6 loopback is usable.
v6=0
have_v6 && v6=1
read -r -a P < <(free_ports 31 "$v6")
p_ec=${P[0]} p_rsa=${P[1]} p_13=${P[2]} p_exp=${P[3]} p_nyv=${P[4]} p_wn=${P[5]}
p_ss=${P[6]} p_rog=${P[7]} p_mis=${P[8]} p_sec=${P[9]} p_s13=${P[10]}
p_cha=${P[11]} p_256=${P[12]} p_12=${P[13]} p_gnu=${P[14]}
p_a256=${P[15]} p_chacha=${P[16]} p_g256=${P[17]} p_g384=${P[18]}
p_frag=${P[19]} p_pss256=${P[20]} p_pss384=${P[21]} p_pss512=${P[22]}
p_13exp=${P[23]} p_13nyv=${P[24]} p_13wn=${P[25]} p_13ss=${P[26]}
p_13rog=${P[27]} p_13mis=${P[28]} p_p384=${P[29]} p_gnursa=${P[30]}

# Keys (the PKI commits DER only), chains (leaf first), files to serve.
mkdir -p "$tmp/k"
for k in leaf-ec expired notyet wrongname selfsigned rogue-leaf; do
	openssl ec -inform DER -in "$pki/$k.key.der" -out "$tmp/k/$k.key" 2>/dev/null
done
have_p384=0
if [ -f "$pki/leaf-p384.key.der" ]; then
	openssl ec -inform DER -in "$pki/leaf-p384.key.der" -out "$tmp/k/leaf-p384.key" 2>/dev/null
	have_p384=1
fi
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
	srv "$p_12" ec leaf-ec "TLSv1.2"
	srv "$p_13exp" expired expired "TLSv1.3"
	srv "$p_13nyv" notyet notyet "TLSv1.3"
	srv "$p_13wn" wrongname wrongname "TLSv1.3"
	srv "$p_13ss" selfsigned selfsigned "TLSv1.3"
	srv "$p_13rog" rogue rogue-leaf "TLSv1.3"
	srv "$p_13mis" missing leaf-ec "TLSv1.3"
	srv "$p_exp" expired expired "TLSv1.2 TLSv1.3"
	srv "$p_nyv" notyet notyet "TLSv1.2 TLSv1.3"
	srv "$p_wn" wrongname wrongname "TLSv1.2 TLSv1.3"
	srv "$p_ss" selfsigned selfsigned "TLSv1.2 TLSv1.3"
	srv "$p_rog" rogue rogue-leaf "TLSv1.2 TLSv1.3"
	srv "$p_mis" missing leaf-ec "TLSv1.2 TLSv1.3"
)
# s_server -WWW serves files relative to its working directory.
sserver_as() {	# sserver_as LEAF KEY PORT EXTRA...
	local leaf=$1 key=$2 port=$3; shift 3
	(cd "$tmp/www" && exec openssl s_server -quiet -WWW -accept "127.0.0.1:$port" \
		-cert "$pki/$leaf.crt" -cert_chain "$pki/int.crt" \
		-key "$tmp/k/$key.key" "$@" < /dev/null > "$tmp/logs/s_server-$port.log" 2>&1) &
	pids+=($!)
}
sserver() { sserver_as leaf-ec leaf-ec "$@"; }
sserver "$p_sec"
sserver "$p_s13" -tls1_3
sserver "$p_a256" -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
sserver "$p_chacha" -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
sserver "$p_g256" -tls1_3 -groups P-256
sserver "$p_g384" -tls1_3 -groups P-384
sserver "$p_frag" -tls1_3 -max_send_frag 512
for s in 256:$p_pss256 384:$p_pss384 512:$p_pss512; do
	sserver_as leaf-rsa leaf-rsa "${s#*:}" -tls1_3 -sigalgs "rsa_pss_rsae_sha${s%%:*}"
done
[ "$have_p384" = 0 ] || sserver_as leaf-p384 leaf-p384 "$p_p384" -tls1_3
# gnutls-serv restricted to TLS 1.3, ECDSA and RSA leaves.
gserver() {	# gserver PORT LEAF KEY
	(cd "$tmp/www" && exec gnutls-serv --http --port "$1" \
		--x509certfile "$tmp/k/$2.pem" --x509keyfile "$tmp/k/$3.key" \
		--priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3' \
		< /dev/null > "$tmp/logs/gnutls-$1.log" 2>&1) &
	pids+=($!)
}
gserver "$p_gnu" ec leaf-ec
gserver "$p_gnursa" rsa leaf-rsa
# One TLS 1.2 suite each: what ufetch does not put first still works.
sserver "$p_cha" -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305
sserver "$p_256" -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384
for port in "$p_sec" "$p_s13" "$p_cha" "$p_256" "$p_a256" "$p_chacha" "$p_g256" \
    "$p_g384" "$p_frag" "$p_pss256" "$p_pss384" "$p_pss512" "$p_gnu" "$p_gnursa"; do
	retry python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" \
		2>/dev/null || true
done
nginx_wait curl -sf --cacert "$pki/ca.pem" -o /dev/null "https://localhost:$p_ec/small.txt"

declare -A sha
for f in small.txt random.bin; do sha[$f]=$(sha256sum < "$tmp/www/$f" | cut -d' ' -f1); done
sanitize() { tr '\n\t' '  ' | sed 's/ *$//'; }

# curl_verdict CURL-ARGS...: what curl makes of the same URL, in $cv.
curl_verdict() {
	local rc=0 s
	curl -s -o "$tmp/cout" "$@" 2>/dev/null || rc=$?
	if [ "$rc" = 0 ]; then
		s=$(sha256sum < "$tmp/cout" | cut -d' ' -f1)
		cv="ok"
		[ "$s" = "${sha[small.txt]}" ] || [ "$s" = "${sha[random.bin]}" ] ||
			cv="exit 0, other body"
	else
		cv="exit $rc"
	fi
}

# row NAME SERVER TRUST EXPECT [ENV=VAL...] -- UFETCH-ARGS...
# TRUST is a label; EXPECT is "sha FILE [VERSION]", "ok VERSION" (exit 0,
# any body: gnutls-serv --http answers with a page of its own) or
# "exit CODE [REGEX]".
# The URL is the last argument; curl gets --cacert ca.pem for it, or
# CURL_TRUST when set.
nrows=0 nfail=0 rows=() cert_msgs=()
row() {
	local name=$1 server=$2 trust=$3 expect=$4 envs=() rc=0 got res=PASS msg
	local ver cv url
	shift 4
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	url=${*: -1}
	env -u SSL_CERT_FILE -u SSL_CERT_DIR "${envs[@]}" "$uf" -v -t 10 "$@" \
		> "$tmp/out" 2> "$tmp/err" || rc=$?
	msg=$({ grep '^ufetch: ' "$tmp/err" || true; } | tail -n 1 |
		sed 's/^ufetch: [^ ]*: //' | sanitize)
	ver=$({ grep -o '^\* TLS 1\.[23]' "$tmp/err" || true; } | tail -n 1 | sed 's/^\* //')
	# shellcheck disable=SC2086
	curl_verdict ${CURL_TRUST:---cacert $pki/ca.pem} "$url"
	case $expect in
	sha\ *)
		local f want_ver s
		read -r _ f want_ver <<< "$expect"
		s=$(sha256sum < "$tmp/out" | cut -d' ' -f1)
		if [ "$rc" = 0 ] && [ "$s" = "${sha[$f]}" ] &&
		    { [ -z "$want_ver" ] || [ "$ver" = "TLS $want_ver" ]; }; then
			got="exit 0, sha ok ($(stat -c %s "$tmp/out") B), ${ver:-?}"
		else
			res=FAIL
			got="exit $rc, sha $([ "$s" = "${sha[$f]}" ] && echo ok || echo mismatch)"
			got="$got ($(stat -c %s "$tmp/out") B), ${ver:-?}${msg:+: $msg}"
		fi
		expect="sha256 of $f${want_ver:+, TLS $want_ver}" ;;
	ok\ *)
		if [ "$rc" = 0 ] && [ "$ver" = "TLS ${expect#ok }" ]; then
			got="exit 0 ($(stat -c %s "$tmp/out") B), $ver"
		else
			res=FAIL
			got="exit $rc, ${ver:-?}${msg:+: $msg}"
		fi
		expect="exit 0, TLS ${expect#ok }" ;;
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
	rows+=("$name"$'\t'"$server"$'\t'"$trust"$'\t'"$expect"$'\t'"$got"$'\t'"$res"$'\t'"$cv")
}
CA=(--cacert "$pki/ca.pem")

# a. nginx, TLS 1.2 + 1.3, ECDSA and RSA leaves, three host forms.
for kind in ec rsa; do
	port=$p_ec
	[ "$kind" = ec ] || port=$p_rsa
	for host in localhost 127.0.0.1 '[::1]'; do
		for f in small.txt random.bin; do
			if [ "$host" = '[::1]' ] && [ "$v6" = 0 ]; then
				rows+=("a $kind $host $f"$'\t'"nginx"$'\t'"-"$'\t'"-"$'\t'"skipped: no IPv6 loopback"$'\t'"SKIP"$'\t'"-")
				continue
			fi
			row "a $kind $host $f" "nginx 1.2+1.3 $kind" "--cacert ca.pem" \
				"sha $f 1.3" -- "${CA[@]}" "https://$host:$port/$f"
		done
	done
done
# b. openssl s_server -WWW, ECDSA chain.
for host in localhost 127.0.0.1; do
	for f in small.txt random.bin; do
		row "b s_server $host $f" "s_server -WWW ec" "--cacert ca.pem" \
			"sha $f 1.3" -- "${CA[@]}" "https://$host:$p_sec/$f"
	done
done
# TLS 1.3: every suite, group and signature scheme, small records.
row "b 1.3 AES-128-GCM" "s_server -tls1_3" "--cacert ca.pem" \
	"sha random.bin 1.3" -- "${CA[@]}" "https://localhost:$p_s13/random.bin"
row "b 1.3 AES-256-GCM" "s_server -tls1_3 -ciphersuites AES256" "--cacert ca.pem" \
	"sha random.bin 1.3" -- "${CA[@]}" "https://localhost:$p_a256/random.bin"
row "b 1.3 ChaCha20" "s_server -tls1_3 -ciphersuites CHACHA20" "--cacert ca.pem" \
	"sha random.bin 1.3" -- "${CA[@]}" "https://localhost:$p_chacha/random.bin"
row "b 1.3 P-256 (HRR)" "s_server -tls1_3 -groups P-256" "--cacert ca.pem" \
	"sha small.txt 1.3" -- "${CA[@]}" "https://localhost:$p_g256/small.txt"
row "b 1.3 P-384 (HRR)" "s_server -tls1_3 -groups P-384" "--cacert ca.pem" \
	"sha small.txt 1.3" -- "${CA[@]}" "https://localhost:$p_g384/small.txt"
row "b 1.3 512-byte records" "s_server -tls1_3 -max_send_frag 512" "--cacert ca.pem" \
	"sha random.bin 1.3" -- "${CA[@]}" "https://localhost:$p_frag/random.bin"
for h in 256 384 512; do
	p=p_pss$h
	row "b 1.3 rsa_pss_rsae_sha$h" "s_server -tls1_3 rsa leaf -sigalgs" \
		"--cacert ca.pem" "sha small.txt 1.3" -- "${CA[@]}" "https://localhost:${!p}/small.txt"
done
if [ "$have_p384" = 1 ]; then
	row "b 1.3 ecdsa_secp384r1_sha384" "s_server -tls1_3 P-384 leaf" "--cacert ca.pem" \
		"sha small.txt 1.3" -- "${CA[@]}" "https://localhost:$p_p384/small.txt"
else
	rows+=("b 1.3 ecdsa_secp384r1_sha384"$'\t'"s_server"$'\t'"-"$'\t'"-"$'\t'"skipped: no tests/pki/leaf-p384"$'\t'"SKIP"$'\t'"-")
fi
row "b 1.3 only, gnutls ec" "gnutls-serv TLS 1.3 only" "--cacert ca.pem" \
	"ok 1.3" -- "${CA[@]}" "https://localhost:$p_gnu/"
row "b 1.3 only, gnutls rsa" "gnutls-serv TLS 1.3 only" "--cacert ca.pem" \
	"ok 1.3" -- "${CA[@]}" "https://localhost:$p_gnursa/"
row "b 1.3 only, nginx" "nginx TLSv1.3" "--cacert ca.pem" \
	"sha random.bin 1.3" -- "${CA[@]}" "https://localhost:$p_13/random.bin"
row "b 1.2 only: fallback" "nginx TLSv1.2" "--cacert ca.pem" \
	"sha random.bin 1.2" -- "${CA[@]}" "https://localhost:$p_12/random.bin"
row "b s_server ChaCha20 only" "s_server -tls1_2 -cipher CHACHA20" "--cacert ca.pem" \
	"sha random.bin 1.2" -- "${CA[@]}" "https://localhost:$p_cha/random.bin"
row "b s_server AES-256 only" "s_server -tls1_2 -cipher AES256-GCM" "--cacert ca.pem" \
	"sha random.bin 1.2" -- "${CA[@]}" "https://localhost:$p_256/random.bin"
# c. Trust sources (nginx, ECDSA leaf).
u=https://localhost:$p_ec/small.txt
row "c --cacert" "nginx ec" "--cacert ca.pem" "sha small.txt" -- "${CA[@]}" "$u"
row "c SSL_CERT_FILE" "nginx ec" "SSL_CERT_FILE=ca.pem" "sha small.txt" \
	SSL_CERT_FILE="$pki/ca.pem" -- "$u"
row "c SSL_CERT_DIR" "nginx ec" "SSL_CERT_DIR=certdir" "sha small.txt" \
	SSL_CERT_DIR="$pki/certdir" -- "$u"
row "c --capath" "nginx ec" "--capath certdir" "sha small.txt" -- \
	--capath "$pki/certdir" "$u"
CURL_TRUST="--cacert $tmp/bundle.pem"
row "c debian bundle+root" "nginx ec" "--cacert debian+root ($(grep -c BEGIN "$tmp/bundle.pem"))" \
	"sha small.txt" -- --cacert "$tmp/bundle.pem" "$u"
row "c debian bundle+root" "nginx rsa" "SSL_CERT_FILE=debian+root" "sha random.bin" \
	SSL_CERT_FILE="$tmp/bundle.pem" -- "https://127.0.0.1:$p_rsa/random.bin"
unset CURL_TRUST
# d. Negative rows: each bad certificate over TLS 1.2 + 1.3 (ufetch takes
# 1.3) and over TLS 1.3 only; the two messages of a kind must be equal.
cert_msgs=()
for c in "expired:$p_exp" "notyet:$p_nyv" "wrongname:$p_wn" "selfsigned:$p_ss" \
    "rogue:$p_rog" "missing intermediate:$p_mis"; do
	row "d ${c%:*}" "nginx 1.2+1.3" "--cacert ca.pem" "exit 5" -- "${CA[@]}" \
		"https://localhost:${c##*:}/small.txt"
done
msgs12=("${cert_msgs[@]}") cert_msgs=()
for c in "expired:$p_13exp" "notyet:$p_13nyv" "wrongname:$p_13wn" "selfsigned:$p_13ss" \
    "rogue:$p_13rog" "missing intermediate:$p_13mis"; do
	row "d ${c%:*}" "nginx TLSv1.3" "--cacert ca.pem" "exit 5" -- "${CA[@]}" \
		"https://localhost:${c##*:}/small.txt"
done
# The six certificate messages must differ from each other, and be the
# same on both servers.
ndistinct=$(printf '%s\n' "${cert_msgs[@]}" | sort -u | wc -l)
res=PASS
[ "$ndistinct" = "${#cert_msgs[@]}" ] || { res=FAIL; nfail=$((nfail + 1)); }
nrows=$((nrows + 1))
rows+=("d messages distinct"$'\t'"-"$'\t'"-"$'\t'"${#cert_msgs[@]} distinct"$'\t'"$ndistinct distinct"$'\t'"$res"$'\t'"-")
res=PASS
[ "${msgs12[*]}" = "${cert_msgs[*]}" ] || { res=FAIL; nfail=$((nfail + 1)); }
nrows=$((nrows + 1))
rows+=("d same over 1.3 only"$'\t'"-"$'\t'"-"$'\t'"same messages"$'\t'"$([ "$res" = PASS ] && echo same || echo differ)"$'\t'"$res"$'\t'"-")

echo "ufetch: $("$uf" -V | sed -n 3p | sed 's/^tls: //') ($uf)"
echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $(openssl version | cut -d' ' -f1-2), gnutls-serv $(gnutls-serv --version | head -1 | awk '{print $NF}'), $(curl --version | head -1 | cut -d' ' -f1-2)"
echo
{
	printf 'row\tserver\ttrust\texpected\tufetch got\tresult\tcurl\n'
	printf '%s\n' "${rows[@]}"
} | python3 -c '
import sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
w = [max(len(r[i]) for r in rows) for i in range(7)]
for r in rows:
    print("  ".join(r[i].ljust(w[i]) for i in range(7)).rstrip())
'
echo
echo "$((nrows - nfail))/$nrows rows passed$([ "$v6" = 1 ] || echo ", IPv6 rows skipped")"
[ "$nfail" = 0 ]
