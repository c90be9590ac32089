/*
 * fuzz_report.c - libFuzzer target: a description loaded from arbitrary
 * bytes (YAML or JSON, against the layouts of DATA_DIR) and, when it
 * loads, checked by every consistency rule of its layout.
 */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "check.h"
#include "diag.h"
#include "report.h"

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs once before the first input: no standard input to wait on. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_stdin();
	return 0;
}

/* Loads and checks one description; diagnostics are only counted, since
 * printing them would drown the fuzzer's own output. */
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
		check_report(r, r, &diag);    /* the cross-year rules too */
	}
	arena_destroy(a);
	return 0;
}
