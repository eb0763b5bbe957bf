/* spill winfo: summarise a weights file (any format sp_wio reads).
 *
 * --json prints the contract's summary object (sp_json_weights_summary) plus
 * "file" and "format"; otherwise the summary is a two-column table through
 * io/sp_grid.h (text: an indented list), on stdout or into -o FILE. */
#include <stdio.h>
#include <stdlib.h>

#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_weights.h"
#include "sp_wio.h"

static const char winfo_help[] =
    "usage: spill winfo W [--json | --csv | --markdown | --latex] [-o FILE]\n"
    "Summarise a spatial weights file (.gal .gwt .swm .mtx .csv): units, links,\n"
    "neighbour counts, islands, symmetry, connected components, row standardisation.\n\n"
    "  --json   print the summary as one JSON object (keys n, nnz, islands,\n"
    "           min_neighbors, max_neighbors, mean_neighbors, symmetric, components,\n"
    "           row_standardized, file, format)\n"
    "  --csv | --markdown | --latex   the summary as a two-column table\n"
    "  -o FILE  write the summary to FILE instead of stdout\n"
    "  --timing seconds spent reading and summarising, on stderr\n";

static const sp_optspec winfo_opts[] = {
    {"json", 0}, {"output", 1}, {"timing", 0}, SP_GRID_FORMAT_OPTS, {NULL, 0}};

/* The options of spill winfo, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_winfo_opts(void) { return winfo_opts; }

/* "0:2 1:1 3:5   (neighbours:units)": how many units have each neighbour count
 * (counts that occur), as a new string. */
static char *histogram(const sp_weights *W, int max)
{
    int *count = sp_calloc((size_t)max + 1, sizeof *count);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = count ? open_memstream(&buf, &len) : NULL;
    if (!f) {
        free(count);
        sp_error_set(SP_ENOMEM, "out of memory");
        return NULL;
    }
    for (int i = 0; i < W->n; i++)
        count[sp_weights_cardinality(W, i)]++;
    count[0] += W->unnamed; /* islands without ids */
    int shown = 0;
    for (int c = 0; c <= max; c++)
        if (count[c])
            fprintf(f, "%s%d:%d", shown++ ? " " : "", c, count[c]);
    fputs("   (neighbours:units)", f);
    fclose(f);
    free(count);
    return buf;
}

/* "1: 710000" (up to 20 ids, then ", ..."), as a new string. */
static char *island_list(const sp_weights *W, const int *islands, int count)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        sp_error_set(SP_ENOMEM, "out of memory");
        return NULL;
    }
    fprintf(f, "%d", count + W->unnamed);
    for (int k = 0; k < count && k < 20; k++)
        fprintf(f, "%s%s", k ? ", " : ": ", W->ids[islands[k]]);
    fputs(count > 20 ? ", ..." : "", f);
    if (W->unnamed)
        fprintf(f, "%s%d without ids", count ? ", and " : ": ", W->unnamed);
    fclose(f);
    return buf;
}

/* The summary as a table of labelled values (text: an indented list). */
static sp_grid *summary_grid(const char *path, const sp_weights *W, const sp_weights_summary *s,
                             const int *islands, int count)
{
    static const sp_grid_col cols[] = {{.name = "statistic", .width = 18, .align = SP_GRID_LEFT},
                                       {.name = "value", .align = SP_GRID_LEFT}};
    char title[1024];
    snprintf(title, sizeof title, "%s (%s)", path, sp_wio_format_name(sp_wio_format(path)));
    sp_grid *g = sp_grid_new(title, cols, 2);
    sp_grid_text_layout(g, 2, 0, 0);
    char *hist = histogram(W, s->max_neighbors), *isl = island_list(W, islands, count);
    const char *label[] = {"units", "links", "neighbours", "distribution", "islands",
                           "symmetric", "components", "row-standardised"};
    for (int k = 0; k < 8; k++) {
        sp_grid_row(g);
        sp_grid_str(g, label[k]);
        switch (k) {
        case 0:
            if (W->unnamed) /* a libpysal/GeoDa GWT's islands */
                sp_grid_strf(g, "%d: %d named, and %d island%s the header counts without ids",
                             s->n, W->n, W->unnamed, W->unnamed == 1 ? "" : "s");
            else
                sp_grid_int(g, s->n);
            break;
        case 1: sp_grid_strf(g, "%d (%.4g%% of all pairs)", s->nnz, 100.0 * s->density); break;
        case 2: sp_grid_strf(g, "min %d, max %d, mean %.4g", s->min_neighbors,
                             s->max_neighbors, s->mean_neighbors); break;
        case 3: sp_grid_str(g, hist); break;
        case 4: sp_grid_str(g, isl); break;
        case 5: sp_grid_str(g, s->symmetric ? "yes" : "no"); break;
        case 6: sp_grid_int(g, s->components); break;
        default: sp_grid_str(g, s->row_standardized ? "yes" : "no"); break;
        }
    }
    if (!hist || !isl) {
        sp_grid_free(g);
        g = NULL;
    }
    free(hist), free(isl);
    return g;
}

static int print_summary(const char *path, const sp_weights *W, sp_grid_dest *d)
{
    sp_weights_summary s;
    int *islands, count;
    int rc = sp_weights_summarize(W, &s);
    if (rc || (rc = sp_weights_islands(W, &islands, &count)))
        return rc;
    sp_grid *g = summary_grid(path, W, &s, islands, count);
    free(islands);
    if ((rc = sp_grid_dest_open(d)) == SP_OK)
        rc = sp_grid_dest_close(d, sp_grid_write(g, d->format, d->f));
    sp_grid_free(g);
    return rc;
}

int sp_cmd_winfo(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, winfo_opts, winfo_help, &a);
    if (rc || (rc = sp_args_positional(&a, 1, "one weights file W")))
        return rc;
    sp_grid_dest dest;
    if ((rc = sp_grid_dest_args(&a, "output", &dest)))
        return rc;
    if (dest.format == SP_GRID_JSON && dest.path)
        return sp_error_set(SP_EUSAGE, "--json prints on standard output; -o FILE is for the "
                                       "table (--csv, --markdown, --latex or text)");
    const char *path = a.pos[0];
    sp_weights *W;
    double t0 = sp_clock_seconds();
    if ((rc = sp_wio_read(path, &W)))
        return rc;
    double t1 = sp_clock_seconds();
    if (dest.format == SP_GRID_JSON) {
        json_t *root = sp_json_weights_summary(W);
        if (!root) {
            rc = SP_ENOMEM;
        } else {
            json_object_set_new(root, "file", json_string(path));
            json_object_set_new(root, "unnamed_islands", json_integer(W->unnamed));
            json_object_set_new(root, "format", json_string(sp_wio_format_name(sp_wio_format(path))));
            rc = sp_json_print(root);
        }
    } else {
        rc = print_summary(path, W, &dest);
    }
    if (!rc && sp_args_flag(&a, "timing"))
        fprintf(stderr, "spill winfo: timing: read %.3f s, summary %.3f s\n", t1 - t0,
                sp_clock_seconds() - t1);
    sp_weights_free(W);
    return rc;
}
