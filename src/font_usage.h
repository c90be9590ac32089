/*
 * font_usage.h - the faces one document is drawn in.
 *
 * Text of a role takes, character by character, the first face of the
 * role's chain that has it (fonts.h).  A font_usage belongs to one
 * document: it gives every face actually used a page font, one per
 * distinct file and face index (roles sharing a face share its subset),
 * and collects the characters that fell back past a role's first face so
 * that each role reports them once, not once per occurrence.
 */
#ifndef GK_FONT_USAGE_H
#define GK_FONT_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "fonts.h"
#include "pages.h"

typedef struct font_usage font_usage;

/* A usage for one document set in fonts.  The first face of every role
 * gets its page font at once, in role order, so that a document without
 * fallbacks lists exactly those. */
font_usage *font_usage_create(arena *a, const font_set *fonts);

const font_set *font_usage_fonts(const font_usage *u);

/* The page font (index into page_fonts) of face k of role's chain,
 * added when the face is first used. */
int font_usage_page_font(font_usage *u, size_t role, size_t k);

/* Records that cp of role was set in face k > 0 of its chain, at pos.
 * A character already recorded for the role is not recorded again. */
void font_usage_fallback(font_usage *u, size_t role, size_t k, uint32_t cp,
                         source_pos pos);

/* font_ink_box for face and cp, asked of the font once per document:
 * loading a glyph costs more than all else a character needs, and a
 * report uses a handful of marks thousands of times. */
bool font_usage_ink_box(font_usage *u, const font_face *face, uint32_t cp,
                        int *x_min, int *y_min, int *x_max, int *y_max);

/* One note per role with fallbacks, at the first of them, e.g.
 * "role body: 𠮷 (U+20BB7) is not in AR PL SungtiL GB; set in LXGW
 * WenKai".  Each role's note is printed once, however often this runs. */
void font_usage_report(font_usage *u, diag_sink *diag);

/* The page fonts so far; *count gets their number. */
const page_font *font_usage_page_fonts(const font_usage *u, size_t *count);

#endif
