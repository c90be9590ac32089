/*
 * test_table_layout.c - the grid engine: column widths, cell text, row
 * heights, page-split points and segments with repeated labels.
 */
#include "testing.h"

#include <math.h>

#include "arena.h"
#include "diag.h"
#include "font_usage.h"
#include "fonts.h"
#include "layout.h"
#include "report.h"
#include "table_layout.h"

#define SUNG "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define TEXT_WIDTH (156 * 72 / 25.4)

/* Everything but the table, which each test appends. */
static const char head[] =
	"name: grid\n"
	"page: {width: 210mm, height: 297mm, margin_top: 37mm, margin_left: 28mm, "
	"text_width: 156mm, text_height: 225mm, line_pitch: 28.991pt}\n"
	"fonts: {body: 16pt, table: 10pt}\n"
	"styles:\n"
	"  title: {font: body, align: center}\n"
	"  heading1: {font: body}\n"
	"  heading2: {font: body}\n"
	"  paragraph: {font: body, align: justify, first_indent: 2em}\n"
	"  signoff: {font: body, align: right}\n"
	"page_number: {font: body, format: \"{n}\", below_text: 7mm, odd: right, "
	"even: left, indent: 1em}\n"
	"title: [\"{agency}\"]\n"
	"subheading_numbers: [（一）]\n"
	"chapters:\n"
	"  - {id: 一, heading: 一、一, table: 表}\n"
	"tables:\n"
	"  表:\n"
	"    font: table\n"
	"    padding: 2pt\n";

typedef struct fixture {
	arena *a;
	diag_sink diag;
	char *messages;
	size_t length;
	FILE *stream;
	font_set *fonts;
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	f->a = arena_create();
	f->stream = open_memstream(&f->messages, &f->length);
	diag_init(&f->diag, f->stream);
	f->fonts = font_set_open_file(SUNG, 0, &f->diag);
	assert_non_null(f->fonts);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	fclose(f->stream);
	free(f->messages);
	font_set_free(f->fonts);
	arena_destroy(f->a);
	free(f);
	return 0;
}

static const char *
messages(fixture *f)
{
	fflush(f->stream);
	return f->messages ? f->messages : "";
}

/* Values for every bound cell: "0", or text from the given list in
 * cell order. */
static table_values *
values_for(fixture *f, const table_def *t, const char *const *texts)
{
	table_values *tv = arena_alloc(f->a, sizeof(*tv));
	size_t k = 0;

	tv->table = t;
	tv->rows = arena_calloc(f->a, t->value_row_count + 1, sizeof(*tv->rows));
	for (size_t r = 0; r < t->value_row_count; r++)
		tv->rows[r] = arena_calloc(f->a, t->value_rows[r].column_count + 1,
		                           sizeof(cell_value));
	for (size_t i = 0; i < t->cell_count; i++) {
		const table_cell *c = &t->cells[i];
		cell_value *v;

		if (c->value_row < 0)
			continue;
		v = &tv->rows[c->value_row][c->value_col];
		v->present = true;
		v->text = texts != NULL && texts[k] != NULL ? texts[k++] : "0";
	}
	return tv;
}

/* Lays out the table of head + table_yaml at TEXT_WIDTH. */
static const table_box *
lay_out(fixture *f, const char *table_yaml, const char *const *texts)
{
	char *text = arena_printf(f->a, "%s%s", head, table_yaml);
	const layout *l = layout_load_buffer(f->a, "grid.yaml", text,
	                                     strlen(text), &f->diag);
	const table_def *t;

	assert_string_equal(messages(f), "");
	assert_non_null(l);
	t = &l->tables[0];
	return table_layout(f->a, t, values_for(f, t, texts),
	                    font_usage_create(f->a, f->fonts), 0, t->size, TEXT_WIDTH,
	                    t->pos, &f->diag);
}

static double
col_width(const table_box *t, int j)
{
	return t->col_x[j + 1] - t->col_x[j];
}

static void
test_widths_fill_exactly(void **state)
{
	fixture *f = *state;
	const table_box *t = lay_out(f,
		"    columns: [30mm, fit, 1fr, 2fr]\n"
		"    values: {rows: [{id: 甲, columns: [子, 丑]}]}\n"
		"    cells:\n"
		"      - {at: [0, 0], text: 项}\n"
		"      - {at: [0, 1], text: 信息内容}\n"
		"      - {at: [0, 2], value: [甲, 子]}\n"
		"      - {at: [0, 3], value: [甲, 丑]}\n", NULL);

	assert_non_null(t);
	assert_float_equal(t->col_x[4], TEXT_WIDTH, 1e-9);
	assert_float_equal(col_width(t, 0), 30 * 72 / 25.4, 1e-9);
	/* fit: four characters of 10pt plus 2pt padding each side */
	assert_float_equal(col_width(t, 1), 44, 1e-9);
	assert_float_equal(col_width(t, 3), 2 * col_width(t, 2), 1e-9);
}

static void
test_share_columns_keep_their_minimum(void **state)
{
	fixture *f = *state;
	static const char *const big[] = { "1234567", "1", NULL };
	const table_box *t = lay_out(f,
		"    columns: [130mm, 1fr, 1fr]\n"
		"    values: {rows: [{id: 甲, columns: [子, 丑]}]}\n"
		"    cells:\n"
		"      - {at: [0, 0], text: 项}\n"
		"      - {at: [0, 1], value: [甲, 子]}\n"
		"      - {at: [0, 2], value: [甲, 丑]}\n", big);

	assert_non_null(t);
	/* 7 digits of 5pt plus padding: 39pt; the other column gets the rest */
	assert_float_equal(col_width(t, 1), 39, 1e-9);
	assert_float_equal(t->col_x[3], TEXT_WIDTH, 1e-9);
	assert_true(col_width(t, 2) < 39);
}

static void
test_too_wide_is_an_error(void **state)
{
	fixture *f = *state;
	char *text = arena_printf(f->a, "%s%s", head,
		"    columns: [150mm, 1fr]\n"
		"    values: {rows: [{id: 甲, columns: [子]}]}\n"
		"    cells:\n"
		"      - {at: [0, 0], text: 项}\n"
		"      - {at: [0, 1], value: [甲, 子]}\n");
	static const char *const big[] = { "123456789", NULL };
	const layout *l = layout_load_buffer(f->a, "grid.yaml", text,
	                                     strlen(text), &f->diag);
	const table_def *t = &l->tables[0];

	assert_null(table_layout(f->a, t, values_for(f, t, big),
	                         font_usage_create(f->a, f->fonts), 0, t->size,
	                         TEXT_WIDTH, t->pos, &f->diag));
	assert_string_equal(messages(f), "grid.yaml:16:3: error: 表: its "
	                    "columns need at least 474.2pt, more than the "
	                    "442.2pt available\n");
}

static void
test_text_that_cannot_fit_a_fixed_cell(void **state)
{
	fixture *f = *state;
	char *text = arena_printf(f->a, "%s%s", head,
		"    columns: [1fr, 20pt]\n"
		"    values: {rows: [{id: 甲, columns: [子]}]}\n"
		"    cells:\n"
		"      - {at: [0, 0], text: 项}\n"
		"      - {at: [0, 1], value: [甲, 子]}\n");
	static const char *const big[] = { "123456", NULL };
	const layout *l = layout_load_buffer(f->a, "grid.yaml", text,
	                                     strlen(text), &f->diag);
	const table_def *t = &l->tables[0];

	assert_null(table_layout(f->a, t, values_for(f, t, big),
	                         font_usage_create(f->a, f->fonts), 0, t->size,
	                         TEXT_WIDTH, t->pos, &f->diag));
	assert_string_equal(messages(f), "grid.yaml:16:3: error: 表 row 甲, "
	                    "column 子: text '123456' does not fit its cell "
	                    "(16.0pt wide) even when wrapped\n");
}

/* Two rows; the second has a label that wraps to three lines, and a
 * narrow first column whose spanning cell stacks its characters. */
static const char spans[] =
	"    columns: [14pt, 40pt, 1fr]\n"
	"    header_rows: 1\n"
	"    values: {rows: [{id: 甲, columns: [子]}, {id: 乙, columns: [子]}, "
	"{id: 丙, columns: [子]}]}\n"
	"    cells:\n"
	"      - {at: [0, 0], span: [1, 2], text: 项目}\n"
	"      - {at: [0, 2], text: 数}\n"
	"      - {at: [1, 0], span: [3, 1], text: 一二三四五六七八九十}\n"
	"      - {at: [1, 1], text: 甲}\n"
	"      - {at: [1, 2], value: [甲, 子]}\n"
	"      - {at: [2, 1], text: 乙乙乙乙乙乙乙乙乙}\n"
	"      - {at: [2, 2], value: [乙, 子]}\n"
	"      - {at: [3, 1], text: 丙}\n"
	"      - {at: [3, 2], value: [丙, 子]}\n";

static void
test_wrapping_and_stacking_set_row_heights(void **state)
{
	fixture *f = *state;
	const table_box *t = lay_out(f, spans, NULL);
	double pitch = t->line_pitch, total;

	assert_non_null(t);
	/* the colspan cell is as wide as its two columns */
	assert_float_equal(t->col_x[2], 54, 1e-9);
	/* 乙 x 9 in 36pt of text: 3 lines */
	assert_float_equal(t->cells[5].text_height, 2 * pitch + 10, 1e-9);
	assert_true(t->row_height[2] >= 2 * pitch + 10 + 4 - 1e-9);
	assert_true(t->row_height[1] < t->row_height[2]);
	/* the stacked cell: ten characters, one per line */
	assert_int_equal(t->cells[2].run_count, 10);
	assert_float_equal(t->cells[2].text_height, 9 * pitch + 10, 1e-9);
	/* its three rows together hold it, the extra spread evenly */
	total = t->row_height[1] + t->row_height[2] + t->row_height[3];
	assert_float_equal(total, 9 * pitch + 10 + 4, 1e-6);
}

static void
test_split_points_and_repeated_labels(void **state)
{
	fixture *f = *state;
	const table_box *t = lay_out(f, spans, NULL);
	double header = t->row_height[0];
	page_builder out;
	size_t stacked = 0;

	assert_non_null(t);
	/* nothing fits below the header in less than the first row */
	assert_int_equal(table_fit_rows(t, 1, header + t->row_height[1] - 0.1), 1);
	assert_int_equal(table_fit_rows(t, 1, 1000), 4);
	/* rows 2..3 alone: the cut stacked cell needs its full height, so the
	 * segment grows beyond the two rows' own heights */
	assert_true(table_rows_height(t, 2, 4) >
	            header + t->row_height[2] + t->row_height[3] + 1);
	assert_float_equal(table_rows_height(t, 2, 4),
	                   header + 9 * t->line_pitch + 10 + 4, 1e-6);
	/* drawing that segment repeats the header and the stacked label */
	page_builder_init(&out, f->a);
	table_draw_rows(t, 2, 4, true, 0, 0, &out);
	for (size_t i = 0; i < out.run_count; i++) {
		if (strncmp(out.runs[i].text, "项目", out.runs[i].length) == 0)
			assert_true(out.runs[i].y > -header);
		if (out.runs[i].x < 14)
			stacked++;
	}
	assert_int_equal(stacked, 10);
}

static void
test_real_layout_tables(void **state)
{
	fixture *f = *state;
	const layout *l = layout_load_named(f->a, "gov-annual-2021",
	                                    test_data_dir(), ".",
	                                    source_pos_file(NULL), &f->diag);
	const char *roles[] = { "table" };
	font_set *fonts;
	const table_def *four, *three;
	const table_box *t;

	assert_non_null(l);
	fonts = font_set_resolve(test_data_dir(), roles, 1, &f->diag);
	assert_non_null(fonts);
	four = layout_find_table(l, "表四");
	t = table_layout(f->a, four, values_for(f, four, NULL),
	                 font_usage_create(f->a, fonts), 0, four->size, TEXT_WIDTH,
	                 four->pos, &f->diag);
	assert_non_null(t);
	/* every header of table 四 on at most two lines */
	for (size_t i = 0; i < four->cell_count; i++)
		assert_true(t->cells[i].text_height <= t->line_pitch + t->size + 1e-9);
	assert_float_equal(t->col_x[15], TEXT_WIDTH, 1e-6);
	three = layout_find_table(l, "表三");
	t = table_layout(f->a, three, values_for(f, three, NULL),
	                 font_usage_create(f->a, fonts), 0, three->size, TEXT_WIDTH,
	                 three->pos, &f->diag);
	assert_non_null(t);
	assert_float_equal(t->col_x[10], TEXT_WIDTH, 1e-6);
	/* 三、本年度办理结果 stands one character per line */
	for (size_t i = 0; i < three->cell_count; i++)
		if (three->cells[i].rowspan == 22)
			assert_int_equal(t->cells[i].run_count, 9);
	assert_string_equal(messages(f), "");
	font_set_free(fonts);
}

/* A character no font has names the cell it stands in, a value by its
 * row and column, a label by its place (the name is made only then). */
static void
test_missing_character_names_the_cell(void **state)
{
	fixture *f = *state;
	char *text = arena_printf(f->a, "%s%s", head,
		"    columns: [1fr, 1fr]\n"
		"    values: {rows: [{id: 甲, columns: [子]}]}\n"
		"    cells:\n"
		"      - {at: [0, 0], text: 项\U00017000}\n"
		"      - {at: [0, 1], value: [甲, 子]}\n");
	static const char *const missing[] = { "1\U00017001", NULL };
	const layout *l = layout_load_buffer(f->a, "grid.yaml", text,
	                                     strlen(text), &f->diag);
	const table_def *t = &l->tables[0];

	assert_null(table_layout(f->a, t, values_for(f, t, missing),
	                         font_usage_create(f->a, f->fonts), 0, t->size,
	                         TEXT_WIDTH, t->pos, &f->diag));
	assert_string_equal(messages(f),
		"grid.yaml:22:9: error: 表 row 1, column 1 (label): character "
		"'\U00017000' (U+17000) is not in any font of role file (tried AR "
		"PL SungtiL GB)\n"
		"grid.yaml:16:3: error: 表 row 甲, column 子: character "
		"'\U00017001' (U+17001) is not in any font of role file (tried AR "
		"PL SungtiL GB)\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_widths_fill_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_character_names_the_cell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_share_columns_keep_their_minimum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_wide_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_that_cannot_fit_a_fixed_cell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrapping_and_stacking_set_row_heights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_points_and_repeated_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_layout_tables, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
