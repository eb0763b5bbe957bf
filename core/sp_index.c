/* sp_index: normalisation, entropy / CRITIC / CV weights, scores, TOPSIS. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_index.h"

/* One scope: the rows it holds and its label for messages. */
typedef struct scope {
    const int *rows;
    int N;
    const char *label;
} scope;

void sp_index_free(sp_index_result *r)
{
    free(r->e), free(r->d), free(r->w), free(r->info), free(r->z), free(r->score), free(r->closeness);
    memset(r, 0, sizeof *r);
}

/* Mean and sd (divisor N - 1) of column j over the scope's rows of a. */
static void col_moments(const double *a, int m, const scope *s, int j, double *mean, double *sd)
{
    double sum = 0, ss = 0;
    for (int k = 0; k < s->N; k++)
        sum += a[(long)s->rows[k] * m + j];
    *mean = sum / s->N;
    for (int k = 0; k < s->N; k++) {
        double dv = a[(long)s->rows[k] * m + j] - *mean;
        ss += dv * dv;
    }
    *sd = sqrt(ss / (s->N - 1));
}

/* z = min-max or z-score of x over the scope, direction by negative[j], + shift. */
static int normalize(const double *x, int m, const int *negative, const sp_index_opts *o,
                     const char *const *names, const scope *s, double *z)
{
    for (int j = 0; j < m; j++) {
        double lo = INFINITY, hi = -INFINITY, mean, sd;
        for (int k = 0; k < s->N; k++) {
            double v = x[(long)s->rows[k] * m + j];
            lo = v < lo ? v : lo, hi = v > hi ? v : hi;
        }
        if (!(hi > lo))
            return sp_error_set(SP_EDATA, "indicator '%s' is constant (%g) %s: it cannot be normalised",
                                names[j], lo, s->label);
        col_moments(x, m, s, j, &mean, &sd);
        for (int k = 0; k < s->N; k++) {
            long at = (long)s->rows[k] * m + j;
            double v = o->norm == SP_INDEX_MINMAX ? (x[at] - lo) / (hi - lo) : (x[at] - mean) / sd;
            if (negative[j])
                v = o->norm == SP_INDEX_MINMAX ? 1 - v : -v;
            z[at] = v + (o->zeros == SP_INDEX_ZEROS_SHIFT ? o->shift : 0);
        }
    }
    return SP_OK;
}

/* w = c / sum c; SP_EDATA when every c_j is 0. */
static int to_weights(const double *c, int m, const scope *s, double *w)
{
    double sum = 0;
    for (int j = 0; j < m; j++)
        sum += c[j];
    if (!(sum > 0))
        return sp_error_set(SP_EDATA, "every indicator carries zero information %s: no weights", s->label);
    for (int j = 0; j < m; j++)
        w[j] = c[j] / sum;
    return SP_OK;
}

/* e_j = -(1/ln N) sum p ln p, d_j = 1 - e_j. */
static int entropy(const double *z, int m, const char *const *names, const scope *s, double *e,
                   double *d)
{
    for (int j = 0; j < m; j++) {
        double sum = 0, h = 0;
        for (int k = 0; k < s->N; k++) {
            double v = z[(long)s->rows[k] * m + j];
            if (v < 0)
                return sp_error_set(SP_EDATA, "indicator '%s' %s: entropy weights need non-negative "
                                    "normalised values (z-scores are not; use min-max)", names[j], s->label);
            sum += v;
        }
        for (int k = 0; k < s->N; k++) {
            double p = z[(long)s->rows[k] * m + j] / sum;
            h += p > 0 ? p * log(p) : 0;                       /* 0 ln 0 = 0 */
        }
        e[j] = -h / log(s->N);
        d[j] = 1 - e[j];
    }
    return SP_OK;
}

/* CRITIC: C_j = sd_j sum_k (1 - r_jk) on the normalised values; mean and sd
 * are scratch of m values each. */
static void critic(const double *z, int m, const scope *s, double *mean, double *sd, double *c)
{
    for (int j = 0; j < m; j++)
        col_moments(z, m, s, j, &mean[j], &sd[j]);
    for (int j = 0; j < m; j++) {
        double conflict = 0;
        for (int q = 0; q < m; q++) {
            double cov = 0;
            for (int k = 0; k < s->N; k++) {
                long row = (long)s->rows[k] * m;
                cov += (z[row + j] - mean[j]) * (z[row + q] - mean[q]);
            }
            conflict += 1 - cov / ((s->N - 1) * sd[j] * sd[q]);
        }
        c[j] = sd[j] * conflict;
    }
}

/* CV weights' v_j = sd_j / |mean_j| of the raw values. */
static int cv(const double *x, int m, const char *const *names, const scope *s, double *v)
{
    for (int j = 0; j < m; j++) {
        double mean, sd;
        col_moments(x, m, s, j, &mean, &sd);
        if (mean == 0)
            return sp_error_set(SP_EDATA, "indicator '%s' has mean 0 %s: no coefficient of variation",
                                names[j], s->label);
        v[j] = sd / fabs(mean);
    }
    return SP_OK;
}

/* TOPSIS closeness C_i = D- / (D+ + D-) on v = w z, ideal points within the
 * scope; best and worst are scratch of m values each. */
static void topsis(const double *z, int m, const double *w, const scope *s, double *best,
                   double *worst, double *close)
{
    for (int j = 0; j < m; j++) {
        best[j] = -INFINITY, worst[j] = INFINITY;
        for (int k = 0; k < s->N; k++) {
            double v = w[j] * z[(long)s->rows[k] * m + j];
            best[j] = v > best[j] ? v : best[j], worst[j] = v < worst[j] ? v : worst[j];
        }
    }
    for (int k = 0; k < s->N; k++) {
        long row = (long)s->rows[k] * m;
        double dp = 0, dm = 0;
        for (int j = 0; j < m; j++) {
            double v = w[j] * z[row + j];
            dp += (v - best[j]) * (v - best[j]), dm += (v - worst[j]) * (v - worst[j]);
        }
        close[s->rows[k]] = sqrt(dm) / (sqrt(dp) + sqrt(dm));
    }
}

static int result_alloc(sp_index_result *r, int n, int m, int nscope, int topsis_too)
{
    memset(r, 0, sizeof *r);
    r->n = n, r->m = m, r->nscope = nscope;
    size_t sm = (size_t)nscope * m;
    r->e = sp_malloc(sm * sizeof *r->e), r->d = sp_malloc(sm * sizeof *r->d);
    r->w = sp_malloc(sm * sizeof *r->w), r->info = sp_malloc(sm * sizeof *r->info);
    r->z = sp_malloc((size_t)n * m * sizeof *r->z), r->score = sp_malloc((size_t)n * sizeof *r->score);
    r->closeness = topsis_too ? sp_malloc((size_t)n * sizeof *r->closeness) : NULL;
    if (r->e && r->d && r->w && r->info && r->z && r->score && (r->closeness || !topsis_too))
        return SP_OK;
    sp_index_free(r);
    return SP_ENOMEM;
}

/* Normalise, weigh and score one scope (weights into row si of the result);
 * scratch holds 2 m values. */
static int run_scope(const double *x, const int *negative, const sp_index_opts *o,
                     const char *const *names, const scope *s, int si, double *scratch,
                     sp_index_result *r)
{
    int m = r->m, rc;
    double *e = r->e + (long)si * m, *d = r->d + (long)si * m, *w = r->w + (long)si * m;
    double *info = r->info + (long)si * m;
    if (s->N < 2)
        return sp_error_set(SP_EDATA, "%s: weights need at least 2 rows (got %d)", s->label, s->N);
    if ((rc = normalize(x, m, negative, o, names, s, r->z)))
        return rc;
    for (int j = 0; j < m; j++)
        e[j] = d[j] = NAN;
    if (o->method == SP_INDEX_ENTROPY || o->method == SP_INDEX_TOPSIS) {
        if ((rc = entropy(r->z, m, names, s, e, d)))
            return rc;
        memcpy(info, d, (size_t)m * sizeof *d);
    } else if (o->method == SP_INDEX_CRITIC) {
        critic(r->z, m, s, scratch, scratch + m, info);
    } else if ((rc = cv(x, m, names, s, info))) {
        return rc;
    }
    if ((rc = to_weights(info, m, s, w)))
        return rc;
    for (int k = 0; k < s->N; k++) {
        long row = (long)s->rows[k] * m;
        double sum = 0;
        for (int j = 0; j < m; j++)
            sum += w[j] * r->z[row + j];
        r->score[s->rows[k]] = o->scale * sum;
    }
    if (r->closeness)
        topsis(r->z, m, w, s, scratch, scratch + m, r->closeness);
    return SP_OK;
}

int sp_index_compute(const double *x, int n, int m, const int *negative, const int *period,
                     int nperiods, const sp_index_opts *o, const char *const *names,
                     const char *const *scopes, sp_index_result *r)
{
    int nscope = o->per_period ? nperiods : 1;
    int rc = result_alloc(r, n, m, nscope, o->method == SP_INDEX_TOPSIS);
    int *rows = rc ? NULL : sp_malloc((size_t)n * sizeof *rows);
    double *scratch = rc ? NULL : sp_malloc(2 * (size_t)m * sizeof *scratch);
    if (!rc && (!rows || !scratch))
        rc = SP_ENOMEM;
    for (int si = 0; !rc && si < nscope; si++) {
        char label[160];
        scope s = {rows, 0, label};
        for (int i = 0; i < n; i++)
            if (!o->per_period || period[i] == si)
                rows[s.N++] = i;
        if (o->per_period)
            snprintf(label, sizeof label, "in period %s", scopes[si]);
        else
            snprintf(label, sizeof label, "over the pooled panel");
        rc = run_scope(x, negative, o, names, &s, si, scratch, r);
    }
    free(rows), free(scratch);
    if (rc)
        sp_index_free(r);
    return rc;
}
