/*
 * cff_subset.h - writes the subset of a CID-keyed CFF font program whose
 * charstrings call no subroutines (Fandol's), by copying: the kept
 * glyphs' charstrings less their hints (as HarfBuzz's NO_HINTING), the
 * Name and String INDEXes, Font DICTs and Private DICTs whole, with a
 * new charset, FDSelect and offsets.  HarfBuzz re-serialises the whole
 * font for the same result, several times slower.
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
 * subset is old_glyphs[i] of the source and keeps its CID and Font DICT.
 * Returns false (with *why set to a static reason) when the font is not
 * one this writer handles - name-keyed, with global or local subrs - or
 * is damaged, or the glyph list is not as described; the caller then
 * subsets some other way. */
bool cff_subset_write(arena *a, const unsigned char *data, size_t size,
                      const uint32_t *old_glyphs, unsigned count,
                      unsigned char **out, size_t *out_size,
                      const char **why);

#endif
