/*
 * Allocation failures in the qr module: every public entry point that
 * allocates is swept (tests/oom.h) and must fail with exactly TRACE_ENOMEM,
 * leaking nothing.  libqrencode and zlib allocate on their own, so only
 * libtrace's allocations are failed.  Batches run on one thread: the
 * test's allocator counts without locks.
 */
#include "../test.h"
#include "../oom.h"

#define DL "https://id.gs1.org/01/09506000134352/21/Y0001?17=271231"
#define ES "(01)09506000134352(17)271231(10)L1(21)Y0001"

static const char *const texts[] = { DL, "https://example.cn/p/2", "HELLO 123" };
static trace_qr *sample;

static int w_new(void *ctx)
{
	trace_qr *qr = NULL;
	trace_qr_opts *o = NULL;
	int rc = trace_qr_opts_new(&o);
	if (rc == TRACE_OK && ctx)
		rc = trace_qr_opts_set_mode(o, TRACE_QR_MODE_GS1);
	if (rc == TRACE_OK)
		rc = trace_qr_new(&qr, ctx ? ES : DL, o);
	trace_qr_free(qr);
	trace_qr_opts_free(o);
	return rc;
}

static int w_datamatrix(void *ctx)
{
	(void)ctx;
	trace_qr *qr = NULL;
	int rc = trace_qr_new_datamatrix(&qr, DL, NULL);
	trace_qr_free(qr);
	return rc;
}

static int w_render(void *ctx)
{
	int (*fn)(trace_buf *, const trace_qr *, int) = (int (*)(trace_buf *, const trace_qr *, int))ctx;
	trace_buf b = TRACE_BUF_INIT;
	int rc = fn(&b, sample, 4);
	trace_buf_dispose(&b);
	return rc;
}

static int text_flags(trace_buf *b, const trace_qr *qr, int unused)
{
	(void)unused;
	return trace_qr_render_text(b, qr, 0);
}

static int w_renderer(void *ctx)
{
	(void)ctx;
	trace_qr_renderer *r = NULL;
	trace_buf b = TRACE_BUF_INIT;
	int rc = trace_qr_renderer_new(&r);
	if (rc == TRACE_OK)
		rc = trace_qr_renderer_png(&b, r, sample, 3);
	trace_buf_dispose(&b);
	trace_qr_renderer_free(r);
	return rc;
}

static int w_batch_new(void *ctx)
{
	(void)ctx;
	trace_qr *outs[3] = { NULL, NULL, NULL };
	int rc = trace_qr_batch_new(outs, texts, 3, NULL, 1);
	for (int i = 0; i < 3; i++)
		trace_qr_free(outs[i]);
	return rc;
}

static int w_batch_png(void *ctx)
{
	(void)ctx;
	trace_buf outs[3] = { TRACE_BUF_INIT, TRACE_BUF_INIT, TRACE_BUF_INIT };
	int rc = trace_qr_batch_png(outs, texts, 3, NULL, 2, 1);
	for (int i = 0; i < 3; i++)
		trace_buf_dispose(&outs[i]);
	return rc;
}

static int w_labels(void *ctx)
{
	const trace_qr *codes[2] = { sample, sample };
	const char *labels[2] = { "Y0001", "Y0002" };
	trace_qr_labels_opts *o = NULL;
	trace_buf b = TRACE_BUF_INIT;
	int rc = trace_qr_labels_opts_new(&o);
	if (rc == TRACE_OK)
		rc = trace_qr_labels_opts_set_per_row(o, 2);
	if (rc == TRACE_OK)
		rc = ctx ? trace_qr_labels_pdf(&b, codes, labels, 2, o) : trace_qr_labels_svg(&b, codes, labels, 2, o);
	trace_buf_dispose(&b);
	trace_qr_labels_opts_free(o);
	return rc;
}

int main(void)
{
	oom_install();
	CHECK_OK(trace_qr_new(&sample, DL, NULL));
	long total = 0;
	total += oom_sweep("trace_qr_opts_new/trace_qr_new", w_new, NULL, NULL);
	total += oom_sweep("trace_qr_new (GS1 mode)", w_new, (void *)1, NULL);
	total += oom_sweep("trace_qr_new_datamatrix", w_datamatrix, NULL, NULL);
	total += oom_sweep("trace_qr_render_png", w_render, (void *)trace_qr_render_png, NULL);
	total += oom_sweep("trace_qr_render_svg", w_render, (void *)trace_qr_render_svg, NULL);
	total += oom_sweep("trace_qr_render_text", w_render, (void *)text_flags, NULL);
	total += oom_sweep("trace_qr_renderer_png", w_renderer, NULL, NULL);
	total += oom_sweep("trace_qr_batch_new", w_batch_new, NULL, NULL);
	total += oom_sweep("trace_qr_batch_png", w_batch_png, NULL, NULL);
	total += oom_sweep("trace_qr_labels_svg", w_labels, NULL, NULL);
	total += oom_sweep("trace_qr_labels_pdf", w_labels, (void *)1, NULL);
	printf("%ld allocation points swept\n", total);
	trace_qr_free(sample);
	CHECK(oom_live == 0);
	return test_done("qr-oom");
}
