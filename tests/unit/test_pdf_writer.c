/*
 * test_pdf_writer.c - writes hand-built pages and reads the PDF back with
 * independent tools (poppler, qpdf, mupdf): text, fonts, syntax, size,
 * determinism, and the errors for non-BMP text and missing fonts.
 */
#include "testing.h"

#include <sys/wait.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "diag.h"
#include "pdf_writer.h"
#include "utf8.h"

#define SONG_PATH "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define HEI_PATH "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#define A4_WIDTH 595.276
#define A4_HEIGHT 841.89

enum { SONG, HEI };

static const page_font sample_fonts[] = {
	{ SONG_PATH, 0 },
	{ HEI_PATH, 0 },
};

/* The lines of the sample page: font, size, text.  About 100 distinct
 * hanzi, ASCII digits and the full-width punctuation of a real report. */
static const struct {
	int font;
	double size;
	const char *text;
} sample_lines[] = {
	{ HEI, 16, "2024年政府信息公开工作年度报告" },
	{ HEI, 12, "一、总体情况" },
	{ SONG, 10.5, "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》" },
	{ SONG, 10.5, "（以下简称“条例”）和上级部署，全面推进决策、执行、管理、服务、" },
	{ SONG, 10.5, "结果公开，主动公开政府信息1234条，办理依申请公开56件。" },
	{ SONG, 10.5, "切实保障人民群众知情权、参与权和监督权，不断提高政务公开质量。" },
	{ HEI, 12, "二、主动公开政府信息情况" },
	{ SONG, 10.5, "信息内容" },
	{ SONG, 10.5, "本年制发件数" },
	{ SONG, 10.5, "规章" },
	{ SONG, 10.5, "0" },
	{ SONG, 10.5, "行政规范性文件" },
	{ SONG, 10.5, "17" },
};

#define LINE_COUNT (sizeof(sample_lines) / sizeof(sample_lines[0]))

typedef struct sample {
	text_run runs[LINE_COUNT];
	rule rules[6];
	page page;
	pages doc;
} sample;

/* Lays the sample lines out top-down; the last six form a 2 x 3 table. */
static void
place_runs(sample *s)
{
	size_t i;
	double y = 780;

	for (i = 0; i < LINE_COUNT; i++) {
		text_run *r = &s->runs[i];

		r->font = sample_lines[i].font;
		r->size = sample_lines[i].size;
		r->text = sample_lines[i].text;
		r->length = strlen(r->text);
		r->char_spacing = i == 0 ? 1.5 : 0;
		if (i < 7) {
			r->x = 72;
			r->y = y;
			y -= 24;
		} else {
			r->x = (i - 7) % 2 == 0 ? 80 : 300;
			r->y = 580 - 24 * (double)((i - 7) / 2);
		}
	}
}

/* The table grid: 3 horizontal and 3 vertical rules, outer ones 1 pt. */
static void
place_rules(sample *s)
{
	static const rule grid[] = {
		{ 72, 598, 520, 598, 1 },
		{ 72, 574, 520, 574, 0.5 },
		{ 72, 526, 520, 526, 1 },
		{ 72, 598, 72, 526, 1 },
		{ 290, 598, 290, 526, 0.5 },
		{ 520, 598, 520, 526, 1 },
	};

	memcpy(s->rules, grid, sizeof(grid));
}

/* Builds the sample document (one A4 page) in s. */
static void
build_sample(sample *s)
{
	memset(s, 0, sizeof(*s));
	place_runs(s);
	place_rules(s);
	s->page = (page){ A4_WIDTH, A4_HEIGHT, s->runs, LINE_COUNT, s->rules, 6 };
	s->doc = (pages){ &s->page, 1, sample_fonts, 2 };
}

static const pdf_metadata sample_meta = {
	"2024年政府信息公开工作年度报告", "某某市人民政府办公室",
	"政府信息公开", "政府信息公开, 年度报告", "gkreport 0.1.0",
};

/* Writes the sample into a fresh temporary file; returns its path. */
static char *
write_sample_file(size_t *size)
{
	sample s;
	diag_sink diag;
	unsigned char *pdf;
	char *path = strdup("/tmp/test_pdf_writer_XXXXXX.pdf");
	int fd;

	build_sample(&s);
	diag_init(&diag, stderr);
	assert_true(pdf_write(&s.doc, &sample_meta, &pdf, size, &diag));
	assert_int_equal(diag.errors + diag.warnings, 0);
	fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pdf, *size), (ssize_t)*size);
	close(fd);
	free(pdf);
	return path;
}

/* Runs a shell command; returns its stdout+stderr (caller frees) and sets
 * *status to the exit status. */
static char *
run_command(const char *command, int *status)
{
	char full[1024];
	FILE *p;
	char *text = calloc(1, 1);
	size_t length = 0, n;
	char chunk[4096];

	snprintf(full, sizeof(full), "%s 2>&1", command);
	p = popen(full, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		text = realloc(text, length + n + 1);
		memcpy(text + length, chunk, n);
		length += n;
		text[length] = '\0';
	}
	*status = pclose(p);
	*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
	return text;
}

/* Removes all ASCII whitespace, so extracted text compares by content. */
static void
strip_spaces(char *s)
{
	char *out = s;

	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t' &&
		    *s != '\f')
			*out++ = *s;
	*out = '\0';
}

/* Reads a whole file as a string (caller frees). */
static char *
read_text_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long size;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return text;
}

/* pdftotext extracts every line, warning-free (libharu's stock ToUnicode
 * makes it print "Invalid 'begincidrange'"). */
static void
test_text_extracts_without_warnings(void **state)
{
	size_t size, i;
	char *pdf = write_sample_file(&size);
	char command[512], txt[300], line[512];
	char *output, *text;
	int status;

	(void)state;
	snprintf(txt, sizeof(txt), "%s.txt", pdf);
	snprintf(command, sizeof(command), "pdftotext -enc UTF-8 %s %s", pdf, txt);
	output = run_command(command, &status);
	assert_int_equal(status, 0);
	assert_string_equal(output, "");
	text = read_text_file(txt);
	strip_spaces(text);
	for (i = 0; i < LINE_COUNT; i++) {
		snprintf(line, sizeof(line), "%s", sample_lines[i].text);
		strip_spaces(line);
		if (strstr(text, line) == NULL)
			fail_msg("pdftotext lost \"%s\" in:\n%s", line, text);
	}
	free(output);
	free(text);
	unlink(txt);
	unlink(pdf);
	free(pdf);
}

/* Every font is embedded, subset and has a ToUnicode map. */
static void
test_fonts_embedded_subset_unicode(void **state)
{
	size_t size;
	char *pdf = write_sample_file(&size);
	char command[512], *output, *line, *save = NULL;
	char name[256], type[64], emb[8], sub[8], uni[8];
	int status, fonts = 0, past_header = 0;

	(void)state;
	snprintf(command, sizeof(command), "pdffonts %s", pdf);
	output = run_command(command, &status);
	assert_int_equal(status, 0);
	for (line = strtok_r(output, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "-----", 5) == 0) {
			past_header = 1;
			continue;
		}
		if (!past_header)
			continue;
		/* name, "CID TrueType", "Identity-H", emb, sub, uni, id, gen */
		assert_int_equal(sscanf(line, "%255s CID %63s Identity-H %7s %7s %7s",
		                        name, type, emb, sub, uni), 5);
		assert_string_equal(type, "TrueType");
		assert_string_equal(emb, "yes");
		assert_string_equal(sub, "yes");
		assert_string_equal(uni, "yes");
		fonts++;
	}
	assert_int_equal(fonts, 2);
	free(output);
	unlink(pdf);
	free(pdf);
}

/* qpdf finds no syntax or stream errors and prints no warnings. */
static void
test_qpdf_check_clean(void **state)
{
	size_t size;
	char *pdf = write_sample_file(&size);
	char command[512], *output;
	int status;

	(void)state;
	snprintf(command, sizeof(command), "qpdf --check %s", pdf);
	output = run_command(command, &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(output, "No syntax or stream encoding errors"));
	assert_null(strstr(output, "WARNING"));
	free(output);
	unlink(pdf);
	free(pdf);
}

/* MuPDF renders the page (fonts, rules) without any message. */
static void
test_mutool_renders_silently(void **state)
{
	size_t size;
	char *pdf = write_sample_file(&size);
	char command[512], *output;
	int status;

	(void)state;
	/* Debian's mutool is built without lcms2 and says so on every run;
	 * that one line is about the tool, not the file. */
	snprintf(command, sizeof(command), "{ mutool draw -q -o /dev/null %s "
	         "2>&1; echo \"exit $?\"; } | grep -v '^warning: ICC support "
	         "is not available$'", pdf);
	output = run_command(command, &status);
	assert_string_equal(output, "exit 0\n");
	free(output);
	unlink(pdf);
	free(pdf);
}

/* The ToUnicode CMaps are standard bfchar/bfrange CMaps, /DW is the
 * hanzi width, and libharu's invalid cidrange is gone (qpdf --qdf shows
 * the streams uncompressed). */
static void
test_font_dictionaries_rewritten(void **state)
{
	size_t size;
	char *pdf = write_sample_file(&size);
	char command[512], qdf[300], *output, *text;
	int status;

	(void)state;
	snprintf(qdf, sizeof(qdf), "%s.qdf", pdf);
	snprintf(command, sizeof(command), "qpdf --qdf %s %s", pdf, qdf);
	output = run_command(command, &status);
	assert_int_equal(status, 0);
	text = read_text_file(qdf);
	assert_null(strstr(text, "begincidrange"));
	assert_non_null(strstr(text, "/CMapName /Adobe-Identity-UCS def"));
	assert_non_null(strstr(text, "<0000> <FFFF>"));
	assert_non_null(strstr(text, "beginbfchar"));
	assert_non_null(strstr(text, "beginbfrange"));
	assert_non_null(strstr(text, "/DW 1000"));
	assert_null(strstr(text, "/DW 365"));   /* wqy-zenhei's glyph 0 */
	free(output);
	free(text);
	unlink(qdf);
	unlink(pdf);
	free(pdf);
}

/* Checks that pdfinfo printed "key:   value" as a whole line. */
static void
assert_info_field(const char *output, const char *key, const char *value)
{
	char label[64];
	const char *at;
	size_t n = strlen(value);

	snprintf(label, sizeof(label), "\n%s:", key);
	at = output;
	if (strncmp(output, label + 1, strlen(label + 1)) != 0)
		at = strstr(output, label);
	if (at == NULL)
		fail_msg("pdfinfo printed no %s in:\n%s", key, output);
	at = strchr(at + 1, ':') + 1;
	at += strspn(at, " ");
	if (strncmp(at, value, n) != 0 || at[n] != '\n')
		fail_msg("pdfinfo %s is not \"%s\" in:\n%s", key, value, output);
}

/* The object (text up to "endobj") that holds the CIDFont dictionary of
 * the font whose BaseFont ends in "+name", in qpdf's QDF output. */
static const char *
find_cid_font(const char *qdf, const char *name, size_t *length)
{
	char key[128];
	const char *at = qdf, *end;

	*length = 0;
	snprintf(key, sizeof(key), "+%s\n", name);
	while ((at = strstr(at, key)) != NULL) {
		end = strstr(at, "endobj");
		assert_non_null(end);
		if (strstr(at, "/CIDFontType2") != NULL &&
		    strstr(at, "/CIDFontType2") < end) {
			*length = (size_t)(end - at);
			return at;
		}
		at = end;
	}
	fail_msg("no CIDFont for %s", name);
	return NULL;
}

/* Reads /DW and the "first [w ...]" groups of /W into widths[cid]
 * (entries not listed get /DW), from one CIDFont object's text. */
static void
parse_widths(const char *font, size_t length, long *widths, size_t count)
{
	char *text = strndup(font, length), *at, *end;
	long dw, first, cid;
	size_t i;

	at = strstr(text, "/DW ");
	assert_non_null(at);
	dw = strtol(at + 4, NULL, 10);
	for (i = 0; i < count; i++)
		widths[i] = dw;
	at = strstr(text, "/W [");
	for (at = at != NULL ? at + 4 : NULL; at != NULL; ) {
		first = strtol(at, &end, 10);
		if (end == at)
			break;
		at = strchr(end, '[');
		assert_non_null(at);
		for (cid = first, at++; ; cid++) {
			long w = strtol(at, &end, 10);

			if (end == at)
				break;
			assert_true(cid >= 0 && (size_t)cid < count);
			widths[cid] = w;
			at = end;
		}
		at = strchr(at, ']') + 1;
	}
	free(text);
}

/* The source font's advance in 1/1000 em, truncated the way the layout
 * measures it: floor(advance * 1000 / unitsPerEm). */
static long
freetype_width(FT_Face face, uint32_t cp)
{
	assert_int_equal(FT_Load_Char(face, cp, FT_LOAD_NO_SCALE), 0);
	return (long)face->glyph->metrics.horiAdvance * 1000 / face->units_per_EM;
}

/* /DW and /W, rewritten for the used characters only, still give every
 * character exactly the floored FreeType advance of the source font. */
static void
test_widths_match_freetype(void **state)
{
	static const char text[] = "ABCabcxyz0123456789%., fi政府信息公开，。：“”（）《》㈠";
	sample s;
	diag_sink diag;
	unsigned char *pdf;
	size_t size, length, i, n;
	char path[] = "/tmp/test_pdf_widths_XXXXXX", qdf[64], command[256];
	char *output, *dump;
	const char *font;
	long *widths = calloc(0x10000, sizeof(long));
	int fd, status;
	uint32_t cp;
	FT_Library ft;
	FT_Face face;

	(void)state;
	build_sample(&s);
	s.runs[5].text = text;
	s.runs[5].length = strlen(text);
	s.runs[5].font = HEI;
	diag_init(&diag, stderr);
	assert_true(pdf_write(&s.doc, NULL, &pdf, &size, &diag));
	fd = mkstemp(path);
	assert_int_equal(write(fd, pdf, size), (ssize_t)size);
	close(fd);
	free(pdf);
	snprintf(qdf, sizeof(qdf), "%s.qdf", path);
	snprintf(command, sizeof(command), "qpdf --qdf %s %s", path, qdf);
	output = run_command(command, &status);
	assert_int_equal(status, 0);
	dump = read_text_file(qdf);
	font = find_cid_font(dump, "WenQuanYiZenHei", &length);
	parse_widths(font, length, widths, 0x10000);
	assert_true(widths['A'] != widths[0x653F]);   /* /W was read */
	assert_int_equal(FT_Init_FreeType(&ft), 0);
	assert_int_equal(FT_New_Face(ft, HEI_PATH, 0, &face), 0);
	for (i = 0; i < s.runs[5].length; i += n) {
		n = utf8_decode(text + i, s.runs[5].length - i, &cp);
		assert_true(n > 0);
		if (widths[cp] != freetype_width(face, cp))
			fail_msg("U+%04X: /W says %ld, FreeType %ld", (unsigned)cp,
			         widths[cp], freetype_width(face, cp));
	}
	FT_Done_Face(face);
	FT_Done_FreeType(ft);
	free(widths);
	free(output);
	free(dump);
	unlink(qdf);
	unlink(path);
}

/* The Info strings survive as Unicode (UTF-16BE in the file). */
static void
test_metadata_unicode(void **state)
{
	size_t size;
	char *pdf = write_sample_file(&size);
	char command[512], *output;
	int status;

	(void)state;
	snprintf(command, sizeof(command), "pdfinfo -enc UTF-8 %s", pdf);
	output = run_command(command, &status);
	assert_int_equal(status, 0);
	assert_info_field(output, "Title", "2024年政府信息公开工作年度报告");
	assert_info_field(output, "Author", "某某市人民政府办公室");
	assert_info_field(output, "Subject", "政府信息公开");
	assert_info_field(output, "Keywords", "政府信息公开, 年度报告");
	assert_info_field(output, "Creator", "gkreport 0.1.0");
	assert_null(strstr(output, "CreationDate"));
	assert_null(strstr(output, "ModDate"));
	free(output);
	unlink(pdf);
	free(pdf);
}

/* A page of about 100 hanzi in two fonts stays small thanks to
 * subsetting (direct embedding of wqy-zenhei alone is ~500 KB). */
static void
test_output_is_small(void **state)
{
	size_t size;
	char *pdf = write_sample_file(&size);

	(void)state;
	if (size >= 40 * 1024)
		fail_msg("PDF is %zu bytes", size);
	unlink(pdf);
	free(pdf);
}

/* The same pages give the same bytes: no dates, no clock-based /ID. */
static void
test_output_is_deterministic(void **state)
{
	sample s;
	diag_sink diag;
	unsigned char *first, *second;
	size_t first_size, second_size;

	(void)state;
	build_sample(&s);
	diag_init(&diag, stderr);
	assert_true(pdf_write(&s.doc, &sample_meta, &first, &first_size, &diag));
	sleep(1);
	assert_true(pdf_write(&s.doc, &sample_meta, &second, &second_size, &diag));
	assert_int_equal(first_size, second_size);
	assert_memory_equal(first, second, first_size);
	free(first);
	free(second);
}

/* Two font entries naming the same file and face are embedded once
 * (libharu would otherwise return the first font for the second). */
static void
test_duplicate_font_entries_embed_once(void **state)
{
	static const page_font fonts[] = {
		{ SONG_PATH, 0 }, { HEI_PATH, 0 }, { SONG_PATH, 0 },
	};
	sample s;
	diag_sink diag;
	unsigned char *pdf;
	size_t size;
	char path[] = "/tmp/test_pdf_dup_XXXXXX", command[256], *output;
	int fd, status;

	(void)state;
	build_sample(&s);
	s.doc.fonts = fonts;
	s.doc.font_count = 3;
	s.runs[3].font = 2;
	diag_init(&diag, stderr);
	assert_true(pdf_write(&s.doc, NULL, &pdf, &size, &diag));
	fd = mkstemp(path);
	assert_int_equal(write(fd, pdf, size), (ssize_t)size);
	close(fd);
	free(pdf);
	snprintf(command, sizeof(command), "pdffonts %s | grep -c 'CID TrueType'; "
	         "pdftotext %s - | tr -d ' \n' | grep -c '以下简称'", path, path);
	output = run_command(command, &status);
	assert_string_equal(output, "2\n1\n");
	free(output);
	unlink(path);
}

/* Writes doc expecting failure; returns the diagnostics printed. */
static char *
write_expecting_error(const pages *doc)
{
	diag_sink diag;
	unsigned char *pdf = (unsigned char *)"not touched";
	size_t size = 1;
	char *messages = NULL;
	size_t length = 0;
	FILE *stream = open_memstream(&messages, &length);

	assert_non_null(stream);
	diag_init(&diag, stream);
	assert_false(pdf_write(doc, NULL, &pdf, &size, &diag));
	fclose(stream);
	assert_true(diag.errors > 0);
	assert_null(pdf);
	assert_int_equal(size, 0);
	return messages;
}

/* A character above U+FFFF is refused with a clear error, no output. */
static void
test_non_bmp_character_is_an_error(void **state)
{
	sample s;
	char *messages;

	(void)state;
	build_sample(&s);
	s.runs[2].text = "人名：𠮷";
	s.runs[2].length = strlen(s.runs[2].text);
	messages = write_expecting_error(&s.doc);
	assert_non_null(strstr(messages, "gkreport: error: character U+20BB7 "
	                       "is outside the Basic Multilingual Plane; this "
	                       "PDF writer cannot embed it yet"));
	free(messages);
}

/* A font file that does not exist is named in the error. */
static void
test_missing_font_names_path(void **state)
{
	static const page_font missing[] = {
		{ "/nonexistent/fonts/nosuch.ttf", 0 },
		{ HEI_PATH, 0 },
	};
	sample s;
	char *messages;

	(void)state;
	build_sample(&s);
	s.doc.fonts = missing;
	messages = write_expecting_error(&s.doc);
	assert_non_null(strstr(messages, "/nonexistent/fonts/nosuch.ttf"));
	assert_non_null(strstr(messages, "No such file or directory"));
	free(messages);
}

/* A character the font lacks is an error, not a .notdef box. */
static void
test_missing_glyph_is_an_error(void **state)
{
	sample s;
	char *messages;

	(void)state;
	build_sample(&s);
	s.runs[2].text = "⼈";   /* a Kangxi radical: not in gbsn00lp */
	s.runs[2].length = strlen(s.runs[2].text);
	messages = write_expecting_error(&s.doc);
	assert_non_null(strstr(messages, SONG_PATH " (face 0) has no glyph "
	                       "for U+2F08"));
	free(messages);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_extracts_without_warnings),
		cmocka_unit_test(test_fonts_embedded_subset_unicode),
		cmocka_unit_test(test_qpdf_check_clean),
		cmocka_unit_test(test_mutool_renders_silently),
		cmocka_unit_test(test_font_dictionaries_rewritten),
		cmocka_unit_test(test_widths_match_freetype),
		cmocka_unit_test(test_metadata_unicode),
		cmocka_unit_test(test_output_is_small),
		cmocka_unit_test(test_output_is_deterministic),
		cmocka_unit_test(test_duplicate_font_entries_embed_once),
		cmocka_unit_test(test_non_bmp_character_is_an_error),
		cmocka_unit_test(test_missing_font_names_path),
		cmocka_unit_test(test_missing_glyph_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
