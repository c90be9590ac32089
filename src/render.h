/*
 * render.h - the whole pipeline for one description: load, check, lay out,
 * write the PDF.  The commands (and later the batch) call this.
 */
#ifndef GK_RENDER_H
#define GK_RENDER_H

#include <stdbool.h>

#include "diag.h"

/* Exit statuses, as gkreport(1) documents them. */
enum {
	EXIT_OK = 0,
	EXIT_FAILURE_OTHER = 1,      /* fonts, I/O, the PDF writer */
	EXIT_BAD_INPUT = 2           /* the description or its layout */
};

typedef struct render_options {
	const char *data_dir;        /* holds layouts/ and fonts/ */
	const char *output;          /* NULL = do not write (check) */
} render_options;

/* Renders input; returns an exit status. */
int render_report(const char *input, const render_options *opt,
                  diag_sink *diag);

/* The default output path for input: its name with .pdf in place of
 * .yaml/.yml/.json (malloc'd). */
char *render_default_output(const char *input);

/* DATA_DIR: $GK_DATA_DIR, else the compiled-in one. */
const char *render_data_dir(void);

#endif
