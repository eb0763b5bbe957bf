/* spill winfo: summarise a weights file (any format sp_wio reads).
 *
 * --json prints the contract's summary object (sp_json_weights_summary) plus
 * "file" and "format"; otherwise a readable layout goes to stdout. */
#include <stdio.h>
#include <stdlib.h>

#include "sp_cli.h"
#include "sp_error.h"
#include "sp_weights.h"
#include "sp_wio.h"

static const char winfo_help[] =
    "usage: spill winfo W [--json]\n"
    "Summarise a spatial weights file (.gal .gwt .swm .mtx .csv): units, links,\n"
    "neighbour counts, islands, symmetry, connected components, row standardisation.\n\n"
    "  --json   print the summary as one JSON object (keys n, nnz, islands,\n"
    "           min_neighbors, max_neighbors, mean_neighbors, symmetric, components,\n"
    "           row_standardized, file, format)\n";

static const sp_optspec winfo_opts[] = {{"json", 0}, {NULL, 0}};

/* "0:2 1:1 3:5": how many units have each neighbour count (counts that occur). */
static int print_histogram(const sp_weights *W, int max)
{
    int *count = sp_calloc((size_t)max + 1, sizeof *count);
    if (!count)
        return SP_ENOMEM;
    for (int i = 0; i < W->n; i++)
        count[sp_weights_cardinality(W, i)]++;
    printf("  %-18s", "distribution");
    int shown = 0;
    for (int c = 0; c <= max; c++)
        if (count[c])
            printf("%s%d:%d", shown++ ? " " : "", c, count[c]);
    printf("   (neighbours:units)\n");
    free(count);
    return SP_OK;
}

static int print_text(const char *path, const sp_weights *W)
{
    sp_weights_summary s;
    int *islands, count;
    int rc = sp_weights_summarize(W, &s);
    if (rc || (rc = sp_weights_islands(W, &islands, &count)))
        return rc;
    printf("%s (%s)\n", path, sp_wio_format_name(sp_wio_format(path)));
    printf("  %-18s%d\n", "units", s.n);
    printf("  %-18s%d (%.4g%% of all pairs)\n", "links", s.nnz,
           100.0 * s.nnz / ((double)s.n * s.n));
    printf("  %-18smin %d, max %d, mean %.4g\n", "neighbours", s.min_neighbors,
           s.max_neighbors, s.mean_neighbors);
    rc = print_histogram(W, s.max_neighbors);
    printf("  %-18s%d", "islands", count);
    for (int k = 0; k < count && k < 20; k++)
        printf("%s%s", k ? ", " : ": ", W->ids[islands[k]]);
    printf("%s\n", count > 20 ? ", ..." : "");
    printf("  %-18s%s\n", "symmetric", s.symmetric ? "yes" : "no");
    printf("  %-18s%d\n", "components", s.components);
    printf("  %-18s%s\n", "row-standardised", s.row_standardized ? "yes" : "no");
    free(islands);
    if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
        rc = sp_error_set(SP_EDATA, "cannot write to standard output");
    return rc;
}

int sp_cmd_winfo(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, winfo_opts, winfo_help, &a);
    if (rc || (rc = sp_args_positional(&a, 1, "one weights file W")))
        return rc;
    const char *path = a.pos[0];
    sp_weights *W;
    if ((rc = sp_wio_read(path, &W)))
        return rc;
    if (sp_args_flag(&a, "json")) {
        json_t *root = sp_json_weights_summary(W);
        if (!root) {
            rc = SP_ENOMEM;
        } else {
            json_object_set_new(root, "file", json_string(path));
            json_object_set_new(root, "format", json_string(sp_wio_format_name(sp_wio_format(path))));
            rc = sp_json_print(root);
        }
    } else {
        rc = print_text(path, W);
    }
    sp_weights_free(W);
    return rc;
}
