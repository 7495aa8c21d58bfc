#!/bin/bash
# bench/parallel.sh: many URLs at network latency (issue 15), loopback only.
#
#   1. 240 URLs of 100 B over 4 origins (round-robin), each request answered
#      10 ms late by a small asyncio server (Python; Debian's nginx has no
#      echo_sleep): ufetch -P 16 against curl -Z --parallel-max 16, xargs -P16
#      over ufetch (15 URLs per process) and wget2 --max-threads 16 if
#      installed.  Wall time (exec to exit), median of RUNS runs, the
#      clients alternating; ratios to curl's median.  Goals: ufetch -P 16 at
#      most 1.0 of curl's wall (aim 0.8).
#   2. Peak memory of the whole process tree for the same runs (MEMRUNS runs
#      each, apart from the timed ones): /proc/PID/smaps_rollup of the client
#      and every descendant, summed, sampled as fast as the sampler can
#      (a run lasts ~0.2 s; each sample reads every process of the tree);
#      the peak of the sum of PSS (the honest figure for forked processes
#      sharing their text: each shared page counted once in all) and of the
#      sum of RSS (shared pages counted in every process).  Median of the
#      peaks.  Goal: ufetch -P 16 at most 0.5 of curl's.
#   3. 1,000 URLs of one host over loopback (nginx, keep-alive) at -P 1,
#      against today's binary (BASE, default af5fc19: main before -P, built
#      from git archive in the temp dir): no slower.
#   4. The memory bound of the man page: ufetch -P N (N = 2, 8, 16, one
#      connection per worker) with 2N bodies of 300 kB in flight (nginx,
#      limit_rate 100k) over HTTP and HTTPS (the test PKI's ECDSA chain);
#      summed PSS and RSS of the tree 1.5 s in, and the base and per-worker
#      slope fitted between N = 2 and N = 16.
#
# Prints a report (markdown) and writes it to OUT_MD (default
# bench/parallel.md).  Exit status 0 unless it cannot run.
# Environment: UFETCH (default REPO/ufetch), UFETCH_BASE (a binary to use
# instead of building BASE), BASE, RUNS (default 11), MEMRUNS (5),
# LOOPRUNS (31), KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
base=${BASE:-af5fc19}
out_md=${OUT_MD:-$repo/bench/parallel.md}
export RUNS=${RUNS:-11} MEMRUNS=${MEMRUNS:-5} LOOPRUNS=${LOOPRUNS:-31}
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
[ -x "$uf" ] || make -C "$repo" ufetch >&2
need parallel.sh "$py" curl nginx xargs openssl
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

bench_tmp ufetch-parallel

# Today's binary, for case 3.
if [ -z "${UFETCH_BASE:-}" ]; then
	mkdir "$tmp/base"
	git -C "$repo" archive "$base" | tar -x -C "$tmp/base"
	make -s -C "$tmp/base" ufetch >&2
	UFETCH_BASE=$tmp/base/ufetch
fi

read -r p1 p2 p3 p4 pn pt < <(free_ports 6)

# The 10 ms server: HTTP/1.1, keep-alive, each response 10 ms after its
# request, a 100-byte body.
cat > "$tmp/slow.py" <<'EOF_PY'
import asyncio, sys
delay = float(sys.argv[1])
body = b"x" * 99 + b"\n"
resp = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
async def handle(r, w):
    try:
        while True:
            head = await r.readuntil(b"\r\n\r\n")
            await asyncio.sleep(delay)
            w.write(resp)
            await w.drain()
            if b"\nConnection: close" in head:
                break
    except Exception:
        pass
    w.close()
async def main():
    ss = [await asyncio.start_server(handle, "127.0.0.1", int(p), backlog=1024)
          for p in sys.argv[2:]]
    await asyncio.gather(*(s.serve_forever() for s in ss))
asyncio.run(main())
EOF_PY
"$py" "$tmp/slow.py" 0.010 "$p1" "$p2" "$p3" "$p4" &
pids+=($!)

printf 'x%.0s' $(seq 99) > "$tmp/www/small"; echo >> "$tmp/www/small"
head -c 300000 /dev/zero > "$tmp/www/big"
tls_pem
chmod -R a+rX "$tmp"
nginx_start 1024 <<EOF
    access_log off; keepalive_timeout 60; keepalive_requests 100000;
    server { listen 127.0.0.1:$pn backlog=4096; root $tmp/www;
             location /big { limit_rate 100k; } }
    server { listen 127.0.0.1:$pt ssl backlog=4096; root $tmp/www;
             ssl_certificate $tmp/chain.pem; ssl_certificate_key $tmp/leaf-ec.key;
             ssl_protocols TLSv1.2 TLSv1.3; limit_rate 100k; }
EOF
nginx_wait curl -sf -o /dev/null "http://127.0.0.1:$pn/small"
nginx_wait curl -sf --cacert "$repo/tests/pki/ca.pem" -o /dev/null \
    "https://localhost:$pt/small"
for p in "$p1" "$p2" "$p3" "$p4"; do
	retry curl -sf -o /dev/null "http://127.0.0.1:$p/" ||
	    { echo "parallel.sh: the 10 ms server did not start" >&2; exit 2; }
done

ports=("$p1" "$p2" "$p3" "$p4")
for i in $(seq 0 239); do
	echo "http://127.0.0.1:${ports[i % 4]}/$i"
done > "$tmp/list"
sed 's/.*/url = "&"/' "$tmp/list" > "$tmp/list.curl"
for i in $(seq 0 999); do echo "http://127.0.0.1:$pn/small?$i"; done \
    > "$tmp/loop"

have_wget2=0
command -v wget2 >/dev/null && have_wget2=1

export PN="$pn" PT="$pt" CA="$repo/tests/pki/ca.pem"
export UF="$uf" UF_BASE="$UFETCH_BASE" TMPD="$tmp" HAVE_WGET2="$have_wget2" \
    BASE_NAME="${UFETCH_BASE_NAME:-$base}"
"$py" - <<'EOF_PY' | tee "$out_md"
import os, statistics, subprocess, sys, time, hashlib

uf, base, tmp = os.environ["UF"], os.environ["UF_BASE"], os.environ["TMPD"]
runs, memruns = int(os.environ["RUNS"]), int(os.environ["MEMRUNS"])
loopruns = int(os.environ["LOOPRUNS"])
lst, cfg, loop = tmp + "/list", tmp + "/list.curl", tmp + "/loop"

clients = [
    ("ufetch -P 16", [uf, "-P", "16", "@" + lst]),
    ("curl -Z --parallel-max 16", ["curl", "-s", "-Z", "--parallel-max",
                                   "16", "-K", cfg]),
    ("xargs -P16 -n15 ufetch", ["sh", "-c", "exec xargs -P16 -n15 %s < %s"
                                % (uf, lst)]),
]
if os.environ["HAVE_WGET2"] == "1":
    clients.append(("wget2 --max-threads 16",
                    ["wget2", "-q", "--max-threads=16", "-i", lst, "-O", "-"]))

def run(cmd, out=subprocess.DEVNULL):
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL)
    t = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit("parallel.sh: %s failed (%d)" % (cmd, p.returncode))
    return t

def tree(root):
    """root and its descendants, from /proc/PID/task/*/children."""
    seen, todo = [], [root]
    while todo:
        p = todo.pop()
        seen.append(p)
        try:
            for t in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, t)) as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return seen

def rollup(pid):
    pss = rss = 0
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss

def peak(cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    best = [0, 0, 0]
    while p.poll() is None:
        ps = [rollup(q) for q in tree(p.pid)]
        s = [sum(x[0] for x in ps), sum(x[1] for x in ps), len(ps)]
        best = [max(a, b) for a, b in zip(best, s)]
    return best

# The same bytes in the same order as a serial run.
serial = subprocess.run([uf, "@" + lst], capture_output=True).stdout
par = subprocess.run([uf, "-P", "16", "@" + lst], capture_output=True).stdout
assert serial == par and len(serial) == 240 * 100, "-P 16 differs from serial"

wall = {n: [] for n, _ in clients}
for r in range(runs):
    k = r % len(clients)
    for n, c in clients[k:] + clients[:k]:
        wall[n].append(run(c))
mem = {n: [] for n, _ in clients}
for r in range(memruns):
    for n, c in clients:
        mem[n].append(peak(c))
lw = {"today (%s)" % os.environ["BASE_NAME"]: [], "this branch": []}
names = list(lw)
for r in range(loopruns):
    for n, b in ([(names[0], base), (names[1], uf)] if r % 2 == 0 else
                 [(names[1], uf), (names[0], base)]):
        lw[n].append(run([b, "@" + loop]))

def med(x):
    return statistics.median(x)

c0 = clients[1][0]
cw = med(wall[c0])
cp = med([m[0] for m in mem[c0]])
cr = med([m[1] for m in mem[c0]])
print("# -P: many URLs at network latency (bench/parallel.sh)\n")
print("```")
print("date:    " + time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
print("nproc:   %d" % os.cpu_count())
print("load:    %s (at the end)" % open("/proc/loadavg").read().split()[0])
print("ufetch:  %s, %d bytes" % (uf, os.path.getsize(uf)))
print("curl:    " + subprocess.run(["curl", "--version"], capture_output=True,
      text=True).stdout.splitlines()[0])
if os.environ["HAVE_WGET2"] == "1":
    print("wget2:   " + subprocess.run(["wget2", "--version"],
          capture_output=True, text=True).stdout.splitlines()[0])
print("server:  Python asyncio, 4 ports, each request answered 10 ms late")
print("list:    240 URLs of 100 B, the 4 origins in turn")
print("runs:    wall %d, memory %d (apart), loopback %d" % (runs, memruns,
      loopruns))
print("```\n")
print("## 240 URLs, 10 ms each, 16 at a time\n")
print("| client | wall (median) | / curl | peak PSS, tree | / curl "
      "| peak RSS, tree | / curl | processes |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for n, _ in clients:
    w = med(wall[n])
    p = med([m[0] for m in mem[n]])
    s = med([m[1] for m in mem[n]])
    k = max(m[2] for m in mem[n])
    print("| %s | %.0f ms | %.2f | %d kB | %.2f | %d kB | %.2f | %d |"
          % (n, w * 1000, w / cw, p, p / cp, s, s / cr, k))
print("\nStandard output: ufetch -P 16 wrote the same bytes as a serial run, "
      "in list order (checked); curl -Z and wget2 write in order of "
      "completion, xargs in order of its batches.\n")
print("## 1,000 URLs of one host over loopback (nginx), -P 1\n")
print("| binary | wall (median) | / today |")
print("|---|---:|---:|")
t0 = med(lw[names[0]])
for n in names:
    print("| %s | %.1f ms | %.3f |" % (n, med(lw[n]) * 1000,
          med(lw[n]) / t0))

def steady(url, n):
    """Summed PSS and RSS of ufetch -P n, 1.5 s into 2n slow bodies."""
    args = [uf, "-P", str(n), "--parallel-host", str(n), "--cacert",
            os.environ["CA"]] + [url + "?%d" % i for i in range(2 * n)]
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    ps = [rollup(q) for q in tree(p.pid)]
    p.kill()
    p.wait()
    return sum(x[0] for x in ps), sum(x[1] for x in ps), len(ps)

print("\n## Memory of -P N with bodies in flight (300 kB each, 100 kB/s)\n")
print("| scheme | N | processes | PSS, tree | RSS, tree |")
print("|---|---:|---:|---:|---:|")
fit = []
for scheme, url in (("http", "http://127.0.0.1:%s/big" % os.environ["PN"]),
                    ("https", "https://localhost:%s/big" % os.environ["PT"])):
    m = {}
    for n in (2, 8, 16):
        m[n] = steady(url, n)
        print("| %s | %d | %d | %d kB | %d kB |" % ((scheme, n, m[n][2])
              + m[n][:2]))
    for k, what in ((0, "PSS"), (1, "RSS")):
        slope = (m[16][k] - m[2][k]) / 14
        fit.append("%s %s: %.0f kB + %.0f kB per worker" % (scheme, what,
                   m[2][k] - 2 * slope, slope))
print("\nFitted between N = 2 and N = 16: " + "; ".join(fit) + ".")
EOF_PY
