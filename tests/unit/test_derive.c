/*
 * test_derive.c - totals a description leaves out: the real layout's
 * 表三 and 表四 loaded with short rows, exact amount sums on a small
 * layout, and the messages for what cannot be derived.
 */
#include "testing.h"

#include "arena.h"
#include "derive.h"
#include "diag.h"
#include "layout.h"
#include "report.h"

/* ---- descriptions for the real layout ----------------------------------- */

static const char *const table3_rows[] = {
	"本年新收", "上年结转", "予以公开", "部分公开", "属于国家秘密",
	"其他法律行政法规禁止公开", "危及三安全一稳定", "保护第三方合法权益",
	"属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷",
	"属于行政查询事项", "本机关不掌握相关政府信息",
	"没有现成信息需要另行制作", "补正后申请内容仍不明确",
	"信访举报投诉类申请", "重复申请", "要求提供公开出版物",
	"无正当理由大量反复申请", "要求行政机关确认或重新出具已获取信息",
	"逾期不补正", "逾期未缴费", "其他", "总计", "结转下年度继续办理",
};

#define TOTAL_ROW 23                 /* index of 总计 in table3_rows */

/* 表三's rows with six values each, row i column j holding i + j + 1,
 * and no 总计 row: everything the layout's sums can compute left out. */
static const char *
short_table3(arena *a)
{
	const char *rows = "";
	int i;

	for (i = 0; i < 25; i++)
		if (i != TOTAL_ROW)
			rows = arena_printf(a, "%s        %s: [%d, %d, %d, %d, %d, %d]\n",
			                    rows, table3_rows[i], i + 1, i + 2, i + 3,
			                    i + 4, i + 5, i + 6);
	return rows;
}

/* A complete description around the given 表三 and 表四 rows. */
static const char *
description(arena *a, const char *table3, const char *table4)
{
	return arena_printf(a,
		"layout: gov-annual-2021\n"
		"agency: 某街道办事处\n"
		"year: 2024\n"
		"chapters:\n"
		"  总体情况: 无\n"
		"  主动公开政府信息情况:\n"
		"    - table:\n"
		"        规章: [0, 0, 0]\n"
		"        行政规范性文件: [0, 0, 0]\n"
		"        行政许可: 0\n"
		"        行政处罚: 0\n"
		"        行政强制: 0\n"
		"        行政事业性收费: 0\n"
		"  收到和处理政府信息公开申请情况:\n"
		"    - table:\n"
		"%s"
		"  政府信息公开行政复议、行政诉讼情况:\n"
		"    - table:\n"
		"%s"
		"  存在的主要问题及改进情况: 无\n"
		"  其他需要报告的事项: 无\n"
		"signoff:\n"
		"  date: 2025-01-20\n", table3, table4);
}

static const char short_table4[] =
	"        行政复议: [1, 2, 3, 4]\n"
	"        未经复议直接起诉: [\"5（其中 1 件撤诉）\", 0, 0, 6]\n"
	"        复议后起诉: {结果维持: 7, 结果纠正: 8, 其他结果: 9, 尚未审结: 10}\n";

/* Loads text against the real layout, capturing messages. */
static const report *
load(diag_capture *c, const char *text)
{
	return report_load_buffer(c->a, "test.yaml", text, strlen(text),
	                          test_data_dir(), &c->diag);
}

/* The values of table id in rep, or fails. */
static const table_values *
table_of(const report *rep, const char *id)
{
	size_t i;

	for (i = 0; i < rep->block_count; i++)
		if (rep->blocks[i].kind == BLOCK_TABLE &&
		    strcmp(rep->blocks[i].table->table->id, id) == 0)
			return rep->blocks[i].table;
	fail_msg("table %s not found", id);
	return NULL;
}

/* Checks one cell's text and whether it was derived. */
static void
assert_cell(const table_values *tv, const char *row, const char *col,
            const char *text, bool derived)
{
	const cell_value *cell = report_cell(tv, row, col);

	assert_non_null(cell);
	assert_true(cell->present);
	assert_string_equal(cell->text, text);
	assert_int_equal(cell->derived, derived);
}

/* Loads the description with table3 and table4 and checks that it fails
 * with exactly expected. */
static void
expect_load_error(const char *table3, const char *table4,
                  const char *expected)
{
	diag_capture c;

	diag_capture_begin(&c);
	assert_null(load(&c, description(c.a, table3, table4)));
	assert_string_equal(diag_capture_text(&c), expected);
	diag_capture_end(&c);
}

/* ---- the real layout ---------------------------------------------------- */

/* Six values a row and no 总计 row: every 总计 column and the whole 总计
 * row are computed, the 总计 row's 总计 from totals of the same table. */
static void
test_table3_totals_derived(void **state)
{
	diag_capture c;
	const report *rep;
	const table_values *t3;

	diag_capture_begin(&c);
	rep = load(&c, description(c.a, short_table3(c.a), short_table4));
	assert_string_equal(diag_capture_text(&c), "");
	assert_non_null(rep);
	t3 = table_of(rep, "表三");
	assert_cell(t3, "本年新收", "自然人", "1", false);
	assert_cell(t3, "本年新收", "总计", "21", true);          /* 1+…+6 */
	assert_cell(t3, "其他", "总计", "153", true);             /* 23+…+28 */
	assert_cell(t3, "结转下年度继续办理", "总计", "165", true);
	/* rows 予以公开 (i = 2) … 其他 (i = 22): Σ(i + j + 1) */
	assert_cell(t3, "总计", "自然人", "273", true);
	assert_cell(t3, "总计", "其他", "378", true);
	assert_cell(t3, "总计", "总计", "1953", true);
	assert_true(report_cell(t3, "总计", "总计")->number == 1953.0);
	assert_false(report_cell(t3, "总计", "总计")->has_note);
	diag_capture_end(&c);
}

/* 表四's 总计 in all three blocks, from lists, a note value and a
 * mapping. */
static void
test_table4_totals_derived(void **state)
{
	diag_capture c;
	const report *rep;
	const table_values *t4;

	diag_capture_begin(&c);
	rep = load(&c, description(c.a, short_table3(c.a), short_table4));
	assert_non_null(rep);
	t4 = table_of(rep, "表四");
	assert_cell(t4, "行政复议", "总计", "10", true);
	assert_cell(t4, "未经复议直接起诉", "结果维持", "5（其中 1 件撤诉）", false);
	assert_cell(t4, "未经复议直接起诉", "总计", "11", true);
	assert_cell(t4, "复议后起诉", "总计", "34", true);
	diag_capture_end(&c);
}

/* A derivable value the clerk gives is kept exactly as given, even when
 * it is not the sum (checking it is the consistency rules' job). */
static void
test_given_total_kept(void **state)
{
	diag_capture c;
	const report *rep;
	const table_values *t3;
	const char *rows;

	diag_capture_begin(&c);
	rows = arena_printf(c.a, "        本年新收: [1, 1, 1, 1, 1, 1, 999]\n"
	                    "        总计: [0, 0, 0, 0, 0, 0, \"7（含 2 件转办）\"]\n%s",
	                    strstr(short_table3(c.a), "        上年结转"));
	rep = load(&c, description(c.a, rows, short_table4));
	assert_string_equal(diag_capture_text(&c), "");
	assert_non_null(rep);
	t3 = table_of(rep, "表三");
	assert_cell(t3, "本年新收", "总计", "999", false);
	assert_cell(t3, "总计", "自然人", "0", false);
	assert_cell(t3, "总计", "总计", "7（含 2 件转办）", false);
	assert_cell(t3, "上年结转", "总计", "27", true);
	diag_capture_end(&c);
}

/* A mapping may leave out a derived column, and a row sum's row may be
 * given with some columns only. */
static void
test_mapping_omits_derived(void **state)
{
	diag_capture c;
	const report *rep;
	const table_values *t3;
	const char *rows;

	diag_capture_begin(&c);
	rows = arena_printf(c.a, "%s        总计: {自然人: 5}\n",
	                    short_table3(c.a));
	rep = load(&c, description(c.a, rows, short_table4));
	assert_string_equal(diag_capture_text(&c), "");
	assert_non_null(rep);
	t3 = table_of(rep, "表三");
	assert_cell(t3, "总计", "自然人", "5", false);
	assert_cell(t3, "总计", "商业企业", "294", true);
	/* the column sum is tried first: 5 + 294 + 315 + … */
	assert_cell(t3, "总计", "总计", "1685", true);
	diag_capture_end(&c);
}

/* A value no sum computes must still be given: the messages are those
 * of a description without sums. */
static void
test_missing_plain_value(void **state)
{
	diag_capture c;
	const char *rows;

	diag_capture_begin(&c);
	rows = arena_printf(c.a, "        本年新收: {商业企业: 1, 科研机构: 1, 社会公益组织: 1, "
	                    "法律服务机构: 1, 其他: 1}\n%s",
	                    strstr(short_table3(c.a), "        上年结转"));
	assert_null(load(&c, description(c.a, rows, short_table4)));
	assert_string_equal(diag_capture_text(&c),
	                    "test.yaml:16:15: error: 表三 row 本年新收: missing "
	                    "column '自然人'\n");
	diag_capture_end(&c);
	diag_capture_begin(&c);
	rows = strstr(short_table3(c.a), "        上年结转");
	assert_null(load(&c, description(c.a, rows, short_table4)));
	assert_string_equal(diag_capture_text(&c),
	                    "test.yaml:16:9: error: 表三: missing row '本年新收'\n");
	diag_capture_end(&c);
}

/* A list must have all the columns or exactly those not derived. */
static void
test_wrong_short_count(void **state)
{
	diag_capture c;
	const char *rows;

	diag_capture_begin(&c);
	rows = arena_printf(c.a, "        本年新收: [1, 2, 3, 4, 5]\n%s",
	                    strstr(short_table3(c.a), "        上年结转"));
	expect_load_error(rows, short_table4,
	                  "test.yaml:16:15: error: 表三 row 本年新收: 5 values given; "
	                  "7 columns expected (自然人, 商业企业, 科研机构, 社会公益组织, "
	                  "法律服务机构, 其他, 总计), or 6 without the derived 总计\n");
	expect_load_error(short_table3(c.a),
	                  "        行政复议: [1, 2, 3]\n"
	                  "        未经复议直接起诉: [0, 0, 0, 0]\n"
	                  "        复议后起诉: [0, 0, 0, 0]\n",
	                  "test.yaml:42:15: error: 表四 row 行政复议: 3 values given; "
	                  "5 columns expected (结果维持, 结果纠正, 其他结果, 尚未审结, "
	                  "总计), or 4 without the derived 总计\n");
	diag_capture_end(&c);
}

/* ---- exact sums on a small layout ---------------------------------------- */

/* A layout whose one table holds amounts with both kinds of sum; the
 * sums start on line 27. */
static const char amounts_layout[] =
	"name: amounts\n"
	"page: {width: 210mm, height: 297mm, margin_top: 37mm, margin_left: 28mm, "
	"text_width: 156mm, text_height: 225mm, line_pitch: 28.991pt}\n"
	"fonts: {title: 22pt, body: 16pt, table: 10.5pt}\n"
	"styles:\n"
	"  title: {font: title, align: center}\n"
	"  heading1: {font: body}\n"
	"  heading2: {font: body}\n"
	"  paragraph: {font: body, align: justify, first_indent: 2em}\n"
	"  signoff: {font: body, align: right}\n"
	"page_number: {font: body, format: \"{n}\", below_text: 7mm, odd: right, "
	"even: left}\n"
	"title: [\"{agency}\"]\n"
	"subheading_numbers: [（一）]\n"
	"chapters:\n"
	"  - {id: 总体情况, heading: 一、总体情况, table: 表甲}\n"
	"tables:\n"
	"  表甲:\n"
	"    font: table\n"
	"    columns: [fit, 1fr, 1fr, 1fr]\n"
	"    values:\n"
	"      columns: [收, 支, 合计]\n"
	"      rows:\n"
	"        - {id: 甲, type: amount}\n"
	"        - {id: 乙, type: amount}\n"
	"        - {id: 总额, type: amount}\n"
	"        - 件数\n"
	"    sums:\n"
	"      - {column: 合计, of: [收, 支]}\n"
	"      - {row: 总额, of: [甲, 乙]}\n"
	"    cells:\n"
	"      - {at: [0, 0], text: 甲}\n"
	"      - {at: [0, 1], value: [甲, 收]}\n"
	"      - {at: [0, 2], value: [甲, 支]}\n"
	"      - {at: [0, 3], value: [甲, 合计]}\n"
	"      - {at: [1, 0], text: 乙}\n"
	"      - {at: [1, 1], value: [乙, 收]}\n"
	"      - {at: [1, 2], value: [乙, 支]}\n"
	"      - {at: [1, 3], value: [乙, 合计]}\n"
	"      - {at: [2, 0], text: 总额}\n"
	"      - {at: [2, 1], value: [总额, 收]}\n"
	"      - {at: [2, 2], value: [总额, 支]}\n"
	"      - {at: [2, 3], value: [总额, 合计]}\n"
	"      - {at: [3, 0], text: 件数}\n"
	"      - {at: [3, 1], value: [件数, 收]}\n"
	"      - {at: [3, 2], value: [件数, 支]}\n"
	"      - {at: [3, 3], value: [件数, 合计]}\n";

/* The amounts layout with the first occurrence of from replaced. */
static const layout *
load_amounts_layout(diag_capture *c, const char *from, const char *to)
{
	const char *hit = strstr(amounts_layout, from);
	const char *text;
	const layout *l;

	assert_non_null(hit);
	text = arena_printf(c->a, "%.*s%s%s", (int)(hit - amounts_layout),
	                    amounts_layout, to, hit + strlen(from));
	l = layout_load_buffer(c->a, "l.yaml", text, strlen(text), &c->diag);
	assert_string_equal(diag_capture_text(c), "");
	assert_non_null(l);
	return l;
}

/* Empty values shaped like the layout's only table, placed at line 9
 * of "d.yaml". */
static table_values *
empty_values(arena *a, const layout *l)
{
	const table_def *t = &l->tables[0];
	table_values *tv = arena_alloc(a, sizeof(*tv));
	size_t r;

	tv->table = t;
	tv->pos.file = "d.yaml";
	tv->pos.line = 9;
	tv->pos.column = 7;
	tv->rows = arena_calloc(a, t->value_row_count, sizeof(*tv->rows));
	for (r = 0; r < t->value_row_count; r++)
		tv->rows[r] = arena_calloc(a, t->value_rows[r].column_count,
		                           sizeof(cell_value));
	return tv;
}

/* Gives the value at [row id][column id] as text. */
static void
give(table_values *tv, const char *row, const char *col, const char *text)
{
	cell_value *cell = (cell_value *)report_cell(tv, row, col);

	assert_non_null(cell);
	cell->present = true;
	cell->text = text;
}

/* Amount sums keep every decimal and invent none. */
static void
test_amount_sums_exact(void **state)
{
	diag_capture c;
	const layout *l;
	table_values *tv;

	diag_capture_begin(&c);
	l = load_amounts_layout(&c, "name: amounts", "name: amounts");
	tv = empty_values(c.a, l);
	give(tv, "甲", "收", "0.1");
	give(tv, "甲", "支", "0.2");
	give(tv, "乙", "收", "4068.208");
	give(tv, "乙", "支", "1");
	give(tv, "件数", "收", "2");
	give(tv, "件数", "支", "1（另有 2 笔待结）");
	assert_true(derive_table_values(c.a, tv, &c.diag));
	assert_string_equal(diag_capture_text(&c), "");
	assert_cell(tv, "甲", "合计", "0.3", true);
	assert_cell(tv, "乙", "合计", "4069.208", true);
	assert_cell(tv, "总额", "收", "4068.308", true);
	assert_cell(tv, "总额", "支", "1.2", true);
	assert_cell(tv, "总额", "合计", "4069.508", true);
	assert_true(report_cell(tv, "总额", "合计")->number == 4069.508);
	/* 件数 is a count row; a term with a note counts by its number */
	assert_cell(tv, "件数", "合计", "3", true);
	diag_capture_end(&c);
}

/* Decimals written with trailing zeros are kept, and whole amounts stay
 * whole. */
static void
test_amount_decimals_follow_terms(void **state)
{
	diag_capture c;
	const layout *l;
	table_values *tv;

	diag_capture_begin(&c);
	l = load_amounts_layout(&c, "        - 件数\n",
	                        "        - {id: 件数, type: amount}\n");
	tv = empty_values(c.a, l);
	give(tv, "甲", "收", "0.50");
	give(tv, "甲", "支", "1");
	give(tv, "乙", "收", "2");
	give(tv, "乙", "支", "3");
	give(tv, "件数", "收", "0.0001");
	give(tv, "件数", "支", "0.9999");
	assert_true(derive_table_values(c.a, tv, &c.diag));
	assert_cell(tv, "甲", "合计", "1.50", true);
	assert_cell(tv, "乙", "合计", "5", true);
	assert_cell(tv, "总额", "合计", "6.50", true);
	assert_cell(tv, "件数", "合计", "1.0000", true);
	diag_capture_end(&c);
}

/* Two sums that need each other leave both values absent: an error at
 * the table naming the row, the column and the missing term. */
static void
test_underivable_reported(void **state)
{
	diag_capture c;
	const layout *l;
	table_values *tv;

	diag_capture_begin(&c);
	l = load_amounts_layout(&c, "      - {row: 总额, of: [甲, 乙]}\n",
	                        "      - {column: 收, of: [合计]}\n");
	tv = empty_values(c.a, l);
	give(tv, "甲", "支", "1");
	give(tv, "乙", "收", "2");
	give(tv, "乙", "支", "3");
	give(tv, "总额", "收", "0");
	give(tv, "总额", "支", "0");
	give(tv, "件数", "收", "1");
	give(tv, "件数", "支", "1");
	assert_false(derive_table_values(c.a, tv, &c.diag));
	assert_string_equal(diag_capture_text(&c),
	                    "d.yaml:9:7: error: 表甲 row 甲, column 收: not given and "
	                    "cannot be derived: term column 合计 has no value either\n"
	                    "d.yaml:9:7: error: 表甲 row 甲, column 合计: not given and "
	                    "cannot be derived: term column 收 has no value either\n");
	/* the given values of 乙 still determine its own cycle */
	assert_cell(tv, "乙", "收", "2", false);
	diag_capture_end(&c);
}

/* A sum beyond 64 bits is an error, not a wrapped number. */
static void
test_sum_too_large(void **state)
{
	diag_capture c;
	const layout *l;
	table_values *tv;

	diag_capture_begin(&c);
	l = load_amounts_layout(&c, "name: amounts", "name: amounts");
	tv = empty_values(c.a, l);
	give(tv, "甲", "收", "999999999999999.9999");
	give(tv, "甲", "支", "999999999999999.9999");
	give(tv, "乙", "收", "0");
	give(tv, "乙", "支", "0");
	give(tv, "件数", "收", "0");
	give(tv, "件数", "支", "0");
	assert_false(derive_table_values(c.a, tv, &c.diag));
	assert_non_null(strstr(diag_capture_text(&c),
	                       "d.yaml:9:7: error: 表甲 row 甲, column 合计: the "
	                       "sum of its terms is too large\n"));
	diag_capture_end(&c);
}

/* Which values are targets, as the loader asks. */
static void
test_targets(void **state)
{
	diag_capture c;
	const layout *l;
	const table_def *t;

	diag_capture_begin(&c);
	l = load_amounts_layout(&c, "name: amounts", "name: amounts");
	t = &l->tables[0];
	assert_true(derive_is_column_target(t, 0, 2));
	assert_false(derive_is_column_target(t, 0, 0));
	assert_true(derive_is_row_target(t, 2));
	assert_false(derive_is_row_target(t, 0));
	assert_true(derive_is_target(t, 2, 0));
	assert_true(derive_is_target(t, 3, 2));
	assert_false(derive_is_target(t, 3, 1));
	diag_capture_end(&c);
}

/* The exact decimals the checks compare with: notes ignored, decimals
 * kept, 64-bit overflow refused. */
static void
test_exact_decimals(void **state)
{
	arena *a = arena_create();
	exact_decimal x, y;

	assert_true(exact_decimal_parse("4068.208", &x));
	assert_int_equal(x.scaled, 40682080);
	assert_int_equal(x.decimals, 3);
	assert_true(exact_decimal_parse("22（其中修订 16 件）", &y));
	assert_int_equal(y.scaled, 220000);
	assert_true(exact_decimal_add(&x, y));
	assert_string_equal(exact_decimal_format(a, x, VALUE_AMOUNT), "4090.208");
	assert_string_equal(exact_decimal_format(a, y, VALUE_COUNT), "22");
	assert_false(exact_decimal_parse("1.23456", &x));
	assert_false(exact_decimal_parse("无", &x));
	assert_false(exact_decimal_parse("99999999999999999999", &x));
	assert_true(exact_decimal_parse("999999999999999.9999", &x));
	assert_false(exact_decimal_add(&x, x));
	arena_destroy(a);
}

/* A target that cannot be derived carries the table's value rule. */
static void
test_underivable_context(void **state)
{
	diag_capture c;
	const layout *l;
	table_values *tv;

	diag_capture_begin(&c);
	c.diag.format = DIAG_FORMAT_JSON;
	l = load_amounts_layout(&c, "    values:\n",
	                        "    value_rule: V-1\n    values:\n");
	tv = empty_values(c.a, l);
	give(tv, "甲", "收", "1");
	assert_false(derive_table_values(c.a, tv, &c.diag));
	assert_non_null(strstr(diag_capture_text(&c), "\"rule\": \"V-1\", "
	                       "\"table\": \"表甲\", \"row\": \"甲\", "
	                       "\"table_column\": \"合计\""));
	diag_capture_end(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table3_totals_derived),
		cmocka_unit_test(test_table4_totals_derived),
		cmocka_unit_test(test_given_total_kept),
		cmocka_unit_test(test_mapping_omits_derived),
		cmocka_unit_test(test_missing_plain_value),
		cmocka_unit_test(test_wrong_short_count),
		cmocka_unit_test(test_amount_sums_exact),
		cmocka_unit_test(test_amount_decimals_follow_terms),
		cmocka_unit_test(test_underivable_reported),
		cmocka_unit_test(test_sum_too_large),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_exact_decimals),
		cmocka_unit_test(test_underivable_context),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
