/*
 * arena.h - one memory owner per document.
 *
 * Everything a document needs (its parsed files, its report tree, its
 * pages) is allocated from one arena and freed at once, so error paths
 * cannot leak.  Allocation failure prints a message and exits with status
 * 1: there is no sensible recovery for a typesetter that ran out of memory.
 */
#ifndef GK_ARENA_H
#define GK_ARENA_H

#include <stddef.h>

typedef struct arena arena;

arena *arena_create(void);
void arena_destroy(arena *a);

/* Zero-filled, aligned for any type. */
void *arena_alloc(arena *a, size_t size);
/* Zero-filled array; count * size is checked for overflow. */
void *arena_calloc(arena *a, size_t count, size_t size);
/* A copy of old (old_count elements) in a new array of new_count elements. */
void *arena_grow(arena *a, const void *old, size_t old_count,
                 size_t new_count, size_t size);

/* p, unless it is NULL: then the arena's out-of-memory exit.  For memory
 * that lives outside an arena (malloc, strdup, open_memstream) and has no
 * more recovery than the arena's own. */
void *checked_memory(void *p);

char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Runs release(data) when a is destroyed, the last registered first:
 * for what lives outside the arena but belongs with it (a compiled
 * regex of a layout). */
void arena_on_destroy(arena *a, void (*release)(void *data), void *data);

/* Bytes handed out so far (for tests and the benchmark). */
size_t arena_used(const arena *a);

#endif
