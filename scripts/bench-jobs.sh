#!/bin/bash
# Benchmark: a 1000-specification grid of two-way fixed-effects SDMs with
# 1000-draw effects on the 293 China cities of tests/fixtures/panel/cities.gal
# x 20 years (the issue's goal: under 30 s on 2 cores, whole command), as one
# `spill run JOB.yaml --jobs 2` (the fits in 2 threads of one process, the
# panel, W and W's eigenvalues read or computed once), against the same 1000
# `spill fit` commands run as separate processes by GNU parallel -j2 (the
# shell-script way).  The per-specification overhead is (job time x 2 cores)
# / 1000 minus the fit part that `spill fit --timing` reports; the CPU time
# of the job (user + sys) is printed too, since on a shared machine the wall
# time says more about the load than about spill.  Not a test.
#   SPILL=build/spill scripts/bench-jobs.sh [NSPEC]     (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPILL:=$PWD/build/spill}"
NSPEC=${1:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
W=$PWD/tests/fixtures/panel/cities.gal
Rscript - "$W" 20 "$tmp" <<'EOF_R' >/dev/null
suppressMessages({ library(spdep) })
a <- commandArgs(TRUE); TT <- as.integer(a[2])
nb <- read.gal(a[1], override.id = TRUE)
ids <- attr(nb, "region.id"); N <- length(nb)
W <- nb2mat(nb, style = "W")
set.seed(1); mu <- rnorm(N); al <- rnorm(TT, sd = 0.5)
rows <- NULL
for (t in 1:TT) {
    x1 <- 0.5 * mu + rnorm(N); x2 <- rnorm(N)
    y <- as.vector(solve(diag(N) - 0.35 * W, x1 - 0.6 * x2 + W %*% (0.4 * x1 + 0.2 * x2) +
                         mu + al[t] + rnorm(N, sd = 0.8)))
    rows <- rbind(rows, data.frame(id = ids, year = 2000 + t, x1 = x1, x2 = x2, y = y))
}
write.csv(rows, file.path(a[3], "panel.csv"), row.names = FALSE, quote = FALSE)
EOF_R
{
    echo "job: bench"
    echo "inputs: {id: id, tables: {panel: {file: panel.csv, time: year}}}"
    echo "weights: {queen: {file: $W}}"
    echo "analyses:"
    echo "  - {name: sdm, command: fit, w: queen, y: y, x: [x1, x2], fe: twoway, effects: true,"
    echo "     draws: 1000, threads: 1, timing: true, grid: {seed: [$(seq -s, 1 "$NSPEC")]}}"
} >"$tmp/bench.yaml"
load=$(cut -d' ' -f1 /proc/loadavg)
t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$tmp/cpu" "$SPILL" run "$tmp/bench.yaml" -o "$tmp/out" --jobs 2 --quiet 2>"$tmp/err" ||
    { echo "bench-jobs: spill run failed:" >&2; tail -5 "$tmp/err" >&2; exit 1; }
t1=$(date +%s.%N)
job=$(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}')
cpu=$(awk '{printf "%.2f", $1 + $2}' "$tmp/cpu")
fit=$("$SPILL" fit "$tmp/panel.csv" --panel id,year --w "$W" --y y --x x1,x2 --fe twoway \
    --effects --draws 1000 --threads 1 --timing 2>&1 >/dev/null | sed -n 's/.*fit \([0-9.]*\) s.*/\1/p')
seq 1 "$NSPEC" >"$tmp/seeds"
t0=$(date +%s.%N)
parallel -j2 "$SPILL" fit "$tmp/panel.csv" --panel id,year --w "$W" --y y --x x1,x2 --fe twoway \
    --effects --draws 1000 --threads 1 --json --seed {} '>' "$tmp/p{}.json" '2>/dev/null' <"$tmp/seeds"
t1=$(date +%s.%N)
sep=$(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}')
echo "jobs benchmark: $NSPEC two-way FE SDM specifications (293 cities x 20 years, 1000 draws), 2 workers"
echo "  spill run JOB.yaml --jobs 2 (whole command):  $job s  (goal < 30 s for 1000); CPU $cpu s" \
    "(load average before: $load)"
echo "  $NSPEC separate spill fit processes, parallel -j2: $sep s  (ratio $(echo "$sep $job" | awk '{printf "%.2f", $1 / $2}'))"
cat "$tmp"/out/raw/sdm/*.log | awk -v job="$job" -v n="$NSPEC" '/timing/ { r += $5; f += $8 }
    END { printf "  per specification (from each task'"'"'s --timing): fit %.4f s, read/setup %.4f s" \
          " (panel from the cache), rest %.4f s (2 x job / N - fit - read)\n", f / n, r / n,
          2 * job / n - (f + r) / n }'
echo "  one spill fit process alone: fit part $fit s"
if cmp <(head -1 "$tmp/out/results.jsonl" | jq -c '.result | del(.inputs)') \
    <(jq -c 'del(.inputs)' "$tmp/p1.json") >/dev/null; then
    echo "  first specification: same JSON as spill fit alone (but its inputs: paths, argv order)"
else
    echo "  first specification: NOT the JSON of spill fit alone"
fi
