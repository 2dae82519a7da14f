/*
 * merkle: RFC 6962 / RFC 9162 tree hashing, proof generation over a store of
 * complete subtrees, and proof verification.  Pure: no I/O.
 */
#include <string.h>

#include "trace/error.h"
#include "trace/merkle.h"
#include "crypto.h"
#include "error_internal.h"
#include "util/text.h"
#include "merkle_internal.h"
#include "util/alloc.h"

static const uint8_t leaf_prefix = 0x00, node_prefix = 0x01;

static unsigned bit_length(uint64_t x)
{
	return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

/* Largest power of two strictly below n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
	return (uint64_t)1 << (bit_length(n - 1) - 1);
}

int trace_merkle_leaf_hash(uint8_t *out, size_t out_len, trace_hasher *h,
                           const uint8_t *entry, size_t len)
{
	if (h == NULL || out == NULL || (entry == NULL && len))
		return trace__fail(TRACE_EINVAL, "trace_merkle_leaf_hash: NULL argument");
	if (out_len < trace_hasher_size(h))
		return trace__fail(TRACE_EBUFS, "leaf hash needs %zu bytes, got %zu", trace_hasher_size(h), out_len);
	return trace__hash3(h, out, &leaf_prefix, 1, len ? entry : NULL, len, NULL, 0);
}

int trace_merkle_node_hash(uint8_t *out, size_t out_len, trace_hasher *h,
                           const uint8_t *left, const uint8_t *right)
{
	if (h == NULL || out == NULL || left == NULL || right == NULL)
		return trace__fail(TRACE_EINVAL, "trace_merkle_node_hash: NULL argument");
	size_t hs = trace_hasher_size(h);
	if (out_len < hs)
		return trace__fail(TRACE_EBUFS, "node hash needs %zu bytes, got %zu", hs, out_len);
	return trace__hash3(h, out, &node_prefix, 1, left, hs, right, hs);
}

int trace__subtree_hash(trace_hasher *h, const trace__node_source *src,
                        uint64_t lo, uint64_t hi, uint8_t *out)
{
	/* Split [lo, hi) into complete subtrees, largest first, then fold them
	 * from the right: MTH(D[lo:hi]) = H(left, MTH(rest)). */
	uint8_t parts[64][TRACE_HASH_MAX_SIZE];
	size_t hs = trace_hasher_size(h), count = 0;
	int rc;

	while (lo < hi) {
		uint64_t n = hi - lo;
		unsigned height = bit_length(n) - 1;
		rc = src->node(src->ctx, height, lo >> height, parts[count]);
		if (rc)
			return rc;
		count++;
		lo += (uint64_t)1 << height;
	}
	memcpy(out, parts[count - 1], hs);
	for (size_t i = count - 1; i-- > 0;) {
		rc = trace__hash3(h, out, &node_prefix, 1, parts[i], hs, out, hs);
		if (rc)
			return rc;
	}
	return TRACE_OK;
}

int trace__inclusion_path(trace__sbuf *out, trace_hasher *h, const trace__node_source *src,
                          uint64_t index, uint64_t size)
{
	uint8_t path[64][TRACE_HASH_MAX_SIZE];
	size_t hs = trace_hasher_size(h), depth = 0;
	uint64_t lo = 0, hi = size;
	int rc;

	/* Walk down from the root, keeping the sibling at each level. */
	while (hi - lo > 1) {
		uint64_t k = split_point(hi - lo);
		if (index < lo + k) {
			rc = trace__subtree_hash(h, src, lo + k, hi, path[depth]);
			hi = lo + k;
		} else {
			rc = trace__subtree_hash(h, src, lo, lo + k, path[depth]);
			lo = lo + k;
		}
		if (rc)
			return rc;
		depth++;
	}
	trace__sbuf_reserve(out, depth * hs);	/* one allocation; a failure sets out->oom */
	while (depth-- > 0)
		trace__sbuf_put(out, path[depth], hs);
	return out->oom ? trace__oom() : TRACE_OK;
}

int trace__consistency_path(trace__sbuf *out, trace_hasher *h, const trace__node_source *src,
                            uint64_t size1, uint64_t size2)
{
	uint8_t path[65][TRACE_HASH_MAX_SIZE];
	size_t hs = trace_hasher_size(h), depth = 0;
	uint64_t lo = 0, hi = size2, m = size1;
	int whole = 1, rc;

	/* RFC 6962 §2.1.2 SUBPROOF, unrolled: siblings top-down, then the seed. */
	for (;;) {
		uint64_t n = hi - lo;
		if (m == n) {
			if (!whole) {
				rc = trace__subtree_hash(h, src, lo, hi, path[depth]);
				if (rc)
					return rc;
				trace__sbuf_put(out, path[depth], hs);
			}
			break;
		}
		uint64_t k = split_point(n);
		if (m <= k) {
			rc = trace__subtree_hash(h, src, lo + k, hi, path[depth]);
			hi = lo + k;
		} else {
			rc = trace__subtree_hash(h, src, lo, lo + k, path[depth]);
			lo += k;
			m -= k;
			whole = 0;
		}
		if (rc)
			return rc;
		depth++;
	}
	while (depth-- > 0)
		trace__sbuf_put(out, path[depth], hs);
	return out->oom ? trace__oom() : TRACE_OK;
}

size_t trace__inclusion_proof_count(uint64_t index, uint64_t size)
{
	unsigned inner = bit_length(index ^ (size - 1));
	return inner + (size_t)__builtin_popcountll(inner < 64 ? index >> inner : 0);
}

/* In-memory node source: hashes complete subtrees from the leaf hashes. */
typedef struct memory_tree {
	trace_hasher *h;
	const uint8_t *leaves;
} memory_tree;

static int memory_node(void *ctx, unsigned height, uint64_t index, uint8_t *out)
{
	memory_tree *t = ctx;
	size_t hs = trace_hasher_size(t->h);
	if (height == 0) {
		memcpy(out, t->leaves + index * hs, hs);
		return TRACE_OK;
	}
	uint8_t left[TRACE_HASH_MAX_SIZE], right[TRACE_HASH_MAX_SIZE];
	int rc = memory_node(ctx, height - 1, index * 2, left);
	if (rc == TRACE_OK)
		rc = memory_node(ctx, height - 1, index * 2 + 1, right);
	if (rc == TRACE_OK)
		rc = trace__hash3(t->h, out, &node_prefix, 1, left, hs, right, hs);
	return rc;
}

int trace_merkle_root(uint8_t *out, size_t out_len, trace_hasher *h,
                      const uint8_t *leaf_hashes, uint64_t count)
{
	if (h == NULL || out == NULL || (leaf_hashes == NULL && count))
		return trace__fail(TRACE_EINVAL, "trace_merkle_root: NULL argument");
	if (out_len < trace_hasher_size(h))
		return trace__fail(TRACE_EBUFS, "root needs %zu bytes, got %zu", trace_hasher_size(h), out_len);
	if (count == 0)
		return trace__hash3(h, out, NULL, 0, NULL, 0, NULL, 0);
	memory_tree t = { h, leaf_hashes };
	trace__node_source src = { memory_node, &t };
	return trace__subtree_hash(h, &src, 0, count, out);
}

int trace_merkle_inclusion_proof(trace_buf *out, trace_hasher *h, const uint8_t *leaf_hashes,
                                 uint64_t count, uint64_t index)
{
	if (out == NULL || h == NULL || (leaf_hashes == NULL && count))
		return trace__fail(TRACE_EINVAL, "trace_merkle_inclusion_proof: NULL argument");
	if (index >= count)
		return trace__fail(TRACE_EINVAL, "index %llu is not below the tree size %llu",
		                   (unsigned long long)index, (unsigned long long)count);
	memory_tree t = { h, leaf_hashes };
	trace__node_source src = { memory_node, &t };
	trace__sbuf b = TRACE__SBUF_INIT;
	int rc = trace__inclusion_path(&b, h, &src, index, count);
	if (rc) {
		trace__sbuf_free(&b);
		return rc;
	}
	return trace__sbuf_finish(&b, out);
}

int trace_merkle_consistency_proof(trace_buf *out, trace_hasher *h, const uint8_t *leaf_hashes,
                                   uint64_t count, uint64_t size1)
{
	if (out == NULL || h == NULL || (leaf_hashes == NULL && count))
		return trace__fail(TRACE_EINVAL, "trace_merkle_consistency_proof: NULL argument");
	if (size1 == 0 || size1 > count)
		return trace__fail(TRACE_EINVAL, "consistency proof needs 0 < size1 <= size2, got %llu and %llu",
		                   (unsigned long long)size1, (unsigned long long)count);
	memory_tree t = { h, leaf_hashes };
	trace__node_source src = { memory_node, &t };
	trace__sbuf b = TRACE__SBUF_INIT;
	int rc = trace__consistency_path(&b, h, &src, size1, count);
	if (rc) {
		trace__sbuf_free(&b);
		return rc;
	}
	return trace__sbuf_finish(&b, out);
}

/*
 * Verification.  A proof splits into "inner" hashes (below the point where
 * the paths to index and to size-1 diverge) and "border" hashes (left
 * siblings along the right edge).  Lengths are fixed by (index, size).
 */
static int chain(trace_hasher *h, uint8_t *seed, const uint8_t *p, int p_is_left)
{
	size_t hs = trace_hasher_size(h);
	return p_is_left ? trace__hash3(h, seed, &node_prefix, 1, p, hs, seed, hs)
	                 : trace__hash3(h, seed, &node_prefix, 1, seed, hs, p, hs);
}

static int hashes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	return trace__ct_equal(a, b, n);
}



static int mismatch(const char *what, const uint8_t *want, const uint8_t *got, size_t hs)
{
	char w[2 * TRACE_HASH_MAX_SIZE + 1], g[2 * TRACE_HASH_MAX_SIZE + 1];
	trace__hex_encode(w, want, hs);
	trace__hex_encode(g, got, hs);
	return trace__fail(TRACE_ECHAINBREAK, "%s mismatch: expected %s, computed %s", what, w, g);
}

int trace_merkle_verify_inclusion(trace_hasher *h, uint64_t index, uint64_t size,
                                  const uint8_t *leaf_hash, size_t leaf_hash_len,
                                  const uint8_t *proof, size_t proof_len,
                                  const uint8_t *root, size_t root_len)
{
	if (h == NULL || leaf_hash == NULL || root == NULL || (proof == NULL && proof_len))
		return trace__fail(TRACE_EINVAL, "trace_merkle_verify_inclusion: NULL argument");
	size_t hs = trace_hasher_size(h);
	if (index >= size)
		return trace__fail(TRACE_EINVAL, "inclusion proof: index %llu is not below tree size %llu",
		                   (unsigned long long)index, (unsigned long long)size);
	if (leaf_hash_len != hs || root_len != hs)
		return trace__fail(TRACE_EINVAL, "inclusion proof: leaf hash and root must be %zu bytes (got %zu and %zu)",
		                   hs, leaf_hash_len, root_len);
	size_t want = trace__inclusion_proof_count(index, size);
	if (proof_len % hs != 0 || proof_len / hs != want)
		return trace__fail(TRACE_EINVAL, "inclusion proof for index %llu in size %llu needs %zu hashes, got %zu bytes",
		                   (unsigned long long)index, (unsigned long long)size, want, proof_len);
	unsigned inner = bit_length(index ^ (size - 1));
	uint8_t r[TRACE_HASH_MAX_SIZE];
	memcpy(r, leaf_hash, hs);
	for (size_t i = 0; i < want; i++) {
		int left = i < inner ? (int)((index >> i) & 1) : 1;
		int rc = chain(h, r, proof + i * hs, left);
		if (rc)
			return rc;
	}
	if (!hashes_equal(r, root, hs))
		return mismatch("inclusion proof root", root, r, hs);
	return TRACE_OK;
}

int trace_merkle_verify_consistency(trace_hasher *h, uint64_t size1, uint64_t size2,
                                    const uint8_t *proof, size_t proof_len,
                                    const uint8_t *root1, size_t root1_len,
                                    const uint8_t *root2, size_t root2_len)
{
	if (h == NULL || root1 == NULL || root2 == NULL || (proof == NULL && proof_len))
		return trace__fail(TRACE_EINVAL, "trace_merkle_verify_consistency: NULL argument");
	size_t hs = trace_hasher_size(h);
	if (proof_len % hs != 0)
		return trace__fail(TRACE_EINVAL, "consistency proof: %zu bytes is not a whole number of %zu-byte hashes",
		                   proof_len, hs);
	if (size1 == 0)
		return trace__fail(TRACE_EINVAL, "consistency proof from an empty tree is meaningless");
	if (size2 < size1)
		return trace__fail(TRACE_EINVAL, "consistency proof: size2 %llu is below size1 %llu",
		                   (unsigned long long)size2, (unsigned long long)size1);
	size_t count = proof_len / hs;
	/* Roots are checked first, equal sizes included: an empty "root" equal to
	 * another empty one proves nothing. */
	if (root1_len != hs || root2_len != hs)
		return trace__fail(TRACE_EINVAL, "consistency proof: roots must be %zu bytes (got %zu and %zu)",
		                   hs, root1_len, root2_len);
	if (size1 == size2) {
		/* Equal trees are consistent exactly when their roots are equal,
		 * byte for byte (as transparency-dev/merkle compares them). */
		if (count != 0)
			return trace__fail(TRACE_EINVAL, "consistency proof between equal sizes must be empty, got %zu hashes", count);
		if (!hashes_equal(root1, root2, hs))
			return mismatch("consistency (equal sizes) root", root1, root2, hs);
		return TRACE_OK;
	}
	if (count == 0)
		return trace__fail(TRACE_EINVAL, "consistency proof from %llu to %llu is empty",
		                   (unsigned long long)size1, (unsigned long long)size2);

	/* The proof is the inclusion path of leaf size1-1 in size2, minus the
	 * levels below the largest complete subtree that ends at size1; that
	 * subtree's hash comes first unless it is the whole first tree. */
	uint64_t last = size1 - 1;
	unsigned inner = bit_length(last ^ (size2 - 1));
	unsigned shift = (unsigned)__builtin_ctzll(size1);
	size_t border = (size_t)__builtin_popcountll(inner < 64 ? last >> inner : 0);
	inner -= shift;
	const uint8_t *seed = root1;
	size_t start = 0;
	if (size1 != (uint64_t)1 << shift) {
		seed = proof;
		start = 1;
	}
	if (count != start + inner + border)
		return trace__fail(TRACE_EINVAL, "consistency proof from %llu to %llu needs %zu hashes, got %zu",
		                   (unsigned long long)size1, (unsigned long long)size2, start + inner + border, count);
	const uint8_t *p = proof + start * hs;
	uint64_t mask = last >> shift;
	uint8_t r1[TRACE_HASH_MAX_SIZE], r2[TRACE_HASH_MAX_SIZE];
	memcpy(r1, seed, hs);
	memcpy(r2, seed, hs);
	int rc = TRACE_OK;
	for (unsigned i = 0; i < inner && rc == TRACE_OK; i++) {
		if ((mask >> i) & 1) {
			rc = chain(h, r1, p + i * hs, 1);
			if (rc == TRACE_OK)
				rc = chain(h, r2, p + i * hs, 1);
		} else {
			rc = chain(h, r2, p + i * hs, 0);
		}
	}
	for (size_t i = inner; i < inner + border && rc == TRACE_OK; i++) {
		rc = chain(h, r1, p + i * hs, 1);
		if (rc == TRACE_OK)
			rc = chain(h, r2, p + i * hs, 1);
	}
	if (rc)
		return rc;
	if (!hashes_equal(r1, root1, hs))
		return mismatch("consistency proof first root", root1, r1, hs);
	if (!hashes_equal(r2, root2, hs))
		return mismatch("consistency proof second root", root2, r2, hs);
	return TRACE_OK;
}
