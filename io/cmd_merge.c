/* spill merge: join the shard folders of a YAML job (spill run --shard I/N)
 * into the outputs of the unsharded run (docs/jobs.md), or the shard outputs
 * of lisa and hotspot --shard I/N into the unsharded output (io/sp_shard.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_error.h"
#include "sp_hash.h"
#include "sp_jobdir.h"
#include "sp_jobreport.h"
#include "sp_jobspec.h"
#include "sp_shard.h"

static const char merge_help[] =
    "usage: spill merge -o DIR SHARD_DIR...\n"
    "       spill merge -o OUT SHARD_OUT...\n"
    "Join the folders of `spill run JOB.yaml --shard I/N` (all N of them, any order)\n"
    "into DIR: the same bytes as the unsharded run, but for the manifest's \"run\".\n"
    "The job file named in each shard.json must be unchanged (same SHA-256).\n"
    "Or join the outputs of `spill lisa|hotspot ... --shard I/N -o PART` (all N, any\n"
    "order, each with its PART.shard.json) into OUT: a CSV the same bytes as the\n"
    "unsharded run's, other formats the same features, fields and values.\n"
    "  --timing   seconds spent checking the shards, copying and writing, on stderr\n";

static const sp_optspec merge_opts[] = {{"output", 1}, {"timing", 0}, {NULL, 0}};

/* The shard record of one folder. */
static int read_shard(const char *dir, char *job, size_t size, char hex[65], int *shard,
                      int *count)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/shard.json", dir);
    json_t *o = json_load_file(path, 0, NULL);
    const char *j = NULL, *h = NULL;
    if (!o || json_unpack(o, "{s:s, s:s, s:i, s:i}", "job", &j, "sha256", &h, "shard", shard,
                          "of", count) != 0) {
        json_decref(o);
        return sp_error_set(SP_EDATA, "%s: not a shard folder of spill run --shard (no valid "
                            "shard.json)", dir);
    }
    snprintf(job, size, "%s", j);
    snprintf(hex, 65, "%s", h);
    json_decref(o);
    return SP_OK;
}

/* Every shard once, all from the same job file, unchanged since. */
static int check_shards(const sp_args *a, char *job, size_t size)
{
    char hex0[65] = "", hex[65], path[PATH_MAX], now[65];
    int count0 = 0, seen[4096] = {0}, rc = SP_OK;
    for (int k = 0; k < a->npos && !rc; k++) {
        int shard, count;
        if ((rc = read_shard(a->pos[k], path, sizeof path, hex, &shard, &count)))
            break;
        if (k == 0) {
            snprintf(job, size, "%s", path);
            snprintf(hex0, sizeof hex0, "%s", hex);
            count0 = count;
            if (count > 4096)
                rc = sp_error_set(SP_EDATA, "%s: more than 4096 shards", a->pos[k]);
        } else if (strcmp(path, job) || strcmp(hex, hex0) || count != count0) {
            rc = sp_error_set(SP_EDATA, "%s: a shard of another job (or another N) than %s",
                              a->pos[k], a->pos[0]);
        }
        if (!rc && seen[shard - 1]++)
            rc = sp_error_set(SP_EDATA, "%s: shard %d/%d given twice", a->pos[k], shard, count);
    }
    for (int s = 0; s < count0 && !rc; s++)
        if (!seen[s])
            rc = sp_error_set(SP_EDATA, "shard %d/%d is missing", s + 1, count0);
    if (!rc && (sp_hash_file_sha256(job, now, NULL) || strcmp(now, hex0)))
        rc = sp_error_set(SP_EDATA, "%s: the job file changed since the shards ran", job);
    return rc;
}

int sp_cmd_merge(int argc, char **argv)
{
    double t0 = sp_clock_seconds();
    sp_args a;
    int rc = sp_args_parse(argc, argv, merge_opts, merge_help, &a);
    if (rc)
        return rc;
    const char *dir = sp_args_get(&a, "output");
    if (!dir)
        return sp_error_set(SP_EUSAGE, "-o DIR is required");
    if (a.npos < 1)
        return sp_error_set(SP_EUSAGE, "expected the shard folders");
    struct stat st;
    if (stat(a.pos[0], &st) == 0 && !S_ISDIR(st.st_mode)) { /* shard outputs of lisa, hotspot */
        rc = sp_shard_merge(dir, a.pos, a.npos);
        double secs = sp_clock_seconds() - t0;
        static const char *const merge_phase[] = {"merge"};
        if (!rc && sp_args_flag(&a, "timing"))
            sp_clock_phases("merge", merge_phase, &secs, 1);
        return rc;
    }
    char job[PATH_MAX], *tmp = NULL;
    sp_jobspec *J = NULL;
    if ((rc = check_shards(&a, job, sizeof job)) || (rc = sp_jobspec_read(job, &J)))
        return rc;
    double t[3] = {sp_clock_seconds() - t0, -1.0, -1.0}, t1 = sp_clock_seconds(); /* check, copy, report */
    rc = sp_jobdir_begin(dir, &tmp);
    static const char *const parts[] = {"raw", "weights", "layers", "figures"};
    for (int k = 0; k < a.npos && !rc; k++)
        for (int p = 0; p < 4 && !rc; p++) {
            char s[PATH_MAX], d[PATH_MAX];
            snprintf(s, sizeof s, "%s/%s", a.pos[k], parts[p]);
            snprintf(d, sizeof d, "%s/%s", tmp, parts[p]);
            rc = sp_jobdir_copy_tree(s, d);
        }
    for (int k = 0; k < J->ntask && !rc; k++)
        if (sp_jobreport_status(tmp, &J->task[k]) < 0)
            rc = sp_error_set(SP_EDATA, "task %s is in no shard folder", J->task[k].id);
    double t2 = sp_clock_seconds();
    t[1] = t2 - t1;
    if (!rc)
        rc = sp_jobreport_write(J, tmp, argc + 1, argv - 1, t2 - t0);
    if (rc)
        sp_jobdir_abort(tmp);
    else
        rc = sp_jobdir_commit(tmp, dir);
    t[2] = sp_clock_seconds() - t2;
    static const char *const phases[] = {"check", "copy", "report"};
    if (!rc && sp_args_flag(&a, "timing"))
        sp_clock_phases("merge", phases, t, 3);
    if (!rc)
        fprintf(stderr, "spill merge: %s: %d shards, %d tasks -> %s\n", J->name, a.npos,
                J->ntask, dir);
    sp_jobspec_free(J);
    return rc;
}
