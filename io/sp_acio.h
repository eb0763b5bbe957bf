/* sp_acio: the input side shared by `spill moran`, `spill lisa` and
 * `spill hotspot`: read the weights, the data (a table, or a layer's
 * attributes, or a table joined to a layer), split it into periods and give
 * each period its values and its aligned weights.
 *
 * Where the variable comes from:
 *   moran DATA                  DATA's attributes (any GDAL source, CSV too),
 *                               units named by --id (default: row order 1..n)
 *   lisa/hotspot SRC            SRC's attributes, units named by --id
 *   lisa/hotspot SRC --data T   T's rows joined to SRC's features by unit id:
 *                               --id names SRC's id field, --data-id T's (default
 *                               the same name).  Needed for --by.
 * The rows are matched to W's units by the rule of io/sp_idmatch.h (--id,
 * the field W's header names, W's ids in W's order, or --id-order).
 * With --by TIME every period is analysed on its own: its units are the rows
 * of that period; W (the period's own with a --w list or pattern,
 * io/sp_wper.h; --w-by TIME names the period field too) is restricted to them
 * (units of W without data are left out with a warning naming them, an error
 * with --strict; units missing from W are an error); the commands standardise
 * the restricted W again.
 *
 * SRC's attributes are read without its geometries (sp_table_read; ids checked
 * by sp_panel as sp_layer_read would): only the output writer reads the
 * geometries, once.
 *
 * Ownership: sp_acio_open returns a new sp_acio freed with sp_acio_close; a
 * period filled by sp_acio_period is freed with sp_acio_period_free.  Errors
 * follow sp_error.h. */
#ifndef SP_AUTOCORR_IO_H
#define SP_AUTOCORR_IO_H

#include <jansson.h>

#include "sp_idmap.h"
#include "sp_idmatch.h"
#include "sp_panel.h"
#include "sp_weights.h"

typedef struct sp_acio_args {
    const char *cmd;       /* "moran", "lisa", "hotspot": names warnings */
    const char *src;       /* DATA (moran) or SRC (lisa, hotspot) */
    const char *layer;     /* --layer */
    const char *id;        /* --id */
    const char *data;      /* --data (lisa, hotspot) */
    const char *data_id;   /* --data-id */
    const char *var;       /* --var */
    const char *by;        /* --by */
    const char *wpath;     /* --w */
    int need_layer;        /* 1: SRC is a layer whose features are copied */
    int id_order;          /* --id-order: row r is W's unit r */
    int strict;            /* --strict: units of W without data are an error */
    int layout;            /* --layout with --by: SP_ACIO_WIDE (default), _LAYERS, _LONG */
    int threads;           /* --threads: W is read next to SRC when > 1 (0: serially) */
} sp_acio_args;

enum { SP_ACIO_WIDE, SP_ACIO_LAYERS, SP_ACIO_LONG };

typedef struct sp_acio {
    sp_acio_args a;
    sp_table *features; /* SRC's attributes (lisa, hotspot): row r is feature r */
    sp_panel *units;    /* SRC's unit ids, checked (with --data) */
    sp_idmap *fmap;     /* SRC unit id -> feature (with --data) */
    sp_table *table;    /* moran's DATA, or --data */
    sp_panel *P;        /* the periods analysed */
    struct sp_wper *wp; /* --w: one file, or a weights matrix per period (io/sp_wper.h) */
    const sp_weights *W; /* the W of the period being loaded (owned by wp, or
                            W_renamed with --id-order) */
    sp_weights *W_renamed; /* --id-order: W's units renamed after the rows (owned) */
    const char *wfile;  /* its file */
    sp_idmatch match;   /* how the rows were matched to W's units */
    char said[2][512];  /* the last unmatched and island lists warned about */
} sp_acio;

typedef struct sp_acio_period {
    const char *label;   /* NULL without --by */
    int n;
    const char **ids;    /* n unit ids (pointers into the panel) */
    int *feature;        /* n layer features (NULL without a layer) */
    double *x;           /* n values of the variable */
    sp_weights *W;       /* W aligned to ids, not standardised */
    char what[512];      /* "TABLE" or "TABLE (TIME LABEL)" for messages */
    char subject[640];   /* "WHAT: VAR", names the variable in the statistics' errors */
} sp_acio_period;

struct sp_args;
struct sp_optspec;
/* Fill an sp_acio_args from a command's parsed options (--layer, --id,
 * --data, --data-id, --var, --by, --w) with SRC = the one positional argument.
 * SP_EUSAGE when --w or --var is missing. */
int sp_acio_args_from(const struct sp_args *a, const char *cmd, int need_layer, sp_acio_args *io);
/* --w-by TIME, the period field of a weights pattern (--w 'w_{}.gal'): the
 * same field as --by (SP_EUSAGE when both name different fields), and *by
 * when --by is absent.  Nothing happens without --w-by. */
int sp_acio_wby(const struct sp_args *a, const char **by);
/* The combinations of the input options (--by needs --data with a layer,
 * --data needs --id, periods need --id), checked before any file is read. */
int sp_acio_args_check(const sp_acio_args *io);

int sp_acio_open(const sp_acio_args *a, sp_acio **out);
void sp_acio_close(sp_acio *A);

/* Load period g (0 .. A->P->nperiods - 1); warns about units of W without
 * data (once for a list repeated in later periods; SP_EDATA with --strict). */
int sp_acio_load(sp_acio *A, int g, sp_acio_period *p);
void sp_acio_period_free(sp_acio_period *p);

/* "units matched to W by FIELD (RULE)" for the text outputs' headers. */
const char *sp_acio_matched(const sp_acio *A, char *buf, size_t size);

/* "spill CMD: warning: ..." on stderr. */
void sp_acio_warn(const sp_acio *A, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Units of p->W with no neighbour: count, a JSON list of their ids (caller
 * owns) and a warning "WHAT: k unit(s) without neighbours (ids): CONSEQUENCE"
 * (once for a list repeated in later periods). */
int sp_acio_islands(sp_acio *A, const sp_acio_period *p, const char *consequence,
                    json_t **list);

/* A self weight in p->W is an SP_EDATA error naming the unit (Moran, LISA). */
int sp_acio_no_self(const sp_acio *A, const sp_acio_period *p, const char *statistic);

/* Output rows collected over the periods of lisa and hotspot: row r is
 * feature feature[r] in period period[r], with the variable, the real, text
 * and integer columns and NNeighbors.  sp_acio_out_write lays them out for
 * every feature of SRC (features without data get NULL fields), adding the
 * variable when it comes from --data:
 *   without --by     one layer, SRC's features in order;
 *   --layout wide    (the --by default) one feature per unit, fields per
 *                    period: LMiIndex_2011, ..., NNeighbors_2022;
 *   --layout layers  a layer per period, OUT's base name + "_2011", ...
 *                    (GeoPackage, SQLite);
 *   --layout long    one layer, each feature once per period, with the
 *                    period column (an integer field when every label is one). */
#define SP_ACIO_COLS 4
typedef struct sp_acio_out {
    int n, cap;
    int *feature;
    const char **period;
    double *x;
    int *nneigh;
    int nreal, ntext, nint;
    const char *real_name[SP_ACIO_COLS], *text_name[SP_ACIO_COLS], *int_name[SP_ACIO_COLS];
    int text_width[SP_ACIO_COLS];
    double *real[SP_ACIO_COLS];
    const char **text[SP_ACIO_COLS];
    int *integer[SP_ACIO_COLS];
    int first, last; /* without --by: write only features [first, last) (a shard); 0, 0: all */
} sp_acio_out;

/* Room for `more` rows (every column grows); the caller fills rows
 * out->n .. out->n + more - 1 and then adds more to out->n. */
int sp_acio_out_reserve(sp_acio_out *out, int more);
int sp_acio_out_write(const sp_acio *A, const sp_acio_out *out, const char *path);
void sp_acio_out_free(sp_acio_out *out);

/* Append period p's rows (feature, period, x, nneigh) to out; the caller
 * fills its own columns at rows out->n - p->n .. out->n - 1. */
int sp_acio_out_period(sp_acio_out *out, const sp_acio_period *p, const int *nneigh);

/* The period label as JSON: a number when it is one, else a string; null
 * without --by. */
json_t *sp_acio_by_json(const char *label);

/* The frame of the local-statistic commands (lisa, hotspot), whose run
 * structs start with it: sp_acio_local_args reads the input options and the
 * required -o, the output format (--json, --csv, --markdown, --latex) and
 * --timing; sp_acio_local_open opens the input (timed); sp_acio_local_periods
 * runs the statistic S on every period (load, S->prepare, the islands'
 * warning, S->compute, timed; the period's rows of the output layer; then
 * S->record), then writes the output layer (timed) and, without --json, the
 * table (io/sp_grid.h) on stdout; sp_acio_local_end
 * prints the --timing line when rc is SP_OK, releases what the frame holds
 * (the table too) and returns rc. */
typedef struct sp_acio_local {
    const char *cmd;
    sp_acio_args io;
    const char *output;
    sp_acio *A;
    sp_acio_out out;                /* the caller names its columns */
    json_t *results;                /* the caller appends one object per period */
    struct sp_grid *table;          /* the caller makes it and adds a row per period */
    int format;                     /* sp_grid_format: --json, --csv, --markdown, --latex */
    int json, timing;
    int seed;                       /* --seed (default 12345) */
    int perm_method;                /* --perm-method: sp_perm_method (default exact) */
    double t_read, t_stat, t_write; /* seconds; the frame times each period */
    /* --shard I/N (io/sp_shard.h): shard = I (0 without), count = N, the
     * features [lo, hi), and while a period is computed the mask of its units
     * to permute (only, for sp_perm_opts.only; NULL without --shard) */
    int shard, nshard, lo, hi;
    unsigned char *only;
    char run[65];                   /* the run's fingerprint */
} sp_acio_local;

int sp_acio_local_args(sp_acio_local *L, const struct sp_args *a, const char *cmd);
/* The start of a local-statistic command: parse argv (spec, help) into *a,
 * read the frame's options (sp_acio_local_args, --seed into L->seed), then the
 * command's (options(a, run)), and open the input (sp_acio_local_open). */
int sp_acio_local_start(sp_acio_local *L, int argc, char **argv, const struct sp_optspec *spec,
                        const char *help, const char *cmd,
                        int (*options)(const struct sp_args *a, void *run), void *run,
                        struct sp_args *a);
int sp_acio_local_open(sp_acio_local *L);
/* The help lines of the frame's options, for the commands' help texts. */
#define SP_ACIO_LOCAL_INPUT_HELP \
    "  --w FILE             weights (.gal .gwt .swm .mtx .csv)\n" \
    "  --var V              the variable (a field of SRC, or of --data)\n" \
    "  --id FIELD           unit id field of SRC (default: the field W's header names,\n" \
    "                       or a field holding W's ids in W's order)\n" \
    "  --id-order           match feature r to W's unit r (only when asked)\n" \
    "  --strict             units of W without data are an error (default: W is\n" \
    "                       restricted to the units with data, with a warning)\n" \
    "  --layer NAME         layer of SRC\n" \
    "  --data TABLE         take V from a table joined to SRC by unit id (features\n" \
    "                       without a row in the table get NULL fields)\n" \
    "  --data-id FIELD      the table's unit id field (default: the --id name)\n" \
    "  --by TIME            period field of --data: one analysis per period\n" \
    "  --layout L           how --by periods are written: wide (default: one feature\n" \
    "                       per unit, fields per period: LMiIndex_2011, GiZScore_2011),\n" \
    "                       layers (a layer per period, OUT_2011, ...: .gpkg) or long\n" \
    "                       (each feature once per period, the period as a field).\n" \
    "                       Features without data keep NULL fields\n" \
    "  --w-by TIME          a weights matrix per period: --w 'w_{}.gal' ({} = the period\n" \
    "                       label) or --w 2011=a.gal,2012=b.gal; TIME as --by\n"
#define SP_ACIO_LOCAL_SEED_HELP \
    "  --seed N             random seed (default 12345)\n" \
    "  --perm-method M      exact (default: each unit draws its own permutations) or\n" \
    "                       lookup (GeoDa's table shared by all units: faster, the same\n" \
    "                       null for each unit, dependent across units)\n" \
    "  --threads N          threads (default: all cores); results do not depend on it\n"
#define SP_ACIO_LOCAL_OUTPUT_HELP \
    "  -o, --output OUT     the output layer\n" \
    "  --shard I/N          compute and write only the I-th of N parts of SRC's features\n" \
    "                       (with OUT.shard.json); `spill merge -o OUT PARTS...` joins\n" \
    "                       them into the unsharded output (not with --by or --fdr)\n" \
    "  --json               one JSON summary object on stdout\n" \
    "  --csv | --markdown | --latex   the summary table as CSV, Markdown or LaTeX\n" \
    "  --timing             seconds spent reading, computing and writing, on stderr\n"

/* What a local-statistic command does in a period; run is the command's run
 * struct (which starts with its sp_acio_local). */
typedef struct sp_acio_local_stat {
    const char *islands; /* what units without neighbours get, for the warning */
    /* the output layer's new fields: real, text (with their widths), integer */
    const char *real_name[SP_ACIO_COLS], *text_name[SP_ACIO_COLS], *int_name[SP_ACIO_COLS];
    int text_width[SP_ACIO_COLS];
    /* make p's weights ready (self weights, standardisation) */
    int (*prepare)(void *run, sp_acio_period *p);
    /* the statistic of p into *stat, with its neighbour counts (*nneigh, in stat) */
    int (*compute)(void *run, const sp_acio_period *p, void **stat, const int **nneigh);
    /* p's output columns from row base of the frame's out, its JSON result
     * (taking islands) and its table row */
    int (*record)(void *run, const sp_acio_period *p, void *stat, int base, json_t *islands);
    void (*free)(void *stat);
} sp_acio_local_stat;

int sp_acio_local_periods(sp_acio_local *L, const sp_acio_local_stat *S, void *run);
int sp_acio_local_end(sp_acio_local *L, int rc);

#endif
