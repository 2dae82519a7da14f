/*
 * fuzz_merkle: RFC 9162 proof verification with hostile sizes, indexes,
 * hash lengths and proof bytes (proofs arrive from untrusted logs), plus a
 * round trip: proofs generated over a small in-memory tree must verify, and
 * one flipped bit must make them fail.
 * Input (parameters from the end): mode (1 byte), then per mode below;
 * the front of the input supplies hashes and proof bytes.
 */
#include <string.h>

#include <trace/error.h>
#include <trace/merkle.h>

#include "fuzz_data.h"

static trace_hasher *h;

/* Mostly the right 32 bytes; sometimes any length up to TRACE_HASH_MAX_SIZE. */
static size_t hash_len(fuzz_data *d)
{
	uint8_t b = fuzz_data_u8(d);
	return b & 0x80 ? b % (TRACE_HASH_MAX_SIZE + 1) : 32;
}

/* Hostile inputs: verification must reject cleanly, never read out of bounds. */
static void verify_raw(fuzz_data *d, int consistency)
{
	uint64_t a = fuzz_data_u64(d), b = fuzz_data_u64(d);
	size_t l1 = hash_len(d), l2 = hash_len(d), got1, got2, proof_len;
	if (fuzz_data_u8(d) & 1) {	/* small sizes reach the interesting paths */
		a %= 300;
		b %= 300;
	}
	const uint8_t *x = fuzz_data_bytes(d, l1, &got1);
	const uint8_t *y = fuzz_data_bytes(d, l2, &got2);
	const uint8_t *proof = fuzz_data_rest(d, &proof_len);
	if (proof_len == 0)
		proof = NULL;
	int rc = consistency
	       ? trace_merkle_verify_consistency(h, a, b, proof, proof_len, x, got1, y, got2)
	       : trace_merkle_verify_inclusion(h, a, b, x, got1, proof, proof_len, y, got2);
	fuzz_rc(rc);
	if (rc == TRACE_OK)	/* only possible with well-formed shapes */
		FUZZ_CHECK(got1 == 32 && got2 == 32 && proof_len % 32 == 0);
}

static void flip(uint8_t *p, size_t len, fuzz_data *d)
{
	size_t bit = (size_t)fuzz_data_u16(d) % (len * 8);
	p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/* Generated proofs over a tree of n leaves must verify; corrupted ones must not. */
static void round_trip(fuzz_data *d)
{
	static uint8_t leaves[256 * 32];
	uint8_t root[32], root1[32];
	uint64_t n = fuzz_data_range(d, 1, 256);
	uint64_t index = fuzz_data_range(d, 0, n - 1), m = fuzz_data_range(d, 1, n);
	uint8_t salt = fuzz_data_u8(d);
	trace_buf proof = TRACE_BUF_INIT;

	for (uint64_t i = 0; i < n; i++) {
		uint8_t entry[2] = { (uint8_t)i, salt };
		FUZZ_CHECK(trace_merkle_leaf_hash(leaves + i * 32, 32, h, entry, sizeof entry) == TRACE_OK);
	}
	FUZZ_CHECK(trace_merkle_root(root, sizeof root, h, leaves, n) == TRACE_OK);
	FUZZ_CHECK(trace_merkle_root(root1, sizeof root1, h, leaves, m) == TRACE_OK);

	FUZZ_CHECK(trace_merkle_inclusion_proof(&proof, h, leaves, n, index) == TRACE_OK);
	FUZZ_CHECK(trace_merkle_verify_inclusion(h, index, n, leaves + index * 32, 32,
	                                         proof.ptr, proof.size, root, 32) == TRACE_OK);
	if (proof.size) {
		flip(proof.ptr, proof.size, d);
		FUZZ_CHECK(trace_merkle_verify_inclusion(h, index, n, leaves + index * 32, 32,
		                                         proof.ptr, proof.size, root, 32) == TRACE_ECHAINBREAK);
	}
	trace_buf_dispose(&proof);

	FUZZ_CHECK(trace_merkle_consistency_proof(&proof, h, leaves, n, m) == TRACE_OK);
	FUZZ_CHECK(trace_merkle_verify_consistency(h, m, n, proof.ptr, proof.size,
	                                           root1, 32, root, 32) == TRACE_OK);
	if (proof.size) {
		flip(proof.ptr, proof.size, d);
		FUZZ_CHECK(trace_merkle_verify_consistency(h, m, n, proof.ptr, proof.size,
		                                           root1, 32, root, 32) == TRACE_ECHAINBREAK);
	}
	trace_buf_dispose(&proof);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_data d = fuzz_data_init(data, size);

	if (h == NULL)
		FUZZ_CHECK(trace_hasher_new(&h, TRACE_SUITE_SHA256_ED25519) == TRACE_OK);
	switch (fuzz_data_u8(&d) % 3) {
	case 0: verify_raw(&d, 0); break;
	case 1: verify_raw(&d, 1); break;
	default: round_trip(&d); break;
	}
	return 0;
}
