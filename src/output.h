/*
 * output.h - writing a finished file so that the target path never holds
 * a partial one: a temporary file in the target's folder
 * (.NAME.gkreport-XXXXXX), flushed to disk, renamed over the target.
 * Leftovers of writers killed by SIGKILL are removed by the next write
 * to the same target (see output.c).
 */
#ifndef GK_OUTPUT_H
#define GK_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Writes data to path ("-" = standard output; a FIFO or character
 * device is written directly; a symbolic link is followed).  On failure
 * nothing is left behind and the error names the path. */
bool output_write_atomic(const char *path, const void *data, size_t size,
                         diag_sink *diag);

#endif
