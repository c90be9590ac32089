/*
 * fuzz_render.c - libFuzzer target: the whole render of a description
 * from arbitrary bytes into memory: load, check, resolve fonts, typeset
 * and write the PDF into a buffer (never to disk).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check.h"
#include "diag.h"
#include "fonts.h"
#include "pdf_writer.h"
#include "report.h"
#include "typeset.h"

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Resolving fonts through fontconfig costs far more than a render, so
 * the set of the last role list is kept between inputs. */
static struct {
	char *key;                   /* role names joined by '\n' */
	font_set *fonts;
} cache;

/* Frees the cached font set at exit, so that only memory a run really
 * lost is left for the leak checker. */
static void
free_cache(void)
{
	font_set_free(cache.fonts);
	free(cache.key);
	cache.fonts = NULL;
	cache.key = NULL;
}

/* Runs once before the first input: no standard input to wait on, and
 * the font cache freed at exit. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_stdin();
	atexit(free_cache);
	return 0;
}

/* The role names of l joined by newlines, the cache's key. */
static char *
role_key(arena *a, const layout *l, const char **names)
{
	const char *key = "";
	size_t i;

	for (i = 0; i < l->font_role_count; i++) {
		names[i] = l->font_roles[i].name;
		key = arena_printf(a, "%s%s\n", key, names[i]);
	}
	return (char *)key;
}

/* The font set for l's roles, from the cache when the roles are the
 * same as last time; NULL when a role cannot be resolved. */
static const font_set *
fonts_for(arena *a, const layout *l, diag_sink *diag)
{
	const char **names = arena_calloc(a, l->font_role_count + 1,
	                                  sizeof(*names));
	char *key = role_key(a, l, names);

	if (cache.key != NULL && strcmp(cache.key, key) == 0)
		return cache.fonts;
	font_set_free(cache.fonts);
	free(cache.key);
	cache.key = strdup(key);
	cache.fonts = font_set_resolve(fuzz_data_dir(), names,
	                               l->font_role_count, diag);
	return cache.fonts;
}

/* Typesets a loaded report and writes its PDF into memory. */
static void
render(arena *a, const report *r, diag_sink *diag)
{
	const font_set *fonts = fonts_for(a, r->layout, diag);
	pdf_metadata meta;
	const pages *doc;
	unsigned char *bytes = NULL;
	size_t size = 0;

	if (fonts == NULL)
		return;
	doc = typeset_report(a, r, fonts, NULL, diag);
	if (doc == NULL)
		return;
	memset(&meta, 0, sizeof(meta));
	meta.title = r->title;
	meta.author = r->agency;
	meta.creator = "gkreport fuzz";
	if (pdf_write(doc, &meta, &bytes, &size, diag))
		free(bytes);
}

/* Loads, checks and renders one description. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_create();
	diag_sink diag;
	const report *r;

	diag_init(&diag, NULL);
	r = report_load_buffer(a, "fuzz.yaml", (const char *)data, size,
	                       fuzz_data_dir(), &diag);
	if (r != NULL) {
		check_report(r, NULL, &diag);
		render(a, r, &diag);
	}
	arena_destroy(a);
	return 0;
}
