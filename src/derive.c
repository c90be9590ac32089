/*
 * derive.c - filling in the totals a description left out.
 *
 * Sums are exact: every value is read from its text into an integer
 * scaled by 10^4 (amounts have at most 4 decimals), added, and printed
 * back, so 0.1 + 0.2 is 0.3 and never 0.30000000000000004.
 */
#include "derive.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DECIMAL_SCALE 10000u         /* 10^MAX_DECIMALS */
#define MAX_DECIMALS 4

/* Why a sum could not be computed. */
typedef enum sum_outcome {
	SUM_DONE,
	SUM_TERM_ABSENT,             /* a term has no value (yet) */
	SUM_TOO_LARGE                /* beyond 64 bits, or not a number */
} sum_outcome;

/* ---- exact decimals --------------------------------------------------- */

/* Reads the number text starts with ("22", "4068.208", "22（其中…）");
 * false when there is none or it does not fit, so no note or rounding
 * can change a sum. */
bool
exact_decimal_parse(const char *text, exact_decimal *out)
{
	uint64_t whole = 0, fraction = 0;
	int decimals = 0, k;

	if (*text < '0' || *text > '9')
		return false;
	for (; *text >= '0' && *text <= '9'; text++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return false;
		whole = whole * 10 + (uint64_t)(*text - '0');
	}
	if (text[0] == '.' && text[1] >= '0' && text[1] <= '9')
		for (text++; *text >= '0' && *text <= '9'; text++) {
			if (decimals == MAX_DECIMALS)
				return false;
			fraction = fraction * 10 + (uint64_t)(*text - '0');
			decimals++;
		}
	for (k = decimals; k < MAX_DECIMALS; k++)
		fraction *= 10;
	if (whole > (UINT64_MAX - fraction) / DECIMAL_SCALE)
		return false;
	out->scaled = whole * DECIMAL_SCALE + fraction;
	out->decimals = decimals;
	return true;
}

/* Adds term to sum, keeping the larger number of decimals; false on
 * overflow. */
bool
exact_decimal_add(exact_decimal *sum, exact_decimal term)
{
	if (term.scaled > UINT64_MAX - sum->scaled)
		return false;
	sum->scaled += term.scaled;
	if (term.decimals > sum->decimals)
		sum->decimals = term.decimals;
	return true;
}

/* value as text: a whole number for counts, for amounts with exactly
 * its decimals ("0.3", "4069.208", "1.50"). */
const char *
exact_decimal_format(arena *a, exact_decimal value, value_kind kind)
{
	uint64_t whole = value.scaled / DECIMAL_SCALE;
	uint64_t fraction = value.scaled % DECIMAL_SCALE;
	int k;

	if (kind == VALUE_COUNT || value.decimals == 0)
		return arena_printf(a, "%" PRIu64, whole);
	for (k = value.decimals; k < MAX_DECIMALS; k++)
		fraction /= 10;
	return arena_printf(a, "%" PRIu64 ".%0*" PRIu64, whole, value.decimals,
	                    fraction);
}

/* ---- which values are targets ------------------------------------------ */

/* True when sum s computes the value at [row][col] of t. */
static bool
sum_targets(const table_def *t, const value_sum *s, size_t row, size_t col)
{
	const value_row *r = &t->value_rows[row];

	if (s->target == NULL)
		return false;
	if (s->over_columns)
		return r->columns[col] != NULL &&
		       strcmp(r->columns[col], s->target) == 0 &&
		       value_sum_applies_to_row(s, r);
	return r->id != NULL && strcmp(r->id, s->target) == 0;
}

/* A column sum's target in this row may be skipped in a list, since
 * every row it applies to has it in the same place. */
bool
derive_is_column_target(const table_def *t, size_t row, size_t col)
{
	size_t i;

	for (i = 0; i < t->sum_count; i++)
		if (t->sums[i].over_columns && sum_targets(t, &t->sums[i], row, col))
			return true;
	return false;
}

/* A row sum's target row may be left out as a whole. */
bool
derive_is_row_target(const table_def *t, size_t row)
{
	size_t i;

	for (i = 0; i < t->sum_count; i++)
		if (!t->sums[i].over_columns && sum_targets(t, &t->sums[i], row, 0))
			return true;
	return false;
}

/* Any value some sum computes may be left out of a description. */
bool
derive_is_target(const table_def *t, size_t row, size_t col)
{
	return derive_is_column_target(t, row, col) || derive_is_row_target(t, row);
}

/* ---- computing -------------------------------------------------------- */

/* The cell holding term i of sum s for the target at [row][col]: the
 * term column in the same row, or the same column in the term row.
 * NULL when the layout does not have it (the loader prevents that). */
static cell_value *
term_cell(const table_values *tv, const value_sum *s, size_t i, size_t row,
          size_t col)
{
	const table_def *t = tv->table;
	int term_row = (int)row, term_col;

	if (!s->over_columns)
		term_row = value_row_index(t, s->terms[i]);
	if (term_row < 0)
		return NULL;
	term_col = value_col_index(&t->value_rows[term_row],
	                           s->over_columns ? s->terms[i]
	                                           : t->value_rows[row].columns[col]);
	return term_col < 0 ? NULL : &tv->rows[term_row][term_col];
}

/* Adds up the terms of s for [row][col] into *sum; *absent receives the
 * index of the first term that has no value. */
static sum_outcome
add_terms(const table_values *tv, const value_sum *s, size_t row, size_t col,
          exact_decimal *sum, size_t *absent)
{
	size_t i;

	sum->scaled = 0;
	sum->decimals = 0;
	for (i = 0; i < s->term_count; i++) {
		const cell_value *term = term_cell(tv, s, i, row, col);
		exact_decimal value;

		if (term == NULL || !term->present) {
			*absent = i;
			return SUM_TERM_ABSENT;
		}
		if (!exact_decimal_parse(term->text, &value) ||
		    !exact_decimal_add(sum, value))
			return SUM_TOO_LARGE;
	}
	return SUM_DONE;
}

/* Fills the absent cell at [row][col] from the first sum that can
 * compute it; returns how the last attempt ended. */
static sum_outcome
derive_cell(arena *a, table_values *tv, size_t row, size_t col)
{
	const table_def *t = tv->table;
	cell_value *cell = &tv->rows[row][col];
	sum_outcome outcome = SUM_TERM_ABSENT;
	size_t i, absent;
	exact_decimal sum;

	for (i = 0; i < t->sum_count && outcome != SUM_DONE; i++) {
		if (!sum_targets(t, &t->sums[i], row, col))
			continue;
		outcome = add_terms(tv, &t->sums[i], row, col, &sum, &absent);
		if (outcome == SUM_TOO_LARGE)
			return outcome;
	}
	if (outcome != SUM_DONE)
		return outcome;
	cell->present = true;
	cell->derived = true;
	cell->text = exact_decimal_format(a, sum, t->value_rows[row].kind);
	cell->number = strtod(cell->text, NULL);
	cell->has_note = false;
	cell->pos = tv->pos;
	return SUM_DONE;
}

/* One pass over every absent target; true when it filled any, so the
 * caller knows another pass may fill more. */
static bool
derive_pass(arena *a, table_values *tv)
{
	const table_def *t = tv->table;
	bool filled = false;
	size_t r, c;

	for (r = 0; r < t->value_row_count; r++)
		for (c = 0; c < t->value_rows[r].column_count; c++)
			if (!tv->rows[r][c].present && derive_is_target(t, r, c) &&
			    derive_cell(a, tv, r, c) == SUM_DONE)
				filled = true;
	return filled;
}

/* ---- what stays absent ------------------------------------------------ */

/* Reports a target still absent after the passes, naming the first term
 * of its first sum that has no value either (or the overflow). */
static void
report_underived(const table_values *tv, size_t row, size_t col,
                 diag_sink *diag)
{
	const table_def *t = tv->table;
	const char *row_id = t->value_rows[row].id;
	const char *col_id = t->value_rows[row].columns[col];
	diag_context ctx = { t->value_rule, t->id, row_id, col_id };
	size_t i, absent = 0;
	exact_decimal sum;

	for (i = 0; i < t->sum_count; i++) {
		const value_sum *s = &t->sums[i];
		if (!sum_targets(t, s, row, col))
			continue;
		if (add_terms(tv, s, row, col, &sum, &absent) == SUM_TOO_LARGE)
			diag_report_ctx(diag, DIAG_ERROR, tv->pos, &ctx,
			                "%s row %s, column %s: the sum of its terms is "
			                "too large", t->id, row_id, col_id);
		else
			diag_report_ctx(diag, DIAG_ERROR, tv->pos, &ctx,
			                "%s row %s, column %s: not given and cannot be "
			                "derived: term %s %s has no value either", t->id,
			                row_id, col_id,
			                s->over_columns ? "column" : "row",
			                s->terms[absent]);
		return;
	}
}

/* Fills in the absent targets, then reports those that stay absent.
 * Targets the description gives are kept as typed and not compared with
 * their terms here: checking given totals is the consistency rules'
 * business (spec §10, T3-1..T4-1), a separate pass over the report. */
bool
derive_table_values(arena *a, table_values *tv, diag_sink *diag)
{
	const table_def *t = tv->table;
	bool complete = true;
	size_t r, c;

	while (derive_pass(a, tv))
		continue;
	for (r = 0; r < t->value_row_count; r++)
		for (c = 0; c < t->value_rows[r].column_count; c++)
			if (!tv->rows[r][c].present && derive_is_target(t, r, c)) {
				report_underived(tv, r, c, diag);
				complete = false;
			}
	return complete;
}
