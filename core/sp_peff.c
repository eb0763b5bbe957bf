/* sp_peff: direct, indirect and total effects of spatial lag models, simulated or by the delta
 * method; see sp_peff.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "sp_error.h"
#include "sp_ptest.h"
#include "sp_peff.h"
#include "sp_rng.h"

void sp_peff_free(sp_peff *e)
{
    if (!e)
        return;
    free(e->rows);
    free(e);
}

int sp_peff_spec_fe(const sp_pfe_result *r, int *ib, int *it, const char **names,
                    sp_peff_spec *s)
{
    if (r->model == SP_PM_OLS || r->model == SP_PM_SEM)
        return sp_error_set(SP_EUSAGE, "a %s model has no spillovers: its coefficients are the "
                                       "direct effects (use sdm, sar, sdem, slx or sac)",
                            sp_pmodel_name(r->model));
    int pooled = r->fe == SP_FE_NONE, durbin = sp_pmodel_durbin(r->model);
    int k0 = durbin ? (r->k - pooled) / 2 : r->k - pooled;
    for (int j = 0; j < k0; j++) {
        ib[j] = pooled + j;
        it[j] = durbin ? pooled + k0 + j : -1;
        names[j] = r->names[pooled + j];
    }
    memset(s, 0, sizeof *s);
    s->nvar = k0;
    s->ib = ib, s->it = it, s->names = names;
    s->irho = r->has_rho ? sp_pfe_irho(r) : -1;
    s->p = r->p;
    s->theta = r->theta, s->cov = r->cov;
    return SP_OK;
}

/* The four terms at rho (rho = 0 gives A = I). */
static int terms(const sp_pops *ops, double rho, double t[4])
{
    return ops->terms(ops->ctx, rho, t);
}

/* direct, indirect, total for (beta, theta) at the terms t. */
static void effects3(const double t[4], double b, double th, double out[3])
{
    out[0] = b * t[0] + th * t[1];
    out[2] = b * t[2] + th * t[3];
    out[1] = out[2] - out[0];
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* se (draws' standard deviation, or the delta method), z, p, mean and quantiles;
 * v (n draws) is sorted in place. */
static void finish_stat(sp_peff_stat *st, double *v, int n, int have_draws)
{
    st->mean = st->lo = st->hi = NAN;
    if (have_draws && n > 1) {
        double m = 0.0, ss = 0.0;
        for (int d = 0; d < n; d++)
            m += v[d];
        m /= n;
        for (int d = 0; d < n; d++)
            ss += (v[d] - m) * (v[d] - m);
        st->mean = m;
        st->se = sqrt(ss / (n - 1));
        /* quantiles, R's type 7 */
        qsort(v, (size_t)n, sizeof *v, dbl_cmp);
        double q[2] = {0.025, 0.975}, *dst[2] = {&st->lo, &st->hi};
        for (int k = 0; k < 2; k++) {
            double h = (n - 1) * q[k];
            int lo = (int)floor(h);
            *dst[k] = v[lo] + (lo + 1 < n ? (h - lo) * (v[lo + 1] - v[lo]) : 0.0);
        }
    } else {
        st->se = st->se_delta;
    }
    st->z = st->est / st->se;
    st->p = sp_ptest_pnorm2(st->z);
}

/* The multiplier's spatial parameter and scale at the parameters par
 * (theta's layout): rho and 1, or for long-run effects rho* = (rho + eta) /
 * (1 - tau) and 1 / (1 - tau) (sp_peff.h). */
static void multiplier(const sp_peff_spec *s, const double *par, double *rho, double *scale)
{
    *rho = s->irho >= 0 ? par[s->irho] : 0.0;
    *scale = 1.0;
    if (s->longrun) {
        double tau = s->itau >= 0 ? par[s->itau] : 0.0, eta = s->ieta >= 0 ? par[s->ieta] : 0.0;
        *scale = 1.0 / (1.0 - tau);
        *rho = (*rho + eta) * *scale;
    }
}

/* direct, indirect, total of regressor r at the parameters par. */
static int effects_at(const sp_pops *ops, const sp_peff_spec *s, int r, const double *par,
                      double out[3])
{
    double rho, scale, t[4];
    multiplier(s, par, &rho, &scale);
    int rc = terms(ops, rho, t);
    if (!rc)
        effects3(t, scale * par[s->ib[r]], s->it[r] >= 0 ? scale * par[s->it[r]] : 0.0, out);
    return rc;
}

/* The error of the estimates of regressor r (b = beta, th = theta, scaled)
 * from stochastic traces: direct = b t0 + th t1 estimated by the mean of the
 * probes' b t0_j + th t1_j, so its standard error is their standard
 * deviation over sqrt(probes); indirect = total - direct carries the same
 * (total is exact: solves or closed forms); 0 with exact terms. */
static int trace_se(const sp_pops *ops, double rho, double b, double th, double se[3])
{
    double q0[SP_POPS_PROBES_MAX], q1[SP_POPS_PROBES_MAX];
    int m = 0, rc = ops->terms_probes ? ops->terms_probes(ops->ctx, rho, q0, q1, &m) : SP_OK;
    double mean = 0.0, ss = 0.0;
    for (int j = 0; j < m; j++)
        mean += b * q0[j] + th * q1[j];
    mean = m ? mean / m : 0.0;
    for (int j = 0; j < m; j++)
        ss += (b * q0[j] + th * q1[j] - mean) * (b * q0[j] + th * q1[j] - mean);
    se[0] = se[1] = m > 1 ? sqrt(ss / (m - 1) / m) : 0.0;
    se[2] = 0.0;
    return rc;
}

/* Delta-method standard errors: the gradient in (beta, theta), analytic, and
 * in (rho, tau, eta), by central differences of the exact terms. */
static int delta(const sp_pops *ops, const sp_peff_spec *s, int r, const double t[4],
                 double se[3])
{
    double rho, scale;
    multiplier(s, s->theta, &rho, &scale);
    int idx[5] = {s->ib[r], s->it[r], s->irho, s->longrun ? s->itau : -1,
                  s->longrun ? s->ieta : -1};
    double g[5][3] = {{scale * t[0], scale * (t[2] - t[0]), scale * t[2]},
                      {scale * t[1], scale * (t[3] - t[1]), scale * t[3]}};
    double *par = sp_malloc((size_t)s->p * sizeof *par);
    int rc = par ? SP_OK : SP_ENOMEM;
    for (int a = 2; !rc && a < 5; a++) {
        if (idx[a] < 0)
            continue;
        double h = 1e-6, ep[3], em[3];
        memcpy(par, s->theta, (size_t)s->p * sizeof *par);
        par[idx[a]] += h;
        rc = effects_at(ops, s, r, par, ep);
        par[idx[a]] -= 2.0 * h;
        if (!rc)
            rc = effects_at(ops, s, r, par, em);
        for (int k = 0; !rc && k < 3; k++)
            g[a][k] = (ep[k] - em[k]) / (2.0 * h);
    }
    for (int k = 0; !rc && k < 3; k++) {
        double v = 0.0;
        for (int a = 0; a < 5; a++)
            for (int c = 0; c < 5; c++)
                if (idx[a] >= 0 && idx[c] >= 0)
                    v += g[a][k] * s->cov[idx[a] * s->p + idx[c]] * g[c][k];
        se[k] = sqrt(v);
    }
    free(par);
    return rc;
}

/* Parameters the effects depend on, in theta's order; their Cholesky factor. */
typedef struct sim {
    int q;
    int *idx;    /* q indices into theta */
    double *L;   /* q x q lower triangle */
    double *par; /* q: one draw, in theta's positions via idx */
} sim;

static int sim_setup(const sp_peff_spec *s, sim *m)
{
    memset(m, 0, sizeof *m);
    int *mark = sp_calloc((size_t)s->p, sizeof *mark);
    if (!mark)
        return SP_ENOMEM;
    for (int r = 0; r < s->nvar; r++) {
        mark[s->ib[r]] = 1;
        if (s->it[r] >= 0)
            mark[s->it[r]] = 1;
    }
    if (s->irho >= 0)
        mark[s->irho] = 1;
    if (s->longrun && s->itau >= 0)
        mark[s->itau] = 1;
    if (s->longrun && s->ieta >= 0)
        mark[s->ieta] = 1;
    for (int i = 0; i < s->p; i++)
        m->q += mark[i];
    int q = m->q, rc = SP_OK;
    m->idx = sp_malloc((size_t)q * sizeof *m->idx);
    m->L = sp_malloc((size_t)q * q * sizeof *m->L);
    m->par = sp_malloc((size_t)s->p * sizeof *m->par);
    if (!m->idx || !m->L || !m->par)
        rc = SP_ENOMEM;
    for (int i = 0, a = 0; !rc && i < s->p; i++)
        if (mark[i])
            m->idx[a++] = i;
    for (int a = 0; !rc && a < q; a++)
        for (int b = 0; b < q; b++)
            m->L[a * q + b] = s->cov[m->idx[a] * s->p + m->idx[b]];
    if (!rc) {
        gsl_matrix_view V = gsl_matrix_view_array(m->L, (size_t)q, (size_t)q);
        if (gsl_linalg_cholesky_decomp1(&V.matrix))
            rc = sp_error_set(SP_ENUMERIC, "effects: the covariance of the estimates is not "
                                           "positive definite");
    }
    free(mark);
    return rc;
}

static void sim_free(sim *m)
{
    free(m->idx), free(m->L), free(m->par);
}

/* One admissible draw into m->par (theta's layout); counts rejected draws. */
static int sim_draw(const sp_pops *ops, const sp_peff_spec *s, sim *m, uint32_t d, int *rejected)
{
    sp_rng rng;
    sp_rng_init(&rng, s->seed, d, 0);
    double z[64], *zz = m->q <= 64 ? z : sp_malloc((size_t)m->q * sizeof *zz);
    if (!zz)
        return SP_ENOMEM;
    for (int attempt = 0; attempt < 1000; attempt++) {
        memcpy(m->par, s->theta, (size_t)s->p * sizeof *m->par);
        for (int a = 0; a < m->q; a++)
            zz[a] = sp_rng_normal(&rng);
        for (int a = 0; a < m->q; a++) {
            double v = 0.0;
            for (int b = 0; b <= a; b++)
                v += m->L[a * m->q + b] * zz[b];
            m->par[m->idx[a]] += v;
        }
        double rho = s->irho >= 0 ? m->par[s->irho] : 0.0, rs, scale;
        multiplier(s, m->par, &rs, &scale);
        if (rho > ops->lo && rho < ops->hi && scale > 0.0 && rs > ops->lo && rs < ops->hi) {
            if (zz != z)
                free(zz);
            return SP_OK;
        }
        (*rejected)++;
    }
    if (zz != z)
        free(zz);
    return sp_error_set(SP_ENUMERIC, "effects: rho draws keep leaving (%g, %g)%s", ops->lo, ops->hi,
                        s->longrun ? " (or the long-run multiplier is not stationary)" : "");
}

int sp_peff_compute(const sp_pops *ops, const sp_peff_spec *s, sp_peff **out)
{
    *out = NULL;
    int nv = s->nvar, nd = s->draws > 1 ? s->draws : 0;
    sp_peff *e = sp_calloc(1, sizeof *e);
    double *vals = sp_malloc((size_t)nd * nv * 3 * sizeof *vals + 1);
    sim m = {0};
    int rc = e && vals ? SP_OK : SP_ENOMEM;
    if (!rc) {
        e->nvar = nv;
        e->draws = nd;
        rc = (e->rows = sp_calloc((size_t)nv + 1, sizeof *e->rows)) ? SP_OK : SP_ENOMEM;
    }
    double rho, scale, t[4];
    multiplier(s, s->theta, &rho, &scale);
    if (!rc)
        rc = terms(ops, rho, t);
    for (int r = 0; !rc && r < nv; r++) {
        sp_peff_row *row = &e->rows[r];
        double est[3], se[3];
        row->name = s->names[r];
        effects3(t, scale * s->theta[s->ib[r]],
                 s->it[r] >= 0 ? scale * s->theta[s->it[r]] : 0.0, est);
        rc = delta(ops, s, r, t, se);
        double tse[3];
        if (!rc)
            rc = trace_se(ops, rho, scale * s->theta[s->ib[r]],
                          s->it[r] >= 0 ? scale * s->theta[s->it[r]] : 0.0, tse);
        sp_peff_stat *st[3] = {&row->direct, &row->indirect, &row->total};
        for (int k = 0; k < 3; k++)
            st[k]->est = est[k], st[k]->se_delta = se[k], st[k]->se_trace = tse[k];
    }
    if (!rc && nd)
        rc = sim_setup(s, &m);
    for (int d = 0; !rc && d < nd; d++) {
        rc = sim_draw(ops, s, &m, (uint32_t)d, &e->discarded);
        double td[4], ed[3], rd, sd;
        multiplier(s, m.par, &rd, &sd);
        if (!rc)
            rc = terms(ops, rd, td);
        for (int r = 0; !rc && r < nv; r++) {
            effects3(td, sd * m.par[s->ib[r]], s->it[r] >= 0 ? sd * m.par[s->it[r]] : 0.0, ed);
            for (int k = 0; k < 3; k++)
                vals[((long)r * 3 + k) * nd + d] = ed[k];
        }
    }
    for (int r = 0; !rc && r < nv; r++) {
        sp_peff_stat *st[3] = {&e->rows[r].direct, &e->rows[r].indirect, &e->rows[r].total};
        for (int k = 0; k < 3; k++)
            finish_stat(st[k], vals + ((long)r * 3 + k) * nd, nd, nd > 0);
    }
    sim_free(&m);
    free(vals);
    if (rc) {
        sp_peff_free(e);
        return rc;
    }
    *out = e;
    return SP_OK;
}
