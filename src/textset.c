/*
 * textset.c - measuring text and turning placed lines into runs.
 *
 * Each character is measured in the first face of its role's chain that
 * has it, so one line may mix faces; a run never does.
 */
#include "textset.h"

#include <math.h>
#include <string.h>

#include "utf8.h"

/* fonts_tried:
 * The families of every usable face of role's chain that cp was looked
 * up in (latin faces only for Latin characters), in chain order. */
static const char *
fonts_tried(arena *a, const font_set *set, size_t role, uint32_t cp)
{
	size_t k, n = font_set_chain_length(set, role);
	const char *list = "";

	for (k = 0; k < n; k++) {
		const font_face *f = font_set_chain_face(set, role, k);

		if (f != NULL && (!f->latin_only || font_is_latin(cp)))
			list = arena_printf(a, "%s%s%s", list, *list ? ", " : "",
			                    f->family);
	}
	return list;
}

/* report_missing:
 * The error for a character that no face of the role has, naming them
 * all so that the clerk knows which fonts would have to change. */
static void
report_missing(arena *a, const font_set *set, size_t role, uint32_t cp,
               const char *chr, size_t len, source_pos pos,
               const char *context, diag_sink *diag)
{
	const font_face *first = font_set_face(set, role);

	diag_error(diag, pos, "%s: character '%.*s' (U+%04X) is not in any "
	           "font of role %s (tried %s)", context, (int)len, chr,
	           (unsigned)cp, first != NULL ? first->role : "?",
	           fonts_tried(a, set, role, cp));
}

/* Whether cp already appeared earlier in chars, so that a missing character
 * is reported once per text, not once per occurrence. */
static bool
seen_before(const lb_char *chars, size_t n, uint32_t cp)
{
	for (size_t i = 0; i < n; i++)
		if (chars[i].cp == cp)
			return true;
	return false;
}

/* measure_ink:
 * Tells the line breaker where a mark's ink lies in face, so that it
 * compresses the side that is blank (UMing centres 。、, most fonts
 * put them bottom-left). */
static void
measure_ink(font_usage *fonts, const font_face *face, lb_char *c)
{
	int x0, y0, x1, y1;

	if (lb_is_bracket_or_stop(c->cp) &&
	    font_usage_ink_box(fonts, face, c->cp, &x0, &y0, &x1, &y1))
		lb_set_ink(c, x0 * c->em / 1000.0, x1 * c->em / 1000.0);
}

/* measure_char:
 * Sets out's character k to cp in the first face of the role that has
 * it, noting a fallback; false (an em wide, in the first face) when no
 * face has it. */
static bool
measure_char(font_usage *fonts, int role, uint32_t cp, source_pos pos,
             measured_text *out, size_t k)
{
	const font_face *face;
	int at = font_set_face_for_char(font_usage_fonts(fonts), (size_t)role,
	                                cp, &face);
	int advance = at >= 0 ? font_advance(face, cp) : 1000;

	/* a role's latin face is chosen, not fallen back to */
	if (at > 0 && !face->latin_only)
		font_usage_fallback(fonts, (size_t)role, (size_t)at, cp, pos);
	out->chars[k].cp = cp;
	out->chars[k].advance = advance * out->size / 1000.0;
	out->chars[k].em = out->size;
	if (at >= 0)
		measure_ink(fonts, face, &out->chars[k]);
	out->fonts[k] = font_usage_page_font(fonts, (size_t)role,
	                                     at >= 0 ? (size_t)at : 0);
	return at >= 0;
}

/* measure_text:
 * Decodes text and measures it character by character; every missing
 * character is reported (once per text) before it fails. */
bool
measure_text(arena *a, const char *text, font_usage *fonts, int role,
             double size, source_pos pos, const char *context,
             diag_sink *diag, measured_text *out)
{
	size_t len = strlen(text), i = 0, k = 0, n;
	size_t count = utf8_length(text, len);
	bool ok = true;
	uint32_t cp;

	out->text = text;
	out->chars = arena_calloc(a, count + 1, sizeof(*out->chars));
	out->offsets = arena_calloc(a, count + 1, sizeof(*out->offsets));
	out->fonts = arena_calloc(a, count + 1, sizeof(*out->fonts));
	out->size = size;
	while (i < len) {
		n = utf8_decode(text + i, len - i, &cp);
		if (n == 0) {
			n = 1;
			cp = 0xFFFD;
		}
		out->offsets[k] = i;
		if (!measure_char(fonts, role, cp, pos, out, k)) {
			if (!seen_before(out->chars, k, cp))
				report_missing(a, font_usage_fonts(fonts),
				               (size_t)role, cp, text + i, n, pos,
				               context, diag);
			ok = false;
		}
		k++;
		i += n;
	}
	out->offsets[k] = len;
	out->count = k;
	return ok;
}

/* flush_run:
 * Appends characters [from, to) as one run in the font of the first. */
static void
flush_run(page_builder *out, const measured_text *m, size_t from, size_t to,
          double x, double y, double spacing)
{
	text_run run = { 0 };

	if (to <= from)
		return;
	run.font = m->fonts[from];
	run.size = m->size;
	run.x = x;
	run.y = y;
	run.char_spacing = fabs(spacing) < 1e-4 ? 0 : spacing;
	run.text = m->text + m->offsets[from];
	run.length = m->offsets[to] - m->offsets[from];
	page_add_run(out, &run);
}

/* The spacing between glyph i and i+1 as placed. */
static double
gap_after(const measured_text *m, const double *x, size_t base, size_t i)
{
	return x[i + 1 - base] - x[i - base] - m->chars[i].advance;
}

/* emit_line:
 * Groups the line's drawn characters into runs: a new run starts where
 * the font or the spacing between glyphs changes. */
void
emit_line(page_builder *out, const measured_text *m, const lb_line *line,
          const double *x, double left, double baseline)
{
	size_t end = line->end, start = line->start, run_start, i;
	double spacing = 0;

	/* spaces at the line's end are dropped, never drawn */
	while (end > start && lb_is_space(m->chars[end - 1].cp))
		end--;
	while (start < end && lb_is_space(m->chars[start].cp))
		start++;
	run_start = start;
	for (i = start; i + 1 < end; i++) {
		double gap = gap_after(m, x, line->start, i);
		bool new_font = m->fonts[i + 1] != m->fonts[run_start];

		if (i == run_start && !new_font) {
			spacing = gap;
			continue;
		}
		if (new_font || fabs(gap - spacing) > 0.01) {
			flush_run(out, m, run_start, i + 1,
			          left + x[run_start - line->start], baseline,
			          i == run_start ? 0 : spacing);
			run_start = i + 1;
		}
	}
	if (run_start + 1 == end)
		spacing = 0;
	flush_run(out, m, run_start, end, left + x[run_start - line->start],
	          baseline, spacing);
}
