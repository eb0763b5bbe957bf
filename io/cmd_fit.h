/* cmd_fit.h: what the parts of `spill fit` share (private to io/cmd_fit*.c):
 * the options, the run (everything fitted, for the printers), the printers'
 * entry points and the few labels they all use.
 *
 *   io/cmd_fit.c          options, loading, fitting; the command
 *   io/cmd_fit_json.c     --json
 *   io/cmd_fit_tables.c   text, --csv, --markdown (and --latex with --re) through io/sp_grid.h
 *   io/cmd_fit_latex.c    --latex: journal-style three-line tables
 *   io/cmd_fit_shared.c   data read once for many fits (sp_cmd_fit_run, spill run)
 *
 * Ownership: an fp_run owns its fits (freed by the command); printers only
 * read it.  Printers return an sp_error.h status (a write error is SP_EDATA). */
#ifndef CMD_FIT_H
#define CMD_FIT_H

#include <stddef.h>
#include <stdio.h>

#include "sp_grid.h"
#include "sp_hash.h"
#include "sp_idmatch.h"
#include "sp_pdata.h"
#include "sp_pdyn.h"
#include "sp_period.h"
#include "sp_punbal.h"
#include "sp_peff.h"
#include "sp_pfe.h"
#include "sp_pre.h"
#include "sp_ptest.h"
#include "sp_table.h"
#include "sp_weights.h"

#define MAX_X 32

typedef struct fp_opts {
    FILE *err;         /* where messages go: stderr, or a job task's log */
    int argc;          /* the command line, recorded in the JSON's inputs */
    char **argv;
    const char *data, *wpath, *yname, *layer, *where;
    char idf[256], timef[256];
    char xbuf[1024];
    const char *x[MAX_X];
    int k0;
    sp_pmodel model;
    sp_fe fe;
    sp_leeyu leeyu;
    int info_elhorst; /* --info-mean elhorst: sp_pfe_opts.info_mean_unprojected */
    sp_std std;
    int re, compare, tests, effects, draws, seed, timing;
    int cross;       /* no --panel: a cross-section (one period, no effects) */
    int id_order;    /* --id-order: row r is W's unit r (cross-sections) */
    int strict;      /* --strict: units of W without data are an error */
    int threads;
    int logdet;      /* LOGDET_* */
    int vcov;        /* VCOV_* */
    sp_sigma sigma;  /* --sigma: OLS/SLX sigma2 behind the standard errors */
    int dynamic;     /* --dynamic: SP_PDYN_TAU | SP_PDYN_ETA bits, 0 for a static panel */
    int bias_correct;/* --dynamic without --no-bias-correction */
    int consecutive; /* --consecutive-periods: the labels' order is the time (no gaps) */
    int unbalanced;  /* --unbalanced: missing unit-periods allowed */
    struct sp_wper *wp; /* --w: one file or a weights matrix per period (io/sp_wper.h) */
    int perperiod;   /* a weights matrix per period */
    sp_grid_format out; /* --json, --csv, --markdown, --latex (sp_grid_dest_args) */
    sp_grid_dest dest;  /* stdout or -o FILE */
} fp_opts;

enum { LOGDET_AUTO, LOGDET_EIGEN, LOGDET_CHOL, LOGDET_LU, LOGDET_CHEB, LOGDET_MC };
enum { VCOV_AUTO, VCOV_INFO, VCOV_HESSIAN };

/* Everything fitted, for the printers. */
typedef struct fp_run {
    const fp_opts *o;
    struct sp_cmd_fit_shared *shared; /* NULL, or the data read once (D_table is then its) */
    FILE *out;         /* where the printers write: stdout, or -o FILE's temporary file */
    sp_table *D_table; /* D points into it */
    sp_idmatch match;  /* how the rows were matched to W's units */
    sp_pdata *D;
    sp_pops ops;
    sp_hash_ahead *hash;    /* --json: the inputs' digests, computed while they are read */
    int sparse_ops;         /* ops from sp_pops_sparse_new (else sp_pops_dense) */
    sp_pfe_result *fit;     /* the main fixed-effects (or pooled) fit */
    sp_pfe_result *cmp[4];  /* --compare: none, unit, time, twoway (cmp[fe] may alias fit) */
    sp_pre_result *re;      /* --re */
    sp_pfe_result *re_fe;   /* the fixed-effects counterpart for the Hausman test */
    sp_ptest lm[4], wald_x, wald_cf, hausman;
    int hausman_definite;
    sp_ptest lm_cmp[4][4];  /* --compare: LM tests per column */
    sp_ptest lr_unit, lr_time, lr_sar, lr_sem;
    int have_lr_fe, have_lr_models;
    sp_peff *eff;
    sp_pdyn_result *dyn;    /* --dynamic: fit is its fit on periods 2..T (dyn->fit NULL) */
    sp_peff *eff_long;      /* --dynamic --effects: long-run effects (eff: short-run) */
    /* --unbalanced: the observations present (core/sp_punbal.h), W_bd on them
     * (ops are on it), y then the k0 regressors stacked over the observations */
    sp_punbal *unb;
    sp_csr *wbd;
    double *yx;
    int unb_islands;        /* observations without neighbours in their period's W_t */
    /* --dynamic with them: unb and wbd are the estimation sample of periods
     * 2..T, these all observations and their W_bd (yx is stacked over these) */
    sp_punbal *unb_lag;
    sp_csr *wbd_lag;
    long dyn_dropped;       /* unit-periods of 2..T without the period before */
    int *dyn_period;        /* with unb_lag: the data's period of unb's period s */
    /* --dynamic: gap[s] = 1 when period s follows a gap (core/sp_pdyn.h
     * sp_period_gaps), n_gaps of them; periods_numeric: the labels are numbers,
     * period_step their step */
    unsigned char *gap;
    int n_gaps, periods_numeric;
    double period_step;
    double t_setup, t_effects; /* seconds: the operators on W (make_ops), the effects */
} fp_run;

/* A test the run reports, in table order: plain and LaTeX names. */
typedef struct fp_test {
    const char *name, *tex;
    const sp_ptest *t;
} fp_test;

/* The run's tests into list (at most 16); returns their number. */
int sp_cmd_fit_tests(const fp_run *R, fp_test *list);
/* Coefficient i of fit r with its standard error, z and p (sp_ptest_z). */
sp_ptest_stat sp_cmd_fit_stat(const sp_pfe_result *r, const double *theta, const double *cov,
                              int i);
/* How the Lee-Yu correction was applied to r, for the text header. */
const char *sp_cmd_fit_leeyu_text(const sp_pfe_result *r);
/* The run's model-choice summary (sp_ptest_choice; Wald tests only for an SDM). */
void sp_cmd_fit_choice(const fp_run *R, char *buf, size_t size);

/* ---- the library entry point (io/cmd_fit_shared.c, cmd_fit.c) ----
 * sp_cmd_fit_run runs `spill fit` on argv (argv[0] "fit") as the command
 * does, its output (--json, ...) on out unless -o, its messages on err, and
 * the error, if any, in this thread's sp_error_msg().  With shared (else
 * NULL), the tables and matrix files are read once, whatever the number of
 * runs, and a dense W's eigenvalues are computed once for every fit whose
 * final W (restricted, standardised) has the same entries; the results are
 * the same bytes as without it.  Runs may go on in several threads at once
 * with one shared: it is locked inside.  Paths are relative to the current
 * folder, so every run sees the same files.
 * Ownership: sp_cmd_fit_shared_new gives a new object freed with
 * sp_cmd_fit_shared_free after the last run; the tables, matrices and
 * eigenvalues it hands out stay its own and are never changed. */
typedef struct sp_cmd_fit_shared sp_cmd_fit_shared;

int sp_cmd_fit_run(int argc, char **argv, FILE *out, FILE *err, sp_cmd_fit_shared *shared);

int sp_cmd_fit_shared_new(sp_cmd_fit_shared **out);
void sp_cmd_fit_shared_free(sp_cmd_fit_shared *s);
/* The table of path (and layer, NULL for none), read on first use. */
int sp_cmd_fit_shared_table(sp_cmd_fit_shared *s, const char *path, const char *layer,
                            const sp_table **out);
/* The weights matrix file path (sp_wio_read), read on first use. */
int sp_cmd_fit_shared_weights(sp_cmd_fit_shared *s, const char *path, const sp_weights **out);
/* sp_pops_dense(W, ops), with the eigenvalues of an equal W computed before. */
int sp_cmd_fit_shared_dense(sp_cmd_fit_shared *s, const sp_csr *W, sp_pops *ops);

/* The printers. */
int sp_cmd_fit_json(const fp_run *R);
int sp_cmd_fit_tables(const fp_run *R);
int sp_cmd_fit_latex(const fp_run *R);

#endif
