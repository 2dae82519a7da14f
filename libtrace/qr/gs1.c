/*
 * qr/gs1: the minimal element-string conversion the qr module needs to
 * build GS1 QR and GS1 DataMatrix symbols: bracketed "(AI)value..." to the
 * FNC1 form "AIvalue<GS>AIvalue".  It only splits on brackets and knows
 * which AI prefixes have a pre-defined length (no separator after them);
 * it does not validate AIs, check digits or character sets.  The code
 * module's element-string parser is the full implementation and should
 * replace this once it is available.
 * Layer: qr module, no external dependency.
 */
#include <string.h>

#include "trace/error.h"
#include "qr_internal.h"
#include "error_internal.h"
#include "util/alloc.h"

#define GS 0x1d

/*
 * Data length fixed by the AI's first two digits (GS1 General
 * Specifications, the "pre-defined length" table), or 0 when the element
 * needs a separator unless it is last.
 */
static int predefined_length(const char *ai)
{
	int p = (ai[0] - '0') * 10 + (ai[1] - '0');
	switch (p) {
	case 0: return 18;
	case 1: case 2: case 3: return 14;
	case 4: return 16;
	case 20: return 2;
	case 41: return 13;
	default:
		if (p >= 11 && p <= 19)
			return 6;
		if (p >= 31 && p <= 36)
			return 6;
		return 0;
	}
}

/* AI digit count implied by the prefix, where the table above fixes it. */
static int predefined_ai_digits(int prefix)
{
	if (prefix >= 31 && prefix <= 36)
		return 4;
	if (prefix == 41)
		return 3;
	return 2;
}

static int bracketed(char *dst, size_t *n, const char *s, size_t len)
{
	size_t i = 0, o = 0;
	int need_gs = 0;
	while (i < len) {
		if (s[i] != '(')
			return trace__fail(TRACE_EINVAL, "element string: expected '(' at byte %zu", i);
		size_t ai = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		size_t ai_len = i - ai;
		if (i >= len || s[i] != ')' || ai_len < 2 || ai_len > 4)
			return trace__fail(TRACE_EINVAL, "element string: bad application identifier at byte %zu "
			                   "(expected 2 to 4 digits in brackets)", ai - 1);
		size_t val = ++i;
		while (i < len && s[i] != '(')
			i++;
		size_t val_len = i - val;
		if (val_len == 0)
			return trace__fail(TRACE_EINVAL, "element string: AI (%.*s) has no data", (int)ai_len, s + ai);
		for (size_t k = val; k < i; k++)
			if ((unsigned char)s[k] < 0x21 || (unsigned char)s[k] > 0x7e)
				return trace__fail(TRACE_EINVAL, "element string: AI (%.*s) data has a character "
				                   "outside printable ASCII at byte %zu", (int)ai_len, s + ai, k);
		int fixed = predefined_length(s + ai);
		if (fixed) {
			int digits = predefined_ai_digits((s[ai] - '0') * 10 + (s[ai + 1] - '0'));
			if ((int)ai_len != digits || (int)val_len != fixed)
				return trace__fail(TRACE_EINVAL, "element string: AI (%.*s) must be %d digits with %d "
				                   "characters of data, not %zu", (int)ai_len, s + ai, digits, fixed, val_len);
		}
		if (need_gs)
			dst[o++] = GS;
		memcpy(dst + o, s + ai, ai_len);
		o += ai_len;
		memcpy(dst + o, s + val, val_len);
		o += val_len;
		need_gs = fixed == 0;
	}
	*n = o;
	return TRACE_OK;
}

int trace__gs1_fnc1_form(char **out, size_t *len_out, const char *text)
{
	size_t len = strlen(text);
	char *dst = trace__malloc(len + 1);
	if (dst == NULL)
		return trace__oom();
	size_t n = 0;
	int rc = TRACE_OK;
	if (len && text[0] == '(') {
		rc = bracketed(dst, &n, text, len);
	} else {
		/* Already FNC1 form; a leading GS only restates FNC1 in first position. */
		const char *s = len && text[0] == GS ? text + 1 : text;
		n = strlen(s);
		if (n == 0 || s[0] < '0' || s[0] > '9')
			rc = trace__fail(TRACE_EINVAL, "element string must start with '(' or with AI digits");
		for (size_t k = 0; rc == TRACE_OK && k < n; k++)
			if (((unsigned char)s[k] < 0x21 && s[k] != GS) || (unsigned char)s[k] > 0x7e ||
			    (s[k] == GS && (k + 1 == n || s[k + 1] == GS)))
				rc = trace__fail(TRACE_EINVAL, "element string: unexpected byte 0x%02x at byte %zu",
				                 (unsigned char)s[k], k);
		memcpy(dst, s, n);
	}
	if (rc != TRACE_OK) {
		trace__free(dst);
		return rc;
	}
	dst[n] = 0;
	*out = dst;
	*len_out = n;
	return TRACE_OK;
}
