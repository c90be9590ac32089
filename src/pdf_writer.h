/*
 * pdf_writer.h - draws pages into a PDF.  The only module that calls
 * libharu (nothing else includes hpdf.h).
 *
 * libharu serves as the object, stream and cross-reference writer; fonts
 * and content streams are written here.  Every font is read with sfnt.h,
 * subset to the characters the document draws (by cff_subset.h and
 * tt_subset.h; by HarfBuzz, loaded when needed, for fonts they refuse)
 * and embedded as a Type0 font (so characters above U+FFFF print and
 * extract too): TrueType as a
 * CIDFontType2 whose CIDs are the subset's glyph ids, CFF (also a face of
 * a .ttc collection) as a CIDFontType0 with FontFile3 /CIDFontType0C whose
 * CIDs are those of the subset's charset; each with /W, /CIDSet,
 * /CapHeight and a ToUnicode CMap.  Every PDF carries Info metadata, dates from pdf_metadata (never
 * the clock), an /ID hashed from the inputs, and bookmarks; PDF/A-1b and
 * PDF/A-3b add XMP, the sRGB output intent and associated files.  The
 * same pages and metadata give the same bytes.
 */
#ifndef GK_PDF_WRITER_H
#define GK_PDF_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "pages.h"

typedef enum pdf_conformance {
	PDF_PLAIN,                   /* every PDF: metadata, outline, /ID, no dates from the clock */
	PDF_A_1B,                    /* ISO 19005-1 level B (--archive) */
	PDF_A_3B                     /* ISO 19005-3 level B with associated files (--attach-source) */
} pdf_conformance;

/* A moment with its offset from UTC, written as D:YYYYMMDDHHmmSS+HH'mm'
 * and 2025-01-20T00:00:00+08:00 in XMP (never 'Z'). */
typedef struct pdf_date {
	int year, month, day;
	int hour, minute, second;
	int utc_offset_minutes;      /* e.g. 480 for China Standard Time */
} pdf_date;

/* A file embedded as an associated file (PDF/A-3: /AF, /AFRelationship). */
typedef struct pdf_attachment {
	const char *name;            /* file name shown and extracted, UTF-8 */
	const char *mime;            /* e.g. "application/yaml" */
	const char *description;     /* e.g. "报告描述（源文件）" */
	const char *relationship;    /* "Source", "Data", ... */
	const unsigned char *data;
	size_t size;
} pdf_attachment;

typedef struct pdf_metadata {
	const char *title;
	const char *author;
	const char *subject;
	const char *keywords;
	const char *creator;         /* e.g. "gkreport 0.1.0" */
	bool has_dates;
	pdf_date created;            /* from the description (or SOURCE_DATE_EPOCH) */
	pdf_date modified;
	/* The document /ID is the MD5 of these bytes (the inputs: description,
	 * layout, font identities), so equal inputs give equal files. */
	const unsigned char *id_source;
	size_t id_source_size;
	pdf_conformance conformance;
	const pdf_attachment *attachments;  /* only with PDF_A_3B */
	size_t attachment_count;
	const char *language;        /* e.g. "zh-CN" */
} pdf_metadata;

/* Source faces kept open between documents: a face's file mapping and
 * parsed table directory (sfnt.h), and the pages of the font file its
 * cmap and outlines touched stay mapped, so a batch does not open,
 * check and page in the same fonts for every report, for several
 * megabytes of resident memory per CJK face.  Keyed by file path and
 * face index; a face that fails to open or to cover its text is not
 * kept.  One cache belongs to one thread (a render session). */
typedef struct pdf_font_cache pdf_font_cache;

pdf_font_cache *pdf_font_cache_create(void);   /* NULL when out of memory */
void pdf_font_cache_free(pdf_font_cache *cache);

/* How pdf_write_with works; all zero is pdf_write. */
typedef struct pdf_write_options {
	pdf_font_cache *font_cache;  /* NULL: every font opened afresh */
	bool parallel_fonts;         /* subset the fonts on up to as many
	                                threads as CPUs (not for batch workers,
	                                which keep every CPU busy already) */
} pdf_write_options;

/* Writes doc as a PDF into a malloc'd buffer (*out, *out_size; the caller
 * frees it).  Returns false after diagnostics on any failure, with *out
 * NULL.  Errors include: a character the run's font has no glyph for, an
 * unreadable font file or face index, a font with neither glyf nor CFF
 * outlines (CFF2 included), and attachments asked of PDF/A-1b.  meta may be
 * NULL; its NULL fields are left out.  Safe to call from several threads
 * at once. */
bool pdf_write(const pages *doc, const pdf_metadata *meta,
               unsigned char **out, size_t *out_size, diag_sink *diag);

/* pdf_write with options (opt NULL: none); the bytes do not depend on
 * them. */
bool pdf_write_with(const pages *doc, const pdf_metadata *meta,
                    const pdf_write_options *opt, unsigned char **out,
                    size_t *out_size, diag_sink *diag);

#endif
