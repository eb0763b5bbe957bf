/* sp_classify: class breaks (quantile, equal interval, Fisher-Jenks, standard
 * deviation, user) and class membership; conventions in sp_classify.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_classify.h"
#include "sp_dstat.h"
#include "sp_error.h"

/* The method named by a word (sp_classify.h). */
int sp_classify_parse(const char *name, sp_classify_method *m)
{
    if (!strcmp(name, "quantile") || !strcmp(name, "quantiles"))
        *m = SP_CLASSIFY_QUANTILE;
    else if (!strcmp(name, "equal"))
        *m = SP_CLASSIFY_EQUAL;
    else if (!strcmp(name, "jenks") || !strcmp(name, "natural") || !strcmp(name, "fisher"))
        *m = SP_CLASSIFY_JENKS;
    else if (!strcmp(name, "sd"))
        *m = SP_CLASSIFY_SD;
    else
        return sp_error_set(SP_EUSAGE, "unknown classification '%s' (quantile, equal, jenks, sd)",
                            name);
    return SP_OK;
}

/* The method's canonical word. */
const char *sp_classify_name(sp_classify_method m)
{
    static const char *names[] = {"quantile", "equal", "jenks", "sd", "user"};
    return names[m];
}

/* Checks n, k and finiteness; a sorted copy of x in *sorted when asked. */
static int prepare(const double *x, int n, int k, double **sorted)
{
    if (n < 1 || k < 1)
        return sp_error_set(SP_EUSAGE, "classification needs n >= 1 and k >= 1 (n = %d, k = %d)",
                            n, k);
    for (int i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return sp_error_set(SP_EDATA, "value %d is not a finite number", i + 1);
    return sorted ? sp_dstat_sorted(x, n, sorted) : SP_OK;
}

/* Exchanges two doubles. */
static void swap2(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Partial order of s[lo..hi] such that s[r] is the r-th smallest value for
 * every rank r in ranks[a..b) (ascending): quickselect on several ranks at
 * once (median-of-three Hoare partitions, recursing on the smaller side),
 * insertion sort for short ranges.  O(n log(b - a)) expected. */
static void multiselect(double *s, int lo, int hi, const int *ranks, int a, int b)
{
    while (a < b && hi - lo > 16) {
        int mid = lo + (hi - lo) / 2, i = lo, j = hi;
        if (s[mid] < s[lo])
            swap2(&s[mid], &s[lo]);
        if (s[hi] < s[lo])
            swap2(&s[hi], &s[lo]);
        if (s[hi] < s[mid])
            swap2(&s[hi], &s[mid]);
        double piv = s[mid];
        while (i <= j) {                   /* s[lo..j] <= piv <= s[i..hi] */
            while (s[i] < piv)
                i++;
            while (s[j] > piv)
                j--;
            if (i <= j)
                swap2(&s[i++], &s[j--]);
        }
        int m1 = a, m2;
        while (m1 < b && ranks[m1] <= j)
            m1++;
        for (m2 = m1; m2 < b && ranks[m2] < i; m2++)
            ;                              /* ranks in j+1..i-1 hold the pivot */
        if (j - lo < hi - i) {
            multiselect(s, lo, j, ranks, a, m1);
            lo = i;
            a = m2;
        } else {
            multiselect(s, i, hi, ranks, m2, b);
            hi = j;
            b = m1;
        }
    }
    if (a >= b)
        return;
    for (int k = lo + 1; k <= hi; k++)
        for (int m = k; m > lo && s[m] < s[m - 1]; m--)
            swap2(&s[m], &s[m - 1]);
}

/* Type 7 quantiles (sp_dstat_quantile) from the order statistics alone: only
 * ranks floor h and floor h + 1 of each break, h = (n - 1) p, are selected
 * (no full sort). */
int sp_classify_quantile(const double *x, int n, int k, double *breaks)
{
    int rc = prepare(x, n, k, NULL);
    if (rc)
        return rc;
    double *s = sp_malloc((size_t)n * sizeof *s);
    int *ranks = sp_malloc((size_t)(2 * k + 1) * sizeof *ranks), nr = 0;
    if (!s || !ranks) {
        free(s);
        free(ranks);
        return SP_ENOMEM;
    }
    memcpy(s, x, (size_t)n * sizeof *s);
    for (int c = 0; c < k - 1; c++) {
        int lo = (int)floor((n - 1) * ((double)(c + 1) / k));
        for (int r = lo; r <= lo + 1 && r < n; r++)
            if (!nr || ranks[nr - 1] < r)
                ranks[nr++] = r;
    }
    if (!nr || ranks[nr - 1] < n - 1)
        ranks[nr++] = n - 1;
    multiselect(s, 0, n - 1, ranks, 0, nr);
    for (int c = 0; c < k - 1; c++)
        breaks[c] = sp_dstat_quantile(s, n, (double)(c + 1) / k);
    breaks[k - 1] = s[n - 1];
    free(s);
    free(ranks);
    return SP_OK;
}

/* Minimum and maximum of x[0..n-1]. */
static void range(const double *x, int n, double *lo, double *hi)
{
    *lo = *hi = x[0];
    for (int i = 1; i < n; i++) {
        if (x[i] < *lo)
            *lo = x[i];
        if (x[i] > *hi)
            *hi = x[i];
    }
}

/* b[c] = min + (c + 1) (max - min) / k, the last exactly max. */
int sp_classify_equal(const double *x, int n, int k, double *breaks)
{
    int rc = prepare(x, n, k, NULL);
    if (rc)
        return rc;
    double lo, hi;
    range(x, n, &lo, &hi);
    if (!(hi > lo))
        return sp_error_set(SP_EDATA, "equal intervals need at least two different values "
                                      "(all are %g)", lo);
    for (int c = 0; c < k - 1; c++)
        breaks[c] = lo + (c + 1) * ((hi - lo) / k);
    breaks[k - 1] = hi;
    return SP_OK;
}

/* Multiples of s around the mean (sp_classify.h), the last break max(x)
 * (or the last cut when max(x) lies below it: the top class is then empty). */
int sp_classify_sd(const double *x, int n, int k, double *breaks)
{
    int rc = prepare(x, n, k, NULL);
    if (rc)
        return rc;
    if (n < 2)
        return sp_error_set(SP_EDATA, "standard deviation classes need at least two values");
    double mean = sp_dstat_mean(x, n), s = sp_dstat_sd(x, n), lo, hi;
    range(x, n, &lo, &hi);
    if (!(s > 0.0))
        return sp_error_set(SP_EDATA, "standard deviation classes need at least two different "
                                      "values (all are %g)", lo);
    for (int c = 0; c < k - 1; c++) {
        double m = c - (k - 2) / 2.0;         /* even k: ..., -1, 0, 1, ... */
        if (k % 2)
            m += m < 0 ? -0.5 : 0.5;          /* odd k: ..., -2, -1, 1, 2, ... */
        breaks[c] = mean + s * m;
    }
    breaks[k - 1] = k > 1 && breaks[k - 2] > hi ? breaks[k - 2] : hi;
    return SP_OK;
}

/* Breaks c_1..c_{k-1}, +inf from checked cut-offs. */
int sp_classify_user(const double *cut, int ncut, double *breaks)
{
    if (ncut < 1)
        return sp_error_set(SP_EUSAGE, "user breaks need at least one cut-off");
    for (int c = 0; c < ncut; c++) {
        if (!isfinite(cut[c]))
            return sp_error_set(SP_EUSAGE, "cut-off %d is not a finite number", c + 1);
        if (c && !(cut[c] > cut[c - 1]))
            return sp_error_set(SP_EUSAGE, "cut-offs must increase strictly (%g then %g)",
                                cut[c - 1], cut[c]);
        breaks[c] = cut[c];
    }
    breaks[ncut] = INFINITY;
    return SP_OK;
}

/* ---- Fisher-Jenks: exact dynamic programme over the distinct values. */

typedef struct jenks {
    int m;                 /* distinct values */
    const double *v;       /* the distinct values, ascending */
    double *w, *s1, *s2;   /* prefix sums of counts, centred values, squares */
    double *prev, *cur;    /* F_{j-1}(.), F_j(.) */
    int *arg;              /* arg[j m + i]: first value of the last class */
} jenks;

/* Sum of squares of the values a..b about their mean: S2 - S1^2 / W. */
static double jenks_cost(const jenks *J, int a, int b)
{
    double w = J->w[b + 1] - J->w[a], s1 = J->s1[b + 1] - J->s1[a];
    double c = (J->s2[b + 1] - J->s2[a]) - s1 * s1 / w;
    return c > 0.0 ? c : 0.0;
}

/* F_j(i) = min_{l = j..i} F_{j-1}(l - 1) + cost(l, i) for i in [ilo, ihi],
 * searching l in [olo, ohi]: the optimal l does not decrease with i (the
 * cost is Monge), so divide and conquer needs O(m log m) evaluations. */
static void jenks_layer(jenks *J, int j, int ilo, int ihi, int olo, int ohi)
{
    while (ilo <= ihi) {
        int mid = ilo + (ihi - ilo) / 2, best = -1;
        double bv = INFINITY;
        int lmax = ohi < mid ? ohi : mid;
        for (int l = olo > j ? olo : j; l <= lmax; l++) {
            double v = J->prev[l - 1] + jenks_cost(J, l, mid);
            if (v < bv) {
                bv = v;
                best = l;
            }
        }
        J->cur[mid] = bv;
        J->arg[(size_t)j * J->m + mid] = best;
        jenks_layer(J, j, ilo, mid - 1, olo, best);
        ilo = mid + 1;            /* the right half as a loop: depth log m */
        olo = best;
    }
}

/* Distinct values and their counts of the sorted s[0..n-1]; returns m. */
static int distinct(double *s, int n, double *count)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (m && s[i] == s[m - 1]) {
            count[m - 1] += 1.0;
        } else {
            s[m] = s[i];
            count[m++] = 1.0;
        }
    }
    return m;
}

/* Runs the k layers on the distinct values and reads the breaks back. */
static void jenks_solve(jenks *J, const double *cnt, int k, double *breaks)
{
    double mean = J->v[0];
    J->w[0] = J->s1[0] = J->s2[0] = 0.0;
    for (int i = 0; i < J->m; i++) {
        double d = J->v[i] - mean;
        J->w[i + 1] = J->w[i] + cnt[i];
        J->s1[i + 1] = J->s1[i] + cnt[i] * d;
        J->s2[i + 1] = J->s2[i] + cnt[i] * d * d;
    }
    for (int i = 0; i < J->m; i++)
        J->prev[i] = jenks_cost(J, 0, i);
    for (int j = 1; j < k; j++) {
        for (int i = 0; i < j; i++)
            J->cur[i] = INFINITY;
        jenks_layer(J, j, j, J->m - 1, j, J->m - 1);
        double *t = J->prev;
        J->prev = J->cur;
        J->cur = t;
    }
    int end = J->m - 1;
    for (int j = k - 1; j >= 0; j--) {
        breaks[j] = J->v[end];
        if (j)
            end = J->arg[(size_t)j * J->m + end] - 1;
    }
}

/* Fisher-Jenks natural breaks: the dynamic programme on the distinct values. */
int sp_classify_jenks(const double *x, int n, int k, double *breaks)
{
    double *s;
    int rc = prepare(x, n, k, &s);
    if (rc)
        return rc;
    double *cnt = sp_malloc((size_t)n * sizeof *cnt);
    if (!cnt) {
        free(s);
        return SP_ENOMEM;
    }
    int m = distinct(s, n, cnt);
    if (m < k || m < 2) {
        free(s);
        free(cnt);
        return sp_error_set(SP_EDATA, "natural breaks: %d distinct value%s for %d classes", m,
                            m == 1 ? "" : "s", k);
    }
    jenks J = {.m = m, .v = s};
    J.w = sp_malloc((size_t)(m + 1) * 3 * sizeof(double));
    double *layers = sp_malloc((size_t)m * 2 * sizeof(double));
    J.arg = sp_malloc((size_t)m * k * sizeof(int));
    if (J.w && layers && J.arg) {
        J.s1 = J.w + m + 1;
        J.s2 = J.s1 + m + 1;
        J.prev = layers;          /* swapped layer by layer: freed through layers */
        J.cur = layers + m;
        jenks_solve(&J, cnt, k, breaks);
    } else {
        rc = SP_ENOMEM;
    }
    free(J.w);
    free(layers);
    free(J.arg);
    free(s);
    free(cnt);
    return rc;
}

/* Dispatch on the method. */
int sp_classify_breaks(sp_classify_method m, const double *x, int n, int k, double *breaks)
{
    switch (m) {
    case SP_CLASSIFY_QUANTILE:
        return sp_classify_quantile(x, n, k, breaks);
    case SP_CLASSIFY_EQUAL:
        return sp_classify_equal(x, n, k, breaks);
    case SP_CLASSIFY_JENKS:
        return sp_classify_jenks(x, n, k, breaks);
    case SP_CLASSIFY_SD:
        return sp_classify_sd(x, n, k, breaks);
    default:
        return sp_error_set(SP_EUSAGE, "user breaks need their cut-offs (sp_classify_user)");
    }
}

/* Binary search for the first break >= x. */
int sp_classify_one(double x, const double *breaks, int k)
{
    int lo = 0, hi = k - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (x <= breaks[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Each value's class (sp_classify_one). */
void sp_classify_assign(const double *x, int n, const double *breaks, int k, int *cls)
{
    for (int i = 0; i < n; i++)
        cls[i] = sp_classify_one(x[i], breaks, k);
}

/* Drops repeated breaks in place (mapclassify's np.unique). */
int sp_classify_unique(double *breaks, int k)
{
    int u = 0;
    for (int c = 0; c < k; c++)
        if (!u || breaks[c] != breaks[u - 1])
            breaks[u++] = breaks[c];
    return u;
}

/* sum_c sum_{i in c} (x_i - mean_c)^2, two passes. */
int sp_classify_ssw(const double *x, int n, const int *cls, int k, double *out)
{
    double *sum = sp_calloc((size_t)k * 2, sizeof *sum);
    if (!sum)
        return SP_ENOMEM;
    double *cnt = sum + k, ssw = 0.0;
    for (int i = 0; i < n; i++) {
        sum[cls[i]] += x[i];
        cnt[cls[i]] += 1.0;
    }
    for (int i = 0; i < n; i++) {
        double d = x[i] - sum[cls[i]] / cnt[cls[i]];
        ssw += d * d;
    }
    free(sum);
    *out = ssw;
    return SP_OK;
}
