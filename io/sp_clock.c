/* sp_clock: the one monotonic clock, for --timing (see sp_clock.h). */
#include <stdio.h>
#include <time.h>

#include "sp_clock.h"

double sp_clock_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One line, the phases in the order given; negative phases left out. */
void sp_clock_phases(const char *cmd, const char *const *names, const double *secs, int n)
{
    const char *sep = "";
    fprintf(stderr, "spill %s: timing:", cmd);
    for (int k = 0; k < n; k++)
        if (secs[k] >= 0.0) {
            fprintf(stderr, "%s %s %.4f s", sep, names[k], secs[k]);
            sep = ",";
        }
    fputc('\n', stderr);
}

void sp_clock_report(const char *cmd, double read, double stats, double write)
{
    static const char *const names[3] = {"read", "statistics", "write"};
    const double secs[3] = {read, stats, write};
    sp_clock_phases(cmd, names, secs, 3);
}
