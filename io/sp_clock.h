/* sp_clock: the one monotonic clock, for --timing. */
#ifndef SP_CLOCK_H
#define SP_CLOCK_H

/* Seconds on a monotonic clock (CLOCK_MONOTONIC): differences are elapsed time. */
double sp_clock_seconds(void);

#endif
