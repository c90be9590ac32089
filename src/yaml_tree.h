/*
 * yaml_tree.h - a YAML (and so JSON) file as a tree of positioned nodes.
 *
 * libyaml's event stream is turned into an immutable tree in which every
 * node remembers where it starts, so every later stage can point a
 * diagnostic at the exact line and column.  The loader rejects what
 * gkreport files never need and what makes hostile input expensive:
 * aliases, duplicate keys, invalid UTF-8, nesting deeper than
 * YAML_TREE_MAX_DEPTH and files larger than YAML_TREE_MAX_BYTES.
 *
 * Data files that change rarely (layouts, fonts/roles.yaml) can skip the
 * parse: their trees are kept between runs, one binary file per source
 * under $XDG_CACHE_HOME/gkreport/trees/ (else ~/.cache/gkreport/trees/),
 * named by a 64-bit hash of the source bytes.  A file holds only when it
 * was written by the same gkreport and libyaml in the same format, for
 * the same source: its size and every byte, stored in the file and
 * compared in full, so a hash collision only costs a parse.  A checksum
 * covers the rest and every count is checked before it is used; anything
 * else makes the file a miss, and the caller parses and saves again (to
 * a temporary file renamed over the old one).  Every edit of a file is a
 * new entry, so beyond 64 the oldest written are removed.  Nothing is
 * said when no cache folder is writable; GKREPORT_NO_FONT_CACHE
 * (cache_dir.h) turns this cache off with the font caches.  Descriptions
 * are never cached.
 */
#ifndef GK_YAML_TREE_H
#define GK_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

#define YAML_TREE_MAX_DEPTH 64
#define YAML_TREE_MAX_BYTES (16u * 1024u * 1024u)

typedef enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQUENCE,
	YNODE_MAPPING
} ynode_kind;

typedef struct ynode ynode;

typedef struct ypair {
	const ynode *key;    /* always a scalar */
	const ynode *value;
} ypair;

struct ynode {
	ynode_kind kind;
	source_pos pos;          /* where the node starts (1-based) */
	/* scalars */
	const char *text;        /* NUL-terminated, valid UTF-8 */
	size_t length;           /* bytes, without the NUL */
	bool plain;              /* written without quotes: `12` may be a number, `"12"` is text */
	/* sequences */
	const ynode **items;
	size_t count;
	/* mappings, in file order */
	const ypair *pairs;
	size_t pair_count;
};

/* Parses a file ("-" reads standard input, shown as "<stdin>").  Returns the
 * root node, or NULL after reporting every problem through diag.  An empty
 * document is reported as an error. */
const ynode *yaml_tree_load_file(arena *a, const char *path, diag_sink *diag);

/* Reads a file ("-" = standard input, shown as "<stdin>") whole into the
 * arena, at most YAML_TREE_MAX_BYTES + 1 bytes: a regular file or a pipe;
 * a directory, device or socket is refused.  NULL after a diagnostic
 * naming the file; *size receives the byte count. */
char *yaml_tree_read_file(arena *a, const char *path, size_t *size,
                          diag_sink *diag);

/* Parses a buffer; display_name is used in positions. */
const ynode *yaml_tree_load_buffer(arena *a, const char *display_name,
                                   const char *data, size_t size,
                                   diag_sink *diag);

/* The tree the cache holds for data (size bytes), rebuilt in a with every
 * position naming display_name, exactly as yaml_tree_load_buffer would
 * build it; NULL when the cache holds none (or is off). */
const ynode *yaml_tree_cache_load(arena *a, const char *display_name,
                                  const char *data, size_t size);

/* Saves root, the tree data (size bytes) parsed into, to the cache.  Only
 * for a tree whose parse reported nothing: a hit replays no diagnostic.
 * Failures are silent: the cache only saves time. */
void yaml_tree_cache_save(arena *a, const ynode *root, const char *data,
                          size_t size);

/* The cache file that would hold data's tree, or NULL when the cache is
 * off or has no folder (tests damage it). */
const char *yaml_tree_cache_file(arena *a, const char *data, size_t size);

/* yaml_tree_load_buffer, answered from the cache when it can be;
 * *from_cache says which.  Never saves: the caller saves a parsed tree
 * with yaml_tree_cache_save once it has checked what it describes (an
 * erroneous layout is never kept). */
const ynode *yaml_tree_load_buffer_cached(arena *a, const char *display_name,
                                          const char *data, size_t size,
                                          bool *from_cache, diag_sink *diag);

/* yaml_tree_load_file through the cache, saving a parse that reported
 * nothing (whatever the caller checks in the tree it checks again in a
 * cached one, with the same positions). */
const ynode *yaml_tree_load_file_cached(arena *a, const char *path,
                                        diag_sink *diag);

/* "scalar", "sequence" or "mapping", for messages. */
const char *ynode_kind_name(ynode_kind kind);

/* The value stored under key in a mapping, or NULL. */
const ynode *ynode_get(const ynode *mapping, const char *key);

/* The key node for key in a mapping (to point a message at it), or NULL. */
const ynode *ynode_get_key(const ynode *mapping, const char *key);

/* Reports "WHAT must be a KIND, not a OTHER" when node is not of kind. */
bool ynode_expect(const ynode *node, ynode_kind kind, const char *what,
                  diag_sink *diag);

/* Reports every key of mapping not listed in allowed (NULL-terminated) as
 * "unknown key 'x' in WHAT", adding "(did you mean 'y'?)" when a listed key
 * is close.  Returns false if any was unknown. */
bool ynode_check_keys(const ynode *mapping, const char *const *allowed,
                      const char *what, diag_sink *diag);

/* Reports "WHAT: missing required key 'KEY'" at the mapping when absent. */
const ynode *ynode_require(const ynode *mapping, const char *key,
                           const char *what, diag_sink *diag);

/* A non-empty scalar string, or an error naming what. */
bool ynode_to_string(const ynode *node, const char *what, const char **out,
                     diag_sink *diag);

/* A plain scalar holding a decimal integer in [min, max]. */
bool ynode_to_long(const ynode *node, long min, long max, const char *what,
                   long *out, diag_sink *diag);

/* A plain scalar holding a decimal number (e.g. 16, 10.5). */
bool ynode_to_double(const ynode *node, const char *what, double *out,
                     diag_sink *diag);

/* A length with a unit: "37mm", "2.5cm", "16pt", "1in"; returns points. */
bool ynode_to_length(const ynode *node, const char *what, double *points,
                     diag_sink *diag);

/* The closest of candidates (NULL-terminated) to word, counting edits in
 * code points, or NULL when none is close; for "did you mean" hints. */
const char *ynode_suggest(const char *word, const char *const *candidates);

/* Parses text[0..length) as an optionally signed decimal ("16", "10.5",
 * "-2"; no exponent, no hex).  Returns false when it is anything else. */
bool yaml_parse_decimal(const char *text, size_t length, double *out);

/* Parses a non-negative length with a unit (mm, cm, pt, in) into points. */
bool yaml_parse_length(const char *text, size_t length, double *points);

/* true/false (also yes/no). */
bool ynode_to_bool(const ynode *node, const char *what, bool *out,
                   diag_sink *diag);

#endif
