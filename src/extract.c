/*
 * extract.c - writes a PDF's embedded files back out, read with libqpdf.
 *
 * libqpdf is loaded with dlopen when extract runs, never linked: it brings
 * libstdc++, gnutls, nettle, gmp and more, whose loading and relocation
 * would cost every other command (render, batch) some 2.5 ms and 6 MB at
 * start-up.  qpdf-c.h still gives the types and prototypes, so the table
 * of entry points below cannot drift from the library's declarations.
 */
#include "extract.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <qpdf/qpdf-c.h>

#include "arena.h"
#include "dynlib.h"
#include "output.h"
#include "render.h"

/* Limits against hostile name trees: how deep /Kids may nest, and how
 * many tree nodes are visited in all (a /Kids loop ends here too). */
#define MAX_TREE_DEPTH 32
#define MAX_TREE_NODES 10000

/* The shared library and the Debian package that holds it: the soname is
 * the ABI of the qpdf-c.h this file is compiled against. */
#define QPDF_LIBRARY "libqpdf.so.29"
#define QPDF_PACKAGE "libqpdf29"

/* The libqpdf functions extract uses, without their "qpdf_" prefix. */
#define QPDF_FUNCTIONS(X)                                                 \
	X(init) X(cleanup) X(silence_errors) X(set_suppress_warnings)      \
	X(read) X(has_error) X(get_error) X(get_error_message_detail)      \
	X(get_root) X(oh_is_dictionary) X(oh_has_key) X(oh_get_key)       \
	X(oh_is_string) X(oh_get_binary_utf8_value) X(oh_is_stream)       \
	X(oh_get_object_id) X(oh_get_stream_data) X(oh_is_array)          \
	X(oh_get_array_n_items) X(oh_get_array_item)

/* libqpdf, opened: each member points at qpdf_NAME, typed from its
 * declaration in qpdf-c.h. */
typedef struct qpdf_library {
	void *handle;
#define QPDF_MEMBER(name) __typeof__(&qpdf_##name) name;
	QPDF_FUNCTIONS(QPDF_MEMBER)
#undef QPDF_MEMBER
} qpdf_library;

typedef struct extractor {
	const qpdf_library *qpdf;
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

/* Opens libqpdf and finds every function extract uses; false after an
 * error saying which package to install (a system without it is, like
 * one without fonts, no fault of the PDF). */
static bool
qpdf_library_open(qpdf_library *lib, diag_sink *diag)
{
	const char *missing = NULL;
	const char *why;

	lib->handle = dlopen(QPDF_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (lib->handle == NULL) {
		why = dlerror();
		diag_error(diag, source_pos_file(NULL), "extract needs "
		           "libqpdf: %s; install it: apt-get install "
		           QPDF_PACKAGE, why != NULL ? why : QPDF_LIBRARY);
		return false;
	}
#define QPDF_FIND(name)                                                   \
	lib->name = (__typeof__(lib->name))                               \
	    dynlib_function(lib->handle, "qpdf_" #name, &missing);
	QPDF_FUNCTIONS(QPDF_FIND)
#undef QPDF_FIND
	if (missing != NULL) {
		diag_error(diag, source_pos_file(NULL), "extract needs "
		           "libqpdf: " QPDF_LIBRARY " has no function %s; "
		           "reinstall it: apt-get install --reinstall "
		           QPDF_PACKAGE, missing);
		dlclose(lib->handle);
		return false;
	}
	return true;
}

/* Reports libqpdf's pending error, if any, naming the PDF; true when
 * there was one (the caller then gives up on what it was reading). */
static bool
qpdf_failed(extractor *ex, const char *what)
{
	qpdf_error e;

	if (!ex->qpdf->has_error(ex->q))
		return false;
	e = ex->qpdf->get_error(ex->q);
	diag_error(ex->diag, source_pos_file(ex->pdf), "%s: %s", what,
	           ex->qpdf->get_error_message_detail(ex->q, e));
	return true;
}

/* Opens the PDF with libqpdf, which then stays silent: every problem
 * goes through diag, naming the file. */
static bool
open_pdf(extractor *ex)
{
	ex->q = ex->qpdf->init();
	ex->qpdf->silence_errors(ex->q);
	ex->qpdf->set_suppress_warnings(ex->q, QPDF_TRUE);
	ex->qpdf->read(ex->q, ex->pdf, NULL);
	return !qpdf_failed(ex, "cannot read as a PDF");
}

/* The key of a dictionary, or 0 when oh is not a dictionary or lacks
 * it, so that a malformed file is skipped rather than trusted. */
static qpdf_oh
dict_get(extractor *ex, qpdf_oh oh, const char *key)
{
	if (oh == 0 || !ex->qpdf->oh_is_dictionary(ex->q, oh) ||
	    !ex->qpdf->oh_has_key(ex->q, oh, key))
		return 0;
	return ex->qpdf->oh_get_key(ex->q, oh, key);
}

/* The number of items of an array; 0 for anything else (or 0). */
static int
array_length(extractor *ex, qpdf_oh oh)
{
	if (oh == 0 || !ex->qpdf->oh_is_array(ex->q, oh))
		return 0;
	return ex->qpdf->oh_get_array_n_items(ex->q, oh);
}

/* Item i of an array of at least i + 1 items. */
static qpdf_oh
array_item(extractor *ex, qpdf_oh array, int i)
{
	return ex->qpdf->oh_get_array_item(ex->q, array, i);
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

		if (s == 0 || !ex->qpdf->oh_is_string(ex->q, s))
			continue;
		text = ex->qpdf->oh_get_binary_utf8_value(ex->q, s, &length);
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

	if (s == 0 || !ex->qpdf->oh_is_stream(ex->q, s))
		s = dict_get(ex, ef, "/F");
	return s != 0 && ex->qpdf->oh_is_stream(ex->q, s) ? s : 0;
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
	if (seen_before(ex, ex->qpdf->oh_get_object_id(ex->q, stream), name))
		return;
	ex->qpdf->oh_get_stream_data(ex->q, stream, qpdf_dl_generalized,
	                             &filtered, &data, &size);
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
	for (int i = 1; i < array_length(ex, names); i += 2)
		extract_spec(ex, array_item(ex, names, i));
	for (int i = 0; i < array_length(ex, kids); i++)
		walk_name_tree(ex, array_item(ex, kids, i), depth + 1);
}

/* Extracts what /Root /Names /EmbeddedFiles lists, then the associated
 * files of /Root /AF (PDF/A-3) that the tree does not list. */
static void
extract_all(extractor *ex)
{
	qpdf_oh root = ex->qpdf->get_root(ex->q);
	qpdf_oh af = dict_get(ex, root, "/AF");

	walk_name_tree(ex, dict_get(ex, dict_get(ex, root, "/Names"),
	                            "/EmbeddedFiles"), 0);
	for (int i = 0; i < array_length(ex, af); i++)
		extract_spec(ex, array_item(ex, af, i));
}

/* Extracts with libqpdf open: the work of extract_attachments. */
static int
extract_with(const qpdf_library *qpdf, const char *pdf, const char *dir,
             FILE *list, diag_sink *diag)
{
	extractor ex = { qpdf, NULL, arena_create(), pdf, dir, list, diag,
	                 NULL, NULL, 0, 0, 0, EXIT_OK };

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
	qpdf->cleanup(&ex.q);
	arena_destroy(ex.a);
	return ex.status;
}

int
extract_attachments(const char *pdf, const char *dir, FILE *list,
                    diag_sink *diag)
{
	qpdf_library qpdf;
	int status;

	if (!qpdf_library_open(&qpdf, diag))
		return EXIT_FAILURE_OTHER;
	status = extract_with(&qpdf, pdf, dir, list, diag);
	dlclose(qpdf.handle);
	return status;
}
