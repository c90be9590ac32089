/*
 * cache_dir.c - the folder of gkreport's caches (cache_dir.h).
 */
#include "cache_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

#define CACHE_FOLDER "gkreport"

bool
cache_dir_disabled(void)
{
	const char *off = getenv("GKREPORT_NO_FONT_CACHE");

	return off != NULL && off[0] != '\0' && strcmp(off, "0") != 0;
}

/* $XDG_CACHE_HOME, else ~/.cache (the XDG default); NULL without either. */
static const char *
cache_base(arena *a)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		return xdg;
	if (home != NULL && home[0] == '/')
		return arena_printf(a, "%s/.cache", home);
	return NULL;
}

const char *
cache_dir_path(arena *a, const char *name)
{
	const char *base = cache_dir_disabled() ? NULL : cache_base(a);

	return base != NULL ? arena_printf(a, "%s/" CACHE_FOLDER "/%s", base,
	                                   name) : NULL;
}

/* Makes each folder of path's parents from the cache base (the part of
 * path before "/gkreport/", whose own parent must exist) down; only the
 * last one for a path elsewhere (tests give their own folders). */
bool
cache_dir_make_parents(const char *path)
{
	const char *folder = strstr(path, "/" CACHE_FOLDER "/");
	char *copy, *slash;
	bool ok = true;

	copy = checked_memory(strdup(path));
	slash = folder != NULL ? copy + (folder - path) : strrchr(copy, '/');
	while (ok && slash != NULL) {
		*slash = '\0';
		ok = copy[0] == '\0' || mkdir(copy, 0700) == 0 || errno == EEXIST;
		*slash = '/';
		slash = strchr(slash + 1, '/');
	}
	free(copy);
	return ok;
}

bool
cache_dir_replace(const char *path, const void *data, size_t size)
{
	char *temp = NULL;
	bool saved;
	int fd;

	if (!cache_dir_make_parents(path) ||
	    asprintf(&temp, "%s.XXXXXX", path) < 0)
		return false;
	if ((fd = mkstemp(temp)) < 0) {
		free(temp);
		return false;
	}
	saved = output_write_all(fd, data, size);
	saved = close(fd) == 0 && saved && rename(temp, path) == 0;
	if (!saved)
		unlink(temp);
	free(temp);
	return saved;
}
