/*
 * init.c - the description `gkreport init` writes for a clerk to fill in.
 *
 * Everything comes from the layout: the chapters in order with their
 * headings, each table's value rows in column order (the targets of the
 * layout's sums left out, since derive.c computes them), and the rows a
 * cross-year rule ("X = previous.Y", per column) fills from last year's
 * description.  C knows none of the rows or chapters by name.
 */
#include "init.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "arena.h"
#include "layout.h"
#include "output.h"
#include "render.h"
#include "report.h"
#include "utf8.h"

/* What a clerk replaces: easy to find, and obvious in a draft PDF. */
#define PLACEHOLDER "【待填写】"
/* Table rows: "        key:" padded to a common column. */
#define ROW_INDENT "        "

typedef struct skeleton {
	FILE *out;
	arena *arena;
	const layout *layout;
	const init_options *opt;
	const report *previous;      /* NULL without --previous */
} skeleton;

/* ---- YAML scalars ---- */

/* Words YAML 1.1 reads as booleans or null when unquoted. */
static const char *const yaml_reserved[] = {
	"y", "n", "yes", "no", "on", "off", "true", "false", "null", NULL
};

/* True when s can be written unquoted and reads back as the same string:
 * Han text, or a name like gov-annual-2021; never a number or boolean. */
static bool
is_plain_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!(*p >= 0x80 || isalpha(*p) || *p == '/'))
		return false;
	for (; *p; p++)
		if (*p < 0x80 && !isalnum(*p) && strchr("_-./", *p) == NULL)
			return false;
	for (size_t i = 0; yaml_reserved[i] != NULL; i++)
		if (strcasecmp(s, yaml_reserved[i]) == 0)
			return false;
	return true;
}

/* Writes s as a YAML scalar: plain when safe, else double-quoted. */
static void
write_scalar(FILE *out, const char *s)
{
	if (is_plain_text(s)) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* Columns a code point takes in a terminal or editor: 2 for Han, kana,
 * Hangul and full-width forms, else 1; for lining up values. */
static int
char_columns(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000 ? 2 : 1;
}

/* Columns s takes; a byte that is not UTF-8 counts as one. */
static int
text_columns(const char *s)
{
	size_t len = strlen(s), i = 0;
	int columns = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		columns += n == 0 ? 1 : char_columns(cp);
		i += n == 0 ? 1 : n;
	}
	return columns;
}

/* ---- the title and the header ---- */

/* s with every "{key}" replaced by value. */
static const char *
substitute(arena *a, const char *s, const char *key, const char *value)
{
	const char *at = strstr(s, key);

	if (at == NULL)
		return s;
	return substitute(a, arena_printf(a, "%.*s%s%s", (int)(at - s), s,
	                                  value, at + strlen(key)),
	                  key, value);
}

/* The default title the layout gives this agency and year. */
static const char *
default_title(const skeleton *sk)
{
	const char *title = "";
	const char *year = arena_printf(sk->arena, "%d", sk->opt->year);

	for (size_t i = 0; i < sk->layout->title_phrase_count; i++) {
		const char *p = sk->layout->title_phrases[i];

		p = substitute(sk->arena, p, "{agency}", sk->opt->agency);
		p = substitute(sk->arena, p, "{year}", year);
		title = arena_printf(sk->arena, "%s%s", title, p);
	}
	return title;
}

/* The layout as the new description names it: a layout of the data
 * folder by its name; one given as a path by its absolute path, since the
 * description may be written elsewhere and resolves paths from there. */
static const char *
layout_reference(const skeleton *sk)
{
	const char *by_name = arena_printf(sk->arena, "%s/layouts/%s.yaml",
	                                   sk->opt->data_dir, sk->opt->layout);
	char *absolute;
	const char *out;

	if (strcmp(sk->layout->path, by_name) == 0 ||
	    (absolute = realpath(sk->layout->path, NULL)) == NULL)
		return sk->opt->layout;
	out = arena_strdup(sk->arena, absolute);
	free(absolute);
	return out;
}

static const char header_help[] =
	"#\n"
	"# 本文件由 gkreport init 生成，是报告描述（格式见 man 5 gkreport）。\n"
	"# 填好后排版：gkreport render 本文件 -o 报告.pdf\n"
	"# 填写提示：\n"
	"#   - “#” 之后是注释，不会印出来；\n"
	"#   - 把 " PLACEHOLDER " 换成正文，每段写成一行，以 “- ” 开头；\n"
	"#   - 小标题写成 “- heading: 标题”，编号（一）（二）…… 由程序自动加上；\n"
	"#   - 表格填阿拉伯数字；注明“由程序计算”的合计不必填写。\n"
	"\n";

/* The comment block, the layout, agency and year, and the title. */
static void
write_header(const skeleton *sk)
{
	const char *title = default_title(sk);

	fprintf(sk->out, "# %s\n%s", title, header_help);
	fputs("layout: ", sk->out);
	write_scalar(sk->out, layout_reference(sk));
	fputs("\nagency: ", sk->out);
	write_scalar(sk->out, sk->opt->agency);
	fprintf(sk->out, "\nyear: %d\n", sk->opt->year);
	fprintf(sk->out, "# 标题未写，默认为：%s\n", title);
	fputs("# preface:                      # 可选：第一章之前的说明段落\n"
	      "#   - 本报告根据《中华人民共和国政府信息公开条例》编制。\n\n",
	      sk->out);
}

/* ---- tables ---- */

/* True when some row sum of t computes row r: the row is left out. */
static bool
is_row_sum_target(const table_def *t, const value_row *r)
{
	for (size_t i = 0; i < t->sum_count; i++)
		if (!t->sums[i].over_columns &&
		    strcmp(t->sums[i].target, r->id) == 0)
			return true;
	return false;
}

/* True when a column sum computes column c of row r: it is left out. */
static bool
is_column_sum_target(const table_def *t, const value_row *r, const char *c)
{
	for (size_t i = 0; i < t->sum_count; i++)
		if (t->sums[i].over_columns &&
		    strcmp(t->sums[i].target, c) == 0 &&
		    value_sum_applies_to_row(&t->sums[i], r))
			return true;
	return false;
}

/* The one plain term of a side of a rule, or NULL when the side has
 * more than one term or subtracts. */
static const rule_term *
single_term(const rule_term *terms, size_t count)
{
	return count == 1 && !terms[0].negative ? &terms[0] : NULL;
}

/* The cross-year rule that sets row_id from a row of last year, column by
 * column ("上年结转 = previous.结转下年度继续办理"); NULL when none. */
static const table_rule *
carry_rule(const table_def *t, const char *row_id, const char **from_row)
{
	for (size_t i = 0; i < t->rule_count; i++) {
		const table_rule *rule = &t->rules[i];
		const rule_term *l, *r;

		if (rule->kind != RULE_EQUAL || rule->per_row)
			continue;
		l = single_term(rule->left, rule->left_count);
		r = single_term(rule->right, rule->right_count);
		if (l == NULL || r == NULL || l->previous == r->previous)
			continue;
		if (r->previous && strcmp(l->id, row_id) == 0) {
			*from_row = r->id;
			return rule;
		}
		if (l->previous && strcmp(r->id, row_id) == 0) {
			*from_row = l->id;
			return rule;
		}
	}
	return NULL;
}

/* True when the rule runs in column (all columns when it lists none). */
static bool
rule_covers_column(const table_rule *rule, const char *column)
{
	if (rule->only == NULL)
		return true;
	for (size_t i = 0; i < rule->only_count; i++)
		if (strcmp(rule->only[i], column) == 0)
			return true;
	return false;
}

/* The values of table id in last year's report, NULL when it has none. */
static const table_values *
previous_table(const report *previous, const char *id)
{
	for (size_t i = 0; previous != NULL && i < previous->block_count; i++) {
		const block *b = &previous->blocks[i];

		if (b->kind == BLOCK_TABLE && strcmp(b->table->table->id, id) == 0)
			return b->table;
	}
	return NULL;
}

/* The number a value of last year states, without a note it carries
 * ("3（其中…）" gives 3). */
static const char *
leading_number(arena *a, const cell_value *v)
{
	return arena_strndup(a, v->text, strspn(v->text, "0123456789."));
}

/* The value printed for column c of row r: last year's when a
 * cross-year rule carries it over, else 0. */
static const char *
initial_value(const skeleton *sk, const table_def *t, const value_row *r,
              const char *c)
{
	const char *from_row = NULL;
	const table_rule *rule = carry_rule(t, r->id, &from_row);
	const cell_value *v;

	if (rule == NULL || !rule_covers_column(rule, c))
		return "0";
	v = report_cell(previous_table(sk->previous, t->id), from_row, c);
	return v != NULL && v->present ? leading_number(sk->arena, v) : "0";
}

/* The columns of row r a description gives, joined by ", ". */
static const char *
given_columns(const skeleton *sk, const table_def *t, const value_row *r)
{
	const char *list = NULL;

	for (size_t i = 0; i < r->column_count; i++)
		if (!is_column_sum_target(t, r, r->columns[i]))
			list = list == NULL ? r->columns[i]
			    : arena_printf(sk->arena, "%s, %s", list, r->columns[i]);
	return list == NULL ? "" : list;
}

/* The label cells left of row r's values in its grid row ("（三）不予公开
 * 1.属于国家秘密"), or NULL when none says more than the id. */
static const char *
row_label(const skeleton *sk, const table_def *t, int row_index)
{
	int grid_row = -1, first_col = t->col_count;
	const char *label = NULL;

	for (size_t i = 0; i < t->cell_count; i++)
		if (t->cells[i].value_row == row_index &&
		    t->cells[i].col < first_col) {
			grid_row = t->cells[i].row;
			first_col = t->cells[i].col;
		}
	for (size_t i = 0; i < t->cell_count; i++) {
		const table_cell *c = &t->cells[i];

		if (c->row == grid_row && c->col < first_col && c->text != NULL)
			label = label == NULL ? c->text
			    : arena_printf(sk->arena, "%s %s", label, c->text);
	}
	if (label != NULL && strcmp(label, t->value_rows[row_index].id) == 0)
		return NULL;
	return label;
}

/* The widest "id:" of the rows a description gives, to line values up. */
static int
key_columns(const table_def *t)
{
	int widest = 0;

	for (size_t i = 0; i < t->value_row_count; i++) {
		int w = text_columns(t->value_rows[i].id) + 1;

		if (!is_row_sum_target(t, &t->value_rows[i]) && w > widest)
			widest = w;
	}
	return widest;
}

/* One row: "id: 0" for a single column, "id: [0, 0, ...]" else. */
static void
write_row_values(const skeleton *sk, const table_def *t, const value_row *r,
                 int width)
{
	size_t given = 0;

	fputs(ROW_INDENT, sk->out);
	write_scalar(sk->out, r->id);
	fprintf(sk->out, ":%*s", width - text_columns(r->id) - 1 + 2, "");
	for (size_t i = 0; i < r->column_count; i++)
		given += !is_column_sum_target(t, r, r->columns[i]);
	fputs(given > 1 ? "[" : "", sk->out);
	for (size_t i = 0, k = 0; i < r->column_count; i++) {
		if (is_column_sum_target(t, r, r->columns[i]))
			continue;
		fprintf(sk->out, "%s%s", k++ ? ", " : "",
		        initial_value(sk, t, r, r->columns[i]));
	}
	fputs(given > 1 ? "]" : "", sk->out);
	fputs(r->kind == VALUE_AMOUNT ? "   # 金额，可写小数，最多 4 位\n" : "\n",
	      sk->out);
}

/* The comment naming the columns, when they change from the row before;
 * the summed columns it leaves out are named too. */
static void
write_column_comment(const skeleton *sk, const table_def *t,
                     const value_row *r, const char **last)
{
	const char *columns = given_columns(sk, t, r);
	const char *summed = NULL;

	if (*last != NULL && strcmp(*last, columns) == 0)
		return;
	*last = columns;
	for (size_t i = 0; i < r->column_count; i++)
		if (is_column_sum_target(t, r, r->columns[i]))
			summed = r->columns[i];
	fprintf(sk->out, ROW_INDENT "# 各列：%s", columns);
	if (summed != NULL)
		fprintf(sk->out, "（%s 由程序计算，不必填写）", summed);
	fputc('\n', sk->out);
}

/* A table of zeros (or last year's carried values): a comment naming the
 * columns when they change, each row's label, totals left to the sums. */
static void
write_table(const skeleton *sk, const table_def *t)
{
	int width = key_columns(t);
	const char *last_columns = NULL;

	fputs("    - table:\n", sk->out);
	for (size_t i = 0; i < t->value_row_count; i++) {
		const value_row *r = &t->value_rows[i];
		const char *label = row_label(sk, t, (int)i);

		if (is_row_sum_target(t, r)) {
			fprintf(sk->out, ROW_INDENT "# %s：各项之和，由程序计算，"
			        "不必填写\n", label != NULL ? label : r->id);
			continue;
		}
		write_column_comment(sk, t, r, &last_columns);
		if (label != NULL)
			fprintf(sk->out, ROW_INDENT "# %s\n", label);
		write_row_values(sk, t, r, width);
	}
}

/* ---- chapters, sign-off ---- */

/* One chapter under its printed heading: its table, or a placeholder
 * paragraph to replace. */
static void
write_chapter(const skeleton *sk, const chapter_def *ch)
{
	const table_def *t = ch->table >= 0 ? &sk->layout->tables[ch->table]
	    : NULL;

	fprintf(sk->out, "  # %s%s%s%s\n", ch->heading, t ? "（" : "",
	        t ? t->id : "", t ? "）" : "");
	fputs("  ", sk->out);
	write_scalar(sk->out, ch->id);
	fputs(":\n", sk->out);
	if (t != NULL) {
		write_table(sk, t);
		fputs("    # 表后可接说明段落或 “- note: 注：……”\n", sk->out);
	} else {
		fputs("    # 可分小标题：“- heading: 标题”，其后接正文段落\n"
		      "    - " PLACEHOLDER "\n", sk->out);
	}
	fputc('\n', sk->out);
}

/* The sign-off with a real date, the last day of January after the
 * year reported, when annual reports are due. */
static void
write_signoff(const skeleton *sk)
{
	fputs("# 落款：印在正文之后，右对齐\nsignoff:\n  agency: ", sk->out);
	write_scalar(sk->out, sk->opt->agency);
	fprintf(sk->out, "\n  date: %d-01-31               "
	        "# 成文日期，写成 年-月-日，请按实际日期修改\n",
	        sk->opt->year + 1);
}

/* The whole description, in the order gkreport(5) shows it. */
static void
write_skeleton(const skeleton *sk)
{
	write_header(sk);
	fputs("chapters:\n", sk->out);
	for (size_t i = 0; i < sk->layout->chapter_count; i++)
		write_chapter(sk, &sk->layout->chapters[i]);
	write_signoff(sk);
}

/* ---- the command ---- */

/* Last year's description, when given: loaded like any description.  A
 * year that is not the one before is worth a warning, not a refusal. */
static bool
load_previous(skeleton *sk, diag_sink *diag)
{
	const init_options *opt = sk->opt;

	if (opt->previous == NULL)
		return true;
	sk->previous = report_load_file(sk->arena, opt->previous,
	                                opt->data_dir, diag);
	if (sk->previous == NULL)
		return false;
	if (sk->previous->year != opt->year - 1)
		diag_warning(diag, source_pos_file(opt->previous),
		             "last year's description is for %d, not %d",
		             sk->previous->year, opt->year - 1);
	return true;
}

/* Prints the skeleton into memory and writes it in one go, so that a
 * failure leaves nothing behind. */
static int
print_and_write(skeleton *sk, diag_sink *diag)
{
	char *text = NULL;
	size_t size = 0;
	bool ok;

	sk->out = open_memstream(&text, &size);
	if (sk->out == NULL) {
		diag_error(diag, source_pos_file(NULL), "out of memory");
		return EXIT_FAILURE_OTHER;
	}
	write_skeleton(sk);
	fclose(sk->out);
	ok = output_write_atomic(sk->opt->output, text, size, diag);
	free(text);
	return ok ? EXIT_OK : EXIT_FAILURE_OTHER;
}

/* Loads the layout (and last year's description), then prints and
 * writes; see init.h. */
int
init_write(const init_options *opt, diag_sink *diag)
{
	skeleton sk = { NULL, arena_create(), NULL, opt, NULL };
	int status = EXIT_BAD_INPUT;

	if (strcmp(opt->output, "-") != 0 && access(opt->output, F_OK) == 0) {
		diag_error(diag, source_pos_file(opt->output), "the file exists; "
		           "init never writes over a description");
		arena_destroy(sk.arena);
		return EXIT_FAILURE_OTHER;
	}
	sk.layout = layout_load_named(sk.arena, opt->layout, opt->data_dir, ".",
	                              source_pos_file(NULL), diag);
	if (sk.layout != NULL && load_previous(&sk, diag))
		status = print_and_write(&sk, diag);
	arena_destroy(sk.arena);
	return status;
}
