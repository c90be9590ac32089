/*
 * test_pdf_writer.c - writes hand-built pages and reads the PDF back with
 * independent tools (poppler, qpdf, mupdf): text, fonts, syntax, size,
 * determinism, characters above U+FFFF, dates, XMP, /ID, bookmarks,
 * rotated text, PDF/A-1b and PDF/A-3b with an attached file, and errors.
 */
#include "testing.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <libdeflate.h>

#include "cff.h"
#include "cff_subset.h"
#include "diag.h"
#include "font_files.h"
#include "fonts.h"
#include "harfbuzz_subset.h"
#include "pdf_writer.h"
#include "sfnt.h"
#include "utf8.h"

#define SONG_PATH "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define HEI_PATH "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#define KAI_PATH "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define NOTO_SANS_PATH "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define NOTO_SERIF_BOLD_PATH "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
#define FANDOL_FILE "FandolFang-Regular.otf"
#define STIX_PATH "/usr/share/fonts/opentype/stix/STIXGeneral-Regular.otf"
#define RASTER_DIFF "tests/e2e/raster_diff.py"
#define PDFA_CHECKER "tests/pdfa/check_pdfa.py"
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
	s->doc = (pages){ &s->page, 1, sample_fonts, 2, NULL, 0 };
}

static const pdf_metadata sample_meta = {
	"2024年政府信息公开工作年度报告", "某某市人民政府办公室",
	"政府信息公开", "政府信息公开, 年度报告", "gkreport 0.1.0", false,
	{ 0 }, { 0 }, NULL, 0, PDF_PLAIN, NULL, 0, NULL
};

/* Writes doc with meta into a fresh temporary file; returns its path
 * (the caller unlinks and frees it). */
static char *
write_pdf_file(const pages *doc, const pdf_metadata *meta, size_t *size)
{
	diag_sink diag;
	unsigned char *pdf;
	char *path = strdup("/tmp/test_pdf_writer_XXXXXX.pdf");
	int fd;

	diag_init(&diag, stderr);
	assert_true(pdf_write(doc, meta, &pdf, size, &diag));
	assert_int_equal(diag.errors + diag.warnings, 0);
	fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pdf, *size), (ssize_t)*size);
	close(fd);
	free(pdf);
	return path;
}

/* Writes the sample into a fresh temporary file; returns its path. */
static char *
write_sample_file(size_t *size)
{
	sample s;

	build_sample(&s);
	return write_pdf_file(&s.doc, &sample_meta, size);
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

/* A UTF-16BE destination of a ToUnicode line (4 or 8 hex digits) as a
 * code point. */
static uint32_t
utf16_hex_value(const char *hex)
{
	unsigned long value = strtoul(hex, NULL, 16);

	if (strlen(hex) == 8)
		return 0x10000 + (((value >> 16) - 0xD800) << 10) +
		       ((value & 0xFFFF) - 0xDC00);
	return (uint32_t)value;
}

/* Reads every bfchar and bfrange line of the file's ToUnicode CMaps
 * (one font in the file) into cp_of_cid[cid]. */
static void
parse_to_unicode(const char *qdf, uint32_t *cp_of_cid, size_t count)
{
	const char *at = qdf, *end;
	unsigned first, last, cp, cid;
	char hex[16];
	bool range;

	while ((at = strstr(at, "beginbf")) != NULL) {
		range = strncmp(at, "beginbfrange", 12) == 0;
		end = strstr(at, range ? "endbfrange" : "endbfchar");
		assert_non_null(end);
		for (at = strchr(at, '\n') + 1; at < end; at = strchr(at, '\n') + 1) {
			if (range) {
				assert_int_equal(sscanf(at, "<%x> <%x> <%x>", &first,
				                        &last, &cp), 3);
				for (cid = first; cid <= last && cid < count; cid++)
					cp_of_cid[cid] = cp + (cid - first);
			} else {
				assert_int_equal(sscanf(at, "<%x> <%15[0-9A-Fa-f]>",
				                        &first, hex), 2);
				assert_true(first < count);
				cp_of_cid[first] = utf16_hex_value(hex);
			}
		}
	}
}

/* The CID that ToUnicode maps to cp; fails when there is none. */
static size_t
cid_of(const uint32_t *cp_of_cid, size_t count, uint32_t cp)
{
	size_t cid;

	for (cid = 0; cid < count; cid++)
		if (cp_of_cid[cid] == cp)
			return cid;
	fail_msg("no CID shows U+%04X", (unsigned)cp);
	return 0;
}

/* Converts path to QDF (streams uncompressed) and returns its text. */
static char *
qdf_text(const char *path)
{
	char qdf[300], command[700], *output, *text;
	int status;

	snprintf(qdf, sizeof(qdf), "%s.qdf", path);
	snprintf(command, sizeof(command), "qpdf --qdf %s %s", path, qdf);
	output = run_command(command, &status);
	assert_int_equal(status, 0);
	free(output);
	text = read_text_file(qdf);
	unlink(qdf);
	return text;
}

/* /DW and /W, indexed by CID (= subset glyph id), give every character
 * exactly the floored FreeType advance of the source font; ToUnicode
 * says which CID shows which character. */
static void
test_widths_match_freetype(void **state)
{
	static const char text[] = "ABCabcxyz0123456789%., fi政府信息公开，。：“”（）《》㈠";
	sample s;
	size_t size, length, i, n, cid;
	char *path, *dump;
	const char *font;
	long *widths = calloc(0x10000, sizeof(long));
	uint32_t *cp_of_cid = calloc(0x10000, sizeof(uint32_t));
	uint32_t cp;
	FT_Library ft;
	FT_Face face;

	(void)state;
	build_sample(&s);
	for (i = 0; i < LINE_COUNT; i++)
		s.runs[i].font = HEI;   /* one font: one ToUnicode in the file */
	s.runs[5].text = text;
	s.runs[5].length = strlen(text);
	path = write_pdf_file(&s.doc, NULL, &size);
	dump = qdf_text(path);
	font = find_cid_font(dump, "WenQuanYiZenHei", &length);
	parse_widths(font, length, widths, 0x10000);
	parse_to_unicode(dump, cp_of_cid, 0x10000);
	assert_true(widths[cid_of(cp_of_cid, 0x10000, 'A')] !=
	            widths[cid_of(cp_of_cid, 0x10000, 0x653F)]);   /* /W was read */
	assert_int_equal(FT_Init_FreeType(&ft), 0);
	assert_int_equal(FT_New_Face(ft, HEI_PATH, 0, &face), 0);
	for (i = 0; i < s.runs[5].length; i += n) {
		n = utf8_decode(text + i, s.runs[5].length - i, &cp);
		assert_true(n > 0);
		cid = cid_of(cp_of_cid, 0x10000, cp);
		if (widths[cid] != freetype_width(face, cp))
			fail_msg("U+%04X (CID %zu): /W says %ld, FreeType %ld",
			         (unsigned)cp, cid, widths[cid], freetype_width(face, cp));
	}
	FT_Done_Face(face);
	FT_Done_FreeType(ft);
	free(widths);
	free(cp_of_cid);
	free(dump);
	unlink(path);
	free(path);
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

/* A character above U+FFFF that the run's font lacks is refused, named,
 * with no output (gbsn00lp has no Extension B). */
static void
test_non_bmp_character_without_glyph_is_an_error(void **state)
{
	sample s;
	char *messages;

	(void)state;
	build_sample(&s);
	s.runs[2].text = "人名：𠮷";
	s.runs[2].length = strlen(s.runs[2].text);
	messages = write_expecting_error(&s.doc);
	assert_non_null(strstr(messages, SONG_PATH " (face 0) has no glyph "
	                       "for U+20BB7"));
	free(messages);
}

/* ---- characters above U+FFFF, rotation ---------------------------------- */

/* The sample with a third font, LXGW WenKai (which has U+20BB7 𠮷),
 * drawing run 2. */
static const page_font fonts_with_kai[] = {
	{ SONG_PATH, 0 }, { HEI_PATH, 0 }, { KAI_PATH, 0 },
};

/* Runs pdftotext on path and returns its text without whitespace; the
 * tool must print nothing else. */
static char *
extracted_text(const char *path)
{
	char command[512], txt[300], *output, *text;
	int status;

	snprintf(txt, sizeof(txt), "%s.txt", path);
	snprintf(command, sizeof(command), "pdftotext -enc UTF-8 %s %s", path, txt);
	output = run_command(command, &status);
	assert_int_equal(status, 0);
	assert_string_equal(output, "");
	free(output);
	text = read_text_file(txt);
	unlink(txt);
	strip_spaces(text);
	return text;
}

/* An Extension B character drawn in a font that has it prints with its
 * glyph and extracts as itself (surrogate pair in ToUnicode). */
static void
test_non_bmp_character_extracts(void **state)
{
	sample s;
	size_t size;
	char *path, *text, command[512], *output;
	int status;

	(void)state;
	build_sample(&s);
	s.doc.fonts = fonts_with_kai;
	s.doc.font_count = 3;
	s.runs[2].font = 2;
	s.runs[2].text = "人名：吉𠮷先生";
	s.runs[2].length = strlen(s.runs[2].text);
	path = write_pdf_file(&s.doc, NULL, &size);
	text = extracted_text(path);
	if (strstr(text, "人名：吉𠮷先生") == NULL)
		fail_msg("pdftotext lost the U+20BB7 line in:\n%s", text);
	snprintf(command, sizeof(command), "pdffonts %s | grep -c "
	         "'+LXGWWenKai-Regular  *CID TrueType  *Identity-H  *yes yes yes'",
	         path);
	output = run_command(command, &status);
	assert_string_equal(output, "1\n");
	free(output);
	free(text);
	unlink(path);
	free(path);
}

/* A run turned 90 degrees (a landscape table on a portrait page) is
 * written with a rotated text matrix and still extracts. */
static void
test_rotated_run_extracts(void **state)
{
	sample s;
	size_t size;
	char *path, *text, *dump;

	(void)state;
	build_sample(&s);
	s.runs[8].rotation = 90;
	s.runs[8].x = 300;
	s.runs[8].y = 200;
	s.runs[LINE_COUNT - 1].gray = 0.5;   /* the last run: reset before ET */
	path = write_pdf_file(&s.doc, NULL, &size);
	text = extracted_text(path);
	if (strstr(text, "本年制发件数") == NULL)
		fail_msg("pdftotext lost the rotated run in:\n%s", text);
	dump = qdf_text(path);
	assert_non_null(strstr(dump, "0 1 -1 0 300 200 Tm"));
	assert_non_null(strstr(dump, "0.5 g\n"));
	assert_non_null(strstr(dump, "0 g\nET"));   /* black again afterwards */
	free(dump);
	free(text);
	unlink(path);
	free(path);
}

/* ---- metadata, /ID, bookmarks ---------------------------------------- */

/* The sample's metadata with dates (China Standard Time), an id_source
 * of "abc" and the given conformance. */
static pdf_metadata
dated_meta(pdf_conformance conformance)
{
	pdf_metadata m = sample_meta;

	m.title = "2024年政府信息公开工作年度报告 & <附表>";
	m.has_dates = true;
	m.created = (pdf_date){ 2025, 1, 20, 0, 0, 0, 480 };
	m.modified = (pdf_date){ 2025, 1, 21, 9, 30, 5, 480 };
	m.id_source = (const unsigned char *)"abc";
	m.id_source_size = 3;
	m.conformance = conformance;
	m.language = "zh-CN";
	return m;
}

/* Runs command (with %s replaced by path) and returns its output after
 * checking that it exited 0. */
static char *
run_on(const char *command_format, const char *path)
{
	char command[1024], *output;
	int status;

	snprintf(command, sizeof(command), command_format, path);
	output = run_command(command, &status);
	if (status != 0)
		fail_msg("%s exited %d:\n%s", command, status, output);
	return output;
}

/* Info dates come from meta with their +08:00 offset (never 'Z' and
 * never the clock), in the D:...+08'00' form. */
static void
test_dates_keep_their_offset(void **state)
{
	pdf_metadata meta = dated_meta(PDF_PLAIN);
	sample s;
	size_t size;
	char *path, *iso, *raw;

	(void)state;
	build_sample(&s);
	path = write_pdf_file(&s.doc, &meta, &size);
	iso = run_on("pdfinfo -isodates %s", path);
	raw = run_on("pdfinfo -rawdates %s", path);
	assert_info_field(iso, "CreationDate", "2025-01-20T00:00:00+08");
	assert_info_field(iso, "ModDate", "2025-01-21T09:30:05+08");
	assert_info_field(raw, "CreationDate", "D:20250120000000+08'00'");
	assert_info_field(raw, "ModDate", "D:20250121093005+08'00'");
	free(iso);
	free(raw);
	unlink(path);
	free(path);
}

/* The trailer /ID is two copies of MD5(id_source): MD5("abc") is the
 * RFC 1321 test vector 900150983cd24fb0d6963f7d28e17f72. */
static void
test_id_is_md5_of_id_source(void **state)
{
	pdf_metadata meta = dated_meta(PDF_PLAIN);
	sample s;
	size_t size;
	char *path, *output;

	(void)state;
	build_sample(&s);
	path = write_pdf_file(&s.doc, &meta, &size);
	output = run_on("mutool show -g %s trailer/ID", path);
	if (strcasestr(output, "[<900150983cd24fb0d6963f7d28e17f72>"
	               "<900150983cd24fb0d6963f7d28e17f72>]") == NULL)
		fail_msg("unexpected /ID: %s", output);
	free(output);
	unlink(path);
	free(path);
}

/* PDF/A-1b: header 1.4, an XMP packet with pdfaid part 1 / B whose
 * values are escaped and equal Info, and the sRGB output intent. */
static void
test_pdfa1b_metadata(void **state)
{
	pdf_metadata meta = dated_meta(PDF_A_1B);
	sample s;
	size_t size;
	char *path, *xmp, *intent, *head;

	(void)state;
	build_sample(&s);
	path = write_pdf_file(&s.doc, &meta, &size);
	head = run_on("head -c 8 %s", path);
	assert_string_equal(head, "%PDF-1.4");
	xmp = run_on("pdfinfo -meta %s", path);
	assert_non_null(strstr(xmp, "<pdfaid:part>1</pdfaid:part>"));
	assert_non_null(strstr(xmp, "<pdfaid:conformance>B</pdfaid:conformance>"));
	assert_non_null(strstr(xmp, "工作年度报告 &amp; &lt;附表&gt;</rdf:li>"));
	assert_non_null(strstr(xmp, "<xmp:CreateDate>2025-01-20T00:00:00+08:00<"));
	assert_non_null(strstr(xmp, "<xmp:ModifyDate>2025-01-21T09:30:05+08:00<"));
	assert_null(strstr(xmp, "bytes="));
	/* mutool's array indices in paths start at 1 */
	intent = run_on("mutool show -g %s trailer/Root/OutputIntents/1", path);
	assert_non_null(strstr(intent, "/GTS_PDFA1"));
	free(head);
	free(xmp);
	free(intent);
	unlink(path);
	free(path);
}

/* A bookmark as mutool prints it: depth (tabs before the title), title
 * and page number. */
typedef struct bookmark {
	int depth;
	const char *title;
	int page;
} bookmark;

/* Checks `mutool show FILE outline` line by line against expected: on
 * mutool 1.21 a line is "-" (open with children) or "|", one tab per
 * level, the quoted title, a tab, "#page=N&...". */
static void
assert_outline(const char *output, const bookmark *expected, size_t count)
{
	const char *line = output, *quote;
	char title[256];
	int page_no;
	size_t i;

	for (i = 0; i < count; i++) {
		assert_non_null(line);
		assert_true(line[0] == '-' || line[0] == '|');
		quote = strchr(line, '"');
		assert_int_equal(quote - line - 1, expected[i].depth);
		assert_int_equal(sscanf(quote + 1, "%255[^\"]\"\t#page=%d", title,
		                        &page_no), 2);
		assert_string_equal(title, expected[i].title);
		assert_int_equal(page_no, expected[i].page);
		line = strchr(line, '\n');
		line = line != NULL && line[1] != '\0' ? line + 1 : NULL;
	}
	assert_null(line);
}

/* pages.outline becomes bookmarks: chapters at the top, sub-headings
 * nested under their chapter, each at its heading's page; the viewer
 * opens with the outline shown, at page 1. */
static void
test_outline_nests_headings(void **state)
{
	static const outline_entry entries[] = {
		{ 1, "一、总体情况", 0, 790 },
		{ 2, "（一）主动公开情况", 0, 700 },
		{ 2, "（二）依申请公开情况", 1, 650 },
		{ 1, "二、主动公开政府信息情况", 1, 600 },
		{ 1, "三、其他𠮷事项", 1, 300 },
		{ 2, "（一）说明", 1, 200 },
	};
	static const bookmark expected[] = {
		{ 1, "一、总体情况", 1 },
		{ 2, "（一）主动公开情况", 1 },
		{ 2, "（二）依申请公开情况", 2 },
		{ 1, "二、主动公开政府信息情况", 2 },
		{ 1, "三、其他𠮷事项", 2 },
		{ 2, "（一）说明", 2 },
	};
	sample s;
	page pair[2];
	size_t size;
	char *path, *output, *mode, *open, *first;

	(void)state;
	build_sample(&s);
	pair[0] = pair[1] = s.page;
	s.doc.items = pair;
	s.doc.count = 2;
	s.doc.outline = entries;
	s.doc.outline_count = sizeof(entries) / sizeof(entries[0]);
	path = write_pdf_file(&s.doc, &sample_meta, &size);
	output = run_on("mutool show %s outline", path);
	assert_outline(output, expected, sizeof(expected) / sizeof(expected[0]));
	mode = run_on("mutool show -g %s trailer/Root/PageMode", path);
	assert_string_equal(mode, "/UseOutlines\n");
	open = run_on("mutool show -g %s trailer/Root/OpenAction", path);
	first = run_on("mutool show -g %s trailer/Root/Pages/Kids", path);
	/* "[4 0 R/XYZ null null null]" starts with the first kid's ref */
	assert_memory_equal(open, first, strcspn(first, "R") + 1);
	free(output);
	free(mode);
	free(open);
	free(first);
	unlink(path);
	free(path);
}

/* ---- PDF/A-3b with an associated file -------------------------------- */

static const char attached_yaml[] =
	"title: 2024年政府信息公开工作年度报告\nyear: 2024\n";

static const pdf_attachment sample_attachment = {
	"report.yaml", "application/yaml", "报告描述（源文件）", "Source",
	(const unsigned char *)attached_yaml, sizeof(attached_yaml) - 1
};

/* PDF/A-3b: header 1.7, pdfaid part 3, and the attachment listed by
 * pdfdetach and extracted byte for byte. */
static void
test_pdfa3b_attachment_round_trip(void **state)
{
	pdf_metadata meta = dated_meta(PDF_A_3B);
	sample s;
	size_t size;
	char *path, *head, *list, *saved, *xmp, *spec, out[320], command[700];
	int status;

	(void)state;
	build_sample(&s);
	meta.attachments = &sample_attachment;
	meta.attachment_count = 1;
	path = write_pdf_file(&s.doc, &meta, &size);
	head = run_on("head -c 8 %s", path);
	assert_string_equal(head, "%PDF-1.7");
	xmp = run_on("pdfinfo -meta %s", path);
	assert_non_null(strstr(xmp, "<pdfaid:part>3</pdfaid:part>"));
	list = run_on("pdfdetach -list %s", path);
	assert_string_equal(list, "1 embedded files\n1: report.yaml\n");
	snprintf(out, sizeof(out), "%s.yaml", path);
	snprintf(command, sizeof(command), "pdfdetach -save 1 -o %s %s", out, path);
	free(run_command(command, &status));
	assert_int_equal(status, 0);
	saved = read_text_file(out);
	assert_string_equal(saved, attached_yaml);
	spec = run_on("mutool show -g %s trailer/Root/AF/1", path);
	assert_non_null(strstr(spec, "/Type/Filespec/F(report.yaml)/UF<FEFF"));
	assert_non_null(strstr(spec, "/AFRelationship/Source"));
	free(head);
	free(xmp);
	free(list);
	free(saved);
	free(spec);
	unlink(out);
	unlink(path);
	free(path);
}

/* A number as the content stream has always written it: "%.5f" without
 * trailing zeros or point, and "0" for "-0". */
static void
reference_number(char *out, size_t size, double value)
{
	size_t n;

	snprintf(out, size, "%.5f", value);
	n = strlen(out);
	while (out[n - 1] == '0')
		out[--n] = '\0';
	if (out[n - 1] == '.')
		out[--n] = '\0';
	if (strcmp(out, "-0") == 0)
		strcpy(out, "0");
}

/* Coordinates are written exactly as printf rounds them, ties of the
 * binary value (1/64 has six decimals) and near-ties included, with
 * "-0" as "0" and no trailing zeros. */
static void
test_numbers_written_as_printf_would(void **state)
{
	static const double values[] = {
		0, -0.0, 1, -1, 10.5, 0.015625, 0.046875, -0.015625, 1e-6, -1e-6,
		0.000005, 0.000015, 123.456785, 0.1 + 0.2, 1.0 / 3, 2.0 / 3,
		-2.0 / 3, 297.63779527559, 32767, -32767, 32766.999996,
		12345.678905, 0.99999951, 595.27559055118, 7.00000500001,
	};
	size_t count = sizeof(values) / sizeof(values[0]), i, size;
	rule rules[sizeof(values) / sizeof(values[0])];
	page pg = { A4_WIDTH, A4_HEIGHT, NULL, 0, rules, count };
	pages doc = { &pg, 1, sample_fonts, 2, NULL, 0 };
	char *expected = calloc(count, 200), *path, *dump, a[48], b[48];
	size_t n;

	(void)state;
	n = (size_t)sprintf(expected, "2 J\n0.5 w\n");
	for (i = 0; i < count; i++) {
		rules[i] = (rule){ values[i], values[count - 1 - i], values[i] / 2,
		                   values[(i + 7) % count], 0.5 };
		reference_number(a, sizeof(a), rules[i].x0);
		reference_number(b, sizeof(b), rules[i].y0);
		n += (size_t)sprintf(expected + n, "%s %s m ", a, b);
		reference_number(a, sizeof(a), rules[i].x1);
		reference_number(b, sizeof(b), rules[i].y1);
		n += (size_t)sprintf(expected + n, "%s %s l\n", a, b);
	}
	strcpy(expected + n, "S\n");
	path = write_pdf_file(&doc, NULL, &size);
	dump = qdf_text(path);
	if (strstr(dump, expected) == NULL)
		fail_msg("content stream lacks:\n%s\nin:\n%s", expected, dump);
	free(dump);
	free(expected);
	unlink(path);
	free(path);
}

/* The stream dictionary that data[at] ("stream" after ">>") ends: the
 * text from the "obj" that opens it. */
static char *
stream_dict_text(const unsigned char *data, size_t at)
{
	size_t start = at;

	while (start > 3 && memcmp(data + start - 3, "obj", 3) != 0)
		start--;
	return strndup((const char *)data + start, at - start);
}

/* Every stream but the XMP packet is Flate-compressed by the writer
 * itself (one /Filter /FlateDecode, no libharu filter array), and each
 * inflates as a whole zlib stream; the XMP stays plain (PDF/A 6.7.2). */
static void
test_streams_compressed_but_metadata(void **state)
{
	pdf_metadata meta = dated_meta(PDF_A_3B);
	struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
	size_t out_size = 8u << 20, size, at, end, got, compressed = 0, plain = 0;
	unsigned char *out = malloc(out_size), *pdf;
	const unsigned char *p;
	diag_sink diag;
	sample s;
	char *dict;

	(void)state;
	build_sample(&s);
	meta.attachments = &sample_attachment;
	meta.attachment_count = 1;
	diag_init(&diag, stderr);
	assert_true(pdf_write(&s.doc, &meta, &pdf, &size, &diag));
	assert_null(memmem(pdf, size, "/Filter [", 9));
	for (p = pdf; (p = memmem(p, size - (size_t)(p - pdf), ">>\nstream\r\n",
	                          11)) != NULL; p += 11) {
		at = (size_t)(p - pdf) + 11;
		end = (size_t)((const unsigned char *)memmem(pdf + at, size - at,
		                                         "\nendstream", 10) - pdf);
		dict = stream_dict_text(pdf, at);
		if (strstr(dict, "/Type /Metadata") != NULL) {
			assert_null(strstr(dict, "/Filter"));
			assert_non_null(memmem(pdf + at, end - at, "<x:xmpmeta", 10));
			plain++;
		} else {
			assert_non_null(strstr(dict, "/Filter /FlateDecode"));
			assert_int_equal(libdeflate_zlib_decompress(inflater, pdf + at,
			                 end - at, out, out_size, &got), LIBDEFLATE_SUCCESS);
			compressed++;
		}
		free(dict);
	}
	/* per font: program, CIDSet, ToUnicode; the page; ICC; attachment */
	assert_int_equal(compressed, 2 * 3 + 1 + 1 + 1);
	assert_int_equal(plain, 1);
	libdeflate_free_decompressor(inflater);
	free(out);
	free(pdf);
}

/* PDF/A-1 forbids embedded files: attachments with PDF_A_1B fail. */
static void
test_pdfa1b_refuses_attachments(void **state)
{
	pdf_metadata meta = dated_meta(PDF_A_1B);
	sample s;
	diag_sink diag;
	unsigned char *pdf;
	size_t size;
	char *messages = NULL;
	size_t length = 0;
	FILE *stream = open_memstream(&messages, &length);

	(void)state;
	build_sample(&s);
	meta.attachments = &sample_attachment;
	meta.attachment_count = 1;
	diag_init(&diag, stream);
	assert_false(pdf_write(&s.doc, &meta, &pdf, &size, &diag));
	fclose(stream);
	assert_non_null(strstr(messages, "attachments need PDF/A-3b"));
	free(messages);
}

/* The project's PDF/A checker (tests/pdfa, another engineer's) passes
 * the PDF/A-1b and PDF/A-3b outputs; skipped until it exists. */
static void
test_pdfa_checker_passes(void **state)
{
	static const pdf_conformance parts[] = { PDF_A_1B, PDF_A_3B };
	char checker[512], command[1024], *output, *path;
	pdf_metadata meta;
	sample s;
	size_t size, i;
	int status;

	(void)state;
	snprintf(checker, sizeof(checker), "%s/%s", test_data_dir(), PDFA_CHECKER);
	if (access(checker, R_OK) != 0 || access("/usr/bin/python3", X_OK) != 0)
		skip();
	for (i = 0; i < 2; i++) {
		build_sample(&s);
		meta = dated_meta(parts[i]);
		meta.attachments = parts[i] == PDF_A_3B ? &sample_attachment : NULL;
		meta.attachment_count = parts[i] == PDF_A_3B ? 1 : 0;
		path = write_pdf_file(&s.doc, &meta, &size);
		snprintf(command, sizeof(command), "/usr/bin/python3 %s --part %d %s",
		         checker, parts[i] == PDF_A_3B ? 3 : 1, path);
		output = run_command(command, &status);
		if (status != 0)
			fail_msg("%s:\n%s", command, output);
		free(output);
		unlink(path);
		free(path);
	}
}

/* fandol_path:
 * FandolFang as scripts/install-fonts.sh (root or not) or TeX Live
 * installs it; fails the test when it is nowhere. */
static const char *
fandol_path(void)
{
	static char home[512];
	static const char *const dirs[] = {
		"/usr/local/share/fonts/fandol/",
		"/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/",
	};
	static char found[512];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(found, sizeof(found), "%s" FANDOL_FILE, dirs[i]);
		if (access(found, R_OK) == 0)
			return found;
	}
	snprintf(home, sizeof(home), "%s/.local/share/fonts/fandol/" FANDOL_FILE,
	         getenv("HOME") != NULL ? getenv("HOME") : "");
	if (access(home, R_OK) != 0)
		fail_msg("FandolFang is not installed: run scripts/install-fonts.sh");
	return home;
}

/* A page set in CFF fonts only: FandolFang (CID-keyed, Adobe-GB1, CIDs
 * not glyph ids), Noto Sans and Noto Serif Bold CJK SC (face 2 of their
 * collections), with a character outside the BMP in Noto. */
static const char *const cff_lines[] = {
	"本年度，本机关认真贯彻落实《条例》（以下简称“条例”）。",
	"一、总体情况 2024年𬌗",
	"西工区王城路街道办事处政府信息公开工作年度报告",
};

/* Writes the CFF page as PDF/A-1b into a temporary file. */
static char *
write_cff_sample(void)
{
	page_font fonts[3] = {
		{ fandol_path(), 0 }, { NOTO_SANS_PATH, 2 },
		{ NOTO_SERIF_BOLD_PATH, 2 },
	};
	text_run runs[3];
	page pg;
	pages doc;
	size_t i, size;

	for (i = 0; i < 3; i++)
		runs[i] = (text_run){ .font = (int)i, .size = 16 + 2 * (double)i,
		                      .x = 72, .y = 760 - 40 * (double)i,
		                      .text = cff_lines[i],
		                      .length = strlen(cff_lines[i]) };
	pg = (page){ A4_WIDTH, A4_HEIGHT, runs, 3, NULL, 0 };
	doc = (pages){ &pg, 1, fonts, 3, NULL, 0 };
	return write_pdf_file(&doc, &(pdf_metadata){ .conformance = PDF_PLAIN },
	                      &size);
}

/* CFF fonts are embedded as CID Type 0C subsets with ToUnicode, their
 * text extracts exactly, and poppler and mupdf draw the same page. */
static void
test_cff_fonts_embed_as_type0c(void **state)
{
	char *pdf = write_cff_sample(), command[1024], *out;
	char want[512] = "";
	int status;
	size_t i;

	(void)state;
	snprintf(command, sizeof(command), "pdffonts %s | tail -n +3 | "
	         "awk '{ print $(NF-7), $(NF-6), $(NF-4), $(NF-3), $(NF-2) }'",
	         pdf);
	out = run_command(command, &status);
	assert_string_equal(out, "Type 0C yes yes yes\nType 0C yes yes yes\n"
	                         "Type 0C yes yes yes\n");
	free(out);
	snprintf(command, sizeof(command), "pdftotext %s -", pdf);
	out = run_command(command, &status);
	for (i = 0; i < 3; i++)
		strcat(want, cff_lines[i]);
	strip_spaces(out);
	strip_spaces(want);
	assert_string_equal(out, want);
	free(out);
	snprintf(command, sizeof(command), "cd /tmp && pdftoppm -r 100 -gray %s "
	         "%s.pp && mutool draw -q -r 100 -c gray -o %s.mu-%%d.pgm %s "
	         "2>/dev/null; /usr/bin/python3 %s/%s %s.pp-1.pgm %s.mu-1.pgm; "
	         "s=$?; rm -f %s.pp-1.pgm %s.mu-1.pgm; exit $s", pdf, pdf, pdf,
	         pdf, test_data_dir(), RASTER_DIFF, pdf, pdf, pdf, pdf);
	out = run_command(command, &status);
	if (status != 0)
		fail_msg("poppler and mupdf differ: %s", out);
	free(out);
	unlink(pdf);
	free(pdf);
}

/* The CFF page as PDF/A-1b passes the checker, which reads the CFF
 * charset: /CIDSet and /W agree with the program's CIDs and widths. */
static void
test_cff_pdfa_checker_passes(void **state)
{
	page_font fonts[2] = { { fandol_path(), 0 }, { NOTO_SANS_PATH, 2 } };
	text_run runs[2];
	char command[1024], *path, *output;
	pdf_metadata meta = dated_meta(PDF_A_1B);
	page pg;
	pages doc;
	size_t i, size;
	int status;

	(void)state;
	for (i = 0; i < 2; i++)
		runs[i] = (text_run){ .font = (int)i, .size = 16, .x = 72,
		                      .y = 760 - 40 * (double)i,
		                      .text = cff_lines[i],
		                      .length = strlen(cff_lines[i]) };
	pg = (page){ A4_WIDTH, A4_HEIGHT, runs, 2, NULL, 0 };
	doc = (pages){ &pg, 1, fonts, 2, NULL, 0 };
	path = write_pdf_file(&doc, &meta, &size);
	snprintf(command, sizeof(command), "/usr/bin/python3 %s/%s -v --part 1 %s",
	         test_data_dir(), PDFA_CHECKER, path);
	output = run_command(command, &status);
	if (status != 0 || strstr(output, "not inspected") != NULL)
		fail_msg("%s:\n%s", command, output);
	free(output);
	unlink(path);
	free(path);
}

/* One thread's share of test_parallel_writes_are_identical: writes the
 * PDF/A-3b sample a few times and counts outputs differing from ref. */
typedef struct parallel_job {
	const unsigned char *reference;
	size_t reference_size;
	int differing;
} parallel_job;

/* Writes the sample with every feature on (fonts, outline-free pages,
 * XMP, ICC, attachment) and compares with the reference bytes. */
static void *
write_in_thread(void *arg)
{
	parallel_job *job = arg;
	pdf_metadata meta = dated_meta(PDF_A_3B);
	diag_sink diag;
	unsigned char *pdf;
	size_t size;
	sample s;
	int i;

	meta.attachments = &sample_attachment;
	meta.attachment_count = 1;
	diag_init(&diag, stderr);
	for (i = 0; i < 8; i++) {
		build_sample(&s);
		if (!pdf_write(&s.doc, &meta, &pdf, &size, &diag)) {
			job->differing++;
			continue;
		}
		job->differing += size != job->reference_size ||
		                  memcmp(pdf, job->reference, size) != 0;
		free(pdf);
	}
	return NULL;
}

/* The writer keeps no global state: two threads writing at once give
 * the same bytes as one thread alone. */
static void
test_parallel_writes_are_identical(void **state)
{
	pdf_metadata meta = dated_meta(PDF_A_3B);
	parallel_job jobs[2];
	pthread_t threads[2];
	diag_sink diag;
	unsigned char *reference;
	size_t size;
	sample s;
	int i;

	(void)state;
	meta.attachments = &sample_attachment;
	meta.attachment_count = 1;
	build_sample(&s);
	diag_init(&diag, stderr);
	assert_true(pdf_write(&s.doc, &meta, &reference, &size, &diag));
	for (i = 0; i < 2; i++) {
		jobs[i] = (parallel_job){ reference, size, 0 };
		assert_int_equal(pthread_create(&threads[i], NULL, write_in_thread,
		                                &jobs[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(jobs[i].differing, 0);
	}
	free(reference);
}

/* Writes the PDF/A-3b sample with the given options (the pages built
 * afresh each time); returns the bytes. */
static unsigned char *
write_sample_with(const pdf_write_options *opt, size_t *size)
{
	pdf_metadata meta = dated_meta(PDF_A_3B);
	diag_sink diag;
	unsigned char *pdf;
	sample s;

	meta.attachments = &sample_attachment;
	meta.attachment_count = 1;
	build_sample(&s);
	diag_init(&diag, stderr);
	assert_true(pdf_write_with(&s.doc, &meta, opt, &pdf, size, &diag));
	assert_int_equal(diag.errors + diag.warnings, 0);
	return pdf;
}

/* Neither the font cache (faces opened afresh, then reused) nor
 * preparing fonts on threads changes a byte. */
static void
test_write_options_keep_the_bytes(void **state)
{
	pdf_font_cache *cache = pdf_font_cache_create();
	const pdf_write_options serial = { cache, false }, parallel = { cache, true };
	const pdf_write_options uncached_parallel = { NULL, true };
	const pdf_write_options *variants[] = { &serial, &serial, &parallel,
	                                        &uncached_parallel };
	unsigned char *reference, *pdf;
	size_t reference_size, size, i;

	(void)state;
	reference = write_sample_with(NULL, &reference_size);
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		pdf = write_sample_with(variants[i], &size);
		assert_int_equal(size, reference_size);
		assert_memory_equal(pdf, reference, size);
		free(pdf);
	}
	pdf_font_cache_free(cache);
	free(reference);
}

/* Writes doc expecting failure with the given options; returns the
 * diagnostics printed. */
static char *
write_with_expecting_error(const pages *doc, const pdf_write_options *opt)
{
	diag_sink diag;
	unsigned char *pdf;
	size_t size, length = 0;
	char *messages = NULL;
	FILE *stream = open_memstream(&messages, &length);

	assert_non_null(stream);
	diag_init(&diag, stream);
	assert_false(pdf_write_with(doc, NULL, opt, &pdf, &size, &diag));
	fclose(stream);
	assert_int_equal(diag.errors, 1);
	return messages;
}

/* doc fails on its first font (missing_path) and on its second (no
 * glyph for U+2F08): a serial run reports the first only, and so does
 * every run on threads, with a cache, whichever thread finishes first. */
static void
assert_threads_report_as_serial(const pages *doc, const char *missing_path)
{
	pdf_font_cache *cache = pdf_font_cache_create();
	const pdf_write_options parallel = { cache, true };
	char *serial_messages = write_with_expecting_error(doc, NULL);
	char *messages;
	int round;

	assert_non_null(strstr(serial_messages, missing_path));
	assert_null(strstr(serial_messages, "U+2F08"));
	for (round = 0; round < 4; round++) {
		messages = write_with_expecting_error(doc, &parallel);
		assert_string_equal(messages, serial_messages);
		free(messages);
	}
	pdf_font_cache_free(cache);
	free(serial_messages);
}

/* Fonts prepared on threads report as one after another would: the
 * first failing font's error only, whichever thread finished first;
 * a cache does not keep a face that failed. */
static void
test_font_errors_in_font_order_on_threads(void **state)
{
	static const page_font fonts[] = {
		{ "/nonexistent/fonts/nosuch.ttf", 0 },
		{ SONG_PATH, 0 },
	};
	sample s;

	(void)state;
	build_sample(&s);
	s.doc.fonts = fonts;
	s.runs[0].text = "⼈";   /* font 1 (gbsn00lp) lacks it: a second error */
	s.runs[0].length = strlen(s.runs[0].text);
	assert_threads_report_as_serial(&s.doc, fonts[0].path);
}

/* Threads take the font that draws the most characters first, yet the
 * diagnostics stay in font order: here font 1 draws ten times as many
 * characters as font 0 and both fail, and only font 0's error shows,
 * as in a serial run. */
static void
test_font_errors_in_font_order_when_heaviest_runs_first(void **state)
{
	static const page_font fonts[] = {
		{ "/nonexistent/fonts/light.ttf", 0 },
		{ SONG_PATH, 0 },
	};
	size_t i;
	sample s;

	(void)state;
	build_sample(&s);
	s.doc.fonts = fonts;
	for (i = 0; i < LINE_COUNT; i++)   /* the few HEI lines become font 0 */
		s.runs[i].font = s.runs[i].font == HEI ? 0 : 1;
	s.runs[2].text = "⼈";   /* font 1 (gbsn00lp) lacks it */
	s.runs[2].length = strlen(s.runs[2].text);
	assert_threads_report_as_serial(&s.doc, fonts[0].path);
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

/* An empty font file has no faces and a folder cannot be read: the
 * messages HarfBuzz's own file reading led to (faces now open from a
 * shared mapping, font_files.h). */
static void
test_empty_font_file_and_folder(void **state)
{
	char dir[] = "/tmp/test_pdf_writer_XXXXXX", empty[64], expect[256];
	page_font fonts[] = { { NULL, 0 }, { HEI_PATH, 0 } };
	sample s;
	char *messages;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(empty, sizeof(empty), "%s/empty.ttf", dir);
	assert_non_null(f = fopen(empty, "w"));
	fclose(f);
	build_sample(&s);
	s.doc.fonts = fonts;
	fonts[0].path = empty;
	messages = write_with_expecting_error(&s.doc, NULL);
	snprintf(expect, sizeof(expect),
	         "gkreport: error: font file %s has no face 0 (it has 0)\n", empty);
	assert_string_equal(messages, expect);
	free(messages);
	fonts[0].path = dir;
	messages = write_with_expecting_error(&s.doc, NULL);
	snprintf(expect, sizeof(expect), "gkreport: error: cannot read font "
	         "file %s\n", dir);
	assert_string_equal(messages, expect);
	free(messages);
	unlink(empty);
	rmdir(dir);
}

/* The writer reads a font file through the mapping FreeType's faces read
 * (font_files.h) and holds it only while a cached face needs it.  Without
 * a cache (one report) a prepared font's pages leave the resident set. */
static void
test_fonts_share_one_mapping(void **state)
{
	diag_sink diag;
	font_set *song;
	pdf_font_cache *cache = pdf_font_cache_create();
	const pdf_write_options cached = { cache, false };
	unsigned char *pdf;
	size_t size;
	sample s;

	(void)state;
	diag_init(&diag, stderr);
	/* a face answered from its summary maps no file: make FreeType open it */
	setenv("GKREPORT_NO_FONT_CACHE", "1", 1);
	song = font_set_open_file(SONG_PATH, 0, &diag);
	unsetenv("GKREPORT_NO_FONT_CACHE");
	assert_non_null(song);
	assert_int_equal(font_file_mapped_count(), 1);
	build_sample(&s);
	assert_true(pdf_write_with(&s.doc, &sample_meta, &cached, &pdf, &size,
	                           &diag));
	free(pdf);
	assert_int_equal(font_file_mapped_count(), 2);   /* song once, hei */
	assert_true(mapped_rss_kb(SONG_PATH) > 0);
	pdf_font_cache_free(cache);
	assert_int_equal(font_file_mapped_count(), 1);
	assert_true(pdf_write(&s.doc, &sample_meta, &pdf, &size, &diag));
	free(pdf);
	assert_int_equal(diag.errors, 0);
	assert_int_equal(font_file_mapped_count(), 1);
	font_set_free(song);
	assert_int_equal(font_file_mapped_count(), 0);
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

/* True when the CFF subset writer takes the font at path (face 0): a
 * name-keyed CFF such as STIX's it refuses. */
static bool
own_writer_takes(const char *path, bool *cid_keyed)
{
	static const uint32_t glyphs[] = { 0, 1, 2 };
	font_file *file = font_file_acquire(path);
	arena *a = arena_create();
	sfnt_face face;
	sfnt_table cff;
	cff_info info;
	unsigned char *out;
	size_t size;
	const char *why;
	bool taken;

	assert_non_null(file);
	assert_true(sfnt_open(&face, font_file_data(file), font_file_size(file),
	                      0, &why));
	assert_true(sfnt_find_table(&face, SFNT_TAG('C','F','F',' '), &cff));
	assert_true(cff_read(a, cff.data, cff.size, &info, &why));
	*cid_keyed = info.cid_keyed;
	taken = cff_subset_write(a, cff.data, cff.size, glyphs, 3, &out, &size,
	                         &why);
	arena_destroy(a);
	font_file_release(file);
	return taken;
}

/* A name-keyed CFF font (STIX, from fonts-stix) is one the CFF subset
 * writer refuses: the PDF writer loads HarfBuzz's subsetter for it, and
 * only then (no font of the tests before needed it, and this test
 * program is not linked with HarfBuzz), and embeds what HarfBuzz makes
 * as a CID Type 0C subset with ToUnicode whose text extracts. */
static void
test_name_keyed_cff_goes_through_harfbuzz(void **state)
{
	static const char text[] = "Report 2024: 1,234 items (5.6%) -- fin";
	const page_font fonts[] = { { STIX_PATH, 0 }, { SONG_PATH, 0 } };
	text_run runs[2] = {
		{ .font = 0, .size = 16, .x = 72, .y = 760, .text = text,
		  .length = strlen(text) },
		{ .font = 1, .size = 16, .x = 72, .y = 720, .text = "年度报告",
		  .length = strlen("年度报告") },
	};
	page pg = { A4_WIDTH, A4_HEIGHT, runs, 2, NULL, 0 };
	pages doc = { &pg, 1, fonts, 2, NULL, 0 };
	char command[1024], *pdf, *out;
	void *loaded;
	bool cid_keyed = true;
	size_t size;
	int status;

	(void)state;
	if (access(STIX_PATH, R_OK) != 0)
		fail_msg("fonts-stix is not installed: run scripts/install-deps.sh test");
	assert_false(own_writer_takes(STIX_PATH, &cid_keyed));
	assert_false(cid_keyed);
	assert_true(own_writer_takes(NOTO_SANS_PATH, &cid_keyed));
	assert_null(dlopen(HARFBUZZ_SUBSET_LIBRARY, RTLD_NOW | RTLD_NOLOAD));
	pdf = write_pdf_file(&doc, &(pdf_metadata){ .conformance = PDF_PLAIN },
	                     &size);
	loaded = dlopen(HARFBUZZ_SUBSET_LIBRARY, RTLD_NOW | RTLD_NOLOAD);
	assert_non_null(loaded);
	dlclose(loaded);
	snprintf(command, sizeof(command), "pdffonts %s | tail -n +3 | awk '{ "
	         "sub(/^[A-Z]+\\+/, \"\", $1); print $1, $(NF-7), $(NF-6), "
	         "$(NF-4), $(NF-3), $(NF-2) }'", pdf);
	out = run_command(command, &status);
	assert_string_equal(out, "STIXGeneral-Regular Type 0C yes yes yes\n"
	                         "BousungEG-Light-GB CID TrueType yes yes yes\n");
	free(out);
	snprintf(command, sizeof(command), "pdftotext -enc UTF-8 %s - && "
	         "qpdf --check %s >/dev/null", pdf, pdf);
	out = run_command(command, &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, text));
	assert_non_null(strstr(out, "年度报告"));
	free(out);
	unlink(pdf);
	free(pdf);
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
		cmocka_unit_test(test_parallel_writes_are_identical),
		cmocka_unit_test(test_write_options_keep_the_bytes),
		cmocka_unit_test(test_font_errors_in_font_order_on_threads),
		cmocka_unit_test(test_font_errors_in_font_order_when_heaviest_runs_first),
		cmocka_unit_test(test_duplicate_font_entries_embed_once),
		cmocka_unit_test(test_non_bmp_character_without_glyph_is_an_error),
		cmocka_unit_test(test_non_bmp_character_extracts),
		cmocka_unit_test(test_rotated_run_extracts),
		cmocka_unit_test(test_dates_keep_their_offset),
		cmocka_unit_test(test_id_is_md5_of_id_source),
		cmocka_unit_test(test_pdfa1b_metadata),
		cmocka_unit_test(test_outline_nests_headings),
		cmocka_unit_test(test_pdfa3b_attachment_round_trip),
		cmocka_unit_test(test_streams_compressed_but_metadata),
		cmocka_unit_test(test_numbers_written_as_printf_would),
		cmocka_unit_test(test_pdfa1b_refuses_attachments),
		cmocka_unit_test(test_pdfa_checker_passes),
		cmocka_unit_test(test_cff_fonts_embed_as_type0c),
		cmocka_unit_test(test_cff_pdfa_checker_passes),
		cmocka_unit_test(test_missing_font_names_path),
		cmocka_unit_test(test_empty_font_file_and_folder),
		cmocka_unit_test(test_fonts_share_one_mapping),
		cmocka_unit_test(test_missing_glyph_is_an_error),
		cmocka_unit_test(test_name_keyed_cff_goes_through_harfbuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
