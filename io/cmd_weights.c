/* spill weights: build a spatial weights matrix from a boundary or point layer.
 *
 * Steps, in order: read the layer; build the raw matrix for --type; take the
 * --order; add --link pairs; apply the --islands policy; standardise; write
 * OUT through sp_wio (format by extension). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_contig.h"
#include "sp_dist.h"
#include "sp_econ.h"
#include "sp_error.h"
#include "sp_idmap.h"
#include "sp_layer.h"
#include "sp_points.h"
#include "sp_strdist.h"
#include "sp_weights.h"
#include "sp_wio.h"

static const char weights_help[] =
    "usage: spill weights SRC -o OUT [options]\n"
    "       spill weights IN.(gal|gwt|swm|mtx|csv|txt|xlsx) -o OUT [--standardize S]\n"
    "                     [--ids TABLE --id FIELD]\n"
    "Build a spatial weights matrix from a boundary (or point) layer, or convert a\n"
    "weights file (a .csv, .txt or workbook is a dense matrix unless --type,\n"
    "--points or --id without --ids is given, or the CSV has a WKT column; see\n"
    "docs/weights.md).  Converting keeps the weights unless\n"
    "--standardize is given; --ids lists the units (in that order) from the --id\n"
    "field of a table or layer: units the file does not name become islands.\n\n"
    "  --type T          queen|rook|knn|band|idw|econ|nested (default queen)\n"
    "  --id FIELD        unit identifier field (default: feature order 1..n)\n"
    "  --layer NAME      layer of SRC (default: the first)\n"
    "  --snap D          contiguity snap distance (default: 1e-7 degrees for geographic,\n"
    "                    0.01 CRS units for projected layers)\n"
    "  --k K             neighbours for knn\n"
    "  --threshold D     band upper distance; idw cutoff (km for arc, CRS units for euclid)\n"
    "  --lower D         band lower distance (default 0)\n"
    "  --power A         idw power (default 1): w = 1/d^A\n"
    "  --metric M        arc|euclid (default arc for geographic layers, else euclid)\n"
    "  --arc A           geodesic|andoyer|sphere: the arc formula (default geodesic: exact\n"
    "                    WGS 84; andoyer = R sp/spdep; sphere = R 6371 km, GeoDa/libpysal)\n"
    "  --points P        centroid|XFIELD,YFIELD, e.g. cap_lon,cap_lat (default centroid)\n"
    "  --data TABLE      table for econ/nested (long format: id, time, variable)\n"
    "  --var V           variable whose per-unit mean defines economic distance\n"
    "  --data-id FIELD   id column of TABLE (default: the --id name)\n"
    "  --time FIELD      time column of TABLE, for --years (default year)\n"
    "  --years A-B       use only rows with A <= time <= B\n"
    "  --drop-missing    leave out layer units that have no rows in TABLE\n"
    "  --geo WFILE       geographic weights for nested\n"
    "  --order K         K-th order contiguity; --cumulative for orders 1..K\n"
    "  --link A:B        add a symmetric link by id (repeatable)\n"
    "  --islands P       keep|nearest|error (default keep, with a warning)\n"
    "  --standardize S   row|binary|none|minmax|spectral (default row)\n"
    "  --ids TABLE       (converting) the units, from TABLE's --id field\n"
    "  --json            print the summary of the result as JSON on stdout\n"
    "  --threads N       threads for queen and rook (default: all cores; the same matrix)\n"
    "  --timing          seconds spent reading, building and writing, on stderr\n"
    "OUT: .gal .gwt .swm .mtx .csv .txt (Stata spmatrix export)\n";

static const sp_optspec weights_opts[] = {
    {"output", 1}, {"type", 1}, {"id", 1}, {"layer", 1}, {"snap", 1}, {"k", 1},
    {"threshold", 1}, {"lower", 1}, {"power", 1}, {"metric", 1}, {"arc", 1}, {"points", 1},
    {"data", 1}, {"var", 1}, {"data-id", 1}, {"time", 1}, {"years", 1}, {"drop-missing", 0},
    {"geo", 1}, {"order", 1}, {"cumulative", 0}, {"link", 1}, {"islands", 1},
    {"standardize", 1}, {"ids", 1}, {"json", 0}, {"timing", 0}, {"threads", 1}, {NULL, 0}};

/* The options of spill weights, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_weights_opts(void) { return weights_opts; }

/* Everything the steps share. */
typedef struct weights_job {
    const sp_args *args;
    const char *type;
    sp_layer *layer;
    int n;                 /* units kept (all layer units unless --drop-missing) */
    char **ids;            /* borrowed from layer, reordered when units are dropped */
    int *keep;             /* layer index of each kept unit */
    double *px, *py;       /* unit points (distance types, links, islands) */
    sp_metric metric;
    int have_points;
    int threads;           /* --threads (contiguity) */
} weights_job;

static int job_points(weights_job *job)
{
    if (job->have_points)
        return SP_OK;
    const sp_args *a = job->args;
    sp_layer *L = job->layer;
    const char *spec = sp_args_get(a, "points");
    double *x = sp_malloc((size_t)L->n * sizeof *x), *y = sp_malloc((size_t)L->n * sizeof *y);
    job->px = sp_malloc((size_t)job->n * sizeof *job->px);
    job->py = sp_malloc((size_t)job->n * sizeof *job->py);
    int rc = (!x || !y || !job->px || !job->py) ? SP_ENOMEM : SP_OK;
    if (!rc && (!spec || strcmp(spec, "centroid") == 0)) {
        rc = sp_points_centroids(L->geoms, L->n, (const char *const *)L->ids, x, y);
    } else if (!rc) {
        const char *comma = strchr(spec, ',');
        if (!comma) {
            rc = sp_error_set(SP_EUSAGE, "--points: expected centroid or XFIELD,YFIELD, got '%s'", spec);
        } else {
            char xfield[256];
            snprintf(xfield, sizeof xfield, "%.*s", (int)(comma - spec), spec);
            rc = sp_layer_numeric(L, xfield, x);
            if (!rc)
                rc = sp_layer_numeric(L, comma + 1, y);
        }
    }
    const char *m = sp_args_get(a, "metric");
    int arc = m ? strcmp(m, "arc") == 0 : L->geographic;
    if (!rc && m && strcmp(m, "arc") != 0 && strcmp(m, "euclid") != 0)
        rc = sp_error_set(SP_EUSAGE, "--metric: expected arc or euclid, got '%s'", m);
    job->metric = SP_METRIC_EUCLID;
    if (!rc && !arc && L->geographic)
        fprintf(stderr, "spill weights: warning: --metric euclid on the geographic layer %s: "
                "distances (and --threshold, --lower) are in degrees of longitude and latitude, "
                "not km\n", L->path);
    if (!rc && arc) {
        const char *formula = sp_args_get(a, "arc");
        rc = sp_dist_metric_parse(formula ? formula : "geodesic", &job->metric);
        if (!rc && job->metric == SP_METRIC_EUCLID)
            rc = sp_error_set(SP_EUSAGE, "--arc: expected geodesic, andoyer or sphere");
    }
    if (!rc && !L->has_crs && !m)
        rc = sp_error_set(SP_EDATA, "%s: the layer has no CRS, so it is unknown whether its "
                          "coordinates are degrees; give --metric arc (lon/lat) or euclid", L->path);
    for (int i = 0; i < job->n && !rc; i++) {
        job->px[i] = x[job->keep[i]];
        job->py[i] = y[job->keep[i]];
    }
    if (!rc && arc)
        rc = sp_dist_check_lonlat(job->px, job->py, job->n, (const char *const *)job->ids);
    free(x);
    free(y);
    job->have_points = !rc;
    return rc;
}

/* Keep the units with data (and their means), naming those without:
 * an error, or with --drop-missing a note and the units left out. */
static int keep_units_with_data(weights_job *job, double *mean, const int *count, const char *path,
                                const char *var, int have_years)
{
    char missing[512] = "";
    int n_missing = 0, kept = 0, rc = SP_OK;
    for (int u = 0; u < job->n; u++) {
        if (count[u] > 0) {
            job->keep[kept] = job->keep[u];
            job->ids[kept] = job->ids[u];
            mean[kept++] = mean[u];
            continue;
        }
        if (n_missing++ < 8)
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
                     n_missing > 1 ? ", " : "", job->ids[u]);
    }
    if (n_missing && !sp_args_flag(job->args, "drop-missing"))
        rc = sp_error_set(SP_EDATA, "%s: %d unit%s of %s ha%s no %s data%s: %s%s (use "
                          "--drop-missing to leave them out)", path, n_missing,
                          n_missing > 1 ? "s" : "", job->layer->path,
                          n_missing > 1 ? "ve" : "s", var,
                          have_years ? " in --years" : "", missing, n_missing > 8 ? ", ..." : "");
    else if (n_missing)
        fprintf(stderr, "spill weights: left out %d unit%s without data: %s%s\n", n_missing,
                n_missing > 1 ? "s" : "", missing, n_missing > 8 ? ", ..." : "");
    job->n = kept;
    return rc;
}

/* Mean of --var per unit over --years, from --data, for the kept units.
 * With --drop-missing, units without rows are removed from the job first. */
static int job_means(weights_job *job, double **means_out)
{
    const sp_args *a = job->args;
    const char *path = sp_args_get(a, "data"), *var = sp_args_get(a, "var");
    if (!path || !var)
        return sp_error_set(SP_EUSAGE, "--type %s needs --data TABLE and --var V", job->type);
    const char *id_name = sp_args_get(a, "data-id") ? sp_args_get(a, "data-id") : sp_args_get(a, "id");
    if (!id_name)
        return sp_error_set(SP_EUSAGE, "--type %s needs --data-id FIELD (or --id) to join %s",
                            job->type, path);
    int have_years = sp_args_get(a, "years") != NULL;
    double y0 = -INFINITY, y1 = INFINITY;
    if (have_years && sscanf(sp_args_get(a, "years"), "%lf-%lf", &y0, &y1) != 2)
        return sp_error_set(SP_EUSAGE, "--years: expected A-B, got '%s'", sp_args_get(a, "years"));
    sp_table *t;
    int rc = sp_table_read(path, NULL, &t);
    if (rc)
        return rc;
    int id_col, var_col, time_col = -1;
    sp_idmap *map = NULL;
    double *sum = sp_calloc((size_t)job->n, sizeof *sum);
    int *count = sp_calloc((size_t)job->n, sizeof *count);
    int *unit = sp_malloc((size_t)t->nrow * sizeof *unit + 1);
    double *value = sp_malloc((size_t)t->nrow * sizeof *value + 1);
    if (!sum || !count || !unit || !value)
        rc = SP_ENOMEM;
    if (!rc)
        rc = sp_table_require(t, id_name, &id_col);
    if (!rc)
        rc = sp_table_require(t, var, &var_col);
    if (!rc && have_years)
        rc = sp_table_require(t, sp_args_get(a, "time") ? sp_args_get(a, "time") : "year", &time_col);
    if (!rc)
        rc = sp_idmap_build((const char *const *)job->ids, job->n, job->layer->path, &map);
    for (int r = 0; r < t->nrow && !rc; r++) { /* the rows' units and values */
        const char *id = sp_table_cell(t, r, id_col);
        double time;
        unit[r] = -1;
        if (time_col >= 0 && (rc = sp_table_number(t, r, time_col, id, &time)))
            break;
        if (time_col >= 0 && (time < y0 || time > y1))
            continue;
        int u = id ? sp_idmap_find(map, id) : -1;
        if (u < 0)
            rc = sp_error_set(SP_EDATA, "%s: row %d: unit '%s' is not in %s", path, r + 1,
                              id ? id : "", job->layer->path);
        else if (!(rc = sp_table_number(t, r, var_col, id, &value[r])))
            unit[r] = u;
    }
    if (!rc) {
        sp_econ_unit_means(unit, value, t->nrow, job->n, sum, count);
        rc = keep_units_with_data(job, sum, count, path, var, have_years);
    }
    free(unit), free(value);
    sp_idmap_free(map);
    sp_table_free(t);
    free(count);
    if (rc) {
        free(sum);
        return rc;
    }
    *means_out = sum;
    return SP_OK;
}

static int build_nested(weights_job *job, const double *means, sp_csr **out)
{
    const char *geo = sp_args_get(job->args, "geo");
    if (!geo)
        return sp_error_set(SP_EUSAGE, "--type nested needs --geo WFILE (the geographic weights)");
    sp_weights *wgeo, *aligned;
    int rc = sp_wio_read(geo, &wgeo);
    if (rc)
        return rc;
    rc = sp_weights_align(wgeo, (const char *const *)job->ids, job->n, job->layer->path, &aligned);
    sp_weights_free(wgeo);
    if (rc)
        return rc;
    rc = sp_econ_nested(aligned->w, means, out);
    sp_weights_free(aligned);
    return rc;
}

/* 1/d^power for idw, 1 otherwise: the value a distance link gets. */
static double link_value(const weights_job *job, double d)
{
    if (strcmp(job->type, "idw") != 0)
        return 1.0;
    double power;
    sp_args_double(job->args, "power", 1.0, &power);
    return pow(d, -power);
}

static int build_raw(weights_job *job, sp_csr **out)
{
    const sp_args *a = job->args;
    const char *type = job->type;
    int rc;
    if (strcmp(type, "queen") == 0 || strcmp(type, "rook") == 0) {
        double snap;
        rc = sp_args_double(a, "snap", sp_contig_default_snap(job->layer->has_crs,
                                                              job->layer->geographic), &snap);
        sp_contig_rule rule = type[0] == 'q' ? SP_CONTIG_QUEEN : SP_CONTIG_ROOK;
        if (rc)
            return rc;
        return job->layer->xy ? sp_contig_build_xy_threads(job->layer->xy, job->layer->vstart,
                                                           job->n, rule, snap, job->threads, out)
                              : sp_contig_build(job->layer->geoms, job->n, rule, snap, out);
    }
    if (strcmp(type, "econ") == 0 || strcmp(type, "nested") == 0) {
        double *means = NULL;
        rc = job_means(job, &means);
        if (!rc)
            rc = type[0] == 'e' ? sp_econ_distance(means, job->n, (const char *const *)job->ids, out)
                                : build_nested(job, means, out);
        free(means);
        return rc;
    }
    if (strcmp(type, "knn") && strcmp(type, "band") && strcmp(type, "idw"))
        return sp_error_set(SP_EUSAGE, "unknown --type '%s' (queen, rook, knn, band, idw, econ, nested)", type);
    if ((rc = job_points(job)))
        return rc;
    if (type[0] == 'k') {
        int k;
        if ((rc = sp_args_int(a, "k", 0, 1, &k)))
            return rc;
        if (!k)
            return sp_error_set(SP_EUSAGE, "--type knn needs --k K");
        rc = sp_dist_knn(job->px, job->py, job->n, k, job->metric, out);
    } else {
        double lower, upper;
        rc = sp_args_double(a, "lower", 0.0, &lower);
        if (!rc)
            rc = sp_args_double(a, "threshold", INFINITY, &upper);
        if (!rc && type[0] == 'b' && isinf(upper))
            rc = sp_error_set(SP_EUSAGE, "--type band needs --threshold D");
        if (!rc && isinf(upper) && job->n > 20000)
            rc = sp_error_set(SP_EUSAGE, "--type idw without --threshold links all %d x %d pairs; "
                              "give a cutoff", job->n, job->n);
        if (!rc)
            rc = sp_dist_band(job->px, job->py, job->n, lower, upper, job->metric, out);
    }
    if (rc)
        return rc;
    for (int i = 0; i < job->n; i++)
        for (int k = (*out)->p[i]; k < (*out)->p[i + 1]; k++) {
            if (type[0] == 'i' && !((*out)->x[k] > 0.0)) {
                int j = (*out)->j[k];
                sp_csr_free(*out);
                *out = NULL;
                return sp_error_set(SP_EDATA, "units '%s' and '%s' sit at the same point: "
                                    "inverse distance 1/0 is undefined", job->ids[i], job->ids[j]);
            }
            (*out)->x[k] = link_value(job, (*out)->x[k]);
        }
    return SP_OK;
}

static int apply_links(weights_job *job, sp_weights *W)
{
    const char *spec;
    for (int k = 0; (spec = sp_args_nth(job->args, "link", k)) != NULL; k++) {
        const char *colon = strchr(spec, ':');
        if (!colon)
            return sp_error_set(SP_EUSAGE, "--link: expected A:B (two ids), got '%s'", spec);
        char first[256];
        snprintf(first, sizeof first, "%.*s", (int)(colon - spec), spec);
        int a = sp_weights_find(W, first), b = sp_weights_find(W, colon + 1);
        if (a < 0 || b < 0)
            return sp_error_set(SP_EDATA, "--link %s: no unit '%s' in %s", spec,
                                a < 0 ? first : colon + 1, job->layer->path);
        double value = 1.0;
        if (strcmp(job->type, "idw") == 0) {
            int rc = job_points(job);
            if (rc)
                return rc;
            value = link_value(job, sp_dist_pair(job->metric, job->px[a], job->py[a],
                                                 job->px[b], job->py[b]));
        }
        int rc = sp_weights_add_link(W, a, b, value);
        if (rc)
            return rc;
    }
    return SP_OK;
}

static int apply_islands(weights_job *job, sp_weights *W)
{
    const char *policy = sp_args_get(job->args, "islands");
    if (!policy)
        policy = "keep";
    if (strcmp(policy, "keep") && strcmp(policy, "nearest") && strcmp(policy, "error"))
        return sp_error_set(SP_EUSAGE, "--islands: expected keep, nearest or error, got '%s'", policy);
    int *islands, count, rc = sp_weights_islands(W, &islands, &count);
    if (rc)
        return rc;
    char names[512] = "";
    for (int k = 0; k < count && k < 10; k++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
                 W->ids[islands[k]]);
    if (count && strcmp(policy, "error") == 0)
        rc = sp_error_set(SP_EDATA, "%d unit%s without neighbours: %s%s", count,
                          count > 1 ? "s" : "", names, count > 10 ? ", ..." : "");
    else if (count && strcmp(policy, "keep") == 0)
        fprintf(stderr, "spill weights: warning: %d unit%s without neighbours (kept as islands): "
                "%s%s\n", count, count > 1 ? "s" : "", names, count > 10 ? ", ..." : "");
    for (int k = 0; k < count && !rc && strcmp(policy, "nearest") == 0; k++) {
        int near;
        double d;
        rc = job_points(job);
        if (!rc)
            rc = sp_dist_nearest(job->px, job->py, job->n, islands[k], job->metric, &near, &d);
        if (!rc) {
            fprintf(stderr, "spill weights: linked island %s to its nearest unit %s (%.6g %s)\n",
                    W->ids[islands[k]], W->ids[near], d,
                    job->metric == SP_METRIC_EUCLID ? "CRS units" : "km");
            rc = sp_weights_add_link(W, islands[k], near, link_value(job, d));
        }
    }
    free(islands);
    return rc;
}

static void print_summary(const char *out, const char *type, const sp_weights *W)
{
    sp_weights_summary s;
    if (sp_weights_summarize(W, &s) == SP_OK)
        fprintf(stderr, "spill weights: %s: %s, %d units, %d links, neighbours %d..%d "
                "(mean %.2f), %d island%s, %d component%s\n", out, type, s.n, s.nnz,
                s.min_neighbors, s.max_neighbors, s.mean_neighbors, s.n_islands,
                s.n_islands == 1 ? "" : "s", s.components, s.components == 1 ? "" : "s");
}

static int weights_run(weights_job *job, sp_weights **result)
{
    const sp_args *a = job->args;
    sp_csr *raw;
    int rc = build_raw(job, &raw);
    if (rc)
        return rc;
    sp_weights *W;
    if ((rc = sp_weights_new(job->n, (const char *const *)job->ids, raw, &W))) {
        sp_csr_free(raw);
        return rc;
    }
    int order;
    rc = sp_args_int(a, "order", 1, 1, &order);
    if (!rc && (order > 1 || sp_args_flag(a, "cumulative"))) {
        sp_weights *higher;
        rc = sp_weights_order(W, order, sp_args_flag(a, "cumulative"), &higher);
        if (!rc) {
            sp_weights_free(W);
            W = higher;
        }
    }
    if (!rc)
        rc = apply_links(job, W);
    if (!rc)
        rc = apply_islands(job, W);
    sp_std style = SP_STD_ROW;
    if (!rc && sp_args_get(a, "standardize"))
        rc = sp_weights_std_parse(sp_args_get(a, "standardize"), &style);
    if (!rc)
        rc = sp_weights_standardize(W, style);
    if (rc) {
        sp_weights_free(W);
        return rc;
    }
    *result = W;
    return SP_OK;
}

/* The file's base name without extension, written into GAL/GWT headers so
 * GeoDa and ArcGIS can join the weights to the layer. */
static const char *layer_name(const char *path)
{
    static char name[256];
    const char *slash = strrchr(path, '/');
    snprintf(name, sizeof name, "%s", slash ? slash + 1 : path);
    char *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = '\0';
    return name;
}

/* Whether a CSV's first line names a geometry column GDAL reads (WKT). */
static int csv_has_geometry(const char *path)
{
    FILE *f = fopen(path, "rb");
    char line[4096] = "";
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    for (char *s = line; *s; s++)
        *s = (char)tolower((unsigned char)*s);
    return strstr(line, "wkt") != NULL;
}

/* Whether SRC is a weights file to convert rather than a layer: .gal .gwt
 * .swm .mtx always; a .csv .txt or workbook unless --type, --points or --id
 * without --ids asks for a layer, or the CSV has a WKT geometry column. */
static int is_weights_input(const sp_args *a, const char *src)
{
    sp_wformat f = sp_wio_format(src);
    if (f == SP_WF_GAL || f == SP_WF_GWT || f == SP_WF_SWM || f == SP_WF_MTX)
        return 1;
    if (f == SP_WF_UNKNOWN || sp_args_get(a, "type") || sp_args_get(a, "points") ||
        (sp_args_get(a, "id") && !sp_args_get(a, "ids")))
        return 0;
    return !(f == SP_WF_CSV && csv_has_geometry(src));
}

/* W on the units of the --ids table's --id field, in its order. */
static int convert_ids(const sp_args *a, sp_weights **W)
{
    const char *src = sp_args_get(a, "ids"), *field = sp_args_get(a, "id");
    sp_table *t;
    int col, rc = sp_table_read(src, NULL, &t);
    if (rc)
        return rc;
    rc = sp_table_require(t, field, &col);
    const char **ids = rc ? NULL : sp_malloc(((size_t)t->nrow + 1) * sizeof *ids);
    for (int r = 0; !rc && r < t->nrow; r++)
        if (!(ids[r] = sp_table_cell(t, r, col)))
            rc = sp_error_set(SP_EDATA, "%s: row %d has no %s", src, r + 1, field);
    sp_weights *aligned = NULL;
    if (!rc && ids)
        rc = sp_weights_align(*W, ids, t->nrow, src, &aligned);
    else if (!rc)
        rc = SP_ENOMEM;
    if (!rc) {
        int dropped = (*W)->n - (aligned->n - 0);
        for (int i = 0; i < aligned->n; i++)
            dropped += sp_weights_find(*W, aligned->ids[i]) < 0; /* islands added */
        if (dropped > 0)
            fprintf(stderr, "spill weights: warning: %d unit%s of the weights %s not in %s and "
                    "left out\n", dropped, dropped == 1 ? "" : "s", dropped == 1 ? "is" : "are",
                    src);
        sp_weights_free(*W);
        *W = aligned;
    }
    free(ids);
    sp_table_free(t);
    return rc;
}

/* spill weights IN -o OUT: another format, re-standardised on request. */
static int weights_convert(const sp_args *a, const char *in, const char *out)
{
    static const char *const building[] = {"type", "snap", "k", "threshold", "lower", "power",
        "metric", "arc", "points", "data", "var", "data-id", "time", "years", "drop-missing",
        "geo", "order", "cumulative", "link", "islands", "layer", NULL};
    for (int k = 0; building[k]; k++)
        if (sp_args_get(a, building[k]))
            return sp_error_set(SP_EUSAGE, "--%s builds weights from a layer; it does not apply "
                                "to converting the weights file %s", building[k], in);
    if (sp_args_get(a, "ids") && !sp_args_get(a, "id"))
        return sp_error_set(SP_EUSAGE, "--ids needs --id FIELD (the id column of %s)",
                            sp_args_get(a, "ids"));
    sp_std style = SP_STD_NONE;
    int rc = sp_args_get(a, "standardize") ? sp_weights_std_parse(sp_args_get(a, "standardize"), &style)
                                           : SP_OK;
    sp_weights *W = NULL;
    if (!rc)
        rc = sp_wio_read(in, &W);
    if (!rc && sp_args_get(a, "ids"))
        rc = convert_ids(a, &W);
    if (!rc && W->unnamed && sp_wio_format(out) != SP_WF_GWT)
        rc = sp_error_set(SP_EDATA, "%s: %d island%s without ids (a libpysal/GeoDa GWT): name "
                          "every unit with --ids LAYER --id FIELD to write %s", in, W->unnamed,
                          W->unnamed == 1 ? "" : "s", out);
    if (!rc && style != SP_STD_NONE)
        rc = sp_weights_standardize(W, style);
    if (!rc)
        rc = sp_wio_write_named(out, W, layer_name(sp_args_get(a, "ids") ? sp_args_get(a, "ids")
                                                                          : in),
                                sp_args_get(a, "id"));
    if (!rc) {
        print_summary(out, "converted", W);
        if (sp_args_flag(a, "json"))
            rc = sp_json_print(sp_json_weights_summary(W));
    }
    sp_weights_free(W);
    return rc;
}

/* An unknown --type is a usage error (with the closest type); the table
 * options shape econ and nested weights only: elsewhere they would be
 * silently ignored, so they are a usage error too. */
/* The options that shape one --type's links and no other's: given to another
 * type they would be ignored without a word (--type queen --k 4), so they are
 * a usage error naming what the type takes.  Contiguity takes the distance
 * options only for --islands nearest (linking islands to their nearest unit). */
static int type_options_fit(const sp_args *a, const char *type)
{
    static const char *const specific[] = {"snap", "k", "threshold", "lower", "power", "points",
                                           "metric", "arc", "geo", NULL};
    static const struct {
        const char *type, *takes;
    } takes[] = {{"queen", " snap "}, {"rook", " snap "}, {"knn", " k points metric arc "},
                 {"band", " threshold lower points metric arc "},
                 {"idw", " threshold lower power points metric arc "}, {"econ", " "},
                 {"nested", " geo "}};
    const char *islands = sp_args_get(a, "islands");
    int nearest = islands && strcmp(islands, "nearest") == 0;
    for (size_t t = 0; t < sizeof takes / sizeof *takes; t++) {
        if (strcmp(type, takes[t].type) != 0)
            continue;
        for (int k = 0; specific[k]; k++) {
            char word[32];
            snprintf(word, sizeof word, " %s ", specific[k]);
            int distance = strstr(" points metric arc ", word) != NULL;
            if (sp_args_get(a, specific[k]) && !strstr(takes[t].takes, word) &&
                !(nearest && distance)) {
                char list[200] = "";
                for (const char *c = takes[t].takes + 1; *c;) { /* " a b " -> "--a, --b" */
                    size_t len = strcspn(c, " ");
                    snprintf(list + strlen(list), sizeof list - strlen(list), "%s--%.*s",
                             list[0] ? ", " : "", (int)len, c);
                    c += len + 1;
                }
                return sp_error_set(SP_EUSAGE, "--%s does not apply to --type %s (%s%s); it "
                                    "would be ignored", specific[k], type,
                                    list[0] ? "it takes " : "it takes none of the layer's "
                                    "distance options", list);
            }
        }
    }
    return SP_OK;
}

static int data_options_fit(const sp_args *a, const char *type)
{
    static const char *const types[] = {"queen", "rook", "knn", "band", "idw", "econ", "nested"};
    int known = 0;
    for (int k = 0; k < 7; k++)
        known |= strcmp(type, types[k]) == 0;
    const char *near = known ? NULL : sp_strdist_closest(type, types, 7);
    if (!known)
        return sp_error_set(SP_EUSAGE, "unknown --type '%s' (%s%s%squeen, rook, knn, band, idw, "
                            "econ, nested)", type, near ? "did you mean " : "", near ? near : "",
                            near ? "? " : "");
    static const char *const table_opts[] = {"data", "var", "data-id", "time", "years",
                                             "drop-missing"};
    if (strcmp(type, "econ") && strcmp(type, "nested"))
        for (size_t k = 0; k < sizeof table_opts / sizeof *table_opts; k++)
            if (sp_args_get(a, table_opts[k]))
                return sp_error_set(SP_EUSAGE, "--%s is for --type econ and nested (their weights "
                                    "come from TABLE); --type %s is built from the layer alone, "
                                    "and the commands that read W restrict it to the units with "
                                    "data", table_opts[k], type);
    return type_options_fit(a, type);
}

int sp_cmd_weights(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, weights_opts, weights_help, &a);
    if (rc)
        return rc;
    if ((rc = sp_args_positional(&a, 1, "one input layer SRC")))
        return rc;
    const char *out = sp_args_get(&a, "output");
    if (!out)
        return sp_error_set(SP_EUSAGE, "missing -o OUT (.gal .gwt .swm .mtx .csv)");
    if (sp_wio_format(out) == SP_WF_UNKNOWN || sp_wio_format(out) == SP_WF_SHEET)
        return sp_error_set(SP_EUSAGE, "%s: unknown weights format (use .gal .gwt .swm .mtx .csv "
                            ".txt)", out);
    if (is_weights_input(&a, a.pos[0]))
        return weights_convert(&a, a.pos[0], out);
    weights_job job = {.args = &a, .type = sp_args_get(&a, "type") ? sp_args_get(&a, "type") : "queen"};
    int contiguity = strcmp(job.type, "queen") == 0 || strcmp(job.type, "rook") == 0;
    if ((rc = data_options_fit(&a, job.type)) || (rc = sp_args_threads(&a, &job.threads)))
        return rc;
    const char *points = sp_args_get(&a, "points");
    int need_geometry = contiguity || !points || strcmp(points, "centroid") == 0;
    const char *islands = sp_args_get(&a, "islands");
    /* contiguity reads vertices only, unless islands need centroids */
    int vertices = contiguity && !(islands && strcmp(islands, "nearest") == 0);
    double t0 = sp_clock_seconds();
    rc = sp_layer_read(a.pos[0], sp_args_get(&a, "layer"), sp_args_get(&a, "id"),
                       (need_geometry ? SP_LAYER_NEED_GEOMETRY : 0) |
                       (vertices ? SP_LAYER_VERTICES : 0), &job.layer);
    if (rc)
        return rc;
    job.n = job.layer->n;
    job.ids = sp_malloc((size_t)job.n * sizeof *job.ids);
    job.keep = sp_malloc((size_t)job.n * sizeof *job.keep);
    sp_weights *W = NULL;
    if (!job.ids || !job.keep)
        rc = SP_ENOMEM;
    for (int i = 0; i < job.n && !rc; i++) {
        job.ids[i] = job.layer->ids[i];
        job.keep[i] = i;
    }
    double t1 = sp_clock_seconds();
    if (!rc)
        rc = weights_run(&job, &W);
    double t2 = sp_clock_seconds();
    if (!rc)
        rc = sp_wio_write_named(out, W, layer_name(a.pos[0]), sp_args_get(&a, "id"));
    if (!rc && sp_args_flag(&a, "timing"))
        fprintf(stderr, "spill weights: timing: read %.3f s, weights %.3f s, write %.3f s\n",
                t1 - t0, t2 - t1, sp_clock_seconds() - t2);
    if (!rc) {
        print_summary(out, job.type, W);
        if (sp_args_flag(&a, "json"))
            rc = sp_json_print(sp_json_weights_summary(W));
    }
    sp_weights_free(W);
    free(job.ids);
    free(job.keep);
    free(job.px);
    free(job.py);
    sp_layer_free(job.layer);
    return rc;
}
