/*
 * Unit tests of the qr module: options and errors, the GS1 conversion,
 * our FNC1 QR encoder against libqrencode module for module, the PNG
 * encoder's structure and pixels, SVG and text shapes, batches, and the
 * PDF label sheet's cross-reference table.  Decoding by real readers is in
 * test_decode.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <zlib.h>

#include "../test.h"
#include "qr/qr_internal.h"
#include "util/alloc.h"

static const char *DL = "https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ?17=201225";

static void test_options(void)
{
	trace_qr_opts *o;
	CHECK_OK(trace_qr_opts_new(&o));
	CHECK_RC(trace_qr_opts_set_ecc(o, 4), TRACE_EINVAL);
	CHECK_MSG("error correction level 4");
	CHECK_RC(trace_qr_opts_set_version(o, 41), TRACE_EINVAL);
	CHECK_MSG("version 41");
	CHECK_RC(trace_qr_opts_set_mode(o, 9), TRACE_EINVAL);
	CHECK_OK(trace_qr_opts_set_ecc(o, TRACE_QR_ECC_H));
	CHECK_OK(trace_qr_opts_set_version(o, 40));
	trace_qr_opts_free(o);
	trace_qr_opts_free(NULL);
	trace_qr_free(NULL);
	trace_qr_renderer_free(NULL);
	trace_qr_labels_opts_free(NULL);
}

static void test_errors(void)
{
	trace_qr *qr = (trace_qr *)1;
	trace_qr_opts *o;
	CHECK_OK(trace_qr_opts_new(&o));
	CHECK_RC(trace_qr_new(&qr, "", NULL), TRACE_EINVAL);
	CHECK(qr == NULL);
	CHECK_MSG("empty");
	CHECK_RC(trace_qr_new(&qr, NULL, NULL), TRACE_EINVAL);
	CHECK_RC(trace_qr_new(&qr, "ab\xff", NULL), TRACE_EINVAL);
	CHECK_MSG("byte 2");
	CHECK_OK(trace_qr_opts_set_mode(o, TRACE_QR_MODE_ALNUM));
	CHECK_RC(trace_qr_new(&qr, "ABCd", o), TRACE_EINVAL);
	CHECK_MSG("byte 3");
	CHECK_OK(trace_qr_opts_set_mode(o, TRACE_QR_MODE_GS1));
	CHECK_RC(trace_qr_new(&qr, "(01)123", o), TRACE_EINVAL);
	CHECK_MSG("(01)");
	CHECK_RC(trace_qr_new(&qr, "(01)09506000134352(10)", o), TRACE_EINVAL);
	CHECK_MSG("AI (10)");
	CHECK_RC(trace_qr_new(&qr, "(1)2", o), TRACE_EINVAL);
	CHECK_MSG("position 0");
	/* The code module validates what a GS1 symbol carries: a wrong check digit is refused. */
	CHECK_RC(trace_qr_new(&qr, "(01)09506000134353", o), TRACE_EINVAL);
	CHECK_MSG("check digit");
	CHECK_RC(trace_qr_new_datamatrix(&qr, "(01)0950600013435", o), TRACE_EINVAL);
	CHECK_OK(trace_qr_opts_set_mode(o, TRACE_QR_MODE_ALNUM));
	CHECK_RC(trace_qr_new_datamatrix(&qr, "ABC", o), TRACE_EINVAL);
	CHECK_MSG("DataMatrix");
	/* Too long for any version, and for a fixed small version. */
	char *big = malloc(3001);
	memset(big, 'a', 3000);
	big[3000] = 0;
	CHECK_RC(trace_qr_new(&qr, big, NULL), TRACE_ELIMIT);
	CHECK_MSG("3000 bytes");
	CHECK_OK(trace_qr_opts_set_mode(o, TRACE_QR_MODE_AUTO));
	CHECK_OK(trace_qr_opts_set_version(o, 3));
	CHECK_RC(trace_qr_new(&qr, DL, o), TRACE_ELIMIT);
	CHECK_MSG("not 3");
	free(big);
	trace_qr_opts_free(o);
}

static void test_getters(void)
{
	trace_qr *qr;
	CHECK_OK(trace_qr_new(&qr, DL, NULL));
	int w = trace_qr_width(qr), v = trace_qr_version(qr);
	CHECK(w == 4 * v + 17);
	CHECK(trace_qr_symbology(qr) == TRACE_QR_SYMBOL_QR);
	CHECK(trace_qr_quiet_zone(qr) == 4);
	/* Finder pattern corners are dark; outside the symbol is light. */
	CHECK(trace_qr_module(qr, 0, 0) == 1 && trace_qr_module(qr, w - 1, 0) == 1 && trace_qr_module(qr, 0, w - 1) == 1);
	CHECK(trace_qr_module(qr, 7, 7) == 0);
	CHECK(trace_qr_module(qr, -1, 0) == 0 && trace_qr_module(qr, w, 0) == 0);
	trace_qr_free(qr);

	CHECK_OK(trace_qr_new_datamatrix(&qr, "81234560000123456789", NULL));
	w = trace_qr_width(qr);
	CHECK(trace_qr_symbology(qr) == TRACE_QR_SYMBOL_DATAMATRIX && trace_qr_version(qr) == 0);
	CHECK(w >= 10 && w % 2 == 0);
	/* The solid "L": left column and bottom row dark; top row alternates. */
	CHECK(trace_qr_module(qr, 0, w / 2) == 1 && trace_qr_module(qr, w / 2, w - 1) == 1);
	CHECK(trace_qr_module(qr, 0, 0) == 1 && trace_qr_module(qr, 1, 0) == 0);
	trace_qr_free(qr);
}

static void test_gs1_form(void)
{
	char *s;
	size_t n;
	CHECK_OK(trace__gs1_fnc1_form(&s, &n, "(01)09506000134352(17)201225(10)ABC123(21)XYZ"));
	CHECK(strcmp(s, "01095060001343521720122510ABC123\x1d" "21XYZ") == 0 && n == strlen(s));
	trace__free(s);
	CHECK_OK(trace__gs1_fnc1_form(&s, &n, "(01)09506000134352(3103)000500(10)A(11)250101"));
	CHECK(strcmp(s, "0109506000134352310300050010A\x1d" "11250101") == 0);
	trace__free(s);
	/* AI (3103) needs a GTIN (GS1 association rules). */
	CHECK_RC(trace__gs1_fnc1_form(&s, &n, "(3103)000500"), TRACE_EINVAL);
	CHECK_MSG("(01)");
	CHECK_OK(trace__gs1_fnc1_form(&s, &n, "\x1d" "0109506000134352"));
	CHECK(strcmp(s, "0109506000134352") == 0);
	trace__free(s);
	CHECK_RC(trace__gs1_fnc1_form(&s, &n, "(310)000500"), TRACE_EINVAL);
	CHECK_MSG("(310)");
	CHECK_RC(trace__gs1_fnc1_form(&s, &n, "(10)A B"), TRACE_EINVAL);
	CHECK_RC(trace__gs1_fnc1_form(&s, &n, "01\x1d\x1d" "10A"), TRACE_EINVAL);
	CHECK_RC(trace__gs1_fnc1_form(&s, &n, "(01)09506000134352x"), TRACE_EINVAL);
}

/* Our encoder gives libqrencode's symbol exactly, for every version and level. */
static void test_encoder_matches_libqrencode(void)
{
	static const QRecLevel levels[4] = { QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H };
	unsigned char data[64];
	int mismatches = 0;
	for (int v = 1; v <= 40; v++)
		for (int ecc = 0; ecc < 4; ecc++) {
			int len = 1 + v;
			for (int i = 0; i < len; i++)
				data[i] = (unsigned char)(0x41 + (i * 7 + v * 3 + ecc) % 58);
			QRcode *ref = QRcode_encodeData(len, data, v, levels[ecc]);
			CHECK(ref != NULL && ref->version == v);
			if (ref == NULL)
				continue;
			trace__qr_seg seg = { TRACE__QR_SEG_BYTE, (const char *)data, (size_t)len };
			int same = 0;
			for (int mask = 0; mask < 8 && !same; mask++) {
				trace_qr *ours;
				if (trace__qrenc(&ours, &seg, 1, 0, ecc, v, mask) != TRACE_OK)
					break;
				same = ours->width == ref->width;
				for (int i = 0; same && i < ref->width * ref->width; i++)
					same = ours->mod[i] == (ref->data[i] & 1);
				trace_qr_free(ours);
			}
			if (!same && mismatches++ < 5)
				fprintf(stderr, "encoder differs from libqrencode at version %d, level %d\n", v, ecc);
			QRcode_free(ref);
		}
	CHECK(mismatches == 0);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Walks the chunks, checks every CRC, inflates IDAT and compares each pixel with the modules. */
static void check_png(const trace_buf *png, const trace_qr *qr, int m)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	CHECK(png->size > 8 && memcmp(png->ptr, sig, 8) == 0);
	size_t side = (size_t)(qr->width + 2 * qr->quiet) * (size_t)m, row = (side + 7) / 8 + 1;
	uint8_t *raw = malloc(row * side + 1);
	uLongf raw_len = (uLongf)(row * side + 1);
	int seen_end = 0, seen_data = 0;
	for (size_t off = 8; off + 12 <= png->size && !seen_end;) {
		uint32_t len = get32(png->ptr + off);
		const uint8_t *type = png->ptr + off + 4, *body = type + 4;
		CHECK(off + 12 + len <= png->size);
		CHECK(crc32(0, type, len + 4) == get32(body + len));
		if (memcmp(type, "IHDR", 4) == 0) {
			CHECK(len == 13 && get32(body) == side && get32(body + 4) == side);
			CHECK(body[8] == 1 && body[9] == 0 && body[12] == 0);
		} else if (memcmp(type, "IDAT", 4) == 0) {
			CHECK(uncompress(raw, &raw_len, body, len) == Z_OK && raw_len == row * side);
			seen_data = 1;
		} else if (memcmp(type, "IEND", 4) == 0) {
			seen_end = 1;
			CHECK(off + 12 == png->size);
		}
		off += 12 + len;
	}
	CHECK(seen_data && seen_end);
	if (!seen_data) {
		free(raw);
		return;
	}
	int bad = 0;
	uint8_t *prev = NULL;
	for (size_t y = 0; y < side; y++) {
		uint8_t *line = raw + y * row;
		CHECK(line[0] == 0 || line[0] == 2);
		if (line[0] == 2) /* Up: add the row above */
			for (size_t k = 1; k < row; k++)
				line[k] = (uint8_t)(line[k] + (prev ? prev[k] : 0));
		for (size_t x = 0; x < side; x++) {
			int white = (line[1 + x / 8] >> (7 - x % 8)) & 1;
			int dark = trace_qr_module(qr, (int)(x / (size_t)m) - qr->quiet, (int)(y / (size_t)m) - qr->quiet);
			bad += white == dark;
		}
		prev = line;
	}
	CHECK(bad == 0);
	free(raw);
}

static void test_png(void)
{
	trace_qr *qr;
	trace_qr_renderer *r;
	CHECK_OK(trace_qr_new(&qr, DL, NULL));
	CHECK_OK(trace_qr_renderer_new(&r));
	static const int sizes[] = { 1, 2, 3, 4, 5, 8, 9, 40 };
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		int m = sizes[k];
		trace_buf one = TRACE_BUF_INIT, again = TRACE_BUF_INIT;
		CHECK_OK(trace_qr_render_png(&one, qr, m));
		check_png(&one, qr, m);
		/* A reused renderer writes the same bytes, twice in a row. */
		CHECK_OK(trace_qr_renderer_png(&again, r, qr, m));
		CHECK(again.size == one.size && memcmp(again.ptr, one.ptr, one.size) == 0);
		trace_buf_dispose(&again);
		CHECK_OK(trace_qr_renderer_png(&again, r, qr, m));
		CHECK(again.size == one.size && memcmp(again.ptr, one.ptr, one.size) == 0);
		trace_buf_dispose(&again);
		trace_buf_dispose(&one);
	}
	/* Other deflate levels: same pixels; stored is larger. */
	trace_buf fast = TRACE_BUF_INIT, stored = TRACE_BUF_INIT, best = TRACE_BUF_INIT;
	CHECK_OK(trace_qr_renderer_png(&fast, r, qr, 4));
	CHECK_OK(trace_qr_renderer_set_level(r, 0));
	CHECK_OK(trace_qr_renderer_png(&stored, r, qr, 4));
	check_png(&stored, qr, 4);
	CHECK_OK(trace_qr_renderer_set_level(r, 9));
	CHECK_OK(trace_qr_renderer_png(&best, r, qr, 4));
	check_png(&best, qr, 4);
	CHECK(stored.size > 4 * fast.size && best.size < fast.size);
	CHECK_RC(trace_qr_renderer_set_level(r, 10), TRACE_EINVAL);
	CHECK_MSG("level 10");
	trace_buf_dispose(&fast);
	trace_buf_dispose(&stored);
	trace_buf_dispose(&best);
	trace_buf b = TRACE_BUF_INIT;
	CHECK_RC(trace_qr_render_png(&b, qr, 0), TRACE_EINVAL);
	CHECK_MSG("module size 0");
	CHECK_RC(trace_qr_render_png(&b, qr, TRACE_QR_MAX_MODULE + 1), TRACE_EINVAL);
	trace_qr_renderer_free(r);
	trace_qr_free(qr);

	CHECK_OK(trace_qr_new_datamatrix(&qr, "(01)09506000134352(10)ABC", &(trace_qr_opts){ 0, 0, TRACE_QR_MODE_GS1 }));
	for (int m = 2; m <= 4; m++) {
		CHECK_OK(trace_qr_render_png(&b, qr, m));
		check_png(&b, qr, m);
		trace_buf_dispose(&b);
	}
	trace_qr_free(qr);
}

/* Occurrences of @needle in a NUL-terminated text. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* As count() and strstr() for binary documents (PDF image streams hold NUL bytes). */
static size_t bcount(const trace_buf *b, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	const uint8_t *p = b->ptr, *end = b->ptr + b->size;
	while ((p = memmem(p, (size_t)(end - p), needle, len)) != NULL) {
		n++;
		p += len;
	}
	return n;
}

static const char *bfind(const trace_buf *b, const char *needle)
{
	return memmem(b->ptr, b->size, needle, strlen(needle));
}

static void test_svg_and_text(void)
{
	trace_qr *qr;
	CHECK_OK(trace_qr_new(&qr, "81234560000123456789", NULL));
	int w = trace_qr_width(qr), runs = 0;
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			runs += trace_qr_module(qr, x, y) && !trace_qr_module(qr, x - 1, y);
	trace_buf b = TRACE_BUF_INIT;
	CHECK_OK(trace_qr_render_svg(&b, qr, 10));
	const char *svg = (const char *)b.ptr;
	CHECK(count(svg, "<path") == 1 && strstr(svg, "crispEdges") != NULL);
	CHECK(count(svg, "M") == (size_t)runs);
	char dims[64];
	snprintf(dims, sizeof dims, "width=\"%d\" height=\"%d\"", (w + 8) * 10, (w + 8) * 10);
	CHECK(strstr(svg, dims) != NULL);
	trace_buf_dispose(&b);

	CHECK_OK(trace_qr_render_text(&b, qr, 0));
	size_t lines = count((const char *)b.ptr, "\n");
	CHECK(lines == (size_t)(w + 8 + 1) / 2);
	/* Each line: w + 8 cells of one character (1 or 3 bytes). */
	const char *line = (const char *)b.ptr;
	size_t cells = 0;
	for (const unsigned char *p = (const unsigned char *)line; *p != '\n'; p++)
		cells += (*p & 0xc0) != 0x80;
	CHECK(cells == (size_t)w + 8);
	/* The quiet zone is light, so by default its top line is all full blocks. */
	CHECK(strncmp(line, "\xe2\x96\x88\xe2\x96\x88", 6) == 0);
	trace_buf_dispose(&b);
	CHECK_OK(trace_qr_render_text(&b, qr, TRACE_QR_TEXT_INVERT));
	CHECK(b.ptr[0] == ' ');
	trace_buf_dispose(&b);
	CHECK_RC(trace_qr_render_text(&b, qr, 8), TRACE_EINVAL);
	trace_qr_free(qr);
}

static void test_batch(void)
{
	enum { N = 100 };
	char text[N][64];
	const char *texts[N];
	for (int i = 0; i < N; i++) {
		snprintf(text[i], sizeof text[i], "https://id.gs1.org/01/09506000134352/21/S%06d", i * 7919);
		texts[i] = text[i];
	}
	trace_qr *qrs[N];
	CHECK_OK(trace_qr_batch_new(qrs, texts, N, NULL, 4));
	trace_buf pngs[N];
	CHECK_OK(trace_qr_batch_png(pngs, texts, N, NULL, 3, 0));
	for (int i = 0; i < N; i++) {
		trace_qr *one;
		CHECK_OK(trace_qr_new(&one, texts[i], NULL));
		CHECK(one->width == qrs[i]->width && memcmp(one->mod, qrs[i]->mod, (size_t)one->width * one->width) == 0);
		trace_buf png = TRACE_BUF_INIT;
		CHECK_OK(trace_qr_render_png(&png, one, 3));
		CHECK(png.size == pngs[i].size && memcmp(png.ptr, pngs[i].ptr, png.size) == 0);
		trace_buf_dispose(&png);
		trace_buf_dispose(&pngs[i]);
		trace_qr_free(one);
		trace_qr_free(qrs[i]);
	}
	/* The first failing text is the one reported, whatever thread met it first. */
	texts[80] = "";
	texts[37] = "bad \xc3";
	CHECK_RC(trace_qr_batch_png(pngs, texts, N, NULL, 2, 8), TRACE_EINVAL);
	CHECK_MSG("text 37: ");
	CHECK(pngs[0].ptr == NULL && pngs[99].ptr == NULL);
	CHECK_RC(trace_qr_batch_new(qrs, texts, N, NULL, 1), TRACE_EINVAL);
	CHECK_MSG("text 37: ");
	CHECK(qrs[0] == NULL);
	CHECK_OK(trace_qr_batch_new(qrs, texts, 0, NULL, 0));
}

/* Every xref entry points at its "N 0 obj" and startxref at the table. */
static void check_pdf(const trace_buf *pdf, size_t *objects)
{
	const char *s = (const char *)pdf->ptr;
	CHECK(strncmp(s, "%PDF-1.4\n", 9) == 0);
	const char *sx = bfind(pdf, "startxref\n");
	CHECK(sx != NULL);
	if (sx == NULL)
		return;
	size_t xref = strtoul(sx + 10, NULL, 10);
	CHECK(xref < pdf->size && strncmp(s + xref, "xref\n0 ", 7) == 0);
	char *end;
	size_t n = strtoul(s + xref + 7, &end, 10);
	const char *entry = end + 1;
	CHECK(strncmp(entry, "0000000000 65535 f \n", 20) == 0);
	int bad = 0;
	for (size_t k = 1; k < n; k++) {
		entry += 20;
		size_t off = strtoul(entry, NULL, 10);
		char want[32];
		int len = snprintf(want, sizeof want, "%zu 0 obj\n", k);
		bad += off >= pdf->size || strncmp(s + off, want, (size_t)len) != 0;
	}
	CHECK(bad == 0);
	CHECK(strstr(s + pdf->size - 6, "%%EOF\n") != NULL);
	*objects = n;
}

static void test_labels(void)
{
	const char *texts[3] = { DL, "(01)09506000134352(10)AB", "乳制品 批次 A1" };
	trace_qr *codes[3];
	CHECK_OK(trace_qr_batch_new(codes, texts, 3, NULL, 1));
	trace_buf pdf = TRACE_BUF_INIT;
	size_t objects = 0;
	CHECK_OK(trace_qr_labels_pdf(&pdf, (const trace_qr *const *)codes, texts, 3, NULL));
	check_pdf(&pdf, &objects);
	CHECK(objects == 1 + 6 + 2 + 3); /* free entry, catalog..font descriptor, page, contents, images */
	CHECK(bfind(&pdf, "/STSong-Light") != NULL);
	CHECK(bfind(&pdf, "<4E73523654C1> Tj") != NULL); /* 乳制品 as UTF-16BE */
	trace_buf_dispose(&pdf);

	/* ASCII only: no CJK font objects; many labels: many pages. */
	enum { N = 150 };
	const char *many_texts[N];
	trace_qr *many[N];
	for (int i = 0; i < N; i++)
		many_texts[i] = "NMPA (a) \\ x";
	CHECK_OK(trace_qr_batch_new(many, many_texts, N, NULL, 0));
	trace_qr_labels_opts *lo;
	CHECK_OK(trace_qr_labels_opts_new(&lo));
	CHECK_RC(trace_qr_labels_opts_set_per_row(lo, 13), TRACE_EINVAL);
	CHECK_OK(trace_qr_labels_opts_set_per_row(lo, 6));
	CHECK_OK(trace_qr_labels_pdf(&pdf, (const trace_qr *const *)many, many_texts, N, lo));
	check_pdf(&pdf, &objects);
	size_t pages = bcount(&pdf, "/Type /Page ");
	CHECK(pages > 1 && objects == 1 + 3 + 2 * pages + N);
	CHECK(bfind(&pdf, "/STSong-Light") == NULL);
	CHECK(bfind(&pdf, "(NMPA \\(a\\) \\\\ x)") != NULL);
	trace_buf_dispose(&pdf);

	trace_buf svg = TRACE_BUF_INIT;
	CHECK_OK(trace_qr_labels_svg(&svg, (const trace_qr *const *)codes, texts, 3, lo));
	CHECK(count((const char *)svg.ptr, "<path") == 3 && strstr((const char *)svg.ptr, "乳制品") != NULL);
	trace_buf_dispose(&svg);

	texts[1] = "bad \xe4\xb9";
	CHECK_RC(trace_qr_labels_svg(&svg, (const trace_qr *const *)codes, texts, 3, lo), TRACE_EINVAL);
	CHECK_MSG("label 1");
	texts[1] = "ok";
	trace_qr *third = codes[2];
	codes[2] = NULL;
	CHECK_RC(trace_qr_labels_pdf(&pdf, (const trace_qr *const *)codes, texts, 3, lo), TRACE_EINVAL);
	CHECK_MSG("label 2");
	/* An empty sheet is one blank page. */
	CHECK_OK(trace_qr_labels_pdf(&pdf, NULL, NULL, 0, lo));
	check_pdf(&pdf, &objects);
	trace_buf_dispose(&pdf);
	trace_qr_labels_opts_free(lo);
	for (int i = 0; i < 2; i++)
		trace_qr_free(codes[i]);
	trace_qr_free(third);
	for (int i = 0; i < N; i++)
		trace_qr_free(many[i]);
}

int main(void)
{
	test_options();
	test_errors();
	test_getters();
	test_gs1_form();
	test_encoder_matches_libqrencode();
	test_png();
	test_svg_and_text();
	test_batch();
	test_labels();
	return test_done("test_qr");
}
