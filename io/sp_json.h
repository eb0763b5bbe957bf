/* sp_json: the --json output helpers.  `--json` prints exactly one JSON object
 * on stdout (sp_json_print); jansson rejects NaN, so non-finite reals become
 * null (sp_json_real).  Ownership: sp_json_print takes (and frees) root. */
#ifndef SP_JSON_H
#define SP_JSON_H

#include <stdio.h>

#include <jansson.h>

#include "sp_hash.h"

/* JSON helpers: a real, or null when not finite (jansson rejects NaN). */
json_t *sp_json_real(double x);
/* Print one JSON object on stdout (the --json contract) and free it. */
int sp_json_print(json_t *root);
/* {"path", "bytes", "sha256"} of a file as read now, or as hashed ahead
 * (sp_hash_ahead_file; ahead may be NULL); bytes and sha256 null when it
 * cannot be read; json null for a NULL path.  The caller owns it. */
json_t *sp_json_file(const char *path, sp_hash_ahead *ahead);

/* The same into f (e.g. the temporary file of -o FILE). */
int sp_json_write(json_t *root, FILE *f);

struct sp_weights;
/* The `spill winfo` summary of W as a JSON object (contract keys: n, nnz,
 * islands, min_neighbors, max_neighbors, mean_neighbors, symmetric,
 * components, row_standardized).  NULL when out of memory. */
json_t *sp_json_weights_summary(const struct sp_weights *W);

#endif
