# bench/lib.sh: what the benchmark scripts share. Source it after
# 'set -euo pipefail'.

# need WHO TOOL...: stop with exit status 2 when a tool is missing.
need() {
	local who=$1 t
	shift
	for t in "$@"; do
		command -v "$t" >/dev/null ||
		    { echo "$who: $t not found" >&2; exit 2; }
	done
}

# bench_tmp PREFIX: a fresh directory in $tmp, removed on exit together
# with the nginx whose pid the script puts in $ngx_pid (KEEP=1 keeps
# the directory for a look afterwards).
bench_tmp() {
	tmp=$(mktemp -d "/tmp/$1.XXXXXX")
	ngx_pid=
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup() {
	[ -z "$ngx_pid" ] || { kill "$ngx_pid"; wait "$ngx_pid"; } \
	    2>/dev/null || true
	[ "${KEEP:-0}" = 1 ] || rm -rf "$tmp"
}

# free_ports N: N free TCP ports on 127.0.0.1, space-separated.
free_ports() {
	python3 -c 'import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])' "$1"
}
