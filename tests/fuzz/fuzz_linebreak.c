/*
 * fuzz_linebreak.c - libFuzzer target: the line breaker on arbitrary
 * UTF-8 with fuzzer-chosen line widths, checking what every caller
 * relies on and aborting when it does not hold.
 *
 * Input: 8 bytes of parameters, then the text.
 *   [0..1] line width in 1/8 pt   [2] first indent in 1/4 pt
 *   [3] font size in pt (1..256)  [4] flags: 1 justify, 2 preferred
 *   breaks from [5], 4 proportional Latin   [5] preferred-break seed
 *   [6..7] unused, kept for later parameters
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "linebreak.h"
#include "utf8.h"

#define HEADER 8
#define EPS 1e-6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the run with the broken invariant named, so the fuzzer keeps
 * the input as a crash. */
static void
violated(const char *what, size_t line)
{
	fprintf(stderr, "linebreak invariant violated: %s (line %zu)\n", what,
	        line);
	abort();
}

/* A plausible advance for cp at size em: full width for Han and CJK
 * marks, half for Latin (or a width varying by letter), a quarter for
 * spaces, so every class the breaker knows is exercised. */
static double
advance_of(uint32_t cp, double em, bool proportional)
{
	if (lb_is_space(cp) && cp != 0x3000)
		return em / 4;
	if (cp < 0x80)
		return proportional ? em * (double)(cp % 7 + 2) / 12 : em / 2;
	if (lb_is_digit_or_latin(cp) || (cp >= 0x370 && cp <= 0x4FF))
		return em * 0.55;
	return em;
}

/* The text as characters with advances, after the same space
 * normalisation every paragraph gets. */
static lb_char *
make_chars(arena *a, const char *text, double em, bool proportional,
           size_t *n)
{
	uint32_t *cps;
	lb_char *chars;
	size_t i;

	*n = utf8_to_codepoints(a, text, strlen(text), &cps);
	chars = arena_calloc(a, *n + 1, sizeof(*chars));
	for (i = 0; i < *n; i++) {
		chars[i].cp = cps[i];
		chars[i].em = em;
		chars[i].advance = advance_of(cps[i], em, proportional);
	}
	return chars;
}

/* Normalising twice changes nothing, and never lengthens the text. */
static void
check_normalize(arena *a, const char *raw, const char *text)
{
	if (strlen(text) > strlen(raw))
		violated("normalised text is longer than the input", 0);
	if (strcmp(lb_normalize_spaces(a, text), text) != 0)
		violated("normalising is not idempotent", 0);
}

/* Lines tile [0, n) in order, none empty, and only the last is last. */
static void
check_cover(const lb_line *lines, size_t count, size_t n)
{
	size_t j;

	if (n > 0 && count == 0)
		violated("no lines for a non-empty paragraph", 0);
	for (j = 0; j < count; j++) {
		if (lines[j].start >= lines[j].end)
			violated("empty line", j);
		if (lines[j].start != (j == 0 ? 0 : lines[j - 1].end))
			violated("lines do not follow each other", j);
		if (lines[j].last != (j == count - 1))
			violated("last flag on the wrong line", j);
	}
	if (count > 0 && lines[count - 1].end != n)
		violated("lines do not reach the end", count - 1);
}

/* No line but the first starts with a space or a 行首禁则 mark, and
 * none but the last ends (before its spaces) with a 行尾禁则 mark. */
static void
check_kinsoku(const lb_char *chars, const lb_line *lines, size_t count)
{
	size_t j, end;

	for (j = 0; j < count; j++) {
		uint32_t first = chars[lines[j].start].cp;

		if (j > 0 && (lb_no_line_start(first) || lb_is_space(first)))
			violated("line starts with a no-line-start character", j);
		end = lines[j].end;
		while (end > lines[j].start && lb_is_space(chars[end - 1].cp))
			end--;
		if (j + 1 < count && end > lines[j].start &&
		    lb_no_line_end(chars[end - 1].cp))
			violated("line ends with a no-line-end character", j);
	}
}

/* True when cp is one of the connectors justification leaves alone. */
static bool
is_connector(uint32_t cp)
{
	return cp == 0x2013 || cp == 0x2014 || cp == 0xFF5E || cp == '-' ||
	       cp == 0xFF0D || cp == '/' || cp == 0xFF0F;
}

/* True when the line surely has a slot justification can stretch: a
 * Han character before its last visible one, not before a connector. */
static bool
has_stretch_slot(const lb_char *chars, size_t start, size_t visible_end)
{
	size_t i;

	for (i = start; i + 1 < visible_end; i++)
		if (lb_is_han(chars[i].cp) && !is_connector(chars[i + 1].cp))
			return true;
	return false;
}

/* The x where the line ends: after its last visible character, less
 * the blank a line-end mark gives up. */
static double
line_end_x(const lb_char *chars, const lb_line *line, const lb_params *p,
           const double *x, size_t visible_end)
{
	const lb_char *c = &chars[visible_end - 1];

	return x[visible_end - 1 - line->start] + c->advance -
	       lb_line_end_squeeze(chars, line, p);
}

/* Places one line and checks its x offsets: from the indent, never
 * going back, and a justified line that can stretch ends at the width. */
static void
check_place(arena *a, const lb_char *chars, const lb_line *line, size_t j,
            const lb_params *p)
{
	size_t len = line->end - line->start, i, visible_end = line->end;
	double *x = arena_calloc(a, len, sizeof(*x));
	double indent = j == 0 ? p->first_indent : 0, end;

	lb_place(chars, line, p, j == 0, x);
	if (fabs(x[0] - indent) > EPS)
		violated("first x is not the indent", j);
	for (i = 1; i < len; i++)
		if (x[i] < x[i - 1] - EPS)
			violated("x offsets go back", j);
	while (visible_end > line->start && lb_is_space(chars[visible_end - 1].cp))
		visible_end--;
	if (visible_end == line->start)
		return;
	end = line_end_x(chars, line, p, x, visible_end);
	if (fabs(end - lb_line_width(chars, line, p, j == 0)) > EPS * (1 + end))
		violated("lb_line_width disagrees with lb_place", j);
	if (p->justify && !line->last &&
	    line->natural_width <= p->width - indent + EPS &&
	    has_stretch_slot(chars, line->start, visible_end) &&
	    fabs(end - p->width) > EPS * (1 + p->width))
		violated("justified line does not end at the width", j);
}

/* Every invariant of one set of lines. */
static void
check_lines(arena *a, const lb_char *chars, size_t n, const lb_line *lines,
            size_t count, const lb_params *p)
{
	size_t j;

	check_cover(lines, count, n);
	check_kinsoku(chars, lines, count);
	for (j = 0; j < count; j++)
		check_place(a, chars, &lines[j], j, p);
}

/* Preferred breaks every seed-th character, as a title's phrases. */
static bool *
make_preferred(arena *a, size_t n, unsigned seed)
{
	bool *preferred = arena_calloc(a, n + 1, sizeof(*preferred));
	size_t i, step = seed % 13 + 1;

	for (i = step; i < n; i += step)
		preferred[i] = true;
	return preferred;
}

/* Reads the parameters, breaks the text greedily and balanced, and
 * checks both. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a;
	lb_params p;
	lb_line *lines;
	lb_char *chars;
	char *raw;
	const char *text;
	size_t n, count, balanced;
	double em;

	if (size < HEADER)
		return 0;
	a = arena_create();
	p.width = (double)(data[0] | data[1] << 8) / 8;
	p.first_indent = (double)data[2] / 4;
	em = (double)data[3] + 1;
	p.justify = data[4] & 1;
	p.gap_em = 0.25;
	raw = arena_strndup(a, (const char *)data + HEADER, size - HEADER);
	text = lb_normalize_spaces(a, raw);
	check_normalize(a, raw, text);
	chars = make_chars(a, text, em, data[4] & 4, &n);
	count = lb_break(a, chars, n, &p, &lines);
	check_lines(a, chars, n, lines, count, &p);
	balanced = lb_break_balanced(a, chars, n, &p,
	                             data[4] & 2 ? make_preferred(a, n, data[5]) : NULL,
	                             &lines);
	if (balanced != count)
		violated("balanced breaking changed the line count", 0);
	check_lines(a, chars, n, lines, balanced, &p);
	arena_destroy(a);
	return 0;
}
