/*
 * tt_subset.c - the subset of a TrueType font, written by copying
 * (OpenType 1.9: glyf, loca, hmtx, hhea, maxp, head, cmap, name, post
 * and "The OpenType font file").  The tables written, in the tag order
 * the table directory must have: OS/2 (copied), cmap (format 4 and, for
 * code points past the BMP, format 12), glyf, head, hhea, hmtx, loca,
 * maxp, name (IDs 0 to 6 in US English), post (version 3).  Every
 * table's size is known before a byte is written, so glyf, the big one,
 * is written in place; the small ones are built apart and copied.  With
 * the glyphs 2-byte aligned, glyf, loca, hmtx, hhea and a CJK font's cmap
 * come out as HarfBuzz's NO_HINTING subsetter writes them.
 *
 * The source is untrusted: every read is checked against its table's
 * size, and anything this writer does not understand is refused with a
 * reason so that the caller can subset some other way.
 */
#include "tt_subset.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"

#define SFNT_HEADER 12
#define SFNT_RECORD 16
#define TABLES_MAX 10
#define HEAD_SIZE 54
#define HHEA_SIZE 36
#define MAXP_05_SIZE 6
#define MAXP_10_SIZE 32
#define POST_SIZE 32
#define NAME_HEADER 6
#define NAME_RECORD 12
#define NAME_ID_MAX 6                /* copyright .. PostScript name */
#define HEAD_MAGIC 0x5F0F3CF5u
#define FONT_CHECKSUM 0xB1B0AFBAu
#define GLYPH_HEADER 10
#define GLYPH_ALIGN 2                /* even, for short loca */
#define SHORT_LOCA_LIMIT 0x20000u    /* short loca holds offset / 2 */
#define DEPTH_MAX 16                 /* composite nesting; fonts use 1 to 3 */
#define GLYPHS_MAX 0xFFFFu
#define CODE_POINT_MAX 0x10FFFFu

/* composite glyph component flags */
#define ARGS_ARE_WORDS 0x0001
#define HAVE_SCALE 0x0008
#define MORE_COMPONENTS 0x0020
#define HAVE_XY_SCALE 0x0040
#define HAVE_2X2 0x0080
#define HAVE_INSTRUCTIONS 0x0100

/* simple glyph point flags */
#define X_SHORT 0x02
#define Y_SHORT 0x04
#define REPEAT 0x08
#define X_SAME 0x10
#define Y_SAME 0x20

#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
                         (uint32_t)(c) << 8 | (uint32_t)(d))

/* The source's facts every table needs, checked by read_font. */
typedef struct font {
	const tt_source *t;
	unsigned glyph_count;        /* maxp numGlyphs */
	unsigned hmetrics;           /* hhea numberOfHMetrics */
	bool long_loca;
} font;

/* How one kept glyph is copied: head bytes of data (all of a composite,
 * up to its instructions), then for a simple glyph a zero
 * instructionLength and tail bytes from tail_from (flags, coordinates). */
typedef struct glyph_copy {
	const unsigned char *data;
	size_t head, tail_from, tail;
	size_t size;                 /* written, before padding */
	bool composite;
} glyph_copy;

/* One table of the subset; data NULL for glyf, written in place. */
typedef struct table_out {
	uint32_t tag;
	const unsigned char *data;
	size_t size, offset;
} table_out;

/* One character of the cmap, with the glyph's new id. */
typedef struct cmap_entry {
	uint32_t code_point;
	unsigned glyph;
} cmap_entry;

/* A run of format 4 code points: mapped by idDelta when their glyphs
 * follow each other, else through glyphIdArray from array_index. */
typedef struct segment {
	size_t first, last;          /* indexes into the cmap entries */
	size_t array_index;
	bool by_array;
} segment;

/* The walk of tt_subset_closure: glyphs reached (a bit each) and the
 * composites being walked, to catch one that contains itself. */
typedef struct closure {
	const font *f;
	uint64_t *reached;
	unsigned path[DEPTH_MAX];
	unsigned depth;
	const char **why;
} closure;

static size_t
pad4(size_t size)
{
	return (size + 3) & ~(size_t)3;
}

/* The largest power of two not above n (n >= 1), and its log2. */
static unsigned
power_below(unsigned n, unsigned *log2)
{
	unsigned p = 1;

	*log2 = 0;
	while (p * 2 <= n) {
		p *= 2;
		++*log2;
	}
	return p;
}

/* The OpenType table checksum: the sum of its big-endian words, the last
 * one padded with zeros (the subset's tables are padded already). */
static uint32_t
checksum(const unsigned char *data, size_t padded_size)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < padded_size; i += 4)
		sum += get32(data + i);
	return sum;
}

/* ---- the source -------------------------------------------------------- */

static bool
read_head(font *f, const char **why)
{
	const tt_table *head = &f->t->head;

	*why = "the head table is missing or damaged";
	if (head->size < HEAD_SIZE || get32(head->data + 12) != HEAD_MAGIC ||
	    get16(head->data + 50) > 1)
		return false;
	*why = "the font's glyf data format is not 0";
	if (get16(head->data + 52) != 0)
		return false;
	f->long_loca = get16(head->data + 50) == 1;
	return true;
}

static bool
read_maxp(font *f, const char **why)
{
	const tt_table *maxp = &f->t->maxp;
	uint32_t version;

	*why = "the maxp table is missing or damaged";
	if (maxp->size < MAXP_05_SIZE)
		return false;
	version = get32(maxp->data);
	if (version != 0x00005000 && (version != 0x00010000 ||
	                              maxp->size < MAXP_10_SIZE))
		return false;
	f->glyph_count = get16(maxp->data + 4);
	return f->glyph_count > 0;
}

/* head, maxp, hhea; hmtx and loca as long as those say. */
static bool
read_font(const tt_source *t, font *f, const char **why)
{
	size_t loca_entry;

	f->t = t;
	if (!read_head(f, why) || !read_maxp(f, why))
		return false;
	*why = "the hhea table is missing or damaged";
	if (t->hhea.size < HHEA_SIZE)
		return false;
	f->hmetrics = get16(t->hhea.data + 34);
	if (f->hmetrics == 0 || f->hmetrics > f->glyph_count)
		return false;
	*why = "the hmtx table is shorter than hhea and maxp say";
	if (t->hmtx.size < 4 * (size_t)f->hmetrics +
	                   2 * (size_t)(f->glyph_count - f->hmetrics))
		return false;
	*why = "the loca table is shorter than maxp says";
	loca_entry = f->long_loca ? 4 : 2;
	return t->loca.size / loca_entry > f->glyph_count;
}

/* Glyph g's bytes in glyf, *size 0 (and *data NULL) for an empty one;
 * g < glyph_count. */
static bool
glyph_bytes(const font *f, unsigned g, const unsigned char **data,
            size_t *size, const char **why)
{
	const unsigned char *loca = f->t->loca.data;
	size_t from, to;

	if (f->long_loca) {
		from = get32(loca + 4 * (size_t)g);
		to = get32(loca + 4 * (size_t)g + 4);
	} else {
		from = 2 * (size_t)get16(loca + 2 * (size_t)g);
		to = 2 * (size_t)get16(loca + 2 * (size_t)g + 2);
	}
	*why = "a loca offset points past the glyf table or backwards";
	if (from > to || to > f->t->glyf.size)
		return false;
	*size = to - from;
	*data = *size > 0 ? f->t->glyf.data + from : NULL;
	*why = "a glyph is shorter than its header";
	return *size == 0 || *size >= GLYPH_HEADER;
}

/* numberOfContours: -1 for a composite glyph. */
static int
contour_count(const unsigned char *glyph)
{
	unsigned n = get16(glyph);

	return n < 0x8000 ? (int)n : (int)n - 0x10000;
}

/* The bytes of a component record with these flags (OpenType's order of
 * precedence for the transform flags, as FreeType reads them). */
static size_t
component_size(unsigned flags)
{
	size_t size = 4 + (flags & ARGS_ARE_WORDS ? 4 : 2);

	if (flags & HAVE_SCALE)
		return size + 2;
	if (flags & HAVE_XY_SCALE)
		return size + 4;
	return size + (flags & HAVE_2X2 ? 8 : 0);
}

/* The component of a composite glyph (size bytes) at *p, which is moved
 * past it; false when it runs past the glyph's end. */
static bool
read_component(const unsigned char *glyph, size_t size, size_t *p,
               unsigned *flags, unsigned *component)
{
	if (size - *p < 4)
		return false;
	*flags = get16(glyph + *p);
	*component = get16(glyph + *p + 2);
	if (size - *p < component_size(*flags))
		return false;
	*p += component_size(*flags);
	return true;
}

static uint32_t
advance_of(const font *f, unsigned g)
{
	unsigned m = g < f->hmetrics ? g : f->hmetrics - 1;

	return get16(f->t->hmtx.data + 4 * (size_t)m);
}

static uint32_t
lsb_of(const font *f, unsigned g)
{
	const unsigned char *hmtx = f->t->hmtx.data;

	if (g < f->hmetrics)
		return get16(hmtx + 4 * (size_t)g + 2);
	return get16(hmtx + 4 * (size_t)f->hmetrics +
	             2 * (size_t)(g - f->hmetrics));
}

/* ---- the closure ------------------------------------------------------- */

static bool visit(closure *c, unsigned g);

/* Visits the components of composite glyph g (size bytes at glyph). */
static bool
visit_components(closure *c, unsigned g, const unsigned char *glyph,
                 size_t size)
{
	size_t p = GLYPH_HEADER;
	unsigned flags, component, i;

	*c->why = "composite glyphs nest too deep";
	if (c->depth == DEPTH_MAX)
		return false;
	c->path[c->depth++] = g;
	do {
		*c->why = "a composite glyph is damaged";
		if (!read_component(glyph, size, &p, &flags, &component))
			return false;
		*c->why = "a composite glyph contains itself";
		for (i = 0; i < c->depth; i++)
			if (c->path[i] == component)
				return false;
		if (!visit(c, component))
			return false;
	} while (flags & MORE_COMPONENTS);
	c->depth--;
	return true;
}

/* Marks g reached, and its components if it is a composite. */
static bool
visit(closure *c, unsigned g)
{
	const unsigned char *glyph;
	size_t size;
	int contours;

	*c->why = "a glyph id is outside the font";
	if (g >= c->f->glyph_count)
		return false;
	if (c->reached[g / 64] & (uint64_t)1 << (g % 64))
		return true;
	c->reached[g / 64] |= (uint64_t)1 << (g % 64);
	if (!glyph_bytes(c->f, g, &glyph, &size, c->why))
		return false;
	if (size == 0 || (contours = contour_count(glyph)) >= 0)
		return true;
	*c->why = "a glyph is neither simple nor composite (variable composite?)";
	if (contours != -1)
		return false;
	return visit_components(c, g, glyph, size);
}

/* The ids of the bits set in reached (words 64-bit words), ascending. */
static uint32_t *
reached_ids(arena *a, const uint64_t *reached, size_t words, unsigned *count)
{
	uint32_t *ids;
	uint64_t bits;
	size_t w;
	unsigned n = 0;

	for (w = 0; w < words; w++)
		n += (unsigned)__builtin_popcountll(reached[w]);
	ids = arena_calloc(a, n, sizeof(*ids));
	*count = 0;
	for (w = 0; w < words; w++)
		for (bits = reached[w]; bits != 0; bits &= bits - 1)
			ids[(*count)++] = (uint32_t)(w * 64 +
			                             (unsigned)__builtin_ctzll(bits));
	return ids;
}

/* The closure of glyphs in a font read_font checked. */
static bool
close_glyphs(arena *a, const font *f, const uint32_t *glyphs, unsigned count,
             uint32_t **closed, unsigned *closed_count, const char **why)
{
	size_t words = (f->glyph_count + 63) / 64;
	closure c = { .f = f, .why = why };
	unsigned i;

	c.reached = arena_calloc(a, words, sizeof(uint64_t));
	if (!visit(&c, 0))
		return false;
	for (i = 0; i < count; i++) {
		*why = "a glyph id is outside the font";
		if (glyphs[i] >= f->glyph_count || !visit(&c, glyphs[i]))
			return false;
	}
	*closed = reached_ids(a, c.reached, words, closed_count);
	return true;
}

/* tt_subset_closure:
 * Walks each glyph and, depth first, the components of composites, with
 * the walk's path kept to refuse a composite that contains itself. */
bool
tt_subset_closure(arena *a, const tt_source *src, const uint32_t *glyphs,
                  unsigned count, uint32_t **closed, unsigned *closed_count,
                  const char **why)
{
	font f;

	return read_font(src, &f, why) &&
	       close_glyphs(a, &f, glyphs, count, closed, closed_count, why);
}

/* ---- glyf and loca ----------------------------------------------------- */

/* The bytes of a point's x and y coordinates, by its flags: a table, as
 * this loop over every point is most of the writer's time. */
#define XY_BYTES(f) (((f) & X_SHORT ? 1 : (f) & X_SAME ? 0 : 2) + \
                     ((f) & Y_SHORT ? 1 : (f) & Y_SAME ? 0 : 2))
#define XY_BYTES4(f) XY_BYTES(f), XY_BYTES((f) + 1), XY_BYTES((f) + 2), \
                     XY_BYTES((f) + 3)
#define XY_BYTES16(f) XY_BYTES4(f), XY_BYTES4((f) + 4), XY_BYTES4((f) + 8), \
                      XY_BYTES4((f) + 12)
#define XY_BYTES64(f) XY_BYTES16(f), XY_BYTES16((f) + 16), \
                      XY_BYTES16((f) + 32), XY_BYTES16((f) + 48)

static const unsigned char coordinate_bytes[256] = {
	XY_BYTES64(0), XY_BYTES64(64), XY_BYTES64(128), XY_BYTES64(192)
};

/* The end of the flags and coordinates of points points at glyph + p
 * (size bytes in all) into *end; false when they run past it. */
static bool
point_data_end(const unsigned char *glyph, size_t size, size_t p,
               unsigned long points, size_t *end)
{
	unsigned long i, repeat;
	size_t coordinates = 0;
	unsigned flags;

	for (i = 0; i < points; i += repeat) {
		if (p >= size)
			return false;
		flags = glyph[p++];
		repeat = 1;
		if (flags & REPEAT) {
			if (p >= size)
				return false;
			repeat += glyph[p++];
			if (repeat > points - i)
				return false;
		}
		coordinates += repeat * coordinate_bytes[flags];
	}
	if (size - p < coordinates)
		return false;
	*end = p + coordinates;
	return true;
}

/* A simple glyph of contours contours (size bytes): everything but its
 * instructions, and its padding (the points' end says where data ends). */
static bool
plan_simple(glyph_copy *c, size_t size, int contours)
{
	size_t p = GLYPH_HEADER, instructions, end;
	unsigned last = 0, point;
	int i;

	if (size < GLYPH_HEADER + 2 * (size_t)contours + 2)
		return false;
	for (i = 0; i < contours; i++, p += 2) {
		point = get16(c->data + p);
		if (i > 0 && point <= last)
			return false;            /* FreeType refuses it too */
		last = point;
	}
	c->head = p;
	instructions = get16(c->data + p);
	p += 2;
	if (size - p < instructions)
		return false;
	c->tail_from = p + instructions;
	if (!point_data_end(c->data, size, c->tail_from, last + 1ul, &end))
		return false;
	c->tail = end - c->tail_from;
	c->size = c->head + 2 + c->tail;
	return true;
}

/* A composite glyph: its components, without the instructions after. */
static bool
plan_composite(glyph_copy *c, size_t size)
{
	size_t p = GLYPH_HEADER;
	unsigned flags, component;

	do {
		if (!read_component(c->data, size, &p, &flags, &component))
			return false;
	} while (flags & MORE_COMPONENTS);
	c->composite = true;
	c->head = c->size = p;
	return true;
}

/* How glyph g is copied; a glyph of no contours is written empty, as
 * HarfBuzz does (it has no outline, only instructions). */
static bool
plan_glyph(const font *f, unsigned g, glyph_copy *c, const char **why)
{
	size_t size;
	int contours;

	if (!glyph_bytes(f, g, &c->data, &size, why))
		return false;
	if (size == 0 || (contours = contour_count(c->data)) == 0)
		return true;
	*why = "a glyph is damaged";
	return contours > 0 ? plan_simple(c, size, contours)
	     : contours == -1 && plan_composite(c, size);
}

/* The new id of old glyph g: its index in old (ascending); -1 if absent. */
static long
new_id(const uint32_t *old, unsigned count, uint32_t g)
{
	unsigned low = 0, high = count;

	while (low < high) {
		unsigned mid = low + (high - low) / 2;

		if (old[mid] < g)
			low = mid + 1;
		else
			high = mid;
	}
	return low < count && old[low] == g ? (long)low : -1;
}

/* A composite's component ids rewritten to the subset's and its
 * WE_HAVE_INSTRUCTIONS flags cleared (its instructions are left out). */
static void
renumber_components(unsigned char *glyph, size_t size, const uint32_t *old,
                    unsigned count)
{
	size_t p = GLYPH_HEADER, at;
	unsigned flags, component;

	do {
		at = p;
		if (!read_component(glyph, size, &p, &flags, &component))
			return;                  /* plan_composite checked it */
		put16(glyph + at, flags & ~HAVE_INSTRUCTIONS);
		put16(glyph + at + 2, (unsigned)new_id(old, count, component));
	} while (flags & MORE_COMPONENTS);
}

/* The room a glyph of size bytes takes in glyf. */
static size_t
padded_glyph(size_t size)
{
	return (size + GLYPH_ALIGN - 1) / GLYPH_ALIGN * GLYPH_ALIGN;
}

/* Writes the glyph planned in c at out; returns its end, padded. */
static unsigned char *
put_glyph(unsigned char *out, const glyph_copy *c, const uint32_t *old,
          unsigned count)
{
	if (c->size == 0)
		return out;
	memcpy(out, c->data, c->head);
	if (c->composite) {
		renumber_components(out, c->head, old, count);
	} else {
		put16(out + c->head, 0);     /* instructionLength */
		memcpy(out + c->head + 2, c->data + c->tail_from, c->tail);
	}
	return out + padded_glyph(c->size);
}

/* Each kept glyph's copy, and the size of the new glyf. */
static bool
plan_glyphs(arena *a, const font *f, const uint32_t *old, unsigned count,
            glyph_copy **copies, size_t *glyf_size, const char **why)
{
	unsigned i;

	*copies = arena_calloc(a, count, sizeof(**copies));
	*glyf_size = 0;
	for (i = 0; i < count; i++) {
		if (!plan_glyph(f, old[i], &(*copies)[i], why))
			return false;
		*glyf_size += padded_glyph((*copies)[i].size);
	}
	return true;
}

/* loca for the planned glyphs: short when every offset / 2 fits. */
static unsigned char *
build_loca(arena *a, const glyph_copy *copies, unsigned count, size_t glyf_size,
           size_t *size)
{
	bool short_loca = glyf_size < SHORT_LOCA_LIMIT;
	unsigned char *loca, *p;
	size_t offset = 0;
	unsigned i;

	*size = ((size_t)count + 1) * (short_loca ? 2 : 4);
	p = loca = arena_alloc(a, pad4(*size));
	for (i = 0; i <= count; i++) {
		p = short_loca ? put16(p, (unsigned)(offset / 2))
		               : put32(p, (uint32_t)offset);
		if (i < count)
			offset += padded_glyph(copies[i].size);
	}
	return loca;
}

/* ---- the metrics and header tables ------------------------------------- */

/* hmtx: the source's advances and left side bearings, the advances
 * after the last that differs left out (numberOfHMetrics covers them). */
static unsigned char *
build_hmtx(arena *a, const font *f, const uint32_t *old, unsigned count,
           size_t *size, unsigned *hmetrics)
{
	unsigned char *hmtx, *p;
	unsigned i;

	*hmetrics = count;
	while (*hmetrics > 1 && advance_of(f, old[*hmetrics - 2]) ==
	                        advance_of(f, old[*hmetrics - 1]))
		--*hmetrics;
	*size = 4 * (size_t)*hmetrics + 2 * (size_t)(count - *hmetrics);
	p = hmtx = arena_alloc(a, pad4(*size));
	for (i = 0; i < count; i++) {
		if (i < *hmetrics)
			p = put16(p, advance_of(f, old[i]));
		p = put16(p, lsb_of(f, old[i]));
	}
	return hmtx;
}

/* A copy of the first size bytes of table, padded, for editing. */
static unsigned char *
copy_table(arena *a, const tt_table *table, size_t size)
{
	unsigned char *copy = arena_alloc(a, pad4(size));

	memcpy(copy, table->data, size);
	return copy;
}

/* post version 3 (no glyph names) with the source's header fields. */
static bool
build_post(arena *a, const tt_table *post, unsigned char **out,
           const char **why)
{
	*why = "the post table is damaged";
	if (post->size > 0 && post->size < POST_SIZE)
		return false;
	*out = post->size > 0 ? copy_table(a, post, POST_SIZE)
	                      : arena_alloc(a, POST_SIZE);
	put32(*out, 0x00030000);
	return true;
}

/* ---- name --------------------------------------------------------------- */

/* Whether the name record at rec (12 bytes) is kept: IDs 0 to 6 with a
 * numeric language (format 1's language tags are not copied) and, when
 * english, only Windows Unicode US English ones, as HarfBuzz keeps by
 * default: a PDF reads no name, and a CJK font's other languages were a
 * seventh of a small subset. */
static bool
name_kept(const unsigned char *rec, bool english)
{
	unsigned encoding = get16(rec + 2);

	if (get16(rec + 6) > NAME_ID_MAX || get16(rec + 4) >= 0x8000)
		return false;
	return !english || (get16(rec) == 3 && get16(rec + 4) == 0x0409 &&
	                    (encoding == 0 || encoding == 1 || encoding == 10));
}

/* The source records kept, each string checked inside the storage: the
 * English ones, or if there are none, those of every language. */
static bool
kept_names(arena *a, const tt_table *name, size_t storage,
           const unsigned char ***kept, unsigned *kept_count)
{
	unsigned count = get16(name->data + 2), i;
	const unsigned char *rec;
	bool english = false;

	for (i = 0; i < count && !english; i++)
		english = name_kept(name->data + NAME_HEADER + (size_t)i * NAME_RECORD,
		                    true);
	*kept = arena_calloc(a, count, sizeof(**kept));
	*kept_count = 0;
	for (i = 0; i < count; i++) {
		rec = name->data + NAME_HEADER + (size_t)i * NAME_RECORD;
		if (!name_kept(rec, english))
			continue;
		if (name->size - storage < (size_t)get16(rec + 10) + get16(rec + 8))
			return false;
		(*kept)[(*kept_count)++] = rec;
	}
	return true;
}

/* The new offset of kept record i's string: an earlier record's when
 * their bytes are equal (a family name is often the full name too),
 * else appended. */
static size_t
place_string(const unsigned char *storage, const unsigned char *const *kept,
             unsigned i, const size_t *offsets, size_t *strings)
{
	unsigned j, length = get16(kept[i] + 8);

	for (j = 0; j < i; j++)
		if (get16(kept[j] + 8) == length &&
		    memcmp(storage + get16(kept[j] + 10), storage + get16(kept[i] + 10),
		           length) == 0)
			return offsets[j];
	*strings += length;
	return *strings - length;
}

/* name format 0: the records name_kept keeps, in the source's order,
 * their strings in new storage. */
static bool
build_name(arena *a, const tt_table *name, unsigned char **out, size_t *size,
           const char **why)
{
	const unsigned char **kept;
	unsigned kept_count, i;
	size_t storage, header, strings = 0, *offsets;
	unsigned char *p;

	*why = "the name table is damaged";
	if (name->size < NAME_HEADER)
		return false;
	storage = get16(name->data + 4);
	if (name->size < NAME_HEADER +
	                 (size_t)get16(name->data + 2) * NAME_RECORD ||
	    storage > name->size ||
	    !kept_names(a, name, storage, &kept, &kept_count))
		return false;
	offsets = arena_calloc(a, kept_count, sizeof(*offsets));
	for (i = 0; i < kept_count; i++)
		offsets[i] = place_string(name->data + storage, kept, i, offsets,
		                          &strings);
	*why = "the name table's strings are too long";
	if (strings > 0xFFFF)
		return false;
	header = NAME_HEADER + (size_t)kept_count * NAME_RECORD;
	*size = header + strings;
	p = *out = arena_alloc(a, *size);
	p = put16(put16(put16(p, 0), kept_count), (unsigned)header);
	for (i = 0; i < kept_count; i++, p += NAME_RECORD) {
		memcpy(p, kept[i], NAME_RECORD - 2);
		put16(p + 10, (unsigned)offsets[i]);
		memcpy(*out + header + offsets[i],
		       name->data + storage + get16(kept[i] + 10), get16(kept[i] + 8));
	}
	return true;
}

/* ---- cmap -------------------------------------------------------------- */

static int
compare_entries(const void *x, const void *y)
{
	const cmap_entry *a = x, *b = y;

	return a->code_point < b->code_point ? -1 : a->code_point > b->code_point;
}

/* The characters with their new glyph ids, by code point; those shown
 * with .notdef left out, a character given twice once. */
static bool
cmap_entries(arena *a, const tt_char *chars, size_t char_count,
             const uint32_t *old, unsigned count, cmap_entry **entries,
             size_t *n, const char **why)
{
	size_t i, kept = 0;
	long id;

	*entries = arena_calloc(a, char_count, sizeof(**entries));
	for (i = 0; i < char_count; i++) {
		*why = "a character's code point is past U+10FFFF";
		if (chars[i].code_point > CODE_POINT_MAX)
			return false;
		*why = "a character's glyph is not in the subset";
		if ((id = new_id(old, count, chars[i].old_glyph)) < 0)
			return false;
		if (id > 0)
			(*entries)[kept++] = (cmap_entry){ chars[i].code_point,
			                                   (unsigned)id };
	}
	qsort(*entries, kept, sizeof(**entries), compare_entries);
	*n = 0;
	*why = "a character is given twice with different glyphs";
	for (i = 0; i < kept; i++) {
		cmap_entry *last = *n > 0 ? &(*entries)[*n - 1] : NULL;

		if (last != NULL && last->code_point == (*entries)[i].code_point) {
			if (last->glyph != (*entries)[i].glyph)
				return false;
			continue;
		}
		(*entries)[(*n)++] = (*entries)[i];
	}
	return true;
}

/* Whether entry i follows i - 1 in code point (and in glyph if glyph). */
static bool
follows(const cmap_entry *e, size_t i, bool glyph)
{
	return e[i].code_point == e[i - 1].code_point + 1 &&
	       (!glyph || e[i].glyph == e[i - 1].glyph + 1);
}

/* The format 4 segments of entries[0..n): each run of consecutive code
 * points becomes idDelta segments, one per run of consecutive glyphs,
 * or one glyphIdArray segment when that is smaller (8 bytes a segment
 * against 2 a glyph).  Returns the count; *array_size in glyphs. */
static size_t
plan_segments(const cmap_entry *e, size_t n, segment *segs,
              size_t *array_size)
{
	size_t i = 0, end, j, runs, count = 0;

	*array_size = 0;
	while (i < n) {
		for (end = i + 1, runs = 1; end < n && follows(e, end, false); end++)
			runs += !follows(e, end, true);
		if (8 * runs > 8 + 2 * (end - i)) {
			segs[count++] = (segment){ i, end - 1, *array_size, true };
			*array_size += end - i;
		} else {
			for (j = i; j < end; j = segs[count++].last + 1) {
				segs[count] = (segment){ j, j, 0, false };
				while (segs[count].last + 1 < end &&
				       follows(e, segs[count].last + 1, true))
					segs[count].last++;
			}
		}
		i = end;
	}
	return count;
}

/* The arrays of format 4 for the segments: endCode, startCode, idDelta
 * and idRangeOffset, each closed by the U+FFFF segment (idDelta 1 maps
 * it to glyph 0), then glyphIdArray. */
static void
put_segments(unsigned char *p, const cmap_entry *e, const segment *segs,
             size_t count)
{
	size_t seg_count = count + 1, i, j;

	for (i = 0; i < count; i++)
		p = put16(p, e[segs[i].last].code_point);
	p = put16(put16(p, 0xFFFF), 0);              /* and reservedPad */
	for (i = 0; i < count; i++)
		p = put16(p, e[segs[i].first].code_point);
	p = put16(p, 0xFFFF);
	for (i = 0; i < count; i++)
		p = put16(p, segs[i].by_array ? 0
		             : (e[segs[i].first].glyph - e[segs[i].first].code_point) &
		               0xFFFF);
	p = put16(p, 1);
	for (i = 0; i < count; i++)   /* from this entry to the segment's glyphs */
		p = put16(p, segs[i].by_array
		             ? (unsigned)(2 * (seg_count - i) + 2 * segs[i].array_index)
		             : 0);
	p = put16(p, 0);
	for (i = 0; i < count; i++)
		for (j = segs[i].first; segs[i].by_array && j <= segs[i].last; j++)
			p = put16(p, e[j].glyph);
}

/* Format 4 of the BMP entries (code points below U+FFFF); NULL when it
 * would pass the 64 KiB its 16-bit length allows. */
static unsigned char *
build_format4(arena *a, const cmap_entry *e, size_t n, size_t *size)
{
	segment *segs = arena_calloc(a, n + 1, sizeof(*segs));
	size_t array_size, count = plan_segments(e, n, segs, &array_size);
	unsigned seg_count = (unsigned)count + 1, log2, range;
	unsigned char *out, *p;

	*size = 16 + 8 * (size_t)seg_count + 2 * array_size;
	if (*size > 0xFFFF)
		return NULL;
	range = 2 * power_below(seg_count, &log2);
	p = out = arena_alloc(a, *size);
	p = put16(put16(put16(p, 4), (unsigned)*size), 0);
	p = put16(put16(put16(put16(p, 2 * seg_count), range), log2),
	          2 * seg_count - range);
	put_segments(p, e, segs, count);
	return out;
}

/* Format 12 of all the entries: groups of consecutive code points with
 * consecutive glyphs. */
static unsigned char *
build_format12(arena *a, const cmap_entry *e, size_t n, size_t *size)
{
	size_t groups = n > 0, i, first;
	unsigned char *out, *p;

	for (i = 1; i < n; i++)
		groups += !follows(e, i, true);
	*size = 16 + 12 * groups;
	p = out = arena_alloc(a, *size);
	p = put32(put16(put16(p, 12), 0), (uint32_t)*size);
	p = put32(put32(p, 0), (uint32_t)groups);
	for (first = 0, i = 1; i <= n && n > 0; i++) {
		if (i < n && follows(e, i, true))
			continue;
		p = put32(put32(put32(p, e[first].code_point), e[i - 1].code_point),
		          e[first].glyph);
		first = i;
	}
	return out;
}

/* cmap version 0: (3,1) format 4, and (3,10) format 12 when a code point
 * is past the BMP (U+FFFF counts, as format 4 cannot map it). */
static bool
build_cmap(arena *a, const tt_char *chars, size_t char_count,
           const uint32_t *old, unsigned count, unsigned char **out,
           size_t *size, const char **why)
{
	cmap_entry *e;
	size_t n, bmp = 0, size4, size12 = 0;
	unsigned char *format4, *format12 = NULL, *p;
	unsigned tables;

	if (!cmap_entries(a, chars, char_count, old, count, &e, &n, why))
		return false;
	while (bmp < n && e[bmp].code_point < 0xFFFF)
		bmp++;
	*why = "too many scattered characters for a format 4 cmap";
	if ((format4 = build_format4(a, e, bmp, &size4)) == NULL)
		return false;
	if (bmp < n)
		format12 = build_format12(a, e, n, &size12);
	tables = format12 != NULL ? 2 : 1;
	*size = 4 + 8 * (size_t)tables + size4 + size12;
	p = *out = arena_alloc(a, pad4(*size));
	p = put16(put16(p, 0), tables);
	p = put32(put16(put16(p, 3), 1), 4 + 8 * tables);
	if (format12 != NULL)
		p = put32(put16(put16(p, 3), 10), (uint32_t)(4 + 8 * tables + size4));
	memcpy(p, format4, size4);
	if (format12 != NULL)
		memcpy(p + size4, format12, size12);
	return true;
}

/* ---- the sfnt ---------------------------------------------------------- */

/* The glyph list: ascending from .notdef, inside the font, and closed
 * (every component of its composites in it, none containing itself). */
static bool
glyphs_usable(arena *a, const font *f, const uint32_t *old, unsigned count,
              const char **why)
{
	uint32_t *closed;
	unsigned closed_count, i;

	*why = "the glyph list is not ascending from .notdef inside the font";
	if (count == 0 || count > GLYPHS_MAX || old[0] != 0)
		return false;
	for (i = 1; i < count; i++)
		if (old[i] <= old[i - 1] || old[i] >= f->glyph_count)
			return false;
	if (!close_glyphs(a, f, old, count, &closed, &closed_count, why))
		return false;
	*why = "the glyph list lacks components of its composite glyphs";
	return closed_count == count;
}

/* Puts a table in the directory list (in tag order, as they come). */
static void
add_table(table_out *tables, unsigned *n, uint32_t tag,
          const unsigned char *data, size_t size)
{
	tables[(*n)++] = (table_out){ tag, data, size, 0 };
}

/* The offsets of the tables after the directory; the font's size. */
static size_t
lay_out(table_out *tables, unsigned n)
{
	size_t offset = SFNT_HEADER + SFNT_RECORD * (size_t)n;
	unsigned i;

	for (i = 0; i < n; i++) {
		tables[i].offset = offset;
		offset += pad4(tables[i].size);
	}
	return offset;
}

/* The offset table and directory; then each table's data (glyf's was
 * written in place) and checksum; then head's checkSumAdjustment. */
static void
put_sfnt(unsigned char *out, table_out *tables, unsigned n, size_t head_offset)
{
	unsigned log2, range = 16 * power_below(n, &log2), i;
	unsigned char *p = out;
	uint32_t sum, font_sum = 0;

	p = put32(p, 0x00010000);
	p = put16(put16(put16(put16(p, n), range), log2), 16 * n - range);
	for (i = 0; i < n; i++) {
		if (tables[i].data != NULL)
			memcpy(out + tables[i].offset, tables[i].data, tables[i].size);
		sum = checksum(out + tables[i].offset, pad4(tables[i].size));
		font_sum += sum;
		p = put32(put32(put32(put32(p, tables[i].tag), sum),
		                (uint32_t)tables[i].offset), (uint32_t)tables[i].size);
	}
	font_sum += checksum(out, SFNT_HEADER + SFNT_RECORD * (size_t)n);
	put32(out + head_offset + 8, FONT_CHECKSUM - font_sum);
}

/* Writes the planned glyphs into glyf at out. */
static void
put_glyf(unsigned char *out, const glyph_copy *copies, const uint32_t *old,
         unsigned count)
{
	unsigned i;

	for (i = 0; i < count; i++)
		out = put_glyph(out, &copies[i], old, count);
}

/* The subset's tables but glyf (whose glyphs' copies are planned). */
typedef struct subset_tables {
	glyph_copy *copies;
	size_t glyf_size;
	unsigned char *cmap, *name, *post, *head, *hhea, *maxp, *hmtx, *loca;
	size_t cmap_size, name_size, maxp_size, hmtx_size, loca_size;
} subset_tables;

/* head, hhea, maxp: the source's with the subset's loca format, metrics
 * and glyph count; hmtx and loca. */
static void
build_header_tables(arena *a, const font *f, const uint32_t *old,
                    unsigned count, subset_tables *t)
{
	const tt_source *src = f->t;
	unsigned hmetrics;

	t->hmtx = build_hmtx(a, f, old, count, &t->hmtx_size, &hmetrics);
	t->loca = build_loca(a, t->copies, count, t->glyf_size, &t->loca_size);
	t->head = copy_table(a, &src->head, HEAD_SIZE);
	put32(t->head + 8, 0);                       /* checkSumAdjustment */
	put16(t->head + 50, t->glyf_size >= SHORT_LOCA_LIMIT);
	t->hhea = copy_table(a, &src->hhea, HHEA_SIZE);
	put16(t->hhea + 34, hmetrics);
	t->maxp_size = get32(src->maxp.data) == 0x00005000 ? MAXP_05_SIZE
	                                                   : MAXP_10_SIZE;
	t->maxp = copy_table(a, &src->maxp, t->maxp_size);
	put16(t->maxp + 4, count);
}

/* Every table of the subset, glyf planned, the others built. */
static bool
build_tables(arena *a, const font *f, const uint32_t *old, unsigned count,
             const tt_char *chars, size_t char_count, subset_tables *t,
             const char **why)
{
	const tt_source *src = f->t;

	if (!glyphs_usable(a, f, old, count, why) ||
	    !plan_glyphs(a, f, old, count, &t->copies, &t->glyf_size, why) ||
	    !build_cmap(a, chars, char_count, old, count, &t->cmap, &t->cmap_size,
	                why) ||
	    (src->name.size > 0 &&
	     !build_name(a, &src->name, &t->name, &t->name_size, why)) ||
	    !build_post(a, &src->post, &t->post, why))
		return false;
	build_header_tables(a, f, old, count, t);
	return true;
}

/* The directory's list, in tag order; *glyf and *head are the indexes of
 * those two.  Returns the count. */
static unsigned
list_tables(const tt_source *src, const subset_tables *t, table_out *tables,
            unsigned *glyf, unsigned *head)
{
	unsigned n = 0;

	if (src->os2.size > 0)
		add_table(tables, &n, TAG('O','S','/','2'), src->os2.data,
		          src->os2.size);
	add_table(tables, &n, TAG('c','m','a','p'), t->cmap, t->cmap_size);
	*glyf = n;
	add_table(tables, &n, TAG('g','l','y','f'), NULL, t->glyf_size);
	*head = n;
	add_table(tables, &n, TAG('h','e','a','d'), t->head, HEAD_SIZE);
	add_table(tables, &n, TAG('h','h','e','a'), t->hhea, HHEA_SIZE);
	add_table(tables, &n, TAG('h','m','t','x'), t->hmtx, t->hmtx_size);
	add_table(tables, &n, TAG('l','o','c','a'), t->loca, t->loca_size);
	add_table(tables, &n, TAG('m','a','x','p'), t->maxp, t->maxp_size);
	if (t->name != NULL)
		add_table(tables, &n, TAG('n','a','m','e'), t->name, t->name_size);
	add_table(tables, &n, TAG('p','o','s','t'), t->post, POST_SIZE);
	return n;
}

/* tt_subset_write:
 * Checks the source and the lists, plans the glyphs' copies (so glyf's
 * size is known), builds the other tables, lays the sfnt out and writes
 * it.  head's checksum is taken with checkSumAdjustment 0, as the
 * OpenType spec says, and the adjustment set last. */
bool
tt_subset_write(arena *a, const tt_source *src, const uint32_t *old_glyphs,
                unsigned count, const tt_char *chars, size_t char_count,
                unsigned char **out, size_t *out_size, const char **why)
{
	table_out tables[TABLES_MAX];
	subset_tables t = { .name = NULL };
	unsigned n, glyf, head;
	font f;

	if (!read_font(src, &f, why) ||
	    !build_tables(a, &f, old_glyphs, count, chars, char_count, &t, why))
		return false;
	n = list_tables(src, &t, tables, &glyf, &head);
	*out_size = lay_out(tables, n);
	*out = arena_alloc(a, *out_size);
	put_glyf(*out + tables[glyf].offset, t.copies, old_glyphs, count);
	put_sfnt(*out, tables, n, tables[head].offset);
	return true;
}
