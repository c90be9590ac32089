/*
 * pages.c - building the content of a page.
 */
#include "pages.h"

/* Most builders hold one line or one table cell: a run or two.  Arrays
 * start this small and double, so a line does not zero kilobytes. */
#define FIRST_CAPACITY 4

void
page_builder_init(page_builder *b, arena *a)
{
	b->arena = a;
	b->runs = NULL;
	b->run_count = b->run_capacity = 0;
	b->rules = NULL;
	b->rule_count = b->rule_capacity = 0;
}

void
page_add_run(page_builder *b, const text_run *run)
{
	if (b->run_count == b->run_capacity) {
		size_t cap = b->run_capacity ? b->run_capacity * 2 : FIRST_CAPACITY;
		b->runs = arena_grow(b->arena, b->runs, b->run_count, cap,
		                     sizeof(*b->runs));
		b->run_capacity = cap;
	}
	b->runs[b->run_count++] = *run;
}

void
page_add_rule(page_builder *b, double x0, double y0, double x1, double y1,
              double width)
{
	rule *r;

	if (b->rule_count == b->rule_capacity) {
		size_t cap = b->rule_capacity ? b->rule_capacity * 2 : FIRST_CAPACITY;
		b->rules = arena_grow(b->arena, b->rules, b->rule_count, cap,
		                      sizeof(*b->rules));
		b->rule_capacity = cap;
	}
	r = &b->rules[b->rule_count++];
	r->x0 = x0;
	r->y0 = y0;
	r->x1 = x1;
	r->y1 = y1;
	r->width = width;
}

void
page_builder_finish(page_builder *b, page *p)
{
	p->runs = b->runs;
	p->run_count = b->run_count;
	p->rules = b->rules;
	p->rule_count = b->rule_count;
	page_builder_init(b, b->arena);
}
