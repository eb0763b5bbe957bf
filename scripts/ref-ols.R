# Reference values for `spill fit --model ols|slx` (cross-section, default --sigma df):
# R lm's estimates, standard errors (sigma^2 = RSS/(n - k)), t values and Pr(>|t|) and spatialreg's
# lmSLX (an lm on X and WX), on the data and weights of scripts/ref-fit.R.
#   Rscript scripts/ref-ols.R        (from the repository root; writes tests/fixtures/fit/lm.csv)
suppressMessages({library(spdep); library(spatialreg)})
out <- "tests/fixtures/fit"
rows <- list()
add <- function(data, model, name, what, value)
    rows[[length(rows) + 1]] <<- data.frame(data = data, model = model, name = name,
                                           what = what, value = format(value, digits = 17))
coefs <- function(data, model, fit) {
    ct <- summary(fit)$coefficients
    for (i in seq_len(nrow(ct))) {
        nm <- sub("^lag\\.", "W*", rownames(ct)[i]); nm <- sub("^\\(Intercept\\)$", "const", nm)
        add(data, model, nm, "est", ct[i, 1]); add(data, model, nm, "se", ct[i, 2])
        add(data, model, nm, "t", ct[i, 3]); add(data, model, nm, "p", ct[i, 4])
    }
    add(data, model, "sigma2", "est", summary(fit)$sigma^2)
}
run <- function(data, id, f, gal) {
    df <- read.csv(file.path(out, paste0(data, ".csv")))
    nb <- read.gal(file.path(out, gal), region.id = as.character(df[[id]]))
    lw <- nb2listw(nb, style = "W")
    coefs(data, "ols", lm(f, data = df))
    coefs(data, "slx", lmSLX(f, data = df, listw = lw))
}
run("columbus", "POLYID", CRIME ~ INC + HOVAL, "columbus_queen.gal")
run("baltim", "STATION", PRICE ~ NROOM + NBATH + AGE + SQFT, "baltim_knn4.gal")
write.csv(do.call(rbind, rows), file.path(out, "lm.csv"), row.names = FALSE, quote = FALSE)
