/* sp_readpair: two independent reads (a table and its weights matrix) run
 * at once, one on this thread and one on another, with the outcome of
 * running them one after the other.
 *
 * sp_readpair_run(threads, first, a, second, b, discard) is, to the
 * caller, `rc = first(a); if (!rc) rc = second(b);`: the same status, the
 * same message (sp_error_msg) and the same warnings in the same order (the
 * first's as they come, the second's held and printed after it; none of
 * the second's when the first fails, as then it never ran serially).  The
 * second runs on a thread of its own with this thread's reader options
 * (sp_readopt) when threads > 1, on this thread after the first otherwise
 * (--threads 1).  When the first fails, discard(b) frees what the second
 * made, if anything (the caller's results stay as a failed serial run
 * leaves them).  The two functions must not share state: each fills its
 * own outputs, and only one of them may use GDAL.
 *
 * Errors follow sp_error.h; SP_ENOMEM when the thread's handle cannot be
 * allocated (nothing was read). */
#ifndef SP_READPAIR_H
#define SP_READPAIR_H

typedef int (*sp_readpair_fn)(void *ctx);

int sp_readpair_run(int threads, sp_readpair_fn first, void *a, sp_readpair_fn second, void *b,
                    void (*discard)(void *b));

/* The threads for reading the weights file wpath next to a table: threads
 * (--threads), or 1 when GDAL reads wpath (a sheet; GDAL may be reading the
 * table) or wpath is not a weights file sp_wio knows. */
int sp_readpair_threads(const char *wpath, int threads);

#endif
