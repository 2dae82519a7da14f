/* Internal: setting the thread-local error detail. */
#ifndef TRACE_ERROR_INTERNAL_H
#define TRACE_ERROR_INTERNAL_H

#include "trace/error.h"

#if defined(__GNUC__)
# define TRACE__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
# define TRACE__PRINTF(a, b)
#endif

/* Records a failure and returns @code, so callers write `return trace__fail(...)`. */
int trace__fail(int code, const char *fmt, ...) TRACE__PRINTF(2, 3);
/* As trace__fail, keeping a system or library error number as detail. */
int trace__fail_sys(int code, int sys_errno, const char *fmt, ...) TRACE__PRINTF(3, 4);
/* Out of memory, with a message that survives the lack of memory. */
int trace__oom(void);
/* As trace__fail() with a fixed text (static storage): no formatting, for
 * outcomes as common as a query's end. */
int trace__fail_static(int code, const char *message);
/* Changes the code of the current detail, keeping its message. */
void trace__error_recode(int code);
/* A failure decoding bytes read back from storage: a format violation
 * (TRACE_EINVAL, TRACE_ELIMIT) becomes TRACE_ECORRUPT; any other code
 * (TRACE_ENOMEM, TRACE_EIO, TRACE_EUNSUPPORTED) is returned unchanged. */
int trace__error_stored(int rc);
/* Prefixes the current detail message with context ("while X: ..."). */
void trace__error_prefix(const char *fmt, ...) TRACE__PRINTF(1, 2);

#endif
