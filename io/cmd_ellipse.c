/* spill ellipse: standard deviational ellipses of a weighted variable, per
 * period, with the migration of the weighted mean centre (docs/ellipse.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_crs.h"
#include "sp_sde.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_idmap.h"
#include "sp_layer.h"
#include "sp_output.h"
#include "sp_panel.h"
#include "sp_points.h"
#include "sp_shapes.h"

static const char help[] =
    "usage: spill ellipse SRC --weight V [--data TABLE --by TIME] [--sd 1|2|3]\n"
    "                    [--convention arcgis|crimestat] -o OUT\n"
    "                    [--json | --csv | --markdown | --latex] [--table FILE]\n"
    "\n"
    "Weighted mean centre and standard deviational ellipse of the units of SRC\n"
    "(their centroids, or two coordinate fields), weighted by V; one ellipse per\n"
    "period with --by, and the migration of the centre between periods.\n"
    "Computed in an equal-area projection: for a geographic layer an Albers conic\n"
    "fitted to the data's extent (or --crs).  Lengths in km, areas in km^2.\n"
    "\n"
    "options:\n"
    "  --weight V          the weight variable (a field of SRC, or of --data)\n"
    "  --id FIELD          unit id field of SRC (default: feature order 1..n)\n"
    "  --layer NAME        layer of SRC\n"
    "  --data TABLE        long-format table joined to SRC by unit id\n"
    "  --data-id FIELD     the table's unit id field (default: the --id name)\n"
    "  --by TIME           the table's period field: one ellipse per period\n"
    "  --points P          centroid (default) or XFIELD,YFIELD (e.g. cap_lon,cap_lat,\n"
    "                      in SRC's CRS)\n"
    "  --sd K              1 (default), 2 or 3 standard deviations\n"
    "  --convention C      arcgis (default; divisor sum of weights) or crimestat\n"
    "                      (n - 2 degrees of freedom)\n"
    "  --crs CRS           compute in this projected CRS (EPSG:xxxx, WKT or PROJ string)\n"
    "  -o OUT              ellipse polygons, one feature per period (.gpkg .shp\n"
    "                      .geojson .fgb ...)\n"
    "  --centers FILE      the centres as a point layer\n"
    "  --table FILE        the migration table (every field at full precision): CSV,\n"
    "                      or by FILE's extension Markdown (.md), LaTeX (.tex), JSON\n"
    "                      (.json) or text (.txt)\n"
    "  --json              results and migration as one JSON object on stdout\n"
    "  --csv | --markdown | --latex   the table on stdout as CSV, Markdown or LaTeX\n"
    "  --timing            seconds spent reading, computing and writing, on stderr\n";

static const sp_optspec spec[] = {
    {"weight", 1}, {"id", 1}, {"layer", 1}, {"data", 1}, {"data-id", 1}, {"by", 1},
    {"points", 1}, {"sd", 1}, {"convention", 1}, {"crs", 1}, {"output", 1}, {"centers", 1},
    {"table", 1}, {"json", 0}, {"timing", 0}, SP_GRID_FORMAT_OPTS, {NULL, 0}};

/* The options of spill ellipse, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_ellipse_opts(void) { return spec; }

/* One period's ellipse, its centre in lon/lat, and the move from the previous one. */
typedef struct sde_result {
    char by[64];
    sp_sde e;
    double lon, lat;
    double move_km, bearing;
} sde_result;

typedef struct sde_job {
    sp_layer *L;
    double *px, *py;   /* projected unit points, metres */
    char crs[512];     /* the CRS computed in */
    sp_crs *to_geo;    /* projected -> lon/lat (NULL without CRS) */
    int k;
    sp_sde_convention conv;
    sde_result *res;
    int nres;
} sde_job;

/* Unit points in the layer's CRS, then projected (job->px, py). */
static int job_points(sde_job *job, const sp_args *a)
{
    sp_layer *L = job->L;
    const char *spec_points = sp_args_get(a, "points");
    job->px = sp_malloc((size_t)L->n * sizeof *job->px);
    job->py = sp_malloc((size_t)L->n * sizeof *job->py);
    if (!job->px || !job->py)
        return SP_ENOMEM;
    int rc;
    if (!spec_points || strcmp(spec_points, "centroid") == 0) {
        rc = sp_points_centroids(L->geoms, L->n, (const char *const *)L->ids, job->px, job->py);
    } else {
        const char *comma = strchr(spec_points, ',');
        if (!comma)
            return sp_error_set(SP_EUSAGE, "--points: expected centroid or XFIELD,YFIELD");
        char xf[256];
        snprintf(xf, sizeof xf, "%.*s", (int)(comma - spec_points), spec_points);
        rc = sp_layer_numeric(L, xf, job->px);
        if (!rc)
            rc = sp_layer_numeric(L, comma + 1, job->py);
    }
    if (rc)
        return rc;
    const char *crs = sp_args_get(a, "crs");
    if (!L->has_crs) {
        if (crs)
            return sp_error_set(SP_EDATA, "%s: the layer has no CRS to transform from", L->path);
        fprintf(stderr, "spill ellipse: warning: %s has no CRS: coordinates taken as metres\n", L->path);
        snprintf(job->crs, sizeof job->crs, "unknown");
        return SP_OK;
    }
    if (crs)
        snprintf(job->crs, sizeof job->crs, "%s", crs);
    else if (L->geographic)
        sp_crs_albers_for(job->px, job->py, L->n, job->crs, sizeof job->crs);
    else
        snprintf(job->crs, sizeof job->crs, "%s", L->crs_wkt);
    sp_crs *fwd;
    if ((rc = sp_crs_open(L->crs_wkt, job->crs, &fwd)))
        return rc;
    rc = sp_crs_forward(fwd, job->px, job->py, L->n);
    sp_crs_close(fwd);
    if (!rc)
        rc = sp_crs_open(job->crs, "EPSG:4326", &job->to_geo);
    return rc;
}

static int add_result(sde_job *job, const char *by, const double *x, const double *y,
                      const double *w, int n, const char *what)
{
    sde_result *r = &job->res[job->nres];
    memset(r, 0, sizeof *r);
    snprintf(r->by, sizeof r->by, "%s", by);
    int rc = sp_sde_compute(x, y, w, n, job->k, job->conv, what, &r->e);
    if (rc)
        return rc;
    r->lon = r->e.cx, r->lat = r->e.cy;
    if (job->to_geo && (rc = sp_crs_forward(job->to_geo, &r->lon, &r->lat, 1)))
        return rc;
    r->move_km = r->bearing = NAN;
    if (job->nres > 0) {
        const sp_sde *p = &job->res[job->nres - 1].e;
        sp_sde_move(p, &r->e, &r->move_km, &r->bearing);
        r->move_km /= 1000.0;
    }
    job->nres++;
    return SP_OK;
}

/* One ellipse per period of --data (joined to the layer by id), or one for the layer. */
static int run_periods(sde_job *job, const sp_args *a)
{
    sp_layer *L = job->L;
    const char *var = sp_args_get(a, "weight"), *data = sp_args_get(a, "data");
    int n = L->n, rc;
    double *x = sp_malloc((size_t)n * sizeof *x), *y = sp_malloc((size_t)n * sizeof *y);
    double *w = sp_malloc((size_t)n * sizeof *w);
    if (!x || !y || !w) {
        free(x), free(y), free(w);
        return SP_ENOMEM;
    }
    if (!data) {
        job->res = sp_calloc(1, sizeof *job->res);
        rc = job->res ? sp_layer_numeric(L, var, w) : SP_ENOMEM;
        if (!rc)
            rc = add_result(job, "", job->px, job->py, w, n, L->path);
        free(x), free(y), free(w);
        return rc;
    }
    const char *id = sp_args_get(a, "data-id") ? sp_args_get(a, "data-id") : sp_args_get(a, "id");
    if (!id)
        return free(x), free(y), free(w), sp_error_set(SP_EUSAGE, "--data needs --id (or --data-id)");
    sp_table *t = NULL;
    sp_panel *P = NULL;
    sp_idmap *map = NULL;
    rc = sp_table_read(data, NULL, &t);
    if (!rc)
        rc = sp_panel_build(t, id, sp_args_get(a, "by"), &P);
    if (!rc)
        rc = sp_idmap_build((const char *const *)L->ids, n, L->path, &map);
    if (!rc && !(job->res = sp_calloc((size_t)P->nperiods, sizeof *job->res)))
        rc = SP_ENOMEM;
    const char **ids = rc ? NULL : sp_malloc((size_t)t->nrow * sizeof *ids + 1);
    double *wp = rc ? NULL : sp_malloc((size_t)t->nrow * sizeof *wp + 1);
    if (!rc && (!ids || !wp))
        rc = SP_ENOMEM;
    for (int g = 0; !rc && g < P->nperiods; g++) {
        int m = P->periods[g].n;
        char what[512];
        sp_panel_describe(P, g, what, sizeof what);
        sp_panel_ids(P, g, ids);
        if ((rc = sp_panel_numeric(P, g, var, wp)))
            break;
        for (int r = 0; r < m && !rc; r++) {
            int u = sp_idmap_find(map, ids[r]);
            if (u < 0)
                rc = sp_error_set(SP_EDATA, "%s: unit '%s' is not in %s", what, ids[r], L->path);
            else
                x[r] = job->px[u], y[r] = job->py[u], w[r] = wp[r];
        }
        if (!rc && g == 0 && m < n)
            fprintf(stderr, "spill ellipse: %d of %d units of %s have no row in %s and are left out\n",
                    n - m, n, L->path, what);
        if (!rc)
            rc = add_result(job, P->periods[g].label, x, y, w, m, what);
    }
    free(ids), free(wp), free(x), free(y), free(w);
    sp_idmap_free(map);
    sp_panel_free(P);
    sp_table_free(t);
    return rc;
}

static const char *const field_names[] = {"center_x", "center_y", "center_lon", "center_lat",
                                          "sx", "sy", "rotation", "area", "perimeter",
                                          "flattening", "move_km", "bearing"};
/* The layers' fields: ArcGIS Directional Distribution's names and units
 * (CenterX/CenterY and XStdDist/YStdDist in metres of the projected CRS,
 * Rotation in degrees clockwise from north), then spill's extras; all fit a
 * Shapefile's 10 characters. */
static const char *const layer_names[] = {"CenterX", "CenterY", "CenterLon", "CenterLat",
                                          "XStdDist", "YStdDist", "Rotation", "Area_km2",
                                          "Perim_km", "Flattening", "Move_km", "Bearing"};
static const double layer_scale[] = {1, 1, 1, 1, 1000, 1000, 1, 1, 1, 1, 1, 1};
#define NFIELDS 12

static void result_values(const sde_result *r, double *v)
{
    const sp_sde *e = &r->e;
    double vals[NFIELDS] = {e->cx, e->cy, r->lon, r->lat, e->sx / 1000.0, e->sy / 1000.0,
                            e->rotation, e->area / 1e6, e->perimeter / 1000.0, e->flattening,
                            r->move_km, r->bearing};
    memcpy(v, vals, sizeof vals);
}

/* A layer of ellipse polygons (points = 0, a ring of 361 vertices each) or
 * centre points (points = 1), through sp_shapes. */
static int write_layer(const sde_job *job, const char *path, int points)
{
    int npts = points ? 1 : 361, n = job->nres;
    const char **labels = sp_malloc((size_t)(n ? n : 1) * sizeof *labels);
    double *values = sp_malloc((size_t)(n ? n : 1) * NFIELDS * sizeof *values);
    double *xy = sp_malloc((size_t)(n ? n : 1) * npts * 2 * sizeof *xy);
    int rc = labels && values && xy ? SP_OK : SP_ENOMEM;
    for (int i = 0; i < n && !rc; i++) {
        const sde_result *r = &job->res[i];
        labels[i] = r->by;
        result_values(r, values + (long)i * NFIELDS);
        for (int f = 0; f < NFIELDS; f++)
            values[(long)i * NFIELDS + f] *= layer_scale[f];
        double *p = xy + (long)i * npts * 2;
        if (points) {
            p[0] = r->e.cx, p[1] = r->e.cy;
        } else {
            for (int s = 0; s < npts; s++)
                sp_sde_point(&r->e, (s % 360) * M_PI / 180.0, &p[2 * s], &p[2 * s + 1]);
        }
    }
    sp_shapes desc = {.layer = points ? "centers" : "ellipses", .crs = job->crs,
                      .label_name = "by", .field_names = layer_names, .nfields = NFIELDS,
                      .n = n, .labels = labels, .values = values, .npts = npts, .xy = xy};
    if (!rc)
        rc = sp_shapes_write(path, &desc);
    free(labels), free(values), free(xy);
    return rc;
}

/* The migration table: every field at full precision, the compass direction last. */
static int write_table(const sde_job *job, const char *path)
{
    static const char *const names[] = {"by", "center_x", "center_y", "center_lon",
        "center_lat", "sx_km", "sy_km", "rotation", "area_km2", "perimeter_km", "flattening",
        "move_km", "bearing", "direction"};
    sp_grid_col cols[NFIELDS + 2];
    for (int c = 0; c < NFIELDS + 2; c++)
        cols[c] = (sp_grid_col){.name = names[c], .align = c ? SP_GRID_RIGHT : SP_GRID_LEFT};
    sp_grid *g = sp_grid_new("migration of the weighted mean centre", cols, NFIELDS + 2);
    for (int i = 0; i < job->nres; i++) {
        double v[NFIELDS];
        result_values(&job->res[i], v);
        sp_grid_row(g);
        sp_grid_str(g, job->res[i].by);
        for (int k = 0; k < NFIELDS; k++)
            sp_grid_num(g, "%.17g", v[k]);
        sp_grid_str(g, i ? sp_sde_compass(job->res[i].bearing) : "");
    }
    int rc = sp_grid_save(g, sp_grid_format_for(path, SP_GRID_CSV), path);
    sp_grid_free(g);
    return rc;
}

static int print_json(const sde_job *job)
{
    json_t *results = json_array(), *migration = json_array();
    for (int i = 0; i < job->nres; i++) {
        const sde_result *r = &job->res[i];
        json_t *o = json_object();
        json_object_set_new(o, "by", r->by[0] ? json_string(r->by) : json_null());
        json_object_set_new(o, "n", json_integer(r->e.n));
        double v[NFIELDS];
        result_values(r, v);
        for (int f = 0; f < 10; f++)
            json_object_set_new(o, field_names[f], sp_json_real(v[f]));
        json_object_set_new(o, "major", sp_json_real(r->e.major / 1000.0));
        json_object_set_new(o, "minor", sp_json_real(r->e.minor / 1000.0));
        json_array_append_new(results, o);
        if (i > 0)
            json_array_append_new(migration,
                json_pack("{s:s, s:s, s:o, s:o, s:s}", "from", job->res[i - 1].by, "to", r->by,
                          "distance_km", sp_json_real(r->move_km), "bearing",
                          sp_json_real(r->bearing), "direction", sp_sde_compass(r->bearing)));
    }
    return sp_json_print(json_pack("{s:o, s:o, s:s, s:s, s:i}", "results", results, "migration",
                                   migration, "crs", job->crs, "convention",
                                   job->conv == SP_SDE_ARCGIS ? "arcgis" : "crimestat", "sd", job->k));
}

/* The readable table (text, CSV, Markdown, LaTeX) on stdout. */
static int print_table(const sde_job *job, sp_grid_format format)
{
    static const sp_grid_col cols[] = {
        {.name = "by", .width = 8, .align = SP_GRID_LEFT}, {.name = "n", .width = 4},
        {.name = "lon", .width = 10}, {.name = "lat", .width = 9}, {.name = "sx_km", .width = 9},
        {.name = "sy_km", .width = 9}, {.name = "rotation", .width = 8},
        {.name = "area_km2", .width = 11}, {.name = "perim_km", .width = 9},
        {.name = "flat", .width = 6}, {.name = "moved_km", .width = 9},
        {.name = "towards", .width = 8}};
    char title[640];
    snprintf(title, sizeof title, "standard deviational ellipses (%s, %d SD), CRS %s",
             job->conv == SP_SDE_ARCGIS ? "ArcGIS" : "CrimeStat", job->k, job->crs);
    sp_grid *g = sp_grid_new(title, cols, (int)(sizeof cols / sizeof cols[0]));
    sp_grid_text_layout(g, 0, 1, 1);
    for (int i = 0; i < job->nres; i++) {
        const sde_result *r = &job->res[i];
        sp_grid_row(g);
        sp_grid_str(g, r->by);
        sp_grid_int(g, r->e.n);
        sp_grid_num(g, "%.4f", r->lon);
        sp_grid_num(g, "%.4f", r->lat);
        sp_grid_num(g, "%.2f", r->e.sx / 1000.0);
        sp_grid_num(g, "%.2f", r->e.sy / 1000.0);
        sp_grid_num(g, "%.2f", r->e.rotation);
        sp_grid_num(g, "%.1f", r->e.area / 1e6);
        sp_grid_num(g, "%.2f", r->e.perimeter / 1000.0);
        sp_grid_num(g, "%.3f", r->e.flattening);
        if (i) {
            sp_grid_num(g, "%.2f", r->move_km);
            sp_grid_strf(g, "%4s %3.0f", sp_sde_compass(r->bearing), r->bearing);
        }
    }
    int rc = sp_grid_write(g, format, stdout);
    sp_grid_free(g);
    if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
        rc = sp_error_set(SP_EDATA, "cannot write to standard output");
    return rc;
}

int sp_cmd_ellipse(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (rc)
        return rc;
    if ((rc = sp_args_positional(&a, 1, "SRC")))
        return rc;
    const char *out = sp_args_get(&a, "output");
    if (!sp_args_get(&a, "weight") || !out)
        return sp_error_set(SP_EUSAGE, "--weight and -o are required (see --help)");
    if (sp_args_get(&a, "by") && !sp_args_get(&a, "data"))
        return sp_error_set(SP_EUSAGE, "--by needs --data TABLE (a long-format table)");
    sp_grid_dest dest;
    if ((rc = sp_grid_dest_args(&a, NULL, &dest)))
        return rc;
    sde_job job = {0};
    const char *conv = sp_args_get(&a, "convention");
    if (conv && strcmp(conv, "arcgis") && strcmp(conv, "crimestat"))
        return sp_error_set(SP_EUSAGE, "--convention: expected arcgis or crimestat, got '%s'", conv);
    job.conv = conv && strcmp(conv, "crimestat") == 0 ? SP_SDE_CRIMESTAT : SP_SDE_ARCGIS;
    if ((rc = sp_args_int(&a, "sd", 1, 1, &job.k)))
        return rc;
    if (job.k > 3)
        return sp_error_set(SP_EUSAGE, "--sd must be 1, 2 or 3 (got %d)", job.k);
    const char *points = sp_args_get(&a, "points");
    if (points && strcmp(points, "centroid") != 0 && !strchr(points, ','))
        return sp_error_set(SP_EUSAGE, "--points: expected centroid or XFIELD,YFIELD");
    if (sp_args_get(&a, "data") && !sp_args_get(&a, "data-id") && !sp_args_get(&a, "id"))
        return sp_error_set(SP_EUSAGE, "--data needs --id (or --data-id)");
    int need_geometry = !points || strcmp(points, "centroid") == 0;
    double t0 = sp_clock_seconds();
    rc = sp_layer_read(a.pos[0], sp_args_get(&a, "layer"), sp_args_get(&a, "id"),
                       need_geometry ? SP_LAYER_NEED_GEOMETRY : 0, &job.L);
    if (!rc)
        rc = job_points(&job, &a);
    double t1 = sp_clock_seconds();
    if (!rc)
        rc = run_periods(&job, &a);
    double t2 = sp_clock_seconds();
    if (!rc)
        rc = write_layer(&job, out, 0);
    if (!rc && sp_args_get(&a, "centers"))
        rc = write_layer(&job, sp_args_get(&a, "centers"), 1);
    if (!rc && sp_args_get(&a, "table"))
        rc = write_table(&job, sp_args_get(&a, "table"));
    if (!rc)
        rc = dest.format == SP_GRID_JSON ? print_json(&job) : print_table(&job, dest.format);
    if (!rc && sp_args_flag(&a, "timing"))
        fprintf(stderr, "spill ellipse: timing: read %.3f s, statistics %.3f s, write %.3f s\n",
                t1 - t0, t2 - t1, sp_clock_seconds() - t2);
    free(job.px);
    free(job.py);
    free(job.res);
    sp_crs_close(job.to_geo);
    sp_layer_free(job.L);
    return rc;
}
