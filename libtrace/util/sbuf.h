/* Internal: a growable byte buffer that remembers allocation failure. */
#ifndef TRACE_UTIL_SBUF_H
#define TRACE_UTIL_SBUF_H

#include <stddef.h>
#include <stdint.h>

#include "trace/common.h"

typedef struct trace__sbuf {
	uint8_t *p;
	size_t len, cap;
	int oom;
} trace__sbuf;

#define TRACE__SBUF_INIT { NULL, 0, 0, 0 }

int trace__sbuf_reserve(trace__sbuf *b, size_t extra);
void trace__sbuf_put(trace__sbuf *b, const void *data, size_t n);
void trace__sbuf_puts(trace__sbuf *b, const char *s);
void trace__sbuf_putc(trace__sbuf *b, char c);
void trace__sbuf_printf(trace__sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
void trace__sbuf_base64(trace__sbuf *b, const uint8_t *data, size_t n);
/* Hands the bytes (NUL-terminated) to @out; returns TRACE_OK or TRACE_ENOMEM. */
int trace__sbuf_finish(trace__sbuf *b, trace_buf *out);
void trace__sbuf_free(trace__sbuf *b);

#endif
