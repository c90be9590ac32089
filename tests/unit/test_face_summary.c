/*
 * test_face_summary.c - a face answered from its summary answers exactly
 * as FreeType does, and a summary that no longer describes its font file
 * is not used.
 *
 * Each test keeps summaries in a cache folder of its own (XDG_CACHE_HOME);
 * fonts copied there get modification times long past, as installed
 * fonts have, so that the racy-file guard lets their summaries be kept.
 */
#include "testing.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "face_summary.h"
#include "font_files.h"
#include "fonts.h"

#define GKAI "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"
#define SERIF "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
#define LIBERATION "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define SC 2                    /* the SC face of a Noto .ttc */
#define CODE_POINTS 0x110000u
#define PAST 1000000000L        /* 2001: long enough ago not to be racy */

/* The code points whose ink the summary keeps, as listed in the task that
 * introduced summaries, and a few it does not. */
static const uint32_t ink_ranges[][2] = {
	{ 0x0021, 0x007E }, { 0x00B7, 0x00B7 }, { 0x2010, 0x2027 },
	{ 0x2030, 0x205E }, { 0x3000, 0x303F }, { 0xFE10, 0xFE1F },
	{ 0xFE30, 0xFE4F }, { 0xFF01, 0xFF65 },
};
static const uint32_t ink_elsewhere[] = { 0x20, 0xA0, 0x653F, 0x4E00, 0x20BB7, 0xFF66 };
#define RANGES (sizeof(ink_ranges) / sizeof(ink_ranges[0]))

/* A private cache folder and a scratch folder for font copies. */
typedef struct world {
	char root[64];
	char cache[96];
	char fonts[96];
} world;

static void
world_create(world *w)
{
	strcpy(w->root, "/tmp/gk_test_face_summary_XXXXXX");
	assert_non_null(mkdtemp(w->root));
	snprintf(w->cache, sizeof(w->cache), "%s/cache", w->root);
	snprintf(w->fonts, sizeof(w->fonts), "%s/fonts", w->root);
	assert_int_equal(mkdir(w->fonts, 0700), 0);
	setenv("XDG_CACHE_HOME", w->cache, 1);
	unsetenv("GKREPORT_NO_FONT_CACHE");
}

static void
world_remove(world *w)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->root);
	assert_int_equal(system(cmd), 0);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("GKREPORT_NO_FONT_CACHE");
}

/* ft_version:
 * The running FreeType's version as summaries stamp it. */
static uint32_t
ft_version(void)
{
	FT_Library lib;
	FT_Int major, minor, patch;

	assert_int_equal(FT_Init_FreeType(&lib), 0);
	FT_Library_Version(lib, &major, &minor, &patch);
	FT_Done_FreeType(lib);
	return (uint32_t)major << 16 | (uint32_t)minor << 8 | (uint32_t)patch;
}

/* summary_valid:
 * Whether face index of path has a summary that loads. */
static bool
summary_valid(const char *path, int index)
{
	arena *a = arena_create();
	bool ok = face_summary_load(a, face_summary_dir(a), path, index,
	                            ft_version()) != NULL;

	arena_destroy(a);
	return ok;
}

/* summary_path:
 * The summary file of face index of path, malloc'd. */
static char *
summary_path(const char *path, int index)
{
	arena *a = arena_create();
	char *s = strdup(face_summary_file(a, face_summary_dir(a), path, index));

	arena_destroy(a);
	return s;
}

/* open_face:
 * A one-face set; fails the test when the face cannot be used. */
static font_set *
open_face(const char *path, int index)
{
	diag_sink sink;
	font_set *set;

	diag_init(&sink, stderr);
	set = font_set_open_file(path, index, &sink);
	assert_non_null(set);
	return set;
}

/* What fonts.c answered for a face. */
typedef struct answers {
	int *advance;                /* by code point */
	bool *has;
	int ink[RANGES * 256 + 8][5];   /* found, box */
	size_t ink_count;
	int upem, ascender, descender;
	font_outline outline;
	char family[64], style[64];
} answers;

/* ink_points:
 * Every code point of the kept ranges, then the others; returns count. */
static size_t
ink_points(uint32_t *cps)
{
	size_t n = 0, i;
	uint32_t cp;

	for (i = 0; i < RANGES; i++)
		for (cp = ink_ranges[i][0]; cp <= ink_ranges[i][1]; cp++)
			cps[n++] = cp;
	for (i = 0; i < sizeof(ink_elsewhere) / sizeof(ink_elsewhere[0]); i++)
		cps[n++] = ink_elsewhere[i];
	return n;
}

/* ask:
 * Everything fonts.c answers for the face of set, for every code point
 * up to last. */
static answers *
ask(font_set *set, uint32_t last)
{
	const font_face *f = font_set_face(set, 0);
	answers *a = calloc(1, sizeof(*a));
	uint32_t cps[RANGES * 256 + 8], cp;
	size_t i;

	a->advance = calloc(last + 1, sizeof(int));
	a->has = calloc(last + 1, sizeof(bool));
	for (cp = 0; cp <= last; cp++) {
		a->advance[cp] = font_advance(f, cp);
		a->has[cp] = font_has_char(f, cp);
	}
	a->ink_count = ink_points(cps);
	for (i = 0; i < a->ink_count; i++)
		a->ink[i][0] = font_ink_box(f, cps[i], &a->ink[i][1], &a->ink[i][2],
		                            &a->ink[i][3], &a->ink[i][4]);
	a->upem = f->units_per_em;
	a->ascender = font_ascender(f);
	a->descender = font_descender(f);
	a->outline = f->outline;
	snprintf(a->family, sizeof(a->family), "%s", f->family);
	snprintf(a->style, sizeof(a->style), "%s", f->style);
	return a;
}

static void
answers_free(answers *a)
{
	free(a->advance);
	free(a->has);
	free(a);
}

/* assert_same_answers:
 * Two sets of answers agree in every respect, code point by code point
 * (the first difference is named). */
static void
assert_same_answers(const answers *want, const answers *got, uint32_t last)
{
	uint32_t cp;
	size_t i;

	for (cp = 0; cp <= last; cp++) {
		if (want->advance[cp] != got->advance[cp] ||
		    want->has[cp] != got->has[cp])
			fail_msg("U+%04X: advance %d/%d, has %d/%d", (unsigned)cp,
			         want->advance[cp], got->advance[cp],
			         want->has[cp], got->has[cp]);
	}
	for (i = 0; i < want->ink_count; i++)
		if (memcmp(want->ink[i], got->ink[i], sizeof(want->ink[i])) != 0)
			fail_msg("ink box %zu differs", i);
	assert_int_equal(want->upem, got->upem);
	assert_int_equal(want->ascender, got->ascender);
	assert_int_equal(want->descender, got->descender);
	assert_int_equal(want->outline, got->outline);
	assert_string_equal(want->family, got->family);
	assert_string_equal(want->style, got->style);
}

/* freetype_answers:
 * The answers with summaries off: FreeType's, as before summaries. */
static answers *
freetype_answers(const char *path, int index, uint32_t last)
{
	font_set *set;
	answers *a;

	setenv("GKREPORT_NO_FONT_CACHE", "1", 1);
	set = open_face(path, index);
	a = ask(set, last);
	font_set_free(set);
	unsetenv("GKREPORT_NO_FONT_CACHE");
	return a;
}

/* assert_summary_answers_as_freetype:
 * The first opening (FreeType, writing the summary) and a later one
 * (from the summary, mapping no font file until an ink box outside the
 * kept ranges asks for FreeType) answer as FreeType alone did. */
static void
assert_summary_answers_as_freetype(const char *path, int index, uint32_t last)
{
	answers *want = freetype_answers(path, index, last), *got;
	font_set *set;

	assert_false(summary_valid(path, index));
	set = open_face(path, index);
	got = ask(set, last);
	font_set_free(set);
	assert_same_answers(want, got, last);
	answers_free(got);
	assert_true(summary_valid(path, index));
	assert_int_equal(font_file_mapped_count(), 0);
	set = open_face(path, index);
	assert_int_equal(font_file_mapped_count(), 0);
	assert_null(font_set_face(set, 0)->ft_face);
	got = ask(set, last);
	font_set_free(set);
	assert_same_answers(want, got, last);
	answers_free(got);
	answers_free(want);
}

/* Every code point of a TrueType face. */
static void
test_gkai_answers_as_freetype(void **state)
{
	world w;

	(void)state;
	world_create(&w);
	assert_summary_answers_as_freetype(GKAI, 0, CODE_POINTS - 1);
	world_remove(&w);
}

/* Every code point (44746 of them mapped), every punctuation range, of
 * a 65535-glyph CID-keyed CFF face. */
static void
test_noto_serif_answers_as_freetype(void **state)
{
	world w;

	(void)state;
	world_create(&w);
	assert_summary_answers_as_freetype(SERIF, SC, CODE_POINTS - 1);
	world_remove(&w);
}

/* ink_box_maps_file:
 * Whether asking an ink box of set's face mapped the font file. */
static bool
ink_box_maps_file(font_set *set, uint32_t cp)
{
	int box[4];
	size_t before = font_file_mapped_count();

	font_ink_box(font_set_face(set, 0), cp, &box[0], &box[1], &box[2],
	             &box[3]);
	return font_file_mapped_count() > before;
}

/* The punctuation typesetting measures is kept; ideographs are not. */
static void
test_kept_ranges(void **state)
{
	world w;
	font_set *set;

	(void)state;
	world_create(&w);
	assert_true(face_summary_keeps_ink(0x3002) && face_summary_keeps_ink(0xFF0C) &&
	            face_summary_keeps_ink(0x2014) && face_summary_keeps_ink(0xB7) &&
	            face_summary_keeps_ink('!') && face_summary_keeps_ink(0xFF65));
	assert_false(face_summary_keeps_ink(' ') || face_summary_keeps_ink(0x653F) ||
	             face_summary_keeps_ink(0xFF66) || face_summary_keeps_ink(0x2028));
	font_set_free(open_face(GKAI, 0));
	set = open_face(GKAI, 0);
	assert_false(ink_box_maps_file(set, 0x3002));
	assert_false(ink_box_maps_file(set, 0xAC00));    /* unmapped: no ink */
	assert_true(ink_box_maps_file(set, 0x653F));
	font_set_free(set);
	world_remove(&w);
}

/* copy_font:
 * Copies from to dir/name with a modification time long past; returns
 * the copy's path, malloc'd. */
static char *
copy_font(const char *from, const char *dir, const char *name)
{
	char *to = NULL, *cmd = NULL;
	struct timespec t[2] = { { PAST, 0 }, { PAST, 0 } };

	assert_true(asprintf(&to, "%s/%s", dir, name) > 0);
	assert_true(asprintf(&cmd, "cp '%s' '%s'", from, to) > 0);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(utimensat(AT_FDCWD, to, t, 0), 0);
	free(cmd);
	return to;
}

/* set_mtime:
 * Moves path's modification time to seconds. */
static void
set_mtime(const char *path, long seconds)
{
	struct timespec t[2] = { { seconds, 0 }, { seconds, 0 } };

	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

/* advance_of:
 * font_advance of cp in face index of path, opened afresh. */
static int
advance_of(const char *path, uint32_t cp)
{
	font_set *set = open_face(path, 0);
	int advance = font_advance(font_set_face(set, 0), cp);

	font_set_free(set);
	return advance;
}

/* A touched font file (another time, or now) makes its summary stale;
 * the face is then opened by FreeType and summarised again, except
 * while its time is too recent to trust. */
static void
test_touched_font_makes_summary_stale(void **state)
{
	world w;
	char *font;
	int want;

	(void)state;
	world_create(&w);
	font = copy_font(LIBERATION, w.fonts, "serif.ttf");
	want = advance_of(font, 'W');
	assert_true(summary_valid(font, 0));
	set_mtime(font, PAST + 100);
	assert_false(summary_valid(font, 0));
	assert_int_equal(advance_of(font, 'W'), want);
	assert_true(summary_valid(font, 0));
	assert_int_equal(utimensat(AT_FDCWD, font, NULL, 0), 0);   /* now */
	assert_false(summary_valid(font, 0));
	assert_int_equal(advance_of(font, 'W'), want);
	assert_false(summary_valid(font, 0));     /* racy: not kept */
	free(font);
	world_remove(&w);
}

/* copy_file:
 * Copies the bytes of from to to. */
static void
copy_file(const char *from, const char *to)
{
	char *cmd = NULL;

	assert_true(asprintf(&cmd, "cp '%s' '%s'", from, to) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* A summary moved to another path's name, or another face index's, is
 * refused though the font file (a hard link) is the same; so is one from
 * another FreeType version. */
static void
test_path_index_and_freetype_compared(void **state)
{
	world w;
	char *font, *other = NULL, *from, *to;
	arena *a;

	(void)state;
	world_create(&w);
	font = copy_font(LIBERATION, w.fonts, "serif.ttf");
	assert_true(asprintf(&other, "%s/other.ttf", w.fonts) > 0);
	assert_int_equal(link(font, other), 0);
	font_set_free(open_face(font, 0));
	assert_true(summary_valid(font, 0));
	from = summary_path(font, 0);
	to = summary_path(other, 0);
	copy_file(from, to);
	assert_false(summary_valid(other, 0));
	free(to);
	to = summary_path(font, 1);
	copy_file(from, to);
	assert_false(summary_valid(font, 1));
	a = arena_create();
	assert_null(face_summary_load(a, face_summary_dir(a), font, 0,
	                              ft_version() + 1));
	assert_non_null(face_summary_load(a, face_summary_dir(a), font, 0,
	                                  ft_version()));
	arena_destroy(a);
	free(from);
	free(to);
	free(other);
	free(font);
	world_remove(&w);
}

/* flip_byte:
 * Inverts the byte at offset of path (from its end when negative). */
static void
flip_byte(const char *path, long offset)
{
	int fd = open(path, O_RDWR);
	struct stat st;
	unsigned char b;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	if (offset < 0)
		offset += (long)st.st_size;
	assert_int_equal(pread(fd, &b, 1, offset), 1);
	b ^= 0xFF;
	assert_int_equal(pwrite(fd, &b, 1, offset), 1);
	close(fd);
}

/* A summary cut short or with one byte changed anywhere is refused; the
 * face then answers from FreeType, and its summary is written again. */
static void
test_damaged_summary_refused(void **state)
{
	world w;
	char *font, *file;
	struct stat st;
	long offsets[] = { 0, 40, 200, 2000, -5, -1 };
	size_t i;
	int want;

	(void)state;
	world_create(&w);
	font = copy_font(LIBERATION, w.fonts, "serif.ttf");
	want = advance_of(font, 0x2014);
	file = summary_path(font, 0);
	assert_int_equal(stat(file, &st), 0);
	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		flip_byte(file, offsets[i]);
		assert_false(summary_valid(font, 0));
		assert_int_equal(advance_of(font, 0x2014), want);
		assert_true(summary_valid(font, 0));
	}
	assert_int_equal(truncate(file, st.st_size - 1), 0);
	assert_false(summary_valid(font, 0));
	assert_int_equal(advance_of(font, 0x2014), want);
	assert_int_equal(truncate(file, 100), 0);
	assert_false(summary_valid(font, 0));
	assert_int_equal(truncate(file, 0), 0);
	assert_false(summary_valid(font, 0));
	assert_int_equal(advance_of(font, 0x2014), want);
	assert_true(summary_valid(font, 0));
	free(file);
	free(font);
	world_remove(&w);
}

/* With no writable cache folder, or summaries switched off, nothing is
 * written, nothing is said, and the answers are FreeType's. */
static void
test_unwritable_cache_and_switch_off(void **state)
{
	world w;
	char *blocker = NULL, *font;
	answers *want, *got;
	font_set *set;
	struct stat st;
	arena *a;

	(void)state;
	world_create(&w);
	font = copy_font(LIBERATION, w.fonts, "serif.ttf");
	want = freetype_answers(font, 0, 0xFFFF);
	assert_true(asprintf(&blocker, "%s/not-a-dir", w.root) > 0);
	fclose(fopen(blocker, "w"));
	setenv("XDG_CACHE_HOME", blocker, 1);
	set = open_face(font, 0);
	got = ask(set, 0xFFFF);
	font_set_free(set);
	assert_same_answers(want, got, 0xFFFF);
	answers_free(got);
	assert_false(summary_valid(font, 0));
	setenv("XDG_CACHE_HOME", w.cache, 1);
	setenv("GKREPORT_NO_FONT_CACHE", "1", 1);
	a = arena_create();
	assert_null(face_summary_dir(a));
	arena_destroy(a);
	font_set_free(open_face(font, 0));
	assert_int_equal(stat(w.cache, &st), -1);   /* not even the folder */
	unsetenv("GKREPORT_NO_FONT_CACHE");
	answers_free(want);
	free(blocker);
	free(font);
	world_remove(&w);
}

/* The format on its own: what is added is what is found, and entries
 * out of order spoil the file rather than a lookup. */
static void
test_written_summary_reads_back(void **state)
{
	static const int box[4] = { 10, -20, 480, 300 };
	face_facts facts = { OUTLINE_CFF, 2048, 880, -120, "Family", "Bold" };
	world w;
	char *font;
	struct stat st;
	face_summary_writer *wr;
	face_summary *s;
	arena *a;
	int got[4];

	(void)state;
	world_create(&w);
	font = copy_font(LIBERATION, w.fonts, "serif.ttf");
	assert_int_equal(stat(font, &st), 0);
	a = arena_create();
	wr = face_summary_begin(face_summary_dir(a), font, 3, &st, 42);
	assert_non_null(wr);
	face_summary_add_char(wr, '!', 5, 333);
	face_summary_add_ink(wr, '!', true, box);
	face_summary_add_char(wr, '"', 6, -1);
	face_summary_add_ink(wr, '"', false, box);
	face_summary_add_char(wr, 0x4E00, 7, 1000);
	face_summary_add_char(wr, 0x20BB7, 70000, 1001);
	face_summary_commit(wr, &facts);
	s = face_summary_load(a, face_summary_dir(a), font, 3, 42);
	assert_non_null(s);
	assert_int_equal(face_summary_char_count(s), 4);
	assert_int_equal(face_summary_facts(s)->outline, OUTLINE_CFF);
	assert_int_equal(face_summary_facts(s)->units_per_em, 2048);
	assert_int_equal(face_summary_facts(s)->ascender, 880);
	assert_int_equal(face_summary_facts(s)->descender, -120);
	assert_string_equal(face_summary_facts(s)->family, "Family");
	assert_string_equal(face_summary_facts(s)->style, "Bold");
	assert_int_equal(face_summary_advance(s, '!'), 333);
	assert_int_equal(face_summary_advance(s, '"'), -1);
	assert_true(face_summary_has_char(s, '"'));
	assert_int_equal(face_summary_advance(s, 0x20BB7), 1001);
	assert_int_equal(face_summary_advance(s, '#'), -1);
	assert_false(face_summary_has_char(s, '#'));
	assert_false(face_summary_has_char(s, 0x10FFFF));
	assert_int_equal(face_summary_ink_box(s, '!', got), FACE_INK_BOX);
	assert_memory_equal(got, box, sizeof(box));
	assert_int_equal(face_summary_ink_box(s, '"', got), FACE_INK_NONE);
	assert_int_equal(face_summary_ink_box(s, '#', got), FACE_INK_NONE);
	assert_int_equal(face_summary_ink_box(s, 0x4E00, got), FACE_INK_UNKNOWN);
	wr = face_summary_begin(face_summary_dir(a), font, 4, &st, 42);
	face_summary_add_char(wr, 0x4E00, 7, 1000);
	face_summary_add_char(wr, '!', 5, 333);
	face_summary_commit(wr, &facts);
	assert_null(face_summary_load(a, face_summary_dir(a), font, 4, 42));
	arena_destroy(a);
	free(font);
	world_remove(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gkai_answers_as_freetype),
		cmocka_unit_test(test_noto_serif_answers_as_freetype),
		cmocka_unit_test(test_kept_ranges),
		cmocka_unit_test(test_touched_font_makes_summary_stale),
		cmocka_unit_test(test_path_index_and_freetype_compared),
		cmocka_unit_test(test_damaged_summary_refused),
		cmocka_unit_test(test_unwritable_cache_and_switch_off),
		cmocka_unit_test(test_written_summary_reads_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
