/*
 * sfnt.c - the table directory, cmap, hmtx, head, hhea, maxp, OS/2,
 * post, fvar, glyf headers and name of an OpenType font, read as
 * HarfBuzz 6.0 reads them (OpenType 1.9; HarfBuzz's hb-open-file.hh,
 * hb-ot-cmap-table.hh, hb-ot-hmtx-table.hh, hb-ot-metrics.cc,
 * hb-style.cc, hb-ot-name.cc, OT/glyf).
 *
 * Where HarfBuzz would set a table aside as invalid (its sanitizer), the
 * same checks set it aside here, so that a face answers as it did with
 * HarfBuzz; a check HarfBuzz does not make is made here only where a
 * read would otherwise leave the table.
 */
#include "sfnt.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"

#define DIRECTORY_HEADER 12
#define TABLE_RECORD 16
#define TTC_HEADER 12
#define HEAD_SIZE 54
#define HEAD_BBOX_END 44             /* xMin..yMax end here */
#define HEAD_MAGIC 0x5F0F3CF5u
#define HHEA_SIZE 36
#define MAXP_05_SIZE 6
#define MAXP_10_SIZE 32
#define OS2_V0_SIZE 78
#define OS2_V1_SIZE 86
#define OS2_V2_SIZE 96
#define OS2_V5_SIZE 100
#define POST_SIZE 32
#define FVAR_HEADER 16
#define FVAR_AXIS 20
#define CMAP_HEADER 4
#define CMAP_RECORD 8
#define NAME_HEADER 6
#define NAME_RECORD 12
#define GLYPH_HEADER 10
#define USE_TYPO_METRICS 0x0080      /* OS/2 fsSelection bit 7 */
#define MAC_STYLE_BOLD 0x0001
#define NAME_UNSUPPORTED 42          /* HarfBuzz's score of an unread encoding */
#define NAME_MAC_ROMAN 10            /* its score of Mac Roman (read as ASCII) */
#define REPLACEMENT 0xFFFDu
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* A cmap encoding HarfBuzz may use, best first (cmap::find_best_subtable,
 * after the symbol subtable (3,0), which it prefers to any). */
static const struct { unsigned platform, encoding; } cmap_preference[] = {
	{ 3, 10 }, { 0, 6 }, { 0, 4 },          /* 32-bit */
	{ 3, 1 }, { 0, 3 }, { 0, 2 }, { 0, 1 }, { 0, 0 },   /* 16-bit */
};

/* Windows language IDs HarfBuzz reads as English ("en"), the language
 * hb_ot_name_get_utf8 asks for when given none. */
static const unsigned english_ms_languages[] = {
	0x0009, 0x0409, 0x0809, 0x0C09, 0x1009, 0x1409, 0x1809, 0x1C09,
	0x2009, 0x2409, 0x2809, 0x2C09, 0x3009, 0x3409, 0x3C09, 0x4009,
	0x4409, 0x4809,
};

/* A 16.16 fixed-point value as HarfBuzz converts it (in float). */
static float
get_fixed(const unsigned char *p)
{
	return (float)(int32_t)get32(p) / 65536.f;
}

/* True when [offset, offset + length) lies within size bytes. */
static bool
fits(size_t size, size_t offset, size_t length)
{
	return offset <= size && length <= size - offset;
}

/* ---- the table directory ------------------------------------------------ */

/* True for the tags of a single-face sfnt HarfBuzz reads (TrueType,
 * CFF, Apple's 'true' and 'typ1'). */
static bool
is_sfnt_version(uint32_t tag)
{
	return tag == 0x00010000u || tag == SFNT_TAG('O','T','T','O') ||
	       tag == SFNT_TAG('t','r','u','e') ||
	       tag == SFNT_TAG('t','y','p','1');
}

/* True when a table directory starts at offset and its records fit. */
static bool
directory_fits(const unsigned char *data, size_t size, size_t offset)
{
	return fits(size, offset, DIRECTORY_HEADER) &&
	       fits(size, offset + DIRECTORY_HEADER,
	            (size_t)get16(data + offset + 4) * TABLE_RECORD);
}

/* The face count of a 'ttcf' header of version 1 or 2 whose offsets fit,
 * else 0 (HarfBuzz's sanitizer rejects the file, or counts no face). */
static unsigned
collection_count(const unsigned char *data, size_t size)
{
	unsigned major;
	uint32_t count;

	if (size < TTC_HEADER)
		return 0;
	major = get16(data + 4);
	count = get32(data + 8);
	if ((major != 1 && major != 2) ||
	    !fits(size, TTC_HEADER, (size_t)count * 4))
		return 0;
	return count;
}

unsigned
sfnt_face_count(const unsigned char *data, size_t size)
{
	uint32_t tag;

	if (size < 4)
		return 0;
	tag = get32(data);
	if (tag == SFNT_TAG('t','t','c','f'))
		return collection_count(data, size);
	return is_sfnt_version(tag) && directory_fits(data, size, 0) ? 1 : 0;
}

/* Finds the directory of face index; false with *why when there is none
 * or it does not fit. */
static bool
find_directory(const unsigned char *data, size_t size, unsigned index,
               size_t *offset, const char **why)
{
	if (index >= sfnt_face_count(data, size)) {
		*why = "no such face in the file";
		return false;
	}
	*offset = get32(data) == SFNT_TAG('t','t','c','f')
	    ? get32(data + TTC_HEADER + 4 * (size_t)index) : 0;
	if (!directory_fits(data, size, *offset)) {
		*why = "its table directory lies outside the file";
		return false;
	}
	return true;
}

/* Checks that every table record points inside the file. */
static bool
tables_fit(const sfnt_face *face, const char **why)
{
	const unsigned char *r;
	unsigned i;

	for (i = 0; i < face->table_count; i++) {
		r = face->records + (size_t)i * TABLE_RECORD;
		if (!fits(face->file_size, get32(r + 8), get32(r + 12))) {
			*why = "a table lies outside the file";
			return false;
		}
	}
	return true;
}

bool
sfnt_find_table(const sfnt_face *face, uint32_t tag, sfnt_table *out)
{
	const unsigned char *r;
	unsigned i;

	/* the first record with the tag, as HarfBuzz's linear search of
	 * small directories (and its binary search of sorted large ones) */
	for (i = 0; i < face->table_count; i++) {
		r = face->records + (size_t)i * TABLE_RECORD;
		if (get32(r) == tag) {
			out->data = face->file + get32(r + 8);
			out->size = get32(r + 12);
			return true;
		}
	}
	out->data = NULL;
	out->size = 0;
	return false;
}

/* A table HarfBuzz would use: present and at least min_size bytes long
 * (its fixed part); else *out is empty. */
static bool
table_of_size(const sfnt_face *face, uint32_t tag, size_t min_size,
              sfnt_table *out)
{
	if (sfnt_find_table(face, tag, out) && out->size >= min_size)
		return true;
	out->data = NULL;
	out->size = 0;
	return false;
}

/* ---- head, hhea, maxp, OS/2, post, fvar, as HarfBuzz's sanitizer ------ */

/* head with version 1 and the magic number. */
static bool
valid_head(const sfnt_face *face, sfnt_table *head)
{
	return table_of_size(face, SFNT_TAG('h','e','a','d'), HEAD_SIZE, head) &&
	       get16(head->data) == 1 && get32(head->data + 12) == HEAD_MAGIC;
}

/* hhea of version 1. */
static bool
valid_hhea(const sfnt_face *face, sfnt_table *hhea)
{
	return table_of_size(face, SFNT_TAG('h','h','e','a'), HHEA_SIZE, hhea) &&
	       get16(hhea->data) == 1;
}

/* maxp of version 0.5, or 1.0 with its longer tail. */
static unsigned
maxp_glyph_count(const sfnt_face *face)
{
	sfnt_table maxp;
	uint32_t version;

	if (!table_of_size(face, SFNT_TAG('m','a','x','p'), MAXP_05_SIZE, &maxp))
		return 0;
	version = get32(maxp.data);
	if ((version >> 16 == 1 && maxp.size >= MAXP_10_SIZE) ||
	    version == 0x00005000u)
		return get16(maxp.data + 4);
	return 0;
}

/* OS/2 as long as its version needs (78, 86, 96 or 100 bytes). */
static bool
valid_os2(const sfnt_face *face, sfnt_table *os2)
{
	unsigned version;
	size_t need;

	if (!table_of_size(face, SFNT_TAG('O','S','/','2'), OS2_V0_SIZE, os2))
		return false;
	version = get16(os2->data);
	need = version >= 5 ? OS2_V5_SIZE : version >= 2 ? OS2_V2_SIZE
	     : version >= 1 ? OS2_V1_SIZE : OS2_V0_SIZE;
	if (os2->size < need) {
		os2->data = NULL;
		os2->size = 0;
		return false;
	}
	return true;
}

/* HarfBuzz's OS2::has_data: one of the first few fields is set. */
static bool
os2_has_data(const sfnt_table *os2)
{
	return os2->data != NULL &&
	       (get16(os2->data + 4) || get16(os2->data + 6) ||
	        get16(os2->data + 64) || get16(os2->data + 66));
}

/* post of version 1, 2 (with its glyph name index) or 3. */
static bool
valid_post(const sfnt_face *face, sfnt_table *post)
{
	uint32_t version;

	if (!table_of_size(face, SFNT_TAG('p','o','s','t'), POST_SIZE, post))
		return false;
	version = get32(post->data);
	if (version == 0x00010000u || version == 0x00030000u)
		return true;
	return version == 0x00020000u && post->size >= POST_SIZE + 2 &&
	       fits(post->size, POST_SIZE + 2,
	            (size_t)get16(post->data + POST_SIZE) * 2);
}

/* The default of the fvar axis with this tag (hb_ot_var_find_axis_info:
 * the first such axis of a valid fvar); false when there is none. */
static bool
fvar_axis_default(const sfnt_face *face, uint32_t tag, float *value)
{
	sfnt_table fvar;
	size_t axes, count, instances, i;

	if (!table_of_size(face, SFNT_TAG('f','v','a','r'), FVAR_HEADER, &fvar) ||
	    get16(fvar.data) != 1 || get16(fvar.data + 10) != FVAR_AXIS)
		return false;
	axes = get16(fvar.data + 4);
	count = get16(fvar.data + 8);
	if (get16(fvar.data + 14) < count * 4 + 4 ||
	    !fits(fvar.size, axes, count * FVAR_AXIS))
		return false;
	instances = axes + count * FVAR_AXIS;
	if (!fits(fvar.size, instances,
	          (size_t)get16(fvar.data + 12) * get16(fvar.data + 14)))
		return false;
	for (i = 0; i < count; i++) {
		if (get32(fvar.data + axes + i * FVAR_AXIS) == tag) {
			*value = get_fixed(fvar.data + axes + i * FVAR_AXIS + 8);
			return true;
		}
	}
	return false;
}

/* ---- hmtx -------------------------------------------------------------- */

/* Sets up the counts HarfBuzz's hmtx accelerator works with. */
static void
read_hmtx(sfnt_face *face)
{
	sfnt_hmtx *h = &face->hmtx;
	sfnt_table hmtx, hhea;
	size_t length;

	sfnt_find_table(face, SFNT_TAG('h','m','t','x'), &hmtx);
	h->data = hmtx.data;
	h->default_advance = face->upem / 2;
	length = hmtx.size & ~(size_t)1;
	h->long_metrics = valid_hhea(face, &hhea) ? get16(hhea.data + 34) : 0;
	if ((size_t)h->long_metrics * 4 > length)
		h->long_metrics = (unsigned)(length / 4);
	length -= (size_t)h->long_metrics * 4;
	h->bearings = face->glyph_count;
	if (h->bearings < h->long_metrics)
		h->bearings = h->long_metrics;
	if ((size_t)(h->bearings - h->long_metrics) * 2 > length)
		h->bearings = h->long_metrics + (unsigned)(length / 2);
	length -= (size_t)(h->bearings - h->long_metrics) * 2;
	if (h->long_metrics == 0)
		h->bearings = 0;
	h->advances = h->bearings + (unsigned)(length / 2);
}

unsigned
sfnt_advance(const sfnt_face *face, uint32_t glyph)
{
	const sfnt_hmtx *h = &face->hmtx;

	if (glyph < h->bearings)
		return get16(h->data + 4 * (size_t)(glyph < h->long_metrics
		                                    ? glyph : h->long_metrics - 1));
	/* no hmtx at all: upem / 2; past the glyphs: 0 (HarfBuzz 6.0 is
	 * built without its reading of advances beyond 64K glyphs) */
	return h->advances == 0 ? h->default_advance : 0;
}

/* ---- cmap -------------------------------------------------------------- */

/* How many bytes of a subtable of this format HarfBuzz's sanitizer
 * accepts at sub (avail bytes left in the table); 0 when it rejects it.
 * Format 4's length is cut to the table, as HarfBuzz cuts it. */
static size_t
subtable_size(const unsigned char *sub, size_t avail, unsigned format)
{
	size_t length, n;

	switch (format) {
	case 0:
		return avail >= 262 ? 262 : 0;
	case 4:
		if (avail < 14)
			return 0;
		length = get16(sub + 2);
		if (length > avail)
			length = avail < 0xFFFF ? avail : 0xFFFF;
		return 16 + 4 * (size_t)get16(sub + 6) <= length ? length : 0;
	case 6:
		if (avail < 10)
			return 0;
		n = 10 + 2 * (size_t)get16(sub + 8);
		return n <= avail ? n : 0;
	case 10:
		if (avail < 20)
			return 0;
		n = get32(sub + 16);
		return n <= (avail - 20) / 2 ? 20 + 2 * n : 0;
	case 12:
	case 13:
		if (avail < 16)
			return 0;
		n = get32(sub + 12);
		return n <= (avail - 16) / 12 ? 16 + 12 * n : 0;
	default:
		return avail;            /* kept, though no glyph is read from it */
	}
}

/* The subtable of cmap for platform and encoding, found by HarfBuzz's
 * binary search of the (sorted) records; false when there is none or the
 * sanitizer would have cut its offset. */
static bool
find_subtable(const sfnt_table *cmap, unsigned platform, unsigned encoding,
              sfnt_cmap *out)
{
	unsigned count = get16(cmap->data + 2);
	int low = 0, high = (int)count - 1, mid;
	const unsigned char *r;
	unsigned p, e;
	uint32_t offset;

	while (low <= high) {
		mid = (int)(((unsigned)low + (unsigned)high) / 2);
		r = cmap->data + CMAP_HEADER + (size_t)mid * CMAP_RECORD;
		p = get16(r);
		e = get16(r + 2);
		if (platform < p || (platform == p && encoding < e)) {
			high = mid - 1;
		} else if (platform > p || encoding > e) {
			low = mid + 1;
		} else {
			offset = get32(r + 4);
			if (offset == 0 || offset > cmap->size - 2)
				return false;
			out->data = cmap->data + offset;
			out->format = get16(out->data);
			out->size = subtable_size(out->data, cmap->size - offset,
			                          out->format);
			return out->size > 0;
		}
	}
	return false;
}

/* Chooses the subtable HarfBuzz reads glyphs from, as its cmap
 * accelerator does. */
static void
read_cmap(sfnt_face *face)
{
	sfnt_cmap *c = &face->cmap;
	sfnt_table cmap, os2;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (!table_of_size(face, SFNT_TAG('c','m','a','p'), CMAP_HEADER, &cmap) ||
	    get16(cmap.data) != 0 ||
	    !fits(cmap.size, CMAP_HEADER,
	          (size_t)get16(cmap.data + 2) * CMAP_RECORD))
		return;
	if (find_subtable(&cmap, 3, 0, c)) {
		/* a symbol font: U+0000-00FF fall back on U+F000-F0FF, unless
		 * an OS/2 version 0 names a code page (Arabic pages remap
		 * differently in HarfBuzz; see sfnt.h) */
		c->symbol_pua = !valid_os2(face, &os2) || get16(os2.data) != 0 ||
		                (get16(os2.data + 62) & 0xFF00) == 0;
	} else {
		for (i = 0; i < COUNT(cmap_preference); i++)
			if (find_subtable(&cmap, cmap_preference[i].platform,
			                  cmap_preference[i].encoding, c))
				break;
		if (i == COUNT(cmap_preference)) {
			memset(c, 0, sizeof(*c));
			return;
		}
	}
	if (c->format == 4) {
		c->segments = get16(c->data + 6) / 2;
		c->glyph_ids = (c->size - 16 - 8 * (size_t)c->segments) / 2;
	}
}

/* Format 4: the segment holding code_point (binary search of endCode,
 * then startCode), then idDelta or glyphIdArray. */
static bool
format4_glyph(const sfnt_cmap *c, uint32_t code_point, uint32_t *glyph)
{
	const unsigned char *ends = c->data + 14;
	const unsigned char *starts = ends + 2 * (size_t)c->segments + 2;
	const unsigned char *deltas = starts + 2 * (size_t)c->segments;
	const unsigned char *ranges = deltas + 2 * (size_t)c->segments;
	int low = 0, high = (int)c->segments - 1, mid = 0;
	unsigned range, gid;
	size_t index;
	bool found = false;

	while (low <= high) {
		mid = (int)(((unsigned)low + (unsigned)high) / 2);
		if (code_point > get16(ends + 2 * (size_t)mid))
			low = mid + 1;
		else if (code_point < get16(starts + 2 * (size_t)mid))
			high = mid - 1;
		else {
			found = true;
			break;
		}
	}
	if (!found)
		return false;
	range = get16(ranges + 2 * (size_t)mid);
	if (range == 0) {
		gid = code_point + get16(deltas + 2 * (size_t)mid);
	} else {
		index = range / 2 + (code_point - get16(starts + 2 * (size_t)mid)) +
		        (size_t)mid - c->segments;
		if (index >= c->glyph_ids)
			return false;
		gid = get16(ranges + 2 * (size_t)c->segments + 2 * index);
		if (gid == 0)
			return false;
		gid += get16(deltas + 2 * (size_t)mid);
	}
	gid &= 0xFFFF;
	if (gid == 0)
		return false;
	*glyph = gid;
	return true;
}

/* Formats 12 and 13: the group holding code_point, binary search. */
static bool
group_glyph(const sfnt_cmap *c, uint32_t code_point, uint32_t *glyph)
{
	uint32_t count = get32(c->data + 12), start, end, gid;
	int64_t low = 0, high = (int64_t)count - 1, mid;
	const unsigned char *g;

	while (low <= high) {
		mid = (low + high) / 2;
		g = c->data + 16 + 12 * (size_t)mid;
		start = get32(g);
		end = get32(g + 4);
		if (code_point < start) {
			high = mid - 1;
		} else if (code_point > end) {
			low = mid + 1;
		} else {
			gid = get32(g + 8);
			if (c->format == 12)
				gid = start <= end ? gid + (code_point - start) : 0;
			if (gid == 0)
				return false;
			*glyph = gid;
			return true;
		}
	}
	return false;
}

/* Formats 6 and 10: one run of glyph ids from a first code point. */
static bool
trimmed_glyph(const sfnt_cmap *c, uint32_t code_point, uint32_t *glyph)
{
	bool wide = c->format == 10;
	uint32_t first = wide ? get32(c->data + 12) : get16(c->data + 6);
	uint32_t count = wide ? get32(c->data + 16) : get16(c->data + 8);
	uint32_t index = code_point - first;
	unsigned gid;

	if (index >= count)
		return false;
	gid = get16(c->data + (wide ? 20 : 10) + 2 * (size_t)index);
	if (gid == 0)
		return false;
	*glyph = gid;
	return true;
}

/* The glyph of one subtable, without the symbol fallback. */
static bool
subtable_glyph(const sfnt_cmap *c, uint32_t code_point, uint32_t *glyph)
{
	switch (c->format) {
	case 0:
		if (code_point > 255 || c->data[6 + code_point] == 0)
			return false;
		*glyph = c->data[6 + code_point];
		return true;
	case 4:
		return format4_glyph(c, code_point, glyph);
	case 6:
	case 10:
		return trimmed_glyph(c, code_point, glyph);
	case 12:
	case 13:
		return group_glyph(c, code_point, glyph);
	default:
		return false;
	}
}

bool
sfnt_glyph(const sfnt_face *face, uint32_t code_point, uint32_t *glyph)
{
	const sfnt_cmap *c = &face->cmap;

	if (c->data == NULL)
		return false;
	if (subtable_glyph(c, code_point, glyph))
		return true;
	return c->symbol_pua && code_point <= 0xFF &&
	       subtable_glyph(c, 0xF000 + code_point, glyph);
}

/* ---- opening a face ---------------------------------------------------- */

bool
sfnt_open(sfnt_face *face, const unsigned char *data, size_t size,
          unsigned index, const char **why)
{
	sfnt_table head;
	size_t directory;

	memset(face, 0, sizeof(*face));
	if (!find_directory(data, size, index, &directory, why))
		return false;
	face->file = data;
	face->file_size = size;
	face->records = data + directory + DIRECTORY_HEADER;
	face->table_count = get16(data + directory + 4);
	if (!tables_fit(face, why))
		return false;
	face->upem = 1000;           /* HarfBuzz's value without a usable head */
	if (valid_head(face, &head) && get16(head.data + 18) >= 16 &&
	    get16(head.data + 18) <= 16384)
		face->upem = get16(head.data + 18);
	face->glyph_count = maxp_glyph_count(face);
	read_hmtx(face);
	read_cmap(face);
	return true;
}

/* ---- metrics ------------------------------------------------------------ */

/* Ascender and descender by hb_ot_metrics_get_position: OS/2's typo
 * values when USE_TYPO_METRICS is set (and OS/2 has data), else hhea's;
 * the ascender made positive and the descender negative. */
static void
read_vertical_metrics(const sfnt_face *face, const sfnt_table *os2,
                      sfnt_metrics *m)
{
	sfnt_table hhea;

	if (os2_has_data(os2) && (get16(os2->data + 62) & USE_TYPO_METRICS)) {
		m->has_ascender = m->has_descender = true;
		m->ascender = abs(get_int16(os2->data + 68));
		m->descender = -abs(get_int16(os2->data + 70));
	} else if (valid_hhea(face, &hhea)) {
		m->has_ascender = m->has_descender = true;
		m->ascender = abs(get_int16(hhea.data + 4));
		m->descender = -abs(get_int16(hhea.data + 6));
	}
}

void
sfnt_read_metrics(const sfnt_face *face, sfnt_metrics *m)
{
	sfnt_table head, os2, post;
	int i;

	memset(m, 0, sizeof(*m));
	if (sfnt_find_table(face, SFNT_TAG('h','e','a','d'), &head) &&
	    head.size >= HEAD_BBOX_END) {
		m->has_bbox = true;
		for (i = 0; i < 4; i++)
			m->bbox[i] = get_int16(head.data + 36 + 2 * i);
	}
	valid_os2(face, &os2);
	read_vertical_metrics(face, &os2, m);
	if (os2.data != NULL && get16(os2.data) >= 2 &&
	    (get16(os2.data + 86) != 0 || get16(os2.data + 88) != 0)) {
		m->has_cap_height = true;
		m->cap_height = get_int16(os2.data + 88);
	}
	if (!fvar_axis_default(face, SFNT_TAG('s','l','n','t'), &m->italic_angle))
		m->italic_angle = valid_post(face, &post)
		    ? get_fixed(post.data + 4) : 0.f;
	if (!fvar_axis_default(face, SFNT_TAG('w','g','h','t'), &m->weight)) {
		if (os2_has_data(&os2))
			m->weight = (float)get16(os2.data + 4);
		else
			m->weight = valid_head(face, &head) &&
			            (get16(head.data + 44) & MAC_STYLE_BOLD)
			    ? 700.f : 400.f;
	}
}

bool
sfnt_glyf_top(const sfnt_face *face, uint32_t glyph, int *top)
{
	sfnt_table head, loca, glyf;
	int format = 0, data_format = 0;
	size_t glyphs, start, end;
	const unsigned char *g;

	/* a head HarfBuzz sets aside reads as zeros: short loca; a negative
	 * indexToLocFormat means long offsets to HarfBuzz (signed fields) */
	if (valid_head(face, &head)) {
		format = get_int16(head.data + 50);
		data_format = get_int16(head.data + 52);
	}
	if (format > 1 || data_format > 0 ||
	    !sfnt_find_table(face, SFNT_TAG('l','o','c','a'), &loca))
		return false;
	sfnt_find_table(face, SFNT_TAG('g','l','y','f'), &glyf);
	glyphs = loca.size / (format == 0 ? 2 : 4);
	glyphs = (glyphs > 1 ? glyphs : 1) - 1;
	if (glyphs > face->glyph_count)
		glyphs = face->glyph_count;
	if (glyph >= glyphs)
		return false;
	if (format == 0) {
		start = 2 * (size_t)get16(loca.data + 2 * (size_t)glyph);
		end = 2 * (size_t)get16(loca.data + 2 * (size_t)glyph + 2);
	} else {
		start = get32(loca.data + 4 * (size_t)glyph);
		end = get32(loca.data + 4 * (size_t)glyph + 4);
	}
	*top = 0;
	if (start > end || end > glyf.size || end - start < GLYPH_HEADER)
		return true;             /* an empty glyph: zero extents */
	g = glyf.data + start;
	if (get_int16(g) != 0)
		*top = get_int16(g + 4) > get_int16(g + 8) ? get_int16(g + 4)
		                                           : get_int16(g + 8);
	return true;
}

/* ---- names ------------------------------------------------------------- */

/* HarfBuzz's preference among a name's encodings (lower is better, as
 * NameRecord::score); NAME_UNSUPPORTED for one it does not read. */
static unsigned
name_score(unsigned platform, unsigned encoding)
{
	size_t i;

	for (i = 0; i < COUNT(cmap_preference); i++)
		if (cmap_preference[i].platform == platform &&
		    cmap_preference[i].encoding == encoding)
			return (unsigned)i;
	if (platform == 3 && encoding == 0)
		return 8;
	if (platform == 1 && encoding == 0)
		return NAME_MAC_ROMAN;
	return NAME_UNSUPPORTED;
}

/* True for a record in a language HarfBuzz reads as "en". */
static bool
is_english(unsigned platform, unsigned language)
{
	size_t i;

	if (platform == 1)
		return language == 0;
	if (platform != 3)
		return false;            /* Unicode platform: 'ltag', see sfnt.h */
	for (i = 0; i < COUNT(english_ms_languages); i++)
		if (english_ms_languages[i] == language)
			return true;
	return false;
}

/* The next character of a name's string at *p (before end): UTF-16BE
 * with surrogate pairs, or one byte of ASCII; U+FFFD for anything else,
 * as HarfBuzz's decoders. */
static uint32_t
next_name_char(const unsigned char **p, const unsigned char *end, bool wide)
{
	uint32_t c, low;

	if (!wide) {
		c = *(*p)++;
		return c < 0x80 ? c : REPLACEMENT;
	}
	c = get16(*p);
	*p += 2;
	if (c < 0xD800 || c > 0xDFFF)
		return c;
	if (c <= 0xDBFF && end - *p >= 2) {
		low = get16(*p);
		if (low >= 0xDC00 && low <= 0xDFFF) {
			*p += 2;
			return 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
		}
	}
	return REPLACEMENT;
}

/* Appends c in UTF-8 at out[*n] when it fits before limit (HarfBuzz's
 * hb_utf8_t::encode); false when it does not. */
static bool
put_utf8(char *out, size_t *n, size_t limit, uint32_t c)
{
	unsigned char *o = (unsigned char *)out + *n;
	size_t length = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;

	if (limit - *n < length)
		return false;
	if (length == 1) {
		o[0] = (unsigned char)c;
	} else if (length == 2) {
		o[0] = (unsigned char)(0xC0 | c >> 6);
		o[1] = (unsigned char)(0x80 | (c & 0x3F));
	} else if (length == 3) {
		o[0] = (unsigned char)(0xE0 | c >> 12);
		o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (c & 0x3F));
	} else {
		o[0] = (unsigned char)(0xF0 | c >> 18);
		o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
		o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		o[3] = (unsigned char)(0x80 | (c & 0x3F));
	}
	*n += length;
	return true;
}

/* The English record of name_id HarfBuzz picks: the best encoding score,
 * then the first record; its string in *string, false when none. */
static bool
find_name(const sfnt_face *face, unsigned name_id, sfnt_table *string,
          bool *wide)
{
	sfnt_table name;
	const unsigned char *r;
	size_t count, pool, i, offset, length;
	unsigned score, best = NAME_UNSUPPORTED;

	if (!table_of_size(face, SFNT_TAG('n','a','m','e'), NAME_HEADER, &name) ||
	    get16(name.data) > 1)
		return false;
	count = get16(name.data + 2);
	pool = get16(name.data + 4);
	if (!fits(name.size, NAME_HEADER, count * NAME_RECORD) || pool > name.size)
		return false;
	for (i = 0; i < count; i++) {
		r = name.data + NAME_HEADER + i * NAME_RECORD;
		score = name_score(get16(r), get16(r + 2));
		if (get16(r + 6) != name_id || score >= best ||
		    !is_english(get16(r), get16(r + 4)))
			continue;
		length = get16(r + 8);
		offset = get16(r + 10);
		if (!fits(name.size - pool, offset, length))
			continue;            /* damaged: its string is skipped */
		best = score;
		string->data = name.data + pool + offset;
		string->size = length;
	}
	*wide = best < NAME_MAC_ROMAN;
	return best != NAME_UNSUPPORTED;
}

size_t
sfnt_name_utf8(const sfnt_face *face, unsigned name_id, char *out,
               size_t size)
{
	sfnt_table string;
	const unsigned char *p, *end;
	size_t n = 0;
	bool wide;

	if (size == 0)
		return 0;
	out[0] = '\0';
	if (!find_name(face, name_id, &string, &wide))
		return 0;
	p = string.data;
	end = p + (wide ? string.size & ~(size_t)1 : string.size);
	while (p < end && n < size - 1 &&
	       put_utf8(out, &n, size - 1, next_name_char(&p, end, wide)))
		;
	out[n] = '\0';
	return n;
}
