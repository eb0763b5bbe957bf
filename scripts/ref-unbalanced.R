# Reference values for spill's unbalanced spatial panels (spill fit --panel ... --unbalanced).
#
#   Rscript scripts/ref-unbalanced.R      (from the repository root; a few seconds)
#   Needs: spdep, spatialreg (Debian r-cran-spdep, r-cran-spatialreg).
#
# Writes tests/fixtures/unbalanced/:
#   panel.csv   tests/fixtures/panel/provinces_panel.csv with 10 % of the unit-periods
#               (34 of 341, seeded) removed
#   fe.csv      model, fe, name, est, se: ML estimates (no Lee-Yu correction)
#
# The identity.  The ML estimator of the model with unit and/or period dummies on an
# unbalanced panel: the observations stacked period by period, W_bd = diag(W_1..W_T) with
# W_t the submatrix of W on the units present in t, row-standardised again, and the
# log-determinant sum_t ln|I - rho W_t| = ln|I - rho W_bd|.  The reference is spatialreg's
# lagsarlm on the stacked raw data with W_bd and the dummies as factors (method "eigen").
suppressMessages({ library(spdep); library(spatialreg) })
out <- "tests/fixtures/unbalanced"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
source("scripts/ref-lib.R")
nb <- read.gal("tests/fixtures/panel/provinces.gal", override.id = TRUE)
ids <- attr(nb, "region.id")
W <- nb2mat(nb, style = "B")
d <- read.csv("tests/fixtures/panel/provinces_panel.csv", colClasses = c(adcode = "character"))
set.seed(20261201)
drop <- sample(nrow(d), round(0.1 * nrow(d)))
d <- d[-drop, ]
write_table(d, "panel.csv")
d$u <- match(d$adcode, ids)
d <- d[order(d$year, d$u), ]
years <- sort(unique(d$year))
blocks <- lapply(years, function(y) {
    u <- d$u[d$year == y]
    B <- W[u, u, drop = FALSE]
    rs <- rowSums(B); B[rs > 0, ] <- B[rs > 0, ] / rs[rs > 0]
    B
})
Wbd <- as.matrix(Matrix::bdiag(blocks))
lw <- mat2listw(Wbd, style = "W")
ev <- eigen(Wbd, only.values = TRUE)$values
lagv <- function(v) as.vector(Wbd %*% v)
d$wx1 <- lagv(d$x1); d$wx2 <- lagv(d$x2)
d$unit <- factor(d$u); d$per <- factor(d$year)
rows <- NULL
for (model in c("sar", "sdm")) for (fe in c("unit", "time", "twoway")) {
    rhs <- if (model == "sdm") "x1 + x2 + wx1 + wx2" else "x1 + x2"
    rhs <- switch(fe, unit = paste(rhs, "+ unit - 1"), time = paste(rhs, "+ per - 1"),
                  twoway = paste(rhs, "+ unit + per"))
    fit <- lagsarlm(as.formula(paste("y ~", rhs)), d, lw, method = "eigen",
                    control = list(pre_eig = Re(ev)), zero.policy = TRUE)
    nm <- c("x1", "x2", if (model == "sdm") c("wx1", "wx2"))
    rv <- fit$resvar
    cf <- coef(fit)[nm]
    se <- sqrt(diag(rv))[nm]
    rows <- rbind(rows, data.frame(model = model, fe = fe,
        name = c(sub("^wx", "W*x", nm), "rho", "sigma2", "loglik"),
        est = c(unname(cf), fit$rho, fit$s2, as.numeric(logLik(fit))),
        se = c(unname(se), sqrt(rv[2, 2]), NA, NA)))
}
write_table(rows, "fe.csv")
cat("R", R.version$major, R.version$minor, "spdep", as.character(packageVersion("spdep")),
    "spatialreg", as.character(packageVersion("spatialreg")), "\n")

## A weights matrix per period (spill fit --w 'w_{}.gal' --w-by year): queen contiguity in
## even years (../panel/provinces.gal), the capitals' 4 nearest neighbours in odd years
## (../weights/capitals_knn4.gal, directed, 34 units: restricted to the 31 provinces and
## row-standardised again).  Written as w_YEAR.gal; fits on the balanced panel and on the
## unbalanced one, spatialreg with dummies on W_bd = diag(W_t on the units present).
#   wper.csv   data (balanced, unbalanced), model, fe, name, est, se
knn <- read.gal("tests/fixtures/weights/capitals_knn4.gal", override.id = TRUE)
Wk <- nb2mat(knn, style = "B", zero.policy = TRUE)
kid <- attr(knn, "region.id")
wfile <- function(y) if (y %% 2 == 0) "tests/fixtures/panel/provinces.gal" else
    "tests/fixtures/weights/capitals_knn4.gal"
for (y in 2010:2020) file.copy(wfile(y), file.path(out, sprintf("w_%d.gal", y)), overwrite = TRUE)
wrows <- NULL
full <- read.csv("tests/fixtures/panel/provinces_panel.csv", colClasses = c(adcode = "character"))
for (which in c("balanced", "unbalanced")) {
    dd <- if (which == "balanced") full else read.csv(file.path(out, "panel.csv"),
                                                     colClasses = c(adcode = "character"))
    dd$u <- match(dd$adcode, ids)
    dd <- dd[order(dd$year, dd$u), ]
    blocks <- lapply(sort(unique(dd$year)), function(y) {
        a <- dd$adcode[dd$year == y]
        B <- if (y %% 2 == 0) W[match(a, ids), match(a, ids), drop = FALSE]
             else Wk[match(a, kid), match(a, kid), drop = FALSE]
        rs <- rowSums(B); B[rs > 0, ] <- B[rs > 0, ] / rs[rs > 0]
        B
    })
    Wb <- as.matrix(Matrix::bdiag(blocks))
    lwb <- suppressWarnings(mat2listw(Wb, style = "W"))
    evb <- eigen(Wb, only.values = TRUE)$values
    dd$wx1 <- as.vector(Wb %*% dd$x1); dd$wx2 <- as.vector(Wb %*% dd$x2)
    dd$unit <- factor(dd$u); dd$per <- factor(dd$year)
    for (fe in c("unit", "twoway")) {
        rhs <- switch(fe, unit = "x1 + x2 + wx1 + wx2 + unit - 1",
                      twoway = "x1 + x2 + wx1 + wx2 + unit + per")
        # complex eigenvalues (the knn blocks are not symmetric): spatialreg's "eigen"
        # takes them; the interval from their real parts
        fit <- lagsarlm(as.formula(paste("y ~", rhs)), dd, lwb, method = "eigen",
                        control = list(pre_eig = evb), zero.policy = TRUE)
        nm <- c("x1", "x2", "wx1", "wx2")
        rv <- fit$resvar
        wrows <- rbind(wrows, data.frame(data = which, model = "sdm", fe = fe,
            name = c(sub("^wx", "W*x", nm), "rho", "sigma2", "loglik"),
            est = c(unname(coef(fit)[nm]), fit$rho, fit$s2, as.numeric(logLik(fit))),
            se = c(unname(sqrt(diag(rv))[nm]), sqrt(rv[2, 2]), NA, NA)))
    }
}
write_table(wrows, "wper.csv")
