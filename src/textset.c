/*
 * textset.c - measuring text and turning placed lines into runs.
 */
#include "textset.h"

#include <math.h>
#include <string.h>

#include "utf8.h"

static bool
report_missing(const font_face *face, uint32_t cp, const char *text,
               size_t offset, size_t len, source_pos pos,
               const char *context, diag_sink *diag)
{
	if (cp > 0xFFFF) {
		diag_error(diag, pos, "%s: character '%.*s' (U+%04X) is outside "
		           "the Basic Multilingual Plane, which the PDF writer "
		           "cannot embed yet", context, (int)len, text + offset,
		           (unsigned)cp);
	} else {
		diag_error(diag, pos, "%s: character '%.*s' (U+%04X) is not in "
		           "font '%s' (role %s)", context, (int)len, text + offset,
		           (unsigned)cp, face->family, face->role);
	}
	return false;
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

bool
measure_text(arena *a, const char *text, const font_face *face, int font,
             double size, source_pos pos, const char *context,
             diag_sink *diag, measured_text *out)
{
	size_t len = strlen(text), i = 0, k = 0, n;
	size_t count = utf8_length(text, len);
	bool ok = true;
	uint32_t cp;
	int adv;

	out->text = text;
	out->chars = arena_calloc(a, count + 1, sizeof(*out->chars));
	out->offsets = arena_calloc(a, count + 1, sizeof(*out->offsets));
	out->font = font;
	out->size = size;
	while (i < len) {
		n = utf8_decode(text + i, len - i, &cp);
		if (n == 0) {
			n = 1;
			cp = 0xFFFD;
		}
		adv = cp > 0xFFFF ? -1 : font_advance(face, cp);
		if (adv < 0) {
			if (!seen_before(out->chars, k, cp))
				ok = report_missing(face, cp, text, i, n, pos,
				                    context, diag);
			ok = false;
			adv = 1000;
		}
		out->offsets[k] = i;
		out->chars[k].cp = cp;
		out->chars[k].advance = adv * size / 1000.0;
		out->chars[k].em = size;
		k++;
		i += n;
	}
	out->offsets[k] = len;
	out->count = k;
	return ok;
}

static void
flush_run(page_builder *out, const measured_text *m, size_t from, size_t to,
          double x, double y, double spacing)
{
	text_run run = { 0 };

	if (to <= from)
		return;
	run.font = m->font;
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

		if (i == run_start) {
			spacing = gap;
			continue;
		}
		if (fabs(gap - spacing) > 0.01) {
			flush_run(out, m, run_start, i + 1,
			          left + x[run_start - line->start], baseline,
			          spacing);
			run_start = i + 1;
		}
	}
	if (run_start + 1 == end)
		spacing = 0;
	flush_run(out, m, run_start, end, left + x[run_start - line->start],
	          baseline, spacing);
}
