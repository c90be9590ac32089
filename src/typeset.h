/*
 * typeset.h - lays a report out on pages: title, headings, paragraphs,
 * tables and the sign-off, paginated, with page numbers.
 */
#ifndef GK_TYPESET_H
#define GK_TYPESET_H

#include "arena.h"
#include "diag.h"
#include "fonts.h"
#include "pages.h"
#include "report.h"

/* fonts holds one face per layout font role, in layout order.  Returns
 * NULL after diagnostics (e.g. a character no font has). */
const pages *typeset_report(arena *a, const report *r, const font_set *fonts,
                            diag_sink *diag);

#endif
