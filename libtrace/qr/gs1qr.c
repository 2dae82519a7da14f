/*
 * qr/gs1qr: GS1 QR codes, i.e. QR symbols whose data starts with the
 * FNC1-in-first-position mode indicator (ISO/IEC 18004 7.4.8).
 *
 * libqrencode 4.1.1 (Debian 12) declares QRinput_setFNC1First() but cannot
 * use it: its input check rejects the empty FNC1 entry and its bit-stream
 * writer has no case for that mode, so no public call yields the header.
 * This file is therefore a small, complete QR encoder for our own segment
 * lists (numeric, alphanumeric, byte); matrix.c uses it only when the
 * installed libqrencode fails its FNC1 probe.  tests/qr checks it against
 * libqrencode module for module on plain data, and zbarimg reads its GS1
 * symbols back as GS1.
 * Layer: qr module, no external dependency.
 */
#include <stdlib.h>
#include <string.h>

#include "trace/error.h"
#include "qr_internal.h"
#include "error_internal.h"
#include "util/alloc.h"

#define GS 0x1d

/* ---- GS1 data to segments ---- */

static int is_alnum_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == GS || strchr(" $%*+-./:", c) != NULL;
}

static size_t digit_run(const char *s, size_t i, size_t len)
{
	size_t j = i;
	while (j < len && s[j] >= '0' && s[j] <= '9')
		j++;
	return j - i;
}

/* Digit runs at least this long get a numeric segment of their own. */
#define NUM_RUN 7

int trace__gs1qr_segments(trace__qr_segs *out, const char *data, size_t len)
{
	memset(out, 0, sizeof *out);
	/* At most one segment per character; alphanumeric may double '%'. */
	out->seg = trace__calloc(len + 1, sizeof *out->seg);
	out->store = trace__malloc(2 * len + 1);
	if (out->seg == NULL || out->store == NULL) {
		trace__gs1qr_segments_free(out);
		return trace__oom();
	}
	size_t i = 0, o = 0;
	while (i < len) {
		trace__qr_seg *sg = &out->seg[out->count++];
		sg->data = out->store + o;
		size_t run = digit_run(data, i, len);
		if (run >= NUM_RUN || run == len - i) {
			sg->mode = TRACE__QR_SEG_NUM;
			memcpy(out->store + o, data + i, run);
			sg->len = run;
			o += run;
			i += run;
			continue;
		}
		/* Up to the next long digit run: alphanumeric if every character allows it. */
		size_t end = i;
		int alnum = 1;
		while (end < len) {
			size_t r = digit_run(data, end, len);
			if (r >= NUM_RUN)
				break;
			if (r) {
				end += r;
				continue;
			}
			alnum &= is_alnum_char((unsigned char)data[end]);
			end++;
		}
		sg->mode = alnum ? TRACE__QR_SEG_ALNUM : TRACE__QR_SEG_BYTE;
		for (size_t k = i; k < end; k++) {
			char c = data[k];
			if (alnum && c == GS) {
				out->store[o++] = '%'; /* FNC1 in alphanumeric mode */
			} else if (alnum && c == '%') {
				out->store[o++] = '%'; /* a literal '%' is doubled */
				out->store[o++] = '%';
			} else {
				out->store[o++] = c;   /* byte mode carries GS as itself */
			}
		}
		sg->len = (size_t)(out->store + o - sg->data);
		i = end;
	}
	return TRACE_OK;
}

void trace__gs1qr_segments_free(trace__qr_segs *s)
{
	trace__free(s->seg);
	trace__free(s->store);
	memset(s, 0, sizeof *s);
}

/* ---- symbol capacity (ISO/IEC 18004 table 9) ---- */

static const uint8_t ecc_per_block[4][41] = {
	{ 0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
	  28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30 },
	{ 0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
	  26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28 },
	{ 0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
	  28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30 },
	{ 0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
	  30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30 },
};

static const uint8_t blocks[4][41] = {
	{ 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
	  8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25 },
	{ 0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
	  17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49 },
	{ 0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
	  23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68 },
	{ 0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
	  25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81 },
};

/* Modules left for codewords once the function patterns are placed. */
static int raw_modules(int v)
{
	int n = (16 * v + 128) * v + 64;
	if (v >= 2) {
		int align = v / 7 + 2;
		n -= (25 * align - 10) * align - 55;
		if (v >= 7)
			n -= 36; /* the two version information blocks */
	}
	return n;
}

static int data_codewords(int v, int ecc)
{
	return raw_modules(v) / 8 - ecc_per_block[ecc][v] * blocks[ecc][v];
}

static int count_bits(int mode, int v)
{
	int cls = v <= 9 ? 0 : v <= 26 ? 1 : 2;
	static const int num[3] = { 10, 12, 14 }, an[3] = { 9, 11, 13 }, byte[3] = { 8, 16, 16 };
	return mode == TRACE__QR_SEG_NUM ? num[cls] : mode == TRACE__QR_SEG_ALNUM ? an[cls] : byte[cls];
}

static size_t payload_bits(const trace__qr_seg *s)
{
	switch (s->mode) {
	case TRACE__QR_SEG_NUM: return s->len / 3 * 10 + (s->len % 3 == 1 ? 4 : s->len % 3 == 2 ? 7 : 0);
	case TRACE__QR_SEG_ALNUM: return s->len / 2 * 11 + (s->len % 2) * 6;
	default: return s->len * 8;
	}
}

/* Bits the segments take at version @v, or SIZE_MAX if a count does not fit its field. */
static size_t stream_bits(const trace__qr_seg *segs, size_t count, int fnc1, int v)
{
	size_t bits = fnc1 ? 4 : 0;
	for (size_t i = 0; i < count; i++) {
		int cb = count_bits(segs[i].mode, v);
		if (segs[i].len >= ((size_t)1 << cb))
			return SIZE_MAX;
		bits += 4 + (size_t)cb + payload_bits(&segs[i]);
	}
	return bits;
}

/* ---- bit stream ---- */

typedef struct bits {
	uint8_t *p;
	size_t n; /* bits written */
} bits;

static void put(bits *b, unsigned v, int count)
{
	for (int i = count - 1; i >= 0; i--, b->n++)
		if ((v >> i) & 1)
			b->p[b->n >> 3] |= (uint8_t)(0x80 >> (b->n & 7));
}

static int alnum_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36 + (int)(strchr(" $%*+-./:", c) - " $%*+-./:");
}

static void put_segment(bits *b, const trace__qr_seg *s, int v)
{
	put(b, (unsigned)s->mode, 4);
	put(b, (unsigned)s->len, count_bits(s->mode, v));
	const char *d = s->data;
	size_t i = 0;
	switch (s->mode) {
	case TRACE__QR_SEG_NUM:
		for (; i + 3 <= s->len; i += 3)
			put(b, (unsigned)((d[i] - '0') * 100 + (d[i + 1] - '0') * 10 + (d[i + 2] - '0')), 10);
		if (s->len - i == 2)
			put(b, (unsigned)((d[i] - '0') * 10 + (d[i + 1] - '0')), 7);
		else if (s->len - i == 1)
			put(b, (unsigned)(d[i] - '0'), 4);
		break;
	case TRACE__QR_SEG_ALNUM:
		for (; i + 2 <= s->len; i += 2)
			put(b, (unsigned)(alnum_value(d[i]) * 45 + alnum_value(d[i + 1])), 11);
		if (i < s->len)
			put(b, (unsigned)alnum_value(d[i]), 6);
		break;
	default:
		for (; i < s->len; i++)
			put(b, (unsigned char)d[i], 8);
	}
}

/* ---- Reed-Solomon over GF(256), polynomial 0x11d ---- */

static uint8_t gf_mul(uint8_t a, uint8_t b)
{
	unsigned r = 0;
	for (int i = 7; i >= 0; i--) {
		r = (r << 1) ^ ((r >> 7) * 0x11d);
		r ^= ((b >> i) & 1) * a;
	}
	return (uint8_t)r;
}

/* Coefficients (highest first, leading 1 omitted) of prod (x - 2^i), i < degree. */
static void rs_generator(uint8_t *g, int degree)
{
	memset(g, 0, (size_t)degree);
	g[degree - 1] = 1;
	uint8_t root = 1;
	for (int i = 0; i < degree; i++) {
		for (int j = 0; j < degree; j++) {
			g[j] = gf_mul(g[j], root);
			if (j + 1 < degree)
				g[j] ^= g[j + 1];
		}
		root = gf_mul(root, 2);
	}
}

static void rs_remainder(uint8_t *ecc, const uint8_t *data, int n, const uint8_t *g, int degree)
{
	memset(ecc, 0, (size_t)degree);
	for (int i = 0; i < n; i++) {
		uint8_t f = data[i] ^ ecc[0];
		memmove(ecc, ecc + 1, (size_t)degree - 1);
		ecc[degree - 1] = 0;
		for (int j = 0; j < degree; j++)
			ecc[j] ^= gf_mul(g[j], f);
	}
}

/* ---- matrix ---- */

typedef struct grid {
	int w;
	uint8_t *m;  /* 1 = dark */
	uint8_t *fn; /* 1 = function module (not data) */
} grid;

static void setf(grid *g, int x, int y, int dark)
{
	g->m[y * g->w + x] = (uint8_t)(dark != 0);
	g->fn[y * g->w + x] = 1;
}

static int align_positions(int v, int *pos)
{
	if (v == 1)
		return 0;
	int n = v / 7 + 2;
	int step = v == 32 ? 26 : (v * 4 + n * 2 + 1) / (n * 2 - 2) * 2;
	pos[0] = 6;
	for (int i = n - 1, p = v * 4 + 10; i >= 1; i--, p -= step)
		pos[i] = p;
	return n;
}

static void draw_format(grid *g, int ecc, int mask)
{
	static const int level_bits[4] = { 1, 0, 3, 2 }; /* L M Q H */
	unsigned data = (unsigned)(level_bits[ecc] << 3 | mask), rem = data;
	for (int i = 0; i < 10; i++)
		rem = (rem << 1) ^ ((rem >> 9) * 0x537);
	unsigned f = (data << 10 | rem) ^ 0x5412;
	int w = g->w;
	for (int i = 0; i <= 5; i++)
		setf(g, 8, i, (f >> i) & 1);
	setf(g, 8, 7, (f >> 6) & 1);
	setf(g, 8, 8, (f >> 7) & 1);
	setf(g, 7, 8, (f >> 8) & 1);
	for (int i = 9; i < 15; i++)
		setf(g, 14 - i, 8, (f >> i) & 1);
	for (int i = 0; i < 8; i++)
		setf(g, w - 1 - i, 8, (f >> i) & 1);
	for (int i = 8; i < 15; i++)
		setf(g, 8, w - 15 + i, (f >> i) & 1);
	setf(g, 8, w - 8, 1); /* the dark module */
}

static void draw_function_patterns(grid *g, int v)
{
	int w = g->w;
	for (int i = 0; i < w; i++) {
		setf(g, 6, i, i % 2 == 0);
		setf(g, i, 6, i % 2 == 0);
	}
	int corners[3][2] = { { 3, 3 }, { w - 4, 3 }, { 3, w - 4 } };
	for (int c = 0; c < 3; c++)
		for (int dy = -4; dy <= 4; dy++)
			for (int dx = -4; dx <= 4; dx++) {
				int x = corners[c][0] + dx, y = corners[c][1] + dy;
				if (x < 0 || y < 0 || x >= w || y >= w)
					continue;
				int d = dx < 0 ? -dx : dx, e = dy < 0 ? -dy : dy, r = d > e ? d : e;
				setf(g, x, y, r != 2 && r != 4);
			}
	int pos[7], n = align_positions(v, pos);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			if ((i == 0 && j == 0) || (i == 0 && j == n - 1) || (i == n - 1 && j == 0))
				continue;
			for (int dy = -2; dy <= 2; dy++)
				for (int dx = -2; dx <= 2; dx++) {
					int d = dx < 0 ? -dx : dx, e = dy < 0 ? -dy : dy;
					setf(g, pos[i] + dx, pos[j] + dy, (d > e ? d : e) != 1);
				}
		}
	draw_format(g, 0, 0); /* reserves the format areas; redrawn once the mask is known */
	if (v >= 7) {
		unsigned rem = (unsigned)v;
		for (int i = 0; i < 12; i++)
			rem = (rem << 1) ^ ((rem >> 11) * 0x1f25);
		unsigned bitsv = (unsigned)v << 12 | rem;
		for (int i = 0; i < 18; i++) {
			int bit = (bitsv >> i) & 1, a = w - 11 + i % 3, b = i / 3;
			setf(g, a, b, bit);
			setf(g, b, a, bit);
		}
	}
}

static void draw_codewords(grid *g, const uint8_t *cw, size_t n)
{
	int w = g->w;
	size_t i = 0;
	for (int right = w - 1; right >= 1; right -= 2) {
		if (right == 6)
			right = 5; /* the vertical timing pattern */
		int upward = ((right + 1) & 2) == 0;
		for (int vert = 0; vert < w; vert++)
			for (int j = 0; j < 2; j++) {
				int x = right - j, y = upward ? w - 1 - vert : vert;
				if (!g->fn[y * w + x] && i < n * 8) {
					g->m[y * w + x] = (cw[i >> 3] >> (7 - (i & 7))) & 1;
					i++;
				}
			}
	}
}

static int mask_bit(int mask, int x, int y)
{
	switch (mask) {
	case 0: return (x + y) % 2 == 0;
	case 1: return y % 2 == 0;
	case 2: return x % 3 == 0;
	case 3: return (x + y) % 3 == 0;
	case 4: return (x / 3 + y / 2) % 2 == 0;
	case 5: return x * y % 2 + x * y % 3 == 0;
	case 6: return (x * y % 2 + x * y % 3) % 2 == 0;
	default: return ((x + y) % 2 + x * y % 3) % 2 == 0;
	}
}

static void apply_mask(grid *g, int mask)
{
	for (int y = 0; y < g->w; y++)
		for (int x = 0; x < g->w; x++)
			if (!g->fn[y * g->w + x] && mask_bit(mask, x, y))
				g->m[y * g->w + x] ^= 1;
}

/* The four penalty rules of ISO/IEC 18004 7.8.3, over rows then columns. */
static long penalty(const grid *g)
{
	int w = g->w;
	long p = 0, dark = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int a = 0; a < w; a++) {
			int run = 0, prev = -1;
			unsigned window = 0;
			for (int b = 0; b < w; b++) {
				int c = pass ? g->m[b * w + a] : g->m[a * w + b];
				run = c == prev ? run + 1 : 1;
				prev = c;
				if (run == 5)
					p += 3;
				else if (run > 5)
					p += 1;
				window = ((window << 1) | (unsigned)c) & 0x7ff;
				if (b >= 10 && (window == 0x5d0 || window == 0x05d))
					p += 40; /* 1:1:3:1:1 with four light modules on one side */
			}
		}
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++) {
			int c = g->m[y * w + x];
			dark += c;
			if (x + 1 < w && y + 1 < w && c == g->m[y * w + x + 1] &&
			    c == g->m[(y + 1) * w + x] && c == g->m[(y + 1) * w + x + 1])
				p += 3;
		}
	long total = (long)w * w;
	long k = (labs(dark * 20 - total * 10) + total - 1) / total - 1;
	return p + (k > 0 ? k : 0) * 10;
}

/* Splits the data into blocks, appends each block's ECC and interleaves. */
static int interleave(uint8_t *out, const uint8_t *data, int v, int ecc)
{
	int nb = blocks[ecc][v], el = ecc_per_block[ecc][v];
	int total = raw_modules(v) / 8;
	int nshort = nb - total % nb, short_len = total / nb - el;
	uint8_t gen[30], eccbuf[30 * 81];
	rs_generator(gen, el);
	const uint8_t *blk[81];
	int len[81];
	for (int i = 0, off = 0; i < nb; i++) {
		blk[i] = data + off;
		len[i] = short_len + (i >= nshort);
		rs_remainder(eccbuf + i * el, blk[i], len[i], gen, el);
		off += len[i];
	}
	int o = 0;
	for (int k = 0; k <= short_len; k++)
		for (int i = 0; i < nb; i++)
			if (k < len[i])
				out[o++] = blk[i][k];
	for (int k = 0; k < el; k++)
		for (int i = 0; i < nb; i++)
			out[o++] = eccbuf[i * el + k];
	return o;
}

int trace__qrenc(trace_qr **out, const trace__qr_seg *segs, size_t count, int fnc1,
                 int ecc, int version, int mask)
{
	int v = version ? version : 1;
	size_t need = 0;
	for (; v <= 40; v++) {
		need = stream_bits(segs, count, fnc1, v);
		if (need != SIZE_MAX && need <= (size_t)data_codewords(v, ecc) * 8)
			break;
		if (version)
			return trace__fail(TRACE_ELIMIT, "data needs %zu bits; QR version %d at this level holds %d",
			                   need, version, data_codewords(version, ecc) * 8);
	}
	if (v > 40)
		return trace__fail(TRACE_ELIMIT, "data does not fit in a QR code at this error correction level");

	int dcw = data_codewords(v, ecc), tcw = raw_modules(v) / 8, w = 4 * v + 17;
	uint8_t *buf = trace__calloc((size_t)(dcw + tcw), 1);
	grid g = { w, NULL, trace__calloc((size_t)w, (size_t)w) };
	trace_qr *qr = NULL;
	int rc = buf && g.fn ? trace__qr_alloc(&qr, TRACE_QR_SYMBOL_QR, w, v, 4) : trace__oom();
	if (rc != TRACE_OK)
		goto done;
	g.m = qr->mod;

	bits b = { buf, 0 };
	if (fnc1)
		put(&b, 5, 4); /* FNC1 in first position: mode indicator 0101 */
	for (size_t i = 0; i < count; i++)
		put_segment(&b, &segs[i], v);
	size_t cap = (size_t)dcw * 8;
	b.n += cap - b.n < 4 ? cap - b.n : 4; /* terminator */
	b.n = (b.n + 7) & ~(size_t)7;
	for (int pad = 0xec; b.n < cap; pad ^= 0xec ^ 0x11)
		put(&b, (unsigned)pad, 8);

	uint8_t *cw = buf + dcw;
	interleave(cw, buf, v, ecc);
	draw_function_patterns(&g, v);
	draw_codewords(&g, cw, (size_t)tcw);
	if (mask < 0) {
		long best = -1;
		for (int m = 0; m < 8; m++) {
			apply_mask(&g, m);
			draw_format(&g, ecc, m);
			long p = penalty(&g);
			if (best < 0 || p < best) {
				best = p;
				mask = m;
			}
			apply_mask(&g, m); /* undo */
		}
	}
	apply_mask(&g, mask);
	draw_format(&g, ecc, mask);
	*out = qr;
	qr = NULL;
done:
	trace_qr_free(qr);
	trace__free(g.fn);
	trace__free(buf);
	return rc;
}
