/* sp_canvas: a figure page drawn with cairo and lettered with pango, written
 * by extension as PNG, SVG or PDF through sp_output (no partial file).
 *
 * Units are points (1/72 inch) whatever the format: a PNG is rasterised at
 * `dpi` (its pixel size is ceil(width_pt * dpi / 72) x ceil(height_pt * dpi /
 * 72)), SVG and PDF keep the points.  The same drawing gives the same bytes:
 * text is laid out without hinting (metrics independent of the resolution),
 * the PDF creation date is fixed (2000-01-01), cairo's SVG ids count from the
 * start of the process.
 *
 * Fonts come through fontconfig: `font` names a family (default
 * SP_CANVAS_FONT, Noto Sans CJK SC, so Chinese names render); a family that
 * fontconfig does not know falls back to the default (then DejaVu Sans) with a
 * warning on stderr.  Characters that no installed font holds are drawn as
 * boxes and counted (sp_canvas_missing_glyphs), so a command can warn.
 *
 * Ownership: sp_canvas_open returns a canvas that sp_canvas_close finishes
 * and frees (committing the file when its status argument is SP_OK, else
 * removing it).  Errors follow sp_error.h: an unknown extension is SP_EUSAGE,
 * an output folder that cannot be written SP_EDATA. */
#ifndef SP_CANVAS_H
#define SP_CANVAS_H

#include <cairo.h>

#define SP_CANVAS_FONT "Noto Sans CJK SC"
#define SP_CANVAS_DPI 300.0

typedef enum sp_canvas_format { SP_CANVAS_PNG, SP_CANVAS_SVG, SP_CANVAS_PDF } sp_canvas_format;

typedef struct sp_canvas sp_canvas;

/* An RGB colour, components in [0, 1]. */
typedef struct sp_canvas_rgb {
    double r, g, b;
} sp_canvas_rgb;

/* Text placement: the anchor (x, y) is this fraction of the text's box
 * (0 left/top, 0.5 centre, 1 right/bottom). */
typedef struct sp_canvas_style {
    double size;   /* points */
    double ax, ay; /* anchor fractions */
    int bold;
    double angle;  /* degrees, counter-clockwise */
    sp_canvas_rgb color;
} sp_canvas_style;

/* The format of path by its extension (.png .svg .pdf, any case). */
int sp_canvas_format_of(const char *path, sp_canvas_format *fmt);

/* A fontconfig check of `font` (NULL: the default) before anything is
 * drawn: the family actually used goes into used[size]; a family fontconfig
 * lacks gives a warning "CMD: warning: font 'X' not found; using 'Y'". */
void sp_canvas_font_resolve(const char *cmd, const char *font, char *used, size_t size);

/* path NULL: a canvas for measuring text only (nothing is written). */
int sp_canvas_open(const char *path, double width_pt, double height_pt, double dpi,
                   const char *font_family, sp_canvas **out);
/* Finish the drawing and commit (rc == SP_OK) or remove the file; returns rc,
 * or the write error when the commit fails. */
int sp_canvas_close(sp_canvas *c, int rc);

cairo_t *sp_canvas_cairo(sp_canvas *c);
sp_canvas_format sp_canvas_fmt(const sp_canvas *c);
/* Pixels per point (dpi / 72 for PNG, 1 otherwise). */
double sp_canvas_scale(const sp_canvas *c);

void sp_canvas_set_rgb(sp_canvas *c, sp_canvas_rgb col);
/* "#RRGGBB" to a colour. */
sp_canvas_rgb sp_canvas_hex(const char *hex);
/* Colour t in [0, 1] along n colours given as hex, linear between them. */
sp_canvas_rgb sp_canvas_ramp(const char *const *hex, int n, double t);
/* A colour as "#RRGGBB" into hex[8]. */
void sp_canvas_hexstr(sp_canvas_rgb c, char hex[8]);

/* Draw text (UTF-8; "\n" breaks lines) at (x, y); the box drawn goes into
 * box[4] = x0, y0, x1, y1 when box is not NULL. */
void sp_canvas_text(sp_canvas *c, double x, double y, const char *text, const sp_canvas_style *st,
                    double box[4]);
/* Width and height of text as sp_canvas_text would draw it, points. */
void sp_canvas_text_size(sp_canvas *c, const char *text, double size, int bold, double *w,
                         double *h);
/* Characters drawn so far that no font holds. */
int sp_canvas_missing_glyphs(const sp_canvas *c);

#endif
