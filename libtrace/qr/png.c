/*
 * qr/png: our PNG encoder for symbols (the one file that includes zlib.h).
 *
 * 1-bit grayscale, no interlace.  Each module row becomes one pixel row
 * with filter None followed by (module size - 1) rows with filter Up, which
 * are all zero bytes, so deflate's cost is in the one literal row per
 * module row.  Run-length matching (Z_RLE, level 1) was the fastest setting
 * measured on distinct symbols, as a batch has them: about 13 us per
 * 77-character URI at 4 px per module against 19 us for greedy matching
 * with fixed codes, whose hash chains mispredict on every new symbol (a
 * loop over one symbol hides that); the PNG stays near 480 bytes.  A
 * trace_qr_renderer keeps its z_stream and scratch buffers between images,
 * so a batch pays for allocation once and a reset per image.
 * Layer: qr module over zlib (deflate, crc32).
 */
#include <string.h>

#include <zlib.h>

#include "trace/error.h"
#include "trace/qr.h"
#include "qr_internal.h"
#include "error_internal.h"
#include "util/alloc.h"

struct trace_qr_renderer {
	z_stream z;
	int z_ready;
	uint8_t *raw; /* filtered scanlines of the current image */
	size_t raw_cap;
	uint8_t *png; /* the PNG being written, copied out at its exact size */
	size_t png_cap;
};

/* memLevel 6: a label-sized symbol is one deflate block. */
#define PNG_LEVEL 1
#define PNG_MEMLEVEL 6
#define PNG_WINDOW_BITS 15
#define PNG_STRATEGY Z_RLE

int trace_qr_renderer_new(trace_qr_renderer **out)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_renderer_new: out is NULL");
	trace_qr_renderer *r = trace__calloc(1, sizeof *r);
	if (r == NULL)
		return trace__oom();
	if (deflateInit2(&r->z, PNG_LEVEL, Z_DEFLATED, PNG_WINDOW_BITS, PNG_MEMLEVEL, PNG_STRATEGY) != Z_OK) {
		trace__free(r);
		return trace__oom();
	}
	r->z_ready = 1;
	*out = r;
	return TRACE_OK;
}

void trace_qr_renderer_free(trace_qr_renderer *r)
{
	if (r == NULL)
		return;
	if (r->z_ready)
		deflateEnd(&r->z);
	trace__free(r->raw);
	trace__free(r->png);
	trace__free(r);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Writes length, type, (data already in place) and CRC of a chunk at @p; returns its total size. */
static size_t chunk(uint8_t *p, const char type[4], size_t len)
{
	put32(p, (uint32_t)len);
	memcpy(p + 4, type, 4);
	put32(p + 8 + len, (uint32_t)crc32(crc32(0L, Z_NULL, 0), p + 4, (uInt)(len + 4)));
	return len + 12;
}

/* Appends @count modules of @m (at most 32) pixels each to the bit accumulator. */
static uint8_t *push(uint8_t *o, uint64_t *acc, int *bits, const uint8_t *dark, int count, int m)
{
	const uint64_t white = ((uint64_t)1 << m) - 1;
	for (int i = 0; i < count; i++) {
		*acc = *acc << m | (dark[i] ? 0 : white);
		*bits += m;
		while (*bits >= 8) {
			*bits -= 8;
			*o++ = (uint8_t)(*acc >> *bits);
		}
	}
	return o;
}

/* One pixel row for module row @y (quiet rows included); 1 = white in grayscale. */
static void scanline(uint8_t *row, size_t row_bytes, const trace_qr *qr, int y, int m)
{
	memset(row, 0xff, row_bytes);
	if (y < 0 || y >= qr->width)
		return;
	const uint8_t *mod = qr->mod + (size_t)y * (size_t)qr->width;
	size_t px = (size_t)qr->quiet * (size_t)m;
	if (m % 8 == 0) {
		/* Whole bytes per module: the quiet zone is whole bytes too. */
		for (int x = 0; x < qr->width; x++, px += (size_t)m)
			if (mod[x])
				memset(row + px / 8, 0, (size_t)m / 8);
		return;
	}
	if ((m == 2 || m == 4) && px % 8 == 0) {
		/* 8/m whole modules per byte, built without branches (labels use 2-4 px). */
		uint8_t *o = row + px / 8;
		const int per = 8 / m, w = qr->width;
		for (int x = 0; x < w; x += per) {
			unsigned dark = 0;
			for (int k = 0; k < per; k++) {
				unsigned d = x + k < w ? (mod[x + k] != 0) : 0;
				dark |= (0u - d) & (((1u << m) - 1) << (8 - m * (k + 1)));
			}
			*o++ = (uint8_t)~dark;
		}
		return;
	}
	if (m <= 32) {
		uint64_t acc = 0;
		int bits = (int)(px % 8);
		acc = 0xff >> (8 - bits); /* the quiet zone's last partial byte */
		uint8_t *o = push(row + px / 8, &acc, &bits, mod, qr->width, m);
		if (bits)
			*o = (uint8_t)(acc << (8 - bits) | (0xffu >> bits));
		return;
	}
	for (int x = 0; x < qr->width; x++, px += (size_t)m) {
		if (!mod[x])
			continue;
		for (size_t a = px, b = px + (size_t)m; a < b;) {
			size_t bit = a & 7, n = 8 - bit < b - a ? 8 - bit : b - a;
			row[a >> 3] &= (uint8_t)~((0xffu >> bit) & ~(0xffu >> (bit + n)));
			a += n;
		}
	}
}

int trace_qr_renderer_set_level(trace_qr_renderer *r, int level)
{
	if (r == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_renderer_set_level: renderer is NULL");
	if (level < 0 || level > 9)
		return trace__fail(TRACE_EINVAL, "PNG deflate level %d: expected 0 to 9", level);
	/* After a reset nothing is pending, so zlib switches without flushing a block. */
	if (deflateReset(&r->z) != Z_OK ||
	    deflateParams(&r->z, level, level == PNG_LEVEL ? PNG_STRATEGY : Z_DEFAULT_STRATEGY) != Z_OK)
		return trace__fail(TRACE_EINVAL, "zlib refused deflate level %d", level);
	return TRACE_OK;
}

/* Grows one of the renderer's scratch buffers to at least @need bytes. */
static int reserve(uint8_t **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return TRACE_OK;
	uint8_t *p = trace__realloc(*buf, need);
	if (p == NULL)
		return trace__oom();
	*buf = p;
	*cap = need;
	return TRACE_OK;
}

int trace_qr_renderer_png(trace_buf *out, trace_qr_renderer *r, const trace_qr *qr, int module_px)
{
	if (out == NULL || r == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_renderer_png: out or renderer is NULL");
	int rc = trace__qr_check_module(qr, module_px, "trace_qr_renderer_png");
	if (rc != TRACE_OK)
		return rc;
	size_t side = (size_t)(qr->width + 2 * qr->quiet) * (size_t)module_px;
	size_t row_bytes = (side + 7) / 8, stride = row_bytes + 1;
	size_t raw_len = stride * side;
	if ((rc = reserve(&r->raw, &r->raw_cap, raw_len)) != TRACE_OK)
		return rc;
	uint8_t *line = r->raw;
	for (int y = -qr->quiet; y < qr->width + qr->quiet; y++) {
		line[0] = 0; /* filter None */
		scanline(line + 1, row_bytes, qr, y, module_px);
		line += stride;
		/* The repeats of this row differ by nothing from the row above. */
		size_t rep = stride * (size_t)(module_px - 1);
		memset(line, 0, rep);
		for (size_t k = 0; k < rep; k += stride)
			line[k] = 2; /* filter Up */
		line += rep;
	}

	if (deflateReset(&r->z) != Z_OK)
		return trace__fail(TRACE_ENOMEM, "zlib: deflateReset failed");
	size_t bound = deflateBound(&r->z, (uLong)raw_len);
	size_t total = 8 + 25 + 12 + bound + 12;
	if ((rc = reserve(&r->png, &r->png_cap, total)) != TRACE_OK)
		return rc;
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	memcpy(r->png, sig, 8);
	uint8_t *p = r->png + 8;
	put32(p + 8, (uint32_t)side);
	put32(p + 12, (uint32_t)side);
	p[16] = 1; /* bit depth */
	p[17] = 0; /* grayscale */
	p[18] = p[19] = p[20] = 0; /* deflate, adaptive filtering, no interlace */
	p += chunk(p, "IHDR", 13);

	r->z.next_in = r->raw;
	r->z.avail_in = (uInt)raw_len;
	r->z.next_out = p + 8;
	r->z.avail_out = (uInt)bound;
	if (deflate(&r->z, Z_FINISH) != Z_STREAM_END)
		return trace__fail(TRACE_ENOMEM, "zlib: deflate did not finish the image");
	p += chunk(p, "IDAT", r->z.total_out);
	p += chunk(p, "IEND", 0);

	/* The caller's copy is allocated at its final size, once. */
	size_t size = (size_t)(p - r->png);
	uint8_t *png = trace__malloc(size);
	if (png == NULL)
		return trace__oom();
	memcpy(png, r->png, size);
	out->ptr = png;
	out->size = size;
	return TRACE_OK;
}

int trace_qr_render_png(trace_buf *out, const trace_qr *qr, int module_px)
{
	trace_qr_renderer *r;
	int rc = trace_qr_renderer_new(&r);
	if (rc != TRACE_OK)
		return rc;
	rc = trace_qr_renderer_png(out, r, qr, module_px);
	trace_qr_renderer_free(r);
	return rc;
}
