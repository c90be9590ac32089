/*
 * layout.h - the look and the form of a report, loaded from layouts/NAME.yaml.
 *
 * A layout is data: page geometry, font roles with sizes, block styles,
 * the page-number style, the chapter skeleton, and each official table's
 * grid with its value bindings.  C knows cells, spans and bindings; it
 * never knows what a particular table or row means.
 */
#ifndef GK_LAYOUT_H
#define GK_LAYOUT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

/* Limits on what one layout may hold (gkreport-layout(5), LIMITS).  They
 * are far above what an official table needs (表三: 25 value rows of 7
 * columns, 200 cells) and keep a hostile file from costing more than a
 * moment: every check of a layout is at most quadratic in these. */
#define LAYOUT_MAX_GRID_SIDE 999     /* rows and columns of a table grid */
#define LAYOUT_MAX_LIST 999          /* entries of any list or mapping */
#define LAYOUT_MAX_CELLS 9999        /* cells of one table */
#define LAYOUT_MAX_VALUES 9999       /* values of one table, all rows */

typedef enum text_align {
	ALIGN_LEFT,
	ALIGN_CENTER,
	ALIGN_RIGHT,
	ALIGN_JUSTIFY
} text_align;

/* Lengths in a layout are points once loaded; "em" values stay in em of
 * the style's own font size, since they scale with it. */

typedef struct page_geometry {
	double width, height;        /* paper, pt */
	double margin_top;           /* 天头 */
	double margin_left;          /* 订口 */
	double text_width;           /* 版心 width */
	double text_height;          /* 版心 height */
	double line_pitch;           /* baseline-to-baseline of body lines */
} page_geometry;

typedef struct font_role {
	const char *name;            /* "title", "body", "heading", ... */
	double size;                 /* pt */
	source_pos pos;
} font_role;

/* The block kinds whose look a layout sets. */
typedef enum style_kind {
	STYLE_TITLE,
	STYLE_HEADING1,              /* 一、 */
	STYLE_HEADING2,              /* （一） */
	STYLE_PARAGRAPH,
	STYLE_SIGNOFF,
	STYLE_NOTE,                  /* "注：…" under a table; optional, defaults to paragraph */
	STYLE_CAPTION,               /* a table's caption above it; optional, defaults to
	                                paragraph centred, keep_with_next */
	STYLE_COUNT
} style_kind;

typedef struct block_style {
	int font_role;               /* index into layout.font_roles */
	text_align align;
	double first_indent_em;      /* first line */
	double left_indent_em;       /* every line */
	double right_indent_em;      /* every line */
	double space_before;         /* in lines of the page's line pitch */
	double space_after;
	double line_pitch;           /* pt; this style's baseline distance */
	bool keep_with_next;         /* never the last line of a page */
} block_style;

typedef struct page_number_style {
	int font_role;
	const char *format;          /* UTF-8 with one "{n}", e.g. "— {n} —" */
	double below_text;           /* from the 版心 bottom edge to the number's baseline, pt */
	text_align odd_align;        /* ALIGN_RIGHT for GB/T 9704 */
	text_align even_align;       /* ALIGN_LEFT */
	double indent_em;            /* from the 版心 edge, in em of the role's size */
} page_number_style;

typedef enum value_kind {
	VALUE_COUNT,                 /* integer >= 0, optionally with a note */
	VALUE_AMOUNT                 /* decimal >= 0 kept as typed */
} value_kind;

/* A logical record of values the description fills, e.g. table 三's
 * "本年新收" with its seven columns. */
typedef struct value_row {
	const char *id;
	const char *name;            /* short name in rule messages ("一"); NULL = the id */
	const char **columns;        /* column ids, in description order */
	size_t column_count;
	value_kind kind;
	source_pos pos;
} value_row;

/* A derived value: target = the sum of terms.  With `column`, in every
 * value row that has these columns; with `row`, in every column of that
 * row.  A description may leave targets out; they are then computed. */
typedef struct value_sum {
	bool over_columns;           /* true: column target = sum of columns; false: row target = sum of rows */
	const char *target;          /* column id or row id */
	const char **terms;          /* column ids or row ids */
	size_t term_count;
	const char *rule;            /* rule id when a given target is checked ("T3-3"), or NULL */
	diag_severity level;         /* of a given target that is not the sum */
	source_pos pos;
} value_sum;

/* One term of an equality rule: a row id (the rule runs per column) or
 * a column id (per row), taken from this report or last year's, added
 * or subtracted. */
typedef struct rule_term {
	const char *id;
	bool previous;               /* "previous.ID": last year's value */
	bool negative;               /* "-ID": subtracted */
	source_pos pos;
} rule_term;

/* A value of a table named by row and column id. */
typedef struct cell_ref {
	const char *row;
	const char *column;
} cell_ref;

typedef enum rule_kind {
	RULE_EQUAL,                  /* left terms add up to the right terms */
	RULE_ZERO,                   /* rows that must be 0 for some agencies */
	RULE_TEXT                    /* a figure in the prose equals a value */
} rule_kind;

/* A consistency rule of a table (spec §10).  C knows the three shapes;
 * the layout names the rows, columns and words. */
typedef struct table_rule {
	rule_kind kind;
	const char *id;              /* "T3-1"; NULL when the layout gives none */
	diag_severity level;         /* DIAG_ERROR (default) or DIAG_WARNING */
	const char *why;             /* optional reason appended to the message */
	source_pos pos;
	/* RULE_EQUAL: per_row, the terms are columns and the rule holds in
	 * each row; else they are rows and it holds in each column.  only
	 * lists the rows (per_row) or columns it runs over; NULL = every row
	 * having all term columns, or every column of the first term row. */
	bool per_row;
	const char **only;
	size_t only_count;
	rule_term *left, *right;
	size_t left_count, right_count;
	/* RULE_ZERO: every value of these rows is 0 when the agency's name
	 * ends with one of the suffixes */
	const char **zero_rows;
	size_t zero_row_count;
	const char **agency_suffixes;
	size_t agency_suffix_count;
	/* RULE_TEXT: a POSIX extended regex matched against each clause of
	 * the paragraphs; the number it states is capture group `group`, or
	 * `value` for a phrase that states a fixed number ("未收到…" = 0);
	 * it must equal the sum of `cells` */
	const char *pattern;
	const regex_t *compiled;     /* pattern compiled once by the loader,
	                                freed with the layout's arena; NULL:
	                                the checker compiles it itself */
	const char *literal;         /* bytes every match contains, for a
	                                quick look before the regex runs
	                                (layout_pattern_literal); NULL: none */
	int group;                   /* 0 when value is used */
	const char *value;
	cell_ref *cells;
	size_t cell_count;
} table_rule;

/* A row or column key of an older official format, and what the
 * layout's format has instead, for a clear message (spec §8, F-1). */
typedef struct outdated_key {
	const char *key;
	const char *instead;         /* "the 2021 format has 行政规范性文件" */
	source_pos pos;
} outdated_key;

typedef enum column_width_kind {
	COLUMN_FIT,                  /* as wide as its content needs */
	COLUMN_FIXED,                /* value in pt */
	COLUMN_SHARE                 /* value = share of the width left over */
} column_width_kind;

typedef struct column_width {
	column_width_kind kind;
	double value;
} column_width;

typedef struct table_cell {
	int row, col;                /* 0-based top-left */
	int rowspan, colspan;        /* >= 1 */
	const char *text;            /* label text, NULL for a data cell */
	int value_row;               /* data cell: index into table_def.value_rows, else -1 */
	int value_col;               /* data cell: index into that row's columns, else -1 */
	int text_field;              /* repeat template: index into the record's
	                                text fields, else -1 */
	text_align align;
	source_pos pos;
} table_cell;

/* A value of another report a batch takes into a record (gkreport
 * batch --overview): table, value row and column ids of that report. */
typedef struct source_cell {
	const char *table;
	const char *row;
	const char *column;
} source_cell;

/* Where a batch takes one field of a record from: a property of each
 * report (agency, year, file, status), or the sum of some of its values.
 * Neither = the layout gives no source (the field is typed by hand). */
typedef struct field_source {
	const char *property;        /* "agency", "year", "file", "status" or NULL */
	source_cell *cells;
	size_t cell_count;
	source_pos pos;
} field_source;

/* Body rows repeated over records, e.g. one row per office of a
 * district.  A description gives the records (key `records`); loading it
 * expands the table into an ordinary grid (table_repeat.h), so that
 * layout and typesetting never see the template. */
typedef struct table_repeat {
	int at;                      /* grid row where the records' rows go */
	int row_count;               /* grid rows of one record */
	const char **text_fields;    /* a record's text fields, printed as given */
	size_t text_field_count;
	value_row *value_rows;       /* a record's value rows; record n's copy
	                                is named ID#n (1-based) */
	size_t value_row_count;
	table_cell *cells;           /* one record's cells, rows from 0 */
	size_t cell_count;
	const char **totals;         /* per value row: the table's value row that
	                                sums it over every record, or NULL */
	field_source *text_sources;  /* per text field */
	field_source **value_sources; /* [value row][column] */
	source_pos pos;
} table_repeat;

/* The description key holding a repeated table's records. */
#define TABLE_RECORDS_KEY "records"

typedef struct table_def {
	const char *id;              /* e.g. "表三"; also the description's key */
	source_pos pos;
	int row_count, col_count;
	int header_rows;             /* rows repeated on a continuation page */
	column_width *columns;       /* col_count entries */
	table_cell *cells;           /* every grid position is covered exactly once */
	size_t cell_count;
	value_row *value_rows;
	size_t value_row_count;
	int font_role;
	double size;                 /* pt: the role's size unless the table sets one */
	double padding;              /* pt, inside each cell */
	double inner_rule;           /* pt */
	double outer_rule;           /* pt */
	const char *note;            /* optional line printed under the table */
	const char *caption;         /* optional line printed above the table */
	bool landscape;              /* set rotated on pages of its own (GB/T 9704 横排表格) */
	value_sum *sums;
	size_t sum_count;
	table_rule *rules;
	size_t rule_count;
	const char *value_rule;      /* rule id of "a value is a number of its type" (T3-5), or NULL */
	const char *structure_rule;  /* rule id of missing, extra and outdated rows and columns (F-1) */
	outdated_key *outdated;
	size_t outdated_count;
	const table_repeat *repeat;  /* NULL = a fixed grid; in a report's
	                                expanded table, the template it came from */
} table_def;

typedef struct chapter_def {
	const char *id;              /* the description's key, e.g. "总体情况" */
	const char *heading;         /* printed, e.g. "一、总体情况" */
	const char **aliases;        /* older headings accepted as keys */
	size_t alias_count;
	int table;                   /* index into layout.tables, or -1 */
	source_pos pos;
} chapter_def;

typedef struct layout {
	const char *name;
	const char *path;
	/* The file's bytes as loaded: the PDF's /ID and --attach-source take
	 * them from here, so they always match the layout used. */
	const unsigned char *source;
	size_t source_size;
	page_geometry page;
	font_role *font_roles;
	size_t font_role_count;
	block_style styles[STYLE_COUNT];
	page_number_style page_number;
	/* Default title: a list of phrases whose boundaries are the preferred
	 * line-break points; "{agency}" and "{year}" are substituted. */
	const char **title_phrases;
	size_t title_phrase_count;
	/* Sub-heading numbers in order: "（一）", "（二）", ... */
	const char **subheading_numbers;
	size_t subheading_number_count;
	chapter_def *chapters;
	size_t chapter_count;
	table_def *tables;
	size_t table_count;
	const char *chapter_rule;    /* rule id of missing, extra and misordered chapters (F-2) */
	const char *outdated_format; /* what outdated keys are from: "2019 试行 format (…)" */
} layout;

/* Loads a layout file.  NULL after diagnostics on any error. */
const layout *layout_load_file(arena *a, const char *path, diag_sink *diag);

/* Loads a layout from a buffer; display_name is used in positions. */
const layout *layout_load_buffer(arena *a, const char *display_name,
                                 const char *data, size_t size,
                                 diag_sink *diag);

/* Loads a layout by name or by path (a name containing '/' or ending in
 * .yaml/.yml/.json; relative to base_dir when not absolute).  A name is
 * looked up as NAME.yaml in the folders of layout_search_dirs, first
 * found wins.  where points diagnostics at the reference (e.g. the
 * description's "layout:" value). */
const layout *layout_load_named(arena *a, const char *name,
                                const char *data_dir, const char *base_dir,
                                source_pos where, diag_sink *diag);

/* The longest run of bytes that every match of the POSIX extended
 * regex pattern contains (outside groups, bracket expressions and
 * quantified characters), as an arena string; NULL when the pattern
 * guarantees none, e.g. an alternation at its top level. */
const char *layout_pattern_literal(arena *a, const char *pattern);

/* The file layout_load_named would load for name (an arena string), or
 * NULL after the same diagnostics it gives when there is none. */
const char *layout_resolve_path(arena *a, const char *name,
                                const char *data_dir, const char *base_dir,
                                source_pos where, diag_sink *diag);

/* The folders layouts are found in by name, in order: ./layouts,
 * $XDG_DATA_HOME/gkreport/layouts (default ~/.local/share/…), then
 * DATA_DIR/layouts.  Stores up to LAYOUT_SEARCH_DIRS paths (arena
 * strings) in dirs and returns how many. */
#define LAYOUT_SEARCH_DIRS 3
size_t layout_search_dirs(arena *a, const char *data_dir,
                          const char *dirs[LAYOUT_SEARCH_DIRS]);

/* One layout found by name: its name, file and what it says of itself. */
typedef struct layout_entry {
	const char *name;
	const char *path;
	const char *summary;         /* first comment line, else "" */
	bool shadowed;               /* an earlier folder has the same name */
} layout_entry;

/* Every NAME.yaml of the search folders, in search order and by name
 * within a folder; *count gets their number. */
layout_entry *layout_list_all(arena *a, const char *data_dir, size_t *count);

int layout_font_role_index(const layout *l, const char *name);
const table_def *layout_find_table(const layout *l, const char *id);
int value_row_index(const table_def *t, const char *id);
int value_col_index(const value_row *r, const char *id);

/* True when value row r has every term column of the per-row equality
 * rule: the rows it runs over unless it lists its own. */
bool table_rule_applies_to_row(const table_rule *rule, const value_row *r);

/* The name rule messages use for a value row: its name, else its id. */
const char *value_row_name(const value_row *r);

/* What the layout's format has instead of key, an outdated row or
 * column key of table t, or NULL when key is not outdated. */
const char *layout_outdated_key(const table_def *t, const char *key);

/* True when the column sum s computes a value in row r: r has the
 * target column and every term column.  False for row sums. */
bool value_sum_applies_to_row(const value_sum *s, const value_row *r);

#endif
