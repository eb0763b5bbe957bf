#!/bin/bash
# Benchmark: cross-section SDM with effects (1000 draws) on Voronoi queen
# weights of N cells, spill against R spatialreg's large-n recipe in the same
# run: trW(type = "MC"), lagsarlm(Durbin = TRUE, method = "Matrix", trs = tr)
# and impacts(tr = tr, R = 1000) (without trs, lagsarlm's finite-difference
# Hessian is not positive definite at these sizes and impacts fails); peak
# memory of both.  R_fit_s: those three calls inside R (system.time);
# R_whole_s: the whole Rscript run (reading, nb2listw, ...); spill_s: the
# whole spill command (reading, fit, effects).
# Not a test.   SPILL=build/spill BUILD=build scripts/bench-fit.sh [N ...]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPILL:=$PWD/build/spill}" "${BUILD:=build}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 50000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-7s %8s %12s %12s %9s %7s %8s %8s\n' N spill_s R_fit_s R_whole_s ratios rho spill_MB R_MB
for n in "${sizes[@]}"; do
    "$BUILD"/tools/voronoi "$n" 42 "$tmp/v.gpkg"
    "$SPILL" weights "$tmp/v.gpkg" --id id --standardize binary -o "$tmp/w.gal" 2>/dev/null
    # y = (I - 0.4 W)^-1 (1 + 0.5 x1 - 0.3 x2 + 0.2 W x1 + e), simulated in R
    Rscript -e "suppressMessages({library(spdep); library(spatialreg)})
        set.seed(1); nb <- read.gal('$tmp/w.gal', override.id = TRUE); lw <- nb2listw(nb)
        W <- as(lw, 'CsparseMatrix'); n <- length(nb)
        x1 <- rnorm(n); x2 <- rnorm(n)
        y <- as.vector(solve(Diagonal(n) - 0.4 * W, 1 + 0.5 * x1 - 0.3 * x2 + 0.2 * (W %*% x1) + rnorm(n)))
        write.csv(data.frame(id = seq_len(n), y, x1, x2), '$tmp/d.csv', row.names = FALSE)"
    /usr/bin/time -f "%e %M" -o "$tmp/spill.time" "$SPILL" fit "$tmp/d.csv" --id id --w "$tmp/w.gal" \
        --y y --x x1,x2 --model sdm --effects --draws 1000 --json >"$tmp/fit.json" 2>/dev/null
    /usr/bin/time -f "%e %M" -o "$tmp/r.time" Rscript -e "suppressMessages({library(spdep); library(spatialreg)})
        nb <- read.gal('$tmp/w.gal', override.id = TRUE); lw <- nb2listw(nb); d <- read.csv('$tmp/d.csv')
        t <- system.time({
          tr <- trW(as(lw, 'CsparseMatrix'), type = 'MC')
          fit <- lagsarlm(y ~ x1 + x2, data = d, listw = lw, Durbin = TRUE, method = 'Matrix', trs = tr)
          im <- tryCatch(impacts(fit, tr = tr, R = 1000), error = function(e) NULL) })
        cat(fit\$rho, t[['elapsed']], is.null(im), '\n')" >"$tmp/r.out" 2>/dev/null
    read -r ts ms <"$tmp/spill.time"
    read -r tr mr <"$tmp/r.time"
    read -r rrho rfit rfail <"$tmp/r.out"
    printf '%-7s %8.2f %12.2f %12.2f %4.0fx/%3.0fx %7.4f %8d %8d   (R rho %.4f%s)\n' "$n" "$ts" \
        "$rfit" "$tr" "$(awk -v a="$ts" -v b="$rfit" 'BEGIN { print b / a }')" \
        "$(awk -v a="$ts" -v b="$tr" 'BEGIN { print b / a }')" "$(jq .rho.est "$tmp/fit.json")" \
        "$((ms / 1024))" "$((mr / 1024))" "$rrho" \
        "$([ "$rfail" = TRUE ] && echo '; impacts failed')"
done
