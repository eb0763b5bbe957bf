#!/usr/bin/env Rscript
# Reference neighbour sets from R spdep for spill's contiguity and distance weights
# (spatial/ and `spill weights`).  Writes tests/fixtures/weights/ (see its README.md).
# Run from the repository root:  Rscript scripts/ref-weights.R
#
# Which code paths run in spdep 1.2.7 (checked in its R and C sources):
# - poly2nb on an sf object with sf_use_s2(FALSE): candidate pairs from GEOS
#   st_intersects on snap-inflated bounding boxes, then the C loop poly_loop2 compares
#   vertex pairs (|dx|, |dy| <= snap, then hypot <= snap); queen: >= 1 shared point,
#   rook: >= 2.  Default snap in 1.2.7: sqrt(.Machine$double.eps) = 1.49e-8 (CRS units),
#   for geographic and projected layers alike.
# - knearneigh and dnearneigh on a coordinate matrix: package dbscan is not installed,
#   so both use spdep's brute-force C code (knn.c, dnn.c).  Planar: hypot(dx, dy).
#   longlat = TRUE: spdep's C function gcdist() (src/dnn.c), used by knearneigh,
#   dnearneigh and nbdists alike.  It is the Andoyer-Lambert first-order ellipsoid
#   formula on WGS 84 (a = 6378.137 km, f = 1/298.257223563):
#     F = (phi1 + phi2)/2, G = (phi1 - phi2)/2, L = (lambda1 - lambda2)/2,
#     S = sin^2 G cos^2 L + cos^2 F sin^2 L, C = cos^2 G cos^2 L + sin^2 F sin^2 L,
#     w = atan(sqrt(S/C)), R = sqrt(S C)/w, D = 2 w a,
#     H1 = (3R - 1)/(2C), H2 = (3R + 1)/(2S),
#     d = D (1 + f H1 sin^2 F cos^2 G - f H2 cos^2 F sin^2 G)   [km]
#   and 0 when |lat1 - lat2| < DBL_EPSILON and |fmod(lon1 - lon2, 360)| < DBL_EPSILON.
#   sp::spDists(longlat = TRUE) uses the same formula (sp's own copy); this script checks
#   that they agree and writes the distances from spdep's gcdist itself.
# - knearneigh ties: a later point replaces an earlier one only when strictly nearer, so
#   at equal distance the point that comes first wins.
suppressPackageStartupMessages({
    library(sf)
    library(spdep)
})
sf_use_s2(FALSE)
out <- "tests/fixtures/weights"
if (!dir.exists("shapefiles")) stop("run from the repository root")
dir.create(out, showWarnings = FALSE, recursive = TRUE)

g17 <- function(x) sprintf("%.17g", x)

# GAL as GeoDa writes it: "0 n layer idfield", then "id k" and the k neighbour ids.
write_gal <- function(nb, ids, name, layer, idfield) {
    lines <- character(1 + 2 * length(nb))
    lines[1] <- sprintf("0 %d %s %s", length(nb), layer, idfield)
    for (i in seq_along(nb)) {
        nbi <- nb[[i]][nb[[i]] != 0L]
        lines[2 * i] <- sprintf("%s %d", ids[i], length(nbi))
        lines[2 * i + 1] <- paste(ids[nbi], collapse = " ")
    }
    writeLines(lines, file.path(out, name))
}

summary_rows <- list()
record <- function(nb, ids, name, layer, idfield) {
    write_gal(nb, ids, name, layer, idfield)
    card <- card(nb)
    # Components of the undirected graph (make.sym.nb for knn, which is directed).
    comp <- n.comp.nb(make.sym.nb(nb))$nc
    summary_rows[[length(summary_rows) + 1]] <<- data.frame(
        file = name, n = length(nb), links = sum(card), islands = sum(card == 0L),
        components = comp, symmetric = is.symmetric.nb(nb, verbose = FALSE, force = TRUE),
        island_ids = paste(ids[card == 0L], collapse = ";"))
    cat(sprintf("%-28s n %4d  links %5d  islands %2d  components %2d\n", name, length(nb),
                sum(card), sum(card == 0L), comp))
}

write_points <- function(ids, idname, x, y, xname, yname, name) {
    d <- data.frame(ids, g17(x), g17(y))
    names(d) <- c(idname, xname, yname)
    write.csv(d, file.path(out, name), row.names = FALSE, quote = FALSE)
}

# --- contiguity: poly2nb, default snap ------------------------------------------
prov <- st_read("shapefiles/china_provinces.shp", quiet = TRUE)
city <- st_read("shapefiles/china_cities.shp", quiet = TRUE)
col <- st_read("tests/fixtures/data/columbus.shp", quiet = TRUE)
layers <- list(
    list(sf = prov, id = "adcode", stem = "china_provinces"),
    list(sf = city, id = "adcode", stem = "china_cities"),
    list(sf = col, id = "POLYID", stem = "columbus"))
for (L in layers) {
    ids <- as.character(L$sf[[L$id]])
    for (queen in c(TRUE, FALSE)) {
        nb <- poly2nb(L$sf, row.names = ids, queen = queen)
        record(nb, ids, sprintf("%s_%s.gal", L$stem, if (queen) "queen" else "rook"), L$stem, L$id)
    }
}

# --- points ---------------------------------------------------------------------
# Planar centroids with s2 off (GEOS), as spill's --points centroid.
col_ids <- as.character(col$POLYID)
cc <- st_coordinates(st_centroid(st_geometry(col)))
write_points(col_ids, "POLYID", cc[, 1], cc[, 2], "x", "y", "columbus_centroids.csv")
for (L in layers[1:2]) {
    pc <- st_coordinates(st_centroid(st_geometry(L$sf)))
    write_points(as.character(L$sf[[L$id]]), L$id, pc[, 1], pc[, 2], "x", "y",
                 sprintf("%s_centroids.csv", L$stem))
}
cap_ids <- as.character(prov$adcode)
cap <- cbind(prov$cap_lon, prov$cap_lat)
write_points(cap_ids, "adcode", cap[, 1], cap[, 2], "cap_lon", "cap_lat", "capitals.csv")

# --- k nearest neighbours ---------------------------------------------------------
for (k in c(4L, 6L)) {
    nb <- knn2nb(knearneigh(cc, k = k, longlat = FALSE), row.names = col_ids)
    record(nb, col_ids, sprintf("columbus_knn%d.gal", k), "columbus", "POLYID")
    nb <- knn2nb(knearneigh(cap, k = k, longlat = TRUE), row.names = cap_ids)
    record(nb, cap_ids, sprintf("capitals_knn%d.gal", k), "china_provinces", "adcode")
}

# --- distance bands (bounds GE, LE) -------------------------------------------------
for (d in c(800, 1200)) {
    nb <- dnearneigh(cap, 0, d, row.names = cap_ids, longlat = TRUE)
    record(nb, cap_ids, sprintf("capitals_dnn%d.gal", d), "china_provinces", "adcode")
}
for (d in c(1.5, 3)) {
    nb <- dnearneigh(cc, 0, d, row.names = col_ids, longlat = FALSE)
    record(nb, col_ids, sprintf("columbus_dnn%s.gal", format(d)), "columbus", "POLYID")
}

# --- great-circle distances between the capitals, as spdep computes them ---------------
gc <- function(i, j) .C("gcdist", as.double(cap[i, 1]), as.double(cap[j, 1]),
                        as.double(cap[i, 2]), as.double(cap[j, 2]), dist = double(1),
                        PACKAGE = "spdep")$dist
n <- nrow(cap)
D <- matrix(0, n, n)
for (i in seq_len(n)) for (j in seq_len(n)) D[i, j] <- gc(i, j)
sp_d <- sp::spDists(cap, longlat = TRUE)
cat(sprintf("gcdist vs sp::spDists: max |difference| %.3g km\n", max(abs(D - sp_d))))
nb800 <- dnearneigh(cap, 0, 800, longlat = TRUE)
nbd <- nbdists(nb800, cap, longlat = TRUE)
chk <- max(abs(unlist(nbd) - unlist(lapply(seq_len(n), function(i) D[i, nb800[[i]][nb800[[i]] != 0L]]))))
cat(sprintf("gcdist vs nbdists on the 800 km band: max |difference| %.3g km\n", chk))
dm <- data.frame(adcode = cap_ids, matrix(g17(D), n, n))
names(dm) <- c("adcode", cap_ids)
write.csv(dm, file.path(out, "capitals_dist.csv"), row.names = FALSE, quote = FALSE)

# How close the band thresholds come to a pair distance (a unit test tolerance hint).
for (d in c(800, 1200))
    cat(sprintf("closest capital pair distance to %d km: %.6f km\n", d,
                D[which.min(abs(D - d))]))
for (d in c(1.5, 3)) {
    E <- as.matrix(dist(cc))
    cat(sprintf("closest columbus pair distance to %s: %.9f\n", format(d), E[which.min(abs(E - d))]))
}
# kth-distance ties in the knn sets (a tie would make the set depend on the tie rule).
ties <- function(X, longlat, k) {
    Dm <- if (longlat) D else as.matrix(dist(X))
    sum(sapply(seq_len(nrow(Dm)), function(i) {
        s <- sort(Dm[i, -i])
        abs(s[k] - s[k + 1]) <= 1e-9 * s[k]
    }))
}
for (k in c(4L, 6L))
    cat(sprintf("k = %d: kth-distance ties: columbus %d, capitals %d\n", k,
                ties(cc, FALSE, k), ties(cap, TRUE, k)))

write.csv(do.call(rbind, summary_rows), file.path(out, "summary.csv"), row.names = FALSE,
          quote = FALSE)
cat(R.version.string, "; spdep", format(packageVersion("spdep")), "; sf",
    format(packageVersion("sf")), "; sp", format(packageVersion("sp")), "\n")
print(sf_extSoftVersion()[c("GEOS", "GDAL", "proj.4")])
