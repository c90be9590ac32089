/*
 * test_font_cache.c - fontconfig's answers kept between runs: a hit
 * resolves exactly as fontconfig does, and whatever fontconfig's answer
 * depends on invalidates it.
 *
 * Each test runs fontconfig on a configuration of its own (FONTCONFIG_FILE)
 * whose one font directory holds links to installed Arphic faces, with
 * mtimes set into the past so that the cache's racy-file guard keeps its
 * answers.
 */
#include "testing.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fonts.h"

#define GBSN "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define GKAI "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"

/* The first free entry (KaitiM) is not installed at first, so resolving
 * notes the substitute: notes must come out the same from the cache. */
static const char roles_yaml[] =
	"body:\n"
	"  official: [仿宋_GB2312]\n"
	"  free: [AR PL KaitiM GB, AR PL SungtiL GB]\n"
	"  package: fonts-arphic-gkai00mp\n"
	"fallback: [AR PL SungtiL GB:style=Regular]\n";

/* A private fontconfig world and cache. */
typedef struct world {
	char root[64];
	char *conf, *fonts, *data, *cache, *cache_file;
} world;

/* in_root:
 * ROOT/name, malloc'd. */
static char *
in_root(const world *w, const char *name)
{
	char *s = NULL;

	assert_true(asprintf(&s, "%s/%s", w->root, name) > 0);
	return s;
}

/* write_text:
 * Writes text to path. */
static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* set_mtime:
 * Moves path's mtime to a fixed time long past (fontconfig and the
 * cache compare mtimes, and recent ones are racy). */
static void
set_mtime(const char *path, long seconds)
{
	struct timespec t[2] = { { seconds, 0 }, { seconds, 0 } };

	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

/* world_create:
 * ROOT/conf/fonts.conf naming ROOT/fonts (holding a link to SungtiL),
 * ROOT/data/fonts/roles.yaml, and ROOT/cache as XDG_CACHE_HOME. */
static void
world_create(world *w)
{
	char *conf_dir, *roles_dir, *text, *link;

	strcpy(w->root, "/tmp/gk_test_font_cache_XXXXXX");
	assert_non_null(mkdtemp(w->root));
	conf_dir = in_root(w, "conf");
	w->conf = in_root(w, "conf/fonts.conf");
	w->fonts = in_root(w, "fonts");
	w->data = in_root(w, "data");
	roles_dir = in_root(w, "data/fonts");
	w->cache = in_root(w, "cache");
	w->cache_file = in_root(w, "cache/gkreport/fonts");
	assert_int_equal(mkdir(conf_dir, 0700), 0);
	assert_int_equal(mkdir(w->fonts, 0700), 0);
	assert_int_equal(mkdir(w->data, 0700), 0);
	assert_int_equal(mkdir(roles_dir, 0700), 0);
	assert_true(asprintf(&text, "<?xml version=\"1.0\"?>\n<fontconfig>"
	                     "<dir>%s</dir><cachedir>%s/fccache</cachedir>"
	                     "</fontconfig>\n", w->fonts, w->root) > 0);
	write_text(w->conf, text);
	free(text);
	link = in_root(w, "fonts/gbsn00lp.ttf");
	assert_int_equal(symlink(GBSN, link), 0);
	free(link);
	text = in_root(w, "data/fonts/roles.yaml");
	write_text(text, roles_yaml);
	free(text);
	set_mtime(w->conf, 1000000000);
	set_mtime(conf_dir, 1000000000);
	set_mtime(w->fonts, 1000000000);
	free(conf_dir);
	free(roles_dir);
	setenv("FONTCONFIG_FILE", w->conf, 1);
	setenv("XDG_CACHE_HOME", w->cache, 1);
	unsetenv("GKREPORT_NO_FONT_CACHE");
}

/* world_remove:
 * Removes the tree (it is small: rm -r is the plain way). */
static void
world_remove(world *w)
{
	char *cmd;

	assert_true(asprintf(&cmd, "rm -rf '%s'", w->root) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(w->conf);
	free(w->fonts);
	free(w->data);
	free(w->cache);
	free(w->cache_file);
	unsetenv("FONTCONFIG_FILE");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("GKREPORT_NO_FONT_CACHE");
}

/* One resolution: what it printed, what `gkreport fonts` prints, and
 * whether it loaded fontconfig. */
typedef struct outcome {
	char *notes;
	char *listing;
	bool loaded_fontconfig;
} outcome;

/* resolve:
 * Resolves the body role of w's roles.yaml. */
static outcome
resolve(const world *w)
{
	static const char *const roles[] = { "body" };
	diag_capture c;
	outcome o;
	size_t size = 0;
	FILE *listing;
	font_set *set;

	diag_capture_begin(&c);
	set = font_set_resolve(w->data, roles, 1, &c.diag);
	assert_non_null(set);
	o.notes = strdup(diag_capture_text(&c));
	o.loaded_fontconfig = font_set_loaded_fontconfig(set);
	listing = open_memstream(&o.listing, &size);
	font_set_print(set, listing);
	fclose(listing);
	font_set_free(set);
	diag_capture_end(&c);
	return o;
}

/* assert_same:
 * Two resolutions printed and chose exactly the same. */
static void
assert_same(const outcome *a, const outcome *b)
{
	assert_string_equal(a->notes, b->notes);
	assert_string_equal(a->listing, b->listing);
}

static void
outcome_free(outcome *o)
{
	free(o->notes);
	free(o->listing);
}

/* file_exists:
 * Whether path exists. */
static bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void
test_hit_resolves_as_fontconfig_does(void **state)
{
	world w;
	outcome cold, warm;

	(void)state;
	world_create(&w);
	cold = resolve(&w);
	assert_true(cold.loaded_fontconfig);
	assert_true(file_exists(w.cache_file));
	assert_non_null(strstr(cold.notes, "AR PL KaitiM GB is not installed"));
	assert_non_null(strstr(cold.listing, "body: AR PL SungtiL GB"));
	warm = resolve(&w);
	assert_false(warm.loaded_fontconfig);
	assert_same(&cold, &warm);
	outcome_free(&cold);
	outcome_free(&warm);
	world_remove(&w);
}

static void
test_font_added_to_directory_invalidates(void **state)
{
	world w;
	outcome before, after, again;
	char *link;

	(void)state;
	world_create(&w);
	before = resolve(&w);
	outcome_free(&before);
	before = resolve(&w);
	assert_false(before.loaded_fontconfig);
	link = in_root(&w, "fonts/gkai00mp.ttf");
	assert_int_equal(symlink(GKAI, link), 0);
	set_mtime(w.fonts, 1000000100);
	after = resolve(&w);
	assert_true(after.loaded_fontconfig);
	assert_non_null(strstr(after.listing, "body: AR PL KaitiM GB"));
	assert_string_equal(after.notes, "");
	again = resolve(&w);
	assert_false(again.loaded_fontconfig);
	assert_same(&after, &again);
	free(link);
	outcome_free(&before);
	outcome_free(&after);
	outcome_free(&again);
	world_remove(&w);
}

static void
test_touched_config_or_environment_invalidates(void **state)
{
	world w;
	outcome o;

	(void)state;
	world_create(&w);
	o = resolve(&w);
	outcome_free(&o);
	set_mtime(w.conf, 1000000200);
	o = resolve(&w);
	assert_true(o.loaded_fontconfig);
	outcome_free(&o);
	o = resolve(&w);
	assert_false(o.loaded_fontconfig);
	outcome_free(&o);
	setenv("XDG_DATA_HOME", w.root, 1);
	o = resolve(&w);
	assert_true(o.loaded_fontconfig);
	outcome_free(&o);
	unsetenv("XDG_DATA_HOME");
	world_remove(&w);
}

/* damage:
 * Replaces the cache file by text, or cuts its last bytes when NULL. */
static void
damage(const world *w, const char *text)
{
	struct stat st;

	if (text != NULL) {
		write_text(w->cache_file, text);
		return;
	}
	assert_int_equal(stat(w->cache_file, &st), 0);
	assert_int_equal(truncate(w->cache_file, st.st_size - 3), 0);
}

static void
test_damaged_cache_is_ignored_and_rewritten(void **state)
{
	static const char *const damages[] = {
		"garbage\n", "", NULL,
	};
	world w;
	outcome cold, o;
	size_t i;

	(void)state;
	world_create(&w);
	cold = resolve(&w);
	for (i = 0; i < sizeof(damages) / sizeof(damages[0]); i++) {
		damage(&w, damages[i]);
		o = resolve(&w);
		assert_true(o.loaded_fontconfig);
		assert_same(&cold, &o);
		outcome_free(&o);
		o = resolve(&w);
		assert_false(o.loaded_fontconfig);
		assert_same(&cold, &o);
		outcome_free(&o);
	}
	outcome_free(&cold);
	world_remove(&w);
}

static void
test_unwritable_cache_dir_and_switch_off(void **state)
{
	world w;
	outcome cold, o;
	char *blocker;

	(void)state;
	world_create(&w);
	blocker = in_root(&w, "not-a-dir");
	write_text(blocker, "");
	setenv("XDG_CACHE_HOME", blocker, 1);
	cold = resolve(&w);
	o = resolve(&w);
	assert_true(o.loaded_fontconfig);
	assert_same(&cold, &o);
	outcome_free(&o);
	setenv("XDG_CACHE_HOME", w.cache, 1);
	setenv("GKREPORT_NO_FONT_CACHE", "1", 1);
	o = resolve(&w);
	outcome_free(&o);
	o = resolve(&w);
	assert_true(o.loaded_fontconfig);
	assert_false(file_exists(w.cache_file));
	assert_same(&cold, &o);
	outcome_free(&o);
	outcome_free(&cold);
	free(blocker);
	world_remove(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_resolves_as_fontconfig_does),
		cmocka_unit_test(test_font_added_to_directory_invalidates),
		cmocka_unit_test(test_touched_config_or_environment_invalidates),
		cmocka_unit_test(test_damaged_cache_is_ignored_and_rewritten),
		cmocka_unit_test(test_unwritable_cache_dir_and_switch_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
