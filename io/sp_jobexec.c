/* Worker processes for a job's tasks: fixed assignment, per-task output files
 * (see sp_jobexec.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sp_cli.h"
#include "sp_error.h"
#include "sp_jobexec.h"

typedef struct report {  /* what a worker tells the parent after each task */
    int k, code;
} report;

int sp_jobexec_mkdirs(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return sp_error_set(SP_EDATA, "%s: cannot create the folder", buf);
        *p = '/';
    }
    return SP_OK;
}

static int open_out(const char *stem, const char *ext)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s.%s", stem, ext);
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

/* Call the task's subcommand with argv as `spill` would (its message on
 * stderr, prefixed by what); the exit code. */
static int call(const sp_jobspec_task *t, char **argv, const char *what)
{
    const sp_command *cmd = sp_commands_find(t->argv[0]);
    sp_error_clear();
    int rc = cmd->run(t->argc, argv);
    if (rc != SP_OK && rc != SP_HELP_SHOWN)
        fprintf(stderr, "spill %s%s: %s\n", cmd->name, what, sp_error_msg());
    fflush(stdout);
    fflush(stderr);
    return rc == SP_HELP_SHOWN ? 0 : sp_error_exit_code(rc);
}

/* A figure task (-o figures/NAME.png) draws its figure again as NAME.svg,
 * its standard output discarded; the exit code of that second run. */
static int figure_svg(const sp_jobspec_task *t, char **argv)
{
    int k = 0;
    while (k + 1 < t->argc && !(strcmp(t->argv[k], "-o") == 0 &&
                                strncmp(t->argv[k + 1], "figures/", 8) == 0))
        k++;
    if (k + 1 >= t->argc)
        return 0;
    char svg[PATH_MAX];
    snprintf(svg, sizeof svg, "%s", t->argv[k + 1]);
    char *dot = strrchr(svg, '.');
    if (!dot || strlen(dot) < 4)
        return 0;
    strcpy(dot, ".svg");
    memcpy(argv, t->argv, (size_t)(t->argc + 1) * sizeof *argv);
    argv[k + 1] = svg;
    fflush(stdout);
    int saved = dup(1), null = open("/dev/null", O_WRONLY);
    if (saved < 0 || null < 0)
        return 2;
    dup2(null, 1);
    close(null);
    int code = call(t, argv, " (svg)");
    dup2(saved, 1);
    close(saved);
    return code;
}

/* Run one task in this (worker) process, standard output and error into its
 * files; the exit code as `spill CMD ...` alone would give it. */
static int run_task(const sp_jobspec_task *t)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s.json", t->stem);
    if (sp_jobexec_mkdirs(path))
        return 2;
    for (int k = 0; k + 1 < t->argc; k++)   /* the folders of its outputs */
        if (!strcmp(t->argv[k], "-o") && sp_jobexec_mkdirs(t->argv[k + 1]))
            return 2;
    int fo = open_out(t->stem, "json"), fe = open_out(t->stem, "log");
    if (fo < 0 || fe < 0) {
        if (fo >= 0)
            close(fo);
        if (fe >= 0)
            close(fe);
        return 2;
    }
    fflush(stdout);
    fflush(stderr);
    dup2(fo, 1);
    dup2(fe, 2);
    close(fo);
    close(fe);
    char **argv = sp_malloc((size_t)(t->argc + 1) * sizeof *argv);
    int code = 3;
    if (argv) {   /* a copy: a command may reorder its argv */
        memcpy(argv, t->argv, (size_t)(t->argc + 1) * sizeof *argv);
        code = call(t, argv, "");
        if (code == 0)
            code = figure_svg(t, argv);
        free(argv);
    }
    fflush(stdout);
    fflush(stderr);
    FILE *st = fopen(strcat(strcpy(path, t->stem), ".status"), "w");
    if (st) {
        fprintf(st, "%d\n", code);
        fclose(st);
    }
    return code;
}

/* Worker w of nw: tasks todo[w], todo[w + nw], ... */
static void worker(const sp_jobspec *J, const int *todo, int ntodo, int w, int nw,
                   const char *dir, int keep_going, int fd)
{
    if (chdir(dir) != 0)
        _exit(2);
    /* GeoPackages record their time of writing: a fixed one, so that a layer
     * depends on its task alone (GDAL's GPKG driver option). */
    setenv("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z", 1);
    for (int k = w; k < ntodo; k += nw) {
        report r = {k, run_task(&J->task[todo[k]])};
        if (write(fd, &r, sizeof r) != (ssize_t)sizeof r)
            _exit(2);
        if (r.code && !keep_going)
            break;
    }
    _exit(0);
}

/* The last line of a task's log, for the progress message. */
static void last_line(const char *dir, const char *stem, char *buf, size_t size)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.log", dir, stem);
    FILE *f = fopen(path, "r");
    char line[1024];
    buf[0] = '\0';
    while (f && fgets(line, sizeof line, f))
        if (line[0] != '\n')
            snprintf(buf, size, "%s", line);
    if (f)
        fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

/* One progress line on stderr: "[done/total] id: ok" or the failure's message. */
static void progress(const char *dir, const sp_jobspec_task *t, int code, int done, int total,
                     int quiet)
{
    if (quiet && !code)
        return;
    char msg[1024] = "";
    if (code)
        last_line(dir, t->stem, msg, sizeof msg);
    fprintf(stderr, "spill run: [%d/%d] %s: %s%s\n", done, total, t->id, code ? "FAILED: " : "ok",
            msg);
}

int sp_jobexec_run(const sp_jobspec *J, const int *todo, int ntodo, const char *dir, int jobs,
                   int quiet, int keep_going, int *status, int *failed)
{
    *failed = 0;
    for (int k = 0; k < ntodo; k++)
        status[k] = -1;
    if (ntodo == 0)
        return SP_OK;
    int nw = jobs < ntodo ? jobs : ntodo, fds[2];
    pid_t *pid = sp_calloc((size_t)nw, sizeof *pid);
    if (!pid)
        return SP_ENOMEM;
    if (pipe(fds) != 0) {
        free(pid);
        return sp_error_set(SP_EDATA, "cannot create a pipe for the workers");
    }
    fflush(stdout);
    fflush(stderr);
    for (int w = 0; w < nw; w++) {
        if ((pid[w] = fork()) == 0) {
            close(fds[0]);
            worker(J, todo, ntodo, w, nw, dir, keep_going, fds[1]);
        }
        if (pid[w] < 0) {
            for (int v = 0; v < w; v++)
                kill(pid[v], SIGTERM);
            nw = w;
            break;
        }
    }
    close(fds[1]);
    report r;
    int done = 0, stop = 0;
    while (read(fds[0], &r, sizeof r) == (ssize_t)sizeof r) {
        status[r.k] = r.code;
        progress(dir, &J->task[todo[r.k]], r.code, ++done, ntodo, quiet);
        if (r.code && !keep_going && !stop) {
            stop = 1;
            for (int w = 0; w < nw; w++)
                kill(pid[w], SIGTERM);
        }
    }
    close(fds[0]);
    for (int w = 0; w < nw; w++)
        waitpid(pid[w], NULL, 0);
    free(pid);
    for (int k = 0; k < ntodo; k++)
        *failed += status[k] != 0;
    return SP_OK;
}
