/*
 * bench/raw_limits: the libraries' own limits, with OpenSSL EVP and LMDB
 * called directly.  No libtrace code is used here, so the ratio
 * libtrace / raw shows what libtrace's layers cost.  See raw_limits.h.
 *
 * The raw ledger mirrors libtrace/log (docs/FORMAT.md): databases "meta",
 * "entries", "tiles" (and "checkpoints") in one environment opened with
 * MDB_NOTLS and default durability; entries under 8-byte big-endian keys
 * with MDB_APPEND; tiles under (level byte, big-endian tile number) with
 * value = row 0 (the tlog-tiles tile) followed by rows 1..7; a tile is
 * rewritten whenever it changes, so each batch rewrites its partial tiles;
 * the size record under "size".  The benchmark checks that the raw ledger's
 * "entries" and "tiles" come out byte-identical to libtrace's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lmdb.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "raw_limits.h"

#define TILE_H 8
#define TILE_W 256
#define TILE_SLOTS 511
#define LEVELS 8

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "raw_limits: %s: %s\n", what, detail ? detail : "failed");
	return -1;
}

static int mdb_failed(const char *what, int rc)
{
	return fail(what, mdb_strerror(rc));
}

static int ssl_failed(const char *what)
{
	char text[256] = "no OpenSSL detail";
	unsigned long e = ERR_get_error();
	if (e)
		ERR_error_string_n(e, text, sizeof text);
	ERR_clear_error();
	return fail(what, text);
}

static void be64_put(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t be64_get(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

const char *raw_versions(void)
{
	static char text[256];
	snprintf(text, sizeof text, "%s, %s", OpenSSL_version(OPENSSL_VERSION), mdb_version(NULL, NULL, NULL));
	return text;
}

/* ---- SHA-256 ------------------------------------------------------------ */

typedef struct sha {
	EVP_MD *md;
	EVP_MD_CTX *ctx;
} sha;

static int sha_init(sha *s)
{
	s->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	s->ctx = EVP_MD_CTX_new();
	if (s->md == NULL || s->ctx == NULL)
		return ssl_failed("fetching SHA-256");
	return 0;
}

static void sha_free(sha *s)
{
	EVP_MD_CTX_free(s->ctx);
	EVP_MD_free(s->md);
	s->ctx = NULL;
	s->md = NULL;
}

/* H(prefix || a || b); b may be NULL. */
static int sha_hash(sha *s, uint8_t out[RAW_HASH], uint8_t prefix, const void *a, size_t alen,
                    const void *b, size_t blen)
{
	unsigned int n;
	if (!EVP_DigestInit_ex2(s->ctx, s->md, NULL) || !EVP_DigestUpdate(s->ctx, &prefix, 1) ||
	    (alen && !EVP_DigestUpdate(s->ctx, a, alen)) || (b && !EVP_DigestUpdate(s->ctx, b, blen)) ||
	    !EVP_DigestFinal_ex(s->ctx, out, &n))
		return ssl_failed("SHA-256");
	return 0;
}

/* RFC 6962 interior node: the 65 bytes hashed in one update. */
static int sha_node(sha *s, uint8_t out[RAW_HASH], const uint8_t *left, const uint8_t *right)
{
	uint8_t buf[1 + 2 * RAW_HASH];
	unsigned int n;
	buf[0] = 0x01;
	memcpy(buf + 1, left, RAW_HASH);
	memcpy(buf + 1 + RAW_HASH, right, RAW_HASH);
	if (!EVP_DigestInit_ex2(s->ctx, s->md, NULL) || !EVP_DigestUpdate(s->ctx, buf, sizeof buf) ||
	    !EVP_DigestFinal_ex(s->ctx, out, &n))
		return ssl_failed("SHA-256");
	return 0;
}

double raw_sha256_msgs_per_s(size_t len, double seconds)
{
	sha s;
	uint8_t *msg = calloc(1, len ? len : 1), out[RAW_HASH];
	uint64_t count = 0;
	unsigned int n;
	if (msg == NULL || sha_init(&s)) {
		free(msg);
		return -1;
	}
	double t0 = now(), t;
	do {
		for (int i = 0; i < 256; i++, count++) {
			msg[0] = (uint8_t)count;
			if (!EVP_DigestInit_ex2(s.ctx, s.md, NULL) || !EVP_DigestUpdate(s.ctx, msg, len) ||
			    !EVP_DigestFinal_ex(s.ctx, out, &n)) {
				sha_free(&s);
				free(msg);
				return ssl_failed("SHA-256");
			}
		}
		t = now() - t0;
	} while (t < seconds);
	sha_free(&s);
	free(msg);
	return (double)count / t;
}

/* ---- Ed25519 ------------------------------------------------------------ */

static EVP_PKEY *ed25519_key(void)
{
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	if (pc == NULL || EVP_PKEY_keygen_init(pc) <= 0 || EVP_PKEY_keygen(pc, &pkey) <= 0)
		ssl_failed("Ed25519 key generation");
	EVP_PKEY_CTX_free(pc);
	return pkey;
}

static int ed25519_sign(EVP_MD_CTX *ctx, EVP_PKEY *pkey, uint8_t sig[64], const uint8_t *msg, size_t len)
{
	size_t n = 64;
	EVP_MD_CTX_reset(ctx);
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey) != 1 || EVP_DigestSign(ctx, sig, &n, msg, len) != 1)
		return ssl_failed("Ed25519 signing");
	return 0;
}

/* verify: 0 signs, 1 verifies; returns operations per second. */
static double ed25519_rate(size_t msg_len, double seconds, int verify)
{
	EVP_PKEY *pkey = ed25519_key();
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t *msg = calloc(1, msg_len ? msg_len : 1), sig[64];
	uint64_t count = 0;
	double rate = -1, t0, t;
	if (pkey == NULL || ctx == NULL || msg == NULL)
		goto done;
	memset(msg, 'c', msg_len);
	if (ed25519_sign(ctx, pkey, sig, msg, msg_len))
		goto done;
	t0 = now();
	do {
		for (int i = 0; i < 16; i++, count++) {
			if (!verify) {
				msg[0] = (uint8_t)count;
				if (ed25519_sign(ctx, pkey, sig, msg, msg_len))
					goto done;
			} else {
				EVP_MD_CTX_reset(ctx);
				if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) != 1 ||
				    EVP_DigestVerify(ctx, sig, sizeof sig, msg, msg_len) != 1) {
					ssl_failed("Ed25519 verification");
					goto done;
				}
			}
		}
		t = now() - t0;
	} while (t < seconds);
	rate = (double)count / t;
done:
	free(msg);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return rate;
}

double raw_ed25519_signs_per_s(size_t msg_len, double seconds)
{
	return ed25519_rate(msg_len, seconds, 0);
}

double raw_ed25519_verifies_per_s(size_t msg_len, double seconds)
{
	return ed25519_rate(msg_len, seconds, 1);
}

struct raw_signer {
	EVP_PKEY *pkey;
	EVP_MD_CTX *ctx;
};

raw_signer *raw_signer_new(void)
{
	raw_signer *s = calloc(1, sizeof *s);
	if (s == NULL || (s->pkey = ed25519_key()) == NULL || (s->ctx = EVP_MD_CTX_new()) == NULL) {
		raw_signer_free(s);
		return NULL;
	}
	return s;
}

int raw_signer_sign(raw_signer *s, uint8_t sig[64], const uint8_t *msg, size_t len)
{
	return ed25519_sign(s->ctx, s->pkey, sig, msg, len);
}

void raw_signer_free(raw_signer *s)
{
	if (s == NULL)
		return;
	EVP_MD_CTX_free(s->ctx);
	EVP_PKEY_free(s->pkey);
	free(s);
}

/* ---- LMDB --------------------------------------------------------------- */

/* The same environment settings as libtrace/log/store.c, durable. */
static int env_open(MDB_env **env, const char *dir, uint64_t mapsize, unsigned flags)
{
	int rc;
	if ((rc = mdb_env_create(env)) || (rc = mdb_env_set_maxdbs(*env, 32)) ||
	    (rc = mdb_env_set_maxreaders(*env, 252)) ||
	    (rc = mdb_env_set_mapsize(*env, (size_t)mapsize)) ||
	    (rc = mdb_env_open(*env, dir, MDB_NOTLS | flags, 0644))) {
		if (*env)
			mdb_env_close(*env);
		*env = NULL;
		return mdb_failed(dir, rc);
	}
	return 0;
}

struct raw_puts {
	MDB_env *env;
	MDB_dbi dbi;
	int random;
	size_t value_len;
	uint8_t *value;
	uint64_t done, seed;
};

raw_puts *raw_puts_open(const char *dir, int random, size_t value_len)
{
	raw_puts *p = calloc(1, sizeof *p);
	MDB_txn *txn;
	int rc;
	if (p == NULL || (p->value = calloc(1, value_len ? value_len : 1)) == NULL) {
		free(p);
		fail("LMDB puts", "out of memory");
		return NULL;
	}
	memset(p->value, 'v', value_len);
	p->random = random;
	p->value_len = value_len;
	p->seed = 42;
	if (env_open(&p->env, dir, (uint64_t)8 << 30, 0)) {
		raw_puts_close(p);
		return NULL;
	}
	if ((rc = mdb_txn_begin(p->env, NULL, 0, &txn)) || (rc = mdb_dbi_open(txn, NULL, 0, &p->dbi)) ||
	    (rc = mdb_txn_commit(txn))) {
		mdb_failed("opening the database", rc);
		raw_puts_close(p);
		return NULL;
	}
	return p;
}

double raw_puts_batch(raw_puts *p, size_t n)
{
	MDB_txn *txn;
	uint8_t key[32];
	int rc;
	double t0 = now();
	if ((rc = mdb_txn_begin(p->env, NULL, 0, &txn)))
		return mdb_failed("mdb_txn_begin", rc);
	for (size_t i = 0; i < n; i++, p->done++) {
		MDB_val k = { 8, key }, v = { p->value_len, p->value };
		if (p->random) {
			for (int j = 0; j < 4; j++) {
				uint64_t r = splitmix64(&p->seed);
				memcpy(key + 8 * j, &r, 8);
			}
			k.mv_size = 32;
		} else {
			be64_put(key, p->done);
		}
		memcpy(p->value, &p->done, sizeof p->done < p->value_len ? sizeof p->done : p->value_len);
		if ((rc = mdb_put(txn, p->dbi, &k, &v, p->random ? 0 : MDB_APPEND))) {
			mdb_txn_abort(txn);
			return mdb_failed("mdb_put", rc);
		}
	}
	if ((rc = mdb_txn_commit(txn)))
		return mdb_failed("mdb_txn_commit", rc);
	return now() - t0;
}

void raw_puts_close(raw_puts *p)
{
	if (p == NULL)
		return;
	if (p->env)
		mdb_env_close(p->env);
	free(p->value);
	free(p);
}

static double lmdb_puts(const char *dir, uint64_t n, size_t batch, size_t value_len, int random)
{
	raw_puts *p = raw_puts_open(dir, random, value_len);
	double total = 0;
	if (p == NULL)
		return -1;
	for (uint64_t done = 0; done < n; done += batch) {
		double t = raw_puts_batch(p, n - done < batch ? (size_t)(n - done) : batch);
		if (t < 0) {
			raw_puts_close(p);
			return -1;
		}
		total += t;
	}
	raw_puts_close(p);
	return (double)n / total;
}

double raw_lmdb_seq_puts_per_s(const char *dir, uint64_t n, size_t batch, size_t value_len)
{
	return lmdb_puts(dir, n, batch, value_len, 0);
}

double raw_lmdb_random_puts_per_s(const char *dir, uint64_t n, size_t batch, size_t value_len)
{
	return lmdb_puts(dir, n, batch, value_len, 1);
}

/* ---- tiles -------------------------------------------------------------- */

static size_t row_offset(unsigned s)
{
	return 512u - (512u >> s);
}

static size_t tile_nodes(unsigned width)
{
	size_t n = 0;
	for (unsigned s = 0; s < TILE_H; s++)
		n += width >> s;
	return n;
}

static size_t packed_offset(unsigned width, unsigned s)
{
	size_t n = 0;
	for (unsigned j = 0; j < s; j++)
		n += width >> j;
	return n;
}

static unsigned tile_width(uint64_t size, unsigned level, uint64_t n)
{
	uint64_t count = level >= LEVELS ? 0 : size >> (TILE_H * level);
	if (count <= n * TILE_W)
		return 0;
	count -= n * TILE_W;
	return count >= TILE_W ? TILE_W : (unsigned)count;
}

static void tile_key(uint8_t key[9], unsigned level, uint64_t n)
{
	key[0] = (uint8_t)level;
	be64_put(key + 1, n);
}

/* Builds tiles from leaf hashes; finished or changed tiles are written to
 * (or, for the audit, compared with) the "tiles" database of @txn. */
typedef struct tiles {
	sha *sha;
	MDB_txn *txn;
	MDB_dbi dbi;
	int compare;
	struct {
		uint64_t n;
		unsigned width;
		int used, dirty;
		uint8_t slots[TILE_SLOTS * RAW_HASH];
	} lv[LEVELS];
} tiles;

static int tiles_store(tiles *b, unsigned level)
{
	uint8_t key[9];
	unsigned width = b->lv[level].width;
	size_t len = tile_nodes(width) * RAW_HASH, o = 0;
	MDB_val k = { sizeof key, key }, v = { len, NULL };
	int rc;
	tile_key(key, level, b->lv[level].n);
	b->lv[level].dirty = 0;
	if (b->compare) {
		if ((rc = mdb_get(b->txn, b->dbi, &k, &v)))
			return mdb_failed("audit: reading a tile", rc);
		if (v.mv_size != len)
			return fail("audit", "a stored tile has the wrong size");
	} else if ((rc = mdb_put(b->txn, b->dbi, &k, &v, MDB_RESERVE))) {
		return mdb_failed("writing a tile", rc);
	}
	/* Pack rows 0..7 straight into the reserved value (or compare them). */
	for (unsigned s = 0; s < TILE_H; s++) {
		size_t count = (width >> s) * RAW_HASH;
		const uint8_t *row = b->lv[level].slots + row_offset(s) * RAW_HASH;
		if (b->compare) {
			if (memcmp((const uint8_t *)v.mv_data + o, row, count) != 0)
				return fail("audit", "a stored tile differs from the recomputed one");
		} else {
			memcpy((uint8_t *)v.mv_data + o, row, count);
		}
		o += count;
	}
	return 0;
}

static int tiles_add(tiles *b, unsigned level, uint64_t pos, const uint8_t *hash)
{
	uint64_t n = pos / TILE_W;
	unsigned i = (unsigned)(pos % TILE_W);
	if (level >= LEVELS)
		return fail("tiles", "tree is full");
	if (!b->lv[level].used || b->lv[level].n != n) {
		if (b->lv[level].used && b->lv[level].dirty && tiles_store(b, level))
			return -1;
		if (i != 0)
			return fail("tiles", "the raw ledger starts empty and keeps its partial tiles in memory");
		b->lv[level].used = 1;
		b->lv[level].n = n;
		b->lv[level].width = 0;
	}
	uint8_t *slots = b->lv[level].slots;
	memcpy(slots + (row_offset(0) + i) * RAW_HASH, hash, RAW_HASH);
	b->lv[level].width = i + 1;
	b->lv[level].dirty = 1;
	for (unsigned s = 1; s <= TILE_H; s++) {
		if (((i + 1) & ((1u << s) - 1)) != 0)
			break;
		unsigned p = i >> s;
		const uint8_t *left = slots + (row_offset(s - 1) + 2 * p) * RAW_HASH;
		if (sha_node(b->sha, slots + (row_offset(s) + p) * RAW_HASH, left, left + RAW_HASH))
			return -1;
	}
	if (i == TILE_W - 1)
		return tiles_add(b, level + 1, n, slots + row_offset(TILE_H) * RAW_HASH);
	return 0;
}

static int tiles_flush(tiles *b)
{
	for (unsigned l = 0; l < LEVELS; l++)
		if (b->lv[l].used && b->lv[l].dirty && tiles_store(b, l))
			return -1;
	return 0;
}

/* ---- the raw ledger ----------------------------------------------------- */

enum { RDB_META, RDB_ENTRIES, RDB_TILES, RDB_CHECKPOINTS, RDB_COUNT };
static const char *const rdb_names[RDB_COUNT] = { "meta", "entries", "tiles", "checkpoints" };

struct raw_ledger {
	MDB_env *env;
	MDB_dbi dbi[RDB_COUNT];
	sha sha;
	uint64_t size, checkpoints;
	tiles *builder;
	uint8_t *leaves;
	size_t leaves_cap;
	MDB_txn *rtxn;		/* read transaction, reset between uses */
	EVP_PKEY *sign_key;	/* created with the first checkpoint */
	EVP_MD_CTX *sign_ctx;
	uint8_t key_id[4];
	struct {
		uint64_t n;
		const uint8_t *data;
		unsigned width;
	} cache[LEVELS];
};

int raw_ledger_open(raw_ledger **out, const char *dir, uint64_t mapsize)
{
	raw_ledger *l = calloc(1, sizeof *l);
	MDB_txn *txn;
	uint8_t zero[8] = { 0 };
	int rc;
	*out = NULL;
	if (l == NULL || (l->builder = calloc(1, sizeof *l->builder)) == NULL) {
		free(l);
		return fail("raw ledger", "out of memory");
	}
	if (sha_init(&l->sha) || env_open(&l->env, dir, mapsize, 0)) {
		raw_ledger_close(l);
		return -1;
	}
	if ((rc = mdb_txn_begin(l->env, NULL, 0, &txn))) {
		raw_ledger_close(l);
		return mdb_failed("raw ledger: begin", rc);
	}
	for (int i = 0; i < RDB_COUNT && rc == 0; i++)
		rc = mdb_dbi_open(txn, rdb_names[i], MDB_CREATE, &l->dbi[i]);
	if (rc == 0) {
		MDB_val k = { 4, (void *)"size" }, v = { 8, zero };
		rc = mdb_put(txn, l->dbi[RDB_META], &k, &v, 0);
	}
	if (rc) {
		mdb_txn_abort(txn);
		raw_ledger_close(l);
		return mdb_failed("raw ledger: creating databases", rc);
	}
	if ((rc = mdb_txn_commit(txn))) {
		raw_ledger_close(l);
		return mdb_failed("raw ledger: commit", rc);
	}
	l->builder->sha = &l->sha;
	l->builder->dbi = l->dbi[RDB_TILES];
	*out = l;
	return 0;
}

void raw_ledger_close(raw_ledger *l)
{
	if (l == NULL)
		return;
	if (l->rtxn)
		mdb_txn_abort(l->rtxn);
	EVP_MD_CTX_free(l->sign_ctx);
	EVP_PKEY_free(l->sign_key);
	if (l->env)
		mdb_env_close(l->env);
	sha_free(&l->sha);
	free(l->builder);
	free(l->leaves);
	free(l);
}

uint64_t raw_ledger_size(const raw_ledger *l)
{
	return l->size;
}

int raw_ledger_append(raw_ledger *l, const uint8_t *const *entries, const size_t *lens, size_t n)
{
	MDB_txn *txn;
	uint8_t key[8];
	int rc;
	if (n * RAW_HASH > l->leaves_cap) {
		free(l->leaves);
		l->leaves_cap = n * RAW_HASH;
		if ((l->leaves = malloc(l->leaves_cap)) == NULL)
			return fail("raw ledger", "out of memory");
	}
	/* Leaf hashes first, outside the transaction, as libtrace does. */
	for (size_t i = 0; i < n; i++)
		if (sha_hash(&l->sha, l->leaves + i * RAW_HASH, 0x00, entries[i], lens[i], NULL, 0))
			return -1;
	if ((rc = mdb_txn_begin(l->env, NULL, 0, &txn)))
		return mdb_failed("raw ledger: begin", rc);
	l->builder->txn = txn;
	l->builder->compare = 0;
	for (size_t i = 0; i < n; i++) {
		MDB_val k = { 8, key }, v = { lens[i], (void *)entries[i] };
		be64_put(key, l->size + i);
		if ((rc = mdb_put(txn, l->dbi[RDB_ENTRIES], &k, &v, MDB_APPEND))) {
			mdb_txn_abort(txn);
			return mdb_failed("raw ledger: writing an entry", rc);
		}
		if (tiles_add(l->builder, 0, l->size + i, l->leaves + i * RAW_HASH)) {
			mdb_txn_abort(txn);
			return -1;
		}
	}
	if (tiles_flush(l->builder)) {
		mdb_txn_abort(txn);
		return -1;
	}
	be64_put(key, l->size + n);
	MDB_val k = { 4, (void *)"size" }, v = { 8, key };
	if ((rc = mdb_put(txn, l->dbi[RDB_META], &k, &v, 0))) {
		mdb_txn_abort(txn);
		return mdb_failed("raw ledger: writing the size", rc);
	}
	if ((rc = mdb_txn_commit(txn)))
		return mdb_failed("raw ledger: commit", rc);
	l->size += n;
	return 0;
}

static int read_begin(raw_ledger *l)
{
	int rc = l->rtxn ? mdb_txn_renew(l->rtxn) : mdb_txn_begin(l->env, NULL, MDB_RDONLY, &l->rtxn);
	if (rc)
		return mdb_failed("raw ledger: read transaction", rc);
	for (unsigned i = 0; i < LEVELS; i++)
		l->cache[i].data = NULL;
	return 0;
}

static void read_end(raw_ledger *l)
{
	mdb_txn_reset(l->rtxn);
}

/* Hash of the complete subtree at @height, number @index, from stored tiles. */
static int raw_node(raw_ledger *l, unsigned height, uint64_t index, uint8_t *out)
{
	unsigned level = height / TILE_H, s = height % TILE_H;
	uint64_t n = index >> (TILE_H - s);
	unsigned p = (unsigned)(index & ((TILE_W >> s) - 1));
	if (level >= LEVELS)
		return fail("raw ledger", "no such node");
	if (l->cache[level].data == NULL || l->cache[level].n != n) {
		uint8_t key[9];
		unsigned width = tile_width(l->size, level, n);
		MDB_val k = { sizeof key, key }, v;
		tile_key(key, level, n);
		int rc = mdb_get(l->rtxn, l->dbi[RDB_TILES], &k, &v);
		if (rc)
			return mdb_failed("raw ledger: reading a tile", rc);
		if (v.mv_size != tile_nodes(width) * RAW_HASH)
			return fail("raw ledger", "a tile has the wrong size");
		l->cache[level].n = n;
		l->cache[level].data = v.mv_data;
		l->cache[level].width = width;
	}
	unsigned width = l->cache[level].width;
	if (p >= (width >> s))
		return fail("raw ledger", "node is not complete");
	memcpy(out, l->cache[level].data + (packed_offset(width, s) + p) * RAW_HASH, RAW_HASH);
	return 0;
}

static unsigned bit_length(uint64_t x)
{
	return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

/* MTH(D[lo:hi]): complete subtrees largest first, folded from the right. */
static int raw_subtree(raw_ledger *l, uint64_t lo, uint64_t hi, uint8_t *out)
{
	uint8_t parts[64][RAW_HASH];
	size_t count = 0;
	while (lo < hi) {
		unsigned height = bit_length(hi - lo) - 1;
		if (raw_node(l, height, lo >> height, parts[count]))
			return -1;
		count++;
		lo += (uint64_t)1 << height;
	}
	memcpy(out, parts[count - 1], RAW_HASH);
	for (size_t i = count - 1; i-- > 0;)
		if (sha_node(&l->sha, out, parts[i], out))
			return -1;
	return 0;
}

int raw_ledger_proof(raw_ledger *l, uint64_t index, uint8_t *out, size_t *count)
{
	uint8_t path[RAW_MAX_PROOF][RAW_HASH];
	uint64_t lo = 0, hi = l->size;
	size_t depth = 0;
	if (index >= l->size)
		return fail("raw ledger", "index beyond the tree");
	if (read_begin(l))
		return -1;
	while (hi - lo > 1) {
		uint64_t k = (uint64_t)1 << (bit_length(hi - lo - 1) - 1);
		int rc;
		if (index < lo + k) {
			rc = raw_subtree(l, lo + k, hi, path[depth]);
			hi = lo + k;
		} else {
			rc = raw_subtree(l, lo, lo + k, path[depth]);
			lo += k;
		}
		if (rc) {
			read_end(l);
			return -1;
		}
		depth++;
	}
	read_end(l);
	for (size_t i = 0; i < depth; i++)
		memcpy(out + i * RAW_HASH, path[depth - 1 - i], RAW_HASH);
	*count = depth;
	return 0;
}

int raw_ledger_root(raw_ledger *l, uint8_t out[RAW_HASH])
{
	if (l->size == 0)
		return fail("raw ledger", "empty");
	if (read_begin(l))
		return -1;
	int rc = raw_subtree(l, 0, l->size, out);
	read_end(l);
	return rc;
}

static int raw_sign_setup(raw_ledger *l, const char *name)
{
	uint8_t pub[32], digest[RAW_HASH];
	size_t pub_len = sizeof pub;
	unsigned int n;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if ((l->sign_key = ed25519_key()) == NULL || (l->sign_ctx = EVP_MD_CTX_new()) == NULL || ctx == NULL ||
	    EVP_PKEY_get_raw_public_key(l->sign_key, pub, &pub_len) != 1) {
		EVP_MD_CTX_free(ctx);
		return ssl_failed("raw checkpoint key");
	}
	/* signed-note key ID: SHA-256(name || "\n" || 0x01 || public key)[:4] */
	uint8_t sep[2] = { '\n', 0x01 };
	int ok = EVP_DigestInit_ex2(ctx, l->sha.md, NULL) && EVP_DigestUpdate(ctx, name, strlen(name)) &&
	         EVP_DigestUpdate(ctx, sep, 2) && EVP_DigestUpdate(ctx, pub, pub_len) &&
	         EVP_DigestFinal_ex(ctx, digest, &n);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return ssl_failed("raw checkpoint key ID");
	memcpy(l->key_id, digest, 4);
	return 0;
}

int raw_ledger_checkpoint(raw_ledger *l, const char *origin, double *seconds)
{
	uint8_t root[RAW_HASH], sig[4 + 64], key[8];
	char note[1024], b64[128];
	MDB_txn *txn;
	int rc;
	if (l->sign_key == NULL && raw_sign_setup(l, origin))
		return -1;
	double t0 = now();
	if (raw_ledger_root(l, root))
		return -1;
	EVP_EncodeBlock((unsigned char *)b64, root, RAW_HASH);
	int text_len = snprintf(note, sizeof note, "%s\n%llu\n%s\n", origin, (unsigned long long)l->size, b64);
	memcpy(sig, l->key_id, 4);
	if (text_len <= 0 || (size_t)text_len >= sizeof note / 2 ||
	    ed25519_sign(l->sign_ctx, l->sign_key, sig + 4, (const uint8_t *)note, (size_t)text_len))
		return -1;
	EVP_EncodeBlock((unsigned char *)b64, sig, sizeof sig);
	int len = text_len + snprintf(note + text_len, sizeof note - (size_t)text_len, "\n\xe2\x80\x94 %s %s\n", origin, b64);
	be64_put(key, l->size);
	MDB_val k = { 8, key }, v = { (size_t)len, note };
	if ((rc = mdb_txn_begin(l->env, NULL, 0, &txn)))
		return mdb_failed("raw checkpoint: begin", rc);
	if ((rc = mdb_put(txn, l->dbi[RDB_CHECKPOINTS], &k, &v, 0))) {
		mdb_txn_abort(txn);
		return mdb_failed("raw checkpoint: put", rc);
	}
	if ((rc = mdb_txn_commit(txn)))
		return mdb_failed("raw checkpoint: commit", rc);
	*seconds = now() - t0;
	return 0;
}

int raw_ledger_verify(raw_ledger *l, uint64_t index, uint64_t size, const uint8_t *leaf,
                      const uint8_t *proof, size_t count, const uint8_t *root)
{
	unsigned inner = bit_length(index ^ (size - 1));
	uint8_t r[RAW_HASH];
	if (index >= size || count != inner + (size_t)__builtin_popcountll(inner < 64 ? index >> inner : 0))
		return -1;
	memcpy(r, leaf, RAW_HASH);
	for (size_t i = 0; i < count; i++) {
		const uint8_t *p = proof + i * RAW_HASH;
		int left = i < inner ? (int)((index >> i) & 1) : 1;
		if (left ? sha_node(&l->sha, r, p, r) : sha_node(&l->sha, r, r, p))
			return -1;
	}
	return CRYPTO_memcmp(r, root, RAW_HASH) == 0 ? 0 : -1;
}

int raw_ledger_audit(raw_ledger *l)
{
	tiles *b = calloc(1, sizeof *b);
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint8_t leaf[RAW_HASH];
	uint64_t i = 0, tile_n = UINT64_MAX;
	const uint8_t *tile = NULL;
	size_t tile_len = 0;
	int rc, ret = -1;
	if (b == NULL)
		return fail("raw audit", "out of memory");
	if (read_begin(l)) {
		free(b);
		return -1;
	}
	b->sha = &l->sha;
	b->txn = l->rtxn;
	b->dbi = l->dbi[RDB_TILES];
	b->compare = 1;
	if ((rc = mdb_cursor_open(l->rtxn, l->dbi[RDB_ENTRIES], &cur))) {
		mdb_failed("raw audit: cursor", rc);
		goto out;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT), i++) {
		if (k.mv_size != 8 || be64_get(k.mv_data) != i || i >= l->size) {
			fail("raw audit", "entry keys are not 0, 1, 2, ...");
			goto out;
		}
		if (sha_hash(&l->sha, leaf, 0x00, v.mv_data, v.mv_size, NULL, 0))
			goto out;
		/* The stored leaf hash: row 0 of level-0 tile i / 256. */
		if (i / TILE_W != tile_n) {
			uint8_t key[9];
			MDB_val tk = { sizeof key, key }, tv;
			tile_n = i / TILE_W;
			tile_key(key, 0, tile_n);
			if ((rc = mdb_get(l->rtxn, l->dbi[RDB_TILES], &tk, &tv))) {
				mdb_failed("raw audit: reading a tile", rc);
				goto out;
			}
			tile = tv.mv_data;
			tile_len = tv.mv_size;
		}
		if ((i % TILE_W + 1) * RAW_HASH > tile_len ||
		    memcmp(tile + (i % TILE_W) * RAW_HASH, leaf, RAW_HASH) != 0) {
			fail("raw audit", "a stored leaf hash differs from its entry's");
			goto out;
		}
		if (tiles_add(b, 0, i, leaf))
			goto out;
	}
	if (rc != MDB_NOTFOUND) {
		mdb_failed("raw audit: cursor", rc);
		goto out;
	}
	if (i != l->size) {
		fail("raw audit", "entries are missing");
		goto out;
	}
	ret = tiles_flush(b);
out:
	if (cur)
		mdb_cursor_close(cur);
	read_end(l);
	free(b);
	return ret;
}

/* ---- comparing two environments ----------------------------------------- */

int raw_compare_envs(const char *dir_a, const char *dir_b, const char *const *names)
{
	MDB_env *env[2] = { NULL, NULL };
	MDB_txn *txn[2] = { NULL, NULL };
	MDB_cursor *cur[2] = { NULL, NULL };
	const char *dirs[2] = { dir_a, dir_b };
	int ret = -1, rc;

	for (int e = 0; e < 2; e++) {
		if (env_open(&env[e], dirs[e], 0, MDB_RDONLY))
			goto out;
		if ((rc = mdb_txn_begin(env[e], NULL, MDB_RDONLY, &txn[e]))) {
			mdb_failed(dirs[e], rc);
			goto out;
		}
	}
	for (const char *const *name = names; *name; name++) {
		MDB_val k[2], v[2];
		uint64_t count = 0;
		for (int e = 0; e < 2; e++) {
			MDB_dbi dbi;
			if ((rc = mdb_dbi_open(txn[e], *name, 0, &dbi)) || (rc = mdb_cursor_open(txn[e], dbi, &cur[e]))) {
				mdb_failed(*name, rc);
				goto out;
			}
		}
		for (MDB_cursor_op op = MDB_FIRST;; op = MDB_NEXT, count++) {
			int r0 = mdb_cursor_get(cur[0], &k[0], &v[0], op);
			int r1 = mdb_cursor_get(cur[1], &k[1], &v[1], op);
			if (r0 == MDB_NOTFOUND && r1 == MDB_NOTFOUND)
				break;
			if (r0 || r1 || k[0].mv_size != k[1].mv_size || v[0].mv_size != v[1].mv_size ||
			    memcmp(k[0].mv_data, k[1].mv_data, k[0].mv_size) != 0 ||
			    memcmp(v[0].mv_data, v[1].mv_data, v[0].mv_size) != 0) {
				fprintf(stderr, "raw_limits: database \"%s\" differs at record %llu\n", *name,
				        (unsigned long long)count);
				goto out;
			}
		}
		for (int e = 0; e < 2; e++) {
			mdb_cursor_close(cur[e]);
			cur[e] = NULL;
		}
	}
	ret = 0;
out:
	for (int e = 0; e < 2; e++) {
		if (cur[e])
			mdb_cursor_close(cur[e]);
		if (txn[e])
			mdb_txn_abort(txn[e]);
		if (env[e])
			mdb_env_close(env[e]);
	}
	return ret;
}

uint64_t raw_env_used_bytes(const char *dir)
{
	MDB_env *env = NULL;
	MDB_envinfo info;
	MDB_stat st;
	uint64_t used = 0;
	if (env_open(&env, dir, 0, MDB_RDONLY))
		return 0;
	if (mdb_env_info(env, &info) == 0 && mdb_env_stat(env, &st) == 0)
		used = (uint64_t)(info.me_last_pgno + 1) * st.ms_psize;
	mdb_env_close(env);
	return used;
}
