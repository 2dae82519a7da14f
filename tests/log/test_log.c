/*
 * The log end to end through the public API: appends across tile
 * boundaries, roots and proofs against the in-memory tree, checkpoints,
 * tlog-proofs, the audit naming tampered data, failed appends, map growth,
 * the leaf index, read-only handles and the writer lock.
 */
#include <lmdb.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log_util.h"

static const char *trace_tool;
static trace_hasher *h;

static trace_log *create(const char *dir, uint64_t mapsize)
{
	trace_log_opts *o;
	trace_log *log = NULL;
	CHECK_OK(trace_log_opts_new(&o));
	if (mapsize)
		CHECK_OK(trace_log_opts_set_mapsize(o, mapsize));
	CHECK_OK(trace_log_create(&log, dir, TEST_ORIGIN, TEST_VKEY, o));
	trace_log_opts_free(o);
	return log;
}

static trace_log *reopen(const char *dir, int readonly)
{
	trace_log *log = NULL;
	CHECK_OK(trace_log_open(&log, dir, readonly ? TRACE_OPEN_READONLY : TRACE_OPEN_WRITE, NULL));
	return log;
}

/* The named databases in @dir's LMDB environment, as "name,name,..." in key order. */
static void named_databases(const char *dir, char *out, size_t cap)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi main_db;
	MDB_cursor *c;
	MDB_val k, v;
	size_t n = 0;
	out[0] = 0;
	CHECK(mdb_env_create(&env) == 0);
	mdb_env_set_maxdbs(env, 64);
	CHECK(mdb_env_open(env, dir, MDB_RDONLY, 0644) == 0);
	CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) == 0);
	CHECK(mdb_dbi_open(txn, NULL, 0, &main_db) == 0);
	CHECK(mdb_cursor_open(txn, main_db, &c) == 0);
	for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
		n += (size_t)snprintf(out + n, cap - n, "%s%.*s", n ? "," : "", (int)k.mv_size, (char *)k.mv_data);
	mdb_cursor_close(c);
	mdb_txn_abort(txn);
	mdb_env_close(env);
}

/* Rewrites one value in the log's LMDB file, as an attacker with disk access would. */
static void tamper(const char *dir, const char *db, const uint8_t *key, size_t klen, int byte)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { klen, (void *)key }, v;
	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 32);
	mdb_env_set_mapsize(env, (size_t)1 << 30);
	CHECK(mdb_env_open(env, dir, 0, 0644) == 0);
	CHECK(mdb_txn_begin(env, NULL, 0, &txn) == 0);
	CHECK(mdb_dbi_open(txn, db, 0, &dbi) == 0);
	CHECK(mdb_get(txn, dbi, &k, &v) == 0);
	uint8_t *copy = malloc(v.mv_size);
	memcpy(copy, v.mv_data, v.mv_size);
	copy[byte] ^= 0x40;
	MDB_val nv = { v.mv_size, copy };
	CHECK(mdb_put(txn, dbi, &k, &nv, 0) == 0);
	CHECK(mdb_txn_commit(txn) == 0);
	mdb_env_close(env);
	free(copy);
}

static void be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void check_against_memory(trace_log *log, uint64_t size)
{
	uint8_t *leaves = malloc(size * 32), buf[128], root[32], want[32];
	for (uint64_t i = 0; i < size; i++) {
		size_t len = test_entry(buf, i);
		CHECK_OK(trace_merkle_leaf_hash(leaves + 32 * i, 32, h, buf, len));
	}
	uint64_t sizes[] = { 1, 2, 3, 255, 256, 257, 511, 512, 65535, 65536, 65537, size - 1, size };
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		uint64_t n = sizes[s];
		if (n == 0 || n > size)
			continue;
		CHECK_OK(trace_log_root(root, 32, log, n));
		CHECK_OK(trace_merkle_root(want, 32, h, leaves, n));
		if (memcmp(root, want, 32) != 0)
			fprintf(stderr, "root at size %llu differs from the in-memory tree\n", (unsigned long long)n), test_failures++;
		/* Inclusion proofs for a spread of indexes, and consistency to the end. */
		for (uint64_t i = 0; i < n; i += n / 7 + 1) {
			trace_buf p = TRACE_BUF_INIT;
			CHECK_OK(trace_log_inclusion_proof(&p, log, i, n));
			CHECK_OK(trace_merkle_verify_inclusion(h, i, n, leaves + 32 * i, 32, p.ptr, p.size, want, 32));
			trace_buf_dispose(&p);
		}
		trace_buf p = TRACE_BUF_INIT;
		uint8_t full[32];
		CHECK_OK(trace_merkle_root(full, 32, h, leaves, size));
		CHECK_OK(trace_log_consistency_proof(&p, log, n, size));
		CHECK_OK(trace_merkle_verify_consistency(h, n, size, p.ptr, p.size, want, 32, full, 32));
		trace_buf_dispose(&p);
	}
	/* Entries and leaf hashes read back exactly; the leaf index finds them. */
	for (uint64_t i = 0; i < size; i += 997) {
		trace_buf e = TRACE_BUF_INIT;
		uint8_t lh[32];
		uint64_t found;
		size_t len = test_entry(buf, i);
		CHECK_OK(trace_log_entry(&e, log, i));
		CHECK(e.size == len && memcmp(e.ptr, buf, len) == 0);
		trace_buf_dispose(&e);
		CHECK_OK(trace_log_leaf_hash(lh, 32, log, i));
		CHECK(memcmp(lh, leaves + 32 * i, 32) == 0);
		CHECK_OK(trace_log_find(&found, log, lh, 32));
		CHECK(found == i);
	}
	free(leaves);
}

static void big_log(void)
{
	char *dir = strdup(test_tmpdir("log"));
	trace_log *log = create(dir, 0);
	uint64_t size;
	/* Batches of odd sizes cross level-0 and level-1 tile boundaries. */
	CHECK_OK(test_append(log, 0, 1, 1));
	CHECK_OK(test_append(log, 1, 300, 7));
	CHECK_OK(test_append(log, 300, 70000, 1000));
	CHECK_OK(trace_log_size(&size, log));
	CHECK(size == 70000);
	check_against_memory(log, size);

	uint8_t unknown[32] = { 1 };
	uint64_t found;
	CHECK_RC(trace_log_find(&found, log, unknown, 32), TRACE_ENOTFOUND);
	CHECK_RC(trace_log_entry(&(trace_buf)TRACE_BUF_INIT, log, size), TRACE_ERANGE);
	CHECK_MSG("no entry 70000");
	CHECK_RC(trace_log_root(unknown, 32, log, size + 1), TRACE_EINVAL);
	CHECK_RC(trace_log_inclusion_proof(&(trace_buf)TRACE_BUF_INIT, log, 5, 5), TRACE_ERANGE);
	uint8_t leaf[32];
	CHECK_RC(trace_log_leaf_hash(leaf, sizeof leaf, log, size), TRACE_ERANGE);
	CHECK_RC(trace_log_consistency_proof(&(trace_buf)TRACE_BUF_INIT, log, 0, 5), TRACE_EINVAL);

	/* Checkpoints: signed once, stored, served as tlog-proofs. */
	trace_signer *s;
	trace_buf cp = TRACE_BUF_INIT, cp2 = TRACE_BUF_INIT, latest = TRACE_BUF_INIT, proof = TRACE_BUF_INIT;
	CHECK_OK(trace_signer_from_skey(&s, TEST_SKEY));
	CHECK_OK(trace_log_checkpoint_sign(&cp, log, s));
	CHECK(strncmp((char *)cp.ptr, TEST_ORIGIN "\n70000\n", strlen(TEST_ORIGIN) + 7) == 0);
	CHECK_OK(trace_log_checkpoint_sign(&cp2, log, s));
	CHECK(cp.size == cp2.size && memcmp(cp.ptr, cp2.ptr, cp.size) == 0);
	CHECK_OK(trace_log_checkpoint_get(&latest, log, UINT64_MAX));
	CHECK(latest.size == cp.size);
	CHECK_OK(trace_log_prove(&proof, log, 12345, UINT64_MAX));
	trace_policy *pol;
	trace_tlog_proof *tp;
	const char *ptext = "log " TEST_VKEY "\nquorum none\n";
	uint8_t buf[128];
	size_t len = test_entry(buf, 12345);
	CHECK_OK(trace_policy_parse(&pol, ptext, strlen(ptext)));
	CHECK_OK(trace_tlog_proof_parse(&tp, (char *)proof.ptr, proof.size));
	CHECK_OK(trace_tlog_proof_verify(tp, pol, buf, len));
	trace_tlog_proof_free(tp);
	CHECK_RC(trace_log_prove(&proof, log, 70000, UINT64_MAX), TRACE_ERANGE);
	CHECK_RC(trace_log_prove(&proof, log, 1, 5), TRACE_ENOTFOUND);

	/* A witness cosignature merges into the stored checkpoint. */
	trace_buf wsk = TRACE_BUF_INIT, wvk = TRACE_BUF_INIT, cosigned = TRACE_BUF_INIT, merged = TRACE_BUF_INIT;
	trace_signer *w;
	CHECK_OK(trace_key_generate(&wsk, &wvk, "regulator.example/w", TRACE_KEY_COSIGNATURE_V1));
	CHECK_OK(trace_signer_from_skey(&w, (char *)wsk.ptr));
	CHECK_OK(trace_note_cosign(&cosigned, (char *)cp.ptr, cp.size, w, 1700000000));
	CHECK_OK(trace_log_checkpoint_add_cosignatures(log, (char *)cosigned.ptr, cosigned.size));
	CHECK_OK(trace_log_checkpoint_add_cosignatures(log, (char *)cosigned.ptr, cosigned.size));
	CHECK_OK(trace_log_checkpoint_get(&merged, log, 70000));
	CHECK(merged.size == cosigned.size && memcmp(merged.ptr, cosigned.ptr, merged.size) == 0);
	trace_buf_dispose(&merged);
	/* Re-signing at the same size keeps the cosignature. */
	CHECK_OK(trace_log_checkpoint_sign(&merged, log, s));
	CHECK(merged.size == cosigned.size);
	trace_buf_dispose(&merged);

	/* A signer that is not the log's key is refused. */
	trace_signer *stranger;
	trace_buf ssk = TRACE_BUF_INIT, svk = TRACE_BUF_INIT;
	CHECK_OK(trace_key_generate(&ssk, &svk, TEST_ORIGIN, TRACE_KEY_ED25519));
	CHECK_OK(trace_signer_from_skey(&stranger, (char *)ssk.ptr));
	CHECK_RC(trace_log_checkpoint_sign(&merged, log, stranger), TRACE_EINVAL);
	CHECK_MSG("is not the log's key");

	/* A batch with one oversized entry fails whole and leaves the log as it was. */
	static uint8_t huge[TRACE_LOG_MAX_ENTRY + 1];
	const uint8_t *ptrs[3] = { buf, huge, buf };
	size_t lens[3] = { 10, sizeof huge, 10 };
	CHECK_RC(trace_log_append(NULL, log, ptrs, lens, 3), TRACE_ELIMIT);
	CHECK_MSG("entry 1 of the batch");
	lens[1] = TRACE_LOG_MAX_ENTRY;	/* exactly the limit is fine */
	CHECK_OK(trace_log_append(NULL, log, ptrs, lens, 3));
	CHECK_OK(trace_log_size(&size, log));
	CHECK(size == 70003);
	trace_buf_dispose(&cp2);
	CHECK_OK(trace_log_checkpoint_sign(&cp2, log, s));
	CHECK_OK(trace_log_audit(log));

	/* A second writer, in this process or another, is refused once the busy
	 * timeout has passed (0 here: at once). */
	trace_log *second = NULL;
	CHECK_RC(trace_log_open(&second, dir, TRACE_OPEN_WRITE, NULL), TRACE_EBUSY);
	CHECK_MSG("another writer holds");
	if (trace_tool) {
		char cmd[4096];
		snprintf(cmd, sizeof cmd, "TRACE_BUSY_TIMEOUT_MS=0 %s log append '%s' /dev/null 2>/dev/null", trace_tool, dir);
		int status = system(cmd);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
		snprintf(cmd, sizeof cmd, "TRACE_BUSY_TIMEOUT_MS=0 %s log append '%s' /dev/null 2>&1 | grep -q 'another writer holds'", trace_tool, dir);
		CHECK(system(cmd) == 0);
		/* ...while a reader in another process reads. */
		snprintf(cmd, sizeof cmd, "%s log verify '%s' >/dev/null", trace_tool, dir);
		CHECK(system(cmd) == 0);
	}
	/* Readers in this process share the writer's storage: any number of
	 * handles, each seeing what the writer committed. */
	trace_log *r1 = NULL, *r2 = NULL;
	uint64_t s1, s2;
	CHECK_OK(trace_log_open(&r1, dir, TRACE_OPEN_READONLY, NULL));
	CHECK_OK(trace_log_open(&r2, dir, TRACE_OPEN_READONLY, NULL));
	CHECK_OK(trace_log_append(NULL, log, ptrs, lens, 1));
	CHECK_OK(trace_log_size(&s1, r1));
	CHECK_OK(trace_log_size(&s2, r2));
	CHECK(s1 == 70004 && s2 == 70004);
	trace_log_close(r1);
	CHECK_OK(trace_log_size(&s2, r2));	/* closing one handle leaves the others working */
	CHECK_OK(trace_log_audit(r2));
	trace_log_close(r2);
	trace_log_close(log);

	/* Read-only handles read but do not write. */
	log = reopen(dir, 1);
	CHECK_OK(trace_log_size(&size, log));
	CHECK(size == 70004);
	CHECK(strcmp(trace_log_origin(log), TEST_ORIGIN) == 0);
	CHECK(strcmp(trace_log_vkey(log), TEST_VKEY) == 0);
	CHECK(trace_log_kind(log) == TRACE_LOG_RAW);
	CHECK(trace_log_suite(log) == TRACE_SUITE_SHA256_ED25519);
	CHECK_RC(trace_log_append(NULL, log, ptrs, lens, 1), TRACE_EINVAL);
	CHECK_MSG("read-only");
	CHECK_OK(trace_log_audit(log));
	trace_log_close(log);

	/* The leaf index is derived: deleting or falsifying it changes no answer. */
	char path[4096];
	snprintf(path, sizeof path, "rm -rf '%s/index'", dir);
	CHECK(system(path) == 0);
	log = reopen(dir, 0);
	uint8_t lh[32];
	CHECK_OK(trace_log_leaf_hash(lh, 32, log, 4242));
	CHECK_OK(trace_log_find(&found, log, lh, 32));
	CHECK(found == 4242);
	trace_log_close(log);
	snprintf(path, sizeof path, "%s/index", dir);
	{
		MDB_env *env;
		MDB_txn *txn;
		MDB_dbi dbi;
		uint8_t wrong[8];
		be64(wrong, 7);
		MDB_val k = { 32, lh }, v = { 8, wrong };
		mdb_env_create(&env);
		mdb_env_set_maxdbs(env, 8);
		mdb_env_set_mapsize(env, (size_t)1 << 30);
		CHECK(mdb_env_open(env, path, 0, 0644) == 0);
		CHECK(mdb_txn_begin(env, NULL, 0, &txn) == 0);
		CHECK(mdb_dbi_open(txn, "leaf", 0, &dbi) == 0);
		CHECK(mdb_put(txn, dbi, &k, &v, 0) == 0);
		CHECK(mdb_txn_commit(txn) == 0);
		mdb_env_close(env);
	}
	log = reopen(dir, 0);
	CHECK_OK(trace_log_find(&found, log, lh, 32));
	CHECK(found == 4242);
	trace_log_close(log);

	/* Tampering is named: an entry, a tile, a checkpoint. */
	uint8_t key[9];
	be64(key, 31337);
	tamper(dir, "entries", key, 8, 3);
	log = reopen(dir, 1);
	CHECK_RC(trace_log_audit(log), TRACE_ECHAINBREAK);
	CHECK_MSG("entry 31337: leaf hash expected");
	trace_log_close(log);
	tamper(dir, "entries", key, 8, 3);	/* undo */
	key[0] = 1;
	be64(key + 1, 0);
	tamper(dir, "tiles", key, 9, 100);
	log = reopen(dir, 1);
	CHECK_RC(trace_log_audit(log), TRACE_ECHAINBREAK);
	CHECK_MSG("tile 1/0");
	trace_log_close(log);
	tamper(dir, "tiles", key, 9, 100);
	be64(key, 70000);
	tamper(dir, "checkpoints", key, 8, 25);
	log = reopen(dir, 1);
	int rc = trace_log_audit(log);
	CHECK(rc == TRACE_EBADSIG || rc == TRACE_ECHAINBREAK);
	CHECK_MSG("checkpoint at size 70000");
	trace_log_close(log);
	tamper(dir, "checkpoints", key, 8, 25);
	log = reopen(dir, 1);
	CHECK_OK(trace_log_audit(log));
	trace_log_close(log);

	trace_buf_dispose(&cp);
	trace_buf_dispose(&cp2);
	trace_buf_dispose(&latest);
	trace_buf_dispose(&proof);
	trace_buf_dispose(&wsk);
	trace_buf_dispose(&wvk);
	trace_buf_dispose(&ssk);
	trace_buf_dispose(&svk);
	trace_buf_dispose(&cosigned);
	trace_signer_free(w);
	trace_signer_free(stranger);
	trace_signer_free(s);
	trace_policy_free(pol);
	test_rmrf(dir);
	free(dir);
}

static void map_growth_and_misuse(void)
{
	char *dir = strdup(test_tmpdir("grow"));
	trace_log *log = create(dir, 1 << 20);	/* 1 MiB: full after a few hundred entries */
	static uint8_t big[4000];
	const uint8_t *ptrs[100];
	size_t lens[100];
	for (int i = 0; i < 100; i++)
		ptrs[i] = big, lens[i] = sizeof big;
	for (int b = 0; b < 20; b++) {
		big[0] = (uint8_t)b;
		CHECK_OK(trace_log_append(NULL, log, ptrs, lens, 100));
	}
	uint64_t size;
	CHECK_OK(trace_log_size(&size, log));
	CHECK(size == 2000);
	CHECK_OK(trace_log_audit(log));
	trace_log_close(log);

	/* A raw log holds the log's own tables and no module's (issue 10: modules own their tables). */
	char names[512];
	named_databases(dir, names, sizeof names);
	CHECK(strcmp(names, "checkpoints,entries,meta,tiles") == 0);
	trace_log *x = NULL;
	CHECK_RC(trace_log_create(&x, dir, TEST_ORIGIN, TEST_VKEY, NULL), TRACE_EEXISTS);
	CHECK_RC(trace_log_open(&x, "/nonexistent/libtrace", TRACE_OPEN_WRITE, NULL), TRACE_ENOTFOUND);
	CHECK_RC(trace_log_create(&x, dir, "bad\norigin", TEST_VKEY, NULL), TRACE_EINVAL);
	CHECK_RC(trace_log_create(&x, dir, TEST_ORIGIN, "not a key", NULL), TRACE_EINVAL);
	test_rmrf(dir);
	/* The key's name must be the origin; a refused create leaves nothing behind. */
	CHECK_RC(trace_log_create(&x, dir, "example.com/other", TEST_VKEY, NULL), TRACE_EINVAL);
	CHECK_MSG("must be the origin");
	CHECK_OK(trace_log_create(&x, dir, TEST_ORIGIN, TEST_VKEY, NULL));
	trace_log_close(x);
	test_rmrf(dir);

	/* An event ledger refuses raw appends. */
	trace_log_opts *o;
	CHECK_OK(trace_log_opts_new(&o));
	CHECK_OK(trace_log_opts_set_kind(o, TRACE_LOG_EVENTS));
	CHECK_RC(trace_log_opts_set_kind(o, 7), TRACE_EINVAL);
	CHECK_RC(trace_log_opts_set_mapsize(o, 1000), TRACE_EINVAL);
	CHECK_OK(trace_log_create(&x, dir, TEST_ORIGIN, TEST_VKEY, o));
	CHECK_RC(trace_log_append(NULL, x, ptrs, lens, 1), TRACE_EINVAL);
	CHECK_MSG("event ledger");
	trace_log_close(x);
	trace_log_opts_free(o);
	test_rmrf(dir);
	free(dir);
}

struct reader_arg {
	const char *dir;
	volatile int stop;
	uint64_t reads;
	int failures;
};

/* Reads through its own handle on the shared storage while the writer grows the map. */
static void *reader_loop(void *p)
{
	struct reader_arg *a = p;
	trace_log *r = NULL;
	if (trace_log_open(&r, a->dir, TRACE_OPEN_READONLY, NULL) != TRACE_OK) {
		a->failures++;
		return NULL;
	}
	while (!a->stop) {
		uint64_t size;
		trace_buf e = TRACE_BUF_INIT;
		if (trace_log_size(&size, r) != TRACE_OK ||
		    (size > 0 && trace_log_entry(&e, r, size - 1) != TRACE_OK) || (size > 0 && e.size != 4000))
			a->failures++;
		trace_buf_dispose(&e);
		a->reads++;
	}
	trace_log_close(r);
	return NULL;
}

struct writer_arg {
	const char *dir;
	int64_t timeout_ms;
	int rc;
	trace_log *log;
};

static void *open_writer(void *p)
{
	struct writer_arg *a = p;
	trace_log_opts *o;
	if ((a->rc = trace_log_opts_new(&o)) == TRACE_OK &&
	    (a->rc = trace_log_opts_set_busy_timeout(o, a->timeout_ms)) == TRACE_OK)
		a->rc = trace_log_open(&a->log, a->dir, TRACE_OPEN_WRITE, o);
	trace_log_opts_free(o);
	return NULL;
}

/* Many handles on one log in one process; a second writer waits for the
 * first up to its busy timeout. */
static void shared_handles(void)
{
	char *dir = strdup(test_tmpdir("shared"));
	trace_log *log = create(dir, 1 << 20);	/* small: the map grows under the readers */
	struct reader_arg ra = { dir, 0, 0, 0 };
	pthread_t rt;
	CHECK(pthread_create(&rt, NULL, reader_loop, &ra) == 0);
	static uint8_t big[4000];
	const uint8_t *ptrs[50];
	size_t lens[50];
	for (int i = 0; i < 50; i++)
		ptrs[i] = big, lens[i] = sizeof big;
	for (int b = 0; b < 40; b++) {
		big[0] = (uint8_t)b;
		CHECK_OK(trace_log_append(NULL, log, ptrs, lens, 50));
	}
	ra.stop = 1;
	pthread_join(rt, NULL);
	CHECK(ra.failures == 0 && ra.reads > 0);
	CHECK_OK(trace_log_audit(log));

	trace_log_opts *o;
	CHECK_OK(trace_log_opts_new(&o));
	CHECK(trace_log_opts_get_busy_timeout(o) == 0);
	CHECK_RC(trace_log_opts_set_busy_timeout(o, -1), TRACE_EINVAL);
	CHECK_RC(trace_log_opts_set_busy_timeout(o, TRACE_BUSY_TIMEOUT_MAX + 1), TRACE_EINVAL);
	CHECK_OK(trace_log_opts_set_busy_timeout(o, 250));
	CHECK(trace_log_opts_get_busy_timeout(o) == 250);
	trace_log *x = NULL;
	CHECK_RC(trace_log_open(&x, dir, 0x80, o), TRACE_EINVAL);
	CHECK_MSG("unknown flags");
	/* Held throughout: refused after waiting the timeout, not before. */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_RC(trace_log_open(&x, dir, TRACE_OPEN_WRITE, o), TRACE_EBUSY);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 250);
	CHECK_MSG("busy timeout");
	trace_log_opts_free(o);
	/* Released while waiting: the second writer gets the lock and appends. */
	struct writer_arg wa = { dir, 20000, -1, NULL };
	pthread_t wt;
	CHECK(pthread_create(&wt, NULL, open_writer, &wa) == 0);
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	trace_log_close(log);
	pthread_join(wt, NULL);
	CHECK_OK(wa.rc);
	CHECK_OK(trace_log_append(NULL, wa.log, ptrs, lens, 1));
	uint64_t size;
	CHECK_OK(trace_log_size(&size, wa.log));
	CHECK(size == 2001);
	trace_log_close(wa.log);
	test_rmrf(dir);
	free(dir);
}

/* A witness key of @type and a signer for it. */
static trace_signer *witness(const char *name, int type, trace_verifier **v)
{
	trace_buf sk = TRACE_BUF_INIT, vk = TRACE_BUF_INIT;
	trace_signer *s;
	CHECK_OK(trace_key_generate(&sk, &vk, name, type));
	CHECK_OK(trace_signer_from_skey(&s, (char *)sk.ptr));
	CHECK_OK(trace_verifier_new(v, (char *)vk.ptr));
	trace_buf_dispose(&sk);
	trace_buf_dispose(&vk);
	return s;
}

/* The stored note at size 1 is exactly @want. */
static void stored_is(trace_log *log, const char *want, size_t len)
{
	trace_buf got = TRACE_BUF_INIT;
	CHECK_OK(trace_log_checkpoint_get(&got, log, 1));
	CHECK(got.size == len && memcmp(got.ptr, want, len) == 0);
	trace_buf_dispose(&got);
}

/* @a, then the signature lines of @b (the notes share their text). */
static char *join(const trace_buf *a, const trace_buf *b, size_t text_len, size_t *len)
{
	char *p = malloc(a->size + b->size);
	CHECK(p != NULL);
	memcpy(p, a->ptr, a->size);
	memcpy(p + a->size, (const char *)b->ptr + text_len, b->size - text_len);
	*len = a->size + b->size - text_len;
	return p;
}

/* Cosignatures checked against the witnesses a log trusts: only theirs are
 * stored, every one of their lines must verify, and a failure stores nothing. */
static void witnessed(void)
{
	char *dir = strdup(test_tmpdir("witnessed"));
	trace_log *log = create(dir, 0);
	uint8_t buf[128];
	size_t len = test_entry(buf, 1), n;
	const uint8_t *p = buf;
	trace_signer *s, *a, *b, *c, *e;
	trace_verifier *va, *vb, *vc, *ve, *vlog;
	CHECK_OK(trace_log_append(NULL, log, &p, &len, 1));
	CHECK_OK(trace_signer_from_skey(&s, TEST_SKEY));
	CHECK_OK(trace_verifier_new(&vlog, TEST_VKEY));
	a = witness("witness.example/a", TRACE_KEY_COSIGNATURE_V1, &va);
	b = witness("witness.example/b", TRACE_KEY_COSIGNATURE_V1, &vb);
	c = witness("stranger.example/c", TRACE_KEY_COSIGNATURE_V1, &vc);
	e = witness("witness.example/ed25519", TRACE_KEY_ED25519, &ve);
	trace_buf cp = TRACE_BUF_INIT, na = TRACE_BUF_INIT, nac = TRACE_BUF_INIT, nb = TRACE_BUF_INIT,
	          ne = TRACE_BUF_INIT;
	CHECK_OK(trace_log_checkpoint_sign(&cp, log, s));
	size_t text_len = (size_t)(strstr((char *)cp.ptr, "\n\n") - (char *)cp.ptr) + 1;	/* text, then a blank line */
	CHECK_OK(trace_note_cosign(&na, (char *)cp.ptr, cp.size, a, 1700000000));
	CHECK_OK(trace_note_cosign(&nac, (char *)na.ptr, na.size, c, 1700000001));
	CHECK_OK(trace_note_cosign(&nb, (char *)cp.ptr, cp.size, b, 1700000002));
	const trace_verifier *trusted[3] = { va, vb, ve };

	/* Refusals first; each leaves the stored note as the log signed it. */
	const trace_verifier *only_b[1] = { vb };
	CHECK_RC(trace_log_checkpoint_add_witnessed(log, (char *)nac.ptr, nac.size, only_b, 1), TRACE_EBADSIG);
	CHECK_MSG("no cosignature from any of the 1 given witnesses");
	/* A bad line from b, then good ones from a and the stranger. */
	char *bad = join(&nb, &nac, cp.size, &n);
	bad[nb.size - 10] = bad[nb.size - 10] == 'A' ? 'B' : 'A';	/* inside b's signature */
	CHECK_RC(trace_log_checkpoint_add_witnessed(log, bad, n, trusted, 3), TRACE_EBADSIG);
	CHECK_MSG("witness.example/b");
	free(bad);
	/* a's good line, then a forged repeat of it. */
	bad = join(&na, &na, cp.size, &n);
	bad[n - 10] = bad[n - 10] == 'A' ? 'B' : 'A';
	CHECK_RC(trace_log_checkpoint_add_witnessed(log, bad, n, trusted, 3), TRACE_EBADSIG);
	CHECK_MSG("witness.example/a");
	free(bad);
	/* a's line without the log's signature. */
	bad = malloc(na.size);
	CHECK(bad != NULL);
	memcpy(bad, na.ptr, text_len + 1);
	memcpy(bad + text_len + 1, (char *)na.ptr + cp.size, na.size - cp.size);
	CHECK_RC(trace_log_checkpoint_add_witnessed(log, bad, text_len + 1 + na.size - cp.size, trusted, 3),
	         TRACE_EBADSIG);
	CHECK_MSG("no signature from a known key");
	free(bad);
	/* No witness, a NULL witness, the log's own key as a witness. */
	CHECK_RC(trace_log_checkpoint_add_witnessed(log, (char *)na.ptr, na.size, trusted, 0), TRACE_EINVAL);
	CHECK_MSG("no witness keys");
	const trace_verifier *with_null[2] = { va, NULL };
	CHECK_RC(trace_log_checkpoint_add_witnessed(log, (char *)na.ptr, na.size, with_null, 2), TRACE_EINVAL);
	CHECK_MSG("witness key 1 is NULL");
	const trace_verifier *with_log[2] = { va, vlog };
	CHECK_RC(trace_log_checkpoint_add_witnessed(log, (char *)cp.ptr, cp.size, with_log, 2), TRACE_EINVAL);
	CHECK_MSG("the log's own key");
	stored_is(log, (char *)cp.ptr, cp.size);

	/* a's line is stored, the stranger's is not; twice, or with a listed twice, changes nothing. */
	const trace_verifier *a_twice[2] = { va, va };
	CHECK_OK(trace_log_checkpoint_add_witnessed(log, (char *)nac.ptr, nac.size, a_twice, 2));
	stored_is(log, (char *)na.ptr, na.size);
	CHECK_OK(trace_log_checkpoint_add_witnessed(log, (char *)nac.ptr, nac.size, trusted, 3));
	CHECK_OK(trace_log_checkpoint_add_witnessed(log, (char *)nac.ptr, nac.size, trusted, 3));
	stored_is(log, (char *)na.ptr, na.size);
	/* b's good line joins a's, then an Ed25519 witness's plain note signature. */
	CHECK_OK(trace_log_checkpoint_add_witnessed(log, (char *)nb.ptr, nb.size, trusted, 3));
	char *ab = join(&na, &nb, cp.size, &n);
	stored_is(log, ab, n);
	trace_signer *both[2] = { s, e };
	CHECK_OK(trace_note_sign(&ne, (char *)cp.ptr, text_len, both, 2, 0));
	CHECK(ne.size > cp.size && memcmp(ne.ptr, cp.ptr, cp.size) == 0);
	CHECK_OK(trace_log_checkpoint_add_witnessed(log, (char *)ne.ptr, ne.size, trusted, 3));
	trace_buf abe = TRACE_BUF_INIT;
	CHECK_OK(trace_log_checkpoint_get(&abe, log, 1));
	CHECK(abe.size == n + ne.size - cp.size && memcmp(abe.ptr, ab, n) == 0 &&
	      memcmp(abe.ptr + n, (char *)ne.ptr + cp.size, ne.size - cp.size) == 0);
	trace_buf_dispose(&abe);
	free(ab);

	trace_buf bufs[5] = { cp, na, nac, nb, ne };
	for (int i = 0; i < 5; i++)
		trace_buf_dispose(&bufs[i]);
	trace_signer *signers[5] = { s, a, b, c, e };
	trace_verifier *verifiers[5] = { va, vb, vc, ve, vlog };
	for (int i = 0; i < 5; i++) {
		trace_signer_free(signers[i]);
		trace_verifier_free(verifiers[i]);
	}
	trace_log_close(log);
	test_rmrf(dir);
	free(dir);
}

int main(int argc, char **argv)
{
	trace_tool = argc > 1 ? argv[1] : NULL;
	CHECK_OK(trace_hasher_new(&h, TRACE_SUITE_SHA256_ED25519));
	big_log();
	map_growth_and_misuse();
	shared_handles();
	witnessed();
	trace_hasher_free(h);
	return test_done("log");
}
