/*
 * utf8.h - decoding and encoding UTF-8, strictly (no overlongs, no
 * surrogates, nothing above U+10FFFF).
 */
#ifndef GK_UTF8_H
#define GK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Decodes the code point at s[0..len).  Returns the bytes it used (1..4),
 * or 0 for an invalid or truncated sequence. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Writes cp as UTF-8 into out; returns the byte count (1..4), 0 if cp is
 * not a Unicode scalar value. */
size_t utf8_encode(uint32_t cp, char out[4]);

/* True when s[0..len) is valid UTF-8; otherwise *bad_offset (if not NULL)
 * receives the offset of the first bad byte. */
bool utf8_validate(const char *s, size_t len, size_t *bad_offset);

/* Decodes a valid UTF-8 string into an arena array; returns the count. */
size_t utf8_to_codepoints(arena *a, const char *s, size_t len, uint32_t **out);

/* Number of code points in a valid UTF-8 string. */
size_t utf8_length(const char *s, size_t len);

#endif
