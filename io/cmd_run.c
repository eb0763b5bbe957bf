/* spill run: run a job file, one spill command per line (see sp_job.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_error.h"
#include "sp_job.h"

static const char run_help[] =
    "usage: spill run JOBFILE [--keep-going] [--dry-run]\n"
    "Run the spill commands of JOBFILE (\"-\": standard input), one per line, in one\n"
    "process, in order.\n"
    "Lines: a subcommand and its arguments as on the command line ('spill' first is\n"
    "optional); quotes '...' and \"...\", backslash escapes and line continuations as\n"
    "in a shell; # starts a comment.  Each command's output goes where it says.\n\n"
    "  --keep-going   run every line even after a failure (default: stop at the first)\n"
    "  --dry-run      only check the file and print the commands it would run\n"
    "Exit status: that of the first command that failed, 0 if none did.\n";

static const sp_optspec run_opts[] = {{"keep-going", 0}, {"dry-run", 0}, {NULL, 0}};

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

int sp_cmd_run(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, run_opts, run_help, &a);
    if (rc)
        return rc;
    if ((rc = sp_args_positional(&a, 1, "one JOBFILE")))
        return rc;
    const char *path = strcmp(a.pos[0], "-") == 0 ? "-" : a.pos[0];
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
    sp_job_free(jobs);
    return rc;
}
