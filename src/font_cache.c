/*
 * font_cache.c - fontconfig's answers to family lookups, kept between runs.
 *
 * The file is text, one record a line, fields separated by tabs:
 *
 *   gkreport font cache 1
 *   fontconfig  21401                     FcGetVersion()
 *   env         HOME  /root               (just "env NAME" when unset)
 *   stat        SEC  NSEC  PATH           mtime; "- -" when missing
 *   lookup      FAMILY  =STYLE  COUNT     ("" for any style)
 *   face        PATH  INDEX  FAMILY  STYLE  WEIGHT-DISTANCE  ITALIC  OUTLINE
 *   sum         FNV-1a 64 of every byte before this line
 *
 * The header, version and environment lines must equal what this process
 * would write; every stat line must still hold.  Names holding a tab or a
 * line end are never written, so a field never needs quoting.
 */
#include "font_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_dir.h"

#define CACHE_HEADER "gkreport font cache 1\n"
#define CACHE_FILE "fonts"
#define MAX_CACHE_SIZE (1u << 20)
#define MAX_FIELDS 8

/* Modified this close to (or after) fontconfig's loading, a file may
 * have changed while fontconfig read it: its answers are not kept. */
#define RACY_SECONDS 1

/* The environment fontconfig's answers depend on: where it finds its
 * configuration, and where that configuration finds fonts. */
static const char *const stamped_env[] = {
	"FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "HOME",
	"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_DATA_DIRS", NULL
};

/* One lookup and fontconfig's answer. */
typedef struct cached_lookup {
	const char *family;
	const char *style;          /* NULL: any style */
	font_candidate *list;
	size_t count;
} cached_lookup;

struct font_cache {
	arena *arena;
	const char *path;           /* the cache file; NULL: nowhere to keep it */
	bool valid;
	cached_lookup *lookups;
	size_t count;
};

/* ------------------------------------------------------------------ */
/* Where, and the stamp                                               */
/* ------------------------------------------------------------------ */

/* stamp_prefix:
 * The lines that must equal what the file starts with: header,
 * fontconfig's version and the environment it reads. */
static char *
stamp_prefix(arena *a)
{
	char *s = arena_printf(a, "%sfontconfig\t%d\n", CACHE_HEADER,
	                       FcGetVersion());
	size_t i;

	for (i = 0; stamped_env[i] != NULL; i++) {
		const char *v = getenv(stamped_env[i]);

		s = v != NULL ? arena_printf(a, "%senv\t%s\t%s\n", s, stamped_env[i], v)
		              : arena_printf(a, "%senv\t%s\n", s, stamped_env[i]);
	}
	return s;
}

/* fnv1a:
 * A 64-bit FNV-1a hash: finds truncated and damaged files. */
static uint64_t
fnv1a(const char *data, size_t size)
{
	uint64_t h = 14695981039346656037u;
	size_t i;

	for (i = 0; i < size; i++) {
		h ^= (unsigned char)data[i];
		h *= 1099511628211u;
	}
	return h;
}

/* ------------------------------------------------------------------ */
/* Loading                                                            */
/* ------------------------------------------------------------------ */

/* read_small_file:
 * The whole file, NUL-terminated, in a; NULL when missing or too big. */
static char *
read_small_file(arena *a, const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *data = NULL;

	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0 && st.st_size < MAX_CACHE_SIZE) {
		data = arena_alloc(a, (size_t)st.st_size + 1);
		*size = fread(data, 1, (size_t)st.st_size, f);
		data[*size] = '\0';
		if (*size != (size_t)st.st_size)
			data = NULL;
	}
	fclose(f);
	return data;
}

/* split_fields:
 * Cuts line at its tabs (in place) into at most MAX_FIELDS fields;
 * returns how many. */
static size_t
split_fields(char *line, char **fields)
{
	size_t n = 0;

	fields[n++] = line;
	for (; *line != '\0'; line++)
		if (*line == '\t') {
			if (n == MAX_FIELDS)
				return 0;
			*line = '\0';
			fields[n++] = line + 1;
		}
	return n;
}

/* parse_int:
 * A decimal integer field (optionally negative); false when it is not. */
static bool
parse_int(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return *s != '\0' && *end == '\0' && errno == 0;
}

/* stat_holds:
 * Whether a stat line's path still has the mtime it records ("-" for a
 * path that did not exist). */
static bool
stat_holds(char **f, size_t n)
{
	struct stat st;
	long long sec, nsec;
	bool exists;

	if (n != 4)
		return false;
	exists = stat(f[3], &st) == 0;
	if (strcmp(f[1], "-") == 0)
		return !exists && strcmp(f[2], "-") == 0;
	return exists && parse_int(f[1], &sec) && parse_int(f[2], &nsec) &&
	       sec == (long long)st.st_mtim.tv_sec &&
	       nsec == (long long)st.st_mtim.tv_nsec;
}

/* parse_face:
 * A face line into c; false when malformed. */
static bool
parse_face(char **f, size_t n, font_candidate *c)
{
	long long index, distance, italic, outline;

	if (n != 8 || strcmp(f[0], "face") != 0 || !parse_int(f[2], &index) ||
	    !parse_int(f[5], &distance) || !parse_int(f[6], &italic) ||
	    !parse_int(f[7], &outline) || outline < OUTLINE_TRUETYPE ||
	    outline > OUTLINE_OTHER || index < 0 || index > 65535)
		return false;
	c->path = f[1];
	c->index = (int)index;
	c->family = f[3];
	c->style = f[4];
	c->weight_distance = (int)distance;
	c->italic = italic != 0;
	c->outline = (font_outline)outline;
	return true;
}

/* parse_lookup:
 * A lookup line and the face lines after it (*line advances past them);
 * false when malformed. */
static bool
parse_lookup(font_cache *cache, char **f, size_t n, char **line)
{
	cached_lookup *l;
	long long count;
	size_t i;

	if (n != 4 || (f[2][0] != '\0' && f[2][0] != '=') ||
	    !parse_int(f[3], &count) || count < 0 || count > 4096)
		return false;
	cache->lookups = arena_grow(cache->arena, cache->lookups, cache->count,
	                            cache->count + 1, sizeof(*cache->lookups));
	l = &cache->lookups[cache->count++];
	l->family = f[1];
	l->style = f[2][0] == '=' ? f[2] + 1 : NULL;
	l->count = (size_t)count;
	l->list = arena_calloc(cache->arena, l->count + 1, sizeof(*l->list));
	for (i = 0; i < l->count; i++) {
		char *face[MAX_FIELDS], *next = strchr(*line, '\n');

		if (next == NULL)
			return false;
		*next = '\0';
		if (!parse_face(face, split_fields(*line, face), &l->list[i]))
			return false;
		*line = next + 1;
	}
	return true;
}

/* parse_records:
 * Every line after the prefix, up to the sum line: stats must hold,
 * lookups are kept.  False at the first that does not. */
static bool
parse_records(font_cache *cache, char *line, const char *end)
{
	while (line < end) {
		char *f[MAX_FIELDS], *next = strchr(line, '\n');
		size_t n;

		if (next == NULL || next >= end)
			return false;
		*next = '\0';
		n = split_fields(line, f);
		line = next + 1;
		if (n > 0 && strcmp(f[0], "stat") == 0) {
			if (!stat_holds(f, n))
				return false;
		} else if (n == 0 || strcmp(f[0], "lookup") != 0 ||
		           !parse_lookup(cache, f, n, &line)) {
			return false;
		}
	}
	return true;
}

/* checked_body:
 * The records between the stamp prefix and a matching sum line, or NULL
 * when the file was written for another environment or is damaged;
 * *end gets where the sum line starts. */
static char *
checked_body(arena *a, char *data, size_t size, const char **end)
{
	const char *prefix = stamp_prefix(a);
	size_t plen = strlen(prefix);
	char *sum, expected[32];

	if (size < plen + 1 || memcmp(data, prefix, plen) != 0 ||
	    data[size - 1] != '\n')
		return NULL;
	data[size - 1] = '\0';
	sum = strrchr(data, '\n');
	if (sum == NULL || sum < data + plen - 1)
		return NULL;
	sum++;
	snprintf(expected, sizeof(expected), "sum\t%016" PRIx64,
	         fnv1a(data, (size_t)(sum - data)));
	if (strcmp(sum, expected) != 0)
		return NULL;
	*end = sum;
	return data + plen;
}

/* font_cache_load:
 * An empty cache unless the file's stamp holds in full. */
font_cache *
font_cache_load(arena *a)
{
	font_cache *cache;
	const char *end;
	char *data, *body;
	size_t size = 0;

	if (cache_dir_disabled())
		return NULL;
	cache = arena_calloc(a, 1, sizeof(*cache));
	cache->arena = a;
	cache->path = cache_dir_path(a, CACHE_FILE);
	if (cache->path == NULL)
		return cache;
	data = read_small_file(a, cache->path, &size);
	body = data != NULL ? checked_body(a, data, size, &end) : NULL;
	if (body != NULL && parse_records(cache, body, end))
		cache->valid = true;
	else
		cache->count = 0;
	return cache;
}

bool
font_cache_is_valid(const font_cache *cache)
{
	return cache != NULL && cache->valid;
}

/* same_style:
 * Both NULL (any style), or the same style. */
static bool
same_style(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* find_lookup:
 * The cached lookup of family and style, or NULL. */
static cached_lookup *
find_lookup(const font_cache *cache, const char *family, const char *style)
{
	size_t i;

	for (i = 0; i < cache->count; i++)
		if (strcmp(cache->lookups[i].family, family) == 0 &&
		    same_style(cache->lookups[i].style, style))
			return &cache->lookups[i];
	return NULL;
}

/* font_cache_find:
 * Answers a lookup from a valid cache. */
bool
font_cache_find(const font_cache *cache, const char *family,
                const char *style, const font_candidate **out, size_t *count)
{
	const cached_lookup *l = cache->valid ?
	                         find_lookup(cache, family, style) : NULL;

	if (l == NULL)
		return false;
	*out = l->list;
	*count = l->count;
	return true;
}

size_t
font_cache_lookup_count(const font_cache *cache)
{
	return cache->count;
}

void
font_cache_lookup(const font_cache *cache, size_t i, const char **family,
                  const char **style)
{
	*family = cache->lookups[i].family;
	*style = cache->lookups[i].style;
}

/* font_cache_store:
 * Keeps fontconfig's answer (the list is the caller's, in the same
 * arena), replacing the cached one. */
void
font_cache_store(font_cache *cache, const char *family, const char *style,
                 const font_candidate *list, size_t count)
{
	cached_lookup *l = find_lookup(cache, family, style);

	if (l == NULL) {
		cache->lookups = arena_grow(cache->arena, cache->lookups,
		                            cache->count, cache->count + 1,
		                            sizeof(*cache->lookups));
		l = &cache->lookups[cache->count++];
		l->family = arena_strdup(cache->arena, family);
		l->style = style != NULL ? arena_strdup(cache->arena, style) : NULL;
	}
	l->list = (font_candidate *)list;
	l->count = count;
}

/* ------------------------------------------------------------------ */
/* Saving                                                             */
/* ------------------------------------------------------------------ */

/* A cache file being written into memory. */
typedef struct cache_writer {
	FILE *out;
	const struct timespec *loaded_at;
	bool ok;                    /* false: something must not be kept */
} cache_writer;

/* plain_field:
 * Whether s can be written as a field (no tab, no line end). */
static bool
plain_field(const char *s)
{
	return s != NULL && strpbrk(s, "\t\n\r") == NULL;
}

/* write_stat:
 * One stat line; a path changed since fontconfig loaded (or unwritable)
 * spoils the save. */
static void
write_stat(cache_writer *w, const char *path)
{
	struct stat st;

	if (!plain_field(path)) {
		w->ok = false;
		return;
	}
	if (stat(path, &st) != 0) {
		fprintf(w->out, "stat\t-\t-\t%s\n", path);
		return;
	}
	if (st.st_mtim.tv_sec + RACY_SECONDS >= w->loaded_at->tv_sec)
		w->ok = false;
	fprintf(w->out, "stat\t%lld\t%ld\t%s\n", (long long)st.st_mtim.tv_sec,
	        (long)st.st_mtim.tv_nsec, path);
}

/* write_stat_list:
 * A stat line for every path of one of fontconfig's lists. */
static void
write_stat_list(cache_writer *w, FcStrList *list)
{
	FcChar8 *s;

	if (list == NULL) {
		w->ok = false;
		return;
	}
	while ((s = FcStrListNext(list)) != NULL)
		write_stat(w, (const char *)s);
	FcStrListDone(list);
}

/* write_user_config_stats:
 * The user's configuration files fontconfig includes when they exist
 * (FcConfigGetConfigFiles lists only those that did), so that creating
 * one invalidates the cache. */
static void
write_user_config_stats(cache_writer *w, arena *a)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	const char *config = xdg != NULL && xdg[0] != '\0' ? xdg
	    : home != NULL ? arena_printf(a, "%s/.config", home) : NULL;

	if (config != NULL) {
		write_stat(w, arena_printf(a, "%s/fontconfig", config));
		write_stat(w, arena_printf(a, "%s/fontconfig/fonts.conf", config));
		write_stat(w, arena_printf(a, "%s/fontconfig/conf.d", config));
	}
	if (home != NULL) {
		write_stat(w, arena_printf(a, "%s/.fonts.conf", home));
		write_stat(w, arena_printf(a, "%s/.fonts.conf.d", home));
	}
}

/* write_lookup:
 * A lookup line and its face lines. */
static void
write_lookup(cache_writer *w, const cached_lookup *l)
{
	size_t i;

	if (!plain_field(l->family) || (l->style != NULL && !plain_field(l->style))) {
		w->ok = false;
		return;
	}
	fprintf(w->out, "lookup\t%s\t%s%s\t%zu\n", l->family,
	        l->style != NULL ? "=" : "", l->style != NULL ? l->style : "",
	        l->count);
	for (i = 0; i < l->count; i++) {
		const font_candidate *c = &l->list[i];

		if (!plain_field(c->path) || !plain_field(c->family) ||
		    !plain_field(c->style))
			w->ok = false;
		fprintf(w->out, "face\t%s\t%d\t%s\t%s\t%d\t%d\t%d\n", c->path,
		        c->index, c->family, c->style, c->weight_distance,
		        c->italic ? 1 : 0, (int)c->outline);
	}
}

/* font_cache_save:
 * The stamp from fc, the lookups, the sum; then the file replaced. */
void
font_cache_save(font_cache *cache, FcConfig *fc,
                const struct timespec *loaded_at)
{
	cache_writer w = { .loaded_at = loaded_at, .ok = true };
	char *data = NULL;
	size_t size = 0, i;

	if (cache == NULL || cache->path == NULL || fc == NULL ||
	    (w.out = open_memstream(&data, &size)) == NULL)
		return;
	fputs(stamp_prefix(cache->arena), w.out);
	write_stat_list(&w, FcConfigGetConfigFiles(fc));
	write_stat_list(&w, FcConfigGetConfigDirs(fc));
	write_stat_list(&w, FcConfigGetFontDirs(fc));
	write_user_config_stats(&w, cache->arena);
	for (i = 0; i < cache->count; i++)
		write_lookup(&w, &cache->lookups[i]);
	fflush(w.out);
	fprintf(w.out, "sum\t%016" PRIx64 "\n", fnv1a(data, size));
	if (fclose(w.out) == 0 && w.ok)
		cache_dir_replace(cache->path, data, size);
	free(data);
}
