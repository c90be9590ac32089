/*
 * test_utf8.c - strict UTF-8: every scalar value round-trips, and every
 * three-byte sequence (the decoder's fast path) is read exactly as the
 * rules of RFC 3629 say.
 */
#include "testing.h"

#include "utf8.h"

/* RFC 3629 for a three-byte sequence, written out as the standard
 * words it: a lead 1110xxxx, two continuation bytes 10xxxxxx, no
 * overlong form (< U+0800) and no surrogate.  0 when invalid. */
static size_t
reference_three(const unsigned char *s, uint32_t *cp)
{
	uint32_t c;

	if (s[0] < 0xE0 || s[0] > 0xEF || s[1] < 0x80 || s[1] > 0xBF ||
	    s[2] < 0x80 || s[2] > 0xBF)
		return 0;
	c = (uint32_t)(s[0] - 0xE0) * 4096 + (uint32_t)(s[1] - 0x80) * 64 +
	    (uint32_t)(s[2] - 0x80);
	if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return 3;
}

static void
test_every_three_byte_sequence(void **state)
{
	(void)state;
	for (unsigned lead = 0xE0; lead <= 0xEF; lead++)
		for (unsigned b1 = 0; b1 < 256; b1++)
			for (unsigned b2 = 0; b2 < 256; b2++) {
				unsigned char s[3] = { (unsigned char)lead,
				                       (unsigned char)b1,
				                       (unsigned char)b2 };
				uint32_t want = 0, got = 0;
				size_t n = reference_three(s, &want);

				/* an invalid sequence may be refused at any byte:
				 * only validity and the value are compared */
				if (n == 3) {
					assert_int_equal(utf8_decode((const char *)s, 3, &got), 3);
					assert_int_equal(got, want);
				} else {
					assert_int_equal(utf8_decode((const char *)s, 3, &got), 0);
				}
				/* a sequence cut short is never read */
				assert_int_equal(utf8_decode((const char *)s, 2, &got), 0);
			}
}

static void
test_every_scalar_round_trips(void **state)
{
	(void)state;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		char buffer[4];
		size_t n = utf8_encode(cp, buffer);
		uint32_t back = 0;

		if (cp >= 0xD800 && cp <= 0xDFFF) {
			assert_int_equal(n, 0);
			continue;
		}
		assert_true(n >= 1 && n <= 4);
		assert_int_equal(utf8_decode(buffer, n, &back), n);
		assert_int_equal(back, cp);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_three_byte_sequence),
		cmocka_unit_test(test_every_scalar_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
