/* Helpers shared by the log tests: a fixed key, deterministic entries. */
#ifndef TRACE_TEST_LOG_UTIL_H
#define TRACE_TEST_LOG_UTIL_H

#include "../test.h"

#define TEST_SKEY "PRIVATE+KEY+example.com/test+f24ff7b2+AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"
#define TEST_VKEY "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
#define TEST_ORIGIN "example.com/test"

/* Entry @i: its length varies so tiles and entries are not uniform. */
static inline size_t test_entry(uint8_t *buf, uint64_t i)
{
	int n = snprintf((char *)buf, 64, "entry %llu ", (unsigned long long)i);
	size_t len = (size_t)n + (size_t)(i % 37);
	memset(buf + n, 'x', i % 37);
	return len;
}

/* Appends entries [from, to) in batches of @batch. */
static inline int test_append(trace_log *log, uint64_t from, uint64_t to, size_t batch)
{
	uint8_t *bufs = malloc(batch * 128);
	const uint8_t **ptrs = malloc(batch * sizeof *ptrs);
	size_t *lens = malloc(batch * sizeof *lens);
	int rc = TRACE_OK;
	for (uint64_t i = from; i < to && rc == TRACE_OK;) {
		size_t n = 0;
		uint64_t first;
		for (; n < batch && i < to; n++, i++) {
			ptrs[n] = bufs + n * 128;
			lens[n] = test_entry(bufs + n * 128, i);
		}
		rc = trace_log_append(&first, log, ptrs, lens, n);
		if (rc == TRACE_OK && first != i - n)
			rc = TRACE_ECORRUPT;
	}
	free(bufs);
	free(ptrs);
	free(lens);
	return rc;
}

#endif
