/*
 * diag.c - formatting and counting of diagnostics.
 */
#include "diag.h"

#include <stdarg.h>

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

void
diag_report(diag_sink *sink, diag_severity severity, source_pos pos,
            const char *fmt, ...)
{
	va_list ap;

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
			return;
		break;
	}
	if (sink->stream == NULL)
		return;
	print_position(sink->stream, pos);
	fprintf(sink->stream, ": %s: ", severity_names[severity]);
	va_start(ap, fmt);
	vfprintf(sink->stream, fmt, ap);
	va_end(ap);
	fputc('\n', sink->stream);
}
