/*
 * A minimal test harness: CHECK records a failure and goes on, so one run
 * reports every broken assertion; the program exits 1 if any failed.
 */
#ifndef TRACE_TEST_H
#define TRACE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <trace/trace.h>

static int test_failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		test_failures++; \
	} \
} while (0)

/* Expects a libtrace call to return @want; prints the detail otherwise. */
#define CHECK_RC(call, want) do { \
	int rc_ = (call); \
	if (rc_ != (want)) { \
		fprintf(stderr, "%s:%d: %s returned %d (%s: %s), expected %d\n", __FILE__, __LINE__, \
		        #call, rc_, trace_strerror(rc_), trace_error_last()->message, (want)); \
		test_failures++; \
	} \
} while (0)

#define CHECK_OK(call) CHECK_RC(call, TRACE_OK)

/* The last error message mentions @needle (messages must name what was wrong). */
#define CHECK_MSG(needle) do { \
	if (strstr(trace_error_last()->message, (needle)) == NULL) { \
		fprintf(stderr, "%s:%d: error message \"%s\" does not mention \"%s\"\n", __FILE__, __LINE__, \
		        trace_error_last()->message, (needle)); \
		test_failures++; \
	} \
} while (0)

#define TEST_SKIP 77

static inline int test_done(const char *name)
{
	if (test_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", name, test_failures);
		return 1;
	}
	printf("%s: all checks passed\n", name);
	return 0;
}

static inline void test_hex(uint8_t *out, const char *hex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

/* A fresh temporary directory for one test (removed by the caller's rm -rf). */
static inline char *test_tmpdir(const char *tag)
{
	static char path[256];
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(path, sizeof path, "%s/libtrace-%s-XXXXXX", base, tag);
	if (mkdtemp(path) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	return path;
}

static inline void test_rmrf(const char *path)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
}

#endif
