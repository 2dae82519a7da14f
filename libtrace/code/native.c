/*
 * code/native: libtrace's own compact codes, for goods without a GS1
 * licence: "PREFIX-SERIAL", where PREFIX names the issuer (1-16 of A-Z 0-9,
 * starting with a letter) and SERIAL is data in the Crockford base-32
 * alphabet followed by one check character.  Both parts read the same in
 * any case; in the serial, I and L read as 1 and O as 0, so what a person
 * types back from a label still matches.
 *
 * Check character: Luhn mod 32 over the prefix (each character's base-36
 * value written as two base-32 digits, high then low) followed by the
 * serial data; it catches any single wrong serial character and most swaps
 * of two adjacent ones.
 */
#include <string.h>

#include "trace/error.h"
#include "code_internal.h"
#include "../error_internal.h"

#define PREFIX_MAX 16
#define SERIAL_MAX 40

const char trace__b32_alphabet[33] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int trace__b32_value(int c)
{
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	if (c == 'O')
		return 0;
	if (c == 'I' || c == 'L')
		return 1;
	const char *p = c ? strchr(trace__b32_alphabet, c) : NULL;
	return p ? (int)(p - trace__b32_alphabet) : -1;
}

static int b36_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	return c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
}

int trace__native_prefix_ok(const char *s, size_t len)
{
	if (len == 0 || len > PREFIX_MAX || b36_value((unsigned char)s[0]) < 10)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (b36_value((unsigned char)s[i]) < 0)
			return 0;
	return 1;
}

char trace__native_check(const char *prefix, size_t plen, const char *serial, size_t slen)
{
	/* Luhn mod N, N = 32: double every second digit from the right. */
	unsigned sum = 0, factor = 2;
	for (size_t i = slen; i-- > 0;) {
		unsigned a = factor * (unsigned)trace__b32_value((unsigned char)serial[i]);
		sum += a / 32 + a % 32;
		factor = 3 - factor;
	}
	for (size_t i = plen; i-- > 0;) {
		unsigned v = (unsigned)b36_value((unsigned char)prefix[i]);
		unsigned digits[2] = { v & 31, v >> 5 }; /* low digit is the right-hand one */
		for (int k = 0; k < 2; k++) {
			unsigned a = factor * digits[k];
			sum += a / 32 + a % 32;
			factor = 3 - factor;
		}
	}
	return trace__b32_alphabet[(32 - sum % 32) % 32];
}

int trace__parse_native(trace_code **out, const char *s, size_t len)
{
	const char *dash = memchr(s, '-', len);
	size_t plen = dash ? (size_t)(dash - s) : len;
	if (dash == NULL || !trace__native_prefix_ok(s, plen))
		return trace__fail(TRACE_EINVAL, "native code at position 0: expected PREFIX-SERIAL with a prefix of 1 to %d "
		                   "letters and digits starting with a letter", PREFIX_MAX);
	const char *ser = dash + 1;
	size_t slen = len - plen - 1;
	if (slen < 2 || slen > SERIAL_MAX)
		return trace__fail(TRACE_EINVAL, "native code at position %zu: serial must have 2 to %d characters with its check character",
		                   plen + 1, SERIAL_MAX);
	char canon[PREFIX_MAX + 1 + SERIAL_MAX + 1];
	for (size_t i = 0; i < plen; i++)
		canon[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
	canon[plen] = '-';
	for (size_t i = 0; i < slen; i++) {
		int v = trace__b32_value((unsigned char)ser[i]);
		if (v < 0)
			return trace__fail(TRACE_EINVAL, "native code at position %zu: '%c' is not in the serial alphabet (0-9, A-Z without U)",
			                   plen + 1 + i, ser[i] > 0x20 && ser[i] < 0x7f ? ser[i] : '?');
		canon[plen + 1 + i] = trace__b32_alphabet[v];
	}
	const char *data = canon + plen + 1;
	char want = trace__native_check(canon, plen, data, slen - 1);
	if (data[slen - 1] != want)
		return trace__fail(TRACE_EINVAL, "native code at position %zu: check character is '%c', expected '%c'",
		                   len - 1, data[slen - 1], want);
	trace__codeb b;
	trace__codeb_init(&b);
	trace__codeb_field(&b, "prefix", canon, plen);
	trace__codeb_field(&b, "serial", data, slen - 1);
	trace__codeb_field(&b, "check", data + slen - 1, 1);
	return trace__codeb_finish(out, &b, TRACE_CODE_NATIVE, TRACE_CODE_FORM_NATIVE, canon, len);
}
