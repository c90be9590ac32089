/*
 * layout.c - loading and checking a layout file: page geometry, font
 * roles, block styles, page numbers, the chapter skeleton and every
 * table's grid with its value bindings.
 */
#include "layout.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yaml_tree.h"

/* Everything one load needs: where memory and messages go, and the
 * layout being filled in. */
typedef struct loader {
	arena *a;
	diag_sink *diag;
	layout *l;
} loader;

/* The grid of one table while it is checked: which cell covers each
 * position (cell index + 1, 0 = uncovered). */
typedef struct grid_check {
	const table_def *t;
	const ynode *node;
	int *owner;
} grid_check;

static const char *const style_names[STYLE_COUNT + 1] = {
	[STYLE_TITLE] = "title",
	[STYLE_HEADING1] = "heading1",
	[STYLE_HEADING2] = "heading2",
	[STYLE_PARAGRAPH] = "paragraph",
	[STYLE_SIGNOFF] = "signoff",
	[STYLE_NOTE] = "note",
	[STYLE_CAPTION] = "caption",
	[STYLE_COUNT] = NULL,
};

#define MAX_GRID_SIDE 999
#define MAX_UNCOVERED_REPORTS 20

/* ------------------------------------------------------------------ */
/* Small readers                                                        */
/* ------------------------------------------------------------------ */

/* Reads a required length into *out; false (after a message) when it is
 * missing or malformed. */
static bool
read_length(loader *ld, const ynode *map, const char *key, const char *what,
            double *out)
{
	const ynode *node = ynode_require(map, key, what, ld->diag);
	const char *field;

	if (node == NULL)
		return false;
	field = arena_printf(ld->a, "%s.%s", what, key);
	return ynode_to_length(node, field, out, ld->diag);
}

/* Reads an optional length, keeping fallback when the key is absent. */
static void
read_optional_length(loader *ld, const ynode *map, const char *key,
                     const char *what, double fallback, double *out)
{
	const ynode *node = ynode_get(map, key);

	*out = fallback;
	if (node != NULL)
		ynode_to_length(node, arena_printf(ld->a, "%s.%s", what, key), out,
		                ld->diag);
}

/* Reads a required non-empty string. */
static const char *
read_string(loader *ld, const ynode *map, const char *key, const char *what)
{
	const ynode *node = ynode_require(map, key, what, ld->diag);
	const char *s = NULL;

	if (node != NULL)
		ynode_to_string(node, arena_printf(ld->a, "%s.%s", what, key), &s,
		                ld->diag);
	return s;
}

/* Reads an indent written in em ("2em") or as a length, returning em of
 * font_size, because indents scale with the text they indent. */
static void
read_em(loader *ld, const ynode *map, const char *key, const char *what,
        double font_size, double *out)
{
	const ynode *node = ynode_get(map, key);
	const char *field = arena_printf(ld->a, "%s.%s", what, key);
	double value;

	*out = 0;
	if (node == NULL || !ynode_expect(node, YNODE_SCALAR, field, ld->diag))
		return;
	if (node->length > 2 && strcmp(node->text + node->length - 2, "em") == 0 &&
	    yaml_parse_decimal(node->text, node->length - 2, &value) && value >= 0) {
		*out = value;
		return;
	}
	if (yaml_parse_length(node->text, node->length, &value)) {
		*out = font_size > 0 ? value / font_size : 0;
		return;
	}
	diag_error(ld->diag, node->pos,
	           "%s must be in em (2em) or a length (5mm), not '%s'", field,
	           node->text);
}

/* Reads a count of lines (space_before/after), which may be fractional
 * but never negative. */
static void
read_lines(loader *ld, const ynode *map, const char *key, const char *what,
           double *out)
{
	const ynode *node = ynode_get(map, key);
	const char *field = arena_printf(ld->a, "%s.%s", what, key);

	*out = 0;
	if (node == NULL || !ynode_to_double(node, field, out, ld->diag))
		return;
	if (*out < 0) {
		diag_error(ld->diag, node->pos, "%s must not be negative", field);
		*out = 0;
	}
}

/* Turns an align word into its value; allow_justify is false where a
 * single line (cell, page number) cannot be justified. */
static text_align
read_align(loader *ld, const ynode *node, const char *what, bool allow_justify,
           text_align fallback)
{
	static const char *const names[] = { "left", "center", "right", "justify" };
	size_t n = allow_justify ? 4 : 3, i;

	if (node == NULL || !ynode_expect(node, YNODE_SCALAR, what, ld->diag))
		return fallback;
	for (i = 0; i < n; i++)
		if (strcmp(node->text, names[i]) == 0)
			return (text_align)i;
	diag_error(ld->diag, node->pos, "%s must be one of left, center, right%s, not '%s'",
	           what, allow_justify ? ", justify" : "", node->text);
	return fallback;
}

/* The font role names as a NULL-terminated list, for suggestions. */
static const char **
role_name_list(loader *ld)
{
	const char **names = arena_calloc(ld->a, ld->l->font_role_count + 1,
	                                  sizeof(*names));
	size_t i;

	for (i = 0; i < ld->l->font_role_count; i++)
		names[i] = ld->l->font_roles[i].name;
	return names;
}

/* Reports name as not declared among candidates, with a hint when one
 * is close; every "unknown reference" message reads the same way. */
static void
report_unknown(loader *ld, source_pos pos, const char *prefix,
               const char *name, const char *const *candidates)
{
	const char *hint = ynode_suggest(name, candidates);

	if (hint != NULL)
		diag_error(ld->diag, pos, "%s '%s' (did you mean '%s'?)", prefix, name,
		           hint);
	else
		diag_error(ld->diag, pos, "%s '%s'", prefix, name);
}

/* Resolves a font role reference under key; -1 after a message when it
 * names a role the fonts section does not declare. */
static int
read_font_role(loader *ld, const ynode *map, const char *what)
{
	const char *field = arena_printf(ld->a, "%s.font", what);
	const ynode *node = ynode_require(map, "font", what, ld->diag);
	const char *name;
	int index;

	if (node == NULL || !ynode_to_string(node, field, &name, ld->diag))
		return -1;
	index = layout_font_role_index(ld->l, name);
	if (index < 0)
		report_unknown(ld, node->pos,
		               arena_printf(ld->a, "%s: undeclared font role", field),
		               name, role_name_list(ld));
	return index;
}

/* The size of a role, or 0 when the reference was bad. */
static double
role_size(const layout *l, int role)
{
	return role >= 0 ? l->font_roles[role].size : 0;
}

/* Reads a sequence of non-empty strings into an arena array. */
static const char **
read_string_list(loader *ld, const ynode *node, const char *what, size_t *count)
{
	const char **out;
	size_t i;

	*count = 0;
	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag))
		return NULL;
	if (node->count == 0)
		diag_error(ld->diag, node->pos, "%s must not be empty", what);
	out = arena_calloc(ld->a, node->count + 1, sizeof(*out));
	for (i = 0; i < node->count; i++)
		ynode_to_string(node->items[i],
		                arena_printf(ld->a, "%s[%zu]", what, i), &out[i],
		                ld->diag);
	*count = node->count;
	return out;
}

/* ------------------------------------------------------------------ */
/* Page, fonts, styles, page number                                     */
/* ------------------------------------------------------------------ */

static const char *const page_keys[] = {
	"width", "height", "margin_top", "margin_left", "text_width",
	"text_height", "line_pitch", NULL
};

/* Reads the page geometry and checks that the 版心 fits on the paper. */
static void
load_page(loader *ld, const ynode *node)
{
	page_geometry *p = &ld->l->page;
	bool ok;

	if (!ynode_expect(node, YNODE_MAPPING, "page", ld->diag))
		return;
	ynode_check_keys(node, page_keys, "page", ld->diag);
	ok = read_length(ld, node, "width", "page", &p->width);
	ok &= read_length(ld, node, "height", "page", &p->height);
	ok &= read_length(ld, node, "margin_top", "page", &p->margin_top);
	ok &= read_length(ld, node, "margin_left", "page", &p->margin_left);
	ok &= read_length(ld, node, "text_width", "page", &p->text_width);
	ok &= read_length(ld, node, "text_height", "page", &p->text_height);
	ok &= read_length(ld, node, "line_pitch", "page", &p->line_pitch);
	if (!ok)
		return;
	if (p->margin_left + p->text_width > p->width + 0.001)
		diag_error(ld->diag, node->pos,
		           "page: margin_left plus text_width is wider than the paper");
	if (p->margin_top + p->text_height > p->height + 0.001)
		diag_error(ld->diag, node->pos,
		           "page: margin_top plus text_height is taller than the paper");
	if (p->text_width <= 0 || p->text_height <= 0 || p->line_pitch <= 0)
		diag_error(ld->diag, node->pos,
		           "page: text_width, text_height and line_pitch must be positive");
}

/* Reads the font roles (name: size); later sections refer to them by
 * name, so they load first whatever the file order. */
static void
load_fonts(loader *ld, const ynode *node)
{
	layout *l = ld->l;
	size_t i;

	if (!ynode_expect(node, YNODE_MAPPING, "fonts", ld->diag))
		return;
	if (node->pair_count == 0)
		diag_error(ld->diag, node->pos, "fonts must declare at least one role");
	l->font_roles = arena_calloc(ld->a, node->pair_count, sizeof(*l->font_roles));
	for (i = 0; i < node->pair_count; i++) {
		font_role *role = &l->font_roles[i];
		const ynode *key = node->pairs[i].key;

		role->name = key->text;
		role->pos = key->pos;
		if (ynode_to_length(node->pairs[i].value,
		                    arena_printf(ld->a, "fonts.%s", key->text),
		                    &role->size, ld->diag) && role->size <= 0)
			diag_error(ld->diag, node->pairs[i].value->pos,
			           "fonts.%s must be a positive size", key->text);
	}
	l->font_role_count = node->pair_count;
}

static const char *const style_keys[] = {
	"font", "align", "first_indent", "left_indent", "right_indent",
	"space_before", "space_after", "line_pitch", "keep_with_next", NULL
};

/* Reads one block style; indents become em of the style's own font. */
static void
load_style(loader *ld, const ynode *node, const char *what, block_style *s)
{
	const ynode *keep;
	double size;

	s->font_role = -1;
	s->line_pitch = ld->l->page.line_pitch;
	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	ynode_check_keys(node, style_keys, what, ld->diag);
	s->font_role = read_font_role(ld, node, what);
	size = role_size(ld->l, s->font_role);
	s->align = read_align(ld, ynode_get(node, "align"),
	                      arena_printf(ld->a, "%s.align", what), true, ALIGN_LEFT);
	read_em(ld, node, "first_indent", what, size, &s->first_indent_em);
	read_em(ld, node, "left_indent", what, size, &s->left_indent_em);
	read_em(ld, node, "right_indent", what, size, &s->right_indent_em);
	read_lines(ld, node, "space_before", what, &s->space_before);
	read_lines(ld, node, "space_after", what, &s->space_after);
	read_optional_length(ld, node, "line_pitch", what, ld->l->page.line_pitch,
	                     &s->line_pitch);
	keep = ynode_get(node, "keep_with_next");
	if (keep != NULL)
		ynode_to_bool(keep, arena_printf(ld->a, "%s.keep_with_next", what),
		              &s->keep_with_next, ld->diag);
}

/* True for the styles a layout may leave out: each has a look derived
 * from the paragraph style, which suits most layouts. */
static bool
style_is_optional(style_kind kind)
{
	return kind == STYLE_NOTE || kind == STYLE_CAPTION;
}

/* The look of an optional style the layout leaves out: a note is a
 * paragraph set ragged right, a caption a centred, unindented paragraph
 * that stays with the table below it. */
static block_style
default_style(const layout *l, style_kind kind)
{
	block_style s = l->styles[STYLE_PARAGRAPH];

	if (kind == STYLE_NOTE) {
		s.align = ALIGN_LEFT;
	} else {
		s.align = ALIGN_CENTER;
		s.first_indent_em = 0;
		s.keep_with_next = true;
	}
	return s;
}

/* Reads the block styles; all but note and caption are required because
 * the typesetter has no built-in look to fall back on. */
static void
load_styles(loader *ld, const ynode *node)
{
	int k;

	if (!ynode_expect(node, YNODE_MAPPING, "styles", ld->diag))
		return;
	ynode_check_keys(node, style_names, "styles", ld->diag);
	for (k = 0; k < STYLE_COUNT; k++) {
		const ynode *style = style_is_optional((style_kind)k)
		                     ? ynode_get(node, style_names[k])
		                     : ynode_require(node, style_names[k], "styles",
		                                     ld->diag);
		ld->l->styles[k].font_role = -1;
		if (style != NULL)
			load_style(ld, style,
			           arena_printf(ld->a, "styles.%s", style_names[k]),
			           &ld->l->styles[k]);
		else if (style_is_optional((style_kind)k))
			ld->l->styles[k] = default_style(ld->l, (style_kind)k);
	}
}

/* Counts how often needle occurs in s. */
static int
count_occurrences(const char *s, const char *needle)
{
	size_t n = strlen(needle);
	int count = 0;

	while ((s = strstr(s, needle)) != NULL) {
		count++;
		s += n;
	}
	return count;
}

static const char *const page_number_keys[] = {
	"font", "format", "below_text", "odd", "even", "indent", NULL
};

/* Reads the page-number style; the format must hold exactly one {n}, or
 * the writer would not know where the number goes. */
static void
load_page_number(loader *ld, const ynode *node)
{
	page_number_style *pn = &ld->l->page_number;
	const ynode *format;

	pn->font_role = -1;
	if (!ynode_expect(node, YNODE_MAPPING, "page_number", ld->diag))
		return;
	ynode_check_keys(node, page_number_keys, "page_number", ld->diag);
	pn->font_role = read_font_role(ld, node, "page_number");
	pn->format = read_string(ld, node, "format", "page_number");
	format = ynode_get(node, "format");
	if (pn->format != NULL && count_occurrences(pn->format, "{n}") != 1)
		diag_error(ld->diag, format->pos,
		           "page_number.format must contain {n} exactly once, not '%s'",
		           pn->format);
	read_length(ld, node, "below_text", "page_number", &pn->below_text);
	if (ynode_require(node, "odd", "page_number", ld->diag))
		pn->odd_align = read_align(ld, ynode_get(node, "odd"),
		                           "page_number.odd", false, ALIGN_RIGHT);
	if (ynode_require(node, "even", "page_number", ld->diag))
		pn->even_align = read_align(ld, ynode_get(node, "even"),
		                            "page_number.even", false, ALIGN_LEFT);
	read_em(ld, node, "indent", "page_number", role_size(ld->l, pn->font_role),
	        &pn->indent_em);
}

/* ------------------------------------------------------------------ */
/* Title and sub-heading numbers                                        */
/* ------------------------------------------------------------------ */

/* Checks that every {…} in a title phrase is a placeholder the report
 * loader knows how to fill. */
static void
check_placeholders(loader *ld, const ynode *node, const char *what)
{
	const char *s = node->text, *open, *close;

	while ((open = strchr(s, '{')) != NULL) {
		close = strchr(open, '}');
		if (close == NULL) {
			diag_error(ld->diag, node->pos, "%s: unclosed '{'", what);
			return;
		}
		if (strncmp(open, "{agency}", 8) != 0 && strncmp(open, "{year}", 6) != 0)
			diag_error(ld->diag, node->pos,
			           "%s: unknown placeholder '%.*s' (use {agency} or {year})",
			           what, (int)(close - open + 1), open);
		s = close + 1;
	}
}

/* Reads the default title phrases, which are kept with their
 * placeholders for the report loader to fill in. */
static void
load_title(loader *ld, const ynode *node)
{
	size_t i;

	ld->l->title_phrases = read_string_list(ld, node, "title",
	                                        &ld->l->title_phrase_count);
	for (i = 0; i < ld->l->title_phrase_count; i++)
		if (ld->l->title_phrases[i] != NULL)
			check_placeholders(ld, node->items[i],
			                   arena_printf(ld->a, "title[%zu]", i));
}

/* ------------------------------------------------------------------ */
/* Tables: columns and values                                           */
/* ------------------------------------------------------------------ */

/* Reads one column width: "fit", a length, or "Nfr". */
static void
read_column_width(loader *ld, const ynode *node, const char *what,
                  column_width *out)
{
	double value;

	out->kind = COLUMN_SHARE;
	out->value = 1;
	if (!ynode_expect(node, YNODE_SCALAR, what, ld->diag))
		return;
	if (strcmp(node->text, "fit") == 0) {
		out->kind = COLUMN_FIT;
		out->value = 0;
	} else if (node->length > 2 &&
	           strcmp(node->text + node->length - 2, "fr") == 0 &&
	           yaml_parse_decimal(node->text, node->length - 2, &value) &&
	           value > 0) {
		out->value = value;
	} else if (yaml_parse_length(node->text, node->length, &value) && value > 0) {
		out->kind = COLUMN_FIXED;
		out->value = value;
	} else {
		diag_error(ld->diag, node->pos,
		           "%s must be fit, a length (20mm) or a share (1fr), not '%s'",
		           what, node->text);
	}
}

/* Reads the column list, which also fixes the table's column count. */
static void
load_columns(loader *ld, const ynode *node, const char *what, table_def *t)
{
	size_t i;

	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag))
		return;
	if (node->count == 0 || node->count > MAX_GRID_SIDE) {
		diag_error(ld->diag, node->pos, "%s must list 1 to %d columns", what,
		           MAX_GRID_SIDE);
		return;
	}
	t->columns = arena_calloc(ld->a, node->count, sizeof(*t->columns));
	for (i = 0; i < node->count; i++)
		read_column_width(ld, node->items[i],
		                  arena_printf(ld->a, "%s[%zu]", what, i), &t->columns[i]);
	t->col_count = (int)node->count;
}

/* Reads a list of column ids, each at most once. */
static const char **
read_column_ids(loader *ld, const ynode *node, const char *what, size_t *count)
{
	const char **ids = read_string_list(ld, node, what, count);
	size_t i, j;

	for (i = 0; ids != NULL && i < *count; i++)
		for (j = 0; j < i; j++)
			if (ids[i] != NULL && ids[j] != NULL && strcmp(ids[i], ids[j]) == 0)
				diag_error(ld->diag, node->items[i]->pos,
				           "%s: column '%s' is listed twice", what, ids[i]);
	return ids;
}

static const char *const value_row_keys[] = { "id", "columns", "type", NULL };

/* The default column ids of a table's value rows, read once. */
typedef struct default_columns {
	const char **ids;
	size_t count;
	bool given;
} default_columns;

/* Reads one value row: a bare id (default columns) or a mapping with its
 * own columns and type. */
static void
load_value_row(loader *ld, const ynode *node, const char *what,
               const default_columns *defaults, value_row *r)
{
	const ynode *columns = NULL, *type;

	r->pos = node->pos;
	r->kind = VALUE_COUNT;
	if (node->kind == YNODE_MAPPING) {
		ynode_check_keys(node, value_row_keys, what, ld->diag);
		r->id = read_string(ld, node, "id", what);
		columns = ynode_get(node, "columns");
		type = ynode_get(node, "type");
		if (type != NULL && ynode_expect(type, YNODE_SCALAR, what, ld->diag)) {
			if (strcmp(type->text, "amount") == 0)
				r->kind = VALUE_AMOUNT;
			else if (strcmp(type->text, "count") != 0)
				diag_error(ld->diag, type->pos,
				           "%s.type must be count or amount, not '%s'", what,
				           type->text);
		}
	} else if (!ynode_to_string(node, what, &r->id, ld->diag)) {
		return;
	}
	if (columns != NULL) {
		r->columns = read_column_ids(ld, columns,
		                             arena_printf(ld->a, "%s.columns", what),
		                             &r->column_count);
	} else if (defaults->given) {
		r->columns = defaults->ids;
		r->column_count = defaults->count;
	} else {
		diag_error(ld->diag, node->pos,
		           "%s: value row '%s' lists no columns and values.columns is not given",
		           what, r->id ? r->id : "");
	}
}

static const char *const values_keys[] = { "columns", "rows", NULL };

/* Reads the value records a description fills; row ids are unique so a
 * description can name them. */
static void
load_values(loader *ld, const ynode *node, const char *what, table_def *t)
{
	default_columns defaults = { NULL, 0, false };
	const ynode *rows, *columns;
	size_t i, j;

	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	ynode_check_keys(node, values_keys, what, ld->diag);
	if ((columns = ynode_get(node, "columns")) != NULL) {
		defaults.ids = read_column_ids(ld, columns,
		                               arena_printf(ld->a, "%s.columns", what),
		                               &defaults.count);
		defaults.given = defaults.ids != NULL;
	}
	rows = ynode_require(node, "rows", what, ld->diag);
	if (rows == NULL || !ynode_expect(rows, YNODE_SEQUENCE,
	                                  arena_printf(ld->a, "%s.rows", what), ld->diag))
		return;
	t->value_rows = arena_calloc(ld->a, rows->count, sizeof(*t->value_rows));
	for (i = 0; i < rows->count; i++) {
		load_value_row(ld, rows->items[i],
		               arena_printf(ld->a, "%s.rows[%zu]", what, i), &defaults,
		               &t->value_rows[i]);
		for (j = 0; j < i && t->value_rows[i].id != NULL; j++)
			if (t->value_rows[j].id != NULL &&
			    strcmp(t->value_rows[i].id, t->value_rows[j].id) == 0)
				diag_error(ld->diag, t->value_rows[i].pos,
				           "%s: duplicate value row '%s' (first at line %d)",
				           t->id, t->value_rows[i].id, t->value_rows[j].pos.line);
	}
	t->value_row_count = rows->count;
}

/* ------------------------------------------------------------------ */
/* Tables: cells                                                        */
/* ------------------------------------------------------------------ */

/* Reads a pair of integers ([row, col] or [rowspan, colspan]). */
static bool
read_pair(loader *ld, const ynode *node, const char *what, long min, int out[2])
{
	long v0, v1;

	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag))
		return false;
	if (node->count != 2) {
		diag_error(ld->diag, node->pos, "%s must have 2 numbers, not %zu", what,
		           node->count);
		return false;
	}
	if (!ynode_to_long(node->items[0], min, MAX_GRID_SIDE, what, &v0, ld->diag) ||
	    !ynode_to_long(node->items[1], min, MAX_GRID_SIDE, what, &v1, ld->diag))
		return false;
	out[0] = (int)v0;
	out[1] = (int)v1;
	return true;
}

/* Resolves a [row id, column id] binding against the declared values,
 * so a typo in either is caught here rather than in every report. */
static void
bind_value(loader *ld, const ynode *node, const char *where, table_def *t,
           table_cell *c)
{
	const char *row_id, *col_id;
	const value_row *r;

	if (!ynode_expect(node, YNODE_SEQUENCE, arena_printf(ld->a, "%s: value", where),
	                  ld->diag))
		return;
	if (node->count != 2) {
		diag_error(ld->diag, node->pos,
		           "%s: value must be [row id, column id], not %zu items", where,
		           node->count);
		return;
	}
	if (!ynode_to_string(node->items[0], "value row id", &row_id, ld->diag) ||
	    !ynode_to_string(node->items[1], "value column id", &col_id, ld->diag))
		return;
	c->value_row = value_row_index(t, row_id);
	if (c->value_row < 0) {
		const char **ids = arena_calloc(ld->a, t->value_row_count + 1, sizeof(*ids));
		size_t i;
		for (i = 0; i < t->value_row_count; i++)
			ids[i] = t->value_rows[i].id ? t->value_rows[i].id : "";
		report_unknown(ld, node->items[0]->pos,
		               arena_printf(ld->a, "%s: undeclared value row", where),
		               row_id, ids);
		return;
	}
	r = &t->value_rows[c->value_row];
	c->value_col = value_col_index(r, col_id);
	if (c->value_col < 0) {
		c->value_row = -1;
		report_unknown(ld, node->items[1]->pos,
		               arena_printf(ld->a, "%s: value row '%s' has no column",
		                            where, r->id),
		               col_id, r->columns);
	}
}

static const char *const cell_keys[] = { "at", "span", "text", "value", "align", NULL };

/* Reads one cell: where it is, how far it spans, and either its label
 * or the value it shows. */
static void
load_cell(loader *ld, const ynode *node, const char *what, table_def *t,
          table_cell *c)
{
	const ynode *at, *span, *text, *value;
	int pair[2];
	const char *where;

	c->rowspan = c->colspan = 1;
	c->value_row = c->value_col = -1;
	c->align = ALIGN_CENTER;
	c->row = c->col = -1;
	c->pos = node->pos;
	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	ynode_check_keys(node, cell_keys, what, ld->diag);
	at = ynode_require(node, "at", what, ld->diag);
	if (at == NULL || !read_pair(ld, at, arena_printf(ld->a, "%s.at", what), 0, pair))
		return;
	c->row = pair[0];
	c->col = pair[1];
	span = ynode_get(node, "span");
	if (span != NULL && read_pair(ld, span, arena_printf(ld->a, "%s.span", what),
	                              1, pair)) {
		c->rowspan = pair[0];
		c->colspan = pair[1];
	}
	where = arena_printf(ld->a, "%s: cell at [%d, %d]", t->id, c->row, c->col);
	c->align = read_align(ld, ynode_get(node, "align"),
	                      arena_printf(ld->a, "%s.align", what), false, ALIGN_CENTER);
	text = ynode_get(node, "text");
	value = ynode_get(node, "value");
	if ((text == NULL) == (value == NULL)) {
		diag_error(ld->diag, node->pos, "%s needs either text or value%s", where,
		           text != NULL ? ", not both" : "");
		return;
	}
	if (text != NULL)
		ynode_to_string(text, arena_printf(ld->a, "%s.text", what), &c->text,
		                ld->diag);
	else
		bind_value(ld, value, where, t, c);
}

/* Reads every cell; the grid's row count is where the lowest cell ends. */
static void
load_cells(loader *ld, const ynode *node, const char *what, table_def *t)
{
	size_t i;

	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag))
		return;
	t->cells = arena_calloc(ld->a, node->count, sizeof(*t->cells));
	for (i = 0; i < node->count; i++) {
		table_cell *c = &t->cells[i];
		load_cell(ld, node->items[i], arena_printf(ld->a, "%s[%zu]", what, i),
		          t, c);
		if (c->row >= 0 && c->row + c->rowspan > t->row_count)
			t->row_count = c->row + c->rowspan;
	}
	t->cell_count = node->count;
}

/* ------------------------------------------------------------------ */
/* Tables: grid checks                                                  */
/* ------------------------------------------------------------------ */

/* Claims the positions a cell covers, reporting the first position
 * another cell already holds. */
static void
claim_cell(loader *ld, grid_check *g, size_t index)
{
	const table_def *t = g->t;
	const table_cell *c = &t->cells[index];
	int r, k;

	for (r = c->row; r < c->row + c->rowspan; r++) {
		for (k = c->col; k < c->col + c->colspan; k++) {
			int *slot = &g->owner[r * t->col_count + k];
			if (*slot != 0) {
				const table_cell *other = &t->cells[*slot - 1];
				diag_error(ld->diag, c->pos,
				           "%s: cell at [%d, %d] overlaps the cell at [%d, %d] "
				           "(line %d) at row %d, column %d", t->id, c->row,
				           c->col, other->row, other->col, other->pos.line, r, k);
				return;
			}
		}
	}
	for (r = c->row; r < c->row + c->rowspan; r++)
		for (k = c->col; k < c->col + c->colspan; k++)
			g->owner[r * t->col_count + k] = (int)index + 1;
}

/* Reports grid positions no cell covers, naming each so the missing
 * cell can be written; a long run is cut short after a few. */
static void
report_uncovered(loader *ld, const grid_check *g)
{
	const table_def *t = g->t;
	int total = t->row_count * t->col_count, i, reported = 0;

	for (i = 0; i < total; i++) {
		if (g->owner[i] != 0)
			continue;
		if (reported++ < MAX_UNCOVERED_REPORTS)
			diag_error(ld->diag, g->node->pos,
			           "%s: grid position row %d, column %d is not covered by any cell",
			           t->id, i / t->col_count, i % t->col_count);
	}
	if (reported > MAX_UNCOVERED_REPORTS)
		diag_error(ld->diag, g->node->pos,
		           "%s: %d more grid positions are not covered", t->id,
		           reported - MAX_UNCOVERED_REPORTS);
}

/* Checks that the cells tile the grid: each inside it, none overlapping,
 * every position covered exactly once. */
static void
check_grid(loader *ld, const table_def *t, const ynode *node)
{
	grid_check g = { t, node, NULL };
	size_t i;

	if (t->col_count == 0 || t->row_count == 0)
		return;
	g.owner = arena_calloc(ld->a, (size_t)t->row_count * (size_t)t->col_count,
	                       sizeof(*g.owner));
	for (i = 0; i < t->cell_count; i++) {
		const table_cell *c = &t->cells[i];
		if (c->row < 0)
			continue;
		if (c->col + c->colspan > t->col_count) {
			diag_error(ld->diag, c->pos,
			           "%s: cell at [%d, %d] with span [%d, %d] reaches past "
			           "the last of the %d columns", t->id, c->row, c->col,
			           c->rowspan, c->colspan, t->col_count);
			continue;
		}
		claim_cell(ld, &g, i);
	}
	report_uncovered(ld, &g);
}

/* Checks that every declared value is shown by exactly one cell, so no
 * figure a clerk enters is lost and none is printed twice. */
static void
check_bindings(loader *ld, const table_def *t)
{
	const table_cell ***bound = arena_calloc(ld->a, t->value_row_count + 1,
	                                         sizeof(*bound));
	size_t i, k;

	for (i = 0; i < t->value_row_count; i++)
		bound[i] = arena_calloc(ld->a, t->value_rows[i].column_count + 1,
		                        sizeof(**bound));
	for (i = 0; i < t->cell_count; i++) {
		const table_cell *c = &t->cells[i], **slot;
		if (c->value_row < 0)
			continue;
		slot = &bound[c->value_row][c->value_col];
		if (*slot != NULL)
			diag_error(ld->diag, c->pos,
			           "%s: cell at [%d, %d]: value [%s, %s] is already shown "
			           "by the cell at [%d, %d] (line %d)", t->id, c->row, c->col,
			           t->value_rows[c->value_row].id,
			           t->value_rows[c->value_row].columns[c->value_col],
			           (*slot)->row, (*slot)->col, (*slot)->pos.line);
		else
			*slot = c;
	}
	for (i = 0; i < t->value_row_count; i++)
		for (k = 0; k < t->value_rows[i].column_count; k++)
			if (bound[i][k] == NULL && t->value_rows[i].id != NULL &&
			    t->value_rows[i].columns[k] != NULL)
				diag_error(ld->diag, t->value_rows[i].pos,
				           "%s: value [%s, %s] is declared but no cell shows it",
				           t->id, t->value_rows[i].id, t->value_rows[i].columns[k]);
}

/* Checks that the repeated header rows exist in the grid. */
static void
check_header_rows(loader *ld, const table_def *t, const ynode *node)
{
	const ynode *header = ynode_get(node, "header_rows");

	if (header != NULL && t->header_rows > t->row_count)
		diag_error(ld->diag, header->pos,
		           "%s: header_rows is %d but the table has only %d rows",
		           t->id, t->header_rows, t->row_count);
}

/* ------------------------------------------------------------------ */
/* Tables: sums                                                         */
/* ------------------------------------------------------------------ */

/* Every column id the value rows of t use, each once, NULL-terminated,
 * for checking and suggesting the columns a sum names. */
static const char **
column_id_list(loader *ld, const table_def *t)
{
	size_t total = 0, n = 0, r, k;
	const char **ids;

	for (r = 0; r < t->value_row_count; r++)
		total += t->value_rows[r].column_count;
	ids = arena_calloc(ld->a, total + 1, sizeof(*ids));
	for (r = 0; r < t->value_row_count; r++)
		for (k = 0; k < t->value_rows[r].column_count; k++) {
			const char *id = t->value_rows[r].columns[k];
			size_t j = 0;
			while (id != NULL && j < n && strcmp(ids[j], id) != 0)
				j++;
			if (id != NULL && j == n)
				ids[n++] = id;
		}
	return ids;
}

/* The value row ids of t, NULL-terminated (an unreadable id shows as
 * ""), for suggestions. */
static const char **
row_id_list(loader *ld, const table_def *t)
{
	const char **ids = arena_calloc(ld->a, t->value_row_count + 1, sizeof(*ids));
	size_t i;

	for (i = 0; i < t->value_row_count; i++)
		ids[i] = t->value_rows[i].id ? t->value_rows[i].id : "";
	return ids;
}

/* True when id is one of the NULL-terminated ids. */
static bool
list_has(const char *const *ids, const char *id)
{
	size_t i;

	for (i = 0; ids[i] != NULL; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

/* Checks that id names a column (over_columns) or a value row of t,
 * reporting it at node with a suggestion when it does not. */
static bool
check_sum_id(loader *ld, const table_def *t, const char *where,
             bool over_columns, const char *id, const ynode *node)
{
	const char **known = over_columns ? column_id_list(ld, t) : row_id_list(ld, t);

	if (list_has(known, id))
		return true;
	report_unknown(ld, node->pos,
	               arena_printf(ld->a, "%s: undeclared %s", where,
	                            over_columns ? "column" : "value row"),
	               id, known);
	return false;
}

/* Checks a sum's terms: each declared, none listed twice, none the
 * target itself (a value cannot be computed from itself). */
static bool
check_sum_terms(loader *ld, const table_def *t, const char *where,
                const value_sum *s, const ynode *of)
{
	const char *kind = s->over_columns ? "column" : "row";
	bool ok = true;
	size_t i, j;

	for (i = 0; i < s->term_count; i++) {
		const char *term = s->terms[i];
		if (term == NULL ||
		    !check_sum_id(ld, t, where, s->over_columns, term, of->items[i])) {
			ok = false;
			continue;
		}
		if (s->target != NULL && strcmp(term, s->target) == 0) {
			diag_error(ld->diag, of->items[i]->pos,
			           "%s: the target %s '%s' is also one of its terms",
			           where, kind, term);
			ok = false;
		}
		for (j = 0; j < i; j++)
			if (s->terms[j] != NULL && strcmp(s->terms[j], term) == 0) {
				diag_error(ld->diag, of->items[i]->pos,
				           "%s: term '%s' is listed twice", where, term);
				ok = false;
				break;
			}
	}
	return ok;
}

/* True when value row r has every term column of the column sum s and
 * its target, i.e. when s computes a value in r. */
bool
value_sum_applies_to_row(const value_sum *s, const value_row *r)
{
	size_t i;

	if (!s->over_columns || value_col_index(r, s->target) < 0)
		return false;
	for (i = 0; i < s->term_count; i++)
		if (value_col_index(r, s->terms[i]) < 0)
			return false;
	return true;
}

/* Reports a column sum that no value row can compute: every row lacks
 * the target or one of the terms, which is surely a typo. */
static void
check_column_sum_applies(loader *ld, const table_def *t, const char *where,
                         const value_sum *s)
{
	size_t r;

	for (r = 0; r < t->value_row_count; r++)
		if (value_sum_applies_to_row(s, &t->value_rows[r]))
			return;
	diag_error(ld->diag, s->pos,
	           "%s: no value row has column '%s' and all its terms", where,
	           s->target);
}

/* "amounts" or "counts", for messages about what a row holds. */
static const char *
kind_plural(value_kind kind)
{
	return kind == VALUE_AMOUNT ? "amounts" : "counts";
}

/* Checks that every term row of a row sum holds the same kind of value
 * as the target row and has each of its columns, so every value of the
 * target row can be computed. */
static void
check_row_sum_terms(loader *ld, const table_def *t, const char *where,
                    const value_sum *s)
{
	const value_row *target = &t->value_rows[value_row_index(t, s->target)];
	size_t i, k;

	for (i = 0; i < s->term_count; i++) {
		const value_row *term = &t->value_rows[value_row_index(t, s->terms[i])];
		if (term->kind != target->kind)
			diag_error(ld->diag, s->pos,
			           "%s: term row '%s' holds %s but the target row "
			           "'%s' holds %s", where, term->id, kind_plural(term->kind),
			           target->id, kind_plural(target->kind));
		for (k = 0; k < target->column_count; k++)
			if (target->columns[k] != NULL &&
			    value_col_index(term, target->columns[k]) < 0) {
				diag_error(ld->diag, s->pos,
				           "%s: term row '%s' has no column '%s' of the "
				           "target row '%s'", where, term->id,
				           target->columns[k], target->id);
				break;
			}
	}
}

/* Reports a second sum with the same target and direction as an earlier
 * one: the layout would say two ways to compute one value. */
static void
check_sum_target_unique(loader *ld, const table_def *t, const char *where,
                        size_t index)
{
	const value_sum *s = &t->sums[index];
	size_t i;

	for (i = 0; i < index; i++)
		if (t->sums[i].target != NULL &&
		    t->sums[i].over_columns == s->over_columns &&
		    strcmp(t->sums[i].target, s->target) == 0) {
			diag_error(ld->diag, s->pos,
			           "%s: %s '%s' is already the target of sums[%zu] "
			           "(line %d)", where, s->over_columns ? "column" : "row", s->target, i,
			           t->sums[i].pos.line);
			return;
		}
}

static const char *const sum_keys[] = { "column", "row", "of", NULL };

/* Reads the target of a sum: exactly one of column and row. */
static const ynode *
read_sum_target(loader *ld, const ynode *node, const char *what,
                const char *where, value_sum *s)
{
	const ynode *column = ynode_get(node, "column"), *row = ynode_get(node, "row");
	const ynode *target = column != NULL ? column : row;

	if ((column == NULL) == (row == NULL)) {
		diag_error(ld->diag, node->pos, "%s needs either column or row%s", where,
		           column != NULL ? ", not both" : "");
		return NULL;
	}
	s->over_columns = column != NULL;
	if (!ynode_to_string(target, arena_printf(ld->a, "%s.%s", what,
	                                          s->over_columns ? "column" : "row"),
	                     &s->target, ld->diag))
		return NULL;
	return target;
}

/* Reads one sum, {column: ID, of: [IDs]} or {row: ID, of: [IDs]}, and
 * checks it against the table's value rows. */
static void
load_sum(loader *ld, const ynode *node, const char *what, table_def *t,
         size_t index)
{
	value_sum *s = &t->sums[index];
	const char *where = arena_printf(ld->a, "%s: sums[%zu]", t->id, index);
	const ynode *target, *of;
	bool ok;

	s->pos = node->pos;
	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	ynode_check_keys(node, sum_keys, what, ld->diag);
	target = read_sum_target(ld, node, what, where, s);
	of = ynode_require(node, "of", what, ld->diag);
	if (target == NULL || of == NULL)
		return;
	s->terms = read_string_list(ld, of, arena_printf(ld->a, "%s.of", what),
	                            &s->term_count);
	if (s->terms == NULL || s->term_count == 0)
		return;
	ok = check_sum_id(ld, t, where, s->over_columns, s->target, target);
	ok &= check_sum_terms(ld, t, where, s, of);
	if (!ok)
		return;
	check_sum_target_unique(ld, t, where, index);
	if (s->over_columns)
		check_column_sum_applies(ld, t, where, s);
	else
		check_row_sum_terms(ld, t, where, s);
}

/* Reads a table's sums: the values a description may leave out because
 * they are computed from others. */
static void
load_sums(loader *ld, const ynode *node, const char *what, table_def *t)
{
	size_t i;

	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag))
		return;
	t->sums = arena_calloc(ld->a, node->count + 1, sizeof(*t->sums));
	t->sum_count = node->count;
	for (i = 0; i < node->count; i++)
		load_sum(ld, node->items[i], arena_printf(ld->a, "%s[%zu]", what, i),
		         t, i);
}

/* Reads orientation: portrait (the default) or landscape. */
static void
read_orientation(loader *ld, const ynode *node, const char *what, table_def *t)
{
	if (!ynode_expect(node, YNODE_SCALAR, what, ld->diag))
		return;
	if (strcmp(node->text, "landscape") == 0)
		t->landscape = true;
	else if (strcmp(node->text, "portrait") != 0)
		diag_error(ld->diag, node->pos,
		           "%s must be portrait or landscape, not '%s'", what, node->text);
}

static const char *const table_keys[] = {
	"font", "size", "padding", "inner_rule", "outer_rule", "header_rows",
	"columns", "note", "caption", "orientation", "values", "sums", "cells",
	NULL
};

/* Reads one table's look and content, then checks its grid. */
static void
load_table(loader *ld, const ynode *key, const ynode *node, table_def *t)
{
	const char *what = arena_printf(ld->a, "tables.%s", key->text);
	const ynode *part;
	long header = 0;

	t->id = key->text;
	t->pos = key->pos;
	t->font_role = -1;
	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	ynode_check_keys(node, table_keys, what, ld->diag);
	t->font_role = read_font_role(ld, node, what);
	/* a wide table may be set smaller than its role's size */
	read_optional_length(ld, node, "size", what,
	                     t->font_role >= 0 ? ld->l->font_roles[t->font_role].size : 0,
	                     &t->size);
	read_optional_length(ld, node, "padding", what, 2.0, &t->padding);
	read_optional_length(ld, node, "inner_rule", what, 0.5, &t->inner_rule);
	read_optional_length(ld, node, "outer_rule", what, 1.0, &t->outer_rule);
	if ((part = ynode_get(node, "header_rows")) != NULL &&
	    ynode_to_long(part, 0, MAX_GRID_SIDE,
	                  arena_printf(ld->a, "%s.header_rows", what), &header, ld->diag))
		t->header_rows = (int)header;
	if ((part = ynode_get(node, "note")) != NULL)
		ynode_to_string(part, arena_printf(ld->a, "%s.note", what), &t->note,
		                ld->diag);
	if ((part = ynode_get(node, "caption")) != NULL)
		ynode_to_string(part, arena_printf(ld->a, "%s.caption", what),
		                &t->caption, ld->diag);
	if ((part = ynode_get(node, "orientation")) != NULL)
		read_orientation(ld, part, arena_printf(ld->a, "%s.orientation", what), t);
	if ((part = ynode_require(node, "columns", what, ld->diag)) != NULL)
		load_columns(ld, part, arena_printf(ld->a, "%s.columns", what), t);
	if ((part = ynode_require(node, "values", what, ld->diag)) != NULL)
		load_values(ld, part, arena_printf(ld->a, "%s.values", what), t);
	if ((part = ynode_get(node, "sums")) != NULL && t->value_row_count > 0)
		load_sums(ld, part, arena_printf(ld->a, "%s.sums", what), t);
	if ((part = ynode_require(node, "cells", what, ld->diag)) == NULL)
		return;
	load_cells(ld, part, arena_printf(ld->a, "%s.cells", what), t);
	check_grid(ld, t, part);
	check_bindings(ld, t);
	check_header_rows(ld, t, node);
}

/* Reads every table, keyed by the id descriptions and chapters use. */
static void
load_tables(loader *ld, const ynode *node)
{
	layout *l = ld->l;
	size_t i;

	if (!ynode_expect(node, YNODE_MAPPING, "tables", ld->diag))
		return;
	l->tables = arena_calloc(ld->a, node->pair_count, sizeof(*l->tables));
	l->table_count = node->pair_count;
	for (i = 0; i < node->pair_count; i++)
		load_table(ld, node->pairs[i].key, node->pairs[i].value, &l->tables[i]);
}

/* ------------------------------------------------------------------ */
/* Chapters                                                             */
/* ------------------------------------------------------------------ */

/* The table ids as a NULL-terminated list, for suggestions. */
static const char **
table_id_list(loader *ld)
{
	const char **ids = arena_calloc(ld->a, ld->l->table_count + 1, sizeof(*ids));
	size_t i;

	for (i = 0; i < ld->l->table_count; i++)
		ids[i] = ld->l->tables[i].id;
	return ids;
}

/* Links a chapter to the table it shows, by table id. */
static void
resolve_chapter_table(loader *ld, const ynode *map, const char *what,
                      chapter_def *c)
{
	const ynode *node = ynode_get(map, "table");
	const char *id;
	const table_def *t;

	c->table = -1;
	if (node == NULL ||
	    !ynode_to_string(node, arena_printf(ld->a, "%s.table", what), &id, ld->diag))
		return;
	t = layout_find_table(ld->l, id);
	if (t == NULL)
		report_unknown(ld, node->pos,
		               arena_printf(ld->a, "%s.table: undefined table", what), id,
		               table_id_list(ld));
	else
		c->table = (int)(t - ld->l->tables);
}

/* Reports a name (id or alias) that an earlier chapter already uses,
 * since a description could not say which chapter it means. */
static void
check_chapter_name(loader *ld, size_t index, const char *name, source_pos pos)
{
	const layout *l = ld->l;
	size_t i, k;

	for (i = 0; i < index; i++) {
		const chapter_def *c = &l->chapters[i];
		bool same = c->id != NULL && strcmp(c->id, name) == 0;
		for (k = 0; k < c->alias_count && !same; k++)
			same = c->aliases[k] != NULL && strcmp(c->aliases[k], name) == 0;
		if (same) {
			diag_error(ld->diag, pos,
			           "chapter name '%s' is already used by chapter '%s' (line %d)",
			           name, c->id ? c->id : "", c->pos.line);
			return;
		}
	}
}

static const char *const chapter_keys[] = { "id", "heading", "aliases", "table", NULL };

/* Reads one chapter: its id, printed heading, accepted aliases and the
 * table it shows. */
static void
load_chapter(loader *ld, const ynode *node, size_t index)
{
	chapter_def *c = &ld->l->chapters[index];
	const char *what = arena_printf(ld->a, "chapters[%zu]", index);
	const ynode *aliases;
	size_t k;

	c->table = -1;
	c->pos = node->pos;
	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	ynode_check_keys(node, chapter_keys, what, ld->diag);
	c->id = read_string(ld, node, "id", what);
	c->heading = read_string(ld, node, "heading", what);
	aliases = ynode_get(node, "aliases");
	if (aliases != NULL)
		c->aliases = read_string_list(ld, aliases,
		                              arena_printf(ld->a, "%s.aliases", what),
		                              &c->alias_count);
	resolve_chapter_table(ld, node, what, c);
	if (c->id != NULL)
		check_chapter_name(ld, index, c->id, ynode_get(node, "id")->pos);
	for (k = 0; k < c->alias_count; k++)
		if (c->aliases[k] != NULL)
			check_chapter_name(ld, index, c->aliases[k], aliases->items[k]->pos);
}

/* Reads the chapter skeleton in print order. */
static void
load_chapters(loader *ld, const ynode *node)
{
	size_t i;

	if (!ynode_expect(node, YNODE_SEQUENCE, "chapters", ld->diag))
		return;
	if (node->count == 0)
		diag_error(ld->diag, node->pos, "chapters must not be empty");
	ld->l->chapters = arena_calloc(ld->a, node->count, sizeof(*ld->l->chapters));
	ld->l->chapter_count = node->count;
	for (i = 0; i < node->count; i++)
		load_chapter(ld, node->items[i], i);
}

/* ------------------------------------------------------------------ */
/* The whole file                                                       */
/* ------------------------------------------------------------------ */

static const char *const layout_keys[] = {
	"name", "page", "fonts", "styles", "page_number", "title",
	"subheading_numbers", "chapters", "tables", NULL
};

/* Loads the sections in dependency order: fonts before what uses them,
 * tables before the chapters that name them. */
static void
load_sections(loader *ld, const ynode *root)
{
	const ynode *node;

	ynode_check_keys(root, layout_keys, "layout", ld->diag);
	ld->l->name = read_string(ld, root, "name", "layout");
	if ((node = ynode_require(root, "page", "layout", ld->diag)) != NULL)
		load_page(ld, node);
	if ((node = ynode_require(root, "fonts", "layout", ld->diag)) != NULL)
		load_fonts(ld, node);
	if ((node = ynode_require(root, "styles", "layout", ld->diag)) != NULL)
		load_styles(ld, node);
	if ((node = ynode_require(root, "page_number", "layout", ld->diag)) != NULL)
		load_page_number(ld, node);
	if ((node = ynode_require(root, "title", "layout", ld->diag)) != NULL)
		load_title(ld, node);
	if ((node = ynode_require(root, "subheading_numbers", "layout", ld->diag)) != NULL)
		ld->l->subheading_numbers = read_string_list(ld, node, "subheading_numbers",
		                                &ld->l->subheading_number_count);
	if ((node = ynode_get(root, "tables")) != NULL)
		load_tables(ld, node);
	if ((node = ynode_require(root, "chapters", "layout", ld->diag)) != NULL)
		load_chapters(ld, node);
}

/* Builds a layout from a parsed file; NULL when anything was reported,
 * so no later stage ever sees a half-checked layout. */
static const layout *
layout_from_tree(arena *a, const ynode *root, const char *path, diag_sink *diag)
{
	loader ld = { a, diag, NULL };
	int errors_before = diag->errors;

	if (root == NULL || !ynode_expect(root, YNODE_MAPPING, "layout", diag))
		return NULL;
	ld.l = arena_alloc(a, sizeof(*ld.l));
	ld.l->path = arena_strdup(a, path);
	load_sections(&ld, root);
	return diag->errors > errors_before ? NULL : ld.l;
}

/* Loads a layout from memory (tests, embedded layouts); positions name
 * display_name. */
const layout *
layout_load_buffer(arena *a, const char *display_name, const char *data,
                   size_t size, diag_sink *diag)
{
	const ynode *root = yaml_tree_load_buffer(a, display_name, data, size, diag);

	return layout_from_tree(a, root, display_name, diag);
}

/* Loads a layout file; NULL after reporting every problem found, never
 * a partly checked layout. */
const layout *
layout_load_file(arena *a, const char *path, diag_sink *diag)
{
	const ynode *root = yaml_tree_load_file(a, path, diag);

	return layout_from_tree(a, root, path, diag);
}

/* ------------------------------------------------------------------ */
/* Finding a layout by name                                             */
/* ------------------------------------------------------------------ */

/* True when s ends with suffix. */
static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A reference is a path, not a name, when it says so by its shape. */
static bool
is_layout_path(const char *name)
{
	return strchr(name, '/') != NULL || ends_with(name, ".yaml") ||
	       ends_with(name, ".yml") || ends_with(name, ".json");
}

/* Orders names for a stable "available layouts" list. */
static int
compare_names(const void *left, const void *right)
{
	return strcmp(*(const char *const *)left, *(const char *const *)right);
}

/* The layout names in dir (files NAME.yaml), sorted, NULL-terminated. */
static const char **
list_layouts(arena *a, const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	const char **names = arena_calloc(a, 1, sizeof(*names));
	size_t capacity = 0;
	struct dirent *e;

	*count = 0;
	while (d != NULL && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || !ends_with(e->d_name, ".yaml"))
			continue;
		if (*count + 1 >= capacity) {
			size_t grown = capacity ? capacity * 2 : 8;
			names = arena_grow(a, names, *count, grown, sizeof(*names));
			capacity = grown;
		}
		names[(*count)++] = arena_strndup(a, e->d_name, n - 5);
		names[*count] = NULL;
	}
	if (d != NULL)
		closedir(d);
	qsort(names, *count, sizeof(*names), compare_names);
	return names;
}

/* Joins a names list with ", " for a message. */
static const char *
join_names(arena *a, const char *const *names, size_t count)
{
	const char *out = "";
	size_t i;

	for (i = 0; i < count; i++)
		out = arena_printf(a, "%s%s%s", out, i ? ", " : "", names[i]);
	return out;
}

/* Reports a layout name that is not in dir, listing those that are. */
static void
report_unknown_layout(arena *a, const char *name, const char *dir,
                      source_pos where, diag_sink *diag)
{
	size_t count;
	const char **names = list_layouts(a, dir, &count);
	const char *hint = ynode_suggest(name, names);

	if (count == 0)
		diag_error(diag, where, "unknown layout '%s' (%s has no layouts)", name, dir);
	else if (hint != NULL)
		diag_error(diag, where, "unknown layout '%s' (did you mean '%s'?); "
		           "available layouts: %s", name, hint, join_names(a, names, count));
	else
		diag_error(diag, where, "unknown layout '%s'; available layouts: %s",
		           name, join_names(a, names, count));
}

/* Resolves a description's layout reference to a file and loads it;
 * an unknown name lists the layouts there are. */
const layout *
layout_load_named(arena *a, const char *name, const char *data_dir,
                  const char *base_dir, source_pos where, diag_sink *diag)
{
	const char *path, *dir;

	if (is_layout_path(name)) {
		path = name[0] == '/' || base_dir == NULL || base_dir[0] == '\0'
		       ? name : arena_printf(a, "%s/%s", base_dir, name);
		if (access(path, R_OK) != 0) {
			diag_error(diag, where, "cannot open layout '%s': %s", path,
			           strerror(errno));
			return NULL;
		}
		return layout_load_file(a, path, diag);
	}
	dir = arena_printf(a, "%s/layouts", data_dir != NULL ? data_dir : ".");
	path = arena_printf(a, "%s/%s.yaml", dir, name);
	if (name[0] == '\0' || access(path, R_OK) != 0) {
		report_unknown_layout(a, name, dir, where, diag);
		return NULL;
	}
	return layout_load_file(a, path, diag);
}

/* ------------------------------------------------------------------ */
/* Lookups                                                              */
/* ------------------------------------------------------------------ */

/* The index of a font role by name, or -1; styles and tables keep
 * indices so the font loader can resolve each role once. */
int
layout_font_role_index(const layout *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->font_role_count; i++)
		if (strcmp(l->font_roles[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The table with that id, or NULL; descriptions and chapters refer to
 * tables by id. */
const table_def *
layout_find_table(const layout *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->table_count; i++)
		if (l->tables[i].id != NULL && strcmp(l->tables[i].id, id) == 0)
			return &l->tables[i];
	return NULL;
}

/* The index of a value row by id, or -1, for resolving a description's
 * row keys. */
int
value_row_index(const table_def *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->value_row_count; i++)
		if (t->value_rows[i].id != NULL && strcmp(t->value_rows[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* The index of a column id within a value row, or -1. */
int
value_col_index(const value_row *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->column_count; i++)
		if (r->columns[i] != NULL && strcmp(r->columns[i], id) == 0)
			return (int)i;
	return -1;
}
