/* sp_index: composite indices from many indicators: normalisation, entropy,
 * CRITIC and coefficient-of-variation weights, the weighted score and the
 * entropy-TOPSIS closeness.  Formulas, sources and disputes:
 * docs/distribution.md.
 *
 * The data are an n x m matrix x (row-major; rows are unit-periods, columns
 * indicators) with a period code per row.  A scope is the set of rows over
 * which normalisation and weights are computed: every row (pooled, the
 * default: the pooled-panel entropy of the papers, N = n T) or the rows of
 * one period (per period).
 *   min-max ("efficacy coefficient")  z = (x - min) / (max - min),
 *                                      negative indicators (max - x) / (max - min)
 *   z-score                           z = (x - mean) / sd (n - 1), negative: -z
 * then, with zeros = SHIFT, z + shift (the papers' 0.0001) everywhere.
 *   entropy  p_ij = z_ij / sum_i z_ij,  e_j = -(1/ln N) sum_i p_ij ln p_ij
 *            (ZEROS_LIMIT: 0 ln 0 = 0),  d_j = 1 - e_j,  w_j = d_j / sum d
 *   CRITIC   (Diakoulaki et al. 1995) on z: C_j = sd_j sum_k (1 - r_jk),
 *            w_j = C_j / sum C (sd with divisor N - 1, Pearson r)
 *   CV       on the raw x: v_j = sd_j / |mean_j| (divisor N - 1), w_j = v_j / sum v
 *   score    s_i = scale sum_j w_j z_ij
 *   TOPSIS   v_ij = w_j z_ij, V+_j = max_i v_ij, V-_j = min_i v_ij within the
 *            scope, D+- = sqrt(sum_j (v_ij - V+-_j)^2), C_i = D- / (D+ + D-).
 *
 * Errors (sp_error.h): SP_EDATA for an indicator constant within a scope, a
 * negative normalised value for the entropy (z-scores), a CV indicator with
 * mean 0, a scope with fewer than 2 rows, all weights 0.  Messages name the
 * indicator and the scope.  Ownership: sp_index_compute allocates the
 * result's arrays; sp_index_free releases them (also after a failure). */
#ifndef SP_INDEX_H
#define SP_INDEX_H

typedef enum sp_index_norm { SP_INDEX_MINMAX, SP_INDEX_ZSCORE } sp_index_norm;
typedef enum sp_index_zeros { SP_INDEX_ZEROS_LIMIT, SP_INDEX_ZEROS_SHIFT } sp_index_zeros;
typedef enum sp_index_method {
    SP_INDEX_ENTROPY, SP_INDEX_TOPSIS, SP_INDEX_CRITIC, SP_INDEX_CV
} sp_index_method;

typedef struct sp_index_opts {
    sp_index_norm norm;
    sp_index_zeros zeros;
    double shift;            /* with SP_INDEX_ZEROS_SHIFT */
    sp_index_method method;
    int per_period;          /* 0: one pooled scope */
    double scale;            /* score multiplier (1 or 100) */
} sp_index_opts;

typedef struct sp_index_result {
    int n, m, nscope;        /* nscope = 1 (pooled) or the number of periods */
    double *e, *d, *w;       /* nscope x m; e and d NAN unless entropy or TOPSIS */
    double *info;            /* nscope x m: d_j, CRITIC's C_j or the CV v_j */
    double *z;               /* n x m normalised (shifted) values */
    double *score;           /* n: the weighted sum (x scale) */
    double *closeness;       /* n: TOPSIS C_i (NULL for other methods) */
} sp_index_result;

/* x: n x m; negative[j] = 1 for a cost indicator; period[i] in 0..nperiods-1;
 * names[j] the indicators and scopes[s] the periods' labels, for messages. */
int sp_index_compute(const double *x, int n, int m, const int *negative, const int *period,
                     int nperiods, const sp_index_opts *o, const char *const *names,
                     const char *const *scopes, sp_index_result *r);
void sp_index_free(sp_index_result *r);

#endif
