/*
 * test_cff_subset.c - the CFF subset writer on FandolFang (CID-keyed,
 * no subroutines): the subset reads back with cff_read and FreeType
 * with the source glyphs' CIDs and outlines, its charstrings are the
 * source's less their hints; fonts with subroutines, damaged fonts and bad glyph lists
 * are refused with a reason.
 */
#include "testing.h"

#include <unistd.h>

#include <hb.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H

#include "cff.h"
#include "cff_subset.h"

#define FANDOL "/usr/local/share/fonts/fandol/FandolFang-Regular.otf"
#define SANS "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define OP_CHARSTRINGS 17

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

/* The offset of the CharStrings INDEX, from the Top DICT. */
static size_t
charstrings_offset(const unsigned char *cff, size_t size)
{
	size_t names_end, from, to, n;
	unsigned count, op;
	long v[48];

	assert_true(cff_index_find(cff, size, cff[2], &count, &names_end));
	assert_true(cff_index_item(cff, size, names_end, 0, &from, &to));
	while (from < to) {
		assert_true(cff_dict_entry(cff, to, &from, v, 48, &n, &op));
		if (op == OP_CHARSTRINGS)
			return (size_t)v[n - 1];
	}
	fail_msg("no CharStrings operator");
	return 0;
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

/* Noto Sans CJK has global and local subrs: refused, for HarfBuzz. */
static void
test_font_with_subrs_refused(void **state)
{
	arena *a = arena_create();
	size_t size, out_size;
	unsigned char *cff, *out;
	const char *why = NULL;

	(void)state;
	if (access(SANS, R_OK) != 0)
		fail_msg("%s is missing: run scripts/install-deps.sh", SANS);
	cff = load_cff(a, SANS, 2, &size);
	assert_false(cff_subset_write(a, cff, size, kept, 3, &out, &out_size,
	                              &why));
	assert_non_null(why);
	assert_non_null(strstr(why, "subroutines"));
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
		cmocka_unit_test(test_font_with_subrs_refused),
		cmocka_unit_test(test_truncated_and_bad_glyphs_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
