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

/* fonts holds one face per layout font role, in layout order; mark may be
 * NULL.  Returns NULL after diagnostics (e.g. a character no font has). */
const pages *typeset_report(arena *a, const report *r, const font_set *fonts,
                            const page_mark *mark, diag_sink *diag);

#endif
