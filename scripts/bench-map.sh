#!/bin/bash
# Benchmark: `spill map` against R sf's plot() in the same run.  Not a test.
#   SPILL=build/spill BUILD=build scripts/bench-map.sh
# 1. the 367 China cities (the shared data folder), quantile choropleth with
#    Chinese labels, 300 dpi PNG (goal < 0.3 s);
# 2. a 50,000-cell Voronoi choropleth (build/tools/voronoi), 300 dpi PNG
#    (goal < 2 s).
# spill_s is the best wall time of three runs, spill_cpu its CPU time (user +
# system), which a busy machine inflates less.
# R: st_read + classInt quantiles + plot(col =) + text() into png(res = 300),
# timed inside R (system.time around read and plot) and as a whole run.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPILL:=$PWD/build/spill}" "${BUILD:=build}"
CITIES=${CITIES:-/work/shared/data/china/china_cities.shp}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. scripts/bench-lib.sh
# R_inside SRC FIELD LABEL: seconds inside R (read, classes, plot, write)
r_map() {
    Rscript -e "suppressMessages({library(sf); library(classInt)})
        t <- system.time({
            p <- st_read('$1', quiet = TRUE)
            v <- p[['$2']]
            br <- classIntervals(v, 5, style = 'quantile')\$brks
            col <- c('#FFFFCC', '#FED976', '#FD8D3C', '#E31A1C', '#800026')[
                findInterval(v, br, rightmost.closed = TRUE, all.inside = TRUE)]
            png('$tmp/r.png', width = 6.5, height = 5, units = 'in', res = 300)
            plot(st_geometry(p), col = col, border = 'grey35', lwd = 0.3)
            if ('$3' != '') text(st_coordinates(st_point_on_surface(st_geometry(p))),
                                 labels = p[['$3']], cex = 0.25)
            dev.off()
        })[['elapsed']]
        cat(t, '\n')" 2>/dev/null
}
printf '%-28s %10s %10s %12s %12s %8s\n' task spill_s spill_cpu R_inside_s R_whole_s ratio
row() { # name, R source, field, label field, spill args...
    local name=$1 src=$2 field=$3 label=$4
    shift 4
    local ts tc tr tw
    ts=$(best_of_3 "$SPILL" map "$@")
    tc=$(cpu_best_of_3 "$SPILL" map "$@")
    t0=$(date +%s.%N)
    tr=$(r_map "$src" "$field" "$label" | awk '{print $1}')
    tw=$(echo "$t0 $(date +%s.%N)" | awk '{print $2 - $1}')
    printf '%-28s %10.3f %10.3f %12.3f %12.3f %7sx\n' "$name" "$ts" "$tc" "$tr" "$tw" \
        "$(awk -v a="$ts" -v b="$tr" 'BEGIN {printf "%.1f", b / a}')"
}
if [ -f "$CITIES" ]; then
    row "367 cities, labelled" "$CITIES" seat_lat name_zh \
        "$CITIES" --id adcode --choropleth seat_lat --label name_zh -o "$tmp/c.png"
else
    echo "bench-map: $CITIES not found: the cities row skipped" >&2
fi
"$BUILD"/tools/voronoi 50000 7 "$tmp/v.gpkg"
row "50,000 cells, choropleth" "$tmp/v.gpkg" id "" "$tmp/v.gpkg" --choropleth id -o "$tmp/v.png"
