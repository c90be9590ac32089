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

#include "arena.h"
#include "diag.h"

/* A loader run whose diagnostics are captured in memory, so tests can
 * compare them verbatim; a is the run's arena. */
typedef struct diag_capture {
	arena *a;
	diag_sink diag;
	FILE *stream;
	char *text;
	size_t size;
} diag_capture;

static inline void
diag_capture_begin(diag_capture *c)
{
	c->a = arena_create();
	c->text = NULL;
	c->size = 0;
	c->stream = open_memstream(&c->text, &c->size);
	assert_non_null(c->stream);
	diag_init(&c->diag, c->stream);
}

/* Everything printed so far ("" when nothing). */
static inline const char *
diag_capture_text(diag_capture *c)
{
	fflush(c->stream);
	return c->text != NULL ? c->text : "";
}

/* Frees what the run used. */
static inline void
diag_capture_end(diag_capture *c)
{
	fclose(c->stream);
	free(c->text);
	arena_destroy(c->a);
}

/* The checkout (layouts/, fonts/, samples/), from GK_DATA_DIR or the build. */
static inline const char *
test_data_dir(void)
{
	const char *dir = getenv("GK_DATA_DIR");

	return dir != NULL && *dir != '\0' ? dir : GK_DATA_DIR;
}

/* The resident size (smaps "Rss") of the first read-only mapping of a
 * file whose path contains path, in KB; -1 when the file is not mapped. */
static inline long
mapped_rss_kb(const char *path)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in_mapping = 0;
	long kb = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, '/') != NULL && strstr(line, " r--p ") != NULL)
			in_mapping = strstr(line, path) != NULL;
		if (in_mapping && sscanf(line, "Rss: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

#endif
