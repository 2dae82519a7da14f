/* util/sbuf: growable buffer used to build notes, proofs and messages. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "alloc.h"
#include "base64.h"
#include "sbuf.h"
#include "../error_internal.h"

int trace__sbuf_reserve(trace__sbuf *b, size_t extra)
{
	if (b->oom)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2) {
			b->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	uint8_t *p = trace__realloc(b->p, cap);
	if (p == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void trace__sbuf_put(trace__sbuf *b, const void *data, size_t n)
{
	if (trace__sbuf_reserve(b, n))
		return;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = 0;
}

void trace__sbuf_puts(trace__sbuf *b, const char *s)
{
	trace__sbuf_put(b, s, strlen(s));
}

void trace__sbuf_putc(trace__sbuf *b, char c)
{
	trace__sbuf_put(b, &c, 1);
}

void trace__sbuf_printf(trace__sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || trace__sbuf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void trace__sbuf_base64(trace__sbuf *b, const uint8_t *data, size_t n)
{
	size_t m = trace__base64_encoded_len(n);
	if (trace__sbuf_reserve(b, m))
		return;
	trace__base64_encode((char *)b->p + b->len, data, n);
	b->len += m;
	b->p[b->len] = 0;
}

int trace__sbuf_finish(trace__sbuf *b, trace_buf *out)
{
	if (trace__sbuf_reserve(b, 0)) {
		trace__sbuf_free(b);
		return trace__oom();
	}
	b->p[b->len] = 0;
	out->ptr = b->p;
	out->size = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return TRACE_OK;
}

void trace__sbuf_free(trace__sbuf *b)
{
	trace__free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}
