/*
 * report.h - the report tree: what a description says, checked against its
 * layout and ready to be laid out.
 *
 * Loading a description (YAML or JSON) builds this tree; every later stage
 * reads it and nothing writes it.  Text in the tree is normalised: the
 * spaces word processors leave between Han characters and digits/Latin
 * ("2024 年") are gone, since the typesetter sets that gap itself.
 */
#ifndef GK_REPORT_H
#define GK_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "layout.h"

/* Limits on a description (gkreport(5), LIMITS), beyond the file's own
 * (yaml_tree.h).  A paragraph of REPORT_MAX_TEXT_CHARS sets in well under
 * a second on about 180 pages; a 10 MB one would take thousands. */
#define REPORT_MAX_TEXT_CHARS 100000 /* one paragraph, heading, note, title line */
#define REPORT_MAX_BLOCKS 10000      /* paragraphs, headings, notes and tables */
/* Pages of one report.  Enforced by the typesetter (typeset.c), which
 * alone knows the page count: it should stop with an error at the first
 * page past this one rather than lay out the rest. */
#define REPORT_MAX_PAGES 2000

typedef struct cell_value {
	bool present;
	const char *text;            /* printed as given: "0", "4068.208", "22（其中修订 16 件）" */
	double number;               /* the leading number */
	bool has_note;               /* text carries a note after the number */
	bool derived;                /* not given: computed from the layout's sums */
	source_pos pos;
} cell_value;

typedef struct table_values {
	const table_def *table;      /* the layout's, or for a repeated table
	                                its expansion over the records */
	cell_value **rows;           /* [value_row][column], shaped like table->value_rows */
	source_pos pos;
} table_values;

typedef enum block_kind {
	BLOCK_TITLE,
	BLOCK_HEADING,
	BLOCK_PARAGRAPH,
	BLOCK_TABLE,
	BLOCK_SIGNOFF,
	BLOCK_NOTE                   /* a "注：…" line, set in the note style */
} block_kind;

typedef struct block {
	block_kind kind;
	int level;                   /* BLOCK_HEADING: 1 = 一、, 2 = （一） */
	const char *text;            /* UTF-8; for BLOCK_SIGNOFF the agency line */
	const char *text2;           /* BLOCK_SIGNOFF: the date line */
	/* BLOCK_TITLE: the text split at preferred break points (phrases) or,
	 * when the clerk gave a list, into forced lines. */
	const char **pieces;
	size_t piece_count;
	bool pieces_are_lines;
	const table_values *table;   /* BLOCK_TABLE */
	int chapter;                 /* index into layout.chapters, -1 outside chapters */
	source_pos pos;
} block;

typedef struct date {
	int year, month, day;
} date;

typedef struct report {
	const char *source;          /* display name of the description */
	const layout *layout;
	const char *agency;
	int year;
	const char *title;
	const char *signoff_agency;
	date signoff_date;           /* year 0 = no date given */
	block *blocks;               /* title, chapters in layout order, sign-off */
	size_t block_count;
} report;

/* Loads and checks a description.  data_dir holds layouts/ for layouts
 * given by name.  Returns NULL after reporting every problem found. */
const report *report_load_file(arena *a, const char *path,
                               const char *data_dir, diag_sink *diag);

const report *report_load_buffer(arena *a, const char *display_name,
                                 const char *data, size_t size,
                                 const char *data_dir, diag_sink *diag);

/* report_load_buffer with the description's layout taken from layouts
 * (layout_cache.h), shared with every other document naming it: a batch
 * parses each layout once.  The report points into the cache, which
 * must outlive it. */
struct layout_cache;
const report *report_load_buffer_shared(arena *a, const char *display_name,
                                        const char *data, size_t size,
                                        struct layout_cache *layouts,
                                        diag_sink *diag);

/* The cell of a table's values by value-row and column id (as in the
 * layout), or NULL when the table has no such row or column. */
const cell_value *report_cell(const table_values *tv, const char *row_id,
                              const char *col_id);

#endif
