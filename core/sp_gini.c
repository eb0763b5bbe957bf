/* sp_gini: Gini, Dagum's decomposition, Theil T and L, and the CV. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_dstat.h"
#include "sp_error.h"
#include "sp_gini.h"

/* Name of unit i for messages. */
static const char *unit(const char *const *ids, int i, char *buf, size_t size)
{
    if (ids && ids[i])
        return ids[i];
    snprintf(buf, size, "%d", i + 1);
    return buf;
}

/* Every y_i finite and >= 0, n >= 2, sum > 0. */
static int check_values(const double *y, int n, const char *const *ids, const char *what,
                        const char *stat)
{
    char b[32];
    if (n < 2)
        return sp_error_set(SP_EDATA, "%s: %s needs at least 2 units (got %d)", what, stat, n);
    double sum = 0;
    for (int i = 0; i < n; i++) {
        if (!(y[i] >= 0) || !isfinite(y[i]))
            return sp_error_set(SP_EDATA, "%s: %s needs non-negative values: unit %s has %g",
                                what, stat, unit(ids, i, b, sizeof b), y[i]);
        sum += y[i];
    }
    if (!(sum > 0))
        return sp_error_set(SP_EDATA, "%s: every value is 0: %s is undefined", what, stat);
    return SP_OK;
}

/* sum_i sum_r |s_i - s_r| of sorted s: 2 sum_i (2i - n - 1) s_(i), i from 1. */
static double abs_sum_sorted(const double *s, int n)
{
    double acc = 0;
    for (int i = 0; i < n; i++)
        acc += (2.0 * (i + 1) - n - 1) * s[i];
    return 2 * acc;
}

/* sum_{i} sum_{r} |a_i - b_r| of sorted a, b by one merge: for each a_i with c
 * values of b below it, c a_i - B_<(c) + (B - B_<(c)) - (nb - c) a_i. */
static double abs_sum_between(const double *a, int na, const double *b, int nb)
{
    double btot = 0, below = 0, acc = 0;
    for (int r = 0; r < nb; r++)
        btot += b[r];
    int c = 0;
    for (int i = 0; i < na; i++) {
        while (c < nb && b[c] < a[i])
            below += b[c++];
        acc += c * a[i] - below + (btot - below) - (nb - c) * a[i];
    }
    return acc;
}

int sp_gini_plain(const double *y, int n, const char *const *ids, const char *what, double *g)
{
    int rc = check_values(y, n, ids, what, "the Gini coefficient");
    if (rc)
        return rc;
    double *s;
    if (sp_dstat_sorted(y, n, &s))
        return SP_ENOMEM;
    double mean = sp_dstat_mean(y, n);
    *g = abs_sum_sorted(s, n) / (2.0 * n * (double)n * mean);
    free(s);
    return SP_OK;
}

void sp_gini_dagum_free(sp_gini_dagum *d)
{
    free(d->order), free(d->size), free(d->gmean), free(d->gjj), free(d->gjh), free(d->djh);
    d->order = d->size = NULL;
    d->gmean = d->gjj = d->gjh = d->djh = NULL;
}

/* Values of y sorted within groups: vals[start[j] .. start[j+1]) is group j
 * (caller's codes); n_j and the group means into size and mean. */
static int split_groups(const double *y, const int *group, int n, int k, const char *what,
                        double **vals_out, int **start_out, int *size, double *mean)
{
    double *vals = sp_malloc((size_t)n * sizeof *vals);
    int *start = sp_calloc((size_t)k + 1, sizeof *start), *fill = sp_calloc((size_t)k, sizeof *fill);
    if (!vals || !start || !fill)
        return free(vals), free(start), free(fill), SP_ENOMEM;
    memset(size, 0, (size_t)k * sizeof *size);
    for (int i = 0; i < n; i++)
        size[group[i]]++;
    for (int j = 0; j < k; j++)
        start[j + 1] = start[j] + size[j];
    for (int i = 0; i < n; i++)
        vals[start[group[i]] + fill[group[i]]++] = y[i];
    free(fill);
    for (int j = 0; j < k; j++) {
        if (size[j] == 0) {
            free(vals), free(start);
            return sp_error_set(SP_EDATA, "%s: group %d has no unit", what, j + 1);
        }
        sp_dstat_sort(vals + start[j], size[j]);
        mean[j] = sp_dstat_mean(vals + start[j], size[j]);
    }
    *vals_out = vals, *start_out = start;
    return SP_OK;
}

/* Increasing-mean order of the k groups, stable on ties (insertion sort). */
static void order_by_mean(const double *mean, int k, int *order)
{
    for (int j = 0; j < k; j++) {
        int c = j;
        order[c] = j;
        while (c > 0 && mean[order[c - 1]] > mean[j]) {
            order[c] = order[c - 1];
            order[--c] = j;
        }
    }
}

static int dagum_alloc(sp_gini_dagum *d, int k)
{
    memset(d, 0, sizeof *d);
    d->k = k;
    d->order = sp_malloc((size_t)k * sizeof *d->order);
    d->size = sp_malloc((size_t)k * sizeof *d->size);
    d->gmean = sp_malloc((size_t)k * sizeof *d->gmean);
    d->gjj = sp_malloc((size_t)k * sizeof *d->gjj);
    d->gjh = sp_calloc((size_t)k * k, sizeof *d->gjh);
    d->djh = sp_calloc((size_t)k * k, sizeof *d->djh);
    if (d->order && d->size && d->gmean && d->gjj && d->gjh && d->djh)
        return SP_OK;
    sp_gini_dagum_free(d);
    return SP_ENOMEM;
}

/* G_jj, G_jh, D_jh and the three components, groups already split. */
static void dagum_terms(sp_gini_dagum *d, const double *vals, const int *start, const int *csize,
                        const double *cmean)
{
    int k = d->k;
    for (int j = 0; j < k; j++) {
        d->size[j] = csize[d->order[j]];
        d->gmean[j] = cmean[d->order[j]];
    }
    double ybar = d->mean, n = d->n;
    for (int j = 0; j < k; j++) {
        const double *a = vals + start[d->order[j]];
        double nj = d->size[j], pj = nj / n, sj = nj * d->gmean[j] / (n * ybar);
        d->gjj[j] = d->gjh[j * k + j] = abs_sum_sorted(a, d->size[j]) / (2 * nj * nj * d->gmean[j]);
        d->within += d->gjj[j] * pj * sj;
        for (int h = 0; h < j; h++) {
            const double *b = vals + start[d->order[h]];
            double nh = d->size[h], ph = nh / n, sh = nh * d->gmean[h] / (n * ybar);
            double S = abs_sum_between(a, d->size[j], b, d->size[h]);
            double g = S / (nj * nh * (d->gmean[j] + d->gmean[h]));
            double D = S > 0 ? (d->gmean[j] - d->gmean[h]) / (S / (nj * nh)) : 0;
            d->gjh[j * k + h] = d->gjh[h * k + j] = g;
            d->djh[j * k + h] = D, d->djh[h * k + j] = -D;
            d->between += g * (pj * sh + ph * sj) * D;
            d->transvariation += g * (pj * sh + ph * sj) * (1 - D);
        }
    }
}

int sp_gini_dagum_compute(const double *y, const int *group, int n, int k,
                          const char *const *ids, const char *what, sp_gini_dagum *out)
{
    int rc = check_values(y, n, ids, what, "Dagum's Gini");
    if (rc)
        return rc;
    if (k < 1)
        return sp_error_set(SP_EUSAGE, "%s: no groups", what);
    if ((rc = dagum_alloc(out, k)))
        return rc;
    int *csize = sp_malloc((size_t)k * sizeof *csize), *start = NULL;
    double *cmean = sp_malloc((size_t)k * sizeof *cmean), *vals = NULL, *all = NULL;
    rc = csize && cmean ? split_groups(y, group, n, k, what, &vals, &start, csize, cmean) : SP_ENOMEM;
    for (int j = 0; !rc && j < k; j++)
        if (!(cmean[j] > 0))
            rc = sp_error_set(SP_EDATA, "%s: every value of group %d is 0: its Gini is undefined",
                              what, j + 1);
    if (!rc)
        rc = sp_dstat_sorted(y, n, &all);
    if (!rc) {
        out->n = n;
        out->mean = sp_dstat_mean(y, n);
        out->gini = abs_sum_sorted(all, n) / (2.0 * n * (double)n * out->mean);
        order_by_mean(cmean, k, out->order);
        dagum_terms(out, vals, start, csize, cmean);
    }
    free(csize), free(cmean), free(vals), free(start), free(all);
    if (rc)
        sp_gini_dagum_free(out);
    return rc;
}

/* Theil T and L of one sample (T_g, L_g); *has_l = 0 when a value is 0. */
static void theil_one(const double *y, int n, double *t, double *l, int *has_l)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += y[i];
    double mean = sum / n, tt = 0, ll = 0;
    for (int i = 0; i < n; i++) {
        if (y[i] > 0)
            tt += (y[i] / sum) * log(y[i] / mean);
        else
            *has_l = 0;
        ll += y[i] > 0 ? log(mean / y[i]) : 0;
    }
    *t = sum > 0 ? tt : 0;
    *l = ll / n;
}

int sp_gini_theil_compute(const double *y, const int *group, int n, int k,
                          const char *const *ids, const char *what, sp_gini_theil *out)
{
    int rc = check_values(y, n, ids, what, "the Theil index");
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    out->has_l = 1;
    theil_one(y, n, &out->t, &out->l, &out->has_l);
    if (!group) {
        out->t_within = out->t, out->l_within = out->l;
    } else {
        int *start = NULL, *size = sp_malloc((size_t)k * sizeof *size);
        double *vals = NULL, *mean = sp_malloc((size_t)k * sizeof *mean);
        rc = size && mean ? split_groups(y, group, n, k, what, &vals, &start, size, mean) : SP_ENOMEM;
        double ybar = sp_dstat_mean(y, n);
        for (int j = 0; !rc && j < k; j++) {
            double tg, lg, pg = (double)size[j] / n, sg = pg * mean[j] / ybar;
            theil_one(vals + start[j], size[j], &tg, &lg, &out->has_l);
            out->t_within += sg * tg;
            out->t_between += sg > 0 ? sg * log(mean[j] / ybar) : 0;   /* s_g ln(s_g n / n_g) */
            out->l_within += pg * lg;
            out->l_between += mean[j] > 0 ? pg * log(ybar / mean[j]) : 0;
        }
        free(start), free(size), free(vals), free(mean);
        if (rc)
            return rc;
    }
    if (!out->has_l)
        out->l = out->l_within = out->l_between = NAN;
    return SP_OK;
}

int sp_gini_cv(const double *y, const double *w, int n, int ddof, const char *const *ids,
               const char *what, double *cv)
{
    char b[32];
    double sw = 0, swy = 0;
    for (int i = 0; i < n; i++) {
        double wi = w ? w[i] : 1;
        if (!(wi >= 0))
            return sp_error_set(SP_EDATA, "%s: negative weight %g at unit %s", what, wi,
                                unit(ids, i, b, sizeof b));
        sw += wi, swy += wi * y[i];
    }
    if (n < 2 || !(sw - ddof > 0))
        return sp_error_set(SP_EDATA, "%s: the coefficient of variation needs at least 2 units with positive weight", what);
    double mean = swy / sw, ss = 0;
    if (mean == 0)
        return sp_error_set(SP_EDATA, "%s: the mean is 0: the coefficient of variation is undefined", what);
    for (int i = 0; i < n; i++)
        ss += (w ? w[i] : 1) * (y[i] - mean) * (y[i] - mean);
    *cv = sqrt(ss / (sw - ddof)) / mean;
    return SP_OK;
}
