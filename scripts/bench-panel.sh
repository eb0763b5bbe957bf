#!/bin/bash
# Benchmark: two-way fixed-effects SDM with 1000-draw effects on the 293 China
# cities of tests/fixtures/panel/cities.gal x 21 years (the issue's goal:
# 290 cities x 21 years in under 0.3 s), then on the 367 cities of
# tests/fixtures/weights/china_cities_queen.gal x 20 years, whose queen W has
# an island (Taiwan), and on the same W without it (an island must cost
# nothing), spill against R spatialreg in the same run.  Not a test.
#   SPILL=build/spill scripts/bench-panel.sh [T]     (default T = 21)
#
# R simulates the panel (an SDM with unit and period effects) and writes the
# long CSV; then, best of 5 runs:
#   spill    spill fit --panel ... --fe twoway --effects --draws 1000 (whole
#            command: read the CSV and the GAL file, fit, Lee-Yu, information
#            matrix at the ML and at the corrected values, LM and Wald tests,
#            1000 draws) and its --timing "fit" part
#   R        spatialreg::lagsarlm on the two-way demeaned data with the
#            block-diagonal W and period dummies (the same estimator, no Lee-Yu),
#            method "LU" (sparse; "eigen" on the NT x NT matrix is much slower),
#            the fit alone (no effects: spatialreg's impacts would treat the
#            explicit WX columns and the dummies as separate regressors), best of 3,
#            the call alone (no start-up or reading)
# On a shared machine run it when the cores are idle.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPILL:=$PWD/build/spill}"
T=${1:-21}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. scripts/bench-lib.sh
ISLAND=tests/fixtures/weights/china_cities_queen.gal
# the same W without its island (710000, Taiwan)
awk 'NR == 1 { print $1, $2 - 1, $3, $4; next } $1 == "710000" && $2 == "0" { getline; next } { print }' \
    "$ISLAND" > "$tmp/no_island.gal"
echo "cores: $(nproc)"
printf '%-34s %10s %10s %10s\n' "W, N x T" spill_s spill_fit_s R_fit_s

# bench W T LABEL: simulate the panel on W, time spill and R on it
bench() {
local W=$1 T=$2 label=$3
Rscript - "$W" "$T" "$tmp" <<'EOF' >/dev/null
suppressMessages({ library(spdep) })
a <- commandArgs(TRUE); TT <- as.integer(a[2])
nb <- read.gal(a[1], override.id = TRUE)
ids <- attr(nb, "region.id"); N <- length(nb)
W <- Matrix::Matrix(nb2mat(nb, style = "W", zero.policy = TRUE), sparse = TRUE)
set.seed(1); mu <- rnorm(N); al <- rnorm(TT, sd = 0.5)
rows <- NULL
for (t in 1:TT) {
    x1 <- 0.5 * mu + rnorm(N); x2 <- rnorm(N)
    y <- as.vector(solve(diag(N) - 0.35 * as.matrix(W), x1 - 0.6 * x2 +
                         as.vector(W %*% (0.4 * x1 + 0.2 * x2)) + mu + al[t] + rnorm(N, sd = 0.8)))
    rows <- rbind(rows, data.frame(id = ids, year = 2000 + t, x1 = x1, x2 = x2, y = y))
}
write.csv(rows, file.path(a[3], "cities_panel.csv"), row.names = FALSE, quote = FALSE)
EOF

N=$(head -1 "$W" | awk '{print $2}')
ts=$(best_part_of 5 fit "$SPILL" fit "$tmp/cities_panel.csv" --panel id,year --w "$W" --y y --x x1,x2 \
     --fe twoway --effects --draws 1000 --timing)
tf=$(cat "$tmp/fit")

rt=$(Rscript - "$W" "$T" "$tmp" <<'EOF'
suppressMessages({ library(spdep); library(spatialreg); library(Matrix) })
invisible(set.ZeroPolicyOption(TRUE))
a <- commandArgs(TRUE); TT <- as.integer(a[2])
nb <- read.gal(a[1], override.id = TRUE)
ids <- attr(nb, "region.id"); N <- length(nb)
d <- read.csv(file.path(a[3], "cities_panel.csv"), colClasses = c(id = "character"))
d <- d[order(d$year, match(d$id, ids)), ]
W <- Matrix::Matrix(nb2mat(nb, style = "W", zero.policy = TRUE), sparse = TRUE)
WNT <- kronecker(Diagonal(TT), W)
Q <- function(v) { m <- matrix(v, N, TT); m <- m - rowMeans(m); as.vector(sweep(m, 2, colMeans(m))) }
lw <- mat2listw(WNT, style = "W")
dd <- data.frame(y = Q(d$y), x1 = Q(d$x1), x2 = Q(d$x2), wx1 = Q(as.vector(WNT %*% d$x1)),
                 wx2 = Q(as.vector(WNT %*% d$x2)), per = factor(d$year))
one <- function() {
    f <- suppressWarnings(lagsarlm(y ~ 0 + x1 + x2 + wx1 + wx2 + per, dd, lw, method = "LU",
                                   zero.policy = TRUE))
    invisible(f)
}
tm <- tryCatch(min(sapply(1:3, function(k) system.time(one())[["elapsed"]])),
               error = function(e) NA)
cat(if (is.na(tm)) "failed\n" else sprintf("%.3f\n", tm))
EOF
)
printf '%-34s %10.3f %10s %10s\n' "$label, $N x $T" "$ts" "$tf" "$rt"
}

bench tests/fixtures/panel/cities.gal "$T" "cities.gal"
bench "$ISLAND" 20 "queen, 1 island (Taiwan)"
bench "$tmp/no_island.gal" 20 "queen, island removed"
