/*
 * check.h - the consistency rules (勾稽关系) a layout declares, evaluated on
 * a loaded report: sums and equalities over named rows and columns, the
 * prose-versus-table figures, and the rules that compare a report with the
 * same agency's report of the year before.
 *
 * C knows rule shapes (a sum per column, per row, a zero condition, a
 * pattern in the prose); the layout names the rows, columns and words.
 */
#ifndef GK_CHECK_H
#define GK_CHECK_H

#include <stdbool.h>

#include "diag.h"
#include "report.h"

/* Evaluates every rule of the report's layout; previous (the year before,
 * same layout) may be NULL, and then the cross-year rules are skipped.
 * Every failure is reported through diag with its rule id, at the position
 * of the offending value (or of the table when the value is derived).
 * Returns false when an error-level rule failed. */
bool check_report(const report *r, const report *previous, diag_sink *diag);

#endif
