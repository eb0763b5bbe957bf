/* sp_mapjob: what `spill map` draws: the options, the layer and its
 * projection, and per period (panel) each unit's value and legend class, with
 * the legend's classes (colours, labels, counts) of the map kind.
 *
 * Colours (docs/maps.md):
 *   LISA clusters (GeoDa): Not significant #EEEEEE, High-High #FF0000,
 *     Low-Low #0000FF, Low-High #A7ADF9, High-Low #F4ADA8, Neighborless #464646.
 *   LISA significance (GeoDa): n.s. #EEEEEE, p = 0.05 #84F576, 0.01 #53C53C,
 *     0.001 #348124, 0.0001 #004400 (levels a permutation count can reach).
 *   Gi* bins (ArcGIS Hot Spot Analysis): Hot 99 #D62F27, 95 #ED7551,
 *     90 #FAB984, Not Significant #FFFFBF, Cold 90 #C0CCBE, 95 #849EBA, 99 #4575B5.
 *   Choropleth: ColorBrewer sequential or diverging schemes.
 *   No data: white (#FFFFFF), outlined like every unit.
 * The statistics come from core/ (sp_lisa, sp_getis, sp_sde); this module
 * only sorts their results into legend classes.
 *
 * Ownership: the job owns the layer, the projection, the panels and their
 * arrays; sp_mapjob_free releases them (the option strings point into argv).
 * Errors follow sp_error.h. */
#ifndef SP_MAPJOB_H
#define SP_MAPJOB_H

#include "sp_canvas.h"
#include "sp_cartog.h"
#include "sp_sde.h"
#include "sp_getis.h"
#include "sp_layer.h"
#include "sp_lisa.h"

typedef enum sp_mapjob_kind {
    SP_MAPJOB_LISA,
    SP_MAPJOB_HOTSPOT,
    SP_MAPJOB_CHOROPLETH,
    SP_MAPJOB_ELLIPSE
} sp_mapjob_kind;

#define SP_MAPJOB_CLASSES 12
#define SP_MAPJOB_NODATA "#FFFFFF"

typedef struct sp_mapjob_panel {
    char label[64];  /* the period ("" without --by) */
    double *value;   /* n: the variable, NaN without data */
    int *cls;        /* n: legend class, -1 without data */
    int has_sde;     /* ellipse maps: the period's ellipse */
    sp_sde sde;
} sp_mapjob_panel;

typedef struct sp_mapjob {
    /* options (strings point into argv) */
    const char *src, *layer, *id, *data, *data_id, *by, *wpath, *output;
    int strict;            /* --strict: units of W without data are an error */
    const char *title, *label, *crs, *extent, *debug, *var;
    const char *classes, *palette;
    int each, json, significance, sd, k, label_col;
    double dpi, width_in;
    sp_canvas_format fmt;  /* of --output */
    char font[128];
    sp_mapjob_kind kind;
    sp_lisa_opts lisa;
    sp_getis_opts getis;
    double breaks[SP_MAPJOB_CLASSES + 1]; /* choropleth: user breaks (breaks:a,b,c) */
    int method, pal;                      /* sp_classify_method, palette index */
    double lo;                            /* the smallest value classified */
    /* data */
    sp_layer *L;
    sp_cartog *G;
    int npanels;
    sp_mapjob_panel *panels;
    /* legend */
    int nclass;
    sp_canvas_rgb color[SP_MAPJOB_CLASSES];
    char class_label[SP_MAPJOB_CLASSES][96];
    int count[SP_MAPJOB_CLASSES];    /* units per class over all panels */
    int optional[SP_MAPJOB_CLASSES]; /* left out of the legend when empty */
    int nodata;                      /* units without data over all panels */
    char legend_title[128];
    char title_buf[256];
    /* files written */
    int nfiles;
    char **files;
} sp_mapjob;

/* Room for n panels (values NaN, classes -1). */
int sp_mapjob_periods(sp_mapjob *J, int n);
void sp_mapjob_free(sp_mapjob *J);

/* --classes, --k, --palette (choropleth); SP_EUSAGE for an unknown scheme. */
struct sp_args;
int sp_mapjob_parse_classes(const struct sp_args *a, sp_mapjob *J);

/* A period's statistics as classes of the layer's units feature[0..S->n-1]. */
void sp_mapjob_lisa_classes(sp_mapjob *J, const sp_lisa *S, const int *feature,
                            sp_mapjob_panel *p);
void sp_mapjob_getis_classes(sp_mapjob *J, const sp_getis *S, const int *feature,
                             sp_mapjob_panel *p);

/* After loading: the kind's classes (choropleth breaks, ellipses), counts,
 * the legend and the default title. */
int sp_mapjob_finish(sp_mapjob *J);

/* The fill of unit i in panel p. */
sp_canvas_rgb sp_mapjob_fill(const sp_mapjob *J, const sp_mapjob_panel *p, int i);

#endif
