/*
 * json.h - writing JSON strings, the one escaper for every JSON gkreport
 * prints (diagnostics, batch summaries, the overview's description).
 */
#ifndef GK_JSON_H
#define GK_JSON_H

#include <stdio.h>

/* Writes s as a JSON string (null when s is NULL): quotes, backslashes and
 * control characters escaped, invalid UTF-8 as U+FFFD, so the output is
 * always valid JSON whatever a file name or an agency holds. */
void json_write_string(FILE *out, const char *s);

#endif
