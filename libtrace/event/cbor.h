/*
 * Internal: a small deterministic CBOR writer and a strict reader (RFC 8949
 * §4.2.1 core deterministic encoding): shortest heads, definite lengths only.
 * Map key order and the meaning of items are the callers' business.
 */
#ifndef TRACE_EVENT_CBOR_H
#define TRACE_EVENT_CBOR_H

#include <stddef.h>
#include <stdint.h>

#include "../util/sbuf.h"

enum {
	TRACE__CB_UINT = 0, TRACE__CB_NINT = 1, TRACE__CB_BYTES = 2, TRACE__CB_TEXT = 3,
	TRACE__CB_ARRAY = 4, TRACE__CB_MAP = 5, TRACE__CB_TAG = 6, TRACE__CB_SIMPLE = 7
};

/* CBOR tag 262: embedded JSON (IANA CBOR tags registry), content a byte string. */
#define TRACE__CB_TAG_JSON 262

void trace__cb_head(trace__sbuf *b, int major, uint64_t v);
void trace__cb_int(trace__sbuf *b, int64_t v);
void trace__cb_text(trace__sbuf *b, const char *s);
void trace__cb_bytes(trace__sbuf *b, const uint8_t *p, size_t n);
/* A finite number by the event number rule (see number.c). */
void trace__cb_number(trace__sbuf *b, double v);

typedef struct trace__cbr {
	const uint8_t *p;
	size_t len, off;
} trace__cbr;

/* A decoded head: major type, argument, and where it started. */
typedef struct trace__cbh {
	int major;
	int ai;          /* additional information (5 bits) */
	uint64_t v;      /* argument; for floats the raw bits */
	size_t at;
} trace__cbh;

/* Reads a head; rejects reserved and indefinite forms and non-shortest arguments. */
int trace__cbr_head(trace__cbr *r, trace__cbh *h);
/* Expects @major; names @what on failure. */
int trace__cbr_expect(trace__cbr *r, trace__cbh *h, int major, const char *what);
int trace__cbr_uint(trace__cbr *r, uint64_t *v, const char *what);
int trace__cbr_int(trace__cbr *r, int64_t *v, const char *what);
/* Text: valid UTF-8 without NUL; *s points into the input (not terminated). */
int trace__cbr_text(trace__cbr *r, const char **s, size_t *n, const char *what);
int trace__cbr_bytes(trace__cbr *r, const uint8_t **s, size_t *n, const char *what);
/* An array or map header whose count is plausible for the bytes left. */
int trace__cbr_count(trace__cbr *r, int major, size_t *n, const char *what);
int trace__cbr_number(trace__cbr *r, double *v, const char *what);
/* Fails with "canonical event at offset N: <what>: <rule>". */
int trace__cbr_fail(const trace__cbr *r, size_t at, const char *what, const char *rule);

#endif
