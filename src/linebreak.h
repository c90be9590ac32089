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

/* Breaks chars into lines.  Returns the line count (>= 1 for n > 0) and an
 * arena array in *lines.  A unit wider than the line (a long number) gets
 * a line of its own and overflows; the caller may report that. */
size_t lb_break(arena *a, const lb_char *chars, size_t n, const lb_params *p,
                lb_line **lines);

/* Breaks into as few lines as fit, with line widths as equal as possible
 * (a title); preferred[i] true marks a preferred break before chars[i],
 * taken when it keeps the lines reasonably balanced.  preferred may be
 * NULL. */
size_t lb_break_balanced(arena *a, const lb_char *chars, size_t n,
                         const lb_params *p, const bool *preferred,
                         lb_line **lines);

/* x offsets (from the line's start, the first-line indent included) of
 * every character of line, in x[0 .. line->end - line->start).  Spaces
 * dropped at a line end keep an x but are not to be drawn
 * (lb_is_space). */
void lb_place(const lb_char *chars, const lb_line *line, const lb_params *p,
              bool first_line, double *x);

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

/* Returns text with the spaces between a Han character (or full-width
 * punctuation) and a digit or Latin letter removed, runs of white space
 * inside Latin text folded to one space, and leading/trailing white space
 * trimmed.  Newlines inside a paragraph count as white space. */
char *lb_normalize_spaces(arena *a, const char *text);

#endif
