#!/bin/bash
# bench/throughput.sh: a 1 GiB body from nginx on loopback (sendfile on),
# fetched by ufetch and by curl, to /dev/null and through a pipe.  Runs
# alternate between the two clients; medians of wall time and client CPU.
# The requirement is ufetch/curl <= 1.0 on /dev/null.  This is a report:
# it prints PASS/FAIL and exits 0 (non-zero only if it cannot run at all).
# Environment: UFETCH (binary, default REPO/ufetch), RUNS (default 7),
# SIZE (default 1G, as for truncate), KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
runs=${RUNS:-7}
size=${SIZE:-1G}
[ -x "$uf" ] || make -C "$repo" ufetch >&2
need throughput.sh nginx curl python3 cat

bench_tmp ufetch-tput

port=$(free_ports 1)
truncate -s "$size" "$tmp/www/big"          # sparse: served from the zero page
bytes=$(stat -c %s "$tmp/www/big")
chmod -R a+rX "$tmp"                        # workers run as nobody under root
nginx_start 1024 <<EOF
    access_log off; sendfile on; tcp_nopush on;
    server {
        listen 127.0.0.1:$port backlog=1024;
        root $tmp/www;
    }
EOF
url=http://127.0.0.1:$port/big
nginx_wait curl -sf -r 0-0 -o /dev/null "$url"
worker=$(pgrep -P "$ngx_pid" | head -1)     # its CPU time is the server's cost
cat "$tmp/www/big" > /dev/null              # page cache (and VM first-touch) warm

# Context.
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "== context"
echo "nproc:   $(nproc)   cpu: ${cpu:-unknown}"
echo "kernel:  $(uname -srm)"
echo "nginx:   $(nginx -v 2>&1 | sed 's/^nginx version: //') (sendfile on, 1 worker)"
echo "curl:    $(curl --version | head -1 | cut -d' ' -f1-3)"
echo "ufetch:  $("$uf" -V | head -1) ($uf)"
echo "body:    $bytes bytes, sparse file, http://127.0.0.1:$port/"
echo

python3 - "$uf" "$url" "$bytes" "$runs" "$worker" <<'EOF'
import os, statistics, subprocess, sys, time

uf, url, nbytes, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tck = os.sysconf("SC_CLK_TCK")
def server_cpu():
    f = open(f"/proc/{sys.argv[5]}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tck
null = open(os.devnull, "wb")
CMDS = {
    "ufetch": [uf, "-q", url],
    "curl": ["curl", "-s", url],
}

def reap(p):
    _, st, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(st)
    return ru.ru_utime + ru.ru_stime

def run(client, mode):
    """One fetch: (wall s, client cpu s, cat cpu s, output bytes, nginx cpu s)."""
    s0, t0 = server_cpu(), time.perf_counter()
    if mode == "null":
        p = subprocess.Popen(CMDS[client][:-1] + ["-o", "/dev/null", url],
                             stdout=null)
        cpu, catcpu, out = reap(p), 0.0, None
    else:
        p = subprocess.Popen(CMDS[client], stdout=subprocess.PIPE)
        sink = ["wc", "-c"] if mode == "count" else ["cat"]
        q = subprocess.Popen(sink, stdin=p.stdout,
                             stdout=subprocess.PIPE if mode == "count" else null)
        p.stdout.close()
        out = int(q.stdout.read()) if mode == "count" else None
        cpu, catcpu = reap(p), reap(q)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"throughput.sh: {client} ({mode}) exited {p.returncode}")
    return wall, cpu, catcpu, out, server_cpu() - s0

# Warm-up, and check that both clients deliver every byte.
for c in CMDS:
    got = run(c, "count")[3]
    if got != nbytes:
        sys.exit(f"throughput.sh: {c} delivered {got} of {nbytes} bytes")
    run(c, "null")

res = {(c, m): [] for c in CMDS for m in ("null", "pipe")}
for i in range(runs):
    order = ["ufetch", "curl"] if i % 2 == 0 else ["curl", "ufetch"]
    for m in ("null", "pipe"):
        for c in order:
            res[c, m].append(run(c, m))
    print(f"run {i + 1}/{runs}: " + "  ".join(
        f"{c}/{m} {res[c, m][-1][0]:.3f}s" for m in ("null", "pipe") for c in CMDS),
        flush=True)

med = lambda xs: statistics.median(xs)
print()
print(f"{'=' * 26} throughput summary ({runs} runs each, alternating, medians) {'=' * 15}")
print(f"{'client, output':<22}{'wall s':>9}{'MB/s':>9}{'min s':>8}{'max s':>8}"
      f"{'client cpu s':>14}{'cat cpu s':>11}{'nginx cpu s':>13}")
ratio = {}
for m, label in (("null", "-o /dev/null"), ("pipe", "| cat >/dev/null")):
    for c in CMDS:
        w = [r[0] for r in res[c, m]]
        print(f"{c + ' ' + label:<22}{med(w):>9.3f}{nbytes / med(w) / 1e6:>9.0f}"
              f"{min(w):>8.3f}{max(w):>8.3f}{med(r[1] for r in res[c, m]):>14.3f}"
              + (f"{med(r[2] for r in res[c, m]):>11.3f}" if m == "pipe" else f"{'-':>11}")
              + f"{med(r[4] for r in res[c, m]):>13.2f}")
    ratio[m] = med(r[0] for r in res["ufetch", m]) / med(r[0] for r in res["curl", m])
cpu_ratio = med(r[1] for r in res["ufetch", "null"]) / med(r[1] for r in res["curl", "null"])
print()
print(f"ufetch/curl wall, -o /dev/null: {ratio['null']:.2f}   requirement <= 1.00 .... "
      + ("PASS" if ratio["null"] <= 1.0 else "FAIL"))
print(f"ufetch/curl wall, through pipe: {ratio['pipe']:.2f}   (for information)")
print(f"ufetch/curl client cpu, /dev/null: {cpu_ratio:.2f}")
busy = med(r[4] / r[0] for r in res["ufetch", "null"] + res["curl", "null"])
print(f"nginx worker cpu / wall, /dev/null: {busy:.2f}   (near 1: the server, not the client, sets the pace)")
print("=" * 100)
EOF
