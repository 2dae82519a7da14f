/* Helpers shared by the code module's tests (on top of tests/test.h). */
#ifndef TRACE_TEST_CODE_H
#define TRACE_TEST_CODE_H

#include "../test.h"

/* Parses @text; on failure prints the detail and returns NULL. */
static inline trace_code *parse_ok_at(const char *file, int line, const char *text, int form, unsigned flags)
{
	trace_code *c = NULL;
	int rc = trace_code_parse(&c, text, form, flags);
	if (rc) {
		fprintf(stderr, "%s:%d: parsing \"%s\" failed: %s: %s\n", file, line, text, trace_strerror(rc),
		        trace_error_last()->message);
		test_failures++;
		return NULL;
	}
	return c;
}
#define parse_ok(text, form, flags) parse_ok_at(__FILE__, __LINE__, (text), (form), (flags))

/* Expects @text to be rejected with @want, the message naming each non-NULL needle. */
static inline void reject_at(const char *file, int line, const char *text, int form, unsigned flags, int want,
                             const char *needle1, const char *needle2)
{
	trace_code *c = NULL;
	int rc = trace_code_parse(&c, text, form, flags);
	if (rc != want) {
		fprintf(stderr, "%s:%d: \"%s\" returned %d (%s), expected %d\n", file, line, text, rc,
		        rc ? trace_error_last()->message : "accepted", want);
		test_failures++;
		trace_code_free(c);
		return;
	}
	const char *msg = trace_error_last()->message;
	if ((needle1 && !strstr(msg, needle1)) || (needle2 && !strstr(msg, needle2))) {
		fprintf(stderr, "%s:%d: \"%s\": message \"%s\" does not name \"%s\"%s%s\n", file, line, text, msg,
		        needle1 ? needle1 : "", needle2 ? " and " : "", needle2 ? needle2 : "");
		test_failures++;
	}
}
#define reject(text, form, want, n1, n2) reject_at(__FILE__, __LINE__, (text), (form), 0, (want), (n1), (n2))

/* Compares a trace_buf result with @want. */
#define CHECK_BUF(call, want) do { \
	trace_buf b_ = TRACE_BUF_INIT; \
	int rc_ = (call); \
	if (rc_ != TRACE_OK || strcmp((const char *)b_.ptr, (want)) != 0) { \
		fprintf(stderr, "%s:%d: %s gave \"%s\" (%s), expected \"%s\"\n", __FILE__, __LINE__, #call, \
		        rc_ ? "" : (const char *)b_.ptr, rc_ ? trace_error_last()->message : "ok", (want)); \
		test_failures++; \
	} \
	trace_buf_dispose(&b_); \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ == NULL || strcmp(g_, w_) != 0) { \
		fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #got, \
		        g_ ? g_ : "(null)", w_); \
		test_failures++; \
	} \
} while (0)

#endif
