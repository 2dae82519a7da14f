/*
 * bench/raw_limits: what the libraries under libtrace can do on this machine,
 * measured with OpenSSL EVP and LMDB called directly (no libtrace code).
 *
 * Micro limits (SHA-256, Ed25519, LMDB puts) and a "raw ledger": the minimal
 * program that does the same LMDB writes and SHA-256 hashing as libtrace's
 * log (entries under sequential 8-byte big-endian keys with MDB_APPEND, the
 * Merkle tree as C2SP tlog-tiles in the same stored layout, the size record,
 * one durable transaction per batch), then the same proofs and audit over
 * its own data.  It keeps its partial tiles in memory and reuses one read
 * transaction and one digest context: what a hand-written program would do.
 *
 * Functions return 0 on success and -1 on failure (after printing why to
 * stderr), or a rate where noted.
 */
#ifndef TRACE_BENCH_RAW_LIMITS_H
#define TRACE_BENCH_RAW_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#define RAW_HASH 32		/* SHA-256 */
#define RAW_MAX_PROOF 64	/* hashes in an inclusion proof, at most */

/* "OpenSSL 3.0.x ..., LMDB 0.9.x ..." */
const char *raw_versions(void);

/* SHA-256 with one reused EVP_MD_CTX over @len-byte messages for about
 * @seconds: messages per second (bytes/s = result * len).  -1 on failure. */
double raw_sha256_msgs_per_s(size_t len, double seconds);

/* Ed25519 signatures of @msg_len-byte messages per second (EVP, one key,
 * one reused EVP_MD_CTX initialised per signature), and verifications.
 * -1 on failure. */
double raw_ed25519_signs_per_s(size_t msg_len, double seconds);
double raw_ed25519_verifies_per_s(size_t msg_len, double seconds);

/* One Ed25519 key (generated) and a reused EVP_MD_CTX, for timing single
 * signatures next to libtrace's. */
typedef struct raw_signer raw_signer;
raw_signer *raw_signer_new(void);	/* NULL on failure */
int raw_signer_sign(raw_signer *s, uint8_t sig[64], const uint8_t *msg, size_t len);
void raw_signer_free(raw_signer *s);

/* Durable LMDB puts per second into a fresh environment in @dir (must
 * exist and be empty), @batch puts per transaction, @n puts in all.
 * sequential: 8-byte big-endian keys with MDB_APPEND, @value_len-byte values.
 * random: 32-byte random keys, @value_len-byte values.  -1 on failure. */
double raw_lmdb_seq_puts_per_s(const char *dir, uint64_t n, size_t batch, size_t value_len);
double raw_lmdb_random_puts_per_s(const char *dir, uint64_t n, size_t batch, size_t value_len);

/* The same, one batch at a time, so a benchmark can interleave these
 * batches with its own and compare under the same conditions. */
typedef struct raw_puts raw_puts;
raw_puts *raw_puts_open(const char *dir, int random, size_t value_len);	/* NULL on failure */
/* One durable transaction of @n puts; returns its seconds, or -1. */
double raw_puts_batch(raw_puts *p, size_t n);
void raw_puts_close(raw_puts *p);

/* ---- the raw ledger ---------------------------------------------------- */

typedef struct raw_ledger raw_ledger;

/* Creates an empty ledger in @dir (an existing, empty directory). */
int raw_ledger_open(raw_ledger **out, const char *dir, uint64_t mapsize);
void raw_ledger_close(raw_ledger *l);
uint64_t raw_ledger_size(const raw_ledger *l);

/* Appends @n entries in one durable write transaction. */
int raw_ledger_append(raw_ledger *l, const uint8_t *const *entries, const size_t *lens, size_t n);

/* A minimal checkpoint: the root of the current tree, the C2SP checkpoint
 * text, one Ed25519 signature (EVP, key made on first use), the signed note
 * stored under its size in one durable transaction.  *seconds receives the
 * time taken (key setup excluded). */
int raw_ledger_checkpoint(raw_ledger *l, const char *origin, double *seconds);

/* Inclusion proof of @index in the tree of the current size, into @out
 * (RAW_MAX_PROOF hashes); *count receives the number of hashes. */
int raw_ledger_proof(raw_ledger *l, uint64_t index, uint8_t *out, size_t *count);

/* Root of the tree of the current size. */
int raw_ledger_root(raw_ledger *l, uint8_t out[RAW_HASH]);

/* Verifies an inclusion proof with EVP directly: 0 if it leads to @root. */
int raw_ledger_verify(raw_ledger *l, uint64_t index, uint64_t size, const uint8_t *leaf,
                      const uint8_t *proof, size_t count, const uint8_t *root);

/* Full audit: every entry re-hashed and compared with its stored leaf, the
 * tiles rebuilt and compared with the stored ones. */
int raw_ledger_audit(raw_ledger *l);

/* Compares the databases named @names (NULL-terminated) of two LMDB
 * environments key by key and byte by byte: 0 if identical.  Neither may be
 * open elsewhere in this process. */
int raw_compare_envs(const char *dir_a, const char *dir_b, const char *const *names);

/* Bytes used in the environment of @dir (last page used * page size). */
uint64_t raw_env_used_bytes(const char *dir);

#endif
