/*
 * cache_dir.h - where gkreport keeps what it learns between runs.
 *
 * Every cache lives under $XDG_CACHE_HOME/gkreport (else
 * ~/.cache/gkreport): fontconfig's answers (font_cache.h), face
 * summaries (face_summary.h), prepared layout trees (yaml_tree.h).  Each
 * only saves time: a missing, stale or damaged entry is rebuilt, and
 * nothing is said when the folder cannot be written.
 * GKREPORT_NO_FONT_CACHE set to anything but "" or "0" turns all of them
 * off (the name is older than the other caches).
 */
#ifndef GK_CACHE_DIR_H
#define GK_CACHE_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

/* Whether GKREPORT_NO_FONT_CACHE turns caching off. */
bool cache_dir_disabled(void);

/* $XDG_CACHE_HOME/gkreport/name (else ~/.cache/gkreport/name), in a;
 * NULL when caching is off or neither variable names an absolute
 * folder. */
const char *cache_dir_path(arena *a, const char *name);

/* Makes every missing folder from the cache base down to the one that
 * holds path (a path cache_dir_path gave, or below one), private to the
 * user.  False when one cannot be made. */
bool cache_dir_make_parents(const char *path);

/* Writes data to a temporary file beside path (its folders made as
 * cache_dir_make_parents makes them) and renames it over path, so that
 * a reader sees the old file or the new one, never a part.  False, with
 * nothing left behind, when any step fails. */
bool cache_dir_replace(const char *path, const void *data, size_t size);

#endif
