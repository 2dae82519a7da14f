/*
 * bench/bench_codes: the code module against issue 3's performance targets,
 * each next to the raw limit of what it is built on, measured in the same run.
 *
 *   build/bench/bench_codes [--small] [--out FILE]
 *
 * - serial generation in memory: trace_issuer_issue_gs1() on an in-memory
 *   issuer, the callback copying each code (its Digital Link URI) out;
 *   raw limit: AES-128 blocks through EVP in the same batches, / 10 rounds.
 * - durable issuance with uniqueness guaranteed: an issuer in a temporary
 *   ledger directory, print jobs of 10,000 codes (each one reservation made
 *   durable with fdatasync before its codes are handed out), every code
 *   appended to an in-memory print buffer; compared with the per-code
 *   random-key LMDB put that the alternative (store and check each serial)
 *   would need (raw_limits.c).
 * - parsing, for information: Digital Link URIs and GS1 DataMatrix scan data.
 *
 * --small is the test-suite smoke run: no timing assertions, but any failed
 * call, a repeated serial or a code that does not parse back exits 1.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <trace/trace.h>

#include "bench_util.h"
#include "raw_limits.h"

#define GTIN "06901234567892"
#define LOT "LOT-2025/01"
#define JOB 10000      /* codes per durable print job */
#define AES_BATCH 256  /* blocks per EVP call, as the issuer does */

typedef struct params {
	uint64_t mem_codes, durable_codes, parses, random_puts;
	double aes_s;
} params;

static const params full_params = { 4000000, 2000000, 400000, 200000, 1.0 };
static const params small_params = { 50000, 50000, 5000, 5000, 0.05 };

/* A print buffer the codes are appended to, as a label job would. */
typedef struct sink {
	char *buf;
	size_t len, cap;
	uint64_t n;
	uint64_t check; /* a value that depends on every code */
} sink;

static int to_sink(const char *code, const char *serial, uint64_t seq, void *payload)
{
	sink *s = payload;
	size_t n = strlen(code);
	if (s->len + n + 1 > s->cap) {
		s->len = 0; /* recycle: the job is "printed" */
	}
	memcpy(s->buf + s->len, code, n);
	s->buf[s->len + n] = '\n';
	s->len += n + 1;
	s->n++;
	s->check += (uint64_t)(unsigned char)serial[3] + seq;
	return 0;
}

static double raw_aes_codes_per_s(double seconds)
{
	/* AES-128-ECB over batches of 16-byte blocks; a code costs 10 blocks. */
	static const unsigned char key[16] = { 1, 2, 3 };
	unsigned char in[AES_BATCH * 16] = { 0 }, out[AES_BATCH * 16];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	BENCH_REQUIRE(ctx && EVP_EncryptInit_ex2(ctx, EVP_aes_128_ecb(), key, NULL, NULL) == 1, "AES setup");
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	uint64_t blocks = 0;
	double t0 = bench_now(), t;
	do {
		for (int r = 0; r < 64; r++) {
			int n;
			in[0]++;
			BENCH_REQUIRE(EVP_EncryptUpdate(ctx, out, &n, in, sizeof in) == 1, "AES");
			blocks += AES_BATCH;
		}
		t = bench_now() - t0;
	} while (t < seconds);
	EVP_CIPHER_CTX_free(ctx);
	return (double)blocks / t / 10.0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects serials for the uniqueness check of the small run. */
typedef struct collect {
	char **serials;
	size_t n, cap;
} collect;

static int to_collect(const char *code, const char *serial, uint64_t seq, void *payload)
{
	collect *c = payload;
	(void)seq;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 4096;
		c->serials = realloc(c->serials, c->cap * sizeof *c->serials);
		BENCH_REQUIRE(c->serials != NULL, "out of memory");
	}
	c->serials[c->n++] = strdup(serial);
	trace_code *p = NULL;
	BENCH_CHECK(trace_code_parse(&p, code, TRACE_CODE_FORM_AUTO, 0));
	BENCH_REQUIRE(strcmp(trace_code_find(p, "21"), serial) == 0, "code %s lost its serial", code);
	trace_code_free(p);
	return 0;
}

int main(int argc, char **argv)
{
	bench_args args = bench_parse_args(argc, argv, NULL);
	const params P = args.small ? small_params : full_params;
	char fig[96], raw[96], ratio[96], op[320];
	sink s = { malloc(1 << 20), 0, 1 << 20, 0, 0 };
	BENCH_REQUIRE(s.buf != NULL, "out of memory");

	bench_table tab;
	bench_table_open(&tab, args.out);
	struct utsname u;
	uname(&u);
	bench_table_note(&tab, "## libtrace codes (bench_codes%s)\n\n",
	                 args.small ? " --small: smoke run, figures not meaningful" : "");
	bench_table_note(&tab, "libtrace %s; %s; %s %s; %ld online CPUs, one used; temp dir on $TMPDIR or /tmp\n\n",
	                 trace_version_string(), raw_versions(), u.sysname, u.release, sysconf(_SC_NPROCESSORS_ONLN));

	/* ---- serial generation in memory -------------------------------------- */
	trace_issuer *mem;
	BENCH_CHECK(trace_issuer_open(&mem, NULL, "1"));
	BENCH_CHECK(trace_issuer_issue_gs1(mem, GTIN, LOT, 1000, to_sink, &s)); /* warm-up */
	uint64_t chunk = P.mem_codes < 1000000 ? P.mem_codes : 1000000;
	double t0 = bench_now();
	for (uint64_t done = 0; done < P.mem_codes; done += chunk)
		BENCH_CHECK(trace_issuer_issue_gs1(mem, GTIN, LOT, chunk, to_sink, &s));
	double mem_rate = (double)P.mem_codes / (bench_now() - t0);
	trace_issuer_close(mem);
	double aes = raw_aes_codes_per_s(P.aes_s);
	snprintf(op, sizeof op, "serial generation in memory (GTIN + lot, 14-char serials, Digital Link URI per code; %s codes)",
	         bench_fmt_num(fig, sizeof fig, (double)P.mem_codes, 0));
	bench_row(&tab, op, bench_fmt_rate(fig, sizeof fig, mem_rate, "codes/s"), "≥ 1,000,000 codes/s",
	          bench_fmt_rate(raw, sizeof raw, aes, "codes/s (AES-128 EVP, 10 blocks/code)"),
	          bench_fmt_ratio(ratio, sizeof ratio, mem_rate / aes, 0));

	/* ---- durable issuance --------------------------------------------------- */
	char *tmp = bench_tmpdir("libtrace-bench-codes");
	char ledger[4096];
	snprintf(ledger, sizeof ledger, "%s/ledger", tmp);
	trace_issuer *dur;
	BENCH_CHECK(trace_issuer_open(&dur, ledger, "1"));
	t0 = bench_now();
	for (uint64_t done = 0; done < P.durable_codes; done += JOB)
		BENCH_CHECK(trace_issuer_issue_gs1(dur, GTIN, LOT, JOB, to_sink, &s));
	double dur_rate = (double)P.durable_codes / (bench_now() - t0);
	trace_issuer_close(dur);
	/* Reopening resumes past every reservation: the uniqueness guarantee. */
	BENCH_CHECK(trace_issuer_open(&dur, ledger, NULL));
	BENCH_REQUIRE(trace_issuer_count(dur) == P.durable_codes, "counter did not persist");
	trace_issuer_close(dur);

	char rawdir[4200];
	snprintf(rawdir, sizeof rawdir, "%s/raw-random", tmp);
	BENCH_REQUIRE(mkdir(rawdir, 0700) == 0, "mkdir %s", rawdir);
	double rnd = raw_lmdb_random_puts_per_s(rawdir, P.random_puts, 1000, 8);
	BENCH_REQUIRE(rnd > 0, "raw LMDB random puts failed");
	snprintf(op, sizeof op, "durable issuance, uniqueness guaranteed (jobs of %d codes, one fdatasync'ed reservation each; %s codes)",
	         JOB, bench_fmt_num(fig, sizeof fig, (double)P.durable_codes, 0));
	bench_row(&tab, op, bench_fmt_rate(fig, sizeof fig, dur_rate, "codes/s"), "≥ 200,000 codes/s",
	          bench_fmt_rate(raw, sizeof raw, rnd, "codes/s (LMDB random-key put per code, batches of 1,000)"),
	          bench_fmt_ratio(ratio, sizeof ratio, dur_rate / rnd, 0));

	/* ---- parsing (information) -------------------------------------------- */
	static const char *const inputs[2] = {
		"https://id.gs1.org/01/06901234567892/10/LOT-2025%2F01/21/1ABCDEFGHJKMNP?17=271231",
		"]d201069012345678921727123110LOT-2025/01\x1d" "211ABCDEFGHJKMNP",
	};
	static const char *const names[2] = { "parse Digital Link URI (77 chars, 4 AIs)", "parse GS1 DataMatrix scan data (4 AIs)" };
	for (int k = 0; k < 2; k++) {
		t0 = bench_now();
		for (uint64_t i = 0; i < P.parses; i++) {
			trace_code *c;
			BENCH_CHECK(trace_code_parse(&c, inputs[k], TRACE_CODE_FORM_AUTO, 0));
			trace_code_free(c);
		}
		double r = (double)P.parses / (bench_now() - t0);
		bench_row(&tab, names[k], bench_fmt_rate(fig, sizeof fig, r, "codes/s"), "", "", "");
	}

	/* ---- smoke checks (every run) ----------------------------------------- */
	collect col = { 0 };
	BENCH_CHECK(trace_issuer_open(&dur, ledger, NULL));
	BENCH_CHECK(trace_issuer_issue_gs1(dur, GTIN, LOT, args.small ? 20000 : 100000, to_collect, &col));
	trace_issuer_close(dur);
	qsort(col.serials, col.n, sizeof *col.serials, cmp_str);
	for (size_t i = 1; i < col.n; i++)
		BENCH_REQUIRE(strcmp(col.serials[i - 1], col.serials[i]) != 0, "serial %s issued twice", col.serials[i]);
	for (size_t i = 0; i < col.n; i++)
		free(col.serials[i]);
	free(col.serials);

	snprintf(op, sizeof op, "\nTargets from issue 3. Ratio = libtrace / raw. Generation does 10 AES-128 blocks per code "
	         "(the keyed Feistel permutation) plus formatting; durable issuance adds one fdatasync per job "
	         "instead of one random-key write per code. Checksum %" PRIu64 ".\n", s.check);
	bench_table_note(&tab, "%s", op);
	bench_table_close(&tab);
	bench_rmtree(tmp);
	free(tmp);
	free(s.buf);
	return 0;
}
