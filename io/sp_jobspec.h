/* sp_jobspec: YAML job files for `spill run JOB.yaml` (docs/jobs.md), read with
 * libyaml, validated whole before any work, and expanded into tasks: one spill
 * command line per weights matrix to build, per analysis and per specification
 * of a grid.
 *
 *   job: NAME            seed: 12345          title: TEXT
 *   inputs:   boundaries: FILE   id: COLUMN
 *             tables: {NAME: {file: FILE, id: COLUMN, time: COLUMN,
 *                              encoding, sheet, skip-rows, wide}, ...}
 *   weights:  {NAME: {file: FILE} | {file: "w_{}.gal"} | {type: queen, ...}, ...}
 *   variables: {NAME: [COLUMN, ...], ...}
 *   subsamples: {NAME: {where: "COLUMN == VALUE"} | {where: "COLUMN in [A, B]"}
 *                      | {ids: [ID, ...]}, ...}
 *   analyses: [{name: NAME, command: CMD, data: TABLE, w: W, subsample: S,
 *               KEY: VALUE ..., grid: {KEY: [VALUE, ...], ...}}, ...]
 *
 * An analysis' KEYs are its command's long options (sp_jobcmds_type: from the
 * command's option table, less the job's own); a YAML list is "a,b" for the
 * comma-list options.  A table's reader options go to every command reading it.
 *
 * Files are relative to the job file's folder and passed to commands as
 * absolute paths; commands run inside the output folder, so their outputs
 * are named relative to it (weights/NAME.gal, layers/NAME.gpkg).
 *
 * Errors: SP_EUSAGE (exit 1) for every mistake in the job file, SP_EDATA for
 * a file that is missing or unreadable, each message "JOB:LINE: ...".
 * Ownership: sp_jobspec_read returns a new sp_jobspec freed with
 * sp_jobspec_free; tasks point into nothing else. */
#ifndef SP_JOBSPEC_H
#define SP_JOBSPEC_H

#include "sp_jobcmds.h"

typedef struct sp_jobspec_task {
    int analysis;      /* index into the analyses, -1 for a weights build */
    int spec;          /* specification of a grid (0-based), -1 when no grid */
    int every_shard;   /* weights builds run in every shard */
    char *id;          /* canonical: "NAME" or "NAME[key=value,...]" */
    char *stem;        /* output stem inside the folder: raw/NAME, raw/NAME/0001 */
    int naxes;         /* grid values of this specification, in axis order */
    char **axis_value;
    int argc;
    char **argv;       /* argv[0] the subcommand, --json included; NULL-terminated */
    int nin;
    char **inputs;     /* absolute paths of the input files the command reads */
} sp_jobspec_task;

typedef struct sp_jobspec_analysis {
    char *name, *command;
    const sp_jobcmds_entry *cmd;  /* NULL for the weights builds */
    int naxes;
    char **axis;       /* grid keys in order */
    int nspec;         /* 1 without a grid */
    int line;
} sp_jobspec_analysis;

typedef struct sp_jobspec {
    char *path;        /* the job file as given */
    char *name;        /* job: or the file's stem */
    char *title;
    int seed;
    int nanalysis;
    sp_jobspec_analysis *analysis;
    int ntask;
    sp_jobspec_task *task;
    struct sp_jobspec_priv *priv;
} sp_jobspec;

/* Read, validate and expand path.  Nothing is run or written. */
int sp_jobspec_read(const char *path, sp_jobspec **out);
void sp_jobspec_free(sp_jobspec *job);

/* 1 when path names a YAML job (.yaml or .yml). */
int sp_jobspec_is_yaml(const char *path);

/* The shard (0-based) of a task among n: FNV-1a 64 of its id, mod n, so a
 * task's shard depends on the task and n only. */
int sp_jobspec_shard(const sp_jobspec_task *t, int n);

#endif
