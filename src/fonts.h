/*
 * fonts.h - font roles resolved to font files, and their metrics.
 *
 * Each role a layout names ("title", "body", ...) has a preference list of
 * family names kept as data in DATA_DIR/fonts/roles.yaml: the official
 * commercial faces first, then free TrueType substitutes.  fontconfig
 * finds the first installed family of each list; FreeType measures.
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
	OUTLINE_TRUETYPE,            /* glyf/loca: embeddable today */
	OUTLINE_CFF,                 /* CFF/CFF2: refused until CFF embedding exists */
	OUTLINE_OTHER
} font_outline;

typedef struct font_face {
	const char *role;            /* the role this face serves */
	const char *family;          /* family name fontconfig reports */
	const char *style;
	const char *path;
	int face_index;              /* index inside a .ttc */
	font_outline outline;
	int preference_rank;         /* 0 = first entry of the role's list */
	bool official;               /* the entry is marked official in roles.yaml */
	bool substitute;             /* an official face was wanted but a later entry was used */
	int units_per_em;
	void *ft_face;               /* FT_Face, owned by the font_set */
} font_face;

typedef struct font_set font_set;

/* Resolves every role in role_names (role_count entries) from
 * DATA_DIR/fonts/roles.yaml.  A role with no installed TrueType family is
 * an error naming the role and the families tried; CFF-only candidates are
 * skipped with a note saying why.  Returns NULL after diagnostics. */
font_set *font_set_resolve(const char *data_dir, const char *const *role_names,
                           size_t role_count, diag_sink *diag);

/* Opens one face directly (tests, and layouts naming a file). */
font_set *font_set_open_file(const char *path, int face_index, diag_sink *diag);

void font_set_free(font_set *set);

size_t font_set_count(const font_set *set);

/* Face of role i (same order as role_names). */
const font_face *font_set_face(const font_set *set, size_t i);

/* Advance in thousandths of an em, floored as /W writes it; -1 when the
 * face has no glyph for cp. */
int font_advance(const font_face *face, uint32_t cp);

bool font_has_char(const font_face *face, uint32_t cp);

/* Ink extent of cp's glyph, thousandths of an em (for later punctuation
 * work and for vertical centring): returns false if no glyph. */
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
 * outline format), with a warning line when an official face was replaced
 * by a substitute.  Returns the number of substitutions. */
int font_set_print(const font_set *set, FILE *out);

#endif
