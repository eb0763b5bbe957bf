/* The spill commands YAML jobs can run, one entry each (see sp_jobcmds.h). */
#include <string.h>

#include "cmd_fit.h"
#include "sp_cli.h"
#include "sp_jobcmds.h"
#include "sp_strdist.h"

/* spill fit's library entry point (cmd_fit.h): the grid's fits in threads,
 * the tables, matrices and eigenvalues read or computed once. */
static int fit_new(void **out) { return sp_cmd_fit_shared_new((sp_cmd_fit_shared **)out); }
static void fit_free(void *shared) { sp_cmd_fit_shared_free(shared); }
static int fit_run(int argc, char **argv, FILE *out, FILE *err, void *shared)
{
    return sp_cmd_fit_run(argc, argv, out, err, shared);
}
static const sp_jobcmds_lib fit_lib = {fit_new, fit_free, fit_run};

/* To make a new command available in jobs, add its line here (docs/jobs.md).
 * The keys are the command's options (its table); these types are checked. */
static const sp_jobcmds_entry entries[] = {
    {"moran", sp_cmd_moran_opts, SP_JI_TABLE, SP_JF_W | SP_JF_SEED,
     "var:c! by:c perm:i threads:i", NULL},
    {"lisa", sp_cmd_lisa_opts, SP_JI_LAYER, SP_JF_W | SP_JF_SEED | SP_JF_LAYER,
     "var:c! by:c perm:i threads:i alpha:n", NULL},
    {"hotspot", sp_cmd_hotspot_opts, SP_JI_LAYER, SP_JF_W | SP_JF_SEED | SP_JF_LAYER,
     "var:c! by:c self-weight:n perm:i threads:i", NULL},
    {"ellipse", sp_cmd_ellipse_opts, SP_JI_LAYER, SP_JF_LAYER, "weight:c by:c points:C sd:i",
     NULL},
    {"fit", sp_cmd_fit_opts, SP_JI_PANEL, SP_JF_W | SP_JF_SEED | SP_JF_WHERE,
     "y:c! x:C! draws:i threads:i", &fit_lib},
    {"winfo", sp_cmd_winfo_opts, SP_JI_W, 0, "", NULL},
    {"gini", sp_cmd_gini_opts, SP_JI_TABLE, 0, "var:c! by:c group:c weight:c", NULL},
    {"kde", sp_cmd_kde_opts, SP_JI_TABLE, 0, "var:c! by:c grid:i cut:n from:n to:n", NULL},
    {"markov", sp_cmd_markov_opts, SP_JI_TABLE, SP_JF_WOPT,
     "var:c! by:c! k:i cutoffs:N m:i lag-cutoffs:N lag:i", NULL},
    {"detector", sp_cmd_detector_opts, SP_JI_TABLE, 0,
     "y:c! x:C! continuous:C classes:i min-classes:i optimal-methods:l by:c alpha:n", NULL},
    {"decouple", sp_cmd_decouple_opts, SP_JI_TABLE, 0, "var:c! driver:c! by:c! bands:N", NULL},
    {"index", sp_cmd_index_opts, SP_JI_TABLE, SP_JF_TABLE,
     "ind:C negative:C shift:n scale:n coupling:C alpha:N by:c", NULL},
    {"map", sp_cmd_map_opts, SP_JI_LAYER, SP_JF_WOPT | SP_JF_SEED | SP_JF_FIGURE,
     "lisa:c hotspot:c choropleth:c ellipse:c by:c perm:i threads:i alpha:n k:i sd:i label:c "
     "extent:N width:n dpi:i", NULL},
    {"plot", sp_cmd_plot_opts, SP_JI_TABLE, SP_JF_WOPT | SP_JF_FIGURE,
     "moran:c kde:c effects:f markov:f by:c label:c group:c level:n width:n dpi:i", NULL},
};

static const sp_jobcmds_entry weights_entry = {
    "weights", sp_cmd_weights_opts, SP_JI_LAYER, 0,
    "snap:n k:i threshold:n lower:n power:n points:C var:c time:c order:i", NULL};

const sp_jobcmds_entry *sp_jobcmds_find(const char *name)
{
    for (size_t k = 0; k < sizeof entries / sizeof entries[0]; k++)
        if (strcmp(entries[k].name, name) == 0)
            return &entries[k];
    return NULL;
}

const sp_jobcmds_entry *sp_jobcmds_weights(void) { return &weights_entry; }

/* Scan "key:t key:t ..." for key. */
char sp_jobcmds_key_type(const char *schema, const char *key)
{
    size_t len = strlen(key);
    for (const char *p = schema; *p;) {
        while (*p == ' ')
            p++;
        const char *colon = strchr(p, ':');
        if (!colon)
            break;
        if ((size_t)(colon - p) == len && strncmp(p, key, len) == 0)
            return colon[1];
        p = colon + 2 + (colon[2] == '!');
    }
    return 0;
}

const char *sp_jobcmds_names(void)
{
    static char buf[512];
    if (!buf[0])
        for (size_t k = 0; k < sizeof entries / sizeof entries[0]; k++) {
            if (k)
                strcat(buf, ", ");
            strcat(buf, entries[k].name);
        }
    return buf;
}

/* The options a job sets itself, and where they come from instead. */
static const struct {
    const char *keys, *why;
} reserved[] = {
    {"output json csv markdown latex help",
     "the job writes the command's output (--json, into raw/)"},
    {"id panel data data-id", "from the table (data: names it; inputs: tables: NAME: id:, time:)"},
    {"encoding sheet skip-rows wide value-labels",
     "a reader option: give it on the table (inputs: tables: NAME: {file: F, KEY: V})"},
    {"shard", "spill run --shard shards the whole job"},
    {"each", "the report shows one figure per analysis"},
};

int sp_jobcmds_listed(const char *list, const char *word)
{
    size_t len = strlen(word);
    if (!len)
        return 0;
    for (const char *p = list; (p = strstr(p, word)); p += len)
        if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return 1;
    return 0;
}

const char *sp_jobcmds_reserved(const char *key)
{
    for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
        if (sp_jobcmds_listed(reserved[k].keys, key))
            return reserved[k].why;
    return NULL;
}

/* The option of c's table named key, or NULL. */
static const sp_optspec *option_of(const sp_jobcmds_entry *c, const char *key)
{
    for (const sp_optspec *o = c->opts(); o->name; o++)
        if (strcmp(o->name, key) == 0)
            return o;
    return NULL;
}

char sp_jobcmds_type(const sp_jobcmds_entry *c, const char *key)
{
    const sp_optspec *o = option_of(c, key);
    if (!o || sp_jobcmds_reserved(key))
        return 0;
    char type = sp_jobcmds_key_type(c->keys, key);
    return type ? type : o->takes_value ? 's' : 'b';
}

const char *sp_jobcmds_closest(const sp_jobcmds_entry *c, const char *key)
{
    const char *names[SP_ARGS_MAX * 2];
    int count = 0;
    for (const sp_optspec *o = c->opts(); o->name && count < SP_ARGS_MAX * 2; o++)
        if (!sp_jobcmds_reserved(o->name))
            names[count++] = o->name;
    return sp_strdist_closest(key, names, count);
}

/* The matrices a command prints turned around by an option, with the
 * heading of its first column either way (io/cmd_markov.c, matrix_grid). */
static const struct {
    const char *command, *keys, *flag, *rows, *cols;
} layouts[] = {
    {"markov", "transitions p mfpt", "--origin-columns", "from \\ to", "to \\ from"},
};

int sp_jobcmds_matrix_layout(const char *command, int argc, char *const *argv, const char *key,
                             const char **corner)
{
    for (size_t k = 0; k < sizeof layouts / sizeof layouts[0]; k++) {
        if (strcmp(layouts[k].command, command) != 0 ||
            !sp_jobcmds_listed(layouts[k].keys, key))
            continue;
        int turned = 0;
        for (int i = 1; i < argc; i++)
            turned |= strcmp(argv[i], layouts[k].flag) == 0;
        *corner = turned ? layouts[k].cols : layouts[k].rows;
        return turned;
    }
    return -1;
}
