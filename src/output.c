/*
 * output.c - atomic file output.
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes all of data to fd, retrying short writes and interruptions;
 * false with errno set when the system refuses more (full disk, EFBIG). */
static bool
write_all(int fd, const void *data, size_t size)
{
	const char *p = data;

	while (size > 0) {
		ssize_t n = write(fd, p, size);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += n;
		size -= (size_t)n;
	}
	return true;
}

/* "dir/.name.XXXXXX" beside path, for mkstemp: the same folder, so
 * that the final rename cannot cross file systems. */
static char *
temp_template(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dir_len;
	size_t n = strlen(path) + 16;
	char *t = malloc(n);

	if (t == NULL)
		return NULL;
	snprintf(t, n, "%.*s.%s.XXXXXX", (int)dir_len, path, base);
	return t;
}

/* Rejects targets that cannot be replaced by a file, with a message
 * clearer than rename's. */
static bool
target_is_writable_path(const char *path, diag_sink *diag)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		diag_error(diag, source_pos_file(NULL),
		           "cannot write '%s': it is a directory", path);
		return false;
	}
	return true;
}

/* Ignores SIGXFSZ (ulimit -f), saving the old action in *old, so that
 * writing past the limit fails with EFBIG instead of killing us. */
static void
ignore_file_size_signal(struct sigaction *old)
{
	struct sigaction ignore;

	memset(&ignore, 0, sizeof(ignore));
	ignore.sa_handler = SIG_IGN;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGXFSZ, &ignore, old);
}

/* Writes data to standard output (a pipe or a redirected file); a
 * failure names standard output. */
static bool
write_stdout(const void *data, size_t size, diag_sink *diag)
{
	struct sigaction old;
	bool ok;

	ignore_file_size_signal(&old);
	ok = write_all(STDOUT_FILENO, data, size);
	if (!ok)
		diag_error(diag, source_pos_file(NULL),
		           "cannot write standard output: %s", strerror(errno));
	sigaction(SIGXFSZ, &old, NULL);
	return ok;
}

/* Fills the temporary file fd and closes it; false with errno set on the
 * first failure, fd closed either way so the caller only unlinks. */
static bool
fill_and_close(int fd, const void *data, size_t size)
{
	mode_t mask = umask(0);
	int saved;

	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !write_all(fd, data, size) ||
	    fsync(fd) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return false;
	}
	return close(fd) == 0;
}

/* Writes data to a temporary file beside path and renames it over path.
 * SIGXFSZ is ignored meanwhile: past a file-size limit (ulimit -f) the
 * write then fails with EFBIG, and the temporary file is removed, where
 * the signal's default action would kill us and leave it behind. */
static bool
write_file(const char *path, const void *data, size_t size, diag_sink *diag)
{
	struct sigaction old;
	char *tmp = temp_template(path);
	int fd = tmp != NULL ? mkstemp(tmp) : -1;
	bool ok;

	if (fd < 0) {
		diag_error(diag, source_pos_file(NULL), "cannot write '%s': %s",
		           path, strerror(errno));
		free(tmp);
		return false;
	}
	ignore_file_size_signal(&old);
	ok = fill_and_close(fd, data, size) && rename(tmp, path) == 0;
	if (!ok) {
		int saved = errno;

		unlink(tmp);
		diag_error(diag, source_pos_file(NULL), "cannot write '%s': %s",
		           path, strerror(saved));
	}
	sigaction(SIGXFSZ, &old, NULL);
	free(tmp);
	return ok;
}

/* Writes data to path, or to standard output for "-", so that path holds
 * either its old contents or all of data, never part of it. */
bool
output_write_atomic(const char *path, const void *data, size_t size,
                    diag_sink *diag)
{
	if (strcmp(path, "-") == 0)
		return write_stdout(data, size, diag);
	if (!target_is_writable_path(path, diag))
		return false;
	return write_file(path, data, size, diag);
}
