#!/bin/bash
# Benchmark: Dagum's Gini decomposition with three groups, spill against R in
# the same run.  Not a test.
#   SPILL=build/spill scripts/bench-distribution.sh
#
# Two sizes, best of 3 runs each:
#   300x20    300 cities x 20 years, 3 groups: `spill gini --by year --group g
#             --json` (whole command: read the CSV, 20 decompositions, print)
#   100000    100,000 units in one period, 3 groups (whole command)
# R: the same decompositions in one R session, timed around the calls only
# (not R's start-up or reading): `R_sorted`, a vectorised R written the way
# spill computes (sort, cumsum, findInterval: O(n log n)), and at 300x20
# `R_pairs`, the textbook all-pairs definition with outer() (O(n^2)).  Both R
# versions are checked against each other and against spill's G, G_w, G_nb, G_t.
# The ratios are R / spill; spill's time includes reading and printing.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPILL:=$PWD/build/spill}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk 'BEGIN { srand(11); print "id,year,g,v"
    for (t = 2001; t <= 2020; t++) for (i = 1; i <= 300; i++) {
        g = i % 3; printf "%d,%d,%s,%.4f\n", i, t, g == 0 ? "East" : g == 1 ? "Central" : "West",
            (1 + g) * exp(0.8 * sqrt(-2 * log(rand())) * cos(6.283185307 * rand())) * (1 + 0.03 * (t - 2001)) } }' >"$tmp/p.csv"
awk 'BEGIN { srand(12); print "id,g,v"
    for (i = 1; i <= 100000; i++) { g = i % 3; printf "%d,%s,%.4f\n", i, g == 0 ? "East" : g == 1 ? "Central" : "West",
        (1 + g) * exp(0.8 * sqrt(-2 * log(rand())) * cos(6.283185307 * rand())) } }' >"$tmp/big.csv"

best_of_3() {   # the fastest wall time of three runs; the fastest --timing statistics part in $tmp/stat
    local best= stat=
    for _ in 1 2 3; do
        local t0 t1
        t0=$(date +%s.%N); "$@" --timing >"$tmp/out.json" 2>"$tmp/err"; t1=$(date +%s.%N)
        best=$(echo "$t0 $t1 $best" | awk '{d=$2-$1; if ($3=="" || d<$3) print d; else print $3}')
        stat=$(sed -n 's/.*statistics \([0-9.]*\) s.*/\1/p' "$tmp/err" | awk -v b="$stat" '{ if (b == "" || $1 < b) print $1; else print b }')
    done
    echo "$stat" >"$tmp/stat"
    echo "$best"
}
t_small=$(best_of_3 "$SPILL" gini "$tmp/p.csv" --id id --by year --var v --group g --json)
s_small=$(cat "$tmp/stat")
jq -r '.results[0] | [.gini, .within, .between, .transvariation] | @csv' "$tmp/out.json" >"$tmp/spill_small"
t_big=$(best_of_3 "$SPILL" gini "$tmp/big.csv" --id id --var v --group g --json)
s_big=$(cat "$tmp/stat")
jq -r '.results[0] | [.gini, .within, .between, .transvariation] | @csv' "$tmp/out.json" >"$tmp/spill_big"

cat >"$tmp/ref.R" <<'REOF'
args <- commandArgs(TRUE)
# |.| sums of sorted a against sorted b by cumulative sums
absum <- function(a, b) { cb <- c(0, cumsum(b)); k <- findInterval(a, b, left.open = TRUE)
  sum(a * k - cb[k + 1] + (cb[length(b) + 1] - cb[k + 1]) - a * (length(b) - k)) }
dagum_sorted <- function(y, g) {
  m <- tapply(y, g, mean); lev <- names(m)[order(m)]; n <- length(y); yb <- mean(y)
  ys <- lapply(lev, function(l) sort(y[g == l])); nj <- lengths(ys); mj <- m[lev]
  pj <- nj / n; sj <- nj * mj / (n * yb); G <- absum(sort(y), sort(y)) / (2 * n^2 * yb)
  Gw <- sum(sapply(seq_along(lev), function(j) absum(ys[[j]], ys[[j]]) / (2 * nj[j]^2 * mj[j]) * pj[j] * sj[j]))
  Gnb <- 0; Gt <- 0
  for (j in 2:length(lev)) for (h in 1:(j - 1)) {
    S <- absum(ys[[j]], ys[[h]]); Gjh <- S / (nj[j] * nj[h] * (mj[j] + mj[h])); D <- (mj[j] - mj[h]) / (S / (nj[j] * nj[h]))
    w <- pj[j] * sj[h] + pj[h] * sj[j]; Gnb <- Gnb + Gjh * w * D; Gt <- Gt + Gjh * w * (1 - D) }
  c(G, Gw, Gnb, Gt)
}
dagum_pairs <- function(y, g) {
  m <- tapply(y, g, mean); lev <- names(m)[order(m)]; n <- length(y); yb <- mean(y)
  G <- sum(abs(outer(y, y, "-"))) / (2 * n^2 * yb); Gw <- 0; Gnb <- 0; Gt <- 0
  for (j in seq_along(lev)) { yj <- y[g == lev[j]]; nj <- length(yj); mj <- mean(yj)
    Gw <- Gw + sum(abs(outer(yj, yj, "-"))) / (2 * nj^2 * mj) * (nj / n) * (nj * mj / (n * yb))
    for (h in seq_len(j - 1)) { yh <- y[g == lev[h]]; nh <- length(yh); mh <- mean(yh); d <- outer(yj, yh, "-")
      dd <- sum(d[d > 0]) / (nj * nh); pp <- -sum(d[d < 0]) / (nj * nh); D <- (dd - pp) / (dd + pp)
      Gjh <- sum(abs(d)) / (nj * nh * (mj + mh)); w <- (nj / n) * (nh * mh / (n * yb)) + (nh / n) * (nj * mj / (n * yb))
      Gnb <- Gnb + Gjh * w * D; Gt <- Gt + Gjh * w * (1 - D) } }
  c(G, Gw, Gnb, Gt)
}
best <- function(f) min(sapply(1:3, function(i) system.time(f())[["elapsed"]]))
p <- read.csv(args[1]); b <- read.csv(args[2])
yrs <- split(p, p$year)
r1 <- dagum_sorted(yrs[[1]]$v, yrs[[1]]$g); r2 <- dagum_pairs(yrs[[1]]$v, yrs[[1]]$g)
stopifnot(max(abs(r1 - r2)) < 1e-12)
sp <- as.numeric(strsplit(readLines(args[3]), ",")[[1]]); stopifnot(max(abs(r1 - sp)) < 1e-12)
rb <- dagum_sorted(b$v, b$g); spb <- as.numeric(strsplit(readLines(args[4]), ",")[[1]])
stopifnot(max(abs(rb - spb) / rb) < 1e-10)
cat(best(function() for (y in yrs) dagum_sorted(y$v, y$g)), best(function() for (y in yrs) dagum_pairs(y$v, y$g)),
    best(function() dagum_sorted(b$v, b$g)), "\n")
REOF
read -r r_small r_pairs r_big < <(Rscript "$tmp/ref.R" "$tmp/p.csv" "$tmp/big.csv" "$tmp/spill_small" "$tmp/spill_big")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a <= 0) print "-"; else printf "%.1fx", b / a }'; }
echo "Dagum Gini decomposition, 3 groups; values agree. spill_s: whole command (start-up, read,"
echo "compute, print); spill_stat_s: its --timing statistics part; R: the calls only. ratio = R / spill"
printf '%-8s %9s %12s %11s %10s %10s %11s %11s\n' size spill_s spill_stat_s R_sorted_s R_pairs_s ratio ratio_stat ratio_pairs
printf '%-8s %9.4f %12.4f %11.4f %10.4f %10s %11s %11s\n' 300x20 "$t_small" "$s_small" "$r_small" "$r_pairs" \
    "$(ratio "$t_small" "$r_small")" "$(ratio "$s_small" "$r_small")" "$(ratio "$s_small" "$r_pairs")"
printf '%-8s %9.4f %12.4f %11.4f %10s %10s %11s %11s\n' 100000 "$t_big" "$s_big" "$r_big" - \
    "$(ratio "$t_big" "$r_big")" "$(ratio "$s_big" "$r_big")" -
echo "spill start-up alone (spill --version): $(best_of_3 "$SPILL" --version) s"
