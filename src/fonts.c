/*
 * fonts.c - font roles resolved through fontconfig, measured with FreeType.
 *
 * Every font_set owns its own FcConfig and FT_Library, so sets used by
 * different threads share no mutable state; their faces read the font
 * files through the process's one mapping of each (font_files.h).  The FcConfig is loaded only
 * when the font cache (font_cache.h) cannot answer a family lookup.  Families are looked up with
 * FcFontList, never FcFontMatch: a match always substitutes something,
 * and a silent substitute is exactly what a role list must not get.
 *
 * A set records each file and face index once (an open_face) and opens
 * it when a role first needs it: the first face of every role at once,
 * the rest of a chain on the first character looked up in it.  Opening
 * maps the face's summary (face_summary.h) when a valid one exists, and
 * FreeType then opens the face only for an ink box the summary lacks;
 * otherwise FreeType opens it, and a usable face is summarised for the
 * next run.  Either way every answer below is the same.
 */
#include "fonts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H

#include "face_summary.h"
#include "font_cache.h"
#include "font_files.h"
#include "yaml_tree.h"

#define ADVANCE_CACHE_BITS 12
#define ADVANCE_CACHE_SIZE (1u << ADVANCE_CACHE_BITS)
#define MAX_CODE_POINT 0x10FFFFu

/* One direct-mapped advance cache entry; key 0 is empty, else cp + 1. */
typedef struct advance_slot {
	uint32_t key;
	int advance;
} advance_slot;

/* One face of one file, recorded once per set and shared by every role
 * whose chain holds it. */
typedef struct open_face {
	const char *path;
	int index;
	bool tried;                 /* opening was attempted */
	bool usable;                /* opened, from its summary or by FreeType */
	face_summary *summary;      /* NULL: FreeType answers everything */
	FT_Library lib;             /* the set's, to open ft after a summary */
	bool ft_tried;              /* FreeType was asked to open the face */
	FT_Face ft;                 /* NULL until FreeType opened it, or when unusable */
	font_file *bytes;           /* the file's mapping ft reads */
	font_outline outline;
	const char *why;            /* why it cannot be used */
	advance_slot *cache;        /* ADVANCE_CACHE_SIZE entries, once open */
} open_face;

/* A face as one role uses it. */
typedef struct face_slot {
	font_face face;             /* first: a font_face * is a face_slot * */
	open_face *file;
	const char *label;          /* the roles.yaml entry that named it */
	const char *wanted;         /* first official entry, for the warning */
	bool synced;                /* face holds what opening file learnt */
} face_slot;

/* A role's faces, in the order a character looks for its glyph. */
typedef struct role_chain {
	face_slot **slots;
	size_t count;
} role_chain;

struct font_set {
	arena *arena;
	FT_Library ft;
	uint32_t ft_version;        /* FreeType's, stamped on summaries */
	const char *summary_dir;    /* NULL: no summaries (face_summary.h) */
	FcConfig *fc;               /* created on the first family lookup
	                               the cache cannot answer */
	struct timespec fc_loaded_at;   /* when (CLOCK_REALTIME) */
	font_cache *cache;          /* NULL: caching turned off */
	open_face **files;          /* every face named so far */
	size_t file_count;
	role_chain *roles;          /* lazily opened state lives behind this
	                               pointer, so a const set can open faces */
	size_t count;
};

/* One entry of a role list in roles.yaml. */
typedef struct role_entry {
	const char *text;           /* as written */
	const char *family;         /* the family without ":style=..." */
	const char *style;          /* the style asked for, or NULL for any */
	const ynode *node;          /* for positions */
	bool official;
	bool is_path;
	const char *path;           /* is_path: the file, made absolute */
	int index;                  /* is_path: the "#N" face */
} role_entry;

/* One role of roles.yaml, parsed. */
typedef struct role_def {
	const char *name;
	source_pos pos;
	role_entry *entries;
	size_t count;
	size_t official_count;
	role_entry *latin;          /* the `latin` list: faces for digits and Latin */
	size_t latin_count;
	const char *package;        /* may be NULL */
	const char *install;        /* a command installing the first free face; may be NULL */
} role_def;

/* roles.yaml, parsed: its roles and the shared fallback list. */
typedef struct roles_file {
	role_def *roles;
	size_t count;
	role_def fallback;          /* entries only; count 0 when absent */
} roles_file;

/* ------------------------------------------------------------------ */
/* FreeType                                                           */
/* ------------------------------------------------------------------ */

/* font_outline_name:
 * The outline format as `gkreport fonts` prints it. */
const char *
font_outline_name(font_outline outline)
{
	switch (outline) {
	case OUTLINE_TRUETYPE:
		return "TrueType";
	case OUTLINE_CFF:
		return "CFF";
	default:
		return "other";
	}
}

/* ft_error_text:
 * A short reason for a FreeType error, without relying on error strings. */
static const char *
ft_error_text(FT_Error error)
{
	switch (error) {
	case FT_Err_Unknown_File_Format:
		return "not a font file";
	case FT_Err_Invalid_Argument:
		return "no such face in the file";
	case FT_Err_Cannot_Open_Resource:
		return "cannot be opened";
	case FT_Err_Out_Of_Memory:
		return "out of memory";
	default:
		return "damaged or unsupported font file";
	}
}

/* has_sfnt_table:
 * Whether the face's sfnt directory holds tag (length query only). */
static bool
has_sfnt_table(FT_Face face, FT_ULong tag)
{
	FT_ULong length = 0;

	return FT_Load_Sfnt_Table(face, tag, 0, NULL, &length) == 0;
}

/* classify_face:
 * glyf outlines are TrueType, 'CFF ' is CFF; the rest (CFF2 variable
 * fonts included, which PDF/A-1 cannot embed) is other. */
static font_outline
classify_face(FT_Face face)
{
	if (!FT_IS_SFNT(face))
		return OUTLINE_OTHER;
	if (has_sfnt_table(face, TTAG_glyf))
		return OUTLINE_TRUETYPE;
	if (has_sfnt_table(face, TTAG_CFF))
		return OUTLINE_CFF;
	return OUTLINE_OTHER;
}

/* What the measuring below computes is what a face's summary keeps
 * (face_summary.h): changing it must change SUMMARY_VERSION in
 * face_summary.c, or old summaries would keep the old answers. */

/* to_milli_floor:
 * units * 1000 / upem rounded towards minus infinity, as /W truncates. */
static int
to_milli_floor(long units, int upem)
{
	long n = units * 1000;
	long q = n / upem;

	return (int)(n % upem != 0 && n < 0 ? q - 1 : q);
}

/* to_milli_ceil:
 * units * 1000 / upem rounded towards plus infinity (ink box maxima). */
static int
to_milli_ceil(long units, int upem)
{
	return -to_milli_floor(-units, upem);
}

/* ft_advance:
 * floor(advance * 1000 / upem) of glyph gid from unscaled, unhinted
 * hmtx data; -1 when FreeType cannot tell. */
static int
ft_advance(FT_Face ft, FT_UInt gid)
{
	FT_Fixed advance = 0;

	if (FT_Get_Advance(ft, gid, FT_LOAD_NO_SCALE, &advance) != 0)
		return -1;
	return to_milli_floor((long)advance, ft->units_per_EM);
}

/* ft_ink_box:
 * The unscaled bbox of glyph gid, widened outwards to whole thousandths:
 * x_min, y_min, x_max, y_max in box.  False when it cannot be loaded. */
static bool
ft_ink_box(FT_Face ft, FT_UInt gid, int box[4])
{
	const FT_Glyph_Metrics *m;
	int upem = ft->units_per_EM;

	if (FT_Load_Glyph(ft, gid, FT_LOAD_NO_SCALE) != 0)
		return false;
	m = &ft->glyph->metrics;
	box[0] = to_milli_floor(m->horiBearingX, upem);
	box[1] = to_milli_floor(m->horiBearingY - m->height, upem);
	box[2] = to_milli_ceil(m->horiBearingX + m->width, upem);
	box[3] = to_milli_ceil(m->horiBearingY, upem);
	return true;
}

/* typo_metrics:
 * The OS/2 typo ascender/descender if present and non-zero. */
static const TT_OS2 *
typo_metrics(FT_Face ft)
{
	const TT_OS2 *os2 = FT_Get_Sfnt_Table(ft, FT_SFNT_OS2);

	if (os2 == NULL || os2->version == 0xFFFFu)
		return NULL;
	if (os2->sTypoAscender == 0 && os2->sTypoDescender == 0)
		return NULL;
	return os2;
}

/* ft_ascender:
 * OS/2 sTypoAscender, else hhea (FreeType's face->ascender), in
 * thousandths rounded up. */
static int
ft_ascender(FT_Face ft)
{
	const TT_OS2 *os2 = typo_metrics(ft);
	long units = os2 != NULL ? os2->sTypoAscender : ft->ascender;

	return to_milli_ceil(units, ft->units_per_EM);
}

/* ft_descender:
 * OS/2 sTypoDescender, else hhea, rounded down. */
static int
ft_descender(FT_Face ft)
{
	const TT_OS2 *os2 = typo_metrics(ft);
	long units = os2 != NULL ? os2->sTypoDescender : ft->descender;

	return to_milli_floor(units, ft->units_per_EM);
}

/* new_memory_face:
 * FT_New_Memory_Face over a mapped file, failing as FT_New_Face fails
 * for the file itself.  When no driver takes a file, FT_New_Face also
 * looks for Mac resource forks beside it, which ends in "unknown file
 * format"; from memory, the stream error of probing a file shorter than
 * a MacBinary header stays instead.  An empty file is no stream at all
 * (from memory: "invalid argument"), and the same search follows. */
static FT_Error
new_memory_face(FT_Library ft, const font_file *file, int index,
                FT_Face *face)
{
	FT_Error error;

	if (font_file_size(file) == 0)
		return FT_Err_Unknown_File_Format;
	error = FT_New_Memory_Face(ft, font_file_data(file),
	                           (FT_Long)font_file_size(file), index, face);
	return error == FT_Err_Invalid_Stream_Operation ?
	       FT_Err_Unknown_File_Format : error;
}

/* open_ft_face:
 * Opens a face over the file's shared mapping (font_files.h), which
 * *bytes then holds a reference to until the face is done; on failure
 * *why says why (errno for missing files) in FreeType's words, as if
 * FreeType had opened the file itself. */
static FT_Face
open_ft_face(FT_Library ft, const char *path, int index, font_file **bytes,
             const char **why)
{
	struct stat st;
	FT_Face face = NULL;
	FT_Error error;
	font_file *file;

	if (stat(path, &st) != 0) {
		*why = strerror(errno);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		return NULL;
	}
	if ((file = font_file_acquire(path)) == NULL) {
		*why = ft_error_text(FT_Err_Cannot_Open_Resource);
		return NULL;
	}
	error = new_memory_face(ft, file, index, &face);
	if (error != 0) {
		font_file_release(file);
		*why = ft_error_text(error);
		return NULL;
	}
	*bytes = file;
	return face;
}

/* font_file_outline:
 * Classifies one face of a file with a FreeType library of its own. */
bool
font_file_outline(const char *path, int face_index, font_outline *outline,
                  diag_sink *diag)
{
	FT_Library ft;
	FT_Face face;
	font_file *bytes = NULL;
	const char *why = NULL;

	if (FT_Init_FreeType(&ft) != 0) {
		diag_error(diag, source_pos_file(NULL), "cannot start FreeType");
		return false;
	}
	face = open_ft_face(ft, path, face_index, &bytes, &why);
	if (face == NULL) {
		diag_error(diag, source_pos_file(path),
		           "cannot read face %d as a font: %s", face_index, why);
		FT_Done_FreeType(ft);
		return false;
	}
	*outline = classify_face(face);
	FT_Done_FreeType(ft);
	font_file_release(bytes);
	return true;
}

/* ------------------------------------------------------------------ */
/* Sets and faces                                                     */
/* ------------------------------------------------------------------ */

/* set_create:
 * An empty set with its arena and FreeType library; NULL on failure. */
static font_set *
set_create(diag_sink *diag)
{
	arena *a = arena_create();
	font_set *set = arena_alloc(a, sizeof(*set));
	FT_Int major = 0, minor = 0, patch = 0;

	set->arena = a;
	if (FT_Init_FreeType(&set->ft) != 0) {
		diag_error(diag, source_pos_file(NULL), "cannot start FreeType");
		arena_destroy(a);
		return NULL;
	}
	FT_Library_Version(set->ft, &major, &minor, &patch);
	set->ft_version = (uint32_t)major << 16 | (uint32_t)minor << 8 |
	                  (uint32_t)patch;
	set->summary_dir = face_summary_dir(a);
	return set;
}

/* font_set_free:
 * Closes every face, the FreeType library and the fontconfig config,
 * then lets go of the files the faces read (the arena unmaps the
 * summaries). */
void
font_set_free(font_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	FT_Done_FreeType(set->ft);          /* also closes every face */
	for (i = 0; i < set->file_count; i++)
		font_file_release(set->files[i]->bytes);
	if (set->fc != NULL)
		FcConfigDestroy(set->fc);
	arena_destroy(set->arena);
}

/* usable_face:
 * Opens and checks a face; returns it (and its file in *bytes) only if
 * TrueType or CFF with a Unicode map, else NULL with *why (and *outline)
 * set. */
static FT_Face
usable_face(FT_Library lib, const char *path, int index, font_outline *outline,
            font_file **bytes, const char **why)
{
	FT_Face ft = open_ft_face(lib, path, index, bytes, why);

	*outline = OUTLINE_OTHER;
	if (ft == NULL)
		return NULL;
	*outline = classify_face(ft);
	if (*outline == OUTLINE_OTHER)
		*why = "neither TrueType nor CFF outlines (CFF2 variable fonts "
		       "cannot be embedded in PDF/A-1)";
	else if (ft->units_per_EM == 0)
		*why = "no units per em (damaged head table)";
	else if (FT_Select_Charmap(ft, FT_ENCODING_UNICODE) != 0)
		*why = "no Unicode character map";
	else
		return ft;
	FT_Done_Face(ft);
	font_file_release(*bytes);
	*bytes = NULL;
	return NULL;
}

/* set_file:
 * The set's record of face index of path, made on first mention without
 * opening it, so that every role naming the face shares one FT_Face. */
static open_face *
set_file(font_set *set, const char *path, int index)
{
	open_face *f;
	size_t i;

	for (i = 0; i < set->file_count; i++)
		if (set->files[i]->index == index &&
		    strcmp(set->files[i]->path, path) == 0)
			return set->files[i];
	f = arena_alloc(set->arena, sizeof(*f));
	f->path = arena_strdup(set->arena, path);
	f->index = index;
	set->files = arena_grow(set->arena, set->files, set->file_count,
	                        set->file_count + 1, sizeof(*set->files));
	set->files[set->file_count++] = f;
	return f;
}

/* file_facts:
 * What opening the face learnt about it as a whole, from its summary or
 * its FT_Face; the names are "" when FreeType has none. */
static face_facts
file_facts(const open_face *f)
{
	FT_Face ft = f->ft;

	if (f->summary != NULL)
		return *face_summary_facts(f->summary);
	return (face_facts) {
		.outline = f->outline,
		.units_per_em = ft->units_per_EM,
		.ascender = ft_ascender(ft),
		.descender = ft_descender(ft),
		.family = ft->family_name != NULL ? ft->family_name : "",
		.style = ft->style_name != NULL ? ft->style_name : "",
	};
}

/* summarise:
 * Writes the summary of a face FreeType just opened, whose file was
 * font before: every code point its Unicode map has, in increasing
 * order, with glyph and advance, and the ink boxes kept (3 ms for Noto
 * Serif CJK's 44746 code points, once); nothing is measured when the
 * summary could not be saved. */
static void
summarise(const font_set *set, open_face *f, const struct stat *font)
{
	face_summary_writer *w = face_summary_begin(set->summary_dir, f->path,
	                                            f->index, font,
	                                            set->ft_version);
	face_facts facts;
	FT_ULong cp;
	FT_UInt gid;

	if (w == NULL)
		return;
	for (cp = FT_Get_First_Char(f->ft, &gid); gid != 0 && cp <= MAX_CODE_POINT;
	     cp = FT_Get_Next_Char(f->ft, cp, &gid)) {
		face_summary_add_char(w, (uint32_t)cp, gid, ft_advance(f->ft, gid));
		if (face_summary_keeps_ink((uint32_t)cp)) {
			int box[4] = { 0 };
			bool found = ft_ink_box(f->ft, gid, box);

			face_summary_add_ink(w, (uint32_t)cp, found, box);
		}
	}
	facts = file_facts(f);
	face_summary_commit(w, &facts);
}

/* open_with_freetype:
 * Opens the face as usable_face does; a usable one is summarised for
 * the next run. */
static void
open_with_freetype(const font_set *set, open_face *f)
{
	struct stat font;
	bool stated = set->summary_dir != NULL && stat(f->path, &font) == 0;

	f->ft_tried = true;
	f->ft = usable_face(set->ft, f->path, f->index, &f->outline, &f->bytes,
	                    &f->why);
	if (f->ft != NULL && stated)
		summarise(set, f, &font);
}

/* file_open:
 * Opens a recorded face the first time it is needed, from its summary
 * when one holds; false (f->why says why) when it cannot be used.  Later
 * calls only report the outcome. */
static bool
file_open(const font_set *set, open_face *f)
{
	if (f->tried)
		return f->usable;
	f->tried = true;
	f->lib = set->ft;
	f->summary = face_summary_load(set->arena, set->summary_dir, f->path,
	                               f->index, set->ft_version);
	if (f->summary != NULL)
		f->outline = face_summary_facts(f->summary)->outline;
	else
		open_with_freetype(set, f);
	f->usable = f->summary != NULL || f->ft != NULL;
	if (f->usable)
		f->cache = arena_calloc(set->arena, ADVANCE_CACHE_SIZE,
		                        sizeof(*f->cache));
	return f->usable;
}

/* new_slot:
 * A role's use of a recorded face.  family and style may be NULL: an
 * entry naming a file learns them when the file is opened. */
static face_slot *
new_slot(arena *a, open_face *file, const char *family, const char *style,
         const char *label)
{
	face_slot *slot = arena_alloc(a, sizeof(*slot));
	font_face *f = &slot->face;

	slot->file = file;
	slot->label = label;
	f->path = file->path;
	f->face_index = file->index;
	f->outline = file->outline;
	f->family = family;
	f->style = style;
	return slot;
}

/* slot_sync:
 * Copies what opening the file learnt (the FT_Face if FreeType opened
 * it, units per em, names not known before) into the role's view of it. */
static void
slot_sync(arena *a, face_slot *slot)
{
	font_face *f = &slot->face;
	face_facts facts;

	if (!slot->file->usable || slot->synced)
		return;
	slot->synced = true;
	facts = file_facts(slot->file);
	f->ft_face = slot->file->ft;
	f->outline = slot->file->outline;
	f->units_per_em = facts.units_per_em;
	if (f->family == NULL)
		f->family = arena_strdup(a, facts.family);
	if (f->style == NULL)
		f->style = arena_strdup(a, facts.style);
}

/* chain_add:
 * Appends slot to a role's chain. */
static void
chain_add(arena *a, role_chain *chain, face_slot *slot)
{
	chain->slots = arena_grow(a, chain->slots, chain->count,
	                          chain->count + 1, sizeof(*chain->slots));
	chain->slots[chain->count++] = slot;
}

/* chain_has:
 * Whether the chain already holds file's face among its latin faces or
 * among the others (a face appears once in each part). */
static bool
chain_has(const role_chain *chain, const open_face *file, bool latin)
{
	size_t i;

	for (i = 0; i < chain->count; i++)
		if (chain->slots[i]->file == file &&
		    chain->slots[i]->face.latin_only == latin)
			return true;
	return false;
}

/* font_set_open_file:
 * A one-face set for a file named directly; errors name the file. */
font_set *
font_set_open_file(const char *path, int face_index, diag_sink *diag)
{
	font_set *set = set_create(diag);
	open_face *file;
	face_slot *slot;

	if (set == NULL)
		return NULL;
	file = set_file(set, path, face_index);
	if (!file_open(set, file)) {
		diag_error(diag, source_pos_file(path),
		           "cannot use face %d as a font: %s", face_index,
		           file->why);
		font_set_free(set);
		return NULL;
	}
	slot = new_slot(set->arena, file, NULL, NULL, path);
	slot_sync(set->arena, slot);
	slot->face.role = "file";
	set->roles = arena_calloc(set->arena, 1, sizeof(*set->roles));
	chain_add(set->arena, &set->roles[0], slot);
	set->count = 1;
	return set;
}

/* font_set_count:
 * Number of roles (one chain per requested role). */
size_t
font_set_count(const font_set *set)
{
	return set->count;
}

/* font_set_face:
 * The first face of role i, in the order the roles were requested; NULL
 * if out of range. */
const font_face *
font_set_face(const font_set *set, size_t i)
{
	return i < set->count ? &set->roles[i].slots[0]->face : NULL;
}

/* font_set_chain_length:
 * How many faces role's chain holds, opened or not. */
size_t
font_set_chain_length(const font_set *set, size_t role)
{
	return role < set->count ? set->roles[role].count : 0;
}

/* font_set_chain_face:
 * Face k of role's chain, opening its file on first use.  The set is
 * const to callers: opening writes only behind set->roles and set->files,
 * the lazy state the set's one thread owns. */
const font_face *
font_set_chain_face(const font_set *set, size_t role, size_t k)
{
	face_slot *slot;

	if (role >= set->count || k >= set->roles[role].count)
		return NULL;
	slot = set->roles[role].slots[k];
	if (!file_open(set, slot->file))
		return NULL;
	slot_sync(set->arena, slot);
	return &slot->face;
}

/* font_is_latin:
 * Printable ASCII and the Latin letters of Latin-1 and Latin Extended,
 * but not the 间隔号 U+00B7, which is set on a CJK frame. */
bool
font_is_latin(uint32_t cp)
{
	return (cp >= 0x20 && cp <= 0x7E) ||
	       (cp >= 0xA0 && cp <= 0x24F && cp != 0xB7) ||
	       (cp >= 0x1E00 && cp <= 0x1EFF);
}

/* chain_search:
 * The first face of role's chain, among the latin faces or the others,
 * with a measurable glyph for cp (the test measuring applies); -1 if none. */
static int
chain_search(const font_set *set, size_t role, uint32_t cp, bool latin,
             const font_face **face)
{
	size_t k, n = font_set_chain_length(set, role);

	for (k = 0; k < n; k++) {
		const face_slot *slot = set->roles[role].slots[k];
		const font_face *f;

		if (slot->face.latin_only != latin)
			continue;
		f = font_set_chain_face(set, role, k);
		if (f != NULL && font_advance(f, cp) >= 0) {
			*face = f;
			return (int)k;
		}
	}
	*face = NULL;
	return -1;
}

/* font_set_face_for_char:
 * Digits and Latin letters try the role's latin faces first; every
 * character then walks the rest of the chain in order. */
int
font_set_face_for_char(const font_set *set, size_t role, uint32_t cp,
                       const font_face **face)
{
	int k = -1;

	if (role >= set->count)
		return *face = NULL, -1;
	if (font_is_latin(cp))
		k = chain_search(set, role, cp, true, face);
	return k >= 0 ? k : chain_search(set, role, cp, false, face);
}

/* font_set_open_count:
 * Faces opened so far (from their summaries or by FreeType), each file
 * and index counted once. */
size_t
font_set_open_count(const font_set *set)
{
	size_t i, n = 0;

	for (i = 0; i < set->file_count; i++)
		if (set->files[i]->usable)
			n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Metrics                                                            */
/* ------------------------------------------------------------------ */

/* slot_file:
 * The open face behind a role's face (a font_face is a face_slot's
 * first member). */
static open_face *
slot_file(const font_face *face)
{
	return ((const face_slot *)face)->file;
}

/* measure_advance:
 * font_advance's answer, from the summary or FreeType. */
static int
measure_advance(const open_face *f, uint32_t cp)
{
	FT_UInt gid;

	if (f->summary != NULL)
		return face_summary_advance(f->summary, cp);
	gid = FT_Get_Char_Index(f->ft, cp);
	return gid != 0 ? ft_advance(f->ft, gid) : -1;
}

/* font_advance:
 * Cached advance (direct-mapped, keyed by cp + 1), one cache per opened
 * face shared by the roles using it: a hit costs less than the
 * summary's binary search.  The cache is the only state it writes: a
 * face is owned by one set, and a set by one thread. */
int
font_advance(const font_face *face, uint32_t cp)
{
	const open_face *f = slot_file(face);
	advance_slot *entry;

	if (cp > MAX_CODE_POINT)
		return -1;
	entry = &f->cache[(cp * 2654435761u) >> (32 - ADVANCE_CACHE_BITS)];
	if (entry->key != cp + 1) {
		entry->advance = measure_advance(f, cp);
		entry->key = cp + 1;
	}
	return entry->advance;
}

/* font_has_char:
 * Whether the face maps cp to a glyph. */
bool
font_has_char(const font_face *face, uint32_t cp)
{
	const open_face *f = slot_file(face);

	if (cp > MAX_CODE_POINT)
		return false;
	return f->summary != NULL ? face_summary_has_char(f->summary, cp)
	                          : FT_Get_Char_Index(f->ft, cp) != 0;
}

/* file_ft:
 * The FT_Face, opened now for a face so far answered from its summary
 * (once: a failure, the file having gone since, stays); NULL if it
 * cannot be. */
static FT_Face
file_ft(open_face *f)
{
	font_outline outline;
	const char *why;

	if (!f->ft_tried) {
		f->ft_tried = true;
		f->ft = usable_face(f->lib, f->path, f->index, &outline,
		                    &f->bytes, &why);
	}
	return f->ft;
}

/* font_ink_box:
 * From the summary when it keeps cp's answer, else from FreeType. */
bool
font_ink_box(const font_face *face, uint32_t cp, int *x_min, int *y_min,
             int *x_max, int *y_max)
{
	open_face *f = slot_file(face);
	face_ink known = FACE_INK_UNKNOWN;
	int box[4];
	FT_Face ft;
	FT_UInt gid;

	if (cp > MAX_CODE_POINT)
		return false;
	if (f->summary != NULL)
		known = face_summary_ink_box(f->summary, cp, box);
	if (known == FACE_INK_NONE)
		return false;
	if (known == FACE_INK_UNKNOWN &&
	    ((ft = file_ft(f)) == NULL || (gid = FT_Get_Char_Index(ft, cp)) == 0 ||
	     !ft_ink_box(ft, gid, box)))
		return false;
	*x_min = box[0];
	*y_min = box[1];
	*x_max = box[2];
	*y_max = box[3];
	return true;
}

/* font_ascender:
 * OS/2 sTypoAscender, else hhea (ft_ascender). */
int
font_ascender(const font_face *face)
{
	const open_face *f = slot_file(face);

	return f->summary != NULL ? face_summary_facts(f->summary)->ascender
	                          : ft_ascender(f->ft);
}

/* font_descender:
 * OS/2 sTypoDescender, else hhea; negative below the baseline. */
int
font_descender(const font_face *face)
{
	const open_face *f = slot_file(face);

	return f->summary != NULL ? face_summary_facts(f->summary)->descender
	                          : ft_descender(f->ft);
}

/* ------------------------------------------------------------------ */
/* fontconfig                                                         */
/* ------------------------------------------------------------------ */

/* fc_string:
 * Value n of a string property, or NULL. */
static const char *
fc_string(FcPattern *p, const char *object, int n)
{
	FcChar8 *s = NULL;

	if (FcPatternGetString(p, object, n, &s) != FcResultMatch)
		return NULL;
	return (const char *)s;
}

/* same_family:
 * Compares family names as fontconfig does: ASCII case and blanks ignored. */
static bool
same_family(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++;
		b++;
	}
}

/* matched_family:
 * The family value equal to the name asked for (fontconfig compares
 * without case and blanks), else the first value. */
static const char *
matched_family(FcPattern *p, const char *wanted)
{
	const char *s;
	int n;

	for (n = 0; (s = fc_string(p, FC_FAMILY, n)) != NULL; n++)
		if (same_family(s, wanted))
			return s;
	s = fc_string(p, FC_FAMILY, 0);
	return s != NULL ? s : wanted;
}

/* make_candidate:
 * Copies one listed pattern into the arena; false if it has no file. */
static bool
make_candidate(arena *a, FcPattern *p, const char *wanted, font_candidate *c)
{
	const char *file = fc_string(p, FC_FILE, 0);
	const char *style = fc_string(p, FC_STYLE, 0);
	const char *format = fc_string(p, FC_FONTFORMAT, 0);
	double weight = FC_WEIGHT_REGULAR;
	int index = 0, slant = FC_SLANT_ROMAN;

	if (file == NULL)
		return false;
	FcPatternGetInteger(p, FC_INDEX, 0, &index);
	FcPatternGetDouble(p, FC_WEIGHT, 0, &weight);
	FcPatternGetInteger(p, FC_SLANT, 0, &slant);
	c->path = arena_strdup(a, file);
	c->family = arena_strdup(a, matched_family(p, wanted));
	c->style = arena_strdup(a, style != NULL ? style : "");
	c->index = index;
	c->weight_distance = (int)(weight > FC_WEIGHT_REGULAR ?
	                           weight - FC_WEIGHT_REGULAR :
	                           FC_WEIGHT_REGULAR - weight);
	c->italic = slant != FC_SLANT_ROMAN;
	c->outline = format == NULL ? OUTLINE_OTHER
	    : strcmp(format, "TrueType") == 0 ? OUTLINE_TRUETYPE
	    : strcmp(format, "CFF") == 0 ? OUTLINE_CFF : OUTLINE_OTHER;
	return true;
}

/* compare_candidates:
 * Roman before italic, weight nearest Regular, then path and index, so
 * the choice never depends on fontconfig's enumeration order. */
static int
compare_candidates(const void *pa, const void *pb)
{
	const font_candidate *a = pa, *b = pb;
	int c;

	if (a->italic != b->italic)
		return a->italic ? 1 : -1;
	if (a->weight_distance != b->weight_distance)
		return a->weight_distance < b->weight_distance ? -1 : 1;
	if ((c = strcmp(a->path, b->path)) != 0)
		return c;
	return (a->index > b->index) - (a->index < b->index);
}

/* set_fc:
 * The set's own fontconfig configuration, loaded on first use, and when
 * (the cache's stamp must not be older than what fontconfig read). */
static FcConfig *
set_fc(font_set *set)
{
	if (set->fc == NULL) {
		clock_gettime(CLOCK_REALTIME, &set->fc_loaded_at);
		set->fc = FcInitLoadConfigAndFonts();
	}
	return set->fc;
}

/* ask_fontconfig:
 * Every face fontconfig lists under family name (of one style, unless
 * style is NULL), sorted; returns count. */
static size_t
ask_fontconfig(font_set *set, const char *name, const char *style,
               font_candidate **out)
{
	FcConfig *fc = set_fc(set);
	FcPattern *pat = FcPatternCreate();
	FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_FONTFORMAT,
	                                   FC_STYLE, FC_WEIGHT, FC_SLANT,
	                                   FC_FAMILY, (char *)NULL);
	FcFontSet *fs = NULL;
	size_t n = 0;
	int i;

	*out = NULL;
	if (fc != NULL && pat != NULL && os != NULL &&
	    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)name) &&
	    (style == NULL ||
	     FcPatternAddString(pat, FC_STYLE, (const FcChar8 *)style)))
		fs = FcFontList(fc, pat, os);
	if (fs != NULL && fs->nfont > 0) {
		*out = arena_calloc(set->arena, (size_t)fs->nfont, sizeof(**out));
		for (i = 0; i < fs->nfont; i++)
			if (make_candidate(set->arena, fs->fonts[i], name, &(*out)[n]))
				n++;
		qsort(*out, n, sizeof(**out), compare_candidates);
	}
	if (fs != NULL)
		FcFontSetDestroy(fs);
	if (os != NULL)
		FcObjectSetDestroy(os);
	if (pat != NULL)
		FcPatternDestroy(pat);
	return n;
}

/* list_family:
 * ask_fontconfig's answer, from the cache while fontconfig is not loaded
 * and the cache has it.  Once loaded, fontconfig answers everything, so
 * that one set never mixes two configurations' answers. */
static size_t
list_family(font_set *set, const char *name, const char *style,
            const font_candidate **out)
{
	font_candidate *fresh;
	size_t n;

	if (set->fc == NULL && set->cache != NULL &&
	    font_cache_find(set->cache, name, style, out, &n))
		return n;
	n = ask_fontconfig(set, name, style, &fresh);
	if (set->cache != NULL)
		font_cache_store(set->cache, name, style, fresh, n);
	*out = fresh;
	return n;
}

/* save_cache:
 * After a resolution that loaded fontconfig: asks it again every lookup
 * the cache holds (those answered from the old file too, so every answer
 * saved comes from the configuration stamped) and saves them. */
static void
save_cache(font_set *set)
{
	size_t i, n;

	if (set->cache == NULL || set->fc == NULL)
		return;
	n = font_cache_lookup_count(set->cache);
	for (i = 0; i < n; i++) {
		const char *family, *style;
		font_candidate *fresh;
		size_t count;

		font_cache_lookup(set->cache, i, &family, &style);
		count = ask_fontconfig(set, family, style, &fresh);
		font_cache_store(set->cache, family, style, fresh, count);
	}
	font_cache_save(set->cache, set->fc, &set->fc_loaded_at);
}

/* font_set_loaded_fontconfig:
 * Whether a lookup had to load fontconfig (the cache could not answer). */
bool
font_set_loaded_fontconfig(const font_set *set)
{
	return set->fc != NULL;
}

/* ------------------------------------------------------------------ */
/* roles.yaml                                                         */
/* ------------------------------------------------------------------ */

/* ends_with:
 * Whether s ends with suffix, ignoring ASCII case. */
static bool
ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

/* names_font_file:
 * Whether text (without any "#N") ends like a font file name. */
static bool
names_font_file(const char *text, size_t len)
{
	return ends_with(text, len, ".ttf") || ends_with(text, len, ".ttc") ||
	       ends_with(text, len, ".otf") || ends_with(text, len, ".otc");
}

/* face_suffix:
 * Length of text without a trailing "#N" (digits); *index gets N. */
static size_t
face_suffix(const char *text, int *index)
{
	const char *hash = strrchr(text, '#');
	const char *p;
	long n = 0;

	*index = 0;
	if (hash == NULL || hash[1] == '\0')
		return strlen(text);
	for (p = hash + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > 65535)
			return strlen(text);
		n = n * 10 + (*p - '0');
	}
	*index = (int)n;
	return (size_t)(hash - text);
}

/* STYLE_SUFFIX:
 * How an entry asks for one style of a family, as fontconfig writes it. */
#define STYLE_SUFFIX ":style="

/* parse_family_entry:
 * Splits "Noto Serif CJK SC:style=Bold" into family and style. */
static void
parse_family_entry(arena *a, role_entry *e)
{
	const char *at = strstr(e->text, STYLE_SUFFIX);

	e->family = e->text;
	if (at == NULL || at[strlen(STYLE_SUFFIX)] == '\0')
		return;
	e->family = arena_strndup(a, e->text, (size_t)(at - e->text));
	e->style = at + strlen(STYLE_SUFFIX);
}

/* parse_path_entry:
 * Marks entries that name files, making relative paths absolute from
 * the directory of roles.yaml; other entries are families. */
static void
parse_path_entry(arena *a, const char *fonts_dir, role_entry *e)
{
	size_t len = face_suffix(e->text, &e->index);

	e->is_path = e->text[0] == '/' || names_font_file(e->text, len);
	if (!e->is_path) {
		parse_family_entry(a, e);
		return;
	}
	if (e->text[0] == '/')
		e->path = arena_strndup(a, e->text, len);
	else
		e->path = arena_printf(a, "%s/%.*s", fonts_dir, (int)len, e->text);
}

/* read_list:
 * Appends the entries of one `official`, `free` or `fallback` sequence
 * (what names it in messages) to role. */
static bool
read_list(arena *a, const char *fonts_dir, const ynode *list, bool official,
          const char *what, role_def *role, diag_sink *diag)
{
	size_t i;
	bool ok = true;

	if (list == NULL)
		return true;
	if (!ynode_expect(list, YNODE_SEQUENCE, what, diag))
		return false;
	role->entries = arena_grow(a, role->entries, role->count,
	                           role->count + list->count, sizeof(role_entry));
	for (i = 0; i < list->count; i++) {
		role_entry *e = &role->entries[role->count];

		if (!ynode_to_string(list->items[i], what, &e->text, diag)) {
			ok = false;
			continue;
		}
		e->node = list->items[i];
		e->official = official;
		parse_path_entry(a, fonts_dir, e);
		role->count++;
	}
	return ok;
}

/* read_latin:
 * Parses a role's `latin` list into role->latin (entries are read like
 * the others, into a scratch role, then moved). */
static bool
read_latin(arena *a, const char *fonts_dir, const ynode *list,
           const char *what, role_def *role, diag_sink *diag)
{
	role_def latin = { 0 };
	bool ok = read_list(a, fonts_dir, list, false, what, &latin, diag);

	role->latin = latin.entries;
	role->latin_count = latin.count;
	return ok;
}

/* read_role:
 * Parses one role mapping {official, free, latin, package}. */
static bool
read_role(arena *a, const char *fonts_dir, const ypair *pair, role_def *role,
          diag_sink *diag)
{
	static const char *const keys[] = { "official", "free", "latin",
	                                    "package", "install", NULL };
	const ynode *m = pair->value, *pkg, *install;
	const char *what;
	bool ok;

	role->name = pair->key->text;
	role->pos = pair->key->pos;
	what = arena_printf(a, "font role '%s'", role->name);
	if (!ynode_expect(m, YNODE_MAPPING, what, diag))
		return false;
	ok = ynode_check_keys(m, keys, what, diag);
	ok &= read_list(a, fonts_dir, ynode_get(m, "official"), true,
	                arena_printf(a, "%s official list", what), role, diag);
	role->official_count = role->count;
	ok &= read_list(a, fonts_dir, ynode_get(m, "free"), false,
	                arena_printf(a, "%s free list", what), role, diag);
	ok &= read_latin(a, fonts_dir, ynode_get(m, "latin"),
	                 arena_printf(a, "%s latin list", what), role, diag);
	pkg = ynode_get(m, "package");
	if (pkg != NULL && !ynode_to_string(pkg, what, &role->package, diag))
		ok = false;
	install = ynode_get(m, "install");
	if (install != NULL &&
	    !ynode_to_string(install, what, &role->install, diag))
		ok = false;
	if (ok && role->count == 0) {
		diag_error(diag, role->pos, "font role '%s' lists no fonts",
		           role->name);
		ok = false;
	}
	return ok;
}

/* FALLBACK_KEY:
 * The top-level key of the shared fallback list; it is not a role. */
#define FALLBACK_KEY "fallback"

/* read_fallback:
 * Parses the shared `fallback` sequence of family names or files. */
static bool
read_fallback(arena *a, const char *fonts_dir, const ypair *pair,
              role_def *fallback, diag_sink *diag)
{
	fallback->name = FALLBACK_KEY;
	fallback->pos = pair->key->pos;
	return read_list(a, fonts_dir, pair->value, false,
	                 "the fallback font list", fallback, diag);
}

/* read_roles:
 * Loads and checks every role of roles.yaml and the fallback list;
 * false after diagnostics. */
static bool
read_roles(arena *a, const char *file, const char *fonts_dir,
           roles_file *out, diag_sink *diag)
{
	const ynode *root = yaml_tree_load_file_cached(a, file, diag);
	size_t i;
	bool ok = true;

	if (root == NULL || !ynode_expect(root, YNODE_MAPPING, "roles.yaml", diag))
		return false;
	out->roles = arena_calloc(a, root->pair_count + 1, sizeof(*out->roles));
	for (i = 0; i < root->pair_count; i++) {
		const ypair *pair = &root->pairs[i];

		if (strcmp(pair->key->text, FALLBACK_KEY) == 0)
			ok &= read_fallback(a, fonts_dir, pair, &out->fallback, diag);
		else
			ok &= read_role(a, fonts_dir, pair,
			                &out->roles[out->count++], diag);
	}
	return ok;
}

/* find_role:
 * The role called name, or NULL. */
static const role_def *
find_role(const roles_file *file, const char *name)
{
	size_t i;

	for (i = 0; i < file->count; i++)
		if (strcmp(file->roles[i].name, name) == 0)
			return &file->roles[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Resolution                                                         */
/* ------------------------------------------------------------------ */

/* try_file:
 * Face index of path for role, opened, if usable; otherwise notes why
 * (only when the file exists: a missing file is simply not installed). */
static face_slot *
try_file(font_set *set, const role_def *role, const role_entry *e,
         const char *label, const char *path, int index, bool *skipped,
         diag_sink *diag)
{
	struct stat st;
	open_face *file;
	face_slot *slot;

	if (stat(path, &st) != 0)
		return NULL;
	file = set_file(set, path, index);
	if (!file_open(set, file)) {
		diag_note(diag, e->node->pos, "role %s: skipping '%s' (%s): %s",
		          role->name, label, path, file->why);
		*skipped = true;
		return NULL;
	}
	slot = new_slot(set->arena, file, NULL, NULL, e->text);
	slot_sync(set->arena, slot);
	return slot;
}

/* try_family:
 * The first usable face of a fontconfig family, in candidate order. */
static face_slot *
try_family(font_set *set, const role_def *role, const role_entry *e,
           bool *skipped, diag_sink *diag)
{
	const font_candidate *c;
	size_t n = list_family(set, e->family, e->style, &c), i;
	face_slot *slot;

	for (i = 0; i < n; i++) {
		slot = try_file(set, role, e, c[i].family, c[i].path, c[i].index,
		                skipped, diag);
		if (slot != NULL) {
			slot->face.family = c[i].family;
			slot->face.style = c[i].style;
			return slot;
		}
	}
	return NULL;
}

/* report_none_installed:
 * The error for a role whose entries all failed, naming every entry. */
static void
report_none_installed(arena *a, const role_def *role, bool skipped,
                      diag_sink *diag)
{
	const char *list = "";
	size_t i;

	for (i = 0; i < role->count; i++)
		list = arena_printf(a, "%s%s%s", list, i > 0 ? ", " : "",
		                    role->entries[i].text);
	diag_error(diag, role->pos,
	           "font role '%s': none of the families is installed%s: %s; %s%s%s",
	           role->name, skipped ? " with usable outlines" : "", list,
	           role->package != NULL ? "install one (e.g. apt-get install " :
	           "install one of them",
	           role->package != NULL ? role->package : "",
	           role->package != NULL ? ")" : "");
}

/* note_substitute:
 * The one-line note when neither an official face nor the role's first
 * free face is installed (another file of that family does not count),
 * saying how to install it. */
static void
note_substitute(const role_def *role, size_t at, const face_slot *slot,
                diag_sink *diag)
{
	const role_entry *wanted = &role->entries[role->official_count];
	const char *family = slot->face.family;

	if (role->entries[at].official || at <= role->official_count ||
	    wanted->is_path || (family != NULL && same_family(family, wanted->family)))
		return;
	if (role->install == NULL && role->package == NULL)
		return;
	diag_note(diag, wanted->node->pos, "role %s: %s is not installed; set "
	          "in %s instead (install it: %s%s)", role->name, wanted->text,
	          family != NULL ? family : slot->label,
	          role->install != NULL ? "" : "apt-get install ",
	          role->install != NULL ? role->install : role->package);
}

/* first_face:
 * Tries a role's entries in order, opening each, and records how the
 * winner was found; *at gets its entry index.  NULL if none is usable. */
static face_slot *
first_face(font_set *set, const role_def *role, size_t *at, diag_sink *diag)
{
	face_slot *slot = NULL;
	bool skipped = false;
	size_t i;

	for (i = 0; i < role->count && slot == NULL; i++) {
		const role_entry *e = &role->entries[i];

		slot = e->is_path ?
		       try_file(set, role, e, e->text, e->path, e->index, &skipped, diag) :
		       try_family(set, role, e, &skipped, diag);
		if (slot == NULL)
			continue;
		*at = i;
		slot->face.preference_rank = (int)i;
		slot->face.official = e->official;
		slot->face.substitute = !e->official && role->official_count > 0;
		slot->wanted = role->official_count > 0 ? role->entries[0].text : NULL;
		note_substitute(role, i, slot, diag);
	}
	if (slot == NULL)
		report_none_installed(set->arena, role, skipped, diag);
	return slot;
}

/* listed_face:
 * The face a later entry of a chain stands for, found without opening
 * it: the file if it exists, else the family's first face that
 * fontconfig lists with TrueType or CFF outlines.  NULL when not
 * installed. */
static face_slot *
listed_face(font_set *set, const role_entry *e)
{
	struct stat st;
	const font_candidate *c;
	size_t n, i;

	if (e->is_path)
		return stat(e->path, &st) == 0 ?
		       new_slot(set->arena, set_file(set, e->path, e->index),
		                NULL, NULL, e->text) : NULL;
	n = list_family(set, e->family, e->style, &c);
	for (i = 0; i < n; i++) {
		face_slot *slot;

		if (c[i].outline == OUTLINE_OTHER)
			continue;
		slot = new_slot(set->arena, set_file(set, c[i].path, c[i].index),
		                c[i].family, c[i].style, e->text);
		if (!slot->file->tried)
			slot->face.outline = c[i].outline;
		return slot;
	}
	return NULL;
}

/* extend_chain:
 * Appends the installed faces of entries, ranked from rank on, that the
 * chain does not hold yet (among its latin faces, or among the others);
 * they open on first lookup. */
static void
extend_chain(font_set *set, role_chain *chain, const char *role_name,
             const role_entry *entries, size_t count, int rank, bool latin)
{
	size_t i;

	for (i = 0; i < count; i++) {
		face_slot *slot = listed_face(set, &entries[i]);

		if (slot == NULL || chain_has(chain, slot->file, latin))
			continue;
		slot->face.role = role_name;
		slot->face.latin_only = latin;
		slot->face.preference_rank = rank + (int)i;
		slot->face.official = entries[i].official;
		chain_add(set->arena, chain, slot);
	}
}

/* resolve_role:
 * A role's chain: its first usable face, its later entries, the shared
 * fallback list, then its latin faces. */
static bool
resolve_role(font_set *set, const roles_file *file, const role_def *role,
             role_chain *chain, diag_sink *diag)
{
	size_t at = 0;
	face_slot *first = first_face(set, role, &at, diag);

	if (first == NULL)
		return false;
	first->face.role = role->name;
	chain_add(set->arena, chain, first);
	extend_chain(set, chain, role->name, role->entries + at + 1,
	             role->count - at - 1, (int)at + 1, false);
	extend_chain(set, chain, role->name, file->fallback.entries,
	             file->fallback.count, (int)role->count, false);
	extend_chain(set, chain, role->name, role->latin, role->latin_count,
	             (int)(role->count + file->fallback.count), true);
	return true;
}

/* resolve_all:
 * Resolves each requested role in order; false if any failed. */
static bool
resolve_all(font_set *set, const char *path, const roles_file *file,
            const char *const *role_names, size_t role_count,
            diag_sink *diag)
{
	bool ok = true;
	size_t i;

	set->roles = arena_calloc(set->arena, role_count + 1,
	                          sizeof(*set->roles));
	set->count = role_count;
	for (i = 0; i < role_count; i++) {
		const role_def *role = find_role(file, role_names[i]);

		if (role == NULL) {
			diag_error(diag, source_pos_file(path),
			           "font role '%s' is named by the layout but not defined here", role_names[i]);
			ok = false;
		} else if (!resolve_role(set, file, role, &set->roles[i], diag)) {
			ok = false;
		}
	}
	return ok;
}

/* font_set_resolve:
 * Reads DATA_DIR/fonts/roles.yaml and resolves each requested role. */
font_set *
font_set_resolve(const char *data_dir, const char *const *role_names,
                 size_t role_count, diag_sink *diag)
{
	font_set *set = set_create(diag);
	const char *fonts_dir, *path;
	roles_file file = { 0 };

	if (set == NULL)
		return NULL;
	fonts_dir = arena_printf(set->arena, "%s/fonts", data_dir);
	path = arena_printf(set->arena, "%s/roles.yaml", fonts_dir);
	set->cache = font_cache_load(set->arena);
	if (!read_roles(set->arena, path, fonts_dir, &file, diag) ||
	    !resolve_all(set, path, &file, role_names, role_count, diag)) {
		font_set_free(set);
		return NULL;
	}
	save_cache(set);
	return set;
}

/* ------------------------------------------------------------------ */
/* Printing                                                           */
/* ------------------------------------------------------------------ */

/* print_later_face:
 * Face k of a chain as fontconfig listed it: a face not opened yet is
 * named by its family, or by its roles.yaml entry when that is a file. */
static void
print_later_face(const face_slot *slot, size_t k, FILE *out)
{
	const font_face *f = &slot->face;
	const open_face *file = slot->file;

	fprintf(out, "  %s %zu: %s", f->latin_only ? "latin" : "fallback", k,
	        f->family != NULL ? f->family : slot->label);
	if (f->style != NULL)
		fprintf(out, " (%s)", f->style);
	fprintf(out, "\n    file: %s, face %d, ", f->path, f->face_index);
	if (file->tried && !file->usable)
		fprintf(out, "unusable: %s\n", file->why);
	else
		fprintf(out, "%s\n", font_outline_name(f->outline));
}

/* font_set_print:
 * One block per role: its first face, the rest of its chain, and a
 * warning line when the first face is a substitute; returns the number
 * of substitutions. */
int
font_set_print(const font_set *set, FILE *out)
{
	int substitutions = 0;
	size_t i, k;

	for (i = 0; i < set->count; i++) {
		const role_chain *chain = &set->roles[i];
		const face_slot *slot = chain->slots[0];
		const font_face *f = &slot->face;

		fprintf(out, "%s: %s (%s)\n  file: %s, face %d, %s\n",
		        f->role, f->family, f->style, f->path, f->face_index,
		        font_outline_name(f->outline));
		for (k = 1; k < chain->count; k++)
			print_later_face(chain->slots[k], k, out);
		if (f->substitute) {
			fprintf(out, "warning: role '%s' uses substitute '%s' "
			        "for the official %s\n", f->role, f->family,
			        slot->wanted);
			substitutions++;
		}
	}
	return substitutions;
}
