#!/bin/sh
# fuzz/run.sh SECONDS TARGET...: run each libFuzzer target for SECONDS
# on its corpus in build/fuzz/corpus/TARGET; stop at the first crash,
# leak, timeout or sanitizer report (libFuzzer exits non-zero), and
# print the executions of each target and in total.
set -eu
secs=$1
shift
total=0
for t in "$@"; do
	log=build/fuzz/$t.log
	if ! "build/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=1024 -print_final_stats=1 \
	    -artifact_prefix="build/fuzz/$t-" "build/fuzz/corpus/$t" \
	    >"$log" 2>&1; then
		tail -n 40 "$log"
		echo "fuzz: $t FAILED; the input is build/fuzz/$t-*" >&2
		exit 1
	fi
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	echo "fuzz: $t: ${n:-0} executions in ${secs} s, no finding"
	total=$((total + ${n:-0}))
done
echo "fuzz: $total executions in total"
