/*
 * table_layout.h - the grid engine: resolves column widths, wraps cell
 * text, sizes rows, and draws any range of rows (with the header rows
 * repeated) as boxes.  It knows cells, spans and values, never what a
 * table means.
 */
#ifndef GK_TABLE_LAYOUT_H
#define GK_TABLE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "font_usage.h"
#include "layout.h"
#include "pages.h"
#include "report.h"

typedef struct cell_box {
	const table_cell *cell;
	const char *text;            /* what the cell prints */
	text_run *runs;              /* x from the cell's left edge, y = baseline
	                                offset below the top of the text block */
	size_t run_count;
	double text_height;          /* lines * line pitch */
} cell_box;

typedef struct table_box {
	const table_def *def;
	const table_values *values;
	int role;                    /* font role of the cell text */
	double size;                 /* pt */
	double line_pitch;           /* pt, between cell text lines */
	double width;                /* sum of column widths = the 版心 width */
	double *col_x;               /* col_count + 1 edges, from the table's left */
	double *row_height;          /* row_count */
	cell_box *cells;             /* def->cell_count, same order */
	double *scratch;             /* 2 * row_count, for sizing page segments */
} table_box;

/* Lays the table out to exactly width points, its text in font role role
 * of the document's fonts.  Text that cannot fit a cell is an error
 * naming the table, row and column. */
const table_box *table_layout(arena *a, const table_def *def,
                              const table_values *values,
                              font_usage *fonts, int role, double size,
                              double width, source_pos where,
                              diag_sink *diag);

/* Height of the header rows plus body rows [first, end) as drawn on one
 * page: rows holding a spanning cell cut by the break may grow so that its
 * repeated text fits. */
double table_rows_height(const table_box *t, int first, int end);

/* Where a page that has height points left ends the table when it shows
 * body rows from first on: the end of the longest run of rows that fits
 * with the header rows, never ending on a label-only row (a section
 * caption stays with its rows); first when not even one row fits. */
int table_fit_rows(const table_box *t, int first, double height);

/* The end of the least a page must show when the table starts on it:
 * the header rows, body_rows rows, and any label-only rows continued up
 * to the first row with values after them. */
int table_min_start(const table_box *t, int body_rows);

/* Appends to out the runs and rules that draw the header rows
 * followed by body rows [first, end), the table's top-left corner at
 * (left, top) in PDF user space.  Cells cut by the range are drawn inside
 * the visible part, label repeated. */
void table_draw_rows(const table_box *t, int first, int end,
                     bool with_header, double left, double top,
                     page_builder *out);

#endif
