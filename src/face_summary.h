/*
 * face_summary.h - what typesetting needs of a face, kept between runs.
 *
 * Opening a 65535-glyph CJK face with FreeType costs more than the rest of
 * font resolution: a megabyte of arrays and hundreds of page faults, and
 * three such faces are open in every render.  Typesetting asks a face
 * little: whether it maps a code point and its advance, its units per em,
 * ascender and descender, outline kind and names, and where the ink of a
 * few punctuation marks lies.  So fonts.c writes down those answers once,
 * exactly as it computed them with FreeType, in one binary file per face
 * under $XDG_CACHE_HOME/gkreport/faces/ (else ~/.cache/gkreport/faces/),
 * named by a hash of the font's path and face index; later runs map the
 * file and answer from it without opening the face.
 *
 * A summary holds only while the font file is the one summarised (device,
 * inode, size, modification and change times to the nanosecond), read by
 * the same FreeType version and written by the same gkreport; its path
 * and face index are stored and compared too, and a CRC-32 covers the
 * whole file.  Anything else makes it absent: the caller opens the face
 * and writes a new summary, to a temporary file renamed over the old one.
 * When no cache directory is writable nothing is built or saved, and
 * nothing is said.  GKREPORT_NO_FONT_CACHE turns summaries off with the
 * other caches (cache_dir.h).
 */
#ifndef GK_FACE_SUMMARY_H
#define GK_FACE_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "arena.h"
#include "fonts.h"

/* What a summary says about the face as a whole. */
typedef struct face_facts {
	font_outline outline;
	int units_per_em;
	int ascender;                /* thousandths, as font_ascender gives it */
	int descender;               /* as font_descender gives it */
	const char *family;          /* FreeType's names ("" when none) */
	const char *style;
} face_facts;

/* What font_ink_box says of a code point, when the summary knows. */
typedef enum face_ink {
	FACE_INK_UNKNOWN,            /* outside the summarised ranges */
	FACE_INK_NONE,               /* font_ink_box returns false */
	FACE_INK_BOX                 /* font_ink_box returns the box */
} face_ink;

/* Whether font_ink_box's answer for cp is kept in a summary: the marks
 * whose ink typesetting measures lie in these ranges. */
bool face_summary_keeps_ink(uint32_t cp);

/* The folder summaries live in, or NULL when GKREPORT_NO_FONT_CACHE turns
 * them off or neither XDG_CACHE_HOME nor HOME names one. */
const char *face_summary_dir(arena *a);

/* The summary file of face index of path in dir (tests damage it). */
const char *face_summary_file(arena *a, const char *dir, const char *path,
                              int index);

typedef struct face_summary face_summary;

/* The summary of face index of path, mapped until a is destroyed; NULL
 * when it is missing, stale or damaged.  ft_version is
 * major << 16 | minor << 8 | patch of the FreeType measuring. */
face_summary *face_summary_load(arena *a, const char *dir, const char *path,
                                int index, uint32_t ft_version);

const face_facts *face_summary_facts(const face_summary *s);

/* Number of code points the face maps. */
size_t face_summary_char_count(const face_summary *s);

/* Whether the face maps cp to a glyph. */
bool face_summary_has_char(const face_summary *s, uint32_t cp);

/* font_advance's answer: thousandths, -1 without a glyph. */
int face_summary_advance(const face_summary *s, uint32_t cp);

/* font_ink_box's answer for cp, box[] = x_min, y_min, x_max, y_max. */
face_ink face_summary_ink_box(const face_summary *s, uint32_t cp, int box[4]);

/* ---- writing ---- */

typedef struct face_summary_writer face_summary_writer;

/* Starts the summary of face index of path, which font (stat before the
 * face was read) describes; NULL when it would not be kept: no folder,
 * not writable, or the font changed too recently to trust its times. */
face_summary_writer *face_summary_begin(const char *dir, const char *path,
                                        int index, const struct stat *font,
                                        uint32_t ft_version);

/* Adds a mapped code point (strictly increasing), its glyph and
 * font_advance's answer. */
void face_summary_add_char(face_summary_writer *w, uint32_t cp,
                           uint32_t glyph, int advance);

/* Adds font_ink_box's answer for a mapped code point face_summary_keeps_ink
 * accepts (strictly increasing); box is ignored when !found. */
void face_summary_add_ink(face_summary_writer *w, uint32_t cp, bool found,
                          const int box[4]);

/* Writes the summary and renames it into place, unless the font file
 * changed since face_summary_begin; frees w either way.  Failures are
 * silent: a summary only saves time. */
void face_summary_commit(face_summary_writer *w, const face_facts *facts);

#endif
