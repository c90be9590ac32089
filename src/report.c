/*
 * report.c - a description (YAML or JSON) checked against its layout and
 * turned into the report tree of report.h.
 *
 * The loader keeps going after an error wherever the rest of the file
 * still makes sense, so a clerk sees every problem in one run; whatever
 * it could not check because an earlier part was broken it skips quietly.
 */
#include "report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "layout_cache.h"
#include "linebreak.h"
#include "table_repeat.h"
#include "utf8.h"
#include "yaml_tree.h"

#define MAX_COUNT_DIGITS 15          /* still exact in a double */
#define MAX_AMOUNT_DECIMALS 4

/* The state of one load: where memory and messages go, the layout once
 * known, and the blocks built so far. */
typedef struct loader {
	arena *a;
	diag_sink *diag;
	const layout *layout;
	layout_cache *layouts;       /* shared layouts, or NULL: load into a */
	report *rep;
	block *blocks;
	size_t block_count;
	size_t block_capacity;
	bool too_many_blocks;        /* REPORT_MAX_BLOCKS reached and reported */
} loader;

static const char *const top_level_keys[] = {
	"layout", "agency", "year", "title", "preface", "chapters", "signoff",
	NULL
};

static const char *const signoff_keys[] = { "agency", "date", NULL };

static const char *const chapter_item_keys[] = { "heading", "table", "note",
                                                  NULL };

/* ---- small helpers ---------------------------------------------------- */

/* The directory part of path ("." when it has none), so a layout given
 * as a relative path is found next to the description that names it. */
static const char *
directory_of(arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return ".";
	if (slash == path)
		return "/";
	return arena_strndup(a, path, (size_t)(slash - path));
}

/* "st", "nd", "rd" or "th" for n, so messages can say "the 2nd
 * sub-heading" the way a reader counts. */
static const char *
ordinal_suffix(size_t n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	switch (n % 10) {
	case 1:
		return "st";
	case 2:
		return "nd";
	case 3:
		return "rd";
	default:
		return "th";
	}
}

/* Appends a block of kind at pos and returns it zeroed but for kind,
 * chapter and pos; the array grows geometrically in the arena.  Past
 * REPORT_MAX_BLOCKS it reports once and hands out a block of its own,
 * so callers need no check and the load fails. */
static block *
push_block(loader *ld, block_kind kind, int chapter, source_pos pos)
{
	block *b;

	if (ld->block_count >= REPORT_MAX_BLOCKS) {
		if (!ld->too_many_blocks)
			diag_error(ld->diag, pos, "more than %d blocks (paragraphs, "
			           "headings, notes and tables); a description may "
			           "have at most %d", REPORT_MAX_BLOCKS,
			           REPORT_MAX_BLOCKS);
		ld->too_many_blocks = true;
		return arena_alloc(ld->a, sizeof(*b));
	}
	if (ld->block_count == ld->block_capacity) {
		size_t grown = ld->block_capacity ? 2 * ld->block_capacity : 32;

		ld->blocks = arena_grow(ld->a, ld->blocks, ld->block_count,
		                        grown, sizeof(*ld->blocks));
		ld->block_capacity = grown;
	}
	b = &ld->blocks[ld->block_count++];
	b->kind = kind;
	b->chapter = chapter;
	b->pos = pos;
	return b;
}

/* A NULL-terminated copy of strings, the shape ynode_check_keys wants
 * (layout arrays carry a count instead). */
static const char **
null_terminated(arena *a, const char *const *strings, size_t count)
{
	const char **list = arena_calloc(a, count + 1, sizeof(*list));

	if (count > 0)
		memcpy(list, strings, count * sizeof(*list));
	return list;
}

/* strings joined with ", ", for messages that list what was expected. */
static const char *
join_list(arena *a, const char *const *strings, size_t count)
{
	const char *joined = "";
	size_t i;

	for (i = 0; i < count; i++)
		joined = arena_printf(a, "%s%s%s", joined, i ? ", " : "",
		                      strings[i]);
	return joined;
}

/* What a diagnostic about table t is about: the rule, the table, and
 * the row and column when known. */
static diag_context
table_context(const char *rule, const table_def *t, const char *row,
              const char *column)
{
	diag_context ctx = { rule, t->id, row, column };

	return ctx;
}

/* Reports key, one the layout's format does not have, as outdated when
 * an older format had it (F-1), else as unknown with a hint. */
static void
report_unexpected_key(loader *ld, const ynode *key, const char *const *allowed,
                      const char *what, const table_def *t, const char *prefix,
                      const diag_context *ctx)
{
	const char *instead = t != NULL ? layout_outdated_key(t, key->text) : NULL;
	const char *hint;

	if (instead != NULL) {
		diag_report_ctx(ld->diag, DIAG_ERROR, key->pos, ctx,
		                "%s: '%s' is from the %s; %s", prefix, key->text,
		                ld->layout->outdated_format != NULL ?
		                ld->layout->outdated_format : "an older format",
		                instead);
	} else if ((hint = ynode_suggest(key->text, allowed)) != NULL) {
		diag_report_ctx(ld->diag, DIAG_ERROR, key->pos, ctx,
		                "unknown key '%s' in %s (did you mean '%s'?)",
		                key->text, what, hint);
	} else {
		diag_report_ctx(ld->diag, DIAG_ERROR, key->pos, ctx,
		                "unknown key '%s' in %s", key->text, what);
	}
}

/* Reports every key of mapping not in allowed (NULL-terminated) with
 * ctx: as outdated when t (may be NULL) lists it so, else unknown with a
 * hint; ynode_check_keys with a rule id.  prefix starts an outdated-key
 * message ("表二", "表二 row 规章"). */
static void
check_keys_ctx(loader *ld, const ynode *mapping, const char *const *allowed,
               const char *what, const table_def *t, const char *prefix,
               const diag_context *ctx)
{
	size_t i, k;

	for (i = 0; i < mapping->pair_count; i++) {
		const ynode *key = mapping->pairs[i].key;

		for (k = 0; allowed[k] != NULL && strcmp(allowed[k], key->text) != 0; k++)
			continue;
		if (allowed[k] == NULL)
			report_unexpected_key(ld, key, allowed, what, t, prefix, ctx);
	}
}

/* Reports text longer than REPORT_MAX_TEXT_CHARS characters; false
 * when it is. */
static bool
text_within_limit(loader *ld, const ynode *node, const char *what,
                  const char *text)
{
	size_t chars = utf8_length(text, strlen(text));

	if (chars <= REPORT_MAX_TEXT_CHARS)
		return true;
	diag_error(ld->diag, node->pos, "%s is %zu characters long; at most %d "
	           "are allowed (split it into paragraphs)", what, chars,
	           REPORT_MAX_TEXT_CHARS);
	return false;
}

/* The text of a scalar with the word processor's spaces removed; NULL
 * after an error when node is not a scalar, holds no text or too much.
 * A plain number (`- 2024`) is text like any other. */
static const char *
normalized_text(loader *ld, const ynode *node, const char *what)
{
	const char *text;

	if (!ynode_expect(node, YNODE_SCALAR, what, ld->diag))
		return NULL;
	text = lb_normalize_spaces(ld->a, node->text);
	if (text[0] == '\0') {
		diag_error(ld->diag, node->pos, "%s must not be empty", what);
		return NULL;
	}
	return text_within_limit(ld, node, what, text) ? text : NULL;
}

/* ---- paragraphs and sub-headings -------------------------------------- */

/* Adds a paragraph block from a scalar node. */
static void
load_paragraph(loader *ld, const ynode *node, int chapter)
{
	const char *text = normalized_text(ld, node, "a paragraph");

	if (text != NULL)
		push_block(ld, BLOCK_PARAGRAPH, chapter, node->pos)->text = text;
}

/* Adds a note block ("注：……") from a scalar node; its text is
 * normalised like a paragraph's, only its style differs. */
static void
load_note(loader *ld, const ynode *node, int chapter)
{
	const char *text = normalized_text(ld, node, "a note");

	if (text != NULL)
		push_block(ld, BLOCK_NOTE, chapter, node->pos)->text = text;
}

/* Bytes of the UTF-8 sequence at s when it is one of the two given
 * characters (ASCII and full-width forms of a parenthesis), else 0. */
static size_t
paren_length(const char *s, const char *ascii, const char *full_width)
{
	size_t n = strlen(full_width);

	if (s[0] == ascii[0])
		return 1;
	return strncmp(s, full_width, n) == 0 ? n : 0;
}

/* True for the characters a sub-heading number is written with: Chinese
 * numerals and ASCII digits. */
static bool
is_numeral(uint32_t cp)
{
	static const char numerals[] = "一二三四五六七八九十百零〇";
	char encoded[5] = { 0 };

	if (cp >= '0' && cp <= '9')
		return true;
	if (cp < 0x80 || utf8_encode(cp, encoded) == 0)
		return false;
	return strstr(numerals, encoded) != NULL;
}

/* Recognizes a typed number "（二）", "(二)" or "(二) " at the start of
 * text.  Returns the bytes it takes (trailing spaces included), 0 when
 * text does not start with one; *numeral receives the digits. */
static size_t
typed_number_length(arena *a, const char *text, const char **numeral)
{
	size_t open = paren_length(text, "(", "（");
	size_t i = open, close, length = strlen(text);
	uint32_t cp;
	size_t n;

	if (open == 0)
		return 0;
	while ((n = utf8_decode(text + i, length - i, &cp)) > 0 &&
	       is_numeral(cp))
		i += n;
	if (i == open || (close = paren_length(text + i, ")", "）")) == 0)
		return 0;
	*numeral = arena_strndup(a, text + open, i - open);
	i += close;
	while (text[i] == ' ' || strncmp(text + i, "\u3000", 3) == 0)
		i += text[i] == ' ' ? 1 : 3;
	return i;
}

/* The numeral inside a layout's sub-heading number ("二" of "（二）"),
 * or the whole number when it has no parentheses. */
static const char *
canonical_numeral(arena *a, const char *number)
{
	const char *numeral = number;

	if (typed_number_length(a, number, &numeral) == 0)
		return number;
	return numeral;
}

/* The text of the index-th sub-heading of chapter ch without a number
 * the clerk typed, or NULL after an error: a wrong number or no text. */
static const char *
subheading_text(loader *ld, const ynode *node, int ch, size_t index)
{
	const char *expected = ld->layout->subheading_numbers[index];
	const char *numeral = NULL, *text;
	size_t typed = typed_number_length(ld->a, node->text, &numeral);

	if (typed > 0 &&
	    strcmp(numeral, canonical_numeral(ld->a, expected)) != 0) {
		diag_error(ld->diag, node->pos,
		           "sub-heading numbered （%s） but it is the %zu%s "
		           "sub-heading of %s; expected %s", numeral, index + 1,
		           ordinal_suffix(index + 1), ld->layout->chapters[ch].id,
		           expected);
		return NULL;
	}
	text = lb_normalize_spaces(ld->a, node->text + typed);
	if (text[0] == '\0') {
		diag_error(ld->diag, node->pos, "a sub-heading must not be empty");
		return NULL;
	}
	return text_within_limit(ld, node, "a sub-heading", text) ? text : NULL;
}

/* Adds the index-th (0-based) sub-heading of chapter ch, numbered from
 * the layout whatever number the clerk typed. */
static void
load_subheading(loader *ld, const ynode *node, int ch, size_t index)
{
	const layout *l = ld->layout;
	const char *text;
	block *b;

	if (!ynode_expect(node, YNODE_SCALAR, "a sub-heading", ld->diag))
		return;
	if (index >= l->subheading_number_count) {
		diag_error(ld->diag, node->pos,
		           "%s has more sub-headings than layout %s numbers (%zu)",
		           l->chapters[ch].id, l->name, l->subheading_number_count);
		return;
	}
	if ((text = subheading_text(ld, node, ch, index)) == NULL)
		return;
	b = push_block(ld, BLOCK_HEADING, ch, node->pos);
	b->level = 2;
	b->text = arena_printf(ld->a, "%s%s", l->subheading_numbers[index], text);
}

/* ---- table cells ------------------------------------------------------ */

/* Where a cell's messages point and what they call it. */
typedef struct cell_context {
	const char *name;            /* "表三 row 本年新收, column 自然人" */
	value_kind kind;
	diag_context ctx;            /* the table's value rule, table, row, column */
} cell_context;

/* Length of the run of ASCII digits at s. */
static size_t
digit_run(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* Length of the number at the start of text in the form kind allows
 * (digits, and for amounts up to 4 decimals), or 0 when there is none. */
static size_t
leading_number_length(const char *text, value_kind kind)
{
	size_t whole = digit_run(text), decimals;

	if (whole == 0 || whole > MAX_COUNT_DIGITS)
		return 0;
	if (kind == VALUE_COUNT || text[whole] != '.')
		return whole;
	decimals = digit_run(text + whole + 1);
	if (decimals == 0 || decimals > MAX_AMOUNT_DECIMALS)
		return 0;
	return whole + 1 + decimals;
}

/* What follows a cell's number past any spaces: "" for none, else a
 * note opening with a parenthesis; NULL when it is anything else. */
static const char *
note_of(const char *rest)
{
	while (*rest == ' ')
		rest++;
	if (*rest == '\0' || paren_length(rest, "(", "（") > 0)
		return rest;
	return NULL;
}

/* True for a YAML null: nothing after the colon, "~" or "null". */
static bool
is_empty_value(const ynode *node)
{
	return node->kind == YNODE_SCALAR && node->plain &&
	       (node->length == 0 || strcmp(node->text, "~") == 0 ||
	        strcmp(node->text, "null") == 0);
}

/* Reports a cell that is not a number of its kind, saying what is wrong
 * with it in the clerk's terms: empty, too long, or not a number. */
static void
report_bad_cell(loader *ld, const ynode *node, const cell_context *cx)
{
	const char *got = node->kind == YNODE_SCALAR ?
		arena_printf(ld->a, "'%s'", node->text) :
		arena_printf(ld->a, "a %s", ynode_kind_name(node->kind));
	diag_sink *diag = ld->diag;

	if (is_empty_value(node))
		diag_report_ctx(diag, DIAG_ERROR, node->pos, &cx->ctx,
		                "%s: no value given; write 0 when there is nothing "
		                "to report", cx->name);
	else if (node->kind == YNODE_SCALAR &&
	         digit_run(node->text) > MAX_COUNT_DIGITS)
		diag_report_ctx(diag, DIAG_ERROR, node->pos, &cx->ctx,
		                "%s: %s is too large (at most %d digits before the "
		                "decimal point)", cx->name, got, MAX_COUNT_DIGITS);
	else if (cx->kind == VALUE_AMOUNT)
		diag_report_ctx(diag, DIAG_ERROR, node->pos, &cx->ctx,
		                "%s: expected an amount ≥ 0 with at most %d decimals, "
		                "got %s", cx->name, MAX_AMOUNT_DECIMALS, got);
	else
		diag_report_ctx(diag, DIAG_ERROR, node->pos, &cx->ctx,
		                "%s: expected a whole number ≥ 0, got %s", cx->name,
		                got);
}

/* Fills cell from node: a number, or a number followed by a note such
 * as "22（其中修订 16 件）"; the text stays exactly as typed. */
static void
load_cell(loader *ld, const ynode *node, const cell_context *cx,
          cell_value *cell)
{
	const char *note;
	size_t n;

	if (node->kind != YNODE_SCALAR ||
	    (n = leading_number_length(node->text, cx->kind)) == 0 ||
	    (note = note_of(node->text + n)) == NULL) {
		report_bad_cell(ld, node, cx);
		return;
	}
	cell->present = true;
	cell->text = node->text;
	cell->number = strtod(arena_strndup(ld->a, node->text, n), NULL);
	cell->has_note = note[0] != '\0';
	cell->pos = node->pos;
}

/* ---- table rows ------------------------------------------------------- */

/* Where a row's messages point and what they call it. */
typedef struct row_context {
	const table_def *table;
	const value_row *row;
	size_t row_index;            /* into table->value_rows */
	const char *name;            /* "表三 row 本年新收" */
	cell_value *cells;           /* row->column_count entries */
} row_context;

/* Loads column col of a row from node. */
static void
load_row_cell(loader *ld, const row_context *rx, size_t col,
              const ynode *node)
{
	cell_context cx;

	cx.name = arena_printf(ld->a, "%s, column %s", rx->name,
	                       rx->row->columns[col]);
	cx.kind = rx->row->kind;
	cx.ctx = table_context(rx->table->value_rule, rx->table, rx->row->id,
	                       rx->row->columns[col]);
	load_cell(ld, node, &cx, &rx->cells[col]);
}

/* True when a list for this row may skip column col: the target of a
 * column sum, computed from the row's other values. */
static bool
skippable_column(const row_context *rx, size_t col)
{
	return derive_is_column_target(rx->table, rx->row_index, col);
}

/* The ids of the columns a list for this row may skip, and their
 * number. */
static const char **
skippable_columns(arena *a, const row_context *rx, size_t *count)
{
	const char **ids = arena_calloc(a, rx->row->column_count + 1,
	                                sizeof(*ids));
	size_t col;

	*count = 0;
	for (col = 0; col < rx->row->column_count; col++)
		if (skippable_column(rx, col))
			ids[(*count)++] = rx->row->columns[col];
	return ids;
}

/* Reports a row given as a list (or a scalar) with the wrong number of
 * values, listing the columns it needs in order and, when some are
 * derived, the shorter count accepted without them. */
static void
report_value_count(loader *ld, const row_context *rx, const ynode *node,
                   size_t given)
{
	size_t want = rx->row->column_count, skippable;
	const char **derived = skippable_columns(ld->a, rx, &skippable);
	const char *columns = join_list(ld->a, rx->row->columns, want);
	diag_context ctx = table_context(rx->table->structure_rule, rx->table,
	                                 rx->row->id, NULL);

	if (skippable == 0)
		diag_report_ctx(ld->diag, DIAG_ERROR, node->pos, &ctx,
		                "%s: %zu value%s given, %zu column%s expected (%s)",
		                rx->name, given, given == 1 ? "" : "s", want,
		                want == 1 ? "" : "s", columns);
	else
		diag_report_ctx(ld->diag, DIAG_ERROR, node->pos, &ctx,
		                "%s: %zu value%s given; %zu column%s expected (%s), "
		                "or %zu without the derived %s", rx->name, given,
		                given == 1 ? "" : "s", want, want == 1 ? "" : "s",
		                columns, want - skippable,
		                join_list(ld->a, derived, skippable));
}

/* A row as values in the layout's column order: one per column, or one
 * per column that is not a derived one. */
static void
load_row_values(loader *ld, const row_context *rx, const ynode *node,
                const ynode *const *items, size_t count)
{
	size_t want = rx->row->column_count, skippable, col, item = 0;
	bool all = count == want;

	skippable_columns(ld->a, rx, &skippable);
	if (!all && (skippable == 0 || count != want - skippable)) {
		report_value_count(ld, rx, node, count);
		return;
	}
	for (col = 0; col < want; col++)
		if (all || !skippable_column(rx, col))
			load_row_cell(ld, rx, col, items[item++]);
}

/* A row as a mapping by column id; every column must be there but those
 * a sum computes. */
static void
load_row_mapping(loader *ld, const row_context *rx, const ynode *node)
{
	const value_row *row = rx->row;
	const char **allowed = null_terminated(ld->a, row->columns,
	                                       row->column_count);

	const char *missing = "";
	size_t col, count = 0;
	diag_context ctx = table_context(rx->table->structure_rule, rx->table,
	                                 row->id, NULL);

	check_keys_ctx(ld, node, allowed, rx->name, rx->table, rx->name, &ctx);
	for (col = 0; col < row->column_count; col++) {
		const ynode *value = ynode_get(node, row->columns[col]);

		if (value != NULL)
			load_row_cell(ld, rx, col, value);
		else if (!derive_is_target(rx->table, rx->row_index, col))
			missing = arena_printf(ld->a, "%s%s'%s'", missing,
			                       count++ ? ", " : "", row->columns[col]);
	}
	if (count > 0)
		diag_report_ctx(ld->diag, DIAG_ERROR, node->pos, &ctx,
		                "%s: missing column%s %s", rx->name,
		                count == 1 ? "" : "s", missing);
}

/* Loads one value row in any of its three forms; a scalar is a list of
 * one value. */
static void
load_row(loader *ld, const row_context *rx, const ynode *node)
{
	switch (node->kind) {
	case YNODE_SCALAR:
		load_row_values(ld, rx, node, &node, 1);
		break;
	case YNODE_SEQUENCE:
		load_row_values(ld, rx, node, node->items, node->count);
		break;
	case YNODE_MAPPING:
		load_row_mapping(ld, rx, node);
		break;
	}
}

/* ---- tables ----------------------------------------------------------- */

/* Empty value storage shaped like t's value rows, so later stages can
 * index every cell even after errors. */
static table_values *
new_table_values(arena *a, const table_def *t, source_pos pos)
{
	table_values *tv = arena_alloc(a, sizeof(*tv));
	size_t r;

	tv->table = t;
	tv->pos = pos;
	tv->rows = arena_calloc(a, t->value_row_count, sizeof(*tv->rows));
	for (r = 0; r < t->value_row_count; r++)
		tv->rows[r] = arena_calloc(a, t->value_rows[r].column_count,
		                           sizeof(cell_value));
	return tv;
}

/* Reports in one message the first fixed_count rows of t that the
 * mapping node lacks but for those a sum computes: a table left half
 * empty gives one line, not twenty. */
static void
report_missing_rows(loader *ld, const table_def *t, size_t fixed_count,
                    const ynode *node)
{
	const char *missing = "";
	size_t r, count = 0;
	diag_context ctx = table_context(t->structure_rule, t, NULL, NULL);

	for (r = 0; r < fixed_count; r++) {
		if (ynode_get(node, t->value_rows[r].id) != NULL ||
		    derive_is_row_target(t, r))
			continue;
		missing = arena_printf(ld->a, "%s%s'%s'", missing,
		                       count++ ? ", " : "", t->value_rows[r].id);
	}
	if (count > 0)
		diag_report_ctx(ld->diag, DIAG_ERROR, node->pos, &ctx,
		                "%s: missing row%s %s", t->id, count == 1 ? "" : "s",
		                missing);
}

/* Loads value row r of tv (named in messages by its id) from node. */
static void
load_value_row_of(loader *ld, table_values *tv, size_t r, const ynode *node)
{
	const table_def *t = tv->table;
	row_context rx = { t, &t->value_rows[r], r, NULL, tv->rows[r] };

	rx.name = arena_printf(ld->a, "%s row %s", t->id, rx.row->id);
	load_row(ld, &rx, node);
}

/* The keys a record may have: its text fields and record rows. */
static const char **
record_keys(arena *a, const table_repeat *rp)
{
	const char **keys = arena_calloc(a, rp->text_field_count +
	                                 rp->value_row_count + 1, sizeof(*keys));
	size_t i, n = 0;

	for (i = 0; i < rp->text_field_count; i++)
		keys[n++] = rp->text_fields[i];
	for (i = 0; i < rp->value_row_count; i++)
		keys[n++] = rp->value_rows[i].id;
	return keys;
}

/* Reads the text fields of every record into texts (record-major), each
 * required; false after errors. */
static bool
load_record_texts(loader *ld, const table_def *t, const ynode *records,
                  const char **texts)
{
	const table_repeat *rp = t->repeat;
	const char **keys = record_keys(ld->a, rp);
	int errors_before = ld->diag->errors;
	size_t r, f;

	for (r = 0; r < records->count; r++) {
		const ynode *rec = records->items[r];
		const char *what = arena_printf(ld->a, "%s record %zu", t->id, r + 1);

		if (!ynode_expect(rec, YNODE_MAPPING, what, ld->diag))
			continue;
		check_keys_ctx(ld, rec, keys, what, NULL, what, NULL);
		for (f = 0; f < rp->text_field_count; f++) {
			const ynode *v = ynode_require(rec, rp->text_fields[f], what,
			                               ld->diag);

			if (v != NULL)
				texts[r * rp->text_field_count + f] = normalized_text(ld, v,
				    arena_printf(ld->a, "%s, %s", what, rp->text_fields[f]));
		}
	}
	return ld->diag->errors == errors_before;
}

/* Loads every record's value rows into tv, whose table is the expanded
 * one; each record row is required. */
static void
load_record_values(loader *ld, const table_def *t, const ynode *records,
                   table_values *tv)
{
	const table_repeat *rp = t->repeat;
	size_t r, k;

	for (r = 0; r < records->count; r++) {
		const ynode *rec = records->items[r];

		for (k = 0; k < rp->value_row_count; k++) {
			const ynode *v = ynode_require(rec, rp->value_rows[k].id,
			    arena_printf(ld->a, "%s record %zu", t->id, r + 1), ld->diag);

			if (v != NULL)
				load_value_row_of(ld, tv, table_repeat_row(t, r, k), v);
		}
	}
}

/* The records of a repeated table (key records: a list of mappings) and
 * the table they expand t into; NULL after errors. */
static const table_def *
expand_records(loader *ld, const table_def *t, const ynode *node,
               const ynode **records)
{
	const char *what = arena_printf(ld->a, "table %s, %s", t->id,
	                                TABLE_RECORDS_KEY);
	const char **texts;

	*records = ynode_require(node, TABLE_RECORDS_KEY,
	                         arena_printf(ld->a, "table %s", t->id), ld->diag);
	if (*records == NULL || !ynode_expect(*records, YNODE_SEQUENCE, what,
	                                      ld->diag))
		return NULL;
	texts = arena_calloc(ld->a, (*records)->count *
	                     t->repeat->text_field_count + 1, sizeof(*texts));
	if (!load_record_texts(ld, t, *records, texts))
		return NULL;
	return table_repeat_expand(ld->a, t, (*records)->count, texts,
	                           (*records)->pos, ld->diag);
}

/* The keys a table's mapping may have: its value rows' ids and, for a
 * repeated table, the records key. */
static const char **
table_keys(arena *a, const table_def *t)
{
	const char **ids = arena_calloc(a, t->value_row_count + 2, sizeof(*ids));
	size_t r;

	for (r = 0; r < t->value_row_count; r++)
		ids[r] = t->value_rows[r].id;
	if (t->repeat != NULL)
		ids[r] = TABLE_RECORDS_KEY;
	return ids;
}

/* Reads a table's values from its mapping: every row of the layout
 * must be present but those a sum computes, and no other; a repeated
 * table's records expand it first.  The values left out are derived
 * once the table loaded cleanly; after an error the derivation would
 * only repeat it. */
static const table_values *
load_table_values(loader *ld, const table_def *t, const ynode *node)
{
	const char *what = arena_printf(ld->a, "table %s", t->id);
	int errors_before = ld->diag->errors;
	diag_context ctx = table_context(t->structure_rule, t, NULL, NULL);
	const ynode *records = NULL;
	const table_def *shown = t;
	table_values *tv;
	size_t r;

	if (!ynode_expect(node, YNODE_MAPPING, what, ld->diag))
		return new_table_values(ld->a, t, node->pos);
	check_keys_ctx(ld, node, table_keys(ld->a, t), what, t, t->id, &ctx);
	if (t->repeat != NULL &&
	    (shown = expand_records(ld, t, node, &records)) == NULL)
		return new_table_values(ld->a, t, node->pos);
	tv = new_table_values(ld->a, shown, node->pos);
	for (r = 0; r < t->value_row_count; r++) {
		const ynode *value = ynode_get(node, t->value_rows[r].id);

		if (value != NULL)
			load_value_row_of(ld, tv, r, value);
	}
	if (records != NULL)
		load_record_values(ld, t, records, tv);
	report_missing_rows(ld, shown, t->value_row_count, node);
	if (ld->diag->errors == errors_before)
		derive_table_values(ld->a, tv, ld->diag);
	return tv;
}

/* ---- chapters --------------------------------------------------------- */

/* What one chapter's item list has produced so far. */
typedef struct chapter_state {
	int chapter;
	size_t subheadings;
	const ynode *table_item;     /* the first table block, if any */
} chapter_state;

/* Adds the table block an item {table: …} gives, after checking that the
 * chapter has a table and that this is its only one. */
static void
load_table_item(loader *ld, chapter_state *cs, const ynode *item,
                const ynode *value)
{
	const chapter_def *ch = &ld->layout->chapters[cs->chapter];
	block *b;

	if (ch->table < 0) {
		diag_error(ld->diag, item->pos,
		           "chapter %s has no table in layout %s",
		           ch->id, ld->layout->name);
		return;
	}
	if (cs->table_item != NULL) {
		diag_error(ld->diag, item->pos,
		           "a second table in chapter %s (the first is at line %d)",
		           ch->id, cs->table_item->pos.line);
		return;
	}
	cs->table_item = item;
	b = push_block(ld, BLOCK_TABLE, cs->chapter, item->pos);
	b->table = load_table_values(ld, &ld->layout->tables[ch->table], value);
}

/* One item of a chapter's list: a paragraph, {heading: …}, {table: …}
 * or {note: …}. */
static void
load_chapter_item(loader *ld, chapter_state *cs, const ynode *item)
{
	const ynode *heading, *table, *note;

	if (item->kind != YNODE_MAPPING) {
		load_paragraph(ld, item, cs->chapter);
		return;
	}
	ynode_check_keys(item, chapter_item_keys, "a chapter item", ld->diag);
	heading = ynode_get(item, "heading");
	table = ynode_get(item, "table");
	note = ynode_get(item, "note");
	if ((heading != NULL) + (table != NULL) + (note != NULL) > 1)
		diag_error(ld->diag, item->pos,
		           "a chapter item is one of heading, table or note, "
		           "not several");
	else if (heading != NULL)
		load_subheading(ld, heading, cs->chapter, cs->subheadings++);
	else if (table != NULL)
		load_table_item(ld, cs, item, table);
	else if (note != NULL)
		load_note(ld, note, cs->chapter);
	else if (item->pair_count == 0)
		diag_error(ld->diag, item->pos, "an empty chapter item");
}

/* The blocks of layout chapter ch from its node: a single paragraph or a
 * list of items.  A chapter the layout gives a table must have it. */
static void
load_chapter(loader *ld, int ch, const ynode *key, const ynode *node)
{
	const chapter_def *def = &ld->layout->chapters[ch];
	chapter_state cs = { ch, 0, NULL };
	block *heading = push_block(ld, BLOCK_HEADING, ch, key->pos);
	size_t i;

	heading->level = 1;
	heading->text = def->heading;
	if (node->kind == YNODE_MAPPING)
		diag_error(ld->diag, node->pos, "chapter %s must be a string or a "
		           "list of items, not a mapping", def->id);
	else if (node->kind == YNODE_SCALAR)
		load_paragraph(ld, node, ch);
	else if (node->count == 0)
		diag_error(ld->diag, node->pos, "chapter %s is empty; write 无 "
		           "when there is nothing to report", def->id);
	for (i = 0; node->kind == YNODE_SEQUENCE && i < node->count; i++)
		load_chapter_item(ld, &cs, node->items[i]);
	if (def->table >= 0 && cs.table_item == NULL) {
		const table_def *t = &ld->layout->tables[def->table];
		diag_context ctx = table_context(t->structure_rule, t, NULL, NULL);

		diag_report_ctx(ld->diag, DIAG_ERROR, node->pos, &ctx,
		                "chapter %s needs its table %s (an item '- table:')",
		                def->id, t->id);
	}
}

/* The layout chapter whose id or one of whose aliases is key, or -1. */
static int
find_chapter(const layout *l, const char *key)
{
	size_t c, k;

	for (c = 0; c < l->chapter_count; c++) {
		if (strcmp(l->chapters[c].id, key) == 0)
			return (int)c;
		for (k = 0; k < l->chapters[c].alias_count; k++)
			if (strcmp(l->chapters[c].aliases[k], key) == 0)
				return (int)c;
	}
	return -1;
}

/* Every chapter id and alias of the layout, NULL-terminated. */
static const char **
chapter_keys(arena *a, const layout *l)
{
	size_t total = 0, c, k, n = 0;
	const char **keys;

	for (c = 0; c < l->chapter_count; c++)
		total += 1 + l->chapters[c].alias_count;
	keys = arena_calloc(a, total + 1, sizeof(*keys));
	for (c = 0; c < l->chapter_count; c++) {
		keys[n++] = l->chapters[c].id;
		for (k = 0; k < l->chapters[c].alias_count; k++)
			keys[n++] = l->chapters[c].aliases[k];
	}
	return keys;
}

/* The chapter headings of the layout joined with ", ", for messages
 * that say which chapters the format has. */
static const char *
chapter_headings(arena *a, const layout *l)
{
	const char *joined = "";
	size_t c;

	for (c = 0; c < l->chapter_count; c++)
		joined = arena_printf(a, "%s%s%s", joined, c ? ", " : "",
		                      l->chapters[c].heading);
	return joined;
}

/* Reports a chapter key the layout does not have (F-2): with a hint
 * when it is close to one, else with the chapters there are. */
static void
report_unknown_chapter(loader *ld, const ynode *key, const diag_context *ctx)
{
	const layout *l = ld->layout;
	const char *hint = ynode_suggest(key->text, chapter_keys(ld->a, l));

	if (hint != NULL)
		diag_report_ctx(ld->diag, DIAG_ERROR, key->pos, ctx,
		                "unknown chapter '%s' (did you mean '%s'?)",
		                key->text, hint);
	else
		diag_report_ctx(ld->diag, DIAG_ERROR, key->pos, ctx,
		                "unknown chapter '%s'; layout %s has the chapters %s",
		                key->text, l->name, chapter_headings(ld->a, l));
}

/* Reports chapter c written after a chapter the layout puts later
 * (F-2), naming the order the format wants. */
static void
report_chapter_order(loader *ld, const ypair *pair, int c,
                     const ypair *later, int later_index,
                     const diag_context *ctx)
{
	const layout *l = ld->layout;

	diag_report_ctx(ld->diag, DIAG_ERROR, pair->key->pos, ctx,
	                "chapter '%s' is out of order: %s comes before %s "
	                "(line %d)", pair->key->text, l->chapters[c].heading,
	                l->chapters[later_index].heading, later->key->pos.line);
}

/* Matches the pairs of the chapters mapping to layout chapters: found[c]
 * receives the pair of chapter c.  Unknown keys, a chapter given twice
 * (by id and by alias) and the first chapter out of the layout's order
 * are errors; one misplaced chapter puts the others after it out of
 * order too, so only the first is reported. */
static void
match_chapters(loader *ld, const ynode *chapters, const ypair **found)
{
	const layout *l = ld->layout;
	diag_context ctx = { l->chapter_rule, NULL, NULL, NULL };
	const ypair *latest = NULL;
	int latest_index = -1;
	bool misordered = false;
	size_t i;

	for (i = 0; i < chapters->pair_count; i++) {
		const ypair *pair = &chapters->pairs[i];
		int c = find_chapter(l, pair->key->text);

		if (c < 0) {
			report_unknown_chapter(ld, pair->key, &ctx);
			continue;
		}
		if (found[c] != NULL) {
			diag_report_ctx(ld->diag, DIAG_ERROR, pair->key->pos, &ctx,
			                "chapter %s is given twice (first at line %d)",
			                l->chapters[c].id, found[c]->key->pos.line);
			continue;
		}
		found[c] = pair;
		if (c < latest_index && !misordered)
			report_chapter_order(ld, pair, c, latest, latest_index, &ctx);
		misordered |= c < latest_index;
		if (c > latest_index) {
			latest = pair;
			latest_index = c;
		}
	}
}

/* All chapters in layout order, each with its heading block first. */
static void
load_chapters(loader *ld, const ynode *chapters)
{
	const layout *l = ld->layout;
	const ypair **found;
	diag_context ctx = { l->chapter_rule, NULL, NULL, NULL };
	size_t c;

	if (!ynode_expect(chapters, YNODE_MAPPING, "chapters", ld->diag))
		return;
	found = arena_calloc(ld->a, l->chapter_count, sizeof(*found));
	match_chapters(ld, chapters, found);
	for (c = 0; c < l->chapter_count; c++) {
		if (found[c] == NULL)
			diag_report_ctx(ld->diag, DIAG_ERROR, chapters->pos, &ctx,
			                "missing chapter '%s' (%s)", l->chapters[c].id,
			                l->chapters[c].heading);
		else
			load_chapter(ld, (int)c, found[c]->key, found[c]->value);
	}
}

/* ---- title and preface ------------------------------------------------ */

/* A text being built piece by piece in the arena, doubling as it grows
 * so that joining n pieces costs O(total), never O(n * total). */
typedef struct text_builder {
	arena *a;
	char *text;
	size_t length, capacity;
} text_builder;

/* Appends the n bytes at s. */
static void
text_append(text_builder *tb, const char *s, size_t n)
{
	if (tb->length + n + 1 > tb->capacity) {
		size_t grown = 2 * (tb->length + n + 1);

		tb->text = arena_grow(tb->a, tb->text, tb->length, grown, 1);
		tb->capacity = grown;
	}
	memcpy(tb->text + tb->length, s, n);
	tb->length += n;
	tb->text[tb->length] = '\0';
}

/* phrase with every "{agency}" and "{year}" replaced. */
static const char *
substitute(loader *ld, const char *phrase)
{
	text_builder tb = { ld->a, NULL, 0, 0 };
	const char *p = phrase;
	const char *year = arena_printf(ld->a, "%d", ld->rep->year);

	text_append(&tb, "", 0);
	while (*p != '\0') {
		if (strncmp(p, "{agency}", 8) == 0) {
			text_append(&tb, ld->rep->agency, strlen(ld->rep->agency));
			p += 8;
		} else if (strncmp(p, "{year}", 6) == 0) {
			text_append(&tb, year, strlen(year));
			p += 6;
		} else {
			text_append(&tb, p, 1);
			p++;
		}
	}
	return tb.text;
}

/* The title block's text as the concatenation of its pieces, within
 * the length any one text may have. */
static void
finish_title(loader *ld, block *title, const char **pieces, size_t count)
{
	text_builder tb = { ld->a, NULL, 0, 0 };
	size_t i;

	text_append(&tb, "", 0);
	for (i = 0; i < count; i++)
		text_append(&tb, pieces[i], strlen(pieces[i]));
	if (utf8_length(tb.text, tb.length) > REPORT_MAX_TEXT_CHARS) {
		diag_error(ld->diag, title->pos, "the title is longer than %d "
		           "characters", REPORT_MAX_TEXT_CHARS);
		return;
	}
	title->pieces = pieces;
	title->piece_count = count;
	title->text = tb.text;
	ld->rep->title = tb.text;
}

/* The layout's default title: its phrases with agency and year filled
 * in, each phrase boundary a preferred line break. */
static void
default_title(loader *ld, block *title)
{
	const layout *l = ld->layout;
	const char **pieces = arena_calloc(ld->a, l->title_phrase_count,
	                                   sizeof(*pieces));
	size_t i;

	for (i = 0; i < l->title_phrase_count; i++)
		pieces[i] = lb_normalize_spaces(ld->a,
		                                substitute(ld, l->title_phrases[i]));
	finish_title(ld, title, pieces, l->title_phrase_count);
}

/* A clerk's title: one string (one piece), or a list of strings that are
 * the title's lines. */
static void
given_title(loader *ld, block *title, const ynode *node)
{
	const char **pieces;
	size_t i, count = node->kind == YNODE_SEQUENCE ? node->count : 1;

	if (node->kind == YNODE_MAPPING || count == 0) {
		diag_error(ld->diag, node->pos,
		           "title must be a string or a list of lines");
		return;
	}
	pieces = arena_calloc(ld->a, count, sizeof(*pieces));
	for (i = 0; i < count; i++) {
		const ynode *line = count == 1 && node->kind == YNODE_SCALAR ?
			node : node->items[i];

		if ((pieces[i] = normalized_text(ld, line, "a title line")) == NULL)
			return;
	}
	title->pieces_are_lines = node->kind == YNODE_SEQUENCE;
	finish_title(ld, title, pieces, count);
}

/* The title block, first in the report. */
static void
load_title(loader *ld, const ynode *root)
{
	const ynode *node = ynode_get(root, "title");
	block *title = push_block(ld, BLOCK_TITLE, -1,
	                          node != NULL ? node->pos : root->pos);

	if (node != NULL)
		given_title(ld, title, node);
	else if (ld->layout != NULL && ld->rep->agency != NULL &&
	         ld->rep->year != 0)
		default_title(ld, title);
}

/* Paragraphs before chapter 一: a string or a list of strings. */
static void
load_preface(loader *ld, const ynode *root)
{
	const ynode *node = ynode_get(root, "preface");
	size_t i;

	if (node == NULL)
		return;
	if (node->kind != YNODE_SEQUENCE) {
		load_paragraph(ld, node, -1);
		return;
	}
	for (i = 0; i < node->count; i++)
		load_paragraph(ld, node->items[i], -1);
}

/* ---- sign-off --------------------------------------------------------- */

/* Days in month of year, leap years by the Gregorian rule. */
static int
days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	                            30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* Parses exactly "YYYY-MM-DD" into when; false for any other shape. */
static bool
parse_iso_date(const char *text, date *when)
{
	static const char shape[] = "dddd-dd-dd";
	size_t i;

	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? digit_run(text + i) == 0 : text[i] != '-')
			return false;
	if (text[i] != '\0')
		return false;
	when->year = atoi(text);
	when->month = atoi(text + 5);
	when->day = atoi(text + 8);
	return true;
}

/* The sign-off date: an ISO date that exists in the calendar. */
static bool
load_date(loader *ld, const ynode *node, date *when)
{
	if (!ynode_expect(node, YNODE_SCALAR, "signoff date", ld->diag))
		return false;
	if (!parse_iso_date(node->text, when)) {
		diag_error(ld->diag, node->pos,
		           "signoff date must be written YYYY-MM-DD "
		           "(e.g. 2025-01-20), not '%s'", node->text);
		return false;
	}
	if (when->year < 1 || when->month < 1 || when->month > 12 ||
	    when->day < 1 || when->day > days_in_month(when->year, when->month)) {
		diag_error(ld->diag, node->pos,
		           "signoff date %s is not a date in the calendar",
		           node->text);
		return false;
	}
	return true;
}

/* The 落款 block: the agency line (defaulting to the report's agency)
 * and the date printed as 2025年1月20日. */
static void
load_signoff(loader *ld, const ynode *root)
{
	const ynode *node = ynode_require(root, "signoff", "the description",
	                                  ld->diag);
	const ynode *agency, *when_node;
	const char *who = ld->rep->agency;
	date when = { 0, 0, 0 };
	block *b;

	if (node == NULL ||
	    !ynode_expect(node, YNODE_MAPPING, "signoff", ld->diag))
		return;
	ynode_check_keys(node, signoff_keys, "signoff", ld->diag);
	if ((agency = ynode_get(node, "agency")) != NULL)
		who = normalized_text(ld, agency, "signoff agency");
	when_node = ynode_require(node, "date", "signoff", ld->diag);
	if (when_node == NULL || !load_date(ld, when_node, &when) || who == NULL)
		return;
	ld->rep->signoff_agency = who;
	ld->rep->signoff_date = when;
	b = push_block(ld, BLOCK_SIGNOFF, -1, node->pos);
	b->text = who;
	b->text2 = arena_printf(ld->a, "%d年%d月%d日", when.year, when.month,
	                        when.day);
}

/* ---- the description as a whole --------------------------------------- */

/* agency and year, which the title and sign-off build on. */
static void
load_identity(loader *ld, const ynode *root)
{
	const ynode *agency = ynode_require(root, "agency", "the description",
	                                    ld->diag);
	const ynode *year = ynode_require(root, "year", "the description",
	                                  ld->diag);
	long value;

	if (agency != NULL)
		ld->rep->agency = normalized_text(ld, agency, "agency");
	if (year != NULL && ynode_to_long(year, 1990, 2100, "year", &value,
	                                  ld->diag))
		ld->rep->year = (int)value;
}

/* The layout named by the description, from the shared cache or looked
 * up in data_dir's search folders or next to the description. */
static void
load_layout(loader *ld, const ynode *root, const char *data_dir,
            const char *base_dir)
{
	const ynode *node = ynode_require(root, "layout", "the description",
	                                  ld->diag);
	const char *name;

	if (node == NULL || !ynode_to_string(node, "layout", &name, ld->diag))
		return;
	if (ld->layouts != NULL)
		ld->layout = layout_cache_get(ld->layouts, ld->a, name, base_dir,
		                              node->pos, ld->diag);
	else
		ld->layout = layout_load_named(ld->a, name, data_dir, base_dir,
		                               node->pos, ld->diag);
	ld->rep->layout = ld->layout;
}

/* Builds the report from a parsed description; NULL when any error was
 * reported on the way. */
static const report *
load_report(arena *a, const ynode *root, const char *data_dir,
            layout_cache *layouts, const char *base_dir, diag_sink *diag)
{
	loader ld = { a, diag, NULL, layouts, NULL, NULL, 0, 0, false };
	int errors_before = diag->errors;
	const ynode *chapters;

	if (!ynode_expect(root, YNODE_MAPPING, "a description", diag))
		return NULL;
	ld.rep = arena_alloc(a, sizeof(*ld.rep));
	ld.rep->source = root->pos.file;
	ynode_check_keys(root, top_level_keys, "the description", diag);
	load_layout(&ld, root, data_dir, base_dir);
	load_identity(&ld, root);
	load_title(&ld, root);
	load_preface(&ld, root);
	chapters = ynode_require(root, "chapters", "the description", diag);
	if (chapters != NULL && ld.layout != NULL)
		load_chapters(&ld, chapters);
	load_signoff(&ld, root);
	if (diag->errors > errors_before)
		return NULL;
	ld.rep->blocks = ld.blocks;
	ld.rep->block_count = ld.block_count;
	return ld.rep;
}

/* Loads the description at path ("-" = standard input); a layout given
 * by relative path is looked up next to it. */
const report *
report_load_file(arena *a, const char *path, const char *data_dir,
                 diag_sink *diag)
{
	const ynode *root = yaml_tree_load_file(a, path, diag);

	if (root == NULL)
		return NULL;
	return load_report(a, root, data_dir, NULL,
	                   strcmp(path, "-") == 0 ? "." : directory_of(a, path),
	                   diag);
}

/* Loads a description held in memory; display_name names it in messages
 * and its directory part anchors a relative layout path. */
const report *
report_load_buffer(arena *a, const char *display_name, const char *data,
                   size_t size, const char *data_dir, diag_sink *diag)
{
	const ynode *root = yaml_tree_load_buffer(a, display_name, data, size,
	                                          diag);

	if (root == NULL)
		return NULL;
	return load_report(a, root, data_dir, NULL,
	                   directory_of(a, display_name), diag);
}

/* report_load_buffer with the layout from a shared cache: loaded once
 * for every document naming it, never into a. */
const report *
report_load_buffer_shared(arena *a, const char *display_name,
                          const char *data, size_t size,
                          layout_cache *layouts, diag_sink *diag)
{
	const ynode *root = yaml_tree_load_buffer(a, display_name, data, size,
	                                          diag);

	if (root == NULL)
		return NULL;
	return load_report(a, root, NULL, layouts,
	                   directory_of(a, display_name), diag);
}

/* The cell of a table's values by row and column id, NULL for ids the
 * table does not have; lets tests and checks read values by name. */
const cell_value *
report_cell(const table_values *tv, const char *row_id, const char *col_id)
{
	int r, c;

	if (tv == NULL || (r = value_row_index(tv->table, row_id)) < 0)
		return NULL;
	c = value_col_index(&tv->table->value_rows[r], col_id);
	return c < 0 ? NULL : &tv->rows[r][c];
}
