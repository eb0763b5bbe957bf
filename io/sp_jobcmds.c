/* The spill commands YAML jobs can run, one entry each (see sp_jobcmds.h). */
#include <string.h>

#include "cmd_fit.h"
#include "sp_jobcmds.h"

/* spill fit's library entry point (cmd_fit.h): the grid's fits in threads,
 * the tables, matrices and eigenvalues read or computed once. */
static int fit_new(void **out) { return sp_cmd_fit_shared_new((sp_cmd_fit_shared **)out); }
static void fit_free(void *shared) { sp_cmd_fit_shared_free(shared); }
static int fit_run(int argc, char **argv, FILE *out, FILE *err, void *shared)
{
    return sp_cmd_fit_run(argc, argv, out, err, shared);
}
static const sp_jobcmds_lib fit_lib = {fit_new, fit_free, fit_run};

/* To make a new command available in jobs, add its line here (docs/jobs.md). */
static const sp_jobcmds_entry entries[] = {
    {"moran", SP_JI_TABLE, SP_JF_W | SP_JF_SEED,
     "var:c! by:c standardize:s adjust-n:b perm:i threads:i layer:s timing:b", NULL},
    {"lisa", SP_JI_LAYER, SP_JF_W | SP_JF_SEED | SP_JF_LAYER,
     "var:c! by:c standardize:s variance:s moments:s perm:i threads:i alpha:n fdr:b layer:s", NULL},
    {"hotspot", SP_JI_LAYER, SP_JF_W | SP_JF_SEED | SP_JF_LAYER,
     "var:c! by:c self-weight:n no-self:b standardize:s perm:i threads:i fdr:b layer:s", NULL},
    {"ellipse", SP_JI_LAYER, SP_JF_LAYER,
     "weight:c by:c points:C sd:i convention:s crs:s layer:s", NULL},
    {"fit", SP_JI_PANEL, SP_JF_W | SP_JF_SEED | SP_JF_WHERE,
     "y:c! x:C! model:s fe:s lee-yu:b no-lee-yu:b lee-yu-convention:s re:b compare:b tests:b "
     "effects:b draws:i standardize:s logdet:s vcov:s threads:i layer:s timing:b", &fit_lib},
    {"winfo", SP_JI_W, 0, "", NULL},
    {"gini", SP_JI_TABLE, 0, "var:c! by:c group:c weight:c weighted:b cv-divisor:s", NULL},
    {"kde", SP_JI_TABLE, 0, "var:c! by:c bw:s kernel:s grid:i cut:n from:n to:n", NULL},
    {"markov", SP_JI_TABLE, SP_JF_WOPT,
     "var:c! by:c! k:i pooled:b relative:b cutoffs:s discrete:b m:i lag-cutoffs:s lisa:b "
     "lag:i fill-empty:b origin-columns:b strict:b gaps:s consecutive-periods:b", NULL},
    {"detector", SP_JI_TABLE, 0,
     "y:c! x:C! continuous:C classes:i discretize:s min-classes:i optimal-methods:s by:c "
     "alpha:n", NULL},
    {"decouple", SP_JI_TABLE, 0,
     "var:c! driver:c! by:c! base:s bands:s gaps:s consecutive-periods:b", NULL},
    {"index", SP_JI_TABLE, SP_JF_TABLE,
     "ind:C negative:C method:s normalize:s zeros:s shift:n per-period:b scale:n coupling:C "
     "coupling-form:s alpha:s by:c layer:s", NULL},
    {"map", SP_JI_LAYER, SP_JF_WOPT | SP_JF_SEED | SP_JF_FIGURE,
     "lisa:c hotspot:c choropleth:c ellipse:c significance:b by:c perm:i threads:i alpha:n "
     "fdr:b classes:s k:i palette:s sd:i title:s label:c crs:s extent:s width:n dpi:i font:s "
     "layer:s", NULL},
    {"plot", SP_JI_TABLE, SP_JF_WOPT | SP_JF_FIGURE,
     "moran:c kde:c effects:f markov:f by:c label:c group:c bw:s surface:b level:n title:s "
     "width:n dpi:i font:s layer:s", NULL},
};

static const char weights_keys[] =
    "type:s snap:n k:i threshold:n lower:n power:n metric:s arc:s points:C var:c time:c "
    "years:s drop-missing:b geo:s order:i cumulative:b link:s islands:s standardize:s "
    "layer:s data:s";

const sp_jobcmds_entry *sp_jobcmds_find(const char *name)
{
    for (size_t k = 0; k < sizeof entries / sizeof entries[0]; k++)
        if (strcmp(entries[k].name, name) == 0)
            return &entries[k];
    return NULL;
}

const char *sp_jobcmds_weights_keys(void) { return weights_keys; }

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
