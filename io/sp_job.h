/* sp_job: job files for `spill run`: one spill command per line, so a batch
 * of specifications runs in one process.
 *
 *   # a comment; blank lines are skipped
 *   fit panel.csv --w w_queen.gal --panel id,year --y y --x x1,x2 --json
 *   fit panel.csv --w "w econ.gwt" --panel id,year --y y --x x1,x2 --fe unit
 *
 * Words are split as a POSIX shell would for the plain cases: blanks separate
 * words; '...' quotes literally; "..." quotes with \" and \\ escapes; a
 * backslash outside quotes escapes the next character; a trailing backslash
 * continues the line.  No variables, globs or redirections.  A leading
 * "spill" word is optional.
 *
 * Ownership: sp_job_parse returns a new sp_jobs freed with sp_jobs_free.
 * Errors (an unterminated quote, a NUL byte, an over-long line) are SP_EDATA
 * naming the source and the line. */
#ifndef SP_JOB_H
#define SP_JOB_H

#include <stddef.h>

typedef struct sp_job {
    int line;    /* 1-based line where the command starts */
    int argc;
    char **argv; /* argv[0] is the subcommand; NULL-terminated */
} sp_job;

typedef struct sp_jobs {
    int count;
    sp_job *job;
} sp_jobs;

int sp_job_parse(const char *text, size_t size, const char *source, sp_jobs **out);
void sp_job_free(sp_jobs *jobs);

#endif
