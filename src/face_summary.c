/*
 * face_summary.c - one face's answers in a file, mapped and searched.
 *
 * The file is this machine's own (native byte order and alignment: the
 * format version read in the other byte order is not the version), laid
 * out so that loading is one mmap and every lookup a binary search in
 * place:
 *
 *   header       summary_header: magic, format and FreeType versions,
 *                the font file's identity, face index, facts, counts
 *   strings      path, family, style, each NUL-terminated, padded to 4
 *   code points  uint32[char_count], strictly increasing
 *   advances     int32[char_count]: font_advance's answer (-1 possible)
 *   glyphs       uint32[char_count]: the glyph each code point maps to
 *   ink          ink_record[ink_count], by increasing code point
 *   checksum     uint32: CRC-32 of every byte before it
 *
 * Counts and string sizes determine every offset, so the file size must
 * equal what the header implies.
 */
#include "face_summary.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libdeflate.h>

#include "cache_dir.h"
#include "output.h"

#define SUMMARY_MAGIC "gkface\r\n"
/* Changes with the layout, and with what fonts.c stores in it (how it
 * rounds advances and ink boxes, which ascender it takes). */
#define SUMMARY_VERSION 1u
#define SUMMARY_DIR "faces"
#define MAX_SUMMARY_SIZE (64u << 20)
#define MAX_CODE_POINT 0x10FFFFu

/* Modified this recently, a font may still be changing within its
 * timestamps' granularity: its summary is not kept. */
#define RACY_SECONDS 1

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The fixed start of a summary file; no implicit padding. */
typedef struct summary_header {
	char magic[8];
	uint32_t version;
	uint32_t ft_version;
	char gk_version[16];         /* GK_VERSION, NUL-padded */
	uint64_t dev, ino, size;     /* the font file's identity */
	int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
	int32_t face_index;
	int32_t outline;
	int32_t units_per_em;
	int32_t ascender, descender;
	uint32_t path_size, family_size, style_size;   /* NUL included */
	uint32_t char_count, ink_count;
	uint32_t file_size;
	uint32_t reserved;           /* zero */
} summary_header;

_Static_assert(sizeof(summary_header) == 136, "summary_header has padding");

/* font_ink_box's answer for one code point. */
typedef struct ink_record {
	uint32_t cp;
	int32_t found;
	int32_t box[4];
} ink_record;

struct face_summary {
	face_facts facts;
	const uint32_t *cps;
	const int32_t *advances;
	const uint32_t *glyphs;
	const ink_record *inks;
	size_t count, ink_count;
};

/* The ranges whose ink is kept: ASCII punctuation, the 间隔号, general
 * punctuation, CJK symbols and punctuation, vertical and compatibility
 * forms, full-width and half-width forms. */
static const uint32_t ink_ranges[][2] = {
	{ 0x0021, 0x007E }, { 0x00B7, 0x00B7 }, { 0x2010, 0x2027 },
	{ 0x2030, 0x205E }, { 0x3000, 0x303F }, { 0xFE10, 0xFE1F },
	{ 0xFE30, 0xFE4F }, { 0xFF01, 0xFF65 },
};

/* face_summary_keeps_ink:
 * Whether cp lies in one of the ranges. */
bool
face_summary_keeps_ink(uint32_t cp)
{
	size_t i;

	for (i = 0; i < COUNT(ink_ranges); i++)
		if (cp >= ink_ranges[i][0] && cp <= ink_ranges[i][1])
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Where                                                              */
/* ------------------------------------------------------------------ */

/* face_summary_dir:
 * $XDG_CACHE_HOME/gkreport/faces, else ~/.cache/gkreport/faces; NULL
 * when caching is off (cache_dir.h). */
const char *
face_summary_dir(arena *a)
{
	return cache_dir_path(a, SUMMARY_DIR);
}

/* fnv1a:
 * 64-bit FNV-1a, continued from h. */
static uint64_t
fnv1a(uint64_t h, const void *data, size_t size)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < size; i++) {
		h ^= p[i];
		h *= 1099511628211u;
	}
	return h;
}

/* summary_hash:
 * Names a face's summary: the FNV-1a of its path, a NUL and its index (a
 * collision only costs rebuilds: the path is compared on load). */
static uint64_t
summary_hash(const char *path, int index)
{
	uint64_t h = fnv1a(14695981039346656037u, path, strlen(path) + 1);
	int32_t i = index;

	return fnv1a(h, &i, sizeof(i));
}

/* face_summary_file:
 * DIR/HASH in 16 hex digits. */
const char *
face_summary_file(arena *a, const char *dir, const char *path, int index)
{
	return arena_printf(a, "%s/%016" PRIx64, dir, summary_hash(path, index));
}

/* ------------------------------------------------------------------ */
/* Loading                                                            */
/* ------------------------------------------------------------------ */

/* set_identity:
 * Stores the font file's identity in the header. */
static void
set_identity(summary_header *h, const struct stat *st)
{
	h->dev = (uint64_t)st->st_dev;
	h->ino = (uint64_t)st->st_ino;
	h->size = (uint64_t)st->st_size;
	h->mtime_sec = st->st_mtim.tv_sec;
	h->mtime_nsec = st->st_mtim.tv_nsec;
	h->ctime_sec = st->st_ctim.tv_sec;
	h->ctime_nsec = st->st_ctim.tv_nsec;
}

/* same_identity:
 * Whether the header still describes the font file st. */
static bool
same_identity(const summary_header *h, const struct stat *st)
{
	return h->dev == (uint64_t)st->st_dev && h->ino == (uint64_t)st->st_ino &&
	       h->size == (uint64_t)st->st_size &&
	       h->mtime_sec == (int64_t)st->st_mtim.tv_sec &&
	       h->mtime_nsec == (int64_t)st->st_mtim.tv_nsec &&
	       h->ctime_sec == (int64_t)st->st_ctim.tv_sec &&
	       h->ctime_nsec == (int64_t)st->st_ctim.tv_nsec;
}

/* padded:
 * n rounded up to a multiple of 4. */
static size_t
padded(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* expected_size:
 * The file size the header's counts imply. */
static uint64_t
expected_size(const summary_header *h)
{
	return sizeof(*h) +
	       padded((uint64_t)h->path_size + h->family_size + h->style_size) +
	       (uint64_t)h->char_count * 12 +
	       (uint64_t)h->ink_count * sizeof(ink_record) + 4;
}

/* header_holds:
 * Whether a summary of size bytes was written by this gkreport and
 * FreeType for face index of path as it is now (st), with sane counts. */
static bool
header_holds(const summary_header *h, size_t size, const char *path,
             int index, uint32_t ft_version, const struct stat *st)
{
	char gk_version[sizeof(h->gk_version)] = { 0 };

	strncpy(gk_version, GK_VERSION, sizeof(gk_version) - 1);
	return memcmp(h->magic, SUMMARY_MAGIC, sizeof(h->magic)) == 0 &&
	       h->version == SUMMARY_VERSION && h->ft_version == ft_version &&
	       memcmp(h->gk_version, gk_version, sizeof(gk_version)) == 0 &&
	       same_identity(h, st) && h->face_index == index &&
	       h->path_size == strlen(path) + 1 &&
	       h->char_count <= MAX_CODE_POINT + 1 &&
	       h->ink_count <= h->char_count && h->file_size == size &&
	       expected_size(h) == size && h->units_per_em > 0 &&
	       h->outline >= OUTLINE_TRUETYPE && h->outline <= OUTLINE_OTHER;
}

/* strings_hold:
 * The stored path is path, and every string ends where its size says;
 * sets the facts' names. */
static bool
strings_hold(const char *s, const summary_header *h, const char *path,
             face_facts *facts)
{
	const char *family = s + h->path_size, *style = family + h->family_size;

	if (memcmp(s, path, h->path_size) != 0 || h->family_size == 0 ||
	    h->style_size == 0 || family[h->family_size - 1] != '\0' ||
	    style[h->style_size - 1] != '\0')
		return false;
	facts->family = family;
	facts->style = style;
	return true;
}

/* checksum_holds:
 * The CRC-32 of everything before the last four bytes is those bytes. */
static bool
checksum_holds(const unsigned char *data, size_t size)
{
	uint32_t stored;

	memcpy(&stored, data + size - 4, 4);
	return libdeflate_crc32(0, data, size - 4) == stored;
}

/* A summary's mapping, for the arena to release. */
typedef struct mapping {
	void *data;
	size_t size;
} mapping;

/* unmap_summary:
 * Unmaps a mapping when its arena is destroyed. */
static void
unmap_summary(void *p)
{
	mapping *m = p;

	munmap(m->data, m->size);
}

/* map_file:
 * The whole file at path mapped read-only; false when missing, no
 * bigger than a header, too large or unmappable. */
static bool
map_file(const char *path, mapping *m)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return false;
	m->data = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size > sizeof(summary_header) &&
	    st.st_size <= MAX_SUMMARY_SIZE) {
		m->size = (size_t)st.st_size;
		m->data = mmap(NULL, m->size, PROT_READ, MAP_PRIVATE, fd, 0);
	}
	close(fd);
	return m->data != MAP_FAILED;
}

/* point_into:
 * The arrays after the strings. */
static void
point_into(face_summary *s, const unsigned char *data,
           const summary_header *h)
{
	const unsigned char *p = data + sizeof(*h) +
	    padded((size_t)h->path_size + h->family_size + h->style_size);

	s->count = h->char_count;
	s->ink_count = h->ink_count;
	s->cps = (const uint32_t *)p;
	s->advances = (const int32_t *)(p + 4 * s->count);
	s->glyphs = (const uint32_t *)(p + 8 * s->count);
	s->inks = (const ink_record *)(p + 12 * s->count);
}

/* checked_summary:
 * The summary in m, once checked against the font file (st) and this
 * process; NULL when it does not hold. */
static face_summary *
checked_summary(arena *a, const mapping *m, const char *path, int index,
                uint32_t ft_version, const struct stat *st)
{
	const summary_header *h = m->data;
	face_summary *s;

	if (!header_holds(h, m->size, path, index, ft_version, st))
		return NULL;
	s = arena_alloc(a, sizeof(*s));
	if (!strings_hold((const char *)(h + 1), h, path, &s->facts) ||
	    !checksum_holds(m->data, m->size))
		return NULL;
	s->facts.outline = (font_outline)h->outline;
	s->facts.units_per_em = h->units_per_em;
	s->facts.ascender = h->ascender;
	s->facts.descender = h->descender;
	point_into(s, m->data, h);
	return s;
}

/* face_summary_load:
 * Maps the summary file and checks it before trusting a byte of it; a
 * mapping that does not hold is unmapped at once. */
face_summary *
face_summary_load(arena *a, const char *dir, const char *path, int index,
                  uint32_t ft_version)
{
	mapping m;
	struct stat st;
	face_summary *s;

	if (dir == NULL || stat(path, &st) != 0 ||
	    !map_file(face_summary_file(a, dir, path, index), &m))
		return NULL;
	s = checked_summary(a, &m, path, index, ft_version, &st);
	if (s == NULL) {
		munmap(m.data, m.size);
		return NULL;
	}
	arena_on_destroy(a, unmap_summary,
	                 memcpy(arena_alloc(a, sizeof(m)), &m, sizeof(m)));
	return s;
}

const face_facts *
face_summary_facts(const face_summary *s)
{
	return &s->facts;
}

size_t
face_summary_char_count(const face_summary *s)
{
	return s->count;
}

/* find_char:
 * Index of cp in the code points, or -1. */
static long
find_char(const face_summary *s, uint32_t cp)
{
	size_t lo = 0, hi = s->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->cps[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->count && s->cps[lo] == cp ? (long)lo : -1;
}

bool
face_summary_has_char(const face_summary *s, uint32_t cp)
{
	return find_char(s, cp) >= 0;
}

int
face_summary_advance(const face_summary *s, uint32_t cp)
{
	long i = find_char(s, cp);

	return i >= 0 ? s->advances[i] : -1;
}

/* find_ink:
 * cp's ink record, or NULL. */
static const ink_record *
find_ink(const face_summary *s, uint32_t cp)
{
	size_t lo = 0, hi = s->ink_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->inks[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->ink_count && s->inks[lo].cp == cp ? &s->inks[lo] : NULL;
}

/* face_summary_ink_box:
 * An unmapped code point has no ink; a mapped one in the kept ranges
 * has what was recorded (a record missing sends the caller to FreeType). */
face_ink
face_summary_ink_box(const face_summary *s, uint32_t cp, int box[4])
{
	const ink_record *r;

	if (!face_summary_has_char(s, cp))
		return FACE_INK_NONE;
	if (!face_summary_keeps_ink(cp) || (r = find_ink(s, cp)) == NULL)
		return FACE_INK_UNKNOWN;
	if (!r->found)
		return FACE_INK_NONE;
	memcpy(box, r->box, sizeof(r->box));
	return FACE_INK_BOX;
}

/* ------------------------------------------------------------------ */
/* Writing                                                            */
/* ------------------------------------------------------------------ */

struct face_summary_writer {
	char *font_path;
	int index;
	struct stat font;            /* the font file as it was read */
	uint32_t ft_version;
	char *path, *temp;           /* the summary file, and its stand-in */
	int fd;
	bool ok;                     /* false: an entry out of order */
	uint32_t *cps, *glyphs;
	int32_t *advances;
	size_t count;
	ink_record *inks;
	size_t ink_count;
};

/* recently_changed:
 * Whether the font's modification time is within RACY_SECONDS of now. */
static bool
recently_changed(const struct stat *font)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return font->st_mtim.tv_sec + RACY_SECONDS >= now.tv_sec;
}

/* face_summary_begin:
 * Opens the temporary file first, so that nothing is measured for a
 * summary that could not be saved. */
face_summary_writer *
face_summary_begin(const char *dir, const char *path, int index,
                   const struct stat *font, uint32_t ft_version)
{
	face_summary_writer *w;

	if (dir == NULL || recently_changed(font))
		return NULL;
	w = checked_memory(calloc(1, sizeof(*w)));
	if (asprintf(&w->path, "%s/%016" PRIx64, dir,
	             summary_hash(path, index)) < 0 ||
	    asprintf(&w->temp, "%s.XXXXXX", w->path) < 0)
		checked_memory(NULL);
	if (!cache_dir_make_parents(w->path) || (w->fd = mkstemp(w->temp)) < 0) {
		free(w->path);
		free(w->temp);
		free(w);
		return NULL;
	}
	w->font_path = checked_memory(strdup(path));
	w->index = index;
	w->font = *font;
	w->ft_version = ft_version;
	w->ok = true;
	return w;
}

/* grow:
 * array of count elements of size bytes, with room for one more. */
static void *
grow(void *array, size_t count, size_t size)
{
	/* capacities are the powers of two from 1024 */
	if (count >= 1024 && (count & (count - 1)) != 0)
		return array;
	if (count > 0 && count < 1024)
		return array;
	return checked_memory(realloc(array, (count < 1024 ? 1024 : 2 * count) *
	                                     size));
}

void
face_summary_add_char(face_summary_writer *w, uint32_t cp, uint32_t glyph,
                      int advance)
{
	if (w->count > 0 && cp <= w->cps[w->count - 1])
		w->ok = false;
	w->cps = grow(w->cps, w->count, sizeof(*w->cps));
	w->glyphs = grow(w->glyphs, w->count, sizeof(*w->glyphs));
	w->advances = grow(w->advances, w->count, sizeof(*w->advances));
	w->cps[w->count] = cp;
	w->glyphs[w->count] = glyph;
	w->advances[w->count++] = advance;
}

void
face_summary_add_ink(face_summary_writer *w, uint32_t cp, bool found,
                     const int box[4])
{
	ink_record *r;

	if ((w->ink_count > 0 && cp <= w->inks[w->ink_count - 1].cp) ||
	    !face_summary_keeps_ink(cp))
		w->ok = false;
	w->inks = grow(w->inks, w->ink_count, sizeof(*w->inks));
	r = &w->inks[w->ink_count++];
	memset(r, 0, sizeof(*r));
	r->cp = cp;
	r->found = found;
	if (found)
		memcpy(r->box, box, sizeof(r->box));
}

/* fill_header:
 * The header for w's entries and facts. */
static void
fill_header(summary_header *h, const face_summary_writer *w,
            const face_facts *facts)
{
	memcpy(h->magic, SUMMARY_MAGIC, sizeof(h->magic));
	h->version = SUMMARY_VERSION;
	h->ft_version = w->ft_version;
	strncpy(h->gk_version, GK_VERSION, sizeof(h->gk_version) - 1);
	set_identity(h, &w->font);
	h->face_index = w->index;
	h->outline = (int32_t)facts->outline;
	h->units_per_em = facts->units_per_em;
	h->ascender = facts->ascender;
	h->descender = facts->descender;
	h->path_size = (uint32_t)strlen(w->font_path) + 1;
	h->family_size = (uint32_t)strlen(facts->family) + 1;
	h->style_size = (uint32_t)strlen(facts->style) + 1;
	h->char_count = (uint32_t)w->count;
	h->ink_count = (uint32_t)w->ink_count;
}

/* serialize:
 * The whole file in a zeroed buffer (padding included, so that every
 * byte written is defined); *size gets its length. */
static unsigned char *
serialize(const face_summary_writer *w, const face_facts *facts,
          size_t *size)
{
	summary_header h = { 0 };
	unsigned char *data, *p;
	uint32_t crc;

	fill_header(&h, w, facts);
	*size = (size_t)expected_size(&h);
	h.file_size = (uint32_t)*size;
	p = data = checked_memory(calloc(1, *size));
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	memcpy(p, w->font_path, h.path_size);
	memcpy(p + h.path_size, facts->family, h.family_size);
	memcpy(p + h.path_size + h.family_size, facts->style, h.style_size);
	p += padded((size_t)h.path_size + h.family_size + h.style_size);
	memcpy(p, w->cps, 4 * w->count);
	memcpy(p + 4 * w->count, w->advances, 4 * w->count);
	memcpy(p + 8 * w->count, w->glyphs, 4 * w->count);
	p += 12 * w->count;
	memcpy(p, w->inks, w->ink_count * sizeof(*w->inks));
	crc = libdeflate_crc32(0, data, *size - 4);
	memcpy(data + *size - 4, &crc, 4);
	return data;
}

/* font_unchanged:
 * Whether the font file is still the one stat'ed before it was read. */
static bool
font_unchanged(const face_summary_writer *w)
{
	summary_header h = { 0 };
	struct stat st;

	set_identity(&h, &w->font);
	return stat(w->font_path, &st) == 0 && same_identity(&h, &st);
}

/* face_summary_commit:
 * Writes the temporary file and renames it over the summary, so that a
 * reader sees the old file or the new one, never a part. */
void
face_summary_commit(face_summary_writer *w, const face_facts *facts)
{
	unsigned char *data = NULL;
	size_t size = 0;
	bool saved = false;

	if (w->ok && facts->family != NULL && facts->style != NULL &&
	    font_unchanged(w)) {
		data = serialize(w, facts, &size);
		saved = output_write_all(w->fd, data, size);
	}
	if (close(w->fd) != 0)
		saved = false;
	if (!saved || rename(w->temp, w->path) != 0)
		unlink(w->temp);
	free(data);
	free(w->cps);
	free(w->glyphs);
	free(w->advances);
	free(w->inks);
	free(w->font_path);
	free(w->path);
	free(w->temp);
	free(w);
}
