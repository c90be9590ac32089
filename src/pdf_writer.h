/*
 * pdf_writer.h - draws pages into a PDF.  The only module that calls
 * libharu (nothing else includes hpdf.h).
 *
 * Every font is first subset with HarfBuzz to the characters the document
 * draws, then handed to libharu through a memfd (no temporary files); the
 * ToUnicode CMap libharu writes is replaced by a valid bfchar/bfrange one.
 * Output is deterministic: the same pages give the same bytes.
 */
#ifndef GK_PDF_WRITER_H
#define GK_PDF_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "pages.h"

typedef struct pdf_metadata {
	const char *title;
	const char *author;
	const char *subject;
	const char *keywords;
	const char *creator;         /* e.g. "gkreport 0.1.0" */
} pdf_metadata;

/* Writes doc as a PDF into a malloc'd buffer (*out, *out_size; the caller
 * frees it).  Returns false after diagnostics on any failure, with *out
 * NULL.  Errors include: a character above U+FFFF (libharu 2.3.0 cannot
 * draw it), a character the run's font has no glyph for, an unreadable
 * font file or face index, and a CFF-based font (only glyf outlines can be
 * embedded).  meta may be NULL; its NULL fields are left out.  No dates
 * and no /ID are written.  Safe to call from several threads at once. */
bool pdf_write(const pages *doc, const pdf_metadata *meta,
               unsigned char **out, size_t *out_size, diag_sink *diag);

#endif
