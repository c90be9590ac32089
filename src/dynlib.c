/*
 * dynlib.c - looking up the functions of a dlopen'd library (dynlib.h).
 */
#include "dynlib.h"

#include <dlfcn.h>
#include <stddef.h>

void *
dynlib_function(void *handle, const char *name, const char **missing)
{
	void *function = dlsym(handle, name);

	if (function == NULL && *missing == NULL)
		*missing = name;
	return function;
}
