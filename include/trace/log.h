/*
 * libtrace - the append-only Merkle log stored in LMDB.
 *
 * One log per directory, one writer per log, any number of readers in other
 * processes.  Entries are opaque bytes (up to TRACE_LOG_MAX_ENTRY each);
 * the tree is kept as C2SP tlog-tiles so proofs cost a handful of reads.
 * The private key never lives in the log's directory: commands that sign
 * take a trace_signer.
 */
#ifndef TRACE_LOG_H
#define TRACE_LOG_H

#include "common.h"
#include "note.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest entry, in bytes (the tlog-tiles entry-bundle limit). @since 1.0 */
#define TRACE_LOG_MAX_ENTRY 65535

/** @brief What a log's entries are. @since 1.0 */
enum trace_log_kind {
	TRACE_LOG_RAW = 1,    /**< opaque entries; @since 1.0 */
	TRACE_LOG_EVENTS = 2  /**< canonical event encodings (event ledger); @since 1.0 */
};

/** @brief An open log (opaque; one thread at a time). @since 1.0 */
typedef struct trace_log trace_log;

/** @brief Options for creating or opening a log (opaque builder). @since 1.0 */
typedef struct trace_log_opts trace_log_opts;

/** @brief New options with defaults. @return TRACE_OK or TRACE_ENOMEM. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_log_opts_new(trace_log_opts **out);
/** @brief Releases options; NULL is a no-op. @since 1.0 */
TRACE_API void trace_log_opts_free(trace_log_opts *o);
/** Bounds of trace_log_opts_set_busy_timeout(), in ms (0: refuse at once; at most a day). @since 1.0 */
#define TRACE_BUSY_TIMEOUT_MIN 0
#define TRACE_BUSY_TIMEOUT_MAX ((int64_t)24 * 3600 * 1000)
/**
 * @brief How long opening for writing waits for another writer to finish
 *        (default 0: TRACE_EBUSY at once), like SQLite's busy timeout.
 * @return TRACE_OK, or TRACE_EINVAL (NULL options, or @p ms outside
 *         TRACE_BUSY_TIMEOUT_MIN..TRACE_BUSY_TIMEOUT_MAX).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_opts_set_busy_timeout(trace_log_opts *o, int64_t ms);
/** @brief The busy timeout in ms (0 for NULL options). @since 1.0 */
TRACE_API int64_t trace_log_opts_get_busy_timeout(const trace_log_opts *o);
/**
 * @brief Initial LMDB map size in bytes (it grows on demand).
 * @return TRACE_OK or TRACE_EINVAL (below 1 MiB or above 64 TiB).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_opts_set_mapsize(trace_log_opts *o, uint64_t bytes);
/** @brief Kind of a new log (a trace_log_kind); default TRACE_LOG_RAW. @return TRACE_OK, or TRACE_EINVAL (NULL options or an unknown kind). @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_log_opts_set_kind(trace_log_opts *o, int kind);

/**
 * @brief Creates a new, empty log in @p dir (created if missing; it must not
 * hold a log already).
 * @param[in] origin the checkpoint origin line.
 * @param[in] vkey the verifier key that will sign its checkpoints (stored);
 *            a TRACE_KEY_ED25519 key whose name is @p origin.
 * @param[in] opts may be NULL.
 * @return TRACE_OK, TRACE_EEXISTS (a log is already there), TRACE_EINVAL,
 *         TRACE_EIO, TRACE_EBUSY, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_create(trace_log **out, const char *dir,
                                                 const char *origin, const char *vkey,
                                                 const trace_log_opts *opts);

/** @brief Flags of trace_log_open() and trace_ledger_open(). @since 1.0 */
enum trace_open_flags {
	/** Read only, the default: no writer lock; any number of readers, in
	 *  this and other processes, alongside one writer. @since 1.0 */
	TRACE_OPEN_READONLY = 0,
	/** Read and write: takes the log's writer lock. @since 1.0 */
	TRACE_OPEN_WRITE = 1u << 0
};

/**
 * @brief Opens an existing log.
 *
 * Handles on one log in one process share its storage (LMDB allows one
 * environment per path per process), so a notebook or a server may open the
 * same log many times.  With TRACE_OPEN_WRITE the log's writer lock is
 * taken: while another handle, in this or another process, holds it, the
 * call waits up to the options' busy timeout, then fails with TRACE_EBUSY.
 * @param[out] out caller owns it; release with trace_log_close().
 * @param[in] dir the log's directory.
 * @param[in] flags TRACE_OPEN_READONLY or TRACE_OPEN_WRITE.
 * @param[in] opts may be NULL (defaults).
 * @return TRACE_OK; TRACE_ENOTFOUND (no log in @p dir); TRACE_EBUSY (another
 *         writer); TRACE_EINVAL (unknown flags); TRACE_ECORRUPT;
 *         TRACE_EUNSUPPORTED (newer format); TRACE_EIO; TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_open(trace_log **out, const char *dir, unsigned flags,
                                               const trace_log_opts *opts);

/** @brief Closes a log; NULL is a no-op. @since 1.0 */
TRACE_API void trace_log_close(trace_log *log);

/** @brief Origin line; owned by @p log. @since 1.0 */
TRACE_API const char *trace_log_origin(const trace_log *log);
/** @brief Verifier key text; owned by @p log. @since 1.0 */
TRACE_API const char *trace_log_vkey(const trace_log *log);
/** @brief The log's trace_log_kind. @return a trace_log_kind, or 0 for NULL. @since 1.0 */
TRACE_API int trace_log_kind(const trace_log *log);
/** @brief The log's trace_suite. @return a trace_suite, or 0 for NULL. @since 1.0 */
TRACE_API int trace_log_suite(const trace_log *log);

/**
 * @brief Number of committed entries (refreshed from storage).
 * @return TRACE_OK, TRACE_EIO.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_size(uint64_t *out, trace_log *log);

/**
 * @brief Appends @p n entries in one durable transaction.
 *
 * Either every entry is committed and fsynced, or none is and the log is
 * exactly as before.  The map grows when full.
 * @param[out] first_index index of the first new entry; may be NULL.
 * @return TRACE_OK, TRACE_EINVAL (read-only log), TRACE_ELIMIT (an entry above
 *         TRACE_LOG_MAX_ENTRY, naming it), TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_append(uint64_t *first_index, trace_log *log,
                                                 const uint8_t *const *entries,
                                                 const size_t *lens, size_t n);

/**
 * @brief Copy of entry @p index.
 * @return TRACE_OK, TRACE_ERANGE (@p index is not below the log's size), TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_entry(trace_buf *out, trace_log *log, uint64_t index);

/**
 * @brief Leaf hash of entry @p index.
 * @return TRACE_OK, TRACE_ERANGE (@p index is not below the log's size), TRACE_EBUFS, TRACE_EINVAL,
 *         TRACE_ECORRUPT, TRACE_EIO.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_leaf_hash(uint8_t *out, size_t out_len, trace_log *log, uint64_t index);

/**
 * @brief Finds the first index whose leaf hash is @p leaf_hash.
 * @return TRACE_OK, TRACE_ENOTFOUND, TRACE_EIO.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_find(uint64_t *index_out, trace_log *log,
                             const uint8_t *leaf_hash, size_t len);

/** @brief Root hash of the first @p size entries. @return TRACE_OK, TRACE_EINVAL, TRACE_EBUFS. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_log_root(uint8_t *out, size_t out_len, trace_log *log, uint64_t size);

/**
 * @brief Inclusion proof of entry @p index in the tree of @p size entries.
 * @param[out] out the hashes, concatenated, leaf sibling first.
 * @return TRACE_OK, TRACE_ERANGE (@p index >= @p size), TRACE_EINVAL (@p size > log size),
 *         TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_inclusion_proof(trace_buf *out, trace_log *log,
                                        uint64_t index, uint64_t size);

/**
 * @brief Consistency proof between sizes @p size1 and @p size2.
 * @return TRACE_OK, TRACE_EINVAL (size1 == 0, size1 > size2, size2 > log size), TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_consistency_proof(trace_buf *out, trace_log *log,
                                          uint64_t size1, uint64_t size2);

/**
 * @brief Signs a checkpoint for the current size, stores it, returns the note.
 *
 * One signature covers every entry.  The signer must match the log's
 * verifier key.  Signing is deterministic.
 * @return TRACE_OK, TRACE_EINVAL (wrong key, read-only log), TRACE_EUSER, TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_checkpoint_sign(trace_buf *out, trace_log *log,
                                                          trace_signer *signer);

/**
 * @brief The stored signed checkpoint for @p size, or the latest when @p size
 * is UINT64_MAX.
 * @return TRACE_OK, TRACE_ENOTFOUND, TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_checkpoint_get(trace_buf *out, trace_log *log, uint64_t size);

/**
 * @brief Writes the log as static C2SP tlog-tiles files under @p dir, for the
 *        latest signed checkpoint (docs/FORMAT.md §3.8).
 *
 * Writes `tile/L/N[.p/W]` (the Merkle tree tiles), `tile/entries/N[.p/W]`
 * (entry bundles) and `checkpoint`, which is replaced last.  Full tiles and
 * bundles already in @p dir are kept, so a repeated export writes only what
 * is new.  Serve the directory over HTTP(S) and any tlog-tiles client can
 * fetch proofs and entries without libtrace.
 * @param[out] size the checkpoint's size; may be NULL.
 * @param[out] files files written; may be NULL.
 * @return TRACE_OK, TRACE_ENOTFOUND (no signed checkpoint yet), TRACE_EIO,
 *         TRACE_ECORRUPT, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_export_tiles(trace_log *log, const char *dir, uint64_t *size,
                                     uint64_t *files);

/**
 * @brief Stores witness cosignatures for a checkpoint the log signed.
 *
 * @p note must be a stored checkpoint's text with its log signature (which is
 * verified) plus any further signature lines; they are merged into the stored note.
 * @return TRACE_OK, TRACE_ENOTFOUND (no such checkpoint), TRACE_EBADSIG, TRACE_EINVAL, TRACE_EIO.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_checkpoint_add_cosignatures(trace_log *log,
                                                                      const char *note,
                                                                      size_t len);

/**
 * @brief Stores the cosignatures of trusted witnesses for a checkpoint the log signed.
 *
 * As trace_log_checkpoint_add_cosignatures(), but only signature lines from
 * @p witnesses (tlog-cosignature or Ed25519 verifier keys, not the log's
 * own) are stored, and every one of their lines is verified first: a line
 * that fails rejects the whole note, and at least one witness must have
 * signed.  Lines from other keys are left out.
 * @return TRACE_OK, TRACE_ENOTFOUND (no such checkpoint), TRACE_EBADSIG (names
 *         the failing key, or says no witness signed), TRACE_EINVAL,
 *         TRACE_ELIMIT (more than TRACE_NOTE_MAX_SIGNATURES once merged),
 *         TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_checkpoint_add_witnessed(trace_log *log, const char *note,
                                                                   size_t len,
                                                                   const trace_verifier *const *witnesses,
                                                                   size_t nwitnesses);

/**
 * @brief A C2SP tlog-proof for entry @p index against the stored checkpoint
 * of size @p size (UINT64_MAX: the latest checkpoint).
 * @return TRACE_OK, TRACE_ENOTFOUND (no such checkpoint), TRACE_ERANGE (@p index is not
 *         below the checkpoint's size), TRACE_EINVAL, TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_prove(trace_buf *out, trace_log *log, uint64_t index, uint64_t size);

/**
 * @brief Full audit: recomputes every leaf hash and the tree, checks every
 * stored checkpoint's signature and its consistency with the log.
 * @return TRACE_OK; TRACE_ECHAINBREAK or TRACE_ECORRUPT naming the first bad
 *         index with the expected and actual hash; TRACE_EBADSIG naming the
 *         checkpoint; TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_log_audit(trace_log *log);

#ifdef __cplusplus
}
#endif
#endif
