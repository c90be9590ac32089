/*
 * test_fonts.c - font roles and their fallback chains against the fonts
 * installed on this machine.
 *
 * The project's test dependencies install the Arphic, WenQuanYi and LXGW
 * packages, so these tests require them rather than skipping without.
 *
 * Every test runs twice: with FreeType opening every face (summaries and
 * the font cache off), then with face summaries (face_summary.h) kept in
 * a folder of the pass's own, which the first opening of each face
 * writes and every later one reads; both passes expect the same answers.
 */
#include "testing.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "font_files.h"
#include "fonts.h"

#define GBSN "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define UMING "/usr/share/fonts/truetype/arphic/uming.ttc"
#define UKAI "/usr/share/fonts/truetype/arphic/ukai.ttc"
#define GKAI "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"
#define WENKAI "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define ZENHEI "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#define NOTO_DIR "/usr/share/fonts/opentype/noto/"
#define SERIF_BOLD NOTO_DIR "NotoSerifCJK-Bold.ttc"
#define SERIF NOTO_DIR "NotoSerifCJK-Regular.ttc"
#define SANS NOTO_DIR "NotoSansCJK-Regular.ttc"
#define LIBERATION "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define SC 2                    /* face index of the SC face of a Noto .ttc */

/* Characters of names outside GB2312, and two no installed face has. */
#define CP_SHENG 0x6607u        /* 昇: GBK, in UMing CN and Noto */
#define CP_EXT_A 0x3400u        /* 㐀: Extension A, in Noto and Zen Hei */
#define CP_EXT_B 0x20BB7u       /* 𠮷: Extension B, in Noto and LXGW WenKai */
#define CP_TANGUT 0x17000u      /* 𗀀: Tangut, in no installed face */
#define CP_PRIVATE 0xE000u      /* private use: only in the HK faces */

/* Whether this pass keeps face summaries, and where. */
static bool summaries;
static char summary_home[64];

static const char *const all_roles[] = {
	"title", "body", "heading", "subheading", "table", "page_number"
};
#define ROLE_COUNT (sizeof(all_roles) / sizeof(all_roles[0]))

/* Diagnostics captured in memory. */
typedef struct captured {
	diag_sink sink;
	char *text;
	size_t size;
} captured;

/* capture_start:
 * Points a sink at a memory stream. */
static void
capture_start(captured *c)
{
	c->text = NULL;
	c->size = 0;
	diag_init(&c->sink, open_memstream(&c->text, &c->size));
	assert_non_null(c->sink.stream);
}

/* capture_end:
 * Closes the stream; c->text then holds everything printed. */
static void
capture_end(captured *c)
{
	fclose(c->sink.stream);
	c->sink.stream = NULL;
}

/* err_sink:
 * Diagnostics of calls expected to succeed go to stderr. */
static diag_sink *
err_sink(void)
{
	static diag_sink sink;

	diag_init(&sink, stderr);
	return &sink;
}

/* file_exists:
 * Whether path is a regular file. */
static bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* write_file:
 * Writes size bytes of data to path. */
static void
write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

/* A data directory of our own: DIR/fonts/roles.yaml. */
typedef struct temp_data {
	char dir[64];
	char fonts[96];
	char roles[128];
} temp_data;

/* temp_data_create:
 * Makes DIR/fonts and writes yaml as its roles.yaml. */
static void
temp_data_create(temp_data *t, const char *yaml)
{
	strcpy(t->dir, "/tmp/gk_test_fonts_XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->fonts, sizeof(t->fonts), "%s/fonts", t->dir);
	snprintf(t->roles, sizeof(t->roles), "%s/roles.yaml", t->fonts);
	assert_int_equal(mkdir(t->fonts, 0700), 0);
	write_file(t->roles, yaml, strlen(yaml));
}

/* temp_data_remove:
 * Removes roles.yaml, an optional extra file in fonts/, and the dirs. */
static void
temp_data_remove(temp_data *t, const char *extra)
{
	if (extra != NULL)
		unlink(extra);
	unlink(t->roles);
	rmdir(t->fonts);
	rmdir(t->dir);
}

/* resolve_real:
 * All six roles from the project's roles.yaml; fails the test on error. */
static font_set *
resolve_real(void)
{
	captured c;
	font_set *set;

	capture_start(&c);
	set = font_set_resolve(test_data_dir(), all_roles, ROLE_COUNT, &c.sink);
	capture_end(&c);
	if (set == NULL)
		fprintf(stderr, "%s", c.text);
	free(c.text);
	assert_non_null(set);
	return set;
}

static void
test_resolves_all_roles(void **state)
{
	font_set *set = resolve_real();
	size_t i;

	assert_int_equal(font_set_count(set), ROLE_COUNT);
	for (i = 0; i < ROLE_COUNT; i++) {
		const font_face *f = font_set_face(set, i);
		font_outline outline;

		assert_string_equal(f->role, all_roles[i]);
		assert_true(file_exists(f->path));
		assert_int_not_equal(f->outline, OUTLINE_OTHER);
		assert_true(font_file_outline(f->path, f->face_index, &outline, err_sink()));
		assert_int_equal(outline, f->outline);
		assert_true(f->units_per_em > 0);
		if (!summaries)
			assert_non_null(f->ft_face);
		assert_true(font_has_char(f, 0x653F));      /* 政 */
		assert_false(f->official);
		assert_true(f->substitute);
	}
	assert_null(font_set_face(set, ROLE_COUNT));
	font_set_free(set);
}

/* The defaults scripts/install-deps.sh installs: Noto CJK (CFF, face 2
 * of each .ttc), FandolFang (CFF, CID-keyed) and the Arphic faces. */
static void
test_defaults_look_official(void **state)
{
	font_set *set = resolve_real();
	const font_face *f;

	f = font_set_face(set, 0);
	assert_string_equal(f->path, SERIF_BOLD);
	assert_int_equal(f->face_index, SC);
	assert_string_equal(f->style, "Bold");
	assert_int_equal(f->outline, OUTLINE_CFF);
	f = font_set_face(set, 1);
	assert_string_equal(f->family, "FandolFang");
	assert_int_equal(f->outline, OUTLINE_CFF);
	assert_int_equal(f->preference_rank, 6);     /* after 6 official */
	f = font_set_face(set, 2);
	assert_string_equal(f->path, SANS);
	assert_int_equal(f->face_index, SC);
	assert_string_equal(f->style, "Regular");
	assert_string_equal(font_set_face(set, 3)->path, GKAI);
	assert_string_equal(font_set_face(set, 4)->path, SERIF);
	assert_string_equal(font_set_face(set, 5)->path, GBSN);
	font_set_free(set);
}

/* Without FandolFang the body is set in a 宋, with a one-line note that
 * says how to install it. */
static void
test_missing_first_free_face_is_noted(void **state)
{
	static const char *const body[] = { "body" };
	temp_data t;
	captured c;
	font_set *set;
	char expect[512];

	temp_data_create(&t, "body:\n"
	                 "  official: [No Such Official]\n"
	                 "  free: [No Such Fang, AR PL SungtiL GB]\n"
	                 "  install: scripts/install-fonts.sh\n");
	capture_start(&c);
	set = font_set_resolve(t.dir, body, 1, &c.sink);
	capture_end(&c);
	snprintf(expect, sizeof(expect), "%s:3:10: note: role body: No Such "
	         "Fang is not installed; set in AR PL SungtiL GB instead "
	         "(install it: scripts/install-fonts.sh)\n", t.roles);
	assert_string_equal(c.text, expect);
	assert_non_null(set);
	font_set_free(set);
	free(c.text);
	temp_data_remove(&t, NULL);
}

/* A role's latin faces take digits and Latin letters first, and nothing
 * else; the role's face still sets them when no latin face is there. */
static void
test_latin_faces(void **state)
{
	static const char *const body[] = { "body" };
	temp_data t;
	font_set *set;
	const font_face *face;

	temp_data_create(&t, "body:\n"
	                 "  free: [AR PL SungtiL GB]\n"
	                 "  latin: [No Such Serif, Liberation Serif]\n");
	set = font_set_resolve(t.dir, body, 1, err_sink());
	assert_non_null(set);
	assert_int_equal(font_set_chain_length(set, 0), 2);
	assert_int_equal(font_set_face_for_char(set, 0, '2', &face), 1);
	assert_string_equal(face->path, LIBERATION);
	assert_true(face->latin_only);
	assert_int_equal(font_set_face_for_char(set, 0, 0x653F, &face), 0);
	assert_false(face->latin_only);
	/* the 间隔号 and full-width marks stay in the CJK face */
	assert_int_equal(font_set_face_for_char(set, 0, 0xB7, &face), 0);
	assert_int_equal(font_set_face_for_char(set, 0, 0xFF0C, &face), 0);
	assert_true(font_is_latin('%') && font_is_latin(0xE9));
	assert_false(font_is_latin(0xB7) || font_is_latin(0x3002));
	font_set_free(set);
	temp_data_remove(&t, NULL);
}

static void
test_resolution_is_deterministic(void **state)
{
	font_set *a = resolve_real();
	font_set *b = resolve_real();
	size_t i;

	for (i = 0; i < ROLE_COUNT; i++) {
		const font_face *fa = font_set_face(a, i), *fb = font_set_face(b, i);

		assert_string_equal(fa->path, fb->path);
		assert_int_equal(fa->face_index, fb->face_index);
		assert_string_equal(fa->family, fb->family);
		assert_string_equal(fa->style, fb->style);
	}
	font_set_free(a);
	font_set_free(b);
}

/* freetype_advance:
 * floor(horiAdvance * 1000 / upem), computed independently of fonts.c. */
static long
freetype_advance(const char *path, uint32_t cp)
{
	FT_Library lib;
	FT_Face face;
	long w;

	assert_int_equal(FT_Init_FreeType(&lib), 0);
	assert_int_equal(FT_New_Face(lib, path, 0, &face), 0);
	assert_int_equal(FT_Load_Char(face, cp, FT_LOAD_NO_SCALE), 0);
	w = face->glyph->metrics.horiAdvance * 1000 / face->units_per_EM;
	FT_Done_FreeType(lib);
	return w;
}

static void
test_advances_gbsn00lp(void **state)
{
	font_set *set = font_set_open_file(GBSN, 0, err_sink());
	const font_face *f;

	assert_non_null(set);
	f = font_set_face(set, 0);
	assert_int_equal(f->units_per_em, 1024);
	assert_string_equal(f->family, "AR PL SungtiL GB");
	assert_int_equal(font_advance(f, 0x653F), 1000);          /* 政 */
	assert_int_equal(font_advance(f, 0x653F), freetype_advance(GBSN, 0x653F));
	assert_int_equal(font_advance(f, '2'), 500);
	assert_int_equal(font_advance(f, '2'), freetype_advance(GBSN, '2'));
	assert_int_equal(font_advance(f, 0x3001), freetype_advance(GBSN, 0x3001));
	assert_int_equal(font_advance(f, 0x1F600), -1);           /* 😀 */
	assert_int_equal(font_advance(f, 0xAC00), -1);            /* 가 */
	assert_int_equal(font_advance(f, 0xAC00), -1);            /* cached */
	assert_int_equal(font_advance(f, 0x110000), -1);
	assert_false(font_has_char(f, 0xAC00));
	assert_true(font_has_char(f, '2'));
	font_set_free(set);
}

static void
test_advance_cache_many_chars(void **state)
{
	font_set *set = font_set_open_file(GBSN, 0, err_sink());
	const font_face *f = font_set_face(set, 0);
	uint32_t cp;

	/* More code points than cache slots: collisions must recompute. */
	for (cp = 0x4E00; cp < 0x4E00 + 6000; cp++) {
		int w = font_advance(f, cp);

		assert_true(w == -1 || w == 1000);
		assert_int_equal(w, font_has_char(f, cp) ? 1000 : -1);
	}
	for (cp = 0x4E00; cp < 0x4E00 + 6000; cp += 7)
		assert_int_equal(font_advance(f, cp), font_has_char(f, cp) ? 1000 : -1);
	font_set_free(set);
}

static void
test_vertical_metrics_and_ink(void **state)
{
	font_set *set = font_set_open_file(GBSN, 0, err_sink());
	const font_face *f = font_set_face(set, 0);
	int x0, y0, x1, y1;

	/* OS/2 typo: 900 and -124 units of 1024. */
	assert_int_equal(font_ascender(f), 879);
	assert_int_equal(font_descender(f), -122);
	assert_true(font_ink_box(f, 0x653F, &x0, &y0, &x1, &y1));
	assert_true(x0 >= 0 && x0 < x1 && x1 <= 1000);
	assert_true(y0 >= -122 && y0 < y1 && y1 <= 879);
	assert_true(font_ink_box(f, ' ', &x0, &y0, &x1, &y1));
	assert_int_equal(x1 - x0, 0);
	assert_false(font_ink_box(f, 0xAC00, &x0, &y0, &x1, &y1));
	font_set_free(set);
}

static void
test_classify_and_reject_non_fonts(void **state)
{
	font_outline outline = OUTLINE_OTHER;
	captured c;
	char *roles = NULL;
	char expect[512];

	assert_true(font_file_outline(GBSN, 0, &outline, err_sink()));
	assert_int_equal(outline, OUTLINE_TRUETYPE);
	assert_int_equal(asprintf(&roles, "%s/fonts/roles.yaml", test_data_dir()) > 0, 1);
	capture_start(&c);
	assert_false(font_file_outline(roles, 0, &outline, &c.sink));
	assert_false(font_file_outline("/nonexistent/x.ttf", 0, &outline, &c.sink));
	assert_null(font_set_open_file(roles, 0, &c.sink));
	assert_null(font_set_open_file(GBSN, 3, &c.sink));
	capture_end(&c);
	snprintf(expect, sizeof(expect),
	         "%s: error: cannot read face 0 as a font: not a font file\n"
	         "/nonexistent/x.ttf: error: cannot read face 0 as a font: "
	         "No such file or directory\n"
	         "%s: error: cannot use face 0 as a font: not a font file\n"
	         GBSN ": error: cannot use face 3 as a font: no such face in the file\n",
	         roles, roles);
	assert_string_equal(c.text, expect);
	assert_int_equal(c.sink.errors, 4);
	free(c.text);
	free(roles);
}

/* An empty file, a file shorter than a MacBinary header and a folder are
 * refused with the reasons FreeType gave reading the files itself (faces
 * now open from a shared mapping, font_files.h). */
static void
test_empty_file_and_folder_refused(void **state)
{
	char dir[] = "/tmp/test_fonts_XXXXXX", empty[64], text[64], expect[1024];
	font_outline outline;
	captured c;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(empty, sizeof(empty), "%s/empty.ttf", dir);
	assert_non_null(f = fopen(empty, "w"));
	fclose(f);
	snprintf(text, sizeof(text), "%s/text.ttf", dir);
	assert_non_null(f = fopen(text, "w"));
	fputs("this is not a font\n", f);
	fclose(f);
	capture_start(&c);
	assert_null(font_set_open_file(empty, 0, &c.sink));
	assert_false(font_file_outline(empty, 0, &outline, &c.sink));
	assert_null(font_set_open_file(text, 0, &c.sink));
	assert_false(font_file_outline(text, 1, &outline, &c.sink));
	assert_null(font_set_open_file(dir, 0, &c.sink));
	capture_end(&c);
	snprintf(expect, sizeof(expect),
	         "%s: error: cannot use face 0 as a font: not a font file\n"
	         "%s: error: cannot read face 0 as a font: not a font file\n"
	         "%s: error: cannot use face 0 as a font: not a font file\n"
	         "%s: error: cannot read face 1 as a font: not a font file\n"
	         "%s: error: cannot use face 0 as a font: not a regular file\n",
	         empty, empty, text, text, dir);
	assert_string_equal(c.text, expect);
	assert_int_equal(font_file_mapped_count(), 0);
	free(c.text);
	unlink(empty);
	unlink(text);
	rmdir(dir);
}

/* Sets on different threads' behalf read one mapping of a file; faces
 * refused or classified only leave none behind, and freeing the last set
 * unmaps the file.  (FreeType opens the faces: a summary maps none.) */
static void
test_sets_share_one_mapping_per_file(void **state)
{
	font_set *a, *b;
	font_outline outline;
	captured c;

	(void)state;
	setenv("GKREPORT_NO_FONT_CACHE", "1", 1);
	a = font_set_open_file(GBSN, 0, err_sink());
	b = font_set_open_file(GBSN, 0, err_sink());
	if (summaries)
		unsetenv("GKREPORT_NO_FONT_CACHE");
	assert_int_equal(font_file_mapped_count(), 1);
	assert_true(font_file_outline(UMING, 0, &outline, err_sink()));
	capture_start(&c);
	assert_null(font_set_open_file(GBSN, 3, &c.sink));
	capture_end(&c);
	free(c.text);
	assert_int_equal(font_file_mapped_count(), 1);
	assert_int_equal(font_advance(font_set_face(b, 0), 0x653F), 1000);
	font_set_free(a);
	assert_int_equal(font_file_mapped_count(), 1);
	assert_int_equal(font_advance(font_set_face(b, 0), 0x4E00), 1000);
	font_set_free(b);
	assert_int_equal(font_file_mapped_count(), 0);
}

/* A face answered from its summary maps no font file; FreeType opens it
 * (mapping the file) only for an ink box outside the kept ranges, and
 * only once. */
static void
test_summarised_face_opens_freetype_lazily(void **state)
{
	font_set *set;
	const font_face *f;
	int box[4];

	(void)state;
	if (!summaries)
		skip();
	font_set_free(font_set_open_file(GBSN, 0, err_sink()));
	set = font_set_open_file(GBSN, 0, err_sink());
	f = font_set_face(set, 0);
	assert_int_equal(font_set_open_count(set), 1);
	assert_int_equal(font_file_mapped_count(), 0);
	assert_null(f->ft_face);
	assert_int_equal(f->units_per_em, 1024);
	assert_string_equal(f->family, "AR PL SungtiL GB");
	assert_int_equal(font_advance(f, 0x653F), 1000);
	assert_int_equal(font_ascender(f), 879);
	assert_true(font_ink_box(f, 0x3002, &box[0], &box[1], &box[2], &box[3]));
	assert_false(font_ink_box(f, 0xFF64, &box[0], &box[1], &box[2], &box[3]));
	assert_int_equal(font_file_mapped_count(), 0);
	assert_true(font_ink_box(f, 0x653F, &box[0], &box[1], &box[2], &box[3]));
	assert_true(box[0] >= 0 && box[0] < box[2] && box[2] <= 1000);
	assert_int_equal(font_file_mapped_count(), 1);
	assert_true(font_ink_box(f, 0x4E00, &box[0], &box[1], &box[2], &box[3]));
	assert_int_equal(font_file_mapped_count(), 1);
	font_set_free(set);
	assert_int_equal(font_file_mapped_count(), 0);
}

/* ---- a minimal CFF-flavoured OpenType font, built byte by byte ---- */

typedef struct bytes {
	unsigned char data[512];
	size_t n;
} bytes;

static void put8(bytes *b, unsigned v) { b->data[b->n++] = (unsigned char)v; }
static void put16(bytes *b, unsigned v) { put8(b, v >> 8); put8(b, v & 0xFF); }
static void put32(bytes *b, uint32_t v) { put16(b, v >> 16); put16(b, v & 0xFFFF); }
static void pad4(bytes *b) { while (b->n % 4 != 0) put8(b, 0); }

/* put_cff:
 * A bare CFF with one glyph (.notdef, endchar); 44 bytes. */
static void
put_cff(bytes *b)
{
	size_t start = b->n;

	put8(b, 1); put8(b, 0); put8(b, 4); put8(b, 1);             /* header */
	put16(b, 1); put8(b, 1); put8(b, 1); put8(b, 2); put8(b, 'T'); /* names */
	put16(b, 1); put8(b, 1); put8(b, 1); put8(b, 18);           /* top DICT */
	put8(b, 29); put32(b, 36); put8(b, 17);                     /* CharStrings */
	put8(b, 29); put32(b, 2); put8(b, 29); put32(b, 42); put8(b, 18); /* Private */
	put16(b, 0);                                                /* strings */
	put16(b, 0);                                                /* global subrs */
	put16(b, 1); put8(b, 1); put8(b, 1); put8(b, 2); put8(b, 14); /* endchar */
	put8(b, 0x8B); put8(b, 20);                                 /* defaultWidthX 0 */
	assert_int_equal(b->n - start, 44);
}

/* put_tables:
 * CFF, head, hhea, hmtx and maxp bodies, each padded to 4 bytes. */
static void
put_tables(bytes *b, size_t *offsets)
{
	int i;

	offsets[0] = b->n; put_cff(b); pad4(b);
	offsets[1] = b->n;                                          /* head */
	put32(b, 0x10000); put32(b, 0x10000); put32(b, 0); put32(b, 0x5F0F3CF5);
	put16(b, 0); put16(b, 1000);
	for (i = 0; i < 4; i++)
		put32(b, 0);                                        /* dates */
	put16(b, 0); put16(b, 0); put16(b, 1000); put16(b, 1000);
	put16(b, 0); put16(b, 8); put16(b, 2); put16(b, 0); put16(b, 0);
	pad4(b);
	offsets[2] = b->n;                                          /* hhea */
	put32(b, 0x10000); put16(b, 880); put16(b, 0x10000 - 120); put16(b, 0);
	put16(b, 1000); put16(b, 0); put16(b, 0); put16(b, 1000);
	put16(b, 1); put16(b, 0); put16(b, 0);
	for (i = 0; i < 5; i++)
		put16(b, 0);                                        /* reserved, format */
	put16(b, 1);
	offsets[3] = b->n; put16(b, 1000); put16(b, 0);             /* hmtx */
	offsets[4] = b->n; put32(b, 0x5000); put16(b, 1); pad4(b);  /* maxp 0.5 */
	offsets[5] = b->n;
}

/* write_cff_font:
 * Writes an 'OTTO' font whose only outlines are a CFF table, tagged
 * 'CFF ' or (for a variable font's) 'CFF2'; it has no cmap. */
static void
write_cff_font(const char *path, const char *tag)
{
	char tags[5][5] = { "CFF ", "head", "hhea", "hmtx", "maxp" };
	static const size_t lengths[5] = { 44, 54, 36, 4, 6 };
	bytes body = { .n = 12 + 16 * 5 }, dir = { .n = 0 };
	size_t offsets[6];
	int i;

	memcpy(tags[0], tag, 4);
	put_tables(&body, offsets);
	put32(&dir, 0x4F54544F); put16(&dir, 5); put16(&dir, 64);
	put16(&dir, 2); put16(&dir, 16);
	for (i = 0; i < 5; i++) {
		put32(&dir, (uint32_t)tags[i][0] << 24 | (uint32_t)tags[i][1] << 16 |
		      (uint32_t)tags[i][2] << 8 | (uint32_t)tags[i][3]);
		put32(&dir, 0);
		put32(&dir, (uint32_t)offsets[i]);
		put32(&dir, (uint32_t)lengths[i]);
	}
	assert_int_equal(dir.n, 12 + 16 * 5);
	memcpy(body.data, dir.data, dir.n);
	write_file(path, body.data, body.n);
}

/* A CFF font is classified as such and accepted as far as its outlines
 * go (this tiny one then fails for its missing cmap); a CFF2 table that
 * FreeType cannot read is refused with FreeType's reason. */
static void
test_cff_font_is_classified_and_cff2_refused(void **state)
{
	temp_data t;
	char font[160], expect[512];
	font_outline outline = OUTLINE_TRUETYPE;
	captured c;

	temp_data_create(&t, "x: {free: [x]}\n");
	snprintf(font, sizeof(font), "%s/tiny-cff.otf", t.fonts);
	write_cff_font(font, "CFF ");
	assert_true(font_file_outline(font, 0, &outline, err_sink()));
	assert_int_equal(outline, OUTLINE_CFF);
	capture_start(&c);
	assert_null(font_set_open_file(font, 0, &c.sink));
	capture_end(&c);
	snprintf(expect, sizeof(expect), "%s: error: cannot use face 0 as a font: "
	         "no Unicode character map\n", font);
	assert_string_equal(c.text, expect);
	free(c.text);
	write_cff_font(font, "CFF2");
	capture_start(&c);
	assert_null(font_set_open_file(font, 0, &c.sink));
	capture_end(&c);
	snprintf(expect, sizeof(expect), "%s: error: cannot use face 0 as a font: "
	         "not a font file\n", font);
	assert_string_equal(c.text, expect);
	free(c.text);
	temp_data_remove(&t, font);
}

static void
test_cff2_entry_is_skipped_with_note(void **state)
{
	static const char *const body[] = { "body" };
	temp_data t;
	char font[160], expect[512];
	font_set *set;
	captured c;

	temp_data_create(&t, "body:\n"
	                 "  official: [tiny-cff.otf]\n"
	                 "  free: [AR PL SungtiL GB]\n");
	snprintf(font, sizeof(font), "%s/tiny-cff.otf", t.fonts);
	write_cff_font(font, "CFF2");
	capture_start(&c);
	set = font_set_resolve(t.dir, body, 1, &c.sink);
	capture_end(&c);
	snprintf(expect, sizeof(expect), "%s:2:14: note: role body: skipping "
	         "'tiny-cff.otf' (%s): not a font file\n",
	         t.roles, font);
	assert_string_equal(c.text, expect);
	assert_int_equal(c.sink.notes, 1);
	assert_int_equal(c.sink.errors, 0);
	assert_non_null(set);
	assert_string_equal(font_set_face(set, 0)->path, GBSN);
	assert_true(font_set_face(set, 0)->substitute);
	assert_int_equal(font_set_face(set, 0)->preference_rank, 1);
	font_set_free(set);
	free(c.text);
	temp_data_remove(&t, font);
}

static void
test_none_installed_error(void **state)
{
	static const char *const roles[] = { "body" };
	temp_data t;
	char expect[512];
	captured c;

	temp_data_create(&t, "# roles of a test\n"
	                 "body:\n"
	                 "  official: [仿宋_不存在, NoSuchFangSong]\n"
	                 "  free: [No Such Free Face, /nonexistent/font.ttf#2]\n"
	                 "  package: fonts-arphic-gbsn00lp\n");
	capture_start(&c);
	assert_null(font_set_resolve(t.dir, roles, 1, &c.sink));
	capture_end(&c);
	snprintf(expect, sizeof(expect), "%s:2:1: error: font role 'body': none "
	         "of the families is installed: 仿宋_不存在, NoSuchFangSong, "
	         "No Such Free Face, /nonexistent/font.ttf#2; install one "
	         "(e.g. apt-get install fonts-arphic-gbsn00lp)\n", t.roles);
	assert_string_equal(c.text, expect);
	assert_int_equal(c.sink.errors, 1);
	free(c.text);
	temp_data_remove(&t, NULL);
}

static void
test_undefined_role_error(void **state)
{
	static const char *const roles[] = { "body", "footnote" };
	temp_data t;
	char expect[256];
	captured c;

	temp_data_create(&t, "body: {free: [AR PL SungtiL GB]}\n");
	capture_start(&c);
	assert_null(font_set_resolve(t.dir, roles, 2, &c.sink));
	capture_end(&c);
	snprintf(expect, sizeof(expect), "%s: error: font role 'footnote' is "
	         "named by the layout but not defined here\n", t.roles);
	assert_string_equal(c.text, expect);
	free(c.text);
	temp_data_remove(&t, NULL);
}

static void
test_roles_yaml_shape_errors(void **state)
{
	static const char *const roles[] = { "body" };
	temp_data t;
	captured c;

	temp_data_create(&t, "body:\n"
	                 "  oficial: [x]\n"
	                 "  free: AR PL SungtiL GB\n");
	capture_start(&c);
	assert_null(font_set_resolve(t.dir, roles, 1, &c.sink));
	capture_end(&c);
	assert_int_equal(c.sink.errors, 2);
	assert_non_null(strstr(c.text, ":2:3: error: unknown key 'oficial'"));
	assert_non_null(strstr(c.text, ":3:9: error: "));
	free(c.text);
	temp_data_remove(&t, NULL);
}

static void
test_path_entries_with_face_index(void **state)
{
	static const char *const roles[] = { "cn", "hk" };
	temp_data t;
	font_set *set;
	captured c;

	temp_data_create(&t, "cn: {official: [" UMING "]}\n"
	                 "hk: {free: [\"" UMING "#1\"]}\n");
	capture_start(&c);
	set = font_set_resolve(t.dir, roles, 2, &c.sink);
	capture_end(&c);
	assert_string_equal(c.text, "");
	assert_non_null(set);
	assert_string_equal(font_set_face(set, 0)->family, "AR PL UMing CN");
	assert_int_equal(font_set_face(set, 0)->face_index, 0);
	assert_true(font_set_face(set, 0)->official);
	assert_false(font_set_face(set, 0)->substitute);
	assert_string_equal(font_set_face(set, 1)->family, "AR PL UMing HK");
	assert_int_equal(font_set_face(set, 1)->face_index, 1);
	assert_false(font_set_face(set, 1)->official);
	assert_false(font_set_face(set, 1)->substitute);   /* no official list */
	font_set_free(set);
	free(c.text);
	temp_data_remove(&t, NULL);
}

static void
test_family_prefers_regular_weight(void **state)
{
	static const char *const roles[] = { "kai" };
	temp_data t;
	font_set *set;
	captured c;

	/* Light, Regular and Bold files all carry the family "LXGW WenKai". */
	temp_data_create(&t, "kai: {free: [lxgw wenkai]}\n");
	capture_start(&c);
	set = font_set_resolve(t.dir, roles, 1, &c.sink);
	capture_end(&c);
	assert_string_equal(c.text, "");
	assert_non_null(set);
	assert_string_equal(font_set_face(set, 0)->path,
	                    "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf");
	assert_string_equal(font_set_face(set, 0)->family, "LXGW WenKai");
	assert_string_equal(font_set_face(set, 0)->style, "Regular");
	assert_int_equal(font_set_face(set, 0)->units_per_em, 1000);
	font_set_free(set);
	free(c.text);
	temp_data_remove(&t, NULL);
}

static void
test_print(void **state)
{
	font_set *set = resolve_real();
	const font_face *body = font_set_face(set, 1);
	char *text = NULL, *expect = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int subs = font_set_print(set, out);

	fclose(out);
	assert_int_equal(subs, 6);      /* no official face on a Debian box */
	assert_true(asprintf(&expect, "body: %s (%s)\n  file: %s, face %d, "
	                     "CFF\n"
	                     "  fallback 1: AR PL SungtiL GB (Regular)\n"
	                     "    file: " GBSN ", face 0, TrueType\n"
	                     "  fallback 2: AR PL UMing CN (Light)\n"
	                     "    file: " UMING ", face 0, TrueType\n"
	                     "  fallback 3: Noto Serif CJK SC (Regular)\n"
	                     "    file: " SERIF ", face 2, CFF\n"
	                     "  fallback 4: LXGW WenKai (Regular)\n"
	                     "    file: " WENKAI ", face 0, TrueType\n"
	                     "  fallback 5: WenQuanYi Zen Hei (Regular)\n"
	                     "    file: " ZENHEI ", face 0, TrueType\n"
	                     "  latin 6: Liberation Serif (Regular)\n"
	                     "    file: " LIBERATION ", face 0, TrueType\n"
	                     "warning: role 'body' uses substitute '%s' "
	                     "for the official 仿宋_GB2312\nheading: ",
	                     body->family, body->style, body->path,
	                     body->face_index, body->family) > 0);
	assert_non_null(strstr(text, expect));
	assert_int_equal(strncmp(text, "title: ", 7), 0);
	assert_int_equal(font_set_open_count(set), 6);   /* printing opens none */
	free(expect);
	free(text);
	font_set_free(set);
}

/* ---- chains: per-character fallback ---- */

/* A chain entry expected: the file (NULL: any) or family, its face. */
typedef struct chain_link {
	const char *path;
	const char *family;
	int index;
} chain_link;

/* assert_chain:
 * Role's chain holds exactly the faces in links, in order. */
static void
assert_chain(const font_set *set, size_t role, const chain_link *links,
             size_t count)
{
	size_t k;

	assert_int_equal(font_set_chain_length(set, role), count);
	for (k = 0; k < count; k++) {
		const font_face *f = font_set_chain_face(set, role, k);

		assert_non_null(f);
		if (links[k].path != NULL)
			assert_string_equal(f->path, links[k].path);
		else
			assert_string_equal(f->family, links[k].family);
		assert_int_equal(f->face_index, links[k].index);
		assert_string_equal(f->role, all_roles[role]);
	}
}

#define TT(path) { path, NULL, 0 }
#define NOTO(path) { path, NULL, SC }
#define FAMILY(name) { NULL, name, 0 }

static void
test_chain_order(void **state)
{
	static const chain_link title[] = { NOTO(SERIF_BOLD), TT(ZENHEI), TT(UMING),
	                              TT(GBSN), NOTO(SERIF), TT(WENKAI) };
	static const chain_link body[] = { FAMILY("FandolFang"), TT(GBSN), TT(UMING),
	                             NOTO(SERIF), TT(WENKAI), TT(ZENHEI),
	                             TT(LIBERATION) };
	static const chain_link heading[] = { NOTO(SANS), TT(ZENHEI), NOTO(SERIF),
	                                TT(UMING), TT(WENKAI) };
	static const chain_link subheading[] = { TT(GKAI), FAMILY("FandolKai"),
	                                   TT(UKAI), TT(WENKAI), NOTO(SERIF),
	                                   TT(UMING), TT(ZENHEI) };
	static const chain_link table[] = { NOTO(SERIF), TT(GBSN), TT(UMING),
	                              TT(WENKAI), TT(ZENHEI), TT(LIBERATION) };
	static const chain_link page_number[] = { TT(GBSN), NOTO(SERIF),
	                                    TT(UMING), TT(WENKAI), TT(ZENHEI) };
	font_set *set = resolve_real();
	const font_face *f;

	/* the role's own list first, then the shared fallback list, each
	 * face once, then the latin faces */
	assert_chain(set, 0, title, 6);
	assert_chain(set, 1, body, 7);
	assert_chain(set, 2, heading, 5);
	assert_chain(set, 3, subheading, 7);
	assert_chain(set, 4, table, 6);
	assert_chain(set, 5, page_number, 5);
	f = font_set_chain_face(set, 1, 1);
	assert_string_equal(f->family, "AR PL SungtiL GB");
	assert_int_equal(f->preference_rank, 8);     /* 6 official, 2 Fandol */
	assert_false(f->substitute);
	f = font_set_chain_face(set, 1, 3);
	assert_string_equal(f->family, "Noto Serif CJK SC");
	assert_string_equal(f->style, "Regular");
	assert_int_equal(f->preference_rank, 10 + 0); /* fallback entry 0 */
	assert_true(font_set_chain_face(set, 1, 6)->latin_only);
	assert_null(font_set_chain_face(set, 1, 7));
	assert_null(font_set_chain_face(set, ROLE_COUNT, 0));
	assert_int_equal(font_set_chain_length(set, ROLE_COUNT), 0);
	font_set_free(set);
}

static void
test_chain_faces_open_lazily_and_once(void **state)
{
	font_set *set = resolve_real();
	const font_face *face, *title_face;

	/* the first faces only: Noto Serif Bold (title), FandolFang (body),
	 * Noto Sans (heading), KaitiM (subheading), Noto Serif (table),
	 * SungtiL (page numbers) */
	assert_int_equal(font_set_open_count(set), 6);
	assert_ptr_equal(font_set_face(set, 5)->ft_face,
	                 font_set_chain_face(set, 1, 1)->ft_face);
	assert_int_equal(font_set_face_for_char(set, 1, 0x653F, &face), 0);
	assert_ptr_equal(face, font_set_face(set, 1));
	assert_int_equal(font_set_open_count(set), 6);
	/* 昇 is in neither FandolFang nor SungtiL GB */
	assert_int_equal(font_set_face_for_char(set, 1, CP_SHENG, &face), 2);
	assert_string_equal(face->family, "AR PL UMing CN");
	assert_int_equal(font_set_open_count(set), 7);
	assert_int_equal(font_set_face_for_char(set, 1, CP_EXT_B, &face), 3);
	assert_string_equal(face->path, SERIF);
	assert_int_equal(font_advance(face, CP_EXT_B), 1000);
	/* Noto Serif is open already, for the table */
	assert_int_equal(font_set_open_count(set), 7);
	assert_int_equal(font_set_face_for_char(set, 1, CP_EXT_A, &face), 3);
	/* the title's Noto Serif Regular is the body's FT_Face */
	assert_int_equal(font_set_face_for_char(set, 0, CP_EXT_B, &title_face), 0);
	assert_int_equal(font_set_face_for_char(set, 0, CP_SHENG, &title_face), 0);
	assert_int_equal(font_set_face_for_char(set, 2, 0x3007, &title_face), 0);
	assert_int_equal(font_set_open_count(set), 7);
	font_set_free(set);
}

static void
test_char_in_no_face(void **state)
{
	font_set *set = resolve_real();
	const font_face *face = font_set_face(set, 0);

	assert_int_equal(font_set_face_for_char(set, 1, CP_TANGUT, &face), -1);
	assert_null(face);
	assert_int_equal(font_set_face_for_char(set, 1, CP_PRIVATE, &face), -1);
	assert_int_equal(font_set_face_for_char(set, 3, CP_PRIVATE, &face), -1);
	assert_int_equal(font_set_face_for_char(set, 1, 0x110000, &face), -1);
	assert_int_equal(font_set_face_for_char(set, ROLE_COUNT, 'a', &face), -1);
	assert_null(face);
	font_set_free(set);
}

static void
test_chains_are_deterministic(void **state)
{
	font_set *a = resolve_real();
	font_set *b = resolve_real();
	size_t i, k;

	for (i = 0; i < ROLE_COUNT; i++) {
		assert_int_equal(font_set_chain_length(a, i),
		                 font_set_chain_length(b, i));
		for (k = 0; k < font_set_chain_length(a, i); k++) {
			const font_face *fa = font_set_chain_face(a, i, k);
			const font_face *fb = font_set_chain_face(b, i, k);

			assert_string_equal(fa->path, fb->path);
			assert_int_equal(fa->face_index, fb->face_index);
			assert_string_equal(fa->family, fb->family);
			assert_string_equal(fa->style, fb->style);
		}
	}
	font_set_free(a);
	font_set_free(b);
}

static void
test_fallback_list_entries(void **state)
{
	static const char *const roles[] = { "body" };
	temp_data t;
	char font[160], *text = NULL;
	size_t size = 0;
	font_set *set;
	const font_face *face;
	captured c;
	FILE *out;

	/* missing entries are skipped, a face already in the chain is not
	 * repeated, a file entry learns its family when opened, and a file
	 * that turns out unusable is passed over */
	temp_data_create(&t, "body: {free: [AR PL SungtiL GB, No Such Face]}\n"
	                 "fallback: [No Such Fallback, tiny-cff.otf, \"" UMING "#0\",\n"
	                 "           AR PL SungtiL GB, lxgw wenkai]\n");
	snprintf(font, sizeof(font), "%s/tiny-cff.otf", t.fonts);
	write_cff_font(font, "CFF ");
	capture_start(&c);
	set = font_set_resolve(t.dir, roles, 1, &c.sink);
	capture_end(&c);
	assert_string_equal(c.text, "");
	assert_non_null(set);
	assert_int_equal(font_set_chain_length(set, 0), 4);
	assert_int_equal(font_set_open_count(set), 1);
	assert_int_equal(font_set_face_for_char(set, 0, CP_EXT_B, &face), 3);
	assert_string_equal(face->family, "LXGW WenKai");
	assert_int_equal(face->preference_rank, 2 + 4);
	assert_null(font_set_chain_face(set, 0, 1));     /* the CFF file */
	face = font_set_chain_face(set, 0, 2);
	assert_string_equal(face->family, "AR PL UMing CN");
	assert_string_equal(face->path, UMING);
	out = open_memstream(&text, &size);
	font_set_print(set, out);
	fclose(out);
	assert_non_null(strstr(text, "  fallback 1: tiny-cff.otf\n"));
	assert_non_null(strstr(text, ", face 0, unusable: no Unicode character "
	                       "map\n  fallback 2: AR PL UMing CN"));
	free(text);
	font_set_free(set);
	free(c.text);
	temp_data_remove(&t, font);
}

static void
test_fallback_list_shape_error(void **state)
{
	static const char *const roles[] = { "body" };
	temp_data t;
	captured c;

	temp_data_create(&t, "body: {free: [AR PL SungtiL GB]}\n"
	                 "fallback: AR PL UMing CN\n");
	capture_start(&c);
	assert_null(font_set_resolve(t.dir, roles, 1, &c.sink));
	capture_end(&c);
	assert_int_equal(c.sink.errors, 1);
	assert_non_null(strstr(c.text, ":2:11: error: the fallback font list"));
	free(c.text);
	temp_data_remove(&t, NULL);
}

static void
test_file_set_is_a_chain_of_one(void **state)
{
	font_set *set = font_set_open_file(GBSN, 0, err_sink());
	const font_face *face;

	assert_int_equal(font_set_chain_length(set, 0), 1);
	assert_int_equal(font_set_face_for_char(set, 0, 0x653F, &face), 0);
	assert_int_equal(font_set_face_for_char(set, 0, CP_SHENG, &face), -1);
	assert_int_equal(font_set_open_count(set), 1);
	font_set_free(set);
}

/* freetype_pass:
 * Summaries off: FreeType opens every face, as before summaries. */
static int
freetype_pass(void **state)
{
	summaries = false;
	return setenv("GKREPORT_NO_FONT_CACHE", "1", 1);
}

/* summaries_pass:
 * Summaries on, in an empty cache folder of the pass's own. */
static int
summaries_pass(void **state)
{
	summaries = true;
	unsetenv("GKREPORT_NO_FONT_CACHE");
	strcpy(summary_home, "/tmp/gk_test_fonts_cache_XXXXXX");
	if (mkdtemp(summary_home) == NULL)
		return -1;
	return setenv("XDG_CACHE_HOME", summary_home, 1);
}

/* summaries_end:
 * Removes the pass's cache folder. */
static int
summaries_end(void **state)
{
	char cmd[128];

	unsetenv("XDG_CACHE_HOME");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", summary_home);
	return system(cmd);
}

int
main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolves_all_roles),
		cmocka_unit_test(test_defaults_look_official),
		cmocka_unit_test(test_missing_first_free_face_is_noted),
		cmocka_unit_test(test_latin_faces),
		cmocka_unit_test(test_resolution_is_deterministic),
		cmocka_unit_test(test_advances_gbsn00lp),
		cmocka_unit_test(test_advance_cache_many_chars),
		cmocka_unit_test(test_vertical_metrics_and_ink),
		cmocka_unit_test(test_classify_and_reject_non_fonts),
		cmocka_unit_test(test_empty_file_and_folder_refused),
		cmocka_unit_test(test_sets_share_one_mapping_per_file),
		cmocka_unit_test(test_summarised_face_opens_freetype_lazily),
		cmocka_unit_test(test_cff_font_is_classified_and_cff2_refused),
		cmocka_unit_test(test_cff2_entry_is_skipped_with_note),
		cmocka_unit_test(test_none_installed_error),
		cmocka_unit_test(test_undefined_role_error),
		cmocka_unit_test(test_roles_yaml_shape_errors),
		cmocka_unit_test(test_path_entries_with_face_index),
		cmocka_unit_test(test_family_prefers_regular_weight),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_chain_order),
		cmocka_unit_test(test_chain_faces_open_lazily_and_once),
		cmocka_unit_test(test_char_in_no_face),
		cmocka_unit_test(test_chains_are_deterministic),
		cmocka_unit_test(test_fallback_list_entries),
		cmocka_unit_test(test_fallback_list_shape_error),
		cmocka_unit_test(test_file_set_is_a_chain_of_one),
	};

	failed = cmocka_run_group_tests_name("freetype", tests, freetype_pass,
	                                     NULL);
	failed += cmocka_run_group_tests_name("summaries", tests,
	                                      summaries_pass, summaries_end);
	return failed;
}
