/*
 * libtrace - error codes and the per-thread error detail.
 */
#ifndef TRACE_ERROR_H
#define TRACE_ERROR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Return codes of every libtrace function that can fail.
 *
 * Values are pinned and never reused.  New codes may be added in later
 * releases: treat any unknown negative value as a failure.
 * @since 1.0
 */
enum trace_error_code {
	TRACE_OK = 0,            /**< success */
	TRACE_ENOMEM = -1,       /**< out of memory */
	TRACE_EINVAL = -2,       /**< invalid argument or malformed input */
	TRACE_EIO = -3,          /**< I/O or storage failure (errno kept as detail) */
	TRACE_ENOTFOUND = -4,    /**< no such entry, key or file */
	TRACE_EEXISTS = -5,      /**< already exists */
	TRACE_ECORRUPT = -6,     /**< stored data fails its own checks */
	TRACE_EBADSIG = -7,      /**< a signature does not verify */
	TRACE_ECHAINBREAK = -8,  /**< a hash, proof or chain does not verify */
	TRACE_EUNSUPPORTED = -9, /**< valid but not supported (algorithm, version) */
	TRACE_EABI = -10,        /**< caller and library disagree on a struct size */
	TRACE_EBUFS = -11,       /**< output buffer too small */
	TRACE_EUSER = -12,       /**< a user callback failed */
	TRACE_EBUSY = -13,       /**< resource held elsewhere (another writer) */
	TRACE_ELIMIT = -14,      /**< a size or count limit was exceeded */
	TRACE_EREFUSED = -15,    /**< refused by a safety policy */
	/**
	 * A query has no more results: the normal end of trace_query_next(),
	 * not a failure of the query (kept apart from TRACE_ENOTFOUND, which
	 * means an unknown code or entry).  @since 1.0
	 */
	TRACE_ITEROVER = -16,
	/** A position (entry, field, list element) beyond the end of what it indexes; @since 1.0 */
	TRACE_ERANGE = -17
};

/**
 * @brief Detail of the last failure on the calling thread.
 *
 * For messages only: callers must branch on return codes.
 * @since 1.0
 */
typedef struct trace_error {
	int code;            /**< the trace_error_code returned; @since 1.0 */
	const char *message; /**< what was wrong, in English, never NULL; @since 1.0 */
	int sys_errno;       /**< errno or library code behind it, or 0; @since 1.0 */
} trace_error;

/**
 * @brief Static English text for an error code.
 * @return never NULL ("unknown error" for unknown codes).
 * @since 1.0
 */
TRACE_API const char *trace_strerror(int code);

/**
 * @brief The detail of the last failing libtrace call on this thread.
 * @return never NULL; valid until the next libtrace call on this thread.
 * @since 1.0
 */
TRACE_API const trace_error *trace_error_last(void);

/**
 * @brief Forgets the last error on this thread.
 * @since 1.0
 */
TRACE_API void trace_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
