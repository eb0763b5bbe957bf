# Reference values for an economic-distance weights matrix recomputed each period
# (spill fit / moran / lisa --w econ:VAR | econ-mean:VAR | nested:VAR:GEO | nested-mean:VAR:GEO
# with --w-by TIME).
#
#   Rscript scripts/ref-wecon.R      (from the repository root; a few seconds)
#   Needs: spdep, spatialreg (Debian r-cran-spdep, r-cran-spatialreg).
#
# Writes tests/fixtures/wecon/:
#   panel.csv   tests/fixtures/panel/provinces_panel.csv with a positive variable
#               g = exp(x2) (a stand-in for GDP per capita)
#   fit.csv     w (econ, econ-mean, nested, nested-mean), model, fe, name, est, se
#   moran.csv   w, year, I, z (moran.test, randomisation, two-sided)
#
# The matrices, written here from the definitions (docs/weights.md, docs/panel.md):
#   econ         W_t[i, j] = 1 / |g_it - g_jt|, i != j, g_it the period's own value
#   econ-mean    the same with g_i = unit i's mean of g over all the periods
#   nested       W_t = W_geo diag(g_t / mean(g_t)) (column j scaled), W_geo the queen
#                contiguity of the provinces (tests/fixtures/panel/provinces.gal)
#   nested-mean  the same with the means over the periods
# each row-standardised.  The fits: spatialreg's lagsarlm on the stacked data with
# W_bd = diag(W_t) and unit and period dummies (method "eigen"), the ML identity of a
# weights matrix per period (no Lee-Yu correction: spill applies none with a W per period).
suppressMessages({ library(spdep); library(spatialreg) })
out <- "tests/fixtures/wecon"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
source("scripts/ref-lib.R")
nb <- read.gal("tests/fixtures/panel/provinces.gal", override.id = TRUE)
ids <- attr(nb, "region.id")
Wgeo <- nb2mat(nb, style = "B")
d <- read.csv("tests/fixtures/panel/provinces_panel.csv", colClasses = c(adcode = "character"))
d$g <- exp(d$x2)
write_table(d, "panel.csv")
d <- d[order(d$year, match(d$adcode, ids)), ]
years <- sort(unique(d$year))
gmean <- tapply(d$g, d$adcode, mean)
rowstd <- function(B) { rs <- rowSums(B); B[rs > 0, ] <- B[rs > 0, ] / rs[rs > 0]; B }
wmat <- function(kind, y) {
    r <- d$year == y
    a <- d$adcode[r]
    g <- if (grepl("mean", kind)) unname(gmean[a]) else d$g[r]
    if (startsWith(kind, "econ")) {
        B <- 1 / abs(outer(g, g, "-"))
        diag(B) <- 0
    } else {
        B <- Wgeo[match(a, ids), match(a, ids)] %*% diag(g / mean(g))
    }
    rowstd(B)
}
frows <- NULL
mrows <- NULL
for (kind in c("econ", "econ-mean", "nested", "nested-mean")) {
    blocks <- lapply(years, function(y) wmat(kind, y))
    Wb <- as.matrix(Matrix::bdiag(blocks))
    lw <- mat2listw(Wb, style = "W")
    ev <- eigen(Wb, only.values = TRUE)$values
    dd <- d
    dd$wx1 <- as.vector(Wb %*% dd$x1)
    dd$unit <- factor(dd$adcode); dd$per <- factor(dd$year)
    for (model in c("sar", "sdm")) {
        rhs <- if (model == "sdm") "x1 + wx1" else "x1"
        fit <- lagsarlm(as.formula(paste("y ~", rhs, "+ unit + per")), dd, lw, method = "eigen",
                        control = list(pre_eig = ev))
        nm <- if (model == "sdm") c("x1", "wx1") else "x1"
        rv <- fit$resvar
        frows <- rbind(frows, data.frame(w = kind, model = model, fe = "twoway",
            name = c(sub("^wx", "W*x", nm), "rho", "sigma2", "loglik"),
            est = c(unname(coef(fit)[nm]), fit$rho, fit$s2, as.numeric(logLik(fit))),
            se = c(unname(sqrt(diag(rv))[nm]), sqrt(rv[2, 2]), NA, NA)))
    }
    for (k in seq_along(years)) {
        mt <- moran.test(d$y[d$year == years[k]], mat2listw(blocks[[k]], style = "W"),
                         randomisation = TRUE, alternative = "two.sided")
        mrows <- rbind(mrows, data.frame(w = kind, year = years[k],
                                         I = unname(mt$estimate[1]), z = unname(mt$statistic)))
    }
}
write_table(frows, "fit.csv")
write_table(mrows, "moran.csv")
cat("R", R.version$major, R.version$minor, "spdep", as.character(packageVersion("spdep")),
    "spatialreg", as.character(packageVersion("spatialreg")), "\n")
