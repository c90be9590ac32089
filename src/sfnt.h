/*
 * sfnt.h - reads what the PDF writer needs of an OpenType or TrueType
 * font in memory (a font_files.h mapping): the table directory of face N
 * of a plain sfnt or of a 'ttcf' collection, tables by tag, the cmap
 * (code point -> glyph), hmtx advances, values of head, hhea, OS/2, post
 * and fvar, a glyf glyph's top, and names such as the PostScript name.
 *
 * Each answer is the one HarfBuzz 6.0 gives (hb_font_get_nominal_glyph,
 * hb_font_get_glyph_h_advance, hb_ot_metrics_get_position,
 * hb_style_get_value, hb_ot_name_get_utf8, glyf extents), including the
 * tables it ignores as invalid (a head without its magic number, an OS/2
 * shorter than its version says...), so that the PDF's widths and
 * FontDescriptor stay what they were when HarfBuzz answered;
 * tests/unit/test_sfnt.c compares them over every installed face.  Left
 * out, as no font at hand needs them: the Arabic code pages of legacy
 * symbol fonts, the 'ltag' languages of Unicode-platform names, bitmap
 * and colour glyph extents, DFont (Mac resource fork) files, and the STAT
 * table, which HarfBuzz 6.0 reads for weight and slant before OS/2 and
 * post but returns as 1 or 0 (a bug fixed in HarfBuzz 8.3.1).
 *
 * The bytes are untrusted: sfnt_open checks the directory and that every
 * table lies within the file, and every later read is checked against
 * its table, so a damaged font gives false and a reason, never a read
 * outside the file.  A parsed face is read-only: several threads may use
 * it at once.
 */
#ifndef GK_SFNT_H
#define GK_SFNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SFNT_TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
                              (uint32_t)(c) << 8 | (uint32_t)(d))

/* One table's bytes, inside the file; size 0 for an absent table. */
typedef struct sfnt_table {
	const unsigned char *data;
	size_t size;
} sfnt_table;

/* The cmap subtable HarfBuzz chooses, with what a look-up needs. */
typedef struct sfnt_cmap {
	const unsigned char *data;   /* NULL: no usable subtable, no glyphs */
	size_t size;                 /* bytes of it that may be read */
	unsigned format;
	bool symbol_pua;             /* (3,0): U+0000-00FF also as U+F000-F0FF */
	unsigned segments;           /* format 4 */
	size_t glyph_ids;            /* format 4: entries of glyphIdArray */
} sfnt_cmap;

/* hmtx as HarfBuzz's accelerator reads it (numbers of long metrics, of
 * left side bearings and of advances the table holds). */
typedef struct sfnt_hmtx {
	const unsigned char *data;
	unsigned long_metrics, bearings, advances, default_advance;
} sfnt_hmtx;

/* One face of a font file, parsed by sfnt_open. */
typedef struct sfnt_face {
	const unsigned char *file;
	size_t file_size;
	const unsigned char *records;    /* the table directory's records */
	unsigned table_count;
	unsigned upem;                   /* head unitsPerEm; 1000 if unusable */
	unsigned glyph_count;            /* maxp numGlyphs; 0 if unusable */
	sfnt_cmap cmap;
	sfnt_hmtx hmtx;
} sfnt_face;

/* FontDescriptor inputs, each as HarfBuzz gives it; a has_ flag is false
 * where HarfBuzz finds no value (its caller then has a fallback). */
typedef struct sfnt_metrics {
	bool has_bbox;               /* head is 44 bytes or longer */
	int bbox[4];                 /* head xMin yMin xMax yMax, font units */
	bool has_ascender, has_descender;
	int ascender, descender;     /* OS/2 typo (USE_TYPO_METRICS) or hhea;
	                                |ascender|, -|descender| */
	bool has_cap_height;         /* OS/2 version 2 or later with
	                                sxHeight or sCapHeight set */
	int cap_height;              /* its sCapHeight (may be 0) */
	float italic_angle;          /* fvar 'slnt' default, else post */
	float weight;                /* fvar 'wght' default, else OS/2
	                                usWeightClass, else 700 or 400 by
	                                head macStyle */
} sfnt_metrics;

/* How many faces the file holds, as hb_face_count counts them: 1 for a
 * plain sfnt whose directory fits, numFonts for a collection whose
 * offsets fit, 0 for anything else (an empty file, a Type 1 font...). */
unsigned sfnt_face_count(const unsigned char *data, size_t size);

/* Parses face `index` of the file at data (size bytes, which must stay
 * readable while the face is used).  False, with *why a static reason,
 * when there is no such face or its directory or a table record points
 * outside the file. */
bool sfnt_open(sfnt_face *face, const unsigned char *data, size_t size,
               unsigned index, const char **why);

/* The table with this tag: true when the face has it (*out then holds
 * its bytes, possibly none); false with *out empty when it has not. */
bool sfnt_find_table(const sfnt_face *face, uint32_t tag, sfnt_table *out);

/* The glyph the cmap gives a code point (hb_font_get_nominal_glyph):
 * false when there is none.  The glyph may exceed the glyph count in a
 * broken font, as HarfBuzz's does. */
bool sfnt_glyph(const sfnt_face *face, uint32_t code_point, uint32_t *glyph);

/* The advance width of a glyph in font units, from hmtx (glyphs past
 * numberOfHMetrics take the last advance; upem / 2 without hmtx, 0 past
 * the font's glyphs). */
unsigned sfnt_advance(const sfnt_face *face, uint32_t glyph);

/* Reads the FontDescriptor inputs of the face into *m. */
void sfnt_read_metrics(const sfnt_face *face, sfnt_metrics *m);

/* The top of a TrueType glyph's box (glyf yMax, or yMin if larger; 0 for
 * an empty glyph), as HarfBuzz's glyph extents give it.  False when the
 * face has no glyf glyph with that id (a CFF font, for one). */
bool sfnt_glyf_top(const sfnt_face *face, uint32_t glyph, int *top);

/* Name name_id in English, as hb_ot_name_get_utf8(face, name_id,
 * HB_LANGUAGE_INVALID, ...) writes it into a buffer of size bytes:
 * Windows (UTF-16BE) records before Mac Roman ones (read as ASCII, other
 * bytes as U+FFFD), UTF-8, cut before a character that does not fit,
 * NUL-terminated.  Returns the bytes written, 0 when there is no such
 * name. */
size_t sfnt_name_utf8(const sfnt_face *face, unsigned name_id, char *out,
                      size_t size);

#endif
