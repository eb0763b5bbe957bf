/* spill run: run a job file: one spill command per line (sp_job.h), or a
 * YAML job (.yaml, .yml: sp_jobspec.h) with its output folder, grids and
 * shards (docs/jobs.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_error.h"
#include "sp_hash.h"
#include "sp_job.h"
#include "sp_jobdir.h"
#include "sp_jobexec.h"
#include "sp_jobreport.h"
#include "sp_jobspec.h"
#include "sp_shard.h"
#include "sp_table.h"

static const char run_help[] =
    "usage: spill run JOB.yaml [-o DIR] [--jobs N] [--shard I/N] [--keep-going] [--quiet]\n"
    "       spill run JOBFILE [--keep-going] [--dry-run]\n"
    "A YAML job (.yaml, .yml; docs/jobs.md) is validated whole, then its weights,\n"
    "analyses and grid specifications run N at a time (fits in N threads sharing the\n"
    "loaded data, other commands in N worker processes); DIR (default: the\n"
    "job's name) gets report.md, report.html, manifest.json, results.jsonl, tables/,\n"
    "layers/, figures/, weights/ and raw/, written atomically.\n"
    "  -o DIR         the output folder (an existing one only when empty or an\n"
    "                 earlier output: holding manifest.json)\n"
    "  --jobs N       threads and worker processes (default 1); the outputs do not\n"
    "                 depend on N\n"
    "  --shard I/N    run only shard I of N (1 <= I <= N) of the analyses and\n"
    "                 specifications; join the shard folders with spill merge\n"
    "  --quiet        no progress lines (failures and the summary are still shown)\n"
    "  --timing       seconds spent validating, building weights, running the\n"
    "                 analyses and writing the report, on stderr (a text job file:\n"
    "                 the commands' total; nothing with --dry-run)\n"
    "Exit status of a YAML job: 0, 1 or 2 for a bad job file, else 100 + the\n"
    "number of failed tasks (at most 200) when some failed.\n\n"
    "A text job file holds one spill command per line:\n"
    "Run the spill commands of JOBFILE (\"-\": standard input), one per line, in one\n"
    "process, in order.\n"
    "Lines: a subcommand and its arguments as on the command line ('spill' first is\n"
    "optional); quotes '...' and \"...\", backslash escapes and line continuations as\n"
    "in a shell; # starts a comment.  Each command's output goes where it says.\n\n"
    "  --keep-going   run every line even after a failure (default: stop at the first)\n"
    "  --dry-run      only check the file and print the commands it would run\n"
    "Exit status: that of the first command that failed, 0 if none did.\n";

static const sp_optspec run_opts[] = {{"keep-going", 0}, {"dry-run", 0}, {"output", 1},
                                      {"jobs", 1},       {"shard", 1},   {"quiet", 0},
                                      {"timing", 0},     {NULL, 0}};

/* The whole job file, or standard input for "-". */
static int read_whole(const char *path, char **text, size_t *size)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return sp_error_set(SP_EDATA, "%s: cannot open the job file", path);
    size_t cap = 4096, len = 0;
    char *buf = sp_malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *grown = sp_realloc(buf, cap *= 2);
            if (!grown) {
                free(buf);
                buf = NULL;
            } else {
                buf = grown;
            }
        }
    }
    int failed = ferror(f);
    if (!is_stdin)
        fclose(f);
    if (!buf)
        return SP_ENOMEM;
    if (failed) {
        free(buf);
        return sp_error_set(SP_EDATA, "%s: read error", path);
    }
    *text = buf;
    *size = len;
    return SP_OK;
}

static void print_job(const char *path, const sp_job *job)
{
    fprintf(stderr, "spill run: %s:%d: spill", path, job->line);
    for (int k = 0; k < job->argc; k++)
        fprintf(stderr, strpbrk(job->argv[k], " \t'\"") ? " '%s'" : " %s", job->argv[k]);
    fputc('\n', stderr);
}

/* --shard I/N into 0-based shard and count (0 of 1 without the option). */
static int parse_shard(const sp_args *a, int *shard, int *count)
{
    const char *s = sp_args_get(a, "shard");
    *shard = 0, *count = 1;
    if (!s)
        return SP_OK;
    int i, n, rc = sp_shard_parse(s, "--shard", &i, &n);
    if (!rc)
        *shard = i - 1, *count = n;
    return rc;
}

/* The shard's record for spill merge: the job file, its checksum, I and N. */
static int write_shard(const sp_jobspec *J, const char *tmp, int shard, int count)
{
    char path[4096], hex[65], real[4096];
    int rc = sp_hash_file_sha256(J->path, hex, NULL);
    if (rc)
        return rc;
    if (!realpath(J->path, real))
        return sp_error_set(SP_EDATA, "%s: cannot resolve", J->path);
    json_t *o = json_pack("{s:s, s:s, s:i, s:i}", "job", real, "sha256", hex, "shard",
                          shard + 1, "of", count);
    snprintf(path, sizeof path, "%s/shard.json", tmp);
    rc = o && json_dump_file(o, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0
             ? SP_OK : sp_error_set(SP_EDATA, "%s: cannot write", path);
    json_decref(o);
    return rc;
}

/* Run the tasks of one phase (weights builds, then the rest) of this shard. */
static int run_phase(const sp_jobspec *J, const char *tmp, int weights, int shard, int count,
                     int jobs, int quiet, int keep_going, int *failed, int *ran)
{
    int *todo = sp_malloc((size_t)(J->ntask + 1) * sizeof *todo);
    int *status = sp_malloc((size_t)(J->ntask + 1) * sizeof *status), n = 0;
    if (!todo || !status) {
        free(todo), free(status);
        return SP_ENOMEM;
    }
    for (int k = 0; k < J->ntask; k++)
        if ((J->task[k].analysis < 0) == weights &&
            (J->task[k].every_shard || sp_jobspec_shard(&J->task[k], count) == shard))
            todo[n++] = k;
    int rc = sp_jobexec_run(J, todo, n, tmp, jobs, quiet, keep_going, status, failed);
    *ran += n;
    free(todo);
    free(status);
    return rc;
}

static int run_yaml(const sp_args *a, int argc, char **argv)
{
    double t0 = sp_clock_seconds();
    int jobs, shard, count, rc;
    if ((rc = sp_args_int(a, "jobs", 1, 1, &jobs)) || (rc = parse_shard(a, &shard, &count)))
        return rc;
    sp_jobspec *J;
    sp_table_cache_enable();   /* the tables validation reads, kept for every task */
    if ((rc = sp_jobspec_read(a->pos[0], &J)))
        return rc;
    int quiet = sp_args_flag(a, "quiet"), keep = sp_args_flag(a, "keep-going"), failed = 0;
    int ran = 0;
    if (sp_args_flag(a, "dry-run")) {
        for (int k = 0; k < J->ntask; k++) {
            printf("%s:", J->task[k].id);
            for (int i = 0; i < J->task[k].argc; i++)
                printf(" %s", J->task[k].argv[i]);
            printf("\n");
        }
        sp_jobspec_free(J);
        return SP_OK;
    }
    const char *dir = sp_args_get(a, "output") ? sp_args_get(a, "output") : J->name;
    char *tmp = NULL;
    double t[4] = {sp_clock_seconds() - t0, -1.0, -1.0, -1.0}; /* validate, weights, analyses, report */
    rc = sp_jobdir_begin(dir, &tmp);
    double t1 = sp_clock_seconds();
    if (!rc)
        rc = run_phase(J, tmp, 1, shard, count, jobs, quiet, 0, &failed, &ran);
    int stopped = !rc && failed; /* a matrix that cannot be built stops the run */
    if (stopped)
        rc = sp_error_set(SP_EDATA, "a weights matrix could not be built; nothing written");
    double t2 = sp_clock_seconds();
    if (!rc)
        rc = run_phase(J, tmp, 0, shard, count, jobs, quiet, keep, &failed, &ran);
    double t3 = sp_clock_seconds();
    t[1] = t2 - t1, t[2] = t3 - t2;
    if (!rc && failed && !keep) {
        stopped = 1;
        rc = sp_error_set(SP_EDATA, "%d task%s failed; nothing written (--keep-going writes "
                          "the others)", failed, failed > 1 ? "s" : "");
    }
    if (!rc && count > 1)
        rc = write_shard(J, tmp, shard, count);
    else if (!rc)
        rc = sp_jobreport_write(J, tmp, argc + 1, argv - 1, sp_clock_seconds() - t0);
    if (rc)
        sp_jobdir_abort(tmp);
    else
        rc = sp_jobdir_commit(tmp, dir);
    t[3] = sp_clock_seconds() - t3;
    if (!rc)
        fprintf(stderr, "spill run: %s: %d of %d tasks (shard %d/%d), %d failed, %.2f s -> %s\n",
                J->name, ran, J->ntask, shard + 1, count, failed, sp_clock_seconds() - t0, dir);
    static const char *const phases[] = {"validate", "weights", "analyses", "report"};
    if (!rc && sp_args_flag(a, "timing"))
        sp_clock_phases("run", phases, t, 4);
    sp_jobspec_free(J);
    if (stopped) /* the exit status of failed tasks, with or without --keep-going */
        fprintf(stderr, "spill run: %s\n", sp_error_msg());
    if ((!rc || stopped) && failed)
        return SP_HELP_SHOWN + (failed > 100 ? 100 : failed);
    return rc;
}

int sp_cmd_run(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, run_opts, run_help, &a);
    if (rc)
        return rc;
    if ((rc = sp_args_positional(&a, 1, "one JOBFILE")))
        return rc;
    if (sp_jobspec_is_yaml(a.pos[0]))
        return run_yaml(&a, argc, argv);
    if (sp_args_get(&a, "output") || sp_args_get(&a, "jobs") || sp_args_get(&a, "shard"))
        return sp_error_set(SP_EUSAGE, "-o, --jobs and --shard are for YAML jobs (.yaml, .yml)");
    const char *path = a.pos[0]; /* "-": standard input */
    char *text = NULL;
    size_t size = 0;
    sp_jobs *jobs;
    if ((rc = read_whole(path, &text, &size)))
        return rc;
    rc = sp_job_parse(text, size, path, &jobs);
    free(text);
    if (rc)
        return rc;
    for (int j = 0; j < jobs->count && !rc; j++) {
        const sp_command *cmd = sp_commands_find(jobs->job[j].argv[0]);
        if (!cmd || cmd->run == sp_cmd_run)
            rc = sp_error_set(SP_EUSAGE, "%s:%d: '%s' is not a spill command", path,
                              jobs->job[j].line, jobs->job[j].argv[0]);
    }
    int first_failure = SP_OK, failures = 0;
    double t0 = sp_clock_seconds();
    for (int j = 0; j < jobs->count && !rc; j++) {
        sp_job *job = &jobs->job[j];
        print_job(path, job);
        if (sp_args_flag(&a, "dry-run"))
            continue;
        sp_error_clear();
        int status = sp_commands_find(job->argv[0])->run(job->argc, job->argv);
        if (status == SP_OK || status == SP_HELP_SHOWN)
            continue;
        failures++;
        fprintf(stderr, "spill run: %s:%d: spill %s: %s\n", path, job->line, job->argv[0],
                sp_error_msg());
        if (first_failure == SP_OK)
            first_failure = status;
        if (!sp_args_flag(&a, "keep-going"))
            break;
    }
    if (!rc && failures)
        rc = sp_error_set(first_failure, "%d of %d commands failed (first: exit %d)", failures,
                          jobs->count, sp_error_exit_code(first_failure));
    static const char *const phases[] = {"commands"};
    double secs = sp_clock_seconds() - t0;
    if (!rc && sp_args_flag(&a, "timing"))
        sp_clock_phases("run", phases, &secs, 1);
    sp_job_free(jobs);
    return rc;
}
