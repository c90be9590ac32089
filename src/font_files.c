/*
 * font_files.c - the process's font file mappings, one per path.
 *
 * A short list under one mutex: a render opens about six files and a
 * batch the same ones again, so a linear search costs nothing next to
 * what a face does with the bytes.  Mapping happens under the lock, so
 * two threads asking for the same file at once still map it once.
 */
#include "font_files.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct font_file {
	char *path;
	const unsigned char *data;   /* NULL for an empty file */
	size_t size;
	size_t references;
	font_file *next;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static font_file *registry;      /* every mapped file, newest first */

/* find_mapped:
 * The registered mapping of path, or NULL; the lock is held. */
static font_file *
find_mapped(const char *path)
{
	font_file *f;

	for (f = registry; f != NULL; f = f->next)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

/* map_whole_file:
 * Maps an open regular file read-only; an empty file maps to nothing
 * (mmap refuses length 0).  False with errno set. */
static bool
map_whole_file(int fd, font_file *f)
{
	struct stat st;
	void *data;

	if (fstat(fd, &st) != 0)
		return false;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
		return false;
	}
	f->size = (size_t)st.st_size;
	if (f->size == 0)
		return true;
	data = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (data == MAP_FAILED)
		return false;
	f->data = data;
	return true;
}

/* map_file:
 * A new registry entry for path with one reference; NULL with errno. */
static font_file *
map_file(const char *path)
{
	font_file *f = calloc(1, sizeof(*f));
	int fd, saved;
	bool mapped;

	if (f == NULL || (f->path = strdup(path)) == NULL) {
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	mapped = fd >= 0 && map_whole_file(fd, f);
	saved = errno;
	if (fd >= 0)
		close(fd);          /* the mapping keeps the file's pages */
	if (!mapped) {
		free(f->path);
		free(f);
		errno = saved;
		return NULL;
	}
	f->references = 1;
	return f;
}

/* font_file_acquire:
 * A reference to path's mapping, made on first use. */
font_file *
font_file_acquire(const char *path)
{
	font_file *f;

	pthread_mutex_lock(&registry_lock);
	f = find_mapped(path);
	if (f != NULL) {
		f->references++;
	} else if ((f = map_file(path)) != NULL) {
		f->next = registry;
		registry = f;
	}
	pthread_mutex_unlock(&registry_lock);
	return f;
}

/* unlink_mapped:
 * Takes f out of the registry list; the lock is held. */
static void
unlink_mapped(font_file *f)
{
	font_file **at = &registry;

	while (*at != f)
		at = &(*at)->next;
	*at = f->next;
}

/* font_file_release:
 * Drops one reference; the last unmaps the file. */
void
font_file_release(void *file)
{
	font_file *f = file;
	bool last;

	if (f == NULL)
		return;
	pthread_mutex_lock(&registry_lock);
	last = --f->references == 0;
	if (last)
		unlink_mapped(f);
	pthread_mutex_unlock(&registry_lock);
	if (!last)
		return;
	if (f->data != NULL)
		munmap((void *)f->data, f->size);
	free(f->path);
	free(f);
}

const unsigned char *
font_file_data(const font_file *file)
{
	return file->data;
}

size_t
font_file_size(const font_file *file)
{
	return file->size;
}

/* font_file_mapped_count:
 * Entries in the registry, empty files included. */
size_t
font_file_mapped_count(void)
{
	size_t n = 0;
	const font_file *f;

	pthread_mutex_lock(&registry_lock);
	for (f = registry; f != NULL; f = f->next)
		n++;
	pthread_mutex_unlock(&registry_lock);
	return n;
}
