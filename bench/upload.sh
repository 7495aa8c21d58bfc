#!/bin/bash
# bench/upload.sh: request bodies are streamed, never held whole. Uploads
# a 1 KiB and a 50 MiB random file with -d @FILE (and 50 MiB through a
# pipe, -d @-, which is spooled to a temporary file) to a loopback server
# that answers with the SHA-256 of the body it read, over HTTP and HTTPS.
# Checks each digest, and reports ufetch's peak RSS (VmHWM, /usr/bin/time
# %M) next to curl's and wget's for the same uploads (curl --data-binary
# and wget --post-file) in the same run, as ratios to curl.
#
# Exits non-zero when a digest is wrong, or ufetch's peak RSS for 50 MiB
# exceeds its peak for 1 KiB by more than 128 KiB. Run to run, the same
# command varies by about 100 KiB (shared pages of the C library), so
# ufetch's figure is the median of three runs.
# Environment: UFETCH (binary, default REPO/ufetch), KEEP=1.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
[ -x "$uf" ] || make -C "$repo" ufetch >&2
need upload.sh python3 openssl sha256sum /usr/bin/time curl wget

bench_tmp ufetch-upload
pki=$repo/tests/pki
tls_pem
read -r port tport < <(free_ports 2)

# The server: one thread per connection, reads Content-Length bytes in
# 64 KiB pieces, answers with their SHA-256 in hex.
cat > "$tmp/srv.py" <<'EOF'
import hashlib, http.server, socketserver, ssl, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        n, h = int(self.headers.get("Content-Length", "0")), hashlib.sha256()
        while n > 0:
            b = self.rfile.read(min(n, 65536))
            if not b:
                break
            h.update(b); n -= len(b)
        out = h.hexdigest().encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.send_header("Connection", "close")
        self.end_headers(); self.wfile.write(out)
    def log_message(self, *a):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
plain = S(("127.0.0.1", int(sys.argv[1])), H)
tls = S(("127.0.0.1", int(sys.argv[2])), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[3], sys.argv[4])
tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
threading.Thread(target=tls.serve_forever, daemon=True).start()
plain.serve_forever()
EOF
python3 "$tmp/srv.py" "$port" "$tport" "$tmp/chain.pem" "$tmp/leaf-ec.key" &
pids+=($!)
retry python3 -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$tport" \
    2>/dev/null ||
    { echo "upload.sh: the server did not start" >&2; exit 2; }

head -c 1024 /dev/urandom > "$tmp/small"
head -c $((50 << 20)) /dev/urandom > "$tmp/big"

fail=0
declare -A rss
# run NAME SCHEME FILE HOW CLIENT: one upload; checks the digest and keeps
# the peak RSS in rss[NAME].
run() {
	local name=$1 scheme=$2 file=$3 how=$4 client=$5 url want got
	url="$scheme://localhost:$([ "$scheme" = http ] && echo "$port" ||
	    echo "$tport")/up"
	want=$(sha256sum < "$file" | cut -d' ' -f1)
	case $client in
	ufetch)
		if [ "$how" = pipe ]; then
			# A pipe on stdin on purpose: ufetch spools it.
			# shellcheck disable=SC2002
			cat "$file" | /usr/bin/time -f %M -o "$tmp/rss" \
			    "$uf" --cacert "$pki/ca.pem" -d @- "$url" \
			    > "$tmp/got"
		else
			/usr/bin/time -f %M -o "$tmp/rss" "$uf" \
			    --cacert "$pki/ca.pem" -d "@$file" "$url" \
			    > "$tmp/got"
		fi ;;
	curl)
		/usr/bin/time -f %M -o "$tmp/rss" curl -s --cacert \
		    "$pki/ca.pem" --data-binary "@$file" "$url" > "$tmp/got" ;;
	wget)
		/usr/bin/time -f %M -o "$tmp/rss" wget -q --ca-certificate \
		    "$pki/ca.pem" --post-file "$file" -O "$tmp/got" "$url" ;;
	esac
	got=$(cat "$tmp/got")
	rss[$name]=$(tail -1 "$tmp/rss")
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: digest $got, want $want"
		fail=1
	fi
}

# median3 NAME CMD...: run CMD three times; rss[NAME] is the median.
median3() {
	local name=$1 a b c
	shift
	"$@"; a=${rss[$name]}
	"$@"; b=${rss[$name]}
	"$@"; c=${rss[$name]}
	rss[$name]=$(printf '%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p)
}

printf '%-28s %10s %10s %10s %8s %8s\n' upload ufetch_kB curl_kB wget_kB \
    uf/curl uf/wget
for scheme in http https; do
	for size in small big; do
		median3 "ufetch-$scheme-$size" run "ufetch-$scheme-$size" \
		    "$scheme" "$tmp/$size" file ufetch
		for c in curl wget; do
			run "$c-$scheme-$size" "$scheme" "$tmp/$size" file "$c"
		done
		u=${rss[ufetch-$scheme-$size]} cu=${rss[curl-$scheme-$size]}
		w=${rss[wget-$scheme-$size]}
		printf '%-28s %10s %10s %10s %8.3f %8.3f\n' \
		    "$scheme $([ $size = big ] && echo 50MiB || echo 1KiB) @FILE" \
		    "$u" "$cu" "$w" "$(echo "$u / $cu" | bc -l)" \
		    "$(echo "$u / $w" | bc -l)"
	done
	median3 "ufetch-$scheme-pipe" run "ufetch-$scheme-pipe" "$scheme" \
	    "$tmp/big" pipe ufetch
	printf '%-28s %10s\n' "$scheme 50MiB @- (pipe)" \
	    "${rss[ufetch-$scheme-pipe]}"
	for big in big pipe; do
		d=$(( ${rss[ufetch-$scheme-$big]} - ${rss[ufetch-$scheme-small]} ))
		if [ "$d" -gt 128 ]; then
			echo "FAIL $scheme: 50 MiB ($big) peak RSS is $d kB" \
			    "above 1 KiB's"
			fail=1
		fi
	done
done
if [ "$fail" = 0 ]; then
	echo "PASS: every digest matches; ufetch's peak RSS for 50 MiB is" \
	    "within 128 kB of its peak for 1 KiB"
fi
exit "$fail"
