/*
 * pdf_writer.c - draws pages into a PDF with Debian's libharu 2.3.0.
 *
 * libharu is used for its object layer only (dictionaries, streams, the
 * cross-reference table, Flate, saving).  Fonts, content streams, the
 * outline, Info, XMP, /ID, the output intent and attached files are built
 * here, because libharu's own versions are wrong or missing for PDF/A and
 * for CJK text (spec/libharu.md): each font is read with sfnt.h (cmap,
 * advances, FontDescriptor values, PostScript name, as HarfBuzz gave
 * them), subset (by copying its kept glyphs, cff_subset.h and
 * tt_subset.h; HarfBuzz, loaded only then, for fonts those refuse:
 * harfbuzz_subset.h) and embedded as a Type0 font, so characters above
 * U+FFFF draw like any other.  A TrueType subset becomes a CIDFontType2
 * whose CIDs are its glyph ids; a CFF subset (Noto CJK, Fandol) becomes
 * a CIDFontType0 with its bare CFF table as FontFile3 /CIDFontType0C, and
 * its CIDs are those of the subset's charset (archive.md 1.3: not the
 * glyph ids for Fandol).
 * One HPDF_Doc per call and no mutable globals: documents can be written
 * in parallel.
 */
#include "pdf_writer.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libdeflate.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_encrypt.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include "arena.h"
#include "cff.h"
#include "cff_bounds.h"
#include "cff_subset.h"
#include "font_files.h"
#include "harfbuzz_subset.h"
#include "sfnt.h"
#include "timing.h"
#include "tt_subset.h"
#include "utf8.h"

#define SRGB_PROFILE_PATH "/usr/share/color/icc/sRGB.icc"
#define SRGB_CONDITION "sRGB IEC61966-2.1"
#define CMAP_BLOCK_MAX 100      /* entries per bfchar/bfrange block (PDF limit) */
#define WIDTH_GROUP_MAX 4096    /* widths per /W sub-array (limit 8191) */
#define PDF_MAX_COORD 32767.0   /* the largest real PDF/A allows */
#define OUTLINE_DEPTH_MAX 8
#define INFO_FIELD_COUNT 5
#define NUMBER_EXACT_LIMIT 40000.0  /* put_number: 40000 * 100000 < 2^32 */
#define FONT_THREADS_MAX 4      /* prepare_fonts: a report has about 7 fonts */
#define CODE_PAGE_SHIFT 12      /* code_set: 4096 characters a page */
#define CODE_PAGE_MASK ((1u << CODE_PAGE_SHIFT) - 1)
#define CODE_PAGE_WORDS ((1u << CODE_PAGE_SHIFT) / 64)
#define CODE_PAGES ((0x10FFFFu >> CODE_PAGE_SHIFT) + 1)

/* libdeflate's level for every compressed stream.  Measured on the seed
 * report's streams (303 KB raw, mostly CFF programs): level 1 takes
 * 2.0 ms for 196.9 KB, 6 takes 3.6 ms for 194.5 KB, 9 5.1 ms for
 * 194.3 KB, 10-12 (near-optimal parsing) 13-23 ms for 192 KB; zlib's
 * level 6 took 7.0 ms for 195.0 KB.  Font programs, nine tenths of the
 * bytes, shrink by a fifth whatever the level, so level 1 is taken: over
 * 300 generated reports it needs 19 % less CPU than level 6 (batch
 * throughput) for files 1.2 % larger (176.5 against 174.4 KB). */
#define FLATE_LEVEL 1

/* The last error libharu reported through its handler. */
typedef struct haru_error {
	HPDF_STATUS code;
	HPDF_STATUS detail;
} haru_error;

/* How a font's outlines are stored, which decides how it is embedded
 * (program_embedding).  CFF2 (variable fonts) is refused. */
typedef enum program_kind {
	PROGRAM_TRUETYPE,
	PROGRAM_CFF
} program_kind;

/* FontDescriptor values, in thousandths of an em. */
typedef struct font_metrics {
	int bbox[4];
	int ascent, descent, cap_height, stem_v, flags;
	double italic_angle;
} font_metrics;

/* A subset font program and what its PDF dictionaries say about it.
 * The per-glyph arrays are indexed by the subset's glyph id; a TrueType
 * glyph's CID is its glyph id (/CIDToGIDMap /Identity), a CFF glyph's CID
 * comes from the subset's charset. */
typedef struct font_program {
	program_kind kind;
	const unsigned char *data; /* the sfnt (TrueType) or bare CFF table
	                            (the font's arena's), NULL once packed */
	unsigned char *packed;   /* data Flate-compressed, for the font file */
	size_t packed_size;
	unsigned size;           /* data's length (/Length1) */
	unsigned glyph_count;
	int *widths;             /* per glyph: floor(advance * 1000 / unitsPerEm) */
	uint32_t *unicode_of_glyph; /* per glyph: the character it shows, 0 if none */
	uint32_t *cid_of_glyph;  /* per glyph: its CID */
	unsigned *by_cid;        /* the glyphs in ascending CID order */
	unsigned cid_limit;      /* highest CID + 1 */
	int default_width;       /* /DW: the most common width of drawn CIDs */
	char base_font[128];     /* subset tag + '+' + PostScript name */
	char registry[CFF_NAME_MAX], ordering[CFF_NAME_MAX];  /* CIDSystemInfo */
	int supplement;
	font_metrics metrics;
} font_program;

/* 4096 characters of a code_set, a bit each, with the rank (index in
 * the sorted list) of the first character of each 64-bit word. */
typedef struct code_page {
	uint64_t bits[CODE_PAGE_WORDS];
	uint32_t rank[CODE_PAGE_WORDS];
} code_page;

/* A set of characters: pages of bits while it is filled, then the
 * characters in ascending order, each known by its rank there. */
typedef struct code_set {
	code_page **pages;       /* CODE_PAGES entries, NULL: none there */
	uint32_t *sorted;        /* after code_set_finish */
	size_t count;
} code_set;

/* A source face: the file's mapping (a reference) and its parsed
 * directory, kept by pdf_font_cache between documents. */
typedef struct source_face {
	font_file *file;
	sfnt_face sfnt;
	program_kind kind;
} source_face;

/* One entry of doc->fonts, and what embedding it needs. */
typedef struct embedded_font {
	size_t canonical;        /* first doc->fonts entry with the same file+face */
	code_set chars;          /* characters drawn with it (canonical only) */
	source_face *face;       /* the source face (the writer's or the cache's) */
	bool face_cached;        /* the font cache owns face */
	arena *mem;              /* what preparing it allocated (its thread's) */
	uint32_t *glyph_of;      /* per character of chars: its source glyph */
	uint32_t *cid_of;        /* per character: its subset glyph, then CID */
	font_program program;
	HPDF_Dict dict;          /* the Type0 font */
	char resource[24];       /* its name in page resources: F1, F2, ... */
} embedded_font;

/* A bookmark while the outline tree is built. */
typedef struct outline_node {
	HPDF_Dict dict;
	struct outline_node *parent, *first, *last;
	size_t descendants;
} outline_node;

/* Bytes being put together before they become a stream (content,
 * ToUnicode, XMP): one malloc'd buffer per writer, emptied and reused
 * for every stream, so a stream is handed to libharu in one write. */
typedef struct byte_buffer {
	char *data;
	size_t size, capacity;
	bool failed;             /* out of memory: later appends do nothing */
} byte_buffer;

/* One face of pdf_font_cache, checked as open_font_file checks it. */
typedef struct cached_face {
	char *path;
	int face_index;
	source_face *face;
} cached_face;

struct pdf_font_cache {
	cached_face *items;
	size_t count, capacity;
};

typedef struct writer {
	const pages *doc;
	const pdf_metadata *meta;
	pdf_write_options opt;
	diag_sink *diag;
	arena *mem;
	embedded_font *fonts;    /* parallel to doc->fonts */
	HPDF_Doc pdf;
	HPDF_Page *page_objects; /* parallel to doc->items */
	const char *info[INFO_FIELD_COUNT];  /* normalised Title..Creator */
	haru_error error;
	byte_buffer text;        /* the stream being written */
	struct libdeflate_compressor *deflater;   /* created on first use */
	unsigned char *deflated; /* the compressed stream, reused */
	size_t deflated_capacity;
} writer;

/* The pen state inside one page's text object, to emit only changes. */
typedef struct text_state {
	size_t font;             /* canonical index; SIZE_MAX before the first */
	double size;
	double char_spacing;
	double gray;             /* fill gray; PDF starts every page black (0) */
	double x, y;             /* start of the current line */
	bool matrix_set;         /* Tm was set absolutely (a rotated run came last) */
} text_state;

/* One ToUnicode line: CIDs first..last show first_char, first_char+1, ... */
typedef struct cmap_entry {
	uint32_t first, last, first_char;
} cmap_entry;

/* The Info keys written from pdf_metadata, in this order (w->info). */
static const char *const info_keys[INFO_FIELD_COUNT] = {
	"Title", "Author", "Subject", "Keywords", "Creator"
};

/* The PDF objects each program kind is embedded as: a CFF program is a
 * CIDFontType0 with FontFile3 /CIDFontType0C, which takes no CIDToGIDMap. */
static const struct {
	const char *cid_font_subtype;
	const char *font_file_key;
	const char *font_file_subtype;   /* NULL: none (FontFile2) */
	bool identity_cid_to_gid;        /* /CIDToGIDMap /Identity (TrueType only) */
} program_embedding[] = {
	[PROGRAM_TRUETYPE] = { "CIDFontType2", "FontFile2", NULL, true },
	[PROGRAM_CFF] = { "CIDFontType0", "FontFile3", "CIDFontType0C", false },
};

static const char *const af_relationships[] = {
	"Source", "Data", "Alternative", "Supplement", "EncryptedPayload",
	"FormData", "Schema", "Unspecified"
};

static const struct {
	HPDF_STATUS code;
	const char *text;
} haru_messages[] = {
	{ HPDF_FAILD_TO_ALLOC_MEM, "out of memory" },
	{ HPDF_INVALID_DOCUMENT, "the document is in an error state" },
	{ HPDF_PAGE_INVALID_SIZE, "page size out of range (3 to 14400 pt)" },
	{ HPDF_INVALID_PARAMETER, "invalid parameter" },
	{ HPDF_INVALID_OBJECT, "invalid object" },
	{ HPDF_ZLIB_ERROR, "compression (zlib) error" },
	{ HPDF_STREAM_EOF, "unexpected end of stream" },
	{ HPDF_STRING_OUT_OF_RANGE, "string too long" },
	{ HPDF_NAME_OUT_OF_RANGE, "name too long" },
	{ HPDF_DICT_COUNT_ERR, "too many dictionary entries" },
	{ HPDF_ARRAY_COUNT_ERR, "too many array elements" },
	{ HPDF_XREF_COUNT_ERR, "too many objects" },
};

/* ---- diagnostics ------------------------------------------------------- */

/* libharu's error handler: keeps the first error for the caller to report
 * (later ones are consequences).  Every status is checked as well. */
static void HPDF_STDCALL
record_haru_error(HPDF_STATUS code, HPDF_STATUS detail, void *user_data)
{
	haru_error *error = user_data;

	if (error->code != HPDF_OK)
		return;
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

/* ---- small encoders ---------------------------------------------------- */

/* Writes n in decimal at out; returns the number of digits. */
static size_t
put_decimal(char *out, unsigned long long n)
{
	char digits[24];
	size_t count = 0, i;

	do {
		digits[count++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	for (i = 0; i < count; i++)
		out[i] = digits[count - 1 - i];
	return count;
}

/* Writes four upper-case hex digits of a 16-bit value (a CID or a UTF-16
 * unit; "%04X" would write more for a larger one, which none is). */
static void
put_hex4(char *out, unsigned value)
{
	static const char digits[] = "0123456789ABCDEF";

	out[0] = digits[(value >> 12) & 15];
	out[1] = digits[(value >> 8) & 15];
	out[2] = digits[(value >> 4) & 15];
	out[3] = digits[value & 15];
}

/* What format_number wrote and put_number matches: "%.5f" with trailing
 * zeros and point dropped, "-0" as "0".  Only for values put_number
 * cannot round exactly itself. */
static size_t
put_number_by_printf(char out[32], double value)
{
	size_t n;

	snprintf(out, 32, "%.5f", value);
	n = strlen(out);
	while (n > 0 && out[n - 1] == '0')
		n--;
	if (n > 0 && out[n - 1] == '.')
		n--;
	if (n == 2 && memcmp(out, "-0", 2) == 0) {
		out[0] = '0';
		n = 1;
	}
	return n;
}

/* Writes a coordinate or size with at most five decimals (as libharu
 * did) and no trailing zeros: 0.00001 pt is below any device's precision.
 * The same bytes as put_number_by_printf, in integer arithmetic (printf
 * of doubles was a visible cost): |value| * 100000 is below 2^32 here, so
 * the product is off the exact one by at most 2^-21 and rounds the same
 * way unless it lies within 1e-6 of a tie, which goes to printf (it rounds
 * the exact binary value).  Returns the length (out is not terminated). */
static size_t
put_number(char out[32], double value)
{
	double magnitude = fabs(value), scaled = magnitude * 100000.0, whole;
	unsigned long long units;
	unsigned fraction;
	char decimals[5];
	size_t n = 0;
	int i, last;

	if (!(magnitude < NUMBER_EXACT_LIMIT))
		return put_number_by_printf(out, value);
	whole = floor(scaled);
	if (fabs(scaled - whole - 0.5) < 1e-6)
		return put_number_by_printf(out, value);
	units = (unsigned long long)whole + (scaled - whole > 0.5);
	if (units == 0) {
		out[0] = '0';
		return 1;
	}
	if (value < 0)
		out[n++] = '-';
	n += put_decimal(out + n, units / 100000);
	fraction = (unsigned)(units % 100000);
	if (fraction == 0)
		return n;
	for (i = 4; i >= 0; i--, fraction /= 10)
		decimals[i] = (char)('0' + fraction % 10);
	for (last = 4; decimals[last] == '0'; last--)
		;
	out[n++] = '.';
	memcpy(out + n, decimals, (size_t)last + 1);
	return n + (size_t)last + 1;
}

/* Rounds to the precision put_number writes, so that a pen position
 * tracked in sums of written values never drifts from the page's. */
static double
written_value(double value)
{
	return round(value * 100000.0) / 100000.0;
}

/* Encodes valid UTF-8 as a PDF text string: UTF-16BE with the byte order
 * mark, surrogate pairs above U+FFFF.  Returns the length in bytes. */
static size_t
utf16be_text(arena *mem, const char *text, size_t length, HPDF_BYTE **out)
{
	HPDF_BYTE *bytes = arena_alloc(mem, 2 + length * 4);
	size_t i = 0, n = 2, step;
	uint32_t cp, unit[2];
	int units, k;

	bytes[0] = 0xFE;
	bytes[1] = 0xFF;
	while (i < length && (step = utf8_decode(text + i, length - i, &cp)) > 0) {
		units = cp > 0xFFFF ? 2 : 1;
		unit[0] = cp > 0xFFFF ? 0xD800 + ((cp - 0x10000) >> 10) : cp;
		unit[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
		for (k = 0; k < units; k++) {
			bytes[n++] = (HPDF_BYTE)(unit[k] >> 8);
			bytes[n++] = (HPDF_BYTE)unit[k];
		}
		i += step;
	}
	*out = bytes;
	return n;
}

/* MD5 of some bytes with libharu's exported implementation (used for the
 * document /ID, subset tags and attachment checksums). */
static void
md5_digest(const void *data, size_t size, HPDF_BYTE digest[16])
{
	struct HPDF_MD5Context ctx;

	HPDF_MD5Init(&ctx);
	HPDF_MD5Update(&ctx, data, (HPDF_UINT32)size);
	HPDF_MD5Final(digest, &ctx);
}

/* ---- byte buffers ------------------------------------------------------ */

/* Makes room for extra more bytes; false, with the buffer marked failed
 * (fill_stream reports it), when memory runs out. */
static bool
buffer_reserve(byte_buffer *b, size_t extra)
{
	size_t room;
	char *grown;

	if (b->failed)
		return false;
	if (b->size + extra <= b->capacity)
		return true;
	room = b->capacity > 0 ? b->capacity : 4096;
	while (room < b->size + extra)
		room *= 2;
	if ((grown = realloc(b->data, room)) == NULL) {
		b->failed = true;
		return false;
	}
	b->data = grown;
	b->capacity = room;
	return true;
}

static void
buffer_append(byte_buffer *b, const void *data, size_t size)
{
	if (size > 0 && buffer_reserve(b, size)) {
		memcpy(b->data + b->size, data, size);
		b->size += size;
	}
}

static void
buffer_puts(byte_buffer *b, const char *text)
{
	buffer_append(b, text, strlen(text));
}

/* Appends a number as put_number writes it. */
static void
buffer_number(byte_buffer *b, double value)
{
	if (buffer_reserve(b, 32))
		b->size += put_number(b->data + b->size, value);
}

/* Appends numbers separated by spaces, then text (an operator). */
static void
buffer_numbers_op(byte_buffer *b, const double *values, size_t count,
                  const char *op)
{
	size_t i;

	for (i = 0; i < count; i++) {
		if (i > 0)
			buffer_append(b, " ", 1);
		buffer_number(b, values[i]);
	}
	buffer_puts(b, op);
}

/* Appends "<XXXX>": a CID, or a character of the BMP, in hex. */
static void
buffer_hex4(byte_buffer *b, unsigned value)
{
	if (buffer_reserve(b, 6)) {
		b->data[b->size] = '<';
		put_hex4(b->data + b->size + 1, value);
		b->data[b->size + 5] = '>';
		b->size += 6;
	}
}

/* Appends a count in decimal. */
static void
buffer_decimal(byte_buffer *b, size_t n)
{
	if (buffer_reserve(b, 24))
		b->size += put_decimal(b->data + b->size, n);
}

/* Appends formatted text (all lines here are short: at most 255 bytes,
 * as when they were written to libharu one by one). */
static void __attribute__((format(printf, 2, 3)))
buffer_printf(byte_buffer *b, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		buffer_append(b, line, (size_t)n < sizeof(line) ? (size_t)n
		                                                : sizeof(line) - 1);
}

/* The writer's buffer, emptied for the next stream. */
static byte_buffer *
begin_stream_text(writer *w)
{
	w->text.size = 0;
	return &w->text;
}

/* Writes text into an XML stream with the five markup characters
 * escaped, so any title stays well-formed XMP. */
static void
write_xml_text(byte_buffer *b, const char *text)
{
	size_t plain;

	while (*text != '\0') {
		plain = strcspn(text, "&<>\"'");
		buffer_append(b, text, plain);
		text += plain;
		if (*text == '\0')
			break;
		buffer_puts(b, *text == '&' ? "&amp;" : *text == '<' ? "&lt;"
		            : *text == '>' ? "&gt;" : *text == '"' ? "&quot;"
		            : "&apos;");
		text++;
	}
}

/* ---- libharu objects --------------------------------------------------- */

/* A dictionary that is its own object in the file (indirect), as font
 * descriptors, outline items and file specifications must be. */
static HPDF_Dict
new_indirect_dict(writer *w)
{
	HPDF_Dict dict = HPDF_Dict_New(w->pdf->mmgr);

	if (dict == NULL || HPDF_Xref_Add(w->pdf->xref, dict) != HPDF_OK)
		return NULL;
	return dict;
}

/* ---- streams, compressed with libdeflate ------------------------------- */

/* Records an error the next haru_ok reports, as libharu's handler would. */
static void
record_out_of_memory(writer *w)
{
	record_haru_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &w->error);
}

/* libharu calls this just before a stream dictionary's ">>".  Streams
 * are compressed here, not by libharu (its zlib at level 6 was the
 * slowest part of saving), so libharu sees FILTER_NONE, leaves out its
 * own /Filter, and this names the filter instead. */
static HPDF_STATUS
write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
	(void)dict;
	return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/* Compresses size bytes into w->deflated as a zlib stream (what
 * /FlateDecode reads), with one compressor per writer; returns the
 * compressed size, 0 when memory runs out. */
static size_t
deflate_bytes(writer *w, const void *data, size_t size)
{
	size_t bound;
	unsigned char *grown;

	if (w->deflater == NULL &&
	    (w->deflater = libdeflate_alloc_compressor(FLATE_LEVEL)) == NULL)
		return 0;
	bound = libdeflate_zlib_compress_bound(w->deflater, size);
	if (bound > w->deflated_capacity) {
		if ((grown = realloc(w->deflated, bound)) == NULL)
			return 0;
		w->deflated = grown;
		w->deflated_capacity = bound;
	}
	return libdeflate_zlib_compress(w->deflater, size > 0 ? data : "", size,
	                                w->deflated, bound);
}

/* Gives a stream object its bytes in one write, Flate-compressed unless
 * the content must stay readable as is (XMP, PDF/A 6.7.2).  False when
 * memory ran out (recorded for the next haru_ok). */
static bool
fill_stream(writer *w, HPDF_Dict stream, const void *data, size_t size,
            bool compress)
{
	stream->filter = HPDF_STREAM_FILTER_NONE;
	if (compress) {
		size = deflate_bytes(w, data, size);
		data = w->deflated;
		if (size == 0) {
			record_out_of_memory(w);
			return false;
		}
		stream->write_fn = write_flate_filter;
	}
	return size == 0 || HPDF_Stream_Write(stream->stream, data,
	                                      (HPDF_UINT)size) == HPDF_OK;
}

/* A stream object holding bytes deflate_bytes compressed earlier (a font
 * program, packed on the thread that subset it). */
static HPDF_Dict
new_deflated_stream(writer *w, const void *data, size_t size)
{
	HPDF_Dict stream = HPDF_DictStream_New(w->pdf->mmgr, w->pdf->xref);

	if (stream == NULL ||
	    HPDF_Stream_Write(stream->stream, data, (HPDF_UINT)size) != HPDF_OK)
		return NULL;
	stream->write_fn = write_flate_filter;
	return stream;
}

/* fill_stream with the writer's text buffer, which reports running out
 * of memory while it was filled. */
static bool
fill_stream_text(writer *w, HPDF_Dict stream, bool compress)
{
	if (w->text.failed) {
		record_out_of_memory(w);
		return false;
	}
	return fill_stream(w, stream, w->text.data, w->text.size, compress);
}

/* A stream object holding size bytes (compressed as fill_stream says). */
static HPDF_Dict
new_stream(writer *w, const void *data, size_t size, bool compress)
{
	HPDF_Dict stream = HPDF_DictStream_New(w->pdf->mmgr, w->pdf->xref);

	if (stream == NULL || !fill_stream(w, stream, data, size, compress))
		return NULL;
	return stream;
}

/* A stream object holding the writer's text buffer. */
static HPDF_Dict
new_text_stream(writer *w, bool compress)
{
	if (w->text.failed) {
		record_out_of_memory(w);
		return NULL;
	}
	return new_stream(w, w->text.data, w->text.size, compress);
}

/* A text string (UTF-16BE, written as hex) from valid UTF-8. */
static HPDF_Binary
new_text_string(writer *w, const char *utf8)
{
	HPDF_BYTE *bytes;
	size_t n = utf16be_text(w->mem, utf8, strlen(utf8), &bytes);

	return HPDF_Binary_New(w->pdf->mmgr, bytes, (HPDF_UINT)n);
}

/* [page /XYZ null top null]: go to a page, top at the given height,
 * keeping the reader's zoom and horizontal scroll. */
static HPDF_Array
new_destination(writer *w, HPDF_Page target, double top)
{
	HPDF_MMgr mmgr = w->pdf->mmgr;
	HPDF_Array dest = HPDF_Array_New(mmgr);

	if (dest == NULL)
		return NULL;
	HPDF_Array_Add(dest, target);
	HPDF_Array_AddName(dest, "XYZ");
	HPDF_Array_Add(dest, HPDF_Null_New(mmgr));
	HPDF_Array_Add(dest, isnan(top) ? (void *)HPDF_Null_New(mmgr)
	                                : (void *)HPDF_Real_New(mmgr, (HPDF_REAL)top));
	HPDF_Array_Add(dest, HPDF_Null_New(mmgr));
	return dest;
}

/* ---- sets of characters -------------------------------------------------- */

/* Adds a character to a set (pages made on first use, from the arena). */
static void
code_set_add(arena *mem, code_set *set, uint32_t cp)
{
	code_page **slot;

	if (set->pages == NULL)
		set->pages = arena_calloc(mem, CODE_PAGES, sizeof(*set->pages));
	slot = &set->pages[cp >> CODE_PAGE_SHIFT];
	if (*slot == NULL)
		*slot = arena_calloc(mem, 1, sizeof(**slot));
	(*slot)->bits[(cp & CODE_PAGE_MASK) >> 6] |= (uint64_t)1 << (cp & 63);
}

/* Lists the characters added, ascending, and numbers them (their rank,
 * code_set_rank), once they are all added. */
static void
code_set_finish(arena *mem, code_set *set)
{
	size_t p, word, n = 0;
	uint64_t bits;
	code_page *block;

	for (p = 0; set->pages != NULL && p < CODE_PAGES; p++)
		for (word = 0; set->pages[p] != NULL && word < CODE_PAGE_WORDS; word++)
			n += (size_t)__builtin_popcountll(set->pages[p]->bits[word]);
	set->sorted = arena_calloc(mem, n + 1, sizeof(uint32_t));
	set->count = 0;
	for (p = 0; set->pages != NULL && p < CODE_PAGES; p++) {
		if ((block = set->pages[p]) == NULL)
			continue;
		for (word = 0; word < CODE_PAGE_WORDS; word++) {
			block->rank[word] = (uint32_t)set->count;
			for (bits = block->bits[word]; bits != 0; bits &= bits - 1)
				set->sorted[set->count++] = (uint32_t)(p << CODE_PAGE_SHIFT |
				    word << 6 | (size_t)__builtin_ctzll(bits));
		}
	}
}

/* The index in set->sorted of a character of a finished set. */
static size_t
code_set_rank(const code_set *set, uint32_t cp)
{
	const code_page *block = set->pages[cp >> CODE_PAGE_SHIFT];
	size_t word = (cp & CODE_PAGE_MASK) >> 6;
	uint64_t below = block->bits[word] & (((uint64_t)1 << (cp & 63)) - 1);

	return block->rank[word] + (size_t)__builtin_popcountll(below);
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
		for (j = 0; j < i; j++) {
			if (fonts[j].face_index == fonts[i].face_index &&
			    strcmp(fonts[j].path, fonts[i].path) == 0) {
				w->fonts[i].canonical = j;
				break;
			}
		}
	}
}

/* Checks the numbers of a text run before anything is drawn, so no value
 * is clamped or rejected half-way through a page. */
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
	    (run->rotation != 0 && run->rotation != 90) ||
	    (run->text == NULL && run->length > 0)) {
		writer_error(w, "page %zu: text run has an invalid size, "
		             "position, rotation, gray or text", page_no);
		return false;
	}
	return true;
}

/* Marks the characters of one run in its font's set.  Control characters
 * have no glyph to show; all of them are reported before failing. */
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
	while (i < run->length) {
		n = utf8_decode(run->text + i, run->length - i, &cp);
		if (n == 0) {
			writer_error(w, "page %zu: text run is not valid UTF-8 "
			             "(byte %zu)", page_no, i);
			return false;
		}
		if (cp < 0x20 || cp == 0x7F) {
			writer_error(w, "page %zu: control character U+%04X in a "
			             "text run", page_no, (unsigned)cp);
			ok = false;
		}
		code_set_add(w->mem, &f->chars, cp);
		i += n;
	}
	return ok;
}

/* Walks every run of every page once, validating and collecting, so the
 * document fails before any PDF work if a character cannot be drawn;
 * then lists each font's characters. */
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
	for (p = 0; ok && p < w->doc->font_count; p++)
		if (w->fonts[p].canonical == p)
			code_set_finish(w->mem, &w->fonts[p].chars);
	return ok;
}

/* ---- opening and checking fonts ---------------------------------------- */

/* Says why a font file could not be opened, naming the path; the mapping
 * does not keep the reason, so the file is probed once more for errno. */
static void
report_unreadable_font(writer *w, const char *path)
{
	if (access(path, R_OK) != 0)
		writer_error(w, "cannot open font file %s: %s", path,
		             strerror(errno));
	else
		writer_error(w, "cannot read font file %s", path);
}

/* True when the face has the given table, not empty. */
static bool
face_has_table(const sfnt_face *face, uint32_t tag)
{
	sfnt_table table;

	return sfnt_find_table(face, tag, &table) && table.size > 0;
}

/* Classifies the face's outlines into a program kind: glyf is TrueType,
 * 'CFF ' is CFF; false (after an error) for CFF2 and for no outlines. */
static bool
find_program_kind(writer *w, const sfnt_face *face, const page_font *source,
                  program_kind *kind)
{
	if (face_has_table(face, SFNT_TAG('g','l','y','f'))) {
		*kind = PROGRAM_TRUETYPE;
		return true;
	}
	if (face_has_table(face, SFNT_TAG('C','F','F',' '))) {
		*kind = PROGRAM_CFF;
		return true;
	}
	if (face_has_table(face, SFNT_TAG('C','F','F','2')))
		writer_error(w, "font %s (face %d) has CFF2 (variable) outlines, "
		             "which PDF/A-1 cannot embed", source->path,
		             source->face_index);
	else
		writer_error(w, "font %s (face %d) has neither TrueType nor CFF "
		             "outlines", source->path, source->face_index);
	return false;
}

/* Lets a face go: its file's reference and itself. */
static void
source_face_free(source_face *face)
{
	if (face == NULL)
		return;
	font_file_release(face->file);
	free(face);
}

/* Opens face `face_index` of a font file and classifies its outlines;
 * a missing file or face is reported with the path.  The face reads the
 * file's one mapping in the process (font_files.h), which FreeType's
 * faces and other threads read too, so its pages count once in the
 * resident set; the face holds a reference to it. */
static source_face *
open_font_file(writer *w, const page_font *source)
{
	font_file *file = font_file_acquire(source->path);
	source_face *face;
	unsigned faces;
	const char *why;

	if (file != NULL && font_file_size(file) >= 1u << 31) {
		font_file_release(file);   /* the limit HarfBuzz's blobs had */
		file = NULL;
		errno = EFBIG;
	}
	if (file == NULL) {
		report_unreadable_font(w, source->path);
		return NULL;
	}
	faces = sfnt_face_count(font_file_data(file), font_file_size(file));
	if (source->face_index < 0 || (unsigned)source->face_index >= faces) {
		writer_error(w, "font file %s has no face %d (it has %u)",
		             source->path, source->face_index, faces);
		font_file_release(file);
		return NULL;
	}
	if ((face = calloc(1, sizeof(*face))) == NULL) {
		writer_error(w, "PDF writer: out of memory");
		font_file_release(file);
		return NULL;
	}
	face->file = file;
	if (!sfnt_open(&face->sfnt, font_file_data(file), font_file_size(file),
	               (unsigned)source->face_index, &why)) {
		writer_error(w, "font %s (face %d) is damaged: %s", source->path,
		             source->face_index, why);
		source_face_free(face);
		return NULL;
	}
	if (!find_program_kind(w, &face->sfnt, source, &face->kind)) {
		source_face_free(face);
		return NULL;
	}
	return face;
}

/* ---- the font cache ---------------------------------------------------- */

pdf_font_cache *
pdf_font_cache_create(void)
{
	return calloc(1, sizeof(pdf_font_cache));
}

void
pdf_font_cache_free(pdf_font_cache *cache)
{
	size_t i;

	if (cache == NULL)
		return;
	for (i = 0; i < cache->count; i++) {
		free(cache->items[i].path);
		source_face_free(cache->items[i].face);
	}
	free(cache->items);
	free(cache);
}

/* The cached face of a file and face index, NULL when not cached. */
static const cached_face *
find_cached_face(const pdf_font_cache *cache, const page_font *source)
{
	size_t i;

	for (i = 0; cache != NULL && i < cache->count; i++)
		if (cache->items[i].face_index == source->face_index &&
		    strcmp(cache->items[i].path, source->path) == 0)
			return &cache->items[i];
	return NULL;
}

/* Hands a face that opened and checked well to the cache; false (the
 * caller keeps it) without a cache or out of memory. */
static bool
cache_face(pdf_font_cache *cache, const page_font *source, source_face *face)
{
	size_t room;
	cached_face *grown;
	char *path;

	if (cache == NULL)
		return false;
	if (cache->count == cache->capacity) {
		room = cache->capacity > 0 ? cache->capacity * 2 : 8;
		if ((grown = realloc(cache->items, room * sizeof(*grown))) == NULL)
			return false;
		cache->items = grown;
		cache->capacity = room;
	}
	if ((path = strdup(source->path)) == NULL)
		return false;
	cache->items[cache->count++] = (cached_face){
		path, source->face_index, face
	};
	return true;
}

/* Checks that the face maps every character drawn with it (PDF/A 6.3.5
 * forbids codes without a glyph, and a .notdef box is never wanted) and
 * keeps each one's glyph in f->glyph_of. */
static bool
face_covers(writer *w, embedded_font *f, const page_font *source)
{
	const code_set *chars = &f->chars;
	uint32_t first = 0;
	size_t missing = 0, i;

	f->glyph_of = arena_calloc(w->mem, chars->count + 1, sizeof(uint32_t));
	for (i = 0; i < chars->count; i++)
		if (!sfnt_glyph(&f->face->sfnt, chars->sorted[i], &f->glyph_of[i]) &&
		    missing++ == 0)
			first = chars->sorted[i];
	if (missing > 0)
		writer_error(w, "font %s (face %d) has no glyph for U+%04X "
		             "(%zu characters missing in all)", source->path,
		             source->face_index, (unsigned)first, missing);
	return missing == 0;
}

/* ---- measuring fonts for their descriptors ----------------------------- */

/* A value in font units as thousandths of an em, floored like /W. */
static int
per_mille(double value, unsigned upem)
{
	return (int)floor(value * 1000.0 / upem);
}

/* The top of 'H' in font units, as HarfBuzz's glyph extents give it (the
 * glyf box, or the CFF outline with its control points); 0 when the font
 * has no 'H' or it cannot be measured. */
static int
top_of_h(const source_face *face)
{
	sfnt_table cff;
	cff_bounds box;
	uint32_t glyph;
	const char *why;
	int top = 0;

	if (!sfnt_glyph(&face->sfnt, 'H', &glyph))
		return 0;
	if (sfnt_glyf_top(&face->sfnt, glyph, &top))
		return top;
	if (sfnt_find_table(&face->sfnt, SFNT_TAG('C','F','F',' '), &cff) &&
	    cff_glyph_bounds(cff.data, cff.size, glyph, &box, &why) &&
	    box.y_min < box.y_max)
		return (int)roundf((float)box.y_max);
	return 0;
}

/* CapHeight (required by ISO 32000 for every FontDescriptor): OS/2
 * sCapHeight, else the top of 'H', else the ascent (CJK-only fonts). */
static int
measure_cap_height(const source_face *face, const sfnt_metrics *sm,
                   int ascent)
{
	unsigned upem = face->sfnt.upem;
	int top;

	if (sm->has_cap_height && sm->cap_height > 0)
		return per_mille(sm->cap_height, upem);
	if ((top = top_of_h(face)) > 0)
		return per_mille(top, upem);
	return ascent;
}

/* Fills the FontDescriptor values from the source font (sfnt.h reads
 * them as HarfBuzz did).  StemV has no TrueType source; it is estimated
 * from the weight class, as usual. */
static void
measure_font(const source_face *face, font_metrics *m)
{
	unsigned upem = face->sfnt.upem;
	sfnt_metrics sm;
	int i;

	sfnt_read_metrics(&face->sfnt, &sm);
	for (i = 0; i < 4; i++)
		m->bbox[i] = sm.has_bbox ? per_mille(sm.bbox[i], upem) : 0;
	m->ascent = per_mille(sm.has_ascender ? sm.ascender : 0, upem);
	m->descent = per_mille(sm.has_descender ? sm.descender : 0, upem);
	m->cap_height = measure_cap_height(face, &sm, m->ascent);
	m->italic_angle = sm.italic_angle;
	m->stem_v = (int)lround(50 + pow(sm.weight / 65.0, 2));
	m->flags = 4 | (m->italic_angle != 0 ? 64 : 0);   /* Symbolic, Italic */
}

/* ---- choosing the subset's glyphs -------------------------------------- */

/* The glyphs of a subset: glyph i of the subset is old[i] of the source,
 * ascending with old[0] == 0 (.notdef), the order HarfBuzz keeps too. */
typedef struct subset_glyphs {
	uint32_t *old;
	unsigned count;
} subset_glyphs;

static int
compare_glyph_ids(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The source glyph of every drawn character (face_covers found them)
 * and .notdef, ascending and unique. */
static void
collect_glyphs(writer *w, const embedded_font *f, subset_glyphs *g)
{
	unsigned n = 0, i, kept = 0;
	size_t c;

	g->old = arena_calloc(w->mem, f->chars.count + 1, sizeof(uint32_t));
	g->old[n++] = 0;
	for (c = 0; c < f->chars.count; c++)
		g->old[n++] = f->glyph_of[c];
	qsort(g->old, n, sizeof(uint32_t), compare_glyph_ids);
	for (i = 0; i < n; i++)
		if (kept == 0 || g->old[i] != g->old[kept - 1])
			g->old[kept++] = g->old[i];
	g->count = kept;
}

/* The subset's id of a source glyph; UINT32_MAX when it is not kept. */
static uint32_t
new_glyph_of(const subset_glyphs *g, uint32_t old)
{
	const uint32_t *found = bsearch(&old, g->old, g->count, sizeof(uint32_t),
	                                compare_glyph_ids);

	return found != NULL ? (uint32_t)(found - g->old) : UINT32_MAX;
}

/* ---- subsetting --------------------------------------------------------- */

/* The source face's tables that a TrueType subset is made of. */
static void
find_truetype_tables(const sfnt_face *face, tt_source *t)
{
	static const uint32_t tags[] = {
		SFNT_TAG('h','e','a','d'), SFNT_TAG('h','h','e','a'),
		SFNT_TAG('m','a','x','p'), SFNT_TAG('h','m','t','x'),
		SFNT_TAG('l','o','c','a'), SFNT_TAG('g','l','y','f'),
		SFNT_TAG('O','S','/','2'), SFNT_TAG('n','a','m','e'),
		SFNT_TAG('p','o','s','t'),
	};
	tt_table *tables[] = {
		&t->head, &t->hhea, &t->maxp, &t->hmtx, &t->loca, &t->glyf,
		&t->os2, &t->name, &t->post,
	};
	sfnt_table found;
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		sfnt_find_table(face, tags[i], &found);
		tables[i]->data = found.data;
		tables[i]->size = found.size;
	}
}

/* A TrueType subset by tt_subset.h: the glyphs grow by the components of
 * composite glyphs, and the subset's cmap maps the characters drawn. */
static bool
write_truetype_subset(writer *w, const embedded_font *f, subset_glyphs *g,
                      unsigned char **out, size_t *out_size)
{
	size_t count = f->chars.count, i;
	tt_char *chars = arena_calloc(w->mem, count + 1, sizeof(tt_char));
	tt_source tables;
	const char *why;

	for (i = 0; i < count; i++)
		chars[i] = (tt_char){ f->chars.sorted[i], f->glyph_of[i] };
	find_truetype_tables(&f->face->sfnt, &tables);
	return tt_subset_closure(w->mem, &tables, g->old, g->count,
	                         &g->old, &g->count, &why) &&
	       tt_subset_write(w->mem, &tables, g->old, g->count, chars, count,
	                       out, out_size, &why);
}

/* The subset program written by our own writers, which copy the kept
 * glyphs out of the source (cff_subset.h, tt_subset.h): HarfBuzz parses
 * and re-serialises the whole font for the same result, which took the
 * seed report 4 ms.  False for a font they refuse (a name-keyed CFF, a
 * damaged table...), which HarfBuzz then subsets.  The bytes are the
 * font's arena's. */
static bool
write_own_subset(writer *w, const embedded_font *f, subset_glyphs *g,
                 font_program *p)
{
	unsigned char *out = NULL;
	size_t out_size = 0;
	sfnt_table source;
	const char *why;
	bool ok;

	if (p->kind == PROGRAM_TRUETYPE) {
		ok = write_truetype_subset(w, f, g, &out, &out_size);
	} else {
		sfnt_find_table(&f->face->sfnt, SFNT_TAG('C','F','F',' '), &source);
		ok = cff_subset_write(w->mem, source.data, source.size, g->old,
		                      g->count, &out, &out_size, &why);
	}
	if (!ok || out_size == 0 || out_size >= 1u << 31)
		return false;
	p->data = out;
	p->size = (unsigned)out_size;
	return true;
}

/* HarfBuzz's subset program, from libharfbuzz-subset loaded when a font
 * needs it (harfbuzz_subset.h); *g becomes the plan's glyphs.  False
 * when HarfBuzz fails, or, with *reported set after an error naming the
 * package, when the library is missing. */
static bool
write_harfbuzz_subset(writer *w, size_t index, subset_glyphs *g,
                      font_program *p, bool *reported)
{
	const embedded_font *f = &w->fonts[index];
	const page_font *source = &w->doc->fonts[index];
	harfbuzz_subset_input in = {
		font_file_data(f->face->file), font_file_size(f->face->file),
		(unsigned)source->face_index, f->chars.sorted, f->chars.count,
		p->kind == PROGRAM_CFF
	};
	harfbuzz_subset_output out;
	char message[384];

	switch (harfbuzz_subset(w->mem, &in, &out, message, sizeof(message))) {
	case HARFBUZZ_SUBSET_OK:
		break;
	case HARFBUZZ_SUBSET_UNAVAILABLE:
		writer_error(w, "font %s (face %d) %s", source->path,
		             source->face_index, message);
		*reported = true;
		return false;
	default:
		return false;
	}
	if (out.size >= 1u << 31)
		return false;
	g->old = out.old_glyphs;
	g->count = out.glyph_count;
	p->data = out.program;
	p->size = (unsigned)out.size;
	return true;
}

/* Records each character's glyph in the subset (assign_cids turns it
 * into a CID) and, per glyph, the lowest character shown with it, for
 * the ToUnicode CMap. */
static bool
map_characters(writer *w, embedded_font *f, const subset_glyphs *g)
{
	uint32_t glyph, cp;
	size_t i;

	f->cid_of = arena_calloc(w->mem, f->chars.count + 1, sizeof(uint32_t));
	for (i = 0; i < f->chars.count; i++) {
		cp = f->chars.sorted[i];
		glyph = new_glyph_of(g, f->glyph_of[i]);
		if (glyph >= f->program.glyph_count) {
			writer_error(w, "PDF writer: the glyph of U+%04X is missing "
			             "from its font subset", (unsigned)cp);
			return false;
		}
		f->cid_of[i] = glyph;
		if (f->program.unicode_of_glyph[glyph] == 0)
			f->program.unicode_of_glyph[glyph] = cp;
	}
	return true;
}

/* Orders widths ascending, for finding the most common one. */
static int
compare_ints(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The most frequent width of the drawn CIDs (the smallest on a tie), used
 * as /DW so that /W lists only exceptions (digits, Latin, punctuation). */
static int
most_common_width(writer *w, const font_program *p)
{
	int *sorted = arena_calloc(w->mem, p->glyph_count, sizeof(int));
	size_t i, n = 0, run, best_run = 0;
	int best = 1000;

	for (i = 0; i < p->glyph_count; i++)
		if (p->unicode_of_glyph[i] != 0)
			sorted[n++] = p->widths[i];
	qsort(sorted, n, sizeof(int), compare_ints);
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

/* Widths of every glyph of the subset, from the source font's hmtx:
 * floor(adv * 1000 / upem) as fonts.c.  The advance goes through a
 * 16-bit signed value, as HarfBuzz's hb_font_get_glyph_h_advance took
 * it (no real font has an advance of 32768 units or more). */
static void
measure_widths(writer *w, font_program *p, const sfnt_face *face,
               const subset_glyphs *g)
{
	unsigned glyph;

	p->widths = arena_calloc(w->mem, p->glyph_count, sizeof(int));
	for (glyph = 0; glyph < p->glyph_count; glyph++)
		p->widths[glyph] = per_mille(
		    (int16_t)(uint16_t)sfnt_advance(face, g->old[glyph]),
		    face->upem);
}

/* The name after the subset tag: the PostScript name (name ID 6) kept to
 * the characters PDF names allow unescaped, or "Font<n>" without one. */
static void
postscript_name(const sfnt_face *face, size_t index, char *out, size_t size)
{
	char name[64] = { 0 };
	size_t length = sfnt_name_utf8(face, 6, name, sizeof(name));
	size_t i, n = 0;

	for (i = 0; i < length && name[i] != '\0' && n + 1 < size; i++)
		if (name[i] > 32 && name[i] < 127 && strchr("()<>[]{}/%#", name[i]) == NULL)
			out[n++] = name[i];
	out[n] = '\0';
	if (n == 0)
		snprintf(out, size, "Font%zu", index + 1);
}

/* BaseFont: a subset tag of six capitals derived from the MD5 of the name
 * and the glyphs kept, so equal subsets get equal names and runs agree. */
static void
name_subset(writer *w, const sfnt_face *face, size_t index, font_program *p,
            const subset_glyphs *g)
{
	char name[64] = { 0 };
	uint32_t *glyphs = arena_calloc(w->mem, p->glyph_count + 16,
	                                sizeof(uint32_t));
	HPDF_BYTE digest[16];
	unsigned i;

	postscript_name(face, index, name, sizeof(name));
	memcpy(glyphs, name, sizeof(name));
	memcpy(glyphs + 16, g->old, p->glyph_count * sizeof(uint32_t));
	md5_digest(glyphs, (p->glyph_count + 16) * sizeof(uint32_t), digest);
	for (i = 0; i < 6; i++)
		p->base_font[i] = (char)('A' + digest[i] % 26);
	snprintf(p->base_font + 6, sizeof(p->base_font) - 6, "+%s", name);
}

/* Reads the CIDs of a CFF subset from its charset, with its ROS for the
 * CIDSystemInfo; false (after an error) when the program disagrees with
 * the glyph list, which would draw the wrong glyphs. */
static bool
read_cff_cids(writer *w, font_program *p)
{
	const char *why;
	cff_info info;
	unsigned g;

	if (!cff_read(w->mem, p->data, p->size, &info, &why) ||
	    info.glyph_count != p->glyph_count) {
		writer_error(w, "PDF writer: the CFF subset of %s cannot be "
		             "embedded: %s", p->base_font,
		             info.glyph_count != p->glyph_count && info.glyph_count
		             ? "its glyph count differs from the glyph list's" : why);
		return false;
	}
	for (g = 0; g < p->glyph_count; g++)
		p->cid_of_glyph[g] = info.cid_of_glyph[g];
	snprintf(p->registry, sizeof(p->registry), "%s", info.registry);
	snprintf(p->ordering, sizeof(p->ordering), "%s", info.ordering);
	p->supplement = info.supplement;
	return true;
}

/* Orders glyph ids by CID (for sort_by_cid; CIDs are distinct). */
static int
compare_by_cid(const void *a, const void *b, void *cids)
{
	uint32_t x = ((const uint32_t *)cids)[*(const unsigned *)a];
	uint32_t y = ((const uint32_t *)cids)[*(const unsigned *)b];

	return (x > y) - (x < y);
}

/* Gives every glyph its CID (its own id for TrueType, the charset's for
 * CFF), lists the glyphs in CID order for /W, ToUnicode and /CIDSet, and
 * turns the character map from glyphs into CIDs. */
static bool
assign_cids(writer *w, embedded_font *f)
{
	font_program *p = &f->program;
	unsigned g;
	size_t i;

	p->cid_of_glyph = arena_calloc(w->mem, p->glyph_count, sizeof(uint32_t));
	p->by_cid = arena_calloc(w->mem, p->glyph_count, sizeof(unsigned));
	for (g = 0; g < p->glyph_count; g++)
		p->cid_of_glyph[g] = p->by_cid[g] = g;
	snprintf(p->registry, sizeof(p->registry), "Adobe");
	snprintf(p->ordering, sizeof(p->ordering), "Identity");
	if (p->kind == PROGRAM_CFF && !read_cff_cids(w, p))
		return false;
	qsort_r(p->by_cid, p->glyph_count, sizeof(unsigned), compare_by_cid,
	        p->cid_of_glyph);
	p->cid_limit = p->cid_of_glyph[p->by_cid[p->glyph_count - 1]] + 1;
	for (i = 0; i < f->chars.count; i++)
		f->cid_of[i] = p->cid_of_glyph[f->cid_of[i]];
	return true;
}

/* Chooses the glyphs, writes the program (our writers first, HarfBuzz
 * for what they refuse), then takes every mapping and measure the PDF's
 * dictionaries need from the glyph list the program was written with.
 * *reported: the failure was reported already (HarfBuzz missing). */
static bool
subset_font(writer *w, size_t index, bool *reported)
{
	embedded_font *f = &w->fonts[index];
	font_program *p = &f->program;
	subset_glyphs g;

	collect_glyphs(w, f, &g);
	if (!write_own_subset(w, f, &g, p) &&
	    !write_harfbuzz_subset(w, index, &g, p, reported))
		return false;
	if (p->size == 0 || g.count == 0)
		return false;
	p->glyph_count = g.count;
	p->unicode_of_glyph = arena_calloc(w->mem, g.count, sizeof(uint32_t));
	if (!map_characters(w, f, &g))
		return false;
	measure_widths(w, p, &f->face->sfnt, &g);
	name_subset(w, &f->face->sfnt, index, p, &g);
	return assign_cids(w, f);
}

/* Compresses the subset program for its font file stream (here, so that
 * it runs on the font's thread). */
static bool
pack_program(writer *w, font_program *p)
{
	p->packed_size = deflate_bytes(w, p->data, p->size);
	if (p->packed_size == 0) {
		writer_error(w, "PDF writer: out of memory");
		return false;
	}
	p->packed = arena_alloc(w->mem, p->packed_size);
	memcpy(p->packed, w->deflated, p->packed_size);
	p->data = NULL;
	return true;
}

/* Lets the source face go as soon as its font is prepared, unless the
 * font cache keeps it (finish_font_jobs hands it there) or it came from
 * the cache.  The pages of the file it read stay mapped: dropping them
 * (MADV_DONTNEED) cost a seed render 0.4 ms and, now that a warm render
 * opens no FreeType face, saved no resident memory. */
static void
release_face_unless_kept(const writer *w, embedded_font *f, bool ok)
{
	if (f->face_cached || (ok && w->opt.font_cache != NULL))
		return;
	source_face_free(f->face);
	f->face = NULL;
}

/* Produces the subset program of one used font with everything its PDF
 * dictionaries need; all checks are reported against the file's path.
 * Touches only its own entry of w->fonts, so fonts can be prepared on
 * several threads (each with its own writer_for_thread). */
static bool
prepare_font(writer *w, size_t index)
{
	embedded_font *f = &w->fonts[index];
	const page_font *source = &w->doc->fonts[index];
	bool ok, reported = false;

	if (f->face == NULL && (f->face = open_font_file(w, source)) == NULL)
		return false;
	f->program.kind = f->face->kind;
	ok = face_covers(w, f, source);
	if (ok && !subset_font(w, index, &reported)) {
		if (!reported)
			writer_error(w, "could not subset font %s (face %d)",
			             source->path, source->face_index);
		ok = false;
	}
	if (ok) {
		measure_font(f->face, &f->program.metrics);
		f->program.default_width = most_common_width(w, &f->program);
		ok = pack_program(w, &f->program);
	}
	release_face_unless_kept(w, f, ok);
	return ok;
}

/* ---- preparing fonts on threads ---------------------------------------- */

/* One font to prepare, with the diagnostics it gave (captured, to be
 * printed in font order whichever thread ran it). */
typedef struct font_job {
	size_t index;            /* in w->fonts */
	bool ok;
	diag_sink diag;
	FILE *capture;           /* NULL: diag prints nowhere (counts only) */
	char *messages;
	size_t messages_size;
} font_job;

/* The jobs and the next one to take; workers take them in the order of
 * `order` (indices into jobs, the longest first when several threads
 * share them), while jobs stays in font order for the diagnostics. */
typedef struct font_pool {
	writer *w;
	font_job *jobs;
	const size_t *order;
	size_t count;
	atomic_size_t next;
	bool stop_at_failure;    /* one worker: stop where the serial loop did */
	bool spread;             /* workers started away from this thread's CPU */
	cpu_set_t allowed;       /* the CPUs the process may use */
} font_pool;

/* A worker's view of the writer: the same document and fonts, its own
 * compressor (arena and diagnostics are set per job). */
static writer
writer_for_thread(const writer *w)
{
	writer copy = *w;

	copy.deflater = NULL;
	copy.deflated = NULL;
	copy.deflated_capacity = 0;
	return copy;
}

/* Runs jobs until none is left; the worker's compressor goes at the end. */
static void *
run_font_jobs(void *arg)
{
	font_pool *pool = arg;
	writer own = writer_for_thread(pool->w);
	font_job *job;
	size_t i;

	while ((i = atomic_fetch_add(&pool->next, 1)) < pool->count) {
		job = &pool->jobs[pool->order[i]];
		own.diag = &job->diag;
		own.mem = pool->w->fonts[job->index].mem;
		job->ok = prepare_font(&own, job->index);
		if (!job->ok && pool->stop_at_failure)
			break;
	}
	libdeflate_free_compressor(own.deflater);
	free(own.deflated);
	return NULL;
}

/* A job for every font some run draws with (unused entries of doc->fonts
 * and duplicates of another entry are skipped), its face taken from the
 * cache when it is there; returns the count. */
static size_t
make_font_jobs(writer *w, font_job *jobs)
{
	const cached_face *cached;
	embedded_font *f;
	size_t i, n = 0;

	for (i = 0; i < w->doc->font_count; i++) {
		f = &w->fonts[i];
		if (f->canonical != i || f->chars.count == 0)
			continue;
		f->mem = arena_create();
		if ((cached = find_cached_face(w->opt.font_cache,
		                               &w->doc->fonts[i])) != NULL) {
			f->face = cached->face;
			f->face_cached = true;
		}
		jobs[n] = (font_job){ .index = i };
		diag_init(&jobs[n].diag, NULL);
		jobs[n].diag.format = w->diag->format;
		jobs[n].diag.quiet_notes = w->diag->quiet_notes;
		if (w->diag->stream != NULL)
			jobs[n].capture = open_memstream(&jobs[n].messages,
			                                 &jobs[n].messages_size);
		jobs[n].diag.stream = jobs[n].capture;
		n++;
	}
	return n;
}

/* How many threads prepare the fonts: one, or with opt.parallel_fonts as
 * many as there are CPUs and jobs (at most FONT_THREADS_MAX). */
static size_t
font_thread_count(const writer *w, size_t jobs)
{
	long cpus = w->opt.parallel_fonts ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
	size_t n = cpus > 1 ? (size_t)cpus : 1;

	if (n > FONT_THREADS_MAX)
		n = FONT_THREADS_MAX;
	return n < jobs ? n : jobs;
}

/* Work a job is expected to take: the characters drawn with its font
 * (subsetting, widths and compressing grow with them; the body font of
 * a report draws ten times as many as the heading fonts). */
static size_t
font_job_weight(const writer *w, const font_job *job)
{
	return w->fonts[job->index].chars.count;
}

/* Orders the jobs for threads to take, heaviest first (fonts in order
 * on a tie), so that the longest font does not start last and keep the
 * others waiting; one thread takes them in font order, as the serial
 * loop did.  Insertion sort: a report has about seven fonts. */
static size_t *
order_font_jobs(writer *w, const font_job *jobs, size_t count,
                size_t threads)
{
	size_t *order = arena_calloc(w->mem, count + 1, sizeof(*order));
	size_t i, j, moving;

	for (i = 0; i < count; i++) {
		moving = i;
		for (j = i; threads > 1 && j > 0 &&
		     font_job_weight(w, &jobs[order[j - 1]]) <
		     font_job_weight(w, &jobs[moving]); j--)
			order[j] = order[j - 1];
		order[j] = moving;
	}
	return order;
}

/* A worker of the pool: free to run anywhere again (start_elsewhere
 * only chose where it starts), then the jobs. */
static void *
run_font_worker(void *arg)
{
	font_pool *pool = arg;

	if (pool->spread)
		pthread_setaffinity_np(pthread_self(), sizeof(pool->allowed),
		                       &pool->allowed);
	return run_font_jobs(pool);
}

/* Makes the workers start on a CPU other than this thread's.  Left to
 * itself the scheduler sometimes starts a new thread beside its creator
 * and moves it only milliseconds later, which made the seed report's
 * fonts take 4.2 ms instead of 2.5 in about one render of three.  False
 * (attr untouched) with one CPU allowed or an unknown current one. */
static bool
start_elsewhere(font_pool *pool, pthread_attr_t *attr)
{
	cpu_set_t others;
	int here = sched_getcpu();

	if (here < 0 || sched_getaffinity(0, sizeof(pool->allowed),
	                                  &pool->allowed) != 0 ||
	    !CPU_ISSET(here, &pool->allowed) || CPU_COUNT(&pool->allowed) < 2)
		return false;
	others = pool->allowed;
	CPU_CLR(here, &others);
	return pthread_attr_setaffinity_np(attr, sizeof(others), &others) == 0;
}

/* Runs the pool on this thread and threads - 1 more (fewer when a
 * thread cannot be started: this one takes what is left). */
static void
run_font_pool(font_pool *pool, size_t threads)
{
	pthread_t ids[FONT_THREADS_MAX];
	pthread_attr_t attr;
	size_t started = 0, i;

	if (threads > 1 && pthread_attr_init(&attr) == 0) {
		pool->spread = start_elsewhere(pool, &attr);
		while (started + 1 < threads &&
		       pthread_create(&ids[started], &attr, run_font_worker,
		                      pool) == 0)
			started++;
		pthread_attr_destroy(&attr);
	}
	run_font_jobs(pool);
	for (i = 0; i < started; i++)
		pthread_join(ids[i], NULL);
}

/* Prints the jobs' diagnostics in font order, up to the first failed
 * font (as if they had run one after another: a job that did not run
 * comes after a failure), and keeps the faces opened afresh in the
 * cache.  True when every font was prepared. */
static bool
finish_font_jobs(writer *w, font_job *jobs, size_t count)
{
	embedded_font *f;
	bool ok = true;
	size_t i;

	for (i = 0; i < count; i++) {
		if (jobs[i].capture != NULL)
			fclose(jobs[i].capture);
		if (ok) {
			if (jobs[i].messages != NULL)
				fputs(jobs[i].messages, w->diag->stream);
			w->diag->errors += jobs[i].diag.errors;
			w->diag->warnings += jobs[i].diag.warnings;
			w->diag->notes += jobs[i].diag.notes;
			ok = jobs[i].ok;
		}
		free(jobs[i].messages);
		f = &w->fonts[jobs[i].index];
		if (jobs[i].ok && !f->face_cached && f->face != NULL)
			f->face_cached = cache_face(w->opt.font_cache,
			                            &w->doc->fonts[jobs[i].index],
			                            f->face);
	}
	return ok;
}

/* Prepares every font some run draws with, on as many threads as
 * font_thread_count says; diagnostics and results do not depend on it. */
static bool
prepare_fonts(writer *w)
{
	font_job *jobs = arena_calloc(w->mem, w->doc->font_count + 1,
	                              sizeof(*jobs));
	size_t count = make_font_jobs(w, jobs);
	size_t threads = font_thread_count(w, count);
	font_pool pool = {
		.w = w, .jobs = jobs,
		.order = order_font_jobs(w, jobs, count, threads),
		.count = count, .stop_at_failure = threads <= 1,
	};

	run_font_pool(&pool, threads);
	return finish_font_jobs(w, jobs, count);
}

/* ---- font dictionaries ------------------------------------------------- */

/* Groups the CIDs that show a character into ToUnicode lines: a bfrange
 * for consecutive CIDs showing consecutive BMP characters (neither may
 * cross a high byte), a single line otherwise.  Returns the count. */
static size_t
group_cmap_entries(writer *w, const font_program *p, cmap_entry **out)
{
	cmap_entry *e = arena_calloc(w->mem, p->glyph_count, sizeof(*e));
	cmap_entry *last;
	size_t n = 0, i;
	uint32_t cid, u;

	for (i = 0; i < p->glyph_count; i++) {
		cid = p->cid_of_glyph[p->by_cid[i]];
		u = p->unicode_of_glyph[p->by_cid[i]];
		if (u == 0)
			continue;
		last = n > 0 ? &e[n - 1] : NULL;
		if (last != NULL && cid == last->last + 1 &&
		    (cid >> 8) == (last->first >> 8) && u <= 0xFFFF &&
		    u == last->first_char + (cid - last->first) &&
		    (u >> 8) == (last->first_char >> 8))
			last->last = cid;
		else
			e[n++] = (cmap_entry){ cid, cid, u };
	}
	*out = e;
	return n;
}

/* Appends the UTF-16BE hex string of one character: four digits, or
 * eight (a surrogate pair) above U+FFFF. */
static void
buffer_utf16_hex(byte_buffer *b, uint32_t cp)
{
	if (cp <= 0xFFFF) {
		buffer_hex4(b, cp);
	} else if (buffer_reserve(b, 10)) {
		b->data[b->size] = '<';
		put_hex4(b->data + b->size + 1, 0xD800 + ((cp - 0x10000) >> 10));
		put_hex4(b->data + b->size + 5, 0xDC00 + ((cp - 0x10000) & 0x3FF));
		b->data[b->size + 9] = '>';
		b->size += 10;
	}
}

/* Writes the bfchar and bfrange blocks, at most 100 lines each, taking
 * consecutive entries of one kind (single or range) per block. */
static void
write_cmap_blocks(byte_buffer *b, const cmap_entry *e, size_t n)
{
	size_t i = 0, j, k;
	bool single;

	while (i < n) {
		single = e[i].first == e[i].last;
		for (j = i; j < n && j - i < CMAP_BLOCK_MAX &&
		     (e[j].first == e[j].last) == single; j++)
			;
		buffer_decimal(b, j - i);
		buffer_puts(b, single ? " beginbfchar\n" : " beginbfrange\n");
		for (k = i; k < j; k++) {
			buffer_hex4(b, e[k].first);
			buffer_append(b, " ", 1);
			if (!single) {
				buffer_hex4(b, e[k].last);
				buffer_append(b, " ", 1);
			}
			buffer_utf16_hex(b, e[k].first_char);
			buffer_append(b, "\n", 1);
		}
		buffer_puts(b, single ? "endbfchar\n" : "endbfrange\n");
		i = j;
	}
}

/* The ToUnicode CMap stream: a standard Adobe-Identity-UCS CMap mapping
 * each CID (2-byte code) to the character it shows. */
static HPDF_Dict
to_unicode_stream(writer *w, const font_program *p)
{
	byte_buffer *b = begin_stream_text(w);
	cmap_entry *entries;
	size_t n = group_cmap_entries(w, p, &entries);

	buffer_puts(b,
	    "/CIDInit /ProcSet findresource begin\n"
	    "12 dict begin\n"
	    "begincmap\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
	    "/Supplement 0 >> def\n"
	    "/CMapName /Adobe-Identity-UCS def\n"
	    "/CMapType 2 def\n"
	    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	write_cmap_blocks(b, entries, n);
	buffer_puts(b, "endcmap\n"
	    "CMapName currentdict /CMap defineresource pop\n"
	    "end\nend\n");
	return new_text_stream(w, true);
}

/* /CIDSet (PDF/A 6.3.5): one bit per CID, most significant bit first,
 * set for the CID of every glyph the subset program holds. */
static HPDF_Dict
cid_set_stream(writer *w, const font_program *p)
{
	size_t size = (p->cid_limit + 7) / 8;
	HPDF_BYTE *bits = arena_alloc(w->mem, size);
	unsigned g, cid;

	for (g = 0; g < p->glyph_count; g++) {
		cid = p->cid_of_glyph[g];
		bits[cid >> 3] |= (HPDF_BYTE)(0x80u >> (cid & 7));
	}
	return new_stream(w, bits, size, true);
}

/* The font file stream: the subset program, compressed, with /Length1
 * (its uncompressed size) for TrueType, /Subtype for FontFile3. */
static HPDF_Dict
font_file_stream(writer *w, const font_program *p)
{
	HPDF_Dict file = new_deflated_stream(w, p->packed, p->packed_size);
	const char *subtype = program_embedding[p->kind].font_file_subtype;

	if (file == NULL)
		return NULL;
	if (p->kind == PROGRAM_TRUETYPE)
		HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)p->size);
	if (subtype != NULL)
		HPDF_Dict_AddName(file, "Subtype", subtype);
	return file;
}

/* [xMin yMin xMax yMax] in thousandths of an em. */
static HPDF_Array
bbox_array(writer *w, const int bbox[4])
{
	HPDF_Array box = HPDF_Array_New(w->pdf->mmgr);
	int i;

	for (i = 0; box != NULL && i < 4; i++)
		HPDF_Array_AddNumber(box, bbox[i]);
	return box;
}

/* The FontDescriptor: metrics including CapHeight, the program and the
 * CIDSet that PDF/A requires of a subset CIDFont. */
static HPDF_Dict
font_descriptor(writer *w, const font_program *p)
{
	const font_metrics *m = &p->metrics;
	HPDF_Dict fd = new_indirect_dict(w);

	if (fd == NULL)
		return NULL;
	HPDF_Dict_AddName(fd, "Type", "FontDescriptor");
	HPDF_Dict_AddName(fd, "FontName", p->base_font);
	HPDF_Dict_AddNumber(fd, "Flags", m->flags);
	HPDF_Dict_Add(fd, "FontBBox", bbox_array(w, m->bbox));
	HPDF_Dict_AddReal(fd, "ItalicAngle", (HPDF_REAL)m->italic_angle);
	HPDF_Dict_AddNumber(fd, "Ascent", m->ascent);
	HPDF_Dict_AddNumber(fd, "Descent", m->descent);
	HPDF_Dict_AddNumber(fd, "CapHeight", m->cap_height);
	HPDF_Dict_AddNumber(fd, "StemV", m->stem_v);
	HPDF_Dict_Add(fd, program_embedding[p->kind].font_file_key,
	              font_file_stream(w, p));
	HPDF_Dict_Add(fd, "CIDSet", cid_set_stream(w, p));
	return fd;
}

/* True when the i-th glyph in CID order starts a new "first [w ...]"
 * group of /W: its CID does not follow the previous group member's. */
static bool
starts_width_group(const font_program *p, size_t i, size_t group_size)
{
	unsigned prev = i > 0 ? p->by_cid[i - 1] : 0;

	return i == 0 || p->widths[prev] == p->default_width ||
	       p->cid_of_glyph[prev] + 1 != p->cid_of_glyph[p->by_cid[i]] ||
	       group_size >= WIDTH_GROUP_MAX;
}

/* /W for the CIDs whose width differs from /DW, as "first [w ...]"
 * groups of consecutive CIDs; every glyph of the program is covered. */
static HPDF_Array
width_array(writer *w, const font_program *p)
{
	HPDF_MMgr mmgr = w->pdf->mmgr;
	HPDF_Array widths = HPDF_Array_New(mmgr), group = NULL;
	size_t group_size = 0, i;
	unsigned g, cid;

	for (i = 0; widths != NULL && i < p->glyph_count; i++) {
		g = p->by_cid[i];
		cid = p->cid_of_glyph[g];
		if (p->widths[g] == p->default_width)
			continue;
		if (group == NULL || starts_width_group(p, i, group_size)) {
			HPDF_Array_AddNumber(widths, (HPDF_INT32)cid);
			group = HPDF_Array_New(mmgr);
			if (HPDF_Array_Add(widths, group) != HPDF_OK)
				return NULL;
			group_size = 0;
		}
		HPDF_Array_AddNumber(group, p->widths[g]);
		group_size++;
	}
	return widths;
}

/* The CIDFont dictionary: the program's ROS (Adobe-Identity-0 for
 * TrueType, the CFF's own, e.g. Adobe-GB1-5 for Fandol) and, for
 * TrueType, an Identity CIDToGIDMap; widths as /DW + exceptions. */
static HPDF_Dict
cid_font_dict(writer *w, const font_program *p)
{
	HPDF_Dict cid_font = new_indirect_dict(w);
	HPDF_Dict info = HPDF_Dict_New(w->pdf->mmgr);

	if (cid_font == NULL || info == NULL)
		return NULL;
	HPDF_Dict_Add(info, "Registry",
	              HPDF_String_New(w->pdf->mmgr, p->registry, NULL));
	HPDF_Dict_Add(info, "Ordering",
	              HPDF_String_New(w->pdf->mmgr, p->ordering, NULL));
	HPDF_Dict_AddNumber(info, "Supplement", p->supplement);
	HPDF_Dict_AddName(cid_font, "Type", "Font");
	HPDF_Dict_AddName(cid_font, "Subtype",
	                  program_embedding[p->kind].cid_font_subtype);
	HPDF_Dict_AddName(cid_font, "BaseFont", p->base_font);
	HPDF_Dict_Add(cid_font, "CIDSystemInfo", info);
	HPDF_Dict_Add(cid_font, "FontDescriptor", font_descriptor(w, p));
	HPDF_Dict_AddNumber(cid_font, "DW", p->default_width);
	HPDF_Dict_Add(cid_font, "W", width_array(w, p));
	if (program_embedding[p->kind].identity_cid_to_gid)
		HPDF_Dict_AddName(cid_font, "CIDToGIDMap", "Identity");
	return cid_font;
}

/* The Type0 font a page's resources name: Identity-H (2-byte codes =
 * CIDs), its one descendant and the ToUnicode CMap. */
static bool
embed_font(writer *w, size_t index)
{
	embedded_font *f = &w->fonts[index];
	HPDF_Dict font = new_indirect_dict(w);
	HPDF_Array descendants = HPDF_Array_New(w->pdf->mmgr);

	if (font == NULL || descendants == NULL)
		return haru_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "create a font");
	HPDF_Array_Add(descendants, cid_font_dict(w, &f->program));
	HPDF_Dict_AddName(font, "Type", "Font");
	HPDF_Dict_AddName(font, "Subtype", "Type0");
	HPDF_Dict_AddName(font, "BaseFont", f->program.base_font);
	HPDF_Dict_AddName(font, "Encoding", "Identity-H");
	HPDF_Dict_Add(font, "DescendantFonts", descendants);
	HPDF_Dict_Add(font, "ToUnicode", to_unicode_stream(w, &f->program));
	f->dict = font;
	snprintf(f->resource, sizeof(f->resource), "F%zu", index + 1);
	return haru_ok(w, HPDF_OK, "embed a font");
}

/* Embeds every prepared font, TrueType and CFF alike (the program kind
 * picks the dictionaries' subtypes). */
static bool
embed_fonts(writer *w)
{
	size_t i;

	for (i = 0; i < w->doc->font_count; i++)
		if (w->fonts[i].program.packed != NULL && !embed_font(w, i))
			return false;
	return true;
}

/* ---- drawing ----------------------------------------------------------- */

/* Checks a rule's numbers before drawing, for the same reason as for runs:
 * a bad value must not leave half a page behind. */
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
draw_rules(writer *w, byte_buffer *s, const page *pg, size_t page_no)
{
	double width = -1;
	const rule *r;
	size_t i;

	if (pg->rule_count > 0)
		buffer_puts(s, "2 J\n");
	for (i = 0; i < pg->rule_count; i++) {
		r = &pg->rules[i];
		if (!rule_is_valid(w, page_no, r))
			return false;
		if (r->width != width) {
			if (width > 0)
				buffer_puts(s, "S\n");
			buffer_numbers_op(s, &r->width, 1, " w\n");
			width = r->width;
		}
		buffer_numbers_op(s, (const double[]){ r->x0, r->y0 }, 2, " m ");
		buffer_numbers_op(s, (const double[]){ r->x1, r->y1 }, 2, " l\n");
	}
	if (pg->rule_count > 0)
		buffer_puts(s, "S\n");
	return true;
}

/* Emits Tf, Tc and the fill gray only when they change from the previous
 * run: they are state, which persists between runs inside one BT/ET. */
static void
write_run_state(writer *w, byte_buffer *s, text_state *st,
                const text_run *run)
{
	size_t font = w->fonts[run->font].canonical;

	if (font != st->font || run->size != st->size) {
		buffer_append(s, "/", 1);
		buffer_puts(s, w->fonts[font].resource);
		buffer_append(s, " ", 1);
		buffer_numbers_op(s, &run->size, 1, " Tf\n");
	}
	st->font = font;
	st->size = run->size;
	if (run->char_spacing != st->char_spacing)
		buffer_numbers_op(s, &run->char_spacing, 1, " Tc\n");
	st->char_spacing = run->char_spacing;
	if (run->gray != st->gray)
		buffer_numbers_op(s, &run->gray, 1, " g\n");
	st->gray = run->gray;
}

/* Moves to a run's origin: Td relative to the previous line start, or an
 * absolute text matrix for a run turned 90 degrees counter-clockwise (a
 * landscape table) and for the first upright run after one. */
static void
write_run_position(byte_buffer *s, text_state *st, const text_run *run)
{
	double dx = written_value(run->x - st->x);
	double dy = written_value(run->y - st->y);

	if (run->rotation != 0 || st->matrix_set) {
		buffer_puts(s, run->rotation != 0 ? "0 1 -1 0 " : "1 0 0 1 ");
		buffer_numbers_op(s, (const double[]){ run->x, run->y }, 2, " Tm\n");
		st->x = written_value(run->x);
		st->y = written_value(run->y);
		st->matrix_set = run->rotation != 0;
		return;
	}
	buffer_numbers_op(s, (const double[]){ dx, dy }, 2, " Td\n");
	st->x += dx;
	st->y += dy;
}

/* Shows a run's characters as 2-byte CIDs in one hex string, written
 * straight into the buffer: every character takes at least one byte of
 * UTF-8 and four hex digits, so four per byte is room enough. */
static void
write_run_glyphs(writer *w, byte_buffer *s, const text_run *run)
{
	const embedded_font *f = &w->fonts[w->fonts[run->font].canonical];
	size_t i = 0, step;
	uint32_t cp;
	char *hex;

	if (!buffer_reserve(s, run->length * 4 + 8))
		return;
	hex = s->data + s->size;
	*hex++ = '<';
	while (i < run->length &&
	       (step = utf8_decode(run->text + i, run->length - i, &cp)) > 0) {
		put_hex4(hex, f->cid_of[code_set_rank(&f->chars, cp)]);
		hex += 4;
		i += step;
	}
	memcpy(hex, "> Tj\n", 5);
	s->size = (size_t)(hex + 5 - s->data);
}

/* Draws all runs of a page inside a single BT/ET, which keeps the content
 * stream small and the graphics-state nesting flat (no q/Q at all); the
 * fill is black again afterwards. */
static bool
draw_runs(writer *w, byte_buffer *s, const page *pg)
{
	text_state st = { SIZE_MAX, 0, 0, 0, 0, 0, false };
	const text_run *run;
	size_t i;

	if (pg->run_count == 0)
		return true;
	buffer_puts(s, "BT\n");
	for (i = 0; i < pg->run_count; i++) {
		run = &pg->runs[i];
		if (run->length == 0)
			continue;
		write_run_state(w, s, &st, run);
		write_run_position(s, &st, run);
		write_run_glyphs(w, s, run);
	}
	if (st.gray != 0)
		buffer_puts(s, "0 g\n");
	buffer_puts(s, "ET\n");
	return true;
}

/* Names every font the page draws with in its /Resources /Font. */
static bool
add_font_resources(writer *w, HPDF_Page hp, const page *pg)
{
	HPDF_Dict resources = HPDF_Dict_GetItem(hp, "Resources", HPDF_OCLASS_DICT);
	HPDF_Dict fonts = HPDF_Dict_New(w->pdf->mmgr);
	bool *used = arena_calloc(w->mem, w->doc->font_count, sizeof(bool));
	const embedded_font *f;
	size_t i;

	if (resources == NULL || fonts == NULL)
		return haru_got(w, NULL, "find the page resources");
	for (i = 0; i < pg->run_count; i++)
		if (pg->runs[i].length > 0)
			used[w->fonts[pg->runs[i].font].canonical] = true;
	for (i = 0; i < w->doc->font_count; i++) {
		f = &w->fonts[i];
		if (used[i])
			HPDF_Dict_Add(fonts, f->resource, f->dict);
	}
	HPDF_Dict_Add(resources, "Font", fonts);
	return haru_ok(w, HPDF_OK, "set the page's fonts");
}

/* Adds one page of the given size and writes its content stream: rules
 * first, then text, put together in the writer's buffer and compressed
 * in one go.  libharu's own drawing state is never touched. */
static bool
draw_page(writer *w, size_t index)
{
	const page *pg = &w->doc->items[index];
	HPDF_Page hp = HPDF_AddPage(w->pdf);
	byte_buffer *s = begin_stream_text(w);
	HPDF_STATUS st;

	if (!haru_got(w, hp, "add a page"))
		return false;
	w->page_objects[index] = hp;
	st = HPDF_Page_SetWidth(hp, (HPDF_REAL)pg->width);
	if (st == HPDF_OK)
		st = HPDF_Page_SetHeight(hp, (HPDF_REAL)pg->height);
	if (!haru_ok(w, st, "set the page size"))
		return false;
	if (!draw_rules(w, s, pg, index + 1) || !draw_runs(w, s, pg))
		return false;
	fill_stream_text(w, ((HPDF_PageAttr)hp->attr)->contents, true);
	return haru_ok(w, HPDF_OK, "draw the page") &&
	       add_font_resources(w, hp, pg);
}

/* ---- outline (bookmarks) ----------------------------------------------- */

/* Checks an outline entry before it becomes a bookmark. */
static bool
outline_entry_is_valid(writer *w, size_t n, const outline_entry *e)
{
	if (e->page < w->doc->count && e->title != NULL &&
	    utf8_validate(e->title, strlen(e->title), NULL) &&
	    fabs(e->top) <= PDF_MAX_COORD)
		return true;
	writer_error(w, "PDF writer: outline entry %zu has an invalid page, "
	             "title or position", n + 1);
	return false;
}

/* Links node as the last child of parent (Parent, Prev, Next) and counts
 * it in every ancestor's open descendants. */
static void
append_outline_child(outline_node *parent, outline_node *node)
{
	outline_node *up;

	node->parent = parent;
	HPDF_Dict_Add(node->dict, "Parent", parent->dict);
	if (parent->last != NULL) {
		HPDF_Dict_Add(parent->last->dict, "Next", node->dict);
		HPDF_Dict_Add(node->dict, "Prev", parent->last->dict);
	} else {
		parent->first = node;
	}
	parent->last = node;
	for (up = parent; up != NULL; up = up->parent)
		up->descendants++;
}

/* A bookmark item: its title (UTF-16BE) and destination, the heading's
 * page with the top of its line at the top of the window. */
static outline_node *
new_outline_item(writer *w, const outline_entry *e)
{
	outline_node *node = arena_alloc(w->mem, sizeof(*node));

	node->dict = new_indirect_dict(w);
	if (node->dict == NULL)
		return NULL;
	HPDF_Dict_Add(node->dict, "Title", new_text_string(w, e->title));
	HPDF_Dict_Add(node->dict, "Dest",
	              new_destination(w, w->page_objects[e->page], e->top));
	return node;
}

/* Writes First, Last and Count of every node with children.  All items
 * are open, so a chapter's sub-headings show under it at once. */
static void
finish_outline_node(outline_node *node)
{
	if (node->first == NULL)
		return;
	HPDF_Dict_Add(node->dict, "First", node->first->dict);
	HPDF_Dict_Add(node->dict, "Last", node->last->dict);
	HPDF_Dict_AddNumber(node->dict, "Count", (HPDF_INT32)node->descendants);
}

/* Builds the outline from pages.outline: each entry becomes a child of
 * the latest entry of a lower level (chapters at the root). */
static bool
build_outline(writer *w)
{
	size_t count = w->doc->outline_count, i;
	outline_node **nodes, *stack[OUTLINE_DEPTH_MAX + 1] = { NULL };
	outline_node *parent;
	int level, l;

	if (count == 0)
		return true;
	nodes = arena_calloc(w->mem, count + 1, sizeof(*nodes));
	nodes[0] = stack[0] = arena_alloc(w->mem, sizeof(outline_node));
	nodes[0]->dict = new_indirect_dict(w);
	if (nodes[0]->dict == NULL)
		return haru_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "create the outline");
	HPDF_Dict_AddName(nodes[0]->dict, "Type", "Outlines");
	for (i = 0; i < count; i++) {
		const outline_entry *e = &w->doc->outline[i];

		if (!outline_entry_is_valid(w, i, e))
			return false;
		level = e->level < 1 ? 1 : e->level > OUTLINE_DEPTH_MAX
		    ? OUTLINE_DEPTH_MAX : e->level;
		for (l = level - 1; stack[l] == NULL; l--)
			;
		parent = stack[l];
		if ((nodes[i + 1] = new_outline_item(w, e)) == NULL)
			return haru_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "add a bookmark");
		append_outline_child(parent, nodes[i + 1]);
		stack[level] = nodes[i + 1];
		for (l = level + 1; l <= OUTLINE_DEPTH_MAX; l++)
			stack[l] = NULL;
	}
	for (i = 0; i <= count; i++)
		finish_outline_node(nodes[i]);
	HPDF_Dict_Add(w->pdf->catalog, "Outlines", nodes[0]->dict);
	HPDF_Dict_AddName(w->pdf->catalog, "PageMode", "UseOutlines");
	return haru_ok(w, HPDF_OK, "build the outline");
}

/* ---- metadata: Info, XMP, /ID ------------------------------------------ */

/* A metadata value as written to both Info and XMP: valid UTF-8, with
 * tabs and line breaks as spaces (XML would normalise them otherwise). */
static const char *
normalise_meta_text(writer *w, const char *value, const char *label)
{
	char *copy;
	size_t i;

	if (value == NULL)
		return NULL;
	if (!utf8_validate(value, strlen(value), NULL)) {
		writer_error(w, "PDF %s is not valid UTF-8", label);
		return NULL;
	}
	copy = arena_strdup(w->mem, value);
	for (i = 0; copy[i] != '\0'; i++) {
		if (copy[i] == '\t' || copy[i] == '\n' || copy[i] == '\r')
			copy[i] = ' ';
		else if ((unsigned char)copy[i] < 0x20 || copy[i] == 0x7F) {
			writer_error(w, "PDF %s contains a control character", label);
			return NULL;
		}
	}
	return copy;
}

/* Reads and checks the five text fields of meta into w->info, and the
 * language tag (written into XMP and /Lang as is). */
static bool
normalise_metadata(writer *w)
{
	const pdf_metadata *m = w->meta;
	const char *values[INFO_FIELD_COUNT] = {
		m->title, m->author, m->subject, m->keywords, m->creator
	};
	size_t i;

	for (i = 0; i < INFO_FIELD_COUNT; i++) {
		w->info[i] = normalise_meta_text(w, values[i], info_keys[i]);
		if (values[i] != NULL && w->info[i] == NULL)
			return false;
	}
	if (m->language != NULL && (strlen(m->language) > 35 ||
	    strspn(m->language, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	           "0123456789-") != strlen(m->language))) {
		writer_error(w, "PDF language \"%s\" is not a language tag",
		             m->language);
		return false;
	}
	return true;
}

/* Checks a date's fields, so no impossible moment reaches the file. */
static bool
date_is_valid(const pdf_date *d)
{
	return d->year >= 1000 && d->year <= 9999 && d->month >= 1 &&
	       d->month <= 12 && d->day >= 1 && d->day <= 31 && d->hour >= 0 &&
	       d->hour <= 23 && d->minute >= 0 && d->minute <= 59 &&
	       d->second >= 0 && d->second <= 59 &&
	       abs(d->utc_offset_minutes) < 24 * 60;
}

/* D:YYYYMMDDHHmmSS+HH'mm' with the explicit offset (never 'Z'). */
static const char *
pdf_date_text(char out[32], const pdf_date *d)
{
	int offset = abs(d->utc_offset_minutes);

	snprintf(out, 32, "D:%04d%02d%02d%02d%02d%02d%c%02d'%02d'", d->year,
	         d->month, d->day, d->hour, d->minute, d->second,
	         d->utc_offset_minutes < 0 ? '-' : '+', offset / 60, offset % 60);
	return out;
}

/* The same moment as XMP writes it: 2025-01-20T00:00:00+08:00. */
static const char *
xmp_date_text(char out[32], const pdf_date *d)
{
	int offset = abs(d->utc_offset_minutes);

	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d->year,
	         d->month, d->day, d->hour, d->minute, d->second,
	         d->utc_offset_minutes < 0 ? '-' : '+', offset / 60, offset % 60);
	return out;
}

/* Writes the Info dictionary: the text fields as UTF-16BE and the dates
 * from meta (libharu has put its Producer there already). */
static bool
write_info(writer *w)
{
	HPDF_Dict info = w->pdf->info;
	char date[32];
	size_t i;

	if (info == NULL)
		return haru_got(w, NULL, "find the Info dictionary");
	for (i = 0; i < INFO_FIELD_COUNT; i++)
		if (w->info[i] != NULL)
			HPDF_Dict_Add(info, info_keys[i], new_text_string(w, w->info[i]));
	if (w->meta->has_dates) {
		if (!date_is_valid(&w->meta->created) ||
		    !date_is_valid(&w->meta->modified)) {
			writer_error(w, "PDF writer: invalid creation or "
			             "modification date");
			return false;
		}
		HPDF_Dict_Add(info, "CreationDate", HPDF_String_New(w->pdf->mmgr,
		              pdf_date_text(date, &w->meta->created), NULL));
		HPDF_Dict_Add(info, "ModDate", HPDF_String_New(w->pdf->mmgr,
		              pdf_date_text(date, &w->meta->modified), NULL));
	}
	return haru_ok(w, HPDF_OK, "write the document information");
}

/* One simple XMP property, <prefix:name>value</prefix:name>. */
static void
write_xmp_property(byte_buffer *s, const char *property, const char *value)
{
	if (value == NULL)
		return;
	buffer_printf(s, "   <%s>", property);
	write_xml_text(s, value);
	buffer_printf(s, "</%s>\n", property);
}

/* One language-alternative property (dc:title, dc:description) with its
 * x-default entry, or a sequence/bag (dc:creator, dc:language). */
static void
write_xmp_list(byte_buffer *s, const char *property, const char *kind,
               const char *value)
{
	if (value == NULL)
		return;
	buffer_printf(s, "   <%s><rdf:%s><rdf:li%s>", property, kind,
	              strcmp(kind, "Alt") == 0 ? " xml:lang=\"x-default\"" : "");
	write_xml_text(s, value);
	buffer_printf(s, "</rdf:li></rdf:%s></%s>\n", kind, property);
}

/* Opens an rdf:Description for one schema. */
static void
begin_xmp_schema(byte_buffer *s, const char *prefix, const char *uri)
{
	buffer_printf(s, "  <rdf:Description rdf:about=\"\" xmlns:%s=\"%s\">\n",
	              prefix, uri);
}

/* The dc, pdf and xmp properties: each one equal to its Info twin
 * (PDF/A 6.7.3), Author as a single dc:creator entry. */
static void
write_xmp_properties(writer *w, byte_buffer *s)
{
	const char *producer = HPDF_GetInfoAttr(w->pdf, HPDF_INFO_PRODUCER);
	char created[32], modified[32];

	begin_xmp_schema(s, "dc", "http://purl.org/dc/elements/1.1/");
	write_xmp_property(s, "dc:format", "application/pdf");
	write_xmp_list(s, "dc:title", "Alt", w->info[0]);
	write_xmp_list(s, "dc:creator", "Seq", w->info[1]);
	write_xmp_list(s, "dc:description", "Alt", w->info[2]);
	write_xmp_list(s, "dc:language", "Bag", w->meta->language);
	buffer_puts(s, "  </rdf:Description>\n");
	begin_xmp_schema(s, "pdf", "http://ns.adobe.com/pdf/1.3/");
	write_xmp_property(s, "pdf:Keywords", w->info[3]);
	write_xmp_property(s, "pdf:Producer", producer);
	buffer_puts(s, "  </rdf:Description>\n");
	begin_xmp_schema(s, "xmp", "http://ns.adobe.com/xap/1.0/");
	write_xmp_property(s, "xmp:CreatorTool", w->info[4]);
	if (w->meta->has_dates) {
		xmp_date_text(created, &w->meta->created);
		xmp_date_text(modified, &w->meta->modified);
		write_xmp_property(s, "xmp:CreateDate", created);
		write_xmp_property(s, "xmp:ModifyDate", modified);
		write_xmp_property(s, "xmp:MetadataDate", modified);
	}
	buffer_puts(s, "  </rdf:Description>\n");
}

/* The XMP packet in an uncompressed /Type /Metadata /Subtype /XML stream
 * on the catalog; its xpacket header has no bytes= or encoding=. */
static bool
write_xmp(writer *w)
{
	byte_buffer *s = begin_stream_text(w);
	HPDF_Dict xmp;
	int part = w->meta->conformance == PDF_A_3B ? 3 : 1;

	buffer_puts(s, "<?xpacket begin=\"\xEF\xBB\xBF\" "
	    "id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	    " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
	write_xmp_properties(w, s);
	begin_xmp_schema(s, "pdfaid", "http://www.aiim.org/pdfa/ns/id/");
	buffer_printf(s, "   <pdfaid:part>%d</pdfaid:part>\n"
	              "   <pdfaid:conformance>B</pdfaid:conformance>\n"
	              "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n"
	              "<?xpacket end=\"w\"?>", part);
	if ((xmp = new_text_stream(w, false)) == NULL)
		return haru_got(w, NULL, "create the XMP metadata");
	HPDF_Dict_AddName(xmp, "Type", "Metadata");
	HPDF_Dict_AddName(xmp, "Subtype", "XML");
	HPDF_Dict_Add(w->pdf->catalog, "Metadata", xmp);
	return haru_ok(w, HPDF_OK, "write the XMP metadata");
}

/* A stand-in for id_source when the caller gives none: the MD5 of every
 * run's text and position, so different documents get different IDs. */
static void
content_digest(writer *w, HPDF_BYTE digest[16])
{
	struct HPDF_MD5Context ctx;
	const text_run *run;
	double where[3];
	size_t p, r;

	HPDF_MD5Init(&ctx);
	for (p = 0; p < w->doc->count; p++) {
		for (r = 0; r < w->doc->items[p].run_count; r++) {
			run = &w->doc->items[p].runs[r];
			where[0] = run->x, where[1] = run->y, where[2] = run->size;
			HPDF_MD5Update(&ctx, (const HPDF_BYTE *)where, sizeof(where));
			HPDF_MD5Update(&ctx, (const HPDF_BYTE *)run->text,
			               (HPDF_UINT32)run->length);
		}
	}
	HPDF_MD5Final(digest, &ctx);
}

/* The trailer /ID: two copies of MD5(id_source), so equal inputs give
 * equal files (libharu's own ID mixes in the clock). */
static bool
write_document_id(writer *w)
{
	HPDF_Array id = HPDF_Array_New(w->pdf->mmgr);
	HPDF_BYTE digest[16];
	int i;

	if (w->meta->id_source != NULL)
		md5_digest(w->meta->id_source, w->meta->id_source_size, digest);
	else
		content_digest(w, digest);
	for (i = 0; id != NULL && i < 2; i++)
		HPDF_Array_Add(id, HPDF_Binary_New(w->pdf->mmgr, digest, 16));
	HPDF_Dict_Add(w->pdf->trailer, "ID", id);
	return haru_ok(w, HPDF_OK, "set the document ID");
}

/* ---- PDF/A: output intent and associated files ------------------------- */

/* Reads a whole file into the arena; false after an error naming it. */
static bool
read_file(writer *w, const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long length;

	if (f == NULL) {
		writer_error(w, "cannot open %s: %s", path, strerror(errno));
		return false;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (length = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		writer_error(w, "cannot read %s", path);
		fclose(f);
		return false;
	}
	*data = arena_alloc(w->mem, (size_t)length + 1);
	*size = fread(*data, 1, (size_t)length, f);
	fclose(f);
	if (*size != (size_t)length) {
		writer_error(w, "cannot read %s", path);
		return false;
	}
	return true;
}

/* The OutputIntent PDF/A needs for DeviceRGB and DeviceGray (6.2.2):
 * GTS_PDFA1 with the sRGB ICC v2 profile of icc-profiles-free. */
static bool
write_output_intent(writer *w)
{
	HPDF_MMgr mmgr = w->pdf->mmgr;
	unsigned char *icc;
	size_t size;
	HPDF_Dict profile, intent;
	HPDF_Array intents;

	if (!read_file(w, SRGB_PROFILE_PATH, &icc, &size))
		return false;
	profile = new_stream(w, icc, size, true);
	intent = new_indirect_dict(w);
	intents = HPDF_Array_New(mmgr);
	if (profile == NULL || intent == NULL || intents == NULL)
		return haru_got(w, NULL, "create the output intent");
	HPDF_Dict_AddNumber(profile, "N", 3);
	HPDF_Dict_AddName(intent, "Type", "OutputIntent");
	HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
	HPDF_Dict_Add(intent, "OutputConditionIdentifier",
	              HPDF_String_New(mmgr, SRGB_CONDITION, NULL));
	HPDF_Dict_Add(intent, "Info", HPDF_String_New(mmgr, SRGB_CONDITION, NULL));
	HPDF_Dict_Add(intent, "RegistryName",
	              HPDF_String_New(mmgr, "http://www.color.org", NULL));
	HPDF_Dict_Add(intent, "DestOutputProfile", profile);
	HPDF_Array_Add(intents, intent);
	HPDF_Dict_Add(w->pdf->catalog, "OutputIntents", intents);
	return haru_ok(w, HPDF_OK, "write the output intent");
}

/* Checks an attachment's fields: the names end up as PDF names and text,
 * the relationship must be one PDF/A-3 knows. */
static bool
attachment_is_valid(writer *w, const pdf_attachment *a)
{
	size_t i, known = sizeof(af_relationships) / sizeof(af_relationships[0]);

	for (i = 0; a->relationship != NULL && i < known; i++)
		if (strcmp(a->relationship, af_relationships[i]) == 0)
			break;
	if (a->name == NULL || a->name[0] == '\0' ||
	    !utf8_validate(a->name, strlen(a->name), NULL) ||
	    (a->description != NULL &&
	     !utf8_validate(a->description, strlen(a->description), NULL)) ||
	    a->mime == NULL || strlen(a->mime) > 100 || strchr(a->mime, '/') == NULL ||
	    (a->data == NULL && a->size > 0) || a->size > INT32_MAX) {
		writer_error(w, "PDF writer: attachment \"%s\" has an invalid "
		             "name, description, MIME type or size",
		             a->name != NULL ? a->name : "");
		return false;
	}
	if (i == known) {
		writer_error(w, "PDF writer: attachment \"%s\" has the unknown "
		             "relationship \"%s\"", a->name,
		             a->relationship != NULL ? a->relationship : "");
		return false;
	}
	return true;
}

/* The /EmbeddedFile stream: the bytes, Flate-compressed, with the MIME
 * type as /Subtype and /Params (size, checksum, modification date). */
static HPDF_Dict
embedded_file_stream(writer *w, const pdf_attachment *a)
{
	HPDF_Dict file = new_stream(w, a->data, a->size, true);
	HPDF_Dict params = HPDF_Dict_New(w->pdf->mmgr);
	HPDF_BYTE digest[16];
	char date[32];

	if (file == NULL || params == NULL)
		return NULL;
	md5_digest(a->data, a->size, digest);
	HPDF_Dict_AddName(file, "Type", "EmbeddedFile");
	HPDF_Dict_AddName(file, "Subtype", a->mime);
	HPDF_Dict_AddNumber(params, "Size", (HPDF_INT32)a->size);
	HPDF_Dict_Add(params, "CheckSum", HPDF_Binary_New(w->pdf->mmgr, digest, 16));
	if (w->meta->has_dates)
		HPDF_Dict_Add(params, "ModDate", HPDF_String_New(w->pdf->mmgr,
		              pdf_date_text(date, &w->meta->modified), NULL));
	HPDF_Dict_Add(file, "Params", params);
	return file;
}

/* /F of a file specification: the name as is when it is ASCII (what
 * older readers expect), else as a text string like /UF. */
static void *
file_name_string(writer *w, const char *name)
{
	const char *c;

	for (c = name; *c != '\0'; c++)
		if ((unsigned char)*c >= 0x80)
			return new_text_string(w, name);
	return HPDF_String_New(w->pdf->mmgr, name, NULL);
}

/* The file specification of one associated file: /F and /UF (the name),
 * /Desc, /AFRelationship and /EF pointing at the embedded stream. */
static HPDF_Dict
file_spec(writer *w, const pdf_attachment *a)
{
	HPDF_Dict spec = new_indirect_dict(w);
	HPDF_Dict ef = HPDF_Dict_New(w->pdf->mmgr);

	if (spec == NULL || ef == NULL)
		return NULL;
	HPDF_Dict_Add(ef, "F", embedded_file_stream(w, a));
	HPDF_Dict_AddName(spec, "Type", "Filespec");
	HPDF_Dict_Add(spec, "F", file_name_string(w, a->name));
	HPDF_Dict_Add(spec, "UF", new_text_string(w, a->name));
	if (a->description != NULL)
		HPDF_Dict_Add(spec, "Desc", new_text_string(w, a->description));
	HPDF_Dict_AddName(spec, "AFRelationship", a->relationship);
	HPDF_Dict_Add(spec, "EF", ef);
	return spec;
}

/* An attachment with its name-tree key (the UTF-16BE name). */
typedef struct keyed_attachment {
	const pdf_attachment *attachment;
	HPDF_BYTE *key;
	size_t key_length;
} keyed_attachment;

/* Orders attachments by key bytes, as a name tree's keys must be. */
static int
compare_keys(const void *a, const void *b)
{
	const keyed_attachment *x = a, *y = b;
	size_t n = x->key_length < y->key_length ? x->key_length : y->key_length;
	int order = memcmp(x->key, y->key, n);

	if (order != 0)
		return order;
	return (x->key_length > y->key_length) - (x->key_length < y->key_length);
}

/* The attachments sorted by key; two with one name are an error, as a
 * name tree cannot hold both. */
static keyed_attachment *
sorted_attachments(writer *w)
{
	size_t n = w->meta->attachment_count, i;
	keyed_attachment *list = arena_calloc(w->mem, n, sizeof(*list));
	const pdf_attachment *a;

	for (i = 0; i < n; i++) {
		a = &w->meta->attachments[i];
		if (!attachment_is_valid(w, a))
			return NULL;
		list[i].attachment = a;
		list[i].key_length = utf16be_text(w->mem, a->name, strlen(a->name),
		                                  &list[i].key);
	}
	qsort(list, n, sizeof(*list), compare_keys);
	for (i = 1; i < n; i++) {
		if (compare_keys(&list[i - 1], &list[i]) == 0) {
			writer_error(w, "PDF writer: two attachments are named "
			             "\"%s\"", list[i].attachment->name);
			return NULL;
		}
	}
	return list;
}

/* Embeds the attachments as associated files: each listed in the
 * catalog's /Names /EmbeddedFiles tree and in its /AF array. */
static bool
write_attachments(writer *w)
{
	HPDF_MMgr mmgr = w->pdf->mmgr;
	keyed_attachment *list;
	HPDF_Dict names, tree;
	HPDF_Array keys, af;
	HPDF_Dict spec;
	size_t i;

	if (w->meta->attachment_count == 0)
		return true;
	if ((list = sorted_attachments(w)) == NULL)
		return false;
	names = HPDF_Dict_New(mmgr);
	tree = HPDF_Dict_New(mmgr);
	keys = HPDF_Array_New(mmgr);
	af = HPDF_Array_New(mmgr);
	if (names == NULL || tree == NULL || keys == NULL || af == NULL)
		return haru_got(w, NULL, "attach the files");
	for (i = 0; i < w->meta->attachment_count; i++) {
		if ((spec = file_spec(w, list[i].attachment)) == NULL)
			return haru_got(w, NULL, "attach a file");
		HPDF_Array_Add(keys, HPDF_Binary_New(mmgr, list[i].key,
		                                     (HPDF_UINT)list[i].key_length));
		HPDF_Array_Add(keys, spec);
		HPDF_Array_Add(af, spec);
	}
	HPDF_Dict_Add(tree, "Names", keys);
	HPDF_Dict_Add(names, "EmbeddedFiles", tree);
	HPDF_Dict_Add(w->pdf->catalog, "Names", names);
	HPDF_Dict_Add(w->pdf->catalog, "AF", af);
	return haru_ok(w, HPDF_OK, "attach the files");
}

/* ---- document setup and output ----------------------------------------- */

/* Creates the document.  libharu's compression stays off: every stream
 * is compressed here as it is filled (fill_stream). */
static bool
create_document(writer *w)
{
	w->pdf = HPDF_New(record_haru_error, &w->error);
	return haru_got(w, w->pdf, "create a PDF document");
}

/* The catalog entries every PDF gets: open at page 1, and the language.
 * The header says 1.4 (PDF/A-1) or 1.7 (PDF/A-3, /AF needs it). */
static bool
write_catalog(writer *w)
{
	HPDF_Dict catalog = w->pdf->catalog;

	HPDF_Dict_Add(catalog, "OpenAction",
	              new_destination(w, w->page_objects[0], NAN));
	if (w->meta->language != NULL && w->meta->language[0] != '\0')
		HPDF_Dict_Add(catalog, "Lang",
		              HPDF_String_New(w->pdf->mmgr, w->meta->language, NULL));
	w->pdf->pdf_version = w->meta->conformance == PDF_A_3B ||
	    w->meta->attachment_count > 0 ? HPDF_VER_17 : HPDF_VER_14;
	return haru_ok(w, HPDF_OK, "write the document catalog");
}

/* Writes everything outside the pages: Info, /ID, catalog, outline and,
 * for PDF/A, XMP and the output intent; attachments unless PDF/A-1. */
static bool
write_document_parts(writer *w)
{
	bool archive = w->meta->conformance != PDF_PLAIN;

	if (w->meta->conformance == PDF_A_1B && w->meta->attachment_count > 0) {
		writer_error(w, "PDF writer: PDF/A-1b cannot embed files; "
		             "attachments need PDF/A-3b");
		return false;
	}
	return write_info(w) && write_document_id(w) && write_catalog(w) &&
	       build_outline(w) && write_attachments(w) &&
	       (!archive || (write_xmp(w) && write_output_intent(w)));
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

/* Runs the stages in order; each reports its own errors.  Fonts are
 * checked and subset before the PDF exists, so bad text costs nothing. */
static bool
write_document(writer *w, unsigned char **out, size_t *out_size)
{
	size_t p;

	find_canonical_fonts(w);
	if (!normalise_metadata(w) || !collect_code_points(w) ||
	    !prepare_fonts(w))
		return false;
	timing_mark("pdf: subsets");
	if (!create_document(w) || !embed_fonts(w))
		return false;
	for (p = 0; p < w->doc->count; p++)
		if (!draw_page(w, p))
			return false;
	if (!write_document_parts(w))
		return false;
	timing_mark("pdf: objects");
	if (!save_document(w, out, out_size))
		return false;
	timing_mark("pdf: save");
	return true;
}

/* Frees the libharu document, the faces no cache took, the buffers and
 * the arena. */
static void
release_writer(writer *w)
{
	size_t i;

	if (w->pdf != NULL)
		HPDF_Free(w->pdf);
	for (i = 0; w->fonts != NULL && i < w->doc->font_count; i++) {
		if (!w->fonts[i].face_cached)
			source_face_free(w->fonts[i].face);
		arena_destroy(w->fonts[i].mem);
	}
	libdeflate_free_compressor(w->deflater);
	free(w->deflated);
	free(w->text.data);
	arena_destroy(w->mem);
}

/* The entry point (see pdf_writer.h): one writer, one HPDF_Doc and one
 * scratch arena per call, all released before returning. */
bool
pdf_write_with(const pages *doc, const pdf_metadata *meta,
               const pdf_write_options *opt, unsigned char **out,
               size_t *out_size, diag_sink *diag)
{
	static const pdf_metadata no_metadata = { 0 };
	writer w = { 0 };
	bool ok;

	*out = NULL;
	*out_size = 0;
	if (doc->count == 0) {
		diag_error(diag, source_pos_file(NULL),
		           "PDF writer: the document has no pages");
		return false;
	}
	w.doc = doc;
	w.meta = meta != NULL ? meta : &no_metadata;
	if (opt != NULL)
		w.opt = *opt;
	w.diag = diag;
	w.mem = arena_create();
	w.fonts = arena_calloc(w.mem, doc->font_count, sizeof(*w.fonts));
	w.page_objects = arena_calloc(w.mem, doc->count, sizeof(HPDF_Page));
	ok = write_document(&w, out, out_size);
	release_writer(&w);
	return ok;
}

bool
pdf_write(const pages *doc, const pdf_metadata *meta, unsigned char **out,
          size_t *out_size, diag_sink *diag)
{
	return pdf_write_with(doc, meta, NULL, out, out_size, diag);
}
