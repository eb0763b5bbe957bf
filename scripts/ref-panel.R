# Reference values for spill's spatial panel models (spill fit --panel).
#
#   Rscript scripts/ref-panel.R        (from the repository root; about a minute)
#
# Writes tests/fixtures/panel/:
#   provinces.gal      China's 31 provinces, queen contiguity from poly2nb (planar,
#                      sf_use_s2(FALSE)) plus the Hainan-Guangdong link
#   cities.gal         293 prefecture-level cities (mainland, without Tibet, Xinjiang,
#                      Qinghai, Hainan, Inner Mongolia, Ningxia), queen, connected
#   provinces_panel.csv  a simulated two-way fixed-effects SDM panel on the provinces,
#                      31 x 11 (2010-2020), long format, rows unit by unit
#   within.csv         y after the unit, time and two-way within transformations, and the
#                      transformed spatial lag Q (I_T x W) y
#   fe.csv             fixed-effects ML (model, fe, convention, name, est, se)
#   effects.csv        direct / indirect / total effects with delta-method standard errors
#   lm.csv             panel LM tests (lag, error, robust) for each fe
#   re.csv             random-effects SAR/SDM by ML, and the Hausman tests
#
# What a fixed-effects ML estimator is.  The ML estimator of the model with unit and/or
# period dummies, the dummies concentrated out: every variable is lagged on the raw data
# (Wy, WX) and then within-transformed (y~ = Q y, (Wy)~ = Q (I_T x W) y), the
# log-determinant is T ln|I - rho W| and sigma^2 = e'e / NT.  The reference is spatialreg
# run on the within-transformed data with the block-diagonal W = kronecker(I_T, W), plus T
# period dummies for time and two-way effects.  The dummies are needed: with a
# row-standardised W whose column sums are not 1, W y~ differs from (Wy)~ by a constant in
# each period (the period mean of W y~), which the dummies absorb.  Without them spatialreg
# fits a slightly different model for time effects (the size of the difference is printed).
# With unit effects only, Q commutes with I_T x W and no dummies are needed.  The standard
# errors are spatialreg's analytic asymptotic ones (method "eigen"), i.e. the information
# matrix of the dummy model with the dummies partialled out; an independent dense R
# implementation of that matrix (info_ml below, covering SAR/SEM/SDM/SDEM/SAC) is checked
# against spatialreg's and then used at the bias-corrected values.
#
# Lee-Yu bias correction (implemented here from the formulas, independently of spill):
#   convention "elhorst" (Elhorst's sar_panel_FE with bc = 1, spill's default):
#     unit    sigma2 * T / (T - 1)                      (rho, beta unchanged)
#     time    sigma2 * N / (N - 1)                      (rho, beta unchanged)
#     twoway  theta_bc = theta + (H / NT)^-1 a / N, a = [0; 1/(1-rho); 1/(2 sigma2)]
#             (1/(1-lambda) for each spatial parameter), then sigma2 * T / (T - 1)
#   convention "leeyu" (Lee & Yu 2010, bias-corrected direct estimator): as "elhorst"
#     except time effects: theta + (H / NT)^-1 a / N (rho and beta corrected too).
#   H is the information matrix at the ML estimates; standard errors are from the
#   information matrix evaluated at the corrected values.
suppressMessages({ library(sf); library(spdep); library(spatialreg); library(Matrix) })
out <- "tests/fixtures/panel"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
source("scripts/ref-lib.R")
sf_use_s2(FALSE) # invalid outlines: poly2nb's planar path copes

## Weights
prov <- st_read("shapefiles/china_provinces.shp", quiet = TRUE)
prov <- prov[!(prov$adcode %in% c(710000, 810000, 820000)), ]
pids <- as.character(prov$adcode)
nbp <- suppressMessages(poly2nb(prov, queen = TRUE, row.names = pids))
hn <- which(pids == "460000"); gd <- which(pids == "440000")
nbp[[hn]] <- sort(unique(c(setdiff(nbp[[hn]], 0L), gd)))
nbp[[gd]] <- sort(unique(c(nbp[[gd]], hn)))
stopifnot(all(card(nbp) > 0), length(nbp) == 31)
write_gal(nbp, pids, "provinces.gal", "china_provinces", "adcode")

city <- st_read("shapefiles/china_cities.shp", quiet = TRUE)
city <- city[!(city$prov_en %in% c("Hong Kong", "Macao", "Taiwan", "Tibet", "Xinjiang", "Qinghai",
                                   "Hainan", "Inner Mongolia", "Ningxia")), ]
cids <- as.character(city$adcode)
nbc <- suppressMessages(poly2nb(city, queen = TRUE, row.names = cids))
stopifnot(all(card(nbc) > 0), n.comp.nb(nbc)$nc == 1)
write_gal(nbc, cids, "cities.gal", "china_cities", "adcode")

## Simulated provinces panel: SDM with unit and period effects
W <- nb2mat(nbp, style = "W")
N <- nrow(W); TT <- 11; NT <- N * TT; years <- 2010:2020
ai <- read.csv("shapefiles/ai_index_province.csv", colClasses = c(adcode = "character"))
region <- ai$region[match(pids, ai$adcode)]
stopifnot(!anyNA(region))
set.seed(20240607)
mu <- rnorm(N); alpha <- rnorm(TT, sd = 0.5)
x1 <- x2 <- y <- numeric(NT) # stacked period by period, units in W's order
A <- diag(N) - 0.35 * W
for (t in 1:TT) {
    r <- (t - 1) * N + 1:N
    x1[r] <- 0.5 * mu + rnorm(N) + 0.1 * t
    x2[r] <- rnorm(N) + 0.3 * (region == "East")
    y[r] <- solve(A, 1.0 * x1[r] - 0.6 * x2[r] + W %*% (0.4 * x1[r] + 0.2 * x2[r]) + mu +
                     alpha[t] + rnorm(N, sd = 0.8))
}
unit <- rep(1:N, TT); period <- rep(1:TT, each = N)
csv <- data.frame(adcode = pids[unit], name_en = ai$name_en[match(pids, ai$adcode)][unit],
                  year = years[period], region = region[unit], x1 = x1, x2 = x2, y = y)
write_table(csv[order(csv$adcode, csv$year), ], "provinces_panel.csv")

## Within transformations and lags (vectors stacked period by period)
lag <- function(v) as.vector(kronecker(diag(TT), W) %*% v)
Q <- function(v, fe) {
    m <- matrix(v, N, TT) # column t = period t
    if (fe %in% c("unit", "twoway")) m <- m - rowMeans(m)
    if (fe %in% c("time", "twoway")) m <- sweep(m, 2, colMeans(m))
    as.vector(m)
}
write_table(data.frame(adcode = pids[unit], year = years[period], y_unit = Q(y, "unit"),
                       y_time = Q(y, "time"), y_twoway = Q(y, "twoway"),
                       wy_twoway = Q(lag(y), "twoway")), "within.csv")

WNT <- mat2listw(kronecker(diag(TT), W), style = "W")
ev <- eigen(kronecker(diag(TT), W), only.values = TRUE)$values
ctl <- list(pre_eig = ev)

## Information matrix of the (dummy-partialled) ML problem, dense, for SAC; SAR drops
## lambda, SEM drops rho.  X: transformed regressors; proj: the within transformation.
info_ml <- function(has_rho, has_lam, rho, lam, beta, s2, X, fe) {
    I <- diag(N)
    Ai <- solve(I - rho * W); B <- I - lam * W; Bi <- solve(B)
    G <- W %*% Ai; K <- B %*% G %*% Bi; H <- W %*% Bi
    BX <- X - lam * apply(X, 2, function(v) Q(lag(v), fe)) # Q (I - lam W) X
    BX <- apply(BX, 2, Q, fe = fe)
    m <- Q(as.vector(kronecker(diag(TT), B %*% G) %*% (X %*% beta)), fe) # Q B G X beta
    tr <- function(M) sum(diag(M))
    k <- ncol(X)
    p <- c(rep("b", k), if (has_rho) "rho", if (has_lam) "lam", "s2")
    M <- matrix(0, length(p), length(p))
    ib <- 1:k
    M[ib, ib] <- crossprod(BX) / s2
    r <- if (has_rho) k + 1 else NA
    l <- if (has_lam) k + 1 + has_rho else NA
    s <- length(p)
    if (has_rho) {
        M[ib, r] <- M[r, ib] <- crossprod(BX, m) / s2
        M[r, r] <- TT * (tr(K %*% K) + tr(t(K) %*% K)) + sum(m^2) / s2
        M[r, s] <- M[s, r] <- TT * tr(G) / s2
    }
    if (has_lam) {
        M[l, l] <- TT * (tr(H %*% H) + tr(t(H) %*% H))
        M[l, s] <- M[s, l] <- TT * tr(H) / s2
    }
    if (has_rho && has_lam) M[r, l] <- M[l, r] <- TT * (tr(K %*% H) + tr(K %*% t(H)))
    M[s, s] <- NT / (2 * s2^2)
    M
}

## Fixed effects by spatialreg
xnames <- c("x1", "x2")
fit_fe <- function(model, fe) {
    durbin <- model %in% c("sdm", "sdem")
    X <- cbind(x1, x2)
    if (durbin) X <- cbind(X, apply(X, 2, lag))
    colnames(X) <- c(xnames, if (durbin) paste0("W*", xnames))
    if (fe == "none") X <- cbind(const = 1, X)
    Xd <- apply(X, 2, Q, fe = fe); colnames(Xd) <- colnames(X)
    d <- data.frame(y = Q(y, fe), Xd, check.names = FALSE)
    names(d) <- c("y", paste0("v", seq_len(ncol(Xd))))
    rhs <- paste(names(d)[-1], collapse = " + ")
    if (fe %in% c("time", "twoway")) { d$per <- factor(period); rhs <- paste(rhs, "+ per") }
    f <- as.formula(paste("y ~ 0 +", rhs))
    fit <- switch(model,
        sar = , sdm = lagsarlm(f, d, WNT, method = "eigen", control = ctl),
        sem = , sdem = errorsarlm(f, d, WNT, method = "eigen", control = ctl),
        sac = sacsarlm(f, d, WNT, method = "eigen", control = list(pre_eig1 = ev, pre_eig2 = ev)))
    k <- ncol(Xd)
    cf <- coef(fit)
    rho <- if (model %in% c("sar", "sdm", "sac")) unname(fit$rho) else 0
    lam <- if (model %in% c("sem", "sdem", "sac")) unname(fit$lambda) else 0
    beta <- unname(cf[paste0("v", 1:k)])
    list(model = model, fe = fe, X = Xd, names = colnames(Xd), rho = rho, lam = lam, beta = beta,
         s2 = fit$s2, ll = as.numeric(logLik(fit)), fit = fit,
         has_rho = model %in% c("sar", "sdm", "sac"), has_lam = model %in% c("sem", "sdem", "sac"))
}

theta_of <- function(f) c(f$beta, if (f$has_rho) f$rho, if (f$has_lam) f$lam, f$s2)
info_at <- function(f, th) {
    k <- length(f$beta)
    rho <- if (f$has_rho) th[k + 1] else 0
    lam <- if (f$has_lam) th[k + 1 + f$has_rho] else 0
    info_ml(f$has_rho, f$has_lam, rho, lam, th[1:k], th[length(th)], f$X, f$fe)
}

# spatialreg's analytic covariance against info_ml at the MLE (SAR, SDM, SEM, SDEM).
check_vcov <- function(f) {
    if (f$model == "sac") return(invisible())
    V <- solve(info_at(f, theta_of(f)))
    k <- length(f$beta)
    sp <- f$fit
    if (f$has_rho) {
        rv <- sp$resvar # sigma2, rho, coefficients (dummies included)
        idx <- c(2 + 1:k, 2, 1)
    } else {
        # errorsarlm: rest.se from (X'(I-lam W)'(I-lam W)X)^-1 s2, lambda.se from the
        # lambda-sigma2 block of the information matrix
        vb <- diag(V)[1:k]
        stopifnot(max(abs(sqrt(vb) / sp$rest.se[1:k] - 1)) < 1e-6,
                  abs(sqrt(V[k + 1, k + 1]) / sp$lambda.se - 1) < 1e-6)
        return(invisible())
    }
    got <- V; want <- rv[idx, idx]
    stopifnot(max(abs(got - want) / pmax(abs(want), 1e-12)) < 1e-6)
}

# Lee-Yu bias correction: the reported parameter vector and its covariance.
lee_yu <- function(f, conv) {
    th <- theta_of(f); k <- length(f$beta); p <- length(th)
    full <- function(th) {
        a <- c(rep(0, k), if (f$has_rho) 1 / (1 - f$rho), if (f$has_lam) 1 / (1 - f$lam),
               1 / (2 * f$s2))
        th + solve(info_at(f, th) / NT, a) / N
    }
    if (conv == "none" || f$fe == "none") th2 <- th
    else if (f$fe == "unit") { th2 <- th; th2[p] <- th[p] * TT / (TT - 1) }
    else if (f$fe == "time" && conv == "elhorst") { th2 <- th; th2[p] <- th[p] * N / (N - 1) }
    else if (f$fe == "time") th2 <- full(th)
    else { th2 <- full(th); th2[p] <- th2[p] * TT / (TT - 1) }
    list(th = th2, V = solve(info_at(f, th2)))
}

# Effects (dense, exact) with delta-method standard errors from V (SAR, SDM, SDEM).
effects <- function(f, th, V) {
    k <- length(f$beta); nx <- length(xnames); I <- diag(N)
    off <- if (f$fe == "none") 1 else 0
    rows <- NULL
    for (j in 1:nx) {
        ib <- off + j; it <- if (f$model %in% c("sdm", "sdem")) off + nx + j else NA
        fn <- function(par) { # par = (beta_j, theta_j, rho)
            Ai <- solve(I - par[3] * W)
            S <- Ai %*% (par[1] * I + par[2] * W)
            c(sum(diag(S)) / N, sum(S) / N)
        }
        rho <- if (f$has_rho) th[k + 1] else 0
        par <- c(th[ib], if (is.na(it)) 0 else th[it], rho)
        idx <- c(ib, if (is.na(it)) NA else it, if (f$has_rho) k + 1 else NA)
        val <- fn(par)
        J <- matrix(0, 2, 3); h <- 1e-6
        for (q in 1:3) { # central differences on an analytic function: error ~ h^2
            e <- rep(0, 3); e[q] <- h
            J[, q] <- (fn(par + e) - fn(par - e)) / (2 * h)
        }
        keep <- !is.na(idx)
        Vs <- V[idx[keep], idx[keep], drop = FALSE]
        Js <- J[, keep, drop = FALSE]
        Jall <- rbind(Js[1, ], Js[2, ] - Js[1, ], Js[2, ])
        est <- c(val[1], val[2] - val[1], val[2])
        se <- sqrt(diag(Jall %*% Vs %*% t(Jall)))
        rows <- rbind(rows, data.frame(model = f$model, fe = f$fe, name = xnames[j],
                                       kind = c("direct", "indirect", "total"), est = est, se = se))
    }
    rows
}

fe_rows <- NULL; eff_rows <- NULL; fits <- list()
for (model in c("sar", "sdm", "sem", "sdem", "sac")) for (fe in c("none", "unit", "time", "twoway")) {
    f <- fit_fe(model, fe)
    check_vcov(f)
    fits[[paste(model, fe)]] <- f
    k <- length(f$beta)
    pn <- c(f$names, if (f$has_rho) "rho", if (f$has_lam) "lambda", "sigma2")
    for (conv in c("none", "elhorst", "leeyu")) {
        if (fe == "none" && conv != "none") next
        if (fe != "time" && conv == "leeyu") next # same as elhorst
        ly <- lee_yu(f, conv)
        se <- sqrt(diag(ly$V)); se[length(se)] <- NA
        fe_rows <- rbind(fe_rows, data.frame(model = model, fe = fe, convention = conv,
                                             name = c(pn, "loglik"), est = c(ly$th, f$ll),
                                             se = c(se, NA)))
        if (model %in% c("sar", "sdm", "sdem") && conv != "leeyu")
            eff_rows <- rbind(eff_rows, cbind(convention = conv,
                                              effects(f, ly$th, ly$V)))
    }
}
write_table(fe_rows, "fe.csv")
write_table(eff_rows[, c("model", "fe", "convention", "name", "kind", "est", "se")], "effects.csv")

# How far spatialreg on the within data without period dummies is from the ML estimator.
d0 <- data.frame(y = Q(y, "time"), v1 = Q(x1, "time"), v2 = Q(x2, "time"))
f0 <- lagsarlm(y ~ 0 + v1 + v2, d0, WNT, method = "eigen", control = ctl)
cat(sprintf("time FE SAR: rho %.6f with period dummies, %.6f without (W y~ instead of (Wy)~)\n",
            fits[["sar time"]]$rho, f0$rho))

## Panel LM tests: spdep's LM tests on the dummy (LSDV) regression, block-diagonal W
lm_rows <- NULL
for (fe in c("none", "unit", "time", "twoway")) {
    rhs <- "x1 + x2"
    if (fe %in% c("unit", "twoway")) rhs <- paste(rhs, "+ factor(unit)")
    if (fe %in% c("time", "twoway")) rhs <- paste(rhs, "+ factor(period)")
    ols <- lm(as.formula(paste("y ~", rhs)))
    tst <- lm.LMtests(ols, WNT, test = "all")
    for (nm in names(tst)) {
        if (nm == "SARMA") next
        lm_rows <- rbind(lm_rows, data.frame(fe = fe, test = nm,
                                             stat = unname(tst[[nm]]$statistic),
                                             p = tst[[nm]]$p.value))
    }
}
write_table(lm_rows, "lm.csv")

## Random effects SAR/SDM by ML (Elhorst's sar_panel_RE likelihood, maximised here with
## nested optimize): v* = v - (1 - theta) vbar_i, theta^2 = sigma2 / (T sigma_mu^2 + sigma2),
## L = -NT/2 ln(2 pi s2) + N ln theta + T ln|I - rho W| - e'e / (2 s2).
## With time effects ("time"): every variable is lagged, then period-demeaned, then
## RE-transformed; checked below against the same likelihood with explicit period dummies.
evW <- eigen(W, only.values = TRUE)$values
ldet <- function(rho) sum(log(Re(1 - rho * evW)))
unit_mean <- function(v) rep(rowMeans(matrix(v, N, TT)), TT)
re_setup <- function(model, fe, dummies = FALSE) {
    X <- cbind(x1, x2)
    if (model == "sdm") X <- cbind(X, apply(X, 2, lag))
    colnames(X) <- c(xnames, if (model == "sdm") paste0("W*", xnames))
    yy <- y; wy <- lag(y)
    if (fe == "none" || dummies) X <- cbind(const = 1, X)
    if (dummies) X <- cbind(X, sapply(2:TT, function(t) as.numeric(period == t)))
    if (fe == "time" && !dummies) {
        yy <- Q(yy, "time"); wy <- Q(wy, "time"); X <- apply(X, 2, Q, fe = "time")
    }
    list(y = yy, wy = wy, X = X, ybar = unit_mean(yy), wybar = unit_mean(wy),
         Xbar = apply(X, 2, unit_mean), names = colnames(X))
}
re_conc <- function(s, rho, th) {
    ys <- s$y - (1 - th) * s$ybar - rho * (s$wy - (1 - th) * s$wybar)
    Xs <- s$X - (1 - th) * s$Xbar
    b <- qr.solve(Xs, ys)
    e <- ys - Xs %*% b
    s2 <- sum(e^2) / NT
    list(ll = -NT / 2 * (log(2 * pi * s2) + 1) + N * log(th) + TT * ldet(rho), b = b, s2 = s2)
}
re_fit <- function(s) {
    lo <- 1 / min(Re(evW)) + 1e-9; hi <- 1 - 1e-9
    inner <- function(th) optimize(function(r) re_conc(s, r, th)$ll, c(lo, hi), maximum = TRUE,
                                   tol = 1e-12)
    th <- optimize(function(th) inner(th)$objective, c(1e-6, 1), maximum = TRUE, tol = 1e-12)$maximum
    rho <- inner(th)$maximum
    cc <- re_conc(s, rho, th)
    list(rho = rho, th = th, b = as.vector(cc$b), s2 = cc$s2, ll = cc$ll)
}
# Observed information (minus the analytic Hessian) in (beta, rho, theta, sigma2).
re_hessian <- function(s, f) {
    th <- f$th; rho <- f$rho; b <- f$b; s2 <- f$s2; k <- length(b)
    ys <- s$y - (1 - th) * s$ybar; wys <- s$wy - (1 - th) * s$wybar
    Xs <- s$X - (1 - th) * s$Xbar
    e <- as.vector(ys - rho * wys - Xs %*% b)
    de_b <- -Xs; de_r <- -wys; de_t <- as.vector(s$ybar - rho * s$wybar - s$Xbar %*% b)
    D <- cbind(de_b, de_r, de_t)
    Hm <- -crossprod(D) / s2 # plus e' d2e/dp dq: d2e/db dtheta = -Xbar, d2e/drho dtheta = -Wybar
    Hm[1:k, k + 2] <- -crossprod(D[, 1:k], de_t) / s2 - as.vector(crossprod(-s$Xbar, e)) / s2
    Hm[k + 2, 1:k] <- Hm[1:k, k + 2]
    Hm[k + 1, k + 2] <- Hm[k + 2, k + 1] <- -sum(de_r * de_t) / s2 - sum(-s$wybar * e) / s2
    Hm[k + 2, k + 2] <- Hm[k + 2, k + 2] - N / th^2
    G <- W %*% solve(diag(N) - rho * W)
    Hm[k + 1, k + 1] <- Hm[k + 1, k + 1] - TT * sum(diag(G %*% G))
    hs <- as.vector(crossprod(D, e)) / s2^2
    Hm <- rbind(cbind(Hm, hs), c(hs, NT / (2 * s2^2) - sum(e^2) / s2^3))
    -Hm
}
re_ll_full <- function(s, par) { # for the numerical check of the Hessian
    k <- ncol(s$X); b <- par[1:k]; rho <- par[k + 1]; th <- par[k + 2]; s2 <- par[k + 3]
    e <- (s$y - (1 - th) * s$ybar) - rho * (s$wy - (1 - th) * s$wybar) -
        (s$X - (1 - th) * s$Xbar) %*% b
    -NT / 2 * log(2 * pi * s2) + N * log(th) + TT * ldet(rho) - sum(e^2) / (2 * s2)
}
re_rows <- NULL
for (model in c("sar", "sdm")) for (fe in c("none", "time")) {
    s <- re_setup(model, fe)
    f <- re_fit(s)
    Iobs <- re_hessian(s, f)
    par <- c(f$b, f$rho, f$th, f$s2)
    Hn <- optimHess(par, function(p) re_ll_full(s, p))
    stopifnot(max(abs(Iobs + Hn)) / max(abs(Hn)) < 1e-4)
    if (fe == "time") { # the same estimator with explicit period dummies
        sd <- re_setup(model, fe, dummies = TRUE)
        fd <- re_fit(sd)
        stopifnot(abs(fd$rho - f$rho) < 1e-7, abs(fd$th - f$th) < 1e-6,
                  abs(fd$ll - f$ll) < 1e-7 * abs(f$ll))
    }
    V <- solve(Iobs)
    k <- length(f$b)
    se <- sqrt(diag(V))
    pn <- c(s$names, "rho", "theta", "sigma2")
    sigmu2 <- f$s2 * (1 / f$th^2 - 1) / TT
    re_rows <- rbind(re_rows, data.frame(model = model, fe = fe, name = c(pn, "sigma2_mu", "loglik"),
                                         est = c(par, sigmu2, f$ll), se = c(se[1:(k + 2)], NA, NA, NA)))
    # Hausman: FE (unit for "none", two-way for "time"; Elhorst convention) against RE,
    # over the slope coefficients and rho.
    fef <- fits[[paste(model, if (fe == "none") "unit" else "twoway")]]
    ly <- lee_yu(fef, "elhorst")
    kf <- length(fef$beta)
    ire <- c(which(s$names != "const"), k + 1)
    d <- ly$th[1:(kf + 1)] - par[ire]
    Vd <- ly$V[1:(kf + 1), 1:(kf + 1)] - V[ire, ire]
    h <- as.numeric(t(d) %*% solve(Vd, d))
    re_rows <- rbind(re_rows, data.frame(model = model, fe = fe, name = "hausman", est = h,
                                         se = pchisq(abs(h), length(d), lower.tail = FALSE)))
}
write_table(re_rows, "re.csv")
cat("wrote", out, "\n")
