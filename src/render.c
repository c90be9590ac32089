/*
 * render.c - one description through every stage.
 */
#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "check.h"
#include "fonts.h"
#include "layout_cache.h"
#include "output.h"
#include "pdf_writer.h"
#include "report.h"
#include "typeset.h"
#include "yaml_tree.h"
#include "timing.h"

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

/* China Standard Time, the offset of dates taken from a description. */
#define CST_OFFSET_MINUTES 480
/* The last second a PDF date can hold: 9999-12-31T23:59:59Z. */
#define LAST_PDF_SECOND 253402300799LL

/* One input file as read: its name in messages, the name it is embedded
 * under, and its bytes (kept for the /ID and for --attach-source). */
typedef struct source_file {
	const char *name;            /* the path as given, or "<stdin>" */
	const char *base;            /* base name; stdin: description.yaml */
	const unsigned char *data;
	size_t size;
} source_file;

/* A byte string growing in an arena: the /ID source being put together. */
typedef struct byte_buffer {
	arena *a;
	unsigned char *data;
	size_t size, capacity;
} byte_buffer;

/* One font set a session resolved: for which roles, and the
 * diagnostics resolving gave, repeated for every document using it. */
typedef struct session_fonts {
	char *roles;                 /* the role names, each ended by '\n' */
	font_set *fonts;
	char *notes;                 /* what resolving printed */
	diag_sink counts;            /* and how many of each severity */
} session_fonts;

struct render_session {
	char *data_dir;
	layout_cache *layouts;       /* NULL: each report loads its own */
	session_fonts *fonts;
	size_t font_count;
	pdf_write_options pdf;       /* the PDF writer's font cache, threads */
	bool one_report;             /* render_report's: nothing is reused */
};

/* A session for many reports keeps the PDF writer's HarfBuzz faces
 * (a face's tables are parsed once, not per report).  A session for one
 * report keeps none (a face holds megabytes of its font file) and lets
 * the writer subset its fonts on every CPU, which a batch keeps busy
 * with a report per session instead. */
static render_session *
create_session(const char *data_dir, layout_cache *layouts,
               bool one_report)
{
	render_session *s = checked_memory(calloc(1, sizeof(*s)));

	s->data_dir = checked_memory(strdup(data_dir));
	if (!one_report)
		s->pdf.font_cache = checked_memory(pdf_font_cache_create());
	s->layouts = layouts;
	s->pdf.parallel_fonts = one_report;
	s->one_report = one_report;
	return s;
}

render_session *
render_session_create(const char *data_dir, layout_cache *layouts)
{
	return create_session(data_dir, layouts, false);
}

/* Frees the session's font sets: the FreeType faces, their tables and
 * the font files' pages they keep mapped. */
static void
free_session_fonts(render_session *s)
{
	for (size_t i = 0; i < s->font_count; i++) {
		font_set_free(s->fonts[i].fonts);
		free(s->fonts[i].roles);
		free(s->fonts[i].notes);
	}
	free(s->fonts);
	s->fonts = NULL;
	s->font_count = 0;
}

void
render_session_free(render_session *s)
{
	if (s == NULL)
		return;
	free_session_fonts(s);
	pdf_font_cache_free(s->pdf.font_cache);
	free(s->data_dir);
	free(s);
}

/* The layout's role names, in role order, as one key string. */
static char *
role_key(arena *a, const layout *l)
{
	char *key = arena_strdup(a, "");

	for (size_t i = 0; i < l->font_role_count; i++)
		key = arena_printf(a, "%s%s\n", key, l->font_roles[i].name);
	return key;
}

/* Prints what resolving a set printed, and counts it, in diag. */
static void
replay_notes(const session_fonts *f, diag_sink *diag)
{
	if (f->notes != NULL && diag->stream != NULL)
		fputs(f->notes, diag->stream);
	diag->errors += f->counts.errors;
	diag->warnings += f->counts.warnings;
	diag->notes += f->counts.notes;
}

/* Resolves the layout's roles through fontconfig, capturing what that
 * prints so that every document using the set can repeat it; false
 * after printing it to diag (nothing is kept). */
static bool
resolve_into(arena *a, const layout *l, const char *data_dir,
             diag_sink *diag, session_fonts *out)
{
	const char **names = arena_calloc(a, l->font_role_count + 1,
	                                  sizeof(*names));
	size_t size = 0;
	FILE *capture = open_memstream(&out->notes, &size);

	for (size_t i = 0; i < l->font_role_count; i++)
		names[i] = l->font_roles[i].name;
	diag_init(&out->counts, capture);
	out->counts.format = diag->format;
	out->counts.quiet_notes = diag->quiet_notes;
	out->fonts = font_set_resolve(data_dir, names, l->font_role_count,
	                              capture != NULL ? &out->counts : diag);
	if (capture != NULL)
		fclose(capture);
	if (out->fonts != NULL)
		return true;
	replay_notes(out, diag);
	free(out->notes);
	return false;
}

/* The session's font set for the layout's roles, resolved on first use
 * and kept for every later document with the same roles (fonts belong
 * to one thread: FreeType faces are not shared).  NULL after
 * diagnostics. */
static const font_set *
session_fonts_for(render_session *s, arena *a, const layout *l,
                  diag_sink *diag)
{
	char *key = role_key(a, l);
	session_fonts f = { 0 };

	for (size_t i = 0; i < s->font_count; i++)
		if (strcmp(s->fonts[i].roles, key) == 0) {
			replay_notes(&s->fonts[i], diag);
			return s->fonts[i].fonts;
		}
	if (!resolve_into(a, l, s->data_dir, diag, &f))
		return NULL;
	s->fonts = checked_memory(realloc(s->fonts, (s->font_count + 1) *
	                                              sizeof(*s->fonts)));
	f.roles = checked_memory(strdup(key));
	s->fonts[s->font_count++] = f;
	replay_notes(&f, diag);
	return f.fonts;
}

/* ---- reading the inputs ------------------------------------------------ */

/* The first byte that is not white space: '{' or '[' means JSON, which a
 * description read from standard input is then embedded as. */
static bool
looks_like_json(const unsigned char *data, size_t size)
{
	size_t i = 0;

	while (i < size && (data[i] == ' ' || data[i] == '\t' ||
	                    data[i] == '\r' || data[i] == '\n'))
		i++;
	return i < size && (data[i] == '{' || data[i] == '[');
}

/* The last component of path: the name a file is embedded under, so
 * that neither the working folder nor the path given changes the PDF. */
static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

/* Reads path ("-" = standard input) whole into *out through the YAML
 * loader's reader, so both refuse the same inputs with the same words. */
static bool
read_source(arena *a, const char *path, source_file *out, diag_sink *diag)
{
	bool is_stdin = strcmp(path, "-") == 0;

	out->name = is_stdin ? "<stdin>" : path;
	out->data = (const unsigned char *)yaml_tree_read_file(a, path,
	                                                       &out->size, diag);
	if (out->data == NULL)
		return false;
	out->base = !is_stdin ? base_name(path)
	    : looks_like_json(out->data, out->size) ? "description.json"
	    : "description.yaml";
	return true;
}

/* ---- the PDF's metadata ------------------------------------------------ */

/* Appends size bytes to b, doubling its room as needed. */
static void
buffer_append(byte_buffer *b, const void *data, size_t size)
{
	if (b->size + size > b->capacity) {
		size_t room = b->capacity ? b->capacity : 4096;

		while (room < b->size + size)
			room *= 2;
		b->data = arena_grow(b->a, b->data, b->size, room, 1);
		b->capacity = room;
	}
	memcpy(b->data + b->size, data, size);
	b->size += size;
}

/* Appends one labelled part, "label size\n" then its bytes, so that no
 * two different sets of inputs give the same byte string. */
static void
buffer_append_part(byte_buffer *b, const char *label, const void *data,
                   size_t size)
{
	char head[96];
	int n = snprintf(head, sizeof(head), "%s %zu\n", label, size);

	buffer_append(b, head, (size_t)n);
	buffer_append(b, data, size);
}

/* The /ID source: everything the page content depends on except the
 * dates, with no path but the fonts' (an installation's, not the
 * caller's), so equal inputs give equal files from any folder. */
static void
fill_id_source(arena *a, const source_file *desc, const source_file *lay,
               const pages *doc, const render_options *opt,
               pdf_metadata *meta)
{
	byte_buffer b = { a, NULL, 0, 0 };
	char flags[64];
	int n = snprintf(flags, sizeof(flags), "gkreport %s conformance %d "
	                 "draft %d", GK_VERSION, (int)meta->conformance,
	                 (int)opt->draft);

	buffer_append_part(&b, "options", flags, (size_t)n);
	buffer_append_part(&b, "description", desc->data, desc->size);
	buffer_append_part(&b, "layout", lay->data, lay->size);
	for (size_t i = 0; i < doc->font_count; i++) {
		struct stat st;
		const char *id = arena_printf(a, "%s#%d %lld", doc->fonts[i].path,
		                              doc->fonts[i].face_index,
		                              stat(doc->fonts[i].path, &st) == 0
		                              ? (long long)st.st_size : -1LL);

		buffer_append_part(&b, "font", id, strlen(id));
	}
	for (size_t i = 0; i < meta->attachment_count; i++)
		buffer_append_part(&b, "attachment", meta->attachments[i].name,
		                   strlen(meta->attachments[i].name));
	meta->id_source = b.data;
	meta->id_source_size = b.size;
}

/* A PDF date from a UTC instant, with the offset written as +00:00. */
static void
date_from_epoch(long long seconds, pdf_date *d)
{
	time_t t = (time_t)seconds;
	struct tm tm;

	gmtime_r(&t, &tm);
	*d = (pdf_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	                 tm.tm_hour, tm.tm_min, tm.tm_sec, 0 };
}

/* Parses $SOURCE_DATE_EPOCH: decimal seconds since 1970 up to the year
 * 9999.  False when it is set but malformed (the reproducible-builds
 * rule: a bad value is an error, not silently the clock). */
static bool
source_date_epoch(const char *text, long long *seconds)
{
	long long v = 0;

	if (*text == '\0' || strspn(text, "0123456789") != strlen(text) ||
	    strlen(text) > 12)
		return false;
	for (; *text != '\0'; text++)
		v = v * 10 + (*text - '0');
	*seconds = v;
	return v <= LAST_PDF_SECOND;
}

/* Creation and modification dates: $SOURCE_DATE_EPOCH when set, else
 * the sign-off date at 00:00 China time; never the clock.  False after
 * an error about a malformed SOURCE_DATE_EPOCH. */
static bool
fill_dates(const report *r, pdf_metadata *meta, diag_sink *diag)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	long long seconds;

	if (env != NULL && *env != '\0') {
		if (!source_date_epoch(env, &seconds)) {
			diag_error(diag, source_pos_file(NULL), "SOURCE_DATE_EPOCH "
			           "must be whole seconds since 1970 (UTC) before "
			           "the year 10000, not '%s'", env);
			return false;
		}
		date_from_epoch(seconds, &meta->created);
	} else if (r->signoff_date.year != 0) {
		meta->created = (pdf_date){ r->signoff_date.year,
		                            r->signoff_date.month,
		                            r->signoff_date.day, 0, 0, 0,
		                            CST_OFFSET_MINUTES };
	} else {
		return true;
	}
	meta->modified = meta->created;
	meta->has_dates = true;
	return true;
}

/* The MIME type of an embedded source file: from its extension, else
 * from its first byte (JSON is YAML, so YAML is the safe default). */
static const char *
source_mime(const source_file *f)
{
	const char *dot = strrchr(f->base, '.');

	if (dot != NULL && strcmp(dot, ".json") == 0)
		return "application/json";
	if (dot != NULL && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0))
		return "application/yaml";
	return looks_like_json(f->data, f->size) ? "application/json"
	    : "application/yaml";
}

/* The description and the layout as associated files (relationship
 * Source) so that the archived PDF carries what it was made from; a
 * layout named like the description is embedded as layout-NAME. */
static void
fill_attachments(arena *a, const source_file *desc, const source_file *lay,
                 pdf_metadata *meta)
{
	pdf_attachment *files = arena_calloc(a, 2, sizeof(*files));
	const char *lay_name = strcmp(lay->base, desc->base) == 0
	    ? arena_printf(a, "layout-%s", lay->base) : lay->base;

	files[0] = (pdf_attachment){ desc->base, source_mime(desc),
	                             "报告描述（源文件）", "Source", desc->data,
	                             desc->size };
	files[1] = (pdf_attachment){ lay_name, source_mime(lay),
	                             "版式（源文件）", "Source", lay->data,
	                             lay->size };
	meta->attachments = files;
	meta->attachment_count = 2;
}

/* Title, author, subject and keywords from the report; a draft says so
 * in its title and keywords, so that it is not filed as the final one. */
static void
fill_text_metadata(arena *a, const report *r, const render_options *opt,
                   pdf_metadata *meta)
{
	meta->title = opt->draft ? arena_printf(a, "%s（%s）", r->title,
	                                        DRAFT_MARK) : r->title;
	meta->author = r->agency;
	meta->subject = r->title;
	meta->keywords = arena_printf(a, "%d年, 政府信息公开年度报告%s", r->year,
	                              opt->draft ? ", " DRAFT_MARK : "");
	meta->creator = "gkreport " GK_VERSION;
	meta->language = "zh-CN";
	meta->conformance = opt->attach_source ? PDF_A_3B
	    : opt->archive ? PDF_A_1B : PDF_PLAIN;
}

/* Everything pdf_metadata holds, from the report, the options and the
 * input bytes (the layout's as it was loaded).  False after diagnostics. */
static bool
fill_metadata(arena *a, const report *r, const pages *doc,
              const source_file *desc, const render_options *opt,
              pdf_metadata *meta, diag_sink *diag)
{
	const source_file lay = { r->layout->path, base_name(r->layout->path),
	                          r->layout->source, r->layout->source_size };

	fill_text_metadata(a, r, opt, meta);
	if (!fill_dates(r, meta, diag))
		return false;
	if (meta->conformance == PDF_A_3B)
		fill_attachments(a, desc, &lay, meta);
	fill_id_source(a, desc, &lay, doc, opt, meta);
	return true;
}

/* Draws doc into a PDF with its metadata and writes it atomically. */
static bool
write_pdf(render_session *s, arena *a, const report *r, const pages *doc,
          const source_file *desc, const render_options *opt,
          diag_sink *diag)
{
	pdf_metadata meta = { 0 };
	unsigned char *bytes = NULL;
	size_t size = 0;
	bool ok;

	if (!fill_metadata(a, r, doc, desc, opt, &meta, diag) ||
	    !pdf_write_with(doc, &meta, &s->pdf, &bytes, &size, diag))
		return false;
	ok = output_write_atomic(opt->output, bytes, size, diag);
	timing_mark("output");
	free(bytes);
	return ok;
}

/* ---- the pipeline ------------------------------------------------------ */

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

/* Loads the description from its bytes (kept for the PDF), its layout
 * from the session's cache when it has one, and with --previous last
 * year's through the plain loader (its problems name its own file).
 * False after errors. */
static bool
load_reports(render_session *s, arena *a, const source_file *desc,
             const render_options *opt, const report **r,
             const report **previous, diag_sink *diag)
{
	const char *text = (const char *)desc->data;

	*r = s->layouts != NULL
	    ? report_load_buffer_shared(a, desc->name, text, desc->size,
	                                s->layouts, diag)
	    : report_load_buffer(a, desc->name, text, desc->size, s->data_dir,
	                         diag);
	*previous = NULL;
	if (opt->previous != NULL)
		*previous = report_load_file(a, opt->previous, s->data_dir, diag);
	return *r != NULL && (opt->previous == NULL || *previous != NULL);
}

/* Lays out a loaded and checked report and writes it when the checks
 * passed or a draft is wanted.  Returns the exit status. */
static int
lay_out_and_write(render_session *s, arena *a, const report *r,
                  const source_file *desc, const render_options *opt,
                  diag_sink *diag)
{
	static const page_mark draft_mark = { DRAFT_MARK, DRAFT_GRAY };
	int had_errors = diag->errors > 0;
	const font_set *fonts = session_fonts_for(s, a, r->layout, diag);
	const pages *doc;
	int status;

	timing_mark("fonts");
	if (fonts == NULL)
		return had_errors ? EXIT_BAD_INPUT : EXIT_FAILURE_OTHER;
	doc = typeset_report(a, r, fonts, opt->draft ? &draft_mark : NULL, diag);
	timing_mark("typeset");
	/* The pages name their fonts by file; a session that renders nothing
	 * else frees its faces now, so their memory is not held while the
	 * writer subsets the same files (peak RSS). */
	if (s->one_report)
		free_session_fonts(s);
	status = doc == NULL ? EXIT_BAD_INPUT : input_status(diag, opt->strict);
	if (doc != NULL && opt->output != NULL &&
	    (status == EXIT_OK || opt->draft) &&
	    !write_pdf(s, a, r, doc, desc, opt, diag) && status == EXIT_OK)
		status = EXIT_FAILURE_OTHER;
	return status;
}

/* The whole pipeline over one description already read into a, in
 * arena a; the inspect hook sees the report before a is freed. */
static int
render_source(render_session *s, arena *a, const source_file *desc,
              const render_options *opt, diag_sink *diag)
{
	const report *r, *previous;
	int status = EXIT_BAD_INPUT;

	timing_mark("start");
	if (load_reports(s, a, desc, opt, &r, &previous, diag)) {
		timing_mark("load");
		check_report(r, previous, diag);
		timing_mark("check");
		status = lay_out_and_write(s, a, r, desc, opt, diag);
	}
	if (opt->inspect != NULL)
		opt->inspect(opt->inspect_context, r, status, diag);
	return status;
}

int
render_session_file(render_session *s, const char *input,
                    const render_options *opt, diag_sink *diag)
{
	arena *a = arena_create();
	source_file desc = { 0 };
	int status = EXIT_BAD_INPUT;

	if (read_source(a, input, &desc, diag))
		status = render_source(s, a, &desc, opt, diag);
	else if (opt->inspect != NULL)
		opt->inspect(opt->inspect_context, NULL, status, diag);
	arena_destroy(a);
	return status;
}

int
render_session_buffer(render_session *s, const char *name,
                      const void *data, size_t size,
                      const render_options *opt, diag_sink *diag)
{
	arena *a = arena_create();
	source_file desc = { name, base_name(name), data, size };
	int status = render_source(s, a, &desc, opt, diag);

	arena_destroy(a);
	return status;
}

int
render_report(const char *input, const render_options *opt, diag_sink *diag)
{
	render_session *s = create_session(opt->data_dir, NULL, true);
	int status = render_session_file(s, input, opt, diag);

	render_session_free(s);
	return status;
}
