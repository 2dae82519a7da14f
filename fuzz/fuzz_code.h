/*
 * fuzz_code: what every code-parser target checks once a parse succeeds.
 * Each output form must parse back to the same code: the bracketed and GS
 * element strings to the same AIs in the same order, the Digital Link to
 * the same AIs and the same canonical key (and the same URI again), the
 * EPC URN to the same canonical key; a Chinese or native code's canonical
 * string to itself.  Inputs are the raw bytes (a NUL ends the text).
 */
#ifndef FUZZ_CODE_H
#define FUZZ_CODE_H

#include <string.h>

#include <trace/code.h>
#include <trace/error.h>

#include "fuzz_data.h"

/* The flag sets every target tries: strict, and lenient. */
static const unsigned fuzz_code_flags[2] = {
	0, TRACE_CODE_PERMIT_ZERO_SUPPRESSED_GTIN | TRACE_CODE_NO_ASSOCIATIONS
};

static inline char *fuzz_code_text(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1);
	FUZZ_CHECK(t != NULL);
	memcpy(t, data, size);
	t[size] = 0;
	return t;
}

static inline void fuzz_code_same_fields(const trace_code *a, const trace_code *b, int same_order)
{
	size_t n = trace_code_field_count(a);
	FUZZ_CHECK(trace_code_field_count(b) == n);
	for (size_t i = 0; i < n; i++) {
		const char *an, *av, *bn, *bv;
		FUZZ_CHECK(trace_code_field(&an, &av, a, i) == TRACE_OK);
		if (same_order) {
			FUZZ_CHECK(trace_code_field(&bn, &bv, b, i) == TRACE_OK);
			FUZZ_CHECK(strcmp(an, bn) == 0 && strcmp(av, bv) == 0);
		} else {
			bv = trace_code_find(b, an);
			FUZZ_CHECK(bv != NULL && strcmp(av, bv) == 0);
		}
	}
	FUZZ_CHECK(strcmp(trace_code_canonical(a), trace_code_canonical(b)) == 0);
}

/* Parses @text as @form (which must succeed) and compares with @c. */
static inline trace_code *fuzz_code_reparse(const trace_code *c, const char *text, int form, unsigned flags,
                                            int same_order)
{
	trace_code *d = NULL;
	FUZZ_CHECK(fuzz_rc(trace_code_parse(&d, text, form, flags)) == TRACE_OK);
	fuzz_code_same_fields(c, d, same_order);
	return d;
}

static inline void fuzz_code_roundtrip(const trace_code *c, unsigned flags, size_t seed)
{
	const char *canon = trace_code_canonical(c);
	FUZZ_CHECK(canon != NULL && canon[0] != 0);
	trace_buf b = TRACE_BUF_INIT;
	if (trace_code_scheme(c) != TRACE_CODE_GS1) {
		FUZZ_CHECK(trace_code_element_string(&b, c, TRACE_CODE_ES_BRACKETED) == TRACE_EINVAL);
		trace_code *d = NULL;
		FUZZ_CHECK(fuzz_rc(trace_code_parse(&d, canon, TRACE_CODE_FORM_AUTO, flags)) == TRACE_OK);
		FUZZ_CHECK(trace_code_scheme(d) == trace_code_scheme(c));
		FUZZ_CHECK(strcmp(trace_code_canonical(d), canon) == 0);
		trace_code_free(d);
		return;
	}
	FUZZ_CHECK(fuzz_rc(trace_code_element_string(&b, c, TRACE_CODE_ES_BRACKETED)) == TRACE_OK);
	trace_code_free(fuzz_code_reparse(c, (const char *)b.ptr, TRACE_CODE_FORM_BRACKETED, flags, 1));
	trace_buf_dispose(&b);
	FUZZ_CHECK(fuzz_rc(trace_code_element_string(&b, c, TRACE_CODE_ES_GS)) == TRACE_OK);
	trace_code_free(fuzz_code_reparse(c, (const char *)b.ptr, TRACE_CODE_FORM_ELEMENT_STRING, flags, 1));
	trace_buf_dispose(&b);

	if (fuzz_rc(trace_code_digital_link(&b, c, NULL)) == TRACE_OK) {
		trace_code *d = fuzz_code_reparse(c, (const char *)b.ptr, TRACE_CODE_FORM_DIGITAL_LINK, flags, 0);
		trace_buf again = TRACE_BUF_INIT;
		FUZZ_CHECK(trace_code_digital_link(&again, d, NULL) == TRACE_OK);
		FUZZ_CHECK(strcmp((const char *)again.ptr, (const char *)b.ptr) == 0);
		trace_buf_dispose(&again);
		trace_code_free(d);
	}
	trace_buf_dispose(&b);

	/* EPC URNs carry the key and the identity qualifiers only (not 7040 / 8019 / 8020). */
	int gcp = 6 + (int)(seed % 7);
	if (fuzz_rc(trace_code_epc_urn(&b, c, gcp)) == TRACE_OK) {
		trace_code *d = NULL;
		FUZZ_CHECK(fuzz_rc(trace_code_parse(&d, (const char *)b.ptr, TRACE_CODE_FORM_EPC_URN, flags)) == TRACE_OK);
		if (!trace_code_find(c, "7040") && !trace_code_find(c, "8019"))
			FUZZ_CHECK(strcmp(trace_code_canonical(d), canon) == 0);
		trace_buf again = TRACE_BUF_INIT;
		FUZZ_CHECK(trace_code_epc_urn(&again, d, gcp) == TRACE_OK);
		FUZZ_CHECK(strcmp((const char *)again.ptr, (const char *)b.ptr) == 0);
		trace_buf_dispose(&again);
		trace_code_free(d);
	}
	trace_buf_dispose(&b);
}

/* Parses @data as @form under each flag set and checks what succeeds. */
static inline void fuzz_code_one(const uint8_t *data, size_t size, int form)
{
	char *text = fuzz_code_text(data, size);
	for (int k = 0; k < 2; k++) {
		trace_code *c = NULL;
		if (fuzz_rc(trace_code_parse(&c, text, form, fuzz_code_flags[k])) == TRACE_OK) {
			fuzz_code_roundtrip(c, fuzz_code_flags[k], size);
			trace_code_free(c);
		} else {
			FUZZ_CHECK(c == NULL);
		}
	}
	free(text);
}

#endif
