/*
 * layout.c - loading and checking a layout file: page geometry, font
 * roles, block styles, page numbers, the chapter skeleton and every
 * table's grid with its value bindings.
 */
#include "layout.h"

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yaml_tree.h"

/* Everything one load needs: where memory and messages go, and the
 * layout being filled in. */
typedef struct loader {
	arena *a;
	diag_sink *diag;
	layout *l;
	const table_def *ids_of;     /* the table column_ids was made for */
	const char **column_ids;
	const table_repeat *repeat;  /* while its template cells load: their
	                                text fields */
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

#define MAX_GRID_SIDE LAYOUT_MAX_GRID_SIDE
#define MAX_UNCOVERED_REPORTS 20

/* ------------------------------------------------------------------ */
/* Small readers                                                        */
/* ------------------------------------------------------------------ */

/* Reports a list or mapping with more than max entries, the limits that
 * keep a hostile layout cheap to check; false when node is over. */
static bool
within_limit(loader *ld, const ynode *node, size_t count, size_t max,
             const char *what)
{
	if (count <= max)
		return true;
	diag_error(ld->diag, node->pos, "%s has %zu entries; a layout allows at "
	           "most %zu", what, count, max);
	return false;
}

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
	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag) ||
	    !within_limit(ld, node, node->count, LAYOUT_MAX_LIST, what))
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

/* Reads an optional non-empty string, leaving *out alone when the key
 * is absent. */
static void
read_optional_string(loader *ld, const ynode *map, const char *key,
                     const char *what, const char **out)
{
	const ynode *node = ynode_get(map, key);

	if (node != NULL)
		ynode_to_string(node, arena_printf(ld->a, "%s.%s", what, key), out,
		                ld->diag);
}

/* Reads a rule's optional id and level (error or warning; error when
 * absent), the two keys every checked sum and rule shares. */
static void
read_rule_id_and_level(loader *ld, const ynode *map, const char *what,
                       const char **id, diag_severity *level)
{
	const ynode *node = ynode_get(map, "level");
	const char *field = arena_printf(ld->a, "%s.level", what);

	*level = DIAG_ERROR;
	read_optional_string(ld, map, "id", what, id);
	if (node == NULL || !ynode_expect(node, YNODE_SCALAR, field, ld->diag))
		return;
	if (strcmp(node->text, "warning") == 0)
		*level = DIAG_WARNING;
	else if (strcmp(node->text, "error") != 0)
		diag_error(ld->diag, node->pos,
		           "%s must be error or warning, not '%s'", field, node->text);
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

	if (!ynode_expect(node, YNODE_MAPPING, "fonts", ld->diag) ||
	    !within_limit(ld, node, node->pair_count, LAYOUT_MAX_LIST, "fonts"))
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

static const char *const value_row_keys[] = { "id", "name", "columns", "type",
                                               NULL };

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
	const ynode *columns = NULL, *type, *name;

	r->pos = node->pos;
	r->kind = VALUE_COUNT;
	if (node->kind == YNODE_MAPPING) {
		ynode_check_keys(node, value_row_keys, what, ld->diag);
		r->id = read_string(ld, node, "id", what);
		if ((name = ynode_get(node, "name")) != NULL)
			ynode_to_string(name, arena_printf(ld->a, "%s.name", what),
			                &r->name, ld->diag);
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

/* Reports a table whose rows hold more than LAYOUT_MAX_VALUES values in
 * all (each row may have up to LAYOUT_MAX_LIST columns, but not all), and
 * drops its rows so later checks do not report each value again. */
static void
check_value_count(loader *ld, const ynode *node, const char *what,
                  table_def *t)
{
	size_t total = 0, r;

	for (r = 0; r < t->value_row_count; r++)
		total += t->value_rows[r].column_count;
	if (total <= LAYOUT_MAX_VALUES)
		return;
	diag_error(ld->diag, node->pos, "%s declares %zu values; a table "
	           "allows at most %d", what, total, LAYOUT_MAX_VALUES);
	t->value_row_count = 0;
}

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
	                                  arena_printf(ld->a, "%s.rows", what), ld->diag) ||
	    !within_limit(ld, rows, rows->count, LAYOUT_MAX_LIST,
	                  arena_printf(ld->a, "%s.rows", what)))
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
	check_value_count(ld, node, what, t);
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

static const char *const cell_keys[] = { "at", "span", "text", "value", "field",
                                         "align", NULL };

/* Resolves a template cell's text field by name; outside a repeat's
 * template a field has no record to come from. */
static void
bind_field(loader *ld, const ynode *node, const char *where, table_cell *c)
{
	const table_repeat *rp = ld->repeat;
	const char *name;
	size_t i;

	if (rp == NULL) {
		diag_error(ld->diag, node->pos, "%s: field is only for the cells "
		           "of a repeat (one record's row)", where);
		return;
	}
	if (!ynode_to_string(node, "field", &name, ld->diag))
		return;
	for (i = 0; i < rp->text_field_count; i++)
		if (rp->text_fields[i] != NULL && strcmp(rp->text_fields[i], name) == 0) {
			c->text_field = (int)i;
			return;
		}
	report_unknown(ld, node->pos, arena_printf(ld->a, "%s: undeclared text "
	               "field", where), name, rp->text_fields);
}

/* Reads one cell: where it is, how far it spans, and either its label
 * or the value it shows. */
static void
load_cell(loader *ld, const ynode *node, const char *what, table_def *t,
          table_cell *c)
{
	const ynode *at, *span, *text, *value, *field;
	int pair[2];
	const char *where;

	c->rowspan = c->colspan = 1;
	c->value_row = c->value_col = c->text_field = -1;
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
	if (c->row + c->rowspan > MAX_GRID_SIDE) {
		diag_error(ld->diag, node->pos, "%s: cell at [%d, %d] with span "
		           "[%d, %d] reaches past row %d, the last a grid may have",
		           t->id, c->row, c->col, c->rowspan, c->colspan,
		           MAX_GRID_SIDE - 1);
		c->row = -1;
		return;
	}
	where = arena_printf(ld->a, "%s: cell at [%d, %d]", t->id, c->row, c->col);
	c->align = read_align(ld, ynode_get(node, "align"),
	                      arena_printf(ld->a, "%s.align", what), false, ALIGN_CENTER);
	text = ynode_get(node, "text");
	value = ynode_get(node, "value");
	field = ynode_get(node, "field");
	if ((text != NULL) + (value != NULL) + (field != NULL) != 1) {
		diag_error(ld->diag, node->pos, "%s needs either text or value%s%s",
		           where, ld->repeat != NULL ? " or field" : "",
		           text != NULL || value != NULL ? ", not both" : "");
		return;
	}
	if (text != NULL)
		ynode_to_string(text, arena_printf(ld->a, "%s.text", what), &c->text,
		                ld->diag);
	else if (value != NULL)
		bind_value(ld, value, where, t, c);
	else
		bind_field(ld, field, where, c);
}

/* Reads every cell; the grid's row count is where the lowest cell ends. */
static void
load_cells(loader *ld, const ynode *node, const char *what, table_def *t)
{
	size_t i;

	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag) ||
	    !within_limit(ld, node, node->count, LAYOUT_MAX_CELLS, what))
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

/* Orders pointers to column ids by text, then by position, so that the
 * first use of each id leads its run of duplicates. */
static int
compare_id_refs(const void *left, const void *right)
{
	const char *const *a = *(const char *const *const *)left;
	const char *const *b = *(const char *const *const *)right;
	int c = strcmp(*a, *b);

	if (c != 0)
		return c;
	return a < b ? -1 : a > b;
}

/* Every column id the value rows of t use, in order of first use,
 * NULL-terminated; sorting keeps it O(n log n) for a big table. */
static const char **
make_column_ids(arena *a, const table_def *t)
{
	size_t total = 0, n = 0, r, k, i;
	const char **all, ***refs, **ids, *prev = NULL;

	for (r = 0; r < t->value_row_count; r++)
		total += t->value_rows[r].column_count;
	all = arena_calloc(a, total + 1, sizeof(*all));
	refs = arena_calloc(a, total + 1, sizeof(*refs));
	ids = arena_calloc(a, total + 1, sizeof(*ids));
	for (r = 0; r < t->value_row_count; r++)
		for (k = 0; k < t->value_rows[r].column_count; k++)
			if (t->value_rows[r].columns[k] != NULL)
				all[n++] = t->value_rows[r].columns[k];
	for (i = 0; i < n; i++)
		refs[i] = &all[i];
	qsort(refs, n, sizeof(*refs), compare_id_refs);
	for (i = 0; i < n; i++) {
		const char *id = *refs[i];

		if (prev != NULL && strcmp(id, prev) == 0)
			*refs[i] = NULL;            /* a later use of the same id */
		else
			prev = id;
	}
	for (i = 0, k = 0; i < n; i++)
		if (all[i] != NULL)
			ids[k++] = all[i];
	return ids;
}

/* The column ids of t (make_column_ids), made once per table: sums and
 * rules check every term against them. */
static const char **
column_id_list(loader *ld, const table_def *t)
{
	if (ld->ids_of != t) {
		ld->column_ids = make_column_ids(ld->a, t);
		ld->ids_of = t;
	}
	return ld->column_ids;
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

static const char *const sum_keys[] = { "column", "row", "of", "id", "level",
                                        NULL };

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
	s->level = DIAG_ERROR;
	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	ynode_check_keys(node, sum_keys, what, ld->diag);
	read_rule_id_and_level(ld, node, what, &s->rule, &s->level);
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

	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag) ||
	    !within_limit(ld, node, node->count, LAYOUT_MAX_LIST, what))
		return;
	t->sums = arena_calloc(ld->a, node->count + 1, sizeof(*t->sums));
	t->sum_count = node->count;
	for (i = 0; i < node->count; i++)
		load_sum(ld, node->items[i], arena_printf(ld->a, "%s[%zu]", what, i),
		         t, i);
}

/* ------------------------------------------------------------------ */
/* Tables: rules                                                        */
/* ------------------------------------------------------------------ */

/* Where rule messages point and what they call the rule being read. */
typedef struct rule_reader {
	const table_def *t;
	const ynode *node;           /* the rule's mapping */
	const char *what;            /* "tables.表三.rules[0]", for key errors */
	const char *where;           /* "表三: rules[0]", for reference errors */
} rule_reader;

/* Reads one term of an equality rule, "ID", "-ID" or "previous.ID",
 * and checks that ID is a value row (per column) or a column (per row). */
static bool
read_rule_term(loader *ld, const rule_reader *rr, const ynode *node,
               bool per_row, rule_term *term)
{
	const char *text;

	if (!ynode_to_string(node, "a rule term", &text, ld->diag))
		return false;
	term->pos = node->pos;
	if (text[0] == '-') {
		term->negative = true;
		text++;
	}
	if (strncmp(text, "previous.", 9) == 0) {
		term->previous = true;
		text += 9;
	}
	term->id = text;
	return check_sum_id(ld, rr->t, rr->where, per_row, text, node);
}

/* Reads the left or right side of an equality rule, a non-empty list
 * of terms; false when any term is wrong. */
static bool
read_rule_side(loader *ld, const rule_reader *rr, const char *key,
               bool per_row, rule_term **terms, size_t *count)
{
	const ynode *node = ynode_require(rr->node, key, rr->what, ld->diag);
	const char *field = arena_printf(ld->a, "%s.%s", rr->what, key);
	bool ok = true;
	size_t i;

	*count = 0;
	if (node == NULL || !ynode_expect(node, YNODE_SEQUENCE, field, ld->diag))
		return false;
	if (node->count == 0) {
		diag_error(ld->diag, node->pos, "%s must not be empty", field);
		return false;
	}
	if (!within_limit(ld, node, node->count, LAYOUT_MAX_LIST, field))
		return false;
	*terms = arena_calloc(ld->a, node->count, sizeof(**terms));
	for (i = 0; i < node->count; i++)
		ok &= read_rule_term(ld, rr, node->items[i], per_row, &(*terms)[i]);
	*count = node->count;
	return ok;
}

/* True when value row r has every term column of the per-row rule;
 * such rows are the ones the rule runs over unless it lists its rows. */
bool
table_rule_applies_to_row(const table_rule *rule, const value_row *r)
{
	size_t i;

	for (i = 0; i < rule->left_count; i++)
		if (value_col_index(r, rule->left[i].id) < 0)
			return false;
	for (i = 0; i < rule->right_count; i++)
		if (value_col_index(r, rule->right[i].id) < 0)
			return false;
	return true;
}

/* Checks that value row id has column col, reporting it at pos. */
static bool
check_row_has_column(loader *ld, const rule_reader *rr, const char *id,
                     const char *col, source_pos pos)
{
	int r = value_row_index(rr->t, id);

	if (r < 0 || value_col_index(&rr->t->value_rows[r], col) >= 0)
		return r >= 0;
	diag_error(ld->diag, pos, "%s: value row '%s' has no column '%s'",
	           rr->where, id, col);
	return false;
}

/* Checks that every term row of a per-column rule has each column it
 * runs over: the listed ones, or those of its first term row. */
static void
check_rule_columns(loader *ld, const rule_reader *rr, const table_rule *rule)
{
	const value_row *first = &rr->t->value_rows[value_row_index(rr->t,
	                                                 rule->left[0].id)];
	const char *const *cols = rule->only ? rule->only : first->columns;
	size_t count = rule->only ? rule->only_count : first->column_count;
	size_t i, k;

	for (k = 0; k < count; k++) {
		if (cols[k] == NULL)
			continue;               /* reported when it was read */
		for (i = 0; i < rule->left_count; i++)
			check_row_has_column(ld, rr, rule->left[i].id, cols[k],
			                     rule->left[i].pos);
		for (i = 0; i < rule->right_count; i++)
			check_row_has_column(ld, rr, rule->right[i].id, cols[k],
			                     rule->right[i].pos);
	}
}

/* Checks the rows a per-row rule runs over: each listed row has every
 * term column, or else at least one row of the table has them all. */
static void
check_rule_rows(loader *ld, const rule_reader *rr, const table_rule *rule,
                const ynode *only)
{
	size_t r, k;

	for (k = 0; k < rule->only_count; k++) {
		int row = value_row_index(rr->t, rule->only[k]);
		if (row >= 0 && !table_rule_applies_to_row(rule, &rr->t->value_rows[row]))
			diag_error(ld->diag, only->items[k]->pos,
			           "%s: value row '%s' lacks a column of the rule's terms",
			           rr->where, rule->only[k]);
	}
	for (r = 0; rule->only == NULL && r < rr->t->value_row_count; r++)
		if (table_rule_applies_to_row(rule, &rr->t->value_rows[r]))
			return;
	if (rule->only == NULL)
		diag_error(ld->diag, rr->node->pos,
		           "%s: no value row has every column of the rule's terms",
		           rr->where);
}

/* Reads the rows: (per row) or columns: (per column) an equality rule
 * is limited to; each must be declared. */
static const ynode *
read_rule_only(loader *ld, const rule_reader *rr, table_rule *rule)
{
	const char *key = rule->per_row ? "rows" : "columns";
	const char *other = rule->per_row ? "columns" : "rows";
	const ynode *node = ynode_get(rr->node, key);
	size_t i;

	if (ynode_get(rr->node, other) != NULL)
		diag_error(ld->diag, ynode_get_key(rr->node, other)->pos,
		           "%s: a rule for each %s lists %s:, not %s:", rr->where,
		           rule->per_row ? "row" : "column", key, other);
	if (node == NULL)
		return NULL;
	rule->only = read_string_list(ld, node, arena_printf(ld->a, "%s.%s",
	                              rr->what, key), &rule->only_count);
	for (i = 0; rule->only != NULL && i < rule->only_count; i++)
		if (rule->only[i] != NULL)
			check_sum_id(ld, rr->t, rr->where, !rule->per_row,
			             rule->only[i], node->items[i]);
	return node;
}

/* Reads an equality rule: for_each, left and right, and optionally the
 * rows or columns it is limited to. */
static void
load_equal_rule(loader *ld, const rule_reader *rr, table_rule *rule)
{
	const ynode *each = ynode_require(rr->node, "for_each", rr->what, ld->diag);
	const ynode *only;
	bool ok;

	rule->kind = RULE_EQUAL;
	if (each == NULL || !ynode_expect(each, YNODE_SCALAR,
	                                  arena_printf(ld->a, "%s.for_each", rr->what),
	                                  ld->diag))
		return;
	if (strcmp(each->text, "row") != 0 && strcmp(each->text, "column") != 0) {
		diag_error(ld->diag, each->pos, "%s.for_each must be row or column, "
		           "not '%s'", rr->what, each->text);
		return;
	}
	rule->per_row = strcmp(each->text, "row") == 0;
	only = read_rule_only(ld, rr, rule);
	ok = read_rule_side(ld, rr, "left", rule->per_row, &rule->left,
	                    &rule->left_count);
	ok &= read_rule_side(ld, rr, "right", rule->per_row, &rule->right,
	                     &rule->right_count);
	if (!ok)
		return;
	if (rule->per_row)
		check_rule_rows(ld, rr, rule, only);
	else
		check_rule_columns(ld, rr, rule);
}

/* Reads a zero rule: the rows that must be all 0 for an agency whose
 * name ends with one of the listed words. */
static void
load_zero_rule(loader *ld, const rule_reader *rr, table_rule *rule)
{
	const ynode *rows = ynode_get(rr->node, "zero");
	const ynode *suffixes = ynode_require(rr->node, "when_agency_ends_with",
	                                      rr->what, ld->diag);
	size_t i;

	rule->kind = RULE_ZERO;
	rule->zero_rows = read_string_list(ld, rows, arena_printf(ld->a,
	                                   "%s.zero", rr->what), &rule->zero_row_count);
	for (i = 0; rule->zero_rows != NULL && i < rule->zero_row_count; i++)
		if (rule->zero_rows[i] != NULL)
			check_sum_id(ld, rr->t, rr->where, false, rule->zero_rows[i],
			             rows->items[i]);
	if (suffixes != NULL)
		rule->agency_suffixes = read_string_list(ld, suffixes,
			arena_printf(ld->a, "%s.when_agency_ends_with", rr->what),
			&rule->agency_suffix_count);
}

/* Reads a [row id, column id] pair naming a value of the table. */
static bool
read_cell_ref(loader *ld, const rule_reader *rr, const ynode *node,
              cell_ref *ref)
{
	if (!ynode_expect(node, YNODE_SEQUENCE, arena_printf(ld->a, "%s: cell",
	                  rr->where), ld->diag))
		return false;
	if (node->count != 2) {
		diag_error(ld->diag, node->pos, "%s: a cell is [row id, column id], "
		           "not %zu items", rr->where, node->count);
		return false;
	}
	if (!ynode_to_string(node->items[0], "a row id", &ref->row, ld->diag) ||
	    !ynode_to_string(node->items[1], "a column id", &ref->column, ld->diag) ||
	    !check_sum_id(ld, rr->t, rr->where, false, ref->row, node->items[0]))
		return false;
	return check_row_has_column(ld, rr, ref->row, ref->column,
	                            node->items[1]->pos);
}

/* Reads the values a text rule compares with: cell: [row, column], or
 * cells: a list of them, which are added up. */
static void
read_text_rule_cells(loader *ld, const rule_reader *rr, table_rule *rule)
{
	const ynode *one = ynode_get(rr->node, "cell");
	const ynode *many = ynode_get(rr->node, "cells");
	size_t i;

	if ((one == NULL) == (many == NULL)) {
		diag_error(ld->diag, rr->node->pos, "%s needs either cell or cells%s",
		           rr->where, one != NULL ? ", not both" : "");
		return;
	}
	if (one != NULL) {
		rule->cells = arena_calloc(ld->a, 1, sizeof(*rule->cells));
		rule->cell_count = read_cell_ref(ld, rr, one, rule->cells) ? 1 : 0;
		return;
	}
	if (!ynode_expect(many, YNODE_SEQUENCE, arena_printf(ld->a, "%s.cells",
	                  rr->what), ld->diag) || many->count == 0 ||
	    !within_limit(ld, many, many->count, LAYOUT_MAX_LIST,
	                  arena_printf(ld->a, "%s.cells", rr->what)))
		return;
	rule->cells = arena_calloc(ld->a, many->count, sizeof(*rule->cells));
	rule->cell_count = many->count;
	for (i = 0; i < many->count; i++)
		read_cell_ref(ld, rr, many->items[i], &rule->cells[i]);
}

/* Frees a layout's compiled pattern with the layout's arena. */
static void
free_pattern(void *re)
{
	regfree(re);
}

/* Compiles a text rule's pattern once for every report the layout
 * checks (the regex lives outside the arena, which frees it), and
 * returns its number of capture groups (-1 after a message). */
static int
compile_pattern(loader *ld, const rule_reader *rr, const ynode *node,
                table_rule *rule)
{
	regex_t *re = arena_alloc(ld->a, sizeof(*re));
	char message[256];
	int status = regcomp(re, rule->pattern, REG_EXTENDED);

	if (status != 0) {
		regerror(status, re, message, sizeof(message));
		diag_error(ld->diag, node->pos, "%s: pattern: %s", rr->where, message);
		return -1;
	}
	arena_on_destroy(ld->a, free_pattern, re);
	rule->compiled = re;
	rule->literal = layout_pattern_literal(ld->a, rule->pattern);
	return (int)re->re_nsub;
}

/* Where the bracket expression at p ('[') ends: a ']' first in it is
 * one of its characters, and [:alpha:], [.x.], [=x=] hold their own. */
static const char *
skip_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p != '\0' && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *close = strchr(p + 2, p[1]);

			while (close != NULL && close[1] != ']')
				close = strchr(close + 1, p[1]);
			if (close == NULL)
				return p + strlen(p);
			p = close + 2;
			continue;
		}
		p++;
	}
	return *p == ']' ? p + 1 : p;
}

/* Where the group at p ('(') ends, with the groups, brackets and
 * escapes inside it. */
static const char *
skip_group(const char *p)
{
	int depth = 0;

	while (*p != '\0') {
		if (*p == '\\' && p[1] != '\0') {
			p += 2;
		} else if (*p == '[') {
			p = skip_bracket(p);
		} else {
			if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0)
				return p + 1;
			p++;
		}
	}
	return p;
}

/* The length of run[0, length) without its last UTF-8 character: a
 * quantifier after it makes it optional (or repeats it). */
static size_t
without_last_char(const char *run, size_t length)
{
	while (length > 0 && ((unsigned char)run[length - 1] & 0xC0) == 0x80)
		length--;
	return length > 0 ? length - 1 : 0;
}

/* Where scanning goes on after the special character at p; NULL when
 * nothing after it can be relied on. */
static const char *
after_special(const char *p)
{
	switch (*p) {
	case '(':
		return skip_group(p);
	case '[':
		return skip_bracket(p);
	case '\\':
		return p[1] != '\0' ? p + 2 : p + 1;
	case '{':                       /* an interval {2} or {1,3} */
		p += 1 + strspn(p + 1, "0123456789,");
		return *p == '}' ? p + 1 : NULL;
	default:
		return p + 1;
	}
}

/* layout_pattern_literal:
 * Runs of ordinary characters at the top level of the pattern, each
 * cut short before a quantified character; the longest wins.  Groups,
 * brackets, escapes and anchors only end a run, which keeps this
 * right for every pattern, if not always the longest possible. */
const char *
layout_pattern_literal(arena *a, const char *pattern)
{
	const char *p = pattern, *run = pattern, *best = NULL;
	size_t run_length = 0, best_length = 0;

	while (*p != '\0') {
		if (strchr("\\()[]|*+?{}^$.", *p) == NULL) {
			if (run_length == 0)
				run = p;
			run_length++;
			p++;
			continue;
		}
		if (*p == '|')
			return NULL;            /* either side may match alone */
		if (strchr("*+?{", *p) != NULL)
			run_length = without_last_char(run, run_length);
		if (run_length > best_length) {
			best = run;
			best_length = run_length;
		}
		run_length = 0;
		if ((p = after_special(p)) == NULL)
			return NULL;            /* not a pattern we can read */
	}
	if (run_length > best_length) {
		best = run;
		best_length = run_length;
	}
	return best != NULL ? arena_strndup(a, best, best_length) : NULL;
}

/* True when text is a plain non-negative decimal ("0", "1.5"). */
static bool
is_plain_decimal(const char *text)
{
	size_t n = strspn(text, "0123456789");

	if (n == 0)
		return false;
	if (text[n] == '.')
		n += 1 + strspn(text + n + 1, "0123456789");
	return text[n] == '\0' && text[n - 1] != '.';
}

/* Reads which part of a match is the number: group (default 1, a
 * capture group the pattern has) or value, a fixed number the phrase
 * states. */
static void
read_text_rule_number(loader *ld, const rule_reader *rr, table_rule *rule,
                      int groups)
{
	const ynode *group = ynode_get(rr->node, "group");
	const ynode *value = ynode_get(rr->node, "value");
	long number = 1;

	if (group != NULL && value != NULL) {
		diag_error(ld->diag, rr->node->pos, "%s needs group or value, not both",
		           rr->where);
		return;
	}
	if (value != NULL) {
		rule->group = 0;
		if (ynode_to_string(value, "a rule value", &rule->value, ld->diag) &&
		    !is_plain_decimal(rule->value))
			diag_error(ld->diag, value->pos, "%s.value must be a number "
			           "≥ 0, not '%s'", rr->what, rule->value);
		return;
	}
	if (group != NULL && !ynode_to_long(group, 1, 9, arena_printf(ld->a,
	                                    "%s.group", rr->what), &number, ld->diag))
		return;
	rule->group = (int)number;
	if (groups >= 0 && number > groups)
		diag_error(ld->diag, (group ? group : rr->node)->pos,
		           "%s: the pattern has %d capture group%s, not %ld", rr->where,
		           groups, groups == 1 ? "" : "s", number);
}

/* Reads a text rule: a pattern over the paragraphs, the part of it that
 * is the number, and the cells it must equal. */
static void
load_text_rule(loader *ld, const rule_reader *rr, table_rule *rule)
{
	const ynode *pattern = ynode_get(rr->node, "pattern");
	int groups = -1;

	rule->kind = RULE_TEXT;
	if (ynode_to_string(pattern, arena_printf(ld->a, "%s.pattern", rr->what),
	                    &rule->pattern, ld->diag))
		groups = compile_pattern(ld, rr, pattern, rule);
	read_text_rule_number(ld, rr, rule, groups);
	read_text_rule_cells(ld, rr, rule);
}

static const char *const equal_rule_keys[] = {
	"id", "level", "why", "for_each", "rows", "columns", "left", "right", NULL
};
static const char *const zero_rule_keys[] = {
	"id", "level", "why", "zero", "when_agency_ends_with", NULL
};
static const char *const text_rule_keys[] = {
	"id", "level", "why", "pattern", "group", "value", "cell", "cells", NULL
};

/* Reads one rule; its shape follows from its keys: pattern (a text
 * rule), zero (a zero rule), else an equality. */
static void
load_rule(loader *ld, const ynode *node, const char *what, table_def *t,
          size_t index)
{
	table_rule *rule = &t->rules[index];
	rule_reader rr = { t, node, what,
	                   arena_printf(ld->a, "%s: rules[%zu]", t->id, index) };

	rule->pos = node->pos;
	rule->level = DIAG_ERROR;
	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	read_rule_id_and_level(ld, node, what, &rule->id, &rule->level);
	read_optional_string(ld, node, "why", what, &rule->why);
	if (ynode_get(node, "pattern") != NULL) {
		ynode_check_keys(node, text_rule_keys, what, ld->diag);
		load_text_rule(ld, &rr, rule);
	} else if (ynode_get(node, "zero") != NULL) {
		ynode_check_keys(node, zero_rule_keys, what, ld->diag);
		load_zero_rule(ld, &rr, rule);
	} else {
		ynode_check_keys(node, equal_rule_keys, what, ld->diag);
		load_equal_rule(ld, &rr, rule);
	}
}

/* Reads a table's consistency rules (gkreport-layout(5), Rules). */
static void
load_rules(loader *ld, const ynode *node, const char *what, table_def *t)
{
	size_t i;

	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag) ||
	    !within_limit(ld, node, node->count, LAYOUT_MAX_LIST, what))
		return;
	t->rules = arena_calloc(ld->a, node->count + 1, sizeof(*t->rules));
	t->rule_count = node->count;
	for (i = 0; i < node->count; i++)
		load_rule(ld, node->items[i], arena_printf(ld->a, "%s[%zu]", what, i),
		          t, i);
}

/* Reads the outdated keys, a mapping from a row or column key of an
 * older format to what the layout's format has instead. */
static void
load_outdated(loader *ld, const ynode *node, const char *what, table_def *t)
{
	size_t i;

	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag) ||
	    !within_limit(ld, node, node->pair_count, LAYOUT_MAX_LIST, what))
		return;
	t->outdated = arena_calloc(ld->a, node->pair_count + 1, sizeof(*t->outdated));
	t->outdated_count = node->pair_count;
	for (i = 0; i < node->pair_count; i++) {
		outdated_key *o = &t->outdated[i];

		o->key = node->pairs[i].key->text;
		o->pos = node->pairs[i].key->pos;
		ynode_to_string(node->pairs[i].value,
		                arena_printf(ld->a, "%s.%s", what, o->key), &o->instead,
		                ld->diag);
	}
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

/* ------------------------------------------------------------------ */
/* Tables: rows repeated over records                                   */
/* ------------------------------------------------------------------ */

static const char *const repeat_keys[] = {
	"at", "text_fields", "values", "totals", "cells", "sources", NULL
};

/* The report properties a batch can put into a record's text field. */
static const char *const report_properties[] = {
	"agency", "year", "file", "status", NULL
};

/* The index of a record's text field by name, or -1. */
static int
text_field_index(const table_repeat *rp, const char *name)
{
	size_t i;

	for (i = 0; i < rp->text_field_count; i++)
		if (rp->text_fields[i] != NULL && strcmp(rp->text_fields[i], name) == 0)
			return (int)i;
	return -1;
}

/* The index of a record's value row by id, or -1. */
static int
record_row_index(const table_repeat *rp, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < rp->value_row_count; i++)
		if (rp->value_rows[i].id != NULL && strcmp(rp->value_rows[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Reports a record key (text field or value row) used twice, since a
 * record mapping could not say which one it fills. */
static void
check_record_key(loader *ld, const table_repeat *rp, size_t row)
{
	const value_row *r = &rp->value_rows[row];

	if (r->id == NULL)
		return;
	if (record_row_index(rp, r->id) != (int)row ||
	    text_field_index(rp, r->id) >= 0)
		diag_error(ld->diag, r->pos, "repeat: record key '%s' is declared "
		           "twice", r->id);
}

/* Reads a record's value rows: the syntax of values.rows, each row
 * listing its own columns. */
static void
load_record_rows(loader *ld, const ynode *node, const char *what,
                 table_repeat *rp)
{
	default_columns none = { NULL, 0, false };
	size_t i;

	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag) ||
	    !within_limit(ld, node, node->count, LAYOUT_MAX_LIST, what))
		return;
	rp->value_rows = arena_calloc(ld->a, node->count, sizeof(*rp->value_rows));
	rp->value_row_count = node->count;
	for (i = 0; i < node->count; i++)
		load_value_row(ld, node->items[i],
		               arena_printf(ld->a, "%s[%zu]", what, i), &none,
		               &rp->value_rows[i]);
	for (i = 0; i < node->count; i++)
		check_record_key(ld, rp, i);
}

/* Checks that a total row can be the sum of a record row: the same
 * kind, and every column of the total in the record row. */
static void
check_total_row(loader *ld, source_pos pos, const value_row *record,
                const value_row *total)
{
	size_t k;

	if (record->kind != total->kind)
		diag_error(ld->diag, pos, "repeat.totals: '%s' and '%s' hold "
		           "different kinds of values", record->id, total->id);
	for (k = 0; k < total->column_count; k++)
		if (total->columns[k] != NULL &&
		    value_col_index(record, total->columns[k]) < 0)
			diag_error(ld->diag, pos, "repeat.totals: record row '%s' has "
			           "no column '%s' for its total '%s'", record->id,
			           total->columns[k], total->id);
}

/* Reads totals: record row id -> the table's value row that sums it over
 * every record (computed when a description leaves it out). */
static void
load_totals(loader *ld, const ynode *node, const char *what,
            table_repeat *rp, const table_def *t)
{
	size_t i;

	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	rp->totals = arena_calloc(ld->a, rp->value_row_count + 1,
	                          sizeof(*rp->totals));
	for (i = 0; i < node->pair_count; i++) {
		const ypair *p = &node->pairs[i];
		int record = record_row_index(rp, p->key->text), total;
		const char *id;

		if (record < 0) {
			diag_error(ld->diag, p->key->pos, "%s: '%s' is not a record "
			           "row", what, p->key->text);
			continue;
		}
		if (!ynode_to_string(p->value, what, &id, ld->diag))
			continue;
		if ((total = value_row_index(t, id)) < 0) {
			report_unknown(ld, p->value->pos, arena_printf(ld->a,
			               "%s: undeclared value row", what), id,
			               row_id_list(ld, t));
			continue;
		}
		rp->totals[record] = id;
		check_total_row(ld, p->value->pos, &rp->value_rows[record],
		                &t->value_rows[total]);
	}
}

/* Reads one record's cells as a grid of their own (rows from 0), with
 * text fields besides labels and values, and checks it like a table. */
static void
load_template(loader *ld, const ynode *node, const char *what,
              table_repeat *rp, const table_def *t)
{
	table_def one = { 0 };

	one.id = arena_printf(ld->a, "%s (one record)", t->id);
	one.col_count = t->col_count;
	one.value_rows = rp->value_rows;
	one.value_row_count = rp->value_row_count;
	ld->repeat = rp;
	load_cells(ld, node, what, &one);
	ld->repeat = NULL;
	check_grid(ld, &one, node);
	check_bindings(ld, &one);
	rp->cells = one.cells;
	rp->cell_count = one.cell_count;
	rp->row_count = one.row_count;
	if (one.row_count == 0)
		diag_error(ld->diag, node->pos, "%s: a record needs at least one "
		           "cell", what);
}

/* Reads one source cell, [table, row, column] of each report. */
static bool
read_source_cell(loader *ld, const ynode *node, const char *what,
                 source_cell *out)
{
	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag))
		return false;
	if (node->count != 3) {
		diag_error(ld->diag, node->pos, "%s must be [table, row, column], "
		           "not %zu items", what, node->count);
		return false;
	}
	return ynode_to_string(node->items[0], what, &out->table, ld->diag) &&
	       ynode_to_string(node->items[1], what, &out->row, ld->diag) &&
	       ynode_to_string(node->items[2], what, &out->column, ld->diag);
}

/* Reads the source of one value: a list of [table, row, column] cells
 * of each report, added up. */
static void
load_value_source(loader *ld, const ynode *node, const char *what,
                  field_source *fs)
{
	size_t i;

	fs->pos = node->pos;
	if (!ynode_expect(node, YNODE_SEQUENCE, what, ld->diag) ||
	    !within_limit(ld, node, node->count, LAYOUT_MAX_LIST, what))
		return;
	if (node->count == 0)
		diag_error(ld->diag, node->pos, "%s must not be empty", what);
	fs->cells = arena_calloc(ld->a, node->count, sizeof(*fs->cells));
	for (i = 0; i < node->count; i++)
		if (read_source_cell(ld, node->items[i], arena_printf(ld->a,
		                     "%s[%zu]", what, i), &fs->cells[fs->cell_count]))
			fs->cell_count++;
}

/* Reads the sources of one record row: column id -> source cells. */
static void
load_row_sources(loader *ld, const ynode *node, const char *what,
                 const value_row *r, field_source *out)
{
	size_t i;

	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	for (i = 0; i < node->pair_count; i++) {
		const ypair *p = &node->pairs[i];
		int col = value_col_index(r, p->key->text);

		if (col < 0)
			report_unknown(ld, p->key->pos, arena_printf(ld->a, "%s: record "
			               "row '%s' has no column", what, r->id),
			               p->key->text, r->columns);
		else
			load_value_source(ld, p->value, arena_printf(ld->a, "%s.%s",
			                  what, p->key->text), &out[col]);
	}
}

/* Reads a text field's source: a property of each report. */
static void
load_text_source(loader *ld, const ynode *node, const char *what,
                 field_source *fs)
{
	const char *name;
	size_t i;

	fs->pos = node->pos;
	if (!ynode_to_string(node, what, &name, ld->diag))
		return;
	for (i = 0; report_properties[i] != NULL; i++)
		if (strcmp(name, report_properties[i]) == 0) {
			fs->property = report_properties[i];
			return;
		}
	report_unknown(ld, node->pos, arena_printf(ld->a, "%s: unknown report "
	               "property", what), name, report_properties);
}

/* Reads sources: where a batch takes each record field from, keyed like
 * a record (text field, or record row then column). */
static void
load_sources(loader *ld, const ynode *node, const char *what,
             table_repeat *rp)
{
	size_t i;

	rp->text_sources = arena_calloc(ld->a, rp->text_field_count + 1,
	                                sizeof(*rp->text_sources));
	rp->value_sources = arena_calloc(ld->a, rp->value_row_count + 1,
	                                 sizeof(*rp->value_sources));
	for (i = 0; i < rp->value_row_count; i++)
		rp->value_sources[i] = arena_calloc(ld->a,
		    rp->value_rows[i].column_count + 1, sizeof(**rp->value_sources));
	if (node == NULL || !ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	for (i = 0; i < node->pair_count; i++) {
		const ypair *p = &node->pairs[i];
		const char *key = p->key->text;
		const char *sub = arena_printf(ld->a, "%s.%s", what, key);
		int field = text_field_index(rp, key), row = record_row_index(rp, key);

		if (field >= 0)
			load_text_source(ld, p->value, sub, &rp->text_sources[field]);
		else if (row >= 0)
			load_row_sources(ld, p->value, sub, &rp->value_rows[row],
			                 rp->value_sources[row]);
		else
			diag_error(ld->diag, p->key->pos, "%s: '%s' is neither a text "
			           "field nor a record row", what, key);
	}
}

/* Reads where a repeat goes in the grid: a row of the fixed grid
 * (its end included), below the header rows. */
static void
read_repeat_at(loader *ld, const ynode *node, const char *what,
               table_repeat *rp, const table_def *t)
{
	const ynode *at = ynode_require(node, "at", what, ld->diag);
	long row;

	if (at == NULL || !ynode_to_long(at, 0, t->row_count, arena_printf(ld->a,
	                                 "%s.at", what), &row, ld->diag))
		return;
	rp->at = (int)row;
	if (rp->at < t->header_rows)
		diag_error(ld->diag, at->pos, "%s.at is %d, inside the %d header "
		           "rows", what, rp->at, t->header_rows);
}

/* Refuses a table value row named like the records key, which a
 * description could not tell apart from its records. */
static void
check_records_key_free(loader *ld, const table_def *t)
{
	int r = value_row_index(t, TABLE_RECORDS_KEY);

	if (r >= 0)
		diag_error(ld->diag, t->value_rows[r].pos, "%s: a table with a "
		           "repeat cannot have a value row named '%s'", t->id,
		           TABLE_RECORDS_KEY);
}

/* Reads a table's repeat: where the records' rows go, what a record
 * holds, its cells, its totals and where a batch takes its fields from. */
static void
load_repeat(loader *ld, const ynode *node, const char *what, table_def *t)
{
	table_repeat *rp = arena_alloc(ld->a, sizeof(*rp));
	const ynode *part;

	rp->pos = node->pos;
	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return;
	ynode_check_keys(node, repeat_keys, what, ld->diag);
	read_repeat_at(ld, node, what, rp, t);
	if ((part = ynode_get(node, "text_fields")) != NULL)
		rp->text_fields = read_string_list(ld, part, arena_printf(ld->a,
		                  "%s.text_fields", what), &rp->text_field_count);
	if ((part = ynode_get(node, "values")) != NULL)
		load_record_rows(ld, part, arena_printf(ld->a, "%s.values", what), rp);
	if ((part = ynode_get(node, "totals")) != NULL)
		load_totals(ld, part, arena_printf(ld->a, "%s.totals", what), rp, t);
	if ((part = ynode_require(node, "cells", what, ld->diag)) != NULL)
		load_template(ld, part, arena_printf(ld->a, "%s.cells", what), rp, t);
	load_sources(ld, ynode_get(node, "sources"),
	             arena_printf(ld->a, "%s.sources", what), rp);
	check_records_key_free(ld, t);
	t->repeat = rp;
}

static const char *const table_keys[] = {
	"font", "size", "padding", "inner_rule", "outer_rule", "header_rows",
	"columns", "note", "caption", "orientation", "values", "sums", "cells",
	"rules", "value_rule", "structure_rule", "outdated", "repeat", NULL
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
	if ((part = ynode_get(node, "rules")) != NULL && t->value_row_count > 0)
		load_rules(ld, part, arena_printf(ld->a, "%s.rules", what), t);
	if ((part = ynode_get(node, "outdated")) != NULL)
		load_outdated(ld, part, arena_printf(ld->a, "%s.outdated", what), t);
	read_optional_string(ld, node, "value_rule", what, &t->value_rule);
	read_optional_string(ld, node, "structure_rule", what, &t->structure_rule);
	if ((part = ynode_require(node, "cells", what, ld->diag)) == NULL)
		return;
	load_cells(ld, part, arena_printf(ld->a, "%s.cells", what), t);
	check_grid(ld, t, part);
	check_bindings(ld, t);
	check_header_rows(ld, t, node);
	if ((part = ynode_get(node, "repeat")) != NULL)
		load_repeat(ld, part, arena_printf(ld->a, "%s.repeat", what), t);
}

/* Reads every table, keyed by the id descriptions and chapters use. */
static void
load_tables(loader *ld, const ynode *node)
{
	layout *l = ld->l;
	size_t i;

	if (!ynode_expect(node, YNODE_MAPPING, "tables", ld->diag) ||
	    !within_limit(ld, node, node->pair_count, LAYOUT_MAX_LIST, "tables"))
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

	if (!ynode_expect(node, YNODE_SEQUENCE, "chapters", ld->diag) ||
	    !within_limit(ld, node, node->count, LAYOUT_MAX_LIST, "chapters"))
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
	"subheading_numbers", "chapters", "tables", "chapter_rule",
	"outdated_format", NULL
};

/* Loads the sections in dependency order: fonts before what uses them,
 * tables before the chapters that name them. */
static void
load_sections(loader *ld, const ynode *root)
{
	const ynode *node;

	ynode_check_keys(root, layout_keys, "layout", ld->diag);
	ld->l->name = read_string(ld, root, "name", "layout");
	read_optional_string(ld, root, "chapter_rule", "layout", &ld->l->chapter_rule);
	read_optional_string(ld, root, "outdated_format", "layout",
	                     &ld->l->outdated_format);
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
/* Parses and checks the layout in data (size bytes, which must live as
 * long as a); positions name path. */
static const layout *
layout_from_source(arena *a, const char *data, size_t size, const char *path,
                   diag_sink *diag)
{
	int reported = diag->errors + diag->warnings + diag->notes;
	bool cached = false;
	const ynode *root = yaml_tree_load_buffer_cached(a, path, data, size,
	                                                 &cached, diag);
	loader ld = { a, diag, NULL, NULL, NULL, NULL };
	int errors_before = diag->errors;

	if (root == NULL || !ynode_expect(root, YNODE_MAPPING, "layout", diag))
		return NULL;
	ld.l = arena_alloc(a, sizeof(*ld.l));
	ld.l->path = arena_strdup(a, path);
	ld.l->source = (const unsigned char *)data;
	ld.l->source_size = size;
	load_sections(&ld, root);
	if (diag->errors > errors_before)
		return NULL;
	/* only a layout that loaded without a word is kept (yaml_tree.h) */
	if (!cached && diag->errors + diag->warnings + diag->notes == reported)
		yaml_tree_cache_save(a, root, data, size);
	return ld.l;
}

/* Loads a layout from memory (tests, embedded layouts); positions name
 * display_name. */
const layout *
layout_load_buffer(arena *a, const char *display_name, const char *data,
                   size_t size, diag_sink *diag)
{
	char *copy = arena_alloc(a, size + 1);

	memcpy(copy, data, size);
	return layout_from_source(a, copy, size, display_name, diag);
}

/* Loads a layout file; NULL after reporting every problem found, never
 * a partly checked layout. */
const layout *
layout_load_file(arena *a, const char *path, diag_sink *diag)
{
	size_t size = 0;
	char *data = yaml_tree_read_file(a, path, &size, diag);

	return data != NULL ? layout_from_source(a, data, size, path, diag)
	                    : NULL;
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

/* The layout names of every search folder, sorted, without repeats,
 * NULL-terminated. */
static const char **
list_all_names(arena *a, const char *const *dirs, size_t dir_count,
               size_t *count)
{
	const char **all = arena_calloc(a, 1, sizeof(*all));
	size_t i, k, n = 0;

	for (i = 0; i < dir_count; i++) {
		size_t m;
		const char **names = list_layouts(a, dirs[i], &m);

		all = arena_grow(a, all, n, n + m + 1, sizeof(*all));
		memcpy(all + n, names, m * sizeof(*names));
		n += m;
	}
	qsort(all, n, sizeof(*all), compare_names);
	for (i = k = 0; i < n; i++)
		if (k == 0 || strcmp(all[k - 1], all[i]) != 0)
			all[k++] = all[i];
	all[k] = NULL;
	*count = k;
	return all;
}

/* Reports a layout name found in no search folder, listing those that
 * are there. */
static void
report_unknown_layout(arena *a, const char *name, const char *data_dir,
                      source_pos where, diag_sink *diag)
{
	const char *dirs[LAYOUT_SEARCH_DIRS];
	size_t dir_count = layout_search_dirs(a, data_dir, dirs), count;
	const char **names = list_all_names(a, dirs, dir_count, &count);
	const char *hint = ynode_suggest(name, names);

	if (count == 0)
		diag_error(diag, where, "unknown layout '%s' (%s has no layouts)",
		           name, join_names(a, dirs, dir_count));
	else if (hint != NULL)
		diag_error(diag, where, "unknown layout '%s' (did you mean '%s'?); "
		           "available layouts: %s", name, hint, join_names(a, names, count));
	else
		diag_error(diag, where, "unknown layout '%s'; available layouts: %s",
		           name, join_names(a, names, count));
}

/* True when path names a file a layout can be read from: a regular
 * file or a pipe.  Otherwise *why says what it is, for a message at the
 * description's layout: line rather than at the path. */
static bool
is_layout_file(const char *path, const char **why)
{
	struct stat st;

	*why = NULL;
	if (stat(path, &st) != 0 || S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))
		return true;
	*why = S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file";
	return false;
}

/* True when dir is the same folder as one of the first n of dirs (run
 * from the checkout, ./layouts is DATA_DIR's). */
static bool
same_folder_listed(const char *const *dirs, size_t n, const char *dir)
{
	struct stat st, other;

	if (stat(dir, &st) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (stat(dirs[i], &other) == 0 && other.st_dev == st.st_dev &&
		    other.st_ino == st.st_ino)
			return true;
	return false;
}

/* Lists ./layouts, the user's data folder and DATA_DIR's, the order a
 * name is looked up in: the clerk's own first, the installed last. */
size_t
layout_search_dirs(arena *a, const char *data_dir,
                   const char *dirs[LAYOUT_SEARCH_DIRS])
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	const char *candidates[LAYOUT_SEARCH_DIRS];
	size_t n = 0, k = 0;

	candidates[n++] = "layouts";
	if (xdg != NULL && xdg[0] == '/')
		candidates[n++] = arena_printf(a, "%s/gkreport/layouts", xdg);
	else if (home != NULL && home[0] == '/')
		candidates[n++] = arena_printf(a, "%s/.local/share/gkreport/layouts",
		                               home);
	candidates[n++] = arena_printf(a, "%s/layouts",
	                               data_dir != NULL ? data_dir : ".");
	for (size_t i = 0; i < n; i++)
		if (!same_folder_listed(dirs, k, candidates[i]))
			dirs[k++] = candidates[i];
	return k;
}

/* NAME.yaml in the first search folder that has it, or NULL. */
static const char *
find_named_layout(arena *a, const char *name, const char *data_dir)
{
	const char *dirs[LAYOUT_SEARCH_DIRS];
	size_t n = layout_search_dirs(a, data_dir, dirs), i;

	if (name[0] == '\0' || strchr(name, '/') != NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *path = arena_printf(a, "%s/%s.yaml", dirs[i], name);

		if (access(path, R_OK) == 0)
			return path;
	}
	return NULL;
}

/* Resolves a description's layout reference to the file to load: a
 * path as given (relative to base_dir), or a name in the search
 * folders; NULL after saying why there is none. */
const char *
layout_resolve_path(arena *a, const char *name, const char *data_dir,
                    const char *base_dir, source_pos where, diag_sink *diag)
{
	const char *path, *why = NULL;

	if (is_layout_path(name)) {
		path = name[0] == '/' || base_dir == NULL || base_dir[0] == '\0' ||
		       strcmp(base_dir, ".") == 0
		       ? name : arena_printf(a, "%s/%s", base_dir, name);
		if (access(path, R_OK) != 0 || !is_layout_file(path, &why)) {
			diag_error(diag, where, "cannot open layout '%s': %s", path,
			           why != NULL ? why : strerror(errno));
			return NULL;
		}
		return path;
	}
	path = find_named_layout(a, name, data_dir);
	if (path == NULL)
		report_unknown_layout(a, name, data_dir, where, diag);
	return path;
}

/* Resolves a description's layout reference to a file and loads it;
 * an unknown name lists the layouts there are. */
const layout *
layout_load_named(arena *a, const char *name, const char *data_dir,
                  const char *base_dir, source_pos where, diag_sink *diag)
{
	const char *path = layout_resolve_path(a, name, data_dir, base_dir,
	                                       where, diag);

	return path != NULL ? layout_load_file(a, path, diag) : NULL;
}

/* The first comment line of a layout file that says something (not a
 * rule of dashes), without its '#', or "". */
static const char *
layout_summary(arena *a, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	const char *out = "";

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char *p = line + strspn(line, " \t");

		if (*p != '#')
			break;
		p += strspn(p, "# \t");
		p[strcspn(p, "\r\n")] = '\0';
		if (*p != '\0') {
			out = arena_strdup(a, p);
			break;
		}
	}
	if (f != NULL)
		fclose(f);
	return out;
}

/* True when an earlier entry has name: a layout of an earlier folder
 * hides it. */
static bool
name_listed(const layout_entry *entries, size_t count, const char *name)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strcmp(entries[i].name, name) == 0)
			return true;
	return false;
}

/* Lists every layout of the search folders with the first line of its
 * comments, marking those an earlier folder's layout of that name hides. */
layout_entry *
layout_list_all(arena *a, const char *data_dir, size_t *count)
{
	const char *dirs[LAYOUT_SEARCH_DIRS];
	size_t dir_count = layout_search_dirs(a, data_dir, dirs), i, k;
	layout_entry *out = NULL;

	*count = 0;
	for (i = 0; i < dir_count; i++) {
		size_t m;
		const char **names = list_layouts(a, dirs[i], &m);

		out = arena_grow(a, out, *count, *count + m + 1, sizeof(*out));
		for (k = 0; k < m; k++) {
			layout_entry *e = &out[*count];

			e->name = names[k];
			e->path = arena_printf(a, "%s/%s.yaml", dirs[i], names[k]);
			e->summary = layout_summary(a, e->path);
			e->shadowed = name_listed(out, *count, names[k]);
			++*count;
		}
	}
	return out;
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

/* The index of a value row by id, or -1 (also for a NULL id, an entry
 * that failed to load), for resolving a description's row keys. */
int
value_row_index(const table_def *t, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < t->value_row_count; i++)
		if (t->value_rows[i].id != NULL && strcmp(t->value_rows[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* The index of a column id within a value row, or -1 (also for a NULL
 * id, an entry that failed to load). */
int
value_col_index(const value_row *r, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < r->column_count; i++)
		if (r->columns[i] != NULL && strcmp(r->columns[i], id) == 0)
			return (int)i;
	return -1;
}

/* A value row's name for messages: the short name the layout gives it,
 * else its id. */
const char *
value_row_name(const value_row *r)
{
	return r->name != NULL ? r->name : r->id;
}

/* What the format has instead of an outdated key of t, or NULL when the
 * key is not an outdated one. */
const char *
layout_outdated_key(const table_def *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->outdated_count; i++)
		if (t->outdated[i].key != NULL && strcmp(t->outdated[i].key, key) == 0)
			return t->outdated[i].instead != NULL ? t->outdated[i].instead : "";
	return NULL;
}
