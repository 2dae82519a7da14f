/*
 * crypto: SHA-256 and Ed25519 through OpenSSL EVP.  The only file that
 * includes OpenSSL.  The digest is fetched once per hasher and its context
 * reused; signing keys are kept as EVP_PKEY and a fresh EVP_MD_CTX is
 * initialised for every signature (OpenSSL 3.2+ refuses to reuse one).
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "trace/error.h"
#include "trace/merkle.h"
#include "trace/note.h"
#include "crypto.h"
#include "error_internal.h"
#include "util/alloc.h"

static const trace__suite_info suites[] = {
	{ TRACE_SUITE_SHA256_ED25519, "sha256-ed25519", 32, 32, 32, 64 },
};

const trace__suite_info *trace__suite_info_get(int suite)
{
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (suites[i].id == suite)
			return &suites[i];
	return NULL;
}

const trace__suite_info *trace__suite_for_key_type(int key_type)
{
	/* Signed-note types 0x01 (Ed25519) and 0x04 (Ed25519 cosignature). */
	if (key_type == TRACE_KEY_ED25519 || key_type == TRACE_KEY_COSIGNATURE_V1)
		return &suites[0];
	return NULL;
}

/* Reports OpenSSL's failure as @code, or as TRACE_ENOMEM when its error
 * queue says an allocation failed. */
static int openssl_fail(int code, const char *what)
{
	unsigned long e = ERR_get_error(), more;
	char text[256] = "no OpenSSL detail";
	if (e)
		ERR_error_string_n(e, text, sizeof text);
	for (more = e; more != 0; more = ERR_get_error())
		if (ERR_GET_REASON(more) == ERR_R_MALLOC_FAILURE)
			code = TRACE_ENOMEM;
	ERR_clear_error();
	return trace__fail_sys(code, (int)e, "%s failed: %s", what, text);
}

/* OpenSSL failed on inputs already checked (a fixed-size key, a fetched
 * algorithm): what is left is a lack of resources, and OpenSSL 3.0 does
 * not always say so in its queue, so this is never reported as bad input,
 * a bad signature or corrupt data. */
static int openssl_resource_fail(const char *what)
{
	return openssl_fail(TRACE_ENOMEM, what);
}

struct trace_hasher {
	int suite;
	size_t size;
	EVP_MD *md;
	EVP_MD_CTX *ctx;
};

int trace_hasher_new(trace_hasher **out, int suite)
{
	const trace__suite_info *info = trace__suite_info_get(suite);
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_hasher_new: out is NULL");
	*out = NULL;
	if (info == NULL)
		return trace__fail(TRACE_EUNSUPPORTED, "unknown algorithm suite %d", suite);
	trace_hasher *h = trace__calloc(1, sizeof *h);
	if (h == NULL)
		return trace__oom();
	h->suite = suite;
	h->size = info->hash_size;
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->ctx = EVP_MD_CTX_new();
	if (h->md == NULL || h->ctx == NULL) {
		trace_hasher_free(h);
		return openssl_fail(TRACE_ENOMEM, "fetching SHA-256");
	}
	*out = h;
	return TRACE_OK;
}

void trace_hasher_free(trace_hasher *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
	trace__free(h);
}

size_t trace_hasher_size(const trace_hasher *h)
{
	return h ? h->size : 0;
}

int trace__hasher_suite(const trace_hasher *h)
{
	return h->suite;
}

int trace__hash3(trace_hasher *h, uint8_t *out, const void *a, size_t alen,
                 const void *b, size_t blen, const void *c, size_t clen)
{
	unsigned int n = 0;
	if (!EVP_DigestInit_ex2(h->ctx, h->md, NULL) ||
	    (a && !EVP_DigestUpdate(h->ctx, a, alen)) ||
	    (b && !EVP_DigestUpdate(h->ctx, b, blen)) ||
	    (c && !EVP_DigestUpdate(h->ctx, c, clen)) ||
	    !EVP_DigestFinal_ex(h->ctx, out, &n))
		return openssl_resource_fail("SHA-256");
	return TRACE_OK;
}

struct trace__sigkey {
	int suite;
	EVP_PKEY *pkey;
};

int trace__sigkey_from_seed(trace__sigkey **out, int suite, const uint8_t *seed, size_t len)
{
	const trace__suite_info *info = trace__suite_info_get(suite);
	*out = NULL;
	if (info == NULL)
		return trace__fail(TRACE_EUNSUPPORTED, "unknown algorithm suite %d", suite);
	if (len != info->seed_size)
		return trace__fail(TRACE_EINVAL, "private key is %zu bytes, expected %zu", len, info->seed_size);
	trace__sigkey *k = trace__calloc(1, sizeof *k);
	if (k == NULL)
		return trace__oom();
	k->suite = suite;
	k->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, len);
	if (k->pkey == NULL) {
		trace__free(k);
		return openssl_fail(TRACE_EINVAL, "loading the Ed25519 private key");
	}
	*out = k;
	return TRACE_OK;
}

int trace__sigkey_public(const trace__sigkey *k, uint8_t *pub, size_t cap, size_t *len)
{
	size_t n = cap;
	if (!EVP_PKEY_get_raw_public_key(k->pkey, pub, &n))
		return openssl_fail(TRACE_EINVAL, "deriving the Ed25519 public key");
	*len = n;
	return TRACE_OK;
}

int trace__sigkey_sign(const trace__sigkey *k, uint8_t *sig, size_t cap, size_t *len,
                       const uint8_t *msg, size_t msg_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = cap;
	int rc = TRACE_OK;
	if (ctx == NULL)
		return trace__oom();
	if (!EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, k->pkey, NULL) ||
	    !EVP_DigestSign(ctx, sig, &n, msg, msg_len))
		rc = openssl_resource_fail("Ed25519 signing");
	EVP_MD_CTX_free(ctx);
	if (rc == TRACE_OK)
		*len = n;
	return rc;
}

void trace__sigkey_free(trace__sigkey *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);	/* OpenSSL cleanses the raw key on free */
	trace__free(k);
}

struct trace__pubkey {
	int suite;
	EVP_PKEY *pkey;
	size_t sig_size;
};

int trace__pubkey_new(trace__pubkey **out, int suite, const uint8_t *pub, size_t len)
{
	const trace__suite_info *info = trace__suite_info_get(suite);
	*out = NULL;
	if (info == NULL)
		return trace__fail(TRACE_EUNSUPPORTED, "unknown algorithm suite %d", suite);
	if (len != info->pub_size)
		return trace__fail(TRACE_EINVAL, "public key is %zu bytes, expected %zu", len, info->pub_size);
	trace__pubkey *k = trace__calloc(1, sizeof *k);
	if (k == NULL)
		return trace__oom();
	k->suite = suite;
	k->sig_size = info->sig_size;
	k->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, len);
	if (k->pkey == NULL) {
		trace__free(k);
		return openssl_fail(TRACE_EINVAL, "loading the Ed25519 public key");
	}
	*out = k;
	return TRACE_OK;
}

int trace__pubkey_verify(const trace__pubkey *k, const uint8_t *sig, size_t sig_len,
                         const uint8_t *msg, size_t msg_len)
{
	if (sig_len != k->sig_size)
		return trace__fail(TRACE_EBADSIG, "signature is %zu bytes, expected %zu", sig_len, k->sig_size);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return trace__oom();
	/* Only a signature that was checked and refused is TRACE_EBADSIG. */
	if (EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, k->pkey, NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return openssl_resource_fail("Ed25519 verification setup");
	}
	int ok = EVP_DigestVerify(ctx, sig, sig_len, msg, msg_len);
	EVP_MD_CTX_free(ctx);
	if (ok != 1 && ok != 0)
		return openssl_resource_fail("Ed25519 verification");
	ERR_clear_error();
	return ok == 1 ? TRACE_OK : trace__fail(TRACE_EBADSIG, "Ed25519 signature does not verify");
}

void trace__pubkey_free(trace__pubkey *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	trace__free(k);
}

int trace__random(uint8_t *out, size_t n)
{
	if (n > (size_t)INT32_MAX || RAND_bytes(out, (int)n) != 1)
		return openssl_fail(TRACE_EIO, "OpenSSL RAND_bytes");
	return TRACE_OK;
}

int trace__ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void trace__memzero(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

/* ------------------------------------------------------------------------
 * code module: keyed block function for the issuance permutation
 * (libtrace/code/perm.c).  AES-128 in ECB mode over whole batches of
 * independent 16-byte blocks, so one EVP call serves hundreds of codes.
 * ------------------------------------------------------------------------ */

struct trace__prf {
	EVP_CIPHER_CTX *ctx;
};

int trace__prf_new(trace__prf **out, const uint8_t key[16])
{
	trace__prf *p = trace__calloc(1, sizeof *p);
	if (p == NULL)
		return trace__oom();
	p->ctx = EVP_CIPHER_CTX_new();
	if (p->ctx == NULL) {
		trace__free(p);
		return trace__oom();
	}
	if (EVP_EncryptInit_ex2(p->ctx, EVP_aes_128_ecb(), key, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(p->ctx, 0) != 1) {
		trace__prf_free(p);
		return openssl_resource_fail("OpenSSL AES-128 key setup");
	}
	*out = p;
	return TRACE_OK;
}

int trace__prf_blocks(trace__prf *p, uint8_t *out, const uint8_t *in, size_t nblocks)
{
	int n = 0;
	if (nblocks > (size_t)INT32_MAX / 16 ||
	    EVP_EncryptUpdate(p->ctx, out, &n, in, (int)(nblocks * 16)) != 1 ||
	    (size_t)n != nblocks * 16)
		return openssl_resource_fail("OpenSSL AES-128 encryption");
	return TRACE_OK;
}

void trace__prf_free(trace__prf *p)
{
	if (p == NULL)
		return;
	EVP_CIPHER_CTX_free(p->ctx);
	trace__free(p);
}

/* ------------------------------------------------------------------------
 * query module: the private side store (libtrace/query/private.c).  Each
 * value is sealed with AES-256-GCM under its event's own key, so that
 * destroying that key makes every copy LMDB may still hold unreadable.
 * ------------------------------------------------------------------------ */

int trace__aead_seal(uint8_t *out, const uint8_t key[TRACE__AEAD_KEY], const uint8_t *aad,
                     size_t aad_len, const uint8_t *msg, size_t msg_len)
{
	uint8_t *nonce = out, *ct = out + TRACE__AEAD_NONCE, *tag = ct + msg_len;
	int rc = trace__random(nonce, TRACE__AEAD_NONCE);
	if (rc)
		return rc;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok = ctx != NULL && msg_len <= INT32_MAX && aad_len <= INT32_MAX &&
	                EVP_EncryptInit_ex2(ctx, EVP_aes_256_gcm(), key, nonce, NULL) == 1 &&
	                EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
	                EVP_EncryptUpdate(ctx, ct, &n, msg, (int)msg_len) == 1 && (size_t)n == msg_len &&
	                EVP_EncryptFinal_ex(ctx, ct + n, &n) == 1 &&
	                EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, TRACE__AEAD_TAG, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? TRACE_OK : openssl_resource_fail("OpenSSL AES-256-GCM encryption");
}

int trace__aead_open(uint8_t *out, const uint8_t key[TRACE__AEAD_KEY], const uint8_t *aad,
                     size_t aad_len, const uint8_t *sealed, size_t sealed_len)
{
	if (sealed_len < TRACE__AEAD_OVERHEAD || sealed_len - TRACE__AEAD_OVERHEAD > INT32_MAX)
		return trace__fail(TRACE_ECORRUPT, "sealed value of %zu bytes is too short", sealed_len);
	size_t msg_len = sealed_len - TRACE__AEAD_OVERHEAD;
	const uint8_t *nonce = sealed, *ct = sealed + TRACE__AEAD_NONCE, *tag = ct + msg_len;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, setup = ctx != NULL && aad_len <= INT32_MAX &&
	                   EVP_DecryptInit_ex2(ctx, EVP_aes_256_gcm(), key, nonce, NULL) == 1 &&
	                   EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
	                   EVP_DecryptUpdate(ctx, out, &n, ct, (int)msg_len) == 1 &&
	                   EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, TRACE__AEAD_TAG, (void *)tag) == 1;
	int good = setup && EVP_DecryptFinal_ex(ctx, out + n, &n) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!setup)
		return openssl_resource_fail("OpenSSL AES-256-GCM decryption setup");
	if (!good) {
		trace__memzero(out, msg_len);
		return trace__fail(TRACE_ECORRUPT, "sealed value does not authenticate under its key");
	}
	return TRACE_OK;
}
