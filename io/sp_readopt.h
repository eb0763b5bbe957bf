/* sp_readopt: the reader options every command takes (--encoding, --sheet,
 * --skip-rows, --wide), held for the command being run.
 *
 * sp_args_parse() accepts these options in every command, checks them (usage
 * errors before any file is read) and makes them current with
 * sp_readopt_set(); the readers (sp_gdal_open_layer, sp_table_read, the text
 * weights formats) consult sp_readopt_current().  Each parse replaces the
 * previous options, so the jobs of `spill run` do not inherit each other's;
 * they are per thread (the fits of a job grid run in threads).
 * Strings point into argv (nothing to free).  The options apply to:
 *   --encoding ENC   every input without a declared encoding: CSV and text
 *                    tables, shapefiles without .cpg, old Stata/SPSS files,
 *                    GAL/GWT/CSV weights (see docs/data.md)
 *   --sheet NAME     spreadsheets (.xlsx .xls .ods) read without --layer
 *   --skip-rows N    CSV and spreadsheet tables: title lines above the header
 *   --wide SPEC      tables that hold columns matching SPEC (VAR or
 *                    VAR:PATTERN with one {TIME}; repeatable)
 *   --value-labels labels|codes  Stata, SPSS and SAS files: a labelled
 *                    variable's labels (default) or its stored codes */
#ifndef SP_READOPT_H
#define SP_READOPT_H

#include <stddef.h>

#define SP_READOPT_MAX_WIDE 16

typedef struct sp_readopt {
    const char *command;  /* "moran": names warnings ("spill moran: warning: ...") */
    const char *encoding; /* NULL: detect (UTF-8, else GB18030 with a warning) */
    const char *sheet;    /* NULL: the first sheet */
    int skip_rows;
    int codes;            /* --value-labels codes: labelled variables keep their codes */
    int nwide;
    const char *wide[SP_READOPT_MAX_WIDE];
} sp_readopt;

/* One parsed --wide spec: columns PREFIX<time>SUFFIX become rows of VAR, the
 * period going to column TIME. */
typedef struct sp_readopt_wide {
    char var[128], prefix[128], suffix[128], time[64];
} sp_readopt_wide;

#include "sp_args.h"

/* The shared option names, for sp_args_parse (name, takes_value). */
extern const sp_optspec sp_readopt_spec[];

/* The help paragraph printed under every command's options. */
extern const char sp_readopt_help[];

/* Check the values; SP_EUSAGE naming the option otherwise. */
int sp_readopt_check(const sp_readopt *o);

/* Parse "VAR" (= VAR:VAR{year}) or "VAR:PREFIX{TIME}SUFFIX". */
int sp_readopt_parse_wide(const char *spec, sp_readopt_wide *out);

void sp_readopt_set(const sp_readopt *o);
const sp_readopt *sp_readopt_current(void);

/* The encoding the text of `what` (a file) is in: NULL when it is UTF-8 (or
 * ASCII); --encoding when given; else GB18030 when the bytes are GB18030
 * and not UTF-8 (with a warning).  Bytes that are neither are SP_EDATA
 * naming --encoding; bytes that are not UTF-8 although --encoding UTF-8 was
 * given too. */
int sp_readopt_encoding(const char *what, const char *text, size_t len, const char **enc);

/* A reader on another thread (io/sp_readpair.c), with the options of the
 * thread that starts it and its warnings held for that thread to print:
 * sp_readopt_hold_init (starting thread) takes the options and the files
 * already warned about; sp_readopt_hold_enter (the reader's thread) makes
 * them current and holds the warnings in h, sp_readopt_hold_leave gives
 * that thread its own state back (the same thread may do both, when no
 * thread could be started); sp_readopt_hold_replay (starting thread)
 * prints the held warnings and counts their files as warned about.
 * sp_readopt_hold_free frees the held text (replayed or not). */
#define SP_READOPT_WARNED_MAX 16
typedef struct sp_readopt_state {
    sp_readopt opts;
    char warned[SP_READOPT_WARNED_MAX][512];
    int nwarned;
    struct sp_readopt_hold *hold; /* where warnings go; NULL: stderr */
} sp_readopt_state;
typedef struct sp_readopt_hold {
    sp_readopt_state state, saved; /* the reader's, and its thread's own */
    char *text;                    /* the held warnings, lines back to back */
    size_t len;
} sp_readopt_hold;
void sp_readopt_hold_init(sp_readopt_hold *h);
void sp_readopt_hold_enter(sp_readopt_hold *h);
void sp_readopt_hold_leave(sp_readopt_hold *h);
void sp_readopt_hold_replay(const sp_readopt_hold *h);
void sp_readopt_hold_free(sp_readopt_hold *h);

/* A warning on stderr, prefixed "spill COMMAND: warning: " (or held, above). */
void sp_readopt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
