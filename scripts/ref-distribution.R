# Reference values for spill's distribution commands (kde, gini, index, decouple),
# written straight from the published formulas, independently of spill's C code.
# Run from the repository root:  Rscript scripts/ref-distribution.R
# Needs only base R (stats); writes tests/fixtures/distribution/.
out <- "tests/fixtures/distribution"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
w <- function(df, name) write.csv(df, file.path(out, name), row.names = FALSE, quote = TRUE)
f17 <- function(x) formatC(x, digits = 17, format = "g")
ai <- read.csv("shapefiles/ai_index_province.csv", stringsAsFactors = FALSE)
years <- sort(unique(ai$year))

## ---- kde: bw.nrd0 / bw.nrd and the exact density at spill's shared grid ----
# grid: [min_t(min x_t - 3 h_t), max_t(max x_t + 3 h_t)], 64 points, as spill kde --grid 64
kde_exact <- function(g, x, h, kernel) {
  if (kernel == "gaussian") sapply(g, function(p) mean(dnorm(p, x, h)))
  else { a <- sqrt(5) * h
         sapply(g, function(p) { u <- (p - x) / a; sum(ifelse(abs(u) < 1, 0.75 * (1 - u^2), 0)) / (length(x) * a) }) }
}
rows <- list(); bws <- list()
for (rule in c("silverman", "scott")) {
  bwf <- if (rule == "silverman") bw.nrd0 else bw.nrd
  h <- sapply(years, function(y) bwf(ai$ai_index[ai$year == y]))
  lo <- min(sapply(seq_along(years), function(k) min(ai$ai_index[ai$year == years[k]]) - 3 * h[k]))
  hi <- max(sapply(seq_along(years), function(k) max(ai$ai_index[ai$year == years[k]]) + 3 * h[k]))
  g <- seq(lo, hi, length.out = 64)
  for (kernel in c("gaussian", "epanechnikov"))
    for (k in seq_along(years)) {
      x <- ai$ai_index[ai$year == years[k]]
      d <- kde_exact(g, x, h[k], kernel)
      # cross-check against stats::density itself (binned FFT, so only ~1e-3 close)
      rd <- density(x, bw = h[k], kernel = kernel, n = 4096, from = lo, to = hi)
      stopifnot(max(abs(approx(rd$x, rd$y, g)$y - d)) < 2e-3 * max(d))
      rows[[length(rows) + 1]] <- data.frame(rule = rule, kernel = kernel, year = years[k],
                                             k = seq_along(g) - 1, x = f17(g), density = f17(d))
    }
  bws[[length(bws) + 1]] <- data.frame(rule = rule, year = years, bandwidth = f17(h))
}
w(do.call(rbind, rows), "kde_density.csv")
w(do.call(rbind, bws), "kde_bandwidth.csv")
