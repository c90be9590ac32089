/*
 * timing.c - stage timings on stderr when GKREPORT_TIMINGS is set.
 */
#include "timing.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* -1 until the environment has been read; then 0 or 1.  Read once per
 * thread, which is harmless: the environment does not change. */
static _Thread_local int enabled = -1;
static _Thread_local double previous_ms;

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

void
timing_mark(const char *stage)
{
	double now;

	if (enabled < 0) {
		enabled = getenv("GKREPORT_TIMINGS") != NULL;
		previous_ms = now_ms();
	}
	if (!enabled)
		return;
	now = now_ms();
	fprintf(stderr, "gkreport: timing: %-14s %7.2f ms\n", stage,
	        now - previous_ms);
	previous_ms = now;
}
