/*
 * test_sfnt.c - the font reader (sfnt.h) and the CFF glyph box
 * (cff_bounds.h) against HarfBuzz, whose answers the PDF writer used to
 * take: on every face fontconfig lists, the glyph of every code point
 * 0..U+10FFFF, every glyph's advance and box, the FontDescriptor
 * metrics and the English names; on synthetic fonts, the cmap formats
 * and encodings, symbol fonts, unsorted records and the tables HarfBuzz
 * sets aside; and damaged files, read without a crash.
 */
#include "testing.h"

#include <math.h>

#include <hb.h>
#include <hb-ot.h>

#include "cff_bounds.h"
#include "font_files.h"
#include "sfnt.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define CODE_POINTS 0x110000u
#define NAME_IDS 26
#define FILES_MAX 512
#define GLYF_FONT "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define TTC_FONT "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

/* ---- comparing one face with HarfBuzz ----------------------------------- */

/* Mismatches found, with the first one described. */
typedef struct tally {
	size_t mismatches;
	char first[256];
} tally;

static void __attribute__((format(printf, 2, 3)))
mismatch(tally *t, const char *fmt, ...)
{
	va_list ap;

	if (t->mismatches++ == 0) {
		va_start(ap, fmt);
		vsnprintf(t->first, sizeof(t->first), fmt, ap);
		va_end(ap);
	}
}

/* The glyph of every code point, as hb_font_get_nominal_glyph. */
static void
compare_cmap(const sfnt_face *face, hb_font_t *font, tally *t)
{
	hb_codepoint_t cp, expected;
	uint32_t got;
	bool has, ours;

	for (cp = 0; cp < CODE_POINTS; cp++) {
		has = hb_font_get_nominal_glyph(font, cp, &expected);
		ours = sfnt_glyph(face, cp, &got);
		if (has != ours || (has && expected != got))
			mismatch(t, "U+%04X: HarfBuzz %d/%u, sfnt %d/%u", cp, has,
			         has ? expected : 0, ours, ours ? got : 0);
	}
}

/* Every glyph's advance (and a few past the last glyph). */
static void
compare_advances(const sfnt_face *face, hb_face_t *hface, hb_font_t *font,
                 tally *t)
{
	unsigned glyphs = hb_face_get_glyph_count(hface) + 4, g;
	hb_position_t expected, got;

	for (g = 0; g < glyphs; g++) {
		expected = hb_font_get_glyph_h_advance(font, g);
		got = (int16_t)(uint16_t)sfnt_advance(face, g);
		if (expected != got)
			mismatch(t, "advance of glyph %u: HarfBuzz %d, sfnt %d", g,
			         expected, got);
	}
}

/* The FontDescriptor inputs the PDF writer read from HarfBuzz. */
static void
compare_metrics(const sfnt_face *face, hb_face_t *hface, hb_font_t *font,
                tally *t)
{
	hb_blob_t *head = hb_face_reference_table(hface, HB_TAG('h','e','a','d'));
	hb_position_t asc = 0, desc = 0, cap = 0;
	bool has_asc, has_desc, has_cap;
	unsigned length;
	const unsigned char *h =
	    (const unsigned char *)hb_blob_get_data(head, &length);
	sfnt_metrics m;
	int i;

	sfnt_read_metrics(face, &m);
	if (hb_face_get_upem(hface) != face->upem)
		mismatch(t, "upem: HarfBuzz %u, sfnt %u", hb_face_get_upem(hface),
		         face->upem);
	if (hb_face_get_glyph_count(hface) != face->glyph_count)
		mismatch(t, "glyph count: HarfBuzz %u, sfnt %u",
		         hb_face_get_glyph_count(hface), face->glyph_count);
	has_asc = hb_ot_metrics_get_position(
	    font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &asc);
	has_desc = hb_ot_metrics_get_position(
	    font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &desc);
	has_cap = hb_ot_metrics_get_position(
	    font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap);
	if (has_asc != m.has_ascender || (has_asc && asc != m.ascender))
		mismatch(t, "ascender: HarfBuzz %d/%d, sfnt %d/%d", has_asc, asc,
		         m.has_ascender, m.ascender);
	if (has_desc != m.has_descender || (has_desc && desc != m.descender))
		mismatch(t, "descender: HarfBuzz %d/%d, sfnt %d/%d", has_desc,
		         desc, m.has_descender, m.descender);
	if (has_cap != m.has_cap_height || (has_cap && cap != m.cap_height))
		mismatch(t, "cap height: HarfBuzz %d/%d, sfnt %d/%d", has_cap,
		         cap, m.has_cap_height, m.cap_height);
	if (hb_style_get_value(font, HB_STYLE_TAG_WEIGHT) != m.weight)
		mismatch(t, "weight: HarfBuzz %g, sfnt %g",
		         hb_style_get_value(font, HB_STYLE_TAG_WEIGHT), m.weight);
	if (hb_style_get_value(font, HB_STYLE_TAG_SLANT_ANGLE) != m.italic_angle)
		mismatch(t, "slant: HarfBuzz %g, sfnt %g",
		         hb_style_get_value(font, HB_STYLE_TAG_SLANT_ANGLE),
		         m.italic_angle);
	if (m.has_bbox != (length >= 44))
		mismatch(t, "head bbox presence");
	for (i = 0; m.has_bbox && length >= 44 && i < 4; i++)
		if (m.bbox[i] != (int16_t)(uint16_t)(h[36 + 2 * i] << 8 |
		                                     h[37 + 2 * i]))
			mismatch(t, "bbox[%d]", i);
	hb_blob_destroy(head);
}

/* Every name ID in English, into a roomy buffer and a small one. */
static void
compare_names(const sfnt_face *face, hb_face_t *hface, tally *t)
{
	static const size_t sizes[] = { 64, 7, 1 };
	char expected[64], got[64];
	unsigned id, length;
	size_t s, n;

	for (id = 0; id < NAME_IDS; id++) {
		for (s = 0; s < COUNT(sizes); s++) {
			memset(expected, 'x', sizeof(expected));
			memset(got, 'y', sizeof(got));
			length = (unsigned)sizes[s];
			hb_ot_name_get_utf8(hface, id, HB_LANGUAGE_INVALID, &length,
			                    expected);
			n = sfnt_name_utf8(face, id, got, sizes[s]);
			if (n != length || memcmp(expected, got, n + 1) != 0)
				mismatch(t, "name %u (buffer %zu): HarfBuzz '%.*s' (%u), "
				         "sfnt '%.*s' (%zu)", id, sizes[s], (int)length,
				         expected, length, (int)n, got, n);
		}
	}
}

/* The top of every glyf glyph, as HarfBuzz's extents' y_bearing. */
static void
compare_glyf_tops(const sfnt_face *face, hb_face_t *hface, hb_font_t *font,
                  tally *t)
{
	unsigned glyphs = hb_face_get_glyph_count(hface) + 2, g;
	hb_glyph_extents_t e;
	bool has, ours;
	int top;

	for (g = 0; g < glyphs; g++) {
		has = hb_font_get_glyph_extents(font, g, &e);
		ours = sfnt_glyf_top(face, g, &top);
		if (has != ours || (has && e.y_bearing != top))
			mismatch(t, "top of glyph %u: HarfBuzz %d/%d, sfnt %d/%d",
			         g, has, has ? e.y_bearing : 0, ours, ours ? top : 0);
	}
}

/* Every CFF glyph's box, rounded as HarfBuzz's extents; glyphs the box
 * reader refuses (seac accents) are counted in *refused. */
static void
compare_cff_boxes(const sfnt_face *face, hb_face_t *hface, hb_font_t *font,
                  tally *t, size_t *refused)
{
	unsigned glyphs = hb_face_get_glyph_count(hface), g;
	sfnt_table cff;
	hb_glyph_extents_t e;
	cff_bounds b;
	const char *why;
	int x, w, y, h;

	sfnt_find_table(face, SFNT_TAG('C','F','F',' '), &cff);
	for (g = 0; g < glyphs; g++) {
		if (!cff_glyph_bounds(cff.data, cff.size, g, &b, &why)) {
			(*refused)++;
			continue;
		}
		x = b.x_min >= b.x_max ? 0 : (int)roundf((float)b.x_min);
		w = b.x_min >= b.x_max ? 0 : (int)roundf((float)b.x_max) - x;
		y = b.y_min >= b.y_max ? 0 : (int)roundf((float)b.y_max);
		h = b.y_min >= b.y_max ? 0 : (int)roundf((float)b.y_min) - y;
		if (!hb_font_get_glyph_extents(font, g, &e) || e.x_bearing != x ||
		    e.width != w || e.y_bearing != y || e.height != h)
			mismatch(t, "box of glyph %u: HarfBuzz %d %d %d %d, ours "
			         "%d %d %d %d", g, e.x_bearing, e.y_bearing, e.width,
			         e.height, x, y, w, h);
	}
	if (!cff_glyph_bounds(cff.data, cff.size, glyphs, &b, &why))
		return;
	mismatch(t, "glyph %u past the last measured", glyphs);
}

/* Compares face index of data in every respect; fails the test with the
 * first mismatch.  whole: also every glyph's box (slow on CJK fonts). */
static void
compare_face(const char *label, const unsigned char *data, size_t size,
             unsigned index, bool boxes)
{
	hb_blob_t *blob = hb_blob_create((const char *)data, (unsigned)size,
	                                 HB_MEMORY_MODE_READONLY, NULL, NULL);
	hb_face_t *hface = hb_face_create(blob, index);
	hb_font_t *font = hb_font_create(hface);
	tally t = { 0, "" };
	sfnt_face face;
	sfnt_table table;
	const char *why;
	size_t refused = 0;

	assert_int_equal(sfnt_face_count(data, size), hb_face_count(blob));
	if (!sfnt_open(&face, data, size, index, &why))
		fail_msg("%s#%u: %s", label, index, why);
	compare_cmap(&face, font, &t);
	compare_advances(&face, hface, font, &t);
	compare_metrics(&face, hface, font, &t);
	compare_names(&face, hface, &t);
	if (boxes && sfnt_find_table(&face, SFNT_TAG('g','l','y','f'), &table))
		compare_glyf_tops(&face, hface, font, &t);
	if (boxes && sfnt_find_table(&face, SFNT_TAG('C','F','F',' '), &table))
		compare_cff_boxes(&face, hface, font, &t, &refused);
	if (t.mismatches > 0)
		fail_msg("%s#%u: %zu mismatches, first: %s", label, index,
		         t.mismatches, t.first);
	if (refused > 0)
		printf("    %s#%u: %zu seac or refused CFF glyphs not compared\n",
		       label, index, refused);
	hb_font_destroy(font);
	hb_face_destroy(hface);
	hb_blob_destroy(blob);
}

/* ---- every installed face ------------------------------------------------ */

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The font files fontconfig lists, sorted and unique; returns the count. */
static size_t
installed_files(char **files)
{
	FILE *list = popen("fc-list --format '%{file}\\n'", "r");
	char line[1024];
	size_t n = 0, kept = 0, i;

	assert_non_null(list);
	while (n < FILES_MAX && fgets(line, sizeof(line), list) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0')
			files[n++] = strdup(line);
	}
	pclose(list);
	qsort(files, n, sizeof(*files), compare_strings);
	for (i = 0; i < n; i++) {
		if (kept > 0 && strcmp(files[kept - 1], files[i]) == 0)
			free(files[i]);
		else
			files[kept++] = files[i];
	}
	return kept;
}

/* True when face index of the file shares its cmap, hmtx, glyf/CFF, OS/2
 * and name with an earlier face of the same collection: its answers
 * were compared already (Noto CJK's faces share their outlines). */
static bool
same_as_earlier_face(const unsigned char *data, size_t size, unsigned index)
{
	static const uint32_t tags[] = {
		SFNT_TAG('c','m','a','p'), SFNT_TAG('h','m','t','x'),
		SFNT_TAG('C','F','F',' '), SFNT_TAG('g','l','y','f'),
		SFNT_TAG('O','S','/','2'), SFNT_TAG('n','a','m','e'),
	};
	sfnt_face a, b;
	sfnt_table x, y;
	const char *why;
	unsigned earlier;
	size_t i;

	assert_true(sfnt_open(&b, data, size, index, &why));
	for (earlier = 0; earlier < index; earlier++) {
		assert_true(sfnt_open(&a, data, size, earlier, &why));
		for (i = 0; i < COUNT(tags); i++) {
			sfnt_find_table(&a, tags[i], &x);
			sfnt_find_table(&b, tags[i], &y);
			if (x.data != y.data || x.size != y.size)
				break;
		}
		if (i == COUNT(tags))
			return true;
	}
	return false;
}

/* Every face of every installed font answers as HarfBuzz does: the
 * glyph of each of the 1,114,112 code points, each glyph's advance and
 * box, metrics and names. */
static void
test_installed_faces_match_harfbuzz(void **state)
{
	char *files[FILES_MAX];
	size_t n = installed_files(files), i, faces = 0;
	font_file *file;
	unsigned count, k;

	(void)state;
	assert_true(n > 10);
	for (i = 0; i < n; i++) {
		file = font_file_acquire(files[i]);
		assert_non_null(file);
		count = sfnt_face_count(font_file_data(file), font_file_size(file));
		assert_true(count > 0);
		for (k = 0; k < count; k++) {
			if (k > 0 && same_as_earlier_face(font_file_data(file),
			                                  font_file_size(file), k))
				continue;
			compare_face(files[i], font_file_data(file),
			             font_file_size(file), k, true);
			faces++;
		}
		font_file_release(file);
		free(files[i]);
	}
	printf("    %zu files, %zu distinct faces compared\n", n, faces);
}

/* ---- synthetic fonts ------------------------------------------------------ */

/* One table of a font being built. */
typedef struct table {
	uint32_t tag;
	unsigned char data[1024];
	size_t size;
} table;

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

/* An sfnt of the tables (in the order given), 4-byte aligned. */
static unsigned char *
build_font(const table *tables, size_t count, size_t *size)
{
	size_t total = 12 + 16 * count, i, at;
	unsigned char *font;

	for (i = 0; i < count; i++)
		total += (tables[i].size + 3) & ~(size_t)3;
	font = calloc(1, total);
	assert_non_null(font);
	put32(font, 0x00010000);
	put16(font + 4, (unsigned)count);
	at = 12 + 16 * count;
	for (i = 0; i < count; i++) {
		put32(font + 12 + 16 * i, tables[i].tag);
		put32(font + 12 + 16 * i + 8, (uint32_t)at);
		put32(font + 12 + 16 * i + 12, (uint32_t)tables[i].size);
		memcpy(font + at, tables[i].data, tables[i].size);
		at += (tables[i].size + 3) & ~(size_t)3;
	}
	*size = total;
	return font;
}

static table
head_table(unsigned upem, bool valid, unsigned mac_style)
{
	table t = { SFNT_TAG('h','e','a','d'), { 0 }, 54 };

	put32(t.data, 0x00010000);
	put32(t.data + 12, valid ? 0x5F0F3CF5u : 0x12345678u);
	put16(t.data + 18, upem);
	put16(t.data + 36, (unsigned)-50 & 0xFFFF);
	put16(t.data + 38, (unsigned)-200 & 0xFFFF);
	put16(t.data + 40, 1000);
	put16(t.data + 42, 900);
	put16(t.data + 44, mac_style);
	return t;
}

static table
hhea_table(unsigned version, int ascender, int descender, unsigned metrics)
{
	table t = { SFNT_TAG('h','h','e','a'), { 0 }, 36 };

	put16(t.data, version);
	put16(t.data + 4, (unsigned)ascender & 0xFFFF);
	put16(t.data + 6, (unsigned)descender & 0xFFFF);
	put16(t.data + 34, metrics);
	return t;
}

static table
maxp_table(unsigned glyphs)
{
	table t = { SFNT_TAG('m','a','x','p'), { 0 }, 6 };

	put32(t.data, 0x00005000);
	put16(t.data + 4, glyphs);
	return t;
}

/* hmtx with `metrics` long metrics of advance 100 * (i + 1), then
 * `bearings` bearings and `extra` trailing advances of 7 * (i + 1). */
static table
hmtx_table(unsigned metrics, unsigned bearings, unsigned extra, bool odd)
{
	table t = { SFNT_TAG('h','m','t','x'), { 0 }, 0 };
	unsigned i;

	for (i = 0; i < metrics; i++, t.size += 4)
		put16(t.data + t.size, 100 * (i + 1));
	for (i = 0; i < bearings; i++, t.size += 2)
		put16(t.data + t.size, 5);
	for (i = 0; i < extra; i++, t.size += 2)
		put16(t.data + t.size, 7 * (i + 1));
	t.size += odd;
	return t;
}

static table
os2_table(unsigned version, size_t size, unsigned selection, unsigned weight,
          int typo_asc, int typo_desc, unsigned cap)
{
	table t = { SFNT_TAG('O','S','/','2'), { 0 }, size };

	put16(t.data, version);
	put16(t.data + 4, weight);
	put16(t.data + 62, selection);
	put16(t.data + 68, (unsigned)typo_asc & 0xFFFF);
	put16(t.data + 70, (unsigned)typo_desc & 0xFFFF);
	if (size >= 96) {
		put16(t.data + 86, 400);
		put16(t.data + 88, cap);
	}
	return t;
}

static table
post_table(uint32_t version, int32_t angle)
{
	table t = { SFNT_TAG('p','o','s','t'), { 0 }, 32 };

	put32(t.data, version);
	put32(t.data + 4, (uint32_t)angle);
	return t;
}

/* fvar with the axes (tag, default in 16.16) and no instances. */
static table
fvar_table(const uint32_t *tags, const int32_t *defaults, unsigned count)
{
	table t = { SFNT_TAG('f','v','a','r'), { 0 }, 16 + 20 * (size_t)count };
	unsigned i;

	put16(t.data, 1);
	put16(t.data + 4, 16);
	put16(t.data + 8, count);
	put16(t.data + 10, 20);
	put16(t.data + 14, count * 4 + 4);
	for (i = 0; i < count; i++) {
		put32(t.data + 16 + 20 * i, tags[i]);
		put32(t.data + 16 + 20 * i + 8, (uint32_t)defaults[i]);
	}
	return t;
}

/* A cmap subtable's bytes. */
typedef struct subtable {
	unsigned platform, encoding;
	unsigned char data[400];
	size_t size;
} subtable;

/* cmap of the subtables, records in the order given (tests sort them). */
static table
cmap_table(const subtable *subs, size_t count)
{
	table t = { SFNT_TAG('c','m','a','p'), { 0 }, 4 + 8 * count };
	size_t i;

	put16(t.data + 2, (unsigned)count);
	for (i = 0; i < count; i++) {
		put16(t.data + 4 + 8 * i, subs[i].platform);
		put16(t.data + 4 + 8 * i + 2, subs[i].encoding);
		put32(t.data + 4 + 8 * i + 4, (uint32_t)t.size);
		memcpy(t.data + t.size, subs[i].data, subs[i].size);
		t.size += subs[i].size;
	}
	return t;
}

/* Format 4: a delta segment 0x20-0x7E, an array segment 0x4E00-0x4E05
 * (one zero entry), a segment whose delta wraps, and the sentinel. */
static subtable
format4(unsigned platform, unsigned encoding, unsigned first, unsigned last)
{
	subtable s = { platform, encoding, { 0 }, 0 };
	static const unsigned array[] = { 40, 41, 0, 43, 44, 45 };
	unsigned segs = 4, i;
	unsigned char *p = s.data;

	put16(p, 4);
	put16(p + 6, segs * 2);
	/* endCode, pad, startCode, idDelta, idRangeOffset */
	put16(p + 14, last);
	put16(p + 16, 0x4E05);
	put16(p + 18, 0xF0FF);
	put16(p + 20, 0xFFFF);
	put16(p + 24, first);
	put16(p + 26, 0x4E00);
	put16(p + 28, 0xF000);
	put16(p + 30, 0xFFFF);
	put16(p + 32, (unsigned)(3 - (int)first) & 0xFFFF);
	put16(p + 34, 0);
	put16(p + 36, (unsigned)(0x10000 - 0xF000 + 2) & 0xFFFF);
	put16(p + 38, 1);
	put16(p + 40, 0);
	put16(p + 42, 6);            /* from this entry to glyphIdArray */
	put16(p + 44, 0);
	put16(p + 46, 0);
	for (i = 0; i < COUNT(array); i++)
		put16(p + 48 + 2 * i, array[i]);
	s.size = 48 + 2 * COUNT(array);
	put16(p + 2, (unsigned)s.size);
	return s;
}

static subtable
format12(unsigned platform, unsigned encoding, unsigned format)
{
	static const uint32_t groups[][3] = {
		{ 0x20, 0x7E, 3 }, { 0x4E00, 0x4E05, 50 }, { 0x20000, 0x20010, 60 },
		{ 0x30000, 0x2FFFF, 9 },         /* start past end */
	};
	subtable s = { platform, encoding, { 0 }, 16 + 12 * COUNT(groups) };
	size_t i;

	put16(s.data, format);
	put32(s.data + 4, (uint32_t)s.size);
	put32(s.data + 12, COUNT(groups));
	for (i = 0; i < COUNT(groups); i++) {
		put32(s.data + 16 + 12 * i, groups[i][0]);
		put32(s.data + 16 + 12 * i + 4, groups[i][1]);
		put32(s.data + 16 + 12 * i + 8, groups[i][2]);
	}
	return s;
}

static subtable
format0(unsigned platform, unsigned encoding)
{
	subtable s = { platform, encoding, { 0 }, 262 };
	unsigned i;

	put16(s.data, 0);
	put16(s.data + 2, 262);
	for (i = 0x30; i < 0x3A; i++)
		s.data[6 + i] = (unsigned char)(i - 0x20);
	return s;
}

/* Format 6 (16-bit) or 10 (32-bit): ten glyphs from first, one zero. */
static subtable
trimmed(unsigned platform, unsigned encoding, bool wide, uint32_t first)
{
	subtable s = { platform, encoding, { 0 }, 0 };
	size_t at = wide ? 20 : 10, i;

	put16(s.data, wide ? 10 : 6);
	if (wide) {
		put32(s.data + 12, first);
		put32(s.data + 16, 10);
	} else {
		put16(s.data + 6, first);
		put16(s.data + 8, 10);
	}
	for (i = 0; i < 10; i++)
		put16(s.data + at + 2 * i, i == 4 ? 0 : (unsigned)(70 + i));
	s.size = at + 20;
	put16(s.data + 2, (unsigned)s.size);
	return s;
}

/* A font of the tables given, then HarfBuzz and sfnt compared on it. */
static void
compare_synthetic(const char *label, const table *tables, size_t count)
{
	size_t size;
	unsigned char *font = build_font(tables, count, &size);

	compare_face(label, font, size, 0, true);
	free(font);
}

/* The base tables of a synthetic font: head, hhea, maxp, hmtx. */
static size_t
base_tables(table *t)
{
	t[0] = head_table(1000, true, 0);
	t[1] = hhea_table(1, 880, -120, 3);
	t[2] = maxp_table(90);
	t[3] = hmtx_table(3, 87, 0, false);
	return 4;
}

/* cmap formats, encodings and HarfBuzz's order of preference. */
static void
test_synthetic_cmaps_match_harfbuzz(void **state)
{
	table t[8];
	size_t n;
	subtable subs[4];

	(void)state;
	n = base_tables(t);
	subs[0] = format4(3, 1, 0x20, 0x7E);
	t[n] = cmap_table(subs, 1);
	compare_synthetic("format 4", t, n + 1);
	subs[1] = format12(3, 10, 12);
	t[n] = cmap_table(subs, 2);
	compare_synthetic("format 12 before 4", t, n + 1);
	subs[0] = format12(0, 6, 13);
	subs[1] = format4(3, 1, 0x20, 0x7E);
	t[n] = cmap_table(subs, 2);
	compare_synthetic("format 13 (0,6)", t, n + 1);
	subs[0] = format0(0, 3);
	subs[1] = trimmed(0, 4, true, 0x1F600);
	t[n] = cmap_table(subs, 2);
	compare_synthetic("format 10 (0,4) before 0", t, n + 1);
	subs[0] = trimmed(0, 3, false, 0x41);
	t[n] = cmap_table(subs, 1);
	compare_synthetic("format 6", t, n + 1);
	subs[0] = format0(1, 0);
	t[n] = cmap_table(subs, 1);
	compare_synthetic("Mac Roman only: no glyphs", t, n + 1);
	/* records out of order: HarfBuzz's binary search misses some */
	subs[0] = format12(3, 10, 12);
	subs[1] = format4(0, 3, 0x20, 0x7E);
	subs[2] = trimmed(3, 1, false, 0x41);
	t[n] = cmap_table(subs, 3);
	compare_synthetic("unsorted records", t, n + 1);
	/* a subtable whose length runs past the table: cut */
	subs[0] = format4(3, 1, 0x20, 0x7E);
	put16(subs[0].data + 2, 0xFFF0);
	t[n] = cmap_table(subs, 1);
	compare_synthetic("format 4 too long", t, n + 1);
	/* a 12 with more groups than bytes: set aside, the 4 is used */
	subs[0] = format4(3, 1, 0x20, 0x7E);
	subs[1] = format12(3, 10, 12);
	put32(subs[1].data + 12, 1000);
	t[n] = cmap_table(subs, 2);
	compare_synthetic("damaged format 12", t, n + 1);
}

/* A symbol font's (3,0) subtable maps U+F000-F0FF; U+0000-00FF find
 * those glyphs too unless an OS/2 of version 0 names a code page. */
static void
test_symbol_cmap_matches_harfbuzz(void **state)
{
	table t[8];
	size_t n;
	subtable subs[2];

	(void)state;
	n = base_tables(t);
	subs[0] = format4(3, 0, 0xF020, 0xF07E);
	subs[1] = format4(3, 1, 0x20, 0x7E);
	t[n] = cmap_table(subs, 2);
	compare_synthetic("symbol without OS/2", t, n + 1);
	t[n + 1] = os2_table(0, 78, 0, 400, 0, 0, 0);
	compare_synthetic("symbol, OS/2 0", t, n + 2);
	t[n + 1] = os2_table(0, 78, 0xDE00, 400, 0, 0, 0);
	compare_synthetic("symbol, Thai page", t, n + 2);
	t[n + 1] = os2_table(1, 86, 0xDE00, 400, 0, 0, 0);
	compare_synthetic("symbol, OS/2 1 (no page)", t, n + 2);
}

/* The metrics rules: typo or hhea, OS/2 versions and lengths, invalid
 * head, hhea and post, fvar axes, hmtx shapes. */
static void
test_synthetic_metrics_match_harfbuzz(void **state)
{
	static const uint32_t axes[] = { SFNT_TAG('w','g','h','t'),
	                                 SFNT_TAG('s','l','n','t') };
	static const int32_t defaults[] = { 350 * 65536, -12 * 65536 };
	table t[10];
	subtable sub = format4(3, 1, 0x20, 0x7E);
	size_t n;

	(void)state;
	n = base_tables(t);
	t[n++] = cmap_table(&sub, 1);
	t[n] = os2_table(4, 96, 0x80, 500, 800, -200, 700);
	t[n + 1] = post_table(0x00030000, -11 * 65536 + 0x8000);
	compare_synthetic("typo metrics, cap height, slant", t, n + 2);
	t[n] = os2_table(4, 96, 0x80, 0, 800, -200, 0);
	compare_synthetic("OS/2 without data, no cap height", t, n + 2);
	t[n] = os2_table(2, 90, 0, 700, 800, -200, 700);
	compare_synthetic("OS/2 shorter than its version", t, n + 2);
	t[n] = os2_table(1, 86, 0, 600, 0, 0, 0);
	t[n + 1] = post_table(0x00025000, 5 * 65536);
	compare_synthetic("OS/2 1, post 2.5", t, n + 2);
	t[n + 1] = fvar_table(axes, defaults, 2);
	compare_synthetic("fvar axes", t, n + 2);
	t[0] = head_table(1000, false, 1);
	t[1] = hhea_table(2, 880, -120, 3);
	compare_synthetic("head without magic, hhea 2: no metrics", t, n);
	t[0] = head_table(8, true, 1);
	t[1] = hhea_table(1, -880, 120, 0);
	compare_synthetic("upem 8, signs, no long metrics", t, n);
	t[1] = hhea_table(1, 880, -120, 200);
	t[3] = hmtx_table(3, 87, 5, true);
	compare_synthetic("long metrics past the table, odd hmtx", t, n);
	t[1] = hhea_table(1, 880, -120, 3);
	t[2] = maxp_table(10);
	compare_synthetic("advances past numGlyphs", t, n);
}

/* A name table of the records (platform, encoding, language, id, text;
 * text in UTF-16BE for platforms 0 and 3, bytes for 1). */
typedef struct name_record {
	unsigned platform, encoding, language, id;
	const char *text;
	size_t length;
} name_record;

static table
name_table(const name_record *records, size_t count)
{
	table t = { SFNT_TAG('n','a','m','e'), { 0 }, 6 + 12 * count };
	size_t pool = t.size, i;

	put16(t.data + 2, (unsigned)count);
	put16(t.data + 4, (unsigned)pool);
	for (i = 0; i < count; i++) {
		unsigned char *r = t.data + 6 + 12 * i;

		put16(r, records[i].platform);
		put16(r + 2, records[i].encoding);
		put16(r + 4, records[i].language);
		put16(r + 6, records[i].id);
		put16(r + 8, (unsigned)records[i].length);
		put16(r + 10, (unsigned)(t.size - pool));
		memcpy(t.data + t.size, records[i].text, records[i].length);
		t.size += records[i].length;
	}
	return t;
}

/* Names: Windows before Mac, English only, UTF-16 with surrogates (and
 * lone ones), Mac bytes above 0x7F, cut to the buffer. */
static void
test_synthetic_names_match_harfbuzz(void **state)
{
	static const name_record records[] = {
		{ 1, 0, 0, 6, "Mac-Name\xA5", 9 },
		{ 3, 1, 0x0409, 6, "\0W\0i\0n\0-\0N\0a\0m\0e", 16 },
		{ 3, 1, 0x0804, 4, "\x4E\x2D\x65\x87", 4 },
		{ 3, 1, 0x0809, 4, "\0U\0K", 4 },
		{ 1, 0, 0, 1, "Family\x80", 7 },
		{ 3, 1, 0x0409, 3, "\xD8\x3D\xDE\x00\0a\xDC\x00\0b\xD8\x00", 12 },
		{ 3, 10, 0x0409, 2, "\0R\x00\xE9\x4E\x2D\xD8\x40\xDC\x00\0z", 12 },
		{ 3, 1, 0x0804, 5, "\x4E\x2D", 2 },
		{ 2, 1, 0, 7, "\0X", 2 },
	};
	table t[8];
	subtable sub = format4(3, 1, 0x20, 0x7E);
	size_t n;

	(void)state;
	n = base_tables(t);
	t[n++] = cmap_table(&sub, 1);
	t[n] = name_table(records, COUNT(records));
	compare_synthetic("names", t, n + 1);
	t[n] = name_table(records + 4, 1);
	compare_synthetic("a Mac name alone", t, n + 1);
}

/* ---- damaged files ---------------------------------------------------------- */

/* Reads everything a face offers (the answers do not matter: only that
 * nothing reads outside the bytes, which ASan checks). */
static void
read_everything(const unsigned char *data, size_t size)
{
	unsigned faces = sfnt_face_count(data, size), k, g;
	sfnt_face face;
	sfnt_metrics m;
	sfnt_table cff;
	cff_bounds b;
	uint32_t cp, glyph;
	const char *why;
	char name[16];
	int top;

	for (k = 0; k < faces && k < 3; k++) {
		if (!sfnt_open(&face, data, size, k, &why))
			continue;
		for (cp = 0; cp < 0x10000; cp += 7)
			sfnt_glyph(&face, cp, &glyph);
		for (g = 0; g < 400; g++) {
			sfnt_advance(&face, g);
			sfnt_glyf_top(&face, g, &top);
		}
		sfnt_read_metrics(&face, &m);
		sfnt_name_utf8(&face, 6, name, sizeof(name));
		if (sfnt_find_table(&face, SFNT_TAG('C','F','F',' '), &cff))
			for (g = 0; g < 100; g++)
				cff_glyph_bounds(cff.data, cff.size, g, &b, &why);
	}
}

/* A copy of a real font cut short at many lengths and with bytes of its
 * directory and tables overwritten: refused with a reason or read within
 * its bytes, never a crash. */
static void
test_damaged_fonts_are_read_safely(void **state)
{
	static const char *paths[] = {
		GLYF_FONT, TTC_FONT,
		"/usr/local/share/fonts/fandol/FandolFang-Regular.otf",
	};
	font_file *file;
	unsigned char *copy;
	size_t size, cut, i, at, p;
	uint32_t seed = 1;

	(void)state;
	for (p = 0; p < COUNT(paths); p++) {
		if ((file = font_file_acquire(paths[p])) == NULL)
			continue;
		size = font_file_size(file) < 300000 ? font_file_size(file) : 300000;
		for (cut = 0; cut < size; cut += cut < 4096 ? 97 : 30011) {
			copy = malloc(cut + 1);
			memcpy(copy, font_file_data(file), cut);
			read_everything(copy, cut);
			free(copy);
		}
		copy = malloc(font_file_size(file));
		for (i = 0; i < 60; i++) {
			memcpy(copy, font_file_data(file), font_file_size(file));
			for (at = 0; at < 8; at++) {
				seed = seed * 1103515245u + 12345u;
				/* the directory and table starts first, then anywhere */
				copy[(seed >> 8) % (i < 30 ? 512 : size)] =
				    (unsigned char)(seed >> 24);
			}
			read_everything(copy, font_file_size(file));
		}
		free(copy);
		font_file_release(file);
	}
}

/* What sfnt_face_count and sfnt_open say of files that are not fonts,
 * of collections and of a table outside the file. */
static void
test_faces_and_reasons(void **state)
{
	static const unsigned char ttc_bad_version[16] = "ttcf\0\x03\0\0\0\0\0\x01";
	static const unsigned char ttc_short[16] = "ttcf\0\x01\0\0\0\0\0\x09";
	table t[4];
	size_t n, size;
	unsigned char *font;
	sfnt_face face;
	const char *why;

	(void)state;
	assert_int_equal(sfnt_face_count(NULL, 0), 0);
	assert_int_equal(sfnt_face_count((const unsigned char *)"%!PS-AdobeFont", 14), 0);
	assert_int_equal(sfnt_face_count(ttc_bad_version, 16), 0);
	assert_int_equal(sfnt_face_count(ttc_short, 16), 0);
	assert_false(sfnt_open(&face, ttc_short, 16, 0, &why));
	assert_string_equal(why, "no such face in the file");
	n = base_tables(t);
	font = build_font(t, n, &size);
	assert_int_equal(sfnt_face_count(font, size), 1);
	assert_true(sfnt_open(&face, font, size, 0, &why));
	assert_false(sfnt_open(&face, font, size, 1, &why));
	put32(font + 12 + 16 * 2 + 12, 0x7FFFFFF0);   /* maxp's length */
	assert_false(sfnt_open(&face, font, size, 0, &why));
	assert_string_equal(why, "a table lies outside the file");
	free(font);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_faces_and_reasons),
		cmocka_unit_test(test_synthetic_cmaps_match_harfbuzz),
		cmocka_unit_test(test_symbol_cmap_matches_harfbuzz),
		cmocka_unit_test(test_synthetic_metrics_match_harfbuzz),
		cmocka_unit_test(test_synthetic_names_match_harfbuzz),
		cmocka_unit_test(test_damaged_fonts_are_read_safely),
		cmocka_unit_test(test_installed_faces_match_harfbuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
