/*
 * render.c - one description through every stage.
 */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
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

static bool
write_pdf(arena *a, const report *r, const pages *doc, const char *output,
          diag_sink *diag)
{
	pdf_metadata meta = { 0 };
	unsigned char *bytes = NULL;
	size_t size = 0;
	bool ok;

	meta.title = r->title;
	meta.author = r->agency;
	meta.subject = r->title;
	meta.keywords = arena_printf(a, "%d年, 政府信息公开年度报告", r->year);
	meta.creator = "gkreport " GK_VERSION;
	if (!pdf_write(doc, &meta, &bytes, &size, diag))
		return false;
	ok = output_write_atomic(output, bytes, size, diag);
	free(bytes);
	return ok;
}

int
render_report(const char *input, const render_options *opt, diag_sink *diag)
{
	arena *a = arena_create();
	font_set *fonts = NULL;
	const report *r;
	const pages *doc;
	int status = EXIT_OK;

	r = report_load_file(a, input, opt->data_dir, diag);
	if (r == NULL) {
		status = EXIT_BAD_INPUT;
		goto done;
	}
	fonts = resolve_fonts(a, r->layout, opt->data_dir, diag);
	if (fonts == NULL) {
		status = EXIT_FAILURE_OTHER;
		goto done;
	}
	doc = typeset_report(a, r, fonts, diag);
	if (doc == NULL) {
		status = EXIT_BAD_INPUT;
		goto done;
	}
	if (opt->output != NULL && !write_pdf(a, r, doc, opt->output, diag))
		status = EXIT_FAILURE_OTHER;
done:
	font_set_free(fonts);
	arena_destroy(a);
	return status;
}
