/*
 * overview.h - the district overview of a batch: one row per office with
 * its key figures and check status, built as a description of the
 * overview layout (layouts/district-overview.yaml) and typeset like any
 * report.
 *
 * Which figure goes into which column is the layout's: its repeated
 * table's `sources` name, per record field, a report property or the
 * [table, row, column] values of each report to add up.  C only copies.
 */
#ifndef GK_OVERVIEW_H
#define GK_OVERVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "layout.h"
#include "report.h"

/* The overview layout's name, looked up like any layout. */
#define OVERVIEW_LAYOUT "district-overview"

/* One report's row of the overview, with everything copied out of the
 * report (whose memory is freed right after). */
typedef struct overview_record {
	size_t order;                /* the input's position: ties sort by it */
	char *agency;
	int year;
	date signoff;
	char **texts;                /* per text field of the repeat */
	char **values;               /* per record value, row-major */
	char *missing;               /* sources the report lacked, or NULL */
} overview_record;

/* The table of l the overview fills: the first with a repeat whose
 * every field has a source.  NULL after an error naming the layout. */
const table_def *overview_table(const layout *l, diag_sink *diag);

/* Copies the row of report r (input file, warnings counted) for table t
 * (malloc'd; overview_record_free).  Safe to call from any thread. */
overview_record *overview_record_take(const table_def *t, const report *r,
                                      const char *file, int warnings,
                                      size_t order);

void overview_record_free(overview_record *rec, const table_def *t);

/* The overview's description as JSON (malloc'd, *size bytes): layout l,
 * agency as given, the most common year, the latest sign-off date, the
 * records sorted by agency (ties in input order; records is sorted in
 * place), and in each other chapter a sentence saying how many reports
 * the table sums and which inputs failed.  A record's missing sources
 * become warnings in diag. */
char *overview_description(const layout *l, const table_def *t,
                           overview_record **records, size_t count,
                           const char *agency,
                           const char *const *failed, size_t failed_count,
                           size_t *size, diag_sink *diag);

#endif
