/* Unit tests for spatial panels: core/sp_within (within transformations,
 * Lee-Yu corrections) and io/sp_pdata (long table -> stacked panel),
 * against R (fixtures from scripts/ref-panel.R). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_eigen.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_pdata.h"
#include "sp_peff.h"
#include "sp_pfe.h"
#include "sp_pops_sparse.h"
#include "sp_pre.h"
#include "sp_rng.h"
#include "sp_table.h"
#include "sp_weights.h"
#include "sp_within.h"
#include "sp_wio.h"

#define FIX TH_FIXTURES "/panel/"

/* ---- fixtures ---- */

static sp_table *table(const char *path)
{
    sp_table *t = NULL;
    if (sp_table_read(path, NULL, &t) != SP_OK)
        fprintf(stderr, "cannot read %s: %s\n", path, sp_error_msg());
    return t;
}

static double num(const sp_table *t, int row, const char *col)
{
    const char *s = sp_table_cell(t, row, sp_table_col(t, col));
    double v;
    return s && sp_table_parse_double(s, &v) == 0 ? v : NAN;
}

static const char *str(const sp_table *t, int row, const char *col)
{
    return sp_table_cell(t, row, sp_table_col(t, col));
}

static sp_weights *provinces_w(void)
{
    sp_weights *W = NULL;
    if (sp_wio_read(FIX "provinces.gal", &W))
        fprintf(stderr, "provinces.gal: %s\n", sp_error_msg());
    return W;
}

/* The provinces panel stacked, W row-standardised; vars y, x1, x2. */
static sp_pdata *provinces(const char *where, sp_table **tab_out)
{
    sp_table *tab = table(FIX "provinces_panel.csv");
    sp_weights *W = provinces_w();
    const char *vars[] = {"y", "x1", "x2"};
    sp_pdata_opts o = {.id = "adcode", .time = "year", .where = where, .std = SP_STD_ROW};
    sp_pdata *D = NULL;
    if (tab && W && sp_pdata_build(tab, W, vars, 3, &o, &D))
        fprintf(stderr, "sp_pdata_build: %s\n", sp_error_msg());
    sp_weights_free(W);
    *tab_out = tab;
    return D;
}

/* What most tests start from: the provinces panel, a reference table of
 * R's values (NULL: none) and, when asked, the dense spatial operations on
 * its W.  fixture_open records a failed check and returns 0 when a piece is
 * missing; fixture_close frees whatever was opened. */
typedef struct panel_fixture {
    sp_table *tab, *ref;
    sp_pdata *D;
    sp_pops ops;
    int have_ops;
    long nt; /* n * t */
} panel_fixture;

static int fixture_open(panel_fixture *f, const char *ref, int with_ops)
{
    memset(f, 0, sizeof *f);
    f->D = provinces(NULL, &f->tab);
    f->ref = ref ? table(ref) : NULL;
    CHECK(f->D && (!ref || f->ref));
    if (!f->D || (ref && !f->ref))
        return 0;
    f->nt = (long)f->D->n * f->D->t;
    if (with_ops) {
        f->have_ops = sp_pops_dense(f->D->W->w, &f->ops) == SP_OK;
        CHECK(f->have_ops);
    }
    return 1;
}

/* The fixture's fits: y on x1, x2 with its W and dense operations. */
static const char *const fixture_x[] = {"x1", "x2"};

static int fixture_fit(const panel_fixture *f, const sp_pfe_opts *o, sp_pfe_result **r)
{
    const sp_pdata *D = f->D;
    return sp_pfe_fit(D->n, D->t, D->v, 2, D->v + f->nt, fixture_x, D->W->w, &f->ops, o, r);
}

static int fixture_fit_re(const panel_fixture *f, sp_pmodel model, sp_fe fe, sp_pre_result **r)
{
    const sp_pdata *D = f->D;
    return sp_pfe_fit_re(D->n, D->t, D->v, 2, D->v + f->nt, fixture_x, D->W->w, &f->ops, model,
                         fe, r);
}

static void fixture_close(panel_fixture *f)
{
    if (f->have_ops)
        sp_pops_dense_free(&f->ops);
    sp_pdata_free(f->D);
    sp_table_free(f->tab);
    sp_table_free(f->ref);
}

/* Position of (unit, period) in D's stacking, or -1. */
static long pos_of(const sp_pdata *D, const char *unit, const char *period)
{
    int i = -1, s = -1;
    for (int k = 0; k < D->n && i < 0; k++)
        if (strcmp(D->units[k], unit) == 0)
            i = k;
    for (int k = 0; k < D->t && s < 0; k++)
        if (strcmp(D->periods[k], period) == 0)
            s = k;
    return i < 0 || s < 0 ? -1 : (long)s * D->n + i;
}

/* A scratch CSV file with the given contents; the path is static storage. */
static const char *scratch_csv(const char *contents)
{
    static char path[64];
    strcpy(path, "/tmp/t_panel_XXXXXX.csv");
    int fd = mkstemps(path, 4);
    if (fd < 0)
        return NULL;
    if (write(fd, contents, strlen(contents)) < 0)
        path[0] = '\0';
    close(fd);
    return path;
}


/* ---- a dense eigenvalue log-determinant for the small test W ---- */

/* Eigenvalues of a row-standardised symmetric-pattern W: those of
 * D^1/2 W D^-1/2 with D the row sums of the binary matrix (symmetric). */
typedef struct eig_ctx {
    int n;
    double *ev;
} eig_ctx;

static double eig_lndet(void *ctx, double rho)
{
    const eig_ctx *e = ctx;
    double s = 0.0;
    for (int i = 0; i < e->n; i++)
        s += log(1.0 - rho * e->ev[i]);
    return s;
}

static double eig_tr_g2(void *ctx, double rho)
{
    const eig_ctx *e = ctx;
    double s = 0.0;
    for (int i = 0; i < e->n; i++) {
        double g = e->ev[i] / (1.0 - rho * e->ev[i]);
        s += g * g;
    }
    return s;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void eig_init(const sp_weights *W, eig_ctx *e)
{
    int n = W->n;
    double *a = calloc((size_t)n * n, sizeof *a), *d = calloc((size_t)n, sizeof *d);
    const sp_csr *w = W->w;
    for (int i = 0; i < n; i++)
        d[i] = w->p[i + 1] - w->p[i]; /* binary row sums */
    for (int i = 0; i < n; i++)
        for (int q = w->p[i]; q < w->p[i + 1]; q++)
            a[i * n + w->j[q]] = w->x[q] * sqrt(d[i] / d[w->j[q]]);
    gsl_matrix_view A = gsl_matrix_view_array(a, n, n);
    gsl_vector *ev = gsl_vector_alloc(n);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(n);
    gsl_eigen_symm(&A.matrix, ev, ws);
    e->n = n;
    e->ev = malloc((size_t)n * sizeof *e->ev);
    for (int i = 0; i < n; i++)
        e->ev[i] = gsl_vector_get(ev, i);
    qsort(e->ev, (size_t)n, sizeof *e->ev, dbl_cmp); /* ascending: ev[0] the smallest */
    gsl_eigen_symm_free(ws);
    gsl_vector_free(ev);
    free(a), free(d);
}

/* Rows of a reference table matching (model, fe[, convention]) by name. */
static double ref_value(const sp_table *t, const char *model, const char *fe, const char *conv,
                        const char *name, const char *col)
{
    for (int r = 0; r < t->nrow; r++)
        if (strcmp(str(t, r, "model"), model) == 0 && strcmp(str(t, r, "fe"), fe) == 0 &&
            (!conv || strcmp(str(t, r, "convention"), conv) == 0) &&
            strcmp(str(t, r, "name"), name) == 0)
            return num(t, r, col);
    fprintf(stderr, "no reference %s %s %s %s\n", model, fe, conv ? conv : "", name);
    return NAN;
}

/* ---- within transformations ---- */

static void test_within_matches_r(void)
{
    panel_fixture F;
    if (!fixture_open(&F, FIX "within.csv", 0))
        goto done;
    const sp_pdata *D = F.D;
    const sp_table *ref = F.ref;
    CHECK_INT(D->n, 31);
    CHECK_INT(D->t, 11);
    long nt = F.nt;
    double *u = malloc(nt * sizeof *u), *tm = malloc(nt * sizeof *tm), *tw = malloc(nt * sizeof *tw);
    double *wy = malloc(nt * sizeof *wy);
    memcpy(u, D->v, nt * sizeof *u);
    memcpy(tm, D->v, nt * sizeof *tm);
    memcpy(tw, D->v, nt * sizeof *tw);
    sp_within(u, D->n, D->t, SP_FE_UNIT);
    sp_within(tm, D->n, D->t, SP_FE_TIME);
    sp_within(tw, D->n, D->t, SP_FE_TWOWAY);
    sp_within_lag(D->W->w, D->v, D->n, D->t, wy);
    sp_within(wy, D->n, D->t, SP_FE_TWOWAY);
    int found = 0;
    for (int r = 0; r < ref->nrow; r++) {
        long c = pos_of(D, str(ref, r, "adcode"), str(ref, r, "year"));
        if (c < 0)
            continue;
        found++;
        CHECK_ABS(u[c], num(ref, r, "y_unit"), 1e-12);
        CHECK_ABS(tm[c], num(ref, r, "y_time"), 1e-12);
        CHECK_ABS(tw[c], num(ref, r, "y_twoway"), 1e-12);
        CHECK_ABS(wy[c], num(ref, r, "wy_twoway"), 1e-12);
    }
    CHECK_INT(found, 341);
    free(u), free(tm), free(tw), free(wy);
done:
    fixture_close(&F);
}

static void test_within_none_and_means(void)
{
    double v[6] = {1, 2, 3, 10, 20, 30}; /* n = 3, t = 2 */
    double m[3];
    sp_within_unit_means(v, 3, 2, m);
    CHECK_ABS(m[0], 5.5, 1e-15);
    CHECK_ABS(m[2], 16.5, 1e-15);
    sp_within(v, 3, 2, SP_FE_NONE);
    CHECK_ABS(v[4], 20, 0);
    sp_within(v, 3, 2, SP_FE_TWOWAY);
    /* y_it = a_i + b_t exactly: two-way demeaning leaves nothing */
    double w[6] = {1 + 5, 2 + 5, 4 + 5, 1 - 2, 2 - 2, 4 - 2};
    sp_within(w, 3, 2, SP_FE_TWOWAY);
    for (int k = 0; k < 6; k++)
        CHECK_ABS(w[k], 0.0, 1e-14);
    sp_fe fe;
    CHECK(sp_within_fe_parse("twoway", &fe) == SP_OK && fe == SP_FE_TWOWAY);
    CHECK(sp_within_fe_parse("both", &fe) == SP_OK && fe == SP_FE_TWOWAY);
    CHECK(sp_within_fe_parse("random", &fe) == SP_EUSAGE);
    CHECK_STR(sp_within_fe_name(SP_FE_UNIT), "unit");
}

/* ---- Lee-Yu ---- */

static void test_leeyu_scalings(void)
{
    double th[4] = {1.0, -0.5, 0.3, 2.0}; /* beta1, beta2, rho, sigma2 */
    double a[4];
    memcpy(a, th, sizeof a);
    CHECK(sp_leeyu_correct(SP_LY_ELHORST, SP_FE_UNIT, 31, 11, 2, 1, NULL, a) == SP_OK);
    CHECK_REL(a[3], 2.0 * 11 / 10, 1e-15);
    CHECK(a[2] == 0.3 && a[0] == 1.0);
    memcpy(a, th, sizeof a);
    CHECK(sp_leeyu_correct(SP_LY_ELHORST, SP_FE_TIME, 31, 11, 2, 1, NULL, a) == SP_OK);
    CHECK_REL(a[3], 2.0 * 31 / 30, 1e-15);
    memcpy(a, th, sizeof a);
    CHECK(sp_leeyu_correct(SP_LY_NONE, SP_FE_TWOWAY, 31, 11, 2, 1, NULL, a) == SP_OK);
    CHECK(memcmp(a, th, sizeof a) == 0);
    CHECK(sp_leeyu_correct(SP_LY_ELHORST, SP_FE_TWOWAY, 31, 11, 2, 1, NULL, a) == SP_EUSAGE);
    /* a diagonal information matrix: theta_j += nt / info_jj * a_j / n */
    double info[16] = {0};
    for (int j = 0; j < 4; j++)
        info[j * 4 + j] = 100.0 * (j + 1);
    memcpy(a, th, sizeof a);
    CHECK(sp_leeyu_correct(SP_LY_ELHORST, SP_FE_TWOWAY, 31, 11, 2, 1, info, a) == SP_OK);
    CHECK_REL(a[0], 1.0, 1e-15);
    CHECK_REL(a[2], 0.3 + 341.0 / 300.0 * (1 / 0.7) / 31, 1e-14);
    CHECK_REL(a[3], (2.0 + 341.0 / 400.0 * (1 / 4.0) / 31) * 11 / 10, 1e-14);
    memcpy(a, th, sizeof a);
    CHECK(sp_leeyu_correct(SP_LY_LEEYU, SP_FE_TIME, 31, 11, 2, 1, info, a) == SP_OK);
    CHECK_REL(a[2], 0.3 + 341.0 / 300.0 * (1 / 0.7) / 31, 1e-14);
    CHECK_REL(a[3], 2.0 + 341.0 / 400.0 * (1 / 4.0) / 31, 1e-14);
    double sing[16] = {0};
    memcpy(a, th, sizeof a);
    CHECK(sp_leeyu_correct(SP_LY_ELHORST, SP_FE_TWOWAY, 31, 11, 2, 1, sing, a) == SP_ENUMERIC);
    CHECK(memcmp(a, th, sizeof a) == 0);
}

/* ---- panel data assembly ---- */

static void test_pdata_layout(void)
{
    sp_table *tab;
    sp_pdata *D = provinces(NULL, &tab);
    CHECK(D != NULL);
    if (!D) {
        sp_table_free(tab);
        return;
    }
    CHECK_STR(D->periods[0], "2010");
    CHECK_STR(D->periods[10], "2020");
    CHECK_STR(D->units[0], "110000"); /* first in the table */
    CHECK(D->note[0] == '\0' && D->n_islands == 0);
    CHECK(sp_weights_is_row_standardized(D->W));
    /* every value lands on its (unit, period) */
    long nt = (long)D->n * D->t;
    int ok = 1;
    for (int r = 0; r < tab->nrow; r++) {
        long c = pos_of(D, str(tab, r, "adcode"), str(tab, r, "year"));
        ok &= c >= 0 && D->rows[c] == r && D->v[c] == num(tab, r, "y") &&
              D->v[nt + c] == num(tab, r, "x1") && D->v[2 * nt + c] == num(tab, r, "x2");
    }
    CHECK(ok);
    sp_pdata_free(D);
    sp_table_free(tab);
}

static void test_pdata_where(void)
{
    sp_table *tab;
    sp_pdata *D = provinces("region=East", &tab);
    CHECK(D != NULL);
    if (D) {
        CHECK_INT(D->n, 11);
        CHECK_INT(D->t, 11);
        CHECK_INT(D->W->n, 11);
        CHECK_INT(D->n_where_dropped, 20);
        CHECK(strstr(D->note, "11 of 31 units kept") != NULL);
        CHECK(sp_weights_is_row_standardized(D->W));
        for (long c = 0; c < (long)D->n * D->t; c++)
            CHECK_STR(str(tab, D->rows[c], "region"), "East");
    }
    sp_pdata_free(D);
    sp_table_free(tab);
    D = provinces("region=East,Central", &tab);
    CHECK(D && D->n == 19);
    sp_pdata_free(D);
    sp_table_free(tab);
}

/* Build from CSV text with W = provinces.gal restricted to units a, b, c. */
/* use_full_w: 0 W cut to the 3 units, 1 the 31-unit W, 2 the same with strict. */
static int build_small(const char *csv, const char *where, int use_full_w)
{
    const char *path = scratch_csv(csv);
    sp_table *tab = table(path);
    sp_weights *W = provinces_w(), *Wa = NULL;
    const char *ids[] = {"110000", "120000", "130000"};
    if (!use_full_w) {
        sp_weights_align(W, ids, 3, "test", &Wa);
        sp_weights_free(W);
        W = Wa;
    }
    const char *vars[] = {"y"};
    sp_pdata_opts o = {.id = "id", .time = "year", .where = where, .std = SP_STD_ROW,
                       .strict = use_full_w == 2};
    sp_pdata *D = NULL;
    int rc = tab && W ? sp_pdata_build(tab, W, vars, 1, &o, &D) : -1;
    if (!rc && use_full_w == 1 && !where) /* W restricted to the 3 units, the rest listed */
        TH_RECORD(D->n == 3 && D->W->n == 3 && D->n_w_unused == 28 &&
                      strncmp(D->w_unused, "140000, 150000", 14) == 0,
                  "full W: %d units, %d left out (%s)", D->n, D->n_w_unused, D->w_unused);
    sp_pdata_free(D);
    sp_weights_free(W);
    sp_table_free(tab);
    unlink(path);
    return rc;
}

#define FAILS(code, pattern, call)                                             \
    do {                                                                       \
        int fl_rc = (call);                                                    \
        TH_RECORD(fl_rc == (code) && strstr(sp_error_msg(), (pattern)),        \
                  "%s: rc %d, message \"%s\", want %d and \"%s\"", #call, fl_rc, \
                  sp_error_msg(), (code), (pattern));                          \
    } while (0)

static void test_pdata_errors(void)
{
    const char *good = "id,year,y,g\n110000,1,1,a\n120000,1,2,a\n130000,1,3,b\n"
                       "110000,2,4,a\n120000,2,5,a\n130000,2,6,b\n";
    CHECK_INT(build_small(good, NULL, 0), SP_OK);
    CHECK_INT(build_small(good, "g=a", 0), SP_OK);
    FAILS(SP_EDATA, "not balanced: 1 of 6 (unit, year) pairs have no row: 130000 in 2",
          build_small("id,year,y\n110000,1,1\n120000,1,2\n130000,1,3\n110000,2,4\n120000,2,5\n",
                      NULL, 0));
    FAILS(SP_EDATA, "unit 120000 appears twice in year 1 (rows 2 and 3)",
          build_small("id,year,y\n110000,1,1\n120000,1,2\n120000,1,3\n", NULL, 0));
    FAILS(SP_EDATA, "1 unit not in the weights: 990000",
          build_small("id,year,y\n110000,1,1\n120000,1,2\n130000,1,3\n990000,1,3\n", NULL, 0));
    CHECK_INT(build_small(good, NULL, 1), SP_OK); /* W restricted to the panel's units */
    FAILS(SP_EDATA, "28 units of the weights have no rows: 140000, 150000",
          build_small(good, NULL, 2));
    CHECK_INT(build_small(good, "g=a,b", 1), SP_OK); /* --where: a subset of W is fine */
    FAILS(SP_EDATA, "unit 130000 has g = 'b' in year 2",
          build_small("id,year,y,g\n110000,1,1,a\n120000,1,2,a\n130000,1,3,a\n"
                      "110000,2,4,a\n120000,2,5,a\n130000,2,6,b\n", "g=a", 0));
    FAILS(SP_EDATA, "--where g=zz: no row has g 'zz' (the values are a, b)",
          build_small(good, "g=zz", 0));
    FAILS(SP_EUSAGE, "--where wants FIELD=VALUE", build_small(good, "g", 0));
    FAILS(SP_EDATA, "unit 120000", /* sp_table_number names the row and the unit */
          build_small("id,year,y\n110000,1,1\n120000,1,x\n130000,1,3\n", NULL, 0));
    char id[32], tm[32];
    CHECK(sp_pdata_parse_panel("adcode,year", id, tm, sizeof id) == SP_OK);
    CHECK_STR(id, "adcode");
    CHECK_STR(tm, "year");
    CHECK(sp_pdata_parse_panel("adcode", id, tm, sizeof id) == SP_EUSAGE);
    CHECK(sp_pdata_parse_panel("a,b,c", id, tm, sizeof id) == SP_EUSAGE);
}


/* ---- random effects ---- */

/* Regressors for RE: [const] x1 x2 [W*x1 W*x2], lagged then time-demeaned for
 * fe "time"; names into names[]. */
static double *re_design(const sp_pdata *D, int sdm, sp_fe fe, int *k, const char **names,
                         double **y, double **wy)
{
    long nt = (long)D->n * D->t;
    int kk = (fe == SP_FE_NONE) + 2 + 2 * sdm, j = 0;
    double *X = malloc((size_t)kk * nt * sizeof *X);
    *y = malloc(nt * sizeof **y);
    *wy = malloc(nt * sizeof **wy);
    memcpy(*y, D->v, nt * sizeof **y);
    sp_within_lag(D->W->w, D->v, D->n, D->t, *wy);
    if (fe == SP_FE_NONE) {
        for (long i = 0; i < nt; i++)
            X[i] = 1.0;
        names[j++] = "const";
    }
    static const char *xn[] = {"x1", "x2", "W*x1", "W*x2"};
    for (int v = 0; v < 2; v++, j++) {
        memcpy(X + j * nt, D->v + (v + 1) * nt, nt * sizeof *X);
        names[j] = xn[v];
    }
    for (int v = 0; sdm && v < 2; v++, j++) {
        sp_within_lag(D->W->w, D->v + (v + 1) * nt, D->n, D->t, X + j * nt);
        names[j] = xn[v + 2];
    }
    if (fe == SP_FE_TIME) {
        sp_within(*y, D->n, D->t, fe);
        sp_within(*wy, D->n, D->t, fe);
        for (int c = 0; c < kk; c++)
            sp_within(X + c * nt, D->n, D->t, fe);
    }
    *k = kk;
    return X;
}

static void test_random_effects(void)
{
    panel_fixture F;
    if (!fixture_open(&F, FIX "re.csv", 0))
        goto done;
    const sp_pdata *D = F.D;
    const sp_table *ref = F.ref;
    eig_ctx e;
    eig_init(D->W, &e);
    sp_pre_lndet L = {eig_lndet, eig_tr_g2, &e, 1.0 / e.ev[0] + 1e-9, 1.0 - 1e-9};
    for (int sdm = 0; sdm <= 1; sdm++)
        for (int f = 0; f < 2; f++) {
            sp_fe fe = f ? SP_FE_TIME : SP_FE_NONE;
            const char *model = sdm ? "sdm" : "sar", *fen = sp_within_fe_name(fe);
            const char *names[8];
            double *y, *wy;
            int k;
            double *X = re_design(D, sdm, fe, &k, names, &y, &wy);
            sp_pre_result *r = NULL;
            int rc = sp_pre_fit(D->n, D->t, k, y, wy, X, &L, &r);
            TH_RECORD(rc == SP_OK, "sp_pre_fit: %s", sp_error_msg());
            if (r) {
                int p = k + 3;
                for (int j = 0; j < k; j++) {
                    CHECK_REL(r->beta[j], ref_value(ref, model, fen, NULL, names[j], "est"), 1e-6);
                    CHECK_REL(sqrt(r->cov[j * p + j]),
                              ref_value(ref, model, fen, NULL, names[j], "se"), 1e-6);
                }
                CHECK_REL(r->rho, ref_value(ref, model, fen, NULL, "rho", "est"), 1e-6);
                CHECK_REL(sqrt(r->cov[k * p + k]), ref_value(ref, model, fen, NULL, "rho", "se"),
                          1e-6);
                CHECK_REL(r->theta, ref_value(ref, model, fen, NULL, "theta", "est"), 1e-6);
                CHECK_REL(sqrt(r->cov[(k + 1) * p + k + 1]),
                          ref_value(ref, model, fen, NULL, "theta", "se"), 1e-6);
                CHECK_REL(r->sigma2, ref_value(ref, model, fen, NULL, "sigma2", "est"), 1e-6);
                CHECK_REL(r->sigma2_mu, ref_value(ref, model, fen, NULL, "sigma2_mu", "est"), 1e-6);
                CHECK_REL(r->loglik, ref_value(ref, model, fen, NULL, "loglik", "est"), 1e-9);
            }
            sp_pre_result_free(r);
            free(X), free(y), free(wy);
        }
    free(e.ev);
done:
    fixture_close(&F);
}

/* ---- fixed effects ---- */

static const char *param_name(const sp_pfe_result *r, int i)
{
    if (i < r->k)
        return r->names[i];
    if (i == sp_pfe_irho(r))
        return "rho";
    if (i == sp_pfe_ilambda(r))
        return "lambda";
    return "sigma2";
}

static void check_fe_against_r(const sp_table *ref, const sp_pfe_result *r, const char *conv,
                               double tol)
{
    const char *model = sp_pmodel_name(r->model), *fe = sp_within_fe_name(r->fe);
    for (int i = 0; i < r->p; i++) {
        const char *name = param_name(r, i);
        /* R's optimize finds rho to about 1e-8 relative: a coefficient near zero is
         * compared on the scale of its standard error */
        double want = ref_value(ref, model, fe, conv, name, "est");
        double scale = i < r->p - 1 ? ref_value(ref, model, fe, conv, name, "se") : 0.0;
        CHECK_ABS(r->theta[i], want, tol * fmax(fabs(want), scale));
        if (i < r->p - 1)
            CHECK_REL(sqrt(r->cov[i * r->p + i]), ref_value(ref, model, fe, conv, name, "se"),
                      tol);
    }
    CHECK_REL(r->loglik, ref_value(ref, model, fe, conv, "loglik", "est"), tol * 1e-2);
}

static void test_fixed_effects(void)
{
    panel_fixture F;
    if (!fixture_open(&F, FIX "fe.csv", 1))
        goto done;
    const sp_table *ref = F.ref;
    static const sp_pmodel models[] = {SP_PM_SAR, SP_PM_SDM, SP_PM_SEM, SP_PM_SDEM, SP_PM_SAC};
    static const sp_leeyu convs[] = {SP_LY_NONE, SP_LY_ELHORST, SP_LY_LEEYU};
    for (int mi = 0; mi < 5; mi++)
        for (int f = 0; f < 4; f++)
            for (int ci = 0; ci < 3; ci++) {
                sp_fe fe = (sp_fe)f;
                if ((fe == SP_FE_NONE && ci > 0) || (fe != SP_FE_TIME && ci == 2))
                    continue;
                sp_pfe_opts o = {.model = models[mi], .fe = fe, .leeyu = convs[ci], .vcov = SP_VCOV_INFO};
                sp_pfe_result *r = NULL;
                int rc = fixture_fit(&F, &o, &r);
                TH_RECORD(rc == SP_OK, "%s %s: %s", sp_pmodel_name(o.model), sp_within_fe_name(fe),
                          sp_error_msg());
                if (r)
                    check_fe_against_r(ref, r, sp_leeyu_name(convs[ci]), 1e-6);
                sp_pfe_result_free(r);
            }
done:
    fixture_close(&F);
}

static void test_lm_tests(void)
{
    panel_fixture F;
    if (!fixture_open(&F, FIX "lm.csv", 0))
        goto done;
    const sp_pdata *D = F.D;
    const sp_table *ref = F.ref;
    long nt = F.nt;
    static const char *names[] = {"LMlag", "LMerr", "RLMlag", "RLMerr"};
    for (int f = 0; f < 4; f++) {
        sp_ptest lm[4];
        CHECK(sp_pfe_lmtests(D->n, D->t, D->v, 2, D->v + nt, D->W->w, (sp_fe)f, lm) == SP_OK);
        for (int q = 0; q < 4; q++)
            for (int r = 0; r < ref->nrow; r++)
                if (strcmp(str(ref, r, "fe"), sp_within_fe_name((sp_fe)f)) == 0 &&
                    strcmp(str(ref, r, "test"), names[q]) == 0) {
                    CHECK_REL(lm[q].stat, num(ref, r, "stat"), 1e-9);
                    CHECK_ABS(lm[q].p, num(ref, r, "p"), 1e-12);
                }
    }
done:
    fixture_close(&F);
}

static void test_hausman(void)
{
    panel_fixture F;
    if (!fixture_open(&F, FIX "re.csv", 1))
        goto done;
    const sp_table *ref = F.ref;
    for (int sdm = 0; sdm <= 1; sdm++)
        for (int f = 0; f < 2; f++) {
            sp_pmodel model = sdm ? SP_PM_SDM : SP_PM_SAR;
            sp_fe re_fe = f ? SP_FE_TIME : SP_FE_NONE;
            sp_pfe_opts o = {.model = model, .fe = f ? SP_FE_TWOWAY : SP_FE_UNIT, .leeyu = SP_LY_ELHORST, .vcov = SP_VCOV_INFO};
            sp_pfe_result *fe = NULL;
            sp_pre_result *re = NULL;
            CHECK(fixture_fit(&F, &o, &fe) == SP_OK);
            CHECK(fixture_fit_re(&F, model, re_fe, &re) == SP_OK);
            if (fe && re) {
                const char *m = sp_pmodel_name(model), *fn = sp_within_fe_name(re_fe);
                CHECK_REL(re->rho, ref_value(ref, m, fn, NULL, "rho", "est"), 1e-6);
                CHECK_STR(re->names[re->k - 1], sdm ? "W*x2" : "x2");
                sp_ptest h;
                int definite;
                CHECK(sp_ptest_hausman(fe, re, &h, &definite) == SP_OK);
                CHECK_REL(h.stat, ref_value(ref, m, fn, NULL, "hausman", "est"), 1e-5);
                CHECK_REL(h.p, ref_value(ref, m, fn, NULL, "hausman", "se"), 1e-4);
                CHECK_INT(h.df, sdm ? 5 : 3);
                CHECK(h.stat >= 0 || !definite); /* negative only when not definite */
            }
            sp_pfe_result_free(fe);
            sp_pre_result_free(re);
        }
done:
    fixture_close(&F);
}

static void test_effects(void)
{
    panel_fixture F;
    if (!fixture_open(&F, FIX "effects.csv", 1))
        goto done;
    const sp_table *ref = F.ref;
    const sp_pops *ops = &F.ops;
    static const sp_pmodel models[] = {SP_PM_SAR, SP_PM_SDM, SP_PM_SDEM};
    int compared = 0;
    for (int mi = 0; mi < 3; mi++)
        for (int f = 0; f < 4; f++)
            for (int ci = 0; ci < 2; ci++) {
                if (f == 0 && ci > 0)
                    continue;
                sp_pfe_opts o = {.model = models[mi], .fe = (sp_fe)f, .leeyu = ci ? SP_LY_ELHORST : SP_LY_NONE, .vcov = SP_VCOV_INFO};
                sp_pfe_result *r = NULL;
                sp_peff *e = NULL;
                int ib[8], it[8];
                const char *names[8];
                sp_peff_spec spec;
                CHECK(fixture_fit(&F, &o, &r) == 0);
                CHECK(r && sp_peff_spec_fe(r, ib, it, names, &spec) == SP_OK);
                CHECK(sp_peff_compute(ops, &spec, &e) == SP_OK);
                for (int v = 0; e && v < e->nvar; v++) {
                    const sp_peff_stat *st[3] = {&e->rows[v].direct, &e->rows[v].indirect,
                                                 &e->rows[v].total};
                    static const char *kinds[] = {"direct", "indirect", "total"};
                    for (int k = 0; k < 3; k++)
                        for (int q = 0; q < ref->nrow; q++)
                            if (strcmp(str(ref, q, "model"), sp_pmodel_name(o.model)) == 0 &&
                                strcmp(str(ref, q, "fe"), sp_within_fe_name(o.fe)) == 0 &&
                                strcmp(str(ref, q, "convention"), ci ? "elhorst" : "none") == 0 &&
                                strcmp(str(ref, q, "name"), e->rows[v].name) == 0 &&
                                strcmp(str(ref, q, "kind"), kinds[k]) == 0) {
                                double se = num(ref, q, "se");
                                CHECK_ABS(st[k]->est, num(ref, q, "est"),
                                          1e-6 * fmax(fabs(num(ref, q, "est")), se));
                                CHECK_REL(st[k]->se_delta, se, 1e-6);
                                compared++;
                            }
                }
                sp_peff_free(e);
                sp_pfe_result_free(r);
            }
    CHECK_INT(compared, 3 * 7 * 2 * 3);
    /* simulation: reproducible, and close to the delta method with many draws */
    sp_pfe_opts o = {.model = SP_PM_SDM, .fe = SP_FE_TWOWAY, .leeyu = SP_LY_ELHORST, .vcov = SP_VCOV_INFO};
    sp_pfe_result *r = NULL;
    int ib[8], it[8];
    const char *names[8];
    sp_peff_spec spec;
    sp_peff *a = NULL, *b = NULL;
    fixture_fit(&F, &o, &r);
    if (r && sp_peff_spec_fe(r, ib, it, names, &spec) == SP_OK) {
        spec.draws = 20000;
        spec.seed = 12345;
        CHECK(sp_peff_compute(ops, &spec, &a) == SP_OK);
        CHECK(sp_peff_compute(ops, &spec, &b) == SP_OK);
        CHECK(a && b && memcmp(a->rows, b->rows, sizeof *a->rows * a->nvar) == 0);
        for (int v = 0; a && v < a->nvar; v++) {
            CHECK_REL(a->rows[v].indirect.se, a->rows[v].indirect.se_delta, 0.05);
            CHECK_REL(a->rows[v].direct.se, a->rows[v].direct.se_delta, 0.05);
            CHECK(a->rows[v].total.lo < a->rows[v].total.est &&
                  a->rows[v].total.est < a->rows[v].total.hi);
        }
        /* OLS and SEM have no spillovers */
        sp_pfe_result sem = *r;
        sem.model = SP_PM_SEM;
        CHECK(sp_peff_spec_fe(&sem, ib, it, names, &spec) == SP_EUSAGE);
    }
    sp_peff_free(a);
    sp_peff_free(b);
    sp_pfe_result_free(r);
done:
    fixture_close(&F);
}

/* ---- Monte Carlo recovery ---- */

/* A GAL file, row-standardised (NULL, with a failed check, when unreadable). */
static sp_weights *row_weights(const char *gal)
{
    sp_weights *W = NULL;
    CHECK(sp_wio_read(gal, &W) == SP_OK);
    if (W)
        sp_weights_standardize(W, SP_STD_ROW);
    return W;
}

/* Simulate a two-way SDM panel on W (n x n) with t periods: rho 0.35, beta (1, -0.6),
 * theta (0.4, 0.2), sigma 0.8, unit effects correlated with x1; y and X (2 columns). */
static void simulate(const sp_csr *W, const sp_pops *ops, int t, uint64_t seed, double *y,
                     double *X)
{
    int n = W->nrow;
    long nt = (long)n * t;
    sp_rng r;
    sp_rng_init(&r, seed, 0, 0);
    double *mu = malloc((size_t)n * sizeof *mu), *wx = malloc(2 * (size_t)n * sizeof *wx);
    double *b = malloc((size_t)n * sizeof *b);
    for (int i = 0; i < n; i++)
        mu[i] = sp_rng_normal(&r);
    for (int s = 0; s < t; s++) {
        double alpha = 0.5 * sp_rng_normal(&r);
        double *x1 = X + (long)s * n, *x2 = X + nt + (long)s * n;
        for (int i = 0; i < n; i++) {
            x1[i] = 0.5 * mu[i] + sp_rng_normal(&r);
            x2[i] = sp_rng_normal(&r);
        }
        sp_csr_matvec(W, x1, wx);
        sp_csr_matvec(W, x2, wx + n);
        for (int i = 0; i < n; i++)
            b[i] = x1[i] - 0.6 * x2[i] + 0.4 * wx[i] + 0.2 * wx[n + i] + mu[i] + alpha +
                   0.8 * sp_rng_normal(&r);
        ops->solve(ops->ctx, 0.35, b, y + (long)s * n);
    }
    free(mu), free(wx), free(b);
}

/* Mean estimates of `reps` two-way SDM fits: rho corrected and ML, beta1, theta1, sigma2. */
static void monte_carlo(const char *gal, int t, int reps, double mean[5])
{
    sp_weights *W = row_weights(gal);
    if (!W)
        return;
    sp_pops ops;
    CHECK(sp_pops_dense(W->w, &ops) == SP_OK);
    long nt = (long)W->n * t;
    double *y = malloc(nt * sizeof *y), *X = malloc(2 * nt * sizeof *X);
    const char *xn[] = {"x1", "x2"};
    sp_pfe_opts o = {.model = SP_PM_SDM, .fe = SP_FE_TWOWAY, .leeyu = SP_LY_ELHORST, .vcov = SP_VCOV_INFO};
    for (int k = 0; k < 5; k++)
        mean[k] = 0.0;
    int ok = 0;
    for (int rep = 0; rep < reps; rep++) {
        simulate(W->w, &ops, t, 1000 + rep, y, X);
        sp_pfe_result *r = NULL;
        if (sp_pfe_fit(W->n, t, y, 2, X, xn, W->w, &ops, &o, &r) == SP_OK) {
            mean[0] += r->theta[4];
            mean[1] += r->theta_ml[4];
            mean[2] += r->theta[0];
            mean[3] += r->theta[2];
            mean[4] += r->theta[5];
            ok++;
        }
        sp_pfe_result_free(r);
    }
    CHECK_INT(ok, reps);
    for (int k = 0; k < 5; k++)
        mean[k] /= ok;
    free(y), free(X);
    sp_pops_dense_free(&ops);
    sp_weights_free(W);
}

/* The polished fit b against the exact search a: estimates within 1e-6,
 * variances within cov_tol, the log-likelihood within 1e-12. */
static void check_polished(const sp_pfe_result *a, const sp_pfe_result *b, double cov_tol)
{
    CHECK(!b->lndet_approx);
    for (int j = 0; j < a->p; j++) {
        CHECK_ABS(b->theta[j], a->theta[j], 1e-6 * fmax(1.0, fabs(a->theta[j])));
        CHECK_REL(b->cov[j * a->p + j], a->cov[j * a->p + j], cov_tol);
    }
    CHECK_REL(b->loglik, a->loglik, 1e-12);
}

/* The polished Chebyshev fit (the default above 1500 units) against the
 * exact search, on a cross-section of the cities graph: the same optimum and
 * covariance, with one spatial parameter and with two (SAC). */
static void test_chebyshev_polish(void)
{
    sp_weights *W = row_weights(FIX "cities.gal");
    if (!W)
        return;
    sp_pops exact, polished;
    sp_pops_sparse_opts so;
    sp_pops_sparse_opts_default(&so);
    CHECK_INT(sp_pops_sparse_new(W->w, &so, &exact), SP_OK);
    so.approx = SP_LNDET_CHEB_POLISH;
    CHECK_INT(sp_pops_sparse_new(W->w, &so, &polished), SP_OK);
    CHECK(polished.lndet_exact != NULL && polished.approx);
    int n = W->n;
    double *y = malloc((size_t)n * sizeof *y), *X = malloc(2 * (size_t)n * sizeof *X);
    simulate(W->w, &exact, 1, 77, y, X);
    const char *xn[] = {"x1", "x2"};
    sp_pmodel models[] = {SP_PM_SDM, SP_PM_SEM, SP_PM_SAC};
    for (int mi = 0; mi < 3; mi++) {
        sp_pfe_opts o = {.model = models[mi], .fe = SP_FE_NONE, .leeyu = SP_LY_NONE, .vcov = SP_VCOV_HESSIAN};
        sp_pfe_result *a = NULL, *b = NULL;
        CHECK_INT(sp_pfe_fit(n, 1, y, 2, X, xn, W->w, &exact, &o, &a), SP_OK);
        CHECK_INT(sp_pfe_fit(n, 1, y, 2, X, xn, W->w, &polished, &o, &b), SP_OK);
        if (a && b)
            check_polished(a, b, 1e-5);
        sp_pfe_result_free(a);
        sp_pfe_result_free(b);
    }
    free(y), free(X);
    sp_pops_sparse_free(&exact);
    sp_pops_sparse_free(&polished);
    sp_weights_free(W);
}

/* A row-standardised queen lattice of side x side cells. */
static sp_weights *queen_grid(int side)
{
    int n = side * side, m = 0;
    int *ti = malloc((size_t)n * 8 * sizeof *ti), *tj = malloc((size_t)n * 8 * sizeof *tj);
    double *tx = malloc((size_t)n * 8 * sizeof *tx);
    for (int r = 0; r < side; r++)
        for (int c = 0; c < side; c++)
            for (int dr = -1; dr <= 1; dr++)
                for (int dc = -1; dc <= 1; dc++)
                    if ((dr || dc) && r + dr >= 0 && r + dr < side && c + dc >= 0 && c + dc < side)
                        ti[m] = r * side + c, tj[m] = (r + dr) * side + c + dc, tx[m++] = 1.0;
    sp_csr *w = NULL;
    sp_weights *W = NULL;
    CHECK_INT(sp_csr_from_triplets(n, n, m, ti, tj, tx, &w), SP_OK);
    CHECK_INT(sp_weights_new(n, NULL, w, &W), SP_OK);
    if (W)
        sp_weights_standardize(W, SP_STD_ROW);
    free(ti), free(tj), free(tx);
    return W;
}

/* queen_grid(side) with sparse operators on it: first with the log-determinant
 * method `approx`, second polished (one factorisation kept); NULL on failure. */
static sp_weights *grid_ops(int side, int approx, sp_pops *first, sp_pops *second)
{
    sp_weights *W = queen_grid(side);
    sp_pops_sparse_opts so;
    sp_pops_sparse_opts_default(&so);
    so.slots = 1;
    so.approx = approx;
    if (W && sp_pops_sparse_new(W->w, &so, first) != SP_OK) {
        sp_weights_free(W);
        return NULL;
    }
    so.approx = SP_LNDET_CHEB_POLISH;
    if (W && sp_pops_sparse_new(W->w, &so, second) != SP_OK) {
        sp_pops_sparse_free(first);
        sp_weights_free(W);
        return NULL;
    }
    return W;
}

/* At 14,400 units the polish starts close to the exact optimum: three
 * factorisations (the points x0 -+ h and the one next to the estimate), the
 * Hessian's curvature from those points, the solves at the estimate refined
 * from the last factorisation; still the exact search's estimates,
 * log-likelihood and covariance. */
static void test_chebyshev_polish_large(void)
{
    sp_pops exact, polished;
    sp_weights *W = grid_ops(120, SP_LNDET_EXACT, &exact, &polished);
    if (!W)
        return;
    int n = W->n;
    double *y = malloc((size_t)n * sizeof *y), *X = malloc(2 * (size_t)n * sizeof *X);
    simulate(W->w, &exact, 1, 78, y, X);
    const char *xn[] = {"x1", "x2"};
    sp_pmodel models[] = {SP_PM_SDM, SP_PM_SEM};
    for (int mi = 0; mi < 2; mi++) {
        sp_pfe_opts o = {.model = models[mi], .fe = SP_FE_NONE, .leeyu = SP_LY_NONE, .vcov = SP_VCOV_HESSIAN};
        sp_pfe_result *a = NULL, *b = NULL;
        int before = sp_pops_sparse_factorizations(&polished);
        CHECK_INT(sp_pfe_fit(n, 1, y, 2, X, xn, W->w, &exact, &o, &a), SP_OK);
        CHECK_INT(sp_pfe_fit(n, 1, y, 2, X, xn, W->w, &polished, &o, &b), SP_OK);
        CHECK_INT(sp_pops_sparse_factorizations(&polished) - before, 3);
        if (a && b) {
            CHECK(isfinite(b->lndet_d2_at[mi == 1])); /* the curvature from the polish */
            check_polished(a, b, 2e-6);
            CHECK_REL(b->r2, a->r2, 1e-7); /* as the estimates: within 1e-6 */
            CHECK_REL(b->corr2, a->corr2, 1e-7);
        }
        sp_pfe_result_free(a);
        sp_pfe_result_free(b);
    }
    free(y), free(X);
    sp_pops_sparse_free(&exact);
    sp_pops_sparse_free(&polished);
    sp_weights_free(W);
}

/* The polish on two threads (its first two factorisations side by side,
 * ops->lndet_exact_pair) gives the bits of one thread: estimates, covariance,
 * log-likelihood, fit and the factorisation count, with one cached slot (SDM)
 * and two (SAC). */
static void test_chebyshev_polish_threads(void)
{
    sp_weights *W = queen_grid(120);
    if (!W)
        return;
    int n = W->n;
    double *y = malloc((size_t)n * sizeof *y), *X = malloc(2 * (size_t)n * sizeof *X);
    sp_pops ops[2];
    for (int k = 0; k < 2; k++) {
        sp_pops_sparse_opts so;
        sp_pops_sparse_opts_default(&so);
        so.approx = SP_LNDET_CHEB_POLISH, so.threads = 1 + k, so.effects_ahead = 1;
        CHECK_INT(sp_pops_sparse_new(W->w, &so, &ops[k]), SP_OK);
    }
    simulate(W->w, &ops[0], 1, 79, y, X);
    const char *xn[] = {"x1", "x2"};
    sp_pmodel models[] = {SP_PM_SDM, SP_PM_SAC};
    for (int mi = 0; mi < 2; mi++) {
        sp_pfe_opts o = {.model = models[mi], .fe = SP_FE_NONE, .leeyu = SP_LY_NONE, .vcov = SP_VCOV_HESSIAN};
        sp_pfe_result *r[2] = {NULL, NULL};
        int count[2];
        for (int k = 0; k < 2; k++) {
            count[k] = sp_pops_sparse_factorizations(&ops[k]);
            CHECK_INT(sp_pfe_fit(n, 1, y, 2, X, xn, W->w, &ops[k], &o, &r[k]), SP_OK);
            count[k] = sp_pops_sparse_factorizations(&ops[k]) - count[k];
        }
        if (r[0] && r[1]) {
            int same = r[0]->loglik == r[1]->loglik && r[0]->r2 == r[1]->r2 &&
                       r[0]->corr2 == r[1]->corr2;
            for (int j = 0; j < r[0]->p * r[0]->p; j++)
                same &= r[0]->cov[j] == r[1]->cov[j] && (j >= r[0]->p || r[0]->theta[j] == r[1]->theta[j]);
            /* the effects' terms, from powers computed beside a factorisation or not */
            double t[2][4], q0[2][SP_POPS_PROBES_MAX], q1[2][SP_POPS_PROBES_MAX];
            int nq[2] = {0, 0};
            for (int k = 0; k < 2; k++) {
                CHECK_INT(ops[k].terms(ops[k].ctx, r[k]->theta[r[k]->k], t[k]), SP_OK);
                CHECK_INT(ops[k].terms_probes(ops[k].ctx, r[k]->theta[r[k]->k], q0[k], q1[k], &nq[k]), SP_OK);
            }
            for (int j = 0; j < 4; j++)
                same &= t[0][j] == t[1][j];
            for (int j = 0; j < nq[0]; j++)
                same &= nq[0] == nq[1] && q0[0][j] == q0[1][j] && q1[0][j] == q1[1][j];
            CHECK(same);
        }
        CHECK_INT(count[1], count[0]);
        sp_pfe_result_free(r[0]);
        sp_pfe_result_free(r[1]);
    }
    free(y), free(X);
    sp_pops_sparse_free(&ops[0]);
    sp_pops_sparse_free(&ops[1]);
    sp_weights_free(W);
}

/* The probe block freed at the first factorisation of the polished path and
 * recomputed for later powers gives the same traces as kept. */
static void test_power_release(void)
{
    sp_pops kept, freed;
    sp_weights *W = grid_ops(60, SP_LNDET_CHEB_POLISH, &kept, &freed);
    if (!W)
        return;
    double a[4], b[4];
    CHECK(isfinite(freed.lndet(freed.ctx, 0.3)) && isfinite(freed.lndet_exact(freed.ctx, 0.3)));
    CHECK_INT(kept.terms(kept.ctx, 0.9, a), SP_OK);
    CHECK_INT(freed.terms(freed.ctx, 0.9, b), SP_OK);
    for (int k = 0; k < 4; k++)
        CHECK(a[k] == b[k]);
    sp_pops_sparse_free(&kept);
    sp_pops_sparse_free(&freed);
    sp_weights_free(W);
}

/* An information matrix that cannot be inverted falls back to the observed
 * information: here the trace terms are made NaN. */
static int nan_traces(void *ctx, double rho, double lam, double *tr)
{
    for (int k = 0; k < SP_TR_COUNT; k++)
        tr[k] = NAN;
    return SP_OK;
}

static void test_vcov_fallback(void)
{
    sp_weights *W = row_weights(FIX "provinces.gal");
    if (!W)
        return;
    sp_pops ops, broken;
    CHECK_INT(sp_pops_dense(W->w, &ops), SP_OK);
    broken = ops;
    broken.traces = nan_traces;
    int n = W->n, t = 5;
    double *y = malloc((size_t)n * t * sizeof *y), *X = malloc(2 * (size_t)n * t * sizeof *X);
    simulate(W->w, &ops, t, 5, y, X);
    const char *xn[] = {"x1", "x2"};
    sp_pfe_opts info = {.model = SP_PM_SDM, .fe = SP_FE_UNIT, .leeyu = SP_LY_NONE, .vcov = SP_VCOV_INFO};
    sp_pfe_opts hess = {.model = SP_PM_SDM, .fe = SP_FE_UNIT, .leeyu = SP_LY_NONE, .vcov = SP_VCOV_HESSIAN};
    sp_pfe_result *a = NULL, *b = NULL;
    CHECK_INT(sp_pfe_fit(n, t, y, 2, X, xn, W->w, &broken, &info, &a), SP_OK);
    CHECK_INT(sp_pfe_fit(n, t, y, 2, X, xn, W->w, &ops, &hess, &b), SP_OK);
    if (a && b) {
        CHECK(a->vcov == SP_VCOV_HESSIAN && a->vcov_fallback && !b->vcov_fallback);
        for (int j = 0; j < a->p * a->p; j++)
            CHECK_REL(a->cov[j], b->cov[j], 1e-12);
    }
    sp_pfe_result_free(a);
    sp_pfe_result_free(b);
    free(y), free(X);
    sp_pops_dense_free(&ops);
    sp_weights_free(W);
}

static void test_monte_carlo(void)
{
    /* deterministic (seeded) simulations; MC_REPS=150 gives a closer look at the cities */
    double m[5];
    monte_carlo(FIX "provinces.gal", 11, 200, m);
    fprintf(stderr, "  provinces 31 x 11, 200 reps: rho %.4f (ML %.4f), beta1 %.4f, theta1 %.4f, "
                    "sigma2 %.4f (true 0.35, 1, 0.4, 0.64)\n", m[0], m[1], m[2], m[3], m[4]);
    CHECK_ABS(m[0], 0.35, 0.03);
    CHECK(fabs(m[0] - 0.35) < fabs(m[1] - 0.35)); /* the Lee-Yu correction removes bias */
    CHECK_ABS(m[2], 1.0, 0.02);
    CHECK_ABS(m[3], 0.4, 0.06);
    CHECK_ABS(m[4], 0.64, 0.03);
    int reps = getenv("MC_REPS") ? atoi(getenv("MC_REPS")) : 20;
    monte_carlo(FIX "cities.gal", 15, reps, m);
    fprintf(stderr, "  cities 293 x 15, %d reps: rho %.4f (ML %.4f), beta1 %.4f, theta1 %.4f, "
                    "sigma2 %.4f\n", reps, m[0], m[1], m[2], m[3], m[4]);
    CHECK_ABS(m[0], 0.35, 0.03);
    CHECK_ABS(m[2], 1.0, 0.01);
    CHECK_ABS(m[3], 0.4, 0.06);
    CHECK_ABS(m[4], 0.64, 0.02);
}

int main(void)
{
    RUN(test_within_matches_r);
    RUN(test_within_none_and_means);
    RUN(test_leeyu_scalings);
    RUN(test_pdata_layout);
    RUN(test_pdata_where);
    RUN(test_pdata_errors);
    RUN(test_random_effects);
    RUN(test_fixed_effects);
    RUN(test_lm_tests);
    RUN(test_hausman);
    RUN(test_effects);
    RUN(test_chebyshev_polish);
    RUN(test_chebyshev_polish_large);
    RUN(test_chebyshev_polish_threads);
    RUN(test_power_release);
    RUN(test_vcov_fallback);
    RUN(test_monte_carlo);
    return th_report("t_panel");
}
