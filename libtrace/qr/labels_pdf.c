/*
 * qr/labels_pdf: label sheets as a PDF 1.4 file written by hand.
 *
 * Objects: 1 catalog, 2 page tree, 3 Courier (a standard Type 1 font, for
 * ASCII), then, only if some text needs them, 4-6 the standard Chinese font
 * STSong-Light as a Type 0 font over UniGB-UTF16-H (not embedded: viewers
 * substitute an installed CJK font).  Each page is a page object, its
 * content stream and one image XObject per symbol: 1-bit DeviceGray, one
 * sample per module, quiet zone included, drawn scaled so it stays sharp at
 * any resolution and costs a few hundred bytes.  The xref table records
 * every object's byte offset.
 * Layer: qr module, no external dependency.
 */
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "trace/qr.h"
#include "qr_internal.h"
#include "error_internal.h"
#include "util/alloc.h"

typedef struct pdf {
	trace__sbuf b;
	size_t *offset; /* by object number */
} pdf;

static void obj_begin(pdf *p, size_t num)
{
	p->offset[num] = p->b.len;
	trace__sbuf_printf(&p->b, "%zu 0 obj\n", num);
}

static void put_stream(pdf *p, size_t num, const char *dict, const void *data, size_t len)
{
	obj_begin(p, num);
	trace__sbuf_printf(&p->b, "<< %s/Length %zu >>\nstream\n", dict, len);
	trace__sbuf_put(&p->b, data, len);
	trace__sbuf_puts(&p->b, "\nendstream\nendobj\n");
}

/* The symbol as rows of 1-bit samples, top row first; 0 = black. */
static int put_image(pdf *p, size_t num, const trace_qr *qr, trace__sbuf *tmp)
{
	int n = qr->width + 2 * qr->quiet;
	size_t row = ((size_t)n + 7) / 8;
	tmp->len = 0;
	if (trace__sbuf_reserve(tmp, row * (size_t)n))
		return trace__oom();
	uint8_t *d = tmp->p;
	memset(d, 0xff, row * (size_t)n);
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++)
			if (qr->mod[(size_t)y * (size_t)qr->width + (size_t)x]) {
				size_t px = (size_t)(x + qr->quiet);
				d[(size_t)(y + qr->quiet) * row + px / 8] &= (uint8_t)~(0x80u >> (px % 8));
			}
	char dict[160];
	snprintf(dict, sizeof dict, "/Type /XObject /Subtype /Image /Width %d /Height %d "
	         "/ColorSpace /DeviceGray /BitsPerComponent 1 /Interpolate false ", n, n);
	put_stream(p, num, dict, d, row * (size_t)n);
	return TRACE_OK;
}

static int has_non_ascii(const char *const *texts, size_t count)
{
	for (size_t i = 0; i < count; i++)
		for (const unsigned char *s = (const unsigned char *)texts[i]; *s; s++)
			if (*s >= 0x80)
				return 1;
	return 0;
}

static uint32_t utf8_decode(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n == 1)
		return u[0];
	uint32_t c = u[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++)
		c = c << 6 | (u[i] & 0x3f);
	return c;
}

/* One line of text: ASCII runs in Courier (F1), other runs in STSong-Light (F2). */
static void put_text(trace__sbuf *c, const char *s, size_t len, double font)
{
	size_t i = 0, n;
	while (i < len) {
		int ascii = (unsigned char)s[i] < 0x80;
		trace__sbuf_printf(c, ascii ? "/F1 %.2f Tf (" : "/F2 %.2f Tf <", font);
		while (i < len && ((unsigned char)s[i] < 0x80) == ascii) {
			trace__labels_char_em(s + i, len - i, &n);
			if (ascii) {
				char ch = s[i];
				if (ch == '(' || ch == ')' || ch == '\\')
					trace__sbuf_putc(c, '\\');
				trace__sbuf_putc(c, ch < 0x20 || ch == 0x7f ? '?' : ch);
			} else {
				uint32_t cp = utf8_decode(s + i, n);
				if (cp >= 0x10000) {
					cp -= 0x10000;
					trace__sbuf_printf(c, "%04X%04X", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
				} else {
					trace__sbuf_printf(c, "%04X", cp);
				}
			}
			i += n;
		}
		trace__sbuf_puts(c, ascii ? ") Tj " : "> Tj ");
	}
}

static void put_fonts(pdf *p, int cjk)
{
	obj_begin(p, 3);
	trace__sbuf_puts(&p->b, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>\nendobj\n");
	if (!cjk)
		return;
	obj_begin(p, 4);
	trace__sbuf_puts(&p->b, "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H "
	                        "/DescendantFonts [5 0 R] >>\nendobj\n");
	obj_begin(p, 5);
	trace__sbuf_puts(&p->b, "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
	                        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
	                        "/FontDescriptor 6 0 R /DW 1000 >>\nendobj\n");
	obj_begin(p, 6);
	trace__sbuf_puts(&p->b, "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
	                        "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
	                        "/CapHeight 880 /StemV 93 >>\nendobj\n");
}

static int write_pages(pdf *p, const trace__labels_layout *l, const trace_qr *const *codes,
                       const char *const *texts, size_t count, int cjk, size_t first_obj,
                       size_t *page_obj)
{
	trace__sbuf c = TRACE__SBUF_INIT, img = TRACE__SBUF_INIT;
	int rc = TRACE_OK;
	size_t num = first_obj, i = 0;
	for (size_t pg = 0; pg < l->pages && rc == TRACE_OK; pg++) {
		size_t start = i;
		while (i < count && l->box[i].page == pg)
			i++;
		size_t page = num, content = num + 1, image = num + 2;
		page_obj[pg] = page;
		num = image + (i - start);

		obj_begin(p, page);
		trace__sbuf_printf(&p->b, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] "
		                   "/Resources << /Font << /F1 3 0 R%s >> /XObject <<",
		                   TRACE__A4_W, TRACE__A4_H, cjk ? " /F2 4 0 R" : "");
		for (size_t k = start; k < i; k++)
			trace__sbuf_printf(&p->b, " /I%zu %zu 0 R", k - start, image + (k - start));
		trace__sbuf_printf(&p->b, " >> >> /Contents %zu 0 R >>\nendobj\n", content);

		c.len = 0;
		for (size_t k = start; k < i; k++) {
			const trace__label_box *x = &l->box[k];
			trace__sbuf_printf(&c, "q %.4f 0 0 %.4f %.4f %.4f cm /I%zu Do Q\n", x->side, x->side,
			                   x->x, TRACE__A4_H - x->y - x->side, k - start);
			const char *t = texts[k];
			size_t len = strlen(t);
			for (size_t line = 0; line < x->lines && len; line++) {
				size_t n = trace__labels_line(t, len, x->line_em);
				trace__sbuf_printf(&c, "BT %.3f %.3f Td ", x->text_x,
				                   TRACE__A4_H - x->text_y - (double)line * x->leading);
				put_text(&c, t, n, x->font);
				trace__sbuf_puts(&c, "ET\n");
				t += n;
				len -= n;
			}
		}
		if (c.oom) {
			rc = trace__oom();
			break;
		}
		put_stream(p, content, "", c.p, c.len);
		for (size_t k = start; k < i && rc == TRACE_OK; k++)
			rc = put_image(p, image + (k - start), codes[k], &img);
	}
	trace__sbuf_free(&c);
	trace__sbuf_free(&img);
	return rc;
}

int trace_qr_labels_pdf(trace_buf *out, const trace_qr *const *codes, const char *const *texts,
                        size_t count, const trace_qr_labels_opts *opts)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_labels_pdf: out is NULL");
	trace__labels_layout l;
	int rc = trace__labels_plan(&l, codes, texts, count, opts);
	if (rc != TRACE_OK)
		return rc;
	int cjk = has_non_ascii(texts, count);
	size_t first = cjk ? 7 : 4;
	size_t objects = first + 2 * l.pages + count; /* numbers 1 .. objects-1 */
	pdf p = { TRACE__SBUF_INIT, trace__calloc(objects, sizeof(size_t)) };
	size_t *page_obj = trace__calloc(l.pages, sizeof(size_t));
	if (p.offset == NULL || page_obj == NULL) {
		rc = trace__oom();
		goto done;
	}
	/* A comment of high bytes marks the file as binary for transfer tools. */
	trace__sbuf_puts(&p.b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
	obj_begin(&p, 1);
	trace__sbuf_puts(&p.b, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	put_fonts(&p, cjk);
	rc = write_pages(&p, &l, codes, texts, count, cjk, first, page_obj);
	if (rc != TRACE_OK)
		goto done;
	obj_begin(&p, 2);
	trace__sbuf_puts(&p.b, "<< /Type /Pages /Kids [");
	for (size_t pg = 0; pg < l.pages; pg++)
		trace__sbuf_printf(&p.b, "%s%zu 0 R", pg ? " " : "", page_obj[pg]);
	trace__sbuf_printf(&p.b, "] /Count %zu >>\nendobj\n", l.pages);

	size_t xref = p.b.len;
	trace__sbuf_printf(&p.b, "xref\n0 %zu\n0000000000 65535 f \n", objects);
	for (size_t k = 1; k < objects; k++)
		trace__sbuf_printf(&p.b, "%010zu 00000 n \n", p.offset[k]);
	trace__sbuf_printf(&p.b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", objects, xref);
	rc = trace__sbuf_finish(&p.b, out);
done:
	trace__sbuf_free(&p.b);
	trace__free(p.offset);
	trace__free(page_obj);
	trace__labels_plan_free(&l);
	return rc;
}
