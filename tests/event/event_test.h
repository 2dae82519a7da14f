/* Helpers shared by the event tests: files, hex, encode/compare. */
#ifndef EVENT_TEST_H
#define EVENT_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"

static inline char *ev_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	if (p != NULL && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	if (p != NULL) {
		p[n] = 0;
		if (len)
			*len = (size_t)n;
	}
	return p;
}

static inline char *ev_hex(const uint8_t *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	char *s = malloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = d[p[i] >> 4];
		s[2 * i + 1] = d[p[i] & 15];
	}
	s[2 * n] = 0;
	return s;
}

/* Hex text (whitespace ignored) to bytes; returns the length. */
static inline size_t ev_unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	int hi = -1;
	for (; *hex; hex++) {
		int c = *hex, v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			if (n < cap)
				out[n] = (uint8_t)(hi << 4 | v);
			n++;
			hi = -1;
		}
	}
	return n;
}

/* The canonical bytes of @ev, or an empty buffer (and a failure) if it does not encode. */
static inline trace_buf ev_encode(const trace_event *ev)
{
	trace_buf b = TRACE_BUF_INIT;
	CHECK_OK(trace_event_encode(&b, ev));
	return b;
}

static inline int ev_same(const trace_buf *a, const trace_buf *b)
{
	return a->size == b->size && a->size > 0 && memcmp(a->ptr, b->ptr, a->size) == 0;
}

#endif
