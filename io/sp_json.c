/* sp_json: the --json output helpers (one object on stdout, non-finite reals as null). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sp_error.h"
#include "sp_json.h"
#include "sp_weights.h"

json_t *sp_json_real(double x) { return isfinite(x) ? json_real(x) : json_null(); }

int sp_json_print(json_t *root)
{
    int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
        return sp_error_set(SP_EDATA, "cannot write JSON to standard output");
    return SP_OK;
}

json_t *sp_json_weights_summary(const sp_weights *W)
{
    sp_weights_summary s;
    int *islands, count;
    if (sp_weights_summarize(W, &s) || sp_weights_islands(W, &islands, &count))
        return NULL;
    json_t *list = json_array();
    for (int k = 0; k < count; k++)
        json_array_append_new(list, json_string(W->ids[islands[k]]));
    free(islands);
    return json_pack("{s:i, s:i, s:o, s:i, s:i, s:o, s:b, s:i, s:b}", "n", s.n, "nnz", s.nnz,
                     "islands", list, "min_neighbors", s.min_neighbors, "max_neighbors",
                     s.max_neighbors, "mean_neighbors", sp_json_real(s.mean_neighbors),
                     "symmetric", s.symmetric, "components", s.components, "row_standardized",
                     s.row_standardized);
}
