/* sp_jobreport: the outputs of a YAML job made from its tasks' raw files:
 * tables/ (CSV, Markdown, LaTeX, .xlsx per table), results.jsonl and one
 * combined table per grid, report.md, a self-contained report.html (tables
 * inline, figures as base64 images, no network) and manifest.json (every
 * output with its SHA-256, each task's exact command and its inputs with
 * their SHA-256, the spill version and the seed).
 *
 * Everything but the manifest's "run" member (start time, seconds,
 * invocation) depends on the raw files alone, so a merge of shards gives the
 * bytes of an unsharded run.
 *
 * Errors: SP_EDATA when a file cannot be read or written; SP_ENOMEM. */
#ifndef SP_JOBREPORT_H
#define SP_JOBREPORT_H

#include "sp_jobspec.h"

/* Build every output inside dir from dir/raw/ (each task's STEM.json,
 * STEM.log and STEM.status, written by sp_jobexec).  argc, argv: the spill
 * command line that produced the run, and seconds its duration, for the
 * manifest's "run" member. */
int sp_jobreport_write(const sp_jobspec *J, const char *dir, int argc, char **argv,
                       double seconds);

/* The exit status of task t recorded in dir (-1 when it did not run). */
int sp_jobreport_status(const char *dir, const sp_jobspec_task *t);

#endif
