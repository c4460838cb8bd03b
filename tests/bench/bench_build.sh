#!/bin/sh
# bench_build.sh [CCGRAPH] [CORPUS] [EXTRA BUILD OPTIONS...]: the issue #5
# benchmark. Runs the full `ccgraph build` writing GraphML + SVG (top 300)
# on the 74.5k-abstract corpus and prints wall and CPU seconds, peak RSS,
# the time of each stage and output (--timings) and the output sizes.
# Prints figures, asserts nothing: on a shared 2-core machine the numbers
# move with the load, so it also prints the load average.
set -eu
bin=${1:-build/ccgraph}
corpus=${2:-../shared/corpus/arxiv_cs_2025_2026.jsonl.gz}
[ $# -ge 2 ] && shift 2 || shift $#
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "bench_build: $(basename "$corpus"), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench_build: $("$bin" --version | grep '^gzip input')"
/usr/bin/time -f "bench_build: %e s wall, %U s user, %S s sys, %M KB peak RSS" \
    "$bin" build "$corpus" -o "$out/landscape.graphml" -o "$out/landscape.svg" \
    --draw-top 300 --timings "$@"
ls -l "$out" | awk 'NR > 1 { printf "bench_build: %s %.1f MB\n", $9, $5 / 1e6 }'
