/*
 * bytes.h - big-endian integers, as OpenType and CFF store them: the
 * readers (sfnt.c, cff_bounds.c) and writers (tt_subset.c, cff_subset.c)
 * of font programs share these instead of each keeping a copy.  Callers
 * check bounds before reading.
 */
#ifndef GK_BYTES_H
#define GK_BYTES_H

#include <stdint.h>

static inline unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static inline int
get_int16(const unsigned char *p)
{
	return (int16_t)(uint16_t)get16(p);
}

static inline uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Writes v's low 16 bits at p; returns the byte after them. */
static inline unsigned char *
put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
	return p + 2;
}

static inline unsigned char *
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return p + 4;
}

#endif
