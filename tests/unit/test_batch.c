/*
 * test_batch.c - the pieces of gkreport batch: safe unique output names,
 * the shared layout cache, and tables repeated over records (the district
 * overview's engine feature).
 */
#include "testing.h"

#include "arena.h"
#include "batch_names.h"
#include "diag.h"
#include "layout.h"
#include "layout_cache.h"
#include "report.h"

/* ---- names -------------------------------------------------------------- */

/* batch_name_make of pattern with the given agency; checks the result. */
static void
expect_name(const char *pattern, const char *agency, const char *expected)
{
	name_fields fields = { agency, "2024", "in" };
	char *name = batch_name_make(pattern, &fields);

	assert_string_equal(name, expected);
	free(name);
}

static void
test_names_are_one_safe_component(void **state)
{
	expect_name("{name}", NULL, "in");
	expect_name("{agency}-{year}", "西工区", "西工区-2024");
	expect_name("{agency}", "../../etc/passwd", "_._.__etc_passwd");
	expect_name("{agency}", "a/b\\c", "a_b_c");
	expect_name("{agency}", ".hidden", "_hidden");
	expect_name("{agency}", "x..y", "x._y");
	expect_name("{agency}", "tab\there\nnl\x7f", "tab_here_nl_");
	expect_name("{agency}", "bad\xff\xfeutf8", "bad__utf8");
	expect_name("{agency}", "c1\xc2\x85x", "c1__x");
	expect_name("{agency}", NULL, "unknown");
	expect_name("", NULL, "report");
	expect_name("/", NULL, "_");
}

static void
test_long_names_cut_at_a_character(void **state)
{
	char agency[301 * 3 + 1] = "";
	name_fields fields = { agency, "2024", "in" };
	char *name;

	for (int i = 0; i < 301; i++)
		strcat(agency, "区");
	name = batch_name_make("{agency}", &fields);
	assert_true(strlen(name) <= BATCH_NAME_MAX_BYTES);
	assert_true(strlen(name) > BATCH_NAME_MAX_BYTES - 3);
	assert_int_equal(strlen(name) % 3, 0);    /* whole 3-byte characters */
	free(name);
}

static void
test_patterns(void **state)
{
	const char *bad = NULL;

	assert_true(batch_pattern_valid("{agency}-{year}-{name}", &bad));
	assert_false(batch_pattern_valid("{agencie}", &bad));
	assert_string_equal(bad, "{agencie}");
	assert_false(batch_pattern_valid("x}", &bad));
	assert_true(batch_pattern_needs_content("{year}"));
	assert_false(batch_pattern_needs_content("{name}"));
}

static void
test_collisions_in_input_order(void **state)
{
	name_set *s = name_set_create();
	char *names[6];
	const char *expected[] = { "a", "a-2", "b", "a-3", "a-2-2", "a-4" };
	const char *wanted[] = { "a", "a", "b", "a", "a-2", "a" };

	for (int i = 0; i < 6; i++)
		names[i] = name_set_claim(s, wanted[i]);
	for (int i = 0; i < 6; i++) {
		assert_string_equal(names[i], expected[i]);
		free(names[i]);
	}
	for (int i = 0; i < 300; i++)       /* grows past its first table */
		free(name_set_claim(s, "many"));
	name_set_free(s);
}

static void
test_stems(void **state)
{
	char *stem = batch_name_stem("dir/sub/report-1.yaml");

	assert_string_equal(stem, "report-1");
	free(stem);
	stem = batch_name_stem("x.json");
	assert_string_equal(stem, "x");
	free(stem);
	stem = batch_name_stem("noext");
	assert_string_equal(stem, "noext");
	free(stem);
}

/* ---- the layout cache --------------------------------------------------- */

static void
test_cache_loads_once(void **state)
{
	layout_cache *c = layout_cache_create(test_data_dir());
	diag_capture r;
	const layout *first, *again;

	diag_capture_begin(&r);
	first = layout_cache_get(c, r.a, "gov-annual-2021", ".",
	                         source_pos_file("d.yaml"), &r.diag);
	again = layout_cache_get(c, r.a, "gov-annual-2021", ".",
	                         source_pos_file("d.yaml"), &r.diag);
	assert_non_null(first);
	assert_ptr_equal(first, again);
	assert_int_equal(layout_cache_count(c), 1);
	assert_null(layout_cache_get(c, r.a, "gov-annual-1999", ".",
	                             source_pos_file("d.yaml"), &r.diag));
	assert_non_null(strstr(diag_capture_text(&r), "unknown layout 'gov-annual-1999'"));
	assert_int_equal(layout_cache_count(c), 1);
	diag_capture_end(&r);
	layout_cache_free(c);
}

/* ---- tables repeated over records --------------------------------------- */

/* An overview description with two records and its totals left out. */
static const char overview_description[] =
	"layout: district-overview\n"
	"agency: 西工区\n"
	"year: 2024\n"
	"chapters:\n"
	"  各单位情况:\n"
	"    - table:\n"
	"        records:\n"
	"          - {单位: 甲街道, 检查结果: 通过, 件数: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 收费: 1.5}\n"
	"          - {单位: 乙街道, 检查结果: 通过, 件数: [10, 0, 0, 0, 0, 0, 0, 0, 0, 1], 收费: 0.25}\n"
	"  说明: 无\n"
	"signoff: {date: 2025-01-20}\n";

/* The table block of a loaded report. */
static const table_values *
first_table(const report *rep)
{
	for (size_t i = 0; i < rep->block_count; i++)
		if (rep->blocks[i].kind == BLOCK_TABLE)
			return rep->blocks[i].table;
	fail_msg("no table");
	return NULL;
}

static void
test_repeat_expands_into_a_grid(void **state)
{
	diag_capture r;
	const report *rep;
	const table_values *tv;
	const table_def *t;
	const cell_value *total;

	diag_capture_begin(&r);
	rep = report_load_buffer(r.a, "d.yaml", overview_description,
	                         strlen(overview_description), test_data_dir(),
	                         &r.diag);
	assert_string_equal(diag_capture_text(&r), "");
	assert_non_null(rep);
	tv = first_table(rep);
	t = tv->table;
	assert_null(t->repeat);                      /* an ordinary grid now */
	assert_int_equal(t->row_count, 2 + 2 + 1);  /* header, records, totals */
	assert_int_equal(t->value_row_count, 2 + 2 * 2);
	assert_string_equal(t->value_rows[2].id, "件数#1");
	assert_string_equal(t->value_rows[5].id, "收费#2");
	total = report_cell(tv, "合计件数", "规章");
	assert_true(total->present && total->derived);
	assert_string_equal(total->text, "11");
	assert_string_equal(report_cell(tv, "合计收费", "收费")->text, "1.75");
	for (size_t i = 0; i < t->cell_count; i++)
		if (t->cells[i].row == 2 && t->cells[i].col == 0)
			assert_string_equal(t->cells[i].text, "甲街道");
		else if (t->cells[i].row == 4 && t->cells[i].col == 0)
			assert_string_equal(t->cells[i].text, "合计");
	diag_capture_end(&r);
}

/* Loads text as a description (layout district-overview) and checks its
 * messages contain expected. */
static void
expect_description_error(const char *text, const char *expected)
{
	diag_capture r;

	diag_capture_begin(&r);
	assert_null(report_load_buffer(r.a, "d.yaml", text, strlen(text),
	                               test_data_dir(), &r.diag));
	if (strstr(diag_capture_text(&r), expected) == NULL)
		fail_msg("'%s' not in:\n%s", expected, diag_capture_text(&r));
	diag_capture_end(&r);
}

/* overview_description with its first from replaced by to. */
static char *
description_variant(arena *a, const char *from, const char *to)
{
	const char *hit = strstr(overview_description, from);

	assert_non_null(hit);
	return arena_printf(a, "%.*s%s%s", (int)(hit - overview_description),
	                    overview_description, to, hit + strlen(from));
}

static void
test_record_errors(void **state)
{
	arena *a = arena_create();

	expect_description_error(description_variant(a, "        records:\n", "        recs:\n"),
	                         "unknown key 'recs' in table 汇总表");
	expect_description_error(description_variant(a, "单位: 甲街道, ", ""),
	                         "汇总表 record 1: missing required key '单位'");
	expect_description_error(description_variant(a, "收费: 0.25", "收费: 0.25, 备注: x"),
	                         "unknown key '备注' in 汇总表 record 2");
	expect_description_error(description_variant(a, "[10, 0, 0", "[-10, 0, 0"),
	                         "汇总表 row 件数#2, column 规章");
	arena_destroy(a);
}

/* The smallest layout with a repeat; from/to make variants. */
static const char repeat_layout[] =
	"name: r\n"
	"page: {width: 210mm, height: 297mm, margin_top: 37mm, margin_left: 28mm, "
	"text_width: 156mm, text_height: 225mm, line_pitch: 28.991pt}\n"
	"fonts: {title: 22pt, body: 16pt, table: 10.5pt}\n"
	"styles:\n"
	"  title: {font: title, align: center}\n"
	"  heading1: {font: body}\n"
	"  heading2: {font: body}\n"
	"  paragraph: {font: body}\n"
	"  signoff: {font: body, align: right}\n"
	"page_number: {font: body, format: \"{n}\", below_text: 7mm, odd: right, "
	"even: left, indent: 1em}\n"
	"title: [\"{agency}\"]\n"
	"subheading_numbers: [（一）]\n"
	"chapters:\n"
	"  - {id: 甲, heading: 一、甲, table: 表}\n"
	"tables:\n"
	"  表:\n"
	"    font: table\n"
	"    columns: [1fr, 1fr]\n"
	"    values:\n"
	"      rows: [{id: 合计, columns: [数]}]\n"
	"    cells:\n"
	"      - {at: [0, 0], text: 合计}\n"
	"      - {at: [0, 1], value: [合计, 数]}\n"
	"    repeat:\n"
	"      at: 0\n"
	"      text_fields: [名]\n"
	"      values: [{id: 件, columns: [数]}]\n"
	"      totals: {件: 合计}\n"
	"      cells:\n"
	"        - {at: [0, 0], field: 名}\n"
	"        - {at: [0, 1], value: [件, 数]}\n"
	"      sources: {名: agency, 件: {数: [[表二, 行政许可, 本年处理决定数量]]}}\n";

/* Loads repeat_layout with from replaced by to; checks the messages
 * hold expected (NULL: loads silently). */
static void
expect_repeat_layout(const char *from, const char *to, const char *expected)
{
	diag_capture r;
	const char *hit = strstr(repeat_layout, from);
	const char *text;
	const layout *l;

	assert_non_null(hit);
	diag_capture_begin(&r);
	text = arena_printf(r.a, "%.*s%s%s", (int)(hit - repeat_layout),
	                    repeat_layout, to, hit + strlen(from));
	l = layout_load_buffer(r.a, "t.yaml", text, strlen(text), &r.diag);
	if (expected == NULL) {
		assert_string_equal(diag_capture_text(&r), "");
		assert_non_null(l);
		assert_non_null(l->tables[0].repeat);
		assert_int_equal(l->tables[0].repeat->row_count, 1);
	} else if (strstr(diag_capture_text(&r), expected) == NULL) {
		fail_msg("'%s' not in:\n%s", expected, diag_capture_text(&r));
	}
	diag_capture_end(&r);
}

static void
test_repeat_layout_errors(void **state)
{
	expect_repeat_layout("at: 0", "at: 0", NULL);
	expect_repeat_layout("at: 0", "at: 5", "tables.表.repeat.at");
	expect_repeat_layout("{at: [0, 0], text: 合计}", "{at: [0, 0], field: 名}",
	                     "field is only for the cells of a repeat");
	expect_repeat_layout("field: 名}", "field: 姓}", "undeclared text field '姓'");
	expect_repeat_layout("totals: {件: 合计}", "totals: {件: 总}",
	                     "undeclared value row '总'");
	expect_repeat_layout("名: agency", "名: agenzy",
	                     "unknown report property 'agenzy' (did you mean 'agency'?)");
	expect_repeat_layout("[[表二, 行政许可, 本年处理决定数量]]", "[[表二, 行政许可]]",
	                     "must be [table, row, column]");
	expect_repeat_layout("        - {at: [0, 1], value: [件, 数]}\n", "",
	                     "value [件, 数] is declared but no cell shows it");
	expect_repeat_layout("rows: [{id: 合计", "rows: [{id: records", "cannot have a "
	                     "value row named 'records'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_are_one_safe_component),
		cmocka_unit_test(test_long_names_cut_at_a_character),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_collisions_in_input_order),
		cmocka_unit_test(test_stems),
		cmocka_unit_test(test_cache_loads_once),
		cmocka_unit_test(test_repeat_expands_into_a_grid),
		cmocka_unit_test(test_record_errors),
		cmocka_unit_test(test_repeat_layout_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
