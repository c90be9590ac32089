/*
 * test_textset.c - measuring text with per-character font fallback, the
 * notes and errors it gives, and lines turned into runs of one font.
 *
 * Uses the project's roles.yaml and the installed Arphic, WenQuanYi and
 * LXGW faces, like test_fonts.c.
 */
#include "testing.h"

#include "arena.h"
#include "diag.h"
#include "font_usage.h"
#include "fonts.h"
#include "textset.h"

#define WENKAI "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"

/* Page fonts: the first faces of body and subheading come first. */
#define PF_BODY 0                /* AR PL SungtiL GB */
#define PF_SUBHEADING 1          /* AR PL KaitiM GB */
#define PF_WENKAI 2              /* the first fallback face used below */

enum { ROLE_BODY, ROLE_SUBHEADING };

typedef struct fixture {
	arena *a;
	diag_sink diag;
	char *messages;
	size_t length;
	FILE *stream;
	font_set *fonts;
	font_usage *usage;
} fixture;

/* setup:
 * The body and subheading roles of the project, diagnostics in memory. */
static int
setup(void **state)
{
	static const char *const roles[] = { "body", "subheading" };
	fixture *f = calloc(1, sizeof(*f));

	f->a = arena_create();
	f->stream = open_memstream(&f->messages, &f->length);
	diag_init(&f->diag, f->stream);
	f->fonts = font_set_resolve(test_data_dir(), roles, 2, &f->diag);
	assert_non_null(f->fonts);
	f->usage = font_usage_create(f->a, f->fonts);
	*state = f;
	return 0;
}

/* teardown:
 * Frees what setup made. */
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

/* messages:
 * Everything printed so far. */
static const char *
messages(fixture *f)
{
	fflush(f->stream);
	return f->messages ? f->messages : "";
}

/* at:
 * A position in a description called test.yaml. */
static source_pos
at(int line, int column)
{
	source_pos pos = { "test.yaml", line, column };

	return pos;
}

/* measure:
 * Measures text of role at 16pt; the test fails if measuring does not
 * give expect_ok. */
static measured_text
measure(fixture *f, const char *text, int role, source_pos pos,
        bool expect_ok)
{
	measured_text m;

	assert_int_equal(measure_text(f->a, text, f->usage, role, 16, pos,
	                              "paragraph", &f->diag, &m), expect_ok);
	return m;
}

/* assert_run:
 * A run's text, font, x and spacing. */
static void
assert_run(const text_run *run, const char *text, int font, double x,
           double spacing)
{
	assert_int_equal(run->length, strlen(text));
	assert_memory_equal(run->text, text, run->length);
	assert_int_equal(run->font, font);
	assert_float_equal(run->x, x, 1e-9);
	assert_float_equal(run->char_spacing, spacing, 1e-9);
}

static void
test_each_character_takes_the_first_face_with_it(void **state)
{
	fixture *f = *state;
	measured_text m = measure(f, "王𠮷社区", ROLE_BODY, at(3, 5), true);
	const page_font *pf;
	size_t n;

	assert_int_equal(m.count, 4);
	assert_int_equal(m.chars[1].cp, 0x20BB7);
	assert_int_equal(m.offsets[1], 3);
	assert_int_equal(m.offsets[2], 7);
	assert_int_equal(m.offsets[4], strlen("王𠮷社区"));
	assert_int_equal(m.fonts[0], PF_BODY);
	assert_int_equal(m.fonts[1], PF_WENKAI);
	assert_int_equal(m.fonts[2], PF_BODY);
	assert_int_equal(m.fonts[3], PF_BODY);
	assert_float_equal(m.chars[1].advance, 16, 1e-9);
	assert_float_equal(m.chars[1].em, 16, 1e-9);
	pf = font_usage_page_fonts(f->usage, &n);
	assert_int_equal(n, 3);
	assert_string_equal(pf[PF_WENKAI].path, WENKAI);
	assert_int_equal(pf[PF_WENKAI].face_index, 0);
	/* the subheading reaches WenKai through its own list: same page font */
	m = measure(f, "𠮷", ROLE_SUBHEADING, at(9, 1), true);
	assert_int_equal(m.fonts[0], PF_WENKAI);
	font_usage_page_fonts(f->usage, &n);
	assert_int_equal(n, 3);
	assert_string_equal(messages(f), "");
}

static void
test_fallback_note_once_per_role(void **state)
{
	fixture *f = *state;

	measure(f, "王𠮷社区", ROLE_BODY, at(3, 5), true);
	measure(f, "𠮷昇，𠮷", ROLE_BODY, at(7, 5), true);
	measure(f, "𠮷", ROLE_SUBHEADING, at(9, 1), true);
	measure(f, "政府", ROLE_BODY, at(11, 5), true);
	font_usage_report(f->usage, &f->diag);
	font_usage_report(f->usage, &f->diag);
	assert_string_equal(messages(f),
	    "test.yaml:3:5: note: role body: 𠮷 (U+20BB7), 昇 (U+6607) are "
	    "not in AR PL SungtiL GB; set in LXGW WenKai (𠮷), "
	    "AR PL UMing CN (昇)\n"
	    "test.yaml:9:1: note: role subheading: 𠮷 (U+20BB7) is not in "
	    "AR PL KaitiM GB; set in LXGW WenKai\n");
	assert_int_equal(f->diag.notes, 2);
	assert_int_equal(f->diag.errors, 0);
}

static void
test_no_note_without_fallback(void **state)
{
	fixture *f = *state;
	measured_text m = measure(f, "政府信息公开2024年", ROLE_BODY, at(1, 1),
	                          true);

	for (size_t i = 0; i < m.count; i++)
		assert_int_equal(m.fonts[i], PF_BODY);
	font_usage_report(f->usage, &f->diag);
	assert_string_equal(messages(f), "");
}

static void
test_character_in_no_font_is_an_error(void **state)
{
	fixture *f = *state;
	measured_text m = measure(f, "甲𗀀乙𗀀", ROLE_BODY, at(3, 5), false);

	assert_string_equal(messages(f),
	    "test.yaml:3:5: error: paragraph: character '𗀀' (U+17000) is not "
	    "in any font of role body (tried AR PL SungtiL GB, AR PL UMing CN, "
	    "LXGW WenKai, WenQuanYi Zen Hei)\n");
	assert_int_equal(f->diag.errors, 1);
	assert_int_equal(m.count, 4);
	assert_float_equal(m.chars[1].advance, 16, 1e-9);
	assert_int_equal(m.fonts[1], PF_BODY);
	/* a missing character is not a fallback */
	font_usage_report(f->usage, &f->diag);
	assert_int_equal(f->diag.notes, 0);
}

static void
test_private_use_is_an_error(void **state)
{
	fixture *f = *state;

	measure(f, "\xee\x80\x80", ROLE_SUBHEADING, at(2, 1), false);
	assert_string_equal(messages(f),
	    "test.yaml:2:1: error: paragraph: character '\xee\x80\x80' (U+E000) "
	    "is not in any font of role subheading (tried AR PL KaitiM GB, "
	    "AR PL UKai CN, LXGW WenKai, AR PL UMing CN, WenQuanYi Zen Hei)\n");
}

static void
test_line_runs_split_where_the_font_changes(void **state)
{
	fixture *f = *state;
	measured_text m = measure(f, "王𠮷社区", ROLE_BODY, at(3, 5), true);
	lb_params p = { 1000, 0, false, 0.25 };
	lb_line line = { .start = 0, .end = m.count, .last = true };
	double x[5];
	page_builder out;

	lb_place(m.chars, &line, &p, true, x);
	page_builder_init(&out, f->a);
	emit_line(&out, &m, &line, x, 10, 100);
	assert_int_equal(out.run_count, 3);
	assert_run(&out.runs[0], "王", PF_BODY, 10, 0);
	assert_run(&out.runs[1], "𠮷", PF_WENKAI, 26, 0);
	assert_run(&out.runs[2], "社区", PF_BODY, 42, 0);
	for (size_t i = 0; i < out.run_count; i++) {
		assert_float_equal(out.runs[i].y, 100, 1e-9);
		assert_float_equal(out.runs[i].size, 16, 1e-9);
	}
}

static void
test_line_runs_keep_spacing_within_each_font(void **state)
{
	fixture *f = *state;
	measured_text m = measure(f, "甲乙𠮷𠮷丙 ", ROLE_BODY, at(3, 5), true);
	lb_line line = { .start = 0, .end = m.count, .last = true };
	double x[7] = { 0, 18, 36, 54, 72, 90, 106 };  /* 2pt after each */
	page_builder out;

	page_builder_init(&out, f->a);
	emit_line(&out, &m, &line, x, 0, 0);
	assert_int_equal(out.run_count, 3);
	assert_run(&out.runs[0], "甲乙", PF_BODY, 0, 2);
	assert_run(&out.runs[1], "𠮷𠮷", PF_WENKAI, 36, 2);
	assert_run(&out.runs[2], "丙", PF_BODY, 72, 0);   /* space dropped */
}

static void
test_line_of_one_font_is_one_run(void **state)
{
	fixture *f = *state;
	measured_text m = measure(f, "政府信息", ROLE_BODY, at(3, 5), true);
	lb_line line = { .start = 0, .end = m.count, .last = true };
	double x[5] = { 0, 17, 34, 51, 68 };
	page_builder out;

	page_builder_init(&out, f->a);
	emit_line(&out, &m, &line, x, 5, 0);
	assert_int_equal(out.run_count, 1);
	assert_run(&out.runs[0], "政府信息", PF_BODY, 5, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_each_character_takes_the_first_face_with_it, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fallback_note_once_per_role, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_no_note_without_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_character_in_no_font_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_private_use_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_line_runs_split_where_the_font_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_line_runs_keep_spacing_within_each_font, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_line_of_one_font_is_one_run, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
