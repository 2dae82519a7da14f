/*
 * libtrace - RFC 6962 / RFC 9162 Merkle tree hashing and proofs.
 *
 * Pure functions, no I/O.  Hash sizes come from the hasher's algorithm
 * suite; every hash argument carries its length so a wrong-sized hash is
 * rejected rather than read past.
 */
#ifndef TRACE_MERKLE_H
#define TRACE_MERKLE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Algorithm suites.  A log records its suite when it is created.
 * @since 1.0
 */
enum trace_suite {
	TRACE_SUITE_SHA256_ED25519 = 1 /**< SHA-256 and Ed25519 (C2SP); @since 1.0 */
};

/** Largest hash any suite produces, in bytes. @since 1.0 */
#define TRACE_HASH_MAX_SIZE 64

/** @brief A reusable hashing context for one suite (opaque). @since 1.0 */
typedef struct trace_hasher trace_hasher;

/**
 * @brief Creates a hashing context.
 * @param[out] out receives the hasher; caller owns it, release with trace_hasher_free().
 * @param[in] suite a trace_suite value.
 * @return TRACE_OK, TRACE_EUNSUPPORTED for an unknown suite, TRACE_ENOMEM.
 * @note One thread at a time per hasher.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_hasher_new(trace_hasher **out, int suite);

/** @brief Releases a hasher; NULL is a no-op. @since 1.0 */
TRACE_API void trace_hasher_free(trace_hasher *h);

/** @brief Size in bytes of the hashes @p h produces. @since 1.0 */
TRACE_API size_t trace_hasher_size(const trace_hasher *h);

/**
 * @brief RFC 6962 leaf hash: H(0x00 || entry).
 * @param[out] out receives trace_hasher_size() bytes.
 * @param[in] out_len capacity of @p out.
 * @return TRACE_OK, TRACE_EBUFS if @p out is too small, TRACE_EINVAL.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_merkle_leaf_hash(uint8_t *out, size_t out_len, trace_hasher *h,
                                     const uint8_t *entry, size_t len);

/**
 * @brief RFC 6962 interior node hash: H(0x01 || left || right).
 * @param[in] left,right hashes of trace_hasher_size() bytes each.
 * @return TRACE_OK, TRACE_EBUFS, TRACE_EINVAL.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_merkle_node_hash(uint8_t *out, size_t out_len, trace_hasher *h,
                                     const uint8_t *left, const uint8_t *right);

/**
 * @brief Root of the tree over @p count leaf hashes held in memory.
 * @param[in] leaf_hashes @p count hashes, concatenated.
 * @return TRACE_OK, TRACE_EBUFS, TRACE_EINVAL, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_merkle_root(uint8_t *out, size_t out_len, trace_hasher *h,
                                const uint8_t *leaf_hashes, uint64_t count);

/**
 * @brief Inclusion proof (RFC 9162 §2.1.3) for leaf @p index in a tree of
 * @p count leaf hashes held in memory.
 * @param[out] out receives the proof hashes, concatenated, leaf sibling first;
 *                 release with trace_buf_dispose().
 * @return TRACE_OK, TRACE_EINVAL (index out of range), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_merkle_inclusion_proof(trace_buf *out, trace_hasher *h,
                                           const uint8_t *leaf_hashes, uint64_t count,
                                           uint64_t index);

/**
 * @brief Consistency proof (RFC 9162 §2.1.4) from the first @p size1 leaves
 * to all @p count leaves held in memory.
 * @return TRACE_OK, TRACE_EINVAL (size1 is 0 or above count), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_merkle_consistency_proof(trace_buf *out, trace_hasher *h,
                                             const uint8_t *leaf_hashes, uint64_t count,
                                             uint64_t size1);

/**
 * @brief Verifies an inclusion proof (RFC 9162 §2.1.3.2).
 * @param[in] proof the proof hashes concatenated; its length must be exactly
 *                  what (index, size) requires.
 * @return TRACE_OK; TRACE_ECHAINBREAK when the proof does not lead to @p root;
 *         TRACE_EINVAL for index >= size, a wrong proof length or wrong-sized hashes.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_merkle_verify_inclusion(
	trace_hasher *h, uint64_t index, uint64_t size,
	const uint8_t *leaf_hash, size_t leaf_hash_len,
	const uint8_t *proof, size_t proof_len,
	const uint8_t *root, size_t root_len);

/**
 * @brief Verifies a consistency proof (RFC 9162 §2.1.4.2).
 *
 * A proof from size 0 is always rejected (protocols that bootstrap from an
 * empty tree handle that case themselves); equal sizes need an empty proof
 * and equal roots.
 * @return TRACE_OK; TRACE_ECHAINBREAK when the roots are not consistent;
 *         TRACE_EINVAL for size1 == 0, size1 > size2, a wrong proof length or
 *         wrong-sized hashes.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_merkle_verify_consistency(
	trace_hasher *h, uint64_t size1, uint64_t size2,
	const uint8_t *proof, size_t proof_len,
	const uint8_t *root1, size_t root1_len,
	const uint8_t *root2, size_t root2_len);

#ifdef __cplusplus
}
#endif
#endif
