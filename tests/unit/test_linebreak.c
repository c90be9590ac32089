/*
 * test_linebreak.c - 禁则, unbreakable runs, 先挤进/后推出, justification,
 * the Han/Latin gap, space normalisation and balanced titles.
 */
#include "testing.h"

#include <math.h>
#include <time.h>

#include "arena.h"
#include "linebreak.h"
#include "utf8.h"

#define EM 10.0

/* Characters of a UTF-8 string: full-width ones 1 em, ASCII ½ em.
 * Round numbers make every expected position exact. */
static lb_char *
make_chars(arena *a, const char *text, double em, size_t *n)
{
	uint32_t *cps;
	lb_char *chars;
	size_t i;

	*n = utf8_to_codepoints(a, text, strlen(text), &cps);
	chars = arena_calloc(a, *n + 1, sizeof(*chars));
	for (i = 0; i < *n; i++) {
		chars[i].cp = cps[i];
		chars[i].em = em;
		chars[i].advance = cps[i] < 0x80 ? em / 2 : em;
	}
	return chars;
}

/* Code point index of the first occurrence of needle in text (UTF-8),
 * for naming break positions by their text. */
static size_t
index_of(const char *text, const char *needle)
{
	const char *hit = strstr(text, needle);

	assert_non_null(hit);
	return utf8_length(text, (size_t)(hit - text));
}

/* Lines cover [0, n) in order, and the last one (only) is marked last. */
static void
assert_lines_cover(const lb_line *lines, size_t count, size_t n)
{
	size_t i, at = 0;

	assert_true(count >= 1);
	for (i = 0; i < count; i++) {
		assert_int_equal(lines[i].start, at);
		assert_true(lines[i].end > lines[i].start);
		assert_int_equal(lines[i].last, i == count - 1);
		at = lines[i].end;
	}
	assert_int_equal(at, n);
}

/* Neither line starts nor ends break the explicit GB/T 15834 sets
 * (not lb_no_line_start, so the test catches a broken table too). */
static void
assert_kinsoku(const lb_char *chars, const lb_line *lines, size_t count)
{
	static const uint32_t bad_start[] = {
		0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,
		0xFF09, 0x300B, 0x201D,
	};
	static const uint32_t bad_end[] = { 0xFF08, 0x300A, 0x201C };
	size_t i, j, last;

	for (i = 0; i < count; i++) {
		for (j = 0; j < sizeof(bad_start) / sizeof(*bad_start); j++)
			if (i > 0)
				assert_int_not_equal(chars[lines[i].start].cp,
				                     bad_start[j]);
		if (lines[i].last)
			continue;
		last = lines[i].end - 1;
		while (last > lines[i].start && lb_is_space(chars[last].cp))
			last--;
		for (j = 0; j < sizeof(bad_end) / sizeof(*bad_end); j++)
			assert_int_not_equal(chars[last].cp, bad_end[j]);
	}
}

/* No line boundary falls strictly inside the first occurrence of word. */
static void
assert_not_split(const char *text, const lb_line *lines, size_t count,
                 const char *word)
{
	size_t from = index_of(text, word);
	size_t to = from + utf8_length(word, strlen(word));
	size_t i;

	for (i = 0; i + 1 < count; i++)
		assert_false(lines[i].end > from && lines[i].end < to);
}

static lb_params
params(double width, bool justify)
{
	lb_params p = { .width = width, .justify = justify, .gap_em = 0.25 };

	return p;
}

static void
test_classes(void **state)
{
	(void)state;
	assert_true(lb_is_han(0x4E2D));          /* 中 */
	assert_true(lb_is_han(0x3007));          /* 〇 */
	assert_true(lb_is_han(0x3400));          /* extension A */
	assert_true(lb_is_han(0x20000));         /* extension B */
	assert_true(lb_is_han(0x30000));         /* extension G */
	assert_true(lb_is_han(0xF900));          /* compatibility */
	assert_false(lb_is_han('A'));
	assert_false(lb_is_han(0x3002));
	assert_true(lb_is_digit_or_latin('7'));
	assert_true(lb_is_digit_or_latin('z'));
	assert_true(lb_is_digit_or_latin(0xE9));   /* é */
	assert_true(lb_is_digit_or_latin(0x0101)); /* ā */
	assert_false(lb_is_digit_or_latin(0xFF11)); /* full-width 1 */
	assert_false(lb_is_digit_or_latin(0x4E2D));
	assert_false(lb_is_digit_or_latin(0xD7));  /* × */
	assert_true(lb_is_space(' '));
	assert_true(lb_is_space(0x3000));
	assert_false(lb_is_space(0x4E00));
}

static void
test_kinsoku_sets(void **state)
{
	static const uint32_t starts[] = {
		0x3001, 0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,
		0x201D, 0x2019, 0xFF09, 0x3015, 0x3011, 0x300B, 0x3009,
		0x2014, 0x2026, 0x2E3A, 0x00B7, 0xFF0F, '%', 0x2103, ')',
	};
	static const uint32_t ends[] = {
		0x201C, 0x2018, 0xFF08, 0x3014, 0x3010, 0x300A, 0x3008,
		0xFF0F, '(', 0xFFE5, '$',
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(starts) / sizeof(*starts); i++) {
		assert_true(lb_no_line_start(starts[i]));
		assert_false(lb_no_line_end(starts[i]) && starts[i] != 0xFF0F);
	}
	for (i = 0; i < sizeof(ends) / sizeof(*ends); i++)
		assert_true(lb_no_line_end(ends[i]));
	assert_false(lb_no_line_start(0x4E2D));
	assert_false(lb_no_line_end(0x4E2D));
	assert_false(lb_no_line_start(0xFF08));
	assert_false(lb_no_line_end(0x3002));
}

static void
test_normalize(void **state)
{
	static const char *cases[][2] = {
		{ "2024 年", "2024年" },
		{ "信息 16 条", "信息16条" },
		{ "Hello  World", "Hello World" },
		{ "全年召开政府信息公开工作会议 2 次。",
		  "全年召开政府信息公开工作会议2次。" },
		{ "  依据 GB/T 9704 — 2012 排版  ", "依据GB/T 9704—2012排版" },
		{ "政府\n信息", "政府信息" },
		{ "Open\n\tGovernment", "Open Government" },
		{ "（ 2024 ）", "（2024）" },
		{ "　　第一段", "　　第一段" },
		{ "", "" },
		{ " \n ", "" },
	};
	arena *a = arena_create();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		assert_string_equal(lb_normalize_spaces(a, cases[i][0]),
		                    cases[i][1]);
	arena_destroy(a);
}

static const char sample[] =
	"本年度，我单位共收到政府信息公开申请2024件，同比增长5.3%；"
	"涉及资金4068.208万元（含“专项”资金），依据《中华人民共和国政府"
	"信息公开条例》和国办发〔2021〕30号文件——逐项答复……全部办结。"
	"“依申请公开”事项！其中：不予公开（国家秘密）3件、信息不存在"
	"12件？GB/T 9704-2012规定了公文格式。”";

/* Breaks the sample at many widths and indents: 禁则 and the never-split
 * runs hold at every one of them. */
static void
test_kinsoku_sweep(void **state)
{
	arena *a = arena_create();
	size_t n, count, halves;
	lb_char *chars = make_chars(a, sample, EM, &n);
	lb_line *lines;
	lb_params p;

	(void)state;
	for (halves = 6; halves <= 80; halves++) {
		p = params(halves * EM / 2 + 0.3 * (halves % 3), true);
		p.first_indent = (halves % 2) ? 2 * EM : 0;
		count = lb_break(a, chars, n, &p, &lines);
		assert_lines_cover(lines, count, n);
		assert_kinsoku(chars, lines, count);
		assert_not_split(sample, lines, count, "2024");
		assert_not_split(sample, lines, count, "4068.208");
		assert_not_split(sample, lines, count, "5.3%");
		assert_not_split(sample, lines, count, "〔2021〕30号");
		assert_not_split(sample, lines, count, "——");
		assert_not_split(sample, lines, count, "……");
		assert_not_split(sample, lines, count, "GB/T");
		assert_not_split(sample, lines, count, "9704-2012");
	}
	arena_destroy(a);
}

/* x of the end of line's last drawn character, as placed. */
static double
placed_end(arena *a, const lb_char *chars, const lb_line *line,
           const lb_params *p, bool first)
{
	double *x = arena_calloc(a, line->end - line->start, sizeof(*x));
	size_t last = line->end - 1;
	double advance;

	lb_place(chars, line, p, first, x);
	while (last > line->start && lb_is_space(chars[last].cp))
		last--;
	advance = chars[last].advance - lb_line_end_squeeze(chars, line, p);
	return x[last - line->start] + advance;
}

/* 先挤进: a comma that overflows by half an em fits once compressed. */
static void
test_push_in(void **state)
{
	arena *a = arena_create();
	const char *text = "一二三四五六七八九十，一二三";
	size_t n, count;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_params p = params(10.5 * EM, true);
	lb_line *lines;

	(void)state;
	count = lb_break(a, chars, n, &p, &lines);
	assert_int_equal(count, 2);
	assert_int_equal(lines[0].end, 11);        /* the comma stayed */
	assert_true(lines[0].end_compressed);
	assert_true(fabs(lines[0].natural_width - 10.5 * EM) < 1e-6);
	assert_true(fabs(placed_end(a, chars, &lines[0], &p, true) -
	                 p.width) < 1e-6);
	assert_false(lines[1].end_compressed);
	arena_destroy(a);
}

/* 后推出: when even a compressed comma does not fit, the character
 * before it goes down with it and the first line is re-justified. */
static void
test_push_out(void **state)
{
	arena *a = arena_create();
	const char *text = "一二三四五六七八九十，一二三";
	size_t n, count;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_params p = params(10 * EM, true);
	lb_line *lines;

	(void)state;
	count = lb_break(a, chars, n, &p, &lines);
	assert_int_equal(count, 2);
	assert_int_equal(lines[0].end, 9);         /* 十 pushed down */
	assert_int_equal(chars[lines[1].start].cp, 0x5341);
	assert_false(lines[0].end_compressed);
	assert_true(fabs(placed_end(a, chars, &lines[0], &p, true) -
	                 p.width) < 1e-6);
	arena_destroy(a);
}

/* A chain of closing marks (。”) moves or compresses as a whole; in the
 * chain 。 gives up its blank, so 十。” needs 11.5 em, or 11 em with ”
 * compressed at the line end. */
static void
test_closing_chain(void **state)
{
	arena *a = arena_create();
	const char *text = "一二三四五六七八九十。”一二";
	size_t n, count;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_params p = params(11.5 * EM, true);
	lb_line *lines;

	(void)state;
	count = lb_break(a, chars, n, &p, &lines);
	assert_int_equal(count, 2);
	assert_int_equal(lines[0].end, 12);
	assert_false(lines[0].end_compressed);
	p.width = 11 * EM;
	count = lb_break(a, chars, n, &p, &lines);
	assert_int_equal(count, 2);
	assert_int_equal(lines[0].end, 12);        /* ” compressed in */
	assert_true(lines[0].end_compressed);
	p.width = 10.9 * EM;
	count = lb_break(a, chars, n, &p, &lines);
	assert_int_equal(count, 2);
	assert_int_equal(lines[0].end, 9);         /* 十。” down together */
	arena_destroy(a);
}

/* Places text as one unjustified line and returns the x offsets. */
static double *
place_one_line(arena *a, const lb_char *chars, size_t n)
{
	lb_params p = params(1000 * EM, false);
	lb_line line = { .start = 0, .end = n, .last = true };
	double *x = arena_calloc(a, n + 1, sizeof(*x));

	lb_place(chars, &line, &p, true, x);
	return x;
}

/* Consecutive marks take half an em each (the tight style): 。” and ）、
 * one em, not two; a closing mark before an opening one (：“ ”“) keeps
 * half an em between their origins, 1.5 em in all; a lone mark keeps its
 * full em. */
static void
test_consecutive_marks_take_one_em(void **state)
{
	static const char *const texts[] = { "一。”二", "一）、二", "一：“二",
	                                     "一”“二" };
	arena *a = arena_create();
	size_t n, i;
	lb_char *chars;
	double *x;

	(void)state;
	for (i = 0; i < 4; i++) {
		chars = make_chars(a, texts[i], EM, &n);
		x = place_one_line(a, chars, n);
		assert_true(fabs(x[3] - x[1] - (i < 2 ? 1 : 1.5) * EM) < 1e-9);
		assert_true(x[2] - x[1] >= EM / 2 - 1e-9);
		assert_true(fabs(x[1] - EM) < 1e-9);
	}
	chars = make_chars(a, "一，二", EM, &n);
	x = place_one_line(a, chars, n);
	assert_true(fabs(x[2] - 2 * EM) < 1e-9);
	arena_destroy(a);
}

/* Ink boxes as fonts draw 。 and ” (1 em = 10): GB style bottom-left,
 * AR PL UMing centred (measured: 377..623 of 1000). */
#define GB_STOP_INK 1.44, 3.56
#define UMING_STOP_INK 3.77, 6.23
#define QUOTE_INK 0.76, 4.37

/* lb_set_ink takes the blank where the ink leaves it: the right half of
 * a GB-style 。, a quarter on each side of UMing's centred 。, the left
 * half of “, nothing of a Han character. */
static void
test_ink_decides_the_blank(void **state)
{
	lb_char c = { .cp = 0x3002, .advance = EM, .em = EM };

	(void)state;
	lb_set_ink(&c, GB_STOP_INK);
	assert_true(c.ink_known);
	assert_true(fabs(c.squeeze_right - EM / 2) < 1e-9 && c.squeeze_left == 0);
	lb_set_ink(&c, UMING_STOP_INK);
	assert_true(fabs(c.squeeze_left - EM / 4) < 1e-9);
	assert_true(fabs(c.squeeze_right - EM / 4) < 1e-9);
	c.cp = 0x201C;
	lb_set_ink(&c, 5.71, 9.34);
	assert_true(fabs(c.squeeze_left - EM / 2) < 1e-9 && c.squeeze_right == 0);
	/* never more than the blank there is */
	c.cp = 0xFF09;
	lb_set_ink(&c, 0.7, 6.5);
	assert_true(fabs(c.squeeze_right - 3.5) < 1e-9);
	c.cp = 0x4E00;
	lb_set_ink(&c, 0.5, 9.5);
	assert_true(c.squeeze_left == 0 && c.squeeze_right == 0);
	c.cp = 0x3002;
	c.advance = EM / 2;                        /* not full width */
	lb_set_ink(&c, 1, 4);
	assert_true(c.squeeze_left == 0 && c.squeeze_right == 0);
}

/* UMing's centred 。 before ”: the 。 moves a quarter em towards the Han
 * before it and the pair still takes one em; its ink never reaches the
 * quote's.  At a line end the centred 。 gives up both quarters. */
static void
test_uming_centred_marks(void **state)
{
	arena *a = arena_create();
	size_t n;
	lb_char *chars = make_chars(a, "一。”二", EM, &n);
	lb_params p = params(2.5 * EM, true);
	lb_line *lines;
	double *x;

	(void)state;
	lb_set_ink(&chars[1], UMING_STOP_INK);
	lb_set_ink(&chars[2], QUOTE_INK);
	x = place_one_line(a, chars, n);
	assert_true(fabs(x[1] - 0.75 * EM) < 1e-9);
	assert_true(fabs(x[3] - x[1] - 1.25 * EM) < 1e-9);
	assert_true(fabs(x[3] - EM - 1.25 * EM + 0.25 * EM) < 1e-9);
	assert_true(x[1] + 6.23 < x[2] + 0.76);    /* 。 ink before ” ink */
	assert_true(x[1] + 3.77 > EM);             /* clear of 一 */
	/* 一二。 on a line of 2.5 em: 。 compressed to half, moved left */
	chars = make_chars(a, "一二。三四", EM, &n);
	lb_set_ink(&chars[2], UMING_STOP_INK);
	assert_int_equal(lb_break(a, chars, n, &p, &lines), 2);
	assert_int_equal(lines[0].end, 3);
	x = arena_calloc(a, n + 1, sizeof(*x));
	lb_place(chars, &lines[0], &p, true, x);
	assert_true(fabs(x[2] - 1.75 * EM) < 1e-9);
	assert_true(fabs(lb_line_width(chars, &lines[0], &p, true) - 2.5 * EM)
	            < 1e-9);
	arena_destroy(a);
}

/* Right edges are flush: every justified line but the last ends at the
 * width, a line-end ，。 having given up its blank before any space was
 * added between characters (the GB-style and the centred mark alike). */
static void
test_flush_right_edges(void **state)
{
	static const char text[] = "一二三四五六七，八九十一二三四。五六七八九十一二"
	                           "三、四五六七八九十一二三四五";
	arena *a = arena_create();
	size_t n, count, j, i;
	lb_params p = params(8 * EM, true);
	lb_char *chars;
	lb_line *lines;
	int pass, marked = 0;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		chars = make_chars(a, text, EM, &n);
		for (i = 0; pass == 1 && i < n; i++)
			if (chars[i].cp == 0x3002 || chars[i].cp == 0x3001)
				lb_set_ink(&chars[i], UMING_STOP_INK);
		count = lb_break(a, chars, n, &p, &lines);
		assert_true(count >= 3);
		for (j = 0; j + 1 < count; j++) {
			double end = placed_end(a, chars, &lines[j], &p, j == 0);

			assert_true(fabs(lb_line_width(chars, &lines[j], &p, j == 0) -
			                 p.width) < 1e-6);
			assert_true(fabs(end - p.width) < 1e-6);
			if (lb_is_bracket_or_stop(chars[lines[j].end - 1].cp)) {
				assert_true(lb_line_end_squeeze(chars, &lines[j], &p) > 0);
				marked++;
			}
		}
	}
	assert_true(marked >= 4);                  /* ，and 。 in both passes */
	arena_destroy(a);
}

/* An opening mark never ends a line: it goes down with what follows. */
static void
test_opening_mark_goes_down(void **state)
{
	arena *a = arena_create();
	const char *text = "一二三四五六七八九《条例》";
	size_t n, count;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_params p = params(10 * EM, true);
	lb_line *lines;

	(void)state;
	count = lb_break(a, chars, n, &p, &lines);
	assert_int_equal(count, 2);
	assert_int_equal(lines[0].end, 9);
	assert_int_equal(chars[lines[1].start].cp, 0x300A);
	arena_destroy(a);
}

/* Justified lines end exactly at the width; the last line is set at
 * natural spacing; no space is added inside a number. */
static void
test_justify(void **state)
{
	arena *a = arena_create();
	const char *text = "资金4068.208万元用于政府信息公开平台建设和维护工作。";
	size_t n, count, i, k;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_params p = params(13.3 * EM, true);
	size_t num = index_of(text, "4068.208");
	lb_line *lines;
	double *x = arena_calloc(a, n, sizeof(*x));

	(void)state;
	count = lb_break(a, chars, n, &p, &lines);
	assert_true(count >= 2);
	for (i = 0; i + 1 < count; i++) {
		assert_true(fabs(placed_end(a, chars, &lines[i], &p, i == 0) -
		                 p.width) < 1e-6);
		assert_true(fabs(lb_line_width(chars, &lines[i], &p, i == 0) -
		                 p.width) < 1e-6);
	}
	lb_place(chars, &lines[0], &p, true, x);
	for (k = num; k + 1 < num + 8; k++)
		assert_true(fabs(x[k + 1] - x[k] - EM / 2) < 1e-9);
	assert_true(x[num] - x[num - 1] > EM + 0.25 * EM); /* gap + stretch */
	lb_place(chars, &lines[count - 1], &p, count == 1, x);
	for (i = 1; i < lines[count - 1].end - lines[count - 1].start; i++)
		assert_true(fabs(x[i] - x[i - 1] -
		                 chars[lines[count - 1].start + i - 1].advance) <
		            1e-9);
	assert_true(lb_line_width(chars, &lines[count - 1], &p, false) <
	            p.width - 1);
	arena_destroy(a);
}

/* Justification adds no space inside —— or …… (each is one unit). */
static void
test_dash_units_not_stretched(void **state)
{
	arena *a = arena_create();
	const char *text = "公开——依申请……主动公开政府信息工作情况";
	size_t n, count, dash, dots;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_params p = params(15.5 * EM, true);
	lb_line *lines;
	double x[32];

	(void)state;
	count = lb_break(a, chars, n, &p, &lines);
	assert_true(count >= 2);
	assert_true(lines[0].end > index_of(text, "主动"));
	lb_place(chars, &lines[0], &p, true, x);
	dash = index_of(text, "——");
	dots = index_of(text, "……");
	assert_true(fabs(x[dash + 1] - x[dash] - EM) < 1e-9);
	assert_true(fabs(x[dots + 1] - x[dots] - EM) < 1e-9);
	assert_true(x[1] - x[0] > EM + 1e-3);      /* stretched elsewhere */
	arena_destroy(a);
}

/* Han next to digits gets a ¼ em gap on both sides, counted in widths. */
static void
test_han_digit_gap(void **state)
{
	arena *a = arena_create();
	const char *text = "共16条";
	size_t n, count;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_params p = params(40 * EM, true);
	lb_line *lines;
	double x[4];

	(void)state;
	count = lb_break(a, chars, n, &p, &lines);
	assert_int_equal(count, 1);
	lb_place(chars, &lines[0], &p, true, x);
	assert_true(fabs(x[0] - 0) < 1e-9);
	assert_true(fabs(x[1] - 12.5) < 1e-9);
	assert_true(fabs(x[2] - 17.5) < 1e-9);
	assert_true(fabs(x[3] - 25.0) < 1e-9);
	assert_true(fabs(lines[0].natural_width - 35.0) < 1e-9);
	assert_true(fabs(lb_line_width(chars, &lines[0], &p, true) - 35.0) <
	            1e-9);
	arena_destroy(a);
}

/* A space at a line end is dropped from the width; Latin words break
 * at spaces only. */
static void
test_spaces_at_line_end(void **state)
{
	arena *a = arena_create();
	const char *text = "Open Government Information";
	size_t n, count;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_params p = params(8 * EM, false);
	lb_line *lines;

	(void)state;
	count = lb_break(a, chars, n, &p, &lines);
	assert_int_equal(count, 2);
	assert_int_equal(lines[0].end, index_of(text, "Information"));
	assert_true(fabs(lines[0].natural_width - 15 * EM / 2) < 1e-9);
	assert_true(fabs(lb_line_width(chars, &lines[0], &p, true) -
	                 15 * EM / 2) < 1e-9);
	arena_destroy(a);
}

/* A number wider than the line gets a line of its own. */
static void
test_overwide_unit(void **state)
{
	arena *a = arena_create();
	const char *text = "共计31415926535897932元";
	size_t n, count;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_params p = params(5 * EM, true);
	lb_line *lines;

	(void)state;
	count = lb_break(a, chars, n, &p, &lines);
	assert_int_equal(count, 3);
	assert_int_equal(lines[1].start, 2);
	assert_int_equal(lines[1].end, 19);
	assert_int_equal(lb_break(a, chars, 0, &p, &lines), 0);
	arena_destroy(a);
}

/* The first line is narrower by the indent, and its x starts there. */
static void
test_first_indent(void **state)
{
	arena *a = arena_create();
	const char *text = "一二三四五六七八九十一二三四五";
	size_t n, count;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_params p = params(10 * EM, true);
	lb_line *lines;
	double x[10];

	(void)state;
	p.first_indent = 2 * EM;
	count = lb_break(a, chars, n, &p, &lines);
	assert_int_equal(count, 2);
	assert_int_equal(lines[0].end, 8);
	lb_place(chars, &lines[0], &p, true, x);
	assert_true(fabs(x[0] - 2 * EM) < 1e-9);
	arena_destroy(a);
}

static const char title[] = "西工区王城路街道办事处2024年政府信息公开工作年度报告";

/* Title characters: 16 pt em, 22 pt advance for Han, 11 pt for digits. */
static lb_char *
title_chars(arena *a, size_t *n)
{
	lb_char *chars = make_chars(a, title, 16, n);
	size_t i;

	for (i = 0; i < *n; i++)
		chars[i].advance = chars[i].cp < 0x80 ? 11 : 22;
	return chars;
}

/* Widths of the lines as placed, for the balance checks. */
static double
imbalance(const lb_char *chars, const lb_line *lines, size_t count,
          const lb_params *p)
{
	double lo = 1e300, hi = 0, w;
	size_t i;

	for (i = 0; i < count; i++) {
		w = lb_line_width(chars, &lines[i], p, i == 0);
		lo = w < lo ? w : lo;
		hi = w > hi ? w : hi;
	}
	return hi - lo;
}

static void
test_balanced_title_preferred(void **state)
{
	arena *a = arena_create();
	size_t n, count;
	lb_char *chars = title_chars(a, &n);
	bool *preferred = arena_calloc(a, n, sizeof(*preferred));
	lb_params p = params(442, false);
	lb_line *lines;

	(void)state;
	preferred[index_of(title, "2024")] = true;
	preferred[index_of(title, "政府")] = true;
	preferred[index_of(title, "年度")] = true;
	count = lb_break_balanced(a, chars, n, &p, preferred, &lines);
	assert_int_equal(count, 2);
	assert_lines_cover(lines, count, n);
	assert_true(preferred[lines[1].start]);
	assert_int_equal(lines[1].start, index_of(title, "政府"));
	assert_true(imbalance(chars, lines, count, &p) < 0.4 * p.width);
	arena_destroy(a);
}

/* Title shapes: a split leaving one or two characters alone is never
 * taken, the upper line is the longer of two (梯形), and three lines
 * swell in the middle (菱形) or narrow downwards. */
static void
test_title_shapes(void **state)
{
	static const char two[] = "关于进一步做好政府信息公开工作的意见";
	static const char three[] = "一二三四五六七八九十一二三四五六七八九十一二三四五六七";
	arena *a = arena_create();
	size_t n, count;
	lb_char *chars = make_chars(a, two, EM, &n);
	bool *preferred = arena_calloc(a, n + 1, sizeof(*preferred));
	lb_params p = params(16 * EM, false);
	lb_line *lines;
	double w0, w1, w2;

	(void)state;
	/* the only phrase break leaves 意见 alone: not taken */
	preferred[index_of(two, "意见")] = true;
	count = lb_break_balanced(a, chars, n, &p, preferred, &lines);
	assert_int_equal(count, 2);
	assert_true(lines[1].end - lines[1].start > 2);
	w0 = lb_line_width(chars, &lines[0], &p, true);
	w1 = lb_line_width(chars, &lines[1], &p, false);
	assert_true(w0 >= w1);                     /* 梯形 */
	/* 17 characters: 9 over 8, never 8 over 9 */
	assert_int_equal(lines[0].end, 9);
	chars = make_chars(a, three, EM, &n);
	p.width = 10 * EM;
	count = lb_break_balanced(a, chars, n, &p, NULL, &lines);
	assert_int_equal(count, 3);
	w0 = lb_line_width(chars, &lines[0], &p, true);
	w1 = lb_line_width(chars, &lines[1], &p, false);
	w2 = lb_line_width(chars, &lines[2], &p, false);
	assert_true((w0 >= w1 - 0.5 * EM && w1 >= w2 - 0.5 * EM) ||
	            (w1 > w0 && w1 > w2));
	assert_true(w2 >= 2.5 * EM);
	arena_destroy(a);
}

/* Without preferences the most balanced legal split wins. */
static void
test_balanced_title_plain(void **state)
{
	arena *a = arena_create();
	size_t n, count;
	lb_char *chars = title_chars(a, &n);
	lb_params p = params(442, false);
	lb_line *lines;

	(void)state;
	count = lb_break_balanced(a, chars, n, &p, NULL, &lines);
	assert_int_equal(count, 2);
	assert_int_equal(lines[1].start, index_of(title, "年政府"));
	assert_true(imbalance(chars, lines, count, &p) < 5);
	arena_destroy(a);
}

/* A preferred break that would leave the lines far apart is ignored,
 * and balancing never breaks 禁则 or runs, even over 3 and 4 lines. */
static void
test_balanced_rules(void **state)
{
	arena *a = arena_create();
	size_t n, count, lines_wanted;
	lb_char *chars = title_chars(a, &n);
	bool *preferred = arena_calloc(a, n, sizeof(*preferred));
	lb_params p = params(442, false);
	lb_line *lines;

	(void)state;
	preferred[2] = true;                       /* after 西工 */
	count = lb_break_balanced(a, chars, n, &p, preferred, &lines);
	assert_int_equal(count, 2);
	assert_int_not_equal(lines[1].start, 2);
	arena_destroy(a);

	a = arena_create();
	chars = make_chars(a, sample, EM, &n);
	for (lines_wanted = 2; lines_wanted <= 4; lines_wanted++) {
		p = params(n * EM / lines_wanted * 0.95, false);
		count = lb_break_balanced(a, chars, n, &p, NULL, &lines);
		assert_true(count >= lines_wanted);
		assert_lines_cover(lines, count, n);
		assert_kinsoku(chars, lines, count);
		assert_not_split(sample, lines, count, "4068.208");
		assert_not_split(sample, lines, count, "〔2021〕30号");
		assert_not_split(sample, lines, count, "——");
	}
	arena_destroy(a);
}

/* 100,000 characters break in well under a second (linear time). */
static void
test_long_paragraph(void **state)
{
	static const char *pieces[] = {
		"政府信息公开", "2024", "，", "年度", "4068.208", "。", "（",
		"条例", "）", "5.3%", "——", "、", "工作", "“", "报告", "”",
	};
	arena *a = arena_create();
	size_t n = 100000, count, i = 0, k = 0, j, len;
	uint32_t *cps;
	lb_char *chars = arena_calloc(a, n + 16, sizeof(*chars));
	lb_params p = params(28 * EM, true);
	lb_line *lines;
	clock_t t0;
	double seconds;

	(void)state;
	while (i < n) {
		const char *s = pieces[k++ % (sizeof(pieces) / sizeof(*pieces))];

		len = utf8_to_codepoints(a, s, strlen(s), &cps);
		for (j = 0; j < len && i < n; j++, i++) {
			chars[i].cp = cps[j];
			chars[i].em = EM;
			chars[i].advance = cps[j] < 0x80 ? EM / 2 : EM;
		}
	}
	t0 = clock();
	count = lb_break(a, chars, n, &p, &lines);
	seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_true(count > n / 40);
	assert_lines_cover(lines, count, n);
	assert_kinsoku(chars, lines, count);
	assert_true(seconds < 0.5);
	arena_destroy(a);
}

/* Letters set on a 1 em frame: Han and the wide letters linebreak.c
 * breaks like Han.  The breaker skips the mark tables for them, so no
 * mark table may hold one. */
static bool
is_wide_letter(uint32_t cp)
{
	return lb_is_han(cp) || (cp >= 0x2E80 && cp <= 0x2FDF) ||
	       (cp >= 0x3040 && cp <= 0x30FA) || (cp >= 0x30FC && cp <= 0x312F) ||
	       (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xFF10 && cp <= 0xFF19) ||
	       (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A);
}

static void
test_letters_are_never_marks(void **state)
{
	(void)state;
	for (uint32_t cp = 0; cp < 0x40000; cp++) {
		if (!is_wide_letter(cp))
			continue;
		assert_false(lb_no_line_start(cp));
		assert_false(lb_no_line_end(cp));
		assert_false(lb_is_bracket_or_stop(cp));
	}
}

/* lb_place gives the width lb_line_width does, to the last bit: the
 * typesetter aligns lines by the one and used to use the other. */
static void
test_place_returns_line_width(void **state)
{
	static const char text[] =
	    "2024年，我街道主动公开政府信息1,234条（其中“政策解读”56条），"
	    "GB/T 9704—2012规定……全年收费4068.208万元，5.3%；"
	    "“十四五”规划《通知》〔2021〕30号。";
	arena *a = arena_create();
	size_t n, count;
	lb_char *chars = make_chars(a, text, EM, &n);
	lb_line *lines;

	(void)state;
	for (int justify = 0; justify < 2; justify++) {
		lb_params p = { 13.5 * EM, 2 * EM, justify == 1, 0.25 };

		count = lb_break(a, chars, n, &p, &lines);
		assert_true(count > 3);
		for (size_t k = 0; k < count; k++) {
			double *x = arena_calloc(a, lines[k].end - lines[k].start,
			                         sizeof(*x));
			double placed = lb_place(chars, &lines[k], &p, k == 0, x);

			assert_true(placed == lb_line_width(chars, &lines[k], &p, k == 0));
		}
	}
	arena_destroy(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_letters_are_never_marks),
		cmocka_unit_test(test_place_returns_line_width),
		cmocka_unit_test(test_kinsoku_sets),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_kinsoku_sweep),
		cmocka_unit_test(test_push_in),
		cmocka_unit_test(test_push_out),
		cmocka_unit_test(test_closing_chain),
		cmocka_unit_test(test_consecutive_marks_take_one_em),
		cmocka_unit_test(test_ink_decides_the_blank),
		cmocka_unit_test(test_uming_centred_marks),
		cmocka_unit_test(test_flush_right_edges),
		cmocka_unit_test(test_opening_mark_goes_down),
		cmocka_unit_test(test_justify),
		cmocka_unit_test(test_dash_units_not_stretched),
		cmocka_unit_test(test_han_digit_gap),
		cmocka_unit_test(test_spaces_at_line_end),
		cmocka_unit_test(test_overwide_unit),
		cmocka_unit_test(test_first_indent),
		cmocka_unit_test(test_balanced_title_preferred),
		cmocka_unit_test(test_title_shapes),
		cmocka_unit_test(test_balanced_title_plain),
		cmocka_unit_test(test_balanced_rules),
		cmocka_unit_test(test_long_paragraph),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
