/*
 * event/private: private fields enter the canonical encoding only as salted
 * commitments.  commitment = SHA-256(salt || name || 0x00 || value), with a
 * 16-byte salt from the CSPRNG; the cleartext and salt stay in the event for
 * the ledger's erasable side store (docs/FORMAT.md, "Private fields").
 */
#include <string.h>

#include "event_internal.h"
#include "../crypto.h"
#include "../error_internal.h"
#include "../util/alloc.h"

int trace__ev_commit(uint8_t out[TRACE__EV_HASH], const uint8_t salt[TRACE__EV_SALT],
                     const char *name, const char *value)
{
	trace_hasher *h = NULL;
	int rc = trace_hasher_new(&h, TRACE_SUITE_SHA256_ED25519);
	if (rc)
		return rc;
	/* name with its terminating NUL is name || 0x00; names cannot contain NUL. */
	rc = trace__hash3(h, out, salt, TRACE__EV_SALT, name, strlen(name) + 1, value, strlen(value));
	trace_hasher_free(h);
	return rc;
}

static int name_ok(const char *name)
{
	if (name == NULL || *name == '\0')
		return trace__fail(TRACE_EINVAL, "libtrace:private: missing field name");
	if (!trace__ev_text_ok(name, strlen(name)))
		return trace__fail(TRACE_EINVAL, "libtrace:private: field name is not valid UTF-8");
	return TRACE_OK;
}

static trace__priv *new_priv(trace_event *ev, const char *name)
{
	if (trace__grow((void **)&ev->priv, &ev->cap_priv, ev->n_priv, sizeof *ev->priv))
		return NULL;
	trace__priv *p = &ev->priv[ev->n_priv];
	memset(p, 0, sizeof *p);
	if ((p->name = trace__strdup(name)) == NULL) {
		trace__oom();
		return NULL;
	}
	ev->n_priv++;
	return p;
}

int trace_event_add_private(trace_event *ev, const char *name, const char *value)
{
	if (ev == NULL)
		return trace__fail(TRACE_EINVAL, "event: NULL event");
	if (name_ok(name))
		return TRACE_EINVAL;
	if (value == NULL)
		return trace__fail(TRACE_EINVAL, "libtrace:private \"%.80s\": missing value", name);
	if (!trace__ev_text_ok(value, strlen(value)))
		return trace__fail(TRACE_EINVAL, "libtrace:private \"%.80s\": value is not valid UTF-8", name);
	uint8_t salt[TRACE__EV_SALT], c[TRACE__EV_HASH];
	int rc = trace__random(salt, sizeof salt);
	if (rc == TRACE_OK)
		rc = trace__ev_commit(c, salt, name, value);
	if (rc) {
		trace__memzero(salt, sizeof salt);
		return rc;
	}
	char *v = trace__strdup(value);
	trace__priv *p = v ? new_priv(ev, name) : NULL;
	if (p == NULL) {
		trace__free(v);
		trace__memzero(salt, sizeof salt);
		return trace__oom();
	}
	memcpy(p->commitment, c, sizeof c);
	memcpy(p->salt, salt, sizeof salt);
	p->value = v;
	p->has_clear = 1;
	trace__memzero(salt, sizeof salt);
	return TRACE_OK;
}

int trace__ev_add_commitment(trace_event *ev, const char *name, const uint8_t *commitment, size_t len)
{
	if (name_ok(name))
		return TRACE_EINVAL;
	if (len != TRACE__EV_HASH)
		return trace__fail(TRACE_EINVAL, "libtrace:commitments \"%.80s\": commitment is %zu bytes, expected %d",
		                   name, len, TRACE__EV_HASH);
	trace__priv *p = new_priv(ev, name);
	if (p == NULL)
		return TRACE_ENOMEM;
	memcpy(p->commitment, commitment, TRACE__EV_HASH);
	return TRACE_OK;
}

int trace_event_reveal_private(trace_event *ev, size_t i, const char *value, const uint8_t *salt,
                               size_t salt_len)
{
	if (ev == NULL || value == NULL || salt == NULL)
		return trace__fail(TRACE_EINVAL, "trace_event_reveal_private: NULL argument");
	if (i >= ev->n_priv)
		return trace__fail(TRACE_ERANGE, "private field %zu requested, the event has %zu", i, ev->n_priv);
	trace__priv *p = &ev->priv[i];
	if (salt_len != TRACE__EV_SALT)
		return trace__fail(TRACE_EINVAL, "private field \"%.80s\": a salt is %d bytes, not %zu", p->name,
		                   TRACE__EV_SALT, salt_len);
	if (!trace__ev_text_ok(value, strlen(value)))
		return trace__fail(TRACE_EINVAL, "private field \"%.80s\": value is not valid UTF-8", p->name);
	uint8_t c[TRACE__EV_HASH];
	int rc = trace__ev_commit(c, salt, p->name, value);
	if (rc)
		return rc;
	if (!trace__ct_equal(c, p->commitment, sizeof c))
		return trace__fail(TRACE_ECHAINBREAK, "private field \"%.80s\": value and salt do not match the commitment",
		                   p->name);
	char *v = trace__strdup(value);
	if (v == NULL)
		return trace__oom();
	if (p->has_clear)
		trace__free(p->value);
	p->value = v;
	memcpy(p->salt, salt, TRACE__EV_SALT);
	p->has_clear = 1;
	return TRACE_OK;
}
