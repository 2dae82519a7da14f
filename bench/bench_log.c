/*
 * bench/bench_log: the ledger core against issue 2's performance targets,
 * each figure next to the raw limit of the libraries underneath measured in
 * the same run (raw_limits.c: OpenSSL EVP and LMDB called directly).
 *
 *   build/bench/bench_log [--small] [--out FILE]
 *
 * Full run: a 1,000,000-entry log of 300-byte entries appended in durable
 * batches of 1,000; inclusion proofs from it at its full size; verification
 * of those proofs against a checkpoint verified once; a full audit;
 * checkpoint signing; peak memory after each phase.  --small (20,000
 * entries, few iterations) is what the test suite runs: no timing
 * assertions, but any failing call, or a proof that does not verify, or a
 * raw ledger that did not write exactly what libtrace wrote, exits 1.
 *
 * Fairness on a shared machine: durable writes (libtrace, the raw ledger,
 * plain LMDB puts) are interleaved batch by batch in rotating order, so a
 * slow fsync period hits them alike; CPU-bound phases alternate libtrace
 * and raw rounds and keep each side's best round.  Single-threaded; nothing
 * is pinned.  Everything lives in a temporary directory under $TMPDIR (or
 * /tmp), removed at the end.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <trace/trace.h>

#include "bench_util.h"
#include "raw_limits.h"

#define ENTRY_SIZE 300
#define BATCH 1000
#define ORIGIN "bench.example/ledger"	/* also the key name, as logs require */
#define MAPSIZE ((uint64_t)4 << 30)	/* both ledgers: no growth mid-run */
#define ROUNDS 3			/* alternating rounds of the CPU-bound phases */

typedef struct params {
	uint64_t entries;	/* log size */
	int progress_every;	/* batches between progress lines and checkpoints */
	uint64_t proofs;	/* timed proof generations per side */
	size_t sample;		/* proofs kept (and all verified) for the verification run */
	uint64_t verifies;	/* timed verifications per side */
	double micro_s;		/* seconds per micro benchmark */
	uint64_t random_puts;	/* random-key LMDB puts, interleaved with the appends */
	int signs;		/* note signatures timed */
} params;

static const params full_params = { 1000000, 100, 300000, 4096, 600000, 1.0, 200000, 201 };
static const params small_params = { 20000, 10, 3000, 1000, 15000, 0.05, 5000, 9 };

/* Rows are kept and printed together at the end, in a fixed order. */
static bench_kept_row rows[BENCH_MAX_ROWS];
static int nrows;
#define row(...) bench_keep_row(rows, &nrows, __VA_ARGS__)

#define progress(...) bench_progress("bench_log", __VA_ARGS__)


static char *subdir(const char *dir, const char *name)
{
	char *p = bench_path_join(dir, name);
	BENCH_REQUIRE(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
	return p;
}

static uint64_t rng_state = 0x1234567;
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Entry i: its index (big-endian), then bytes derived from it. */
static void make_batch(uint8_t *buf, uint64_t first, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = buf + i * ENTRY_SIZE;
		uint64_t x = first + i, s = x * 0x9e3779b97f4a7c15ull + 1;
		for (size_t j = 0; j < ENTRY_SIZE; j += 8) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			memcpy(e + j, &s, ENTRY_SIZE - j < 8 ? ENTRY_SIZE - j : 8);
		}
		for (int b = 0; b < 8; b++)
			e[b] = (uint8_t)(x >> (56 - 8 * b));
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return v[n / 2];
}

static double best_rate(double (*f)(size_t, double), size_t len, double seconds)
{
	double best = -1;
	for (int i = 0; i < ROUNDS; i++) {
		double r = f(len, seconds / ROUNDS);
		BENCH_REQUIRE(r > 0, "a raw limit failed");
		if (r > best)
			best = r;
	}
	return best;
}

/* "peak RSS (anonymous now)": the peak includes LMDB map pages touched. */
static char *fmt_mem(char *buf, size_t cap)
{
	char peak[32], anon[32];
	bench_fmt_bytes(peak, sizeof peak, (double)bench_peak_rss());
	bench_fmt_bytes(anon, sizeof anon, (double)bench_anon_rss());
	snprintf(buf, cap, "%s (anon. now %s)", peak, anon);
	return buf;
}

/* The state shared by the phases. */
typedef struct run {
	params P;
	trace_log *log;
	raw_ledger *raw;
	trace_hasher *hasher;
	uint64_t size;
	const uint8_t *root;	/* from the verified checkpoint */
	size_t root_len;
	size_t sample;
	uint64_t *sample_idx;
	trace_buf *sample_proof;
	uint8_t *sample_leaf;
} run;

/* One side of a CPU-bound phase: @count operations starting at @from. */
static void proofs_lib(run *r, const uint64_t *idx, uint64_t from, uint64_t count)
{
	for (uint64_t i = from; i < from + count; i++) {
		trace_buf pb = TRACE_BUF_INIT;
		BENCH_CHECK(trace_log_inclusion_proof(&pb, r->log, idx[i], r->size));
		trace_buf_dispose(&pb);
	}
}

static void proofs_raw(run *r, const uint64_t *idx, uint64_t from, uint64_t count)
{
	uint8_t proof[RAW_MAX_PROOF * RAW_HASH];
	size_t n;
	for (uint64_t i = from; i < from + count; i++)
		BENCH_REQUIRE(raw_ledger_proof(r->raw, idx[i], proof, &n) == 0, "raw proof");
}

static void verify_lib(run *r, const uint64_t *unused, uint64_t from, uint64_t count)
{
	(void)unused;
	for (uint64_t i = from; i < from + count; i++) {
		size_t j = (size_t)(i % r->sample);
		int rc = trace_merkle_verify_inclusion(r->hasher, r->sample_idx[j], r->size, r->sample_leaf + j * RAW_HASH,
		                                       RAW_HASH, r->sample_proof[j].ptr, r->sample_proof[j].size,
		                                       r->root, r->root_len);
		if (rc != TRACE_OK)
			bench_die("trace_merkle_verify_inclusion", __FILE__, __LINE__, rc);
	}
}

static void verify_raw(run *r, const uint64_t *unused, uint64_t from, uint64_t count)
{
	(void)unused;
	for (uint64_t i = from; i < from + count; i++) {
		size_t j = (size_t)(i % r->sample);
		BENCH_REQUIRE(raw_ledger_verify(r->raw, r->sample_idx[j], r->size, r->sample_leaf + j * RAW_HASH,
		                                r->sample_proof[j].ptr, r->sample_proof[j].size / RAW_HASH, r->root) == 0,
		              "raw verification failed");
	}
}

static void audit_lib(run *r, const uint64_t *unused, uint64_t from, uint64_t count)
{
	(void)unused;
	(void)from;
	(void)count;
	BENCH_CHECK(trace_log_audit(r->log));
}

static void audit_raw(run *r, const uint64_t *unused, uint64_t from, uint64_t count)
{
	(void)unused;
	(void)from;
	(void)count;
	BENCH_REQUIRE(raw_ledger_audit(r->raw) == 0, "raw audit");
}

typedef void (*side_fn)(run *, const uint64_t *, uint64_t, uint64_t);

/* Alternates libtrace and raw rounds of @per_round operations each (the
 * same operations on both sides); returns each side's best rate and
 * libtrace's CPU share (CPU time / wall time over its rounds). */
static void duel(run *r, side_fn lib, side_fn raw, const uint64_t *idx, uint64_t per_round,
                 double *lib_rate, double *raw_rate, double *cpu_share)
{
	double lib_best = 0, raw_best = 0, lib_wall = 0, lib_cpu = 0;
	for (int k = 0; k < ROUNDS; k++) {
		uint64_t from = (uint64_t)k * per_round;
		for (int turn = 0; turn < 2; turn++) {
			int is_lib = (turn ^ (k & 1)) == 0;
			double c0 = bench_cpu_now(), t0 = bench_now();
			(is_lib ? lib : raw)(r, idx, from, per_round);
			double wall = bench_now() - t0, rate = (double)per_round / wall;
			if (is_lib) {
				lib_wall += wall;
				lib_cpu += bench_cpu_now() - c0;
				if (rate > lib_best)
					lib_best = rate;
			} else if (rate > raw_best) {
				raw_best = rate;
			}
		}
	}
	*lib_rate = lib_best;
	*raw_rate = raw_best;
	*cpu_share = lib_cpu / lib_wall;
}

int main(int argc, char **argv)
{
	bench_args args = bench_parse_args(argc, argv, NULL);
	run R = { .P = args.small ? small_params : full_params };
	const params P = R.P;
	char a[128], b[192], c[320], d[64], t1[32], t2[32], t3[32];
	double t0;

	/* ---- setup -------------------------------------------------------- */
	char *tmp = bench_tmpdir("libtrace-bench-log");
	char *log_dir = bench_path_join(tmp, "log");	/* created by trace_log_create */
	char *raw_dir = subdir(tmp, "raw");
	char *seq_dir = subdir(tmp, "lmdb-seq");
	char *rnd_dir = subdir(tmp, "lmdb-random");
	progress("%s mode, working in %s", args.small ? "small" : "full", tmp);

	trace_buf skey = TRACE_BUF_INIT, vkey = TRACE_BUF_INIT, note = TRACE_BUF_INIT;
	trace_signer *signer = NULL;
	trace_verifier *verifier = NULL;
	trace_log_opts *opts = NULL;
	BENCH_CHECK(trace_key_generate(&skey, &vkey, ORIGIN, TRACE_KEY_ED25519));
	BENCH_CHECK(trace_signer_from_skey(&signer, (const char *)skey.ptr));
	BENCH_CHECK(trace_verifier_new(&verifier, (const char *)vkey.ptr));
	BENCH_CHECK(trace_hasher_new(&R.hasher, TRACE_SUITE_SHA256_ED25519));
	BENCH_CHECK(trace_log_opts_new(&opts));
	BENCH_CHECK(trace_log_opts_set_mapsize(opts, MAPSIZE));
	BENCH_CHECK(trace_log_create(&R.log, log_dir, ORIGIN, (const char *)vkey.ptr, opts));
	BENCH_REQUIRE(raw_ledger_open(&R.raw, raw_dir, MAPSIZE) == 0, "raw ledger");
	raw_puts *seq = raw_puts_open(seq_dir, 0, ENTRY_SIZE), *rnd = raw_puts_open(rnd_dir, 1, 8);
	BENCH_REQUIRE(seq != NULL && rnd != NULL, "raw LMDB puts");

	/* ---- appends ------------------------------------------------------- */
	/* Per batch: libtrace, the raw ledger, plain sequential LMDB puts and
	 * (every few batches) random-key puts, in rotating order; only those
	 * calls are timed.  Checkpoints (libtrace's and the raw ledger's, in
	 * alternating order) after each of the first 5 batches and every
	 * progress_every batches. */
	uint8_t *batch = malloc((size_t)BATCH * ENTRY_SIZE);
	const uint8_t *ptrs[BATCH];
	size_t lens[BATCH];
	BENCH_REQUIRE(batch != NULL, "out of memory");
	for (size_t i = 0; i < BATCH; i++) {
		ptrs[i] = batch + i * ENTRY_SIZE;
		lens[i] = ENTRY_SIZE;
	}
	uint64_t batches = P.entries / BATCH, rnd_batches = P.random_puts / BATCH;
	uint64_t rnd_every = rnd_batches ? (batches / rnd_batches ? batches / rnd_batches : 1) : 0, rnd_done = 0;
	double lib_s = 0, lib_cpu_s = 0, raw_s = 0, seq_s = 0, rnd_s = 0;
	double *lib_batch_s = malloc(batches * sizeof *lib_batch_s);
	double cp_early[8], cp_late[64], raw_cp_early[8], raw_cp_late[64];
	int n_early = 0, n_late = 0;
	uint64_t late_first = 0;
	BENCH_REQUIRE(lib_batch_s != NULL, "out of memory");

	progress("appending %" PRIu64 " entries of %d bytes in durable batches of %d", P.entries, ENTRY_SIZE, BATCH);
	for (uint64_t k = 0; k < batches; k++) {
		uint64_t done = k * BATCH, first = UINT64_MAX;
		int with_rnd = rnd_every && k % rnd_every == 0 && rnd_done < rnd_batches;
		make_batch(batch, done, BATCH);
		for (int turn = 0; turn < 4; turn++) {
			double dt;
			switch ((turn + (int)(k % 4)) % 4) {
			case 0: {
				double c0 = bench_cpu_now();
				t0 = bench_now();
				BENCH_CHECK(trace_log_append(&first, R.log, ptrs, lens, BATCH));
				lib_s += lib_batch_s[k] = bench_now() - t0;
				lib_cpu_s += bench_cpu_now() - c0;
				break;
			}
			case 1:
				t0 = bench_now();
				BENCH_REQUIRE(raw_ledger_append(R.raw, ptrs, lens, BATCH) == 0, "raw ledger append");
				raw_s += bench_now() - t0;
				break;
			case 2:
				BENCH_REQUIRE((dt = raw_puts_batch(seq, BATCH)) >= 0, "LMDB sequential puts");
				seq_s += dt;
				break;
			default:
				if (with_rnd) {
					BENCH_REQUIRE((dt = raw_puts_batch(rnd, BATCH)) >= 0, "LMDB random puts");
					rnd_s += dt;
					rnd_done++;
				}
			}
		}
		BENCH_REQUIRE(first == done, "append returned index %" PRIu64 ", expected %" PRIu64, first, done);
		int early = k < 5, late = (k + 1) % (uint64_t)P.progress_every == 0;
		if (early || (late && n_late < 64)) {
			double rs = 0, cs = 0;
			for (int turn = 0; turn < 2; turn++) {
				if ((turn ^ (int)(k & 1)) == 0) {
					t0 = bench_now();
					BENCH_CHECK(trace_log_checkpoint_sign(&note, R.log, signer));
					cs = bench_now() - t0;
					trace_buf_dispose(&note);
				} else {
					BENCH_REQUIRE(raw_ledger_checkpoint(R.raw, ORIGIN, &rs) == 0, "raw checkpoint");
				}
			}
			if (early) {
				cp_early[n_early] = cs;
				raw_cp_early[n_early++] = rs;
			} else {
				if (n_late == 0)
					late_first = done + BATCH;
				cp_late[n_late] = cs;
				raw_cp_late[n_late++] = rs;
			}
		}
		if (late)
			progress("  %" PRIu64 " entries: libtrace %.0f/s, raw ledger %.0f/s", done + BATCH,
			         (done + BATCH) / lib_s, (done + BATCH) / raw_s);
	}
	free(batch);
	raw_puts_close(seq);
	raw_puts_close(rnd);
	BENCH_CHECK(trace_log_size(&R.size, R.log));
	BENCH_REQUIRE(R.size == P.entries && raw_ledger_size(R.raw) == P.entries, "sizes after appending: %" PRIu64, R.size);
	uint64_t size = R.size;
	char mem_append[80];
	fmt_mem(mem_append, sizeof mem_append);

	/* ---- the latest checkpoint, verified once --------------------------- */
	uint8_t root[TRACE_HASH_MAX_SIZE], raw_root[RAW_HASH];
	size_t text_len;
	trace_note *parsed = NULL;
	trace_checkpoint *cp = NULL;
	BENCH_CHECK(trace_log_checkpoint_get(&note, R.log, UINT64_MAX));
	BENCH_CHECK(trace_note_parse(&parsed, (const char *)note.ptr, note.size));
	BENCH_REQUIRE(trace_note_signature_count(parsed) == 1, "a checkpoint carries %zu signatures, expected 1",
	              trace_note_signature_count(parsed));
	const trace_verifier *keys[1] = { verifier };
	BENCH_CHECK(trace_note_verify(NULL, NULL, parsed, keys, 1));
	const char *text = trace_note_text(parsed, &text_len);
	BENCH_CHECK(trace_checkpoint_parse(&cp, text, text_len));
	BENCH_REQUIRE(trace_checkpoint_size(cp) == size, "latest checkpoint is for size %" PRIu64, trace_checkpoint_size(cp));
	R.root = trace_checkpoint_root(cp, &R.root_len);
	BENCH_CHECK(trace_log_root(root, sizeof root, R.log, size));
	BENCH_REQUIRE(R.root_len == RAW_HASH && memcmp(R.root, root, RAW_HASH) == 0, "checkpoint root != log root");
	BENCH_REQUIRE(raw_ledger_root(R.raw, raw_root) == 0 && memcmp(raw_root, root, RAW_HASH) == 0,
	              "the raw ledger's root differs from libtrace's: it is not doing the same work");

	/* ---- inclusion proofs ---------------------------------------------- */
	progress("inclusion proofs at size %" PRIu64, size);
	R.sample = P.sample;
	R.sample_idx = malloc(P.sample * sizeof *R.sample_idx);
	R.sample_proof = calloc(P.sample, sizeof *R.sample_proof);
	R.sample_leaf = malloc(P.sample * RAW_HASH);
	uint8_t raw_proof[RAW_MAX_PROOF * RAW_HASH];
	size_t raw_count, proof_hashes = 0;
	BENCH_REQUIRE(R.sample_idx && R.sample_proof && R.sample_leaf, "out of memory");
	for (size_t i = 0; i < P.sample; i++) {
		R.sample_idx[i] = rng() % size;
		BENCH_CHECK(trace_log_inclusion_proof(&R.sample_proof[i], R.log, R.sample_idx[i], size));
		BENCH_CHECK(trace_log_leaf_hash(R.sample_leaf + i * RAW_HASH, RAW_HASH, R.log, R.sample_idx[i]));
		BENCH_REQUIRE(raw_ledger_proof(R.raw, R.sample_idx[i], raw_proof, &raw_count) == 0, "raw proof");
		BENCH_REQUIRE(raw_count * RAW_HASH == R.sample_proof[i].size &&
		              memcmp(raw_proof, R.sample_proof[i].ptr, R.sample_proof[i].size) == 0,
		              "raw and libtrace proofs of %" PRIu64 " differ", R.sample_idx[i]);
		/* Every kept proof must verify against the verified checkpoint. */
		BENCH_CHECK(trace_merkle_verify_inclusion(R.hasher, R.sample_idx[i], size, R.sample_leaf + i * RAW_HASH,
		                                          RAW_HASH, R.sample_proof[i].ptr, R.sample_proof[i].size,
		                                          R.root, R.root_len));
		proof_hashes += raw_count;
	}
	{
		/* ... and a tampered one must not. */
		R.sample_proof[0].ptr[0] ^= 1;
		int rc = trace_merkle_verify_inclusion(R.hasher, R.sample_idx[0], size, R.sample_leaf, RAW_HASH,
		                                       R.sample_proof[0].ptr, R.sample_proof[0].size, R.root, R.root_len);
		BENCH_REQUIRE(rc == TRACE_ECHAINBREAK, "a tampered proof gave %d, expected TRACE_ECHAINBREAK", rc);
		R.sample_proof[0].ptr[0] ^= 1;
	}
	uint64_t per_round = P.proofs / ROUNDS;
	uint64_t *idx = malloc(per_round * ROUNDS * sizeof *idx);
	BENCH_REQUIRE(idx != NULL, "out of memory");
	for (uint64_t i = 0; i < per_round * ROUNDS; i++)
		idx[i] = rng() % size;
	double lp, rp, cpu_proof;
	duel(&R, proofs_lib, proofs_raw, idx, per_round, &lp, &rp, &cpu_proof);
	free(idx);
	char mem_proofs[80];
	fmt_mem(mem_proofs, sizeof mem_proofs);

	/* ---- verification against the verified checkpoint ------------------ */
	progress("verifying inclusion proofs");
	double lv, rv, cpu_verify;
	duel(&R, verify_lib, verify_raw, NULL, P.verifies / ROUNDS, &lv, &rv, &cpu_verify);
	char mem_verify[80];
	fmt_mem(mem_verify, sizeof mem_verify);

	/* ---- full audit ----------------------------------------------------- */
	progress("full audit of %" PRIu64 " entries, %d times each", size, ROUNDS);
	double la, ra, cpu_audit;
	duel(&R, audit_lib, audit_raw, NULL, size, &la, &ra, &cpu_audit);
	char mem_audit[80];
	fmt_mem(mem_audit, sizeof mem_audit);

	/* ---- the signature inside a checkpoint ------------------------------ */
	/* trace_note_sign of the checkpoint text (no root, no store) against
	 * one raw Ed25519 signature of the same text, alternately. */
	double *note_sign_s = malloc((size_t)P.signs * 2 * sizeof *note_sign_s), *raw_sign = note_sign_s + P.signs;
	raw_signer *rsigner = raw_signer_new();
	BENCH_REQUIRE(note_sign_s != NULL && rsigner != NULL, "signing setup");
	for (int i = 0; i < P.signs; i++) {
		trace_buf signed_note = TRACE_BUF_INIT;
		uint8_t sig[64];
		t0 = bench_now();
		BENCH_CHECK(trace_note_sign(&signed_note, text, text_len, &signer, 1, 0));
		note_sign_s[i] = bench_now() - t0;
		trace_buf_dispose(&signed_note);
		t0 = bench_now();
		BENCH_REQUIRE(raw_signer_sign(rsigner, sig, (const uint8_t *)text, text_len) == 0, "raw Ed25519 signing");
		raw_sign[i] = bench_now() - t0;
	}
	double lib_sign_s = median(note_sign_s, (size_t)P.signs), raw_sign_s = median(raw_sign, (size_t)P.signs);
	free(note_sign_s);
	raw_signer_free(rsigner);

	/* ---- CPU raw limits alone ------------------------------------------- */
	progress("raw limits: SHA-256, Ed25519");
	double sha_bulk = best_rate(raw_sha256_msgs_per_s, 16384, P.micro_s) * 16384;
	double sha_leaf = best_rate(raw_sha256_msgs_per_s, ENTRY_SIZE + 1, P.micro_s);
	double sha_node = best_rate(raw_sha256_msgs_per_s, 65, P.micro_s);
	double signs = best_rate(raw_ed25519_signs_per_s, text_len, P.micro_s);
	double verifies = best_rate(raw_ed25519_verifies_per_s, text_len, P.micro_s);
	char mem_end[80];
	fmt_mem(mem_end, sizeof mem_end);

	/* ---- close, then check the raw ledger wrote exactly what libtrace did -- */
	trace_checkpoint_free(cp);
	trace_note_free(parsed);
	trace_buf_dispose(&note);
	for (size_t i = 0; i < P.sample; i++)
		trace_buf_dispose(&R.sample_proof[i]);
	free(R.sample_proof);
	free(R.sample_idx);
	free(R.sample_leaf);
	trace_log_close(R.log);
	raw_ledger_close(R.raw);
	static const char *const same_dbs[] = { "entries", "tiles", NULL };
	BENCH_REQUIRE(raw_compare_envs(log_dir, raw_dir, same_dbs) == 0,
	              "the raw ledger's entries or tiles differ from libtrace's");
	uint64_t lib_bytes = raw_env_used_bytes(log_dir), raw_bytes = raw_env_used_bytes(raw_dir);

	/* ---- the table ------------------------------------------------------- */
	double lib_rate = size / lib_s, raw_rate = size / raw_s;
	row("append: 300-byte entries, durable batches of 1,000 (entries/s)", bench_fmt_rate(a, sizeof a, lib_rate, "/s"),
	    "≥ 100,000/s", bench_fmt_rate(c, sizeof c, raw_rate, "/s (same LMDB writes + SHA-256, direct)"),
	    bench_fmt_ratio(d, sizeof d, lib_rate / raw_rate, 0.7));
	snprintf(b, sizeof b, "inclusion proof from a %s-entry log (proofs/s)", bench_fmt_num(t1, sizeof t1, (double)size, 0));
	row(b, bench_fmt_rate(a, sizeof a, lp, "/s"), "≥ 100,000/s",
	    bench_fmt_rate(c, sizeof c, rp, "/s (same tile reads, reused read txn)"), bench_fmt_ratio(d, sizeof d, lp / rp, 0));
	snprintf(b, sizeof b, "verify inclusion proof vs verified checkpoint (%.1f hashes/proof)",
	         (double)proof_hashes / (double)P.sample);
	row(b, bench_fmt_rate(a, sizeof a, lv, "/s"), "≥ 200,000/s",
	    bench_fmt_rate(c, sizeof c, rv, "/s (EVP node hashes, direct)"), bench_fmt_ratio(d, sizeof d, lv / rv, 0));
	row("full audit (entries/s)", bench_fmt_rate(a, sizeof a, la, "/s"), "≥ 1,000,000/s",
	    bench_fmt_rate(c, sizeof c, ra, "/s (cursor scan + leaf/tile rehash, direct)"),
	    bench_fmt_ratio(d, sizeof d, la / ra, 0));

	double cp_small = median(cp_early, (size_t)n_early), cp_big = median(cp_late, (size_t)n_late);
	double raw_small = median(raw_cp_early, (size_t)n_early), raw_big = median(raw_cp_late, (size_t)n_late);
	snprintf(b, sizeof b, "checkpoint sign + durable store, median of %d at 1,000…%s entries", n_early,
	         bench_fmt_num(t1, sizeof t1, (double)n_early * BATCH, 0));
	snprintf(c, sizeof c, "%s (root + 1 EVP sign + durable put, direct)", bench_fmt_time(t2, sizeof t2, raw_small));
	row(b, bench_fmt_time(a, sizeof a, cp_small), "one signature + one commit", c,
	    bench_fmt_ratio(d, sizeof d, raw_small / cp_small, 0));
	snprintf(b, sizeof b, "checkpoint sign + durable store, median of %d at %s…%s entries", n_late,
	         bench_fmt_num(t1, sizeof t1, (double)late_first, 0), bench_fmt_num(t3, sizeof t3, (double)size, 0));
	snprintf(c, sizeof c, "%s (same, direct)", bench_fmt_time(t2, sizeof t2, raw_big));
	row(b, bench_fmt_time(a, sizeof a, cp_big), "independent of size", c, bench_fmt_ratio(d, sizeof d, raw_big / cp_big, 0));
	snprintf(c, sizeof c, "%s (one Ed25519 sign, EVP)", bench_fmt_time(t2, sizeof t2, raw_sign_s));
	snprintf(b, sizeof b, "… of which the signature: trace_note_sign of the checkpoint text (median of %d)", P.signs);
	row(b, bench_fmt_time(a, sizeof a, lib_sign_s), "one Ed25519 signature", c,
	    bench_fmt_ratio(d, sizeof d, raw_sign_s / lib_sign_s, 0));
	median(lib_batch_s, batches);	/* sorts */
	snprintf(a, sizeof a, "p50 %s, p99 %s; CPU %s", bench_fmt_time(t1, sizeof t1, lib_batch_s[batches / 2]),
	         bench_fmt_time(t2, sizeof t2, lib_batch_s[batches * 99 / 100]),
	         bench_fmt_time(t3, sizeof t3, lib_cpu_s / (double)batches));
	row("append latency of one durable batch of 1,000 (wall; CPU time, mean)", a, "", "", "");
	free(lib_batch_s);

	row("peak RSS of the process after appends (LMDB map pages touched count)", mem_append, "", "", "");
	row("peak RSS after proof generation", mem_proofs, "", "", "");
	row("peak RSS after proof verification", mem_verify, "", "", "");
	row("peak RSS after audits", mem_audit, "", "", "");
	row("peak RSS at the end", mem_end, "", "", "");
	snprintf(b, sizeof b, "%s (libtrace) / %s (raw)", bench_fmt_bytes(t1, sizeof t1, (double)lib_bytes),
	         bench_fmt_bytes(t2, sizeof t2, (double)raw_bytes));
	row("LMDB pages used (entries and tiles identical byte for byte)", b, "", "", "");

	row("raw: SHA-256, 16 KiB messages (EVP, reused ctx)", "", "", bench_fmt_rate(c, sizeof c, sha_bulk / 1e6, "MB/s"), "");
	bench_fmt_rate(t1, sizeof t1, sha_leaf, "/s");
	snprintf(c, sizeof c, "%s = %.0f MB/s", t1, sha_leaf * (ENTRY_SIZE + 1) / 1e6);
	row("raw: SHA-256 of a 301-byte leaf (0x00 ‖ entry)", "", "", c, "");
	row("raw: SHA-256 of a 65-byte node (0x01 ‖ l ‖ r)", "", "", bench_fmt_rate(c, sizeof c, sha_node, "/s"), "");
	snprintf(b, sizeof b, "raw: Ed25519 signs (EVP, %zu-byte checkpoint text)", text_len);
	row(b, "", "", bench_fmt_rate(c, sizeof c, signs, "/s"), "");
	snprintf(b, sizeof b, "raw: Ed25519 verifies (EVP, %zu-byte checkpoint text)", text_len);
	row(b, "", "", bench_fmt_rate(c, sizeof c, verifies, "/s"), "");
	snprintf(b, sizeof b, "raw: LMDB sequential durable puts (8-byte keys, MDB_APPEND, 300 B, batches of 1,000; %s)",
	         bench_fmt_num(t1, sizeof t1, (double)batches * BATCH, 0));
	row(b, "", "", bench_fmt_rate(c, sizeof c, (double)batches * BATCH / seq_s, "/s"), "");
	snprintf(b, sizeof b, "raw: LMDB random durable puts (32-byte keys, 8 B, batches of 1,000; %s)",
	         bench_fmt_num(t1, sizeof t1, (double)rnd_done * BATCH, 0));
	row(b, "", "", rnd_done ? bench_fmt_rate(c, sizeof c, (double)rnd_done * BATCH / rnd_s, "/s") : "", "");

	bench_table tab;
	bench_table_open(&tab, args.out);
	struct utsname u;
	uname(&u);
	bench_table_note(&tab, "## libtrace ledger core (bench_log%s)\n\n",
	                 args.small ? " --small: smoke run, figures not meaningful" : "");
	bench_table_note(&tab, "libtrace %s; %s; %s %s; %s, %ld online CPUs, one used; files in $TMPDIR or /tmp\n\n",
	                 trace_version_string(), raw_versions(), u.sysname, u.release, bench_cpu_model(),
	                 sysconf(_SC_NPROCESSORS_ONLN));
	bench_print_kept_rows(&tab, rows, nrows);
	bench_table_note(&tab, "\nRatio = libtrace speed / raw speed (for times: raw time / libtrace time). Raw figures "
	                       "come from bench/raw_limits.c in the same run: OpenSSL EVP and LMDB called directly; its "
	                       "ledger writes the same entries and tiles as libtrace, checked byte for byte. Durable "
	                       "writes of all kinds were interleaved batch by batch; proofs, verification and audit are "
	                       "the best of %d alternating rounds per side. Memory rows are the whole benchmark process "
	                       "(libtrace and the raw programs side by side); the peak includes the database files' "
	                       "pages mapped by LMDB, the anonymous figure is heap and stacks at that moment.\n", ROUNDS);
	bench_table_note(&tab, "\nCPU share of libtrace's CPU-bound rounds (process CPU time / wall time): proofs %.0f%%, "
	                       "verification %.0f%%, audit %.0f%%. Well below 100%% means other processes competed for "
	                       "the core.\n",
	                 100 * cpu_proof, 100 * cpu_verify, 100 * cpu_audit);
	bench_table_close(&tab);

	trace_signer_free(signer);
	trace_verifier_free(verifier);
	trace_hasher_free(R.hasher);
	trace_log_opts_free(opts);
	trace_buf_dispose(&skey);
	trace_buf_dispose(&vkey);
	bench_rmtree(tmp);
	free(log_dir);
	free(raw_dir);
	free(seq_dir);
	free(rnd_dir);
	free(tmp);
	return 0;
}
