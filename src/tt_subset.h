/*
 * tt_subset.h - writes the subset of a TrueType (glyf) font by copying:
 * the kept glyphs less their instructions (as HarfBuzz's NO_HINTING),
 * composite components renumbered, new loca, hmtx and cmap, the name
 * records of IDs 0 to 6 (US English ones, as HarfBuzz keeps), the
 * source's head, hhea, maxp, OS/2 and post header with the few fields a
 * subset changes.  The result is a FontFile2 for a CIDFontType2 with
 * CIDToGIDMap /Identity: CID = glyph id of the subset.  HarfBuzz's
 * subsetter gives the same tables at several times the cost, most of it
 * setting its plan up.
 */
#ifndef GK_TT_SUBSET_H
#define GK_TT_SUBSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* One table of the source font, as found in its sfnt; size 0 when the
 * font has none. */
typedef struct tt_table {
	const unsigned char *data;
	size_t size;
} tt_table;

/* The source face's tables (the PDF writer takes them from HarfBuzz with
 * hb_face_reference_table).  head, hhea, maxp, hmtx, loca and glyf are
 * required; an absent OS/2 or name is left out of the subset, an absent
 * post gives a zeroed version 3 one. */
typedef struct tt_source {
	tt_table head, hhea, maxp, hmtx, loca, glyf, os2, name, post;
} tt_source;

/* One character of the subset's cmap: code_point shows old_glyph. */
typedef struct tt_char {
	uint32_t code_point;
	uint32_t old_glyph;
} tt_char;

/* Puts in *closed (allocated from a, *closed_count ids, ascending and
 * unique) the glyphs that a subset showing glyphs (count ids, any order)
 * needs: .notdef, glyphs, and every component of their composite glyphs,
 * recursively.  closed and closed_count may point at the variables that
 * glyphs and count came from: they are set last.  Returns false (with
 * *why a static reason, *closed untouched) when a glyph id is outside the
 * font, a glyph or table the walk reads is damaged, or composites nest
 * too deep or contain themselves. */
bool tt_subset_closure(arena *a, const tt_source *src, const uint32_t *glyphs,
                       unsigned count, uint32_t **closed,
                       unsigned *closed_count, const char **why);

/* Writes into *out (allocated from a, *out_size bytes) the subset font
 * whose glyph i is old_glyphs[i] of the source: old_glyphs (count ids)
 * must be a closure as tt_subset_closure gives it.  Its cmap maps each
 * chars[i].code_point (at most U+10FFFF; given twice only with the same
 * glyph) to the new id of chars[i].old_glyph, which must be among
 * old_glyphs; characters shown with .notdef are left out.  Returns false (with *why set to a static
 * reason) when the source is damaged or not a glyf font, or the glyph or
 * character list is not as described; the caller then subsets some
 * other way.  Equal input gives equal bytes. */
bool tt_subset_write(arena *a, const tt_source *src, const uint32_t *old_glyphs,
                     unsigned count, const tt_char *chars, size_t char_count,
                     unsigned char **out, size_t *out_size, const char **why);

#endif
