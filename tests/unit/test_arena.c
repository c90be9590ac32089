/*
 * test_arena.c - the document arena: zeroed aligned blocks, strings
 * formatted in place or in a chunk of their own, and releases run when
 * the arena goes.
 */
#include "testing.h"

#include <stdint.h>

#include "arena.h"

/* Strings of every length around the free end of a chunk: formatted in
 * place when they fit, else in a new chunk, always whole and aligned,
 * and never overwriting what came before. */
static void
test_printf_at_chunk_ends(void **state)
{
	arena *a = arena_create();
	char *earlier[300];
	size_t i;

	(void)state;
	for (i = 0; i < 300; i++) {
		/* lengths from 0 to ~6000 bytes walk over several chunk ends */
		int width = (int)(i * i % 6007);

		earlier[i] = arena_printf(a, "%zu:%*s|", i, width, "");
		assert_int_equal((uintptr_t)earlier[i] % 16, 0);
	}
	for (i = 0; i < 300; i++) {
		char *expected = NULL;
		int width = (int)(i * i % 6007);

		assert_true(asprintf(&expected, "%zu:%*s|", i, width, "") > 0);
		assert_string_equal(earlier[i], expected);
		free(expected);
	}
	/* an allocation after a string is zeroed and does not overlap it */
	{
		char *s = arena_printf(a, "%s", "abc");
		unsigned char *z = arena_alloc(a, 64);

		assert_true((char *)z >= s + 4 || (char *)z + 64 <= s);
		for (i = 0; i < 64; i++)
			assert_int_equal(z[i], 0);
		assert_string_equal(s, "abc");
	}
	arena_destroy(a);
}

/* A string longer than a whole chunk gets a chunk of its own. */
static void
test_printf_longer_than_a_chunk(void **state)
{
	arena *a = arena_create();
	char *small = arena_printf(a, "%d", 42);
	char *big = arena_printf(a, "%200000s", "x");

	(void)state;
	assert_int_equal(strlen(big), 200000);
	assert_int_equal(big[199999], 'x');
	assert_string_equal(small, "42");
	arena_destroy(a);
}

/* Releases run once each, the last registered first, when the arena is
 * destroyed (a layout's compiled patterns go with it). */
static char order[8];
static size_t order_length;

static void
note_release(void *data)
{
	order[order_length++] = *(const char *)data;
}

static void
test_releases_run_newest_first(void **state)
{
	static const char names[] = "abc";
	arena *a = arena_create();

	(void)state;
	order_length = 0;
	for (size_t i = 0; i < 3; i++)
		arena_on_destroy(a, note_release, (void *)&names[i]);
	assert_int_equal(order_length, 0);
	arena_destroy(a);
	assert_int_equal(order_length, 3);
	assert_memory_equal(order, "cba", 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printf_at_chunk_ends),
		cmocka_unit_test(test_printf_longer_than_a_chunk),
		cmocka_unit_test(test_releases_run_newest_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
