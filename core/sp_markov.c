/* sp_markov: classic, spatial and LISA Markov chains of a panel's classes
 * (giddy's definitions; conventions and formulas in sp_markov.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "sp_classify.h"
#include "sp_dstat.h"
#include "sp_error.h"
#include "sp_lisa.h"
#include "sp_markov.h"

#define SP_MARKOV_MAX_STATES 100

/* ---- classes */

/* Divides each period by its mean (a copy; *out NULL when not relative). */
static int relative_copy(const double *x, int n, int t, double **out)
{
    double *r = sp_malloc((size_t)n * t * sizeof *r);
    if (!r)
        return SP_ENOMEM;
    for (int s = 0; s < t; s++) {
        double mean = sp_dstat_mean(x + (size_t)s * n, n);
        if (!(mean > 0.0)) {
            free(r);
            return sp_error_set(SP_EDATA, "period %d: the mean is %g; relative values need a "
                                          "positive mean", s + 1, mean);
        }
        for (int i = 0; i < n; i++)
            r[(size_t)s * n + i] = x[(size_t)s * n + i] / mean;
    }
    *out = r;
    return SP_OK;
}

/* SP_EDATA when all m values of v are equal (what names them). */
static int not_constant(const double *v, long m, const char *what, int k)
{
    for (long i = 1; i < m; i++)
        if (v[i] != v[0])
            return SP_OK;
    return sp_error_set(SP_EDATA, "%s: all %ld values are %g: quantiles cannot form %d classes",
                        what, m, v[0], k);
}

/* 1 when some break equals the one before (ties). */
static int repeats(const double *b, int k)
{
    for (int c = 1; c < k; c++)
        if (b[c] == b[c - 1])
            return 1;
    return 0;
}

/* Quantile breaks per period or pooled, then each value's class. */
static int classify_quantiles(const double *x, int n, int t, sp_markov_classes *c, int *cls,
                              double *breaks)
{
    int k = c->k, rc = SP_OK;
    long nt = (long)n * t;
    double bpool[SP_MARKOV_MAX_STATES], *b = bpool;
    char what[64];
    if (c->scheme == SP_MARKOV_POOLED) {
        if (nt < k)
            return sp_error_set(SP_EDATA, "%ld values for %d classes", nt, k);
        if ((rc = not_constant(x, nt, "the variable", k)) ||
            (rc = sp_classify_quantile(x, (int)nt, k, b)))
            return rc;
        sp_classify_assign(x, (int)nt, b, k, cls);
        c->repeated = repeats(b, k);
        if (breaks)
            memcpy(breaks, b, (size_t)k * sizeof *b);
        return SP_OK;
    }
    if (n < k)
        return sp_error_set(SP_EDATA, "%d units for %d classes per period: fewer units than "
                                      "classes", n, k);
    for (int s = 0; s < t && !rc; s++) {
        const double *xs = x + (size_t)s * n;
        snprintf(what, sizeof what, "period %d", s + 1);
        if (!(rc = not_constant(xs, n, what, k)) && !(rc = sp_classify_quantile(xs, n, k, b))) {
            sp_classify_assign(xs, n, b, k, cls + (size_t)s * n);
            c->repeated += repeats(b, k);
            if (breaks)
                memcpy(breaks + (size_t)s * k, b, (size_t)k * sizeof *b);
        }
    }
    return rc;
}

/* bsearch order of doubles. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The distinct values as states (at most SP_MARKOV_MAX_STATES). */
static int classify_discrete(const double *x, long nt, sp_markov_classes *c, int *cls,
                             double **states)
{
    double *v = sp_malloc((size_t)nt * sizeof *v);
    if (!v)
        return SP_ENOMEM;
    memcpy(v, x, (size_t)nt * sizeof *v);
    sp_dstat_sort(v, (int)nt);
    int m = 0;
    for (long i = 0; i < nt; i++)
        if (!m || v[i] != v[m - 1]) {
            if (m == SP_MARKOV_MAX_STATES) {
                free(v);
                return sp_error_set(SP_EDATA, "more than %d distinct values: not discrete "
                                              "states", SP_MARKOV_MAX_STATES);
            }
            v[m++] = v[i];
        }
    if (m < 2) {
        double v0 = v[0];
        free(v);
        return sp_error_set(SP_EDATA, "all %ld values are %g: one state, no chain", nt, v0);
    }
    for (long i = 0; i < nt; i++) {
        double *hit = bsearch(&x[i], v, (size_t)m, sizeof *v, cmp_double);
        cls[i] = (int)(hit - v);
    }
    c->k = m;
    if (states)
        *states = v;
    else
        free(v);
    return SP_OK;
}

/* Classes by the scheme of c (sp_markov.h), after the relative scaling. */
int sp_markov_classify(const double *x, int n, int t, sp_markov_classes *c, int *cls,
                       double **states, double *breaks)
{
    if (states)
        *states = NULL;
    if (n < 1 || t < 1)
        return sp_error_set(SP_EUSAGE, "a Markov chain needs units and periods");
    if (c->scheme != SP_MARKOV_DISCRETE && (c->k < 2 || c->k > SP_MARKOV_MAX_STATES))
        return sp_error_set(SP_EUSAGE, "the number of classes must be 2..%d (got %d)",
                            SP_MARKOV_MAX_STATES, c->k);
    c->repeated = 0;
    double *rel = NULL;
    int rc = c->relative ? relative_copy(x, n, t, &rel) : SP_OK;
    const double *v = rel ? rel : x;
    long nt = (long)n * t;
    if (rc)
        return rc;
    if (c->scheme == SP_MARKOV_DISCRETE) {
        rc = classify_discrete(v, nt, c, cls, states);
    } else if (c->scheme == SP_MARKOV_CUTOFFS) {
        double b[SP_MARKOV_MAX_STATES];
        if (!(rc = sp_classify_user(c->cutoffs, c->k - 1, b))) {
            sp_classify_assign(v, (int)nt, b, c->k, cls);
            if (breaks)
                memcpy(breaks, b, (size_t)c->k * sizeof *b);
        }
    } else {
        rc = classify_quantiles(v, n, t, c, cls, breaks);
    }
    free(rel);
    return rc;
}

/* ---- counts and chains */

long sp_markov_count(const int *cls, const int *lcls, int n, int t, int k, int lag,
                     const unsigned char *skip, double *counts)
{
    long skipped = 0;
    for (int s = 0; s + lag < t; s++)
        for (int i = 0; i < n; i++) {
            int a = cls[(size_t)s * n + i], b = cls[(size_t)(s + lag) * n + i];
            int l = lcls ? lcls[(size_t)s * n + i] : 0;
            if (a >= 0 && b >= 0 && l >= 0 && skip && skip[s])
                skipped++;
            else if (a >= 0 && b >= 0 && l >= 0)
                counts[((size_t)l * k + a) * k + b] += 1.0;
        }
    return skipped;
}

/* Solves A y = b (m x m, row-major, overwritten) by Gaussian elimination with
 * partial pivoting; SP_ENUMERIC when A is singular. */
static int solve(double *A, double *b, int m)
{
    for (int c = 0; c < m; c++) {
        int piv = c;
        for (int r = c + 1; r < m; r++)
            if (fabs(A[r * m + c]) > fabs(A[piv * m + c]))
                piv = r;
        if (!(fabs(A[piv * m + c]) > 1e-300))
            return sp_error_set(SP_ENUMERIC, "singular system in the mean first passage times");
        if (piv != c) {
            for (int j = 0; j < m; j++) {
                double tmp = A[c * m + j];
                A[c * m + j] = A[piv * m + j];
                A[piv * m + j] = tmp;
            }
            double tmp = b[c];
            b[c] = b[piv];
            b[piv] = tmp;
        }
        for (int r = c + 1; r < m; r++) {
            double f = A[r * m + c] / A[c * m + c];
            for (int j = c; j < m; j++)
                A[r * m + j] -= f * A[c * m + j];
            b[r] -= f * b[c];
        }
    }
    for (int c = m - 1; c >= 0; c--) {
        double s = b[c];
        for (int j = c + 1; j < m; j++)
            s -= A[c * m + j] * b[j];
        b[c] = s / A[c * m + c];
    }
    return SP_OK;
}

/* GTH (Grassmann-Taksar-Heyman) stationary distribution of the c x c
 * stochastic matrix A (overwritten) into x: elimination from the last state,
 * scale_k = sum_{j<k} a_kj, a_ik /= scale_k, a_ij += a_ik a_kj (i, j < k);
 * then x_0 = 1, x_k = sum_{i<k} x_i a_ik, normalised. */
static void gth(double *A, int c, double *x)
{
    for (int k = c - 1; k > 0; k--) {
        double scale = 0.0;
        for (int j = 0; j < k; j++)
            scale += A[k * c + j];
        for (int i = 0; i < k; i++)
            A[i * c + k] /= scale;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                A[i * c + j] += A[i * c + k] * A[k * c + j];
    }
    double sum = x[0] = 1.0;
    for (int k = 1; k < c; k++) {
        x[k] = 0.0;
        for (int i = 0; i < k; i++)
            x[k] += x[i] * A[i * c + k];
        sum += x[k];
    }
    for (int k = 0; k < c; k++)
        x[k] /= sum;
}

/* reach[i k + j] = 1 when j can be reached from i in >= 0 steps of P (k x k). */
static void reachability(const double *P, int k, const int *active, unsigned char *reach)
{
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            reach[i * k + j] = active[i] && active[j] && (i == j || P[i * k + j] > 0.0);
    for (int m = 0; m < k; m++)
        for (int i = 0; i < k; i++)
            if (reach[i * k + m])
                for (int j = 0; j < k; j++)
                    reach[i * k + j] |= reach[m * k + j];
}

/* The stationary distribution of every closed communicating class of the
 * active states: C->steadies (nrecurrent x k). */
static int steady_states(const double *P, int k, const int *active, const unsigned char *reach,
                         sp_markov_chain *C)
{
    int *members = sp_malloc((size_t)k * sizeof *members);
    double *A = sp_malloc((size_t)k * k * sizeof *A), *x = sp_malloc((size_t)k * sizeof *x);
    C->steadies = sp_calloc((size_t)k * k, sizeof *C->steadies);
    int rc = members && A && x && C->steadies ? SP_OK : SP_ENOMEM;
    for (int i = 0; i < k && !rc; i++) {
        int first = active[i], closed = active[i], c = 0;
        for (int j = 0; j < k && first; j++)      /* i is its class's lowest member */
            if (j < i && reach[i * k + j] && reach[j * k + i])
                first = 0;
        for (int j = 0; j < k && first; j++)
            if (reach[i * k + j] && reach[j * k + i])
                members[c++] = j;
            else if (reach[i * k + j])
                closed = 0;                        /* a way out of the class */
        if (!first || !closed)
            continue;
        for (int a = 0; a < c; a++)
            for (int b = 0; b < c; b++)
                A[a * c + b] = P[members[a] * k + members[b]];
        gth(A, c, x);
        for (int a = 0; a < c; a++)
            C->steadies[(size_t)C->nrecurrent * k + members[a]] = x[a];
        C->nrecurrent++;
    }
    free(members);
    free(A);
    free(x);
    return rc;
}

/* can[i] = 1 when state i reaches `target` in P without leaving through
 * `stop` (whose transitions are cut); backward search over active states. */
static void reaches(const double *P, int k, const int *active, const unsigned char *target,
                    int stop, unsigned char *can)
{
    for (int i = 0; i < k; i++)
        can[i] = target[i];
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < k; i++)
            if (!can[i] && active[i] && i != stop)
                for (int j = 0; j < k; j++)
                    if (can[j] && P[i * k + j] > 0.0) {
                        can[i] = changed = 1;
                        break;
                    }
    }
}

/* Column j of the mean first passage times: finite for the states from which
 * j is hit with probability 1 (no path, avoiding j, to a state that cannot
 * reach j), where (I - P_SS) m_S = 1; the recurrence time m_jj. */
static int mfpt_column(const double *P, int k, const int *active, int j, double *A, double *b,
                       unsigned char *buf, double *M)
{
    unsigned char *isj = buf, *toj = buf + k, *lost = buf + 2 * k, *bad = buf + 3 * k;
    int idx[SP_MARKOV_MAX_STATES], m = 0;
    for (int i = 0; i < k; i++)
        isj[i] = i == j;
    reaches(P, k, active, isj, j, toj);
    for (int i = 0; i < k; i++)
        lost[i] = active[i] && !toj[i];
    reaches(P, k, active, lost, j, bad);
    for (int i = 0; i < k; i++) {
        M[i * k + j] = active[i] ? INFINITY : NAN;
        if (active[i] && i != j && !bad[i])
            idx[m++] = i;
    }
    for (int a = 0; a < m; a++) {
        for (int c = 0; c < m; c++)
            A[a * m + c] = (a == c) - P[idx[a] * k + idx[c]];
        b[a] = 1.0;
    }
    int rc = m ? solve(A, b, m) : SP_OK;
    if (rc)
        return rc;
    for (int a = 0; a < m; a++)
        M[idx[a] * k + j] = b[a];
    double rec = 1.0;
    for (int l = 0; l < k; l++)
        if (l != j && P[j * k + l] > 0.0)
            rec += P[j * k + l] * M[l * k + j];
    M[j * k + j] = rec;
    return SP_OK;
}

/* Steady states and mean first passage times of the filled matrix over the
 * classes that occur in counts. */
static int derived(const double *counts, int k, sp_markov_chain *C)
{
    double *F = sp_malloc((size_t)k * k * sizeof *F), *A = sp_malloc((size_t)k * k * sizeof *A);
    double *b = sp_malloc((size_t)k * sizeof *b);
    unsigned char *reach = sp_malloc((size_t)k * k + 4 * (size_t)k);
    int active[SP_MARKOV_MAX_STATES];
    C->mfpt = sp_malloc((size_t)k * k * sizeof *C->mfpt);
    int rc = F && A && b && reach && C->mfpt ? SP_OK : SP_ENOMEM;
    for (int i = 0; i < k && !rc; i++) {
        double col = 0.0;
        for (int r = 0; r < k; r++)
            col += counts[r * k + i];
        active[i] = C->n[i] > 0.0 || col > 0.0;
        for (int j = 0; j < k; j++)
            F[i * k + j] = C->n[i] > 0.0 ? C->p[i * k + j] : (i == j && active[i]);
    }
    if (!rc) {
        reachability(F, k, active, reach);
        rc = steady_states(F, k, active, reach, C);
    }
    for (int j = 0; j < k && !rc; j++)
        if (active[j])
            rc = mfpt_column(F, k, active, j, A, b, reach + (size_t)k * k, C->mfpt);
        else
            for (int i = 0; i < k; i++)
                C->mfpt[i * k + j] = NAN;
    if (!rc && C->nrecurrent == 1)
        C->steady = C->steadies;
    free(F);
    free(A);
    free(b);
    free(reach);
    return rc;
}

/* P (empty rows 0, or 1 on the diagonal), n, Prais, then steady states and passage times. */
int sp_markov_chain_from(const double *counts, int k, int fill_empty, sp_markov_chain *C)
{
    memset(C, 0, sizeof *C);
    if (k < 1 || k > SP_MARKOV_MAX_STATES)
        return sp_error_set(SP_EUSAGE, "a chain needs 1..%d states (got %d)",
                            SP_MARKOV_MAX_STATES, k);
    C->k = k;
    C->counts = sp_malloc((size_t)k * k * sizeof *C->counts);
    C->p = sp_calloc((size_t)k * k, sizeof *C->p);
    C->n = sp_calloc((size_t)k, sizeof *C->n);
    C->prais = sp_malloc((size_t)k * sizeof *C->prais);
    int rc = C->counts && C->p && C->n && C->prais ? SP_OK : SP_ENOMEM;
    for (int i = 0; i < k && !rc; i++) {
        for (int j = 0; j < k; j++)
            C->n[i] += C->counts[i * k + j] = counts[i * k + j];
        for (int j = 0; j < k; j++)
            C->p[i * k + j] = C->n[i] > 0.0 ? counts[i * k + j] / C->n[i]
                                            : (double)(fill_empty && i == j);
        C->prais[i] = C->n[i] > 0.0 ? 1.0 - C->p[i * k + i] : NAN;
        C->nempty += C->n[i] == 0.0;
    }
    if (!rc)
        rc = derived(counts, k, C);
    if (rc)
        sp_markov_chain_free(C);
    return rc;
}

/* Frees a chain's arrays (a zeroed chain too). */
void sp_markov_chain_free(sp_markov_chain *C)
{
    free(C->counts);
    free(C->p);
    free(C->n);
    free(C->prais);
    free(C->steadies);
    free(C->mfpt);
    memset(C, 0, sizeof *C);
}

/* ---- tests */

static double chisq_q(double x, int df)
{
    return df > 0 && isfinite(x) ? gsl_cdf_chisq_Q(x, df) : NAN;
}

/* One lag class's contributions to Q and LR (T_l against pooled p). */
static void homog_block(const double *Tl, const double *p, int k, double *Q, double *LR,
                        int *b)
{
    for (int i = 0; i < k; i++) {
        double nil = 0.0;
        for (int j = 0; j < k; j++)
            nil += Tl[i * k + j];
        if (nil > 0.0)
            b[i]++;
        for (int j = 0; j < k && nil > 0.0; j++) {
            double pl = Tl[i * k + j] / nil, d = pl - p[i * k + j];
            if (p[i * k + j] > 0.0)
                *Q += nil * d * d / p[i * k + j];
            if (Tl[i * k + j] > 0.0 && p[i * k + j] > 0.0)
                *LR += Tl[i * k + j] * log(pl / p[i * k + j]);
        }
    }
}

/* Bickenbach-Bode Q and LR of m conditional count matrices against their sum. */
int sp_markov_homogeneity(const double *T, int m, int k, sp_markov_homog *h)
{
    memset(h, 0, sizeof *h);
    double *p = sp_calloc((size_t)k * k, sizeof *p);
    if (!p)
        return SP_ENOMEM;
    int b[SP_MARKOV_MAX_STATES] = {0};
    for (int i = 0; i < k; i++) {
        double ni = 0.0;
        for (int j = 0; j < k; j++) {
            for (int l = 0; l < m; l++)
                p[i * k + j] += T[((size_t)l * k + i) * k + j];
            ni += p[i * k + j];
        }
        for (int j = 0; j < k && ni > 0.0; j++)
            p[i * k + j] /= ni;
    }
    for (int l = 0; l < m; l++)
        homog_block(T + (size_t)l * k * k, p, k, &h->Q, &h->LR, b);
    h->LR *= 2.0;
    for (int i = 0; i < k; i++) {
        int a = 0;
        for (int j = 0; j < k; j++)
            a += p[i * k + j] > 0.0;
        if (b[i] > 0 && a > 0)
            h->df += (b[i] - 1) * (a - 1);
    }
    h->p_Q = chisq_q(h->Q, h->df);
    h->p_LR = chisq_q(h->LR, h->df);
    free(p);
    return SP_OK;
}

/* giddy chi2: T1 against the row probabilities of T2, df from the non-empty rows. */
void sp_markov_chi2(const double *T1, const double *T2, int k, double *x2, int *df, double *p)
{
    int r1 = 0, r2 = 0;
    double s = 0.0;
    for (int i = 0; i < k; i++) {
        double n1 = 0.0, n2 = 0.0;
        for (int j = 0; j < k; j++) {
            n1 += T1[i * k + j];
            n2 += T2[i * k + j];
        }
        r1 += n1 > 0.0;
        r2 += n2 > 0.0;
        for (int j = 0; j < k; j++) {
            double e = n2 > 0.0 ? n1 * T2[i * k + j] / n2 : 0.0, d = T1[i * k + j] - e;
            s += d * d / (e > 0.0 ? e : 1.0);   /* giddy: E + (E == 0) */
        }
    }
    *x2 = s;
    *df = (r1 - 1) * (r2 - 1);
    *p = chisq_q(s, *df);
}

/* giddy shtest: the conditional steady state S against s over nt transitions. */
sp_markov_test sp_markov_shtest(const double *s, const double *S, int k, double nt)
{
    sp_markov_test t = {NAN, NAN, 0};
    if (!s || !S || !(nt > 0.0))
        return t;
    double x2 = 0.0;
    int used = 0;
    for (int j = 0; j < k; j++) {
        if (s[j] > 0.0) {
            double d = nt * (S[j] - s[j]);
            x2 += d * d / (nt * s[j]);
            used++;
        } else if (S[j] > 0.0) {
            return t;                               /* mass where s has none: 1/0 */
        }
    }
    t.stat = x2;
    t.df = used - 1;
    t.p = chisq_q(x2, t.df);
    return t;
}

/* Own (0 H, 1 L) and lag halves of the quadrants HH, LH, LL, HL. */
static const int lisa_own[4] = {0, 1, 1, 0}, lisa_nb[4] = {0, 0, 1, 1};

/* Row-normalised 2 x 2 chain of the halves half[] of the 4 x 4 counts T. */
static void lisa_half_chain(const double *T, const int *half, double *P)
{
    double N[4] = {0};
    for (int c = 0; c < 4; c++)
        for (int d = 0; d < 4; d++)
            N[half[c] * 2 + half[d]] += T[c * 4 + d];
    for (int a = 0; a < 2; a++) {
        double row = N[a * 2] + N[a * 2 + 1];
        for (int b = 0; b < 2; b++)
            P[a * 2 + b] = row > 0.0 ? N[a * 2 + b] / row : 0.0;
    }
}

/* E_cd = n_c P_own(o_c, o_d) P_lag(l_c, l_d); X2 = giddy chi2(T, E). */
sp_markov_test sp_markov_lisa_independence(const double *T, double *expected)
{
    double Po[4], Pl[4];
    lisa_half_chain(T, lisa_own, Po);
    lisa_half_chain(T, lisa_nb, Pl);
    for (int c = 0; c < 4; c++) {
        double nc = 0.0;
        for (int d = 0; d < 4; d++)
            nc += T[c * 4 + d];
        for (int d = 0; d < 4; d++)
            expected[c * 4 + d] = nc * Po[lisa_own[c] * 2 + lisa_own[d]] *
                                  Pl[lisa_nb[c] * 2 + lisa_nb[d]];
    }
    sp_markov_test t;
    sp_markov_chi2(T, expected, 4, &t.stat, &t.df, &t.p);
    return t;
}

/* ---- spatial lags */

void sp_markov_lag(const int *wp, const int *wj, const double *wx, const double *x, int n,
                   int t, double *lag)
{
    for (int s = 0; s < t; s++) {
        const double *xs = x + (size_t)s * n;
        for (int i = 0; i < n; i++) {
            double v = 0.0;
            for (int e = wp[i]; e < wp[i + 1]; e++)
                v += wx[e] * xs[wj[e]];
            lag[(size_t)s * n + i] = v;
        }
    }
}

/* Weighted mode of the neighbours' classes, ties to the own class, else the lowest. */
void sp_markov_lag_discrete(const int *wp, const int *wj, const double *wx, const int *cls,
                            int n, int t, int k, int *lcls)
{
    double wsum[SP_MARKOV_MAX_STATES];
    for (int s = 0; s < t; s++)
        for (int i = 0; i < n; i++) {
            const int *cs = cls + (size_t)s * n;
            int best = -1;
            for (int c = 0; c < k; c++)
                wsum[c] = 0.0;
            for (int e = wp[i]; e < wp[i + 1]; e++)
                if (cs[wj[e]] >= 0)
                    wsum[cs[wj[e]]] += wx[e];
            for (int c = 0; c < k; c++)
                if (wsum[c] > 0.0 && (best < 0 || wsum[c] > wsum[best]))
                    best = c;
            if (best >= 0 && cs[i] >= 0 && cs[i] != best && wsum[cs[i]] == wsum[best])
                best = cs[i];
            lcls[(size_t)s * n + i] = best;
        }
}

/* ---- whole runs */

/* m quantile classes of the lag values of the units with neighbours (nb). */
static int lag_quantiles(const double *lag, const unsigned char *nb, int n, int t, int pooled,
                         int m, int *lcls, double *lbreaks, int *repeated)
{
    double *buf = sp_malloc((size_t)n * t * sizeof *buf + 1);
    if (!buf)
        return SP_ENOMEM;
    int rc = SP_OK, groups = pooled ? 1 : t, per = pooled ? t : 1;
    char what[64];
    for (int g = 0; g < groups && !rc; g++) {
        long c = 0;
        for (int s = g * per; s < (g + 1) * per; s++)
            for (int i = 0; i < n; i++)
                if (nb[i])
                    buf[c++] = lag[(size_t)s * n + i];
        double *b = lbreaks + (size_t)g * m;
        if (pooled)
            snprintf(what, sizeof what, "the spatial lag");
        else
            snprintf(what, sizeof what, "period %d: the spatial lag", g + 1);
        if (c < m)
            rc = sp_error_set(SP_EDATA, "%s: %ld units with neighbours for %d lag classes", what,
                              c, m);
        else if (!(rc = not_constant(buf, c, what, m)) &&
                 !(rc = sp_classify_quantile(buf, (int)c, m, b)))
            *repeated += repeats(b, m);
        for (int s = g * per; s < (g + 1) * per && !rc; s++)
            for (int i = 0; i < n; i++)
                lcls[(size_t)s * n + i] = nb[i] ? sp_classify_one(lag[(size_t)s * n + i], b, m)
                                                : -1;
    }
    free(buf);
    return rc;
}

/* Lag classes of the continuous (relative) values v into r->lcls. */
static int lag_classes(const double *v, const sp_csr *w, const unsigned char *nb,
                       const sp_markov_opts *o, sp_markov_result *r)
{
    int n = r->n, t = r->t, m = o->m;
    double *lag = sp_malloc((size_t)n * t * sizeof *lag);
    int pooled = o->cls.scheme == SP_MARKOV_POOLED || o->lag_cutoffs;
    r->nlag_breaks = pooled ? 1 : t;
    r->lag_breaks = sp_malloc((size_t)r->nlag_breaks * m * sizeof *r->lag_breaks);
    if (!lag || !r->lag_breaks) {
        free(lag);
        return SP_ENOMEM;
    }
    sp_markov_lag(w->p, w->j, w->x, v, n, t, lag);
    int rc = SP_OK, dummy = 0;
    if (o->lag_cutoffs) {
        if (!(rc = sp_classify_user(o->lag_cutoffs, m - 1, r->lag_breaks)))
            for (long c = 0; c < (long)n * t; c++)
                r->lcls[c] = nb[c % n] ? sp_classify_one(lag[c], r->lag_breaks, m) : -1;
    } else {
        rc = lag_quantiles(lag, nb, n, t, pooled, m, r->lcls, r->lag_breaks, &dummy);
        r->repeated += dummy;
    }
    free(lag);
    return rc;
}

/* Conditional chains, homogeneity and per-lag-class chi-square. */
static int spatial_chains(const sp_markov_opts *o, sp_markov_result *r)
{
    int k = r->k, m = r->m;
    double *T = sp_calloc((size_t)m * k * k, sizeof *T);
    r->cond = sp_calloc((size_t)m, sizeof *r->cond);
    r->chi2 = sp_malloc((size_t)m * 2 * sizeof *r->chi2);
    r->chi2_df = sp_malloc((size_t)m * sizeof *r->chi2_df);
    r->shtest = sp_malloc((size_t)m * sizeof *r->shtest);
    int rc = T && r->cond && r->chi2 && r->chi2_df && r->shtest ? SP_OK : SP_ENOMEM;
    r->x2 = (sp_markov_test){0.0, NAN, 0};
    if (!rc) {
        r->chi2_p = r->chi2 + m;
        sp_markov_count(r->cls, r->lcls, r->n, r->t, k, o->lag, o->skip, T);
    }
    for (int l = 0; l < m && !rc; l++) {
        rc = sp_markov_chain_from(T + (size_t)l * k * k, k, o->fill_empty, &r->cond[l]);
        sp_markov_chi2(T + (size_t)l * k * k, r->chain.counts, k, &r->chi2[l], &r->chi2_df[l],
                       &r->chi2_p[l]);
        double nt = 0.0;
        for (int c = 0; !rc && c < k; c++)
            nt += r->cond[l].n[c];
        if (!rc)
            r->shtest[l] = sp_markov_shtest(r->chain.steady, r->cond[l].steady, k, nt);
        r->x2.stat += r->chi2[l];
        r->x2.df += r->chi2_df[l] > 0 ? r->chi2_df[l] : 0;
    }
    r->x2.p = chisq_q(r->x2.stat, r->x2.df);
    if (!rc)
        rc = sp_markov_homogeneity(T, m, k, &r->homog);
    free(T);
    return rc;
}

/* The classic chain of r->cls over o->lag. */
static int classic_chain(const sp_markov_opts *o, sp_markov_result *r)
{
    double *counts = sp_calloc((size_t)r->k * r->k, sizeof *counts);
    if (!counts)
        return SP_ENOMEM;
    r->skipped = sp_markov_count(r->cls, NULL, r->n, r->t, r->k, o->lag, o->skip, counts);
    int rc = sp_markov_chain_from(counts, r->k, o->fill_empty, &r->chain);
    free(counts);
    return rc;
}

/* Common set-up: sizes, the lag check, the class array. */
static int result_init(int n, int t, int lag, sp_markov_result *r)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->t = t;
    if (n < 1 || t < 1)
        return sp_error_set(SP_EUSAGE, "a Markov chain needs units and periods");
    if (lag < 1)
        return sp_error_set(SP_EUSAGE, "the transition lag must be at least 1 (got %d)", lag);
    if (lag >= t)
        return sp_error_set(SP_EDATA, "a lag of %d period%s needs more than %d periods (the "
                                      "panel has %d)", lag, lag == 1 ? "" : "s", lag, t);
    r->cls = sp_malloc((size_t)n * t * sizeof *r->cls);
    return r->cls ? SP_OK : SP_ENOMEM;
}

/* Units with at least one neighbour (nb: n flags); their count in r->islands. */
static unsigned char *neighbour_flags(const sp_csr *w, sp_markov_result *r)
{
    unsigned char *nb = sp_malloc((size_t)r->n + 1);
    for (int i = 0; nb && i < r->n; i++) {
        nb[i] = w->p[i + 1] > w->p[i];
        r->islands += !nb[i];
    }
    return nb;
}

/* The variable's classes (of v, already relative) into r. */
static int own_classes(const double *v, const sp_markov_opts *o, sp_markov_result *r)
{
    sp_markov_classes c = o->cls;
    c.relative = 0;
    int k = c.scheme == SP_MARKOV_DISCRETE ? 0 : c.k;
    r->nbreaks = c.scheme == SP_MARKOV_PERIOD ? r->t : 1;
    if (k && !(r->breaks = sp_malloc((size_t)r->nbreaks * k * sizeof *r->breaks)))
        return SP_ENOMEM;
    int rc = sp_markov_classify(v, r->n, r->t, &c, r->cls, &r->states, r->breaks);
    r->k = c.k;
    r->repeated = c.repeated;
    return rc;
}

/* Classes, the classic chain, and with w the lag classes and conditional chains. */
int sp_markov_run(const double *x, int n, int t, const sp_csr *w, const sp_markov_opts *o,
                  sp_markov_result *r)
{
    int rc = result_init(n, t, o->lag, r);
    double *rel = NULL;
    if (!rc && o->cls.relative)
        rc = relative_copy(x, n, t, &rel);
    const double *v = rel ? rel : x;
    if (!rc)
        rc = own_classes(v, o, r);
    if (!rc)
        rc = classic_chain(o, r);
    if (!rc && w) {
        int discrete = o->cls.scheme == SP_MARKOV_DISCRETE;
        unsigned char *nb = neighbour_flags(w, r);
        r->m = discrete ? r->k : o->m;
        r->lcls = sp_malloc((size_t)n * t * sizeof *r->lcls);
        if (!nb || !r->lcls)
            rc = SP_ENOMEM;
        else if (r->m < 2 || r->m > SP_MARKOV_MAX_STATES)
            rc = sp_error_set(SP_EUSAGE, "the number of lag classes must be 2..%d (got %d)",
                              SP_MARKOV_MAX_STATES, r->m);
        else if (discrete)
            sp_markov_lag_discrete(w->p, w->j, w->x, r->cls, n, t, r->k, r->lcls);
        else
            rc = lag_classes(v, w, nb, o, r);
        free(nb);
        if (!rc)
            rc = spatial_chains(o, r);
    }
    free(rel);
    if (rc)
        sp_markov_result_free(r);
    return rc;
}

/* State names in giddy's quadrant order. */
const char *sp_markov_lisa_name(int c)
{
    static const char *const names[] = {"HH", "LH", "LL", "HL"};
    return c >= 0 && c < 4 ? names[c] : "";
}

/* LISA quadrants of every period (sp_lisa) as states, then the classic chain. */
int sp_markov_lisa(const double *x, int n, int t, const sp_csr *w, int lag, int fill_empty,
                   const unsigned char *skip, sp_markov_result *r)
{
    /* spill's quadrant codes (sp_lisa.h) to giddy's order HH, LH, LL, HL */
    static const int order[5] = {-1, 0, 2, 1, 3};
    int rc = result_init(n, t, lag, r);
    sp_lisa_opts lo = {.scale = SP_LISA_SAMPLE, .alpha = 0.05, .perm = {.threads = 1}};
    char what[64];
    for (int s = 0; s < t && !rc; s++) {
        sp_lisa *L;
        snprintf(what, sizeof what, "period %d", s + 1);
        if ((rc = sp_lisa_compute(w, x + (size_t)s * n, what, &lo, &L)))
            break;
        for (int i = 0; i < n; i++)
            r->cls[(size_t)s * n + i] = order[L->quad[i] <= 4 ? L->quad[i] : 0];
        sp_lisa_free(L);
    }
    r->k = 4;
    sp_markov_opts o = {.lag = lag, .fill_empty = fill_empty, .skip = skip};
    if (!rc)
        rc = classic_chain(&o, r);
    if (!rc && !(r->expected = sp_malloc(16 * sizeof *r->expected)))
        rc = SP_ENOMEM;
    if (!rc)
        r->independence = sp_markov_lisa_independence(r->chain.counts, r->expected);
    if (rc)
        sp_markov_result_free(r);
    return rc;
}

/* Frees everything a run filled. */
void sp_markov_result_free(sp_markov_result *r)
{
    free(r->cls);
    free(r->states);
    free(r->breaks);
    free(r->lcls);
    free(r->lag_breaks);
    sp_markov_chain_free(&r->chain);
    for (int l = 0; r->cond && l < r->m; l++)
        sp_markov_chain_free(&r->cond[l]);
    free(r->cond);
    free(r->chi2);
    free(r->chi2_df);
    free(r->shtest);
    free(r->expected);
    memset(r, 0, sizeof *r);
}
