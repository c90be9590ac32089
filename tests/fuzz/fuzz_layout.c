/*
 * fuzz_layout.c - libFuzzer target: a layout file (page, fonts, styles,
 * chapters, table grids, sums and rules) loaded from arbitrary bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loads one layout; diagnostics are only counted. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_create();
	diag_sink diag;

	diag_init(&diag, NULL);
	layout_load_buffer(a, "fuzz-layout.yaml", (const char *)data, size, &diag);
	arena_destroy(a);
	return 0;
}
