/*
 * cff_bounds.h - the bounding box of one glyph of a CFF font program
 * (the bare 'CFF ' table), its Type 2 charstring run with subroutines,
 * taken as HarfBuzz 6.0 takes a CFF glyph's extents: every point of the
 * outline including the Bezier control points, in font units, the
 * FontMatrix ignored.  The PDF writer needs it for the CapHeight of a CFF
 * font whose OS/2 gives none (Fandol: the top of 'H').
 *
 * Like HarfBuzz, it refuses a charstring that uses the arithmetic
 * operators or runs off its end; it also refuses seac accents (endchar
 * with four arguments), which HarfBuzz measures by their two parts: no
 * capital H is made that way.
 */
#ifndef GK_CFF_BOUNDS_H
#define GK_CFF_BOUNDS_H

#include <stdbool.h>
#include <stddef.h>

/* A glyph's box in font units; x_min > x_max for one without points. */
typedef struct cff_bounds {
	double x_min, y_min, x_max, y_max;
} cff_bounds;

/* The box of glyph `glyph` of the CFF at data (size bytes).  False, with
 * *why a static reason, when the font or the glyph's charstring is
 * damaged or does something this reader refuses (see above). */
bool cff_glyph_bounds(const unsigned char *data, size_t size, unsigned glyph,
                      cff_bounds *out, const char **why);

#endif
