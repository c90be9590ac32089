/*
 * pdf_writer.c - draws pages into a PDF with Debian's libharu 2.3.0.
 *
 * The work-arounds measured in spec/libharu.md live here and nowhere else:
 * each font is subset with HarfBuzz to the characters drawn with it and
 * handed to libharu through a memfd; after drawing, the ToUnicode CMap,
 * /DW, /W and CIDToGIDMap that libharu built for the whole BMP are rewritten
 * for the characters actually used.  One HPDF_Doc per call and no mutable
 * globals, so documents can be written in parallel threads.
 */
#include "pdf_writer.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hb.h>
#include <hb-subset.h>

#include <hpdf.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#include "arena.h"
#include "utf8.h"

#define BMP_SIZE 0x10000u
#define CMAP_BLOCK_MAX 100      /* entries per bfchar/bfrange block (PDF limit) */
#define PDF_MAX_COORD 32767.0   /* libharu clamps reals beyond this */

/* The last error libharu reported through its handler. */
typedef struct haru_error {
	HPDF_STATUS code;
	HPDF_STATUS detail;
} haru_error;

/* One entry of doc->fonts, and what embedding it needs. */
typedef struct embedded_font {
	size_t canonical;        /* first doc->fonts entry with the same file+face */
	unsigned char *used;     /* bitmap over the BMP: code points drawn */
	uint32_t *code_points;   /* the same set, sorted */
	size_t count;
	int memfd;               /* subset font program, -1 if none */
	const char *name;        /* libharu's font name */
	HPDF_Font font;
} embedded_font;

typedef struct writer {
	const pages *doc;
	diag_sink *diag;
	arena *mem;
	embedded_font *fonts;    /* parallel to doc->fonts */
	HPDF_Doc pdf;
	haru_error error;
} writer;

/* The pen state inside one page's text object, to emit only changes. */
typedef struct text_state {
	HPDF_Font font;
	double size;
	double char_spacing;
	double gray;             /* fill gray; PDF starts every page black (0) */
	double x, y;             /* start of the current line, as libharu sees it */
	bool matrix_set;         /* Tm was set absolutely (a rotated run came last) */
} text_state;

/* One ToUnicode line: a single code (first == last) or a range. */
typedef struct cmap_entry {
	uint32_t first, last;
} cmap_entry;

static const struct {
	HPDF_STATUS code;
	const char *text;
} haru_messages[] = {
	{ HPDF_FAILD_TO_ALLOC_MEM, "out of memory" },
	{ HPDF_FILE_IO_ERROR, "file input/output error" },
	{ HPDF_FILE_OPEN_ERROR, "cannot open file" },
	{ HPDF_INVALID_DOCUMENT, "the document is in an error state" },
	{ HPDF_EXCEED_GSTATE_LIMIT, "graphics states nested too deeply" },
	{ HPDF_FONT_EXISTS, "font already loaded" },
	{ HPDF_INVALID_FONTDEF_DATA, "invalid font data" },
	{ HPDF_INVALID_TTC_FILE, "invalid TrueType collection" },
	{ HPDF_INVALID_TTC_INDEX, "face index out of range" },
	{ HPDF_TTF_CANNOT_EMBEDDING_FONT, "the font's licence forbids embedding" },
	{ HPDF_TTF_INVALID_CMAP, "the font has no usable Unicode cmap" },
	{ HPDF_TTF_INVALID_FOMAT, "not a TrueType font" },
	{ HPDF_TTF_MISSING_TABLE, "a required TrueType table is missing" },
	{ HPDF_UNSUPPORTED_FONT_TYPE, "unsupported font type" },
	{ HPDF_PAGE_INVALID_SIZE, "page size out of range (3 to 14400 pt)" },
	{ HPDF_PAGE_INVALID_FONT_SIZE, "font size out of range" },
	{ HPDF_PAGE_FONT_NOT_FOUND, "no font selected" },
	{ HPDF_PAGE_INVALID_GMODE, "operator not allowed in this graphics mode" },
	{ HPDF_PAGE_OUT_OF_RANGE, "value out of range" },
	{ HPDF_REAL_OUT_OF_RANGE, "number out of range" },
	{ HPDF_INVALID_ENCODER, "invalid encoder" },
	{ HPDF_INVALID_ENCODING_NAME, "unknown encoding" },
	{ HPDF_INVALID_PARAMETER, "invalid parameter" },
	{ HPDF_INVALID_OBJECT, "invalid object" },
	{ HPDF_ZLIB_ERROR, "compression (zlib) error" },
	{ HPDF_STREAM_EOF, "unexpected end of stream" },
	{ HPDF_STRING_OUT_OF_RANGE, "string too long" },
	{ HPDF_DICT_COUNT_ERR, "too many dictionary entries" },
	{ HPDF_ARRAY_COUNT_ERR, "too many array elements" },
	{ HPDF_XREF_COUNT_ERR, "too many objects" },
};

/* Tables libharu never copies into FontFile2 (it keeps 13 fixed ones);
 * dropping them early makes HarfBuzz's subsetting cheaper. */
static const hb_tag_t unneeded_tables[] = {
	HB_TAG('G','S','U','B'), HB_TAG('G','P','O','S'), HB_TAG('G','D','E','F'),
	HB_TAG('B','A','S','E'), HB_TAG('J','S','T','F'), HB_TAG('M','A','T','H'),
	HB_TAG('k','e','r','n'), HB_TAG('v','h','e','a'), HB_TAG('v','m','t','x'),
	HB_TAG('V','O','R','G'), HB_TAG('E','B','D','T'), HB_TAG('E','B','L','C'),
	HB_TAG('E','B','S','C'), HB_TAG('C','B','D','T'), HB_TAG('C','B','L','C'),
	HB_TAG('s','b','i','x'), HB_TAG('C','O','L','R'), HB_TAG('C','P','A','L'),
	HB_TAG('S','V','G',' '), HB_TAG('m','o','r','x'), HB_TAG('k','e','r','x'),
	HB_TAG('D','S','I','G'), HB_TAG('m','e','t','a'), HB_TAG('g','a','s','p'),
};

/* ---- diagnostics ------------------------------------------------------- */

/* libharu's error handler: remembers the error for the caller to report.
 * Every libharu call's status is checked as well, so no longjmp is needed. */
static void HPDF_STDCALL
record_haru_error(HPDF_STATUS code, HPDF_STATUS detail, void *user_data)
{
	haru_error *error = user_data;

	error->code = code;
	error->detail = detail;
}

/* A readable text for a libharu error code, so users never see bare hex
 * alone; unknown codes get a generic text (the code is printed too). */
static const char *
haru_message(HPDF_STATUS code)
{
	size_t i;

	for (i = 0; i < sizeof(haru_messages) / sizeof(haru_messages[0]); i++)
		if (haru_messages[i].code == code)
			return haru_messages[i].text;
	return "internal libharu error";
}

/* Reports a failure of the PDF writer as a whole (no source position).
 * Printf-style, so every message goes through diag like everyone else's. */
static void __attribute__((format(printf, 2, 3)))
writer_error(writer *w, const char *fmt, ...)
{
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	diag_error(w->diag, source_pos_file(NULL), "%s", message);
}

/* True when a libharu call succeeded; otherwise reports what failed with
 * libharu's recorded code (or the returned status) in readable words. */
static bool
haru_ok(writer *w, HPDF_STATUS status, const char *what)
{
	HPDF_STATUS code;

	if (status == HPDF_OK && w->error.code == HPDF_OK)
		return true;
	code = w->error.code != HPDF_OK ? w->error.code : status;
	writer_error(w, "PDF writer: could not %s: %s (libharu error 0x%04X, "
	             "detail %u)", what, haru_message(code), (unsigned)code,
	             (unsigned)w->error.detail);
	return false;
}

/* haru_ok for libharu calls that return a pointer (NULL on failure). */
static bool
haru_got(writer *w, const void *result, const char *what)
{
	return haru_ok(w, result != NULL ? HPDF_OK : HPDF_INVALID_OBJECT, what);
}

/* ---- collecting the characters each font draws ------------------------ */

/* Maps every doc->fonts entry to the first entry naming the same file and
 * face, so one font used under two indices is embedded once. */
static void
find_canonical_fonts(writer *w)
{
	const page_font *fonts = w->doc->fonts;
	size_t i, j;

	for (i = 0; i < w->doc->font_count; i++) {
		w->fonts[i].canonical = i;
		w->fonts[i].memfd = -1;
		for (j = 0; j < i; j++) {
			if (fonts[j].face_index == fonts[i].face_index &&
			    strcmp(fonts[j].path, fonts[i].path) == 0) {
				w->fonts[i].canonical = j;
				break;
			}
		}
	}
}

/* Checks the numbers of a text run before anything is drawn, so libharu
 * never sees a value it would clamp or reject half-way through a page. */
static bool
run_is_valid(writer *w, size_t page_no, const text_run *run)
{
	if (run->font < 0 || (size_t)run->font >= w->doc->font_count) {
		writer_error(w, "page %zu: text run uses font %d, but only %zu "
		             "fonts are defined", page_no, run->font,
		             w->doc->font_count);
		return false;
	}
	if (!(run->size > 0 && run->size <= 600) ||
	    !(fabs(run->x) <= PDF_MAX_COORD && fabs(run->y) <= PDF_MAX_COORD) ||
	    !(fabs(run->char_spacing) <= PDF_MAX_COORD) ||
	    !(run->gray >= 0 && run->gray <= 1) ||
	    (run->text == NULL && run->length > 0)) {
		writer_error(w, "page %zu: text run has an invalid size, "
		             "position, gray or text", page_no);
		return false;
	}
	return true;
}

/* Checks one decoded character of a run; libharu 2.3.0 writes a space for
 * anything above U+FFFF, and control characters would corrupt Tj strings. */
static bool
code_point_is_drawable(writer *w, size_t page_no, uint32_t cp)
{
	if (cp > 0xFFFF) {
		writer_error(w, "character U+%04X is outside the Basic "
		             "Multilingual Plane; this PDF writer cannot embed "
		             "it yet (page %zu)", (unsigned)cp, page_no);
		return false;
	}
	if (cp < 0x20 || cp == 0x7F) {
		writer_error(w, "page %zu: control character U+%04X in a text "
		             "run", page_no, (unsigned)cp);
		return false;
	}
	return true;
}

/* Marks the characters of one run in its font's bitmap.  All problems in
 * the run are reported (not just the first) before it fails. */
static bool
collect_run(writer *w, size_t page_no, const text_run *run)
{
	embedded_font *f;
	size_t i = 0, n;
	uint32_t cp;
	bool ok = true;

	if (!run_is_valid(w, page_no, run))
		return false;
	f = &w->fonts[w->fonts[run->font].canonical];
	if (f->used == NULL)
		f->used = arena_alloc(w->mem, BMP_SIZE / 8);
	while (i < run->length) {
		n = utf8_decode(run->text + i, run->length - i, &cp);
		if (n == 0) {
			writer_error(w, "page %zu: text run is not valid UTF-8 "
			             "(byte %zu)", page_no, i);
			return false;
		}
		if (code_point_is_drawable(w, page_no, cp))
			f->used[cp >> 3] |= (unsigned char)(1u << (cp & 7));
		else
			ok = false;
		i += n;
	}
	return ok;
}

/* Turns each font's bitmap into a sorted list of code points, the form
 * the subsetter, the CMap and the width arrays all iterate over. */
static void
list_code_points(writer *w)
{
	embedded_font *f;
	size_t i, n;
	uint32_t cp;

	for (i = 0; i < w->doc->font_count; i++) {
		f = &w->fonts[i];
		if (f->used == NULL)
			continue;
		for (n = 0, cp = 0; cp < BMP_SIZE; cp++)
			n += (f->used[cp >> 3] >> (cp & 7)) & 1;
		f->code_points = arena_calloc(w->mem, n, sizeof(uint32_t));
		for (n = 0, cp = 0; cp < BMP_SIZE; cp++)
			if ((f->used[cp >> 3] >> (cp & 7)) & 1)
				f->code_points[n++] = cp;
		f->count = n;
	}
}

/* Walks every run of every page once, validating and collecting, so the
 * document fails before any PDF work if a character cannot be drawn. */
static bool
collect_code_points(writer *w)
{
	const page *pg;
	size_t p, r;
	bool ok = true;

	for (p = 0; p < w->doc->count; p++) {
		pg = &w->doc->items[p];
		for (r = 0; r < pg->run_count; r++)
			ok = collect_run(w, p + 1, &pg->runs[r]) && ok;
	}
	if (ok)
		list_code_points(w);
	return ok;
}

/* ---- subsetting with HarfBuzz ------------------------------------------ */

/* Says why a font file could not be opened, naming the path; HarfBuzz does
 * not report the reason, so the file is probed once more for errno. */
static void
report_unreadable_font(writer *w, const char *path)
{
	if (access(path, R_OK) != 0)
		writer_error(w, "cannot open font file %s: %s", path,
		             strerror(errno));
	else
		writer_error(w, "cannot read font file %s", path);
}

/* True when the face has the given OpenType table (non-empty). */
static bool
face_has_table(hb_face_t *face, hb_tag_t tag)
{
	hb_blob_t *table = hb_face_reference_table(face, tag);
	bool present = hb_blob_get_length(table) > 0;

	hb_blob_destroy(table);
	return present;
}

/* Opens face `face_index` of a font file.  Rejects what libharu cannot
 * embed: missing faces and CFF outlines (no glyf table, e.g. Noto CJK). */
static hb_face_t *
open_font_face(writer *w, const page_font *source)
{
	hb_blob_t *blob = hb_blob_create_from_file_or_fail(source->path);
	unsigned faces;
	hb_face_t *face;

	if (blob == NULL) {
		report_unreadable_font(w, source->path);
		return NULL;
	}
	faces = hb_face_count(blob);
	if (source->face_index < 0 || (unsigned)source->face_index >= faces) {
		writer_error(w, "font file %s has no face %d (it has %u)",
		             source->path, source->face_index, faces);
		hb_blob_destroy(blob);
		return NULL;
	}
	face = hb_face_create(blob, (unsigned)source->face_index);
	hb_blob_destroy(blob);
	if (!face_has_table(face, HB_TAG('g','l','y','f'))) {
		writer_error(w, "font %s (face %d) has no TrueType outlines; "
		             "libharu 2.3.0 cannot embed CFF-based fonts",
		             source->path, source->face_index);
		hb_face_destroy(face);
		return NULL;
	}
	return face;
}

/* Checks that the face maps every character drawn with it: PDF/A 6.3.5
 * forbids codes without a glyph, and a .notdef box is never wanted. */
static bool
face_covers(writer *w, hb_face_t *face, const embedded_font *f,
            const page_font *source)
{
	hb_set_t *covered = hb_set_create();
	size_t i, missing = 0;
	uint32_t first = 0;

	hb_face_collect_unicodes(face, covered);
	for (i = 0; i < f->count; i++) {
		if (!hb_set_has(covered, f->code_points[i]) && missing++ == 0)
			first = f->code_points[i];
	}
	hb_set_destroy(covered);
	if (missing > 0)
		writer_error(w, "font %s (face %d) has no glyph for U+%04X "
		             "(%zu characters missing in all)", source->path,
		             source->face_index, (unsigned)first, missing);
	return missing == 0;
}

/* Subsets the face to the font's characters with default flags (glyph ids
 * renumbered, which also avoids libharu's signed composite-gid bug) and
 * without hinting, which only costs size in a PDF.  Returns the new font. */
static hb_blob_t *
subset_face(hb_face_t *face, const embedded_font *f)
{
	hb_subset_input_t *input = hb_subset_input_create_or_fail();
	hb_set_t *unicodes, *dropped;
	hb_face_t *subset;
	hb_blob_t *result;
	size_t i;

	if (input == NULL)
		return NULL;
	unicodes = hb_subset_input_unicode_set(input);
	for (i = 0; i < f->count; i++)
		hb_set_add(unicodes, f->code_points[i]);
	dropped = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (i = 0; i < sizeof(unneeded_tables) / sizeof(unneeded_tables[0]); i++)
		hb_set_add(dropped, unneeded_tables[i]);
	hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING);
	subset = hb_subset_or_fail(face, input);
	hb_subset_input_destroy(input);
	if (subset == NULL)
		return NULL;
	result = hb_face_reference_blob(subset);
	hb_face_destroy(subset);
	return result;
}

/* Copies a font program into an anonymous memory file.  libharu 2.3.0 can
 * load fonts only by file name, and this avoids a temporary file. */
static int
write_memfd(writer *w, hb_blob_t *blob)
{
	unsigned length;
	const char *data = hb_blob_get_data(blob, &length);
	int fd = memfd_create("gkreport-font", MFD_CLOEXEC);
	size_t done = 0;
	ssize_t n;

	if (fd < 0) {
		writer_error(w, "memfd_create failed: %s", strerror(errno));
		return -1;
	}
	while (done < length) {
		n = write(fd, data + done, length - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			writer_error(w, "cannot write font subset to memfd: %s",
			             n < 0 ? strerror(errno) : "no progress");
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return fd;
}

/* Produces the subset font program of one used font in a memfd (f->memfd),
 * with all checks on the source file reported against its path. */
static bool
make_font_subset(writer *w, embedded_font *f, const page_font *source)
{
	hb_face_t *face = open_font_face(w, source);
	hb_blob_t *subset;

	if (face == NULL)
		return false;
	if (!face_covers(w, face, f, source)) {
		hb_face_destroy(face);
		return false;
	}
	subset = subset_face(face, f);
	hb_face_destroy(face);
	if (subset == NULL || hb_blob_get_length(subset) == 0) {
		writer_error(w, "HarfBuzz could not subset font %s (face %d)",
		             source->path, source->face_index);
		hb_blob_destroy(subset);
		return false;
	}
	f->memfd = write_memfd(w, subset);
	hb_blob_destroy(subset);
	return f->memfd >= 0;
}

/* ---- loading fonts into libharu ---------------------------------------- */

/* True when an earlier font already got this name: libharu then silently
 * returns the earlier font instead of loading the new one. */
static bool
font_name_taken(const writer *w, size_t index, const char *name)
{
	size_t i;

	for (i = 0; i < index; i++)
		if (w->fonts[i].name != NULL && strcmp(w->fonts[i].name, name) == 0)
			return true;
	return false;
}

/* Loads one subset font from its memfd as an embedded Type0 font with the
 * UTF-8 encoder, so the CIDs in the content stream are BMP code points. */
static bool
load_font(writer *w, size_t index)
{
	embedded_font *f = &w->fonts[index];
	const page_font *source = &w->doc->fonts[index];
	char path[64];
	const char *name;

	if (!make_font_subset(w, f, source))
		return false;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", f->memfd);
	name = HPDF_LoadTTFontFromFile(w->pdf, path, HPDF_TRUE);
	if (!haru_got(w, name, "load the font subset"))
		return false;
	if (font_name_taken(w, index, name)) {
		writer_error(w, "font %s (face %d) has the same PostScript name "
		             "%s as another font; libharu cannot embed both",
		             source->path, source->face_index, name);
		return false;
	}
	f->name = name;
	f->font = HPDF_GetFont(w->pdf, name, "UTF-8");
	return haru_got(w, f->font, "create the font");
}

/* Loads every font some run draws with; unused entries of doc->fonts
 * (and duplicates of another entry) are skipped. */
static bool
load_fonts(writer *w)
{
	size_t i;

	for (i = 0; i < w->doc->font_count; i++) {
		if (w->fonts[i].canonical != i || w->fonts[i].count == 0)
			continue;
		if (!load_font(w, i))
			return false;
	}
	return true;
}

/* ---- drawing ----------------------------------------------------------- */

/* Checks a rule's numbers before drawing, for the same reason as for runs:
 * libharu would clamp or fail half-way through the page. */
static bool
rule_is_valid(writer *w, size_t page_no, const rule *r)
{
	if (fabs(r->x0) <= PDF_MAX_COORD && fabs(r->y0) <= PDF_MAX_COORD &&
	    fabs(r->x1) <= PDF_MAX_COORD && fabs(r->y1) <= PDF_MAX_COORD &&
	    r->width > 0 && r->width <= 100)
		return true;
	writer_error(w, "page %zu: rule has an invalid position or width",
	             page_no);
	return false;
}

/* Strokes all rules, consecutive rules of one width in a single path.
 * Projecting square caps extend each end by half the width, so a rule
 * ending on a perpendicular rule of the same width fills the corner square
 * (butt caps leave a notch there); the layout gives rules exact end points
 * at the centre lines of the rules they meet. */
static bool
draw_rules(writer *w, HPDF_Page hp, const page *pg, size_t page_no)
{
	const rule *r;
	double width = -1;
	HPDF_STATUS s = HPDF_OK;
	size_t i;

	if (pg->rule_count == 0)
		return true;
	s = HPDF_Page_SetLineCap(hp, HPDF_PROJECTING_SCUARE_END);
	for (i = 0; i < pg->rule_count && s == HPDF_OK; i++) {
		r = &pg->rules[i];
		if (!rule_is_valid(w, page_no, r))
			return false;
		if (r->width != width) {
			if (width > 0)
				s = HPDF_Page_Stroke(hp);
			if (s == HPDF_OK)
				s = HPDF_Page_SetLineWidth(hp, (HPDF_REAL)r->width);
			width = r->width;
		}
		if (s == HPDF_OK)
			s = HPDF_Page_MoveTo(hp, (HPDF_REAL)r->x0, (HPDF_REAL)r->y0);
		if (s == HPDF_OK)
			s = HPDF_Page_LineTo(hp, (HPDF_REAL)r->x1, (HPDF_REAL)r->y1);
	}
	if (s == HPDF_OK)
		s = HPDF_Page_Stroke(hp);
	return haru_ok(w, s, "draw the rules");
}

/* Emits Tf, Tc and the fill gray only when they change from the previous
 * run: they are state, which persists between runs inside one BT/ET. */
static HPDF_STATUS
set_run_state(writer *w, HPDF_Page hp, text_state *st, const text_run *run)
{
	HPDF_Font font = w->fonts[w->fonts[run->font].canonical].font;
	HPDF_STATUS s = HPDF_OK;

	if (font != st->font || run->size != st->size) {
		s = HPDF_Page_SetFontAndSize(hp, font, (HPDF_REAL)run->size);
		st->font = font;
		st->size = run->size;
	}
	if (s == HPDF_OK && run->char_spacing != st->char_spacing) {
		s = HPDF_Page_SetCharSpace(hp, (HPDF_REAL)run->char_spacing);
		st->char_spacing = run->char_spacing;
	}
	if (s == HPDF_OK && run->gray != st->gray) {
		s = HPDF_Page_SetGrayFill(hp, (HPDF_REAL)run->gray);
		st->gray = run->gray;
	}
	return s;
}

/* Positions a run turned 90 degrees counter-clockwise (a landscape table
 * on a portrait page), or the first upright run after one: an absolute
 * text matrix, since Td would move along the rotated axes. */
static HPDF_STATUS
set_text_matrix(HPDF_Page hp, text_state *st, const text_run *run)
{
	HPDF_REAL x = (HPDF_REAL)run->x, y = (HPDF_REAL)run->y;

	st->x = x;
	st->y = y;
	st->matrix_set = run->rotation != 0;
	if (run->rotation != 0)
		return HPDF_Page_SetTextMatrix(hp, 0, 1, -1, 0, x, y);
	return HPDF_Page_SetTextMatrix(hp, 1, 0, 0, 1, x, y);
}

/* Draws one run: Td relative to the previous line start, then Tj.  The
 * pen is tracked in float like libharu's own, so offsets do not drift. */
static HPDF_STATUS
draw_run(writer *w, HPDF_Page hp, text_state *st, const text_run *run)
{
	HPDF_REAL dx = (HPDF_REAL)(run->x - st->x);
	HPDF_REAL dy = (HPDF_REAL)(run->y - st->y);
	HPDF_STATUS s;

	if (run->length == 0)
		return HPDF_OK;
	s = set_run_state(w, hp, st, run);
	if (run->rotation != 0 || st->matrix_set) {
		if (s == HPDF_OK)
			s = set_text_matrix(hp, st, run);
	} else {
		if (s == HPDF_OK)
			s = HPDF_Page_MoveTextPos(hp, dx, dy);
		st->x += dx;
		st->y += dy;
	}
	if (s == HPDF_OK)
		s = HPDF_Page_ShowText(hp, arena_strndup(w->mem, run->text,
		                                          run->length));
	return s;
}

/* Draws all runs of a page inside a single BT/ET, which keeps the content
 * stream small and the graphics-state nesting flat (no q/Q at all). */
static bool
draw_runs(writer *w, HPDF_Page hp, const page *pg)
{
	text_state st = { NULL, 0, 0, 0, 0, 0, false };
	HPDF_STATUS s;
	size_t i;

	if (pg->run_count == 0)
		return true;
	s = HPDF_Page_BeginText(hp);
	for (i = 0; i < pg->run_count && s == HPDF_OK; i++)
		s = draw_run(w, hp, &st, &pg->runs[i]);
	if (s == HPDF_OK)
		s = HPDF_Page_EndText(hp);
	return haru_ok(w, s, "draw the text");
}

/* Adds one page of the given size and draws its rules, then its text. */
static bool
draw_page(writer *w, const page *pg, size_t page_no)
{
	HPDF_Page hp = HPDF_AddPage(w->pdf);
	HPDF_STATUS s;

	if (!haru_got(w, hp, "add a page"))
		return false;
	s = HPDF_Page_SetWidth(hp, (HPDF_REAL)pg->width);
	if (s == HPDF_OK)
		s = HPDF_Page_SetHeight(hp, (HPDF_REAL)pg->height);
	if (!haru_ok(w, s, "set the page size"))
		return false;
	return draw_rules(w, hp, pg, page_no) && draw_runs(w, hp, pg);
}

/* ---- rewriting the font dictionaries libharu built -------------------- */

/* Appends formatted text to a libharu stream (all lines here are short). */
static HPDF_STATUS __attribute__((format(printf, 2, 3)))
stream_printf(HPDF_Stream stream, const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return HPDF_Stream_WriteStr(stream, line);
}

/* Groups the sorted code points into bfrange-able runs: consecutive codes
 * that share the high byte (a bfrange must not cross it).  Returns count. */
static size_t
group_cmap_entries(writer *w, const embedded_font *f, cmap_entry **out)
{
	cmap_entry *e = arena_calloc(w->mem, f->count, sizeof(*e));
	size_t i, n = 0;
	uint32_t cp;

	for (i = 0; i < f->count; i++) {
		cp = f->code_points[i];
		if (n > 0 && cp == e[n - 1].last + 1 &&
		    (cp >> 8) == (e[n - 1].first >> 8))
			e[n - 1].last = cp;
		else
			e[n++] = (cmap_entry){ cp, cp };
	}
	*out = e;
	return n;
}

/* Writes the bfchar and bfrange blocks, at most 100 lines each, taking
 * consecutive entries of one kind (single or range) per block. */
static HPDF_STATUS
write_cmap_blocks(HPDF_Stream s, const cmap_entry *e, size_t n)
{
	HPDF_STATUS st = HPDF_OK;
	size_t i = 0, j, k;
	bool single;

	while (i < n && st == HPDF_OK) {
		single = e[i].first == e[i].last;
		for (j = i; j < n && j - i < CMAP_BLOCK_MAX &&
		     (e[j].first == e[j].last) == single; j++)
			;
		st = stream_printf(s, "%zu %s\n", j - i,
		                   single ? "beginbfchar" : "beginbfrange");
		for (k = i; k < j && st == HPDF_OK; k++)
			st = single
			    ? stream_printf(s, "<%04X> <%04X>\n",
			                    (unsigned)e[k].first, (unsigned)e[k].first)
			    : stream_printf(s, "<%04X> <%04X> <%04X>\n",
			                    (unsigned)e[k].first, (unsigned)e[k].last,
			                    (unsigned)e[k].first);
		if (st == HPDF_OK)
			st = HPDF_Stream_WriteStr(s, single ? "endbfchar\n"
			                                    : "endbfrange\n");
		i = j;
	}
	return st;
}

/* Writes a standard Adobe-Identity-UCS ToUnicode CMap; with the UTF-8
 * encoder each 2-byte code (CID) is the BMP code point it stands for. */
static HPDF_STATUS
write_to_unicode_cmap(writer *w, HPDF_Stream s, const embedded_font *f)
{
	cmap_entry *entries;
	size_t n = group_cmap_entries(w, f, &entries);
	HPDF_STATUS st;

	st = HPDF_Stream_WriteStr(s,
	    "/CIDInit /ProcSet findresource begin\n"
	    "12 dict begin\n"
	    "begincmap\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
	    "/Supplement 0 >> def\n"
	    "/CMapName /Adobe-Identity-UCS def\n"
	    "/CMapType 2 def\n"
	    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	if (st == HPDF_OK)
		st = write_cmap_blocks(s, entries, n);
	if (st == HPDF_OK)
		st = HPDF_Stream_WriteStr(s, "endcmap\n"
		    "CMapName currentdict /CMap defineresource pop\n"
		    "end\nend\n");
	return st;
}

/* Replaces libharu's ToUnicode (a CID CMap with an invalid begincidrange
 * that poppler warns about) in place, keeping its object and filter. */
static bool
replace_to_unicode(writer *w, const embedded_font *f)
{
	HPDF_FontAttr attr = (HPDF_FontAttr)f->font->attr;
	HPDF_Dict cmap = attr->cmap_stream;
	static const char *const cid_cmap_keys[] = {
		"Type", "CMapName", "CIDSystemInfo", "WMode"
	};
	size_t i;

	if (cmap == NULL)
		return haru_got(w, NULL, "find the ToUnicode CMap");
	HPDF_MemStream_FreeData(cmap->stream);
	for (i = 0; i < sizeof(cid_cmap_keys) / sizeof(cid_cmap_keys[0]); i++)
		(void)HPDF_Dict_RemoveElement(cmap, cid_cmap_keys[i]);
	return haru_ok(w, write_to_unicode_cmap(w, cmap->stream, f),
	               "write the ToUnicode CMap");
}

/* Looks up the glyph id libharu maps each used code point to; 0 would
 * mean libharu's cmap parser missed a glyph HarfBuzz kept. */
static bool
find_glyph_ids(writer *w, const embedded_font *f, HPDF_UINT16 *gids)
{
	HPDF_FontDef def = ((HPDF_FontAttr)f->font->attr)->fontdef;
	size_t i;

	for (i = 0; i < f->count; i++) {
		gids[i] = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)f->code_points[i]);
		if (gids[i] == 0) {
			writer_error(w, "PDF writer: libharu found no glyph for "
			             "U+%04X in the subset of font %s",
			             (unsigned)f->code_points[i], f->name);
			return false;
		}
	}
	return true;
}

/* Orders widths ascending, for finding the most common one. */
static int
compare_widths(const void *a, const void *b)
{
	int x = *(const HPDF_INT16 *)a, y = *(const HPDF_INT16 *)b;

	return (x > y) - (x < y);
}

/* The most frequent width (the smallest on a tie), used as /DW so that
 * /W needs to list only the exceptions (digits, Latin, punctuation). */
static HPDF_INT16
most_common_width(writer *w, const HPDF_INT16 *widths, size_t n)
{
	HPDF_INT16 *sorted = arena_calloc(w->mem, n, sizeof(*sorted));
	HPDF_INT16 best = widths[0];
	size_t i, run, best_run = 0;

	memcpy(sorted, widths, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), compare_widths);
	for (i = 0; i < n; i += run) {
		for (run = 1; i + run < n && sorted[i + run] == sorted[i]; run++)
			;
		if (run > best_run) {
			best_run = run;
			best = sorted[i];
		}
	}
	return best;
}

/* Builds /W for the used codes whose width differs from dw, as
 * "first [w w ...]" groups of consecutive codes. */
static HPDF_Array
build_width_array(HPDF_Dict cid_font, const embedded_font *f,
                  const HPDF_INT16 *widths, HPDF_INT16 dw)
{
	HPDF_Array w_array = HPDF_Array_New(cid_font->mmgr);
	HPDF_Array group = NULL;
	HPDF_STATUS s = w_array != NULL ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM;
	size_t i;

	for (i = 0; i < f->count && s == HPDF_OK; i++) {
		if (widths[i] == dw) {
			group = NULL;
			continue;
		}
		if (group == NULL || f->code_points[i] != f->code_points[i - 1] + 1) {
			s = HPDF_Array_AddNumber(w_array, (HPDF_INT32)f->code_points[i]);
			group = s == HPDF_OK ? HPDF_Array_New(cid_font->mmgr) : NULL;
			s = group != NULL ? HPDF_Array_Add(w_array, group)
			                  : HPDF_FAILD_TO_ALLOC_MEM;
		}
		if (s == HPDF_OK)
			s = HPDF_Array_AddNumber(group, widths[i]);
	}
	return s == HPDF_OK ? w_array : NULL;
}

/* Rewrites /DW and /W of the CIDFont for the used codes only.  libharu
 * takes /DW from glyph 0 and lists every other width of the whole font;
 * the values stay floor(advance * 1000 / unitsPerEm), libharu's own. */
static bool
compact_widths(writer *w, const embedded_font *f, const HPDF_UINT16 *gids)
{
	HPDF_FontAttr attr = (HPDF_FontAttr)f->font->attr;
	HPDF_Dict cid_font = attr->descendant_font;
	HPDF_INT16 *widths = arena_calloc(w->mem, f->count, sizeof(*widths));
	HPDF_INT16 dw;
	HPDF_Array w_array;
	size_t i;

	for (i = 0; i < f->count; i++)
		widths[i] = HPDF_TTFontDef_GetGidWidth(attr->fontdef, gids[i]);
	dw = most_common_width(w, widths, f->count);
	if (!haru_ok(w, HPDF_Dict_AddNumber(cid_font, "DW", dw), "set /DW"))
		return false;
	w_array = build_width_array(cid_font, f, widths, dw);
	if (!haru_got(w, w_array, "build /W"))
		return false;
	return haru_ok(w, HPDF_Dict_Add(cid_font, "W", w_array), "set /W");
}

/* Rewrites CIDToGIDMap to end at the highest used code point: libharu
 * writes 131,070 bytes (every BMP code) before compression. */
static bool
trim_cid_to_gid_map(writer *w, const embedded_font *f, const HPDF_UINT16 *gids)
{
	HPDF_Dict map = ((HPDF_FontAttr)f->font->attr)->map_stream;
	size_t size = ((size_t)f->code_points[f->count - 1] + 1) * 2;
	HPDF_BYTE *bytes = arena_alloc(w->mem, size);
	size_t i, at;

	if (map == NULL)
		return haru_got(w, NULL, "find the CIDToGIDMap");
	for (i = 0; i < f->count; i++) {
		at = (size_t)f->code_points[i] * 2;
		bytes[at] = (HPDF_BYTE)(gids[i] >> 8);
		bytes[at + 1] = (HPDF_BYTE)gids[i];
	}
	HPDF_MemStream_FreeData(map->stream);
	return haru_ok(w, HPDF_Stream_Write(map->stream, bytes, (HPDF_UINT)size),
	               "write the CIDToGIDMap");
}

/* Applies all font-dictionary rewrites to every embedded font.  They only
 * touch objects libharu created at HPDF_GetFont time, before saving. */
static bool
finish_fonts(writer *w)
{
	embedded_font *f;
	HPDF_UINT16 *gids;
	size_t i;

	for (i = 0; i < w->doc->font_count; i++) {
		f = &w->fonts[i];
		if (f->font == NULL)
			continue;
		gids = arena_calloc(w->mem, f->count, sizeof(*gids));
		if (!find_glyph_ids(w, f, gids) || !replace_to_unicode(w, f) ||
		    !compact_widths(w, f, gids) || !trim_cid_to_gid_map(w, f, gids))
			return false;
	}
	return true;
}

/* ---- document setup and output ----------------------------------------- */

/* Sets one Info entry; UTF-8 is checked here because libharu's encoder
 * would silently turn bad bytes into other characters. */
static bool
set_info(writer *w, HPDF_InfoType type, const char *value, const char *label)
{
	if (value == NULL)
		return true;
	if (!utf8_validate(value, strlen(value), NULL)) {
		writer_error(w, "PDF %s is not valid UTF-8", label);
		return false;
	}
	return haru_ok(w, HPDF_SetInfoAttr(w->pdf, type, value),
	               "set the document information");
}

/* Writes the Info fields from meta; no dates, so output is reproducible.
 * They come out as UTF-16BE because the UTF-8 encoder is current. */
static bool
set_metadata(writer *w, const pdf_metadata *meta)
{
	if (meta == NULL)
		return true;
	return set_info(w, HPDF_INFO_TITLE, meta->title, "title") &&
	       set_info(w, HPDF_INFO_AUTHOR, meta->author, "author") &&
	       set_info(w, HPDF_INFO_SUBJECT, meta->subject, "subject") &&
	       set_info(w, HPDF_INFO_KEYWORDS, meta->keywords, "keywords") &&
	       set_info(w, HPDF_INFO_CREATOR, meta->creator, "creator");
}

/* Creates the document: full compression, and the UTF-8 encoder, which
 * both the fonts and the Info strings (UTF-16BE) depend on. */
static bool
create_document(writer *w)
{
	HPDF_STATUS s;

	w->pdf = HPDF_New(record_haru_error, &w->error);
	if (!haru_got(w, w->pdf, "create a PDF document"))
		return false;
	s = HPDF_SetCompressionMode(w->pdf, HPDF_COMP_ALL);
	if (s == HPDF_OK)
		s = HPDF_UseUTFEncodings(w->pdf);
	if (s == HPDF_OK)
		s = HPDF_SetCurrentEncoder(w->pdf, "UTF-8");
	return haru_ok(w, s, "set up the PDF document");
}

/* Saves the document into libharu's memory stream and copies it into a
 * malloc'd buffer for the caller.  Reaching the end reads as EOF. */
static bool
save_document(writer *w, unsigned char **out, size_t *out_size)
{
	HPDF_UINT32 size, got;
	HPDF_STATUS s;
	unsigned char *buffer;

	if (!haru_ok(w, HPDF_SaveToStream(w->pdf), "save the PDF"))
		return false;
	size = HPDF_GetStreamSize(w->pdf);
	buffer = malloc(size > 0 ? size : 1);
	if (buffer == NULL) {
		writer_error(w, "out of memory for a %u-byte PDF", (unsigned)size);
		return false;
	}
	got = size;
	s = size > 0 ? HPDF_ReadFromStream(w->pdf, buffer, &got) : HPDF_OK;
	if (s == HPDF_STREAM_EOF && got == size) {
		w->error.code = HPDF_OK;
		HPDF_ResetError(w->pdf);
		s = HPDF_OK;
	} else if (s == HPDF_OK && got != size)
		s = HPDF_STREAM_EOF;
	if (!haru_ok(w, s, "read the saved PDF")) {
		free(buffer);
		return false;
	}
	*out = buffer;
	*out_size = size;
	return true;
}

/* Runs the stages in order; each reports its own errors. */
static bool
write_document(writer *w, const pdf_metadata *meta, unsigned char **out,
               size_t *out_size)
{
	size_t p;

	find_canonical_fonts(w);
	if (!collect_code_points(w) || !create_document(w) ||
	    !set_metadata(w, meta) || !load_fonts(w))
		return false;
	for (p = 0; p < w->doc->count; p++)
		if (!draw_page(w, &w->doc->items[p], p + 1))
			return false;
	return finish_fonts(w) && save_document(w, out, out_size);
}

/* Frees the libharu document first (it may still read the font memfds),
 * then closes the memfds and the scratch arena. */
static void
release_writer(writer *w)
{
	size_t i;

	if (w->pdf != NULL)
		HPDF_Free(w->pdf);
	for (i = 0; w->fonts != NULL && i < w->doc->font_count; i++)
		if (w->fonts[i].memfd >= 0)
			close(w->fonts[i].memfd);
	arena_destroy(w->mem);
}

/* The entry point (see pdf_writer.h): one writer, one HPDF_Doc and one
 * scratch arena per call, all released before returning. */
bool
pdf_write(const pages *doc, const pdf_metadata *meta, unsigned char **out,
          size_t *out_size, diag_sink *diag)
{
	writer w = { doc, diag, NULL, NULL, NULL, { HPDF_OK, 0 } };
	bool ok;

	*out = NULL;
	*out_size = 0;
	if (doc->count == 0) {
		diag_error(diag, source_pos_file(NULL),
		           "PDF writer: the document has no pages");
		return false;
	}
	w.mem = arena_create();
	w.fonts = arena_calloc(w.mem, doc->font_count, sizeof(*w.fonts));
	ok = write_document(&w, meta, out, out_size);
	release_writer(&w);
	return ok;
}
