/*
 * render.c - one description through every stage.
 */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check.h"
#include "fonts.h"
#include "output.h"
#include "pdf_writer.h"
#include "report.h"
#include "typeset.h"

const char *
render_data_dir(void)
{
	const char *dir = getenv("GK_DATA_DIR");

	return dir != NULL && *dir != '\0' ? dir : GK_DATA_DIR;
}

char *
render_default_output(const char *input)
{
	static const char *const exts[] = { ".yaml", ".yml", ".json" };
	size_t len = strlen(input);
	char *out = malloc(len + 5);

	if (out == NULL)
		return NULL;
	memcpy(out, input, len + 1);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t n = strlen(exts[i]);

		if (len > n && strcmp(input + len - n, exts[i]) == 0) {
			out[len - n] = '\0';
			break;
		}
	}
	strcat(out, ".pdf");
	return out;
}

/* The page mark and the words the metadata of a draft carries. */
#define DRAFT_MARK "草稿"
#define DRAFT_GRAY 0.6

/* The font set of the layout's roles, in role order, through fontconfig.
 * NULL after diagnostics. */
static font_set *
resolve_fonts(arena *a, const layout *l, const char *data_dir,
              diag_sink *diag)
{
	const char **names = arena_calloc(a, l->font_role_count + 1,
	                                  sizeof(*names));

	for (size_t i = 0; i < l->font_role_count; i++)
		names[i] = l->font_roles[i].name;
	return font_set_resolve(data_dir, names, l->font_role_count, diag);
}

/* Draws doc into a PDF and writes it atomically; a draft says so in its
 * title and keywords, so that it is not filed as the final report. */
static bool
write_pdf(arena *a, const report *r, const pages *doc,
          const render_options *opt, diag_sink *diag)
{
	pdf_metadata meta = { 0 };
	unsigned char *bytes = NULL;
	size_t size = 0;
	bool ok;

	meta.title = opt->draft ? arena_printf(a, "%s（%s）", r->title, DRAFT_MARK)
	    : r->title;
	meta.author = r->agency;
	meta.subject = r->title;
	meta.keywords = arena_printf(a, "%d年, 政府信息公开年度报告%s", r->year,
	                             opt->draft ? ", " DRAFT_MARK : "");
	meta.creator = "gkreport " GK_VERSION;
	if (!pdf_write(doc, &meta, &bytes, &size, diag))
		return false;
	ok = output_write_atomic(opt->output, bytes, size, diag);
	free(bytes);
	return ok;
}

/* The exit status the description's diagnostics call for: errors are
 * bad input, warnings fail only under --strict. */
static int
input_status(const diag_sink *diag, bool strict)
{
	if (diag->errors > 0)
		return EXIT_BAD_INPUT;
	if (strict && diag->warnings > 0)
		return EXIT_FAILURE_OTHER;
	return EXIT_OK;
}

/* Loads the description and, with --previous, last year's through the
 * same loader (its problems name its own file).  False after errors. */
static bool
load_reports(arena *a, const char *input, const render_options *opt,
             const report **r, const report **previous, diag_sink *diag)
{
	*r = report_load_file(a, input, opt->data_dir, diag);
	*previous = NULL;
	if (opt->previous != NULL)
		*previous = report_load_file(a, opt->previous, opt->data_dir,
		                             diag);
	return *r != NULL && (opt->previous == NULL || *previous != NULL);
}

/* Lays out a loaded and checked report and writes it when the checks
 * passed or a draft is wanted.  Returns the exit status. */
static int
lay_out_and_write(arena *a, const report *r, const render_options *opt,
                  diag_sink *diag)
{
	static const page_mark draft_mark = { DRAFT_MARK, DRAFT_GRAY };
	int had_errors = diag->errors > 0;
	font_set *fonts = resolve_fonts(a, r->layout, opt->data_dir, diag);
	const pages *doc;
	int status;

	if (fonts == NULL)
		return had_errors ? EXIT_BAD_INPUT : EXIT_FAILURE_OTHER;
	doc = typeset_report(a, r, fonts, opt->draft ? &draft_mark : NULL, diag);
	status = doc == NULL ? EXIT_BAD_INPUT : input_status(diag, opt->strict);
	if (doc != NULL && opt->output != NULL &&
	    (status == EXIT_OK || opt->draft) &&
	    !write_pdf(a, r, doc, opt, diag) && status == EXIT_OK)
		status = EXIT_FAILURE_OTHER;
	font_set_free(fonts);
	return status;
}

int
render_report(const char *input, const render_options *opt, diag_sink *diag)
{
	arena *a = arena_create();
	const report *r, *previous;
	int status = EXIT_BAD_INPUT;

	if (load_reports(a, input, opt, &r, &previous, diag)) {
		check_report(r, previous, diag);
		status = lay_out_and_write(a, r, opt, diag);
	}
	arena_destroy(a);
	return status;
}
