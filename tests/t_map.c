/* Tests of `spill map` and `spill plot` through the library: the colour of
 * the pixel at each unit's interior point (from --debug-points) against the
 * classes `spill lisa` and `spill hotspot` write, no-data units, the legend,
 * the PNG size against --dpi, identical bytes on a second run, the SVG's unit
 * paths, and the chart helpers.  Run from the repository root. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include <cairo.h>
#include <jansson.h>

#include "harness.h"
#include "sp_cartog.h"
#include "sp_chart.h"
#include "sp_cli.h"
#include "sp_error.h"
#include "sp_layer.h"
#include "sp_table.h"

#define PROV "shapefiles/china_provinces.shp"
#define AI "shapefiles/ai_index_province.csv"

static char dir[64] = "/tmp/t_map_XXXXXX";

/* dir/name into a static buffer (one of four, so calls can be combined). */
static const char *tmp(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* Run `spill ARGS...` (NULL-terminated) in this process, its stdout and
 * stderr sent to dir/log; returns the exit status. */
static int spill(const char *first, ...)
{
    char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s && argc < 63; s = va_arg(ap, const char *))
        argv[argc++] = (char *)s;
    va_end(ap);
    argv[argc] = NULL;
    fflush(stdout), fflush(stderr);
    int out = dup(1), err = dup(2), log = open(tmp("log"), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log, 1), dup2(log, 2);
    const sp_command *cmd = sp_commands_find(argv[0]);
    int rc = cmd ? cmd->run(argc, argv) : 1;
    if (rc)
        fprintf(stderr, "spill %s: %s\n", argv[0], sp_error_msg());
    fflush(stdout), fflush(stderr);
    dup2(out, 1), dup2(err, 2);
    close(out), close(err), close(log);
    sp_error_clear();
    return rc;
}

/* The 0xRRGGBB pixel at (x, y) of a PNG surface. */
static unsigned pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    return *(const unsigned *)(d + (long)y * stride + 4L * x) & 0xFFFFFFu;
}

/* 1 when the pixel at (x, y) or one of its 8 neighbours is `want`. */
static int pixel_near(cairo_surface_t *s, double x, double y, unsigned want)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            int px = (int)x + dx, py = (int)y + dy;
            if (px >= 0 && py >= 0 && px < w && py < h && pixel(s, px, py) == want)
                return 1;
        }
    return 0;
}

/* The expected colour of each (period, unit) from a lisa or hotspot layer
 * written as CSV in the wide layout (the --by default): COType_YEAR or
 * Gi_Bin_YEAR by adcode; NNeighbors_YEAR is NULL for a unit without data. */
static unsigned expected(const sp_table *t, const char *by, const char *id, const char *field)
{
    char name[64], nn[64];
    snprintf(name, sizeof name, "%s_%s", field, by);
    snprintf(nn, sizeof nn, "NNeighbors_%s", by);
    int cid = sp_table_col(t, "adcode"), cf = sp_table_col(t, name), cn = sp_table_col(t, nn);
    if (cid < 0 || cf < 0 || cn < 0)
        return 0x000000; /* no such field: matches no pixel */
    for (int r = 0; r < t->nrow; r++) {
        const char *unit = sp_table_cell(t, r, cid);
        if (!unit || strcmp(unit, id) != 0 || !sp_table_cell(t, r, cn))
            continue;
        const char *v = sp_table_cell(t, r, cf) ? sp_table_cell(t, r, cf) : "";
        if (strcmp(field, "COType") == 0) /* GeoDa's cluster colours */
            return !strcmp(v, "HH") ? 0xFF0000 : !strcmp(v, "LL") ? 0x0000FF
                 : !strcmp(v, "LH") ? 0xA7ADF9 : !strcmp(v, "HL") ? 0xF4ADA8 : 0xEEEEEE;
        static const unsigned bins[7] = {0x4575B5, 0x849EBA, 0xC0CCBE, 0xFFFFBF,
                                         0xFAB984, 0xED7551, 0xD62F27}; /* ArcGIS, -3..3 */
        return bins[atoi(v) + 3];
    }
    return 0xFFFFFF; /* no row: no data */
}

/* Every unit's interior pixel in every panel has the colour of its class. */
static void check_pixels(const char *png, const char *points, const char *csv, const char *field)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    json_t *root = json_load_file(points, 0, NULL);
    sp_table *t = NULL;
    CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    CHECK(root != NULL);
    CHECK(sp_table_read(csv, NULL, &t) == SP_OK);
    if (!root || !t || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        goto done;
    CHECK_INT(cairo_image_surface_get_width(s), json_integer_value(json_object_get(root, "width")));
    json_t *panels = json_object_get(root, "panels");
    CHECK_INT(json_array_size(panels), 4);
    int checked = 0, nodata = 0;
    for (size_t g = 0; g < json_array_size(panels); g++) {
        json_t *p = json_array_get(panels, g), *units = json_object_get(p, "units");
        const char *by = json_string_value(json_object_get(p, "by"));
        CHECK_INT(json_array_size(units), 34);
        for (size_t i = 0; i < json_array_size(units); i++) {
            json_t *u = json_array_get(units, i);
            const char *id = json_string_value(json_object_get(u, "id"));
            if (strcmp(id, "820000") == 0 || strcmp(id, "810000") == 0)
                continue; /* Macao, Hong Kong: about as wide as their outline here */
            unsigned want = expected(t, by, id, field);
            double x = json_real_value(json_object_get(u, "x"));
            double y = json_real_value(json_object_get(u, "y"));
            TH_RECORD(pixel_near(s, x, y, want), "%s %s %s: pixel (%.0f, %.0f) is %06X, want %06X",
                      png, by, id, x, y, pixel(s, (int)x, (int)y), want);
            checked++;
            nodata += want == 0xFFFFFF;
        }
    }
    CHECK_INT(checked, 4 * 32);
    CHECK_INT(nodata, 4); /* Taiwan: no AI index */
    json_t *lb = json_object_get(root, "legend");
    int ink = 0;
    for (int y = (int)json_real_value(json_array_get(lb, 1)) + 2;
         y < (int)json_real_value(json_array_get(lb, 3)) - 2; y++)
        for (int x = (int)json_real_value(json_array_get(lb, 0)) + 2;
             x < (int)json_real_value(json_array_get(lb, 2)) - 2; x++)
            ink += pixel(s, x, y) != 0xFFFFFF;
    CHECK(ink > 500);
done:
    sp_table_free(t);
    json_decref(root);
    cairo_surface_destroy(s);
}

static void test_lisa_colours(void)
{
    CHECK_INT(spill("weights", PROV, "--id", "adcode", "--link", "460000:440000", "-o",
                    tmp("q.gal"), NULL), 0);
    CHECK_INT(spill("lisa", PROV, "--id", "adcode", "--data", AI, "--by", "year", "--var",
                    "ai_index", "--w", tmp("q.gal"), "-o", tmp("lisa.csv"), NULL), 0);
    CHECK_INT(spill("map", PROV, "--id", "adcode", "--data", AI, "--by", "year", "--lisa",
                    "ai_index", "--w", tmp("q.gal"), "-o", tmp("lisa.png"), "--debug-points",
                    tmp("lisa.json"), NULL), 0);
    check_pixels(tmp("lisa.png"), tmp("lisa.json"), tmp("lisa.csv"), "COType");
}

static void test_hotspot_colours(void)
{
    CHECK_INT(spill("hotspot", PROV, "--id", "adcode", "--data", AI, "--by", "year", "--var",
                    "ai_index", "--w", tmp("q.gal"), "-o", tmp("hot.csv"), NULL), 0);
    CHECK_INT(spill("map", PROV, "--id", "adcode", "--data", AI, "--by", "year", "--hotspot",
                    "ai_index", "--w", tmp("q.gal"), "-o", tmp("hot.png"), "--dpi", "200",
                    "--debug-points", tmp("hot.json"), NULL), 0);
    check_pixels(tmp("hot.png"), tmp("hot.json"), tmp("hot.csv"), "Gi_Bin");
}

/* Bytes of a file (malloc'd), its size in *n. */
static char *slurp(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)*n + 1);
    if (b && fread(b, 1, (size_t)*n, f) != (size_t)*n)
        *n = -1;
    fclose(f);
    if (b)
        b[*n > 0 ? *n : 0] = '\0';
    return b;
}

static void test_same_bytes_and_dpi(void)
{
    static const char *const ext[] = {"a.png", "a.svg", "a.pdf"};
    for (int k = 0; k < 3; k++) {
        long n1 = 0, n2 = 0;
        CHECK_INT(spill("map", PROV, "--id", "adcode", "--choropleth", "cap_lat", "--label",
                        "name_zh", "-o", tmp(ext[k]), NULL), 0);
        char *a = slurp(tmp(ext[k]), &n1);
        CHECK_INT(spill("map", PROV, "--id", "adcode", "--choropleth", "cap_lat", "--label",
                        "name_zh", "-o", tmp(ext[k]), NULL), 0);
        char *b = slurp(tmp(ext[k]), &n2);
        TH_RECORD(a && b && n1 == n2 && n1 > 0 && memcmp(a, b, (size_t)n1) == 0,
                  "%s: two runs give different bytes", ext[k]);
        if (k == 1 && a) { /* one evenodd path per unit */
            int paths = 0;
            for (const char *p = a; (p = strstr(p, "fill-rule:evenodd")); p++)
                paths++;
            CHECK_INT(paths, 34);
        }
        free(a), free(b);
    }
    CHECK_INT(spill("map", PROV, "--choropleth", "cap_lat", "--dpi", "100", "-o", tmp("d1.png"),
                    NULL), 0);
    CHECK_INT(spill("map", PROV, "--choropleth", "cap_lat", "--dpi", "200", "-o", tmp("d2.png"),
                    NULL), 0);
    cairo_surface_t *s1 = cairo_image_surface_create_from_png(tmp("d1.png"));
    cairo_surface_t *s2 = cairo_image_surface_create_from_png(tmp("d2.png"));
    CHECK_INT(cairo_image_surface_get_width(s1), 650); /* 6.5 in at 100 dpi */
    CHECK_INT(cairo_image_surface_get_width(s2), 1300);
    int h1 = cairo_image_surface_get_height(s1), h2 = cairo_image_surface_get_height(s2);
    CHECK(abs(h2 - 2 * h1) <= 1);
    cairo_surface_destroy(s1), cairo_surface_destroy(s2);
}

static void test_failures_leave_nothing(void)
{
    CHECK_INT(spill("map", PROV, "--lisa", "cap_lat", "-o", tmp("x.png"), NULL), SP_EUSAGE);
    CHECK_INT(spill("map", PROV, "--choropleth", "cap_lat", "--classes", "kmeans", "-o",
                    tmp("x.png"), NULL), SP_EUSAGE);
    CHECK_INT(spill("map", PROV, "--choropleth", "nope", "-o", tmp("x.png"), NULL), SP_EDATA);
    CHECK(access(tmp("x.png"), F_OK) != 0);
    CHECK_INT(spill("map", PROV, "--choropleth", "cap_lat", "-o", tmp("no/such/x.png"), NULL),
              SP_EDATA);
}

static void test_projection(void)
{
    sp_layer *L = NULL;
    sp_cartog *G = NULL;
    CHECK(sp_layer_read(PROV, NULL, "adcode", SP_LAYER_NEED_GEOMETRY, &L) == SP_OK);
    CHECK(L && sp_cartog_project(L, NULL, "map", 0, &G) == SP_OK);
    if (!G) {
        sp_layer_free(L);
        return;
    }
    CHECK(G->crs && strstr(G->crs, "+proj=aea") != NULL);
    int inside = 0;
    for (int i = 0; i < G->n; i++)
        inside += G->ix[i] >= G->ext[0] && G->ix[i] <= G->ext[2] && G->iy[i] >= G->ext[1] &&
                  G->iy[i] <= G->ext[3];
    CHECK_INT(inside, 34);
    /* China is about 5000 km wide */
    CHECK(G->ext[2] - G->ext[0] > 4.5e6 && G->ext[2] - G->ext[0] < 6e6);
    sp_cartog_frame f;
    sp_cartog_fit(G, 10, 20, 300, 200, &f);
    double x0, y0, x1, y1;
    sp_cartog_page(&f, G->ext[0], G->ext[3], &x0, &y0);
    sp_cartog_page(&f, G->ext[2], G->ext[1], &x1, &y1);
    CHECK(x0 >= 10 - 1e-9 && x1 <= 310 + 1e-9 && y0 >= 20 - 1e-9 && y1 <= 220 + 1e-9);
    CHECK(fabs(x1 - x0 - 300) < 1e-6 || fabs(y1 - y0 - 200) < 1e-6); /* fills one side */
    CHECK(sp_cartog_set_extent(G, L, "110,20,125,45") == SP_OK);
    CHECK(G->ext[2] - G->ext[0] < 2e6);
    CHECK(sp_cartog_set_extent(G, L, "125,20,110,45") == SP_EUSAGE);
    sp_cartog_free(G);
    sp_layer_free(L);
}

static void test_chart_ticks(void)
{
    double lo, hi, step;
    sp_chart_nice(0.03, 73.95, 5, &lo, &hi, &step);
    CHECK_REL(step, 20, 1e-12);
    CHECK_REL(lo, 0, 1e-12);
    CHECK_REL(hi, 80, 1e-12);
    sp_chart_nice(-1.3, 2.2, 5, &lo, &hi, &step);
    CHECK_REL(step, 1, 1e-12);
    CHECK_REL(lo, -2, 1e-12);
    CHECK_REL(hi, 3, 1e-12);
    char buf[32];
    sp_chart_tick_label(-1e-17, 0.5, buf, sizeof buf);
    CHECK_STR(buf, "0.0");
    sp_chart_tick_label(1.5, 0.5, buf, sizeof buf);
    CHECK_STR(buf, "1.5");
    char hex[8];
    sp_canvas_hexstr(sp_canvas_hex("#A7ADF9"), hex);
    CHECK_STR(hex, "#A7ADF9");
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_projection);
    RUN(test_chart_ticks);
    RUN(test_lisa_colours);
    RUN(test_hotspot_colours);
    RUN(test_same_bytes_and_dpi);
    RUN(test_failures_leave_nothing);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "t_map: could not remove %s\n", dir);
    return th_report("t_map");
}
