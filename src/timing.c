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

/* The process's peak resident set so far (VmHWM), in KB; 0 if unknown. */
static long
peak_rss_kb(void)
{
	char line[128];
	long kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

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
	fprintf(stderr, "gkreport: timing: %-14s %7.2f ms  (peak RSS %ld KB)\n",
	        stage, now - previous_ms, peak_rss_kb());
	previous_ms = now;
}
