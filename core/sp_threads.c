/* Worker threads (see sp_threads.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "sp_error.h"
#include "sp_threads.h"

typedef struct run_arg {
    int (*work)(void *);
    void *ctx;
    int status;
} run_arg;

static void *run_thread(void *arg)
{
    run_arg *a = arg;
    a->status = a->work(a->ctx);
    return NULL;
}

int sp_threads_run(int threads, int (*work)(void *ctx), void *ctx)
{
    if (threads < 1)
        threads = 1;
    /* plain malloc: without memory for the threads the caller's thread does
     * all the work (the same results), so a failure is not an error */
    pthread_t *tid = threads > 1 ? malloc((size_t)threads * sizeof *tid) : NULL;
    run_arg *args = threads > 1 ? malloc((size_t)threads * sizeof *args) : NULL;
    int started = 0;
    if (tid && args)
        for (int t = 1; t < threads; t++) {
            args[t] = (run_arg){work, ctx, SP_OK};
            if (pthread_create(&tid[t], NULL, run_thread, &args[t]) != 0)
                break; /* fewer threads: same results, only slower */
            started = t;
        }
    int rc = work(ctx);
    for (int t = 1; t <= started; t++) {
        pthread_join(tid[t], NULL);
        if (!rc)
            rc = args[t].status;
    }
    free(tid);
    free(args);
    if (rc == SP_ENOMEM)
        return sp_error_set(SP_ENOMEM, "out of memory in a worker thread");
    return rc;
}

struct sp_threads_task {
    int (*work)(void *);
    void *ctx;
    int status, started;
    atomic_int done;
    pthread_t tid;
};

static void *task_thread(void *arg)
{
    sp_threads_task *t = arg;
    t->status = t->work(t->ctx);
    atomic_store(&t->done, 1);
    return NULL;
}

int sp_threads_start(int (*work)(void *ctx), void *ctx, sp_threads_task **out)
{
    sp_threads_task *t = *out = sp_calloc(1, sizeof *t);
    if (!t)
        return SP_ENOMEM;
    t->work = work, t->ctx = ctx;
    atomic_init(&t->done, 0);
    t->started = pthread_create(&t->tid, NULL, task_thread, t) == 0;
    if (!t->started) /* no thread: the work now, on this one */
        task_thread(t);
    return SP_OK;
}

int sp_threads_done(const sp_threads_task *task)
{
    return atomic_load(&task->done);
}

int sp_threads_join(sp_threads_task *task)
{
    if (task->started)
        pthread_join(task->tid, NULL);
    int rc = task->status;
    free(task);
    return rc;
}

/* sym in the process: the global scope, or one of the libraries a plugin
 * loaded privately (RTLD_LOCAL: CHOLMOD, its BLAS and OpenMP runtime come
 * with the sparse plugin); NULL when none has it. */
static void *find_symbol(const char *sym)
{
    static const char *const libs[] = {"libblas.so.3", "libopenblas.so.0", "libgomp.so.1"};
    void *f = dlsym(RTLD_DEFAULT, sym);
    for (size_t k = 0; !f && k < sizeof libs / sizeof *libs; k++) {
        void *h = dlopen(libs[k], RTLD_LAZY | RTLD_NOLOAD); /* only if already loaded */
        f = h ? dlsym(h, sym) : NULL;
        if (h)
            dlclose(h);
    }
    return f;
}

/* OpenMP regions (CHOLMOD's, with a fixed num_threads clause) of the calling
 * thread to dynamic adjustment unless OMP_DYNAMIC is set. */
static void calm_openmp(void)
{
    void (*dynamic)(int) = (void (*)(int))find_symbol("omp_set_dynamic");
    if (dynamic && !getenv("OMP_DYNAMIC"))
        dynamic(1);
}

/* The libraries' own threads, looked up at run time (none is linked
 * directly): OpenBLAS to one thread unless OPENBLAS_NUM_THREADS or
 * OMP_NUM_THREADS says otherwise; OpenMP as calm_openmp. */
static void calm_once(void)
{
    void (*blas)(int) = (void (*)(int))find_symbol("openblas_set_num_threads");
    if (blas && !getenv("OPENBLAS_NUM_THREADS") && !getenv("OMP_NUM_THREADS"))
        blas(1);
    calm_openmp();
}

void sp_threads_libraries_env(void)
{
    if (!getenv("OPENBLAS_NUM_THREADS") && !getenv("OMP_NUM_THREADS"))
        setenv("OPENBLAS_NUM_THREADS", "1", 0);
}

/* Once per process; a thread calling it while another does waits for it, so
 * no worker's BLAS call runs before the BLAS is down to one thread. */
void sp_threads_libraries_calm(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, calm_once);
}

void sp_threads_libraries_calm_thread(void)
{
    sp_threads_libraries_calm();
    calm_openmp();
}
