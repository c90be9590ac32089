/*
 * table_repeat.h - a table whose body repeats a record's rows (layout.h,
 * table_repeat) expanded into an ordinary grid for one description.
 *
 * Loading a description expands its repeated tables, so that checking,
 * table layout and typesetting only ever see fixed grids.
 */
#ifndef GK_TABLE_REPEAT_H
#define GK_TABLE_REPEAT_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "layout.h"

/* t (with a repeat) for record_count records, as a new table in a: the
 * fixed cells above repeat.at, each record's cells, the fixed cells below
 * moved down; the fixed value rows first (indices unchanged), then each
 * record's rows, named ID#n; a row sum for each total.  texts holds
 * record r's text field f at [r * text_field_count + f].  NULL after an
 * error naming where when the records would pass a table's limits. */
const table_def *table_repeat_expand(arena *a, const table_def *t,
                                     size_t record_count,
                                     const char *const *texts,
                                     source_pos where, diag_sink *diag);

/* The index, in the expanded table, of record r's copy of the repeat's
 * value row k. */
size_t table_repeat_row(const table_def *t, size_t r, size_t k);

#endif
