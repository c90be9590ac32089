/*
 * table_repeat.c - a repeated table expanded into an ordinary grid.
 */
#include "table_repeat.h"

#include <string.h>

/* Reports records that would give the table more rows, cells or values
 * than layout.h allows any table; false when they would. */
static bool
within_limits(const table_def *t, size_t n, source_pos where,
              diag_sink *diag)
{
	const table_repeat *rp = t->repeat;
	size_t values = 0, record_values = 0, i;

	for (i = 0; i < t->value_row_count; i++)
		values += t->value_rows[i].column_count;
	for (i = 0; i < rp->value_row_count; i++)
		record_values += rp->value_rows[i].column_count;
	if ((size_t)t->row_count + n * (size_t)rp->row_count <= LAYOUT_MAX_GRID_SIDE &&
	    t->cell_count + n * rp->cell_count <= LAYOUT_MAX_CELLS &&
	    values + n * record_values <= LAYOUT_MAX_VALUES)
		return true;
	diag_error(diag, where, "%s: %zu records are more than one table can "
	           "hold (at most %d rows, %d cells and %d values)", t->id, n,
	           LAYOUT_MAX_GRID_SIDE, LAYOUT_MAX_CELLS, LAYOUT_MAX_VALUES);
	return false;
}

size_t
table_repeat_row(const table_def *t, size_t r, size_t k)
{
	return t->value_row_count + r * t->repeat->value_row_count + k;
}

/* The fixed value rows, then every record's copy of the record rows,
 * each named ID#n so that messages and sums can tell them apart. */
static void
expand_value_rows(arena *a, const table_def *t, size_t n, table_def *x)
{
	const table_repeat *rp = t->repeat;
	size_t r, k;

	x->value_row_count = t->value_row_count + n * rp->value_row_count;
	x->value_rows = arena_calloc(a, x->value_row_count + 1,
	                             sizeof(*x->value_rows));
	if (t->value_row_count > 0)
		memcpy(x->value_rows, t->value_rows,
		       t->value_row_count * sizeof(*t->value_rows));
	for (r = 0; r < n; r++)
		for (k = 0; k < rp->value_row_count; k++) {
			value_row *row = &x->value_rows[table_repeat_row(t, r, k)];

			*row = rp->value_rows[k];
			row->id = arena_printf(a, "%s#%zu", rp->value_rows[k].id, r + 1);
			row->name = NULL;
		}
}

/* Record r's copy of one template cell: moved to the record's rows, its
 * text field filled in, its value bound to the record's row. */
static table_cell
record_cell(const table_def *t, const table_cell *c, size_t r,
            const char *const *texts)
{
	const table_repeat *rp = t->repeat;
	table_cell out = *c;

	out.row = rp->at + (int)r * rp->row_count + c->row;
	if (c->text_field >= 0)
		out.text = texts[r * rp->text_field_count + (size_t)c->text_field];
	out.text_field = -1;
	if (c->value_row >= 0)
		out.value_row = (int)table_repeat_row(t, r, (size_t)c->value_row);
	return out;
}

/* The fixed cells, those from repeat.at down moved below the records,
 * then each record's cells. */
static void
expand_cells(arena *a, const table_def *t, size_t n,
             const char *const *texts, table_def *x)
{
	const table_repeat *rp = t->repeat;
	size_t i, r, at = 0;

	x->cell_count = t->cell_count + n * rp->cell_count;
	x->cells = arena_calloc(a, x->cell_count + 1, sizeof(*x->cells));
	for (i = 0; i < t->cell_count; i++) {
		x->cells[at] = t->cells[i];
		if (x->cells[at].row >= rp->at)
			x->cells[at].row += (int)n * rp->row_count;
		at++;
	}
	for (r = 0; r < n; r++)
		for (i = 0; i < rp->cell_count; i++)
			x->cells[at++] = record_cell(t, &rp->cells[i], r, texts);
}

/* The layout's sums, then for each total a row sum over every record's
 * copy of its record row: what a description may leave out. */
static void
expand_sums(arena *a, const table_def *t, size_t n, table_def *x)
{
	const table_repeat *rp = t->repeat;
	size_t k, r;

	x->sums = arena_calloc(a, t->sum_count + rp->value_row_count + 1,
	                       sizeof(*x->sums));
	if (t->sum_count > 0)
		memcpy(x->sums, t->sums, t->sum_count * sizeof(*t->sums));
	x->sum_count = t->sum_count;
	for (k = 0; rp->totals != NULL && k < rp->value_row_count; k++) {
		value_sum *s;

		if (rp->totals[k] == NULL)
			continue;
		s = &x->sums[x->sum_count++];
		s->target = rp->totals[k];
		s->terms = arena_calloc(a, n + 1, sizeof(*s->terms));
		for (r = 0; r < n; r++)
			s->terms[r] = x->value_rows[table_repeat_row(t, r, k)].id;
		s->term_count = n;
		s->level = DIAG_ERROR;
		s->pos = rp->pos;
	}
}

const table_def *
table_repeat_expand(arena *a, const table_def *t, size_t record_count,
                    const char *const *texts, source_pos where,
                    diag_sink *diag)
{
	table_def *x;

	if (!within_limits(t, record_count, where, diag))
		return NULL;
	x = arena_alloc(a, sizeof(*x));
	*x = *t;
	x->repeat = NULL;
	x->row_count = t->row_count + (int)record_count * t->repeat->row_count;
	expand_value_rows(a, t, record_count, x);
	expand_cells(a, t, record_count, texts, x);
	expand_sums(a, t, record_count, x);
	return x;
}
