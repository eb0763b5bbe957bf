/* sp_canvas: a PNG, SVG or PDF page drawn with cairo, text laid out with pango. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <png.h>

#include "sp_canvas.h"
#include "sp_error.h"
#include "sp_output.h"

struct sp_canvas {
    sp_canvas_format fmt;
    double scale;            /* pixels per point */
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *pango;
    PangoLayout *layout;
    char font[128];
    int missing;             /* characters without a glyph */
    sp_output out;
};

int sp_canvas_format_of(const char *path, sp_canvas_format *fmt)
{
    static const char *const ext[] = {".png", ".svg", ".pdf"};
    size_t len = strlen(path);
    for (int k = 0; k < 3; k++)
        if (len > 4 && strcasecmp(path + len - 4, ext[k]) == 0) {
            *fmt = (sp_canvas_format)k;
            return SP_OK;
        }
    return sp_error_set(SP_EUSAGE, "%s: unknown figure format (expected .png, .svg or .pdf)", path);
}

/* 1 when fontconfig lists a font of this family. */
static int font_known(const char *family)
{
    FcPattern *pat = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
    int found = 0;
    if (pat && os && FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family)) {
        FcFontSet *fs = FcFontList(NULL, pat, os);
        found = fs && fs->nfont > 0;
        if (fs)
            FcFontSetDestroy(fs);
    }
    if (os)
        FcObjectSetDestroy(os);
    if (pat)
        FcPatternDestroy(pat);
    return found;
}

void sp_canvas_font_resolve(const char *cmd, const char *font, char *used, size_t size)
{
    static const char *const fallback[] = {SP_CANVAS_FONT, "DejaVu Sans"};
    if (font && font_known(font)) {
        snprintf(used, size, "%s", font);
        return;
    }
    const char *pick = "Sans";
    for (int k = 0; k < 2; k++)
        if (font_known(fallback[k])) {
            pick = fallback[k];
            break;
        }
    if (font || pick != fallback[0])
        fprintf(stderr, "spill %s: warning: font '%s' not found; using '%s'\n", cmd,
                font ? font : SP_CANVAS_FONT, pick);
    snprintf(used, size, "%s", pick);
}

/* The surface for c->fmt at c->out.tmp_path. */
static cairo_surface_t *make_surface(sp_canvas *c, double w, double h)
{
    switch (c->fmt) {
    case SP_CANVAS_PNG:
        return cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w * c->scale - 1e-9),
                                          (int)ceil(h * c->scale - 1e-9));
    case SP_CANVAS_SVG: {
        cairo_surface_t *s = cairo_svg_surface_create(c->out.tmp_path, w, h);
        cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
        return s;
    }
    case SP_CANVAS_PDF: {
        cairo_surface_t *s = cairo_pdf_surface_create(c->out.tmp_path, w, h);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "spill");
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, "2000-01-01T00:00:00Z");
        return s;
    }
    }
    return NULL;
}

/* Pango on the canvas: 72 dpi (sizes in points = user units), no hinting. */
static int setup_text(sp_canvas *c)
{
    c->pango = pango_cairo_create_context(c->cr);
    if (!c->pango)
        return SP_ENOMEM;
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(c->pango, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(c->pango, 72.0);
    c->layout = pango_layout_new(c->pango);
    return c->layout ? SP_OK : SP_ENOMEM;
}

int sp_canvas_open(const char *path, double width_pt, double height_pt, double dpi,
                   const char *font_family, sp_canvas **out)
{
    *out = NULL;
    sp_canvas_format fmt = SP_CANVAS_PNG;
    int rc = path ? sp_canvas_format_of(path, &fmt) : SP_OK;
    if (rc)
        return rc;
    if (!(dpi >= 10 && dpi <= 2400))
        return sp_error_set(SP_EUSAGE, "--dpi must lie between 10 and 2400 (got %g)", dpi);
    sp_canvas *c = sp_calloc(1, sizeof *c);
    if (!c)
        return SP_ENOMEM;
    c->fmt = fmt;
    c->scale = fmt == SP_CANVAS_PNG && path ? dpi / 72.0 : 1.0;
    snprintf(c->font, sizeof c->font, "%s", font_family ? font_family : SP_CANVAS_FONT);
    if (path && (rc = sp_output_begin(path, &c->out))) {
        free(c);
        return rc;
    }
    c->surface = path ? make_surface(c, width_pt, height_pt)
                      : cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS) {
        rc = sp_error_set(SP_EDATA, "%s: cannot create the figure (%s)", path ? path : "-",
                          cairo_status_to_string(cairo_surface_status(c->surface)));
        return sp_canvas_close(c, rc);
    }
    c->cr = cairo_create(c->surface);
    cairo_scale(c->cr, c->scale, c->scale);
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    if ((rc = setup_text(c)))
        return sp_canvas_close(c, rc);
    *out = c;
    return SP_OK;
}

/* The image surface as an 8-bit RGB PNG: zlib level 3 and the Sub filter on
 * every row, about three times faster than cairo's writer for map-like
 * images of the same size (no timestamp or other varying chunk). */
static int png_write(cairo_surface_t *s, const char *path)
{
    cairo_surface_flush(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    FILE *f = fopen(path, "wb");
    if (!f)
        return sp_error_set(SP_EDATA, "%s: cannot write", path);
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = p ? png_create_info_struct(p) : NULL;
    int ok = info != NULL;
    if (ok && setjmp(png_jmpbuf(p)) == 0) {
        png_init_io(p, f);
        png_set_compression_level(p, 3);
        png_set_filter(p, 0, PNG_FILTER_SUB);
        png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_write_info(p, info);
        png_set_filler(p, 0, PNG_FILLER_AFTER); /* cairo's RGB24: B, G, R, unused (little endian) */
        png_set_bgr(p);
        for (int y = 0; y < h; y++)
            png_write_row(p, data + (size_t)y * (size_t)stride);
        png_write_end(p, info);
    } else {
        ok = 0;
    }
    png_destroy_write_struct(&p, info ? &info : NULL);
    if (fclose(f) != 0)
        ok = 0;
    return ok ? SP_OK : sp_error_set(SP_EDATA, "%s: cannot write the PNG", path);
}

/* Renumber cairo's process-wide "surfaceN" ids of an SVG in order of first
 * appearance (surface1, surface2, ...), so that the bytes depend on the
 * drawing only, not on the surfaces made before it in this process. */
static int svg_renumber(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sp_error_set(SP_EDATA, "%s: cannot read back", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *in = n >= 0 ? sp_malloc((size_t)n + 1) : NULL;
    char *out = in ? sp_malloc(2 * (size_t)n + 64) : NULL;
    size_t got = in ? fread(in, 1, (size_t)n, f) : 0;
    fclose(f);
    if (!in || !out || got != (size_t)n) {
        free(in), free(out);
        return in && out ? sp_error_set(SP_EDATA, "%s: cannot read back", path) : SP_ENOMEM;
    }
    in[n] = '\0';
    long seen[64], len = 0;
    int nseen = 0;
    for (const char *p = in; *p;) {
        if (strncmp(p, "surface", 7) == 0 && p[7] >= '0' && p[7] <= '9') {
            char *end;
            long id = strtol(p + 7, &end, 10);
            int k = 0;
            while (k < nseen && seen[k] != id)
                k++;
            if (k == nseen && nseen < 64)
                seen[nseen++] = id;
            len += sprintf(out + len, "surface%d", k + 1);
            p = end;
            continue;
        }
        out[len++] = *p++; /* "surfaceN" (8+ bytes) becomes at most 9: out has room */
    }
    f = fopen(path, "wb");
    int rc = f && fwrite(out, 1, (size_t)len, f) == (size_t)len
                 ? SP_OK
                 : sp_error_set(SP_EDATA, "%s: cannot write", path);
    if (f && fclose(f) != 0 && !rc)
        rc = sp_error_set(SP_EDATA, "%s: cannot write", path);
    free(in), free(out);
    return rc;
}

int sp_canvas_close(sp_canvas *c, int rc)
{
    if (!c)
        return rc;
    if (c->layout)
        g_object_unref(c->layout);
    if (c->pango)
        g_object_unref(c->pango);
    if (c->cr) {
        if (!rc && cairo_status(c->cr) != CAIRO_STATUS_SUCCESS)
            rc = sp_error_set(SP_EDATA, "%s: drawing failed (%s)",
                              c->out.final_path ? c->out.final_path : "-",
                              cairo_status_to_string(cairo_status(c->cr)));
        cairo_destroy(c->cr);
    }
    if (c->surface) {
        if (!rc && c->fmt == SP_CANVAS_PNG && c->out.tmp_path)
            rc = png_write(c->surface, c->out.tmp_path);
        cairo_surface_finish(c->surface);
        if (!rc && cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS)
            rc = sp_error_set(SP_EDATA, "%s: cannot write (%s)", c->out.final_path,
                              cairo_status_to_string(cairo_surface_status(c->surface)));
        cairo_surface_destroy(c->surface);
        if (!rc && c->fmt == SP_CANVAS_SVG && c->out.tmp_path)
            rc = svg_renumber(c->out.tmp_path);
    }
    if (c->out.tmp_dir)
        rc ? sp_output_abort(&c->out) : (void)(rc = sp_output_commit(&c->out));
    free(c);
    return rc;
}

cairo_t *sp_canvas_cairo(sp_canvas *c) { return c->cr; }
sp_canvas_format sp_canvas_fmt(const sp_canvas *c) { return c->fmt; }
double sp_canvas_scale(const sp_canvas *c) { return c->scale; }
int sp_canvas_missing_glyphs(const sp_canvas *c) { return c->missing; }

void sp_canvas_set_rgb(sp_canvas *c, sp_canvas_rgb col)
{
    cairo_set_source_rgb(c->cr, col.r, col.g, col.b);
}

sp_canvas_rgb sp_canvas_hex(const char *hex)
{
    unsigned v = (unsigned)strtoul(hex + (hex[0] == '#'), NULL, 16);
    return (sp_canvas_rgb){((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0};
}

sp_canvas_rgb sp_canvas_ramp(const char *const *hex, int n, double t)
{
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double u = t * (n - 1);
    int a = (int)floor(u);
    if (a >= n - 1)
        return sp_canvas_hex(hex[n - 1]);
    sp_canvas_rgb c0 = sp_canvas_hex(hex[a]), c1 = sp_canvas_hex(hex[a + 1]);
    double f = u - a;
    return (sp_canvas_rgb){c0.r + f * (c1.r - c0.r), c0.g + f * (c1.g - c0.g),
                           c0.b + f * (c1.b - c0.b)};
}

void sp_canvas_hexstr(sp_canvas_rgb c, char hex[8])
{
    snprintf(hex, 8, "#%02X%02X%02X", (int)lround(c.r * 255) & 255, (int)lround(c.g * 255) & 255,
             (int)lround(c.b * 255) & 255);
}

/* Lay text out in c->layout at the given size and weight. */
static void layout_text(sp_canvas *c, const char *text, double size, int bold)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, c->font);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(c->layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(c->layout, text, -1);
}

void sp_canvas_text_size(sp_canvas *c, const char *text, double size, int bold, double *w,
                         double *h)
{
    layout_text(c, text, size, bold);
    PangoRectangle ink, logical;
    pango_layout_get_extents(c->layout, &ink, &logical);
    *w = logical.width / (double)PANGO_SCALE;
    *h = logical.height / (double)PANGO_SCALE;
}

void sp_canvas_text(sp_canvas *c, double x, double y, const char *text, const sp_canvas_style *st,
                    double box[4])
{
    double w, h;
    pango_layout_set_alignment(c->layout, st->ax < 0.25  ? PANGO_ALIGN_LEFT
                                          : st->ax > 0.75 ? PANGO_ALIGN_RIGHT
                                                          : PANGO_ALIGN_CENTER);
    sp_canvas_text_size(c, text, st->size, st->bold, &w, &h);
    c->missing += pango_layout_get_unknown_glyphs_count(c->layout);
    cairo_save(c->cr);
    cairo_translate(c->cr, x, y);
    if (st->angle != 0.0)
        cairo_rotate(c->cr, -st->angle * M_PI / 180.0);
    pango_cairo_update_layout(c->cr, c->layout);
    cairo_move_to(c->cr, -st->ax * w, -st->ay * h);
    sp_canvas_set_rgb(c, st->color);
    pango_cairo_show_layout(c->cr, c->layout);
    cairo_new_path(c->cr); /* no current point left for the next path to join */
    cairo_restore(c->cr);
    if (box) {
        box[0] = x - st->ax * w, box[1] = y - st->ay * h;
        box[2] = box[0] + w, box[3] = box[1] + h;
    }
}
