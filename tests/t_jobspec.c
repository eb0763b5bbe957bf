/* sp_jobspec: expanding a YAML job into tasks (order, ids, argv) and the
 * shard assignment; sp_jobtab's flattening of command JSON. */
#include <stdlib.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_jobspec.h"
#include "sp_jobtab.h"

static int find_task(const sp_jobspec *J, const char *id)
{
    for (int k = 0; k < J->ntask; k++)
        if (strcmp(J->task[k].id, id) == 0)
            return k;
    return -1;
}

static int has_args(const sp_jobspec_task *t, const char *opt, const char *val)
{
    for (int k = 0; k + 1 < t->argc; k++)
        if (strcmp(t->argv[k], opt) == 0 && strcmp(t->argv[k + 1], val) == 0)
            return 1;
    return 0;
}

static void test_expand(void)
{
    sp_jobspec *J = NULL;
    CHECK_INT(sp_jobspec_read("examples/china_provinces.yaml", &J), SP_OK);
    if (!J)
        return;
    CHECK_STR(J->name, "china_provinces");
    CHECK_INT(J->seed, 12345);
    CHECK_INT(J->ntask, 2 + 18 + 12);           /* two builds, 18 analyses, 3 x 2 x 2 grid */
    CHECK_STR(J->task[0].id, "weights:queen");
    CHECK(J->task[0].every_shard);
    int g = find_task(J, "sdm_grid[fe=unit,model=sdm,subsample=all]");
    CHECK(g > 0);
    CHECK_STR(J->task[g + 1].id, "sdm_grid[fe=unit,model=sdm,subsample=east]"); /* last key fastest */
    CHECK_STR(J->task[g + 11].id, "sdm_grid[fe=twoway,model=sar,subsample=east]");
    CHECK_STR(J->task[g + 11].stem, "raw/sdm_grid/0012");
    CHECK(has_args(&J->task[g + 1], "--where", "region=East"));
    CHECK(has_args(&J->task[g + 1], "--x", "x1,x2"));
    CHECK(has_args(&J->task[g + 1], "--seed", "12345"));
    CHECK_STR(J->task[g].argv[J->task[g].argc - 1], "--json");
    int m = find_task(J, "moran_ai");
    CHECK(m > 0 && has_args(&J->task[m], "--w", "weights/queen.gal"));
    CHECK(m > 0 && has_args(&J->task[m], "--perm", "999"));
    int kf = find_task(J, "kde_fine"), ix = find_task(J, "index_x");  /* options:, -o table */
    CHECK(kf > 0 && has_args(&J->task[kf], "--grid", "128"));
    CHECK(ix > 0 && has_args(&J->task[ix], "-o", "raw/index_x.table.json"));
    int mp = find_task(J, "map_ai");
    CHECK(mp > 0 && has_args(&J->task[mp], "-o", "figures/map_ai.png"));
    int sm = find_task(J, "spatial_markov_ai"), mk = find_task(J, "markov_ai");
    CHECK(sm > 0 && has_args(&J->task[sm], "--w", "weights/queen.gal"));
    CHECK(mk > 0 && !has_args(&J->task[mk], "--w", "weights/queen.gal")); /* w: optional */
    int l = find_task(J, "lisa_ai");
    CHECK(l > 0 && has_args(&J->task[l], "-o", "layers/lisa_ai.gpkg"));
    /* a task's shard depends on its id and N only, and every task has one */
    for (int n = 1; n <= 5; n++)
        for (int k = 0; k < J->ntask; k++) {
            int s = sp_jobspec_shard(&J->task[k], n);
            CHECK(s >= 0 && s < n);
            sp_jobspec_task alone = {.id = J->task[k].id};  /* nothing but the id */
            CHECK_INT(sp_jobspec_shard(&alone, n), s);
        }
    sp_jobspec_free(J);
}

/* The keys of a job's analysis are its command's options: every typed key
 * of an entry is an option of the command (with that type), the options the
 * reviews found missing are there, and the job's own keys are never keys. */
static void test_command_keys(void)
{
    char names[512], key[64];
    snprintf(names, sizeof names, "%s, weights", sp_jobcmds_names());
    char *save = NULL;
    for (char *n = strtok_r(names, ", ", &save); n; n = strtok_r(NULL, ", ", &save)) {
        const sp_jobcmds_entry *c =
            strcmp(n, "weights") ? sp_jobcmds_find(n) : sp_jobcmds_weights();
        CHECK(c != NULL);
        for (const char *p = c ? c->keys : ""; *p;) {
            const char *colon = strchr(p, ':');
            snprintf(key, sizeof key, "%.*s", (int)(colon - p), p);
            if (sp_jobcmds_type(c, key) != colon[1])
                printf("  %s: typed key '%s' is not its option\n", n, key);
            CHECK_INT(sp_jobcmds_type(c, key), colon[1]);
            p = colon + 2 + (colon[2] == '!');
            p += strspn(p, " ");
        }
        for (const char *own = "output json csv id panel data encoding sheet skip-rows wide";
             *own; own += strcspn(own, " "), own += strspn(own, " ")) {
            snprintf(key, sizeof key, "%.*s", (int)strcspn(own, " "), own);
            CHECK_INT(sp_jobcmds_type(c, key), 0);
        }
    }
    const sp_jobcmds_entry *fit = sp_jobcmds_find("fit"), *mk = sp_jobcmds_find("markov");
    CHECK_INT(sp_jobcmds_type(fit, "dynamic"), 's');
    CHECK_INT(sp_jobcmds_type(fit, "unbalanced"), 'b');
    CHECK_INT(sp_jobcmds_type(fit, "no-bias-correction"), 'b');
    CHECK_INT(sp_jobcmds_type(fit, "w-by"), 's');
    CHECK_INT(sp_jobcmds_type(fit, "sigma"), 's');
    CHECK_INT(sp_jobcmds_type(fit, "strict"), 'b');
    CHECK_INT(sp_jobcmds_type(mk, "where"), 's');
    CHECK_INT(sp_jobcmds_type(mk, "standardize"), 's');
    CHECK_INT(sp_jobcmds_type(mk, "cutoffs"), 'N');
    CHECK_INT(sp_jobcmds_type(fit, "modle"), 0);
    CHECK_STR(sp_jobcmds_closest(fit, "unbalance"), "unbalanced");
}

static void test_flatten(void)
{
    json_t *obj = json_loads("{\"model\": \"sdm\", \"rho\": {\"est\": 0.5, \"se\": 0.1},"
                             " \"coefficients\": [{\"name\": \"x1\", \"est\": 1.5}],"
                             " \"islands\": [\"a\", \"b\"]}", 0, NULL);
    json_t *lead = json_pack("{s:i}", "spec", 1);
    sp_jobtab *t = sp_jobtab_new("t", "title");
    CHECK_INT(sp_jobtab_add_object(t, lead, obj), SP_OK);
    CHECK_INT(t->nrow, 1);
    CHECK_INT(t->ncol, 6);
    CHECK_STR(t->head[0], "spec");
    CHECK_STR(t->head[2], "rho.est");
    CHECK_STR(t->head[4], "coefficients.x1.est");
    CHECK_STR(json_string_value(t->cell[5]), "a b");
    sp_jobtab_free(t);
    json_decref(obj);
    json_decref(lead);
}

int main(void)
{
    RUN(test_expand);
    RUN(test_command_keys);
    RUN(test_flatten);
    return th_report("t_jobspec");
}
