/*
 * libtrace - C2SP signed notes, keys, checkpoints, cosignatures, policies.
 *
 * Formats: c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature (v1,
 * Ed25519, type 0x04) and tlog-policy.  Keys travel as text: verifier keys
 * "name+hex8+base64(type||public key)" and private keys
 * "PRIVATE+KEY+name+hex8+base64(type||seed)".
 */
#ifndef TRACE_NOTE_H
#define TRACE_NOTE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Signature types of signed-note keys that libtrace signs with.
 * @since 1.0
 */
enum trace_key_type {
	TRACE_KEY_ED25519 = 0x01,            /**< note / checkpoint signatures; @since 1.0 */
	TRACE_KEY_COSIGNATURE_V1 = 0x04      /**< tlog-cosignature v1 (Ed25519); @since 1.0 */
};

/** Most signatures a note may carry before it is rejected. @since 1.0 */
#define TRACE_NOTE_MAX_SIGNATURES 100

/**
 * @brief Generates a new key pair from OpenSSL's CSPRNG.
 * @param[out] skey_out private key text; trace_buf_dispose() wipes and frees it.
 * @param[out] vkey_out verifier key text.
 * @param[in] name key name: non-empty UTF-8, no spaces, no '+'.
 * @param[in] type a trace_key_type.
 * @return TRACE_OK, TRACE_EINVAL (bad name), TRACE_EUNSUPPORTED (type), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_key_generate(trace_buf *skey_out, trace_buf *vkey_out,
                                                   const char *name, int type);

/** @brief A signing key, in this process or behind callbacks (opaque). @since 1.0 */
typedef struct trace_signer trace_signer;

/**
 * @brief Creates a signer from private-key text.
 * @param[out] out caller owns it; release with trace_signer_free(), which wipes the key.
 * @return TRACE_OK, TRACE_EINVAL (malformed key, naming the part), TRACE_EUNSUPPORTED, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_signer_from_skey(trace_signer **out, const char *skey);

/** @brief Releases a signer and wipes its key; NULL is a no-op. @since 1.0 */
TRACE_API void trace_signer_free(trace_signer *s);

/** @brief The key name; owned by @p s. @since 1.0 */
TRACE_API const char *trace_signer_name(const trace_signer *s);

/** @brief The verifier key text of @p s. @return TRACE_OK or TRACE_ENOMEM. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_signer_vkey(trace_buf *out, const trace_signer *s);

/** @brief A parsed verifier key (opaque, immutable, shareable between threads). @since 1.0 */
typedef struct trace_verifier trace_verifier;

/**
 * @brief Parses a verifier key ("name+hex8+base64(type||key)").
 * @return TRACE_OK, TRACE_EINVAL (what part is wrong is in the detail),
 *         TRACE_EUNSUPPORTED (unknown signature type), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_verifier_new(trace_verifier **out, const char *vkey);

/** @brief Releases a verifier; NULL is a no-op. @since 1.0 */
TRACE_API void trace_verifier_free(trace_verifier *v);

/** @brief Key name; owned by @p v. @since 1.0 */
TRACE_API const char *trace_verifier_name(const trace_verifier *v);

/** @brief Key ID (big-endian uint32 of the spec). @since 1.0 */
TRACE_API uint32_t trace_verifier_key_id(const trace_verifier *v);

/** @brief Signature type (a trace_key_type). @return a trace_key_type, or 0 for NULL. @since 1.0 */
TRACE_API int trace_verifier_type(const trace_verifier *v);

/**
 * @brief Signs note text with one or more signers.
 *
 * Cosignature signers (TRACE_KEY_COSIGNATURE_V1) sign with @p timestamp.
 * @param[out] out the signed note: text, blank line, signature lines.
 * @param[in] text note text: valid UTF-8, no control characters but
 *            newline, ending in a newline.
 * @param[in] timestamp POSIX seconds for cosignatures (ignored otherwise).
 * @return TRACE_OK, TRACE_EINVAL (bad text), TRACE_EUSER (a callback signer
 *         failed), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_note_sign(trace_buf *out, const char *text, size_t len,
                                                trace_signer *const *signers, size_t n,
                                                uint64_t timestamp);

/**
 * @brief Adds a tlog-cosignature v1 line to a signed checkpoint.
 * @param[in] note a signed note; its signatures are kept as they are.
 * @param[in] cosigner a TRACE_KEY_COSIGNATURE_V1 signer.
 * @param[in] timestamp POSIX seconds, below 2^63.
 * @return TRACE_OK, TRACE_EINVAL, TRACE_ELIMIT (too many signatures), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_note_cosign(trace_buf *out, const char *note, size_t len,
                                                  trace_signer *cosigner, uint64_t timestamp);

/** @brief A parsed signed note (opaque). @since 1.0 */
typedef struct trace_note trace_note;

/**
 * @brief Parses a signed note strictly, without verifying signatures.
 * @return TRACE_OK, TRACE_EINVAL (names the offending byte or line),
 *         TRACE_ELIMIT (more than TRACE_NOTE_MAX_SIGNATURES), TRACE_ENOMEM.
 * @note The text of a note must be ignored until trace_note_verify() succeeds.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_note_parse(trace_note **out, const char *msg, size_t len);

/** @brief Releases a note; NULL is a no-op. @since 1.0 */
TRACE_API void trace_note_free(trace_note *n);

/**
 * @brief Verifies a note against a set of known keys.
 *
 * Signatures from unknown (name, key ID) pairs are ignored.  A known key
 * whose signature fails rejects the note, and at least one known key must
 * verify.  The note is not changed: the answer for each key comes back in
 * the caller's arrays.
 * @param[out] verified_out if not NULL, @p nkeys bytes: 1 where keys[k]
 *             verified a signature line, else 0 (all 0 on failure).
 * @param[out] timestamps_out if not NULL, @p nkeys values: the time a
 *             cosignature by keys[k] states (0 for other signature types).
 * @param[in] n the parsed note.
 * @param[in] keys the known keys; an entry may be NULL.
 * @return TRACE_OK, TRACE_EBADSIG (names the key, or says no known key
 *         signed), TRACE_EINVAL (NULL note or keys).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_note_verify(uint8_t *verified_out, uint64_t *timestamps_out,
                                                  const trace_note *n,
                                                  const trace_verifier *const *keys, size_t nkeys);

/** @brief The signed text (up to and including its last newline); owned by @p n. @since 1.0 */
TRACE_API const char *trace_note_text(const trace_note *n, size_t *len);

/** @brief Number of signature lines. @since 1.0 */
TRACE_API size_t trace_note_signature_count(const trace_note *n);

/** @brief A parsed checkpoint body (opaque). @since 1.0 */
typedef struct trace_checkpoint trace_checkpoint;

/**
 * @brief Parses checkpoint note text (origin, size, base64 root, extensions).
 * @param[in] text the note text only (see trace_note_text()).
 * @return TRACE_OK, TRACE_EINVAL (names the line), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_checkpoint_parse(trace_checkpoint **out,
                                                       const char *text, size_t len);

/** @brief Releases a checkpoint; NULL is a no-op. @since 1.0 */
TRACE_API void trace_checkpoint_free(trace_checkpoint *c);
/** @brief Origin line; owned by @p c. @since 1.0 */
TRACE_API const char *trace_checkpoint_origin(const trace_checkpoint *c);
/** @brief Tree size. @since 1.0 */
TRACE_API uint64_t trace_checkpoint_size(const trace_checkpoint *c);
/** @brief Root hash; owned by @p c. @since 1.0 */
TRACE_API const uint8_t *trace_checkpoint_root(const trace_checkpoint *c, size_t *len);
/** @brief Number of extension lines. @since 1.0 */
TRACE_API size_t trace_checkpoint_extension_count(const trace_checkpoint *c);
/** @brief Extension line @p i (no newline), or NULL; owned by @p c. @since 1.0 */
TRACE_API const char *trace_checkpoint_extension(const trace_checkpoint *c, size_t i);

/**
 * @brief Formats checkpoint note text for (origin, size, root).
 * @return TRACE_OK, TRACE_EINVAL (empty origin or one with a newline), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_checkpoint_format(trace_buf *out, const char *origin, uint64_t size,
                                      const uint8_t *root, size_t root_len);

/** @brief A parsed tlog-policy (opaque, immutable). @since 1.0 */
typedef struct trace_policy trace_policy;

/**
 * @brief Parses a c2sp.org/tlog-policy text.
 * @return TRACE_OK, TRACE_EINVAL (names the line and the rule), TRACE_ELIMIT, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_policy_parse(trace_policy **out, const char *text,
                                                   size_t len);

/** @brief Releases a policy; NULL is a no-op. @since 1.0 */
TRACE_API void trace_policy_free(trace_policy *p);

/**
 * @brief Verifies a signed checkpoint against a policy: a listed log signed
 * it for its origin, and the witnesses' cosignatures meet the quorum.
 * @param[out] out the verified checkpoint; may be NULL.
 * @return TRACE_OK, TRACE_EBADSIG (no log signature, a bad signature, or quorum
 *         not met, which is named), TRACE_EINVAL, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_policy_verify_checkpoint(trace_checkpoint **out,
                                                               const trace_policy *p,
                                                               const char *note, size_t len);

#ifdef __cplusplus
}
#endif
#endif
