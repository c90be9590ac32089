/*
 * batch_names.c - safe, unique output names for a batch.
 */
#include "batch_names.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "utf8.h"

/* The placeholders a pattern may use. */
static const char *const placeholders[] = { "{agency}", "{year}", "{name}" };
#define PLACEHOLDER_COUNT (sizeof(placeholders) / sizeof(placeholders[0]))

/* The index of the placeholder s starts with, or -1. */
static int
placeholder_at(const char *s)
{
	for (size_t i = 0; i < PLACEHOLDER_COUNT; i++)
		if (strncmp(s, placeholders[i], strlen(placeholders[i])) == 0)
			return (int)i;
	return -1;
}

bool
batch_pattern_valid(const char *pattern, const char **bad)
{
	for (const char *p = pattern; *p != '\0'; p++) {
		if (*p == '{' && placeholder_at(p) >= 0) {
			p = strchr(p, '}');
			continue;
		}
		if (*p == '{' || *p == '}') {
			*bad = p;
			return false;
		}
	}
	return true;
}

bool
batch_pattern_needs_content(const char *pattern)
{
	return strstr(pattern, "{agency}") != NULL ||
	       strstr(pattern, "{year}") != NULL;
}

/* The value of placeholder i in fields ("unknown" when not known). */
static const char *
field_value(const name_fields *fields, int i)
{
	const char *v = i == 0 ? fields->agency : i == 1 ? fields->year
	    : fields->name;

	return v != NULL && *v != '\0' ? v : "unknown";
}

/* The pattern with its placeholders replaced, not yet made safe. */
static char *
fill_pattern(const char *pattern, const name_fields *fields)
{
	size_t size = strlen(pattern) + 1, n = 0;
	char *out;

	for (size_t i = 0; i < PLACEHOLDER_COUNT; i++)
		for (const char *p = pattern; (p = strstr(p, placeholders[i])) != NULL;
		     p++)
			size += strlen(field_value(fields, (int)i));
	out = checked_memory(malloc(size));
	for (const char *p = pattern; *p != '\0';) {
		int k = placeholder_at(p);

		if (k < 0) {
			out[n++] = *p++;
			continue;
		}
		memcpy(out + n, field_value(fields, k), strlen(field_value(fields, k)));
		n += strlen(field_value(fields, k));
		p += strlen(placeholders[k]);
	}
	out[n] = '\0';
	return out;
}

/* True for a byte that must not be in a file name as it stands: a path
 * separator, a control character or DEL. */
static bool
unsafe_byte(unsigned char c)
{
	return c == '/' || c == '\\' || c < 0x20 || c == 0x7f;
}

/* Replaces, in place, what must not be in one path component: unsafe
 * bytes, bytes that are not UTF-8 (and C1 controls), a leading '.', the
 * second dot of "..".  Returns the length. */
static size_t
make_safe(char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = (unsigned char)s[i] < 0x80 ? 1
		    : utf8_decode(s + i, len - i, &cp);

		if (n == 0 || (cp >= 0x80 && cp < 0xa0)) {
			memset(s + i, '_', n == 0 ? 1 : n);
			n = n == 0 ? 1 : n;
		} else if (n == 1 && (unsafe_byte((unsigned char)s[i]) ||
		           (s[i] == '.' && (i == 0 || s[i - 1] == '.')))) {
			s[i] = '_';
		}
		i += n;
	}
	return len;
}

/* Cuts s to at most max bytes without splitting a character (s is
 * valid UTF-8 by now). */
static void
cut_at_boundary(char *s, size_t len, size_t max)
{
	if (len <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

char *
batch_name_make(const char *pattern, const name_fields *fields)
{
	char *name = fill_pattern(pattern, fields);
	size_t len = make_safe(name);

	cut_at_boundary(name, len, BATCH_NAME_MAX_BYTES);
	if (name[0] == '\0') {
		free(name);
		name = checked_memory(strdup("report"));
	}
	return name;
}

char *
batch_name_stem(const char *path)
{
	static const char *const exts[] = { ".yaml", ".yml", ".json" };
	const char *slash = strrchr(path, '/');
	char *stem = checked_memory(strdup(slash != NULL ? slash + 1 : path));
	size_t len = strlen(stem);

	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t n = strlen(exts[i]);

		if (len > n && strcmp(stem + len - n, exts[i]) == 0) {
			stem[len - n] = '\0';
			break;
		}
	}
	return stem;
}

/* ---- the set of names taken ------------------------------------------ */

struct name_set {
	char **slots;                /* open addressing, NULL = free */
	size_t capacity, count;
};

name_set *
name_set_create(void)
{
	name_set *s = checked_memory(calloc(1, sizeof(*s)));

	s->capacity = 64;
	s->slots = checked_memory(calloc(s->capacity, sizeof(*s->slots)));
	return s;
}

void
name_set_free(name_set *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->capacity; i++)
		free(s->slots[i]);
	free(s->slots);
	free(s);
}

/* FNV-1a of s: names differ mostly near the end, which it mixes well. */
static size_t
hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot holding name, or the free slot where it would go. */
static char **
find_slot(const name_set *s, const char *name)
{
	size_t i = hash_name(name) & (s->capacity - 1);

	while (s->slots[i] != NULL && strcmp(s->slots[i], name) != 0)
		i = (i + 1) & (s->capacity - 1);
	return &s->slots[i];
}

/* Doubles the table when it is half full, keeping probes short. */
static void
grow_if_needed(name_set *s)
{
	char **old = s->slots;
	size_t old_capacity = s->capacity;

	if (2 * (s->count + 1) <= s->capacity)
		return;
	s->capacity *= 2;
	s->slots = checked_memory(calloc(s->capacity, sizeof(*s->slots)));
	for (size_t i = 0; i < old_capacity; i++)
		if (old[i] != NULL)
			*find_slot(s, old[i]) = old[i];
	free(old);
}

char *
name_set_claim(name_set *s, const char *name)
{
	char *candidate = checked_memory(strdup(name));

	for (unsigned n = 2; *find_slot(s, candidate) != NULL; n++) {
		size_t len = strlen(name) + 16;

		free(candidate);
		candidate = checked_memory(malloc(len));
		snprintf(candidate, len, "%s-%u", name, n);
	}
	grow_if_needed(s);
	*find_slot(s, candidate) = checked_memory(strdup(candidate));
	s->count++;
	return candidate;
}
