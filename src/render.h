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
	EXIT_FAILURE_OTHER = 1,      /* fonts, I/O, the PDF writer; warnings with --strict */
	EXIT_BAD_INPUT = 2           /* the description or its layout */
};

typedef struct render_options {
	const char *data_dir;        /* holds layouts/ and fonts/ */
	const char *output;          /* NULL = do not write (check) */
	const char *previous;        /* last year's description, NULL = none */
	bool strict;                 /* warnings fail too: exit 1, no PDF */
	bool draft;                  /* write even so, every page marked 草稿 */
	bool archive;                /* PDF/A-1b (--archive) */
	bool attach_source;          /* PDF/A-3b with the description and layout
	                                embedded (--attach-source; implies archive) */
} render_options;

/* Loads input (and opt->previous), checks it against its layout's rules,
 * lays it out and, when nothing failed (or opt->draft), writes the PDF.
 * Every PDF carries title, author, subject, keywords, creator, language
 * and an /ID from the inputs; its dates are the sign-off date at
 * 00:00:00+08:00, or $SOURCE_DATE_EPOCH (UTC) when set, never the clock.
 * Returns the exit status: 2 on any error in the input, 1 on warnings
 * with opt->strict or on a failure that is not the input's (a malformed
 * SOURCE_DATE_EPOCH among them), else 0. */
int render_report(const char *input, const render_options *opt,
                  diag_sink *diag);

/* The default output path for input: its name with .pdf in place of
 * .yaml/.yml/.json (malloc'd). */
char *render_default_output(const char *input);

/* DATA_DIR: $GK_DATA_DIR, else the compiled-in one. */
const char *render_data_dir(void);

#endif
