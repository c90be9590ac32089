/*
 * test_report.c - loading descriptions into the report tree: the sample
 * report, the accepted forms, and the exact messages for broken input.
 */
#include "testing.h"

#include "arena.h"
#include "diag.h"
#include "report.h"

/* One load: the arena, and the diagnostics captured as text. */
typedef struct load_result {
	arena *a;
	const report *rep;
	char *messages;
	size_t messages_size;
	int errors;
} load_result;

#define ROW7(id) "        " id ": [0, 0, 0, 0, 0, 0, 0]\n"

/* A complete, valid description; each failure test breaks one line. */
static const char base_description[] =
	"layout: gov-annual-2021\n"
	"agency: 某街道办事处\n"
	"year: 2024\n"
	"chapters:\n"
	"  总体情况:\n"
	"    - 2024 年以来，我街道认真贯彻条例。\n"
	"    - heading: 主动公开情况\n"
	"    - 2024 年，我街道主动公开信息 16 条。\n"
	"    - heading: 依申请公开情况\n"
	"    - 未收到申请。\n"
	"  主动公开政府信息情况:\n"
	"    - table:\n"
	"        规章: [0, 0, 0]\n"
	"        行政规范性文件: {本年制发件数: 0, 本年废止件数: 0, 现行有效件数: 0}\n"
	"        行政许可: 0\n"
	"        行政处罚: 0\n"
	"        行政强制: 0\n"
	"        行政事业性收费: 0\n"
	"  收到和处理政府信息公开申请情况:\n"
	"    - table:\n"
	ROW7("本年新收") ROW7("上年结转") ROW7("予以公开") ROW7("部分公开")
	ROW7("属于国家秘密") ROW7("其他法律行政法规禁止公开")
	ROW7("危及三安全一稳定") ROW7("保护第三方合法权益")
	ROW7("属于三类内部事务信息") ROW7("属于四类过程性信息")
	ROW7("属于行政执法案卷") ROW7("属于行政查询事项")
	ROW7("本机关不掌握相关政府信息") ROW7("没有现成信息需要另行制作")
	ROW7("补正后申请内容仍不明确") ROW7("信访举报投诉类申请")
	ROW7("重复申请") ROW7("要求提供公开出版物")
	ROW7("无正当理由大量反复申请")
	ROW7("要求行政机关确认或重新出具已获取信息")
	ROW7("逾期不补正") ROW7("逾期未缴费") ROW7("其他") ROW7("总计")
	ROW7("结转下年度继续办理")
	"  政府信息公开行政复议、行政诉讼情况:\n"
	"    - table:\n"
	"        行政复议: [0, 0, 0, 0, 0]\n"
	"        未经复议直接起诉: [0, 0, 0, 0, 0]\n"
	"        复议后起诉: [0, 0, 0, 0, 0]\n"
	"  存在的主要问题及改进情况:\n"
	"    - heading: 主要问题\n"
	"    - 学习效果需进一步提升。\n"
	"  其他需要报告的事项: 无\n"
	"signoff:\n"
	"  date: 2025-01-20\n";

static const char *const chapter_headings[] = {
	"一、总体情况",
	"二、主动公开政府信息情况",
	"三、收到和处理政府信息公开申请情况",
	"四、政府信息公开行政复议、行政诉讼情况",
	"五、存在的主要问题及改进情况",
	"六、其他需要报告的事项",
};

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

static const char *const table3_columns[] = {
	"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
	"其他", "总计",
};

/* ---- helpers ---------------------------------------------------------- */

/* Loads text as "test.yaml", capturing every message. */
static load_result
load_text(const char *text)
{
	load_result r = { arena_create(), NULL, NULL, 0, 0 };
	FILE *stream = open_memstream(&r.messages, &r.messages_size);
	diag_sink diag;

	assert_non_null(stream);
	diag_init(&diag, stream);
	r.rep = report_load_buffer(r.a, "test.yaml", text, strlen(text),
	                           test_data_dir(), &diag);
	fclose(stream);
	r.errors = diag.errors;
	return r;
}

/* Frees what load_text made. */
static void
release(load_result *r)
{
	free(r->messages);
	arena_destroy(r->a);
}

/* text with the one occurrence of from replaced by to, in a's memory;
 * fails when from is absent or not unique. */
static const char *
replace_once(arena *a, const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	assert_non_null(at);
	assert_null(strstr(at + 1, from));
	return arena_printf(a, "%.*s%s%s", (int)(at - text), text, to,
	                    at + strlen(from));
}

/* base_description with one edit, so each test shows only what it
 * breaks. */
static const char *
edited(arena *a, const char *from, const char *to)
{
	return replace_once(a, base_description, from, to);
}

/* Loads base_description edited once and checks the load fails with
 * exactly the expected messages. */
static void
expect_errors(const char *from, const char *to, const char *expected)
{
	arena *scratch = arena_create();
	load_result r = load_text(edited(scratch, from, to));

	assert_null(r.rep);
	assert_string_equal(r.messages, expected);
	release(&r);
	arena_destroy(scratch);
}

/* Loads base_description edited once and checks it loads cleanly. */
static load_result
expect_success(const char *from, const char *to)
{
	arena *scratch = arena_create();
	load_result r = load_text(edited(scratch, from, to));

	assert_string_equal(r.messages, "");
	assert_non_null(r.rep);
	arena_destroy(scratch);
	return r;
}

/* The n-th (0-based) block of kind in rep, or fails. */
static const block *
nth_block(const report *rep, block_kind kind, int level, size_t n)
{
	size_t i;

	for (i = 0; i < rep->block_count; i++)
		if (rep->blocks[i].kind == kind &&
		    (level == 0 || rep->blocks[i].level == level) && n-- == 0)
			return &rep->blocks[i];
	fail_msg("block %zu of kind %d not found", n, (int)kind);
	return NULL;
}

/* The number of blocks of kind (and level, when not 0). */
static size_t
count_blocks(const report *rep, block_kind kind, int level)
{
	size_t i, n = 0;

	for (i = 0; i < rep->block_count; i++)
		n += rep->blocks[i].kind == kind &&
		     (level == 0 || rep->blocks[i].level == level);
	return n;
}

/* The table block of the table with id, or fails. */
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

/* Loads the sample report from the checkout. */
static load_result
load_sample(void)
{
	load_result r = { arena_create(), NULL, NULL, 0, 0 };
	FILE *stream = open_memstream(&r.messages, &r.messages_size);
	diag_sink diag;
	char *path;

	assert_non_null(stream);
	diag_init(&diag, stream);
	path = arena_printf(r.a, "%s/samples/wangchenglu-2024.yaml",
	                    test_data_dir());
	r.rep = report_load_file(r.a, path, test_data_dir(), &diag);
	fclose(stream);
	assert_string_equal(r.messages, "");
	assert_non_null(r.rep);
	return r;
}

/* ---- the sample report ------------------------------------------------ */

/* Title, agency and year of the sample, the title from the layout's
 * phrases. */
static void
test_sample_title(void **state)
{
	load_result r = load_sample();
	const block *title = &r.rep->blocks[0];
	const char *joined = "";
	size_t i;

	assert_int_equal(title->kind, BLOCK_TITLE);
	assert_string_equal(title->text,
	                    "西工区王城路街道办事处2024年政府信息公开工作年度报告");
	assert_string_equal(r.rep->title, title->text);
	assert_false(title->pieces_are_lines);
	assert_true(title->piece_count > 1);
	for (i = 0; i < title->piece_count; i++)
		joined = arena_printf(r.a, "%s%s", joined, title->pieces[i]);
	assert_string_equal(joined, title->text);
	assert_string_equal(r.rep->agency, "西工区王城路街道办事处");
	assert_int_equal(r.rep->year, 2024);
	release(&r);
}

/* The six chapter headings, in order and byte-exact. */
static void
test_sample_chapters(void **state)
{
	load_result r = load_sample();
	size_t i;

	assert_int_equal(count_blocks(r.rep, BLOCK_HEADING, 1), 6);
	for (i = 0; i < 6; i++) {
		const block *h = nth_block(r.rep, BLOCK_HEADING, 1, i);

		assert_string_equal(h->text, chapter_headings[i]);
		assert_int_equal(h->chapter, (int)i);
	}
	release(&r);
}

/* Chapter 一's five sub-headings numbered （一）…（五）, chapter 五's two. */
static void
test_sample_subheadings(void **state)
{
	static const char *const expected[] = {
		"（一）主动公开情况", "（二）依申请公开情况",
		"（三）政府信息管理情况", "（四）政府信息公开平台建设情况",
		"（五）政府信息监督保障情况", "（一）主要问题", "（二）改进情况",
	};
	load_result r = load_sample();
	size_t i;

	assert_int_equal(count_blocks(r.rep, BLOCK_HEADING, 2), 7);
	for (i = 0; i < 7; i++) {
		const block *h = nth_block(r.rep, BLOCK_HEADING, 2, i);

		assert_string_equal(h->text, expected[i]);
		assert_int_equal(h->chapter, i < 5 ? 0 : 4);
	}
	release(&r);
}

/* Paragraph text loses the word processor's spaces around digits. */
static void
test_sample_paragraphs(void **state)
{
	load_result r = load_sample();

	assert_string_equal(nth_block(r.rep, BLOCK_PARAGRAPH, 0, 1)->text,
	                    "2024年，我街道依托区政府网站主动公开相关政府信息16条。");
	assert_string_equal(nth_block(r.rep, BLOCK_PARAGRAPH, 0, 2)->text,
	                    "2024年我街道未收到政府信息公开申请。");
	assert_string_equal(nth_block(r.rep, BLOCK_PARAGRAPH, 0, 8)->text,
	                    "无");
	assert_int_equal(nth_block(r.rep, BLOCK_PARAGRAPH, 0, 8)->chapter, 5);
	assert_int_equal(count_blocks(r.rep, BLOCK_PARAGRAPH, 0), 9);
	release(&r);
}

/* Every one of table 三's 25 × 7 cells is present, all 0. */
static void
test_sample_table3(void **state)
{
	load_result r = load_sample();
	const table_values *t3 = table_of(r.rep, "表三");
	size_t row, col;

	assert_int_equal(t3->table->value_row_count, 25);
	for (row = 0; row < 25; row++)
		for (col = 0; col < 7; col++) {
			const cell_value *cell = report_cell(t3, table3_rows[row],
			                                     table3_columns[col]);

			assert_non_null(cell);
			assert_true(cell->present);
			assert_string_equal(cell->text, "0");
			assert_false(cell->has_note);
		}
	assert_int_equal(count_blocks(r.rep, BLOCK_TABLE, 0), 3);
	assert_true(report_cell(table_of(r.rep, "表二"), "行政事业性收费",
	                        "本年收费金额")->present);
	assert_true(report_cell(table_of(r.rep, "表四"), "复议后起诉",
	                        "总计")->present);
	release(&r);
}

/* The 落款 closes the report with the date written the Chinese way. */
static void
test_sample_signoff(void **state)
{
	load_result r = load_sample();
	const block *last = &r.rep->blocks[r.rep->block_count - 1];

	assert_int_equal(last->kind, BLOCK_SIGNOFF);
	assert_string_equal(last->text, "西工区王城路街道办事处");
	assert_string_equal(last->text2, "2025年1月20日");
	assert_int_equal(r.rep->signoff_date.year, 2025);
	assert_int_equal(r.rep->signoff_date.month, 1);
	assert_int_equal(r.rep->signoff_date.day, 20);
	release(&r);
}

/* ---- accepted forms --------------------------------------------------- */

/* A sub-heading number already typed, in any of the usual forms, is
 * replaced by the canonical one. */
static void
test_typed_subheading_numbers(void **state)
{
	load_result r = expect_success(
		"    - heading: 主动公开情况\n"
		"    - 2024 年，我街道主动公开信息 16 条。\n"
		"    - heading: 依申请公开情况\n",
		"    - heading: （一）主动公开情况\n"
		"    - heading: (二)依申请公开情况\n"
		"    - heading: (三) 政府信息管理情况\n");

	assert_string_equal(nth_block(r.rep, BLOCK_HEADING, 2, 0)->text,
	                    "（一）主动公开情况");
	assert_string_equal(nth_block(r.rep, BLOCK_HEADING, 2, 1)->text,
	                    "（二）依申请公开情况");
	assert_string_equal(nth_block(r.rep, BLOCK_HEADING, 2, 2)->text,
	                    "（三）政府信息管理情况");
	release(&r);
}

/* A value with a note is printed as given; its number is the leading
 * one. */
static void
test_note_value(void **state)
{
	load_result r = expect_success("        规章: [0, 0, 0]\n",
	                               "        规章: [\"22（其中修订 16 件）\", 0, 3]\n");
	const cell_value *cell = report_cell(table_of(r.rep, "表二"), "规章",
	                                     "本年制发件数");

	assert_string_equal(cell->text, "22（其中修订 16 件）");
	assert_true(cell->has_note);
	assert_true(cell->number == 22.0);
	assert_string_equal(report_cell(table_of(r.rep, "表二"), "规章",
	                                "现行有效件数")->text, "3");
	release(&r);
}

/* An amount keeps its decimals exactly as typed. */
static void
test_amount_kept_as_typed(void **state)
{
	load_result r = expect_success("        行政事业性收费: 0\n",
	                               "        行政事业性收费: 4068.2080\n");
	const cell_value *cell = report_cell(table_of(r.rep, "表二"),
	                                     "行政事业性收费", "本年收费金额");

	assert_string_equal(cell->text, "4068.2080");
	assert_true(cell->number == 4068.208);
	assert_false(cell->has_note);
	release(&r);
}

/* A title given as a list is a set of forced lines; a string is one
 * piece. */
static void
test_given_titles(void **state)
{
	load_result lines = expect_success("year: 2024\n",
		"year: 2024\ntitle: [某街道办事处 2024 年, 政府信息公开工作年度报告]\n");
	load_result single = expect_success("year: 2024\n",
		"year: 2024\ntitle: 某街道 2024 年报告\n");

	assert_string_equal(lines.rep->blocks[0].text,
	                    "某街道办事处2024年政府信息公开工作年度报告");
	assert_true(lines.rep->blocks[0].pieces_are_lines);
	assert_int_equal(lines.rep->blocks[0].piece_count, 2);
	assert_string_equal(lines.rep->blocks[0].pieces[0], "某街道办事处2024年");
	assert_string_equal(single.rep->blocks[0].text, "某街道2024年报告");
	assert_int_equal(single.rep->blocks[0].piece_count, 1);
	assert_false(single.rep->blocks[0].pieces_are_lines);
	release(&lines);
	release(&single);
}

/* A paragraph written as a bare number is text; preface paragraphs come
 * right after the title, outside any chapter. */
static void
test_number_paragraph_and_preface(void **state)
{
	load_result r = expect_success("    - 未收到申请。\n",
	                               "    - 2024\n");
	load_result pre = expect_success("chapters:\n",
	                                 "preface:\n  - 本报告依据条例编制。\nchapters:\n");

	assert_string_equal(nth_block(r.rep, BLOCK_PARAGRAPH, 0, 2)->text,
	                    "2024");
	assert_int_equal(pre.rep->blocks[1].kind, BLOCK_PARAGRAPH);
	assert_int_equal(pre.rep->blocks[1].chapter, -1);
	assert_string_equal(pre.rep->blocks[1].text, "本报告依据条例编制。");
	assert_int_equal(pre.rep->blocks[2].kind, BLOCK_HEADING);
	release(&r);
	release(&pre);
}

/* A chapter may be keyed by an alias; the sign-off agency defaults to
 * the report's. */
static void
test_alias_and_signoff_default(void **state)
{
	load_result r = expect_success("  存在的主要问题及改进情况:\n",
	                               "  存在问题及改进情况:\n");
	const block *last = &r.rep->blocks[r.rep->block_count - 1];

	assert_string_equal(nth_block(r.rep, BLOCK_HEADING, 1, 4)->text,
	                    "五、存在的主要问题及改进情况");
	assert_string_equal(last->text, "某街道办事处");
	release(&r);
}

/* A layout may be named by path; an unknown layout name fails the load
 * and is reported at the layout value. */
static void
test_layout_by_path(void **state)
{
	arena *scratch = arena_create();
	const char *line = arena_printf(scratch,
		"layout: %s/layouts/gov-annual-2021.yaml\n", test_data_dir());
	load_result by_path = load_text(edited(scratch,
	                                       "layout: gov-annual-2021\n", line));
	load_result unknown = load_text(edited(scratch,
	                                       "layout: gov-annual-2021\n",
	                                       "layout: gov-annual-1999\n"));

	assert_string_equal(by_path.messages, "");
	assert_non_null(by_path.rep);
	assert_string_equal(by_path.rep->layout->name, "gov-annual-2021");
	assert_null(unknown.rep);
	assert_int_equal(unknown.errors, 1);
	assert_non_null(strstr(unknown.messages, "test.yaml:1:9: error: "));
	release(&by_path);
	release(&unknown);
	arena_destroy(scratch);
}

/* A {note: …} item is a note block in its chapter, its text normalised
 * like a paragraph's, in the order written. */
static void
test_note_blocks(void **state)
{
	load_result r = expect_success(
		"        复议后起诉: [0, 0, 0, 0, 0]\n",
		"        复议后起诉: [0, 0, 0, 0, 0]\n"
		"    - note: 注：2024 年无行政复议、行政诉讼案件。\n"
		"    - 以上数据截至 12 月 31 日。\n");
	const block *note = nth_block(r.rep, BLOCK_NOTE, 0, 0);

	assert_int_equal(count_blocks(r.rep, BLOCK_NOTE, 0), 1);
	assert_string_equal(note->text, "注：2024年无行政复议、行政诉讼案件。");
	assert_int_equal(note->chapter, 3);
	assert_int_equal(note->pos.line, 51);
	assert_int_equal(note[-1].kind, BLOCK_TABLE);
	assert_int_equal(note[1].kind, BLOCK_PARAGRAPH);
	release(&r);
}

/* A note is a non-empty string, and an item is one thing only. */
static void
test_note_errors(void **state)
{
	expect_errors("    - 未收到申请。\n", "    - note: \"  \"\n",
	              "test.yaml:10:13: error: a note must not be empty\n");
	expect_errors("    - 未收到申请。\n", "    - note: [注, 无]\n",
	              "test.yaml:10:13: error: a note must be a scalar, not a "
	              "sequence\n");
	expect_errors("    - 未收到申请。\n", "    - {heading: 无, note: 注：无}\n",
	              "test.yaml:10:7: error: a chapter item is one of heading, "
	              "table or note, not several\n");
}

/* ---- errors ----------------------------------------------------------- */

static void
test_yaml_syntax_error(void **state)
{
	expect_errors("year: 2024\n", "year: [2024\n",
	              "test.yaml:4:9: error: YAML syntax error: did not find "
	              "expected ',' or ']' while parsing a flow sequence\n");
}

static void
test_unknown_top_level_key(void **state)
{
	expect_errors("agency: 某街道办事处\n", "agency: 某街道办事处\nagnecy: x\n",
	              "test.yaml:3:1: error: unknown key 'agnecy' in the "
	              "description (did you mean 'agency'?)\n");
}

static void
test_wrong_type(void **state)
{
	expect_errors("year: 2024\n", "year: \"abc\"\n",
	              "test.yaml:3:7: error: year must be an integer, not the "
	              "quoted string 'abc'\n");
	expect_errors("year: 2024\n", "year: abc\n",
	              "test.yaml:3:7: error: year must be an integer, not 'abc'\n");
	expect_errors("year: 2024\n", "year: 1850\n",
	              "test.yaml:3:7: error: year must be between 1990 and 2100, "
	              "not 1850\n");
}

static void
test_missing_agency(void **state)
{
	expect_errors("agency: 某街道办事处\n", "",
	              "test.yaml:1:1: error: the description: missing required "
	              "key 'agency'\n");
}

static void
test_unknown_chapter(void **state)
{
	expect_errors("  其他需要报告的事项: 无\n",
	              "  其他需要报告的事项: 无\n  其它需要报告的事项: 无\n",
	              "test.yaml:55:3: error: unknown chapter '其它需要报告的事项' "
	              "(did you mean '其他需要报告的事项'?)\n");
}

static void
test_missing_chapter(void **state)
{
	expect_errors("  其他需要报告的事项: 无\n", "",
	              "test.yaml:5:3: error: missing chapter '其他需要报告的事项' "
	              "(六、其他需要报告的事项)\n");
}

static void
test_wrong_subheading_number(void **state)
{
	expect_errors("    - heading: 依申请公开情况\n",
	              "    - heading: （三）依申请公开情况\n",
	              "test.yaml:9:16: error: sub-heading numbered （三） but it "
	              "is the 2nd sub-heading of 总体情况; expected （二）\n");
}

static void
test_bad_counts(void **state)
{
	expect_errors("        规章: [0, 0, 0]\n", "        规章: [-1, 1.5, 0]\n",
	              "test.yaml:13:14: error: 表二 row 规章, column 本年制发件数: "
	              "expected a whole number ≥ 0, got '-1'\n"
	              "test.yaml:13:18: error: 表二 row 规章, column 本年废止件数: "
	              "expected a whole number ≥ 0, got '1.5'\n");
	expect_errors("        行政许可: 0\n", "        行政许可: 3件\n",
	              "test.yaml:15:15: error: 表二 row 行政许可, column "
	              "本年处理决定数量: expected a whole number ≥ 0, got '3件'\n");
}

static void
test_amount_too_precise(void **state)
{
	expect_errors("        行政事业性收费: 0\n", "        行政事业性收费: 0.12345\n",
	              "test.yaml:18:18: error: 表二 row 行政事业性收费, column "
	              "本年收费金额: expected an amount ≥ 0 with at most 4 "
	              "decimals, got '0.12345'\n");
}

static void
test_wrong_value_count(void **state)
{
	expect_errors(ROW7("本年新收"),
	              "        本年新收: [0, 0, 0, 0, 0]\n",
	              "test.yaml:21:15: error: 表三 row 本年新收: 5 values given; "
	              "7 columns expected (自然人, 商业企业, 科研机构, "
	              "社会公益组织, 法律服务机构, 其他, 总计), or 6 without the "
	              "derived 总计\n");
	expect_errors("        规章: [0, 0, 0]\n", "        规章: 0\n",
	              "test.yaml:13:13: error: 表二 row 规章: 1 value given, "
	              "3 columns expected (本年制发件数, 本年废止件数, "
	              "现行有效件数)\n");
}

static void
test_row_mapping_errors(void **state)
{
	expect_errors("{本年制发件数: 0, 本年废止件数: 0, 现行有效件数: 0}",
	              "{本年制发件数: 0, 本年废止数: 0}",
	              "test.yaml:14:30: error: unknown key '本年废止数' in 表二 "
	              "row 行政规范性文件 (did you mean '本年废止件数'?)\n"
	              "test.yaml:14:18: error: 表二 row 行政规范性文件: missing "
	              "columns '本年废止件数', '现行有效件数'\n");
}

static void
test_unknown_row(void **state)
{
	expect_errors("        行政强制: 0\n", "        行政强迫: 0\n",
	              "test.yaml:17:9: error: unknown key '行政强迫' in table 表二 "
	              "(did you mean '行政强制'?)\n"
	              "test.yaml:13:9: error: 表二: missing row '行政强制'\n");
	expect_errors("        行政处罚: 0\n        行政强制: 0\n", "",
	              "test.yaml:13:9: error: 表二: missing rows '行政处罚', "
	              "'行政强制'\n");
}

static void
test_table_placement(void **state)
{
	expect_errors("    - 未收到申请。\n", "    - table: {规章: 0}\n",
	              "test.yaml:10:7: error: chapter 总体情况 has no table in "
	              "layout gov-annual-2021\n");
	expect_errors("  政府信息公开行政复议、行政诉讼情况:\n    - table:\n",
	              "  政府信息公开行政复议、行政诉讼情况:\n    - 无\n    - x:\n",
	              "test.yaml:48:7: error: unknown key 'x' in a chapter item\n"
	              "test.yaml:47:5: error: chapter 政府信息公开行政复议、行政诉讼情况 "
	              "needs its table 表四 (an item '- table:')\n");
	expect_errors("        复议后起诉: [0, 0, 0, 0, 0]\n",
	              "        复议后起诉: [0, 0, 0, 0, 0]\n    - table: {}\n",
	              "test.yaml:51:7: error: a second table in chapter "
	              "政府信息公开行政复议、行政诉讼情况 (the first is at line 47)\n");
}

static void
test_chapter_shapes(void **state)
{
	expect_errors("  其他需要报告的事项: 无\n", "  其他需要报告的事项: []\n",
	              "test.yaml:54:14: error: chapter 其他需要报告的事项 is empty; "
	              "write 无 when there is nothing to report\n");
	expect_errors("  其他需要报告的事项: 无\n",
	              "  其他需要报告的事项: {heading: 无}\n",
	              "test.yaml:54:14: error: chapter 其他需要报告的事项 must be a "
	              "string or a list of items, not a mapping\n");
	expect_errors("    - 未收到申请。\n", "    - \"  \"\n",
	              "test.yaml:10:7: error: a paragraph must not be empty\n");
}

static void
test_invalid_date(void **state)
{
	expect_errors("  date: 2025-01-20\n", "  date: 2025-02-30\n",
	              "test.yaml:56:9: error: signoff date 2025-02-30 is not a "
	              "date in the calendar\n");
	expect_errors("  date: 2025-01-20\n", "  date: 2025/1/20\n",
	              "test.yaml:56:9: error: signoff date must be written "
	              "YYYY-MM-DD (e.g. 2025-01-20), not '2025/1/20'\n");
}

/* Independent errors are all reported in one run, in file order where
 * the checks allow. */
static void
test_errors_keep_going(void **state)
{
	arena *scratch = arena_create();
	const char *text = edited(scratch, "year: 2024\n", "year: abc\n");
	load_result r;

	text = replace_once(scratch, text, "    - heading: 主要问题\n",
	                    "    - heading: (二) 主要问题\n");
	text = replace_once(scratch, text, ROW7("重复申请"),
	                    "        重复申请: [0, 0, 0, 0, 0, 0, x]\n");
	text = replace_once(scratch, text, "  date: 2025-01-20\n", "  date: 0\n");
	r = load_text(text);
	assert_null(r.rep);
	assert_int_equal(r.errors, 4);
	assert_string_equal(r.messages,
		"test.yaml:3:7: error: year must be an integer, not 'abc'\n"
		"test.yaml:37:34: error: 表三 row 重复申请, column 总计: expected "
		"a whole number ≥ 0, got 'x'\n"
		"test.yaml:52:16: error: sub-heading numbered （二） but it is the "
		"1st sub-heading of 存在的主要问题及改进情况; expected （一）\n"
		"test.yaml:56:9: error: signoff date must be written YYYY-MM-DD "
		"(e.g. 2025-01-20), not '0'\n");
	release(&r);
	arena_destroy(scratch);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_title),
		cmocka_unit_test(test_sample_chapters),
		cmocka_unit_test(test_sample_subheadings),
		cmocka_unit_test(test_sample_paragraphs),
		cmocka_unit_test(test_sample_table3),
		cmocka_unit_test(test_sample_signoff),
		cmocka_unit_test(test_typed_subheading_numbers),
		cmocka_unit_test(test_note_value),
		cmocka_unit_test(test_amount_kept_as_typed),
		cmocka_unit_test(test_given_titles),
		cmocka_unit_test(test_number_paragraph_and_preface),
		cmocka_unit_test(test_alias_and_signoff_default),
		cmocka_unit_test(test_layout_by_path),
		cmocka_unit_test(test_note_blocks),
		cmocka_unit_test(test_note_errors),
		cmocka_unit_test(test_yaml_syntax_error),
		cmocka_unit_test(test_unknown_top_level_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_missing_agency),
		cmocka_unit_test(test_unknown_chapter),
		cmocka_unit_test(test_missing_chapter),
		cmocka_unit_test(test_wrong_subheading_number),
		cmocka_unit_test(test_bad_counts),
		cmocka_unit_test(test_amount_too_precise),
		cmocka_unit_test(test_wrong_value_count),
		cmocka_unit_test(test_row_mapping_errors),
		cmocka_unit_test(test_unknown_row),
		cmocka_unit_test(test_table_placement),
		cmocka_unit_test(test_chapter_shapes),
		cmocka_unit_test(test_invalid_date),
		cmocka_unit_test(test_errors_keep_going),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
