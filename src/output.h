/*
 * output.h - writing a finished file so that the target path never holds
 * a partial one: a temporary file in the target's folder
 * (.NAME.gkreport-XXXXXX), flushed to disk, renamed over the target.
 * Leftovers of writers killed by SIGKILL are removed by the next write
 * to the same target, or by output_folder_begin (see output.c).
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

/* For a caller about to write many files into the folder dir (a batch):
 * removes what killed writers left there, of any target, at once, and
 * until output_folder_end(dir) lets writes of files in dir skip their own
 * scan for leftovers and their flush of the folder after the rename (each
 * file is still flushed before it).  False when dir cannot be read or too
 * many folders are prepared: the writes then do both themselves. */
bool output_folder_begin(const char *dir);

/* Ends one output_folder_begin(dir) and flushes dir to disk, making the
 * renames in it durable. */
void output_folder_end(const char *dir);

#endif
