/*
 * fuzz_data: carves parameters out of a fuzz input, in the manner of zstd's
 * fuzz_data_producer.  Integers come from the end of the input so the front
 * stays a payload the fuzzer can grow freely; running out yields zeros.
 */
#ifndef FUZZ_DATA_H
#define FUZZ_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <trace/error.h>

/* A broken invariant is a finding: abort so both drivers report it. */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, __LINE__, \
		        #cond, trace_error_last()->message); \
		abort(); \
	} \
} while (0)

/* Every return code is TRACE_OK or a known failure, with a readable detail. */
static inline int fuzz_rc(int rc)
{
	FUZZ_CHECK(rc <= 0 && strcmp(trace_strerror(rc), "unknown error") != 0);
	FUZZ_CHECK(rc == 0 || strlen(trace_error_last()->message) > 0);
	return rc;
}

typedef struct fuzz_data {
	const uint8_t *data;
	size_t size;
} fuzz_data;

static inline fuzz_data fuzz_data_init(const uint8_t *data, size_t size)
{
	fuzz_data d = { data, size };
	return d;
}

/* Up to 8 bytes taken off the end; read big-endian in file order, so a
 * seed can end in "... 00 2a" to mean 42. */
static inline uint64_t fuzz_data_bits(fuzz_data *d, unsigned nbytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < nbytes && d->size > 0; i++)
		v |= (uint64_t)d->data[--d->size] << (8 * i);
	return v;
}

static inline uint8_t fuzz_data_u8(fuzz_data *d) { return (uint8_t)fuzz_data_bits(d, 1); }
static inline uint16_t fuzz_data_u16(fuzz_data *d) { return (uint16_t)fuzz_data_bits(d, 2); }
static inline uint32_t fuzz_data_u32(fuzz_data *d) { return (uint32_t)fuzz_data_bits(d, 4); }
static inline uint64_t fuzz_data_u64(fuzz_data *d) { return fuzz_data_bits(d, 8); }

/* A value in [lo, hi], using as few bytes as the range needs. */
static inline uint64_t fuzz_data_range(fuzz_data *d, uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo;
	unsigned n = 0;
	for (uint64_t s = span; s; s >>= 8)
		n++;
	uint64_t v = fuzz_data_bits(d, n);
	return span == UINT64_MAX ? v : lo + v % (span + 1);
}

/* Up to @n bytes from the front; *got says how many were available. */
static inline const uint8_t *fuzz_data_bytes(fuzz_data *d, size_t n, size_t *got)
{
	const uint8_t *p = d->data;
	if (n > d->size)
		n = d->size;
	d->data += n;
	d->size -= n;
	*got = n;
	return p;
}

/* Everything left, from the front. */
static inline const uint8_t *fuzz_data_rest(fuzz_data *d, size_t *got)
{
	return fuzz_data_bytes(d, d->size, got);
}

#endif
