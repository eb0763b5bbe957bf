# Shared fixture writers for scripts/ref-*.R (source("scripts/ref-lib.R") from the repository root; they write into the caller's `out`).

# f17: numbers as 17 significant digits (round-trip exact), NA as ""
f17 <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

# write_table(df, file): df as a CSV in out/file, numeric columns through f17, no quoting
write_table <- function(df, file) {
    cols <- lapply(df, function(v) if (is.numeric(v)) f17(v) else as.character(v))
    lines <- c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ",")))
    writeLines(lines, file.path(out, file))
}

# write_gal(nb, ids, file, shp, idname): the nb list as a GeoDa GAL file in out/file
# (header "0 n shp idname", then per unit "id count" and its neighbours' ids)
write_gal <- function(nb, ids, file, shp, idname) {
    lines <- sprintf("0 %d %s %s", length(nb), shp, idname)
    for (i in seq_along(nb)) {
        nbi <- nb[[i]][nb[[i]] > 0]
        lines <- c(lines, sprintf("%s %d", ids[i], length(nbi)), paste(ids[nbi], collapse = " "))
    }
    writeLines(lines, file.path(out, file))
}
