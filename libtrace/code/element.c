/*
 * code/element: GS1 element strings, bracketed "(01)...(10)..." and
 * unbracketed (AI data after FNC1, separated by GS or '^'), in and out.
 * Values are checked later, by trace__gs1_finish().
 */
#include <string.h>

#include "trace/error.h"
#include "code_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

static int unknown_ai(const char *s, size_t len, size_t pos)
{
	char ex[16];
	return trace__fail(TRACE_EINVAL, "unknown AI at position %zu (\"%s\")", pos,
	                   trace__excerpt(ex, sizeof ex, s, len < 4 ? len : 4));
}

int trace__parse_bracketed(trace__elems *l, const char *s, size_t len, size_t base)
{
	trace__sbuf v = TRACE__SBUF_INIT;
	size_t i = 0;
	int rc = TRACE_OK;
	if (len == 0 || s[0] != '(')
		return trace__fail(TRACE_EINVAL, "a bracketed element string starts with '(' (position %zu)", base);
	while (i < len && rc == TRACE_OK) {
		/* here s[i] == '(' */
		const char *close = memchr(s + i + 1, ')', len - i - 1);
		size_t ai_len = close ? (size_t)(close - (s + i + 1)) : 0;
		const trace__ai_entry *e = NULL;
		if (close && ai_len >= 2 && ai_len <= 4 && trace__is_digits(s + i + 1, ai_len))
			e = trace__ai_lookup(s + i + 1, ai_len);
		if (e == NULL) {
			rc = close && ai_len >= 2 && ai_len <= 4 && trace__is_digits(s + i + 1, ai_len)
			     ? trace__fail(TRACE_EINVAL, "unknown AI (%.*s) at position %zu", (int)ai_len, s + i + 1, base + i)
			     : trace__fail(TRACE_EINVAL, "expected \"(AI)\" with 2 to 4 digits at position %zu", base + i);
			break;
		}
		const char *ai = s + i + 1;
		size_t vstart = i + ai_len + 2;
		v.len = 0;
		for (i = vstart; i < len && s[i] != '('; i++) {
			if (s[i] == '\\' && i + 1 < len && s[i + 1] == '(')
				i++; /* "\(" is a literal '(' */
			trace__sbuf_putc(&v, s[i]);
		}
		if (v.oom) {
			rc = trace__oom();
			break;
		}
		if (i == vstart) {
			rc = trace__fail(TRACE_EINVAL, "AI (%.*s) at position %zu: empty value", (int)ai_len, ai, base + vstart);
			break;
		}
		rc = trace__elems_add(l, e, ai, ai_len, (const char *)v.p, v.len, base + vstart);
	}
	trace__sbuf_free(&v);
	return rc;
}

static int is_sep(char c)
{
	return c == GS || c == '^';
}

int trace__parse_element_string(trace__elems *l, const char *s, size_t len, size_t base)
{
	size_t i = 0;
	if (len && is_sep(s[0]))
		i = 1; /* FNC1 in first position */
	if (i >= len)
		return trace__fail(TRACE_EINVAL, "element string holds no AI");
	while (i < len) {
		if (is_sep(s[i]))
			return trace__fail(TRACE_EINVAL, "unexpected separator at position %zu", base + i);
		size_t ai_len = 0;
		const trace__ai_entry *e = trace__ai_match(s + i, len - i, &ai_len);
		if (e == NULL)
			return unknown_ai(s + i, len - i, base + i);
		const char *ai = s + i;
		char aibuf[5] = { 0 };
		memcpy(aibuf, ai, ai_len);
		i += ai_len;
		size_t start = i, fixed = trace__ai_predefined_length(aibuf);
		while (i < len && !is_sep(s[i]) && (fixed == 0 || i - start < fixed))
			i++;
		if (i == start)
			return trace__fail(TRACE_EINVAL, "AI (%s) at position %zu: empty value", aibuf, base + start);
		int rc = trace__elems_add(l, e, ai, ai_len, s + start, i - start, base + start);
		if (rc)
			return rc;
		if (i < len && is_sep(s[i]))
			i++; /* a separator ends a variable-length value; tolerated after a fixed one */
	}
	return TRACE_OK;
}

int trace_code_element_string(trace_buf *out, const trace_code *c, int style)
{
	if (out == NULL || c == NULL)
		return trace__fail(TRACE_EINVAL, "trace_code_element_string: out and code are required");
	if (style != TRACE_CODE_ES_BRACKETED && style != TRACE_CODE_ES_GS)
		return trace__fail(TRACE_EINVAL, "unknown element string style %d", style);
	if (trace_code_scheme(c) != TRACE_CODE_GS1)
		return trace__fail(TRACE_EINVAL, "only GS1 codes have an element string");
	trace__sbuf b = TRACE__SBUF_INIT;
	size_t n = trace_code_field_count(c);
	for (size_t i = 0; i < n; i++) {
		const char *ai, *v;
		if (trace_code_field(&ai, &v, c, i))
			break;
		if (style == TRACE_CODE_ES_BRACKETED) {
			trace__sbuf_printf(&b, "(%s)", ai);
			for (const char *p = v; *p; p++) {
				if (*p == '(')
					trace__sbuf_putc(&b, '\\');
				trace__sbuf_putc(&b, *p);
			}
		} else {
			trace__sbuf_puts(&b, ai);
			trace__sbuf_puts(&b, v);
			if (i + 1 < n && trace__ai_predefined_length(ai) == 0)
				trace__sbuf_putc(&b, GS);
		}
	}
	return trace__sbuf_finish(&b, out);
}
