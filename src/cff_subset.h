/*
 * cff_subset.h - writes the subset of a CID-keyed CFF font program
 * (Fandol's, Noto CJK's) by copying: the kept glyphs' charstrings with
 * their subroutine calls inlined and without their hints (as HarfBuzz's
 * NO_HINTING | DESUBROUTINIZE), the Name INDEX, the strings the written
 * DICTs name, the Font DICTs the kept glyphs use and their Private DICTs
 * less Subrs and the hinting entries, with a new charset (the smallest
 * format), FDSelect and offsets.  HarfBuzz parses and re-serialises the
 * whole font for the same result, several times slower.
 */
#ifndef GK_CFF_SUBSET_H
#define GK_CFF_SUBSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Writes into *out (allocated from a, *out_size bytes) the CFF of data
 * (size bytes, a bare 'CFF ' table) keeping old_glyphs, count glyph ids
 * in ascending order with old_glyphs[0] == 0 (.notdef); glyph i of the
 * subset is old_glyphs[i] of the source, with its CID, advance width and
 * outline, and no subroutines are left (an empty Global Subr INDEX, no
 * local Subrs).  Only the kept glyphs and the subroutines they call are
 * read.  Returns false (with *why set to a static reason) when the font
 * is not one this writer handles - name-keyed, a kept glyph that is a
 * seac accent or uses the arithmetic operators - or is damaged (a call
 * out of range, subroutines nested deeper than Type 2's 10, a charstring
 * running past its end, a DICT naming a string that is not there...), or
 * the glyph list is not as described; the caller then subsets some other
 * way. */
bool cff_subset_write(arena *a, const unsigned char *data, size_t size,
                      const uint32_t *old_glyphs, unsigned count,
                      unsigned char **out, size_t *out_size,
                      const char **why);

#endif
