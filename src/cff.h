/*
 * cff.h - reads the parts of a CFF font program (the bare 'CFF ' table)
 * that a PDF CIDFontType0 needs: the glyph count, the Registry-Ordering-
 * Supplement of a CID-keyed font, and the charset, which gives each glyph
 * its CID.  For a CID-keyed font such as Fandol (Adobe-GB1) the CID is not
 * the glyph index, and a PDF content stream shows CIDs; a name-keyed font
 * has no CIDs, so there the glyph index stands in for one.
 */
#ifndef GK_CFF_H
#define GK_CFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define CFF_NAME_MAX 64

typedef struct cff_info {
	bool cid_keyed;              /* the Top DICT has ROS */
	char registry[CFF_NAME_MAX]; /* "Adobe" (also for name-keyed fonts) */
	char ordering[CFF_NAME_MAX]; /* "GB1", "Identity" */
	int supplement;
	unsigned glyph_count;        /* CharStrings INDEX count */
	uint16_t *cid_of_glyph;      /* glyph_count entries; identity if name-keyed */
} cff_info;

/* Parses a CFF table of size bytes.  Returns false (with *why set to a
 * static reason) when it is not a well-formed CFF of version 1, e.g. a
 * truncated INDEX or a charset running past the end. */
bool cff_read(arena *a, const unsigned char *data, size_t size,
              cff_info *out, const char **why);

/* One INDEX: where its data starts and its count + 1 offsets. */
typedef struct cff_index {
	size_t start;                /* offset of the first offset entry */
	unsigned count;
	unsigned off_size;
	size_t data_base;            /* offsets are relative to data_base + 1 */
	size_t end;                  /* first byte after the INDEX */
} cff_index;

/* Pieces of the reader for the subset writer (cff_subset.c), every
 * offset checked against size (or end).  cff_index_find gives the count
 * of the INDEX at offset and the first byte after it; cff_index_item the
 * extent [*from, *to) of its entry i.  For many look-ups in one INDEX,
 * cff_index_read reads its header once and cff_index_entry gives its
 * entry i from there. */
bool cff_index_find(const unsigned char *data, size_t size, size_t offset,
                    unsigned *count, size_t *end);
bool cff_index_item(const unsigned char *data, size_t size, size_t offset,
                    unsigned i, size_t *from, size_t *to);
bool cff_index_read(const unsigned char *data, size_t size, size_t offset,
                    cff_index *ix);
bool cff_index_entry(const unsigned char *data, size_t size,
                     const cff_index *ix, unsigned i, size_t *from, size_t *to);

/* The CIDs (into cids) of count glyphs, ascending and below the glyph
 * count, from the charset at offset of a CID-keyed font: for a subset,
 * which needs a few glyphs' CIDs out of 65535, read only as far as the
 * last of them. */
bool cff_charset_cids(const unsigned char *data, size_t size, size_t offset,
                      const uint32_t *glyphs, unsigned count, uint16_t *cids);

/* One DICT entry from *p: up to max operands (integers; reals read as 0)
 * and the operator (12 x as 0x0C00 | x); *p moves past it. */
bool cff_dict_entry(const unsigned char *data, size_t end, size_t *p,
                    long *operands, size_t max, size_t *n, unsigned *op);

/* One DICT operand at *p (below end) that must be an integer, such as a
 * string's SID; *p moves past it.  False for a real or a malformed
 * number. */
bool cff_dict_integer(const unsigned char *data, size_t end, size_t *p,
                      long *value);

#endif
