/* spill map: LISA cluster, Gi* hot-spot, choropleth and ellipse maps, one
 * panel per period (small multiples) or one file per period (docs/maps.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sp_acio.h"
#include "sp_canvas.h"
#include "sp_cartog.h"
#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_sde.h"
#include "sp_error.h"
#include "sp_getis.h"
#include "sp_idmap.h"
#include "sp_lisa.h"
#include "sp_mapdraw.h"
#include "sp_mapjob.h"

static const char help[] =
    "usage: spill map SRC [--id ID] [--data TABLE --by TIME] KIND -o OUT.png|svg|pdf\n"
    "\n"
    "Draws the units of the polygon layer SRC, coloured by KIND, in an equal-area\n"
    "projection fitted to the data (an Albers conic, as `spill ellipse`), with a\n"
    "north arrow, a scale bar in km and a legend.  With --by, one panel per period\n"
    "in a grid with one shared legend (or one file per period with --each).  Units\n"
    "without data are drawn white and named \"No data\" in the legend.\n"
    "\n"
    "KIND (one of):\n"
    "  --lisa V             LISA clusters of V in GeoDa's colours (needs --w);\n"
    "                       --significance: the significance map instead\n"
    "  --hotspot V          Gi* hot and cold spots in ArcGIS's seven bins (needs --w)\n"
    "  --choropleth V       classes of V (--classes, --k, --palette)\n"
    "  --ellipse V          the standard deviational ellipse weighted by V and its\n"
    "                       centre per period, the centre's path with arrows\n"
    "\n"
    "options:\n"
    "  --id FIELD           unit id field of SRC (default: feature order 1..n)\n"
    "  --layer NAME         layer of SRC\n"
    "  --data TABLE         long-format table joined to SRC by unit id\n"
    "  --data-id FIELD      the table's unit id field (default: the --id name)\n"
    "  --by TIME            the table's period field: one panel per period\n"
    "  --each               with --by: one file per period, OUT_PERIOD.EXT\n"
    "  --w FILE             weights for --lisa and --hotspot ('w_{}.gal': one per period)\n"
    "  --w-by TIME          the period field of a weights pattern (the same as --by)\n"
    "  --strict             units of W without data are an error (default: W is\n"
    "                       restricted to the units with data, with a warning)\n"
    "  --perm N             permutations (lisa default 999, hotspot 0: normal p)\n"
    "  --seed N             random seed (default 12345)\n"
    "  --threads N          threads (default: all cores); the map does not depend on it\n"
    "  --alpha A            significance level of the LISA clusters (default 0.05)\n"
    "  --fdr                Benjamini-Hochberg false discovery rate control\n"
    "  --classes C          quantile (default), equal, jenks or breaks:a,b,c\n"
    "  --k K                number of classes (default 5)\n"
    "  --palette P          YlOrRd (default), Blues, Greens, Purples, Reds, RdBu,\n"
    "                       RdYlBu, BrBG (diverging around the middle class)\n"
    "  --sd K               ellipse size: 1 (default), 2 or 3 standard deviations\n"
    "  --title T            the title (default: what the map shows; \"\" for none)\n"
    "  --label FIELD        unit labels from a field of SRC (e.g. name_zh)\n"
    "  --crs CRS            draw in this CRS (EPSG:xxxx, WKT or PROJ string)\n"
    "  --extent X0,Y0,X1,Y1 crop to this box, in SRC's coordinates (lon/lat)\n"
    "  --width IN           figure width in inches (default 6.5)\n"
    "  --dpi N              PNG resolution (default 300)\n"
    "  --font FAMILY        font family (default Noto Sans CJK SC), via fontconfig\n"
    "  --debug-points FILE  JSON: each unit's interior point in the figure (pixels\n"
    "                       for PNG, points otherwise), its class and colour\n"
    "  -o, --output OUT     the figure: .png, .svg or .pdf\n"
    "  --json               the files written and the classes as JSON on stdout\n"
    "  --timing             seconds spent reading (with the map's statistic) and\n"
    "                       drawing and writing, on stderr\n";

static const sp_optspec spec[] = {
    {"id", 1},     {"layer", 1},   {"data", 1},   {"data-id", 1}, {"by", 1},
    {"each", 0},   {"w", 1},       {"perm", 1},   {"seed", 1},    {"threads", 1},
    {"alpha", 1},  {"fdr", 0},     {"lisa", 1},   {"hotspot", 1}, {"choropleth", 1},
    {"ellipse", 1}, {"significance", 0}, {"classes", 1}, {"k", 1}, {"palette", 1},
    {"sd", 1},     {"title", 1},   {"label", 1},  {"crs", 1},     {"extent", 1},
    {"width", 1},  {"dpi", 1},     {"font", 1},   {"debug-points", 1}, {"output", 1},
    {"json", 0},   {"timing", 0},  {"strict", 0}, {"w-by", 1}, {NULL, 0}};

/* The options of spill map, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_map_opts(void) { return spec; }

/* ---- the periods: values of the variable on the layer's units ---- */

/* Period g's values on the layer's units (NaN: no data) from --data or the
 * layer's attributes (an empty cell is no data). */
static int plain_values(sp_mapjob *J, const sp_panel *P, const sp_idmap *map, int g, double *v)
{
    const sp_layer *L = J->L;
    for (int i = 0; i < L->n; i++)
        v[i] = NAN;
    const sp_panel_period *per = &P->periods[g];
    int col;
    int rc = sp_table_require(P->table, J->var, &col);
    for (int k = 0; k < per->n && !rc; k++) {
        int r = per->rows[k];
        const char *id = P->ids[r], *cell = sp_table_cell(P->table, r, col);
        int u = map ? sp_idmap_find(map, id) : r;
        if (u < 0) {
            char what[512];
            return sp_error_set(SP_EDATA, "%s: unit '%s' is not in %s",
                                sp_panel_describe(P, g, what, sizeof what), id, L->path);
        }
        if (cell && cell[0])
            rc = sp_table_number(P->table, r, col, id, &v[u]);
    }
    return rc;
}

/* Every period's values for the kinds that need no weights (choropleth, ellipse). */
static int load_plain(sp_mapjob *J)
{
    sp_table *t = NULL;
    sp_panel *P = NULL;
    sp_idmap *map = NULL;
    int rc = SP_OK;
    const sp_table *src = J->L->attrs;
    if (J->data) {
        const char *id = J->data_id ? J->data_id : J->id;
        if (!(rc = sp_table_read(J->data, NULL, &t)) && !(rc = sp_panel_build(t, id, J->by, &P)))
            rc = sp_idmap_build((const char *const *)J->L->ids, J->L->n, J->L->path, &map);
    } else {
        rc = sp_panel_build(src, J->id, NULL, &P);
    }
    if (!rc)
        rc = sp_mapjob_periods(J, P->nperiods);
    for (int g = 0; !rc && g < P->nperiods; g++) {
        snprintf(J->panels[g].label, sizeof J->panels[g].label, "%s", P->periods[g].label);
        rc = plain_values(J, P, map, g, J->panels[g].value);
    }
    sp_idmap_free(map);
    sp_panel_free(P);
    sp_table_free(t);
    return rc;
}

/* ---- local statistics (lisa, hotspot) through the autocorrelation frame ---- */

/* Period g of the frame: the statistic's classes on the layer's units. */
static int local_period(sp_mapjob *J, sp_acio *A, int g)
{
    sp_acio_period p;
    int rc = sp_acio_load(A, g, &p);
    if (rc)
        return rc;
    sp_mapjob_panel *mp = &J->panels[g];
    snprintf(mp->label, sizeof mp->label, "%s", p.label ? p.label : "");
    if (J->kind == SP_MAPJOB_LISA) {
        sp_lisa *S = NULL;
        if (!(rc = sp_acio_no_self(A, &p, "local Moran's I")) &&
            !(rc = sp_weights_standardize(p.W, SP_STD_ROW)) &&
            !(rc = sp_lisa_compute(p.W->w, p.x, p.subject, &J->lisa, &S)))
            sp_mapjob_lisa_classes(J, S, p.feature, mp);
        sp_lisa_free(S);
    } else {
        sp_getis *S = NULL;
        sp_csr *w = NULL;
        if (!(rc = sp_getis_add_self(p.W->w, 1.0, &w)) &&
            !(rc = sp_getis_compute(w, p.x, p.subject, &J->getis, &S)))
            sp_mapjob_getis_classes(J, S, p.feature, mp);
        sp_csr_free(w);
        sp_getis_free(S);
    }
    for (int k = 0; !rc && k < p.n; k++)
        mp->value[p.feature[k]] = p.x[k];
    sp_acio_period_free(&p);
    return rc;
}

static int load_local(sp_mapjob *J)
{
    sp_acio_args io = {.cmd = "map", .src = J->src, .layer = J->layer, .id = J->id,
                       .data = J->data, .data_id = J->data_id, .var = J->var, .by = J->by,
                       .wpath = J->wpath, .need_layer = 1, .strict = J->strict};
    sp_acio *A = NULL;
    int rc = sp_acio_open(&io, &A);
    if (!rc)
        rc = sp_mapjob_periods(J, A->P->nperiods);
    for (int g = 0; !rc && g < A->P->nperiods; g++)
        rc = local_period(J, A, g);
    sp_acio_close(A);
    return rc;
}

/* ---- options ---- */

/* The kind: exactly one of --lisa, --hotspot, --choropleth, --ellipse. */
static int parse_kind(const sp_args *a, sp_mapjob *J)
{
    static const char *const names[] = {"lisa", "hotspot", "choropleth", "ellipse"};
    int found = 0;
    for (int k = 0; k < 4; k++)
        if (sp_args_get(a, names[k])) {
            J->kind = (sp_mapjob_kind)k, J->var = sp_args_get(a, names[k]);
            found++;
        }
    if (found != 1)
        return sp_error_set(SP_EUSAGE, "give one map kind: --lisa V, --hotspot V, --choropleth V "
                            "or --ellipse V (see --help)");
    if ((J->kind == SP_MAPJOB_LISA || J->kind == SP_MAPJOB_HOTSPOT) && !J->wpath)
        return sp_error_set(SP_EUSAGE, "--%s needs --w WEIGHTS", names[J->kind]);
    if (sp_args_flag(a, "significance") && J->kind != SP_MAPJOB_LISA)
        return sp_error_set(SP_EUSAGE, "--significance goes with --lisa");
    return SP_OK;
}

/* The statistics' options (as `spill lisa` and `spill hotspot` default them). */
static int parse_stats(const sp_args *a, sp_mapjob *J)
{
    int seed, threads, perm, rc;
    if ((rc = sp_args_int(a, "perm", J->kind == SP_MAPJOB_LISA ? 999 : 0, 0, &perm)) ||
        (rc = sp_args_int(a, "seed", 12345, 0, &seed)) || (rc = sp_args_threads(a, &threads)) ||
        (rc = sp_args_double(a, "alpha", 0.05, &J->lisa.alpha)) ||
        (rc = sp_args_int(a, "sd", 1, 1, &J->sd)))
        return rc;
    if (!(J->lisa.alpha > 0.0 && J->lisa.alpha < 1.0))
        return sp_error_set(SP_EUSAGE, "--alpha must lie between 0 and 1 (got %g)", J->lisa.alpha);
    if (J->sd > 3)
        return sp_error_set(SP_EUSAGE, "--sd must be 1, 2 or 3 (got %d)", J->sd);
    J->lisa.perm = J->getis.perm = (sp_perm_opts){.perm = perm, .seed = (uint64_t)seed,
                                                   .threads = threads};
    J->lisa.fdr = J->getis.fdr = sp_args_flag(a, "fdr");
    J->getis.star = 1;
    J->significance = sp_args_flag(a, "significance");
    return SP_OK;
}

static int parse_options(const sp_args *a, sp_mapjob *J)
{
    int rc = sp_args_positional(a, 1, "SRC");
    if (rc)
        return rc;
    J->src = a->pos[0], J->layer = sp_args_get(a, "layer"), J->id = sp_args_get(a, "id");
    J->data = sp_args_get(a, "data"), J->data_id = sp_args_get(a, "data-id");
    J->by = sp_args_get(a, "by"), J->wpath = sp_args_get(a, "w");
    J->strict = sp_args_flag(a, "strict");
    if ((sp_args_get(a, "w-by") || J->strict) && !J->wpath)
        return sp_error_set(SP_EUSAGE, "--%s goes with --w (the weights of --lisa or --hotspot)",
                            J->strict ? "strict" : "w-by");
    if ((rc = sp_acio_wby(a, &J->by)))
        return rc;
    J->output = sp_args_get(a, "output"), J->title = sp_args_get(a, "title");
    J->label = sp_args_get(a, "label"), J->crs = sp_args_get(a, "crs");
    J->extent = sp_args_get(a, "extent"), J->each = sp_args_flag(a, "each");
    J->debug = sp_args_get(a, "debug-points"), J->json = sp_args_flag(a, "json");
    if (!J->output)
        return sp_error_set(SP_EUSAGE, "-o OUT.png|svg|pdf is required (see --help)");
    if ((rc = sp_canvas_format_of(J->output, &J->fmt)) || (rc = parse_kind(a, J)) ||
        (rc = parse_stats(a, J)) || (rc = sp_args_double(a, "dpi", SP_CANVAS_DPI, &J->dpi)) ||
        (rc = sp_args_double(a, "width", 6.5, &J->width_in)) ||
        (rc = sp_mapjob_parse_classes(a, J)))
        return rc;
    if (!(J->dpi >= 10 && J->dpi <= 2400))
        return sp_error_set(SP_EUSAGE, "--dpi must lie between 10 and 2400 (got %g)", J->dpi);
    if (!(J->width_in >= 1 && J->width_in <= 40))
        return sp_error_set(SP_EUSAGE, "--width must lie between 1 and 40 inches (got %g)",
                            J->width_in);
    sp_acio_args io = {.src = J->src, .id = J->id, .data = J->data, .by = J->by, .need_layer = 1};
    if ((rc = sp_acio_args_check(&io)))
        return rc;
    if (J->each && !J->by)
        return sp_error_set(SP_EUSAGE, "--each needs --by TIME");
    if (J->each && J->kind == SP_MAPJOB_ELLIPSE)
        return sp_error_set(SP_EUSAGE, "--each goes with --lisa, --hotspot and --choropleth (an "
                            "ellipse map shows every period in one panel)");
    sp_canvas_font_resolve("map", sp_args_get(a, "font"), J->font, sizeof J->font);
    return SP_OK;
}

/* Read the layer, project it and load the kind's values and classes. */
static int map_load(sp_mapjob *J)
{
    int rc = sp_layer_read(J->src, J->layer, J->id, SP_LAYER_NEED_GEOMETRY, &J->L);
    if (!rc)
        rc = sp_cartog_project(J->L, J->crs, "map", J->extent || J->fmt != SP_CANVAS_PNG ? 0
                                                    : J->width_in * J->dpi,
                               &J->G); /* thinned to a PNG's pixels, unless cropped */
    if (!rc && J->extent)
        rc = sp_cartog_set_extent(J->G, J->L, J->extent);
    if (!rc && J->label) {
        int col;
        if (!(rc = sp_table_require(J->L->attrs, J->label, &col)))
            J->label_col = col;
    }
    if (!rc)
        rc = J->kind == SP_MAPJOB_LISA || J->kind == SP_MAPJOB_HOTSPOT ? load_local(J)
                                                                        : load_plain(J);
    if (!rc)
        rc = sp_mapjob_finish(J);
    return rc;
}

int sp_cmd_map(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (rc)
        return rc;
    sp_mapjob J = {.label_col = -1};
    double t0 = 0.0, t1 = 0.0;
    if (!(rc = parse_options(&a, &J))) {
        t0 = sp_clock_seconds();
        rc = map_load(&J);
        t1 = sp_clock_seconds();
    }
    if (!rc)
        rc = sp_mapdraw_all(&J);
    if (!rc && sp_args_flag(&a, "timing")) {
        static const char *const names[] = {"read", "draw and write"};
        const double secs[] = {t1 - t0, sp_clock_seconds() - t1};
        sp_clock_phases("map", names, secs, 2);
    }
    if (!rc && J.json)
        rc = sp_json_print(sp_mapdraw_json(&J));
    sp_mapjob_free(&J);
    return rc;
}
