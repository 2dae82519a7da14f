/*
 * event/ext: extension values that are not JSON strings (numbers, booleans,
 * objects, arrays, null) are kept as canonical JSON text: compact, object
 * members sorted by the bytes of their UTF-8 keys, numbers in their shortest
 * exact decimal form.  In CBOR they are tag 262 (embedded JSON) byte strings.
 * Parsing is jansson's (the one JSON dependency); writing is ours, so the
 * text does not depend on jansson's number formatting.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "event_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"

void trace__ev_json_str(trace__sbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	trace__sbuf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': trace__sbuf_puts(b, "\\\""); break;
		case '\\': trace__sbuf_puts(b, "\\\\"); break;
		case '\n': trace__sbuf_puts(b, "\\n"); break;
		case '\r': trace__sbuf_puts(b, "\\r"); break;
		case '\t': trace__sbuf_puts(b, "\\t"); break;
		case '\b': trace__sbuf_puts(b, "\\b"); break;
		case '\f': trace__sbuf_puts(b, "\\f"); break;
		default:
			if (*p < 0x20) {
				char u[7] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0 };
				trace__sbuf_puts(b, u);
			} else {
				trace__sbuf_putc(b, (char)*p);
			}
		}
	}
	trace__sbuf_putc(b, '"');
}

void trace__ev_json_hex(trace__sbuf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	trace__sbuf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		trace__sbuf_putc(b, hex[p[i] >> 4]);
		trace__sbuf_putc(b, hex[p[i] & 15]);
	}
	trace__sbuf_putc(b, '"');
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int write_value(trace__sbuf *b, const json_t *v)
{
	char num[40];
	switch (json_typeof(v)) {
	case JSON_NULL: trace__sbuf_puts(b, "null"); break;
	case JSON_TRUE: trace__sbuf_puts(b, "true"); break;
	case JSON_FALSE: trace__sbuf_puts(b, "false"); break;
	case JSON_STRING: trace__ev_json_str(b, json_string_value(v)); break;
	case JSON_INTEGER:
		trace__sbuf_printf(b, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		trace__ev_num_format(num, sizeof num, json_real_value(v));
		trace__sbuf_puts(b, num);
		break;
	case JSON_ARRAY:
		trace__sbuf_putc(b, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				trace__sbuf_putc(b, ',');
			if (write_value(b, json_array_get(v, i)))
				return TRACE_ENOMEM;
		}
		trace__sbuf_putc(b, ']');
		break;
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		const char **keys = trace__malloc((n ? n : 1) * sizeof *keys);
		if (keys == NULL)
			return trace__oom();
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x)
			keys[i++] = k;
		qsort(keys, n, sizeof *keys, key_cmp);
		trace__sbuf_putc(b, '{');
		for (i = 0; i < n; i++) {
			if (i)
				trace__sbuf_putc(b, ',');
			trace__ev_json_str(b, keys[i]);
			trace__sbuf_putc(b, ':');
			if (write_value(b, json_object_get(v, keys[i]))) {
				trace__free(keys);
				return TRACE_ENOMEM;
			}
		}
		trace__sbuf_putc(b, '}');
		trace__free(keys);
		break;
	}
	}
	return TRACE_OK;
}

int trace__ev_json_canonical(char **out, const json_t *v)
{
	trace__sbuf b = TRACE__SBUF_INIT;
	*out = NULL;
	if (write_value(&b, v) || b.oom) {
		trace__sbuf_free(&b);
		return trace__oom();
	}
	trace_buf t = TRACE_BUF_INIT;
	if (trace__sbuf_finish(&b, &t))
		return TRACE_ENOMEM;
	*out = (char *)t.ptr;
	return TRACE_OK;
}

int trace__ev_json_oom(const struct json_error_t *err)
{
	/* jansson names every syntax error; failing without one, it ran out of memory. */
	return json_error_code(err) == json_error_out_of_memory || err->text[0] == '\0';
}

int trace__ev_json_text_ok(const char *text, size_t len)
{
	json_error_t err = { 0 };	/* jansson may fail for memory before it fills it */
	json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
	if (v == NULL)
		return trace__ev_json_oom(&err) ? trace__oom() : 0;
	int ok = 0;
	char *c = NULL;
	if (!json_is_string(v)) {
		int rc = trace__ev_json_canonical(&c, v);
		ok = rc == TRACE_ENOMEM ? rc : rc == TRACE_OK && strlen(c) == len && memcmp(c, text, len) == 0;
	}
	trace__free(c);
	json_decref(v);
	return ok;
}
