/*
 * yaml_tree.c - libyaml's event stream turned into a positioned tree, and
 * the typed readers every loader uses to check what it finds there.
 */
#include "yaml_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <yaml.h>

#include "cache_dir.h"
#include "utf8.h"

/* What one parse needs to carry around: the arena, the diagnostics and
 * libyaml's parser. */
typedef struct tree_builder {
	arena *a;
	diag_sink *diag;
	const char *file;
	const char *data;
	size_t size;
	yaml_parser_t parser;
	bool failed;             /* a fatal error: stop reading events */
	int errors;              /* problems reported (fatal or not) */
} tree_builder;

/* ------------------------------------------------------------------ */
/* Positions                                                            */
/* ------------------------------------------------------------------ */

/* Turns a libyaml mark into our 1-based position, because libyaml counts
 * lines and columns (in characters) from zero. */
static source_pos
mark_pos(const tree_builder *b, yaml_mark_t mark)
{
	source_pos pos = { b->file, (int)mark.line + 1, (int)mark.column + 1 };
	return pos;
}

/* Reports whether s[i] starts a line break as libyaml sees one (LF, CR,
 * CRLF), returning its length so CRLF counts once. */
static size_t
line_break_length(const char *s, size_t len, size_t i)
{
	if (s[i] == '\n')
		return 1;
	if (s[i] == '\r')
		return i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
	return 0;
}

/* Finds the line and character column of a byte offset, for problems
 * found before libyaml sees the text (bad UTF-8) or without a mark. */
static source_pos
offset_pos(const tree_builder *b, size_t offset)
{
	source_pos pos = { b->file, 1, 1 };
	size_t i = 0, brk, n;
	uint32_t cp;

	while (i < offset && i < b->size) {
		brk = line_break_length(b->data, b->size, i);
		if (brk > 0) {
			pos.line++;
			pos.column = 1;
			i += brk;
			continue;
		}
		n = utf8_decode(b->data + i, b->size - i, &cp);
		i += n ? n : 1;
		pos.column++;
	}
	return pos;
}

/* ------------------------------------------------------------------ */
/* Building the tree                                                    */
/* ------------------------------------------------------------------ */

/* Counts a problem that lets the parse go on, so that one run reports
 * every duplicate key rather than only the first. */
#define tree_error(b, pos, ...) \
	do { \
		diag_error((b)->diag, (pos), __VA_ARGS__); \
		(b)->errors++; \
	} while (0)

/* Reports libyaml's own complaint at the place it names, as a syntax
 * error the user can jump to. */
static void
report_parser_error(tree_builder *b)
{
	yaml_parser_t *p = &b->parser;
	const char *problem = p->problem ? p->problem : "unknown problem";
	source_pos pos;

	if (p->error == YAML_READER_ERROR)
		pos = offset_pos(b, p->problem_offset);
	else
		pos = mark_pos(b, p->problem_mark);
	if (p->error == YAML_MEMORY_ERROR) {
		tree_error(b, pos, "out of memory while parsing YAML");
	} else if (p->context != NULL) {
		tree_error(b, pos, "YAML syntax error: %s %s", problem, p->context);
	} else {
		tree_error(b, pos, "YAML syntax error: %s", problem);
	}
	b->failed = true;
}

/* Fetches the next event, turning a parser failure into a reported
 * error so callers only check the return value. */
static bool
next_event(tree_builder *b, yaml_event_t *event)
{
	if (b->failed)
		return false;
	if (!yaml_parser_parse(&b->parser, event)) {
		report_parser_error(b);
		return false;
	}
	return true;
}

static const ynode *build_node(tree_builder *b, yaml_event_t *event, int depth);

/* Makes a node of kind at the event's start; every node is born here so
 * positions are never forgotten. */
static ynode *
new_node(tree_builder *b, ynode_kind kind, const yaml_event_t *event)
{
	ynode *node = arena_alloc(b->a, sizeof(*node));

	node->kind = kind;
	node->pos = mark_pos(b, event->start_mark);
	return node;
}

/* Copies a scalar event into the arena; a tag (e.g. !!str) makes a
 * scalar count as quoted, since it no longer speaks for itself.  A NUL
 * ("\0" in double quotes) is refused: every later stage reads C strings. */
static const ynode *
build_scalar(tree_builder *b, const yaml_event_t *event)
{
	ynode *node = new_node(b, YNODE_SCALAR, event);
	size_t length = event->data.scalar.length;

	node->text = arena_strndup(b->a, (const char *)event->data.scalar.value,
	                           length);
	node->length = length;
	if (memchr(node->text, '\0', length) != NULL)
		tree_error(b, node->pos, "a NUL character (\\0) is not allowed "
		           "in a string");
	node->plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	              event->data.scalar.tag == NULL;
	return node;
}

/* Anchors make a file mean more than it says, so the tree refuses them
 * (the alias event itself is refused where it appears). */
static void
reject_anchor(tree_builder *b, const yaml_event_t *event,
              const yaml_char_t *anchor)
{
	if (anchor != NULL)
		tree_error(b, mark_pos(b, event->start_mark),
		           "YAML anchors are not allowed");
}

/* Reads items until the sequence ends; the array doubles in the arena so
 * long lists stay linear. */
static const ynode *
build_sequence(tree_builder *b, const yaml_event_t *start, int depth)
{
	ynode *node = new_node(b, YNODE_SEQUENCE, start);
	const ynode **items = NULL;
	size_t count = 0, capacity = 0;
	yaml_event_t event;

	while (next_event(b, &event)) {
		if (event.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&event);
			node->items = items;
			node->count = count;
			return node;
		}
		if (count == capacity) {
			size_t grown = capacity ? capacity * 2 : 8;
			items = arena_grow(b->a, items, count, grown, sizeof(*items));
			capacity = grown;
		}
		items[count++] = build_node(b, &event, depth + 1);
		yaml_event_delete(&event);
		if (b->failed)
			break;
	}
	return NULL;
}

/* Orders pair indices by key text, then by file order, so duplicates
 * end up side by side with the first occurrence leading. */
static int
compare_pair_keys(const void *left, const void *right, void *context)
{
	const ypair *pairs = context;
	const ynode *k1 = pairs[*(const size_t *)left].key;
	const ynode *k2 = pairs[*(const size_t *)right].key;
	size_t n = k1->length < k2->length ? k1->length : k2->length;
	int c = memcmp(k1->text, k2->text, n);

	if (c != 0)
		return c;
	if (k1->length != k2->length)
		return k1->length < k2->length ? -1 : 1;
	return *(const size_t *)left < *(const size_t *)right ? -1 : 1;
}

/* True when two scalar keys hold the same bytes. */
static bool
same_key(const ynode *k1, const ynode *k2)
{
	return k1->length == k2->length &&
	       memcmp(k1->text, k2->text, k1->length) == 0;
}

/* Reports every repeated key in file order; sorting keeps a mapping with
 * many keys from costing quadratic time. */
static void
check_duplicate_keys(tree_builder *b, const ypair *pairs, size_t count)
{
	size_t *order, *first, i;

	if (count < 2)
		return;
	order = arena_calloc(b->a, count, sizeof(*order));
	first = arena_calloc(b->a, count, sizeof(*first));
	for (i = 0; i < count; i++) {
		order[i] = i;
		first[i] = SIZE_MAX;
	}
	qsort_r(order, count, sizeof(*order), compare_pair_keys, (void *)pairs);
	for (i = 1; i < count; i++) {
		size_t prev = order[i - 1];
		if (same_key(pairs[prev].key, pairs[order[i]].key))
			first[order[i]] = first[prev] != SIZE_MAX ? first[prev] : prev;
	}
	for (i = 0; i < count; i++) {
		if (first[i] == SIZE_MAX)
			continue;
		tree_error(b, pairs[i].key->pos, "duplicate key '%s' (first at line %d)",
		           pairs[i].key->text, pairs[first[i]].key->pos.line);
	}
}

/* Reads key/value pairs until the mapping ends; keys must be scalars
 * because every loader looks them up by name. */
static const ynode *
build_mapping(tree_builder *b, const yaml_event_t *start, int depth)
{
	ynode *node = new_node(b, YNODE_MAPPING, start);
	ypair *pairs = NULL;
	size_t count = 0, capacity = 0;
	yaml_event_t event;

	while (next_event(b, &event)) {
		if (event.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&event);
			check_duplicate_keys(b, pairs, count);
			node->pairs = pairs;
			node->pair_count = count;
			return node;
		}
		if (count == capacity) {
			size_t grown = capacity ? capacity * 2 : 8;
			pairs = arena_grow(b->a, pairs, count, grown, sizeof(*pairs));
			capacity = grown;
		}
		pairs[count].key = build_node(b, &event, depth + 1);
		yaml_event_delete(&event);
		if (b->failed || !next_event(b, &event))
			break;
		pairs[count].value = build_node(b, &event, depth + 1);
		yaml_event_delete(&event);
		if (b->failed)
			break;
		if (pairs[count].key->kind != YNODE_SCALAR) {
			tree_error(b, pairs[count].key->pos,
			           "mapping keys must be scalars, not a %s",
			           ynode_kind_name(pairs[count].key->kind));
			continue;
		}
		count++;
	}
	return NULL;
}

/* Builds the node an event starts, refusing aliases, anchors and
 * nesting deep enough to exhaust the stack. */
static const ynode *
build_node(tree_builder *b, yaml_event_t *event, int depth)
{
	bool collection = event->type == YAML_SEQUENCE_START_EVENT ||
	                  event->type == YAML_MAPPING_START_EVENT;

	if (collection && depth > YAML_TREE_MAX_DEPTH) {
		tree_error(b, mark_pos(b, event->start_mark),
		           "nesting deeper than %d levels", YAML_TREE_MAX_DEPTH);
		b->failed = true;
		return NULL;
	}
	switch (event->type) {
	case YAML_SCALAR_EVENT:
		reject_anchor(b, event, event->data.scalar.anchor);
		return build_scalar(b, event);
	case YAML_SEQUENCE_START_EVENT:
		reject_anchor(b, event, event->data.sequence_start.anchor);
		return build_sequence(b, event, depth);
	case YAML_MAPPING_START_EVENT:
		reject_anchor(b, event, event->data.mapping_start.anchor);
		return build_mapping(b, event, depth);
	case YAML_ALIAS_EVENT:
		tree_error(b, mark_pos(b, event->start_mark),
		           "YAML aliases are not allowed");
		b->failed = true;
		return NULL;
	default:
		tree_error(b, mark_pos(b, event->start_mark),
		           "unexpected YAML event %d", (int)event->type);
		b->failed = true;
		return NULL;
	}
}

/* True for a document that holds nothing: only "---", "~" or "null". */
static bool
is_null_root(const ynode *root)
{
	return root->kind == YNODE_SCALAR && root->plain &&
	       (root->length == 0 || strcmp(root->text, "~") == 0 ||
	        strcmp(root->text, "null") == 0);
}

/* Reads the one document of the stream; a second document or none at
 * all is an error, since a gkreport file is exactly one mapping. */
static const ynode *
build_document(tree_builder *b)
{
	const ynode *root = NULL;
	yaml_event_t event;

	if (!next_event(b, &event))
		return NULL;
	if (event.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&event);
		diag_error(b->diag, source_pos_file(b->file), "empty document");
		b->errors++;
		return NULL;
	}
	yaml_event_delete(&event);      /* DOCUMENT_START */
	if (!next_event(b, &event))
		return NULL;
	root = build_node(b, &event, 1);
	yaml_event_delete(&event);
	if (b->failed || !next_event(b, &event))   /* DOCUMENT_END */
		return NULL;
	yaml_event_delete(&event);
	if (!next_event(b, &event))
		return NULL;
	if (event.type == YAML_DOCUMENT_START_EVENT)
		tree_error(b, mark_pos(b, event.start_mark),
		           "multiple YAML documents are not allowed");
	yaml_event_delete(&event);
	if (root != NULL && is_null_root(root)) {
		diag_error(b->diag, source_pos_file(b->file), "empty document");
		b->errors++;
		return NULL;
	}
	return root;
}

/* Refuses bad UTF-8 before libyaml sees it, because its own message
 * does not say where the bad byte is in characters. */
static bool
check_utf8(tree_builder *b)
{
	size_t bad;

	if (utf8_validate(b->data, b->size, &bad))
		return true;
	diag_error(b->diag, offset_pos(b, bad),
	           "invalid UTF-8 (byte 0x%02X)", (unsigned char)b->data[bad]);
	return false;
}

/* Runs libyaml over the checked text and collects the tree; the stream
 * start event carries nothing we need. */
static const ynode *
parse_checked_text(tree_builder *b)
{
	yaml_event_t event;
	const ynode *root = NULL;

	if (!yaml_parser_initialize(&b->parser)) {
		diag_error(b->diag, source_pos_file(b->file), "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&b->parser, (const unsigned char *)b->data,
	                             b->size);
	yaml_parser_set_encoding(&b->parser, YAML_UTF8_ENCODING);
	if (next_event(b, &event)) {        /* STREAM_START */
		yaml_event_delete(&event);
		root = build_document(b);
	}
	yaml_parser_delete(&b->parser);
	return b->errors > 0 ? NULL : root;
}

/* Parses a buffer into a tree after the checks libyaml cannot do well
 * itself: size, BOM, and UTF-8 with a character position. */
const ynode *
yaml_tree_load_buffer(arena *a, const char *display_name, const char *data,
                      size_t size, diag_sink *diag)
{
	tree_builder b;

	memset(&b, 0, sizeof(b));
	b.a = a;
	b.diag = diag;
	b.file = arena_strdup(a, display_name);
	if (size > YAML_TREE_MAX_BYTES) {
		diag_error(diag, source_pos_file(b.file),
		           "file is larger than %u bytes", YAML_TREE_MAX_BYTES);
		return NULL;
	}
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		size -= 3;
	}
	b.data = data;
	b.size = size;
	if (!check_utf8(&b))
		return NULL;
	return parse_checked_text(&b);
}

/* ------------------------------------------------------------------ */
/* Reading files                                                        */
/* ------------------------------------------------------------------ */

/* Reads all of fd into the arena, one byte past the size limit at most,
 * so an oversized file is noticed without reading all of it. */
static char *
read_all(arena *a, int fd, size_t *size)
{
	size_t capacity = 64 * 1024, used = 0, limit = YAML_TREE_MAX_BYTES + 1;
	char *buffer = arena_alloc(a, capacity);
	ssize_t got;

	for (;;) {
		if (used == capacity) {
			size_t grown = capacity * 2 > limit ? limit : capacity * 2;
			if (grown == capacity)
				break;
			buffer = arena_grow(a, buffer, used, grown, 1);
			capacity = grown;
		}
		got = read(fd, buffer + used, capacity - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return NULL;
		if (got == 0)
			break;
		used += (size_t)got;
	}
	*size = used;
	return buffer;
}

/* Why a file of mode cannot be read as a description or layout, or
 * NULL when it can: a regular file or a pipe (`<(…)`, a FIFO). */
static const char *
unreadable_kind(mode_t mode)
{
	if (S_ISREG(mode) || S_ISFIFO(mode))
		return NULL;
	return S_ISDIR(mode) ? strerror(EISDIR) : "not a regular file";
}

/* Opens path for reading, refusing directories, devices and sockets up
 * front (reading /dev/zero or a terminal would never end); *why says
 * which.  A FIFO's open waits for its writer, as a pipe should. */
static int
open_regular(const char *path, const char **why)
{
	struct stat st;
	int fd;

	*why = NULL;
	if (stat(path, &st) == 0 && (*why = unreadable_kind(st.st_mode)) != NULL)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 &&
	    (*why = unreadable_kind(st.st_mode)) != NULL) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads a file (or stdin for "-") whole into the arena; failures name
 * the file and the reason, so every reader of inputs words them alike. */
char *
yaml_tree_read_file(arena *a, const char *path, size_t *size,
                    diag_sink *diag)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	const char *why = NULL;
	int fd = is_stdin ? STDIN_FILENO : open_regular(path, &why);
	char *data;
	int saved;

	if (fd < 0) {
		diag_error(diag, source_pos_file(name), "cannot open: %s",
		           why != NULL ? why : strerror(errno));
		return NULL;
	}
	data = read_all(a, fd, size);
	saved = errno;
	if (!is_stdin)
		close(fd);
	if (data == NULL)
		diag_error(diag, source_pos_file(name), "cannot read: %s",
		           strerror(saved));
	return data;
}

/* Reads a file (or stdin for "-") and parses it; read failures name
 * the file and the system's reason. */
const ynode *
yaml_tree_load_file(arena *a, const char *path, diag_sink *diag)
{
	size_t size = 0;
	char *data = yaml_tree_read_file(a, path, &size, diag);

	if (data == NULL)
		return NULL;
	return yaml_tree_load_buffer(a, strcmp(path, "-") == 0 ? "<stdin>" : path,
	                             data, size, diag);
}

/* ------------------------------------------------------------------ */
/* Cached trees                                                         */
/* ------------------------------------------------------------------ */

/*
 * A tree is kept in trees/HASH of the cache folder (cache_dir.h; HASH:
 * 16 hex digits of tree_hash over the source bytes), in this machine's byte
 * order, laid out so that loading is one read and one pass in file order:
 *
 *   header    tree_header: magic, format, gkreport and libyaml versions,
 *             the source's size, the file's size, the counts
 *   records   tree_record[node_count], the nodes in preorder (a mapping's
 *             pairs as key, then value); a scalar's size is its length,
 *             a sequence's its item count, a mapping's its pair count
 *   strings   every scalar's text and a NUL, in preorder
 *   source    the source bytes, compared with the caller's in full
 *   checksum  uint64: tree_hash of header, records and strings (the
 *             source needs none: it is compared byte for byte)
 *
 * Counts and sizes determine every offset, so the file size must equal
 * what the header implies, and reading the records checks every count
 * against what is left before using it.
 */

#define TREE_MAGIC "gktree\r\n"
/* Changes with the layout above, and with anything that changes the tree
 * a parse builds from the same bytes (what counts as plain, how
 * positions are counted, what is refused). */
#define TREE_FORMAT_VERSION 1u
#define TREE_DIR "trees"
/* Every edit of a layout is a new file: beyond this many, saving a tree
 * removes the oldest written. */
#define TREE_MAX_FILES 64
/* Larger files are not read: rebuilding one would take five times its
 * size in memory (a record is 16 bytes, a ynode 80). */
#define TREE_MAX_FILE_SIZE (64u << 20)

typedef struct tree_header {
	char magic[8];
	uint32_t version;
	uint32_t reserved;           /* zero */
	char gk_version[16];         /* GK_VERSION, NUL-padded */
	char yaml_version[16];       /* yaml_get_version_string(), NUL-padded */
	uint64_t source_size;
	uint64_t file_size;
	uint32_t node_count, item_count, pair_count;
	uint32_t strings_size;       /* NULs included */
} tree_header;

_Static_assert(sizeof(tree_header) == 80, "tree_header has padding");

typedef struct tree_record {
	uint8_t kind;                /* ynode_kind */
	uint8_t plain;
	uint16_t reserved;           /* zero */
	uint32_t line, column;
	uint32_t size;
} tree_record;

_Static_assert(sizeof(tree_record) == 16, "tree_record has padding");

#define TREE_HASH_K 0x517cc1b727220a95u

/* hash_round:
 * FxHash's round: a bijection of h for any w, and injective in w. */
static inline uint64_t
hash_round(uint64_t h, uint64_t w)
{
	return ((h << 5 | h >> 59) ^ w) * TREE_HASH_K;
}

/* tree_hash:
 * A 64-bit hash: four lanes of eight-byte rounds (independent, so they
 * overlap in the processor), folded together with the tail, then
 * MurmurHash3's finalizer.  Every step is a bijection of the running
 * value or injective in its input, so a change confined to one
 * eight-byte word always changes the result; it names files and finds
 * damage, and nothing relies on it more than that. */
static uint64_t
tree_hash(const void *data, size_t size)
{
	const unsigned char *p = data;
	uint64_t h0 = size, h1 = 1, h2 = 2, h3 = 3, w[4], h;

	for (; size >= sizeof(w); p += sizeof(w), size -= sizeof(w)) {
		memcpy(w, p, sizeof(w));
		h0 = hash_round(h0, w[0]);
		h1 = hash_round(h1, w[1]);
		h2 = hash_round(h2, w[2]);
		h3 = hash_round(h3, w[3]);
	}
	h = hash_round(hash_round(hash_round(h0, h1), h2), h3);
	for (; size >= 8; p += 8, size -= 8) {
		memcpy(w, p, 8);
		h = hash_round(h, w[0]);
	}
	w[0] = 0;
	memcpy(w, p, size);
	h = hash_round(h, w[0]);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 33);
}

/* yaml_tree_cache_file:
 * trees/HASH in the cache folder, or NULL without one. */
const char *
yaml_tree_cache_file(arena *a, const char *data, size_t size)
{
	return cache_dir_path(a, arena_printf(a, TREE_DIR "/%016" PRIx64,
	                                      tree_hash(data, size)));
}

/* fill_versions:
 * The stamp every header carries: magic, format and versions. */
static void
fill_versions(tree_header *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, TREE_MAGIC, sizeof(h->magic));
	h->version = TREE_FORMAT_VERSION;
	strncpy(h->gk_version, GK_VERSION, sizeof(h->gk_version) - 1);
	strncpy(h->yaml_version, yaml_get_version_string(),
	        sizeof(h->yaml_version) - 1);
}

/* tree_file_size:
 * The file size a header's counts imply. */
static uint64_t
tree_file_size(const tree_header *h)
{
	return sizeof(*h) + (uint64_t)h->node_count * sizeof(tree_record) +
	       h->strings_size + h->source_size + sizeof(uint64_t);
}

/* ---- loading ---- */

/* What rebuilding a tree from a file's records needs. */
typedef struct tree_reader {
	const char *file;            /* every node's pos.file */
	const tree_record *records;
	const char *strings;
	ynode *nodes;
	const ynode **items;
	ypair *pairs;
	size_t node_count, item_count, pair_count, strings_size;
	size_t nodes_used, items_used, pairs_used, strings_used;
} tree_reader;

static const ynode *read_node(tree_reader *r, int depth);

/* read_scalar:
 * The next size + 1 bytes of the strings, which must end in the only
 * NUL among them. */
static bool
read_scalar(tree_reader *r, ynode *node, const tree_record *rec)
{
	size_t length = rec->size;
	const char *text = r->strings + r->strings_used;

	if (length >= r->strings_size - r->strings_used || text[length] != '\0' ||
	    memchr(text, '\0', length) != NULL)
		return false;
	node->text = text;
	node->length = length;
	node->plain = rec->plain != 0;
	r->strings_used += length + 1;
	return true;
}

/* read_sequence:
 * The next rec->size items, each a subtree. */
static bool
read_sequence(tree_reader *r, ynode *node, const tree_record *rec, int depth)
{
	size_t count = rec->size, i;
	const ynode **items = r->items + r->items_used;

	if (count > r->item_count - r->items_used)
		return false;
	r->items_used += count;
	for (i = 0; i < count; i++)
		if ((items[i] = read_node(r, depth + 1)) == NULL)
			return false;
	node->items = count > 0 ? items : NULL;
	node->count = count;
	return true;
}

/* read_mapping:
 * The next rec->size pairs, each a scalar key and a subtree. */
static bool
read_mapping(tree_reader *r, ynode *node, const tree_record *rec, int depth)
{
	size_t count = rec->size, i;
	ypair *pairs = r->pairs + r->pairs_used;

	if (count > r->pair_count - r->pairs_used)
		return false;
	r->pairs_used += count;
	for (i = 0; i < count; i++) {
		pairs[i].key = read_node(r, depth + 1);
		if (pairs[i].key == NULL || pairs[i].key->kind != YNODE_SCALAR ||
		    (pairs[i].value = read_node(r, depth + 1)) == NULL)
			return false;
	}
	node->pairs = count > 0 ? pairs : NULL;
	node->pair_count = count;
	return true;
}

/* read_node:
 * The next record and its subtree, held to what a parse can build:
 * known kinds, positions a source_pos holds, collections no deeper than
 * YAML_TREE_MAX_DEPTH (the root is at depth 1); NULL when it is not. */
static const ynode *
read_node(tree_reader *r, int depth)
{
	const tree_record *rec;
	ynode *node;
	bool ok;

	if (r->nodes_used == r->node_count)
		return NULL;
	rec = &r->records[r->nodes_used];
	node = &r->nodes[r->nodes_used++];
	if (rec->reserved != 0 || rec->line == 0 || rec->line > INT_MAX ||
	    rec->column == 0 || rec->column > INT_MAX ||
	    (rec->plain > 0 && rec->kind != YNODE_SCALAR) || rec->plain > 1 ||
	    (rec->kind != YNODE_SCALAR && depth > YAML_TREE_MAX_DEPTH))
		return NULL;
	node->kind = (ynode_kind)rec->kind;
	node->pos.file = r->file;
	node->pos.line = (int)rec->line;
	node->pos.column = (int)rec->column;
	switch (rec->kind) {
	case YNODE_SCALAR:
		ok = read_scalar(r, node, rec);
		break;
	case YNODE_SEQUENCE:
		ok = read_sequence(r, node, rec, depth);
		break;
	case YNODE_MAPPING:
		ok = read_mapping(r, node, rec, depth);
		break;
	default:
		ok = false;
	}
	return ok ? node : NULL;
}

/* read_tree:
 * The tree of a checked file: all nodes, items and pairs in one
 * allocation, the texts left in the file's buffer; NULL unless the
 * records hold exactly one tree using every count and string. */
static const ynode *
read_tree(arena *a, const char *display_name, const char *buffer,
          const tree_header *h)
{
	tree_reader r = {
		.records = (const tree_record *)(buffer + sizeof(*h)),
		.strings = buffer + sizeof(*h) + (size_t)h->node_count *
		           sizeof(tree_record),
		.node_count = h->node_count,
		.item_count = h->item_count,
		.pair_count = h->pair_count,
		.strings_size = h->strings_size,
	};
	size_t nodes = r.node_count * sizeof(ynode);
	size_t items = r.item_count * sizeof(*r.items);
	char *block;
	const ynode *root;

	if (r.node_count == 0 || r.item_count >= r.node_count ||
	    r.pair_count >= r.node_count)
		return NULL;
	block = arena_alloc(a, nodes + items + r.pair_count * sizeof(ypair));
	r.nodes = (ynode *)block;
	r.items = (const ynode **)(block + nodes);
	r.pairs = (ypair *)(block + nodes + items);
	r.file = arena_strdup(a, display_name);
	root = read_node(&r, 1);
	if (root == NULL || r.nodes_used != r.node_count ||
	    r.items_used != r.item_count || r.pairs_used != r.pair_count ||
	    r.strings_used != r.strings_size)
		return NULL;
	return root;
}

/* header_holds:
 * Whether a header read from a file of file_size bytes was written by
 * this gkreport and libyaml for a source of size bytes. */
static bool
header_holds(const tree_header *h, uint64_t file_size, size_t size)
{
	tree_header expected;

	fill_versions(&expected);
	return memcmp(h, &expected, offsetof(tree_header, source_size)) == 0 &&
	       h->source_size == size && h->file_size == file_size &&
	       tree_file_size(h) == file_size;
}

/* read_full:
 * Reads size bytes at buffer from fd, resuming short reads. */
static bool
read_full(int fd, char *buffer, size_t size)
{
	while (size > 0) {
		ssize_t n = read(fd, buffer, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buffer += n;
		size -= (size_t)n;
	}
	return true;
}

/* read_tree_file:
 * The whole file at path in a, its header checked before the rest is
 * read; NULL when missing, of another version or size, or unreadable. */
static char *
read_tree_file(arena *a, const char *path, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buffer = NULL;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > sizeof(tree_header) + size &&
	    (uint64_t)st.st_size <= TREE_MAX_FILE_SIZE) {
		buffer = arena_alloc(a, (size_t)st.st_size);
		if (!read_full(fd, buffer, sizeof(tree_header)) ||
		    !header_holds((const tree_header *)buffer,
		                  (uint64_t)st.st_size, size) ||
		    !read_full(fd, buffer + sizeof(tree_header),
		               (size_t)st.st_size - sizeof(tree_header)))
			buffer = NULL;
	}
	close(fd);
	return buffer;
}

/* yaml_tree_cache_load:
 * The file's tree, once its header, its copy of the source and its
 * checksum hold; NULL on any mismatch. */
const ynode *
yaml_tree_cache_load(arena *a, const char *display_name, const char *data,
                     size_t size)
{
	const char *path = size <= YAML_TREE_MAX_BYTES ?
	                   yaml_tree_cache_file(a, data, size) : NULL;
	const char *buffer = path != NULL ? read_tree_file(a, path, size) : NULL;
	const tree_header *h = (const tree_header *)buffer;
	size_t body;
	uint64_t stored;

	if (buffer == NULL)
		return NULL;
	body = sizeof(*h) + (size_t)h->node_count * sizeof(tree_record) +
	       h->strings_size;
	memcpy(&stored, buffer + body + size, sizeof(stored));
	if (memcmp(buffer + body, data, size) != 0 ||
	    tree_hash(buffer, body) != stored)
		return NULL;
	return read_tree(a, display_name, buffer, h);
}

/* ---- saving ---- */

/* What serializing a tree counts, then fills. */
typedef struct tree_writer {
	tree_record *records;        /* NULL while counting */
	char *strings;
	size_t node_count, item_count, pair_count, strings_size;
	bool ok;                     /* false: a value does not fit */
} tree_writer;

/* write_node:
 * node's record and text, then its subtree's, in preorder. */
static void
write_node(tree_writer *w, const ynode *node)
{
	size_t size = node->kind == YNODE_SCALAR ? node->length
	            : node->kind == YNODE_SEQUENCE ? node->count
	            : node->pair_count, i;

	if (size >= UINT32_MAX || node->pos.line <= 0 || node->pos.column <= 0) {
		w->ok = false;
		return;
	}
	if (w->records != NULL) {
		tree_record *rec = &w->records[w->node_count];

		rec->kind = (uint8_t)node->kind;
		rec->plain = node->kind == YNODE_SCALAR && node->plain;
		rec->line = (uint32_t)node->pos.line;
		rec->column = (uint32_t)node->pos.column;
		rec->size = (uint32_t)size;
		if (node->kind == YNODE_SCALAR)
			memcpy(w->strings + w->strings_size, node->text, size + 1);
	}
	w->node_count++;
	if (node->kind == YNODE_SCALAR)
		w->strings_size += size + 1;
	if (node->kind == YNODE_SEQUENCE) {
		w->item_count += size;
		for (i = 0; i < size; i++)
			write_node(w, node->items[i]);
	} else if (node->kind == YNODE_MAPPING) {
		w->pair_count += size;
		for (i = 0; i < size; i++) {
			write_node(w, node->pairs[i].key);
			write_node(w, node->pairs[i].value);
		}
	}
}

/* serialize_tree:
 * The whole file in a zeroed malloc'd buffer (*file_size bytes); NULL
 * when a count does not fit the format or the file would be too large
 * to be read. */
static char *
serialize_tree(const ynode *root, const char *data, size_t size,
               size_t *file_size)
{
	tree_writer w = { .ok = true };
	tree_header h;
	char *buffer;
	size_t body;
	uint64_t sum;

	write_node(&w, root);
	if (!w.ok || w.node_count >= UINT32_MAX || w.strings_size >= UINT32_MAX)
		return NULL;
	fill_versions(&h);
	h.source_size = size;
	h.node_count = (uint32_t)w.node_count;
	h.item_count = (uint32_t)w.item_count;
	h.pair_count = (uint32_t)w.pair_count;
	h.strings_size = (uint32_t)w.strings_size;
	h.file_size = tree_file_size(&h);
	if (h.file_size > TREE_MAX_FILE_SIZE)
		return NULL;
	*file_size = (size_t)h.file_size;
	buffer = checked_memory(calloc(1, *file_size));
	memcpy(buffer, &h, sizeof(h));
	w.records = (tree_record *)(buffer + sizeof(h));
	w.strings = buffer + sizeof(h) + w.node_count * sizeof(tree_record);
	w.node_count = w.item_count = w.pair_count = w.strings_size = 0;
	write_node(&w, root);
	body = sizeof(h) + w.node_count * sizeof(tree_record) + w.strings_size;
	memcpy(buffer + body, data, size);
	sum = tree_hash(buffer, body);
	memcpy(buffer + body + size, &sum, sizeof(sum));
	return buffer;
}

/* A file of the folder, for pruning. */
typedef struct tree_entry {
	struct timespec mtime;
	char name[256];
} tree_entry;

/* compare_entries:
 * Oldest modification first. */
static int
compare_entries(const void *left, const void *right)
{
	const struct timespec *l = &((const tree_entry *)left)->mtime;
	const struct timespec *r = &((const tree_entry *)right)->mtime;

	if (l->tv_sec != r->tv_sec)
		return l->tv_sec < r->tv_sec ? -1 : 1;
	return l->tv_nsec < r->tv_nsec ? -1 : l->tv_nsec > r->tv_nsec;
}

/* prune_trees:
 * Beyond TREE_MAX_FILES in path's folder, removes the oldest written but
 * path itself (a tree still in use is written again by its next load). */
static void
prune_trees(arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	DIR *d = opendir(arena_strndup(a, path, (size_t)(slash - path)));
	tree_entry *entries = NULL;
	size_t count = 0, capacity = 0, i;
	struct dirent *e;
	struct stat st;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, slash + 1) == 0 ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || strlen(e->d_name) >= sizeof(entries->name))
			continue;
		if (count == capacity) {
			capacity = capacity ? 2 * capacity : 2 * TREE_MAX_FILES;
			entries = checked_memory(realloc(entries,
			                                 capacity * sizeof(*entries)));
		}
		entries[count].mtime = st.st_mtim;
		strcpy(entries[count++].name, e->d_name);
	}
	if (count >= TREE_MAX_FILES) {
		qsort(entries, count, sizeof(*entries), compare_entries);
		for (i = 0; i <= count - TREE_MAX_FILES; i++)
			unlinkat(dirfd(d), entries[i].name, 0);
	}
	closedir(d);
	free(entries);
}

/* yaml_tree_cache_save:
 * Writes the file to a temporary name beside its own and renames it into
 * place, so that readers see the old file or the new one, never a part. */
void
yaml_tree_cache_save(arena *a, const ynode *root, const char *data,
                     size_t size)
{
	const char *path = root != NULL && size <= YAML_TREE_MAX_BYTES ?
	                   yaml_tree_cache_file(a, data, size) : NULL;
	char *buffer;
	size_t file_size = 0;

	if (path == NULL ||
	    (buffer = serialize_tree(root, data, size, &file_size)) == NULL)
		return;
	if (cache_dir_replace(path, buffer, file_size))
		prune_trees(a, path);
	free(buffer);
}

/* ---- the loaders ---- */

/* yaml_tree_load_buffer_cached:
 * The cached tree, else a parse. */
const ynode *
yaml_tree_load_buffer_cached(arena *a, const char *display_name,
                             const char *data, size_t size, bool *from_cache,
                             diag_sink *diag)
{
	const ynode *root = yaml_tree_cache_load(a, display_name, data, size);

	*from_cache = root != NULL;
	return root != NULL ? root
	                    : yaml_tree_load_buffer(a, display_name, data, size, diag);
}

/* yaml_tree_load_file_cached:
 * yaml_tree_load_file through the cache; a parse that reported nothing
 * is saved. */
const ynode *
yaml_tree_load_file_cached(arena *a, const char *path, diag_sink *diag)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	int reported = diag->errors + diag->warnings + diag->notes;
	size_t size = 0;
	char *data = yaml_tree_read_file(a, path, &size, diag);
	const ynode *root;
	bool from_cache;

	if (data == NULL)
		return NULL;
	root = yaml_tree_load_buffer_cached(a, name, data, size, &from_cache, diag);
	if (root != NULL && !from_cache &&
	    diag->errors + diag->warnings + diag->notes == reported)
		yaml_tree_cache_save(a, root, data, size);
	return root;
}

/* ------------------------------------------------------------------ */
/* Looking things up                                                    */
/* ------------------------------------------------------------------ */

/* Names a node kind for messages, so they read the same everywhere
 * ("must be a mapping, not a sequence"). */
const char *
ynode_kind_name(ynode_kind kind)
{
	switch (kind) {
	case YNODE_SCALAR:
		return "scalar";
	case YNODE_SEQUENCE:
		return "sequence";
	case YNODE_MAPPING:
		return "mapping";
	}
	return "node";
}

/* The index of key in mapping, or -1; shared by the two lookups so they
 * cannot disagree. */
static long
find_pair(const ynode *mapping, const char *key)
{
	size_t i, length = strlen(key);

	if (mapping == NULL || mapping->kind != YNODE_MAPPING)
		return -1;
	for (i = 0; i < mapping->pair_count; i++) {
		const ynode *k = mapping->pairs[i].key;
		if (k->length == length && memcmp(k->text, key, length) == 0)
			return (long)i;
	}
	return -1;
}

/* Looks up a mapping value by key; NULL when absent or when the node
 * is not a mapping, so callers can chain lookups. */
const ynode *
ynode_get(const ynode *mapping, const char *key)
{
	long i = find_pair(mapping, key);

	return i < 0 ? NULL : mapping->pairs[i].value;
}

/* Looks up the key node itself, for messages that should point at the
 * key rather than its value. */
const ynode *
ynode_get_key(const ynode *mapping, const char *key)
{
	long i = find_pair(mapping, key);

	return i < 0 ? NULL : mapping->pairs[i].key;
}

/* Checks a node's kind, reporting the mismatch at the node so every
 * loader words it the same way. */
bool
ynode_expect(const ynode *node, ynode_kind kind, const char *what,
             diag_sink *diag)
{
	if (node->kind == kind)
		return true;
	diag_error(diag, node->pos, "%s must be a %s, not a %s", what,
	           ynode_kind_name(kind), ynode_kind_name(node->kind));
	return false;
}

/* ------------------------------------------------------------------ */
/* Suggestions                                                          */
/* ------------------------------------------------------------------ */

#define SUGGEST_MAX_CHARS 64

/* Decodes up to SUGGEST_MAX_CHARS code points, so distances count
 * characters: one wrong 汉字 is one edit, not three. */
static size_t
decode_for_distance(const char *s, size_t len, uint32_t *out)
{
	size_t i = 0, count = 0, n;

	while (i < len && count < SUGGEST_MAX_CHARS) {
		n = utf8_decode(s + i, len - i, &out[count]);
		if (n == 0) {
			out[count] = 0xFFFD;
			n = 1;
		}
		i += n;
		count++;
	}
	return count;
}

/* The smallest of three, for the edit distance's recurrence. */
static size_t
min3(size_t x, size_t y, size_t z)
{
	size_t m = x < y ? x : y;
	return m < z ? m : z;
}

/* Edit distance with adjacent transpositions counted as one edit, since
 * "algin" for "align" is the commonest typo of all. */
static size_t
edit_distance(const uint32_t *s, size_t n, const uint32_t *t, size_t m)
{
	size_t d[SUGGEST_MAX_CHARS + 1][SUGGEST_MAX_CHARS + 1];
	size_t i, j;

	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= m; j++) {
			size_t cost = s[i - 1] == t[j - 1] ? 0 : 1;
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
			               d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && s[i - 1] == t[j - 2] &&
			    s[i - 2] == t[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[n][m];
}

/* How many edits still count as "close" for a candidate of that many
 * characters: short names allow one, longer ones a few. */
static size_t
close_enough(size_t chars)
{
	if (chars <= 4)
		return 1;
	return chars <= 8 ? 2 : 3;
}

/* Finds the closest candidate to a misspelt word, or NULL, for the
 * "did you mean" hints of every unknown-name message.  A NULL list (a
 * row whose columns failed to load) has no candidates. */
const char *
ynode_suggest(const char *word, const char *const *candidates)
{
	uint32_t w[SUGGEST_MAX_CHARS], c[SUGGEST_MAX_CHARS];
	size_t wn = decode_for_distance(word, strlen(word), w);
	size_t best_distance = SIZE_MAX, i;
	const char *best = NULL;

	for (i = 0; candidates != NULL && candidates[i] != NULL; i++) {
		size_t cn = decode_for_distance(candidates[i],
		                                strlen(candidates[i]), c);
		size_t d;

		/* the distance is at least the difference in length */
		if ((wn > cn ? wn - cn : cn - wn) > close_enough(cn))
			continue;
		d = edit_distance(w, wn, c, cn);
		if (d <= close_enough(cn) && d < best_distance && d < cn) {
			best = candidates[i];
			best_distance = d;
		}
	}
	return best;
}

/* Reports every key a mapping may not have, with a hint when one is
 * close to an allowed key: typos are the usual cause. */
bool
ynode_check_keys(const ynode *mapping, const char *const *allowed,
                 const char *what, diag_sink *diag)
{
	bool ok = true;
	size_t i, j;

	for (i = 0; i < mapping->pair_count; i++) {
		const ynode *key = mapping->pairs[i].key;
		const char *suggestion;
		bool known = false;

		for (j = 0; allowed[j] != NULL && !known; j++)
			known = strcmp(key->text, allowed[j]) == 0;
		if (known)
			continue;
		ok = false;
		suggestion = ynode_suggest(key->text, allowed);
		if (suggestion != NULL)
			diag_error(diag, key->pos,
			           "unknown key '%s' in %s (did you mean '%s'?)",
			           key->text, what, suggestion);
		else
			diag_error(diag, key->pos, "unknown key '%s' in %s",
			           key->text, what);
	}
	return ok;
}

/* Fetches a required key, reporting at the mapping when it is missing
 * since there is no better place to point at. */
const ynode *
ynode_require(const ynode *mapping, const char *key, const char *what,
              diag_sink *diag)
{
	const ynode *value = ynode_get(mapping, key);

	if (value == NULL)
		diag_error(diag, mapping->pos, "%s: missing required key '%s'",
		           what, key);
	return value;
}

/* ------------------------------------------------------------------ */
/* Typed readers                                                        */
/* ------------------------------------------------------------------ */

/* Reads a non-empty scalar; an empty string is never a useful name,
 * heading or label. */
bool
ynode_to_string(const ynode *node, const char *what, const char **out,
                diag_sink *diag)
{
	if (!ynode_expect(node, YNODE_SCALAR, what, diag))
		return false;
	if (node->length == 0) {
		diag_error(diag, node->pos, "%s must not be empty", what);
		return false;
	}
	*out = node->text;
	return true;
}

/* Counts the decimal digits at s, the building block of both number
 * shapes we accept. */
static size_t
count_digits(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* Parses the one number shape files may use, so "1e3", "0x10" and
 * ".5" are refused rather than silently read. */
bool
yaml_parse_decimal(const char *text, size_t length, double *out)
{
	size_t i = 0, digits;
	char buffer[64];

	if (length == 0 || length >= sizeof(buffer))
		return false;
	if (text[0] == '-' || text[0] == '+')
		i++;
	digits = count_digits(text + i, length - i);
	if (digits == 0)
		return false;
	i += digits;
	if (i < length && text[i] == '.') {
		digits = count_digits(text + i + 1, length - i - 1);
		if (digits == 0)
			return false;
		i += 1 + digits;
	}
	if (i != length)
		return false;
	memcpy(buffer, text, length);
	buffer[length] = '\0';
	*out = strtod(buffer, NULL);
	return true;
}

/* Refuses a node that is not a plain scalar, since a quoted "12" is text
 * the user chose to write as text. */
static bool
expect_plain_number(const ynode *node, const char *what, const char *shape,
                    diag_sink *diag)
{
	if (!ynode_expect(node, YNODE_SCALAR, what, diag))
		return false;
	if (!node->plain) {
		diag_error(diag, node->pos, "%s must be %s, not the quoted string '%s'",
		           what, shape, node->text);
		return false;
	}
	return true;
}

/* True for an optionally signed run of decimal digits without leading
 * zeros, which YAML 1.1 might read as octal. */
static bool
is_decimal_integer(const char *s, size_t len)
{
	size_t i = (len > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
	size_t digits = count_digits(s + i, len - i);

	if (digits == 0 || i + digits != len)
		return false;
	return digits == 1 || s[i] != '0';
}

/* Reads a plain decimal integer in a range; quoted numbers and leading
 * zeros (YAML 1.1 octal) are refused. */
bool
ynode_to_long(const ynode *node, long min, long max, const char *what,
              long *out, diag_sink *diag)
{
	long value;

	if (!expect_plain_number(node, what, "an integer", diag))
		return false;
	if (!is_decimal_integer(node->text, node->length)) {
		diag_error(diag, node->pos, "%s must be an integer, not '%s'", what,
		           node->text);
		return false;
	}
	errno = 0;
	value = strtol(node->text, NULL, 10);
	if (errno == ERANGE || value < min || value > max) {
		diag_error(diag, node->pos, "%s must be between %ld and %ld, not %s",
		           what, min, max, node->text);
		return false;
	}
	*out = value;
	return true;
}

/* Reads a plain decimal number; quoted numbers are text the user chose
 * to write as text. */
bool
ynode_to_double(const ynode *node, const char *what, double *out,
                diag_sink *diag)
{
	if (!expect_plain_number(node, what, "a number", diag))
		return false;
	if (!yaml_parse_decimal(node->text, node->length, out)) {
		diag_error(diag, node->pos, "%s must be a number, not '%s'", what,
		           node->text);
		return false;
	}
	return true;
}

/* Points per unit for the units a layout may use, NULL-terminated. */
static const struct length_unit {
	const char *name;
	double points;
} length_units[] = {
	{ "mm", 72.0 / 25.4 },
	{ "cm", 720.0 / 25.4 },
	{ "pt", 1.0 },
	{ "in", 72.0 },
	{ NULL, 0 },
};

/* Parses a length with its unit into points, the one unit every later
 * stage uses. */
bool
yaml_parse_length(const char *text, size_t length, double *points)
{
	const struct length_unit *unit;
	double number;

	if (length < 3)
		return false;
	for (unit = length_units; unit->name != NULL; unit++) {
		if (memcmp(text + length - 2, unit->name, 2) != 0)
			continue;
		if (!yaml_parse_decimal(text, length - 2, &number) || number < 0)
			return false;
		*points = number * unit->points;
		return true;
	}
	return false;
}

/* Reads a length scalar (quoted or not, so JSON works) into points. */
bool
ynode_to_length(const ynode *node, const char *what, double *points,
                diag_sink *diag)
{
	if (!ynode_expect(node, YNODE_SCALAR, what, diag))
		return false;
	if (!yaml_parse_length(node->text, node->length, points)) {
		diag_error(diag, node->pos,
		           "%s must be a length such as 37mm, 2.5cm, 16pt or 1in, not '%s'",
		           what, node->text);
		return false;
	}
	return true;
}

/* Reads true/false (or yes/no), unquoted, since a quoted "true" is
 * more likely a mistake than a flag. */
bool
ynode_to_bool(const ynode *node, const char *what, bool *out,
              diag_sink *diag)
{
	if (!ynode_expect(node, YNODE_SCALAR, what, diag))
		return false;
	if (node->plain && (strcmp(node->text, "true") == 0 ||
	                    strcmp(node->text, "yes") == 0)) {
		*out = true;
		return true;
	}
	if (node->plain && (strcmp(node->text, "false") == 0 ||
	                    strcmp(node->text, "no") == 0)) {
		*out = false;
		return true;
	}
	diag_error(diag, node->pos, "%s must be true or false, not '%s'", what,
	           node->text);
	return false;
}
