/*
 * fuzz_qr_payload: the QR / DataMatrix payload builder (including the
 * element-string conversion and our FNC1 QR encoder) and the PNG, SVG and
 * text renderers.  What builds must satisfy each symbology's structure
 * (size, finder patterns) and every renderer's output its format's
 * invariants (PNG chunk CRCs and size, one SVG path, text line count).
 *
 * Input layout: payload bytes, then from the end: symbology (1 byte: even
 * QR, odd DataMatrix), mode (1 byte, 0-3), ECC level (1 byte, 0-3),
 * version (1 byte, 0-40 where most values mean automatic), module size
 * (1 byte, 1-4).
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <trace/trace.h>

#include "fuzz_data.h"

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void check_png(const trace_buf *b, uint32_t side)
{
	FUZZ_CHECK(b->size > 8 + 25 + 12 + 12 && memcmp(b->ptr, "\x89PNG\r\n\x1a\n", 8) == 0);
	size_t off = 8, chunks = 0;
	while (off < b->size) {
		FUZZ_CHECK(off + 12 <= b->size);
		uint32_t len = get32(b->ptr + off);
		FUZZ_CHECK(off + 12 + len <= b->size);
		FUZZ_CHECK(crc32(0, b->ptr + off + 4, len + 4) == get32(b->ptr + off + 8 + len));
		if (chunks++ == 0)
			FUZZ_CHECK(memcmp(b->ptr + off + 4, "IHDR", 4) == 0 && get32(b->ptr + off + 8) == side);
		off += 12 + len;
	}
	FUZZ_CHECK(chunks == 3 && memcmp(b->ptr + b->size - 8, "IEND", 4) == 0);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (; (s = strstr(s, needle)) != NULL; s += strlen(needle))
		n++;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_data d = fuzz_data_init(data, size);
	int datamatrix = fuzz_data_u8(&d) & 1;
	int mode = (int)fuzz_data_range(&d, 0, 3);
	int ecc = (int)fuzz_data_range(&d, 0, 3);
	int version = (int)fuzz_data_u8(&d);
	int module = (int)fuzz_data_range(&d, 1, 4);
	size_t len;
	const uint8_t *payload = fuzz_data_rest(&d, &len);
	char *text = malloc(len + 1);
	if (text == NULL)
		return 0;
	memcpy(text, payload, len);
	text[len] = 0;

	trace_qr_opts *opts;
	if (trace_qr_opts_new(&opts) != TRACE_OK) {
		free(text);
		return 0;
	}
	FUZZ_CHECK(trace_qr_opts_set_mode(opts, mode) == TRACE_OK);
	FUZZ_CHECK(trace_qr_opts_set_ecc(opts, ecc) == TRACE_OK);
	/* Versions past 40 are refused and leave the automatic default. */
	FUZZ_CHECK(trace_qr_opts_set_version(opts, version) == (version <= 40 ? TRACE_OK : TRACE_EINVAL));
	trace_qr *qr = NULL;
	int rc = fuzz_rc(datamatrix ? trace_qr_new_datamatrix(&qr, text, opts) : trace_qr_new(&qr, text, opts));
	FUZZ_CHECK((rc == TRACE_OK) == (qr != NULL));
	if (qr) {
		int w = trace_qr_width(qr), v = trace_qr_version(qr), q = trace_qr_quiet_zone(qr);
		if (datamatrix) {
			FUZZ_CHECK(w >= 10 && w <= 144 && w % 2 == 0 && v == 0);
			/* The solid L finder: left column and bottom row all dark. */
			for (int i = 0; i < w; i++)
				FUZZ_CHECK(trace_qr_module(qr, 0, i) && trace_qr_module(qr, i, w - 1));
		} else {
			FUZZ_CHECK(v >= 1 && v <= 40 && w == 4 * v + 17 && q == 4);
			FUZZ_CHECK(version > 40 || version == 0 || v == version);
			/* Each finder pattern's outer ring is dark. */
			for (int i = 0; i < 7; i++)
				FUZZ_CHECK(trace_qr_module(qr, i, 0) && trace_qr_module(qr, w - 1 - i, 0) &&
				           trace_qr_module(qr, 0, w - 1 - i));
		}
		trace_buf b = TRACE_BUF_INIT;
		if (fuzz_rc(trace_qr_render_png(&b, qr, module)) == TRACE_OK)
			check_png(&b, (uint32_t)((w + 2 * q) * module));
		trace_buf_dispose(&b);
		if (fuzz_rc(trace_qr_render_svg(&b, qr, module)) == TRACE_OK) {
			FUZZ_CHECK(b.size == strlen((const char *)b.ptr));
			FUZZ_CHECK(count((const char *)b.ptr, "<path") == 1);
			FUZZ_CHECK(strcmp((const char *)b.ptr + b.size - 7, "</svg>\n") == 0);
		}
		trace_buf_dispose(&b);
		if (fuzz_rc(trace_qr_render_text(&b, qr, 0)) == TRACE_OK)
			FUZZ_CHECK(count((const char *)b.ptr, "\n") == (size_t)(w + 2 * q + 1) / 2);
		trace_buf_dispose(&b);
	}
	trace_qr_free(qr);
	trace_qr_opts_free(opts);
	free(text);
	return 0;
}
