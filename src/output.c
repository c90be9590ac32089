/*
 * output.c - atomic file output.
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* "dir/.name.XXXXXX" beside path, for mkstemp. */
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

bool
output_write_atomic(const char *path, const void *data, size_t size,
                    diag_sink *diag)
{
	char *tmp;
	int fd, saved;
	mode_t mask;

	if (strcmp(path, "-") == 0) {
		if (write_all(STDOUT_FILENO, data, size))
			return true;
		diag_error(diag, source_pos_file(NULL),
		           "cannot write standard output: %s", strerror(errno));
		return false;
	}
	if (!target_is_writable_path(path, diag))
		return false;
	tmp = temp_template(path);
	if (tmp == NULL || (fd = mkstemp(tmp)) < 0) {
		diag_error(diag, source_pos_file(NULL), "cannot write '%s': %s",
		           path, strerror(errno));
		free(tmp);
		return false;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !write_all(fd, data, size) ||
	    fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		diag_error(diag, source_pos_file(NULL), "cannot write '%s': %s",
		           path, strerror(saved));
		free(tmp);
		return false;
	}
	free(tmp);
	return true;
}
