/*
 * libtrace - custom signers (HSM, another process).
 *
 * Stable within a minor release only (see docs/api-stability.md).
 */
#ifndef TRACE_SYS_SIGNER_H
#define TRACE_SYS_SIGNER_H

#include "../common.h"
#include "../note.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Produces a signature over @p msg with the key the signer stands for.
 * @param[out] sig receives the signature (Ed25519: 64 bytes).
 * @param[in] sig_cap capacity of @p sig.
 * @param[out] sig_len bytes written.
 * @return 0 on success, non-zero on failure (reported as TRACE_EUSER).
 * @since 1.0
 */
typedef int (*trace_sign_fn)(uint8_t *sig, size_t sig_cap, size_t *sig_len,
                             const uint8_t *msg, size_t msg_len, void *payload);

/**
 * @brief Creates a signer whose key lives elsewhere.
 * @param[in] vkey the verifier key of the key behind @p sign.
 * @param[in] sign called for each signature.
 * @param[in] free_payload called on @p payload by trace_signer_free(); may be NULL.
 * @return TRACE_OK, TRACE_EINVAL (bad vkey), TRACE_EUNSUPPORTED, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_signer_new_custom(trace_signer **out, const char *vkey,
                                                        trace_sign_fn sign,
                                                        void (*free_payload)(void *),
                                                        void *payload);

#ifdef __cplusplus
}
#endif
#endif
