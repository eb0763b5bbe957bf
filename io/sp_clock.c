/* sp_clock: the one monotonic clock, for --timing (see sp_clock.h). */
#include <time.h>

#include "sp_clock.h"

double sp_clock_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
