/*
 * code/perm: the keyed permutation of issuance counters (see perm.h).
 * Rounds are computed for a whole batch at once so that one AES call
 * serves up to TRACE__PERM_BATCH codes.
 */
#include <string.h>

#include "trace/error.h"
#include "code_internal.h"
#include "perm.h"
#include "../crypto.h"
#include "../error_internal.h"
#include "../util/alloc.h"

#define ROUNDS 10
#define WIDE 33   /* bits of the left half at rounds 0, 2, 4 ... */
#define NARROW 32

struct trace__perm {
	trace__prf *prf;
};

int trace__perm_new(trace__perm **out, const uint8_t key[TRACE__PERM_KEY])
{
	trace__perm *p = trace__calloc(1, sizeof *p);
	if (p == NULL)
		return trace__oom();
	int rc = trace__prf_new(&p->prf, key);
	if (rc) {
		trace__free(p);
		return rc;
	}
	*out = p;
	return TRACE_OK;
}

void trace__perm_free(trace__perm *p)
{
	if (p == NULL)
		return;
	trace__prf_free(p->prf);
	trace__free(p);
}

/* Straight-line big-endian access: compilers make each one load or store. */
static void be64_put(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)(v >> 56); p[1] = (uint8_t)(v >> 48); p[2] = (uint8_t)(v >> 40); p[3] = (uint8_t)(v >> 32);
	p[4] = (uint8_t)(v >> 24); p[5] = (uint8_t)(v >> 16); p[6] = (uint8_t)(v >> 8); p[7] = (uint8_t)v;
}

static uint64_t be64_get(const uint8_t *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 | (uint64_t)p[3] << 32 |
	       (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 | (uint64_t)p[6] << 8 | p[7];
}

/* Round input: 'T', round, width of the half being masked, zeros, the other half. */
static void put_block(uint8_t *blk, int round, unsigned width, uint64_t half)
{
	be64_put(blk, (uint64_t)'T' << 56 | (uint64_t)(uint8_t)round << 48 | (uint64_t)(uint8_t)width << 40);
	be64_put(blk + 8, half);
}

static uint64_t take(const uint8_t *blk, unsigned width)
{
	return be64_get(blk) & ((UINT64_C(1) << width) - 1);
}

/* 65-bit value a:b (a of 33 bits) as 13 base-32 characters. */
static void encode(char *out, uint64_t a, uint64_t b)
{
	uint64_t hi = a >> 32, lo = a << 32 | b;
	out[0] = trace__b32_alphabet[hi << 4 | lo >> 60];
	for (int k = 1; k < TRACE__PERM_CHARS; k++)
		out[k] = trace__b32_alphabet[(lo >> (60 - 5 * k)) & 31];
}

int trace__perm_forward(trace__perm *p, const uint64_t *ctr, size_t n, char *out, size_t stride)
{
	uint64_t a[TRACE__PERM_BATCH], b[TRACE__PERM_BATCH];
	uint8_t in[TRACE__PERM_BATCH * 16], f[TRACE__PERM_BATCH * 16];
	if (n > TRACE__PERM_BATCH)
		return trace__fail(TRACE_EINVAL, "internal: permutation batch of %zu", n);
	for (size_t i = 0; i < n; i++) {
		a[i] = ctr[i] >> 32;
		b[i] = ctr[i] & 0xffffffffu;
	}
	for (int r = 0; r < ROUNDS; r++) {
		unsigned wa = r % 2 == 0 ? WIDE : NARROW;
		for (size_t i = 0; i < n; i++)
			put_block(in + 16 * i, r, wa, b[i]);
		int rc = trace__prf_blocks(p->prf, f, in, n);
		if (rc)
			return rc;
		for (size_t i = 0; i < n; i++) {
			uint64_t c = a[i] ^ take(f + 16 * i, wa);
			a[i] = b[i];
			b[i] = c;
		}
	}
	for (size_t i = 0; i < n; i++)
		encode(out + i * stride, a[i], b[i]);
	return TRACE_OK;
}

int trace__perm_inverse(trace__perm *p, const char *chars, uint64_t *ctr)
{
	uint64_t hi = 0, lo = 0;
	for (int k = 0; k < TRACE__PERM_CHARS; k++) {
		int v = trace__b32_value((unsigned char)chars[k]);
		if (v < 0)
			return trace__fail(TRACE_EINVAL, "serial character %d ('%c') is not base-32", k,
			                   chars[k] > 0x20 && chars[k] < 0x7f ? chars[k] : '?');
		if (k == 0) {
			hi = (uint64_t)v >> 4;
			lo = (uint64_t)(v & 15);
		} else {
			lo = lo << 5 | (uint64_t)v;
		}
	}
	uint64_t a = hi << 32 | lo >> 32, b = lo & 0xffffffffu;
	uint8_t in[16], f[16];
	for (int r = ROUNDS - 1; r >= 0; r--) {
		unsigned wa = r % 2 == 0 ? WIDE : NARROW;
		/* forward was (a, b) -> (b, a ^ F(b)): here a holds old b. */
		put_block(in, r, wa, a);
		int rc = trace__prf_blocks(p->prf, f, in, 1);
		if (rc)
			return rc;
		uint64_t old_a = b ^ take(f, wa);
		b = a;
		a = old_a;
	}
	if (a >> 32)
		return TRACE_ENOTFOUND; /* outside the counter half of the domain */
	*ctr = a << 32 | b;
	return TRACE_OK;
}
