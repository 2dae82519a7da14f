/*
 * qr_tool: renders test payloads through the public API for
 * test_decode.py, exposing the options the trace CLI does not
 * (version, mode, text inversion, batches, label texts).
 *
 *   qr_tool KIND OUT [options] PAYLOAD_FILE...
 *   KIND: png svg text dm-png dm-svg labels-svg labels-pdf batch-png
 *   options: --ecc 0-3 --version N --mode 0-3 --module PX --invert
 *            --per-row N --threads N
 * Each PAYLOAD_FILE holds one payload (all its bytes, no newline added);
 * batch-png writes OUT.<i>.png per payload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <trace/trace.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = malloc(1 << 16);
	size_t n = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

static int save(const char *path, const trace_buf *b)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(b->ptr, 1, b->size, f) != b->size) {
		perror(path);
		return 1;
	}
	return fclose(f) != 0;
}

static int fail(int rc, const char *what)
{
	fprintf(stderr, "qr_tool: %s: %s (%s)\n", what, trace_error_last()->message, trace_strerror(rc));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: qr_tool KIND OUT [options] PAYLOAD_FILE...\n");
		return 2;
	}
	const char *kind = argv[1], *out = argv[2];
	int ecc = 1, version = 0, mode = 0, module = 4, per_row = 4, threads = 0;
	unsigned flags = 0;
	char *texts[4096];
	size_t n = 0;
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--ecc") == 0 && i + 1 < argc)
			ecc = atoi(argv[++i]);
		else if (strcmp(argv[i], "--version") == 0 && i + 1 < argc)
			version = atoi(argv[++i]);
		else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
			mode = atoi(argv[++i]);
		else if (strcmp(argv[i], "--module") == 0 && i + 1 < argc)
			module = atoi(argv[++i]);
		else if (strcmp(argv[i], "--per-row") == 0 && i + 1 < argc)
			per_row = atoi(argv[++i]);
		else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
			threads = atoi(argv[++i]);
		else if (strcmp(argv[i], "--invert") == 0)
			flags |= TRACE_QR_TEXT_INVERT;
		else if (n < 4096 && (texts[n] = slurp(argv[i])) != NULL)
			n++;
		else
			return fprintf(stderr, "qr_tool: cannot read %s\n", argv[i]), 2;
	}
	trace_qr_opts *opts;
	int rc = trace_qr_opts_new(&opts);
	if (rc == TRACE_OK)
		rc = trace_qr_opts_set_ecc(opts, ecc);
	if (rc == TRACE_OK)
		rc = trace_qr_opts_set_version(opts, version);
	if (rc == TRACE_OK)
		rc = trace_qr_opts_set_mode(opts, mode);
	if (rc != TRACE_OK)
		return fail(rc, "options");

	int status = 0;
	trace_buf buf = TRACE_BUF_INIT;
	if (strcmp(kind, "batch-png") == 0) {
		trace_buf *bufs = calloc(n, sizeof *bufs);
		rc = trace_qr_batch_png(bufs, (const char *const *)texts, n, opts, module, (unsigned)threads);
		if (rc != TRACE_OK)
			return fail(rc, "batch");
		for (size_t i = 0; i < n && status == 0; i++) {
			char path[4096];
			snprintf(path, sizeof path, "%s.%zu.png", out, i);
			status = save(path, &bufs[i]);
		}
		for (size_t i = 0; i < n; i++)
			trace_buf_dispose(&bufs[i]);
		free(bufs);
	} else if (strncmp(kind, "labels-", 7) == 0) {
		trace_qr **codes = calloc(n, sizeof *codes);
		rc = trace_qr_batch_new(codes, (const char *const *)texts, n, opts, (unsigned)threads);
		trace_qr_labels_opts *lo = NULL;
		if (rc == TRACE_OK)
			rc = trace_qr_labels_opts_new(&lo);
		if (rc == TRACE_OK)
			rc = trace_qr_labels_opts_set_per_row(lo, per_row);
		if (rc == TRACE_OK)
			rc = strcmp(kind, "labels-svg") == 0
			     ? trace_qr_labels_svg(&buf, (const trace_qr *const *)codes, (const char *const *)texts, n, lo)
			     : trace_qr_labels_pdf(&buf, (const trace_qr *const *)codes, (const char *const *)texts, n, lo);
		status = rc == TRACE_OK ? save(out, &buf) : fail(rc, kind);
		for (size_t i = 0; i < n; i++)
			trace_qr_free(codes[i]);
		free(codes);
		trace_qr_labels_opts_free(lo);
	} else {
		trace_qr *qr = NULL;
		rc = n != 1 ? (fprintf(stderr, "qr_tool: one payload expected\n"), TRACE_EINVAL)
		     : strncmp(kind, "dm-", 3) == 0 ? trace_qr_new_datamatrix(&qr, texts[0], opts)
		     : trace_qr_new(&qr, texts[0], opts);
		const char *fmt = strncmp(kind, "dm-", 3) == 0 ? kind + 3 : kind;
		if (rc == TRACE_OK)
			rc = strcmp(fmt, "png") == 0 ? trace_qr_render_png(&buf, qr, module)
			   : strcmp(fmt, "svg") == 0 ? trace_qr_render_svg(&buf, qr, module)
			   : trace_qr_render_text(&buf, qr, flags);
		status = rc == TRACE_OK ? save(out, &buf) : fail(rc, kind);
		if (rc == TRACE_OK)
			printf("%d %d\n", trace_qr_width(qr), trace_qr_version(qr));
		trace_qr_free(qr);
	}
	trace_buf_dispose(&buf);
	trace_qr_opts_free(opts);
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	return status;
}
