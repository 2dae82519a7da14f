/*
 * Internal: the keyed permutation behind issued serials.  A 10-round
 * Feistel network over 65-bit values (halves of 33 and 32 bits, swapping
 * widths each round), each round function one AES-128 block under the
 * issuer's secret key.  Counters (< 2^64) go in; 13 base-32 characters
 * come out, distinct for distinct counters and unpredictable without the key.
 */
#ifndef TRACE_CODE_PERM_H
#define TRACE_CODE_PERM_H

#include <stddef.h>
#include <stdint.h>

#define TRACE__PERM_KEY 16
#define TRACE__PERM_CHARS 13
/* Counters per trace__perm_forward() call. */
#define TRACE__PERM_BATCH 256

typedef struct trace__perm trace__perm;

int trace__perm_new(trace__perm **out, const uint8_t key[TRACE__PERM_KEY]);
void trace__perm_free(trace__perm *p);
/* Writes the 13 characters (no NUL) for ctr[i] at out + i * stride, for i < n <= TRACE__PERM_BATCH. */
int trace__perm_forward(trace__perm *p, const uint64_t *ctr, size_t n, char *out, size_t stride);
/* The counter behind 13 serial characters; TRACE_ENOTFOUND if none (beyond 2^64), TRACE_EINVAL if not base-32. */
int trace__perm_inverse(trace__perm *p, const char *chars, uint64_t *ctr);

#endif
