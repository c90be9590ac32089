/*
 * testing.h - common includes for the cmocka unit tests.
 */
#ifndef GK_TESTING_H
#define GK_TESTING_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The checkout (layouts/, fonts/, samples/), from GK_DATA_DIR or the build. */
static inline const char *
test_data_dir(void)
{
	const char *dir = getenv("GK_DATA_DIR");

	return dir != NULL && *dir != '\0' ? dir : GK_DATA_DIR;
}

#endif
