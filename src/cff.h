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

#endif
