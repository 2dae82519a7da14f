/*
 * libtrace - common definitions shared by every public header.
 *
 * Attribute macros, the library-owned byte buffer and the optional
 * process-wide allocator hook.  Nothing here depends on OpenSSL, LMDB,
 * libqrencode or zlib: those are private to the implementation.
 */
#ifndef TRACE_COMMON_H
#define TRACE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
# define TRACE_API __attribute__((visibility("default")))
# define TRACE_WARN_UNUSED __attribute__((warn_unused_result))
# define TRACE_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
# define TRACE_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
# define TRACE_API
# define TRACE_WARN_UNUSED
# define TRACE_NONNULL(...)
# define TRACE_DEPRECATED(msg)
#endif

/**
 * @brief Bytes or text allocated by libtrace and handed to the caller.
 *
 * Text results are NUL-terminated; @c size does not count the NUL.
 * Release with trace_buf_dispose(), never with free().
 * @since 1.0
 */
typedef struct trace_buf {
	uint8_t *ptr;  /**< the bytes, or NULL when empty; @since 1.0 */
	size_t size;   /**< number of bytes; @since 1.0 */
} trace_buf;

/** An empty trace_buf, for initialisation. @since 1.0 */
#define TRACE_BUF_INIT { NULL, 0 }

/**
 * @brief Wipes and releases the bytes of @p buf and resets it to empty.
 * @param[in,out] buf buffer filled by libtrace; NULL is a no-op.
 * @since 1.0
 */
TRACE_API void trace_buf_dispose(trace_buf *buf);

/**
 * @brief Allocator functions used by libtrace for its own memory.
 *
 * OpenSSL, LMDB, libqrencode and zlib allocate on their own and do not
 * go through this hook.
 * @since 1.0
 */
typedef struct trace_allocator {
	void *(*malloc_fn)(void *ctx, size_t size);             /**< @since 1.0 */
	void *(*realloc_fn)(void *ctx, void *ptr, size_t size); /**< @since 1.0 */
	void (*free_fn)(void *ctx, void *ptr);                  /**< @since 1.0 */
	void *ctx;                                              /**< @since 1.0 */
} trace_allocator;

/**
 * @brief Replaces the allocator libtrace uses for its own memory.
 *
 * Process-wide; call it before the first libtrace object is created.
 * Its main use is injecting allocation failures in tests.
 * @param[in] a the functions to use (copied), or NULL to restore malloc.
 * @return TRACE_OK, TRACE_EINVAL if a function is missing, or
 *         TRACE_EBUSY if libtrace has already allocated memory.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_set_allocator(const trace_allocator *a);

#ifdef __cplusplus
}
#endif
#endif
