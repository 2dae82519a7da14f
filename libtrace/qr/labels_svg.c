/*
 * qr/labels_svg: label sheets as one SVG document, pages stacked top to
 * bottom.  Symbols are paths in module units scaled into place (crisp
 * edges); texts are SVG text, so any script the viewer has fonts for shows.
 * Layer: qr module, no external dependency.
 */
#include <string.h>

#include "trace/error.h"
#include "trace/qr.h"
#include "qr_internal.h"
#include "error_internal.h"

static void put_escaped(trace__sbuf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': trace__sbuf_puts(b, "&amp;"); break;
		case '<': trace__sbuf_puts(b, "&lt;"); break;
		case '>': trace__sbuf_puts(b, "&gt;"); break;
		case '"': trace__sbuf_puts(b, "&quot;"); break;
		default:
			/* XML 1.0 has no control characters; show them as '?'. */
			trace__sbuf_putc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
		}
	}
}

int trace_qr_labels_svg(trace_buf *out, const trace_qr *const *codes, const char *const *texts,
                        size_t count, const trace_qr_labels_opts *opts)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_labels_svg: out is NULL");
	trace__labels_layout l;
	int rc = trace__labels_plan(&l, codes, texts, count, opts);
	if (rc != TRACE_OK)
		return rc;
	double height = TRACE__A4_H * (double)l.pages;
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__sbuf_printf(&b,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"210mm\" height=\"%zumm\" "
		"viewBox=\"0 0 %.4f %.4f\">\n<rect width=\"%.4f\" height=\"%.4f\" fill=\"#fff\"/>\n",
		(size_t)297 * l.pages, TRACE__A4_W, height, TRACE__A4_W, height);
	for (size_t p = 0; p < l.pages; p++)
		trace__sbuf_printf(&b, "<rect y=\"%.4f\" width=\"%.4f\" height=\"%.4f\" fill=\"none\" "
		                   "stroke=\"#ccc\" stroke-width=\"0.5\"/>\n",
		                   TRACE__A4_H * (double)p, TRACE__A4_W, TRACE__A4_H);
	trace__sbuf_puts(&b, "<g fill=\"#000\" font-family=\"Courier, 'Courier New', monospace\" "
	                     "xml:space=\"preserve\">\n");
	for (size_t i = 0; i < count; i++) {
		const trace__label_box *x = &l.box[i];
		const trace_qr *qr = codes[i];
		double top = TRACE__A4_H * (double)x->page;
		double s = x->side / (qr->width + 2 * qr->quiet);
		trace__sbuf_printf(&b, "<path shape-rendering=\"crispEdges\" transform=\"translate(%.3f %.3f) "
		                   "scale(%.5f)\" d=\"", x->x + qr->quiet * s, top + x->y + qr->quiet * s, s);
		trace__qr_svg_path(&b, qr);
		trace__sbuf_puts(&b, "\"/>\n");
		const char *t = texts[i];
		size_t len = strlen(t);
		for (size_t line = 0; line < x->lines && len; line++) {
			size_t n = trace__labels_line(t, len, x->line_em);
			trace__sbuf_printf(&b, "<text x=\"%.3f\" y=\"%.3f\" font-size=\"%.2f\">",
			                   x->text_x, top + x->text_y + (double)line * x->leading, x->font);
			put_escaped(&b, t, n);
			trace__sbuf_puts(&b, "</text>\n");
			t += n;
			len -= n;
		}
	}
	trace__sbuf_puts(&b, "</g>\n</svg>\n");
	trace__labels_plan_free(&l);
	return trace__sbuf_finish(&b, out);
}
