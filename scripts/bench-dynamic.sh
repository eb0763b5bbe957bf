#!/bin/bash
# Benchmark: dynamic two-way fixed-effects SDM (y(t-1) and W y(t-1)) with the
# bias correction and 1000-draw short- and long-run effects on the 293 China
# cities of tests/fixtures/panel/cities.gal x 21 years (the issue's goal: under
# 0.5 s for the whole command), spill against R spatialreg in the same run.
# Not a test.
#   SPILL=build/spill scripts/bench-dynamic.sh [T]     (default T = 21)
#
# R simulates a dynamic SDM panel (tau 0.4, rho 0.3, eta -0.1) and writes the
# long CSV; then, best of 5 runs:
#   spill    spill fit --panel ... --dynamic both --fe twoway --effects --draws 1000
#            (whole command) and its --timing "fit" part
#   R        spatialreg::lagsarlm on the two-way demeaned periods 2..T with y(t-1),
#            W y(t-1), X, WX, period dummies and the block-diagonal W, method "LU":
#            the uncorrected estimator alone (no correction, no effects), best of 3
# Then the unbalanced goal: the static two-way SDM with 1000-draw effects on the same
# panel with 10 % of the unit-periods removed (seeded), --unbalanced, against the
# balanced fit (goal: under twice its time).
# On a shared machine run it when the cores are idle.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPILL:=$PWD/build/spill}"
T=${1:-21}
tmp=${BENCH_TMP:-$(mktemp -d)}
[ -n "${BENCH_TMP:-}" ] || trap 'rm -rf "$tmp"' EXIT
. scripts/bench-lib.sh
W=tests/fixtures/panel/cities.gal

Rscript - "$W" "$T" "$tmp" <<'EOF' >/dev/null
suppressMessages({ library(spdep) })
a <- commandArgs(TRUE); TT <- as.integer(a[2])
nb <- read.gal(a[1], override.id = TRUE)
ids <- attr(nb, "region.id"); N <- length(nb)
W <- nb2mat(nb, style = "W"); Si <- solve(diag(N) - 0.3 * W)
set.seed(1); mu <- rnorm(N); al <- rnorm(TT, sd = 0.5)
rows <- NULL; y <- rep(0, N)
for (t in -20:TT) {
    x1 <- 0.5 * mu + rnorm(N); x2 <- rnorm(N)
    y <- as.vector(Si %*% (0.4 * y - 0.1 * W %*% y + x1 - 0.6 * x2 + W %*% (0.4 * x1 + 0.2 * x2) +
                           mu + al[max(t, 1)] + rnorm(N, sd = 0.8)))
    if (t >= 1) rows <- rbind(rows, data.frame(id = ids, year = 2000 + t, x1 = x1, x2 = x2, y = y))
}
write.csv(rows, file.path(a[3], "cities_dyn.csv"), row.names = FALSE, quote = FALSE)
EOF

N=$(head -1 "$W" | awk '{print $2}')
ts=$(best_part_of 5 fit "$SPILL" fit "$tmp/cities_dyn.csv" --panel id,year --w "$W" --y y --x x1,x2 \
     --dynamic both --fe twoway --effects --draws 1000 --timing)
tf=$(cat "$tmp/fit")

rt=$(Rscript - "$W" "$T" "$tmp" <<'EOF'
suppressMessages({ library(spdep); library(spatialreg); library(Matrix) })
a <- commandArgs(TRUE); TT <- as.integer(a[2])
nb <- read.gal(a[1], override.id = TRUE)
ids <- attr(nb, "region.id"); N <- length(nb)
d <- read.csv(file.path(a[3], "cities_dyn.csv"), colClasses = c(id = "character"))
d <- d[order(d$year, match(d$id, ids)), ]
W <- Matrix::Matrix(nb2mat(nb, style = "W"), sparse = TRUE)
T1 <- TT - 1; cur <- (N + 1):(N * TT); prev <- 1:(N * T1)
WNT <- kronecker(Diagonal(T1), W)
Q <- function(v) { m <- matrix(v, N, T1); m <- m - rowMeans(m); as.vector(sweep(m, 2, colMeans(m))) }
lw <- mat2listw(WNT, style = "W")
dd <- data.frame(y = Q(d$y[cur]), ly = Q(d$y[prev]), wly = Q(as.vector(WNT %*% d$y[prev])),
                 x1 = Q(d$x1[cur]), x2 = Q(d$x2[cur]), wx1 = Q(as.vector(WNT %*% d$x1[cur])),
                 wx2 = Q(as.vector(WNT %*% d$x2[cur])), per = factor(d$year[cur]))
one <- function() invisible(suppressWarnings(
    lagsarlm(y ~ 0 + ly + wly + x1 + x2 + wx1 + wx2, dd, lw, method = "LU")))
tm <- min(sapply(1:3, function(k) system.time(one())[["elapsed"]]))
cat(sprintf("%.3f\n", tm))
EOF
)
echo "cores: $(nproc)"
printf '%-22s %10s %10s %10s %8s\n' "N x T" spill_s spill_fit_s R_fit_s ratio
printf '%-22s %10.3f %10s %10s %8.1f\n' "$N x $T" "$ts" "$tf" "$rt" "$(echo "$rt $ts" | awk '{print $1/$2}')"
awk -v t="$ts" 'BEGIN { printf "goal: under 0.5 s for the whole command: %s\n", t < 0.5 ? "met" : "NOT met" }'

awk -F, 'BEGIN { srand(7) } NR == 1 || rand() > 0.1' "$tmp/cities_dyn.csv" >"$tmp/cities_unb.csv"
tb=$(best_part_of 5 fit "$SPILL" fit "$tmp/cities_dyn.csv" --panel id,year --w "$W" --y y --x x1,x2 \
     --fe twoway --effects --draws 1000)
tu=$(best_part_of 5 fit "$SPILL" fit "$tmp/cities_unb.csv" --panel id,year --w "$W" --y y --x x1,x2 \
     --fe twoway --effects --draws 1000 --unbalanced)
printf '%-34s %10.3f\n' "static balanced, whole command" "$tb" "unbalanced (10 % missing)" "$tu"
awk -v b="$tb" -v u="$tu" 'BEGIN { printf "goal: unbalanced under twice the balanced time: %.2fx %s\n", u / b, u < 2 * b ? "met" : "NOT met" }'
