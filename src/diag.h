/*
 * diag.h - the one path every diagnostic takes.
 *
 * Messages print as "file:line:column: severity: message" (mandoc style) so
 * editors can jump to them.  A position with line 0 prints as "file: ...";
 * a position without a file prints as "gkreport: ...".
 */
#ifndef GK_DIAG_H
#define GK_DIAG_H

#include <stdio.h>

typedef struct source_pos {
	const char *file;  /* display name of the input, NULL if none */
	int line;          /* 1-based; 0 = the file as a whole */
	int column;        /* 1-based; 0 = the line as a whole */
} source_pos;

typedef enum diag_severity {
	DIAG_NOTE,
	DIAG_WARNING,
	DIAG_ERROR
} diag_severity;

typedef enum diag_format {
	DIAG_FORMAT_TEXT,  /* file:line:col: severity: message */
	DIAG_FORMAT_JSON   /* one JSON object per line (gkreport(1)) */
} diag_format;

typedef struct diag_sink {
	FILE *stream;      /* where messages go; NULL = count only */
	int errors;
	int warnings;
	int notes;
	int quiet_notes;   /* non-zero: count notes but do not print them */
	diag_format format;
} diag_sink;

/* What a diagnostic is about, for readers that sort or filter them (the
 * JSON format prints every field; a NULL field prints as null). */
typedef struct diag_context {
	const char *rule;  /* rule id from the layout, e.g. "T3-1" */
	const char *table; /* e.g. "表三" */
	const char *row;   /* value-row id or name */
	const char *column;
} diag_context;

void diag_init(diag_sink *sink, FILE *stream);

void diag_report(diag_sink *sink, diag_severity severity, source_pos pos,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* diag_report with a context (ctx may be NULL). */
void diag_report_ctx(diag_sink *sink, diag_severity severity, source_pos pos,
                     const diag_context *ctx, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define diag_error(sink, pos, ...)   diag_report((sink), DIAG_ERROR, (pos), __VA_ARGS__)
#define diag_warning(sink, pos, ...) diag_report((sink), DIAG_WARNING, (pos), __VA_ARGS__)
#define diag_note(sink, pos, ...)    diag_report((sink), DIAG_NOTE, (pos), __VA_ARGS__)

/* A position naming only a file (or nothing, when file is NULL). */
source_pos source_pos_file(const char *file);

#endif
