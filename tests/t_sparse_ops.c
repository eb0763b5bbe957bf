/* Unit tests for core/sp_pops_sparse: the sparse log-determinants, solves,
 * interval and trace terms against the dense (eigenvalue) implementation. */
#include <stdlib.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_peff.h"
#include "sp_pops_blocks.h"
#include "sp_pops_sparse.h"
#include "sp_wio.h"

static sp_weights *columbus(sp_std style)
{
    sp_weights *W = NULL;
    if (sp_wio_read(TH_FIXTURES "/autocorr/columbus_queen.gal", &W) == SP_OK)
        sp_weights_standardize(W, style);
    return W;
}

static void compare_with_dense(sp_weights *W, int force_lu, const char *what)
{
    sp_pops dense, sparse;
    sp_pops_sparse_opts o;
    sp_pops_sparse_opts_default(&o);
    o.force_lu = force_lu;
    o.probes = 4000;
    CHECK_INT(sp_pops_dense(W->w, &dense), SP_OK);
    CHECK_INT(sp_pops_sparse_new(W->w, &o, &sparse), SP_OK);
    printf("  %s: %s, interval (%.6f, %.6f)\n", what, sp_pops_sparse_method(&sparse), sparse.lo, sparse.hi);
    CHECK_REL(sparse.hi, dense.hi, 1e-8);
    if (!force_lu)
        CHECK_REL(sparse.lo, dense.lo, 1e-7);
    double rhos[] = {-0.6, -0.1, 0.3, 0.7, 0.95};
    for (int k = 0; k < 5; k++)
        CHECK_REL(sparse.lndet(sparse.ctx, rhos[k]), dense.lndet(dense.ctx, rhos[k]), 1e-10);
    /* -tr(G^2): differenced exact log-determinants against the eigenvalue sum */
    for (int k = 0; k < 5; k++)
        CHECK_REL(sparse.lndet_d2(sparse.ctx, rhos[k]), dense.lndet_d2(dense.ctx, rhos[k]), 1e-7);
    double tr[SP_TR_COUNT];
    CHECK_INT(dense.traces(dense.ctx, 0.4, 0.0, tr), SP_OK);
    CHECK_REL(dense.lndet_d2(dense.ctx, 0.4), -tr[SP_TR_KK], 1e-10);
    int n = W->n;
    double *b = malloc(sizeof(double) * n), *x1 = malloc(sizeof(double) * n),
           *x2 = malloc(sizeof(double) * n);
    for (int i = 0; i < n; i++)
        b[i] = sin(i + 1.0);
    CHECK_INT(sparse.solve(sparse.ctx, 0.6, b, x1), SP_OK);
    CHECK_INT(dense.solve(dense.ctx, 0.6, b, x2), SP_OK);
    double worst = 0;
    for (int i = 0; i < n; i++)
        worst = fmax(worst, fabs(x1[i] - x2[i]));
    CHECK(worst < 1e-12);
    double td[4], ts[4];
    CHECK_INT(dense.terms(dense.ctx, 0.5, td), SP_OK);
    CHECK_INT(sparse.terms(sparse.ctx, 0.5, ts), SP_OK);
    for (int k = 0; k < 4; k++) /* power traces from 16 probes: a few per cent at n = 49 */
        CHECK_REL(ts[k], td[k], 0.03);
    double trd[SP_TR_COUNT], trs[SP_TR_COUNT];
    CHECK_INT(dense.traces(dense.ctx, 0.5, 0.3, trd), SP_OK);
    CHECK_INT(sparse.traces(sparse.ctx, 0.5, 0.3, trs), SP_OK);
    for (int k = SP_TR_KK; k < SP_TR_COUNT; k++) /* the squared terms are well conditioned */
        CHECK_REL(trs[k], trd[k], 0.05);
    free(b); free(x1); free(x2);
    sp_pops_dense_free(&dense);
    sp_pops_sparse_free(&sparse);
}

/* The effects' terms 1'A^-1 1/n and 1'A^-1 W 1/n in closed form on a
 * row-standardised W with islands (sp_csr_stochastic_islands) equal the
 * solves they replace, on the dense and the sparse path. */
static void test_island_terms_closed_form(void)
{
    sp_weights *W = NULL;
    CHECK_INT(sp_wio_read(TH_FIXTURES "/autocorr/columbus_island.gal", &W), SP_OK);
    CHECK_INT(sp_weights_standardize(W, SP_STD_ROW), SP_OK);
    int empty = -1;
    CHECK(sp_csr_stochastic_islands(W->w, &empty));
    CHECK(empty > 0);
    int n = W->n;
    double *one = malloc(sizeof(double) * n), *w1 = malloc(sizeof(double) * n),
           *x = malloc(sizeof(double) * n);
    for (int i = 0; i < n; i++)
        one[i] = 1.0;
    sp_csr_row_sums(W->w, w1);
    sp_pops dense, sparse;
    CHECK_INT(sp_pops_dense(W->w, &dense), SP_OK);
    CHECK_INT(sp_pops_sparse_new(W->w, NULL, &sparse), SP_OK);
    sp_pops *both[] = {&dense, &sparse};
    for (int k = 0; k < 2; k++) {
        double t[4], s0 = 0.0, s1 = 0.0;
        CHECK_INT(both[k]->terms(both[k]->ctx, 0.45, t), SP_OK);
        CHECK_INT(both[k]->solve(both[k]->ctx, 0.45, one, x), SP_OK);
        for (int i = 0; i < n; i++)
            s0 += x[i] / n;
        CHECK_INT(both[k]->solve(both[k]->ctx, 0.45, w1, x), SP_OK);
        for (int i = 0; i < n; i++)
            s1 += x[i] / n;
        CHECK_REL(t[2], s0, 1e-13);
        CHECK_REL(t[3], s1, 1e-13);
    }
    /* a link to an empty row: no closed form */
    sp_weights *V = NULL;
    CHECK_INT(sp_weights_copy(W, &V), SP_OK);
    int island = -1;
    for (int i = 0; i < n && island < 0; i++)
        if (sp_weights_cardinality(V, i) == 0)
            island = i;
    V->w->j[0] = island;
    CHECK(!sp_csr_stochastic_islands(V->w, &empty));
    sp_weights_free(V);
    free(one); free(w1); free(x);
    sp_pops_dense_free(&dense);
    sp_pops_sparse_free(&sparse);
    sp_weights_free(W);
}

static void test_row_standardised_cholmod(void)
{
    sp_weights *W = columbus(SP_STD_ROW);
    CHECK(W != NULL);
    if (W)
        compare_with_dense(W, 0, "row-standardised");
    sp_weights_free(W);
}

static void test_umfpack_path(void)
{
    sp_weights *W = columbus(SP_STD_ROW);
    if (W)
        compare_with_dense(W, 1, "forced LU");
    sp_weights_free(W);
}

static void test_outside_interval_is_an_error(void)
{
    sp_weights *W = columbus(SP_STD_ROW);
    sp_pops ops;
    CHECK_INT(sp_pops_sparse_new(W->w, NULL, &ops), SP_OK);
    double v = ops.lndet(ops.ctx, 1.5);
    CHECK(isnan(v));
    CHECK(strstr(sp_error_msg(), "admissible") != NULL);
    if (!strstr(sp_error_msg(), "admissible"))
        printf("  lndet(1.5) = %g, message '%s'\n", v, sp_error_msg());
    sp_pops_sparse_free(&ops);
    sp_weights_free(W);
}

/* The Chebyshev and Monte Carlo approximations against the exact value on the
 * cities graph (367 units). */
static void test_approximations(void)
{
    sp_weights *W = NULL;
    CHECK_INT(sp_wio_read(TH_FIXTURES "/weights/china_cities_queen.gal", &W), SP_OK);
    if (!W)
        return;
    sp_weights_standardize(W, SP_STD_ROW);
    sp_pops exact, mc, cheb;
    sp_pops_sparse_opts o;
    sp_pops_sparse_opts_default(&o);
    CHECK_INT(sp_pops_sparse_new(W->w, &o, &exact), SP_OK);
    o.approx = SP_LNDET_MC;
    CHECK_INT(sp_pops_sparse_new(W->w, &o, &mc), SP_OK);
    o.approx = SP_LNDET_CHEB;
    CHECK_INT(sp_pops_sparse_new(W->w, &o, &cheb), SP_OK);
    double rhos[] = {-0.5, 0.2, 0.5, 0.8};
    for (int k = 0; k < 4; k++) {
        double e = exact.lndet(exact.ctx, rhos[k]);
        printf("  rho %.1f: exact %.6f, mc %.6f (bound %.2g), cheb %.6f\n", rhos[k], e,
               mc.lndet(mc.ctx, rhos[k]), sp_pops_sparse_lndet_bound(&mc, rhos[k]),
               cheb.lndet(cheb.ctx, rhos[k]));
        CHECK_REL(mc.lndet(mc.ctx, rhos[k]), e, 0.03); /* 16 probes: sampling error */
        CHECK_REL(cheb.lndet(cheb.ctx, rhos[k]), e, 0.02);
        double d2 = exact.lndet_d2(exact.ctx, rhos[k]);
        CHECK_REL(mc.lndet_d2(mc.ctx, rhos[k]), d2, 0.05);
        CHECK_REL(cheb.lndet_d2(cheb.ctx, rhos[k]), d2, 0.05);
    }
    CHECK(sp_pops_sparse_lndet_bound(&mc, 0.5) < 1e-20);
    sp_pops_sparse_free(&exact);
    sp_pops_sparse_free(&mc);
    sp_pops_sparse_free(&cheb);
    sp_weights_free(W);
}

/* The effects terms grow their power series on demand: a term at rho must not
 * depend on how far earlier calls took the series. */
static void test_series_grows_consistently(void)
{
    sp_weights *W = columbus(SP_STD_ROW);
    sp_pops a, b;
    CHECK_INT(sp_pops_sparse_new(W->w, NULL, &a), SP_OK);
    CHECK_INT(sp_pops_sparse_new(W->w, NULL, &b), SP_OK);
    double ta[4], tb[4], high[4];
    CHECK_INT(a.terms(a.ctx, 0.3, ta), SP_OK);
    CHECK_INT(b.terms(b.ctx, 0.95, high), SP_OK); /* b's series now runs much further */
    CHECK_INT(b.terms(b.ctx, 0.3, tb), SP_OK);
    for (int k = 0; k < 4; k++)
        CHECK(ta[k] == tb[k]);
    sp_pops c;
    sp_pops_sparse_opts o;
    sp_pops_sparse_opts_default(&o);
    o.threads = 3; /* the power traces' row chunks shared by three threads: same sums */
    double tc[4];
    CHECK_INT(sp_pops_sparse_new(W->w, &o, &c), SP_OK);
    CHECK_INT(c.terms(c.ctx, 0.3, tc), SP_OK);
    for (int k = 0; k < 4; k++)
        CHECK(tc[k] == ta[k]);
    sp_pops_sparse_free(&c);
    /* a row-stochastic W: 1'A^-1 1/n = 1/(1 - rho) exactly; tr terms to the series' tail */
    CHECK_REL(high[2], 1.0 / (1.0 - 0.95), 1e-12);
    sp_pops dense;
    double td[4];
    CHECK_INT(sp_pops_dense(W->w, &dense), SP_OK);
    CHECK_INT(dense.terms(dense.ctx, 0.95, td), SP_OK);
    CHECK_REL(high[0], td[0], 0.05);
    sp_pops_dense_free(&dense);
    sp_pops_sparse_free(&a);
    sp_pops_sparse_free(&b);
    sp_weights_free(W);
}

/* The exact trace terms by sparse solves (sp_pops_traces_by_solves) equal the
 * dense inverses', with and without lambda, row-standardised (CHOLMOD) and
 * not similar to a symmetric matrix (UMFPACK). */
static void test_traces_by_solves(void)
{
    for (int lu = 0; lu < 2; lu++) {
        sp_weights *W = columbus(SP_STD_ROW);
        sp_pops dense, sparse;
        sp_pops_sparse_opts o;
        sp_pops_sparse_opts_default(&o);
        o.force_lu = lu;
        CHECK_INT(sp_pops_dense(W->w, &dense), SP_OK);
        CHECK_INT(sp_pops_sparse_new(W->w, &o, &sparse), SP_OK);
        double lams[] = {0.0, 0.3, -0.4};
        for (int k = 0; k < 3; k++) {
            double trd[SP_TR_COUNT], trs[SP_TR_COUNT];
            CHECK_INT(dense.traces(dense.ctx, 0.5, lams[k], trd), SP_OK);
            CHECK_INT(sp_pops_traces_by_solves(W->w, &sparse, 0.5, lams[k], trs), SP_OK);
            for (int t = 0; t < SP_TR_COUNT; t++)
                CHECK_REL(trs[t], trd[t], 1e-10);
        }
        sp_pops_dense_free(&dense);
        sp_pops_sparse_free(&sparse);
        sp_weights_free(W);
    }
}

/* The symmetrizer finds d with diag(d) W symmetric, and refuses a pattern
 * with an entry whose mirror is missing, wherever it sits (the last row's
 * extra entry is one no later row asks for). */
static void test_symmetrizer_patterns(void)
{
    int ti[3][4] = {{0, 1, 1, 2}, {0, 1, 2, 0}, {0, 1, 0, 0}};
    int tj[3][4] = {{1, 0, 2, 1}, {1, 0, 0, 0}, {1, 0, 2, 0}};
    double tx[4] = {1.0, 0.5, 0.5, 1.0}, d[3];
    int m[3] = {4, 3, 3}, want[3] = {1, 0, 0};
    for (int c = 0; c < 3; c++) {
        sp_csr *w = NULL;
        CHECK_INT(sp_csr_from_triplets(3, 3, m[c], ti[c], tj[c], tx, &w), SP_OK);
        if (w)
            CHECK_INT(sp_pops_sparse_symmetrizer(w, d), want[c]);
        if (w && want[c]) /* d_i w_ij = d_j w_ji */
            CHECK(fabs(d[0] * 1.0 - d[1] * 0.5) < 1e-15 && fabs(d[1] * 0.5 - d[2] * 1.0) < 1e-15);
        sp_csr_free(w);
    }
}

/* CHOLMOD's analysis on a thread of its own (opts.factor_ahead, 2 threads),
 * next to the power traces of the polished path or the exact path's Lanczos
 * search, gives the same bits as at the first factorisation (1 thread). */
static void test_analysis_ahead(void)
{
    sp_weights *W = columbus(SP_STD_ROW);
    int approx[2] = {SP_LNDET_CHEB_POLISH, SP_LNDET_EXACT};
    for (int a = 0; a < 2 && W; a++) {
        sp_pops ops[2];
        for (int k = 0; k < 2; k++) {
            sp_pops_sparse_opts o;
            sp_pops_sparse_opts_default(&o);
            o.approx = approx[a], o.factor_ahead = k, o.threads = 1 + k, o.effects_ahead = 1;
            CHECK_INT(sp_pops_sparse_new(W->w, &o, &ops[k]), SP_OK);
        }
        CHECK(ops[0].lo == ops[1].lo && ops[0].hi == ops[1].hi);
        CHECK(ops[0].lndet(ops[0].ctx, 0.3) == ops[1].lndet(ops[1].ctx, 0.3));
        if (ops[0].lndet_exact)
            CHECK(ops[0].lndet_exact(ops[0].ctx, 0.31) == ops[1].lndet_exact(ops[1].ctx, 0.31));
        CHECK(ops[0].lndet_d2(ops[0].ctx, 0.31) == ops[1].lndet_d2(ops[1].ctx, 0.31));
        int n = W->n, same = 1;
        double b[49], x[2][49], t[2][4];
        for (int i = 0; i < n && i < 49; i++)
            b[i] = sin(i + 1.0);
        for (int k = 0; k < 2; k++) {
            CHECK_INT(ops[k].solve(ops[k].ctx, 0.31, b, x[k]), SP_OK);
            CHECK_INT(ops[k].terms(ops[k].ctx, 0.31, t[k]), SP_OK);
        }
        for (int i = 0; i < n && i < 49; i++)
            same &= x[0][i] == x[1][i];
        for (int k = 0; k < 4; k++)
            same &= t[0][k] == t[1][k];
        CHECK(same);
        CHECK_INT(sp_pops_sparse_factorizations(&ops[0]), sp_pops_sparse_factorizations(&ops[1]));
        sp_pops_sparse_free(&ops[0]);
        sp_pops_sparse_free(&ops[1]);
    }
    /* freed while the analysis may still run: it is waited for */
    sp_pops early;
    sp_pops_sparse_opts o;
    sp_pops_sparse_opts_default(&o);
    o.factor_ahead = 1, o.threads = 2;
    if (W)
        CHECK_INT(sp_pops_sparse_new(W->w, &o, &early), SP_OK);
    if (W)
        sp_pops_sparse_free(&early);
    sp_weights_free(W);
}

/* ops->lndet_exact_pair on two threads (side by side) against two
 * lndet_exact calls on one: the same values, factorisations and cached
 * slots (the solves at both points, refined from the cache, the same bits),
 * with one cached slot and two; a point outside the interval is exit 3
 * naming it, the first one when both are. */
static void test_lndet_exact_pair(void)
{
    sp_weights *W = columbus(SP_STD_ROW);
    for (int slots = 1; slots <= 2 && W; slots++) {
        sp_pops ops[2];
        for (int k = 0; k < 2; k++) {
            sp_pops_sparse_opts o;
            sp_pops_sparse_opts_default(&o);
            o.approx = SP_LNDET_CHEB_POLISH, o.threads = 2 - k, o.slots = slots;
            CHECK_INT(sp_pops_sparse_new(W->w, &o, &ops[k]), SP_OK);
        }
        double x[2] = {0.29, 0.31}, v[2], b[49], s[2][2][49];
        CHECK_INT(ops[0].lndet_exact_pair(ops[0].ctx, x, v), SP_OK);
        CHECK(v[0] == ops[1].lndet_exact(ops[1].ctx, x[0]));
        CHECK(v[1] == ops[1].lndet_exact(ops[1].ctx, x[1]));
        CHECK_INT(sp_pops_sparse_factorizations(&ops[0]), 2);
        CHECK_INT(sp_pops_sparse_factorizations(&ops[1]), 2);
        for (int i = 0; i < W->n && i < 49; i++)
            b[i] = cos(i + 1.0);
        int same = 1;
        for (int p = 0; p < 2; p++) {
            for (int k = 0; k < 2; k++)
                CHECK_INT(ops[k].solve(ops[k].ctx, x[p] + 1e-6, b, s[k][p]), SP_OK);
            for (int i = 0; i < W->n && i < 49; i++)
                same &= s[0][p][i] == s[1][p][i];
        }
        CHECK(same);
        CHECK_INT(sp_pops_sparse_factorizations(&ops[0]), sp_pops_sparse_factorizations(&ops[1]));
        double bad[3][2] = {{0.2, 1.5}, {1.5, 0.2}, {1.25, 1.5}}, want[3] = {1.5, 1.5, 1.25};
        for (int c = 0; c < 3; c++) {
            CHECK_INT(ops[0].lndet_exact_pair(ops[0].ctx, bad[c], v), SP_ENUMERIC);
            char expect[64];
            snprintf(expect, sizeof expect, "I - %g W is not positive definite", want[c]);
            CHECK(strstr(sp_error_msg(), expect) != NULL);
        }
        sp_pops_sparse_free(&ops[0]);
        sp_pops_sparse_free(&ops[1]);
    }
    sp_weights_free(W);
}

/* The effects' trace error (se_trace): the probes' own effects terms average
 * to the terms; the direct and indirect effects carry their spread over
 * sqrt(16), the total none, and the sparse direct effect lies within a few
 * of those of the exact (dense) one; exact terms carry none. */
static void test_effects_trace_error(void)
{
    sp_weights *W = columbus(SP_STD_ROW);
    sp_pops dense, sparse;
    if (!W || sp_pops_dense(W->w, &dense) != SP_OK)
        return;
    CHECK_INT(sp_pops_sparse_new(W->w, NULL, &sparse), SP_OK);
    double t[4], q0[SP_POPS_PROBES_MAX], q1[SP_POPS_PROBES_MAX], m0 = 0.0, m1 = 0.0;
    int count = 0;
    CHECK(dense.terms_probes == NULL);
    CHECK_INT(sparse.terms(sparse.ctx, 0.5, t), SP_OK);
    CHECK_INT(sparse.terms_probes(sparse.ctx, 0.5, q0, q1, &count), SP_OK);
    CHECK_INT(count, SP_POPS_SPARSE_POWER_PROBES);
    for (int j = 0; j < count; j++)
        m0 += q0[j] / count, m1 += q1[j] / count;
    CHECK_REL(m0, t[0], 1e-12);
    CHECK_REL(m1, t[1], 1e-12);
    CHECK_INT(sparse.terms_probes(sparse.ctx, 0.0, q0, q1, &count), SP_OK);
    CHECK_INT(count, 0); /* rho = 0: exact */
    double theta[3] = {1.0, 0.5, 0.5}, cov[9] = {1e-4, 0, 0, 0, 1e-4, 0, 0, 0, 1e-4};
    int ib[1] = {0}, it[1] = {1};
    const char *names[1] = {"x"};
    sp_peff_spec spec = {.nvar = 1, .ib = ib, .it = it, .names = names, .irho = 2, .p = 3,
                         .itau = -1, .ieta = -1, .theta = theta, .cov = cov, .seed = 1};
    sp_peff *es = NULL, *ed = NULL;
    CHECK_INT(sp_peff_compute(&sparse, &spec, &es), SP_OK);
    CHECK_INT(sp_peff_compute(&dense, &spec, &ed), SP_OK);
    if (es && ed) {
        const sp_peff_row *s = &es->rows[0], *d = &ed->rows[0];
        printf("  direct %.6f (exact %.6f), trace error %.2g\n", s->direct.est, d->direct.est,
               s->direct.se_trace);
        CHECK(s->direct.se_trace > 0.0 && s->indirect.se_trace == s->direct.se_trace);
        CHECK(s->total.se_trace == 0.0);
        CHECK(fabs(s->direct.est - d->direct.est) < 4.0 * s->direct.se_trace);
        CHECK(d->direct.se_trace == 0.0 && d->indirect.se_trace == 0.0);
    }
    sp_peff_free(es);
    sp_peff_free(ed);
    sp_pops_dense_free(&dense);
    sp_pops_sparse_free(&sparse);
    sp_weights_free(W);
}

/* W_bd = diag(W, W, W'): the blocks' operations (two equal blocks sharing one)
 * equal three times / the sum of the dense ones, on 1 and 3 threads. */
static void test_blocks_equal_and_threads(void)
{
    sp_weights *W = columbus(SP_STD_ROW), *B = columbus(SP_STD_BINARY);
    sp_csr *blocks[3] = {W->w, W->w, B->w}, *bd = NULL;
    int n = W->n, start[4] = {0, n, 2 * n, 3 * n}, nnz = 0;
    for (int b = 0; b < 3; b++)
        nnz += sp_csr_nnz(blocks[b]);
    CHECK_INT(sp_csr_alloc(3 * n, 3 * n, nnz, &bd), SP_OK);
    for (int b = 0, q = 0; b < 3; b++)
        for (int i = 0; i < n; i++) {
            bd->p[b * n + i] = q;
            for (int r = blocks[b]->p[i]; r < blocks[b]->p[i + 1]; r++, q++)
                bd->j[q] = blocks[b]->j[r] + b * n, bd->x[q] = blocks[b]->x[r];
            bd->p[b * n + i + 1] = q;
        }
    sp_pops dw, db, ops[2];
    CHECK_INT(sp_pops_dense(W->w, &dw), SP_OK);
    CHECK_INT(sp_pops_dense(B->w, &db), SP_OK);
    CHECK_INT(sp_pops_blocks_new(bd, 3, start, 1, &ops[0]), SP_OK);
    CHECK_INT(sp_pops_blocks_new(bd, 3, start, 3, &ops[1]), SP_OK);
    double rho = 0.12, lam = 0.05;
    double tw[SP_TR_COUNT], tb[SP_TR_COUNT], t1[SP_TR_COUNT], t3[SP_TR_COUNT];
    CHECK_INT(dw.traces(dw.ctx, rho, lam, tw), SP_OK);
    CHECK_INT(db.traces(db.ctx, rho, lam, tb), SP_OK);
    CHECK_INT(ops[0].traces(ops[0].ctx, rho, lam, t1), SP_OK);
    CHECK_INT(ops[1].traces(ops[1].ctx, rho, lam, t3), SP_OK);
    for (int t = 0; t < SP_TR_COUNT; t++) {
        CHECK_REL(t1[t], 2 * tw[t] + tb[t], 1e-10);
        CHECK(t1[t] == t3[t]); /* threads change nothing */
    }
    CHECK_REL(ops[0].lndet(ops[0].ctx, rho), 2 * dw.lndet(dw.ctx, rho) + db.lndet(db.ctx, rho),
              1e-12);
    double te[4], tdw[4], tdb[4];
    CHECK_INT(ops[0].terms(ops[0].ctx, rho, te), SP_OK);
    CHECK_INT(dw.terms(dw.ctx, rho, tdw), SP_OK);
    CHECK_INT(db.terms(db.ctx, rho, tdb), SP_OK);
    for (int k = 0; k < 4; k++)
        CHECK_REL(te[k], (2 * tdw[k] + tdb[k]) / 3, 1e-12);
    double *x = malloc(sizeof(double) * 3 * n), *y = malloc(sizeof(double) * 3 * n);
    double *z = malloc(sizeof(double) * n);
    for (int i = 0; i < 3 * n; i++)
        x[i] = cos(i + 1.0);
    CHECK_INT(ops[1].solve(ops[1].ctx, rho, x, y), SP_OK);
    double worst = 0;
    for (int b = 0; b < 3; b++) {
        sp_pops *d = b < 2 ? &dw : &db;
        CHECK_INT(d->solve(d->ctx, rho, x + b * n, z), SP_OK);
        for (int i = 0; i < n; i++)
            worst = fmax(worst, fabs(z[i] - y[b * n + i]));
    }
    CHECK(worst < 1e-12);
    free(x), free(y), free(z);
    sp_pops_blocks_free(&ops[0]);
    sp_pops_blocks_free(&ops[1]);
    sp_pops_dense_free(&dw);
    sp_pops_dense_free(&db);
    sp_csr_free(bd);
    sp_weights_free(W);
    sp_weights_free(B);
}

int main(void)
{
    RUN(test_traces_by_solves);
    RUN(test_blocks_equal_and_threads);
    RUN(test_analysis_ahead);
    RUN(test_lndet_exact_pair);
    RUN(test_symmetrizer_patterns);
    RUN(test_effects_trace_error);
    RUN(test_series_grows_consistently);
    RUN(test_approximations);
    RUN(test_row_standardised_cholmod);
    RUN(test_island_terms_closed_form);
    RUN(test_umfpack_path);
    RUN(test_outside_interval_is_an_error);
    return th_report("t_sparse_ops");
}
