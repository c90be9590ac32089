/*
 * fonts.h - font roles resolved to font files, and their metrics.
 *
 * Each role a layout names ("title", "body", ...) has a preference list of
 * family names kept as data in DATA_DIR/fonts/roles.yaml: the official
 * commercial faces first, then free substitutes (TrueType or CFF, the PDF
 * writer embeds both).  fontconfig finds the first installed family of
 * each list; FreeType measures.  An entry may ask for one style of a
 * family ("Noto Serif CJK SC:style=Bold") or name a file.
 *
 * A role resolves to a chain of faces: that first face, the role's other
 * installed faces, then the file's shared `fallback` list.  A character
 * takes the first face of the chain that has it, so rare names outside
 * GB2312 still print.  A role may also list `latin` faces (a Times-like
 * serif for digits and Latin letters, as offices do): they come last in
 * the chain, marked latin_only, and take the characters font_is_latin
 * accepts before any other face does.  Faces after the first are opened
 * on first lookup, and a file's face is opened once per set however many
 * roles name it.
 * Widths are floor(advance * 1000 / units_per_EM) thousandths of an em,
 * exactly what the PDF's /W array says, so measured and drawn text agree.
 */
#ifndef GK_FONTS_H
#define GK_FONTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"

typedef enum font_outline {
	OUTLINE_TRUETYPE,            /* glyf/loca: embedded as CIDFontType2 */
	OUTLINE_CFF,                 /* 'CFF ': embedded as CIDFontType0 (FontFile3) */
	OUTLINE_OTHER                /* CFF2 (variable), bitmap-only, ...: refused */
} font_outline;

typedef struct font_face {
	const char *role;            /* the role this face serves */
	const char *family;          /* family name fontconfig reports */
	const char *style;
	const char *path;
	int face_index;              /* index inside a .ttc */
	font_outline outline;
	int preference_rank;         /* 0 = first entry of the role's list;
	                                past its end: the fallback list */
	bool official;               /* the entry is marked official in roles.yaml */
	bool substitute;             /* an official face was wanted but a later entry was used */
	bool latin_only;             /* from the role's `latin` list: digits and
	                                Latin letters only (font_is_latin) */
	int units_per_em;            /* 0 until the face is opened */
	void *ft_face;               /* FT_Face, owned by the font_set and
	                                shared by roles naming the same face;
	                                NULL until opened, and when answered
	                                from its summary (face_summary.h) */
} font_face;

typedef struct font_set font_set;

/* Resolves every role in role_names (role_count entries) from
 * DATA_DIR/fonts/roles.yaml.  A role with no installed usable family is
 * an error naming the role and the families tried; unusable candidates
 * (CFF2, damaged, no Unicode map) are skipped with a note saying why.
 * Returns NULL after diagnostics. */
font_set *font_set_resolve(const char *data_dir, const char *const *role_names,
                           size_t role_count, diag_sink *diag);

/* Opens one face directly (tests, and layouts naming a file). */
font_set *font_set_open_file(const char *path, int face_index, diag_sink *diag);

void font_set_free(font_set *set);

size_t font_set_count(const font_set *set);

/* Face of role i (same order as role_names): the first of its chain. */
const font_face *font_set_face(const font_set *set, size_t i);

/* Number of faces in role's chain (0 for no such role); the chain holds
 * faces fontconfig lists as installed, not all of them opened yet. */
size_t font_set_chain_length(const font_set *set, size_t role);

/* Face k of role's chain, opened on first use; NULL when out of range or
 * when the file turns out unusable (damaged, CFF2).  Opening is
 * the only state it changes, and a set belongs to one thread. */
const font_face *font_set_chain_face(const font_set *set, size_t role,
                                     size_t k);

/* The first face of role's chain with a glyph for cp: stores it in *face
 * and returns its chain index, or returns -1 (and NULL) when none has it.
 * For a character font_is_latin accepts, the role's latin faces come
 * first; other characters never take a latin face.  Opens chain faces
 * only as far as the search goes. */
int font_set_face_for_char(const font_set *set, size_t role, uint32_t cp,
                           const font_face **face);

/* Digits, Latin letters and ASCII punctuation (U+0020-007E, Latin-1 and
 * Latin Extended letters), which a role's latin faces set; the 间隔号 ·
 * (U+00B7) is Chinese punctuation and is not among them. */
bool font_is_latin(uint32_t cp);

/* Whether resolving had to load fontconfig: false when every family
 * lookup was answered from the font cache (font_cache.h). */
bool font_set_loaded_fontconfig(const font_set *set);

/* How many distinct faces (file and index) the set has opened so far. */
size_t font_set_open_count(const font_set *set);

/* Advance in thousandths of an em, floored as /W writes it; -1 when the
 * face has no glyph for cp. */
int font_advance(const font_face *face, uint32_t cp);

bool font_has_char(const font_face *face, uint32_t cp);

/* Ink extent of cp's glyph, thousandths of an em (where a punctuation
 * mark's blank lies, and vertical centring): returns false if no glyph. */
bool font_ink_box(const font_face *face, uint32_t cp, int *x_min, int *y_min,
                  int *x_max, int *y_max);

/* Ascender and descender, thousandths of an em: OS/2 sTypoAscender and
 * sTypoDescender (the design em box; in CJK faces their span is the em),
 * hhea when the face has no OS/2 table or zero typo values. */
int font_ascender(const font_face *face);
int font_descender(const font_face *face);   /* negative */

/* Opens face face_index of the file at path with FreeType and classifies
 * its outlines.  Returns false after an error naming the file when it is
 * missing or not a font FreeType can read. */
bool font_file_outline(const char *path, int face_index, font_outline *outline,
                       diag_sink *diag);

/* "TrueType", "CFF" or "other", for messages. */
const char *font_outline_name(font_outline outline);

/* `gkreport fonts`: one block per role (family, style, file, face index,
 * outline format), then the rest of its chain (latin faces marked), with
 * a warning line when an official face was replaced by a substitute.  Prints without opening
 * faces.  Returns the number of substitutions. */
int font_set_print(const font_set *set, FILE *out);

#endif
