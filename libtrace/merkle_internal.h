/*
 * Internal: RFC 6962 proofs over any store of complete-subtree hashes.
 * The log reads them from tiles; the public in-memory functions compute them.
 */
#ifndef TRACE_MERKLE_INTERNAL_H
#define TRACE_MERKLE_INTERNAL_H

#include "trace/merkle.h"
#include "util/sbuf.h"

/*
 * Writes the hash of the complete subtree of height @height whose leftmost
 * leaf is @index << @height.  Returns a TRACE_ code.
 */
typedef int (*trace__node_fn)(void *ctx, unsigned height, uint64_t index, uint8_t *out);

typedef struct trace__node_source {
	trace__node_fn node;
	void *ctx;
} trace__node_source;

/* MTH(D[lo:hi]) for lo < hi, lo aligned as in any RFC 6962 subtree. */
int trace__subtree_hash(trace_hasher *h, const trace__node_source *src,
                        uint64_t lo, uint64_t hi, uint8_t *out);
/* Appends the inclusion path for @index in a tree of @size leaves. */
int trace__inclusion_path(trace__sbuf *out, trace_hasher *h, const trace__node_source *src,
                          uint64_t index, uint64_t size);
/* Appends the consistency path from @size1 to @size2 (0 < size1 <= size2). */
int trace__consistency_path(trace__sbuf *out, trace_hasher *h, const trace__node_source *src,
                            uint64_t size1, uint64_t size2);
/* Number of hashes in an inclusion proof for (index, size). */
size_t trace__inclusion_proof_count(uint64_t index, uint64_t size);

#endif
