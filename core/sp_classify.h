/* sp_classify: class breaks of one variable (quantiles, equal intervals,
 * natural breaks, standard deviations, user cut-offs) and each unit's class.
 *
 * Breaks are upper bounds, as mapclassify's `bins`: k classes have breaks
 * b[0] <= ... <= b[k-1] and a value x belongs to class c, the first with
 * x <= b[c] (intervals closed on the right: (b[c-1], b[c]], class 0 from
 * -inf).  The last break of a data-driven method is max(x), of user
 * cut-offs +inf.  Classes are numbered 0..k-1.
 *
 * Conventions (docs/distribution.md, "Classification"):
 *   quantile  R's type 7 / numpy "linear" / scipy scoreatpercentile, at
 *             probabilities c/k, c = 1..k-1 (mapclassify.Quantiles, R classInt
 *             style "quantile").  Ties may repeat a break: the classes above a
 *             repeated break are then empty (k is kept; mapclassify drops the
 *             repeats and renumbers, see sp_classify_unique).
 *   equal     b[c] = min + (c+1)(max-min)/k (mapclassify.EqualInterval).
 *   jenks     the exact Fisher-Jenks optimum: the partition of the sorted data
 *             into k contiguous classes with the least within-class sum of
 *             squares (mapclassify.FisherJenks, classInt "fisher"); equal values
 *             never split between classes.
 *   sd        mean + s * m, s the sample standard deviation (n-1, as
 *             mapclassify.StdMean), multiples m = -2,-1,1,2 for k = 5 and in
 *             general +-1..+-(k-1)/2 for odd k, 0,+-1..+-(k/2-1) for even k.
 *
 * Ownership: every array is the caller's (breaks has room for k values,
 * cls for n).  Errors (sp_error.h): SP_EUSAGE for a bad k or bad cut-offs,
 * SP_EDATA for a non-finite value (named by its index; callers that know
 * unit names check first) or data that cannot form the classes (constant
 * data for equal, sd and jenks; fewer distinct values than k for jenks),
 * SP_ENOMEM. */
#ifndef SP_CLASSIFY_H
#define SP_CLASSIFY_H

typedef enum {
    SP_CLASSIFY_QUANTILE,
    SP_CLASSIFY_EQUAL,
    SP_CLASSIFY_JENKS,
    SP_CLASSIFY_SD,
    SP_CLASSIFY_USER
} sp_classify_method;

/* "quantile", "equal", "jenks" (also "natural", "fisher"), "sd"; SP_EUSAGE
 * naming the word otherwise.  sp_classify_name gives the canonical word. */
int sp_classify_parse(const char *name, sp_classify_method *m);
const char *sp_classify_name(sp_classify_method m);

/* The k breaks of x[0..n-1] by a data-driven method (not SP_CLASSIFY_USER);
 * needs n >= 1 and k >= 1. */
int sp_classify_breaks(sp_classify_method m, const double *x, int n, int k, double *breaks);

int sp_classify_quantile(const double *x, int n, int k, double *breaks);
int sp_classify_equal(const double *x, int n, int k, double *breaks);
int sp_classify_jenks(const double *x, int n, int k, double *breaks);
int sp_classify_sd(const double *x, int n, int k, double *breaks);

/* User cut-offs c[0] < ... < c[ncut-1] (finite, strictly increasing) as the
 * ncut + 1 breaks c[0], ..., c[ncut-1], +inf: classes (-inf, c0], (c0, c1], ... */
int sp_classify_user(const double *cut, int ncut, double *breaks);

/* The class of each x[i]: the first c with x[i] <= b[c]; k - 1 for values
 * above the last break (none for the methods above). */
void sp_classify_assign(const double *x, int n, const double *breaks, int k, int *cls);

/* The index of the class of one value (as sp_classify_assign). */
int sp_classify_one(double x, const double *breaks, int k);

/* Drop repeated breaks in place (mapclassify's np.unique); returns the new k. */
int sp_classify_unique(double *breaks, int k);

/* Within-class sum of squares of x under the classes cls (0..k-1): the
 * objective natural breaks minimises (also its goodness of variance fit). */
int sp_classify_ssw(const double *x, int n, const int *cls, int k, double *ssw);

#endif
