/*
 * test_cff_subset.c - the CFF subset writer on FandolFang (CID-keyed,
 * no subroutines) and Noto Sans/Serif CJK (CID-keyed, global and local
 * subroutines): the subset reads back with cff_read and FreeType with
 * the source glyphs' CIDs, advances and outlines, point for point; its
 * charstrings are the source's less their hints, and it has no
 * subroutines left.  Its String INDEX holds only the strings its DICTs
 * name, its charset takes the smallest format, its Private DICTs keep
 * the widths but no hints.  Damaged subroutines, damaged fonts and bad
 * glyph lists are refused with a reason.
 */
#include "testing.h"

#include <unistd.h>

#include <hb.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include FT_TYPE1_TABLES_H

#include "cff.h"
#include "cff_subset.h"
#include "utf8.h"

#define FANDOL "/usr/local/share/fonts/fandol/FandolFang-Regular.otf"
#define SANS "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define SERIF_BOLD "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
#define NOTO_SC 2                    /* the face of Noto CJK SC in the .ttc */
#define OP_CHARSET 15
#define OP_CHARSTRINGS 17
#define OP_PRIVATE 18
#define OP_SUBRS 19
#define OP_DEFAULT_WIDTH 20
#define OP_NOMINAL_WIDTH 21
#define OP_ROS 0x0C1E
#define OP_FDARRAY 0x0C24
#define OP_FONTNAME 0x0C26
#define STANDARD_STRINGS 391

/* Glyphs from both ends of the font and a run of neighbours. */
static const uint32_t kept[] = { 0, 1, 2, 3, 57, 58, 1000, 5000, 5001, 10364 };
#define KEPT_COUNT (sizeof(kept) / sizeof(kept[0]))

/* The bare 'CFF ' table of face index of path, in a's memory. */
static unsigned char *
load_cff(arena *a, const char *path, unsigned index, size_t *size)
{
	hb_blob_t *file = hb_blob_create_from_file_or_fail(path);
	hb_face_t *face;
	hb_blob_t *cff;
	const char *data;
	unsigned length;
	unsigned char *copy;

	if (file == NULL)
		fail_msg("%s is missing: run scripts/install-fonts.sh", path);
	face = hb_face_create(file, index);
	cff = hb_face_reference_table(face, HB_TAG('C','F','F',' '));
	data = hb_blob_get_data(cff, &length);
	assert_true(length > 0);
	copy = arena_alloc(a, length);
	memcpy(copy, data, length);
	*size = length;
	hb_blob_destroy(cff);
	hb_face_destroy(face);
	hb_blob_destroy(file);
	return copy;
}

/* The last operand of Top DICT operator op (an offset), 0 if absent;
 * *gsubrs (if not NULL) is where the Global Subr INDEX is. */
static size_t
top_dict_value(const unsigned char *cff, size_t size, unsigned op,
               size_t *gsubrs)
{
	size_t names_end, tops_end, from, to, n, value = 0;
	unsigned count, entry_op;
	long v[48];

	assert_true(cff_index_find(cff, size, cff[2], &count, &names_end));
	assert_true(cff_index_item(cff, size, names_end, 0, &from, &to));
	assert_true(cff_index_find(cff, size, names_end, &count, &tops_end));
	if (gsubrs != NULL)
		assert_true(cff_index_find(cff, size, tops_end, &count, gsubrs));
	while (from < to) {
		assert_true(cff_dict_entry(cff, to, &from, v, 48, &n, &entry_op));
		if (entry_op == op)
			value = (size_t)v[n - 1];
	}
	return value;
}

/* The offset of the CharStrings INDEX, from the Top DICT. */
static size_t
charstrings_offset(const unsigned char *cff, size_t size)
{
	size_t offset = top_dict_value(cff, size, OP_CHARSTRINGS, NULL);

	assert_true(offset > 0);
	return offset;
}

/* The subset has the kept glyphs with their source CIDs. */
static void
test_round_trip_keeps_cids(void **state)
{
	arena *a = arena_create();
	size_t size, out_size;
	unsigned char *cff = load_cff(a, FANDOL, 0, &size), *out;
	cff_info source, subset;
	const char *why = NULL;
	unsigned i;

	(void)state;
	assert_true(cff_subset_write(a, cff, size, kept, KEPT_COUNT, &out,
	                             &out_size, &why));
	assert_true(out_size < size / 100);
	assert_true(cff_read(a, cff, size, &source, &why));
	assert_true(cff_read(a, out, out_size, &subset, &why));
	assert_true(subset.cid_keyed);
	assert_string_equal(subset.registry, "Adobe");
	assert_string_equal(subset.ordering, "GB1");
	assert_int_equal(subset.supplement, source.supplement);
	assert_int_equal(subset.glyph_count, KEPT_COUNT);
	for (i = 0; i < KEPT_COUNT; i++)
		assert_int_equal(subset.cid_of_glyph[i],
		                 source.cid_of_glyph[kept[i]]);
	arena_destroy(a);
}

/* Each kept glyph's charstring is the source's less its hints: never
 * longer, and shorter in all (Fandol's glyphs are hinted). */
static void
test_charstrings_lose_only_hints(void **state)
{
	arena *a = arena_create();
	size_t size, out_size, from, to, sub_from, sub_to, cs, sub_cs;
	size_t source_total = 0, subset_total = 0;
	unsigned char *cff = load_cff(a, FANDOL, 0, &size), *out;
	const char *why = NULL;
	unsigned i;

	(void)state;
	assert_true(cff_subset_write(a, cff, size, kept, KEPT_COUNT, &out,
	                             &out_size, &why));
	cs = charstrings_offset(cff, size);
	sub_cs = charstrings_offset(out, out_size);
	for (i = 0; i < KEPT_COUNT; i++) {
		assert_true(cff_index_item(cff, size, cs, kept[i], &from, &to));
		assert_true(cff_index_item(out, out_size, sub_cs, i, &sub_from,
		                           &sub_to));
		assert_true(sub_to - sub_from <= to - from);
		source_total += to - from;
		subset_total += sub_to - sub_from;
	}
	assert_true(subset_total < source_total);
	arena_destroy(a);
}

/* Every 7th glyph of the font (and .notdef): the glyph loaded from the
 * subset by FreeType has the source's advance and outline, point for
 * point, so dropping hints kept every width and coordinate. */
static void
test_outlines_kept(void **state)
{
	arena *a = arena_create();
	size_t size, out_size;
	unsigned char *cff = load_cff(a, FANDOL, 0, &size), *out;
	uint32_t *glyphs;
	const char *why = NULL;
	FT_Library ft;
	FT_Face source, subset;
	FT_Outline *outline;
	cff_info info;
	unsigned i, count, cid;
	FT_Vector *points;
	short n;

	(void)state;
	assert_true(cff_read(a, cff, size, &info, &why));
	glyphs = arena_calloc(a, info.glyph_count, sizeof(uint32_t));
	for (count = 0; count * 7 < info.glyph_count; count++)
		glyphs[count] = count * 7;
	assert_true(cff_subset_write(a, cff, size, glyphs, count, &out, &out_size,
	                             &why));
	assert_int_equal(FT_Init_FreeType(&ft), 0);
	assert_int_equal(FT_New_Memory_Face(ft, cff, (FT_Long)size, 0, &source), 0);
	assert_int_equal(FT_New_Memory_Face(ft, out, (FT_Long)out_size, 0,
	                                    &subset), 0);
	for (i = 0; i < count; i++) {
		cid = info.cid_of_glyph[glyphs[i]];
		assert_int_equal(FT_Load_Glyph(source, cid, FT_LOAD_NO_SCALE), 0);
		outline = &source->glyph->outline;
		n = outline->n_points;
		points = arena_calloc(a, (size_t)n + 1, sizeof(FT_Vector));
		memcpy(points, outline->points, (size_t)n * sizeof(FT_Vector));
		assert_int_equal(FT_Load_Glyph(subset, cid, FT_LOAD_NO_SCALE), 0);
		assert_int_equal(subset->glyph->metrics.horiAdvance,
		                 source->glyph->metrics.horiAdvance);
		assert_int_equal(subset->glyph->outline.n_points, n);
		assert_memory_equal(subset->glyph->outline.points, points,
		                    (size_t)n * sizeof(FT_Vector));
	}
	FT_Done_FreeType(ft);
	arena_destroy(a);
}

/* FreeType opens the subset and loads every kept glyph with the
 * source's advance and outline.  A bare CID-keyed CFF is indexed by CID
 * in FreeType (through the charset), so this checks the charset too. */
static void
test_freetype_reads_subset(void **state)
{
	arena *a = arena_create();
	size_t size, out_size;
	unsigned char *cff = load_cff(a, FANDOL, 0, &size), *out;
	const char *why = NULL;
	FT_Library ft;
	FT_Face source, subset;
	FT_Glyph_Metrics metrics;
	cff_info info;
	short points;
	unsigned i, cid;

	(void)state;
	assert_true(cff_read(a, cff, size, &info, &why));
	assert_true(cff_subset_write(a, cff, size, kept, KEPT_COUNT, &out,
	                             &out_size, &why));
	assert_int_equal(FT_Init_FreeType(&ft), 0);
	assert_int_equal(FT_New_Memory_Face(ft, cff, (FT_Long)size, 0, &source), 0);
	assert_int_equal(FT_New_Memory_Face(ft, out, (FT_Long)out_size, 0,
	                                    &subset), 0);
	assert_int_equal(subset->num_glyphs,
	                 info.cid_of_glyph[kept[KEPT_COUNT - 1]] + 1);
	for (i = 0; i < KEPT_COUNT; i++) {
		cid = info.cid_of_glyph[kept[i]];
		assert_int_equal(FT_Load_Glyph(source, cid, FT_LOAD_NO_SCALE), 0);
		metrics = source->glyph->metrics;
		points = source->glyph->outline.n_points;
		assert_int_equal(FT_Load_Glyph(subset, cid, FT_LOAD_NO_SCALE), 0);
		assert_int_equal(subset->glyph->metrics.horiAdvance,
		                 metrics.horiAdvance);
		assert_int_equal(subset->glyph->metrics.width, metrics.width);
		assert_int_equal(subset->glyph->outline.n_points, points);
	}
	FT_Done_FreeType(ft);
	arena_destroy(a);
}

/* The same glyphs give the same bytes. */
static void
test_deterministic(void **state)
{
	arena *a = arena_create();
	size_t size, size1, size2;
	unsigned char *cff = load_cff(a, FANDOL, 0, &size), *one, *two;
	const char *why = NULL;

	(void)state;
	assert_true(cff_subset_write(a, cff, size, kept, KEPT_COUNT, &one, &size1,
	                             &why));
	assert_true(cff_subset_write(a, cff, size, kept, KEPT_COUNT, &two, &size2,
	                             &why));
	assert_int_equal(size1, size2);
	assert_memory_equal(one, two, size1);
	arena_destroy(a);
}

/* Fandol's subsets are smaller than the writer's before it wrote only
 * the strings named, the smallest charset and Private DICTs without
 * hints (4053 and 933965 bytes), and keep every glyph's CID (its
 * outline and advance: test_outlines_kept, on the same glyphs). */
static void
test_fandol_subsets_smaller(void **state)
{
	arena *a = arena_create();
	size_t size, out_size;
	unsigned char *cff = load_cff(a, FANDOL, 0, &size), *out;
	uint32_t *glyphs;
	const char *why = NULL;
	cff_info source, subset;
	unsigned count, i;

	(void)state;
	assert_true(cff_subset_write(a, cff, size, kept, KEPT_COUNT, &out,
	                             &out_size, &why));
	assert_true(out_size < 4053);
	glyphs = arena_calloc(a, 10365, sizeof(uint32_t));
	for (count = 0; count * 7 < 10365; count++)
		glyphs[count] = count * 7;
	assert_true(cff_subset_write(a, cff, size, glyphs, count, &out, &out_size,
	                             &why));
	assert_true(out_size < 933965);
	assert_true(cff_read(a, cff, size, &source, &why));
	assert_true(cff_read(a, out, out_size, &subset, &why));
	assert_int_equal(subset.glyph_count, count);
	for (i = 0; i < count; i++)
		assert_int_equal(subset.cid_of_glyph[i],
		                 source.cid_of_glyph[glyphs[i]]);
	arena_destroy(a);
}

/* ---- Noto CJK: global and local subroutines -------------------------- */

/* Common characters of a report, whose glyphs the subsets keep. */
static const char report_text[] =
	"一二三国政府信息公开年度报告，。、（）0123456789";

static int
compare_glyphs(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* .notdef, the glyphs of report_text and every 257th glyph of the font
 * (which spreads them over most Font DICTs), ascending and unique. */
static uint32_t *
noto_glyphs(arena *a, FT_Face face, unsigned *count)
{
	uint32_t *glyphs = arena_calloc(a, 512, sizeof(uint32_t)), *chars;
	size_t char_count = utf8_to_codepoints(a, report_text,
	                                       strlen(report_text), &chars);
	unsigned n = 0, i, kept_count = 0;

	glyphs[n++] = 0;
	for (i = 0; i < char_count; i++) {
		glyphs[n] = FT_Get_Char_Index(face, chars[i]);
		assert_true(glyphs[n++] != 0);
	}
	for (i = 257; i < (unsigned)face->num_glyphs; i += 257)
		glyphs[n++] = i;
	qsort(glyphs, n, sizeof(uint32_t), compare_glyphs);
	for (i = 0; i < n; i++)
		if (i == 0 || glyphs[i] != glyphs[i - 1])
			glyphs[kept_count++] = glyphs[i];
	*count = kept_count;
	return glyphs;
}

/* A Noto CJK SC subset, with the source face FreeType opened from the
 * .ttc and the subset face from the subset's bytes. */
typedef struct noto_subset {
	arena *a;
	unsigned char *cff, *out;
	size_t size, out_size;
	uint32_t *glyphs;
	unsigned count;
	cff_info source_info, subset_info;
	FT_Library ft;
	FT_Face source, subset;
} noto_subset;

static void
noto_subset_make(noto_subset *t, const char *path)
{
	const char *why = NULL;

	if (access(path, R_OK) != 0)
		fail_msg("%s is missing: run scripts/install-deps.sh", path);
	t->a = arena_create();
	t->cff = load_cff(t->a, path, NOTO_SC, &t->size);
	assert_int_equal(FT_Init_FreeType(&t->ft), 0);
	assert_int_equal(FT_New_Face(t->ft, path, NOTO_SC, &t->source), 0);
	t->glyphs = noto_glyphs(t->a, t->source, &t->count);
	assert_true(t->count > 250);
	if (!cff_subset_write(t->a, t->cff, t->size, t->glyphs, t->count, &t->out,
	                      &t->out_size, &why))
		fail_msg("%s refused: %s", path, why);
	assert_true(cff_read(t->a, t->cff, t->size, &t->source_info, &why));
	assert_true(cff_read(t->a, t->out, t->out_size, &t->subset_info, &why));
	assert_int_equal(FT_New_Memory_Face(t->ft, t->out, (FT_Long)t->out_size, 0,
	                                    &t->subset), 0);
}

static void
noto_subset_done(noto_subset *t)
{
	FT_Done_FreeType(t->ft);
	arena_destroy(t->a);
}

/* Source glyph g and subset glyph cid (FreeType indexes a bare CID-keyed
 * CFF by CID) have the same advance and outline: contours, points and
 * their tags. */
static void
assert_same_glyph(noto_subset *t, uint32_t g, unsigned cid)
{
	const FT_Int32 flags = FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING;
	FT_Outline *o = &t->source->glyph->outline, *s = &t->subset->glyph->outline;
	FT_Pos advance;
	FT_Vector *points;
	unsigned char *tags;
	short *contours, n, c;

	assert_int_equal(FT_Load_Glyph(t->source, g, flags), 0);
	advance = t->source->glyph->metrics.horiAdvance;
	n = o->n_points;
	c = o->n_contours;
	points = arena_calloc(t->a, (size_t)n + 1, sizeof(*points));
	tags = arena_alloc(t->a, (size_t)n + 1);
	contours = arena_calloc(t->a, (size_t)c + 1, sizeof(*contours));
	memcpy(points, o->points, (size_t)n * sizeof(*points));
	memcpy(tags, o->tags, (size_t)n);
	memcpy(contours, o->contours, (size_t)c * sizeof(*contours));
	assert_int_equal(FT_Load_Glyph(t->subset, cid, flags), 0);
	assert_int_equal(t->subset->glyph->metrics.horiAdvance, advance);
	assert_int_equal(s->n_points, n);
	assert_int_equal(s->n_contours, c);
	assert_memory_equal(s->points, points, (size_t)n * sizeof(*points));
	assert_memory_equal(s->tags, tags, (size_t)n);
	assert_memory_equal(s->contours, contours, (size_t)c * sizeof(*contours));
}

/* Every kept glyph loads from the subset with the source's advance and
 * outline, point for point: inlining the subroutines and dropping the
 * hints (their operands pushed in one subr, the operator in another, and
 * the hintmasks sized by stems declared in subrs) kept every coordinate
 * and width.  The subset keeps the CIDs, and the glyphs come from many
 * Font DICTs, each with its own local subrs. */
static void
check_noto_subset(const char *path)
{
	noto_subset t;
	size_t fdarray, end;
	unsigned i, cid, font_dicts;

	noto_subset_make(&t, path);
	assert_true(t.subset_info.cid_keyed);
	assert_string_equal(t.subset_info.registry, t.source_info.registry);
	assert_string_equal(t.subset_info.ordering, t.source_info.ordering);
	assert_int_equal(t.subset_info.glyph_count, t.count);
	for (i = 0; i < t.count; i++) {
		cid = t.source_info.cid_of_glyph[t.glyphs[i]];
		assert_int_equal(t.subset_info.cid_of_glyph[i], cid);
		assert_same_glyph(&t, t.glyphs[i], cid);
	}
	fdarray = top_dict_value(t.out, t.out_size, OP_FDARRAY, NULL);
	assert_true(cff_index_find(t.out, t.out_size, fdarray, &font_dicts, &end));
	assert_true(font_dicts >= 5);
	noto_subset_done(&t);
}

static void
test_noto_sans_outlines_kept(void **state)
{
	(void)state;
	check_noto_subset(SANS);
}

static void
test_noto_serif_bold_outlines_kept(void **state)
{
	(void)state;
	check_noto_subset(SERIF_BOLD);
}

/* No subroutines are left: the Global Subr INDEX is empty and no Private
 * DICT has Subrs. */
static void
test_noto_subset_has_no_subrs(void **state)
{
	noto_subset t;
	size_t gsubrs, end, fdarray, from, to, p, n, private_end;
	unsigned count, i, op, private_op;
	long v[48], private_size = 0, private_offset = 0;

	(void)state;
	noto_subset_make(&t, SANS);
	top_dict_value(t.out, t.out_size, OP_CHARSTRINGS, &gsubrs);
	assert_true(cff_index_find(t.out, t.out_size, gsubrs, &count, &end));
	assert_int_equal(count, 0);
	fdarray = top_dict_value(t.out, t.out_size, OP_FDARRAY, NULL);
	assert_true(cff_index_find(t.out, t.out_size, fdarray, &count, &end));
	for (i = 0; i < count; i++) {
		assert_true(cff_index_item(t.out, t.out_size, fdarray, i, &from, &to));
		for (p = from; p < to;) {
			assert_true(cff_dict_entry(t.out, to, &p, v, 48, &n, &op));
			if (op == OP_PRIVATE) {
				private_size = v[0];
				private_offset = v[1];
			}
		}
		private_end = (size_t)private_offset + (size_t)private_size;
		assert_true(private_end <= t.out_size);
		for (p = (size_t)private_offset; p < private_end;) {
			assert_true(cff_dict_entry(t.out, private_end, &p, v, 48, &n,
			                           &private_op));
			assert_int_not_equal(private_op, OP_SUBRS);
		}
	}
	noto_subset_done(&t);
}

/* The same glyphs give the same bytes. */
static void
test_noto_deterministic(void **state)
{
	noto_subset t;
	unsigned char *again;
	size_t again_size;
	const char *why = NULL;

	(void)state;
	noto_subset_make(&t, SERIF_BOLD);
	assert_true(cff_subset_write(t.a, t.cff, t.size, t.glyphs, t.count, &again,
	                             &again_size, &why));
	assert_int_equal(again_size, t.out_size);
	assert_memory_equal(again, t.out, t.out_size);
	noto_subset_done(&t);
}

/* ---- strings, charset and Private DICTs -------------------------------- */

/* A subset with the source it was made from, both bare CFF. */
typedef struct cff_pair {
	arena *a;
	const unsigned char *cff, *out;
	size_t size, out_size;
} cff_pair;

/* The subset of glyphs of face index of path. */
static void
cff_pair_make(cff_pair *t, const char *path, unsigned index,
              const uint32_t *glyphs, unsigned count)
{
	unsigned char *cff, *out;
	const char *why = NULL;

	if (access(path, R_OK) != 0)
		fail_msg("%s is missing: run scripts/install-deps.sh", path);
	t->a = arena_create();
	cff = load_cff(t->a, path, index, &t->size);
	if (!cff_subset_write(t->a, cff, t->size, glyphs, count, &out,
	                      &t->out_size, &why))
		fail_msg("%s refused: %s", path, why);
	t->cff = cff;
	t->out = out;
}

/* The Top DICT's extent [*from, *to) and where the String INDEX is. */
static void
top_dict_extent(const unsigned char *cff, size_t size, size_t *from,
                size_t *to, size_t *strings)
{
	size_t names_end;
	unsigned count;

	assert_true(cff_index_find(cff, size, cff[2], &count, &names_end));
	assert_true(cff_index_item(cff, size, names_end, 0, from, to));
	assert_true(cff_index_find(cff, size, names_end, &count, strings));
}

/* The operands (*n of them) of the entry of op in DICT [from, to);
 * false if it has none. */
static bool
dict_find(const unsigned char *cff, size_t from, size_t to, unsigned op,
          long *v, size_t *n)
{
	unsigned entry_op;

	while (from < to) {
		assert_true(cff_dict_entry(cff, to, &from, v, 48, n, &entry_op));
		if (entry_op == op)
			return true;
	}
	return false;
}

/* Font DICT i's extent, in the FDArray of cff. */
static void
font_dict_extent(const unsigned char *cff, size_t size, unsigned i,
                 size_t *from, size_t *to)
{
	size_t top_from, top_to, strings, n;
	long v[48];

	top_dict_extent(cff, size, &top_from, &top_to, &strings);
	assert_true(dict_find(cff, top_from, top_to, OP_FDARRAY, v, &n));
	assert_true(cff_index_item(cff, size, (size_t)v[n - 1], i, from, to));
}

static unsigned
font_dict_count(const unsigned char *cff, size_t size)
{
	size_t fdarray = top_dict_value(cff, size, OP_FDARRAY, NULL), end;
	unsigned count;

	assert_true(cff_index_find(cff, size, fdarray, &count, &end));
	return count;
}

/* The string of SID sid (a standard one as "#sid"), which must exist. */
static const char *
sid_string(arena *a, const unsigned char *cff, size_t size, long sid)
{
	size_t top_from, top_to, strings, from, to;

	if (sid < STANDARD_STRINGS)
		return arena_printf(a, "#%ld", sid);
	top_dict_extent(cff, size, &top_from, &top_to, &strings);
	if (!cff_index_item(cff, size, strings, (unsigned)(sid - STANDARD_STRINGS),
	                    &from, &to))
		fail_msg("SID %ld names no string", sid);
	return arena_strndup(a, (const char *)cff + from, to - from);
}

/* How many of op's first operands are SIDs (as cff_subset.c has it). */
static unsigned
sid_operands(unsigned op)
{
	switch (op) {
	case 0: case 1: case 2: case 3: case 4:        /* version ... Weight */
	case 0x0C00: case 0x0C15: case 0x0C16:         /* Copyright ... */
	case OP_FONTNAME:
		return 1;
	case OP_ROS:
		return 2;
	default:
		return 0;
	}
}

/* The strings DICT [from, to) names, as "op:string" lines, in order;
 * each SID in used (if not NULL) is marked. */
static char *
dict_strings(arena *a, const unsigned char *cff, size_t size, size_t from,
             size_t to, bool *used)
{
	char *text = "";
	unsigned op, i;
	size_t n;
	long v[48];

	while (from < to) {
		assert_true(cff_dict_entry(cff, to, &from, v, 48, &n, &op));
		for (i = 0; i < sid_operands(op); i++) {
			assert_true(i < n);
			text = arena_printf(a, "%s%x:%s\n", text, op,
			                    sid_string(a, cff, size, v[i]));
			if (used != NULL && v[i] >= STANDARD_STRINGS)
				used[v[i] - STANDARD_STRINGS] = true;
		}
	}
	return text;
}

/* The subset's String INDEX holds the strings its Top DICT and Font
 * DICTs name and no others, every SID names one, and they name the
 * source's strings: the Top DICT the same, each Font DICT a source Font
 * DICT's FontName.  FreeType reads the names and ROS as in the source,
 * cff_read the ROS. */
static void
check_strings(cff_pair *t)
{
	size_t top_from, top_to, strings, from, to, end;
	unsigned count, i, k, source_count;
	char *fd_names = "", *names;
	cff_info info;
	const char *why;
	bool *used;

	top_dict_extent(t->out, t->out_size, &top_from, &top_to, &strings);
	assert_true(cff_index_find(t->out, t->out_size, strings, &count, &end));
	used = arena_calloc(t->a, count + 1, sizeof(bool));
	names = dict_strings(t->a, t->out, t->out_size, top_from, top_to, used);
	top_dict_extent(t->cff, t->size, &from, &to, &end);
	assert_string_equal(names, dict_strings(t->a, t->cff, t->size, from, to,
	                                        NULL));
	source_count = font_dict_count(t->cff, t->size);
	for (k = 0; k < source_count; k++) {
		font_dict_extent(t->cff, t->size, k, &from, &to);
		fd_names = arena_printf(t->a, "%s%s", fd_names,
		                        dict_strings(t->a, t->cff, t->size, from, to,
		                                     NULL));
	}
	for (i = 0; i < font_dict_count(t->out, t->out_size); i++) {
		font_dict_extent(t->out, t->out_size, i, &from, &to);
		names = dict_strings(t->a, t->out, t->out_size, from, to, used);
		assert_true(strlen(names) > 0);
		assert_non_null(strstr(fd_names, names));
	}
	for (i = 0; i < count; i++)
		if (!used[i])
			fail_msg("string %u of %u is named by no DICT", i, count);
	assert_true(cff_read(t->a, t->out, t->out_size, &info, &why));
	assert_true(info.cid_keyed);
}

/* FreeType's PostScript names and ROS of the subset are the source's. */
static void
check_freetype_names(cff_pair *t)
{
	FT_Library ft;
	FT_Face source, subset;
	PS_FontInfoRec a, b;
	const char *registry[2], *ordering[2];
	FT_Int supplement[2];

	assert_int_equal(FT_Init_FreeType(&ft), 0);
	assert_int_equal(FT_New_Memory_Face(ft, t->cff, (FT_Long)t->size, 0,
	                                    &source), 0);
	assert_int_equal(FT_New_Memory_Face(ft, t->out, (FT_Long)t->out_size, 0,
	                                    &subset), 0);
	assert_int_equal(FT_Get_PS_Font_Info(source, &a), 0);
	assert_int_equal(FT_Get_PS_Font_Info(subset, &b), 0);
	assert_string_equal(b.notice, a.notice);
	assert_string_equal(b.full_name, a.full_name);
	assert_string_equal(b.family_name, a.family_name);
	assert_string_equal(b.weight, a.weight);
	assert_int_equal(FT_Get_CID_Registry_Ordering_Supplement(source,
	                 &registry[0], &ordering[0], &supplement[0]), 0);
	assert_int_equal(FT_Get_CID_Registry_Ordering_Supplement(subset,
	                 &registry[1], &ordering[1], &supplement[1]), 0);
	assert_string_equal(registry[1], registry[0]);
	assert_string_equal(ordering[1], ordering[0]);
	assert_int_equal(supplement[1], supplement[0]);
	FT_Done_FreeType(ft);
}

static void
test_strings_only_named(void **state)
{
	noto_subset noto;
	cff_pair t;
	unsigned count, source_count;
	size_t from, to, strings, end;

	(void)state;
	cff_pair_make(&t, FANDOL, 0, kept, KEPT_COUNT);
	check_strings(&t);
	check_freetype_names(&t);
	arena_destroy(t.a);
	noto_subset_make(&noto, SANS);
	t = (cff_pair){ noto.a, noto.cff, noto.out, noto.size, noto.out_size };
	check_strings(&t);
	check_freetype_names(&t);
	/* the names of the Font DICTs left out are gone */
	top_dict_extent(t.cff, t.size, &from, &to, &strings);
	assert_true(cff_index_find(t.cff, t.size, strings, &source_count, &end));
	top_dict_extent(t.out, t.out_size, &from, &to, &strings);
	assert_true(cff_index_find(t.out, t.out_size, strings, &count, &end));
	assert_true(count < source_count);
	noto_subset_done(&noto);
}

/* The bytes the charset of the subset's count glyphs (their CIDs cids)
 * takes in format 0, 1 or 2. */
static size_t
charset_size(const uint16_t *cids, unsigned count, unsigned format)
{
	unsigned i, ranges = 0, left = 0, max_left = format == 1 ? 255 : 65535;

	if (format == 0)
		return 1 + 2 * ((size_t)count - 1);
	for (i = 1; i < count; i++) {
		if (i > 1 && cids[i] == cids[i - 1] + 1 && left < max_left) {
			left++;
		} else {
			ranges++;
			left = 0;
		}
	}
	return 1 + (size_t)ranges * (format == 1 ? 3 : 4);
}

/* The bytes the charset at offset of a count-glyph CFF takes. */
static size_t
charset_extent(const unsigned char *cff, size_t offset, unsigned count)
{
	size_t p = offset + 1;
	unsigned format = cff[offset], g = 1;

	if (format == 0)
		return 1 + 2 * ((size_t)count - 1);
	while (g < count) {
		g += 1 + (format == 1 ? cff[p + 2]
		                      : (unsigned)cff[p + 2] << 8 | cff[p + 3]);
		p += format == 1 ? 3 : 4;
	}
	return p - offset;
}

/* The subset of glyphs of Fandol has a charset of format expected, the
 * smallest of the three for its CIDs, and cff_read and FreeType read
 * the CIDs from it. */
static void
check_charset(const uint32_t *glyphs, unsigned count, unsigned expected)
{
	cff_pair t;
	cff_info source, subset;
	const char *why;
	size_t offset, size, smallest = SIZE_MAX;
	unsigned format, i;

	cff_pair_make(&t, FANDOL, 0, glyphs, count);
	assert_true(cff_read(t.a, t.cff, t.size, &source, &why));
	assert_true(cff_read(t.a, t.out, t.out_size, &subset, &why));
	assert_int_equal(subset.glyph_count, count);
	for (i = 0; i < count; i++)
		assert_int_equal(subset.cid_of_glyph[i],
		                 source.cid_of_glyph[glyphs[i]]);
	offset = top_dict_value(t.out, t.out_size, OP_CHARSET, NULL);
	format = t.out[offset];
	assert_int_equal(format, expected);
	size = charset_extent(t.out, offset, count);
	assert_int_equal(size, charset_size(subset.cid_of_glyph, count, format));
	for (i = 0; i < 3; i++)
		if (charset_size(subset.cid_of_glyph, count, i) < smallest)
			smallest = charset_size(subset.cid_of_glyph, count, i);
	assert_int_equal(size, smallest);
	arena_destroy(t.a);
}

/* Fandol's glyphs 1-8895 are CIDs 1-8895: every 7th glyph makes no run
 * (format 0), glyphs 0-200 one short run (format 1), 0-600 one longer
 * than format 1's 256 (format 2), kept five short runs (format 1). */
static void
test_charset_smallest_format(void **state)
{
	uint32_t glyphs[1400];
	unsigned i;

	(void)state;
	for (i = 0; i < 1400; i++)
		glyphs[i] = 7 * i;
	check_charset(glyphs, 1400, 0);
	for (i = 0; i <= 600; i++)
		glyphs[i] = i;
	check_charset(glyphs, 201, 1);
	check_charset(glyphs, 601, 2);
	check_charset(kept, KEPT_COUNT, 1);
	check_charset(kept, 1, 0);                  /* .notdef alone */
}

/* The Private DICT operators the subset leaves out: the hints and
 * initialRandomSeed, and Subrs. */
static bool
private_op_dropped(unsigned op)
{
	return (op >= 6 && op <= 11) || op == OP_SUBRS ||
	       (op >= 0x0C09 && op <= 0x0C0E) || (op >= 0x0C11 && op <= 0x0C13);
}

/* The entries of the Private DICT of Font DICT [from, to), as text: each
 * operator and its operands, those of dropped operators left out if
 * strip; *widths counts defaultWidthX and nominalWidthX. */
static char *
private_entries(arena *a, const unsigned char *cff, size_t from, size_t to,
                bool strip, unsigned *widths)
{
	char *text = "";
	size_t n, p, end, i;
	unsigned op;
	long v[48];

	assert_true(dict_find(cff, from, to, OP_PRIVATE, v, &n));
	p = (size_t)v[1];
	end = p + (size_t)v[0];
	while (p < end) {
		assert_true(cff_dict_entry(cff, end, &p, v, 48, &n, &op));
		if (strip && private_op_dropped(op))
			continue;
		*widths += op == OP_DEFAULT_WIDTH || op == OP_NOMINAL_WIDTH;
		text = arena_printf(a, "%s%x", text, op);
		for (i = 0; i < n; i++)
			text = arena_printf(a, "%s %ld", text, v[i]);
		text = arena_printf(a, "%s\n", text);
	}
	return text;
}

/* Each Private DICT of the subset is its source's less Subrs and the
 * hints, entry for entry; the widths stay. */
static void
check_privates(cff_pair *t)
{
	size_t from, to, source_from, source_to, n;
	unsigned i, k, widths = 0, source_widths = 0, found;
	long name[48], source_name[48];
	char *entries;

	for (i = 0; i < font_dict_count(t->out, t->out_size); i++) {
		font_dict_extent(t->out, t->out_size, i, &from, &to);
		assert_true(dict_find(t->out, from, to, OP_FONTNAME, name, &n));
		entries = private_entries(t->a, t->out, from, to, false, &widths);
		for (k = found = 0; k < font_dict_count(t->cff, t->size); k++) {
			font_dict_extent(t->cff, t->size, k, &source_from, &source_to);
			assert_true(dict_find(t->cff, source_from, source_to,
			                      OP_FONTNAME, source_name, &n));
			if (strcmp(sid_string(t->a, t->out, t->out_size, name[0]),
			           sid_string(t->a, t->cff, t->size, source_name[0])))
				continue;
			assert_string_equal(entries,
			                    private_entries(t->a, t->cff, source_from,
			                                    source_to, true,
			                                    &source_widths));
			found++;
		}
		assert_int_equal(found, 1);
	}
	assert_true(widths > 0);
	assert_int_equal(widths, source_widths);
}

static void
test_privates_keep_widths_not_hints(void **state)
{
	noto_subset noto;
	cff_pair t;

	(void)state;
	cff_pair_make(&t, FANDOL, 0, kept, KEPT_COUNT);
	check_privates(&t);
	arena_destroy(t.a);
	noto_subset_make(&noto, SANS);
	t = (cff_pair){ noto.a, noto.cff, noto.out, noto.size, noto.out_size };
	check_privates(&t);
	noto_subset_done(&noto);
	noto_subset_make(&noto, SERIF_BOLD);
	t = (cff_pair){ noto.a, noto.cff, noto.out, noto.size, noto.out_size };
	check_privates(&t);
	noto_subset_done(&noto);
}

/* ---- damaged subroutines ---------------------------------------------- */

/* A copy of Noto Sans CJK SC to patch: the charstring of the glyph
 * kept besides .notdef and global subrs long enough to be rewritten, and
 * the bias of a call. */
typedef struct patched_font {
	arena *a;
	const unsigned char *source;
	unsigned char *cff;
	size_t size;
	uint32_t glyphs[2];              /* .notdef and the patched glyph */
	size_t glyph_from, glyph_to;     /* the latter's charstring */
	size_t gsubrs;                   /* the Global Subr INDEX */
	unsigned gsubr_count, bias;
	unsigned subr[12];               /* global subrs of 5 to 40 bytes */
} patched_font;

static void
patched_font_make(patched_font *f)
{
	size_t from, to;
	unsigned i, n = 0;

	if (access(SANS, R_OK) != 0)
		fail_msg("%s is missing: run scripts/install-deps.sh", SANS);
	f->a = arena_create();
	f->source = load_cff(f->a, SANS, NOTO_SC, &f->size);
	f->cff = arena_alloc(f->a, f->size);
	memcpy(f->cff, f->source, f->size);
	f->glyphs[0] = f->glyphs[1] = 0;
	do {
		assert_true(cff_index_item(f->cff, f->size,
		                           charstrings_offset(f->cff, f->size),
		                           ++f->glyphs[1], &f->glyph_from,
		                           &f->glyph_to));
	} while (f->glyph_to - f->glyph_from < 8);
	top_dict_value(f->cff, f->size, OP_CHARSTRINGS, &f->gsubrs);
	assert_true(cff_index_find(f->cff, f->size, f->gsubrs, &f->gsubr_count,
	                           &to));
	/* Type 2's bias, by the number of subrs */
	f->bias = f->gsubr_count < 1240 ? 107 : f->gsubr_count < 33900 ? 1131
	        : 32768;
	for (i = 0; i < f->gsubr_count && n < 12; i++) {
		assert_true(cff_index_item(f->cff, f->size, f->gsubrs, i, &from, &to));
		if (to - from >= 5 && to - from <= 40)
			f->subr[n++] = i;
	}
	assert_int_equal(n, 12);
}

/* Writes bytes over the start of the patched glyph's charstring (or, if
 * subr is not -1, of global subr f->subr[subr]), the rest as it was. */
static void
patch(patched_font *f, int subr, const unsigned char *bytes, size_t n)
{
	size_t from = f->glyph_from, to = f->glyph_to;

	if (subr >= 0)
		assert_true(cff_index_item(f->cff, f->size, f->gsubrs,
		                           f->subr[subr], &from, &to));
	assert_true(n <= to - from);
	memcpy(f->cff + from, bytes, n);
}

/* Undoes every patch. */
static void
unpatch(patched_font *f)
{
	memcpy(f->cff, f->source, f->size);
}

/* The four bytes that call global subr f->subr[k]: its biased number as
 * a 16-bit operand, then callgsubr. */
static void
call_bytes(const patched_font *f, unsigned k, unsigned char out[4])
{
	int operand = (int)f->subr[k] - (int)f->bias;

	out[0] = 28;
	out[1] = (unsigned char)((unsigned)operand >> 8);
	out[2] = (unsigned char)operand;
	out[3] = 29;
}

/* The patched glyph is refused with a reason naming what. */
static void
assert_refused(patched_font *f, const char *what)
{
	unsigned char *out = NULL;
	size_t out_size;
	const char *why = NULL;

	assert_false(cff_subset_write(f->a, f->cff, f->size, f->glyphs, 2, &out,
	                              &out_size, &why));
	assert_non_null(why);
	if (strstr(why, what) == NULL)
		fail_msg("refused for \"%s\", not \"%s\"", why, what);
}

static void
assert_accepted(patched_font *f)
{
	unsigned char *out = NULL;
	size_t out_size;
	const char *why = NULL;

	if (!cff_subset_write(f->a, f->cff, f->size, f->glyphs, 2, &out,
	                      &out_size, &why))
		fail_msg("refused: %s", why);
}

/* Calls that go nowhere: a local or global subr number out of range, a
 * call with no operand or a fractional one. */
static void
test_bad_subr_calls_refused(void **state)
{
	static const unsigned char local[] = { 28, 0x7F, 0xFF, 10, 14 };
	static const unsigned char global[] = { 28, 0x80, 0x00, 29, 14 };
	static const unsigned char bare[] = { 10, 14 };
	static const unsigned char fraction[] = { 255, 0, 1, 0x80, 0, 29, 14 };
	patched_font f;

	(void)state;
	patched_font_make(&f);
	assert_accepted(&f);
	patch(&f, -1, local, sizeof(local));
	assert_refused(&f, "does not exist");
	patch(&f, -1, global, sizeof(global));
	assert_refused(&f, "does not exist");
	patch(&f, -1, bare, sizeof(bare));
	assert_refused(&f, "no operand");
	patch(&f, -1, fraction, sizeof(fraction));
	assert_refused(&f, "fractional");
	arena_destroy(f.a);
}

/* A subr calling itself is refused at the eleventh nested call; a chain
 * of ten nested calls is as deep as Type 2 allows, and accepted. */
static void
test_subr_nesting_limited(void **state)
{
	static const unsigned char ret[] = { 11 };
	unsigned char call[5];
	patched_font f;
	unsigned k;

	(void)state;
	patched_font_make(&f);
	call_bytes(&f, 0, call);
	call[4] = 14;                           /* glyph: call subr 0, endchar */
	patch(&f, -1, call, 5);
	patch(&f, 0, call, 4);                  /* subr 0 calls itself */
	assert_refused(&f, "nest");
	for (k = 0; k < 9; k++) {               /* subr k calls k + 1 */
		call_bytes(&f, k + 1, call);
		call[4] = 11;
		patch(&f, (int)k, call, 5);
	}
	patch(&f, 9, ret, 1);
	assert_accepted(&f);                    /* ten calls deep */
	call_bytes(&f, 10, call);
	call[4] = 11;
	patch(&f, 9, call, 5);
	patch(&f, 10, ret, 1);
	assert_refused(&f, "nest");             /* eleven */
	unpatch(&f);
	assert_accepted(&f);
	arena_destroy(f.a);
}

/* Global subr 0 of f made of numbers (pushing 0) but for its last bytes,
 * last; the glyph calls it, then ends. */
static void
patch_subr_tail(patched_font *f, const unsigned char *last, size_t n)
{
	unsigned char bytes[40], call[5];
	size_t from, to;

	call_bytes(f, 0, call);
	call[4] = 14;
	patch(f, -1, call, 5);
	assert_true(cff_index_item(f->cff, f->size, f->gsubrs, f->subr[0], &from,
	                           &to));
	memset(bytes, 139, to - from - n);
	memcpy(bytes + (to - from - n), last, n);
	patch(f, 0, bytes, to - from);
}

/* A number cut off by the end of a subr, a hintmask whose mask does not
 * fit in it, seac, a reserved operator, a return from the glyph itself
 * and an arithmetic operator are refused. */
static void
test_damaged_charstrings_refused(void **state)
{
	static const unsigned char cut_number[] = { 28 };
	static const unsigned char cut_mask[] = { 18, 19 };  /* hstemhm hintmask */
	static const unsigned char seac[] = { 139, 139, 139, 139, 14 };
	static const unsigned char reserved[] = { 9, 14 };
	static const unsigned char ret[] = { 11 };
	static const unsigned char add[] = { 139, 139, 12, 10, 14 };
	patched_font f;

	(void)state;
	patched_font_make(&f);
	patch_subr_tail(&f, cut_number, sizeof(cut_number));
	assert_refused(&f, "past its end");
	unpatch(&f);
	patch_subr_tail(&f, cut_mask, sizeof(cut_mask));
	assert_refused(&f, "past its end");
	unpatch(&f);
	patch(&f, -1, seac, sizeof(seac));
	assert_refused(&f, "seac");
	patch(&f, -1, reserved, sizeof(reserved));
	assert_refused(&f, "reserved");
	patch(&f, -1, ret, sizeof(ret));
	assert_refused(&f, "returns");
	patch(&f, -1, add, sizeof(add));
	assert_refused(&f, "arithmetic");
	arena_destroy(f.a);
}

/* Every truncation of a font with subrs is refused, never read past. */
static void
test_truncated_noto_refused(void **state)
{
	arena *a = arena_create();
	size_t size, out_size, i, cuts[6];
	unsigned char *cff, *out, *cut;
	const char *why;

	(void)state;
	if (access(SANS, R_OK) != 0)
		fail_msg("%s is missing: run scripts/install-deps.sh", SANS);
	cff = load_cff(a, SANS, NOTO_SC, &size);
	cuts[0] = 100;
	cuts[1] = 2000;                         /* in the Global Subr INDEX */
	cuts[2] = 40000;                        /* in the charstrings */
	cuts[3] = size / 2;
	cuts[4] = size - 20000;                 /* in the local subrs */
	cuts[5] = size - 1;
	for (i = 0; i < 6; i++) {
		cut = checked_memory(malloc(cuts[i]));
		memcpy(cut, cff, cuts[i]);
		why = NULL;
		assert_false(cff_subset_write(a, cut, cuts[i], kept, KEPT_COUNT, &out,
		                              &out_size, &why));
		assert_non_null(why);
		free(cut);
	}
	arena_destroy(a);
}

/* Every truncation of the font is refused with a reason, never read
 * past (ASan watches); so are glyph lists out of order or range. */
static void
test_truncated_and_bad_glyphs_refused(void **state)
{
	static const uint32_t unsorted[] = { 0, 5, 4 };
	static const uint32_t no_notdef[] = { 1, 2 };
	static const uint32_t outside[] = { 0, 1, 10365 };
	static const size_t cuts[] = { 0, 3, 4, 30, 200, 2000, 100000, 3000000 };
	arena *a = arena_create();
	size_t size, out_size, i;
	unsigned char *cff = load_cff(a, FANDOL, 0, &size), *out, *cut;
	const char *why;

	(void)state;
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		cut = malloc(cuts[i] + 1);
		memcpy(cut, cff, cuts[i]);
		why = NULL;
		assert_false(cff_subset_write(a, cut, cuts[i], kept, KEPT_COUNT, &out,
		                              &out_size, &why));
		assert_non_null(why);
		free(cut);
	}
	why = NULL;
	assert_false(cff_subset_write(a, cff, size, unsorted, 3,
	                              &out, &out_size, &why));
	assert_non_null(why);
	assert_false(cff_subset_write(a, cff, size, no_notdef, 2, &out, &out_size,
	                              &why));
	assert_false(cff_subset_write(a, cff, size, outside, 3, &out, &out_size,
	                              &why));
	assert_false(cff_subset_write(a, cff, size, kept, 0, &out, &out_size,
	                              &why));
	arena_destroy(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_keeps_cids),
		cmocka_unit_test(test_charstrings_lose_only_hints),
		cmocka_unit_test(test_outlines_kept),
		cmocka_unit_test(test_freetype_reads_subset),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_fandol_subsets_smaller),
		cmocka_unit_test(test_noto_sans_outlines_kept),
		cmocka_unit_test(test_noto_serif_bold_outlines_kept),
		cmocka_unit_test(test_noto_subset_has_no_subrs),
		cmocka_unit_test(test_noto_deterministic),
		cmocka_unit_test(test_strings_only_named),
		cmocka_unit_test(test_charset_smallest_format),
		cmocka_unit_test(test_privates_keep_widths_not_hints),
		cmocka_unit_test(test_bad_subr_calls_refused),
		cmocka_unit_test(test_subr_nesting_limited),
		cmocka_unit_test(test_damaged_charstrings_refused),
		cmocka_unit_test(test_truncated_noto_refused),
		cmocka_unit_test(test_truncated_and_bad_glyphs_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
