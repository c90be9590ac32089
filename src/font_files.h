/*
 * font_files.h - every font file mapped into memory once per process.
 *
 * FreeType measures a face and HarfBuzz subsets it, each worker thread of
 * a batch with faces of its own; all of them read the same few CJK files
 * of 5 to 27 MB.  Mapping a file once and handing out its bytes means the
 * pages one reader touched are not counted again in the resident set when
 * another touches them.  The registry is the one piece of process-wide
 * state: a file's bytes are read-only and identical for every document,
 * so sharing them cannot make documents depend on each other.
 *
 * A mapping is reference-counted and unmapped when its last user releases
 * it; font_file_acquire and font_file_release may be called from any
 * thread.
 */
#ifndef GK_FONT_FILES_H
#define GK_FONT_FILES_H

#include <stddef.h>

typedef struct font_file font_file;

/* The mapping of the file at path (the one already made, or a new one),
 * with a reference for the caller.  NULL with errno set when the file
 * cannot be opened, is not a regular file (EISDIR, ENODEV) or cannot be
 * mapped.  An empty file gives an empty font_file (size 0). */
font_file *font_file_acquire(const char *path);

/* Drops a reference from font_file_acquire; the last one unmaps.  The
 * signature fits HarfBuzz's and FreeType's destroy callbacks.  NULL is
 * ignored. */
void font_file_release(void *file);

const unsigned char *font_file_data(const font_file *file);
size_t font_file_size(const font_file *file);

/* How many files are mapped now (tests). */
size_t font_file_mapped_count(void);

#endif
