# Reference values for spill's dynamic spatial panels (spill fit --panel ... --dynamic).
#
#   Rscript scripts/ref-dynamic.R      (from the repository root; about half a minute)
#   Needs: spdep, spatialreg (Debian r-cran-spdep, r-cran-spatialreg).
#
# Writes tests/fixtures/dynamic/:
#   dyn_panel.csv   a simulated dynamic two-way fixed-effects SDM panel on the 31 provinces
#                   (tests/fixtures/panel/provinces.gal), 12 years 2009-2020, long format:
#                   tau = 0.4, rho = 0.3, eta = -0.1, beta = (1, -0.5), theta = (0.3, 0.1),
#                   sigma = 0.7, unit effects correlated with x1, period effects; y_2009
#                   drawn after a 50-period burn-in
#   dyn.csv         model, lags, fe, kind (ml: the quasi-ML estimates; bc: bias-corrected),
#                   name, est, se for tau, eta, rho, sigma2, loglik and the coefficients
#   effects.csv     model, lags, fe, horizon (short, long), name, effect, est, se: effects
#                   at the bias-corrected estimates, closed form, delta-method se
#
# The identity.  The quasi-ML estimator conditional on the first period is the ML estimator
# of the static model on periods 2..T with y_{t-1} and W y_{t-1} as regressors: spatialreg's
# lagsarlm on the stacked raw data of periods 2..T with the block-diagonal W =
# kronecker(I_{T-1}, W), unit and/or period dummies as factors (method "eigen").  Its
# asymptotic covariance (resvar) restricted to our parameters is the inverse of the
# information matrix with the dummies partialled out.
#
# The bias correction (Yu, de Jong & Lee 2008, J. Econometrics 146, Theorem 3 and eq. for
# b; Lee & Yu 2010, Econometric Theory 26, for time effects), written here from the
# formulas with dense matrices, independently of spill:
#   theta_bc = theta + Sigma^-1 (b1 / T' + b2 / n),  Sigma = info / (n T'), T' = T - 1
#   S = I - rho W, G = W S^-1, A = S^-1 (tau I + eta W), C = sum_h A^h S^-1 (summed here
#   to convergence, and checked against ((1 - tau) I - (rho + eta) W)^-1),
#   J = I (unit effects) or I - 11'/n (two-way)
#   b1 = (tr(J C)/n [tau], tr(J W C)/n [eta], 0 [beta, theta],
#         (tau tr(J G C) + eta tr(J G W C) + tr(J G))/n [rho], 1/(2 sigma2))   unit effects
#   b2 = (0, ..., 1'G1/n [rho], 1/(2 sigma2))                                 time effects
# The covariance is the inverse of the information matrix at the corrected values (the
# analytic matrix, written below and checked against spatialreg's at the ML estimates).
suppressMessages({ library(spdep); library(spatialreg) })
out <- "tests/fixtures/dynamic"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
source("scripts/ref-lib.R")

nb <- read.gal("tests/fixtures/panel/provinces.gal", override.id = TRUE)
ids <- attr(nb, "region.id")
W <- nb2mat(nb, style = "W")
N <- nrow(W); TT <- 12; years <- 2009:2020; I <- diag(N)

## Simulation
set.seed(20261201)
tau0 <- 0.4; rho0 <- 0.3; eta0 <- -0.1; b0 <- c(1, -0.5); th0 <- c(0.3, 0.1)
mu <- rnorm(N); alpha <- rnorm(TT, sd = 0.5)
S0i <- solve(I - rho0 * W)
yprev <- rep(0, N)
gen_x <- function() cbind(0.5 * mu + rnorm(N), rnorm(N))
for (b in 1:50) { # burn-in with the first period's effects
    X <- gen_x()
    yprev <- S0i %*% (tau0 * yprev + eta0 * W %*% yprev + X %*% b0 + W %*% X %*% th0 + mu +
                      alpha[1] + rnorm(N, sd = 0.7))
}
Y <- matrix(0, N, TT); X1 <- X2 <- matrix(0, N, TT)
for (t in 1:TT) {
    X <- gen_x()
    if (t == 1) { Y[, 1] <- yprev; X1[, 1] <- X[, 1]; X2[, 1] <- X[, 2]; next }
    Y[, t] <- S0i %*% (tau0 * Y[, t - 1] + eta0 * W %*% Y[, t - 1] + X %*% b0 +
                       W %*% X %*% th0 + mu + alpha[t] + rnorm(N, sd = 0.7))
    X1[, t] <- X[, 1]; X2[, t] <- X[, 2]
}
csv <- data.frame(adcode = rep(ids, TT), year = rep(years, each = N), x1 = as.vector(X1),
                  x2 = as.vector(X2), y = as.vector(Y))
write_table(csv[order(csv$adcode, csv$year), ], "dyn_panel.csv")

## Stacked periods 2..T (period by period, units in W's order)
T1 <- TT - 1; NT1 <- N * T1
cur <- as.vector(Y[, 2:TT]); lagy <- as.vector(Y[, 1:T1])
lagW <- function(v) as.vector(W %*% matrix(v, N))
x1 <- as.vector(X1[, 2:TT]); x2 <- as.vector(X2[, 2:TT])
unit <- factor(rep(1:N, T1)); period <- factor(rep(1:T1, each = N))
WNT <- mat2listw(kronecker(diag(T1), W), style = "W")
ev <- eigen(kronecker(diag(T1), W), only.values = TRUE)$values
Q <- function(v, fe) {
    m <- matrix(v, N)
    if (fe %in% c("unit", "twoway")) m <- m - rowMeans(m)
    if (fe %in% c("time", "twoway")) m <- sweep(m, 2, colMeans(m))
    as.vector(m)
}

## The information matrix of the SAR-form problem (regressors Z, dummies partialled out)
info_sar <- function(rho, beta, s2, Zt, fe) {
    G <- W %*% solve(I - rho * W)
    m <- Q(as.vector(G %*% matrix(Zt %*% beta, N)), fe)
    k <- ncol(Zt); p <- k + 2
    M <- matrix(0, p, p)
    M[1:k, 1:k] <- crossprod(Zt) / s2
    M[1:k, k + 1] <- M[k + 1, 1:k] <- crossprod(Zt, m) / s2
    M[k + 1, k + 1] <- T1 * (sum(diag(G %*% G)) + sum(G * G)) + sum(m^2) / s2
    M[k + 1, p] <- M[p, k + 1] <- T1 * sum(diag(G)) / s2
    M[p, p] <- NT1 / (2 * s2^2)
    M
}

cases <- list(
    list(model = "sdm", lags = "both", fe = "unit"), list(model = "sdm", lags = "both", fe = "twoway"),
    list(model = "sdm", lags = "both", fe = "time"), list(model = "sar", lags = "time", fe = "unit"),
    list(model = "sar", lags = "both", fe = "twoway"), list(model = "sdm", lags = "spacetime", fe = "twoway"))
rows <- NULL; erows <- NULL
for (cs in cases) {
    tl <- cs$lags %in% c("time", "both"); sl <- cs$lags %in% c("spacetime", "both")
    Z <- cbind(if (tl) lagy, if (sl) lagW(lagy), x1, x2,
               if (cs$model == "sdm") cbind(lagW(x1), lagW(x2)))
    nm <- c(if (tl) "tau", if (sl) "eta", "x1", "x2", if (cs$model == "sdm") c("W*x1", "W*x2"))
    colnames(Z) <- paste0("v", seq_len(ncol(Z)))
    d <- data.frame(y = cur, Z, unit = unit, period = period)
    rhs <- paste(colnames(Z), collapse = " + ")
    rhs <- switch(cs$fe, unit = paste(rhs, "+ unit - 1"), time = paste(rhs, "+ period - 1"),
                  twoway = paste(rhs, "+ unit + period"))
    fit <- lagsarlm(as.formula(paste("y ~", rhs)), d, WNT, method = "eigen",
                    control = list(pre_eig = ev))
    k <- ncol(Z)
    beta <- unname(coef(fit)[colnames(Z)]); rho <- unname(fit$rho); s2 <- fit$s2
    th <- c(beta, rho, s2)
    # spatialreg's covariance (sigma2, rho, coefficients) restricted to ours
    rv <- fit$resvar
    idx <- c(match(colnames(Z), colnames(rv)), 2, 1)
    V <- rv[idx, idx]
    Zt <- apply(Z, 2, Q, fe = cs$fe)
    Vi <- solve(info_sar(rho, beta, s2, Zt, cs$fe))
    stopifnot(max(abs(Vi - V) / pmax(abs(V), 1e-10)) < 1e-6)
    tau <- if (tl) th[1] else 0; eta <- if (sl) th[1 + tl] else 0
    # bias terms
    S <- I - rho * W; Si <- solve(S); G <- W %*% Si
    A <- Si %*% (tau * I + eta * W)
    C <- Si; Ah <- I
    for (h in 1:2000) { Ah <- Ah %*% A; C <- C + Ah %*% Si; if (max(abs(Ah)) < 1e-15) break }
    stopifnot(max(abs(C - solve((1 - tau) * I - (rho + eta) * W))) < 1e-10)
    J <- if (cs$fe == "twoway") I - matrix(1 / N, N, N) else I
    tr <- function(M) sum(diag(M))
    p <- k + 2
    b1 <- b2 <- rep(0, p)
    if (cs$fe %in% c("unit", "twoway")) {
        if (tl) b1[1] <- tr(J %*% C) / N
        if (sl) b1[1 + tl] <- tr(J %*% W %*% C) / N
        b1[k + 1] <- (tau * tr(J %*% G %*% C) + eta * tr(J %*% G %*% W %*% C) + tr(J %*% G)) / N
        b1[p] <- 1 / (2 * s2)
    }
    if (cs$fe %in% c("time", "twoway")) {
        b2[k + 1] <- sum(G) / N
        b2[p] <- 1 / (2 * s2)
    }
    Sigma <- solve(V) / NT1
    thb <- th + solve(Sigma, b1 / T1 + b2 / N)
    Vb <- solve(info_sar(thb[k + 1], thb[1:k], thb[p], Zt, cs$fe))
    pn <- c(nm, "rho", "sigma2")
    se_ml <- sqrt(diag(V)); se_bc <- sqrt(diag(Vb)); se_ml[p] <- se_bc[p] <- NA
    rows <- rbind(rows,
        data.frame(model = cs$model, lags = cs$lags, fe = cs$fe, kind = "ml", name = c(pn, "loglik"),
                   est = c(th, as.numeric(logLik(fit))), se = c(se_ml, NA)),
        data.frame(model = cs$model, lags = cs$lags, fe = cs$fe, kind = "bc", name = pn, est = thb,
                   se = se_bc))
    # effects at the corrected estimates, short and long run, delta method
    ib <- match(c("x1", "x2"), nm); it <- if (cs$model == "sdm") match(c("W*x1", "W*x2"), nm)
    for (j in 1:2) for (hz in c("short", "long")) {
        fn <- function(par) { # par = theta (full vector)
            ta <- if (tl) par[1] else 0; et <- if (sl) par[1 + tl] else 0; r <- par[k + 1]
            if (hz == "short") { ta <- 0; et <- 0 }
            M <- solve((1 - ta) * I - (r + et) * W) %*%
                 (par[ib[j]] * I + (if (is.null(it)) 0 else par[it[j]]) * W)
            c(tr(M) / N, sum(M) / N - tr(M) / N, sum(M) / N)
        }
        val <- fn(thb)
        Jm <- matrix(0, 3, p); h <- 1e-6
        for (q in 1:(p - 1)) { e <- rep(0, p); e[q] <- h; Jm[, q] <- (fn(thb + e) - fn(thb - e)) / (2 * h) }
        se <- sqrt(diag(Jm %*% Vb %*% t(Jm)))
        erows <- rbind(erows, data.frame(model = cs$model, lags = cs$lags, fe = cs$fe, horizon = hz,
                                         name = c("x1", "x2")[j], effect = c("direct", "indirect", "total"),
                                         est = val, se = se))
    }
}
write_table(rows, "dyn.csv")
write_table(erows, "effects.csv")
cat("R", R.version$major, R.version$minor, "spdep", as.character(packageVersion("spdep")),
    "spatialreg", as.character(packageVersion("spatialreg")), "\n")
