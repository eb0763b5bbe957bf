# Reference for `spill fit --info-mean`: the two-way Lee-Yu corrected SDM on the
# bundled provinces panel, with the information matrix's rho-rho mean term
# unprojected (Elhorst's sar_panel_FE: G X~ b) and projected (Q G X~ b, spill's
# default), from the published formulas (Lee & Yu 2010; Elhorst 2014, ch. 3).
# Writes tests/fixtures/panel/leeyu_info_mean.csv.  Needs R with spdep.
#   Rscript scripts/ref-leeyu-elhorst.R        (from the repository root)
suppressMessages(library(spdep))
d <- read.csv("tests/fixtures/panel/provinces_panel.csv")
ids <- unique(d$adcode)
nb <- read.gal("tests/fixtures/panel/provinces.gal", region.id = as.character(ids))
W <- listw2mat(nb2listw(nb, style = "W", zero.policy = TRUE))
N <- length(ids); yrs <- sort(unique(d$year)); Tn <- length(yrs); NT <- N * Tn
d <- d[order(d$year, match(d$adcode, ids)), ]
stopifnot(all(d$adcode == rep(ids, Tn)))
WT <- kronecker(diag(Tn), W)
X <- cbind(d$x1, d$x2, WT %*% d$x1, WT %*% d$x2)
# the two-way within transformation Q
Q <- function(v) { M <- matrix(v, N, Tn); as.vector(sweep(M - rowMeans(M), 2, colMeans(M)) + mean(M)) }
ys <- Q(d$y); Wys <- Q(WT %*% d$y); Xs <- apply(X, 2, Q)
ev <- eigen(W, only.values = TRUE)$values
conc <- function(rho) {
  e <- ys - rho * Wys; b <- qr.coef(qr(Xs), e); r <- e - Xs %*% b; s2 <- sum(r^2) / NT
  -NT / 2 * log(s2) + Tn * sum(log(Mod(1 - rho * ev)))
}
rho <- optimize(conc, c(-0.99, 0.99), maximum = TRUE, tol = 1e-12)$maximum
e <- ys - rho * Wys; b <- qr.coef(qr(Xs), e); s2 <- sum((e - Xs %*% b)^2) / NT
G <- W %*% solve(diag(N) - rho * W); GT <- kronecker(diag(Tn), G)
k <- ncol(Xs)
info <- function(m) {                       # m: the mean term of the rho row
  H <- matrix(0, k + 2, k + 2)
  H[1:k, 1:k] <- crossprod(Xs) / s2
  H[1:k, k + 1] <- H[k + 1, 1:k] <- crossprod(Xs, m) / s2
  H[k + 1, k + 1] <- sum(m^2) / s2 + Tn * sum(diag(G %*% G + t(G) %*% G))
  H[k + 1, k + 2] <- H[k + 2, k + 1] <- Tn * sum(diag(G)) / s2
  H[k + 2, k + 2] <- NT / (2 * s2^2)
  H
}
a <- c(rep(0, k), 1 / (1 - rho), 1 / (2 * s2))
gxb <- as.vector(GT %*% (Xs %*% b))
out <- NULL
for (v in c("elhorst", "projected")) {
  H <- info(if (v == "elhorst") gxb else Q(gxb))
  th <- c(b, rho, s2) + solve(H / NT, a) / N   # then sigma2 * T/(T-1)
  th[k + 2] <- th[k + 2] * Tn / (Tn - 1)
  out <- rbind(out, data.frame(info_mean = v, x1 = th[1], x2 = th[2], W_x1 = th[3],
                               W_x2 = th[4], rho = th[5], sigma2 = th[6]))
}
write.csv(out, "tests/fixtures/panel/leeyu_info_mean.csv", row.names = FALSE)
options(digits = 15); print(out)
