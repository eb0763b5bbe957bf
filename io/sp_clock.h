/* sp_clock: the one monotonic clock, and the --timing line every command prints. */
#ifndef SP_CLOCK_H
#define SP_CLOCK_H

/* Seconds on a monotonic clock (CLOCK_MONOTONIC): differences are elapsed time. */
double sp_clock_seconds(void);

/* The --timing line on stderr: "spill CMD: timing: NAME S s, NAME S s, ..."
 * for n phases (4 decimals); a phase with a negative time is left out. */
void sp_clock_phases(const char *cmd, const char *const *names, const double *secs, int n);

/* The usual three phases: "spill CMD: timing: read R s, statistics S s,
 * write W s"; a negative phase is left out (a command that writes nothing). */
void sp_clock_report(const char *cmd, double read, double stats, double write);

#endif
