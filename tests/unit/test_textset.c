/*
 * test_textset.c - measuring text with per-character font fallback, the
 * notes and errors it gives, and lines turned into runs of one font.
 *
 * Uses the project's roles.yaml and the faces scripts/install-deps.sh
 * installs (FandolFang, Noto CJK, Arphic, WenQuanYi, LXGW, Liberation),
 * like test_fonts.c.
 */
#include "testing.h"

#include "arena.h"
#include "diag.h"
#include "font_usage.h"
#include "fonts.h"
#include "textset.h"

#define WENKAI "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define SERIF "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
#define UMING "/usr/share/fonts/truetype/arphic/uming.ttc"
#define GBSN "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"

/* Page fonts: the first faces of body and subheading come first. */
#define PF_BODY 0                /* FandolFang */
#define PF_SUBHEADING 1          /* AR PL KaitiM GB */
#define PF_SERIF 2               /* the first fallback face used below */
#define PF_WENKAI 3              /* the subheading's fallback for 𠮷 */

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
	assert_int_equal(m.fonts[1], PF_SERIF);
	assert_int_equal(m.fonts[2], PF_BODY);
	assert_int_equal(m.fonts[3], PF_BODY);
	assert_float_equal(m.chars[1].advance, 16, 1e-9);
	assert_float_equal(m.chars[1].em, 16, 1e-9);
	pf = font_usage_page_fonts(f->usage, &n);
	assert_int_equal(n, 3);
	assert_string_equal(pf[PF_SERIF].path, SERIF);
	assert_int_equal(pf[PF_SERIF].face_index, 2);
	/* the subheading reaches WenKai through its own list first */
	m = measure(f, "𠮷", ROLE_SUBHEADING, at(9, 1), true);
	assert_int_equal(m.fonts[0], PF_WENKAI);
	pf = font_usage_page_fonts(f->usage, &n);
	assert_int_equal(n, 4);
	assert_string_equal(pf[PF_WENKAI].path, WENKAI);
	/* and the body's Noto Serif is the page font of every role using it */
	m = measure(f, "王𠮷", ROLE_BODY, at(9, 1), true);
	assert_int_equal(m.fonts[1], PF_SERIF);
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
	    "not in FandolFang; set in Noto Serif CJK SC (𠮷), "
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
	const page_font *pf;
	size_t n;

	/* the digits are set in the role's latin face, which is no fallback */
	for (size_t i = 0; i < m.count; i++)
		if (i < 6 || i == 10)
			assert_int_equal(m.fonts[i], PF_BODY);
		else
			assert_int_equal(m.fonts[i], m.fonts[6]);
	pf = font_usage_page_fonts(f->usage, &n);
	assert_string_equal(pf[m.fonts[6]].path,
	    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf");
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
	    "in any font of role body (tried FandolFang, AR PL SungtiL GB, "
	    "AR PL UMing CN, Noto Serif CJK SC, LXGW WenKai, WenQuanYi Zen "
	    "Hei)\n");
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
	    "FandolKai, AR PL UKai CN, LXGW WenKai, Noto Serif CJK SC, "
	    "AR PL UMing CN, WenQuanYi Zen Hei)\n");
}

/* measure_file:
 * text of a one-face set (file's face 0) measured at 16 pt. */
static measured_text
measure_file(fixture *f, const char *file, const char *text)
{
	font_set *set = font_set_open_file(file, 0, &f->diag);
	font_usage *usage = font_usage_create(f->a, set);
	measured_text m;

	assert_true(measure_text(f->a, text, usage, 0, 16, at(1, 1),
	                         "paragraph", &f->diag, &m));
	font_set_free(set);
	return m;
}

/* The ink decides which blank a mark gives up: FandolFang and SungtiL GB
 * put 。、 bottom-left (right half blank), AR PL UMing centres them (a
 * quarter each side); “ is blank on the left in all; Han gives none. */
static void
test_marks_measured_by_their_ink(void **state)
{
	fixture *f = *state;
	measured_text fang = measure(f, "。、“政", ROLE_BODY, at(1, 1), true);
	measured_text song = measure_file(f, GBSN, "。、“政");
	measured_text ming = measure_file(f, UMING, "。、“政");

	for (int k = 0; k < 2; k++) {
		assert_true(fang.chars[k].ink_known && ming.chars[k].ink_known);
		assert_float_equal(fang.chars[k].squeeze_left, 0, 1e-9);
		assert_float_equal(fang.chars[k].squeeze_right, 8, 1e-9);
		assert_float_equal(song.chars[k].squeeze_right, 8, 1e-9);
		assert_float_equal(ming.chars[k].squeeze_left, 4, 1e-9);
		assert_float_equal(ming.chars[k].squeeze_right, 4, 1e-9);
	}
	assert_float_equal(fang.chars[2].squeeze_left, 8, 1e-9);
	assert_float_equal(ming.chars[2].squeeze_right, 0, 1e-9);
	assert_float_equal(ming.chars[3].squeeze_left + ming.chars[3].squeeze_right,
	                   0, 1e-9);
	assert_string_equal(messages(f), "");
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
	assert_run(&out.runs[1], "𠮷", PF_SERIF, 26, 0);
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
	assert_run(&out.runs[1], "𠮷𠮷", PF_SERIF, 36, 2);
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

/* The ink box a document asks for is the font's, asked of the font once
 * per face and character: the cache must never give another face's box. */
static void
test_ink_box_cached_per_face(void **state)
{
	static const uint32_t marks[] = { 0x3002, 0xFF0C, 0x201C, 0x2014, 0x3001 };
	fixture *f = *state;
	const font_face *faces[2] = {
		font_set_face(f->fonts, ROLE_BODY),
		font_set_face(f->fonts, ROLE_SUBHEADING),
	};

	for (int round = 0; round < 2; round++)
		for (size_t k = 0; k < 2; k++)
			for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
				int want[4], got[4];
				bool found = font_ink_box(faces[k], marks[i], &want[0],
				                          &want[1], &want[2], &want[3]);

				assert_int_equal(font_usage_ink_box(f->usage, faces[k],
				                 marks[i], &got[0], &got[1], &got[2],
				                 &got[3]), found);
				if (found)
					assert_memory_equal(got, want, sizeof(want));
			}
	/* a character without a glyph has no box, cached or not */
	for (int round = 0; round < 2; round++) {
		int box[4];

		assert_false(font_usage_ink_box(f->usage, faces[0], 0xE000, &box[0],
		                                &box[1], &box[2], &box[3]));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_marks_measured_by_their_ink,
		                                setup, teardown),
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
		cmocka_unit_test_setup_teardown(
		    test_ink_box_cached_per_face, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
