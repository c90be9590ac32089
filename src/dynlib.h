/*
 * dynlib.h - libraries loaded with dlopen only when a command needs them
 * (libqpdf for extract, HarfBuzz's subsetter for fonts our own writers
 * refuse), so that every other run starts without them.
 */
#ifndef GK_DYNLIB_H
#define GK_DYNLIB_H

/* The function name within the library handle, or NULL when it lacks
 * it; *missing (NULL before the first lookup) then names the first one
 * lacking, for the message. */
void *dynlib_function(void *handle, const char *name, const char **missing);

#endif
