/*
 * extract.c - writes a PDF's embedded files back out, read with libqpdf.
 */
#include "extract.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <qpdf/qpdf-c.h>

#include "arena.h"
#include "output.h"
#include "render.h"

/* Limits against hostile name trees: how deep /Kids may nest, and how
 * many tree nodes are visited in all (a /Kids loop ends here too). */
#define MAX_TREE_DEPTH 32
#define MAX_TREE_NODES 10000

typedef struct extractor {
	qpdf_data q;
	arena *a;
	const char *pdf;
	const char *dir;
	FILE *list;
	diag_sink *diag;
	int *streams;                /* object ids of the streams written */
	const char **names;          /* the names written, in order */
	size_t count;
	int nodes;                   /* name-tree nodes visited */
	int dir_state;               /* 0 not tried, 1 there, -1 cannot be made */
	int status;
} extractor;

/* Reports libqpdf's pending error, if any, naming the PDF; true when
 * there was one (the caller then gives up on what it was reading). */
static bool
qpdf_failed(extractor *ex, const char *what)
{
	qpdf_error e;

	if (!qpdf_has_error(ex->q))
		return false;
	e = qpdf_get_error(ex->q);
	diag_error(ex->diag, source_pos_file(ex->pdf), "%s: %s", what,
	           qpdf_get_error_message_detail(ex->q, e));
	return true;
}

/* Opens the PDF with libqpdf, which then stays silent: every problem
 * goes through diag, naming the file. */
static bool
open_pdf(extractor *ex)
{
	ex->q = qpdf_init();
	qpdf_silence_errors(ex->q);
	qpdf_set_suppress_warnings(ex->q, QPDF_TRUE);
	qpdf_read(ex->q, ex->pdf, NULL);
	return !qpdf_failed(ex, "cannot read as a PDF");
}

/* The key of a dictionary, or 0 when oh is not a dictionary or lacks
 * it, so that a malformed file is skipped rather than trusted. */
static qpdf_oh
dict_get(extractor *ex, qpdf_oh oh, const char *key)
{
	if (oh == 0 || !qpdf_oh_is_dictionary(ex->q, oh) ||
	    !qpdf_oh_has_key(ex->q, oh, key))
		return 0;
	return qpdf_oh_get_key(ex->q, oh, key);
}

/* The name a file is written under: the last path component of name
 * (a PDF file name may hold '/' or '\'), without control characters;
 * "attachment-N" when nothing usable is left or it is "." or "..". */
static const char *
safe_name(extractor *ex, const char *name, size_t length)
{
	char *out = arena_alloc(ex->a, length + 1);
	size_t n = 0;

	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c == '\\')
			n = 0;
		else if (c >= 0x20 && c != 0x7f)
			out[n++] = (char)c;
	}
	out[n] = '\0';
	if (n == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		return arena_printf(ex->a, "attachment-%zu", ex->count + 1);
	return out;
}

/* The file specification's name, /UF (Unicode) before /F, made safe. */
static const char *
spec_name(extractor *ex, qpdf_oh spec)
{
	static const char *const keys[] = { "/UF", "/F" };

	for (size_t i = 0; i < 2; i++) {
		qpdf_oh s = dict_get(ex, spec, keys[i]);
		const char *text;
		size_t length = 0;

		if (s == 0 || !qpdf_oh_is_string(ex->q, s))
			continue;
		text = qpdf_oh_get_binary_utf8_value(ex->q, s, &length);
		if (text != NULL && length > 0)
			return safe_name(ex, text, length);
	}
	return safe_name(ex, "", 0);
}

/* name, or "N-name" when an earlier file of this PDF took it, so that
 * no embedded file overwrites another. */
static const char *
unique_name(extractor *ex, const char *name)
{
	const char *candidate = name;

	for (int k = 2;; k++) {
		size_t i = 0;

		while (i < ex->count && strcmp(ex->names[i], candidate) != 0)
			i++;
		if (i == ex->count)
			return candidate;
		candidate = arena_printf(ex->a, "%d-%s", k, name);
	}
}

/* True when the stream with object id was written already (a file is
 * listed in both the name tree and /AF); else remembers it and name. */
static bool
seen_before(extractor *ex, int id, const char *name)
{
	for (size_t i = 0; i < ex->count; i++)
		if (id != 0 && ex->streams[i] == id)
			return true;
	ex->streams = arena_grow(ex->a, ex->streams, ex->count, ex->count + 1,
	                         sizeof(*ex->streams));
	ex->names = arena_grow(ex->a, ex->names, ex->count, ex->count + 1,
	                       sizeof(*ex->names));
	ex->streams[ex->count] = id;
	ex->names[ex->count++] = name;
	return false;
}

/* Creates the output folder before the first file (not at all when the
 * PDF has none); false after an error naming it, reported once. */
static bool
prepare_dir(extractor *ex)
{
	if (ex->dir_state == 0) {
		ex->dir_state = 1;
		if (mkdir(ex->dir, 0777) != 0 && errno != EEXIST) {
			diag_error(ex->diag, source_pos_file(ex->dir),
			           "cannot create the folder: %s", strerror(errno));
			ex->dir_state = -1;
		}
	}
	return ex->dir_state > 0;
}

/* Writes one embedded file's decoded bytes to DIR/name and lists it;
 * a failure sets exit status 1 and the other files are still tried. */
static void
write_file(extractor *ex, const char *name, const unsigned char *data,
           size_t size)
{
	const char *path = strcmp(ex->dir, "/") == 0
	    ? arena_printf(ex->a, "/%s", name)
	    : arena_printf(ex->a, "%s/%s", ex->dir, name);

	if (prepare_dir(ex) && output_write_atomic(path, data, size, ex->diag))
		fprintf(ex->list, "%s\n", path);
	else
		ex->status = EXIT_FAILURE_OTHER;
}

/* The embedded file stream of a file specification: /EF /UF, else
 * /EF /F; 0 for a specification of a file outside the PDF. */
static qpdf_oh
spec_stream(extractor *ex, qpdf_oh spec)
{
	qpdf_oh ef = dict_get(ex, spec, "/EF");
	qpdf_oh s = dict_get(ex, ef, "/UF");

	if (s == 0 || !qpdf_oh_is_stream(ex->q, s))
		s = dict_get(ex, ef, "/F");
	return s != 0 && qpdf_oh_is_stream(ex->q, s) ? s : 0;
}

/* Extracts the file of one file specification, decoded (Flate and the
 * other general filters); a stream libqpdf cannot decode is an error. */
static void
extract_spec(extractor *ex, qpdf_oh spec)
{
	qpdf_oh stream = spec_stream(ex, spec);
	const char *name;
	unsigned char *data = NULL;
	size_t size = 0;
	QPDF_BOOL filtered = QPDF_FALSE;

	if (stream == 0)
		return;
	name = unique_name(ex, spec_name(ex, spec));
	if (seen_before(ex, qpdf_oh_get_object_id(ex->q, stream), name))
		return;
	qpdf_oh_get_stream_data(ex->q, stream, qpdf_dl_generalized, &filtered,
	                        &data, &size);
	if (qpdf_failed(ex, "cannot read an embedded file")) {
		ex->status = EXIT_BAD_INPUT;
	} else if (!filtered) {
		diag_error(ex->diag, source_pos_file(ex->pdf), "embedded file "
		           "'%s' uses a filter libqpdf cannot decode", name);
		ex->status = EXIT_BAD_INPUT;
	} else {
		write_file(ex, name, data, size);
	}
	free(data);
}

/* Walks a name tree node: the values of its /Names pairs are file
 * specifications, its /Kids are nodes again (depth and count limited). */
static void
walk_name_tree(extractor *ex, qpdf_oh node, int depth)
{
	qpdf_oh names = dict_get(ex, node, "/Names");
	qpdf_oh kids = dict_get(ex, node, "/Kids");

	if (depth > MAX_TREE_DEPTH || ++ex->nodes > MAX_TREE_NODES)
		return;
	if (names != 0 && qpdf_oh_is_array(ex->q, names))
		for (int i = 1; i < qpdf_oh_get_array_n_items(ex->q, names); i += 2)
			extract_spec(ex, qpdf_oh_get_array_item(ex->q, names, i));
	if (kids != 0 && qpdf_oh_is_array(ex->q, kids))
		for (int i = 0; i < qpdf_oh_get_array_n_items(ex->q, kids); i++)
			walk_name_tree(ex, qpdf_oh_get_array_item(ex->q, kids, i),
			               depth + 1);
}

/* Extracts what /Root /Names /EmbeddedFiles lists, then the associated
 * files of /Root /AF (PDF/A-3) that the tree does not list. */
static void
extract_all(extractor *ex)
{
	qpdf_oh root = qpdf_get_root(ex->q);
	qpdf_oh af = dict_get(ex, root, "/AF");

	walk_name_tree(ex, dict_get(ex, dict_get(ex, root, "/Names"),
	                            "/EmbeddedFiles"), 0);
	if (af != 0 && qpdf_oh_is_array(ex->q, af))
		for (int i = 0; i < qpdf_oh_get_array_n_items(ex->q, af); i++)
			extract_spec(ex, qpdf_oh_get_array_item(ex->q, af, i));
}

int
extract_attachments(const char *pdf, const char *dir, FILE *list,
                    diag_sink *diag)
{
	extractor ex = { NULL, arena_create(), pdf, dir, list, diag, NULL,
	                 NULL, 0, 0, 0, EXIT_OK };

	if (!open_pdf(&ex)) {
		ex.status = EXIT_BAD_INPUT;
	} else {
		extract_all(&ex);
		if (ex.count == 0 && ex.status == EXIT_OK) {
			diag_error(diag, source_pos_file(pdf),
			           "the PDF holds no embedded files");
			ex.status = EXIT_BAD_INPUT;
		}
	}
	qpdf_cleanup(&ex.q);
	arena_destroy(ex.a);
	return ex.status;
}
