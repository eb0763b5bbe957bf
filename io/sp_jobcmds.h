/* sp_jobcmds: the table of spill commands a YAML job may run (io/sp_jobcmds.c).
 *
 * A command becomes available in job files through one entry: how its
 * positional argument is formed from the job's inputs, which of the job's
 * standard options it takes (--w, --seed, --where, -o layer or figure), and
 * and the types of the keys that are checked, "key:type" separated by blanks.
 *
 * The keys an analysis may give are its command's long options without
 * dashes, read from the command's own option table (sp_cmd_NAME_opts,
 * sp_cli.h), less those the job sets itself (sp_jobcmds_reserved).  The
 * schema types some of them; the others are words (s, options taking a
 * value) or flags (b):
 *
 *   c  a column of the analysis' data table (or of the boundaries)
 *   C  columns: a YAML list, "a,b" or the name of a variable set
 *   i  an integer          n  a number          s  a word or text (one value)
 *   N  numbers: a YAML list or "a,b"   l  words: a YAML list or "a,b"
 *   f  an input file (relative to the job file's folder; it must exist)
 *   b  a flag: true adds --key, false leaves it out
 *
 * A '!' after the type marks a key every analysis of the command must give.
 * Every schema key is an option of the command (tested in t_jobspec).
 *
 * docs/jobs.md says how to add a command.  The table is static: nothing to free. */
#ifndef SP_JOBCMDS_H
#define SP_JOBCMDS_H

#include <stdio.h>

#include "sp_args.h"

/* How the command's positional argument is formed. */
typedef enum {
    SP_JI_TABLE, /* the data table's file, --id its id column */
    SP_JI_LAYER, /* the boundaries, --id; with a data table --data FILE --data-id ID */
    SP_JI_PANEL, /* the data table; --panel ID,TIME when it has a time column, else --id */
    SP_JI_W      /* the file of the analysis' weights matrix (w:) */
} sp_jobcmds_input;

enum {
    SP_JF_W = 1,      /* takes --w FILE (w: names one of the job's matrices) */
    SP_JF_SEED = 2,   /* takes --seed (the job's seed unless the analysis sets one) */
    SP_JF_WHERE = 4,  /* takes --where F=V,V (subsample:) */
    SP_JF_LAYER = 8,  /* writes a layer: -o layers/NAME.gpkg */
    SP_JF_FIGURE = 16, /* draws a figure: -o figures/NAME.png, then again -o .svg */
    SP_JF_WOPT = 32,   /* takes --w FILE when w: is given (markov: the spatial chain) */
    SP_JF_TABLE = 64   /* writes a table: -o raw/STEM.table.json, a table of the report */
};

/* A command's library entry point, for commands that can run in threads:
 * run is the command on argv with its output on out and its messages on err
 * (error in the thread's sp_error_msg()), sharing the data of one
 * shared_new object (freed with shared_free) with the other tasks. */
typedef struct sp_jobcmds_lib {
    int (*shared_new)(void **out);
    void (*shared_free)(void *shared);
    int (*run)(int argc, char **argv, FILE *out, FILE *err, void *shared);
} sp_jobcmds_lib;

typedef struct sp_jobcmds_entry {
    const char *name;       /* the spill subcommand */
    const sp_optspec *(*opts)(void); /* its option table (sp_cli.h) */
    sp_jobcmds_input input;
    int flags;              /* SP_JF_* */
    const char *keys;       /* the types of the checked keys, see above */
    const sp_jobcmds_lib *lib; /* NULL: runs in a forked worker process */
} sp_jobcmds_entry;

/* The entry of command name, or NULL when jobs cannot run it. */
const sp_jobcmds_entry *sp_jobcmds_find(const char *name);

/* The entry of `spill weights`, for the job's named matrices (input and
 * flags unused). */
const sp_jobcmds_entry *sp_jobcmds_weights(void);

/* The type letter of key in schema (0 when the key is not in it). */
char sp_jobcmds_key_type(const char *schema, const char *key);

/* The type of option key of command c: its schema type, else 's' or 'b'
 * from the command's option table; 0 when c has no such option or the job
 * sets it itself. */
char sp_jobcmds_type(const sp_jobcmds_entry *c, const char *key);

/* Why the job sets option key itself ("set by the job: ..."), or NULL. */
const char *sp_jobcmds_reserved(const char *key);

/* How command prints its matrix key in its own tables, for the job's table
 * of it to agree: *corner the heading of the first column ("from \\ to");
 * returns 1 when the options argv[0..argc) turn the matrix around (markov
 * --origin-columns: origins in columns), 0 when not, -1 when the command
 * prints no such matrix (the job's generic labels, *corner untouched). */
int sp_jobcmds_matrix_layout(const char *command, int argc, char *const *argv, const char *key,
                             const char **corner);

/* 1 when word (not empty) is one of the blank-separated words of list. */
int sp_jobcmds_listed(const char *list, const char *word);

/* The option of c a job may give closest to key (a misspelling), or NULL. */
const char *sp_jobcmds_closest(const sp_jobcmds_entry *c, const char *key);

/* The names of the commands jobs can run, "a, b, c", for messages. */
const char *sp_jobcmds_names(void);

#endif
