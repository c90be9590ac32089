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
#include "fonts.h"
#include "linebreak.h"
#include "pages.h"

typedef struct measured_text {
	const char *text;            /* UTF-8 */
	lb_char *chars;
	size_t count;
	size_t *offsets;             /* byte offset of chars[i]; offsets[count] = length */
	int font;                    /* font role index */
	double size;
} measured_text;

/* Measures text in face at size.  A character the face lacks is an error
 * naming the character, its code point, the font and where (pos, context);
 * so is one outside the BMP, which the PDF writer cannot embed yet. */
bool measure_text(arena *a, const char *text, const font_face *face,
                  int font, double size, source_pos pos, const char *context,
                  diag_sink *diag, measured_text *out);

/* Appends the runs of one placed line: x offsets from lb_place, the line's
 * left edge at left and its baseline at baseline (any coordinate system
 * whose x grows rightwards).  Dropped spaces are not drawn; characters with
 * the same spacing go in one run. */
void emit_line(page_builder *out, const measured_text *m, const lb_line *line,
               const double *x, double left, double baseline);

#endif
