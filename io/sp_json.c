/* sp_json: the --json output helpers (one object on stdout, non-finite reals as null). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sp_error.h"
#include "sp_hash.h"
#include "sp_json.h"
#include "sp_weights.h"

json_t *sp_json_real(double x) { return isfinite(x) ? json_real(x) : json_null(); }

int sp_json_write(json_t *root, FILE *f)
{
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0 || fputc('\n', f) == EOF || fflush(f) != 0)
        return sp_error_set(SP_EDATA, "cannot write JSON to %s",
                            f == stdout ? "standard output" : "the output file");
    return SP_OK;
}

int sp_json_print(json_t *root) { return sp_json_write(root, stdout); }

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

json_t *sp_json_file(const char *path, sp_hash_ahead *ahead)
{
    if (!path)
        return json_null();
    char hex[65];
    long long bytes;
    if (sp_hash_ahead_file(ahead, path, hex, &bytes))
        return json_pack("{s:s, s:n, s:n}", "path", path, "bytes", "sha256");
    return json_pack("{s:s, s:I, s:s}", "path", path, "bytes", (json_int_t)bytes, "sha256", hex);
}
