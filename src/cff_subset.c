/*
 * cff_subset.c - the subset of a CID-keyed CFF without subroutines,
 * written by copying (Adobe Technical Note #5176).  The layout written:
 * Header, Name INDEX (copied), Top DICT INDEX (the source's operators
 * but the offset ones, which are appended as fixed 5-byte integers so
 * that every offset is known before writing), String INDEX (copied:
 * SIDs stay valid), an empty Global Subr INDEX, charset (format 2),
 * FDSelect (format 3), CharStrings INDEX (the kept charstrings without
 * hint operators), FDArray INDEX (each Font DICT with its Private
 * operator rewritten), the Private DICTs.
 */
#include "cff_subset.h"

#include <string.h>

#include "cff.h"

#define OP_CHARSET 15
#define OP_ENCODING 16
#define OP_CHARSTRINGS 17
#define OP_PRIVATE 18
#define OP_SUBRS 19
#define OP_CHARSTRING_TYPE 0x0C06
#define OP_ROS 0x0C1E
#define OP_FDARRAY 0x0C24
#define OP_FDSELECT 0x0C25
#define OPERANDS_MAX 48
#define CHARSTRING_STACK 48          /* the Type 2 argument stack */
#define FD_MAX 256                   /* an FDSelect entry is one byte */
#define INT5_SIZE 5                  /* operand 29 and four bytes */
#define TOP_OFFSETS_SIZE (4 * INT5_SIZE + 1 + 1 + 2 + 2)  /* + operators */
#define PRIVATE_ENTRY_SIZE (2 * INT5_SIZE + 1)

/* One Font DICT of the source and its Private DICT. */
typedef struct font_dict {
	const unsigned char *dict;   /* the Font DICT's bytes */
	size_t dict_size;
	size_t private_offset, private_size;
} font_dict;

/* The parts of the source font the subset copies or rewrites. */
typedef struct source_cff {
	const unsigned char *data;
	size_t size;
	size_t names_from, names_to;     /* the Name INDEX, whole */
	size_t top_from, top_to;         /* the Top DICT's bytes */
	size_t strings_from, strings_to; /* the String INDEX, whole */
	long charset, charstrings, fdarray, fdselect;
	bool has_ros, type2;
	unsigned glyph_count, fd_count;
	font_dict *fds;
	unsigned char *fd_of_glyph;      /* glyph_count entries */
	uint16_t *cid_of_glyph;          /* from cff_read */
} source_cff;

/* The sizes of the subset's parts, then where each starts. */
typedef struct subset_layout {
	size_t top_dict_size, top_index_size;
	size_t charset_size, fdselect_size, charstrings_size, fdarray_size;
	size_t charset, fdselect, charstrings, fdarray, privates, end;
} subset_layout;

static unsigned char *
put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
	return p + 2;
}

/* An offset of off_size (1..4) bytes, big-endian. */
static unsigned char *
put_offset(unsigned char *p, uint32_t v, unsigned off_size)
{
	unsigned i;

	for (i = 0; i < off_size; i++)
		p[i] = (unsigned char)(v >> (8 * (off_size - 1 - i)));
	return p + off_size;
}

/* A DICT integer in its fixed five-byte form, whatever its value. */
static unsigned char *
put_int5(unsigned char *p, size_t v)
{
	*p = 29;
	return put_offset(p + 1, (uint32_t)v, 4);
}

/* The OffSize an INDEX needs for data_size bytes of entries. */
static unsigned
offset_size(size_t data_size)
{
	return data_size + 1 < 1u << 8 ? 1 : data_size + 1 < 1u << 16 ? 2
	     : data_size + 1 < 1u << 24 ? 3 : 4;
}

static size_t
index_size(unsigned count, size_t data_size)
{
	return count == 0 ? 2
	     : 3 + (size_t)(count + 1) * offset_size(data_size) + data_size;
}

/* Writes an INDEX of count entries (items[i], lengths[i] bytes). */
static unsigned char *
put_index(unsigned char *p, unsigned count, const unsigned char *const *items,
          const size_t *lengths, size_t data_size)
{
	unsigned off_size = offset_size(data_size), i;
	size_t offset = 1;

	p = put16(p, count);
	if (count == 0)
		return p;
	*p++ = (unsigned char)off_size;
	for (i = 0; i <= count; i++) {
		p = put_offset(p, (uint32_t)offset, off_size);
		if (i < count)
			offset += lengths[i];
	}
	for (i = 0; i < count; i++) {
		memcpy(p, items[i], lengths[i]);
		p += lengths[i];
	}
	return p;
}

/* Records the Top DICT operators the subset needs. */
static void
note_top_entry(source_cff *s, unsigned op, const long *v, size_t n)
{
	if (n == 0)
		return;
	if (op == OP_CHARSET)
		s->charset = v[n - 1];
	else if (op == OP_CHARSTRINGS)
		s->charstrings = v[n - 1];
	else if (op == OP_FDARRAY)
		s->fdarray = v[n - 1];
	else if (op == OP_FDSELECT)
		s->fdselect = v[n - 1];
	else if (op == OP_ROS)
		s->has_ros = true;
	else if (op == OP_CHARSTRING_TYPE)
		s->type2 = v[n - 1] == 2;
}

static bool
read_top_dict(source_cff *s)
{
	long v[OPERANDS_MAX];
	size_t p = s->top_from, n;
	unsigned op;

	s->charset = s->charstrings = s->fdarray = s->fdselect = -1;
	s->type2 = true;
	while (p < s->top_to) {
		if (!cff_dict_entry(s->data, s->top_to, &p, v, OPERANDS_MAX, &n, &op))
			return false;
		note_top_entry(s, op, v, n);
	}
	return true;
}

/* Header, Name, Top DICT and String INDEXes, and the Global Subr INDEX,
 * which must be empty. */
static bool
read_front(source_cff *s, const char **why)
{
	unsigned count, subrs;
	size_t end;

	*why = "not a CFF version 1 table (or a damaged one)";
	if (s->size < 4 || s->data[0] != 1 || s->data[2] < 4)
		return false;
	s->names_from = s->data[2];
	if (!cff_index_find(s->data, s->size, s->names_from, &count, &s->names_to) ||
	    !cff_index_item(s->data, s->size, s->names_to, 0, &s->top_from,
	                    &s->top_to) ||
	    !cff_index_find(s->data, s->size, s->names_to, &count, &s->strings_from) ||
	    !cff_index_find(s->data, s->size, s->strings_from, &count,
	                    &s->strings_to) ||
	    !cff_index_find(s->data, s->size, s->strings_to, &subrs, &end) ||
	    !read_top_dict(s))
		return false;
	*why = "the font has global subroutines";
	return subrs == 0;
}

/* The Private operator of Font DICT fd, and its Private DICT, which
 * must have no Subrs. */
static bool
read_private(source_cff *s, font_dict *fd, const char **why)
{
	long v[OPERANDS_MAX];
	size_t p, n, end;
	unsigned op;
	bool found = false;

	for (p = 0; p < fd->dict_size;) {
		if (!cff_dict_entry(fd->dict, fd->dict_size, &p, v, OPERANDS_MAX, &n, &op))
			return false;
		if (op == OP_PRIVATE && n == 2 && v[0] >= 0 && v[1] > 0) {
			fd->private_size = (size_t)v[0];
			fd->private_offset = (size_t)v[1];
			found = true;
		}
	}
	if (!found || fd->private_offset > s->size ||
	    s->size - fd->private_offset < fd->private_size)
		return false;
	end = fd->private_offset + fd->private_size;
	for (p = fd->private_offset; p < end;) {
		if (!cff_dict_entry(s->data, end, &p, v, OPERANDS_MAX, &n, &op))
			return false;
		if (op == OP_SUBRS) {
			*why = "a Private DICT has local subroutines";
			return false;
		}
	}
	return true;
}

static bool
read_font_dicts(arena *a, source_cff *s, const char **why)
{
	size_t from, to, end;
	unsigned i;

	if (s->fdarray <= 0 ||
	    !cff_index_find(s->data, s->size, (size_t)s->fdarray, &s->fd_count, &end) ||
	    s->fd_count == 0 || s->fd_count > FD_MAX)
		return false;
	s->fds = arena_calloc(a, s->fd_count, sizeof(font_dict));
	for (i = 0; i < s->fd_count; i++) {
		if (!cff_index_item(s->data, s->size, (size_t)s->fdarray, i, &from, &to))
			return false;
		s->fds[i].dict = s->data + from;
		s->fds[i].dict_size = to - from;
		if (!read_private(s, &s->fds[i], why))
			return false;
	}
	return true;
}

/* FDSelect format 3: ranges of glyphs sharing a Font DICT. */
static bool
read_fdselect_ranges(source_cff *s, size_t p)
{
	unsigned ranges, r, g, first, next;

	if (p + 2 > s->size)
		return false;
	ranges = (unsigned)s->data[p] << 8 | s->data[p + 1];
	p += 2;
	if (ranges == 0 || p + (size_t)ranges * 3 + 2 > s->size)
		return false;
	for (r = 0; r < ranges; r++, p += 3) {
		first = (unsigned)s->data[p] << 8 | s->data[p + 1];
		next = (unsigned)s->data[p + 3] << 8 | s->data[p + 4];
		if ((r == 0 && first != 0) || next < first ||
		    next > s->glyph_count || s->data[p + 2] >= s->fd_count)
			return false;
		for (g = first; g < next; g++)
			s->fd_of_glyph[g] = s->data[p + 2];
	}
	return next == s->glyph_count;
}

/* Each source glyph's Font DICT, from FDSelect format 0 or 3. */
static bool
read_fdselect(arena *a, source_cff *s)
{
	size_t p = (size_t)s->fdselect;
	unsigned g;

	if (s->fdselect <= 0 || p >= s->size)
		return false;
	s->fd_of_glyph = arena_alloc(a, s->glyph_count);
	if (s->data[p] == 3)
		return read_fdselect_ranges(s, p + 1);
	if (s->data[p] != 0 || s->size - p - 1 < s->glyph_count)
		return false;
	for (g = 0; g < s->glyph_count; g++)
		if ((s->fd_of_glyph[g] = s->data[p + 1 + g]) >= s->fd_count)
			return false;
	return true;
}

/* Everything the subset takes from the source, checked. */
static bool
read_source(arena *a, source_cff *s, const char **why)
{
	cff_info info;

	if (!read_front(s, why))
		return false;
	*why = "not a CID-keyed CFF with Type 2 charstrings";
	if (!s->has_ros || !s->type2)
		return false;
	if (!cff_read(a, s->data, s->size, &info, why))
		return false;
	s->glyph_count = info.glyph_count;
	s->cid_of_glyph = info.cid_of_glyph;
	*why = "the FDArray or FDSelect of the font is damaged";
	return read_font_dicts(a, s, why) && read_fdselect(a, s);
}

/* old_glyphs: ascending, starting at .notdef, inside the font. */
static bool
glyphs_usable(const source_cff *s, const uint32_t *old_glyphs, unsigned count)
{
	unsigned i;

	if (count == 0 || old_glyphs[0] != 0 || count > 0xFFFF)
		return false;
	for (i = 1; i < count; i++)
		if (old_glyphs[i] <= old_glyphs[i - 1] ||
		    old_glyphs[i] >= s->glyph_count)
			return false;
	return true;
}

/* How many runs of consecutive CIDs (charset) or equal Font DICTs
 * (FDSelect) the kept glyphs make, from glyph first on. */
static unsigned
count_runs(const source_cff *s, const uint32_t *old, unsigned count,
           bool by_cid)
{
	unsigned i, runs = count > 1 || !by_cid ? 1 : 0;

	for (i = by_cid ? 2 : 1; i < count; i++)
		if (by_cid ? s->cid_of_glyph[old[i]] != s->cid_of_glyph[old[i - 1]] + 1u
		           : s->fd_of_glyph[old[i]] != s->fd_of_glyph[old[i - 1]])
			runs++;
	return runs;
}

/* The Top DICT's operators but the offset ones, then those with fixed
 * 5-byte operands; the offsets are filled in by put_top_offsets. */
static size_t
copy_top_dict(const source_cff *s, unsigned char *out)
{
	long v[OPERANDS_MAX];
	size_t p = s->top_from, start, n, size = 0;
	unsigned op;

	while (p < s->top_to) {
		start = p;
		if (!cff_dict_entry(s->data, s->top_to, &p, v, OPERANDS_MAX, &n, &op))
			break;                  /* read_top_dict checked it */
		if (op == OP_CHARSET || op == OP_ENCODING || op == OP_CHARSTRINGS ||
		    op == OP_PRIVATE || op == OP_FDARRAY || op == OP_FDSELECT)
			continue;
		memcpy(out + size, s->data + start, p - start);
		size += p - start;
	}
	return size + TOP_OFFSETS_SIZE;
}

static void
put_top_offsets(unsigned char *end, const subset_layout *l)
{
	unsigned char *p = end - TOP_OFFSETS_SIZE;

	p = put_int5(p, l->charset);
	*p++ = OP_CHARSET;
	p = put_int5(p, l->charstrings);
	*p++ = OP_CHARSTRINGS;
	p = put_int5(p, l->fdselect);
	*p++ = 12;
	*p++ = OP_FDSELECT & 0xFF;
	p = put_int5(p, l->fdarray);
	*p++ = 12;
	*p = OP_FDARRAY & 0xFF;
}

/* A Font DICT with its Private operator replaced by one pointing at
 * private_offset (appended with fixed-size operands). */
static size_t
copy_font_dict(const font_dict *fd, size_t private_offset, unsigned char *out)
{
	long v[OPERANDS_MAX];
	size_t p = 0, start, n, size = 0;
	unsigned op;

	while (p < fd->dict_size) {
		start = p;
		if (!cff_dict_entry(fd->dict, fd->dict_size, &p, v, OPERANDS_MAX,
		                    &n, &op))
			break;                  /* read_private checked it */
		if (op == OP_PRIVATE)
			continue;
		memcpy(out + size, fd->dict + start, p - start);
		size += p - start;
	}
	out = put_int5(out + size, fd->private_size);
	out = put_int5(out, private_offset);
	*out = OP_PRIVATE;
	return size + PRIVATE_ENTRY_SIZE;
}

/* charset format 2: ranges of consecutive CIDs, .notdef left out. */
static unsigned char *
put_charset(unsigned char *p, const source_cff *s, const uint32_t *old,
            unsigned count)
{
	unsigned i = 1, k;

	*p++ = 2;
	while (i < count) {
		for (k = i + 1; k < count && s->cid_of_glyph[old[k]] ==
		                             s->cid_of_glyph[old[k - 1]] + 1u; k++)
			;
		p = put16(p, s->cid_of_glyph[old[i]]);
		p = put16(p, k - i - 1);
		i = k;
	}
	return p;
}

/* FDSelect format 3: ranges of glyphs with the same Font DICT. */
static unsigned char *
put_fdselect(unsigned char *p, const source_cff *s, const uint32_t *old,
             unsigned count)
{
	unsigned i;

	*p++ = 3;
	p = put16(p, count_runs(s, old, count, false));
	for (i = 0; i < count; i++) {
		if (i > 0 && s->fd_of_glyph[old[i]] == s->fd_of_glyph[old[i - 1]])
			continue;
		p = put16(p, i);
		*p++ = s->fd_of_glyph[old[i]];
	}
	return put16(p, count);
}

/* The byte length of the Type 2 charstring number starting with b. */
static size_t
number_length(unsigned char b)
{
	return b == 28 ? 3 : b <= 31 ? 0 : b <= 246 ? 1 : b <= 254 ? 2 : 5;
}

/* The state of strip_hints: operands waiting for their operator (their
 * starts), the stems declared so far (hintmask's length depends on it)
 * and whether the advance width, an optional first operand of the first
 * stack-clearing operator, has been settled. */
typedef struct hint_stripper {
	size_t operand_start[CHARSTRING_STACK + 1];
	unsigned operands, stems;
	bool width_settled;
} hint_stripper;

/* A hint operator (hstem, vstem, hstemhm, vstemhm, hintmask, cntrmask)
 * at p: declares its stems and is left out, but an advance width among
 * its operands is kept (written to *o) for the next operator to carry.
 * Returns the byte after it (and a hintmask's mask), 0 if truncated. */
static size_t
drop_hint(hint_stripper *h, const unsigned char *cs, size_t len, size_t p,
          unsigned char *out, size_t *o)
{
	bool width = !h->width_settled && h->operands % 2 == 1;
	size_t first = h->operand_start[0];

	h->width_settled = true;
	h->stems += (h->operands - width) / 2;
	if (width) {
		memcpy(out + *o, cs + first, h->operand_start[1] - first);
		*o += h->operand_start[1] - first;
	}
	h->operands = 0;
	if (cs[p] == 19 || cs[p] == 20)
		p += (h->stems + 7) / 8;
	return p + 1 <= len ? p + 1 : 0;
}

/* Copies the Type 2 charstring cs without its hints into out (at most
 * len bytes), as HarfBuzz's NO_HINTING does: a PDF renderer hints on its
 * own, and hints are a tenth of Fandol's outlines.  *out_len is the
 * length written; false on a malformed charstring or a subr call. */
static bool
strip_hints(const unsigned char *cs, size_t len, unsigned char *out,
            size_t *out_len)
{
	hint_stripper h = { .operands = 0 };
	size_t p = 0, o = 0, n, end;
	unsigned char op;

	while (p < len) {
		if ((n = number_length(cs[p])) > 0) {
			if (h.operands >= CHARSTRING_STACK || len - p < n)
				return false;
			h.operand_start[h.operands++] = p;
			h.operand_start[h.operands] = p += n;
			continue;
		}
		op = cs[p];
		if (op == 10 || op == 29)             /* callsubr, callgsubr */
			return false;
		if (op == 1 || op == 3 || op == 18 || op == 23 || op == 19 || op == 20) {
			if ((p = drop_hint(&h, cs, len, p, out, &o)) == 0)
				return false;
			continue;
		}
		if (op == 21 || op == 22 || op == 4 || op == 14)  /* moveto, endchar */
			h.width_settled = true;
		end = p + (op == 12 ? 2 : 1);
		if (end > len)
			return false;
		n = h.operands > 0 ? h.operand_start[0] : p;
		memcpy(out + o, cs + n, end - n);
		o += end - n;
		h.operands = 0;
		p = end;
	}
	*out_len = o;
	return true;
}

/* The kept glyphs' charstrings, without their hints. */
static bool
find_charstrings(arena *a, const source_cff *s, const uint32_t *old,
                 unsigned count, const unsigned char ***items, size_t **lengths,
                 size_t *total)
{
	unsigned char *stripped;
	size_t from, to;
	unsigned i;

	*items = arena_calloc(a, count, sizeof(**items));
	*lengths = arena_calloc(a, count, sizeof(**lengths));
	*total = 0;
	for (i = 0; i < count; i++) {
		if (!cff_index_item(s->data, s->size, (size_t)s->charstrings, old[i],
		                    &from, &to))
			return false;
		stripped = arena_alloc(a, to - from);
		if (!strip_hints(s->data + from, to - from, stripped, &(*lengths)[i]))
			return false;
		(*items)[i] = stripped;
		*total += (*lengths)[i];
	}
	return true;
}

/* Sizes and offsets of every part after the String INDEX. */
static void
lay_out(subset_layout *l, const source_cff *s, const uint32_t *old,
        unsigned count, size_t charstrings_data, size_t font_dicts_data)
{
	unsigned i;

	l->top_index_size = index_size(1, l->top_dict_size);
	l->charset_size = 1 + 4 * (size_t)count_runs(s, old, count, true);
	l->fdselect_size = 1 + 2 + 3 * (size_t)count_runs(s, old, count, false) + 2;
	l->charstrings_size = index_size(count, charstrings_data);
	l->fdarray_size = index_size(s->fd_count, font_dicts_data);
	l->charset = 4 + (s->names_to - s->names_from) + l->top_index_size +
	             (s->strings_to - s->strings_from) + 2;
	l->fdselect = l->charset + l->charset_size;
	l->charstrings = l->fdselect + l->fdselect_size;
	l->fdarray = l->charstrings + l->charstrings_size;
	l->privates = l->fdarray + l->fdarray_size;
	l->end = l->privates;
	for (i = 0; i < s->fd_count; i++)
		l->end += s->fds[i].private_size;
}

/* The new Font DICTs, each pointing at its Private DICT's new place. */
static size_t
build_font_dicts(arena *a, const source_cff *s, size_t privates,
                 unsigned char **dicts, size_t *sizes)
{
	size_t total = 0;
	unsigned i;

	for (i = 0; i < s->fd_count; i++) {
		dicts[i] = arena_alloc(a, s->fds[i].dict_size + PRIVATE_ENTRY_SIZE);
		sizes[i] = copy_font_dict(&s->fds[i], privates, dicts[i]);
		privates += s->fds[i].private_size;
		total += sizes[i];
	}
	return total;
}

/* Writes the whole subset into out (l->end bytes). */
static void
put_subset(unsigned char *out, const source_cff *s, const subset_layout *l,
           unsigned char *top, const uint32_t *old, unsigned count,
           const unsigned char *const *charstrings, const size_t *cs_lengths,
           size_t cs_total, unsigned char *const *dicts, const size_t *sizes,
           size_t dicts_total)
{
	const unsigned char *top_item = top;
	unsigned char *p = out;
	unsigned i;

	p[0] = s->data[0];
	p[1] = s->data[1];
	p[2] = 4;                                /* header size */
	p[3] = 4;                                /* absolute offsets: 4 bytes */
	p += 4;
	memcpy(p, s->data + s->names_from, s->names_to - s->names_from);
	p += s->names_to - s->names_from;
	put_top_offsets(top + l->top_dict_size, l);
	p = put_index(p, 1, &top_item, &l->top_dict_size, l->top_dict_size);
	memcpy(p, s->data + s->strings_from, s->strings_to - s->strings_from);
	p += s->strings_to - s->strings_from;
	p = put16(p, 0);                         /* no global subrs */
	p = put_charset(p, s, old, count);
	p = put_fdselect(p, s, old, count);
	p = put_index(p, count, charstrings, cs_lengths, cs_total);
	p = put_index(p, s->fd_count, (const unsigned char *const *)dicts, sizes,
	              dicts_total);
	for (i = 0; i < s->fd_count; i++) {
		memcpy(p, s->data + s->fds[i].private_offset, s->fds[i].private_size);
		p += s->fds[i].private_size;
	}
}

/* cff_subset_write:
 * Reads and checks the source, lays the subset out (every size is known
 * before a byte is written, as offsets are fixed-width), then writes. */
bool
cff_subset_write(arena *a, const unsigned char *data, size_t size,
                 const uint32_t *old_glyphs, unsigned count,
                 unsigned char **out, size_t *out_size, const char **why)
{
	source_cff s = { .data = data, .size = size };
	subset_layout l = { 0 };
	const unsigned char **charstrings;
	unsigned char *top, **dicts;
	size_t *cs_lengths, *sizes, cs_total, dicts_total;

	if (!read_source(a, &s, why))
		return false;
	*why = "the glyph list is not ascending from .notdef inside the font";
	if (!glyphs_usable(&s, old_glyphs, count))
		return false;
	*why = "a charstring is damaged or calls a subroutine";
	if (!find_charstrings(a, &s, old_glyphs, count, &charstrings, &cs_lengths,
	                      &cs_total))
		return false;
	top = arena_alloc(a, s.top_to - s.top_from + TOP_OFFSETS_SIZE);
	l.top_dict_size = copy_top_dict(&s, top);
	dicts = arena_calloc(a, s.fd_count, sizeof(*dicts));
	sizes = arena_calloc(a, s.fd_count, sizeof(*sizes));
	/* the Font DICTs' sizes do not depend on the offsets they hold */
	dicts_total = build_font_dicts(a, &s, 0, dicts, sizes);
	lay_out(&l, &s, old_glyphs, count, cs_total, dicts_total);
	build_font_dicts(a, &s, l.privates, dicts, sizes);
	*out = arena_alloc(a, l.end);
	*out_size = l.end;
	put_subset(*out, &s, &l, top, old_glyphs, count, charstrings, cs_lengths,
	           cs_total, dicts, sizes, dicts_total);
	return true;
}
