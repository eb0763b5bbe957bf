/* sp_threads: run one work function on several threads.
 *
 * Results must not depend on the number of threads: workers share out
 * fixed tasks (an atomic counter in ctx) and write to per-task slots that
 * the caller combines in task order.
 *
 * Errors follow sp_error.h. */
#ifndef SP_THREADS_H
#define SP_THREADS_H

/* Run work(ctx) on `threads` threads, the calling thread being one of them,
 * and wait for all (fewer threads when some cannot be started).  Returns the
 * first non-zero status a worker returned (SP_ENOMEM from a worker is
 * recorded here, in the calling thread). */
int sp_threads_run(int threads, int (*work)(void *ctx), void *ctx);

/* One piece of work on a thread of its own, next to the caller's (an
 * analysis that does not depend on what the caller computes meanwhile):
 * sp_threads_start runs work(ctx) on a new thread and returns its handle in
 * *out, or runs it on the calling thread and returns a finished handle when
 * no thread can be started (the same result, later); NULL with SP_ENOMEM when
 * not even the handle can be allocated.  sp_threads_done says (without
 * waiting) whether work has returned; sp_threads_join waits for it, frees
 * the handle and returns work's status (a message work recorded stays in its
 * thread: the caller names the failure).  Every started task must be joined. */
typedef struct sp_threads_task sp_threads_task;
int sp_threads_start(int (*work)(void *ctx), void *ctx, sp_threads_task **out);
int sp_threads_done(const sp_threads_task *task);
int sp_threads_join(sp_threads_task *task);

/* Keeps the numerical libraries' own threads from fighting over shared
 * cores: OpenBLAS single-threaded (its threads spin while they wait: on a
 * busy machine they cost more than they bring, and a sparse factorisation
 * spends little of its time in BLAS) unless OPENBLAS_NUM_THREADS or
 * OMP_NUM_THREADS is set, and OpenMP regions (CHOLMOD's ask for a fixed
 * number of threads) sized to the idle cores (omp_set_dynamic) unless
 * OMP_DYNAMIC is set.  Neither changes a result: the factorisation does the
 * same arithmetic in the same order.  Idempotent and thread-safe (the first
 * call does it, concurrent ones wait for it); the libraries must be loaded
 * (the sparse plugin calls it). */
void sp_threads_libraries_calm(void);

/* sp_threads_libraries_calm, and OpenMP's dynamic adjustment for the calling
 * thread as well (a setting each thread starts without): a thread of one's
 * own that calls into CHOLMOD calls it first. */
void sp_threads_libraries_calm_thread(void);

/* The same policy for OpenBLAS before it is loaded: sets OPENBLAS_NUM_THREADS
 * to 1 in the environment unless it or OMP_NUM_THREADS is set.  OpenBLAS
 * starts its thread pool when it is loaded (the sparse plugin's dlopen), and
 * those threads spin for a while even when openblas_set_num_threads(1) later
 * gives them nothing to do (40 ms of CPU in a 60 ms fit).  Call it once at
 * program start, before any thread exists (setenv is not thread-safe). */
void sp_threads_libraries_env(void);

#endif
