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

#endif
