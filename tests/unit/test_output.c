/*
 * test_output.c - atomic output: what a write leaves in the target's
 * folder, which leftovers of killed writers it removes (and which files it
 * must never touch), targets that are links, devices or folders, and
 * commits handed to a folder's committer thread.
 */
#include "testing.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* ---- fsync, under the tests' control ----------------------------------- */

/* The fsync output.c calls is this one: for a file whose path holds
 * fail_fsync_of it fails with EIO, as on a disk error; for one whose
 * path holds hold_fsync_of it first waits for a byte on hold_pipe, two
 * seconds at most (a write that waits for its own flush would wait for
 * ever, the test failing by a hang). */
static const char *fail_fsync_of, *hold_fsync_of;
static int hold_pipe[2];

/* True when the file open as fd has a path holding part. */
static bool
fd_path_has(int fd, const char *part)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return false;
	path[n] = '\0';
	return strstr(path, part) != NULL;
}

int
fsync(int fd)
{
	char byte;

	if (fail_fsync_of != NULL && fd_path_has(fd, fail_fsync_of)) {
		errno = EIO;
		return -1;
	}
	if (hold_fsync_of != NULL && fd_path_has(fd, hold_fsync_of) &&
	    poll(&(struct pollfd){ hold_pipe[0], POLLIN, 0 }, 1, 2000) == 1)
		assert_int_equal(read(hold_pipe[0], &byte, 1), 1);
	return (int)syscall(SYS_fsync, fd);
}

/* What output_folder_finish_commits reported. */
typedef struct commit_failures {
	int count;
	char path[512];              /* the last one's */
	int error;
} commit_failures;

static void
note_failure(void *context, const char *path, int error)
{
	commit_failures *f = context;

	f->count++;
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->error = error;
}

/* ---- the tests ---------------------------------------------------------- */

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

/* Commits are handed over only in a prepared folder, and to one
 * committer at a time. */
static void
test_deferred_commits_need_a_prepared_folder(void **state)
{
	char dir[64];

	(void)state;
	make_dir(dir);
	assert_false(output_folder_defer_commits(dir, 1, 4));
	assert_true(output_folder_begin(dir));
	assert_false(output_folder_defer_commits(dir, 0, 4));
	assert_false(output_folder_defer_commits(dir, 1, 0));
	assert_true(output_folder_defer_commits(dir, 1, 4));
	assert_false(output_folder_defer_commits(dir, 1, 4));
	output_folder_finish_commits(dir, NULL, NULL);
	assert_true(output_folder_defer_commits(dir, 1, 4));
	output_folder_finish_commits(dir, NULL, NULL);
	output_folder_end(dir);
	remove_dir(dir);
}

/* A deferred write returns with its bytes in the temporary file, which
 * stays locked (no other writer's cleanup takes it) and the target
 * untouched until the committer has flushed and renamed it; finishing
 * waits for that. */
static void
test_deferred_write_returns_before_its_commit(void **state)
{
	char dir[64], temp[300];
	diag_sink diag;
	commit_failures failures = { 0 };
	struct dirent **names;
	int n, fd;

	(void)state;
	make_dir(dir);
	diag_init(&diag, NULL);
	put(dir, "r.pdf", "old");
	assert_int_equal(pipe(hold_pipe), 0);
	hold_fsync_of = "/.r.pdf.gkreport-";
	assert_true(output_folder_begin(dir));
	assert_true(output_folder_defer_commits(dir, 1, 2));
	assert_true(output_write_atomic(in(dir, "r.pdf"), "new", 3, &diag));

	assert_string_equal(contents(dir, "r.pdf"), "old");
	n = scandir(dir, &names, NULL, alphasort);
	assert_int_equal(n, 4);      /* ., .., the temporary file, r.pdf */
	snprintf(temp, sizeof(temp), "%s", names[2]->d_name);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	assert_int_equal(strncmp(temp, ".r.pdf.gkreport-", 16), 0);
	assert_string_equal(contents(dir, temp), "new");
	fd = open(in(dir, temp), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
	close(fd);

	assert_int_equal(write(hold_pipe[1], "", 1), 1);
	output_folder_finish_commits(dir, note_failure, &failures);
	hold_fsync_of = NULL;
	close(hold_pipe[0]);
	close(hold_pipe[1]);
	assert_int_equal(failures.count, 0);
	assert_string_equal(listing(dir), "r.pdf");
	assert_string_equal(contents(dir, "r.pdf"), "new");
	output_folder_end(dir);
	assert_int_equal(diag.errors, 0);
	remove_dir(dir);
}

/* A writer of the folder dir_for_writer, in a thread of its own:
 * writes c.pdf and notes that it returned. */
static char dir_for_writer[64];
static volatile int writer_returned;

static void *
write_c(void *arg)
{
	diag_sink diag;

	(void)arg;
	diag_init(&diag, NULL);
	if (output_write_atomic(in(dir_for_writer, "c.pdf"), "c", 1, &diag))
		writer_returned = 1;
	return NULL;
}

/* The queue is bounded: with the one committer held in a flush and
 * max_pending writes waiting, the next writer waits for room until the
 * flush is let go. */
static void
test_deferred_writers_wait_for_room(void **state)
{
	diag_sink diag;
	pthread_t writer;
	const char *dir = dir_for_writer;

	(void)state;
	make_dir(dir_for_writer);
	diag_init(&diag, NULL);
	assert_int_equal(pipe(hold_pipe), 0);
	hold_fsync_of = "/.a.pdf.gkreport-";
	assert_true(output_folder_begin(dir));
	assert_true(output_folder_defer_commits(dir, 1, 1));
	assert_true(output_write_atomic(in(dir, "a.pdf"), "a", 1, &diag));
	assert_true(output_write_atomic(in(dir, "b.pdf"), "b", 1, &diag));
	writer_returned = 0;
	assert_int_equal(pthread_create(&writer, NULL, write_c, NULL), 0);
	usleep(200000);
	assert_int_equal(writer_returned, 0);
	assert_int_equal(write(hold_pipe[1], "", 1), 1);
	assert_int_equal(pthread_join(writer, NULL), 0);
	assert_int_equal(writer_returned, 1);
	output_folder_finish_commits(dir, NULL, NULL);
	hold_fsync_of = NULL;
	close(hold_pipe[0]);
	close(hold_pipe[1]);
	assert_string_equal(listing(dir), "a.pdf b.pdf c.pdf");
	output_folder_end(dir);
	remove_dir(dir);
}

/* A commit that fails (the flush, here) is reported for its own target
 * only, as its writer named it, with the same diagnostic a synchronous
 * write gives; its temporary file is removed, the old file kept, the
 * other writes committed. */
static void
test_deferred_commit_failure_names_its_file(void **state)
{
	char dir[64], expected[640];
	diag_capture c;
	commit_failures failures = { 0 };

	(void)state;
	make_dir(dir);
	diag_capture_begin(&c);
	put(dir, "b.pdf", "old");
	fail_fsync_of = "/.b.pdf.gkreport-";
	assert_true(output_folder_begin(dir));
	assert_true(output_folder_defer_commits(dir, 2, 2));
	assert_true(output_write_atomic(in(dir, "a.pdf"), "new a", 5, &c.diag));
	assert_true(output_write_atomic(in(dir, "b.pdf"), "new b", 5, &c.diag));
	assert_true(output_write_atomic(in(dir, "c.pdf"), "new c", 5, &c.diag));
	output_folder_finish_commits(dir, note_failure, &failures);
	fail_fsync_of = NULL;

	assert_int_equal(failures.count, 1);
	assert_string_equal(failures.path, in(dir, "b.pdf"));
	assert_int_equal(failures.error, EIO);
	assert_string_equal(listing(dir), "a.pdf b.pdf c.pdf");
	assert_string_equal(contents(dir, "a.pdf"), "new a");
	assert_string_equal(contents(dir, "b.pdf"), "old");
	assert_string_equal(contents(dir, "c.pdf"), "new c");
	assert_string_equal(diag_capture_text(&c), "");
	output_report_failure(&c.diag, failures.path, failures.error);
	snprintf(expected, sizeof(expected), "gkreport: error: cannot write "
	         "'%s': Input/output error\n", in(dir, "b.pdf"));
	assert_string_equal(diag_capture_text(&c), expected);
	output_folder_end(dir);
	diag_capture_end(&c);
	remove_dir(dir);
}

/* The same failure of a synchronous write: reported at once, alike. */
static void
test_failed_flush_reported(void **state)
{
	char dir[64], expected[640];
	diag_capture c;

	(void)state;
	make_dir(dir);
	diag_capture_begin(&c);
	put(dir, "b.pdf", "old");
	fail_fsync_of = "/.b.pdf.gkreport-";
	assert_false(output_write_atomic(in(dir, "b.pdf"), "new b", 5, &c.diag));
	fail_fsync_of = NULL;
	snprintf(expected, sizeof(expected), "gkreport: error: cannot write "
	         "'%s': Input/output error\n", in(dir, "b.pdf"));
	assert_string_equal(diag_capture_text(&c), expected);
	assert_string_equal(listing(dir), "b.pdf");
	assert_string_equal(contents(dir, "b.pdf"), "old");
	diag_capture_end(&c);
	remove_dir(dir);
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
		cmocka_unit_test(test_deferred_commits_need_a_prepared_folder),
		cmocka_unit_test(test_deferred_write_returns_before_its_commit),
		cmocka_unit_test(test_deferred_writers_wait_for_room),
		cmocka_unit_test(test_deferred_commit_failure_names_its_file),
		cmocka_unit_test(test_failed_flush_reported),
	};

	umask(027);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
