/*
 * overview.c - a batch's reports summed up as a description of the
 * overview layout.
 */
#include "overview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "derive.h"
#include "json.h"

/* A malloc'd copy of s. */
static char *
copy(const char *s)
{
	return checked_memory(strdup(s != NULL ? s : ""));
}

/* The number of values of one record of t's repeat. */
static size_t
record_value_count(const table_repeat *rp)
{
	size_t n = 0;

	for (size_t k = 0; k < rp->value_row_count; k++)
		n += rp->value_rows[k].column_count;
	return n;
}

/* True when every field of the repeat has a source: the batch can fill
 * a whole record. */
static bool
repeat_fully_sourced(const table_repeat *rp)
{
	for (size_t f = 0; f < rp->text_field_count; f++)
		if (rp->text_sources[f].property == NULL)
			return false;
	for (size_t k = 0; k < rp->value_row_count; k++)
		for (size_t c = 0; c < rp->value_rows[k].column_count; c++)
			if (rp->value_sources[k][c].cell_count == 0)
				return false;
	return true;
}

const table_def *
overview_table(const layout *l, diag_sink *diag)
{
	for (size_t i = 0; i < l->table_count; i++)
		if (l->tables[i].repeat != NULL &&
		    repeat_fully_sourced(l->tables[i].repeat))
			return &l->tables[i];
	diag_error(diag, source_pos_file(l->path), "layout %s has no table with "
	           "a repeat whose every field has a source, so it cannot be "
	           "an overview", l->name);
	return NULL;
}

/* The values of table id in r, or NULL when r has no such table. */
static const table_values *
find_table(const report *r, const char *id)
{
	for (size_t i = 0; i < r->block_count; i++)
		if (r->blocks[i].kind == BLOCK_TABLE &&
		    strcmp(r->blocks[i].table->table->id, id) == 0)
			return r->blocks[i].table;
	return NULL;
}

/* Appends "表 row/column" to *missing, the sources a report lacked. */
static void
note_missing(char **missing, const source_cell *sc)
{
	char *grown = NULL;

	if (asprintf(&grown, "%s%s%s %s/%s", *missing ? *missing : "",
	             *missing ? ", " : "", sc->table, sc->row, sc->column) < 0)
		checked_memory(NULL);
	free(*missing);
	*missing = grown;
}

/* The sum of the source cells of one value in r, as text of kind; a
 * cell r lacks counts 0 and is noted in *missing. */
static char *
sum_source(arena *a, const report *r, const field_source *fs,
           value_kind kind, char **missing)
{
	exact_decimal sum = { 0, 0 }, term;

	for (size_t i = 0; i < fs->cell_count; i++) {
		const source_cell *sc = &fs->cells[i];
		const cell_value *v = report_cell(find_table(r, sc->table), sc->row,
		                                  sc->column);

		if (v == NULL || !v->present ||
		    !exact_decimal_parse(v->text, &term) ||
		    !exact_decimal_add(&sum, term))
			note_missing(missing, sc);
	}
	return copy(exact_decimal_format(a, sum, kind));
}

/* "通过", or the number of warnings the report's checks gave. */
static char *
status_text(int warnings)
{
	char *s = NULL;

	if (warnings == 0)
		return copy("通过");
	if (asprintf(&s, "%d条警告", warnings) < 0)
		checked_memory(NULL);
	return s;
}

/* The text of a report property for a text field. */
static char *
property_text(const char *property, const report *r, const char *file,
              int warnings)
{
	char *s = NULL;

	if (strcmp(property, "agency") == 0)
		return copy(r->agency);
	if (strcmp(property, "file") == 0)
		return copy(file);
	if (strcmp(property, "status") == 0)
		return status_text(warnings);
	if (asprintf(&s, "%d", r->year) < 0)
		checked_memory(NULL);
	return s;
}

overview_record *
overview_record_take(const table_def *t, const report *r, const char *file,
                     int warnings, size_t order)
{
	const table_repeat *rp = t->repeat;
	overview_record *rec = checked_memory(calloc(1, sizeof(*rec)));
	arena *a = arena_create();
	size_t n = 0;

	rec->order = order;
	rec->agency = copy(r->agency);
	rec->year = r->year;
	rec->signoff = r->signoff_date;
	rec->texts = checked_memory(calloc(rp->text_field_count + 1, sizeof(char *)));
	for (size_t f = 0; f < rp->text_field_count; f++)
		rec->texts[f] = property_text(rp->text_sources[f].property, r, file,
		                              warnings);
	rec->values = checked_memory(calloc(record_value_count(rp) + 1, sizeof(char *)));
	for (size_t k = 0; k < rp->value_row_count; k++)
		for (size_t c = 0; c < rp->value_rows[k].column_count; c++)
			rec->values[n++] = sum_source(a, r, &rp->value_sources[k][c],
			                              rp->value_rows[k].kind,
			                              &rec->missing);
	arena_destroy(a);
	return rec;
}

void
overview_record_free(overview_record *rec, const table_def *t)
{
	if (rec == NULL)
		return;
	for (size_t f = 0; f < t->repeat->text_field_count; f++)
		free(rec->texts[f]);
	for (size_t i = 0; i < record_value_count(t->repeat); i++)
		free(rec->values[i]);
	free(rec->texts);
	free(rec->values);
	free(rec->agency);
	free(rec->missing);
	free(rec);
}

/* ---- the description ------------------------------------------------- */

/* Orders records by agency, then by input position: the overview's row
 * order, the same for the same inputs. */
static int
compare_records(const void *left, const void *right)
{
	const overview_record *a = *(overview_record *const *)left;
	const overview_record *b = *(overview_record *const *)right;
	int c = strcmp(a->agency, b->agency);

	if (c != 0)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Writes one record as a JSON mapping keyed like the repeat's fields. */
static void
write_record(FILE *out, const table_repeat *rp, const overview_record *rec)
{
	size_t n = 0;

	fputc('{', out);
	for (size_t f = 0; f < rp->text_field_count; f++) {
		fputs(f ? ", " : "", out);
		json_write_string(out, rp->text_fields[f]);
		fputs(": ", out);
		json_write_string(out, rec->texts[f]);
	}
	for (size_t k = 0; k < rp->value_row_count; k++) {
		fputs(rp->text_field_count + k ? ", " : "", out);
		json_write_string(out, rp->value_rows[k].id);
		fputs(": [", out);
		for (size_t c = 0; c < rp->value_rows[k].column_count; c++)
			fprintf(out, "%s%s", c ? ", " : "", rec->values[n++]);
		fputc(']', out);
	}
	fputc('}', out);
}

/* The year most records have; ties go to the later year. */
static int
common_year(overview_record *const *records, size_t count)
{
	int best = 0, best_count = 0;

	for (size_t i = 0; i < count; i++) {
		int n = 0;

		for (size_t k = 0; k < count; k++)
			n += records[k]->year == records[i]->year;
		if (n > best_count || (n == best_count && records[i]->year > best)) {
			best = records[i]->year;
			best_count = n;
		}
	}
	return best;
}

/* The latest sign-off date of the records, else 1 January after year:
 * dates come from the inputs, never the clock. */
static date
latest_signoff(overview_record *const *records, size_t count, int year)
{
	date d = { year + 1, 1, 1 };
	bool any = false;

	for (size_t i = 0; i < count; i++) {
		date s = records[i]->signoff;

		if (s.year == 0)
			continue;
		if (!any || s.year > d.year || (s.year == d.year &&
		    (s.month > d.month || (s.month == d.month && s.day > d.day))))
			d = s;
		any = true;
	}
	return d;
}

/* The sentence of the other chapters: what the table sums and which
 * inputs it leaves out. */
static void
write_explanation(FILE *out, size_t count, const char *const *failed,
                  size_t failed_count)
{
	fprintf(out, "\"本表汇总%zu份报告，按单位名称排序；合计行为各列之和。", count);
	if (failed_count > 0) {
		fprintf(out, "另有%zu份描述未能排版，未列入本表：", failed_count);
		for (size_t i = 0; i < failed_count; i++) {
			char *quoted = NULL;
			size_t size = 0;
			FILE *q = open_memstream(&quoted, &size);

			json_write_string(q, failed[i]);
			fclose(q);
			quoted[strlen(quoted) - 1] = '\0';
			fprintf(out, "%s%s", i ? "、" : "", quoted + 1);
			free(quoted);
		}
		fputs("。", out);
	}
	fputc('"', out);
}

/* The chapters: the repeated table's chapter gets the records, every
 * other chapter the explanation. */
static void
write_chapters(FILE *out, const layout *l, const table_def *t,
               overview_record *const *records, size_t count,
               const char *const *failed, size_t failed_count)
{
	fputs("\"chapters\": {", out);
	for (size_t ch = 0; ch < l->chapter_count; ch++) {
		const chapter_def *c = &l->chapters[ch];

		fputs(ch ? ",\n" : "\n", out);
		json_write_string(out, c->id);
		fputs(": ", out);
		if (c->table >= 0 && &l->tables[c->table] == t) {
			fputs("[{\"table\": {\"" TABLE_RECORDS_KEY "\": [", out);
			for (size_t i = 0; i < count; i++) {
				fputs(i ? ",\n" : "\n", out);
				write_record(out, t->repeat, records[i]);
			}
			fputs("]}}]", out);
		} else {
			write_explanation(out, count, failed, failed_count);
		}
	}
	fputs("}", out);
}

/* A warning in diag for each record whose report lacked a source. */
static void
report_missing(overview_record *const *records, size_t count,
               diag_sink *diag)
{
	for (size_t i = 0; i < count; i++)
		if (records[i]->missing != NULL)
			diag_warning(diag, source_pos_file(NULL), "overview: %s has no "
			             "%s; counted as 0", records[i]->agency,
			             records[i]->missing);
}

char *
overview_description(const layout *l, const table_def *t,
                     overview_record **records, size_t count,
                     const char *agency, const char *const *failed,
                     size_t failed_count, size_t *size, diag_sink *diag)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, size);
	int year = common_year(records, count);
	date d = latest_signoff(records, count, year);

	checked_memory(out);
	qsort(records, count, sizeof(*records), compare_records);
	report_missing(records, count, diag);
	fputs("{\"layout\": ", out);
	json_write_string(out, l->name);
	fputs(", \"agency\": ", out);
	json_write_string(out, agency);
	fprintf(out, ", \"year\": %d,\n", year);
	write_chapters(out, l, t, records, count, failed, failed_count);
	fprintf(out, ",\n\"signoff\": {\"date\": \"%04d-%02d-%02d\"}}\n", d.year,
	        d.month, d.day);
	fclose(out);
	return text;
}
