/*
 * code/gs1: the list of AI elements every GS1 parser produces, the checks
 * that apply to the whole list (values, repeats, associations between AIs)
 * and the step that turns a checked list into a trace_code.
 */
#include <string.h>

#include "trace/error.h"
#include "code_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

void trace__elems_init(trace__elems *l, int form)
{
	memset(l, 0, sizeof *l);
	l->form = form;
}

void trace__elems_free(trace__elems *l)
{
	trace__free(l->v);
	trace__sbuf_free(&l->vals);
	trace__sbuf_free(&l->extra);
	memset(l, 0, sizeof *l);
}

int trace__elems_add(trace__elems *l, const trace__ai_entry *e, const char *ai, size_t ai_len,
                     const char *value, size_t len, size_t pos)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		trace__elem *v = trace__realloc(l->v, cap * sizeof *v);
		if (v == NULL)
			return trace__oom();
		l->v = v;
		l->cap = cap;
	}
	trace__elem *el = &l->v[l->n];
	memset(el, 0, sizeof *el);
	memcpy(el->ai, ai, ai_len);
	el->e = e;
	el->off = l->vals.len;
	el->len = len;
	el->pos = pos;
	trace__sbuf_put(&l->vals, value, len);
	trace__sbuf_putc(&l->vals, 0);
	if (l->vals.oom)
		return trace__oom();
	l->n++;
	return TRACE_OK;
}

const char *trace__elem_value(const trace__elems *l, size_t i)
{
	return (const char *)l->vals.p + l->v[i].off;
}

long trace__elems_find(const trace__elems *l, const char *ai)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].ai, ai) == 0)
			return (long)i;
	return -1;
}

/* Whether the alternative "a+b+c" (length n) is fully present. */
static int all_present(const trace__elems *l, const char *alt, size_t n)
{
	while (n) {
		const char *plus = memchr(alt, '+', n);
		size_t k = plus ? (size_t)(plus - alt) : n;
		char ai[5] = { 0 };
		if (k > 4)
			return 0;
		memcpy(ai, alt, k);
		if (trace__elems_find(l, ai) < 0)
			return 0;
		if (!plus)
			break;
		n -= k + 1;
		alt += k + 1;
	}
	return 1;
}

/* Renders "a,b+c" as "(a) or (b)+(c)" for messages. */
static void describe(char *out, size_t cap, const char *group, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 8 < cap; i++) {
		char c = group[i];
		if (i == 0 || group[i - 1] == ',' || group[i - 1] == '+')
			out[o++] = '(';
		if (c == ',') {
			memcpy(out + o, ") or ", 5);
			o += 5;
		} else if (c == '+') {
			memcpy(out + o, ")+", 2);
			o += 2;
		} else {
			out[o++] = c;
		}
	}
	if (o < cap - 1)
		out[o++] = ')';
	out[o] = 0;
}

static int check_associations(const trace__elems *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const trace__elem *el = &l->v[i];
		for (const char *g = el->e->req; g && *g;) {
			const char *end = strchr(g, ' ');
			size_t glen = end ? (size_t)(end - g) : strlen(g);
			int ok = 0;
			for (const char *a = g; a < g + glen && !ok;) {
				const char *comma = memchr(a, ',', (size_t)(g + glen - a));
				size_t alen = comma ? (size_t)(comma - a) : (size_t)(g + glen - a);
				ok = all_present(l, a, alen);
				a += alen + 1;
			}
			if (!ok) {
				char want[128];
				describe(want, sizeof want, g, glen);
				return trace__fail(TRACE_EINVAL, "AI (%s) at position %zu requires AI %s",
				                   el->ai, el->pos, want);
			}
			g += glen;
			while (*g == ' ')
				g++;
		}
		for (const char *x = el->e->ex; x && *x;) {
			const char *comma = strchr(x, ',');
			size_t k = comma ? (size_t)(comma - x) : strlen(x);
			char ai[5] = { 0 };
			memcpy(ai, x, k < 4 ? k : 4);
			long j = trace__elems_find(l, ai);
			if (j >= 0)
				return trace__fail(TRACE_EINVAL, "AI (%s) at position %zu cannot be used together with AI (%s) at position %zu",
				                   el->ai, el->pos, ai, l->v[j].pos);
			x += k + (comma ? 1 : 0);
		}
	}
	return TRACE_OK;
}

/* Drops exact repeats of an AI; a repeat with another value is an error. */
static int check_repeats(trace__elems *l)
{
	size_t w = 0;
	for (size_t i = 0; i < l->n; i++) {
		long first = -1;
		for (size_t j = 0; j < w; j++)
			if (strcmp(l->v[j].ai, l->v[i].ai) == 0)
				first = (long)j;
		if (first < 0) {
			l->v[w++] = l->v[i];
			continue;
		}
		const trace__elem *a = &l->v[first], *b = &l->v[i];
		if (l->form == TRACE_CODE_FORM_DIGITAL_LINK)
			return trace__fail(TRACE_EINVAL, "AI (%s) at position %zu: repeats the AI at position %zu",
			                   b->ai, b->pos, a->pos);
		if (a->len != b->len || memcmp(trace__elem_value(l, (size_t)first), trace__elem_value(l, i), a->len))
			return trace__fail(TRACE_EINVAL, "AI (%s) at position %zu: repeated with a different value than at position %zu",
			                   b->ai, b->pos, a->pos);
	}
	l->n = w;
	return TRACE_OK;
}

int trace__gs1_finish(trace_code **out, trace__elems *l, unsigned flags)
{
	if (l->n == 0)
		return trace__fail(TRACE_EINVAL, "GS1 data holds no AI");
	for (size_t i = 0; i < l->n; i++) {
		const trace__elem *el = &l->v[i];
		int rc = trace__ai_check_value(el->e, el->ai, trace__elem_value(l, i), el->len, el->pos, flags);
		if (rc)
			return rc;
	}
	int rc = check_repeats(l);
	if (rc == TRACE_OK && !(flags & TRACE_CODE_NO_ASSOCIATIONS))
		rc = check_associations(l);
	if (rc)
		return rc;

	trace__sbuf canon = TRACE__SBUF_INIT;
	rc = trace__gs1_canonical(&canon, l);
	if (rc) {
		trace__sbuf_free(&canon);
		return rc;
	}
	trace__codeb b;
	trace__codeb_init(&b);
	for (size_t i = 0; i < l->n; i++)
		trace__codeb_field(&b, l->v[i].ai, trace__elem_value(l, i), l->v[i].len);
	const char *x = (const char *)l->extra.p;
	for (size_t i = 0; i < l->nextra; i++) {
		const char *v = x + strlen(x) + 1;
		trace__codeb_extra(&b, x, v, strlen(v));
		x = v + strlen(v) + 1;
	}
	rc = trace__codeb_finish(out, &b, TRACE_CODE_GS1, l->form, (const char *)canon.p, canon.len);
	trace__sbuf_free(&canon);
	return rc;
}

int trace_gs1_check_digit(int *out, const char *digits, size_t len)
{
	if (out == NULL || digits == NULL || len == 0)
		return trace__fail(TRACE_EINVAL, "trace_gs1_check_digit: out and at least one digit are required");
	for (size_t i = 0; i < len; i++)
		if (digits[i] < '0' || digits[i] > '9')
			return trace__fail(TRACE_EINVAL, "GS1 key at position %zu: not a digit", i);
	*out = trace__gs1_csum(digits, len);
	return TRACE_OK;
}

int trace_gs1_ai_validate(const char *ai, const char *value, unsigned flags)
{
	if (ai == NULL || value == NULL)
		return trace__fail(TRACE_EINVAL, "trace_gs1_ai_validate: AI and value are required");
	size_t al = strnlen(ai, 5);
	const trace__ai_entry *e = al >= 2 && al <= 4 && trace__is_digits(ai, al) ? trace__ai_lookup(ai, al) : NULL;
	if (e == NULL)
		return trace__fail(TRACE_EINVAL, "unknown AI (%.5s)", ai);
	size_t len = strnlen(value, TRACE__AI_VALUE_MAX + 1);
	if (len > TRACE__AI_VALUE_MAX)
		return trace__fail(TRACE_EINVAL, "AI (%s) at position %d: value is too long", ai, TRACE__AI_VALUE_MAX);
	return trace__ai_check_value(e, ai, value, len, 0, flags);
}
