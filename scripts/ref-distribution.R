# Reference values for spill's distribution commands (kde, gini, index, decouple),
# written straight from the published formulas, independently of spill's C code.
# Run from the repository root:  Rscript scripts/ref-distribution.R
# Needs base R (stats) and sf (r-cran-sf, to read the cities layer's attributes); writes
# tests/fixtures/distribution/.  Deterministic (set.seed): a rerun leaves the files unchanged.
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

## ---- index: entropy / TOPSIS / CRITIC / CV on the cities panel (x5 a cost indicator) ----
ind <- c("x1", "x2", "x3", "x4", "x5"); neg <- c(FALSE, FALSE, FALSE, FALSE, TRUE)
normalise <- function(X, how) sapply(seq_along(ind), function(j) {
  x <- X[, j]
  z <- if (how == "minmax") (x - min(x)) / (max(x) - min(x)) else (x - mean(x)) / sd(x)
  if (neg[j]) { if (how == "minmax") 1 - z else -z } else z })
weights <- function(X, Z, method) {
  N <- nrow(Z)
  if (method %in% c("entropy", "topsis")) {
    P <- sweep(Z, 2, colSums(Z), "/")
    e <- -colSums(ifelse(P > 0, P * log(P), 0)) / log(N); d <- 1 - e
    return(data.frame(e = e, d = d, w = d / sum(d)))
  }
  if (method == "critic") { s <- apply(Z, 2, sd); C <- s * colSums(1 - cor(Z)); return(data.frame(e = NA, d = NA, w = C / sum(C))) }
  v <- apply(X, 2, sd) / abs(colMeans(X)); data.frame(e = NA, d = NA, w = v / sum(v))
}
index_case <- function(case, method, how = "minmax", shift = 0, per_period = FALSE, scale = 1) {
  scopes <- if (per_period) split(seq_len(nrow(cp)), cp$year) else list(seq_len(nrow(cp)))
  W <- NULL; S <- NULL
  for (k in seq_along(scopes)) {
    r <- scopes[[k]]; X <- as.matrix(cp[r, ind]); Z <- normalise(X, how) + shift
    wt <- weights(X, Z, method)
    W <- rbind(W, data.frame(case = case, by = if (per_period) names(scopes)[k] else "", indicator = ind, wt))
    score <- scale * as.vector(Z %*% wt$w)
    V <- sweep(Z, 2, wt$w, "*"); bst <- apply(V, 2, max); wst <- apply(V, 2, min)
    dp <- sqrt(rowSums(sweep(V, 2, bst)^2)); dm <- sqrt(rowSums(sweep(V, 2, wst)^2))
    S <- rbind(S, data.frame(case = case, adcode = cp$adcode[r], year = cp$year[r], score = score,
                             closeness = if (method == "topsis") dm / (dp + dm) else NA))
  }
  list(W, S)
}
cases <- list(index_case("entropy", "entropy"), index_case("entropy_shift", "entropy", shift = 1e-4),
              index_case("entropy_year", "entropy", per_period = TRUE, scale = 100),
              index_case("topsis", "topsis"), index_case("critic", "critic"), index_case("cv", "cv"),
              index_case("critic_z", "critic", how = "zscore"))
W <- do.call(rbind, lapply(cases, `[[`, 1)); S <- do.call(rbind, lapply(cases, `[[`, 2))
for (v in c("e", "d", "w")) W[[v]] <- ifelse(is.na(W[[v]]), "", f17(W[[v]]))
for (v in c("score", "closeness")) S[[v]] <- ifelse(is.na(S[[v]]), "", f17(S[[v]]))
w(W, "index_weights.csv"); w(S, "index_scores.csv")

## ---- coupling coordination: two and three subsystems from the entropy sub-indices ----
sub <- function(cols) { X <- as.matrix(cp[, cols]); Z <- sapply(seq_along(cols), function(j) (X[, j] - min(X[, j])) / (max(X[, j]) - min(X[, j])))
  P <- sweep(Z, 2, colSums(Z), "/"); e <- -colSums(ifelse(P > 0, P * log(P), 0)) / log(nrow(Z)); wt <- (1 - e) / sum(1 - e); as.vector(Z %*% wt) }
u1 <- sub(c("x1", "x2")); u2 <- sub(c("x3", "x4")); u3 <- 1 - (cp$x5 - min(cp$x5)) / (max(cp$x5) - min(cp$x5))
cls <- function(D) pmin(floor(D * 10 + 1e-12) + 1, 10)
C2 <- 2 * sqrt(u1 * u2) / (u1 + u2); C2v <- sqrt(u1 * u2) / (u1 + u2); T2 <- 0.5 * u1 + 0.5 * u2
C3 <- (u1 * u2 * u3 / ((u1 + u2 + u3) / 3)^3)^(1 / 3); T3 <- 0.5 * u1 + 0.3 * u2 + 0.2 * u3
cc <- data.frame(adcode = cp$adcode, year = cp$year, u1 = f17(u1), u2 = f17(u2), u3 = f17(u3),
                 C2 = f17(C2), C2v = f17(C2v), T2 = f17(T2), D2 = f17(sqrt(C2 * T2)), D2v = f17(sqrt(C2v * T2)),
                 class2 = cls(sqrt(C2 * T2)), C3 = f17(C3), T3 = f17(T3), D3 = f17(sqrt(C3 * T3)), class3 = cls(sqrt(C3 * T3)))
w(cc, "coupling.csv")

## ---- Tapio decoupling: x5 (pressure) on x1 (driver), consecutive years and base year ----
tapio <- function(c0, c1, a0, a1) {
  gc <- (c1 - c0) / c0; ga <- (a1 - a0) / a0; e <- ifelse(ga == 0, NA, gc / ga)
  lo <- 0.8 * (1 - 1e-12); hi <- 1.2 * (1 + 1e-12)   # band edges within 1e-12 count as on the edge
  st <- ifelse(ga > 0, ifelse(gc < 0, "strong decoupling", ifelse(e < lo, "weak decoupling",
          ifelse(e <= hi, "expansive coupling", "expansive negative decoupling"))),
        ifelse(gc > 0, "strong negative decoupling", ifelse(e < lo, "weak negative decoupling",
          ifelse(e <= hi, "recessive coupling", "recessive decoupling"))))
  st[ga == 0] <- "undefined"
  data.frame(growth_var = gc, growth_driver = ga, elasticity = e, state = st)
}
dec <- NULL
yrs <- sort(unique(cp$year))
for (base in c("previous", "first")) for (k in 2:length(yrs)) {
  y0 <- if (base == "first") yrs[1] else yrs[k - 1]
  a <- cp[cp$year == y0, ]; b <- cp[cp$year == yrs[k], ]; b <- b[match(a$adcode, b$adcode), ]
  t <- tapio(a$x5, b$x5, a$x1, b$x1)
  dec <- rbind(dec, data.frame(base = base, adcode = a$adcode, from = y0, to = yrs[k],
                               growth_var = f17(t$growth_var), growth_driver = f17(t$growth_driver),
                               elasticity = ifelse(is.na(t$elasticity), "", f17(t$elasticity)), state = t$state))
}
w(dec, "decouple.csv")

## ---- population-weighted Gini and Dagum: all pairs, each pair weighted w_i w_r ----
# Unit i stands for w_i people with income y_i (Dagum 1997 with groups of people; p_j the
# population shares, s_j the income shares, means population-weighted).  Checked inside
# against the unweighted definition on the data with every unit repeated w_i times.
dagum_wbf <- function(y, g, wt) {
  W <- sum(wt); ybar <- sum(wt * y) / W
  m <- tapply(wt * y, g, sum) / tapply(wt, g, sum)
  lev <- names(m)[order(m)]
  G <- sum(outer(wt, wt) * abs(outer(y, y, "-"))) / (2 * W^2 * ybar)
  k <- length(lev); Gw <- 0; Gnb <- 0; Gt <- 0
  r <- data.frame(stat = "gini", a = "", b = "", value = G)
  for (j in seq_len(k)) {
    yj <- y[g == lev[j]]; wj <- wt[g == lev[j]]; Wj <- sum(wj); mj <- sum(wj * yj) / Wj
    Gjj <- sum(outer(wj, wj) * abs(outer(yj, yj, "-"))) / (2 * Wj^2 * mj)
    Gw <- Gw + Gjj * (Wj / W) * (Wj * mj / (W * ybar))
    r <- rbind(r, data.frame(stat = c("group_gini", "group_n", "group_population", "group_mean", "group_rank"),
                             a = lev[j], b = "", value = c(Gjj, length(yj), Wj, mj, j)))
    for (h in seq_len(j - 1)) {
      yh <- y[g == lev[h]]; wh <- wt[g == lev[h]]; Wh <- sum(wh); mh <- sum(wh * yh) / Wh
      dif <- outer(yj, yh, "-"); ww <- outer(wj, wh)
      d <- sum(ww * pmax(dif, 0)) / (Wj * Wh); p <- sum(ww * pmax(-dif, 0)) / (Wj * Wh)
      D <- (d - p) / (d + p)
      Gjh <- sum(ww * abs(dif)) / (Wj * Wh * (mj + mh))
      sh <- (Wj / W) * (Wh * mh / (W * ybar)) + (Wh / W) * (Wj * mj / (W * ybar))
      Gnb <- Gnb + Gjh * sh * D; Gt <- Gt + Gjh * sh * (1 - D)
      r <- rbind(r, data.frame(stat = c("pair_gini", "pair_D"), a = lev[j], b = lev[h], value = c(Gjh, D)))
    }
  }
  stopifnot(abs(Gw + Gnb + Gt - G) < 1e-12 * G)
  rbind(r, data.frame(stat = c("within", "between", "transvariation"), a = "", b = "", value = c(Gw, Gnb, Gt)))
}
set.seed(17)
rw <- rbind(rnd, rnd4)
rw$pop <- sample(1:9, nrow(rw), replace = TRUE)
rw$id <- seq_len(nrow(rw))                              # for spill gini --id id --by case
write.csv(rw, file.path(out, "gini_weighted_random.csv"), row.names = FALSE)
wres <- list()
for (cs in unique(rw$case)) {
  s <- rw[rw$case == cs, ]
  wv <- dagum_wbf(s$y, s$group, s$pop)
  rep_i <- rep(seq_len(nrow(s)), s$pop)                 # integer weights = repeated units
  uv <- dagum_bf(s$y[rep_i], s$group[rep_i])
  key <- function(v) paste(v$stat, v$a, v$b)
  both <- merge(wv, uv, by = c("stat", "a", "b"))
  both <- both[!(both$stat %in% c("group_n")), ]
  stopifnot(nrow(both) == nrow(uv) - sum(uv$stat == "group_n"),
            all(abs(both$value.x - both$value.y) <= 1e-12 * pmax(1, abs(both$value.y))))
  wres[[length(wres) + 1]] <- cbind(case = paste0(cs, "_w"), by = "", wv)
}
for (yr in unique(cp$year)) { s <- cp[cp$year == yr, ]
  wres[[length(wres) + 1]] <- cbind(case = "cities_w", by = yr, dagum_wbf(s$x1, s$region, s$pop)) }
gw <- do.call(rbind, wres); gw$value <- f17(gw$value)
w(gw, "gini_weighted.csv")
