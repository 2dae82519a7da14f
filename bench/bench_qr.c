/*
 * bench/bench_qr: QR labels against issue 3's targets, next to libqrencode's
 * own encode-only rate measured in the same run.
 *
 *   build/bench/bench_qr [--small] [--out FILE]
 *
 * - PNG labels for 77-character GS1 Digital Link URIs at ECC M (one GTIN
 *   and lot, distinct 13-digit serials), one thread: trace_qr_new +
 *   trace_qr_renderer_png (4 px modules, 0.34 mm at 300 dpi), against
 *   QRcode_encodeString + QRcode_free alone on the same URIs.  Target: at
 *   least 0.8 of libqrencode's rate (PNG adds at most a quarter).  The two
 *   are timed in alternating rounds and the best round of each is kept.
 * - The same as a batch (trace_qr_batch_png) on all online CPUs, next to
 *   the same batch on one thread: the speed-up shows whether the cores are
 *   used (a machine whose CPU quota is one core shows about 1).
 * - 10,000 labels to a PDF sheet: building the codes on all CPUs plus
 *   writing the PDF.  Target: under 5 s.
 * --small runs a few hundred labels of each: no timing assertions, any
 * failing call exits 1.
 */
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <trace/trace.h>

#include "bench_util.h"

#define URI "https://id.gs1.org/01/09506000134352/10/LOT2025A/21/SN0001234567890?17=271231"
#define MODULE_PX 4

typedef struct params {
	int rounds;
	long per_round;  /* labels per timed round */
	size_t batch;    /* labels in the all-cores batch */
	size_t sheet;    /* labels in the PDF */
} params;

static const params full_params = { 5, 20000, 100000, 10000 };
static const params small_params = { 1, 200, 400, 300 };

static double raw_round(char **uris, long n)
{
	double t0 = bench_now();
	for (long i = 0; i < n; i++) {
		QRcode *q = QRcode_encodeString(uris[i], 0, QR_ECLEVEL_M, QR_MODE_8, 1);
		BENCH_REQUIRE(q != NULL, "libqrencode failed");
		QRcode_free(q);
	}
	return (double)n / (bench_now() - t0);
}

static double ours_round(char **uris, long n, trace_qr_renderer *r, size_t *png_size)
{
	double t0 = bench_now();
	for (long i = 0; i < n; i++) {
		trace_qr *qr;
		trace_buf png = TRACE_BUF_INIT;
		BENCH_CHECK(trace_qr_new(&qr, uris[i], NULL));
		BENCH_CHECK(trace_qr_renderer_png(&png, r, qr, MODULE_PX));
		*png_size = png.size;
		trace_buf_dispose(&png);
		trace_qr_free(qr);
	}
	return (double)n / (bench_now() - t0);
}

/* Distinct URIs of the same length (serials differ), as a real batch has. */
static char **make_uris(size_t n)
{
	char **v = malloc(n * sizeof *v);
	BENCH_REQUIRE(v != NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		v[i] = malloc(96);
		BENCH_REQUIRE(v[i] != NULL, "out of memory");
		snprintf(v[i], 96, "https://id.gs1.org/01/09506000134352/10/LOT2025A/21/SN%013zu?17=271231", i * 7919);
		BENCH_REQUIRE(strlen(v[i]) == sizeof URI - 1, "URI length");
	}
	return v;
}

static void free_uris(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int main(int argc, char **argv)
{
	bench_args a = bench_parse_args(argc, argv, NULL);
	const params *p = a.small ? &small_params : &full_params;
	bench_table t;
	bench_table_open(&t, a.out);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char fig[96], raw[96], ratio[64], op[160];

	bench_table_note(&t, "## QR labels (libqrencode %s, %ld CPUs%s)\n\n", QRcode_APIVersionString(), cpus,
	                 a.small ? ", --small" : "");

	/* The default renderer (deflate level 1) and one storing uncompressed (level 0). */
	trace_qr_renderer *r, *r0;
	BENCH_CHECK(trace_qr_renderer_new(&r));
	BENCH_CHECK(trace_qr_renderer_new(&r0));
	BENCH_CHECK(trace_qr_renderer_set_level(r0, 0));
	size_t png_size = 0, png0_size = 0;
	double best_raw = 0, best_ours = 0, best_ours0 = 0;
	char **uris = make_uris((size_t)p->per_round);
	(void)raw_round(uris, p->per_round / 10 + 1); /* warm caches and allocator */
	(void)ours_round(uris, p->per_round / 10 + 1, r, &png_size);
	for (int i = 0; i < p->rounds; i++) {
		double x = raw_round(uris, p->per_round), y = ours_round(uris, p->per_round, r, &png_size);
		double z = ours_round(uris, p->per_round, r0, &png0_size);
		best_raw = x > best_raw ? x : best_raw;
		best_ours = y > best_ours ? y : best_ours;
		best_ours0 = z > best_ours0 ? z : best_ours0;
	}
	free_uris(uris, (size_t)p->per_round);
	trace_qr_renderer_free(r);
	trace_qr_renderer_free(r0);
	trace_qr *probe;
	BENCH_CHECK(trace_qr_new(&probe, URI, NULL));
	snprintf(op, sizeof op, "QR PNG labels, 77-char Digital Link, ECC M, version %d, %d px modules, %zu-byte PNG, 1 thread",
	         trace_qr_version(probe), MODULE_PX, png_size);
	trace_qr_free(probe);
	bench_row(&t, op, bench_fmt_rate(fig, sizeof fig, best_ours, "labels/s"), "≥ 0.8 × libqrencode",
	          bench_fmt_rate(raw, sizeof raw, best_raw, "encodes/s (libqrencode encode only)"),
	          bench_fmt_ratio(ratio, sizeof ratio, best_ours / best_raw, 0.8));
	snprintf(op, sizeof op, "the same, renderer at deflate level 0 (stored), %zu-byte PNG", png0_size);
	bench_row(&t, op, bench_fmt_rate(fig, sizeof fig, best_ours0, "labels/s"), "≥ 0.8 × libqrencode",
	          bench_fmt_rate(raw, sizeof raw, best_raw, "encodes/s (libqrencode encode only)"),
	          bench_fmt_ratio(ratio, sizeof ratio, best_ours0 / best_raw, 0.8));

	uris = make_uris(p->batch);
	trace_buf *pngs = calloc(p->batch, sizeof *pngs);
	BENCH_REQUIRE(pngs != NULL, "out of memory");
	double rate[2];
	for (int k = 0; k < 2; k++) {
		double t0 = bench_now();
		BENCH_CHECK(trace_qr_batch_png(pngs, (const char *const *)uris, p->batch, NULL, MODULE_PX, k ? 0 : 1));
		rate[k] = (double)p->batch / (bench_now() - t0);
		for (size_t i = 0; i < p->batch; i++)
			trace_buf_dispose(&pngs[i]);
	}
	free(pngs);
	free_uris(uris, p->batch);
	snprintf(op, sizeof op, "QR PNG labels, batch of %zu, threads = 0 (all %ld CPUs)", p->batch, cpus);
	snprintf(raw, sizeof raw, "%s on 1 thread", bench_fmt_rate(fig, sizeof fig, rate[0], "labels/s"));
	snprintf(ratio, sizeof ratio, "%.2f × (speed-up)", rate[1] / rate[0]);
	bench_row(&t, op, bench_fmt_rate(fig, sizeof fig, rate[1], "labels/s"), "all cores used", raw, ratio);

	uris = make_uris(p->sheet);
	trace_qr **codes = calloc(p->sheet, sizeof *codes);
	BENCH_REQUIRE(codes != NULL, "out of memory");
	trace_buf pdf = TRACE_BUF_INIT;
	double t0 = bench_now();
	BENCH_CHECK(trace_qr_batch_new(codes, (const char *const *)uris, p->sheet, NULL, 0));
	double built = bench_now();
	BENCH_CHECK(trace_qr_labels_pdf(&pdf, (const trace_qr *const *)codes, (const char *const *)uris, p->sheet, NULL));
	double done = bench_now();
	snprintf(op, sizeof op, "%zu labels to a PDF sheet (4 per row, A4; %.1f MB)", p->sheet, (double)pdf.size / 1e6);
	snprintf(raw, sizeof raw, "codes %.2f s + PDF %.2f s", built - t0, done - built);
	snprintf(ratio, sizeof ratio, "%.2f (goal ≤ 1)%s", (done - t0) / 5.0 * (10000.0 / (double)p->sheet),
	         done - t0 <= 5.0 * (double)p->sheet / 10000.0 ? "" : " **below goal**");
	bench_row(&t, op, bench_fmt_time(fig, sizeof fig, done - t0), "< 5 s for 10,000", raw, ratio);
	trace_buf_dispose(&pdf);
	for (size_t i = 0; i < p->sheet; i++)
		trace_qr_free(codes[i]);
	free(codes);
	free_uris(uris, p->sheet);
	bench_table_note(&t, "\n");
	bench_table_close(&t);
	return 0;
}
