/*
 * code/fast: recognising a code that is already a canonical ledger key
 * without the general parser.  Events carry the same few shapes of Digital
 * Link millions of times (an item, a lot, a logistic unit); checking those
 * shapes directly costs a few dozen nanoseconds instead of a full parse.
 * Anything else, or anything in doubt, is left to trace_code_parse().
 */
#include <string.h>

#include "code_internal.h"

#define STEM "https://id.gs1.org/"

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Length of a path segment of 1..20 characters that both GS1 character
 * set 82 and RFC 3986 leave unescaped (A-Z a-z 0-9 - . _), not all dots;
 * 0 if the segment is anything else. */
static size_t plain_value(const char *s)
{
	size_t n = 0;
	int only_dots = 1;
	for (; s[n] && s[n] != '/'; n++) {
		char c = s[n];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_') || n == 20)
			return 0;
		only_dots &= c == '.';
	}
	return only_dots ? 0 : n;
}

int trace__code_is_canonical_key(const char *s)
{
	const size_t stem = sizeof STEM - 1;
	if (strncmp(s, STEM, stem) != 0)
		return 0;
	s += stem;
	if (s[0] == '0' && s[1] == '0' && s[2] == '/')	/* SSCC */
		return digits(s + 3, 18) && s[21] == '\0' && trace__gs1_csum_ok(s + 3, 18);
	if (!(s[0] == '0' && s[1] == '1' && s[2] == '/' && digits(s + 3, 14) && trace__gs1_csum_ok(s + 3, 14)))
		return 0;
	s += 17;
	if (*s == '\0')
		return 1;	/* a trade item class */
	/* A serial (the instance) or, without one, a lot (the batch). */
	/* Left to right, so that a string ending early stops at its NUL. */
	if (s[0] != '/' || !((s[1] == '2' && s[2] == '1') || (s[1] == '1' && s[2] == '0')) || s[3] != '/')
		return 0;
	size_t n = plain_value(s + 4);
	return n > 0 && s[4 + n] == '\0';
}
