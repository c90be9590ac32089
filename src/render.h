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

struct report;

/* Called once per document with its report (NULL when it did not load),
 * the exit status and its diagnostics so far, before the report's memory
 * is freed: a batch takes what its summary and overview need. */
typedef void render_inspect_fn(void *context, const struct report *r,
                               int status, const diag_sink *diag);

typedef struct render_options {
	const char *data_dir;        /* holds layouts/ and fonts/ */
	const char *output;          /* NULL = do not write (check) */
	const char *previous;        /* last year's description, NULL = none */
	bool strict;                 /* warnings fail too: exit 1, no PDF */
	bool draft;                  /* write even so, every page marked 草稿 */
	bool archive;                /* PDF/A-1b (--archive) */
	bool attach_source;          /* PDF/A-3b with the description and layout
	                                embedded (--attach-source; implies archive) */
	render_inspect_fn *inspect;  /* NULL = none */
	void *inspect_context;
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

/* What documents rendered one after another on one thread share: the
 * layouts (a cache that other threads may share too), the fonts,
 * resolved once per set of roles and reused, since fontconfig and
 * FreeType setup cost more than typesetting a report, and the PDF
 * writer's HarfBuzz faces (pdf_font_cache).  A session belongs to one
 * thread. */
struct layout_cache;
typedef struct render_session render_session;

/* A session over data_dir (copied); layouts NULL loads each report's
 * layout into the report's own memory. */
render_session *render_session_create(const char *data_dir,
                                      struct layout_cache *layouts);
void render_session_free(render_session *s);

/* render_report within a session (opt->data_dir is the session's). */
int render_session_file(render_session *s, const char *input,
                        const render_options *opt, diag_sink *diag);

/* The same for a description held in memory; name is its display name
 * and, by its base name, the name it is embedded under. */
int render_session_buffer(render_session *s, const char *name,
                          const void *data, size_t size,
                          const render_options *opt, diag_sink *diag);

/* The default output path for input: its name with .pdf in place of
 * .yaml/.yml/.json (malloc'd). */
char *render_default_output(const char *input);

/* DATA_DIR: $GK_DATA_DIR, else the compiled-in one. */
const char *render_data_dir(void);

#endif
