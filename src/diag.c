/*
 * diag.c - formatting and counting of diagnostics.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#include "json.h"

static const char *const severity_names[] = {
	[DIAG_NOTE] = "note",
	[DIAG_WARNING] = "warning",
	[DIAG_ERROR] = "error",
};

void
diag_init(diag_sink *sink, FILE *stream)
{
	sink->stream = stream;
	sink->errors = 0;
	sink->warnings = 0;
	sink->notes = 0;
	sink->quiet_notes = 0;
	sink->format = DIAG_FORMAT_TEXT;
}

source_pos
source_pos_file(const char *file)
{
	source_pos pos = { file, 0, 0 };
	return pos;
}

static void
print_position(FILE *out, source_pos pos)
{
	if (pos.file == NULL)
		fputs("gkreport", out);
	else if (pos.line <= 0)
		fputs(pos.file, out);
	else if (pos.column <= 0)
		fprintf(out, "%s:%d", pos.file, pos.line);
	else
		fprintf(out, "%s:%d:%d", pos.file, pos.line, pos.column);
}

/* Past this many errors the rest are counted but not printed: a file with
 * a million duplicate keys must not print a million lines. */
#define DIAG_MAX_PRINTED_ERRORS 1000

/* Counts the diagnostic; false when it is not to be printed. */
static bool
count(diag_sink *sink, diag_severity severity)
{
	if (severity == DIAG_ERROR && sink->errors >= DIAG_MAX_PRINTED_ERRORS) {
		if (sink->errors++ == DIAG_MAX_PRINTED_ERRORS && sink->stream)
			fprintf(sink->stream, "gkreport: error: more than %d "
			        "errors; the rest are not shown\n",
			        DIAG_MAX_PRINTED_ERRORS);
		return false;
	}
	switch (severity) {
	case DIAG_ERROR:
		sink->errors++;
		break;
	case DIAG_WARNING:
		sink->warnings++;
		break;
	case DIAG_NOTE:
		sink->notes++;
		if (sink->quiet_notes)
			return false;
		break;
	}
	return sink->stream != NULL;
}

/* "key": "value", or "key": null: every object has the same keys, so
 * that a district system can read them without testing for each. */
static void
print_json_field(FILE *out, const char *key, const char *value)
{
	fprintf(out, ", \"%s\": ", key);
	if (value != NULL)
		json_write_string(out, value);
	else
		fputs("null", out);
}

/* One object per line: file, line, column, severity, rule, table, row,
 * table_column, message. */
static void
print_json(FILE *out, diag_severity severity, source_pos pos,
           const diag_context *ctx, const char *message)
{
	static const diag_context none = { NULL, NULL, NULL, NULL };

	if (ctx == NULL)
		ctx = &none;
	fputs("{\"file\": ", out);
	if (pos.file != NULL)
		json_write_string(out, pos.file);
	else
		fputs("null", out);
	fprintf(out, ", \"line\": %d, \"column\": %d, \"severity\": \"%s\"",
	        pos.line, pos.column, severity_names[severity]);
	print_json_field(out, "rule", ctx->rule);
	print_json_field(out, "table", ctx->table);
	print_json_field(out, "row", ctx->row);
	print_json_field(out, "table_column", ctx->column);
	fputs(", \"message\": ", out);
	json_write_string(out, message);
	fputs("}\n", out);
}

static void
vreport(diag_sink *sink, diag_severity severity, source_pos pos,
        const diag_context *ctx, const char *fmt, va_list ap)
{
	char *message = NULL;

	if (!count(sink, severity))
		return;
	if (sink->format == DIAG_FORMAT_JSON) {
		if (vasprintf(&message, fmt, ap) < 0)
			return;
		print_json(sink->stream, severity, pos, ctx, message);
		free(message);
		return;
	}
	print_position(sink->stream, pos);
	fprintf(sink->stream, ": %s: ", severity_names[severity]);
	vfprintf(sink->stream, fmt, ap);
	fputc('\n', sink->stream);
}

void
diag_report(diag_sink *sink, diag_severity severity, source_pos pos,
            const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(sink, severity, pos, NULL, fmt, ap);
	va_end(ap);
}

void
diag_report_ctx(diag_sink *sink, diag_severity severity, source_pos pos,
                const diag_context *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(sink, severity, pos, ctx, fmt, ap);
	va_end(ap);
}
