/*
 * cff_bounds.c - runs one Type 2 charstring (Adobe TN 5177) for the box
 * of its outline, as HarfBuzz 6.0's CFF extents do (hb-ot-cff1-table.cc,
 * hb-cff-interp-cs-common.hh): the same operators, argument and call
 * limits, width and hint-mask rules, and points.  The font's INDEXes and
 * DICTs are read with cff.h; every read of the charstring is checked.
 */
#include "cff_bounds.h"

#include <stdint.h>

#include "bytes.h"
#include "cff.h"

#define ARGS_MAX 513                 /* HarfBuzz's argument stack */
#define CALLS_MAX 10                 /* subroutine nesting (Type 2) */
#define OPS_MAX 10000                /* operators and operands per glyph */
#define DICT_OPERANDS_MAX 48

/* charstring operators (12 x as 0x0C00 | x) */
enum {
	OP_HSTEM = 1, OP_VSTEM = 3, OP_VMOVETO = 4, OP_RLINETO = 5,
	OP_HLINETO = 6, OP_VLINETO = 7, OP_RRCURVETO = 8, OP_CALLSUBR = 10,
	OP_RETURN = 11, OP_ESCAPE = 12, OP_ENDCHAR = 14, OP_HSTEMHM = 18,
	OP_HINTMASK = 19, OP_CNTRMASK = 20, OP_RMOVETO = 21, OP_HMOVETO = 22,
	OP_VSTEMHM = 23, OP_RCURVELINE = 24, OP_RLINECURVE = 25,
	OP_VVCURVETO = 26, OP_HHCURVETO = 27, OP_SHORTINT = 28,
	OP_CALLGSUBR = 29, OP_VHCURVETO = 30, OP_HVCURVETO = 31,
	OP_FIXED = 255,
	OP_DOTSECTION = 0x0C00, OP_HFLEX = 0x0C22, OP_FLEX = 0x0C23,
	OP_HFLEX1 = 0x0C24, OP_FLEX1 = 0x0C25
};

/* DICT operators */
enum {
	DICT_CHARSTRINGS = 17, DICT_PRIVATE = 18, DICT_SUBRS = 19,
	DICT_ROS = 0x0C1E, DICT_FDARRAY = 0x0C24, DICT_FDSELECT = 0x0C25
};

/* A subroutine INDEX and its bias; count 0 when there is none. */
typedef struct subrs {
	size_t offset;
	unsigned count, bias;
} subrs;

/* Where the bytes being run come from: the glyph's charstring or a
 * subroutine, [pos, end) of the font. */
typedef struct frame {
	size_t pos, end;
} frame;

typedef struct point {
	double x, y;
} point;

/* One glyph's run: the interpreter's state and the box so far. */
typedef struct run {
	const unsigned char *data;
	size_t size;
	subrs global, local;
	frame at;
	frame calls[CALLS_MAX];
	unsigned depth;
	double args[ARGS_MAX];
	unsigned count;
	point pt;
	bool mask_known, path_open, ended, failed;
	unsigned stems, mask_bytes;
	cff_bounds *box;
} run;

/* ---- the font's structure ------------------------------------------- */

static unsigned
bias_of(unsigned count)
{
	return count < 1240 ? 107 : count < 33900 ? 1131 : 32768;
}

/* The subroutine INDEX at offset (count 0 and true for offset 0). */
static bool
read_subrs(const unsigned char *data, size_t size, size_t offset, subrs *s)
{
	size_t end;

	s->offset = offset;
	s->count = 0;
	if (offset != 0 && !cff_index_find(data, size, offset, &s->count, &end))
		return false;
	s->bias = bias_of(s->count);
	return true;
}

/* Reads the operands of the first entry with operator op in the DICT
 * [from, to); false when it has none or is malformed. */
static bool
dict_find(const unsigned char *data, size_t from, size_t to, unsigned op,
          long *operands, size_t *n)
{
	long values[DICT_OPERANDS_MAX];
	size_t p = from, count, i;
	unsigned found;

	while (p < to) {
		if (!cff_dict_entry(data, to, &p, values, DICT_OPERANDS_MAX,
		                    &count, &found))
			return false;
		if (found == op) {
			for (i = 0; i < count && i < 2; i++)
				operands[i] = values[i];
			*n = count;
			return true;
		}
	}
	return false;
}

/* The local subroutines of the Private DICT that the DICT [from, to)
 * names (a Top DICT or a Font DICT); none without a Private DICT. */
static bool
read_private_subrs(const unsigned char *data, size_t size, size_t from,
                   size_t to, subrs *local)
{
	long priv[2] = { 0, 0 }, sub[2] = { 0, 0 };
	size_t n;

	local->count = 0;
	local->bias = bias_of(0);
	if (!dict_find(data, from, to, DICT_PRIVATE, priv, &n))
		return true;
	if (n != 2 || priv[0] < 0 || priv[1] < 0 || (size_t)priv[1] > size ||
	    (size_t)priv[0] > size - (size_t)priv[1])
		return false;
	if (!dict_find(data, (size_t)priv[1], (size_t)(priv[1] + priv[0]),
	               DICT_SUBRS, sub, &n))
		return true;
	if (n != 1 || sub[0] <= 0 || (size_t)sub[0] > size - (size_t)priv[1])
		return false;
	return read_subrs(data, size, (size_t)(priv[1] + sub[0]), local);
}

/* The Font DICT index of a glyph by FDSelect format 0 or 3. */
static bool
select_fd(const unsigned char *data, size_t size, size_t offset,
          unsigned glyph, unsigned *fd)
{
	unsigned ranges, i;
	size_t r;

	if (offset >= size)
		return false;
	if (data[offset] == 0) {
		if (offset + 1 + glyph >= size)
			return false;
		*fd = data[offset + 1 + glyph];
		return true;
	}
	if (data[offset] != 3 || offset + 3 > size)
		return false;
	ranges = get16(data + offset + 1);
	r = offset + 3;
	if (ranges == 0 || r + 3 * (size_t)ranges + 2 > size)
		return false;
	/* the range [first, next first) holding glyph; the last range takes
	 * the rest, as HarfBuzz's search */
	for (i = 0; i + 1 < ranges; i++) {
		unsigned first = get16(data + r + 3 * i);
		unsigned next = get16(data + r + 3 * i + 3);

		if (glyph >= first && glyph < next) {
			*fd = data[r + 3 * i + 2];
			return true;
		}
	}
	*fd = data[r + 3 * ((size_t)ranges - 1) + 2];
	return true;
}

/* Finds the glyph's charstring and its subroutines. */
static bool
find_glyph(run *g, unsigned glyph, const char **why)
{
	const unsigned char *data = g->data;
	size_t size = g->size, names_end, top_end, strings_end, gsubrs_end;
	size_t top_from, top_to, fd_from, fd_to;
	long charstrings[2], fdarray[2], fdselect[2], ros[2];
	unsigned count, fd = 0;
	size_t n;

	*why = "its CFF table is damaged";
	if (size < 4 || data[0] != 1 || data[2] < 4 ||
	    !cff_index_find(data, size, data[2], &count, &names_end) ||
	    !cff_index_item(data, size, names_end, 0, &top_from, &top_to) ||
	    !cff_index_find(data, size, names_end, &count, &top_end) ||
	    !cff_index_find(data, size, top_end, &count, &strings_end) ||
	    !cff_index_find(data, size, strings_end, &count, &gsubrs_end) ||
	    !read_subrs(data, size, strings_end, &g->global) ||
	    !dict_find(data, top_from, top_to, DICT_CHARSTRINGS, charstrings, &n) ||
	    n != 1 || charstrings[0] <= 0 ||
	    !cff_index_find(data, size, (size_t)charstrings[0], &count,
	                    &gsubrs_end))
		return false;
	if (glyph >= count) {
		*why = "no such glyph";
		return false;
	}
	if (!cff_index_item(data, size, (size_t)charstrings[0], glyph,
	                    &g->at.pos, &g->at.end))
		return false;
	if (!dict_find(data, top_from, top_to, DICT_ROS, ros, &n))
		return read_private_subrs(data, size, top_from, top_to, &g->local);
	if (!dict_find(data, top_from, top_to, DICT_FDARRAY, fdarray, &n) ||
	    n != 1 || fdarray[0] <= 0 ||
	    !dict_find(data, top_from, top_to, DICT_FDSELECT, fdselect, &n) ||
	    n != 1 || fdselect[0] <= 0 ||
	    !select_fd(data, size, (size_t)fdselect[0], glyph, &fd) ||
	    !cff_index_item(data, size, (size_t)fdarray[0], fd, &fd_from, &fd_to))
		return false;
	return read_private_subrs(data, size, fd_from, fd_to, &g->local);
}

/* ---- the charstring interpreter ---------------------------------------- */

static void
push(run *g, double value)
{
	if (g->count >= ARGS_MAX)
		g->failed = true;
	else
		g->args[g->count++] = value;
}

/* Argument i from the bottom of the stack (HarfBuzz's eval_arg). */
static double
arg(run *g, unsigned i)
{
	if (i >= g->count) {
		g->failed = true;
		return 0;
	}
	return g->args[i];
}

static double
pop(run *g)
{
	if (g->count == 0) {
		g->failed = true;
		return 0;
	}
	return g->args[--g->count];
}

static void
add_point(run *g, point p)
{
	cff_bounds *b = g->box;

	if (p.x < b->x_min)
		b->x_min = p.x;
	if (p.x > b->x_max)
		b->x_max = p.x;
	if (p.y < b->y_min)
		b->y_min = p.y;
	if (p.y > b->y_max)
		b->y_max = p.y;
}

static void
move_to(run *g, point p)
{
	g->path_open = false;
	g->pt = p;
}

/* A line from the current point: the path's start counts once. */
static void
line_to(run *g, point p)
{
	if (!g->path_open) {
		g->path_open = true;
		add_point(g, g->pt);
	}
	g->pt = p;
	add_point(g, p);
}

/* A curve: its control points count as well as its end. */
static void
curve_to(run *g, point a, point b, point c)
{
	if (!g->path_open) {
		g->path_open = true;
		add_point(g, g->pt);
	}
	add_point(g, a);
	add_point(g, b);
	g->pt = c;
	add_point(g, c);
}

static point
moved(point p, double dx, double dy)
{
	return (point){ p.x + dx, p.y + dy };
}

/* hintmask/cntrmask: the mask's size is fixed by the stems seen before
 * the first one (arguments left on the stack are vertical stems). */
static void
skip_mask(run *g)
{
	if (!g->mask_known) {
		g->stems += g->count / 2;
		g->mask_bytes = (g->stems + 7) / 8;
		g->mask_known = true;
	}
	if (g->at.end - g->at.pos >= g->mask_bytes) {
		g->at.pos += g->mask_bytes;
		g->count = 0;
	}
}

static void
do_hvlines(run *g, bool horizontal)
{
	unsigned i;
	point p;

	for (i = 0; i < g->count; i++) {
		p = g->pt;
		if ((i % 2 == 0) == horizontal)
			p.x += arg(g, i);
		else
			p.y += arg(g, i);
		line_to(g, p);
	}
}

static void
do_rrcurveto(run *g, unsigned from, unsigned limit)
{
	unsigned i;
	point a, b, c;

	for (i = from; i + 6 <= limit; i += 6) {
		a = moved(g->pt, arg(g, i), arg(g, i + 1));
		b = moved(a, arg(g, i + 2), arg(g, i + 3));
		c = moved(b, arg(g, i + 4), arg(g, i + 5));
		curve_to(g, a, b, c);
	}
}

/* vvcurveto (vertical) and hhcurveto: curves along one axis, with an
 * optional first offset across it. */
static void
do_straight_curves(run *g, bool vertical)
{
	unsigned i = 0;
	point a = g->pt, b, c;

	if (g->count % 2 != 0) {
		if (vertical)
			a.x += arg(g, i++);
		else
			a.y += arg(g, i++);
	}
	for (; i + 4 <= g->count; i += 4) {
		if (vertical)
			a.y += arg(g, i);
		else
			a.x += arg(g, i);
		b = moved(a, arg(g, i + 1), arg(g, i + 2));
		c = b;
		if (vertical)
			c.y += arg(g, i + 3);
		else
			c.x += arg(g, i + 3);
		curve_to(g, a, b, c);
		a = g->pt;
	}
}

/* One curve of hvcurveto/vhcurveto starting horizontally or vertically
 * from `from`, with its last argument at k. */
static void
alternating_curve(run *g, point from, bool horizontal, unsigned k,
                  point *a, point *b, point *c)
{
	*a = from;
	if (horizontal)
		a->x += arg(g, k);
	else
		a->y += arg(g, k);
	*b = moved(*a, arg(g, k + 1), arg(g, k + 2));
	*c = *b;
	if (horizontal)
		c->y += arg(g, k + 3);
	else
		c->x += arg(g, k + 3);
}

/* hvcurveto (horizontal first) and vhcurveto, as HarfBuzz's path_procs:
 * an odd last argument bends the last curve's end. */
static void
do_alternating_curves(run *g, bool horizontal)
{
	unsigned i = 0, n = g->count;
	point a, b, c;

	if (n % 8 >= 4) {
		alternating_curve(g, g->pt, horizontal, 0, &a, &b, &c);
		for (i = 4; i + 8 <= n; i += 8) {
			curve_to(g, a, b, c);
			alternating_curve(g, g->pt, !horizontal, i, &a, &b, &c);
			curve_to(g, a, b, c);
			alternating_curve(g, c, horizontal, i + 4, &a, &b, &c);
		}
		if (i < n) {
			if (horizontal)
				c.x += arg(g, i);
			else
				c.y += arg(g, i);
		}
		curve_to(g, a, b, c);
		return;
	}
	for (; i + 8 <= n; i += 8) {
		alternating_curve(g, g->pt, horizontal, i, &a, &b, &c);
		curve_to(g, a, b, c);
		alternating_curve(g, c, !horizontal, i + 4, &a, &b, &c);
		if (n - i < 16 && n % 2 != 0) {
			if (horizontal)
				c.y += arg(g, i + 8);
			else
				c.x += arg(g, i + 8);
		}
		curve_to(g, a, b, c);
	}
}

static void
do_rcurveline(run *g)
{
	unsigned n = g->count, i;

	if (n < 8)
		return;
	for (i = 0; i + 6 <= n - 2; i += 6)
		do_rrcurveto(g, i, i + 6);
	line_to(g, moved(g->pt, arg(g, i), arg(g, i + 1)));
}

static void
do_rlinecurve(run *g)
{
	unsigned n = g->count, i;

	if (n < 8)
		return;
	for (i = 0; i + 2 <= n - 6; i += 2)
		line_to(g, moved(g->pt, arg(g, i), arg(g, i + 1)));
	do_rrcurveto(g, i, i + 6);
}

/* The four flex operators: two curves each (their depth is ignored). */
static void
do_flex(run *g, unsigned op)
{
	/* arguments of hflex, flex, hflex1 and flex1 */
	static const unsigned wanted[] = { 7, 13, 9, 11 };
	point p[6], start = g->pt, d = { 0, 0 };
	unsigned i;

	if (g->count != wanted[op - OP_HFLEX]) {
		g->failed = true;
		return;
	}
	switch (op) {
	case OP_HFLEX:
		p[0] = moved(start, arg(g, 0), 0);
		p[1] = moved(p[0], arg(g, 1), arg(g, 2));
		p[2] = moved(p[1], arg(g, 3), 0);
		p[3] = moved(p[2], arg(g, 4), 0);
		p[4] = moved(p[3], arg(g, 5), 0);
		p[4].y = p[0].y;
		p[5] = moved(p[4], arg(g, 6), 0);
		break;
	case OP_FLEX:
		p[0] = moved(start, arg(g, 0), arg(g, 1));
		for (i = 1; i < 6; i++)
			p[i] = moved(p[i - 1], arg(g, 2 * i), arg(g, 2 * i + 1));
		break;
	case OP_HFLEX1:
		p[0] = moved(start, arg(g, 0), arg(g, 1));
		p[1] = moved(p[0], arg(g, 2), arg(g, 3));
		p[2] = moved(p[1], arg(g, 4), 0);
		p[3] = moved(p[2], arg(g, 5), 0);
		p[4] = moved(p[3], arg(g, 6), arg(g, 7));
		p[5] = moved(p[4], arg(g, 8), 0);
		p[5].y = start.y;
		break;
	default:                     /* flex1 */
		for (i = 0; i < 10; i += 2)
			d = moved(d, arg(g, i), arg(g, i + 1));
		p[0] = moved(start, arg(g, 0), arg(g, 1));
		for (i = 1; i < 5; i++)
			p[i] = moved(p[i - 1], arg(g, 2 * i), arg(g, 2 * i + 1));
		p[5] = p[4];
		if ((d.x < 0 ? -d.x : d.x) > (d.y < 0 ? -d.y : d.y)) {
			p[5].x += arg(g, 10);
			p[5].y = start.y;
		} else {
			p[5].x = start.x;
			p[5].y += arg(g, 10);
		}
	}
	curve_to(g, p[0], p[1], p[2]);
	curve_to(g, p[3], p[4], p[5]);
}

/* callsubr/callgsubr: the biased number on the stack, within nesting. */
static void
call(run *g, const subrs *s)
{
	double number = pop(g);
	long n = number > -2147483648.0 && number < 2147483648.0
	    ? (long)(int)number + s->bias : -1;
	frame next;

	if (g->failed || n < 0 || (unsigned long)n >= s->count ||
	    g->depth >= CALLS_MAX ||
	    !cff_index_item(g->data, g->size, s->offset, (unsigned)n,
	                    &next.pos, &next.end)) {
		g->failed = true;
		return;
	}
	g->calls[g->depth++] = g->at;
	g->at = next;
}

/* The moveto operators. */
static void
do_move(run *g, unsigned op)
{
	double dy = op == OP_HMOVETO ? 0 : pop(g);
	double dx = op == OP_VMOVETO ? 0 : pop(g);

	move_to(g, moved(g->pt, dx, dy));
	g->count = 0;
}

/* Operators that draw or end the glyph. */
static void
do_path_op(run *g, unsigned op)
{
	switch (op) {
	case OP_RLINETO:
		for (unsigned i = 0; i + 2 <= g->count; i += 2)
			line_to(g, moved(g->pt, arg(g, i), arg(g, i + 1)));
		break;
	case OP_HLINETO: do_hvlines(g, true); break;
	case OP_VLINETO: do_hvlines(g, false); break;
	case OP_RRCURVETO: do_rrcurveto(g, 0, g->count); break;
	case OP_RCURVELINE: do_rcurveline(g); break;
	case OP_RLINECURVE: do_rlinecurve(g); break;
	case OP_VVCURVETO: do_straight_curves(g, true); break;
	case OP_HHCURVETO: do_straight_curves(g, false); break;
	case OP_VHCURVETO: do_alternating_curves(g, false); break;
	case OP_HVCURVETO: do_alternating_curves(g, true); break;
	case OP_HFLEX: case OP_FLEX: case OP_HFLEX1: case OP_FLEX1:
		do_flex(g, op);
		break;
	default:
		g->failed = true;        /* arithmetic and unknown operators */
		return;
	}
	g->count = 0;
}

/* Runs one operator (or operand) from the current frame.  The advance
 * width that may come first on the stack of the first stack-clearing
 * operator needs no detecting here: those operators take their arguments
 * from the top of the stack or count them in pairs, as HarfBuzz does. */
static void
step(run *g)
{
	const unsigned char *d = g->data;
	unsigned op = d[g->at.pos++];
	size_t left;

	if (op >= 32 && op <= 246) {
		push(g, (double)op - 139);
		return;
	}
	left = g->at.end - g->at.pos;
	if (op >= 247 && op <= 254) {
		if (left < 1) {
			g->failed = true;
			return;
		}
		push(g, op <= 250 ? (double)((op - 247) * 256 + d[g->at.pos] + 108)
		                  : -(double)((op - 251) * 256 + d[g->at.pos] + 108));
		g->at.pos++;
		return;
	}
	if (op == OP_SHORTINT || op == OP_FIXED) {
		if (left < (op == OP_SHORTINT ? 2u : 4u)) {
			g->failed = true;
			return;
		}
		if (op == OP_SHORTINT)
			push(g, (int16_t)(uint16_t)get16(d + g->at.pos));
		else
			push(g, (int32_t)((uint32_t)d[g->at.pos] << 24 |
			                  (uint32_t)d[g->at.pos + 1] << 16 |
			                  (uint32_t)d[g->at.pos + 2] << 8 |
			                  d[g->at.pos + 3]) / 65536.0);
		g->at.pos += op == OP_SHORTINT ? 2 : 4;
		return;
	}
	if (op == OP_ESCAPE) {
		if (left < 1) {
			g->failed = true;
			return;
		}
		op = 0x0C00 | d[g->at.pos++];
	}
	switch (op) {
	case OP_RETURN:
		if (g->depth == 0) {
			g->failed = true;
			return;
		}
		g->at = g->calls[--g->depth];
		return;
	case OP_ENDCHAR:
		if (g->count >= 4) {     /* seac: see cff_bounds.h */
			g->failed = true;
			return;
		}
		g->count = 0;
		g->ended = true;
		return;
	case OP_CALLSUBR:
		call(g, &g->local);
		return;
	case OP_CALLGSUBR:
		call(g, &g->global);
		return;
	case OP_HSTEM: case OP_HSTEMHM: case OP_VSTEM: case OP_VSTEMHM:
		g->stems += g->count / 2;
		g->count = 0;
		return;
	case OP_HINTMASK: case OP_CNTRMASK:
		skip_mask(g);
		return;
	case OP_RMOVETO: case OP_HMOVETO: case OP_VMOVETO:
		do_move(g, op);
		return;
	case OP_DOTSECTION:
		g->count = 0;
		return;
	default:
		do_path_op(g, op);
	}
}

bool
cff_glyph_bounds(const unsigned char *data, size_t size, unsigned glyph,
                 cff_bounds *out, const char **why)
{
	run g = { .data = data, .size = size, .box = out };
	unsigned ops = 0;

	*out = (cff_bounds){ 2147483647.0, 2147483647.0,
	                     -2147483648.0, -2147483648.0 };
	if (!find_glyph(&g, glyph, why))
		return false;
	*why = "its charstring is damaged or uses operators HarfBuzz refuses";
	while (!g.ended && !g.failed) {
		if (g.at.pos >= g.at.end || ++ops >= OPS_MAX)
			return false;        /* ran off its end, or too long */
		step(&g);
	}
	return !g.failed;
}
