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
/* Seconds for one Ed25519 signature of @msg_len bytes (mean over @seconds). */
double raw_ed25519_sign_seconds(size_t msg_len, double seconds);

/* Durable LMDB puts per second into a fresh environment in @dir (must
 * exist and be empty), @batch puts per transaction, @n puts in all.
 * sequential: 8-byte big-endian keys with MDB_APPEND, @value_len-byte values.
 * random: 32-byte random keys, @value_len-byte values.  -1 on failure. */
double raw_lmdb_seq_puts_per_s(const char *dir, uint64_t n, size_t batch, size_t value_len);
double raw_lmdb_random_puts_per_s(const char *dir, uint64_t n, size_t batch, size_t value_len);

/* ---- the raw ledger ---------------------------------------------------- */

typedef struct raw_ledger raw_ledger;

/* Creates an empty ledger in @dir (an existing, empty directory). */
int raw_ledger_open(raw_ledger **out, const char *dir, uint64_t mapsize);
void raw_ledger_close(raw_ledger *l);
uint64_t raw_ledger_size(const raw_ledger *l);

/* Appends @n entries in one durable write transaction. */
int raw_ledger_append(raw_ledger *l, const uint8_t *const *entries, const size_t *lens, size_t n);

/* Seconds of one durable write transaction storing @len bytes under a new
 * key (what storing a checkpoint costs): the median of @count commits. */
double raw_ledger_small_commit_seconds(raw_ledger *l, size_t len, int count);

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
