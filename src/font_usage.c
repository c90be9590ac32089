/*
 * font_usage.c - page fonts and fallback notes of one document.
 *
 * All state lives in the font_usage, which the typesetter of one document
 * owns: two documents typeset at once never share a note or a page font.
 */
#include "font_usage.h"

#include <stdbool.h>
#include <string.h>

#include "utf8.h"

/* A character a role set in a face after its first. */
typedef struct fallback_char {
	uint32_t cp;
	size_t face;                 /* index in the role's chain */
} fallback_char;

/* What one role of the document used. */
typedef struct role_usage {
	int *page_font;              /* by chain index; -1 until used */
	size_t chain_length;
	fallback_char *chars;        /* in order of first occurrence */
	size_t char_count;
	source_pos first;            /* where the first of them stands */
	bool reported;
} role_usage;

/* The ink box of one character in one face, as font_ink_box gave it. */
typedef struct ink_entry {
	const font_face *face;
	uint32_t cp;
	bool found;
	int x_min, y_min, x_max, y_max;
} ink_entry;

struct font_usage {
	arena *arena;
	const font_set *fonts;
	role_usage *roles;
	size_t role_count;
	page_font *page_fonts;
	size_t page_font_count;
	ink_entry *inks;             /* the marks measured so far */
	size_t ink_count, ink_capacity;
};

/* font_usage_create:
 * Empty usage for each role, then the page fonts of the first faces. */
font_usage *
font_usage_create(arena *a, const font_set *fonts)
{
	font_usage *u = arena_alloc(a, sizeof(*u));
	size_t i, k;

	u->arena = a;
	u->fonts = fonts;
	u->role_count = font_set_count(fonts);
	u->roles = arena_calloc(a, u->role_count + 1, sizeof(*u->roles));
	for (i = 0; i < u->role_count; i++) {
		role_usage *r = &u->roles[i];

		r->chain_length = font_set_chain_length(fonts, i);
		r->page_font = arena_calloc(a, r->chain_length + 1, sizeof(int));
		for (k = 0; k < r->chain_length; k++)
			r->page_font[k] = -1;
	}
	for (i = 0; i < u->role_count; i++)
		font_usage_page_font(u, i, 0);
	return u;
}

/* font_usage_fonts:
 * The font set the document is set in. */
const font_set *
font_usage_fonts(const font_usage *u)
{
	return u->fonts;
}

/* page_font_of:
 * The page font for face's file and index, appended if new: faces are
 * told apart by path and face index, as the PDF embeds them. */
static int
page_font_of(font_usage *u, const font_face *face)
{
	size_t k;

	for (k = 0; k < u->page_font_count; k++)
		if (u->page_fonts[k].face_index == face->face_index &&
		    strcmp(u->page_fonts[k].path, face->path) == 0)
			return (int)k;
	u->page_fonts = arena_grow(u->arena, u->page_fonts, u->page_font_count,
	                           u->page_font_count + 1, sizeof(page_font));
	/* the document's own copy: a single render frees its fonts before
	 * writing the PDF (render.c) */
	u->page_fonts[k].path = arena_strdup(u->arena, face->path);
	u->page_fonts[k].face_index = face->face_index;
	u->page_font_count++;
	return (int)k;
}

/* font_usage_page_font:
 * Cached per role and chain index, so measuring a character costs no
 * string comparison; -1 for a face that does not exist or cannot open. */
int
font_usage_page_font(font_usage *u, size_t role, size_t k)
{
	const font_face *face;
	role_usage *r;

	if (role >= u->role_count || k >= u->roles[role].chain_length)
		return -1;
	r = &u->roles[role];
	if (r->page_font[k] < 0) {
		face = font_set_chain_face(u->fonts, role, k);
		if (face == NULL)
			return -1;
		r->page_font[k] = page_font_of(u, face);
	}
	return r->page_font[k];
}

/* font_usage_fallback:
 * Appends cp to the role's list unless it is there; fallbacks are rare,
 * so a linear search is enough. */
void
font_usage_fallback(font_usage *u, size_t role, size_t k, uint32_t cp,
                    source_pos pos)
{
	role_usage *r;
	size_t i;

	if (role >= u->role_count)
		return;
	r = &u->roles[role];
	for (i = 0; i < r->char_count; i++)
		if (r->chars[i].cp == cp)
			return;
	if (r->char_count == 0)
		r->first = pos;
	r->chars = arena_grow(u->arena, r->chars, r->char_count,
	                      r->char_count + 1, sizeof(*r->chars));
	r->chars[r->char_count].cp = cp;
	r->chars[r->char_count].face = k;
	r->char_count++;
}

/* named_chars:
 * "𠮷 (U+20BB7), 昇 (U+6607)": every character of r with its code
 * point, in order of first occurrence. */
static const char *
named_chars(arena *a, const role_usage *r)
{
	const char *list = "";
	char utf8[4];
	size_t i, n;

	for (i = 0; i < r->char_count; i++) {
		n = utf8_encode(r->chars[i].cp, utf8);
		list = arena_printf(a, "%s%s%.*s (U+%04X)", list, i > 0 ? ", " : "",
		                    (int)n, utf8, (unsigned)r->chars[i].cp);
	}
	return list;
}

/* chars_of_face:
 * "𠮷, 𬌗": the characters of r set in chain face k. */
static const char *
chars_of_face(arena *a, const role_usage *r, size_t k)
{
	const char *list = "";
	char utf8[4];
	size_t i, n;

	for (i = 0; i < r->char_count; i++) {
		if (r->chars[i].face != k)
			continue;
		n = utf8_encode(r->chars[i].cp, utf8);
		list = arena_printf(a, "%s%s%.*s", list, *list ? ", " : "",
		                    (int)n, utf8);
	}
	return list;
}

/* first_use_of_face:
 * Whether chars[i] is the first character of r set in its face. */
static bool
first_use_of_face(const role_usage *r, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (r->chars[j].face == r->chars[i].face)
			return false;
	return true;
}

/* faces_used:
 * "LXGW WenKai" when one face took every character, else each face with
 * its characters: "AR PL UMing CN (昇), LXGW WenKai (𠮷)". */
static const char *
faces_used(arena *a, const font_set *fonts, size_t role, const role_usage *r)
{
	const char *list = "";
	size_t i, faces = 0;

	for (i = 0; i < r->char_count; i++)
		faces += first_use_of_face(r, i);
	for (i = 0; i < r->char_count; i++) {
		const font_face *f;

		if (!first_use_of_face(r, i))
			continue;
		f = font_set_chain_face(fonts, role, r->chars[i].face);
		list = arena_printf(a, "%s%s%s", list, *list ? ", " : "",
		                    f != NULL ? f->family : "?");
		if (faces > 1)
			list = arena_printf(a, "%s (%s)", list,
			                    chars_of_face(a, r, r->chars[i].face));
	}
	return list;
}

/* ink_entry_of:
 * The cached entry for face and cp, asking the font on first use; the
 * marks of a document are a few dozen, so a linear search is enough. */
static const ink_entry *
ink_entry_of(font_usage *u, const font_face *face, uint32_t cp)
{
	ink_entry *e;
	size_t i;

	for (i = 0; i < u->ink_count; i++)
		if (u->inks[i].cp == cp && u->inks[i].face == face)
			return &u->inks[i];
	if (u->ink_count == u->ink_capacity) {
		size_t grown = u->ink_capacity ? 2 * u->ink_capacity : 16;

		u->inks = arena_grow(u->arena, u->inks, u->ink_count, grown,
		                     sizeof(*u->inks));
		u->ink_capacity = grown;
	}
	e = &u->inks[u->ink_count++];
	e->face = face;
	e->cp = cp;
	e->found = font_ink_box(face, cp, &e->x_min, &e->y_min, &e->x_max,
	                        &e->y_max);
	return e;
}

/* font_usage_ink_box:
 * What font_ink_box says, from the document's cache. */
bool
font_usage_ink_box(font_usage *u, const font_face *face, uint32_t cp,
                   int *x_min, int *y_min, int *x_max, int *y_max)
{
	const ink_entry *e = ink_entry_of(u, face, cp);

	if (!e->found)
		return false;
	*x_min = e->x_min;
	*y_min = e->y_min;
	*x_max = e->x_max;
	*y_max = e->y_max;
	return true;
}

/* font_usage_report:
 * The note of each role that fell back, in role order. */
void
font_usage_report(font_usage *u, diag_sink *diag)
{
	size_t i;

	for (i = 0; i < u->role_count; i++) {
		role_usage *r = &u->roles[i];
		const font_face *first = font_set_face(u->fonts, i);

		if (r->char_count == 0 || r->reported)
			continue;
		r->reported = true;
		diag_note(diag, r->first, "role %s: %s %s not in %s; set in %s",
		          first->role,
		          named_chars(u->arena, r),
		          r->char_count == 1 ? "is" : "are", first->family,
		          faces_used(u->arena, u->fonts, i, r));
	}
}

/* font_usage_page_fonts:
 * The list the pages refer to by index. */
const page_font *
font_usage_page_fonts(const font_usage *u, size_t *count)
{
	*count = u->page_font_count;
	return u->page_fonts;
}
