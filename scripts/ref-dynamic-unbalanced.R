# Reference values for spill's dynamic spatial panels on an unbalanced panel and with a
# weights matrix per period (spill fit --panel ... --dynamic ... --unbalanced / --w-by).
#
#   Rscript scripts/ref-dynamic-unbalanced.R      (from the repository root; a few seconds)
#   Needs: spdep, spatialreg (Debian r-cran-spdep, r-cran-spatialreg).
#
# Writes tests/fixtures/dynamic/:
#   unb_panel.csv   dyn_panel.csv (31 provinces x 2009-2020) with 10 % of the unit-periods
#                   (37 of 372, seeded) removed
#   gap_panel.csv   unb_panel.csv without the year 2014 (a gap: 2015's lag is not 2013's)
#   w_YEAR.gal      a weights matrix per period, 2009-2020: even years the provinces' queen
#                   contiguity (../panel/provinces.gal), odd years the capitals' 4 nearest
#                   neighbours (../weights/capitals_knn4.gal, 34 units)
#   unb.csv         data (unbalanced, unbalanced_wper, balanced_wper), model, lags, fe,
#                   name, est, se: the uncorrected quasi-ML estimates, plus the number of
#                   observations used (nobs) and of unit-periods dropped for a missing lag
#
# The estimator, written here independently of spill.  Periods 2..T; unit i enters period t
# when it is observed in t and in the year t - 1 (the others of periods 2..T are dropped and
# counted; after a missing year, all of the next year's).  y_{t-1} is the unit's own previous value; W y_{t-1} is the previous period's
# own spatial lag, W_{t-1} y_{t-1} with W_{t-1} that period's W on all the units observed
# in t - 1 (row-standardised again).  W_t of the estimation is the W of period t on the
# units used in t, row-standardised again, and W X = W_t X_t.  The identity: the ML
# estimator with unit and/or period dummies, spatialreg's lagsarlm on the stacked raw data
# with W_bd = diag(W_t) and the dummies as factors (method "eigen").
suppressMessages({ library(spdep); library(spatialreg) })
out <- "tests/fixtures/dynamic"
source("scripts/ref-lib.R")
nb <- read.gal("tests/fixtures/panel/provinces.gal", override.id = TRUE)
ids <- attr(nb, "region.id")
Wq <- nb2mat(nb, style = "B")
knn <- read.gal("tests/fixtures/weights/capitals_knn4.gal", override.id = TRUE)
Wk <- nb2mat(knn, style = "B", zero.policy = TRUE)
kid <- attr(knn, "region.id")
for (y in 2009:2020)
    file.copy(if (y %% 2 == 0) "tests/fixtures/panel/provinces.gal" else
              "tests/fixtures/weights/capitals_knn4.gal", file.path(out, sprintf("w_%d.gal", y)),
              overwrite = TRUE)
full <- read.csv(file.path(out, "dyn_panel.csv"), colClasses = c(adcode = "character"))
set.seed(20261202)
unb <- full[-sample(nrow(full), round(0.1 * nrow(full))), ]
write_table(unb, "unb_panel.csv")

rowstd <- function(B) { rs <- rowSums(B); B[rs > 0, ] <- B[rs > 0, ] / rs[rs > 0]; B }
w_one <- function(y, a) rowstd(Wq[match(a, ids), match(a, ids), drop = FALSE])
w_per <- function(y, a) if (y %% 2 == 0) w_one(y, a) else
    rowstd(Wk[match(a, kid), match(a, kid), drop = FALSE])

# the stacked estimation sample of d with wfun(year, units) giving each period's W
design <- function(d, wfun) {
    d <- d[order(d$year, match(d$adcode, ids)), ]
    years <- sort(unique(d$year))
    d$wy <- NA
    for (y in years) { r <- d$year == y; d$wy[r] <- as.vector(wfun(y, d$adcode[r]) %*% d$y[r]) }
    key <- paste(d$adcode, d$year)
    prev <- match(paste(d$adcode, d$year - 1), key) # the year before, not the label before
    late <- d$year > years[1]
    e <- d[late & !is.na(prev), ]
    p <- prev[late & !is.na(prev)]
    e$ly <- d$y[p]; e$wly <- d$wy[p]
    blocks <- lapply(sort(unique(e$year)), function(y) wfun(y, e$adcode[e$year == y]))
    Wb <- as.matrix(Matrix::bdiag(blocks))
    e$wx1 <- as.vector(Wb %*% e$x1); e$wx2 <- as.vector(Wb %*% e$x2)
    e$unit <- factor(e$adcode); e$per <- factor(e$year)
    list(e = e, W = Wb, dropped = sum(late & is.na(prev)))
}

rows <- NULL
gap <- unb[unb$year != 2014, ] # a whole year missing: 2015 has no y(t-1), its rows are dropped
write_table(gap, "gap_panel.csv")
cases <- list(list("unbalanced", unb, w_one), list("unbalanced_wper", unb, w_per),
              list("balanced_wper", full, w_per), list("gap", gap, w_one))
for (cs in cases) {
    ds <- design(cs[[2]], cs[[3]])
    lw <- suppressWarnings(mat2listw(ds$W, style = "W"))
    ev <- eigen(ds$W, only.values = TRUE)$values
    specs <- if (cs[[1]] == "unbalanced")
        list(c("sdm", "both", "unit"), c("sdm", "both", "twoway"), c("sdm", "both", "time"),
             c("sar", "time", "twoway"), c("sar", "spacetime", "unit")) else
        list(c("sdm", "both", "twoway"), c("sdm", "both", "unit"))
    for (sp in specs) {
        model <- sp[1]; lags <- sp[2]; fe <- sp[3]
        lv <- switch(lags, both = c("ly", "wly"), time = "ly", spacetime = "wly")
        xv <- c("x1", "x2", if (model == "sdm") c("wx1", "wx2"))
        rhs <- paste(c(lv, xv), collapse = " + ")
        rhs <- switch(fe, unit = paste(rhs, "+ unit - 1"), time = paste(rhs, "+ per - 1"),
                      twoway = paste(rhs, "+ unit + per"))
        fit <- lagsarlm(as.formula(paste("y ~", rhs)), ds$e, lw, method = "eigen",
                        control = list(pre_eig = ev), zero.policy = TRUE)
        nm <- c(lv, xv)
        rv <- fit$resvar
        lab <- c(ly = "tau", wly = "eta", x1 = "x1", x2 = "x2", wx1 = "W*x1", wx2 = "W*x2")
        rows <- rbind(rows, data.frame(data = cs[[1]], model = model, lags = lags, fe = fe,
            name = c(unname(lab[nm]), "rho", "sigma2", "loglik", "nobs", "dropped"),
            est = c(unname(coef(fit)[nm]), fit$rho, fit$s2, as.numeric(logLik(fit)),
                    nrow(ds$e), ds$dropped),
            se = c(unname(sqrt(diag(rv))[nm]), sqrt(rv[2, 2]), NA, NA, NA, NA)))
    }
}
write_table(rows, "unb.csv")
cat("R", R.version$major, R.version$minor, "spdep", as.character(packageVersion("spdep")),
    "spatialreg", as.character(packageVersion("spatialreg")), "\n")
