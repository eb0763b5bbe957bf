# Reference values for `spill detector --discretize optimal`: the optimal discretisation
# of the R package GD (optidisc; Song et al. 2020) written from its definition in base R,
# on a small table.  For each continuous factor, every method (quantile, equal, jenks, sd,
# as docs/distribution.md defines them: breaks are upper bounds, classes (b_{c-1}, b_c],
# the last break max(x)) and every class count k = 3..6 is tried; a candidate is
# admissible when its breaks are distinct and each class holds at least 2 units (GD sets
# q to NA otherwise); the largest q wins, the first in method-major order on ties (GD's
# candidate table).  Natural breaks by brute force over every partition of the sorted
# values into k contiguous classes (no ties in the data).
# Writes tests/fixtures/detector/optimal_data.csv and optimal.csv
# ("x,method,k,q" for every candidate, q empty when not admissible, and one
# "x,chosen,k,q" line per factor with the chosen method in the method column, then its
# breaks as "x,break,c,value").  Run: Rscript scripts/ref-detector-optimal.R
fix <- "tests/fixtures/detector"
set.seed(2020)
n <- 16
x1 <- round(runif(n, 0, 10), 3)
x2 <- round(rnorm(n, 50, 12), 2)
y <- round(ifelse(x1 < 3, 2, ifelse(x1 < 7, 5, 9)) + 0.05 * x2 + rnorm(n, 0, 0.8), 3)
d <- data.frame(unit = seq_len(n), y = y, x1 = x1, x2 = x2)
write.csv(d, file.path(fix, "optimal_data.csv"), row.names = FALSE)

q_of <- function(y, cls) {
  ssw <- sum(tapply(y, cls, function(v) sum((v - mean(v))^2)))
  1 - ssw / sum((y - mean(y))^2)
}
brk <- function(method, x, k) {
  lo <- min(x); hi <- max(x)
  if (method == "quantile") return(c(quantile(x, (1:(k - 1)) / k, type = 7, names = FALSE), hi))
  if (method == "equal") return(c(lo + (1:(k - 1)) * ((hi - lo) / k), hi))
  if (method == "sd") {
    m <- if (k %% 2) c(-((k - 1) / 2):-1, 1:((k - 1) / 2)) else (-(k / 2 - 1)):(k / 2 - 1)
    b <- mean(x) + sd(x) * m
    return(c(b, if (b[k - 1] > hi) b[k - 1] else hi))
  }
  s <- sort(x); best <- Inf; bb <- NULL           # jenks: every partition
  for (cut in combn(n - 1, k - 1, simplify = FALSE)) {
    cls <- findInterval(seq_len(n), cut + 1) + 1
    ssw <- sum(tapply(s, cls, function(v) sum((v - mean(v))^2)))
    if (ssw < best) { best <- ssw; bb <- c(s[cut], hi) }
  }
  bb
}
lines <- character(0)
for (xn in c("x1", "x2")) {
  x <- d[[xn]]; best <- -1; pick <- NULL
  for (method in c("quantile", "equal", "jenks", "sd")) for (k in 3:6) {
    b <- brk(method, x, k)
    cls <- sapply(x, function(v) which(v <= b)[1])
    ok <- all(diff(b) > 0) && all(tabulate(cls, k) >= 2)
    q <- if (ok) q_of(y, cls) else NA
    lines <- c(lines, sprintf("%s,%s,%d,%s", xn, method, k, if (ok) sprintf("%.17g", q) else ""))
    if (ok && q > best) { best <- q; pick <- list(method = method, k = k, b = b) }
  }
  lines <- c(lines, sprintf("%s,chosen,%d,%.17g,%s", xn, pick$k, best, pick$method))
  for (c in seq_along(pick$b)) lines <- c(lines, sprintf("%s,break,%d,%.17g", xn, c, pick$b[c]))
}
writeLines(c("x,method,k,q,chosen", lines), file.path(fix, "optimal.csv"))
