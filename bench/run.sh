#!/bin/bash
# bench/run.sh: ufetch against curl, GNU wget, busybox wget and Python's
# urllib, all fetching from a private nginx on 127.0.0.1 (HTTP, and HTTPS
# with the ECDSA chain of tests/pki, TLS 1.2 + 1.3, session cache, keep-alive,
# sendfile; every client negotiates TLS 1.3 with it).  Cases:
#   1. 100 B over HTTP, whole process               (wall; ufetch/curl <= 0.3)
#   2. 100 B over HTTPS (TLS 1.3), trust = Debian bundle + test root in one
#      file                                          (wall; ufetch/curl <= 0.25)
#   3. 1 GiB over HTTP, -o /dev/null and | cat       (wall; ufetch/curl <= 0.9)
#   4. 1 GiB over HTTPS (TLS 1.3), -o /dev/null and | cat
#                                                    (client CPU; <= 0.8)
#   5. 1,000 URLs of one host in one process, HTTP and HTTPS (wall; <= 0.8)
#   6. peak RSS of the client in every case          (ufetch/curl <= 0.15;
#      static ufetch on 1 GiB HTTPS <= 512 KiB; static binary <= 225,000 B)
# Clients run alternately (the order rotates every run); medians are
# reported, with ratios to curl from the same run.  Wall time is from exec
# to exit (a pipeline: to the exit of both); CPU and peak RSS are those of
# the client process alone: CPU from wait4(), peak RSS as VmHWM read at the
# client's exit by a tiny fork+ptrace helper (see "The spawner").  By
# default the whole measurement runs with ASLR off (setarch -R around the
# driver, inherited by every client) so that peak RSS does not move with
# library placement.
#
# Writes bench/results.md and bench/chart.svg.  A report: prints PASS/FAIL
# and exits 0 (2 only if it cannot run at all).
# Environment: RUNS_SMALL (default 21), RUNS_BIG (5), RUNS_MANY (7),
# NURLS (1000), SIZE (1G, as for truncate), ASLR=1 (leave ASLR on),
# UFETCH (./ufetch, the default build: static musl), UFETCH_STATIC
# (build/static/ufetch, for its size), UFETCH_DYNAMIC (the dynamic link,
# build/dynamic/ufetch, shown as ufetch-dynamic), KEEP=1 keeps the temp dir,
# OUT_MD, OUT_SVG (defaults bench/results.md, bench/chart.svg).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$repo/bench/lib.sh"
uf=${UFETCH:-$repo/ufetch}
ufs=${UFETCH_STATIC:-$repo/build/static/ufetch}
ufd=${UFETCH_DYNAMIC:-$repo/build/dynamic/ufetch}
pki=$repo/tests/pki
export RUNS_SMALL=${RUNS_SMALL:-21} RUNS_BIG=${RUNS_BIG:-5} RUNS_MANY=${RUNS_MANY:-7}
export NURLS=${NURLS:-1000}
size=${SIZE:-1G}
out_md=${OUT_MD:-$repo/bench/results.md}
out_svg=${OUT_SVG:-$repo/bench/chart.svg}
t_start=$(date +%s.%N)

[ -x "$uf" ] || make -C "$repo" ufetch >&2
[ -x "$ufs" ] || make -C "$repo" static >&2
[ -x "$ufd" ] || make -C "$repo" build/dynamic/ufetch >&2
# What ./ufetch is: make copies the static build there when musl-gcc is
# found (Makefile), else the dynamic link.
uf_static=0 uf_kind="dynamic (no musl-gcc, or DYNAMIC=1)"
if cmp -s "$uf" "$ufs"; then uf_static=1 uf_kind="static musl (make's default)"; fi
if ! busybox wget --help >/dev/null 2>&1; then
	echo "run.sh: busybox missing, installing busybox-static" >&2
	apt-get install -y -q busybox-static >&2 ||
		{ apt-get update -q >&2 && apt-get install -y -q busybox-static >&2; } || true
fi
# The clients' Python: Debian's own (a pyenv shim would add its start-up).
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
need run.sh nginx openssl curl wget busybox "$py" setarch
# The machine exports trust settings: no client inherits them; each gets
# its trust explicitly below.
unset SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE REQUESTS_CA_BUNDLE \
	NIX_SSL_CERT_FILE PIP_CERT HTTPLIB2_CA_CERTS
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

bench_tmp ufetch-bench

read -r ph ps < <(free_ports 2)
tls_pem
bundle=$tmp/bundle.pem
cat /etc/ssl/certs/ca-certificates.crt "$pki/root.crt" > "$bundle"
nbundle=$(grep -c 'BEGIN CERTIFICATE' "$bundle")
head -c 99 /dev/zero | tr '\0' 'x' > "$tmp/www/small"; echo >> "$tmp/www/small"
truncate -s "$size" "$tmp/www/big"          # sparse: served from the zero page
chmod -R a+rX "$tmp"                        # workers run as nobody under root
nginx_start 4096 <<EOF
    access_log off; sendfile on; default_type application/octet-stream;
    keepalive_timeout 60; keepalive_requests 100000;
    ssl_session_cache shared:S:10m;
    server {
        listen 127.0.0.1:$ph backlog=4096;
        root $tmp/www;
    }
    server {
        listen 127.0.0.1:$ps ssl backlog=4096;
        ssl_certificate $tmp/chain.pem; ssl_certificate_key $tmp/leaf-ec.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        root $tmp/www;
    }
EOF
nginx_wait curl -sf -o /dev/null "http://127.0.0.1:$ph/small"
nginx_wait curl -sf --cacert "$bundle" -o /dev/null "https://127.0.0.1:$ps/small"
cat "$tmp/www/big" > /dev/null              # page cache warm (read once)

for n in $(seq 0 $((NURLS - 1))); do echo "/small?i=$n"; done > "$tmp/paths"
for s in http:$ph https:$ps; do
	sed "s|^|${s%%:*}://127.0.0.1:${s#*:}|" "$tmp/paths" > "$tmp/list-${s%%:*}"
	# curl: one process, a url line and an output line per URL.
	sed 's/.*/url = "&"\n--output \/dev\/null/' "$tmp/list-${s%%:*}" > "$tmp/curl-${s%%:*}.cfg"
done

# The spawner.  wait4() gives the CPU time of the client alone, but not a
# usable peak RSS: ru_maxrss survives exec (a Python driver would set a
# ~15 MB floor under every client, /usr/bin/time a ~430 kB one), and on this
# kernel the mm counters it is computed from are per-CPU approximations that
# can lag by 128 kB per CPU and counter (a static ufetch whose VmHWM is
# 284 kB reports ru_maxrss 128).  So a tiny helper forks, PTRACE_SEIZEs the
# child with PTRACE_O_TRACEEXIT (one stop, at exit; no syscall tracing),
# releases it into execve, and at the exit stop reads VmHWM from
# /proc/PID/status: the exec'd image's own high-water mark, with exact
# current counts.  The time spent reading it is not counted as wall time.
cat > "$tmp/spawn.c" <<'EOF_C'
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long
vmhwm(pid_t pid)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0) {
			sscanf(line + 6, "%ld", &v);
			break;
		}
	fclose(f);
	return v;
}

/* spawn RESULT PROG ARGS...: run PROG (a path); write to RESULT
 * "exitstatus wall_s cpu_s vmhwm_kB ru_maxrss_kB" of PROG alone. */
int
main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t, paused = 0;
	long hwm = -1;
	int go[2], st, ev, rc;
	char c = 0;
	pid_t p;
	FILE *f;

	if (argc < 3 || pipe(go) != 0)
		return 2;
	if ((p = fork()) < 0)
		return 2;
	if (p == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(126);
		close(go[0]);
		execve(argv[2], argv + 2, environ);
		_exit(127);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, p, 0, PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL) != 0)
		perror("spawn: PTRACE_SEIZE (peak RSS unknown)");
	t0 = now();
	if (write(go[1], &c, 1) != 1)
		return 2;
	close(go[1]);
	for (;;) {
		if (wait4(p, &st, 0, &ru) < 0)
			return 2;
		if (!WIFSTOPPED(st))
			break;
		ev = st >> 16;
		if (ev == PTRACE_EVENT_EXIT) {
			t = now();
			hwm = vmhwm(p);
			paused += now() - t;
			ptrace(PTRACE_CONT, p, 0, 0);
		} else if (ev != 0) {
			ptrace(PTRACE_CONT, p, 0, 0);
		} else {
			ptrace(PTRACE_CONT, p, 0, WSTOPSIG(st));
		}
	}
	t = now() - t0 - paused;
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if ((f = fopen(argv[1], "w")) == NULL)
		return 2;
	fprintf(f, "%d %.9f %.6f %ld %ld\n", rc, t,
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
	    hwm, ru.ru_maxrss);
	return fclose(f) == 0 ? 0 : 2;
}
EOF_C
spawn_cc=
for c in "musl-gcc -static -Os" "cc -static -O2" "cc -O2"; do
	# shellcheck disable=SC2086
	if $c -o "$tmp/spawn" "$tmp/spawn.c" 2>/dev/null; then spawn_cc=$c; break; fi
done
[ -n "$spawn_cc" ] || { echo "run.sh: cannot compile the spawn helper" >&2; exit 2; }
"$tmp/spawn" "$tmp/floor" "$ufs" -V > /dev/null
read -r _ _ _ floor_hwm floor_maxrss < "$tmp/floor"
# The floor under any dynamically linked program: an empty main() with
# the system C library, its loader and nothing else.
echo 'int main(void) { return 0; }' > "$tmp/empty.c"
cc -O2 -o "$tmp/empty" "$tmp/empty.c"
"$tmp/spawn" "$tmp/floor" "$tmp/empty" > /dev/null
read -r _ _ _ empty_hwm _ < "$tmp/floor"

norand=()
if [ "${ASLR:-0}" != 1 ] && setarch "$(uname -m)" -R true 2>/dev/null; then
	norand=(setarch "$(uname -m)" -R)
fi

# Context.
ver() { { "$@" 2>&1 || true; } | sed -n 1p; }
bb_ver=$({ busybox 2>&1 || true; } | sed -n '1s/ multi-call binary.*//p')
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
echo "== context"
echo "date:       $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "nproc:      $(nproc)"
echo "cpu:        ${cpu:-unknown}"
echo "kernel:     $(uname -srvm)"
echo "load:       $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at start)"
echo "source:     git $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet HEAD -- src 2>/dev/null || echo " + uncommitted changes in src/: $(git -C "$repo" diff --name-only HEAD -- src | tr '\n' ' ')")"
echo "ufetch:     $(ver "$uf" -V) [$("$uf" -V | sed -n 3p)] $uf_kind, $uf, $(wc -c < "$uf") bytes"
echo "ufetch-dyn: $(ver "$ufd" -V) dynamic link ($(ldd "$ufd" | awk '$1 ~ /^lib/ { printf "%s%s", n++ ? " " : "", $1 }')), $ufd"
echo "curl:       $(ver curl --version | cut -d' ' -f1-5)"
echo "wget:       $(ver wget --version | sed 's/ built on.*//') ($(wget --version | grep -o '+ssl/[a-z]*'))"
echo "busybox:    $bb_ver ($(command -v busybox), wget built-in TLS)"
echo "python:     $("$py" -c 'import ssl, sys; print(f"Python {sys.version.split()[0]} urllib, {ssl.OPENSSL_VERSION}")') ($py)"
echo "nginx:      $(nginx -v 2>&1 | sed 's/.*nginx\///'), 1 worker, sendfile on, keepalive_requests 100000,"
echo "            TLSv1.2 TLSv1.3, ECDSA P-256 leaf + int, ssl_session_cache shared:S:10m"
echo "trust:      bundle = /etc/ssl/certs/ca-certificates.crt + tests/pki/root.crt ($nbundle certs, $(wc -c < "$bundle") bytes)"
echo "files:      small = $(stat -c %s "$tmp/www/small") B, big = $(stat -c %s "$tmp/www/big") B (sparse, pre-read)"
echo "runs:       small $RUNS_SMALL, 1 GiB $RUNS_BIG, $NURLS URLs $RUNS_MANY (each client, alternating)"
echo "ASLR:       $([ ${#norand[@]} -gt 0 ] && echo "off for all clients (setarch -R around the driver)" || echo on)"
echo "spawner:    fork + PTRACE_SEIZE (exit stop only) + exec helper ($spawn_cc)"
echo "peak RSS:   VmHWM at the client's exit; e.g. static ufetch -V: VmHWM $floor_hwm kB, ru_maxrss $floor_maxrss kB"
echo "            an empty dynamically linked C program (cc, main returns 0): VmHWM $empty_hwm kB"
echo "static:     wc -c build/static/ufetch: $(wc -c < "$ufs") $ufs"
} | tee "$tmp/context.txt"
echo

export SPAWN=$tmp/spawn UF=$uf UFS=$ufs UFD=$ufd UF_STATIC=$uf_static EMPTY_HWM=$empty_hwm PY=$py TMP=$tmp PH=$ph PS=$ps BUNDLE=$bundle \
	OUT_MD=$out_md OUT_SVG=$out_svg CHART=$repo/bench/chart.py T_START=$t_start
"${norand[@]}" "$py" - <<'EOF' || echo "run.sh: the driver failed (status $?)" >&2
import json, os, statistics, subprocess, sys, time

E = os.environ
UF, UFS, UFD, PY, TMP = E["UF"], E["UFS"], E["UFD"], E["PY"], E["TMP"]
UF_STATIC = E["UF_STATIC"] == "1"
PH, PS, BUNDLE = E["PH"], E["PS"], E["BUNDLE"]
RS, RB, RM, NURLS = int(E["RUNS_SMALL"]), int(E["RUNS_BIG"]), int(E["RUNS_MANY"]), int(E["NURLS"])
BIG = os.path.getsize(f"{TMP}/www/big")
SMALL = os.path.getsize(f"{TMP}/www/small")
which = lambda n: subprocess.run(["sh", "-c", f"command -v {n}"], capture_output=True,
                                 text=True).stdout.strip()
CURL, WGET, BB = which("curl"), which("wget"), which("busybox")
CLIENTS = ["ufetch", "ufetch-dynamic", "curl", "wget", "busybox wget", "python urllib"]
base_env = {k: v for k, v in E.items()
            if not k.startswith(("SSL_", "CURL_", "UF", "RUNS_", "OUT_"))}

PY_ONE = """import shutil, ssl, sys, urllib.request
url, out, ca = sys.argv[1], sys.argv[2], sys.argv[3:]
ctx = ssl.create_default_context(cafile=ca[0]) if ca else None
with urllib.request.urlopen(url, context=ctx) as r:
    shutil.copyfileobj(r, sys.stdout.buffer if out == "-" else open(out, "wb"))
"""
PY_MANY = """import shutil, ssl, sys, urllib.request
lst, ca = sys.argv[1], sys.argv[2:]
ctx = ssl.create_default_context(cafile=ca[0]) if ca else None
with open("/dev/null", "wb") as o:
    for url in open(lst).read().split():
        with urllib.request.urlopen(url, context=ctx) as r:
            shutil.copyfileobj(r, o)
"""

def cmd(client, scheme, what, out):
    """argv, env, stdin path for one fetch.  what: small | big | many;
    out: a path or '-' (stdout)."""
    https = scheme == "https"
    url = f"{scheme}://127.0.0.1:{PS if https else PH}/{what}"
    lst = f"{TMP}/list-{scheme}"
    env, stdin = dict(base_env), "/dev/null"
    if client.startswith("ufetch"):
        argv = [UF if client == "ufetch" else UFD, "-q"]
        if https:
            env["SSL_CERT_FILE"] = BUNDLE
        if what == "many":
            argv += ["-o", "/dev/null", "-"]
            stdin = lst
        else:
            argv += ([] if out == "-" else ["-o", out]) + [url]
    elif client == "curl":
        argv = [CURL, "-s"] + (["--cacert", BUNDLE] if https else [])
        if what == "many":
            argv += ["--config", f"{TMP}/curl-{scheme}.cfg"]
        else:
            argv += ([] if out == "-" else ["-o", out]) + [url]
    elif client == "wget":
        argv = [WGET, "-q"] + ([f"--ca-certificate={BUNDLE}"] if https else [])
        if what == "many":
            argv += ["-i", lst, "-O", "/dev/null"]
        else:
            argv += ["-O", out, url]
    elif client == "busybox wget":
        argv = [BB, "wget", "-q"] + (["--no-check-certificate"] if https else [])
        if what == "many":
            argv += ["-O", "/dev/null"] + open(lst).read().split()
        else:
            argv += ["-O", out, url]
    else:
        if what == "many":
            argv = [PY, "-c", PY_MANY, lst]
        else:
            argv = [PY, "-c", PY_ONE, url, out]
        argv += [BUNDLE] if https else []
    return argv, env, stdin

def spawn(argv, env, stdin, stdout, stderr):
    fa = [(os.POSIX_SPAWN_OPEN, 0, stdin, os.O_RDONLY, 0) if isinstance(stdin, str)
          else (os.POSIX_SPAWN_DUP2, stdin, 0)]
    fa.append((os.POSIX_SPAWN_OPEN, 1, stdout, os.O_WRONLY, 0) if isinstance(stdout, str)
              else (os.POSIX_SPAWN_DUP2, stdout, 1))
    fa.append((os.POSIX_SPAWN_OPEN, 2, stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
    return os.posix_spawn(argv[0], argv, env, file_actions=fa)

ERR, RES = f"{TMP}/client.err", f"{TMP}/client.res"
SPAWN = E["SPAWN"]
failures = {}
def run(client, scheme, what, mode, count=False):
    """One fetch.  mode: null (-o /dev/null) | pipe (| cat >/dev/null).
    Returns (wall s, client cpu s, client VmHWM kB, ok, bytes or None,
    client ru_maxrss kB).
    The spawn helper times the client alone; for a pipe, wall runs until
    both the client and cat have exited."""
    argv, env, stdin = cmd(client, scheme, what, "/dev/null" if mode == "null" else "-")
    argv = [SPAWN, RES] + argv
    nbytes = None
    if mode == "null":
        pid = spawn(argv, env, stdin, "/dev/null", ERR)
        os.waitpid(pid, 0)
    else:
        r, w = os.pipe()
        t0 = time.perf_counter()
        pid = spawn(argv, env, stdin, w, ERR)
        if count:
            os.close(w)
            nbytes = 0
            while True:
                b = os.read(r, 1 << 20)
                if not b:
                    break
                nbytes += len(b)
            os.close(r)
            cpid = None
        else:
            cpid = spawn(["/bin/cat"], base_env, r, "/dev/null", "/dev/null")
            os.close(r)
            os.close(w)
        os.waitpid(pid, 0)
        if cpid:
            os.waitpid(cpid, 0)
        pwall = time.perf_counter() - t0
    try:
        f = open(RES).read().split()
        rc, wall, cpu, rss, maxrss = int(f[0]), float(f[1]), float(f[2]), int(f[3]), int(f[4])
        os.unlink(RES)
    except (OSError, IndexError, ValueError):
        rc, wall, cpu, rss, maxrss = -1, 0.0, 0.0, 0, 0
    if mode != "null":
        wall = pwall
    if rc != 0:
        key = (client, scheme, what, mode)
        if key not in failures:
            msg = open(ERR, errors="replace").read().strip().splitlines()[-3:]
            print(f"  !! {client} {scheme} {what} {mode}: exit {rc}: {' | '.join(msg)}",
                  flush=True)
        failures[key] = failures.get(key, 0) + 1
    return wall, cpu, rss, rc == 0, nbytes, maxrss

# Cases: (key, label, scheme, what, mode, runs).
CASES = [
    ("small_http", "100 B, HTTP", "http", "small", "null", RS),
    ("small_https", "100 B, HTTPS TLS 1.3 (full bundle)", "https", "small", "null", RS),
    ("big_http_null", "1 GiB, HTTP, -o /dev/null", "http", "big", "null", RB),
    ("big_http_pipe", "1 GiB, HTTP, | cat", "http", "big", "pipe", RB),
    ("big_https_null", "1 GiB, HTTPS TLS 1.3, -o /dev/null", "https", "big", "null", RB),
    ("big_https_pipe", "1 GiB, HTTPS TLS 1.3, | cat", "https", "big", "pipe", RB),
    ("many_http", f"{NURLS:,} URLs, HTTP, one process", "http", "many", "null", RM),
    ("many_https", f"{NURLS:,} URLs, HTTPS, one process", "https", "many", "null", RM),
]
# Requirements on ufetch's ratio to curl: (metric, limit) for each case,
# metric 0 = wall, 1 = client CPU; and peak RSS (metric 2) in every case.
LIMIT = {"small_http": (0, 0.3), "small_https": (0, 0.25),
         "big_http_null": (0, 0.9), "big_http_pipe": (0, 0.9),
         "big_https_null": (1, 0.8), "big_https_pipe": (1, 0.8),
         "many_http": (0, 0.8), "many_https": (0, 0.8)}
LIMIT_RSS = 0.15
def limit(key, i):
    return LIMIT_RSS if i == 2 else LIMIT[key][1] if LIMIT[key][0] == i else None

# Correctness and warm-up: every client delivers every byte once.
print("== check: bytes delivered through a pipe (also the warm-up)", flush=True)
for scheme in ("http", "https"):
    for what, want in (("small", SMALL), ("big", BIG)):
        got = {c: run(c, scheme, what, "pipe", count=True) for c in CLIENTS}
        print(f"{scheme:<5} {what:<5} " + "  ".join(
            f"{c} {'ok' if g[3] and g[4] == want else f'BAD ({g[4]} B)'} {g[0]:.2f}s"
            for c, g in got.items()), flush=True)
print()

res = {}
for key, label, scheme, what, mode, runs in CASES:
    print(f"== {label}: {runs} runs each, alternating", flush=True)
    res[key] = {c: [] for c in CLIENTS}
    tc = time.perf_counter()
    for i in range(runs):
        k = i % len(CLIENTS)
        order = CLIENTS[k:] + CLIENTS[:k]
        for c in order:
            res[key][c].append(run(c, scheme, what, mode))
        if what != "small" or i == runs - 1:
            unit, f = ("ms", 1e3) if what == "small" else ("s", 1)
            print(f"  run {i + 1}/{runs}: " + "  ".join(
                f"{c} {res[key][c][-1][0] * f:.3f}" for c in CLIENTS) + f" ({unit})", flush=True)
    print(f"  ({time.perf_counter() - tc:.1f} s)", flush=True)
print()

med = statistics.median
def stat(key, c, i):
    rows = [r for r in res[key][c] if r[3]]
    return med([r[i] for r in rows]) if rows else None
def ratio(key, c, i):
    a, b = stat(key, c, i), stat(key, "curl", i)
    return a / b if a is not None and b else None
def fmt_t(v, what):
    if v is None:
        return "failed"
    return f"{v * 1e3:.2f} ms" if what == "small" else f"{v:.3f} s"
f2 = lambda v: "-" if v is None else f"{v:.2f}" if v >= 0.1 else f"{v:.3f}"

# Text report and Markdown.
md = []
ctx = open(f"{TMP}/context.txt").read().splitlines()[1:]
md += ["# ufetch benchmark: ufetch vs curl, GNU wget, busybox wget, Python urllib", "",
       "Generated by `bench/run.sh` (`make bench`). Loopback only, nginx on 127.0.0.1. "
       "Medians over alternating runs; ratios are to curl's median in the same run. "
       "Wall: exec to exit (for `| cat`, to the exit of both). CPU (user+sys) and peak "
       "RSS are the client process's own: CPU from wait4(2), peak RSS = VmHWM read at "
       "the client's exit (a tiny fork+ptrace helper). ru_maxrss is shown for reference only: "
       "it survives exec and, on this kernel, lags the per-CPU RSS counters.", "",
       "```"] + ctx + ["```", ""]
print("=" * 34 + " results (medians) " + "=" * 34)
for key, label, scheme, what, mode, runs in CASES:
    print(f"-- {label} ({runs} runs)")
    print(f"{'client':<16}{'wall':>12}{'/curl':>7}{'cpu':>12}{'/curl':>7}{'VmHWM kB':>10}"
          f"{'/curl':>7}{'maxrss':>8}{'min wall':>11}{'max wall':>11}")
    md += [f"### {label} ({runs} runs each)", "",
           "| client | wall | ÷ curl | client CPU | ÷ curl | peak RSS kB (VmHWM) | ÷ curl "
           "| ru_maxrss kB | note |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for c in CLIENTS:
        rows = [r for r in res[key][c] if r[3]]
        w, u, m = stat(key, c, 0), stat(key, c, 1), stat(key, c, 2)
        note = []
        if c == "busybox wget" and scheme == "https":
            note.append("no verification")
        if len(rows) < len(res[key][c]):
            note.append(f"{len(res[key][c]) - len(rows)} of {len(res[key][c])} runs failed")
        mn = fmt_t(min(r[0] for r in rows), what) if rows else "-"
        mx = fmt_t(max(r[0] for r in rows), what) if rows else "-"
        cpu_s = "-" if u is None else fmt_t(u, what)
        mr = stat(key, c, 5)
        print(f"{c:<16}{fmt_t(w, what):>12}{f2(ratio(key, c, 0)):>7}{cpu_s:>12}"
              f"{f2(ratio(key, c, 1)):>7}{'-' if m is None else int(m):>10}{f2(ratio(key, c, 2)):>7}"
              f"{'-' if mr is None else int(mr):>8}{mn:>11}{mx:>11}  {', '.join(note)}")
        md.append(f"| {c} | {fmt_t(w, what)} | {f2(ratio(key, c, 0))} | {cpu_s} | "
                  f"{f2(ratio(key, c, 1))} | {'-' if m is None else int(m)} | "
                  f"{f2(ratio(key, c, 2))} | {'-' if mr is None else int(mr)} | {', '.join(note)} |")
    md.append("")
print()

# Requirements.
req = []
def need(name, v, limit, shown=None):
    ok = v is not None and v <= limit
    req.append((name, shown if shown is not None else f2(v), f"<= {limit:g}", "PASS" if ok else "FAIL"))
for key, label, *_ in CASES:
    i, lim = LIMIT[key]
    need(f"{label.replace(', one process', '').replace(', ', ' ')}, "
         f"{('wall', 'client CPU')[i]} ÷ curl", ratio(key, "ufetch", i), lim)
for key, label, *_ in CASES:
    need(f"peak RSS ÷ curl: {label}", ratio(key, "ufetch", 2), LIMIT_RSS)
for key in ("big_https_null", "big_https_pipe"):
    v = stat(key, "ufetch", 2) if UF_STATIC else None
    label = [c[1] for c in CASES if c[0] == key][0]
    need(f"static ufetch peak RSS, {label} (kB)", v, 512, "-" if v is None else f"{int(v)}")
sz = os.path.getsize(UFS)
need("static binary size (bytes)", sz, 225000, f"{sz:,}")
kind = "static musl, make's default" if UF_STATIC else "dynamic"
print("=" * 26 + f" requirements (ufetch: {kind}) " + "=" * 26)
for n, v, l, ok in req:
    print(f"{n:<62}{v:>10}  {l:<8} {ok}")
npass = sum(r[3] == "PASS" for r in req)
print(f"{npass} passed, {len(req) - npass} failed")
md += ["## Requirements", "", "| requirement | ufetch | limit | result |", "|---|---:|---:|---|"]
md += [f"| {n.replace('|', chr(92) + '|')} | {v} | {l} | **{ok}** |" for n, v, l, ok in req]
md += ["", f"{npass} of {len(req)} requirements pass.", ""]
# The dynamic link is in every table above, but is no requirement's
# subject: its peak RSS starts at what the C library's loader and pages
# take for an empty program.
dyn = [ratio(k, "ufetch-dynamic", 2) for k, *_ in CASES]
dyn = [v for v in dyn if v is not None]
curl_small = stat("small_http", "curl", 2)
if dyn and curl_small:
    md += [f"The requirements are measured on ./ufetch ({kind}). The dynamic link "
           f"(ufetch-dynamic, `make DYNAMIC=1`) has a peak RSS of {min(dyn):.2f}-{max(dyn):.2f} "
           f"of curl's; an empty dynamically linked C program already has "
           f"{int(E['EMPTY_HWM'])} kB, {int(E['EMPTY_HWM']) / curl_small:.2f} of curl's "
           f"small-HTTP peak.", ""]
if failures:
    md += ["Failed runs: " + "; ".join(f"{' '.join(k)} x{n}" for k, n in failures.items()), ""]
elapsed = time.time() - float(E["T_START"])
md += ["![ratios to curl](chart.svg)", "",
       f"Whole benchmark: {elapsed / 60:.1f} min.", ""]
open(E["OUT_MD"], "w").write("\n".join(md))

# Chart: wall, CPU (1 GiB cases), peak RSS; ratios to curl.
short = {k: lab.replace(", one process", "").replace(" (full bundle)", "\n(full bundle)")
         .replace(", -o", "\n-o").replace(", |", "\n|").replace("URLs, ", "URLs\n")
         for k, lab, *_ in CASES}
panel = lambda title, keys, i: {"title": title, "groups": [
    {"name": short[k], "limit": limit(k, i), "bars": {c: ratio(k, c, i) for c in CLIENTS}} for k in keys]}
keys = [c[0] for c in CASES]
data = {"title": "ufetch vs other clients: median ratio to curl (lower is better; curl = 1)",
        "clients": CLIENTS,
        "colors": {"ufetch": "#1f77b4", "ufetch-dynamic": "#6baed6", "curl": "#7f7f7f",
                   "wget": "#2ca02c", "busybox wget": "#ff7f0e", "python urllib": "#9467bd"},
        "panels": [panel("Wall time", keys, 0), panel("Client CPU (user + sys)", keys, 1),
                   panel("Peak RSS", keys, 2)]}
json.dump(data, open(f"{TMP}/chart.json", "w"))
subprocess.run([sys.executable, E["CHART"], f"{TMP}/chart.json", E["OUT_SVG"]], check=True)
print(f"\nwrote {E['OUT_MD']} and {E['OUT_SVG']}; whole benchmark {elapsed:.0f} s")
EOF
exit 0
