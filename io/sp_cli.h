/* sp_cli: command-line parsing and output helpers shared by the io/cmd_*.c
 * subcommands.
 *
 * Options are declared in an sp_optspec table; sp_args_parse() fills an
 * sp_args whose strings point into argv (nothing to free).  Unknown options,
 * missing values and malformed numbers are SP_EUSAGE errors.
 * `--help` prints the command's help text and returns SP_HELP_SHOWN. */
#ifndef SP_CLI_H
#define SP_CLI_H

#include <stdio.h>

#include <jansson.h>

#define SP_VERSION "0.1.0"
#define SP_HELP_SHOWN 100 /* not an error: the command printed its help */
#define SP_ARGS_MAX 64

typedef struct sp_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} sp_command;

typedef struct sp_optspec {
    const char *name;  /* long name without dashes, e.g. "type" */
    int takes_value;   /* 1: --name VALUE or --name=VALUE; 0: a flag */
} sp_optspec;

typedef struct sp_args {
    int npos;
    const char *pos[SP_ARGS_MAX];
    int nopt;
    const char *opt_name[SP_ARGS_MAX];
    const char *opt_value[SP_ARGS_MAX]; /* "" for flags */
} sp_args;

/* "-o" is accepted as "--output" and "-h" as "--help" in every command. */
int sp_args_parse(int argc, char **argv, const sp_optspec *spec, const char *help, sp_args *a);

/* Last value given for name, or NULL. */
const char *sp_args_get(const sp_args *a, const char *name);
/* The k-th value of a repeatable option (k from 0), or NULL. */
const char *sp_args_nth(const sp_args *a, const char *name, int k);
int sp_args_flag(const sp_args *a, const char *name);
/* Integer/double option with a default and an inclusive lower bound. */
int sp_args_int(const sp_args *a, const char *name, int dflt, int min, int *out);
int sp_args_double(const sp_args *a, const char *name, double dflt, double *out);
/* An option taking one of `count` words: *out = the index of its value
 * (unchanged when the option is absent); another value is SP_EUSAGE
 * "--NAME: unknown value 'V' (expected a, b or c)". */
int sp_args_choice(const sp_args *a, const char *name, const char *const *choices, int count,
                   int *out);
/* Exactly `want` positional arguments, else a usage error naming `what`. */
int sp_args_positional(const sp_args *a, int want, const char *what);

/* --threads N (default: all cores). */
int sp_args_threads(const sp_args *a, int *threads);

/* JSON helpers: a real, or null when not finite (jansson rejects NaN). */
json_t *sp_json_real(double x);
/* Print one JSON object on stdout (the --json contract) and free it. */
int sp_json_print(json_t *root);

struct sp_weights;
/* The `spill winfo` summary of W as a JSON object (contract keys: n, nnz,
 * islands, min_neighbors, max_neighbors, mean_neighbors, symmetric,
 * components, row_standardized).  NULL when out of memory. */
json_t *sp_weights_summary_json(const struct sp_weights *W);

/* The subcommand table (io/sp_commands.c) and a look-up by name (NULL if none). */
const sp_command *sp_commands(int *count);
const sp_command *sp_command_find(const char *name);

/* Subcommands (io/cmd_*.c). */
int sp_cmd_weights(int argc, char **argv);
int sp_cmd_winfo(int argc, char **argv);
int sp_cmd_moran(int argc, char **argv);
int sp_cmd_lisa(int argc, char **argv);
int sp_cmd_hotspot(int argc, char **argv);
int sp_cmd_ellipse(int argc, char **argv);
int sp_cmd_fit(int argc, char **argv);
int sp_cmd_run(int argc, char **argv);
int sp_cmd_map(int argc, char **argv);

#endif
