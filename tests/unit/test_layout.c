/*
 * test_layout.c - the layout loader: the real gov-annual-2021 layout
 * against the official format, and small broken layouts against their
 * exact messages.
 */
#include "testing.h"

#include <math.h>

#include "layout.h"

/* One load: its arena and the diagnostics it printed. */
typedef struct load_run {
	arena *a;
	diag_sink diag;
	FILE *stream;
	char *messages;
	size_t messages_size;
} load_run;

/* Starts a run whose diagnostics are captured for verbatim checks. */
static void
run_begin(load_run *run)
{
	run->a = arena_create();
	run->messages = NULL;
	run->messages_size = 0;
	run->stream = open_memstream(&run->messages, &run->messages_size);
	assert_non_null(run->stream);
	diag_init(&run->diag, run->stream);
}

/* Everything printed so far. */
static const char *
run_messages(load_run *run)
{
	fflush(run->stream);
	return run->messages;
}

/* Frees what the run used. */
static void
run_end(load_run *run)
{
	fclose(run->stream);
	free(run->messages);
	arena_destroy(run->a);
}

/* ------------------------------------------------------------------ */
/* The real layout                                                      */
/* ------------------------------------------------------------------ */

/* Loads layouts/gov-annual-2021.yaml from the checkout, failing the test
 * on any diagnostic. */
static const layout *
load_official(load_run *run)
{
	char path[4096];
	const layout *l;

	snprintf(path, sizeof(path), "%s/layouts/gov-annual-2021.yaml",
	         test_data_dir());
	l = layout_load_file(run->a, path, &run->diag);
	assert_string_equal(run_messages(run) ? run_messages(run) : "", "");
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
	load_run run;
	const layout *l;

	run_begin(&run);
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
	run_end(&run);
}

static void
test_official_styles(void **state)
{
	load_run run;
	const layout *l;

	run_begin(&run);
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
	run_end(&run);
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
	load_run run;
	const layout *l;
	size_t i;

	run_begin(&run);
	l = load_official(&run);
	assert_int_equal(l->chapter_count, 6);
	for (i = 0; i < 6; i++) {
		const chapter_def *c = &l->chapters[i];
		assert_string_equal(c->heading, headings[i]);
		/* the id is the heading without its number and 、 */
		assert_string_equal(c->id, strstr(headings[i], "、") + strlen("、"));
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
	run_end(&run);
}

static void
test_official_title_and_numbers(void **state)
{
	load_run run;
	const layout *l;

	run_begin(&run);
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
	run_end(&run);
}

static void
test_official_table2(void **state)
{
	load_run run;
	const layout *l;
	const table_def *t;

	run_begin(&run);
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
	run_end(&run);
}

static void
test_official_table3(void **state)
{
	static const char *const columns[] = {
		"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
		"其他", "总计",
	};
	load_run run;
	const layout *l;
	const table_def *t;
	const value_row *r;
	size_t k;

	run_begin(&run);
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
	run_end(&run);
}

static void
test_official_table4(void **state)
{
	load_run run;
	const layout *l;
	const table_def *t;
	int c;

	run_begin(&run);
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
	run_end(&run);
}

/* Every grid position of every official table is covered exactly once. */
static void
test_official_grids_tile(void **state)
{
	load_run run;
	const layout *l;
	size_t i, k;

	run_begin(&run);
	l = load_official(&run);
	assert_int_equal(l->table_count, 3);
	for (i = 0; i < l->table_count; i++) {
		const table_def *t = &l->tables[i];
		int area = 0;
		for (k = 0; k < t->cell_count; k++)
			area += t->cells[k].rowspan * t->cells[k].colspan;
		assert_int_equal(area, t->row_count * t->col_count);
	}
	run_end(&run);
}

/* ------------------------------------------------------------------ */
/* Loading by name                                                      */
/* ------------------------------------------------------------------ */

static void
test_load_named(void **state)
{
	load_run run;
	source_pos where = { "d.yaml", 1, 9 };
	const layout *l;
	char base[4096];

	run_begin(&run);
	l = layout_load_named(run.a, "gov-annual-2021", test_data_dir(), NULL,
	                      where, &run.diag);
	assert_non_null(l);
	assert_string_equal(l->name, "gov-annual-2021");
	snprintf(base, sizeof(base), "%s/layouts", test_data_dir());
	l = layout_load_named(run.a, "gov-annual-2021.yaml", test_data_dir(), base,
	                      where, &run.diag);
	assert_non_null(l);
	assert_string_equal(run_messages(&run), "");
	assert_null(layout_load_named(run.a, "gov-anual-2021", test_data_dir(), NULL,
	                              where, &run.diag));
	assert_null(layout_load_named(run.a, "zzz", test_data_dir(), NULL, where,
	                              &run.diag));
	assert_null(layout_load_named(run.a, "sub/none.yaml", test_data_dir(), "/nonexistent",
	                              where, &run.diag));
	assert_string_equal(run_messages(&run),
	                    "d.yaml:1:9: error: unknown layout 'gov-anual-2021' (did you mean "
	                    "'gov-annual-2021'?); available layouts: gov-annual-2021\n"
	                    "d.yaml:1:9: error: unknown layout 'zzz'; available layouts: "
	                    "gov-annual-2021\n"
	                    "d.yaml:1:9: error: cannot open layout '/nonexistent/sub/none.yaml': "
	                    "No such file or directory\n");
	run_end(&run);
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
	load_run run;
	const layout *l;

	run_begin(&run);
	l = layout_load_buffer(run.a, "t.yaml", variant(run.a, from, to),
	                       strlen(variant(run.a, from, to)), &run.diag);
	assert_string_equal(run_messages(&run), expected ? expected : "");
	if (expected == NULL)
		assert_non_null(l);
	else
		assert_null(l);
	run_end(&run);
}

static void
test_mini_loads(void **state)
{
	load_run run;
	const layout *l;
	const table_def *t;

	run_begin(&run);
	l = layout_load_buffer(run.a, "t.yaml", mini, strlen(mini), &run.diag);
	assert_non_null(l);
	assert_string_equal(run_messages(&run), "");
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
	run_end(&run);
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
		cmocka_unit_test(test_load_named),
		cmocka_unit_test(test_mini_loads),
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
