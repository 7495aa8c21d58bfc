#!/bin/bash
# bench/proxy_interop.sh: ufetch through Debian's tinyproxy on loopback, to
# nginx serving http and https (the test PKI in tests/pki).  Bodies are a few
# MB of random bytes compared by sha256; tinyproxy's log tells whether a
# request went through it.  A second tinyproxy wants Basic credentials; a
# python3 listener that accepts and never answers stands for a proxy that
# never answers CONNECT.  Prints PASS/FAIL per check and a summary; exits
# non-zero if any check fails.  Environment: UFETCH (binary, default
# REPO/ufetch), KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
pki=$repo/tests/pki
[ -x "$uf" ] || make -C "$repo" ufetch >&2
need proxy_interop.sh nginx tinyproxy openssl curl python3 sha256sum bc

bench_tmp ufetch-proxyi
read -r p_http p_tls p_wn p_tp p_tpa p_hold < <(free_ports 6)

tls_pem
openssl ec -inform DER -in "$pki/wrongname.key.der" -out "$tmp/wn.key" 2>/dev/null
cat "$pki/wrongname.crt" "$pki/int.crt" > "$tmp/wn.pem"
head -c 3M /dev/urandom > "$tmp/www/a.bin"
head -c 5M /dev/urandom > "$tmp/www/b.bin"
chmod -R a+rX "$tmp"          # nginx and tinyproxy drop root
chmod a+w "$tmp/logs"

nginx_start 64 <<EOF_NGX
    access_log $tmp/logs/access.log; default_type application/octet-stream;
    server { listen 127.0.0.1:$p_http; root $tmp/www; }
    server {
        listen 127.0.0.1:$p_tls ssl; root $tmp/www;
        ssl_certificate $tmp/chain.pem; ssl_certificate_key $tmp/leaf-ec.key;
    }
    server {
        listen 127.0.0.1:$p_wn ssl; root $tmp/www;
        ssl_certificate $tmp/wn.pem; ssl_certificate_key $tmp/wn.key;
    }
EOF_NGX

tinyproxy_start() {	# tinyproxy_start NAME PORT [EXTRA-LINE]
	local who=
	[ "$(id -u)" != 0 ] || who=$'User nobody\nGroup nogroup'
	cat > "$tmp/$1.conf" <<EOF_TP
$who
Port $2
Listen 127.0.0.1
Timeout 30
LogFile "$tmp/logs/$1.log"
LogLevel Info
PidFile "$tmp/$1.pid"
MaxClients 20
Allow 127.0.0.1
ConnectPort $p_tls
ConnectPort $p_wn
DisableViaHeader Yes
${3:-}
EOF_TP
	tinyproxy -d -c "$tmp/$1.conf" > "$tmp/logs/$1.out" 2>&1 &
	pids+=($!)
}
tinyproxy_start tp "$p_tp"
tinyproxy_start tpa "$p_tpa" "BasicAuth user s3cret"

# A proxy that accepts and never says a word.
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); held = []
while True:
    c, _ = s.accept(); held.append(c)
' "$p_hold" &
pids+=($!)

nginx_wait curl -sf --cacert "$pki/ca.pem" -o /dev/null "https://localhost:$p_tls/a.bin"
for port in "$p_tp" "$p_tpa" "$p_hold"; do
	retry python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" \
		2>/dev/null || { echo "proxy on $port did not start" >&2; cat "$tmp"/logs/*.out >&2; exit 2; }
done

TP=http://127.0.0.1:$p_tp
H=http://127.0.0.1:$p_http
S=https://localhost:$p_tls
CA=(--cacert "$pki/ca.pem")
# Requests tinyproxy (log tp, or tpa for the one wanting credentials) took.
tp_seen() { grep -c 'Request (file descriptor' "$tmp/logs/${1:-tp}.log" 2>/dev/null || true; }

nchecks=0 nfail=0
check() {	# check NAME OK DETAIL
	nchecks=$((nchecks + 1))
	if [ "$2" = 1 ]; then
		printf 'PASS  %-52s %s\n' "$1" "$3"
	else
		printf 'FAIL  %-52s %s\n' "$1" "$3"
		nfail=$((nfail + 1))
	fi
}

# get NAME FILE VIA [ENV=VAL...] -- UFETCH-ARGS...: byte-exact (FILE's
# bytes, as often as there are URLs), and VIA requests through tinyproxy
# (log $log), as its log says.
log=tp
get() {
	local name=$1 f=$2 via=$3 envs=() rc=0 s before after ok=1 how n=0 a
	shift 3
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	for a in "$@"; do case $a in http*://*.bin) n=$((n + 1));; esac; done
	want=$(for _ in $(seq "$n"); do cat "$tmp/www/$f"; done | sha256sum | cut -d' ' -f1)
	before=$(tp_seen "$log")
	env -u http_proxy -u https_proxy -u all_proxy -u no_proxy \
		-u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u NO_PROXY \
		"${envs[@]}" "$uf" -q -t 5 "$@" > "$tmp/out" 2> "$tmp/err" || rc=$?
	s=$(sha256sum < "$tmp/out" | cut -d' ' -f1)
	after=$(tp_seen "$log")
	[ "$rc" = 0 ] && [ "$s" = "$want" ] || ok=0
	[ "$((after - before))" = "$via" ] || ok=0
	how="$((after - before)) through $log"
	check "$name" "$ok" "exit $rc, $(stat -c %s "$tmp/out") B, sha $([ "$s" = "$want" ] && echo ok || echo MISMATCH), $how $(tr '\n' ' ' < "$tmp/err")"
}

# fail NAME CODE REGEX MIN MAX [ENV=VAL...] -- UFETCH-ARGS...: exit status,
# message, and the time taken in [MIN, MAX] seconds.
fail() {
	local name=$1 code=$2 re=$3 lo=$4 hi=$5 envs=() rc=0 t0 t msg ok=1
	shift 5
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	t0=$(date +%s.%N)
	env "${envs[@]}" "$uf" -q "$@" > /dev/null 2> "$tmp/err" || rc=$?
	t=$(echo "$(date +%s.%N) - $t0" | bc)
	msg=$(head -n 1 "$tmp/err")
	[ "$rc" = "$code" ] || ok=0
	grep -Eq -- "$re" <<< "$msg" || ok=0
	[ "$(echo "$t >= $lo && $t <= $hi" | bc)" = 1 ] || ok=0
	check "$name" "$ok" "exit $rc in $(printf %.2f "$t") s: $msg"
}

echo "tinyproxy $(tinyproxy -v | cut -d' ' -f2), nginx on $p_http (http) and $p_tls (https)"
get "http  via -x"                   a.bin 1 -- -x "$TP" "$H/a.bin"
get "https via -x (CONNECT)"         b.bin 1 -- -x "$TP" "${CA[@]}" "$S/b.bin"
get "http  via http_proxy"           b.bin 1 http_proxy="$TP" -- "$H/b.bin"
get "https via https_proxy"          a.bin 1 https_proxy="$TP" -- "${CA[@]}" "$S/a.bin"
get "https via HTTPS_PROXY, no scheme" b.bin 1 HTTPS_PROXY="127.0.0.1:$p_tp" -- "${CA[@]}" "$S/b.bin"
get "http  no_proxy=127.0.0.1 bypasses" a.bin 0 http_proxy="$TP" no_proxy=127.0.0.1 -- "$H/a.bin"
get "https no_proxy=.localhost bypasses" b.bin 0 https_proxy="$TP" no_proxy=example.com,.localhost -- "${CA[@]}" "$S/b.bin"
get "http  --noproxy '*' bypasses -x" a.bin 0 -- -x "$TP" --noproxy '*' "$H/a.bin"
get "https no_proxy=calhost still proxied" a.bin 1 https_proxy="$TP" no_proxy=calhost -- "${CA[@]}" "$S/a.bin"
get "two http URLs through one proxy" a.bin 2 -- -x "$TP" "$H/a.bin" "$H/a.bin"
get "two https URLs, one tunnel kept" b.bin 1 -- -x "$TP" "${CA[@]}" "$S/b.bin" "$S/b.bin"
TPA=127.0.0.1:$p_tpa
log=tpa
get "http  with credentials (BasicAuth)"  a.bin 1 -- -x "http://us%65r:s3%63ret@$TPA" "$H/a.bin"
get "https with credentials (BasicAuth)"  b.bin 1 -- -x "http://us%65r:s3%63ret@$TPA" "${CA[@]}" "$S/b.bin"
log=tp
fail "http  without credentials: 407"  8 'HTTP Error 407' 0 3 -- -x "$TPA" "$H/a.bin"
fail "https without credentials: 407"  4 'proxy refused CONNECT: 407' 0 3 -- -x "$TPA" "${CA[@]}" "$S/a.bin"
fail "https wrong name through proxy"  5 'certificate|name' 0 3 -- -x "$TP" "${CA[@]}" "https://localhost:$p_wn/a.bin"
fail "CONNECT to a port not allowed: 403" 4 'proxy refused CONNECT: 403' 0 3 -- -x "$TP" "${CA[@]}" "https://localhost:$p_http/a.bin"
fail "CONNECT never answered, -t 1"    9 'timed out waiting for the proxy' 1.0 1.3 -- -t 1 -x "127.0.0.1:$p_hold" "${CA[@]}" "$S/a.bin"
fail "CONNECT never answered, -m 0.5"  9 'waiting for the proxy \(max time' 0.5 0.8 -- -t 5 -m 0.5 -x "127.0.0.1:$p_hold" "${CA[@]}" "$S/a.bin"
fail "GET never answered, -t 1"        9 'timed out waiting for the response' 1.0 1.3 -- -t 1 -x "127.0.0.1:$p_hold" "$H/a.bin"
fail "proxy refusing connections"      4 "proxy http://127.0.0.1:1: cannot connect" 0 3 -- -x 127.0.0.1:1 "$H/a.bin"
fail "socks proxy refused"             2 "unsupported proxy scheme 'socks5'" 0 3 -- -x socks5://127.0.0.1:1 "$H/a.bin"

echo "$((nchecks - nfail)) of $nchecks checks passed"
[ "$nfail" = 0 ]
