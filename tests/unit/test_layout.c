/*
 * test_layout.c - the layout loader: the real gov-annual-2021 layout
 * against the official format, and small broken layouts against their
 * exact messages.
 */
#include "testing.h"

#include <glob.h>
#include <regex.h>
#include <sys/stat.h>
#include <unistd.h>

#include <math.h>

#include "layout.h"
#include "yaml_tree.h"

/* ------------------------------------------------------------------ */
/* The real layout                                                      */
/* ------------------------------------------------------------------ */

/* Loads layouts/gov-annual-2021.yaml from the checkout, failing the test
 * on any diagnostic. */
static const layout *
load_official(diag_capture *run)
{
	char path[4096];
	const layout *l;

	snprintf(path, sizeof(path), "%s/layouts/gov-annual-2021.yaml",
	         test_data_dir());
	l = layout_load_file(run->a, path, &run->diag);
	assert_string_equal(diag_capture_text(run) ? diag_capture_text(run) : "", "");
	assert_non_null(l);
	return l;
}

/* The cell whose top-left corner is at (row, col), or NULL. */
static const table_cell *
cell_at(const table_def *t, int row, int col)
{
	size_t i;

	for (i = 0; i < t->cell_count; i++)
		if (t->cells[i].row == row && t->cells[i].col == col)
			return &t->cells[i];
	return NULL;
}

/* Counts the cells that show a value. */
static int
data_cells(const table_def *t)
{
	size_t i;
	int n = 0;

	for (i = 0; i < t->cell_count; i++)
		n += t->cells[i].value_row >= 0;
	return n;
}

/* Checks a label cell's span and exact bytes. */
static void
assert_label(const table_def *t, int row, int col, int rowspan, int colspan,
             const char *text)
{
	const table_cell *c = cell_at(t, row, col);

	assert_non_null(c);
	assert_int_equal(c->rowspan, rowspan);
	assert_int_equal(c->colspan, colspan);
	assert_non_null(c->text);
	assert_string_equal(c->text, text);
	assert_int_equal(c->value_row, -1);
}

/* Checks that the data cell at (row, col) shows [row_id, col_id]. */
static void
assert_binding(const table_def *t, int row, int col, const char *row_id,
               const char *col_id)
{
	const table_cell *c = cell_at(t, row, col);

	assert_non_null(c);
	assert_null(c->text);
	assert_true(c->value_row >= 0);
	assert_string_equal(t->value_rows[c->value_row].id, row_id);
	assert_string_equal(t->value_rows[c->value_row].columns[c->value_col], col_id);
}

static void
test_official_page_and_fonts(void **state)
{
	diag_capture run;
	const layout *l;

	diag_capture_begin(&run);
	l = load_official(&run);
	assert_string_equal(l->name, "gov-annual-2021");
	assert_true(fabs(l->page.width - 595.276) < 0.001);
	assert_true(fabs(l->page.margin_top - 104.882) < 0.001);
	assert_true(fabs(l->page.margin_left - 79.370) < 0.001);
	assert_true(fabs(l->page.text_width - 442.205) < 0.001);
	assert_true(fabs(l->page.text_height - 637.795) < 0.001);
	assert_true(fabs(l->page.line_pitch - 28.991) < 1e-9);
	assert_true(l->font_roles[layout_font_role_index(l, "title")].size == 22.0);
	assert_true(l->font_roles[layout_font_role_index(l, "body")].size == 16.0);
	assert_true(l->font_roles[layout_font_role_index(l, "table")].size == 10.5);
	assert_true(l->font_roles[layout_font_role_index(l, "page_number")].size == 14.0);
	assert_int_equal(layout_font_role_index(l, "nonexistent"), -1);
	assert_string_equal(l->page_number.format, "— {n} —");
	assert_true(fabs(l->page_number.below_text - 7 * 72 / 25.4) < 1e-9);
	assert_int_equal(l->page_number.odd_align, ALIGN_RIGHT);
	assert_int_equal(l->page_number.even_align, ALIGN_LEFT);
	assert_true(l->page_number.indent_em == 1.0);
	diag_capture_end(&run);
}

static void
test_official_styles(void **state)
{
	diag_capture run;
	const layout *l;

	diag_capture_begin(&run);
	l = load_official(&run);
	assert_int_equal(l->styles[STYLE_TITLE].font_role,
	                 layout_font_role_index(l, "title"));
	assert_int_equal(l->styles[STYLE_TITLE].align, ALIGN_CENTER);
	assert_true(l->styles[STYLE_TITLE].space_after == 1.0);
	assert_int_equal(l->styles[STYLE_HEADING1].font_role,
	                 layout_font_role_index(l, "heading"));
	assert_true(l->styles[STYLE_HEADING1].keep_with_next);
	assert_int_equal(l->styles[STYLE_HEADING2].font_role,
	                 layout_font_role_index(l, "subheading"));
	assert_int_equal(l->styles[STYLE_PARAGRAPH].align, ALIGN_JUSTIFY);
	assert_true(l->styles[STYLE_PARAGRAPH].first_indent_em == 2.0);
	assert_false(l->styles[STYLE_PARAGRAPH].keep_with_next);
	assert_int_equal(l->styles[STYLE_SIGNOFF].align, ALIGN_RIGHT);
	assert_true(l->styles[STYLE_SIGNOFF].right_indent_em == 2.0);
	assert_true(l->styles[STYLE_SIGNOFF].space_before == 1.0);
	diag_capture_end(&run);
}

static void
test_official_chapters(void **state)
{
	static const char *const headings[] = {
		"一、总体情况",
		"二、主动公开政府信息情况",
		"三、收到和处理政府信息公开申请情况",
		"四、政府信息公开行政复议、行政诉讼情况",
		"五、存在的主要问题及改进情况",
		"六、其他需要报告的事项",
	};
	static const char *const tables[] = { NULL, "表二", "表三", "表四", NULL, NULL };
	diag_capture run;
	const layout *l;
	size_t i;

	diag_capture_begin(&run);
	l = load_official(&run);
	assert_int_equal(l->chapter_count, 6);
	for (i = 0; i < 6; i++) {
		const chapter_def *c = &l->chapters[i];
		assert_string_equal(c->heading, headings[i]);
		/* the id is the heading without its number and 、 */
		assert_string_equal(c->id,
		                    strstr(headings[i], "、") + strlen("、"));
		if (tables[i] == NULL)
			assert_int_equal(c->table, -1);
		else
			assert_string_equal(l->tables[c->table].id, tables[i]);
	}
	assert_int_equal(l->chapters[4].alias_count, 2);
	assert_string_equal(l->chapters[4].aliases[0],
	                    "政府信息公开工作存在的主要问题及改进情况");
	assert_string_equal(l->chapters[4].aliases[1], "存在问题及改进情况");
	assert_string_equal(l->chapters[3].aliases[0],
	                    "因政府信息公开工作被申请行政复议、提起行政诉讼情况");
	diag_capture_end(&run);
}

static void
test_official_title_and_numbers(void **state)
{
	diag_capture run;
	const layout *l;

	diag_capture_begin(&run);
	l = load_official(&run);
	assert_int_equal(l->title_phrase_count, 4);
	assert_string_equal(l->title_phrases[0], "{agency}");
	assert_string_equal(l->title_phrases[1], "{year}年");
	assert_string_equal(l->title_phrases[2], "政府信息公开工作");
	assert_string_equal(l->title_phrases[3], "年度报告");
	assert_true(l->subheading_number_count >= 10);
	assert_string_equal(l->subheading_numbers[0], "（一）");
	assert_string_equal(l->subheading_numbers[4], "（五）");
	assert_string_equal(l->subheading_numbers[9], "（十）");
	diag_capture_end(&run);
}

static void
test_official_table2(void **state)
{
	diag_capture run;
	const layout *l;
	const table_def *t;

	diag_capture_begin(&run);
	l = load_official(&run);
	t = layout_find_table(l, "表二");
	assert_non_null(t);
	assert_int_equal(t->col_count, 4);
	assert_int_equal(t->row_count, 14);
	assert_int_equal(t->header_rows, 0);
	assert_int_equal(data_cells(t), 10);
	assert_true(t->font_role == layout_font_role_index(l, "table"));
	assert_label(t, 0, 0, 1, 4, "第二十条第（一）项");
	assert_label(t, 11, 0, 1, 4, "第二十条第（八）项");
	assert_label(t, 12, 1, 1, 3, "本年收费金额（单位：万元）");
	assert_label(t, 3, 0, 1, 1, "行政规范性文件");
	assert_binding(t, 2, 1, "规章", "本年制发件数");
	assert_binding(t, 3, 3, "行政规范性文件", "现行有效件数");
	assert_binding(t, 6, 1, "行政许可", "本年处理决定数量");
	assert_int_equal(cell_at(t, 6, 1)->colspan, 3);
	assert_binding(t, 13, 1, "行政事业性收费", "本年收费金额");
	assert_int_equal(t->value_rows[value_row_index(t, "行政事业性收费")].kind,
	                 VALUE_AMOUNT);
	assert_int_equal(t->value_rows[value_row_index(t, "规章")].kind, VALUE_COUNT);
	assert_true(t->columns[0].value > t->columns[1].value);
	diag_capture_end(&run);
}

static void
test_official_table3(void **state)
{
	static const char *const columns[] = {
		"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
		"其他", "总计",
	};
	diag_capture run;
	const layout *l;
	const table_def *t;
	const value_row *r;
	size_t k;

	diag_capture_begin(&run);
	l = load_official(&run);
	t = layout_find_table(l, "表三");
	assert_non_null(t);
	assert_int_equal(t->col_count, 10);
	assert_int_equal(t->row_count, 28);
	assert_int_equal(t->header_rows, 3);
	assert_int_equal(data_cells(t), 175);
	assert_int_equal(t->value_row_count, 25);
	assert_label(t, 0, 0, 3, 3,
	             "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）");
	assert_label(t, 0, 3, 1, 7, "申请人情况");
	assert_label(t, 1, 4, 1, 5, "法人或其他组织");
	assert_label(t, 1, 9, 2, 1, "总计");
	assert_label(t, 5, 0, 22, 1, "三、本年度办理结果");
	assert_label(t, 7, 1, 8, 1, "（三）不予公开");
	assert_label(t, 6, 1, 1, 2, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）");
	assert_label(t, 9, 2, 1, 1, "3.\xE5\x8D\xB1\xE5\x8F\x8A\xE2\x80\x9C"
	             "三安全一稳定\xE2\x80\x9D");
	assert_label(t, 23, 1, 3, 1, "（六）其他处理");
	assert_label(t, 24, 2, 1, 1,
	             "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请");
	assert_label(t, 27, 0, 1, 3, "四、结转下年度继续办理");
	assert_int_equal(value_row_index(t, "本年新收"), 0);
	assert_int_equal(value_row_index(t, "结转下年度继续办理"), 24);
	r = &t->value_rows[value_row_index(t, "危及三安全一稳定")];
	assert_int_equal(r->column_count, 7);
	for (k = 0; k < 7; k++)
		assert_string_equal(r->columns[k], columns[k]);
	assert_binding(t, 3, 3, "本年新收", "自然人");
	assert_binding(t, 26, 9, "总计", "总计");
	assert_binding(t, 25, 8, "其他", "其他");
	assert_binding(t, 27, 9, "结转下年度继续办理", "总计");
	assert_int_equal(t->columns[0].kind, COLUMN_FIXED);
	assert_true(t->columns[0].value < 2 * 10.5);
	assert_int_equal(t->columns[9].kind, COLUMN_SHARE);
	diag_capture_end(&run);
}

static void
test_official_table4(void **state)
{
	diag_capture run;
	const layout *l;
	const table_def *t;
	int c;

	diag_capture_begin(&run);
	l = load_official(&run);
	t = layout_find_table(l, "表四");
	assert_non_null(t);
	assert_int_equal(t->col_count, 15);
	assert_int_equal(t->row_count, 4);
	assert_int_equal(t->header_rows, 3);
	assert_int_equal(data_cells(t), 15);
	assert_label(t, 0, 5, 1, 10, "行政诉讼");
	assert_label(t, 1, 0, 2, 1, "结果维持");
	assert_label(t, 1, 10, 1, 5, "复议后起诉");
	for (c = 0; c < 15; c++) {
		assert_int_equal(t->columns[c].kind, COLUMN_SHARE);
		assert_true(t->columns[c].value == t->columns[0].value);
	}
	assert_binding(t, 3, 0, "行政复议", "结果维持");
	assert_binding(t, 3, 9, "未经复议直接起诉", "总计");
	assert_binding(t, 3, 13, "复议后起诉", "尚未审结");
	diag_capture_end(&run);
}

/* The sums of 表三 and 表四: every 总计 column, and （七）总计 over the 21
 * leaf rows of 三、本年度办理结果. */
static void
test_official_sums(void **state)
{
	static const char *const applicants[] = {
		"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
	};
	diag_capture run;
	const layout *l;
	const table_def *t3, *t4;
	size_t k;

	diag_capture_begin(&run);
	l = load_official(&run);
	assert_int_equal(layout_find_table(l, "表二")->sum_count, 0);
	t3 = layout_find_table(l, "表三");
	assert_int_equal(t3->sum_count, 2);
	assert_true(t3->sums[0].over_columns);
	assert_string_equal(t3->sums[0].target, "总计");
	assert_int_equal(t3->sums[0].term_count, 6);
	for (k = 0; k < 6; k++)
		assert_string_equal(t3->sums[0].terms[k], applicants[k]);
	assert_false(t3->sums[1].over_columns);
	assert_string_equal(t3->sums[1].target, "总计");
	assert_int_equal(t3->sums[1].term_count, 21);
	/* the leaf rows are exactly the value rows 予以公开 … 其他, in order */
	for (k = 0; k < 21; k++)
		assert_string_equal(t3->sums[1].terms[k], t3->value_rows[k + 2].id);
	assert_string_equal(t3->sums[1].terms[20], "其他");
	for (k = 0; k < t3->value_row_count; k++)
		assert_true(value_sum_applies_to_row(&t3->sums[0], &t3->value_rows[k]));
	assert_false(value_sum_applies_to_row(&t3->sums[1], &t3->value_rows[23]));
	t4 = layout_find_table(l, "表四");
	assert_int_equal(t4->sum_count, 1);
	assert_true(t4->sums[0].over_columns);
	assert_string_equal(t4->sums[0].target, "总计");
	assert_int_equal(t4->sums[0].term_count, 4);
	assert_string_equal(t4->sums[0].terms[3], "尚未审结");
	for (k = 0; k < 3; k++)
		assert_true(value_sum_applies_to_row(&t4->sums[0], &t4->value_rows[k]));
	assert_false(t3->landscape);
	assert_null(t3->caption);
	diag_capture_end(&run);
}

/* The 2021 layout's rules (spec §10): names, checked sums, equalities,
 * zero and text rules, outdated keys and the rule ids of the loader's
 * own checks. */
static void
test_official_rules(void **state)
{
	diag_capture run;
	const layout *l;
	const table_def *t2, *t3, *t4;

	diag_capture_begin(&run);
	l = load_official(&run);
	t2 = layout_find_table(l, "表二");
	t3 = layout_find_table(l, "表三");
	t4 = layout_find_table(l, "表四");
	assert_string_equal(l->chapter_rule, "F-2");
	assert_non_null(strstr(l->outdated_format, "国办公开办函〔2019〕60号"));
	assert_string_equal(value_row_name(&t3->value_rows[0]), "一");
	assert_string_equal(value_row_name(&t3->value_rows[23]), "（七）总计");
	assert_string_equal(value_row_name(&t3->value_rows[2]), "予以公开");
	assert_string_equal(t3->sums[0].rule, "T3-3");
	assert_string_equal(t3->sums[1].rule, "T3-2");
	assert_int_equal(t3->sums[1].level, DIAG_ERROR);
	assert_string_equal(t4->sums[0].rule, "T4-1");
	assert_string_equal(t2->value_rule, "T2-1");
	assert_string_equal(t3->value_rule, "T3-5");
	assert_string_equal(t4->value_rule, "T4-2");
	assert_string_equal(t3->structure_rule, "F-1");
	/* T3-1 and T3-4 */
	assert_int_equal(t3->rules[0].kind, RULE_EQUAL);
	assert_string_equal(t3->rules[0].id, "T3-1");
	assert_false(t3->rules[0].per_row);
	assert_int_equal(t3->rules[0].left_count, 2);
	assert_string_equal(t3->rules[0].right[1].id, "结转下年度继续办理");
	assert_true(t3->rules[1].right[0].previous);
	assert_string_equal(t3->rules[1].right[0].id, "结转下年度继续办理");
	/* T2-2, T2-3 and the fee */
	assert_int_equal(t2->rules[0].level, DIAG_WARNING);
	assert_true(t2->rules[0].per_row);
	assert_int_equal(t2->rules[0].only_count, 2);
	assert_true(t2->rules[0].right[2].negative);
	assert_false(t2->rules[0].right[2].previous);
	assert_int_equal(t2->rules[1].kind, RULE_ZERO);
	assert_string_equal(t2->rules[1].zero_rows[0], "规章");
	assert_string_equal(t2->rules[1].agency_suffixes[0], "街道办事处");
	assert_int_equal(t2->rules[2].kind, RULE_TEXT);
	assert_int_equal(t2->rules[2].group, 1);
	/* compiled once, with the text every match holds */
	assert_non_null(t2->rules[2].compiled);
	assert_string_equal(t2->rules[2].literal, "行政事业性收费");
	assert_non_null(t3->rules[2].compiled);
	assert_string_equal(t3->rules[2].literal, "申请");
	/* T-1 on 表三: the zero phrase states 0 */
	assert_int_equal(t3->rules[2].group, 3);
	assert_int_equal(t3->rules[3].group, 0);
	assert_string_equal(t3->rules[3].value, "0");
	assert_int_equal(t4->rules[2].cell_count, 2);
	/* F-1: the 2019 keys */
	assert_non_null(layout_outdated_key(t2, "规范性文件"));
	assert_non_null(layout_outdated_key(t3, "其他处理"));
	assert_null(layout_outdated_key(t3, "其他"));
	diag_capture_end(&run);
}

/* The note style is the layout's own; caption, absent, is derived from
 * the paragraph style. */
static void
test_official_note_and_caption_styles(void **state)
{
	diag_capture run;
	const layout *l;
	const block_style *note, *caption;

	diag_capture_begin(&run);
	l = load_official(&run);
	note = &l->styles[STYLE_NOTE];
	caption = &l->styles[STYLE_CAPTION];
	assert_int_equal(note->font_role, layout_font_role_index(l, "body"));
	assert_int_equal(note->align, ALIGN_LEFT);
	assert_true(note->first_indent_em == 2.0);
	assert_false(note->keep_with_next);
	assert_int_equal(caption->font_role, layout_font_role_index(l, "body"));
	assert_int_equal(caption->align, ALIGN_CENTER);
	assert_true(caption->first_indent_em == 0);
	assert_true(caption->keep_with_next);
	assert_true(caption->line_pitch == l->page.line_pitch);
	diag_capture_end(&run);
}

/* Every grid position of every official table is covered exactly once. */
static void
test_official_grids_tile(void **state)
{
	diag_capture run;
	const layout *l;
	size_t i, k;

	diag_capture_begin(&run);
	l = load_official(&run);
	assert_int_equal(l->table_count, 3);
	for (i = 0; i < l->table_count; i++) {
		const table_def *t = &l->tables[i];
		int area = 0;
		for (k = 0; k < t->cell_count; k++)
			area += t->cells[k].rowspan * t->cells[k].colspan;
		assert_int_equal(area, t->row_count * t->col_count);
	}
	diag_capture_end(&run);
}

/* ------------------------------------------------------------------ */
/* Loading by name                                                      */
/* ------------------------------------------------------------------ */

static void
test_load_named(void **state)
{
	diag_capture run;
	source_pos where = { "d.yaml", 1, 9 };
	const layout *l;
	char base[4096];

	diag_capture_begin(&run);
	l = layout_load_named(run.a, "gov-annual-2021", test_data_dir(), NULL,
	                      where, &run.diag);
	assert_non_null(l);
	assert_string_equal(l->name, "gov-annual-2021");
	snprintf(base, sizeof(base), "%s/layouts", test_data_dir());
	l = layout_load_named(run.a, "gov-annual-2021.yaml", test_data_dir(), base,
	                      where, &run.diag);
	assert_non_null(l);
	assert_string_equal(diag_capture_text(&run), "");
	assert_null(layout_load_named(run.a, "gov-anual-2021", test_data_dir(), NULL,
	                              where, &run.diag));
	assert_null(layout_load_named(run.a, "zzz", test_data_dir(), NULL, where,
	                              &run.diag));
	assert_null(layout_load_named(run.a, "sub/none.yaml", test_data_dir(), "/nonexistent",
	                              where, &run.diag));
	assert_string_equal(diag_capture_text(&run),
	                    "d.yaml:1:9: error: unknown layout 'gov-anual-2021' (did you mean "
	                    "'gov-annual-2021'?); available layouts: district-overview, gov-annual-2021, gov-annual-2021-a3\n"
	                    "d.yaml:1:9: error: unknown layout 'zzz'; available layouts: "
	                    "district-overview, gov-annual-2021, gov-annual-2021-a3\n"
	                    "d.yaml:1:9: error: cannot open layout '/nonexistent/sub/none.yaml': "
	                    "No such file or directory\n");
	diag_capture_end(&run);
}

/* ------------------------------------------------------------------ */
/* Small layouts                                                        */
/* ------------------------------------------------------------------ */

/* A minimal valid layout; the table's cells begin on line 23. */
static const char mini[] =
	"name: mini\n"
	"page: {width: 210mm, height: 297mm, margin_top: 37mm, margin_left: 28mm, "
	"text_width: 156mm, text_height: 225mm, line_pitch: 28.991pt}\n"
	"fonts: {title: 22pt, body: 16pt, table: 10.5pt}\n"
	"styles:\n"
	"  title: {font: title, align: center}\n"
	"  heading1: {font: body}\n"
	"  heading2: {font: body}\n"
	"  paragraph: {font: body, align: justify, first_indent: 2em}\n"
	"  signoff: {font: body, align: right, right_indent: 8mm}\n"
	"page_number: {font: body, format: \"— {n} —\", below_text: 7mm, odd: right, "
	"even: left, indent: 1em}\n"
	"title: [\"{agency}\", \"{year}年\"]\n"
	"subheading_numbers: [（一）, （二）]\n"
	"chapters:\n"
	"  - {id: 总体情况, heading: 一、总体情况, table: 表甲}\n"
	"tables:\n"
	"  表甲:\n"
	"    font: table\n"
	"    columns: [fit, 1fr]\n"
	"    values:\n"
	"      rows:\n"
	"        - {id: 甲, columns: [数]}\n"
	"    cells:\n"
	"      - {at: [0, 0], text: 项目}\n"
	"      - {at: [0, 1], value: [甲, 数]}\n";

/* mini with its first occurrence of from replaced by to. */
static char *
variant(arena *a, const char *from, const char *to)
{
	const char *hit = strstr(mini, from);

	assert_non_null(hit);
	return arena_printf(a, "%.*s%s%s", (int)(hit - mini), mini, to,
	                    hit + strlen(from));
}

/* Loads text as "t.yaml" and checks the exact messages; a NULL expected
 * means the load must succeed silently. */
static void
expect_layout(const char *from, const char *to, const char *expected)
{
	diag_capture run;
	const layout *l;

	diag_capture_begin(&run);
	l = layout_load_buffer(run.a, "t.yaml", variant(run.a, from, to),
	                       strlen(variant(run.a, from, to)), &run.diag);
	assert_string_equal(diag_capture_text(&run), expected ? expected : "");
	if (expected == NULL)
		assert_non_null(l);
	else
		assert_null(l);
	diag_capture_end(&run);
}

static void
test_mini_loads(void **state)
{
	diag_capture run;
	const layout *l;
	const table_def *t;

	diag_capture_begin(&run);
	l = layout_load_buffer(run.a, "t.yaml", mini, strlen(mini), &run.diag);
	assert_non_null(l);
	assert_string_equal(diag_capture_text(&run), "");
	t = &l->tables[0];
	assert_int_equal(t->row_count, 1);
	assert_int_equal(t->col_count, 2);
	assert_int_equal(t->columns[0].kind, COLUMN_FIT);
	assert_true(t->padding == 2.0);
	assert_int_equal(l->chapters[0].table, 0);
	/* 8mm at 16pt is 22.677pt / 16 = 1.417em */
	assert_true(fabs(l->styles[STYLE_SIGNOFF].right_indent_em -
	                 8 * 72 / 25.4 / 16) < 1e-9);
	assert_int_equal(l->styles[STYLE_HEADING1].align, ALIGN_LEFT);
	assert_true(l->styles[STYLE_HEADING1].line_pitch == 28.991);
	diag_capture_end(&run);
}

/* Without note and caption styles, both follow the paragraph style:
 * the note ragged right, the caption centred, unindented and kept with
 * its table. */
static void
test_mini_default_styles(void **state)
{
	diag_capture run;
	const layout *l;
	const block_style *paragraph, *note, *caption;

	diag_capture_begin(&run);
	l = layout_load_buffer(run.a, "t.yaml", mini, strlen(mini), &run.diag);
	assert_non_null(l);
	paragraph = &l->styles[STYLE_PARAGRAPH];
	note = &l->styles[STYLE_NOTE];
	caption = &l->styles[STYLE_CAPTION];
	assert_int_equal(note->font_role, paragraph->font_role);
	assert_int_equal(note->align, ALIGN_LEFT);
	assert_true(note->first_indent_em == 2.0);
	assert_false(note->keep_with_next);
	assert_int_equal(caption->font_role, paragraph->font_role);
	assert_int_equal(caption->align, ALIGN_CENTER);
	assert_true(caption->first_indent_em == 0);
	assert_true(caption->keep_with_next);
	diag_capture_end(&run);
}

/* A note or caption style the layout gives is read like any other. */
static void
test_mini_given_note_style(void **state)
{
	diag_capture run;
	const char *text;
	const layout *l;

	diag_capture_begin(&run);
	text = variant(run.a, "  signoff:",
	               "  note: {font: table, align: justify, left_indent: 1em}\n"
	               "  caption: {font: title, space_after: 0.5}\n"
	               "  signoff:");
	l = layout_load_buffer(run.a, "t.yaml", text, strlen(text), &run.diag);
	assert_string_equal(diag_capture_text(&run), "");
	assert_non_null(l);
	assert_int_equal(l->styles[STYLE_NOTE].font_role,
	                 layout_font_role_index(l, "table"));
	assert_int_equal(l->styles[STYLE_NOTE].align, ALIGN_JUSTIFY);
	assert_true(l->styles[STYLE_NOTE].left_indent_em == 1.0);
	assert_int_equal(l->styles[STYLE_CAPTION].align, ALIGN_LEFT);
	assert_false(l->styles[STYLE_CAPTION].keep_with_next);
	assert_true(l->styles[STYLE_CAPTION].space_after == 0.5);
	diag_capture_end(&run);
}

/* text with the first occurrence of from replaced by to. */
static const char *
replace_in(arena *a, const char *text, const char *from, const char *to)
{
	const char *hit = strstr(text, from);

	assert_non_null(hit);
	return arena_printf(a, "%.*s%s%s", (int)(hit - text), text, to,
	                    hit + strlen(from));
}

/* mini's table replaced by one with three value columns and four rows;
 * its sums begin on line 22. */
static const char *
sum_mini(arena *a, const char *from, const char *to)
{
	const char *text = variant(a,
		"    columns: [fit, 1fr]\n",
		"    columns: [fit, 1fr, 1fr, 1fr]\n"
		"    values:\n"
		"      columns: [收, 支, 合计]\n"
		"      rows: [甲, 乙, 总额, {id: 金额, columns: [收, 支, 合计], type: amount}]\n"
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
		"      - {at: [3, 0], text: 金额}\n"
		"      - {at: [3, 1], value: [金额, 收]}\n"
		"      - {at: [3, 2], value: [金额, 支]}\n"
		"      - {at: [3, 3], value: [金额, 合计]}\n"
		"  其余:\n");

	/* drop mini's own table, now under the unused key 其余 */
	text = arena_strndup(a, text, (size_t)(strstr(text, "  其余:\n") - text));
	return replace_in(a, text, from, to);
}

/* Loads sum_mini with one edit and checks the exact messages (none:
 * the load must succeed). */
static void
expect_sums(const char *from, const char *to, const char *expected)
{
	diag_capture run;
	const char *text;
	const layout *l;

	diag_capture_begin(&run);
	text = sum_mini(run.a, from, to);
	l = layout_load_buffer(run.a, "t.yaml", text, strlen(text), &run.diag);
	assert_string_equal(diag_capture_text(&run), expected ? expected : "");
	if (expected == NULL)
		assert_non_null(l);
	else
		assert_null(l);
	diag_capture_end(&run);
}

static void
test_sums_parsed(void **state)
{
	diag_capture run;
	const char *text;
	const layout *l;
	const table_def *t;

	diag_capture_begin(&run);
	text = sum_mini(run.a, "    font: table\n",
	                "    font: table\n    caption: 表甲 收支情况\n"
	                "    orientation: landscape\n");
	l = layout_load_buffer(run.a, "t.yaml", text, strlen(text), &run.diag);
	assert_string_equal(diag_capture_text(&run), "");
	assert_non_null(l);
	t = &l->tables[0];
	assert_int_equal(t->sum_count, 2);
	assert_true(t->sums[0].over_columns);
	assert_string_equal(t->sums[0].target, "合计");
	assert_int_equal(t->sums[0].term_count, 2);
	assert_string_equal(t->sums[0].terms[1], "支");
	assert_int_equal(t->sums[0].pos.line, 25);
	assert_false(t->sums[1].over_columns);
	assert_string_equal(t->sums[1].target, "总额");
	assert_string_equal(t->sums[1].terms[0], "甲");
	assert_string_equal(t->caption, "表甲 收支情况");
	assert_true(t->landscape);
	diag_capture_end(&run);
	expect_sums("    font: table\n", "    font: table\n    orientation: portrait\n",
	            NULL);
}

static void
test_sums_bad_ids(void **state)
{
	expect_sums("of: [收, 支]", "of: [收, 之]",
	            "t.yaml:23:30: error: 表甲: sums[0]: undeclared column '之'\n");
	expect_sums("{column: 合计,", "{column: 总计,",
	            "t.yaml:23:18: error: 表甲: sums[0]: undeclared column '总计' "
	            "(did you mean '合计'?)\n");
	expect_sums("{row: 总额, of: [甲, 乙]}", "{row: 总额, of: [甲, 丙]}",
	            "t.yaml:24:27: error: 表甲: sums[1]: undeclared value row '丙'\n");
	expect_sums("{row: 总额,", "{row: 总数,",
	            "t.yaml:24:15: error: 表甲: sums[1]: undeclared value row '总数' "
	            "(did you mean '总额'?)\n");
}

static void
test_sums_bad_shapes(void **state)
{
	expect_sums("of: [收, 支]", "of: [收, 合计]",
	            "t.yaml:23:30: error: 表甲: sums[0]: the target column '合计' "
	            "is also one of its terms\n");
	expect_sums("of: [甲, 乙]", "of: [甲, 甲]",
	            "t.yaml:24:27: error: 表甲: sums[1]: term '甲' is listed twice\n");
	expect_sums("{row: 总额, of", "{row: 总额, column: 合计, of",
	            "t.yaml:24:9: error: 表甲: sums[1] needs either column or row, "
	            "not both\n");
	expect_sums("{row: 总额, of: [甲, 乙]}", "{of: [甲, 乙]}",
	            "t.yaml:24:9: error: 表甲: sums[1] needs either column or row\n");
	expect_sums("{row: 总额, of: [甲, 乙]}", "{row: 总额, off: [甲, 乙]}",
	            "t.yaml:24:19: error: unknown key 'off' in tables.表甲.sums[1] "
	            "(did you mean 'of'?)\n"
	            "t.yaml:24:9: error: tables.表甲.sums[1]: missing required key 'of'\n");
	expect_sums("{row: 总额, of: [甲, 乙]}", "{row: 总额, of: []}",
	            "t.yaml:24:23: error: tables.表甲.sums[1].of must not be empty\n");
	expect_sums("{row: 总额, of: [甲, 乙]}", "{row: 总额, of: [甲, 金额]}",
	            "t.yaml:24:9: error: 表甲: sums[1]: term row '金额' holds amounts "
	            "but the target row '总额' holds counts\n");
	expect_sums("{row: 总额, of: [甲, 乙]}", "{column: 合计, of: [支, 收]}",
	            "t.yaml:24:9: error: 表甲: sums[1]: column '合计' is already the "
	            "target of sums[0] (line 23)\n");
}

/* A column sum no row can compute (none has the target and all its
 * terms) is an error rather than a sum that silently never applies. */
static void
test_sums_unusable(void **state)
{
	diag_capture run;
	const char *text;

	diag_capture_begin(&run);
	text = sum_mini(run.a, "{id: 金额, columns: [收, 支, 合计]",
	                "{id: 金额, columns: [收, 支, 笔数]");
	text = replace_in(run.a, text, "value: [金额, 合计]", "value: [金额, 笔数]");
	text = replace_in(run.a, text, "{row: 总额, of: [甲, 乙]}",
	                  "{column: 笔数, of: [合计]}");
	assert_null(layout_load_buffer(run.a, "t.yaml", text, strlen(text), &run.diag));
	assert_string_equal(diag_capture_text(&run),
	                    "t.yaml:24:9: error: 表甲: sums[1]: no value row has column "
	                    "'笔数' and all its terms\n");
	diag_capture_end(&run);
}

/* sum_mini with rules after its sums: the first rule on line 26. */
static const char *
rule_mini(arena *a, const char *rules)
{
	return sum_mini(a, "      - {row: 总额, of: [甲, 乙]}\n",
	                arena_printf(a, "      - {row: 总额, of: [甲, 乙]}\n"
	                             "    rules:\n%s", rules));
}

/* Loads rule_mini and checks the exact messages (none: it loads). */
static void
expect_rules(const char *rules, const char *expected)
{
	diag_capture run;
	const char *text;
	const layout *l;

	diag_capture_begin(&run);
	text = rule_mini(run.a, rules);
	l = layout_load_buffer(run.a, "t.yaml", text, strlen(text), &run.diag);
	assert_string_equal(diag_capture_text(&run), expected ? expected : "");
	if (expected == NULL)
		assert_non_null(l);
	else
		assert_null(l);
	diag_capture_end(&run);
}

/* The three rule shapes, sum ids and levels, names and outdated keys as
 * loaded. */
static void
test_rules_parsed(void **state)
{
	diag_capture run;
	const char *text;
	const layout *l;
	const table_def *t;

	diag_capture_begin(&run);
	text = rule_mini(run.a,
		"      - {id: R-1, level: warning, for_each: column, left: [甲, 乙], right: [总额]}\n"
		"      - {for_each: row, rows: [甲], left: [合计], right: [previous.合计, 收, -支], why: 因为}\n"
		"      - {id: Z, zero: [甲], when_agency_ends_with: [街道办事处, 镇人民政府]}\n"
		"      - {pattern: \"收入([0-9]+)元\", cell: [甲, 收]}\n"
		"      - {pattern: \"无(收入)\", value: 0, cells: [[甲, 收], [乙, 收]]}\n"
		"    outdated: {旧行: 新行}\n"
		"    value_rule: V-1\n"
		"    structure_rule: S-1\n");
	text = replace_in(run.a, text, "{column: 合计, of: [收, 支]}",
	                  "{id: S-2, level: warning, column: 合计, of: [收, 支]}");
	text = replace_in(run.a, text, "rows: [甲,", "rows: [{id: 甲, name: 一},");
	l = layout_load_buffer(run.a, "t.yaml", text, strlen(text), &run.diag);
	assert_string_equal(diag_capture_text(&run), "");
	assert_non_null(l);
	t = &l->tables[0];
	assert_string_equal(t->sums[0].rule, "S-2");
	assert_int_equal(t->sums[0].level, DIAG_WARNING);
	assert_null(t->sums[1].rule);
	assert_int_equal(t->sums[1].level, DIAG_ERROR);
	assert_string_equal(value_row_name(&t->value_rows[0]), "一");
	assert_string_equal(value_row_name(&t->value_rows[1]), "乙");
	assert_int_equal(t->value_rows[0].column_count, 3);
	assert_int_equal(t->rule_count, 5);
	assert_int_equal(t->rules[0].level, DIAG_WARNING);
	assert_int_equal(t->rules[0].pos.line, 26);
	assert_int_equal(t->rules[1].level, DIAG_ERROR);
	assert_null(t->rules[1].id);
	assert_string_equal(t->rules[1].why, "因为");
	assert_true(t->rules[1].right[0].previous);
	assert_string_equal(t->rules[1].right[0].id, "合计");
	assert_true(t->rules[1].right[2].negative);
	assert_string_equal(t->rules[1].right[2].id, "支");
	assert_true(table_rule_applies_to_row(&t->rules[1], &t->value_rows[3]));
	assert_int_equal(t->rules[2].agency_suffix_count, 2);
	assert_int_equal(t->rules[3].group, 1);
	assert_int_equal(t->rules[3].cell_count, 1);
	assert_string_equal(t->rules[4].value, "0");
	assert_int_equal(t->rules[4].cell_count, 2);
	assert_string_equal(t->rules[4].cells[1].row, "乙");
	assert_string_equal(layout_outdated_key(t, "旧行"), "新行");
	assert_string_equal(t->value_rule, "V-1");
	assert_string_equal(t->structure_rule, "S-1");
	diag_capture_end(&run);
}

/* Rules that name what the table does not have, or have the wrong
 * shape, are reported where they go wrong. */
static void
test_rules_errors(void **state)
{
	expect_rules("      - {level: fatal, for_each: column, left: [甲], "
	             "right: [乙]}\n",
	             "t.yaml:26:17: error: tables.表甲.rules[0].level must be "
	             "error or warning, not 'fatal'\n");
	expect_rules("      - {for_each: cell, left: [甲], right: [乙]}\n",
	             "t.yaml:26:20: error: tables.表甲.rules[0].for_each must "
	             "be row or column, not 'cell'\n");
	expect_rules("      - {for_each: column, left: [甲, 丙], right: "
	             "[previous.总数]}\n",
	             "t.yaml:26:38: error: 表甲: rules[0]: undeclared value "
	             "row '丙'\n"
	             "t.yaml:26:50: error: 表甲: rules[0]: undeclared value "
	             "row '总数' (did you mean '总额'?)\n");
	expect_rules("      - {for_each: row, left: [收], right: [笔数]}\n",
	             "t.yaml:26:44: error: 表甲: rules[0]: undeclared column "
	             "'笔数'\n");
	expect_rules("      - {for_each: row, columns: [收], left: [收], "
	             "right: [支]}\n",
	             "t.yaml:26:25: error: 表甲: rules[0]: a rule for each row "
	             "lists rows:, not columns:\n");
	expect_rules("      - {for_each: column, left: [], right: [甲]}\n",
	             "t.yaml:26:34: error: tables.表甲.rules[0].left must not "
	             "be empty\n");
	expect_rules("      - {for_each: column, left: [甲], right: [乙], "
	             "zeros: 1}\n",
	             "t.yaml:26:51: error: unknown key 'zeros' in "
	             "tables.表甲.rules[0]\n");
	expect_rules("      - {zero: [丁]}\n",
	             "t.yaml:26:9: error: tables.表甲.rules[0]: missing "
	             "required key 'when_agency_ends_with'\n"
	             "t.yaml:26:17: error: 表甲: rules[0]: undeclared value "
	             "row '丁'\n");
	expect_rules("      - {pattern: \"收入([0-9]+元\", cell: [甲, 收]}\n",
	             "t.yaml:26:19: error: 表甲: rules[0]: pattern: Unmatched "
	             "( or \\(\n");
	expect_rules("      - {pattern: \"收入([0-9]+)元\", group: 2, cell: "
	             "[甲, 收]}\n",
	             "t.yaml:26:41: error: 表甲: rules[0]: the pattern has 1 "
	             "capture group, not 2\n");
	expect_rules("      - {pattern: 无收入, value: 一, cell: [甲, 收]}\n",
	             "t.yaml:26:31: error: tables.表甲.rules[0].value must be "
	             "a number ≥ 0, not '一'\n");
	expect_rules("      - {pattern: 无收入, value: 0, group: 1, cell: [甲, "
	             "收]}\n",
	             "t.yaml:26:9: error: 表甲: rules[0] needs group or value, "
	             "not both\n");
	expect_rules("      - {pattern: 无收入, value: 0}\n",
	             "t.yaml:26:9: error: 表甲: rules[0] needs either cell or "
	             "cells\n");
	expect_rules("      - {pattern: 无收入, value: 0, cell: [甲, 笔数]}\n",
	             "t.yaml:26:44: error: 表甲: rules[0]: value row '甲' has "
	             "no column '笔数'\n");
	expect_rules("      - {pattern: 无收入, value: 0, cells: [[甲, 收], "
	             "[丁, 收]]}\n",
	             "t.yaml:26:51: error: 表甲: rules[0]: undeclared value "
	             "row '丁'\n");
}

static void
test_orientation_and_caption_errors(void **state)
{
	expect_sums("    font: table\n", "    font: table\n    orientation: sideways\n",
	            "t.yaml:18:18: error: tables.表甲.orientation must be portrait "
	            "or landscape, not 'sideways'\n");
	expect_sums("    font: table\n", "    font: table\n    caption: [a]\n",
	            "t.yaml:18:14: error: tables.表甲.caption must be a scalar, not "
	            "a sequence\n");
}

static void
test_overlap(void **state)
{
	expect_layout("{at: [0, 0], text: 项目}", "{at: [0, 0], span: [1, 2], text: 项目}",
	              "t.yaml:24:9: error: 表甲: cell at [0, 1] overlaps the cell at "
	              "[0, 0] (line 23) at row 0, column 1\n");
}

static void
test_uncovered(void **state)
{
	expect_layout("{at: [0, 1], value", "{at: [1, 1], value",
	              "t.yaml:23:7: error: 表甲: grid position row 0, column 1 is not "
	              "covered by any cell\n"
	              "t.yaml:23:7: error: 表甲: grid position row 1, column 0 is not "
	              "covered by any cell\n");
}

static void
test_span_outside_grid(void **state)
{
	expect_layout("{at: [0, 1], value", "{at: [0, 1], span: [1, 2], value",
	              "t.yaml:24:9: error: 表甲: cell at [0, 1] with span [1, 2] reaches "
	              "past the last of the 2 columns\n"
	              "t.yaml:23:7: error: 表甲: grid position row 0, column 1 is not "
	              "covered by any cell\n");
}

static void
test_unbound_value(void **state)
{
	expect_layout("- {id: 甲, columns: [数]}", "- {id: 甲, columns: [数, 额]}",
	              "t.yaml:21:11: error: 表甲: value [甲, 额] is declared but no "
	              "cell shows it\n");
}

static void
test_undeclared_value_row(void **state)
{
	expect_layout("value: [甲, 数]", "value: [乙, 数]",
	              "t.yaml:24:30: error: 表甲: cell at [0, 1]: undeclared value "
	              "row '乙'\n"
	              "t.yaml:21:11: error: 表甲: value [甲, 数] is declared but no "
	              "cell shows it\n");
}

static void
test_undeclared_value_column(void **state)
{
	expect_layout("value: [甲, 数]", "value: [甲, 额]",
	              "t.yaml:24:33: error: 表甲: cell at [0, 1]: value row '甲' has "
	              "no column '额'\n"
	              "t.yaml:21:11: error: 表甲: value [甲, 数] is declared but no "
	              "cell shows it\n");
}

static void
test_value_bound_twice(void **state)
{
	expect_layout("{at: [0, 0], text: 项目}", "{at: [0, 0], value: [甲, 数]}",
	              "t.yaml:24:9: error: 表甲: cell at [0, 1]: value [甲, 数] is "
	              "already shown by the cell at [0, 0] (line 23)\n");
}

static void
test_text_and_value(void **state)
{
	expect_layout("{at: [0, 1], value: [甲, 数]}",
	              "{at: [0, 1], text: x, value: [甲, 数]}",
	              "t.yaml:24:9: error: 表甲: cell at [0, 1] needs either text or "
	              "value, not both\n"
	              "t.yaml:21:11: error: 表甲: value [甲, 数] is declared but no "
	              "cell shows it\n");
}

static void
test_unknown_font_role(void **state)
{
	expect_layout("heading1: {font: body}", "heading1: {font: bdy}",
	              "t.yaml:6:20: error: styles.heading1.font: undeclared font role "
	              "'bdy' (did you mean 'body'?)\n");
	expect_layout("    font: table\n", "    font: serif\n",
	              "t.yaml:17:11: error: tables.表甲.font: undeclared font role 'serif'\n");
}

static void
test_unknown_key(void **state)
{
	expect_layout("title: {font: title, align: center}",
	              "title: {font: title, algin: center}",
	              "t.yaml:5:24: error: unknown key 'algin' in styles.title "
	              "(did you mean 'align'?)\n");
	expect_layout("name: mini", "nmae: mini",
	              "t.yaml:1:1: error: unknown key 'nmae' in layout (did you mean "
	              "'name'?)\n"
	              "t.yaml:1:1: error: layout: missing required key 'name'\n");
	expect_layout("{at: [0, 0], text", "{at: [0, 0], colour: red, text",
	              "t.yaml:23:22: error: unknown key 'colour' in tables.表甲.cells[0]\n");
}

static void
test_missing_style(void **state)
{
	expect_layout("  signoff: {font: body, align: right, right_indent: 8mm}",
	              "  # no signoff",
	              "t.yaml:5:3: error: styles: missing required key 'signoff'\n");
	expect_layout("  heading2:", "  heading3:",
	              "t.yaml:7:3: error: unknown key 'heading3' in styles (did you "
	              "mean 'heading1'?)\n"
	              "t.yaml:5:3: error: styles: missing required key 'heading2'\n");
}

static void
test_bad_values(void **state)
{
	expect_layout("align: justify", "align: justified",
	              "t.yaml:8:34: error: styles.paragraph.align must be one of left, "
	              "center, right, justify, not 'justified'\n");
	expect_layout("first_indent: 2em", "first_indent: 2ex",
	              "t.yaml:8:57: error: styles.paragraph.first_indent must be in em "
	              "(2em) or a length (5mm), not '2ex'\n");
	expect_layout("format: \"— {n} —\"", "format: \"第 页\"",
	              "t.yaml:10:35: error: page_number.format must contain {n} exactly "
	              "once, not '第 页'\n");
	expect_layout("columns: [fit, 1fr]", "columns: [fit, wide]",
	              "t.yaml:18:20: error: tables.表甲.columns[1] must be fit, a length "
	              "(20mm) or a share (1fr), not 'wide'\n");
	expect_layout("\"{year}年\"", "\"{yaer}年\"",
	              "t.yaml:11:21: error: title[1]: unknown placeholder '{yaer}' (use "
	              "{agency} or {year})\n");
}

static void
test_header_rows(void **state)
{
	expect_layout("    font: table\n", "    font: table\n    header_rows: 2\n",
	              "t.yaml:18:18: error: 表甲: header_rows is 2 but the table has "
	              "only 1 rows\n");
}

static void
test_chapters(void **state)
{
	expect_layout("table: 表甲}", "table: 表乙}",
	              "t.yaml:14:40: error: chapters[0].table: undefined table '表乙' "
	              "(did you mean '表甲'?)\n");
	expect_layout("  - {id: 总体情况, heading: 一、总体情况, table: 表甲}\n",
	              "  - {id: 总体情况, heading: 一、总体情况, table: 表甲}\n"
	              "  - {id: 情况, heading: 二、情况, aliases: [总体情况]}\n",
	              "t.yaml:15:39: error: chapter name '总体情况' is already used by "
	              "chapter '总体情况' (line 14)\n");
}

/* The literal every match of a pattern contains: never a part a match
 * can do without (a group, a bracket, a quantified character, a side
 * of a top-level alternation), checked against real matches too. */
static void
test_pattern_literal(void **state)
{
	static const struct {
		const char *pattern, *literal, *matching;
	} cases[] = {
		{ "(收到|新收)(政府信息公开)?申请([0-9]+)件", "申请", "新收申请3件" },
		{ "行政事业性收费[^0-9]*([0-9]+(\\.[0-9]+)?)万元", "行政事业性收费",
		  "行政事业性收费共1.5万元" },
		{ "未收到(任何)?(政府信息公开)?申请", "未收到", "未收到任何申请" },
		{ "(未发生|未被|没有|无)[^0-9]*行政复议", "行政复议", "无行政复议" },
		{ "收到申请件?数", "收到申请", "收到申请件数" },
		{ "ab*cd", "cd", "acd" },
		{ "ab+c", "a", "abbc" },
		{ "x{2}yz", "yz", "xxyz" },
		{ "x{1,3}", NULL, "xx" },
		{ "[]|申]请求", "请求", "]请求" },
		{ "[[:digit:]|]+件数", "件数", "|件数" },
		{ "\\(申请\\)", "申请", "(申请)" },
		{ "办结(a|b)件", "办结", "办结a件" },
		{ "收到|申请", NULL, "申请" },
		{ "^$", NULL, "" },
		{ "a{b|c", NULL, "c" },
		{ "", NULL, "" },
	};
	arena *a = arena_create();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *literal = layout_pattern_literal(a, cases[i].pattern);
		regex_t re;
		regmatch_t m;

		if (cases[i].literal == NULL)
			assert_null(literal);
		else
			assert_string_equal(literal, cases[i].literal);
		if (regcomp(&re, cases[i].pattern, REG_EXTENDED) != 0)
			continue;               /* only the literal is asked of it */
		assert_int_equal(regexec(&re, cases[i].matching, 1, &m, 0), 0);
		if (literal != NULL)
			assert_non_null(memmem(cases[i].matching + m.rm_so,
			                       (size_t)(m.rm_eo - m.rm_so), literal,
			                       strlen(literal)));
		regfree(&re);
	}
	arena_destroy(a);
}

/* ------------------------------------------------------------------ */
/* Layouts from cached trees                                            */
/* ------------------------------------------------------------------ */

/* Both NULL, or the same text. */
static void
assert_same_string(const char *want, const char *got)
{
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void
assert_same_strings(const char *const *want, const char *const *got,
                    size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		assert_same_string(want[i], got[i]);
}

static void
assert_same_pos(source_pos want, source_pos got)
{
	assert_same_string(want.file, got.file);
	assert_int_equal(got.line, want.line);
	assert_int_equal(got.column, want.column);
}

static void
assert_same_cells(const table_cell *want, const table_cell *got, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		assert_int_equal(got[i].row, want[i].row);
		assert_int_equal(got[i].col, want[i].col);
		assert_int_equal(got[i].rowspan, want[i].rowspan);
		assert_int_equal(got[i].colspan, want[i].colspan);
		assert_same_string(want[i].text, got[i].text);
		assert_int_equal(got[i].value_row, want[i].value_row);
		assert_int_equal(got[i].value_col, want[i].value_col);
		assert_int_equal(got[i].text_field, want[i].text_field);
		assert_int_equal(got[i].align, want[i].align);
		assert_same_pos(want[i].pos, got[i].pos);
	}
}

static void
assert_same_value_rows(const value_row *want, const value_row *got,
                       size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		assert_same_string(want[i].id, got[i].id);
		assert_same_string(want[i].name, got[i].name);
		assert_int_equal(got[i].column_count, want[i].column_count);
		assert_same_strings(want[i].columns, got[i].columns,
		                    want[i].column_count);
		assert_int_equal(got[i].kind, want[i].kind);
		assert_same_pos(want[i].pos, got[i].pos);
	}
}

static void
assert_same_terms(const rule_term *want, const rule_term *got, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		assert_same_string(want[i].id, got[i].id);
		assert_int_equal(got[i].previous, want[i].previous);
		assert_int_equal(got[i].negative, want[i].negative);
		assert_same_pos(want[i].pos, got[i].pos);
	}
}

static void
assert_same_rule(const table_rule *want, const table_rule *got)
{
	size_t i;

	assert_int_equal(got->kind, want->kind);
	assert_same_string(want->id, got->id);
	assert_int_equal(got->level, want->level);
	assert_same_string(want->why, got->why);
	assert_same_pos(want->pos, got->pos);
	assert_int_equal(got->per_row, want->per_row);
	assert_int_equal(got->only_count, want->only_count);
	assert_same_strings(want->only, got->only, want->only_count);
	assert_int_equal(got->left_count, want->left_count);
	assert_int_equal(got->right_count, want->right_count);
	assert_same_terms(want->left, got->left, want->left_count);
	assert_same_terms(want->right, got->right, want->right_count);
	assert_int_equal(got->zero_row_count, want->zero_row_count);
	assert_same_strings(want->zero_rows, got->zero_rows, want->zero_row_count);
	assert_int_equal(got->agency_suffix_count, want->agency_suffix_count);
	assert_same_strings(want->agency_suffixes, got->agency_suffixes,
	                    want->agency_suffix_count);
	assert_same_string(want->pattern, got->pattern);
	assert_int_equal(got->compiled == NULL, want->compiled == NULL);
	assert_same_string(want->literal, got->literal);
	assert_int_equal(got->group, want->group);
	assert_same_string(want->value, got->value);
	assert_int_equal(got->cell_count, want->cell_count);
	for (i = 0; i < want->cell_count; i++) {
		assert_same_string(want->cells[i].row, got->cells[i].row);
		assert_same_string(want->cells[i].column, got->cells[i].column);
	}
}

static void
assert_same_table(const table_def *want, const table_def *got)
{
	size_t i;

	assert_same_string(want->id, got->id);
	assert_same_pos(want->pos, got->pos);
	assert_int_equal(got->row_count, want->row_count);
	assert_int_equal(got->col_count, want->col_count);
	assert_int_equal(got->header_rows, want->header_rows);
	for (i = 0; i < (size_t)want->col_count; i++) {
		assert_int_equal(got->columns[i].kind, want->columns[i].kind);
		assert_true(got->columns[i].value == want->columns[i].value);
	}
	assert_int_equal(got->cell_count, want->cell_count);
	assert_same_cells(want->cells, got->cells, want->cell_count);
	assert_int_equal(got->value_row_count, want->value_row_count);
	assert_same_value_rows(want->value_rows, got->value_rows,
	                       want->value_row_count);
	assert_int_equal(got->font_role, want->font_role);
	assert_true(got->size == want->size && got->padding == want->padding &&
	            got->inner_rule == want->inner_rule &&
	            got->outer_rule == want->outer_rule);
	assert_same_string(want->note, got->note);
	assert_same_string(want->caption, got->caption);
	assert_int_equal(got->landscape, want->landscape);
	assert_int_equal(got->sum_count, want->sum_count);
	for (i = 0; i < want->sum_count; i++) {
		assert_int_equal(got->sums[i].over_columns, want->sums[i].over_columns);
		assert_same_string(want->sums[i].target, got->sums[i].target);
		assert_int_equal(got->sums[i].term_count, want->sums[i].term_count);
		assert_same_strings(want->sums[i].terms, got->sums[i].terms,
		                    want->sums[i].term_count);
		assert_same_string(want->sums[i].rule, got->sums[i].rule);
		assert_int_equal(got->sums[i].level, want->sums[i].level);
		assert_same_pos(want->sums[i].pos, got->sums[i].pos);
	}
	assert_int_equal(got->rule_count, want->rule_count);
	for (i = 0; i < want->rule_count; i++)
		assert_same_rule(&want->rules[i], &got->rules[i]);
	assert_same_string(want->value_rule, got->value_rule);
	assert_same_string(want->structure_rule, got->structure_rule);
	assert_int_equal(got->outdated_count, want->outdated_count);
	for (i = 0; i < want->outdated_count; i++) {
		assert_same_string(want->outdated[i].key, got->outdated[i].key);
		assert_same_string(want->outdated[i].instead, got->outdated[i].instead);
		assert_same_pos(want->outdated[i].pos, got->outdated[i].pos);
	}
	assert_int_equal(got->repeat == NULL, want->repeat == NULL);
	if (want->repeat != NULL) {
		assert_int_equal(got->repeat->at, want->repeat->at);
		assert_int_equal(got->repeat->row_count, want->repeat->row_count);
		assert_int_equal(got->repeat->text_field_count,
		                 want->repeat->text_field_count);
		assert_same_strings(want->repeat->text_fields, got->repeat->text_fields,
		                    want->repeat->text_field_count);
		assert_int_equal(got->repeat->value_row_count,
		                 want->repeat->value_row_count);
		assert_same_value_rows(want->repeat->value_rows,
		                       got->repeat->value_rows,
		                       want->repeat->value_row_count);
		assert_int_equal(got->repeat->cell_count, want->repeat->cell_count);
		assert_same_cells(want->repeat->cells, got->repeat->cells,
		                  want->repeat->cell_count);
		for (i = 0; i < want->repeat->text_field_count; i++)
			assert_same_pos(want->repeat->text_sources[i].pos,
			                got->repeat->text_sources[i].pos);
		assert_same_pos(want->repeat->pos, got->repeat->pos);
	}
}

/* got holds what want holds, positions included, field by field. */
static void
assert_same_layout(const layout *want, const layout *got)
{
	size_t i;

	assert_non_null(want);
	assert_non_null(got);
	assert_same_string(want->name, got->name);
	assert_same_string(want->path, got->path);
	assert_int_equal(got->source_size, want->source_size);
	assert_memory_equal(got->source, want->source, want->source_size);
	assert_true(got->page.width == want->page.width &&
	            got->page.height == want->page.height &&
	            got->page.margin_top == want->page.margin_top &&
	            got->page.margin_left == want->page.margin_left &&
	            got->page.text_width == want->page.text_width &&
	            got->page.text_height == want->page.text_height &&
	            got->page.line_pitch == want->page.line_pitch);
	assert_int_equal(got->font_role_count, want->font_role_count);
	for (i = 0; i < want->font_role_count; i++) {
		assert_same_string(want->font_roles[i].name, got->font_roles[i].name);
		assert_true(got->font_roles[i].size == want->font_roles[i].size);
		assert_same_pos(want->font_roles[i].pos, got->font_roles[i].pos);
	}
	for (i = 0; i < STYLE_COUNT; i++) {
		const block_style *s = &want->styles[i], *t = &got->styles[i];

		assert_int_equal(t->font_role, s->font_role);
		assert_int_equal(t->align, s->align);
		assert_true(t->first_indent_em == s->first_indent_em &&
		            t->left_indent_em == s->left_indent_em &&
		            t->right_indent_em == s->right_indent_em &&
		            t->space_before == s->space_before &&
		            t->space_after == s->space_after &&
		            t->line_pitch == s->line_pitch);
		assert_int_equal(t->keep_with_next, s->keep_with_next);
	}
	assert_int_equal(got->page_number.font_role, want->page_number.font_role);
	assert_same_string(want->page_number.format, got->page_number.format);
	assert_true(got->page_number.below_text == want->page_number.below_text &&
	            got->page_number.indent_em == want->page_number.indent_em);
	assert_int_equal(got->page_number.odd_align, want->page_number.odd_align);
	assert_int_equal(got->page_number.even_align, want->page_number.even_align);
	assert_int_equal(got->title_phrase_count, want->title_phrase_count);
	assert_same_strings(want->title_phrases, got->title_phrases,
	                    want->title_phrase_count);
	assert_int_equal(got->subheading_number_count,
	                 want->subheading_number_count);
	assert_same_strings(want->subheading_numbers, got->subheading_numbers,
	                    want->subheading_number_count);
	assert_int_equal(got->chapter_count, want->chapter_count);
	for (i = 0; i < want->chapter_count; i++) {
		assert_same_string(want->chapters[i].id, got->chapters[i].id);
		assert_same_string(want->chapters[i].heading, got->chapters[i].heading);
		assert_int_equal(got->chapters[i].alias_count,
		                 want->chapters[i].alias_count);
		assert_same_strings(want->chapters[i].aliases, got->chapters[i].aliases,
		                    want->chapters[i].alias_count);
		assert_int_equal(got->chapters[i].table, want->chapters[i].table);
		assert_same_pos(want->chapters[i].pos, got->chapters[i].pos);
	}
	assert_int_equal(got->table_count, want->table_count);
	for (i = 0; i < want->table_count; i++)
		assert_same_table(&want->tables[i], &got->tables[i]);
	assert_same_string(want->chapter_rule, got->chapter_rule);
	assert_same_string(want->outdated_format, got->outdated_format);
}

/* The trees of layouts/ are cached in the run's own folder (see main). */
static bool
tree_cached(arena *a, const char *data, size_t size)
{
	struct stat st;

	return stat(yaml_tree_cache_file(a, data, size), &st) == 0;
}

/* Every layout of layouts/: parsed, from a cold cache (which saves its
 * tree) and from a warm one (which reads it) it loads the same, field by
 * field and position by position. */
static void
test_cached_layouts(void **state)
{
	char pattern[4096];
	glob_t paths;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/layouts/*.yaml", test_data_dir());
	assert_int_equal(glob(pattern, 0, NULL, &paths), 0);
	assert_true(paths.gl_pathc >= 3);
	for (i = 0; i < paths.gl_pathc; i++) {
		const char *path = paths.gl_pathv[i];
		diag_capture run;
		const layout *parsed, *cold, *warm;
		const char *data;
		size_t size = 0;

		diag_capture_begin(&run);
		data = yaml_tree_read_file(run.a, path, &size, &run.diag);
		unlink(yaml_tree_cache_file(run.a, data, size));
		setenv("GKREPORT_NO_FONT_CACHE", "1", 1);
		parsed = layout_load_file(run.a, path, &run.diag);
		unsetenv("GKREPORT_NO_FONT_CACHE");
		assert_false(tree_cached(run.a, data, size));
		cold = layout_load_file(run.a, path, &run.diag);
		assert_true(tree_cached(run.a, data, size));
		assert_non_null(yaml_tree_cache_load(run.a, path, data, size));
		warm = layout_load_file(run.a, path, &run.diag);
		assert_string_equal(diag_capture_text(&run), "");
		assert_same_layout(parsed, cold);
		assert_same_layout(parsed, warm);
		diag_capture_end(&run);
	}
	globfree(&paths);
}

/* A layout that does not load is never kept, whether its YAML is wrong
 * or what it says: every load reports the same, at the same places. */
static void
test_erroneous_layout_not_cached(void **state)
{
	static const struct { const char *from, *to, *expected; } broken[] = {
		{ "title: {font: title, align: center}",
		  "title: {font: title, algin: center}",
		  "t.yaml:5:24: error: unknown key 'algin' in styles.title "
		  "(did you mean 'align'?)\n" },
		{ "name: mini\n", "name: mini\nname: maxi\n",
		  "t.yaml:2:1: error: duplicate key 'name' (first at line 1)\n" },
	};
	size_t i;
	int round;

	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++)
		for (round = 0; round < 2; round++) {
			diag_capture run;
			const char *text;

			diag_capture_begin(&run);
			text = variant(run.a, broken[i].from, broken[i].to);
			assert_null(layout_load_buffer(run.a, "t.yaml", text, strlen(text),
			                               &run.diag));
			assert_string_equal(diag_capture_text(&run), broken[i].expected);
			assert_false(tree_cached(run.a, text, strlen(text)));
			diag_capture_end(&run);
		}
	{
		diag_capture run;

		diag_capture_begin(&run);
		assert_non_null(layout_load_buffer(run.a, "t.yaml", mini, strlen(mini),
		                                   &run.diag));
		assert_true(tree_cached(run.a, mini, strlen(mini)));
		diag_capture_end(&run);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_official_page_and_fonts),
		cmocka_unit_test(test_official_styles),
		cmocka_unit_test(test_official_chapters),
		cmocka_unit_test(test_official_title_and_numbers),
		cmocka_unit_test(test_official_table2),
		cmocka_unit_test(test_official_table3),
		cmocka_unit_test(test_official_table4),
		cmocka_unit_test(test_official_grids_tile),
		cmocka_unit_test(test_official_sums),
		cmocka_unit_test(test_official_rules),
		cmocka_unit_test(test_official_note_and_caption_styles),
		cmocka_unit_test(test_load_named),
		cmocka_unit_test(test_mini_loads),
		cmocka_unit_test(test_mini_default_styles),
		cmocka_unit_test(test_mini_given_note_style),
		cmocka_unit_test(test_sums_parsed),
		cmocka_unit_test(test_sums_bad_ids),
		cmocka_unit_test(test_sums_bad_shapes),
		cmocka_unit_test(test_sums_unusable),
		cmocka_unit_test(test_rules_parsed),
		cmocka_unit_test(test_rules_errors),
		cmocka_unit_test(test_orientation_and_caption_errors),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_uncovered),
		cmocka_unit_test(test_span_outside_grid),
		cmocka_unit_test(test_unbound_value),
		cmocka_unit_test(test_undeclared_value_row),
		cmocka_unit_test(test_undeclared_value_column),
		cmocka_unit_test(test_value_bound_twice),
		cmocka_unit_test(test_text_and_value),
		cmocka_unit_test(test_unknown_font_role),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_missing_style),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_header_rows),
		cmocka_unit_test(test_chapters),
		cmocka_unit_test(test_pattern_literal),
	};
	const struct CMUnitTest cache_tests[] = {
		cmocka_unit_test(test_cached_layouts),
		cmocka_unit_test(test_erroneous_layout_not_cached),
	};
	char cache[] = "/tmp/gk_test_layout_XXXXXX", cmd[64];
	int failed;

	/* Every test twice: every layout parsed, then with a tree cache of
	 * this run's own (the first load of each layout writes its tree, the
	 * later ones read it). */
	assert_non_null(mkdtemp(cache));
	setenv("XDG_CACHE_HOME", cache, 1);
	setenv("GKREPORT_NO_FONT_CACHE", "1", 1);
	failed = cmocka_run_group_tests_name("parsed layouts", tests, NULL, NULL);
	unsetenv("GKREPORT_NO_FONT_CACHE");
	failed += cmocka_run_group_tests_name("cached layouts", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("the tree cache", cache_tests,
	                                      NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache);
	if (system(cmd) != 0)
		failed++;
	return failed;
}
