/* spill moran: global Moran's I and Geary's C, for a cross-section or for
 * every period of a long-format table (core/sp_moran.h has the formulas). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sp_acio.h"
#include "sp_cli.h"
#include "sp_error.h"
#include "sp_moran.h"

static const char help[] =
    "usage: spill moran DATA --w W --var V [--id FIELD] [--by TIME] [--perm N] [--json]\n"
    "\n"
    "Global Moran's I (and Geary's C) of V, one result per period with --by.\n"
    "DATA is any table GDAL reads (CSV, or a layer's attributes); rows are units, or\n"
    "(unit, period) pairs with --by.  Every unit must be in W; units of W without\n"
    "data are left out (a warning names them) and W is standardised on the rest.\n"
    "\n"
    "options:\n"
    "  --w FILE             weights (.gal .gwt .swm .mtx .csv)\n"
    "  --var V              the variable\n"
    "  --id FIELD           unit id field (default: row order 1..n; needed with --by)\n"
    "  --by TIME            period field of a long-format table\n"
    "  --layer NAME         layer of DATA\n"
    "  --standardize S      row (default, as spdep style W and GeoDa), binary, none,\n"
    "                       minmax, spectral\n"
    "  --adjust-n           n minus the units without neighbours, as spdep's default\n"
    "                       adjust.n = TRUE (default: all n, as ArcGIS and esda)\n"
    "  --perm N             permutations (default 0: none); p_perm is the folded\n"
    "                       pseudo p-value (min(#>=, #<=) + 1) / (N + 1)\n"
    "  --seed N             random seed (default 12345)\n"
    "  --threads N          threads (default: all cores); results do not depend on it\n"
    "  --json               one JSON object on stdout\n"
    "  --timing             seconds spent reading and computing, on stderr\n"
    "\n"
    "I, E(I), variance and z under normality and under randomisation (spdep\n"
    "moran.test), p-values two-sided; Geary's C as spdep geary.test (z > 0 means\n"
    "positive autocorrelation).  Units without neighbours have a zero spatial lag\n"
    "(spdep zero.policy = TRUE) and are reported.\n";

static const sp_optspec spec[] = {
    {"w", 1}, {"var", 1}, {"id", 1}, {"by", 1}, {"layer", 1}, {"standardize", 1},
    {"adjust-n", 0}, {"perm", 1}, {"seed", 1}, {"threads", 1}, {"json", 0}, {"timing", 0},
    {NULL, 0},
};

static json_t *gtest_json(const sp_gtest *t, const char *stat, const char *expect)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", stat,
                     sp_json_real(t->stat), expect, sp_json_real(t->expect), "var_norm",
                     sp_json_real(t->var_norm), "z_norm", sp_json_real(t->z_norm), "p_norm",
                     sp_json_real(t->p_norm), "var_rand", sp_json_real(t->var_rand), "z_rand",
                     sp_json_real(t->z_rand), "p_rand", sp_json_real(t->p_rand), "p_perm",
                     sp_json_real(t->p_perm), "z_perm", sp_json_real(t->z_perm), "mean_perm",
                     sp_json_real(t->mean_perm), "sd_perm", sp_json_real(t->sd_perm));
}

/* The contract's keys at the top level of each result, Geary's C nested. */
static json_t *result_json(const sp_acio_period *p, const sp_moran_result *r, json_t *islands)
{
    json_t *o = json_object();
    json_object_set_new(o, "by", sp_acio_by_json(p->label));
    json_object_set_new(o, "n", json_integer(r->n));
    json_t *moran = gtest_json(&r->I, "I", "EI");
    json_object_update(o, moran);
    json_decref(moran);
    json_object_set_new(o, "n_used", json_integer(r->m));
    json_object_set_new(o, "islands", islands);
    json_object_set_new(o, "S0", sp_json_real(r->S0));
    json_object_set_new(o, "S1", sp_json_real(r->S1));
    json_object_set_new(o, "S2", sp_json_real(r->S2));
    json_object_set_new(o, "geary", gtest_json(&r->C, "C", "EC"));
    return o;
}

static void print_p(double p)
{
    if (isnan(p))
        printf(" %9s", "-");
    else
        printf(" %9.3g", p);
}

static void print_row(const sp_acio_period *p, const sp_moran_result *r)
{
    printf("%-10s %6d %9.5f %9.5f %8.3f", p->label ? p->label : "-", r->n, r->I.stat,
           r->I.expect, r->I.z_norm);
    print_p(r->I.p_norm);
    printf(" %8.3f", r->I.z_rand);
    print_p(r->I.p_rand);
    print_p(r->I.p_perm);
    printf(" %9.5f %8.3f", r->C.stat, r->C.z_rand);
    print_p(r->C.p_rand);
    print_p(r->C.p_perm);
    putchar('\n');
}

int sp_cmd_moran(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (rc)
        return rc;
    sp_acio_args io;
    if ((rc = sp_acio_args_from(&a, "moran", 0, &io)))
        return rc;
    sp_std style = SP_STD_ROW;
    const char *std_name = sp_args_get(&a, "standardize");
    if (std_name && (rc = sp_weights_std_parse(std_name, &style)))
        return rc;
    sp_moran_opts o = {.adjust_n = sp_args_flag(&a, "adjust-n")};
    int seed;
    if ((rc = sp_args_int(&a, "perm", 0, 0, &o.perm.perm)) ||
        (rc = sp_args_int(&a, "seed", 12345, 0, &seed)) ||
        (rc = sp_args_threads(&a, &o.perm.threads)))
        return rc;
    o.perm.seed = (uint64_t)seed;
    int json = sp_args_flag(&a, "json");

    sp_acio *A;
    double t0 = sp_acio_clock(), t_stat = 0.0;
    if ((rc = sp_acio_open(&io, &A)))
        return rc;
    json_t *results = json_array();
    if (!json) {
        printf("Moran's I and Geary's C of %s, weights %s (%s)%s; p-values two-sided\n", io.var,
               io.wpath, sp_weights_std_name(style), o.adjust_n ? ", n adjusted for islands" : "");
        printf("%-10s %6s %9s %9s %8s %9s %8s %9s %9s %9s %8s %9s %9s\n", io.by ? io.by : "by",
               "n", "I", "E(I)", "z_norm", "p_norm", "z_rand", "p_rand", "p_perm", "C",
               "z_rand", "p_rand", "p_perm");
    }
    for (int g = 0; g < A->P->nperiods && !rc; g++) {
        sp_acio_period p;
        if ((rc = sp_acio_load(A, g, &p)))
            break;
        rc = sp_acio_no_self(A, &p, "Moran's I");
        if (!rc)
            rc = sp_weights_standardize(p.W, style);
        json_t *islands = NULL;
        if (!rc)
            sp_acio_islands(A, &p, o.adjust_n ? "zero spatial lag, not counted in n"
                                              : "zero spatial lag, counted in n (see --adjust-n)",
                            &islands);
        sp_moran_result r;
        double t1 = sp_acio_clock();
        if (!rc)
            rc = sp_moran_compute(p.W->w, p.x, p.subject, &o, &r);
        t_stat += sp_acio_clock() - t1;
        if (!rc && (isnan(r.I.z_rand) || isnan(r.C.z_rand)))
            sp_acio_warn(A, "%s: a randomisation variance is undefined (n < 4 or negative "
                         "variance: the distribution does not meet the test's assumptions)",
                         p.what);
        if (!rc) {
            json_array_append_new(results, result_json(&p, &r, islands));
            islands = NULL;
            if (!json)
                print_row(&p, &r);
        }
        json_decref(islands);
        sp_acio_period_free(&p);
    }
    if (!rc && json) {
        json_t *root = json_pack("{s:s, s:s, s:s, s:b, s:i, s:i, s:o}", "var", io.var, "weights",
                                 io.wpath, "standardize", sp_weights_std_name(style), "adjust_n",
                                 o.adjust_n, "perm", o.perm.perm, "seed", seed, "results",
                                 results);
        results = NULL;
        rc = sp_json_print(root);
    }
    if (!rc && sp_args_flag(&a, "timing"))
        fprintf(stderr, "spill moran: timing: read %.3f s, statistics %.3f s\n",
                sp_acio_clock() - t0 - t_stat, t_stat);
    json_decref(results);
    sp_acio_close(A);
    return rc;
}
