/*
 * typeset.c - lays a report out on pages.
 *
 * Blocks become a vertical list of items: single lines (title, headings,
 * paragraph lines, the sign-off) and tables.  Body lines sit on the page's
 * line grid (GB/T 9704: 22 lines in the 版心); a table is free-standing
 * and the text after it snaps back to the grid.  Pagination then fills
 * pages top to bottom: a heading never ends a page, a table starts on the
 * current page only if its header and two body rows fit, and a table
 * that breaks repeats its header rows.
 */
#include "typeset.h"

#include <math.h>
#include <string.h>

#include "linebreak.h"
#include "table_layout.h"
#include "textset.h"
#include "utf8.h"

/* Where the baseline sits below the top of a line's em box. */
#define ASCENT_RATIO 0.88
/* Body rows a table must show on the page it starts on. */
#define TABLE_MIN_BODY_ROWS 2

typedef enum item_kind {
	ITEM_LINE,
	ITEM_TABLE
} item_kind;

typedef struct item {
	item_kind kind;
	double height;               /* ITEM_LINE: the slot it takes */
	double space_before;         /* dropped at the top of a page */
	double space_after;          /* dropped at the bottom of a page */
	bool keep_with_next;
	int outline_level;           /* the first line of a heading: its bookmark level */
	const char *outline_title;
	page_builder content;        /* ITEM_LINE: x absolute, y = baseline below the slot top */
	const table_box *table;      /* ITEM_TABLE */
} item;

typedef struct typesetter {
	arena *arena;
	const report *report;
	const layout *layout;
	const font_set *font_set;
	diag_sink *diag;
	double line_width;           /* the measure: the 版心 width, or its height
	                                for the caption of a landscape table */
	font_usage *fonts;           /* page fonts and fallbacks of the document */
	item *items;
	size_t item_count, item_capacity;
	bool ok;
} typesetter;

static item *
new_item(typesetter *ts, item_kind kind)
{
	item *it;

	if (ts->item_count == ts->item_capacity) {
		size_t cap = ts->item_capacity ? ts->item_capacity * 2 : 64;
		ts->items = arena_grow(ts->arena, ts->items, ts->item_count, cap,
		                       sizeof(*ts->items));
		ts->item_capacity = cap;
	}
	it = &ts->items[ts->item_count++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	page_builder_init(&it->content, ts->arena);
	return it;
}

static const font_face *
role_face(const typesetter *ts, int role)
{
	return font_set_face(ts->font_set, (size_t)role);
}

static double
role_size(const typesetter *ts, int role)
{
	return ts->layout->font_roles[role].size;
}

static double
style_pitch(const typesetter *ts, const block_style *st)
{
	return st->line_pitch > 0 ? st->line_pitch : ts->layout->page.line_pitch;
}

/* Turns broken lines into line items, aligned within [left, left+width]. */
static void
add_lines(typesetter *ts, const measured_text *m, const lb_line *lines,
          size_t n, const lb_params *p, const block_style *st, double left,
          double space_before)
{
	double pitch = style_pitch(ts, st);

	for (size_t k = 0; k < n; k++) {
		item *it = new_item(ts, ITEM_LINE);
		double *x = arena_calloc(ts->arena, lines[k].end - lines[k].start + 1,
		                         sizeof(*x));
		double w = lb_place(m->chars, &lines[k], p, k == 0, x);
		double shift = 0;

		if (st->align == ALIGN_CENTER)
			shift = (p->width - w) / 2;
		else if (st->align == ALIGN_RIGHT)
			shift = p->width - w;
		it->height = pitch;
		it->space_before = k == 0 ? space_before : 0;
		/* a heading's lines stay together and with what follows */
		it->keep_with_next = st->keep_with_next;
		emit_line(&it->content, m, &lines[k], x, left + shift,
		          (pitch - m->size) / 2 + ASCENT_RATIO * m->size);
	}
}

static lb_params
style_params(const typesetter *ts, const block_style *st, double size)
{
	lb_params p;

	p.width = ts->line_width -
	    (st->left_indent_em + st->right_indent_em) * size;
	p.first_indent = st->first_indent_em * size;
	p.justify = st->align == ALIGN_JUSTIFY;
	p.gap_em = 0.25;
	return p;
}

static const char *
block_context(const block *b)
{
	switch (b->kind) {
	case BLOCK_TITLE:
		return "title";
	case BLOCK_HEADING:
		return "heading";
	case BLOCK_SIGNOFF:
		return "sign-off";
	default:
		return "paragraph";
	}
}

/* Sets one run of text in a style: measure, break, add line items. */
static void
set_text(typesetter *ts, const char *text, style_kind kind, source_pos pos,
         const char *context, const bool *preferred, bool balanced)
{
	const block_style *st = &ts->layout->styles[kind];
	double size = role_size(ts, st->font_role);
	lb_params p = style_params(ts, st, size);
	measured_text m;
	lb_line *lines;
	size_t n;

	if (!measure_text(ts->arena, text, ts->fonts, st->font_role, size, pos,
	                  context, ts->diag, &m)) {
		ts->ok = false;
		return;
	}
	if (m.count == 0)
		return;
	n = balanced ? lb_break_balanced(ts->arena, m.chars, m.count, &p,
	                                 preferred, &lines)
	             : lb_break(ts->arena, m.chars, m.count, &p, &lines);
	add_lines(ts, &m, lines, n, &p, st,
	          ts->layout->page.margin_left + st->left_indent_em * size,
	          st->space_before * ts->layout->page.line_pitch);
}

/* The title: forced lines as given, or balanced lines that prefer to
 * break between the phrases the title was built from. */
static void
set_title(typesetter *ts, const block *b)
{
	size_t total = 0, at = 0;
	char *text;
	bool *preferred;

	if (b->pieces_are_lines) {
		for (size_t i = 0; i < b->piece_count; i++)
			set_text(ts, b->pieces[i], STYLE_TITLE, b->pos, "title",
			         NULL, false);
		return;
	}
	for (size_t i = 0; i < b->piece_count; i++)
		total += strlen(b->pieces[i]);
	text = arena_alloc(ts->arena, total + 1);
	preferred = arena_calloc(ts->arena, total + 1, sizeof(*preferred));
	for (size_t i = 0; i < b->piece_count; i++) {
		size_t len = strlen(b->pieces[i]);

		memcpy(text + at, b->pieces[i], len);
		/* preferred[] is indexed by character, not byte */
		if (i > 0)
			preferred[utf8_length(text, at)] = true;
		at += len;
	}
	if (b->piece_count == 0)
		text = arena_strdup(ts->arena, b->text);
	set_text(ts, text, STYLE_TITLE, b->pos, "title", preferred, true);
}

/* 落款 (GB/T 9704 7.3.5.2): the agency right-indented by the style's
 * right indent, the date below it starting two characters further right;
 * when the date is the longer line, the date takes the indent and the
 * agency moves left. */
static void
set_signoff(typesetter *ts, const block *b)
{
	const block_style *st = &ts->layout->styles[STYLE_SIGNOFF];
	double size = role_size(ts, st->font_role), pitch = style_pitch(ts, st);
	double right = ts->layout->page.margin_left + ts->layout->page.text_width
	    - st->right_indent_em * size;
	lb_params p = { 1e9, 0, false, 0.25 };
	measured_text agency, when;
	lb_line la, ld;
	double wa, wd, xa, xd;
	const char *texts[2] = { b->text, b->text2 };
	measured_text *ms[2] = { &agency, &when };

	for (int i = 0; i < 2; i++)
		if (!measure_text(ts->arena, texts[i] ? texts[i] : "",
		                  ts->fonts, st->font_role, size, b->pos,
		                  "sign-off", ts->diag, ms[i])) {
			ts->ok = false;
			return;
		}
	la = (lb_line){ .end = agency.count, .last = true };
	ld = (lb_line){ .end = when.count, .last = true };
	wa = lb_line_width(agency.chars, &la, &p, true);
	wd = lb_line_width(when.chars, &ld, &p, true);
	if (wd + 2 * size <= wa) {
		xa = right - wa;
		xd = xa + 2 * size;
	} else {
		xd = right - wd;
		xa = xd - 2 * size;
	}
	for (int i = 0; i < 2; i++) {
		const lb_line *line = i == 0 ? &la : &ld;
		item *it = new_item(ts, ITEM_LINE);
		double *x = arena_calloc(ts->arena, ms[i]->count + 1, sizeof(*x));

		lb_place(ms[i]->chars, line, &p, true, x);
		it->height = pitch;
		it->space_before = i == 0 ? st->space_before * pitch : 0;
		it->keep_with_next = i == 0;
		emit_line(&it->content, ms[i], line, x, i == 0 ? xa : xd,
		          (pitch - size) / 2 + ASCENT_RATIO * size);
	}
}

/* A table with its caption above and the layout's note below.  A
 * landscape table runs along the page's height. */
static void
set_table(typesetter *ts, const block *b)
{
	const table_def *def = b->table->table;
	const page_geometry *g = &ts->layout->page;
	item *it;
	const table_box *box;

	if (def->caption != NULL) {
		/* a landscape caption turns with its table */
		ts->line_width = def->landscape ? g->text_height : g->text_width;
		set_text(ts, def->caption, STYLE_CAPTION, def->pos,
		         "table caption", NULL, false);
		ts->line_width = g->text_width;
	}
	box = table_layout(ts->arena, def, b->table, ts->fonts, def->font_role,
	    def->size, def->landscape ? g->text_height : g->text_width,
	    b->pos, ts->diag);
	if (box == NULL) {
		ts->ok = false;
		return;
	}
	it = new_item(ts, ITEM_TABLE);
	it->table = box;
	if (def->note != NULL)
		set_text(ts, def->note, STYLE_NOTE, def->pos, "table note",
		         NULL, false);
}

/* The style a block is set in, for its space after. */
static int
block_style_kind(const block *b)
{
	switch (b->kind) {
	case BLOCK_TITLE:
		return STYLE_TITLE;
	case BLOCK_HEADING:
		return b->level == 1 ? STYLE_HEADING1 : STYLE_HEADING2;
	case BLOCK_PARAGRAPH:
		return STYLE_PARAGRAPH;
	case BLOCK_NOTE:
		return STYLE_NOTE;
	case BLOCK_SIGNOFF:
		return STYLE_SIGNOFF;
	default:
		return -1;
	}
}

static void
set_block(typesetter *ts, const block *b)
{
	size_t before = ts->item_count;
	int kind = block_style_kind(b);

	switch (b->kind) {
	case BLOCK_TITLE:
		set_title(ts, b);
		break;
	case BLOCK_HEADING:
		set_text(ts, b->text, b->level == 1 ? STYLE_HEADING1
		                                    : STYLE_HEADING2,
		         b->pos, block_context(b), NULL, false);
		if (ts->item_count > before) {
			ts->items[before].outline_level = b->level;
			ts->items[before].outline_title = b->text;
		}
		break;
	case BLOCK_PARAGRAPH:
		set_text(ts, b->text, STYLE_PARAGRAPH, b->pos, block_context(b),
		         NULL, false);
		break;
	case BLOCK_TABLE:
		set_table(ts, b);
		break;
	case BLOCK_NOTE:
		set_text(ts, b->text, STYLE_NOTE, b->pos, "note", NULL, false);
		break;
	case BLOCK_SIGNOFF:
		set_signoff(ts, b);
		break;
	}
	if (kind >= 0 && ts->item_count > before)
		ts->items[ts->item_count - 1].space_after =
		    ts->layout->styles[kind].space_after *
		    ts->layout->page.line_pitch;
}

/* ---- pagination ---- */

typedef struct paginator {
	typesetter *ts;
	page *pages;
	size_t page_count, page_capacity;
	page_builder current;
	outline_entry *outline;
	size_t outline_count, outline_capacity;
	double used;                 /* height used on the current page */
	bool empty;                  /* nothing placed on the current page yet */
} paginator;

static double
text_top(const paginator *pg)
{
	const page_geometry *g = &pg->ts->layout->page;
	return g->height - g->margin_top;
}

static void
finish_page(paginator *pg)
{
	const page_geometry *g = &pg->ts->layout->page;
	page *p;

	if (pg->page_count == pg->page_capacity) {
		size_t cap = pg->page_capacity ? pg->page_capacity * 2 : 8;
		pg->pages = arena_grow(pg->ts->arena, pg->pages, pg->page_count,
		                       cap, sizeof(*pg->pages));
		pg->page_capacity = cap;
	}
	p = &pg->pages[pg->page_count++];
	p->width = g->width;
	p->height = g->height;
	page_builder_finish(&pg->current, p);
	pg->used = 0;
	pg->empty = true;
}

/* Rounds the used height up to the next body line of the grid. */
static void
snap_to_grid(paginator *pg)
{
	double pitch = pg->ts->layout->page.line_pitch;
	double lines = ceil(pg->used / pitch - 1e-6);

	pg->used = lines * pitch;
}

static double
remaining(const paginator *pg)
{
	return pg->ts->layout->page.text_height - pg->used;
}

/* The least height an item needs on the page it starts on: a table needs
 * its header and two body rows (GB practice; a lone header is useless). */
static double
min_height(const item *it)
{
	const table_box *t = it->table;

	if (it->kind == ITEM_LINE)
		return it->height + it->space_before;
	return table_rows_height(t, t->def->header_rows,
	                         table_min_start(t, TABLE_MIN_BODY_ROWS));
}

/* Height needed to place items[i] and everything it keeps with. */
static double
keep_chain_height(const typesetter *ts, size_t i)
{
	double h = 0;

	for (; i < ts->item_count; i++) {
		const item *it = &ts->items[i];

		if (!it->keep_with_next || i + 1 == ts->item_count)
			return h + min_height(it);
		h += it->height + it->space_before;
	}
	return h;
}

/* Bookmarks a heading at the place it is drawn. */
static void
add_outline_entry(paginator *pg, const item *it, double top)
{
	outline_entry *e;

	if (it->outline_level == 0)
		return;
	if (pg->outline_count == pg->outline_capacity) {
		size_t cap = pg->outline_capacity ? pg->outline_capacity * 2 : 16;
		pg->outline = arena_grow(pg->ts->arena, pg->outline,
		                         pg->outline_count, cap, sizeof(*pg->outline));
		pg->outline_capacity = cap;
	}
	e = &pg->outline[pg->outline_count++];
	e->level = it->outline_level;
	e->title = it->outline_title;
	e->page = pg->page_count;
	e->top = top;
}

static void
place_line(paginator *pg, const item *it)
{
	double top;

	if (!pg->empty)
		pg->used += it->space_before;
	top = text_top(pg) - pg->used;
	add_outline_entry(pg, it, top);
	for (size_t k = 0; k < it->content.run_count; k++) {
		text_run run = it->content.runs[k];

		run.y = top - run.y;
		page_add_run(&pg->current, &run);
	}
	pg->used += it->height + it->space_after;
	pg->empty = false;
}

/* Places a table, breaking it between rows where the page is full. */
static void
place_table(paginator *pg, const table_box *t)
{
	const table_def *d = t->def;
	double left = pg->ts->layout->page.margin_left;
	int first = d->header_rows, end;

	for (;;) {
		end = table_fit_rows(t, first, remaining(pg));
		if (end == first && first < d->row_count) {
			if (!pg->empty) {
				finish_page(pg);
				continue;
			}
			end = first + 1;  /* taller than a page: place it anyway */
		}
		table_draw_rows(t, first, end, true, left,
		                text_top(pg) - pg->used, &pg->current);
		pg->used += table_rows_height(t, first, end);
		pg->empty = false;
		if (end >= d->row_count)
			break;
		finish_page(pg);
		first = end;
	}
	snap_to_grid(pg);
}

/* Copies content drawn in a landscape frame (origin at the table's
 * top-left, y growing upwards, so below the top is negative) onto the
 * page turned 90 degrees counter-clockwise: the table's top faces the
 * binding edge on the left (GB/T 9704 8), and the page number, drawn
 * separately, stays upright. */
static void
rotate_onto_page(paginator *pg, const page_builder *frame)
{
	const page_geometry *g = &pg->ts->layout->page;
	double x0 = g->margin_left, y0 = g->height - g->margin_top - g->text_height;

	for (size_t i = 0; i < frame->rule_count; i++) {
		const rule *r = &frame->rules[i];

		page_add_rule(&pg->current, x0 - r->y0, y0 + r->x0,
		              x0 - r->y1, y0 + r->x1, r->width);
	}
	for (size_t i = 0; i < frame->run_count; i++) {
		text_run run = frame->runs[i];

		run.x = x0 - frame->runs[i].y;
		run.y = y0 + frame->runs[i].x;
		run.rotation = 90;
		page_add_run(&pg->current, &run);
	}
}

/* A landscape table on pages of its own, preceded on its first page by
 * the lines that keep with it (its heading and caption), turned with it. */
static void
place_landscape_table(paginator *pg, const table_box *t, const item *lead,
                      size_t lead_count)
{
	const page_geometry *g = &pg->ts->layout->page;
	int first = t->def->header_rows, end;
	page_builder frame;
	double top = 0;

	if (!pg->empty)
		finish_page(pg);
	page_builder_init(&frame, pg->ts->arena);
	for (size_t k = 0; k < lead_count; k++) {
		add_outline_entry(pg, &lead[k], g->height - g->margin_top);
		for (size_t j = 0; j < lead[k].content.run_count; j++) {
			text_run run = lead[k].content.runs[j];

			run.x -= g->margin_left;
			run.y = top - run.y;
			page_add_run(&frame, &run);
		}
		top -= lead[k].height + lead[k].space_after;
	}
	for (;;) {
		end = table_fit_rows(t, first, g->text_width + top);
		if (end == first)
			end = first + 1;  /* taller than a page: place it anyway */
		table_draw_rows(t, first, end, true, 0, top, &frame);
		rotate_onto_page(pg, &frame);
		pg->empty = false;
		finish_page(pg);
		if (end >= t->def->row_count)
			break;
		page_builder_init(&frame, pg->ts->arena);
		first = end;
		top = 0;
	}
}

/* How many items from i on keep with a landscape table that ends their
 * chain; 0 when the chain ends otherwise. */
static size_t
lead_of_landscape_table(const typesetter *ts, size_t i)
{
	size_t k = i;

	while (k < ts->item_count && ts->items[k].kind == ITEM_LINE &&
	       ts->items[k].keep_with_next)
		k++;
	if (k < ts->item_count && ts->items[k].kind == ITEM_TABLE &&
	    ts->items[k].table->def->landscape)
		return k - i;
	return 0;
}

static void
paginate_items(paginator *pg)
{
	typesetter *ts = pg->ts;

	for (size_t i = 0; i < ts->item_count; i++) {
		const item *it = &ts->items[i];
		size_t lead = lead_of_landscape_table(ts, i);

		if (pg->page_count >= REPORT_MAX_PAGES) {
			diag_error(ts->diag, source_pos_file(ts->report->source),
			           "the report runs past %d pages, the most "
			           "gkreport sets", REPORT_MAX_PAGES);
			ts->ok = false;
			return;
		}
		double need = keep_chain_height(ts, i);

		if (lead > 0 || (it->kind == ITEM_TABLE && it->table->def->landscape)) {
			place_landscape_table(pg, ts->items[i + lead].table, it, lead);
			i += lead;
			continue;
		}
		if (!pg->empty && need > remaining(pg) + 1e-6)
			finish_page(pg);
		if (it->kind == ITEM_LINE)
			place_line(pg, it);
		else
			place_table(pg, it->table);
	}
	if (!pg->empty || pg->page_count == 0)
		finish_page(pg);
}

/* ---- page numbers ---- */

/* A builder holding a finished page's content, to append to it. */
static void
reopen_page(typesetter *ts, const page *p, page_builder *b)
{
	b->arena = ts->arena;
	b->runs = p->runs;
	b->run_count = b->run_capacity = p->run_count;
	b->rules = p->rules;
	b->rule_count = b->rule_capacity = p->rule_count;
}

static void
add_page_number(typesetter *ts, page *p, size_t number)
{
	const page_number_style *ps = &ts->layout->page_number;
	const page_geometry *g = &ts->layout->page;
	const font_face *face = role_face(ts, ps->font_role);
	double size = role_size(ts, ps->font_role);
	const char *at = strstr(ps->format, "{n}");
	char *text;
	measured_text m;
	lb_params lp = { 1e9, 0, false, 0 };
	lb_line line;
	double *x, w, left, baseline, mid = 0.3 * size;
	int x0, y0, x1, y1;
	text_align align = number % 2 ? ps->odd_align : ps->even_align;
	page_builder b;

	text = at == NULL ? arena_strdup(ts->arena, ps->format)
	    : arena_printf(ts->arena, "%.*s%zu%s", (int)(at - ps->format),
	                   ps->format, number, at + 3);
	if (!measure_text(ts->arena, text, ts->fonts, ps->font_role, size,
	                  source_pos_file(ts->layout->path), "page number",
	                  ts->diag, &m)) {
		ts->ok = false;
		return;
	}
	line = (lb_line){ .end = m.count, .last = true };
	x = arena_calloc(ts->arena, m.count + 1, sizeof(*x));
	w = lb_place(m.chars, &line, &lp, true, x);
	if (align == ALIGN_RIGHT)
		left = g->margin_left + g->text_width - ps->indent_em * size - w;
	else if (align == ALIGN_CENTER)
		left = g->margin_left + (g->text_width - w) / 2;
	else
		left = g->margin_left + ps->indent_em * size;
	/* below_text locates the dashes' centre line, so centre on the ink */
	if (font_usage_ink_box(ts->fonts, face, 0x2014, &x0, &y0, &x1, &y1))
		mid = (y0 + y1) / 2000.0 * size;
	baseline = g->height - g->margin_top - g->text_height - ps->below_text
	    - mid;
	reopen_page(ts, p, &b);
	emit_line(&b, &m, &line, x, left, baseline);
	page_builder_finish(&b, p);
}

/* ---- the page mark (a draft's 草稿) ---- */

/* Size of the mark against the title's (at most half the top margin, so
 * that it stays clear of the text), and the gap between its characters in
 * em: large, spaced out like a stamp. */
#define MARK_SCALE 1.5
#define MARK_MARGIN_SHARE 0.5
#define MARK_SPACING_EM 1.0

/* Measures the mark once for all pages, centred in the 天头 in the
 * title's role: one run per face it is set in.  False after diagnostics. */
static bool
build_mark_runs(typesetter *ts, const page_mark *mark, page_builder *runs)
{
	const page_geometry *g = &ts->layout->page;
	int role = ts->layout->styles[STYLE_TITLE].font_role;
	double size = fmin(role_size(ts, role) * MARK_SCALE,
	                   g->margin_top * MARK_MARGIN_SHARE);
	double spacing = MARK_SPACING_EM * size, width = 0, *x;
	measured_text m;
	lb_line line;

	if (!measure_text(ts->arena, mark->text, ts->fonts, role, size,
	                  source_pos_file(NULL), "page mark", ts->diag, &m))
		return false;
	x = arena_calloc(ts->arena, m.count + 1, sizeof(*x));
	for (size_t i = 0; i < m.count; i++) {
		width += m.chars[i].advance + (i + 1 < m.count ? spacing : 0);
		x[i + 1] = x[i] + m.chars[i].advance + spacing;
	}
	line = (lb_line){ .end = m.count, .last = true };
	page_builder_init(runs, ts->arena);
	/* the em box's centre (ascent 0.88 em) on the margin's centre line */
	emit_line(runs, &m, &line, x, g->margin_left + (g->text_width - width) / 2,
	          g->height - g->margin_top / 2 - (ASCENT_RATIO - 0.5) * size);
	for (size_t i = 0; i < runs->run_count; i++)
		runs->runs[i].gray = mark->gray;
	return true;
}

/* Adds the mark to every page; the PDF writer draws runs in order, so it
 * goes last and changes the fill gray for itself alone. */
static void
add_page_marks(typesetter *ts, page *list, size_t count, const page_mark *mark)
{
	page_builder runs, b;

	if (mark == NULL || mark->text == NULL)
		return;
	if (!build_mark_runs(ts, mark, &runs)) {
		ts->ok = false;
		return;
	}
	for (size_t i = 0; i < count; i++) {
		reopen_page(ts, &list[i], &b);
		for (size_t k = 0; k < runs.run_count; k++)
			page_add_run(&b, &runs.runs[k]);
		page_builder_finish(&b, &list[i]);
	}
}

const pages *
typeset_report(arena *a, const report *r, const font_set *fonts,
               const page_mark *mark, diag_sink *diag)
{
	typesetter ts = { 0 };
	paginator pg;
	pages *out;

	ts.arena = a;
	ts.report = r;
	ts.layout = r->layout;
	ts.font_set = fonts;
	ts.diag = diag;
	ts.ok = true;
	ts.line_width = r->layout->page.text_width;
	ts.fonts = font_usage_create(a, fonts);
	for (size_t i = 0; i < r->block_count; i++)
		set_block(&ts, &r->blocks[i]);
	if (!ts.ok) {
		font_usage_report(ts.fonts, diag);
		return NULL;
	}
	memset(&pg, 0, sizeof(pg));
	pg.ts = &ts;
	pg.empty = true;
	page_builder_init(&pg.current, a);
	paginate_items(&pg);
	if (!ts.ok)
		return NULL;
	for (size_t i = 0; i < pg.page_count; i++)
		add_page_number(&ts, &pg.pages[i], i + 1);
	add_page_marks(&ts, pg.pages, pg.page_count, mark);
	font_usage_report(ts.fonts, diag);
	if (!ts.ok)
		return NULL;
	out = arena_alloc(a, sizeof(*out));
	out->items = pg.pages;
	out->count = pg.page_count;
	out->fonts = font_usage_page_fonts(ts.fonts, &out->font_count);
	out->outline = pg.outline;
	out->outline_count = pg.outline_count;
	return out;
}
