/* sp_gpkg: GeoPackage geometry blobs parsed without GDAL; see sp_gpkg.h. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sp_gpkg.h"

enum { WALK_DEPTH = 32 }; /* nesting of collections (GDAL's limit is 32 too) */

typedef struct walk {
    const unsigned char *p, *end;
    double *xy;
    size_t nv;
    double env[6];
    int plain;
} walk;

static uint32_t get_u32(const unsigned char *p, int little)
{
    return little ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                        (uint32_t)p[3] << 24
                  : (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
                        (uint32_t)p[0] << 24;
}

static double get_f64(const unsigned char *p, int little)
{
    double d;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (little) {
        memcpy(&d, p, sizeof d);
        return d;
    }
#endif
    uint64_t v = 0;
    for (int k = 0; k < 8; k++)
        v |= (uint64_t)p[little ? k : 7 - k] << (8 * k);
    memcpy(&d, &v, sizeof d);
    return d;
}

/* Take n bytes from the walk (0 when fewer are left). */
static int take(walk *w, size_t n, const unsigned char **at)
{
    if ((size_t)(w->end - w->p) < n)
        return 0;
    *at = w->p;
    w->p += n;
    return 1;
}

/* One vertex of dims doubles: x, y into xy, the envelope (first vertex
 * first, then strict comparisons, as OGR's getEnvelope). */
static void vertex(walk *w, const unsigned char *p, int little, int has_z)
{
    double x = get_f64(p, little), y = get_f64(p + 8, little);
    double z = has_z ? get_f64(p + 16, little) : 0.0;
    if (isnan(x) || isnan(y) || isnan(z))
        w->plain = 0;
    if (w->xy) {
        w->xy[2 * w->nv] = x;
        w->xy[2 * w->nv + 1] = y;
    }
    if (w->nv == 0) {
        w->env[0] = w->env[1] = x;
        w->env[2] = w->env[3] = y;
        w->env[4] = w->env[5] = z;
    }
    w->env[0] = x < w->env[0] ? x : w->env[0];
    w->env[1] = x > w->env[1] ? x : w->env[1];
    w->env[2] = y < w->env[2] ? y : w->env[2];
    w->env[3] = y > w->env[3] ? y : w->env[3];
    if (has_z) {
        w->env[4] = z < w->env[4] ? z : w->env[4];
        w->env[5] = z > w->env[5] ? z : w->env[5];
    }
    w->nv++;
}

/* A run of points: a count, then count vertices of dims doubles. */
static int points(walk *w, int little, int dims, int has_z)
{
    const unsigned char *p;
    if (!take(w, 4, &p))
        return 0;
    uint32_t n = get_u32(p, little);
    size_t size = (size_t)8 * (size_t)dims;
    if (n > (size_t)(w->end - w->p) / size || !take(w, (size_t)n * size, &p))
        return 0;
    for (uint32_t k = 0; k < n; k++)
        vertex(w, p + k * size, little, has_z);
    return 1;
}

/* One geometry (and its parts): 0 when it is not of the linear types or not
 * well formed.  kind: the part type a Multi* parent requires (0: any);
 * dims: the parent's dimension (0 at the root); *code: the type code. */
static int geometry(walk *w, int depth, unsigned kind, int dims, unsigned *code)
{
    const unsigned char *p;
    if (depth > WALK_DEPTH || !take(w, 5, &p) || p[0] > 1)
        return 0;
    int little = p[0] == 1;
    uint32_t t = get_u32(p + 1, little);
    int has_z, has_m;
    unsigned base;
    if (t & 0xE0000000u) { /* 0x80000000 Z, 0x40000000 M; an EWKB SRID is not read here */
        if (t & 0x20000000u)
            return 0;
        has_z = (t & 0x80000000u) != 0, has_m = (t & 0x40000000u) != 0;
        base = t & 0x0FFFFFFFu;
        w->plain = 0;
    } else {
        has_z = t / 1000 == 1 || t / 1000 == 3, has_m = t / 1000 == 2 || t / 1000 == 3;
        base = t % 1000;
        if (t >= 4000)
            return 0;
    }
    if (base < 1 || base > 7 || (kind && base != kind))
        return 0;
    int d = 2 + has_z + has_m;
    if (!little || (dims && d != dims))
        w->plain = 0;
    *code = base + 1000u * (unsigned)(has_z + 2 * has_m);
    if (base == 1) {
        if (!take(w, (size_t)8 * d, &p))
            return 0;
        vertex(w, p, little, has_z);
        return 1;
    }
    if (base == 2)
        return points(w, little, d, has_z);
    if (!take(w, 4, &p))
        return 0;
    uint32_t n = get_u32(p, little);
    if (n > (size_t)(w->end - w->p) / 4)
        return 0;
    static const unsigned part_kind[8] = {0, 0, 0, 0, 1, 2, 3, 0};
    for (uint32_t k = 0; k < n; k++) {
        unsigned sub;
        if (base == 3 ? !points(w, little, d, has_z)
                      : !geometry(w, depth + 1, part_kind[base], d, &sub))
            return 0;
    }
    return 1;
}

const char *sp_gpkg_parse(const unsigned char *blob, size_t len, double *xy, sp_gpkg_geom *g)
{
    memset(g, 0, sizeof *g);
    if (len < 8 || blob[0] != 'G' || blob[1] != 'P')
        return "no GeoPackage header (the blob does not start with \"GP\")";
    if (blob[2] != 0)
        return "unknown GeoPackage blob version";
    g->flags = blob[3];
    int env = (g->flags >> 1) & 7;
    static const int env_n[8] = {0, 4, 6, 6, 8, -1, -1, -1};
    if (env_n[env] < 0)
        return "invalid envelope code in the GeoPackage header";
    g->header_env_n = env_n[env];
    g->header_len = 8 + 8 * (size_t)g->header_env_n;
    if (len < g->header_len + 5)
        return "the blob is shorter than its header and a WKB geometry";
    g->srs_id = (int)get_u32(blob + 4, g->flags & 1);
    g->header_env = g->header_env_n ? blob + 8 : NULL;
    g->wkb = blob + g->header_len;
    g->wkb_len = len - g->header_len;
    if (g->flags & 0x20) /* an extended (non-standard) geometry: GDAL's business */
        return NULL;
    walk w = {.p = g->wkb, .end = g->wkb + g->wkb_len, .xy = xy, .plain = 1};
    g->walked = geometry(&w, 0, 0, 0, &g->type) && w.p == w.end;
    g->has_z = g->walked && (g->type / 1000 == 1 || g->type / 1000 == 3);
    g->has_m = g->walked && g->type / 1000 >= 2;
    g->plain = g->walked && w.plain;
    g->nvert = g->walked ? w.nv : 0;
    memcpy(g->env, w.env, sizeof g->env);
    return NULL;
}

int sp_gpkg_as_gdal(const sp_gpkg_geom *g)
{
    if (!g->plain || (g->flags & 0x20))
        return 0;
    if (g->nvert == 0)
        return g->flags == 0x11;
    if (g->type % 1000 == 1)
        return g->flags == 0x01;
    if (g->flags != (g->has_z ? 0x05 : 0x03))
        return 0;
    for (int k = 0; k < g->header_env_n; k++) {
        double h = get_f64(g->header_env + 8 * k, 1);
        if (memcmp(&h, &g->env[k], sizeof h) != 0)
            return 0;
    }
    return 1;
}

int sp_gpkg_box(const sp_gpkg_geom *g, double box[4])
{
    if (g->nvert == 0)
        return 0;
    memcpy(box, g->env, 4 * sizeof *box);
    return 1;
}
