/* sp_args: the command-line parser shared by the io/cmd_*.c subcommands; see sp_args.h. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sp_args.h"
#include "sp_error.h"
#include "sp_readopt.h"
#include "sp_strdist.h"
#include "sp_table.h"

static const sp_optspec *spec_find(const sp_optspec *spec, const char *name, size_t len)
{
    for (; spec->name; spec++)
        if (strlen(spec->name) == len && strncmp(spec->name, name, len) == 0)
            return spec;
    return NULL;
}

/* The reader options of every command (sp_readopt.h) from the parsed args. */
static int readopt_from_args(const sp_args *a, const char *command)
{
    sp_readopt o = {.command = command};
    o.encoding = sp_args_get(a, "encoding");
    o.sheet = sp_args_get(a, "sheet");
    int rc = sp_args_int(a, "skip-rows", 0, 0, &o.skip_rows);
    static const char *const labels[] = {"labels", "codes"};
    if (!rc)
        rc = sp_args_choice(a, "value-labels", labels, 2, &o.codes);
    for (const char *w; !rc && (w = sp_args_nth(a, "wide", o.nwide)) != NULL; o.nwide++)
        if (o.nwide == SP_READOPT_MAX_WIDE)
            rc = sp_error_set(SP_EUSAGE, "--wide: at most %d specs", SP_READOPT_MAX_WIDE);
        else
            o.wide[o.nwide] = w;
    if (!rc && o.encoding && (strcasecmp(o.encoding, "auto") == 0))
        o.encoding = NULL;
    if (!rc)
        rc = sp_readopt_check(&o);
    if (!rc)
        sp_readopt_set(&o);
    return rc;
}

/* "unknown option '--modle' (did you mean --model? see --help)": the closest
 * option name by edit distance, when one is close. */
static int unknown_option(const sp_optspec *spec, const char *arg)
{
    const char *names[SP_ARGS_MAX * 2];
    int count = 0;
    for (; spec->name && count < SP_ARGS_MAX * 2; spec++)
        names[count++] = spec->name;
    char word[64];
    const char *w = arg + strspn(arg, "-");
    snprintf(word, sizeof word, "%.*s", (int)strcspn(w, "="), w);
    const char *near = word[0] ? sp_strdist_closest(word, names, count) : NULL;
    if (near)
        return sp_error_set(SP_EUSAGE, "unknown option '%s' (did you mean --%s? see --help)", arg,
                            near);
    return sp_error_set(SP_EUSAGE, "unknown option '%s' (see --help)", arg);
}

int sp_args_parse(int argc, char **argv, const sp_optspec *spec, const char *help, sp_args *a)
{
    memset(a, 0, sizeof *a);
    sp_readopt none = {.command = argc > 0 ? argv[0] : NULL};
    sp_readopt_set(&none);
    for (int k = 1; k < argc; k++) {
        const char *arg = argv[k];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(help, stdout);
            fputs(sp_readopt_help, stdout);
            return SP_HELP_SHOWN;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            if (a->npos == SP_ARGS_MAX)
                return sp_error_set(SP_EUSAGE, "too many arguments");
            a->pos[a->npos++] = arg;
            continue;
        }
        const char *name = strcmp(arg, "-o") == 0 ? "output" : arg + 2;
        if (arg[1] != '-' && strcmp(arg, "-o") != 0)
            return unknown_option(spec, arg);
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const sp_optspec *s = spec_find(spec, name, len);
        if (!s)
            s = spec_find(sp_readopt_spec, name, len);
        if (!s)
            return unknown_option(spec, arg);
        const char *value = "";
        if (s->takes_value) {
            if (eq)
                value = eq + 1;
            else if (k + 1 < argc)
                value = argv[++k];
            else
                return sp_error_set(SP_EUSAGE, "option --%s needs a value", s->name);
        } else if (eq) {
            return sp_error_set(SP_EUSAGE, "option --%s takes no value", s->name);
        }
        if (a->nopt == SP_ARGS_MAX)
            return sp_error_set(SP_EUSAGE, "too many options");
        a->opt_name[a->nopt] = s->name;
        a->opt_value[a->nopt++] = value;
    }
    return readopt_from_args(a, argc > 0 ? argv[0] : NULL);
}

const char *sp_args_get(const sp_args *a, const char *name)
{
    for (int k = a->nopt - 1; k >= 0; k--)
        if (strcmp(a->opt_name[k], name) == 0)
            return a->opt_value[k];
    return NULL;
}

const char *sp_args_nth(const sp_args *a, const char *name, int nth)
{
    for (int k = 0; k < a->nopt; k++)
        if (strcmp(a->opt_name[k], name) == 0 && nth-- == 0)
            return a->opt_value[k];
    return NULL;
}

int sp_args_flag(const sp_args *a, const char *name) { return sp_args_get(a, name) != NULL; }

int sp_args_int(const sp_args *a, const char *name, int dflt, int min, int *out)
{
    const char *s = sp_args_get(a, name);
    *out = dflt;
    if (!s)
        return SP_OK;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno || v < min || v > INT_MAX)
        return sp_error_set(SP_EUSAGE, "--%s: '%s' is not an integer >= %d", name, s, min);
    *out = (int)v;
    return SP_OK;
}

int sp_args_double(const sp_args *a, const char *name, double dflt, double *out)
{
    const char *s = sp_args_get(a, name);
    *out = dflt;
    if (!s)
        return SP_OK;
    if (sp_table_parse_double(s, out) != 0)
        return sp_error_set(SP_EUSAGE, "--%s: '%s' is not a finite number", name, s);
    return SP_OK;
}

int sp_args_choice(const sp_args *a, const char *name, const char *const *choices, int count,
                   int *out)
{
    const char *value = sp_args_get(a, name);
    if (!value)
        return SP_OK;
    for (int k = 0; k < count; k++)
        if (strcasecmp(value, choices[k]) == 0) {
            *out = k;
            return SP_OK;
        }
    char list[256] = "", hint[96] = "";
    for (int k = 0; k < count; k++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                 k == 0 ? "" : k + 1 < count ? ", " : " or ", choices[k]);
    const char *near = sp_strdist_closest(value, choices, count);
    if (near)
        snprintf(hint, sizeof hint, "did you mean %s? ", near);
    return sp_error_set(SP_EUSAGE, "--%s: unknown value '%s' (%sexpected %s)", name, value, hint,
                        list);
}

int sp_args_positional(const sp_args *a, int want, const char *what)
{
    if (a->npos == want)
        return SP_OK;
    return sp_error_set(SP_EUSAGE, "expected %s (%d argument%s), got %d; see --help", what,
                        want, want == 1 ? "" : "s", a->npos);
}

int sp_args_threads(const sp_args *a, int *threads)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return sp_args_int(a, "threads", cores > 0 ? (int)cores : 1, 1, threads);
}

int sp_args_distinct(const char *name, const char *const *names, int n)
{
    for (int j = 1; j < n; j++)
        for (int i = 0; i < j; i++)
            if (strcmp(names[i], names[j]) == 0)
                return sp_error_set(SP_EUSAGE, "--%s: %s is named twice", name, names[j]);
    return SP_OK;
}
