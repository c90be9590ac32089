/*
 * test_font_files.c - one mapping per font file: shared, counted,
 * unmapped with its last user, errors with errno, and pages that can
 * leave the resident set without the bytes changing.
 */
#include "testing.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "font_files.h"

#define GBSN "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define ZENHEI "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

/* read_whole:
 * The file's bytes through stdio, to compare the mapping with. */
static unsigned char *
read_whole(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data;
	struct stat st;

	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	*size = (size_t)st.st_size;
	data = malloc(*size);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, *size, f), *size);
	fclose(f);
	return data;
}

static void
test_one_mapping_per_path(void **state)
{
	font_file *a, *b, *c;
	unsigned char *expected;
	size_t size;

	(void)state;
	assert_int_equal(font_file_mapped_count(), 0);
	a = font_file_acquire(GBSN);
	b = font_file_acquire(GBSN);
	c = font_file_acquire(ZENHEI);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, c);
	assert_int_equal(font_file_mapped_count(), 2);
	expected = read_whole(GBSN, &size);
	assert_int_equal(font_file_size(a), size);
	assert_memory_equal(font_file_data(a), expected, size);
	free(expected);
	font_file_release(a);
	assert_int_equal(font_file_mapped_count(), 2);   /* b still holds it */
	assert_int_equal(font_file_data(b)[0], 0);       /* sfnt version 0x00010000 */
	font_file_release(b);
	font_file_release(c);
	assert_int_equal(font_file_mapped_count(), 0);
	assert_int_equal(mapped_rss_kb(GBSN), -1);       /* unmapped */
	font_file_release(NULL);
}

static void
test_errors_set_errno(void **state)
{
	char dir[] = "/tmp/test_font_files_XXXXXX", empty[64];
	font_file *f;
	FILE *out;

	(void)state;
	assert_non_null(mkdtemp(dir));
	errno = 0;
	assert_null(font_file_acquire("/nonexistent/x.ttf"));
	assert_int_equal(errno, ENOENT);
	assert_null(font_file_acquire(dir));
	assert_int_equal(errno, EISDIR);
	snprintf(empty, sizeof(empty), "%s/empty.ttf", dir);
	assert_non_null(out = fopen(empty, "w"));
	fclose(out);
	f = font_file_acquire(empty);
	assert_non_null(f);
	assert_int_equal(font_file_size(f), 0);
	assert_null(font_file_data(f));
	font_file_release(f);
	assert_int_equal(font_file_mapped_count(), 0);
	unlink(empty);
	rmdir(dir);
}

/* Threads taking and dropping the same files: one mapping each at any
 * time, none left at the end. */
static void *
acquire_and_release(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 2000; i++) {
		font_file *a = font_file_acquire(i % 2 ? GBSN : ZENHEI);
		font_file *b = font_file_acquire(GBSN);

		if (a == NULL || b == NULL || font_file_data(b)[0] != 0)
			return "acquire failed";
		font_file_release(a);
		font_file_release(b);
	}
	return NULL;
}

static void
test_threads_share_the_registry(void **state)
{
	pthread_t ids[4];
	void *result;
	font_file *held = font_file_acquire(ZENHEI);
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&ids[i], NULL, acquire_and_release,
		                                 NULL), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(ids[i], &result), 0);
		assert_null(result);
	}
	assert_int_equal(font_file_mapped_count(), 1);
	font_file_release(held);
	assert_int_equal(font_file_mapped_count(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_mapping_per_path),
		cmocka_unit_test(test_errors_set_errno),
		cmocka_unit_test(test_threads_share_the_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
