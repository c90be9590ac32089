/*
 * arena.c - a bump allocator over a list of chunks.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_CHUNK (64 * 1024)

typedef struct chunk {
	struct chunk *next;
	size_t size;
	size_t used;
	max_align_t data[];
} chunk;

/* A release arena_destroy runs; the list lives in the arena itself. */
typedef struct cleanup {
	struct cleanup *next;
	void (*release)(void *data);
	void *data;
} cleanup;

struct arena {
	chunk *head;
	size_t total;
	cleanup *cleanups;           /* newest first */
};

static void
out_of_memory(void)
{
	fputs("gkreport: error: out of memory\n", stderr);
	exit(1);
}

void *
checked_memory(void *p)
{
	if (p == NULL)
		out_of_memory();
	return p;
}

arena *
arena_create(void)
{
	arena *a = calloc(1, sizeof(*a));

	if (a == NULL)
		out_of_memory();
	return a;
}

void
arena_destroy(arena *a)
{
	chunk *c, *next;

	if (a == NULL)
		return;
	for (cleanup *k = a->cleanups; k != NULL; k = k->next)
		k->release(k->data);
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

static chunk *
new_chunk(arena *a, size_t need)
{
	size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
	chunk *c = malloc(sizeof(*c) + size);

	if (c == NULL)
		out_of_memory();
	c->size = size;
	c->used = 0;
	c->next = a->head;
	a->head = c;
	return c;
}

/* size rounded up to the alignment; at least one unit, so that every
 * allocation has an address of its own. */
static size_t
round_up(size_t size)
{
	size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	return rounded == 0 ? ARENA_ALIGN : rounded;
}

void *
arena_alloc(arena *a, size_t size)
{
	chunk *c = a->head;
	size_t rounded;
	void *p;

	if (size > SIZE_MAX - ARENA_ALIGN)
		out_of_memory();
	rounded = round_up(size);
	if (c == NULL || c->size - c->used < rounded)
		c = new_chunk(a, rounded);
	p = (char *)c->data + c->used;
	c->used += rounded;
	a->total += rounded;
	memset(p, 0, size);
	return p;
}

void *
arena_calloc(arena *a, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		out_of_memory();
	return arena_alloc(a, count * size);
}

void *
arena_grow(arena *a, const void *old, size_t old_count, size_t new_count,
           size_t size)
{
	void *p = arena_calloc(a, new_count, size);

	if (old != NULL && old_count > 0)
		memcpy(p, old, (old_count < new_count ? old_count : new_count) * size);
	return p;
}

char *
arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

/* Formats into the free end of the newest chunk when the text fits,
 * so that most strings are formatted once, not measured first. */
char *
arena_printf(arena *a, const char *fmt, ...)
{
	chunk *c = a->head;
	size_t room = c != NULL ? c->size - c->used : 0;
	char *p = c != NULL ? (char *)c->data + c->used : NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	if ((size_t)n < room) {
		/* used and size are multiples of ARENA_ALIGN: this fits too */
		size_t rounded = round_up((size_t)n + 1);

		c->used += rounded;
		a->total += rounded;
		return p;
	}
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_on_destroy(arena *a, void (*release)(void *data), void *data)
{
	cleanup *k = arena_alloc(a, sizeof(*k));

	k->release = release;
	k->data = data;
	k->next = a->cleanups;
	a->cleanups = k;
}

size_t
arena_used(const arena *a)
{
	return a->total;
}
