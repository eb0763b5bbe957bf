/* sp_markov: discrete Markov chains of a panel's classes (PySAL giddy's
 * Markov, Spatial_Markov and LISA_Markov definitions), their steady states,
 * mean first passage times, Prais mobility and the homogeneity tests.
 *
 * Data layout: a balanced panel of n units and t periods, period by period:
 * x[s n + i] is unit i in period s.  Classes cls[s n + i] are 0..k-1, or -1
 * for "no state" (a LISA island); a transition needs both ends.
 *
 * Classes (sp_markov_classify):
 *   per period (default)  type-7 quantile breaks of each period (giddy
 *                         Spatial_Markov fixed=False; Markov with
 *                         mapclassify.Quantiles per year), k classes;
 *   pooled                one set of quantile breaks over all n t values
 *                         (giddy fixed=True);
 *   cutoffs               user cut-offs c_1 < ... < c_{k-1}: (-inf, c_1], ...,
 *                         (c_{k-1}, inf) (giddy cutoffs, mapclassify
 *                         UserDefined);
 *   discrete              the distinct values, ascending, are the states.
 * relative: each period divided by its mean first (giddy's rpci = pci / mean).
 * Quantile breaks repeated by ties leave the classes above them empty in that
 * period (k is kept; mapclassify would drop the repeated break and renumber).
 *
 * Chain over lag D: n_pq = #{(i, s): cls_s = p, cls_{s+D} = q}, s = 0..t-1-D;
 * P = n_pq / n_p.  A class no unit leaves (n_p = 0) has a zero row in P
 * (giddy's default), or 1 on the diagonal with fill_empty (giddy
 * fill_empty_classes=True); Prais mobility 1 - p_pp is then undefined (NaN,
 * printed "-", JSON null).  Steady state and mean first passage times use the
 * matrix with empty rows filled (an empty class is absorbing, as giddy's
 * Markov.steady_state), over the classes that occur at all: a class no
 * transition starts or ends in is left out (steady-state probability 0, mean
 * first passage times NaN).  Steady states: one stationary distribution per
 * recurrent (closed communicating) class, by the GTH algorithm (quantecon,
 * giddy); `steady` is the unique one, or NULL when there are several.  Mean
 * first passage times m_ij solve (I - P_-j) m_.j = 1 over the states that can
 * reach j (Kemeny & Snell for an ergodic chain); +inf where j is unreachable;
 * m_jj = 1 + sum_l p_jl m_lj (the recurrence time, 1 / pi_j when ergodic).
 *
 * Spatial Markov (Rey 2001, giddy Spatial_Markov): lag classes lcls of the
 * spatial lag W x (W as given, row-standardised by the caller) at the origin
 * period; T_l = the transitions of the units whose lag is in class l.
 * Homogeneity (Bickenbach & Bode 2003, giddy homogeneity): with pooled
 * p_ij = n_ij / n_i and p_ijl = n_ijl / n_il,
 *   Q  = sum_l sum_i n_il sum_j (p_ijl - p_ij)^2 / p_ij          (p_ij > 0)
 *   LR = 2 sum_l sum_ij n_ijl ln(p_ijl / p_ij)                  (n_ijl > 0)
 *   df = sum_i (b_i - 1)(a_i - 1), b_i the lag classes with n_il > 0, a_i the
 *        non-zero entries of pooled row i; p-values chi-square upper tails.
 * Per lag class (giddy chi2(T_l, T)): E_ij = n_il p_ij, X2 = sum (n_ijl -
 * E_ij)^2 / E_ij over E_ij > 0, df = (r_l - 1)(r - 1) with r_l, r the
 * non-empty rows of T_l and of T.
 *
 * Steady-state test per lag class (giddy Spatial_Markov.shtest, Rey et al.
 * 2016): with the classic chain's steady state s, lag class l's S_l and its
 * transitions N_l, X2 = sum_j (N_l S_lj - N_l s_j)^2 / (N_l s_j) over the
 * classes with s_j > 0, df = their number - 1 (giddy: k - 1, the same when
 * every s_j > 0); undefined (NaN) without a unique s or S_l, or when S_l puts
 * mass on a class with s_j = 0 (giddy divides by 0 there).  x2 = sum_l of the
 * per-lag-class chi-squares, df the sum of theirs (giddy's x2 has df
 * k (k - 1)^2, the same when m = k and no row is empty).
 * LISA independence (Rey 2001; giddy LISA_Markov.chi_2, expected_t): a
 * quadrant is a pair (own H/L, lag H/L); under independence of the own and
 * the neighbours' moves the quadrant chain is the Kronecker product of the
 * own chain and the lag chain, each estimated from the margins of the same
 * 4 x 4 transitions: E_cd = n_c P_own(o_c, o_d) P_lag(l_c, l_d); X2 is
 * giddy's chi2(T, E).  (giddy's own code classes each unit against its mean
 * over time and counts "transitions" across units; spill does not copy it,
 * docs/distribution.md.)
 *
 * Ownership: results are caller-owned structs filled by the functions and
 * released with their _free (which also takes a zeroed struct).  Errors
 * follow sp_error.h; messages name "period s" (1-based) or the class. */
#ifndef SP_MARKOV_H
#define SP_MARKOV_H

#include "sp_csr.h"

typedef enum {
    SP_MARKOV_PERIOD,   /* quantiles per period */
    SP_MARKOV_POOLED,   /* quantiles over all periods */
    SP_MARKOV_CUTOFFS,  /* user cut-offs */
    SP_MARKOV_DISCRETE  /* the values are the states */
} sp_markov_scheme;

typedef struct sp_markov_classes {
    sp_markov_scheme scheme;
    int k;                /* classes (in: wanted; out: for discrete, the states) */
    const double *cutoffs;/* SP_MARKOV_CUTOFFS: k - 1 increasing cut-offs */
    int relative;         /* divide each period by its mean first */
    int repeated;         /* out: quantile break sets with a repeated break (ties),
                             whose upper classes are empty */
} sp_markov_classes;

/* Classes of x (n x t) into cls (n t ints).  For SP_MARKOV_DISCRETE, c->k is
 * set to the number of states and *states (may be NULL) receives them (a new
 * array the caller frees); breaks (may be NULL) receives the breaks used:
 * k per period (t k values) for SP_MARKOV_PERIOD, k otherwise (not for
 * discrete).  Errors: SP_EDATA for a period whose mean is not positive with
 * relative, a constant period or variable, more states than 1000 (discrete). */
int sp_markov_classify(const double *x, int n, int t, sp_markov_classes *c, int *cls,
                       double **states, double *breaks);

/* A chain and what is derived from it. */
typedef struct sp_markov_chain {
    int k;
    double *counts;     /* k x k, origin in rows */
    double *p;          /* k x k */
    double *n;          /* k: transitions from each class (row sums) */
    double *prais;      /* k: 1 - p_ii (NaN for an empty row) */
    int nrecurrent;     /* recurrent classes of the filled chain */
    double *steadies;   /* nrecurrent x k stationary distributions */
    double *steady;     /* = steadies when nrecurrent == 1, else NULL */
    double *mfpt;       /* k x k mean first passage times (+inf unreachable) */
    int nempty;         /* classes with n_p = 0 */
} sp_markov_chain;

/* Transition counts of cls (n x t, -1 none) over lag D into counts (k x k,
 * zeroed by the caller); with lcls (may be NULL) the counts of lag class l go
 * to counts + l k k (m blocks).  skip (t entries, may be NULL): the
 * transitions from the origin periods s with skip[s] = 1 are left out (they
 * span a gap between the period labels, core/sp_period.h); returns how many
 * were left out (units with a class at both ends and, with lcls, a lag class). */
long sp_markov_count(const int *cls, const int *lcls, int n, int t, int k, int lag,
                     const unsigned char *skip, double *counts);

/* A chain from k x k counts: P, Prais, steady states, mean first passage
 * times.  fill_empty: 1 on the diagonal of empty rows of P. */
int sp_markov_chain_from(const double *counts, int k, int fill_empty, sp_markov_chain *out);
void sp_markov_chain_free(sp_markov_chain *c);

/* Bickenbach-Bode homogeneity of m k x k count matrices T (m k k values). */
typedef struct sp_markov_homog {
    double Q, LR, p_Q, p_LR;
    int df;
} sp_markov_homog;
int sp_markov_homogeneity(const double *T, int m, int k, sp_markov_homog *h);

/* giddy's chi2(T1, T2): X2 of T1 against the probabilities of T2; df and
 * upper-tail p (NaN when df = 0). */
void sp_markov_chi2(const double *T1, const double *T2, int k, double *x2, int *df, double *p);

/* A chi-square test: statistic, degrees of freedom, upper-tail p (NaN when
 * undefined). */
typedef struct sp_markov_test {
    double stat, p;
    int df;
} sp_markov_test;

/* giddy's steady-state test of S (k) against s (k) over nt transitions
 * (see the header comment); NaN when either is NULL. */
sp_markov_test sp_markov_shtest(const double *s, const double *S, int k, double nt);

/* The LISA independence test of 4 x 4 quadrant transitions T (order HH, LH,
 * LL, HL); expected (16 values) receives E. */
sp_markov_test sp_markov_lisa_independence(const double *T, double *expected);

/* The spatial lag of each period, lag[s n + i] = sum_j w_ij x[s n + j], for a
 * CSR matrix given by its arrays (row pointers wp, columns wj, values wx). */
void sp_markov_lag(const int *wp, const int *wj, const double *wx, const double *x, int n,
                   int t, double *lag);

/* Lag classes for discrete states (giddy lag_categorical): the class with the
 * largest total weight among a unit's neighbours; a tie goes to the unit's own
 * class when it is among the tied, else to the lowest tied class (giddy
 * breaks that tie at random); -1 without neighbours. */
void sp_markov_lag_discrete(const int *wp, const int *wj, const double *wx, const int *cls,
                            int n, int t, int k, int *lcls);

/* ---- whole runs: classes, the chain, and with W the spatial Markov chain. */

typedef struct sp_markov_opts {
    sp_markov_classes cls;       /* the variable's classes (relative applies to the lag too) */
    int lag;                     /* D >= 1 periods between origin and destination */
    int fill_empty;              /* 1 on the diagonal of empty rows of P */
    int m;                       /* lag classes (quantiles of the lag; ignored for discrete) */
    const double *lag_cutoffs;   /* m - 1 increasing cut-offs of the lag, or NULL */
    const unsigned char *skip;   /* t: origin periods whose transitions are left out
                                    (sp_markov_count), or NULL: none */
} sp_markov_opts;

typedef struct sp_markov_result {
    int n, t, k, m;
    int *cls;                    /* n t classes (-1: none) */
    double *states;              /* discrete: the k values; else NULL */
    double *breaks;              /* the class breaks: t k (per period) or k; NULL for
                                    discrete and LISA */
    int nbreaks;                 /* sets of breaks in `breaks` (t or 1) */
    int repeated;                /* break sets with a repeated break (ties) */
    sp_markov_chain chain;       /* the classic chain */
    long skipped;                /* its transitions left out by opts.skip */
    /* spatial Markov (w given) */
    int *lcls;                   /* n t lag classes (-1: no neighbours) */
    double *lag_breaks;          /* t m or m lag breaks; NULL for discrete */
    int nlag_breaks;
    int islands;                 /* units without neighbours (no lag class) */
    sp_markov_chain *cond;       /* m chains conditioned on the origin's lag class */
    sp_markov_homog homog;
    double *chi2, *chi2_p;       /* m: giddy chi2(T_l, T) per lag class */
    int *chi2_df;
    sp_markov_test *shtest;      /* m: steady state of lag class l against the chain's */
    sp_markov_test x2;           /* the sum of the m chi2 */
    /* LISA Markov */
    double *expected;            /* 4 x 4 transitions expected under independence */
    sp_markov_test independence; /* own and neighbours' moves independent */
} sp_markov_result;

/* The chain of x (n x t) and, when w is not NULL (n x n, standardised by the
 * caller), the spatial Markov chain.  The lag is W x of the (relative)
 * values.  Lag classes: lag_cutoffs, else m type-7 quantile classes of the
 * lag over the units with neighbours, pooled when the variable's scheme is
 * SP_MARKOV_POOLED and per period otherwise (also with cut-offs); discrete
 * states take the weighted mode of the neighbours' classes
 * (sp_markov_lag_discrete, m = k).  Units without neighbours have no lag
 * class: they count in the classic chain, not in the conditional ones.
 * Errors: as sp_markov_classify; SP_EDATA when lag >= t or a period's lag is
 * constant. */
int sp_markov_run(const double *x, int n, int t, const sp_csr *w, const sp_markov_opts *o,
                  sp_markov_result *r);

/* LISA Markov (giddy LISA_Markov): the states are the Moran scatterplot
 * quadrants of each period (core/sp_lisa.h: deviations from the period's
 * mean and their spatial lag), in giddy's order 0 HH, 1 LH, 2 LL, 3 HL;
 * units without neighbours have no state that period.  skip as in
 * sp_markov_opts. */
int sp_markov_lisa(const double *x, int n, int t, const sp_csr *w, int lag, int fill_empty,
                   const unsigned char *skip, sp_markov_result *r);

/* The name of LISA Markov state c ("HH", "LH", "LL", "HL"). */
const char *sp_markov_lisa_name(int c);

void sp_markov_result_free(sp_markov_result *r);

#endif
