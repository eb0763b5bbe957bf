#!/bin/bash
# Benchmark: queen contiguity on Voronoi tessellations of N random points,
# spill against R spdep::poly2nb in the same run.  Not a test.
#   SPILL=build/spill BUILD=build scripts/bench-weights.sh [N ...]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPILL:=$PWD/build/spill}" "${BUILD:=build}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 50000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. scripts/bench-lib.sh
printf '%-8s %12s %12s %8s %s\n' N spill_s poly2nb_s ratio "links (spill / R)"
for n in "${sizes[@]}"; do
    "$BUILD"/tools/voronoi "$n" 42 "$tmp/v$n.gpkg"
    ts=$(best_of_3 "$SPILL" weights "$tmp/v$n.gpkg" --id id -o "$tmp/w$n.gal")
    links=$("$SPILL" winfo "$tmp/w$n.gal" --json | jq .nnz)
    rout=$(Rscript -e "suppressMessages({library(sf); library(spdep)})
        p <- st_read('$tmp/v$n.gpkg', quiet=TRUE)
        t <- system.time(nb <- poly2nb(p, queen=TRUE))[['elapsed']]
        cat(t, sum(card(nb)), '\n')" 2>/dev/null)
    tr=$(echo "$rout" | awk '{print $1}')
    rlinks=$(echo "$rout" | awk '{print $2}')
    ratio=$(awk -v a="$ts" -v b="$tr" 'BEGIN {printf "%.1f", b / a}')
    printf '%-8s %12.3f %12.3f %7sx %s / %s\n' "$n" "$ts" "$tr" "$ratio" "$links" "$rlinks"
done
