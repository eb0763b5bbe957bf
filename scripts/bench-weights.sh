#!/bin/bash
# Benchmark: queen and rook contiguity on Voronoi tessellations of N random points,
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
# Queen and rook (poly2nb queen=FALSE); spill on all threads and on one (--threads 1,
# the same bytes).
printf '%-6s %-8s %10s %10s %12s %8s %s\n' type N spill_s 1thread_s poly2nb_s ratio \
    "links (spill / R)"
for n in "${sizes[@]}"; do
    "$BUILD"/tools/voronoi "$n" 42 "$tmp/v$n.gpkg"
    for type in queen rook; do
        ts=$(best_of_3 "$SPILL" weights "$tmp/v$n.gpkg" --id id --type $type -o "$tmp/w$n.gal")
        t1=$(best_of_3 "$SPILL" weights "$tmp/v$n.gpkg" --id id --type $type --threads 1 \
            -o "$tmp/w${n}_1.gal")
        cmp -s "$tmp/w$n.gal" "$tmp/w${n}_1.gal" || echo "$type $n: 1 thread gives other bytes"
        links=$("$SPILL" winfo "$tmp/w$n.gal" --json | jq .nnz)
        queen=$([ $type = queen ] && echo TRUE || echo FALSE)
        rout=$(Rscript -e "suppressMessages({library(sf); library(spdep)})
            p <- st_read('$tmp/v$n.gpkg', quiet=TRUE)
            t <- system.time(nb <- poly2nb(p, queen=$queen))[['elapsed']]
            cat(t, sum(card(nb)), '\n')" 2>/dev/null)
        tr=$(echo "$rout" | awk '{print $1}')
        rlinks=$(echo "$rout" | awk '{print $2}')
        ratio=$(awk -v a="$ts" -v b="$tr" 'BEGIN {printf "%.1f", b / a}')
        printf '%-6s %-8s %10.3f %10.3f %12.3f %7sx %s / %s\n' $type "$n" "$ts" "$t1" "$tr" \
            "$ratio" "$links" "$rlinks"
    done
done
