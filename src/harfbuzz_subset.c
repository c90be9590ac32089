/*
 * harfbuzz_subset.c - HarfBuzz's subsetter, loaded with dlopen.
 *
 * hb.h and hb-subset.h give the types and prototypes only, so that the
 * table of entry points below cannot drift from the library's
 * declarations (src/extract.c loads libqpdf the same way).  The library
 * is opened with RTLD_NODELETE: once a document needed it, it stays
 * loaded, and the next font's dlopen only finds it again (unloading
 * glib and reloading it for every font of a batch would cost more than
 * the subsetting).
 */
#include "harfbuzz_subset.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <hb.h>
#include <hb-subset.h>

#include "dynlib.h"

/* The HarfBuzz functions used, without their "hb_" prefix (the blob,
 * face, set and map ones come with libharfbuzz, which the subset
 * library brings and dlsym searches too). */
#define HB_FUNCTIONS(X)                                                     \
	X(blob_create_or_fail) X(blob_destroy) X(blob_get_data)              \
	X(face_create) X(face_destroy) X(face_reference_table)               \
	X(face_reference_blob) X(set_add) X(set_add_sorted_array)            \
	X(set_clear) X(set_invert) X(set_del) X(map_get_population)          \
	X(map_get) X(subset_input_create_or_fail) X(subset_input_destroy)    \
	X(subset_input_unicode_set) X(subset_input_set)                      \
	X(subset_input_set_flags) X(subset_plan_create_or_fail)              \
	X(subset_plan_destroy) X(subset_plan_new_to_old_glyph_mapping)       \
	X(subset_plan_execute_or_fail)

/* libharfbuzz-subset, opened: each member points at hb_NAME, typed from
 * its declaration in HarfBuzz's headers. */
typedef struct hb_library {
	void *handle;
#define HB_MEMBER(name) __typeof__(&hb_##name) name;
	HB_FUNCTIONS(HB_MEMBER)
#undef HB_MEMBER
} hb_library;

/* Tables a PDF font program does not need (layout, colour, bitmaps,
 * vertical metrics); dropping them keeps the subset small. */
static const hb_tag_t unneeded_tables[] = {
	HB_TAG('G','S','U','B'), HB_TAG('G','P','O','S'), HB_TAG('G','D','E','F'),
	HB_TAG('B','A','S','E'), HB_TAG('J','S','T','F'), HB_TAG('M','A','T','H'),
	HB_TAG('k','e','r','n'), HB_TAG('v','h','e','a'), HB_TAG('v','m','t','x'),
	HB_TAG('V','O','R','G'), HB_TAG('E','B','D','T'), HB_TAG('E','B','L','C'),
	HB_TAG('E','B','S','C'), HB_TAG('C','B','D','T'), HB_TAG('C','B','L','C'),
	HB_TAG('s','b','i','x'), HB_TAG('C','O','L','R'), HB_TAG('C','P','A','L'),
	HB_TAG('S','V','G',' '), HB_TAG('m','o','r','x'), HB_TAG('k','e','r','x'),
	HB_TAG('D','S','I','G'), HB_TAG('m','e','t','a'), HB_TAG('g','a','s','p'),
	HB_TAG('h','d','m','x'), HB_TAG('L','T','S','H'), HB_TAG('V','D','M','X'),
	HB_TAG('P','C','L','T'),
};

/* Opens the library and finds every function used; false with the
 * reason, and the package to install, in message. */
static bool
hb_library_open(hb_library *lib, char *message, size_t message_size)
{
	const char *missing = NULL;
	const char *why;

	lib->handle = dlopen(HARFBUZZ_SUBSET_LIBRARY,
	                     RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (lib->handle == NULL) {
		why = dlerror();
		snprintf(message, message_size, "needs libharfbuzz-subset: %s; "
		         "install it: apt-get install " HARFBUZZ_SUBSET_PACKAGE,
		         why != NULL ? why : HARFBUZZ_SUBSET_LIBRARY);
		return false;
	}
#define HB_FIND(name)                                                       \
	lib->name = (__typeof__(lib->name))                                 \
	    dynlib_function(lib->handle, "hb_" #name, &missing);
	HB_FUNCTIONS(HB_FIND)
#undef HB_FIND
	if (missing != NULL) {
		snprintf(message, message_size, "needs libharfbuzz-subset: "
		         HARFBUZZ_SUBSET_LIBRARY " has no function %s; reinstall "
		         "it: apt-get install --reinstall " HARFBUZZ_SUBSET_PACKAGE,
		         missing);
		dlclose(lib->handle);
		return false;
	}
	return true;
}

/* HarfBuzz's input: the characters drawn, no hinting (it only costs size
 * in a PDF), no subroutines, and the tables the program leaves out. */
static hb_subset_input_t *
make_input(const hb_library *hb, const harfbuzz_subset_input *in)
{
	hb_subset_input_t *input = hb->subset_input_create_or_fail();
	hb_set_t *dropped;
	size_t i;

	if (input == NULL)
		return NULL;
	hb->set_add_sorted_array(hb->subset_input_unicode_set(input),
	                         in->code_points, (unsigned)in->code_point_count);
	dropped = hb->subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (i = 0; i < sizeof(unneeded_tables) / sizeof(unneeded_tables[0]); i++)
		hb->set_add(dropped, unneeded_tables[i]);
	if (in->cff_only) {
		hb->set_clear(dropped);
		hb->set_invert(dropped);
		hb->set_del(dropped, HB_TAG('C','F','F',' '));
	}
	hb->subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING |
	                           HB_SUBSET_FLAGS_DESUBROUTINIZE);
	return input;
}

/* Copies a blob's bytes into the arena (the caller's font outlives the
 * HarfBuzz objects); false for an empty blob. */
static bool
copy_blob(const hb_library *hb, arena *a, hb_blob_t *blob,
          harfbuzz_subset_output *out)
{
	unsigned length = 0;
	const char *data = blob != NULL ? hb->blob_get_data(blob, &length) : NULL;

	if (data == NULL || length == 0)
		return false;
	out->program = arena_alloc(a, length);
	memcpy(out->program, data, length);
	out->size = length;
	return true;
}

/* Plans and writes the subset of face; *out gets the plan's glyphs and
 * the program. */
static bool
subset_face(const hb_library *hb, arena *a, const harfbuzz_subset_input *in,
            hb_face_t *face, harfbuzz_subset_output *out)
{
	hb_subset_input_t *input = make_input(hb, in);
	hb_subset_plan_t *plan;
	const hb_map_t *to_old;
	hb_face_t *subset;
	hb_blob_t *program = NULL;
	unsigned i;
	bool ok;

	plan = input != NULL ? hb->subset_plan_create_or_fail(face, input) : NULL;
	hb->subset_input_destroy(input);
	if (plan == NULL)
		return false;
	to_old = hb->subset_plan_new_to_old_glyph_mapping(plan);
	out->glyph_count = hb->map_get_population(to_old);
	out->old_glyphs = arena_calloc(a, (size_t)out->glyph_count + 1,
	                               sizeof(uint32_t));
	for (i = 0; i < out->glyph_count; i++)
		out->old_glyphs[i] = hb->map_get(to_old, i);
	subset = hb->subset_plan_execute_or_fail(plan);
	if (subset != NULL)
		program = in->cff_only
		    ? hb->face_reference_table(subset, HB_TAG('C','F','F',' '))
		    : hb->face_reference_blob(subset);
	ok = copy_blob(hb, a, program, out);
	hb->blob_destroy(program);
	hb->face_destroy(subset);
	hb->subset_plan_destroy(plan);
	return ok && out->glyph_count > 0;
}

harfbuzz_subset_status
harfbuzz_subset(arena *a, const harfbuzz_subset_input *in,
                harfbuzz_subset_output *out, char *message,
                size_t message_size)
{
	hb_library hb;
	hb_blob_t *blob;
	hb_face_t *face;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (in->font_size >= 1u << 31)          /* a blob's length is unsigned */
		return HARFBUZZ_SUBSET_FAILED;
	if (!hb_library_open(&hb, message, message_size))
		return HARFBUZZ_SUBSET_UNAVAILABLE;
	blob = hb.blob_create_or_fail((const char *)in->font,
	                              (unsigned)in->font_size,
	                              HB_MEMORY_MODE_READONLY, NULL, NULL);
	ok = blob != NULL;
	if (ok) {
		face = hb.face_create(blob, in->face_index);
		hb.blob_destroy(blob);
		ok = subset_face(&hb, a, in, face, out);
		hb.face_destroy(face);
	}
	dlclose(hb.handle);
	return ok ? HARFBUZZ_SUBSET_OK : HARFBUZZ_SUBSET_FAILED;
}
