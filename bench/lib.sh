# bench/lib.sh: what the benchmark scripts share. Source it after
# 'set -euo pipefail'.
# shellcheck shell=bash

# need WHO TOOL...: stop with exit status 2 when a tool is missing.
need() {
	local who=$1 t
	shift
	for t in "$@"; do
		command -v "$t" >/dev/null ||
		    { echo "$who: $t not found" >&2; exit 2; }
	done
}

# bench_tmp PREFIX: a fresh directory $tmp, with www/ and logs/ in it,
# removed on exit (KEEP=1 keeps it for a look afterwards) once the
# servers whose pids the script adds to $pids are stopped.
bench_tmp() {
	tmp=$(mktemp -d "/tmp/$1.XXXXXX")
	mkdir -p "$tmp/www" "$tmp/logs"
	pids=()
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	[ "${KEEP:-0}" = 1 ] || rm -rf "$tmp"
}

# have_v6: whether the IPv6 loopback ::1 can be bound.
have_v6() {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null
}

# free_ports N [V6]: N free TCP ports on 127.0.0.1, and with V6=1 on ::1
# too, space-separated.
free_ports() {
	python3 -c 'import socket, sys
n, v6, keep, ports = int(sys.argv[1]), sys.argv[2] == "1", [], []
while len(ports) < n:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); keep.append(s)
    p = s.getsockname()[1]
    if v6:
        try:
            t = socket.socket(socket.AF_INET6); t.bind(("::1", p)); keep.append(t)
        except OSError:
            continue
    ports.append(p)
print(*ports)' "$1" "${2:-0}"
}

# tls_pem: the test PKI's ECDSA server as PEM for nginx and friends:
# $tmp/leaf-ec.key and $tmp/chain.pem (leaf-ec, then int), which chain
# to tests/pki/ca.pem. Needs $repo and openssl.
tls_pem() {
	openssl ec -inform DER -in "${repo:?}/tests/pki/leaf-ec.key.der" \
	    -out "$tmp/leaf-ec.key" 2>/dev/null
	cat "$repo/tests/pki/leaf-ec.crt" "$repo/tests/pki/int.crt" \
	    > "$tmp/chain.pem"
}

# nginx_start CONNS < HTTP: nginx in the background under $ngx_pid (also
# added to $pids), one worker with CONNS connections, its configuration,
# logs and temporary files in $tmp; stdin is the inside of its http block.
nginx_start() {
	{
		cat <<EOF_CONF
daemon off; worker_processes 1; pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
events { worker_connections $1; }
http {
    client_body_temp_path $tmp/cbt; proxy_temp_path $tmp/pt;
    fastcgi_temp_path $tmp/ft; uwsgi_temp_path $tmp/ut; scgi_temp_path $tmp/st;
EOF_CONF
		cat
		echo "}"
	} > "$tmp/nginx.conf"
	nginx -e "$tmp/logs/error.log" -p "$tmp" -c "$tmp/nginx.conf" &
	ngx_pid=$!
	pids+=("$ngx_pid")
}

# retry CMD...: run CMD until it succeeds, at most 50 times, 0.1 s apart.
retry() {
	local _
	for _ in $(seq 50); do
		"$@" && return
		sleep 0.1
	done
	return 1
}

# nginx_wait CMD...: retry CMD; if it never succeeds, show nginx's error
# log and exit 2.
nginx_wait() {
	retry "$@" && return
	echo "${0##*/}: nginx did not start" >&2
	cat "$tmp/logs/error.log" >&2
	exit 2
}
