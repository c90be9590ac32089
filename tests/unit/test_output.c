/*
 * test_output.c - atomic output: what a write leaves in the target's
 * folder, which leftovers of killed writers it removes (and which files it
 * must never touch), and targets that are links, devices or folders.
 */
#include "testing.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "output.h"

/* A fresh folder for one test; its path in dir (PATH_MAX bytes). */
static void
make_dir(char *dir)
{
	strcpy(dir, "/tmp/gk-output-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

/* dir/name, in a static buffer (one at a time). */
static const char *
in(const char *dir, const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

/* Creates dir/name holding text. */
static void
put(const char *dir, const char *name, const char *text)
{
	FILE *f = fopen(in(dir, name), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The names in dir, sorted, joined by spaces. */
static const char *
listing(const char *dir)
{
	static char out[1024];
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	assert_true(n >= 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 &&
		    strcmp(names[i]->d_name, "..") != 0) {
			if (out[0] != '\0')
				strcat(out, " ");
			strcat(out, names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return out;
}

/* Removes dir and what it holds (no subfolders). */
static void
remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlink(in(dir, e->d_name));
	closedir(d);
	rmdir(dir);
}

/* The contents of dir/name (up to 63 bytes). */
static const char *
contents(const char *dir, const char *name)
{
	static char buf[64];
	FILE *f = fopen(in(dir, name), "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_write_leaves_only_the_target(void **state)
{
	char dir[64];
	diag_sink diag;

	(void)state;
	make_dir(dir);
	diag_init(&diag, NULL);
	put(dir, "r.pdf", "old");
	assert_true(output_write_atomic(in(dir, "r.pdf"), "new", 3, &diag));
	assert_string_equal(listing(dir), "r.pdf");
	assert_string_equal(contents(dir, "r.pdf"), "new");
	assert_int_equal(diag.errors, 0);
	remove_dir(dir);
}

/* The file gets the permissions of a new file under the umask (027, set
 * by main), not the temporary file's 0600. */
static void
test_new_file_permissions(void **state)
{
	char dir[64];
	diag_sink diag;
	struct stat st;

	(void)state;
	make_dir(dir);
	diag_init(&diag, NULL);
	assert_true(output_write_atomic(in(dir, "r.pdf"), "new", 3, &diag));
	assert_int_equal(stat(in(dir, "r.pdf"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	remove_dir(dir);
}

/* Leftovers of this target's writers go; everything else stays: another
 * target's, near misses of the name, a link, a file a live writer holds
 * locked. */
static void
test_stale_temporary_files_removed(void **state)
{
	char dir[64];
	diag_sink diag;
	int held;

	(void)state;
	make_dir(dir);
	diag_init(&diag, NULL);
	put(dir, ".r.pdf.gkreport-Ab12Cd", "stale");
	put(dir, ".r.pdf.gkreport-zzzzzz", "stale");
	put(dir, ".r.pdf.gkreport-Live00", "live");
	put(dir, ".s.pdf.gkreport-Ab12Cd", "other target");
	put(dir, ".r.pdf.gkreport-Ab12C", "too short");
	put(dir, ".r.pdf.gkreport-Ab12Cd7", "too long");
	put(dir, ".r.pdf.gkreport-Ab_2Cd", "not mkstemp's");
	put(dir, ".r.pdf.backup", "the user's");
	put(dir, "x", "a link's target");
	assert_int_equal(symlink("x", in(dir, ".r.pdf.gkreport-Link00")), 0);
	held = open(in(dir, ".r.pdf.gkreport-Live00"), O_RDONLY);
	assert_true(held >= 0);
	assert_int_equal(flock(held, LOCK_EX), 0);

	assert_true(output_write_atomic(in(dir, "r.pdf"), "new", 3, &diag));
	assert_string_equal(listing(dir),
	                    ".r.pdf.backup .r.pdf.gkreport-Ab12C "
	                    ".r.pdf.gkreport-Ab12Cd7 .r.pdf.gkreport-Ab_2Cd "
	                    ".r.pdf.gkreport-Link00 .r.pdf.gkreport-Live00 "
	                    ".s.pdf.gkreport-Ab12Cd r.pdf x");
	close(held);
	remove_dir(dir);
}

/* A prepared folder: every stale leftover (of any target) goes at once,
 * a live writer's file and what is not ours stay; writes into it then no
 * longer scan for leftovers, until the folder is ended. */
static void
test_prepared_folder_cleaned_once(void **state)
{
	char dir[64];
	diag_sink diag;
	int held;

	(void)state;
	make_dir(dir);
	diag_init(&diag, NULL);
	put(dir, ".r.pdf.gkreport-Ab12Cd", "stale");
	put(dir, ".s.pdf.gkreport-Ab12Cd", "another target's, stale");
	put(dir, ".t.pdf.gkreport-Live00", "live");
	put(dir, ".gkreport-Ab12Cd", "no target");
	put(dir, ".u.pdf.gkreport-Ab_2Cd", "not mkstemp's");
	held = open(in(dir, ".t.pdf.gkreport-Live00"), O_RDONLY);
	assert_true(held >= 0);
	assert_int_equal(flock(held, LOCK_EX), 0);

	assert_true(output_folder_begin(dir));
	assert_string_equal(listing(dir), ".gkreport-Ab12Cd "
	                    ".t.pdf.gkreport-Live00 .u.pdf.gkreport-Ab_2Cd");
	close(held);
	/* left by a writer killed now: the next write does not look again */
	put(dir, ".r.pdf.gkreport-Kill3d", "stale");
	assert_true(output_write_atomic(in(dir, "r.pdf"), "new", 3, &diag));
	assert_string_equal(contents(dir, "r.pdf"), "new");
	assert_string_equal(listing(dir), ".gkreport-Ab12Cd "
	                    ".r.pdf.gkreport-Kill3d .t.pdf.gkreport-Live00 "
	                    ".u.pdf.gkreport-Ab_2Cd r.pdf");
	output_folder_end(dir);
	/* ended: a write cleans up after its target's writers again */
	assert_true(output_write_atomic(in(dir, "r.pdf"), "newer", 5, &diag));
	assert_string_equal(listing(dir), ".gkreport-Ab12Cd "
	                    ".t.pdf.gkreport-Live00 .u.pdf.gkreport-Ab_2Cd r.pdf");
	assert_int_equal(diag.errors, 0);
	remove_dir(dir);
}

/* Begin and end pair up: the folder stays prepared until the last end;
 * a folder that is not there cannot be prepared. */
static void
test_prepared_folder_nests(void **state)
{
	char dir[64], other[80];
	diag_sink diag;

	(void)state;
	make_dir(dir);
	diag_init(&diag, NULL);
	snprintf(other, sizeof(other), "%s/missing", dir);
	assert_false(output_folder_begin(other));
	assert_true(output_folder_begin(dir));
	assert_true(output_folder_begin(dir));
	output_folder_end(dir);
	put(dir, ".r.pdf.gkreport-Ab12Cd", "stale");
	assert_true(output_write_atomic(in(dir, "r.pdf"), "new", 3, &diag));
	assert_string_equal(listing(dir), ".r.pdf.gkreport-Ab12Cd r.pdf");
	output_folder_end(dir);
	assert_true(output_write_atomic(in(dir, "r.pdf"), "new", 3, &diag));
	assert_string_equal(listing(dir), "r.pdf");
	remove_dir(dir);
}

/* A link to a file: the file is replaced, the link kept. */
static void
test_symbolic_link_followed(void **state)
{
	char dir[64];
	diag_sink diag;
	struct stat st;

	(void)state;
	make_dir(dir);
	diag_init(&diag, NULL);
	put(dir, "real.pdf", "old");
	assert_int_equal(symlink("real.pdf", in(dir, "link.pdf")), 0);
	assert_true(output_write_atomic(in(dir, "link.pdf"), "new", 3, &diag));
	assert_int_equal(lstat(in(dir, "link.pdf"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_string_equal(contents(dir, "real.pdf"), "new");
	assert_string_equal(listing(dir), "link.pdf real.pdf");
	remove_dir(dir);
}

/* A character device is written, not replaced. */
static void
test_device_written_directly(void **state)
{
	diag_sink diag;
	struct stat st;

	(void)state;
	diag_init(&diag, NULL);
	assert_true(output_write_atomic("/dev/null", "new", 3, &diag));
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
}

static void
test_folder_refused(void **state)
{
	char dir[64];
	diag_sink diag;

	(void)state;
	make_dir(dir);
	diag_init(&diag, NULL);
	assert_false(output_write_atomic(dir, "new", 3, &diag));
	assert_int_equal(diag.errors, 1);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_leaves_only_the_target),
		cmocka_unit_test(test_new_file_permissions),
		cmocka_unit_test(test_stale_temporary_files_removed),
		cmocka_unit_test(test_prepared_folder_cleaned_once),
		cmocka_unit_test(test_prepared_folder_nests),
		cmocka_unit_test(test_symbolic_link_followed),
		cmocka_unit_test(test_device_written_directly),
		cmocka_unit_test(test_folder_refused),
	};

	umask(027);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
