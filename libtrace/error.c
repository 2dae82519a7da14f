/*
 * error: return-code text and the thread-local detail of the last failure.
 * Messages live in a fixed per-thread buffer, so recording one never allocates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "error_internal.h"

#define MESSAGE_MAX 1024

static _Thread_local struct {
	trace_error rec;
	char text[MESSAGE_MAX];
} last;

static const trace_error no_error = { TRACE_OK, "no error", 0 };

const char *trace_strerror(int code)
{
	switch (code) {
	case TRACE_OK: return "success";
	case TRACE_ENOMEM: return "out of memory";
	case TRACE_EINVAL: return "invalid argument or malformed input";
	case TRACE_EIO: return "input/output error";
	case TRACE_ENOTFOUND: return "not found";
	case TRACE_EEXISTS: return "already exists";
	case TRACE_ECORRUPT: return "stored data is corrupt";
	case TRACE_EBADSIG: return "signature verification failed";
	case TRACE_ECHAINBREAK: return "hash or proof verification failed";
	case TRACE_EUNSUPPORTED: return "unsupported";
	case TRACE_EABI: return "ABI mismatch";
	case TRACE_EBUFS: return "buffer too small";
	case TRACE_EUSER: return "user callback failed";
	case TRACE_EBUSY: return "resource busy";
	case TRACE_ELIMIT: return "limit exceeded";
	case TRACE_EREFUSED: return "refused by policy";
	case TRACE_ITEROVER: return "no more results";
	case TRACE_ERANGE: return "index out of range";
	default: return "unknown error";
	}
}

static int record(int code, int sys_errno, const char *fmt, va_list ap)
{
	vsnprintf(last.text, sizeof last.text, fmt, ap);
	last.rec.code = code;
	last.rec.message = last.text;
	last.rec.sys_errno = sys_errno;
	return code;
}

int trace__fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int trace__fail_sys(int code, int sys_errno, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(code, sys_errno, fmt, ap);
	va_end(ap);
	return code;
}

int trace__fail_static(int code, const char *message)
{
	last.rec.code = code;
	last.rec.message = message;
	last.rec.sys_errno = 0;
	return code;
}

int trace__oom(void)
{
	return trace__fail_static(TRACE_ENOMEM, "out of memory");
}

void trace__error_prefix(const char *fmt, ...)
{
	char old[MESSAGE_MAX];
	va_list ap;

	if (last.rec.message == NULL)
		return;
	snprintf(old, sizeof old, "%s", last.rec.message);	/* it may be a static text */
	va_start(ap, fmt);
	int n = vsnprintf(last.text, sizeof last.text, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof last.text - 2) {
		snprintf(last.text, sizeof last.text, "%s", old);	/* the prefix did not fit: keep the message */
		last.rec.message = last.text;
		return;
	}
	size_t used = (size_t)n;
	memcpy(last.text + used, ": ", 2);
	used += 2;
	size_t room = sizeof last.text - used - 1, len = strlen(old);
	memcpy(last.text + used, old, len < room ? len : room);
	last.text[used + (len < room ? len : room)] = 0;
	last.rec.message = last.text;
}

void trace__error_recode(int code)
{
	last.rec.code = code;
}

int trace__error_stored(int rc)
{
	/* Only the bytes' own fault is corruption; lack of memory or I/O is not. */
	if (rc == TRACE_EINVAL || rc == TRACE_ELIMIT)
		trace__error_recode(rc = TRACE_ECORRUPT);
	return rc;
}

const trace_error *trace_error_last(void)
{
	return last.rec.message ? &last.rec : &no_error;
}

void trace_error_clear(void)
{
	last.rec.code = TRACE_OK;
	last.rec.message = NULL;
	last.rec.sys_errno = 0;
}
