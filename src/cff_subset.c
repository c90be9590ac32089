/*
 * cff_subset.c - the subset of a CID-keyed CFF, written by copying (Adobe
 * Technical Note #5176) but for the charstrings, which are flattened
 * (Type 2, Technical Note #5177): every callsubr and callgsubr gives way
 * to the subroutine it calls, and the hints are left out.  The layout
 * written: Header, Name INDEX (copied), Top DICT INDEX (the source's
 * operators but the offset ones, which are appended as fixed 5-byte
 * integers so that every offset is known before writing), String INDEX
 * (copied: SIDs stay valid), an empty Global Subr INDEX, charset (format
 * 2), FDSelect (format 3), CharStrings INDEX (the kept glyphs'
 * charstrings, flattened, without hint operators), FDArray INDEX (only
 * the Font DICTs the kept glyphs use, in the source's order, each with
 * its Private operator rewritten), their Private DICTs less the Subrs
 * operator, as no subroutines are left to point to.
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
#define SUBR_DEPTH_MAX 10            /* Type 2's limit on nested calls */
#define CHARSTRING_MAX 65535         /* Type 2's limit, here once flattened */
/* Bytes of charstring and subroutines read for one glyph, calls and
 * returns included: subroutines that call each other many times over
 * must not keep us busy for long, even when what they draw fits in
 * CHARSTRING_MAX (hints make what is read longer than what is kept). */
#define READ_MAX (4 * CHARSTRING_MAX)
#define FD_MAX 256                   /* an FDSelect entry is one byte */
#define INT5_SIZE 5                  /* operand 29 and four bytes */
#define TOP_OFFSETS_SIZE (4 * INT5_SIZE + 1 + 1 + 2 + 2)  /* + operators */
#define PRIVATE_ENTRY_SIZE (2 * INT5_SIZE + 1)

/* A Global or local Subr INDEX and the bias Type 2 adds to a call's
 * operand to give the index of the subroutine called. */
typedef struct subr_index {
	size_t offset;
	unsigned count, bias;
} subr_index;

/* One Font DICT of the source and its Private DICT, whose Subrs entry
 * (the bytes [subrs_from, subrs_to), empty if none) the subset drops. */
typedef struct font_dict {
	const unsigned char *dict;   /* the Font DICT's bytes */
	size_t dict_size;
	size_t private_offset, private_size;
	size_t subrs_from, subrs_to;
	subr_index subrs;            /* its local subrs; count 0 if none */
} font_dict;

/* The parts of the source font the subset copies or rewrites. */
typedef struct source_cff {
	const unsigned char *data;
	size_t size;
	size_t names_from, names_to;     /* the Name INDEX, whole */
	size_t top_from, top_to;         /* the Top DICT's bytes */
	size_t strings_from, strings_to; /* the String INDEX, whole */
	subr_index gsubrs;
	long charset, charstrings, fdarray, fdselect;
	bool has_ros, type2;
	unsigned glyph_count, fd_count;
	font_dict *fds;
} source_cff;

/* What the subset holds besides the copied parts: the kept glyphs, their
 * CIDs and Font DICTs, their flattened charstrings and the Font DICTs
 * they use, renumbered. */
typedef struct subset_parts {
	const uint32_t *old;             /* the kept glyphs, in the source */
	unsigned count;
	uint16_t *cid;                   /* count entries each */
	unsigned char *fd;
	unsigned char **charstrings;
	size_t *cs_lengths, cs_total;
	unsigned fd_count;               /* Font DICTs used */
	unsigned char fd_old[FD_MAX];    /* the source's number of each */
	unsigned char fd_new[FD_MAX];    /* the subset's, by source number */
	unsigned char **dicts;           /* the rewritten Font DICTs */
	size_t *dict_sizes, dicts_total;
} subset_parts;

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

/* What Type 2 adds to a call's operand: the operands of a font with
 * many subroutines start far below zero to use short numbers. */
static unsigned
subr_bias(unsigned count)
{
	return count < 1240 ? 107 : count < 33900 ? 1131 : 32768;
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

/* Header, Name, Top DICT and String INDEXes, and the Global Subr INDEX
 * (found only: a subroutine is looked at when called). */
static bool
read_front(source_cff *s, const char **why)
{
	unsigned count;
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
	    !cff_index_find(s->data, s->size, s->strings_to, &s->gsubrs.count,
	                    &end) ||
	    !read_top_dict(s))
		return false;
	s->gsubrs.offset = s->strings_to;
	s->gsubrs.bias = subr_bias(s->gsubrs.count);
	return true;
}

/* The Private operator of Font DICT fd. */
static bool
find_private(const source_cff *s, font_dict *fd)
{
	long v[OPERANDS_MAX];
	size_t p, n;
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
	return found && fd->private_offset <= s->size &&
	       s->size - fd->private_offset >= fd->private_size;
}

/* The Private DICT of Font DICT fd, checked entry by entry: where its
 * Subrs entry is, and the local Subr INDEX it points to (its offset is
 * relative to the Private DICT). */
static bool
read_private(const source_cff *s, font_dict *fd)
{
	long v[OPERANDS_MAX], subrs = -1;
	size_t p, n, start, end, index_end;
	unsigned op;

	if (!find_private(s, fd))
		return false;
	end = fd->private_offset + fd->private_size;
	fd->subrs_from = fd->subrs_to = end;
	for (p = fd->private_offset; p < end;) {
		start = p;
		if (!cff_dict_entry(s->data, end, &p, v, OPERANDS_MAX, &n, &op))
			return false;
		if (op != OP_SUBRS)
			continue;
		if (n != 1 || v[0] <= 0 || subrs >= 0)
			return false;
		subrs = v[0];
		fd->subrs_from = start;
		fd->subrs_to = p;
	}
	if (subrs < 0)
		return true;
	if ((size_t)subrs >= s->size - fd->private_offset)
		return false;
	fd->subrs.offset = fd->private_offset + (size_t)subrs;
	if (!cff_index_find(s->data, s->size, fd->subrs.offset, &fd->subrs.count,
	                    &index_end))
		return false;
	fd->subrs.bias = subr_bias(fd->subrs.count);
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
		if (!read_private(s, &s->fds[i])) {
			*why = "a Private DICT or its Subr INDEX is damaged";
			return false;
		}
	}
	return true;
}

/* Everything the subset takes from the source but what depends on the
 * kept glyphs, checked. */
static bool
read_source(arena *a, source_cff *s, const char **why)
{
	size_t end;

	if (!read_front(s, why))
		return false;
	*why = "not a CID-keyed CFF with Type 2 charstrings";
	if (!s->has_ros || !s->type2)
		return false;
	*why = "not a CFF version 1 table (or a damaged one)";
	if (s->charstrings <= 0 ||
	    !cff_index_find(s->data, s->size, (size_t)s->charstrings,
	                    &s->glyph_count, &end) ||
	    s->glyph_count == 0)
		return false;
	*why = "the FDArray of the font is damaged";
	return read_font_dicts(a, s, why);
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

/* FDSelect format 3: ranges of glyphs sharing a Font DICT, all checked,
 * walked beside the kept glyphs. */
static bool
read_fdselect_ranges(const source_cff *s, size_t p, subset_parts *sp)
{
	unsigned ranges, r, first, next = 0, i = 0;

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
		for (; i < sp->count && sp->old[i] < next; i++)
			sp->fd[i] = s->data[p + 2];
	}
	return next == s->glyph_count;
}

/* The Font DICT of each kept glyph, from FDSelect format 0 or 3. */
static bool
read_fdselect(const source_cff *s, subset_parts *sp)
{
	size_t p = (size_t)s->fdselect;
	unsigned i;

	if (s->fdselect <= 0 || p >= s->size)
		return false;
	if (s->data[p] == 3)
		return read_fdselect_ranges(s, p + 1, sp);
	if (s->data[p] != 0 || s->size - p - 1 < s->glyph_count)
		return false;
	for (i = 0; i < sp->count; i++)
		if ((sp->fd[i] = s->data[p + 1 + sp->old[i]]) >= s->fd_count)
			return false;
	return true;
}

/* The CIDs and Font DICTs of the kept glyphs: the source's charset and
 * FDSelect give them for every glyph, but only these are looked up. */
static bool
read_kept_glyphs(arena *a, const source_cff *s, subset_parts *sp,
                 const char **why)
{
	sp->cid = arena_calloc(a, sp->count, sizeof(*sp->cid));
	sp->fd = arena_alloc(a, sp->count);
	*why = "the charset of a CID-keyed CFF is damaged";
	if (s->charset <= 0 ||
	    !cff_charset_cids(s->data, s->size, (size_t)s->charset, sp->old,
	                      sp->count, sp->cid))
		return false;
	*why = "the FDSelect of the font is damaged";
	return read_fdselect(s, sp);
}

/* ---- flattening a charstring ------------------------------------------ */

/* The byte length of the Type 2 charstring number starting with b, 0 for
 * an operator: 32-246 one byte, 247-254 two, 28 three, 255 five. */
static size_t
number_length(unsigned char b)
{
	return (size_t)(b >= 32) + (b >= 247) + 3u * (b == 255) + 3u * (b == 28);
}

/* The value of the n-byte charstring number at p; false if it has a
 * fraction (16.16), which no subroutine number may have. */
static bool
number_value(const unsigned char *p, size_t n, long *v)
{
	uint32_t fixed;

	if (n == 1) {
		*v = (long)p[0] - 139;
	} else if (n == 2) {
		*v = p[0] <= 250 ? (p[0] - 247) * 256 + p[1] + 108
		                 : -(p[0] - 251) * 256 - p[1] - 108;
	} else if (n == 3) {
		*v = (int16_t)(uint16_t)(p[1] << 8 | p[2]);
	} else {
		fixed = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 |
		        (uint32_t)p[3] << 8 | p[4];
		if ((fixed & 0xFFFF) != 0)
			return false;
		*v = (int32_t)fixed / 65536;
	}
	return true;
}

/* The drawing operators, which the subset keeps as they are: rmoveto,
 * hmoveto, vmoveto (these three settle the advance width), the lines and
 * curves (the flex family is escaped: see copy_run). */
static bool
is_drawing(unsigned char op)
{
	return (op >= 4 && op <= 8) || op == 21 || op == 22 ||
	       (op >= 24 && op <= 27) || op == 30 || op == 31;
}

/* A charstring or subroutine being read: the next byte and the end. */
typedef struct cs_frame {
	size_t p, end;
} cs_frame;

/* The state of flatten: the charstrings being read (frames[0] the
 * glyph's own, frames[depth] the subroutine called last), the output
 * and the operands at its end that wait for their operator (their
 * starts; operand_start[operands] is the output's length), the stems
 * declared so far (a hintmask's length depends on them), whether the
 * advance width, an optional first operand of the first stack-clearing
 * operator, has been settled, and how many more bytes the glyph may read.
 *
 * Hints are stripped from the flattened stream rather than from each
 * subroutine, as an operator may take operands pushed by its caller or
 * by a subroutine called before it: in the output they are all at the
 * end, in order, whoever pushed them. */
typedef struct flattener {
	const unsigned char *data;
	size_t size;
	const subr_index *global, *local;
	cs_frame frames[SUBR_DEPTH_MAX + 1];
	unsigned depth;
	unsigned char *out;                  /* CHARSTRING_MAX bytes */
	size_t operand_start[CHARSTRING_STACK + 1];
	unsigned operands, stems;
	bool width_settled, ended;
	size_t budget;
	const char *why;
} flattener;

static bool
refuse(flattener *f, const char *why)
{
	f->why = why;
	return false;
}

static bool
too_long(flattener *f)
{
	return refuse(f, "a glyph is longer than 65535 bytes with its "
	                 "subroutines inlined");
}

static bool
past_end(flattener *f)
{
	return refuse(f, "a charstring or subroutine runs past its end");
}

/* Numbers and drawing operators from fr->p on, which go to the output
 * as they are, up to another operator or the frame's end: most of a
 * charstring, scanned in a tight loop and copied in one go (source byte
 * p lands at o + (p - start) in the output). */
static bool
copy_run(flattener *f, cs_frame *fr)
{
	const unsigned char *data = f->data;
	size_t start = fr->p, p = start, end = fr->end;
	size_t o = f->operand_start[f->operands], n;
	unsigned operands = f->operands;
	unsigned char b;

	while (p < end) {
		b = data[p];
		n = number_length(b);
		if (n > 0) {
			if (operands == CHARSTRING_STACK)
				return refuse(f, "a charstring overflows the argument stack");
			p += n;
			f->operand_start[++operands] = o + (p - start);
			continue;
		}
		if (b == 12 && end - p >= 2 && data[p + 1] >= 34 && data[p + 1] <= 37)
			p += 2;                     /* hflex, flex, hflex1, flex1 */
		else if (is_drawing(b))
			p += 1;
		else
			break;
		if (b == 4 || b == 21 || b == 22)
			f->width_settled = true;
		operands = 0;
		f->operand_start[0] = o + (p - start);
	}
	if (p > end)
		return past_end(f);             /* a number cut off */
	if (p - start > CHARSTRING_MAX - o)
		return too_long(f);
	if (p - start > f->budget)
		return refuse(f, "a glyph's subroutines call each other too often");
	f->budget -= p - start;
	memcpy(f->out + o, data + start, p - start);
	f->operands = operands;
	fr->p = p;
	return true;
}

/* endchar: the glyph ends here, whatever follows it.  With the four
 * operands of seac it would be an accented character made of two other
 * glyphs, which the subset would have to keep as well. */
static bool
end_char(flattener *f, cs_frame *fr)
{
	size_t o = f->operand_start[f->operands];

	if (f->operands >= 4)
		return refuse(f, "a glyph is an accented character (seac)");
	if (o == CHARSTRING_MAX)
		return too_long(f);
	f->out[o] = 14;
	fr->p++;
	f->operands = 0;
	f->operand_start[0] = o + 1;
	f->ended = true;
	return true;
}

/* A hint operator (hstem, vstem, hstemhm, vstemhm, hintmask, cntrmask,
 * the last two maybe with an implicit vstem's operands) declares its
 * stems and is left out with its operands and mask, as HarfBuzz's
 * NO_HINTING does (a PDF renderer hints on its own), but for an advance
 * width among them: that stays for the next operator to carry. */
static bool
drop_hint(flattener *f, cs_frame *fr, unsigned char op)
{
	bool width = !f->width_settled && f->operands % 2 == 1;
	size_t length = 1;

	f->width_settled = true;
	f->stems += (f->operands - width) / 2;
	f->operand_start[0] = f->operand_start[width];
	f->operands = 0;
	if (op == 19 || op == 20)
		length += (f->stems + 7) / 8;
	if (fr->end - fr->p < length)
		return past_end(f);
	fr->p += length;
	return true;
}

/* callsubr or callgsubr at fr->p: the operand on top of the stack plus
 * the bias is the subroutine, read next in a frame of its own. */
static bool
call_subr(flattener *f, cs_frame *fr, const subr_index *subrs)
{
	size_t top, from, to;
	long i;

	if (f->operands == 0)
		return refuse(f, "a subroutine call has no operand");
	top = f->operand_start[f->operands - 1];
	if (!number_value(f->out + top, f->operand_start[f->operands] - top, &i))
		return refuse(f, "a subroutine call has a fractional operand");
	f->operands--;
	i += subrs->bias;
	if (i < 0 || (unsigned long)i >= subrs->count)
		return refuse(f, "a charstring calls a subroutine that does not exist");
	if (f->depth == SUBR_DEPTH_MAX)
		return refuse(f, "subroutine calls nest more than 10 deep");
	if (!cff_index_item(f->data, f->size, subrs->offset, (unsigned)i, &from,
	                    &to))
		return refuse(f, "a Subr INDEX is damaged");
	fr->p++;
	f->frames[++f->depth] = (cs_frame){ from, to };
	return true;
}

/* The escaped operators that copy_run leaves: dotsection, an obsolete
 * hint, is dropped; the arithmetic and storage operators are refused, as
 * an operand they compute could not be told apart from one to drop. */
static bool
flatten_escape(flattener *f, cs_frame *fr)
{
	if (fr->end - fr->p < 2)
		return past_end(f);
	if (f->data[fr->p + 1] == 0 && f->operands == 0) {
		fr->p += 2;
		return true;
	}
	return refuse(f, "a charstring has an arithmetic or unknown operator");
}

/* An operator at fr->p that copy_run does not copy. */
static bool
flatten_operator(flattener *f, cs_frame *fr)
{
	unsigned char op = f->data[fr->p];

	if (f->budget == 0)
		return refuse(f, "a glyph's subroutines call each other too often");
	f->budget--;
	switch (op) {
	case 1: case 3: case 18: case 19: case 20: case 23:
		return drop_hint(f, fr, op);
	case 10:
		return call_subr(f, fr, f->local);
	case 29:
		return call_subr(f, fr, f->global);
	case 11:                                    /* return */
		if (f->depth == 0)
			return refuse(f, "a charstring returns from no subroutine");
		f->depth--;
		return true;
	case 12:
		return flatten_escape(f, fr);
	case 14:
		return end_char(f, fr);
	default:
		return refuse(f, "a charstring has a reserved operator");
	}
}

/* Writes the glyph charstring [from, to) flattened and without hints
 * into f->out, *len bytes.  A subroutine ends at return or, as FreeType
 * and HarfBuzz read it, at its last byte.  Operands left without an
 * operator at the glyph's end are dropped. */
static bool
flatten(flattener *f, size_t from, size_t to, size_t *len)
{
	cs_frame *fr;

	f->frames[0] = (cs_frame){ from, to };
	f->depth = f->operands = f->stems = 0;
	f->operand_start[0] = 0;
	f->width_settled = f->ended = false;
	f->budget = READ_MAX;
	while (!f->ended) {
		fr = &f->frames[f->depth];
		if (!copy_run(f, fr))
			return false;
		if (fr->p < fr->end) {
			if (!flatten_operator(f, fr))
				return false;
		} else if (f->depth > 0) {
			f->depth--;
		} else {
			break;
		}
	}
	*len = f->operand_start[0];
	return true;
}

/* The kept glyphs' charstrings, flattened, each with the local subrs of
 * its Font DICT.  Only these and the subroutines they call are read. */
static bool
flatten_charstrings(arena *a, const source_cff *s, subset_parts *sp,
                    const char **why)
{
	flattener f = { .data = s->data, .size = s->size, .global = &s->gsubrs };
	size_t from, to, len;
	unsigned i;

	f.out = arena_alloc(a, CHARSTRING_MAX);
	sp->charstrings = arena_calloc(a, sp->count, sizeof(*sp->charstrings));
	sp->cs_lengths = arena_calloc(a, sp->count, sizeof(*sp->cs_lengths));
	sp->cs_total = 0;
	for (i = 0; i < sp->count; i++) {
		*why = "a charstring is damaged";
		if (!cff_index_item(s->data, s->size, (size_t)s->charstrings,
		                    sp->old[i], &from, &to))
			return false;
		f.local = &s->fds[sp->fd[i]].subrs;
		if (!flatten(&f, from, to, &len)) {
			*why = f.why;
			return false;
		}
		sp->charstrings[i] = arena_alloc(a, len);
		memcpy(sp->charstrings[i], f.out, len);
		sp->cs_lengths[i] = len;
		sp->cs_total += len;
	}
	return true;
}

/* ---- writing ------------------------------------------------------------ */

/* The Font DICTs the kept glyphs use, numbered in the source's order. */
static void
choose_font_dicts(const source_cff *s, subset_parts *sp)
{
	bool used[FD_MAX] = { false };
	unsigned i;

	for (i = 0; i < sp->count; i++)
		used[sp->fd[i]] = true;
	sp->fd_count = 0;
	for (i = 0; i < s->fd_count; i++) {
		if (!used[i])
			continue;
		sp->fd_new[i] = (unsigned char)sp->fd_count;
		sp->fd_old[sp->fd_count++] = (unsigned char)i;
	}
}

/* How many runs of consecutive CIDs (charset, .notdef left out) or equal
 * Font DICTs (FDSelect) the kept glyphs make. */
static unsigned
count_runs(const subset_parts *sp, bool by_cid)
{
	unsigned i, runs = sp->count > 1 || !by_cid ? 1 : 0;

	for (i = by_cid ? 2 : 1; i < sp->count; i++)
		if (by_cid ? sp->cid[i] != sp->cid[i - 1] + 1u
		           : sp->fd[i] != sp->fd[i - 1])
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

/* The size of fd's Private DICT in the subset, without Subrs. */
static size_t
subset_private_size(const font_dict *fd)
{
	return fd->private_size - (fd->subrs_to - fd->subrs_from);
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
	out = put_int5(out + size, subset_private_size(fd));
	out = put_int5(out, private_offset);
	*out = OP_PRIVATE;
	return size + PRIVATE_ENTRY_SIZE;
}

/* fd's Private DICT, every entry byte for byte but Subrs. */
static unsigned char *
put_private(unsigned char *p, const source_cff *s, const font_dict *fd)
{
	size_t before = fd->subrs_from - fd->private_offset;
	size_t after = fd->private_offset + fd->private_size - fd->subrs_to;

	memcpy(p, s->data + fd->private_offset, before);
	memcpy(p + before, s->data + fd->subrs_to, after);
	return p + before + after;
}

/* charset format 2: ranges of consecutive CIDs, .notdef left out. */
static unsigned char *
put_charset(unsigned char *p, const subset_parts *sp)
{
	unsigned i = 1, k;

	*p++ = 2;
	while (i < sp->count) {
		for (k = i + 1; k < sp->count && sp->cid[k] == sp->cid[k - 1] + 1u; k++)
			;
		p = put16(p, sp->cid[i]);
		p = put16(p, k - i - 1);
		i = k;
	}
	return p;
}

/* FDSelect format 3: ranges of glyphs with the same Font DICT, by its
 * number in the subset. */
static unsigned char *
put_fdselect(unsigned char *p, const subset_parts *sp)
{
	unsigned i;

	*p++ = 3;
	p = put16(p, count_runs(sp, false));
	for (i = 0; i < sp->count; i++) {
		if (i > 0 && sp->fd[i] == sp->fd[i - 1])
			continue;
		p = put16(p, i);
		*p++ = sp->fd_new[sp->fd[i]];
	}
	return put16(p, sp->count);
}

/* Sizes and offsets of every part after the String INDEX. */
static void
lay_out(subset_layout *l, const source_cff *s, const subset_parts *sp)
{
	unsigned i;

	l->top_index_size = index_size(1, l->top_dict_size);
	l->charset_size = 1 + 4 * (size_t)count_runs(sp, true);
	l->fdselect_size = 1 + 2 + 3 * (size_t)count_runs(sp, false) + 2;
	l->charstrings_size = index_size(sp->count, sp->cs_total);
	l->fdarray_size = index_size(sp->fd_count, sp->dicts_total);
	l->charset = 4 + (s->names_to - s->names_from) + l->top_index_size +
	             (s->strings_to - s->strings_from) + 2;
	l->fdselect = l->charset + l->charset_size;
	l->charstrings = l->fdselect + l->fdselect_size;
	l->fdarray = l->charstrings + l->charstrings_size;
	l->privates = l->fdarray + l->fdarray_size;
	l->end = l->privates;
	for (i = 0; i < sp->fd_count; i++)
		l->end += subset_private_size(&s->fds[sp->fd_old[i]]);
}

/* The used Font DICTs, each pointing at its Private DICT's place in the
 * subset, from privates on. */
static void
build_font_dicts(const source_cff *s, subset_parts *sp, size_t privates)
{
	const font_dict *fd;
	unsigned i;

	sp->dicts_total = 0;
	for (i = 0; i < sp->fd_count; i++) {
		fd = &s->fds[sp->fd_old[i]];
		sp->dict_sizes[i] = copy_font_dict(fd, privates, sp->dicts[i]);
		privates += subset_private_size(fd);
		sp->dicts_total += sp->dict_sizes[i];
	}
}

static void
make_font_dicts(arena *a, const source_cff *s, subset_parts *sp)
{
	unsigned i;

	choose_font_dicts(s, sp);
	sp->dicts = arena_calloc(a, sp->fd_count, sizeof(*sp->dicts));
	sp->dict_sizes = arena_calloc(a, sp->fd_count, sizeof(*sp->dict_sizes));
	for (i = 0; i < sp->fd_count; i++)
		sp->dicts[i] = arena_alloc(a, s->fds[sp->fd_old[i]].dict_size +
		                              PRIVATE_ENTRY_SIZE);
	/* their sizes do not depend on the offsets they hold */
	build_font_dicts(s, sp, 0);
}

/* Writes the whole subset into out (l->end bytes). */
static void
put_subset(unsigned char *out, const source_cff *s, const subset_layout *l,
           unsigned char *top, const subset_parts *sp)
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
	p = put_charset(p, sp);
	p = put_fdselect(p, sp);
	p = put_index(p, sp->count, (const unsigned char *const *)sp->charstrings,
	              sp->cs_lengths, sp->cs_total);
	p = put_index(p, sp->fd_count, (const unsigned char *const *)sp->dicts,
	              sp->dict_sizes, sp->dicts_total);
	for (i = 0; i < sp->fd_count; i++)
		p = put_private(p, s, &s->fds[sp->fd_old[i]]);
}

/* cff_subset_write:
 * Reads and checks the source, flattens the kept charstrings, lays the
 * subset out (every size is known before a byte is written, as offsets
 * are fixed-width), then writes. */
bool
cff_subset_write(arena *a, const unsigned char *data, size_t size,
                 const uint32_t *old_glyphs, unsigned count,
                 unsigned char **out, size_t *out_size, const char **why)
{
	source_cff s = { .data = data, .size = size };
	subset_parts sp = { .old = old_glyphs, .count = count };
	subset_layout l = { 0 };
	unsigned char *top;

	if (!read_source(a, &s, why))
		return false;
	*why = "the glyph list is not ascending from .notdef inside the font";
	if (!glyphs_usable(&s, old_glyphs, count) ||
	    !read_kept_glyphs(a, &s, &sp, why) ||
	    !flatten_charstrings(a, &s, &sp, why))
		return false;
	top = arena_alloc(a, s.top_to - s.top_from + TOP_OFFSETS_SIZE);
	l.top_dict_size = copy_top_dict(&s, top);
	make_font_dicts(a, &s, &sp);
	lay_out(&l, &s, &sp);
	build_font_dicts(&s, &sp, l.privates);
	*out = arena_alloc(a, l.end);
	*out_size = l.end;
	put_subset(*out, &s, &l, top, &sp);
	return true;
}
