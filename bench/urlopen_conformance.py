#!/usr/bin/env python3
"""urlopen_conformance.py: ufetch against Python's urlopen(url, timeout=3).

Runs the plain-HTTP scenarios of notes/urlopen-semantics.md section 9 against
both clients, each against its own fresh server on loopback, and prints one
table row per scenario: outcome class and elapsed time of each client, whether
the classes agree, and whether the times agree within 0.3 s. For the redirect
rows (r*) the requests each server saw (method, path, body length, whether
Content-* headers came) must agree too.

    python3 bench/urlopen_conformance.py [--only NAME,...] [-j N]

Python client: urlopen(url, timeout=3).read() in a subprocess; its time is
urlopen + read, measured inside the client.  ufetch: `ufetch URL` with the
default timeout (3 s); its time is the wall time of the whole process.
The multi-address rows (d2 d3 d4 e2) run each client inside a private mount
namespace whose /etc/hosts maps multi.test to 127.0.0.2 then 127.0.0.3.
This is a report, not a test: it always exits 0; read the SUMMARY line.
"""
import argparse, json, os, shutil, socket, subprocess, sys, tempfile
import threading, time
from contextlib import suppress
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOL = 0.3          # |dt| allowed between the two clients, seconds
KILL_AFTER = 60    # safety net: a client still running after this is 'hung'
DRIP = 2.0         # drip interval (T - 1)
MULTI_IPS = ["127.0.0.2", "127.0.0.3"]

# --- scenarios ---------------------------------------------------------------
# A server role is 'hang' (SYN dropped), 'refused', or a list of steps run
# after the request head has been read: ('send', bytes), ('drip', bytes)
# (1 byte every DRIP s), ('hold', secs or None = until the client is done).
# The connection is closed when the steps end.
HOLD = ("hold", None)
OK = [("send", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")]
CL100 = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"


def send(b):
    return ("send", b)


def redirect(code, n, to=None):
    """A `code` redirect for the first n requests the server sees (to `to`,
    or to /rN), then the steps that follow."""
    return ("redirect", (code, n, to))


POST = b"a=1&b=2"
DONE = send(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone")


def status(code, reason, body=b""):      # one response, then close
    cl = b"Content-Length: %d\r\n" % len(body) if body else b""
    return [send(b"HTTP/1.1 %d %s\r\n%s\r\n%s" % (code, reason, cl, body))]


# name: (description, py3.11 reference (class, s) from section 9, roles|None)
SCENARIOS = {
    "a":  ("reads request, sends nothing", ("timeout", 3), [[HOLD]]),
    "b":  ("full head CL:100, then stalls", ("timeout", 3),
           [[send(CL100), HOLD]]),
    "b2": ("stalls mid-header", ("timeout", 3),
           [[send(b"HTTP/1.1 200 OK\r\nContent-Type: text/pl"), HOLD]]),
    "b3": ("CL:100, 10 bytes, stalls", ("timeout", 3),
           [[send(CL100 + b"0123456789"), HOLD]]),
    "b4": ("no CL, no close, 3 bytes, stalls", ("timeout", 3),
           [[send(b"HTTP/1.1 200 OK\r\n\r\nabc"), HOLD]]),
    "c":  ("CL:10, body 1 B / 2 s", ("success", 20),
           [[send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"),
             ("drip", b"0123456789")]]),
    "c2": ("status line: first 10 B at 1 B / 2 s", ("success", 20),
           [[("drip", b"HTTP/1.1 2"),
             send(b"00 OK\r\nContent-Length: 2\r\n\r\nok")]]),
    "c3": ("HTTP/1.0 no length, 8 B at 1 B / 2 s, close", ("success", 16),
           [[send(b"HTTP/1.0 200 OK\r\n\r\n"), ("drip", b"abcdefgh")]]),
    "d":  ("SYN dropped (accept queue full)", ("timeout", 3), ["hang"]),
    "d2": ("addresses [hang, ok]", ("success", 3), ["hang", OK]),
    "d3": ("addresses [hang, hang]", ("timeout", 6), ["hang", "hang"]),
    "d4": ("addresses [refused, hang]", ("timeout", 3), ["refused", "hang"]),
    "e":  ("connection refused", ("refused", 0), ["refused"]),
    "e2": ("addresses [refused, ok]", ("success", 0), ["refused", OK]),
    "f":  ("DNS NXDOMAIN (nonexistent.invalid)", ("dns", 0), None),
    "t":  ("CL:100, 10 bytes, close", ("truncated", 0),
           [[send(CL100 + b"0123456789")]]),
    "t3": ("chunked, chunk of 100 cut after 10 B, close", ("truncated", 0),
           [[send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"64\r\n0123456789")]]),
    "t6": ("CL:5, connection kept open 10 s", ("success", 0),
           [[send(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
             ("hold", 10)]]),
    "v":  ("status line 'FOO BAR'", ("malformed", 0),
           [[send(b"FOO BAR\r\n\r\n")]]),
    "v2": ("HTTP/0.9: 'hello world\\n'", ("malformed", 0),
           [[send(b"hello world\n")]]),
    "v3": ("'HTTP/1.1 abc OK'", ("malformed", 0),
           [[send(b"HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n")]]),
    "v4": ("'HTTP/2.0 200 OK'", ("malformed", 0),
           [[send(b"HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok")]]),
    "v5": ("close before any byte", ("truncated", 0), [[]]),
    "g404": ("404 Not Found", ("http-error", 0),
             [status(404, b"Not Found", b"not found")]),
    "g500": ("500 Internal Server Error", ("http-error", 0),
             [status(500, b"Internal Server Error", b"oops")]),
    "g304": ("304 Not Modified", ("http-error", 0),
             [status(304, b"Not Modified")]),
    "g199": ("199 (a 1xx as the only response), close", ("http-error", 0),
             [status(199, b"Odd")]),
    "g5": ("100 Continue, then 200", ("success", 0),
           [[send(b"HTTP/1.1 100 Continue\r\n\r\n")] + OK]),
    "g6": ("204 No Content", ("success", 0), [status(204, b"No Content")]),
    "r": ("10 x 302, then 200", ("success", 0), [[redirect(302, 10), DONE]]),
    "r11": ("11 x 302", ("redirect-error", 0), [[redirect(302, 11), DONE]]),
    "rloop": ("302 to itself", ("redirect-error", 0),
              [[redirect(302, 100, "/rloop")]]),
    "r308": ("308 on GET", ("success", 0), [[redirect(308, 1), DONE]]),
    "rrel": ("302 to ../x/./y?q", ("success", 0),
             [[redirect(302, 1, "../x/./y?q"), DONE]]),
    "rP302": ("302 on POST", ("success", 0), [[redirect(302, 1), DONE]],
              POST),
    "rP303": ("303 on POST", ("success", 0), [[redirect(303, 1), DONE]],
              POST),
    "rP307": ("307 on POST", ("redirect-error", 0),
              [[redirect(307, 1), DONE]], POST),
    "rfile": ("302 to file:///etc/hostname", ("redirect-error", 0),
              [[redirect(302, 1, "file:///etc/hostname")]]),
    "rdata": ("302 to data:,hello", ("redirect-error", 0),
              [[redirect(302, 1, "data:,hello")]]),
}

# Divergences the contract chose on purpose (class differs, and that is right).
EXPECTED = {
    "g304": "expected: contract errors only on >= 400, so 304 is exit 0; "
            "urlopen raises HTTPError for any non-2xx",
    "g199": "expected: urlopen takes 199 as final (HTTPError); ufetch skips "
            "1xx as interim, then sees the close -> truncated (exit 4)",
    "rP307": "expected: CONTRACT 5 resends a POST's body on 307/308 (RFC "
             "9110); urlopen refuses (HTTPError 307)",
}
# Informational notes; the classes should match.
NOTES = {
    "t": "py3.11 read() raises IncompleteRead -> truncated (py2 would be "
         "silent); both should match",
    "t3": "py3.11 IncompleteRead(0 bytes read) -> truncated",
    "v5": "py RemoteDisconnected is BadStatusLine AND ConnectionResetError: "
          "classified truncated",
}

# --- servers -----------------------------------------------------------------


class Server:
    """All endpoints of one scenario, sharing one port, on the given IPs."""

    def __init__(self, roles, ips):
        self.socks = []                    # everything to close at the end
        self.reqs = []                     # "METHOD path body-length C"
        self.lock = threading.Lock()
        for _ in range(50):                # retry if the port is taken on ip 2
            self.stop = threading.Event()
            try:
                self._open(roles, ips)
                return
            except OSError:
                self.close()
        raise RuntimeError("no common free port on %s" % ips)

    def _open(self, roles, ips):
        self.port = 0
        for ip, role in zip(ips, roles):
            s = socket.socket()
            self.socks.append(s)
            s.bind((ip, self.port))
            self.port = s.getsockname()[1]
            if role == "refused":          # bound, not listening: RST
                continue
            if role == "hang":             # backlog 0 holds one connection;
                s.listen(0)                # fill it so later SYNs are dropped
                self.socks.append(socket.create_connection((ip, self.port), 2))
                continue
            s.listen(16)
            s.settimeout(0.2)
            threading.Thread(target=self._accept, args=(s, role),
                             daemon=True).start()

    def _accept(self, lsock, steps):
        while not self.stop.is_set():
            try:
                conn, _ = lsock.accept()
            except socket.timeout:
                continue
            except OSError:                # listener closed
                return
            self.socks.append(conn)
            threading.Thread(target=self._serve, args=(conn, steps),
                             daemon=True).start()

    def _serve(self, conn, steps):
        try:
            conn.settimeout(30)
            buf = b""
            while b"\r\n\r\n" not in buf:  # read the request head first
                got = conn.recv(4096)
                if not got:
                    break
                buf += got
            head, _, body = buf.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            fields = {ln.split(":", 1)[0].strip().lower():
                      ln.split(":", 1)[1].strip()
                      for ln in lines[1:] if ":" in ln}
            want = int(fields.get("content-length", "0") or 0)
            while len(body) < want:
                got = conn.recv(65536)
                if not got:
                    break
                body += got
            with self.lock:
                self.reqs.append("%s %d%s" % (
                    " ".join(lines[0].split(" ")[:2]), len(body),
                    " C" if any(k.startswith("content-") for k in fields)
                    else ""))
                nreq = len(self.reqs)
            for op, arg in steps:
                if op == "redirect":
                    code, n, to = arg
                    if nreq > n:
                        continue
                    conn.sendall(b"HTTP/1.1 %d Moved\r\nLocation: %s\r\n"
                                 b"Content-Length: 5\r\n\r\nmoved" % (
                                     code, (to or "/r%d" % nreq).encode()))
                    break
                if op == "send":
                    conn.sendall(arg)
                elif op == "drip":
                    for i in range(len(arg)):
                        if self.stop.wait(DRIP):
                            return
                        conn.sendall(arg[i:i + 1])
                elif op == "hold":
                    self.stop.wait(arg)
        except OSError:
            pass
        finally:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def close(self):
        self.stop.set()
        for s in self.socks:
            s.close()
        self.socks = []


# --- clients -----------------------------------------------------------------
PY_CLIENT = r'''
import http.client, json, socket, sys, time, urllib.error, urllib.request
t0 = time.monotonic(); note = ""
try:
    data = sys.argv[2].encode() if len(sys.argv) > 2 else None
    r = urllib.request.urlopen(sys.argv[1], data=data, timeout=3)
    body = r.read()
    cls, detail = "success", "%d, %d bytes" % (r.status, len(body))
except urllib.error.HTTPError as e:        # before URLError: it is one
    cls = ("redirect-error" if e.code in (301, 302, 303, 307, 308)
           else "http-error")
    detail = "HTTPError %d: %s" % (e.code, str(e).splitlines()[0])
except urllib.error.URLError as e:
    r = e.reason
    cls = ("timeout" if isinstance(r, TimeoutError) else
           "refused" if isinstance(r, ConnectionRefusedError) else
           "dns" if isinstance(r, socket.gaierror) else "other")
    detail = "URLError(%r)" % (r,)
except http.client.RemoteDisconnected as e:   # before BadStatusLine
    cls, detail = "truncated", repr(e)
    note = "RemoteDisconnected (BadStatusLine + ConnectionResetError)"
except (http.client.IncompleteRead, ConnectionError) as e:
    cls, detail = "truncated", repr(e)
except (http.client.BadStatusLine, http.client.UnknownProtocol,
        http.client.LineTooLong) as e:
    cls, detail = "malformed", repr(e)
except TimeoutError as e:                   # socket.timeout since 3.10
    cls, detail = "timeout", repr(e)
except Exception as e:
    cls, detail = "other", repr(e)
print(json.dumps({"cls": cls, "t": time.monotonic() - t0,
                  "detail": detail, "note": note}))
'''


def in_namespace(hosts, argv):
    """argv run in a private mount namespace with `hosts` as /etc/hosts."""
    return ["unshare", "--mount", "sh", "-c",
            'mount --bind "$0" /etc/hosts && exec "$@"', hosts] + argv


def run_python(url, wrap, tmp, data):
    argv = wrap([sys.executable, os.path.join(tmp, "client.py"), url] +
                ([data.decode()] if data else []))
    try:
        p = subprocess.run(argv, capture_output=True, text=True,
                           timeout=KILL_AFTER)
        return json.loads(p.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return {"cls": "hung", "t": KILL_AFTER, "detail": "killed"}
    except (ValueError, IndexError):
        return {"cls": "error", "t": 0, "detail": p.stderr.strip()[-200:]}


UF_CLASS = {0: "success", 9: "timeout", 8: "http-error", 7: "malformed"}


def run_ufetch(url, wrap, ufetch, data):
    t0 = time.monotonic()
    try:
        p = subprocess.run(wrap([ufetch] + (["-d", data.decode()] if data
                                             else []) + [url]),
                           stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=KILL_AFTER)
    except subprocess.TimeoutExpired:
        return {"cls": "hung", "t": KILL_AFTER, "detail": "killed"}
    t = time.monotonic() - t0
    err = p.stderr.decode(errors="replace").strip()
    cls = UF_CLASS.get(p.returncode)
    if p.returncode == 4:
        cls = ("refused" if "refused" in err else
               "dns" if "resolve" in err else "truncated")
    elif p.returncode == 7 and "redirect" in err:
        cls = "redirect-error"
    elif cls is None:
        cls = "exit %d" % p.returncode
    return {"cls": cls, "t": t, "detail": "exit %d: %s  [%d bytes out]"
            % (p.returncode, err, len(p.stdout))}


def run_job(name, client, ctx):
    """One scenario against one client, with its own server."""
    roles, data = SCENARIOS[name][2], (SCENARIOS[name] + (None,))[3]
    wrap = lambda argv: argv
    if roles is None:
        url, server = "http://nonexistent.invalid/", None
    else:
        multi = len(roles) > 1
        if multi and ctx["ns_skip"]:
            return {"cls": "SKIP", "t": 0, "detail": ctx["ns_skip"]}
        try:
            server = Server(roles, MULTI_IPS if multi else ["127.0.0.1"])
        except (OSError, RuntimeError) as e:
            return {"cls": "error", "t": 0, "detail": "server: %s" % e}
        host = "multi.test" if multi else "127.0.0.1"
        url = "http://%s:%d/%s" % (host, server.port, name)
        if multi:
            wrap = lambda argv: in_namespace(ctx["hosts"], argv)
    try:
        if client == "py":
            res = run_python(url, wrap, ctx["tmp"], data)
        else:
            res = run_ufetch(url, wrap, ctx["ufetch"], data)
        if server:
            res["reqs"] = list(server.reqs)
        return res
    finally:
        if server:
            server.close()


# --- setup -------------------------------------------------------------------


def snapshot_ufetch(tmp):
    """Copy ./ufetch so a concurrent rebuild cannot change it mid-run."""
    src = os.path.join(HERE, "ufetch")
    for attempt in range(6):
        if os.access(src, os.X_OK):
            try:
                dst = os.path.join(tmp, "ufetch")
                shutil.copy2(src, dst)
                if subprocess.run([dst, "-V"],
                                  capture_output=True).returncode == 0:
                    return dst
            except OSError:
                pass
        if attempt % 2 == 0:
            subprocess.run(["make", "ufetch"], cwd=HERE, capture_output=True)
        time.sleep(5)
    sys.exit("cannot get a working ./ufetch (tried make ufetch)")


def check_namespace(hosts):
    """None if multi.test resolves to 127.0.0.2, 127.0.0.3 in order inside
    the namespace (for AF_INET and AF_UNSPEC), else the reason it does not."""
    for db in ("ahostsv4", "ahosts"):
        try:
            p = subprocess.run(
                in_namespace(hosts, ["getent", db, "multi.test"]),
                capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired) as e:
            return "unshare failed: %s" % e
        if p.returncode != 0:
            return "unshare/getent %s failed (%d): %s" % (
                db, p.returncode, p.stderr.strip()[:120])
        got = [ln.split()[0] for ln in p.stdout.splitlines() if "STREAM" in ln]
        if got != MULTI_IPS:
            return "getent %s multi.test: %s, not %s" % (db, got, MULTI_IPS)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="comma-separated scenario names")
    ap.add_argument("-j", type=int, default=6, help="parallel jobs")
    args = ap.parse_args()
    names = list(SCENARIOS)
    if args.only:
        names = [n for n in args.only.split(",") if n]
        bad = [n for n in names if n not in SCENARIOS]
        if bad:
            sys.exit("unknown scenario(s): %s; known: %s"
                     % (",".join(bad), " ".join(SCENARIOS)))

    tmp = tempfile.mkdtemp(prefix="urlopen_conf.")
    try:
        ctx = {"tmp": tmp, "ufetch": snapshot_ufetch(tmp),
               "hosts": os.path.join(tmp, "hosts"), "ns_skip": None}
        with open(os.path.join(tmp, "client.py"), "w") as f:
            f.write(PY_CLIENT)
        with open(ctx["hosts"], "w") as f:
            f.write("127.0.0.1 localhost\n" +
                    "".join("%s multi.test\n" % ip for ip in MULTI_IPS))
        if any(SCENARIOS[n][2] and len(SCENARIOS[n][2]) > 1 for n in names):
            ctx["ns_skip"] = check_namespace(ctx["hosts"])
            print("multi-address rows: %s" % (
                "SKIP: " + ctx["ns_skip"] if ctx["ns_skip"] else
                "private /etc/hosts OK (multi.test -> 127.0.0.2, 127.0.0.3)"))
        version = subprocess.run([ctx["ufetch"], "-V"], capture_output=True,
                                 text=True).stdout.strip().splitlines()
        print("python %s; ufetch: %s; -j %d\n" % (
            sys.version.split()[0], version[0] if version else "?", args.j))

        # Longest jobs first, so the drips do not end up last.
        jobs = sorted(((n, c) for n in names for c in ("py", "uf")),
                      key=lambda j: -SCENARIOS[j[0]][1][1])
        with ThreadPoolExecutor(args.j) as pool:
            futs = {j: pool.submit(run_job, j[0], j[1], ctx) for j in jobs}
            res = {j: f.result() for j, f in futs.items()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(names, res)


def report(names, res):
    head = ("scen", "description", "py3.11 ref", "python", "ufetch", "same",
            "dt<=.3", "NOTE")
    rows, bad, skipped = [head], {"class": [], "time": [], "ref": []}, []
    for n in names:
        desc, (rcls, rt) = SCENARIOS[n][:2]
        py, uf = res[(n, "py")], res[(n, "uf")]
        note = EXPECTED.get(n) or NOTES.get(n) or py.get("note", "")
        if "SKIP" in (py["cls"], uf["cls"]):
            skipped.append(n)
            rows.append((n, desc, "%s %g" % (rcls, rt), "SKIP", "SKIP", "-",
                         "-", py["detail"]))
            continue
        same = py["cls"] == uf["cls"]
        if n.startswith("r") and py.get("reqs") != uf.get("reqs"):
            same = False           # the requests on the wire differ
        tok = abs(py["t"] - uf["t"]) <= TOL
        if not same and n not in EXPECTED:
            bad["class"].append(n)
        if not tok:
            bad["time"].append(n)
        if py["cls"] != rcls or abs(py["t"] - rt) > 0.5:
            bad["ref"].append(n)   # the harness, not ufetch, would be wrong
            note = "PYTHON DIFFERS FROM REF " + note
        rows.append((n, desc, "%s %g" % (rcls, rt),
                     "%s %.2f" % (py["cls"], py["t"]),
                     "%s %.2f" % (uf["cls"], uf["t"]),
                     "yes" if same else "no", "yes" if tok else "no", note))
    w = [max(len(r[i]) for r in rows) for i in range(7)]
    for r in rows:
        print("  ".join(c.ljust(w[i]) for i, c in enumerate(r[:7])), r[7])
    print("\ndetails of rows where the clients disagree:")
    differ = [n for n in names if n not in skipped and (
        res[(n, "py")]["cls"] != res[(n, "uf")]["cls"] or n in bad["time"])]
    differ += [n for n in names if n not in differ and n.startswith("r")
               and res[(n, "py")].get("reqs") != res[(n, "uf")].get("reqs")]
    for n in differ:
        print("  %-5s python: %s\n        ufetch: %s"
              % (n, res[(n, "py")]["detail"], res[(n, "uf")]["detail"]))
        if n.startswith("r"):
            print("        requests seen: python %s\n"
                  "                       ufetch %s"
                  % (res[(n, "py")].get("reqs"), res[(n, "uf")].get("reqs")))
    if not differ:
        print("  (none)")
    ran = [n for n in names if n not in skipped]
    agree = [n for n in ran if res[(n, "py")]["cls"] == res[(n, "uf")]["cls"]
             and res[(n, "py")].get("reqs") == res[(n, "uf")].get("reqs")]
    verdict = "CONFORMS" if not (bad["class"] or bad["time"]) else "DIFFERS"
    print("\nSUMMARY: %s. %d rows run, %d skipped%s; class agree %d/%d "
          "(expected divergences: %s); unexpected class mismatches: %s; "
          "time mismatches > %.1f s: %s; python off its reference: %s" % (
              verdict, len(ran), len(skipped),
              " (%s)" % ",".join(skipped) if skipped else "", len(agree),
              len(ran), ",".join(n for n in EXPECTED if n in ran) or "none",
              ",".join(bad["class"]) or "none", TOL,
              ",".join(bad["time"]) or "none", ",".join(bad["ref"]) or "none"))


if __name__ == "__main__":
    main()
