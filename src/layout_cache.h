/*
 * layout_cache.h - layouts shared by many documents (gkreport batch).
 *
 * Each layout file is loaded once, into the cache's own arena, and is
 * immutable afterwards: every stage takes `const layout *` and nothing
 * writes into one, so any number of threads may read it at once.  (A
 * text rule's compiled regex is shared too: regexec may run on it from
 * any thread, as POSIX requires.)
 */
#ifndef GK_LAYOUT_CACHE_H
#define GK_LAYOUT_CACHE_H

#include "arena.h"
#include "diag.h"
#include "layout.h"

typedef struct layout_cache layout_cache;

/* An empty cache looking layouts up by name as layout_load_named does,
 * with data_dir (copied) as DATA_DIR.  Exits on out of memory. */
layout_cache *layout_cache_create(const char *data_dir);

/* Frees every layout the cache loaded; no document may use one after. */
void layout_cache_free(layout_cache *c);

/* The layout a description's reference names, loaded on first use and
 * shared afterwards; scratch (the document's arena) holds only the path
 * lookup.  A failed load is not kept, so every document naming a broken
 * layout gets its own diagnostics.  Thread-safe. */
const layout *layout_cache_get(layout_cache *c, arena *scratch,
                               const char *name, const char *base_dir,
                               source_pos where, diag_sink *diag);

/* How many layouts the cache holds (tests). */
size_t layout_cache_count(layout_cache *c);

#endif
