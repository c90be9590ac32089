/*
 * batch.h - many descriptions rendered at once (gkreport batch): worker
 * threads sharing the parsed layouts, each with fonts of its own; one
 * bad description never stops the others; a summary at the end and,
 * with an overview path, the district overview of every office.
 */
#ifndef GK_BATCH_H
#define GK_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef struct batch_options {
	const char *data_dir;        /* DATA_DIR (layouts/, fonts/) */
	const char *const *inputs;   /* descriptions and folders of them */
	size_t input_count;
	const char *files_from;      /* a file listing more inputs, "-" = stdin */
	const char *out_dir;         /* where PDFs go; NULL = "." */
	const char *name_pattern;    /* NULL = "{name}" (batch_names.h) */
	const char *summary_path;    /* NULL, or FILE.json / FILE.csv */
	const char *overview_path;   /* NULL, or the overview PDF */
	const char *overview_agency; /* who issues the overview; NULL = 各单位 */
	int jobs;                    /* worker threads; 0 = one per core */
	bool strict;                 /* warnings fail a document too */
	bool archive;                /* PDF/A-1b */
	bool force;                  /* render even what is up to date */
	bool progress;               /* a progress line (only on a terminal) */
} batch_options;

/* Renders every input into out_dir, each PDF written whole or not at
 * all; an output newer than its description is kept as it is (unless
 * force).  Prints each document's diagnostics whole, then a summary on
 * standard output.  Returns 0 when everything rendered, 1 when some
 * description was refused only for warnings (strict), 2 when any failed
 * (or the overview did). */
int batch_run(const batch_options *opt, diag_sink *diag);

#endif
