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

/* A mark set on every page, centred in the top margin (天头) in the
 * title's font, well clear of the text: a draft's "草稿". */
typedef struct page_mark {
	const char *text;            /* UTF-8; NULL = no mark */
	double gray;                 /* 0 = black .. 1 = white */
} page_mark;

/* fonts holds one chain of faces per layout font role, in layout order;
 * a character its role's first face lacks is set in the next face of the
 * chain that has it, with one note per role.  mark may be NULL.  Returns
 * NULL after diagnostics (e.g. a character no font of its role has). */
const pages *typeset_report(arena *a, const report *r, const font_set *fonts,
                            const page_mark *mark, diag_sink *diag);

#endif
