/*
 * test_check.c - the consistency rules of the 2021 layout (spec §10) on
 * the seed sample with small edits: for every rule a report that passes
 * and one that fails, the failing message asserted verbatim.
 */
#include "testing.h"

#include "arena.h"
#include "check.h"
#include "diag.h"
#include "report.h"

/* One edit of the seed sample: a text replaced once, or the values of a
 * table row (the line "        KEY: ...") replaced, or the line removed
 * when to is NULL. */
typedef struct edit {
	const char *from;
	const char *to;
	bool row;
} edit;

#define TEXT(from, to) { (from), (to), false }
#define ROW(key, values) { (key), (values), true }
#define END { NULL, NULL, false }

/* The outcome of one check: every message printed, and the verdict. */
typedef struct outcome {
	char *messages;
	size_t size;
	bool passed;
	int warnings;
} outcome;

/* A busy year that keeps every rule: applications received and carried
 * over, two outcomes, one carried forward; 总计 column and the 总计
 * row's 总计 left to the sums. */
static const edit busy[] = {
	TEXT("2024 年我街道未收到政府信息公开申请。",
	     "2024 年我街道收到政府信息公开申请 4 件。"),
	ROW("本年新收", "[3, 1, 0, 0, 0, 0]"),
	ROW("上年结转", "[1, 0, 0, 0, 0, 0]"),
	ROW("予以公开", "[2, 1, 0, 0, 0, 0]"),
	ROW("重复申请", "[1, 0, 0, 0, 0, 0]"),
	ROW("总计", "[3, 1, 0, 0, 0, 0]"),
	ROW("结转下年度继续办理", "[1, 0, 0, 0, 0, 0]"),
	ROW("行政规范性文件", "[2, 1, 5]"),
	ROW("行政复议", "[1, 0, 0, 0, 1]"),
	END
};

/* The year before the busy one, as far as the cross-year rules look. */
static const edit year_before[] = {
	TEXT("year: 2024", "year: 2023"),
	ROW("结转下年度继续办理", "[1, 0, 0, 0, 0, 0]"),
	ROW("行政规范性文件", "[0, 0, 4]"),
	END
};

static const edit nothing[] = { END };

/* ---- helpers ------------------------------------------------------------ */

/* The seed sample's text, read into a's memory. */
static const char *
seed_text(arena *a)
{
	const char *path = arena_printf(a, "%s/samples/wangchenglu-2024.yaml",
	                                test_data_dir());
	FILE *f = fopen(path, "rb");
	char *text = arena_calloc(a, 65536, 1);
	size_t n;

	assert_non_null(f);
	n = fread(text, 1, 65535, f);
	fclose(f);
	assert_true(n > 0 && n < 65535);
	return text;
}

/* text with the one occurrence of from replaced by to; fails when from
 * is absent or not unique. */
static const char *
replace_once(arena *a, const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	assert_non_null(at);
	assert_null(strstr(at + 1, from));
	return arena_printf(a, "%.*s%s%s", (int)(at - text), text, to,
	                    at + strlen(from));
}

/* text with the table row key's line given values (or removed). */
static const char *
replace_row(arena *a, const char *text, const char *key, const char *values)
{
	const char *needle = arena_printf(a, "\n        %s:", key);
	const char *at = strstr(text, needle), *end;

	assert_non_null(at);
	assert_null(strstr(at + 1, needle));
	end = strchr(at + 1, '\n');
	if (values == NULL)
		return arena_printf(a, "%.*s%s", (int)(at - text), text, end);
	return arena_printf(a, "%.*s\n        %s: %s%s", (int)(at - text), text,
	                    key, values, end);
}

/* text with the edits applied in order. */
static const char *
apply(arena *a, const char *text, const edit *edits)
{
	for (; edits->from != NULL; edits++)
		text = edits->row ? replace_row(a, text, edits->from, edits->to)
		                  : replace_once(a, text, edits->from, edits->to);
	return text;
}

/* The seed with the base edits, then the test's own. */
static const char *
seed_with(arena *a, const edit *base, const edit *own)
{
	return apply(a, apply(a, seed_text(a), base), own);
}

/* Loads text as name, failing the test when it does not load cleanly. */
static const report *
load(arena *a, const char *name, const char *text)
{
	diag_sink quiet;
	const report *r;

	diag_init(&quiet, stderr);
	r = report_load_buffer(a, name, text, strlen(text), test_data_dir(),
	                       &quiet);
	assert_non_null(r);
	assert_int_equal(quiet.errors + quiet.warnings, 0);
	return r;
}

/* Checks text ("seed.yaml") against previous ("previous.yaml", may be
 * NULL), capturing the messages in format. */
static outcome
check_with(const char *text, const char *previous, diag_format format)
{
	arena *a = arena_create();
	outcome out = { NULL, 0, false, 0 };
	FILE *stream = open_memstream(&out.messages, &out.size);
	const report *r = load(a, "seed.yaml", text);
	const report *p = previous ? load(a, "previous.yaml", previous) : NULL;
	diag_sink diag;

	assert_non_null(stream);
	diag_init(&diag, stream);
	diag.format = format;
	out.passed = check_report(r, p, &diag);
	out.warnings = diag.warnings;
	fclose(stream);
	arena_destroy(a);
	return out;
}

/* Checks the seed edited by base then own, with the year before when
 * with_previous, and compares every message and the verdict. */
static void
expect(const edit *base, const edit *own, bool with_previous,
       const char *messages, bool passed)
{
	arena *a = arena_create();
	outcome out = check_with(seed_with(a, base, own),
	                         with_previous ? seed_with(a, year_before, nothing)
	                                       : NULL, DIAG_FORMAT_TEXT);

	assert_string_equal(out.messages, messages);
	assert_int_equal(out.passed, passed);
	free(out.messages);
	arena_destroy(a);
}

/* As expect, but the messages as JSON lines, to see each context. */
static void
expect_json(const edit *base, const edit *own, const char *messages)
{
	arena *a = arena_create();
	outcome out = check_with(seed_with(a, base, own), NULL, DIAG_FORMAT_JSON);

	assert_string_equal(out.messages, messages);
	free(out.messages);
	arena_destroy(a);
}

/* Loads the seed edited by own and expects the load to fail with exactly
 * messages (the rules the loader enforces: T2-1, T3-5, T4-2, F-1, F-2). */
static void
expect_load_errors(const edit *own, diag_format format, const char *messages)
{
	arena *a = arena_create();
	const char *text = seed_with(a, nothing, own);
	char *printed = NULL;
	size_t size = 0;
	FILE *stream = open_memstream(&printed, &size);
	diag_sink diag;

	assert_non_null(stream);
	diag_init(&diag, stream);
	diag.format = format;
	assert_null(report_load_buffer(a, "seed.yaml", text, strlen(text),
	                               test_data_dir(), &diag));
	fclose(stream);
	assert_string_equal(printed, messages);
	free(printed);
	arena_destroy(a);
}

/* Checks a sample of the checkout and expects no message at all. */
static void
expect_sample_clean(const char *name)
{
	arena *a = arena_create();
	diag_sink diag;
	const report *r;

	diag_init(&diag, stderr);
	r = report_load_file(a, arena_printf(a, "%s/samples/%s", test_data_dir(),
	                                     name), test_data_dir(), &diag);
	assert_non_null(r);
	assert_true(check_report(r, NULL, &diag));
	assert_int_equal(diag.errors + diag.warnings, 0);
	arena_destroy(a);
}

/* ---- the samples -------------------------------------------------------- */

/* The seed (all 0, "未收到政府信息公开申请"), the stress samples and the
 * busy year pass every rule, the cross-year ones included. */
static void
test_samples_pass(void **state)
{
	expect_sample_clean("wangchenglu-2024.yaml");
	expect_sample_clean("table-break.yaml");
	expect_sample_clean("large-numbers.yaml");
	expect(busy, nothing, false, "", true);
	expect(busy, nothing, true, "", true);
}

/* ---- T3-1: 一 + 二 = （七）总计 + 四, per column ---------------------------- */

static void
test_t3_1(void **state)
{
	static const edit holds[] = {
		ROW("本年新收", "[4, 1, 0, 0, 0, 0]"),
		ROW("结转下年度继续办理", "[2, 0, 0, 0, 0, 0]"),
		TEXT("申请 4 件", "申请 5 件"),
		END
	};
	static const edit broken[] = {
		ROW("本年新收", "[4, 1, 0, 0, 0, 0]"),
		TEXT("申请 4 件", "申请 5 件"),
		END
	};

	expect(busy, holds, false, "", true);
	expect(busy, broken, false,
	       "seed.yaml:53:16: error: 表三 column 自然人: 一(4) + 二(1) = 5, "
	       "but （七）总计(3) + 四(1) = 4\n",
	       false);
}

/* ---- T3-2: （七）总计 = the 21 leaf rows, per column ----------------------- */

static void
test_t3_2(void **state)
{
	static const edit broken[] = {
		ROW("总计", "[4, 1, 0, 0, 0, 0]"),
		ROW("结转下年度继续办理", "[0, 0, 0, 0, 0, 0]"),
		END
	};
	static const edit all_zero[] = {
		ROW("总计", "[0, 0, 0, 0, 0, 0, 1]"),
		END
	};

	expect(busy, nothing, false, "", true);
	expect(busy, broken, false,
	       "seed.yaml:85:14: error: 表三 column 自然人: （七）总计(4) "
	       "should be 予以公开(2) + 重复申请(1) + 0 in the other 19 rows = "
	       "3\n",
	       false);
	expect(nothing, all_zero, false,
	       "seed.yaml:85:32: error: 表三 row 总计: 总计(1) should be "
	       "自然人(0) + 商业企业(0) + 科研机构(0) + 社会公益组织(0) + "
	       "法律服务机构(0) + 其他(0) = 0\n"
	       "seed.yaml:85:32: error: 表三 column 总计: （七）总计(1) should "
	       "be 0: its 21 rows are all 0\n"
	       "seed.yaml:53:72: error: 表三 column 总计: 一(0) + 二(0) = 0, "
	       "but （七）总计(1) + 四(0) = 1\n",
	       false);
}

/* ---- T3-3: 总计 = the six applicant columns, per row --------------------- */

static void
test_t3_3(void **state)
{
	static const edit holds[] = {
		ROW("予以公开", "[2, 1, 0, 0, 0, 0, 3]"),
		END
	};
	static const edit broken[] = {
		ROW("予以公开", "[2, 1, 0, 0, 0, 0, 4]"),
		END
	};

	expect(busy, holds, false, "", true);
	expect(busy, broken, false,
	       "seed.yaml:58:34: error: 表三 row 予以公开: 总计(4) should be "
	       "自然人(2) + 商业企业(1) + 科研机构(0) + 社会公益组织(0) + "
	       "法律服务机构(0) + 其他(0) = 3\n",
	       false);
}

/* ---- T3-4: 二 = last year's 四, per column -------------------------------- */

static void
test_t3_4(void **state)
{
	static const edit broken[] = {
		ROW("上年结转", "[0, 1, 0, 0, 0, 0]"),
		ROW("予以公开", "[1, 2, 0, 0, 0, 0]"),
		ROW("总计", NULL),
		END
	};

	expect(busy, nothing, true, "", true);
	expect(busy, broken, false, "", true);
	expect(busy, broken, true,
	       "seed.yaml:55:16: error: 表三 column 自然人: 二(0), but "
	       "2023年四(1)\n"
	       "seed.yaml:55:19: error: 表三 column 商业企业: 二(1), but "
	       "2023年四(0)\n",
	       false);
}

/* A T3-4 failure in a column whose values are all derived is reported
 * at the table. */
static void
test_t3_4_derived(void **state)
{
	arena *a = arena_create();
	static const edit given_total[] = {
		ROW("结转下年度继续办理", "[1, 0, 0, 0, 0, 0, 2]"),
		END
	};
	outcome out = check_with(seed_with(a, busy, nothing),
	                         seed_with(a, year_before, given_total),
	                         DIAG_FORMAT_TEXT);

	assert_string_equal(out.messages,
	                    "seed.yaml:50:7: error: 表三 column 总计: 二(1), "
	                    "but 2023年四(2)\n");
	assert_false(out.passed);
	free(out.messages);
	arena_destroy(a);
}

/* ---- T4-1: 总计 = 维持 + 纠正 + 其他 + 尚未审结, per block ---------------- */

static void
test_t4_1(void **state)
{
	static const edit broken[] = {
		ROW("行政复议", "[1, 0, 0, 0, 2]"),
		END
	};

	expect(busy, nothing, false, "", true);
	expect(busy, broken, false,
	       "seed.yaml:93:28: error: 表四 row 行政复议: 总计(2) should be "
	       "结果维持(1) + 结果纠正(0) + 其他结果(0) + 尚未审结(0) = 1\n",
	       false);
}

/* ---- T2-2: 现行有效 = last year's + 制发 - 废止 (a warning) ---------------- */

static void
test_t2_2(void **state)
{
	static const edit broken[] = {
		ROW("行政规范性文件", "[2, 1, 6]"),
		END
	};

	expect(busy, broken, false, "", true);
	expect(busy, broken, true,
	       "seed.yaml:37:25: warning: 表二 row 行政规范性文件: "
	       "现行有效件数(6), but 2023年现行有效件数(4) + 本年制发件数(2) - "
	       "本年废止件数(1) = 5; unless documents lapsed (有效期届满) or "
	       "were reclassified in 清理\n",
	       true);
}

/* ---- T2-3: no 规章 from an agency that cannot make them (a warning) ------- */

static void
test_t2_3(void **state)
{
	static const edit street[] = {
		ROW("规章", "[1, 0, 1]"),
		END
	};
	static const edit province[] = {
		ROW("规章", "[1, 0, 1]"),
		TEXT("agency: 西工区王城路街道办事处  #", "agency: 河南省人民政府  #"),
		END
	};

	expect(nothing, province, false, "", true);
	expect(nothing, street, false,
	       "seed.yaml:36:14: warning: 表二 row 规章: 本年制发件数(1), "
	       "现行有效件数(1) should be 0, since 西工区王城路街道办事处 is a "
	       "街道办事处; only 国务院部门 and the governments of "
	       "省、自治区、直辖市 and 设区的市、自治州 make 规章 (立法法)\n",
	       true);
}

/* ---- T-1: the figures in the prose equal the tables (warnings) ------------ */

static void
test_t_1(void **state)
{
	static const edit quoted[] = {
		TEXT("2024 年我街道收到政府信息公开申请 4 件。",
		     "2024 年我街道收到政府信息公开申请 4 件，上年结转 1 件，"
		     "办结 4 件，结转下年度继续办理 1 件，被申请行政复议 1 件，"
		     "未发生行政诉讼。"),
		ROW("行政事业性收费", "1.5\n    - 2024 年行政事业性收费 1.50 万元。"),
		END
	};
	static const edit misquoted[] = {
		TEXT("2024 年我街道收到政府信息公开申请 4 件。",
		     "2024 年我街道收到政府信息公开申请 5 件，上年结转 2 件，"
		     "办结 3 件，结转下年度继续办理 2 件，被申请行政复议 2 件，"
		     "提起行政诉讼 1 件。"),
		ROW("行政事业性收费", "1.5\n    - 2024 年行政事业性收费 1.05 万元。"),
		END
	};
	static const edit none_received[] = {
		ROW("本年新收", "[1, 0, 0, 0, 0, 0]"),
		ROW("予以公开", "[1, 0, 0, 0, 0, 0]"),
		ROW("总计", NULL),
		END
	};

	expect(busy, quoted, false, "", true);
	expect(busy, misquoted, false,
	       "seed.yaml:45:7: warning: '行政事业性收费1.05万元' says 1.05, "
	       "but 表二 [行政事业性收费, 本年收费金额] is 1.5\n"
	       "seed.yaml:24:7: warning: '收到政府信息公开申请5件' says 5, but "
	       "表三 [一, 总计] is 4\n"
	       "seed.yaml:24:7: warning: '上年结转2件' says 2, but 表三 [二, "
	       "总计] is 1\n"
	       "seed.yaml:24:7: warning: '办结3件' says 3, but 表三 "
	       "[（七）总计, 总计] is 4\n"
	       "seed.yaml:24:7: warning: '结转下年度继续办理2件' says 2, but "
	       "表三 [四, 总计] is 1\n"
	       "seed.yaml:24:7: warning: '行政复议2件' says 2, but 表四 "
	       "[行政复议, 总计] is 1\n"
	       "seed.yaml:24:7: warning: '行政诉讼1件' says 1, but 表四 "
	       "[未经复议直接起诉, 总计](0) + [复议后起诉, 总计](0) = 0\n",
	       true);
	expect(nothing, none_received, false,
	       "seed.yaml:24:7: warning: '未收到政府信息公开申请' says 0, but "
	       "表三 [一, 总计] is 1\n",
	       true);
}

/* ---- contexts ----------------------------------------------------------- */

/* Every message carries its rule, table and row or column. */
static void
test_contexts(void **state)
{
	static const edit broken[] = {
		ROW("本年新收", "[4, 1, 0, 0, 0, 0]"),
		ROW("规章", "[1, 0, 0]"),
		END
	};

	expect_json(busy, broken,
	            "{\"file\": \"seed.yaml\", \"line\": 36, \"column\": 14, \""
	            "severity\": \"warning\", \"rule\": \"T2-3\", \"table\": \""
	            "表二\", \"row\": \"规章\", \"table_column\": null, \""
	            "message\": \"表二 row 规章: 本年制发件数(1) should be 0, "
	            "since 西工区王城路街道办事处 is a 街道办事处; only "
	            "国务院部门 and the governments of 省、自治区、直辖市 and "
	            "设区的市、自治州 make 规章 (立法法)\"}\n"
	            "{\"file\": \"seed.yaml\", \"line\": 53, \"column\": 16, \""
	            "severity\": \"error\", \"rule\": \"T3-1\", \"table\": \""
	            "表三\", \"row\": null, \"table_column\": \"自然人\", \""
	            "message\": \"表三 column 自然人: 一(4) + 二(1) = 5, but "
	            "（七）总计(3) + 四(1) = 4\"}\n"
	            "{\"file\": \"seed.yaml\", \"line\": 24, \"column\": 7, \""
	            "severity\": \"warning\", \"rule\": \"T-1\", \"table\": \""
	            "表三\", \"row\": \"本年新收\", \"table_column\": \"总计\""
	            ", \"message\": \"'收到政府信息公开申请4件' says 4, but "
	            "表三 [一, 总计] is 5\"}\n");
}

/* Last year's report must use the same layout; the cross-year rules
 * are skipped otherwise. */
static void
test_previous_layout(void **state)
{
	arena *a = arena_create();
	const report *r = load(a, "seed.yaml", seed_with(a, busy, nothing));
	report previous = *load(a, "previous.yaml", seed_with(a, year_before,
	                                                      nothing));
	layout other = *previous.layout;
	char *printed = NULL;
	size_t size = 0;
	FILE *stream = open_memstream(&printed, &size);
	diag_sink diag;

	other.name = "gov-annual-2019";
	previous.layout = &other;
	diag_init(&diag, stream);
	assert_false(check_report(r, &previous, &diag));
	fclose(stream);
	assert_string_equal(printed,
	                    "previous.yaml: error: the previous report uses "
	                    "layout gov-annual-2019, not gov-annual-2021; the "
	                    "rules comparing the two years are skipped\n");
	free(printed);
	arena_destroy(a);
}

/* ---- T2-1, T3-5, T4-2: values are numbers of their type (loader) --------- */

static void
test_value_rules(void **state)
{
	static const edit negative[] = { ROW("规章", "[-1, 0, 0]"), END };
	static const edit fee[] = { ROW("行政事业性收费", "-1.5"), END };
	static const edit decimal[] = {
		ROW("本年新收", "[1.5, 0, 0, 0, 0, 0, 0]"), END
	};
	static const edit text[] = { ROW("上年结转", "[0, 无, 0, 0, 0, 0, 0]"), END };
	static const edit empty[] = { ROW("予以公开", "[0, 0, ~, 0, 0, 0, 0]"), END };
	static const edit huge[] = {
		ROW("部分公开", "[99999999999999999999, 0, 0, 0, 0, 0, 0]"), END
	};
	static const edit review[] = { ROW("行政复议", "[0.5, 0, 0, 0, 0]"), END };

	expect(nothing, nothing, false, "", true);
	expect_load_errors(negative, DIAG_FORMAT_TEXT,
	                   "seed.yaml:36:14: error: 表二 row 规章, column "
	                   "本年制发件数: expected a whole number ≥ 0, got '-1'"
	                   "\n");
	expect_load_errors(fee, DIAG_FORMAT_JSON,
	                   "{\"file\": \"seed.yaml\", \"line\": 44, \"column\""
	                   ": 18, \"severity\": \"error\", \"rule\": \"T2-1\", "
	                   "\"table\": \"表二\", \"row\": \"行政事业性收费\", "
	                   "\"table_column\": \"本年收费金额\", \"message\": \""
	                   "表二 row 行政事业性收费, column 本年收费金额: "
	                   "expected an amount ≥ 0 with at most 4 decimals, "
	                   "got '-1.5'\"}\n");
	expect_load_errors(decimal, DIAG_FORMAT_JSON,
	                   "{\"file\": \"seed.yaml\", \"line\": 53, \"column\""
	                   ": 16, \"severity\": \"error\", \"rule\": \"T3-5\", "
	                   "\"table\": \"表三\", \"row\": \"本年新收\", \""
	                   "table_column\": \"自然人\", \"message\": \"表三 "
	                   "row 本年新收, column 自然人: expected a whole "
	                   "number ≥ 0, got '1.5'\"}\n");
	expect_load_errors(text, DIAG_FORMAT_TEXT,
	                   "seed.yaml:55:19: error: 表三 row 上年结转, column "
	                   "商业企业: expected a whole number ≥ 0, got '无'\n");
	expect_load_errors(empty, DIAG_FORMAT_TEXT,
	                   "seed.yaml:58:22: error: 表三 row 予以公开, column "
	                   "科研机构: no value given; write 0 when there is "
	                   "nothing to report\n");
	expect_load_errors(huge, DIAG_FORMAT_TEXT,
	                   "seed.yaml:60:16: error: 表三 row 部分公开, column "
	                   "自然人: '99999999999999999999' is too large (at "
	                   "most 15 digits before the decimal point)\n");
	expect_load_errors(review, DIAG_FORMAT_JSON,
	                   "{\"file\": \"seed.yaml\", \"line\": 93, \"column\""
	                   ": 16, \"severity\": \"error\", \"rule\": \"T4-2\", "
	                   "\"table\": \"表四\", \"row\": \"行政复议\", \""
	                   "table_column\": \"结果维持\", \"message\": \"表四 "
	                   "row 行政复议, column 结果维持: expected a whole "
	                   "number ≥ 0, got '0.5'\"}\n");
}

/* ---- F-1: the 2021 rows and columns, not the 2019 ones ------------------ */

static void
test_f_1(void **state)
{
	static const edit old_row[] = {
		TEXT("        行政规范性文件:             [0, 0, 0]",
		     "        规范性文件:                 [0, 0, 0]"),
		END
	};
	static const edit old_column[] = {
		ROW("行政规范性文件",
		    "{本年新制作数量: 0, 本年新公开数量: 0, 对外公开总数量: 0}"),
		END
	};
	static const edit old_other[] = {
		ROW("其他", "[0, 0, 0, 0, 0, 0, 0]\n"
		    "        其他处理: [0, 0, 0, 0, 0, 0, 0]"),
		END
	};
	static const edit missing_column[] = {
		ROW("行政规范性文件", "{本年制发件数: 0, 本年废止件数: 0}"),
		END
	};

	expect(nothing, nothing, false, "", true);
	expect_load_errors(old_row, DIAG_FORMAT_JSON,
	                   "{\"file\": \"seed.yaml\", \"line\": 37, \"column\""
	                   ": 9, \"severity\": \"error\", \"rule\": \"F-1\", \""
	                   "table\": \"表二\", \"row\": null, \"table_column\""
	                   ": null, \"message\": \"表二: '规范性文件' is from "
	                   "the 2019 试行 format (国办公开办函〔2019〕60号); "
	                   "the 2021 format has 行政规范性文件\"}\n"
	                   "{\"file\": \"seed.yaml\", \"line\": 36, \"column\""
	                   ": 9, \"severity\": \"error\", \"rule\": \"F-1\", \""
	                   "table\": \"表二\", \"row\": null, \"table_column\""
	                   ": null, \"message\": \"表二: missing row "
	                   "'行政规范性文件'\"}\n");
	expect_load_errors(old_column, DIAG_FORMAT_TEXT,
	                   "seed.yaml:37:19: error: 表二 row 行政规范性文件: "
	                   "'本年新制作数量' is from the 2019 试行 format "
	                   "(国办公开办函〔2019〕60号); the 2021 format has "
	                   "本年制发件数, 本年废止件数, 现行有效件数\n"
	                   "seed.yaml:37:31: error: 表二 row 行政规范性文件: "
	                   "'本年新公开数量' is from the 2019 试行 format "
	                   "(国办公开办函〔2019〕60号); the 2021 format has "
	                   "本年制发件数, 本年废止件数, 现行有效件数\n"
	                   "seed.yaml:37:43: error: 表二 row 行政规范性文件: "
	                   "'对外公开总数量' is from the 2019 试行 format "
	                   "(国办公开办函〔2019〕60号); the 2021 format has "
	                   "本年制发件数, 本年废止件数, 现行有效件数\n"
	                   "seed.yaml:37:18: error: 表二 row 行政规范性文件: "
	                   "missing columns '本年制发件数', '本年废止件数', "
	                   "'现行有效件数'\n");
	expect_load_errors(old_other, DIAG_FORMAT_TEXT,
	                   "seed.yaml:84:9: error: 表三: '其他处理' is from "
	                   "the 2019 试行 format (国办公开办函〔2019〕60号); "
	                   "the 2021 format splits （六）其他处理 into "
	                   "逾期不补正, 逾期未缴费, 其他\n");
	expect_load_errors(missing_column, DIAG_FORMAT_JSON,
	                   "{\"file\": \"seed.yaml\", \"line\": 37, \"column\""
	                   ": 18, \"severity\": \"error\", \"rule\": \"F-1\", "
	                   "\"table\": \"表二\", \"row\": \"行政规范性文件\", "
	                   "\"table_column\": null, \"message\": \"表二 row "
	                   "行政规范性文件: missing column '现行有效件数'\"}\n");
}

/* ---- F-2: the six chapters, all there, in order -------------------------- */

static void
test_f_2(void **state)
{
	static const edit out_of_order[] = {
		TEXT("  其他需要报告的事项: 无\n", ""),
		TEXT("chapters:\n", "chapters:\n  其他需要报告的事项: 无\n"),
		END
	};
	static const edit missing[] = {
		TEXT("  其他需要报告的事项: 无\n", ""),
		END
	};
	static const edit unknown[] = {
		TEXT("  其他需要报告的事项: 无\n",
		     "  其他需要报告的事项: 无\n  工作考核: 无\n"),
		END
	};

	expect(nothing, nothing, false, "", true);
	expect_load_errors(out_of_order, DIAG_FORMAT_JSON,
	                   "{\"file\": \"seed.yaml\", \"line\": 20, \"column\""
	                   ": 3, \"severity\": \"error\", \"rule\": \"F-2\", \""
	                   "table\": null, \"row\": null, \"table_column\": "
	                   "null, \"message\": \"chapter '总体情况' is out of "
	                   "order: 一、总体情况 comes before "
	                   "六、其他需要报告的事项 (line 18)\"}\n");
	expect_load_errors(missing, DIAG_FORMAT_TEXT,
	                   "seed.yaml:19:3: error: missing chapter "
	                   "'其他需要报告的事项' (六、其他需要报告的事项)\n");
	expect_load_errors(unknown, DIAG_FORMAT_TEXT,
	                   "seed.yaml:107:3: error: unknown chapter "
	                   "'工作考核'; layout gov-annual-2021 has the "
	                   "chapters 一、总体情况, 二、主动公开政府信息情况, "
	                   "三、收到和处理政府信息公开申请情况, "
	                   "四、政府信息公开行政复议、行政诉讼情况, "
	                   "五、存在的主要问题及改进情况, "
	                   "六、其他需要报告的事项\n");
}

/* r with every text rule as a layout built without the loader has it:
 * no compiled pattern, no literal.  Blocks, values and tables are
 * copied; the rest is shared. */
static const report *
without_compiled_patterns(arena *a, const report *r)
{
	report *copy = arena_alloc(a, sizeof(*copy));

	*copy = *r;
	copy->blocks = arena_calloc(a, r->block_count, sizeof(*copy->blocks));
	memcpy(copy->blocks, r->blocks, r->block_count * sizeof(*r->blocks));
	for (size_t i = 0; i < r->block_count; i++) {
		table_values *tv;
		table_def *t;
		table_rule *rules;

		if (r->blocks[i].kind != BLOCK_TABLE || r->blocks[i].table == NULL)
			continue;
		tv = arena_alloc(a, sizeof(*tv));
		t = arena_alloc(a, sizeof(*t));
		*tv = *r->blocks[i].table;
		*t = *tv->table;
		rules = arena_calloc(a, t->rule_count + 1, sizeof(*rules));
		memcpy(rules, t->rules, t->rule_count * sizeof(*rules));
		for (size_t k = 0; k < t->rule_count; k++) {
			rules[k].compiled = NULL;
			rules[k].literal = NULL;
		}
		t->rules = rules;
		tv->table = t;
		copy->blocks[i].table = tv;
	}
	return copy;
}

/* Text rules read the same with the layout's compiled patterns and
 * their literals as with patterns the checker compiles and runs on
 * every clause. */
static void
test_t_1_without_compiled_patterns(void **state)
{
	static const edit misquoted[] = {
		TEXT("2024 年我街道收到政府信息公开申请 4 件。",
		     "2024 年我街道收到政府信息公开申请 5 件，办结 3 件；"
		     "新收政府信息公开申请5件，被申请行政复议 2 件。"),
		END
	};
	arena *a = arena_create();
	const report *r = load(a, "seed.yaml", seed_with(a, busy, misquoted));
	char *printed[2] = { NULL, NULL };
	size_t size[2] = { 0, 0 };

	for (int k = 0; k < 2; k++) {
		FILE *stream = open_memstream(&printed[k], &size[k]);
		diag_sink diag;

		diag_init(&diag, stream);
		assert_true(check_report(k == 0 ? r : without_compiled_patterns(a, r),
		                         NULL, &diag));
		assert_int_equal(diag.warnings, 4);
		fclose(stream);
	}
	assert_string_equal(printed[0], printed[1]);
	free(printed[0]);
	free(printed[1]);
	arena_destroy(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples_pass),
		cmocka_unit_test(test_t_1_without_compiled_patterns),
		cmocka_unit_test(test_t3_1),
		cmocka_unit_test(test_t3_2),
		cmocka_unit_test(test_t3_3),
		cmocka_unit_test(test_t3_4),
		cmocka_unit_test(test_t3_4_derived),
		cmocka_unit_test(test_t4_1),
		cmocka_unit_test(test_t2_2),
		cmocka_unit_test(test_t2_3),
		cmocka_unit_test(test_t_1),
		cmocka_unit_test(test_contexts),
		cmocka_unit_test(test_previous_layout),
		cmocka_unit_test(test_value_rules),
		cmocka_unit_test(test_f_1),
		cmocka_unit_test(test_f_2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
