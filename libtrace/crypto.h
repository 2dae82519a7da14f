/*
 * Internal: hashing and signatures.  crypto.c is the only file that includes
 * OpenSSL; every size below comes from here so a second suite (SM3 + SM2)
 * can be added without touching the formats' code.
 */
#ifndef TRACE_CRYPTO_H
#define TRACE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "trace/merkle.h"

/* Sizes of one suite's primitives. */
typedef struct trace__suite_info {
	int id;
	const char *name;     /* as stored in a log's metadata */
	size_t hash_size;
	size_t pub_size;      /* signature public key */
	size_t seed_size;     /* private key material as stored in key text */
	size_t sig_size;
} trace__suite_info;

/* NULL for an unknown suite. */
const trace__suite_info *trace__suite_info_get(int suite);
/* The suite whose signatures a signed-note key type uses, or NULL. */
const trace__suite_info *trace__suite_for_key_type(int key_type);

/* Hash of the concatenation of up to three parts (NULL parts skipped). */
int trace__hash3(trace_hasher *h, uint8_t *out,
                 const void *a, size_t alen, const void *b, size_t blen,
                 const void *c, size_t clen);
int trace__hasher_suite(const trace_hasher *h);

/* A private signing key held in memory (opaque). */
typedef struct trace__sigkey trace__sigkey;
int trace__sigkey_from_seed(trace__sigkey **out, int suite, const uint8_t *seed, size_t len);
int trace__sigkey_public(const trace__sigkey *k, uint8_t *pub, size_t cap, size_t *len);
int trace__sigkey_sign(const trace__sigkey *k, uint8_t *sig, size_t cap, size_t *len,
                       const uint8_t *msg, size_t msg_len);
void trace__sigkey_free(trace__sigkey *k);

/* A public verification key (opaque, immutable). */
typedef struct trace__pubkey trace__pubkey;
int trace__pubkey_new(trace__pubkey **out, int suite, const uint8_t *pub, size_t len);
/* TRACE_OK or TRACE_EBADSIG. */
int trace__pubkey_verify(const trace__pubkey *k, const uint8_t *sig, size_t sig_len,
                         const uint8_t *msg, size_t msg_len);
void trace__pubkey_free(trace__pubkey *k);

/* CSPRNG bytes. */
int trace__random(uint8_t *out, size_t n);
/* Constant-time equality of secrets and hashes: 1 if equal. */
int trace__ct_equal(const void *a, const void *b, size_t n);
/* Wipes memory in a way the compiler keeps. */
void trace__memzero(void *p, size_t n);

/* ---- code module: keyed block function for the issuance permutation ---- */
/* AES-128 under a secret key, applied to independent 16-byte blocks (ECB). */
typedef struct trace__prf trace__prf;
int trace__prf_new(trace__prf **out, const uint8_t key[16]);
/* Encrypts @nblocks blocks of 16 bytes from @in to @out (may not overlap partially). */
int trace__prf_blocks(trace__prf *p, uint8_t *out, const uint8_t *in, size_t nblocks);
void trace__prf_free(trace__prf *p);

/* ---- query module: sealing the private side store (AES-256-GCM) ---- */
#define TRACE__AEAD_KEY 32
#define TRACE__AEAD_NONCE 12
#define TRACE__AEAD_TAG 16
#define TRACE__AEAD_OVERHEAD (TRACE__AEAD_NONCE + TRACE__AEAD_TAG)
/* Writes nonce ‖ ciphertext ‖ tag (@msg_len + TRACE__AEAD_OVERHEAD bytes) to @out, with a random nonce. */
int trace__aead_seal(uint8_t *out, const uint8_t key[TRACE__AEAD_KEY], const uint8_t *aad,
                     size_t aad_len, const uint8_t *msg, size_t msg_len);
/* The reverse, into @out (@sealed_len - TRACE__AEAD_OVERHEAD bytes); TRACE_ECORRUPT if it does not authenticate. */
int trace__aead_open(uint8_t *out, const uint8_t key[TRACE__AEAD_KEY], const uint8_t *aad,
                     size_t aad_len, const uint8_t *sealed, size_t sealed_len);

#endif
