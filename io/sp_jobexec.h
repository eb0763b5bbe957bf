/* sp_jobexec: run the command lines of a job's tasks, N at a time.
 *
 * Tasks of a command with a library entry point (sp_jobcmds_lib: fit) run
 * in `jobs` threads of this process, each thread taking the next task not
 * taken, inside the output folder `dir` (the process enters it while they
 * run), the command writing its output to STEM.json and its messages to
 * STEM.log and sharing the data it loads with the other tasks.  The other
 * tasks are dealt to `jobs` forked workers in a fixed assignment (task k to
 * worker k mod jobs); each worker runs its tasks in order inside `dir`,
 * calling the subcommand in-process with its standard output in STEM.json
 * and its standard error in STEM.log.  The workers run first, then the
 * threads (no fork while threads run).  Either way STEM.status gets the exit
 * status.  A figure task (-o figures/NAME.png) runs a second time with -o
 * figures/NAME.svg.  Every task's files depend on the task alone, so the
 * outputs do not depend on `jobs`.  Progress goes to stderr unless quiet.
 * Without keep_going the first failure stops the others.
 *
 * status[k] receives the exit code of task todo[k] (0 success; -1 when it
 * did not run).  Returns SP_OK when the workers could be run at all (even if
 * tasks failed); *failed counts the tasks that failed or did not run. */
#ifndef SP_JOBEXEC_H
#define SP_JOBEXEC_H

#include "sp_jobspec.h"

int sp_jobexec_run(const sp_jobspec *J, const int *todo, int ntodo, const char *dir, int jobs,
                   int quiet, int keep_going, int *status, int *failed);

/* mkdir -p of the folders of path (not path itself). */
int sp_jobexec_mkdirs(const char *path);

#endif
