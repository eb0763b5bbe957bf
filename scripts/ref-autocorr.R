# Reference values for spill's spatial autocorrelation tests (moran, lisa, hotspot).
#
#   Rscript scripts/ref-autocorr.R        (from the repository root)
#
# Writes tests/fixtures/autocorr/: the weights (GAL/GWT, so the C tests use the
# identical W) and CSV tables of R spdep results with 17 significant digits:
#   global_*.csv   moran.test (randomisation TRUE/FALSE, two-sided), geary.test
#   local_*.csv    localmoran: mlvar=FALSE (GeoDa/esda scaling) with total and
#                  conditional moments, and the spdep default (mlvar=TRUE, conditional)
#   localg_*.csv   localG on include.self(nb) with binary and row weights, localG
#                  without self (Gi), and ArcGIS's Gi* formula (Gi.py 10.1 / the
#                  "How Hot Spot Analysis works" page) computed directly here.
# Data: columbus (tests/fixtures/data) with queen contiguity from poly2nb, the same
# W with one unit cut off (an island), and k = 4 nearest neighbours with inverse
# distance weights (asymmetric); China's 31 provinces with the AI index per year
# (shapefiles/), queen contiguity from poly2nb plus the Hainan-Guangdong link.
suppressMessages({ library(sf); library(spdep) })
out <- "tests/fixtures/autocorr"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
source("scripts/ref-lib.R")

write_gwt <- function(nb, glist, ids, file, shp, idname) {
    lines <- sprintf("0 %d %s %s", length(nb), shp, idname)
    for (i in seq_along(nb))
        for (k in seq_along(nb[[i]]))
            lines <- c(lines, sprintf("%s %s %s", ids[i], ids[nb[[i]][k]], f17(glist[[i]][k])))
    writeLines(lines, file.path(out, file))
}

# One row per (variable or period, weights): moran.test and geary.test.
global_row <- function(label, x, lw, adjust.n = TRUE) {
    mr <- moran.test(x, lw, randomisation = TRUE, alternative = "two.sided", zero.policy = TRUE,
                     adjust.n = adjust.n)
    mn <- moran.test(x, lw, randomisation = FALSE, alternative = "two.sided", zero.policy = TRUE,
                     adjust.n = adjust.n)
    gr <- geary.test(x, lw, randomisation = TRUE, alternative = "two.sided", zero.policy = TRUE,
                     adjust.n = adjust.n)
    gn <- geary.test(x, lw, randomisation = FALSE, alternative = "two.sided", zero.policy = TRUE,
                     adjust.n = adjust.n)
    data.frame(label = label, n = length(x), I = mr$estimate[[1]], EI = mr$estimate[[2]],
               var_norm = mn$estimate[[3]], z_norm = mn$statistic[[1]], p_norm = mn$p.value,
               var_rand = mr$estimate[[3]], z_rand = mr$statistic[[1]], p_rand = mr$p.value,
               C = gr$estimate[[1]], c_var_norm = gn$estimate[[3]], c_z_norm = gn$statistic[[1]],
               c_p_norm = gn$p.value, c_var_rand = gr$estimate[[3]], c_z_rand = gr$statistic[[1]],
               c_p_rand = gr$p.value)
}

local_rows <- function(label, ids, x, lw) {
    a <- localmoran(x, lw, mlvar = FALSE, conditional = FALSE, zero.policy = TRUE)
    b <- localmoran(x, lw, mlvar = FALSE, conditional = TRUE, zero.policy = TRUE)
    d <- localmoran(x, lw, zero.policy = TRUE) # spdep default: mlvar = TRUE, conditional = TRUE
    z <- (x - mean(x)) / sd(x)
    data.frame(label = label, id = ids, x = x, z = z, wz = lag.listw(lw, z, zero.policy = TRUE),
               card = card(lw$neighbours),
               Ii = a[, 1], EIi = a[, 2], VIi = a[, 3], ZIi = a[, 4], PIi = a[, 5],
               EIi_c = b[, 2], VIi_c = b[, 3], ZIi_c = b[, 4], PIi_c = b[, 5],
               Ii_ml = d[, 1], EIi_ml = d[, 2], VIi_ml = d[, 3], ZIi_ml = d[, 4], PIi_ml = d[, 5])
}

# ArcGIS Gi* written out from its documentation (self weight included in w):
#   z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((n S1_i - W_i^2) / (n - 1))),
#   S = sqrt(sum x^2 / n - xbar^2).
arcgis_gistar <- function(x, nb_self, glist_self) {
    n <- length(x); xbar <- mean(x); S <- sqrt(sum(x^2) / n - xbar^2)
    sapply(seq_len(n), function(i) {
        w <- glist_self[[i]]; j <- nb_self[[i]]
        Wi <- sum(w); S1 <- sum(w^2)
        (sum(w * x[j]) - xbar * Wi) / (S * sqrt((n * S1 - Wi^2) / (n - 1)))
    })
}

localg_rows <- function(label, ids, x, nb, glist = NULL) {
    nbs <- include.self(nb)
    gs <- if (is.null(glist)) lapply(nbs, function(j) rep(1, length(j))) else
        lapply(seq_along(nb), function(i) { # self weight 1, then the general weights
            w <- c(1, glist[[i]]); j <- c(i, nb[[i]]); w[order(j)] })
    star_b <- localG(x, nb2listw(nbs, glist = gs, style = "B"), return_internals = TRUE)
    star_w <- localG(x, nb2listw(nbs, glist = gs, style = "W"))
    gb <- if (is.null(glist)) lapply(nb, function(j) rep(1, length(j))) else glist
    nostar <- localG(x, nb2listw(nb, glist = gb, style = "B", zero.policy = TRUE),
                     zero.policy = TRUE, return_internals = TRUE)
    ints <- attr(star_b, "internals"); ints0 <- attr(nostar, "internals")
    data.frame(label = label, id = ids, x = x, card = card(nb),
               gstar_b = as.numeric(star_b), gstar_w = as.numeric(star_w),
               gstar_p = ints[, 5], gstar_arcgis = arcgis_gistar(x, nbs, gs),
               gi_b = as.numeric(nostar), gi_p = ints0[, 5])
}

## columbus
col <- st_read("tests/fixtures/data/columbus.shp", quiet = TRUE)
ids <- as.character(col$POLYID)
nb <- poly2nb(col, queen = TRUE, row.names = ids)
write_gal(nb, ids, "columbus_queen.gal", "columbus", "POLYID")
lw <- nb2listw(nb, style = "W")
lwb <- nb2listw(nb, style = "B")
# an island: unit 5 (POLYID 5) loses all its links
nbi <- nb
cut <- 5L
for (j in nbi[[cut]]) nbi[[j]] <- setdiff(nbi[[j]], cut)
nbi[[cut]] <- 0L
for (j in seq_along(nbi)) if (length(nbi[[j]]) == 0) nbi[[j]] <- 0L
write_gal(nbi, ids, "columbus_island.gal", "columbus", "POLYID")
lwi <- nb2listw(nbi, style = "W", zero.policy = TRUE)
# k = 4 nearest neighbours on the centroids, inverse distance weights (asymmetric)
xy <- cbind(col$X, col$Y)
nbk <- knn2nb(knearneigh(xy, k = 4), row.names = ids)
dk <- nbdists(nbk, xy)
gk <- lapply(dk, function(d) 1 / d)
write_gwt(nbk, gk, ids, "columbus_knn4_idw.gwt", "columbus", "POLYID")
lwk <- nb2listw(nbk, glist = gk, style = "W")
lwk_raw <- nb2listw(nbk, glist = gk, style = "B")

glob <- rbind(
    global_row("CRIME_W", col$CRIME, lw), global_row("INC_W", col$INC, lw),
    global_row("HOVAL_W", col$HOVAL, lw), global_row("CRIME_B", col$CRIME, lwb),
    global_row("CRIME_KNN_W", col$CRIME, lwk), global_row("CRIME_KNN_NONE", col$CRIME, lwk_raw),
    global_row("CRIME_ISLAND_W", col$CRIME, lwi, adjust.n = FALSE),
    global_row("CRIME_ISLAND_W_ADJ", col$CRIME, lwi, adjust.n = TRUE))
write_table(glob, "global_columbus.csv")
write_table(rbind(local_rows("CRIME_W", ids, col$CRIME, lw),
                  local_rows("CRIME_ISLAND_W", ids, col$CRIME, lwi),
                  local_rows("CRIME_KNN_W", ids, col$CRIME, lwk)), "local_columbus.csv")
write_table(rbind(localg_rows("CRIME_QUEEN", ids, col$CRIME, nb),
                  localg_rows("CRIME_KNN_IDW", ids, col$CRIME, nbk, gk)), "localg_columbus.csv")
# Monte Carlo reference: moran.mc's observed statistic (same as moran.test)
mc <- moran.mc(col$CRIME, lw, nsim = 999)
cat(sprintf("columbus CRIME moran.mc: I = %.17g, p (greater) = %.4f\n", mc$statistic, mc$p.value))

## China provinces, AI index
prov <- st_read("shapefiles/china_provinces.shp", quiet = TRUE)
ai <- read.csv("shapefiles/ai_index_province.csv", colClasses = c(adcode = "character"))
prov <- prov[as.character(prov$adcode) %in% ai$adcode, ]
pids <- as.character(prov$adcode)
sf_use_s2(FALSE) # 11 of the province outlines are invalid for s2; poly2nb's planar path copes
nbc <- suppressMessages(poly2nb(prov, queen = TRUE, row.names = pids))
hn <- which(pids == "460000"); gd <- which(pids == "440000")
nbc[[hn]] <- sort(unique(c(setdiff(nbc[[hn]], 0L), gd)))
nbc[[gd]] <- sort(unique(c(nbc[[gd]], hn)))
stopifnot(all(card(nbc) > 0))
write_gal(nbc, pids, "china_queen.gal", "china_provinces", "adcode")
lwc <- nb2listw(nbc, style = "W")
cg <- NULL; cl <- NULL; cz <- NULL
for (yr in sort(unique(ai$year))) {
    d <- ai[ai$year == yr, ]
    x <- d$ai_index[match(pids, d$adcode)]
    stopifnot(!anyNA(x))
    cg <- rbind(cg, global_row(as.character(yr), x, lwc))
    cl <- rbind(cl, local_rows(as.character(yr), pids, x, lwc))
    cz <- rbind(cz, localg_rows(as.character(yr), pids, x, nbc))
}
write_table(cg, "global_china.csv")
write_table(cl, "local_china.csv")
write_table(cz, "localg_china.csv")
cat("wrote", out, "\n")
