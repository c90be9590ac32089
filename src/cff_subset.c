/*
 * cff_subset.c - the subset of a CID-keyed CFF, written by copying (Adobe
 * Technical Note #5176) but for the charstrings, which are flattened
 * (Type 2, Technical Note #5177): every callsubr and callgsubr gives way
 * to the subroutine it calls, and the hints are left out.  The layout
 * written: Header, Name INDEX (copied), Top DICT INDEX (the source's
 * operators but the offset ones, which are appended as fixed 5-byte
 * integers so that every offset is known before writing), String INDEX
 * (only the strings the written DICTs name, renumbered), an empty Global
 * Subr INDEX, charset (format 0, 1 or 2, whichever is smallest),
 * FDSelect (format 3), CharStrings INDEX (the kept glyphs' charstrings,
 * flattened, without hint operators), FDArray INDEX (only the Font DICTs
 * the kept glyphs use, in the source's order, each with its Private
 * operator rewritten), their Private DICTs less Subrs, as no subroutines
 * are left to point to, and less the entries that only hint.  The parts
 * kept are those HarfBuzz keeps with NO_HINTING | DESUBROUTINIZE (but
 * for initialRandomSeed: see private_entry_dropped).
 */
#include "cff_subset.h"

#include <string.h>

#include "bytes.h"
#include "cff.h"

#define OP_VERSION 0
#define OP_NOTICE 1
#define OP_FULLNAME 2
#define OP_FAMILYNAME 3
#define OP_WEIGHT 4
#define OP_CHARSET 15
#define OP_ENCODING 16
#define OP_CHARSTRINGS 17
#define OP_PRIVATE 18
#define OP_SUBRS 19
#define OP_COPYRIGHT 0x0C00
#define OP_CHARSTRING_TYPE 0x0C06
#define OP_POSTSCRIPT 0x0C15
#define OP_BASEFONTNAME 0x0C16
#define OP_ROS 0x0C1E
#define OP_FDARRAY 0x0C24
#define OP_FDSELECT 0x0C25
#define OP_FONTNAME 0x0C26
#define STANDARD_STRINGS 391         /* SIDs below name predefined strings */
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
/* A copied DICT entry grows at most this many times over: a string
 * operand renumbered takes at most 5 bytes, and at least 1 before. */
#define DICT_GROWTH INT5_SIZE

/* A Global or local Subr INDEX and the bias Type 2 adds to a call's
 * operand to give the index of the subroutine called. */
typedef struct subr_index {
	cff_index index;
	unsigned bias;
} subr_index;

/* One Font DICT of the source and its Private DICT. */
typedef struct font_dict {
	const unsigned char *dict;   /* the Font DICT's bytes */
	size_t dict_size;
	size_t private_offset, private_size;
	subr_index subrs;            /* its local subrs; none if count is 0 */
} font_dict;

/* The parts of the source font the subset copies or rewrites. */
typedef struct source_cff {
	const unsigned char *data;
	size_t size;
	size_t names_from, names_to;     /* the Name INDEX, whole */
	size_t top_from, top_to;         /* the Top DICT's bytes */
	cff_index strings;               /* the String INDEX */
	subr_index gsubrs;
	long charset, charstrings, fdarray, fdselect;
	cff_index glyphs;                /* the CharStrings INDEX */
	bool has_ros, type2;
	unsigned glyph_count, fd_count;
	font_dict *fds;
} source_cff;

/* The strings the subset's DICTs name, numbered from 391 in the order
 * they are first met (the Top DICT's, then each written Font DICT's):
 * the subset's String INDEX holds these only, not the names of the Font
 * DICTs it leaves out. */
typedef struct string_map {
	arena *a;
	uint32_t *sid;               /* by source SID - 391: the subset's, or 0 */
	const unsigned char **items; /* the subset's strings, in the source */
	size_t *lengths, data_size;
	unsigned count, capacity;
} string_map;

/* What the subset holds besides the copied parts: the kept glyphs, their
 * CIDs and Font DICTs, their flattened charstrings, the strings named
 * and the Font DICTs used, renumbered, with their Private DICTs. */
typedef struct subset_parts {
	const uint32_t *old;             /* the kept glyphs, in the source */
	unsigned count;
	uint16_t *cid;                   /* count entries each */
	unsigned char *fd;
	unsigned char *charstrings;      /* one after the other */
	size_t *cs_lengths, cs_total;
	unsigned fd_count;               /* Font DICTs used */
	unsigned char fd_old[FD_MAX];    /* the source's number of each */
	unsigned char fd_new[FD_MAX];    /* the subset's, by source number */
	unsigned char **dicts;           /* the rewritten Font DICTs */
	size_t *dict_sizes, dicts_total;
	unsigned char **privates;        /* their Private DICTs, stripped */
	size_t *private_sizes;
	string_map strings;
} subset_parts;

/* The sizes of the subset's parts, then where each starts. */
typedef struct subset_layout {
	size_t top_dict_size, top_index_size, strings_size;
	unsigned charset_format;
	size_t charset_size, fdselect_size, charstrings_size, fdarray_size;
	size_t charset, fdselect, charstrings, fdarray, privates, end;
} subset_layout;

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

/* Writes the head of an INDEX of count entries of lengths[i] bytes,
 * data_size in all: count, OffSize and offsets, for the data to follow. */
static unsigned char *
put_index_head(unsigned char *p, unsigned count, const size_t *lengths,
               size_t data_size)
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
	return p;
}

/* Writes an INDEX of count entries (items[i], lengths[i] bytes). */
static unsigned char *
put_index(unsigned char *p, unsigned count, const unsigned char *const *items,
          const size_t *lengths, size_t data_size)
{
	unsigned i;

	p = put_index_head(p, count, lengths, data_size);
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
	size_t strings;

	*why = "not a CFF version 1 table (or a damaged one)";
	if (s->size < 4 || s->data[0] != 1 || s->data[2] < 4)
		return false;
	s->names_from = s->data[2];
	if (!cff_index_find(s->data, s->size, s->names_from, &count, &s->names_to) ||
	    !cff_index_item(s->data, s->size, s->names_to, 0, &s->top_from,
	                    &s->top_to) ||
	    !cff_index_find(s->data, s->size, s->names_to, &count, &strings) ||
	    !cff_index_read(s->data, s->size, strings, &s->strings) ||
	    !cff_index_read(s->data, s->size, s->strings.end, &s->gsubrs.index) ||
	    !read_top_dict(s))
		return false;
	s->gsubrs.bias = subr_bias(s->gsubrs.index.count);
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

/* The Private DICT of Font DICT fd, checked entry by entry, and the
 * local Subr INDEX its Subrs entry points to (its offset is relative to
 * the Private DICT). */
static bool
read_private(const source_cff *s, font_dict *fd)
{
	long v[OPERANDS_MAX], subrs = -1;
	size_t p, n, end;
	unsigned op;

	if (!find_private(s, fd))
		return false;
	end = fd->private_offset + fd->private_size;
	for (p = fd->private_offset; p < end;) {
		if (!cff_dict_entry(s->data, end, &p, v, OPERANDS_MAX, &n, &op))
			return false;
		if (op != OP_SUBRS)
			continue;
		if (n != 1 || v[0] <= 0 || subrs >= 0)
			return false;
		subrs = v[0];
	}
	if (subrs < 0)
		return true;
	if ((size_t)subrs >= s->size - fd->private_offset)
		return false;
	if (!cff_index_read(s->data, s->size, fd->private_offset + (size_t)subrs,
	                    &fd->subrs.index))
		return false;
	fd->subrs.bias = subr_bias(fd->subrs.index.count);
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
	if (!read_front(s, why))
		return false;
	*why = "not a CID-keyed CFF with Type 2 charstrings";
	if (!s->has_ros || !s->type2)
		return false;
	*why = "not a CFF version 1 table (or a damaged one)";
	if (s->charstrings <= 0 ||
	    !cff_index_read(s->data, s->size, (size_t)s->charstrings, &s->glyphs) ||
	    s->glyphs.count == 0)
		return false;
	s->glyph_count = s->glyphs.count;
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
	ranges = get16(s->data + p);
	p += 2;
	if (ranges == 0 || p + (size_t)ranges * 3 + 2 > s->size)
		return false;
	for (r = 0; r < ranges; r++, p += 3) {
		first = get16(s->data + p);
		next = get16(s->data + p + 3);
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

/* What each byte starts in a Type 2 charstring, for copy_run: a number
 * (TOKEN_NUMBER) of TOKEN_LENGTH bytes (32-246 one, 247-254 two, 28
 * three, 255 five); an operator the subset keeps as it is, one that
 * draws (TOKEN_DRAW, one byte; rmoveto, hmoveto and vmoveto also
 * TOKEN_MOVETO, as they settle the advance width); or one that
 * flatten_operator sees to (TOKEN_STOP: hints, calls, return, escape,
 * endchar, the reserved ones).  One look-up tells copy_run how far the
 * token goes and what it does to the argument stack. */
#define TOKEN_LENGTH 0x07
#define TOKEN_NUMBER 0x08
#define TOKEN_MOVETO 0x10
#define TOKEN_STOP 0x20
#define TOKEN_DRAW 0x40

#define T_ 0x20                              /* TOKEN_STOP */
#define TD 0x41                              /* TOKEN_DRAW | 1 */
#define TM 0x51                              /* TOKEN_DRAW | TOKEN_MOVETO | 1 */
#define N1 0x09                              /* TOKEN_NUMBER | 1 */
#define N2 0x0A
#define N3 0x0B
#define N5 0x0D
#define N1_8 N1, N1, N1, N1, N1, N1, N1, N1
#define N1_16 N1_8, N1_8

static const unsigned char token[256] = {
	/* 0-15: hstem, vstem, vmoveto, rlineto, hlineto, vlineto, rrcurveto,
	 * callsubr, return, escape, endchar, reserved */
	T_, T_, T_, T_, TM, TD, TD, TD, TD, T_, T_, T_, T_, T_, T_, T_,
	/* 16-31: reserved, hstemhm, hintmask, cntrmask, rmoveto, hmoveto,
	 * vstemhm, rcurveline, rlinecurve, vvcurveto, hhcurveto, shortint,
	 * callgsubr, vhcurveto, hvcurveto */
	T_, T_, T_, T_, T_, TM, TM, T_, TD, TD, TD, TD, N3, T_, TD, TD,
	N1_16, N1_16, N1_16, N1_16, N1_16, N1_16, N1_16,      /* 32-143 */
	N1_16, N1_16, N1_16, N1_16, N1_16, N1_16,             /* 144-239 */
	N1, N1, N1, N1, N1, N1, N1,                           /* 240-246 */
	N2, N2, N2, N2, N2, N2, N2, N2,                       /* 247-254 */
	N5,                                                   /* 255 */
};

#undef T_
#undef TD
#undef TM
#undef N1
#undef N2
#undef N3
#undef N5
#undef N1_8
#undef N1_16

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

/* A charstring or subroutine being read: the next byte and the end. */
typedef struct cs_frame {
	size_t p, end;
} cs_frame;

/* The state of flatten: the charstrings being read (frames[0] the
 * glyph's own, frames[depth] the subroutine called last), the output
 * (length bytes so far) and the operands at its end that wait for their
 * operator (how many, and where the first starts: the output from
 * stack_base on is these numbers, as the source wrote them), the stems
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
	size_t length, stack_base;
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
 * charstring, scanned in a tight loop and copied in one go.  A number
 * pushes an operand, a drawing operator clears the stack (the operands
 * then start after it, at clear in the source).
 *
 * The loop goes byte by byte, next being where the next token starts:
 * stepping token by token would wait at each for its first byte to be
 * loaded and looked up before knowing where the next one is, while here
 * every byte's load and look-up can start at once and only next waits,
 * on a compare and a mask.  Nor does it branch on the kind of byte (a
 * number, inside one, a drawing operator), which comes in no order a
 * predictor could learn: a byte inside a number counts as no token (t
 * is 0), and the stack's count is computed, not chosen.  (Against the
 * loop token by token it had, with a branch for each kind, this takes
 * two fifths less time on the seed report's Fandol glyphs, a seventh
 * less on its Noto Serif CJK ones.  Skipping 8 one-byte numbers at a
 * time as one word gained on Fandol but lost on Noto, whose numbers are
 * often two bytes long; so did a branch on "a token starts here".) */
static bool
copy_run(flattener *f, cs_frame *fr)
{
	const unsigned char *data = f->data;
	size_t start = fr->p, p, next = start, end = fr->end, clear = SIZE_MAX;
	unsigned operands = f->operands, t, first, moveto = 0;

	for (p = start; p < end; p++) {
		first = p == next;
		t = token[data[p]] & (0u - first);     /* 0 inside a number */
		next += t & TOKEN_LENGTH;
		if (t & TOKEN_STOP)
			break;
		/* operands + 1 after a number, 0 after a drawing operator */
		operands = (operands + (t / TOKEN_NUMBER & 1)) &
		           ((t / TOKEN_DRAW & 1) - 1u);
		clear = t & TOKEN_DRAW ? p + 1 : clear;
		moveto |= t;
		if (operands > CHARSTRING_STACK)
			return refuse(f, "a charstring overflows the argument stack");
	}
	if (moveto & TOKEN_MOVETO)
		f->width_settled = true;
	if (next > end)
		return past_end(f);             /* a number cut off */
	if (p - start > CHARSTRING_MAX - f->length)
		return too_long(f);
	if (p - start > f->budget)
		return refuse(f, "a glyph's subroutines call each other too often");
	f->budget -= p - start;
	memcpy(f->out + f->length, data + start, p - start);
	if (clear != SIZE_MAX)
		f->stack_base = f->length + (clear - start);
	f->length += p - start;
	f->operands = operands;
	fr->p = p;
	return true;
}

/* An operator the output keeps at its end, n bytes: the stack is
 * cleared. */
static bool
put_operator(flattener *f, const unsigned char *op, size_t n)
{
	if (CHARSTRING_MAX - f->length < n)
		return too_long(f);
	memcpy(f->out + f->length, op, n);
	f->length += n;
	f->stack_base = f->length;
	f->operands = 0;
	return true;
}

/* endchar: the glyph ends here, whatever follows it.  With the four
 * operands of seac it would be an accented character made of two other
 * glyphs, which the subset would have to keep as well. */
static bool
end_char(flattener *f, cs_frame *fr)
{
	if (f->operands >= 4)
		return refuse(f, "a glyph is an accented character (seac)");
	f->ended = true;
	return put_operator(f, f->data + fr->p++, 1);
}

/* A hint operator (hstem, vstem, hstemhm, vstemhm, hintmask, cntrmask,
 * the last two maybe with an implicit vstem's operands) declares its
 * stems and is left out with its operands and mask, as HarfBuzz's
 * NO_HINTING does (a PDF renderer hints on its own), but for an advance
 * width among them, the first operand: that stays for the next operator
 * to carry. */
static bool
drop_hint(flattener *f, cs_frame *fr, unsigned char op)
{
	bool width = !f->width_settled && f->operands % 2 == 1;
	size_t length = 1;

	f->width_settled = true;
	f->stems += (f->operands - width) / 2;
	if (width)
		f->stack_base += token[f->out[f->stack_base]] & TOKEN_LENGTH;
	f->length = f->stack_base;
	f->operands = 0;
	if (op == 19 || op == 20)
		length += (f->stems + 7) / 8;
	if (fr->end - fr->p < length)
		return past_end(f);
	fr->p += length;
	return true;
}

/* Where the operand on top of the stack starts in the output: the
 * operands are read from the first on, as numbers of known lengths. */
static size_t
top_operand(const flattener *f)
{
	size_t top = f->stack_base;
	unsigned i;

	for (i = 1; i < f->operands; i++)
		top += token[f->out[top]] & TOKEN_LENGTH;
	return top;
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
	top = top_operand(f);
	if (!number_value(f->out + top, f->length - top, &i))
		return refuse(f, "a subroutine call has a fractional operand");
	f->length = top;
	f->operands--;
	i += subrs->bias;
	if (i < 0 || (unsigned long)i >= subrs->index.count)
		return refuse(f, "a charstring calls a subroutine that does not exist");
	if (f->depth == SUBR_DEPTH_MAX)
		return refuse(f, "subroutine calls nest more than 10 deep");
	if (!cff_index_entry(f->data, f->size, &subrs->index, (unsigned)i, &from,
	                     &to))
		return refuse(f, "a Subr INDEX is damaged");
	fr->p++;
	f->frames[++f->depth] = (cs_frame){ from, to };
	return true;
}

/* An escaped operator: the flex family (hflex, flex, hflex1, flex1)
 * draws and is kept as it is; dotsection, an obsolete hint, is dropped;
 * the arithmetic and storage operators are refused, as an operand they
 * compute could not be told apart from one to drop. */
static bool
flatten_escape(flattener *f, cs_frame *fr)
{
	const unsigned char *op = f->data + fr->p;

	if (fr->end - fr->p < 2)
		return past_end(f);
	fr->p += 2;
	if (op[1] >= 34 && op[1] <= 37)
		return put_operator(f, op, 2);
	if (op[1] == 0 && f->operands == 0)
		return true;
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
	f->length = f->stack_base = 0;
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
	*len = f->stack_base;
	return true;
}

/* The bytes of the kept glyphs' charstrings in the source. */
static bool
source_glyph_bytes(const source_cff *s, const subset_parts *sp, size_t *total)
{
	size_t from, to;
	unsigned i;

	*total = 0;
	for (i = 0; i < sp->count; i++) {
		if (!cff_index_entry(s->data, s->size, &s->glyphs, sp->old[i], &from,
		                     &to))
			return false;
		*total += to - from;
	}
	return true;
}

/* The kept glyphs' charstrings, flattened one after the other into
 * sp->charstrings, each with the local subrs of its Font DICT.  Only
 * these and the subroutines they call are read.  Each is written in
 * place, with room for the longest glyph Type 2 allows ahead of it: the
 * buffer starts at the size the glyphs have in the source, which a font
 * without subroutines does not outgrow, and doubles when need be. */
static bool
flatten_charstrings(arena *a, const source_cff *s, subset_parts *sp,
                    const char **why)
{
	flattener f = { .data = s->data, .size = s->size, .global = &s->gsubrs };
	size_t from, to, len, capacity;
	unsigned char *grown;
	unsigned i;

	*why = "a charstring is damaged";
	if (!source_glyph_bytes(s, sp, &capacity))
		return false;
	capacity += CHARSTRING_MAX;
	sp->charstrings = arena_alloc(a, capacity);
	sp->cs_lengths = arena_calloc(a, sp->count, sizeof(*sp->cs_lengths));
	sp->cs_total = 0;
	for (i = 0; i < sp->count; i++) {
		if (capacity - sp->cs_total < CHARSTRING_MAX) {
			capacity *= 2;
			grown = arena_alloc(a, capacity);
			memcpy(grown, sp->charstrings, sp->cs_total);
			sp->charstrings = grown;
		}
		if (!cff_index_entry(s->data, s->size, &s->glyphs, sp->old[i], &from,
		                     &to))
			return false;
		f.local = &s->fds[sp->fd[i]].subrs;
		f.out = sp->charstrings + sp->cs_total;
		if (!flatten(&f, from, to, &len)) {
			*why = f.why;
			return false;
		}
		sp->cs_lengths[i] = len;
		sp->cs_total += len;
	}
	return true;
}

/* ---- the subset's DICTs and strings ----------------------------------- */

/* A DICT integer in its shortest form (Technical Note #5176, table 3). */
static unsigned char *
put_dict_int(unsigned char *p, long v)
{
	if (v >= -107 && v <= 107) {
		*p++ = (unsigned char)(v + 139);
	} else if (v >= 108 && v <= 1131) {
		*p++ = (unsigned char)((v - 108) / 256 + 247);
		*p++ = (unsigned char)((v - 108) % 256);
	} else if (v >= -1131 && v <= -108) {
		*p++ = (unsigned char)((-v - 108) / 256 + 251);
		*p++ = (unsigned char)((-v - 108) % 256);
	} else if (v >= -32768 && v <= 32767) {
		*p++ = 28;
		p = put16(p, (uint32_t)v & 0xFFFF);
	} else {
		*p++ = 29;
		p = put_offset(p, (uint32_t)v, 4);
	}
	return p;
}

/* How many of an operator's first operands are strings (SIDs): one for
 * version, Notice, FullName, FamilyName, Weight, Copyright, PostScript,
 * BaseFontName and FontName, two (registry and ordering, before the
 * supplement) for ROS; *operands is how many it takes in all. */
static unsigned
string_operands(unsigned op, size_t *operands)
{
	switch (op) {
	case OP_VERSION: case OP_NOTICE: case OP_FULLNAME: case OP_FAMILYNAME:
	case OP_WEIGHT: case OP_COPYRIGHT: case OP_POSTSCRIPT:
	case OP_BASEFONTNAME: case OP_FONTNAME:
		*operands = 1;
		return 1;
	case OP_ROS:
		*operands = 3;
		return 2;
	default:
		*operands = 0;
		return 0;
	}
}

/* The subset's SID for source SID *sid: a predefined string keeps its
 * own, a custom one joins the subset's String INDEX when first met.
 * False for a string the source does not have. */
static bool
map_string(const source_cff *s, string_map *m, long *sid)
{
	size_t from, to;
	unsigned i;

	if (*sid < STANDARD_STRINGS)
		return *sid >= 0;
	if (*sid - STANDARD_STRINGS >= (long)s->strings.count)
		return false;
	i = (unsigned)(*sid - STANDARD_STRINGS);
	if (m->sid[i] == 0) {
		if (!cff_index_entry(s->data, s->size, &s->strings, i, &from, &to))
			return false;
		if (m->count == m->capacity) {
			m->capacity = 2 * m->capacity + 8;
			m->items = arena_grow(m->a, m->items, m->count, m->capacity,
			                      sizeof(*m->items));
			m->lengths = arena_grow(m->a, m->lengths, m->count, m->capacity,
			                        sizeof(*m->lengths));
		}
		m->items[m->count] = s->data + from;
		m->lengths[m->count] = to - from;
		m->data_size += to - from;
		m->sid[i] = STANDARD_STRINGS + m->count++;
	}
	*sid = m->sid[i];
	return true;
}

/* Copies the DICT entry entry (size bytes, n operands, operator op) into
 * out, its string operands renumbered by m (if not NULL) and written as
 * short as they go; returns the bytes written, 0 when a string operand
 * is not an integer naming a string of the source. */
static size_t
copy_dict_entry(const source_cff *s, string_map *m, const unsigned char *entry,
                size_t size, size_t n, unsigned op, unsigned char *out)
{
	size_t operands, p = 0;
	unsigned strings = m != NULL ? string_operands(op, &operands) : 0, i;
	unsigned char *o = out;
	long sid;

	if (strings > 0 && n != operands)
		return 0;
	for (i = 0; i < strings; i++) {
		if (!cff_dict_integer(entry, size, &p, &sid) ||
		    !map_string(s, m, &sid))
			return 0;
		o = put_dict_int(o, sid);
	}
	memcpy(o, entry + p, size - p);
	return (size_t)(o - out) + (size - p);
}

/* Copies the entries of dict (dict_size bytes, checked already) but
 * those whose operator dropped() says to leave into out, *size bytes
 * (at most DICT_GROWTH times dict_size), string operands renumbered by
 * m if not NULL.  False for a string the source does not have. */
static bool
copy_dict(const source_cff *s, string_map *m, const unsigned char *dict,
          size_t dict_size, bool (*dropped)(unsigned op), unsigned char *out,
          size_t *size)
{
	long v[OPERANDS_MAX];
	size_t p = 0, start, n, entry;
	unsigned op;

	*size = 0;
	while (p < dict_size) {
		start = p;
		if (!cff_dict_entry(dict, dict_size, &p, v, OPERANDS_MAX, &n, &op))
			return false;
		if (dropped(op))
			continue;
		entry = copy_dict_entry(s, m, dict + start, p - start, n, op,
		                        out + *size);
		if (entry == 0)
			return false;
		*size += entry;
	}
	return true;
}

/* The Top DICT operators that give offsets, which the subset writes
 * anew (put_top_offsets) or, for a CID-keyed font, not at all. */
static bool
top_offset_operator(unsigned op)
{
	return op == OP_CHARSET || op == OP_ENCODING || op == OP_CHARSTRINGS ||
	       op == OP_PRIVATE || op == OP_FDARRAY || op == OP_FDSELECT;
}

static bool
private_operator(unsigned op)
{
	return op == OP_PRIVATE;
}

/* The Private DICT entries the subset leaves out: Subrs, as no
 * subroutines are left, and those that only hint (blue zones, standard
 * and snapped stems, ForceBold, LanguageGroup, ExpansionFactor), which
 * mean nothing to charstrings without hints, as HarfBuzz's NO_HINTING
 * drops them; also initialRandomSeed, which only seeds the random
 * operator, refused in a charstring (HarfBuzz keeps it).  defaultWidthX
 * and nominalWidthX stay: the advance widths depend on them. */
static bool
private_entry_dropped(unsigned op)
{
	switch (op) {
	case 6: case 7: case 8: case 9:             /* the blue zones */
	case 10: case 11:                           /* StdHW, StdVW */
	case OP_SUBRS:
	case 0x0C09: case 0x0C0A: case 0x0C0B:      /* BlueScale, -Shift, -Fuzz */
	case 0x0C0C: case 0x0C0D:                   /* StemSnapH, StemSnapV */
	case 0x0C0E:                                /* ForceBold */
	case 0x0C11: case 0x0C12: case 0x0C13:      /* LanguageGroup, ... */
		return true;
	default:
		return false;
	}
}

/* The Top DICT's operators but the offset ones, string operands
 * renumbered, then those with fixed 5-byte operands, which
 * put_top_offsets fills in; *size bytes in all. */
static bool
copy_top_dict(arena *a, const source_cff *s, subset_parts *sp,
              unsigned char **top, size_t *size)
{
	size_t top_size = s->top_to - s->top_from;

	*top = arena_alloc(a, DICT_GROWTH * top_size + TOP_OFFSETS_SIZE);
	if (!copy_dict(s, &sp->strings, s->data + s->top_from, top_size,
	               top_offset_operator, *top, size))
		return false;
	*size += TOP_OFFSETS_SIZE;
	return true;
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

/* Used Font DICT i of the subset, its string operands renumbered and
 * its Private operator replaced by one giving the size of its Private
 * DICT in the subset and a fixed 5-byte offset, which place_privates
 * fills in; and that Private DICT, stripped. */
static bool
make_font_dict(arena *a, const source_cff *s, subset_parts *sp, unsigned i)
{
	const font_dict *fd = &s->fds[sp->fd_old[i]];
	unsigned char *p;

	sp->privates[i] = arena_alloc(a, fd->private_size + 1);
	sp->dicts[i] = arena_alloc(a, DICT_GROWTH * fd->dict_size +
	                              PRIVATE_ENTRY_SIZE);
	if (!copy_dict(s, NULL, s->data + fd->private_offset, fd->private_size,
	               private_entry_dropped, sp->privates[i],
	               &sp->private_sizes[i]) ||
	    !copy_dict(s, &sp->strings, fd->dict, fd->dict_size, private_operator,
	               sp->dicts[i], &sp->dict_sizes[i]))
		return false;
	p = sp->dicts[i] + sp->dict_sizes[i];
	p = put_dict_int(p, (long)sp->private_sizes[i]);
	p = put_int5(p, 0);
	*p++ = OP_PRIVATE;
	sp->dict_sizes[i] = (size_t)(p - sp->dicts[i]);
	sp->dicts_total += sp->dict_sizes[i];
	return true;
}

static bool
make_font_dicts(arena *a, const source_cff *s, subset_parts *sp)
{
	unsigned i;

	choose_font_dicts(s, sp);
	sp->dicts = arena_calloc(a, sp->fd_count, sizeof(*sp->dicts));
	sp->dict_sizes = arena_calloc(a, sp->fd_count, sizeof(*sp->dict_sizes));
	sp->privates = arena_calloc(a, sp->fd_count, sizeof(*sp->privates));
	sp->private_sizes = arena_calloc(a, sp->fd_count,
	                                 sizeof(*sp->private_sizes));
	sp->dicts_total = 0;
	for (i = 0; i < sp->fd_count; i++)
		if (!make_font_dict(a, s, sp, i))
			return false;
	return true;
}

/* Points each used Font DICT at its Private DICT, from privates on. */
static void
place_privates(subset_parts *sp, size_t privates)
{
	unsigned i;

	for (i = 0; i < sp->fd_count; i++) {
		put_int5(sp->dicts[i] + sp->dict_sizes[i] - 1 - INT5_SIZE, privates);
		privates += sp->private_sizes[i];
	}
}

/* ---- charset and FDSelect --------------------------------------------- */

/* The end of the range of consecutive CIDs starting at glyph i, at most
 * max_left + 1 glyphs long. */
static unsigned
cid_range_end(const subset_parts *sp, unsigned i, unsigned max_left)
{
	unsigned k;

	for (k = i + 1; k < sp->count && sp->cid[k] == sp->cid[k - 1] + 1u &&
	                k - i <= max_left; k++)
		;
	return k;
}

/* How many such ranges the kept glyphs make, .notdef left out. */
static unsigned
count_cid_ranges(const subset_parts *sp, unsigned max_left)
{
	unsigned i, ranges = 0;

	for (i = 1; i < sp->count; i = cid_range_end(sp, i, max_left))
		ranges++;
	return ranges;
}

/* The charset format that takes the fewest bytes (the first of equals),
 * *size of them: format 0 gives each glyph's CID in two bytes, formats 1
 * and 2 ranges of consecutive CIDs, each its first CID and how many
 * follow, in one byte or two. */
static unsigned
choose_charset(const subset_parts *sp, size_t *size)
{
	size_t size0 = 1 + 2 * ((size_t)sp->count - 1);
	size_t size1 = 1 + 3 * (size_t)count_cid_ranges(sp, 0xFF);
	size_t size2 = 1 + 4 * (size_t)count_cid_ranges(sp, 0xFFFF);

	if (size0 <= size1 && size0 <= size2) {
		*size = size0;
		return 0;
	}
	*size = size1 <= size2 ? size1 : size2;
	return size1 <= size2 ? 1 : 2;
}

static unsigned char *
put_charset(unsigned char *p, const subset_parts *sp, unsigned format)
{
	unsigned max_left = format == 1 ? 0xFF : 0xFFFF, i, k;

	*p++ = (unsigned char)format;
	if (format == 0) {
		for (i = 1; i < sp->count; i++)
			p = put16(p, sp->cid[i]);
		return p;
	}
	for (i = 1; i < sp->count; i = k) {
		k = cid_range_end(sp, i, max_left);
		p = put16(p, sp->cid[i]);
		if (format == 1)
			*p++ = (unsigned char)(k - i - 1);
		else
			p = put16(p, k - i - 1);
	}
	return p;
}

/* How many runs of glyphs with the same Font DICT the kept glyphs make. */
static unsigned
count_fd_runs(const subset_parts *sp)
{
	unsigned i, runs = 1;

	for (i = 1; i < sp->count; i++)
		if (sp->fd[i] != sp->fd[i - 1])
			runs++;
	return runs;
}

/* FDSelect format 3: ranges of glyphs with the same Font DICT, by its
 * number in the subset. */
static unsigned char *
put_fdselect(unsigned char *p, const subset_parts *sp)
{
	unsigned i;

	*p++ = 3;
	p = put16(p, count_fd_runs(sp));
	for (i = 0; i < sp->count; i++) {
		if (i > 0 && sp->fd[i] == sp->fd[i - 1])
			continue;
		p = put16(p, i);
		*p++ = sp->fd_new[sp->fd[i]];
	}
	return put16(p, sp->count);
}

/* ---- writing ------------------------------------------------------------ */

/* Sizes of the subset's parts, and offsets of those after the Global
 * Subr INDEX. */
static void
lay_out(subset_layout *l, const source_cff *s, const subset_parts *sp)
{
	unsigned i;

	l->top_index_size = index_size(1, l->top_dict_size);
	l->strings_size = index_size(sp->strings.count, sp->strings.data_size);
	l->charset_format = choose_charset(sp, &l->charset_size);
	l->fdselect_size = 1 + 2 + 3 * (size_t)count_fd_runs(sp) + 2;
	l->charstrings_size = index_size(sp->count, sp->cs_total);
	l->fdarray_size = index_size(sp->fd_count, sp->dicts_total);
	l->charset = 4 + (s->names_to - s->names_from) + l->top_index_size +
	             l->strings_size + 2;
	l->fdselect = l->charset + l->charset_size;
	l->charstrings = l->fdselect + l->fdselect_size;
	l->fdarray = l->charstrings + l->charstrings_size;
	l->privates = l->fdarray + l->fdarray_size;
	l->end = l->privates;
	for (i = 0; i < sp->fd_count; i++)
		l->end += sp->private_sizes[i];
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
	p = put_index(p, sp->strings.count, sp->strings.items,
	              sp->strings.lengths, sp->strings.data_size);
	p = put16(p, 0);                         /* no global subrs */
	p = put_charset(p, sp, l->charset_format);
	p = put_fdselect(p, sp);
	p = put_index_head(p, sp->count, sp->cs_lengths, sp->cs_total);
	memcpy(p, sp->charstrings, sp->cs_total);
	p += sp->cs_total;
	p = put_index(p, sp->fd_count, (const unsigned char *const *)sp->dicts,
	              sp->dict_sizes, sp->dicts_total);
	for (i = 0; i < sp->fd_count; i++) {
		memcpy(p, sp->privates[i], sp->private_sizes[i]);
		p += sp->private_sizes[i];
	}
}

/* cff_subset_write:
 * Reads and checks the source, writes the DICTs the subset keeps (which
 * also picks its strings), flattens the kept charstrings, lays the
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
	    !read_kept_glyphs(a, &s, &sp, why))
		return false;
	sp.strings.a = a;
	sp.strings.sid = arena_calloc(a, (size_t)s.strings.count + 1,
	                              sizeof(*sp.strings.sid));
	*why = "a DICT names a string the font does not have";
	if (!copy_top_dict(a, &s, &sp, &top, &l.top_dict_size) ||
	    !make_font_dicts(a, &s, &sp) ||
	    !flatten_charstrings(a, &s, &sp, why))
		return false;
	lay_out(&l, &s, &sp);
	place_privates(&sp, l.privates);
	*out = arena_alloc(a, l.end);
	*out_size = l.end;
	put_subset(*out, &s, &l, top, &sp);
	return true;
}
