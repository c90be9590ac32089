/*
 * test_tt_subset.c - the TrueType subset writer on the glyf fonts of the
 * machine (AR PL KaitiM GB and SungtiL GB, Liberation Serif with its
 * composite accented letters, LXGW WenKai, WenQuanYi Zen Hei's
 * collection): FreeType reads each subset back with the source glyphs'
 * outlines and advances, its cmap maps exactly the characters given, its
 * tables and checksums are as the OpenType spec wants, hinting is gone;
 * damaged fonts and bad lists are refused with a reason, and synthetic
 * fonts check the nesting and cycle limits.
 */
#include "testing.h"

#include <hb.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_IDS_H

#include "tt_subset.h"

#define GKAI "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"
#define GBSN "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define SERIF "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define WENKAI "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define ZENHEI "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#define LOAD_FLAGS (FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING)
#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
                         (uint32_t)(c) << 8 | (uint32_t)(d))
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define CODE_POINTS 0x110000u

/* Text of the seed report, for CJK subsets of report size. */
static const char report_text[] =
	"王城路街道办事处认真贯彻中华人民共和国政府信息公开条例及省市区关于"
	"政务公开工作的通知精神有效运用平台严格落实法定义务切实保障人民群众";

static FT_Library ft;

/* A source font: its tables (copies, so tests may damage them) and the
 * FreeType face of the file. */
typedef struct source_font {
	tt_source src;
	FT_Face face;
	unsigned glyph_count;
} source_font;

/* A subset made by make_subset: the closure, the characters, the font. */
typedef struct subset {
	uint32_t *glyphs;
	unsigned count;
	tt_char *chars;
	size_t char_count;
	unsigned char *font;
	size_t size;
	FT_Face face;
} subset;

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xFFFF);
}

/* A copy in a's memory of table tag of face (size 0 when absent). */
static tt_table
copy_table(arena *a, hb_face_t *face, uint32_t tag)
{
	hb_blob_t *blob = hb_face_reference_table(face, tag);
	unsigned length;
	const char *data = hb_blob_get_data(blob, &length);
	unsigned char *copy = arena_alloc(a, length);

	if (length > 0)
		memcpy(copy, data, length);
	hb_blob_destroy(blob);
	return (tt_table){ length > 0 ? copy : NULL, length };
}

/* Face index of path: tables through HarfBuzz (as the PDF writer gets
 * them) and the FreeType face. */
static source_font
load_font(arena *a, const char *path, unsigned index)
{
	hb_blob_t *file = hb_blob_create_from_file_or_fail(path);
	hb_face_t *face;
	source_font f;

	if (file == NULL)
		fail_msg("%s is missing: run scripts/install-fonts.sh", path);
	face = hb_face_create(file, index);
	f.src.head = copy_table(a, face, TAG('h','e','a','d'));
	f.src.hhea = copy_table(a, face, TAG('h','h','e','a'));
	f.src.maxp = copy_table(a, face, TAG('m','a','x','p'));
	f.src.hmtx = copy_table(a, face, TAG('h','m','t','x'));
	f.src.loca = copy_table(a, face, TAG('l','o','c','a'));
	f.src.glyf = copy_table(a, face, TAG('g','l','y','f'));
	f.src.os2 = copy_table(a, face, TAG('O','S','/','2'));
	f.src.name = copy_table(a, face, TAG('n','a','m','e'));
	f.src.post = copy_table(a, face, TAG('p','o','s','t'));
	hb_face_destroy(face);
	hb_blob_destroy(file);
	assert_int_equal(FT_New_Face(ft, path, index, &f.face), 0);
	f.glyph_count = (unsigned)f.face->num_glyphs;
	return f;
}

/* The code points of UTF-8 text, each once, in order of first use. */
static uint32_t *
code_points_of(arena *a, const char *text, size_t *n)
{
	const unsigned char *s = (const unsigned char *)text;
	uint32_t *cps = arena_calloc(a, strlen(text) + 1, sizeof(*cps)), cp;
	size_t i;

	for (*n = 0; *s != '\0';) {
		if (*s < 0x80)
			cp = *s++;
		else if (*s < 0xE0)
			cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F), s += 2;
		else if (*s < 0xF0)
			cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
			     (s[2] & 0x3F), s += 3;
		else
			cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
			     (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F), s += 4;
		for (i = 0; i < *n && cps[i] != cp; i++)
			;
		if (i == *n)
			cps[(*n)++] = cp;
	}
	return cps;
}

/* The subset for code points cps (n) of f, through the source cmap:
 * closure, then write; FreeType opens it. */
static subset
make_subset(arena *a, source_font *f, const uint32_t *cps, size_t n)
{
	subset s = { .chars = arena_calloc(a, n, sizeof(tt_char)) };
	uint32_t *glyphs = arena_calloc(a, n, sizeof(uint32_t));
	const char *why = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		s.chars[i].code_point = cps[i];
		s.chars[i].old_glyph = FT_Get_Char_Index(f->face, cps[i]);
		glyphs[i] = s.chars[i].old_glyph;
	}
	s.char_count = n;
	if (!tt_subset_closure(a, &f->src, glyphs, (unsigned)n, &s.glyphs, &s.count,
	                       &why))
		fail_msg("closure: %s", why);
	if (!tt_subset_write(a, &f->src, s.glyphs, s.count, s.chars, n, &s.font,
	                     &s.size, &why))
		fail_msg("write: %s", why);
	assert_int_equal(FT_New_Memory_Face(ft, s.font, (FT_Long)s.size, 0,
	                                    &s.face), 0);
	return s;
}

/* The subset's new id of old glyph g; -1 when not kept. */
static long
new_id(const subset *s, uint32_t g)
{
	unsigned i;

	for (i = 0; i < s->count; i++)
		if (s->glyphs[i] == g)
			return i;
	return -1;
}

/* Table tag of the sfnt font (size bytes), from its directory. */
static tt_table
find_table(const unsigned char *font, size_t size, uint32_t tag)
{
	unsigned n = get16(font + 4), i;
	const unsigned char *rec;

	for (i = 0; i < n; i++) {
		rec = font + 12 + 16 * i;
		if (get32(rec) == tag) {
			assert_true(get32(rec + 8) + (size_t)get32(rec + 12) <= size);
			return (tt_table){ font + get32(rec + 8), get32(rec + 12) };
		}
	}
	return (tt_table){ NULL, 0 };
}

static void assert_sfnt_sound(const unsigned char *font, size_t size);

/* ---- outlines ----------------------------------------------------------- */

/* Glyph old of the source and new of the subset load the same: points,
 * tags, contours, advance. */
static void
assert_same_glyph(FT_Face source, unsigned old, FT_Face sub, unsigned new)
{
	FT_Outline o, *so;
	FT_Vector points[4096];
	char tags[4096];
	short contours[1024];
	FT_Pos advance;

	assert_int_equal(FT_Load_Glyph(source, old, LOAD_FLAGS), 0);
	o = source->glyph->outline;
	assert_true(o.n_points <= 4096 && o.n_contours <= 1024);
	if (o.n_points > 0) {                        /* else NULL arrays */
		memcpy(points, o.points, (size_t)o.n_points * sizeof(FT_Vector));
		memcpy(tags, o.tags, (size_t)o.n_points);
		memcpy(contours, o.contours, (size_t)o.n_contours * sizeof(short));
	}
	advance = source->glyph->metrics.horiAdvance;
	assert_int_equal(FT_Load_Glyph(sub, new, LOAD_FLAGS), 0);
	so = &sub->glyph->outline;
	assert_int_equal(so->n_points, o.n_points);
	assert_int_equal(so->n_contours, o.n_contours);
	assert_int_equal(sub->glyph->metrics.horiAdvance, advance);
	if (o.n_points == 0)
		return;
	assert_memory_equal(so->points, points, (size_t)o.n_points * sizeof(FT_Vector));
	assert_memory_equal(so->tags, tags, (size_t)o.n_points);
	assert_memory_equal(so->contours, contours, (size_t)o.n_contours * sizeof(short));
}

/* Every glyph of the subset is its source glyph; every character maps to
 * its glyph's new id. */
static void
assert_subset_faithful(source_font *f, const subset *s)
{
	unsigned i;

	assert_int_equal(s->face->num_glyphs, s->count);
	for (i = 0; i < s->count; i++)
		assert_same_glyph(f->face, s->glyphs[i], s->face, i);
	for (i = 0; i < s->char_count; i++)
		assert_int_equal(FT_Get_Char_Index(s->face, s->chars[i].code_point),
		                 new_id(s, s->chars[i].old_glyph));
}

static void
test_kaiti_report_text(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, GKAI, 0);
	size_t n;
	uint32_t *cps = code_points_of(a, report_text, &n);
	subset s = make_subset(a, &f, cps, n);

	(void)state;
	assert_true(n >= 40);
	assert_int_equal(s.count, n + 1);           /* no composites in Kaiti */
	assert_subset_faithful(&f, &s);
	assert_true(s.size < f.src.glyf.size / 100);
	FT_Done_Face(s.face);
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* Liberation's accented letters are composites: their components come
 * into the closure, renumbered in the subset, and they load whole. */
/* The closure written over its own input (as the PDF writer calls it)
 * is the same. */
static void
assert_closure_in_place(source_font *f, const subset *s)
{
	arena *a = arena_create();
	uint32_t *glyphs = arena_calloc(a, s->char_count, sizeof(uint32_t));
	unsigned count = (unsigned)s->char_count, i;
	const char *why;

	for (i = 0; i < count; i++)
		glyphs[i] = s->chars[i].old_glyph;
	assert_true(tt_subset_closure(a, &f->src, glyphs, count, &glyphs, &count,
	                              &why));
	assert_int_equal(count, s->count);
	assert_memory_equal(glyphs, s->glyphs, count * sizeof(uint32_t));
	arena_destroy(a);
}

static void
test_serif_composites(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, SERIF, 0);
	size_t n;
	uint32_t *cps = code_points_of(a, "éüÅçñ Hi", &n);
	subset s = make_subset(a, &f, cps, n);
	FT_Int index, sub_index, arg1, arg2, sub_arg1, sub_arg2;
	FT_UInt flags, sub_flags;
	FT_Matrix m, sub_m;
	unsigned g, i, composites = 0;

	(void)state;
	assert_true(s.count > n + 1);
	assert_subset_faithful(&f, &s);
	assert_closure_in_place(&f, &s);
	for (g = 0; g < s.count; g++) {
		assert_int_equal(FT_Load_Glyph(f.face, s.glyphs[g], LOAD_FLAGS |
		                               FT_LOAD_NO_RECURSE), 0);
		if (f.face->glyph->format != FT_GLYPH_FORMAT_COMPOSITE)
			continue;
		composites++;
		assert_int_equal(FT_Load_Glyph(s.face, g, LOAD_FLAGS |
		                               FT_LOAD_NO_RECURSE), 0);
		assert_int_equal(s.face->glyph->num_subglyphs,
		                 f.face->glyph->num_subglyphs);
		for (i = 0; i < f.face->glyph->num_subglyphs; i++) {
			assert_int_equal(FT_Get_SubGlyph_Info(f.face->glyph, i, &index,
			                 &flags, &arg1, &arg2, &m), 0);
			assert_int_equal(FT_Get_SubGlyph_Info(s.face->glyph, i, &sub_index,
			                 &sub_flags, &sub_arg1, &sub_arg2, &sub_m), 0);
			assert_true(new_id(&s, (uint32_t)index) > 0);
			assert_int_equal(sub_index, new_id(&s, (uint32_t)index));
			assert_int_equal(sub_flags, flags & ~(FT_UInt)0x100);
			assert_int_equal(sub_arg1, arg1);
			assert_int_equal(sub_arg2, arg2);
			assert_memory_equal(&sub_m, &m, sizeof(m));
		}
	}
	assert_int_equal(composites, 5);
	FT_Done_Face(s.face);
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* 1500 WenKai glyphs (long loca: glyf is past 128 KiB), among them the
 * last glyphs, past numberOfHMetrics, which take the last advance. */
static void assert_metrics_kept(const source_font *f, const subset *s);

static void
test_wenkai_large_subset(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, WENKAI, 0);
	uint32_t *cps = arena_calloc(a, 1500, sizeof(uint32_t));
	uint32_t glyphs[] = { 0, 28878, 28879, 28880, 28881, 29000, 29144 };
	subset s;
	size_t n = 0;
	uint32_t cp;
	tt_table head;
	const char *why;
	unsigned char *out;
	size_t size;
	uint32_t *closed;
	unsigned closed_count, i;
	FT_Face face;

	(void)state;
	for (cp = 0x4E00; n < 1500; cp += 7)
		if (FT_Get_Char_Index(f.face, cp) != 0)
			cps[n++] = cp;
	s = make_subset(a, &f, cps, n);
	assert_subset_faithful(&f, &s);
	head = find_table(s.font, s.size, TAG('h','e','a','d'));
	assert_int_equal(get16(head.data + 50), 1);
	assert_true(find_table(s.font, s.size, TAG('g','l','y','f')).size >= 0x20000);
	FT_Done_Face(s.face);
	assert_true(tt_subset_closure(a, &f.src, glyphs, COUNT(glyphs), &closed,
	                              &closed_count, &why));
	assert_true(tt_subset_write(a, &f.src, closed, closed_count, NULL, 0, &out,
	                            &size, &why));
	assert_int_equal(FT_New_Memory_Face(ft, out, (FT_Long)size, 0, &face), 0);
	for (i = 0; i < closed_count; i++)
		assert_same_glyph(f.face, closed[i], face, i);
	FT_Done_Face(face);
	s = (subset){ .glyphs = closed, .count = closed_count, .font = out,
	              .size = size };
	assert_metrics_kept(&f, &s);
	assert_sfnt_sound(out, size);
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* The first face of WenQuanYi Zen Hei's collection (with bitmaps, which
 * the subset leaves out) and Sungti. */
static void
test_collection_and_sungti(void **state)
{
	arena *a = arena_create();
	source_font zenhei = load_font(a, ZENHEI, 0), sungti = load_font(a, GBSN, 0);
	size_t n;
	uint32_t *cps = code_points_of(a, "政府信息公开年度报告 2024", &n);
	subset s = make_subset(a, &zenhei, cps, n), t;

	(void)state;
	assert_subset_faithful(&zenhei, &s);
	FT_Done_Face(s.face);
	cps = code_points_of(a, "年度报告公开政府", &n);
	t = make_subset(a, &sungti, cps, n);
	assert_subset_faithful(&sungti, &t);
	assert_int_equal(t.count, 9);
	FT_Done_Face(t.face);
	FT_Done_Face(zenhei.face);
	FT_Done_Face(sungti.face);
	arena_destroy(a);
}

/* ---- cmap --------------------------------------------------------------- */

/* Charmap (platform, encoding) of face, selected; false when absent. */
static bool
select_charmap(FT_Face face, unsigned platform, unsigned encoding)
{
	int i;

	for (i = 0; i < face->num_charmaps; i++)
		if (face->charmaps[i]->platform_id == platform &&
		    face->charmaps[i]->encoding_id == encoding)
			return FT_Set_Charmap(face, face->charmaps[i]) == 0;
	return false;
}

/* format 4's binary search fields and U+FFFF terminator. */
static void
assert_format4_header(const unsigned char *sub)
{
	unsigned seg_x2 = get16(sub + 6), seg = seg_x2 / 2, p = 1, log2 = 0;

	assert_int_equal(get16(sub), 4);
	while (p * 2 <= seg)
		p *= 2, log2++;
	assert_int_equal(get16(sub + 8), 2 * p);
	assert_int_equal(get16(sub + 10), log2);
	assert_int_equal(get16(sub + 12), seg_x2 - 2 * p);
	assert_int_equal(get16(sub + 14 + seg_x2 - 2), 0xFFFF);   /* last endCode */
	assert_int_equal(get16(sub + 16 + seg_x2 + seg_x2 - 2), 0xFFFF);
}

/* How many segments of a format 4 subtable map through glyphIdArray. */
static unsigned
array_segments(const unsigned char *sub)
{
	unsigned seg_x2 = get16(sub + 6), i, n = 0;

	for (i = 0; i < seg_x2; i += 2)
		n += get16(sub + 16 + 3 * seg_x2 + i) != 0;
	return n;
}

/* The index of g in ids (count), which has it. */
static uint16_t
index_of(const uint32_t *ids, unsigned count, uint32_t g)
{
	unsigned i;

	for (i = 0; ids[i] != g; i++)
		assert_true(i + 1 < count);
	return (uint16_t)i;
}

/* Every character Liberation maps (runs of consecutive glyphs), plus
 * made-up ones: a run of private use characters with scattered glyphs,
 * and some past the BMP: every code point of
 * Unicode maps in the subset to what was given, or to 0, through (3,10)
 * and, in the BMP, (3,1). */
static void
test_cmap_maps_exactly_the_characters(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, SERIF, 0);
	uint16_t *expected = arena_calloc(a, CODE_POINTS, sizeof(uint16_t));
	tt_char *chars = arena_calloc(a, 4000, sizeof(tt_char));
	uint32_t *glyphs = arena_calloc(a, 4000, sizeof(uint32_t)), *closed;
	static const uint32_t extra[] = { 0xFFFF, 0x1F600, 0x1F601, 0x1F602,
	                                  0x20000, 0x10FFFF };
	unsigned closed_count, i, cp;
	size_t n = 0, size;
	FT_ULong code;
	FT_UInt gid;
	unsigned char *font;
	const char *why;
	FT_Face face;
	tt_table cmap;

	(void)state;
	for (code = FT_Get_First_Char(f.face, &gid); gid != 0;
	     code = FT_Get_Next_Char(f.face, code, &gid)) {
		chars[n] = (tt_char){ (uint32_t)code, gid };
		glyphs[n++] = gid;
	}
	for (i = 0; i < COUNT(extra); i++)
		chars[n++] = (tt_char){ extra[i], glyphs[i * 37] };
	for (i = 0; i < 16; i++)                     /* scattered glyphs */
		chars[n++] = (tt_char){ 0xE000 + i, glyphs[500 - 13 * i] };
	assert_true(tt_subset_closure(a, &f.src, glyphs, (unsigned)n, &closed,
	                              &closed_count, &why));
	assert_true(tt_subset_write(a, &f.src, closed, closed_count, chars, n,
	                            &font, &size, &why));
	for (i = 0; i < n; i++)
		expected[chars[i].code_point] = index_of(closed, closed_count,
		                                         chars[i].old_glyph);
	assert_int_equal(FT_New_Memory_Face(ft, font, (FT_Long)size, 0, &face), 0);
	cmap = find_table(font, size, TAG('c','m','a','p'));
	assert_int_equal(get16(cmap.data + 2), 2);
	assert_format4_header(cmap.data + get32(cmap.data + 8));
	assert_true(array_segments(cmap.data + get32(cmap.data + 8)) > 0);
	assert_true(select_charmap(face, 3, 10));
	for (cp = 0; cp < CODE_POINTS; cp++)
		if (FT_Get_Char_Index(face, cp) != expected[cp])
			fail_msg("(3,10) U+%04X: %u, not %u", cp, FT_Get_Char_Index(face, cp),
			         expected[cp]);
	assert_true(select_charmap(face, 3, 1));
	for (cp = 0; cp < 0xFFFF; cp++)
		if (FT_Get_Char_Index(face, cp) != expected[cp])
			fail_msg("(3,1) U+%04X: %u, not %u", cp, FT_Get_Char_Index(face, cp),
			         expected[cp]);
	FT_Done_Face(face);
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* BMP characters only: one (3,1) format 4 subtable; no characters at all:
 * the bare U+FFFF segment. */
static void
test_cmap_bmp_only_and_empty(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, SERIF, 0);
	size_t n;
	uint32_t *cps = code_points_of(a, "AB", &n);
	subset s = make_subset(a, &f, cps, n);
	tt_table cmap = find_table(s.font, s.size, TAG('c','m','a','p'));
	static const uint32_t notdef[] = { 0 };
	unsigned char *font;
	size_t size;
	const char *why;

	(void)state;
	assert_int_equal(get16(cmap.data + 2), 1);
	assert_int_equal(get16(cmap.data + 4), 3);
	assert_int_equal(get16(cmap.data + 6), 1);
	assert_format4_header(cmap.data + 12);
	assert_int_equal(get16(cmap.data + 12 + 6), 2 * 2);   /* A-B, U+FFFF */
	assert_int_equal(FT_Get_Char_Index(s.face, 'A'), 1);
	assert_int_equal(FT_Get_Char_Index(s.face, 'B'), 2);
	assert_int_equal(FT_Get_Char_Index(s.face, 'C'), 0);
	FT_Done_Face(s.face);
	assert_true(tt_subset_write(a, &f.src, notdef, 1, NULL, 0, &font, &size,
	                            &why));
	cmap = find_table(font, size, TAG('c','m','a','p'));
	assert_int_equal(get16(cmap.data + 12 + 6), 2);
	assert_format4_header(cmap.data + 12);
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* ---- tables ------------------------------------------------------------- */

/* The sfnt wrapper: searchRange fields, records sorted by tag, tables
 * 4-aligned and zero-padded with right checksums (head's with its
 * checkSumAdjustment taken as 0), and the whole font summing to
 * 0xB1B0AFBA. */
static void
assert_sfnt_sound(const unsigned char *font, size_t size)
{
	unsigned n = get16(font + 4), i, p = 1, log2 = 0;
	uint32_t sum = 0, table_sum, offset, length, adjustment = 0;
	size_t j;

	assert_int_equal(get32(font), 0x00010000);
	while (p * 2 <= n)
		p *= 2, log2++;
	assert_int_equal(get16(font + 6), 16 * p);
	assert_int_equal(get16(font + 8), log2);
	assert_int_equal(get16(font + 10), 16 * n - 16 * p);
	assert_int_equal(size % 4, 0);
	for (i = 0; i < n; i++) {
		const unsigned char *rec = font + 12 + 16 * i;

		if (i > 0)
			assert_true(get32(rec) > get32(rec - 16));
		offset = get32(rec + 8);
		length = get32(rec + 12);
		assert_int_equal(offset % 4, 0);
		assert_true(offset + (size_t)((length + 3) & ~3u) <= size);
		for (j = length; j % 4 != 0; j++)
			assert_int_equal(font[offset + j], 0);
		for (table_sum = 0, j = 0; j < length; j += 4)
			table_sum += get32(font + offset + j);
		if (get32(rec) == TAG('h','e','a','d'))
			table_sum -= adjustment = get32(font + offset + 8);
		assert_int_equal(table_sum, get32(rec + 4));
	}
	for (j = 0; j < size; j += 4)
		sum += get32(font + j);
	assert_int_equal(sum, 0xB1B0AFBAu);
	assert_int_not_equal(adjustment, 0);
}

/* The subset's tables: the HarfBuzz set; head, hhea, maxp, OS/2 and post
 * the source's but for the fields a subset changes. */
static void
assert_tables_kept(const source_font *f, const subset *s)
{
	static const uint32_t tags[] = {
		TAG('O','S','/','2'), TAG('c','m','a','p'), TAG('g','l','y','f'),
		TAG('h','e','a','d'), TAG('h','h','e','a'), TAG('h','m','t','x'),
		TAG('l','o','c','a'), TAG('m','a','x','p'), TAG('n','a','m','e'),
		TAG('p','o','s','t'),
	};
	tt_table t;
	unsigned i;

	assert_int_equal(get16(s->font + 4), COUNT(tags));
	for (i = 0; i < COUNT(tags); i++)
		assert_int_equal(get32(s->font + 12 + 16 * i), tags[i]);
	t = find_table(s->font, s->size, TAG('h','e','a','d'));
	assert_int_equal(t.size, 54);
	assert_memory_equal(t.data, f->src.head.data, 8);
	assert_memory_equal(t.data + 12, f->src.head.data + 12, 50 - 12);
	assert_int_equal(get16(t.data + 52), 0);
	t = find_table(s->font, s->size, TAG('h','h','e','a'));
	assert_memory_equal(t.data, f->src.hhea.data, 34);
	t = find_table(s->font, s->size, TAG('m','a','x','p'));
	assert_int_equal(t.size, 32);
	assert_int_equal(get16(t.data + 4), s->count);
	assert_memory_equal(t.data + 6, f->src.maxp.data + 6, 32 - 6);
	t = find_table(s->font, s->size, TAG('O','S','/','2'));
	assert_int_equal(t.size, f->src.os2.size);
	assert_memory_equal(t.data, f->src.os2.data, t.size);
	t = find_table(s->font, s->size, TAG('p','o','s','t'));
	assert_int_equal(t.size, 32);
	assert_int_equal(get32(t.data), 0x00030000);
	assert_memory_equal(t.data + 4, f->src.post.data + 4, 28);
}

/* Record (platform, encoding, language, name) of a name table: its
 * string, *length bytes; NULL when absent. */
static const unsigned char *
name_string(const unsigned char *name, const unsigned char *key, unsigned *length)
{
	unsigned n = get16(name + 2), i;
	const unsigned char *rec;

	for (i = 0; i < n; i++) {
		rec = name + 6 + 12 * i;
		if (memcmp(rec, key, 8) == 0) {
			*length = get16(rec + 8);
			return name + get16(name + 4) + get16(rec + 10);
		}
	}
	return NULL;
}

/* Whether a name record is Windows Unicode US English. */
static bool
english(const unsigned char *rec)
{
	return get16(rec) == 3 && (get16(rec + 2) == 1 || get16(rec + 2) == 10) &&
	       get16(rec + 4) == 0x0409;
}

/* name: exactly the source's records of IDs 0 to 6, the US English ones
 * if there are (else all), with the same strings. */
static void
assert_names_kept(const tt_table *source, const unsigned char *font,
                  size_t size)
{
	tt_table name = find_table(font, size, TAG('n','a','m','e'));
	const unsigned char *src = source->data, *rec, *a, *b;
	unsigned i, kept = 0, la, lb, n = get16(src + 2);
	bool only_english = false;

	for (i = 0; i < n; i++)
		only_english |= english(src + 6 + 12 * i) && get16(src + 12 + 12 * i) <= 6;
	for (i = 0; i < n; i++) {
		rec = src + 6 + 12 * i;
		if (get16(rec + 6) > 6 || (only_english && !english(rec)))
			continue;
		kept++;
		a = name_string(src, rec, &la);
		b = name_string(name.data, rec, &lb);
		assert_non_null(b);
		assert_int_equal(lb, la);
		assert_memory_equal(b, a, la);
		assert_true(b + lb <= name.data + name.size);
	}
	assert_true(kept > 0);
	assert_int_equal(get16(name.data + 2), kept);
	assert_int_equal(get16(name.data), 0);
}

/* An advance and left side bearing of an hmtx of hmetrics long metrics. */
static void
metrics_of(const tt_table *hmtx, unsigned hmetrics, unsigned g,
           unsigned *advance, unsigned *lsb)
{
	unsigned m = g < hmetrics ? g : hmetrics - 1;

	*advance = get16(hmtx->data + 4 * m);
	*lsb = g < hmetrics ? get16(hmtx->data + 4 * g + 2)
	     : get16(hmtx->data + 4 * hmetrics + 2 * (g - hmetrics));
	assert_true(4 * (size_t)hmetrics <= hmtx->size);
}

/* hmtx: each kept glyph's advance and lsb are the source's. */
static void
assert_metrics_kept(const source_font *f, const subset *s)
{
	tt_table hmtx = find_table(s->font, s->size, TAG('h','m','t','x'));
	tt_table hhea = find_table(s->font, s->size, TAG('h','h','e','a'));
	unsigned hmetrics = get16(hhea.data + 34), i, a1, l1, a2, l2;

	assert_int_equal(hmtx.size, 4 * hmetrics + 2 * (s->count - hmetrics));
	for (i = 0; i < s->count; i++) {
		metrics_of(&f->src.hmtx, get16(f->src.hhea.data + 34), s->glyphs[i],
		           &a1, &l1);
		metrics_of(&hmtx, hmetrics, i, &a2, &l2);
		assert_int_equal(a2, a1);
		assert_int_equal(l2, l1);
	}
}

static void
test_tables_and_checksums(void **state)
{
	arena *a = arena_create();
	source_font kai = load_font(a, GKAI, 0), serif = load_font(a, SERIF, 0);
	size_t n;
	uint32_t *cps = code_points_of(a, report_text, &n);
	subset s = make_subset(a, &kai, cps, n), t;

	(void)state;
	assert_sfnt_sound(s.font, s.size);
	assert_tables_kept(&kai, &s);
	assert_names_kept(&kai.src.name, s.font, s.size);
	assert_metrics_kept(&kai, &s);
	/* a CJK font of equal advances: one long metric, then lsbs */
	assert_int_equal(get16(find_table(s.font, s.size,
	                                  TAG('h','h','e','a')).data + 34), 1);
	cps = code_points_of(a, "Aéü fi 0,;", &n);
	t = make_subset(a, &serif, cps, n);
	assert_sfnt_sound(t.font, t.size);
	assert_tables_kept(&serif, &t);
	assert_names_kept(&serif.src.name, t.font, t.size);
	assert_metrics_kept(&serif, &t);
	FT_Done_Face(s.face);
	FT_Done_Face(t.face);
	FT_Done_Face(kai.face);
	FT_Done_Face(serif.face);
	arena_destroy(a);
}

/* glyf of a subset: short loca of even offsets; simple glyphs with
 * no instructions, composites with no WE_HAVE_INSTRUCTIONS and nothing
 * after their last component but padding. */
static void
test_hinting_dropped(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, SERIF, 0);
	size_t n;
	uint32_t *cps = code_points_of(a, "éüÅçñ Hinted glyphs", &n);
	subset s = make_subset(a, &f, cps, n);
	tt_table glyf = find_table(s.font, s.size, TAG('g','l','y','f'));
	tt_table loca = find_table(s.font, s.size, TAG('l','o','c','a'));
	tt_table head = find_table(s.font, s.size, TAG('h','e','a','d'));
	unsigned i, from, to, flags, simple = 0;
	const unsigned char *g;
	size_t p;
	int contours;

	(void)state;
	assert_int_equal(get16(head.data + 50), 0);
	assert_int_equal(loca.size, 2 * (s.count + 1));
	assert_int_equal(2 * get16(loca.data + 2 * s.count), glyf.size);
	for (i = 0; i < s.count; i++) {
		from = 2 * get16(loca.data + 2 * i);
		to = 2 * get16(loca.data + 2 * i + 2);
		assert_int_equal(from % 2, 0);
		if (from == to)
			continue;
		g = glyf.data + from;
		contours = (int16_t)get16(g);
		if (contours > 0) {
			assert_int_equal(get16(g + 10 + 2 * contours), 0);
			simple++;
			continue;
		}
		p = 10;
		do {
			flags = get16(g + p);
			assert_int_equal(flags & 0x100, 0);
			p += 4 + (flags & 1 ? 4 : 2) + (flags & 8 ? 2 : flags & 0x40 ? 4
			                                 : flags & 0x80 ? 8 : 0);
		} while (flags & 0x20);
		assert_true(to - from - p < 4);
	}
	assert_true(simple > 10);
	FT_Done_Face(s.face);
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* No name table in the source: none in the subset; an absent post gives
 * a version 3 one of zeros. */
static void
test_absent_name_and_post(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, SERIF, 0);
	static const uint32_t glyphs[] = { 0, 5, 6 };
	unsigned char *font;
	size_t size;
	const char *why;
	tt_table post;
	FT_Face face;

	(void)state;
	f.src.name = (tt_table){ NULL, 0 };
	f.src.post = (tt_table){ NULL, 0 };
	assert_true(tt_subset_write(a, &f.src, glyphs, 3, NULL, 0, &font, &size,
	                            &why));
	assert_sfnt_sound(font, size);
	assert_int_equal(get16(font + 4), 9);
	assert_null(find_table(font, size, TAG('n','a','m','e')).data);
	post = find_table(font, size, TAG('p','o','s','t'));
	assert_int_equal(get32(post.data), 0x00030000);
	assert_int_equal(get32(post.data + 4), 0);
	assert_int_equal(FT_New_Memory_Face(ft, font, (FT_Long)size, 0, &face), 0);
	assert_same_glyph(f.face, 6, face, 2);
	FT_Done_Face(face);
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* A font without US English names keeps those of IDs 0 to 6 in every
 * language (here AR PL's Chinese and English ones, English made
 * British). */
static void
test_names_without_us_english(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, GBSN, 0);
	unsigned char *name = (unsigned char *)f.src.name.data, *font;
	static const uint32_t glyphs[] = { 0, 3 };
	unsigned i, kept = 0;
	size_t size;
	const char *why;

	(void)state;
	for (i = 0; i < get16(name + 2); i++) {
		if (get16(name + 10 + 12 * i) == 0x0409)
			put16(name + 10 + 12 * i, 0x0809);
		kept += get16(name + 12 + 12 * i) <= 6;
	}
	assert_true(tt_subset_write(a, &f.src, glyphs, 2, NULL, 0, &font, &size,
	                            &why));
	assert_names_kept(&f.src.name, font, size);
	assert_int_equal(get16(find_table(font, size,
	                                  TAG('n','a','m','e')).data + 2), kept);
	assert_true(kept > 7);
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* The same input gives the same bytes. */
static void
test_deterministic(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, GKAI, 0);
	size_t n;
	uint32_t *cps = code_points_of(a, report_text, &n);
	subset s = make_subset(a, &f, cps, n), t = make_subset(a, &f, cps, n);

	(void)state;
	assert_int_equal(s.size, t.size);
	assert_memory_equal(s.font, t.font, s.size);
	FT_Done_Face(s.face);
	FT_Done_Face(t.face);
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* ---- damaged fonts and bad lists ----------------------------------------- */

/* Glyph g's bytes in the (long loca) source, for damaging. */
static unsigned char *
source_glyph(source_font *f, unsigned g, size_t *size)
{
	uint32_t from = get32(f->src.loca.data + 4 * g);

	*size = get32(f->src.loca.data + 4 * g + 4) - from;
	return (unsigned char *)f->src.glyf.data + from;
}

/* Closure of glyphs (n) refused, with a reason containing words. */
static void
assert_closure_refused(arena *a, const tt_source *src, const uint32_t *glyphs,
                       unsigned n, const char *words)
{
	uint32_t *closed;
	unsigned count;
	const char *why = NULL;

	assert_false(tt_subset_closure(a, src, glyphs, n, &closed, &count, &why));
	assert_non_null(why);
	if (strstr(why, words) == NULL)
		fail_msg("closure refused with \"%s\", not \"%s\"", why, words);
}

/* Writing glyphs (n) with chars refused, with a reason containing words. */
static void
assert_write_refused(arena *a, const tt_source *src, const uint32_t *glyphs,
                     unsigned n, const tt_char *chars, size_t char_count,
                     const char *words)
{
	unsigned char *out;
	size_t size;
	const char *why = NULL;

	assert_false(tt_subset_write(a, src, glyphs, n, chars, char_count, &out,
	                             &size, &why));
	assert_non_null(why);
	if (strstr(why, words) == NULL)
		fail_msg("write refused with \"%s\", not \"%s\"", why, words);
}

/* é's composite made to contain itself, or a glyph outside the font;
 * a component missing from the list. */
static void
test_bad_composites_refused(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, SERIF, 0);
	uint32_t e = FT_Get_Char_Index(f.face, 0xE9), glyphs[4] = { 0, e };
	uint32_t *closed;
	unsigned count;
	size_t size;
	unsigned char *g = source_glyph(&f, e, &size);
	const char *why;

	(void)state;
	assert_int_equal((int16_t)get16(g), -1);
	assert_true(tt_subset_closure(a, &f.src, glyphs, 2, &closed, &count, &why));
	assert_int_equal(count, 4);                  /* .notdef, e, acute, é */
	assert_write_refused(a, &f.src, glyphs, 2, NULL, 0, "components");
	put16(g + 12, e);
	assert_closure_refused(a, &f.src, glyphs, 2, "contains itself");
	assert_write_refused(a, &f.src, closed, count, NULL, 0, "contains itself");
	put16(g + 12, 0xFFFF);
	assert_closure_refused(a, &f.src, glyphs, 2, "outside the font");
	put16(g + 12, (unsigned)f.glyph_count);
	assert_closure_refused(a, &f.src, glyphs, 2, "outside the font");
	put16(g + 10, 0x0020);                       /* more, byte args */
	put16(g + 12, closed[1]);
	put16(g + 16, 0x0020);
	put16(g + 18, closed[1]);                    /* but no args */
	put32((unsigned char *)f.src.loca.data + 4 * (e + 1),
	      get32(f.src.loca.data + 4 * e) + 20);
	assert_closure_refused(a, &f.src, glyphs, 2, "damaged");
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* glyf cut short, loca past glyf or backwards, a simple glyph whose
 * points or instructions run past its end or whose contours' end points
 * do not rise. */
static void
test_bad_glyf_and_loca_refused(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, GKAI, 0);
	uint32_t last = f.glyph_count - 1, glyphs[] = { 0, 100, last };
	unsigned char *g;
	size_t size, glyf_size = f.src.glyf.size;

	(void)state;
	f.src.glyf.size = get32(f.src.loca.data + 4 * last) + 12;
	assert_closure_refused(a, &f.src, glyphs, 3, "loca");
	assert_write_refused(a, &f.src, glyphs, 3, NULL, 0, "loca");
	f.src.glyf.size = glyf_size;
	put32((unsigned char *)f.src.loca.data + 4 * 101, (uint32_t)glyf_size + 4);
	assert_closure_refused(a, &f.src, glyphs, 3, "loca");
	put32((unsigned char *)f.src.loca.data + 4 * 101,
	      get32(f.src.loca.data + 4 * 100) - 2);
	assert_closure_refused(a, &f.src, glyphs, 3, "loca");
	put32((unsigned char *)f.src.loca.data + 4 * 101,
	      get32(f.src.loca.data + 4 * 100) + 6);
	assert_closure_refused(a, &f.src, glyphs, 3, "shorter than its header");
	f = load_font(a, GKAI, 0);
	g = source_glyph(&f, 100, &size);
	put16(g + 10 + 2 * (get16(g) - 1), 0xFFF0);   /* the last end point */
	assert_write_refused(a, &f.src, glyphs, 3, NULL, 0, "damaged");
	f = load_font(a, GKAI, 0);
	g = source_glyph(&f, 100, &size);
	put16(g + 10 + 2 * get16(g), 0xFFFF);         /* instructionLength */
	assert_write_refused(a, &f.src, glyphs, 3, NULL, 0, "damaged");
	f = load_font(a, GKAI, 0);
	g = source_glyph(&f, 100, &size);
	assert_true(get16(g) >= 2);
	put16(g + 12, get16(g + 10));                 /* end points not rising */
	assert_write_refused(a, &f.src, glyphs, 3, NULL, 0, "damaged");
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* Each required table cut short (or absent), a damaged name or post. */
static void
test_bad_tables_refused(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, GKAI, 0);
	tt_source good = f.src;
	tt_table *required[] = { &f.src.head, &f.src.hhea, &f.src.maxp,
	                         &f.src.hmtx, &f.src.loca };
	static const uint32_t glyphs[] = { 0, 100 };
	unsigned i;
	unsigned char *maxp;

	(void)state;
	for (i = 0; i < COUNT(required); i++) {
		required[i]->size--;
		assert_closure_refused(a, &f.src, glyphs, 2, "");
		assert_write_refused(a, &f.src, glyphs, 2, NULL, 0, "");
		*required[i] = (tt_table){ NULL, 0 };
		assert_write_refused(a, &f.src, glyphs, 2, NULL, 0, "");
		f.src = good;
	}
	f.src.name.size = 5;
	assert_write_refused(a, &f.src, glyphs, 2, NULL, 0, "name");
	f.src.name.size = 6 + 12 * 3;
	assert_write_refused(a, &f.src, glyphs, 2, NULL, 0, "name");
	f.src = good;
	f.src.post.size = 31;
	assert_write_refused(a, &f.src, glyphs, 2, NULL, 0, "post");
	f.src = good;
	maxp = (unsigned char *)f.src.maxp.data;
	put16(maxp + 4, 50);                 /* below numberOfHMetrics */
	assert_closure_refused(a, &f.src, glyphs, 2, "hhea");
	put16(maxp + 4, 0);
	assert_closure_refused(a, &f.src, glyphs, 2, "maxp");
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* Glyph lists and characters not as tt_subset_write wants them. */
static void
test_bad_lists_refused(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, GKAI, 0);
	static const uint32_t unsorted[] = { 0, 5, 4 }, no_notdef[] = { 1, 2 };
	uint32_t outside[] = { 0, 1, f.glyph_count }, good[] = { 0, 4, 5 };
	tt_char past_unicode = { 0x110000, 4 }, not_kept = { 'A', 6 };
	tt_char twice[] = { { 'A', 4 }, { 'B', 5 }, { 'A', 5 } };
	tt_char same_twice[] = { { 'A', 4 }, { 'A', 4 } };
	unsigned char *out;
	size_t size;
	const char *why;

	(void)state;
	assert_closure_refused(a, &f.src, outside, 3, "outside the font");
	assert_write_refused(a, &f.src, outside, 3, NULL, 0, "glyph list");
	assert_write_refused(a, &f.src, unsorted, 3, NULL, 0, "glyph list");
	assert_write_refused(a, &f.src, no_notdef, 2, NULL, 0, "glyph list");
	assert_write_refused(a, &f.src, good, 0, NULL, 0, "glyph list");
	assert_write_refused(a, &f.src, good, 3, &past_unicode, 1, "U+10FFFF");
	assert_write_refused(a, &f.src, good, 3, &not_kept, 1, "not in the subset");
	assert_write_refused(a, &f.src, good, 3, twice, 3, "twice");
	assert_true(tt_subset_write(a, &f.src, good, 3, same_twice, 2, &out, &size,
	                            &why));
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* 9000 characters a code point apart (a segment each) cannot fit one
 * format 4 subtable (64 KiB): refused, for HarfBuzz to do. */
static void
test_too_many_segments_refused(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, GKAI, 0);
	uint32_t *glyphs = arena_calloc(a, 7000, sizeof(uint32_t));
	tt_char *chars = arena_calloc(a, 9000, sizeof(tt_char));
	unsigned i;

	(void)state;
	for (i = 0; i < 7000; i++)
		glyphs[i] = i;
	for (i = 0; i < 9000; i++)
		chars[i] = (tt_char){ 0x100 + 2 * i, 1 + i % 6999 };
	assert_write_refused(a, &f.src, glyphs, 7000, chars, 9000, "format 4");
	FT_Done_Face(f.face);
	arena_destroy(a);
}

/* ---- synthetic fonts ---------------------------------------------------- */

/* A font of n glyphs: 0 empty, 1 .. n - 2 each a composite of next[i]
 * (the next glyph unless next says otherwise), n - 1 a triangle with two
 * bytes of instructions; maxp version 0.5, short loca. */
static tt_source
chain_font(arena *a, unsigned n, const unsigned *next)
{
	static const unsigned char triangle[] = {
		0, 1, 0, 0, 0, 0, 0, 100, 0, 100,       /* 1 contour, bbox */
		0, 2, 0, 2, 0xB0, 0x01,                 /* end point 2, 2 bytes */
		1, 1, 1,                                /* on curve, long x y */
		0, 0, 0, 100, 0xFF, 0xCE,               /* x: 0, +100, -50 */
		0, 0, 0, 0, 0, 100,                     /* y: 0, 0, +100 */
	};
	unsigned char *head = arena_alloc(a, 54), *hhea = arena_alloc(a, 36);
	unsigned char *maxp = arena_alloc(a, 6), *hmtx = arena_calloc(a, n, 4);
	unsigned char *loca = arena_calloc(a, n + 1, 2), *glyf;
	unsigned i;
	size_t at = 0, glyf_size = 16 * (size_t)n + sizeof(triangle);

	glyf = arena_alloc(a, glyf_size);
	put32(head, 0x00010000);
	put32(head + 12, 0x5F0F3CF5);
	put16(head + 18, 1000);
	put16(hhea + 34, n);
	put32(maxp, 0x00005000);
	put16(maxp + 4, n);
	for (i = 0; i < n; i++) {
		put16(hmtx + 4 * i, 500 + i);
		put16(loca + 2 * i, (unsigned)(at / 2));
		if (i == n - 1) {
			memcpy(glyf + at, triangle, sizeof(triangle));
			at += sizeof(triangle) + 1;
		} else if (i > 0) {
			put16(glyf + at, 0xFFFF);
			put16(glyf + at + 10, 0x0002 | 0x0100);   /* xy, instructions */
			put16(glyf + at + 12, next != NULL ? next[i] : i + 1);
			at += 16 + 4;                             /* 4 bytes instructions */
		}
	}
	put16(loca + 2 * n, (unsigned)(at / 2));
	return (tt_source){
		.head = { head, 54 }, .hhea = { hhea, 36 }, .maxp = { maxp, 6 },
		.hmtx = { hmtx, 4 * (size_t)n }, .loca = { loca, 2 * ((size_t)n + 1) },
		.glyf = { glyf, at },
	};
}

/* Composites nested 3 deep load in FreeType; 40 deep, or in a cycle of
 * two, are refused. */
static void
test_nesting_and_cycles(void **state)
{
	arena *a = arena_create();
	tt_source three = chain_font(a, 5, NULL), deep = chain_font(a, 42, NULL);
	static const unsigned cycle[] = { 0, 2, 1, 4 };
	tt_source loop = chain_font(a, 5, cycle);
	static const uint32_t first[] = { 0, 1 };
	tt_char c = { 'A', 1 };
	uint32_t *closed;
	unsigned count, i;
	unsigned char *font;
	size_t size;
	const char *why;
	FT_Face face;

	(void)state;
	assert_true(tt_subset_closure(a, &three, first, 2, &closed, &count, &why));
	assert_int_equal(count, 5);
	assert_true(tt_subset_write(a, &three, closed, count, &c, 1, &font, &size,
	                            &why));
	assert_sfnt_sound(font, size);
	assert_int_equal(find_table(font, size, TAG('m','a','x','p')).size, 6);
	assert_int_equal(find_table(font, size, TAG('g','l','y','f')).size,
	                 3 * 16 + 30);
	assert_int_equal(FT_New_Memory_Face(ft, font, (FT_Long)size, 0, &face), 0);
	for (i = 1; i < 5; i++) {
		assert_int_equal(FT_Load_Glyph(face, i, LOAD_FLAGS), 0);
		assert_int_equal(face->glyph->outline.n_points, 3);
		assert_int_equal(face->glyph->outline.points[1].x, 100);
		assert_int_equal(face->glyph->metrics.horiAdvance, 500 + i);
	}
	assert_int_equal(FT_Get_Char_Index(face, 'A'), 1);
	FT_Done_Face(face);
	assert_closure_refused(a, &deep, first, 2, "too deep");
	assert_closure_refused(a, &loop, first, 2, "contains itself");
	arena_destroy(a);
}

/* Random bytes of the kept glyphs and their loca entries changed, 2000
 * times: refused or written, never a read out of bounds (ASan watches),
 * and a written subset opens in FreeType. */
static void
test_random_damage_never_crashes(void **state)
{
	arena *a = arena_create();
	source_font f = load_font(a, SERIF, 0);
	size_t n, size, from, span, written = 0, round, k;
	uint32_t *cps = code_points_of(a, "éüÅçñ Hix", &n), *glyphs, *closed;
	unsigned char *glyf = (unsigned char *)f.src.glyf.data, *out;
	unsigned char *saved, *saved_loca;
	unsigned count, i, rng = 12345;
	const char *why;
	FT_Face face;
	subset s = make_subset(a, &f, cps, n);

	(void)state;
	FT_Done_Face(s.face);
	glyphs = s.glyphs;
	from = get32(f.src.loca.data + 4 * glyphs[1]);
	span = get32(f.src.loca.data + 4 * (glyphs[s.count - 1] + 1)) - from;
	saved = arena_alloc(a, span);
	memcpy(saved, glyf + from, span);
	saved_loca = arena_alloc(a, f.src.loca.size);
	memcpy(saved_loca, f.src.loca.data, f.src.loca.size);
	for (round = 0; round < 2000; round++) {
		for (k = 0; k < 1 + round % 4; k++) {
			rng = rng * 1103515245u + 12345u;
			if (round % 8 == 7) {
				i = glyphs[(rng >> 8) % s.count];
				((unsigned char *)f.src.loca.data)[4 * i + 2 + (rng >> 4) % 4] ^=
					(unsigned char)(rng >> 16);
			} else {
				glyf[from + (rng >> 8) % span] = (unsigned char)(rng >> 20);
			}
		}
		if (tt_subset_closure(a, &f.src, glyphs, s.count, &closed, &count, &why) &&
		    tt_subset_write(a, &f.src, closed, count, s.chars, 0, &out, &size,
		                    &why)) {
			written++;
			if (FT_New_Memory_Face(ft, out, (FT_Long)size, 0, &face) == 0) {
				for (i = 0; i < count; i++)
					FT_Load_Glyph(face, i, LOAD_FLAGS);
				FT_Done_Face(face);
			}
		}
		memcpy(glyf + from, saved, span);
		memcpy((unsigned char *)f.src.loca.data, saved_loca, f.src.loca.size);
	}
	assert_true(written > 0 && written < 2000);
	FT_Done_Face(f.face);
	arena_destroy(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kaiti_report_text),
		cmocka_unit_test(test_serif_composites),
		cmocka_unit_test(test_wenkai_large_subset),
		cmocka_unit_test(test_collection_and_sungti),
		cmocka_unit_test(test_cmap_maps_exactly_the_characters),
		cmocka_unit_test(test_cmap_bmp_only_and_empty),
		cmocka_unit_test(test_tables_and_checksums),
		cmocka_unit_test(test_hinting_dropped),
		cmocka_unit_test(test_absent_name_and_post),
		cmocka_unit_test(test_names_without_us_english),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_bad_composites_refused),
		cmocka_unit_test(test_bad_glyf_and_loca_refused),
		cmocka_unit_test(test_bad_tables_refused),
		cmocka_unit_test(test_bad_lists_refused),
		cmocka_unit_test(test_too_many_segments_refused),
		cmocka_unit_test(test_nesting_and_cycles),
		cmocka_unit_test(test_random_damage_never_crashes),
	};
	int failed;

	if (FT_Init_FreeType(&ft) != 0)
		return 1;
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	FT_Done_FreeType(ft);
	return failed;
}
