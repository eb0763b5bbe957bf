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

/* Every weight finite and >= 0 with a positive sum (w NULL: nothing to check). */
static int check_weights(const double *w, int n, const char *const *ids, const char *what)
{
    char b[32];
    double sum = 0;
    for (int i = 0; w && i < n; i++) {
        if (!(w[i] >= 0) || !isfinite(w[i]))
            return sp_error_set(SP_EDATA, "%s: the population weights must be non-negative: "
                                "unit %s has %g", what, unit(ids, i, b, sizeof b), w[i]);
        sum += w[i];
    }
    if (w && !(sum > 0))
        return sp_error_set(SP_EDATA, "%s: every population weight is 0", what);
    return SP_OK;
}

/* sum_i sum_r w_i w_r |s_i - s_r| of sorted s (w NULL: all 1).
 *   unweighted: 2 sum_i (2i - n - 1) s_(i), i from 1;
 *   weighted:   2 sum_r w_r (s_r W_<r - S_<r), W_<r, S_<r the weight and
 *               weighted sum below r (ties add 0 either way). */
static double abs_sum_sorted(const double *s, const double *w, int n)
{
    double acc = 0, wb = 0, sb = 0;
    for (int i = 0; i < n; i++) {
        if (!w) {
            acc += (2.0 * (i + 1) - n - 1) * s[i];
            continue;
        }
        acc += w[i] * (s[i] * wb - sb);
        wb += w[i], sb += w[i] * s[i];
    }
    return 2 * acc;
}

/* sum_i sum_r wa_i wb_r |a_i - b_r| of sorted a, b by one merge (weights NULL:
 * all 1): for each a_i with weight B_< and weighted sum S_< of b below it,
 * a_i B_< - S_< + (S - S_<) - (B - B_<) a_i. */
static double abs_sum_between(const double *a, const double *wa, int na, const double *b,
                              const double *wb, int nb)
{
    double btot = 0, wtot = 0, below = 0, wbelow = 0, acc = 0;
    for (int r = 0; r < nb; r++)
        btot += (wb ? wb[r] : 1) * b[r], wtot += wb ? wb[r] : 1;
    int c = 0;
    for (int i = 0; i < na; i++) {
        for (; c < nb && b[c] < a[i]; c++)
            below += (wb ? wb[c] : 1) * b[c], wbelow += wb ? wb[c] : 1;
        acc += (wa ? wa[i] : 1) * (wbelow * a[i] - below + (btot - below) - (wtot - wbelow) * a[i]);
    }
    return acc;
}

/* A value and its weight, for sorting both together. */
typedef struct yw_pair {
    double y, w;
} yw_pair;

static int cmp_pair(const void *a, const void *b)
{
    double x = ((const yw_pair *)a)->y, y = ((const yw_pair *)b)->y;
    return (x > y) - (x < y);
}

/* Sort v ascending, carrying w along (w NULL: sort v alone). */
static int sort_with(double *v, double *w, int n)
{
    if (!w) {
        sp_dstat_sort(v, n);
        return SP_OK;
    }
    yw_pair *p = sp_malloc((size_t)n * sizeof *p + 1);
    if (!p)
        return SP_ENOMEM;
    for (int i = 0; i < n; i++)
        p[i] = (yw_pair){v[i], w[i]};
    qsort(p, (size_t)n, sizeof *p, cmp_pair);
    for (int i = 0; i < n; i++)
        v[i] = p[i].y, w[i] = p[i].w;
    free(p);
    return SP_OK;
}

/* Sum of w (n when NULL) and the w-weighted mean of y. */
static double wmean(const double *y, const double *w, int n, double *wsum)
{
    double sw = 0, swy = 0;
    for (int i = 0; i < n; i++)
        sw += w ? w[i] : 1, swy += (w ? w[i] : 1) * y[i];
    *wsum = sw;
    return swy / sw;
}

/* Weighted Gini of y from a sorted copy: sum sum w w |.| / (2 W^2 ybar_w). */
static int gini_of(const double *y, const double *w, int n, double *g)
{
    double *s = sp_malloc((size_t)n * sizeof *s + 1), *sw = w ? sp_malloc((size_t)n * sizeof *sw) : NULL;
    if (!s || (w && !sw))
        return free(s), free(sw), SP_ENOMEM;
    memcpy(s, y, (size_t)n * sizeof *s);
    if (w)
        memcpy(sw, w, (size_t)n * sizeof *sw);
    int rc = sort_with(s, sw, n);
    double W, mean = wmean(y, w, n, &W);
    if (!rc)
        *g = abs_sum_sorted(s, sw, n) / (2.0 * W * W * mean);
    free(s), free(sw);
    return rc;
}

int sp_gini_weighted(const double *y, const double *w, int n, const char *const *ids,
                     const char *what, double *g)
{
    int rc = check_values(y, n, ids, what, "the Gini coefficient");
    if (!rc)
        rc = check_weights(w, n, ids, what);
    double W;
    if (!rc && w && !(wmean(y, w, n, &W) > 0))
        return sp_error_set(SP_EDATA, "%s: every value with a positive weight is 0: the "
                            "weighted Gini is undefined", what);
    return rc ? rc : gini_of(y, w, n, g);
}

int sp_gini_plain(const double *y, int n, const char *const *ids, const char *what, double *g)
{
    return sp_gini_weighted(y, NULL, n, ids, what, g);
}

void sp_gini_dagum_free(sp_gini_dagum *d)
{
    free(d->order), free(d->size), free(d->gmean), free(d->gjj), free(d->gjh), free(d->djh);
    free(d->weight);
    d->order = d->size = NULL;
    d->gmean = d->gjj = d->gjh = d->djh = d->weight = NULL;
}

/* Values of y (and weights w, may be NULL) by group: vals[start[j] ..
 * start[j+1]) is group j (caller's codes), sorted when `sorted`; n_j, the
 * group weights W_j (n_j without w) and the weighted means into size, wsum
 * and mean; o->wts is NULL without w. */
typedef struct split_out {
    double *vals, *wts;
    int *start;
} split_out;

static int split_groups(const double *y, const double *w, const int *group, int n, int k,
                        int sorted, const char *what, split_out *o, int *size, double *wsum,
                        double *mean)
{
    memset(o, 0, sizeof *o);
    o->vals = sp_malloc((size_t)n * sizeof *o->vals);
    o->wts = w ? sp_malloc((size_t)n * sizeof *o->wts) : NULL;
    o->start = sp_calloc((size_t)k + 1, sizeof *o->start);
    int *fill = sp_calloc((size_t)k, sizeof *fill), rc = SP_OK;
    if (!o->vals || (w && !o->wts) || !o->start || !fill)
        rc = SP_ENOMEM;
    memset(size, 0, (size_t)k * sizeof *size);
    for (int i = 0; !rc && i < n; i++)
        size[group[i]]++;
    for (int j = 0; !rc && j < k; j++)
        o->start[j + 1] = o->start[j] + size[j];
    for (int i = 0; !rc && i < n; i++) {
        int c = o->start[group[i]] + fill[group[i]]++;
        o->vals[c] = y[i];
        if (w)
            o->wts[c] = w[i];
    }
    for (int j = 0; !rc && j < k; j++) {
        double *gv = o->vals + o->start[j], *gw = w ? o->wts + o->start[j] : NULL;
        if (size[j] == 0)
            rc = sp_error_set(SP_EDATA, "%s: group %d has no unit", what, j + 1);
        if (!rc && sorted)
            rc = sort_with(gv, gw, size[j]);
        if (!rc)
            mean[j] = wmean(gv, gw, size[j], &wsum[j]);
        if (!rc && !(wsum[j] > 0))
            rc = sp_error_set(SP_EDATA, "%s: group %d has no population (every weight is 0)",
                              what, j + 1);
    }
    free(fill);
    if (rc)
        free(o->vals), free(o->wts), free(o->start), memset(o, 0, sizeof *o);
    return rc;
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
    d->weight = sp_malloc((size_t)k * sizeof *d->weight);
    d->gjj = sp_malloc((size_t)k * sizeof *d->gjj);
    d->gjh = sp_calloc((size_t)k * k, sizeof *d->gjh);
    d->djh = sp_calloc((size_t)k * k, sizeof *d->djh);
    if (d->order && d->size && d->gmean && d->weight && d->gjj && d->gjh && d->djh)
        return SP_OK;
    sp_gini_dagum_free(d);
    return SP_ENOMEM;
}

/* G_jj, G_jh, D_jh and the three components, groups already split; with
 * weights n_j, n are the populations W_j, W (p_j = W_j / W population shares,
 * s_j = W_j ybar_j / (W ybar) income shares). */
static void dagum_terms(sp_gini_dagum *d, const split_out *o, const int *csize,
                        const double *cw, const double *cmean)
{
    int k = d->k;
    for (int j = 0; j < k; j++) {
        d->size[j] = csize[d->order[j]];
        d->weight[j] = cw[d->order[j]];
        d->gmean[j] = cmean[d->order[j]];
    }
    double ybar = d->mean, n = d->total;
    for (int j = 0; j < k; j++) {
        int cj = o->start[d->order[j]];
        const double *a = o->vals + cj, *wa = o->wts ? o->wts + cj : NULL;
        double nj = d->weight[j], pj = nj / n, sj = nj * d->gmean[j] / (n * ybar);
        d->gjj[j] = d->gjh[j * k + j] =
            abs_sum_sorted(a, wa, d->size[j]) / (2 * nj * nj * d->gmean[j]);
        d->within += d->gjj[j] * pj * sj;
        for (int h = 0; h < j; h++) {
            int ch = o->start[d->order[h]];
            const double *b = o->vals + ch, *wb = o->wts ? o->wts + ch : NULL;
            double nh = d->weight[h], ph = nh / n, sh = nh * d->gmean[h] / (n * ybar);
            double S = abs_sum_between(a, wa, d->size[j], b, wb, d->size[h]);
            double g = S / (nj * nh * (d->gmean[j] + d->gmean[h]));
            double D = S > 0 ? (d->gmean[j] - d->gmean[h]) / (S / (nj * nh)) : 0;
            d->gjh[j * k + h] = d->gjh[h * k + j] = g;
            d->djh[j * k + h] = D, d->djh[h * k + j] = -D;
            d->between += g * (pj * sh + ph * sj) * D;
            d->transvariation += g * (pj * sh + ph * sj) * (1 - D);
        }
    }
}

int sp_gini_dagum_weighted(const double *y, const double *w, const int *group, int n, int k,
                           const char *const *ids, const char *what, sp_gini_dagum *out)
{
    int rc = check_values(y, n, ids, what, "Dagum's Gini");
    if (!rc)
        rc = check_weights(w, n, ids, what);
    if (rc)
        return rc;
    if (k < 1)
        return sp_error_set(SP_EUSAGE, "%s: no groups", what);
    if ((rc = dagum_alloc(out, k)))
        return rc;
    int *csize = sp_malloc((size_t)k * sizeof *csize);
    double *cmean = sp_malloc((size_t)k * sizeof *cmean), *cw = sp_malloc((size_t)k * sizeof *cw);
    split_out o = {0};
    rc = csize && cmean && cw ? split_groups(y, w, group, n, k, 1, what, &o, csize, cw, cmean)
                              : SP_ENOMEM;
    for (int j = 0; !rc && j < k; j++)
        if (!(cmean[j] > 0))
            rc = sp_error_set(SP_EDATA, "%s: every value of group %d is 0: its Gini is undefined",
                              what, j + 1);
    if (!rc) {
        out->n = n;
        out->mean = wmean(y, w, n, &out->total);
        rc = gini_of(y, w, n, &out->gini);
    }
    if (!rc) {
        order_by_mean(cmean, k, out->order);
        dagum_terms(out, &o, csize, cw, cmean);
        out->pct_within = 100 * out->within / out->gini;
        out->pct_between = 100 * out->between / out->gini;
        out->pct_transvariation = 100 * out->transvariation / out->gini;
    }
    free(csize), free(cmean), free(cw), free(o.vals), free(o.wts), free(o.start);
    if (rc)
        sp_gini_dagum_free(out);
    return rc;
}

int sp_gini_dagum_compute(const double *y, const int *group, int n, int k,
                          const char *const *ids, const char *what, sp_gini_dagum *out)
{
    return sp_gini_dagum_weighted(y, NULL, group, n, k, ids, what, out);
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
        out->t_within = out->t_between = out->l_within = out->l_between = NAN;
    } else {
        int *size = sp_malloc((size_t)k * sizeof *size);
        double *mean = sp_malloc((size_t)k * sizeof *mean), *wsum = sp_malloc((size_t)k * sizeof *wsum);
        split_out o = {0};
        rc = size && mean && wsum ? split_groups(y, NULL, group, n, k, 0, what, &o, size, wsum, mean)
                                  : SP_ENOMEM;
        const double *vals = o.vals;
        const int *start = o.start;
        double ybar = sp_dstat_mean(y, n);
        for (int j = 0; !rc && j < k; j++) {
            double tg, lg, pg = (double)size[j] / n, sg = pg * mean[j] / ybar;
            theil_one(vals + start[j], size[j], &tg, &lg, &out->has_l);
            out->t_within += sg * tg;
            out->t_between += sg > 0 ? sg * log(mean[j] / ybar) : 0;   /* s_g ln(s_g n / n_g) */
            out->l_within += pg * lg;
            out->l_between += mean[j] > 0 ? pg * log(ybar / mean[j]) : 0;
        }
        free(o.start), free(size), free(o.vals), free(mean), free(wsum);
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
