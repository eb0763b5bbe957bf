/* sp_args: command-line parsing shared by the io/cmd_*.c subcommands.
 *
 * Options are declared in an sp_optspec table; sp_args_parse() fills an
 * sp_args whose strings point into argv (nothing to free).  Unknown options,
 * missing values and malformed numbers are SP_EUSAGE errors (core/sp_error.h).
 * `--help` prints the command's help text and returns SP_HELP_SHOWN. */
#ifndef SP_ARGS_H
#define SP_ARGS_H

#define SP_HELP_SHOWN 100 /* not an error: the command printed its help */
#define SP_ARGS_MAX 64

/* A numeric macro's value as a string literal, for help texts that print a
 * library constant: "up to " SP_ARGS_STR(SP_POPS_DENSE_AUTO) " units". */
#define SP_ARGS_STR(x) SP_ARGS_STR_(x)
#define SP_ARGS_STR_(x) #x

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

/* SP_EUSAGE "--NAME: FIELD is named twice" when names[0..n) of option
 * `name`'s list repeat one (e.g. --ind gdp,edu,gdp would weight gdp twice),
 * else SP_OK. */
int sp_args_distinct(const char *name, const char *const *names, int n);

#endif
