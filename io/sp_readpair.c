/* sp_readpair: a table and its weights read at once; see sp_readpair.h. */
#include <stdio.h>
#include <stdlib.h>

#include "sp_error.h"
#include "sp_readopt.h"
#include "sp_readpair.h"
#include "sp_threads.h"
#include "sp_wio.h"

/* The second read, its reader state and what it left behind. */
typedef struct pair_task {
    sp_readpair_fn fn;
    void *ctx;
    sp_readopt_hold hold; /* the starting thread's options; the warnings held */
    char msg[2048];       /* sp_error_msg of a failure, copied off its thread */
} pair_task;

/* The second read on its own thread (or this one): the options of the
 * thread that started it, the warnings held, the message kept. */
static int pair_work(void *ctx)
{
    pair_task *t = ctx;
    sp_readopt_hold_enter(&t->hold);
    int rc = t->fn(t->ctx);
    if (rc)
        snprintf(t->msg, sizeof t->msg, "%s", sp_error_msg());
    sp_readopt_hold_leave(&t->hold);
    return rc;
}

int sp_readpair_run(int threads, sp_readpair_fn first, void *a, sp_readpair_fn second, void *b,
                    void (*discard)(void *b))
{
    if (threads <= 1) {
        int rc = first(a);
        return rc ? rc : second(b);
    }
    pair_task *t = calloc(1, sizeof *t);
    sp_threads_task *task = NULL;
    if (t) {
        t->fn = second, t->ctx = b;
        sp_readopt_hold_init(&t->hold);
    }
    if (!t || sp_threads_start(pair_work, t, &task)) { /* no thread: one after the other */
        free(t);
        sp_error_clear();
        int rc = first(a);
        return rc ? rc : second(b);
    }
    int rc;
    int rc1 = first(a);
    char msg1[sizeof t->msg] = "";
    if (rc1)
        snprintf(msg1, sizeof msg1, "%s", sp_error_msg());
    int rc2 = sp_threads_join(task);
    if (rc1) {
        if (discard)
            discard(b);
        rc = sp_error_set(rc1, "%s", msg1);
    } else {
        sp_readopt_hold_replay(&t->hold);
        rc = rc2 ? sp_error_set(rc2, "%s", t->msg) : SP_OK;
    }
    sp_readopt_hold_free(&t->hold);
    free(t);
    return rc;
}

int sp_readpair_threads(const char *wpath, int threads)
{
    sp_wformat fmt = sp_wio_format(wpath);
    return fmt == SP_WF_UNKNOWN || fmt == SP_WF_SHEET ? 1 : threads;
}
