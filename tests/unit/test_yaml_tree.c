/*
 * test_yaml_tree.c - the YAML tree loader and its typed readers.
 */
#include "testing.h"

#include <math.h>
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
