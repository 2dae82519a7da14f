/*
 * note/keys: signed-note keys.  Verifier keys "name+hex8+base64(type||pub)",
 * private keys "PRIVATE+KEY+name+hex8+base64(type||seed)" (the form of Go's
 * golang.org/x/mod/sumdb/note), signers in memory or behind callbacks.
 */
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "trace/note.h"
#include "trace/sys/signer.h"
#include "note_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/sbuf.h"
#include "../util/text.h"

#define SKEY_PREFIX "PRIVATE+KEY+"
#define KEY_MATERIAL_MAX (1 + TRACE_HASH_MAX_SIZE)

struct trace_signer {
	char *name;
	uint32_t key_id;
	int type;
	const trace__suite_info *suite;
	uint8_t pub[TRACE_HASH_MAX_SIZE];
	size_t pub_len;
	trace__sigkey *key;          /* in-memory key, or NULL for callbacks */
	trace_sign_fn sign;
	void (*free_payload)(void *);
	void *payload;
};

int trace__key_id(uint32_t *out, const char *name, size_t name_len, int type,
                  const uint8_t *pub, size_t pub_len)
{
	trace_hasher *h;
	uint8_t digest[TRACE_HASH_MAX_SIZE], sep[2] = { '\n', (uint8_t)type };
	int rc = trace_hasher_new(&h, TRACE_SUITE_SHA256_ED25519);
	if (rc)
		return rc;
	rc = trace__hash3(h, digest, name, name_len, sep, 2, pub, pub_len);
	trace_hasher_free(h);
	if (rc == TRACE_OK)
		*out = (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 |
		       (uint32_t)digest[2] << 8 | digest[3];
	return rc;
}

static int key_type_supported(int type)
{
	return trace__suite_for_key_type(type) != NULL;
}

/* Splits "name+hex8+base64" and decodes it; @what names the key kind in errors. */
static int split_key(const char *what, const char *text, const char **name, size_t *name_len,
                     uint32_t *id, uint8_t *material, size_t *material_len)
{
	const char *p1 = strchr(text, '+');
	const char *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
	if (p2 == NULL)
		return trace__fail(TRACE_EINVAL, "%s: expected name+hex8+base64", what);
	*name = text;
	*name_len = (size_t)(p1 - text);
	if (!trace__key_name_ok(text, *name_len))
		return trace__fail(TRACE_EINVAL, "%s: key name must be non-empty UTF-8 without spaces or '+'", what);
	if (trace__parse_hex8(id, p1 + 1, (size_t)(p2 - p1 - 1)))
		return trace__fail(TRACE_EINVAL, "%s: key ID must be 8 lowercase hex digits", what);
	const char *b64 = p2 + 1;
	size_t b64_len = strlen(b64);
	long n = trace__base64_decode(material, KEY_MATERIAL_MAX, b64, b64_len);
	if (n < 2)
		return trace__fail(TRACE_EINVAL, "%s: key material is not valid base64 of type and key", what);
	*material_len = (size_t)n;
	if (!key_type_supported(material[0]))
		return trace__fail(TRACE_EUNSUPPORTED, "%s: signature type 0x%02x is not supported", what, material[0]);
	return TRACE_OK;
}

int trace_verifier_new(trace_verifier **out, const char *vkey)
{
	const char *name;
	size_t name_len, mlen;
	uint32_t id, want;
	uint8_t m[KEY_MATERIAL_MAX];
	int rc;

	if (out == NULL || vkey == NULL)
		return trace__fail(TRACE_EINVAL, "trace_verifier_new: NULL argument");
	*out = NULL;
	rc = split_key("verifier key", vkey, &name, &name_len, &id, m, &mlen);
	if (rc)
		return rc;
	const trace__suite_info *suite = trace__suite_for_key_type(m[0]);
	if (mlen - 1 != suite->pub_size)
		return trace__fail(TRACE_EINVAL, "verifier key: public key is %zu bytes, expected %zu", mlen - 1, suite->pub_size);
	rc = trace__key_id(&want, name, name_len, m[0], m + 1, mlen - 1);
	if (rc)
		return rc;
	if (want != id)
		return trace__fail(TRACE_EINVAL, "verifier key: key ID %08x does not match the key (expected %08x)", id, want);
	trace_verifier *v = trace__calloc(1, sizeof *v);
	if (v == NULL)
		return trace__oom();
	v->name = trace__strndup(name, name_len);
	v->key_id = id;
	v->type = m[0];
	v->sig_size = suite->sig_size;
	memcpy(v->pub, m + 1, mlen - 1);
	v->pub_len = mlen - 1;
	if (v->name == NULL) {
		trace_verifier_free(v);
		return trace__oom();
	}
	rc = trace__pubkey_new(&v->key, suite->id, m + 1, mlen - 1);
	if (rc) {
		trace_verifier_free(v);
		return rc;
	}
	*out = v;
	return TRACE_OK;
}

void trace_verifier_free(trace_verifier *v)
{
	if (v == NULL)
		return;
	trace__pubkey_free(v->key);
	trace__free(v->name);
	trace__free(v);
}

const char *trace_verifier_name(const trace_verifier *v) { return v ? v->name : NULL; }
uint32_t trace_verifier_key_id(const trace_verifier *v) { return v ? v->key_id : 0; }
int trace_verifier_type(const trace_verifier *v) { return v ? v->type : 0; }

static int format_key(trace_buf *out, const char *prefix, const char *name, uint32_t id,
                      int type, const uint8_t *key, size_t key_len)
{
	trace__sbuf b = TRACE__SBUF_INIT;
	uint8_t m[KEY_MATERIAL_MAX];
	char hex[9];
	trace__hex8(hex, id);
	m[0] = (uint8_t)type;
	memcpy(m + 1, key, key_len);
	trace__sbuf_printf(&b, "%s%s+%s+", prefix, name, hex);
	trace__sbuf_base64(&b, m, key_len + 1);
	trace__memzero(m, sizeof m);
	return trace__sbuf_finish(&b, out);
}

static int signer_from_seed(trace_signer **out, const char *name, size_t name_len, int type,
                            const uint8_t *seed, size_t seed_len)
{
	const trace__suite_info *suite = trace__suite_for_key_type(type);
	trace_signer *s = trace__calloc(1, sizeof *s);
	int rc;
	if (s == NULL)
		return trace__oom();
	s->type = type;
	s->suite = suite;
	s->name = trace__strndup(name, name_len);
	if (s->name == NULL) {
		trace__free(s);
		return trace__oom();
	}
	rc = trace__sigkey_from_seed(&s->key, suite->id, seed, seed_len);
	if (rc == TRACE_OK)
		rc = trace__sigkey_public(s->key, s->pub, sizeof s->pub, &s->pub_len);
	if (rc == TRACE_OK)
		rc = trace__key_id(&s->key_id, name, name_len, type, s->pub, s->pub_len);
	if (rc) {
		trace_signer_free(s);
		return rc;
	}
	*out = s;
	return TRACE_OK;
}

int trace_key_generate(trace_buf *skey_out, trace_buf *vkey_out, const char *name, int type)
{
	uint8_t seed[TRACE_HASH_MAX_SIZE];
	trace_signer *s = NULL;
	int rc;

	if (skey_out == NULL || vkey_out == NULL || name == NULL)
		return trace__fail(TRACE_EINVAL, "trace_key_generate: NULL argument");
	if (!trace__key_name_ok(name, strlen(name)))
		return trace__fail(TRACE_EINVAL, "key name \"%s\" must be non-empty UTF-8 without spaces or '+'", name);
	const trace__suite_info *suite = trace__suite_for_key_type(type);
	if (suite == NULL)
		return trace__fail(TRACE_EUNSUPPORTED, "key type 0x%02x is not supported", (unsigned)type);
	rc = trace__random(seed, suite->seed_size);
	if (rc == TRACE_OK)
		rc = signer_from_seed(&s, name, strlen(name), type, seed, suite->seed_size);
	if (rc == TRACE_OK)
		rc = format_key(skey_out, SKEY_PREFIX, name, s->key_id, type, seed, suite->seed_size);
	if (rc == TRACE_OK) {
		rc = trace_signer_vkey(vkey_out, s);
		if (rc) {
			trace__memzero(skey_out->ptr, skey_out->size);
			trace_buf_dispose(skey_out);
		}
	}
	trace__memzero(seed, sizeof seed);
	trace_signer_free(s);
	return rc;
}

int trace_signer_from_skey(trace_signer **out, const char *skey)
{
	const char *name;
	size_t name_len, mlen;
	uint32_t id;
	uint8_t m[KEY_MATERIAL_MAX];
	int rc;

	if (out == NULL || skey == NULL)
		return trace__fail(TRACE_EINVAL, "trace_signer_from_skey: NULL argument");
	*out = NULL;
	if (strncmp(skey, SKEY_PREFIX, strlen(SKEY_PREFIX)) != 0)
		return trace__fail(TRACE_EINVAL, "private key: must start with \"" SKEY_PREFIX "\"");
	/* Tolerate one trailing newline, as key files usually end with one. */
	size_t len = strlen(skey);
	char *copy = trace__strndup(skey, len - (len && skey[len - 1] == '\n'));
	if (copy == NULL)
		return trace__oom();
	rc = split_key("private key", copy + strlen(SKEY_PREFIX), &name, &name_len, &id, m, &mlen);
	if (rc == TRACE_OK) {
		const trace__suite_info *suite = trace__suite_for_key_type(m[0]);
		if (mlen - 1 != suite->seed_size)
			rc = trace__fail(TRACE_EINVAL, "private key: key is %zu bytes, expected %zu", mlen - 1, suite->seed_size);
		else
			rc = signer_from_seed(out, name, name_len, m[0], m + 1, mlen - 1);
	}
	if (rc == TRACE_OK && (*out)->key_id != id) {
		rc = trace__fail(TRACE_EINVAL, "private key: key ID %08x does not match the key (expected %08x)",
		                 id, (*out)->key_id);
		trace_signer_free(*out);
		*out = NULL;
	}
	trace__memzero(m, sizeof m);
	trace__memzero(copy, len);
	trace__free(copy);
	return rc;
}

int trace_signer_new_custom(trace_signer **out, const char *vkey, trace_sign_fn sign,
                            void (*free_payload)(void *), void *payload)
{
	trace_verifier *v = NULL;
	if (out == NULL || sign == NULL)
		return trace__fail(TRACE_EINVAL, "trace_signer_new_custom: NULL argument");
	*out = NULL;
	int rc = trace_verifier_new(&v, vkey);
	if (rc)
		return rc;
	trace_signer *s = trace__calloc(1, sizeof *s);
	if (s == NULL) {
		trace_verifier_free(v);
		return trace__oom();
	}
	s->name = v->name;
	v->name = NULL;
	s->key_id = v->key_id;
	s->type = v->type;
	s->suite = trace__suite_for_key_type(v->type);
	memcpy(s->pub, v->pub, v->pub_len);
	s->pub_len = v->pub_len;
	s->sign = sign;
	s->free_payload = free_payload;
	s->payload = payload;
	trace_verifier_free(v);
	*out = s;
	return TRACE_OK;
}

void trace_signer_free(trace_signer *s)
{
	if (s == NULL)
		return;
	trace__sigkey_free(s->key);
	if (s->free_payload)
		s->free_payload(s->payload);
	trace__free(s->name);
	trace__memzero(s, sizeof *s);
	trace__free(s);
}

const char *trace_signer_name(const trace_signer *s) { return s ? s->name : NULL; }
int trace__signer_type(const trace_signer *s) { return s->type; }
uint32_t trace__signer_key_id(const trace_signer *s) { return s->key_id; }

int trace_signer_vkey(trace_buf *out, const trace_signer *s)
{
	if (out == NULL || s == NULL)
		return trace__fail(TRACE_EINVAL, "trace_signer_vkey: NULL argument");
	return format_key(out, "", s->name, s->key_id, s->type, s->pub, s->pub_len);
}

int trace__signer_note_signature(const trace_signer *s, uint8_t *out, size_t cap, size_t *len,
                                 const char *text, size_t text_len, uint64_t timestamp)
{
	const uint8_t *msg = (const uint8_t *)text;
	uint8_t *owned = NULL;
	size_t msg_len = text_len, head = 4, sig_len = 0;
	int rc;

	if (s->type == TRACE_KEY_COSIGNATURE_V1) {
		if (timestamp >= (uint64_t)1 << 63)
			return trace__fail(TRACE_EINVAL, "cosignature timestamp %llu is not below 2^63",
			                   (unsigned long long)timestamp);
		rc = trace__cosignature_message(&owned, &msg_len, text, text_len, timestamp);
		if (rc)
			return rc;
		msg = owned;
		head = 12;
	}
	if (cap < head + s->suite->sig_size) {
		trace__free(owned);
		return trace__fail(TRACE_EBUFS, "signature buffer too small");
	}
	out[0] = (uint8_t)(s->key_id >> 24);
	out[1] = (uint8_t)(s->key_id >> 16);
	out[2] = (uint8_t)(s->key_id >> 8);
	out[3] = (uint8_t)s->key_id;
	if (head == 12)
		for (int i = 0; i < 8; i++)
			out[4 + i] = (uint8_t)(timestamp >> (56 - 8 * i));
	if (s->key)
		rc = trace__sigkey_sign(s->key, out + head, cap - head, &sig_len, msg, msg_len);
	else if (s->sign(out + head, cap - head, &sig_len, msg, msg_len, s->payload) != 0)
		rc = trace__fail(TRACE_EUSER, "custom signer for %s failed", s->name);
	else
		rc = TRACE_OK;
	trace__free(owned);
	if (rc)
		return rc;
	if (sig_len != s->suite->sig_size)
		return trace__fail(TRACE_EUSER, "signer for %s returned %zu bytes, expected %zu",
		                   s->name, sig_len, s->suite->sig_size);
	*len = head + sig_len;
	return TRACE_OK;
}
