# Reference values for `spill fit` (cross-section) from R spatialreg/spdep.
#   Rscript scripts/ref-fit.R        (from the repository root; writes tests/fixtures/fit/)
# Columbus: CRIME ~ INC + HOVAL, queen contiguity (poly2nb, ids POLYID), row-standardised.
# Baltimore: PRICE ~ NROOM + NBATH + AGE + SQFT, 4 nearest neighbours on (X, Y),
# row-standardised (asymmetric: complex eigenvalues).
# Estimates and standard errors are spatialreg's defaults (method = "eigen", the
# asymptotic covariance from the analytic information matrix); impacts use exact
# dense traces (listw=).
suppressMessages({library(sf); library(spdep); library(spatialreg)})
sf_use_s2(FALSE)
out <- "tests/fixtures/fit"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
rows <- list()
add <- function(data, model, name, what, value)
    rows[[length(rows) + 1]] <<- data.frame(data = data, model = model, name = name,
                                           what = what, value = format(value, digits = 17))
coefs <- function(data, model, fit, spatial = c()) {
    s <- summary(fit)
    ct <- if (!is.null(s$Coef)) s$Coef else s$coefficients
    for (i in seq_len(nrow(ct))) {
        nm <- sub("^lag\\.", "W*", rownames(ct)[i])
        nm <- sub("^\\(Intercept\\)$", "const", nm)
        add(data, model, nm, "est", ct[i, 1]); add(data, model, nm, "se", ct[i, 2])
    }
    if ("rho" %in% spatial) { add(data, model, "rho", "est", fit$rho); add(data, model, "rho", "se", fit$rho.se) }
    if ("lambda" %in% spatial) { add(data, model, "lambda", "est", fit$lambda); add(data, model, "lambda", "se", fit$lambda.se) }
    add(data, model, "loglik", "est", as.numeric(logLik(fit)))
    if (!is.null(fit$s2)) add(data, model, "sigma2", "est", fit$s2)
}
impacts_rows <- function(data, model, fit, lw) {
    im <- impacts(fit, listw = lw)
    for (k in seq_along(im$direct)) {
        nm <- attr(im, "bnames")[k]
        add(data, model, nm, "direct", im$direct[k]); add(data, model, nm, "indirect", im$indirect[k])
        add(data, model, nm, "total", im$total[k])
    }
}
run <- function(data, df, f, lw) {
    write.csv(df, file.path(out, paste0(data, ".csv")), row.names = FALSE)
    ols <- lm(f, data = df)
    add(data, "ols", "loglik", "est", as.numeric(logLik(ols)))
    lmt <- lm.LMtests(ols, lw, test = c("LMerr", "LMlag", "RLMerr", "RLMlag"))
    for (t in names(lmt)) add(data, "ols", t, "stat", lmt[[t]]$statistic)
    sar <- lagsarlm(f, data = df, listw = lw); coefs(data, "sar", sar, "rho"); impacts_rows(data, "sar", sar, lw)
    sdm <- lagsarlm(f, data = df, listw = lw, Durbin = TRUE); coefs(data, "sdm", sdm, "rho"); impacts_rows(data, "sdm", sdm, lw)
    sem <- errorsarlm(f, data = df, listw = lw); coefs(data, "sem", sem, "lambda")
    sdem <- errorsarlm(f, data = df, listw = lw, Durbin = TRUE); coefs(data, "sdem", sdem, "lambda")
    sac <- sacsarlm(f, data = df, listw = lw); coefs(data, "sac", sac, c("rho", "lambda"))
    slx <- lmSLX(f, data = df, listw = lw)
    ct <- summary(slx)$coefficients
    for (i in seq_len(nrow(ct))) {
        nm <- sub("^lag\\.", "W*", rownames(ct)[i]); nm <- sub("^\\(Intercept\\)$", "const", nm)
        add(data, "slx", nm, "est", ct[i, 1])
    }
    lr <- LR.Sarlm(sdm, sar); add(data, "sdm", "LR_sar", "stat", lr$statistic)
    lr <- LR.Sarlm(sdm, sem); add(data, "sdm", "LR_sem", "stat", lr$statistic)
}
col <- st_read("tests/fixtures/data/columbus.shp", quiet = TRUE)
nb <- poly2nb(col, queen = TRUE, row.names = as.character(col$POLYID))
write.nb.gal(nb, file.path(out, "columbus_queen.gal"), oldstyle = FALSE)
run("columbus", data.frame(POLYID = col$POLYID, CRIME = col$CRIME, INC = col$INC, HOVAL = col$HOVAL),
    CRIME ~ INC + HOVAL, nb2listw(nb, style = "W"))
bal <- st_read("tests/fixtures/data/baltim.shp", quiet = TRUE)
knb <- knn2nb(knearneigh(cbind(bal$X, bal$Y), k = 4), row.names = as.character(bal$STATION))
write.nb.gal(knb, file.path(out, "baltim_knn4.gal"), oldstyle = FALSE)
run("baltim", data.frame(STATION = bal$STATION, PRICE = bal$PRICE, NROOM = bal$NROOM, NBATH = bal$NBATH,
                         AGE = bal$AGE, SQFT = bal$SQFT),
    PRICE ~ NROOM + NBATH + AGE + SQFT, nb2listw(knb, style = "W"))
write.csv(do.call(rbind, rows), file.path(out, "expected.csv"), row.names = FALSE, quote = FALSE)
writeLines(c(paste("R", R.version$major, R.version$minor), paste("spdep", packageVersion("spdep")),
             paste("spatialreg", packageVersion("spatialreg"))), file.path(out, "versions.txt"))
