/*
 * pages.h - the positioned boxes that lay-out produces and the PDF writer
 * draws.  Nothing here knows what a report is: pages hold text runs and
 * rules at absolute positions (PDF user space: points, origin bottom-left).
 */
#ifndef GK_PAGES_H
#define GK_PAGES_H

#include <stddef.h>

#include "arena.h"

typedef struct text_run {
	int font;                    /* index into pages.fonts */
	double size;                 /* pt */
	double x, y;                 /* baseline origin of the first glyph */
	double char_spacing;         /* extra pt after every glyph (PDF Tc) */
	int rotation;                /* 0, or 90: turned counter-clockwise */
	double gray;                 /* fill: 0 = black (the default), 1 = white */
	const char *text;            /* UTF-8, no control characters */
	size_t length;               /* bytes */
} text_run;

typedef struct rule {
	double x0, y0, x1, y1;       /* a straight segment */
	double width;                /* pt */
} rule;

typedef struct page {
	double width, height;
	text_run *runs;
	size_t run_count;
	rule *rules;
	size_t rule_count;
} page;

typedef struct page_font {
	const char *path;            /* TrueType file */
	int face_index;
} page_font;

/* A bookmark: a heading and where it stands. */
typedef struct outline_entry {
	int level;                   /* 1 = chapter (一、), 2 = sub-heading (（一）) */
	const char *title;           /* UTF-8, as printed */
	size_t page;                 /* index into pages.items */
	double top;                  /* top of the heading's line, PDF user space */
} outline_entry;

typedef struct pages {
	page *items;
	size_t count;
	const page_font *fonts;
	size_t font_count;
	const outline_entry *outline;  /* in document order */
	size_t outline_count;
} pages;

/* Collects the content of one page while it is being laid out. */
typedef struct page_builder {
	arena *arena;
	text_run *runs;
	size_t run_count, run_capacity;
	rule *rules;
	size_t rule_count, rule_capacity;
} page_builder;

void page_builder_init(page_builder *b, arena *a);
void page_add_run(page_builder *b, const text_run *run);
void page_add_rule(page_builder *b, double x0, double y0, double x1,
                   double y1, double width);
/* Moves the collected content into p (which keeps its width/height). */
void page_builder_finish(page_builder *b, page *p);

#endif
