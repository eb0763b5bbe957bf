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

/* Keeps the numerical libraries' own threads from fighting over shared
 * cores: OpenBLAS single-threaded (its threads spin while they wait: on a
 * busy machine they cost more than they bring, and a sparse factorisation
 * spends little of its time in BLAS) unless OPENBLAS_NUM_THREADS or
 * OMP_NUM_THREADS is set, and OpenMP regions (CHOLMOD's ask for a fixed
 * number of threads) sized to the idle cores (omp_set_dynamic) unless
 * OMP_DYNAMIC is set.  Neither changes a result: the factorisation does the
 * same arithmetic in the same order.  Idempotent; not thread-safe (call it
 * before starting threads). */
void sp_threads_libraries_calm(void);

#endif
