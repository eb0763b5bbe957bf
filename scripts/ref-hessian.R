# Reference standard errors for `spill fit --vcov hessian`: the inverse of the
# observed information (minus the Hessian of the full log-likelihood) at
# spatialreg's ML estimates, by numDeriv's Richardson-extrapolated Hessian of
# an independent R log-likelihood with exact eigenvalue log-determinants
# (complex eigenvalues for the asymmetric Baltimore W).  Also spatialreg's own
# finite-difference covariance (fdHess, control = list(small_asy = FALSE)),
# which is what lagsarlm/errorsarlm/sacsarlm report above 1500 units.  Needs R
# spdep, spatialreg and numDeriv (Debian r-cran-spdep r-cran-spatialreg r-cran-numderiv).
#   Rscript scripts/ref-hessian.R     (from the repository root; after ref-fit.R)
# Writes tests/fixtures/fit/hessian.csv: data,model,name,what,value with what
# "se" (numDeriv) or "se_fdhess" (spatialreg); and tests/fixtures/fit/lndet.csv:
# the exact ln|I - x W| (eigenvalues) on columbus at the estimates that spill's
# seeded Chebyshev (SAR) and Monte Carlo (SEM) log-determinants give, for the
# error spill states with them (`logdet_error`).
suppressMessages({library(spdep); library(spatialreg); library(numDeriv)})
out <- "tests/fixtures/fit"
rows <- list()
add <- function(data, model, name, what, value)
    rows[[length(rows) + 1]] <<- data.frame(data = data, model = model, name = name,
                                           what = what, value = format(value, digits = 17))

# l(beta, rho, lambda, sigma2) = -n/2 ln(2 pi s2) + ln|I - rho W| + ln|I - lambda W| - e'e/(2 s2),
# e = (I - lambda W)(y - rho W y - X beta)
loglik <- function(par, y, X, W, ev, has_rho, has_lam) {
    k <- ncol(X); n <- length(y)
    beta <- par[1:k]; i <- k
    rho <- if (has_rho) par[i <- i + 1] else 0
    lam <- if (has_lam) par[i <- i + 1] else 0
    s2 <- par[i + 1]
    u <- y - rho * (W %*% y) - X %*% beta
    e <- u - lam * (W %*% u)
    ld <- function(a) sum(log(Mod(1 - a * ev)))
    -n / 2 * log(2 * pi * s2) + ld(rho) + ld(lam) - sum(e^2) / (2 * s2)
}

run <- function(data, df, f, lw) {
    W <- listw2mat(lw); ev <- eigen(W, only.values = TRUE)$values
    y <- model.response(model.frame(f, df)); X0 <- model.matrix(f, df)
    WX <- W %*% X0[, -1, drop = FALSE]; colnames(WX) <- paste0("W*", colnames(X0)[-1])
    fits <- list(sar = lagsarlm(f, data = df, listw = lw),
                 sdm = lagsarlm(f, data = df, listw = lw, Durbin = TRUE),
                 sem = errorsarlm(f, data = df, listw = lw),
                 sdem = errorsarlm(f, data = df, listw = lw, Durbin = TRUE),
                 sac = sacsarlm(f, data = df, listw = lw))
    fd <- list(sar = lagsarlm(f, data = df, listw = lw, method = "LU", control = list(small_asy = FALSE)),
               sdm = lagsarlm(f, data = df, listw = lw, Durbin = TRUE, method = "LU",
                              control = list(small_asy = FALSE)))
    for (m in names(fits)) {
        fit <- fits[[m]]
        has_rho <- m %in% c("sar", "sdm", "sac"); has_lam <- m %in% c("sem", "sdem", "sac")
        X <- if (m %in% c("sdm", "sdem")) cbind(X0, WX) else X0
        beta <- if (has_rho) fit$coefficients else fit$coefficients
        par <- c(beta, if (has_rho) fit$rho, if (has_lam) fit$lambda, fit$s2)
        H <- hessian(loglik, par, y = y, X = X, W = W, ev = ev, has_rho = has_rho, has_lam = has_lam)
        se <- sqrt(diag(solve(-H)))
        nm <- c(sub("^\\(Intercept\\)$", "const", colnames(X)), if (has_rho) "rho", if (has_lam) "lambda")
        for (i in seq_along(nm)) add(data, m, nm[i], "se", se[i])
        if (!is.null(fd[[m]])) {
            v <- fd[[m]]$fdHess
            fnm <- sub("^lag\\.", "W*", sub("^\\(Intercept\\)$", "const", rownames(v)))
            for (i in seq_along(fnm)) add(data, m, fnm[i], "se_fdhess", sqrt(v[i, i]))
        }
    }
}

col <- read.csv(file.path(out, "columbus.csv"))
nb <- read.gal(file.path(out, "columbus_queen.gal"), region.id = as.character(col$POLYID))
run("columbus", col, CRIME ~ INC + HOVAL, nb2listw(nb, style = "W"))
bal <- read.csv(file.path(out, "baltim.csv"))
knb <- read.gal(file.path(out, "baltim_knn4.gal"), region.id = as.character(bal$STATION))
run("baltim", bal, PRICE ~ NROOM + NBATH + AGE + SQFT, nb2listw(knb, style = "W"))
write.csv(do.call(rbind, rows), file.path(out, "hessian.csv"), row.names = FALSE, quote = FALSE)
ev <- eigen(listw2mat(nb2listw(nb, style = "W")), only.values = TRUE)$values
at <- c(0.4223837094534652, 0.5442472548338501)
write.csv(data.frame(data = "columbus", at = format(at, digits = 17),
                     lndet = format(sapply(at, function(x) sum(log(Mod(1 - x * ev)))), digits = 17)),
          file.path(out, "lndet.csv"), row.names = FALSE, quote = FALSE)
