/*
 * batch_names.h - the file names a batch writes: from a pattern over each
 * description's agency, year and file name, made safe to use as one name
 * inside the output folder, and made unique in input order.
 *
 * Agency names are user data.  Whatever they hold, a name made here is
 * one path component: no '/', no leading '.', no "..", no control
 * characters, valid UTF-8, at most BATCH_NAME_MAX_BYTES bytes.
 */
#ifndef GK_BATCH_NAMES_H
#define GK_BATCH_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of a name before ".pdf": with a "-NNNNNN" for collisions, the
 * temporary ".NAME.pdf.XXXXXX" of an atomic write stays within NAME_MAX. */
#define BATCH_NAME_MAX_BYTES 200

/* The default pattern: the description's file name without extension. */
#define BATCH_DEFAULT_PATTERN "{name}"

/* What a pattern's placeholders stand for in one description. */
typedef struct name_fields {
	const char *agency;          /* NULL = not known: "unknown" */
	const char *year;
	const char *name;            /* base name without .yaml/.yml/.json */
} name_fields;

/* True when pattern has only the placeholders {agency}, {year} and
 * {name} (and no stray '{' or '}'); else *bad points at the first bad
 * one. */
bool batch_pattern_valid(const char *pattern, const char **bad);

/* True when pattern uses {agency} or {year}: names need each
 * description read first. */
bool batch_pattern_needs_content(const char *pattern);

/* The pattern filled in and made safe (malloc'd): '/', '\\', control
 * characters and bytes that are not UTF-8 become '_', a leading '.' and
 * the second '.' of ".." too; cut at BATCH_NAME_MAX_BYTES on a character
 * boundary; "report" when nothing is left. */
char *batch_name_make(const char *pattern, const name_fields *fields);

/* The base name of path without its .yaml/.yml/.json (malloc'd). */
char *batch_name_stem(const char *path);

/* Names handed out so far, to make each one unique. */
typedef struct name_set name_set;

name_set *name_set_create(void);
void name_set_free(name_set *s);

/* name itself when no earlier call got it, else name-2, name-3, … the
 * first free one (malloc'd); the set keeps its own copy.  Called in input
 * order, the same inputs always give the same names. */
char *name_set_claim(name_set *s, const char *name);


#endif
