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
 * assertions, but any failing call or proof that does not verify exits 1.
 *
 * Single-threaded; nothing is pinned.  Everything lives in a temporary
 * directory under $TMPDIR (or /tmp), removed at the end.
 */
#include <inttypes.h>
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
#define ORIGIN "bench.example/ledger"
#define MAPSIZE ((uint64_t)4 << 30)	/* both ledgers: no growth mid-run */

typedef struct params {
	uint64_t entries;	/* log size */
	int rounds;		/* append rounds, alternating libtrace and raw */
	uint64_t proofs;	/* timed proof generations */
	size_t sample;		/* proofs kept (and all verified) for the verification run */
	uint64_t verifies;	/* timed verifications */
	double micro_s;		/* seconds per micro benchmark */
	uint64_t seq_puts, random_puts;
} params;

static const params full_params = { 1000000, 10, 300000, 4096, 600000, 1.0, 1000000, 200000 };
static const params small_params = { 20000, 2, 2000, 2000, 20000, 0.05, 20000, 5000 };

/* Rows are kept and printed together at the end, in a fixed order. */
#define MAX_ROWS 40
static struct row {
	char op[192], fig[128], target[96], raw[320], ratio[64];
} rows[MAX_ROWS];
static int nrows;

static void row(const char *op, const char *fig, const char *target, const char *raw, const char *ratio)
{
	BENCH_REQUIRE(nrows < MAX_ROWS, "too many rows");
	struct row *r = &rows[nrows++];
	snprintf(r->op, sizeof r->op, "%s", op ? op : "");
	snprintf(r->fig, sizeof r->fig, "%s", fig ? fig : "");
	snprintf(r->target, sizeof r->target, "%s", target ? target : "");
	snprintf(r->raw, sizeof r->raw, "%s", raw ? raw : "");
	snprintf(r->ratio, sizeof r->ratio, "%s", ratio ? ratio : "");
}

static void progress(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bench_log: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static char *path_join(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);
	BENCH_REQUIRE(p != NULL, "out of memory");
	snprintf(p, len, "%s/%s", dir, name);
	return p;
}

static char *subdir(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
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

/* Entry i: its index, then bytes derived from it, ENTRY_SIZE in all. */
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

static char *fmt_mem(char *buf, size_t cap)
{
	return bench_fmt_bytes(buf, cap, (double)bench_peak_rss());
}

int main(int argc, char **argv)
{
	bench_args args = bench_parse_args(argc, argv, NULL);
	const params P = args.small ? small_params : full_params;
	char a[128], b[192], c[320], d[64];
	double t0;

	/* ---- setup -------------------------------------------------------- */
	char *tmp = bench_tmpdir("libtrace-bench-log");
	char *log_dir = path_join(tmp, "log");	/* created by trace_log_create */
	char *raw_dir = subdir(tmp, "raw");
	char *seq_dir = subdir(tmp, "lmdb-seq");
	char *rnd_dir = subdir(tmp, "lmdb-random");
	progress("%s mode, working in %s", args.small ? "small" : "full", tmp);

	trace_buf skey = TRACE_BUF_INIT, vkey = TRACE_BUF_INIT;
	trace_signer *signer = NULL;
	trace_verifier *verifier = NULL;
	trace_log_opts *opts = NULL;
	trace_log *log = NULL;
	trace_hasher *hasher = NULL;
	raw_ledger *raw = NULL;
	BENCH_CHECK(trace_key_generate(&skey, &vkey, ORIGIN, TRACE_KEY_ED25519));
	BENCH_CHECK(trace_signer_from_skey(&signer, (const char *)skey.ptr));
	BENCH_CHECK(trace_verifier_new(&verifier, (const char *)vkey.ptr));
	BENCH_CHECK(trace_hasher_new(&hasher, TRACE_SUITE_SHA256_ED25519));
	BENCH_CHECK(trace_log_opts_new(&opts));
	BENCH_CHECK(trace_log_opts_set_mapsize(opts, MAPSIZE));
	BENCH_CHECK(trace_log_create(&log, log_dir, ORIGIN, (const char *)vkey.ptr, opts));
	BENCH_REQUIRE(raw_ledger_open(&raw, raw_dir, MAPSIZE) == 0, "raw ledger");

	/* ---- appends: libtrace and the raw ledger batch by batch ------------ */
	/* Alternating batch by batch (and which goes first) cancels drift in
	 * the machine's state; only the append calls are timed. */
	uint8_t *batch = malloc((size_t)BATCH * ENTRY_SIZE);
	const uint8_t *ptrs[BATCH];
	size_t lens[BATCH];
	BENCH_REQUIRE(batch != NULL, "out of memory");
	for (size_t i = 0; i < BATCH; i++) {
		ptrs[i] = batch + i * ENTRY_SIZE;
		lens[i] = ENTRY_SIZE;
	}
	uint64_t batches = P.entries / BATCH, per_round = batches / (uint64_t)P.rounds;
	double lib_s = 0, raw_s = 0;
	double *lib_batch_s = malloc(batches * sizeof *lib_batch_s);
	double cp_early[8], cp_late[64];
	int n_early = 0, n_late = 0;
	uint64_t late_first = 0;
	trace_buf note = TRACE_BUF_INIT;
	BENCH_REQUIRE(lib_batch_s != NULL, "out of memory");

	progress("appending %" PRIu64 " entries of %d bytes in durable batches of %d, to libtrace and to the raw ledger",
	         P.entries, ENTRY_SIZE, BATCH);
	for (uint64_t k = 0; k < batches; k++) {
		uint64_t done = k * BATCH, first = UINT64_MAX;
		make_batch(batch, done, BATCH);
		for (int turn = 0; turn < 2; turn++) {
			if ((turn ^ (int)(k & 1)) == 0) {
				t0 = bench_now();
				BENCH_CHECK(trace_log_append(&first, log, ptrs, lens, BATCH));
				lib_batch_s[k] = bench_now() - t0;
				lib_s += lib_batch_s[k];
			} else {
				t0 = bench_now();
				BENCH_REQUIRE(raw_ledger_append(raw, ptrs, lens, BATCH) == 0, "raw ledger append");
				raw_s += bench_now() - t0;
			}
		}
		BENCH_REQUIRE(first == done, "append returned index %" PRIu64 ", expected %" PRIu64, first, done);
		/* Checkpoints over the first few batches and at the end of each
		 * round: the cost must not depend on the size. */
		int early = k < 5, late = (k + 1) % per_round == 0;
		if (early || late) {
			t0 = bench_now();
			BENCH_CHECK(trace_log_checkpoint_sign(&note, log, signer));
			double cs = bench_now() - t0;
			trace_buf_dispose(&note);
			if (early)
				cp_early[n_early++] = cs;
			else if (n_late < 64) {
				if (n_late == 0)
					late_first = done + BATCH;
				cp_late[n_late++] = cs;
			}
		}
		if ((k + 1) % per_round == 0)
			progress("  %" PRIu64 " entries: libtrace %.0f/s, raw %.0f/s", done + BATCH,
			         (done + BATCH) / lib_s, (done + BATCH) / raw_s);
	}
	free(batch);
	uint64_t size = 0;
	BENCH_CHECK(trace_log_size(&size, log));
	BENCH_REQUIRE(size == P.entries && raw_ledger_size(raw) == P.entries, "sizes after appending: %" PRIu64, size);
	char mem_append[32];
	fmt_mem(mem_append, sizeof mem_append);

	/* ---- the checkpoint, verified once --------------------------------- */
	uint8_t root[TRACE_HASH_MAX_SIZE], raw_root[RAW_HASH];
	const uint8_t *cp_root;
	size_t cp_root_len, text_len;
	trace_note *parsed = NULL;
	trace_checkpoint *cp = NULL;
	BENCH_CHECK(trace_log_checkpoint_get(&note, log, UINT64_MAX));
	BENCH_CHECK(trace_note_parse(&parsed, (const char *)note.ptr, note.size));
	BENCH_REQUIRE(trace_note_signature_count(parsed) == 1, "a checkpoint carries %zu signatures, expected 1",
	              trace_note_signature_count(parsed));
	const trace_verifier *keys[1] = { verifier };
	BENCH_CHECK(trace_note_verify(parsed, keys, 1));
	const char *text = trace_note_text(parsed, &text_len);
	BENCH_CHECK(trace_checkpoint_parse(&cp, text, text_len));
	BENCH_REQUIRE(trace_checkpoint_size(cp) == size, "latest checkpoint is for size %" PRIu64,
	              trace_checkpoint_size(cp));
	cp_root = trace_checkpoint_root(cp, &cp_root_len);
	BENCH_CHECK(trace_log_root(root, sizeof root, log, size));
	BENCH_REQUIRE(cp_root_len == RAW_HASH && memcmp(cp_root, root, RAW_HASH) == 0, "checkpoint root != log root");
	BENCH_REQUIRE(raw_ledger_root(raw, raw_root) == 0 && memcmp(raw_root, root, RAW_HASH) == 0,
	              "the raw ledger's root differs from libtrace's: the mirror is not doing the same work");
	size_t cp_text_len = note.size;

	/* ---- inclusion proofs ---------------------------------------------- */
	progress("inclusion proofs at size %" PRIu64, size);
	uint64_t *sample_idx = malloc(P.sample * sizeof *sample_idx);
	trace_buf *sample_proof = calloc(P.sample, sizeof *sample_proof);
	uint8_t *sample_leaf = malloc(P.sample * RAW_HASH);
	uint8_t raw_proof[RAW_MAX_PROOF * RAW_HASH];
	size_t raw_count, proof_hashes = 0;
	BENCH_REQUIRE(sample_idx && sample_proof && sample_leaf, "out of memory");
	for (size_t i = 0; i < P.sample; i++) {
		sample_idx[i] = rng() % size;
		BENCH_CHECK(trace_log_inclusion_proof(&sample_proof[i], log, sample_idx[i], size));
		BENCH_CHECK(trace_log_leaf_hash(sample_leaf + i * RAW_HASH, RAW_HASH, log, sample_idx[i]));
		BENCH_REQUIRE(raw_ledger_proof(raw, sample_idx[i], raw_proof, &raw_count) == 0, "raw proof");
		BENCH_REQUIRE(raw_count * RAW_HASH == sample_proof[i].size &&
		              memcmp(raw_proof, sample_proof[i].ptr, sample_proof[i].size) == 0,
		              "raw and libtrace proofs of %" PRIu64 " differ", sample_idx[i]);
		/* Every kept proof must verify (this is the --small test's check). */
		BENCH_CHECK(trace_merkle_verify_inclusion(hasher, sample_idx[i], size, sample_leaf + i * RAW_HASH,
		                                          RAW_HASH, sample_proof[i].ptr, sample_proof[i].size,
		                                          cp_root, cp_root_len));
		proof_hashes += raw_count;
	}
	{
		/* ... and a tampered one must not. */
		sample_proof[0].ptr[0] ^= 1;
		int rc = trace_merkle_verify_inclusion(hasher, sample_idx[0], size, sample_leaf, RAW_HASH,
		                                       sample_proof[0].ptr, sample_proof[0].size, cp_root, cp_root_len);
		BENCH_REQUIRE(rc == TRACE_ECHAINBREAK, "a tampered proof gave %d, expected TRACE_ECHAINBREAK", rc);
		sample_proof[0].ptr[0] ^= 1;
	}
	uint64_t *idx = malloc(P.proofs * sizeof *idx);
	BENCH_REQUIRE(idx != NULL, "out of memory");
	for (uint64_t i = 0; i < P.proofs; i++)
		idx[i] = rng() % size;
	t0 = bench_now();
	for (uint64_t i = 0; i < P.proofs; i++) {
		trace_buf pb = TRACE_BUF_INIT;
		BENCH_CHECK(trace_log_inclusion_proof(&pb, log, idx[i], size));
		trace_buf_dispose(&pb);
	}
	double lib_proof_s = bench_now() - t0;
	t0 = bench_now();
	for (uint64_t i = 0; i < P.proofs; i++)
		BENCH_REQUIRE(raw_ledger_proof(raw, idx[i], raw_proof, &raw_count) == 0, "raw proof");
	double raw_proof_s = bench_now() - t0;
	free(idx);
	char mem_proofs[32];
	fmt_mem(mem_proofs, sizeof mem_proofs);

	/* ---- verification against the verified checkpoint ------------------ */
	progress("verifying inclusion proofs");
	t0 = bench_now();
	for (uint64_t i = 0, j = 0; i < P.verifies; i++, j = j + 1 == P.sample ? 0 : j + 1) {
		int rc = trace_merkle_verify_inclusion(hasher, sample_idx[j], size, sample_leaf + j * RAW_HASH, RAW_HASH,
		                                       sample_proof[j].ptr, sample_proof[j].size, cp_root, cp_root_len);
		if (rc != TRACE_OK)
			bench_die("trace_merkle_verify_inclusion", __FILE__, __LINE__, rc);
	}
	double lib_verify_s = bench_now() - t0;
	t0 = bench_now();
	for (uint64_t i = 0, j = 0; i < P.verifies; i++, j = j + 1 == P.sample ? 0 : j + 1)
		BENCH_REQUIRE(raw_ledger_verify(raw, sample_idx[j], size, sample_leaf + j * RAW_HASH, sample_proof[j].ptr,
		                                sample_proof[j].size / RAW_HASH, cp_root) == 0, "raw verify");
	double raw_verify_s = bench_now() - t0;
	char mem_verify[32];
	fmt_mem(mem_verify, sizeof mem_verify);

	/* ---- full audit ----------------------------------------------------- */
	progress("full audit of %" PRIu64 " entries", size);
	t0 = bench_now();
	BENCH_CHECK(trace_log_audit(log));
	double lib_audit_s = bench_now() - t0;
	t0 = bench_now();
	BENCH_REQUIRE(raw_ledger_audit(raw) == 0, "raw audit");
	double raw_audit_s = bench_now() - t0;
	char mem_audit[32];
	fmt_mem(mem_audit, sizeof mem_audit);

	/* ---- what a checkpoint costs at the raw level ----------------------- */
	double raw_sign_s = raw_ed25519_sign_seconds(text_len, P.micro_s / 2);
	double raw_commit_s = raw_ledger_small_commit_seconds(raw, cp_text_len, args.small ? 3 : 20);
	BENCH_REQUIRE(raw_sign_s > 0 && raw_commit_s > 0, "raw checkpoint cost");

	/* ---- raw limits alone ------------------------------------------------ */
	progress("raw limits: SHA-256, Ed25519, LMDB");
	double sha_bulk = raw_sha256_msgs_per_s(16384, P.micro_s) * 16384;
	double sha_leaf = raw_sha256_msgs_per_s(ENTRY_SIZE + 1, P.micro_s);
	double sha_node = raw_sha256_msgs_per_s(65, P.micro_s);
	double signs = raw_ed25519_signs_per_s(text_len, P.micro_s);
	double verifies = raw_ed25519_verifies_per_s(text_len, P.micro_s);
	double seq = raw_lmdb_seq_puts_per_s(seq_dir, P.seq_puts, BATCH, ENTRY_SIZE);
	double rnd = raw_lmdb_random_puts_per_s(rnd_dir, P.random_puts, BATCH, 8);
	BENCH_REQUIRE(sha_bulk > 0 && sha_leaf > 0 && sha_node > 0 && signs > 0 && verifies > 0 && seq > 0 && rnd > 0,
	              "a raw limit failed");
	char mem_end[32];
	fmt_mem(mem_end, sizeof mem_end);

	/* ---- close, then check the raw ledger wrote exactly what libtrace did -- */
	trace_checkpoint_free(cp);
	trace_note_free(parsed);
	trace_buf_dispose(&note);
	for (size_t i = 0; i < P.sample; i++)
		trace_buf_dispose(&sample_proof[i]);
	free(sample_proof);
	free(sample_idx);
	free(sample_leaf);
	trace_log_close(log);
	raw_ledger_close(raw);
	static const char *const same_dbs[] = { "entries", "tiles", NULL };
	BENCH_REQUIRE(raw_compare_envs(log_dir, raw_dir, same_dbs) == 0,
	              "the raw ledger's entries or tiles differ from libtrace's");
	uint64_t lib_bytes = raw_env_used_bytes(log_dir), raw_bytes = raw_env_used_bytes(raw_dir);

	/* ---- the table ------------------------------------------------------- */
	double lib_rate = size / lib_s, raw_rate = size / raw_s;
	row("append: 300-byte entries, durable batches of 1,000 (entries/s)",
	    bench_fmt_rate(a, sizeof a, lib_rate, "/s"), "≥ 100,000/s",
	    bench_fmt_rate(c, sizeof c, raw_rate, "/s (same LMDB writes + SHA-256, direct)"),
	    bench_fmt_ratio(d, sizeof d, lib_rate / raw_rate, 0.7));
	double lp = P.proofs / lib_proof_s, rp = P.proofs / raw_proof_s;
	snprintf(b, sizeof b, "inclusion proof from a %s-entry log (proofs/s)", bench_fmt_num(c, sizeof c, (double)size, 0));
	row(b, bench_fmt_rate(a, sizeof a, lp, "/s"), "≥ 100,000/s",
	    bench_fmt_rate(c, sizeof c, rp, "/s (same tile reads, one reused read txn)"), bench_fmt_ratio(d, sizeof d, lp / rp, 0));
	double lv = P.verifies / lib_verify_s, rv = P.verifies / raw_verify_s;
	snprintf(b, sizeof b, "verify inclusion proof vs verified checkpoint (%.1f hashes/proof)",
	         (double)proof_hashes / (double)P.sample);
	row(b, bench_fmt_rate(a, sizeof a, lv, "/s"), "≥ 200,000/s",
	    bench_fmt_rate(c, sizeof c, rv, "/s (EVP node hashes, direct)"), bench_fmt_ratio(d, sizeof d, lv / rv, 0));
	double la = size / lib_audit_s, ra = size / raw_audit_s;
	row("full audit (entries/s)", bench_fmt_rate(a, sizeof a, la, "/s"), "≥ 1,000,000/s",
	    bench_fmt_rate(c, sizeof c, ra, "/s (cursor scan + leaf/tile rehash, direct)"),
	    bench_fmt_ratio(d, sizeof d, la / ra, 0));

	/* Checkpoint signing: near the start against across the whole run. */
	char t1[32], t2[32], t3[32], t4[32];
	qsort(cp_early, (size_t)n_early, sizeof cp_early[0], cmp_double);
	qsort(cp_late, (size_t)n_late, sizeof cp_late[0], cmp_double);
	double cp_small = cp_early[n_early / 2], cp_big = cp_late[n_late / 2];
	snprintf(c, sizeof c, "%s sign + %s durable commit", bench_fmt_time(t2, sizeof t2, raw_sign_s),
	         bench_fmt_time(t3, sizeof t3, raw_commit_s));
	snprintf(b, sizeof b, "checkpoint sign + durable store, median of %d at 1,000…%s entries", n_early,
	         bench_fmt_num(t1, sizeof t1, (double)n_early * BATCH, 0));
	row(b, bench_fmt_time(a, sizeof a, cp_small), "one Ed25519 signature", c,
	    bench_fmt_ratio(d, sizeof d, (raw_sign_s + raw_commit_s) / cp_small, 0));
	snprintf(b, sizeof b, "checkpoint sign + durable store, median of %d at %s…%s entries", n_late,
	         bench_fmt_num(t1, sizeof t1, (double)late_first, 0), bench_fmt_num(t4, sizeof t4, (double)size, 0));
	row(b, bench_fmt_time(a, sizeof a, cp_big), "same as at 1,000 entries", c,
	    bench_fmt_ratio(d, sizeof d, (raw_sign_s + raw_commit_s) / cp_big, 0));
	qsort(lib_batch_s, batches, sizeof lib_batch_s[0], cmp_double);
	snprintf(a, sizeof a, "p50 %s, p99 %s", bench_fmt_time(t1, sizeof t1, lib_batch_s[batches / 2]),
	         bench_fmt_time(t2, sizeof t2, lib_batch_s[batches * 99 / 100]));
	row("append latency of one durable batch of 1,000", a, "", "", "");
	free(lib_batch_s);

	row("peak RSS after appends (incl. touched LMDB map pages)", mem_append, "", "", "");
	row("peak RSS after proof generation", mem_proofs, "", "", "");
	row("peak RSS after proof verification", mem_verify, "", "", "");
	row("peak RSS after audit", mem_audit, "", "", "");
	row("peak RSS after raw-limit runs", mem_end, "", "", "");
	snprintf(b, sizeof b, "%s (libtrace) / %s (raw)", bench_fmt_bytes(t1, sizeof t1, (double)lib_bytes),
	         bench_fmt_bytes(t2, sizeof t2, (double)raw_bytes));
	row("LMDB pages used by the log (entries, tiles identical byte for byte)", b, "", "", "");

	row("raw: SHA-256, 16 KiB messages (EVP, reused ctx)", "", "", bench_fmt_rate(c, sizeof c, sha_bulk / 1e6, "MB/s"), "");
	snprintf(b, sizeof b, "%.0f MB/s", sha_leaf * (ENTRY_SIZE + 1) / 1e6);
	bench_fmt_rate(a, sizeof a, sha_leaf, "/s = ");
	snprintf(c, sizeof c, "%s%s", a, b);
	row("raw: SHA-256 of a 301-byte leaf (0x00 ‖ entry)", "", "", c, "");
	row("raw: SHA-256 of a 65-byte node (0x01 ‖ l ‖ r)", "", "", bench_fmt_rate(c, sizeof c, sha_node, "/s"), "");
	snprintf(b, sizeof b, "raw: Ed25519 signs (EVP, %zu-byte checkpoint text)", text_len);
	row(b, "", "", bench_fmt_rate(c, sizeof c, signs, "/s"), "");
	snprintf(b, sizeof b, "raw: Ed25519 verifies (EVP, %zu-byte checkpoint text)", text_len);
	row(b, "", "", bench_fmt_rate(c, sizeof c, verifies, "/s"), "");
	snprintf(b, sizeof b, "raw: LMDB sequential durable puts (8-byte keys, MDB_APPEND, 300 B, batches of 1,000; %s puts)",
	         bench_fmt_num(t1, sizeof t1, (double)P.seq_puts, 0));
	row(b, "", "", bench_fmt_rate(c, sizeof c, seq, "/s"), "");
	snprintf(b, sizeof b, "raw: LMDB random durable puts (32-byte keys, 8 B, batches of 1,000; %s puts)",
	         bench_fmt_num(t1, sizeof t1, (double)P.random_puts, 0));
	row(b, "", "", bench_fmt_rate(c, sizeof c, rnd, "/s"), "");

	bench_table tab;
	bench_table_open(&tab, args.out);
	struct utsname u;
	uname(&u);
	bench_table_note(&tab, "## libtrace ledger core (bench_log%s)\n\n", args.small ? " --small: smoke run, figures not meaningful" : "");
	bench_table_note(&tab, "libtrace %s; %s; %s %s; %ld online CPUs, one used; temp dir on $TMPDIR or /tmp\n\n",
	                 trace_version_string(), raw_versions(), u.sysname, u.release, sysconf(_SC_NPROCESSORS_ONLN));
	for (int i = 0; i < nrows; i++)
		bench_row(&tab, rows[i].op, rows[i].fig, rows[i].target, rows[i].raw, rows[i].ratio);
	bench_table_note(&tab, "\nRatio = libtrace / raw (for checkpoints: raw cost / libtrace cost). Raw figures come from "
	                       "bench/raw_limits.c in the same run; its ledger writes the same entries and tiles, "
	                       "checked byte for byte.\n");
	bench_table_close(&tab);

	trace_signer_free(signer);
	trace_verifier_free(verifier);
	trace_hasher_free(hasher);
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
