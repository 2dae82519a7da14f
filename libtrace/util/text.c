/* util/text: UTF-8 validation, strict numbers and key names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "alloc.h"
#include "text.h"
#include "../error_internal.h"

size_t trace__utf8_invalid_at(const uint8_t *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint8_t c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; }
		else return i;
		if (i + n >= len)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return (size_t)-1;
}

int trace__parse_u64(uint64_t *out, const char *s, size_t len)
{
	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

void trace__hex8(char out[9], uint32_t v)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 7; i >= 0; i--) {
		out[i] = hex[v & 15];
		v >>= 4;
	}
	out[8] = 0;
}

int trace__parse_hex8(uint32_t *out, const char *s, size_t len)
{
	if (len != 8)
		return -1;
	uint32_t v = 0;
	for (size_t i = 0; i < 8; i++) {
		char c = s[i];
		uint32_t d;
		if (c >= '0' && c <= '9') d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f') d = (uint32_t)(c - 'a' + 10);
		else return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

int trace__key_name_ok(const char *s, size_t len)
{
	if (len == 0 || trace__utf8_invalid_at((const uint8_t *)s, len) != (size_t)-1)
		return 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c <= 0x20 || c == '+' || c == 0x7f)
			return 0;
		/* Unicode spaces outside ASCII: U+0085, U+00A0, U+1680, U+2000-200A,
		 * U+2028/2029, U+202F, U+205F, U+3000. */
		if (c == 0xc2 && i + 1 < len && ((uint8_t)s[i + 1] == 0x85 || (uint8_t)s[i + 1] == 0xa0))
			return 0;
		if (c == 0xe1 && i + 2 < len && (uint8_t)s[i + 1] == 0x9a && (uint8_t)s[i + 2] == 0x80)
			return 0;
		if (c == 0xe2 && i + 2 < len && (uint8_t)s[i + 1] == 0x80) {
			uint8_t d = (uint8_t)s[i + 2];
			if (d <= 0x8a || d == 0xa8 || d == 0xa9 || d == 0xaf)
				return 0;
		}
		if (c == 0xe2 && i + 2 < len && (uint8_t)s[i + 1] == 0x81 && (uint8_t)s[i + 2] == 0x9f)
			return 0;
		if (c == 0xe3 && i + 2 < len && (uint8_t)s[i + 1] == 0x80 && (uint8_t)s[i + 2] == 0x80)
			return 0;
	}
	return 1;
}

int trace__read_file(uint8_t **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return trace__fail_sys(errno == ENOENT ? TRACE_ENOTFOUND : TRACE_EIO, errno,
		                       "cannot open %s: %s", path, strerror(errno));
	size_t cap = 4096, n = 0;
	uint8_t *buf = trace__malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n + 1 < cap)
			break;
		uint8_t *nb = trace__realloc(buf, cap * 2);
		if (nb == NULL) {
			trace__free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	int err = ferror(f);
	fclose(f);
	if (buf == NULL)
		return trace__oom();
	if (err) {
		trace__free(buf);
		return trace__fail(TRACE_EIO, "cannot read %s", path);
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return TRACE_OK;
}

int trace__hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void trace__hex_encode(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = 0;
}

int trace__hex_decode_lower(uint8_t *out, const char *hex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = (unsigned char)hex[2 * i], lo = (unsigned char)hex[2 * i + 1];
		if (hi >= 'A' && hi <= 'F')
			return -1;
		if (lo >= 'A' && lo <= 'F')
			return -1;
		hi = trace__hex_digit(hi);
		lo = hi < 0 ? -1 : trace__hex_digit(lo);
		if (lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int trace__days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 ? 28 + leap : days[month - 1];
}
