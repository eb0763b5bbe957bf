/* Threads and worker processes for a job's tasks: per-task output files
 * (see sp_jobexec.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "sp_cli.h"
#include "sp_error.h"
#include "sp_jobexec.h"

typedef struct report {  /* what a worker tells the parent after each task */
    int k, code;
} report;

/* What the phase's runs share: the progress count, the stop after a failure. */
typedef struct phase {
    const sp_jobspec *J;
    const int *todo;
    int ntodo, quiet, keep_going;
    int *status;
    int done, stop;
    pthread_mutex_t lock; /* guards done, stop, status and next while threads run */
    const int *sub;       /* the tasks (indices into todo) of the threads */
    int nsub, next;
    const sp_jobcmds_lib *lib;
    void *shared;
} phase;

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

/* The status file of a task: its exit code. */
static void write_status(const char *stem, int code)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s.status", stem);
    FILE *st = fopen(path, "w");
    if (st) {
        fprintf(st, "%d\n", code);
        fclose(st);
    }
}

/* The folders of the task's files: raw/STEM and those of its -o outputs. */
static int task_folders(const sp_jobspec_task *t)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s.json", t->stem);
    if (sp_jobexec_mkdirs(path))
        return 2;
    for (int k = 0; k + 1 < t->argc; k++)
        if (!strcmp(t->argv[k], "-o") && sp_jobexec_mkdirs(t->argv[k + 1]))
            return 2;
    return 0;
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
    if (task_folders(t))
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
    write_status(t->stem, code);
    return code;
}

/* Worker w of nw: tasks sub[w], sub[w + nw], ... (indices into todo). */
static void worker(const phase *P, const int *sub, int nsub, int w, int nw, const char *dir,
                   int fd)
{
    if (chdir(dir) != 0)
        _exit(2);
    /* GeoPackages record their time of writing: a fixed one, so that a layer
     * depends on its task alone (GDAL's GPKG driver option). */
    setenv("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z", 1);
    for (int k = w; k < nsub; k += nw) {
        report r = {sub[k], run_task(&P->J->task[P->todo[sub[k]]])};
        if (write(fd, &r, sizeof r) != (ssize_t)sizeof r)
            _exit(2);
        if (r.code && !P->keep_going)
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

/* Record task k's exit code and report it (under P->lock with threads). */
static void finished(phase *P, const char *dir, int k, int code)
{
    P->status[k] = code;
    progress(dir, &P->J->task[P->todo[k]], code, ++P->done, P->ntodo, P->quiet);
    if (code && !P->keep_going)
        P->stop = 1;
}

/* The tasks sub[0..nsub) in nw forked worker processes (a fixed assignment:
 * task k to worker k mod nw); the parent collects their reports. */
static int run_forked(phase *P, const int *sub, int nsub, const char *dir, int jobs)
{
    if (nsub == 0)
        return SP_OK;
    int nw = jobs < nsub ? jobs : nsub, fds[2];
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
            worker(P, sub, nsub, w, nw, dir, fds[1]);
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
    while (read(fds[0], &r, sizeof r) == (ssize_t)sizeof r) {
        int was = P->stop;
        finished(P, dir, r.k, r.code);
        for (int w = 0; w < nw && P->stop && !was; w++)
            kill(pid[w], SIGTERM);
    }
    close(fds[0]);
    for (int w = 0; w < nw; w++)
        waitpid(pid[w], NULL, 0);
    free(pid);
    return SP_OK;
}

/* Run one task through its command's library entry point in this thread,
 * its output and messages into STEM.json and STEM.log as the command alone
 * prints them; the exit code. */
static int run_lib_task(const phase *P, const sp_jobspec_task *t)
{
    if (task_folders(t))
        return 2;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s.json", t->stem);
    FILE *fo = fopen(path, "w");
    snprintf(path, sizeof path, "%s.log", t->stem);
    FILE *fe = fopen(path, "w");
    char **argv = sp_malloc((size_t)(t->argc + 1) * sizeof *argv);
    int code = 2;
    if (fo && fe && argv) { /* a copy: a command may reorder its argv */
        memcpy(argv, t->argv, (size_t)(t->argc + 1) * sizeof *argv);
        sp_error_clear();
        int rc = P->lib->run(t->argc, argv, fo, fe, P->shared);
        if (rc != SP_OK && rc != SP_HELP_SHOWN)
            fprintf(fe, "spill %s: %s\n", t->argv[0], sp_error_msg());
        code = rc == SP_HELP_SHOWN ? 0 : sp_error_exit_code(rc);
    }
    free(argv);
    if ((fo && fclose(fo) != 0) || (fe && fclose(fe) != 0) || !fo || !fe)
        code = code ? code : 2;
    write_status(t->stem, code);
    return code;
}

/* A thread of the pool: the next task not taken, until none is left or a
 * failure stops the run (without --keep-going). */
static void *pool_thread(void *arg)
{
    phase *P = arg;
    for (;;) {
        pthread_mutex_lock(&P->lock);
        int k = P->stop || P->next == P->nsub ? -1 : P->sub[P->next++];
        pthread_mutex_unlock(&P->lock);
        if (k < 0)
            return NULL;
        int code = run_lib_task(P, &P->J->task[P->todo[k]]);
        pthread_mutex_lock(&P->lock);
        finished(P, ".", k, code);
        pthread_mutex_unlock(&P->lock);
    }
}

/* The tasks sub[0..nsub) (all of commands with the library entry point lib)
 * in jobs threads of this process, inside dir, sharing lib's data: a task's
 * files depend on the task alone, whichever thread runs it. */
static int run_threaded(phase *P, const sp_jobcmds_lib *lib, const int *sub, int nsub,
                        const char *dir, int jobs)
{
    if (nsub == 0)
        return SP_OK;
    int nt = jobs < nsub ? jobs : nsub, here = open(".", O_RDONLY | O_DIRECTORY), rc;
    pthread_t *tid = sp_calloc((size_t)nt, sizeof *tid);
    if (!tid || here < 0) {
        free(tid);
        if (here >= 0)
            close(here);
        return tid ? sp_error_set(SP_EDATA, "cannot open the current folder") : SP_ENOMEM;
    }
    json_object_seed(0); /* jansson's once-only set-up, before any thread starts (the
                            plugins load under pthread_once, io/sp_plugin.h) */
    P->lib = lib, P->sub = sub, P->nsub = nsub, P->next = 0;
    if ((rc = lib->shared_new(&P->shared))) {
        free(tid);
        close(here);
        return rc;
    }
    if (chdir(dir) != 0)  /* paths are relative to the output folder, as in the workers */
        rc = sp_error_set(SP_EDATA, "%s: cannot enter the folder", dir);
    int started = 0;
    for (; !rc && started + 1 < nt; started++) /* this thread is the pool's last */
        if (pthread_create(&tid[started], NULL, pool_thread, P) != 0)
            break;
    if (!rc)
        pool_thread(P);
    for (int w = 0; w < started; w++)
        pthread_join(tid[w], NULL);
    if (fchdir(here) != 0 && !rc)
        rc = sp_error_set(SP_EDATA, "cannot return to the starting folder");
    close(here);
    lib->shared_free(P->shared);
    P->shared = NULL;
    free(tid);
    return rc;
}

/* The library entry point of a task's command, or NULL (a weights build). */
static const sp_jobcmds_lib *task_lib(const sp_jobspec *J, const sp_jobspec_task *t)
{
    return t->analysis < 0 ? NULL : J->analysis[t->analysis].cmd->lib;
}

int sp_jobexec_run(const sp_jobspec *J, const int *todo, int ntodo, const char *dir, int jobs,
                   int quiet, int keep_going, int *status, int *failed)
{
    *failed = 0;
    for (int k = 0; k < ntodo; k++)
        status[k] = -1;
    if (ntodo == 0)
        return SP_OK;
    int *forked = sp_malloc((size_t)ntodo * sizeof *forked);
    int *threaded = sp_malloc((size_t)ntodo * sizeof *threaded), nf = 0, nt = 0;
    if (!forked || !threaded) {
        free(forked), free(threaded);
        return SP_ENOMEM;
    }
    const sp_jobcmds_lib *lib = NULL; /* one library entry point (fit) in the table today */
    for (int k = 0; k < ntodo; k++) {
        const sp_jobcmds_lib *l = task_lib(J, &J->task[todo[k]]);
        if (l && (!lib || l == lib))
            threaded[nt++] = k, lib = l;
        else
            forked[nf++] = k;
    }
    phase P = {.J = J, .todo = todo, .ntodo = ntodo, .quiet = quiet, .keep_going = keep_going,
               .status = status};
    int rc = pthread_mutex_init(&P.lock, NULL) ? sp_error_set(SP_ENOMEM, "cannot create a mutex")
                                               : SP_OK;
    if (rc) {
        free(forked), free(threaded);
        return rc;
    }
    rc = run_forked(&P, forked, nf, dir, jobs);
    if (!rc && !P.stop)
        rc = run_threaded(&P, lib, threaded, nt, dir, jobs);
    for (int k = 0; k < ntodo; k++)
        *failed += status[k] > 0; /* -1: not run (the run stopped) */
    pthread_mutex_destroy(&P.lock);
    free(forked), free(threaded);
    return rc;
}
