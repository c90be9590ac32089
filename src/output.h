/*
 * output.h - writing a finished file so that the target path never holds
 * a partial one: a temporary file in the target's folder, flushed to disk,
 * renamed over the target.
 */
#ifndef GK_OUTPUT_H
#define GK_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Writes data to path ("-" = standard output).  On failure nothing is
 * left behind and the error names the path. */
bool output_write_atomic(const char *path, const void *data, size_t size,
                         diag_sink *diag);

#endif
