/*
 * derive.h - the values a description leaves out, computed from its
 * layout's sums: a 总计 from the figures it totals.
 *
 * A layout declares sums per table (layout.h, value_sum); every target of
 * a sum may be left out of a description.  The report loader asks here
 * which values those are, and after loading a table hands its values
 * here to have the absent targets filled in.
 */
#ifndef GK_DERIVE_H
#define GK_DERIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "layout.h"
#include "report.h"

/* True when column col of value row row is the target of a column sum:
 * a row written as a list may skip it. */
bool derive_is_column_target(const table_def *t, size_t row, size_t col);

/* True when value row row is the target of a row sum: the whole row may
 * be left out. */
bool derive_is_row_target(const table_def *t, size_t row);

/* True when the value at [row][col] is the target of any sum. */
bool derive_is_target(const table_def *t, size_t row, size_t col);

/* Computes every absent target of tv from its terms, pass after pass
 * until nothing changes, so a total may build on totals.  A derived cell
 * is present and marked derived; its text is the exact sum, an integer
 * for counts and, for amounts, with as many decimals as the most precise
 * term.  Given targets are kept as given.  Returns false after reporting
 * each target that stays absent. */
bool derive_table_values(arena *a, table_values *tv, diag_sink *diag);

#endif
