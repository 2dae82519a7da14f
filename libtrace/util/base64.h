/* Internal: RFC 4648 §4 base64, strict (padding required, no whitespace). */
#ifndef TRACE_UTIL_BASE64_H
#define TRACE_UTIL_BASE64_H

#include <stddef.h>
#include <stdint.h>

size_t trace__base64_encoded_len(size_t n);
/* Writes trace__base64_encoded_len(n) characters (no NUL). */
void trace__base64_encode(char *out, const uint8_t *in, size_t n);
/*
 * Decodes exactly @len characters into @out (capacity @cap).  Rejects bad
 * characters, missing or misplaced padding and non-zero trailing bits, so
 * every byte string has one encoding.  Returns the decoded length or -1.
 */
long trace__base64_decode(uint8_t *out, size_t cap, const char *in, size_t len);

#endif
