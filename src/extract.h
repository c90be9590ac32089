/*
 * extract.h - the files a PDF carries, written back out (gkreport extract).
 *
 * An archived report made with --attach-source holds its description and
 * its layout; extracting them gives the inputs byte for byte, so the
 * report can be checked or rendered again from the archive copy alone.
 * The PDF is read with libqpdf, never parsed here; libqpdf is loaded only
 * when extract runs, so that the other commands start without it.
 */
#ifndef GK_EXTRACT_H
#define GK_EXTRACT_H

#include <stdio.h>

#include "diag.h"

/* Writes every embedded file of pdf (the /EmbeddedFiles name tree and
 * the catalog's /AF) into dir, created when missing, each atomically
 * under its /UF or /F name made safe: its last path component, control
 * characters dropped, never "." or "..".  Lists each path written on
 * list.  Returns the exit status: 2 when pdf cannot be read or holds no
 * embedded file, 1 when a file cannot be written or libqpdf cannot be
 * loaded, else 0. */
int extract_attachments(const char *pdf, const char *dir, FILE *list,
                        diag_sink *diag);

#endif
