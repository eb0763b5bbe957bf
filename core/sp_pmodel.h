/* sp_pmodel: the family of spatial models the estimators fit (core/sp_pfe.h,
 * core/sp_pre.h): OLS, SLX (W X), SAR (rho W y), SDM (SAR + W X), SEM
 * (lambda W u), SDEM (SEM + W X) and SAC (rho and lambda).
 * No allocation; sp_pmodel_parse returns SP_EUSAGE for an unknown name. */
#ifndef SP_PMODEL_H
#define SP_PMODEL_H

typedef enum sp_pmodel {
    SP_PM_OLS, SP_PM_SLX, SP_PM_SAR, SP_PM_SDM, SP_PM_SEM, SP_PM_SDEM, SP_PM_SAC
} sp_pmodel;

/* "ols", "slx", "sar", "sdm", "sem", "sdem", "sac". */
int sp_pmodel_parse(const char *name, sp_pmodel *out);
const char *sp_pmodel_name(sp_pmodel m);
int sp_pmodel_has_rho(sp_pmodel m);
int sp_pmodel_has_lambda(sp_pmodel m);
int sp_pmodel_durbin(sp_pmodel m);

/* Free k coefficient names ("const", "x1", "W*x1", ...) and their array, as
 * the estimators' results hold them (names may be NULL). */
void sp_pmodel_names_free(char **names, int k);

#endif
