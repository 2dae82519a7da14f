/*
 * util/alloc: the process-wide allocator hook (trace_set_allocator).
 * Tests use it to fail allocations on purpose; everything else uses libc.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "trace/common.h"
#include "trace/error.h"
#include "alloc.h"
#include "../error_internal.h"

static trace_allocator current;
static int custom;
static atomic_int used;

int trace_set_allocator(const trace_allocator *a)
{
	if (atomic_load(&used))
		return trace__fail(TRACE_EBUSY, "trace_set_allocator: libtrace has already allocated memory");
	if (a == NULL) {
		custom = 0;
		return TRACE_OK;
	}
	if (a->malloc_fn == NULL || a->realloc_fn == NULL || a->free_fn == NULL)
		return trace__fail(TRACE_EINVAL, "trace_set_allocator: malloc_fn, realloc_fn and free_fn are all required");
	current = *a;
	custom = 1;
	return TRACE_OK;
}

void *trace__malloc(size_t n)
{
	atomic_store(&used, 1);
	if (n == 0)
		n = 1;
	return custom ? current.malloc_fn(current.ctx, n) : malloc(n);
}

void *trace__calloc(size_t count, size_t n)
{
	if (n != 0 && count > SIZE_MAX / n)
		return NULL;
	void *p = trace__malloc(count * n);
	if (p)
		memset(p, 0, count * n);
	return p;
}

void *trace__realloc(void *p, size_t n)
{
	atomic_store(&used, 1);
	if (n == 0)
		n = 1;
	return custom ? current.realloc_fn(current.ctx, p, n) : realloc(p, n);
}

void trace__free(void *p)
{
	if (p == NULL)
		return;
	if (custom)
		current.free_fn(current.ctx, p);
	else
		free(p);
}

void *trace__memdup(const void *p, size_t n)
{
	void *q = trace__malloc(n + 1);
	if (q) {
		if (n)
			memcpy(q, p, n);
		((char *)q)[n] = '\0';
	}
	return q;
}

char *trace__strndup(const char *s, size_t n)
{
	return trace__memdup(s, n);
}

char *trace__strdup(const char *s)
{
	return trace__memdup(s, strlen(s));
}

void trace_buf_dispose(trace_buf *buf)
{
	if (buf == NULL)
		return;
	/* Buffers may hold private keys: wipe before freeing. */
	if (buf->ptr)
		explicit_bzero(buf->ptr, buf->size);
	trace__free(buf->ptr);
	buf->ptr = NULL;
	buf->size = 0;
}

int trace__grow(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return TRACE_OK;
	size_t ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / elem)
		return trace__oom();
	void *p = trace__realloc(*v, ncap * elem);
	if (p == NULL)
		return trace__oom();
	*v = p;
	*cap = ncap;
	return TRACE_OK;
}
