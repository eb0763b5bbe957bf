/* sp_mapjob: a map's panels and the legend classes of each map kind. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_classify.h"
#include "sp_args.h"
#include "sp_error.h"
#include "sp_mapjob.h"

int sp_mapjob_periods(sp_mapjob *J, int n)
{
    int units = J->L->n;
    if (!(J->panels = sp_calloc((size_t)n, sizeof *J->panels)))
        return SP_ENOMEM;
    J->npanels = n;
    for (int g = 0; g < n; g++) {
        sp_mapjob_panel *p = &J->panels[g];
        p->value = sp_malloc((size_t)units * sizeof *p->value + 1);
        p->cls = sp_malloc((size_t)units * sizeof *p->cls + 1);
        if (!p->value || !p->cls)
            return SP_ENOMEM;
        for (int i = 0; i < units; i++)
            p->value[i] = NAN, p->cls[i] = -1;
    }
    return SP_OK;
}

void sp_mapjob_free(sp_mapjob *J)
{
    for (int g = 0; g < J->npanels; g++)
        free(J->panels[g].value), free(J->panels[g].cls);
    free(J->panels);
    for (int k = 0; k < J->nfiles; k++)
        free(J->files[k]);
    free(J->files);
    sp_cartog_free(J->G);
    sp_layer_free(J->L);
}

/* Append a legend class. */
static void add_class(sp_mapjob *J, const char *hex, const char *label, int optional)
{
    int k = J->nclass++;
    J->color[k] = sp_canvas_hex(hex);
    snprintf(J->class_label[k], sizeof J->class_label[k], "%s", label);
    J->optional[k] = optional;
}

/* GeoDa's LISA cluster colours, in the order of SP_QUAD_* (0: not significant). */
static void lisa_legend(sp_mapjob *J)
{
    if (J->significance) {
        static const char *const hex[] = {"#EEEEEE", "#84F576", "#53C53C", "#348124", "#004400"};
        static const char *const lab[] = {"Not significant", "p = 0.05", "p = 0.01", "p = 0.001",
                                          "p = 0.0001"};
        double pmin = J->lisa.perm.perm > 0 ? 1.0 / (J->lisa.perm.perm + 1) : 0.0;
        static const double level[] = {1.0, 0.05, 0.01, 0.001, 0.0001};
        char first[32]; /* significant with p above 0.05: p up to alpha */
        snprintf(first, sizeof first, "p = %g", fmax(J->lisa.alpha, 0.05));
        for (int k = 0; k < 5; k++) /* levels the permutations cannot reach: shown when used */
            add_class(J, hex[k], k == 1 ? first : lab[k], pmin > level[k]);
    } else {
        add_class(J, "#EEEEEE", "Not significant", 0);
        add_class(J, "#FF0000", "High-High", 0);
        add_class(J, "#0000FF", "Low-Low", 0);
        add_class(J, "#A7ADF9", "Low-High", 0);
        add_class(J, "#F4ADA8", "High-Low", 0);
    }
    add_class(J, "#464646", "Neighborless", 1);
}

/* ArcGIS Hot Spot Analysis: classes 0..6 = Gi_Bin 3 .. -3. */
static void getis_legend(sp_mapjob *J)
{
    static const char *const hex[] = {"#D62F27", "#ED7551", "#FAB984", "#FFFFBF",
                                      "#C0CCBE", "#849EBA", "#4575B5"};
    static const char *const lab[] = {
        "Hot Spot - 99% Confidence",  "Hot Spot - 95% Confidence",  "Hot Spot - 90% Confidence",
        "Not Significant",            "Cold Spot - 90% Confidence", "Cold Spot - 95% Confidence",
        "Cold Spot - 99% Confidence"};
    for (int k = 0; k < 7; k++)
        add_class(J, hex[k], lab[k], 0);
}

/* ColorBrewer schemes (Brewer, colorbrewer2.org): the 9-class sequential and
 * 11-class diverging versions, sampled evenly for k classes. */
typedef struct palette {
    const char *name;
    int n;
    const char *hex[11];
} palette;
static const palette palettes[] = {
    {"YlOrRd", 9, {"#FFFFCC", "#FFEDA0", "#FED976", "#FEB24C", "#FD8D3C", "#FC4E2A", "#E31A1C",
                   "#BD0026", "#800026"}},
    {"Blues", 9, {"#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5",
                  "#08519C", "#08306B"}},
    {"Greens", 9, {"#F7FCF5", "#E5F5E0", "#C7E9C0", "#A1D99B", "#74C476", "#41AB5D", "#238B45",
                   "#006D2C", "#00441B"}},
    {"Reds", 9, {"#FFF5F0", "#FEE0D2", "#FCBBA1", "#FC9272", "#FB6A4A", "#EF3B2C", "#CB181D",
                 "#A50F15", "#67000D"}},
    {"Purples", 9, {"#FCFBFD", "#EFEDF5", "#DADAEB", "#BCBDDC", "#9E9AC8", "#807DBA", "#6A51A3",
                    "#54278F", "#3F007D"}},
    /* diverging, listed from low (blue) to high (red or brown) */
    {"RdBu", 11, {"#053061", "#2166AC", "#4393C3", "#92C5DE", "#D1E5F0", "#F7F7F7", "#FDDBC7",
                  "#F4A582", "#D6604D", "#B2182B", "#67001F"}},
    {"RdYlBu", 11, {"#313695", "#4575B4", "#74ADD1", "#ABD9E9", "#E0F3F8", "#FFFFBF", "#FEE090",
                    "#FDAE61", "#F46D43", "#D73027", "#A50026"}},
    {"BrBG", 11, {"#003C30", "#01665E", "#35978F", "#80CDC1", "#C7EAE5", "#F5F5F5", "#F6E8C3",
                  "#DFC27D", "#BF812D", "#8C510A", "#543005"}},
};
enum { NPALETTES = sizeof palettes / sizeof palettes[0] };

/* --classes quantile|equal|jenks|sd|breaks:a,b,c and --palette. */
static int choropleth_parse(sp_mapjob *J)
{
    const char *c = J->classes ? J->classes : "quantile";
    if (strncmp(c, "breaks:", 7) == 0) {
        J->method = SP_CLASSIFY_USER;
        const char *s = c + 7;
        char *end;
        double cut[SP_MAPJOB_CLASSES];
        int ncut = 0;
        while (*s && ncut < 9) {
            cut[ncut++] = strtod(s, &end);
            if (end == s || (*end && *end != ','))
                return sp_error_set(SP_EUSAGE, "--classes %s: '%s' is not a number", c, s);
            s = *end ? end + 1 : end;
        }
        if (ncut < 1 || *s)
            return sp_error_set(SP_EUSAGE, "--classes %s: give 1 to 8 cut-offs", c);
        int rc = sp_classify_user(cut, ncut, J->breaks);
        if (rc)
            return sp_error_prefix(rc, "--classes %s", c);
        J->k = ncut + 1;
    } else {
        sp_classify_method m;
        int rc = sp_classify_parse(c, &m);
        if (rc)
            return sp_error_prefix(rc, "--classes (quantile, equal, jenks, sd or breaks:a,b,c)");
        J->method = (int)m;
    }
    const char *pal = J->palette ? J->palette : J->method == SP_CLASSIFY_SD ? "RdBu" : "YlOrRd";
    for (int k = 0; k < NPALETTES; k++)
        if (strcmp(pal, palettes[k].name) == 0)
            J->pal = k;
    if (strcmp(pal, palettes[J->pal].name) != 0)
        return sp_error_set(SP_EUSAGE, "--palette: unknown palette '%s' (YlOrRd, Blues, Greens, "
                            "Reds, Purples, RdBu, RdYlBu, BrBG)", pal);
    return SP_OK;
}

static const char *scheme_name(const sp_mapjob *J)
{
    return J->method == SP_CLASSIFY_USER ? "breaks"
                                         : sp_classify_name((sp_classify_method)J->method);
}

/* The breaks of the values of every panel pooled (one legend for all). */
static int choropleth_breaks(sp_mapjob *J)
{
    if (J->method == SP_CLASSIFY_USER)
        return SP_OK;
    int n = J->L->n, m = 0;
    double *x = sp_malloc((size_t)n * (size_t)J->npanels * sizeof *x + 1);
    if (!x)
        return SP_ENOMEM;
    for (int g = 0; g < J->npanels; g++)
        for (int i = 0; i < n; i++)
            if (!isnan(J->panels[g].value[i]))
                x[m++] = J->panels[g].value[i];
    int rc = m ? sp_classify_breaks((sp_classify_method)J->method, x, m, J->k, J->breaks)
               : sp_error_set(SP_EDATA, "%s: no unit has a value of %s", J->src, J->var);
    J->lo = INFINITY;
    for (int k = 0; k < m; k++)
        J->lo = fmin(J->lo, x[k]);
    free(x);
    return rc ? sp_error_prefix(rc, "%s: %s classes of %s", J->data ? J->data : J->src,
                                scheme_name(J), J->var)
              : SP_OK;
}

/* A class bound for the legend: whole numbers from 1000 on, else 4 digits. */
static void bound(double v, char *buf, size_t size)
{
    if (fabs(v) >= 1000 && fabs(v) < 1e9)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.4g", v);
}

/* Class labels "a - b" (right-closed), colours along the palette, classes. */
static int choropleth(sp_mapjob *J)
{
    int rc = choropleth_breaks(J);
    if (rc)
        return rc;
    const palette *p = &palettes[J->pal];
    for (int c = 0; c < J->k; c++) {
        char lab[96], sa[32], sb[32];
        double a = c ? J->breaks[c - 1] : J->lo, b = J->breaks[c];
        bound(a, sa, sizeof sa), bound(b, sb, sizeof sb);
        if (J->method == SP_CLASSIFY_USER && c == 0)
            snprintf(lab, sizeof lab, "\u2264 %s", sb);
        else if (isinf(b))
            snprintf(lab, sizeof lab, "> %s", sa);
        else
            snprintf(lab, sizeof lab, "%s \u2013 %s", sa, sb);
        double t = J->k > 1 ? (double)c / (J->k - 1) : 1.0;
        J->color[J->nclass] = sp_canvas_ramp(p->hex, p->n, t);
        snprintf(J->class_label[J->nclass], sizeof J->class_label[0], "%s", lab);
        J->optional[J->nclass++] = 0;
    }
    for (int g = 0; g < J->npanels; g++)
        for (int i = 0; i < J->L->n; i++)
            if (!isnan(J->panels[g].value[i]))
                J->panels[g].cls[i] = sp_classify_one(J->panels[g].value[i], J->breaks, J->k);
    return SP_OK;
}

int sp_mapjob_parse_classes(const sp_args *a, sp_mapjob *J)
{
    J->classes = sp_args_get(a, "classes");
    J->palette = sp_args_get(a, "palette");
    int rc = sp_args_int(a, "k", 5, 2, &J->k);
    if (rc)
        return rc;
    if (J->k > 9)
        return sp_error_set(SP_EUSAGE, "--k must lie between 2 and 9 (got %d)", J->k);
    if (J->kind != SP_MAPJOB_CHOROPLETH && (J->classes || J->palette || sp_args_get(a, "k")))
        return sp_error_set(SP_EUSAGE, "--classes, --k and --palette go with --choropleth");
    if (J->kind == SP_MAPJOB_LISA)
        lisa_legend(J);
    else if (J->kind == SP_MAPJOB_HOTSPOT)
        getis_legend(J);
    else if (J->kind == SP_MAPJOB_CHOROPLETH)
        return choropleth_parse(J);
    return SP_OK;
}

/* The LISA significance class of p-value p: 1 (0.05) .. 4 (0.0001). */
static int sig_level(double p)
{
    return p <= 0.0001 ? 4 : p <= 0.001 ? 3 : p <= 0.01 ? 2 : 1;
}

void sp_mapjob_lisa_classes(sp_mapjob *J, const sp_lisa *S, const int *feature,
                            sp_mapjob_panel *p)
{
    for (int k = 0; k < S->n; k++) {
        int c;
        if (S->nneigh[k] == 0)
            c = 5;
        else if (!S->sig[k])
            c = 0;
        else
            c = J->significance ? sig_level(S->p[k]) : S->quad[k];
        p->cls[feature[k]] = c;
    }
}

void sp_mapjob_getis_classes(sp_mapjob *J, const sp_getis *S, const int *feature,
                             sp_mapjob_panel *p)
{
    (void)J;
    for (int k = 0; k < S->n; k++)
        p->cls[feature[k]] = 3 - S->bin[k];
}

/* Ellipse maps: every unit is base map (class 0); each period's ellipse from
 * the projected centroids of the units with data, weighted by the variable. */
static int ellipses(sp_mapjob *J)
{
    int n = J->L->n, rc = SP_OK;
    double *x = sp_malloc((size_t)n * sizeof *x + 1), *y = sp_malloc((size_t)n * sizeof *y + 1);
    double *w = sp_malloc((size_t)n * sizeof *w + 1);
    if (!x || !y || !w)
        rc = SP_ENOMEM;
    for (int g = 0; !rc && g < J->npanels; g++) {
        sp_mapjob_panel *p = &J->panels[g];
        int m = 0;
        for (int i = 0; i < n; i++) {
            p->cls[i] = 0;
            if (!isnan(p->value[i]))
                x[m] = J->G->cx[i], y[m] = J->G->cy[i], w[m++] = p->value[i];
        }
        char what[256];
        snprintf(what, sizeof what, "%s%s%s", J->data ? J->data : J->src, p->label[0] ? " " : "",
                 p->label);
        if (!(rc = sp_sde_compute(x, y, w, m, J->sd, SP_SDE_ARCGIS, what, &p->sde)))
            p->has_sde = 1;
    }
    free(x), free(y), free(w);
    J->nclass = 0;
    add_class(J, "#F2F2F2", "", 0);
    return rc;
}

/* Counts per class over the panels, and the units without data. */
static void count_classes(sp_mapjob *J)
{
    memset(J->count, 0, sizeof J->count);
    J->nodata = 0;
    for (int g = 0; g < J->npanels; g++)
        for (int i = 0; i < J->L->n; i++) {
            int c = J->panels[g].cls[i];
            if (c < 0)
                J->nodata++;
            else
                J->count[c]++;
        }
}

/* The default title and the legend's title. */
static void titles(sp_mapjob *J)
{
    char perm[64] = "";
    if (J->kind == SP_MAPJOB_LISA && J->lisa.perm.perm > 0)
        snprintf(perm, sizeof perm, ", %d perm.", J->lisa.perm.perm);
    switch (J->kind) {
    case SP_MAPJOB_LISA:
        snprintf(J->title_buf, sizeof J->title_buf, "%s: %s", J->significance ?
                 "LISA significance" : "LISA clusters", J->var);
        snprintf(J->legend_title, sizeof J->legend_title, "%s (\u03b1 = %g%s%s)",
                 J->significance ? "Significance" : "LISA", J->lisa.alpha,
                 J->lisa.fdr ? ", FDR" : "", perm);
        break;
    case SP_MAPJOB_HOTSPOT:
        snprintf(J->title_buf, sizeof J->title_buf, "Hot spots (Getis-Ord Gi*): %s", J->var);
        snprintf(J->legend_title, sizeof J->legend_title, "Gi* bin%s",
                 J->getis.fdr ? " (FDR)" : "");
        break;
    case SP_MAPJOB_CHOROPLETH:
        snprintf(J->title_buf, sizeof J->title_buf, "%s", J->var);
        snprintf(J->legend_title, sizeof J->legend_title, "%s (%s)", J->var,
                 scheme_name(J));
        break;
    case SP_MAPJOB_ELLIPSE:
        snprintf(J->title_buf, sizeof J->title_buf, "Standard deviational ellipses: %s", J->var);
        snprintf(J->legend_title, sizeof J->legend_title, "Ellipse (%d SD), centre", J->sd);
        break;
    }
}

int sp_mapjob_finish(sp_mapjob *J)
{
    int rc = SP_OK;
    if (J->kind == SP_MAPJOB_ELLIPSE)
        rc = ellipses(J);
    else if (J->kind == SP_MAPJOB_CHOROPLETH)
        rc = choropleth(J);
    if (rc)
        return rc;
    count_classes(J);
    titles(J);
    return SP_OK;
}

sp_canvas_rgb sp_mapjob_fill(const sp_mapjob *J, const sp_mapjob_panel *p, int i)
{
    int c = p->cls[i];
    return c < 0 ? sp_canvas_hex(SP_MAPJOB_NODATA) : J->color[c];
}
