/*
 * event/cbor: deterministic CBOR writing and strict reading (RFC 8949 §4.2.1).
 * Our own code: the reader must refuse every non-canonical form and name the
 * byte offset and the rule, which general-purpose decoders do not do.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cbor.h"
#include "event_internal.h"
#include "../error_internal.h"

#define TWO53 9007199254740992.0

void trace__cb_head(trace__sbuf *b, int major, uint64_t v)
{
	uint8_t h[9];
	size_t n;
	uint8_t m = (uint8_t)(major << 5);
	if (v < 24) {
		h[0] = m | (uint8_t)v;
		n = 1;
	} else if (v <= 0xff) {
		h[0] = m | 24;
		h[1] = (uint8_t)v;
		n = 2;
	} else if (v <= 0xffff) {
		h[0] = m | 25;
		h[1] = (uint8_t)(v >> 8);
		h[2] = (uint8_t)v;
		n = 3;
	} else if (v <= 0xffffffffu) {
		h[0] = m | 26;
		for (int i = 0; i < 4; i++)
			h[1 + i] = (uint8_t)(v >> (24 - 8 * i));
		n = 5;
	} else {
		h[0] = m | 27;
		for (int i = 0; i < 8; i++)
			h[1 + i] = (uint8_t)(v >> (56 - 8 * i));
		n = 9;
	}
	trace__sbuf_put(b, h, n);
}

void trace__cb_int(trace__sbuf *b, int64_t v)
{
	if (v >= 0)
		trace__cb_head(b, TRACE__CB_UINT, (uint64_t)v);
	else
		trace__cb_head(b, TRACE__CB_NINT, (uint64_t)(-(v + 1)));
}

void trace__cb_text(trace__sbuf *b, const char *s)
{
	size_t n = strlen(s);
	trace__cb_head(b, TRACE__CB_TEXT, n);
	trace__sbuf_put(b, s, n);
}

void trace__cb_bytes(trace__sbuf *b, const uint8_t *p, size_t n)
{
	trace__cb_head(b, TRACE__CB_BYTES, n);
	trace__sbuf_put(b, p, n);
}

static void put_be(trace__sbuf *b, uint8_t first, uint64_t bits, int nbytes)
{
	uint8_t h[9];
	h[0] = first;
	for (int i = 0; i < nbytes; i++)
		h[1 + i] = (uint8_t)(bits >> (8 * (nbytes - 1 - i)));
	trace__sbuf_put(b, h, (size_t)nbytes + 1);
}

void trace__cb_number(trace__sbuf *b, double v)
{
	v = trace__ev_num_normalize(v);
	if (v == floor(v) && fabs(v) <= TWO53) {
		trace__cb_int(b, (int64_t)v);
		return;
	}
	uint16_t h;
	if (trace__ev_f16_exact(v, &h)) {
		put_be(b, 0xf9, h, 2);
		return;
	}
	float f = fabs(v) <= FLT_MAX ? (float)v : 0.0f;
	if ((double)f == v) {
		uint32_t bits;
		memcpy(&bits, &f, 4);
		put_be(b, 0xfa, bits, 4);
		return;
	}
	uint64_t bits;
	memcpy(&bits, &v, 8);
	put_be(b, 0xfb, bits, 8);
}

int trace__cbr_fail(const trace__cbr *r, size_t at, const char *what, const char *rule)
{
	(void)r;
	return trace__fail(TRACE_EINVAL, "canonical event at offset %zu: %s: %s", at, what, rule);
}

int trace__cbr_head(trace__cbr *r, trace__cbh *h)
{
	h->at = r->off;
	if (r->off >= r->len)
		return trace__cbr_fail(r, r->off, "item", "truncated (input ends)");
	uint8_t ib = r->p[r->off++];
	h->major = ib >> 5;
	h->ai = ib & 0x1f;
	if (h->ai < 24) {
		h->v = (uint64_t)h->ai;
		return TRACE_OK;
	}
	if (h->ai == 31)
		return trace__cbr_fail(r, h->at, "item", "indefinite length or break is not allowed");
	if (h->ai > 27)
		return trace__cbr_fail(r, h->at, "item", "reserved additional information 28-30");
	size_t n = (size_t)1 << (h->ai - 24);
	if (r->len - r->off < n)
		return trace__cbr_fail(r, h->at, "item", "truncated head");
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | r->p[r->off++];
	h->v = v;
	if (h->major == TRACE__CB_SIMPLE)
		return TRACE_OK; /* floats and simple values: checked by the caller */
	static const uint64_t min[4] = { 24, 0x100, 0x10000, 0x100000000ull };
	if (v < min[h->ai - 24])
		return trace__cbr_fail(r, h->at, "item", "integer or length not in its shortest form");
	return TRACE_OK;
}

static const char *major_name(int m)
{
	static const char *const names[8] = {
		"an unsigned integer", "a negative integer", "a byte string", "a text string",
		"an array", "a map", "a tag", "a float or simple value"
	};
	return names[m & 7];
}

int trace__cbr_expect(trace__cbr *r, trace__cbh *h, int major, const char *what)
{
	int rc = trace__cbr_head(r, h);
	if (rc)
		return rc;
	if (h->major != major) {
		char rule[96];
		snprintf(rule, sizeof rule, "expected %s, found %s", major_name(major), major_name(h->major));
		return trace__cbr_fail(r, h->at, what, rule);
	}
	return TRACE_OK;
}

int trace__cbr_uint(trace__cbr *r, uint64_t *v, const char *what)
{
	trace__cbh h;
	int rc = trace__cbr_expect(r, &h, TRACE__CB_UINT, what);
	if (rc == TRACE_OK)
		*v = h.v;
	return rc;
}

int trace__cbr_int(trace__cbr *r, int64_t *v, const char *what)
{
	trace__cbh h;
	int rc = trace__cbr_head(r, &h);
	if (rc)
		return rc;
	if (h.major != TRACE__CB_UINT && h.major != TRACE__CB_NINT)
		return trace__cbr_fail(r, h.at, what, "expected an integer");
	if (h.v > (uint64_t)INT64_MAX)
		return trace__cbr_fail(r, h.at, what, "integer outside the 64-bit signed range");
	*v = h.major == TRACE__CB_UINT ? (int64_t)h.v : -1 - (int64_t)h.v;
	return TRACE_OK;
}

static int string_body(trace__cbr *r, const trace__cbh *h, const char *what)
{
	if (h->v > r->len - r->off)
		return trace__cbr_fail(r, h->at, what, "string longer than the input left");
	return TRACE_OK;
}

int trace__cbr_text(trace__cbr *r, const char **s, size_t *n, const char *what)
{
	trace__cbh h;
	int rc = trace__cbr_expect(r, &h, TRACE__CB_TEXT, what);
	if (rc || (rc = string_body(r, &h, what)))
		return rc;
	const char *p = (const char *)r->p + r->off;
	if (memchr(p, 0, (size_t)h.v) != NULL)
		return trace__cbr_fail(r, h.at, what, "text contains a NUL character");
	if (!trace__ev_text_ok(p, (size_t)h.v))
		return trace__cbr_fail(r, h.at, what, "text is not valid UTF-8");
	*s = p;
	*n = (size_t)h.v;
	r->off += (size_t)h.v;
	return TRACE_OK;
}

int trace__cbr_bytes(trace__cbr *r, const uint8_t **s, size_t *n, const char *what)
{
	trace__cbh h;
	int rc = trace__cbr_expect(r, &h, TRACE__CB_BYTES, what);
	if (rc || (rc = string_body(r, &h, what)))
		return rc;
	*s = r->p + r->off;
	*n = (size_t)h.v;
	r->off += (size_t)h.v;
	return TRACE_OK;
}

int trace__cbr_count(trace__cbr *r, int major, size_t *n, const char *what)
{
	trace__cbh h;
	int rc = trace__cbr_expect(r, &h, major, what);
	if (rc)
		return rc;
	/* Every element (map: key and value) takes at least one byte. */
	uint64_t left = r->len - r->off;
	if (h.v > left || (major == TRACE__CB_MAP && h.v > left / 2))
		return trace__cbr_fail(r, h.at, what, "more elements than bytes left");
	if (h.v == 0)
		return trace__cbr_fail(r, h.at, what, "empty arrays and maps are omitted, not written");
	*n = (size_t)h.v;
	return TRACE_OK;
}

int trace__cbr_number(trace__cbr *r, double *v, const char *what)
{
	trace__cbh h;
	int rc = trace__cbr_head(r, &h);
	if (rc)
		return rc;
	if (h.major == TRACE__CB_UINT || h.major == TRACE__CB_NINT) {
		if (h.v > (uint64_t)9007199254740992ull ||
		    (h.major == TRACE__CB_NINT && h.v >= (uint64_t)9007199254740992ull))
			return trace__cbr_fail(r, h.at, what, "integer beyond 2^53 must be a float");
		*v = h.major == TRACE__CB_UINT ? (double)h.v : -1.0 - (double)h.v;
		return TRACE_OK;
	}
	if (h.major != TRACE__CB_SIMPLE || h.ai < 25 || h.ai > 27)
		return trace__cbr_fail(r, h.at, what, "expected a number");
	double d;
	if (h.ai == 25) {
		d = trace__ev_f16_value((uint16_t)h.v);
	} else if (h.ai == 26) {
		uint32_t bits = (uint32_t)h.v;
		float f;
		memcpy(&f, &bits, 4);
		d = f;
	} else {
		memcpy(&d, &h.v, 8);
	}
	if (!isfinite(d))
		return trace__cbr_fail(r, h.at, what, "NaN and infinities are not allowed");
	if (d == floor(d) && fabs(d) <= TWO53)
		return trace__cbr_fail(r, h.at, what, "an integral value must be an integer, not a float");
	uint16_t hb;
	if (h.ai > 25 && trace__ev_f16_exact(d, &hb))
		return trace__cbr_fail(r, h.at, what, "float not in its shortest form (fits half precision)");
	if (h.ai > 26 && fabs(d) <= FLT_MAX && (double)(float)d == d)
		return trace__cbr_fail(r, h.at, what, "float not in its shortest form (fits single precision)");
	*v = d;
	return TRACE_OK;
}
