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
 * renames in it durable.  Commits still handed over when the last one
 * ends are waited for first, their failures unreported: call
 * output_folder_finish_commits before. */
void output_folder_end(const char *dir);

/* For a batch whose writers should not wait for the disk: from now until
 * output_folder_finish_commits(dir), a write of a file in the prepared
 * folder dir returns as soon as its bytes are in its temporary file
 * (still locked, so no cleanup takes it), and one of threads threads of
 * the folder's flushes that file to disk and renames it over the target.
 * At most max_pending files wait for them; a writer beyond waits for
 * room.  A killed process leaves the waiting ones as leftovers for the
 * next output_folder_begin, never a partial target.  False, the writes
 * then staying synchronous, when dir is not prepared, already hands its
 * commits over, or no thread can start. */
bool output_folder_defer_commits(const char *dir, size_t threads,
                                 size_t max_pending);

/* Called once for each write whose deferred commit failed: path as its
 * writer named it, error the errno of the flush or rename. */
typedef void output_commit_failed_fn(void *context, const char *path,
                                     int error);

/* Waits until every write handed over in dir is committed (or failed and
 * its temporary file removed) and stops the folder's threads; then calls
 * failed for each failure, on this thread, in no particular order.  Every write into dir must
 * have returned before.  Nothing happens when dir defers no commits. */
void output_folder_finish_commits(const char *dir,
                                  output_commit_failed_fn *failed,
                                  void *context);

/* The diagnostic of a write of path that failed with error: the same
 * for every way of writing, deferred or not. */
void output_report_failure(diag_sink *diag, const char *path, int error);

/* Writes all of data to fd, retrying short writes and interruptions;
 * false with errno set when the system refuses more (full disk, EFBIG). */
bool output_write_all(int fd, const void *data, size_t size);

#endif
