#!/bin/bash
# bench/memory.sh: peak memory of ufetch must not grow with the number of
# URLs or the body size (CONTRACT.md section 9), and valgrind must find no
# errors and no leaks.  Loopback only: a private nginx in a temp dir.
#
# Exits non-zero only when |RSS(10000 URLs) - RSS(10 URLs)| > 64 KiB or the
# valgrind check fails.  Environment: UFETCH (binary, default REPO/ufetch,
# the static build), UFETCH_DYNAMIC (default REPO/build/dynamic/ufetch: the
# LD_PRELOAD probe and valgrind's heap tracking need the dynamic link),
# NURLS (default 10000), KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
ufd=${UFETCH_DYNAMIC:-$repo/build/dynamic/ufetch}
nmany=${NURLS:-10000}
nfew=10
limit_kb=64
[ -x "$uf" ] || make -C "$repo" ufetch >&2
[ -x "$ufd" ] || make -C "$repo" build/dynamic/ufetch >&2
need memory.sh nginx curl valgrind python3 /usr/bin/time

bench_tmp ufetch-mem

# Three free loopback ports: two served (URL lists alternate between them,
# halving the connections per server port), one left closed (refused).
read -r p1 p2 pdead < <(free_ports 3)

printf 'hello from nginx\n' > "$tmp/www/small"
truncate -s 1G "$tmp/www/big"
cat "$tmp/www/big" > /dev/null  # page cache (and, in a VM, first-touch RAM) warm
chmod -R a+rX "$tmp"          # nginx workers run as nobody when we are root
nginx_start 1024 <<EOF
    access_log off; sendfile on;
    keepalive_timeout 5; keepalive_requests 100000;
    server {
        listen 127.0.0.1:$p1 backlog=4096 reuseport;
        listen 127.0.0.1:$p2 backlog=4096 reuseport;
        root $tmp/www;
    }
EOF
nginx_wait curl -sf -o /dev/null "http://127.0.0.1:$p1/small"
nginx_wait curl -sf -o /dev/null "http://127.0.0.1:$p2/small"

mklist() {	# mklist N FILE: N small-body URLs, alternating ports
	awk -v n="$1" -v a="$p1" -v b="$p2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "http://127.0.0.1:%d/small?i=%d\n", (i % 2 ? b : a), i }' > "$2"
}
mklist "$nfew" "$tmp/few.txt"
mklist "$nmany" "$tmp/many.txt"
for f in few many; do	# curl: one process, url/output pairs in a config
	sed 's/.*/url = "&"\noutput = "\/dev\/null"/' "$tmp/$f.txt" > "$tmp/$f.curl"
done

# ru_maxrss is ~90% file pages of libc and friends, mapped by fault-around
# in 64 KiB blocks: which blocks a run touches depends on ASLR alignment and
# on timing-dependent code paths (EAGAIN/poll, EINTR), so the same run moves
# by 64-192 kB.  The gate takes the max of R runs with ASLR off (setarch -R,
# outside /usr/bin/time: ru_maxrss survives exec, so an exec'd wrapper's RSS
# would count as ufetch's).  For information, an LD_PRELOAD destructor
# prints ufetch's own anonymous memory and peak virtual size at exit.
norand=(setarch "$(uname -m)" -R)
"${norand[@]}" true 2>/dev/null || norand=()
R=${RUNS:-5}
cat > "$tmp/memstat.c" <<'EOF_C'
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
__attribute__((destructor)) static void memstat(void)
{
	char b[4096];
	const char *out = getenv("MEMSTAT_OUT");
	int fd = open("/proc/self/status", O_RDONLY), o;
	ssize_t n = fd < 0 ? -1 : read(fd, b, sizeof b);
	if (out == NULL || n <= 0 || (o = open(out, O_WRONLY | O_CREAT |
	    O_TRUNC, 0644)) < 0)
		return;
	(void)!write(o, b, (size_t)n);
	close(o);
	close(fd);
}
EOF_C
memstat=
cc -shared -fPIC -O2 -o "$tmp/memstat.so" "$tmp/memstat.c" 2>/dev/null &&
	memstat=$tmp/memstat.so
# anon_at_exit STDIN ARGS...: "RssAnon VmPeak" (kB) of the dynamic link at
# exit (a static binary takes no LD_PRELOAD).
anon_at_exit() {
	local in=$1
	shift
	[ -n "$memstat" ] || { echo "? ?"; return; }
	rm -f "$tmp/memstat.out"
	LD_PRELOAD=$memstat MEMSTAT_OUT=$tmp/memstat.out "$ufd" "$@" < "$in" \
		> /dev/null 2>&1 || true
	awk '/^RssAnon:/ { a = $2 } /^VmPeak:/ { v = $2 } END { print a, v }' \
		"$tmp/memstat.out"
}

# peak_rss NAME RUNS STDIN on|off CMD...: run CMD RUNS times with ASLR on
# or off; print "MIN MAX" kB.
peak_rss() {
	local name=$1 runs=$2 in=$3 pre=() rc i v all='' codes='' t0 t1
	[ "$4" = on ] || pre=("${norand[@]}")
	shift 4
	t0=$(date +%s.%N)
	for i in $(seq "$runs"); do
		rc=0
		"${pre[@]}" /usr/bin/time -f %M -o "$tmp/$name.rss" "$@" < "$in" \
			> /dev/null 2> "$tmp/$name.err" || rc=$?
		v=$(tail -1 "$tmp/$name.rss")
		all="$all $v" codes="$codes $rc"
		[ "$rc" = 0 ] || { echo "memory.sh: $name exited $rc:"
			tail -3 "$tmp/$name.err"
			case $name in uf_*) echo x >> "$tmp/bad_runs" ;; esac; } >&2
	done
	t1=$(date +%s.%N)
	printf '%-16s kB:%s  exit:%s  %s s\n' "$name" "$all" "$codes" \
	    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" >&2
	echo "$all" | tr ' ' '\n' | sed '/^$/d' | sort -n | sed -n '1p;$p' | tr '\n' ' '
	echo
}

echo "== peak RSS (ufetch $("$uf" -V | head -1), nginx on 127.0.0.1:$p1,$p2)" >&2
big=http://127.0.0.1:$p1/big
read -r _ uf_few  < <(peak_rss uf_few  "$R" "$tmp/few.txt"  off "$uf" -q -o /dev/null -)
read -r _ uf_many < <(peak_rss uf_many "$R" "$tmp/many.txt" off "$uf" -q -o /dev/null -)
read -r _ uf_big  < <(peak_rss uf_big  "$R" /dev/null off "$uf" -q -o /dev/null "$big")
read -r af_lo af_hi < <(peak_rss uf_few_aslr  5 "$tmp/few.txt"  on "$uf" -q -o /dev/null -)
read -r am_lo am_hi < <(peak_rss uf_many_aslr 5 "$tmp/many.txt" on "$uf" -q -o /dev/null -)
read -r _ cu_few  < <(peak_rss curl_few  1 /dev/null off curl -s --config "$tmp/few.curl")
read -r _ cu_many < <(peak_rss curl_many 1 /dev/null off curl -s --config "$tmp/many.curl")
read -r _ cu_big  < <(peak_rss curl_big  1 /dev/null off curl -s -o /dev/null "$big")
read -r an_few vp_few < <(anon_at_exit "$tmp/few.txt" -q -o /dev/null -)
read -r an_many vp_many < <(anon_at_exit "$tmp/many.txt" -q -o /dev/null -)
read -r an_big vp_big < <(anon_at_exit /dev/null -q -o /dev/null "$big")
uf_diff=$((uf_many - uf_few))
cu_diff=$((cu_many - cu_few))
abs=${uf_diff#-}
rss_ok=PASS
[ "$abs" -le "$limit_kb" ] || rss_ok=FAIL
[ ! -s "$tmp/bad_runs" ] || rss_ok="FAIL (some ufetch runs failed)"

# valgrind over 20 URLs: successes (IP literal and name), 404s, refused.
echo "== valgrind" >&2
urls=()
for i in $(seq 1 20); do
	case $i in
	5|15) urls+=("http://127.0.0.1:$p1/missing-$i") ;;      # 404
	9|17) urls+=("http://127.0.0.1:$pdead/refused-$i") ;;   # refused
	3|12) urls+=("http://localhost:$p2/small?name=$i") ;;   # resolver
	*)    urls+=("http://127.0.0.1:$(( i % 2 ? p1 : p2 ))/small?i=$i") ;;
	esac
done
vg_rc=0
valgrind --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
	--error-exitcode=99 --log-file="$tmp/valgrind.log" \
	"$ufd" -q -o /dev/null "${urls[@]}" > /dev/null 2> "$tmp/vg.stderr" || vg_rc=$?
vg_err=$(grep -m1 'ERROR SUMMARY' "$tmp/valgrind.log" | sed 's/^==[0-9]*== //')
vg_leak=$(sed 's/^==[0-9]*== *//' "$tmp/valgrind.log" | grep -E \
	'^(LEAK SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|suppressed:|All heap blocks)' || true)
vg_heap=$(grep -m1 'total heap usage' "$tmp/valgrind.log" | sed 's/^==[0-9]*== *//')
lost=$(grep -E '(definitely|indirectly|possibly) lost:' "$tmp/valgrind.log" |
	awk '{ gsub(",", "", $4); s += $4 } END { print s + 0 }' || true)
vg_ok=PASS
if [ "$vg_rc" = 99 ] || ! grep -q 'ERROR SUMMARY: 0 errors' "$tmp/valgrind.log" ||
    [ "$lost" != 0 ]; then
	vg_ok=FAIL
	sed 's/^==[0-9]*== //' "$tmp/valgrind.log" | grep -v '^$' | tail -60 >&2
fi
uf_lines=$(wc -l < "$tmp/vg.stderr")

cat <<EOF

==================== memory summary ====================
peak RSS, kB      10 URLs  $nmany URLs  diff  1 GiB body
ufetch      $(printf '%11s %11s %5s %11s' "$uf_few" "$uf_many" "$uf_diff" "$uf_big")   (ASLR off, max of $R)
curl        $(printf '%11s %11s %5s %11s' "$cu_few" "$cu_many" "$cu_diff" "$cu_big")   (one process, --config)
ufetch, ASLR on: 10 URLs $af_lo-$af_hi kB, $nmany URLs $am_lo-$am_hi kB (min-max of 5)
dynamic link at exit (10 / $nmany / 1 GiB): RssAnon $an_few / $an_many / $an_big kB,
                 VmPeak $vp_few / $vp_many / $vp_big kB
requirement: |ufetch RSS($nmany) - RSS($nfew)| <= $limit_kb kB .... $rss_ok ($abs kB)
             (1 GiB body minus 10 URLs: $((uf_big - uf_few)) kB, for information)

valgrind on the dynamic link, 20 URLs (16 ok incl. 2 via localhost, 2 x 404,
2 refused):
  ufetch exit status: $vg_rc (8 expected: the 404 at URL 5), $uf_lines stderr line(s)
  $vg_err
  $vg_heap
  ${vg_leak//$'\n'/$'\n'  }
requirement: no valgrind errors, 0 bytes lost .................. $vg_ok
========================================================
EOF
[ "$rss_ok" = PASS ] && [ "$vg_ok" = PASS ]
