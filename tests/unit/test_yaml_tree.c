/*
 * test_yaml_tree.c - the YAML tree loader and its typed readers.
 */
#include "testing.h"

#include <dirent.h>
#include <glob.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yaml_tree.h"

/* Loads a NUL-terminated text named "t.yaml". */
static const ynode *
load_text(diag_capture *run, const char *text)
{
	return yaml_tree_load_buffer(run->a, "t.yaml", text, strlen(text),
	                             &run->diag);
}

/* Loads text that must fail, and checks the exact messages printed. */
static void
expect_load_error(const char *text, size_t size, const char *expected)
{
	diag_capture run;

	diag_capture_begin(&run);
	assert_null(yaml_tree_load_buffer(run.a, "t.yaml", text, size, &run.diag));
	assert_string_equal(diag_capture_text(&run), expected);
	diag_capture_end(&run);
}

/* ------------------------------------------------------------------ */

/* Nested nodes keep their 1-based positions, columns in characters. */
static void
test_positions(void **state)
{
	diag_capture run;
	const ynode *root, *list, *value;

	diag_capture_begin(&run);
	root = load_text(&run, "名称: 值\nlist:\n  - a\n  - \"b c\"\n");
	assert_non_null(root);
	assert_int_equal(root->kind, YNODE_MAPPING);
	assert_int_equal(root->pair_count, 2);
	value = ynode_get(root, "名称");
	assert_non_null(value);
	assert_string_equal(value->text, "值");
	assert_int_equal(value->pos.line, 1);
	assert_int_equal(value->pos.column, 5);
	list = ynode_get(root, "list");
	assert_int_equal(list->kind, YNODE_SEQUENCE);
	assert_int_equal(list->count, 2);
	assert_int_equal(list->items[1]->pos.line, 4);
	assert_int_equal(list->items[1]->pos.column, 5);
	assert_string_equal(list->items[1]->text, "b c");
	assert_true(list->items[0]->plain);
	assert_false(list->items[1]->plain);
	assert_int_equal(ynode_get_key(root, "list")->pos.line, 2);
	assert_null(ynode_get(root, "missing"));
	assert_string_equal(root->pos.file, "t.yaml");
	assert_string_equal(diag_capture_text(&run), "");
	diag_capture_end(&run);
}

/* Keys keep file order, which loaders rely on for chapters. */
static void
test_mapping_order(void **state)
{
	diag_capture run;
	const ynode *root;

	diag_capture_begin(&run);
	root = load_text(&run, "z: 1\na: 2\nm: 3\n");
	assert_string_equal(root->pairs[0].key->text, "z");
	assert_string_equal(root->pairs[1].key->text, "a");
	assert_string_equal(root->pairs[2].key->text, "m");
	assert_string_equal(root->pairs[2].value->text, "3");
	diag_capture_end(&run);
}

static void
test_syntax_error_flow(void **state)
{
	const char *text = "a: 1\nb: [1, 2\nc: 3\n";

	expect_load_error(text, strlen(text),
	                  "t.yaml:3:2: error: YAML syntax error: did not find "
	                  "expected ',' or ']' while parsing a flow sequence\n");
}

static void
test_syntax_error_mapping_value(void **state)
{
	const char *text = "a: 1\n  b: 2\n";

	expect_load_error(text, strlen(text),
	                  "t.yaml:2:4: error: YAML syntax error: mapping values "
	                  "are not allowed in this context\n");
}

static void
test_syntax_error_block(void **state)
{
	const char *text = "a:\n  - x\n  y: 2\n";

	expect_load_error(text, strlen(text),
	                  "t.yaml:3:3: error: YAML syntax error: did not find "
	                  "expected '-' indicator while parsing a block collection\n");
}

/* Every duplicate is reported, each pointing back at the first; an inner
 * mapping is checked when it closes, so its duplicates come first. */
static void
test_duplicate_keys(void **state)
{
	const char *text = "a: 1\nb: 2\na: 3\nc:\n  x: 1\n  x: 2\nb: 4\n";

	expect_load_error(text, strlen(text),
	                  "t.yaml:6:3: error: duplicate key 'x' (first at line 5)\n"
	                  "t.yaml:3:1: error: duplicate key 'a' (first at line 1)\n"
	                  "t.yaml:7:1: error: duplicate key 'b' (first at line 2)\n");
}

/* A key seen three times names the first occurrence both times. */
static void
test_duplicate_key_thrice(void **state)
{
	const char *text = "{k: 1, j: 0, k: 2, k: 3}";

	expect_load_error(text, strlen(text),
	                  "t.yaml:1:14: error: duplicate key 'k' (first at line 1)\n"
	                  "t.yaml:1:20: error: duplicate key 'k' (first at line 1)\n");
}

static void
test_alias_rejected(void **state)
{
	const char *text = "a: &x 1\nb: *x\n";

	expect_load_error(text, strlen(text),
	                  "t.yaml:1:4: error: YAML anchors are not allowed\n"
	                  "t.yaml:2:4: error: YAML aliases are not allowed\n");
}

static void
test_alias_alone(void **state)
{
	const char *text = "a: [1, *x]\n";

	expect_load_error(text, strlen(text),
	                  "t.yaml:1:8: error: YAML aliases are not allowed\n");
}

static void
test_non_scalar_key(void **state)
{
	const char *text = "[1]: 2\n";

	expect_load_error(text, strlen(text),
	                  "t.yaml:1:1: error: mapping keys must be scalars, not a sequence\n");
}

/* Builds n nested flow sequences in the arena. */
static char *
nested_lists(arena *a, int n)
{
	char *text = arena_alloc(a, (size_t)n * 2 + 1);

	memset(text, '[', (size_t)n);
	memset(text + n, ']', (size_t)n);
	return text;
}

static void
test_depth_limit(void **state)
{
	diag_capture run;
	const ynode *node;
	int depth = 1;

	diag_capture_begin(&run);
	node = load_text(&run, nested_lists(run.a, YAML_TREE_MAX_DEPTH));
	assert_non_null(node);
	while (node->count == 1) {
		node = node->items[0];
		depth++;
	}
	assert_int_equal(depth, YAML_TREE_MAX_DEPTH);
	assert_null(load_text(&run, nested_lists(run.a, YAML_TREE_MAX_DEPTH + 1)));
	assert_string_equal(diag_capture_text(&run),
	                    "t.yaml:1:65: error: nesting deeper than 64 levels\n");
	diag_capture_end(&run);
}

/* The BOM is skipped and does not shift columns. */
static void
test_bom(void **state)
{
	diag_capture run;
	const ynode *root;

	diag_capture_begin(&run);
	root = load_text(&run, "\xEF\xBB\xBF" "a: 1\n");
	assert_non_null(root);
	assert_string_equal(root->pairs[0].key->text, "a");
	assert_int_equal(root->pairs[0].key->pos.column, 1);
	assert_int_equal(root->pairs[0].value->pos.column, 4);
	diag_capture_end(&run);
}

/* CRLF files load with lines counted once per CRLF and no stray CR. */
static void
test_crlf(void **state)
{
	diag_capture run;
	const ynode *root, *list;
	const char *text = "a: x\r\nlist:\r\n  - y\r\nb: |\r\n  p\r\n  q\r\n";

	diag_capture_begin(&run);
	root = load_text(&run, text);
	assert_non_null(root);
	assert_string_equal(ynode_get(root, "a")->text, "x");
	list = ynode_get(root, "list");
	assert_string_equal(list->items[0]->text, "y");
	assert_int_equal(list->items[0]->pos.line, 3);
	assert_string_equal(ynode_get(root, "b")->text, "p\nq\n");
	diag_capture_end(&run);
	text = "a: 1\r\nb: 2\r\nb: 3\r\n";
	expect_load_error(text, strlen(text),
	                  "t.yaml:3:1: error: duplicate key 'b' (first at line 2)\n");
}

/* JSON is YAML: strings come back quoted, numbers plain. */
static void
test_json(void **state)
{
	diag_capture run;
	const ynode *root, *list;

	diag_capture_begin(&run);
	root = load_text(&run, "{\"agency\": \"某街道\", \"year\": 2024,\n"
	                       " \"list\": [1, \"2\", {\"k\": true}]}");
	assert_non_null(root);
	assert_string_equal(ynode_get(root, "agency")->text, "某街道");
	assert_false(ynode_get(root, "agency")->plain);
	assert_true(ynode_get(root, "year")->plain);
	list = ynode_get(root, "list");
	assert_int_equal(list->count, 3);
	assert_int_equal(list->items[2]->kind, YNODE_MAPPING);
	assert_int_equal(list->items[2]->pos.line, 2);
	assert_false(list->items[1]->plain);
	diag_capture_end(&run);
}

/* A bad byte is placed by line and character column. */
static void
test_invalid_utf8(void **state)
{
	const char text[] = "a: 1\nb: 汉字\xff\n";
	const char crlf[] = "a: 1\r\n\r\nb: \xC0\x80\n";

	expect_load_error(text, sizeof(text) - 1,
	                  "t.yaml:2:6: error: invalid UTF-8 (byte 0xFF)\n");
	expect_load_error(crlf, sizeof(crlf) - 1,
	                  "t.yaml:3:4: error: invalid UTF-8 (byte 0xC0)\n");
}

static void
test_truncated_utf8_at_end(void **state)
{
	const char text[] = "a: \xE6\xB1";

	expect_load_error(text, sizeof(text) - 1,
	                  "t.yaml:1:4: error: invalid UTF-8 (byte 0xE6)\n");
}

static void
test_control_character(void **state)
{
	const char text[] = "a: \"x\x01\"\n";

	expect_load_error(text, sizeof(text) - 1,
	                  "t.yaml:1:6: error: YAML syntax error: control "
	                  "characters are not allowed\n");
}

static void
test_empty_documents(void **state)
{
	expect_load_error("", 0, "t.yaml: error: empty document\n");
	expect_load_error("# only a comment\n", 17, "t.yaml: error: empty document\n");
	expect_load_error("---\n", 4, "t.yaml: error: empty document\n");
	expect_load_error("\xEF\xBB\xBF", 3, "t.yaml: error: empty document\n");
}

static void
test_multiple_documents(void **state)
{
	const char *text = "a: 1\n---\nb: 2\n";

	expect_load_error(text, strlen(text),
	                  "t.yaml:2:1: error: multiple YAML documents are not allowed\n");
}

static void
test_size_limit(void **state)
{
	size_t size = YAML_TREE_MAX_BYTES + 1;
	char *big = malloc(size);

	assert_non_null(big);
	memset(big, ' ', size);
	expect_load_error(big, size,
	                  "t.yaml: error: file is larger than 16777216 bytes\n");
	free(big);
}

/* ------------------------------------------------------------------ */

/* Files: a real file loads and is named by its path; missing files and
 * directories are named with the system's reason. */
static void
test_files(void **state)
{
	char path[] = "/tmp/gk_test_yaml_XXXXXX";
	int fd = mkstemp(path);
	diag_capture run;
	const ynode *root;
	char expected[256];

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "k: [1]\nk: 2\n", 12), 12);
	close(fd);
	diag_capture_begin(&run);
	root = yaml_tree_load_file(run.a, path, &run.diag);
	assert_null(root);
	snprintf(expected, sizeof(expected),
	         "%s:2:1: error: duplicate key 'k' (first at line 1)\n", path);
	assert_string_equal(diag_capture_text(&run), expected);
	diag_capture_end(&run);
	unlink(path);

	diag_capture_begin(&run);
	assert_null(yaml_tree_load_file(run.a, "/nonexistent/x.yaml", &run.diag));
	assert_null(yaml_tree_load_file(run.a, "/tmp", &run.diag));
	assert_string_equal(diag_capture_text(&run),
	                    "/nonexistent/x.yaml: error: cannot open: No such file or directory\n"
	                    "/tmp: error: cannot open: Is a directory\n");
	assert_int_equal(run.diag.errors, 2);
	diag_capture_end(&run);
}

/* ------------------------------------------------------------------ */
/* Cached trees                                                         */
/* ------------------------------------------------------------------ */

/* Each cache test keeps trees in a folder of its own (XDG_CACHE_HOME). */
typedef struct cache_world {
	char root[64];
	char cache[96];
} cache_world;

static void
cache_world_create(cache_world *w)
{
	strcpy(w->root, "/tmp/gk_test_tree_cache_XXXXXX");
	assert_non_null(mkdtemp(w->root));
	snprintf(w->cache, sizeof(w->cache), "%s/cache", w->root);
	setenv("XDG_CACHE_HOME", w->cache, 1);
	unsetenv("GKREPORT_NO_FONT_CACHE");
}

static void
cache_world_remove(cache_world *w)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->root);
	assert_int_equal(system(cmd), 0);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("GKREPORT_NO_FONT_CACHE");
}

/* A whole file in malloc'd memory (one spare NUL); NULL when missing. */
static char *
read_bytes(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (f == NULL)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	data = calloc(1, (size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return data;
}

static void
write_bytes(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

/* Regular files in dir (a missing dir has none). */
static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n;
}

/* got is want node for node: kind, position, text, length, plain, items
 * and pairs in order; every position of got names file through the one
 * pointer (a fresh parse shares its copy of the name the same way). */
static void
assert_same_tree(const ynode *want, const ynode *got, const char *file,
                 const char *got_file)
{
	size_t i;

	assert_non_null(want);
	assert_non_null(got);
	assert_int_equal(got->kind, want->kind);
	assert_string_equal(want->pos.file, file);
	assert_ptr_equal(got->pos.file, got_file);
	assert_int_equal(got->pos.line, want->pos.line);
	assert_int_equal(got->pos.column, want->pos.column);
	assert_int_equal(got->length, want->length);
	assert_int_equal(got->plain, want->plain);
	if (want->text == NULL) {
		assert_null(got->text);
	} else {
		assert_non_null(got->text);
		assert_memory_equal(got->text, want->text, want->length + 1);
	}
	assert_int_equal(got->count, want->count);
	assert_int_equal(got->items == NULL, want->items == NULL);
	for (i = 0; i < want->count; i++)
		assert_same_tree(want->items[i], got->items[i], file, got_file);
	assert_int_equal(got->pair_count, want->pair_count);
	assert_int_equal(got->pairs == NULL, want->pairs == NULL);
	for (i = 0; i < want->pair_count; i++) {
		assert_same_tree(want->pairs[i].key, got->pairs[i].key, file, got_file);
		assert_same_tree(want->pairs[i].value, got->pairs[i].value, file,
		                 got_file);
	}
}

/* A fresh parse of data, which must report nothing. */
static const ynode *
fresh_tree(arena *a, const char *name, const char *data, size_t size)
{
	diag_sink diag;
	const ynode *root;

	diag_init(&diag, NULL);
	root = yaml_tree_load_buffer(a, name, data, size, &diag);
	assert_non_null(root);
	assert_int_equal(diag.errors + diag.warnings + diag.notes, 0);
	return root;
}

/* Every layout and fonts/roles.yaml: nothing cached at first; once saved,
 * the cache gives the fresh tree node for node, under whatever name the
 * caller shows, in a private file in a private folder. */
static void
test_cache_every_data_file(void **state)
{
	cache_world w;
	char pattern[4096], roles[4096];
	glob_t layouts;
	size_t i;
	int files = 0;

	cache_world_create(&w);
	snprintf(pattern, sizeof(pattern), "%s/layouts/*.yaml", test_data_dir());
	snprintf(roles, sizeof(roles), "%s/fonts/roles.yaml", test_data_dir());
	assert_int_equal(glob(pattern, 0, NULL, &layouts), 0);
	assert_true(layouts.gl_pathc >= 3);
	for (i = 0; i <= layouts.gl_pathc; i++) {
		const char *path = i < layouts.gl_pathc ? layouts.gl_pathv[i] : roles;
		arena *a = arena_create();
		size_t size = 0;
		char *data = read_bytes(path, &size);
		const ynode *fresh, *cached, *shown;
		const char *file;
		struct stat st;
		diag_sink diag;
		bool from_cache = true;

		assert_non_null(data);
		fresh = fresh_tree(a, path, data, size);
		assert_null(yaml_tree_cache_load(a, path, data, size));
		diag_init(&diag, NULL);
		assert_non_null(yaml_tree_load_buffer_cached(a, path, data, size,
		                                             &from_cache, &diag));
		assert_false(from_cache);
		yaml_tree_cache_save(a, fresh, data, size);
		file = yaml_tree_cache_file(a, data, size);
		assert_int_equal(stat(file, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0600);
		cached = yaml_tree_cache_load(a, path, data, size);
		assert_same_tree(fresh, cached, path, cached->pos.file);
		shown = yaml_tree_load_buffer_cached(a, "shown.yaml", data, size,
		                                     &from_cache, &diag);
		assert_true(from_cache);
		assert_same_tree(fresh_tree(a, "shown.yaml", data, size), shown,
		                 "shown.yaml", shown->pos.file);
		assert_int_equal(diag.errors + diag.warnings + diag.notes, 0);
		files++;
		free(data);
		arena_destroy(a);
	}
	assert_int_equal(count_files(strcat(w.cache, "/gkreport/trees")), files);
	{
		struct stat st;

		assert_int_equal(stat(w.cache, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0700);
	}
	globfree(&layouts);
	cache_world_remove(&w);
}

/* A source with every kind of node, quoting and a few positions. */
static const char cache_source[] =
	"title: 年度报告\n"
	"list: [1, \"two\", 'three', ~]\n"
	"map: {k: v}\n"
	"empty:\n"
	"nested:\n"
	"  - a: !!str 1\n"
	"    b: [x, [y, {z: \"\"}]]\n"
	"  - |\n"
	"    block\n";

/* Writes cache_source to DIR/src.yaml; returns its path (malloc'd). */
static char *
write_source(const cache_world *w)
{
	char *path = NULL;

	assert_true(asprintf(&path, "%s/src.yaml", w->root) > 0);
	write_bytes(path, cache_source, strlen(cache_source));
	return path;
}

/* Loads the source file through the cache, which must give its fresh
 * tree and say nothing, and leave the cache file equal to good. */
static void
assert_loads_and_rewrites(const char *source, const char *file,
                          const char *good, size_t good_size)
{
	arena *a = arena_create();
	diag_sink diag;
	const ynode *root;
	size_t size = 0;
	char *now;

	diag_init(&diag, NULL);
	root = yaml_tree_load_file_cached(a, source, &diag);
	assert_int_equal(diag.errors + diag.warnings + diag.notes, 0);
	assert_same_tree(fresh_tree(a, source, cache_source, strlen(cache_source)),
	                 root, source, root->pos.file);
	now = read_bytes(file, &size);
	assert_non_null(now);
	assert_int_equal(size, good_size);
	assert_memory_equal(now, good, good_size);
	free(now);
	arena_destroy(a);
}

/* Damage: every byte flipped in turn (all of its bits, then one), every
 * truncation and one byte more are misses, never a crash; the next load
 * parses and writes the file as it was. */
static void
test_cache_damage_is_a_miss(void **state)
{
	cache_world w;
	size_t size = strlen(cache_source), good_size = 0, i;
	char *source, *good, *copy;
	const char *file;
	arena *a;
	int pass;

	cache_world_create(&w);
	source = write_source(&w);
	a = arena_create();
	file = yaml_tree_cache_file(a, cache_source, size);
	assert_null(read_bytes(file, &good_size));
	{
		diag_sink diag;

		diag_init(&diag, NULL);
		assert_non_null(yaml_tree_load_file_cached(a, source, &diag));
	}
	good = read_bytes(file, &good_size);
	assert_non_null(good);
	assert_non_null(yaml_tree_cache_load(a, source, cache_source, size));
	copy = malloc(good_size + 1);
	assert_non_null(copy);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < good_size; i++) {
			memcpy(copy, good, good_size);
			copy[i] ^= (char)(pass == 0 ? 0xFF : 1 << (i % 8));
			write_bytes(file, copy, good_size);
			assert_null(yaml_tree_cache_load(a, source, cache_source, size));
			assert_loads_and_rewrites(source, file, good, good_size);
		}
	for (i = 0; i < good_size; i++) {
		write_bytes(file, good, i);
		assert_null(yaml_tree_cache_load(a, source, cache_source, size));
		assert_loads_and_rewrites(source, file, good, good_size);
	}
	memcpy(copy, good, good_size);
	copy[good_size] = '\n';
	write_bytes(file, copy, good_size + 1);
	assert_null(yaml_tree_cache_load(a, source, cache_source, size));
	assert_loads_and_rewrites(source, file, good, good_size);
	free(copy);
	free(good);
	free(source);
	arena_destroy(a);
	cache_world_remove(&w);
}

/* The file format's checksum, written out again from its description in
 * yaml_tree.c, so that forged files can carry a valid one. */
static uint64_t
forge_round(uint64_t h, uint64_t w)
{
	return ((h << 5 | h >> 59) ^ w) * 0x517cc1b727220a95u;
}

static uint64_t
forge_hash(const unsigned char *p, size_t size)
{
	uint64_t lane[4] = { size, 1, 2, 3 }, w, h;
	size_t i;

	for (; size >= 32; p += 32, size -= 32)
		for (i = 0; i < 4; i++) {
			memcpy(&w, p + 8 * i, 8);
			lane[i] = forge_round(lane[i], w);
		}
	h = forge_round(forge_round(forge_round(lane[0], lane[1]), lane[2]),
	                lane[3]);
	for (; size >= 8; p += 8, size -= 8) {
		memcpy(&w, p, 8);
		h = forge_round(h, w);
	}
	w = 0;
	memcpy(&w, p, size);
	h = forge_round(h, w);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 33);
}

/* Where a file's checksummed part ends: header (80 bytes, the node count
 * at 64 and the strings' size at 76), records, strings. */
static size_t
forge_body(const char *file_bytes)
{
	uint32_t nodes, strings;

	memcpy(&nodes, file_bytes + 64, 4);
	memcpy(&strings, file_bytes + 76, 4);
	return 80 + 16 * (size_t)nodes + strings;
}

/* Stores copy (size bytes) at file with the checksum it needs now; the
 * source stays where the unchanged header put it. */
static void
write_forged(const char *file, char *copy, size_t size, size_t body,
             size_t source_size)
{
	uint64_t sum = forge_hash((const unsigned char *)copy, body);

	memcpy(copy + body + source_size, &sum, sizeof(sum));
	write_bytes(file, copy, size);
}

/* A tree holds what any parse's tree holds: known kinds, positions from
 * 1, texts as long as they say and NUL-terminated, scalar keys, no more
 * than max nodes and no deeper than the parser allows. */
static size_t
assert_well_formed(const ynode *node, int depth, size_t max)
{
	size_t n = 1, i;

	assert_true(depth <= YAML_TREE_MAX_DEPTH + 1);
	assert_true(node->pos.line >= 1 && node->pos.column >= 1);
	switch (node->kind) {
	case YNODE_SCALAR:
		assert_non_null(node->text);
		assert_int_equal(strlen(node->text), node->length);
		break;
	case YNODE_SEQUENCE:
		for (i = 0; i < node->count; i++)
			n += assert_well_formed(node->items[i], depth + 1, max);
		break;
	case YNODE_MAPPING:
		for (i = 0; i < node->pair_count; i++) {
			assert_int_equal(node->pairs[i].key->kind, YNODE_SCALAR);
			n += assert_well_formed(node->pairs[i].key, depth + 1, max);
			n += assert_well_formed(node->pairs[i].value, depth + 1, max);
		}
		break;
	default:
		fail_msg("kind %d", (int)node->kind);
	}
	assert_true(n <= max);
	return n;
}

/* Forged files (damage with a valid checksum, so that it reaches the
 * records): every byte of header and records set to each of a few values,
 * and many random changes at once, give a miss or a well-formed tree,
 * never a read out of bounds (the sanitizer pass watches). */
static void
test_cache_forged_records(void **state)
{
	static const unsigned char values[] = { 0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF };
	cache_world w;
	size_t size = strlen(cache_source), good_size = 0, body, i, v;
	char *source, *good, *copy, *again;
	const char *file;
	uint64_t state_bits = 0x9E3779B97F4A7C15u;
	int trees = 0, round;
	arena *a;

	cache_world_create(&w);
	source = write_source(&w);
	a = arena_create();
	file = yaml_tree_cache_file(a, cache_source, size);
	{
		diag_sink diag;

		diag_init(&diag, NULL);
		assert_non_null(yaml_tree_load_file_cached(a, source, &diag));
	}
	good = read_bytes(file, &good_size);
	body = forge_body(good);
	assert_int_equal(good_size, body + size + 8);
	copy = malloc(good_size);
	memcpy(copy, good, good_size);
	write_forged(file, copy, good_size, body, size);    /* the same file */
	again = read_bytes(file, &good_size);
	assert_memory_equal(again, good, good_size);
	free(again);
	for (i = 0; i < body; i++)
		for (v = 0; v < sizeof(values); v++) {
			arena *b = arena_create();
			const ynode *root;

			memcpy(copy, good, good_size);
			copy[i] = (char)values[v];
			write_forged(file, copy, good_size, body, size);
			root = yaml_tree_cache_load(b, "f.yaml", cache_source, size);
			if (root != NULL) {
				assert_well_formed(root, 1, good_size);
				trees++;
			}
			arena_destroy(b);
		}
	for (round = 0; round < 3000; round++) {
		arena *b = arena_create();
		const ynode *root;
		int k, changes;

		memcpy(copy, good, good_size);
		state_bits ^= state_bits << 13;
		state_bits ^= state_bits >> 7;
		state_bits ^= state_bits << 17;
		changes = 1 + (int)(state_bits % 4);
		for (k = 0; k < changes; k++) {
			size_t at = 80 + (size_t)(state_bits >> (8 * k + 16)) %
			            (body - 80);
			copy[at] = (char)(state_bits >> (8 * k));
		}
		write_forged(file, copy, good_size, body, size);
		root = yaml_tree_cache_load(b, "f.yaml", cache_source, size);
		if (root != NULL) {
			assert_well_formed(root, 1, good_size);
			trees++;
		}
		arena_destroy(b);
	}
	assert_true(trees > 0);     /* the checksum was right: records were read */
	free(copy);
	free(good);
	free(source);
	arena_destroy(a);
	cache_world_remove(&w);
}

/* Other bytes of the same size are another file; and a file must hold
 * the very bytes it was made from, not only their size and hash. */
static void
test_cache_same_size_other_bytes(void **state)
{
	static const char one[] = "key: one\n", two[] = "key: two\n";
	cache_world w;
	arena *a;
	char *bytes;
	size_t size = strlen(one), file_size = 0;
	const ynode *root;
	diag_sink diag;
	bool from_cache = true;

	cache_world_create(&w);
	a = arena_create();
	yaml_tree_cache_save(a, fresh_tree(a, "t.yaml", one, size), one, size);
	assert_non_null(yaml_tree_cache_load(a, "t.yaml", one, size));
	assert_null(yaml_tree_cache_load(a, "t.yaml", two, size));
	assert_string_not_equal(yaml_tree_cache_file(a, one, size),
	                        yaml_tree_cache_file(a, two, size));
	/* one's file where two's would be: its source differs, a miss */
	bytes = read_bytes(yaml_tree_cache_file(a, one, size), &file_size);
	write_bytes(yaml_tree_cache_file(a, two, size), bytes, file_size);
	assert_null(yaml_tree_cache_load(a, "t.yaml", two, size));
	diag_init(&diag, NULL);
	root = yaml_tree_load_buffer_cached(a, "t.yaml", two, size, &from_cache,
	                                    &diag);
	assert_false(from_cache);
	assert_string_equal(ynode_get(root, "key")->text, "two");
	free(bytes);
	arena_destroy(a);
	cache_world_remove(&w);
}

/* GKREPORT_NO_FONT_CACHE: nothing read (a file forged to answer for
 * two's bytes with one's tree is not used), nothing written, not even
 * the folder. */
static void
test_cache_switched_off(void **state)
{
	static const char one[] = "key: one\n", two[] = "key: two\n";
	cache_world w;
	char *bytes, *path = NULL, *trees = NULL;
	size_t size = strlen(one), file_size = 0;
	const ynode *root;
	diag_sink diag;
	struct stat st;
	arena *a;
	bool from_cache = false;

	cache_world_create(&w);
	a = arena_create();
	yaml_tree_cache_save(a, fresh_tree(a, "t.yaml", one, size), one, size);
	bytes = read_bytes(yaml_tree_cache_file(a, one, size), &file_size);
	memcpy(bytes + file_size - 8 - size, two, size);   /* the stored source */
	write_bytes(yaml_tree_cache_file(a, two, size), bytes, file_size);
	root = yaml_tree_cache_load(a, "t.yaml", two, size);
	assert_string_equal(ynode_get(root, "key")->text, "one");   /* forged */
	setenv("GKREPORT_NO_FONT_CACHE", "1", 1);
	assert_null(yaml_tree_cache_file(a, two, size));
	assert_null(yaml_tree_cache_load(a, "t.yaml", two, size));
	diag_init(&diag, NULL);
	root = yaml_tree_load_buffer_cached(a, "t.yaml", two, size, &from_cache,
	                                    &diag);
	assert_false(from_cache);
	assert_string_equal(ynode_get(root, "key")->text, "two");
	assert_true(asprintf(&path, "%s/src.yaml", w.root) > 0);
	assert_true(asprintf(&trees, "%s/gkreport/trees", w.cache) > 0);
	write_bytes(path, "other: bytes\n", 13);
	assert_non_null(yaml_tree_load_file_cached(a, path, &diag));
	yaml_tree_cache_save(a, root, two, size);
	assert_int_equal(count_files(trees), 2);
	assert_int_equal(diag.errors + diag.warnings + diag.notes, 0);
	setenv("GKREPORT_NO_FONT_CACHE", "0", 1);      /* "0" means on */
	assert_non_null(yaml_tree_cache_file(a, two, size));
	assert_non_null(yaml_tree_load_file_cached(a, path, &diag));
	assert_int_equal(count_files(trees), 3);
	/* off from the start: no folder at all */
	assert_int_equal(system("rm -rf \"$XDG_CACHE_HOME\""), 0);
	setenv("GKREPORT_NO_FONT_CACHE", "yes", 1);
	assert_non_null(yaml_tree_load_file_cached(a, path, &diag));
	assert_int_equal(stat(w.cache, &st), -1);
	free(trees);
	free(path);
	free(bytes);
	arena_destroy(a);
	cache_world_remove(&w);
}

/* No writable folder (the cache base is a file, or not absolute): the
 * tree is parsed, nothing is said. */
static void
test_cache_unwritable(void **state)
{
	cache_world w;
	char *path = NULL, *blocker = NULL, *home = getenv("HOME");
	const ynode *root;
	diag_capture run;

	cache_world_create(&w);
	assert_true(asprintf(&path, "%s/src.yaml", w.root) > 0);
	assert_true(asprintf(&blocker, "%s/not-a-dir", w.root) > 0);
	write_bytes(path, cache_source, strlen(cache_source));
	write_bytes(blocker, "", 0);
	setenv("XDG_CACHE_HOME", blocker, 1);
	diag_capture_begin(&run);
	root = yaml_tree_load_file_cached(run.a, path, &run.diag);
	assert_same_tree(fresh_tree(run.a, path, cache_source, strlen(cache_source)),
	                 root, path, root->pos.file);
	assert_null(yaml_tree_cache_load(run.a, path, cache_source,
	                                 strlen(cache_source)));
	setenv("XDG_CACHE_HOME", "relative/cache", 1);
	if (home != NULL)
		home = strdup(home);
	unsetenv("HOME");
	assert_null(yaml_tree_cache_file(run.a, cache_source, strlen(cache_source)));
	assert_non_null(yaml_tree_load_file_cached(run.a, path, &run.diag));
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);
	assert_string_equal(diag_capture_text(&run), "");
	diag_capture_end(&run);
	free(path);
	free(blocker);
	cache_world_remove(&w);
}

/* A parse that reports anything is not kept: the same messages every
 * time, and no file. */
static void
test_cache_errors_not_saved(void **state)
{
	static const char text[] = "k: [1]\nk: 2\n";
	cache_world w;
	char *path = NULL, *first = NULL;
	diag_capture run;
	int i;

	cache_world_create(&w);
	assert_true(asprintf(&path, "%s/dup.yaml", w.root) > 0);
	write_bytes(path, text, strlen(text));
	for (i = 0; i < 2; i++) {
		diag_capture_begin(&run);
		assert_null(yaml_tree_load_file_cached(run.a, path, &run.diag));
		assert_non_null(strstr(diag_capture_text(&run),
		                       ":2:1: error: duplicate key 'k' (first at line 1)\n"));
		if (first == NULL)
			first = strdup(diag_capture_text(&run));
		else
			assert_string_equal(diag_capture_text(&run), first);
		assert_null(yaml_tree_cache_load(run.a, path, text, strlen(text)));
		diag_capture_end(&run);
	}
	assert_int_equal(count_files(strcat(w.cache, "/gkreport/trees")), 0);
	free(first);
	free(path);
	cache_world_remove(&w);
}

/* Every source is a file of its own; beyond 64 the oldest go, never the
 * one just written. */
static void
test_cache_pruned(void **state)
{
	cache_world w;
	char text[32], *trees = NULL;
	arena *a;
	int i;

	cache_world_create(&w);
	assert_true(asprintf(&trees, "%s/gkreport/trees", w.cache) > 0);
	a = arena_create();
	for (i = 0; i < 70; i++) {
		size_t size = (size_t)snprintf(text, sizeof(text), "n: %d\n", i);

		yaml_tree_cache_save(a, fresh_tree(a, "t.yaml", text, size), text, size);
		assert_non_null(yaml_tree_cache_load(a, "t.yaml", text, size));
		assert_int_equal(count_files(trees), i < 64 ? i + 1 : 64);
	}
	free(trees);
	arena_destroy(a);
	cache_world_remove(&w);
}

/* ------------------------------------------------------------------ */

static const char *const style_keys[] = {
	"font", "align", "first_indent", "space_after", NULL
};

static void
test_check_keys(void **state)
{
	diag_capture run;
	const ynode *root;

	diag_capture_begin(&run);
	root = load_text(&run, "font: body\nalgin: left\ncolour: red\nspaceafter: 1\n");
	assert_false(ynode_check_keys(root, style_keys, "style 'title'", &run.diag));
	assert_string_equal(diag_capture_text(&run),
	                    "t.yaml:2:1: error: unknown key 'algin' in style 'title' "
	                    "(did you mean 'align'?)\n"
	                    "t.yaml:3:1: error: unknown key 'colour' in style 'title'\n"
	                    "t.yaml:4:1: error: unknown key 'spaceafter' in style 'title' "
	                    "(did you mean 'space_after'?)\n");
	root = load_text(&run, "font: body\n");
	assert_true(ynode_check_keys(root, style_keys, "style 'title'", &run.diag));
	assert_int_equal(run.diag.errors, 3);
	diag_capture_end(&run);
}

/* Distances count characters, so one wrong 汉字 is one edit. */
static void
test_suggest_code_points(void **state)
{
	static const char *const ids[] = { "规章", "行政许可", "行政处罚", NULL };

	assert_string_equal(ynode_suggest("行政许", ids), "行政许可");
	assert_string_equal(ynode_suggest("规则", ids), "规章");
	assert_null(ynode_suggest("收费", ids));
	assert_null(ynode_suggest("x", ids));
}

static void
test_require_and_expect(void **state)
{
	diag_capture run;
	const ynode *root;

	diag_capture_begin(&run);
	root = load_text(&run, "\nname: x\nlist: [1]\n");
	assert_non_null(ynode_require(root, "name", "layout", &run.diag));
	assert_null(ynode_require(root, "page", "layout", &run.diag));
	assert_false(ynode_expect(ynode_get(root, "list"), YNODE_MAPPING, "fonts",
	                          &run.diag));
	assert_true(ynode_expect(root, YNODE_MAPPING, "layout", &run.diag));
	assert_string_equal(diag_capture_text(&run),
	                    "t.yaml:2:1: error: layout: missing required key 'page'\n"
	                    "t.yaml:3:7: error: fonts must be a mapping, not a sequence\n");
	diag_capture_end(&run);
}

static void
test_to_string(void **state)
{
	diag_capture run;
	const ynode *root;
	const char *s = NULL;

	diag_capture_begin(&run);
	root = load_text(&run, "a: hello\nb: \"\"\nc: {x: 1}\n");
	assert_true(ynode_to_string(ynode_get(root, "a"), "a", &s, &run.diag));
	assert_string_equal(s, "hello");
	assert_false(ynode_to_string(ynode_get(root, "b"), "b", &s, &run.diag));
	assert_false(ynode_to_string(ynode_get(root, "c"), "c", &s, &run.diag));
	assert_string_equal(diag_capture_text(&run),
	                    "t.yaml:2:4: error: b must not be empty\n"
	                    "t.yaml:3:4: error: c must be a scalar, not a mapping\n");
	diag_capture_end(&run);
}

static void
test_to_long(void **state)
{
	diag_capture run;
	const ynode *root;
	long v = 0;

	diag_capture_begin(&run);
	root = load_text(&run, "a: 2024\nb: \"12\"\nc: 010\nd: 1.5\ne: 200\n"
	                       "f: -3\ng: 0x10\nh: 99999999999999999999999\n");
	assert_true(ynode_to_long(ynode_get(root, "a"), 0, 9999, "year", &v, &run.diag));
	assert_int_equal(v, 2024);
	assert_true(ynode_to_long(ynode_get(root, "f"), -5, 5, "f", &v, &run.diag));
	assert_int_equal(v, -3);
	assert_false(ynode_to_long(ynode_get(root, "b"), 0, 99, "b", &v, &run.diag));
	assert_false(ynode_to_long(ynode_get(root, "c"), 0, 99, "c", &v, &run.diag));
	assert_false(ynode_to_long(ynode_get(root, "d"), 0, 99, "d", &v, &run.diag));
	assert_false(ynode_to_long(ynode_get(root, "e"), 0, 100, "e", &v, &run.diag));
	assert_false(ynode_to_long(ynode_get(root, "g"), 0, 100, "g", &v, &run.diag));
	assert_false(ynode_to_long(ynode_get(root, "h"), 0, 100, "h", &v, &run.diag));
	assert_int_equal(v, -3);
	assert_string_equal(diag_capture_text(&run),
	                    "t.yaml:2:4: error: b must be an integer, not the quoted string '12'\n"
	                    "t.yaml:3:4: error: c must be an integer, not '010'\n"
	                    "t.yaml:4:4: error: d must be an integer, not '1.5'\n"
	                    "t.yaml:5:4: error: e must be between 0 and 100, not 200\n"
	                    "t.yaml:7:4: error: g must be an integer, not '0x10'\n"
	                    "t.yaml:8:4: error: h must be between 0 and 100, not "
	                    "99999999999999999999999\n");
	diag_capture_end(&run);
}

static void
test_to_double(void **state)
{
	diag_capture run;
	const ynode *root;
	double v = 0;

	diag_capture_begin(&run);
	root = load_text(&run, "a: 10.5\nb: 16\nc: 1e3\nd: '2'\ne: .5\n");
	assert_true(ynode_to_double(ynode_get(root, "a"), "a", &v, &run.diag));
	assert_true(v == 10.5);
	assert_true(ynode_to_double(ynode_get(root, "b"), "b", &v, &run.diag));
	assert_true(v == 16.0);
	assert_false(ynode_to_double(ynode_get(root, "c"), "c", &v, &run.diag));
	assert_false(ynode_to_double(ynode_get(root, "d"), "d", &v, &run.diag));
	assert_false(ynode_to_double(ynode_get(root, "e"), "e", &v, &run.diag));
	assert_string_equal(diag_capture_text(&run),
	                    "t.yaml:3:4: error: c must be a number, not '1e3'\n"
	                    "t.yaml:4:4: error: d must be a number, not the quoted string '2'\n"
	                    "t.yaml:5:4: error: e must be a number, not '.5'\n");
	diag_capture_end(&run);
}

static void
test_to_length(void **state)
{
	diag_capture run;
	const ynode *root;
	double pt = 0;

	diag_capture_begin(&run);
	root = load_text(&run, "a: 25.4mm\nb: 2.54cm\nc: 16pt\nd: 1in\n"
	                       "e: 2em\nf: 12\ng: -1mm\nh: \"37mm\"\n");
	assert_true(ynode_to_length(ynode_get(root, "a"), "a", &pt, &run.diag));
	assert_true(fabs(pt - 72.0) < 1e-9);
	assert_true(ynode_to_length(ynode_get(root, "b"), "b", &pt, &run.diag));
	assert_true(fabs(pt - 72.0) < 1e-9);
	assert_true(ynode_to_length(ynode_get(root, "c"), "c", &pt, &run.diag));
	assert_true(pt == 16.0);
	assert_true(ynode_to_length(ynode_get(root, "d"), "d", &pt, &run.diag));
	assert_true(pt == 72.0);
	assert_true(ynode_to_length(ynode_get(root, "h"), "h", &pt, &run.diag));
	assert_true(fabs(pt - 37 * 72 / 25.4) < 1e-9);
	assert_false(ynode_to_length(ynode_get(root, "e"), "e", &pt, &run.diag));
	assert_false(ynode_to_length(ynode_get(root, "f"), "f", &pt, &run.diag));
	assert_false(ynode_to_length(ynode_get(root, "g"), "g", &pt, &run.diag));
	assert_string_equal(diag_capture_text(&run),
	                    "t.yaml:5:4: error: e must be a length such as 37mm, 2.5cm, "
	                    "16pt or 1in, not '2em'\n"
	                    "t.yaml:6:4: error: f must be a length such as 37mm, 2.5cm, "
	                    "16pt or 1in, not '12'\n"
	                    "t.yaml:7:4: error: g must be a length such as 37mm, 2.5cm, "
	                    "16pt or 1in, not '-1mm'\n");
	diag_capture_end(&run);
}

static void
test_to_bool(void **state)
{
	diag_capture run;
	const ynode *root;
	bool v = false;

	diag_capture_begin(&run);
	root = load_text(&run, "[true, no, \"true\", 1]");
	assert_true(ynode_to_bool(root->items[0], "k", &v, &run.diag));
	assert_true(v);
	assert_true(ynode_to_bool(root->items[1], "k", &v, &run.diag));
	assert_false(v);
	assert_false(ynode_to_bool(root->items[2], "k", &v, &run.diag));
	assert_false(ynode_to_bool(root->items[3], "k", &v, &run.diag));
	assert_string_equal(diag_capture_text(&run),
	                    "t.yaml:1:12: error: k must be true or false, not 'true'\n"
	                    "t.yaml:1:20: error: k must be true or false, not '1'\n");
	diag_capture_end(&run);
}

static void
test_kind_names(void **state)
{
	assert_string_equal(ynode_kind_name(YNODE_SCALAR), "scalar");
	assert_string_equal(ynode_kind_name(YNODE_SEQUENCE), "sequence");
	assert_string_equal(ynode_kind_name(YNODE_MAPPING), "mapping");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_mapping_order),
		cmocka_unit_test(test_syntax_error_flow),
		cmocka_unit_test(test_syntax_error_mapping_value),
		cmocka_unit_test(test_syntax_error_block),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_duplicate_key_thrice),
		cmocka_unit_test(test_alias_rejected),
		cmocka_unit_test(test_alias_alone),
		cmocka_unit_test(test_non_scalar_key),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_truncated_utf8_at_end),
		cmocka_unit_test(test_control_character),
		cmocka_unit_test(test_empty_documents),
		cmocka_unit_test(test_multiple_documents),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_cache_every_data_file),
		cmocka_unit_test(test_cache_damage_is_a_miss),
		cmocka_unit_test(test_cache_forged_records),
		cmocka_unit_test(test_cache_same_size_other_bytes),
		cmocka_unit_test(test_cache_switched_off),
		cmocka_unit_test(test_cache_unwritable),
		cmocka_unit_test(test_cache_errors_not_saved),
		cmocka_unit_test(test_cache_pruned),
		cmocka_unit_test(test_check_keys),
		cmocka_unit_test(test_suggest_code_points),
		cmocka_unit_test(test_require_and_expect),
		cmocka_unit_test(test_to_string),
		cmocka_unit_test(test_to_long),
		cmocka_unit_test(test_to_double),
		cmocka_unit_test(test_to_length),
		cmocka_unit_test(test_to_bool),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
