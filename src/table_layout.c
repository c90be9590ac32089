/*
 * table_layout.c - the grid engine.
 *
 * Widths: fixed columns take their length, "fit" columns the widest
 * unbroken label among their single-column cells, and the rest is shared
 * by the "fr" columns, so the table fills the width exactly.  Heights: a
 * row is as tall as its tallest single-row cell; a spanning cell that
 * needs more spreads the extra over the rows it spans.
 */
#include "table_layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "textset.h"

/* Cell text lines are this many font sizes apart. */
#define CELL_LINE_FACTOR 1.25
/* Where the baseline sits below the top of a line's em box. */
#define ASCENT_RATIO 0.88

typedef struct table_ctx {
	arena *arena;
	const table_def *def;
	const table_values *values;
	font_usage *fonts;
	int role;                    /* font role of the cell text */
	double size;
	source_pos where;
	diag_sink *diag;
} table_ctx;

/* What a cell prints: its label or its value as typed. */
static const char *
cell_text(const table_ctx *c, const table_cell *cell)
{
	const cell_value *v;

	if (cell->text != NULL)
		return cell->text;
	if (c->values == NULL || cell->value_row < 0)
		return "";
	v = &c->values->rows[cell->value_row][cell->value_col];
	return v->present ? v->text : "";
}

/* Names a cell the way the clerk knows it: a value by its row and column
 * ids, a label by its place in the grid. */
static const char *
cell_context(const table_ctx *c, const table_cell *cell)
{
	const value_row *vr;

	if (cell->value_row < 0)
		return arena_printf(c->arena, "%s row %d, column %d (label)",
		                    c->def->id, cell->row + 1, cell->col + 1);
	vr = &c->def->value_rows[cell->value_row];
	return arena_printf(c->arena, "%s row %s, column %s", c->def->id,
	                    vr->id, vr->columns[cell->value_col]);
}

/* Where to point a message about a cell: the value in the description,
 * else the cell in the layout, else the table. */
static source_pos
cell_position(const table_ctx *c, const table_cell *cell)
{
	source_pos pos = cell->pos;

	if (cell->value_row >= 0 && c->values != NULL)
		pos = c->values->rows[cell->value_row][cell->value_col].pos;
	return pos.file != NULL ? pos : c->where;
}

/* Measures a cell's text.  The cell's name is only made for a message,
 * when a character is missing: naming every cell up front cost more
 * than measuring it. */
static bool
measure_cell(const table_ctx *c, const table_cell *cell, measured_text *m)
{
	const char *text = cell_text(c, cell);
	source_pos pos = cell_position(c, cell);
	diag_sink count_only;

	diag_init(&count_only, NULL);
	if (measure_text(c->arena, text, c->fonts, c->role, c->size, pos, "",
	                 &count_only, m))
		return true;
	return measure_text(c->arena, text, c->fonts, c->role, c->size, pos,
	                    cell_context(c, cell), c->diag, m);
}

static double
natural_width(const measured_text *m)
{
	double w = 0;

	for (size_t i = 0; i < m->count; i++)
		w += m->chars[i].advance;
	return w;
}

/* The widest unit of text that cannot be broken (a character, a number,
 * a Latin word): the narrowest the cell's inner width may be. */
static double
min_content(arena *a, const measured_text *m)
{
	lb_params p = { 0, 0, false, 0.25 };
	double widest = 0, w;
	lb_line *lines;
	size_t n;

	if (m->count == 0)
		return 0;
	n = lb_break(a, m->chars, m->count, &p, &lines);
	for (size_t k = 0; k < n; k++) {
		w = lb_line_width(m->chars, &lines[k], &p, k == 0);
		if (w > widest)
			widest = w;
	}
	return widest;
}

typedef struct column_need {
	double min;                  /* widest unbreakable unit + padding */
	double max;                  /* unwrapped text + padding */
} column_need;

/* What each column needs, from its single-column cells. */
static void
column_needs(table_ctx *c, const measured_text *texts, column_need *need)
{
	const table_def *d = c->def;

	for (int j = 0; j < d->col_count; j++)
		need[j].min = need[j].max = 2 * d->padding;
	for (size_t i = 0; i < d->cell_count; i++) {
		const table_cell *cell = &d->cells[i];
		double lo = min_content(c->arena, &texts[i])
		    + 2 * d->padding;
		double hi = natural_width(&texts[i]) + 2 * d->padding;

		if (cell->colspan != 1)
			continue;
		if (lo > need[cell->col].min)
			need[cell->col].min = lo;
		if (hi > need[cell->col].max)
			need[cell->col].max = hi;
	}
}

/* Shares room among the share columns in proportion to their shares, but
 * never below a column's minimum: a column held at its minimum leaves the
 * pool and the rest is shared again. */
static void
distribute_shares(const table_def *d, const column_need *need, double room,
                  double *col_w)
{
	bool *held = calloc((size_t)d->col_count + 1, sizeof(*held));
	bool changed = true;

	while (changed) {
		double shares = 0, left = room;

		changed = false;
		for (int j = 0; j < d->col_count; j++) {
			if (d->columns[j].kind != COLUMN_SHARE)
				continue;
			if (held[j])
				left -= col_w[j];
			else
				shares += d->columns[j].value;
		}
		for (int j = 0; j < d->col_count; j++) {
			if (d->columns[j].kind != COLUMN_SHARE || held[j])
				continue;
			col_w[j] = shares > 0 ? left * d->columns[j].value / shares : 0;
			if (col_w[j] < need[j].min) {
				col_w[j] = need[j].min;
				held[j] = changed = true;
			}
		}
	}
	free(held);
}

/* Resolves column widths so that they add up to width exactly: fixed
 * columns as given, fit columns as wide as their text (narrowed towards
 * their minimum when room is short), share columns the rest. */
static bool
resolve_columns(table_ctx *c, const measured_text *texts, double width,
                double *col_w)
{
	const table_def *d = c->def;
	column_need *need = arena_calloc(c->arena, (size_t)d->col_count + 1,
	                                 sizeof(*need));
	double fixed = 0, fit_max = 0, fit_min = 0, share_min = 0, room;
	int shares = 0;

	column_needs(c, texts, need);
	for (int j = 0; j < d->col_count; j++) {
		switch (d->columns[j].kind) {
		case COLUMN_FIXED:
			fixed += col_w[j] = d->columns[j].value;
			break;
		case COLUMN_FIT:
			fit_max += need[j].max;
			fit_min += need[j].min;
			break;
		case COLUMN_SHARE:
			share_min += need[j].min;
			shares++;
			break;
		}
	}
	if (fixed + fit_min + share_min > width + 1e-6) {
		diag_error(c->diag, d->pos, "%s: its columns need at least "
		           "%.1fpt, more than the %.1fpt available", d->id,
		           fixed + fit_min + share_min, width);
		return false;
	}
	/* fit columns take what they want if the share columns keep their
	 * minimum; otherwise each gives up the same fraction of its slack */
	room = width - fixed - share_min;
	for (int j = 0; j < d->col_count; j++) {
		double slack = need[j].max - need[j].min, total = fit_max - fit_min;

		if (d->columns[j].kind != COLUMN_FIT)
			continue;
		col_w[j] = need[j].max;
		if (fit_max > room && total > 0)
			col_w[j] = need[j].min + slack * (room - fit_min) / total;
	}
	room = width - fixed;
	for (int j = 0; j < d->col_count; j++)
		if (d->columns[j].kind == COLUMN_FIT)
			room -= col_w[j];
	if (shares > 0)
		distribute_shares(d, need, room, col_w);
	else if (d->col_count > 0)
		col_w[d->col_count - 1] += room;
	return true;
}

/* Stacks the text one character per line (a cell narrower than two
 * characters reads top to bottom, as in the official template); a number
 * or Latin word stays whole on its line. */
static size_t
stack_lines(arena *a, const measured_text *m, lb_line **lines)
{
	size_t n = 0, i = 0, end;

	*lines = arena_calloc(a, m->count + 1, sizeof(**lines));
	while (i < m->count) {
		end = i + 1;
		while (lb_is_digit_or_latin(m->chars[i].cp) && end < m->count &&
		       lb_is_digit_or_latin(m->chars[end].cp))
			end++;
		if (!lb_is_space(m->chars[i].cp)) {
			(*lines)[n].start = i;
			(*lines)[n].end = end;
			(*lines)[n].last = true;
			for (size_t k = i; k < end; k++)
				(*lines)[n].natural_width += m->chars[k].advance;
			n++;
		}
		i = end;
	}
	return n;
}

static double
aligned_x(text_align align, double inner, double line_width)
{
	switch (align) {
	case ALIGN_CENTER:
		return (inner - line_width) / 2;
	case ALIGN_RIGHT:
		return inner - line_width;
	default:
		return 0;
	}
}

/* Wraps one cell's text into its inner width and records its runs. */
static bool
set_cell(table_ctx *c, const measured_text *m, const table_cell *cell,
         double cell_width, double pitch, cell_box *box)
{
	double inner = cell_width - 2 * c->def->padding;
	lb_params p = { inner, 0, false, 0.25 };
	page_builder out;
	lb_line *lines;
	size_t n;
	bool fits = true;

	page_builder_init(&out, c->arena);
	if (m->count == 0)
		n = 0;
	else if (inner < 2 * c->size)
		n = stack_lines(c->arena, m, &lines);
	else
		n = lb_break(c->arena, m->chars, m->count, &p, &lines);
	for (size_t k = 0; k < n; k++) {
		double *x = arena_calloc(c->arena, lines[k].end - lines[k].start + 1,
		                         sizeof(*x));
		double w = lb_place(m->chars, &lines[k], &p, k == 0, x);

		if (w > inner + 0.01)
			fits = false;
		emit_line(&out, m, &lines[k], x,
		          c->def->padding + aligned_x(cell->align, inner, w),
		          k * pitch + ASCENT_RATIO * c->size);
	}
	box->cell = cell;
	box->text = m->text;
	box->runs = out.runs;
	box->run_count = out.run_count;
	box->text_height = n > 0 ? (n - 1) * pitch + c->size : 0;
	if (!fits)
		diag_error(c->diag, cell_position(c, cell), "%s: text '%s' does not fit "
		           "its cell (%.1fpt wide) even when wrapped",
		           cell_context(c, cell), m->text, inner);
	return fits;
}

/* Row heights: single-row cells first, then spans in order of size. */
static void
size_rows(const table_def *d, const cell_box *boxes, double *h,
          double min_height)
{
	for (int r = 0; r < d->row_count; r++)
		h[r] = min_height;
	for (int span = 1; span <= d->row_count; span++) {
		for (size_t i = 0; i < d->cell_count; i++) {
			const table_cell *cell = &d->cells[i];
			double need = boxes[i].text_height + 2 * d->padding, have = 0;

			if (cell->rowspan != span)
				continue;
			for (int r = cell->row; r < cell->row + span; r++)
				have += h[r];
			if (need > have)
				for (int r = cell->row; r < cell->row + span; r++)
					h[r] += (need - have) / span;
		}
	}
}

const table_box *
table_layout(arena *a, const table_def *def, const table_values *values,
             font_usage *fonts, int role, double size, double width,
             source_pos where, diag_sink *diag)
{
	table_ctx c = { a, def, values, fonts, role, size, where, diag };
	table_box *t = arena_alloc(a, sizeof(*t));
	measured_text *texts = arena_calloc(a, def->cell_count + 1, sizeof(*texts));
	double *col_w = arena_calloc(a, (size_t)def->col_count + 1, sizeof(*col_w));
	bool ok = true;

	t->def = def;
	t->values = values;
	t->role = role;
	t->size = size;
	t->line_pitch = size * CELL_LINE_FACTOR;
	t->width = width;
	for (size_t i = 0; i < def->cell_count; i++)
		ok &= measure_cell(&c, &def->cells[i], &texts[i]);
	if (!ok || !resolve_columns(&c, texts, width, col_w))
		return NULL;
	t->col_x = arena_calloc(a, (size_t)def->col_count + 1, sizeof(double));
	for (int j = 0; j < def->col_count; j++)
		t->col_x[j + 1] = t->col_x[j] + col_w[j];
	t->cells = arena_calloc(a, def->cell_count + 1, sizeof(*t->cells));
	for (size_t i = 0; i < def->cell_count; i++) {
		const table_cell *cell = &def->cells[i];
		double w = t->col_x[cell->col + cell->colspan] - t->col_x[cell->col];

		ok &= set_cell(&c, &texts[i], cell, w, t->line_pitch, &t->cells[i]);
	}
	if (!ok)
		return NULL;
	t->row_height = arena_calloc(a, (size_t)def->row_count + 1, sizeof(double));
	t->scratch = arena_calloc(a, 2 * (size_t)def->row_count + 1, sizeof(double));
	size_rows(def, t->cells, t->row_height, size + 2 * def->padding);
	return t;
}

/* The rows a segment shows: the header rows, then body rows [first, end). */
typedef struct segment {
	int header_end;              /* rows [0, header_end) drawn first */
	int first, end;              /* then body rows [first, end) */
	double *row_height;          /* by grid row; 0 for rows not shown */
	double *row_top;             /* distance below the segment top, by grid row */
	double height;
} segment;

static bool
row_visible(const segment *s, int r)
{
	return r < s->header_end || (r >= s->first && r < s->end);
}

/* The first and one-past-last rows of cell that the segment shows (they
 * are contiguous: a cell lies in the header or in the body). */
static bool
visible_rows(const segment *s, const table_cell *cell, int *r0, int *r1)
{
	*r0 = *r1 = -1;
	for (int r = cell->row; r < cell->row + cell->rowspan; r++) {
		if (!row_visible(s, r))
			continue;
		if (*r0 < 0)
			*r0 = r;
		*r1 = r + 1;
	}
	return *r0 >= 0;
}

/* Sizes the segment's rows.  A spanning cell cut by a page break prints
 * its text again in the part shown, so the rows of that part grow when
 * they are too short for it (a stacked label taller than three rows). */
static void
measure_segment(const table_box *t, segment *s)
{
	const table_def *d = t->def;
	double y = 0;

	for (int r = 0; r < d->row_count; r++)
		s->row_height[r] = row_visible(s, r) ? t->row_height[r] : 0;
	for (size_t i = 0; i < d->cell_count; i++) {
		const table_cell *cell = &d->cells[i];
		double need = t->cells[i].text_height + 2 * d->padding, have = 0;
		int r0, r1;

		if (!visible_rows(s, cell, &r0, &r1) ||
		    r1 - r0 == cell->rowspan)
			continue;
		for (int r = r0; r < r1; r++)
			have += s->row_height[r];
		if (need > have)
			for (int r = r0; r < r1; r++)
				s->row_height[r] += (need - have) / (r1 - r0);
	}
	for (int r = 0; r < d->row_count; r++) {
		s->row_top[r] = y;
		y += s->row_height[r];
	}
	s->height = y;
}

static void
init_segment(const table_box *t, segment *s, int first, int end,
             bool with_header)
{
	s->header_end = with_header ? t->def->header_rows : 0;
	s->first = first < t->def->header_rows ? t->def->header_rows : first;
	s->end = end;
	s->row_height = t->scratch;
	s->row_top = t->scratch + t->def->row_count;
	measure_segment(t, s);
}

double
table_rows_height(const table_box *t, int first, int end)
{
	segment s;

	init_segment(t, &s, first, end, true);
	return s.height;
}

/* Whether row r holds only labels: a section caption or a sub-header,
 * which must stay on the page of the rows it introduces. */
static bool
row_is_labels_only(const table_def *d, int r)
{
	for (size_t i = 0; i < d->cell_count; i++)
		if (d->cells[i].value_row >= 0 && d->cells[i].row <= r &&
		    r < d->cells[i].row + d->cells[i].rowspan)
			return false;
	return true;
}

/* Moves a break point back so that no label-only row ends a page. */
static int
break_after_data(const table_def *d, int first, int end)
{
	while (end > first && end < d->row_count &&
	       row_is_labels_only(d, end - 1))
		end--;
	return end;
}

int
table_fit_rows(const table_box *t, int first, double height)
{
	int end = first;

	while (end < t->def->row_count &&
	       table_rows_height(t, first, end + 1) <= height + 1e-6)
		end++;
	return break_after_data(t->def, first, end);
}

int
table_min_start(const table_box *t, int body_rows)
{
	const table_def *d = t->def;
	int end = d->header_rows + body_rows;

	if (end > d->row_count)
		return d->row_count;
	while (end < d->row_count && row_is_labels_only(d, end - 1))
		end++;
	return end;
}

/* Draws one cell inside the rows of it that the segment shows. */
static void
draw_cell(const table_box *t, const cell_box *box, const segment *s,
          double left, double top, page_builder *out)
{
	const table_cell *cell = box->cell;
	double y_top, height, y_text;
	int r0, r1;

	if (!visible_rows(s, cell, &r0, &r1))
		return;
	y_top = s->row_top[r0];
	height = s->row_top[r1 - 1] + s->row_height[r1 - 1] - y_top;
	/* top and left edges; the frame draws the outer ones */
	if (y_top > 0.001)
		page_add_rule(out, left + t->col_x[cell->col], top - y_top,
		              left + t->col_x[cell->col + cell->colspan],
		              top - y_top, t->def->inner_rule);
	if (cell->col > 0)
		page_add_rule(out, left + t->col_x[cell->col], top - y_top,
		              left + t->col_x[cell->col], top - y_top - height,
		              t->def->inner_rule);
	y_text = y_top + (height - box->text_height) / 2;
	for (size_t k = 0; k < box->run_count; k++) {
		text_run run = box->runs[k];

		run.x += left + t->col_x[cell->col];
		run.y = top - y_text - run.y;
		page_add_run(out, &run);
	}
}

void
table_draw_rows(const table_box *t, int first, int end, bool with_header,
                double left, double top, page_builder *out)
{
	const table_def *d = t->def;
	double w = d->outer_rule, y;
	segment s;

	init_segment(t, &s, first, end, with_header);
	y = s.height;
	for (size_t i = 0; i < d->cell_count; i++)
		draw_cell(t, &t->cells[i], &s, left, top, out);
	/* the frame, drawn as four segments meeting at the corners */
	page_add_rule(out, left, top, left + t->width, top, w);
	page_add_rule(out, left + t->width, top, left + t->width, top - y, w);
	page_add_rule(out, left + t->width, top - y, left, top - y, w);
	page_add_rule(out, left, top - y, left, top, w);
}
