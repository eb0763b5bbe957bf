/* sp_gini: inequality of a non-negative variable across units: the Gini
 * coefficient and Dagum's (1997) decomposition by groups, Theil's T and L
 * with their within/between split, and the (population-weighted) coefficient
 * of variation.  Formulas and their sources: docs/distribution.md.
 *
 * Gini (no n - 1 correction; pysal inequality's and Dagum's):
 *   G = sum_i sum_r |y_i - y_r| / (2 n^2 ybar)
 * computed from the sorted values, sum_i sum_r |.| = 2 sum_i (2i - n - 1) y_(i).
 *
 * Dagum: groups j = 1..k ordered by increasing mean (ybar_1 <= ... <= ybar_k,
 * as Dagum requires, so that D_jh >= 0 for j > h; equal means keep the
 * caller's order), p_j = n_j / n, s_j = n_j ybar_j / (n ybar),
 *   G_jj = S_jj / (2 n_j^2 ybar_j),  G_jh = S_jh / (n_j n_h (ybar_j + ybar_h)),
 *   S_jh = sum_{i in j} sum_{r in h} |y_i - y_r|,
 *   D_jh = (d_jh - p_jh) / (d_jh + p_jh) = (ybar_j - ybar_h) / (S_jh / (n_j n_h)),
 *   G_w = sum_j G_jj p_j s_j,
 *   G_nb = sum_{j>h} G_jh (p_j s_h + p_h s_j) D_jh,
 *   G_t = sum_{j>h} G_jh (p_j s_h + p_h s_j) (1 - D_jh),  G = G_w + G_nb + G_t.
 * Population-weighted (sp_gini_weighted, sp_gini_dagum_weighted): unit i
 * counts w_i times (w the population), so every sum over pairs carries
 * w_i w_r, n_j and n become the populations W_j and W (p_j = W_j / W the
 * population shares, s_j = W_j ybar_j / (W ybar) the income shares, ybar_j
 * and ybar population-weighted means, groups ordered by them):
 *   G = sum_i sum_r w_i w_r |y_i - y_r| / (2 W^2 ybar),
 *   G_jj = S_jj / (2 W_j^2 ybar_j),  G_jh = S_jh / (W_j W_h (ybar_j + ybar_h)),
 *   S_jh = sum_{i in j} sum_{r in h} w_i w_r |y_i - y_r|,
 *   D_jh = (ybar_j - ybar_h) / (S_jh / (W_j W_h)); G = G_w + G_nb + G_t still.
 * Every S_jh comes from a merge of the two sorted groups with cumulative sums
 * (O(n_j + n_h)), never from the n_j n_h pairs.
 *
 * Theil (s_i = y_i / sum y; 0 ln 0 = 0):
 *   T = sum_i s_i ln(n s_i),  T_between = sum_g s_g ln(s_g n / n_g),
 *   T_within = sum_g s_g T_g = T - T_between;
 *   L = (1/n) sum_i ln(ybar / y_i) (needs y > 0),  L_between = sum_g p_g ln(ybar / ybar_g),
 *   L_within = sum_g p_g L_g.
 * CV = sqrt(sum_i w_i (y_i - ybar_w)^2 / (sum w - ddof)) / ybar_w with ybar_w
 * the w-weighted mean: w = 1 gives the plain CV (ddof 0: divisor n, ddof 1:
 * n - 1), w = population gives Williamson's weighted CV (ddof 0).
 *
 * Errors (sp_error.h): SP_EDATA for a negative value (naming the unit when
 * ids is not NULL), fewer than 2 units, an all-zero variable or group
 * (undefined Gini), an empty group, a negative or all-zero weight (also
 * within a group for the weighted decomposition).
 * Ownership: sp_gini_dagum fills a struct whose arrays it allocates;
 * sp_gini_dagum_free releases them (also after a failure, harmlessly). */
#ifndef SP_GINI_H
#define SP_GINI_H

/* Gini of y[0..n-1] (y >= 0, mean > 0). */
int sp_gini_plain(const double *y, int n, const char *const *ids, const char *what, double *g);
/* The population-weighted Gini (w[i] >= 0, w NULL: sp_gini_plain). */
int sp_gini_weighted(const double *y, const double *w, int n, const char *const *ids,
                     const char *what, double *g);

typedef struct sp_gini_dagum {
    int n, k;
    double total;   /* the population W (n without weights) */
    double mean, gini;
    double within, between, transvariation;   /* G_w, G_nb, G_t */
    double pct_within, pct_between, pct_transvariation;  /* 100 G_w / G, ... */
    int *order;     /* order[j]: the caller's code of the j-th group by increasing mean */
    int *size;      /* n_j */
    double *gmean;  /* ybar_j (population-weighted with weights) */
    double *weight; /* W_j, the group's population (n_j without weights) */
    double *gjj;    /* G_jj */
    double *gjh;    /* k x k row-major, G_jh (G_jj on the diagonal) */
    double *djh;    /* k x k, D_jh (>= 0 for j > h; D_hj = -D_jh, 0 on the diagonal) */
} sp_gini_dagum;

/* Dagum's decomposition of y[0..n-1] by group[i] in 0..k-1 (every code used). */
int sp_gini_dagum_compute(const double *y, const int *group, int n, int k,
                          const char *const *ids, const char *what, sp_gini_dagum *out);
/* The same with population weights w[i] >= 0 (NULL: unweighted); a group
 * whose weights are all 0 is an error. */
int sp_gini_dagum_weighted(const double *y, const double *w, const int *group, int n, int k,
                           const char *const *ids, const char *what, sp_gini_dagum *out);
void sp_gini_dagum_free(sp_gini_dagum *d);

typedef struct sp_gini_theil {
    double t, t_within, t_between;
    double l, l_within, l_between;  /* NAN (and has_l = 0) when a value is 0 */
    int has_l;
} sp_gini_theil;

/* Theil T and L of y (y >= 0), split by group[i] in 0..k-1 (group may be
 * NULL: then k is ignored and the within and between parts are NAN). */
int sp_gini_theil_compute(const double *y, const int *group, int n, int k,
                          const char *const *ids, const char *what, sp_gini_theil *out);

/* Coefficient of variation of y with weights w (NULL: all 1), divisor
 * sum w - ddof. */
int sp_gini_cv(const double *y, const double *w, int n, int ddof, const char *const *ids,
               const char *what, double *cv);

#endif
