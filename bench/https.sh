#!/bin/bash
# bench/https.sh: HTTPS speed and memory of ufetch, with curl measured in the
# same run, against a private nginx on loopback (ECDSA leaf from tests/pki,
# TLS 1.2 + 1.3, ssl_buffer_size 16k; both clients negotiate TLS 1.3).
#   a. small fetch, whole process, hyperfine: ufetch/curl <= 0.25 with the
#      Debian bundle + test root as trust (plus -k and ca.pem for context)
#   b. 1 GiB to /dev/null, alternating runs: ufetch client CPU <= 0.8 of
#      curl's (and, for context, curl held to ufetch's suite)
#   c. peak RSS of one ufetch fetching 10 vs 1,000 URLs: diff <= 64 KiB
#   d. a new connection per URL (two origins in turn), servers with and
#      without session tickets: what resumption saves, ufetch and curl
# A report: prints PASS/FAIL and exits 0 (non-zero only if it cannot run).
# Environment: UFETCH (binary), RUNS (hyperfine runs, default 50),
# BULK_RUNS (default 5), NURLS (default 1000), KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
pki=$repo/tests/pki
runs=${RUNS:-50} bulk_runs=${BULK_RUNS:-5} nmany=${NURLS:-1000} nfew=10
[ -x "$uf" ] || make -C "$repo" ufetch >&2
need https.sh nginx openssl curl hyperfine python3 setarch bc /usr/bin/time
# The machine exports SSL_CERT_FILE, SSL_CERT_DIR, CURL_CA_BUNDLE: nobody inherits them.
unset SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE

bench_tmp ufetch-https

v6=0
have_v6 && v6=1
read -r p1 p2 p3 p4 < <(free_ports 4 "$v6")
tls_pem
bundle=$tmp/bundle.pem ca=$pki/ca.pem
cat /etc/ssl/certs/ca-certificates.crt "$pki/root.crt" > "$bundle"
nbundle=$(grep -c 'BEGIN CERTIFICATE' "$bundle")
head -c 99 /dev/zero | tr '\0' 'x' > "$tmp/www/small"; echo >> "$tmp/www/small"
truncate -s 1G "$tmp/www/big"               # sparse: served from the zero page
bytes=$(stat -c %s "$tmp/www/big")
chmod -R a+rX "$tmp"                        # workers run as nobody under root
l6() { [ "$v6" = 0 ] || echo "listen [::1]:$1 ssl;"; }
nginx_start 1024 <<EOF
    access_log off; sendfile on; default_type application/octet-stream;
    keepalive_timeout 5; keepalive_requests 100000;
    server {
        listen 127.0.0.1:$p1 ssl backlog=4096; $(l6 "$p1")
        listen 127.0.0.1:$p2 ssl backlog=4096; $(l6 "$p2")
        ssl_certificate $tmp/chain.pem; ssl_certificate_key $tmp/leaf-ec.key;
        ssl_protocols TLSv1.2 TLSv1.3; ssl_buffer_size 16k;
        root $tmp/www;
    }
    server {    # d.: no tickets, no session cache: every handshake is full
        listen 127.0.0.1:$p3 ssl; listen 127.0.0.1:$p4 ssl;
        ssl_certificate $tmp/chain.pem; ssl_certificate_key $tmp/leaf-ec.key;
        ssl_protocols TLSv1.2 TLSv1.3; ssl_session_tickets off; ssl_session_cache off;
        root $tmp/www;
    }
EOF
small=https://localhost:$p1/small big=https://localhost:$p1/big
nginx_wait curl -sf --cacert "$ca" -o /dev/null "$small"
SSL_CERT_FILE=$bundle "$uf" -q -o /dev/null "$small" ||
	{ echo "https.sh: ufetch cannot fetch $small with the bundle" >&2; exit 2; }
worker=$(pgrep -P "$ngx_pid" | head -1)
cat "$tmp/www/big" > /dev/null              # page cache warm

echo "== context"
echo "cpu:     $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)"
echo "ufetch:  $("$uf" -V | sed -n 3p | sed 's/^tls: //') ($uf)"
echo "curl:    $(curl --version | head -1 | cut -d' ' -f1-5)"
echo "nginx:   $(nginx -v 2>&1 | sed 's/.*nginx\///'), ECDSA P-256 leaf + int, TLSv1.2 TLSv1.3, ssl_buffer_size 16k"
echo "trust:   bundle = Debian ca-certificates.crt + test root ($nbundle certs); ca.pem = test root"
echo

# a. Small fetch.  hyperfine -N (no shell); each case is one hyperfine call
# whose environment carries the ufetch trust setting.
echo "== a. small HTTPS fetch (100 B, $small), hyperfine -N, warmup 3, $runs runs"
hf() {	# hf NAME LABEL ENV... -- UFETCH-ARGS -- CURL-ARGS
	local name=$1 label=$2 envs=() ua=() ca_=()
	shift 2
	while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
	while [ "$1" != -- ]; do ua+=("$1"); shift; done; shift
	ca_=("$@")
	env "${envs[@]}" hyperfine -N --style basic -w 3 -r "$runs" \
		--export-json "$tmp/hf-$name.json" \
		-n "ufetch $label" "$uf -q -o /dev/null ${ua[*]} $small" \
		-n "curl $label" "curl -s -o /dev/null ${ca_[*]} $small"
}
hf bundle "(bundle)" SSL_CERT_FILE="$bundle" -- -- --cacert "$bundle"
hf insecure "-k" -- -k -- -k
hf capem "(ca.pem)" SSL_CERT_FILE="$ca" -- -- --cacert "$ca"
echo

# b. Bulk, and which cipher each client negotiated.
uf_name=$(SSL_CERT_FILE=$bundle "$uf" -v -o /dev/null "$small" 2>&1 |
	sed -n 's/^\* \(TLS 1\.3, [^,]*\).*/\1/p; s/^\* \(TLS 1\.2, cipher suite 0x[0-9a-f]*\).*/\1/p' | head -1)
uf_suite=${uf_name#TLS 1.3, }
cu_cs=$(curl -sv --cacert "$bundle" -o /dev/null "$small" 2>&1 | sed -n 's/.*SSL connection using //p' | head -1)
echo "== b. bulk: $bytes B from $big to /dev/null, $bulk_runs runs each, alternating"
echo "ufetch negotiated: $uf_name"
echo "curl negotiated:   $cu_cs"
python3 - "$uf" "$big" "$bytes" "$bulk_runs" "$worker" "$bundle" "$tmp/bulk.txt" "$uf_suite" <<'EOF'
import os, statistics, subprocess, sys, time
uf, url, nbytes, runs, worker, bundle, out, suite = sys.argv[1:9]
nbytes, runs, tck = int(nbytes), int(runs), os.sysconf("SC_CLK_TCK")
env = dict(os.environ, SSL_CERT_FILE=bundle)
CMDS = {"ufetch": [uf, "-q", "-o", "/dev/null", url],
        "curl": ["curl", "-s", "--cacert", bundle, "-o", "/dev/null", url],
        "curl same suite": ["curl", "-s", "--cacert", bundle, "--tls13-ciphers", suite,
                            "-o", "/dev/null", url]}
def server_cpu():
    f = open(f"/proc/{worker}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tck
def run(c, count=False):
    cmd = CMDS[c] if not count else [a for a in CMDS[c] if a not in ("-o", "/dev/null")]
    s0, t0 = server_cpu(), time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE if count else subprocess.DEVNULL)
    got = sum(len(b) for b in iter(lambda: p.stdout.read(1 << 20), b"")) if count else None
    _, st, ru = os.wait4(p.pid, 0)           # this child's rusage only
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(st) != 0:
        sys.exit(f"https.sh: {c} exited {os.waitstatus_to_exitcode(st)}")
    return wall, ru.ru_utime + ru.ru_stime, server_cpu() - s0, got
for c in CMDS:                               # warm-up, and every byte arrives
    if run(c, count=True)[3] != nbytes:
        sys.exit(f"https.sh: {c} did not deliver {nbytes} bytes")
res = {c: [] for c in CMDS}
for i in range(runs):
    order = list(CMDS) if i % 2 == 0 else list(CMDS)[::-1]
    for c in order:
        res[c].append(run(c))
    print(f"run {i + 1}/{runs}: " + "  ".join(f"{c} {res[c][-1][0]:.3f}s/{res[c][-1][1]:.3f}cpu"
                                              for c in CMDS), flush=True)
med = statistics.median
print(f"{'client':<20}{'wall s':>8}{'MB/s':>7}{'min':>7}{'max':>7}{'cpu s':>8}{'MB/cpu-s':>9}{'nginx cpu':>10}")
with open(out, "w") as o:
    for c in CMDS:
        w, u, s = [r[0] for r in res[c]], [r[1] for r in res[c]], [r[2] for r in res[c]]
        print(f"{c:<20}{med(w):>8.3f}{nbytes / med(w) / 1e6:>7.0f}{min(w):>7.3f}{max(w):>7.3f}"
              f"{med(u):>8.3f}{nbytes / med(u) / 1e6:>9.0f}{med(s):>10.2f}")
        o.write(f"{c.replace(' ', '_')} {med(w):.4f} {med(u):.4f}\n")
EOF
echo

# c. Peak RSS, 10 vs NURLS URLs, alternating the two ports (a new TLS
# connection per URL).  setarch -R outside /usr/bin/time: ru_maxrss carries
# across exec, so only ufetch's own peak is measured.  Max of 3 runs.
echo "== c. peak RSS of one ufetch, $nfew vs $nmany https URLs on stdin (ASLR off, max of 3)"
for n in "$nfew" "$nmany"; do
	awk -v n="$n" -v a="$p1" -v b="$p2" 'BEGIN { for (i = 0; i < n; i++)
		printf "https://localhost:%d/small?i=%d\n", (i % 2 ? b : a), i }' > "$tmp/list$n"
done
norand=(setarch "$(uname -m)" -R)
"${norand[@]}" true 2>/dev/null || { norand=(); echo "(setarch -R unavailable: ASLR on)"; }
declare -A rss
for trust in ca.pem bundle; do
	tf=$ca
	[ "$trust" = ca.pem ] || tf=$bundle
	for n in "$nfew" "$nmany"; do
		all=() t0=$(date +%s.%N)
		for _ in 1 2 3; do
			rc=0
			SSL_CERT_FILE=$tf "${norand[@]}" /usr/bin/time -f %M -o "$tmp/rss" \
				"$uf" -q -o /dev/null - < "$tmp/list$n" > /dev/null 2> "$tmp/err" || rc=$?
			[ "$rc" = 0 ] || { echo "https.sh: ufetch exited $rc:"; tail -3 "$tmp/err"; } >&2
			all+=("$(tail -1 "$tmp/rss")$([ "$rc" = 0 ] || echo '!')")
		done
		rss[$trust,$n]=$(printf '%s\n' "${all[@]}" | tr -d '!' | sort -n | tail -1)
		[[ "${all[*]}" != *'!'* ]] || rss[$trust,$n]="${rss[$trust,$n]}!"
		printf '%-7s %5d URLs: %s kB  (%.1f s)\n' "$trust" "$n" "${all[*]}" \
			"$(echo "$(date +%s.%N) - $t0" | bc)"
	done
done
nres=$(SSL_CERT_FILE=$bundle "$uf" -v -o /dev/null - < "$tmp/list$nmany" 2>&1 | grep -c 'session resumed' || true)
echo "(handshakes in the $nmany-URL run: $nmany, of which $nres resumed)"
echo

# d. Resumption.  URLs alternate between two origins, so each is a new
# connection (ufetch keeps one); the second of each origin onwards can
# resume (curl, which keeps a pool, is sent "Connection: close").  Client
# CPU and wall, median of 5, per connection.
nres_urls=200
echo "== d. $nres_urls URLs, a new TLS connection each, with and without session tickets (median of 5)"
for pair in "$p1:$p2" "$p3:$p4"; do
	awk -v n="$nres_urls" -v a="${pair%:*}" -v b="${pair#*:}" 'BEGIN { for (i = 0; i < n; i++)
		printf "https://localhost:%d/small\n", (i % 2 ? b : a) }' > "$tmp/res${pair%:*}"
done
declare -A dres
for c in ufetch curl; do
	for p in "$p1" "$p3"; do
		if [ "$c" = ufetch ]; then cmd=("$uf" -q -o /dev/null -)
		else cmd=(xargs curl -s -H "Connection: close" --cacert "$bundle"); fi
		for _ in 1 2 3 4 5; do
			SSL_CERT_FILE=$bundle /usr/bin/time -f '%e %U %S' -o "$tmp/t" \
				"${cmd[@]}" < "$tmp/res$p" > /dev/null
			awk '{ printf "%.6f %.6f\n", $1, $2 + $3 }' "$tmp/t"
		done | sort -n -k2 | sed -n 3p > "$tmp/med"
		read -r w u < "$tmp/med"
		dres[$c,$p]="$(echo "$w * 1000 / $nres_urls" | bc -l | xargs printf '%.3f') $(echo "$u * 1000 / $nres_urls" | bc -l | xargs printf '%.3f')"
	done
done
ures=$(SSL_CERT_FILE=$bundle "$uf" -v -o /dev/null - < "$tmp/res$p1" 2>&1 | grep -c 'session resumed' || true)
cres=$(SSL_CERT_FILE=$bundle "$uf" -v -o /dev/null - < "$tmp/res$p3" 2>&1 | grep -c 'session resumed' || true)
echo "ufetch handshakes resumed: $ures of $nres_urls with tickets, $cres of $nres_urls without"
printf '%-34s %14s %14s\n' "per connection, ms (wall / CPU)" "with tickets" "without"
for c in ufetch curl; do
	printf '%-34s %14s %14s\n' "$c" "${dres[$c,$p1]/ / / }" "${dres[$c,$p3]/ / / }"
done
echo

# Summary.
read -r uf_b_mean uf_b_med cu_b_mean cu_b_med uf_k_mean uf_k_med cu_k_mean cu_k_med \
    uf_c_mean uf_c_med cu_c_mean cu_c_med < <(python3 - "$tmp" <<'EOF'
import json, sys
v = []
for n in ("bundle", "insecure", "capem"):
    for r in json.load(open(f"{sys.argv[1]}/hf-{n}.json"))["results"]:
        v += [r["mean"] * 1e3, r["median"] * 1e3]
print(*[f"{x:.2f}" for x in v])
EOF
)
read -r _ uw uc < <(grep '^ufetch ' "$tmp/bulk.txt")
read -r _ cw cc < <(grep '^curl ' "$tmp/bulk.txt")
read -r _ _ c2c < <(grep '^curl_same_suite' "$tmp/bulk.txt")
r() { echo "$1 / $2" | bc -l | xargs printf '%.3f'; }
le() { [ "$(echo "$1 <= $2" | bc -l)" = 1 ] && echo PASS || echo FAIL; }
ra_mean=$(r "$uf_b_mean" "$cu_b_mean") ra_med=$(r "$uf_b_med" "$cu_b_med")
ok_a=$( [ "$(le "$ra_mean" 0.25)" = PASS ] && [ "$(le "$ra_med" 0.25)" = PASS ] && echo PASS || echo FAIL)
memrow() {
	local t=$1 a=${rss[$1,$nfew]} b=${rss[$1,$nmany]} d ok
	if [[ "$a$b" == *'!'* ]]; then ok="FAIL (a run failed)" d='?'
	else d=$((b - a)); ok=$( [ "${d#-}" -le 64 ] && echo PASS || echo FAIL); fi
	printf '%-52s %8s %8s %8s  %s\n' "c. peak RSS $nfew / $nmany URLs, $t (kB)" "$a" "$b" "diff $d" "<= 64  $ok"
}
echo "==================================== HTTPS summary ===================================="
printf '%-52s %8s %8s %8s  %s\n' "" ufetch curl ratio "requirement"
printf '%-52s %8s %8s %8s  %s\n' \
	"a. small, bundle ($nbundle), mean ms" "$uf_b_mean" "$cu_b_mean" "$ra_mean" "<= 0.25 $ok_a" \
	"a. small, bundle ($nbundle), median ms" "$uf_b_med" "$cu_b_med" "$ra_med" "<= 0.25" \
	"a. small, -k (no verification), mean ms" "$uf_k_mean" "$cu_k_mean" "$(r "$uf_k_mean" "$cu_k_mean")" "(context)" \
	"a. small, -k (no verification), median ms" "$uf_k_med" "$cu_k_med" "$(r "$uf_k_med" "$cu_k_med")" "(context)" \
	"a. small, ca.pem only, mean ms" "$uf_c_mean" "$cu_c_mean" "$(r "$uf_c_mean" "$cu_c_mean")" "(context)" \
	"a. small, ca.pem only, median ms" "$uf_c_med" "$cu_c_med" "$(r "$uf_c_med" "$cu_c_med")" "(context)" \
	"b. 1 GiB, median wall s" "$uw" "$cw" "$(r "$uw" "$cw")" "(context)" \
	"b. 1 GiB, median client CPU s" "$uc" "$cc" "$(r "$uc" "$cc")" "<= 0.80 $(le "$(r "$uc" "$cc")" 0.8)" \
	"b. 1 GiB vs curl held to $uf_suite, CPU s" "$uc" "$c2c" "$(r "$uc" "$c2c")" "(context, same suite)"
memrow ca.pem
memrow bundle
read -r _ ucr < <(echo "${dres[ufetch,$p1]}") ; read -r _ ucf < <(echo "${dres[ufetch,$p3]}")
read -r _ ccr < <(echo "${dres[curl,$p1]}") ; read -r _ ccf < <(echo "${dres[curl,$p3]}")
printf '%-52s %8s %8s %8s  %s\n' \
	"d. resumed connection, client CPU ms" "$ucr" "$ccr" "$(r "$ucr" "$ccr")" "(context)" \
	"d. full handshake, client CPU ms" "$ucf" "$ccf" "$(r "$ucf" "$ccf")" "(context)" \
	"d. ufetch resumed / full, client CPU" "$ucr" "$ucf" "$(r "$ucr" "$ucf")" "(context)"
echo "ciphers: ufetch $uf_name; curl $cu_cs"
echo "========================================================================================"
