/*
 * json.c - JSON string output.
 */
#include "json.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

void
json_write_string(FILE *out, const char *s)
{
	size_t len, i = 0;

	if (s == NULL) {
		fputs("null", out);
		return;
	}
	len = strlen(s);
	fputc('"', out);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n = c < 0x80 ? 1 : utf8_decode(s + i, len - i, &cp);

		if (n == 0) {
			fputs("\\ufffd", out);
			n = 1;
		} else if (c == '"' || c == '\\') {
			fprintf(out, "\\%c", c);
		} else if (c == '\n') {
			fputs("\\n", out);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
		} else {
			fwrite(s + i, 1, n, out);
		}
		i += n;
	}
	fputc('"', out);
}
