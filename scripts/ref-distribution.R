# Reference values for spill's distribution commands (kde, gini, index, decouple),
# written straight from the published formulas, independently of spill's C code.
# Run from the repository root:  Rscript scripts/ref-distribution.R
# Needs only base R (stats); writes tests/fixtures/distribution/.
out <- "tests/fixtures/distribution"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
w <- function(df, name) write.csv(df, file.path(out, name), row.names = FALSE, quote = TRUE)
f17 <- function(x) trimws(formatC(x, digits = 17, format = "g"))
ai <- read.csv("shapefiles/ai_index_province.csv", stringsAsFactors = FALSE)
years <- sort(unique(ai$year))

## ---- kde: bw.nrd0 / bw.nrd and the exact density at spill's shared grid ----
# grid: [min_t(min x_t - 3 h_t), max_t(max x_t + 3 h_t)], 64 points, as spill kde --grid 64
kde_exact <- function(g, x, h, kernel) {
  if (kernel == "gaussian") sapply(g, function(p) mean(dnorm(p, x, h)))
  else { a <- sqrt(5) * h
         sapply(g, function(p) { u <- (p - x) / a; sum(ifelse(abs(u) < 1, 0.75 * (1 - u^2), 0)) / (length(x) * a) }) }
}
rows <- list(); bws <- list()
for (rule in c("silverman", "scott")) {
  bwf <- if (rule == "silverman") bw.nrd0 else bw.nrd
  h <- sapply(years, function(y) bwf(ai$ai_index[ai$year == y]))
  lo <- min(sapply(seq_along(years), function(k) min(ai$ai_index[ai$year == years[k]]) - 3 * h[k]))
  hi <- max(sapply(seq_along(years), function(k) max(ai$ai_index[ai$year == years[k]]) + 3 * h[k]))
  g <- seq(lo, hi, length.out = 64)
  for (kernel in c("gaussian", "epanechnikov"))
    for (k in seq_along(years)) {
      x <- ai$ai_index[ai$year == years[k]]
      d <- kde_exact(g, x, h[k], kernel)
      # cross-check against stats::density itself (binned FFT, so only ~1e-3 close)
      rd <- density(x, bw = h[k], kernel = kernel, n = 4096, from = lo, to = hi)
      stopifnot(max(abs(approx(rd$x, rd$y, g)$y - d)) < 2e-3 * max(d))
      rows[[length(rows) + 1]] <- data.frame(rule = rule, kernel = kernel, year = years[k],
                                             k = seq_along(g) - 1, x = f17(g), density = f17(d))
    }
  bws[[length(bws) + 1]] <- data.frame(rule = rule, year = years, bandwidth = f17(h))
}
w(do.call(rbind, rows), "kde_density.csv")
w(do.call(rbind, bws), "kde_bandwidth.csv")

## ---- a China cities panel (synthetic values on the real 364 mainland cities) ----
# Indicators x1..x4 (benefit), x5 (cost), a population and the East/Central/West
# region of the city's province; 2015, 2018, 2021.  Deterministic (set.seed).
cities <- sf::st_drop_geometry(sf::st_read("shapefiles/china_cities.shp", quiet = TRUE))
pc <- as.integer(substr(cities$prov_code, 1, 2))
east <- c(11, 12, 13, 21, 31, 32, 33, 35, 37, 44, 46)
central <- c(14, 22, 23, 34, 36, 41, 42, 43)
cities <- cities[!(pc %in% c(71, 81, 82)), ]
pc <- as.integer(substr(cities$prov_code, 1, 2))
region <- ifelse(pc %in% east, "East", ifelse(pc %in% central, "Central", "West"))
set.seed(20261201)
cp <- do.call(rbind, lapply(c(2015, 2018, 2021), function(yr) {
  lev <- c(East = 1.0, Central = 0.6, West = 0.35)[region] * (1 + 0.08 * (yr - 2015))
  data.frame(adcode = cities$adcode, year = yr, region = region,
             x1 = round(lev * rlnorm(nrow(cities), 3, 0.6), 2),
             x2 = round(lev * rgamma(nrow(cities), 2, 0.1), 2),
             x3 = round(100 * lev * runif(nrow(cities)), 1),
             x4 = round(lev * rlnorm(nrow(cities), 1, 1), 3),
             x5 = round(rlnorm(nrow(cities), 2, 0.4) / lev, 2),
             pop = round(rlnorm(nrow(cities), 5.5, 0.7), 1))
}))
write.csv(cp, file.path(out, "cities_panel.csv"), row.names = FALSE)

## ---- gini: the all-pairs definitions (Dagum 1997; Theil; CV) ----
dagum_bf <- function(y, g) {
  m <- tapply(y, g, mean)
  lev <- names(m)[order(m)]                      # increasing mean (Dagum)
  n <- length(y); ybar <- mean(y)
  G <- sum(abs(outer(y, y, "-"))) / (2 * n^2 * ybar)
  k <- length(lev); Gw <- 0; Gnb <- 0; Gt <- 0
  r <- data.frame(stat = "gini", a = "", b = "", value = G)
  for (j in seq_len(k)) {
    yj <- y[g == lev[j]]; nj <- length(yj); mj <- mean(yj)
    Gjj <- sum(abs(outer(yj, yj, "-"))) / (2 * nj^2 * mj)
    Gw <- Gw + Gjj * (nj / n) * (nj * mj / (n * ybar))
    r <- rbind(r, data.frame(stat = c("group_gini", "group_n", "group_mean", "group_rank"),
                             a = lev[j], b = "", value = c(Gjj, nj, mj, j)))
    for (h in seq_len(j - 1)) {
      yh <- y[g == lev[h]]; nh <- length(yh); mh <- mean(yh)
      dif <- outer(yj, yh, "-")
      d <- sum(dif[dif > 0]) / (nj * nh); p <- sum(-dif[dif < 0]) / (nj * nh)
      D <- (d - p) / (d + p)
      Gjh <- sum(abs(dif)) / (nj * nh * (mj + mh))
      wt <- (nj / n) * (nh * mh / (n * ybar)) + (nh / n) * (nj * mj / (n * ybar))
      Gnb <- Gnb + Gjh * wt * D; Gt <- Gt + Gjh * wt * (1 - D)
      r <- rbind(r, data.frame(stat = c("pair_gini", "pair_D"), a = lev[j], b = lev[h], value = c(Gjh, D)))
    }
  }
  stopifnot(abs(Gw + Gnb + Gt - G) < 1e-12 * G)
  rbind(r, data.frame(stat = c("within", "between", "transvariation"), a = "", b = "", value = c(Gw, Gnb, Gt)))
}
theil_bf <- function(y, g) {
  n <- length(y); m <- mean(y); s <- y / sum(y)
  Tt <- sum(ifelse(s > 0, s * log(n * s), 0)); L <- mean(log(m / y))
  mg <- tapply(y, g, mean); ng <- tapply(y, g, length); sg <- ng * mg / (n * m)
  Tb <- sum(sg * log(mg / m)); Lb <- sum((ng / n) * log(m / mg))
  Tw <- sum(sapply(names(mg), function(k) { yk <- y[g == k]; sk <- yk / sum(yk); sg[k] * sum(ifelse(sk > 0, sk * log(length(yk) * sk), 0)) }))
  Lw <- sum(sapply(names(mg), function(k) { yk <- y[g == k]; (ng[k] / n) * mean(log(mean(yk) / yk)) }))
  if (any(y == 0)) L <- Lw <- Lb <- NA            # Theil L needs y > 0: spill reports it as absent
  data.frame(stat = c("theil_t", "theil_t_within", "theil_t_between", "theil_l", "theil_l_within", "theil_l_between",
                      "cv", "cv_sample"), a = "", b = "",
             value = c(Tt, Tw, Tb, L, Lw, Lb, sqrt(mean((y - m)^2)) / m, sd(y) / m))
}
gcase <- function(case, by, y, g) cbind(case = case, by = by, rbind(dagum_bf(y, g), theil_bf(y, g)))
set.seed(13)
rnd <- data.frame(case = "random", group = rep(c("A", "B", "C"), c(5, 20, 32)),
                  y = round(c(rlnorm(5, 1, 0.5), rlnorm(20, 2, 0.8), rlnorm(32, 1.5, 1)), 1))
rnd4 <- data.frame(case = "random4", group = rep(c("P", "Q", "R", "S"), c(1, 7, 12, 40)),
                   y = c(3, round(rgamma(7, 2, 1), 0), round(rgamma(12, 5, 1), 0), round(rgamma(40, 3, 1), 1) + 0.1))
write.csv(rbind(rnd, rnd4), file.path(out, "gini_random.csv"), row.names = FALSE)
res <- list(gcase("random", "", rnd$y, rnd$group), gcase("random4", "", rnd4$y, rnd4$group))
for (yr in years) { s <- ai[ai$year == yr, ]; res[[length(res) + 1]] <- gcase("ai", yr, s$ai_index, s$region) }
for (yr in unique(cp$year)) { s <- cp[cp$year == yr, ]; res[[length(res) + 1]] <- gcase("cities", yr, s$x1, s$region)
  res[[length(res) + 1]] <- data.frame(case = "cities", by = yr, stat = "cv_pop", a = "", b = "",
    value = { p <- s$pop / sum(s$pop); m <- sum(p * s$x1); sqrt(sum(p * (s$x1 - m)^2)) / m }) }
g <- do.call(rbind, res); g$value <- f17(g$value)
w(g, "gini.csv")
