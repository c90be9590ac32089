/*
 * init.h - a new description to fill in, generated from a layout: the
 * chapters in order, every table at 0, the rows a rule carries over from
 * last year filled from last year's description.
 */
#ifndef GK_INIT_H
#define GK_INIT_H

#include "diag.h"

typedef struct init_options {
	const char *data_dir;        /* holds layouts/ */
	const char *layout;          /* a layout name or path */
	const char *agency;
	int year;
	const char *previous;        /* last year's description, NULL = none */
	const char *output;          /* "-" = standard output */
} init_options;

/* Writes the description (atomically; never over an existing file).
 * Returns an exit status: 0, 1 when the output cannot be written, 2 when
 * the layout or last year's description is bad. */
int init_write(const init_options *opt, diag_sink *diag);

#endif
