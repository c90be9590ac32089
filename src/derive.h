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
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "layout.h"
#include "report.h"

/* A non-negative decimal held exactly: value * 10^4, and the number of
 * decimals it was written with; sums and checks use it so that 0.1 + 0.2
 * is 0.3 and a 15-digit count stays exact. */
typedef struct exact_decimal {
	uint64_t scaled;
	int decimals;
} exact_decimal;

/* Reads the number text starts with ("22", "4068.208", "22（其中…）");
 * false when there is none, it has more than 4 decimals or it does not
 * fit in 64 bits once scaled. */
bool exact_decimal_parse(const char *text, exact_decimal *out);

/* Adds term to sum, keeping the larger number of decimals; false on
 * overflow. */
bool exact_decimal_add(exact_decimal *sum, exact_decimal term);

/* value as text: a whole number for counts, for amounts with exactly
 * its decimals ("0.3", "4069.208", "1.50"). */
const char *exact_decimal_format(arena *a, exact_decimal value,
                                 value_kind kind);

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
