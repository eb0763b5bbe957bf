/* Unit tests for core/sp_kde (and sp_dstat's quantiles): bandwidths against R's
 * bw.nrd0 / bw.nrd and exact densities against the direct formula in R
 * (scripts/ref-distribution.R) on the AI index, one grid for all years. */
#include <stdlib.h>

#include "harness.h"
#include "sp_dstat.h"
#include "sp_error.h"
#include "sp_kde.h"
#include "sp_table.h"

/* The AI index of one year (31 provinces). */
static int ai_year(const sp_table *t, const char *year, double *x)
{
    int cy = sp_table_col(t, "year"), cv = sp_table_col(t, "ai_index"), n = 0;
    for (int r = 0; r < t->nrow; r++)
        if (strcmp(sp_table_cell(t, r, cy), year) == 0)
            sp_table_parse_double(sp_table_cell(t, r, cv), &x[n++]);
    return n;
}

static void test_quantile_type7(void)
{
    double s[] = {1, 2, 4, 8};
    CHECK_REL(sp_dstat_quantile(s, 4, 0.25), 1.75, 1e-15);   /* R: quantile(c(1,2,4,8), .25) */
    CHECK_REL(sp_dstat_quantile(s, 4, 0.75), 5, 1e-15);
    CHECK_REL(sp_dstat_quantile(s, 4, 1), 8, 1e-15);
}

static void test_against_r(void)
{
    sp_table *ai, *bw, *de;
    CHECK_INT(sp_table_read("shapefiles/ai_index_province.csv", NULL, &ai), SP_OK);
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/kde_bandwidth.csv", NULL, &bw), SP_OK);
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/kde_density.csv", NULL, &de), SP_OK);
    if (!ai || !bw || !de)
        return;
    const char *years[] = {"2011", "2015", "2019", "2022"};
    double x[4][64], h[4], grid[64], dens[64];
    int n[4], checked = 0;
    for (int rule = 0; rule < 2; rule++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int y = 0; y < 4; y++) {
            n[y] = ai_year(ai, years[y], x[y]);
            CHECK_INT(sp_kde_bandwidth(x[y], n[y], rule ? SP_KDE_SCOTT : SP_KDE_SILVERMAN, "ai", &h[y]), SP_OK);
            double want;
            sp_table_parse_double(sp_table_cell(bw, rule * 4 + y, 2), &want);
            CHECK_REL(h[y], want, 1e-13);
            sp_kde_range(x[y], n[y], h[y], 3, &lo, &hi);
        }
        sp_kde_grid(lo, hi, 64, grid);
        for (int kern = 0; kern < 2; kern++)
            for (int y = 0; y < 4; y++) {
                CHECK_INT(sp_kde_eval(x[y], n[y], h[y], kern ? SP_KDE_EPANECHNIKOV : SP_KDE_GAUSSIAN,
                                      grid, 64, dens), SP_OK);
                int base = ((rule * 2 + kern) * 4 + y) * 64;
                for (int k = 0; k < 64; k++) {
                    double gx, gd;
                    sp_table_parse_double(sp_table_cell(de, base + k, 4), &gx);
                    sp_table_parse_double(sp_table_cell(de, base + k, 5), &gd);
                    CHECK_REL(grid[k], gx, 1e-12);
                    CHECK_ABS(dens[k], gd, 1e-9 * gd + 1e-15); /* exp underflows before dnorm */
                    checked++;
                }
            }
    }
    CHECK_INT(checked, 1024);
    sp_table_free(ai), sp_table_free(bw), sp_table_free(de);
}

static void test_peaks(void)
{
    double d[] = {0, 1, 3, 2, 2, 5, 5, 5, 1, 0, 4};
    int idx[256];
    int np = sp_kde_peaks(d, 11, idx);
    CHECK_INT(np, 2);                /* 3 at index 2, the plateau 5 5 5 at its middle (6) */
    CHECK_INT(idx[0], 2);
    CHECK_INT(idx[1], 6);
    /* two well-separated clusters: two peaks near 0 and 10 */
    double x[40], grid[501], dens[501], h;
    for (int i = 0; i < 40; i++)
        x[i] = (i < 20 ? 0 : 10) + (i % 20 - 9.5) * 0.05;
    CHECK_INT(sp_kde_bandwidth(x, 40, SP_KDE_SILVERMAN, "two", &h), SP_OK);
    sp_kde_grid(-20, 30, 501, grid);
    sp_kde_eval(x, 40, h, SP_KDE_GAUSSIAN, grid, 501, dens);
    np = sp_kde_peaks(dens, 501, idx);
    CHECK_INT(np, 2);
    CHECK_ABS(grid[idx[0]], 0, 0.11);
    CHECK_ABS(grid[idx[1]], 10, 0.11);
    /* the density integrates to one (trapezoid on a fine grid) */
    double area = 0;
    for (int k = 1; k < 501; k++)
        area += 0.5 * (dens[k] + dens[k - 1]) * (grid[k] - grid[k - 1]);
    CHECK_ABS(area, 1, 1e-6);
}

static void test_bad(void)
{
    double c[] = {2, 2, 2, 2}, h;
    CHECK_INT(sp_kde_bandwidth(c, 4, SP_KDE_SILVERMAN, "const", &h), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "constant") != NULL);
    CHECK_INT(sp_kde_bandwidth(c, 1, SP_KDE_SILVERMAN, "one", &h), SP_EDATA);
    double g[2] = {0, 1}, d[2];
    CHECK_INT(sp_kde_eval(c, 4, 0, SP_KDE_GAUSSIAN, g, 2, d), SP_EUSAGE);
    /* IQR 0 but sd > 0: the sd is used */
    double q[] = {1, 1, 1, 1, 1, 1, 1, 5};
    CHECK_INT(sp_kde_bandwidth(q, 8, SP_KDE_SCOTT, "iqr0", &h), SP_OK);
    CHECK_REL(h, 1.06 * sp_dstat_sd(q, 8) * pow(8, -0.2), 1e-14);
}

int main(void)
{
    RUN(test_quantile_type7);
    RUN(test_against_r);
    RUN(test_peaks);
    RUN(test_bad);
    return th_report("t_kde");
}
