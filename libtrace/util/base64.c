/* util/base64: canonical standard base64 for notes, keys and proofs. */
#include "base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t trace__base64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void trace__base64_encode(char *out, const uint8_t *in, size_t n)
{
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = alphabet[(v >> 6) & 63];
		*out++ = alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = alphabet[(v >> 6) & 63];
		*out++ = '=';
	}
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

long trace__base64_decode(uint8_t *out, size_t cap, const char *in, size_t len)
{
	if (len % 4 != 0)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		int last = i + 4 == len;
		int v[4], pad = 0;
		for (int j = 0; j < 4; j++) {
			char c = in[i + j];
			if (c == '=' && last && j >= 2) {
				v[j] = 0;
				pad++;
				continue;
			}
			if (pad)
				return -1;	/* data after padding */
			v[j] = value_of(c);
			if (v[j] < 0)
				return -1;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		size_t nbytes = 3 - (size_t)pad;
		if (pad == 2 && (w & 0xffff))
			return -1;	/* non-canonical trailing bits */
		if (pad == 1 && (w & 0xff))
			return -1;
		if (o + nbytes > cap)
			return -1;
		out[o++] = (uint8_t)(w >> 16);
		if (nbytes > 1) out[o++] = (uint8_t)(w >> 8);
		if (nbytes > 2) out[o++] = (uint8_t)w;
	}
	return (long)o;
}
