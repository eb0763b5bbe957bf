#!/bin/bash
# Benchmark: permutation inference for local and global Moran's I on queen
# contiguity of Voronoi tessellations of N random points (the sets of
# scripts/bench-weights.sh), spill against R spdep in the same run.  Not a test.
#   SPILL=build/spill BUILD=build scripts/bench-autocorr.sh [N ...]   (default 10000 50000)
#
# For each N it prints, best of 3 runs:
#   lisa    spill lisa --perm 999 (whole command: read layer, data and weights,
#           compute, write a GeoPackage) and its --timing "statistics" part;
#           at N <= 10000 also R spdep::localmoran_perm(nsim = 999) (the call only)
#   lookup  the same with --perm-method lookup (GeoDa's lookup table; R's reference
#           is still localmoran_perm, whose null is the exact scheme's)
#   moran   spill moran --perm 999 (whole command) and R spdep::moran.mc(nsim = 999)
# with the ratios R / spill: `ratio` against spill's whole command, `ratio_stat`
# against its statistics part (like for like: R's time is the call alone, not
# R's start-up, reading or writing).  Both use the same GAL file and
# row-standardised weights; spill uses all cores (--threads), R its defaults
# (one core).  On a shared machine run it when the cores are idle.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPILL:=$PWD/build/spill}" "${BUILD:=build}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 50000)
R_LISA_MAX=${R_LISA_MAX:-10000} # localmoran_perm takes minutes beyond this
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. scripts/bench-lib.sh

stat_part() { cat "$tmp/statistics"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "-"; else printf "%.1fx", b / a }'; }

echo "cores: $(nproc); spill threads: all"
printf '%-7s %-6s %10s %12s %10s %9s %9s\n' N test spill_s spill_stat_s R_s ratio ratio_stat
for n in "${sizes[@]}"; do
    "$BUILD"/tools/voronoi "$n" 42 "$tmp/v$n.gpkg"
    "$SPILL" weights "$tmp/v$n.gpkg" --id id -o "$tmp/w$n.gal" 2>/dev/null
    awk -v n="$n" 'BEGIN { srand(7); print "id,x"; for (i = 1; i <= n; i++) printf "%d,%.6f\n", i, -log(rand()) }' > "$tmp/x$n.csv"

    tl=$(best_part_of 3 statistics "$SPILL" lisa "$tmp/v$n.gpkg" --id id --data "$tmp/x$n.csv" --var x --w "$tmp/w$n.gal" --perm 999 -o "$tmp/l$n.gpkg" --timing)
    tls=$(stat_part)
    tk=$(best_part_of 3 statistics "$SPILL" lisa "$tmp/v$n.gpkg" --id id --data "$tmp/x$n.csv" --var x --w "$tmp/w$n.gal" --perm 999 --perm-method lookup -o "$tmp/k$n.gpkg" --timing)
    tks=$(stat_part)
    tm=$(best_part_of 3 statistics "$SPILL" moran "$tmp/x$n.csv" --id id --var x --w "$tmp/w$n.gal" --perm 999 --timing)
    tms=$(stat_part)

    do_lisa=$([ "$n" -le "$R_LISA_MAX" ] && echo TRUE || echo FALSE)
    rout=$(Rscript -e "suppressMessages(library(spdep))
        nb <- read.gal('$tmp/w$n.gal', override.id = TRUE)
        d <- read.csv('$tmp/x$n.csv')
        x <- d\$x[match(attr(nb, 'region.id'), as.character(d\$id))]
        lw <- nb2listw(nb, style = 'W')
        best <- function(f) min(sapply(1:3, function(k) system.time(f())[['elapsed']]))
        tl <- if ($do_lisa) best(function() localmoran_perm(x, lw, nsim = 999, iseed = 1)) else NA
        tm <- best(function() moran.mc(x, lw, nsim = 999))
        cat(tl, tm, '\n')" 2>/dev/null)
    rl=$(echo "$rout" | awk '{ if ($1 != "NA") print $1 }')
    rm_=$(echo "$rout" | awk '{ print $2 }')
    printf '%-7s %-6s %10.3f %12.3f %10s %9s %9s\n' "$n" lisa "$tl" "$tls" "${rl:--}" "$(ratio "$tl" "$rl")" "$(ratio "$tls" "$rl")"
    printf '%-7s %-6s %10.3f %12.3f %10s %9s %9s\n' "$n" lookup "$tk" "$tks" "${rl:--}" "$(ratio "$tk" "$rl")" "$(ratio "$tks" "$rl")"
    printf '%-7s %-6s %10.3f %12.3f %10s %9s %9s\n' "$n" moran "$tm" "$tms" "${rm_:--}" "$(ratio "$tm" "$rm_")" "$(ratio "$tms" "$rm_")"
done
