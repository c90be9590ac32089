/*
 * fuzz_common.h - what every libFuzzer target of gkreport shares: the
 * data directory and a standard input that can never block a run.
 */
#ifndef GK_FUZZ_COMMON_H
#define GK_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

/* DATA_DIR for loaders that look up layouts by name: $GK_DATA_DIR, else
 * the checkout the target was built in (GK_DATA_DIR from the Makefile). */
static inline const char *
fuzz_data_dir(void)
{
	const char *dir = getenv("GK_DATA_DIR");

	return dir != NULL && *dir != '\0' ? dir : GK_DATA_DIR;
}

/* A description may name "/dev/stdin" as its layout; reading the
 * terminal would stall the fuzzer, so standard input is emptied. */
static inline void
fuzz_quiet_stdin(void)
{
	if (freopen("/dev/null", "r", stdin) == NULL)
		abort();
}

#endif
