/* sp_pmodel: the family of spatial models (OLS, SLX, SAR, SDM, SEM, SDEM, SAC): names and terms. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sp_error.h"
#include "sp_pmodel.h"
#include "sp_strdist.h"

static const char *const model_names[] = {"ols", "slx", "sar", "sdm", "sem", "sdem", "sac"};

int sp_pmodel_parse(const char *name, sp_pmodel *out)
{
    for (int i = 0; i < (int)(sizeof model_names / sizeof model_names[0]); i++)
        if (strcasecmp(name, model_names[i]) == 0) { /* SDM, Sdm, sdm */
            *out = (sp_pmodel)i;
            return SP_OK;
        }
    const char *near = sp_strdist_closest(name, model_names,
                                          (int)(sizeof model_names / sizeof model_names[0]));
    if (near)
        return sp_error_set(SP_EUSAGE, "unknown model '%s' (did you mean %s? models: sdm, sar, "
                            "sem, slx, sdem, sac, ols)", name, near);
    return sp_error_set(SP_EUSAGE, "unknown model '%s' (sdm, sar, sem, slx, sdem, sac, ols)",
                        name);
}

const char *sp_pmodel_name(sp_pmodel m) { return model_names[m]; }
/* Which spatial terms a model has: rho (lag of y), lambda (error), W X (Durbin). */
int sp_pmodel_has_rho(sp_pmodel m) { return m == SP_PM_SAR || m == SP_PM_SDM || m == SP_PM_SAC; }
int sp_pmodel_has_lambda(sp_pmodel m) { return m == SP_PM_SEM || m == SP_PM_SDEM || m == SP_PM_SAC; }
int sp_pmodel_durbin(sp_pmodel m) { return m == SP_PM_SLX || m == SP_PM_SDM || m == SP_PM_SDEM; }

void sp_pmodel_names_free(char **names, int k)
{
    if (names)
        for (int j = 0; j < k; j++)
            free(names[j]);
    free(names);
}
