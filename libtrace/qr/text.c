/*
 * qr/text: a symbol as UTF-8 text for terminals.  Each character cell
 * shows two module rows with the half blocks U+2580 (upper), U+2584
 * (lower) and U+2588 (full), so a module stays roughly square.
 * Layer: qr module, no external dependency.
 */
#include "trace/error.h"
#include "trace/qr.h"
#include "qr_internal.h"
#include "error_internal.h"

int trace_qr_render_text(trace_buf *out, const trace_qr *qr, unsigned flags)
{
	if (out == NULL || qr == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_render_text: out or symbol is NULL");
	if (flags & ~TRACE_QR_TEXT_INVERT)
		return trace__fail(TRACE_EINVAL, "trace_qr_render_text: unknown flags 0x%x", flags & ~TRACE_QR_TEXT_INVERT);
	/* Which module colour gets ink: light ones by default (dark terminals). */
	int ink = (flags & TRACE_QR_TEXT_INVERT) ? 1 : 0;
	static const char *const cell[4] = { " ", "\xe2\x96\x80", "\xe2\x96\x84", "\xe2\x96\x88" };
	int q = qr->quiet, lo = -q, hi = qr->width + q;
	trace__sbuf b = TRACE__SBUF_INIT;
	for (int y = lo; y < hi; y += 2) {
		for (int x = lo; x < hi; x++) {
			int top = trace_qr_module(qr, x, y) == ink;
			/* Past the last row there is nothing to draw. */
			int bottom = y + 1 < hi && trace_qr_module(qr, x, y + 1) == ink;
			trace__sbuf_puts(&b, cell[top | bottom << 1]);
		}
		trace__sbuf_putc(&b, '\n');
	}
	return trace__sbuf_finish(&b, out);
}
