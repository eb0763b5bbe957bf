# Reference values for `spill detector`: the geographical detector written from
# the formulas of Wang & Xu (2017) and of R's geodetector package (factor_detector:
# q, lambda, pf(..., ncp = lambda, lower.tail = FALSE); interaction on the overlay
# strata; risk_detector's Welch t; the ecological F of Wang & Xu, two-sided here as
# spill reports it), in base R (geodetector itself is not packaged for Debian).
# Data: tests/fixtures/detector/hand.csv (8 units, hand-checkable), collectdata.csv
# (geodetector's CollectData: 185 units, its vignette's published q and p), the
# bundled AI index by year with region as the factor.  Writes
# tests/fixtures/detector/ref.csv: lines "key,value", key = kind|by|names|statistic.
# Run: Rscript scripts/ref-detector.R
fix <- "tests/fixtures/detector"
out <- character(0)
put <- function(key, v) out <<- c(out, sprintf("%s,%.17g", key, v))

fq <- function(y, x) {                 # factor detector
  N <- length(y); h <- sort(unique(x)); L <- length(h)
  ssw <- 0; l1 <- 0; l2 <- 0
  for (s in h) {
    ys <- y[x == s]; ssw <- ssw + sum((ys - mean(ys))^2)
    l1 <- l1 + mean(ys)^2; l2 <- l2 + sqrt(length(ys)) * mean(ys)
  }
  q <- 1 - ssw / sum((y - mean(y))^2)
  lambda <- (l1 - l2^2 / N) / var(y)
  F <- (N - L) / (L - 1) * q / (1 - q)
  list(q = q, F = F, lambda = lambda, ssw = ssw, L = L,
       p = pf(F, L - 1, N - L, ncp = lambda, lower.tail = FALSE))
}

detect <- function(d, y, xs, by) {
  f <- list()
  for (x in xs) {
    r <- fq(d[[y]], d[[x]]); f[[x]] <- r
    for (s in c("q", "F", "lambda", "p")) put(paste("factor", by, x, s, sep = "|"), r[[s]])
    h <- sort(unique(d[[x]]))
    for (i in seq_along(h)) for (j in seq_along(h)) if (i < j) {
      a <- d[[y]][d[[x]] == h[i]]; b <- d[[y]][d[[x]] == h[j]]
      if (length(a) < 2 || length(b) < 2) next
      se2 <- var(a) / length(a) + var(b) / length(b)
      if (se2 == 0) next
      t <- (mean(a) - mean(b)) / sqrt(se2)
      df <- se2^2 / ((var(a) / length(a))^2 / (length(a) - 1) + (var(b) / length(b))^2 / (length(b) - 1))
      k <- paste("risk", by, x, h[i], h[j], sep = "|")
      put(paste0(k, "|t"), t); put(paste0(k, "|df"), df)
      put(paste0(k, "|p"), 2 * pt(abs(t), df, lower.tail = FALSE))
      put(paste0(k, "|sig"), as.numeric(abs(t) > qt(0.975, round(df))))
    }
  }
  if (length(xs) > 1) for (i in 1:(length(xs) - 1)) for (j in (i + 1):length(xs)) {
    a <- xs[i]; b <- xs[j]
    r <- fq(d[[y]], paste(d[[a]], d[[b]], sep = "_"))
    put(paste("interaction", by, a, b, "q", sep = "|"), r$q)
    N <- nrow(d); F <- f[[a]]$ssw / f[[b]]$ssw
    put(paste("ecological", by, a, b, "F", sep = "|"), F)
    put(paste("ecological", by, a, b, "p", sep = "|"),
        min(1, 2 * min(pf(F, N - 1, N - 1), pf(F, N - 1, N - 1, lower.tail = FALSE))))
  }
}

hand <- read.csv(file.path(fix, "hand.csv"))
detect(hand, "y", c("X", "Z"), "hand")
# v in 2 type-7 quantile classes (closed on the right): the --continuous case
hv <- hand
hv$v <- findInterval(hand$v, quantile(hand$v, 0.5, type = 7), left.open = TRUE) + 1
detect(hv, "y", c("X", "v"), "hand_v")
cd <- read.csv(file.path(fix, "collectdata.csv"))
detect(cd, "incidence", c("soiltype", "watershed", "elevation"), "cd")
ai <- read.csv("shapefiles/ai_index_province.csv")
for (yr in sort(unique(ai$year))) detect(ai[ai$year == yr, ], "ai_index", c("region"), yr)
con <- file.path(fix, "ref.csv")
writeLines(c(sprintf("# R %s, base stats only", getRversion()), "key,value", out), con)
