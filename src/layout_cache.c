/*
 * layout_cache.c - each layout file loaded once, shared read-only.
 */
#include "layout_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* One loaded layout and the arena that owns it. */
typedef struct cached_layout {
	char *path;                  /* the resolved file: the key */
	arena *owner;
	const layout *l;
} cached_layout;

struct layout_cache {
	pthread_mutex_t lock;        /* guards entries and count */
	char *data_dir;
	cached_layout *entries;
	size_t count, capacity;
};

layout_cache *
layout_cache_create(const char *data_dir)
{
	layout_cache *c = checked_memory(calloc(1, sizeof(*c)));

	pthread_mutex_init(&c->lock, NULL);
	c->data_dir = checked_memory(strdup(data_dir != NULL ? data_dir : "."));
	return c;
}

void
layout_cache_free(layout_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->count; i++) {
		free(c->entries[i].path);
		arena_destroy(c->entries[i].owner);
	}
	free(c->entries);
	free(c->data_dir);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The entry for path, or NULL; the caller holds the lock. */
static const layout *
find_locked(const layout_cache *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		if (strcmp(c->entries[i].path, path) == 0)
			return c->entries[i].l;
	return NULL;
}

/* Loads path into an arena of its own and keeps it; NULL (nothing kept)
 * after the load's diagnostics.  The caller holds the lock. */
static const layout *
load_locked(layout_cache *c, const char *path, diag_sink *diag)
{
	arena *owner = arena_create();
	const layout *l = layout_load_file(owner, path, diag);

	if (l == NULL) {
		arena_destroy(owner);
		return NULL;
	}
	if (c->count == c->capacity) {
		c->capacity = c->capacity ? 2 * c->capacity : 4;
		c->entries = checked_memory(realloc(c->entries,
		                             c->capacity * sizeof(*c->entries)));
	}
	c->entries[c->count++] = (cached_layout){ checked_memory(strdup(path)), owner, l };
	return l;
}

const layout *
layout_cache_get(layout_cache *c, arena *scratch, const char *name,
                 const char *base_dir, source_pos where, diag_sink *diag)
{
	const char *path = layout_resolve_path(scratch, name, c->data_dir,
	                                       base_dir, where, diag);
	const layout *l;

	if (path == NULL)
		return NULL;
	pthread_mutex_lock(&c->lock);
	l = find_locked(c, path);
	if (l == NULL)
		l = load_locked(c, path, diag);
	pthread_mutex_unlock(&c->lock);
	return l;
}

size_t
layout_cache_count(layout_cache *c)
{
	size_t n;

	pthread_mutex_lock(&c->lock);
	n = c->count;
	pthread_mutex_unlock(&c->lock);
	return n;
}
