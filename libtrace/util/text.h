/* Internal: strict text helpers shared by the parsers. */
#ifndef TRACE_UTIL_TEXT_H
#define TRACE_UTIL_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Returns the offset of the first invalid UTF-8 byte, or (size_t)-1 if valid. */
size_t trace__utf8_invalid_at(const uint8_t *s, size_t len);
/* ASCII decimal without sign or leading zeros (except "0"), fitting in 64 bits. */
int trace__parse_u64(uint64_t *out, const char *s, size_t len);
/* The value of hex digit @c (either case), or -1. */
int trace__hex_digit(int c);
/* Lowercase hex of @n bytes into @out (2n characters and a NUL). */
void trace__hex_encode(char *out, const uint8_t *in, size_t n);
/* Exactly 2n lowercase hex digits into @n bytes; 0, or -1 on any other character. */
int trace__hex_decode_lower(uint8_t *out, const char *hex, size_t n);
/* Days in @month (1-12) of @year, proleptic Gregorian. */
int trace__days_in_month(int year, int month);
/* Fixed-width lowercase hex of a 32-bit value. */
void trace__hex8(char out[9], uint32_t v);
/* Parses exactly 8 lowercase hex digits. */
int trace__parse_hex8(uint32_t *out, const char *s, size_t len);
/* Whether a signed-note key name is valid: non-empty UTF-8, no spaces, no '+'. */
int trace__key_name_ok(const char *s, size_t len);
/* Reads a whole file; returns a TRACE_ code (I/O errors named with the path). */
int trace__read_file(uint8_t **out, size_t *len, const char *path);

#endif
