/*
 * textset.h - from UTF-8 text to measured characters and from placed
 * lines to text runs; shared by the prose and the table typesetters.
 */
#ifndef GK_TEXTSET_H
#define GK_TEXTSET_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "font_usage.h"
#include "fonts.h"
#include "linebreak.h"
#include "pages.h"

typedef struct measured_text {
	const char *text;            /* UTF-8 */
	lb_char *chars;
	size_t count;
	size_t *offsets;             /* byte offset of chars[i]; offsets[count] = length */
	int *fonts;                  /* page font of chars[i] (font_usage) */
	double size;
} measured_text;

/* Measures text of a font role at size: each character in the first face
 * of the role's chain that has it.  A character found only after the
 * first face is recorded in fonts for the document's note.  One that no
 * face has is an error naming the character, its code point, the role,
 * every font tried and where (pos, context). */
bool measure_text(arena *a, const char *text, font_usage *fonts, int role,
                  double size, source_pos pos, const char *context,
                  diag_sink *diag, measured_text *out);

/* Appends the runs of one placed line: x offsets from lb_place, the line's
 * left edge at left and its baseline at baseline (any coordinate system
 * whose x grows rightwards).  Dropped spaces are not drawn; characters with
 * the same font and spacing go in one run. */
void emit_line(page_builder *out, const measured_text *m, const lb_line *line,
               const double *x, double left, double baseline);

#endif
