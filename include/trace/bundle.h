/*
 * libtrace - offline proof files: C2SP tlog-proof.
 */
#ifndef TRACE_BUNDLE_H
#define TRACE_BUNDLE_H

#include "common.h"
#include "note.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A parsed tlog-proof (opaque, immutable). @since 1.0 */
typedef struct trace_tlog_proof trace_tlog_proof;

/**
 * @brief Parses a c2sp.org/tlog-proof@v1 file strictly.
 * @return TRACE_OK, TRACE_EINVAL (names the line), TRACE_ELIMIT, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_tlog_proof_parse(trace_tlog_proof **out,
                                                       const char *text, size_t len);

/** @brief Releases a proof; NULL is a no-op. @since 1.0 */
TRACE_API void trace_tlog_proof_free(trace_tlog_proof *p);

/** @brief Entry index. @since 1.0 */
TRACE_API uint64_t trace_tlog_proof_index(const trace_tlog_proof *p);

/** @brief The signed checkpoint, verbatim; owned by @p p. @since 1.0 */
TRACE_API const char *trace_tlog_proof_checkpoint(const trace_tlog_proof *p, size_t *len);

/** @brief The unauthenticated extra data, or NULL; owned by @p p. @since 1.0 */
TRACE_API const uint8_t *trace_tlog_proof_extra(const trace_tlog_proof *p, size_t *len);

/**
 * @brief Writes a tlog-proof.
 * @param[in] path inclusion proof hashes concatenated (each @p hash_len bytes).
 * @param[in] extra may be NULL.
 * @return TRACE_OK, TRACE_EINVAL, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_tlog_proof_format(trace_buf *out, uint64_t index,
                                      const uint8_t *path, size_t path_len, size_t hash_len,
                                      const char *checkpoint, size_t checkpoint_len,
                                      const uint8_t *extra, size_t extra_len);

/**
 * @brief Verifies a proof for @p entry: the policy accepts the checkpoint
 * (log signature and witness quorum) and the inclusion proof binds the
 * entry's RFC 6962 leaf hash to its root.
 * @return TRACE_OK, TRACE_EBADSIG (policy not met), TRACE_ECHAINBREAK (the
 *         entry is not at that index under that root), TRACE_EINVAL, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_tlog_proof_verify(const trace_tlog_proof *p,
                                                        const trace_policy *policy,
                                                        const uint8_t *entry, size_t len);

#ifdef __cplusplus
}
#endif
#endif
