# Reference values for `spill markov` from R's markovchain package (Debian
# r-cran-markovchain): the classic chain of the US state incomes 1929-2009
# (libpysal's usjoin.csv, long form in tests/fixtures/markov/usjoin_long.csv),
# quintile classes per year (type-7 quantiles, classes closed on the right).
# markovchainFit(method = "mle") on the 48 yearly sequences, steadyStates and
# meanFirstPassageTime.  Writes tests/fixtures/markov/r_markovchain.csv: rows
# "what,row,col,value" (what = p, steady, mfpt; 1-based classes).
# Run: Rscript scripts/ref-markov.R     (package markovchain)
suppressPackageStartupMessages(library(markovchain))
fix <- "tests/fixtures/markov"
d <- read.csv(file.path(fix, "usjoin_long.csv"))
k <- 5
d$cls <- NA
for (y in unique(d$year)) {
  r <- d$year == y
  b <- quantile(d$pci[r], probs = (1:(k - 1)) / k, type = 7)
  d$cls[r] <- findInterval(d$pci[r], b, left.open = TRUE) + 1
}
seqs <- t(sapply(split(d, d$id), function(u) as.character(u$cls[order(u$year)])))
fit <- markovchainFit(data = seqs, method = "mle")
mc <- fit$estimate
states <- as.character(1:k)
P <- mc@transitionMatrix[states, states]
ss <- steadyStates(mc)[1, states]
mf <- meanFirstPassageTime(mc)[states, states]
rows <- list()
for (i in 1:k) for (j in 1:k) rows[[length(rows) + 1]] <- c("p", i, j, sprintf("%.17g", P[i, j]))
for (j in 1:k) rows[[length(rows) + 1]] <- c("steady", 1, j, sprintf("%.17g", ss[j]))
for (i in 1:k) for (j in 1:k) if (i != j)
  rows[[length(rows) + 1]] <- c("mfpt", i, j, sprintf("%.17g", mf[i, j]))
out <- do.call(rbind, rows)
colnames(out) <- c("what", "row", "col", "value")
con <- file.path(fix, "r_markovchain.csv")
writeLines(sprintf("# markovchain %s, R %s", packageVersion("markovchain"), getRversion()), con)
suppressWarnings(write.table(out, con, sep = ",", quote = FALSE, row.names = FALSE, append = TRUE))
