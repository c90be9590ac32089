/*
 * harfbuzz_subset.h - HarfBuzz's subsetter, for the fonts the PDF
 * writer's own subset writers refuse (cff_subset.h: name-keyed CFF such
 * as STIX, seac accents; tt_subset.h: damaged tables).
 *
 * libharfbuzz-subset is loaded with dlopen when a font needs it, never
 * linked: it brings libharfbuzz, glib, graphite2 and pcre2, whose
 * loading cost every run about 0.25 ms at start-up, for fonts no
 * default role uses.  A system without the library renders every other
 * font; one that needs it says which Debian package to install.
 */
#ifndef GK_HARFBUZZ_SUBSET_H
#define GK_HARFBUZZ_SUBSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* The library and the Debian package that holds it. */
#define HARFBUZZ_SUBSET_LIBRARY "libharfbuzz-subset.so.0"
#define HARFBUZZ_SUBSET_PACKAGE "libharfbuzz-subset0"

/* What to subset: face face_index of the font file at font, keeping the
 * characters code_points (ascending).  With cff_only, of a CFF font,
 * only the 'CFF ' table is kept (the PDF embeds the bare table); else
 * the layout, bitmap and other tables a PDF does not read are dropped. */
typedef struct harfbuzz_subset_input {
	const unsigned char *font;
	size_t font_size;
	unsigned face_index;
	const uint32_t *code_points;
	size_t code_point_count;
	bool cff_only;
} harfbuzz_subset_input;

/* The subset, its bytes and glyphs allocated from the caller's arena:
 * glyph i of the program is old_glyphs[i] of the source. */
typedef struct harfbuzz_subset_output {
	unsigned char *program;      /* the sfnt, or the bare 'CFF ' table */
	size_t size;
	uint32_t *old_glyphs;
	unsigned glyph_count;
} harfbuzz_subset_output;

typedef enum harfbuzz_subset_status {
	HARFBUZZ_SUBSET_OK,
	HARFBUZZ_SUBSET_FAILED,          /* HarfBuzz could not subset the font */
	HARFBUZZ_SUBSET_UNAVAILABLE      /* the library is missing or lacks a
	                                    function: see *message */
} harfbuzz_subset_status;

/* Subsets as `in` says into *out, with no hinting and no subroutines (as
 * the PDF writer's own writers).  HARFBUZZ_SUBSET_UNAVAILABLE leaves in
 * message (of message_size bytes) the end of a sentence for the caller
 * to begin: "needs libharfbuzz-subset: <why>; install it: apt-get
 * install libharfbuzz-subset0".  Safe to call from several threads. */
harfbuzz_subset_status harfbuzz_subset(arena *a, const harfbuzz_subset_input *in,
                                       harfbuzz_subset_output *out,
                                       char *message, size_t message_size);

#endif
