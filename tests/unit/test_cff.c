/*
 * test_cff.c - the CFF reader against FreeType: for CID-keyed fonts
 * (FandolFang: Adobe-GB1, CID != glyph index; Noto Sans CJK SC, face 2 of
 * a .ttc: Adobe-Identity-0) every glyph HarfBuzz keeps in a subset must
 * carry the CID FreeType gives the same glyph in the full font; and bad
 * input is refused, never read past its end.
 */
#include "testing.h"

#include <unistd.h>

#include <hb.h>
#include <hb-subset.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H

#include "arena.h"
#include "cff.h"
#include "utf8.h"

#define FANDOL "FandolFang-Regular.otf"
#define SANS "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define TEXT "政府信息公开工作年度报告，主动公开“条例”（一）2024年。"

/* fandol_path:
 * Where scripts/install-fonts.sh (as root or not) or TeX Live put
 * FandolFang; NULL if nowhere. */
static const char *
fandol_path(void)
{
	static char home[512];
	const char *h = getenv("HOME");

	if (access("/usr/local/share/fonts/fandol/" FANDOL, R_OK) == 0)
		return "/usr/local/share/fonts/fandol/" FANDOL;
	if (access("/usr/share/texlive/texmf-dist/fonts/opentype/public/"
	           "fandol/" FANDOL, R_OK) == 0)
		return "/usr/share/texlive/texmf-dist/fonts/opentype/public/"
		       "fandol/" FANDOL;
	snprintf(home, sizeof(home), "%s/.local/share/fonts/fandol/" FANDOL,
	         h != NULL ? h : "");
	return access(home, R_OK) == 0 ? home : NULL;
}

/* check_subset_cids:
 * Subsets face index of path to TEXT and compares each kept glyph's CID
 * (cff_read on the subset's CFF) with FreeType's CID of the original
 * glyph; returns how many glyphs had a CID unequal to their new index. */
static unsigned
check_subset_cids(const char *path, int index, const char *registry,
                  const char *ordering)
{
	hb_blob_t *blob = hb_blob_create_from_file(path);
	hb_face_t *face = hb_face_create(blob, (unsigned)index);
	hb_subset_input_t *input = hb_subset_input_create_or_fail();
	hb_subset_plan_t *plan;
	hb_face_t *subset;
	hb_blob_t *cff;
	const hb_map_t *to_old;
	FT_Library ft;
	FT_Face ftf;
	FT_UInt cid;
	cff_info info;
	const char *why, *data;
	unsigned length, g, moved = 0;
	arena *a = arena_create();
	uint32_t *cps;
	size_t n = utf8_to_codepoints(a, TEXT, strlen(TEXT), &cps), i;

	for (i = 0; i < n; i++)
		hb_set_add(hb_subset_input_unicode_set(input), cps[i]);
	plan = hb_subset_plan_create_or_fail(face, input);
	assert_non_null(plan);
	subset = hb_subset_plan_execute_or_fail(plan);
	assert_non_null(subset);
	cff = hb_face_reference_table(subset, HB_TAG('C','F','F',' '));
	data = hb_blob_get_data(cff, &length);
	assert_true(cff_read(a, (const unsigned char *)data, length, &info, &why));
	assert_true(info.cid_keyed);
	assert_string_equal(info.registry, registry);
	assert_string_equal(info.ordering, ordering);
	to_old = hb_subset_plan_new_to_old_glyph_mapping(plan);
	assert_int_equal(info.glyph_count, hb_map_get_population(to_old));
	assert_int_equal(FT_Init_FreeType(&ft), 0);
	assert_int_equal(FT_New_Face(ft, path, index, &ftf), 0);
	for (g = 0; g < info.glyph_count; g++) {
		assert_int_equal(FT_Get_CID_From_Glyph_Index(ftf,
		                 hb_map_get(to_old, g), &cid), 0);
		assert_int_equal(info.cid_of_glyph[g], cid);
		moved += cid != g;
	}
	FT_Done_FreeType(ft);
	hb_blob_destroy(cff);
	hb_face_destroy(subset);
	hb_subset_plan_destroy(plan);
	hb_subset_input_destroy(input);
	hb_face_destroy(face);
	hb_blob_destroy(blob);
	arena_destroy(a);
	return moved;
}

/* Fandol's subset keeps the Adobe-GB1 CIDs, which are not its glyph
 * indices: the PDF must show these CIDs. */
static void
test_fandol_subset_keeps_gb1_cids(void **state)
{
	const char *path = fandol_path();

	(void)state;
	if (path == NULL)
		fail_msg("FandolFang is not installed: run scripts/install-fonts.sh");
	assert_true(check_subset_cids(path, 0, "Adobe", "GB1") > 0);
}

/* Noto's SC face (2) of the collection: Adobe-Identity-0, whose CIDs are
 * the original glyph indices, so they too differ from the subset's. */
static void
test_noto_collection_face(void **state)
{
	(void)state;
	if (access(SANS, R_OK) != 0)
		fail_msg("%s is missing: run scripts/install-deps.sh", SANS);
	assert_true(check_subset_cids(SANS, 2, "Adobe", "Identity") > 0);
}

/* Truncated, empty and non-CFF bytes are refused with a reason. */
static void
test_bad_input_refused(void **state)
{
	static const unsigned char not_cff[] = { 0, 1, 0, 0, 0, 0 };
	static const unsigned char header_only[] = { 1, 0, 4, 1 };
	static const unsigned char bad_index[] = { 1, 0, 4, 1, 0, 1, 1, 1, 200 };
	arena *a = arena_create();
	cff_info info;
	const char *why = NULL;

	(void)state;
	assert_false(cff_read(a, not_cff, sizeof(not_cff), &info, &why));
	assert_non_null(why);
	assert_false(cff_read(a, header_only, sizeof(header_only), &info, &why));
	assert_false(cff_read(a, bad_index, sizeof(bad_index), &info, &why));
	assert_false(cff_read(a, bad_index, 0, &info, &why));
	arena_destroy(a);
}

/* cff_dict_entry reads the operand forms and escaped operators, and
 * refuses an operand cut short or left without its operator. */
static void
test_dict_entry(void **state)
{
	static const unsigned char dict[] = { 0xF7, 0x00, 0x1C, 0x01, 0x00, 17,
	                                      12, 0x24 };
	static const unsigned char cut[] = { 0x1C, 0x01 };
	static const unsigned char no_operator[] = { 0x8B };
	long v[4];
	size_t p = 0, n;
	unsigned op;

	(void)state;
	assert_true(cff_dict_entry(dict, sizeof(dict), &p, v, 4, &n, &op));
	assert_int_equal(n, 2);
	assert_int_equal(v[0], 108);
	assert_int_equal(v[1], 256);
	assert_int_equal(op, 17);
	assert_true(cff_dict_entry(dict, sizeof(dict), &p, v, 4, &n, &op));
	assert_int_equal(n, 0);
	assert_int_equal(op, 0x0C24);
	assert_int_equal(p, sizeof(dict));
	p = 0;
	assert_false(cff_dict_entry(cut, sizeof(cut), &p, v, 4, &n, &op));
	p = 0;
	assert_false(cff_dict_entry(no_operator, sizeof(no_operator), &p, v, 4,
	                            &n, &op));
	p = 0;
	assert_false(cff_dict_entry(dict, sizeof(dict), &p, v, 1, &n, &op));
}

/* cff_dict_integer reads an integer operand (a SID) and refuses a real
 * or a number cut short; cff_index_read and cff_index_entry give the
 * entries cff_index_item gives. */
static void
test_dict_integer_and_index(void **state)
{
	static const unsigned char dict[] = { 0xF8, 0x1B, 0x1E, 0x1F, 0x1C, 0x01 };
	static const unsigned char index[] = { 0, 3, 1, 1, 3, 3, 6, 'a', 'b',
	                                       'c', 'd', 'e' };
	cff_index ix;
	size_t p = 0, from, to, item_from, item_to;
	long v;
	unsigned i;

	(void)state;
	assert_true(cff_dict_integer(dict, sizeof(dict), &p, &v));
	assert_int_equal(v, 391);
	assert_int_equal(p, 2);
	assert_false(cff_dict_integer(dict, sizeof(dict), &p, &v));  /* a real */
	p = 4;
	assert_false(cff_dict_integer(dict, sizeof(dict), &p, &v));  /* cut */
	assert_false(cff_dict_integer(dict, 0, &p, &v));
	assert_true(cff_index_read(index, sizeof(index), 0, &ix));
	assert_int_equal(ix.count, 3);
	assert_int_equal(ix.end, sizeof(index));
	for (i = 0; i < 3; i++) {
		assert_true(cff_index_entry(index, sizeof(index), &ix, i, &from, &to));
		assert_true(cff_index_item(index, sizeof(index), 0, i, &item_from,
		                           &item_to));
		assert_int_equal(from, item_from);
		assert_int_equal(to, item_to);
	}
	assert_int_equal(to - from, 3);
	assert_false(cff_index_entry(index, sizeof(index), &ix, 3, &from, &to));
	assert_false(cff_index_read(index, sizeof(index) - 1, 0, &ix));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fandol_subset_keeps_gb1_cids),
		cmocka_unit_test(test_noto_collection_face),
		cmocka_unit_test(test_bad_input_refused),
		cmocka_unit_test(test_dict_entry),
		cmocka_unit_test(test_dict_integer_and_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
