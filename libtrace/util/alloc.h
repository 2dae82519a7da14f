/* Internal: libtrace's own allocations go through the replaceable allocator. */
#ifndef TRACE_UTIL_ALLOC_H
#define TRACE_UTIL_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void *trace__malloc(size_t n);
void *trace__calloc(size_t count, size_t n);
void *trace__realloc(void *p, size_t n);
void trace__free(void *p);
char *trace__strdup(const char *s);
char *trace__strndup(const char *s, size_t n);
void *trace__memdup(const void *p, size_t n);
/* Makes room in *@v (capacity *@cap elements of @elem bytes) for element
 * @n, doubling; TRACE_OK or TRACE_ENOMEM (also on overflow). */
int trace__grow(void **v, size_t *cap, size_t n, size_t elem);

#endif
