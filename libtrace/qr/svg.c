/*
 * qr/svg: a symbol as an SVG document.  All dark modules form one path of
 * horizontal runs in module units, scaled by the viewBox, drawn with
 * shape-rendering="crispEdges" so rasterisers keep module edges sharp.
 * Layer: qr module, no external dependency.
 */
#include "trace/error.h"
#include "trace/qr.h"
#include "qr_internal.h"
#include "error_internal.h"

void trace__qr_svg_path(trace__sbuf *b, const trace_qr *qr)
{
	int w = qr->width;
	for (int y = 0; y < w; y++) {
		const uint8_t *row = qr->mod + (size_t)y * (size_t)w;
		for (int x = 0; x < w;) {
			if (!row[x]) {
				x++;
				continue;
			}
			int start = x;
			while (x < w && row[x])
				x++;
			trace__sbuf_printf(b, "M%d %dh%dv1h-%dz", start, y, x - start, x - start);
		}
	}
}

int trace_qr_render_svg(trace_buf *out, const trace_qr *qr, int module_px)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_render_svg: out is NULL");
	int rc = trace__qr_check_module(qr, module_px, "trace_qr_render_svg");
	if (rc != TRACE_OK)
		return rc;
	int n = qr->width + 2 * qr->quiet;
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__sbuf_printf(&b,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">\n"
		"<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
		"<path transform=\"translate(%d %d)\" fill=\"#000\" d=\"",
		n * module_px, n * module_px, n, n, n, n, qr->quiet, qr->quiet);
	trace__qr_svg_path(&b, qr);
	trace__sbuf_puts(&b, "\"/>\n</svg>\n");
	return trace__sbuf_finish(&b, out);
}
