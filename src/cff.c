/*
 * cff.c - the header, INDEXes, Top DICT and charset of a CFF table
 * (Adobe Technical Note #5176), read with every offset checked: the
 * input is a subset HarfBuzz made, but a damaged font must not crash us.
 */
#include "cff.h"

#include <stdio.h>
#include <string.h>

#define OP_CHARSET 15
#define OP_CHARSTRINGS 17
#define OP_ROS 0x0C1E            /* escape 12, then 30 */
#define STANDARD_STRINGS 391     /* SIDs below this are predefined names */
#define DICT_OPERANDS_MAX 48

/* The bytes being read, so that every access can be range-checked. */
typedef struct cff_buf {
	const unsigned char *data;
	size_t size;
} cff_buf;

/* The Top DICT values this reader needs; -1 when absent. */
typedef struct top_dict {
	long charset, charstrings;
	long ros[3];
	bool has_ros;
} top_dict;

/* An unsigned big-endian number of n (1..4) bytes at offset, false when
 * it would read past the end. */
static bool
read_uint(const cff_buf *b, size_t offset, unsigned n, uint32_t *value)
{
	uint32_t v = 0;
	unsigned i;

	if (n == 0 || n > 4 || offset > b->size || b->size - offset < n)
		return false;
	for (i = 0; i < n; i++)
		v = (v << 8) | b->data[offset + i];
	*value = v;
	return true;
}

/* Reads the INDEX at offset: count, offset size and its extent, checking
 * that the last offset stays inside the table. */
static bool
read_index(const cff_buf *b, size_t offset, cff_index *ix)
{
	uint32_t count, off_size, last;

	memset(ix, 0, sizeof(*ix));
	if (!read_uint(b, offset, 2, &count))
		return false;
	ix->count = count;
	if (count == 0) {
		ix->end = offset + 2;
		return true;
	}
	if (!read_uint(b, offset + 2, 1, &off_size) || off_size < 1 || off_size > 4)
		return false;
	ix->off_size = off_size;
	ix->start = offset + 3;
	ix->data_base = ix->start + (size_t)(count + 1) * off_size - 1;
	if (!read_uint(b, ix->start + (size_t)count * off_size, off_size, &last) ||
	    last < 1 || ix->data_base + last > b->size)
		return false;
	ix->end = ix->data_base + last;
	return true;
}

/* The extent [*from, *to) of entry i of an INDEX, false if malformed. */
static bool
index_entry(const cff_buf *b, const cff_index *ix, unsigned i, size_t *from,
            size_t *to)
{
	uint32_t a, z;

	if (i >= ix->count ||
	    !read_uint(b, ix->start + (size_t)i * ix->off_size, ix->off_size, &a) ||
	    !read_uint(b, ix->start + (size_t)(i + 1) * ix->off_size, ix->off_size, &z) ||
	    a < 1 || z < a || ix->data_base + z > ix->end)
		return false;
	*from = ix->data_base + a;
	*to = ix->data_base + z;
	return true;
}

/* One DICT operand at *p (integer forms; a real is skipped as 0, which
 * none of the operators read here uses).  False on a malformed number. */
static bool
dict_operand(const cff_buf *b, size_t *p, size_t end, long *value)
{
	unsigned char c = b->data[*p];
	uint32_t v;

	if (c >= 32 && c <= 246) {
		*value = (long)c - 139;
		*p += 1;
	} else if (c >= 247 && c <= 254) {
		if (*p + 1 >= end)
			return false;
		*value = c <= 250 ? (c - 247) * 256 + b->data[*p + 1] + 108
		                  : -(c - 251) * 256 - b->data[*p + 1] - 108;
		*p += 2;
	} else if (c == 28 || c == 29) {
		if (!read_uint(b, *p + 1, c == 28 ? 2 : 4, &v) ||
		    *p + (c == 28 ? 3 : 5) > end)
			return false;
		*value = c == 28 ? (long)(int16_t)v : (long)(int32_t)v;
		*p += c == 28 ? 3 : 5;
	} else if (c == 30) {
		for ((*p)++; *p < end; (*p)++)
			if ((b->data[*p] & 0x0F) == 0x0F || (b->data[*p] >> 4) == 0x0F)
				break;
		if (*p >= end)
			return false;
		*value = 0;
		(*p)++;
	} else {
		return false;
	}
	return true;
}

/* Records the operands of the operators the reader needs. */
static void
dict_apply(top_dict *t, unsigned op, const long *operands, size_t n)
{
	if (op == OP_CHARSET && n >= 1)
		t->charset = operands[n - 1];
	else if (op == OP_CHARSTRINGS && n >= 1)
		t->charstrings = operands[n - 1];
	else if (op == OP_ROS && n >= 3) {
		memcpy(t->ros, operands + n - 3, sizeof(t->ros));
		t->has_ros = true;
	}
}

/* Walks the Top DICT bytes [p, end): operands pile up until an operator
 * (0-21, 12 x escaped) takes them. */
static bool
read_top_dict(const cff_buf *b, size_t p, size_t end, top_dict *t)
{
	long operands[DICT_OPERANDS_MAX];
	size_t n = 0;
	unsigned op;

	t->charset = 0;                 /* ISOAdobe by default */
	t->charstrings = -1;
	while (p < end) {
		if (b->data[p] <= 21) {
			op = b->data[p++];
			if (op == 12) {
				if (p >= end)
					return false;
				op = 0x0C00 | b->data[p++];
			}
			dict_apply(t, op, operands, n);
			n = 0;
		} else if (n >= DICT_OPERANDS_MAX ||
		           !dict_operand(b, &p, end, &operands[n++])) {
			return false;
		}
	}
	return t->charstrings > 0 && (size_t)t->charstrings < b->size;
}

/* Copies string sid (a custom one, from the String INDEX) into out;
 * predefined names and bad SIDs give fallback. */
static void
copy_string(const cff_buf *b, const cff_index *strings, long sid,
            const char *fallback, char out[CFF_NAME_MAX])
{
	size_t from, to, n;

	if (sid < STANDARD_STRINGS ||
	    !index_entry(b, strings, (unsigned)(sid - STANDARD_STRINGS), &from, &to)) {
		snprintf(out, CFF_NAME_MAX, "%s", fallback);
		return;
	}
	n = to - from < CFF_NAME_MAX - 1 ? to - from : CFF_NAME_MAX - 1;
	memcpy(out, b->data + from, n);
	out[n] = '\0';
}

/* A charset of format 1 or 2: ranges of consecutive CIDs (or SIDs),
 * nLeft one byte (format 1) or two (format 2) wide. */
static bool
read_charset_ranges(const cff_buf *b, size_t p, unsigned left_size,
                    cff_info *out)
{
	unsigned g = 1, k;
	uint32_t first, left;

	while (g < out->glyph_count) {
		if (!read_uint(b, p, 2, &first) ||
		    !read_uint(b, p + 2, left_size, &left))
			return false;
		p += 2 + left_size;
		for (k = 0; k <= left && g < out->glyph_count; k++)
			out->cid_of_glyph[g++] = (uint16_t)(first + k);
	}
	return true;
}

/* The charset at offset: glyph 0 is .notdef (CID 0), then formats 0
 * (one number per glyph), 1 or 2 (ranges). */
static bool
read_charset(const cff_buf *b, long offset, cff_info *out)
{
	uint32_t format, v;
	unsigned g;

	if (offset <= 2 || (size_t)offset >= b->size)
		return false;                   /* predefined: no CIDs */
	format = b->data[offset];
	if (format == 1 || format == 2)
		return read_charset_ranges(b, (size_t)offset + 1, format, out);
	if (format != 0)
		return false;
	for (g = 1; g < out->glyph_count; g++) {
		if (!read_uint(b, (size_t)offset + 1 + 2 * (g - 1), 2, &v))
			return false;
		out->cid_of_glyph[g] = (uint16_t)v;
	}
	return true;
}

/* The header and the four INDEXes that start every CFF: Name, Top DICT
 * (its first entry), String; the Global Subr INDEX is not needed. */
static bool
read_front(const cff_buf *b, top_dict *t, cff_index *strings)
{
	cff_index names, tops;
	size_t from, to;

	if (b->size < 4 || b->data[0] != 1 || b->data[2] < 4)
		return false;
	return read_index(b, b->data[2], &names) &&
	       read_index(b, names.end, &tops) &&
	       index_entry(b, &tops, 0, &from, &to) &&
	       read_index(b, tops.end, strings) &&
	       read_top_dict(b, from, to, t);
}

/* cff_read:
 * Header, Top DICT, CharStrings count, then the CIDs from the charset
 * (CID-keyed) or the glyph indices themselves (name-keyed). */
bool
cff_read(arena *a, const unsigned char *data, size_t size, cff_info *out,
         const char **why)
{
	cff_buf b = { data, size };
	cff_index strings, charstrings;
	top_dict t = { 0 };
	unsigned g;

	memset(out, 0, sizeof(*out));
	*why = "not a CFF version 1 table (or a damaged one)";
	if (!read_front(&b, &t, &strings) ||
	    !read_index(&b, (size_t)t.charstrings, &charstrings) ||
	    charstrings.count == 0)
		return false;
	out->glyph_count = charstrings.count;
	out->cid_of_glyph = arena_calloc(a, out->glyph_count, sizeof(uint16_t));
	out->cid_keyed = t.has_ros;
	copy_string(&b, &strings, t.has_ros ? t.ros[0] : -1, "Adobe", out->registry);
	copy_string(&b, &strings, t.has_ros ? t.ros[1] : -1, "Identity",
	            out->ordering);
	out->supplement = t.has_ros ? (int)t.ros[2] : 0;
	if (!out->cid_keyed) {
		for (g = 0; g < out->glyph_count; g++)
			out->cid_of_glyph[g] = (uint16_t)g;
		return true;
	}
	*why = "the charset of a CID-keyed CFF is damaged";
	return read_charset(&b, t.charset, out);
}

/* cff_index_find:
 * The public face of read_index, for the subset writer (cff_subset.c):
 * the INDEX at offset, its entry count and the first byte after it. */
bool
cff_index_find(const unsigned char *data, size_t size, size_t offset,
               unsigned *count, size_t *end)
{
	cff_buf b = { data, size };
	cff_index ix;

	if (!read_index(&b, offset, &ix))
		return false;
	*count = ix.count;
	*end = ix.end;
	return true;
}

/* cff_index_read:
 * read_index for the subset writer. */
bool
cff_index_read(const unsigned char *data, size_t size, size_t offset,
               cff_index *ix)
{
	cff_buf b = { data, size };

	return read_index(&b, offset, ix);
}

/* cff_index_entry:
 * index_entry for the subset writer. */
bool
cff_index_entry(const unsigned char *data, size_t size, const cff_index *ix,
                unsigned i, size_t *from, size_t *to)
{
	cff_buf b = { data, size };

	return index_entry(&b, ix, i, from, to);
}

/* cff_index_item:
 * The extent [*from, *to) of entry i of the INDEX at offset. */
bool
cff_index_item(const unsigned char *data, size_t size, size_t offset,
               unsigned i, size_t *from, size_t *to)
{
	cff_buf b = { data, size };
	cff_index ix;

	return read_index(&b, offset, &ix) && index_entry(&b, &ix, i, from, to);
}

/* cff_charset_cids:
 * The charset as read_charset reads it, but into the kept glyphs' CIDs
 * only: format 0 is looked up, the ranges of formats 1 and 2 are walked
 * beside the ascending glyphs. */
bool
cff_charset_cids(const unsigned char *data, size_t size, size_t offset,
                 const uint32_t *glyphs, unsigned count, uint16_t *cids)
{
	cff_buf b = { data, size };
	uint32_t format, first, left, v;
	uint64_t g = 1;                 /* the first glyph of the next range */
	unsigned i;

	if (offset <= 2 || offset >= size)
		return false;
	format = data[offset++];
	for (i = 0; i < count && glyphs[i] == 0; i++)
		cids[i] = 0;                    /* .notdef */
	if (format == 0) {
		for (; i < count; i++) {
			if (!read_uint(&b, offset + 2 * ((size_t)glyphs[i] - 1), 2, &v))
				return false;
			cids[i] = (uint16_t)v;
		}
		return true;
	}
	if (format != 1 && format != 2)
		return false;
	while (i < count) {
		if (!read_uint(&b, offset, 2, &first) ||
		    !read_uint(&b, offset + 2, format, &left))
			return false;
		offset += 2 + format;
		for (; i < count && glyphs[i] >= g && glyphs[i] - g <= left; i++)
			cids[i] = (uint16_t)(first + (glyphs[i] - g));
		g += (uint64_t)left + 1;
	}
	return true;
}

/* cff_dict_entry:
 * One DICT entry from *p (below end): its operands, at most max of them
 * (integers; a real reads as 0), and its operator, 12 x given as
 * 0x0C00 | x.  *p moves past the operator. */
bool
cff_dict_entry(const unsigned char *data, size_t end, size_t *p,
               long *operands, size_t max, size_t *n, unsigned *op)
{
	cff_buf b = { data, end };

	*n = 0;
	while (*p < end && data[*p] > 21) {
		if (*n >= max || !dict_operand(&b, p, end, &operands[(*n)++]))
			return false;
	}
	if (*p >= end)
		return false;
	*op = data[(*p)++];
	if (*op == 12) {
		if (*p >= end)
			return false;
		*op = 0x0C00 | data[(*p)++];
	}
	return true;
}

/* cff_dict_integer:
 * dict_operand, but a real is refused rather than read as 0. */
bool
cff_dict_integer(const unsigned char *data, size_t end, size_t *p,
                 long *value)
{
	cff_buf b = { data, end };

	return *p < end && data[*p] != 30 && dict_operand(&b, p, end, value);
}
