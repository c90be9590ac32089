/*
 * font_cache.h - fontconfig's answers to family lookups, kept between runs.
 *
 * Loading fontconfig (parsing its XML configuration, mapping its caches)
 * costs more than everything else font resolution does.  Its answers only
 * change when its configuration, its font directories or the environment
 * it reads change, so the answers a run got are kept in one small file,
 * $XDG_CACHE_HOME/gkreport/fonts (else ~/.cache/gkreport/fonts), stamped
 * with fontconfig's version, the environment variables it reads and the
 * modification time of every configuration file and directory and every
 * font directory it reported (fontconfig validates its own caches the same
 * way).  A later run whose stamp still matches answers the same lookups
 * from the file without loading fontconfig.
 *
 * Any mismatch, and any unreadable or damaged file, makes the cache empty:
 * the caller asks fontconfig and saves its answers again, written to a
 * temporary file and renamed over the old one.  When no cache directory is
 * writable nothing is saved and nothing is said.  GKREPORT_NO_FONT_CACHE
 * set to anything but "" or "0" turns the cache off.
 */
#ifndef GK_FONT_CACHE_H
#define GK_FONT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <fontconfig/fontconfig.h>

#include "arena.h"
#include "fonts.h"

/* A face fontconfig lists for a family, with its sort keys. */
typedef struct font_candidate {
	const char *family;
	const char *style;
	const char *path;
	int index;
	int weight_distance;        /* |weight - FC_WEIGHT_REGULAR| */
	bool italic;
	font_outline outline;       /* from fontconfig's font format */
} font_candidate;

typedef struct font_cache font_cache;

/* Reads the cache file into a; an empty cache when the file is missing,
 * damaged or stale.  NULL when GKREPORT_NO_FONT_CACHE turns caching off. */
font_cache *font_cache_load(arena *a);

/* Whether the loaded file answered anything (its stamp matched). */
bool font_cache_is_valid(const font_cache *cache);

/* The candidates the cache holds for family (and style, NULL for any),
 * in *out (*count of them); false when it holds no answer. */
bool font_cache_find(const font_cache *cache, const char *family,
                     const char *style, const font_candidate **out,
                     size_t *count);

/* Number of lookups the cache holds, and lookup i's family and style:
 * what to ask fontconfig again before saving. */
size_t font_cache_lookup_count(const font_cache *cache);
void font_cache_lookup(const font_cache *cache, size_t i,
                       const char **family, const char **style);

/* Records fontconfig's answer to a lookup, replacing an older one. */
void font_cache_store(font_cache *cache, const char *family,
                      const char *style, const font_candidate *list,
                      size_t count);

/* Writes every stored answer, stamped from fc, loaded at loaded_at
 * (CLOCK_REALTIME): nothing is written when a stamped file changed since
 * then (fontconfig may have seen it half-changed) or a name cannot be
 * written.  Failures are silent: the cache only saves time. */
void font_cache_save(font_cache *cache, FcConfig *fc,
                     const struct timespec *loaded_at);

#endif
