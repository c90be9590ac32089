/*
 * linebreak.h - Chinese line breaking and justification (typography.md §7-§10).
 *
 * Input is a paragraph as code points with their natural advances; output
 * is lines and the x offset of every character.  Rules: no line starts
 * with a 行首禁则 character or ends with a 行尾禁则 character; digit and
 * Latin runs (with their decimal point, %, and 〔2021〕30号-style numbers)
 * never split; ——, …… stay whole; a full-width mark at the end of a line
 * may take half its width to pull it back ("先挤进，后推出") before a
 * character is pushed to the next line; justified lines spread the
 * remaining space between characters (never inside digit/Latin runs).
 * Han next to a digit or Latin letter gets a gap of gap_em (¼ em).
 *
 * Punctuation compression works on the blank a mark's glyph really has:
 * the caller measures the ink (lb_set_ink), since fonts differ — AR PL
 * UMing centres 。、 where GB-style fonts put them bottom-left.  Marks in
 * a run (。” ）、) give up their blanks, so the run takes ½ em per mark,
 * but two marks stay ½ em apart at least (”“ and ：“ take 1.5 em), so
 * that no two glyphs share a spot; the last mark of a justified line (but
 * the paragraph's last) gives
 * up its outer blank before any space is added between characters, so
 * right edges are flush.
 */
#ifndef GK_LINEBREAK_H
#define GK_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct lb_char {
	uint32_t cp;
	double advance;              /* natural advance, pt */
	double em;                   /* font size of this character, pt */
	/* The blank a full-width mark may give up on each side, pt, from
	 * lb_set_ink; while ink_known is false, the class decides as for a
	 * GB-style font (closing marks: right half; opening: left half). */
	double squeeze_left, squeeze_right;
	bool ink_known;
} lb_char;

typedef struct lb_params {
	double width;                /* line width, pt */
	double first_indent;         /* extra indent of the first line, pt */
	bool justify;                /* spread all lines but the last */
	double gap_em;               /* Han <-> digit/Latin gap, in em; 0.25 */
} lb_params;

typedef struct lb_line {
	size_t start, end;           /* characters [start, end) */
	double natural_width;        /* width before justification, pt */
	bool last;                   /* the paragraph's last line */
	bool end_compressed;         /* the line-end full-width mark takes
	                                half its advance (GB/T 15834 5.1.10),
	                                set when that let it fit */
} lb_line;

/* Sets c's squeeze from its glyph's ink, x_min..x_max in pt from the
 * glyph origin (cp, advance and em already set): for a full-width mark
 * with its ink in the left part the right blank may go (up to half the
 * advance), in the right part the left blank, and for a centred mark a
 * quarter of the advance on each side; other characters give up none. */
void lb_set_ink(lb_char *c, double x_min, double x_max);

/* Breaks chars into lines.  Returns the line count (>= 1 for n > 0) and an
 * arena array in *lines.  A unit wider than the line (a long number) gets
 * a line of its own and overflows; the caller may report that. */
size_t lb_break(arena *a, const lb_char *chars, size_t n, const lb_params *p,
                lb_line **lines);

/* Breaks into as few lines as fit, shaped as a title (GB/T 9704 7.2:
 * 梯形 or 菱形): no line of only one or two characters, then the lines
 * within a tolerance of each other, breaking at preferred places
 * (preferred[i] true marks a break before chars[i], e.g. between the
 * phrases a title is built from; may be NULL), each line no longer than
 * the one above (or longest in the middle, from three lines), and
 * finally as balanced as possible. */
size_t lb_break_balanced(arena *a, const lb_char *chars, size_t n,
                         const lb_params *p, const bool *preferred,
                         lb_line **lines);

/* x offsets (from the line's start, the first-line indent included) of
 * every character of line, in x[0 .. line->end - line->start).  Spaces
 * dropped at a line end keep an x but are not to be drawn
 * (lb_is_space).  Returns the width lb_line_width gives the line. */
double lb_place(const lb_char *chars, const lb_line *line, const lb_params *p,
              bool first_line, double *x);

/* What the line's last mark gives up on its right at the line end as
 * placed (0 when nothing): its frame ends that much before its advance
 * does.  (A centred mark also gives up its left quarter: lb_place moves
 * it left by that.) */
double lb_line_end_squeeze(const lb_char *chars, const lb_line *line,
                           const lb_params *p);

/* Width a line occupies once placed (for centring and right alignment),
 * the first-line indent included; natural_width excludes it. */
double lb_line_width(const lb_char *chars, const lb_line *line,
                     const lb_params *p, bool first_line);

/* Character classes. */
bool lb_is_han(uint32_t cp);
bool lb_is_space(uint32_t cp);
bool lb_is_digit_or_latin(uint32_t cp);
bool lb_no_line_start(uint32_t cp);   /* 行首禁则 */
bool lb_no_line_end(uint32_t cp);     /* 行尾禁则 */
bool lb_is_bracket_or_stop(uint32_t cp); /* a mark lb_set_ink measures */

/* Returns text with the spaces between a Han character (or full-width
 * punctuation) and a digit or Latin letter removed, runs of white space
 * inside Latin text folded to one space, and leading/trailing white space
 * trimmed.  Newlines inside a paragraph count as white space. */
char *lb_normalize_spaces(arena *a, const char *text);

#endif
